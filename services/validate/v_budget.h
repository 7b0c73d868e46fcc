/* dw_v_budget — the budget section's messages.
 *
 * budget.allocation: a budget line as the budget system has it, upserted by
 * line_id; the department, unit and project it names are kept in the
 * reference tables (departments, units, projects) from it. budget.adjustment:
 * one change to one line (调整 changes adjusted_fen, 调剂 transferred_fen, and
 * current_fen follows), kept in budget_adjustments with the line's amount
 * before and after; a cut that would take the line, or its project, below what
 * is already paid (payments minus reversals) is refused. Both go on to
 * dw-analyze as fact.budget with the project's new total. */
#ifndef DW_V_BUDGET_H
#define DW_V_BUDGET_H

#include <stddef.h>

#include "v_batch.h"

/* A run of messages of one type, in inbox order: 0, or -1 on a database failure. */
int dw_v_allocation_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_adjustment_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));

#endif
