/* analyze.incentives — rewards, deductions and recoveries recommended at a
 * checkpoint (a_incentives, seed 003 §13) on hand-built projects, with the
 * shipped thresholds (the built-in catalogue: deduct below 60 % and 60 %,
 * share 5 %; reward from 90 % and 90 %; recover above 50 % or 完全不可能) and
 * with a catalogue of other thresholds. Every expected figure is worked out
 * by hand beside it.
 *
 * Checkpoint 2026-10-10, 序时进度 (basis day): 31+28+31+30+31+30+31+31+30 =
 * 273 days to 09-30, + 10 = 283 of 365 → 283/365, time rules on. Budgets are
 * multiples of 365 fen so that each expected figure ⌊budget × 283/365⌋ is
 * exact: 365,000,000 fen → 283,000,000 fen.
 *
 * Indicators are levels (not cumulative), ≥ target 100: value 50 → 50 % red,
 * 70 → 70 % yellow, 100 → 100 % green, 120 → exactly 120 % blue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a_builtin.h"
#include "a_incentives.h"
#include "dw_test.h"

static const dw_date_t checkpoint = {2026, 10, 10};

static dw_decimal_t dec(int64_t units, int scale)
{
    return (dw_decimal_t){units, scale};
}

static void project(dw_a_project_t *p, const char *code, const char *dept, const char *name, int64_t budget_fen,
                    int64_t paid_fen)
{
    dw_a_project_init(p, 2026, code);
    snprintf(p->project_name, sizeof p->project_name, "%s", name);
    snprintf(p->dept_code, sizeof p->dept_code, "%s", dept);
    p->has_budget = budget_fen != 0;
    p->budget_fen = budget_fen;
    p->annual_fen = budget_fen;
    p->paid_fen = paid_fen;
    p->has_payment = paid_fen != 0;
}

/* The 1-9月 form, projecting projected_fen for the year. */
static void form(dw_a_project_t *p, int64_t projected_fen)
{
    p->has_form = true;
    p->form_period_month = 9;
    p->form_submitted = (dw_date_t){2026, 10, 8};
    p->form_executed_fen = p->paid_fen;
    p->form_projected_fen = projected_fen;
}

/* An indicator "≥ 100" of that weight; reported on the form with value when value >= 0. */
static dw_a_indicator_t *indicator(dw_a_project_t *p, dw_decimal_t weight, int64_t value)
{
    dw_a_indicator_t *ind = &p->indicators[p->n_indicators];
    memset(ind, 0, sizeof *ind);
    snprintf(ind->code, sizeof ind->code, "IND-%03zu", p->n_indicators + 1);
    snprintf(ind->name, sizeof ind->name, "指标%zu", p->n_indicators + 1);
    ind->level1 = DW_A_L1_OUTPUT;
    ind->op = DW_A_OP_GE;
    ind->target = dec(100, 0);
    ind->weight = weight;
    if (value >= 0) {
        ind->reported = true;
        ind->has_value = true;
        ind->value = dec(value, 0);
        ind->has_projected = true;
        ind->projected = dec(value, 0);
        ind->likelihood = DW_A_LIKELY_CERTAIN;
    }
    p->n_indicators++;
    p->has_targets = true;
    return ind;
}

static int add(dw_a_incentives_t *in, const dw_a_project_t *p)
{
    char err[256] = "";
    int rc = dw_a_incentives_add(in, p, NULL, 0, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "dw_a_incentives_add(%s): %s\n", p->project_code, err);
    return rc;
}

static int decide(dw_a_incentives_t *in)
{
    char err[256] = "";
    int rc = dw_a_incentives_decide(in, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "dw_a_incentives_decide: %s\n", err);
    return rc;
}

/* The built-in catalogue's text with its incentives section replaced by section. */
static dw_a_catalogue_t *catalogue_with_incentives(const char *section)
{
    const char *text = (const char *)dw_a_builtin_rules;
    const char *at = strstr(text, "\nincentives:\n");
    if (!at) {
        fprintf(stderr, "no incentives: section in the built-in catalogue\n");
        return NULL;
    }
    size_t head = (size_t)(at - text) + 1, n = head + strlen(section) + 1;
    char *buf = malloc(n);
    if (!buf)
        return NULL;
    memcpy(buf, text, head);
    memcpy(buf + head, section, strlen(section) + 1);
    char err[512] = "";
    dw_a_catalogue_t *cat = dw_a_catalogue_parse("incentives.yaml", buf, strlen(buf), err, sizeof err);
    if (!cat)
        fprintf(stderr, "catalogue: %s\n", err);
    free(buf);
    return cat;
}

/* static: each project holds room for 200 indicators */
static dw_a_project_t ps[12];

/* ---- departments on each side of every threshold ------------------------- */

static void test_departments(const dw_a_catalogue_t *cat)
{
    dw_a_incentives_t *in = dw_a_incentives_new(cat, 2026, checkpoint);
    CHECK(in != NULL);
    if (!in)
        return;
    memset(ps, 0, sizeof ps);

    /* 201 slow and low → 扣减建议. Expected 283,000,000; paid 100,000,001: 100,000,001 ÷ 283,000,000 =
     * 35.3357… % < 60 (35.34 % shown). Completion: weight 60 at 50 % (red), weight 40 at 100 % (green):
     * 40 ÷ 100 = 40 % < 60. Unspent 365,000,000 − 100,000,001 = 264,999,999; × 5 % = 13,249,999.95 →
     * 13,249,999 fen (rounded down). Its form projects 100,000,000 for the year: 265,000,000 left =
     * 72.6027 % of the budget > 50 → 收回建议 of 265,000,000 as well. */
    project(&ps[0], "P2026-201-001", "201", "校舍维修改造", 365000000, 100000001);
    form(&ps[0], 100000000);
    indicator(&ps[0], dec(60, 0), 50);
    indicator(&ps[0], dec(40, 0), 100);

    /* 202 exactly at both deduct thresholds: 169,800,000 = 60 % of 283,000,000; weight 60 green of 100 =
     * 60 %. Not below: nothing. */
    project(&ps[1], "P2026-202-001", "202", "公共卫生服务", 365000000, 169800000);
    form(&ps[1], 365000000);
    indicator(&ps[1], dec(60, 0), 100);
    indicator(&ps[1], dec(40, 0), 50);

    /* 203 exactly at both reward thresholds, over two projects: expected 566,000,000 (budget 730,000,000)
     * + 283,000,000 = 849,000,000; paid 500,000,000 + 264,100,000 = 764,100,000 = 90 % exactly.
     * Completion: 50 green + 40 blue (120 %) of 50 + 40 + 10 (yellow, 70 %) = 90 ÷ 100 = 90 % → 奖励建议. */
    project(&ps[2], "P2026-203-001", "203", "道路养护", 730000000, 500000000);
    form(&ps[2], 730000000);
    indicator(&ps[2], dec(50, 0), 100);
    project(&ps[3], "P2026-203-002", "203", "公交补贴", 365000000, 264100000);
    form(&ps[3], 365000000);
    indicator(&ps[3], dec(40, 0), 120);
    indicator(&ps[3], dec(10, 0), 70);

    /* 204 fast (283,000,000 ÷ 283,000,000 = 100 %) but completion 89.99 ÷ (89.99 + 10.01) = 89.99 % < 90:
     * no reward; not slow: no deduction. */
    project(&ps[4], "P2026-204-001", "204", "就业补助", 365000000, 283000000);
    form(&ps[4], 365000000);
    indicator(&ps[4], dec(8999, 2), 100);
    indicator(&ps[4], dec(1001, 2), 70);

    /* 205 slow (28,300,000 ÷ 283,000,000 = 10 %) but completion 100 %: neither. */
    project(&ps[5], "P2026-205-001", "205", "农村饮水", 365000000, 28300000);
    form(&ps[5], 365000000);
    indicator(&ps[5], dec(100, 0), 100);

    /* 206 nothing paid (0 %) but no indicator reported (targets, no form): not judged. */
    project(&ps[6], "P2026-206-001", "206", "文化惠民", 365000000, 0);
    indicator(&ps[6], dec(100, 0), -1);

    /* 207 completion 0 % (red) but no budget, so no exec ratio: not judged (and no recovery). */
    project(&ps[7], "P2026-207-001", "207", "科普宣传", 0, 0);
    form(&ps[7], 0);
    indicator(&ps[7], dec(100, 0), 10);

    /* 208 one fen below 60 %: 169,799,999 ÷ 283,000,000 = 59.99999965 % (shown 60.00 %, decided below);
     * completion 59.99 ÷ 100 = 59.99 % → 扣减建议: unspent 365,000,000 − 169,799,999 = 195,200,001;
     * × 5 % = 9,760,000.05 → 9,760,000 fen. */
    project(&ps[8], "P2026-208-001", "208", "社区养老", 365000000, 169799999);
    form(&ps[8], 365000000);
    indicator(&ps[8], dec(5999, 2), 100);
    indicator(&ps[8], dec(4001, 2), 50);

    /* a project naming no department, slow and low: nobody to deduct from */
    project(&ps[9], "P2026-000-001", "", "未列部门", 365000000, 0);
    form(&ps[9], 365000000);
    indicator(&ps[9], dec(100, 0), 50);

    for (int i = 0; i < 10; i++)
        CHECK_INT(add(in, &ps[i]), 0);
    CHECK_INT(decide(in), 0);

    CHECK_INT(dw_a_incentives_count(in), 4);
    const dw_a_recommendation_t *r = dw_a_incentives_item(in, 0);
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_DEDUCT);
        CHECK_STR(r->dept_code, "201");
        CHECK_STR(r->project_code, "");
        CHECK_INT(r->amount_fen, 13249999);
        CHECK_INT(r->basis_fen, 264999999);
        CHECK(r->has_exec && r->has_completion && !r->has_unspent);
        CHECK_INT(r->exec_bp, 3534); /* 100,000,001 × 10,000 ÷ 283,000,000 = 3533.57 → 3534 */
        CHECK_INT(r->completion_bp, 4000);
        CHECK_STR(r->thresholds, "支出进度比 <60%，目标完成率 <60%，扣减比例 5%");
        CHECK_STR(r->title, "扣减建议：部门201支出进度较慢、绩效目标完成率较低");
        CHECK_STR(r->text, "扣减建议：部门201截至2026-10-10支出进度比35.34%（已支付1,000,000.01元，序时应支付"
                           "2,830,000.00元），绩效目标完成率40.00%，支出进度较慢、绩效目标完成率较低（支出进度比 "
                           "<60%，目标完成率 <60%，扣减比例 5%）。建议按未支出预算2,649,999.99元（变动后预算"
                           "3,650,000.00元，已支付1,000,000.01元）的5%扣减资金132,499.99元。此为绩效监控结果的"
                           "建议，由预算股按程序研究决定，系统不执行扣减。");
    }
    r = dw_a_incentives_item(in, 1);
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_RECOVER);
        CHECK_STR(r->dept_code, "201");
        CHECK_STR(r->project_code, "P2026-201-001");
        CHECK_INT(r->amount_fen, 265000000);
        CHECK_INT(r->basis_fen, 365000000);
        CHECK(r->has_unspent && !r->has_exec && !r->has_completion && !r->impossible);
        CHECK_INT(r->unspent_bp, 7260); /* 265 ÷ 365 = 0.7260274 */
        CHECK_STR(r->title, "收回建议：项目P2026-201-001预计当年无法执行的资金");
        CHECK_STR(r->text, "收回建议：部门201项目校舍维修改造（P2026-201-001）1-9月绩效运行监控表预计全年执行"
                           "1,000,000.00元，变动后预算3,650,000.00元，预计结转结余2,650,000.00元，占72.60%（预计结转"
                           "结余 >50%，或指标完成可能性为完全不可能）。建议及时清理收回预计当年无法执行的资金"
                           "2,650,000.00元，统筹用于确定的需支出，下一年度同类支出原则上不再安排。此为2026-10-10"
                           "绩效监控结果的建议，由预算股按程序研究决定，系统不执行收回。");
    }
    r = dw_a_incentives_item(in, 2);
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_REWARD);
        CHECK_STR(r->dept_code, "203");
        CHECK_STR(r->project_code, "");
        CHECK_INT(r->amount_fen, 0);
        CHECK_INT(r->basis_fen, 0);
        CHECK_INT(r->exec_bp, 9000);
        CHECK_INT(r->completion_bp, 9000);
        CHECK_STR(r->thresholds, "支出进度比 ≥90%，目标完成率 ≥90%");
        CHECK_STR(r->title, "奖励建议：部门203支出较快、绩效目标完成率较高");
        CHECK_STR(r->text, "奖励建议：部门203截至2026-10-10支出进度比90.00%（已支付7,641,000.00元，序时应支付"
                           "8,490,000.00元），绩效目标完成率90.00%，支出较快、绩效目标完成率较高（支出进度比 ≥90%，"
                           "目标完成率 ≥90%），建议予以奖励。此为绩效监控结果的建议，奖励方式和金额由预算股按程序研究"
                           "决定，系统不执行奖励。");
    }
    r = dw_a_incentives_item(in, 3);
    CHECK(r != NULL);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_DEDUCT);
        CHECK_STR(r->dept_code, "208");
        CHECK_INT(r->amount_fen, 9760000);
        CHECK_INT(r->basis_fen, 195200001);
        CHECK_INT(r->exec_bp, 6000); /* 5999.99996 shown rounded: decided below, shown 60.00 % */
        CHECK_INT(r->completion_bp, 5999);
    }
    CHECK(dw_a_incentives_item(in, 4) == NULL);

    /* once decided: no second decision, no more projects */
    char err[256] = "";
    CHECK_INT(dw_a_incentives_decide(in, err, sizeof err), -1);
    CHECK_STR(err, "the recommendations were decided already");
    CHECK_INT(dw_a_incentives_add(in, &ps[0], NULL, 0, err, sizeof err), -1);
    CHECK_STR(err, "project P2026-201-001 added after the recommendations were decided");
    dw_a_incentives_destroy(&in);
    CHECK(in == NULL);
    dw_a_incentives_destroy(&in); /* twice is harmless */
}

/* ---- recoveries ----------------------------------------------------------- */

static void build_recoveries(void)
{
    memset(ps, 0, sizeof ps);
    /* 365,000,000 − 182,499,999 = 182,500,001 left: 50.0000003 % > 50 → recover 182,500,001 (5000 bp shown) */
    project(&ps[0], "P2026-301-001", "301", "河道整治", 365000000, 0);
    form(&ps[0], 182499999);
    /* 365,000,000 − 182,500,000 = 182,500,000: exactly 50 %, not above → nothing */
    project(&ps[1], "P2026-301-002", "301", "堤防加固", 365000000, 0);
    form(&ps[1], 182500000);
    /* everything projected spent, but an indicator 完全不可能 → recover the projected unspent, 0 */
    project(&ps[2], "P2026-302-001", "302", "智慧校园", 365000000, 0);
    form(&ps[2], 365000000);
    indicator(&ps[2], dec(100, 0), 100)->likelihood = DW_A_LIKELY_IMPOSSIBLE;
    /* no form: an indicator that would be 完全不可能 is not reported → nothing */
    project(&ps[3], "P2026-302-002", "302", "教师培训", 365000000, 0);
    indicator(&ps[3], dec(100, 0), -1)->likelihood = DW_A_LIKELY_IMPOSSIBLE;
    /* no budget: nothing to recover */
    project(&ps[4], "P2026-303-001", "303", "志愿服务", 0, 0);
    form(&ps[4], 0);
    indicator(&ps[4], dec(100, 0), 100)->likelihood = DW_A_LIKELY_IMPOSSIBLE;
    /* projected beyond the budget (400,000,000 > 365,000,000): nothing left → nothing */
    project(&ps[5], "P2026-303-002", "303", "应急物资", 365000000, 0);
    form(&ps[5], 400000000);
}

static void test_recoveries(const dw_a_catalogue_t *cat, const dw_a_catalogue_t *without_impossible)
{
    build_recoveries();
    dw_a_incentives_t *in = dw_a_incentives_new(cat, 2026, checkpoint);
    CHECK(in != NULL);
    if (!in)
        return;
    for (int i = 0; i < 6; i++)
        CHECK_INT(add(in, &ps[i]), 0);
    CHECK_INT(decide(in), 0);
    /* the departments: 301 reports no indicator (no completion rate); 302 and 303 have a completion of
     * 100 % with nothing paid (slow and high): none is deducted or rewarded */
    CHECK_INT(dw_a_incentives_count(in), 2);
    const dw_a_recommendation_t *r = dw_a_incentives_item(in, 0);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_RECOVER);
        CHECK_STR(r->project_code, "P2026-301-001");
        CHECK_STR(r->dept_code, "301");
        CHECK_INT(r->amount_fen, 182500001);
        CHECK_INT(r->unspent_bp, 5000);
        CHECK(!r->impossible);
    }
    r = dw_a_incentives_item(in, 1);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_RECOVER);
        CHECK_STR(r->project_code, "P2026-302-001");
        CHECK_INT(r->amount_fen, 0);
        CHECK_INT(r->unspent_bp, 0);
        CHECK(r->impossible);
        CHECK_STR(r->text, "收回建议：部门302项目智慧校园（P2026-302-001）1-9月绩效运行监控表预计全年执行"
                           "3,650,000.00元，变动后预算3,650,000.00元，预计结转结余0.00元，占0.00%（预计结转结余 "
                           ">50%，或指标完成可能性为完全不可能）；指标指标1（IND-001）完成可能性为完全不可能，绩效目标"
                           "无法实现。建议及时清理收回预计当年无法执行的资金0.00元，统筹用于确定的需支出，下一年度同类"
                           "支出原则上不再安排。此为2026-10-10绩效监控结果的建议，由预算股按程序研究决定，系统不执行"
                           "收回。");
    }
    dw_a_incentives_destroy(&in);

    /* impossible: false — 完全不可能 alone is no reason: only P2026-301-001 */
    in = without_impossible ? dw_a_incentives_new(without_impossible, 2026, checkpoint) : NULL;
    CHECK(in != NULL);
    if (!in)
        return;
    for (int i = 0; i < 6; i++)
        CHECK_INT(add(in, &ps[i]), 0);
    CHECK_INT(decide(in), 0);
    CHECK_INT(dw_a_incentives_count(in), 1);
    r = dw_a_incentives_item(in, 0);
    if (r) {
        CHECK_STR(r->project_code, "P2026-301-001");
        CHECK_STR(r->thresholds, "预计结转结余 >50%");
    }
    dw_a_incentives_destroy(&in);
}

/* ---- other thresholds: decimals, equal pairs, rounding down --------------- */

static void test_other_thresholds(const dw_a_catalogue_t *cat)
{
    dw_a_incentives_t *in = dw_a_incentives_new(cat, 2026, checkpoint);
    CHECK(in != NULL);
    if (!in)
        return;
    memset(ps, 0, sizeof ps);
    /* 401: budget 36,500 fen, expected ⌊36,500 × 283/365⌋ = 28,300, nothing paid: 0 % < 70; completion
     * 49.6 ÷ (50.4 + 49.6) = 49.6 % < 50.5 → deduct ⌊36,500 × 2.5 %⌋ = ⌊912.5⌋ = 912 fen (half up would
     * be 913). Its form projects the whole budget: nothing left, not above 0 % → no recovery. */
    project(&ps[0], "P2026-401-001", "401", "图书购置", 36500, 0);
    form(&ps[0], 36500);
    indicator(&ps[0], dec(504, 1), 50);
    indicator(&ps[0], dec(496, 1), 100);
    /* 402: budget 365,000, expected 283,000, paid 198,100 = exactly 70 % (deduct below 70 and reward from
     * 70: the same line); completion 50.5 ÷ 100 = exactly 50.5 % → reward. Its form projects 364,999:
     * 1 fen left, above 0 % → recover 1 fen (1 ÷ 365,000 = 0.0027 bp → 0). */
    project(&ps[1], "P2026-402-001", "402", "职业技能", 365000, 198100);
    form(&ps[1], 364999);
    indicator(&ps[1], dec(505, 1), 100);
    indicator(&ps[1], dec(495, 1), 50);
    for (int i = 0; i < 2; i++)
        CHECK_INT(add(in, &ps[i]), 0);
    CHECK_INT(decide(in), 0);
    CHECK_INT(dw_a_incentives_count(in), 3);
    const dw_a_recommendation_t *r = dw_a_incentives_item(in, 0);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_DEDUCT);
        CHECK_STR(r->dept_code, "401");
        CHECK_INT(r->amount_fen, 912);
        CHECK_INT(r->basis_fen, 36500);
        CHECK_INT(r->exec_bp, 0);
        CHECK_INT(r->completion_bp, 4960);
        CHECK_STR(r->thresholds, "支出进度比 <70%，目标完成率 <50.5%，扣减比例 2.5%");
    }
    r = dw_a_incentives_item(in, 1);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_REWARD);
        CHECK_STR(r->dept_code, "402");
        CHECK_INT(r->exec_bp, 7000);
        CHECK_INT(r->completion_bp, 5050);
        CHECK_STR(r->thresholds, "支出进度比 ≥70%，目标完成率 ≥50.5%");
    }
    r = dw_a_incentives_item(in, 2);
    if (r) {
        CHECK_INT(r->kind, DW_A_INCENTIVE_RECOVER);
        CHECK_STR(r->project_code, "P2026-402-001");
        CHECK_INT(r->amount_fen, 1);
        CHECK_INT(r->unspent_bp, 0);
        CHECK_STR(r->thresholds, "预计结转结余 >0%");
    }
    dw_a_incentives_destroy(&in);
}

static void test_checkpoints(const dw_a_catalogue_t *shipped, const dw_a_catalogue_t *other)
{
    /* shipped: 07-10, 10-10, 11-10, 12-10 in any year */
    CHECK(dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 7, 10}));
    CHECK(dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 10, 10}));
    CHECK(dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 11, 10}));
    CHECK(dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2027, 12, 10}));
    CHECK(!dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 7, 9}));
    CHECK(!dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 10, 11}));
    CHECK(!dw_a_catalogue_is_checkpoint(shipped, (dw_date_t){2026, 9, 30}));
    const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(shipped);
    CHECK(in->present);
    CHECK_STR(in->recipient, "budget");
    /* other: 02-29 and 10-10; 02-29 is 02-28 in a common year */
    CHECK(dw_a_catalogue_is_checkpoint(other, (dw_date_t){2026, 2, 28}));
    CHECK(!dw_a_catalogue_is_checkpoint(other, (dw_date_t){2028, 2, 28}));
    CHECK(dw_a_catalogue_is_checkpoint(other, (dw_date_t){2028, 2, 29}));
    CHECK(dw_a_catalogue_is_checkpoint(other, (dw_date_t){2026, 10, 10}));
    CHECK(!dw_a_catalogue_is_checkpoint(other, (dw_date_t){2026, 7, 10}));
    CHECK_STR(dw_a_catalogue_incentives(other)->recipient, "budget_office");
}

static void test_names_and_errors(const dw_a_catalogue_t *cat)
{
    CHECK_STR(dw_a_incentive_kind_name(DW_A_INCENTIVE_DEDUCT), "deduct");
    CHECK_STR(dw_a_incentive_kind_name(DW_A_INCENTIVE_REWARD), "reward");
    CHECK_STR(dw_a_incentive_kind_name(DW_A_INCENTIVE_RECOVER), "recover");
    CHECK_STR(dw_a_incentive_notice_kind(DW_A_INCENTIVE_DEDUCT), "deduct_recommendation");
    CHECK_STR(dw_a_incentive_notice_kind(DW_A_INCENTIVE_REWARD), "reward_recommendation");
    CHECK_STR(dw_a_incentive_notice_kind(DW_A_INCENTIVE_RECOVER), "recover_recommendation");

    /* a project of another year is refused, and nothing is decided from it */
    dw_a_incentives_t *in = dw_a_incentives_new(cat, 2026, checkpoint);
    CHECK(in != NULL);
    if (!in)
        return;
    memset(ps, 0, sizeof ps);
    project(&ps[0], "P2025-201-001", "201", "往年项目", 365000000, 0);
    ps[0].fiscal_year = 2025;
    form(&ps[0], 0);
    char err[256] = "";
    CHECK_INT(dw_a_incentives_add(in, &ps[0], NULL, 0, err, sizeof err), -1);
    CHECK_STR(err, "project P2025-201-001 is of fiscal year 2025, the figures of 2026");
    CHECK_INT(decide(in), 0);
    CHECK_INT(dw_a_incentives_count(in), 0);
    dw_a_incentives_destroy(&in);
}

int main(void)
{
    char err[512] = "";
    dw_a_catalogue_t *shipped = dw_a_catalogue_builtin(err, sizeof err);
    if (!shipped) {
        fprintf(stderr, "built-in catalogue: %s\n", err);
        return 1;
    }
    dw_a_catalogue_t *no_impossible =
        catalogue_with_incentives("incentives:\n  checkpoints: [\"07-10\"]\n  recipient: budget\n"
                                  "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"5\"}\n"
                                  "  reward: {exec_from: \"90\", completion_from: \"90\"}\n"
                                  "  recover: {unspent_above: \"50\", impossible: false}\n");
    dw_a_catalogue_t *other =
        catalogue_with_incentives("incentives:\n  checkpoints: [\"02-29\", \"10-10\"]\n  recipient: budget_office\n"
                                  "  deduct: {exec_below: \"70\", completion_below: \"50.5\", share: \"2.5\"}\n"
                                  "  reward: {exec_from: \"70\", completion_from: \"50.5\"}\n"
                                  "  recover: {unspent_above: \"0\", impossible: false}\n");
    CHECK(no_impossible != NULL && other != NULL);
    test_departments(shipped);
    test_recoveries(shipped, no_impossible);
    if (other) {
        test_other_thresholds(other);
        test_checkpoints(shipped, other);
    }
    test_names_and_errors(shipped);
    dw_a_catalogue_destroy(&shipped);
    dw_a_catalogue_destroy(&no_impossible);
    dw_a_catalogue_destroy(&other);
    DW_TEST_DONE();
}
