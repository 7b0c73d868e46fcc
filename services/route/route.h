/* dw_route — the sections' workflow: who must act on what, by when.
 *
 * The first procedures, from the alerts of dw-analyze (each task due a
 * configured number of days after the alert's as-of date, one per alert and
 * kind):
 *   - 偏离处置 (seed 000 §13): an alert that turns red (raised red, or
 *     escalated to red) opens a deviation case for the business section
 *     (业务股室) that looks after the department (对口);
 *   - 监控表退回: a form whose yellow or red indicator has no deviation cause
 *     (form_no_cause) goes back to the department through that section, and
 *     the department gets a notice with the rule's reason;
 *   - 国库对账不符: the comprehensive section (综合股) reviews, the treasury (国库)
 *     checks its feed.
 * The state machines of the later procedures grow from here. */
#ifndef DW_ROUTE_H
#define DW_ROUTE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_route dw_route_t;

dw_route_t *dw_route_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_route_destroy(dw_route_t **self_p);
const dw_stage_handler_t *dw_route_handler(void);

#endif
