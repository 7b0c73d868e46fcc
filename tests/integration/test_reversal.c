/* integration.reversal — a treasury reversal brings a project back within its
 * budget, and the 超预算开支 alert clears.
 *
 * Budget 1,000,000.00 元; a payment of 1,100,000.00 (over by 100,000.00: alert
 * raised, red); a reversal of 200,000.00 against that voucher (paid
 * 900,000.00: cleared, published at green as alert 2). */
#include <stdio.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

static dw_msg_t *reversal(const char *id, const char *voucher, const char *original, int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.reversal", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_str(b, "original_voucher_no", original);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "reversal_date", "2026-04-20");
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "reason", "收款人账户信息有误，退回重付");
    return m;
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "reversal", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-04-15", 110000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM alerts WHERE status = 'open' AND level = 'red'", 1, 10000),
              1);
    CHECK(dw_test_send(dealer, reversal("R-0001", "GK2026900001", "GK2026000001", 20000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM alerts WHERE status = 'cleared' AND level = 'green' "
                                  "AND expected_fen = 100000000 AND actual_fen = 90000000",
                                  1, 10000),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE status = 'open'"), 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT max(seq) FROM outbox WHERE stream = 'alert'", 2, 10000), 2);
    char topic[128];
    dw_harness_text(&h, "SELECT topic FROM outbox WHERE stream = 'alert' AND seq = 2", topic, sizeof topic);
    CHECK_STR(topic, "alert.green.compliance.101.");

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
