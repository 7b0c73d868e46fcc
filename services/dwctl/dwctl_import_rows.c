#include "dwctl_import_rows.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_money.h"
#include "dw_msg.h"
#include "dw_strmap.h"
#include "dwctl_import_conv.h"

#define TEXT_MAX 4096 /* a header, a list item, an id part: longer ones are cut, and then refused by the schema */

/* One field's value in one row: converted, and as written. */
typedef struct cell {
    char *text; /* for dw_obj_set_text; a list's items joined by '\n'; NULL when absent or bad */
    char *raw;  /* the cell as written (trimmed) */
    bool bad;   /* its conversion failed (already reported) */
} cell_t;

typedef struct row {
    int64_t number;
    cell_t *body;  /* one per map->fields */
    cell_t *items; /* one per map->items */
    int item;      /* its index in the array, -1 when the row adds no item */
} row_t;

struct dwctl_rows {
    const dwctl_map_t *map;
    char *src;
    int *body_col, *item_col;        /* header index of each field's column; -1 for a constant */
    cell_t *body_const, *item_const; /* constants, converted once */
    /* the form being collected (every type goes through it; without items it holds one row) */
    dwctl_unit_t *unit;
    row_t *rows;
    size_t n_rows, cap_rows;
    char *key;
    int n_items;
    size_t n_header;   /* fields in the header record */
    bool poison_next;  /* a row that belongs to no known form came before the next one */
    dw_strmap_t *seen; /* group key -> first row of every finished form */
};

/* ------------------------------------------------------------ the unit */

static void free_error(dwctl_row_error_t *e)
{
    free(e->column);
    free(e->field);
    free(e->value);
    free(e->expected);
    free(e->code);
    free(e->message);
}

void dwctl_unit_destroy(dwctl_unit_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_unit_t *self = *self_p;
    free(self->id);
    dw_buf_free(&self->bytes);
    for (size_t i = 0; i < self->n_errors; i++)
        free_error(&self->errors[i]);
    free(self->errors);
    for (size_t i = 0; i < self->n_origins; i++) {
        free(self->origins[i].path);
        free(self->origins[i].column);
        free(self->origins[i].value);
    }
    free(self->origins);
    free(self);
    *self_p = NULL;
}

static char *dup0(const char *s)
{
    return strdup(s ? s : "");
}

static int add_error_at(dwctl_unit_t *u, int64_t row, const char *column, const char *field, const char *value,
                        const char *expected, const char *code, const char *message)
{
    dwctl_row_error_t *errors = realloc(u->errors, (u->n_errors + 1) * sizeof *errors);
    if (!errors)
        return -1;
    u->errors = errors;
    dwctl_row_error_t *e = &errors[u->n_errors];
    *e = (dwctl_row_error_t){.row = row,
                             .column = dup0(column),
                             .field = dup0(field),
                             .value = dup0(value),
                             .expected = dup0(expected),
                             .code = dup0(code),
                             .message = dup0(message)};
    if (!e->column || !e->field || !e->value || !e->expected || !e->code || !e->message) {
        free_error(e);
        return -1;
    }
    u->n_errors++;
    return 0;
}

static int add_origin(dwctl_unit_t *u, const char *path, int64_t row, const char *column, const char *value)
{
    dwctl_origin_t *o = realloc(u->origins, (u->n_origins + 1) * sizeof *o);
    if (!o)
        return -1;
    u->origins = o;
    o[u->n_origins] = (dwctl_origin_t){.path = dup0(path), .row = row, .column = dup0(column), .value = dup0(value)};
    if (!o[u->n_origins].path || !o[u->n_origins].column || !o[u->n_origins].value) {
        free(o[u->n_origins].path);
        free(o[u->n_origins].column);
        free(o[u->n_origins].value);
        return -1;
    }
    u->n_origins++;
    return 0;
}

/* The origin of path: the field itself, or the nearest field that contains it. */
static const dwctl_origin_t *origin_of(const dwctl_unit_t *u, const char *path)
{
    const dwctl_origin_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < u->n_origins; i++) {
        const char *p = u->origins[i].path;
        size_t n = strlen(p);
        if (strcmp(p, path) == 0)
            return &u->origins[i];
        if (n > best_len && strncmp(p, path, n) == 0 && (path[n] == '.' || path[n] == '[')) {
            best = &u->origins[i];
            best_len = n;
        }
    }
    return best;
}

/* The field definition and mapping of a dotted path. */
static const dw_field_def_t *resolve(const dwctl_map_t *map, const char *path, const dwctl_fieldmap_t **fm_out)
{
    *fm_out = NULL;
    if (strncmp(path, "body.", 5) != 0)
        return dw_schema_field(&dw_schema_envelope, path, NULL);
    char name[64];
    const char *p = path + 5;
    size_t n = strcspn(p, ".[");
    snprintf(name, sizeof name, "%.*s", (int)n, p);
    const dw_field_def_t *def = dw_schema_field(map->type->body, name, NULL);
    *fm_out = dwctl_map_field(map, name);
    const char *rest = p + n;
    if (!def || *rest != '[' || def->type != DW_FT_ARRAY)
        return def;
    const char *dot = strchr(rest, ']');
    if (!dot || dot[1] != '.' || def->item_type != DW_FT_MAP)
        return def;
    n = strcspn(dot + 2, ".[");
    snprintf(name, sizeof name, "%.*s", (int)n, dot + 2);
    *fm_out = NULL;
    for (size_t i = 0; map->items_field && strcmp(def->name, map->items_field) == 0 && i < map->n_items; i++)
        if (strcmp(map->items[i].field, name) == 0)
            *fm_out = &map->items[i];
    return dw_schema_field(def->object, name, NULL);
}

static void join_values(char *out, size_t n, const char *const *values, size_t count)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count && len < n; i++) {
        int k = snprintf(out + len, n - len, "%s%s", i ? ", " : "", values[i]);
        if (k < 0)
            break;
        len += (size_t)k;
    }
}

/* What would have been accepted in the field at path, for code. */
static void expected_for(const dwctl_map_t *map, const char *path, const char *code, char *out, size_t n)
{
    const dwctl_fieldmap_t *fm = NULL;
    const dw_field_def_t *def = path[0] ? resolve(map, path, &fm) : NULL;
    out[0] = '\0';
    if (strcmp(code, "conflict") == 0) {
        snprintf(out, n, "the content already stored under this id, or a new id");
        return;
    }
    if (!def)
        return;
    char lo[40], hi[40];
    if (strcmp(code, "missing_field") == 0) {
        snprintf(out, n, "a value: the field is required");
    } else if (strcmp(code, "bad_length") == 0) {
        if (def->min == def->max)
            snprintf(out, n, "%" PRId64 " characters", def->min);
        else
            snprintf(out, n, "%" PRId64 " to %" PRId64 " bytes (a Chinese character takes 3)", def->min, def->max);
    } else if (strcmp(code, "bad_code") == 0) {
        snprintf(out, n, "%s", def->pattern == DW_PAT_DIGITS ? "digits only" : "letters, digits, _ and - only");
    } else if (strcmp(code, "out_of_range") == 0) {
        if (def->type == DW_FT_FEN) {
            dw_fen_format(def->min, lo, sizeof lo);
            dw_fen_format(def->max, hi, sizeof hi);
            snprintf(out, n, "%s to %s yuan", lo, hi);
        } else {
            snprintf(out, n, "%" PRId64 " to %" PRId64, def->min, def->max);
        }
    } else if (strcmp(code, "bad_enum") == 0) {
        const char *values[32];
        size_t count = 0;
        if (fm && fm->n_map)
            for (size_t i = 0; i < fm->n_map && count < 32; i++)
                values[count++] = fm->map[i].from;
        else
            for (size_t i = 0; def->enum_values && def->enum_values[i] && count < 32; i++)
                values[count++] = def->enum_values[i];
        char list[512];
        join_values(list, sizeof list, values, count);
        snprintf(out, n, "one of: %s", list);
    } else if (strcmp(code, "bad_date") == 0) {
        snprintf(out, n, "a calendar date: YYYY-MM-DD, YYYY/M/D or YYYYMMDD");
    } else if (strcmp(code, "bad_decimal") == 0) {
        snprintf(out, n, "a decimal such as 95.5, at most %" PRId64 " digits", def->max);
    } else if (strcmp(code, "bad_count") == 0) {
        snprintf(out, n, "%" PRId64 " to %" PRId64 " items", def->min, def->max);
    } else if (strcmp(code, "wrong_type") == 0) {
        snprintf(out, n, "%s", dw_ftype_name(def->type));
    }
}

int dwctl_unit_add_error(const dwctl_map_t *map, dwctl_unit_t *unit, const char *path, const char *code,
                         const char *message)
{
    const dwctl_origin_t *o = path && path[0] ? origin_of(unit, path) : NULL;
    char expected[600];
    expected_for(map, path ? path : "", code, expected, sizeof expected);
    return add_error_at(unit, o ? o->row : unit->first_row, o ? o->column : "", path, o ? o->value : "", expected, code,
                        message);
}

/* ------------------------------------------------------------ conversion */

static void free_cells(cell_t *cells, size_t n)
{
    for (size_t i = 0; cells && i < n; i++) {
        free(cells[i].text);
        free(cells[i].raw);
    }
    free(cells);
}

static const char *map_value(const dwctl_fieldmap_t *fm, const char *from)
{
    for (size_t i = 0; i < fm->n_map; i++)
        if (strcmp(fm->map[i].from, from) == 0)
            return fm->map[i].to;
    return NULL;
}

static const char *conv_expected(dwctl_conv_kind_t conv)
{
    switch (conv) {
    case DWCTL_CONV_YUAN: return "yuan such as 1,234.56 (at most 2 decimals)";
    case DWCTL_CONV_FEN: return "whole fen such as 123456";
    case DWCTL_CONV_DATE: return "a calendar date: YYYY-MM-DD, YYYY/M/D or YYYYMMDD";
    case DWCTL_CONV_INT: return "a whole number";
    case DWCTL_CONV_PERIOD: return "a period such as 6, 6月 or 1-6月";
    default: return "";
    }
}

static const char *conv_code(dwctl_conv_kind_t conv)
{
    switch (conv) {
    case DWCTL_CONV_YUAN: return "bad_amount";
    case DWCTL_CONV_DATE: return "bad_date";
    default: return "bad_number";
    }
}

/* The expected text of a bad_enum from a mapped field: its map's keys. */
static void enum_expected(const dwctl_fieldmap_t *fm, char *out, size_t n)
{
    const char *values[32];
    size_t count = 0;
    for (size_t i = 0; i < fm->n_map && count < 32; i++)
        values[count++] = fm->map[i].from;
    char list[512];
    join_values(list, sizeof list, values, count);
    snprintf(out, n, "one of: %s", list);
}

/* A list cell: its items, each mapped when the field has a map, '\n' between. */
static int convert_list(const dwctl_fieldmap_t *fm, const char *value, dw_buf_t *text, char *why, size_t why_len)
{
    const char *cursor = value;
    char item[TEXT_MAX];
    while (dwctl_conv_next_item(&cursor, item, sizeof item) > 0) {
        const char *v = item;
        if (fm->n_map && !(v = map_value(fm, item))) {
            snprintf(why, why_len, "\"%.200s\" in the list is not a value the mapping knows", item);
            return 1;
        }
        if ((text->len && dw_buf_append(text, "\n", 1) != 0) || dw_buf_puts(text, v) != 0)
            return -1;
    }
    return 0;
}

/* Converts value (trimmed, not empty) for fm into text. Returns 0, -1 (no
 * memory), or 1 with why, *code and expected set. */
static int convert(const dwctl_fieldmap_t *fm, const char *value, dw_buf_t *text, char *why, size_t why_len,
                   const char **code, char *expected, size_t exp_len)
{
    const char *fail = NULL;
    int64_t v = 0;
    char date[11];
    *code = conv_code(fm->conv);
    snprintf(expected, exp_len, "%s", conv_expected(fm->conv));
    if (fm->conv == DWCTL_CONV_LIST) {
        int rc = convert_list(fm, value, text, why, why_len);
        if (rc == 1) {
            *code = "bad_enum";
            enum_expected(fm, expected, exp_len);
        }
        return rc;
    }
    if (fm->n_map) {
        const char *to = map_value(fm, value);
        if (!to) {
            *code = "bad_enum";
            enum_expected(fm, expected, exp_len);
            snprintf(why, why_len, "not a value the mapping knows");
            return 1;
        }
        value = to;
    }
    bool ok;
    switch (fm->conv) {
    case DWCTL_CONV_YUAN: ok = dwctl_conv_yuan(value, &v, &fail); break;
    case DWCTL_CONV_FEN:
    case DWCTL_CONV_INT: ok = dwctl_conv_int(value, &v, &fail); break;
    case DWCTL_CONV_PERIOD: ok = dwctl_conv_period(value, &v, &fail); break;
    case DWCTL_CONV_DATE:
        if (!dwctl_conv_date(value, date, &fail)) {
            ok = false;
            break;
        }
        return dw_buf_puts(text, date) != 0 ? -1 : 0;
    default: return dw_buf_puts(text, value) != 0 ? -1 : 0;
    }
    if (!ok) {
        snprintf(why, why_len, "%s", fail);
        return 1;
    }
    return dw_buf_printf(text, "%" PRId64, v) != 0 ? -1 : 0;
}

/* Fills cell from raw (the cell as written, or the constant). Conversion
 * errors go to u against row and path. Returns 0 or -1 (no memory). */
static int fill_cell(const dwctl_fieldmap_t *fm, const char *raw, int64_t row, const char *path, cell_t *cell,
                     dwctl_unit_t *u)
{
    if (!(cell->raw = dup0(raw)))
        return -1;
    dwctl_conv_trim(cell->raw);
    char *value = strdup(cell->raw);
    if (!value)
        return -1;
    if (fm->prefix) {
        size_t n = strlen(value) + 1;
        char *cut = malloc(n);
        if (!cut) {
            free(value);
            return -1;
        }
        dwctl_conv_prefix(value, fm->prefix, cut, n);
        free(value);
        value = cut;
    }
    int rc = 0;
    if (value[0]) { /* empty is absent: the schema decides whether it may be */
        dw_buf_t text = DW_BUF_INIT;
        char why[300], expected[600];
        const char *code;
        rc = convert(fm, value, &text, why, sizeof why, &code, expected, sizeof expected);
        if (rc == 1) {
            cell->bad = true;
            rc = add_error_at(u, row, fm->column ? fm->column : "", path, cell->raw, expected, code, why);
        } else if (rc == 0) {
            cell->text = text.data ? text.data : strdup("");
            text = (dw_buf_t)DW_BUF_INIT;
            rc = cell->text ? 0 : -1;
        }
        dw_buf_free(&text);
    }
    free(value);
    return rc;
}

static void body_path(char *out, size_t n, const dwctl_fieldmap_t *fm)
{
    snprintf(out, n, "body.%s", fm->field);
}

static void item_path(char *out, size_t n, const dwctl_map_t *map, int index, const dwctl_fieldmap_t *fm)
{
    snprintf(out, n, "body.%s[%d].%s", map->items_field, index, fm->field);
}

/* ------------------------------------------------------------ the builder */

static int convert_constants(dwctl_rows_t *self, const dwctl_fieldmap_t *fms, size_t n, cell_t *out, char *why,
                             size_t why_len)
{
    dwctl_unit_t scratch = {0};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!fms[i].constant)
            continue;
        char path[128];
        body_path(path, sizeof path, &fms[i]);
        if (fill_cell(&fms[i], fms[i].constant, 0, path, &out[i], &scratch) != 0) {
            snprintf(why, why_len, "out of memory");
            rc = -1;
        } else if (scratch.n_errors) {
            snprintf(why, why_len, "%s:%d: const %s of %s: %s (expected %s)", self->map->path, fms[i].line,
                     fms[i].constant, fms[i].field, scratch.errors[0].message, scratch.errors[0].expected);
            rc = -1;
        }
    }
    for (size_t i = 0; i < scratch.n_errors; i++)
        free_error(&scratch.errors[i]);
    free(scratch.errors);
    return rc;
}

dwctl_rows_t *dwctl_rows_new(const dwctl_map_t *map, const char *src, char *why, size_t why_len)
{
    dwctl_rows_t *self = calloc(1, sizeof *self);
    if (!self)
        goto oom;
    self->map = map;
    self->src = strdup(src);
    self->body_col = calloc(map->n_fields + 1, sizeof *self->body_col);
    self->item_col = calloc(map->n_items + 1, sizeof *self->item_col);
    self->body_const = calloc(map->n_fields + 1, sizeof *self->body_const);
    self->item_const = calloc(map->n_items + 1, sizeof *self->item_const);
    self->seen = dw_strmap_new(sizeof(int64_t));
    if (!self->src || !self->body_col || !self->item_col || !self->body_const || !self->item_const || !self->seen)
        goto oom;
    if (convert_constants(self, map->fields, map->n_fields, self->body_const, why, why_len) != 0 ||
        convert_constants(self, map->items, map->n_items, self->item_const, why, why_len) != 0) {
        dwctl_rows_destroy(&self);
        return NULL;
    }
    return self;
oom:
    snprintf(why, why_len, "out of memory");
    dwctl_rows_destroy(&self);
    return NULL;
}

static void free_rows(dwctl_rows_t *self)
{
    for (size_t i = 0; i < self->n_rows; i++) {
        free_cells(self->rows[i].body, self->map->n_fields);
        free_cells(self->rows[i].items, self->map->n_items);
    }
    self->n_rows = 0;
}

void dwctl_rows_drop(dwctl_rows_t *self)
{
    free_rows(self);
    dwctl_unit_destroy(&self->unit);
    free(self->key);
    self->key = NULL;
    self->n_items = 0;
}

void dwctl_rows_destroy(dwctl_rows_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_rows_t *self = *self_p;
    dwctl_rows_drop(self);
    free(self->rows);
    free(self->src);
    free(self->body_col);
    free(self->item_col);
    if (self->body_const)
        free_cells(self->body_const, self->map->n_fields);
    if (self->item_const)
        free_cells(self->item_const, self->map->n_items);
    dw_strmap_destroy(&self->seen);
    free(self);
    *self_p = NULL;
}

static int bind(const dwctl_fieldmap_t *fms, size_t n, int *cols, const dwctl_csv_t *csv, const char *path, char *why,
                size_t why_len)
{
    for (size_t i = 0; i < n; i++) {
        cols[i] = -1;
        if (!fms[i].column)
            continue;
        for (size_t c = 0; c < dwctl_csv_count(csv); c++) {
            char head[TEXT_MAX];
            snprintf(head, sizeof head, "%s", dwctl_csv_field(csv, c));
            if (strcmp(dwctl_conv_trim(head), fms[i].column) != 0)
                continue;
            if (cols[i] >= 0) {
                snprintf(why, why_len, "the header names the column \"%s\" twice (fields %d and %zu)", fms[i].column,
                         cols[i] + 1, c + 1);
                return -1;
            }
            cols[i] = (int)c;
        }
        if (cols[i] < 0) {
            int k = snprintf(why, why_len,
                             "the file has no column \"%s\" (%s:%d names it for %s); its columns are:", fms[i].column,
                             path, fms[i].line, fms[i].field);
            for (size_t c = 0; k > 0 && (size_t)k < why_len && c < dwctl_csv_count(csv); c++)
                k += snprintf(why + k, why_len - (size_t)k, "%s \"%s\"", c ? "," : "", dwctl_csv_field(csv, c));
            return -1;
        }
    }
    return 0;
}

int dwctl_rows_header(dwctl_rows_t *self, const dwctl_csv_t *csv, char *why, size_t why_len)
{
    self->n_header = dwctl_csv_count(csv);
    return bind(self->map->fields, self->map->n_fields, self->body_col, csv, self->map->path, why, why_len) ||
                   bind(self->map->items, self->map->n_items, self->item_col, csv, self->map->path, why, why_len)
               ? -1
               : 0;
}

/* Whether s holds nothing but white space (ASCII or U+3000). */
static bool blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            return false;
    }
    return true;
}

static const char *cell_of(const dwctl_csv_t *csv, int col)
{
    return col >= 0 && (size_t)col < dwctl_csv_count(csv) ? dwctl_csv_field(csv, (size_t)col) : "";
}

/* Converts the body fields of the record into r, errors into u. */
static int convert_body(dwctl_rows_t *self, const dwctl_csv_t *csv, row_t *r, dwctl_unit_t *u)
{
    const dwctl_map_t *map = self->map;
    r->body = calloc(map->n_fields + 1, sizeof *r->body);
    if (!r->body)
        return -1;
    char path[256];
    for (size_t i = 0; i < map->n_fields; i++) {
        const dwctl_fieldmap_t *fm = &map->fields[i];
        body_path(path, sizeof path, fm);
        if (fm->constant) {
            r->body[i].text = self->body_const[i].text ? strdup(self->body_const[i].text) : NULL;
            r->body[i].raw = strdup(fm->constant);
            if ((self->body_const[i].text && !r->body[i].text) || !r->body[i].raw)
                return -1;
        } else if (fill_cell(fm, cell_of(csv, self->body_col[i]), r->number, path, &r->body[i], u) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Converts the item fields of the record into r, as the next item of the
 * form being collected; a row whose item columns are all empty adds none. */
static int convert_items(dwctl_rows_t *self, const dwctl_csv_t *csv, row_t *r, dwctl_unit_t *u)
{
    const dwctl_map_t *map = self->map;
    r->items = calloc(map->n_items + 1, sizeof *r->items);
    if (!r->items)
        return -1;
    bool any = false;
    for (size_t i = 0; i < map->n_items; i++)
        any = any || (!map->items[i].constant && !blank(cell_of(csv, self->item_col[i])));
    if (!any)
        return 0;
    r->item = self->n_items++;
    char path[256];
    for (size_t i = 0; i < map->n_items; i++) {
        const dwctl_fieldmap_t *fm = &map->items[i];
        item_path(path, sizeof path, map, r->item, fm);
        if (fm->constant) {
            r->items[i].text = self->item_const[i].text ? strdup(self->item_const[i].text) : NULL;
            r->items[i].raw = strdup(fm->constant);
            if ((self->item_const[i].text && !r->items[i].text) || !r->items[i].raw)
                return -1;
        } else if (fill_cell(fm, cell_of(csv, self->item_col[i]), r->number, path, &r->items[i], u) != 0) {
            return -1;
        }
    }
    return 0;
}

/* The record's own shape: well-formed, and not short of the header's fields. */
static int check_record(const dwctl_csv_t *csv, size_t n_header, dwctl_unit_t *u)
{
    int64_t row = dwctl_csv_row(csv);
    if (dwctl_csv_problem(csv) &&
        add_error_at(u, row, "", "", "", "well-formed csv (RFC 4180)", "bad_csv", dwctl_csv_problem(csv)) != 0)
        return -1;
    size_t n = dwctl_csv_count(csv);
    bool extra_filled = false;
    for (size_t i = n_header; i < n; i++)
        extra_filled = extra_filled || dwctl_csv_field(csv, i)[0] != '\0';
    if (n < n_header || extra_filled) {
        char why[128], exp[64];
        snprintf(why, sizeof why, "the row has %zu fields, the header %zu", n, n_header);
        snprintf(exp, sizeof exp, "%zu fields", n_header);
        if (add_error_at(u, row, "", "", "", exp, "bad_csv", why) != 0)
            return -1;
    }
    return 0;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (h ^ 0x1e) * 1099511628211ULL; /* a separator, so "ab"+"c" differs from "a"+"bc" */
}

static uint64_t digest(const dwctl_rows_t *self)
{
    uint64_t h = 1469598103934665603ULL;
    const dwctl_map_t *map = self->map;
    for (size_t i = 0; i < map->n_fields; i++) {
        h = fnv(h, map->fields[i].field);
        h = fnv(h, self->rows[0].body[i].text ? self->rows[0].body[i].text : "");
    }
    for (size_t r = 0; r < self->n_rows; r++)
        for (size_t i = 0; self->rows[r].item >= 0 && i < map->n_items; i++) {
            h = fnv(h, map->items[i].field);
            h = fnv(h, self->rows[r].items[i].text ? self->rows[r].items[i].text : "");
        }
    return h;
}

/* The id from the template: 0, 1 after reporting a field it needs that is
 * empty, -1 when memory ran out. */
static int render_id(dwctl_rows_t *self, char *out, size_t n, const char **first_column)
{
    const dwctl_map_t *map = self->map;
    size_t len = 0;
    *first_column = "";
    out[0] = '\0';
    for (const char *p = map->id_template; *p && len + 1 < n;) {
        if (*p != '{') {
            out[len++] = *p++;
            out[len] = '\0';
            continue;
        }
        const char *end = strchr(p, '}');
        char name[64], piece[TEXT_MAX];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        p = end + 1;
        if (strcmp(name, "digest") == 0) {
            snprintf(piece, sizeof piece, "%016" PRIx64, digest(self));
        } else {
            size_t i = (size_t)(dwctl_map_field(map, name) - map->fields);
            const cell_t *c = &self->rows[0].body[i];
            if (!(*first_column)[0] && map->fields[i].column)
                *first_column = map->fields[i].column;
            if (!c->text) {
                char path[128], msg[160];
                body_path(path, sizeof path, &map->fields[i]);
                snprintf(msg, sizeof msg, "empty, and the message id (%s) is made from it", map->id_template);
                return add_error_at(self->unit, self->rows[0].number,
                                    map->fields[i].column ? map->fields[i].column : "", path, c->raw,
                                    "a value: the field is required", "missing_field", msg) != 0
                           ? -1
                           : 1;
            }
            snprintf(piece, sizeof piece, "%s", c->text);
            for (char *q = piece; *q; q++)
                if (*q == '\n') /* a list: its items with commas */
                    *q = ',';
        }
        int k = snprintf(out + len, n - len, "%s", piece);
        len = k < 0 ? len : (size_t)k + len >= n ? n - 1 : len + (size_t)k;
    }
    return 0;
}

/* The envelope ts: 00:00 in Asia/Shanghai of the date field, or the
 * constant. 0, 1 after reporting an empty date, -1 when memory ran out. */
static int ts_of(dwctl_rows_t *self, int64_t *ts)
{
    const dwctl_map_t *map = self->map;
    if (!map->ts_field) {
        *ts = map->ts_const;
        return 0;
    }
    const dwctl_fieldmap_t *fm = dwctl_map_field(map, map->ts_field);
    const cell_t *c = &self->rows[0].body[fm - map->fields];
    dw_date_t d;
    if (!c->text || !dw_date_parse(c->text, &d)) {
        char path[128], msg[160];
        body_path(path, sizeof path, fm);
        snprintf(msg, sizeof msg, "%s, and the message's ts is taken from it", c->text ? "not a date" : "empty");
        return add_error_at(self->unit, self->rows[0].number, fm->column ? fm->column : "", path, c->raw,
                            c->text ? "a calendar date: YYYY-MM-DD" : "a value: the field is required",
                            c->text ? "bad_date" : "missing_field", msg) != 0
                   ? -1
                   : 1;
    }
    *ts = (dw_date_to_days(d) * 86400 - DW_SHANGHAI_OFFSET_S) * 1000;
    return 0;
}

/* Sets one field (each item of a list) and records its origin. */
static int set_field(dwctl_rows_t *self, dw_obj_t *obj, const dwctl_fieldmap_t *fm, const cell_t *c, int64_t row,
                     const char *path)
{
    if (!c->text)
        return 0;
    if (add_origin(self->unit, path, row, fm->column, c->raw) != 0)
        return -1;
    dw_error_t e = {0};
    dw_code_t rc = DW_OK;
    if (fm->conv == DWCTL_CONV_LIST) {
        char *items = strdup(c->text);
        if (!items)
            return -1;
        for (char *save = NULL, *it = strtok_r(items, "\n", &save); it && rc == DW_OK; it = strtok_r(NULL, "\n", &save))
            rc = dw_obj_push_text(obj, fm->field, it, &e);
        free(items);
    } else {
        rc = dw_obj_set_text(obj, fm->field, c->text, &e);
    }
    if (rc == DW_OK)
        return 0;
    if (rc == DW_E_INTERNAL)
        return -1;
    return dwctl_unit_add_error(self->map, self->unit, path, dw_code_name(rc), e.message[0] ? e.message : "refused");
}

/* Builds and encodes the collected rows' message into self->unit. */
static int build(dwctl_rows_t *self)
{
    const dwctl_map_t *map = self->map;
    dwctl_unit_t *u = self->unit;
    char id[256];
    const char *id_column;
    int64_t ts;
    int made = render_id(self, id, sizeof id, &id_column);
    if (made == 0)
        made = ts_of(self, &ts);
    if (made != 0)
        return made < 0 ? -1 : 0; /* reported: the unit goes out with its error */
    dw_msg_t *msg = dw_msg_new(map->type->type, id, self->src, ts);
    if (!msg || add_origin(u, "id", u->first_row, id_column, id) != 0 ||
        add_origin(u, "src", u->first_row, "", self->src) != 0) {
        dw_msg_destroy(&msg);
        return -1;
    }
    dw_obj_t *body = dw_msg_body(msg);
    char path[256];
    int rc = 0;
    size_t errors_before = u->n_errors;
    for (size_t i = 0; rc == 0 && i < map->n_fields; i++) {
        body_path(path, sizeof path, &map->fields[i]);
        rc = set_field(self, body, &map->fields[i], &self->rows[0].body[i], self->rows[0].number, path);
    }
    if (rc == 0 && map->items_field && dw_obj_set_array(body, map->items_field) != DW_OK)
        rc = -1;
    for (size_t r = 0; rc == 0 && r < self->n_rows; r++) {
        const row_t *row = &self->rows[r];
        if (row->item < 0)
            continue;
        dw_obj_t *item = dw_obj_push_map(body, map->items_field);
        snprintf(path, sizeof path, "body.%s[%d]", map->items_field, row->item);
        if (!item || add_origin(u, path, row->number, "", "") != 0)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < map->n_items; i++) {
            item_path(path, sizeof path, map, row->item, &map->items[i]);
            rc = set_field(self, item, &map->items[i], &row->items[i], row->number, path);
        }
    }
    if (rc == 0 && u->n_errors == errors_before) {
        dw_error_t err = {0};
        if (dw_msg_encode(msg, &u->bytes, &err) != DW_OK)
            rc = dwctl_unit_add_error(map, u, err.field, dw_code_name(err.code), err.message);
        else if (!(u->id = strdup(id)))
            rc = -1;
    }
    dw_msg_destroy(&msg);
    return rc;
}

/* Finishes the collected rows as a unit in *out. */
static int finish(dwctl_rows_t *self, dwctl_unit_t **out)
{
    *out = NULL;
    if (!self->unit)
        return 0;
    int rc = 0;
    if (self->unit->n_errors == 0)
        rc = build(self);
    if (rc == 0 && self->unit->n_errors > 0 && self->n_rows > 1) {
        char msg[200];
        snprintf(msg, sizeof msg, "the form of rows %" PRId64 " to %" PRId64 " is not sent: fix the rows named",
                 self->unit->first_row, self->unit->last_row);
        rc = add_error_at(self->unit, self->unit->first_row, "", "", "", "", "form_incomplete", msg);
    }
    if (rc == 0 && self->key) {
        bool created;
        int64_t *first = dw_strmap_put(self->seen, self->key, &created);
        if (!first)
            rc = -1;
        else if (created)
            *first = self->unit->first_row;
    }
    if (rc != 0) {
        dwctl_rows_drop(self);
        return -1;
    }
    *out = self->unit;
    self->unit = NULL;
    dwctl_rows_drop(self);
    return 0;
}

/* The group key of r: the group_by values; NULL if one of them could not be read. */
static char *key_of(const dwctl_rows_t *self, const row_t *r)
{
    dw_buf_t key = DW_BUF_INIT;
    for (size_t g = 0; g < self->map->n_group_by; g++) {
        const dwctl_fieldmap_t *fm = dwctl_map_field(self->map, self->map->group_by[g]);
        const cell_t *c = &r->body[fm - self->map->fields];
        if (c->bad || dw_buf_puts(&key, c->text ? c->text : "") != 0 || dw_buf_append(&key, "\x1f", 1) != 0) {
            dw_buf_free(&key);
            return NULL;
        }
    }
    return key.data ? key.data : strdup("");
}

static int open_unit(dwctl_rows_t *self, int64_t row)
{
    self->unit = calloc(1, sizeof *self->unit);
    if (!self->unit)
        return -1;
    self->unit->first_row = self->unit->last_row = row;
    return 0;
}

static int push_row(dwctl_rows_t *self, row_t *r)
{
    if (self->n_rows == self->cap_rows) {
        size_t cap = self->cap_rows ? self->cap_rows * 2 : 8;
        row_t *rows = realloc(self->rows, cap * sizeof *rows);
        if (!rows)
            return -1;
        self->rows = rows;
        self->cap_rows = cap;
    }
    self->rows[self->n_rows++] = *r;
    self->unit->last_row = r->number;
    return 0;
}

/* A later row of a form must agree with its first on every field of the form. */
static int check_same_form(dwctl_rows_t *self, const row_t *r)
{
    const row_t *first = &self->rows[0];
    for (size_t i = 0; i < self->map->n_fields; i++) {
        const cell_t *a = &first->body[i], *b = &r->body[i];
        if (a->bad || b->bad)
            continue; /* reported already */
        if ((!a->text && !b->text) || (a->text && b->text && strcmp(a->text, b->text) == 0))
            continue;
        const char *column = self->map->fields[i].column ? self->map->fields[i].column : "";
        char path[128], msg[160];
        body_path(path, sizeof path, &self->map->fields[i]);
        snprintf(msg, sizeof msg, "differs from row %" PRId64 ", the first row of this form", first->number);
        if (add_error_at(self->unit, r->number, column, path, b->raw, a->raw, "form_mismatch", msg) != 0)
            return -1;
    }
    return 0;
}

/* A row that starts a new form: what is known against it. */
static int open_form(dwctl_rows_t *self, const row_t *r, char **key)
{
    if (open_unit(self, r->number) != 0)
        return -1;
    const int64_t *seen = *key ? dw_strmap_get(self->seen, *key) : NULL;
    char msg[200];
    if (seen) {
        snprintf(msg, sizeof msg,
                 "the rows of one form must be together: this form began at row %" PRId64
                 " and has more rows here, after other forms",
                 *seen);
        if (add_error_at(self->unit, r->number, "", "", "", "", "form_split", msg) != 0)
            return -1;
    }
    if (self->poison_next) {
        snprintf(msg, sizeof msg, "a row just before this form could not be read: it may belong to this form");
        if (add_error_at(self->unit, r->number, "", "", "", "", "form_incomplete", msg) != 0)
            return -1;
    }
    self->poison_next = false;
    self->key = *key;
    *key = NULL;
    return 0;
}

static int move_errors(dwctl_unit_t *to, dwctl_unit_t *from)
{
    for (size_t i = 0; i < from->n_errors; i++) {
        const dwctl_row_error_t *e = &from->errors[i];
        if (add_error_at(to, e->row, e->column, e->field, e->value, e->expected, e->code, e->message) != 0)
            return -1;
    }
    return 0;
}

int dwctl_rows_feed(dwctl_rows_t *self, const dwctl_csv_t *csv, dwctl_unit_t **out)
{
    *out = NULL;
    row_t r = {.number = dwctl_csv_row(csv), .item = -1};
    /* The row's own errors are kept apart until it is known which form it joins. */
    dwctl_unit_t *errs = calloc(1, sizeof *errs);
    char *key = NULL;
    int rc = -1;
    if (!errs || check_record(csv, self->n_header, errs) != 0 || convert_body(self, csv, &r, errs) != 0)
        goto out;
    if (self->map->items_field) {
        key = key_of(self, &r);
        bool keyed = key != NULL;
        bool joins = self->unit && (!keyed || (self->key && strcmp(key, self->key) == 0));
        if (joins) {
            if (check_same_form(self, &r) != 0)
                goto out;
        } else if (finish(self, out) != 0 || open_form(self, &r, &key) != 0) {
            goto out;
        }
        /* A row whose form cannot be told may belong to the next form as well. */
        if (!keyed)
            self->poison_next = true;
        else if (joins)
            self->poison_next = false;
    } else if (open_unit(self, r.number) != 0) {
        goto out;
    }
    if (convert_items(self, csv, &r, errs) != 0 || push_row(self, &r) != 0)
        goto out;
    r = (row_t){0};
    if (move_errors(self->unit, errs) != 0)
        goto out;
    rc = self->map->items_field ? 0 : finish(self, out);
out:
    free(key);
    free_cells(r.body, self->map->n_fields);
    free_cells(r.items, self->map->n_items);
    dwctl_unit_destroy(&errs);
    if (rc != 0)
        dwctl_unit_destroy(out);
    return rc;
}

int dwctl_rows_flush(dwctl_rows_t *self, dwctl_unit_t **out)
{
    return finish(self, out);
}
