/* dwctl_batch — the messages a send run has built and encoded, in input
 * order, each with where it came from (file:line) for every report. */
#ifndef DWCTL_BATCH_H
#define DWCTL_BATCH_H

#include <stddef.h>

#include "dw_buf.h"

typedef struct dwctl_item {
    char *where;    /* "sample.yaml:42" (owned) */
    char *id;       /* the envelope id, the key acks are matched by (owned) */
    dw_buf_t bytes; /* the encoded message (owned) */
} dwctl_item_t;

typedef struct dwctl_batch dwctl_batch_t;

dwctl_batch_t *dwctl_batch_new(void);
void dwctl_batch_destroy(dwctl_batch_t **self_p);

/* Appends an item; takes bytes (the caller's buffer is left empty). Returns 0
 * or -1 when memory is exhausted (bytes are then freed). */
int dwctl_batch_add(dwctl_batch_t *self, const char *where, const char *id, dw_buf_t *bytes)
    __attribute__((warn_unused_result));
size_t dwctl_batch_count(const dwctl_batch_t *self);
/* Borrowed; i < count. */
const dwctl_item_t *dwctl_batch_item(const dwctl_batch_t *self, size_t i);

#endif
