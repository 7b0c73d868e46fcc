/* integration.flow — one payment's way through all five real services.
 *
 * A producer (a DEALER, as the contract says) sends a budget.allocation and
 * then treasury.payment messages for one project; the second payment takes
 * the project over its budget. Checked, with figures worked out by hand:
 * every ack (stored, duplicate, conflict, a coded refusal), the rows in
 * PostgreSQL at every stage, and what a real SUB socket receives:
 * the red compliance alert under alert.red.compliance.101. and the deviation
 * case for 教科文股 under task.biz_edu., each with stream sequence 1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_msg.h"
#include "dw_producer.h"
#include "dw_test.h"

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "flow", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *sub = zmq_socket(h.zmq_ctx, ZMQ_SUB);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "alert.", 6);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "task.", 5);
    CHECK(zmq_connect(sub, h.pub_ep) == 0);
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_harness_sleep_ms(300); /* let the SUB's subscription reach the PUB */

    dw_test_ack_t a;
    /* 1. the budget line: stored first, inbox seq 1 */
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 1);
    CHECK_STR(a.id, "B-0001");
    /* 2. first payment 600,000.00 元: within budget */
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 2);
    /* 3. the same src+id with the same bytes: acked as dup, stored once */
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0);
    CHECK(a.ok && a.dup);
    CHECK_INT(a.seq, 2);
    /* 4. the same src+id with other bytes: refused as a conflict */
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000001), &a) == 0);
    CHECK(!a.ok);
    CHECK_STR(a.code, "conflict");
    /* 5. second payment 500,000.00 元: paid 1,100,000.00 > budget 1,000,000.00 */
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-06-30", 50000000), &a) == 0);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, 3);
    /* 6. bad input: a 5-byte bomb gets its code and changes nothing else */
    const unsigned char bomb[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
    CHECK(dw_test_send_raw(dealer, bomb, sizeof bomb, &a) == 0);
    CHECK(!a.ok);
    CHECK_STR(a.code, "too_many");
    /* 7. a date that is not on the calendar is refused with the field's path:
     * our encoder refuses to write one, so the bytes are edited after it */
    dw_msg_t *bad = dw_test_payment("T-0003", "GK2026000003", "2026-02-28", 100);
    dw_buf_t bytes = DW_BUF_INIT;
    dw_error_t err;
    CHECK(dw_msg_encode(bad, &bytes, &err) == DW_OK);
    char *day = memmem(bytes.data, bytes.len, "2026-02-28", 10);
    CHECK(day != NULL);
    if (day)
        memcpy(day, "2026-02-29", 10); /* 2026 is not a leap year */
    CHECK(dw_test_send_raw(dealer, bytes.data, bytes.len, &a) == 0);
    dw_buf_free(&bytes);
    dw_msg_destroy(&bad);
    CHECK(!a.ok);
    CHECK_STR(a.code, "bad_date");
    CHECK_STR(a.field, "body.payment_date");

    /* The alert, then the task, on the public feed. */
    char topic[256];
    bool got_alert = false, got_task = false;
    for (int i = 0; i < 2; i++) {
        dw_msg_t *m = dw_test_next_event(sub, topic, sizeof topic, 15000);
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
    CHECK_INT(dw_harness_int(&h,
                             "SELECT count(*) FROM tasks WHERE kind = 'deviation_case' AND section_code = 'biz_edu' "
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
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'"), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'route' AND upstream = 'analyze'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'route'"), 1);

    /* SIGHUP (a reload request, or a terminal hanging up) never stops a service. */
    static const char *const services[] = {"intake", "validate", "analyze", "route", "notify"};
    int pids[5];
    for (int i = 0; i < 5; i++) {
        pids[i] = dw_test_service_pid(&h, services[i]);
        CHECK(pids[i] > 1);
        if (pids[i] > 1)
            CHECK(kill(pids[i], SIGHUP) == 0);
    }
    dw_harness_sleep_ms(500);
    for (int i = 0; i < 5; i++)
        CHECK(pids[i] > 1 && kill(pids[i], 0) == 0);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0004", "GK2026000004", "2026-07-31", 100), &a) == 0);
    CHECK(a.ok && a.seq == 4);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 3, 5000), 3);
    /* dw-notify publishes none of validate's facts: it passes them by and
     * records how far it read within catchup_ms, with no batch of its own. */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'validate'",
                                  4, 5000),
              4);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'alert'"), 1);

    zmq_close(sub);
    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
