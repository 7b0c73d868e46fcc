#include "r_doc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_strmap.h"

struct dw_r_docs {
    dw_r_document_t **docs;
    size_t n, cap;
    dw_strmap_t *index; /* "kind/id" -> position in docs */
    dw_buf_t history, tasks, instructions;
    int64_t n_history, n_tasks, n_instructions;
    dw_pg_array_t closed_ids, closed_states, acked_ids, acked_on;
};

dw_r_docs_t *dw_r_docs_new(void)
{
    dw_r_docs_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->index = dw_strmap_new(sizeof(size_t));
    if (!self->index) {
        free(self);
        return NULL;
    }
    return self;
}

static void reset_writes(dw_r_docs_t *self)
{
    dw_buf_free(&self->history);
    dw_buf_free(&self->tasks);
    dw_buf_free(&self->instructions);
    self->n_history = self->n_tasks = self->n_instructions = 0;
    dw_pg_array_free(&self->closed_ids);
    dw_pg_array_free(&self->closed_states);
    dw_pg_array_free(&self->acked_ids);
    dw_pg_array_free(&self->acked_on);
}

void dw_r_docs_clear(dw_r_docs_t *self)
{
    for (size_t i = 0; i < self->n; i++) {
        free(self->docs[i]->title);
        free(self->docs[i]);
    }
    self->n = 0;
    dw_strmap_clear(self->index);
    reset_writes(self);
}

void dw_r_docs_destroy(dw_r_docs_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_r_docs_t *self = *self_p;
    dw_r_docs_clear(self);
    free(self->docs);
    dw_strmap_destroy(&self->index);
    free(self);
    *self_p = NULL;
}

static void key_of(char *out, size_t n, const char *kind, const char *id)
{
    snprintf(out, n, "%s/%s", kind, id);
}

dw_r_document_t *dw_r_docs_get(dw_r_docs_t *self, const char *doc_kind, const char *doc_id)
{
    char key[128];
    key_of(key, sizeof key, doc_kind, doc_id);
    const size_t *at = dw_strmap_get(self->index, key);
    return at ? self->docs[*at] : NULL;
}

dw_r_document_t *dw_r_docs_at(dw_r_docs_t *self, size_t i)
{
    return i < self->n ? self->docs[i] : NULL;
}

/* A new empty document under the key, or NULL when it exists or no memory. */
static dw_r_document_t *add(dw_r_docs_t *self, const char *doc_kind, const char *doc_id)
{
    if (strlen(doc_kind) >= sizeof((dw_r_document_t *)0)->doc_kind || strlen(doc_id) >= DW_R_CODE)
        return NULL;
    char key[128];
    key_of(key, sizeof key, doc_kind, doc_id);
    if (dw_strmap_get(self->index, key))
        return NULL;
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 16;
        dw_r_document_t **docs = realloc(self->docs, cap * sizeof *docs);
        if (!docs)
            return NULL;
        self->docs = docs;
        self->cap = cap;
    }
    dw_r_document_t *d = calloc(1, sizeof *d);
    size_t *at = d ? dw_strmap_put(self->index, key, NULL) : NULL;
    if (!at) {
        free(d);
        return NULL;
    }
    *at = self->n;
    self->docs[self->n++] = d;
    snprintf(d->doc_kind, sizeof d->doc_kind, "%s", doc_kind);
    snprintf(d->doc_id, sizeof d->doc_id, "%s", doc_id);
    return d;
}

static void copy_field(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

dw_r_document_t *dw_r_docs_create(dw_r_docs_t *self, const char *doc_kind, const char *doc_id, int fiscal_year,
                                  const char *dept_code, const char *project_code, const char *title)
{
    dw_r_document_t *d = add(self, doc_kind, doc_id);
    if (!d)
        return NULL;
    d->title = strdup(title ? title : "");
    if (!d->title)
        return NULL; /* stays in the set, empty; the batch fails anyway */
    d->fiscal_year = fiscal_year;
    copy_field(d->dept_code, sizeof d->dept_code, dept_code);
    copy_field(d->project_code, sizeof d->project_code, project_code);
    d->round = 1;
    d->dirty = true;
    return d;
}

#define DOC_COLUMNS                                                                                             \
    "doc_kind, doc_id, fiscal_year, dept_code, coalesce(project_code, ''), title, state, round, holder_role, "  \
    "holder_code, due_date::text, coalesce(submitted_by, ''), coalesce(submitted_from, ''), next_step_acted, "  \
    "coalesce(decision, ''), coalesce(alert_id, 0), coalesce(instruction_id, 0), coalesce(task_id, 0), steps, " \
    "reminded_for::text, overdue_for::text, closed_at IS NOT NULL"

static bool date_of(const PGresult *res, int r, int c, dw_date_t *out)
{
    return !PQgetisnull(res, r, c) && dw_date_parse(PQgetvalue(res, r, c), out);
}

static int take_rows(dw_r_docs_t *self, PGresult *res)
{
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        dw_r_document_t *d = add(self, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
        if (!d) {
            if (dw_r_docs_get(self, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1)))
                continue; /* loaded already (by another of the batch's lookups) */
            rc = -1;
            break;
        }
        d->fiscal_year = (int)dw_pg_int(res, r, 2);
        copy_field(d->dept_code, sizeof d->dept_code, PQgetvalue(res, r, 3));
        copy_field(d->project_code, sizeof d->project_code, PQgetvalue(res, r, 4));
        d->title = strdup(PQgetvalue(res, r, 5));
        copy_field(d->state, sizeof d->state, PQgetvalue(res, r, 6));
        d->round = (int)dw_pg_int(res, r, 7);
        copy_field(d->holder_role, sizeof d->holder_role, PQgetvalue(res, r, 8));
        copy_field(d->holder_code, sizeof d->holder_code, PQgetvalue(res, r, 9));
        d->has_due = date_of(res, r, 10, &d->due);
        copy_field(d->submitted_by, sizeof d->submitted_by, PQgetvalue(res, r, 11));
        copy_field(d->submitted_from, sizeof d->submitted_from, PQgetvalue(res, r, 12));
        d->next_step_acted = PQgetvalue(res, r, 13)[0] == 't';
        copy_field(d->decision, sizeof d->decision, PQgetvalue(res, r, 14));
        d->alert_id = dw_pg_int(res, r, 15);
        d->instruction_id = dw_pg_int(res, r, 16);
        d->task_id = dw_pg_int(res, r, 17);
        d->steps = (int)dw_pg_int(res, r, 18);
        d->has_reminded = date_of(res, r, 19, &d->reminded_for);
        d->has_overdue = date_of(res, r, 20, &d->overdue_for);
        d->closed = PQgetvalue(res, r, 21)[0] == 't';
        if (!d->title)
            rc = -1;
    }
    PQclear(res);
    return rc;
}

/* Runs sql with one text[] parameter built from items. */
static PGresult *query_array(dw_pg_t *pg, const char *sql, const char *const *items, size_t n)
{
    dw_buf_t arr = DW_BUF_INIT;
    if (dw_pg_text_array(&arr, items, n) != 0) {
        dw_buf_free(&arr);
        return NULL;
    }
    const char *p[1] = {arr.data};
    PGresult *res = dw_pg_query(pg, "route", sql, 1, p);
    dw_buf_free(&arr);
    return res;
}

int dw_r_docs_load(dw_r_docs_t *self, dw_pg_t *pg, const char *const *keys, size_t n)
{
    if (n == 0)
        return 0;
    return take_rows(self, query_array(pg,
                                       "SELECT " DOC_COLUMNS " FROM documents "
                                       "WHERE (doc_kind || '/' || doc_id) = ANY ($1::text[])",
                                       keys, n));
}

int dw_r_docs_load_cases(dw_r_docs_t *self, dw_pg_t *pg, const char *const *projects, size_t n)
{
    if (n == 0)
        return 0;
    return take_rows(self, query_array(pg,
                                       "SELECT " DOC_COLUMNS " FROM documents "
                                       "WHERE doc_kind = 'deviation_case' AND closed_at IS NULL "
                                       "AND project_code = ANY ($1::text[]) ORDER BY doc_id",
                                       projects, n));
}

int dw_r_docs_load_where(dw_r_docs_t *self, dw_pg_t *pg, const char *where, int limit)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT " DOC_COLUMNS " FROM documents WHERE %s ORDER BY due_date, doc_kind, doc_id LIMIT %d", where,
             limit);
    return take_rows(self, dw_pg_query(pg, "route", sql, 0, NULL));
}

size_t dw_r_docs_cases_of(dw_r_docs_t *self, const char *project_code, dw_r_document_t **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < self->n && k < max; i++) {
        dw_r_document_t *d = self->docs[i];
        if (!d->closed && strcmp(d->doc_kind, "deviation_case") == 0 && strcmp(d->project_code, project_code) == 0)
            out[k++] = d;
    }
    return k;
}

/* ---- writes --------------------------------------------------------------- */

static int copy_opt(dw_buf_t *b, const char *s)
{
    return s && *s ? dw_copy_text(b, s) : dw_copy_null(b);
}

static int copy_date(dw_buf_t *b, bool has, dw_date_t d)
{
    if (!has)
        return dw_copy_null(b);
    char text[11];
    dw_date_format(d, text);
    return dw_copy_text(b, text);
}

int dw_r_docs_history(dw_r_docs_t *self, dw_r_document_t *d, const dw_r_history_t *h)
{
    dw_buf_t *b = &self->history;
    d->steps++;
    d->dirty = true;
    if (dw_copy_text(b, d->doc_kind) || dw_copy_text(b, d->doc_id) || dw_copy_int(b, d->steps) ||
        dw_copy_int(b, d->round) || dw_copy_text(b, h->action) || dw_copy_text(b, h->actor) ||
        dw_copy_text(b, h->section_code) || dw_copy_text(b, h->role) || dw_copy_text(b, h->from_state) ||
        dw_copy_text(b, d->state) || dw_copy_text(b, d->holder_code) || copy_date(b, d->has_due, d->due) ||
        dw_copy_text(b, h->title) || copy_opt(b, h->opinion) || copy_opt(b, h->comment) || copy_opt(b, h->decision) ||
        dw_copy_text(b, h->upstream) || (h->upstream_seq ? dw_copy_int(b, h->upstream_seq) : dw_copy_null(b)) ||
        copy_date(b, true, h->as_of) || dw_copy_end_row(b))
        return -1;
    self->n_history++;
    return 0;
}

int dw_r_docs_task_open(dw_r_docs_t *self, const dw_r_document_t *d, int64_t task_id, const char *kind,
                        const char *section_code, const char *summary)
{
    dw_buf_t *b = &self->tasks;
    if (dw_copy_int(b, task_id) || dw_copy_text(b, kind) || dw_copy_text(b, section_code) ||
        dw_copy_text(b, d->dept_code) || copy_opt(b, d->project_code) ||
        (d->alert_id ? dw_copy_int(b, d->alert_id) : dw_copy_null(b)) || dw_copy_text(b, d->state) ||
        copy_date(b, d->has_due, d->due) || dw_copy_text(b, d->doc_kind) || dw_copy_text(b, d->doc_id) ||
        dw_copy_text(b, summary) || dw_copy_end_row(b))
        return -1;
    self->n_tasks++;
    return 0;
}

int dw_r_docs_task_close(dw_r_docs_t *self, int64_t task_id, const char *state)
{
    return dw_pg_array_int(&self->closed_ids, task_id) || dw_pg_array_text(&self->closed_states, state) ? -1 : 0;
}

int dw_r_docs_instruction(dw_r_docs_t *self, const dw_r_document_t *d, int64_t instruction_id, const char *action,
                          const char *reason, dw_date_t issued_on, dw_date_t ack_due)
{
    dw_buf_t *b = &self->instructions;
    if (dw_copy_int(b, instruction_id) || dw_copy_int(b, d->fiscal_year) || dw_copy_text(b, d->dept_code) ||
        dw_copy_text(b, d->project_code) || dw_copy_text(b, action) || dw_copy_text(b, reason) ||
        dw_copy_text(b, d->doc_kind) || dw_copy_text(b, d->doc_id) || copy_date(b, true, issued_on) ||
        copy_date(b, true, ack_due) || dw_copy_end_row(b))
        return -1;
    self->n_instructions++;
    return 0;
}

int dw_r_docs_instruction_acked(dw_r_docs_t *self, int64_t instruction_id, dw_date_t on)
{
    char text[11];
    dw_date_format(on, text);
    return dw_pg_array_int(&self->acked_ids, instruction_id) || dw_pg_array_text(&self->acked_on, text) ? -1 : 0;
}

static int copy_document(dw_buf_t *b, const dw_r_document_t *d)
{
    return dw_copy_text(b, d->doc_kind) || dw_copy_text(b, d->doc_id) || dw_copy_int(b, d->fiscal_year) ||
                   dw_copy_text(b, d->dept_code) || copy_opt(b, d->project_code) || dw_copy_text(b, d->title) ||
                   dw_copy_text(b, d->state) || dw_copy_int(b, d->round) || dw_copy_text(b, d->holder_role) ||
                   dw_copy_text(b, d->holder_code) || copy_date(b, d->has_due, d->due) ||
                   copy_opt(b, d->submitted_by) || copy_opt(b, d->submitted_from) ||
                   dw_copy_text(b, d->next_step_acted ? "t" : "f") || copy_opt(b, d->decision) ||
                   (d->alert_id ? dw_copy_int(b, d->alert_id) : dw_copy_null(b)) ||
                   (d->instruction_id ? dw_copy_int(b, d->instruction_id) : dw_copy_null(b)) ||
                   (d->task_id ? dw_copy_int(b, d->task_id) : dw_copy_null(b)) || dw_copy_int(b, d->steps) ||
                   copy_date(b, d->has_reminded, d->reminded_for) || copy_date(b, d->has_overdue, d->overdue_for) ||
                   dw_copy_text(b, d->closed ? "t" : "f") || dw_copy_end_row(b)
               ? -1
               : 0;
}

#define DOC_WRITE_COLUMNS                                                                                           \
    "doc_kind, doc_id, fiscal_year, dept_code, project_code, title, state, round, holder_role, holder_code, "       \
    "due_date, submitted_by, submitted_from, next_step_acted, decision, alert_id, instruction_id, task_id, steps, " \
    "reminded_for, overdue_for"

static int flush_documents(dw_r_docs_t *self, dw_pg_t *pg)
{
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n = 0;
    for (size_t i = 0; i < self->n; i++) {
        if (!self->docs[i]->dirty)
            continue;
        if (copy_document(&rows, self->docs[i]) != 0) {
            dw_buf_free(&rows);
            return -1;
        }
        n++;
    }
    int rc = 0;
    if (n > 0) {
        /* a temporary table lives as long as the connection: created again after a reconnect */
        rc = dw_pg_exec(pg, "route",
                        "CREATE TEMP TABLE IF NOT EXISTS route_documents_in (doc_kind text, doc_id text, "
                        "fiscal_year int, dept_code text, project_code text, title text, state text, round int, "
                        "holder_role text, holder_code text, due_date date, submitted_by text, submitted_from text, "
                        "next_step_acted boolean, decision text, alert_id bigint, instruction_id bigint, "
                        "task_id bigint, steps int, reminded_for date, overdue_for date, closed boolean) "
                        "ON COMMIT DELETE ROWS",
                        0, NULL);
        if (rc == 0 &&
            dw_pg_copy(pg, "route", "COPY route_documents_in (" DOC_WRITE_COLUMNS ", closed) FROM STDIN", &rows) != n)
            rc = -1;
        if (rc == 0)
            rc = dw_pg_exec(
                pg, "route",
                "INSERT INTO documents (" DOC_WRITE_COLUMNS ", closed_at) SELECT " DOC_WRITE_COLUMNS
                ", CASE WHEN closed THEN now() END FROM route_documents_in "
                "ON CONFLICT (doc_kind, doc_id) DO UPDATE SET state = EXCLUDED.state, round = EXCLUDED.round, "
                "title = EXCLUDED.title, holder_role = EXCLUDED.holder_role, holder_code = EXCLUDED.holder_code, "
                "due_date = EXCLUDED.due_date, submitted_by = EXCLUDED.submitted_by, "
                "submitted_from = EXCLUDED.submitted_from, next_step_acted = EXCLUDED.next_step_acted, "
                "decision = EXCLUDED.decision, instruction_id = EXCLUDED.instruction_id, task_id = EXCLUDED.task_id, "
                "steps = EXCLUDED.steps, reminded_for = EXCLUDED.reminded_for, overdue_for = EXCLUDED.overdue_for, "
                "updated_at = now(), closed_at = CASE WHEN EXCLUDED.closed_at IS NULL THEN NULL "
                "ELSE coalesce(documents.closed_at, EXCLUDED.closed_at) END",
                0, NULL);
        if (rc == 0)
            rc = dw_pg_exec(pg, "route", "TRUNCATE route_documents_in", 0, NULL);
    }
    dw_buf_free(&rows);
    return rc;
}

/* A document closed in this batch closes every task still open on it (a
 * budget cut's task for 预算股 beside the case's own). */
static int close_tasks_of_closed(dw_r_docs_t *self, dw_pg_t *pg)
{
    dw_pg_array_t kinds = DW_PG_ARRAY_INIT, ids = DW_PG_ARRAY_INIT;
    int rc = 0;
    for (size_t i = 0; i < self->n && rc == 0; i++) {
        const dw_r_document_t *d = self->docs[i];
        if (d->dirty && d->closed)
            rc = dw_pg_array_text(&kinds, d->doc_kind) || dw_pg_array_text(&ids, d->doc_id) ? -1 : 0;
    }
    if (rc == 0 && kinds.n) {
        const char *k = dw_pg_array_literal(&kinds), *id = dw_pg_array_literal(&ids);
        const char *p[2] = {k, id};
        rc = k && id ? dw_pg_exec(pg, "route",
                                  "UPDATE tasks SET closed_at = now(), updated_at = now() "
                                  "FROM unnest($1::text[], $2::text[]) AS v (kind, id) "
                                  "WHERE tasks.doc_kind = v.kind AND tasks.doc_id = v.id AND tasks.closed_at IS NULL",
                                  2, p)
                     : -1;
    }
    dw_pg_array_free(&kinds);
    dw_pg_array_free(&ids);
    return rc;
}

int dw_r_docs_flush(dw_r_docs_t *self, dw_pg_t *pg)
{
    int rc = flush_documents(self, pg);
    if (rc == 0 && self->n_history &&
        dw_pg_copy(pg, "route",
                   "COPY document_history (doc_kind, doc_id, step_no, round, action, actor, section_code, role, "
                   "from_state, to_state, holder_code, due_date, title, opinion, comment, decision, upstream, "
                   "upstream_seq, as_of) FROM STDIN",
                   &self->history) != self->n_history)
        rc = -1;
    if (rc == 0 && self->n_tasks &&
        dw_pg_copy(pg, "route",
                   "COPY tasks (task_id, kind, section_code, dept_code, project_code, alert_id, state, due_date, "
                   "doc_kind, doc_id, summary) FROM STDIN",
                   &self->tasks) != self->n_tasks)
        rc = -1;
    if (rc == 0 && self->closed_ids.n) {
        const char *ids = dw_pg_array_literal(&self->closed_ids), *states = dw_pg_array_literal(&self->closed_states);
        const char *p[2] = {ids, states};
        rc = ids && states ? dw_pg_exec(pg, "route",
                                        "UPDATE tasks SET closed_at = now(), updated_at = now(), state = v.state "
                                        "FROM unnest($1::bigint[], $2::text[]) AS v (id, state) WHERE task_id = v.id",
                                        2, p)
                           : -1;
    }
    if (rc == 0)
        rc = close_tasks_of_closed(self, pg);
    if (rc == 0 && self->n_instructions &&
        dw_pg_copy(pg, "route",
                   "COPY treasury_instructions (instruction_id, fiscal_year, dept_code, project_code, action, reason, "
                   "doc_kind, doc_id, issued_on, ack_due) FROM STDIN",
                   &self->instructions) != self->n_instructions)
        rc = -1;
    if (rc == 0 && self->acked_ids.n) {
        const char *ids = dw_pg_array_literal(&self->acked_ids), *on = dw_pg_array_literal(&self->acked_on);
        const char *p[2] = {ids, on};
        rc = ids && on ? dw_pg_exec(pg, "route",
                                    "UPDATE treasury_instructions SET acked_on = v.acked FROM "
                                    "unnest($1::bigint[], $2::date[]) AS v (id, acked) "
                                    "WHERE instruction_id = v.id AND acked_on IS NULL",
                                    2, p)
                       : -1;
    }
    for (size_t i = 0; i < self->n; i++)
        self->docs[i]->dirty = false;
    reset_writes(self);
    return rc;
}
