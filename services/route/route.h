/* dw_route — the sections' workflow: who must act on what, by when.
 *
 * This first procedure is the deviation case (偏离处置, seed 000 §13): a red
 * alert opens a case for the business section (业务股室) that looks after the
 * department (对口), due a configured number of days after the as-of date;
 * the state table of the later procedures grows from here. */
#ifndef DW_ROUTE_H
#define DW_ROUTE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_route dw_route_t;

dw_route_t *dw_route_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_route_destroy(dw_route_t **self_p);
const dw_stage_handler_t *dw_route_handler(void);

#endif
