/* dw_analyze — applies the deviation rules to each fact and keeps the alerts.
 *
 * One open alert per project and rule: a rule that fires again updates the
 * open alert's figures (one statement per batch for all of them); a rule
 * whose condition no longer holds clears it (published at green). Every
 * raise, level change and clear is an alert.event for dw-route and dw-notify.
 * This first set of rules comes from the compliance flags of dw-validate:
 * 超预算开支 (over_budget) and 无预算开支 (no_budget), both red. */
#ifndef DW_ANALYZE_H
#define DW_ANALYZE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_analyze dw_analyze_t;

dw_analyze_t *dw_analyze_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_analyze_destroy(dw_analyze_t **self_p);
const dw_stage_handler_t *dw_analyze_handler(void);

#endif
