#include "r_timers.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_log.h"

void dw_r_monitor_doc_id(char *out, size_t n, int fiscal_year, const char *project_code, int period_month)
{
    snprintf(out, n, "MR-%d-%s-%02d", fiscal_year, project_code, period_month);
}

const dw_a_form_round_t *dw_r_round_of(const dw_a_catalogue_t *catalogue, int period_month)
{
    const dw_a_form_round_t *rounds = NULL;
    size_t n = catalogue ? dw_a_catalogue_forms(catalogue, &rounds) : 0;
    for (size_t i = 0; i < n; i++)
        if (rounds[i].period_month == period_month)
            return &rounds[i];
    return NULL;
}

/* A missed date: the procedure's own row where it has one (via "overdue"),
 * or for a hold the treasury has not confirmed, "no_ack". */
static const char *missed_action(const dw_r_document_t *d)
{
    if (strcmp(d->doc_kind, "deviation_case") == 0 && strcmp(d->state, "in_effect") == 0 &&
        strcmp(d->decision, "suspend") == 0)
        return "no_ack";
    return "overdue";
}

int dw_r_timers_deadlines(dw_r_engine_t *e, int limit, bool *more)
{
    dw_date_t as_of = dw_r_engine_as_of(e);
    dw_date_t remind_by =
        dw_calendar_add_workdays(dw_r_engine_calendar(e), as_of, dw_r_engine_config(e)->route.remind_workdays);
    char today[11], by[11], where[512];
    dw_date_format(as_of, today);
    dw_date_format(remind_by, by);
    /* the dates are ours, formatted: no outside text enters the statement */
    snprintf(where, sizeof where,
             "closed_at IS NULL AND due_date IS NOT NULL AND ("
             "(due_date < '%s' AND overdue_for IS DISTINCT FROM due_date) OR "
             "(due_date >= '%s' AND due_date <= '%s' AND reminded_for IS DISTINCT FROM due_date))",
             today, today, by);
    dw_r_docs_t *docs = dw_r_engine_docs(e);
    if (dw_r_docs_load_where(docs, dw_r_engine_pg(e), where, limit) != 0)
        return -1;
    size_t n = 0;
    for (dw_r_document_t *d; (d = dw_r_docs_at(docs, n)) != NULL; n++) {
        bool overdue = dw_date_cmp(d->due, as_of) < 0;
        dw_r_action_t a = {.action = overdue ? missed_action(d) : "remind", .system = true, .upstream = "route"};
        dw_date_t due = d->due;
        dw_error_t err;
        int rc = dw_r_engine_act(e, d, &a, &err);
        if (rc < 0)
            return -1;
        if (rc == 1) {
            /* the table has nothing for it here: note it was seen, so it is not tried every tick */
            dw_log_warn(d->doc_id, "%s in %s: %s", a.action, d->state, err.message);
            if (overdue) {
                d->overdue_for = due;
                d->has_overdue = true;
            } else {
                d->reminded_for = due;
                d->has_reminded = true;
            }
            d->dirty = true;
        }
    }
    *more = n >= (size_t)limit;
    return 0;
}

/* The day after a round's period ends (1 July for months 1-6). */
static dw_date_t round_opens(int year, int period_month)
{
    dw_date_t d = {year, period_month, dw_days_in_month(year, period_month)};
    return dw_date_add_days(d, 1);
}

static int open_round(dw_r_engine_t *e, const dw_a_form_round_t *r, int year, int limit, int *opened)
{
    char y[8], mm[8], lim[16];
    snprintf(y, sizeof y, "%d", year);
    snprintf(mm, sizeof mm, "%02d", r->period_month);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[3] = {y, mm, lim};
    PGresult *res = dw_pg_query(dw_r_engine_pg(e), "route",
                                "SELECT p.project_code, p.dept_code, p.project_name FROM projects p "
                                "WHERE p.fiscal_year = $1::int AND NOT EXISTS (SELECT 1 FROM documents d "
                                "WHERE d.doc_kind = 'monitor_report' "
                                "AND d.doc_id = 'MR-' || $1 || '-' || p.project_code || '-' || $2) "
                                "ORDER BY p.project_code LIMIT $3::int",
                                3, p);
    if (!res)
        return -1;
    dw_date_t due = {year, r->due_month, r->due_day};
    if (!dw_date_valid(due)) /* 02-29 in a common year */
        due = (dw_date_t){year, r->due_month, dw_days_in_month(year, r->due_month)};
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
        char doc_id[DW_R_CODE], title[600];
        dw_r_monitor_doc_id(doc_id, sizeof doc_id, year, PQgetvalue(res, i, 0), r->period_month);
        snprintf(title, sizeof title, "%s 1-%d月绩效运行监控（%s）", PQgetvalue(res, i, 2), r->period_month,
                 r->purpose ? r->purpose : "");
        dw_r_document_t *d = dw_r_docs_create(dw_r_engine_docs(e), "monitor_report", doc_id, year,
                                              PQgetvalue(res, i, 1), PQgetvalue(res, i, 0), title);
        if (!d)
            continue; /* opened by a form that arrived in this job's batch */
        dw_r_action_t a = {.action = "open", .system = true, .upstream = "route"};
        dw_error_t err;
        rc = dw_r_engine_open(e, d, &a, &due, &err) < 0 ? -1 : 0;
        (*opened)++;
    }
    PQclear(res);
    return rc;
}

int dw_r_timers_rounds(dw_r_engine_t *e, const dw_a_catalogue_t *catalogue, int limit, bool *more)
{
    *more = false;
    const dw_a_form_round_t *rounds = NULL;
    size_t n = catalogue ? dw_a_catalogue_forms(catalogue, &rounds) : 0;
    dw_date_t as_of = dw_r_engine_as_of(e);
    int opened = 0;
    for (size_t i = 0; i < n && opened < limit; i++) {
        /* a round whose form was due before dw-route knew of it is not opened late: dw-analyze's
           form_overdue rule speaks for it */
        dw_date_t due = {as_of.year, rounds[i].due_month, rounds[i].due_day};
        if (dw_date_cmp(round_opens(as_of.year, rounds[i].period_month), as_of) > 0 || dw_date_cmp(due, as_of) < 0)
            continue;
        if (open_round(e, &rounds[i], as_of.year, limit - opened, &opened) != 0)
            return -1;
    }
    if (opened)
        dw_log_info("route", "%d monitoring forms opened for %d", opened, as_of.year);
    *more = opened >= limit;
    return 0;
}
