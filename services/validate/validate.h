/* dw_validate — checks each accepted message against the reference data and
 * the business rules, and stores the facts.
 *
 * Budget lines (budget.allocation) are upserted by line_id. Treasury payments
 * are facts: each is stored once per voucher number (the same voucher again
 * with identical content is a repeat; with other content a conflict, refused
 * and reported on reject.<src>.), and a payment that breaks a rule is stored
 * AND flagged — no_budget when its project has no budget line, over_budget
 * when it takes the project's paid total above the current budget — never
 * dropped. Each stored fact goes on to dw-analyze with the project's position. */
#ifndef DW_VALIDATE_H
#define DW_VALIDATE_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_validate dw_validate_t;

dw_validate_t *dw_validate_new(const dw_config_t *cfg);
void dw_validate_destroy(dw_validate_t **self_p);
/* The stage callbacks; ctx is the dw_validate_t. */
const dw_stage_handler_t *dw_validate_handler(void);

#endif
