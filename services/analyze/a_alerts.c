#include "a_alerts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "dw_msg.h"
#include "dw_strmap.h"

struct dw_a_alerts {
    int64_t next_alert_id; /* 0: read it from the table first */
};

/* An open alert as loaded, and what this evaluation does to it. */
typedef struct open_alert {
    int64_t alert_id;
    char project_code[64], rule_id[40], subject[48], level[8];
    char expected[64], actual[64], message[512];
    int64_t ratio_bp;
    bool has_ratio;
    int changes; /* rows in alert_history so far */
    bool matched;
} open_alert_t;

/* One change to write and publish. */
typedef struct change {
    int64_t alert_id;
    int change_no;
    const char *event; /* raised | changed | cleared | update (figures only, not published) */
    const char *project_code, *dept_code;
    const char *previous; /* NULL when raised */
    dw_a_light_t light;
    const dw_a_finding_t *f; /* NULL: cleared because the rule no longer applies */
    const open_alert_t *was; /* the open alert, NULL when raised */
} change_t;

dw_a_alerts_t *dw_a_alerts_new(void)
{
    return calloc(1, sizeof(dw_a_alerts_t));
}

void dw_a_alerts_destroy(dw_a_alerts_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

void dw_a_alerts_forget(dw_a_alerts_t *self)
{
    self->next_alert_id = 0;
}

static open_alert_t *load_open(dw_pg_t *pg, int fiscal_year, const dw_a_evaluated_t *ev, size_t n, size_t *n_open)
{
    *n_open = 0;
    const char **codes = calloc(n + 1, sizeof *codes);
    dw_buf_t set = DW_BUF_INIT;
    open_alert_t *open = NULL;
    if (!codes)
        return NULL;
    for (size_t i = 0; i < n; i++)
        codes[i] = ev[i].project_code;
    char year[16];
    snprintf(year, sizeof year, "%d", fiscal_year);
    PGresult *res = NULL;
    if (dw_pg_text_array(&set, codes, n) == 0) {
        const char *p[2] = {year, set.data};
        res = dw_pg_query(pg, "analyze",
                          "SELECT a.alert_id, a.project_code, a.rule_id, a.subject, a.level, coalesce(a.expected, ''), "
                          "coalesce(a.actual, ''), a.message, a.ratio_bp, "
                          "(SELECT coalesce(max(change_no), 0) FROM alert_history h WHERE h.alert_id = a.alert_id) "
                          "FROM alerts a WHERE a.status = 'open' AND a.fiscal_year = $1 "
                          "AND a.project_code = ANY ($2::text[]) ORDER BY a.project_code, a.alert_id",
                          2, p);
    }
    free(codes);
    dw_buf_free(&set);
    if (!res)
        return NULL;
    open = calloc((size_t)PQntuples(res) + 1, sizeof *open);
    for (int r = 0; open && r < PQntuples(res); r++) {
        open_alert_t *a = &open[(*n_open)++];
        a->alert_id = dw_pg_int(res, r, 0);
        snprintf(a->project_code, sizeof a->project_code, "%s", PQgetvalue(res, r, 1));
        snprintf(a->rule_id, sizeof a->rule_id, "%s", PQgetvalue(res, r, 2));
        snprintf(a->subject, sizeof a->subject, "%s", PQgetvalue(res, r, 3));
        snprintf(a->level, sizeof a->level, "%s", PQgetvalue(res, r, 4));
        snprintf(a->expected, sizeof a->expected, "%s", PQgetvalue(res, r, 5));
        snprintf(a->actual, sizeof a->actual, "%s", PQgetvalue(res, r, 6));
        snprintf(a->message, sizeof a->message, "%s", PQgetvalue(res, r, 7));
        a->has_ratio = !PQgetisnull(res, r, 8);
        a->ratio_bp = dw_pg_int(res, r, 8);
        a->changes = (int)dw_pg_int(res, r, 9);
    }
    PQclear(res);
    return open;
}

/* The open alerts by key and by project, so that laying thousands of
 * findings over thousands of alerts is not a search of all for each. */
typedef struct open_index {
    dw_strmap_t *by_key;     /* "project\x1frule\x1fsubject" -> size_t */
    dw_strmap_t *by_project; /* project -> range_t (the alerts are loaded ordered by project) */
} open_index_t;

typedef struct range {
    size_t first, count;
} range_t;

static void alert_key(char *out, size_t n, const char *project_code, const char *rule_id, const char *subject)
{
    snprintf(out, n, "%s\x1f%s\x1f%s", project_code, rule_id, subject);
}

static int index_open(open_index_t *ix, const open_alert_t *open, size_t n)
{
    ix->by_key = dw_strmap_new(sizeof(size_t));
    ix->by_project = dw_strmap_new(sizeof(range_t));
    if (!ix->by_key || !ix->by_project)
        return -1;
    char key[200];
    for (size_t k = 0; k < n; k++) {
        alert_key(key, sizeof key, open[k].project_code, open[k].rule_id, open[k].subject);
        size_t *at = dw_strmap_put(ix->by_key, key, NULL);
        bool created = false;
        range_t *r = dw_strmap_put(ix->by_project, open[k].project_code, &created);
        if (!at || !r)
            return -1;
        *at = k;
        if (created)
            r->first = k;
        r->count++;
    }
    return 0;
}

static void index_free(open_index_t *ix)
{
    dw_strmap_destroy(&ix->by_key);
    dw_strmap_destroy(&ix->by_project);
}

static open_alert_t *find_open(open_alert_t *open, const open_index_t *ix, const char *project_code,
                               const char *rule_id, const char *subject)
{
    char key[200];
    alert_key(key, sizeof key, project_code, rule_id, subject);
    const size_t *at = dw_strmap_get(ix->by_key, key);
    return at && !open[*at].matched ? &open[*at] : NULL;
}

static bool same_figures(const open_alert_t *a, const dw_a_finding_t *f)
{
    return strcmp(a->expected, f->expected) == 0 && strcmp(a->actual, f->actual) == 0 && a->has_ratio == f->has_ratio &&
           (!f->has_ratio || a->ratio_bp == f->ratio_bp) && strcmp(a->message, f->message) == 0;
}

static int emit(dw_stage_t *stage, int fiscal_year, const change_t *c, const char *as_of)
{
    char id[64];
    snprintf(id, sizeof id, "alert-%" PRId64 "-%d", c->alert_id, c->change_no);
    dw_msg_t *m = dw_msg_new("alert.event", id, "analyze", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    const dw_a_finding_t *f = c->f;
    const char *rule_id = f ? f->rule->id : c->was->rule_id;
    const char *category = f ? dw_a_category_name(f->rule->category) : NULL;
    const char *subject = f ? f->subject : c->was->subject;
    char message[600];
    if (!f)
        snprintf(message, sizeof message, "规则不再适用，预警解除：%s", c->was->message);
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
    if (c->previous)
        rc |= dw_obj_set_str(b, "previous_level", c->previous);
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

/* A column value from the finding, or SQL NULL. */
static int opt_text(dw_pg_array_t *a, const char *s)
{
    return dw_pg_array_text(a, s && *s ? s : NULL);
}

enum { C_ID, C_LEVEL, C_STATUS, C_EXP, C_ACT, C_EXPF, C_ACTF, C_RATIO, C_THR, C_MSG, C_DISP, N_UPD };
enum { H_ID, H_NO, H_EVENT, H_LEVEL, H_PREV, H_EXP, H_ACT, H_EXPF, H_ACTF, H_RATIO, H_THR, H_MSG, H_DISP, N_HIST };

static int finding_columns(dw_pg_array_t *c, int exp, int act, int expf, int actf, int ratio, int thr, int msg,
                           int disp, const dw_a_finding_t *f, const open_alert_t *was)
{
    if (!f) /* cleared: keep the figures it had */
        return opt_text(&c[exp], was->expected) || opt_text(&c[act], was->actual) || dw_pg_array_text(&c[expf], NULL) ||
               dw_pg_array_text(&c[actf], NULL) ||
               (was->has_ratio ? dw_pg_array_int(&c[ratio], was->ratio_bp) : dw_pg_array_text(&c[ratio], NULL)) ||
               dw_pg_array_text(&c[thr], NULL) || dw_pg_array_text(&c[msg], was->message) ||
               dw_pg_array_text(&c[disp], NULL);
    bool money = f->expected_fen || f->actual_fen;
    return opt_text(&c[exp], f->expected) || opt_text(&c[act], f->actual) ||
           (money ? dw_pg_array_int(&c[expf], f->expected_fen) : dw_pg_array_text(&c[expf], NULL)) ||
           (money ? dw_pg_array_int(&c[actf], f->actual_fen) : dw_pg_array_text(&c[actf], NULL)) ||
           (f->has_ratio ? dw_pg_array_int(&c[ratio], f->ratio_bp) : dw_pg_array_text(&c[ratio], NULL)) ||
           opt_text(&c[thr], f->thresholds) || dw_pg_array_text(&c[msg], f->message) ||
           opt_text(&c[disp], dw_a_disposition_text(f->disposition));
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

static int write_changes(dw_pg_t *pg, int fiscal_year, const change_t *ch, size_t n, const char *as_of)
{
    dw_pg_array_t upd[N_UPD], hist[N_HIST];
    for (int k = 0; k < N_UPD; k++)
        upd[k] = (dw_pg_array_t)DW_PG_ARRAY_INIT;
    for (int k = 0; k < N_HIST; k++)
        hist[k] = (dw_pg_array_t)DW_PG_ARRAY_INIT;
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_new = 0;
    size_t n_upd = 0, n_hist = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const change_t *c = &ch[i];
        bool raised = strcmp(c->event, "raised") == 0, cleared = strcmp(c->event, "cleared") == 0;
        if (raised) {
            if (copy_new(&rows, fiscal_year, c, as_of))
                goto out;
            n_new++;
        } else {
            if (dw_pg_array_int(&upd[C_ID], c->alert_id) ||
                dw_pg_array_text(&upd[C_LEVEL], cleared ? "green" : dw_a_light_name(c->light)) ||
                dw_pg_array_text(&upd[C_STATUS], cleared ? "cleared" : "open") ||
                finding_columns(upd, C_EXP, C_ACT, C_EXPF, C_ACTF, C_RATIO, C_THR, C_MSG, C_DISP, c->f, c->was))
                goto out;
            n_upd++;
        }
        if (strcmp(c->event, "update") == 0)
            continue; /* figures only: no history row, nothing published */
        if (dw_pg_array_int(&hist[H_ID], c->alert_id) || dw_pg_array_int(&hist[H_NO], c->change_no) ||
            dw_pg_array_text(&hist[H_EVENT], c->event) ||
            dw_pg_array_text(&hist[H_LEVEL], cleared ? "green" : dw_a_light_name(c->light)) ||
            dw_pg_array_text(&hist[H_PREV], c->previous) ||
            finding_columns(hist, H_EXP, H_ACT, H_EXPF, H_ACTF, H_RATIO, H_THR, H_MSG, H_DISP, c->f, c->was))
            goto out;
        n_hist++;
    }
    /* Updates first: an alert cleared here must be closed before another for
     * the same key could be inserted. */
    if (n_upd) {
        const char *p[N_UPD];
        for (int k = 0; k < N_UPD; k++)
            if (!(p[k] = dw_pg_array_literal(&upd[k])))
                goto out;
        if (dw_pg_exec(pg, "analyze",
                       "UPDATE alerts a SET level = u.level, status = u.status, expected = u.exp, actual = u.act, "
                       "expected_fen = u.expf, actual_fen = u.actf, ratio_bp = u.ratio, thresholds = u.thr, "
                       "message = u.msg, disposition = u.disp, updated_at = now(), "
                       "cleared_at = CASE WHEN u.status = 'cleared' THEN now() END "
                       "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], "
                       "$7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[]) "
                       "AS u(id, level, status, exp, act, expf, actf, ratio, thr, msg, disp) WHERE a.alert_id = u.id",
                       N_UPD, p) != 0)
            goto out;
    }
    if (n_new && dw_pg_copy(pg, "analyze",
                            "COPY alerts (alert_id, fiscal_year, dept_code, project_code, rule_id, subject, category, "
                            "level, status, expected_fen, actual_fen, expected, actual, ratio_bp, thresholds, message, "
                            "disposition, title, as_of) FROM STDIN",
                            &rows) != n_new)
        goto out;
    if (n_hist) {
        const char *p[N_HIST + 1];
        for (int k = 0; k < N_HIST; k++)
            if (!(p[k] = dw_pg_array_literal(&hist[k])))
                goto out;
        p[N_HIST] = as_of;
        if (dw_pg_exec(
                pg, "analyze",
                "INSERT INTO alert_history (alert_id, change_no, event, level, previous_level, expected, actual, "
                "expected_fen, actual_fen, ratio_bp, thresholds, message, disposition, as_of) "
                "SELECT *, $14::date FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], "
                "$6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], "
                "$13::text[])",
                N_HIST + 1, p) != 0)
            goto out;
    }
    rc = 0;
out:
    for (int k = 0; k < N_UPD; k++)
        dw_pg_array_free(&upd[k]);
    for (int k = 0; k < N_HIST; k++)
        dw_pg_array_free(&hist[k]);
    dw_buf_free(&rows);
    return rc;
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

int dw_a_alerts_apply(dw_a_alerts_t *self, dw_pg_t *pg, dw_stage_t *stage, int fiscal_year,
                      const dw_a_evaluated_t *evaluated, size_t n, dw_date_t as_of, size_t *changes)
{
    *changes = 0;
    if (n == 0)
        return 0;
    if (self->next_alert_id == 0 && dw_pg_query_int(pg, "analyze", "SELECT coalesce(max(alert_id), 0) + 1 FROM alerts",
                                                    0, NULL, &self->next_alert_id) != 0)
        return -1;
    size_t n_open = 0;
    open_alert_t *open = load_open(pg, fiscal_year, evaluated, n, &n_open);
    if (!open)
        return -1;
    change_t *ch = NULL;
    size_t n_ch = 0, cap = 0;
    int64_t next_id = self->next_alert_id;
    int rc = -1;
    open_index_t ix = {0};
    if (index_open(&ix, open, n_open) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_a_evaluated_t *e = &evaluated[i];
        for (size_t k = 0; k < e->n; k++) {
            const dw_a_finding_t *f = &e->findings[k];
            open_alert_t *a = find_open(open, &ix, e->project_code, f->rule->id, f->subject);
            change_t c = {.project_code = e->project_code, .dept_code = e->dept_code, .light = f->light, .f = f};
            if (!a) {
                if (f->light == DW_A_GREEN)
                    continue;
                c.alert_id = next_id++;
                c.change_no = 1;
                c.event = "raised";
            } else {
                a->matched = true;
                c.alert_id = a->alert_id;
                c.was = a;
                c.previous = a->level;
                if (strcmp(a->level, dw_a_light_name(f->light)) != 0) {
                    c.change_no = a->changes + 1;
                    c.event = f->light == DW_A_GREEN ? "cleared" : "changed";
                } else if (!same_figures(a, f)) {
                    c.event = "update";
                } else {
                    continue; /* nothing changed: not repeated */
                }
            }
            if (push(&ch, &n_ch, &cap, c))
                goto out;
        }
        if (!e->complete)
            continue;
        const range_t *mine = dw_strmap_get(ix.by_project, e->project_code);
        for (size_t k = mine ? mine->first : 0; mine && k < mine->first + mine->count; k++) {
            open_alert_t *a = &open[k];
            if (a->matched)
                continue;
            a->matched = true;
            change_t c = {.alert_id = a->alert_id,
                          .change_no = a->changes + 1,
                          .event = "cleared",
                          .project_code = e->project_code,
                          .dept_code = e->dept_code,
                          .previous = a->level,
                          .light = DW_A_GREEN,
                          .was = a};
            if (push(&ch, &n_ch, &cap, c))
                goto out;
        }
    }
    char date[11];
    dw_date_format(as_of, date);
    if (write_changes(pg, fiscal_year, ch, n_ch, date) != 0)
        goto out;
    for (size_t i = 0; i < n_ch; i++) {
        if (strcmp(ch[i].event, "update") == 0)
            continue;
        if (emit(stage, fiscal_year, &ch[i], date) != 0)
            goto out;
        ++*changes;
        dw_log_info(ch[i].project_code, "alert %" PRId64 " %s: %s -> %s", ch[i].alert_id, ch[i].event,
                    ch[i].previous ? ch[i].previous : "-",
                    strcmp(ch[i].event, "cleared") == 0 ? "green" : dw_a_light_name(ch[i].light));
    }
    self->next_alert_id = next_id;
    rc = 0;
out:
    index_free(&ix);
    free(ch);
    free(open);
    return rc;
}
