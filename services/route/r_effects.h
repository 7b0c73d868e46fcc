/* dw_r_effects — what a step of a procedure sets off besides moving the
 * document: the task events of the sections' inboxes, formal notices
 * (整改通知, 反馈告知书, 移送, 催办), a deviation case's decision taking effect
 * (a budget cut for 预算股, targets sent back for revision, a treasury
 * instruction to stop or resume payments), and the year's summary to 局党组.
 * Every message goes to dw-notify through dw-route's stage. */
#ifndef DW_R_EFFECTS_H
#define DW_R_EFFECTS_H

#include "r_engine.h"

/* A task.event about d's task (d->task_id) to section (its holder when NULL). */
int dw_r_task_event(dw_r_engine_t *e, const dw_r_document_t *d, int64_t task_id, const char *event, const char *section,
                    const char *summary) __attribute__((warn_unused_result));

/* A notice (kind as in the schema) to recipient about d. */
int dw_r_notice(dw_r_engine_t *e, const dw_r_document_t *d, const char *kind, const char *recipient, const char *title,
                const char *text, const dw_date_t *due) __attribute__((warn_unused_result));

/* The step's effect (step->effect), after d has moved. */
int dw_r_effect(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_step_t *step, const dw_r_action_t *a)
    __attribute__((warn_unused_result));

/* A reminder before d's due date, or the missed date: to the holder, and for
 * a missed one an escalation to 综合股. */
int dw_r_effect_deadline(dw_r_engine_t *e, dw_r_document_t *d, bool overdue) __attribute__((warn_unused_result));

#endif
