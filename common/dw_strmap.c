#include "dw_strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Open addressing with linear probing; a slot is [hash][key*][value]. */
typedef struct slot {
    uint64_t hash;
    char *key; /* NULL: empty */
} slot_t;

struct dw_strmap {
    size_t value_size;
    size_t stride; /* sizeof(slot_t) + value_size, aligned */
    size_t cap;    /* a power of two */
    size_t size;
    unsigned char *slots;
};

static uint64_t hash_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static slot_t *slot_at(const dw_strmap_t *m, size_t i)
{
    return (slot_t *)(m->slots + i * m->stride);
}

dw_strmap_t *dw_strmap_new(size_t value_size)
{
    dw_strmap_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->value_size = value_size;
    self->stride = (sizeof(slot_t) + value_size + 15) & ~(size_t)15;
    self->cap = 64;
    self->slots = calloc(self->cap, self->stride);
    if (!self->slots) {
        free(self);
        return NULL;
    }
    return self;
}

void dw_strmap_clear(dw_strmap_t *self)
{
    for (size_t i = 0; i < self->cap; i++) {
        slot_t *s = slot_at(self, i);
        free(s->key);
    }
    memset(self->slots, 0, self->cap * self->stride);
    self->size = 0;
}

void dw_strmap_destroy(dw_strmap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_strmap_clear(*self_p);
    free((*self_p)->slots);
    free(*self_p);
    *self_p = NULL;
}

size_t dw_strmap_size(const dw_strmap_t *self)
{
    return self->size;
}

static slot_t *find(const dw_strmap_t *self, const char *key, uint64_t h)
{
    for (size_t i = h & (self->cap - 1);; i = (i + 1) & (self->cap - 1)) {
        slot_t *s = slot_at(self, i);
        if (!s->key || (s->hash == h && strcmp(s->key, key) == 0))
            return s;
    }
}

void *dw_strmap_get(const dw_strmap_t *self, const char *key)
{
    slot_t *s = find(self, key, hash_of(key));
    return s->key ? (void *)(s + 1) : NULL;
}

static int grow(dw_strmap_t *self)
{
    dw_strmap_t bigger = *self;
    bigger.cap = self->cap * 2;
    bigger.slots = calloc(bigger.cap, bigger.stride);
    if (!bigger.slots)
        return -1;
    for (size_t i = 0; i < self->cap; i++) {
        slot_t *s = slot_at(self, i);
        if (s->key)
            memcpy(find(&bigger, s->key, s->hash), s, self->stride);
    }
    free(self->slots);
    self->slots = bigger.slots;
    self->cap = bigger.cap;
    return 0;
}

void *dw_strmap_put(dw_strmap_t *self, const char *key, bool *created)
{
    uint64_t h = hash_of(key);
    slot_t *s = find(self, key, h);
    if (s->key) {
        if (created)
            *created = false;
        return s + 1;
    }
    /* keep the load under 1/2 so probes stay short */
    if ((self->size + 1) * 2 > self->cap) {
        if (grow(self) != 0)
            return NULL;
        s = find(self, key, h);
    }
    s->key = strdup(key);
    if (!s->key)
        return NULL;
    s->hash = h;
    memset(s + 1, 0, self->value_size);
    self->size++;
    if (created)
        *created = true;
    return s + 1;
}

void dw_strmap_each(dw_strmap_t *self, void (*fn)(void *ctx, const char *key, void *value), void *ctx)
{
    for (size_t i = 0; i < self->cap; i++) {
        slot_t *s = slot_at(self, i);
        if (s->key)
            fn(ctx, s->key, s + 1);
    }
}
