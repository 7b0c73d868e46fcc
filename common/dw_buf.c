#include "dw_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dw_buf_reserve(dw_buf_t *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return -1;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int dw_buf_append(dw_buf_t *b, const void *p, size_t n)
{
    if (dw_buf_reserve(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int dw_buf_puts(dw_buf_t *b, const char *s)
{
    return dw_buf_append(b, s, strlen(s));
}

int dw_buf_printf(dw_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || dw_buf_reserve(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void dw_buf_reset(dw_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void dw_buf_free(dw_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int dw_buf_hex(dw_buf_t *b, const void *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    if (n > SIZE_MAX / 2 || dw_buf_reserve(b, n * 2) != 0)
        return -1;
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        b->data[b->len++] = digits[s[i] >> 4];
        b->data[b->len++] = digits[s[i] & 15];
    }
    b->data[b->len] = '\0';
    return 0;
}
