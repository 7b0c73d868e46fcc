/* dw_r_timers — what the clock sets off in dw-route: a reminder some working
 * days before a document's due date, the missed date (a reminder to the
 * holder and an escalation to 综合股, or the procedure's own row: a target
 * not published in time gets a rectification notice, a hold the treasury
 * has not confirmed escalates), and the monitoring tasks of each project
 * when a monitoring round's period ends.
 *
 * Everything is read from the documents table each time, so the timers
 * survive a restart: a reminder or a missed date is recorded on the document
 * (reminded_for, overdue_for) in the same transaction as its messages. */
#ifndef DW_R_TIMERS_H
#define DW_R_TIMERS_H

#include "a_catalogue.h"
#include "r_engine.h"

/* The monitoring form of a project for a round: doc id "MR-<year>-<project>-<MM>". */
void dw_r_monitor_doc_id(char *out, size_t n, int fiscal_year, const char *project_code, int period_month);

/* The round of a period_month, or NULL. */
const dw_a_form_round_t *dw_r_round_of(const dw_a_catalogue_t *catalogue, int period_month);

/* One pass of the deadlines due by the engine's as-of date (at most limit
 * documents); *more set when there may be others. 0 or -1. */
int dw_r_timers_deadlines(dw_r_engine_t *e, int limit, bool *more) __attribute__((warn_unused_result));

/* Opens the monitoring forms of the rounds whose period has ended by the
 * as-of date, for the projects of that year that have none (at most limit);
 * *more set when there may be others. 0 or -1. */
int dw_r_timers_rounds(dw_r_engine_t *e, const dw_a_catalogue_t *catalogue, int limit, bool *more)
    __attribute__((warn_unused_result));

#endif
