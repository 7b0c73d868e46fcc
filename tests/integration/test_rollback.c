/* integration.rollback — a stage whose transaction fails keeps nothing of it.
 *
 * A CHECK constraint added behind dw-validate's back makes the COPY of one
 * payment fail: the batch rolls back, the cursor stays, the payment is read
 * again and again. Once the constraint is dropped it is stored — once — and
 * the project's running totals (cached in dw-validate, forgotten on every
 * rollback) still add up: a third payment is judged against 600,000.00 +
 * 77,700.00 + 400,000.00 = 1,077,700.00 元 paid of a 1,000,000.00 元 budget. */
#include <libpq-fe.h>
#include <stdio.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

static void exec(dw_harness_t *h, const char *sql)
{
    PGresult *res = PQexec(h->db, sql);
    CHECK(PQresultStatus(res) == PGRES_COMMAND_OK);
    PQclear(res);
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "rollback", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 1, 5000), 1);

    exec(&h, "ALTER TABLE payments ADD CONSTRAINT test_refuse CHECK (amount_fen <> 7770000)");
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-04-15", 7770000), &a) == 0 && a.ok);
    CHECK_INT(a.seq, 3);       /* stored by intake: the failure is downstream */
    dw_harness_sleep_ms(2500); /* several tries of dw-validate */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'"), 2);

    exec(&h, "ALTER TABLE payments DROP CONSTRAINT test_refuse");
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 2, 10000), 2);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0003", "GK2026000003", "2026-05-15", 40000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 3, 5000), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), 107770000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000003' "
                                 "AND flags = '{over_budget}'"),
              1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT actual_fen FROM alerts WHERE rule_id = 'over_budget'", 107770000, 5000),
              107770000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'"), 4);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'"), 4);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
