/* dw_buf — a growable byte buffer (owned memory, explicit length). */
#ifndef DW_BUF_H
#define DW_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct dw_buf {
    char *data; /* owned; NUL-terminated after every append for convenience */
    size_t len;
    size_t cap;
} dw_buf_t;

#define DW_BUF_INIT \
    {               \
        NULL, 0, 0  \
    }

/* All return 0, or -1 when memory is exhausted (the buffer is unchanged). */
int dw_buf_reserve(dw_buf_t *b, size_t extra) __attribute__((warn_unused_result));
int dw_buf_append(dw_buf_t *b, const void *p, size_t n) __attribute__((warn_unused_result));
int dw_buf_puts(dw_buf_t *b, const char *s) __attribute__((warn_unused_result));
int dw_buf_printf(dw_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3), warn_unused_result));
void dw_buf_reset(dw_buf_t *b); /* len = 0, keeps memory */
void dw_buf_free(dw_buf_t *b);  /* frees and zeroes */

/* Lower-case hex of p[0..n) appended to b. */
int dw_buf_hex(dw_buf_t *b, const void *p, size_t n) __attribute__((warn_unused_result));

#endif
