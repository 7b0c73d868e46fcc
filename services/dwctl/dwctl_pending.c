#include "dwctl_pending.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    const char *id;
    size_t index;
    struct entry *next;
} entry_t;

struct dwctl_pending {
    entry_t **buckets; /* chains keep insertion order: oldest first */
    size_t n_buckets;  /* a power of two */
    size_t count;
};

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

dwctl_pending_t *dwctl_pending_new(size_t hint)
{
    dwctl_pending_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->n_buckets = 64;
    while (self->n_buckets < hint * 2 && self->n_buckets < ((size_t)1 << 24))
        self->n_buckets *= 2;
    self->buckets = calloc(self->n_buckets, sizeof *self->buckets);
    if (!self->buckets) {
        free(self);
        return NULL;
    }
    return self;
}

void dwctl_pending_destroy(dwctl_pending_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_pending_t *self = *self_p;
    for (size_t i = 0; i < self->n_buckets; i++)
        for (entry_t *e = self->buckets[i], *next; e; e = next) {
            next = e->next;
            free(e);
        }
    free(self->buckets);
    free(self);
    *self_p = NULL;
}

int dwctl_pending_put(dwctl_pending_t *self, const char *id, size_t index)
{
    entry_t *e = malloc(sizeof *e);
    if (!e)
        return -1;
    *e = (entry_t){.id = id, .index = index, .next = NULL};
    entry_t **p = &self->buckets[hash(id) & (self->n_buckets - 1)];
    while (*p)
        p = &(*p)->next;
    *p = e;
    self->count++;
    return 0;
}

bool dwctl_pending_take(dwctl_pending_t *self, const char *id, size_t *index)
{
    for (entry_t **p = &self->buckets[hash(id) & (self->n_buckets - 1)]; *p; p = &(*p)->next) {
        if (strcmp((*p)->id, id) != 0)
            continue;
        entry_t *e = *p;
        *p = e->next;
        *index = e->index;
        free(e);
        self->count--;
        return true;
    }
    return false;
}

size_t dwctl_pending_count(const dwctl_pending_t *self)
{
    return self->count;
}
