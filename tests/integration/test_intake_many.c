/* integration.intake_many — many producers at once, every ack accounted for.
 *
 * 8 DEALER producers in this process, each with up to 200 messages in flight,
 * send 5,000 treasury.payment messages each to the real dw-intake. Message k
 * of producer p is, by k:
 *
 *   k % 500 == 250  shared: id S-<k>, the same bytes from all 8 producers
 *                   (10 ids: one is stored, the other 7 copies are dup)
 *   k % 100 ==  49  a repeat of message k-1 of p, same bytes: dup (50 each)
 *   k % 100 ==  99  message k-30's id of p with another amount: conflict (50 each)
 *   otherwise       new: id T<p>-<k>, stored (5000 - 10 - 50 - 50 = 4890 each)
 *
 * A producer's messages arrive in the order sent, so its repeats always come
 * after their original, and only the shared ids race between producers; they
 * are byte-identical, so whichever comes first the inbox holds the same row.
 * By hand: stored 8 * 4890 + 10 = 39,130; dup 8 * 50 + 10 * 7 = 470;
 * conflict 8 * 50 = 400; 39,130 + 470 + 400 = 40,000 = 8 * 5,000 sent.
 * The inbox then holds exactly those 39,130 rows, byte for byte (each row is
 * compared with the message it must be), at the seq its ack gave, and its seq
 * runs 1..39,130 without a gap. rejects holds the 400 conflicts and nothing
 * else. Nothing is answered busy: 200 in flight is within the default credit
 * of 1000. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"
#include "dw_zmq.h"

#define PRODUCERS    8
#define PER_PRODUCER 5000
#define WINDOW       200

typedef enum kind { K_NEW, K_SHARED, K_DUP, K_CONFLICT } kind_t;

static kind_t kind_of(int k)
{
    if (k % 500 == 250)
        return K_SHARED;
    if (k % 100 == 49)
        return K_DUP;
    if (k % 100 == 99)
        return K_CONFLICT;
    return K_NEW;
}

/* The id of message k of producer p. */
static void id_of(int p, int k, char *id, size_t id_n)
{
    switch (kind_of(k)) {
    case K_SHARED: snprintf(id, id_n, "S-%05d", k); break;
    case K_DUP: id_of(p, k - 1, id, id_n); break;
    case K_CONFLICT: id_of(p, k - 30, id, id_n); break;
    default: snprintf(id, id_n, "T%d-%05d", p, k); break;
    }
}

/* The id and bytes of message k of producer p. */
static int message(int p, int k, char *id, size_t id_n, dw_buf_t *out)
{
    char voucher[32];
    int64_t fen;
    switch (kind_of(k)) {
    case K_SHARED:
        snprintf(voucher, sizeof voucher, "GKS%05d", k);
        fen = 777 + k;
        break;
    case K_DUP: return message(p, k - 1, id, id_n, out);
    case K_CONFLICT:
        snprintf(voucher, sizeof voucher, "GK%d%05d", p, k - 30);
        fen = 100000 * (p + 1) + (k - 30) + 1; /* one fen more than the original */
        break;
    default:
        snprintf(voucher, sizeof voucher, "GK%d%05d", p, k);
        fen = 100000 * (p + 1) + k;
        break;
    }
    id_of(p, k, id, id_n);
    dw_buf_reset(out);
    dw_msg_t *m = dw_test_payment(id, voucher, "2026-07-01", fen);
    dw_error_t err;
    int rc = dw_msg_encode(m, out, &err) == DW_OK ? 0 : -1;
    dw_msg_destroy(&m);
    return rc;
}

typedef struct producer {
    void *dealer;
    int next;        /* the next k to send */
    int out[WINDOW]; /* the k in flight, in the order sent */
    int n_out;
    int64_t seq[PER_PRODUCER]; /* the seq each new message was stored at */
} producer_t;

typedef struct tally {
    int stored, dup, conflict, other, acks;
    int shared_stored[PER_PRODUCER / 500];
    int64_t shared_seq[PER_PRODUCER / 500][PRODUCERS];
    int wrong;
} tally_t;

static void on_ack(producer_t *pr, int p, const dw_test_ack_t *a, tally_t *t)
{
    /* the oldest message in flight with this id: a producer's acks come in the order it sent */
    int at = -1;
    char id[32];
    for (int i = 0; i < pr->n_out && at < 0; i++) {
        id_of(p, pr->out[i], id, sizeof id);
        if (strcmp(id, a->id) == 0)
            at = i;
    }
    t->acks++;
    if (at < 0) {
        fprintf(stderr, "producer %d: an ack for %s, which is not in flight\n", p, a->id);
        t->wrong++;
        return;
    }
    int k = pr->out[at];
    memmove(&pr->out[at], &pr->out[at + 1], (size_t)(pr->n_out - at - 1) * sizeof pr->out[0]);
    pr->n_out--;
    kind_t kind = kind_of(k);
    bool right = false;
    if (a->ok && !a->dup) {
        t->stored++;
        right = kind == K_NEW || kind == K_SHARED;
        if (kind == K_NEW)
            pr->seq[k] = a->seq;
    } else if (a->ok && a->dup) {
        t->dup++;
        right = kind == K_SHARED || (kind == K_DUP && a->seq == pr->seq[k - 1]);
    } else if (strcmp(a->code, "conflict") == 0) {
        t->conflict++;
        right = kind == K_CONFLICT && strcmp(a->field, "id") == 0;
    } else {
        t->other++;
        fprintf(stderr, "producer %d: %s refused: %s\n", p, a->id, a->code);
    }
    if (kind == K_SHARED) {
        t->shared_stored[k / 500] += a->ok && !a->dup;
        t->shared_seq[k / 500][p] = a->seq;
    }
    if (!right) {
        fprintf(stderr, "producer %d: message %d (%s) got ok %d dup %d seq %" PRId64 " code %s\n", p, k, a->id, a->ok,
                a->dup, a->seq, a->code);
        t->wrong++;
    }
}

/* CPU time of a process so far (user + system), in ms; -1 if unreadable. */
static int64_t cpu_ms(int pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    char *after = got ? strrchr(line, ')') : NULL; /* the command may hold spaces */
    unsigned long long ut = 0, st = 0;
    if (!after || sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (int64_t)((ut + st) * 1000 / (unsigned long long)sysconf(_SC_CLK_TCK));
}

/* Every inbox row, byte for byte, at the seq its ack gave. */
static void check_inbox(dw_harness_t *h, producer_t *pr, const tally_t *t)
{
    PGresult *res = PQexecParams(h->db, "SELECT seq, id, raw FROM inbox ORDER BY seq", 0, NULL, NULL, NULL, NULL, 1);
    CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
    int rows = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    CHECK_INT(rows, 39130);
    int bad = 0;
    dw_buf_t want = DW_BUF_INIT;
    char id[32];
    for (int r = 0; r < rows; r++) {
        int64_t seq = dw_get_be64((const unsigned char *)PQgetvalue(res, r, 0));
        const char *row_id = PQgetvalue(res, r, 1);
        int p = -1, k = -1, expect_seq = 0;
        int64_t ack_seq = -1;
        if (sscanf(row_id, "T%d-%d", &p, &k) == 2 && p >= 0 && p < PRODUCERS && k >= 0 && k < PER_PRODUCER &&
            kind_of(k) == K_NEW)
            ack_seq = pr[p].seq[k];
        else if (sscanf(row_id, "S-%d", &k) == 1 && k >= 0 && k < PER_PRODUCER && kind_of(k) == K_SHARED)
            ack_seq = t->shared_seq[k / 500][0], p = 0;
        else
            p = -1;
        expect_seq = r + 1; /* gapless from 1 */
        bool ok = p >= 0 && message(p, k, id, sizeof id, &want) == 0 && strcmp(id, row_id) == 0 &&
                  (size_t)PQgetlength(res, r, 2) == want.len &&
                  memcmp(PQgetvalue(res, r, 2), want.data, want.len) == 0 && seq == expect_seq && seq == ack_seq;
        if (!ok && bad++ < 5)
            fprintf(stderr, "inbox row seq %" PRId64 " id %s is not what was sent (ack seq %" PRId64 ")\n", seq, row_id,
                    ack_seq);
    }
    CHECK_INT(bad, 0);
    dw_buf_free(&want);
    PQclear(res);
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "intake_many", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    static producer_t pr[PRODUCERS];
    static tally_t t;
    zmq_pollitem_t items[PRODUCERS];
    for (int p = 0; p < PRODUCERS; p++) {
        pr[p].dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
        CHECK(zmq_connect(pr[p].dealer, h.intake_ep) == 0);
        items[p] = (zmq_pollitem_t){pr[p].dealer, 0, ZMQ_POLLIN, 0};
    }
    dw_buf_t buf = DW_BUF_INIT;
    char id[32];
    int intake_pid = dw_test_service_pid(&h, "intake");
    int64_t cpu0 = cpu_ms(intake_pid);
    int64_t started = dw_mono_ms(), deadline = started + 150000;
    while (t.acks < PRODUCERS * PER_PRODUCER && dw_mono_ms() < deadline) {
        for (int p = 0; p < PRODUCERS; p++)
            while (pr[p].n_out < WINDOW && pr[p].next < PER_PRODUCER) {
                int k = pr[p].next++;
                CHECK(message(p, k, id, sizeof id, &buf) == 0);
                CHECK(dw_test_send_only(pr[p].dealer, buf.data, buf.len, 0) == 0);
                pr[p].out[pr[p].n_out++] = k;
            }
        if (zmq_poll(items, PRODUCERS, 1000) < 0)
            break;
        for (int p = 0; p < PRODUCERS; p++) {
            dw_test_ack_t a;
            while ((items[p].revents & ZMQ_POLLIN) && dw_test_recv_ack(pr[p].dealer, 0, &a, NULL, 0) == 0)
                on_ack(&pr[p], p, &a, &t);
        }
    }
    int64_t took = dw_mono_ms() - started, cpu = cpu_ms(intake_pid) - cpu0;
    fprintf(stderr,
            "%d producers, %d messages, window %d: every ack in %" PRId64 " ms (%.0f msg/s); dw-intake used %" PRId64
            " ms of CPU (%.1f us a message)\n",
            PRODUCERS, PRODUCERS * PER_PRODUCER, WINDOW, took, took > 0 ? 1000.0 * t.acks / (double)took : 0.0, cpu,
            1000.0 * (double)cpu / (PRODUCERS * PER_PRODUCER));

    CHECK_INT(t.acks, 40000);
    CHECK_INT(t.stored, 39130);
    CHECK_INT(t.dup, 470);
    CHECK_INT(t.conflict, 400);
    CHECK_INT(t.other, 0);
    CHECK_INT(t.wrong, 0);
    CHECK_INT(t.stored + t.dup + t.conflict, PRODUCERS * PER_PRODUCER);
    /* each shared id: stored once, and every copy acked with that one seq */
    for (int s = 0; s < PER_PRODUCER / 500; s++) {
        CHECK_INT(t.shared_stored[s], 1);
        for (int p = 1; p < PRODUCERS; p++)
            CHECK_INT(t.shared_seq[s][p], t.shared_seq[s][0]);
    }
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 39130);
    CHECK_INT(dw_harness_int(&h, "SELECT min(seq) FROM inbox"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT max(seq) FROM inbox"), 39130);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE id LIKE 'S-%'"), 10);
    check_inbox(&h, pr, &t);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'intake' AND code = 'conflict'"), 400);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'intake'"), 400);
    CHECK_INT(dw_test_log_lines(&h, "intake", "message(s) answered busy"), 0);

    dw_buf_free(&buf);
    for (int p = 0; p < PRODUCERS; p++)
        zmq_close(pr[p].dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
