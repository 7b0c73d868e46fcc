#include "a_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_strmap.h"

struct dw_a_cache {
    dw_strmap_t *held; /* "year\x1fproject" -> dw_a_project_t * (malloc'd, compact), NULL when forgotten */
};

static void key_of(char *out, size_t n, int fiscal_year, const char *project_code)
{
    snprintf(out, n, "%d\x1f%s", fiscal_year, project_code);
}

dw_a_cache_t *dw_a_cache_new(void)
{
    dw_a_cache_t *self = calloc(1, sizeof *self);
    if (self && !(self->held = dw_strmap_new(sizeof(dw_a_project_t *)))) {
        free(self);
        self = NULL;
    }
    return self;
}

static void free_copy(void *ctx, const char *key, void *value)
{
    (void)ctx;
    (void)key;
    dw_a_project_t **copy = value;
    free(*copy);
    *copy = NULL;
}

void dw_a_cache_clear(dw_a_cache_t *self)
{
    dw_strmap_each(self->held, free_copy, NULL);
    dw_strmap_clear(self->held);
}

void dw_a_cache_destroy(dw_a_cache_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_a_cache_clear(*self_p);
    dw_strmap_destroy(&(*self_p)->held);
    free(*self_p);
    *self_p = NULL;
}

static dw_a_project_t *held(const dw_a_cache_t *self, int fiscal_year, const char *project_code)
{
    char key[128];
    key_of(key, sizeof key, fiscal_year, project_code);
    dw_a_project_t *const *copy = dw_strmap_get(self->held, key);
    return copy ? *copy : NULL;
}

bool dw_a_cache_get(const dw_a_cache_t *self, int fiscal_year, const char *project_code, dw_a_project_t *p)
{
    const dw_a_project_t *copy = held(self, fiscal_year, project_code);
    if (!copy)
        return false;
    memcpy(p, copy, dw_a_project_size(copy));
    return true;
}

int dw_a_cache_put(dw_a_cache_t *self, const dw_a_project_t *p)
{
    char key[128];
    key_of(key, sizeof key, p->fiscal_year, p->project_code);
    size_t size = dw_a_project_size(p);
    dw_a_project_t *copy = malloc(size);
    dw_a_project_t **slot = copy ? dw_strmap_put(self->held, key, NULL) : NULL;
    if (!slot) {
        free(copy);
        return -1;
    }
    memcpy(copy, p, size);
    free(*slot);
    *slot = copy;
    return 0;
}

void dw_a_cache_forget(dw_a_cache_t *self, int fiscal_year, const char *project_code)
{
    char key[128];
    key_of(key, sizeof key, fiscal_year, project_code);
    dw_a_project_t **slot = dw_strmap_get(self->held, key);
    if (slot) {
        free(*slot);
        *slot = NULL; /* the map has no removal: an empty slot reads as not held */
    }
}

void dw_a_cache_add_paid(dw_a_cache_t *self, int fiscal_year, const char *project_code, const dw_a_paid_delta_t *d)
{
    dw_a_project_t *p = held(self, fiscal_year, project_code);
    if (!p || d->month < 1 || d->month > 12)
        return;
    p->paid_by_month[d->month] += d->paid_fen;
    p->reversed_by_month[d->month] += d->reversed_fen;
    p->no_budget_fen += d->no_budget_fen;
    p->on_hold_fen += d->on_hold_fen;
    p->econ_mismatch_fen += d->econ_mismatch_fen;
    p->has_payment = p->has_payment || d->payments > 0;
    dw_a_project_paid_total(p);
}
