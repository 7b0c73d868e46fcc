#include "a_alerts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_strmap.h"

/* Past this many cleared alerts in memory (and more cleared than open) the
 * store is read again from the table instead of growing. */
#define COMPACT_AFTER 4096

/* An open alert as the table holds it (or will, once its figures are written). */
typedef struct open_alert {
    int64_t alert_id;
    char project_code[64], rule_id[40], subject[48], level[8];
    char expected[64], actual[64], thresholds[128], disposition[128], message[512];
    bool money;
    int64_t expected_fen, actual_fen;
    bool has_ratio;
    int64_t ratio_bp;
    int changes;         /* rows in alert_history so far */
    size_t next;         /* the project's next alert + 1; 0 = the last */
    bool closed;         /* cleared since it was loaded: skipped, left in its project's chain */
    bool dirty;          /* figures changed here, not yet written to the table */
    int64_t dirty_since; /* dw_mono_ms when it became dirty */
    bool matched;        /* a finding of the current evaluation fell on it */
} open_alert_t;

/* An alert that became dirty, in the order they did: the oldest figures are
 * written first, each about figures_interval_ms after it changed, so the
 * writes spread over the batches instead of all alerts in one. Stale once
 * the alert was written (dirty_since differs or dirty is false). */
typedef struct dirty_entry {
    size_t index;
    int64_t since;
} dirty_entry_t;

struct dw_a_alerts {
    int figures_interval_ms;
    int64_t next_alert_id; /* 0: read it from the table first */
    dirty_entry_t *dirty;  /* a ring: dirty[(head + k) % cap_dirty], k < n_queued */
    size_t head, n_queued, cap_dirty;
    dw_strmap_t *years;      /* "year" -> loaded */
    dw_strmap_t *by_key;     /* "year\x1fproject\x1frule\x1fsubject" -> index + 1 of the open alert; 0 none */
    dw_strmap_t *by_project; /* "year\x1fproject" -> index + 1 of the project's newest alert */
    open_alert_t *items;
    size_t n, cap, n_closed, n_dirty;
};

/* One change to write and publish. */
typedef struct change {
    int64_t alert_id;
    int change_no;
    const char *event; /* raised | changed | cleared | update (figures only, not published) */
    const char *project_code, *dept_code;
    dw_a_light_t light;
    const dw_a_finding_t *f; /* NULL: cleared because the rule no longer applies */
    size_t was;              /* the open alert's index + 1; 0 when raised */
} change_t;

dw_a_alerts_t *dw_a_alerts_new(int figures_interval_ms)
{
    dw_a_alerts_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->figures_interval_ms = figures_interval_ms;
    self->years = dw_strmap_new(sizeof(char));
    self->by_key = dw_strmap_new(sizeof(size_t));
    self->by_project = dw_strmap_new(sizeof(size_t));
    if (!self->years || !self->by_key || !self->by_project)
        dw_a_alerts_destroy(&self);
    return self;
}

void dw_a_alerts_destroy(dw_a_alerts_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_strmap_destroy(&(*self_p)->years);
    dw_strmap_destroy(&(*self_p)->by_key);
    dw_strmap_destroy(&(*self_p)->by_project);
    free((*self_p)->items);
    free((*self_p)->dirty);
    free(*self_p);
    *self_p = NULL;
}

/* Drops the open alerts held (read again when next needed). */
static void drop_store(dw_a_alerts_t *self)
{
    dw_strmap_clear(self->years);
    dw_strmap_clear(self->by_key);
    dw_strmap_clear(self->by_project);
    self->n = self->n_closed = self->n_dirty = 0;
    self->head = self->n_queued = 0;
}

void dw_a_alerts_forget(dw_a_alerts_t *self)
{
    self->next_alert_id = 0;
    drop_store(self);
}

static void alert_key(char *out, size_t n, int fiscal_year, const char *project_code, const char *rule_id,
                      const char *subject)
{
    snprintf(out, n, "%d\x1f%s\x1f%s\x1f%s", fiscal_year, project_code, rule_id, subject);
}

static void project_key(char *out, size_t n, int fiscal_year, const char *project_code)
{
    snprintf(out, n, "%d\x1f%s", fiscal_year, project_code);
}

/* A new slot at the end of the store, chained to its project and found by
 * its key; NULL when out of memory. Invalidates pointers into the store. */
static open_alert_t *store_add(dw_a_alerts_t *self, int fiscal_year, const char *project_code, const char *rule_id,
                               const char *subject)
{
    if (self->n == self->cap) {
        size_t nc = self->cap ? self->cap * 2 : 256;
        open_alert_t *grown = realloc(self->items, nc * sizeof *grown);
        if (!grown)
            return NULL;
        self->items = grown;
        self->cap = nc;
    }
    char key[256], pkey[96];
    alert_key(key, sizeof key, fiscal_year, project_code, rule_id, subject);
    project_key(pkey, sizeof pkey, fiscal_year, project_code);
    size_t *at = dw_strmap_put(self->by_key, key, NULL);
    if (!at)
        return NULL;
    *at = self->n + 1;
    size_t *head = dw_strmap_put(self->by_project, pkey, NULL);
    if (!head)
        return NULL;
    open_alert_t *a = &self->items[self->n];
    *a = (open_alert_t){.next = *head};
    *head = ++self->n;
    snprintf(a->project_code, sizeof a->project_code, "%s", project_code);
    snprintf(a->rule_id, sizeof a->rule_id, "%s", rule_id);
    snprintf(a->subject, sizeof a->subject, "%s", subject);
    return a;
}

/* The open alerts of a fiscal year into the store, once. */
static int load_year(dw_a_alerts_t *self, dw_pg_t *pg, int fiscal_year)
{
    char year[16];
    snprintf(year, sizeof year, "%d", fiscal_year);
    if (dw_strmap_get(self->years, year))
        return 0;
    const char *p[1] = {year};
    PGresult *res = dw_pg_query(
        pg, "analyze",
        "SELECT a.alert_id, a.project_code, a.rule_id, a.subject, a.level, coalesce(a.expected, ''), "
        "coalesce(a.actual, ''), a.message, a.ratio_bp, a.expected_fen, a.actual_fen, coalesce(a.thresholds, ''), "
        "coalesce(a.disposition, ''), "
        "(SELECT coalesce(max(change_no), 0) FROM alert_history h WHERE h.alert_id = a.alert_id) "
        "FROM alerts a WHERE a.status = 'open' AND a.fiscal_year = $1 ORDER BY a.alert_id",
        1, p);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        open_alert_t *a =
            store_add(self, fiscal_year, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), PQgetvalue(res, r, 3));
        if (!a) {
            rc = -1;
            break;
        }
        a->alert_id = dw_pg_int(res, r, 0);
        snprintf(a->level, sizeof a->level, "%s", PQgetvalue(res, r, 4));
        snprintf(a->expected, sizeof a->expected, "%s", PQgetvalue(res, r, 5));
        snprintf(a->actual, sizeof a->actual, "%s", PQgetvalue(res, r, 6));
        snprintf(a->message, sizeof a->message, "%s", PQgetvalue(res, r, 7));
        a->has_ratio = !PQgetisnull(res, r, 8);
        a->ratio_bp = dw_pg_int(res, r, 8);
        a->money = !PQgetisnull(res, r, 9);
        a->expected_fen = dw_pg_int(res, r, 9);
        a->actual_fen = dw_pg_int(res, r, 10);
        snprintf(a->thresholds, sizeof a->thresholds, "%s", PQgetvalue(res, r, 11));
        snprintf(a->disposition, sizeof a->disposition, "%s", PQgetvalue(res, r, 12));
        a->changes = (int)dw_pg_int(res, r, 13);
    }
    PQclear(res);
    if (rc == 0 && !dw_strmap_put(self->years, year, NULL))
        rc = -1;
    if (rc != 0)
        drop_store(self);
    return rc;
}

static open_alert_t *find_open(dw_a_alerts_t *self, int fiscal_year, const char *project_code, const char *rule_id,
                               const char *subject)
{
    char key[256];
    alert_key(key, sizeof key, fiscal_year, project_code, rule_id, subject);
    const size_t *at = dw_strmap_get(self->by_key, key);
    return at && *at ? &self->items[*at - 1] : NULL;
}

/* The project's newest alert + 1 (follow ->next for the older ones); 0 none. */
static size_t project_head(const dw_a_alerts_t *self, int fiscal_year, const char *project_code)
{
    char pkey[96];
    project_key(pkey, sizeof pkey, fiscal_year, project_code);
    const size_t *head = dw_strmap_get(self->by_project, pkey);
    return head ? *head : 0;
}

static bool same_figures(const open_alert_t *a, const dw_a_finding_t *f)
{
    return strcmp(a->expected, f->expected) == 0 && strcmp(a->actual, f->actual) == 0 && a->has_ratio == f->has_ratio &&
           (!f->has_ratio || a->ratio_bp == f->ratio_bp) && strcmp(a->message, f->message) == 0;
}

/* The finding's figures into the held alert. */
static void take_figures(open_alert_t *a, const dw_a_finding_t *f)
{
    snprintf(a->expected, sizeof a->expected, "%s", f->expected);
    snprintf(a->actual, sizeof a->actual, "%s", f->actual);
    snprintf(a->thresholds, sizeof a->thresholds, "%s", f->thresholds);
    snprintf(a->disposition, sizeof a->disposition, "%s", dw_a_disposition_text(f->disposition));
    snprintf(a->message, sizeof a->message, "%s", f->message);
    a->money = f->expected_fen || f->actual_fen;
    a->expected_fen = f->expected_fen;
    a->actual_fen = f->actual_fen;
    a->has_ratio = f->has_ratio;
    a->ratio_bp = f->ratio_bp;
}

static int emit(const dw_a_alerts_t *self, dw_stage_t *stage, int fiscal_year, const change_t *c, const char *as_of)
{
    char id[64];
    snprintf(id, sizeof id, "alert-%" PRId64 "-%d", c->alert_id, c->change_no);
    dw_msg_t *m = dw_msg_new("alert.event", id, "analyze", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    const dw_a_finding_t *f = c->f;
    const open_alert_t *was = c->was ? &self->items[c->was - 1] : NULL;
    const char *rule_id = f ? f->rule->id : was->rule_id;
    const char *category = f ? dw_a_category_name(f->rule->category) : NULL;
    const char *subject = f ? f->subject : was->subject;
    char message[600];
    if (!f)
        snprintf(message, sizeof message, "规则不再适用，预警解除：%s", was->message);
    else if (c->light == DW_A_GREEN && strcmp(c->event, "cleared") == 0)
        snprintf(message, sizeof message, "已恢复正常：%s", f->message);
    else
        snprintf(message, sizeof message, "%s", f->message);
    int rc = dw_obj_set_int(b, "alert_id", c->alert_id) | dw_obj_set_str(b, "event", c->event) |
             dw_obj_set_int(b, "fiscal_year", fiscal_year) | dw_obj_set_str(b, "dept_code", c->dept_code) |
             dw_obj_set_str(b, "project_code", c->project_code) | dw_obj_set_str(b, "rule_id", rule_id) |
             dw_obj_set_str(b, "level", dw_a_light_name(c->light)) | dw_obj_set_str(b, "message", message) |
             dw_obj_set_str(b, "as_of", as_of);
    /* an alert of a rule that left the catalogue keeps the category it was raised with */
    rc |= dw_obj_set_str(b, "category", category ? category : "compliance");
    if (was)
        rc |= dw_obj_set_str(b, "previous_level", was->level);
    if (*subject)
        rc |= dw_obj_set_str(b, "subject", subject);
    if (f) {
        rc |= dw_obj_set_str(b, "title", f->rule->title);
        if (f->expected[0])
            rc |= dw_obj_set_str(b, "expected", f->expected);
        if (f->actual[0])
            rc |= dw_obj_set_str(b, "actual", f->actual);
        if (f->expected_fen || f->actual_fen)
            rc |= dw_obj_set_int(b, "expected_fen", f->expected_fen) | dw_obj_set_int(b, "actual_fen", f->actual_fen);
        if (f->has_ratio)
            rc |= dw_obj_set_int(b, "ratio_bp", f->ratio_bp);
        if (f->thresholds[0])
            rc |= dw_obj_set_str(b, "thresholds", f->thresholds);
        if (f->disposition != DW_A_DISPOSE_NONE)
            rc |= dw_obj_set_str(b, "disposition", dw_a_disposition_text(f->disposition));
    }
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, m, c->project_code);
    else
        dw_log_error(c->project_code, "could not build alert.event for alert %" PRId64, c->alert_id);
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* A column value, or SQL NULL for "". */
static int opt_text(dw_pg_array_t *a, const char *s)
{
    return dw_pg_array_text(a, s && *s ? s : NULL);
}

/* The figure columns (expected, actual, expected_fen, actual_fen, ratio_bp,
 * thresholds, message, disposition) of an UPDATE or a history row. */
enum { F_EXP, F_ACT, F_EXPF, F_ACTF, F_RATIO, F_THR, F_MSG, F_DISP, N_FIG };

static int held_columns(dw_pg_array_t *c, const open_alert_t *a)
{
    return opt_text(&c[F_EXP], a->expected) || opt_text(&c[F_ACT], a->actual) ||
           (a->money ? dw_pg_array_int(&c[F_EXPF], a->expected_fen) : dw_pg_array_text(&c[F_EXPF], NULL)) ||
           (a->money ? dw_pg_array_int(&c[F_ACTF], a->actual_fen) : dw_pg_array_text(&c[F_ACTF], NULL)) ||
           (a->has_ratio ? dw_pg_array_int(&c[F_RATIO], a->ratio_bp) : dw_pg_array_text(&c[F_RATIO], NULL)) ||
           opt_text(&c[F_THR], a->thresholds) || dw_pg_array_text(&c[F_MSG], a->message) ||
           opt_text(&c[F_DISP], a->disposition);
}

static int finding_columns(dw_pg_array_t *c, const dw_a_finding_t *f, const open_alert_t *was)
{
    if (!f) /* cleared because the rule no longer applies: the figures it had, no money, no advice */
        return opt_text(&c[F_EXP], was->expected) || opt_text(&c[F_ACT], was->actual) ||
               dw_pg_array_text(&c[F_EXPF], NULL) || dw_pg_array_text(&c[F_ACTF], NULL) ||
               (was->has_ratio ? dw_pg_array_int(&c[F_RATIO], was->ratio_bp) : dw_pg_array_text(&c[F_RATIO], NULL)) ||
               dw_pg_array_text(&c[F_THR], NULL) || dw_pg_array_text(&c[F_MSG], was->message) ||
               dw_pg_array_text(&c[F_DISP], NULL);
    open_alert_t now = {0};
    take_figures(&now, f);
    return held_columns(c, &now);
}

static int copy_new(dw_buf_t *rows, int fiscal_year, const change_t *c, const char *as_of)
{
    const dw_a_finding_t *f = c->f;
    bool money = f->expected_fen || f->actual_fen;
    return dw_copy_int(rows, c->alert_id) || dw_copy_int(rows, fiscal_year) || dw_copy_text(rows, c->dept_code) ||
           dw_copy_text(rows, c->project_code) || dw_copy_text(rows, f->rule->id) || dw_copy_text(rows, f->subject) ||
           dw_copy_text(rows, dw_a_category_name(f->rule->category)) || dw_copy_text(rows, dw_a_light_name(c->light)) ||
           dw_copy_text(rows, "open") || (money ? dw_copy_int(rows, f->expected_fen) : dw_copy_null(rows)) ||
           (money ? dw_copy_int(rows, f->actual_fen) : dw_copy_null(rows)) ||
           (f->expected[0] ? dw_copy_text(rows, f->expected) : dw_copy_null(rows)) ||
           (f->actual[0] ? dw_copy_text(rows, f->actual) : dw_copy_null(rows)) ||
           (f->has_ratio ? dw_copy_int(rows, f->ratio_bp) : dw_copy_null(rows)) ||
           (f->thresholds[0] ? dw_copy_text(rows, f->thresholds) : dw_copy_null(rows)) ||
           dw_copy_text(rows, f->message) ||
           (f->disposition != DW_A_DISPOSE_NONE ? dw_copy_text(rows, dw_a_disposition_text(f->disposition))
                                                : dw_copy_null(rows)) ||
           dw_copy_text(rows, f->rule->title) || dw_copy_text(rows, as_of) || dw_copy_end_row(rows);
}

/* The arrays of one statement: up to five leading columns, then the figures. */
typedef struct columns {
    dw_pg_array_t c[5 + N_FIG];
} columns_t;

static void columns_free(columns_t *cols)
{
    for (size_t k = 0; k < sizeof cols->c / sizeof *cols->c; k++)
        dw_pg_array_free(&cols->c[k]);
}

static const char *const update_sql =
    "UPDATE alerts a SET level = u.level, status = u.status, expected = u.exp, actual = u.act, "
    "expected_fen = u.expf, actual_fen = u.actf, ratio_bp = u.ratio, thresholds = u.thr, "
    "message = u.msg, disposition = u.disp, updated_at = now(), "
    "cleared_at = CASE WHEN u.status = 'cleared' THEN now() END "
    "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], "
    "$7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[]) "
    "AS u(id, level, status, exp, act, expf, actf, ratio, thr, msg, disp) WHERE a.alert_id = u.id";

/* Runs update_sql over the columns: id, level, status, then the figures. */
static int run_update(dw_pg_t *pg, columns_t *u)
{
    const char *p[3 + N_FIG];
    for (int k = 0; k < 3 + N_FIG; k++)
        if (!(p[k] = dw_pg_array_literal(&u->c[k])))
            return -1;
    return dw_pg_exec(pg, "analyze", update_sql, 3 + N_FIG, p);
}

/* The raises, changes and clears: rows in alerts and alert_history. */
static int write_changes(const dw_a_alerts_t *self, dw_pg_t *pg, int fiscal_year, const change_t *ch, size_t n,
                         const char *as_of)
{
    enum { H_ID, H_NO, H_EVENT, H_LEVEL, H_PREV, H_FIG };
    columns_t upd = {0}, hist = {0};
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_new = 0;
    size_t n_upd = 0, n_hist = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const change_t *c = &ch[i];
        const open_alert_t *was = c->was ? &self->items[c->was - 1] : NULL;
        bool cleared = strcmp(c->event, "cleared") == 0;
        const char *level = cleared ? "green" : dw_a_light_name(c->light);
        if (!was) {
            if (copy_new(&rows, fiscal_year, c, as_of))
                goto out;
            n_new++;
        } else {
            if (dw_pg_array_int(&upd.c[0], c->alert_id) || dw_pg_array_text(&upd.c[1], level) ||
                dw_pg_array_text(&upd.c[2], cleared ? "cleared" : "open") || finding_columns(upd.c + 3, c->f, was))
                goto out;
            n_upd++;
        }
        if (dw_pg_array_int(&hist.c[H_ID], c->alert_id) || dw_pg_array_int(&hist.c[H_NO], c->change_no) ||
            dw_pg_array_text(&hist.c[H_EVENT], c->event) || dw_pg_array_text(&hist.c[H_LEVEL], level) ||
            dw_pg_array_text(&hist.c[H_PREV], was ? was->level : NULL) || finding_columns(hist.c + H_FIG, c->f, was))
            goto out;
        n_hist++;
    }
    /* Updates first: an alert cleared here must be closed before another for
     * the same key could be inserted. */
    if (n_upd && run_update(pg, &upd) != 0)
        goto out;
    if (n_new && dw_pg_copy(pg, "analyze",
                            "COPY alerts (alert_id, fiscal_year, dept_code, project_code, rule_id, subject, category, "
                            "level, status, expected_fen, actual_fen, expected, actual, ratio_bp, thresholds, message, "
                            "disposition, title, as_of) FROM STDIN",
                            &rows) != n_new)
        goto out;
    if (n_hist) {
        const char *p[H_FIG + N_FIG + 1];
        for (int k = 0; k < H_FIG + N_FIG; k++)
            if (!(p[k] = dw_pg_array_literal(&hist.c[k])))
                goto out;
        p[H_FIG + N_FIG] = as_of;
        if (dw_pg_exec(
                pg, "analyze",
                "INSERT INTO alert_history (alert_id, change_no, event, level, previous_level, expected, actual, "
                "expected_fen, actual_fen, ratio_bp, thresholds, message, disposition, as_of) "
                "SELECT *, $14::date FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], "
                "$6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], "
                "$13::text[])",
                H_FIG + N_FIG + 1, p) != 0)
            goto out;
    }
    rc = 0;
out:
    columns_free(&upd);
    columns_free(&hist);
    dw_buf_free(&rows);
    return rc;
}

/* The queue entry at k (0 = the oldest), or NULL once it is stale. */
static const dirty_entry_t *queued(const dw_a_alerts_t *self, size_t k)
{
    const dirty_entry_t *e = &self->dirty[(self->head + k) % self->cap_dirty];
    const open_alert_t *a = &self->items[e->index];
    return a->dirty && a->dirty_since == e->since ? e : NULL;
}

/* Writes the figures of the dirty alerts that became dirty at or before
 * cutoff (dw_mono_ms), oldest first, and takes them off the queue. */
static int write_dirty(dw_a_alerts_t *self, dw_pg_t *pg, int64_t cutoff)
{
    columns_t upd = {0};
    size_t taken = 0, rows = 0;
    int rc = 0;
    for (; taken < self->n_queued && rc == 0; taken++) {
        const dirty_entry_t *e = queued(self, taken);
        if (!e)
            continue;
        if (e->since > cutoff)
            break;
        const open_alert_t *a = &self->items[e->index];
        if (dw_pg_array_int(&upd.c[0], a->alert_id) || dw_pg_array_text(&upd.c[1], a->level) ||
            dw_pg_array_text(&upd.c[2], "open") || held_columns(upd.c + 3, a))
            rc = -1;
        rows++;
    }
    if (rc == 0 && rows > 0)
        rc = run_update(pg, &upd);
    columns_free(&upd);
    if (rc != 0)
        return -1; /* the queue stays: the batch rolls back and the store is forgotten */
    for (size_t k = 0; k < taken; k++) {
        const dirty_entry_t *e = queued(self, 0);
        if (e) {
            self->items[e->index].dirty = false;
            self->n_dirty--;
        }
        self->head = (self->head + 1) % self->cap_dirty;
        self->n_queued--;
    }
    /* a store mostly of cleared alerts is read again rather than kept
     * growing, once every figure it holds is written */
    if (self->n_closed > COMPACT_AFTER && self->n_closed * 2 > self->n) {
        if (self->n_dirty > 0)
            return write_dirty(self, pg, INT64_MAX);
        drop_store(self);
    }
    return 0;
}

int dw_a_alerts_flush(dw_a_alerts_t *self, dw_pg_t *pg)
{
    return self->n_dirty == 0 ? 0 : write_dirty(self, pg, INT64_MAX);
}

int dw_a_alerts_flush_old(dw_a_alerts_t *self, dw_pg_t *pg)
{
    return dw_a_alerts_flush_due(self) ? write_dirty(self, pg, dw_mono_ms() - self->figures_interval_ms) : 0;
}

bool dw_a_alerts_flush_due(const dw_a_alerts_t *self)
{
    /* the head may be stale (written with a change of light): then true, and
     * write_dirty takes it off */
    return self->n_queued > 0 &&
           (!queued(self, 0) || dw_mono_ms() - self->dirty[self->head].since >= self->figures_interval_ms);
}

static int push(change_t **ch, size_t *n, size_t *cap, change_t c)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        change_t *grown = realloc(*ch, nc * sizeof *grown);
        if (!grown)
            return -1;
        *ch = grown;
        *cap = nc;
    }
    (*ch)[(*n)++] = c;
    return 0;
}

/* The alert at index now differs from the table: queued for writing. */
static int mark_dirty(dw_a_alerts_t *self, size_t index)
{
    if (self->n_queued == self->cap_dirty) {
        size_t nc = self->cap_dirty ? self->cap_dirty * 2 : 256;
        dirty_entry_t *grown = malloc(nc * sizeof *grown);
        if (!grown)
            return -1;
        for (size_t k = 0; k < self->n_queued; k++)
            grown[k] = self->dirty[(self->head + k) % self->cap_dirty];
        free(self->dirty);
        self->dirty = grown;
        self->cap_dirty = nc;
        self->head = 0;
    }
    int64_t now = dw_mono_ms();
    self->dirty[(self->head + self->n_queued) % self->cap_dirty] = (dirty_entry_t){.index = index, .since = now};
    self->n_queued++;
    self->items[index].dirty = true;
    self->items[index].dirty_since = now;
    self->n_dirty++;
    return 0;
}

/* What the findings of one project do to its open alerts, into *ch. Figures
 * that changed under the same light are taken into the store at once (dirty). */
static int judge_project(dw_a_alerts_t *self, int fiscal_year, const dw_a_evaluated_t *e, int64_t *next_id,
                         change_t **ch, size_t *n_ch, size_t *cap)
{
    for (size_t k = project_head(self, fiscal_year, e->project_code); k; k = self->items[k - 1].next)
        self->items[k - 1].matched = false;
    for (size_t k = 0; k < e->n; k++) {
        const dw_a_finding_t *f = &e->findings[k];
        open_alert_t *a = find_open(self, fiscal_year, e->project_code, f->rule->id, f->subject);
        change_t c = {.project_code = e->project_code, .dept_code = e->dept_code, .light = f->light, .f = f};
        if (a && a->matched)
            a = NULL; /* two findings of one key: the second is judged as new (never happens with one rule per key) */
        if (!a) {
            if (f->light == DW_A_GREEN)
                continue;
            c.alert_id = (*next_id)++;
            c.change_no = 1;
            c.event = "raised";
        } else {
            a->matched = true;
            c.alert_id = a->alert_id;
            c.was = (size_t)(a - self->items) + 1;
            if (strcmp(a->level, dw_a_light_name(f->light)) != 0) {
                c.change_no = a->changes + 1;
                c.event = f->light == DW_A_GREEN ? "cleared" : "changed";
            } else {
                if (!same_figures(a, f)) {
                    take_figures(a, f);
                    if (!a->dirty && mark_dirty(self, (size_t)(a - self->items)) != 0)
                        return -1;
                }
                continue; /* the same light: not repeated */
            }
        }
        if (push(ch, n_ch, cap, c))
            return -1;
    }
    if (!e->complete)
        return 0;
    for (size_t k = project_head(self, fiscal_year, e->project_code); k; k = self->items[k - 1].next) {
        open_alert_t *a = &self->items[k - 1];
        if (a->matched || a->closed)
            continue;
        a->matched = true;
        change_t c = {.alert_id = a->alert_id,
                      .change_no = a->changes + 1,
                      .event = "cleared",
                      .project_code = e->project_code,
                      .dept_code = e->dept_code,
                      .light = DW_A_GREEN,
                      .was = k};
        if (push(ch, n_ch, cap, c))
            return -1;
    }
    return 0;
}

/* The written changes into the store: levels moved, cleared alerts closed,
 * raised ones added (last: adding may move the store). */
static int store_changes(dw_a_alerts_t *self, int fiscal_year, const change_t *ch, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const change_t *c = &ch[i];
        if (!c->was)
            continue;
        open_alert_t *a = &self->items[c->was - 1];
        if (a->dirty) /* the UPDATE just written carries the figures of now */
            self->n_dirty--;
        a->dirty = false;
        a->changes = c->change_no;
        if (strcmp(c->event, "cleared") == 0) {
            char key[256];
            alert_key(key, sizeof key, fiscal_year, a->project_code, a->rule_id, a->subject);
            size_t *at = dw_strmap_get(self->by_key, key);
            if (at && *at == c->was)
                *at = 0;
            a->closed = true;
            self->n_closed++;
        } else {
            snprintf(a->level, sizeof a->level, "%s", dw_a_light_name(c->light));
            take_figures(a, c->f);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const change_t *c = &ch[i];
        if (c->was)
            continue;
        open_alert_t *a = store_add(self, fiscal_year, c->project_code, c->f->rule->id, c->f->subject);
        if (!a)
            return -1;
        a->alert_id = c->alert_id;
        a->changes = 1;
        snprintf(a->level, sizeof a->level, "%s", dw_a_light_name(c->light));
        take_figures(a, c->f);
    }
    return 0;
}

int dw_a_alerts_apply(dw_a_alerts_t *self, dw_pg_t *pg, dw_stage_t *stage, int fiscal_year,
                      const dw_a_evaluated_t *evaluated, size_t n, dw_date_t as_of, size_t *changes)
{
    *changes = 0;
    if (n == 0)
        return 0;
    if (self->next_alert_id == 0 && dw_pg_query_int(pg, "analyze", "SELECT coalesce(max(alert_id), 0) + 1 FROM alerts",
                                                    0, NULL, &self->next_alert_id) != 0)
        return -1;
    if (load_year(self, pg, fiscal_year) != 0)
        return -1;
    change_t *ch = NULL;
    size_t n_ch = 0, cap = 0;
    int64_t next_id = self->next_alert_id;
    int rc = -1;
    for (size_t i = 0; i < n; i++)
        if (judge_project(self, fiscal_year, &evaluated[i], &next_id, &ch, &n_ch, &cap) != 0)
            goto out;
    char date[11];
    dw_date_format(as_of, date);
    if (write_changes(self, pg, fiscal_year, ch, n_ch, date) != 0)
        goto out;
    for (size_t i = 0; i < n_ch; i++) {
        const change_t *c = &ch[i];
        if (emit(self, stage, fiscal_year, c, date) != 0)
            goto out;
        ++*changes;
        dw_log_info(c->project_code, "alert %" PRId64 " %s: %s -> %s", c->alert_id, c->event,
                    c->was ? self->items[c->was - 1].level : "-",
                    strcmp(c->event, "cleared") == 0 ? "green" : dw_a_light_name(c->light));
    }
    if (store_changes(self, fiscal_year, ch, n_ch) != 0)
        goto out;
    self->next_alert_id = next_id;
    /* figures under an unchanged light: those figures_interval_ms old are
     * written with this batch, the rest by a later batch or the tick */
    if (dw_a_alerts_flush_old(self, pg) != 0)
        goto out;
    rc = 0;
out:
    free(ch);
    return rc;
}
