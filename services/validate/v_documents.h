/* dw_v_documents — the departments' and sections' documents: target
 * declarations (绩效目标申报), monitoring forms (绩效运行监控表),
 * self-evaluations (绩效自评) and workflow actions (流程操作).
 *
 * Each is checked against the reference data and its rules, stored in its
 * tables (a new declaration version supersedes the old, a resubmitted form or
 * self-evaluation is the next revision; all are kept, the highest is current),
 * and passed on to dw-analyze as it came: the inbound envelope unchanged,
 * under its own type. A document that breaks a fatal rule is refused: a
 * rejects row and a reject.notice to its source; one that breaks a warning
 * rule is stored with the rule id in its flags. */
#ifndef DW_V_DOCUMENTS_H
#define DW_V_DOCUMENTS_H

#include <stddef.h>

#include "v_batch.h"

int dw_v_declaration_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_monitor_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_selfeval_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_workflow_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));

#endif
