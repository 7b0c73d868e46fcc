#include "analyze.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a_alerts.h"
#include "a_cache.h"
#include "a_catalogue.h"
#include "a_incentives.h"
#include "a_load.h"
#include "a_rules.h"
#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_strmap.h"

#define CHUNK_PROJECTS 200 /* projects loaded and evaluated at a time in a whole-year run */

struct dw_analyze {
    const dw_config_t *cfg;
    dw_a_catalogue_t *catalogue;
    dw_a_alerts_t *alerts;
    dw_a_cache_t *cache;    /* the projects loaded, as counted until paid_until */
    dw_a_projects_t loaded; /* the projects of the batch being judged (its memory kept from batch to batch) */
    dw_date_t paid_until;   /* the date the cache counts payments up to */
    char last_daily[11];    /* business date of the last whole-year run */
    bool rerun;             /* the rules changed: run the day again even if it was run */
};

static dw_a_catalogue_t *load_catalogue(const dw_config_t *cfg, char *err, size_t errlen)
{
    char path[DW_CFG_STR * 2];
    dw_config_file_path(cfg, cfg->analyze.rules_file, path, sizeof path);
    return *path ? dw_a_catalogue_load(path, err, errlen) : dw_a_catalogue_builtin(err, errlen);
}

/* Recommendations to a section the configuration does not know reach no
 * section's subscribers: said at start and on reload, not refused (the
 * catalogue and the configuration are read apart). */
static void check_recipient(const dw_analyze_t *self)
{
    const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(self->catalogue);
    if (!in->present || in->n_checkpoints == 0)
        return;
    for (size_t i = 0; i < self->cfg->n_sections; i++)
        if (strcmp(self->cfg->sections[i].code, in->recipient) == 0)
            return;
    dw_log_warn(NULL,
                "analysis rules: incentives: recipient \"%s\" is not a section in %s; recommendations go to "
                "notice.%s. all the same",
                in->recipient, self->cfg->path, in->recipient);
}

dw_analyze_t *dw_analyze_new(const dw_config_t *cfg, dw_pg_t *pg)
{
    (void)pg;
    dw_analyze_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    char err[512];
    self->catalogue = load_catalogue(cfg, err, sizeof err);
    self->alerts = dw_a_alerts_new(cfg->analyze.figures_interval_ms);
    self->cache = dw_a_cache_new();
    if (!self->catalogue || !self->alerts || !self->cache) {
        dw_log_error(NULL, "analysis rules: %s", self->catalogue ? "out of memory" : err);
        dw_analyze_destroy(&self);
        return NULL;
    }
    dw_log_info(NULL, "analysis rules from %s", dw_a_catalogue_source(self->catalogue));
    check_recipient(self);
    return self;
}

void dw_analyze_destroy(dw_analyze_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_a_catalogue_destroy(&(*self_p)->catalogue);
    dw_a_alerts_destroy(&(*self_p)->alerts);
    dw_a_cache_destroy(&(*self_p)->cache);
    dw_a_projects_free(&(*self_p)->loaded);
    free(*self_p);
    *self_p = NULL;
}

/* The business date the analysis speaks for: clock.as_of (or --as-of), else today in Asia/Shanghai. */
static dw_date_t as_of_date(const dw_analyze_t *self)
{
    dw_date_t d;
    if (self->cfg->clock.as_of[0] && dw_date_parse(self->cfg->clock.as_of, &d))
        return d;
    return dw_business_date(dw_now_ms());
}

/* The date a fiscal year is judged at: the as-of date within the year, its
 * last day once the year is over. false for a year that has not begun. */
static bool judged_at(dw_date_t as_of, int fiscal_year, dw_date_t *at)
{
    if (as_of.year < fiscal_year)
        return false;
    *at = as_of.year > fiscal_year ? (dw_date_t){fiscal_year, 12, 31} : as_of;
    return true;
}

/* ---- evaluation ---------------------------------------------------------- */

typedef struct evaluation {
    dw_a_evaluated_t *evaluated;
    dw_a_finding_t **findings;
    size_t n;
} evaluation_t;

static void evaluation_free(evaluation_t *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->findings[i]);
    free(e->findings);
    free(e->evaluated);
    *e = (evaluation_t){0};
}

/* Every rule over every project loaded. */
static int evaluate(const dw_analyze_t *self, const dw_a_projects_t *ps, dw_date_t at, evaluation_t *e)
{
    e->evaluated = calloc(ps->n + 1, sizeof *e->evaluated);
    e->findings = calloc(ps->n + 1, sizeof *e->findings);
    if (!e->evaluated || !e->findings)
        return -1;
    for (size_t i = 0; i < ps->n; i++) {
        const dw_a_project_t *p = &ps->items[i];
        dw_a_progress_t tp = dw_a_time_progress(dw_a_catalogue_time(self->catalogue), p->fiscal_year, at);
        size_t cap = 32 + 4 * p->n_indicators, got;
        for (;;) {
            dw_a_finding_t *f = realloc(e->findings[e->n], cap * sizeof *f);
            if (!f)
                return -1;
            e->findings[e->n] = f;
            got = dw_a_rules_evaluate(self->catalogue, p, tp, at, f, cap);
            if (got <= cap)
                break;
            cap = got;
        }
        e->evaluated[e->n] = (dw_a_evaluated_t){.project_code = p->project_code,
                                                .dept_code = p->dept_code[0] ? p->dept_code : "-",
                                                .findings = e->findings[e->n],
                                                .n = got,
                                                .complete = true};
        e->n++;
    }
    return 0;
}

/* The evaluated projects into the checkpoint's recommendations. A failure
 * there (a sum beyond 64 bits) drops the recommendations of the day, logged,
 * and never holds up the alerts: *inc is then NULL. */
static void feed_incentives(dw_a_incentives_t **inc, const dw_a_projects_t *ps, const evaluation_t *e)
{
    for (size_t i = 0; *inc && i < e->n && i < ps->n; i++) {
        char err[256];
        if (dw_a_incentives_add(*inc, &ps->items[i], e->findings[i], e->evaluated[i].n, err, sizeof err) != 0) {
            dw_log_error(ps->items[i].project_code, "incentives: no recommendations today: %s", err);
            dw_a_incentives_destroy(inc);
        }
    }
}

/* The projects codes[0..n) in that order: the ones the cache holds from it,
 * the others from the database (which then join the cache). */
static int load_projects(dw_analyze_t *self, dw_pg_t *pg, int fiscal_year, const char *const *codes, size_t n,
                         dw_date_t counted_until, dw_a_projects_t *ps)
{
    const char **missing = calloc(n + 1, sizeof *missing);
    if (!missing)
        return -1;
    size_t n_missing = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        dw_a_project_t *p = dw_a_projects_add(ps, fiscal_year, codes[i]);
        if (!p)
            rc = -1;
        else if (!dw_a_cache_get(self->cache, fiscal_year, codes[i], p))
            missing[n_missing++] = codes[i];
    }
    dw_a_projects_t read = DW_A_PROJECTS_INIT;
    if (rc == 0 && n_missing > 0)
        rc = dw_a_load_projects(pg, fiscal_year, missing, n_missing, counted_until, &read);
    for (size_t i = 0; rc == 0 && i < read.n; i++) {
        const dw_a_project_t *r = &read.items[i];
        memcpy(dw_a_projects_find(ps, r->project_code), r, dw_a_project_size(r));
        rc = dw_a_cache_put(self->cache, r);
    }
    dw_a_projects_free(&read);
    free(missing);
    return rc;
}

/* Loads, evaluates and lays over the open alerts: the projects codes[0..n)
 * of one fiscal year (a whole year a chunk at a time);
 * at a checkpoint (inc not NULL) they are also weighed for recommendations. */
static int analyse_projects(dw_analyze_t *self, dw_stage_t *stage, dw_pg_t *pg, int fiscal_year,
                            const char *const *codes, size_t n, dw_date_t at, dw_a_incentives_t **inc, size_t *projects,
                            size_t *changes)
{
    dw_a_projects_t *ps = &self->loaded;
    dw_a_projects_reset(ps);
    evaluation_t e = {0};
    size_t changed = 0;
    int rc = -1;
    /* Live, every stored fact counts (a payment dated ahead is still paid);
     * running as of a set date (a replay, a test) counts what was dated by then. */
    dw_date_t counted_until = self->cfg->clock.as_of[0] ? at : (dw_date_t){9999, 12, 31};
    if (dw_date_cmp(counted_until, self->paid_until) != 0) { /* another day: the cache counted other payments */
        dw_a_cache_clear(self->cache);
        self->paid_until = counted_until;
    }
    if (load_projects(self, pg, fiscal_year, codes, n, counted_until, ps) == 0 && evaluate(self, ps, at, &e) == 0 &&
        dw_a_alerts_apply(self->alerts, pg, stage, fiscal_year, e.evaluated, e.n, at, &changed) == 0)
        rc = 0;
    if (rc == 0 && inc)
        feed_incentives(inc, ps, &e);
    *projects += ps->n;
    *changes += changed;
    evaluation_free(&e);
    return rc;
}

/* ---- facts --------------------------------------------------------------- */

/* What a batch does to one project's day (project_days). */
typedef struct day_delta {
    int64_t fiscal_year;
    char project_code[64], dept_code[40], pay_date[11];
    int64_t paid, reversed, no_budget, on_hold, econ_mismatch, payments;
} day_delta_t;

typedef struct touched {
    int64_t fiscal_year;
    char project_code[64];
} touched_t;

typedef struct batch {
    dw_strmap_t *days;    /* "year\x1fproject\x1fdate" -> day_delta_t */
    dw_strmap_t *touched; /* "year\x1fproject" -> touched_t */
    dw_a_finding_t *recon;
    char (*recon_dates)[11];
    size_t n_recon;
} batch_t;

static bool has_flag(const dw_obj_t *b, const char *flag)
{
    for (size_t k = 0; k < dw_obj_count(b, "flags"); k++)
        if (strcmp(dw_obj_item_str(b, "flags", k), flag) == 0)
            return true;
    return false;
}

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

static int touch(batch_t *bt, int64_t fiscal_year, const char *project_code)
{
    if (!project_code || !*project_code)
        return 0;
    char key[96];
    snprintf(key, sizeof key, "%" PRId64 "\x1f%s", fiscal_year, project_code);
    touched_t *t = dw_strmap_put(bt->touched, key, NULL);
    if (!t)
        return -1;
    t->fiscal_year = fiscal_year;
    snprintf(t->project_code, sizeof t->project_code, "%s", project_code);
    return 0;
}

/* fact.payment: a payment, or with a negative amount a reversal, on its day. */
static int count_payment(batch_t *bt, const dw_obj_t *b)
{
    const char *project = dw_obj_str(b, "project_code"), *date = dw_obj_str(b, "payment_date");
    int64_t year = int_of(b, "fiscal_year"), amount = int_of(b, "amount_fen");
    if (!project || !date)
        return 0;
    char key[128];
    snprintf(key, sizeof key, "%" PRId64 "\x1f%s\x1f%s", year, project, date);
    bool created = false;
    day_delta_t *d = dw_strmap_put(bt->days, key, &created);
    if (!d)
        return -1;
    if (created) {
        d->fiscal_year = year;
        snprintf(d->project_code, sizeof d->project_code, "%s", project);
        snprintf(d->dept_code, sizeof d->dept_code, "%s", dw_obj_str(b, "dept_code") ? dw_obj_str(b, "dept_code") : "");
        snprintf(d->pay_date, sizeof d->pay_date, "%s", date);
    }
    if (amount < 0) {
        d->reversed -= amount;
    } else {
        d->paid += amount;
        d->payments++;
        if (has_flag(b, "no_budget"))
            d->no_budget += amount;
        if (has_flag(b, "on_hold"))
            d->on_hold += amount;
        if (has_flag(b, "economic_code_outside"))
            d->econ_mismatch += amount;
    }
    return touch(bt, year, project);
}

typedef struct days_cols {
    dw_pg_array_t c[10];
} days_cols_t;

static void day_columns(void *ctx, const char *key, void *value)
{
    (void)key;
    days_cols_t *dc = ctx;
    const day_delta_t *d = value;
    dw_pg_array_t *c = dc->c;
    /* a failed append leaves the arrays short; the statement then fails on their lengths */
    (void)(dw_pg_array_int(&c[0], d->fiscal_year) || dw_pg_array_text(&c[1], d->project_code) ||
           dw_pg_array_text(&c[2], d->pay_date) || dw_pg_array_text(&c[3], d->dept_code) ||
           dw_pg_array_int(&c[4], d->paid) || dw_pg_array_int(&c[5], d->reversed) ||
           dw_pg_array_int(&c[6], d->no_budget) || dw_pg_array_int(&c[7], d->on_hold) ||
           dw_pg_array_int(&c[8], d->econ_mismatch) || dw_pg_array_int(&c[9], d->payments));
}

/* The batch's days added to project_days: one statement. */
static int write_days(dw_pg_t *pg, batch_t *bt)
{
    if (dw_strmap_size(bt->days) == 0)
        return 0;
    days_cols_t dc;
    for (int k = 0; k < 10; k++)
        dc.c[k] = (dw_pg_array_t)DW_PG_ARRAY_INIT;
    dw_strmap_each(bt->days, day_columns, &dc);
    const char *p[10];
    int rc = 0;
    for (int k = 0; k < 10 && rc == 0; k++)
        if (!(p[k] = dw_pg_array_literal(&dc.c[k])))
            rc = -1;
    if (rc == 0)
        rc = dw_pg_exec(
            pg, "analyze",
            "INSERT INTO project_days AS d (fiscal_year, project_code, pay_date, dept_code, paid_fen, "
            "reversed_fen, no_budget_fen, on_hold_fen, econ_mismatch_fen, payments) "
            "SELECT * FROM unnest($1::int[], $2::text[], $3::date[], $4::text[], $5::bigint[], "
            "$6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::int[]) "
            "ON CONFLICT (fiscal_year, project_code, pay_date) DO UPDATE SET "
            "paid_fen = d.paid_fen + EXCLUDED.paid_fen, reversed_fen = d.reversed_fen + EXCLUDED.reversed_fen, "
            "no_budget_fen = d.no_budget_fen + EXCLUDED.no_budget_fen, "
            "on_hold_fen = d.on_hold_fen + EXCLUDED.on_hold_fen, "
            "econ_mismatch_fen = d.econ_mismatch_fen + EXCLUDED.econ_mismatch_fen, "
            "payments = d.payments + EXCLUDED.payments",
            10, p);
    for (int k = 0; k < 10; k++)
        dw_pg_array_free(&dc.c[k]);
    return rc;
}

/* The batch's days added to the projects the cache holds (the others are
 * read from project_days, this batch's rows included, when next needed). */
static void day_into_cache(void *ctx, const char *key, void *value)
{
    (void)key;
    dw_analyze_t *self = ctx;
    const day_delta_t *d = value;
    dw_date_t date;
    if (!dw_date_parse(d->pay_date, &date) || dw_date_cmp(date, self->paid_until) > 0)
        return;
    const dw_a_paid_delta_t delta = {.month = date.month,
                                     .paid_fen = d->paid,
                                     .reversed_fen = d->reversed,
                                     .no_budget_fen = d->no_budget,
                                     .on_hold_fen = d->on_hold,
                                     .econ_mismatch_fen = d->econ_mismatch,
                                     .payments = d->payments};
    dw_a_cache_add_paid(self->cache, (int)d->fiscal_year, d->project_code, &delta);
}

/* fact.reconciliation: the treasury's control totals against what was stored. */
static int count_reconciliation(dw_analyze_t *self, batch_t *bt, const dw_obj_t *b)
{
    dw_date_t date;
    const char *s = dw_obj_str(b, "business_date");
    if (!s || !dw_date_parse(s, &date))
        return 0;
    dw_a_finding_t *f = realloc(bt->recon, (bt->n_recon + 1) * sizeof *f);
    if (!f)
        return -1;
    bt->recon = f;
    dw_a_rules_reconciliation(self->catalogue, date, int_of(b, "treasury_count"), int_of(b, "treasury_sum_fen"),
                              int_of(b, "stored_count"), int_of(b, "stored_sum_fen"), &bt->recon[bt->n_recon++]);
    return 0;
}

typedef struct year_codes {
    int64_t fiscal_year;
    const char **codes;
    size_t n, cap;
} year_codes_t;

static void collect_touched(void *ctx, const char *key, void *value)
{
    (void)key;
    year_codes_t *y = ctx;
    const touched_t *t = value;
    if (t->fiscal_year != y->fiscal_year || y->n >= y->cap)
        return;
    y->codes[y->n++] = t->project_code;
}

static void min_year(void *ctx, const char *key, void *value)
{
    (void)key;
    int64_t *y = ctx;
    const touched_t *t = value;
    if (*y == 0 || t->fiscal_year < *y)
        *y = t->fiscal_year;
}

static void next_year(void *ctx, const char *key, void *value)
{
    (void)key;
    int64_t *y = ctx; /* y[0]: after this; y[1]: the smallest found */
    const touched_t *t = value;
    if (t->fiscal_year > y[0] && (y[1] == 0 || t->fiscal_year < y[1]))
        y[1] = t->fiscal_year;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The touched projects, year by year. */
static int analyse_touched(dw_analyze_t *self, dw_stage_t *stage, dw_pg_t *pg, batch_t *bt, dw_date_t as_of)
{
    size_t n = dw_strmap_size(bt->touched);
    if (n == 0)
        return 0;
    year_codes_t y = {.codes = calloc(n, sizeof(const char *)), .cap = n};
    if (!y.codes)
        return -1;
    int64_t year = 0;
    dw_strmap_each(bt->touched, min_year, &year);
    int rc = 0;
    while (year && rc == 0) {
        y.fiscal_year = year;
        y.n = 0;
        dw_strmap_each(bt->touched, collect_touched, &y);
        /* in code order, as a whole-year run takes them: alert ids do not depend on the map's order */
        qsort(y.codes, y.n, sizeof *y.codes, cmp_code);
        dw_date_t at;
        size_t projects = 0, changes = 0;
        if (judged_at(as_of, (int)year, &at))
            rc = analyse_projects(self, stage, pg, (int)year, y.codes, y.n, at, NULL, &projects, &changes);
        int64_t nx[2] = {year, 0};
        dw_strmap_each(bt->touched, next_year, nx);
        year = nx[1];
    }
    free(y.codes);
    return rc;
}

static int analyse_reconciliations(dw_analyze_t *self, dw_stage_t *stage, dw_pg_t *pg, batch_t *bt)
{
    for (size_t i = 0; i < bt->n_recon; i++) {
        /* one business date at a time: each is its own subject, in its own year */
        dw_a_evaluated_t e = {
            .project_code = "TREASURY", .dept_code = "TREASURY", .findings = &bt->recon[i], .n = 1, .complete = false};
        dw_date_t d;
        size_t changes = 0;
        if (!dw_date_parse(bt->recon[i].subject, &d) ||
            dw_a_alerts_apply(self->alerts, pg, stage, d.year, &e, 1, d, &changes) != 0)
            return -1;
    }
    return 0;
}

static int analyze_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_analyze_t *self = ctx;
    batch_t bt = {.days = dw_strmap_new(sizeof(day_delta_t)), .touched = dw_strmap_new(sizeof(touched_t))};
    int rc = bt.days && bt.touched ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        if (!m) {
            dw_log_error(ev[i].key, "validate seq %" PRId64 " does not decode: %s", ev[i].seq, err.message);
            continue;
        }
        const dw_obj_t *b = dw_msg_body(m);
        const char *type = dw_msg_type(m);
        if (strcmp(type, "fact.payment") == 0)
            rc = count_payment(&bt, b);
        else if (strcmp(type, "fact.reconciliation") == 0)
            rc = count_reconciliation(self, &bt, b);
        else { /* fact.budget and the documents: the project's budget, targets or form changed */
            const char *project = dw_obj_str(b, "project_code");
            /* A budget line may have moved here from another project, which
             * the fact does not name: every cached position is read again
             * (budget facts are few next to payments). */
            if (strcmp(type, "fact.budget") == 0)
                dw_a_cache_clear(self->cache);
            else if (project)
                dw_a_cache_forget(self->cache, (int)int_of(b, "fiscal_year"), project);
            rc = touch(&bt, int_of(b, "fiscal_year"), project);
        }
        dw_msg_destroy(&m);
    }
    dw_date_t as_of = as_of_date(self);
    if (rc == 0)
        rc = write_days(pg, &bt);
    if (rc == 0)
        dw_strmap_each(bt.days, day_into_cache, self);
    if (rc == 0)
        rc = analyse_touched(self, stage, pg, &bt, as_of);
    if (rc == 0)
        rc = analyse_reconciliations(self, stage, pg, &bt);
    dw_strmap_destroy(&bt.days);
    dw_strmap_destroy(&bt.touched);
    free(bt.recon);
    return rc;
}

/* ---- the daily run ------------------------------------------------------- */

/* Every project a fiscal year knows of, a chunk at a time, judged at `at`
 * (and fed to *inc when inc is not NULL). */
static int analyse_year(dw_analyze_t *self, dw_stage_t *stage, dw_pg_t *pg, int fiscal_year, dw_date_t at,
                        dw_a_incentives_t **inc, size_t *projects, size_t *changes)
{
    char year[16], date[11];
    snprintf(year, sizeof year, "%d", fiscal_year);
    dw_date_format(at, date);
    const char *p[2] = {year, date};
    PGresult *res = dw_pg_query(pg, "analyze",
                                "SELECT project_code FROM budget_lines WHERE fiscal_year = $1 AND $2::date IS NOT NULL "
                                "UNION SELECT project_code FROM project_days WHERE fiscal_year = $1 AND pay_date <= $2 "
                                "UNION SELECT project_code FROM target_declarations WHERE fiscal_year = $1 "
                                "UNION SELECT project_code FROM alerts WHERE fiscal_year = $1 AND status = 'open' "
                                "AND project_code <> 'TREASURY' ORDER BY 1",
                                2, p);
    if (!res)
        return -1;
    int n = PQntuples(res), rc = 0;
    const char *codes[CHUNK_PROJECTS];
    for (int r = 0; r < n && rc == 0; r += CHUNK_PROJECTS) {
        size_t k = 0;
        for (; k < CHUNK_PROJECTS && r + (int)k < n; k++)
            codes[k] = PQgetvalue(res, r + (int)k, 0);
        rc = analyse_projects(self, stage, pg, fiscal_year, codes, k, at, inc, projects, changes);
    }
    PQclear(res);
    /* a whole-year run leaves the table's figures those of its date */
    return rc == 0 ? dw_a_alerts_flush(self->alerts, pg) : rc;
}

/* ---- recommendations (奖惩与收回建议, seed 003 §13) --------------------------- */

/* One recommendation as a notice to the recipient section: published, never
 * carried out (the text says so). The id names the row and its revision. */
static int emit_recommendation(dw_stage_t *stage, const dw_a_recommendation_t *r, const char *recipient, int64_t id,
                               int64_t revision)
{
    char mid[64];
    snprintf(mid, sizeof mid, "recommendation-%" PRId64 "-%" PRId64, id, revision);
    dw_msg_t *m = dw_msg_new("notice", mid, "analyze", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "notice_id", id) | dw_obj_set_str(b, "kind", dw_a_incentive_notice_kind(r->kind)) |
             dw_obj_set_str(b, "recipient", recipient) | dw_obj_set_str(b, "title", r->title) |
             dw_obj_set_str(b, "text", r->text);
    if (strcmp(r->dept_code, "-") != 0)
        rc |= dw_obj_set_str(b, "dept_code", r->dept_code);
    if (r->project_code[0])
        rc |= dw_obj_set_str(b, "project_code", r->project_code);
    if (rc == 0) {
        rc = dw_stage_emit_msg(stage, m, r->project_code[0] ? r->project_code : r->dept_code) == 0 ? 0 : -1;
    } else {
        /* kept in the table, not published; a database failure is the only one that stops the day's run */
        dw_log_error(r->dept_code, "recommendation %" PRId64 " does not fit the notice schema: not published", id);
        rc = 0;
    }
    dw_msg_destroy(&m);
    return rc;
}

static const char *bp_param(bool has, int64_t bp, char *buf, size_t n)
{
    if (!has)
        return NULL;
    snprintf(buf, n, "%" PRId64, bp);
    return buf;
}

/* Writes one recommendation: a new row under next_id, or the row the same
 * day already has, updated when it changed (revision + 1). *published: the
 * row is new or changed, and its notice was emitted. */
static int write_recommendation(dw_stage_t *stage, dw_pg_t *pg, const dw_a_recommendation_t *r, const char *year,
                                const char *date, const char *recipient, int64_t *next_id, bool *published)
{
    char id[24], amount[24], basis[24], exec[24], completion[24], unspent[24];
    snprintf(id, sizeof id, "%" PRId64, *next_id);
    snprintf(amount, sizeof amount, "%" PRId64, r->amount_fen);
    snprintf(basis, sizeof basis, "%" PRId64, r->basis_fen);
    const char *p[15] = {id,
                         year,
                         date,
                         dw_a_incentive_kind_name(r->kind),
                         r->dept_code,
                         r->project_code,
                         amount,
                         basis,
                         bp_param(r->has_exec, r->exec_bp, exec, sizeof exec),
                         bp_param(r->has_completion, r->completion_bp, completion, sizeof completion),
                         bp_param(r->has_unspent, r->unspent_bp, unspent, sizeof unspent),
                         r->thresholds,
                         recipient,
                         r->title,
                         r->text};
    PGresult *res = dw_pg_query(
        pg, "analyze",
        "INSERT INTO recommendations AS r (recommendation_id, fiscal_year, checkpoint, kind, dept_code, project_code, "
        "amount_fen, basis_fen, exec_bp, completion_bp, unspent_bp, thresholds, recipient, title, text) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
        "ON CONFLICT (fiscal_year, checkpoint, kind, dept_code, project_code) DO UPDATE SET "
        "amount_fen = EXCLUDED.amount_fen, basis_fen = EXCLUDED.basis_fen, exec_bp = EXCLUDED.exec_bp, "
        "completion_bp = EXCLUDED.completion_bp, unspent_bp = EXCLUDED.unspent_bp, thresholds = EXCLUDED.thresholds, "
        "recipient = EXCLUDED.recipient, title = EXCLUDED.title, text = EXCLUDED.text, revision = r.revision + 1, "
        "updated_at = now(), withdrawn_at = NULL "
        "WHERE (r.amount_fen, r.basis_fen, r.exec_bp, r.completion_bp, r.unspent_bp, r.thresholds, r.recipient, "
        "r.title, r.text, r.withdrawn_at IS NULL) IS DISTINCT FROM (EXCLUDED.amount_fen, EXCLUDED.basis_fen, "
        "EXCLUDED.exec_bp, EXCLUDED.completion_bp, EXCLUDED.unspent_bp, EXCLUDED.thresholds, EXCLUDED.recipient, "
        "EXCLUDED.title, EXCLUDED.text, true) "
        "RETURNING recommendation_id, revision",
        15, p);
    if (!res)
        return -1;
    *published = PQntuples(res) == 1; /* no row: the same as this day's, nothing to say again */
    int64_t got = *published ? dw_pg_int(res, 0, 0) : 0, revision = *published ? dw_pg_int(res, 0, 1) : 0;
    PQclear(res);
    if (got == *next_id)
        ++*next_id;
    return *published ? emit_recommendation(stage, r, recipient, got, revision) : 0;
}

/* What a re-run of the day no longer recommends is marked withdrawn (kept:
 * it was published). keys: the kinds, departments and projects made now. */
static int withdraw_others(dw_pg_t *pg, const char *year, const char *date, dw_pg_array_t *keys, int64_t *withdrawn)
{
    const char *p[5] = {year, date, dw_pg_array_literal(&keys[0]), dw_pg_array_literal(&keys[1]),
                        dw_pg_array_literal(&keys[2])};
    if (!p[2] || !p[3] || !p[4])
        return -1;
    return dw_pg_query_int(pg, "analyze",
                           "WITH w AS (UPDATE recommendations SET withdrawn_at = now(), updated_at = now() "
                           "WHERE fiscal_year = $1 AND checkpoint = $2 AND withdrawn_at IS NULL "
                           "AND (kind, dept_code, project_code) NOT IN "
                           "(SELECT * FROM unnest($3::text[], $4::text[], $5::text[])) RETURNING 1) "
                           "SELECT count(*) FROM w",
                           5, p, withdrawn);
}

/* The checkpoint's recommendations decided, written and published. */
static int recommend(dw_analyze_t *self, dw_stage_t *stage, dw_pg_t *pg, dw_a_incentives_t *inc, dw_date_t at)
{
    char err[256];
    if (dw_a_incentives_decide(inc, err, sizeof err) != 0) {
        dw_log_error(NULL, "incentives: no recommendations today: %s", err);
        return 0;
    }
    const char *recipient = dw_a_catalogue_incentives(self->catalogue)->recipient;
    char year[16], date[11];
    snprintf(year, sizeof year, "%d", at.year);
    dw_date_format(at, date);
    int64_t next_id = 0, withdrawn = 0;
    if (dw_pg_query_int(pg, "analyze", "SELECT coalesce(max(recommendation_id), 0) + 1 FROM recommendations", 0, NULL,
                        &next_id) != 0)
        return -1;
    dw_pg_array_t keys[3] = {DW_PG_ARRAY_INIT, DW_PG_ARRAY_INIT, DW_PG_ARRAY_INIT};
    size_t n = dw_a_incentives_count(inc), published = 0, by_kind[3] = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const dw_a_recommendation_t *r = dw_a_incentives_item(inc, i);
        bool out = false;
        by_kind[r->kind]++;
        rc = dw_pg_array_text(&keys[0], dw_a_incentive_kind_name(r->kind)) ||
                     dw_pg_array_text(&keys[1], r->dept_code) || dw_pg_array_text(&keys[2], r->project_code) ||
                     write_recommendation(stage, pg, r, year, date, recipient, &next_id, &out) != 0
                 ? -1
                 : 0;
        published += out;
    }
    if (rc == 0)
        rc = withdraw_others(pg, year, date, keys, &withdrawn);
    for (int k = 0; k < 3; k++)
        dw_pg_array_free(&keys[k]);
    if (rc == 0)
        dw_log_info(NULL,
                    "incentives at %s: %zu recommendations (%zu deduct, %zu reward, %zu recover), %zu published to "
                    "%s, %" PRId64 " withdrawn",
                    date, n, by_kind[DW_A_INCENTIVE_DEDUCT], by_kind[DW_A_INCENTIVE_REWARD],
                    by_kind[DW_A_INCENTIVE_RECOVER], published, recipient, withdrawn);
    return rc;
}

/* The daily run: every project of the as-of year, and a row in analysis_runs;
 * on a checkpoint of the catalogue, the recommendations after it. */
static int daily_job(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    dw_analyze_t *self = ctx;
    dw_date_t as_of = as_of_date(self);
    char year[16], date[11];
    snprintf(year, sizeof year, "%d", as_of.year);
    dw_date_format(as_of, date);
    const char *p[2] = {year, date};
    int64_t done = 0;
    if (dw_pg_query_int(pg, "analyze", "SELECT count(*) FROM analysis_runs WHERE fiscal_year = $1 AND as_of = $2", 2, p,
                        &done) != 0)
        return -1;
    if (done && !self->rerun)
        return 0; /* this day was run already (a restart the same day) */
    size_t projects = 0, changes = 0;
    dw_a_incentives_t *inc = NULL;
    if (dw_a_catalogue_is_checkpoint(self->catalogue, as_of) &&
        !(inc = dw_a_incentives_new(self->catalogue, as_of.year, as_of)))
        return -1;
    int rc = analyse_year(self, stage, pg, as_of.year, as_of, inc ? &inc : NULL, &projects, &changes);
    if (rc == 0 && inc)
        rc = recommend(self, stage, pg, inc, as_of);
    dw_a_incentives_destroy(&inc);
    if (rc != 0)
        return -1;
    char np[24], nc[24];
    snprintf(np, sizeof np, "%zu", projects);
    snprintf(nc, sizeof nc, "%zu", changes);
    const char *q[4] = {year, date, np, nc};
    if (dw_pg_exec(pg, "analyze",
                   "INSERT INTO analysis_runs (fiscal_year, as_of, projects, changes) VALUES ($1, $2, $3, $4) "
                   "ON CONFLICT (fiscal_year, as_of) DO UPDATE SET projects = EXCLUDED.projects, "
                   "changes = analysis_runs.changes + EXCLUDED.changes, ran_at = now()",
                   4, q) != 0)
        return -1;
    dw_log_info(NULL, "daily analysis of %s: %zu projects, %zu alert changes", date, projects, changes);
    return 0;
}

/* project_days of a year from payments and reversals (what dw-analyze would
 * have counted from their facts): two statements. */
static int rebuild_days(dw_pg_t *pg, const char *year)
{
    const char *p[1] = {year};
    return dw_pg_exec(pg, "analyze", "DELETE FROM project_days WHERE fiscal_year = $1", 1, p) != 0 ||
                   dw_pg_exec(
                       pg, "analyze",
                       "INSERT INTO project_days AS d (fiscal_year, project_code, pay_date, dept_code, paid_fen, "
                       "reversed_fen, no_budget_fen, on_hold_fen, econ_mismatch_fen, payments) "
                       "SELECT fiscal_year, project_code, day, min(dept_code), sum(paid), sum(reversed), "
                       "sum(no_budget), sum(on_hold), sum(econ), sum(n) FROM ("
                       "SELECT fiscal_year, project_code, payment_date AS day, dept_code, amount_fen AS paid, "
                       "0::bigint AS reversed, "
                       "CASE WHEN 'no_budget' = ANY (flags) THEN amount_fen ELSE 0 END AS no_budget, "
                       "CASE WHEN 'on_hold' = ANY (flags) THEN amount_fen ELSE 0 END AS on_hold, "
                       "CASE WHEN 'economic_code_outside' = ANY (flags) THEN amount_fen ELSE 0 END AS econ, "
                       "1 AS n FROM payments WHERE fiscal_year = $1 "
                       "UNION ALL SELECT fiscal_year, project_code, reversal_date, dept_code, 0, amount_fen, 0, "
                       "0, 0, 0 FROM reversals WHERE fiscal_year = $1) x GROUP BY 1, 2, 3",
                       1, p) != 0
               ? -1
               : 0;
}

/* One request of `dwctl reanalyze`, the oldest pending, in this transaction. */
static int request_job(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    dw_analyze_t *self = ctx;
    PGresult *res = dw_pg_query(pg, "analyze",
                                "SELECT request_id, fiscal_year, rebuild FROM analysis_requests WHERE done_at IS NULL "
                                "ORDER BY request_id LIMIT 1 FOR UPDATE",
                                0, NULL);
    if (!res)
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    char id[24], year[16];
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    snprintf(year, sizeof year, "%s", PQgetvalue(res, 0, 1));
    bool rebuild = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    PQclear(res);
    int64_t started = dw_mono_ms(), rebuild_ms = 0;
    /* from the database, not from what dw-analyze holds in memory (and
     * project_days is rewritten under it on a rebuild) */
    dw_a_cache_clear(self->cache);
    if (rebuild) {
        if (rebuild_days(pg, year) != 0)
            return -1;
        rebuild_ms = dw_mono_ms() - started;
    }
    dw_date_t at;
    size_t projects = 0, changes = 0;
    int fiscal_year = atoi(year);
    bool begun = judged_at(as_of_date(self), fiscal_year, &at);
    if (begun && analyse_year(self, stage, pg, fiscal_year, at, NULL, &projects, &changes) != 0)
        return -1;
    char date[11] = "", np[24], nc[24], rb[24], el[24];
    if (begun)
        dw_date_format(at, date);
    snprintf(np, sizeof np, "%zu", projects);
    snprintf(nc, sizeof nc, "%zu", changes);
    snprintf(rb, sizeof rb, "%" PRId64, rebuild_ms);
    snprintf(el, sizeof el, "%" PRId64, dw_mono_ms() - started);
    const char *q[6] = {id, begun ? date : NULL, np, nc, rebuild ? rb : NULL, el};
    if (dw_pg_exec(pg, "analyze",
                   "UPDATE analysis_requests SET as_of = $2, projects = $3, changes = $4, rebuild_ms = $5, "
                   "elapsed_ms = $6, done_at = clock_timestamp() WHERE request_id = $1",
                   6, q) != 0)
        return -1;
    dw_log_info(NULL, "re-analysis %s of %s%s: %zu projects, %zu alert changes, %s ms", id, year,
                rebuild ? " (positions rebuilt)" : "", projects, changes, el);
    return 0;
}

/* The figures of open alerts that batches left to be written and that are
 * now figures_interval_ms old (the stream stopped). */
static int figures_job(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    (void)stage;
    dw_analyze_t *self = ctx;
    return dw_a_alerts_flush_old(self->alerts, pg);
}

/* Every figure a batch left to be written, before the service stops (a
 * restart on the same day runs no day's analysis that would write them). */
static int all_figures_job(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    (void)stage;
    dw_analyze_t *self = ctx;
    return dw_a_alerts_flush(self->alerts, pg);
}

static void analyze_stop(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    (void)pg;
    if (dw_stage_run_job(stage, all_figures_job, ctx) != 0)
        dw_log_warn(NULL, "figures of open alerts not written at the stop; the next payment or day's run writes them");
}

static void analyze_tick(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    dw_analyze_t *self = ctx;
    if (dw_a_alerts_flush_due(self->alerts) && dw_stage_run_job(stage, figures_job, self) != 0)
        dw_log_warn(NULL, "figures of open alerts not written; the next payment or day's run writes them");
    char date[11];
    dw_date_format(as_of_date(self), date);
    if (strcmp(date, self->last_daily) != 0 && dw_stage_run_job(stage, daily_job, self) == 0) {
        memcpy(self->last_daily, date, sizeof date);
        self->rerun = false;
    }
    int64_t pending = 0;
    if (dw_pg_query_int(pg, "analyze", "SELECT count(*) FROM analysis_requests WHERE done_at IS NULL", 0, NULL,
                        &pending) == 0 &&
        pending > 0 && dw_stage_run_job(stage, request_job, self) != 0)
        dw_log_warn(NULL, "re-analysis request not done; it stays pending and is tried again");
}

static void analyze_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_analyze_t *self = ctx;
    if (!committed) { /* what was counted in memory may not have been stored */
        dw_a_alerts_forget(self->alerts);
        dw_a_cache_clear(self->cache);
    }
}

/* SIGHUP: the catalogue again; a bad file keeps the rules in force. The next
 * daily check runs the whole year under the new rules. */
static void analyze_reload(void *ctx, dw_stage_t *stage)
{
    (void)stage;
    dw_analyze_t *self = ctx;
    char err[512];
    dw_a_catalogue_t *fresh = load_catalogue(self->cfg, err, sizeof err);
    if (!fresh) {
        dw_log_error(NULL, "SIGHUP: analysis rules not reloaded, the old ones stay in force: %s", err);
        return;
    }
    dw_a_catalogue_destroy(&self->catalogue);
    self->catalogue = fresh;
    check_recipient(self);
    self->last_daily[0] = '\0';
    self->rerun = true;
    dw_log_info(NULL, "SIGHUP: analysis rules reloaded from %s", dw_a_catalogue_source(fresh));
}

/* The facts and documents the analysis reads; the rest pass by. */
static bool analyze_wants(void *ctx, const char *type)
{
    (void)ctx;
    static const char *const wanted[] = {"fact.payment",       "fact.budget",    "fact.reconciliation",
                                         "target.declaration", "monitor.report", "selfeval.report"};
    for (size_t k = 0; k < sizeof wanted / sizeof *wanted; k++)
        if (strcmp(type, wanted[k]) == 0)
            return true;
    return false;
}

dw_stage_handler_t dw_analyze_handler(const dw_config_t *cfg)
{
    return (dw_stage_handler_t){.batch = analyze_batch,
                                .after = analyze_after,
                                .wants = analyze_wants,
                                .reload = analyze_reload,
                                .stop = analyze_stop,
                                .tick = analyze_tick,
                                .tick_ms = cfg->analyze.tick_ms};
}
