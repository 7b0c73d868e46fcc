/* dwctl.import_flow — `dwctl import` against a ROUTER written here, over
 * real ZeroMQ sockets, for what the real dw-intake will not do on demand:
 * acks in reverse order (matched by id), a busy refusal (sent again), a
 * conflict (into the error report, with its row and cell), and a message
 * never answered (given up after --timeout-ms). The window is never
 * exceeded and is used whole; the state stops before the unanswered row
 * although the rows after it were acked; a second run sends from there,
 * and keeps the first run's error report lines.
 *
 *   test_dwctl_import_flow DWCTL SOURCE_DIR */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_child.h"

#define WINDOW   4
#define QUIET_MS 150
#define MAX_HELD 16
#define ROWS     10

typedef struct held {
    zmq_msg_t identity;
    char id[80];
} held_t;

typedef struct peer {
    const char *busy_id, *refuse_id, *silent_id;
    int busied, max_held, received[ROWS + 1];
    char stored[ROWS + 1][80]; /* ids acked ok: a second copy is answered duplicate */
    int n_stored;
    int64_t seq;
} peer_t;

static int send_ack(void *sock, zmq_msg_t *identity, const char *id, bool ok, bool dup, int64_t seq, const char *code,
                    const char *message, const char *field)
{
    dw_msg_t *ack = dw_msg_new("ack", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(ack);
    int bad = dw_obj_set_bool(b, "ok", ok) != DW_OK || dw_obj_set_str(b, "id", id) != DW_OK;
    if (ok)
        bad |= dw_obj_set_int(b, "seq", seq) != DW_OK || dw_obj_set_bool(b, "dup", dup) != DW_OK;
    if (code) {
        dw_obj_t *e = dw_obj_set_map(b, "error");
        bad |= !e || dw_obj_set_str(e, "code", code) != DW_OK || dw_obj_set_str(e, "message", message) != DW_OK;
        if (e && field)
            bad |= dw_obj_set_str(e, "field", field) != DW_OK;
    }
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err = {0};
    bad |= dw_msg_encode(ack, &buf, &err) != DW_OK;
    dw_msg_destroy(&ack);
    bad |= zmq_send(sock, zmq_msg_data(identity), zmq_msg_size(identity), ZMQ_SNDMORE) < 0;
    bad |= zmq_send(sock, "", 0, ZMQ_SNDMORE) < 0;
    bad |= zmq_send(sock, buf.data, buf.len, 0) < 0;
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

static int recv_request(void *sock, held_t *h)
{
    zmq_msg_t empty, data;
    zmq_msg_init(&h->identity);
    zmq_msg_init(&empty);
    zmq_msg_init(&data);
    int ok = zmq_msg_recv(&h->identity, sock, 0) >= 0 && zmq_msg_more(&h->identity) &&
             zmq_msg_recv(&empty, sock, 0) >= 0 && zmq_msg_size(&empty) == 0 && zmq_msg_recv(&data, sock, 0) >= 0;
    dw_error_t err = {0};
    dw_msg_t *m = ok ? dw_msg_decode(zmq_msg_data(&data), zmq_msg_size(&data), NULL, &err) : NULL;
    CHECK(m != NULL); /* only messages the schema accepts leave dwctl */
    snprintf(h->id, sizeof h->id, "%s", m ? dw_msg_id(m) : "?");
    dw_msg_destroy(&m);
    zmq_msg_close(&empty);
    zmq_msg_close(&data);
    return ok ? 0 : -1;
}

/* Answers what is held, newest first. */
static void answer(peer_t *p, void *sock, held_t *held, int *n_held)
{
    while (*n_held > 0) {
        held_t *h = &held[--*n_held];
        int r = 0;
        if (p->silent_id && strcmp(h->id, p->silent_id) == 0) {
            zmq_msg_close(&h->identity);
            continue;
        }
        bool seen = false;
        for (int i = 0; i < p->n_stored; i++)
            seen = seen || strcmp(p->stored[i], h->id) == 0;
        if (p->busy_id && strcmp(h->id, p->busy_id) == 0 && p->busied++ == 0) {
            r = send_ack(sock, &h->identity, h->id, false, false, 0, "busy", "over the in-flight credit", NULL);
        } else if (p->refuse_id && strcmp(h->id, p->refuse_id) == 0) {
            r = send_ack(sock, &h->identity, h->id, false, false, 0, "conflict",
                         "same src and id already stored with other content", "body.amount_fen");
        } else {
            if (!seen && p->n_stored <= ROWS)
                snprintf(p->stored[p->n_stored++], sizeof p->stored[0], "%s", h->id);
            r = send_ack(sock, &h->identity, h->id, true, seen, ++p->seq, NULL, NULL, NULL);
        }
        CHECK(r == 0);
        zmq_msg_close(&h->identity);
    }
}

/* Runs dwctl import against the peer until it exits; its exit code. */
static int run_import(peer_t *p, const char *dwctl, const char *dir, const char *map, const char *csv, void *sock,
                      const char *endpoint, char **out, char **err)
{
    char window[8];
    snprintf(window, sizeof window, "%d", WINDOW);
    char *argv[] = {(char *)dwctl,    "import",   "--type", "treasury.payment", "--mapping", (char *)map, "--endpoint",
                    (char *)endpoint, "--window", window,   "--timeout-ms",     "1500",      (char *)csv, NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    held_t held[MAX_HELD];
    int n_held = 0, code = -1;
    bool exited = false;
    int64_t deadline = dw_mono_ms() + 20000;
    while (dw_mono_ms() < deadline && !(exited = dwctl_child_done(&child, &code))) {
        zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, QUIET_MS) > 0) {
            if (recv_request(sock, &held[n_held]) != 0)
                break;
            int row = atoi(held[n_held].id + 7); /* GK2026Rnnnnn */
            if (row >= 1 && row <= ROWS)
                p->received[row]++;
            if (++n_held > p->max_held)
                p->max_held = n_held;
            CHECK(n_held <= WINDOW); /* never more unacked than the window */
            if (n_held == MAX_HELD)
                break;
            continue;
        }
        answer(p, sock, held, &n_held); /* quiet: the window is as full as dwctl makes it */
    }
    if (!exited)
        code = dwctl_child_wait(&child, 5000);
    for (int i = 0; i < n_held; i++)
        zmq_msg_close(&held[i].identity);
    *out = dwctl_slurp(child.out_path);
    *err = dwctl_slurp(child.err_path);
    return code;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_dwctl_import_flow DWCTL SOURCE_DIR\n");
        return 2;
    }
    const char *dwctl = argv[1];
    char dir[256], csv[300], map[600], state[320], report[320];
    snprintf(dir, sizeof dir, "%s/dwctl-import-flow.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 2;
    snprintf(csv, sizeof csv, "%s/p.csv", dir);
    snprintf(state, sizeof state, "%s.dwstate", csv);
    snprintf(report, sizeof report, "%s.errors.csv", csv);
    snprintf(map, sizeof map, "%s/deploy/import/treasury_payment.yaml", argv[2]);
    FILE *f = fopen(csv, "wb");
    if (!f)
        return 2;
    fputs("支付凭证号,支付日期,预算单位编码,项目编码,功能分类科目,经济分类科目,支付金额(元),支付方式,收款人,合同号\r\n",
          f);
    for (int i = 1; i <= ROWS; i++) /* GK2026R00001 on row 2, ... GK2026R00010 on row 11 */
        fprintf(f, "GK2026R%05d,2026-05-06,101001,P2026-101-001,2050101,30201,%d.00,直接支付,会昌县供销社,\r\n", i,
                100 + i);
    fclose(f);

    void *ctx = zmq_ctx_new(), *sock = zmq_socket(ctx, ZMQ_ROUTER);
    int zero = 0;
    char endpoint[256];
    size_t len = sizeof endpoint;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
    CHECK(zmq_bind(sock, "tcp://127.0.0.1:*") == 0);
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, endpoint, &len);

    /* First run: row 4 busy once, row 6 refused, row 9 never answered. */
    peer_t p = {.busy_id = "GK2026R00003", .refuse_id = "GK2026R00005", .silent_id = "GK2026R00008"};
    char *out, *err;
    int code = run_import(&p, dwctl, dir, map, csv, sock, endpoint, &out, &err);
    CHECK_INT(code, 2);
    CHECK(dwctl_has_line(out, "read 10 rows, sent 10, stored 8, duplicate 0, refused 1, local errors 0, unanswered "
                              "1, settled through row 8"));
    CHECK(strstr(err, "no ack for 1500 ms, giving up") != NULL);
    CHECK(strstr(err, "not finished: run again to go on after row 8") != NULL);
    CHECK_INT(p.max_held, WINDOW); /* the whole window was used */
    CHECK_INT(p.busied, 2);        /* busy, then sent again and stored */
    CHECK_INT(p.received[3], 2);
    CHECK_INT(p.received[5], 1); /* a conflict is final: not sent again */
    char *st = dwctl_slurp(state);
    CHECK(strstr(st, "\nrow 8\n") != NULL); /* rows 10 and 11 were acked, but row 9 was not */
    free(st);
    char *rep = dwctl_slurp(report);
    CHECK_STR(rep, "\xef\xbb\xbfrow,column,field,value,expected,code,message\r\n"
                   "6,支付金额(元),body.amount_fen,105.00,\"the content already stored under this id, or a new id\","
                   "conflict,same src and id already stored with other content\r\n");
    if (dw_test_failures)
        fprintf(stderr, "--- first run: exit %d\n%s%s", code, out, err);
    free(rep);
    free(out);
    free(err);

    /* Second run, everything answered: rows 9 to 11 again, two of them duplicates. */
    int failures = dw_test_failures;
    p.silent_id = NULL;
    code = run_import(&p, dwctl, dir, map, csv, sock, endpoint, &out, &err);
    CHECK_INT(code, 0);
    CHECK(dwctl_has_line(out, "read 3 rows, sent 3, stored 1, duplicate 2, refused 0, local errors 0, unanswered 0, "
                              "settled through row 11"));
    CHECK(strstr(err, "after row 8") != NULL);
    CHECK_INT(p.received[1], 1); /* nothing before row 9 was sent again */
    CHECK_INT(p.received[8], 2);
    st = dwctl_slurp(state);
    CHECK(strstr(st, "\nrow 11\n") != NULL);
    free(st);
    rep = dwctl_slurp(report); /* the first run's line is kept */
    CHECK(strstr(rep, "\r\n6,支付金额(元),body.amount_fen,105.00,") != NULL);
    if (dw_test_failures > failures)
        fprintf(stderr, "--- second run: exit %d\n%s%s", code, out, err);
    free(rep);
    free(out);
    free(err);

    zmq_close(sock);
    zmq_ctx_term(ctx);
    if (!dw_test_failures) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    DW_TEST_DONE();
}
