/* dw_a_load — project snapshots (a_project.h) read from the database for an
 * as-of date: budget lines summed by source, payments less reversals by
 * month up to that date (project_days), the current target declaration's
 * indicators, and the latest monitoring form submitted by then with its
 * indicator values. Four statements for any number of projects. */
#ifndef DW_A_LOAD_H
#define DW_A_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a_project.h"
#include "dw_pg.h"
#include "dw_strmap.h"

typedef struct dw_a_projects {
    dw_a_project_t *items;
    size_t n, cap;
    dw_strmap_t *index; /* project_code -> size_t position in items */
} dw_a_projects_t;

#define DW_A_PROJECTS_INIT \
    {                      \
        NULL, 0, 0, NULL   \
    }

/* What dw-analyze keeps in memory of a project's payments (reading
 * project_days for every project of every batch is what would cost most):
 * a strmap of these under dw_a_paid_key, valid for one as-of date. */
typedef struct dw_a_paid {
    int64_t paid_by_month[13], reversed_by_month[13]; /* [0] unused */
    int64_t no_budget_fen, on_hold_fen, econ_mismatch_fen;
    bool has_payment;
    char dept_code[40];
} dw_a_paid_t;

void dw_a_paid_key(char *out, size_t n, int fiscal_year, const char *project_code);

/* The projects `codes[0..n_codes)` of fiscal_year (taken as given: a code
 * with nothing stored is a project with nothing), or every project the year
 * knows of — budget, payments, targets or forms — when codes is NULL, into
 * out, which must not hold them yet; payments and forms dated after as_of are
 * left out. paid (NULL: none) is the cache of payments by month for that
 * as-of date: used where it holds a project, filled where not. 0, or -1
 * after logging. */
int dw_a_load_projects(dw_pg_t *pg, int fiscal_year, const char *const *codes, size_t n_codes, dw_date_t as_of,
                       dw_strmap_t *paid, dw_a_projects_t *out) __attribute__((warn_unused_result));

/* The project of that code in out, or NULL. */
dw_a_project_t *dw_a_projects_find(dw_a_projects_t *ps, const char *project_code);
void dw_a_projects_free(dw_a_projects_t *ps);

#endif
