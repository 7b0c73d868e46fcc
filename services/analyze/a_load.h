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

/* The projects `codes[0..n_codes)` of fiscal_year (taken as given: a code
 * with nothing stored is a project with nothing), into out, which must not
 * hold them yet; payments and forms dated after as_of are
 * left out. 0, or -1 after logging. */
int dw_a_load_projects(dw_pg_t *pg, int fiscal_year, const char *const *codes, size_t n_codes, dw_date_t as_of,
                       dw_a_projects_t *out) __attribute__((warn_unused_result));

/* A project added to ps (initialised), or the one ps holds with that code; NULL when out of memory. */
dw_a_project_t *dw_a_projects_add(dw_a_projects_t *ps, int fiscal_year, const char *project_code);

/* The project of that code in out, or NULL. */
dw_a_project_t *dw_a_projects_find(dw_a_projects_t *ps, const char *project_code);
/* Empties ps, keeping its memory for the next load (a project is large:
 * fresh memory each batch is page faults). */
void dw_a_projects_reset(dw_a_projects_t *ps);
void dw_a_projects_free(dw_a_projects_t *ps);

#endif
