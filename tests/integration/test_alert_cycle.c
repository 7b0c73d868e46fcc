/* integration.alert_cycle — an alert raised, cleared and raised again.
 *
 * dw-validate and dw-analyze are stopped while the messages pile up, so that on
 * their return one catch-up batch holds them all: budget 1,000,000.00 元; a payment of
 * 1,100,000.00 (over); the line raised to 1,200,000.00 (covered); a payment of
 * 200,000.00 (paid 1,300,000.00 > 1,200,000.00: over again). dw-validate flags
 * both payments in order; dw-analyze judges the project as the batch leaves it
 * (an alert says what holds now; each payment's flags keep the moment): one
 * 超预算开支 alert, red, 1,200,000.00 expected, 1,300,000.00 actual. Then, live,
 * the line raised to 1,400,000.00 clears it (published at green), and a payment
 * of 200,000.00 (1,500,000.00 > 1,400,000.00) raises a second alert: the feed
 * carries raised, cleared, raised. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "cycle", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    CHECK(dw_harness_script(&h, "stop --services") == 0);
    CHECK(dw_harness_script(&h, "start") == 0); /* a clean restart first: the pid files are fresh */
    /* dw-validate and dw-analyze both down: on their return each reads all
     * four facts in one batch (dw-validate: two runs of budget lines and two
     * of payments in one transaction; dw-analyze: raise, clear, raise). */
    const char *victims[2] = {"validate", "analyze"};
    for (int k = 0; k < 2; k++) {
        char path[400], pid[32] = "";
        snprintf(path, sizeof path, "%s/run/%s.pid", h.home, victims[k]);
        FILE *f = fopen(path, "r");
        CHECK(f && fgets(pid, sizeof pid, f));
        if (f)
            fclose(f);
        pid_t victim = (pid_t)atoi(pid);
        CHECK(victim > 1);
        if (victim > 1)
            CHECK(kill(victim, SIGKILL) == 0);
    }

    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 110000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0002", 120000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-04-15", 20000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 4);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'"), 0);

    CHECK(dw_harness_script(&h, "start") == 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT current_fen FROM budget_lines", 120000000, 10000), 120000000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000001' "
                                 "AND flags = '{over_budget}'"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000002' "
                                 "AND flags = '{over_budget}'"),
              1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'",
                                  4, 10000),
              4);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM alerts", 1, 10000), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE alert_id = 1 AND status = 'open' AND level = 'red' "
                                 "AND rule_id = 'over_budget' AND expected_fen = 120000000 AND actual_fen = 130000000"),
              1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT max(seq) FROM outbox WHERE stream = 'alert'", 1, 10000), 1);

    /* live: covered (cleared at green), then over again (a new alert) */
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0003", 140000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM alerts WHERE alert_id = 1 AND status = 'cleared' "
                                  "AND level = 'green' AND cleared_at IS NOT NULL",
                                  1, 10000),
              1);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0003", "GK2026000003", "2026-05-15", 20000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM alerts", 2, 10000), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE alert_id = 2 AND status = 'open' AND level = 'red' "
                                 "AND expected_fen = 140000000 AND actual_fen = 150000000"),
              1);
    /* the history: raised, cleared for the first; raised for the second */
    char history[256];
    dw_harness_text(&h,
                    "SELECT string_agg(alert_id || ':' || change_no || ':' || event || ':' || level, ' ' "
                    "ORDER BY alert_id, change_no) FROM alert_history",
                    history, sizeof history);
    CHECK_STR(history, "1:1:raised:red 1:2:cleared:green 2:1:raised:red");
    CHECK_INT(dw_harness_wait_int(&h, "SELECT max(seq) FROM outbox WHERE stream = 'alert'", 3, 10000), 3);
    char topics[512];
    dw_harness_text(&h, "SELECT string_agg(topic, ' ' ORDER BY seq) FROM outbox WHERE stream = 'alert'", topics,
                    sizeof topics);
    CHECK_STR(topics, "alert.red.compliance.101. alert.green.compliance.101. alert.red.compliance.101.");
    /* a deviation case for each red alert; the first closed when its alert cleared */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM tasks WHERE kind = 'deviation_case'", 2, 10000), 2);
    CHECK_INT(
        dw_harness_wait_int(&h,
                            "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case' AND "
                            "((alert_id = 1 AND state = 'closed') OR (alert_id = 2 AND state = 'business_review'))",
                            2, 10000),
        2);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
