/* integration.validate_store — every inbound type lands in its table, with
 * values worked out by hand, and goes on to dw-analyze.
 *
 * One project, P2026-101-001 (dept 101, unit 101001), two budget lines:
 * ZB2026-101-0001 of 1,000,000.00 元 (economic code 31002) and
 * ZB2026-101-0002 of 200,000.00 元 (30201): budget 1,200,000.00.
 *
 *   T-1  GK2026-0001  800,000.00 on line 1             paid   800,000.00
 *   T-2  GK2026-0002   50,000.00, economic code 30901   paid   850,000.00  flag economic_code_outside
 *   R-1  CX2026-0001  reverses 300,000.00 of GK2026-0001 paid   550,000.00  (line 1: 500,000.00)
 *   R-2  CX2026-0002  600,000.00 of what remains of GK2026-0001 (500,000.00): refused V-CON-005
 *   R-3  a reversal of GK2026-9999, never paid: refused V-REF-007
 *   A-1  line 1 -600,000.00 -> 400,000.00 < 500,000.00 paid on it: refused V-CON-003
 *   A-2  line 1 -400,000.00 -> 600,000.00; budget 800,000.00
 *   A-3  line 2 -200,000.00 (调剂) -> 0; budget 600,000.00
 *   A-4  line 1 -60,000.00: the line keeps 540,000.00 >= 500,000.00, but the project's
 *        540,000.00 < 550,000.00 paid: refused V-CON-004
 *   A-2x A-2's document number with another amount: refused V-CON-014 (conflict)
 *   T-3  GK2026-0003   50,000.00   paid 600,000.00 = budget: no flag (without R-1 it would be
 *        900,000.00, over budget)
 *   T-4  GK2026-0004        1.00   paid 600,000.01 > 600,000.00: over_budget
 *
 * The treasury's totals: 2026-03-16 two payments, 850,000.00 (T-1, T-2): matched;
 * 2026-04-10 two payments, 50,000.00, but one is stored: not matched.
 * Then two target declarations (version 2 supersedes 1), two monitoring forms
 * for 1-6月 (the second is revision 2), a self-evaluation, a workflow action
 * and a hold acknowledgement. */
#include "test_validate_fixture.h"

static void send_all(void)
{
    dw_msg_t *m =
        vf_allocation("B-1", "ZB2026-101-0001", "101", "101001", "P2026-101-001", "31002", "biz_edu", 100000000);
    dw_obj_set_str(dw_msg_body(m), "dept_name", "市教育局");
    dw_obj_set_str(dw_msg_body(m), "unit_name", "市教育局本级");
    dw_obj_set_str(dw_msg_body(m), "approved_date", "2026-01-15");
    SEND(m);
    SEND(vf_allocation("B-2", "ZB2026-101-0002", "101", "101001", "P2026-101-001", "30201", "biz_edu", 20000000));

    SEND(vf_payment("T-1", "GK2026-0001", "2026-03-16", "101", "101001", "P2026-101-001", "ZB2026-101-0001", "31002",
                    80000000));
    SEND(vf_payment("T-2", "GK2026-0002", "2026-03-16", "101", "101001", "P2026-101-001", NULL, "30901", 5000000));
    /* the same voucher again under another id: stored once */
    SEND(vf_payment("T-2r", "GK2026-0002", "2026-03-16", "101", "101001", "P2026-101-001", NULL, "30901", 5000000));
    SEND(vf_reversal("R-1", "CX2026-0001", "GK2026-0001", "2026-03-20", 30000000));
    SEND(vf_reversal("R-2", "CX2026-0002", "GK2026-0001", "2026-03-21", 60000000));
    SEND(vf_reversal("R-3", "CX2026-0003", "GK2026-9999", "2026-03-21", 100));

    SEND(vf_adjustment("A-1", "ZB2026-101-0001", "市财预〔2026〕12号", "adjusted", -60000000, "2026-07-20"));
    SEND(vf_adjustment("A-2", "ZB2026-101-0001", "市财预〔2026〕13号", "adjusted", -40000000, "2026-07-20"));
    SEND(vf_adjustment("A-3", "ZB2026-101-0002", "市财预〔2026〕14号", "transferred", -20000000, "2026-07-21"));
    SEND(vf_adjustment("A-4", "ZB2026-101-0001", "市财预〔2026〕15号", "adjusted", -6000000, "2026-07-22"));
    SEND(vf_adjustment("A-2x", "ZB2026-101-0001", "市财预〔2026〕13号", "adjusted", -40000001, "2026-07-20"));

    SEND(vf_payment("T-3", "GK2026-0003", "2026-04-10", "101", "101001", "P2026-101-001", "ZB2026-101-0001", "31002",
                    5000000));
    SEND(vf_payment("T-4", "GK2026-0004", "2026-04-11", "101", "101001", "P2026-101-001", "ZB2026-101-0001", "31002",
                    100));

    m = dw_msg_new("treasury.reconciliation", "RC-1", "treasury", DW_TEST_TS);
    dw_obj_set_str(dw_msg_body(m), "business_date", "2026-03-16");
    dw_obj_set_int(dw_msg_body(m), "count", 2);
    dw_obj_set_int(dw_msg_body(m), "sum_fen", 85000000);
    SEND(m);
    m = dw_msg_new("treasury.reconciliation", "RC-2", "treasury", DW_TEST_TS);
    dw_obj_set_str(dw_msg_body(m), "business_date", "2026-04-10");
    dw_obj_set_int(dw_msg_body(m), "count", 2);
    dw_obj_set_int(dw_msg_body(m), "sum_fen", 5000000);
    SEND(m);

    m = vf_declaration("TD-1", "P2026-101-001", "101", 1, "改善全市12所农村义务教育学校办学条件");
    vf_target(m, "IND-001", "output", "quantity", "改造学校数量", "ge", "12", "20");
    vf_target(m, "IND-002", "satisfaction", "satisfaction", "群众满意度", "qualitative", "群众基本满意", "10");
    SEND(m);
    m = vf_declaration("TD-2", "P2026-101-001", "101", 2, "改善全市15所农村义务教育学校办学条件");
    vf_target(m, "IND-001", "output", "quantity", "改造学校数量", "ge", "15", "20");
    vf_target(m, "IND-002", "satisfaction", "satisfaction", "群众满意度", "qualitative", "群众基本满意", "10");
    vf_target(m, "IND-003", "output", "quality", "验收合格率", "ge", "95.5", "10");
    SEND(m);

    m = vf_form("MR-1", "P2026-101-001", "101", 6, "2026-07-08");
    vf_row(m, "IND-001", "5", "12", "possible", "funding", "部分学校施工许可办理滞后", "协调住建部门加快审批");
    vf_row(m, "IND-002", "较满意", NULL, "certain", NULL, NULL, NULL);
    vf_row(m, "IND-003", "96.5", NULL, "certain", NULL, NULL, NULL);
    SEND(m);
    m = vf_form("MR-2", "P2026-101-001", "101", 6, "2026-07-09");
    vf_row(m, "IND-001", "6", "15", "certain", NULL, NULL, NULL);
    vf_row(m, "IND-002", "满意", NULL, "certain", NULL, NULL, NULL);
    vf_row(m, "IND-003", "97", NULL, "certain", NULL, NULL, NULL);
    SEND(m);

    m = vf_selfeval("SE-1", "P2026-101-001", "101", "92.5");
    vf_actual(m, "IND-001", "15");
    vf_actual(m, "IND-002", "满意");
    vf_actual(m, "IND-003", "97");
    SEND(m);
    SEND(vf_workflow("WA-1", "MR-2026-101-001-06", "biz_edu"));
    m = dw_msg_new("treasury.hold_ack", "HA-1", "treasury", DW_TEST_TS);
    dw_obj_set_int(dw_msg_body(m), "instruction_id", 42);
    dw_obj_set_str(dw_msg_body(m), "project_code", "P2026-101-001");
    dw_obj_set_str(dw_msg_body(m), "action", "hold");
    dw_obj_set_str(dw_msg_body(m), "effective_date", "2026-07-22");
    dw_obj_set_str(dw_msg_body(m), "note", "已暂停该项目国库集中支付");
    SEND(m);
}

#define ROW(h, sql, want)                         \
    do {                                          \
        char got_[1024];                          \
        vf_text(h, sql, NULL, got_, sizeof got_); \
        CHECK_STR(got_, want);                    \
    } while (0)

static void check_budget(dw_harness_t *h)
{
    ROW(h, "SELECT string_agg(dept_code || '|' || dept_name, ',') FROM departments", "101|市教育局");
    ROW(h, "SELECT string_agg(unit_code || '|' || dept_code || '|' || unit_name, ',') FROM units",
        "101001|101|市教育局本级");
    ROW(h,
        "SELECT string_agg(fiscal_year || '|' || project_code || '|' || dept_code || '|' || project_name || '|' || "
        "kind || '|' || section_code, ',') FROM projects",
        "2026|P2026-101-001|101|义务教育薄弱环节改善项目|project|biz_edu");
    ROW(h,
        "SELECT string_agg(line_id || '|' || adjusted_fen || '|' || transferred_fen || '|' || current_fen, ',' "
        "ORDER BY line_id) FROM budget_lines",
        "ZB2026-101-0001|-40000000|0|60000000,ZB2026-101-0002|0|-20000000|0");
    ROW(h,
        "SELECT string_agg(line_id || '|' || doc_no || '|' || kind || '|' || amount_fen || '|' || "
        "current_before_fen || '|' || current_after_fen || '|' || project_code || '|' || effective_date || '|' || id, "
        "',' ORDER BY inbox_seq) FROM budget_adjustments",
        "ZB2026-101-0001|市财预〔2026〕13号|adjusted|-40000000|100000000|60000000|P2026-101-001|2026-07-20|A-2,"
        "ZB2026-101-0002|市财预〔2026〕14号|transferred|-20000000|20000000|0|P2026-101-001|2026-07-21|A-3");
    EXPECT_REJECT(h, "A-1", "V-CON-003|rule_violation|body.amount_fen|400,000.00|500,000.00");
    EXPECT_REJECT(h, "A-4", "V-CON-004|rule_violation|body.amount_fen|540,000.00|550,000.00");
    EXPECT_REJECT(h, "A-2x",
                  "V-CON-014|conflict|body.doc_no|ZB2026-101-0001 市财预〔2026〕13号|"
                  "同一单据不得以不同内容重发，更正请另发冲销、调整或新版本");
    /* the lines as dw-analyze hears of them */
    dw_msg_t *f = vf_fact_where(h, "fact.budget", "line_id", "ZB2026-101-0001");
    CHECK_INT(vf_int(f, "current_fen"), 60000000);
    CHECK_INT(vf_int(f, "budget_fen"), 80000000);
    dw_msg_destroy(&f);
    f = vf_fact_where(h, "fact.budget", "line_id", "ZB2026-101-0002");
    CHECK_INT(vf_int(f, "current_fen"), 0);
    CHECK_INT(vf_int(f, "budget_fen"), 60000000);
    dw_msg_destroy(&f);
}

static void check_treasury(dw_harness_t *h)
{
    ROW(h,
        "SELECT string_agg(voucher_no || '|' || coalesce(line_id, '-') || '|' || amount_fen || '|' || flags::text || "
        "'|' || id, ',' ORDER BY voucher_no) FROM payments",
        "GK2026-0001|ZB2026-101-0001|80000000|{}|T-1,GK2026-0002|-|5000000|{economic_code_outside}|T-2,"
        "GK2026-0003|ZB2026-101-0001|5000000|{}|T-3,GK2026-0004|ZB2026-101-0001|100|{over_budget}|T-4");
    ROW(h,
        "SELECT string_agg(voucher_no || '|' || original_voucher_no || '|' || reversal_date || '|' || amount_fen || "
        "'|' || dept_code || '|' || unit_code || '|' || project_code || '|' || line_id || '|' || flags::text, ',') "
        "FROM reversals",
        "CX2026-0001|GK2026-0001|2026-03-20|30000000|101|101001|P2026-101-001|ZB2026-101-0001|{}");
    EXPECT_REJECT(h, "R-2", "V-CON-005|rule_violation|body.amount_fen|600,000.00|500,000.00");
    EXPECT_REJECT(h, "R-3",
                  "V-REF-007|unknown_reference|body.original_voucher_no|GK2026-9999|2026年度已入库的国库支付凭证");
    ROW(h, "SELECT message FROM rejects WHERE id = 'R-2'",
        "冲销金额 600,000.00 元超过原支付凭证尚未冲销的 500,000.00 元");

    /* the reversal goes on as a negative payment: paid 800,000.00 + 50,000.00 - 300,000.00 */
    dw_msg_t *f = vf_fact_where(h, "fact.payment", "voucher_no", "CX2026-0001");
    CHECK_INT(vf_int(f, "amount_fen"), -30000000);
    CHECK_INT(vf_int(f, "paid_fen"), 55000000);
    CHECK_INT(vf_int(f, "budget_fen"), 120000000);
    CHECK_STR(f ? dw_obj_str(dw_msg_body(f), "payment_date") : "", "2026-03-20");
    CHECK_INT(f ? dw_obj_count(dw_msg_body(f), "flags") : 99, 0);
    dw_msg_destroy(&f);
    f = vf_fact_where(h, "fact.payment", "voucher_no", "GK2026-0003");
    CHECK_INT(vf_int(f, "paid_fen"), 60000000);
    CHECK_INT(vf_int(f, "budget_fen"), 60000000);
    CHECK_INT(f ? dw_obj_count(dw_msg_body(f), "flags") : 99, 0);
    dw_msg_destroy(&f);
    f = vf_fact_where(h, "fact.payment", "voucher_no", "GK2026-0004");
    CHECK_INT(vf_int(f, "paid_fen"), 60000100);
    CHECK_STR(f && dw_obj_count(dw_msg_body(f), "flags") == 1 ? dw_obj_item_str(dw_msg_body(f), "flags", 0) : "",
              "over_budget");
    dw_msg_destroy(&f);
    /* and dw-analyze raised 超预算开支 on it */
    CHECK_INT(dw_harness_wait_int(h,
                                  "SELECT count(*) FROM alerts WHERE rule_id = 'over_budget' AND status = 'open' "
                                  "AND expected_fen = 60000000 AND actual_fen = 60000100",
                                  1, 10000),
              1);

    ROW(h,
        "SELECT string_agg(business_date || '|' || treasury_count || '|' || treasury_sum_fen || '|' || stored_count || "
        "'|' || stored_sum_fen || '|' || matched, ',' ORDER BY inbox_seq) FROM reconciliations",
        "2026-03-16|2|85000000|2|85000000|true,2026-04-10|2|5000000|1|5000000|false");
    f = vf_fact_where(h, "fact.reconciliation", "business_date", "2026-04-10");
    CHECK_INT(vf_int(f, "treasury_count"), 2);
    CHECK_INT(vf_int(f, "stored_count"), 1);
    CHECK_INT(vf_int(f, "stored_sum_fen"), 5000000);
    bool matched = true;
    CHECK(f && dw_obj_bool(dw_msg_body(f), "matched", &matched) && !matched);
    dw_msg_destroy(&f);
    ROW(h,
        "SELECT string_agg(instruction_id || '|' || project_code || '|' || action || '|' || effective_date || '|' || "
        "note, ',') FROM hold_acks",
        "42|P2026-101-001|hold|2026-07-22|已暂停该项目国库集中支付");
}

static void check_documents(dw_harness_t *h)
{
    ROW(h,
        "SELECT string_agg(version || '|' || dept_code || '|' || goal || '|' || id, ',' ORDER BY version) "
        "FROM target_declarations",
        "1|101|改善全市12所农村义务教育学校办学条件|TD-1,2|101|改善全市15所农村义务教育学校办学条件|TD-2");
    ROW(h, "SELECT version FROM target_current WHERE project_code = 'P2026-101-001'", "2");
    ROW(h,
        "SELECT string_agg(version || '|' || item || '|' || code || '|' || level1 || '|' || level2 || '|' || "
        "operator || '|' || coalesce(target, '-') || '|' || coalesce(target_num::text, '-') || '|' || "
        "coalesce(target_text, '-') || '|' || weight_num, ',' ORDER BY version, item) FROM target_indicators",
        "1|1|IND-001|output|quantity|ge|12|12|-|20,1|2|IND-002|satisfaction|satisfaction|qualitative|-|-|群众基本满意|"
        "10,"
        "2|1|IND-001|output|quantity|ge|15|15|-|20,2|2|IND-002|satisfaction|satisfaction|qualitative|-|-|群众基本满意|"
        "10,"
        "2|3|IND-003|output|quality|ge|95.5|95.5|-|10");
    ROW(h,
        "SELECT string_agg(period_month || '|' || revision || '|' || submitted_date || '|' || executed_fen || '|' || "
        "target_version || '|' || flags::text || '|' || id, ',' ORDER BY revision) FROM monitor_reports",
        "6|1|2026-07-08|55000000|2|{}|MR-1,6|2|2026-07-09|55000000|2|{}|MR-2");
    ROW(h, "SELECT revision || '|' || id FROM monitor_current WHERE project_code = 'P2026-101-001'", "2|MR-2");
    ROW(h,
        "SELECT string_agg(item || '|' || code || '|' || value || '|' || coalesce(value_num::text, '-') || '|' || "
        "coalesce(projected_num::text, '-') || '|' || likelihood || '|' || causes::text || '|' || "
        "coalesce(explanation, '-'), ',' ORDER BY item) FROM monitor_indicators WHERE revision = 1",
        "1|IND-001|5|5|12|possible|{funding}|部分学校施工许可办理滞后,2|IND-002|较满意|-|-|certain|{}|-,"
        "3|IND-003|96.5|96.5|-|certain|{}|-");
    ROW(h,
        "SELECT string_agg(revision || '|' || self_score || '|' || self_score_num || '|' || target_version, ',') "
        "FROM selfeval_reports",
        "1|92.5|92.5|2");
    ROW(h,
        "SELECT string_agg(code || '|' || actual || '|' || coalesce(actual_num::text, '-'), ',' ORDER BY item) "
        "FROM selfeval_indicators",
        "IND-001|15|15,IND-002|满意|-,IND-003|97|97");
    ROW(h,
        "SELECT string_agg(doc_kind || '|' || doc_id || '|' || action || '|' || actor || '|' || section_code || '|' || "
        "opinion, ',') FROM workflow_actions",
        "monitor_report|MR-2026-101-001-06|approve|张明|biz_edu|同意，请加快项目实施进度");
}

static void check_passed_on(dw_harness_t *h, void *sub)
{
    ROW(h,
        "SELECT string_agg(type || ':' || n, ',' ORDER BY type) FROM (SELECT type, count(*) AS n FROM stage_events "
        "WHERE stage = 'validate' GROUP BY type) t",
        "fact.budget:4,fact.payment:5,fact.reconciliation:2,monitor.report:2,reject.notice:5,selfeval.report:1,"
        "target.declaration:2,treasury.hold_ack:1,workflow.action:1");
    /* the documents go on exactly as they came in */
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM stage_events e JOIN inbox i ON e.payload = i.raw "
                                "WHERE e.stage = 'validate'"),
              7);
    char notices[8192];
    /* five from dw-validate, and one from dw-route: WA-1 is stored but names no document of the workflow */
    CHECK_INT(vf_collect_notices(sub, notices, sizeof notices, 2000), 6);
    EXPECT_NOTICE(notices, "WA-1", "WA-1|reject.dwctl.|rule_violation|body.action|W-DOC-001 ");
    EXPECT_NOTICE(notices, "R-2",
                  "R-2|reject.treasury.|rule_violation|body.amount_fen|V-CON-005 冲销金额 600,000.00 元超过原支付凭证"
                  "尚未冲销的 500,000.00 元\n");
    EXPECT_NOTICE(notices, "R-3", "R-3|reject.treasury.|unknown_reference|body.original_voucher_no|V-REF-007 ");
    EXPECT_NOTICE(notices, "A-1", "A-1|reject.budget.|rule_violation|body.amount_fen|V-CON-003 ");
    EXPECT_NOTICE(notices, "A-4", "A-4|reject.budget.|rule_violation|body.amount_fen|V-CON-004 ");
    EXPECT_NOTICE(notices, "A-2x", "A-2x|reject.budget.|conflict|body.doc_no|V-CON-014 ");
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "vstore", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *sub = zmq_socket(h.zmq_ctx, ZMQ_SUB);
    CHECK(zmq_connect(sub, h.pub_ep) == 0 && zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "reject.", 7) == 0);
    vf_dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(vf_dealer, h.intake_ep) == 0);
    dw_harness_sleep_ms(300); /* the SUB's subscription reaches dw-notify */

    send_all();
    vf_settle(&h);
    check_budget(&h);
    check_treasury(&h);
    check_documents(&h);
    check_passed_on(&h, sub);

    zmq_close(sub);
    zmq_close(vf_dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
