#include "v_ref.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_strmap.h"
#include "v_batch.h"
#include "v_sql.h"

typedef struct code_value {
    char code[72]; /* dept codes are at most 32 bytes in the contract */
} code_value_t;

struct dw_v_ref {
    dw_strmap_t *depts;    /* dept_code -> (present) */
    dw_strmap_t *units;    /* unit_code -> dept */
    dw_strmap_t *projects; /* year \x1f project -> dept */
    dw_strmap_t *targets;  /* year \x1f project -> dw_v_target_t * */
    dw_v_target_t **all;   /* every target allocated, for destroy */
    size_t n_all, cap_all;
};

static void project_key(char *out, size_t n, int64_t fiscal_year, const char *project_code)
{
    snprintf(out, n, "%" PRId64 "\x1f%s", fiscal_year, project_code);
}

static void target_free(dw_v_target_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->codes[i]);
        free(t->operators[i]);
    }
    free(t->codes);
    free(t->operators);
    free(t);
}

dw_v_ref_t *dw_v_ref_new(void)
{
    dw_v_ref_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->depts = dw_strmap_new(1);
    self->units = dw_strmap_new(sizeof(code_value_t));
    self->projects = dw_strmap_new(sizeof(code_value_t));
    self->targets = dw_strmap_new(sizeof(dw_v_target_t *));
    if (!self->depts || !self->units || !self->projects || !self->targets)
        dw_v_ref_destroy(&self);
    return self;
}

void dw_v_ref_destroy(dw_v_ref_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_v_ref_t *self = *self_p;
    dw_strmap_destroy(&self->depts);
    dw_strmap_destroy(&self->units);
    dw_strmap_destroy(&self->projects);
    dw_strmap_destroy(&self->targets);
    for (size_t i = 0; i < self->n_all; i++)
        target_free(self->all[i]);
    free(self->all);
    free(self);
    *self_p = NULL;
}

static int set_code(dw_strmap_t *map, const char *key, const char *code)
{
    code_value_t *v = dw_strmap_put(map, key, NULL);
    if (!v)
        return -1;
    snprintf(v->code, sizeof v->code, "%s", code);
    return 0;
}

int dw_v_ref_set_dept(dw_v_ref_t *self, const char *dept_code)
{
    return dw_strmap_put(self->depts, dept_code, NULL) ? 0 : -1;
}

int dw_v_ref_set_unit(dw_v_ref_t *self, const char *unit_code, const char *dept_code)
{
    return set_code(self->units, unit_code, dept_code);
}

int dw_v_ref_set_project(dw_v_ref_t *self, int64_t fiscal_year, const char *project_code, const char *dept_code)
{
    char key[128];
    project_key(key, sizeof key, fiscal_year, project_code);
    return set_code(self->projects, key, dept_code);
}

bool dw_v_ref_dept_known(const dw_v_ref_t *self, const char *dept_code)
{
    return dw_strmap_get(self->depts, dept_code) != NULL;
}

const char *dw_v_ref_unit_dept(const dw_v_ref_t *self, const char *unit_code)
{
    const code_value_t *v = dw_strmap_get(self->units, unit_code);
    return v ? v->code : NULL;
}

const char *dw_v_ref_project_dept(const dw_v_ref_t *self, int64_t fiscal_year, const char *project_code)
{
    char key[128];
    project_key(key, sizeof key, fiscal_year, project_code);
    const code_value_t *v = dw_strmap_get(self->projects, key);
    return v ? v->code : NULL;
}

const dw_v_target_t *dw_v_ref_target(const dw_v_ref_t *self, int64_t fiscal_year, const char *project_code)
{
    char key[128];
    project_key(key, sizeof key, fiscal_year, project_code);
    dw_v_target_t *const *t = dw_strmap_get(self->targets, key);
    return t ? *t : NULL;
}

/* A new empty target for the project, made current. */
static dw_v_target_t *new_target(dw_v_ref_t *self, int64_t fiscal_year, const char *project_code, int64_t version)
{
    if (self->n_all == self->cap_all) {
        size_t cap = self->cap_all ? self->cap_all * 2 : 16;
        dw_v_target_t **all = realloc(self->all, cap * sizeof *all);
        if (!all)
            return NULL;
        self->all = all;
        self->cap_all = cap;
    }
    dw_v_target_t *t = calloc(1, sizeof *t);
    char key[128];
    project_key(key, sizeof key, fiscal_year, project_code);
    dw_v_target_t **slot = t ? dw_strmap_put(self->targets, key, NULL) : NULL;
    if (!slot) {
        free(t);
        return NULL;
    }
    t->version = version;
    *slot = t;
    self->all[self->n_all++] = t;
    return t;
}

static int target_add(dw_v_target_t *t, const char *code, const char *op)
{
    char **codes = realloc(t->codes, (t->n + 1) * sizeof *codes);
    if (!codes)
        return -1;
    t->codes = codes;
    char **ops = realloc(t->operators, (t->n + 1) * sizeof *ops);
    if (!ops)
        return -1;
    t->operators = ops;
    char *c = strdup(code), *o = strdup(op);
    if (!c || !o) {
        free(c);
        free(o);
        return -1;
    }
    t->codes[t->n] = c;
    t->operators[t->n++] = o;
    return 0;
}

int dw_v_ref_set_target(dw_v_ref_t *self, const dw_obj_t *d)
{
    dw_v_target_t *t =
        new_target(self, dw_v_int(d, "fiscal_year"), dw_v_str(d, "project_code"), dw_v_int(d, "version"));
    if (!t)
        return -1;
    for (size_t i = 0; i < dw_obj_count(d, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(d, "indicators", i);
        if (target_add(t, dw_v_str(it, "code"), dw_v_str(it, "operator")) != 0)
            return -1;
    }
    return 0;
}

static int load_codes(dw_strmap_t *map, dw_pg_t *pg, const char *sql, int nparams, const char *const *params,
                      bool project)
{
    PGresult *res = dw_pg_query(pg, "validate", sql, nparams, params);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        if (project) {
            char key[128];
            project_key(key, sizeof key, dw_pg_int(res, r, 0), PQgetvalue(res, r, 1));
            rc = set_code(map, key, PQgetvalue(res, r, 2));
        } else if (map) {
            rc = set_code(map, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1));
        }
    }
    PQclear(res);
    return rc;
}

int dw_v_ref_load(dw_v_ref_t *self, dw_pg_t *pg, dw_msg_t *const *msgs, size_t n, unsigned what)
{
    dw_v_strs_t depts = DW_V_STRS_INIT, units = DW_V_STRS_INIT, years = DW_V_STRS_INIT, codes = DW_V_STRS_INIT;
    dw_buf_t a1 = DW_BUF_INIT, a2 = DW_BUF_INIT;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        if (!msgs[i])
            continue;
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        const char *dept = dw_obj_str(b, "dept_code"), *unit = dw_obj_str(b, "unit_code");
        const char *project = dw_obj_str(b, "project_code");
        if ((dept && dw_v_strs_add(&depts, dept)) || (unit && dw_v_strs_add(&units, unit)))
            goto out;
        if (project && (dw_v_strs_add_int(&years, dw_v_int(b, "fiscal_year")) || dw_v_strs_add(&codes, project)))
            goto out;
    }
    if ((what & DW_V_REF_DEPTS) && depts.n) {
        if (dw_v_strs_literal(&depts, &a1))
            goto out;
        const char *p[1] = {a1.data};
        PGresult *res =
            dw_pg_query(pg, "validate", "SELECT dept_code FROM departments WHERE dept_code = ANY($1::text[])", 1, p);
        if (!res)
            goto out;
        for (int r = 0; r < PQntuples(res); r++)
            if (dw_v_ref_set_dept(self, PQgetvalue(res, r, 0)) != 0) {
                PQclear(res);
                goto out;
            }
        PQclear(res);
    }
    if ((what & DW_V_REF_UNITS) && units.n) {
        if (dw_v_strs_literal(&units, &a1))
            goto out;
        const char *p[1] = {a1.data};
        if (load_codes(self->units, pg, "SELECT unit_code, dept_code FROM units WHERE unit_code = ANY($1::text[])", 1,
                       p, false) != 0)
            goto out;
    }
    if ((what & (DW_V_REF_PROJECTS | DW_V_REF_TARGETS)) && codes.n) {
        if (dw_v_strs_literal(&years, &a1) || dw_v_strs_literal(&codes, &a2))
            goto out;
        const char *p[2] = {a1.data, a2.data};
        if ((what & DW_V_REF_PROJECTS) &&
            load_codes(self->projects, pg,
                       "SELECT x.fiscal_year, x.project_code, x.dept_code FROM projects x "
                       "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS p(fiscal_year, project_code) "
                       "USING (fiscal_year, project_code)",
                       2, p, true) != 0)
            goto out;
        if (what & DW_V_REF_TARGETS) {
            PGresult *res = dw_pg_query(
                pg, "validate",
                "WITH p (fiscal_year, project_code) AS (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])), "
                "cur AS (SELECT fiscal_year, project_code, max(version) AS version FROM target_declarations "
                "JOIN p USING (fiscal_year, project_code) GROUP BY 1, 2) "
                "SELECT c.fiscal_year, c.project_code, c.version, i.code, i.operator FROM cur c "
                "LEFT JOIN target_indicators i USING (fiscal_year, project_code, version) "
                "ORDER BY 1, 2, i.item",
                2, p);
            if (!res)
                goto out;
            dw_v_target_t *t = NULL;
            int bad = 0;
            for (int r = 0; r < PQntuples(res) && !bad; r++) {
                int64_t year = dw_pg_int(res, r, 0);
                const char *project = PQgetvalue(res, r, 1);
                if (!t || dw_v_ref_target(self, year, project) != t)
                    bad = !(t = new_target(self, year, project, dw_pg_int(res, r, 2)));
                if (!bad && !PQgetisnull(res, r, 3))
                    bad = target_add(t, PQgetvalue(res, r, 3), PQgetvalue(res, r, 4));
            }
            PQclear(res);
            if (bad)
                goto out;
        }
    }
    rc = 0;
out:
    dw_v_strs_free(&depts);
    dw_v_strs_free(&units);
    dw_v_strs_free(&years);
    dw_v_strs_free(&codes);
    dw_buf_free(&a1);
    dw_buf_free(&a2);
    return rc;
}
