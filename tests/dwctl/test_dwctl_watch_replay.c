/* dwctl.watch_replay — how `dwctl watch` talks to the replay endpoint, against
 * a publisher and a replay ROUTER written here, so that every request it sends
 * is checked field by field and every answer is one the test chose:
 *   - a live skip (1, then 4) is repaired by a replay since 1, read over two
 *     pages (more: true), and the live 4 is not printed twice;
 *   - a heartbeat head beyond the last event is repaired too; a gone answer
 *     moves the watch on from the oldest seq kept;
 *   - a new epoch in a heartbeat starts the stream again from 0;
 *   - a prefix inside a stream goes with --from-start and with a repair, and
 *     a skip that the filter explains is not reported as a loss; an event
 *     that comes live during the replay and is in it too is printed once;
 *   - bad --since arguments are refused with 64.
 *
 *   test_dwctl_watch_replay DWCTL */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_child.h"

#define WAIT_MS 10000

typedef struct peer {
    void *ctx, *pub, *router;
    char pub_ep[128], replay_ep[128];
} peer_t;

/* An alert.event for project, numbered seq on stream alert, encoded into out. */
static int alert_envelope(int64_t seq, const char *level, const char *project, dw_buf_t *out)
{
    static const char *const fields[][2] = {
        {"event", "raised"},        {"fiscal_year", "2026"},   {"dept_code", "101"},    {"rule_id", "over_budget"},
        {"category", "compliance"}, {"message", "超预算开支"}, {"as_of", "2026-06-30"},
    };
    char id[32], alert_id[24];
    snprintf(id, sizeof id, "alert-%lld", (long long)seq);
    snprintf(alert_id, sizeof alert_id, "%lld", (long long)seq);
    dw_msg_t *m = dw_msg_new("alert.event", id, "notify", 1781500000000);
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    dw_error_t err = {0};
    int bad = dw_obj_set_text(b, "alert_id", alert_id, &err) != DW_OK;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        bad |= dw_obj_set_text(b, fields[i][0], fields[i][1], &err) != DW_OK;
    bad |= dw_obj_set_text(b, "level", level, &err) != DW_OK;
    bad |= dw_obj_set_text(b, "project_code", project, &err) != DW_OK;
    bad |= dw_msg_set_published(m, "alert", seq) != DW_OK;
    bad |= dw_msg_encode(m, out, &err) != DW_OK;
    if (bad)
        fprintf(stderr, "could not build alert %lld: %s: %s\n", (long long)seq, err.field, err.message);
    dw_msg_destroy(&m);
    return bad ? -1 : 0;
}

static void topic_of(const char *level, char *topic, size_t n)
{
    snprintf(topic, n, "alert.%s.compliance.101.", level);
}

static int publish_alert(peer_t *p, int64_t seq, const char *level, const char *project)
{
    dw_buf_t env = DW_BUF_INIT;
    char topic[64];
    topic_of(level, topic, sizeof topic);
    int bad = alert_envelope(seq, level, project, &env) != 0;
    bad |= zmq_send(p->pub, topic, strlen(topic), ZMQ_SNDMORE) < 0;
    bad |= zmq_send(p->pub, env.data, env.len, 0) < 0;
    dw_buf_free(&env);
    return bad ? -1 : 0;
}

static int publish_heartbeat(peer_t *p, int64_t seq, int64_t epoch, int64_t alert_head)
{
    dw_msg_t *m = dw_msg_new("heartbeat", "hb", "notify", 1781500000000);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_t *h = dw_obj_push_map(b, "heads");
    int bad = !h || dw_obj_set_int(b, "epoch", epoch) != DW_OK || dw_obj_set_str(h, "stream", "alert") != DW_OK ||
              dw_obj_set_int(h, "head", alert_head) != DW_OK || dw_msg_set_published(m, "heartbeat", seq) != DW_OK;
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err = {0};
    bad |= dw_msg_encode(m, &buf, &err) != DW_OK;
    dw_msg_destroy(&m);
    bad |= zmq_send(p->pub, "heartbeat.", 10, ZMQ_SNDMORE) < 0;
    bad |= zmq_send(p->pub, buf.data, buf.len, 0) < 0;
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

/* One stored event of an answer. */
typedef struct stored {
    int64_t seq;
    const char *level;
    const char *project;
} stored_t;

/* The next request on the ROUTER must be {stream: alert, since, prefix?,
 * limit: 1000}; it is answered with events (head, epoch, more), or with gone
 * and oldest when oldest > 0. */
static void serve(peer_t *p, int64_t since, const char *prefix, const stored_t *events, size_t n, int64_t head,
                  int64_t epoch, bool more, int64_t oldest)
{
    zmq_pollitem_t it = {.socket = p->router, .events = ZMQ_POLLIN};
    CHECK(zmq_poll(&it, 1, WAIT_MS) == 1);
    if (!(it.revents & ZMQ_POLLIN))
        return;
    char ident[256], delim[8];
    static char req[4096];
    int il = zmq_recv(p->router, ident, sizeof ident, 0);
    int dl = zmq_recv(p->router, delim, sizeof delim, 0);
    int rl = zmq_recv(p->router, req, sizeof req, 0);
    CHECK(il > 0 && dl == 0 && rl > 0);
    if (il <= 0 || dl != 0 || rl <= 0)
        return;
    dw_error_t err = {0};
    dw_msg_t *q = dw_msg_decode_bare("replay.request", req, (size_t)rl, NULL, &err);
    CHECK(q != NULL);
    if (q) {
        const dw_obj_t *b = dw_msg_body_const(q);
        int64_t v = -1;
        CHECK_STR(dw_obj_str(b, "stream"), "alert");
        CHECK(dw_obj_int(b, "since", &v));
        CHECK_INT(v, since);
        CHECK(dw_obj_int(b, "limit", &v));
        CHECK_INT(v, 1000);
        if (prefix)
            CHECK_STR(dw_obj_str(b, "prefix"), prefix);
        else
            CHECK(dw_obj_str(b, "prefix") == NULL);
    }
    dw_msg_destroy(&q);

    dw_msg_t *ans = dw_msg_new("replay.answer", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(ans);
    int bad = dw_obj_set_str(b, "stream", "alert") != DW_OK;
    if (oldest > 0) {
        dw_obj_t *e = dw_obj_set_map(b, "error");
        bad |= dw_obj_set_bool(b, "ok", false) != DW_OK || dw_obj_set_int(b, "oldest", oldest) != DW_OK || !e ||
               dw_obj_set_str(e, "code", "gone") != DW_OK ||
               dw_obj_set_str(e, "message", "events before the oldest kept are gone") != DW_OK;
    } else {
        bad |= dw_obj_set_bool(b, "ok", true) != DW_OK || dw_obj_set_int(b, "epoch", epoch) != DW_OK ||
               dw_obj_set_int(b, "head", head) != DW_OK || dw_obj_set_bool(b, "more", more) != DW_OK ||
               dw_obj_set_array(b, "events") != DW_OK;
        for (size_t i = 0; i < n; i++) {
            /* [topic, envelope]: 0x92, the topic as a fixstr, the envelope map */
            char topic[64];
            topic_of(events[i].level, topic, sizeof topic);
            unsigned char head2[2] = {0x92, (unsigned char)(0xa0 | strlen(topic))};
            dw_buf_t item = DW_BUF_INIT;
            bad |= dw_buf_append(&item, head2, 2) != 0 || dw_buf_append(&item, topic, strlen(topic)) != 0 ||
                   alert_envelope(events[i].seq, events[i].level, events[i].project, &item) != 0 ||
                   dw_obj_push_any(b, "events", item.data, item.len) != DW_OK;
            dw_buf_free(&item);
        }
    }
    dw_buf_t out = DW_BUF_INIT;
    bad |= dw_msg_encode(ans, &out, &err) != DW_OK;
    CHECK(!bad);
    dw_msg_destroy(&ans);
    CHECK(zmq_send(p->router, ident, (size_t)il, ZMQ_SNDMORE) == il);
    CHECK(zmq_send(p->router, "", 0, ZMQ_SNDMORE) == 0);
    CHECK(zmq_send(p->router, out.data, out.len, 0) == (int)out.len);
    dw_buf_free(&out);
}

/* Waits for the subscription to prefix (an XPUB passes "\x01" + prefix). */
static bool await_subscription(peer_t *p, const char *prefix)
{
    int64_t deadline = dw_mono_ms() + WAIT_MS;
    size_t n = strlen(prefix);
    for (int64_t left; (left = deadline - dw_mono_ms()) > 0;) {
        zmq_pollitem_t item = {.socket = p->pub, .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, (long)left) != 1)
            return false;
        char sub[64];
        int len = zmq_recv(p->pub, sub, sizeof sub, 0);
        if (len == (int)n + 1 && sub[0] == 1 && memcmp(sub + 1, prefix, n) == 0)
            return true;
    }
    return false;
}

/* Waits until the child's stdout holds needle. */
static bool await_output(const dwctl_child_t *c, const char *needle)
{
    for (int64_t deadline = dw_mono_ms() + WAIT_MS; dw_mono_ms() < deadline;) {
        char *out = dwctl_slurp(c->out_path);
        bool found = strstr(out, needle) != NULL;
        free(out);
        if (found)
            return true;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return false;
}

static int bind_peer(peer_t *p)
{
    memset(p, 0, sizeof *p);
    p->ctx = zmq_ctx_new();
    p->pub = zmq_socket(p->ctx, ZMQ_XPUB);
    p->router = zmq_socket(p->ctx, ZMQ_ROUTER);
    int zero = 0;
    zmq_setsockopt(p->pub, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(p->router, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(p->pub, "tcp://127.0.0.1:*") != 0 || zmq_bind(p->router, "tcp://127.0.0.1:*") != 0)
        return -1;
    size_t n = sizeof p->pub_ep;
    zmq_getsockopt(p->pub, ZMQ_LAST_ENDPOINT, p->pub_ep, &n);
    n = sizeof p->replay_ep;
    zmq_getsockopt(p->router, ZMQ_LAST_ENDPOINT, p->replay_ep, &n);
    return 0;
}

static void close_peer(peer_t *p)
{
    zmq_close(p->pub);
    zmq_close(p->router);
    zmq_ctx_term(p->ctx);
}

/* How many lines of text start with prefix. */
static int count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += strncmp(p, prefix, len) == 0;
    return n;
}

#define A1  "alert  #1   alert.red.compliance.101.  raised  red  compliance  P2026-101-001  over_budget  超预算开支"
#define A1B "alert  #1   alert.red.compliance.101.  raised  red  compliance  P2026-101-201  over_budget  超预算开支"
#define A2  "alert  #2   alert.red.compliance.101.  raised  red  compliance  P2026-101-002  over_budget  超预算开支"
#define A3  "alert  #3   alert.red.compliance.101.  raised  red  compliance  P2026-101-003  over_budget  超预算开支"
#define A4  "alert  #4   alert.red.compliance.101.  raised  red  compliance  P2026-101-004  over_budget  超预算开支"
#define A6  "alert  #6   alert.red.compliance.101.  raised  red  compliance  P2026-101-006  over_budget  超预算开支"

static void run_repairs(const char *dwctl, const char *dir)
{
    peer_t p;
    CHECK(bind_peer(&p) == 0);
    char *argv[] = {(char *)dwctl,  "watch",   "--endpoint", p.pub_ep,  "--replay-endpoint",
                    p.replay_ep,    "--topic", "alert.",     "--count", "6",
                    "--timeout-ms", "10000",   NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    CHECK(await_subscription(&p, "alert."));
    CHECK(await_subscription(&p, "heartbeat.")); /* asked for by the watch itself, for the heads */

    /* 1 live; then 4: 2 and 3 were lost, replayed over two pages. */
    CHECK(publish_alert(&p, 1, "red", "P2026-101-001") == 0);
    CHECK(publish_alert(&p, 4, "red", "P2026-101-004") == 0);
    const stored_t page1[] = {{2, "red", "P2026-101-002"}};
    const stored_t page2[] = {{3, "red", "P2026-101-003"}, {4, "red", "P2026-101-004"}};
    serve(&p, 1, NULL, page1, 1, 4, 1, true, 0);
    serve(&p, 2, NULL, page2, 2, 4, 1, false, 0);
    CHECK(await_output(&child, "gap in stream alert repaired"));

    /* A heartbeat says 6: after 4 is gone (the oldest kept is 6), so from 5. */
    CHECK(publish_heartbeat(&p, 1, 1, 6) == 0);
    serve(&p, 4, NULL, NULL, 0, 0, 0, false, 6);
    const stored_t six[] = {{6, "red", "P2026-101-006"}};
    serve(&p, 5, NULL, six, 1, 6, 1, false, 0);
    CHECK(await_output(&child, "5..6"));

    /* The outbox was reset: epoch 2, everything again from 0. */
    CHECK(publish_heartbeat(&p, 2, 2, 1) == 0);
    const stored_t fresh[] = {{1, "red", "P2026-101-201"}};
    serve(&p, 0, NULL, fresh, 1, 1, 2, false, 0);
    CHECK_INT(dwctl_child_wait(&child, WAIT_MS), 0);

    char *out = dwctl_slurp(child.out_path);
    CHECK_INT(count_lines(out, A1), 1);
    CHECK_INT(count_lines(out, A2), 1);
    CHECK_INT(count_lines(out, A3), 1);
    CHECK_INT(count_lines(out, A4), 1); /* live, and in the replay: printed once */
    CHECK_INT(count_lines(out, A6), 1);
    CHECK_INT(count_lines(out, A1B), 1);
    CHECK_INT(count_lines(out, "alert  #"), 6);
    CHECK(strstr(out, A1) < strstr(out, A2) && strstr(out, A2) < strstr(out, A3) && strstr(out, A3) < strstr(out, A4));
    CHECK(strstr(out, A4) < strstr(out, A6) && strstr(out, A6) < strstr(out, A1B));
    CHECK(dwctl_has_line(out, "gap in stream alert repaired from replay: 2..3 (2 events)"));
    CHECK(dwctl_has_line(out, "warning: stream alert: the events after 4 are gone, the oldest kept is 6: going on "
                              "from there"));
    CHECK(dwctl_has_line(out, "gap in stream alert repaired from replay: 5..6 (1 event)"));
    CHECK(dwctl_has_line(out, "warning: outbox epoch changed from 1 to 2: every stream starts again"));
    CHECK(strstr(out, "warning: gap") == NULL); /* every gap was repaired */
    CHECK(strstr(out, "could not replay") == NULL);
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl stdout (repairs):\n%s", out);
    free(out);
    close_peer(&p);
}

#define Y2 "alert  #2   alert.yellow.compliance.101.  raised  yellow  compliance  P2026-101-002  over_budget"
#define Y5 "alert  #5   alert.yellow.compliance.101.  raised  yellow  compliance  P2026-101-005  over_budget"
#define Y7 "alert  #7   alert.yellow.compliance.101.  raised  yellow  compliance  P2026-101-007  over_budget"

/* A prefix inside the stream: sent with each replay; a skip is no loss by itself. */
static void run_filtered(const char *dwctl, const char *dir)
{
    peer_t p;
    CHECK(bind_peer(&p) == 0);
    char *argv[] = {
        (char *)dwctl,   "watch",        "--endpoint", p.pub_ep, "--replay-endpoint", p.replay_ep, "--topic",
        "alert.yellow.", "--from-start", "--count",    "3",      "--timeout-ms",      "10000",     NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    /* Subscribed first, then the replay: the request comes after the subscription. */
    CHECK(await_subscription(&p, "alert.yellow."));
    /* 5 comes live while the watch waits for its replay: it is in the answer
     * too, and printed once. */
    CHECK(publish_alert(&p, 5, "yellow", "P2026-101-005") == 0);
    const stored_t kept[] = {{2, "yellow", "P2026-101-002"}, {5, "yellow", "P2026-101-005"}};
    serve(&p, 0, "alert.yellow.", kept, 2, 5, 1, false, 0);
    CHECK(await_output(&child, "#5 "));
    CHECK(await_subscription(&p, "heartbeat."));
    /* 6 was red (not ours); 7 is yellow and skips 6: asked about, through the filter. */
    CHECK(publish_alert(&p, 7, "yellow", "P2026-101-007") == 0);
    const stored_t seven[] = {{7, "yellow", "P2026-101-007"}};
    serve(&p, 5, "alert.yellow.", seven, 1, 7, 1, false, 0);
    CHECK_INT(dwctl_child_wait(&child, WAIT_MS), 0);

    char *out = dwctl_slurp(child.out_path);
    CHECK_INT(count_lines(out, Y2), 1);
    CHECK_INT(count_lines(out, Y5), 1);
    CHECK_INT(count_lines(out, Y7), 1);
    CHECK_INT(count_lines(out, "alert  #"), 3);
    CHECK(strstr(out, Y2) < strstr(out, Y5) && strstr(out, Y5) < strstr(out, Y7));
    CHECK(strstr(out, "warning") == NULL); /* 6 was not ours: no loss to report */
    CHECK(strstr(out, "repaired") == NULL);
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl stdout (filtered):\n%s", out);
    free(out);
    close_peer(&p);
}

static int run(const char *dwctl, const char *dir, char **args)
{
    char *argv[16] = {(char *)dwctl, "watch"};
    size_t n = 2;
    for (; args[n - 2] && n < 15; n++)
        argv[n] = args[n - 2];
    argv[n] = NULL;
    dwctl_child_t child;
    if (dwctl_child_start(&child, dir, argv) != 0)
        return -1;
    return dwctl_child_wait(&child, WAIT_MS);
}

static void run_usage(const char *dwctl, const char *dir)
{
    char *bad_stream[] = {"--since", "payments=3", NULL};
    char *bad_number[] = {"--since", "alert=three", NULL};
    char *negative[] = {"--since", "alert=-1", NULL};
    char *no_equals[] = {"--since", "alert", NULL};
    char *uncovered[] = {"--topic", "task.", "--since", "alert=3", NULL};
    char *bad_timeout[] = {"--replay-timeout-ms", "0", NULL};
    char path[300];
    snprintf(path, sizeof path, "%s/stderr", dir);
    CHECK_INT(run(dwctl, dir, bad_stream), 64);
    CHECK_INT(run(dwctl, dir, bad_number), 64);
    CHECK_INT(run(dwctl, dir, negative), 64);
    CHECK_INT(run(dwctl, dir, no_equals), 64);
    CHECK_INT(run(dwctl, dir, bad_timeout), 64);
    CHECK_INT(run(dwctl, dir, uncovered), 64);
    char *err = dwctl_slurp(path);
    CHECK(strstr(err, "dwctl: --since: the topics watched take nothing of stream alert") != NULL);
    CHECK(strstr(err, "usage: dwctl watch") != NULL);
    free(err);
    char *out = NULL;
    char *help[] = {"--help", NULL};
    CHECK_INT(run(dwctl, dir, help), 0);
    snprintf(path, sizeof path, "%s/stdout", dir);
    out = dwctl_slurp(path);
    CHECK(strstr(out, "--replay-endpoint EP") != NULL && strstr(out, "--from-start") != NULL &&
          strstr(out, "--since STREAM=N") != NULL);
    free(out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_watch_replay DWCTL\n");
        return 2;
    }
    char dir[] = "/tmp/dwctl-watch-replay.XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    run_repairs(argv[1], dir);
    run_filtered(argv[1], dir);
    run_usage(argv[1], dir);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    DW_TEST_DONE();
}
