/* dw_v_treasury — the treasury's messages that are not payments.
 *
 * treasury.reconciliation: the treasury's control totals (count and sum) for a
 * business date, compared with the count and sum of the payments stored for
 * that payment_date when the totals arrive (payments only, as the contract
 * says: reversals are not netted). The result is stored in reconciliations
 * with a match flag and goes on to dw-analyze as fact.reconciliation, matched
 * or not, so that a later match can clear what a mismatch raised.
 * treasury.hold_ack: stored in hold_acks and passed on as it came. */
#ifndef DW_V_TREASURY_H
#define DW_V_TREASURY_H

#include <stddef.h>

#include "v_batch.h"

int dw_v_reconciliation_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));
int dw_v_hold_ack_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
    __attribute__((warn_unused_result));

#endif
