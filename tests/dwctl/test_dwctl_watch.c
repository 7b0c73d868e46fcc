/* dwctl.watch — `dwctl watch` against a publisher written here: one line per
 * event with money in yuan, a warning (not a crash) for an envelope that does
 * not decode, a warning for a skipped sequence number and for a heartbeat
 * head beyond what arrived, heartbeats not printed by default, --count,
 * --timeout-ms and a clean exit on SIGTERM.
 *
 *   test_dwctl_watch DWCTL */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_child.h"

/* This test's publisher has no replay side: a port nobody listens on, so a
 * running system on this machine (7406) is never asked. */
#define NO_REPLAY "tcp://127.0.0.1:9"

typedef struct field {
    const char *name;
    const char *text; /* dw_obj_set_text: the schema decides the type */
} field_t;

/* An envelope of type with the body fields given, published on stream at seq. */
static int publish(void *pub, const char *topic, const char *type, const char *stream, int64_t seq,
                   const field_t *fields)
{
    char id[32];
    snprintf(id, sizeof id, "%s-%lld", stream, (long long)seq);
    dw_msg_t *m = dw_msg_new(type, id, "notify", 1781500000000);
    if (!m)
        return -1;
    dw_error_t err = {0};
    int bad = 0;
    for (const field_t *f = fields; f && f->name; f++)
        bad |= dw_obj_set_text(dw_msg_body(m), f->name, f->text, &err) != DW_OK;
    bad |= dw_msg_set_published(m, stream, seq) != DW_OK;
    dw_buf_t buf = DW_BUF_INIT;
    bad |= dw_msg_encode(m, &buf, &err) != DW_OK;
    if (bad)
        fprintf(stderr, "could not build %s: %s: %s\n", type, err.field, err.message);
    dw_msg_destroy(&m);
    bad |= zmq_send(pub, topic, strlen(topic), ZMQ_SNDMORE) < 0;
    bad |= zmq_send(pub, buf.data, buf.len, 0) < 0;
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

/* A heartbeat: heads is built by hand, an array of maps. */
static int publish_heartbeat(void *pub, int64_t seq, int64_t alert_head, int64_t task_head)
{
    dw_msg_t *m = dw_msg_new("heartbeat", "hb", "notify", 1781500000000);
    dw_obj_t *b = dw_msg_body(m);
    int bad = dw_obj_set_int(b, "epoch", 1) != DW_OK;
    const char *streams[] = {"alert", "task"};
    int64_t heads[] = {alert_head, task_head};
    for (int i = 0; i < 2; i++) {
        dw_obj_t *h = dw_obj_push_map(b, "heads");
        bad |= !h || dw_obj_set_str(h, "stream", streams[i]) != DW_OK || dw_obj_set_int(h, "head", heads[i]) != DW_OK;
    }
    bad |= dw_msg_set_published(m, "heartbeat", seq) != DW_OK;
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err = {0};
    bad |= dw_msg_encode(m, &buf, &err) != DW_OK;
    dw_msg_destroy(&m);
    bad |= zmq_send(pub, "heartbeat.", 10, ZMQ_SNDMORE) < 0;
    bad |= zmq_send(pub, buf.data, buf.len, 0) < 0;
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

/* An XPUB tells us when the subscriber is there: no event is lost to the slow joiner. */
static void *bind_xpub(void *ctx, char *endpoint, size_t n)
{
    void *sock = zmq_socket(ctx, ZMQ_XPUB);
    int zero = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
    if (zmq_bind(sock, "tcp://127.0.0.1:*") != 0)
        return NULL;
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, endpoint, &n);
    return sock;
}

/* Waits for the subscription to prefix (XPUB passes "\x01" + prefix; older
 * subscribe and unsubscribe messages are skipped). */
static bool await_subscription(void *pub, const char *prefix)
{
    int64_t deadline = dw_mono_ms() + 10000;
    size_t n = strlen(prefix);
    for (int64_t left; (left = deadline - dw_mono_ms()) > 0;) {
        zmq_pollitem_t item = {.socket = pub, .events = ZMQ_POLLIN};
        if (zmq_poll(&item, 1, (long)left) != 1)
            return false;
        char sub[64];
        int len = zmq_recv(pub, sub, sizeof sub, 0);
        if (len == (int)n + 1 && sub[0] == 1 && memcmp(sub + 1, prefix, n) == 0)
            return true;
    }
    return false;
}

static const field_t over_budget[] = {
    {"alert_id", "12"},
    {"event", "raised"},
    {"fiscal_year", "2026"},
    {"dept_code", "101"},
    {"project_code", "P2026-101-003"},
    {"rule_id", "over_budget"},
    {"category", "compliance"},
    {"level", "red"},
    {"expected_fen", "120000000"},
    {"actual_fen", "125000000"},
    {"message", "超预算开支"},
    {"as_of", "2026-12-15"},
    {NULL, NULL},
};
static const field_t lagging[] = {
    {"alert_id", "13"},
    {"event", "changed"},
    {"fiscal_year", "2026"},
    {"dept_code", "102"},
    {"project_code", "P2026-102-002"},
    {"rule_id", "exec_rate_lag"},
    {"category", "timeliness"},
    {"level", "yellow"},
    {"previous_level", "blue"},
    {"expected", "50.00"},
    {"actual", "4.86"},
    {"message", "执行率低于序时进度"},
    {"as_of", "2026-06-30"},
    {NULL, NULL},
};
static const field_t task[] = {
    {"task_id", "3"},
    {"event", "opened"},
    {"kind", "deviation_case"},
    {"section_code", "biz_edu"},
    {"dept_code", "101"},
    {"project_code", "P2026-101-003"},
    {"state", "business_review"},
    {"due_date", "2026-07-20"},
    {"summary", "超预算开支，请初审"},
    {NULL, NULL},
};
static const field_t notice[] = {
    {"notice_id", "7"},
    {"kind", "rectification"},
    {"recipient", "101"},
    {"title", "关于超预算开支的整改通知"},
    {"text", "请于12月31日前说明情况"},
    {"project_code", "P2026-101-003"},
    {"due_date", "2026-12-31"},
    {NULL, NULL},
};

static void run_events(const char *dwctl, const char *dir)
{
    char endpoint[256];
    void *ctx = zmq_ctx_new();
    void *pub = bind_xpub(ctx, endpoint, sizeof endpoint);
    CHECK(pub != NULL);
    char *argv[] = {(char *)dwctl, "watch",        "--endpoint", endpoint, "--replay-endpoint", NO_REPLAY, "--count",
                    "4",           "--timeout-ms", "10000",      NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    CHECK(await_subscription(pub, ""));
    CHECK(publish(pub, "alert.red.compliance.101.", "alert.event", "alert", 1, over_budget) == 0);
    CHECK(publish(pub, "task.biz_edu.", "task.event", "task", 1, task) == 0);
    CHECK(zmq_send(pub, "alert.x.", 8, ZMQ_SNDMORE) == 8 && zmq_send(pub, "\xc1", 1, 0) == 1);
    CHECK(publish(pub, "alert.yellow.timeliness.102.", "alert.event", "alert", 3, lagging) == 0); /* 2 lost */
    CHECK(publish_heartbeat(pub, 1, 3, 2) == 0);                                                  /* task 2 lost too */
    CHECK(publish(pub, "notice.101.", "notice", "notice", 1, notice) == 0);
    CHECK_INT(dwctl_child_wait(&child, 10000), 0);

    char *out = dwctl_slurp(child.out_path);
    CHECK(dwctl_has_line(out, "alert  #1   alert.red.compliance.101.  raised  red  compliance  P2026-101-003  "
                              "over_budget  超预算开支  预期 1,200,000.00 元, 实际 1,250,000.00 元"));
    CHECK(dwctl_has_line(out, "task   #1   task.biz_edu.  opened deviation_case 101 P2026-101-003 due 2026-07-20 "
                              "[business_review] 超预算开支，请初审"));
    CHECK(strstr(out, "warning: an event on alert.x. that does not decode: bad_byte: ") != NULL);
    CHECK(dwctl_has_line(out, "warning: gap in stream alert: expected 2, got 3"));
    CHECK(dwctl_has_line(out, "alert  #3   alert.yellow.timeliness.102.  changed  blue->yellow  timeliness  "
                              "P2026-102-002  exec_rate_lag  执行率低于序时进度  预期 50.00, 实际 4.86"));
    CHECK(dwctl_has_line(out, "warning: gap in stream task: expected 2, heartbeat says head 2"));
    CHECK(dwctl_has_line(out, "notice #1   notice.101.  rectification to 101 P2026-101-003 due 2026-12-31  "
                              "关于超预算开支的整改通知"));
    CHECK(strstr(out, "heartbeat #") == NULL); /* only with --heartbeats */
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl stdout:\n%s", out);
    free(out);
    zmq_close(pub);
    zmq_ctx_term(ctx);
}

/* Silence, SIGTERM: how a watch ends without --count being met. */
static void run_endings(const char *dwctl, const char *dir)
{
    char endpoint[256];
    void *ctx = zmq_ctx_new();
    void *pub = bind_xpub(ctx, endpoint, sizeof endpoint);
    CHECK(pub != NULL);
    dwctl_child_t child;

    char *quiet[] = {(char *)dwctl, "watch",        "--endpoint", endpoint, "--replay-endpoint",
                     NO_REPLAY,     "--timeout-ms", "300",        NULL};
    CHECK(dwctl_child_start(&child, dir, quiet) == 0);
    CHECK_INT(dwctl_child_wait(&child, 10000), 0); /* silence without --count: done */

    char *short_count[] = {(char *)dwctl,       "watch",   "--endpoint", endpoint,
                           "--replay-endpoint", NO_REPLAY, "--count",    "1",
                           "--timeout-ms",      "300",     NULL};
    CHECK(dwctl_child_start(&child, dir, short_count) == 0);
    CHECK_INT(dwctl_child_wait(&child, 10000), 2); /* --count not reached */

    char *forever[] = {(char *)dwctl, "watch",   "--endpoint", endpoint, "--replay-endpoint",
                       NO_REPLAY,     "--topic", "task.",      NULL};
    CHECK(dwctl_child_start(&child, dir, forever) == 0);
    CHECK(await_subscription(pub, "task."));
    if (child.pid > 1)
        kill(child.pid, SIGTERM);
    CHECK_INT(dwctl_child_wait(&child, 10000), 0);
    zmq_close(pub);
    zmq_ctx_term(ctx);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_watch DWCTL\n");
        return 2;
    }
    char dir[] = "/tmp/dwctl-watch.XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    run_events(argv[1], dir);
    run_endings(argv[1], dir);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    DW_TEST_DONE();
}
