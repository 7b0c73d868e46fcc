#include "a_load.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"

/* Every statement takes $1 fiscal year, $2 the project codes, $3 the as-of date. */
#define IN_SET "project_code = ANY ($2::text[])"

static const char *const sql_budget =
    "SELECT project_code, min(dept_code), min(project_name), coalesce(min(section_code), ''), sum(initial_fen), "
    "sum(adjusted_fen), sum(transferred_fen), sum(current_fen), "
    "coalesce(sum(current_fen) FILTER (WHERE source = 'annual'), 0), "
    "coalesce(sum(current_fen) FILTER (WHERE source LIKE 'special%'), 0), "
    "coalesce(sum(current_fen) FILTER (WHERE source = 'carry_over'), 0), coalesce(min(approved_date)::text, ''), "
    "bool_or(source = 'carry_over') "
    "FROM budget_lines WHERE fiscal_year = $1 AND " IN_SET " AND $3::date IS NOT NULL GROUP BY project_code";

static const char *const sql_months =
    "SELECT project_code, extract(month FROM pay_date)::int, min(dept_code), sum(paid_fen), sum(reversed_fen), "
    "sum(no_budget_fen), sum(on_hold_fen), sum(econ_mismatch_fen), sum(payments) "
    "FROM project_days WHERE fiscal_year = $1 AND pay_date <= $3 AND " IN_SET " GROUP BY 1, 2";

/* The current declaration of each project (the highest version), picked
 * among the projects asked for only (the target_current view would sort the
 * whole table first). */
static const char *const sql_targets =
    "WITH d AS (SELECT DISTINCT ON (project_code) fiscal_year, project_code, version, dept_code "
    "FROM target_declarations WHERE fiscal_year = $1 AND $3::date IS NOT NULL AND " IN_SET
    " ORDER BY project_code, version DESC) "
    "SELECT i.project_code, i.version, d.dept_code, i.code, i.level1, i.level2, i.name, i.operator, "
    "coalesce(i.target, ''), coalesce(i.target_text, ''), coalesce(i.unit, ''), i.weight, "
    "coalesce(i.cumulative, false) "
    "FROM d JOIN target_indicators i USING (fiscal_year, project_code, version) ORDER BY i.project_code, i.item";

static const char *const sql_forms =
    /* the latest period, and of it the latest revision submitted by the as-of date */
    "WITH f AS (SELECT DISTINCT ON (project_code) fiscal_year, project_code, period_month, revision, dept_code, "
    "submitted_date, executed_fen, projected_fen FROM monitor_reports "
    "WHERE fiscal_year = $1 AND submitted_date <= $3 AND " IN_SET
    " ORDER BY project_code, period_month DESC, revision DESC) "
    "SELECT f.project_code, f.period_month, f.submitted_date::text, f.executed_fen, f.projected_fen, f.dept_code, "
    "m.code, m.value, coalesce(m.projected, ''), m.likelihood, coalesce(cardinality(m.causes), 0) "
    "FROM f LEFT JOIN monitor_indicators m USING (fiscal_year, project_code, period_month, revision) "
    "ORDER BY f.project_code, m.item";

static const char *const sql_tasks =
    /* dw-route's documents waiting on the department past their due date: the earliest */
    "SELECT DISTINCT ON (project_code) project_code, due_date::text, doc_kind || ' ' || doc_id FROM documents "
    "WHERE fiscal_year = $1 AND closed_at IS NULL AND holder_role = 'department' AND due_date < $3 AND " IN_SET
    " ORDER BY project_code, due_date, doc_kind, doc_id";

static void copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

dw_a_project_t *dw_a_projects_find(dw_a_projects_t *ps, const char *project_code)
{
    const size_t *at = ps->index ? dw_strmap_get(ps->index, project_code) : NULL;
    return at ? &ps->items[*at] : NULL;
}

dw_a_project_t *dw_a_projects_add(dw_a_projects_t *ps, int fiscal_year, const char *code)
{
    dw_a_project_t *p = dw_a_projects_find(ps, code);
    if (p)
        return p;
    if (!ps->index && !(ps->index = dw_strmap_new(sizeof(size_t))))
        return NULL;
    if (ps->n == ps->cap) {
        size_t cap = ps->cap ? ps->cap * 2 : 16;
        dw_a_project_t *items = realloc(ps->items, cap * sizeof *items);
        if (!items)
            return NULL;
        ps->items = items;
        ps->cap = cap;
    }
    size_t *at = dw_strmap_put(ps->index, code, NULL);
    if (!at)
        return NULL;
    *at = ps->n;
    p = &ps->items[ps->n++];
    dw_a_project_init(p, fiscal_year, code);
    return p;
}

void dw_a_projects_reset(dw_a_projects_t *ps)
{
    ps->n = 0;
    if (ps->index)
        dw_strmap_clear(ps->index);
}

void dw_a_projects_free(dw_a_projects_t *ps)
{
    free(ps->items);
    dw_strmap_destroy(&ps->index);
    *ps = (dw_a_projects_t)DW_A_PROJECTS_INIT;
}

static dw_a_op_t op_of(const char *s)
{
    static const char *const names[] = {"ge", "gt", "eq", "le", "lt"};
    for (int k = 0; k < 5; k++)
        if (strcmp(s, names[k]) == 0)
            return (dw_a_op_t)k;
    return DW_A_OP_QUALITATIVE;
}

static dw_a_level1_t level1_of(const char *s)
{
    if (strcmp(s, "effect") == 0)
        return DW_A_L1_EFFECT;
    if (strcmp(s, "satisfaction") == 0)
        return DW_A_L1_SATISFACTION;
    return DW_A_L1_OUTPUT;
}

/* 达成 / 部分达成 / 未达成, as a department writes them (or the English words). */
static dw_a_qual_t qual_of(const char *s)
{
    if (strcmp(s, "达成") == 0 || strcmp(s, "已达成") == 0 || strcmp(s, "met") == 0)
        return DW_A_QUAL_MET;
    if (strcmp(s, "部分达成") == 0 || strcmp(s, "partly") == 0)
        return DW_A_QUAL_PARTLY;
    if (strcmp(s, "未达成") == 0 || strcmp(s, "not_met") == 0)
        return DW_A_QUAL_NOT_MET;
    return DW_A_QUAL_NONE;
}

static dw_a_likely_t likely_of(const char *s)
{
    if (strcmp(s, "certain") == 0)
        return DW_A_LIKELY_CERTAIN;
    if (strcmp(s, "possible") == 0)
        return DW_A_LIKELY_POSSIBLE;
    if (strcmp(s, "impossible") == 0)
        return DW_A_LIKELY_IMPOSSIBLE;
    return DW_A_LIKELY_NONE;
}

static PGresult *run(dw_pg_t *pg, const char *sql, const char *const *params)
{
    return dw_pg_query(pg, "analyze", sql, 3, params);
}

static int load_budget(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_budget, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        if (!p)
            continue;
        copy_str(p->dept_code, sizeof p->dept_code, PQgetvalue(res, r, 1));
        copy_str(p->project_name, sizeof p->project_name, PQgetvalue(res, r, 2));
        copy_str(p->section_code, sizeof p->section_code, PQgetvalue(res, r, 3));
        p->initial_fen = dw_pg_int(res, r, 4);
        p->adjusted_fen = dw_pg_int(res, r, 5);
        p->transferred_fen = dw_pg_int(res, r, 6);
        p->budget_fen = dw_pg_int(res, r, 7);
        p->annual_fen = dw_pg_int(res, r, 8);
        p->special_fen = dw_pg_int(res, r, 9);
        p->carry_over_fen = dw_pg_int(res, r, 10);
        if (*PQgetvalue(res, r, 11) && !dw_date_parse(PQgetvalue(res, r, 11), &p->approved))
            p->approved = (dw_date_t){0};
        p->new_this_year = strcmp(PQgetvalue(res, r, 12), "t") != 0;
        p->has_budget = true;
    }
    PQclear(res);
    return 0;
}

/* Payments less reversals by month, and what was paid under each flag: one statement. */
static int load_months(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_months, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        int64_t month = dw_pg_int(res, r, 1);
        if (!p || month < 1 || month > 12)
            continue;
        if (!p->dept_code[0])
            copy_str(p->dept_code, sizeof p->dept_code, PQgetvalue(res, r, 2));
        p->paid_by_month[month] = dw_pg_int(res, r, 3);
        p->reversed_by_month[month] = dw_pg_int(res, r, 4);
        p->no_budget_fen += dw_pg_int(res, r, 5);
        p->on_hold_fen += dw_pg_int(res, r, 6);
        p->econ_mismatch_fen += dw_pg_int(res, r, 7);
        if (dw_pg_int(res, r, 8) > 0)
            p->has_payment = true;
    }
    PQclear(res);
    for (size_t i = 0; i < out->n; i++)
        dw_a_project_paid_total(&out->items[i]);
    return 0;
}

static void parse_decimal(const char *s, bool *ok, dw_decimal_t *d)
{
    *ok = *s && dw_decimal_parse(s, 0, d);
}

static int load_targets(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_targets, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        if (!p || p->n_indicators >= DW_A_MAX_INDICATORS)
            continue;
        p->has_targets = true;
        p->target_version = (int)dw_pg_int(res, r, 1);
        if (!p->dept_code[0])
            copy_str(p->dept_code, sizeof p->dept_code, PQgetvalue(res, r, 2));
        dw_a_indicator_t *ind = &p->indicators[p->n_indicators++];
        memset(ind, 0, sizeof *ind);
        copy_str(ind->code, sizeof ind->code, PQgetvalue(res, r, 3));
        ind->level1 = level1_of(PQgetvalue(res, r, 4));
        copy_str(ind->level2, sizeof ind->level2, PQgetvalue(res, r, 5));
        copy_str(ind->name, sizeof ind->name, PQgetvalue(res, r, 6));
        ind->op = op_of(PQgetvalue(res, r, 7));
        bool ok;
        parse_decimal(PQgetvalue(res, r, 8), &ok, &ind->target);
        copy_str(ind->target_text, sizeof ind->target_text,
                 *PQgetvalue(res, r, 9) ? PQgetvalue(res, r, 9) : PQgetvalue(res, r, 8));
        copy_str(ind->unit, sizeof ind->unit, PQgetvalue(res, r, 10));
        parse_decimal(PQgetvalue(res, r, 11), &ok, &ind->weight);
        ind->cumulative = strcmp(PQgetvalue(res, r, 12), "t") == 0;
    }
    PQclear(res);
    return 0;
}

static dw_a_indicator_t *indicator_of(dw_a_project_t *p, const char *code)
{
    for (size_t k = 0; k < p->n_indicators; k++)
        if (strcmp(p->indicators[k].code, code) == 0)
            return &p->indicators[k];
    return NULL;
}

static int load_forms(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_forms, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        if (!p)
            continue;
        if (!p->has_form) {
            p->has_form = true;
            p->form_period_month = (int)dw_pg_int(res, r, 1);
            if (!dw_date_parse(PQgetvalue(res, r, 2), &p->form_submitted))
                p->form_submitted = (dw_date_t){0};
            p->form_executed_fen = dw_pg_int(res, r, 3);
            p->form_projected_fen = dw_pg_int(res, r, 4);
            if (!p->dept_code[0])
                copy_str(p->dept_code, sizeof p->dept_code, PQgetvalue(res, r, 5));
        }
        if (PQgetisnull(res, r, 6))
            continue; /* a form without indicator rows */
        /* A value for an indicator the current targets do not have was refused
         * by dw-validate (V-CON); one that slipped in counts for nothing. */
        dw_a_indicator_t *ind = indicator_of(p, PQgetvalue(res, r, 6));
        if (!ind)
            continue;
        ind->reported = true;
        copy_str(ind->value_text, sizeof ind->value_text, PQgetvalue(res, r, 7));
        parse_decimal(PQgetvalue(res, r, 7), &ind->has_value, &ind->value);
        ind->value_qual = qual_of(PQgetvalue(res, r, 7));
        if (ind->op == DW_A_OP_QUALITATIVE)
            ind->has_value = ind->value_qual != DW_A_QUAL_NONE;
        parse_decimal(PQgetvalue(res, r, 8), &ind->has_projected, &ind->projected);
        ind->projected_qual = qual_of(PQgetvalue(res, r, 8));
        if (ind->op == DW_A_OP_QUALITATIVE)
            ind->has_projected = ind->projected_qual != DW_A_QUAL_NONE;
        ind->likelihood = likely_of(PQgetvalue(res, r, 9));
        ind->has_cause = dw_pg_int(res, r, 10) > 0;
    }
    PQclear(res);
    return 0;
}

static const char *const sql_selfevals =
    "WITH r AS (SELECT DISTINCT ON (project_code) fiscal_year, project_code, revision, self_score FROM "
    "selfeval_reports "
    "WHERE fiscal_year = $1 AND $3::date IS NOT NULL AND " IN_SET " ORDER BY project_code, revision DESC) "
    "SELECT r.project_code, r.self_score, s.code, s.actual FROM r "
    "LEFT JOIN selfeval_indicators s USING (fiscal_year, project_code, revision) ORDER BY r.project_code, s.item";

/* The latest self-evaluation of each project: its score and each indicator's actual value. */
static int load_selfevals(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_selfevals, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        if (!p)
            continue;
        if (!p->has_selfeval) {
            bool ok;
            parse_decimal(PQgetvalue(res, r, 1), &ok, &p->self_score);
            p->has_selfeval = true;
        }
        if (PQgetisnull(res, r, 2))
            continue;
        dw_a_indicator_t *ind = indicator_of(p, PQgetvalue(res, r, 2));
        if (!ind)
            continue;
        parse_decimal(PQgetvalue(res, r, 3), &ind->has_actual, &ind->actual);
        ind->actual_qual = qual_of(PQgetvalue(res, r, 3));
        if (ind->op == DW_A_OP_QUALITATIVE)
            ind->has_actual = ind->actual_qual != DW_A_QUAL_NONE;
    }
    PQclear(res);
    return 0;
}

static int load_tasks(dw_pg_t *pg, const char *const *params, dw_a_projects_t *out)
{
    PGresult *res = run(pg, sql_tasks, params);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++) {
        dw_a_project_t *p = dw_a_projects_find(out, PQgetvalue(res, r, 0));
        if (!p || !dw_date_parse(PQgetvalue(res, r, 1), &p->task_due))
            continue;
        p->has_task_overdue = true;
        copy_str(p->task_doc, sizeof p->task_doc, PQgetvalue(res, r, 2));
    }
    PQclear(res);
    return 0;
}

int dw_a_load_projects(dw_pg_t *pg, int fiscal_year, const char *const *codes, size_t n_codes, dw_date_t as_of,
                       dw_a_projects_t *out)
{
    char year[16], date[11];
    snprintf(year, sizeof year, "%d", fiscal_year);
    dw_date_format(as_of, date);
    dw_buf_t set = DW_BUF_INIT;
    if (dw_pg_text_array(&set, codes, n_codes) != 0) {
        dw_buf_free(&set);
        return -1;
    }
    const char *params[3] = {year, set.data, date};
    int rc = -1;
    size_t n = n_codes;
    int bad = 0;
    /* one allocation for all (a project is large): no copying as they are added */
    if (out->n + n > out->cap) {
        dw_a_project_t *items = realloc(out->items, (out->n + n) * sizeof *items);
        if (items) {
            out->items = items;
            out->cap = out->n + n;
        }
    }
    for (size_t r = 0; r < n && !bad; r++)
        bad = dw_a_projects_add(out, fiscal_year, codes[r]) == NULL;
    if (bad) {
        dw_log_error(NULL, "out of memory loading projects");
        goto out;
    }
    if (load_budget(pg, params, out) == 0 && load_months(pg, params, out) == 0 && load_targets(pg, params, out) == 0 &&
        load_forms(pg, params, out) == 0 && load_selfevals(pg, params, out) == 0 && load_tasks(pg, params, out) == 0)
        rc = 0;
out:
    dw_buf_free(&set);
    return rc;
}
