/* validate.checks — rule checks on hand-built messages, the catalogue
 * applying them in order (with the province switches), and the message
 * templates filled in and cut at character boundaries. Expected values are
 * worked out by hand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_test.h"
#include "v_catalogue.h"
#include "v_checks.h"

static dw_config_t *cfg;
static dw_v_catalogue_t *cat;

static char *codes1[] = {"IND-1"};
static char *ops_ge[] = {"ge"};
static char *ops_text[] = {"qualitative"};
static const dw_v_target_t target_ge = {1, 1, codes1, ops_ge};
static const dw_v_target_t target_text = {1, 1, codes1, ops_text};

/* monitor.report of P2026-101-001 with one indicator IND-1 */
static dw_msg_t *form(const char *submitted, const char *value, const char *likelihood, const char *cause,
                      const char *explanation)
{
    dw_msg_t *m = dw_msg_new("monitor.report", "MR-1", "portal", 1);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_int(b, "period_month", 6);
    dw_obj_set_int(b, "executed_fen", 100);
    dw_obj_set_int(b, "projected_fen", 200);
    dw_obj_set_str(b, "submitted_date", submitted);
    dw_obj_t *it = dw_obj_push_map(b, "indicators");
    dw_obj_set_str(it, "code", "IND-1");
    dw_obj_set_str(it, "value", value);
    dw_obj_set_str(it, "likelihood", likelihood);
    if (cause)
        dw_obj_push_str(it, "causes", cause);
    if (explanation)
        dw_obj_set_str(it, "explanation", explanation);
    return m;
}

static dw_v_subject_t subject_of(dw_msg_t *m)
{
    dw_v_subject_t s = {.msg = m, .body = dw_msg_body(m), .type = dw_msg_type(m), .cfg = cfg};
    s.dept_known = true;
    s.project_dept = "101";
    s.target = &target_ge;
    return s;
}

static void test_monitoring_form(void)
{
    dw_msg_t *m = form("2026-07-08", "5", "possible", "funding", NULL);
    dw_v_subject_t s = subject_of(m);
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    CHECK(dw_v_check_projection(&s, &f));
    CHECK_STR(f.field, "body.indicators[0].projected");
    CHECK_STR(f.value, "有可能");
    CHECK(!dw_v_check_causes(&s, &f));
    CHECK(dw_v_check_explanation(&s, &f));
    CHECK_STR(f.field, "body.indicators[0].explanation");
    CHECK_STR(f.value, "经费保障");
    CHECK(!dw_v_check_measures(&s, &f)); /* only for 完全不可能 */
    CHECK(!dw_v_check_complete(&s, &f));
    CHECK(!dw_v_check_values_numeric(&s, &f));

    /* both switches on: the first fatal rule in order is V-MON-001 */
    dw_v_verdict_t v;
    dw_v_catalogue_apply(cat, &s, "P2026-101-001", &v);
    CHECK(v.refusal && strcmp(v.refusal->def->id, "V-MON-001") == 0);
    cfg->validate.require_projection_when_uncertain = false;
    dw_v_catalogue_apply(cat, &s, "P2026-101-001", &v);
    CHECK(v.refusal && strcmp(v.refusal->def->id, "V-MON-003") == 0);
    cfg->validate.require_explanation_with_cause = false;
    dw_v_catalogue_apply(cat, &s, "P2026-101-001", &v);
    CHECK(v.refusal == NULL);
    CHECK_INT(v.n_warnings, 0);
    cfg->validate.require_projection_when_uncertain = true;
    cfg->validate.require_explanation_with_cause = true;
    dw_msg_destroy(&m);

    /* submitted before the period ended: a warning, stored */
    m = form("2026-06-20", "5", "certain", NULL, NULL);
    s = subject_of(m);
    CHECK(dw_v_check_submitted_after_period(&s, &f));
    CHECK_STR(f.value, "2026-06-20");
    CHECK_STR(f.expected, "2026-06-30");
    dw_v_catalogue_apply(cat, &s, "P2026-101-001", &v);
    CHECK(v.refusal == NULL);
    CHECK_INT(v.n_warnings, 1);
    CHECK_STR(v.warnings[0], "V-MON-006");
    CHECK_INT(v.n_flags, 0);
    dw_msg_destroy(&m);

    /* a quantitative value that is not a number; the same for a qualitative one is fine */
    m = form("2026-07-08", "五所", "certain", NULL, NULL);
    s = subject_of(m);
    CHECK(dw_v_check_values_numeric(&s, &f));
    CHECK_STR(f.field, "body.indicators[0].value");
    CHECK_STR(f.value, "五所");
    s.target = &target_text;
    CHECK(!dw_v_check_values_numeric(&s, &f));
    s.target = NULL; /* no declaration: V-CON-010 says so, nothing else can be judged */
    CHECK(!dw_v_check_values_numeric(&s, &f) && !dw_v_check_codes_declared(&s, &f) && !dw_v_check_complete(&s, &f));
    CHECK(dw_v_check_targets_declared(&s, &f));
    CHECK_STR(f.expected, "2026年度该项目的绩效目标申报");
    dw_msg_destroy(&m);

    /* 完全不可能 without measures; an undeclared code */
    m = form("2026-07-08", "0", "impossible", "other", "原因");
    dw_obj_set_str((dw_obj_t *)dw_obj_item_map(dw_msg_body(m), "indicators", 0), "projected", "0");
    s = subject_of(m);
    CHECK(dw_v_check_measures(&s, &f));
    CHECK_STR(f.field, "body.indicators[0].measures");
    CHECK_STR(f.value, "完全不可能");
    dw_msg_destroy(&m);
    m = form("2026-07-08", "5", "certain", NULL, NULL);
    dw_obj_t *it = dw_obj_push_map(dw_msg_body(m), "indicators");
    dw_obj_set_str(it, "code", "IND-9");
    dw_obj_set_str(it, "value", "1");
    dw_obj_set_str(it, "likelihood", "certain");
    s = subject_of(m);
    CHECK(dw_v_check_codes_declared(&s, &f));
    CHECK_STR(f.field, "body.indicators[1].code");
    CHECK_STR(f.value, "IND-9");
    CHECK_STR(f.expected, "第1版：IND-1");
    dw_obj_set_str(it, "code", "IND-1"); /* now twice */
    CHECK(dw_v_check_codes_unique(&s, &f));
    CHECK_STR(f.field, "body.indicators[1].code");
    dw_msg_destroy(&m);
}

static dw_msg_t *allocation(const char *approved, const char *source, const char *section)
{
    dw_msg_t *m = dw_msg_new("budget.allocation", "B-1", "budget", 1);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "source", source);
    dw_obj_set_int(b, "initial_fen", 100000);
    dw_obj_set_int(b, "adjusted_fen", -2500);
    dw_obj_set_int(b, "transferred_fen", 500);
    dw_obj_set_int(b, "current_fen", 98000);
    if (approved)
        dw_obj_set_str(b, "approved_date", approved);
    if (section)
        dw_obj_set_str(b, "section_code", section);
    return m;
}

static void test_budget(void)
{
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    /* 提前下达: a carry-over may be approved the year before, an annual line not */
    dw_msg_t *m = allocation("2025-12-20", "carry_over", NULL);
    dw_v_subject_t s = {.msg = m, .body = dw_msg_body(m), .type = "budget.allocation", .cfg = cfg};
    CHECK(!dw_v_check_dates_in_year(&s, &f));
    CHECK(!dw_v_check_current_sum(&s, &f)); /* 1,000.00 - 25.00 + 5.00 = 980.00 */
    dw_obj_set_int(dw_msg_body(m), "current_fen", 98100);
    CHECK(dw_v_check_current_sum(&s, &f));
    CHECK_STR(f.field, "body.current_fen");
    CHECK_STR(f.value, "981.00");
    CHECK_STR(f.expected, "980.00");
    dw_msg_destroy(&m);
    m = allocation("2025-12-20", "annual", NULL);
    s.msg = m;
    s.body = dw_msg_body(m);
    CHECK(dw_v_check_dates_in_year(&s, &f));
    CHECK_STR(f.field, "body.approved_date");
    CHECK_STR(f.expected, "2026-01-01 至 2026-12-31");
    dw_msg_destroy(&m);

    /* sections: an allocation needs a business section, a workflow action any */
    cfg->n_sections = 2;
    snprintf(cfg->sections[0].code, sizeof cfg->sections[0].code, "biz_edu");
    cfg->sections[0].kind = DW_SECTION_BUSINESS;
    snprintf(cfg->sections[1].code, sizeof cfg->sections[1].code, "comprehensive");
    cfg->sections[1].kind = DW_SECTION_COMPREHENSIVE;
    m = allocation(NULL, "annual", "comprehensive");
    s.msg = m;
    s.body = dw_msg_body(m);
    CHECK(dw_v_check_section_known(&s, &f));
    CHECK_STR(f.value, "comprehensive");
    CHECK_STR(f.expected, "biz_edu");
    s.type = "workflow.action";
    CHECK(!dw_v_check_section_known(&s, &f));
    /* a department acts on its own documents under its dept_code, if a
     * business section looks after it; an allocation still needs a section */
    cfg->sections[0].n_depts = 1;
    snprintf(cfg->sections[0].depts[0], sizeof cfg->sections[0].depts[0], "101");
    dw_obj_set_str(dw_msg_body(m), "section_code", "101");
    CHECK(!dw_v_check_section_known(&s, &f));
    dw_obj_set_str(dw_msg_body(m), "section_code", "102"); /* looked after by no section */
    CHECK(dw_v_check_section_known(&s, &f));
    CHECK_STR(f.field, "body.section_code");
    CHECK_STR(f.value, "102");
    CHECK_STR(f.expected, "biz_edu、comprehensive");
    s.type = "budget.allocation";
    dw_obj_set_str(dw_msg_body(m), "section_code", "101");
    CHECK(dw_v_check_section_known(&s, &f));
    CHECK_STR(f.value, "101");
    CHECK_STR(f.expected, "biz_edu");
    cfg->sections[0].n_depts = 0;
    cfg->n_sections = 0; /* nothing configured, nothing to check against */
    CHECK(!dw_v_check_section_known(&s, &f));
    dw_msg_destroy(&m);

    /* a cut of 3,000.00 on a line of 10,000.00 with 8,000.00 paid leaves 7,000.00 */
    m = dw_msg_new("budget.adjustment", "A-1", "budget", 1);
    dw_obj_set_int(dw_msg_body(m), "amount_fen", -300000);
    s = (dw_v_subject_t){.msg = m, .body = dw_msg_body(m), .type = "budget.adjustment", .cfg = cfg};
    s.line_known = true;
    s.line_current_fen = 1000000;
    s.line_paid_fen = 800000;
    s.project_budget_fen = 5000000;
    s.project_paid_fen = 800000;
    CHECK(dw_v_check_line_above_paid(&s, &f));
    CHECK_STR(f.value, "7,000.00");
    CHECK_STR(f.expected, "8,000.00");
    CHECK(!dw_v_check_project_above_paid(&s, &f));
    dw_obj_set_int(dw_msg_body(m), "amount_fen", 300000); /* an increase is never refused */
    s.line_paid_fen = 2000000;
    CHECK(!dw_v_check_line_above_paid(&s, &f));
    dw_msg_destroy(&m);
}

static void test_facts(void)
{
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    dw_msg_t *m = dw_msg_new("treasury.payment", "T-1", "treasury", 1);
    dw_obj_set_int(dw_msg_body(m), "fiscal_year", 2026);
    dw_obj_set_str(dw_msg_body(m), "payment_date", "2027-01-03");
    dw_obj_set_str(dw_msg_body(m), "economic_code", "30201");
    dw_v_subject_t s = {.msg = m, .body = dw_msg_body(m), .type = "treasury.payment", .cfg = cfg};
    s.n_lines = 1;
    s.budget_fen = 100000;
    s.paid_fen = 100001;
    s.economic_listed = false;
    s.economic_list = "31002、30101";
    CHECK(dw_v_check_over_budget(&s, &f));
    CHECK_STR(f.value, "1,000.01");
    CHECK_STR(f.expected, "1,000.00");
    CHECK(!dw_v_check_no_budget(&s, &f));
    CHECK(dw_v_check_economic_code(&s, &f));
    CHECK_STR(f.expected, "31002、30101");
    CHECK(dw_v_check_payment_date(&s, &f));
    CHECK_STR(f.field, "body.payment_date");
    dw_v_verdict_t v;
    dw_v_catalogue_apply(cat, &s, "T-1", &v);
    CHECK(v.refusal == NULL);
    CHECK_INT(v.n_flags, 3);
    CHECK_STR(v.flags[0], "over_budget");
    CHECK_STR(v.flags[1], "economic_code_outside");
    CHECK_STR(v.flags[2], "outside_fiscal_year");
    s.n_lines = 0; /* no line at all: only 无预算开支 */
    dw_v_catalogue_apply(cat, &s, "T-1", &v);
    CHECK_INT(v.n_flags, 2);
    CHECK_STR(v.flags[0], "no_budget");
    CHECK_STR(v.flags[1], "outside_fiscal_year");
    dw_msg_destroy(&m);
}

/* Holds and releases the treasury confirmed for one project, in effect order. */
static const dw_v_hold_ack_t acks[] = {
    {"2026-05-10", true},  /* 停止拨付 */
    {"2026-05-20", true},  /* confirmed again: the span still runs from 10 May */
    {"2026-06-01", false}, /* 恢复拨付 */
    {"2026-07-01", true},  /* held again ... */
    {"2026-07-01", false}, /* ... and released the same day by a later ack: no hold on 1 July */
    {"2026-08-01", false}, /* released again the next month: the same day that ... */
    {"2026-08-01", true},  /* ... a later ack holds it: on hold from 1 August */
};

/* The payment's flag and finding on date under acks (n of them): "" when quiet. */
static void expect_hold_at(int line, size_t n, const char *date, const char *since)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", "T-1", "treasury", 1);
    dw_obj_set_int(dw_msg_body(m), "fiscal_year", 2026);
    dw_obj_set_str(dw_msg_body(m), "payment_date", date);
    dw_obj_set_str(dw_msg_body(m), "project_code", "P2026-101-001");
    dw_v_subject_t s = {.msg = m, .body = dw_msg_body(m), .type = "treasury.payment", .cfg = cfg};
    s.hold_acks = acks;
    s.n_hold_acks = n;
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    bool fired = dw_v_check_on_hold(&s, &f);
    dw_test_checks++;
    if (fired != (*since != '\0') || (fired && strcmp(f.expected, since) != 0)) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: payment on %s: %s \"%s\", want %s \"%s\"\n", __FILE__, line, date,
                fired ? "on hold since" : "quiet", f.expected, *since ? "on hold since" : "quiet", since);
    }
    if (fired) {
        CHECK_STR(f.field, "body.project_code");
        CHECK_STR(f.value, "P2026-101-001");
    }
    dw_msg_destroy(&m);
}
#define EXPECT_HOLD(n, date, since) expect_hold_at(__LINE__, n, date, since)

static void test_on_hold(void)
{
    size_t all = sizeof acks / sizeof acks[0];
    EXPECT_HOLD(0, "2026-05-15", "");             /* no ack at all */
    EXPECT_HOLD(all, "2026-05-09", "");           /* the day before the hold */
    EXPECT_HOLD(all, "2026-05-10", "2026-05-10"); /* the day it takes effect */
    EXPECT_HOLD(all, "2026-05-25", "2026-05-10"); /* after the second hold: still from the first */
    EXPECT_HOLD(all, "2026-05-31", "2026-05-10");
    EXPECT_HOLD(all, "2026-06-01", ""); /* the day of the release */
    EXPECT_HOLD(all, "2026-06-30", "");
    EXPECT_HOLD(all, "2026-07-01", ""); /* the same day's later release wins */
    EXPECT_HOLD(all, "2026-07-31", "");
    EXPECT_HOLD(all, "2026-08-01", "2026-08-01"); /* the same day's later hold wins */
    EXPECT_HOLD(all, "2027-02-01", "2026-08-01"); /* into the next fiscal year: holds are per project */
    EXPECT_HOLD(1, "2026-12-31", "2026-05-10");   /* never released */
    EXPECT_HOLD(5, "2026-07-01", "");             /* up to the same-day release */
    EXPECT_HOLD(4, "2026-07-01", "2026-07-01");   /* up to the same-day hold */

    /* through the catalogue: the flag, after the others in id order, and the message */
    dw_msg_t *m = dw_msg_new("treasury.payment", "T-1", "treasury", 1);
    dw_obj_set_int(dw_msg_body(m), "fiscal_year", 2026);
    dw_obj_set_str(dw_msg_body(m), "payment_date", "2027-01-03");
    dw_obj_set_str(dw_msg_body(m), "project_code", "P2026-101-001");
    dw_v_subject_t s = {.msg = m, .body = dw_msg_body(m), .type = "treasury.payment", .cfg = cfg};
    s.hold_acks = acks;
    s.n_hold_acks = all;
    dw_v_verdict_t v;
    dw_v_catalogue_apply(cat, &s, "T-1", &v);
    CHECK(v.refusal == NULL);
    CHECK_INT(v.n_flags, 3); /* no line at all, paid in 2027, on hold since 1 August */
    CHECK_STR(v.flags[0], "no_budget");
    CHECK_STR(v.flags[1], "outside_fiscal_year");
    CHECK_STR(v.flags[2], "on_hold");
    CHECK_STR(v.warnings[2], "V-FCT-005");
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    CHECK(dw_v_check_on_hold(&s, &f));
    char out[256];
    CHECK_STR(dw_v_render(dw_v_catalogue_find(cat, "V-FCT-005"), &f, out, sizeof out),
              "停止拨付期间支付：项目 P2026-101-001 自 2026-08-01 起停止拨付，该笔支付仍已入账并标记");
    /* a reversal is not checked: the rule covers payments only */
    dw_msg_t *r = dw_msg_new("treasury.reversal", "R-1", "treasury", 1);
    dw_obj_set_int(dw_msg_body(r), "fiscal_year", 2026);
    dw_obj_set_str(dw_msg_body(r), "reversal_date", "2026-09-01");
    dw_v_subject_t rs = {.msg = r, .body = dw_msg_body(r), .type = "treasury.reversal", .cfg = cfg};
    rs.n_lines = 1;
    rs.hold_acks = acks;
    rs.n_hold_acks = all;
    dw_v_catalogue_apply(cat, &rs, "R-1", &v);
    CHECK_INT(v.n_flags, 0);
    dw_msg_destroy(&r);
    dw_msg_destroy(&m);
}

static void test_render(void)
{
    const dw_v_setting_t *r = dw_v_catalogue_find(cat, "V-CON-005");
    dw_v_finding_t f = {"body.amount_fen", "9,000.00", "8,500.00"};
    char out[256];
    CHECK_STR(dw_v_render(r, &f, out, sizeof out), "冲销金额 9,000.00 元超过原支付凭证尚未冲销的 8,500.00 元");
    /* 冲(3) 销(3) 金(3) bytes: 10 bytes of room keep 9 */
    CHECK_STR(dw_v_render(r, &f, out, 10), "冲销金");
    char d[11];
    dw_v_period_end(2026, 2, d);
    CHECK_STR(d, "2026-02-28");
    dw_v_period_end(2028, 2, d);
    CHECK_STR(d, "2028-02-29");
    dw_v_period_end(2026, 6, d);
    CHECK_STR(d, "2026-06-30");
}

int main(void)
{
    char err[512];
    cfg = dw_config_defaults();
    cat = dw_v_catalogue_builtin(err, sizeof err);
    CHECK(cfg && cat);
    if (!cfg || !cat) {
        fprintf(stderr, "%s\n", err);
        DW_TEST_DONE();
    }
    test_monitoring_form();
    test_budget();
    test_facts();
    test_on_hold();
    test_render();
    dw_v_catalogue_destroy(&cat);
    dw_config_destroy(&cfg);
    DW_TEST_DONE();
}
