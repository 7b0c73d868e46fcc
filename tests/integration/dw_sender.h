/* dw_sender — what a test that feeds the real system message by message
 * needs: send and count a failure at the caller's line, remember the last
 * inbox seq stored, and wait until dw-validate and dw-analyze have read it
 * all. Static inline: the check counters of dw_test.h are the test's own. */
#ifndef DW_SENDER_H
#define DW_SENDER_H

#include <stdint.h>
#include <stdio.h>

#include "dw_harness.h"
#include "dw_msg.h"
#include "dw_producer.h"
#include "dw_test.h"

typedef struct dw_sender {
    void *dealer;
    int64_t last_seq; /* inbox seq of the last message stored */
} dw_sender_t;

static inline void dw_sender_send(const char *file, int line, dw_sender_t *s, dw_msg_t *m)
{
    char id[96];
    snprintf(id, sizeof id, "%s", dw_msg_id(m));
    dw_test_ack_t a;
    int rc = dw_test_send(s->dealer, m, &a);
    dw_test_checks++;
    if (rc != 0 || !a.ok) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s not stored by dw-intake (%s %s)\n", file, line, id, a.code, a.field);
        return;
    }
    if (!a.dup)
        s->last_seq = a.seq;
}
#define SEND(s, m) dw_sender_send(__FILE__, __LINE__, (s), (m))

/* Until dw-validate has read all that was sent and dw-analyze all that dw-validate wrote. */
static inline void dw_sender_settle(dw_harness_t *h, const dw_sender_t *s)
{
    CHECK_INT(dw_harness_wait_int(h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'",
                                  s->last_seq, 30000),
              s->last_seq);
    int64_t written = dw_harness_int(h, "SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'validate'");
    CHECK_INT(dw_harness_wait_int(h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'",
                                  written, 30000),
              written);
}

#endif
