/* dw_producer — a test producer and subscriber over real sockets: builds the
 * messages of one sample project, sends them as a DEALER ([empty][message])
 * and waits for each ack; reads [topic][envelope] from a SUB. */
#ifndef DW_PRODUCER_H
#define DW_PRODUCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_msg.h"

#define DW_TEST_TS 1767225600000 /* 2026-01-01T08:00:00+08:00 */

/* budget.allocation of line ZB2026-101-0001 for project P2026-101-001 (dept 101). */
dw_msg_t *dw_test_allocation(const char *id, int64_t current_fen);
/* treasury.payment on that project. */
dw_msg_t *dw_test_payment(const char *id, const char *voucher, const char *date, int64_t fen);

typedef struct dw_test_ack {
    bool ok, dup;
    int64_t seq;
    char id[96], code[48], field[96];
} dw_test_ack_t;

/* Sends bytes and waits (10 s) for the ack: 0, or -1 if none came. */
int dw_test_send_raw(void *dealer, const void *data, size_t len, dw_test_ack_t *ack);
/* Encodes, sends, waits; destroys m. */
int dw_test_send(void *dealer, dw_msg_t *m, dw_test_ack_t *ack);
/* The next published event (NULL after timeout_ms); topic copied out. */
dw_msg_t *dw_test_next_event(void *sub, char *topic, size_t n, int timeout_ms);

/* One replay request over a REQ socket; the decoded replay.answer, or NULL. */
dw_msg_t *dw_test_replay(void *zmq_ctx, const char *endpoint, const char *stream, int64_t since, const char *prefix,
                         int64_t limit);

#endif
