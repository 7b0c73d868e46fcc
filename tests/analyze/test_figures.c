/* analyze.figures — the dashboard's figures (a_figures) on six hand-built
 * projects of three departments at 2026-06-30, with hand-built findings
 * (their rules from the shipped catalogue, so that each finding carries its
 * category). Every expected figure is worked out by hand beside it.
 *
 * 序时进度 at 2026-06-30 (basis day): 31+28+31+30+31+30 = 181 days of 365 →
 * 181/365, time rules on (after 03-31).
 *
 *   101 P1  budget 365,000,000  paid 150,000,000  targets, form   findings: target yellow ×2
 *       P2  budget 146,000,000  paid  30,000,000  no targets      findings: exec red
 *   102 P3  budget  73,000,000  paid  50,000,000  targets, no form (nothing reported)
 *       P4  no budget, no targets, paid 1,000,000 (outside monitoring)  findings: compliance red
 *   103 P5  budget 2 fen, paid 1 fen (expected exactly 0)          findings: exec yellow, compliance yellow
 *       P6  targets only (no budget), form                         findings: target red, target yellow */
#include <stdio.h>
#include <string.h>

#include "a_figures.h"
#include "dw_test.h"

static dw_a_catalogue_t *cat;

static dw_decimal_t dec(int64_t units, int scale)
{
    return (dw_decimal_t){units, scale};
}

static void project(dw_a_project_t *p, const char *code, const char *dept, int64_t budget_fen, int64_t paid_fen)
{
    dw_a_project_init(p, 2026, code);
    snprintf(p->project_name, sizeof p->project_name, "项目%s", code);
    snprintf(p->dept_code, sizeof p->dept_code, "%s", dept);
    p->has_budget = budget_fen != 0;
    p->budget_fen = budget_fen;
    p->annual_fen = budget_fen;
    p->paid_fen = paid_fen;
    p->has_payment = paid_fen != 0;
}

static dw_a_indicator_t *indicator(dw_a_project_t *p, dw_a_level1_t level1, dw_a_op_t op, dw_decimal_t target,
                                   dw_decimal_t weight)
{
    dw_a_indicator_t *ind = &p->indicators[p->n_indicators];
    memset(ind, 0, sizeof *ind);
    snprintf(ind->code, sizeof ind->code, "IND-%03zu", p->n_indicators + 1);
    snprintf(ind->name, sizeof ind->name, "指标%zu", p->n_indicators + 1);
    ind->level1 = level1;
    ind->op = op;
    ind->target = target;
    ind->weight = weight;
    p->n_indicators++;
    p->has_targets = true;
    return ind;
}

static void value(dw_a_indicator_t *ind, dw_decimal_t v, dw_decimal_t projected)
{
    ind->reported = true;
    ind->has_value = true;
    ind->value = v;
    ind->has_projected = true;
    ind->projected = projected;
    ind->likelihood = DW_A_LIKELY_CERTAIN;
}

static void qual(dw_a_indicator_t *ind, dw_a_qual_t v, dw_a_qual_t projected)
{
    ind->reported = true;
    ind->has_value = true;
    ind->value_qual = v;
    ind->has_projected = true;
    ind->projected_qual = projected;
    ind->likelihood = DW_A_LIKELY_CERTAIN;
}

static dw_a_finding_t finding(dw_a_rule_kind_t kind, dw_a_light_t light)
{
    dw_a_finding_t f;
    memset(&f, 0, sizeof f);
    f.rule = dw_a_catalogue_rule(cat, kind);
    f.light = light;
    return f;
}

static int add(dw_a_figures_t *fig, const dw_a_project_t *p, const dw_a_finding_t *f, size_t n)
{
    char err[256] = "";
    int rc = dw_a_figures_add(fig, p, f, n, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "dw_a_figures_add: %s\n", err);
    return rc;
}

/* static: each project holds room for 200 indicators */
static dw_a_project_t p1, p2, p3, p4, p5, p6;

static void build(void)
{
    /* P1: budget 3,650,000.00 yuan, paid 1,500,000.00; the form projects 3,300,000.00 */
    project(&p1, "P2026-101-001", "101", 365000000, 150000000);
    p1.has_form = true;
    p1.form_period_month = 6;
    p1.form_projected_fen = 330000000;
    /* IND-001 output ≥ 100, cumulative, weight 30: 30 ÷ (100 × 181/365) = 10950/18100 = 60.50 % → yellow */
    dw_a_indicator_t *i = indicator(&p1, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(100, 0), dec(30, 0));
    i->cumulative = true;
    value(i, dec(30, 0), dec(100, 0));
    /* IND-002 effect, qualitative, weight 20: 达成 → green */
    qual(indicator(&p1, DW_A_L1_EFFECT, DW_A_OP_QUALITATIVE, dec(0, 0), dec(20, 0)), DW_A_QUAL_MET, DW_A_QUAL_MET);
    /* IND-003 satisfaction ≥ 90 (a level), weight 10: 95 ÷ 90 = 105.6 % → green */
    value(indicator(&p1, DW_A_L1_SATISFACTION, DW_A_OP_GE, dec(90, 0), dec(10, 0)), dec(95, 0), dec(95, 0));
    /* IND-004 output ≤ 5, weight 20: not on the form (not reported) */
    indicator(&p1, DW_A_L1_OUTPUT, DW_A_OP_LE, dec(5, 0), dec(20, 0));

    /* P2: budget 1,460,000.00, paid 300,000.00, no targets */
    project(&p2, "P2026-101-002", "101", 146000000, 30000000);

    /* P3: budget 730,000.00, paid 500,000.00 (ahead of 序时进度); targets, no form */
    project(&p3, "P2026-102-001", "102", 73000000, 50000000);
    indicator(&p3, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(100, 0), dec(50, 0));

    /* P4: 10,000.00 paid with no budget line and no targets */
    project(&p4, "P2026-102-009", "102", 0, 1000000);

    /* P5: budget 2 fen, paid 1 fen */
    project(&p5, "P2026-103-001", "103", 2, 1);

    /* P6: targets only, a form */
    project(&p6, "P2026-103-002", "103", 0, 0);
    p6.has_form = true;
    p6.form_period_month = 6;
    /* IND-001 output = 10, weight 40: 10 → met, green */
    value(indicator(&p6, DW_A_L1_OUTPUT, DW_A_OP_EQ, dec(10, 0), dec(40, 0)), dec(10, 0), dec(10, 0));
    /* IND-002 output ≥ 80 (a level), weight 60: 40 ÷ 80 = 50 % → red */
    value(indicator(&p6, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(80, 0), dec(60, 0)), dec(40, 0), dec(40, 0));
    /* IND-003 effect ≥ 50, weight 12.5: 60 ÷ 50 = 120 % → blue (no deviation) */
    value(indicator(&p6, DW_A_L1_EFFECT, DW_A_OP_GE, dec(50, 0), dec(125, 1)), dec(60, 0), dec(60, 0));
}

static void test_bureau_at_june_30(void)
{
    dw_a_progress_t tp = {181, 365, true};
    dw_a_figures_t *fig = dw_a_figures_new(cat, 2026, tp);
    CHECK(fig != NULL);
    if (!fig)
        return;
    build();
    dw_a_finding_t f1[] = {
        finding(DW_A_RULE_EXEC_TIME, DW_A_GREEN),      finding(DW_A_RULE_INDICATOR_POSITIVE, DW_A_YELLOW),
        finding(DW_A_RULE_INDICATOR_QUAL, DW_A_GREEN), finding(DW_A_RULE_PROJECTION, DW_A_GREEN),
        finding(DW_A_RULE_OVER_BUDGET, DW_A_GREEN),    finding(DW_A_RULE_FORM_NO_CAUSE, DW_A_YELLOW)};
    dw_a_finding_t f2[] = {finding(DW_A_RULE_EXEC_TIME, DW_A_RED), finding(DW_A_RULE_OVER_BUDGET, DW_A_GREEN)};
    dw_a_finding_t f3[] = {finding(DW_A_RULE_EXEC_TIME, DW_A_GREEN), finding(DW_A_RULE_OVER_BUDGET, DW_A_GREEN)};
    dw_a_finding_t f4[] = {finding(DW_A_RULE_NO_BUDGET, DW_A_RED)};
    dw_a_finding_t f5[] = {finding(DW_A_RULE_UNSPENT, DW_A_YELLOW), finding(DW_A_RULE_ECON_MISMATCH, DW_A_YELLOW),
                           finding(DW_A_RULE_OVER_BUDGET, DW_A_GREEN)};
    dw_a_finding_t f6[] = {finding(DW_A_RULE_INDICATOR_POSITIVE, DW_A_RED),
                           finding(DW_A_RULE_INDICATOR_POSITIVE, DW_A_BLUE),
                           finding(DW_A_RULE_PROJECTION, DW_A_YELLOW)};
    /* out of department order: the departments come out sorted */
    CHECK_INT(add(fig, &p6, f6, 3), 0);
    CHECK_INT(add(fig, &p3, f3, 2), 0);
    CHECK_INT(add(fig, &p1, f1, 6), 0);
    CHECK_INT(add(fig, &p4, f4, 1), 0);
    CHECK_INT(add(fig, &p2, f2, 2), 0);
    CHECK_INT(add(fig, &p5, f5, 3), 0);

    CHECK_INT(dw_a_figures_dept_count(fig), 3);
    CHECK_INT(dw_a_figures_project_count(fig), 6);
    const dw_a_dept_figures_t *d101 = dw_a_figures_dept(fig, 0), *d102 = dw_a_figures_dept(fig, 1),
                              *d103 = dw_a_figures_dept(fig, 2);
    CHECK(d101 && d102 && d103 && dw_a_figures_dept(fig, 3) == NULL);
    if (!d101 || !d102 || !d103) {
        dw_a_figures_destroy(&fig);
        return;
    }
    CHECK_STR(d101->dept_code, "101");
    CHECK_STR(d102->dept_code, "102");
    CHECK_STR(d103->dept_code, "103");
    CHECK(dw_a_figures_find_dept(fig, "102") == d102);
    CHECK(dw_a_figures_find_dept(fig, "104") == NULL);

    /* ---- P1 alone (added third) */
    const dw_a_project_figures_t *pf1 = dw_a_figures_project(fig, 2);
    CHECK(pf1 != NULL);
    if (pf1) {
        const dw_a_tally_t *t = &pf1->tally;
        CHECK_STR(pf1->project_code, "P2026-101-001");
        CHECK_STR(pf1->dept_code, "101");
        /* expected 365,000,000 × 181/365 = 1,000,000 × 181 = 181,000,000 */
        CHECK_INT(t->expected_fen, 181000000);
        /* 150,000,000 ÷ 365,000,000 = 0.4109589… → 4109.59 bp → 4110 */
        CHECK_INT(t->exec_rate_bp, 4110);
        /* paid below expected: |150,000,000 − 181,000,000| ÷ 181,000,000 = 31/181 = 0.1712707… → 1713 */
        CHECK_INT(t->exec_deviation_bp, 1713);
        /* reported 30 + 20 + 10 = 60 (IND-004 not reported), deviating IND-001's 30: 30/60 = 5000 bp */
        CHECK_INT(t->indicators_reported, 3);
        CHECK_INT(t->indicators_deviating, 1);
        CHECK_INT(t->indicator_deviation_bp, 5000);
        CHECK_INT(t->target_yellow, 2);
        CHECK_INT(t->light, DW_A_YELLOW);
        /* score, values to date:
         *   预算执行 10 × 150/365 = 4.10959 points → 4110 mp
         *   产出 50: IND-001 (30) and IND-004 (20) share it: IND-001 50 × 30/50 = 30 points × 30/100 = 9000 mp,
         *            IND-004 no value 0 → 9000
         *   效益 30: IND-002 alone, 达成 → 30000;  满意度 10: IND-003 min(1, 95/90) → 10000
         *   4110 + 9000 + 30000 + 10000 = 53110 mp = 53.11 → 差 (< 60) */
        CHECK_INT(pf1->score.execution_mp, 4110);
        CHECK_INT(pf1->score.output_mp, 9000);
        CHECK_INT(pf1->score.total_mp, 53110);
        CHECK_INT(pf1->score.grade, DW_A_GRADE_POOR);
        /* projected: 预算执行 10 × 330/365 = 9.04110 → 9041 mp; IND-001 projected 100 of 100 → 30000;
         * IND-004 nothing; 效益 30000; 满意度 10000 → 9041 + 30000 + 30000 + 10000 = 79041 → 中 (60 ≤ 79.041 < 80) */
        CHECK_INT(pf1->projected_score.execution_mp, 9041);
        CHECK_INT(pf1->projected_score.total_mp, 79041);
        CHECK_INT(pf1->projected_score.grade, DW_A_GRADE_FAIR);
    }
    /* ---- P2 (added fifth): 10 × 30/146 = 2.05479 points → 2055 mp, nothing else: 差;
     * paid below expected 146,000,000 × 181/365 = 400,000 × 181 = 72,400,000:
     * 42,400,000 ÷ 72,400,000 = 0.585635… → 5856 */
    const dw_a_project_figures_t *pf2 = dw_a_figures_project(fig, 4);
    CHECK(pf2 && strcmp(pf2->project_code, "P2026-101-002") == 0);
    if (pf2) {
        CHECK_INT(pf2->tally.expected_fen, 72400000);
        CHECK_INT(pf2->tally.exec_deviation_bp, 5856);
        CHECK_INT(pf2->score.total_mp, 2055);
        CHECK_INT(pf2->score.grade, DW_A_GRADE_POOR);
        CHECK_INT(pf2->tally.light, DW_A_RED);
        CHECK_INT(pf2->tally.indicators_reported, 0);
        CHECK_INT(pf2->tally.indicator_deviation_bp, 0);
    }
    /* ---- P6 (added first): no budget: execution 0; 产出 50 over weights 40 + 60 = 100:
     * IND-001 = met → 50 × 40/100 = 20000 mp, IND-002 40/80 → 50 × 60/100 × 0.5 = 15000 mp;
     * 效益 30: IND-003 alone, min(1, 60/50) → 30000; 满意度 none → 0; 65000 mp → 中 */
    const dw_a_project_figures_t *pf6 = dw_a_figures_project(fig, 0);
    CHECK(pf6 && strcmp(pf6->project_code, "P2026-103-002") == 0);
    if (pf6) {
        CHECK_INT(pf6->score.execution_mp, 0);
        CHECK_INT(pf6->score.output_mp, 35000);
        CHECK_INT(pf6->score.total_mp, 65000);
        CHECK_INT(pf6->score.grade, DW_A_GRADE_FAIR);
        CHECK(!pf6->tally.has_exec_rate); /* no budget: no rate */
        /* reported 40 + 60 + 12.5 = 112.5; IND-002 red (60), IND-003 blue is no deviation:
         * 60 ÷ 112.5 = 0.53333… → 5333 */
        CHECK_INT(pf6->tally.indicators_reported, 3);
        CHECK_INT(pf6->tally.indicators_deviating, 1);
        CHECK_INT(pf6->tally.indicator_deviation_bp, 5333);
    }

    /* ---- 101: P1 + P2 */
    const dw_a_tally_t *t = &d101->tally;
    CHECK_INT(t->projects, 2);
    CHECK_INT(t->monitored, 2);
    CHECK_INT(t->budget_fen, 511000000);   /* 365,000,000 + 146,000,000 */
    CHECK_INT(t->paid_fen, 180000000);     /* 150,000,000 + 30,000,000 */
    CHECK_INT(t->expected_fen, 253400000); /* 181,000,000 + 72,400,000 */
    CHECK(t->has_exec_rate);
    CHECK_INT(t->exec_rate_bp, 3523); /* 180 ÷ 511 = 0.3522504… → 3522.50 bp → 3523 */
    CHECK_INT(t->timed_paid_fen, 180000000);
    CHECK_INT(t->timed_expected_fen, 253400000);
    /* paid below: |180,000,000 − 253,400,000| = 73,400,000 ÷ 253,400,000 = 0.2896606… → 2897 */
    CHECK_INT(t->exec_deviation_bp, 2897);
    CHECK_INT(t->exec_red, 1); /* P2's exec_time */
    CHECK_INT(t->exec_yellow, 0);
    CHECK_INT(t->target_red, 0);
    CHECK_INT(t->target_yellow, 2); /* P1's indicator_positive and form_no_cause */
    CHECK_INT(t->compliance_red, 0);
    CHECK_INT(t->compliance_yellow, 0);
    CHECK_INT(t->indicator_deviation_bp, 5000); /* P1's alone: 30/60 */
    CHECK_INT(t->light, DW_A_RED);              /* worst of yellow (P1) and red (P2) */

    /* ---- 102: P3 + P4 (P4 outside monitoring); no indicator reported */
    t = &d102->tally;
    CHECK_INT(t->projects, 2);
    CHECK_INT(t->monitored, 1);
    CHECK_INT(t->budget_fen, 73000000);
    CHECK_INT(t->paid_fen, 50000000);
    CHECK_INT(t->unmonitored_paid_fen, 1000000);
    CHECK_INT(t->expected_fen, 36200000); /* 73,000,000 × 181/365 = 200,000 × 181 */
    CHECK_INT(t->exec_rate_bp, 6849);     /* 50 ÷ 73 = 0.6849315… → 6849 */
    /* paid above expected: |50,000,000 − 36,200,000| = 13,800,000 ÷ 36,200,000 = 0.3812154… → 3812 */
    CHECK_INT(t->exec_deviation_bp, 3812);
    CHECK_INT(t->indicators_reported, 0);
    CHECK_INT(t->indicator_deviation_bp, 0);
    CHECK_INT(t->compliance_red, 1); /* P4's no_budget */
    CHECK_INT(t->exec_red + t->exec_yellow + t->target_red + t->target_yellow + t->compliance_yellow, 0);
    CHECK_INT(t->light, DW_A_RED);

    /* ---- 103: P5 + P6; expected exactly 0: ⌊2 × 181/365⌋ = ⌊362/365⌋ = 0 */
    t = &d103->tally;
    CHECK_INT(t->projects, 2);
    CHECK_INT(t->monitored, 2); /* P6 has targets */
    CHECK_INT(t->budget_fen, 2);
    CHECK_INT(t->paid_fen, 1);
    CHECK_INT(t->expected_fen, 0);
    CHECK_INT(t->timed_expected_fen, 0);
    CHECK_INT(t->exec_deviation_bp, 0); /* nothing expected: 0, not a division by zero */
    CHECK_INT(t->exec_rate_bp, 5000);   /* 1 ÷ 2 */
    CHECK_INT(t->exec_yellow, 1);       /* P5's unspent */
    CHECK_INT(t->target_red, 1);        /* P6's IND-002 */
    CHECK_INT(t->target_yellow, 1);     /* P6's projection (the blue finding counts nowhere) */
    CHECK_INT(t->compliance_yellow, 1); /* P5's econ_mismatch */
    CHECK_INT(t->indicator_deviation_bp, 5333);
    CHECK_INT(t->light, DW_A_RED);

    /* ---- the bureau: all six */
    t = dw_a_figures_bureau(fig);
    CHECK_INT(t->projects, 6);
    CHECK_INT(t->monitored, 5);
    CHECK_INT(t->budget_fen, 584000002); /* 511,000,000 + 73,000,000 + 2 */
    CHECK_INT(t->paid_fen, 230000001);   /* 180,000,000 + 50,000,000 + 1 */
    CHECK_INT(t->unmonitored_paid_fen, 1000000);
    CHECK_INT(t->expected_fen, 289600000);   /* 253,400,000 + 36,200,000 + 0 */
    CHECK_INT(t->exec_rate_bp, 3938);        /* 230,000,001 ÷ 584,000,002 = 0.3938356… → 3938 */
    CHECK_INT(t->timed_paid_fen, 230000001); /* P1 + P2 + P3 + P5: the projects with a budget */
    CHECK_INT(t->timed_expected_fen, 289600000);
    /* |230,000,001 − 289,600,000| = 59,599,999 ÷ 289,600,000 = 0.2058011… → 2058 */
    CHECK_INT(t->exec_deviation_bp, 2058);
    CHECK_INT(t->exec_red, 1);
    CHECK_INT(t->exec_yellow, 1);
    CHECK_INT(t->target_red, 1);
    CHECK_INT(t->target_yellow, 3);
    CHECK_INT(t->compliance_red, 1);
    CHECK_INT(t->compliance_yellow, 1);
    /* reported 60 + 112.5 = 172.5, deviating 30 + 60 = 90: 90 ÷ 172.5 = 0.5217391… → 5217 */
    CHECK_INT(t->indicators_reported, 6);
    CHECK_INT(t->indicators_deviating, 2);
    CHECK_INT(t->indicator_deviation_bp, 5217);
    CHECK_INT(t->light, DW_A_RED);

    /* a project of another year is refused and changes nothing */
    dw_a_project_t *other = &p4;
    other->fiscal_year = 2025;
    char err[256] = "";
    CHECK_INT(dw_a_figures_add(fig, other, f4, 1, err, sizeof err), -1);
    CHECK(strstr(err, "fiscal year 2025") != NULL);
    CHECK_INT(dw_a_figures_bureau(fig)->projects, 6);
    CHECK_INT(dw_a_figures_project_count(fig), 6);
    dw_a_figures_destroy(&fig);
    CHECK(fig == NULL);
    dw_a_figures_destroy(&fig); /* a NULL is fine */
}

/* Before rules_from (2026-03-21: 31 + 28 + 21 = 80 days): expected is shown,
 * the deviation is 0 — no project has its time rules on. */
static void test_before_rules_from(void)
{
    dw_a_figures_t *fig = dw_a_figures_new(cat, 2026, (dw_a_progress_t){80, 365, false});
    CHECK(fig != NULL);
    if (!fig)
        return;
    build();
    CHECK_INT(add(fig, &p1, NULL, 0), 0);
    const dw_a_tally_t *t = dw_a_figures_bureau(fig);
    CHECK_INT(t->expected_fen, 80000000); /* 365,000,000 × 80/365 */
    CHECK_INT(t->timed_expected_fen, 0);
    CHECK_INT(t->exec_deviation_bp, 0);
    CHECK_INT(t->exec_rate_bp, 4110);
    CHECK_INT(t->light, DW_A_GREEN); /* no findings */
    /* IND-001 is cumulative: before rules_from it has no light (green); IND-002 达成 and IND-003 95/90 are green */
    CHECK_INT(t->indicators_reported, 3);
    CHECK_INT(t->indicators_deviating, 0);
    CHECK_INT(t->indicator_deviation_bp, 0);
    dw_a_figures_destroy(&fig);
}

/* A department code left empty is "-"; a budget that rounds the expected down per project. */
static void test_rounding_per_project(void)
{
    dw_a_figures_t *fig = dw_a_figures_new(cat, 2026, (dw_a_progress_t){181, 365, true});
    CHECK(fig != NULL);
    if (!fig)
        return;
    /* two budgets of 100 fen: ⌊100 × 181/365⌋ = ⌊18100/365⌋ = ⌊49.589…⌋ = 49 each, 98 in all
     * (⌊200 × 181/365⌋ would be 99: rounded per project, not on the sum) */
    project(&p1, "P2026-000-001", "", 100, 49);
    project(&p2, "P2026-000-002", "", 100, 50);
    CHECK_INT(add(fig, &p1, NULL, 0), 0);
    CHECK_INT(add(fig, &p2, NULL, 0), 0);
    const dw_a_dept_figures_t *d = dw_a_figures_find_dept(fig, "-");
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->tally.expected_fen, 98);
        /* |99 − 98| ÷ 98 = 0.0102040… → 102.04 bp → 102 */
        CHECK_INT(d->tally.exec_deviation_bp, 102);
    }
    dw_a_figures_destroy(&fig);
}

int main(void)
{
    char err[512];
    cat = dw_a_catalogue_builtin(err, sizeof err);
    CHECK(cat != NULL);
    if (!cat) {
        fprintf(stderr, "catalogue: %s\n", err);
        DW_TEST_DONE();
    }
    test_bureau_at_june_30();
    test_before_rules_from();
    test_rounding_per_project();
    dw_a_catalogue_destroy(&cat);
    DW_TEST_DONE();
}
