#include "a_score.h"

#include <stdbool.h>
#include <string.h>

#include "dw_money.h"
#include "dw_wide.h"

/* ---- exact arithmetic ----------------------------------------------------
 * A share is points × weight ÷ section weight × fraction achieved, each factor
 * an exact decimal or fen figure of up to 128 bits: their products need more
 * than 128 bits, so they are formed in a 512-bit unsigned integer
 * (dw_wide_t) and divided once, rounding half up once. The largest
 * product formed here is about 330 bits (1000 × points × weight × value). */

typedef unsigned __int128 u128;

/* A scale outside 0..18 cannot come from dw_decimal_parse; read it as 0
 * rather than let dw_pow10 turn the figure into 0. */
static int scale_of(dw_decimal_t d)
{
    return d.scale >= 0 && d.scale <= 18 ? d.scale : 0;
}

/* d's units at a larger scale s (|units| < 2^63, × 10^18 < 2^123: fits). */
static __int128 at_scale(dw_decimal_t d, int s)
{
    return (__int128)d.units * dw_pow10(s - scale_of(d));
}

/* A fraction of a share, 0 ≤ num ≤ den, den > 0. */
typedef struct part {
    u128 num, den;
} part_t;

static const part_t NOTHING = {0, 1};
static const part_t WHOLE = {1, 1};

/* num/den (den ≠ 0) clamped to 0..1. */
static part_t clamp01(__int128 num, __int128 den)
{
    if (den < 0) {
        num = -num;
        den = -den;
    }
    if (num <= 0)
        return NOTHING;
    if (num >= den)
        return WHOLE;
    return (part_t){(u128)num, (u128)den};
}

/* round(1000 × points × part × earned), milli-points; points below 0 earn 0. */
static int64_t milli_points(dw_decimal_t points, const dw_wide_t *part_num, const dw_wide_t *part_den, part_t earned)
{
    if (points.units <= 0 || earned.num == 0)
        return 0;
    dw_wide_t n = *part_num, d = *part_den, q;
    /* at most ~330 bits of 512, so none fails; were one to, the share earns
     * nothing rather than a wrong figure */
    if (!dw_wide_mul(&n, 1000) || !dw_wide_mul(&n, (u128)points.units) || !dw_wide_mul(&n, earned.num) ||
        !dw_wide_mul(&d, (u128)dw_pow10(scale_of(points))) || !dw_wide_mul(&d, earned.den))
        return 0;
    if (!dw_wide_div_round(&n, &d, &q)) /* a zero part_den earns nothing */
        return 0;
    int64_t mp;
    if (!dw_wide_to_int64(&q, &mp)) /* points beyond int64 milli-points: held at the largest */
        mp = INT64_MAX;
    return mp;
}

/* ---- what each indicator earns ------------------------------------------ */

static part_t qualitative_part(dw_a_qual_t q)
{
    /* 达成 100 %, 部分达成 80 %, 未达成 60 %: the top of each band. */
    switch (q) {
    case DW_A_QUAL_MET: return WHOLE;
    case DW_A_QUAL_PARTLY: return (part_t){8, 10};
    case DW_A_QUAL_NOT_MET: return (part_t){6, 10};
    case DW_A_QUAL_NONE: break;
    }
    return NOTHING;
}

static part_t quantitative_part(dw_a_op_t op, dw_decimal_t value, dw_decimal_t target)
{
    int s = scale_of(value) > scale_of(target) ? scale_of(value) : scale_of(target);
    __int128 v = at_scale(value, s), t = at_scale(target, s);
    switch (op) {
    case DW_A_OP_GE:
    case DW_A_OP_GT:
        if (t == 0) /* nothing to divide by: met or not */
            return v >= 0 ? WHOLE : NOTHING;
        return clamp01(v, t);
    case DW_A_OP_EQ:
        if (t == 0) /* "none" (e.g. 0 incidents): only 0 or less is met */
            return v <= 0 ? WHOLE : NOTHING;
        return clamp01(v, t);
    case DW_A_OP_LE:
    case DW_A_OP_LT:
        /* Full within target, falling linearly to 0 at twice the target. A
         * target of 0 or below has no "twice": within it or nothing. */
        if (t <= 0)
            return v <= t ? WHOLE : NOTHING;
        return clamp01(2 * t - v, t); /* |t|, |v| < 2^123: no overflow */
    case DW_A_OP_QUALITATIVE: break;
    }
    return NOTHING;
}

static part_t indicator_part(const dw_a_indicator_t *ind, dw_a_score_basis_t basis)
{
    if (basis == DW_A_SCORE_SELFEVAL) {
        if (ind->op == DW_A_OP_QUALITATIVE)
            return qualitative_part(ind->actual_qual);
        return ind->has_actual ? quantitative_part(ind->op, ind->actual, ind->target) : NOTHING;
    }
    bool projected = basis == DW_A_SCORE_PROJECTED;
    if (ind->op == DW_A_OP_QUALITATIVE)
        return qualitative_part(projected ? ind->projected_qual : ind->value_qual);
    if (projected ? !ind->has_projected : !ind->has_value)
        return NOTHING;
    return quantitative_part(ind->op, projected ? ind->projected : ind->value, ind->target);
}

/* A weight at the section's common scale; a negative weight counts as 0. */
static u128 weight_at(dw_decimal_t w, int s)
{
    return w.units > 0 ? (u128)at_scale(w, s) : 0;
}

/* The points one level-1 section earns: each indicator a share of the
 * section's points in proportion to its weight, rounded once per share. */
static int64_t section_mp(dw_decimal_t points, const dw_a_project_t *p, dw_a_level1_t level1, dw_a_score_basis_t basis)
{
    int s = 0;
    for (size_t i = 0; i < p->n_indicators; i++)
        if (p->indicators[i].level1 == level1 && scale_of(p->indicators[i].weight) > s)
            s = scale_of(p->indicators[i].weight);
    dw_wide_t total = dw_wide_of(0);
    for (size_t i = 0; i < p->n_indicators; i++) {
        if (p->indicators[i].level1 != level1)
            continue;
        dw_wide_t w = dw_wide_of(weight_at(p->indicators[i].weight, s));
        if (!dw_wide_add(&total, &w)) /* each below 2^123, so any count short of 2^389 fits */
            return 0;
    }
    if (dw_wide_is_zero(&total)) /* no indicators, or none with a weight */
        return 0;
    int64_t mp = 0;
    for (size_t i = 0; i < p->n_indicators; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        if (ind->level1 != level1)
            continue;
        dw_wide_t w = dw_wide_of(weight_at(ind->weight, s));
        mp += milli_points(points, &w, &total, indicator_part(ind, basis));
    }
    /* Shares rounded up one by one can pass the section's points by a few
     * milli-points (50 points in three equal shares: 3 × 16.667); a section never
     * earns more than its points. */
    dw_wide_t one = dw_wide_of(1);
    int64_t full = milli_points(points, &one, &one, WHOLE);
    return mp < full ? mp : full;
}

static int64_t execution_mp(dw_decimal_t points, const dw_a_project_t *p, dw_a_score_basis_t basis)
{
    if (p->budget_fen <= 0)
        return 0;
    int64_t spent = 0;
    if (basis != DW_A_SCORE_PROJECTED)
        spent = p->paid_fen;
    else if (p->has_form)
        spent = p->form_projected_fen;
    dw_wide_t one = dw_wide_of(1);
    return milli_points(points, &one, &one, clamp01(spent, p->budget_fen));
}

/* total ≥ floor points ⟺ total_mp × 10^scale ≥ floor.units × 1000. */
static bool reaches(int64_t total_mp, dw_decimal_t floor)
{
    return (__int128)total_mp * dw_pow10(scale_of(floor)) >= (__int128)floor.units * 1000;
}

dw_a_score_t dw_a_score_project(const dw_a_score_cfg_t *cfg, const dw_a_project_t *p, dw_a_score_basis_t basis)
{
    dw_a_score_t sc;
    memset(&sc, 0, sizeof sc);
    sc.execution_mp = execution_mp(cfg->execution, p, basis);
    sc.output_mp = section_mp(cfg->output, p, DW_A_L1_OUTPUT, basis);
    sc.effect_mp = section_mp(cfg->effect, p, DW_A_L1_EFFECT, basis);
    sc.satisfaction_mp = section_mp(cfg->satisfaction, p, DW_A_L1_SATISFACTION, basis);
    sc.total_mp = sc.execution_mp + sc.output_mp + sc.effect_mp + sc.satisfaction_mp;
    if (reaches(sc.total_mp, cfg->excellent))
        sc.grade = DW_A_GRADE_EXCELLENT;
    else if (reaches(sc.total_mp, cfg->good))
        sc.grade = DW_A_GRADE_GOOD;
    else if (reaches(sc.total_mp, cfg->fair))
        sc.grade = DW_A_GRADE_FAIR;
    else
        sc.grade = DW_A_GRADE_POOR;
    return sc;
}

const char *dw_a_grade_name(dw_a_grade_t g)
{
    switch (g) {
    case DW_A_GRADE_EXCELLENT: return "优";
    case DW_A_GRADE_GOOD: return "良";
    case DW_A_GRADE_FAIR: return "中";
    case DW_A_GRADE_POOR: return "差";
    }
    return "?";
}
