/* analyze.rules — every deviation rule made to fire and to stay quiet on a
 * hand-built project, each light boundary exactly and one fen (or 0.01) past
 * it, the leap year, the December rush, the size gate, dispositions and the
 * rendered messages. The catalogue is written here (the shipped thresholds,
 * messages of our own), so a change to the shipped wording does not move these
 * figures; the shipped copy is checked once at the end. Every expected figure is
 * worked out by hand in the comment beside it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a_builtin.h"
#include "a_rules.h"
#include "dw_test.h"

#define OBJ_SER "disposition: {yellow: objective, red: serious}"

static const char CATALOGUE[] =
    "version: 1\n"
    "time_progress:\n"
    "  basis: day\n"
    "  rules_from: \"03-31\"\n"
    "forms:\n"
    "  - {period_month: 6, due: \"07-10\", purpose: 提示警示}\n"
    "  - {period_month: 9, due: \"10-10\", purpose: 纠偏纠错和调整处置}\n"
    "score:\n"
    "  execution: \"10\"\n"
    "  output: \"50\"\n"
    "  effect: \"30\"\n"
    "  satisfaction: \"10\"\n"
    "  grades: {excellent: \"90\", good: \"80\", fair: \"60\"}\n"
    "rules:\n"
    "  - id: exec_time\n"
    "    category: timeliness\n"
    "    title: 预算执行进度滞后\n"
    "    enabled: true\n"
    "    thresholds: {red_below: \"60\", yellow_below: \"80\", large_budget_yuan: \"10000000\", "
    "large_gap_points: \"20\"}\n"
    "    message: \"项目{project_name}（{project}）预算执行率{exec_rate}，序时进度{time_progress}，"
    "执行进度比{ratio}（{thresholds}）\"\n"
    "    " OBJ_SER "\n"
    "  - id: indicator_positive\n"
    "    category: effectiveness\n"
    "    title: 正向指标完成进度偏离\n"
    "    thresholds: {red_below: \"60\", yellow_below: \"80\", blue_from: \"120\"}\n"
    "    message: \"项目{project_name}（{project}）正向指标{indicator_name}（{indicator}）完成{actual}，"
    "应完成{expected}，完成进度{ratio}（{thresholds}）\"\n"
    "    " OBJ_SER "\n"
    "  - {id: indicator_reverse, category: effectiveness, title: 反向指标超出目标, "
    "message: \"{indicator}完成{actual}，目标{expected}\", " OBJ_SER "}\n"
    "  - {id: indicator_equal, category: effectiveness, title: 等值指标未达目标, "
    "message: \"{indicator}完成{actual}，目标{expected}\", " OBJ_SER "}\n"
    "  - {id: indicator_qual, category: effectiveness, title: 定性指标未达成, "
    "message: \"{indicator}完成情况为{actual}\", " OBJ_SER "}\n"
    "  - {id: projection, category: effectiveness, title: 全年预计无法完成绩效目标, "
    "message: \"{indicator}全年预计{actual}，目标{expected}\", " OBJ_SER "}\n"
    "  - {id: unspent, category: timeliness, title: 预计结转结余较大, "
    "thresholds: {yellow_above: \"10\", red_above: \"30\"}, "
    "message: \"项目{project}（{period}监控表）预计全年执行{actual}，预算{expected}，预计结转结余占{ratio}"
    "（{thresholds}）\", " OBJ_SER "}\n"
    "  - {id: carry_over, category: timeliness, title: 上年结转资金较大且执行缓慢, "
    "thresholds: {min_yuan: \"1000000\", unspent_above: \"50\", by_month: \"6\", by_day: \"30\"}, "
    "message: \"上年结转资金{expected}元，截至{date}尚有{actual}元未支付，占{ratio}（{thresholds}）\", " OBJ_SER "}\n"
    "  - {id: idle_new, category: timeliness, title: 当年新增预算前期准备不充分, thresholds: {days: \"90\"}, "
    "message: \"批复后{days}天仍无支付（{thresholds}）\", " OBJ_SER "}\n"
    "  - {id: no_budget, category: compliance, title: 无预算开支, message: \"无预算已支付{actual}\", "
    "disposition: {yellow: serious, red: serious}}\n"
    "  - {id: over_budget, category: compliance, title: 超预算开支, "
    "message: \"累计支付{actual}，超过变动后预算{expected}\", disposition: {yellow: serious, red: serious}}\n"
    "  - {id: on_hold, category: compliance, title: 暂停拨付期间支付, "
    "message: \"{project_name}{project_name}{project_name}暂停拨付期间支付暂停拨付期间支付暂停拨付期间支付\", "
    "disposition: {yellow: serious, red: serious}}\n"
    "  - {id: econ_mismatch, category: compliance, title: 支出经济分类与预算不符, "
    "message: \"经济分类不符{actual}\", " OBJ_SER "}\n"
    "  - {id: form_overdue, category: timeliness, title: 绩效监控表逾期未报, thresholds: {red_after_days: \"15\"}, "
    "message: \"{period}绩效运行监控表应于{due}前报送，已逾期{days}天（{thresholds}）\", "
    "disposition: {yellow: none, red: serious}}\n"
    "  - {id: task_overdue, category: timeliness, title: 流程事项逾期未办, thresholds: {red_after_days: \"10\"}, "
    "message: \"流程事项（{actual}）应于{due}前办理，已逾期{days}天（{thresholds}）\", "
    "disposition: {yellow: none, red: serious}}\n"
    "  - {id: form_no_cause, category: effectiveness, title: 偏离指标未说明原因, "
    "message: \"{period}监控表中指标{indicator}偏离绩效目标，未说明偏差原因\", " OBJ_SER "}\n"
    "  - {id: reconciliation, category: compliance, title: 国库对账不符, "
    "message: \"{date}国库对账不符：国库{expected}，本系统{actual}\", disposition: {red: serious}}\n";

/* The catalogue above with one piece of text replaced (checked to be there). */
static dw_a_catalogue_t *catalogue_with(const char *from, const char *to)
{
    char text[sizeof CATALOGUE + 256];
    const char *at = from ? strstr(CATALOGUE, from) : NULL;
    if (from && (!at || strlen(to) > strlen(from) + 200)) {
        fprintf(stderr, "catalogue_with: \"%s\" not in the test catalogue\n", from);
        return NULL;
    }
    if (at)
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - CATALOGUE), CATALOGUE, to, at + strlen(from));
    else
        snprintf(text, sizeof text, "%s", CATALOGUE);
    char err[512];
    dw_a_catalogue_t *cat = dw_a_catalogue_parse("test_rules", text, strlen(text), err, sizeof err);
    if (!cat)
        fprintf(stderr, "catalogue: %s\n", err);
    return cat;
}

static dw_a_catalogue_t *cat;

#define MAXF 64
static dw_a_finding_t found[MAXF];
static size_t n_found;

static dw_date_t day(int y, int m, int d)
{
    return (dw_date_t){y, m, d};
}

static dw_decimal_t dec(int64_t units, int scale)
{
    return (dw_decimal_t){units, scale};
}

static dw_a_progress_t progress(int64_t num, int64_t den)
{
    return (dw_a_progress_t){num, den, true};
}

/* 社区养老服务补助: budget 1,000,000.00 yuan = 100,000,000 fen, nothing paid. */
static void project(dw_a_project_t *p)
{
    memset(p, 0, sizeof *p);
    p->fiscal_year = 2026;
    snprintf(p->project_code, sizeof p->project_code, "P2026-101-001");
    snprintf(p->project_name, sizeof p->project_name, "社区养老服务补助");
    snprintf(p->dept_code, sizeof p->dept_code, "101");
    p->has_budget = true;
    p->budget_fen = 100000000;
    p->annual_fen = 100000000;
}

static void pay(dw_a_project_t *p, int64_t fen)
{
    p->paid_fen = fen;
    p->has_payment = fen != 0;
}

static dw_a_indicator_t *indicator(dw_a_project_t *p, const char *code, dw_a_op_t op, dw_decimal_t target)
{
    dw_a_indicator_t *ind = &p->indicators[p->n_indicators++];
    memset(ind, 0, sizeof *ind);
    snprintf(ind->code, sizeof ind->code, "%s", code);
    snprintf(ind->name, sizeof ind->name, "服务老人人次");
    snprintf(ind->unit, sizeof ind->unit, "人次");
    ind->level1 = DW_A_L1_OUTPUT;
    ind->op = op;
    ind->target = target;
    ind->weight = dec(10, 0);
    p->has_targets = true;
    return ind;
}

/* A form for 1-month_n月 submitted on `submitted`. */
static void form(dw_a_project_t *p, int month_n, dw_date_t submitted)
{
    p->has_form = true;
    p->form_period_month = month_n;
    p->form_submitted = submitted;
}

static void reported(dw_a_indicator_t *ind, dw_decimal_t v)
{
    ind->reported = true;
    ind->has_value = true;
    ind->value = v;
    ind->has_cause = false;
}

static void evaluate(const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of)
{
    memset(found, 0, sizeof found);
    n_found = dw_a_rules_evaluate(cat, p, tp, as_of, found, MAXF);
}

/* The finding of a rule for a subject, NULL if none. */
static const dw_a_finding_t *of(dw_a_rule_kind_t kind, const char *subject)
{
    for (size_t i = 0; i < n_found && i < MAXF; i++)
        if (found[i].rule && found[i].rule->kind == kind && strcmp(found[i].subject, subject) == 0)
            return &found[i];
    return NULL;
}

/* The light of a rule's finding for a subject; -1 when there is none. */
static int light(dw_a_rule_kind_t kind, const char *subject)
{
    const dw_a_finding_t *f = of(kind, subject);
    return f ? (int)f->light : -1;
}

#define NONE (-1)

/* ---- 1. exec_time ---------------------------------------------------------- */

static void test_exec_time_bands(void)
{
    dw_a_project_t p;
    project(&p);
    dw_a_progress_t half = progress(1, 2); /* 序时进度 50 % */

    /* paid 300,000.00 of 1,000,000.00: 30 % ÷ 50 % = exactly 60 % → yellow */
    pay(&p, 30000000);
    evaluate(&p, half, day(2026, 7, 2));
    const dw_a_finding_t *f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(f->light, DW_A_YELLOW);
        CHECK_INT(f->disposition, DW_A_DISPOSE_OBJECTIVE);
        CHECK_INT(f->expected_fen, 50000000); /* 100,000,000 × 1/2 */
        CHECK_INT(f->actual_fen, 30000000);
        CHECK_STR(f->expected, "50000000");
        CHECK_STR(f->actual, "30000000");
        CHECK(f->has_ratio);
        CHECK_INT(f->ratio_bp, 6000);
        CHECK_STR(f->thresholds, "红灯 <60%，黄灯 <80%");
        CHECK_STR(f->message, "项目社区养老服务补助（P2026-101-001）预算执行率30.00%，序时进度50.00%，"
                              "执行进度比60.00%（红灯 <60%，黄灯 <80%）");
    }
    /* one fen less: 29,999,999 × 2 / 100,000,000 = 0.59999998 → red, though
     * the rounded figure shows 60.00 % (5999.9998 bp → 6000) */
    pay(&p, 29999999);
    evaluate(&p, half, day(2026, 7, 2));
    f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_RED);
    CHECK(f && f->ratio_bp == 6000);
    CHECK(f && f->disposition == DW_A_DISPOSE_SERIOUS);

    /* 40 % ÷ 50 % = exactly 80 % → green, no disposition */
    pay(&p, 40000000);
    evaluate(&p, half, day(2026, 7, 2));
    f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_GREEN);
    CHECK(f && f->disposition == DW_A_DISPOSE_NONE);
    CHECK(f && f->ratio_bp == 8000);
    CHECK_STR(f ? f->message : NULL,
              "项目社区养老服务补助（P2026-101-001）未发现预算执行进度滞后（红灯 <60%，黄灯 <80%）");
    /* 39,999,999: 0.79999998 → yellow */
    pay(&p, 39999999);
    evaluate(&p, half, day(2026, 7, 2));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), DW_A_YELLOW);

    /* ahead of schedule is green (no blue for spending) */
    pay(&p, 90000000);
    evaluate(&p, half, day(2026, 7, 2));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), DW_A_GREEN);

    /* quiet: before rules_from, no time elapsed, no budget */
    pay(&p, 0);
    evaluate(&p, (dw_a_progress_t){89, 365, false}, day(2026, 3, 30));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), NONE);
    evaluate(&p, progress(0, 10000), day(2026, 4, 1));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), NONE);
    p.has_budget = false;
    p.budget_fen = 0;
    evaluate(&p, half, day(2026, 7, 2));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), NONE);
}

static void test_exec_time_leap_year(void)
{
    /* 2024-02-29 on the day basis is day 60 of 366 (rules from 01-01 here) */
    dw_a_time_cfg_t tc;
    memset(&tc, 0, sizeof tc);
    tc.basis = DW_A_BASIS_DAY;
    tc.rules_from_month = 1;
    tc.rules_from_day = 1;
    dw_a_progress_t tp = dw_a_time_progress(&tc, 2024, day(2024, 2, 29));
    CHECK_INT(tp.num, 60);
    CHECK_INT(tp.den, 366);
    CHECK(tp.rules_on);

    dw_a_project_t p;
    project(&p);
    p.fiscal_year = 2024;
    p.budget_fen = 36600000; /* 366,000.00 yuan */
    /* paid 36,000.00: 3,600,000 × 366 / (36,600,000 × 60) = 1,317,600,000 /
     * 2,196,000,000 = 0.6 exactly → yellow (with 365 days it would be
     * 3,600,000 × 365 / 2,196,000,000 = 0.5984 → red) */
    pay(&p, 3600000);
    evaluate(&p, tp, day(2024, 2, 29));
    const dw_a_finding_t *f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_YELLOW);
    CHECK(f && f->ratio_bp == 6000);
    CHECK(f && f->expected_fen == 6000000); /* 36,600,000 × 60 / 366 */
    /* paid 30,000.00: 3,000,000 × 366 / 2,196,000,000 = 0.5 → red, 50.00 % */
    pay(&p, 3000000);
    evaluate(&p, tp, day(2024, 2, 29));
    f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_RED);
    CHECK(f && f->ratio_bp == 5000);
}

static void test_exec_time_december_rush(void)
{
    /* 30 % paid by 12-01, the other 70 % in December */
    const dw_a_time_cfg_t *tc = dw_a_catalogue_time(cat);
    dw_a_project_t p;
    project(&p);
    p.paid_by_month[6] = 30000000;
    pay(&p, 30000000);
    /* 12-01 is day 31+28+31+30+31+30+31+31+30+31+30 + 1 = 335 of 365 */
    dw_a_progress_t tp = dw_a_time_progress(tc, 2026, day(2026, 12, 1));
    CHECK_INT(tp.num, 335);
    CHECK_INT(tp.den, 365);
    evaluate(&p, tp, day(2026, 12, 1));
    /* 30,000,000 × 365 / (100,000,000 × 335) = 0.326866 → red, 3268.66 bp → 3269 */
    const dw_a_finding_t *f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_RED);
    CHECK(f && f->ratio_bp == 3269);
    CHECK(f && f->expected_fen == 91780821); /* 100,000,000 × 335 / 365 = 91,780,821.9 ↓ */

    p.paid_by_month[12] = 70000000;
    pay(&p, 100000000);
    tp = dw_a_time_progress(tc, 2026, day(2026, 12, 31));
    CHECK_INT(tp.num, 365);
    evaluate(&p, tp, day(2026, 12, 31));
    f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_GREEN); /* 100 % ÷ 100 % */
    CHECK(f && f->ratio_bp == 10000);
    CHECK_INT(light(DW_A_RULE_OVER_BUDGET, ""), DW_A_GREEN); /* exactly the budget: not over */
}

static void test_exec_time_size_gate(void)
{
    dw_a_project_t p;
    project(&p);
    p.budget_fen = 1000000000; /* 10,000,000.00 yuan: exactly large_budget_yuan */
    dw_a_progress_t year = progress(1, 1);

    /* 79 % paid at 100 %: ratio 79 % (yellow by ratio), 21 points behind > 20 → red */
    pay(&p, 790000000);
    evaluate(&p, year, day(2026, 12, 31));
    const dw_a_finding_t *f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_RED);
    CHECK(f && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->thresholds : NULL, "红灯 <60%，黄灯 <80%；预算≥10000000元且落后>20个百分点 红灯");
    /* 80 %: exactly 20 points behind → not by the gate; ratio 80 % → green */
    pay(&p, 800000000);
    evaluate(&p, year, day(2026, 12, 31));
    CHECK_INT(light(DW_A_RULE_EXEC_TIME, ""), DW_A_GREEN);
    /* one fen below the size: 999,999,999 fen, 79 % → yellow by ratio only */
    p.budget_fen = 999999999;
    pay(&p, 790000000);
    evaluate(&p, year, day(2026, 12, 31));
    f = of(DW_A_RULE_EXEC_TIME, "");
    CHECK(f && f->light == DW_A_YELLOW);
    CHECK_STR(f ? f->thresholds : NULL, "红灯 <60%，黄灯 <80%");

    /* With 100 % elapsed a ratio ≥ 80 % is at most 20 points behind, so a gap
     * of 10 points shows the gate overriding a green ratio: 89 % paid at
     * 100 % → ratio 89 % green, 11 points behind > 10 → red; 90 % → 10 points
     * exactly → green. And at 50 % elapsed, 25 % paid of a large budget: ratio
     * 50 % red already, 25 points behind. */
    dw_a_catalogue_t *gap10 = catalogue_with("large_gap_points: \"20\"", "large_gap_points: \"10\"");
    CHECK(gap10 != NULL);
    if (gap10) {
        dw_a_finding_t one;
        p.budget_fen = 1000000000;
        pay(&p, 890000000);
        CHECK_INT(dw_a_rules_evaluate(gap10, &p, year, day(2026, 12, 31), &one, 1) >= 1, 1);
        CHECK_INT(one.rule->kind, DW_A_RULE_EXEC_TIME);
        CHECK_INT(one.light, DW_A_RED);
        CHECK_INT(one.ratio_bp, 8900);
        pay(&p, 900000000);
        (void)dw_a_rules_evaluate(gap10, &p, year, day(2026, 12, 31), &one, 1);
        CHECK_INT(one.light, DW_A_GREEN);
        dw_a_catalogue_destroy(&gap10);
        CHECK(gap10 == NULL);
    }
}

/* ---- 2. indicators ----------------------------------------------------------- */

static void test_indicator_positive(void)
{
    dw_a_project_t p;
    project(&p);
    form(&p, 6, day(2026, 7, 8));
    /* a level indicator: value ÷ target; target 100.00 */
    dw_a_indicator_t *ind = indicator(&p, "IND-OUT-1", DW_A_OP_GE, dec(10000, 2));
    static const struct {
        int64_t value_cents;
        int light;
        int64_t bp;
    } cases[] = {
        {6000, DW_A_YELLOW, 6000},  /* exactly 60 % → yellow */
        {5999, DW_A_RED, 5999},     /* 59.99 % → red */
        {8000, DW_A_GREEN, 8000},   /* exactly 80 % → green */
        {7999, DW_A_YELLOW, 7999},  /* 79.99 % → yellow */
        {12000, DW_A_BLUE, 12000},  /* exactly 120 % → blue (提示) */
        {11999, DW_A_GREEN, 11999}, /* 119.99 % → green */
        {0, DW_A_RED, 0},           /* nothing done → red */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        reported(ind, dec(cases[i].value_cents, 2));
        evaluate(&p, progress(1, 2), day(2026, 7, 12));
        const dw_a_finding_t *f = of(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1");
        CHECK(f != NULL);
        if (!f)
            continue;
        CHECK_INT(f->light, cases[i].light);
        CHECK_INT(f->ratio_bp, cases[i].bp);
        CHECK_INT(f->disposition, cases[i].light == DW_A_RED      ? DW_A_DISPOSE_SERIOUS
                                  : cases[i].light == DW_A_YELLOW ? DW_A_DISPOSE_OBJECTIVE
                                                                  : DW_A_DISPOSE_NONE);
        CHECK_INT(dw_a_indicator_light(cat, ind, progress(1, 2)), cases[i].light);
    }
    /* GT: the same bands during the year */
    ind->op = DW_A_OP_GT;
    reported(ind, dec(6000, 2));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), DW_A_YELLOW);

    /* cumulative, target 1000 人次 at 序时进度 50 %: 500 due to date.
     * 300 → 300 / 500 = 60 % yellow; 299 → 59.80 % red */
    ind->op = DW_A_OP_GE;
    ind->cumulative = true;
    ind->target = dec(1000, 0);
    reported(ind, dec(300, 0));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    const dw_a_finding_t *f = of(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1");
    CHECK(f && f->light == DW_A_YELLOW);
    CHECK_STR(f ? f->expected : NULL, "500.00");
    CHECK_STR(f ? f->actual : NULL, "300");
    reported(ind, dec(299, 0));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    f = of(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1");
    CHECK(f && f->light == DW_A_RED);
    CHECK(f && f->ratio_bp == 5980);
    CHECK_STR(f ? f->message : NULL,
              "项目社区养老服务补助（P2026-101-001）正向指标服务老人人次（IND-OUT-1）完成299人次，"
              "应完成500.00人次，完成进度59.80%（红灯 <60%，黄灯 <80%，蓝灯 ≥120%）");
    /* the leap day: 1000 × 60/366 = 163.93 due; 98.36 done: 98.36 × 366 /
     * (1000 × 60) = 35,999.76 / 60,000 = 0.599996 → red; 98.37 → 36,003.42 /
     * 60,000 = 0.600057 → yellow */
    reported(ind, dec(9836, 2));
    evaluate(&p, progress(60, 366), day(2024, 2, 29));
    f = of(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1");
    CHECK(f && f->light == DW_A_RED);
    CHECK_STR(f ? f->expected : NULL, "163.93");
    reported(ind, dec(9837, 2));
    evaluate(&p, progress(60, 366), day(2024, 2, 29));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), DW_A_YELLOW);
    /* before rules_from a cumulative count is not judged */
    evaluate(&p, (dw_a_progress_t){89, 365, false}, day(2026, 3, 30));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), NONE);
    CHECK_INT(dw_a_indicator_light(cat, ind, (dw_a_progress_t){89, 365, false}), DW_A_GREEN);

    /* target 0: any value ≥ 0 is green, below it red */
    ind->cumulative = false;
    ind->target = dec(0, 0);
    reported(ind, dec(0, 0));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), DW_A_GREEN);
    reported(ind, dec(-1, 0));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), DW_A_RED);

    /* no value reported: no finding, and the indicator's light is green */
    ind->has_value = false;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), NONE);
    CHECK_INT(dw_a_indicator_light(cat, ind, progress(1, 2)), DW_A_GREEN);
    ind->reported = false;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-OUT-1"), NONE);
}

static void test_indicator_reverse_equal_qual(void)
{
    dw_a_project_t p;
    project(&p);
    form(&p, 6, day(2026, 7, 8));
    dw_a_indicator_t *le = indicator(&p, "IND-COST", DW_A_OP_LE, dec(10, 0));
    dw_a_indicator_t *eq = indicator(&p, "IND-ACC", DW_A_OP_EQ, dec(0, 0));
    dw_a_indicator_t *q = indicator(&p, "IND-QUAL", DW_A_OP_QUALITATIVE, dec(0, 0));
    q->reported = q->has_value = true;

    reported(le, dec(10, 0)); /* ≤ 10: exactly 10 is within */
    reported(eq, dec(0, 2));  /* "0.00" = 0 exactly */
    q->value_qual = DW_A_QUAL_MET;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_REVERSE, "IND-COST"), DW_A_GREEN);
    CHECK_INT(light(DW_A_RULE_INDICATOR_EQUAL, "IND-ACC"), DW_A_GREEN);
    CHECK_INT(light(DW_A_RULE_INDICATOR_QUAL, "IND-QUAL"), DW_A_GREEN);
    /* the other indicator rules say nothing of these */
    CHECK_INT(light(DW_A_RULE_INDICATOR_POSITIVE, "IND-COST"), NONE);
    CHECK_INT(light(DW_A_RULE_INDICATOR_REVERSE, "IND-ACC"), NONE);

    reported(le, dec(1001, 2)); /* 10.01 > 10 → red */
    reported(eq, dec(1, 2));    /* 0.01 ≠ 0 → red */
    q->value_qual = DW_A_QUAL_PARTLY;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    const dw_a_finding_t *f = of(DW_A_RULE_INDICATOR_REVERSE, "IND-COST");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->message : NULL, "IND-COST完成10.01人次，目标10人次");
    CHECK_STR(f ? f->thresholds : NULL, "目标值 ≤10人次");
    CHECK(f && f->ratio_bp == 10010); /* 10.01 / 10 */
    CHECK_INT(light(DW_A_RULE_INDICATOR_EQUAL, "IND-ACC"), DW_A_RED);
    f = of(DW_A_RULE_INDICATOR_QUAL, "IND-QUAL");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK_STR(f ? f->message : NULL, "IND-QUAL完成情况为部分达成");
    q->value_qual = DW_A_QUAL_NOT_MET;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_QUAL, "IND-QUAL"), DW_A_RED);

    /* LT: exactly the target is not below it → red; 9.99 → green */
    le->op = DW_A_OP_LT;
    reported(le, dec(10, 0));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_REVERSE, "IND-COST"), DW_A_RED);
    reported(le, dec(999, 2));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_REVERSE, "IND-COST"), DW_A_GREEN);
    /* equal with a non-zero target, compared across scales: 95 = 95.0 */
    eq->target = dec(95, 0);
    reported(eq, dec(950, 1));
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_EQUAL, "IND-ACC"), DW_A_GREEN);

    /* no targets, or no form: no indicator findings */
    p.has_form = false;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_INDICATOR_EQUAL, "IND-ACC"), NONE);
}

/* ---- 3. projection ------------------------------------------------------------ */

static void test_projection(void)
{
    dw_a_project_t p;
    project(&p);
    form(&p, 9, day(2026, 10, 8));
    dw_a_indicator_t *ge = indicator(&p, "IND-GE", DW_A_OP_GE, dec(100, 0));
    dw_a_indicator_t *gt = indicator(&p, "IND-GT", DW_A_OP_GT, dec(100, 0));
    dw_a_indicator_t *le = indicator(&p, "IND-LE", DW_A_OP_LE, dec(10, 0));
    dw_a_indicator_t *q = indicator(&p, "IND-Q", DW_A_OP_QUALITATIVE, dec(0, 0));
    dw_a_indicator_t *none = indicator(&p, "IND-NONE", DW_A_OP_GE, dec(100, 0));
    dw_a_indicator_t *all[] = {ge, gt, le, q, none};
    for (size_t i = 0; i < 5; i++) {
        all[i]->reported = true;
        all[i]->likelihood = DW_A_LIKELY_POSSIBLE;
    }
    ge->has_projected = gt->has_projected = le->has_projected = true;
    ge->projected = dec(100, 0); /* GE: 100 meets 100 → green */
    gt->projected = dec(100, 0); /* GT: 100 does not exceed 100 → yellow */
    le->projected = dec(11, 0);  /* LE: 11 > 10 → yellow */
    q->projected_qual = DW_A_QUAL_PARTLY;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-GE"), DW_A_GREEN);
    const dw_a_finding_t *f = of(DW_A_RULE_PROJECTION, "IND-GT");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK_STR(f ? f->message : NULL, "IND-GT全年预计100人次，目标100人次");
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-LE"), DW_A_YELLOW);
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-Q"), DW_A_YELLOW);
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-NONE"), NONE); /* no projection, not impossible */

    /* GE one short: 99.99 → yellow; 完全不可能 → red whatever is projected */
    ge->projected = dec(9999, 2);
    none->likelihood = DW_A_LIKELY_IMPOSSIBLE;
    gt->projected = dec(120, 0);
    gt->likelihood = DW_A_LIKELY_IMPOSSIBLE;
    q->projected_qual = DW_A_QUAL_MET;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-GE"), DW_A_YELLOW);
    f = of(DW_A_RULE_PROJECTION, "IND-NONE");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->actual : NULL, "完全不可能");
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-GT"), DW_A_RED);
    CHECK_INT(light(DW_A_RULE_PROJECTION, "IND-Q"), DW_A_GREEN);
}

/* ---- 4. unspent ---------------------------------------------------------------- */

static void test_unspent(void)
{
    dw_a_project_t p;
    project(&p);
    form(&p, 9, day(2026, 10, 8));
    /* projected 700,000.00 of 1,000,000.00: exactly 30 % unspent → not above
     * red_above 30, above yellow_above 10 → yellow */
    p.form_projected_fen = 70000000;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    const dw_a_finding_t *f = of(DW_A_RULE_UNSPENT, "");
    CHECK(f && f->light == DW_A_YELLOW);
    CHECK(f && f->ratio_bp == 3000);
    /* one fen less projected: 30,000,001 / 100,000,000 = 30.000001 % → red */
    p.form_projected_fen = 69999999;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    f = of(DW_A_RULE_UNSPENT, "");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK(f && f->expected_fen == 100000000 && f->actual_fen == 69999999);
    /* money as yuan with 元 (the template writes none) */
    CHECK_STR(f ? f->message : NULL, "项目P2026-101-001（1-9月监控表）预计全年执行699,999.99元，预算1,000,000.00元，"
                                     "预计结转结余占30.00%（红灯 >30%，黄灯 >10%）");
    /* exactly 10 % → green; 10.000001 % → yellow */
    p.form_projected_fen = 90000000;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_UNSPENT, ""), DW_A_GREEN);
    p.form_projected_fen = 89999999;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_UNSPENT, ""), DW_A_YELLOW);
    /* projected beyond the budget: nothing left over → green */
    p.form_projected_fen = 120000000;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_UNSPENT, ""), DW_A_GREEN);
    /* no form: no finding */
    p.has_form = false;
    evaluate(&p, progress(273, 365), day(2026, 10, 12));
    CHECK_INT(light(DW_A_RULE_UNSPENT, ""), NONE);
}

/* ---- 5. carry_over --------------------------------------------------------------- */

static void test_carry_over(void)
{
    dw_a_project_t p;
    project(&p);
    p.carry_over_fen = 100000000; /* 1,000,000.00 yuan: exactly min_yuan */
    p.budget_fen = 150000000;
    /* 06-30, paid 500,000.00: unspent 50,000,000 / 100,000,000 = exactly 50 %
     * → not above → green */
    pay(&p, 50000000);
    evaluate(&p, progress(181, 365), day(2026, 6, 30));
    CHECK_INT(light(DW_A_RULE_CARRY_OVER, ""), DW_A_GREEN);
    /* one fen less paid: 50,000,001 unspent = 50.000001 % → yellow */
    pay(&p, 49999999);
    evaluate(&p, progress(181, 365), day(2026, 6, 30));
    const dw_a_finding_t *f = of(DW_A_RULE_CARRY_OVER, "");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK(f && f->expected_fen == 100000000 && f->actual_fen == 50000001);
    /* the template writes 元 itself: not twice */
    CHECK_STR(f ? f->message : NULL, "上年结转资金1,000,000.00元，截至2026-06-30尚有500,000.01元未支付，占50.00%"
                                     "（结转≥1000000元，6月30日后未支付>50% 黄灯）");
    /* the day before by_month/by_day: no finding */
    evaluate(&p, progress(180, 365), day(2026, 6, 29));
    CHECK_INT(light(DW_A_RULE_CARRY_OVER, ""), NONE);
    /* paid beyond the carry-over: none of it left → green */
    pay(&p, 120000000);
    evaluate(&p, progress(181, 365), day(2026, 6, 30));
    f = of(DW_A_RULE_CARRY_OVER, "");
    CHECK(f && f->light == DW_A_GREEN && f->actual_fen == 0);
    /* one fen below min_yuan: no finding */
    p.carry_over_fen = 99999999;
    pay(&p, 0);
    evaluate(&p, progress(181, 365), day(2026, 6, 30));
    CHECK_INT(light(DW_A_RULE_CARRY_OVER, ""), NONE);
}

/* ---- 6. idle_new ---------------------------------------------------------------- */

static void test_idle_new(void)
{
    dw_a_project_t p;
    project(&p);
    p.new_this_year = true;
    p.approved = day(2026, 3, 1);
    /* 03-01 + 90 days = 05-30 (30 days to 03-31, 30 more to 04-30, 30 to 05-30) */
    evaluate(&p, progress(150, 365), day(2026, 5, 30));
    const dw_a_finding_t *f = of(DW_A_RULE_IDLE_NEW, "");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK_STR(f ? f->actual : NULL, "90");
    CHECK_STR(f ? f->message : NULL, "批复后90天仍无支付（批复后≥90天无支付 黄灯）");
    /* 89 days: no finding yet */
    evaluate(&p, progress(149, 365), day(2026, 5, 29));
    CHECK_INT(light(DW_A_RULE_IDLE_NEW, ""), NONE);
    /* a payment: green */
    pay(&p, 100);
    evaluate(&p, progress(150, 365), day(2026, 5, 30));
    CHECK_INT(light(DW_A_RULE_IDLE_NEW, ""), DW_A_GREEN);
    /* a project with carry-over (not new) or no known approval: nothing */
    pay(&p, 0);
    p.new_this_year = false;
    evaluate(&p, progress(150, 365), day(2026, 5, 30));
    CHECK_INT(light(DW_A_RULE_IDLE_NEW, ""), NONE);
    p.new_this_year = true;
    p.approved = (dw_date_t){0, 0, 0};
    evaluate(&p, progress(150, 365), day(2026, 5, 30));
    CHECK_INT(light(DW_A_RULE_IDLE_NEW, ""), NONE);
}

/* ---- 7. compliance ------------------------------------------------------------ */

static void test_compliance(void)
{
    dw_a_project_t p;
    project(&p);
    /* paid exactly the budget: not over */
    pay(&p, 100000000);
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    const dw_a_finding_t *f = of(DW_A_RULE_OVER_BUDGET, "");
    CHECK(f && f->light == DW_A_GREEN && f->disposition == DW_A_DISPOSE_NONE);
    CHECK_STR(f ? f->message : NULL,
              "项目社区养老服务补助（P2026-101-001）未发现超预算开支（支付超过变动后预算 红灯）");
    CHECK_INT(light(DW_A_RULE_NO_BUDGET, ""), DW_A_GREEN);
    CHECK_INT(light(DW_A_RULE_ON_HOLD, ""), DW_A_GREEN);
    CHECK_INT(light(DW_A_RULE_ECON_MISMATCH, ""), DW_A_GREEN);
    /* one fen over, whatever the flags say (over_budget_fen left 0) */
    pay(&p, 100000001);
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    f = of(DW_A_RULE_OVER_BUDGET, "");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK(f && f->expected_fen == 100000000 && f->actual_fen == 100000001);
    CHECK_STR(f ? f->message : NULL, "累计支付1,000,000.01元，超过变动后预算1,000,000.00元");

    /* flags: on hold → red, an economic code outside the lines → yellow */
    pay(&p, 5000000);
    p.on_hold_fen = 200000;
    p.econ_mismatch_fen = 30000;
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    f = of(DW_A_RULE_ON_HOLD, "");
    CHECK(f && f->light == DW_A_RED && f->actual_fen == 200000);
    f = of(DW_A_RULE_ECON_MISMATCH, "");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK_STR(f ? f->message : NULL, "经济分类不符300.00元");

    /* no budget line at all, 1,234.56 paid: 无预算开支 red; not also 超预算 */
    project(&p);
    p.has_budget = false;
    p.budget_fen = 0;
    pay(&p, 123456);
    p.no_budget_fen = 123456;
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    f = of(DW_A_RULE_NO_BUDGET, "");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->message : NULL, "无预算已支付1,234.56元");
    CHECK_INT(light(DW_A_RULE_OVER_BUDGET, ""), NONE);

    /* nothing paid, nothing approved: no compliance finding at all */
    project(&p);
    p.has_budget = false;
    p.budget_fen = 0;
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    CHECK_INT(n_found, 0);
    /* a budget and no payment: no 无预算 finding (nothing paid), the rest green */
    project(&p);
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    CHECK_INT(light(DW_A_RULE_NO_BUDGET, ""), NONE);
    CHECK_INT(light(DW_A_RULE_OVER_BUDGET, ""), DW_A_GREEN);
}

/* ---- 11. task_overdue ---------------------------------------------------------- */

static void test_task_overdue(void)
{
    dw_a_project_t p;
    project(&p);
    /* nothing the department holds is late: no finding */
    evaluate(&p, progress(286, 365), day(2026, 10, 13));
    CHECK_INT(light(DW_A_RULE_TASK_OVERDUE, ""), NONE);
    /* a form due Saturday 10 October (a working day), judged on the 13th: 3 days late, yellow */
    p.has_task_overdue = true;
    p.task_due = day(2026, 10, 10);
    snprintf(p.task_doc, sizeof p.task_doc, "monitor_report MR-2026-P2026-101-001-09");
    evaluate(&p, progress(286, 365), day(2026, 10, 13));
    const dw_a_finding_t *f = of(DW_A_RULE_TASK_OVERDUE, "");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_NONE);
    CHECK_STR(f ? f->expected : NULL, "2026-10-10");
    CHECK_STR(f ? f->actual : NULL, "monitor_report MR-2026-P2026-101-001-09");
    /* 10 days late still yellow (10-20); 11 days red (10-21) */
    evaluate(&p, progress(293, 365), day(2026, 10, 20));
    CHECK_INT(light(DW_A_RULE_TASK_OVERDUE, ""), DW_A_YELLOW);
    evaluate(&p, progress(294, 365), day(2026, 10, 21));
    f = of(DW_A_RULE_TASK_OVERDUE, "");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->message : NULL,
              "流程事项（monitor_report MR-2026-P2026-101-001-09）应于2026-10-10前办理，已逾期11天"
              "（逾期 黄灯，逾期>10天 红灯）");
}

/* ---- 8. form_overdue ---------------------------------------------------------- */

static void test_form_overdue(void)
{
    dw_a_project_t p;
    project(&p);
    /* up to and on the due date (07-10) the form is not late: no finding */
    evaluate(&p, progress(190, 365), day(2026, 7, 9));
    CHECK_INT(light(DW_A_RULE_FORM_OVERDUE, ""), NONE);
    evaluate(&p, progress(191, 365), day(2026, 7, 10));
    CHECK_INT(light(DW_A_RULE_FORM_OVERDUE, ""), NONE);
    /* the day after with no form: yellow, 1 day late; no disposition for yellow */
    evaluate(&p, progress(192, 365), day(2026, 7, 11));
    const dw_a_finding_t *f = of(DW_A_RULE_FORM_OVERDUE, "");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_NONE);
    CHECK_STR(f ? f->expected : NULL, "2026-07-10");
    CHECK_STR(f ? f->actual : NULL, "未报送");
    /* 07-25: 15 days late, still yellow; 07-26: 16 > 15 → red */
    evaluate(&p, progress(206, 365), day(2026, 7, 25));
    CHECK_INT(light(DW_A_RULE_FORM_OVERDUE, ""), DW_A_YELLOW);
    evaluate(&p, progress(207, 365), day(2026, 7, 26));
    f = of(DW_A_RULE_FORM_OVERDUE, "");
    CHECK(f && f->light == DW_A_RED && f->disposition == DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f ? f->message : NULL,
              "1-6月绩效运行监控表应于2026-07-10前报送，已逾期16天（逾期 黄灯，逾期>15天 红灯）");
    /* submitted (late or not): green, the submitted date as the actual */
    form(&p, 6, day(2026, 7, 27));
    evaluate(&p, progress(208, 365), day(2026, 7, 27));
    f = of(DW_A_RULE_FORM_OVERDUE, "");
    CHECK(f && f->light == DW_A_GREEN);
    CHECK_STR(f ? f->actual : NULL, "2026-07-27");
    /* the next round: the 1-6月 form does not answer 1-9月 due 10-10 */
    evaluate(&p, progress(284, 365), day(2026, 10, 11));
    f = of(DW_A_RULE_FORM_OVERDUE, "");
    CHECK(f && f->light == DW_A_YELLOW);
    CHECK_STR(f ? f->expected : NULL, "2026-10-10");
    /* a project with neither targets nor budget is not asked for a form */
    project(&p);
    p.has_budget = false;
    evaluate(&p, progress(207, 365), day(2026, 7, 26));
    CHECK_INT(light(DW_A_RULE_FORM_OVERDUE, ""), NONE);
}

/* ---- 9. form_no_cause ---------------------------------------------------------- */

static void test_form_no_cause(void)
{
    dw_a_project_t p;
    project(&p);
    form(&p, 6, day(2026, 7, 8));
    dw_a_indicator_t *off = indicator(&p, "IND-OFF", DW_A_OP_GE, dec(100, 0));
    dw_a_indicator_t *fine = indicator(&p, "IND-FINE", DW_A_OP_GE, dec(100, 0));
    reported(off, dec(60, 0));  /* 60 % → yellow indicator */
    reported(fine, dec(90, 0)); /* 90 % → green indicator */
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    const dw_a_finding_t *f = of(DW_A_RULE_FORM_NO_CAUSE, "IND-OFF");
    CHECK(f && f->light == DW_A_YELLOW && f->disposition == DW_A_DISPOSE_OBJECTIVE);
    CHECK_STR(f ? f->message : NULL, "1-6月监控表中指标IND-OFF偏离绩效目标，未说明偏差原因");
    CHECK_INT(light(DW_A_RULE_FORM_NO_CAUSE, "IND-FINE"), DW_A_GREEN);
    /* a cause given: green */
    off->has_cause = true;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_FORM_NO_CAUSE, "IND-OFF"), DW_A_GREEN);
    /* red without a cause: yellow finding as well */
    off->has_cause = false;
    off->value = dec(10, 0);
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_FORM_NO_CAUSE, "IND-OFF"), DW_A_YELLOW);
    /* no form: nothing */
    p.has_form = false;
    evaluate(&p, progress(1, 2), day(2026, 7, 12));
    CHECK_INT(light(DW_A_RULE_FORM_NO_CAUSE, "IND-OFF"), NONE);
}

/* ---- 10. reconciliation, worst, capacity, disabled rules, long text --------------- */

static void test_reconciliation(void)
{
    dw_a_finding_t f;
    /* 120 payments, 12,345.00 yuan from the treasury; 119 and 12,300.00 stored */
    dw_a_rules_reconciliation(cat, day(2026, 7, 1), 120, 1234500, 119, 1230000, &f);
    CHECK_INT(f.light, DW_A_RED);
    CHECK_INT(f.disposition, DW_A_DISPOSE_SERIOUS);
    CHECK_STR(f.subject, "2026-07-01");
    CHECK_STR(f.expected, "120笔 12,345.00元");
    CHECK_STR(f.actual, "119笔 12,300.00元");
    CHECK_INT(f.expected_fen, 1234500);
    CHECK_INT(f.actual_fen, 1230000);
    CHECK_STR(f.message, "2026-07-01国库对账不符：国库120笔 12,345.00元，本系统119笔 12,300.00元");
    /* the same count, one fen apart: red */
    dw_a_rules_reconciliation(cat, day(2026, 7, 1), 120, 1234500, 120, 1234499, &f);
    CHECK_INT(f.light, DW_A_RED);
    /* agreeing: green, no disposition */
    dw_a_rules_reconciliation(cat, day(2026, 7, 1), 120, 1234500, 120, 1234500, &f);
    CHECK_INT(f.light, DW_A_GREEN);
    CHECK_INT(f.disposition, DW_A_DISPOSE_NONE);
    CHECK_STR(f.message, "2026-07-01未发现国库对账不符（笔数或金额不符 红灯）");
}

static void test_worst_capacity_disabled(void)
{
    dw_a_project_t p;
    project(&p);
    pay(&p, 30000000); /* exec 60 % of schedule: yellow */
    p.on_hold_fen = 1; /* red */
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    /* exec_time, no_budget, over_budget, on_hold, econ_mismatch: 5 findings
     * (no form, no targets, no carry-over, not new; form_overdue: 07-02 is
     * before the first due date) */
    CHECK_INT(n_found, 5);
    CHECK_INT(dw_a_worst(found, n_found), DW_A_RED);
    CHECK_INT(dw_a_worst(found, 1), DW_A_YELLOW); /* exec_time alone */
    CHECK_INT(dw_a_worst(NULL, 0), DW_A_GREEN);
    CHECK_STR(dw_a_light_name(DW_A_BLUE), "blue");
    CHECK_STR(dw_a_light_name(DW_A_RED), "red");

    /* an array too small: as many as fit written, all counted */
    dw_a_finding_t two[2];
    CHECK_INT(dw_a_rules_evaluate(cat, &p, progress(1, 2), day(2026, 7, 2), two, 2), 5);
    CHECK_INT(two[0].rule->kind, DW_A_RULE_EXEC_TIME);
    CHECK_INT(two[1].rule->kind, DW_A_RULE_NO_BUDGET);
    CHECK_INT(dw_a_rules_evaluate(cat, &p, progress(1, 2), day(2026, 7, 2), NULL, 0), 5);

    /* a disabled rule gives no finding */
    dw_a_catalogue_t *off = catalogue_with("    title: 预算执行进度滞后\n    enabled: true\n",
                                           "    title: 预算执行进度滞后\n    enabled: false\n");
    CHECK(off != NULL);
    if (off) {
        dw_a_finding_t some[8];
        CHECK_INT(dw_a_rules_evaluate(off, &p, progress(1, 2), day(2026, 7, 2), some, 8), 4);
        CHECK_INT(some[0].rule->kind, DW_A_RULE_NO_BUDGET);
        dw_a_catalogue_destroy(&off);
    }
}

static void test_long_message(void)
{
    /* on_hold's test template: a 53-character name three times (3 × 159 = 477
     * bytes), then 24 characters of text (72 bytes): 549 > 511, so the text is
     * cut on a character boundary after 11 of them: 477 + 33 = 510 bytes */
    dw_a_project_t p;
    project(&p);
    char name[160] = "";
    for (int i = 0; i < 53; i++)
        strcat(name, "预");
    snprintf(p.project_name, sizeof p.project_name, "%s", name);
    pay(&p, 100);
    p.on_hold_fen = 100;
    evaluate(&p, progress(1, 2), day(2026, 7, 2));
    const dw_a_finding_t *f = of(DW_A_RULE_ON_HOLD, "");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(strlen(f->message), 510);
        CHECK_INT(strncmp(f->message, name, 159), 0);
        CHECK_STR(f->message + 477, "暂停拨付期间支付暂停拨");
    }
}

/* The shipped catalogue built in: the same lights, and money not followed by 元 twice. */
static void test_shipped_catalogue(void)
{
    char err[512];
    dw_a_catalogue_t *shipped = dw_a_catalogue_builtin(err, sizeof err);
    CHECK(shipped != NULL);
    if (!shipped) {
        fprintf(stderr, "builtin: %s\n", err);
        return;
    }
    dw_a_project_t p;
    project(&p);
    pay(&p, 30000000);
    form(&p, 9, day(2026, 10, 8));
    p.form_projected_fen = 69999999;
    dw_a_finding_t f[32];
    size_t n = dw_a_rules_evaluate(shipped, &p, progress(1, 2), day(2026, 10, 12), f, 32);
    CHECK(n > 0 && n <= 32);
    int exec = NONE, unspent = NONE;
    for (size_t i = 0; i < n && i < 32; i++) {
        CHECK(strstr(f[i].message, "元元") == NULL);
        if (f[i].rule->kind == DW_A_RULE_EXEC_TIME)
            exec = (int)f[i].light;
        if (f[i].rule->kind == DW_A_RULE_UNSPENT)
            unspent = (int)f[i].light;
    }
    CHECK_INT(exec, DW_A_YELLOW); /* 30 % ÷ 50 % = 60 % */
    CHECK_INT(unspent, DW_A_RED); /* 30.000001 % unspent */
    dw_a_catalogue_destroy(&shipped);
}

int main(void)
{
    cat = catalogue_with(NULL, NULL);
    CHECK(cat != NULL);
    if (!cat)
        DW_TEST_DONE();
    test_exec_time_bands();
    test_exec_time_leap_year();
    test_exec_time_december_rush();
    test_exec_time_size_gate();
    test_indicator_positive();
    test_indicator_reverse_equal_qual();
    test_projection();
    test_unspent();
    test_carry_over();
    test_idle_new();
    test_compliance();
    test_form_overdue();
    test_task_overdue();
    test_form_no_cause();
    test_reconciliation();
    test_worst_capacity_disabled();
    test_long_message();
    test_shipped_catalogue();
    dw_a_catalogue_destroy(&cat);
    DW_TEST_DONE();
}
