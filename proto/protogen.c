/* dw-protogen — turns proto/schema.yaml into C.
 *
 *   dw-protogen SCHEMA.yaml TABLES.c      the tables declared in common/dw_schema.h
 *   dw-protogen --doc SCHEMA.yaml DOC.h   what only dw-protodoc needs: error codes with
 *                                         their meaning, topics, example sources, spec prose
 *
 * It links libyaml only: it runs before dw_common exists, since dw_common is
 * compiled with its output. A schema it does not fully understand is refused
 * with file:line: reason and exit status 1, and no output is left behind, so
 * a typo in the contract breaks the build instead of the wire. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dw_schema.h"

/* ------------------------------------------------------------------ errors */

static const char *g_file;
static int g_errors;

static void __attribute__((format(printf, 2, 3))) err_at(int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: ", g_file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    g_errors++;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "dw-protogen: out of memory\n");
        exit(2);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "dw-protogen: out of memory\n");
        exit(2);
    }
    return p;
}

/* -------------------------------------------------------------- YAML tree */

/* libyaml's events are read into a small tree that keeps each node's line,
 * so every later check can point at the line it is about. */
typedef enum { N_SCALAR, N_MAP, N_SEQ } nkind_t;

typedef struct node {
    nkind_t kind;
    int line;
    char *text;         /* N_SCALAR */
    struct node **kids; /* N_MAP: key, value, key, value ...; N_SEQ: items */
    size_t n, cap;
} node_t;

static node_t *node_new(nkind_t kind, int line)
{
    node_t *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->line = line;
    return n;
}

static void node_add(node_t *parent, node_t *kid)
{
    if (parent->n == parent->cap) {
        parent->cap = parent->cap ? parent->cap * 2 : 8;
        node_t **k = realloc(parent->kids, parent->cap * sizeof *k);
        if (!k) {
            fprintf(stderr, "dw-protogen: out of memory\n");
            exit(2);
        }
        parent->kids = k;
    }
    parent->kids[parent->n++] = kid;
}

static void node_free(node_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

#define MAX_NEST 64

/* Returns the document's root node, or NULL after printing why. */
static node_t *yaml_load(FILE *f)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    node_t *stack[MAX_NEST];
    int depth = 0;
    node_t *root = NULL;
    int docs = 0;
    bool ok = true, done = false;

    if (!yaml_parser_initialize(&parser)) {
        fprintf(stderr, "dw-protogen: cannot initialise libyaml\n");
        return NULL;
    }
    yaml_parser_set_input_file(&parser, f);
    while (ok && !done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            err_at((int)parser.problem_mark.line + 1, "yaml: %s%s%s", parser.problem ? parser.problem : "syntax error",
                   parser.context ? " " : "", parser.context ? parser.context : "");
            ok = false;
            break;
        }
        int line = (int)ev.start_mark.line + 1;
        node_t *n = NULL;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                err_at(line, "only one YAML document is allowed");
                ok = false;
            }
            break;
        case YAML_ALIAS_EVENT:
            /* aliases would let one field silently mirror another; say it twice instead */
            err_at(line, "aliases are not supported: write the value out");
            ok = false;
            break;
        case YAML_SCALAR_EVENT:
            n = node_new(N_SCALAR, line);
            n->text = xcalloc(ev.data.scalar.length + 1, 1);
            memcpy(n->text, ev.data.scalar.value, ev.data.scalar.length);
            if (strlen(n->text) != ev.data.scalar.length) {
                err_at(line, "NUL character in a scalar");
                ok = false;
            }
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: n = node_new(ev.type == YAML_SEQUENCE_START_EVENT ? N_SEQ : N_MAP, line); break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        default: break;
        }
        if (n) {
            if (depth > 0)
                node_add(stack[depth - 1], n);
            else if (!root)
                root = n;
            else
                node_free(n); /* cannot happen with one document */
            if (n->kind != N_SCALAR) {
                if (depth == MAX_NEST) {
                    err_at(line, "nesting deeper than %d", MAX_NEST);
                    ok = false;
                } else {
                    stack[depth++] = n;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (ok && !root)
        err_at(1, "the schema is empty");
    if (!ok || !root) {
        node_free(root);
        return NULL;
    }
    return root;
}

/* ------------------------------------------------------------- accessors */

static const char *kind_name(nkind_t k)
{
    return k == N_SCALAR ? "a scalar" : k == N_MAP ? "a mapping" : "a sequence";
}

static bool expect(const node_t *n, nkind_t kind, const char *what)
{
    if (n->kind == kind)
        return true;
    err_at(n->line, "%s must be %s, not %s", what, kind_name(kind), kind_name(n->kind));
    return false;
}

/* Checks a map's keys against the allowed list (refusing unknown and repeated
 * keys) and returns the value of each allowed key, or NULL, in vals[]. */
static bool map_keys(const node_t *m, const char *what, const char *const *allowed, node_t **vals)
{
    size_t n_allowed = 0;
    while (allowed[n_allowed])
        vals[n_allowed++] = NULL;
    if (!expect(m, N_MAP, what))
        return false;
    bool ok = true;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const node_t *k = m->kids[i];
        if (k->kind != N_SCALAR) {
            err_at(k->line, "%s: keys must be scalars", what);
            ok = false;
            continue;
        }
        size_t j = 0;
        while (j < n_allowed && strcmp(allowed[j], k->text) != 0)
            j++;
        if (j == n_allowed) {
            err_at(k->line, "%s: unknown key \"%s\"", what, k->text);
            ok = false;
        } else if (vals[j]) {
            err_at(k->line, "%s: key \"%s\" given twice", what, k->text);
            ok = false;
        } else {
            vals[j] = m->kids[i + 1];
        }
    }
    return ok;
}

static bool need(const node_t *parent, node_t *v, const char *key, const char *what)
{
    if (v)
        return true;
    err_at(parent->line, "%s: missing key \"%s\"", what, key);
    return false;
}

static bool parse_i64(const char *s, int64_t *out)
{
    if (!s[0] || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
        return false;
    const char *d = s[0] == '-' ? s + 1 : s;
    if (!*d || (d[0] == '0' && d[1]))
        return false; /* no leading zeros: they read as octal elsewhere */
    for (const char *p = d; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (int64_t)v;
    return true;
}

static bool scalar_i64(const node_t *n, const char *what, int64_t *out)
{
    if (!expect(n, N_SCALAR, what))
        return false;
    if (parse_i64(n->text, out))
        return true;
    err_at(n->line, "%s: \"%s\" is not a 64-bit integer", what, n->text);
    return false;
}

static bool scalar_bool(const node_t *n, const char *what, bool *out)
{
    if (!expect(n, N_SCALAR, what))
        return false;
    if (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0) {
        *out = n->text[0] == 't';
        return true;
    }
    err_at(n->line, "%s: \"%s\" must be true or false", what, n->text);
    return false;
}

static bool scalar_text(const node_t *n, const char *what, bool nonempty, char **out)
{
    if (!expect(n, N_SCALAR, what))
        return false;
    if (nonempty && !n->text[0]) {
        err_at(n->line, "%s must not be empty", what);
        return false;
    }
    *out = xstrdup(n->text);
    return true;
}

/* [min, max] as a two-item sequence of integers with min <= max. */
static bool scalar_pair(const node_t *n, const char *what, int64_t *lo, int64_t *hi)
{
    if (!expect(n, N_SEQ, what))
        return false;
    if (n->n != 2) {
        err_at(n->line, "%s must be [min, max]", what);
        return false;
    }
    if (!scalar_i64(n->kids[0], what, lo) || !scalar_i64(n->kids[1], what, hi))
        return false;
    if (*lo > *hi) {
        err_at(n->line, "%s: min %" PRId64 " is above max %" PRId64, what, *lo, *hi);
        return false;
    }
    return true;
}

static bool is_ident(const char *s, bool dots)
{
    if (!s[0] || !((s[0] >= 'a' && s[0] <= 'z')))
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || (dots && *p == '.')))
            return false;
    return s[strlen(s) - 1] != '.';
}

/* ----------------------------------------------------------- the schema */

typedef struct pobj pobj_t;

typedef struct pfield {
    int line;
    char *name;
    dw_ftype_t type;
    bool required;
    int64_t min, max;
    dw_pattern_t pattern;
    char **values;
    size_t n_values;
    pobj_t *object;
    char *doc;
    char *test;
    struct pfield *item; /* DW_FT_ARRAY */
} pfield_t;

struct pobj {
    char *name;
    char *cname;
    char *doc;
    int line;
    pfield_t *fields;
    size_t n_fields;
    bool emitted;
};

typedef struct ptype {
    int line;
    char *type;
    dw_direction_t direction;
    char *doc;
    char *topic;
    char *src;
    pobj_t *body;
} ptype_t;

typedef struct perror_code {
    char *code;
    char *stage;
    char *doc;
} perror_code_t;

typedef struct psection {
    char *title;
    char *text;
    char *insert;
} psection_t;

typedef struct schema {
    int64_t version;
    int64_t max_size, max_depth, max_count, max_str;
    perror_code_t *errors;
    size_t n_errors;
    pobj_t **objects; /* shared ones */
    size_t n_objects;
    pobj_t *envelope;
    ptype_t *types;
    size_t n_types;
    psection_t *sections;
    size_t n_sections;
    pobj_t **all; /* every object, for freeing */
    size_t n_all, cap_all;
} schema_t;

static const char *const ftype_names[] = {
    [DW_FT_STR] = "str",     [DW_FT_INT] = "int",         [DW_FT_FEN] = "fen",   [DW_FT_BOOL] = "bool",
    [DW_FT_DATE] = "date",   [DW_FT_DECIMAL] = "decimal", [DW_FT_ENUM] = "enum", [DW_FT_MAP] = "map",
    [DW_FT_ARRAY] = "array", [DW_FT_ANY] = "any",
};
#define N_FTYPES (sizeof ftype_names / sizeof ftype_names[0])

static const char *const ftype_c[] = {
    [DW_FT_STR] = "DW_FT_STR",   [DW_FT_INT] = "DW_FT_INT",   [DW_FT_FEN] = "DW_FT_FEN",
    [DW_FT_BOOL] = "DW_FT_BOOL", [DW_FT_DATE] = "DW_FT_DATE", [DW_FT_DECIMAL] = "DW_FT_DECIMAL",
    [DW_FT_ENUM] = "DW_FT_ENUM", [DW_FT_MAP] = "DW_FT_MAP",   [DW_FT_ARRAY] = "DW_FT_ARRAY",
    [DW_FT_ANY] = "DW_FT_ANY",
};

static pobj_t *obj_new(schema_t *s, const char *name, int line)
{
    pobj_t *o = xcalloc(1, sizeof *o);
    o->name = xstrdup(name);
    o->line = line;
    o->cname = xcalloc(strlen(name) + 1, 1);
    for (size_t i = 0; name[i]; i++)
        o->cname[i] = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ? name[i] : '_';
    if (s->n_all == s->cap_all) {
        s->cap_all = s->cap_all ? s->cap_all * 2 : 32;
        pobj_t **a = realloc(s->all, s->cap_all * sizeof *a);
        if (!a) {
            fprintf(stderr, "dw-protogen: out of memory\n");
            exit(2);
        }
        s->all = a;
    }
    s->all[s->n_all++] = o;
    return o;
}

static void field_free(pfield_t *f)
{
    free(f->name);
    for (size_t i = 0; i < f->n_values; i++)
        free(f->values[i]);
    free(f->values);
    free(f->doc);
    free(f->test);
    if (f->item) {
        field_free(f->item);
        free(f->item);
    }
}

static void schema_free(schema_t *s)
{
    for (size_t i = 0; i < s->n_errors; i++) {
        free(s->errors[i].code);
        free(s->errors[i].stage);
        free(s->errors[i].doc);
    }
    free(s->errors);
    for (size_t i = 0; i < s->n_all; i++) {
        pobj_t *o = s->all[i];
        for (size_t j = 0; j < o->n_fields; j++)
            field_free(&o->fields[j]);
        free(o->fields);
        free(o->name);
        free(o->cname);
        free(o->doc);
        free(o);
    }
    free(s->all);
    free(s->objects);
    for (size_t i = 0; i < s->n_types; i++) {
        free(s->types[i].type);
        free(s->types[i].doc);
        free(s->types[i].topic);
        free(s->types[i].src);
    }
    free(s->types);
    for (size_t i = 0; i < s->n_sections; i++) {
        free(s->sections[i].title);
        free(s->sections[i].text);
        free(s->sections[i].insert);
    }
    free(s->sections);
}

/* --------------------------------------------------------- test values */

static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

/* An exact decimal: -?digits(.digits)?, at most max_digits digits in all. */
static bool valid_decimal(const char *s, int64_t max_digits)
{
    const char *p = s;
    int64_t digits = 0;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    return !*p && digits <= max_digits;
}

static bool valid_pattern(const char *s, dw_pattern_t pat)
{
    for (const char *p = s; *p; p++) {
        bool digit = *p >= '0' && *p <= '9';
        bool letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
        if (pat == DW_PAT_DIGITS && !digit)
            return false;
        if (pat == DW_PAT_CODE && !digit && !letter && *p != '_' && *p != '-')
            return false;
    }
    return true;
}

static bool valid_hex(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n % 2)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* A scalar field's test value must pass the very checks the decoder makes. */
static void check_test(const pfield_t *f, const node_t *n, const char *what)
{
    const char *t = f->test;
    int64_t v;
    switch (f->type) {
    case DW_FT_STR:
        if ((int64_t)strlen(t) < f->min || (int64_t)strlen(t) > f->max)
            err_at(n->line, "%s: test value is %zu bytes, outside length [%" PRId64 ", %" PRId64 "]", what, strlen(t),
                   f->min, f->max);
        else if (!valid_pattern(t, f->pattern))
            err_at(n->line, "%s: test value \"%s\" does not match pattern %s", what, t,
                   f->pattern == DW_PAT_CODE ? "code" : "digits");
        break;
    case DW_FT_INT:
    case DW_FT_FEN:
        if (!parse_i64(t, &v))
            err_at(n->line, "%s: test value \"%s\" is not an integer", what, t);
        else if (v < f->min || v > f->max)
            err_at(n->line, "%s: test value %" PRId64 " outside range [%" PRId64 ", %" PRId64 "]", what, v, f->min,
                   f->max);
        break;
    case DW_FT_BOOL:
        if (strcmp(t, "true") != 0 && strcmp(t, "false") != 0)
            err_at(n->line, "%s: test value \"%s\" must be true or false", what, t);
        break;
    case DW_FT_DATE:
        if (!valid_date(t))
            err_at(n->line, "%s: test value \"%s\" is not a YYYY-MM-DD calendar date", what, t);
        break;
    case DW_FT_DECIMAL:
        if (!valid_decimal(t, f->max))
            err_at(n->line, "%s: test value \"%s\" is not a decimal of at most %" PRId64 " digits", what, t, f->max);
        break;
    case DW_FT_ENUM: {
        size_t i = 0;
        while (i < f->n_values && strcmp(f->values[i], t) != 0)
            i++;
        if (i == f->n_values)
            err_at(n->line, "%s: test value \"%s\" is not one of the values", what, t);
        break;
    }
    case DW_FT_ANY:
        if (!valid_hex(t))
            err_at(n->line, "%s: test value of an any must be its msgpack bytes in lower-case hex", what);
        break;
    case DW_FT_MAP:
    case DW_FT_ARRAY: break;
    }
}

/* ------------------------------------------------------------- fields */

enum {
    K_NAME,
    K_TYPE,
    K_REQUIRED,
    K_LENGTH,
    K_RANGE,
    K_DIGITS,
    K_COUNT,
    K_PATTERN,
    K_VALUES,
    K_FIELDS,
    K_OBJECT,
    K_ITEMS,
    K_DOC,
    K_TEST,
    K_N
};
static const char *const field_keys[] = {"name",   "type",  "required", "length", "range",
                                         "digits", "count", "pattern",  "values", "fields",
                                         "object", "items", "doc",      "test",   NULL};

static pobj_t *parse_object(schema_t *s, const node_t *fields, const char *name, int line);

static pobj_t *find_shared(schema_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_objects; i++)
        if (strcmp(s->objects[i]->name, name) == 0)
            return s->objects[i];
    return NULL;
}

static void refuse_key(node_t *v, const char *key, const char *what, const char *type)
{
    if (v)
        err_at(v->line, "%s: \"%s\" does not apply to type %s", what, key, type);
}

/* One field, or (is_item) an array's item. objname names the enclosing
 * object, so that a nested map gets a readable name. open_map lets the
 * envelope's body be a map whose keys depend on the type. */
static void parse_field(schema_t *s, const node_t *n, pfield_t *f, bool is_item, const char *objname, bool open_map)
{
    node_t *v[K_N];
    char what[256];
    snprintf(what, sizeof what, "%s", is_item ? "items" : "field");
    /* name the field in every message, even one about a key next to its name */
    for (size_t i = 0; !is_item && n->kind == N_MAP && i + 1 < n->n; i += 2)
        if (n->kids[i]->kind == N_SCALAR && strcmp(n->kids[i]->text, "name") == 0 && n->kids[i + 1]->kind == N_SCALAR)
            snprintf(what, sizeof what, "field %s", n->kids[i + 1]->text);
    if (!map_keys(n, what, field_keys, v))
        return;
    f->line = n->line;

    if (is_item) {
        if (v[K_NAME])
            err_at(v[K_NAME]->line, "items: an array item has no name");
        if (v[K_REQUIRED])
            err_at(v[K_REQUIRED]->line, "items: an array item has no required");
        f->name = xstrdup("item");
        f->required = true;
    } else {
        if (!need(n, v[K_NAME], "name", what) || !scalar_text(v[K_NAME], "field name", true, &f->name))
            return;
        if (!is_ident(f->name, false))
            err_at(v[K_NAME]->line, "field name \"%s\" must be lower-case letters, digits and _", f->name);
        snprintf(what, sizeof what, "field %s", f->name);
        if (need(n, v[K_REQUIRED], "required", what))
            scalar_bool(v[K_REQUIRED], what, &f->required);
        if (need(n, v[K_DOC], "doc", what))
            scalar_text(v[K_DOC], what, true, &f->doc);
    }
    if (is_item && v[K_DOC])
        scalar_text(v[K_DOC], what, false, &f->doc);

    if (!need(n, v[K_TYPE], "type", what) || !expect(v[K_TYPE], N_SCALAR, "type"))
        return;
    size_t t = 0;
    while (t < N_FTYPES && strcmp(ftype_names[t], v[K_TYPE]->text) != 0)
        t++;
    if (t == N_FTYPES) {
        err_at(v[K_TYPE]->line, "%s: unknown type \"%s\" (str int fen bool date decimal enum map array any)", what,
               v[K_TYPE]->text);
        return;
    }
    f->type = (dw_ftype_t)t;
    const char *tn = ftype_names[t];
    if (is_item && f->type == DW_FT_ARRAY) {
        err_at(v[K_TYPE]->line, "items: arrays of arrays cannot be expressed; use a map");
        return;
    }

    /* each type takes exactly its own limit keys, so a limit never silently means nothing */
    bool is_str = f->type == DW_FT_STR, is_num = f->type == DW_FT_INT || f->type == DW_FT_FEN;
    if (!is_str)
        refuse_key(v[K_LENGTH], "length", what, tn), refuse_key(v[K_PATTERN], "pattern", what, tn);
    if (!is_num)
        refuse_key(v[K_RANGE], "range", what, tn);
    if (f->type != DW_FT_DECIMAL)
        refuse_key(v[K_DIGITS], "digits", what, tn);
    if (f->type != DW_FT_ARRAY)
        refuse_key(v[K_COUNT], "count", what, tn), refuse_key(v[K_ITEMS], "items", what, tn);
    if (f->type != DW_FT_ENUM)
        refuse_key(v[K_VALUES], "values", what, tn);
    if (f->type != DW_FT_MAP)
        refuse_key(v[K_FIELDS], "fields", what, tn), refuse_key(v[K_OBJECT], "object", what, tn);

    switch (f->type) {
    case DW_FT_STR:
        if (need(n, v[K_LENGTH], "length", what) && scalar_pair(v[K_LENGTH], "length", &f->min, &f->max) &&
            (f->min < 0 || f->max > s->max_str))
            err_at(v[K_LENGTH]->line, "%s: length must lie within [0, max_str %" PRId64 "]", what, s->max_str);
        if (v[K_PATTERN] && expect(v[K_PATTERN], N_SCALAR, "pattern")) {
            if (strcmp(v[K_PATTERN]->text, "code") == 0)
                f->pattern = DW_PAT_CODE;
            else if (strcmp(v[K_PATTERN]->text, "digits") == 0)
                f->pattern = DW_PAT_DIGITS;
            else
                err_at(v[K_PATTERN]->line, "%s: unknown pattern \"%s\" (code or digits)", what, v[K_PATTERN]->text);
        }
        break;
    case DW_FT_INT:
    case DW_FT_FEN:
        if (need(n, v[K_RANGE], "range", what))
            scalar_pair(v[K_RANGE], "range", &f->min, &f->max);
        break;
    case DW_FT_DECIMAL:
        if (need(n, v[K_DIGITS], "digits", what) && scalar_i64(v[K_DIGITS], "digits", &f->max) &&
            (f->max < 1 || f->max > 38))
            err_at(v[K_DIGITS]->line, "%s: digits must be 1..38", what);
        break;
    case DW_FT_ENUM:
        if (!need(n, v[K_VALUES], "values", what) || !expect(v[K_VALUES], N_SEQ, "values"))
            break;
        if (v[K_VALUES]->n == 0)
            err_at(v[K_VALUES]->line, "%s: values must not be empty", what);
        f->values = xcalloc(v[K_VALUES]->n, sizeof *f->values);
        for (size_t i = 0; i < v[K_VALUES]->n; i++) {
            const node_t *e = v[K_VALUES]->kids[i];
            if (!scalar_text(e, "enum value", true, &f->values[f->n_values]))
                continue;
            if (!is_ident(f->values[f->n_values], false))
                err_at(e->line, "%s: enum value \"%s\" must be lower-case letters, digits and _", what, e->text);
            for (size_t j = 0; j < f->n_values; j++)
                if (strcmp(f->values[j], e->text) == 0)
                    err_at(e->line, "%s: enum value \"%s\" listed twice", what, e->text);
            f->n_values++;
        }
        break;
    case DW_FT_MAP: {
        if (v[K_FIELDS] && v[K_OBJECT]) {
            err_at(v[K_OBJECT]->line, "%s: give fields or object, not both", what);
            break;
        }
        if (v[K_OBJECT]) {
            if (!expect(v[K_OBJECT], N_SCALAR, "object"))
                break;
            f->object = find_shared(s, v[K_OBJECT]->text);
            if (!f->object)
                err_at(v[K_OBJECT]->line, "%s: no object named \"%s\" under objects", what, v[K_OBJECT]->text);
        } else if (v[K_FIELDS]) {
            char name[512];
            if (is_item)
                snprintf(name, sizeof name, "%s[]", objname); /* target.declaration.indicators[] */
            else
                snprintf(name, sizeof name, "%s.%s", objname, f->name);
            f->object = parse_object(s, v[K_FIELDS], name, v[K_FIELDS]->line);
        } else if (!open_map) {
            err_at(n->line, "%s: a map needs fields or object", what);
        }
        break;
    }
    case DW_FT_ARRAY:
        if (need(n, v[K_COUNT], "count", what) && scalar_pair(v[K_COUNT], "count", &f->min, &f->max) &&
            (f->min < 0 || f->max > s->max_count))
            err_at(v[K_COUNT]->line, "%s: count must lie within [0, max_count %" PRId64 "]", what, s->max_count);
        if (need(n, v[K_ITEMS], "items", what)) {
            f->item = xcalloc(1, sizeof *f->item);
            char name[512];
            snprintf(name, sizeof name, "%s.%s", objname, f->name);
            parse_field(s, v[K_ITEMS], f->item, true, name, false);
        }
        if (v[K_TEST])
            err_at(v[K_TEST]->line, "%s: an array's test value goes under items (the one item)", what);
        return;
    case DW_FT_BOOL:
    case DW_FT_DATE:
    case DW_FT_ANY: break;
    }

    if (f->type == DW_FT_MAP) {
        if (v[K_TEST])
            err_at(v[K_TEST]->line, "%s: a map has no test value; it is built from its fields", what);
        return;
    }
    if (!v[K_TEST]) {
        err_at(n->line, "%s: missing test value (key \"test\")", what);
        return;
    }
    if (scalar_text(v[K_TEST], "test", false, &f->test))
        check_test(f, v[K_TEST], what);
}

static pobj_t *parse_object(schema_t *s, const node_t *fields, const char *name, int line)
{
    pobj_t *o = obj_new(s, name, line);
    if (!expect(fields, N_SEQ, "fields"))
        return o;
    o->fields = xcalloc(fields->n, sizeof *o->fields);
    for (size_t i = 0; i < fields->n; i++) {
        pfield_t *f = &o->fields[o->n_fields];
        parse_field(s, fields->kids[i], f, false, name, false);
        if (!f->name) {
            field_free(f);
            memset(f, 0, sizeof *f);
            continue;
        }
        for (size_t j = 0; j < o->n_fields; j++)
            if (strcmp(o->fields[j].name, f->name) == 0)
                err_at(fields->kids[i]->line, "field \"%s\" declared twice in %s", f->name, name);
        o->n_fields++;
    }
    return o;
}

/* ---------------------------------------------------------- top level */

static void parse_limits(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"max_size", "max_depth", "max_count", "max_str", NULL};
    node_t *v[4];
    int64_t *dst[] = {&s->max_size, &s->max_depth, &s->max_count, &s->max_str};
    static const int64_t cap[] = {INT32_MAX, 1000, UINT32_MAX, UINT32_MAX};
    if (!map_keys(n, "limits", keys, v))
        return;
    for (int i = 0; i < 4; i++) {
        if (!need(n, v[i], keys[i], "limits") || !scalar_i64(v[i], keys[i], dst[i]))
            continue;
        if (*dst[i] < 1 || *dst[i] > cap[i])
            err_at(v[i]->line, "limits: %s must be 1..%" PRId64, keys[i], cap[i]);
    }
}

static void parse_errors(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"code", "stage", "doc", NULL};
    static const char *const stages[] = {"frame", "schema", "delivery", "business", NULL};
    if (!expect(n, N_SEQ, "errors"))
        return;
    s->errors = xcalloc(n->n, sizeof *s->errors);
    for (size_t i = 0; i < n->n; i++) {
        node_t *v[3];
        perror_code_t *e = &s->errors[s->n_errors];
        if (!map_keys(n->kids[i], "error", keys, v))
            continue;
        if (!need(n->kids[i], v[0], "code", "error") || !scalar_text(v[0], "error code", true, &e->code))
            continue;
        s->n_errors++;
        if (!is_ident(e->code, false))
            err_at(v[0]->line, "error code \"%s\" must be lower-case letters, digits and _", e->code);
        for (size_t j = 0; j + 1 < s->n_errors; j++)
            if (strcmp(s->errors[j].code, e->code) == 0)
                err_at(v[0]->line, "error code \"%s\" listed twice", e->code);
        if (need(n->kids[i], v[1], "stage", "error") && scalar_text(v[1], "stage", true, &e->stage)) {
            size_t k = 0;
            while (stages[k] && strcmp(stages[k], e->stage) != 0)
                k++;
            if (!stages[k])
                err_at(v[1]->line, "error %s: unknown stage \"%s\" (frame schema delivery business)", e->code,
                       e->stage);
        }
        if (need(n->kids[i], v[2], "doc", "error"))
            scalar_text(v[2], "doc", true, &e->doc);
    }
}

static void parse_shared_objects(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"name", "doc", "fields", NULL};
    if (!expect(n, N_SEQ, "objects"))
        return;
    s->objects = xcalloc(n->n, sizeof *s->objects);
    for (size_t i = 0; i < n->n; i++) {
        node_t *v[3];
        if (!map_keys(n->kids[i], "object", keys, v) || !need(n->kids[i], v[0], "name", "object") ||
            !need(n->kids[i], v[2], "fields", "object") || !expect(v[0], N_SCALAR, "object name"))
            continue;
        if (!is_ident(v[0]->text, false)) {
            err_at(v[0]->line, "object name \"%s\" must be lower-case letters, digits and _", v[0]->text);
            continue;
        }
        if (find_shared(s, v[0]->text)) {
            err_at(v[0]->line, "object \"%s\" declared twice", v[0]->text);
            continue;
        }
        pobj_t *o = parse_object(s, v[2], v[0]->text, v[0]->line);
        if (need(n->kids[i], v[1], "doc", "object"))
            scalar_text(v[1], "doc", true, &o->doc);
        s->objects[s->n_objects++] = o;
    }
}

static void parse_envelope(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"doc", "fields", NULL};
    static const char *const names[] = {"v", "type", "id", "src", "ts", "body", "seq", "stream"};
    static const dw_ftype_t types[] = {DW_FT_INT, DW_FT_STR, DW_FT_STR, DW_FT_STR,
                                       DW_FT_INT, DW_FT_MAP, DW_FT_INT, DW_FT_STR};
    node_t *v[2];
    if (!map_keys(n, "envelope", keys, v) || !need(n, v[1], "fields", "envelope") || !expect(v[1], N_SEQ, "fields"))
        return;
    pobj_t *o = obj_new(s, "envelope", n->line);
    s->envelope = o;
    if (need(n, v[0], "doc", "envelope"))
        scalar_text(v[0], "doc", true, &o->doc);
    o->fields = xcalloc(v[1]->n, sizeof *o->fields);
    for (size_t i = 0; i < v[1]->n; i++) {
        pfield_t *f = &o->fields[o->n_fields];
        const char *expect_name = i < 8 ? names[i] : "";
        parse_field(s, v[1]->kids[i], f, false, "envelope", strcmp(expect_name, "body") == 0);
        if (!f->name) {
            field_free(f);
            memset(f, 0, sizeof *f);
            continue;
        }
        o->n_fields++;
        /* the services read these keys by name: the envelope is fixed by DESIGN.md */
        if (i >= 8 || strcmp(f->name, names[i]) != 0 || f->type != types[i])
            err_at(v[1]->kids[i]->line, "envelope field %zu must be \"%s\" of type %s", i + 1,
                   i < 8 ? names[i] : "(none)", i < 8 ? ftype_names[types[i]] : "-");
    }
    if (o->n_fields < 8)
        err_at(v[1]->line, "envelope must declare v type id src ts body seq stream, in that order");
    if (o->n_fields >= 1 && (s->version < o->fields[0].min || s->version > o->fields[0].max))
        err_at(v[1]->line, "envelope: v's range must include version %" PRId64, s->version);
}

/* A topic is "stream.<field>.<field>." with literal or <field> segments. Each
 * <field> must be a required body field whose every value is safe inside a
 * segment (an enum, or a str of pattern code), or subscribers' prefixes break. */
static void check_topic(const ptype_t *t, int line)
{
    const char *p = t->topic;
    bool first = true;
    while (*p) {
        const char *dot = strchr(p, '.');
        if (!dot)
            break; /* the final dot was checked by the caller */
        size_t n = (size_t)(dot - p);
        if (n == 0) {
            err_at(line, "type %s: empty segment in topic %s", t->type, t->topic);
            return;
        }
        if (p[0] == '<' && p[n - 1] == '>' && n > 2) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(n - 2), p + 1);
            const pfield_t *f = NULL;
            for (size_t i = 0; i < t->body->n_fields; i++)
                if (strcmp(t->body->fields[i].name, name) == 0)
                    f = &t->body->fields[i];
            if (first)
                err_at(line, "type %s: the first topic segment is the stream and must be literal", t->type);
            else if (!f)
                err_at(line, "type %s: topic segment <%s> is not a field of the body", t->type, name);
            else if (!f->required || !(f->type == DW_FT_ENUM || (f->type == DW_FT_STR && f->pattern == DW_PAT_CODE)))
                err_at(line, "type %s: topic segment <%s> must be a required enum, or str with pattern code", t->type,
                       name);
        } else {
            for (size_t i = 0; i < n; i++)
                if (!valid_pattern((char[]){p[i], 0}, DW_PAT_CODE)) {
                    err_at(line, "type %s: topic segment \"%.*s\" must be letters, digits, _ or -", t->type, (int)n, p);
                    return;
                }
        }
        first = false;
        p = dot + 1;
    }
}

static void parse_types(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"type", "direction", "doc", "topic", "src", "fields", NULL};
    static const char *const dirs[] = {
        [DW_DIR_IN] = "in", [DW_DIR_OUT] = "out", [DW_DIR_REPLY] = "reply", [DW_DIR_INTERNAL] = "internal"};
    if (!expect(n, N_SEQ, "types"))
        return;
    s->types = xcalloc(n->n, sizeof *s->types);
    for (size_t i = 0; i < n->n; i++) {
        node_t *v[6];
        const node_t *tn = n->kids[i];
        ptype_t *t = &s->types[s->n_types];
        if (!map_keys(tn, "type", keys, v) || !need(tn, v[0], "type", "type") ||
            !scalar_text(v[0], "type name", true, &t->type))
            continue;
        t->line = tn->line;
        s->n_types++;
        char what[128];
        snprintf(what, sizeof what, "type %s", t->type);
        if (!is_ident(t->type, true))
            err_at(v[0]->line, "type name \"%s\" must be lower-case dotted words", t->type);
        for (size_t j = 0; j + 1 < s->n_types; j++)
            if (strcmp(s->types[j].type, t->type) == 0)
                err_at(v[0]->line, "type \"%s\" declared twice", t->type);
        if (need(tn, v[1], "direction", what) && expect(v[1], N_SCALAR, "direction")) {
            size_t d = 0;
            while (d < 4 && strcmp(dirs[d], v[1]->text) != 0)
                d++;
            if (d == 4)
                err_at(v[1]->line, "%s: unknown direction \"%s\" (in out reply internal)", what, v[1]->text);
            t->direction = (dw_direction_t)(d == 4 ? 0 : d);
        }
        if (need(tn, v[2], "doc", what))
            scalar_text(v[2], "doc", true, &t->doc);
        /* a topic is what a subscriber filters on: only published types have one */
        if (t->direction == DW_DIR_OUT) {
            if (need(tn, v[3], "topic", what) && scalar_text(v[3], "topic", true, &t->topic)) {
                size_t len = strlen(t->topic);
                if (t->topic[len - 1] != '.')
                    err_at(v[3]->line, "%s: a topic ends with a dot", what);
            }
        } else if (v[3]) {
            err_at(v[3]->line, "%s: only outbound types have a topic", what);
        }
        /* src: the producing system an example uses; published types are always from dw-notify */
        if (t->direction == DW_DIR_IN || t->direction == DW_DIR_INTERNAL) {
            if (need(tn, v[4], "src", what) && scalar_text(v[4], "src", true, &t->src) &&
                !valid_pattern(t->src, DW_PAT_CODE))
                err_at(v[4]->line, "%s: src must match pattern code", what);
        } else if (v[4]) {
            err_at(v[4]->line, "%s: only in and internal types name a src", what);
        }
        if (need(tn, v[5], "fields", what))
            t->body = parse_object(s, v[5], t->type, v[5]->line);
        if (t->topic && t->body)
            check_topic(t, v[3]->line);
    }
}

static void parse_spec(schema_t *s, const node_t *n)
{
    static const char *const keys[] = {"title", "text", "insert", NULL};
    static const char *const inserts[] = {"envelope", "limits", "errors", "topics", "types", NULL};
    if (!expect(n, N_SEQ, "spec"))
        return;
    s->sections = xcalloc(n->n, sizeof *s->sections);
    for (size_t i = 0; i < n->n; i++) {
        node_t *v[3];
        psection_t *sec = &s->sections[s->n_sections];
        if (!map_keys(n->kids[i], "spec section", keys, v))
            continue;
        s->n_sections++;
        if (need(n->kids[i], v[0], "title", "spec section"))
            scalar_text(v[0], "title", true, &sec->title);
        if (v[1])
            scalar_text(v[1], "text", false, &sec->text);
        if (v[2] && scalar_text(v[2], "insert", true, &sec->insert)) {
            size_t k = 0;
            while (inserts[k] && strcmp(inserts[k], sec->insert) != 0)
                k++;
            if (!inserts[k])
                err_at(v[2]->line, "spec section: unknown insert \"%s\" (envelope limits errors topics types)",
                       sec->insert);
        }
    }
}

static void parse_schema(schema_t *s, const node_t *root)
{
    static const char *const keys[] = {"version", "limits", "errors", "objects", "envelope", "types", "spec", NULL};
    node_t *v[7];
    if (!map_keys(root, "schema", keys, v))
        return;
    bool complete = true;
    for (int i = 0; i < 7; i++)
        if (i != 3 && i != 6 && !need(root, v[i], keys[i], "schema"))
            complete = false;
    if (!complete)
        return;
    if (scalar_i64(v[0], "version", &s->version) && s->version < 1)
        err_at(v[0]->line, "version must be 1 or more");
    parse_limits(s, v[1]);
    parse_errors(s, v[2]);
    if (v[3])
        parse_shared_objects(s, v[3]);
    parse_envelope(s, v[4]);
    parse_types(s, v[5]);
    if (v[6])
        parse_spec(s, v[6]);
}

/* ------------------------------------------------------------ C output */

/* A C string literal. UTF-8 passes through (the sources are UTF-8); '?' is
 * escaped so no trigraph can form. */
static void put_cstr(FILE *out, const char *s)
{
    if (!s) {
        fputs("NULL", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        case '?': fputs("\\?", out); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\%03o", *p);
            else
                fputc(*p, out);
        }
    }
    fputc('"', out);
}

static void put_i64(FILE *out, int64_t v)
{
    if (v == INT64_MAX)
        fputs("INT64_MAX", out);
    else if (v == INT64_MIN)
        fputs("INT64_MIN", out);
    else
        fprintf(out, "INT64_C(%" PRId64 ")", v);
}

static const char *pattern_c(dw_pattern_t p)
{
    return p == DW_PAT_CODE ? "DW_PAT_CODE" : p == DW_PAT_DIGITS ? "DW_PAT_DIGITS" : "DW_PAT_NONE";
}

static void emit_object(FILE *out, pobj_t *o);

/* Writes what a field points at (enum lists, nested objects) before the field. */
static void emit_deps(FILE *out, const pobj_t *o, size_t idx, const pfield_t *f)
{
    const pfield_t *e = f->type == DW_FT_ARRAY ? f->item : f;
    if (!e)
        return;
    if (e->object)
        emit_object(out, e->object);
    if (e->type == DW_FT_ENUM) {
        fprintf(out, "static const char *const dw_enum_%s_%zu[] = {", o->cname, idx);
        for (size_t i = 0; i < e->n_values; i++) {
            put_cstr(out, e->values[i]);
            fputs(", ", out);
        }
        fputs("NULL};\n", out);
    }
}

static void emit_fields(FILE *out, pobj_t *o)
{
    for (size_t i = 0; i < o->n_fields; i++)
        emit_deps(out, o, i, &o->fields[i]);
    if (o->n_fields) {
        fprintf(out, "\nstatic const dw_field_def_t dw_fields_%s[] = {\n", o->cname);
        for (size_t i = 0; i < o->n_fields; i++) {
            const pfield_t *f = &o->fields[i];
            const pfield_t *e = f->type == DW_FT_ARRAY && f->item ? f->item : f;
            fputs("    {.name = ", out);
            put_cstr(out, f->name);
            fprintf(out, ", .type = %s, .required = %s, .min = ", ftype_c[f->type], f->required ? "true" : "false");
            put_i64(out, f->min);
            fputs(", .max = ", out);
            put_i64(out, f->max);
            fprintf(out, ",\n     .pattern = %s", pattern_c(e->pattern));
            if (f->type == DW_FT_ARRAY && f->item) {
                fprintf(out, ", .item_type = %s, .item_min = ", ftype_c[e->type]);
                put_i64(out, e->min);
                fputs(", .item_max = ", out);
                put_i64(out, e->max);
            }
            if (e->type == DW_FT_ENUM)
                fprintf(out, ", .enum_values = dw_enum_%s_%zu", o->cname, i);
            if (e->object)
                fprintf(out, ", .object = &dw_object_%s", e->object->cname);
            fputs(",\n     .doc = ", out);
            put_cstr(out, f->doc);
            fputs(",\n     .test_value = ", out);
            put_cstr(out, e->test);
            fputs("},\n", out);
        }
        fputs("};\n", out);
    }
}

static void emit_object(FILE *out, pobj_t *o)
{
    if (o->emitted)
        return;
    o->emitted = true;
    emit_fields(out, o);
    fprintf(out, "static const dw_object_def_t dw_object_%s = {", o->cname);
    put_cstr(out, o->name);
    if (o->n_fields)
        fprintf(out, ", dw_fields_%s, %zu};\n", o->cname, o->n_fields);
    else
        fputs(", NULL, 0};\n", out);
}

static const char *direction_c(dw_direction_t d)
{
    switch (d) {
    case DW_DIR_IN: return "DW_DIR_IN";
    case DW_DIR_OUT: return "DW_DIR_OUT";
    case DW_DIR_REPLY: return "DW_DIR_REPLY";
    case DW_DIR_INTERNAL: return "DW_DIR_INTERNAL";
    }
    return "DW_DIR_IN";
}

static void emit_tables(FILE *out, schema_t *s)
{
    fputs("/* Generated by dw-protogen from proto/schema.yaml: do not edit, change the schema. */\n"
          "#include \"dw_schema.h\"\n\n"
          "#include <stddef.h>\n#include <stdint.h>\n",
          out);
    for (size_t i = 0; i < s->n_all; i++)
        if (s->all[i] != s->envelope)
            emit_object(out, s->all[i]);
    /* the envelope is exported under its own name, so it gets no static object of its own */
    emit_fields(out, s->envelope);
    fprintf(out, "\nconst int dw_schema_version = %" PRId64 ";\n", s->version);
    fprintf(out,
            "const dw_limits_t dw_schema_limits = {.max_size = %" PRId64 ", .max_depth = %" PRId64
            ", .max_count = %" PRId64 ", .max_str = %" PRId64 "};\n",
            s->max_size, s->max_depth, s->max_count, s->max_str);
    fprintf(out, "const dw_object_def_t dw_schema_envelope = {\"envelope\", dw_fields_%s, %zu};\n\n",
            s->envelope->cname, s->envelope->n_fields);
    fputs("const dw_type_def_t dw_schema_types[] = {\n", out);
    for (size_t i = 0; i < s->n_types; i++) {
        const ptype_t *t = &s->types[i];
        fputs("    {", out);
        put_cstr(out, t->type);
        fprintf(out, ", %s, &dw_object_%s, ", direction_c(t->direction), t->body->cname);
        put_cstr(out, t->doc);
        fputs("},\n", out);
    }
    fputs("};\nconst size_t dw_schema_n_types = sizeof dw_schema_types / sizeof dw_schema_types[0];\n", out);
}

static void emit_doc(FILE *out, const schema_t *s)
{
    fputs("/* Generated by dw-protogen --doc from proto/schema.yaml: do not edit, change the schema.\n"
          " * What dw-protodoc needs beyond the tables in dw_schema.h; included by protodoc.c alone. */\n"
          "#include <stddef.h>\n\n"
          "typedef struct dw_pd_error {\n    const char *code;\n    const char *stage;\n    const char *doc;\n"
          "} dw_pd_error_t;\n\n"
          "typedef struct dw_pd_type {\n    const char *type;\n    const char *topic;\n    const char *src;\n"
          "} dw_pd_type_t;\n\n"
          "typedef struct dw_pd_section {\n    const char *title;\n    const char *text;\n    const char *insert;\n"
          "} dw_pd_section_t;\n\n",
          out);
    fputs("static const dw_pd_error_t dw_pd_errors[] = {\n", out);
    for (size_t i = 0; i < s->n_errors; i++) {
        fputs("    {", out);
        put_cstr(out, s->errors[i].code);
        fputs(", ", out);
        put_cstr(out, s->errors[i].stage);
        fputs(", ", out);
        put_cstr(out, s->errors[i].doc);
        fputs("},\n", out);
    }
    fprintf(out, "};\nstatic const size_t dw_pd_n_errors = %zu;\n\n", s->n_errors);
    fputs("/* in the order of dw_schema_types */\nstatic const dw_pd_type_t dw_pd_types[] = {\n", out);
    for (size_t i = 0; i < s->n_types; i++) {
        fputs("    {", out);
        put_cstr(out, s->types[i].type);
        fputs(", ", out);
        put_cstr(out, s->types[i].topic);
        fputs(", ", out);
        put_cstr(out, s->types[i].src);
        fputs("},\n", out);
    }
    fprintf(out, "};\nstatic const size_t dw_pd_n_types = %zu;\n\n", s->n_types);
    fputs("static const dw_pd_section_t dw_pd_sections[] = {\n", out);
    for (size_t i = 0; i < s->n_sections; i++) {
        fputs("    {", out);
        put_cstr(out, s->sections[i].title);
        fputs(",\n     ", out);
        put_cstr(out, s->sections[i].text);
        fputs(",\n     ", out);
        put_cstr(out, s->sections[i].insert);
        fputs("},\n", out);
    }
    if (!s->n_sections)
        fputs("    {NULL, NULL, NULL},\n", out);
    fprintf(out, "};\nstatic const size_t dw_pd_n_sections = %zu;\n", s->n_sections);
}

/* ----------------------------------------------------------------- main */

static int usage(void)
{
    fprintf(stderr, "usage: dw-protogen SCHEMA.yaml TABLES.c\n"
                    "       dw-protogen --doc SCHEMA.yaml DOC.h\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool doc = argc == 4 && strcmp(argv[1], "--doc") == 0;
    if (argc != 3 && !doc)
        return usage();
    g_file = argv[doc ? 2 : 1];
    const char *out_path = argv[doc ? 3 : 2];

    FILE *in = fopen(g_file, "rb");
    if (!in) {
        fprintf(stderr, "%s: cannot open: %s\n", g_file, strerror(errno));
        return 1;
    }
    node_t *root = yaml_load(in);
    fclose(in);
    if (!root)
        return 1;

    schema_t s;
    memset(&s, 0, sizeof s);
    parse_schema(&s, root);
    node_free(root);
    if (!g_errors && !s.envelope)
        err_at(1, "no envelope");
    if (g_errors) {
        fprintf(stderr, "%s: %d error%s, nothing written\n", g_file, g_errors, g_errors == 1 ? "" : "s");
        schema_free(&s);
        return 1;
    }

    /* write beside the target and rename, so a failed run never leaves half a file for make to trust */
    size_t tmp_len = strlen(out_path) + 8;
    char *tmp = xcalloc(tmp_len, 1);
    snprintf(tmp, tmp_len, "%s.tmp", out_path);
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        fprintf(stderr, "%s: cannot create: %s\n", tmp, strerror(errno));
        free(tmp);
        schema_free(&s);
        return 1;
    }
    if (doc)
        emit_doc(out, &s);
    else
        emit_tables(out, &s);
    int rc = 0;
    if (ferror(out) | fclose(out)) {
        fprintf(stderr, "%s: write failed\n", tmp);
        rc = 1;
    } else if (rename(tmp, out_path) != 0) {
        fprintf(stderr, "%s: cannot rename to %s: %s\n", tmp, out_path, strerror(errno));
        rc = 1;
    }
    if (rc)
        remove(tmp);
    free(tmp);
    schema_free(&s);
    return rc;
}
