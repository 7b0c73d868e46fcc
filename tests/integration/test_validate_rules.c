/* integration.validate_rules — every rule of the catalogue that dw-validate
 * checks fires on a message that breaks it (a rejects row with the rule id,
 * field, value and expected; a reject.notice on reject.<src>. with the rule id
 * leading its message; or, for a warning rule, the flag on the stored row),
 * and stays quiet on a good message of the same type, which is stored.
 *
 * Reference data: P2026-101-001 (dept 101, unit 101001) with lines of
 * 1,000,000.00 and, carried over and approved in 2025, 100,000.00 元;
 * P2026-102-001 (dept 102, unit 102001) with 500,000.00 元; P2026-103-001
 * (dept 103, unit 103001) with 200,000.00 元, put under a hold (停止拨付) and
 * released by the treasury's hold acks (V-FCT-005). Targets of
 * P2026-101-001: versions 1 and 3 (IND-001 ≥, IND-002 定性); version 3 is
 * current. The sections are the harness's: biz_edu, biz_social, biz_econ
 * (business), comprehensive, budget, treasury. */
#include <signal.h>

#include "test_validate_fixture.h"

typedef struct refusal {
    const char *id, *src;
    const char *want; /* rule|code|field|value|expected */
} refusal_t;

#define AGAIN "同一单据不得以不同内容重发，更正请另发冲销、调整或新版本"
#define YEAR  "2026-01-01 至 2026-12-31"

static const refusal_t refusals[] = {
    {"B-x1", "budget", "V-REF-002|rule_violation|body.dept_code|102|101"},
    {"B-x2", "budget", "V-REF-004|rule_violation|body.dept_code|102|101"},
    {"B-x3", "budget", "V-REF-005|unknown_reference|body.section_code|biz_nowhere|biz_edu、biz_social、biz_econ"},
    {"B-x4", "budget", "V-CON-001|rule_violation|body.approved_date|2025-12-20|" YEAR},
    {"B-x5", "budget", "V-CON-002|rule_violation|body.current_fen|1,000,000.01|1,000,000.00"},
    {"WA-x", "dwctl",
     "V-REF-005|unknown_reference|body.section_code|nowhere|biz_edu、biz_social、biz_econ、comprehensive、budget、"
     "treasury"},
    {"A-x1", "budget", "V-REF-006|unknown_reference|body.line_id|ZB2026-999-0001|2026年度已批复的预算指标"},
    {"A-x2", "budget", "V-CON-001|rule_violation|body.effective_date|2025-12-01|" YEAR},
    {"T-1c", "treasury", "V-CON-014|conflict|body.voucher_no|GK-R-0001|" AGAIN},
    {"R-x1", "treasury", "V-CON-006|rule_violation|body.reversal_date|2026-03-10|2026-03-16"},
    {"R-x2", "treasury", "V-REF-007|unknown_reference|body.original_voucher_no|GK-R-9999|2026年度已入库的国库支付凭证"},
    {"R-x3", "treasury", "V-CON-005|rule_violation|body.amount_fen|100,000.01|90,000.00"},
    {"TD-x1", "portal", "V-CON-009|rule_violation|body.version|2|3"},
    {"TD-x2", "portal", "V-CON-014|conflict|body.version|P2026-101-001 第1版|" AGAIN},
    {"TD-x3", "portal", "V-CON-007|rule_violation|body.indicators[0].target|≥|指标值 target"},
    {"TD-x4", "portal", "V-CON-008|rule_violation|body.indicators[1].code|IND-001|每个指标编码只出现一次"},
    {"TD-x5", "portal", "V-REF-001|unknown_reference|body.dept_code|999|由预算指标登记的预算部门"},
    {"TD-x6", "portal", "V-REF-004|rule_violation|body.dept_code|102|101"},
    {"MR-x1", "portal", "V-REF-001|unknown_reference|body.dept_code|999|由预算指标登记的预算部门"},
    {"MR-x2", "portal", "V-REF-003|unknown_reference|body.project_code|P2026-101-099|2026年度已批复预算的项目"},
    {"MR-x3", "portal", "V-REF-004|rule_violation|body.dept_code|102|101"},
    {"MR-x4", "portal", "V-CON-001|rule_violation|body.submitted_date|2027-01-05|" YEAR},
    {"MR-x5", "portal", "V-CON-008|rule_violation|body.indicators[2].code|IND-001|每个指标编码只出现一次"},
    {"MR-x6", "portal", "V-CON-010|rule_violation|body.project_code|P2026-102-001|2026年度该项目的绩效目标申报"},
    {"MR-x7", "portal", "V-CON-011|rule_violation|body.indicators[2].code|IND-009|第3版：IND-001、IND-002"},
    {"MR-x8", "portal", "V-CON-012|rule_violation|body.indicators[0].value|五所|数值，如 12 或 95.5"},
    {"MR-x9", "portal", "V-MON-001|rule_violation|body.indicators[0].projected|有可能|全年预计完成情况"},
    {"MR-x10", "portal", "V-MON-002|rule_violation|body.indicators[0].causes|有可能|至少一项偏差原因"},
    {"MR-x11", "portal", "V-MON-003|rule_violation|body.indicators[0].explanation|人员保障|原因说明"},
    {"MR-x12", "portal", "V-MON-004|rule_violation|body.indicators[0].measures|完全不可能|改进措施"},
    {"MR-x13", "portal", "V-MON-005|rule_violation|body.indicators|IND-002|第3版绩效目标的全部指标"},
    {"SE-x1", "portal", "V-CON-013|rule_violation|body.self_score|100.5|0 至 100"},
    {"SE-x2", "portal", "V-CON-011|rule_violation|body.indicators[0].code|IND-007|第3版：IND-001、IND-002"},
};
#define N_REFUSALS (sizeof refusals / sizeof refusals[0])

static void send_budget(void)
{
    SEND(vf_allocation("B-1", "ZB2026-101-0001", "101", "101001", "P2026-101-001", "31002", "biz_edu", 100000000));
    SEND(vf_allocation("B-2", "ZB2026-102-0001", "102", "102001", "P2026-102-001", "30201", "biz_social", 50000000));
    /* 提前下达: a carry-over approved the year before is in its year */
    dw_msg_t *m =
        vf_allocation("B-3", "ZB2026-101-0003", "101", "101001", "P2026-101-001", "31002", "biz_edu", 10000000);
    dw_obj_set_str(dw_msg_body(m), "source", "carry_over");
    dw_obj_set_str(dw_msg_body(m), "approved_date", "2025-12-20");
    SEND(m);
    SEND(vf_allocation("B-4", "ZB2026-103-0001", "103", "103001", "P2026-103-001", "31002", "biz_econ", 20000000));
    SEND(vf_allocation("B-x1", "ZB2026-102-0009", "102", "101001", "P2026-102-009", "30201", "biz_social", 100));
    SEND(vf_allocation("B-x2", "ZB2026-102-0010", "102", "102001", "P2026-101-001", "30201", "biz_social", 100));
    SEND(vf_allocation("B-x3", "ZB2026-101-0004", "101", "101001", "P2026-101-001", "31002", "biz_nowhere", 100));
    m = vf_allocation("B-x4", "ZB2026-101-0005", "101", "101001", "P2026-101-001", "31002", "biz_edu", 100);
    dw_obj_set_str(dw_msg_body(m), "approved_date", "2025-12-20");
    SEND(m);
    m = vf_allocation("B-x5", "ZB2026-101-0006", "101", "101001", "P2026-101-001", "31002", "biz_edu", 100000000);
    dw_obj_set_int(dw_msg_body(m), "current_fen", 100000001);
    SEND(m);
    SEND(vf_workflow("WA-1", "MR-2026-101-001-06", "comprehensive"));
    SEND(vf_workflow("WA-x", "MR-2026-101-001-06", "nowhere"));
    SEND(vf_adjustment("A-1", "ZB2026-101-0001", "市财预〔2026〕3号", "adjusted", 1000000, "2026-03-01"));
    SEND(vf_adjustment("A-x1", "ZB2026-999-0001", "市财预〔2026〕4号", "adjusted", 100, "2026-03-01"));
    SEND(vf_adjustment("A-x2", "ZB2026-101-0001", "市财预〔2026〕5号", "adjusted", 100, "2025-12-01"));
}

static void send_treasury(void)
{
    SEND(vf_payment("T-1", "GK-R-0001", "2026-03-16", "101", "101001", "P2026-101-001", "ZB2026-101-0001", "31002",
                    10000000));
    SEND(vf_payment("T-1c", "GK-R-0001", "2026-03-16", "101", "101001", "P2026-101-001", "ZB2026-101-0001", "31002",
                    10000002));
    SEND(vf_reversal("R-1", "CX-R-0002", "GK-R-0001", "2026-03-20", 1000000));
    SEND(vf_reversal("R-x1", "CX-R-0001", "GK-R-0001", "2026-03-10", 100));
    SEND(vf_reversal("R-x2", "CX-R-0003", "GK-R-9999", "2026-03-20", 100));
    SEND(vf_reversal("R-x3", "CX-R-0004", "GK-R-0001", "2026-03-20", 10000001));
    SEND(vf_payment("T-x1", "GK-R-0011", "2026-04-01", "104", "104001", "P2026-104-009", NULL, "30201", 8650000));
    SEND(vf_payment("T-x2", "GK-R-0012", "2026-04-01", "102", "102001", "P2026-102-001", NULL, "30201", 50000001));
    SEND(vf_payment("T-x3", "GK-R-0013", "2026-04-01", "101", "101001", "P2026-101-001", NULL, "30999", 100));
    SEND(vf_payment("T-x4", "GK-R-0014", "2027-01-05", "101", "101001", "P2026-101-001", NULL, "31002", 100));
}

/* treasury.hold_ack: the treasury confirms that a hold or a release took effect. */
static dw_msg_t *hold_ack(const char *id, int64_t instruction, const char *project, const char *action,
                          const char *effective)
{
    dw_msg_t *m = dw_msg_new("treasury.hold_ack", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "instruction_id", instruction);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_str(b, "action", action);
    dw_obj_set_str(b, "effective_date", effective);
    return m;
}

/* A payment of 1,000.00 元 on P2026-103-001 (economic code 31002, its line's). */
static dw_msg_t *held_payment(const char *id, const char *voucher, const char *date)
{
    return vf_payment(id, voucher, date, "103", "103001", "P2026-103-001", "ZB2026-103-0001", "31002", 100000);
}

/* V-FCT-005, message by message: P2026-103-001 held from 10 May, released
 * from 1 June. Its 6 payments of 1,000.00 元 here and in one_batch_holds
 * (6 × 1,000.00 = 6,000.00 元) stay far below its 200,000.00 元, so on_hold
 * is the only flag any of them can get. */
static void send_holds(void)
{
    SEND(hold_ack("H-1", 41, "P2026-103-001", "hold", "2026-05-10"));
    SEND(held_payment("T-h1", "GK-H-0001", "2026-05-09")); /* the day before the hold: quiet */
    SEND(held_payment("T-h2", "GK-H-0002", "2026-05-10")); /* the day it takes effect: on_hold */
    /* another project inside the hold's span: quiet (1,000.00 on P2026-101-001, far inside its budget) */
    SEND(vf_payment("T-h3", "GK-H-0003", "2026-05-15", "101", "101001", "P2026-101-001", NULL, "31002", 100000));
    SEND(hold_ack("H-2", 42, "P2026-103-001", "release", "2026-06-01"));
    SEND(held_payment("T-h4", "GK-H-0004", "2026-06-01")); /* the day of the release: quiet */
    /* dated the day before the release, stored after it: the hold was still in effect that day */
    SEND(held_payment("T-h5", "GK-H-0005", "2026-05-31"));
}

static dw_msg_t *declaration(const char *id, const char *project, const char *dept, int64_t version, const char *goal,
                             const char *target)
{
    dw_msg_t *m = vf_declaration(id, project, dept, version, goal);
    vf_target(m, "IND-001", "output", "quantity", "改造学校数量", "ge", target, "20");
    vf_target(m, "IND-002", "satisfaction", "satisfaction", "群众满意度", "qualitative", "群众基本满意", "10");
    return m;
}

static void send_declarations(void)
{
    SEND(declaration("TD-1", "P2026-101-001", "101", 1, "改造12所学校", "12"));
    SEND(declaration("TD-3", "P2026-101-001", "101", 3, "改造14所学校", "14"));
    SEND(declaration("TD-1r", "P2026-101-001", "101", 1, "改造12所学校", "12")); /* a repeat: stored once */
    /* 二上: targets are declared before the budget is approved */
    SEND(declaration("TD-2", "P2026-101-050", "101", 1, "新建项目", "3"));
    SEND(declaration("TD-x1", "P2026-101-001", "101", 2, "改造13所学校", "13"));
    SEND(declaration("TD-x2", "P2026-101-001", "101", 1, "改造12所学校，提升教学质量", "12"));
    dw_msg_t *m = vf_declaration("TD-x3", "P2026-102-001", "102", 1, "院前急救");
    vf_target(m, "IND-001", "output", "quantity", "急救站数量", "ge", NULL, "20");
    SEND(m);
    m = vf_declaration("TD-x4", "P2026-102-001", "102", 1, "院前急救");
    vf_target(m, "IND-001", "output", "quantity", "急救站数量", "ge", "1", "20");
    vf_target(m, "IND-001", "output", "quantity", "急救车数量", "ge", "2", "20");
    SEND(m);
    SEND(declaration("TD-x5", "P2026-102-001", "999", 1, "院前急救", "1"));
    SEND(declaration("TD-x6", "P2026-101-001", "102", 4, "改造15所学校", "15"));
}

/* A complete form of P2026-101-001 for 1-6月, both indicators certain. */
static dw_msg_t *good_form(const char *id, const char *dept, const char *project, const char *submitted)
{
    dw_msg_t *m = vf_form(id, project, dept, 6, submitted);
    vf_row(m, "IND-001", "5", NULL, "certain", NULL, NULL, NULL);
    vf_row(m, "IND-002", "满意", NULL, "certain", NULL, NULL, NULL);
    return m;
}

/* A form whose IND-001 row is given, IND-002 good. */
static dw_msg_t *form_with(const char *id, const char *value, const char *projected, const char *likelihood,
                           const char *cause, const char *explanation, const char *measures)
{
    dw_msg_t *m = vf_form(id, "P2026-101-001", "101", 6, "2026-07-08");
    vf_row(m, "IND-001", value, projected, likelihood, cause, explanation, measures);
    vf_row(m, "IND-002", "满意", NULL, "certain", NULL, NULL, NULL);
    return m;
}

static void send_forms(void)
{
    SEND(good_form("MR-1", "101", "P2026-101-001", "2026-07-08"));
    SEND(good_form("MR-2", "101", "P2026-101-001", "2026-06-28")); /* before 30 June: a warning */
    SEND(good_form("MR-x1", "999", "P2026-101-001", "2026-07-08"));
    SEND(good_form("MR-x2", "101", "P2026-101-099", "2026-07-08"));
    SEND(good_form("MR-x3", "102", "P2026-101-001", "2026-07-08"));
    SEND(good_form("MR-x4", "101", "P2026-101-001", "2027-01-05"));
    dw_msg_t *m = good_form("MR-x5", "101", "P2026-101-001", "2026-07-08");
    vf_row(m, "IND-001", "5", NULL, "certain", NULL, NULL, NULL);
    SEND(m);
    SEND(good_form("MR-x6", "102", "P2026-102-001", "2026-07-08"));
    m = good_form("MR-x7", "101", "P2026-101-001", "2026-07-08");
    vf_row(m, "IND-009", "1", NULL, "certain", NULL, NULL, NULL);
    SEND(m);
    SEND(form_with("MR-x8", "五所", NULL, "certain", NULL, NULL, NULL));
    SEND(form_with("MR-x9", "5", NULL, "possible", "funding", "施工许可滞后", NULL));
    SEND(form_with("MR-x10", "5", "10", "possible", NULL, NULL, NULL));
    SEND(form_with("MR-x11", "5", NULL, "certain", "staffing", NULL, NULL));
    SEND(form_with("MR-x12", "0", "8", "impossible", "other", "资金未到位", NULL));
    m = vf_form("MR-x13", "P2026-101-001", "101", 6, "2026-07-08");
    vf_row(m, "IND-001", "5", NULL, "certain", NULL, NULL, NULL);
    SEND(m);

    m = vf_selfeval("SE-1", "P2026-101-001", "101", "88");
    vf_actual(m, "IND-001", "14");
    vf_actual(m, "IND-002", "满意");
    SEND(m);
    m = vf_selfeval("SE-x1", "P2026-101-001", "101", "100.5");
    vf_actual(m, "IND-001", "14");
    SEND(m);
    m = vf_selfeval("SE-x2", "P2026-101-001", "101", "90");
    vf_actual(m, "IND-007", "1");
    SEND(m);
}

static void check_quiet(dw_harness_t *h)
{
    char got[1024];
    vf_text(h, "SELECT string_agg(line_id, ',' ORDER BY line_id) FROM budget_lines", NULL, got, sizeof got);
    CHECK_STR(got, "ZB2026-101-0001,ZB2026-101-0003,ZB2026-102-0001,ZB2026-103-0001");
    vf_text(h, "SELECT string_agg(id || '|' || section_code, ',') FROM workflow_actions", NULL, got, sizeof got);
    CHECK_STR(got, "WA-1|comprehensive");
    vf_text(h, "SELECT string_agg(id || '|' || current_after_fen, ',') FROM budget_adjustments", NULL, got, sizeof got);
    CHECK_STR(got, "A-1|101000000");
    /* 10,000,000 paid less 1,000,000 reversed leaves 9,000,000 of GK-R-0001 to reverse */
    vf_text(h, "SELECT string_agg(id || '|' || amount_fen, ',') FROM reversals", NULL, got, sizeof got);
    CHECK_STR(got, "R-1|1000000");
    /* the fact rules flag, never refuse */
    vf_text(h, "SELECT string_agg(id || '|' || flags::text, ',' ORDER BY id) FROM payments WHERE id NOT LIKE 'T-h%'",
            NULL, got, sizeof got);
    CHECK_STR(got, "T-1|{},T-x1|{no_budget},T-x2|{over_budget},T-x3|{economic_code_outside},"
                   "T-x4|{outside_fiscal_year}");
    vf_text(h, "SELECT string_agg(id || '|' || version, ',' ORDER BY id) FROM target_declarations", NULL, got,
            sizeof got);
    CHECK_STR(got, "TD-1|1,TD-2|1,TD-3|3");
    /* the warning rule: stored, with its id in flags */
    vf_text(h,
            "SELECT string_agg(id || '|' || revision || '|' || flags::text, ',' ORDER BY revision) FROM "
            "monitor_reports",
            NULL, got, sizeof got);
    CHECK_STR(got, "MR-1|1|{},MR-2|2|{V-MON-006}");
    vf_text(h, "SELECT string_agg(id || '|' || self_score, ',') FROM selfeval_reports", NULL, got, sizeof got);
    CHECK_STR(got, "SE-1|88");
}

/* The payments of send_holds and one_batch_holds (T-h*): "id|payment_date|flags". */
static void expect_hold_flags_at(int line, dw_harness_t *h, const char *want)
{
    char got[1024];
    vf_text(h,
            "SELECT string_agg(id || '|' || payment_date || '|' || flags::text, ',' ORDER BY id) FROM payments "
            "WHERE id LIKE 'T-h%'",
            NULL, got, sizeof got);
    dw_test_checks++;
    if (strcmp(got, want) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: payments of the hold cases are \"%s\", want \"%s\"\n", __FILE__, line, got, want);
    }
}
#define EXPECT_HOLD_FLAGS(h, want) expect_hold_flags_at(__LINE__, h, want)

#define HOLD_FLAGS_LIVE                                                                                   \
    "T-h1|2026-05-09|{},T-h2|2026-05-10|{on_hold},T-h3|2026-05-15|{},T-h4|2026-06-01|{},T-h5|2026-05-31|" \
    "{on_hold}"

/* The flags dw-analyze is told of in the fact.payment of a voucher: "a,b" ("" when none). */
static void expect_fact_flags_at(int line, dw_harness_t *h, const char *voucher, const char *want)
{
    dw_msg_t *m = vf_fact_where(h, "fact.payment", "voucher_no", voucher);
    char got[256] = "";
    size_t len = 0;
    for (size_t k = 0; m && k < dw_obj_count(dw_msg_body(m), "flags") && len < sizeof got; k++)
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", k ? "," : "",
                                dw_obj_item_str(dw_msg_body(m), "flags", k));
    dw_test_checks++;
    if (!m || strcmp(got, want) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: fact.payment of %s has flags \"%s\", want \"%s\"%s\n", __FILE__, line, voucher, got,
                want, m ? "" : " (no fact.payment)");
    }
    dw_msg_destroy(&m);
}
#define EXPECT_FACT_FLAGS(h, voucher, want) expect_fact_flags_at(__LINE__, h, voucher, want)

/* V-FCT-005 in one batch: dw-validate is down while a hold, a payment, a
 * release of the same day and a second payment of that day pile up, so that
 * on its return one catch-up batch holds all four, as four runs in inbox
 * order. The hold, stored by the run before, counts for the first payment;
 * the release, later in the inbox with the same effective date, wins the tie
 * for the second. */
static void one_batch_holds(dw_harness_t *h)
{
    int pid = dw_test_service_pid(h, "validate");
    CHECK(pid > 1);
    if (pid <= 1)
        return;
    CHECK(kill(pid, SIGKILL) == 0);
    int64_t before = dw_harness_int(h, "SELECT count(*) FROM payments");
    SEND(hold_ack("H-3", 43, "P2026-103-001", "hold", "2026-09-01"));
    SEND(held_payment("T-h6", "GK-H-0006", "2026-09-01"));
    SEND(hold_ack("H-4", 44, "P2026-103-001", "release", "2026-09-01"));
    SEND(held_payment("T-h7", "GK-H-0007", "2026-09-01"));
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM payments"), before); /* nothing validated yet */
    CHECK(dw_harness_script(h, "start") == 0);
    vf_settle(h);
    EXPECT_HOLD_FLAGS(h, HOLD_FLAGS_LIVE ",T-h6|2026-09-01|{on_hold},T-h7|2026-09-01|{}");
    EXPECT_FACT_FLAGS(h, "GK-H-0006", "on_hold");
    EXPECT_FACT_FLAGS(h, "GK-H-0007", "");
    char got[512];
    vf_text(h, "SELECT string_agg(id || '|' || action || '|' || effective_date, ',' ORDER BY inbox_seq) FROM hold_acks",
            NULL, got, sizeof got);
    CHECK_STR(got, "H-1|hold|2026-05-10,H-2|release|2026-06-01,H-3|hold|2026-09-01,H-4|release|2026-09-01");
    /* flagged, never refused */
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects WHERE stage = 'validate'"), N_REFUSALS);
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "vrules", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *sub = zmq_socket(h.zmq_ctx, ZMQ_SUB);
    int hwm = 0;
    CHECK(zmq_setsockopt(sub, ZMQ_RCVHWM, &hwm, sizeof hwm) == 0);
    CHECK(zmq_connect(sub, h.pub_ep) == 0 && zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "reject.", 7) == 0);
    vf_dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(vf_dealer, h.intake_ep) == 0);
    dw_harness_sleep_ms(300); /* the SUB's subscription reaches dw-notify */

    send_budget();
    send_treasury();
    send_declarations();
    send_forms();
    send_holds();
    vf_settle(&h);

    for (size_t i = 0; i < N_REFUSALS; i++)
        vf_expect_reject_at(__LINE__, &h, refusals[i].id, refusals[i].want);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'validate'"), N_REFUSALS);
    check_quiet(&h);
    EXPECT_HOLD_FLAGS(&h, HOLD_FLAGS_LIVE);
    EXPECT_FACT_FLAGS(&h, "GK-H-0002", "on_hold");
    EXPECT_FACT_FLAGS(&h, "GK-H-0005", "on_hold");
    EXPECT_FACT_FLAGS(&h, "GK-H-0001", "");

    static char notices[65536];
    /* and one from dw-route: WA-1 passes every rule of dw-validate but names no document in the workflow */
    CHECK_INT(vf_collect_notices(sub, notices, sizeof notices, 2000), N_REFUSALS + 1);
    vf_expect_notice_at(__LINE__, notices, "WA-1", "WA-1|reject.dwctl.|rule_violation|body.action|W-DOC-001 ");
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'route' AND id = 'WA-1' "
                                 "AND rule_id = 'W-DOC-001'"),
              1);
    for (size_t i = 0; i < N_REFUSALS; i++) {
        /* "id|reject.<src>.|code|field|<rule> " from "rule|code|field|..." */
        const char *w = refusals[i].want;
        size_t rule_len = strcspn(w, "|");
        const char *code = w + rule_len + 1;
        size_t code_field = strcspn(code, "|");
        code_field += 1 + strcspn(code + code_field + 1, "|");
        char prefix[256];
        snprintf(prefix, sizeof prefix, "%s|reject.%s.|%.*s|%.*s ", refusals[i].id, refusals[i].src, (int)code_field,
                 code, (int)rule_len, w);
        vf_expect_notice_at(__LINE__, notices, refusals[i].id, prefix);
    }
    /* one message in full: the rule id, then the bureau's words */
    EXPECT_NOTICE(notices, "MR-x2",
                  "MR-x2|reject.portal.|unknown_reference|body.project_code|V-REF-003 项目 P2026-101-099 不存在："
                  "应为2026年度已批复预算的项目\n");

    one_batch_holds(&h);

    zmq_close(sub);
    zmq_close(vf_dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
