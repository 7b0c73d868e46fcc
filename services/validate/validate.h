/* dw_validate — checks each message dw-intake accepted against the reference
 * data and the business rules, stores it in its domain table, and passes it
 * on to dw-analyze.
 *
 * The rules are a catalogue (deploy/validation_rules.yaml, listed in
 * proto/VALIDATION.md): their checks are C (v_rules.c), their settings the
 * bureau's, loaded once at start. Each inbound type has its handler, and a
 * batch is handled in runs of one type in inbox order (a payment is judged
 * against the budget lines that arrived before it), each run with a handful of
 * statements:
 *
 *   budget.allocation, budget.adjustment   v_budget.c     -> fact.budget
 *   treasury.payment, treasury.reversal    v_payment.c    -> fact.payment
 *   treasury.reconciliation, hold_ack      v_treasury.c   -> fact.reconciliation / as it came
 *   target.declaration, monitor.report,    v_documents.c  -> as it came (the inbound envelope)
 *   selfeval.report, workflow.action
 *
 * A document that breaks a fatal rule is refused: a rejects row with the rule
 * id, field, value and expected, and a reject.notice to its source on
 * reject.<src>.; a treasury fact is stored and flagged, never refused for a
 * business reason. */
#ifndef DW_VALIDATE_H
#define DW_VALIDATE_H

#include <stddef.h>

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_validate dw_validate_t;

/* Loads the rule catalogue the configuration names (validate.rules_file).
 * NULL with "file:line: reason" in err when it cannot. */
dw_validate_t *dw_validate_new(const dw_config_t *cfg, char *err, size_t errlen);
void dw_validate_destroy(dw_validate_t **self_p);
/* The stage callbacks; ctx is the dw_validate_t. */
const dw_stage_handler_t *dw_validate_handler(void);

/* The catalogue file validate.rules_file names, resolved against the
 * configuration file's directory when relative; "" for the built-in one. */
void dw_validate_rules_path(const dw_config_t *cfg, char *out, size_t n);

#endif
