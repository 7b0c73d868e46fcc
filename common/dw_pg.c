#include "dw_pg.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_strmap.h"

/* Statements named on the connection at most: the services' statements are a
 * few dozen fixed texts; a text built at run time past this runs unnamed. */
#define PREPARED_MAX 256

struct dw_pg {
    PGconn *conn;
    char *conninfo;
    char *app_name;
    dw_strmap_t *prepared; /* SQL text -> int statement number, on this connection */
    int n_named;           /* statements named on this connection */
};

static PGconn *open_once(const char *conninfo, const char *app_name)
{
    const char *keys[] = {"dbname", "application_name", "options", NULL};
    /* search_path pinned; dates always as YYYY-MM-DD; timestamps in the bureau's zone; a
     * statement prepared once is still planned for its values every time (a generic
     * plan cannot see that an array parameter is NULL or short). */
    const char *vals[] = {conninfo, app_name,
                          "-c search_path=public -c datestyle=ISO -c timezone=Asia/Shanghai "
                          "-c plan_cache_mode=force_custom_plan",
                          NULL};
    /* expand_dbname: conninfo may be a full connection string. */
    return PQconnectdbParams(keys, vals, 1);
}

/* Server notices ("relation already exists, skipping") are not events. */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    dw_log_debug(NULL, "server notice: %s", message);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static PGconn *connect_retrying(const char *conninfo, const char *app_name, int retry_s)
{
    int64_t deadline = dw_mono_ms() + (int64_t)retry_s * 1000;
    int backoff = 100;
    for (;;) {
        PGconn *conn = open_once(conninfo, app_name);
        if (conn && PQstatus(conn) == CONNECTION_OK) {
            PQsetNoticeProcessor(conn, quiet_notice, NULL);
            return conn;
        }
        const char *why = conn ? PQerrorMessage(conn) : "out of memory";
        if (dw_mono_ms() >= deadline) {
            dw_log_error(NULL,
                         "could not connect to PostgreSQL at \"%s\": %s"
                         " (hint: is the cluster started? deploy/dualwatch.sh status)",
                         conninfo, why);
            PQfinish(conn);
            return NULL;
        }
        dw_log_warn(NULL, "PostgreSQL not reachable yet, retrying: %s", why);
        PQfinish(conn);
        sleep_ms(backoff);
        backoff = backoff < 2000 ? backoff * 2 : 2000;
    }
}

dw_pg_t *dw_pg_connect(const char *conninfo, int retry_s, const char *app_name)
{
    dw_pg_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->conninfo = strdup(conninfo);
    self->app_name = strdup(app_name);
    self->prepared = dw_strmap_new(sizeof(int));
    if (!self->conninfo || !self->app_name || !self->prepared)
        goto fail;
    self->conn = connect_retrying(conninfo, app_name, retry_s);
    if (!self->conn)
        goto fail;
    return self;
fail:
    dw_pg_destroy(&self);
    return NULL;
}

void dw_pg_destroy(dw_pg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_pg_t *self = *self_p;
    PQfinish(self->conn);
    free(self->conninfo);
    free(self->app_name);
    dw_strmap_destroy(&self->prepared);
    free(self);
    *self_p = NULL;
}

PGconn *dw_pg_conn(dw_pg_t *self)
{
    return self->conn;
}

bool dw_pg_broken(dw_pg_t *self)
{
    return PQstatus(self->conn) != CONNECTION_OK;
}

int dw_pg_reconnect(dw_pg_t *self)
{
    PGconn *conn = connect_retrying(self->conninfo, self->app_name, 1); /* the caller backs off between tries */
    if (!conn)
        return -1;
    PQfinish(self->conn);
    self->conn = conn;
    dw_strmap_clear(self->prepared); /* named statements end with their session */
    self->n_named = 0;
    dw_log_info(NULL, "reconnected to PostgreSQL");
    return 0;
}

/* Statements that can be named: data statements (utility ones such as
 * CREATE, TRUNCATE or BEGIN run as given). */
static bool preparable(const char *sql)
{
    static const char *const verbs[] = {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH "};
    for (size_t k = 0; k < sizeof verbs / sizeof *verbs; k++)
        if (strncmp(sql, verbs[k], strlen(verbs[k])) == 0)
            return true;
    return false;
}

/* The statement's name on this connection, prepared on first use ("" when
 * it runs unnamed); NULL when preparing failed (the error is in *failed). */
static const char *statement_name(dw_pg_t *self, const char *sql, int nparams, char *name, size_t n, PGresult **failed)
{
    name[0] = '\0';
    const int *known = dw_strmap_get(self->prepared, sql);
    if (known) {
        snprintf(name, n, "dw%d", *known);
        return name;
    }
    if (!preparable(sql) || self->n_named >= PREPARED_MAX)
        return name;
    int number = self->n_named++;
    snprintf(name, n, "dw%d", number);
    PGresult *res = PQprepare(self->conn, name, sql, nparams, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        *failed = res;
        return NULL;
    }
    PQclear(res);
    int *slot = dw_strmap_put(self->prepared, sql, NULL);
    if (slot)
        *slot = number;
    else
        name[0] = '\0'; /* out of memory: prepared on the server, run unnamed here */
    return name;
}

PGresult *dw_pg_query(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values)
{
    char name[24];
    PGresult *res = NULL;
    const char *stmt = statement_name(self, sql, nparams, name, sizeof name, &res);
    if (stmt && stmt[0])
        res = PQexecPrepared(self->conn, stmt, nparams, values, NULL, NULL, 0);
    else if (stmt)
        res = PQexecParams(self->conn, sql, nparams, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return res;
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    dw_log_error(what, "statement failed: %s%s%s", res ? PQresultErrorMessage(res) : PQerrorMessage(self->conn),
                 detail ? " detail: " : "", detail ? detail : "");
    PQclear(res);
    return NULL;
}

int dw_pg_exec(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values)
{
    PGresult *res = dw_pg_query(self, what, sql, nparams, values);
    if (!res)
        return -1;
    PQclear(res);
    return 0;
}

int dw_pg_begin(dw_pg_t *self)
{
    return dw_pg_exec(self, "begin", "BEGIN", 0, NULL);
}

int dw_pg_commit(dw_pg_t *self)
{
    return dw_pg_exec(self, "commit", "COMMIT", 0, NULL);
}

void dw_pg_rollback(dw_pg_t *self)
{
    if (dw_pg_broken(self))
        return;
    PGresult *res = PQexec(self->conn, "ROLLBACK");
    PQclear(res);
}

int64_t dw_pg_copy(dw_pg_t *self, const char *what, const char *copy_sql, const dw_buf_t *rows)
{
    PGresult *res = PQexec(self->conn, copy_sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        dw_log_error(what, "could not start COPY: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    PQclear(res);
    /* In pieces: PQputCopyData takes an int length, and one call per
     * megabyte keeps libpq's own buffering small. */
    const size_t piece = 1 << 20;
    for (size_t off = 0; off < rows->len; off += piece) {
        size_t n = rows->len - off < piece ? rows->len - off : piece;
        if (PQputCopyData(self->conn, rows->data + off, (int)n) != 1) {
            dw_log_error(what, "COPY data failed: %s", PQerrorMessage(self->conn));
            (void)PQputCopyEnd(self->conn, "could not send the rows");
            PGresult *res_end;
            while ((res_end = PQgetResult(self->conn)) != NULL)
                PQclear(res_end);
            return -1;
        }
    }
    if (PQputCopyEnd(self->conn, NULL) != 1) {
        dw_log_error(what, "COPY end failed: %s", PQerrorMessage(self->conn));
        return -1;
    }
    int64_t n = -1;
    while ((res = PQgetResult(self->conn)) != NULL) {
        if (PQresultStatus(res) == PGRES_COMMAND_OK)
            n = strtoll(PQcmdTuples(res), NULL, 10);
        else
            dw_log_error(what, "COPY failed: %s", PQresultErrorMessage(res));
        PQclear(res);
    }
    return n;
}

int dw_copy_text(dw_buf_t *b, const char *s)
{
    /* COPY text format: backslash, tab, newline and CR are escaped. */
    for (const char *p = s; *p; p++) {
        const char *esc = NULL;
        switch (*p) {
        case '\\': esc = "\\\\"; break;
        case '\t': esc = "\\t"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        default: break;
        }
        if (esc ? dw_buf_puts(b, esc) : dw_buf_append(b, p, 1))
            return -1;
    }
    return dw_buf_append(b, "\t", 1);
}

int dw_copy_int(dw_buf_t *b, int64_t v)
{
    return dw_buf_printf(b, "%" PRId64 "\t", v);
}

int dw_copy_bytea(dw_buf_t *b, const void *p, size_t n)
{
    /* "\x" hex form; the backslash itself is escaped for COPY. */
    if (dw_buf_puts(b, "\\\\x") || dw_buf_hex(b, p, n))
        return -1;
    return dw_buf_append(b, "\t", 1);
}

int dw_copy_null(dw_buf_t *b)
{
    return dw_buf_puts(b, "\\N\t");
}

int dw_copy_end_row(dw_buf_t *b)
{
    if (b->len == 0 || b->data[b->len - 1] != '\t')
        return -1;
    b->data[b->len - 1] = '\n';
    return 0;
}

/* A quoted array element: " and \ escaped by a backslash. */
static int array_quoted(dw_buf_t *b, const char *s)
{
    if (dw_buf_append(b, "\"", 1))
        return -1;
    for (const char *p = s; *p; p++) {
        if ((*p == '"' || *p == '\\') && dw_buf_append(b, "\\", 1))
            return -1;
        if (dw_buf_append(b, p, 1))
            return -1;
    }
    return dw_buf_append(b, "\"", 1);
}

int dw_pg_text_array(dw_buf_t *b, const char *const *items, size_t n)
{
    if (dw_buf_append(b, "{", 1))
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((i && dw_buf_append(b, ",", 1)) || array_quoted(b, items[i]))
            return -1;
    return dw_buf_append(b, "}", 1);
}

static int array_next(dw_pg_array_t *a)
{
    if (a->closed)
        return -1;
    return dw_buf_append(&a->buf, a->n++ ? "," : "{", 1);
}

int dw_pg_array_text(dw_pg_array_t *a, const char *s)
{
    if (array_next(a))
        return -1;
    return s ? array_quoted(&a->buf, s) : dw_buf_puts(&a->buf, "NULL");
}

int dw_pg_array_int(dw_pg_array_t *a, int64_t v)
{
    return array_next(a) || dw_buf_printf(&a->buf, "%" PRId64, v) ? -1 : 0;
}

int dw_pg_array_bytea(dw_pg_array_t *a, const void *p, size_t n)
{
    /* "\x..." inside the quotes: the element's text is \x and the hex digits. */
    if (array_next(a) || dw_buf_puts(&a->buf, "\"\\\\x") || dw_buf_hex(&a->buf, p, n))
        return -1;
    return dw_buf_append(&a->buf, "\"", 1);
}

const char *dw_pg_array_literal(dw_pg_array_t *a)
{
    if (!a->closed) {
        if ((a->n == 0 && dw_buf_append(&a->buf, "{", 1)) || dw_buf_append(&a->buf, "}", 1))
            return NULL;
        a->closed = true;
    }
    return a->buf.data;
}

void dw_pg_array_free(dw_pg_array_t *a)
{
    dw_buf_free(&a->buf);
    *a = (dw_pg_array_t)DW_PG_ARRAY_INIT;
}

int64_t dw_pg_int(const PGresult *res, int r, int c)
{
    if (PQgetisnull(res, r, c))
        return 0;
    return strtoll(PQgetvalue(res, r, c), NULL, 10);
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool dw_pg_bytea_equals(const char *hex, size_t hex_len, const void *raw, size_t n)
{
    if (hex_len < 2 || hex[0] != '\\' || hex[1] != 'x' || hex_len - 2 != 2 * n)
        return false;
    const unsigned char *r = raw;
    for (size_t i = 0; i < n; i++) {
        int hi = nibble(hex[2 + 2 * i]), lo = nibble(hex[3 + 2 * i]);
        if (hi < 0 || lo < 0 || (unsigned char)(hi << 4 | lo) != r[i])
            return false;
    }
    return true;
}

int dw_pg_bytea_decode(const char *hex, size_t hex_len, dw_buf_t *out)
{
    if (hex_len < 2 || hex[0] != '\\' || hex[1] != 'x' || (hex_len - 2) % 2 != 0)
        return -1;
    if (dw_buf_reserve(out, (hex_len - 2) / 2) != 0)
        return -1;
    for (size_t k = 2; k < hex_len; k += 2) {
        int hi = nibble(hex[k]), lo = nibble(hex[k + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out->data[out->len++] = (char)(hi << 4 | lo);
    }
    out->data[out->len] = '\0';
    return 0;
}

int dw_pg_query_int(dw_pg_t *self, const char *what, const char *sql, int nparams, const char *const *values,
                    int64_t *out)
{
    PGresult *res = dw_pg_query(self, what, sql, nparams, values);
    if (!res)
        return -1;
    int rc = PQntuples(res) >= 1 && PQnfields(res) >= 1 ? 0 : -1;
    if (rc == 0)
        *out = dw_pg_int(res, 0, 0);
    PQclear(res);
    return rc;
}
