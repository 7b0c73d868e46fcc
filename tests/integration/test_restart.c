/* integration.restart — no payment lost, none counted twice, whatever stage
 * is killed when.
 *
 * dw-analyze and dw-notify are killed with SIGKILL (no chance to tidy up)
 * while payments keep arriving; dw-validate goes on storing them. Started
 * again, both catch up from the tables (stage_events, their cursors) and the
 * subscriber gets the alert and the task with sequence 1. Then dw-validate is
 * killed, a third payment arrives, and after its restart the alert's figures
 * move while no second alert, no second event and no second row appear.
 * Figures by hand: budget 1,000,000.00 元; payments 600,000.00 + 500,000.00
 * (over by 100,000.00) + 300,000.00 = 1,400,000.00 元. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

static void kill_service(dw_harness_t *h, const char *name)
{
    char path[400], pid[32] = "";
    snprintf(path, sizeof path, "%s/run/%s.pid", h->home, name);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK(fgets(pid, sizeof pid, f) != NULL);
    fclose(f);
    pid_t victim = (pid_t)atoi(pid);
    CHECK(victim > 1); /* never kill(0) or kill(-1): that would be the test's own group */
    if (victim > 1)
        CHECK(kill(victim, SIGKILL) == 0);
    dw_harness_sleep_ms(200);
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "restart", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *sub = zmq_socket(h.zmq_ctx, ZMQ_SUB);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "alert.", 6);
    zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "task.", 5);
    CHECK(zmq_connect(sub, h.pub_ep) == 0);
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);

    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'", 1, 5000), 1);

    kill_service(&h, "analyze");
    kill_service(&h, "notify");
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-06-30", 50000000), &a) == 0 && a.ok);
    /* dw-validate carries on alone: both payments stored, the second flagged */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 2, 5000), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE flags = '{over_budget}'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts"), 0);

    CHECK(dw_harness_script(&h, "start") == 0); /* starts what is not running */
    /* The restarted dw-notify publishes what it caught up on at once, before a
     * subscriber's reconnect is through: the subscriber's way back is replay,
     * as the contract says. */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM outbox", 2, 10000), 2);
    const char *streams[2] = {"alert", "task"};
    for (int i = 0; i < 2; i++) {
        dw_msg_t *ans = dw_test_replay(h.zmq_ctx, h.replay_ep, streams[i], 0, NULL, 0);
        CHECK(ans != NULL);
        if (!ans)
            continue;
        const dw_obj_t *b = dw_msg_body(ans);
        bool ok = false, more = true;
        int64_t head = 0;
        CHECK(dw_obj_bool(b, "ok", &ok) && ok);
        CHECK(dw_obj_int(b, "head", &head));
        CHECK_INT(head, 1);
        CHECK(dw_obj_bool(b, "more", &more) && !more);
        CHECK_INT(dw_obj_count(b, "events"), 1);
        size_t len = 0;
        const unsigned char *item = dw_obj_item_any(b, "events", 0, &len);
        /* [topic, envelope]: 0x92, the topic as a fixstr (under 32 bytes), the envelope */
        const char *want = i == 0 ? "alert.red.compliance.101." : "task.biz_edu.";
        size_t wl = strlen(want);
        CHECK(item && len > 2 + wl && item[0] == 0x92 && item[1] == (0xa0 | wl));
        if (item && len > 2 + wl) {
            CHECK(memcmp(item + 2, want, wl) == 0);
            dw_error_t err;
            dw_msg_t *env = dw_msg_decode(item + 2 + wl, len - 2 - wl, NULL, &err);
            CHECK(env != NULL);
            int64_t seq = 0;
            CHECK(env && dw_msg_seq(env, &seq) && seq == 1);
            dw_msg_destroy(&env);
        }
        dw_msg_destroy(&ans);
    }
    /* since beyond the head: nothing, and the head */
    dw_msg_t *none = dw_test_replay(h.zmq_ctx, h.replay_ep, "alert", 1, NULL, 0);
    CHECK(none && dw_obj_count(dw_msg_body(none), "events") == 0);
    dw_msg_destroy(&none);
    /* an unknown stream is refused with a code */
    dw_msg_t *bad = dw_test_replay(h.zmq_ctx, h.replay_ep, "payments", 0, NULL, 0);
    const dw_obj_t *e = bad ? dw_obj_map(dw_msg_body(bad), "error") : NULL;
    CHECK(e && strcmp(dw_obj_str(e, "code"), "bad_enum") == 0);
    dw_msg_destroy(&bad);
    dw_harness_sleep_ms(500); /* the subscriber is reconnected by now */

    kill_service(&h, "validate");
    CHECK(dw_test_send(dealer, dw_test_payment("T-0003", "GK2026000003", "2026-09-30", 30000000), &a) == 0 && a.ok);
    CHECK_INT(a.seq, 4);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), 2);
    CHECK(dw_harness_script(&h, "start") == 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT actual_fen FROM alerts WHERE rule_id = 'over_budget'", 140000000, 10000),
              140000000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), 140000000);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM tasks WHERE kind = 'deviation_case'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox"), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'"), 4);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'"), 4);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'",
                                  4, 5000),
              4);
    /* Nothing numbered twice: whatever the subscriber caught live (it may
     * have reconnected in time for the catch-up publish, or not) is seq 1 of
     * its stream, and the updated alert published nothing new. */
    char topic[256];
    dw_msg_t *live;
    while ((live = dw_test_next_event(sub, topic, sizeof topic, 1000)) != NULL) {
        int64_t seq = 0;
        CHECK(dw_msg_seq(live, &seq));
        CHECK_INT(seq, 1);
        dw_msg_destroy(&live);
    }

    zmq_close(sub);
    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
