#include "v_documents.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "dw_money.h"
#include "dw_strmap.h"
#include "v_ref.h"
#include "v_sig.h"
#include "v_sql.h"

/* The text of a decimal as numeric, or NULL when it is not one (words). */
static const char *number_or_null(const char *v)
{
    dw_decimal_t d;
    return v && dw_decimal_parse(v, 18, &d) ? v : NULL;
}

/* The subject of a document about a project: its reference data. */
static void document_subject(dw_v_subject_t *s, dw_v_batch_t *b, const dw_v_ref_t *ref, const dw_event_t *ev,
                             dw_msg_t *m)
{
    const dw_obj_t *o = dw_msg_body(m);
    int64_t year = dw_v_int(o, "fiscal_year");
    memset(s, 0, sizeof *s);
    s->msg = m;
    s->body = o;
    s->type = ev->type;
    s->cfg = b->cfg;
    s->dept_known = dw_v_ref_dept_known(ref, dw_v_str(o, "dept_code"));
    s->project_dept = dw_v_ref_project_dept(ref, year, dw_v_str(o, "project_code"));
    s->target = dw_v_ref_target(ref, year, dw_v_str(o, "project_code"));
}

/* The current revision of each (year, project[, period]) of the run. */
static int load_revisions(dw_strmap_t *revs, dw_pg_t *pg, const char *sql, const dw_v_strs_t *years,
                          const dw_v_strs_t *projects, const dw_v_strs_t *periods)
{
    dw_buf_t a[3] = {DW_BUF_INIT, DW_BUF_INIT, DW_BUF_INIT};
    int rc = -1;
    if (dw_v_strs_literal(years, &a[0]) || dw_v_strs_literal(projects, &a[1]) ||
        (periods && dw_v_strs_literal(periods, &a[2])))
        goto out;
    const char *p[3] = {a[0].data, a[1].data, a[2].data};
    PGresult *res = dw_pg_query(pg, "validate", sql, periods ? 3 : 2, p);
    if (!res)
        goto out;
    rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char key[160];
        dw_v_key(key, sizeof key, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1), periods ? PQgetvalue(res, r, 2) : NULL);
        int64_t *rev = dw_strmap_put(revs, key, NULL);
        if (!rev)
            rc = -1;
        else
            *rev = dw_pg_int(res, r, periods ? 3 : 2);
    }
    PQclear(res);
out:
    for (int k = 0; k < 3; k++)
        dw_buf_free(&a[k]);
    return rc;
}

/* ---- target.declaration ------------------------------------------------- */

static int copy_declaration(dw_buf_t *decl, dw_buf_t *items, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                            const dw_v_verdict_t *v)
{
    int64_t year = dw_v_int(o, "fiscal_year"), version = dw_v_int(o, "version");
    const char *project = dw_v_str(o, "project_code");
    if (dw_copy_int(decl, year) || dw_copy_text(decl, project) || dw_copy_int(decl, version) ||
        dw_copy_text(decl, dw_v_str(o, "dept_code")) || dw_copy_text(decl, dw_v_str(o, "goal")) ||
        dw_v_copy_array(decl, v->warnings, v->n_warnings) || dw_copy_int(decl, ev->seq) ||
        dw_copy_text(decl, dw_msg_src(m)) || dw_copy_text(decl, dw_msg_id(m)) || dw_copy_end_row(decl))
        return -1;
    for (size_t i = 0; i < dw_obj_count(o, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(o, "indicators", i);
        bool cumulative = false;
        bool has_cumulative = dw_obj_bool(it, "cumulative", &cumulative);
        if (dw_copy_int(items, year) || dw_copy_text(items, project) || dw_copy_int(items, version) ||
            dw_copy_text(items, dw_v_str(it, "code")) || dw_copy_int(items, (int64_t)i + 1) ||
            dw_copy_text(items, dw_v_str(it, "level1")) || dw_copy_text(items, dw_v_str(it, "level2")) ||
            dw_copy_text(items, dw_v_str(it, "name")) || dw_copy_text(items, dw_v_str(it, "operator")) ||
            dw_v_copy_opt(items, dw_obj_str(it, "target")) ||
            dw_v_copy_opt(items, number_or_null(dw_obj_str(it, "target"))) ||
            dw_v_copy_opt(items, dw_obj_str(it, "target_text")) || dw_v_copy_opt(items, dw_obj_str(it, "unit")) ||
            dw_copy_text(items, dw_v_str(it, "weight")) || dw_copy_text(items, dw_v_str(it, "weight")) ||
            (has_cumulative ? dw_v_copy_bool(items, cumulative) : dw_copy_null(items)) || dw_copy_end_row(items))
            return -1;
    }
    return 0;
}

int dw_v_declaration_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_ref_t *ref = dw_v_ref_new();
    dw_v_known_t *known = dw_v_known_new();
    dw_v_strs_t years = DW_V_STRS_INIT, projects = DW_V_STRS_INIT, versions = DW_V_STRS_INIT;
    dw_buf_t decl = DW_BUF_INIT, items = DW_BUF_INIT, sig = DW_BUF_INIT;
    dw_buf_t a[3] = {DW_BUF_INIT, DW_BUF_INIT, DW_BUF_INIT};
    int64_t n_decl = 0, n_items = 0;
    int rc = -1;
    if (!ref || !known ||
        dw_v_ref_load(ref, b->pg, msgs, n, DW_V_REF_DEPTS | DW_V_REF_PROJECTS | DW_V_REF_TARGETS) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (dw_v_strs_add_int(&years, dw_v_int(o, "fiscal_year")) ||
            dw_v_strs_add(&projects, dw_v_str(o, "project_code")) ||
            dw_v_strs_add_int(&versions, dw_v_int(o, "version")))
            goto out;
    }
    if (dw_v_strs_literal(&years, &a[0]) || dw_v_strs_literal(&projects, &a[1]) || dw_v_strs_literal(&versions, &a[2]))
        goto out;
    const char *kp[3] = {a[0].data, a[1].data, a[2].data};
    if (dw_v_known_load(known, b->pg,
                        "SELECT d.fiscal_year, d.project_code, d.version, i.raw FROM target_declarations d "
                        "JOIN unnest($1::int[], $2::text[], $3::int[]) AS k(fiscal_year, project_code, version) "
                        "USING (fiscal_year, project_code, version) JOIN inbox i ON i.seq = d.inbox_seq",
                        3, kp) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *project = dw_v_str(o, "project_code");
        char key[160], conflict_key[120];
        dw_v_key(key, sizeof key, dw_v_strs_at(&years, i), project, dw_v_strs_at(&versions, i));
        if (dw_v_signature(o, &sig) != 0)
            goto out;
        const char *earlier = dw_v_known_get(known, key);
        if (earlier && strcmp(earlier, sig.data) == 0) {
            dw_log_info(project, "declaration version %s received again (%s/%s) with the same content: stored once",
                        dw_v_strs_at(&versions, i), dw_msg_src(msgs[i]), dw_msg_id(msgs[i]));
            continue;
        }
        dw_v_subject_t s;
        document_subject(&s, b, ref, &ev[i], msgs[i]);
        s.current_version = s.target ? s.target->version : 0;
        snprintf(conflict_key, sizeof conflict_key, "%s 第%s版", project, dw_v_strs_at(&versions, i));
        s.conflict = earlier != NULL;
        s.conflict_field = "body.version";
        s.conflict_key = conflict_key;
        dw_v_verdict_t v;
        if (s.conflict)
            dw_v_catalogue_apply_one(b->catalogue, "V-CON-014", &s, project, &v);
        else
            dw_v_catalogue_apply(b->catalogue, &s, project, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        if (copy_declaration(&decl, &items, &ev[i], msgs[i], o, &v) || dw_v_known_put(known, key, sig.data))
            goto out;
        n_decl++;
        n_items += (int64_t)dw_obj_count(o, "indicators");
        /* a lower version let through by a warning is kept, not current */
        if (dw_v_int(o, "version") > s.current_version && dw_v_ref_set_target(ref, o) != 0)
            goto out;
        if (dw_v_pass_on(b, &ev[i], project) != 0)
            goto out;
    }
    if (n_decl &&
        (dw_pg_copy(b->pg, "validate",
                    "COPY target_declarations (fiscal_year, project_code, version, dept_code, goal, flags, "
                    "inbox_seq, src, id) FROM STDIN",
                    &decl) != n_decl ||
         dw_pg_copy(b->pg, "validate",
                    "COPY target_indicators (fiscal_year, project_code, version, code, item, level1, level2, name, "
                    "operator, target, target_num, target_text, unit, weight, weight_num, cumulative) FROM STDIN",
                    &items) != n_items))
        goto out;
    rc = 0;
out:
    dw_v_ref_destroy(&ref);
    dw_v_known_destroy(&known);
    dw_v_strs_free(&years);
    dw_v_strs_free(&projects);
    dw_v_strs_free(&versions);
    dw_buf_free(&decl);
    dw_buf_free(&items);
    dw_buf_free(&sig);
    for (int k = 0; k < 3; k++)
        dw_buf_free(&a[k]);
    return rc;
}

/* ---- monitor.report ----------------------------------------------------- */

static int copy_monitor(dw_buf_t *reports, dw_buf_t *items, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                        int64_t revision, const dw_v_subject_t *s, const dw_v_verdict_t *v)
{
    int64_t year = dw_v_int(o, "fiscal_year"), period = dw_v_int(o, "period_month");
    const char *project = dw_v_str(o, "project_code");
    if (dw_copy_int(reports, year) || dw_copy_text(reports, project) || dw_copy_int(reports, period) ||
        dw_copy_int(reports, revision) || dw_copy_text(reports, dw_v_str(o, "dept_code")) ||
        dw_copy_int(reports, dw_v_int(o, "executed_fen")) || dw_copy_int(reports, dw_v_int(o, "projected_fen")) ||
        dw_copy_text(reports, dw_v_str(o, "submitted_date")) ||
        (s->target ? dw_copy_int(reports, s->target->version) : dw_copy_null(reports)) ||
        dw_v_copy_array(reports, v->warnings, v->n_warnings) || dw_copy_int(reports, ev->seq) ||
        dw_copy_text(reports, dw_msg_src(m)) || dw_copy_text(reports, dw_msg_id(m)) || dw_copy_end_row(reports))
        return -1;
    for (size_t i = 0; i < dw_obj_count(o, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(o, "indicators", i);
        const char *causes[8];
        size_t n_causes = dw_obj_count(it, "causes");
        for (size_t k = 0; k < n_causes && k < 8; k++)
            causes[k] = dw_obj_item_str(it, "causes", k);
        if (dw_copy_int(items, year) || dw_copy_text(items, project) || dw_copy_int(items, period) ||
            dw_copy_int(items, revision) || dw_copy_int(items, (int64_t)i + 1) ||
            dw_copy_text(items, dw_v_str(it, "code")) || dw_copy_text(items, dw_v_str(it, "value")) ||
            dw_v_copy_opt(items, number_or_null(dw_obj_str(it, "value"))) ||
            dw_v_copy_opt(items, dw_obj_str(it, "projected")) ||
            dw_v_copy_opt(items, number_or_null(dw_obj_str(it, "projected"))) ||
            dw_copy_text(items, dw_v_str(it, "likelihood")) ||
            dw_v_copy_array(items, causes, n_causes < 8 ? n_causes : 8) ||
            dw_v_copy_opt(items, dw_obj_str(it, "explanation")) || dw_v_copy_opt(items, dw_obj_str(it, "measures")) ||
            dw_copy_end_row(items))
            return -1;
    }
    return 0;
}

int dw_v_monitor_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_ref_t *ref = dw_v_ref_new();
    dw_strmap_t *revs = dw_strmap_new(sizeof(int64_t));
    dw_v_strs_t years = DW_V_STRS_INIT, projects = DW_V_STRS_INIT, periods = DW_V_STRS_INIT;
    dw_buf_t reports = DW_BUF_INIT, items = DW_BUF_INIT;
    int64_t n_reports = 0, n_items = 0;
    int rc = -1;
    if (!ref || !revs || dw_v_ref_load(ref, b->pg, msgs, n, DW_V_REF_DEPTS | DW_V_REF_PROJECTS | DW_V_REF_TARGETS) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (dw_v_strs_add_int(&years, dw_v_int(o, "fiscal_year")) ||
            dw_v_strs_add(&projects, dw_v_str(o, "project_code")) ||
            dw_v_strs_add_int(&periods, dw_v_int(o, "period_month")))
            goto out;
    }
    if (load_revisions(revs, b->pg,
                       "SELECT fiscal_year, project_code, period_month, max(revision) FROM monitor_reports "
                       "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[], $3::int[])) "
                       "AS k(fiscal_year, project_code, period_month) USING (fiscal_year, project_code, period_month) "
                       "GROUP BY 1, 2, 3",
                       &years, &projects, &periods) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *project = dw_v_str(o, "project_code");
        dw_v_subject_t s;
        document_subject(&s, b, ref, &ev[i], msgs[i]);
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, project, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        /* a resubmission is the next revision: it supersedes, both are kept */
        char key[160];
        dw_v_key(key, sizeof key, dw_v_strs_at(&years, i), project, dw_v_strs_at(&periods, i));
        int64_t *rev = dw_strmap_put(revs, key, NULL);
        if (!rev || copy_monitor(&reports, &items, &ev[i], msgs[i], o, ++*rev, &s, &v) != 0)
            goto out;
        n_reports++;
        n_items += (int64_t)dw_obj_count(o, "indicators");
        dw_log_info(project, "monitoring form 1-%s月 revision %" PRId64 " stored", dw_v_strs_at(&periods, i), *rev);
        if (dw_v_pass_on(b, &ev[i], project) != 0)
            goto out;
    }
    if (n_reports &&
        (dw_pg_copy(b->pg, "validate",
                    "COPY monitor_reports (fiscal_year, project_code, period_month, revision, dept_code, executed_fen, "
                    "projected_fen, submitted_date, target_version, flags, inbox_seq, src, id) FROM STDIN",
                    &reports) != n_reports ||
         (n_items && dw_pg_copy(b->pg, "validate",
                                "COPY monitor_indicators (fiscal_year, project_code, period_month, revision, item, "
                                "code, value, value_num, projected, projected_num, likelihood, causes, explanation, "
                                "measures) FROM STDIN",
                                &items) != n_items)))
        goto out;
    rc = 0;
out:
    dw_v_ref_destroy(&ref);
    dw_strmap_destroy(&revs);
    dw_v_strs_free(&years);
    dw_v_strs_free(&projects);
    dw_v_strs_free(&periods);
    dw_buf_free(&reports);
    dw_buf_free(&items);
    return rc;
}

/* ---- selfeval.report ---------------------------------------------------- */

static int copy_selfeval(dw_buf_t *reports, dw_buf_t *items, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                         int64_t revision, const dw_v_subject_t *s, const dw_v_verdict_t *v)
{
    int64_t year = dw_v_int(o, "fiscal_year");
    const char *project = dw_v_str(o, "project_code");
    if (dw_copy_int(reports, year) || dw_copy_text(reports, project) || dw_copy_int(reports, revision) ||
        dw_copy_text(reports, dw_v_str(o, "dept_code")) || dw_copy_text(reports, dw_v_str(o, "narrative")) ||
        dw_copy_text(reports, dw_v_str(o, "self_score")) || dw_copy_text(reports, dw_v_str(o, "self_score")) ||
        (s->target ? dw_copy_int(reports, s->target->version) : dw_copy_null(reports)) ||
        dw_v_copy_array(reports, v->warnings, v->n_warnings) || dw_copy_int(reports, ev->seq) ||
        dw_copy_text(reports, dw_msg_src(m)) || dw_copy_text(reports, dw_msg_id(m)) || dw_copy_end_row(reports))
        return -1;
    for (size_t i = 0; i < dw_obj_count(o, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(o, "indicators", i);
        if (dw_copy_int(items, year) || dw_copy_text(items, project) || dw_copy_int(items, revision) ||
            dw_copy_int(items, (int64_t)i + 1) || dw_copy_text(items, dw_v_str(it, "code")) ||
            dw_copy_text(items, dw_v_str(it, "actual")) ||
            dw_v_copy_opt(items, number_or_null(dw_obj_str(it, "actual"))) ||
            dw_v_copy_opt(items, dw_obj_str(it, "note")) || dw_copy_end_row(items))
            return -1;
    }
    return 0;
}

int dw_v_selfeval_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_ref_t *ref = dw_v_ref_new();
    dw_strmap_t *revs = dw_strmap_new(sizeof(int64_t));
    dw_v_strs_t years = DW_V_STRS_INIT, projects = DW_V_STRS_INIT;
    dw_buf_t reports = DW_BUF_INIT, items = DW_BUF_INIT;
    int64_t n_reports = 0, n_items = 0;
    int rc = -1;
    if (!ref || !revs || dw_v_ref_load(ref, b->pg, msgs, n, DW_V_REF_DEPTS | DW_V_REF_PROJECTS | DW_V_REF_TARGETS) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (dw_v_strs_add_int(&years, dw_v_int(o, "fiscal_year")) ||
            dw_v_strs_add(&projects, dw_v_str(o, "project_code")))
            goto out;
    }
    if (load_revisions(revs, b->pg,
                       "SELECT fiscal_year, project_code, max(revision) FROM selfeval_reports "
                       "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS k(fiscal_year, project_code) "
                       "USING (fiscal_year, project_code) GROUP BY 1, 2",
                       &years, &projects, NULL) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *project = dw_v_str(o, "project_code");
        dw_v_subject_t s;
        document_subject(&s, b, ref, &ev[i], msgs[i]);
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, project, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        char key[160];
        dw_v_key(key, sizeof key, dw_v_strs_at(&years, i), project, NULL);
        int64_t *rev = dw_strmap_put(revs, key, NULL);
        if (!rev || copy_selfeval(&reports, &items, &ev[i], msgs[i], o, ++*rev, &s, &v) != 0)
            goto out;
        n_reports++;
        n_items += (int64_t)dw_obj_count(o, "indicators");
        if (dw_v_pass_on(b, &ev[i], project) != 0)
            goto out;
    }
    if (n_reports &&
        (dw_pg_copy(b->pg, "validate",
                    "COPY selfeval_reports (fiscal_year, project_code, revision, dept_code, narrative, self_score, "
                    "self_score_num, target_version, flags, inbox_seq, src, id) FROM STDIN",
                    &reports) != n_reports ||
         (n_items && dw_pg_copy(b->pg, "validate",
                                "COPY selfeval_indicators (fiscal_year, project_code, revision, item, code, actual, "
                                "actual_num, note) FROM STDIN",
                                &items) != n_items)))
        goto out;
    rc = 0;
out:
    dw_v_ref_destroy(&ref);
    dw_strmap_destroy(&revs);
    dw_v_strs_free(&years);
    dw_v_strs_free(&projects);
    dw_buf_free(&reports);
    dw_buf_free(&items);
    return rc;
}

/* ---- workflow.action ---------------------------------------------------- */

int dw_v_workflow_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, dw_v_str(o, "doc_id"), &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        if (dw_copy_int(&rows, ev[i].seq) || dw_copy_text(&rows, dw_v_str(o, "doc_kind")) ||
            dw_copy_text(&rows, dw_v_str(o, "doc_id")) || dw_copy_text(&rows, dw_v_str(o, "action")) ||
            dw_copy_text(&rows, dw_v_str(o, "actor")) || dw_copy_text(&rows, dw_v_str(o, "section_code")) ||
            dw_v_copy_opt(&rows, dw_obj_str(o, "opinion")) || dw_v_copy_opt(&rows, dw_obj_str(o, "comment")) ||
            dw_v_copy_array(&rows, v.warnings, v.n_warnings) || dw_copy_text(&rows, dw_msg_src(msgs[i])) ||
            dw_copy_text(&rows, dw_msg_id(msgs[i])) || dw_copy_end_row(&rows))
            goto out;
        n_rows++;
        if (dw_v_pass_on(b, &ev[i], dw_v_str(o, "doc_id")) != 0)
            goto out;
    }
    if (n_rows &&
        dw_pg_copy(b->pg, "validate",
                   "COPY workflow_actions (inbox_seq, doc_kind, doc_id, action, actor, section_code, opinion, "
                   "comment, flags, src, id) FROM STDIN",
                   &rows) != n_rows)
        goto out;
    rc = 0;
out:
    dw_buf_free(&rows);
    return rc;
}
