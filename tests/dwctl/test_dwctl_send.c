/* dwctl.send_* — `dwctl send` against a ROUTER written here, over real
 * ZeroMQ sockets: the window (never more unacked than --window, and all of it
 * used), acks matched by id though they come back in reverse order, the
 * summary line, the exit status, a busy refusal sent again, an unanswered
 * message given up after the timeout, local errors, and --raw-hex.
 *
 * This ROUTER proves dwctl's side only; that dw-intake stores what dwctl
 * sends is proven by the integration tests against the real service.
 *
 *   test_dwctl_send DWCTL SCENARIO */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_child.h"

#define MAX_HELD 64
#define QUIET_MS 150 /* no message for this long: dwctl has used its window */

typedef struct scenario {
    const char *name;
    int n_messages; /* good messages in the YAML: T-1 .. T-n */
    bool bad_one;   /* and one that cannot be built (a local error) */
    int window;
    int timeout_ms;
    const char *flag;      /* one more option, or NULL */
    const char *dup_id;    /* answered ok + dup */
    const char *refuse_id; /* answered conflict */
    const char *busy_id;   /* answered busy the first time, ok the second */
    const char *silent_id; /* never answered */
    const char *want_summary;
    const char *want_line; /* another line dwctl must print, or NULL */
    int want_exit;
} scenario_t;

static const scenario_t scenarios[] = {
    {"window", 12, false, 4, 10000, NULL, "T-5", "T-9", NULL, NULL,
     "sent 12, stored 10, duplicate 1, refused 1, local errors 0, unanswered 0",
     "refused T-9: conflict: same src and id already stored with other content (field body.amount_fen)", 0},
    {"strict", 12, false, 4, 10000, "--strict", "T-5", "T-9", NULL, NULL,
     "sent 12, stored 10, duplicate 1, refused 1, local errors 0, unanswered 0", NULL, 1},
    {"unanswered", 6, false, 100, 700, NULL, NULL, NULL, NULL, "T-4",
     "sent 6, stored 5, duplicate 0, refused 0, local errors 0, unanswered 1", NULL, 2},
    {"local_error", 3, true, 10, 10000, NULL, NULL, NULL, NULL, NULL,
     "sent 3, stored 3, duplicate 0, refused 0, local errors 1, unanswered 0", NULL, 2},
    {"retry", 5, false, 10, 10000, NULL, NULL, NULL, "T-2", NULL,
     "sent 5, stored 5, duplicate 0, refused 0, local errors 0, unanswered 0", NULL, 0},
};

typedef struct held {
    zmq_msg_t identity;
    char id[80];
} held_t;

static int write_yaml(const char *path, const scenario_t *s)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 1; i <= s->n_messages; i++)
        fprintf(
            f,
            "- type: treasury.payment\n"
            "  id: T-%d\n"
            "  src: treasury\n"
            "  ts: 1773800000000\n"
            "  body: {voucher_no: GK2026%06d, fiscal_year: 2026, payment_date: \"2026-03-18\", dept_code: \"101\",\n"
            "         unit_code: \"101001\", project_code: P2026-101-001, function_code: \"2050101\",\n"
            "         economic_code: \"30201\", amount_fen: %d, method: authorised, payee: 市文印中心}\n",
            i, i, 100000 + i);
    if (s->bad_one)
        fprintf(f, "- type: treasury.payment\n  id: T-BAD\n  body: {amount_fen: lots}\n");
    return fclose(f);
}

static int send_ack(void *sock, zmq_msg_t *identity, const char *id, bool ok, bool dup, int64_t seq, const char *code,
                    const char *message, const char *field)
{
    dw_msg_t *ack = dw_msg_new("ack", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(ack);
    int bad = dw_obj_set_bool(b, "ok", ok) != DW_OK;
    if (id)
        bad |= dw_obj_set_str(b, "id", id) != DW_OK;
    if (ok)
        bad |= dw_obj_set_int(b, "seq", seq) != DW_OK;
    if (dup)
        bad |= dw_obj_set_bool(b, "dup", true) != DW_OK;
    if (code) {
        dw_obj_t *e = dw_obj_set_map(b, "error");
        bad |= !e || dw_obj_set_str(e, "code", code) != DW_OK || dw_obj_set_str(e, "message", message) != DW_OK;
        if (e && field)
            bad |= dw_obj_set_str(e, "field", field) != DW_OK;
    }
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err = {0};
    bad |= dw_msg_encode(ack, &buf, &err) != DW_OK;
    if (bad)
        fprintf(stderr, "could not build the ack: %s\n", err.message);
    dw_msg_destroy(&ack);
    bad |= zmq_send(sock, zmq_msg_data(identity), zmq_msg_size(identity), ZMQ_SNDMORE) < 0;
    bad |= zmq_send(sock, "", 0, ZMQ_SNDMORE) < 0;
    bad |= zmq_send(sock, buf.data, buf.len, 0) < 0;
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

/* Reads [identity][empty][message]; the message's bytes in *data (caller closes). */
static int recv_request(void *sock, zmq_msg_t *identity, zmq_msg_t *data)
{
    zmq_msg_t empty;
    zmq_msg_init(identity);
    zmq_msg_init(&empty);
    zmq_msg_init(data);
    int ok = zmq_msg_recv(identity, sock, 0) >= 0 && zmq_msg_more(identity) && zmq_msg_recv(&empty, sock, 0) >= 0 &&
             zmq_msg_size(&empty) == 0 && zmq_msg_more(&empty) && zmq_msg_recv(data, sock, 0) >= 0 &&
             !zmq_msg_more(data);
    zmq_msg_close(&empty);
    CHECK(ok); /* dwctl frames every message [empty][message] */
    return ok ? 0 : -1;
}

static void *bind_router(void *ctx, char *endpoint, size_t n)
{
    void *sock = zmq_socket(ctx, ZMQ_ROUTER);
    int zero = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(sock, "tcp://127.0.0.1:*") != 0)
        return NULL;
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, endpoint, &n);
    return sock;
}

static void run_scenario(const scenario_t *s, const char *dwctl, const char *dir)
{
    char yaml[300], endpoint[256], window[16], timeout[16];
    snprintf(yaml, sizeof yaml, "%s/messages.yaml", dir);
    CHECK(write_yaml(yaml, s) == 0);
    void *ctx = zmq_ctx_new();
    void *sock = bind_router(ctx, endpoint, sizeof endpoint);
    CHECK(sock != NULL);
    snprintf(window, sizeof window, "%d", s->window);
    snprintf(timeout, sizeof timeout, "%d", s->timeout_ms);
    char *argv[] = {(char *)dwctl,  "send",  "--endpoint", endpoint,        "--window", window,
                    "--timeout-ms", timeout, yaml,         (char *)s->flag, NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);

    held_t held[MAX_HELD];
    int n_held = 0, max_held = 0, finals = 0, busied = 0, code = -1;
    int want_finals = s->n_messages - (s->silent_id ? 1 : 0);
    int64_t seq = 0, deadline = dw_mono_ms() + 20000;
    bool exited = false;
    while (dw_mono_ms() < deadline && !(exited = dwctl_child_done(&child, &code))) {
        zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
        int rc = zmq_poll(&item, 1, QUIET_MS);
        if (rc > 0) {
            zmq_msg_t data;
            if (recv_request(sock, &held[n_held].identity, &data) != 0)
                break;
            dw_error_t err = {0};
            dw_msg_t *m = dw_msg_decode(zmq_msg_data(&data), zmq_msg_size(&data), NULL, &err);
            CHECK(m != NULL); /* dwctl sends what decodes */
            snprintf(held[n_held].id, sizeof held[n_held].id, "%s", m ? dw_msg_id(m) : "?");
            dw_msg_destroy(&m);
            zmq_msg_close(&data);
            if (++n_held > max_held)
                max_held = n_held;
            CHECK(n_held <= s->window); /* never more unacked than the window */
            if (n_held == MAX_HELD)
                break;
            continue;
        }
        /* Quiet: answer what is held, newest first, so matching must go by id. */
        while (n_held > 0) {
            held_t *h = &held[--n_held];
            int r = 0;
            if (s->silent_id && strcmp(h->id, s->silent_id) == 0) {
                zmq_msg_close(&h->identity);
                continue;
            }
            bool busy = s->busy_id && strcmp(h->id, s->busy_id) == 0 && busied++ == 0;
            bool refuse = s->refuse_id && strcmp(h->id, s->refuse_id) == 0;
            bool dup = s->dup_id && strcmp(h->id, s->dup_id) == 0;
            if (busy) {
                r = send_ack(sock, &h->identity, h->id, false, false, 0, "busy", "over the in-flight credit", NULL);
            } else if (refuse) {
                finals++;
                r = send_ack(sock, &h->identity, h->id, false, false, 0, "conflict",
                             "same src and id already stored with other content", "body.amount_fen");
            } else {
                finals++;
                r = send_ack(sock, &h->identity, h->id, true, dup, ++seq, NULL, NULL, NULL);
            }
            CHECK(r == 0);
            zmq_msg_close(&h->identity);
        }
    }
    if (!exited)
        code = dwctl_child_wait(&child, 5000);
    CHECK_INT(finals, want_finals);
    if (s->n_messages > s->window)
        CHECK_INT(max_held, s->window); /* the whole window is used */
    if (s->busy_id)
        CHECK_INT(busied, 2); /* answered busy, then sent again */

    char *out = dwctl_slurp(child.out_path), *err = dwctl_slurp(child.err_path);
    CHECK(dwctl_has_line(out, s->want_summary));
    if (s->want_line)
        CHECK(dwctl_has_line(out, s->want_line));
    if (s->silent_id) {
        char line[400];
        snprintf(line, sizeof line, "unanswered %s (%s:%d)", s->silent_id, yaml, (atoi(s->silent_id + 2) - 1) * 7 + 1);
        CHECK(dwctl_has_line(out, line));
    }
    if (s->bad_one)
        CHECK(strstr(err, "messages.yaml:") && strstr(err, "local error T-BAD: wrong_type:"));
    CHECK_INT(code, s->want_exit);
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl stdout:\n%s--- dwctl stderr:\n%s", out, err);
    free(out);
    free(err);
    zmq_close(sock);
    zmq_ctx_term(ctx);
}

/* --raw-hex: the bytes go out as they are, the ack comes back as one line. */
static void run_raw_hex(const char *dwctl, const char *dir)
{
    char endpoint[256];
    void *ctx = zmq_ctx_new();
    void *sock = bind_router(ctx, endpoint, sizeof endpoint);
    CHECK(sock != NULL);
    char *argv[] = {(char *)dwctl, "send", "--endpoint", endpoint, "--timeout-ms", "10000", "--raw-hex", "82 a1", NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
    CHECK(zmq_poll(&item, 1, 10000) == 1);
    zmq_msg_t identity, data;
    if (recv_request(sock, &identity, &data) == 0) {
        CHECK_INT(zmq_msg_size(&data), 2);
        CHECK(memcmp(zmq_msg_data(&data), "\x82\xa1", 2) == 0);
        CHECK(send_ack(sock, &identity, NULL, false, false, 0, "truncated", "the bytes end inside a value", NULL) == 0);
        zmq_msg_close(&data);
    }
    zmq_msg_close(&identity);
    CHECK_INT(dwctl_child_wait(&child, 10000), 0);
    char *out = dwctl_slurp(child.out_path);
    CHECK(dwctl_has_line(out, "refused (no id): truncated: the bytes end inside a value"));
    free(out);
    zmq_close(sock);
    zmq_ctx_term(ctx);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_dwctl_send DWCTL SCENARIO\n");
        return 2;
    }
    char dir[] = "/tmp/dwctl-send.XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    bool found = false;
    if (strcmp(argv[2], "raw_hex") == 0) {
        run_raw_hex(argv[1], dir);
        found = true;
    }
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].name, argv[2]) == 0) {
            run_scenario(&scenarios[i], argv[1], dir);
            found = true;
        }
    CHECK(found);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    DW_TEST_DONE();
}
