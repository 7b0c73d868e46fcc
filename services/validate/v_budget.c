#include "v_budget.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_money.h"
#include "dw_strmap.h"
#include "v_ref.h"
#include "v_sig.h"
#include "v_sql.h"

/* fact.budget: a line as it now stands, and its project's total. */
static int emit_budget_fact(dw_v_batch_t *b, const dw_event_t *ev, const char *line_id, int64_t fiscal_year,
                            const char *dept, const char *project, const char *name, const char *kind,
                            const char *section, int64_t current_fen, int64_t budget_fen)
{
    char id[64];
    snprintf(id, sizeof id, "fact-%" PRId64, ev->seq);
    dw_msg_t *f = dw_msg_new("fact.budget", id, "validate", dw_now_ms());
    if (!f)
        return -1;
    dw_obj_t *fb = dw_msg_body(f);
    int set = dw_obj_set_str(fb, "line_id", line_id) | dw_obj_set_int(fb, "fiscal_year", fiscal_year) |
              dw_obj_set_str(fb, "dept_code", dept) | dw_obj_set_str(fb, "project_code", project) |
              dw_obj_set_str(fb, "project_name", name) | dw_obj_set_str(fb, "kind", kind) |
              dw_obj_set_int(fb, "current_fen", current_fen) | dw_obj_set_int(fb, "budget_fen", budget_fen) |
              dw_obj_set_int(fb, "inbox_seq", ev->seq);
    if (section && *section)
        set |= dw_obj_set_str(fb, "section_code", section);
    int rc = set == 0 ? dw_stage_emit_msg(b->stage, f, project) : -1;
    dw_msg_destroy(&f);
    return rc;
}

/* ---- budget.allocation -------------------------------------------------- */

static int copy_line(dw_buf_t *rows, size_t ord, const dw_event_t *ev, const dw_obj_t *o, const dw_v_verdict_t *v)
{
    return dw_copy_int(rows, (int64_t)ord) || dw_v_copy_opt(rows, dw_obj_str(o, "dept_name")) ||
           dw_v_copy_opt(rows, dw_obj_str(o, "unit_name")) || dw_copy_text(rows, dw_v_str(o, "line_id")) ||
           dw_copy_int(rows, dw_v_int(o, "fiscal_year")) || dw_copy_text(rows, dw_v_str(o, "dept_code")) ||
           dw_copy_text(rows, dw_v_str(o, "unit_code")) || dw_copy_text(rows, dw_v_str(o, "project_code")) ||
           dw_copy_text(rows, dw_v_str(o, "project_name")) || dw_copy_text(rows, dw_v_str(o, "kind")) ||
           dw_copy_text(rows, dw_v_str(o, "fund_type")) || dw_copy_text(rows, dw_v_str(o, "source")) ||
           dw_copy_text(rows, dw_v_str(o, "function_code")) || dw_copy_text(rows, dw_v_str(o, "economic_code")) ||
           dw_v_copy_opt(rows, dw_obj_str(o, "section_code")) || dw_copy_int(rows, dw_v_int(o, "initial_fen")) ||
           dw_copy_int(rows, dw_v_int(o, "adjusted_fen")) || dw_copy_int(rows, dw_v_int(o, "transferred_fen")) ||
           dw_copy_int(rows, dw_v_int(o, "current_fen")) || dw_copy_int(rows, ev->seq) ||
           dw_v_copy_array(rows, v->warnings, v->n_warnings) || dw_v_copy_opt(rows, dw_obj_str(o, "approved_date")) ||
           dw_copy_end_row(rows);
}

/* The lines of the run, the reference tables from them, one statement each. */
static int store_lines(dw_v_batch_t *b, const dw_buf_t *rows, int64_t n_rows)
{
    dw_pg_t *pg = b->pg;
    if (dw_pg_exec(pg, "validate",
                   "CREATE TEMP TABLE IF NOT EXISTS tmp_lines (ord int, dept_name text, unit_name text, "
                   "LIKE budget_lines INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
                   0, NULL) != 0 ||
        /* ON COMMIT empties it only at the end of the batch: an earlier run of
         * this batch must not be read again as this run's lines. */
        dw_pg_exec(pg, "validate", "TRUNCATE tmp_lines", 0, NULL) != 0 ||
        dw_pg_copy(
            pg, "validate",
            "COPY tmp_lines (ord, dept_name, unit_name, line_id, fiscal_year, dept_code, unit_code, "
            "project_code, project_name, kind, fund_type, source, function_code, economic_code, section_code, "
            "initial_fen, adjusted_fen, transferred_fen, current_fen, inbox_seq, flags, approved_date) FROM STDIN",
            rows) != n_rows)
        return -1;
    /* A line that moves to another project (or year) changes two positions:
     * forget the cache rather than track both. */
    int64_t moved = 0;
    if (dw_pg_query_int(pg, "validate",
                        "SELECT count(*) FROM budget_lines b JOIN tmp_lines t USING (line_id) "
                        "WHERE b.fiscal_year <> t.fiscal_year OR b.project_code <> t.project_code",
                        0, NULL, &moved) != 0)
        return -1;
    if (moved > 0)
        dw_v_positions_clear(b->positions);
    /* the last allocation of a line in the run wins, as it would one by one */
    if (dw_pg_exec(pg, "validate",
                   "INSERT INTO budget_lines (line_id, fiscal_year, dept_code, unit_code, project_code, project_name, "
                   "kind, fund_type, source, function_code, economic_code, section_code, initial_fen, adjusted_fen, "
                   "transferred_fen, current_fen, inbox_seq, flags, approved_date) "
                   "SELECT DISTINCT ON (line_id) line_id, fiscal_year, dept_code, unit_code, project_code, "
                   "project_name, kind, fund_type, source, function_code, economic_code, section_code, initial_fen, "
                   "adjusted_fen, transferred_fen, current_fen, inbox_seq, flags, approved_date FROM tmp_lines "
                   "ORDER BY line_id, ord DESC "
                   "ON CONFLICT (line_id) DO UPDATE SET fiscal_year = EXCLUDED.fiscal_year, "
                   "dept_code = EXCLUDED.dept_code, unit_code = EXCLUDED.unit_code, "
                   "project_code = EXCLUDED.project_code, project_name = EXCLUDED.project_name, "
                   "kind = EXCLUDED.kind, fund_type = EXCLUDED.fund_type, source = EXCLUDED.source, "
                   "function_code = EXCLUDED.function_code, economic_code = EXCLUDED.economic_code, "
                   "section_code = EXCLUDED.section_code, initial_fen = EXCLUDED.initial_fen, "
                   "adjusted_fen = EXCLUDED.adjusted_fen, transferred_fen = EXCLUDED.transferred_fen, "
                   "current_fen = EXCLUDED.current_fen, inbox_seq = EXCLUDED.inbox_seq, flags = EXCLUDED.flags, "
                   "approved_date = coalesce(EXCLUDED.approved_date, budget_lines.approved_date), updated_at = now()",
                   0, NULL) != 0)
        return -1;
    /* the lines' economic codes (经济分类) may have changed: read again when a payment needs them */
    dw_v_positions_forget_economic(b->positions);
    /* Names are optional on the wire: a line without one keeps the name known. */
    return dw_pg_exec(
        pg, "validate",
        "WITH d AS (INSERT INTO departments (dept_code, dept_name, inbox_seq) "
        "SELECT dept_code, (array_agg(dept_name ORDER BY ord DESC) FILTER (WHERE dept_name IS NOT NULL))[1], "
        "max(inbox_seq) FROM tmp_lines GROUP BY dept_code "
        "ON CONFLICT (dept_code) DO UPDATE SET dept_name = coalesce(EXCLUDED.dept_name, departments.dept_name), "
        "inbox_seq = EXCLUDED.inbox_seq, updated_at = now()), "
        "u AS (INSERT INTO units (unit_code, dept_code, unit_name, inbox_seq) "
        "SELECT unit_code, (array_agg(dept_code ORDER BY ord DESC))[1], "
        "(array_agg(unit_name ORDER BY ord DESC) FILTER (WHERE unit_name IS NOT NULL))[1], max(inbox_seq) "
        "FROM tmp_lines GROUP BY unit_code "
        "ON CONFLICT (unit_code) DO UPDATE SET dept_code = EXCLUDED.dept_code, "
        "unit_name = coalesce(EXCLUDED.unit_name, units.unit_name), inbox_seq = EXCLUDED.inbox_seq, "
        "updated_at = now()) "
        "INSERT INTO projects (fiscal_year, project_code, dept_code, project_name, kind, section_code, inbox_seq) "
        "SELECT fiscal_year, project_code, (array_agg(dept_code ORDER BY ord DESC))[1], "
        "(array_agg(project_name ORDER BY ord DESC))[1], (array_agg(kind ORDER BY ord DESC))[1], "
        "(array_agg(section_code ORDER BY ord DESC) FILTER (WHERE section_code IS NOT NULL))[1], max(inbox_seq) "
        "FROM tmp_lines GROUP BY fiscal_year, project_code "
        "ON CONFLICT (fiscal_year, project_code) DO UPDATE SET dept_code = EXCLUDED.dept_code, "
        "project_name = EXCLUDED.project_name, kind = EXCLUDED.kind, "
        "section_code = coalesce(EXCLUDED.section_code, projects.section_code), inbox_seq = EXCLUDED.inbox_seq, "
        "updated_at = now()",
        0, NULL);
}

int dw_v_allocation_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_ref_t *ref = dw_v_ref_new();
    dw_buf_t rows = DW_BUF_INIT, a_years = DW_BUF_INIT, a_codes = DW_BUF_INIT;
    dw_v_strs_t years = DW_V_STRS_INIT, codes = DW_V_STRS_INIT;
    bool *ok = calloc(n, sizeof *ok);
    PGresult *res = NULL;
    int64_t n_rows = 0;
    int rc = -1;
    if (!ref || !ok || dw_v_ref_load(ref, b->pg, msgs, n, DW_V_REF_UNITS | DW_V_REF_PROJECTS) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *dept = dw_v_str(o, "dept_code"), *project = dw_v_str(o, "project_code");
        int64_t year = dw_v_int(o, "fiscal_year");
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        s.unit_dept = dw_v_ref_unit_dept(ref, dw_v_str(o, "unit_code"));
        s.project_dept = dw_v_ref_project_dept(ref, year, project);
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, dw_v_str(o, "line_id"), &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        /* later lines of the run are judged against this one */
        if (dw_v_ref_set_unit(ref, dw_v_str(o, "unit_code"), dept) || dw_v_ref_set_project(ref, year, project, dept))
            goto out;
        ok[i] = true;
        if (copy_line(&rows, i, &ev[i], o, &v) || dw_v_strs_add_int(&years, year) || dw_v_strs_add(&codes, project))
            goto out;
        n_rows++;
    }
    if (n_rows == 0) {
        rc = 0;
        goto out;
    }
    if (store_lines(b, &rows, n_rows) != 0 || dw_v_strs_literal(&years, &a_years) ||
        dw_v_strs_literal(&codes, &a_codes))
        goto out;
    const char *params[2] = {a_years.data, a_codes.data};
    res = dw_pg_query(b->pg, "validate",
                      "SELECT l.project_code, l.fiscal_year, sum(l.current_fen), count(*) FROM budget_lines l "
                      "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS p(fiscal_year, "
                      "project_code) USING (fiscal_year, project_code) GROUP BY 1, 2",
                      2, params);
    if (!res)
        goto out;
    dw_strmap_t *budgets = dw_strmap_new(sizeof(int64_t));
    if (!budgets)
        goto out;
    rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        /* a known position's budget moves, its payments stay */
        dw_v_position_t *p = dw_v_positions_get(b->positions, PQgetvalue(res, r, 0), dw_pg_int(res, r, 1));
        if (p) {
            p->budget_fen = dw_pg_int(res, r, 2);
            p->n_lines = dw_pg_int(res, r, 3);
        }
        char key[128];
        snprintf(key, sizeof key, "%s\x1f%" PRId64, PQgetvalue(res, r, 0), dw_pg_int(res, r, 1));
        int64_t *budget = dw_strmap_put(budgets, key, NULL);
        if (!budget)
            rc = -1;
        else
            *budget = dw_pg_int(res, r, 2);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!ok[i])
            continue;
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        char key[128];
        snprintf(key, sizeof key, "%s\x1f%" PRId64, dw_v_str(o, "project_code"), dw_v_int(o, "fiscal_year"));
        const int64_t *budget = dw_strmap_get(budgets, key);
        rc = emit_budget_fact(b, &ev[i], dw_v_str(o, "line_id"), dw_v_int(o, "fiscal_year"), dw_v_str(o, "dept_code"),
                              dw_v_str(o, "project_code"), dw_v_str(o, "project_name"), dw_v_str(o, "kind"),
                              dw_obj_str(o, "section_code"), dw_v_int(o, "current_fen"), budget ? *budget : 0);
    }
    dw_strmap_destroy(&budgets);
out:
    PQclear(res);
    dw_v_ref_destroy(&ref);
    dw_buf_free(&rows);
    dw_buf_free(&a_years);
    dw_buf_free(&a_codes);
    dw_v_strs_free(&years);
    dw_v_strs_free(&codes);
    free(ok);
    return rc;
}

/* ---- budget.adjustment -------------------------------------------------- */

/* A line as the run sees it: as stored, then after each adjustment. */
typedef struct line_state {
    bool loaded, touched;
    int64_t fiscal_year;
    char dept[40], project[72], name[208], kind[16], section[40];
    int64_t current_fen, adjusted_fen, transferred_fen, paid_fen;
} line_state_t;

static int load_lines(dw_strmap_t *lines, dw_pg_t *pg, const dw_v_strs_t *ids)
{
    dw_buf_t arr = DW_BUF_INIT;
    int rc = -1;
    if (dw_v_strs_literal(ids, &arr))
        goto out;
    const char *p[1] = {arr.data};
    PGresult *res = dw_pg_query(pg, "validate",
                                "SELECT line_id, fiscal_year, dept_code, project_code, project_name, kind, "
                                "coalesce(section_code, ''), current_fen, adjusted_fen, transferred_fen "
                                "FROM budget_lines WHERE line_id = ANY($1::text[])",
                                1, p);
    if (!res)
        goto out;
    for (int r = 0; r < PQntuples(res); r++) {
        line_state_t *l = dw_strmap_put(lines, PQgetvalue(res, r, 0), NULL);
        if (!l) {
            PQclear(res);
            goto out;
        }
        l->loaded = true;
        l->fiscal_year = dw_pg_int(res, r, 1);
        snprintf(l->dept, sizeof l->dept, "%s", PQgetvalue(res, r, 2));
        snprintf(l->project, sizeof l->project, "%s", PQgetvalue(res, r, 3));
        snprintf(l->name, sizeof l->name, "%s", PQgetvalue(res, r, 4));
        snprintf(l->kind, sizeof l->kind, "%s", PQgetvalue(res, r, 5));
        snprintf(l->section, sizeof l->section, "%s", PQgetvalue(res, r, 6));
        l->current_fen = dw_pg_int(res, r, 7);
        l->adjusted_fen = dw_pg_int(res, r, 8);
        l->transferred_fen = dw_pg_int(res, r, 9);
    }
    PQclear(res);
    /* what is paid on each line: the payments that name it, minus their reversals */
    res = dw_pg_query(pg, "validate",
                      "WITH l (line_id) AS (SELECT DISTINCT unnest($1::text[])) "
                      "SELECT line_id, sum(amount_fen) FROM ("
                      "SELECT x.line_id, x.amount_fen FROM payments x JOIN l USING (line_id) UNION ALL "
                      "SELECT r.line_id, -r.amount_fen FROM reversals r JOIN l USING (line_id)) t GROUP BY 1",
                      1, p);
    if (!res)
        goto out;
    for (int r = 0; r < PQntuples(res); r++) {
        line_state_t *l = dw_strmap_get(lines, PQgetvalue(res, r, 0));
        if (l)
            l->paid_fen = dw_pg_int(res, r, 1);
    }
    PQclear(res);
    rc = 0;
out:
    dw_buf_free(&arr);
    return rc;
}

static int copy_adjustment(dw_buf_t *rows, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                           const line_state_t *l, int64_t before, const dw_v_verdict_t *v)
{
    return dw_copy_text(rows, dw_v_str(o, "line_id")) || dw_copy_text(rows, dw_v_str(o, "doc_no")) ||
           dw_copy_text(rows, dw_v_str(o, "kind")) || dw_copy_int(rows, dw_v_int(o, "fiscal_year")) ||
           dw_copy_int(rows, dw_v_int(o, "amount_fen")) || dw_copy_text(rows, dw_v_str(o, "reason")) ||
           dw_copy_text(rows, dw_v_str(o, "effective_date")) || dw_copy_text(rows, l->dept) ||
           dw_copy_text(rows, l->project) || dw_copy_int(rows, before) || dw_copy_int(rows, l->current_fen) ||
           dw_v_copy_array(rows, v->warnings, v->n_warnings) || dw_copy_int(rows, ev->seq) ||
           dw_copy_text(rows, dw_msg_src(m)) || dw_copy_text(rows, dw_msg_id(m)) || dw_copy_end_row(rows);
}

/* The touched lines' new amounts: one UPDATE from arrays. */
static int update_lines(dw_pg_t *pg, dw_strmap_t *lines, const dw_v_strs_t *ids)
{
    dw_v_strs_t t_ids = DW_V_STRS_INIT, t_adj = DW_V_STRS_INIT, t_tr = DW_V_STRS_INIT, t_cur = DW_V_STRS_INIT;
    dw_buf_t a[4] = {DW_BUF_INIT, DW_BUF_INIT, DW_BUF_INIT, DW_BUF_INIT};
    int rc = -1;
    for (size_t i = 0; i < ids->n; i++) {
        line_state_t *l = dw_strmap_get(lines, dw_v_strs_at(ids, i));
        if (!l || !l->touched)
            continue;
        l->touched = false; /* each line once */
        if (dw_v_strs_add(&t_ids, dw_v_strs_at(ids, i)) || dw_v_strs_add_int(&t_adj, l->adjusted_fen) ||
            dw_v_strs_add_int(&t_tr, l->transferred_fen) || dw_v_strs_add_int(&t_cur, l->current_fen))
            goto out;
    }
    if (t_ids.n == 0) {
        rc = 0;
        goto out;
    }
    if (dw_v_strs_literal(&t_ids, &a[0]) || dw_v_strs_literal(&t_adj, &a[1]) || dw_v_strs_literal(&t_tr, &a[2]) ||
        dw_v_strs_literal(&t_cur, &a[3]))
        goto out;
    const char *p[4] = {a[0].data, a[1].data, a[2].data, a[3].data};
    rc = dw_pg_exec(pg, "validate",
                    "UPDATE budget_lines l SET adjusted_fen = u.adjusted_fen, transferred_fen = u.transferred_fen, "
                    "current_fen = u.current_fen, updated_at = now() "
                    "FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) "
                    "AS u(line_id, adjusted_fen, transferred_fen, current_fen) WHERE l.line_id = u.line_id",
                    4, p);
out:
    dw_v_strs_free(&t_ids);
    dw_v_strs_free(&t_adj);
    dw_v_strs_free(&t_tr);
    dw_v_strs_free(&t_cur);
    for (int k = 0; k < 4; k++)
        dw_buf_free(&a[k]);
    return rc;
}

int dw_v_adjustment_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_strmap_t *lines = dw_strmap_new(sizeof(line_state_t));
    dw_v_known_t *known = dw_v_known_new();
    dw_v_strs_t ids = DW_V_STRS_INIT, docs = DW_V_STRS_INIT, kinds = DW_V_STRS_INIT, years = DW_V_STRS_INIT,
                codes = DW_V_STRS_INIT;
    dw_buf_t rows = DW_BUF_INIT, sig = DW_BUF_INIT, a[3] = {DW_BUF_INIT, DW_BUF_INIT, DW_BUF_INIT};
    int64_t n_rows = 0;
    int rc = -1;
    if (!lines || !known)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (dw_v_strs_add(&ids, dw_v_str(o, "line_id")) || dw_v_strs_add(&docs, dw_v_str(o, "doc_no")) ||
            dw_v_strs_add(&kinds, dw_v_str(o, "kind")))
            goto out;
    }
    if (load_lines(lines, b->pg, &ids) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        line_state_t *l = dw_strmap_get(lines, dw_v_strs_at(&ids, i));
        if (l && (dw_v_strs_add_int(&years, l->fiscal_year) || dw_v_strs_add(&codes, l->project)))
            goto out;
    }
    if (dw_v_positions_load(b->positions, b->pg, &years, &codes) != 0 || dw_v_strs_literal(&ids, &a[0]) ||
        dw_v_strs_literal(&docs, &a[1]) || dw_v_strs_literal(&kinds, &a[2]))
        goto out;
    const char *kp[3] = {a[0].data, a[1].data, a[2].data};
    if (dw_v_known_load(known, b->pg,
                        "SELECT x.line_id, x.doc_no, x.kind, i.raw FROM budget_adjustments x "
                        "JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(line_id, doc_no, kind) "
                        "ON (x.line_id, x.doc_no, x.kind) = (k.line_id, k.doc_no, k.kind) "
                        "JOIN inbox i ON i.seq = x.inbox_seq",
                        3, kp) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *line_id = dw_v_str(o, "line_id");
        int64_t amount = dw_v_int(o, "amount_fen"), year = dw_v_int(o, "fiscal_year");
        char key[256];
        dw_v_key(key, sizeof key, line_id, dw_v_str(o, "doc_no"), dw_v_str(o, "kind"));
        if (dw_v_signature(o, &sig) != 0)
            goto out;
        const char *earlier = dw_v_known_get(known, key);
        if (earlier && strcmp(earlier, sig.data) == 0) {
            dw_log_info(line_id, "adjustment %s (%s) received again (%s/%s) with the same content: applied once",
                        dw_v_str(o, "doc_no"), dw_v_str(o, "kind"), dw_msg_src(msgs[i]), dw_msg_id(msgs[i]));
            continue;
        }
        line_state_t *l = dw_strmap_get(lines, line_id);
        bool known_line = l && l->loaded && l->fiscal_year == year;
        dw_v_position_t *p = known_line ? dw_v_positions_get(b->positions, l->project, year) : NULL;
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        s.line_known = known_line && p;
        if (s.line_known) {
            s.line_current_fen = l->current_fen;
            s.line_paid_fen = l->paid_fen;
            s.project_budget_fen = p->budget_fen;
            s.project_paid_fen = p->paid_fen;
        }
        char conflict_key[200];
        snprintf(conflict_key, sizeof conflict_key, "%s %s", line_id, dw_v_str(o, "doc_no"));
        s.conflict = earlier != NULL;
        s.conflict_field = "body.doc_no";
        s.conflict_key = conflict_key;
        dw_v_verdict_t v;
        if (s.conflict)
            dw_v_catalogue_apply_one(b->catalogue, "V-CON-014", &s, line_id, &v);
        else
            dw_v_catalogue_apply(b->catalogue, &s, line_id, &v);
        int64_t after = 0, adjusted = 0, budget = 0;
        if (!v.refusal && s.line_known &&
            (!dw_fen_add(l->current_fen, amount, &after) ||
             !dw_fen_add(strcmp(dw_v_str(o, "kind"), "adjusted") == 0 ? l->adjusted_fen : l->transferred_fen, amount,
                         &adjusted) ||
             !dw_fen_add(p->budget_fen, amount, &budget))) {
            /* no real budget gets here; a producer's mistake must not stop the stage */
            v.refusal = dw_v_catalogue_find(b->catalogue, "V-CON-003");
            snprintf(v.finding.field, sizeof v.finding.field, "body.amount_fen");
            snprintf(v.finding.value, sizeof v.finding.value, "超出范围");
            snprintf(v.finding.expected, sizeof v.finding.expected, "64位分值以内");
        }
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        if (!s.line_known) /* only a switched-off rule lets an unknown line through; it cannot be applied */
            continue;
        int64_t before = l->current_fen;
        l->current_fen = after;
        if (strcmp(dw_v_str(o, "kind"), "adjusted") == 0)
            l->adjusted_fen = adjusted;
        else
            l->transferred_fen = adjusted;
        l->touched = true;
        p->budget_fen = budget;
        if (copy_adjustment(&rows, &ev[i], msgs[i], o, l, before, &v) || dw_v_known_put(known, key, sig.data))
            goto out;
        n_rows++;
        dw_log_info(line_id, "adjustment %s of %" PRId64 " fen: line %" PRId64 " -> %" PRId64 " fen",
                    dw_v_str(o, "doc_no"), amount, before, after);
        if (emit_budget_fact(b, &ev[i], line_id, year, l->dept, l->project, l->name, l->kind, l->section,
                             l->current_fen, p->budget_fen) != 0)
            goto out;
    }
    if (n_rows && (dw_pg_copy(b->pg, "validate",
                              "COPY budget_adjustments (line_id, doc_no, kind, fiscal_year, amount_fen, reason, "
                              "effective_date, dept_code, project_code, current_before_fen, current_after_fen, flags, "
                              "inbox_seq, src, id) FROM STDIN",
                              &rows) != n_rows ||
                   update_lines(b->pg, lines, &ids) != 0))
        goto out;
    rc = 0;
out:
    dw_strmap_destroy(&lines);
    dw_v_known_destroy(&known);
    dw_v_strs_free(&ids);
    dw_v_strs_free(&docs);
    dw_v_strs_free(&kinds);
    dw_v_strs_free(&years);
    dw_v_strs_free(&codes);
    dw_buf_free(&rows);
    dw_buf_free(&sig);
    for (int k = 0; k < 3; k++)
        dw_buf_free(&a[k]);
    return rc;
}
