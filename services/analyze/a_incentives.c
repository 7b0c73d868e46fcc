#include "a_incentives.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a_figures.h"
#include "dw_money.h"
#include "dw_wide.h"

typedef unsigned __int128 u128;

struct dw_a_incentives {
    const dw_a_catalogue_t *cat;
    const dw_a_incentives_cfg_t *cfg;
    int fiscal_year;
    dw_date_t checkpoint;
    dw_a_figures_t *figures; /* the department sums */
    dw_a_recommendation_t *items;
    size_t n, cap;
    bool decided;
};

dw_a_incentives_t *dw_a_incentives_new(const dw_a_catalogue_t *cat, int fiscal_year, dw_date_t checkpoint)
{
    dw_a_incentives_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cat = cat;
    self->cfg = dw_a_catalogue_incentives(cat);
    self->fiscal_year = fiscal_year;
    self->checkpoint = checkpoint;
    self->figures =
        dw_a_figures_new(cat, fiscal_year, dw_a_time_progress(dw_a_catalogue_time(cat), fiscal_year, checkpoint));
    if (!self->figures)
        dw_a_incentives_destroy(&self);
    return self;
}

void dw_a_incentives_destroy(dw_a_incentives_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_a_figures_destroy(&(*self_p)->figures);
    free((*self_p)->items);
    free(*self_p);
    *self_p = NULL;
}

/* ---- exact arithmetic ------------------------------------------------------ */

/* The sign of num/den − pct % (den > 0, num ≥ 0): num·100·10^scale against
 * pct.units·den, in 512 bits. false when a product does not fit (weights of
 * absurd size), which the caller reports. */
static bool cmp_percent(const dw_wide_t *num, const dw_wide_t *den, dw_decimal_t pct, int *sign)
{
    dw_wide_t a = *num, b = *den;
    int scale = pct.scale >= 0 && pct.scale <= 18 ? pct.scale : 0;
    if (pct.units < 0 || !dw_wide_mul(&a, 100) || !dw_wide_mul(&a, (u128)dw_pow10(scale)) ||
        !dw_wide_mul(&b, (u128)pct.units))
        return false;
    *sign = dw_wide_cmp(&a, &b);
    return true;
}

/* The same for fen: num may be negative (more reversed than paid), which is
 * below any percent (the loader keeps them at 0 or more). */
static bool cmp_fen_percent(int64_t num, int64_t den, dw_decimal_t pct, int *sign)
{
    if (num < 0) {
        *sign = -1;
        return true;
    }
    dw_wide_t n = dw_wide_of((u128)num), d = dw_wide_of((u128)den);
    return cmp_percent(&n, &d, pct, sign);
}

/* num ÷ den in basis points for people, half up; beyond int64 shown as the largest. */
static int64_t wide_bp(const dw_wide_t *num, const dw_wide_t *den)
{
    dw_wide_t n = *num, q;
    int64_t bp = INT64_MAX;
    if (dw_wide_mul(&n, 10000) && dw_wide_div_round(&n, den, &q) && dw_wide_to_int64(&q, &bp))
        return bp;
    return INT64_MAX;
}

static int64_t fen_bp(int64_t num, int64_t den)
{
    int64_t bp;
    if (dw_ratio_bp(num, den, &bp))
        return bp;
    return num < 0 ? INT64_MIN : INT64_MAX;
}

/* ⌊fen × pct %⌋ for 0 ≤ fen and 0 ≤ pct ≤ 100: at most fen, so it fits. */
static bool share_of(int64_t fen, dw_decimal_t pct, int64_t *out)
{
    int scale = pct.scale >= 0 && pct.scale <= 18 ? pct.scale : 0;
    dw_wide_t n = dw_wide_of((u128)fen), q, back;
    u128 d = (u128)100 * (u128)dw_pow10(scale);
    dw_wide_t dw = dw_wide_of(d);
    if (fen < 0 || pct.units < 0 || !dw_wide_mul(&n, (u128)pct.units) || !dw_wide_div_round(&n, &dw, &q))
        return false;
    /* rounded half up: one too many when q·d passes n */
    back = q;
    if (!dw_wide_mul(&back, d))
        return false;
    if (dw_wide_cmp(&back, &n) > 0) {
        dw_wide_t one = dw_wide_of(1);
        if (!dw_wide_sub(&q, &one))
            return false;
    }
    return dw_wide_to_int64(&q, out);
}

/* ---- text ------------------------------------------------------------------ */

static void yuan(int64_t fen, char *out, size_t n)
{
    dw_fen_format(fen, out, n);
}

static void percent(int64_t bp, char *out, size_t n)
{
    uint64_t m = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64 "%%", bp < 0 ? "-" : "", m / 100, m % 100);
}

static void decimal(dw_decimal_t d, char *out, size_t n)
{
    dw_decimal_format(d, out, n);
}

/* ---- recommendations ------------------------------------------------------- */

static dw_a_recommendation_t *next_item(dw_a_incentives_t *self)
{
    if (self->n == self->cap) {
        size_t want = self->cap ? self->cap * 2 : 16;
        dw_a_recommendation_t *grown = realloc(self->items, want * sizeof *grown);
        if (!grown)
            return NULL;
        self->items = grown;
        self->cap = want;
    }
    dw_a_recommendation_t *r = &self->items[self->n];
    memset(r, 0, sizeof *r);
    return r;
}

/* The names of p's reported indicators that are 完全不可能, "、"-joined
 * (at most three, then "等"); the count. */
static size_t impossible_indicators(const dw_a_project_t *p, char *out, size_t n)
{
    size_t count = 0, len = 0;
    out[0] = '\0';
    for (size_t i = 0; p->has_targets && i < p->n_indicators && i < DW_A_MAX_INDICATORS; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        if (!ind->reported || ind->likelihood != DW_A_LIKELY_IMPOSSIBLE)
            continue;
        if (count < 3) {
            int w = snprintf(out + len, n - len, "%s%s（%s）", count ? "、" : "", ind->name, ind->code);
            if (w > 0 && (size_t)w < n - len)
                len += (size_t)w;
            else
                out[len] = '\0'; /* a name that does not fit is left out whole, never cut mid-character */
        } else if (count == 3 && n - len > sizeof "等") {
            memcpy(out + len, "等", sizeof "等");
            len += sizeof "等" - 1;
        }
        count++;
    }
    return count;
}

/* 收回建议 for p when its form says its money will not be spent this year. */
static int consider_recovery(dw_a_incentives_t *self, const dw_a_project_t *p, char *err, size_t errlen)
{
    const dw_a_incentives_cfg_t *cfg = self->cfg;
    if (!p->has_budget || p->budget_fen <= 0 || !p->has_form)
        return 0;
    __int128 gap = (__int128)p->budget_fen - p->form_projected_fen;
    if (gap > INT64_MAX) {
        snprintf(err, errlen, "project %s: the projected unspent leaves 64 bits", p->project_code);
        return -1;
    }
    int64_t unspent = gap < 0 ? 0 : (int64_t)gap; /* a projection beyond the budget leaves nothing */
    int sign = 0;
    if (!cmp_fen_percent(unspent, p->budget_fen, cfg->recover_unspent_above, &sign)) {
        snprintf(err, errlen, "project %s: the unspent share cannot be weighed", p->project_code);
        return -1;
    }
    char names[640];
    size_t n_impossible = cfg->recover_impossible ? impossible_indicators(p, names, sizeof names) : 0;
    if (sign <= 0 && n_impossible == 0)
        return 0;
    dw_a_recommendation_t *r = next_item(self);
    if (!r) {
        snprintf(err, errlen, "out of memory adding project %s", p->project_code);
        return -1;
    }
    r->kind = DW_A_INCENTIVE_RECOVER;
    snprintf(r->dept_code, sizeof r->dept_code, "%s", p->dept_code[0] ? p->dept_code : "-");
    snprintf(r->project_code, sizeof r->project_code, "%s", p->project_code);
    r->amount_fen = unspent;
    r->basis_fen = p->budget_fen;
    r->has_unspent = true;
    r->unspent_bp = fen_bp(unspent, p->budget_fen);
    r->impossible = n_impossible > 0;
    char above[24], date[11], projected[40], budget[40], left[40], share[24];
    decimal(cfg->recover_unspent_above, above, sizeof above);
    dw_date_format(self->checkpoint, date);
    yuan(p->form_projected_fen, projected, sizeof projected);
    yuan(p->budget_fen, budget, sizeof budget);
    yuan(unspent, left, sizeof left);
    percent(r->unspent_bp, share, sizeof share);
    snprintf(r->thresholds, sizeof r->thresholds, "预计结转结余 >%s%%%s", above,
             cfg->recover_impossible ? "，或指标完成可能性为完全不可能" : "");
    snprintf(r->title, sizeof r->title, "收回建议：项目%s预计当年无法执行的资金", p->project_code);
    char why[800] = "";
    if (n_impossible)
        snprintf(why, sizeof why, "；指标%s完成可能性为完全不可能，绩效目标无法实现", names);
    snprintf(
        r->text, sizeof r->text,
        "收回建议：部门%s项目%s（%s）1-%d月绩效运行监控表预计全年执行%s元，变动后预算%s元，预计结转结余%s元，占%s"
        "（%s）%s。建议及时清理收回预计当年无法执行的资金%s元，统筹用于确定的需支出，下一年度同类支出原则上不再安排。"
        "此为%s绩效监控结果的建议，由预算股按程序研究决定，系统不执行收回。",
        r->dept_code, p->project_name[0] ? p->project_name : p->project_code, p->project_code, p->form_period_month,
        projected, budget, left, share, r->thresholds, why, left, date);
    self->n++;
    return 0;
}

int dw_a_incentives_add(dw_a_incentives_t *self, const dw_a_project_t *p, const dw_a_finding_t *findings, size_t n,
                        char *err, size_t errlen)
{
    if (self->decided) {
        snprintf(err, errlen, "project %s added after the recommendations were decided", p->project_code);
        return -1;
    }
    if (dw_a_figures_add(self->figures, p, findings, n, err, errlen) != 0)
        return -1;
    return consider_recovery(self, p, err, errlen);
}

/* The department's two figures: exec ratio (Σ paid ÷ Σ expected) and target
 * completion (green and blue weight ÷ reported weight), each when it has one. */
typedef struct dept_view {
    const dw_a_dept_figures_t *d;
    bool has_exec, has_completion;
    dw_wide_t met_weight; /* reported − deviating */
} dept_view_t;

static bool view_of(const dw_a_dept_figures_t *d, dept_view_t *v)
{
    const dw_a_tally_t *t = &d->tally;
    *v = (dept_view_t){.d = d, .has_exec = t->timed_expected_fen > 0};
    v->has_completion = !dw_wide_is_zero(&t->reported_weight);
    v->met_weight = t->reported_weight;
    return dw_wide_sub(&v->met_weight, &t->deviating_weight); /* deviating is part of reported */
}

static dw_a_recommendation_t *dept_item(dw_a_incentives_t *self, const dept_view_t *v, dw_a_incentive_kind_t kind)
{
    dw_a_recommendation_t *r = next_item(self);
    if (!r)
        return NULL;
    const dw_a_tally_t *t = &v->d->tally;
    r->kind = kind;
    snprintf(r->dept_code, sizeof r->dept_code, "%s", v->d->dept_code);
    r->has_exec = r->has_completion = true;
    r->exec_bp = fen_bp(t->timed_paid_fen, t->timed_expected_fen);
    r->completion_bp = wide_bp(&v->met_weight, &t->reported_weight);
    return r;
}

static int deduct(dw_a_incentives_t *self, const dept_view_t *v, char *err, size_t errlen)
{
    const dw_a_incentives_cfg_t *cfg = self->cfg;
    const dw_a_tally_t *t = &v->d->tally;
    __int128 gap = (__int128)t->budget_fen - t->paid_fen;
    int64_t unspent = gap < 0 ? 0 : gap > INT64_MAX ? INT64_MAX : (int64_t)gap;
    int64_t amount = 0;
    dw_a_recommendation_t *r = dept_item(self, v, DW_A_INCENTIVE_DEDUCT);
    if (!r || !share_of(unspent, cfg->deduct_share, &amount)) {
        snprintf(err, errlen, "department %s: %s", v->d->dept_code,
                 r ? "the deduction leaves 64 bits" : "out of memory");
        return -1;
    }
    r->amount_fen = amount;
    r->basis_fen = unspent;
    char eb[24], cb[24], sh[24], date[11], exec[24], comp[24], paid[40], expected[40], left[40], budget[40],
        paid_all[40], sum[40];
    decimal(cfg->deduct_exec_below, eb, sizeof eb);
    decimal(cfg->deduct_completion_below, cb, sizeof cb);
    decimal(cfg->deduct_share, sh, sizeof sh);
    dw_date_format(self->checkpoint, date);
    percent(r->exec_bp, exec, sizeof exec);
    percent(r->completion_bp, comp, sizeof comp);
    yuan(t->timed_paid_fen, paid, sizeof paid);
    yuan(t->timed_expected_fen, expected, sizeof expected);
    yuan(unspent, left, sizeof left);
    yuan(t->budget_fen, budget, sizeof budget);
    yuan(t->paid_fen, paid_all, sizeof paid_all);
    yuan(amount, sum, sizeof sum);
    snprintf(r->thresholds, sizeof r->thresholds, "支出进度比 <%s%%，目标完成率 <%s%%，扣减比例 %s%%", eb, cb, sh);
    snprintf(r->title, sizeof r->title, "扣减建议：部门%s支出进度较慢、绩效目标完成率较低", r->dept_code);
    snprintf(r->text, sizeof r->text,
             "扣减建议：部门%s截至%s支出进度比%s（已支付%s元，序时应支付%s元），绩效目标完成率%s，支出进度较慢、"
             "绩效目标完成率较低（%s）。建议按未支出预算%s元（变动后预算%s元，已支付%s元）的%s%%扣减资金%s元。"
             "此为绩效监控结果的建议，由预算股按程序研究决定，系统不执行扣减。",
             r->dept_code, date, exec, paid, expected, comp, r->thresholds, left, budget, paid_all, sh, sum);
    self->n++;
    return 0;
}

static int reward(dw_a_incentives_t *self, const dept_view_t *v, char *err, size_t errlen)
{
    const dw_a_incentives_cfg_t *cfg = self->cfg;
    const dw_a_tally_t *t = &v->d->tally;
    dw_a_recommendation_t *r = dept_item(self, v, DW_A_INCENTIVE_REWARD);
    if (!r) {
        snprintf(err, errlen, "department %s: out of memory", v->d->dept_code);
        return -1;
    }
    char ef[24], cf[24], date[11], exec[24], comp[24], paid[40], expected[40];
    decimal(cfg->reward_exec_from, ef, sizeof ef);
    decimal(cfg->reward_completion_from, cf, sizeof cf);
    dw_date_format(self->checkpoint, date);
    percent(r->exec_bp, exec, sizeof exec);
    percent(r->completion_bp, comp, sizeof comp);
    yuan(t->timed_paid_fen, paid, sizeof paid);
    yuan(t->timed_expected_fen, expected, sizeof expected);
    snprintf(r->thresholds, sizeof r->thresholds, "支出进度比 ≥%s%%，目标完成率 ≥%s%%", ef, cf);
    snprintf(r->title, sizeof r->title, "奖励建议：部门%s支出较快、绩效目标完成率较高", r->dept_code);
    snprintf(r->text, sizeof r->text,
             "奖励建议：部门%s截至%s支出进度比%s（已支付%s元，序时应支付%s元），绩效目标完成率%s，支出较快、"
             "绩效目标完成率较高（%s），建议予以奖励。此为绩效监控结果的建议，奖励方式和金额由预算股按程序研究决定，"
             "系统不执行奖励。",
             r->dept_code, date, exec, paid, expected, comp, r->thresholds);
    self->n++;
    return 0;
}

static int judge_dept(dw_a_incentives_t *self, const dw_a_dept_figures_t *d, char *err, size_t errlen)
{
    const dw_a_incentives_cfg_t *cfg = self->cfg;
    dept_view_t v;
    if (strcmp(d->dept_code, "-") == 0) /* projects naming no department: nobody to deduct from or reward */
        return 0;
    if (!view_of(d, &v)) {
        snprintf(err, errlen, "department %s: deviating weight above the reported weight", d->dept_code);
        return -1;
    }
    /* without both figures a department is not judged either way */
    if (!v.has_exec || !v.has_completion)
        return 0;
    const dw_a_tally_t *t = &d->tally;
    int exec_below, exec_from, comp_below, comp_from;
    if (!cmp_fen_percent(t->timed_paid_fen, t->timed_expected_fen, cfg->deduct_exec_below, &exec_below) ||
        !cmp_fen_percent(t->timed_paid_fen, t->timed_expected_fen, cfg->reward_exec_from, &exec_from) ||
        !cmp_percent(&v.met_weight, &t->reported_weight, cfg->deduct_completion_below, &comp_below) ||
        !cmp_percent(&v.met_weight, &t->reported_weight, cfg->reward_completion_from, &comp_from)) {
        snprintf(err, errlen, "department %s: its figures cannot be weighed", d->dept_code);
        return -1;
    }
    if (exec_below < 0 && comp_below < 0 && deduct(self, &v, err, errlen) != 0)
        return -1;
    if (exec_from >= 0 && comp_from >= 0 && reward(self, &v, err, errlen) != 0)
        return -1;
    return 0;
}

static int by_dept_kind_project(const void *a, const void *b)
{
    const dw_a_recommendation_t *x = a, *y = b;
    int c = strcmp(x->dept_code, y->dept_code);
    if (c)
        return c;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->project_code, y->project_code);
}

int dw_a_incentives_decide(dw_a_incentives_t *self, char *err, size_t errlen)
{
    if (self->decided) {
        snprintf(err, errlen, "the recommendations were decided already");
        return -1;
    }
    for (size_t i = 0; i < dw_a_figures_dept_count(self->figures); i++)
        if (judge_dept(self, dw_a_figures_dept(self->figures, i), err, errlen) != 0)
            return -1;
    if (self->n > 1)
        qsort(self->items, self->n, sizeof *self->items, by_dept_kind_project);
    self->decided = true;
    return 0;
}

size_t dw_a_incentives_count(const dw_a_incentives_t *self)
{
    return self->n;
}

const dw_a_recommendation_t *dw_a_incentives_item(const dw_a_incentives_t *self, size_t i)
{
    return i < self->n ? &self->items[i] : NULL;
}

const char *dw_a_incentive_kind_name(dw_a_incentive_kind_t k)
{
    switch (k) {
    case DW_A_INCENTIVE_DEDUCT: return "deduct";
    case DW_A_INCENTIVE_REWARD: return "reward";
    case DW_A_INCENTIVE_RECOVER: return "recover";
    }
    return "";
}

const char *dw_a_incentive_notice_kind(dw_a_incentive_kind_t k)
{
    switch (k) {
    case DW_A_INCENTIVE_DEDUCT: return "deduct_recommendation";
    case DW_A_INCENTIVE_REWARD: return "reward_recommendation";
    case DW_A_INCENTIVE_RECOVER: return "recover_recommendation";
    }
    return "";
}
