/* integration.intake_memory — a producer that never reads its acks cannot
 * make dw-intake grow, nor keep others from being served.
 *
 * A greedy DEALER queues 200,000 small valid payments at once (ZMQ_SNDHWM
 * above that, ZMQ_DONTWAIT: what its socket accepted is counted) and never
 * reads an ack; its receive side is made small (ZMQ_RCVHWM 1, ZMQ_RCVBUF 4 KiB)
 * so that its acks back up into dw-intake. Meanwhile a well-behaved DEALER
 * sends 1,000 payments with 100 in flight and reads its acks. The flood goes
 * on until all of it is stored, or (on a slow machine) until acks have been
 * dropped for 3 s and 3 s have passed since the well-behaved producer was
 * done; then the greedy producer closes its socket.
 *
 * Checked: the well-behaved producer gets all 1,000 acks (stored, not dup);
 * the inbox holds all of its messages and at most what the greedy socket
 * accepted, with seq gapless; dw-intake dropped acks it could not send and
 * said so in at most one log line per second, with the count, not one per
 * ack; and its resident memory (VmRSS, sampled every 50 ms) never grew by
 * RSS_GROWTH_MAX_KIB or more over its size once the first message was stored.
 *
 * The bound. What producers can make dw-intake hold here is:
 *   - per producer, its queue of incoming messages: ZMQ_RCVHWM = 2 *
 *     inflight_max = 2,000 messages of ~330 bytes + ~100 bytes of ZeroMQ:
 *     < 1 MiB;
 *   - per producer, its queue of acks: ZMQ_SNDHWM = 2 * inflight_max + 2 *
 *     batch_max = 3,000 acks of < 100 bytes: < 0.5 MiB; beyond that acks are
 *     dropped, never queued (the acks already written to the kernel's socket
 *     buffer are not ours);
 *   - the live events to dw-validate (which falls behind under a flood):
 *     EVENTS_HWM = 2,000 messages: < 1 MiB;
 *   - one batch (batch_max 500): the raw messages (~170 KiB), the COPY text
 *     (hex bytea, ~2.5 times the raw: ~0.5 MiB), the key arrays and libpq's
 *     result for the lookup of stored keys: < 1 MiB;
 *   - the credit and report tables: < 0.1 MiB.
 * Under 5 MiB in all, whatever the number of messages sent (measured:
 * +4.7 MiB). The bound is 16 MiB, leaving room for the allocator keeping
 * freed memory (glibc gives the ZeroMQ I/O thread an arena of its own), yet
 * far below what queueing even a tenth of the flood would take (~8 MiB per
 * 20,000 messages; before EVENTS_HWM the queue to dw-validate alone grew by
 * 63 MiB here). Under AddressSanitizer the freed-memory quarantine is capped
 * at 16 MiB for this test (its default, 256 MiB, would measure the
 * sanitizer, not dw-intake), and the bound is 64 MiB for that quarantine,
 * the redzones and the shadow memory (measured: +33 MiB). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

#define GREEDY_SENT 200000
#define GOOD_SENT   1000
#define GOOD_WINDOW 100
/* the least time the flood goes on after the well-behaved producer is done, and after acks began to be dropped */
#define FLOOD_MIN_MS 3000

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifdef UNDER_ASAN
#define RSS_GROWTH_MAX_KIB (64 * 1024)
#else
#define RSS_GROWTH_MAX_KIB (16 * 1024)
#endif

static int encode(dw_msg_t *m, dw_buf_t *out)
{
    dw_error_t err;
    dw_buf_reset(out);
    int rc = dw_msg_encode(m, out, &err) == DW_OK ? 0 : -1;
    dw_msg_destroy(&m);
    return rc;
}

static int send_good(void *dealer, int k, dw_buf_t *buf)
{
    char id[32], voucher[32];
    snprintf(id, sizeof id, "W-%05d", k);
    snprintf(voucher, sizeof voucher, "GKW%06d", k);
    if (encode(dw_test_payment(id, voucher, "2026-08-02", 2000 + k), buf) != 0)
        return -1;
    return dw_test_send_only(dealer, buf->data, buf->len, 0);
}

/* Writes n as 6 digits at p. */
static void put6(char *p, int n)
{
    for (int i = 5; i >= 0; i--, n /= 10)
        p[i] = (char)('0' + n % 10);
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
        while (at > line && at[-1] >= '0' && at[-1] <= '9')
            at--;
        sum += atol(at);
        (*lines)++;
    }
    fclose(f);
    return sum;
}

int main(void)
{
#ifdef UNDER_ASAN
    /* the services inherit it: keep what the options already say, cap the quarantine */
    char opts[1024];
    snprintf(opts, sizeof opts, "%s%squarantine_size_mb=16", getenv("ASAN_OPTIONS") ? getenv("ASAN_OPTIONS") : "",
             getenv("ASAN_OPTIONS") && getenv("ASAN_OPTIONS")[0] ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
#endif
    dw_harness_t h;
    if (dw_harness_start(&h, "intake_memory", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    int pid = dw_test_service_pid(&h, "intake");
    CHECK(pid > 1);
    dw_buf_t buf = DW_BUF_INIT;
    void *good = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(good, h.intake_ep) == 0);
    /* the first message: dw-intake's connections and buffers are up */
    dw_test_ack_t a;
    CHECK(send_good(good, 0, &buf) == 0);
    CHECK(dw_test_recv_ack(good, 10000, &a, NULL, 0) == 0 && a.ok && !a.dup);
    int64_t rss0 = dw_test_vmrss_kib(pid), rss_max = rss0;
    CHECK(rss0 > 0);

    void *greedy = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    int sndhwm = GREEDY_SENT + 1000, rcvhwm = 1, rcvbuf = 4096, linger = 0;
    CHECK(zmq_setsockopt(greedy, ZMQ_SNDHWM, &sndhwm, sizeof sndhwm) == 0);
    CHECK(zmq_setsockopt(greedy, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm) == 0);
    CHECK(zmq_setsockopt(greedy, ZMQ_RCVBUF, &rcvbuf, sizeof rcvbuf) == 0);
    /* what it still holds when it closes is dropped */
    CHECK(zmq_setsockopt(greedy, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK(zmq_connect(greedy, h.intake_ep) == 0);
    dw_harness_sleep_ms(100);

    /* One template, its id (G-000000) and voucher (GKG000000) rewritten in place. */
    dw_buf_t tpl = DW_BUF_INIT;
    CHECK(encode(dw_test_payment("G-000000", "GKG000000", "2026-08-01", 100), &tpl) == 0);
    char *gid = memmem(tpl.data, tpl.len, "G-000000", 8), *gvoucher = memmem(tpl.data, tpl.len, "GKG000000", 9);
    CHECK(gid != NULL && gvoucher != NULL);
    int64_t started = dw_mono_ms();
    int accepted = 0;
    for (int i = 0; gid && gvoucher && i < GREEDY_SENT; i++) {
        put6(gid + 2, i);
        put6(gvoucher + 3, i);
        if (dw_test_send_only(greedy, tpl.data, tpl.len, ZMQ_DONTWAIT) != 0)
            break;
        accepted++;
    }
    fprintf(stderr, "greedy: %d of %d accepted by its socket in %" PRId64 " ms\n", accepted, GREEDY_SENT,
            dw_mono_ms() - started);
    CHECK(accepted > GREEDY_SENT / 2);

    /* The well-behaved producer, while the flood goes on. */
    int sent = 1, acked = 0, good_ok = 0;
    int64_t deadline = dw_mono_ms() + 90000, next_sample = 0, good_done_ms = 0;
    while (acked < GOOD_SENT && dw_mono_ms() < deadline) {
        while (sent - 1 - acked < GOOD_WINDOW && sent <= GOOD_SENT)
            CHECK(send_good(good, sent++, &buf) == 0);
        if (dw_test_recv_ack(good, 50, &a, NULL, 0) == 0) {
            acked++;
            good_ok += a.ok && !a.dup;
            while (dw_test_recv_ack(good, 0, &a, NULL, 0) == 0) {
                acked++;
                good_ok += a.ok && !a.dup;
            }
        }
        if (dw_mono_ms() >= next_sample) {
            int64_t rss = dw_test_vmrss_kib(pid);
            rss_max = rss > rss_max ? rss : rss_max;
            next_sample = dw_mono_ms() + 50;
        }
    }
    good_done_ms = dw_mono_ms() - started;
    CHECK_INT(acked, GOOD_SENT);
    CHECK_INT(good_ok, GOOD_SENT);

    /* The flood goes on being stored, acks dropped, memory flat: until the
     * greedy producer's messages are all stored, or, on a slow machine (the
     * sanitizer build), until acks have been dropped for FLOOD_MIN_MS after
     * the well-behaved producer finished. */
    int64_t greedy_rows = 0, flood_min_end = dw_mono_ms() + FLOOD_MIN_MS, first_drop_ms = 0;
    int lines = 0;
    for (int64_t next_count = 0; dw_mono_ms() < deadline;) {
        int64_t rss = dw_test_vmrss_kib(pid);
        rss_max = rss > rss_max ? rss : rss_max;
        if (dw_mono_ms() >= next_count) {
            greedy_rows = dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE id LIKE 'G-%'");
            if (greedy_rows >= accepted)
                break;
            if (first_drop_ms == 0 && sum_in_log(&h, " ack(s) dropped", &lines) > 0)
                first_drop_ms = dw_mono_ms();
            if (first_drop_ms > 0 && dw_mono_ms() >= first_drop_ms + FLOOD_MIN_MS && dw_mono_ms() >= flood_min_end)
                break;
            next_count = dw_mono_ms() + 500;
        }
        dw_harness_sleep_ms(50);
    }
    int64_t flood_ms = dw_mono_ms() - started;
    /* The greedy producer goes (what its socket still holds is dropped, the
     * acks for what dw-intake still holds are undeliverable); the inbox
     * settles. */
    zmq_close(greedy);
    int64_t rows = -1, again = dw_harness_int(&h, "SELECT count(*) FROM inbox");
    for (int i = 0; i < 100 && rows != again; i++) {
        rows = again;
        dw_harness_sleep_ms(300);
        again = dw_harness_int(&h, "SELECT count(*) FROM inbox");
    }
    greedy_rows = dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE id LIKE 'G-%'");
    int64_t took = dw_mono_ms() - started;
    long dropped = sum_in_log(&h, " ack(s) dropped", &lines);
    fprintf(stderr,
            "well-behaved: %d acks in %" PRId64 " ms; greedy: %" PRId64 " of %d stored in %" PRId64 " ms, %ld acks "
            "dropped (%d log lines in %" PRId64 " ms); intake VmRSS %" PRId64 " KiB at start, at most %" PRId64
            " KiB (+%" PRId64 " KiB)\n",
            acked, good_done_ms, greedy_rows, accepted, flood_ms, dropped, lines, took, rss0, rss_max, rss_max - rss0);

    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE id LIKE 'W-%'"), GOOD_SENT + 1);
    CHECK(greedy_rows > 0 && greedy_rows <= accepted);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), GOOD_SENT + 1 + greedy_rows);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE seq BETWEEN 1 AND " /* gapless */
                                 "(SELECT max(seq) FROM inbox)"),
              GOOD_SENT + 1 + greedy_rows);
    CHECK(rss_max - rss0 < RSS_GROWTH_MAX_KIB);
    CHECK_INT(dw_test_service_pid(&h, "intake"), pid); /* the same process throughout */
    /* acks were dropped, and said so in at most one line a second */
    CHECK(dropped > 0);
    CHECK(lines >= 1 && lines <= 1 + took / 1000);
    CHECK_INT(dw_test_log_lines(&h, "intake", "ack not delivered"), 0);

    dw_buf_free(&tpl);
    dw_buf_free(&buf);
    zmq_close(good);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
