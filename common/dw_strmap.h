/* dw_strmap — a hash map from text keys to fixed-size values, for the
 * per-batch and per-process lookups of the services (a project's position, a
 * voucher seen in this batch) that must not be linear scans.
 *
 * Keys are copied; each value is a zero-filled slot of value_size bytes that
 * the map owns and hands out by pointer (valid until the next put or clear). */
#ifndef DW_STRMAP_H
#define DW_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dw_strmap dw_strmap_t;

dw_strmap_t *dw_strmap_new(size_t value_size);
void dw_strmap_destroy(dw_strmap_t **self_p);

/* The value of key, or NULL. */
void *dw_strmap_get(const dw_strmap_t *self, const char *key);
/* The value of key, created zero-filled if absent (*created says which);
 * NULL when memory is exhausted. */
void *dw_strmap_put(dw_strmap_t *self, const char *key, bool *created);
/* Forgets every key (keeps the memory). */
void dw_strmap_clear(dw_strmap_t *self);
size_t dw_strmap_size(const dw_strmap_t *self);
/* Calls fn for every key and its value, in no particular order; fn must not put or clear. */
void dw_strmap_each(dw_strmap_t *self, void (*fn)(void *ctx, const char *key, void *value), void *ctx);

#endif
