#include "dwctl_batch.h"

#include <stdlib.h>
#include <string.h>

struct dwctl_batch {
    dwctl_item_t *items;
    size_t n, cap;
};

dwctl_batch_t *dwctl_batch_new(void)
{
    return calloc(1, sizeof(dwctl_batch_t));
}

void dwctl_batch_destroy(dwctl_batch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_batch_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++) {
        free(self->items[i].where);
        free(self->items[i].id);
        dw_buf_free(&self->items[i].bytes);
    }
    free(self->items);
    free(self);
    *self_p = NULL;
}

int dwctl_batch_add(dwctl_batch_t *self, const char *where, const char *id, dw_buf_t *bytes)
{
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 256;
        dwctl_item_t *items = realloc(self->items, cap * sizeof *items);
        if (!items)
            goto fail;
        self->items = items;
        self->cap = cap;
    }
    dwctl_item_t *item = &self->items[self->n];
    item->where = strdup(where);
    item->id = strdup(id);
    if (!item->where || !item->id) {
        free(item->where);
        free(item->id);
        goto fail;
    }
    item->bytes = *bytes;
    *bytes = (dw_buf_t)DW_BUF_INIT;
    self->n++;
    return 0;
fail:
    dw_buf_free(bytes);
    return -1;
}

size_t dwctl_batch_count(const dwctl_batch_t *self)
{
    return self->n;
}

const dwctl_item_t *dwctl_batch_item(const dwctl_batch_t *self, size_t i)
{
    return &self->items[i];
}
