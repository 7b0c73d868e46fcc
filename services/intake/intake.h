/* dw_intake — the only door for producers.
 *
 * A ROUTER takes envelopes from many producers at once; each is checked
 * against the contract (dw_msg) and either kept for the batch or answered with
 * its code and recorded in rejects. A batch (intake.batch_max messages or
 * intake.batch_wait_ms, whichever first) is one transaction: repeated src+id
 * are found (same bytes: dup; other bytes: conflict), new messages get the
 * next inbox sequence numbers, rows go in by COPY, and only after the commit
 * do the acks leave and the events go to dw-validate. */
#ifndef DW_INTAKE_H
#define DW_INTAKE_H

#include "dw_config.h"
#include "dw_pg.h"

typedef struct dw_intake dw_intake_t;

dw_intake_t *dw_intake_new(void *zmq_ctx, dw_pg_t *pg, const dw_config_t *cfg);
void dw_intake_destroy(dw_intake_t **self_p);
/* Runs until SIGTERM/SIGINT arrives on signal_fd; 0 on a clean stop. */
int dw_intake_run(dw_intake_t *self, int signal_fd);

#endif
