/* integration.flow — one payment's way through all five real services.
 *
 * A producer (a DEALER, as the contract says) sends a budget.allocation and
 * then treasury.payment messages for one project; the second payment takes
 * the project over its budget. Checked, with figures worked out by hand:
 * every ack (stored, duplicate, conflict, a coded refusal), the rows in
 * PostgreSQL at every stage, and what a real SUB socket receives:
 * the red compliance alert under alert.red.compliance.101. and the deviation
 * case for 教科文股 under task.biz_edu., each with stream sequence 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_msg.h"
#include "dw_test.h"

#define TS 1767225600000 /* 2026-01-01T08:00:00+08:00 */

static dw_msg_t *allocation(void)
{
    dw_msg_t *m = dw_msg_new("budget.allocation", "B-0001", "budget", TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "project_name", "义务教育薄弱环节改善项目");
    dw_obj_set_str(b, "kind", "project");
    dw_obj_set_str(b, "fund_type", "general");
    dw_obj_set_str(b, "source", "annual");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_str(b, "section_code", "biz_edu");
    dw_obj_set_int(b, "initial_fen", 100000000); /* 1,000,000.00 元 */
    dw_obj_set_int(b, "adjusted_fen", 0);
    dw_obj_set_int(b, "transferred_fen", 0);
    dw_obj_set_int(b, "current_fen", 100000000);
    return m;
}

static dw_msg_t *payment(const char *id, const char *voucher, const char *date, int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", id, "treasury", TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "payment_date", date);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "method", "direct");
    dw_obj_set_str(b, "payee", "会昌县第一建筑工程公司");
    return m;
}

typedef struct ack {
    bool ok, dup;
    int64_t seq;
    char id[96], code[48], field[96];
} ack_t;

/* Sends bytes as [empty][message] and waits for the ack. */
static int send_raw(void *dealer, const void *data, size_t len, ack_t *ack)
{
    memset(ack, 0, sizeof *ack);
    if (zmq_send(dealer, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(dealer, data, len, 0) < 0)
        return -1;
    zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, 10000) != 1)
        return -1;
    char buf[4096];
    int n = zmq_recv(dealer, buf, sizeof buf, 0); /* the empty delimiter */
    if (n != 0)
        return -1;
    n = zmq_recv(dealer, buf, sizeof buf, 0);
    if (n < 0)
        return -1;
    dw_error_t err;
    dw_msg_t *a = dw_msg_decode_bare("ack", buf, (size_t)n, NULL, &err);
    if (!a) {
        fprintf(stderr, "ack does not decode: %s\n", err.message);
        return -1;
    }
    const dw_obj_t *b = dw_msg_body(a);
    (void)dw_obj_bool(b, "ok", &ack->ok);
    (void)dw_obj_bool(b, "dup", &ack->dup);
    (void)dw_obj_int(b, "seq", &ack->seq);
    snprintf(ack->id, sizeof ack->id, "%s", dw_obj_str(b, "id") ? dw_obj_str(b, "id") : "");
    const dw_obj_t *e = dw_obj_map(b, "error");
    if (e) {
        snprintf(ack->code, sizeof ack->code, "%s", dw_obj_str(e, "code"));
        snprintf(ack->field, sizeof ack->field, "%s", dw_obj_str(e, "field") ? dw_obj_str(e, "field") : "");
    }
    dw_msg_destroy(&a);
    return 0;
}

static int send_msg(void *dealer, dw_msg_t *m, ack_t *ack)
{
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    int rc = dw_msg_encode(m, &buf, &err) == DW_OK ? send_raw(dealer, buf.data, buf.len, ack) : -1;
    if (rc != 0)
        fprintf(stderr, "send %s failed\n", dw_msg_id(m));
    dw_buf_free(&buf);
    dw_msg_destroy(&m);
    return rc;
}

/* Waits for the next [topic][envelope] on the SUB socket. */
static dw_msg_t *next_event(void *sub, char *topic, size_t n, int timeout_ms)
{
    zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) != 1)
        return NULL;
    int tl = zmq_recv(sub, topic, n - 1, 0);
    if (tl < 0)
        return NULL;
    topic[tl < (int)n - 1 ? tl : (int)n - 1] = '\0';
    static char env[65536];
    int el = zmq_recv(sub, env, sizeof env, 0);
    if (el < 0)
        return NULL;
    dw_error_t err;
    dw_msg_t *m = dw_msg_decode(env, (size_t)el, NULL, &err);
    if (!m)
        fprintf(stderr, "published envelope does not decode: %s: %s\n", dw_code_name(err.code), err.message);
    return m;
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "flow", NULL) != 0) {
        dw_harness_stop(&h, true);
        return 1;
    }
    void *sub = zmq_socket(h.zmq_ctx, ZMQ_SUB);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "alert.", 6);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "task.", 5);
    CHECK(zmq_connect(sub, h.pub_ep) == 0);
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_harness_sleep_ms(300); /* let the SUB's subscription reach the PUB */

    ack_t a;
    /* 1. the budget line: stored first, inbox seq 1 */
    CHECK(send_msg(dealer, allocation(), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 1);
    CHECK_STR(a.id, "B-0001");
    /* 2. first payment 600,000.00 元: within budget */
    CHECK(send_msg(dealer, payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 2);
    /* 3. the same src+id with the same bytes: acked as dup, stored once */
    CHECK(send_msg(dealer, payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0);
    CHECK(a.ok && a.dup);
    CHECK_INT(a.seq, 2);
    /* 4. the same src+id with other bytes: refused as a conflict */
    CHECK(send_msg(dealer, payment("T-0001", "GK2026000001", "2026-03-15", 60000001), &a) == 0);
    CHECK(!a.ok);
    CHECK_STR(a.code, "conflict");
    /* 5. second payment 500,000.00 元: paid 1,100,000.00 > budget 1,000,000.00 */
    CHECK(send_msg(dealer, payment("T-0002", "GK2026000002", "2026-06-30", 50000000), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 3);
    /* 6. bad input: a 5-byte bomb gets its code and changes nothing else */
    const unsigned char bomb[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    CHECK(send_raw(dealer, bomb, sizeof bomb, &a) == 0);
    CHECK(!a.ok);
    CHECK_STR(a.code, "too_many");
    /* 7. a date that is not on the calendar is refused with the field's path:
     * our encoder refuses to write one, so the bytes are edited after it */
    dw_msg_t *bad = payment("T-0003", "GK2026000003", "2026-02-28", 100);
    dw_buf_t bytes = DW_BUF_INIT;
    dw_error_t err;
    CHECK(dw_msg_encode(bad, &bytes, &err) == DW_OK);
    char *day = memmem(bytes.data, bytes.len, "2026-02-28", 10);
    CHECK(day != NULL);
    if (day)
        memcpy(day, "2026-02-29", 10); /* 2026 is not a leap year */
    CHECK(send_raw(dealer, bytes.data, bytes.len, &a) == 0);
    dw_buf_free(&bytes);
    dw_msg_destroy(&bad);
    CHECK(!a.ok);
    CHECK_STR(a.code, "bad_date");
    CHECK_STR(a.field, "body.payment_date");

    /* The alert, then the task, on the public feed. */
    char topic[256];
    bool got_alert = false, got_task = false;
    for (int i = 0; i < 2; i++) {
        dw_msg_t *m = next_event(sub, topic, sizeof topic, 15000);
        CHECK(m != NULL);
        if (!m)
            break;
        int64_t seq = 0, v = 0;
        const dw_obj_t *b = dw_msg_body(m);
        CHECK(dw_msg_seq(m, &seq));
        CHECK_INT(seq, 1);
        if (strcmp(dw_msg_type(m), "alert.event") == 0) {
            got_alert = true;
            CHECK_STR(topic, "alert.red.compliance.101.");
            CHECK_STR(dw_msg_stream(m), "alert");
            CHECK_STR(dw_obj_str(b, "event"), "raised");
            CHECK_STR(dw_obj_str(b, "rule_id"), "over_budget");
            CHECK_STR(dw_obj_str(b, "level"), "red");
            CHECK_STR(dw_obj_str(b, "category"), "compliance");
            CHECK_STR(dw_obj_str(b, "project_code"), "P2026-101-001");
            CHECK(dw_obj_int(b, "expected_fen", &v));
            CHECK_INT(v, 100000000);
            CHECK(dw_obj_int(b, "actual_fen", &v));
            CHECK_INT(v, 110000000);
            CHECK(strstr(dw_obj_str(b, "message"), "超预算开支") != NULL);
            CHECK(strstr(dw_obj_str(b, "message"), "1,100,000.00") != NULL);
        } else {
            got_task = true;
            CHECK_STR(dw_msg_type(m), "task.event");
            CHECK_STR(topic, "task.biz_edu.");
            CHECK_STR(dw_obj_str(b, "kind"), "deviation_case");
            CHECK_STR(dw_obj_str(b, "section_code"), "biz_edu");
            CHECK_STR(dw_obj_str(b, "event"), "opened");
        }
        dw_msg_destroy(&m);
    }
    CHECK(got_alert);
    CHECK(got_task);

    /* Every stage persisted, and recorded how far it read. */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE src = 'treasury' AND id = 'T-0001'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM budget_lines WHERE current_fen = 100000000"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), 110000000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000001' AND flags = '{}'"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000002' "
                                 "AND flags = '{over_budget}'"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE status = 'open' AND level = 'red' "
                                 "AND rule_id = 'over_budget' AND category = 'compliance' "
                                 "AND expected_fen = 100000000 AND actual_fen = 110000000"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM tasks WHERE kind = 'deviation_case' AND section_code = 'biz_edu' "
                                 "AND state = 'business_review'"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'intake'"), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE code = 'conflict' AND id = 'T-0001'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE code = 'too_many'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM outbox WHERE stream = 'alert'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM outbox WHERE stream = 'task'"), 1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'",
                                  3, 5000),
              3);
    /* validate emitted fact.budget (1) and two fact.payment (2, 3); analyze one alert event */
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'"),
              3);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'route' AND upstream = 'analyze'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'route'"), 1);

    zmq_close(sub);
    zmq_close(dealer);
    bool failed = dw_test_failures > 0;
    dw_harness_stop(&h, failed);
    DW_TEST_DONE();
}
