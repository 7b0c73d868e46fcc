/* dw_v_batch — what every handler of a dw-validate batch shares: the
 * configuration, the rule catalogue, the project positions, the stage to emit
 * on, and the refusals of the batch (rejects rows, written with one COPY at
 * its end, and a reject.notice for each, to its source on reject.<src>.). */
#ifndef DW_V_BATCH_H
#define DW_V_BATCH_H

#include <stdint.h>

#include "dw_config.h"
#include "dw_msg.h"
#include "dw_pg.h"
#include "dw_stage.h"
#include "v_catalogue.h"
#include "v_position.h"

typedef struct dw_v_batch {
    const dw_config_t *cfg;
    const dw_v_catalogue_t *catalogue;
    dw_v_positions_t *positions;
    dw_stage_t *stage;
    dw_pg_t *pg;
    dw_buf_t rejects; /* COPY rows */
    int64_t n_rejects;
} dw_v_batch_t;

/* A message refused for rule: a rejects row (code = the rule's wire code,
 * rule_id, field, value, expected, message = the rendered template) and a
 * reject.notice whose message is "<rule id> <rendered template>". */
int dw_v_refuse(dw_v_batch_t *b, const dw_event_t *ev, const dw_msg_t *m, const dw_v_setting_t *rule,
                const dw_v_finding_t *f) __attribute__((warn_unused_result));
/* An inbox message that no longer passes the contract: kept in rejects. */
int dw_v_refuse_undecodable(dw_v_batch_t *b, const dw_event_t *ev, const dw_error_t *err)
    __attribute__((warn_unused_result));
/* Refuses when the verdict says so: 1 refused, 0 not, -1 failure. */
int dw_v_judge(dw_v_batch_t *b, const dw_event_t *ev, const dw_msg_t *m, const dw_v_verdict_t *v)
    __attribute__((warn_unused_result));
/* Passes a stored document on to dw-analyze as it came: the inbound envelope
 * unchanged, under its own type. */
int dw_v_pass_on(dw_v_batch_t *b, const dw_event_t *ev, const char *key) __attribute__((warn_unused_result));
/* The batch's rejects rows, one COPY. */
int dw_v_batch_flush(dw_v_batch_t *b) __attribute__((warn_unused_result));
void dw_v_batch_free(dw_v_batch_t *b);

/* Field access for handlers: an int (0 when absent), a str ("" when absent). */
int64_t dw_v_int(const dw_obj_t *o, const char *field);
const char *dw_v_str(const dw_obj_t *o, const char *field);

#endif
