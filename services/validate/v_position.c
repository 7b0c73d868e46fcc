#include "v_position.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_strmap.h"

struct dw_v_positions {
    dw_strmap_t *map;        /* project_code \x1f fiscal_year -> dw_v_position_t */
    dw_strmap_t *econ_lists; /* fiscal_year \x1f project_code -> econ_list_t (held: its codes are loaded) */
    dw_strmap_t *econ_codes; /* fiscal_year \x1f project_code \x1f economic_code -> present */
};

typedef struct econ_list {
    char text[200];
} econ_list_t;

static void econ_key(char *out, size_t n, int64_t fiscal_year, const char *project_code)
{
    snprintf(out, n, "%" PRId64 "\x1f%s", fiscal_year, project_code);
}

static void key_of(char *out, size_t n, const char *project_code, int64_t fiscal_year)
{
    snprintf(out, n, "%s\x1f%" PRId64, project_code, fiscal_year);
}

dw_v_positions_t *dw_v_positions_new(void)
{
    dw_v_positions_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->map = dw_strmap_new(sizeof(dw_v_position_t));
    self->econ_lists = dw_strmap_new(sizeof(econ_list_t));
    self->econ_codes = dw_strmap_new(1);
    if (!self->map || !self->econ_lists || !self->econ_codes)
        dw_v_positions_destroy(&self);
    return self;
}

void dw_v_positions_destroy(dw_v_positions_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_strmap_destroy(&(*self_p)->map);
    dw_strmap_destroy(&(*self_p)->econ_lists);
    dw_strmap_destroy(&(*self_p)->econ_codes);
    free(*self_p);
    *self_p = NULL;
}

void dw_v_positions_clear(dw_v_positions_t *self)
{
    dw_strmap_clear(self->map);
    dw_v_positions_forget_economic(self);
}

void dw_v_positions_forget_economic(dw_v_positions_t *self)
{
    dw_strmap_clear(self->econ_lists);
    dw_strmap_clear(self->econ_codes);
}

bool dw_v_positions_economic_listed(const dw_v_positions_t *self, int64_t fiscal_year, const char *project_code,
                                    const char *code)
{
    char key[256];
    econ_key(key, sizeof key, fiscal_year, project_code);
    size_t len = strlen(key);
    snprintf(key + len, sizeof key - len, "\x1f%s", code);
    return dw_strmap_get(self->econ_codes, key) != NULL;
}

const char *dw_v_positions_economic_list(const dw_v_positions_t *self, int64_t fiscal_year, const char *project_code)
{
    char key[128];
    econ_key(key, sizeof key, fiscal_year, project_code);
    const econ_list_t *l = dw_strmap_get(self->econ_lists, key);
    return l ? l->text : "";
}

/* The economic codes of the projects (years, codes) not held yet: one statement. */
static int load_economic(dw_v_positions_t *self, dw_pg_t *pg, const dw_v_strs_t *years, const dw_v_strs_t *codes)
{
    dw_v_strs_t my = DW_V_STRS_INIT, mc = DW_V_STRS_INIT;
    dw_buf_t a1 = DW_BUF_INIT, a2 = DW_BUF_INIT;
    int rc = -1;
    for (size_t i = 0; i < codes->n; i++) {
        char key[128];
        econ_key(key, sizeof key, strtoll(dw_v_strs_at(years, i), NULL, 10), dw_v_strs_at(codes, i));
        bool created = false;
        if (!dw_strmap_put(self->econ_lists, key, &created))
            goto out;
        if (created && (dw_v_strs_add(&my, dw_v_strs_at(years, i)) || dw_v_strs_add(&mc, dw_v_strs_at(codes, i))))
            goto out;
    }
    rc = 0;
    if (mc.n == 0)
        goto out;
    rc = -1;
    if (dw_v_strs_literal(&my, &a1) || dw_v_strs_literal(&mc, &a2))
        goto out;
    const char *p[2] = {a1.data, a2.data};
    PGresult *res = dw_pg_query(pg, "validate",
                                "SELECT DISTINCT l.fiscal_year, l.project_code, l.economic_code FROM budget_lines l "
                                "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS p(fiscal_year, "
                                "project_code) USING (fiscal_year, project_code) ORDER BY 1, 2, 3",
                                2, p);
    if (!res)
        goto out;
    rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char pkey[128], ckey[256];
        econ_key(pkey, sizeof pkey, dw_pg_int(res, r, 0), PQgetvalue(res, r, 1));
        snprintf(ckey, sizeof ckey, "%s\x1f%s", pkey, PQgetvalue(res, r, 2));
        econ_list_t *l = dw_strmap_put(self->econ_lists, pkey, NULL);
        if (!l || !dw_strmap_put(self->econ_codes, ckey, NULL)) {
            rc = -1;
            break;
        }
        l = dw_strmap_get(self->econ_lists, pkey); /* the put of the code may not move it, but is not promised */
        size_t len = strlen(l->text);
        if (len + 16 < sizeof l->text)
            snprintf(l->text + len, sizeof l->text - len, "%s%s", len ? "、" : "", PQgetvalue(res, r, 2));
        else if (!strstr(l->text, "…"))
            snprintf(l->text + len, sizeof l->text - len, "、…");
    }
    PQclear(res);
out:
    if (rc != 0)
        dw_v_positions_forget_economic(self);
    dw_v_strs_free(&my);
    dw_v_strs_free(&mc);
    dw_buf_free(&a1);
    dw_buf_free(&a2);
    return rc;
}

dw_v_position_t *dw_v_positions_get(dw_v_positions_t *self, const char *project_code, int64_t fiscal_year)
{
    char key[128];
    key_of(key, sizeof key, project_code, fiscal_year);
    return dw_strmap_get(self->map, key);
}

int dw_v_positions_load(dw_v_positions_t *self, dw_pg_t *pg, const dw_v_strs_t *years, const dw_v_strs_t *codes)
{
    dw_v_strs_t my = DW_V_STRS_INIT, mc = DW_V_STRS_INIT;
    dw_buf_t a1 = DW_BUF_INIT, a2 = DW_BUF_INIT;
    int rc = -1;
    for (size_t i = 0; i < codes->n; i++) {
        char key[128];
        key_of(key, sizeof key, dw_v_strs_at(codes, i), strtoll(dw_v_strs_at(years, i), NULL, 10));
        bool created = false;
        if (!dw_strmap_put(self->map, key, &created))
            goto out;
        if (created && (dw_v_strs_add(&my, dw_v_strs_at(years, i)) || dw_v_strs_add(&mc, dw_v_strs_at(codes, i))))
            goto out;
    }
    if (mc.n == 0) {
        rc = load_economic(self, pg, years, codes);
        goto out;
    }
    if (dw_v_strs_literal(&my, &a1) || dw_v_strs_literal(&mc, &a2))
        goto out;
    const char *params[2] = {a1.data, a2.data};
    static const char *const sql[2] = {
        "SELECT l.project_code, l.fiscal_year, sum(l.current_fen), count(*) FROM budget_lines l "
        "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS p(fiscal_year, project_code) "
        "USING (fiscal_year, project_code) GROUP BY 1, 2",
        /* what was paid: payments minus reversals (copied from the original's project) */
        "WITH p (fiscal_year, project_code) AS (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) "
        "SELECT project_code, fiscal_year, sum(amount_fen) FROM ("
        "SELECT x.project_code, x.fiscal_year, x.amount_fen FROM payments x JOIN p USING (fiscal_year, project_code) "
        "UNION ALL SELECT r.project_code, r.fiscal_year, -r.amount_fen FROM reversals r "
        "JOIN p USING (fiscal_year, project_code)) t GROUP BY 1, 2",
    };
    for (int q = 0; q < 2; q++) {
        PGresult *res = dw_pg_query(pg, "validate", sql[q], 2, params);
        if (!res)
            goto out;
        for (int r = 0; r < PQntuples(res); r++) {
            dw_v_position_t *p = dw_v_positions_get(self, PQgetvalue(res, r, 0), dw_pg_int(res, r, 1));
            if (!p)
                continue;
            if (q == 0) {
                p->budget_fen = dw_pg_int(res, r, 2);
                p->n_lines = dw_pg_int(res, r, 3);
            } else {
                p->paid_fen = dw_pg_int(res, r, 2);
            }
        }
        PQclear(res);
    }
    rc = load_economic(self, pg, years, codes);
out:
    dw_v_strs_free(&my);
    dw_v_strs_free(&mc);
    dw_buf_free(&a1);
    dw_buf_free(&a2);
    return rc;
}
