/* dw_route — the sections' workflow: who must act on what, by when, and
 * what a decision does (seed 004, 000 §11-§14).
 *
 * dw-route reads two streams: dw-validate's (the workflow actions of the
 * sections and departments, and the documents and facts that move a
 * procedure: a target declaration, a monitoring form, a self-evaluation, a
 * treasury hold_ack, a budget adjustment) and dw-analyze's (a red alert opens
 * a deviation case, a cleared one closes it; a form without a cause goes back
 * to its department; a failed reconciliation is checked). Each document moves
 * by its procedure's table (r_procedure.h) through the engine (r_engine.h); a
 * refused action is recorded in rejects (stage route) and told to its source
 * on reject.<src>.; the clock (r_timers.h) sends reminders, finds missed
 * dates and opens each monitoring round's forms. */
#ifndef DW_ROUTE_H
#define DW_ROUTE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_route dw_route_t;

dw_route_t *dw_route_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_route_destroy(dw_route_t **self_p);
/* The handler, its tick every route.tick_ms. */
dw_stage_handler_t dw_route_handler(const dw_config_t *cfg);

#endif
