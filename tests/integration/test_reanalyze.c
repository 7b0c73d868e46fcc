/* integration.reanalyze — `dwctl reanalyze` against the real system.
 *
 * A budget of 1,000,000.00 元 and payments of 600,000.00 + 500,000.00: paid
 * 1,100,000.00, 超预算开支 raised (alert 1, red). Then the positions are
 * damaged behind dw-analyze's back (project_days emptied, as a lost table
 * would be): a re-analysis without rebuild judges the empty position — within
 * budget, the alert is cleared (the command does what it says, on the data as
 * it is); a re-analysis with rebuild recomputes project_days from the payments
 * (two payments, 1,100,000.00 on two days) and raises the alert again (alert 2).
 * Each request is done in dw-analyze's own transaction, answered in
 * analysis_requests, and every change is published. A request for a fiscal
 * year with nothing in it is done with 0 projects. Bad arguments exit 64. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

/* Runs dwctl reanalyze with args, its stdout into out; the exit status. */
static int reanalyze(dw_harness_t *h, const char *args, char *out, size_t n)
{
    char cmd[1600];
    snprintf(cmd, sizeof cmd,
             "'%s/services/dwctl/dwctl' reanalyze --conninfo 'host=%s/sock port=%d dbname=dualwatch user=dualwatch' "
             "--timeout-ms 30000 %s 2>/dev/null",
             h->build_dir, h->home, h->pg_port, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "reanalyze", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 60000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-04-15", 50000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM alerts WHERE status = 'open' AND rule_id = 'over_budget' "
                                  "AND expected_fen = 100000000 AND actual_fen = 110000000",
                                  1, 10000),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(paid_fen) FROM project_days"), 110000000);

    /* the positions lost behind dw-analyze's back */
    CHECK_INT(dw_harness_int(&h, "WITH d AS (DELETE FROM project_days RETURNING 1) SELECT count(*) FROM d"), 2);
    char out[1024];
    CHECK_INT(reanalyze(&h, "--year 2026 --no-rebuild", out, sizeof out), 0);
    CHECK(strstr(out, "re-analysis 1 of 2026 as of ") != NULL);
    CHECK(strstr(out, ": 1 projects, 1 alert changes published, positions rebuilt in - ms") != NULL);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE alert_id = 1 AND status = 'cleared'"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM project_days"), 0);

    CHECK_INT(reanalyze(&h, "--year 2026", out, sizeof out), 0);
    CHECK(strstr(out, "re-analysis 2 of 2026 as of ") != NULL);
    CHECK(strstr(out, ": 1 projects, 1 alert changes published, positions rebuilt in ") != NULL);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM project_days"), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(paid_fen) FROM project_days"), 110000000);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(payments) FROM project_days"), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE alert_id = 2 AND status = 'open' "
                                 "AND expected_fen = 100000000 AND actual_fen = 110000000"),
              1);
    /* raised, cleared, raised: three events on the alert stream */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT max(seq) FROM outbox WHERE stream = 'alert'", 3, 10000), 3);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM analysis_requests WHERE done_at IS NOT NULL "
                                 "AND rebuild_ms IS NOT NULL AND elapsed_ms >= rebuild_ms"),
              1);

    /* a year with nothing in it: done, 0 projects; the same again changes nothing */
    CHECK_INT(reanalyze(&h, "--year 2025", out, sizeof out), 0);
    CHECK(strstr(out, ": 0 projects, 0 alert changes published") != NULL);
    CHECK_INT(reanalyze(&h, "--year 2026", out, sizeof out), 0);
    CHECK(strstr(out, ": 1 projects, 0 alert changes published") != NULL);

    /* bad arguments */
    CHECK_INT(reanalyze(&h, "", out, sizeof out), 64);
    CHECK_INT(reanalyze(&h, "--year 1999", out, sizeof out), 64);
    CHECK_INT(reanalyze(&h, "--year 2026 extra", out, sizeof out), 64);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
