/* dw_intake — the only door for producers.
 *
 * A ROUTER takes envelopes from many producers at once; each is checked
 * against the contract (dw_msg) and either kept for the batch or answered with
 * its code and recorded in rejects. A batch (intake.batch_max messages or
 * intake.batch_wait_ms, whichever first) is one transaction: repeated src+id
 * are found (same bytes: dup; other bytes: conflict), new messages get the
 * next inbox sequence numbers, rows go in by COPY, and only after the commit
 * do the acks leave and the events go to dw-validate.
 *
 * Many producers (intake_peers.h): each ZeroMQ connection has a credit of
 * intake.inflight_max messages received and not yet acked; one more is
 * answered busy at once, neither stored nor kept in rejects (flow control, not
 * bad input). Since every ack of a batch leaves at its commit, the credit
 * binds when a batch may hold more than it (batch_max > inflight_max);
 * otherwise the ROUTER's high-water marks hold a fast producer back first.
 * Acks go out with ZMQ_DONTWAIT: one the socket refuses (a producer that does
 * not read them, at its high-water mark, or one that is gone) is dropped and
 * counted, the message stays stored and a resend is answered dup; the counts
 * are logged once a second per producer. So what a producer can make
 * dw-intake hold is bounded by the socket's queues and one batch, whatever it
 * sends, and the live events to dw-validate by EVENTS_HWM (intake.c). */
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
