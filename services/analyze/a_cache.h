/* dw_a_cache — the projects dw-analyze has loaded, kept in memory for the
 * next batches: a payment changes only a project's payments, which the
 * cache takes as a delta; a budget change, a declaration, a form or a
 * self-evaluation makes the project be read from the database again. So a
 * batch of payments costs no query per project.
 *
 * Valid for one "counted until" date (payments dated after it are not in the
 * copies): the owner clears it when that date moves, and after a rollback
 * (what was counted may not have been stored). Copies are compact: the
 * indicators a project has, not the slots it could have. */
#ifndef DW_A_CACHE_H
#define DW_A_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "a_project.h"

typedef struct dw_a_cache dw_a_cache_t;

dw_a_cache_t *dw_a_cache_new(void);
void dw_a_cache_destroy(dw_a_cache_t **self_p);
void dw_a_cache_clear(dw_a_cache_t *self);

/* Copies the held project into p; false when not held. */
bool dw_a_cache_get(const dw_a_cache_t *self, int fiscal_year, const char *project_code, dw_a_project_t *p);
/* Holds a copy of p (replacing one held). 0, or -1 when out of memory. */
int dw_a_cache_put(dw_a_cache_t *self, const dw_a_project_t *p) __attribute__((warn_unused_result));
/* Lets go of the project: it is read again when next needed. */
void dw_a_cache_forget(dw_a_cache_t *self, int fiscal_year, const char *project_code);

/* One day's payments of a project (paid, reversed, and what was paid under
 * each flag), added to the copy when it is held. */
typedef struct dw_a_paid_delta {
    int month;
    int64_t paid_fen, reversed_fen, no_budget_fen, on_hold_fen, econ_mismatch_fen;
    int64_t payments;
} dw_a_paid_delta_t;

void dw_a_cache_add_paid(dw_a_cache_t *self, int fiscal_year, const char *project_code, const dw_a_paid_delta_t *d);

#endif
