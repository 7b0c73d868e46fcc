#include "dwctl_import_report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dw_buf.h"
#include "dwctl_import_csv.h"

#define BOM "\xef\xbb\xbf"

static const char *const columns[] = {"row", "column", "field", "value", "expected", "code", "message"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

typedef struct held {
    int64_t row;
    size_t seq; /* arrival order: keeps a row's errors in the order they were found */
    char *line; /* the CSV line, CRLF included */
} held_t;

struct dwctl_report {
    FILE *f;
    char *path;
    held_t *held;
    size_t n_held, cap_held;
    size_t seq;
    size_t count;
};

static int put_record(dw_buf_t *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dwctl_csv_put(b, fields[i], i + 1 == n) != 0)
            return -1;
    return 0;
}

static int write_header(FILE *f)
{
    dw_buf_t b = DW_BUF_INIT;
    int rc =
        dw_buf_puts(&b, BOM) == 0 && put_record(&b, columns, N_COLUMNS) == 0 && fwrite(b.data, 1, b.len, f) == b.len
            ? 0
            : -1;
    dw_buf_free(&b);
    return rc;
}

static ssize_t file_read(void *arg, char *buf, size_t n)
{
    FILE *f = arg;
    size_t got = fread(buf, 1, n, f);
    return got == 0 && ferror(f) ? -1 : (ssize_t)got;
}

/* Rewrites path with the lines of rows up to keep_upto only (temp file, rename). */
static int keep_earlier(const char *path, int64_t keep_upto, char *why, size_t why_len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return errno == ENOENT ? 1 : -1; /* nothing earlier: a fresh report */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "wb");
    dwctl_csv_t *csv = dwctl_csv_new(file_read, in);
    dw_buf_t b = DW_BUF_INIT;
    int rc = -1, r;
    if (!out || !csv || write_header(out) != 0)
        goto done;
    bool header = true;
    while ((r = dwctl_csv_next(csv)) == 1) {
        if (header || dwctl_csv_count(csv) != N_COLUMNS) {
            header = false;
            continue;
        }
        header = false;
        if (strtoll(dwctl_csv_field(csv, 0), NULL, 10) > keep_upto)
            continue;
        const char *fields[N_COLUMNS];
        for (size_t i = 0; i < N_COLUMNS; i++)
            fields[i] = dwctl_csv_field(csv, i);
        dw_buf_reset(&b);
        if (put_record(&b, fields, N_COLUMNS) != 0 || fwrite(b.data, 1, b.len, out) != b.len)
            goto done;
    }
    if (r < 0 || fflush(out) != 0 || fsync(fileno(out)) != 0)
        goto done;
    rc = 0;
done:
    if (rc != 0)
        snprintf(why, why_len, "could not keep the earlier lines of %s: %s", path, strerror(errno ? errno : EIO));
    dw_buf_free(&b);
    dwctl_csv_destroy(&csv);
    fclose(in);
    if (out && fclose(out) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(why, why_len, "could not replace %s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    return rc;
}

dwctl_report_t *dwctl_report_open(const char *path, int64_t keep_upto, char *why, size_t why_len)
{
    dwctl_report_t *self = calloc(1, sizeof *self);
    if (!self || !(self->path = strdup(path))) {
        snprintf(why, why_len, "out of memory");
        free(self);
        return NULL;
    }
    int kept = keep_upto > 0 ? keep_earlier(path, keep_upto, why, why_len) : 1;
    if (kept < 0)
        goto fail;
    self->f = fopen(path, kept == 0 ? "ab" : "wb");
    if (!self->f || (kept == 1 && write_header(self->f) != 0) || fflush(self->f) != 0) {
        snprintf(why, why_len, "could not write the error report %s: %s", path, strerror(errno));
        goto fail;
    }
    return self;
fail:
    if (self->f)
        fclose(self->f);
    free(self->path);
    free(self);
    return NULL;
}

int dwctl_report_add(dwctl_report_t *self, const dwctl_unit_t *unit)
{
    for (size_t i = 0; i < unit->n_errors; i++) {
        const dwctl_row_error_t *e = &unit->errors[i];
        char row[24];
        snprintf(row, sizeof row, "%" PRId64, e->row);
        const char *fields[N_COLUMNS] = {row, e->column, e->field, e->value, e->expected, e->code, e->message};
        dw_buf_t b = DW_BUF_INIT;
        if (self->n_held == self->cap_held) {
            size_t cap = self->cap_held ? self->cap_held * 2 : 64;
            held_t *h = realloc(self->held, cap * sizeof *h);
            if (!h)
                return -1;
            self->held = h;
            self->cap_held = cap;
        }
        if (put_record(&b, fields, N_COLUMNS) != 0) {
            dw_buf_free(&b);
            return -1;
        }
        self->held[self->n_held++] = (held_t){.row = e->row, .seq = self->seq++, .line = b.data};
        self->count++;
    }
    return 0;
}

static int by_row(const void *a, const void *b)
{
    const held_t *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int dwctl_report_write_upto(dwctl_report_t *self, int64_t upto)
{
    if (self->n_held == 0)
        return 0;
    qsort(self->held, self->n_held, sizeof *self->held, by_row);
    size_t n = 0;
    int rc = 0;
    for (; n < self->n_held && self->held[n].row <= upto; n++) {
        if (rc == 0 && fputs(self->held[n].line, self->f) == EOF)
            rc = -1;
        free(self->held[n].line);
    }
    memmove(self->held, self->held + n, (self->n_held - n) * sizeof *self->held);
    self->n_held -= n;
    if (n > 0 && fflush(self->f) != 0)
        rc = -1;
    return rc;
}

size_t dwctl_report_count(const dwctl_report_t *self)
{
    return self->count;
}

int dwctl_report_close(dwctl_report_t **self_p, char *why, size_t why_len)
{
    if (!self_p || !*self_p)
        return 0;
    dwctl_report_t *self = *self_p;
    int rc = dwctl_report_write_upto(self, INT64_MAX);
    if (rc == 0 && (fflush(self->f) != 0 || fsync(fileno(self->f)) != 0))
        rc = -1;
    if (fclose(self->f) != 0)
        rc = -1;
    if (rc != 0)
        snprintf(why, why_len, "could not write the error report %s: %s", self->path, strerror(errno));
    for (size_t i = 0; i < self->n_held; i++)
        free(self->held[i].line);
    free(self->held);
    free(self->path);
    free(self);
    *self_p = NULL;
    return rc;
}
