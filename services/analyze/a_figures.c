#include "a_figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_money.h"

typedef unsigned __int128 u128;

struct dw_a_figures {
    const dw_a_catalogue_t *cat;
    int fiscal_year;
    dw_a_progress_t tp;
    dw_a_tally_t bureau;
    dw_a_dept_figures_t *depts; /* ascending dept_code */
    size_t n_depts, cap_depts;
    dw_a_project_figures_t *projects;
    size_t n_projects, cap_projects;
};

dw_a_figures_t *dw_a_figures_new(const dw_a_catalogue_t *cat, int fiscal_year, dw_a_progress_t tp)
{
    dw_a_figures_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cat = cat;
    self->fiscal_year = fiscal_year;
    self->tp = tp;
    return self;
}

void dw_a_figures_destroy(dw_a_figures_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->depts);
    free((*self_p)->projects);
    free(*self_p);
    *self_p = NULL;
}

/* ---- exact ratios ---------------------------------------------------------- */

/* num ÷ den in basis points, rounded half up; num·10000 is formed in 512
 * bits, so only a quotient beyond int64 fails. den must not be zero. */
static bool wide_bp(const dw_wide_t *num, const dw_wide_t *den, int64_t *bp)
{
    dw_wide_t n = *num, q;
    return dw_wide_mul(&n, 10000) && dw_wide_div_round(&n, den, &q) && dw_wide_to_int64(&q, bp);
}

/* A weight in units of 10^-18 point: below 2^63 · 10^18 < 2^123. A negative
 * weight counts 0, as in the score; a scale dw_decimal_parse cannot give, 0. */
static u128 weight_units(dw_decimal_t w)
{
    if (w.units <= 0 || w.scale < 0 || w.scale > DW_A_WEIGHT_SCALE)
        return 0;
    u128 v = (u128)w.units;
    for (int s = w.scale; s < DW_A_WEIGHT_SCALE; s++)
        v *= 10;
    return v;
}

/* The ratios of t from its sums. false when one leaves int64. */
static bool derive(dw_a_tally_t *t)
{
    t->has_exec_rate = t->budget_fen != 0;
    t->exec_rate_bp = 0;
    if (t->has_exec_rate && !dw_ratio_bp(t->paid_fen, t->budget_fen, &t->exec_rate_bp))
        return false;
    t->exec_deviation_bp = 0;
    if (t->timed_expected_fen > 0) {
        /* paid above expected counts as much as paid below: the distance */
        __int128 gap = (__int128)t->timed_paid_fen - t->timed_expected_fen;
        dw_wide_t n = dw_wide_of((u128)(gap < 0 ? -gap : gap)), d = dw_wide_of((u128)t->timed_expected_fen);
        if (!wide_bp(&n, &d, &t->exec_deviation_bp))
            return false;
    }
    t->indicator_deviation_bp = 0;
    if (!dw_wide_is_zero(&t->reported_weight) &&
        !wide_bp(&t->deviating_weight, &t->reported_weight, &t->indicator_deviation_bp))
        return false;
    return true;
}

/* ---- one project ----------------------------------------------------------- */

static void count_finding(dw_a_tally_t *t, const dw_a_finding_t *f)
{
    if (!f->rule || (f->light != DW_A_RED && f->light != DW_A_YELLOW))
        return;
    size_t *red = NULL, *yellow = NULL;
    switch (f->rule->category) {
    case DW_A_TIMELINESS:
        red = &t->exec_red;
        yellow = &t->exec_yellow;
        break;
    case DW_A_EFFECTIVENESS:
        red = &t->target_red;
        yellow = &t->target_yellow;
        break;
    case DW_A_COMPLIANCE:
        red = &t->compliance_red;
        yellow = &t->compliance_yellow;
        break;
    }
    if (red)
        ++*(f->light == DW_A_RED ? red : yellow);
}

static bool add_weight(dw_wide_t *sum, u128 w)
{
    dw_wide_t x = dw_wide_of(w);
    return dw_wide_add(sum, &x);
}

/* The figures of p alone. false when a ratio leaves int64. */
static bool project_tally(const dw_a_figures_t *self, const dw_a_project_t *p, const dw_a_finding_t *findings, size_t n,
                          dw_a_tally_t *t)
{
    memset(t, 0, sizeof *t);
    t->projects = 1;
    t->monitored = p->has_budget || p->has_targets;
    if (t->monitored) {
        t->budget_fen = p->budget_fen;
        t->paid_fen = p->paid_fen;
    } else {
        t->unmonitored_paid_fen = p->paid_fen;
    }
    if (t->monitored && p->budget_fen > 0 && self->tp.den > 0) {
        /* ⌊budget × num / den⌋: 0 ≤ num ≤ den, so it fits below budget */
        t->expected_fen = (int64_t)((__int128)p->budget_fen * self->tp.num / self->tp.den);
        if (self->tp.rules_on) {
            t->timed_paid_fen = p->paid_fen;
            t->timed_expected_fen = t->expected_fen;
        }
    }
    for (size_t i = 0; findings && i < n; i++)
        count_finding(t, &findings[i]);
    t->light = dw_a_worst(findings, n);
    for (size_t i = 0; p->has_targets && i < p->n_indicators && i < DW_A_MAX_INDICATORS; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        if (!ind->reported)
            continue;
        u128 w = weight_units(ind->weight);
        t->indicators_reported++;
        /* at most 200 weights below 2^123 per project: far inside 512 bits */
        if (!add_weight(&t->reported_weight, w))
            return false;
        dw_a_light_t l = dw_a_indicator_light(self->cat, ind, self->tp);
        if (l == DW_A_YELLOW || l == DW_A_RED) {
            t->indicators_deviating++;
            if (!add_weight(&t->deviating_weight, w))
                return false;
        }
    }
    return derive(t);
}

/* a += b, then a's ratios again. false (a half changed: the caller works on
 * a copy) when a sum or a ratio leaves its type. */
static bool merge(dw_a_tally_t *a, const dw_a_tally_t *b)
{
    a->projects += b->projects;
    a->monitored += b->monitored;
    a->exec_red += b->exec_red;
    a->exec_yellow += b->exec_yellow;
    a->target_red += b->target_red;
    a->target_yellow += b->target_yellow;
    a->compliance_red += b->compliance_red;
    a->compliance_yellow += b->compliance_yellow;
    a->indicators_reported += b->indicators_reported;
    a->indicators_deviating += b->indicators_deviating;
    if (b->light > a->light)
        a->light = b->light;
    return dw_fen_add(a->budget_fen, b->budget_fen, &a->budget_fen) &&
           dw_fen_add(a->paid_fen, b->paid_fen, &a->paid_fen) &&
           dw_fen_add(a->unmonitored_paid_fen, b->unmonitored_paid_fen, &a->unmonitored_paid_fen) &&
           dw_fen_add(a->expected_fen, b->expected_fen, &a->expected_fen) &&
           dw_fen_add(a->timed_paid_fen, b->timed_paid_fen, &a->timed_paid_fen) &&
           dw_fen_add(a->timed_expected_fen, b->timed_expected_fen, &a->timed_expected_fen) &&
           dw_wide_add(&a->reported_weight, &b->reported_weight) &&
           dw_wide_add(&a->deviating_weight, &b->deviating_weight) && derive(a);
}

/* ---- the set --------------------------------------------------------------- */

/* Where dept_code is, or would go, in the ascending list. */
static size_t dept_slot(const dw_a_figures_t *self, const char *dept_code, bool *found)
{
    size_t lo = 0, hi = self->n_depts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(self->depts[mid].dept_code, dept_code);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* Room for one more project and, when new_dept, one more department; false
 * when out of memory (nothing lost). */
static bool reserve(dw_a_figures_t *self, bool new_dept)
{
    if (self->n_projects == self->cap_projects) {
        size_t want = self->cap_projects ? self->cap_projects * 2 : 64;
        dw_a_project_figures_t *grown = realloc(self->projects, want * sizeof *grown);
        if (!grown)
            return false;
        self->projects = grown;
        self->cap_projects = want;
    }
    if (new_dept && self->n_depts == self->cap_depts) {
        size_t want = self->cap_depts ? self->cap_depts * 2 : 16;
        dw_a_dept_figures_t *grown = realloc(self->depts, want * sizeof *grown);
        if (!grown)
            return false;
        self->depts = grown;
        self->cap_depts = want;
    }
    return true;
}

int dw_a_figures_add(dw_a_figures_t *self, const dw_a_project_t *p, const dw_a_finding_t *findings, size_t n, char *err,
                     size_t errlen)
{
    if (p->fiscal_year != self->fiscal_year) {
        snprintf(err, errlen, "project %s is of fiscal year %d, the figures of %d", p->project_code, p->fiscal_year,
                 self->fiscal_year);
        return -1;
    }
    const char *dept_code = p->dept_code[0] ? p->dept_code : "-";
    dw_a_project_figures_t pf;
    memset(&pf, 0, sizeof pf);
    snprintf(pf.project_code, sizeof pf.project_code, "%s", p->project_code);
    snprintf(pf.project_name, sizeof pf.project_name, "%s", p->project_name);
    snprintf(pf.dept_code, sizeof pf.dept_code, "%s", dept_code);
    bool found;
    size_t at = dept_slot(self, pf.dept_code, &found);
    dw_a_tally_t dept, bureau = self->bureau;
    if (found)
        dept = self->depts[at].tally;
    else
        memset(&dept, 0, sizeof dept);
    if (!project_tally(self, p, findings, n, &pf.tally) || !merge(&dept, &pf.tally) || !merge(&bureau, &pf.tally)) {
        snprintf(err, errlen, "the figures of project %s (department %s) leave 64 bits", pf.project_code, pf.dept_code);
        return -1;
    }
    if (!reserve(self, !found)) {
        snprintf(err, errlen, "out of memory adding project %s", pf.project_code);
        return -1;
    }
    const dw_a_score_cfg_t *cfg = dw_a_catalogue_score(self->cat);
    /* the self-evaluation's figures once the department has evaluated itself (year end), else those to date */
    pf.score = dw_a_score_project(cfg, p, p->has_selfeval ? DW_A_SCORE_SELFEVAL : DW_A_SCORE_ACTUAL);
    pf.projected_score = dw_a_score_project(cfg, p, DW_A_SCORE_PROJECTED);
    if (!found) {
        memmove(&self->depts[at + 1], &self->depts[at], (self->n_depts - at) * sizeof *self->depts);
        memset(&self->depts[at], 0, sizeof self->depts[at]);
        snprintf(self->depts[at].dept_code, sizeof self->depts[at].dept_code, "%s", pf.dept_code);
        self->n_depts++;
    }
    self->depts[at].tally = dept;
    self->bureau = bureau;
    self->projects[self->n_projects++] = pf;
    return 0;
}

dw_a_progress_t dw_a_figures_progress(const dw_a_figures_t *self)
{
    return self->tp;
}

const dw_a_tally_t *dw_a_figures_bureau(const dw_a_figures_t *self)
{
    return &self->bureau;
}

size_t dw_a_figures_dept_count(const dw_a_figures_t *self)
{
    return self->n_depts;
}

const dw_a_dept_figures_t *dw_a_figures_dept(const dw_a_figures_t *self, size_t i)
{
    return i < self->n_depts ? &self->depts[i] : NULL;
}

const dw_a_dept_figures_t *dw_a_figures_find_dept(const dw_a_figures_t *self, const char *dept_code)
{
    bool found;
    size_t at = dept_slot(self, dept_code, &found);
    return found ? &self->depts[at] : NULL;
}

size_t dw_a_figures_project_count(const dw_a_figures_t *self)
{
    return self->n_projects;
}

const dw_a_project_figures_t *dw_a_figures_project(const dw_a_figures_t *self, size_t i)
{
    return i < self->n_projects ? &self->projects[i] : NULL;
}
