/* dw_pg — PostgreSQL the way dualwatch uses it: one connection per service,
 * parameterised statements only, batch writes through COPY.
 *
 * A connection failure at start is retried for a configured time, then
 * reported with the cause and a hint. search_path is pinned at connect. */
#ifndef DW_PG_H
#define DW_PG_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_buf.h"

typedef struct dw_pg dw_pg_t;

/* Connects, retrying for up to retry_s seconds; NULL (logged, with a hint)
 * when it never succeeded. app_name shows in pg_stat_activity. */
dw_pg_t *dw_pg_connect(const char *conninfo, int retry_s, const char *app_name);
void dw_pg_destroy(dw_pg_t **self_p);
PGconn *dw_pg_conn(dw_pg_t *self);

/* After a failed statement: true if the connection itself is gone, in which
 * case dw_pg_reconnect tries once more (0 on success). */
bool dw_pg_broken(dw_pg_t *self);
int dw_pg_reconnect(dw_pg_t *self) __attribute__((warn_unused_result));

/* A statement with text parameters (NULL = SQL NULL). Returns the result when
 * its status is PGRES_COMMAND_OK or PGRES_TUPLES_OK, else NULL after logging
 * the server's message with `what`. The caller PQclear()s the result. */
PGresult *dw_pg_query(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values);
/* The same, for statements whose rows are not needed: 0 or -1. */
int dw_pg_exec(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values)
    __attribute__((warn_unused_result));

int dw_pg_begin(dw_pg_t *self) __attribute__((warn_unused_result));
int dw_pg_commit(dw_pg_t *self) __attribute__((warn_unused_result));
void dw_pg_rollback(dw_pg_t *self); /* best effort: the caller is already failing */

/* COPY ... FROM STDIN (text format) with rows built by the dw_copy_* helpers.
 * Returns the number of rows copied, or -1. */
int64_t dw_pg_copy(dw_pg_t *self, const char *what, const char *copy_sql, const dw_buf_t *rows)
    __attribute__((warn_unused_result));

/* Row building for COPY text format: each field appends its value and a tab;
 * dw_copy_end_row turns the last tab into a newline. */
int dw_copy_text(dw_buf_t *b, const char *s) __attribute__((warn_unused_result));
int dw_copy_int(dw_buf_t *b, int64_t v) __attribute__((warn_unused_result));
int dw_copy_bytea(dw_buf_t *b, const void *p, size_t n) __attribute__((warn_unused_result));
int dw_copy_null(dw_buf_t *b) __attribute__((warn_unused_result));
int dw_copy_end_row(dw_buf_t *b) __attribute__((warn_unused_result));

/* A text[] literal ("{"a","b"}") for one array parameter: how a batch passes
 * many keys to one statement. */
int dw_pg_text_array(dw_buf_t *b, const char *const *items, size_t n) __attribute__((warn_unused_result));

/* An array literal built an element at a time: one column of a batch written
 * by a single INSERT ... SELECT FROM unnest($1::text[], $2::bytea[], ...),
 * which commits on its own in one round trip (COPY takes four). */
typedef struct dw_pg_array {
    dw_buf_t buf;
    size_t n;
    bool closed;
} dw_pg_array_t;

#define DW_PG_ARRAY_INIT      \
    {                         \
        DW_BUF_INIT, 0, false \
    }

int dw_pg_array_text(dw_pg_array_t *a, const char *s) __attribute__((warn_unused_result)); /* NULL: SQL NULL */
int dw_pg_array_int(dw_pg_array_t *a, int64_t v) __attribute__((warn_unused_result));
int dw_pg_array_bytea(dw_pg_array_t *a, const void *p, size_t n) __attribute__((warn_unused_result));
/* The literal ("{}" when empty), owned by a; no element may follow. NULL when out of memory. */
const char *dw_pg_array_literal(dw_pg_array_t *a);
void dw_pg_array_free(dw_pg_array_t *a);

/* Whether a bytea column value in text ("\x..." hex) form equals raw[0..n). */
bool dw_pg_bytea_equals(const char *hex, size_t hex_len, const void *raw, size_t n);
/* Decodes a bytea column value in text form into out (appending); -1 if malformed. */
int dw_pg_bytea_decode(const char *hex, size_t hex_len, dw_buf_t *out) __attribute__((warn_unused_result));

/* The one integer a statement returns (first row, first column; NULL reads 0),
 * e.g. "SELECT coalesce(max(seq), 0) FROM inbox". 0, or -1 after logging. */
int dw_pg_query_int(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values,
                    int64_t *out) __attribute__((warn_unused_result));

/* Integer value of row r, column c; 0 when NULL. */
int64_t dw_pg_int(const PGresult *res, int r, int c);

#endif
