/* integration.workflow_time — deadlines on the bureau's working days, timers
 * across restarts of dw-route, and a deviation case's hold on payments.
 *
 * The clock is clock.as_of, moved by rewriting the configuration and
 * restarting dw-route (its timers live in the documents table). The 2026
 * calendar of the State Council: 25-27 September and 1-7 October are
 * holidays, Sunday 20 September and Saturday 10 October working days.
 *
 * Tuesday 29 September:
 *   - project P2026-101-002's targets are declared: business review due 5
 *     working days on: 30 Sep (1), 8 Oct (2), 9 Oct (3), Sat 10 Oct (4),
 *     12 Oct (5) -> 2026-10-12;
 *   - P2026-101-001 is paid 1,100,000.00 of a 1,000,000.00 budget: red
 *     超预算开支, a deviation case for biz_edu due 10 working days on
 *     (2026-10-19); biz_edu proposes 暂停实施并停止拨付, 综合股 decides: a hold
 *     instruction (treasury.hold.P2026-101-001.) the treasury must confirm in
 *     2 working days (30 Sep, 8 Oct -> 2026-10-08); a payment on the project
 *     dated that day is stored flagged on_hold and alerted (暂停拨付期间支付).
 * Friday 9 October (restart): the declaration's due date is within 2 working
 *   days (10 Oct, 12 Oct): one reminder; the hold is unconfirmed past 8 Oct:
 *   the case escalates to 综合股 (no_ack); the monitoring round of months
 *   1-9 has ended: each project gets its form task, due 10 October.
 * Tuesday 13 October (restart): the forms due 10 October are 3 days late:
 *   dw-analyze raises 流程事项逾期未办, yellow, for each project (no case
 *   opens for it); the declaration is overdue (due 12 Oct): a
 *   reminder to biz_edu, an escalation to 综合股, an overdue notice; the
 *   treasury confirms the hold (on_hold), 综合股 releases it
 *   (treasury.release.P2026-101-001.), a payment dated that day comes out
 *   clean, the treasury confirms the release: closed.
 * Then a case biz_edu opens on P2026-101-002 is decided 调减预算: a task and
 * a notice for 预算股, closed by its budget.adjustment cutting the line.
 * A restart on the same day sends nothing twice. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_pg.h"
#include "dw_producer.h"
#include "dw_test.h"
#include "test_messages.h"

#define CALENDAR                                                                                                    \
    "calendar:\n"                                                                                                   \
    "  holidays: [\"2026-09-25\", \"2026-09-26\", \"2026-09-27\", \"2026-10-01\", \"2026-10-02\", \"2026-10-03\", " \
    "\"2026-10-04\", \"2026-10-05\", \"2026-10-06\", \"2026-10-07\"]\n"                                             \
    "  workdays: [\"2026-09-20\", \"2026-10-10\"]\n"                                                                \
    "route:\n"                                                                                                      \
    "  remind_workdays: 2\n"                                                                                        \
    "  hold_ack_workdays: 2\n"                                                                                      \
    "  tick_ms: 200\n"                                                                                              \
    "  open_monitoring_rounds: true\n"

/* Rewrites clock.as_of in the harness's configuration and restarts dw-route
 * and dw-analyze (which judges every project again for the new date). */
static void restart_route_on(dw_harness_t *h, const char *as_of)
{
    FILE *f = fopen(h->config, "r");
    char text[16384];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = '\0';
    char *at = strstr(text, "  as_of: \"");
    CHECK(at != NULL);
    if (!at)
        return;
    memcpy(at + 10, as_of, 10); /* the same length: YYYY-MM-DD */
    f = fopen(h->config, "w");
    CHECK(f && fwrite(text, 1, n, f) == n);
    if (f)
        fclose(f);
    const char *services[2] = {"route", "analyze"};
    for (int k = 0; k < 2; k++) {
        int pid = dw_test_service_pid(h, services[k]);
        CHECK(pid > 1 && kill(pid, SIGTERM) == 0);
        for (int i = 0; i < 200 && dw_test_process_alive(pid); i++)
            dw_harness_sleep_ms(50);
        CHECK(!dw_test_process_alive(pid));
    }
    CHECK(dw_harness_script(h, "start") == 0);
}

static dw_msg_t *action(const char *id, const char *kind, const char *doc_id, const char *act, const char *actor,
                        const char *section, const char *opinion, const char *decision)
{
    dw_msg_t *m = dw_msg_new("workflow.action", id, "dwctl", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "doc_kind", kind);
    dw_obj_set_str(b, "doc_id", doc_id);
    dw_obj_set_str(b, "action", act);
    dw_obj_set_str(b, "actor", actor);
    dw_obj_set_str(b, "section_code", section);
    if (opinion)
        dw_obj_set_str(b, "opinion", opinion);
    if (decision)
        dw_obj_set_str(b, "decision", decision);
    return m;
}

static dw_msg_t *hold_ack(const char *id, int64_t instruction_id, const char *act, const char *date)
{
    dw_msg_t *m = dw_msg_new("treasury.hold_ack", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "instruction_id", instruction_id);
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "action", act);
    dw_obj_set_str(b, "effective_date", date);
    return m;
}

/* The kinds of the notices dw-notify published to a recipient, in order. */
static void notice_kinds(dw_harness_t *h, const char *recipient, char *out, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT envelope FROM outbox WHERE topic = 'notice.%s.' ORDER BY seq", recipient);
    PGresult *res = PQexec(h->db, sql);
    size_t len = 0;
    out[0] = '\0';
    for (int r = 0; res && PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res); r++) {
        dw_buf_t raw = DW_BUF_INIT;
        dw_error_t err;
        dw_msg_t *m = dw_pg_bytea_decode(PQgetvalue(res, r, 0), (size_t)PQgetlength(res, r, 0), &raw) == 0
                          ? dw_msg_decode(raw.data, raw.len, NULL, &err)
                          : NULL;
        const char *kind = m ? dw_obj_str(dw_msg_body(m), "kind") : "?";
        int w = snprintf(out + len, n - len, "%s%s", len ? " " : "", kind);
        if (w > 0 && (size_t)w < n - len)
            len += (size_t)w;
        dw_msg_destroy(&m);
        dw_buf_free(&raw);
    }
    PQclear(res);
}

static int64_t wait_int(dw_harness_t *h, const char *sql, int64_t want)
{
    return dw_harness_wait_int(h, sql, want, 15000);
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "wftime", CALENDAR "clock:\n  as_of: \"2026-09-29\"\n") != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
#define SEND(msg) CHECK(dw_test_send(dealer, (msg), &a) == 0 && a.ok)

    /* ---- Tuesday 29 September ---- */
    SEND(vf_allocation("B-1", "L-1", "101", "101001", "P2026-101-001", "31005", "biz_edu", 100000000));
    SEND(vf_allocation("B-2", "L-2", "101", "101001", "P2026-101-002", "31005", "biz_edu", 50000000));
    dw_msg_t *declaration = vf_declaration("TD-1", "P2026-101-002", "101", 1, "改善办学条件");
    vf_target(declaration, "IND-001", "output", "quantity", "改造学校数量", "ge", "20", "100");
    SEND(declaration);
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_id = 'TD-2026-P2026-101-002' "
                       "AND state = 'business_review' AND holder_code = 'biz_edu' AND due_date = '2026-10-12'",
                       1),
              1);

    SEND(vf_payment("T-1", "GK-1", "2026-03-15", "101", "101001", "P2026-101-001", "L-1", "31005", 110000000));
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents d JOIN alerts a USING (alert_id) WHERE d.doc_kind = "
                       "'deviation_case' AND a.rule_id = 'over_budget' AND d.state = 'business_review' "
                       "AND d.holder_code = 'biz_edu' AND d.due_date = '2026-10-19'",
                       1),
              1);
    char case_id[64];
    dw_harness_text(&h, "SELECT doc_id FROM documents WHERE doc_kind = 'deviation_case'", case_id, sizeof case_id);
    SEND(action("A-1", "deviation_case", case_id, "propose", "张明", "biz_edu",
                "支出超预算且进度严重偏离，建议暂停实施", "suspend"));
    SEND(action("A-2", "deviation_case", case_id, "decide", "王芳", "comprehensive", "同意暂停实施并停止拨付", NULL));
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case' AND state = 'in_effect' "
                       "AND decision = 'suspend' AND instruction_id = 1 AND due_date = '2026-10-08'",
                       1),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM treasury_instructions WHERE instruction_id = 1 AND action = "
                                 "'hold' AND issued_on = '2026-09-29' AND ack_due = '2026-10-08' AND acked_on IS NULL"),
              1);
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM outbox WHERE topic = 'treasury.hold.P2026-101-001.'", 1), 1);

    /* from the instruction on, a payment on the project is flagged and alerted */
    SEND(vf_payment("T-2", "GK-2", "2026-09-29", "101", "101001", "P2026-101-001", "L-1", "31005", 1000000));
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK-2' AND 'on_hold' = ANY (flags)", 1),
              1);
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM alerts WHERE rule_id = 'on_hold' AND status = 'open'", 1), 1);

    /* ---- Friday 9 October ---- */
    restart_route_on(&h, "2026-10-09");
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_id = 'TD-2026-P2026-101-002' "
                       "AND reminded_for = '2026-10-12' AND overdue_for IS NULL",
                       1),
              1);
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case' AND state = 'escalated' "
                       "AND holder_code = 'comprehensive'",
                       1),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM document_history WHERE doc_kind = 'deviation_case' "
                                 "AND action = 'no_ack' AND actor = 'dw-route' AND as_of = '2026-10-09'"),
              1);
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM tasks WHERE doc_kind = 'deviation_case' AND section_code = "
                       "'comprehensive' AND state = 'escalated' AND closed_at IS NULL",
                       1),
              1);

    /* months 1-9 ended on 30 September: each project's form is due on 10 October (a working Saturday) */
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_kind = 'monitor_report' AND state = 'open' "
                       "AND holder_code = '101' AND due_date = '2026-10-10' AND doc_id LIKE 'MR-2026-P2026-101-00_-09'",
                       2),
              2);

    /* ---- Tuesday 13 October ---- */
    restart_route_on(&h, "2026-10-13");
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_id = 'TD-2026-P2026-101-002' "
                       "AND overdue_for = '2026-10-12' AND state = 'business_review'",
                       1),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM document_history WHERE doc_id = 'TD-2026-P2026-101-002' "
                                 "AND action IN ('remind', 'overdue')"),
              2);
    char kinds[512];
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM outbox WHERE topic = 'notice.biz_edu.'", 2), 2);
    notice_kinds(&h, "biz_edu", kinds, sizeof kinds);
    CHECK_STR(kinds, "reminder overdue");
    /* the escalation is a task event on 综合股's topic about biz_edu's task */
    CHECK_INT(
        wait_int(&h, "SELECT count(*) FROM outbox WHERE topic = 'task.comprehensive.' AND stream = 'task'", 3) >= 3, 1);

    /* the forms due 10 October are 3 days late: dw-analyze's timeliness rule sees them, yellow, and opens no case */
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM alerts WHERE rule_id = 'task_overdue' AND level = 'yellow' "
                       "AND status = 'open' AND expected = '2026-10-10' AND actual LIKE 'monitor_report MR-2026-%'",
                       2),
              2);

    SEND(hold_ack("H-1", 1, "hold", "2026-10-13"));
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case' AND state = 'on_hold'", 1),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM treasury_instructions WHERE instruction_id = 1 "
                                 "AND acked_on = '2026-10-13'"),
              1);
    /* a release needs a reason; then it goes */
    SEND(action("A-3", "deviation_case", case_id, "release", "王芳", "comprehensive", NULL, NULL));
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'route' AND rule_id = 'W-REASON-001'", 1), 1);
    SEND(action("A-4", "deviation_case", case_id, "release", "王芳", "comprehensive", "整改到位，恢复拨付", NULL));
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM outbox WHERE topic = 'treasury.release.P2026-101-001.'", 1), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM treasury_instructions WHERE instruction_id = 2 "
                                 "AND action = 'release' AND issued_on = '2026-10-13'"),
              1);
    SEND(vf_payment("T-3", "GK-3", "2026-10-13", "101", "101001", "P2026-101-001", "L-1", "31005", 1000000));
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK-3'", 1), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK-3' AND 'on_hold' = ANY (flags)"),
              0);
    SEND(hold_ack("H-2", 2, "release", "2026-10-13"));
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case' AND state = 'closed' "
                       "AND closed_at IS NOT NULL AND task_id IS NULL",
                       1),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM tasks WHERE doc_kind = 'deviation_case' AND closed_at IS NULL"),
              0);
    /* the on_hold alert found the project's case open: no second case */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM documents WHERE doc_kind = 'deviation_case'"), 1);
    char path[1024];
    dw_harness_text(&h,
                    "SELECT string_agg(action || ':' || from_state || '>' || to_state, ' ' ORDER BY step_no) "
                    "FROM document_history WHERE doc_kind = 'deviation_case' AND action <> 'remind'",
                    path, sizeof path);
    /* (a reminder of the ack's due date, 8 October, goes out on 29 September if a tick falls between the
       decision and the restart: not part of the path) */
    CHECK_STR(path, "open:new>business_review propose:business_review>comprehensive_review "
                    "decide:comprehensive_review>in_effect no_ack:in_effect>escalated "
                    "hold_acked:escalated>on_hold release:on_hold>released release_acked:released>closed");

    /* 调减预算: biz_edu opens a case on P2026-101-002 itself; 预算股 gets a task and a notice, and its
       budget.adjustment cutting the line closes the case and the task */
    dw_msg_t *open = action("A-5", "deviation_case", "DC-P2026-101-002-1", "open", "李华", "biz_edu", NULL, NULL);
    dw_obj_set_int(dw_msg_body(open), "fiscal_year", FY);
    dw_obj_set_str(dw_msg_body(open), "dept_code", "101");
    dw_obj_set_str(dw_msg_body(open), "project_code", "P2026-101-002");
    SEND(open);
    SEND(action("A-6", "deviation_case", "DC-P2026-101-002-1", "propose", "李华", "biz_edu", "政策调整，需求减少",
                "reduce_budget"));
    SEND(action("A-7", "deviation_case", "DC-P2026-101-002-1", "decide", "王芳", "comprehensive", "同意调减",
                "reduce_budget"));
    CHECK_INT(wait_int(&h,
                       "SELECT count(*) FROM tasks WHERE doc_id = 'DC-P2026-101-002-1' AND kind = 'budget_cut' "
                       "AND section_code = 'budget' AND closed_at IS NULL",
                       1),
              1);
    CHECK_INT(wait_int(&h, "SELECT count(*) FROM outbox WHERE topic = 'notice.budget.'", 1), 1);
    notice_kinds(&h, "budget", kinds, sizeof kinds);
    CHECK_STR(kinds, "budget_cut_request");
    SEND(vf_adjustment("ADJ-1", "L-2", "财预〔2026〕18号", "adjusted", -10000000, "2026-10-13"));
    CHECK_INT(
        wait_int(&h, "SELECT count(*) FROM documents WHERE doc_id = 'DC-P2026-101-002-1' AND state = 'closed'", 1), 1);
    CHECK_INT(
        dw_harness_int(&h, "SELECT count(*) FROM tasks WHERE doc_id = 'DC-P2026-101-002-1' AND closed_at IS NULL"), 0);

    /* the same day again: nothing is sent twice */
    int64_t notices = dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'");
    int64_t steps = dw_harness_int(&h, "SELECT count(*) FROM document_history");
    restart_route_on(&h, "2026-10-13");
    dw_harness_sleep_ms(1500); /* several ticks */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'"), notices);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM document_history"), steps);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
