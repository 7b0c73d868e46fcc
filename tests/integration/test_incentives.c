/* integration.incentives — rewards, deductions and recoveries recommended at a
 * checkpoint (seed 003 §13) by the real system with the shipped catalogue
 * (checkpoints 07-10, 10-10, 11-10, 12-10 to the budget section; deduct below
 * 60 % and 60 %, 5 % of the unspent budget; reward from 90 % and 90 %; recover
 * above 50 % projected unspent or 完全不可能).
 *
 * 序时进度 at 2026-10-10: 31+28+31+30+31+30+31+31+30 + 10 = 283 of 365 days.
 *
 * 101 P2026-101-001 budget 3,650,000.00 (365,000,000 fen), expected ⌊365,000,000 × 283/365⌋ = 283,000,000;
 *                   paid 1,000,000.00: 100,000,000 ÷ 283,000,000 = 35.3357 % < 60 (3534 bp shown).
 *                   IND-001 ≥100 w60 at 50 (50 %, red), IND-002 ≥90 w40 at 95 (105.6 %, green):
 *                   completion 40 ÷ 100 = 40 % < 60 → 扣减建议 of 5 % of 365,000,000 − 100,000,000 =
 *                   265,000,000 → 13,250,000 fen (132,500.00). The 1-9月 form projects 1,500,000.00 for the
 *                   year: 215,000,000 left = 58.9041 % > 50 → 收回建议 of 215,000,000 (5890 bp).
 * 102 P2026-102-001 budget 730,000.00, expected 73,000,000 × 283/365 = 56,600,000; paid 566,000.00 = 100 %;
 *                   IND-001 ≥1000 w100 at 1000: completion 100 % → 奖励建议 (10000 bp and 10000 bp).
 * 103 P2026-103-001 budget 365,000.00, expected 28,300,000; paid 169,800.00 = exactly 60 %, not below;
 *                   IND-001 ≥100 w100 at 50 (red): completion 0 % — but not slow: nothing.
 *
 * Ids in the order recommended (department, kind, project): 1 deduct 101, 2 recover P2026-101-001,
 * 3 reward 102; three notices on topic notice.budget., notice seq 1..3.
 *
 * Then: 2026-10-09 (data in, not a checkpoint) gave none; a restart on 10-10 adds none; after a payment of
 * 100,000.00 on 10-10 and a revised form projecting the whole budget, a re-run of the day (SIGHUP) updates
 * the deduction — 110,000,000 ÷ 283,000,000 = 38.8693 % (3887 bp); 5 % of 255,000,000 = 12,750,000 —
 * as revision 2 with a fourth notice, withdraws the recovery (0 left) without a notice, and leaves the
 * reward as it was. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_pg.h"
#include "dw_producer.h"
#include "dw_sender.h"
#include "dw_test.h"
#include "test_messages.h"

/* Until dw-notify has published all that dw-analyze wrote. */
static void published(dw_harness_t *h)
{
    int64_t written = dw_harness_int(h, "SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'analyze'");
    CHECK_INT(dw_harness_wait_int(h, "SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'analyze'",
                                  written, 30000),
              written);
}

/* The fixture's line ZB2026-<dept>-01 (economic code 30213), under this project's own name. */
static dw_msg_t *allocation(const char *id, const char *dept, const char *section, const char *project,
                            const char *name, int64_t fen)
{
    char unit[16], line[32];
    snprintf(unit, sizeof unit, "%s001", dept);
    snprintf(line, sizeof line, "ZB2026-%s-01", dept);
    dw_msg_t *m = vf_allocation(id, line, dept, unit, project, "30213", section, fen);
    dw_obj_set_str(dw_msg_body(m), "project_name", name);
    return m;
}

static dw_msg_t *payment(const char *id, const char *date, const char *dept, const char *project, int64_t fen)
{
    char unit[16], voucher[32], line[32];
    snprintf(unit, sizeof unit, "%s001", dept);
    snprintf(voucher, sizeof voucher, "GK-%s", id);
    snprintf(line, sizeof line, "ZB2026-%s-01", dept);
    return vf_payment(id, voucher, date, dept, unit, project, line, "30213", fen);
}

static dw_msg_t *declaration(const char *id, const char *dept, const char *project)
{
    return vf_declaration(id, project, dept, 1, "按期完成年度任务，服务对象满意度不低于90%");
}

/* A level (not cumulative) indicator "≥ target", named by its code. */
static void target(dw_msg_t *m, const char *code, const char *level1, const char *level2, const char *value,
                   const char *weight)
{
    vf_target(m, code, level1, level2, code, "ge", value, weight);
}

/* The 1-9月 form. */
static dw_msg_t *form(const char *id, const char *dept, const char *project, int64_t executed, int64_t projected,
                      const char *submitted)
{
    dw_msg_t *m = vf_form(id, project, dept, 9, submitted);
    dw_obj_set_int(dw_msg_body(m), "executed_fen", executed);
    dw_obj_set_int(dw_msg_body(m), "projected_fen", projected);
    return m;
}

/* A row of the form; one not certain to be met carries a cause, its explanation and measures. */
static void row(dw_msg_t *m, const char *code, const char *value, const char *projected, const char *likelihood)
{
    bool certain = strcmp(likelihood, "certain") == 0;
    vf_row(m, code, value, projected, likelihood, certain ? NULL : "funding",
           certain ? NULL : "资金到位较晚，改造工程推迟开工", certain ? NULL : "四季度集中施工，按月通报进度");
}

static dw_msg_t *form_101(const char *id, int64_t executed, int64_t projected, const char *submitted)
{
    dw_msg_t *f = form(id, "101", "P2026-101-001", executed, projected, submitted);
    row(f, "IND-001", "50", "80", "possible");
    row(f, "IND-002", "95", "95", "certain");
    return f;
}

static void send_all(dw_harness_t *h, dw_sender_t *s)
{
    /* budget lines first: they register the departments the targets name */
    SEND(s, allocation("B-101", "101", "biz_edu", "P2026-101-001", "农村学校校舍维修项目", 365000000));
    SEND(s, allocation("B-102", "102", "biz_social", "P2026-102-001", "城乡居民养老保险补助", 73000000));
    SEND(s, allocation("B-103", "103", "biz_social", "P2026-103-001", "残疾人康复服务项目", 36500000));
    dw_sender_settle(h, s);

    dw_msg_t *d = declaration("D-101", "101", "P2026-101-001");
    target(d, "IND-001", "output", "quantity", "100", "60");
    target(d, "IND-002", "satisfaction", "satisfaction", "90", "40");
    SEND(s, d);
    d = declaration("D-102", "102", "P2026-102-001");
    target(d, "IND-001", "output", "quantity", "1000", "100");
    SEND(s, d);
    d = declaration("D-103", "103", "P2026-103-001");
    target(d, "IND-001", "output", "quantity", "100", "100");
    SEND(s, d);
    dw_sender_settle(h, s);

    SEND(s, payment("T-101-1", "2026-05-20", "101", "P2026-101-001", 100000000));
    SEND(s, payment("T-102-1", "2026-06-15", "102", "P2026-102-001", 56600000));
    SEND(s, payment("T-103-1", "2026-08-03", "103", "P2026-103-001", 16980000));
    SEND(s, form_101("M-101-1", 100000000, 150000000, "2026-10-08"));
    dw_msg_t *f = form("M-102-1", "102", "P2026-102-001", 56600000, 73000000, "2026-10-08");
    row(f, "IND-001", "1000", "1000", "certain");
    SEND(s, f);
    f = form("M-103-1", "103", "P2026-103-001", 16980000, 36500000, "2026-10-08");
    row(f, "IND-001", "50", "80", "possible");
    SEND(s, f);
    dw_sender_settle(h, s);
}

/* ---- dw-analyze's date and restarts -------------------------------------- */

/* dw-analyze started again at as_of; its daily run of that date done. */
static void restart_analyze_at(dw_harness_t *h, const char *as_of)
{
    char sql[160];
    CHECK(dw_test_stop_service(h, "analyze") == 0);
    CHECK(dw_test_set_as_of(h, as_of) == 0);
    CHECK(dw_harness_script(h, "start >/dev/null") == 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM analysis_runs WHERE fiscal_year = %d AND as_of = '%s'", FY, as_of);
    CHECK_INT(dw_harness_wait_int(h, sql, 1, 30000), 1);
    published(h);
}

/* ---- what was recommended and published ---------------------------------- */

/* The recommendations, one line each, in id order. */
static void rows_text(dw_harness_t *h, char *out, size_t n)
{
    dw_harness_text(h,
                    "SELECT string_agg(concat_ws('|', recommendation_id, fiscal_year, checkpoint, kind, dept_code, "
                    "project_code, amount_fen, basis_fen, coalesce(exec_bp::text, '-'), "
                    "coalesce(completion_bp::text, '-'), coalesce(unspent_bp::text, '-'), recipient, revision, "
                    "CASE WHEN withdrawn_at IS NULL THEN 'open' ELSE 'withdrawn' END), E'\\n' "
                    "ORDER BY recommendation_id) FROM recommendations",
                    out, n);
}

static dw_msg_t *notice_at(dw_harness_t *h, int64_t seq, char *topic, size_t n)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT topic, envelope FROM outbox WHERE stream = 'notice' AND seq = %lld",
             (long long)seq);
    PGresult *res = PQexec(h->db, sql);
    dw_msg_t *m = NULL;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        snprintf(topic, n, "%s", PQgetvalue(res, 0, 0));
        dw_buf_t raw = DW_BUF_INIT;
        dw_error_t err;
        if (dw_pg_bytea_decode(PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1), &raw) == 0)
            m = dw_msg_decode(raw.data, raw.len, NULL, &err);
        dw_buf_free(&raw);
    }
    PQclear(res);
    return m;
}

static void check_notice_at(int line, dw_harness_t *h, int64_t seq, const char *envelope_id, int64_t notice_id,
                            const char *kind, const char *dept, const char *project, const char *title,
                            const char *text)
{
    char topic[128] = "";
    dw_msg_t *m = notice_at(h, seq, topic, sizeof topic);
    dw_test_checks++;
    if (!m) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: no notice #%lld in the outbox\n", __FILE__, line, (long long)seq);
        return;
    }
    const dw_obj_t *b = dw_msg_body(m);
    int64_t id = 0;
    int failures = dw_test_failures;
    CHECK_STR(topic, "notice.budget.");
    CHECK_STR(dw_msg_type(m), "notice");
    CHECK_STR(dw_msg_id(m), envelope_id);
    CHECK_STR(dw_msg_src(m), "analyze");
    CHECK(dw_obj_int(b, "notice_id", &id) && id == notice_id);
    CHECK_STR(dw_obj_str(b, "kind"), kind);
    CHECK_STR(dw_obj_str(b, "recipient"), "budget");
    CHECK_STR(dw_obj_str(b, "dept_code"), dept);
    if (project)
        CHECK_STR(dw_obj_str(b, "project_code"), project);
    else
        CHECK(dw_obj_str(b, "project_code") == NULL);
    CHECK_STR(dw_obj_str(b, "title"), title);
    CHECK_STR(dw_obj_str(b, "text"), text);
    if (dw_test_failures > failures)
        fprintf(stderr, "  (notice #%lld checked at line %d)\n", (long long)seq, line);
    dw_msg_destroy(&m);
}
#define CHECK_NOTICE(...) check_notice_at(__LINE__, __VA_ARGS__)

#define DEDUCT_TEXT_1                                                                                                                                            \
    "扣减建议：部门101截至2026-10-10支出进度比35.34%（已支付1,000,000.00元，序时应支付2,830,000.00元），绩效目标"                \
    "完成率40.00%，支出进度较慢、绩效目标完成率较低（支出进度比 <60%，目标完成率 <60%，扣减比例 5%）。建议按未支出" \
    "预算2,650,000.00元（变动后预算3,650,000.00元，已支付1,000,000.00元）的5%扣减资金132,500.00元。此为绩效监控结果"              \
    "的建议，由预算股按程序研究决定，系统不执行扣减。"
#define DEDUCT_TEXT_2                                                                                                                                            \
    "扣减建议：部门101截至2026-10-10支出进度比38.87%（已支付1,100,000.00元，序时应支付2,830,000.00元），绩效目标"                \
    "完成率40.00%，支出进度较慢、绩效目标完成率较低（支出进度比 <60%，目标完成率 <60%，扣减比例 5%）。建议按未支出" \
    "预算2,550,000.00元（变动后预算3,650,000.00元，已支付1,100,000.00元）的5%扣减资金127,500.00元。此为绩效监控结果"              \
    "的建议，由预算股按程序研究决定，系统不执行扣减。"
#define RECOVER_TEXT                                                                                                                                                     \
    "收回建议：部门101项目农村学校校舍维修项目（P2026-101-001）1-9月绩效运行监控表预计全年执行1,500,000.00元，变动后"            \
    "预算3,650,000.00元，预计结转结余2,150,000.00元，占58.90%（预计结转结余 >50%，或指标完成可能性为完全不可能）。"                 \
    "建议及时清理收回预计当年无法执行的资金2,150,000.00元，统筹用于确定的需支出，下一年度同类支出原则上不再安排。此为" \
    "2026-10-10绩效监控结果的建议，由预算股按程序研究决定，系统不执行收回。"
#define REWARD_TEXT                                                                                                                                                   \
    "奖励建议：部门102截至2026-10-10支出进度比100.00%（已支付566,000.00元，序时应支付566,000.00元），绩效目标完成"                  \
    "率100.00%，支出较快、绩效目标完成率较高（支出进度比 ≥90%，目标完成率 ≥90%），建议予以奖励。此为绩效监控结果的" \
    "建议，奖励方式和金额由预算股按程序研究决定，系统不执行奖励。"

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "incentives", "analyze:\n  rules_file: \"\"\nclock:\n  as_of: \"2026-10-08\"\n") != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    dw_sender_t s = {zmq_socket(h.zmq_ctx, ZMQ_DEALER), 0};
    CHECK(zmq_connect(s.dealer, h.intake_ep) == 0);
    send_all(&h, &s);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);

    /* 2026-10-09, with every fact in: not a checkpoint, nothing recommended */
    restart_analyze_at(&h, "2026-10-09");
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM recommendations"), 0);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'"), 0);

    /* 2026-10-10: the checkpoint */
    restart_analyze_at(&h, "2026-10-10");
    char rows[2048];
    rows_text(&h, rows, sizeof rows);
    CHECK_STR(rows, "1|2026|2026-10-10|deduct|101||13250000|265000000|3534|4000|-|budget|1|open\n"
                    "2|2026|2026-10-10|recover|101|P2026-101-001|215000000|365000000|-|-|5890|budget|1|open\n"
                    "3|2026|2026-10-10|reward|102||0|0|10000|10000|-|budget|1|open");
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM recommendations WHERE thresholds = '支出进度比 <60%，目标完成率 "
                                 "<60%，扣减比例 5%' AND kind = 'deduct'"),
              1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'"), 3);
    CHECK_NOTICE(&h, 1, "recommendation-1-1", 1, "deduct_recommendation", "101", NULL,
                 "扣减建议：部门101支出进度较慢、绩效目标完成率较低", DEDUCT_TEXT_1);
    CHECK_NOTICE(&h, 2, "recommendation-2-1", 2, "recover_recommendation", "101", "P2026-101-001",
                 "收回建议：项目P2026-101-001预计当年无法执行的资金", RECOVER_TEXT);
    CHECK_NOTICE(&h, 3, "recommendation-3-1", 3, "reward_recommendation", "102", NULL,
                 "奖励建议：部门102支出较快、绩效目标完成率较高", REWARD_TEXT);
    /* the same text is kept in the table */
    CHECK_INT(
        dw_harness_int(&h, "SELECT count(*) FROM recommendations WHERE recommendation_id = 1 AND text = '" DEDUCT_TEXT_1
                           "' AND title = '扣减建议：部门101支出进度较慢、绩效目标完成率较低'"),
        1);

    /* a restart the same day: the day is not run again, nothing more */
    int starts = dw_test_log_lines(&h, "analyze", "analysis rules from");
    CHECK(dw_test_stop_service(&h, "analyze") == 0);
    CHECK(dw_harness_script(&h, "start >/dev/null") == 0);
    for (int waited = 0; waited < 15000 && dw_test_log_lines(&h, "analyze", "analysis rules from") <= starts;
         waited += 50)
        dw_harness_sleep_ms(50);
    CHECK_INT(dw_test_log_lines(&h, "analyze", "analysis rules from"), starts + 1);
    dw_harness_sleep_ms(2500); /* two ticks and more: the daily check has looked at the date */
    published(&h);
    char again[2048];
    rows_text(&h, again, sizeof again);
    CHECK_STR(again, rows);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'"), 3);

    /* 100,000.00 more paid on 10-10 and a revised form projecting the whole budget; the day run again (SIGHUP) */
    SEND(&s, payment("T-101-2", "2026-10-10", "101", "P2026-101-001", 10000000));
    SEND(&s, form_101("M-101-2", 110000000, 365000000, "2026-10-10"));
    dw_sender_settle(&h, &s);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);
    int pid = dw_test_service_pid(&h, "analyze");
    CHECK(pid > 1 && kill(pid, SIGHUP) == 0);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT revision FROM recommendations WHERE recommendation_id = 1", 2, 30000), 2);
    published(&h);
    rows_text(&h, rows, sizeof rows);
    CHECK_STR(rows, "1|2026|2026-10-10|deduct|101||12750000|255000000|3887|4000|-|budget|2|open\n"
                    "2|2026|2026-10-10|recover|101|P2026-101-001|215000000|365000000|-|-|5890|budget|1|withdrawn\n"
                    "3|2026|2026-10-10|reward|102||0|0|10000|10000|-|budget|1|open");
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'notice'"), 4);
    CHECK_NOTICE(&h, 4, "recommendation-1-2", 1, "deduct_recommendation", "101", NULL,
                 "扣减建议：部门101支出进度较慢、绩效目标完成率较低", DEDUCT_TEXT_2);

    zmq_close(s.dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
