/* dw-protodoc — what integrators and tests read, written from the schema tables.
 *
 *   dw-protodoc --spec FILE      proto/SPEC.md: the wire contract, prose from
 *                                schema.yaml's spec sections, every table from
 *                                dw_schema_types
 *   dw-protodoc --examples DIR   DIR/<type>.hex for every in, out and reply type:
 *                                the reference encoding of its test values
 *   dw-protodoc --check-codes    the schema's error list and dw_code_name() agree
 *
 * The examples go through the codec itself (dw_msg_new, dw_obj_fill_test_values,
 * dw_msg_encode), so a change in the schema or in the encoder shows up as a
 * changed file in review, and proto.examples fails until it is committed. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_buf.h"
#include "dw_error.h"
#include "dw_msg.h"
#include "dw_schema.h"
#include "protodoc_data.h"

/* Fixed envelope of every example: 2026-01-01 08:00:00 Asia/Shanghai (00:00 UTC). */
#define EXAMPLE_ID      "example-1"
#define EXAMPLE_TS      INT64_C(1767225600000)
#define EXAMPLE_OUT_SRC "notify"
#define EXAMPLE_SEQ     1
#define HEX_PER_LINE    64

static const dw_pd_type_t *pd_type(const char *type)
{
    for (size_t i = 0; i < dw_pd_n_types; i++)
        if (strcmp(dw_pd_types[i].type, type) == 0)
            return &dw_pd_types[i];
    return NULL;
}

/* The stream is the topic's first segment: "alert" for "alert.<level>.…". */
static void topic_stream(const char *topic, char *out, size_t outlen)
{
    size_t n = strcspn(topic, ".");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, topic, n);
    out[n] = '\0';
}

static bool documented(const dw_type_def_t *t)
{
    return t->direction != DW_DIR_INTERNAL;
}

/* ------------------------------------------------------------- examples */

static dw_code_t example_encode(const dw_type_def_t *t, dw_buf_t *out, dw_error_t *err)
{
    const dw_pd_type_t *pd = pd_type(t->type);
    const char *src = t->direction == DW_DIR_OUT ? EXAMPLE_OUT_SRC : pd && pd->src ? pd->src : EXAMPLE_OUT_SRC;
    dw_msg_t *m = dw_msg_new(t->type, EXAMPLE_ID, src, EXAMPLE_TS);
    if (!m)
        return dw_error_set(err, DW_E_INTERNAL, "", "cannot create a %s message", t->type);
    dw_code_t rc = DW_OK;
    if (t->direction == DW_DIR_OUT) {
        char stream[64];
        topic_stream(pd && pd->topic ? pd->topic : t->type, stream, sizeof stream);
        rc = dw_msg_set_published(m, stream, EXAMPLE_SEQ);
        if (rc != DW_OK)
            dw_error_set(err, rc, "stream", "cannot set stream %s", stream);
    }
    if (rc == DW_OK)
        rc = dw_obj_fill_test_values(dw_msg_body(m), err);
    if (rc == DW_OK)
        rc = dw_msg_encode(m, out, err);
    dw_msg_destroy(&m);
    return rc;
}

/* Lower-case hex, HEX_PER_LINE characters per line, each line ending in \n. */
static int hex_lines(dw_buf_t *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t off = 0; off < len; off += HEX_PER_LINE / 2) {
        size_t n = len - off < HEX_PER_LINE / 2 ? len - off : HEX_PER_LINE / 2;
        if (dw_buf_hex(out, p + off, n) != 0 || dw_buf_puts(out, "\n") != 0)
            return -1;
    }
    return 0;
}

static int write_file(const char *path, const dw_buf_t *b)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "dw-protodoc: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t n = b->len ? fwrite(b->data, 1, b->len, f) : 0;
    if ((fclose(f) != 0) | (n != b->len)) {
        fprintf(stderr, "dw-protodoc: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A .hex for a type that no longer exists would make the committed set lie. */
static int remove_stale(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "dw-protodoc: cannot open directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ends_with(e->d_name, ".hex"))
            continue;
        char type[256];
        size_t n = strlen(e->d_name) - 4;
        if (n >= sizeof type)
            n = sizeof type - 1;
        memcpy(type, e->d_name, n);
        type[n] = '\0';
        const dw_type_def_t *t = dw_schema_type(type);
        if (t && documented(t))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (remove(path) != 0) {
            fprintf(stderr, "dw-protodoc: cannot remove stale %s: %s\n", path, strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

static int write_examples(const char *dir)
{
    if (remove_stale(dir) != 0)
        return 1;
    int rc = 0;
    for (size_t i = 0; i < dw_schema_n_types; i++) {
        const dw_type_def_t *t = &dw_schema_types[i];
        if (!documented(t))
            continue;
        dw_buf_t bytes = DW_BUF_INIT, hex = DW_BUF_INIT;
        dw_error_t err;
        dw_error_clear(&err);
        if (example_encode(t, &bytes, &err) != DW_OK) {
            fprintf(stderr, "dw-protodoc: cannot encode the %s example: %s: %s (field %s)\n", t->type,
                    dw_code_name(err.code), err.message, err.field[0] ? err.field : "-");
            rc = 1;
        } else if (hex_lines(&hex, bytes.data, bytes.len) != 0) {
            fprintf(stderr, "dw-protodoc: out of memory\n");
            rc = 1;
        } else {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s.hex", dir, t->type);
            if (write_file(path, &hex) != 0)
                rc = 1;
        }
        dw_buf_free(&bytes);
        dw_buf_free(&hex);
    }
    return rc;
}

/* ----------------------------------------------------------- check codes */

static int check_codes(void)
{
    int bad = 0;
    for (int c = 1; c < DW_CODE_COUNT; c++) {
        const char *name = dw_code_name((dw_code_t)c);
        size_t i = 0;
        while (i < dw_pd_n_errors && strcmp(dw_pd_errors[i].code, name) != 0)
            i++;
        if (i == dw_pd_n_errors) {
            fprintf(stderr, "error code %s (common/dw_error.c, value %d) is missing from proto/schema.yaml\n", name, c);
            bad++;
        }
    }
    for (size_t i = 0; i < dw_pd_n_errors; i++) {
        int c = 1;
        while (c < DW_CODE_COUNT && strcmp(dw_code_name((dw_code_t)c), dw_pd_errors[i].code) != 0)
            c++;
        if (c == DW_CODE_COUNT) {
            fprintf(stderr, "error code %s in proto/schema.yaml is not returned by dw_code_name()\n",
                    dw_pd_errors[i].code);
            bad++;
        }
    }
    if (bad) {
        fprintf(stderr, "dw-protodoc: %d difference%s between the schema's errors and common/dw_error.c\n", bad,
                bad == 1 ? "" : "s");
        return 1;
    }
    printf("%zu error codes agree with dw_code_name()\n", dw_pd_n_errors);
    return 0;
}

/* ----------------------------------------------------------------- spec */

/* Every append is checked once, at the end: out of memory sets the flag. */
typedef struct md {
    dw_buf_t b;
    bool oom;
} md_t;

static void __attribute__((format(printf, 2, 3))) mdf(md_t *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || dw_buf_reserve(&m->b, (size_t)n) != 0) {
        m->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(m->b.data + m->b.len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    m->b.len += (size_t)n;
}

static void mds(md_t *m, const char *s)
{
    if (dw_buf_puts(&m->b, s) != 0)
        m->oom = true;
}

/* Text inside a table cell: a pipe would end the cell, a newline the row. */
static void md_cell(md_t *m, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '|')
            mds(m, "\\|");
        else if (*p == '\n')
            mds(m, " ");
        else if (dw_buf_append(&m->b, p, 1) != 0)
            m->oom = true;
    }
}

static void md_range(md_t *m, int64_t lo, int64_t hi, const char *unit)
{
    if (hi == INT64_MAX)
        mdf(m, "≥ %" PRId64 "%s", lo, unit);
    else if (lo == hi)
        mdf(m, "%" PRId64 "%s", lo, unit);
    else
        mdf(m, "%" PRId64 "..%" PRId64 "%s", lo, hi, unit);
}

static const char *pattern_text(dw_pattern_t p)
{
    return p == DW_PAT_CODE ? "; code: `A-Z a-z 0-9 _ -`" : p == DW_PAT_DIGITS ? "; digits: `0-9`" : "";
}

static void md_enum(md_t *m, const char *const *values)
{
    for (size_t i = 0; values && values[i]; i++)
        mdf(m, "%s`%s`", i ? " " : "", values[i]);
}

/* The msgpack form an integrator must write, then the rule on its value. */
static void md_wire_type(md_t *m, dw_ftype_t t, dw_ftype_t item, const dw_object_def_t *obj)
{
    switch (t) {
    case DW_FT_STR: mds(m, "str"); break;
    case DW_FT_INT: mds(m, "int"); break;
    case DW_FT_FEN: mds(m, "int (fen)"); break;
    case DW_FT_BOOL: mds(m, "bool"); break;
    case DW_FT_DATE: mds(m, "str (date)"); break;
    case DW_FT_DECIMAL: mds(m, "str (decimal)"); break;
    case DW_FT_ENUM: mds(m, "str (enum)"); break;
    case DW_FT_MAP: mds(m, obj ? "map" : "map (per type)"); break;
    case DW_FT_ANY: mds(m, "any"); break;
    case DW_FT_ARRAY:
        mds(m, "array of ");
        md_wire_type(m, item, DW_FT_ANY, obj);
        break;
    }
}

static void md_value_limits(md_t *m, dw_ftype_t t, int64_t lo, int64_t hi, dw_pattern_t pat, const char *const *values)
{
    switch (t) {
    case DW_FT_STR:
        md_range(m, lo, hi, " bytes");
        mds(m, pattern_text(pat));
        break;
    case DW_FT_INT:
    case DW_FT_FEN: md_range(m, lo, hi, ""); break;
    case DW_FT_DECIMAL: mdf(m, "≤ %" PRId64 " digits", hi); break;
    case DW_FT_DATE: mds(m, "YYYY-MM-DD"); break;
    case DW_FT_ENUM: md_enum(m, values); break;
    case DW_FT_BOOL:
    case DW_FT_MAP:
    case DW_FT_ANY:
    case DW_FT_ARRAY: mds(m, "—"); break;
    }
}

static void md_limits(md_t *m, const dw_field_def_t *f, const char *path)
{
    if (f->type == DW_FT_MAP && f->object) {
        mdf(m, "see `%s`", path);
        return;
    }
    if (f->type != DW_FT_ARRAY) {
        md_value_limits(m, f->type, f->min, f->max, f->pattern, f->enum_values);
        return;
    }
    md_range(m, f->min, f->max, " items");
    if (f->item_type == DW_FT_MAP) {
        mdf(m, "; each: see `%s[]`", path);
    } else if (f->item_type != DW_FT_ANY && f->item_type != DW_FT_BOOL) {
        mds(m, "; each: ");
        md_value_limits(m, f->item_type, f->item_min, f->item_max, f->pattern, f->enum_values);
    }
}

static void md_example(md_t *m, const dw_field_def_t *f)
{
    dw_ftype_t t = f->type == DW_FT_ARRAY ? f->item_type : f->type;
    const char *v = f->test_value;
    if (t == DW_FT_MAP || !v) {
        mds(m, "—");
        return;
    }
    if (t == DW_FT_ANY) {
        mds(m, f->type == DW_FT_ARRAY ? "see the example" : "—");
        return;
    }
    bool quoted = t != DW_FT_INT && t != DW_FT_FEN && t != DW_FT_BOOL;
    mdf(m, "`%s%s", f->type == DW_FT_ARRAY ? "[" : "", quoted ? "\"" : "");
    md_cell(m, v);
    mdf(m, "%s%s`", quoted ? "\"" : "", f->type == DW_FT_ARRAY ? "]" : "");
}

static void md_object(md_t *m, const dw_object_def_t *obj, const char *path, int depth)
{
    mds(m, "| field | msgpack type | required | limits | meaning | example |\n");
    mds(m, "| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < obj->n_fields; i++) {
        const dw_field_def_t *f = &obj->fields[i];
        char sub[512];
        snprintf(sub, sizeof sub, "%s.%s", path, f->name);
        mdf(m, "| `%s` | ", f->name);
        md_wire_type(m, f->type, f->item_type, f->object);
        mdf(m, " | %s | ", f->required ? "yes" : "no");
        md_limits(m, f, sub);
        mds(m, " | ");
        md_cell(m, f->doc);
        mds(m, " | ");
        md_example(m, f);
        mds(m, " |\n");
    }
    /* nested maps follow their parent, each under its own path */
    for (size_t i = 0; i < obj->n_fields; i++) {
        const dw_field_def_t *f = &obj->fields[i];
        bool is_map = f->type == DW_FT_MAP || (f->type == DW_FT_ARRAY && f->item_type == DW_FT_MAP);
        if (!is_map || !f->object)
            continue;
        char sub[512];
        snprintf(sub, sizeof sub, "%s.%s%s", path, f->name, f->type == DW_FT_ARRAY ? "[]" : "");
        mdf(m, "\n%s `%s` — %s\n\n", depth < 1 ? "#####" : "######", sub,
            f->type == DW_FT_ARRAY ? "each item is a map:" : "a map:");
        md_object(m, f->object, sub, depth + 1);
    }
}

/* A readable view of the example bytes, read back with msgpack-c (the bytes are
 * our own, and dw_scan has nothing to protect here). JSON-like, keys in wire order. */
static void md_json(md_t *m, const msgpack_object *o, int indent)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: mds(m, "null"); break;
    case MSGPACK_OBJECT_BOOLEAN: mds(m, o->via.boolean ? "true" : "false"); break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER: mdf(m, "%" PRIu64, o->via.u64); break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: mdf(m, "%" PRId64, o->via.i64); break;
    case MSGPACK_OBJECT_STR:
        mds(m, "\"");
        for (uint32_t i = 0; i < o->via.str.size; i++) {
            unsigned char c = (unsigned char)o->via.str.ptr[i];
            if (c == '"' || c == '\\')
                mdf(m, "\\%c", c);
            else if (c < 0x20)
                mdf(m, "\\u%04x", c);
            else
                mdf(m, "%c", c);
        }
        mds(m, "\"");
        break;
    case MSGPACK_OBJECT_ARRAY:
        if (!o->via.array.size) {
            mds(m, "[]");
            break;
        }
        mds(m, "[\n");
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            mdf(m, "%*s", (indent + 1) * 2, "");
            md_json(m, &o->via.array.ptr[i], indent + 1);
            mds(m, i + 1 < o->via.array.size ? ",\n" : "\n");
        }
        mdf(m, "%*s]", indent * 2, "");
        break;
    case MSGPACK_OBJECT_MAP:
        if (!o->via.map.size) {
            mds(m, "{}");
            break;
        }
        mds(m, "{\n");
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            mdf(m, "%*s", (indent + 1) * 2, "");
            md_json(m, &o->via.map.ptr[i].key, indent + 1);
            mds(m, ": ");
            md_json(m, &o->via.map.ptr[i].val, indent + 1);
            mds(m, i + 1 < o->via.map.size ? ",\n" : "\n");
        }
        mdf(m, "%*s}", indent * 2, "");
        break;
    default:
        /* floats, bin and ext never appear in the contract */
        mds(m, "(?)");
        break;
    }
}

static int md_type_example(md_t *m, const dw_type_def_t *t)
{
    dw_buf_t bytes = DW_BUF_INIT, hex = DW_BUF_INIT;
    dw_error_t err;
    dw_error_clear(&err);
    if (example_encode(t, &bytes, &err) != DW_OK) {
        fprintf(stderr, "dw-protodoc: cannot encode the %s example: %s: %s (field %s)\n", t->type,
                dw_code_name(err.code), err.message, err.field[0] ? err.field : "-");
        dw_buf_free(&bytes);
        return -1;
    }
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    int rc = 0;
    if (msgpack_unpack_next(&u, bytes.data, bytes.len, &off) != MSGPACK_UNPACK_SUCCESS || off != bytes.len) {
        fprintf(stderr, "dw-protodoc: the %s example does not read back as one msgpack value\n", t->type);
        rc = -1;
    } else if (hex_lines(&hex, bytes.data, bytes.len) != 0) {
        m->oom = true;
        rc = -1;
    } else {
        mdf(m, "\nExample (%zu bytes; `proto/examples/%s.hex`):\n\n```json\n", bytes.len, t->type);
        md_json(m, &u.data, 0);
        mds(m, "\n```\n\n```\n");
        mds(m, hex.data);
        mds(m, "```\n");
    }
    msgpack_unpacked_destroy(&u);
    dw_buf_free(&bytes);
    dw_buf_free(&hex);
    return rc;
}

static const char *direction_text(dw_direction_t d)
{
    switch (d) {
    case DW_DIR_IN: return "Sent by a producer to dw-intake, in an envelope";
    case DW_DIR_OUT: return "Published by dw-notify, in an envelope with `seq` and `stream`";
    case DW_DIR_REPLY: return "A bare map, not in an envelope";
    case DW_DIR_INTERNAL: return "Internal";
    }
    return "";
}

static int md_types(md_t *m)
{
    static const struct {
        dw_direction_t dir;
        const char *title;
    } groups[] = {
        {DW_DIR_IN, "Inbound messages (producer → dw-intake)"},
        {DW_DIR_OUT, "Outbound messages (dw-notify → subscribers)"},
        {DW_DIR_REPLY, "Replies and requests (bare maps)"},
    };
    int rc = 0;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        mdf(m, "\n### %s\n", groups[g].title);
        for (size_t i = 0; i < dw_schema_n_types; i++) {
            const dw_type_def_t *t = &dw_schema_types[i];
            if (t->direction != groups[g].dir)
                continue;
            const dw_pd_type_t *pd = pd_type(t->type);
            mdf(m, "\n#### `%s`\n\n", t->type);
            md_cell(m, t->doc);
            mdf(m, ".\n\n%s", direction_text(t->direction));
            if (t->direction == DW_DIR_IN && pd && pd->src)
                mdf(m, "; a typical `src` is `%s`", pd->src);
            if (t->direction == DW_DIR_OUT && pd && pd->topic) {
                char stream[64];
                topic_stream(pd->topic, stream, sizeof stream);
                mdf(m, "; topic `%s`, stream `%s`", pd->topic, stream);
            }
            mds(m, ".\n\n");
            md_object(m, t->body, t->direction == DW_DIR_REPLY ? t->type : "body", 0);
            if (md_type_example(m, t) != 0)
                rc = -1;
        }
    }
    return rc;
}

static void md_envelope(md_t *m)
{
    md_object(m, &dw_schema_envelope, "envelope", 0);
}

static void md_limits_table(md_t *m)
{
    const dw_limits_t *l = &dw_schema_limits;
    mds(m, "| limit | value | a breach is answered with |\n| --- | --- | --- |\n");
    mdf(m, "| message size | %zu bytes | `%s` |\n", l->max_size, dw_code_name(DW_E_TOO_BIG));
    mdf(m, "| nesting of arrays and maps (the top-level map is depth 1) | %" PRIu32 " | `%s` |\n", l->max_depth,
        dw_code_name(DW_E_TOO_DEEP));
    mdf(m, "| items in one array, or pairs in one map | %" PRIu32 " | `%s` |\n", l->max_count,
        dw_code_name(DW_E_TOO_MANY));
    mdf(m, "| bytes in one str (any str, key or value) | %" PRIu32 " | `%s` |\n", l->max_str,
        dw_code_name(DW_E_STR_TOO_LONG));
    mdf(m, "| a str field's length in bytes (column limits) | per field | `%s` |\n", dw_code_name(DW_E_BAD_LENGTH));
    mdf(m, "| an int or fen field's value | per field | `%s` |\n", dw_code_name(DW_E_OUT_OF_RANGE));
    mdf(m, "| an array field's item count | per field | `%s` |\n", dw_code_name(DW_E_BAD_COUNT));
    mdf(m, "| a decimal field's digits | per field | `%s` |\n", dw_code_name(DW_E_BAD_DECIMAL));
    mdf(m, "| a code or digits field's characters | per field | `%s` |\n", dw_code_name(DW_E_BAD_CODE));
}

static void md_errors(md_t *m)
{
    mds(m, "| code | stage | meaning |\n| --- | --- | --- |\n");
    for (size_t i = 0; i < dw_pd_n_errors; i++) {
        mdf(m, "| `%s` | %s | ", dw_pd_errors[i].code, dw_pd_errors[i].stage);
        md_cell(m, dw_pd_errors[i].doc);
        mds(m, " |\n");
    }
}

static void md_topics(md_t *m)
{
    mds(m, "| type | topic | stream |\n| --- | --- | --- |\n");
    for (size_t i = 0; i < dw_schema_n_types; i++) {
        const dw_type_def_t *t = &dw_schema_types[i];
        const dw_pd_type_t *pd = pd_type(t->type);
        if (t->direction != DW_DIR_OUT || !pd || !pd->topic)
            continue;
        char stream[64];
        topic_stream(pd->topic, stream, sizeof stream);
        mdf(m, "| `%s` | `%s` | `%s` |\n", t->type, pd->topic, stream);
    }
}

static int write_spec(const char *path)
{
    md_t m = {DW_BUF_INIT, false};
    int rc = 0;
    mdf(&m, "# dualwatch wire contract, version %d\n\n", dw_schema_version);
    mds(&m, "<!-- Generated by dw-protodoc from proto/schema.yaml: do not edit by hand.\n"
            "     Change the schema, then run `cmake --build build --target spec`. -->\n");
    for (size_t i = 0; i < dw_pd_n_sections; i++) {
        const dw_pd_section_t *s = &dw_pd_sections[i];
        mdf(&m, "\n## %s\n", s->title);
        if (s->text && s->text[0]) {
            mds(&m, "\n");
            mds(&m, s->text);
        }
        if (!s->insert)
            continue;
        mds(&m, "\n");
        if (strcmp(s->insert, "envelope") == 0)
            md_envelope(&m);
        else if (strcmp(s->insert, "limits") == 0)
            md_limits_table(&m);
        else if (strcmp(s->insert, "errors") == 0)
            md_errors(&m);
        else if (strcmp(s->insert, "topics") == 0)
            md_topics(&m);
        else if (strcmp(s->insert, "types") == 0 && md_types(&m) != 0)
            rc = 1;
    }
    if (m.oom) {
        fprintf(stderr, "dw-protodoc: out of memory\n");
        rc = 1;
    }
    if (rc == 0 && write_file(path, &m.b) != 0)
        rc = 1;
    dw_buf_free(&m.b);
    return rc;
}

/* ----------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--spec") == 0)
        return write_spec(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--examples") == 0)
        return write_examples(argv[2]);
    if (argc == 2 && strcmp(argv[1], "--check-codes") == 0)
        return check_codes();
    fprintf(stderr, "usage: dw-protodoc --spec FILE | --examples DIR | --check-codes\n");
    return 2;
}
