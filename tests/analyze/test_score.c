/* analyze.score — the 100-point score of seed 002 §37 on hand-built projects:
 * each section's milli-points and the grade bands at and just below their
 * floors. Every expected figure is worked out by hand in the comment beside
 * it; the score configuration is built here, not read from the catalogue. */
#include <stdio.h>
#include <string.h>

#include "a_score.h"
#include "dw_test.h"

static dw_decimal_t dec(int64_t units, int scale)
{
    return (dw_decimal_t){units, scale};
}

/* 预算执行 10, 产出 50, 效益 30, 满意度 10; 优 90, 良 80, 中 60 (the shipped figures). */
static dw_a_score_cfg_t shipped_cfg(void)
{
    dw_a_score_cfg_t c = {.execution = dec(10, 0),
                          .output = dec(50, 0),
                          .effect = dec(30, 0),
                          .satisfaction = dec(10, 0),
                          .excellent = dec(90, 0),
                          .good = dec(80, 0),
                          .fair = dec(60, 0)};
    return c;
}

static void project(dw_a_project_t *p, int64_t budget_fen, int64_t paid_fen)
{
    memset(p, 0, sizeof *p);
    p->fiscal_year = 2026;
    snprintf(p->project_code, sizeof p->project_code, "P2026-101-001");
    p->has_budget = budget_fen != 0;
    p->budget_fen = budget_fen;
    p->paid_fen = paid_fen;
    p->has_payment = paid_fen != 0;
    p->has_targets = true;
}

static dw_a_indicator_t *add(dw_a_project_t *p, dw_a_level1_t level1, dw_a_op_t op, dw_decimal_t weight,
                             dw_decimal_t target)
{
    dw_a_indicator_t *ind = &p->indicators[p->n_indicators];
    memset(ind, 0, sizeof *ind);
    snprintf(ind->code, sizeof ind->code, "IND-%zu", p->n_indicators + 1);
    ind->level1 = level1;
    ind->op = op;
    ind->weight = weight;
    ind->target = target;
    p->n_indicators++;
    return ind;
}

static void value(dw_a_indicator_t *ind, dw_decimal_t v)
{
    ind->reported = true;
    ind->has_value = true;
    ind->value = v;
}

static void test_execution(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;

    /* budget 1,000,000.00 yuan = 100,000,000 fen, paid 850,000.00 = 85,000,000:
     * 0.85 × 10 points = 8.5 points = 8500 mp */
    project(&p, 100000000, 85000000);
    dw_a_score_t s = dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL);
    CHECK_INT(s.execution_mp, 8500);
    CHECK_INT(s.output_mp, 0); /* a section with no indicators earns 0 */
    CHECK_INT(s.total_mp, 8500);
    CHECK_INT(s.grade, DW_A_GRADE_POOR);

    /* projected: the form's 950,000.00 of 1,000,000.00 → 0.95 × 10 = 9500 mp */
    p.has_form = true;
    p.form_projected_fen = 95000000;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_PROJECTED).execution_mp, 9500);
    /* no form: nothing projected → 0 */
    p.has_form = false;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_PROJECTED).execution_mp, 0);

    /* paid beyond budget: min(1, 1.2) × 10 = 10000 mp */
    project(&p, 100000000, 120000000);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 10000);
    /* paid exactly the budget: 10000 */
    project(&p, 100000000, 100000000);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 10000);
    /* reversals beyond payments (net negative): 0, not negative */
    project(&p, 100000000, -5);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 0);
    /* no budget: no rate, 0 */
    project(&p, 0, 500);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 0);

    /* half up, once: 1 fen of 20,000 → 10 × 1000 × 1/20000 = 0.5 mp → 1 */
    project(&p, 20000, 1);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 1);
    /* 1 fen of 20,001 → 10000/20001 = 0.49998 mp → 0 */
    project(&p, 20001, 1);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 0);
    /* 1 fen of 3 fen → 10000/3 = 3333.33 mp → 3333; 2 of 3 → 6666.67 → 6667 */
    project(&p, 3, 1);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 3333);
    project(&p, 3, 2);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).execution_mp, 6667);
}

static void test_output_positive(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;
    project(&p, 0, 0);
    /* weights 20 and 30 in the 50-point output section: shares 20 and 30 points;
     * 90 of 100 → 0.9 × 20 = 18; 120 of 100 → min(1, 1.2) × 30 = 30; 48 points */
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(20, 0), dec(100, 0)), dec(90, 0));
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GT, dec(30, 0), dec(100, 0)), dec(120, 0));
    dw_a_score_t s = dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL);
    CHECK_INT(s.output_mp, 48000);
    CHECK_INT(s.effect_mp, 0);
    CHECK_INT(s.total_mp, 48000);

    /* weights 1 and 3 (not points of the 100): shares 50 × 1/4 = 12.5 and
     * 50 × 3/4 = 37.5; 45.5 of 91 (= 0.5) and full → 6.25 + 37.5 = 43.75 points */
    project(&p, 0, 0);
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(1, 0), dec(91, 0)), dec(455, 1));
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(3, 0), dec(10, 0)), dec(10, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 43750);

    /* weights at different scales: "12.5" and "37.5" are the same 1:3 split */
    p.indicators[0].weight = dec(125, 1);
    p.indicators[1].weight = dec(3750, 2);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 43750);

    /* three equal weights, each 1 of 3: 50 × 1/3 × 1/3 = 5.5556 points →
     * 5556 mp each, rounded once per share: 3 × 5556 = 16668 */
    project(&p, 0, 0);
    for (int i = 0; i < 3; i++)
        value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(1, 0), dec(3, 0)), dec(1, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 16668);
    /* all three met: 3 × round(16666.67) = 3 × 16667 = 50001, held at the
     * section's 50 points = 50000 */
    for (int i = 0; i < 3; i++)
        p.indicators[i].value = dec(3, 0);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 50000);

    /* an indicator with no value earns 0 but keeps its weight: 20 of 50 weight
     * unreported, 30 met → 30 points */
    project(&p, 0, 0);
    add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(20, 0), dec(100, 0));
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(30, 0), dec(100, 0)), dec(100, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 30000);

    /* a negative value earns 0; a target of 0 is met by any value ≥ 0 */
    project(&p, 0, 0);
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(1, 0), dec(100, 0)), dec(-5, 0));
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(1, 0), dec(0, 0)), dec(0, 0));
    /* shares 25 and 25: 0 + 25 = 25 points */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 25000);
}

static void test_reverse_equal_qualitative(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;
    project(&p, 0, 0);
    /* reverse, target 10, in the 30-point effect section alone: value 15 →
     * (2 × 10 − 15) / 10 = 50 % of 30 = 15 points */
    dw_a_indicator_t *rev = add(&p, DW_A_L1_EFFECT, DW_A_OP_LE, dec(30, 0), dec(10, 0));
    value(rev, dec(15, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 15000);
    value(rev, dec(10, 0)); /* at the target: full, 30 */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 30000);
    value(rev, dec(4, 0)); /* within: full (not more), 30 */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 30000);
    value(rev, dec(20, 0)); /* twice the target: (20 − 20) / 10 = 0 */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 0);
    value(rev, dec(25, 0)); /* beyond twice: clamped at 0 */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 0);
    rev->op = DW_A_OP_LT;
    value(rev, dec(1225, 2)); /* 12.25: (20 − 12.25) / 10 = 0.775 × 30 = 23.25 */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).effect_mp, 23250);

    /* equal with target 0, in the 10-point satisfaction section, weights 5
     * and 5: value 0 → full 5 points, value 1 → 0 */
    project(&p, 0, 0);
    value(add(&p, DW_A_L1_SATISFACTION, DW_A_OP_EQ, dec(5, 0), dec(0, 0)), dec(0, 0));
    dw_a_indicator_t *eq = add(&p, DW_A_L1_SATISFACTION, DW_A_OP_EQ, dec(5, 0), dec(0, 0));
    value(eq, dec(1, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).satisfaction_mp, 5000);
    value(eq, dec(0, 2)); /* "0.00" is 0: both full, 10 points */
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).satisfaction_mp, 10000);
    /* equal with target 95: 95 → full; 76 → 76/95 = 0.8 × 5 = 4 (+ 5) = 9 points */
    eq->target = dec(95, 0);
    value(eq, dec(76, 0));
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).satisfaction_mp, 9000);

    /* qualitative in the 50-point output section alone: 部分达成 80 % = 40,
     * 达成 50, 未达成 60 % = 30; no value 0 */
    project(&p, 0, 0);
    dw_a_indicator_t *q = add(&p, DW_A_L1_OUTPUT, DW_A_OP_QUALITATIVE, dec(10, 0), dec(0, 0));
    q->reported = q->has_value = true;
    q->value_qual = DW_A_QUAL_PARTLY;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 40000);
    q->value_qual = DW_A_QUAL_MET;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 50000);
    q->value_qual = DW_A_QUAL_NOT_MET;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 30000);
    q->value_qual = DW_A_QUAL_NONE;
    q->has_value = false;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 0);
}

static void test_whole_project(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;
    project(&p, 100000000, 85000000);
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(20, 0), dec(100, 0)), dec(90, 0));
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(30, 0), dec(100, 0)), dec(120, 0));
    value(add(&p, DW_A_L1_EFFECT, DW_A_OP_LE, dec(30, 0), dec(10, 0)), dec(15, 0));
    value(add(&p, DW_A_L1_SATISFACTION, DW_A_OP_GE, dec(10, 0), dec(90, 0)), dec(855, 1));
    /* execution 8.5; output 48; effect 15; satisfaction 85.5/90 = 0.95 × 10 = 9.5;
     * total 8.5 + 48 + 15 + 9.5 = 81 points → 良 */
    dw_a_score_t s = dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL);
    CHECK_INT(s.execution_mp, 8500);
    CHECK_INT(s.output_mp, 48000);
    CHECK_INT(s.effect_mp, 15000);
    CHECK_INT(s.satisfaction_mp, 9500);
    CHECK_INT(s.total_mp, 81000);
    CHECK_INT(s.grade, DW_A_GRADE_GOOD);

    /* the in-year projected score reads the form: execution 990,000.00 of
     * 1,000,000.00 → 9.9; projected values 100 (20), 100 (30), 11 of a reverse 10
     * → (20 − 11)/10 = 0.9 × 30 = 27, satisfaction 90 → 10;
     * total 9.9 + 50 + 27 + 10 = 96.9 → 优 */
    p.has_form = true;
    p.form_projected_fen = 99000000;
    const int64_t projected[4] = {100, 100, 11, 90};
    for (size_t i = 0; i < 4; i++) {
        p.indicators[i].has_projected = true;
        p.indicators[i].projected = dec(projected[i], 0);
    }
    s = dw_a_score_project(&cfg, &p, DW_A_SCORE_PROJECTED);
    CHECK_INT(s.execution_mp, 9900);
    CHECK_INT(s.output_mp, 50000);
    CHECK_INT(s.effect_mp, 27000);
    CHECK_INT(s.satisfaction_mp, 10000);
    CHECK_INT(s.total_mp, 96900);
    CHECK_INT(s.grade, DW_A_GRADE_EXCELLENT);
    /* the projected basis ignores the to-date values and vice versa: without a
     * projection an indicator earns nothing there */
    p.indicators[0].has_projected = false;
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_PROJECTED).output_mp, 30000);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 48000);
}

/* The total from the execution section alone: execution worth 100 points,
 * so paid/budget × 100 is the score. */
static dw_a_score_t score_of_rate(int64_t paid_fen, int64_t budget_fen, const dw_a_score_cfg_t *bands)
{
    dw_a_score_cfg_t cfg = *bands;
    cfg.execution = dec(100, 0);
    cfg.output = cfg.effect = cfg.satisfaction = dec(0, 0);
    dw_a_project_t p;
    project(&p, budget_fen, paid_fen);
    return dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL);
}

static void test_grades(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    /* 90,000 of 100,000 fen → 90 points = 90000 mp: exactly the floor of 优 */
    dw_a_score_t s = score_of_rate(90000, 100000, &cfg);
    CHECK_INT(s.total_mp, 90000);
    CHECK_INT(s.grade, DW_A_GRADE_EXCELLENT);
    /* 89,999 → 89.999 points: 良 */
    s = score_of_rate(89999, 100000, &cfg);
    CHECK_INT(s.total_mp, 89999);
    CHECK_INT(s.grade, DW_A_GRADE_GOOD);
    CHECK_INT(score_of_rate(80000, 100000, &cfg).grade, DW_A_GRADE_GOOD); /* 80 → 良 */
    CHECK_INT(score_of_rate(79999, 100000, &cfg).grade, DW_A_GRADE_FAIR); /* 79.999 → 中 */
    CHECK_INT(score_of_rate(60000, 100000, &cfg).grade, DW_A_GRADE_FAIR); /* 60 → 中 */
    s = score_of_rate(59999, 100000, &cfg);                               /* 59.999 → 差 */
    CHECK_INT(s.total_mp, 59999);
    CHECK_INT(s.grade, DW_A_GRADE_POOR);
    CHECK_INT(score_of_rate(100000, 100000, &cfg).grade, DW_A_GRADE_EXCELLENT); /* 100 → 优 */
    CHECK_INT(score_of_rate(0, 100000, &cfg).grade, DW_A_GRADE_POOR);           /* 0 → 差 */

    /* floors from the configuration, decimals compared exactly: 优 from 89.999 */
    cfg.excellent = dec(89999, 3);
    CHECK_INT(score_of_rate(89999, 100000, &cfg).grade, DW_A_GRADE_EXCELLENT);
    CHECK_INT(score_of_rate(89998, 100000, &cfg).grade, DW_A_GRADE_GOOD);

    CHECK_STR(dw_a_grade_name(DW_A_GRADE_EXCELLENT), "优");
    CHECK_STR(dw_a_grade_name(DW_A_GRADE_GOOD), "良");
    CHECK_STR(dw_a_grade_name(DW_A_GRADE_FAIR), "中");
    CHECK_STR(dw_a_grade_name(DW_A_GRADE_POOR), "差");
}

static void test_extreme_figures(void)
{
    /* figures at the edge of int64 do not overflow: a target of
     * 999,999,999,999,999,999 (18 nines) and half of it reported →
     * 499999999999999999.5 / 999999999999999999 = 0.5 exactly, of 50 points = 25 */
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;
    project(&p, INT64_MAX, INT64_MAX / 2);
    value(add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(999999999999999999, 0), dec(999999999999999999, 0)),
          dec(4999999999999999995, 1));
    dw_a_score_t s = dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL);
    CHECK_INT(s.output_mp, 25000);
    /* INT64_MAX / 2 of INT64_MAX = (2^63 − 2)/2 ÷ (2^63 − 1) just under 0.5:
     * 10 × 1000 × 0.49999… = 4999.99… → 5000 */
    CHECK_INT(s.execution_mp, 5000);
}

/* The year-end score from the self-evaluation's actual values (绩效自评), not the
 * form's to-date values: budget 1,000,000.00 paid 900,000.00 → execution
 * 0.9 × 10 = 9 points; output one positive indicator (weight 50, target 100)
 * reported 40 to date but 95 at year end → 0.95 × 50 = 47.5; effect one
 * qualitative 部分达成 at year end → 80 % of 30 = 24; satisfaction a level
 * indicator target 90 with no self-evaluated value → 0. Total 9 + 47.5 + 24
 * + 0 = 80.5 → 良. The same project on the ACTUAL basis: output 0.4 × 50 = 20. */
static void test_selfeval(void)
{
    dw_a_score_cfg_t cfg = shipped_cfg();
    dw_a_project_t p;
    project(&p, 100000000, 90000000);
    dw_a_indicator_t *out = add(&p, DW_A_L1_OUTPUT, DW_A_OP_GE, dec(50, 0), dec(100, 0));
    value(out, dec(40, 0));
    out->has_actual = true;
    out->actual = dec(95, 0);
    dw_a_indicator_t *eff = add(&p, DW_A_L1_EFFECT, DW_A_OP_QUALITATIVE, dec(30, 0), dec(0, 0));
    eff->actual_qual = DW_A_QUAL_PARTLY;
    add(&p, DW_A_L1_SATISFACTION, DW_A_OP_GE, dec(10, 0), dec(90, 0));
    p.has_selfeval = true;
    p.self_score = dec(85, 0);
    dw_a_score_t s = dw_a_score_project(&cfg, &p, DW_A_SCORE_SELFEVAL);
    CHECK_INT(s.execution_mp, 9000);
    CHECK_INT(s.output_mp, 47500);
    CHECK_INT(s.effect_mp, 24000);
    CHECK_INT(s.satisfaction_mp, 0);
    CHECK_INT(s.total_mp, 80500);
    CHECK_INT(s.grade, DW_A_GRADE_GOOD);
    CHECK_INT(dw_a_score_project(&cfg, &p, DW_A_SCORE_ACTUAL).output_mp, 20000);
}

int main(void)
{
    test_selfeval();
    test_execution();
    test_output_positive();
    test_reverse_equal_qualitative();
    test_whole_project();
    test_grades();
    test_extreme_figures();
    DW_TEST_DONE();
}
