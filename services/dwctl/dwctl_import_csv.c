#include "dwctl_import_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK    65536
#define C_END    (-1) /* the input is over */
#define C_FAILED (-2) /* the source failed */

typedef enum state { FIELD_START, PLAIN, QUOTED, QUOTE_SEEN } state_t;

struct dwctl_csv {
    dwctl_csv_read_fn read;
    void *arg;
    char in[CHUNK];
    size_t pos, len;
    bool ended, failed, bom_checked;
    int pushed;     /* one character given back, or C_END for none */
    dw_buf_t text;  /* the record's fields, each NUL-terminated */
    size_t *starts; /* offset of each field in text */
    size_t n_fields;
    int64_t row;
    const char *problem;
    char problem_buf[128];
};

dwctl_csv_t *dwctl_csv_new(dwctl_csv_read_fn read, void *arg)
{
    dwctl_csv_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->starts = calloc(DWCTL_CSV_FIELDS_MAX, sizeof *self->starts);
    if (!self->starts) {
        free(self);
        return NULL;
    }
    self->read = read;
    self->arg = arg;
    self->pushed = C_END;
    return self;
}

void dwctl_csv_destroy(dwctl_csv_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_csv_t *self = *self_p;
    dw_buf_free(&self->text);
    free(self->starts);
    free(self);
    *self_p = NULL;
}

/* Reads more input; at the very start until the byte order mark can be seen. */
static void fill(dwctl_csv_t *self)
{
    self->pos = self->len = 0;
    while (!self->ended && !self->failed && (self->len == 0 || (!self->bom_checked && self->len < 3))) {
        ssize_t n = self->read(self->arg, self->in + self->len, sizeof self->in - self->len);
        if (n < 0)
            self->failed = true;
        else if (n == 0)
            self->ended = true;
        else
            self->len += (size_t)n;
    }
    if (!self->bom_checked) {
        self->bom_checked = true;
        if (self->len >= 3 && memcmp(self->in, "\xef\xbb\xbf", 3) == 0)
            self->pos = 3;
    }
}

static int get(dwctl_csv_t *self)
{
    if (self->pushed != C_END) {
        int c = self->pushed;
        self->pushed = C_END;
        return c;
    }
    while (self->pos == self->len) { /* a chunk may hold only the byte order mark */
        if (self->failed)
            return C_FAILED;
        if (self->ended)
            return C_END;
        fill(self);
    }
    return (unsigned char)self->in[self->pos++];
}

static void set_problem(dwctl_csv_t *self, const char *why)
{
    if (!self->problem)
        self->problem = why;
}

/* Closes the field being read: its NUL, and room for the next one. */
static int end_field(dwctl_csv_t *self)
{
    if (dw_buf_append(&self->text, "", 1) != 0)
        return -1;
    self->n_fields++;
    return 0;
}

static int start_field(dwctl_csv_t *self)
{
    if (self->n_fields == DWCTL_CSV_FIELDS_MAX) {
        snprintf(self->problem_buf, sizeof self->problem_buf, "row %lld has more than %d fields: not a csv file?",
                 (long long)self->row, DWCTL_CSV_FIELDS_MAX);
        self->problem = self->problem_buf;
        return -1;
    }
    self->starts[self->n_fields] = self->text.len;
    return 0;
}

static int append(dwctl_csv_t *self, int c)
{
    if (c == 0) { /* it would end the field's C string early */
        set_problem(self, "a NUL byte in the text");
        return 0;
    }
    if (self->text.len >= DWCTL_CSV_RECORD_MAX) {
        snprintf(self->problem_buf, sizeof self->problem_buf,
                 "row %lld is longer than %d bytes: a quoted field that is never closed?", (long long)self->row,
                 DWCTL_CSV_RECORD_MAX);
        self->problem = self->problem_buf;
        return -1;
    }
    char ch = (char)c;
    return dw_buf_append(&self->text, &ch, 1);
}

/* After a CR: a LF that follows belongs to the same line break. */
static void swallow_lf(dwctl_csv_t *self)
{
    int c = get(self);
    if (c != '\n')
        self->pushed = c;
}

int dwctl_csv_next(dwctl_csv_t *self)
{
    dw_buf_reset(&self->text);
    self->n_fields = 0;
    self->problem = NULL;
    int c = get(self);
    if (c == C_END)
        return 0;
    if (c == C_FAILED)
        return -1;
    self->row++;
    if (start_field(self) != 0)
        return -1;
    state_t st = FIELD_START;
    for (;; c = get(self)) {
        if (c == C_FAILED)
            return -1;
        bool line_end = c == '\r' || c == '\n' || c == C_END;
        bool field_end = st != QUOTED && (c == ',' || line_end);
        if (st == QUOTED && c == C_END) {
            set_problem(self, "a quoted field is still open at the end of the file");
            field_end = line_end = true;
        }
        if (field_end) {
            if (end_field(self) != 0)
                return -1;
            if (line_end) {
                if (c == '\r')
                    swallow_lf(self);
                return 1;
            }
            if (start_field(self) != 0)
                return -1;
            st = FIELD_START;
            continue;
        }
        int rc = 0;
        switch (st) {
        case FIELD_START:
            if (c == '"')
                st = QUOTED;
            else {
                rc = append(self, c);
                st = PLAIN;
            }
            break;
        case PLAIN: rc = append(self, c); break;
        case QUOTED:
            if (c == '"')
                st = QUOTE_SEEN;
            else
                rc = append(self, c);
            break;
        case QUOTE_SEEN:
            if (c == '"') {
                rc = append(self, c);
                st = QUOTED;
            } else {
                set_problem(self, "text after the closing quote of a field");
                rc = append(self, c);
                st = PLAIN;
            }
            break;
        }
        if (rc != 0)
            return -1;
    }
}

size_t dwctl_csv_count(const dwctl_csv_t *self)
{
    return self->n_fields;
}

const char *dwctl_csv_field(const dwctl_csv_t *self, size_t i)
{
    return self->text.data + self->starts[i];
}

int64_t dwctl_csv_row(const dwctl_csv_t *self)
{
    return self->row;
}

const char *dwctl_csv_problem(const dwctl_csv_t *self)
{
    return self->problem;
}

bool dwctl_csv_blank(const dwctl_csv_t *self)
{
    for (size_t i = 0; i < self->n_fields; i++)
        for (const char *p = dwctl_csv_field(self, i); *p; p++)
            if (*p != ' ' && *p != '\t')
                return false;
    return true;
}

int dwctl_csv_put(dw_buf_t *out, const char *s, bool last)
{
    size_t n = strlen(s);
    bool quote = n > 0 && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
    if (quote) {
        if (dw_buf_append(out, "\"", 1) != 0)
            return -1;
        for (const char *p = s; *p; p++)
            if ((*p == '"' && dw_buf_append(out, "\"", 1) != 0) || dw_buf_append(out, p, 1) != 0)
                return -1;
        if (dw_buf_append(out, "\"", 1) != 0)
            return -1;
    } else if (dw_buf_append(out, s, n) != 0) {
        return -1;
    }
    return last ? dw_buf_append(out, "\r\n", 2) : dw_buf_append(out, ",", 1);
}
