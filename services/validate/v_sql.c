#include "v_sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_pg.h"

int dw_v_strs_add(dw_v_strs_t *s, const char *v)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        size_t *offs = realloc(s->offs, cap * sizeof *offs);
        if (!offs)
            return -1;
        s->offs = offs;
        s->cap = cap;
    }
    size_t off = s->text.len;
    if (dw_buf_append(&s->text, v, strlen(v) + 1) != 0)
        return -1;
    s->offs[s->n++] = off;
    return 0;
}

int dw_v_strs_add_int(dw_v_strs_t *s, int64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, v);
    return dw_v_strs_add(s, text);
}

const char *dw_v_strs_at(const dw_v_strs_t *s, size_t i)
{
    return i < s->n ? s->text.data + s->offs[i] : NULL;
}

int dw_v_strs_literal(const dw_v_strs_t *s, dw_buf_t *out)
{
    const char **items = calloc(s->n ? s->n : 1, sizeof *items);
    if (!items)
        return -1;
    for (size_t i = 0; i < s->n; i++)
        items[i] = s->text.data + s->offs[i];
    dw_buf_reset(out);
    int rc = dw_pg_text_array(out, items, s->n);
    free(items);
    return rc;
}

void dw_v_strs_free(dw_v_strs_t *s)
{
    dw_buf_free(&s->text);
    free(s->offs);
    s->offs = NULL;
    s->n = s->cap = 0;
}

int dw_v_copy_opt(dw_buf_t *b, const char *v)
{
    return v ? dw_copy_text(b, v) : dw_copy_null(b);
}

int dw_v_copy_bool(dw_buf_t *b, bool v)
{
    return dw_copy_text(b, v ? "t" : "f");
}

int dw_v_copy_array(dw_buf_t *b, const char *const *items, size_t n)
{
    dw_buf_t lit = DW_BUF_INIT;
    int rc = dw_pg_text_array(&lit, items, n) != 0 ? -1 : dw_copy_text(b, lit.data);
    dw_buf_free(&lit);
    return rc;
}
