/* dw_v_payment — the treasury's payments and reversals: facts, stored once
 * per voucher number and passed on to dw-analyze as fact.payment with the
 * project's position.
 *
 * A payment is never refused for a business reason: it is stored and flagged
 * (no_budget, over_budget, economic_code_outside, outside_fiscal_year, on_hold; the
 * catalogue's fact rules). The same voucher again with the same content is a
 * repeat, stored once; with other content a conflict, refused (integrity, not
 * business). A reversal reduces what was paid on its original voucher and so
 * the project's paid total: it is stored in reversals with the original's
 * department, unit, project and line, and passed on as a fact.payment with a
 * negative amount. A reversal of a voucher that is not stored, or of more than
 * remains of it, is refused: there is nothing to reduce, and what was paid can
 * never become negative. */
#ifndef DW_V_PAYMENT_H
#define DW_V_PAYMENT_H

#include <stddef.h>

#include "v_batch.h"

int dw_v_payment_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_reversal_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));

#endif
