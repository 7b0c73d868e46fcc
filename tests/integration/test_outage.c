/* integration.outage — PostgreSQL goes away and comes back; nothing is lost.
 *
 * While the cluster is stopped (fast shutdown, mid-stream), dw-intake answers
 * "internal" (it could not store), so the producer sends again, as the
 * contract tells it to; every stage reconnects on its own and carries on from
 * its cursor. Figures by hand: budget 1,000,000.00 元; ten payments of
 * 110,000.00 元 = 1,100,000.00 元, over by 100,000.00 from the tenth. */
#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

/* Sends until the message is acked as stored (or known), as a producer does. */
static int send_until_stored(void *dealer, int i, int *internal_answers)
{
    char id[32], voucher[32], date[32];
    snprintf(id, sizeof id, "T-%04d", i);
    snprintf(voucher, sizeof voucher, "GK2026%06d", i);
    snprintf(date, sizeof date, "2026-%02d-15", 1 + i);
    for (int attempt = 0; attempt < 60; attempt++) {
        dw_test_ack_t a;
        if (dw_test_send(dealer, dw_test_payment(id, voucher, date, 11000000), &a) == 0 && a.ok)
            return 0;
        if (strcmp(a.code, "internal") == 0)
            (*internal_answers)++;
        dw_harness_sleep_ms(500);
    }
    return -1;
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "outage", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    int internal = 0;
    for (int i = 1; i <= 3; i++)
        CHECK(send_until_stored(dealer, i, &internal) == 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 3, 5000), 3);

    PQfinish(h.db);
    h.db = NULL;
    CHECK(dw_harness_script(&h, "db-stop") == 0);
    /* sent while the database is down: refused as internal, kept by the producer */
    dw_test_ack_t down;
    CHECK(dw_test_send(dealer, dw_test_payment("T-0004", "GK2026000004", "2026-05-15", 11000000), &down) == 0);
    CHECK(!down.ok);
    CHECK_STR(down.code, "internal");
    dw_harness_sleep_ms(3000); /* the stages notice on their next look and back off */
    CHECK(dw_harness_script(&h, "db-start") == 0);
    CHECK(dw_harness_reconnect(&h) == 0);

    for (int i = 4; i <= 10; i++)
        CHECK(send_until_stored(dealer, i, &internal) == 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 10, 20000), 10);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), 110000000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 11);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE flags = '{over_budget}'"), 1);
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM alerts WHERE rule_id = 'over_budget' AND status = 'open' "
                                  "AND actual_fen = 110000000",
                                  1, 20000),
              1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM outbox", 2, 20000), 2);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
