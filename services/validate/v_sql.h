/* dw_v_sql — the small pieces every dw-validate run needs to talk to
 * PostgreSQL in a handful of statements per batch: a list of keys passed as
 * one text[] parameter (for unnest / ANY), and COPY fields that may be absent. */
#ifndef DW_V_SQL_H
#define DW_V_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_buf.h"

/* A list of strings, copied in; handed to a statement as a text[] literal. */
typedef struct dw_v_strs {
    dw_buf_t text; /* the strings, each NUL-terminated */
    size_t *offs;
    size_t n, cap;
} dw_v_strs_t;

#define DW_V_STRS_INIT           \
    {                            \
        {NULL, 0, 0}, NULL, 0, 0 \
    }

int dw_v_strs_add(dw_v_strs_t *s, const char *v) __attribute__((warn_unused_result));
int dw_v_strs_add_int(dw_v_strs_t *s, int64_t v) __attribute__((warn_unused_result));
const char *dw_v_strs_at(const dw_v_strs_t *s, size_t i);
/* Writes the list as a text[] literal into out (replacing its content). */
int dw_v_strs_literal(const dw_v_strs_t *s, dw_buf_t *out) __attribute__((warn_unused_result));
void dw_v_strs_free(dw_v_strs_t *s);

/* COPY text fields: NULL when v is NULL; "t"/"f"; a text[] of n items. */
int dw_v_copy_opt(dw_buf_t *b, const char *v) __attribute__((warn_unused_result));
int dw_v_copy_bool(dw_buf_t *b, bool v) __attribute__((warn_unused_result));
int dw_v_copy_array(dw_buf_t *b, const char *const *items, size_t n) __attribute__((warn_unused_result));

#endif
