/* integration.intake_credit — a producer's in-flight credit is real.
 *
 * dw-intake runs with intake.inflight_max 20, batch_max 2000 and
 * batch_wait_ms 1000, so that one batch could hold far more than a producer's
 * credit: batches begin at most a second apart, so once producer W's single
 * payment has been written (and acked), the next batch waits for the rest of
 * that second. Producer A then sends 100 payments without waiting; producer
 * B then sends 20. All of them arrive within the batch's second, so, worked out by
 * hand: A's first 20 (C-000 .. C-019) join the batch and the other 80
 * (C-020 .. C-099) are answered busy at once, before the batch commits, with
 * "more than 20 messages in flight; wait for acks", no field, nothing stored
 * and nothing in rejects; B has its own credit and all its 20 are stored.
 * A then sends the 80 again, 20 at a time (its credit): each round is stored
 * whole. At the end the inbox holds 121 rows, seq 1..121 without a gap, and
 * dw-intake's log counts the busy answers in at most one line per second,
 * not one line per message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

#define A_SENT 100
#define CREDIT 20
#define B_SENT 20

static int encode(dw_msg_t *m, dw_buf_t *out)
{
    dw_error_t err;
    dw_buf_reset(out);
    int rc = dw_msg_encode(m, out, &err) == DW_OK ? 0 : -1;
    dw_msg_destroy(&m);
    return rc;
}

static int send_payment(void *dealer, const char *prefix, int k, dw_buf_t *buf)
{
    char id[32], voucher[32];
    snprintf(id, sizeof id, "%s-%03d", prefix, k);
    snprintf(voucher, sizeof voucher, "GK%s%06d", prefix, k);
    if (encode(dw_test_payment(id, voucher, "2026-04-01", 1000 + k), buf) != 0)
        return -1;
    return dw_test_send_only(dealer, buf->data, buf->len, 0);
}

/* Sums N over the lines of intake's log that say "N <what>", and counts them. */
static long sum_in_log(const dw_harness_t *h, const char *what, int *lines)
{
    char path[400], line[8192];
    snprintf(path, sizeof path, "%s/run/intake.log", h->home);
    FILE *f = fopen(path, "r");
    long sum = 0;
    *lines = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *at = strstr(line, what);
        if (!at)
            continue;
        while (at > line && at[-1] == ' ')
            at--;
        while (at > line && at[-1] >= '0' && at[-1] <= '9')
            at--;
        sum += atol(at);
        (*lines)++;
    }
    fclose(f);
    return sum;
}

/* The number k of an id "C-017". */
static int number_of(const char *id)
{
    const char *dash = strchr(id, '-');
    return dash ? atoi(dash + 1) : -1;
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "intake_credit", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    CHECK(dw_test_intake_config(&h, "  inflight_max: 20\n  batch_max: 2000\n  batch_wait_ms: 1000\n") == 0);
    void *a = zmq_socket(h.zmq_ctx, ZMQ_DEALER), *b = zmq_socket(h.zmq_ctx, ZMQ_DEALER),
         *w = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(a, h.intake_ep) == 0);
    CHECK(zmq_connect(b, h.intake_ep) == 0);
    CHECK(zmq_connect(w, h.intake_ep) == 0);
    dw_harness_sleep_ms(200); /* all connected before the first message */

    /* W: after a quiet spell a message is written at once; the batch after it
     * begins no sooner than a second later */
    dw_buf_t buf = DW_BUF_INIT;
    CHECK(send_payment(w, "W", 0, &buf) == 0);
    dw_test_ack_t wack;
    CHECK(dw_test_recv_ack(w, 10000, &wack, NULL, 0) == 0);
    CHECK(wack.ok && !wack.dup);
    for (int k = 0; k < A_SENT; k++)
        CHECK(send_payment(a, "C", k, &buf) == 0);
    for (int k = 0; k < B_SENT; k++)
        CHECK(send_payment(b, "D", k, &buf) == 0);

    /* A: 80 busy answers first (at once), then the batch's 20 acks. */
    bool stored[A_SENT] = {false}, busy[A_SENT] = {false};
    int n_busy = 0, n_ok = 0, busy_after_ok = 0;
    char message[256];
    for (int i = 0; i < A_SENT; i++) {
        dw_test_ack_t ack;
        if (dw_test_recv_ack(a, 10000, &ack, message, sizeof message) != 0) {
            CHECK(!"an ack for every message of A");
            break;
        }
        int k = number_of(ack.id);
        CHECK(k >= 0 && k < A_SENT);
        if (k < 0 || k >= A_SENT)
            continue;
        if (ack.ok) {
            CHECK(!ack.dup);
            stored[k] = true;
            n_ok++;
        } else {
            CHECK_STR(ack.code, "busy");
            CHECK_STR(message, "more than 20 messages in flight; wait for acks");
            CHECK_STR(ack.field, "");
            busy[k] = true;
            n_busy++;
            busy_after_ok += n_ok > 0;
        }
    }
    CHECK_INT(n_ok, CREDIT);
    CHECK_INT(n_busy, A_SENT - CREDIT);
    CHECK_INT(busy_after_ok, 0); /* answered before the batch committed */
    for (int k = 0; k < A_SENT; k++)
        CHECK(k < CREDIT ? stored[k] && !busy[k] : busy[k] && !stored[k]);
    /* B has a credit of its own */
    for (int i = 0; i < B_SENT; i++) {
        dw_test_ack_t ack;
        CHECK(dw_test_recv_ack(b, 10000, &ack, NULL, 0) == 0);
        CHECK(ack.ok && !ack.dup);
    }
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 1 + CREDIT + B_SENT);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE id LIKE 'C-%' AND id < 'C-020'"), CREDIT);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0); /* flow control, not bad input */

    /* A sends the busy ones again, one credit's worth at a time. */
    for (int round = 0; round < (A_SENT - CREDIT) / CREDIT; round++) {
        for (int j = 0; j < CREDIT; j++)
            CHECK(send_payment(a, "C", CREDIT * (round + 1) + j, &buf) == 0);
        for (int j = 0; j < CREDIT; j++) {
            dw_test_ack_t ack;
            CHECK(dw_test_recv_ack(a, 10000, &ack, NULL, 0) == 0);
            CHECK(ack.ok && !ack.dup);
        }
    }
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 1 + A_SENT + B_SENT);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT seq) FROM inbox WHERE seq BETWEEN 1 AND 121"), 121);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);
    /* The log counts the 80 busy answers in at most one line per second, not
     * one per message: they all came within the batch's second, so at most
     * two lines (the first report goes out at once, the next a second on). */
    int lines = 0;
    CHECK_INT(sum_in_log(&h, " message(s) answered busy", &lines), A_SENT - CREDIT);
    CHECK(lines >= 1 && lines <= 2);

    dw_buf_free(&buf);
    zmq_close(a);
    zmq_close(b);
    zmq_close(w);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
