/* dw_analyze — the deviation analysis stage (双监控).
 *
 * Keeps each project's payments by day (project_days) from dw-validate's
 * facts, and on every fact that moves a project (a payment, a budget change,
 * new targets, a monitoring form) and once each business day for every
 * project of the year (lag grows with no new payment), applies the rule
 * catalogue (a_rules, deploy/analysis_rules.yaml) and lays the findings over
 * the open alerts (a_alerts): raised, escalated, de-escalated, cleared, each
 * an alert.event for dw-route and dw-notify. The treasury's reconciliation
 * facts are judged the same way. SIGHUP reloads the catalogue. */
#ifndef DW_ANALYZE_H
#define DW_ANALYZE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_analyze dw_analyze_t;

dw_analyze_t *dw_analyze_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_analyze_destroy(dw_analyze_t **self_p);
/* The stage callbacks (ctx: the dw_analyze_t); the daily run and re-analysis requests looked for every
 * analyze.tick_ms. */
dw_stage_handler_t dw_analyze_handler(const dw_config_t *cfg);

#endif
