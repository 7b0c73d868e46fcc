/* dw_a_alerts — the life of an alert (issue: one open alert per fiscal year,
 * project, rule and subject). The findings of an evaluation are laid over the
 * open alerts of the same projects:
 *   no open alert, finding yellow/red/blue  → raised;
 *   open alert, finding of another light    → changed (escalated or
 *                                             de-escalated; green → cleared);
 *   open alert, same light                  → its figures brought up to date,
 *                                             nothing published (not repeated);
 *   open alert, no finding (the rule no longer applies, e.g. the indicator
 *   left the targets), for a subject evaluated completely → cleared.
 * Every raise, change and clear is a row in alert_history and an alert.event
 * emitted with the previous and the new level and the figures of the moment.
 * Runs inside the stage's batch transaction.
 *
 * The open alerts are held in memory (read once per fiscal year, kept as
 * they change), so a batch costs no query for them. A light that changes is
 * written at once; figures that change under the same light (every payment
 * moves "actual") are written about analyze.figures_interval_ms after they
 * changed, by the batch or the tick then running, oldest first (so the
 * writes spread over the batches rather than all alerts in one), or all at
 * once by dw_a_alerts_flush: under a stream the table's figures of an open
 * alert are that much behind, while every published change carries the
 * figures of its moment. */
#ifndef DW_A_ALERTS_H
#define DW_A_ALERTS_H

#include <stdbool.h>
#include <stddef.h>

#include "a_rules.h"
#include "dw_pg.h"
#include "dw_stage.h"

/* The findings of one project (or of the treasury's reconciliation). */
typedef struct dw_a_evaluated {
    const char *project_code;
    const char *dept_code;
    const dw_a_finding_t *findings;
    size_t n;
    bool complete; /* every rule was evaluated: open alerts without a finding are cleared */
} dw_a_evaluated_t;

typedef struct dw_a_alerts dw_a_alerts_t;

dw_a_alerts_t *dw_a_alerts_new(int figures_interval_ms);
void dw_a_alerts_destroy(dw_a_alerts_t **self_p);

/* Lays the findings over the open alerts; *changes = events emitted. 0, or
 * -1 on a database failure (the batch rolls back: call dw_a_alerts_forget). */
int dw_a_alerts_apply(dw_a_alerts_t *self, dw_pg_t *pg, dw_stage_t *stage, int fiscal_year,
                      const dw_a_evaluated_t *evaluated, size_t n, dw_date_t as_of, size_t *changes)
    __attribute__((warn_unused_result));

/* Writes the figures changed under an unchanged light that are not written
 * yet (0, or -1 on a database failure: the transaction rolls back). */
int dw_a_alerts_flush(dw_a_alerts_t *self, dw_pg_t *pg) __attribute__((warn_unused_result));
/* The same for the figures that changed figures_interval_ms ago or before. */
int dw_a_alerts_flush_old(dw_a_alerts_t *self, dw_pg_t *pg) __attribute__((warn_unused_result));
/* Some figures waiting are figures_interval_ms old. */
bool dw_a_alerts_flush_due(const dw_a_alerts_t *self);

/* After a rollback: what is held in memory (the open alerts, the next alert
 * id) is read again. */
void dw_a_alerts_forget(dw_a_alerts_t *self);

#endif
