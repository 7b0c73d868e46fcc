#include "dw_msg.h"

#include <inttypes.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_scan.h"

/* ------------------------------------------------------------------ memory */

/* One arena per message: a decoded payment is a dozen small strings, freed
 * together. A value set twice leaves its old bytes in the arena until
 * dw_msg_destroy; that is bounded by what the caller sets. */
typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    max_align_t data[];
} chunk_t;

#define ARENA_CHUNK 4096

typedef struct dw_val dw_val_t;

/* One field's value, or one array item. */
struct dw_val {
    bool set;
    bool canon;      /* ANY: bytes known to be canonical */
    bool b;          /* BOOL */
    int64_t i;       /* INT FEN */
    char *s;         /* STR DATE DECIMAL ENUM: NUL-terminated text; ANY: msgpack bytes */
    size_t len;      /* bytes in s */
    dw_obj_t *map;   /* MAP */
    dw_val_t *items; /* ARRAY */
    size_t n, cap;
};

struct dw_obj {
    const dw_object_def_t *def;
    dw_msg_t *msg;
    dw_val_t *vals; /* one per field of def, in schema order */
};

struct dw_msg {
    const dw_type_def_t *td;
    chunk_t *arena;
    dw_obj_t *env;  /* the envelope (dw_schema_envelope); NULL for reply types */
    dw_obj_t *body; /* the body, or the whole map of a reply type */
};

static void *arena_alloc(dw_msg_t *m, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + align - 1) / align * align;
    if (n == 0)
        n = align;
    chunk_t *c = m->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = !c ? ARENA_CHUNK : c->cap < 65536 ? c->cap * 2 : 65536;
        if (cap < n)
            cap = n;
        chunk_t *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->next = c;
        nc->cap = cap;
        nc->used = 0;
        m->arena = c = nc;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

static char *arena_copy(dw_msg_t *m, const void *p, size_t n)
{
    char *s = arena_alloc(m, n + 1);
    if (s) {
        if (n)
            memcpy(s, p, n);
        s[n] = '\0';
    }
    return s;
}

static dw_obj_t *obj_new(dw_msg_t *m, const dw_object_def_t *def)
{
    dw_obj_t *o = arena_alloc(m, sizeof *o);
    if (!o)
        return NULL;
    o->def = def;
    o->msg = m;
    o->vals = arena_alloc(m, (def->n_fields ? def->n_fields : 1) * sizeof *o->vals);
    return o->vals ? o : NULL;
}

/* ------------------------------------------------------------ field paths */

/* The dotted path of the field at fault ("body.indicators[2].weight"), kept
 * within dw_error_t.field and cut only between UTF-8 characters, since it
 * travels in an ack as a str. Control characters of a foreign key become '?'. */
typedef struct {
    char s[DW_ERR_FIELD_MAX];
    size_t len;
} path_t;

static size_t utf8_cut(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

static size_t path_push(path_t *p, const char *name, size_t n)
{
    size_t old = p->len;
    size_t room = sizeof p->s - 1 - p->len;
    if (p->len && room > 0) {
        p->s[p->len++] = '.';
        room--;
    }
    n = utf8_cut(name, n, room);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        p->s[p->len++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    p->s[p->len] = '\0';
    return old;
}

static size_t path_index(path_t *p, size_t i)
{
    size_t old = p->len;
    int n = snprintf(p->s + p->len, sizeof p->s - p->len, "[%zu]", i);
    if (n > 0 && (size_t)n < sizeof p->s - p->len)
        p->len += (size_t)n;
    else
        p->s[p->len] = '\0';
    return old;
}

static void path_pop(path_t *p, size_t old)
{
    p->len = old;
    p->s[old] = '\0';
}

/* A value quoted for an error message: at most 40 bytes, cut between UTF-8
 * characters, control characters as '?', quotes and backslashes escaped. */
typedef struct {
    char s[96];
} quoted_t;

static quoted_t quote(const char *s, size_t n)
{
    quoted_t q;
    size_t k = 0, take = utf8_cut(s, n, 40);
    q.s[k++] = '"';
    for (size_t i = 0; i < take; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            q.s[k++] = '\\';
        q.s[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (take < n) {
        memcpy(q.s + k, "...", 3);
        k += 3;
    }
    q.s[k++] = '"';
    q.s[k] = '\0';
    return q;
}

static dw_code_t fail(dw_error_t *err, const path_t *p, dw_code_t code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static dw_code_t fail(dw_error_t *err, const path_t *p, dw_code_t code, const char *fmt, ...)
{
    if (!err)
        return code;
    /* room for more than dw_error_t keeps, so a message that is too long is
     * cut here between UTF-8 characters (it travels in an ack as a str) */
    char msg[2 * DW_ERR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    msg[utf8_cut(msg, strlen(msg), DW_ERR_MESSAGE_MAX - 1)] = '\0';
    return dw_error_set(err, code, p ? p->s : "", "%s", msg);
}

/* ------------------------------------------------------ value validation */

/* What a value is, whether it came off the wire or from a setter, so that
 * decoding and encoding refuse exactly the same things. */
typedef enum { VK_STR, VK_INT, VK_BOOL, VK_OTHER } vkind_t;

typedef struct {
    vkind_t kind;
    const char *s;
    size_t len;
    int64_t i;
    const char *got; /* the msgpack type, for wrong_type */
    bool scanned;    /* text that dw_scan has already found valid */
} view_t;

static bool is_text_type(dw_ftype_t t)
{
    return t == DW_FT_STR || t == DW_FT_DATE || t == DW_FT_DECIMAL || t == DW_FT_ENUM;
}

static bool is_int_type(dw_ftype_t t)
{
    return t == DW_FT_INT || t == DW_FT_FEN;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* 0 for a real date "YYYY-MM-DD" (year 0001..9999), 1 if not in that form,
 * 2 if in that form but not a calendar date. */
static int date_fault(const char *s, size_t n)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return 1;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return 1;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 2;
    return 0;
}

/* Digits in s if it is -?D+(.D+)?, else -1. */
static int64_t decimal_digits(const char *s, size_t n)
{
    size_t i = 0;
    int64_t digits = 0, run = 0;
    if (i < n && s[i] == '-')
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, run++;
    if (run == 0)
        return -1;
    digits += run;
    if (i < n && s[i] == '.') {
        i++;
        run = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, run++;
        if (run == 0)
            return -1;
        digits += run;
    }
    return i == n ? digits : -1;
}

static bool pattern_ok(const char *s, size_t n, dw_pattern_t pat)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool digit = c >= '0' && c <= '9';
        if (pat == DW_PAT_DIGITS && !digit)
            return false;
        if (pat == DW_PAT_CODE && !digit && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && c != '_' && c != '-')
            return false;
    }
    return true;
}

static bool enum_ok(const char *s, size_t n, const char *const *values)
{
    for (size_t i = 0; values && values[i]; i++)
        if (strlen(values[i]) == n && memcmp(values[i], s, n) == 0)
            return true;
    return false;
}

/* "direct, authorised" within a message's room. */
static void enum_list(const char *const *values, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; values && values[i]; i++) {
        size_t n = strlen(values[i]);
        if (k + n + 8 > cap) {
            snprintf(out + k, cap - k, "%s...", i ? ", " : "");
            return;
        }
        k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? ", " : "", values[i]);
    }
}

static const char *type_words(dw_ftype_t t)
{
    switch (t) {
    case DW_FT_STR: return "str";
    case DW_FT_INT: return "int";
    case DW_FT_FEN: return "int (fen)";
    case DW_FT_BOOL: return "bool";
    case DW_FT_DATE: return "str (date)";
    case DW_FT_DECIMAL: return "str (decimal)";
    case DW_FT_ENUM: return "str (enum)";
    case DW_FT_MAP: return "map";
    case DW_FT_ARRAY: return "array";
    case DW_FT_ANY: return "any value";
    }
    return "?";
}

/* A scalar (STR INT FEN BOOL DATE DECIMAL ENUM) against its definition. */
static dw_code_t check_scalar(const dw_field_def_t *fd, const view_t *v, const path_t *p, dw_error_t *err)
{
    bool ok_kind = (is_text_type(fd->type) && v->kind == VK_STR) || (is_int_type(fd->type) && v->kind == VK_INT) ||
                   (fd->type == DW_FT_BOOL && v->kind == VK_BOOL);
    if (!ok_kind)
        return fail(err, p, DW_E_WRONG_TYPE, "expected %s, got %s", type_words(fd->type), v->got);

    if (v->kind == VK_STR && !v->scanned && (!dw_utf8_valid(v->s, v->len) || memchr(v->s, '\0', v->len)))
        return fail(err, p, DW_E_BAD_UTF8, "text is not valid utf-8 without nul characters");

    switch (fd->type) {
    case DW_FT_STR:
        if ((int64_t)v->len < fd->min || (int64_t)v->len > fd->max)
            return fail(err, p, DW_E_BAD_LENGTH, "length %zu bytes outside [%" PRId64 ", %" PRId64 "]", v->len, fd->min,
                        fd->max);
        if (fd->pattern != DW_PAT_NONE && !pattern_ok(v->s, v->len, fd->pattern))
            return fail(err, p, DW_E_BAD_CODE, "%s has a character outside %s", quote(v->s, v->len).s,
                        fd->pattern == DW_PAT_DIGITS ? "[0-9]" : "[A-Za-z0-9_-]");
        break;
    case DW_FT_INT:
    case DW_FT_FEN:
        if (v->i < fd->min || v->i > fd->max)
            return fail(err, p, DW_E_OUT_OF_RANGE, "%" PRId64 " outside [%" PRId64 ", %" PRId64 "]", v->i, fd->min,
                        fd->max);
        break;
    case DW_FT_DATE: {
        int why = date_fault(v->s, v->len);
        if (why)
            return fail(err, p, DW_E_BAD_DATE, "%s is %s", quote(v->s, v->len).s,
                        why == 1 ? "not YYYY-MM-DD" : "not a calendar date");
        break;
    }
    case DW_FT_DECIMAL: {
        int64_t max = fd->max > 0 ? fd->max : 18;
        int64_t digits = decimal_digits(v->s, v->len);
        if (digits < 0)
            return fail(err, p, DW_E_BAD_DECIMAL, "%s is not an exact decimal such as -12.5", quote(v->s, v->len).s);
        if (digits > max)
            return fail(err, p, DW_E_BAD_DECIMAL, "%s has %" PRId64 " digits, at most %" PRId64, quote(v->s, v->len).s,
                        digits, max);
        break;
    }
    case DW_FT_ENUM:
        if (!enum_ok(v->s, v->len, fd->enum_values)) {
            char list[160];
            enum_list(fd->enum_values, list, sizeof list);
            return fail(err, p, DW_E_BAD_ENUM, "%s is not one of %s", quote(v->s, v->len).s, list);
        }
        break;
    default: break;
    }
    return DW_OK;
}

/* The definition of one item of an ARRAY field, as a field of its own. */
static dw_field_def_t item_def(const dw_field_def_t *fd)
{
    dw_field_def_t d = *fd;
    d.type = fd->item_type;
    d.required = true;
    d.min = fd->item_min;
    d.max = fd->item_max;
    return d;
}

/* ------------------------------------------------------- canonical ANY */

static int buf_write(void *data, const char *p, size_t n)
{
    return dw_buf_append(data, p, n) == 0 ? 0 : -1;
}

static int key_cmp(const void *a, const void *b)
{
    const msgpack_object *x = *(const msgpack_object *const *)a, *y = *(const msgpack_object *const *)b;
    if (x->via.str.size != y->via.str.size)
        return x->via.str.size < y->via.str.size ? -1 : 1;
    return memcmp(x->via.str.ptr, y->via.str.ptr, x->via.str.size);
}

/* dw_scan checks duplicate keys only in maps of up to DW_SCAN_DUP_PAIRS pairs;
 * the larger maps inside an ANY value are checked here by sorting their keys
 * (the frame is bounded by now, so the allocation is too). */
static dw_code_t any_dups(const msgpack_object *o, const path_t *p, dw_error_t *err)
{
    if (o->type == MSGPACK_OBJECT_ARRAY) {
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            dw_code_t rc = any_dups(&o->via.array.ptr[i], p, err);
            if (rc != DW_OK)
                return rc;
        }
        return DW_OK;
    }
    if (o->type != MSGPACK_OBJECT_MAP)
        return DW_OK;
    uint32_t n = o->via.map.size;
    for (uint32_t i = 0; i < n; i++) {
        dw_code_t rc = any_dups(&o->via.map.ptr[i].val, p, err);
        if (rc != DW_OK)
            return rc;
    }
    if (n <= DW_SCAN_DUP_PAIRS)
        return DW_OK;
    const msgpack_object **keys = malloc(n * sizeof *keys);
    if (!keys)
        return fail(err, p, DW_E_INTERNAL, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        keys[i] = &o->via.map.ptr[i].key;
    qsort(keys, n, sizeof *keys, key_cmp);
    dw_code_t rc = DW_OK;
    for (uint32_t i = 1; i < n && rc == DW_OK; i++)
        if (key_cmp(&keys[i - 1], &keys[i]) == 0)
            rc = fail(err, p, DW_E_DUP_KEY, "key %s appears twice in a map of %u pairs",
                      quote(keys[i]->via.str.ptr, keys[i]->via.str.size).s, (unsigned)n);
    free(keys);
    return rc;
}

/* An unpacked value, re-packed in its canonical form (smallest header for
 * every int, str, array and map; map keys in the order given). */
static dw_code_t any_pack(const msgpack_object *o, dw_buf_t *out, const path_t *p, dw_error_t *err)
{
    dw_code_t rc = any_dups(o, p, err);
    if (rc != DW_OK)
        return rc;
    msgpack_packer pk;
    msgpack_packer_init(&pk, out, buf_write);
    if (msgpack_pack_object(&pk, *o) != 0)
        return fail(err, p, DW_E_INTERNAL, "out of memory");
    return DW_OK;
}

/* Raw msgpack bytes of an ANY value, checked against the contract's limits
 * and re-packed canonically into out. */
static dw_code_t any_canon(const void *bytes, size_t len, dw_buf_t *out, const path_t *p, dw_error_t *err)
{
    dw_error_t scan_err;
    dw_code_t rc = dw_scan(bytes, len, NULL, &scan_err);
    if (rc != DW_OK)
        return fail(err, p, rc, "%s", scan_err.message);
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    if (msgpack_unpack_next(&u, bytes, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len)
        rc = fail(err, p, DW_E_INTERNAL, "msgpack-c refused a value the pre-scan accepted");
    else
        rc = any_pack(&u.data, out, p, err);
    msgpack_unpacked_destroy(&u);
    return rc;
}

/* --------------------------------------------------------------- decoding */

typedef struct {
    dw_msg_t *msg;
    dw_error_t *err;
    path_t path;
    dw_buf_t scratch; /* canonical ANY bytes before they go to the arena */
} dctx_t;

static const char *mp_type_name(const msgpack_object *o)
{
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return "nil";
    case MSGPACK_OBJECT_BOOLEAN: return "bool";
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "int";
    case MSGPACK_OBJECT_STR: return "str";
    case MSGPACK_OBJECT_ARRAY: return "array";
    case MSGPACK_OBJECT_MAP: return "map";
    default: return "a refused type";
    }
}

static view_t view_of(const msgpack_object *o)
{
    view_t v = {.kind = VK_OTHER, .got = mp_type_name(o)};
    switch (o->type) {
    case MSGPACK_OBJECT_STR:
        v.kind = VK_STR;
        v.s = o->via.str.ptr;
        v.len = o->via.str.size;
        v.scanned = true;
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        /* dw_scan refused anything above INT64_MAX */
        v.kind = VK_INT;
        v.i = (int64_t)o->via.u64;
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        v.kind = VK_INT;
        v.i = o->via.i64;
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        v.kind = VK_BOOL;
        v.i = o->via.boolean;
        break;
    default: break;
    }
    return v;
}

static dw_code_t oom(dctx_t *c)
{
    return fail(c->err, &c->path, DW_E_INTERNAL, "out of memory");
}

static dw_code_t decode_map(dctx_t *c, const dw_object_def_t *def, const msgpack_object *o, dw_obj_t **out);

static dw_code_t decode_value(dctx_t *c, const dw_field_def_t *fd, const msgpack_object *o, dw_val_t *out)
{
    dw_code_t rc;
    switch (fd->type) {
    case DW_FT_ANY:
        dw_buf_reset(&c->scratch);
        if ((rc = any_pack(o, &c->scratch, &c->path, c->err)) != DW_OK)
            return rc;
        if (!(out->s = arena_copy(c->msg, c->scratch.data, c->scratch.len)))
            return oom(c);
        out->len = c->scratch.len;
        out->canon = true;
        break;
    case DW_FT_MAP:
        if (o->type != MSGPACK_OBJECT_MAP)
            return fail(c->err, &c->path, DW_E_WRONG_TYPE, "expected map, got %s", mp_type_name(o));
        if ((rc = decode_map(c, fd->object, o, &out->map)) != DW_OK)
            return rc;
        break;
    case DW_FT_ARRAY: {
        if (o->type != MSGPACK_OBJECT_ARRAY)
            return fail(c->err, &c->path, DW_E_WRONG_TYPE, "expected array, got %s", mp_type_name(o));
        uint32_t n = o->via.array.size;
        if ((int64_t)n < fd->min || (int64_t)n > fd->max)
            return fail(c->err, &c->path, DW_E_BAD_COUNT, "%u items outside [%" PRId64 ", %" PRId64 "]", (unsigned)n,
                        fd->min, fd->max);
        dw_field_def_t id = item_def(fd);
        if (n && !(out->items = arena_alloc(c->msg, n * sizeof *out->items)))
            return oom(c);
        out->n = out->cap = n;
        for (uint32_t i = 0; i < n; i++) {
            size_t old = path_index(&c->path, i);
            rc = decode_value(c, &id, &o->via.array.ptr[i], &out->items[i]);
            if (rc != DW_OK)
                return rc;
            path_pop(&c->path, old);
        }
        break;
    }
    default: {
        view_t v = view_of(o);
        if ((rc = check_scalar(fd, &v, &c->path, c->err)) != DW_OK)
            return rc;
        if (v.kind == VK_STR) {
            if (!(out->s = arena_copy(c->msg, v.s, v.len)))
                return oom(c);
            out->len = v.len;
        } else if (v.kind == VK_INT)
            out->i = v.i;
        else
            out->b = v.i != 0;
    }
    }
    out->set = true;
    return DW_OK;
}

/* Puts each pair of map o under its field (unknown and repeated keys are
 * refused in wire order); slots[i] is the value of field i or NULL. */
static dw_code_t place_keys(dctx_t *c, const dw_object_def_t *def, const msgpack_object *o,
                            const msgpack_object **slots)
{
    for (uint32_t k = 0; k < o->via.map.size; k++) {
        const msgpack_object *key = &o->via.map.ptr[k].key; /* a str: dw_scan checked */
        const char *name = key->via.str.ptr;
        size_t len = key->via.str.size, i;
        for (i = 0; i < def->n_fields; i++)
            if (strlen(def->fields[i].name) == len && memcmp(def->fields[i].name, name, len) == 0)
                break;
        size_t old = path_push(&c->path, name, len);
        if (i == def->n_fields)
            return fail(c->err, &c->path, DW_E_UNKNOWN_FIELD, "unknown field %s", quote(name, len).s);
        if (slots[i])
            return fail(c->err, &c->path, DW_E_DUP_KEY, "key %s appears twice", quote(name, len).s);
        path_pop(&c->path, old);
        slots[i] = &o->via.map.ptr[k].val;
    }
    return DW_OK;
}

static dw_code_t decode_map(dctx_t *c, const dw_object_def_t *def, const msgpack_object *o, dw_obj_t **out)
{
    dw_obj_t *obj = obj_new(c->msg, def);
    const msgpack_object **slots = arena_alloc(c->msg, (def->n_fields + 1) * sizeof *slots);
    if (!obj || !slots)
        return oom(c);
    dw_code_t rc = place_keys(c, def, o, slots);
    if (rc != DW_OK)
        return rc;
    for (size_t i = 0; i < def->n_fields; i++) {
        const dw_field_def_t *fd = &def->fields[i];
        size_t old = path_push(&c->path, fd->name, strlen(fd->name));
        if (!slots[i]) {
            if (fd->required)
                return fail(c->err, &c->path, DW_E_MISSING_FIELD, "required field %s is missing", fd->name);
        } else if ((rc = decode_value(c, fd, slots[i], &obj->vals[i])) != DW_OK)
            return rc;
        path_pop(&c->path, old);
    }
    *out = obj;
    return DW_OK;
}

static size_t field_index(const dw_object_def_t *def, const char *name)
{
    size_t i = 0;
    if (!dw_schema_field(def, name, &i))
        return SIZE_MAX;
    return i;
}

/* The envelope, in an order that answers the most useful question first: the
 * version (a later version may have other keys), then unknown keys, then the
 * type (which decides the body), then each field in schema order. */
static dw_code_t decode_envelope(dctx_t *c, const msgpack_object *o)
{
    const dw_object_def_t *env = &dw_schema_envelope;
    dw_code_t rc;
    if (o->type != MSGPACK_OBJECT_MAP)
        return fail(c->err, &c->path, DW_E_NOT_MAP, "envelope is %s, not a map", mp_type_name(o));

    const msgpack_object **slots = arena_alloc(c->msg, (env->n_fields + 1) * sizeof *slots);
    dw_obj_t *obj = obj_new(c->msg, env);
    if (!slots || !obj)
        return oom(c);

    size_t it = field_index(env, "type"), ib = field_index(env, "body");
    size_t iseq = field_index(env, "seq"), istream = field_index(env, "stream");

    /* v first, found by hand: unknown keys may be a later version's */
    const msgpack_object *v = NULL;
    for (uint32_t k = 0; k < o->via.map.size; k++) {
        const msgpack_object *key = &o->via.map.ptr[k].key;
        if (key->via.str.size == 1 && key->via.str.ptr[0] == 'v')
            v = &o->via.map.ptr[k].val;
    }
    path_push(&c->path, "v", 1);
    if (!v)
        return fail(c->err, &c->path, DW_E_MISSING_FIELD, "required field v is missing");
    view_t vv = view_of(v);
    if (vv.kind != VK_INT)
        return fail(c->err, &c->path, DW_E_WRONG_TYPE, "expected int, got %s", vv.got);
    if (vv.i != dw_schema_version)
        return fail(c->err, &c->path, DW_E_BAD_VERSION, "protocol version %" PRId64 " is not spoken here (%d is)", vv.i,
                    dw_schema_version);
    path_pop(&c->path, 0);

    if ((rc = place_keys(c, env, o, slots)) != DW_OK)
        return rc;

    path_push(&c->path, "type", 4);
    if (!slots[it])
        return fail(c->err, &c->path, DW_E_MISSING_FIELD, "required field type is missing");
    if (slots[it]->type != MSGPACK_OBJECT_STR)
        return fail(c->err, &c->path, DW_E_WRONG_TYPE, "expected str, got %s", mp_type_name(slots[it]));
    const msgpack_object *t = slots[it];
    for (size_t i = 0; i < dw_schema_n_types && !c->msg->td; i++)
        if (strlen(dw_schema_types[i].type) == t->via.str.size &&
            memcmp(dw_schema_types[i].type, t->via.str.ptr, t->via.str.size) == 0)
            c->msg->td = &dw_schema_types[i];
    if (!c->msg->td)
        return fail(c->err, &c->path, DW_E_UNKNOWN_TYPE, "unknown message type %s",
                    quote(t->via.str.ptr, t->via.str.size).s);
    if (c->msg->td->direction == DW_DIR_REPLY)
        return fail(c->err, &c->path, DW_E_UNKNOWN_TYPE, "%s is a bare reply map, never enveloped", c->msg->td->type);
    path_pop(&c->path, 0);

    /* only dw-notify numbers messages: a producer's envelope carries no seq */
    if (c->msg->td->direction == DW_DIR_IN)
        for (size_t i = 0; i < env->n_fields; i++)
            if ((i == iseq || i == istream) && slots[i]) {
                path_push(&c->path, env->fields[i].name, strlen(env->fields[i].name));
                return fail(c->err, &c->path, DW_E_UNKNOWN_FIELD, "%s is set only on published messages",
                            env->fields[i].name);
            }

    for (size_t i = 0; i < env->n_fields; i++) {
        const dw_field_def_t *fd = &env->fields[i];
        path_push(&c->path, fd->name, strlen(fd->name));
        if (!slots[i]) {
            if (fd->required)
                return fail(c->err, &c->path, DW_E_MISSING_FIELD, "required field %s is missing", fd->name);
        } else if (i == ib) {
            if (slots[i]->type != MSGPACK_OBJECT_MAP)
                return fail(c->err, &c->path, DW_E_NOT_MAP, "body is %s, not a map", mp_type_name(slots[i]));
            if ((rc = decode_map(c, c->msg->td->body, slots[i], &obj->vals[i].map)) != DW_OK)
                return rc;
            obj->vals[i].set = true;
            c->msg->body = obj->vals[i].map;
        } else if ((rc = decode_value(c, fd, slots[i], &obj->vals[i])) != DW_OK)
            return rc;
        path_pop(&c->path, 0);
    }

    /* a published envelope carries both or neither */
    if (!slots[iseq] != !slots[istream]) {
        const char *name = slots[iseq] ? "stream" : "seq";
        path_push(&c->path, name, strlen(name));
        return fail(c->err, &c->path, DW_E_MISSING_FIELD, "seq and stream come together");
    }
    c->msg->env = obj;
    return DW_OK;
}

static void msg_free(dw_msg_t *m)
{
    while (m->arena) {
        chunk_t *next = m->arena->next;
        free(m->arena);
        m->arena = next;
    }
    free(m);
}

static dw_msg_t *decode(const dw_type_def_t *bare, const void *data, size_t size, const dw_limits_t *limits,
                        dw_error_t *err)
{
    dw_error_clear(err);
    if (dw_scan(data, size, limits, err) != DW_OK)
        return NULL;
    dw_msg_t *m = calloc(1, sizeof *m);
    if (!m) {
        fail(err, NULL, DW_E_INTERNAL, "out of memory");
        return NULL;
    }
    dctx_t c = {.msg = m, .err = err, .scratch = DW_BUF_INIT};
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    dw_code_t rc;
    /* after the pre-scan every count is backed by bytes and nesting is within
     * msgpack-c's own stack, so this cannot over-allocate or fail on depth */
    if (msgpack_unpack_next(&u, data, size, &off) != MSGPACK_UNPACK_SUCCESS || off != size)
        rc = fail(err, NULL, DW_E_INTERNAL, "msgpack-c refused a frame the pre-scan accepted");
    else if (bare) {
        m->td = bare;
        if (u.data.type != MSGPACK_OBJECT_MAP)
            rc = fail(err, NULL, DW_E_NOT_MAP, "%s is %s, not a map", bare->type, mp_type_name(&u.data));
        else
            rc = decode_map(&c, bare->body, &u.data, &m->body);
    } else
        rc = decode_envelope(&c, &u.data);
    msgpack_unpacked_destroy(&u);
    dw_buf_free(&c.scratch);
    if (rc != DW_OK) {
        msg_free(m);
        return NULL;
    }
    return m;
}

dw_msg_t *dw_msg_decode(const void *data, size_t size, const dw_limits_t *limits, dw_error_t *err)
{
    return decode(NULL, data, size, limits, err);
}

dw_msg_t *dw_msg_decode_bare(const char *type, const void *data, size_t size, const dw_limits_t *limits,
                             dw_error_t *err)
{
    dw_error_clear(err);
    const dw_type_def_t *td = dw_schema_type(type);
    if (!td || td->direction != DW_DIR_REPLY) {
        const char *t = type ? type : "";
        fail(err, NULL, DW_E_UNKNOWN_TYPE, "%s is not a bare reply type", quote(t, strlen(t)).s);
        return NULL;
    }
    return decode(td, data, size, limits, err);
}

/* --------------------------------------------------------------- building */

dw_msg_t *dw_msg_new(const char *type, const char *id, const char *src, int64_t ts)
{
    const dw_type_def_t *td = dw_schema_type(type);
    if (!td)
        return NULL;
    dw_msg_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->td = td;
    if (!(m->body = obj_new(m, td->body)))
        goto failed;
    if (td->direction != DW_DIR_REPLY) {
        dw_obj_t *e = m->env = obj_new(m, &dw_schema_envelope);
        if (!e || dw_obj_set_int(e, "v", dw_schema_version) != DW_OK || dw_obj_set_str(e, "type", td->type) != DW_OK ||
            dw_obj_set_str(e, "id", id) != DW_OK || dw_obj_set_str(e, "src", src) != DW_OK ||
            dw_obj_set_int(e, "ts", ts) != DW_OK)
            goto failed;
        dw_val_t *b = &e->vals[field_index(&dw_schema_envelope, "body")];
        b->map = m->body;
        b->set = true;
    }
    return m;
failed:
    msg_free(m);
    return NULL;
}

void dw_msg_destroy(dw_msg_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    msg_free(*self_p);
    *self_p = NULL;
}

/* The value slot of a field of o, or NULL (unknown field). */
static dw_val_t *slot(const dw_obj_t *o, const char *field, const dw_field_def_t **fd)
{
    size_t i;
    *fd = NULL;
    if (!o || !field || !(*fd = dw_schema_field(o->def, field, &i)))
        return NULL;
    return &o->vals[i];
}

dw_code_t dw_obj_set_str(dw_obj_t *o, const char *field, const char *value)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (!is_text_type(fd->type))
        return DW_E_WRONG_TYPE;
    memset(v, 0, sizeof *v);
    if (!value)
        return DW_OK;
    size_t n = strlen(value);
    if (!(v->s = arena_copy(o->msg, value, n)))
        return DW_E_INTERNAL;
    v->len = n;
    v->set = true;
    return DW_OK;
}

dw_code_t dw_obj_set_int(dw_obj_t *o, const char *field, int64_t value)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (!is_int_type(fd->type))
        return DW_E_WRONG_TYPE;
    memset(v, 0, sizeof *v);
    v->i = value;
    v->set = true;
    return DW_OK;
}

dw_code_t dw_obj_set_bool(dw_obj_t *o, const char *field, bool value)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (fd->type != DW_FT_BOOL)
        return DW_E_WRONG_TYPE;
    memset(v, 0, sizeof *v);
    v->b = value;
    v->set = true;
    return DW_OK;
}

dw_code_t dw_obj_unset(dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    memset(v, 0, sizeof *v);
    return DW_OK;
}

dw_code_t dw_obj_set_array(dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (fd->type != DW_FT_ARRAY)
        return DW_E_WRONG_TYPE;
    memset(v, 0, sizeof *v);
    v->set = true;
    return DW_OK;
}

dw_obj_t *dw_obj_set_map(dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v || fd->type != DW_FT_MAP || !fd->object)
        return NULL;
    dw_obj_t *child = obj_new(o->msg, fd->object);
    if (!child)
        return NULL;
    memset(v, 0, sizeof *v);
    v->map = child;
    v->set = true;
    return child;
}

/* ANY bytes as given; made canonical now when they pass the contract's
 * limits, else kept as they are for dw_msg_encode to refuse with the code. */
static dw_code_t set_any_bytes(dw_msg_t *m, dw_val_t *v, const void *bytes, size_t len)
{
    dw_buf_t canon = DW_BUF_INIT;
    bool ok = any_canon(bytes, len, &canon, NULL, NULL) == DW_OK;
    const void *p = ok ? canon.data : bytes;
    size_t n = ok ? canon.len : len;
    memset(v, 0, sizeof *v);
    v->s = arena_copy(m, p, n);
    dw_buf_free(&canon);
    if (!v->s)
        return DW_E_INTERNAL;
    v->len = n;
    v->canon = ok;
    v->set = true;
    return DW_OK;
}

dw_code_t dw_obj_set_any(dw_obj_t *o, const char *field, const void *msgpack, size_t len)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (fd->type != DW_FT_ANY || (!msgpack && len))
        return DW_E_WRONG_TYPE;
    return set_any_bytes(o->msg, v, msgpack, len);
}

/* The next item of an ARRAY field whose items are of one of the wanted types. */
static dw_code_t push(dw_obj_t *o, const char *field, bool (*wanted)(dw_ftype_t), dw_val_t **item,
                      const dw_field_def_t **fd_out)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    if (!v)
        return DW_E_UNKNOWN_FIELD;
    if (fd->type != DW_FT_ARRAY || !wanted(fd->item_type))
        return DW_E_WRONG_TYPE;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 4;
        dw_val_t *items = arena_alloc(o->msg, cap * sizeof *items);
        if (!items)
            return DW_E_INTERNAL;
        if (v->n)
            memcpy(items, v->items, v->n * sizeof *items);
        v->items = items;
        v->cap = cap;
    }
    v->set = true;
    *item = &v->items[v->n++];
    memset(*item, 0, sizeof **item);
    (*item)->set = true;
    if (fd_out)
        *fd_out = fd;
    return DW_OK;
}

static bool want_text(dw_ftype_t t)
{
    return is_text_type(t);
}
static bool want_int(dw_ftype_t t)
{
    return is_int_type(t);
}
static bool want_map(dw_ftype_t t)
{
    return t == DW_FT_MAP;
}
static bool want_any(dw_ftype_t t)
{
    return t == DW_FT_ANY;
}
static bool want_scalar(dw_ftype_t t)
{
    return is_text_type(t) || is_int_type(t) || t == DW_FT_BOOL;
}

dw_code_t dw_obj_push_str(dw_obj_t *o, const char *field, const char *value)
{
    dw_val_t *it;
    if (!value)
        return DW_E_WRONG_TYPE;
    dw_code_t rc = push(o, field, want_text, &it, NULL);
    if (rc != DW_OK)
        return rc;
    it->len = strlen(value);
    if (!(it->s = arena_copy(o->msg, value, it->len)))
        return DW_E_INTERNAL;
    return DW_OK;
}

dw_code_t dw_obj_push_int(dw_obj_t *o, const char *field, int64_t value)
{
    dw_val_t *it;
    dw_code_t rc = push(o, field, want_int, &it, NULL);
    if (rc == DW_OK)
        it->i = value;
    return rc;
}

dw_obj_t *dw_obj_push_map(dw_obj_t *o, const char *field)
{
    dw_val_t *it;
    const dw_field_def_t *fd;
    if (push(o, field, want_map, &it, &fd) != DW_OK || !fd->object)
        return NULL;
    it->map = obj_new(o->msg, fd->object);
    return it->map;
}

dw_code_t dw_obj_push_any(dw_obj_t *o, const char *field, const void *msgpack, size_t len)
{
    dw_val_t *it;
    if (!msgpack && len)
        return DW_E_WRONG_TYPE;
    dw_code_t rc = push(o, field, want_any, &it, NULL);
    if (rc != DW_OK)
        return rc;
    return set_any_bytes(o->msg, it, msgpack, len);
}

/* Strict decimal integer text: -?[0-9]+, overflow refused. */
static dw_code_t parse_int(const char *text, int64_t *out)
{
    const char *p = text;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (!*p)
        return DW_E_WRONG_TYPE;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return DW_E_WRONG_TYPE;
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return DW_E_OUT_OF_RANGE;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return DW_OK;
}

/* Text in the terms of a scalar type, into a value slot already chosen. */
static dw_code_t text_into(dw_msg_t *m, dw_ftype_t type, dw_val_t *v, const char *field, const char *text,
                           dw_error_t *err)
{
    path_t p = {.len = 0};
    path_push(&p, field, strlen(field));
    if (!text)
        return fail(err, &p, DW_E_WRONG_TYPE, "no text given");
    dw_code_t rc;
    switch (type) {
    case DW_FT_INT:
    case DW_FT_FEN:
        rc = parse_int(text, &v->i);
        if (rc == DW_E_WRONG_TYPE)
            return fail(err, &p, rc, "%s is not a decimal integer", quote(text, strlen(text)).s);
        if (rc != DW_OK)
            return fail(err, &p, rc, "%s does not fit in 64 bits", quote(text, strlen(text)).s);
        break;
    case DW_FT_BOOL:
        if (strcmp(text, "true") == 0)
            v->b = true;
        else if (strcmp(text, "false") == 0)
            v->b = false;
        else
            return fail(err, &p, DW_E_WRONG_TYPE, "%s is neither true nor false", quote(text, strlen(text)).s);
        break;
    case DW_FT_STR:
    case DW_FT_DATE:
    case DW_FT_DECIMAL:
    case DW_FT_ENUM:
        v->len = strlen(text);
        if (!(v->s = arena_copy(m, text, v->len)))
            return fail(err, &p, DW_E_INTERNAL, "out of memory");
        break;
    default: return fail(err, &p, DW_E_WRONG_TYPE, "a field of type %s cannot be given as text", dw_ftype_name(type));
    }
    v->set = true;
    return DW_OK;
}

dw_code_t dw_obj_set_text(dw_obj_t *o, const char *field, const char *text, dw_error_t *err)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    path_t p = {.len = 0};
    if (!v) {
        path_push(&p, field ? field : "", field ? strlen(field) : 0);
        return fail(err, &p, DW_E_UNKNOWN_FIELD, "unknown field %s",
                    quote(field ? field : "", field ? strlen(field) : 0).s);
    }
    dw_val_t nv = {.set = false};
    dw_code_t rc = text_into(o->msg, fd->type, &nv, field, text, err);
    if (rc == DW_OK)
        *v = nv;
    return rc;
}

dw_code_t dw_obj_push_text(dw_obj_t *o, const char *field, const char *text, dw_error_t *err)
{
    const dw_field_def_t *fd;
    dw_val_t *v = slot(o, field, &fd);
    path_t p = {.len = 0};
    path_push(&p, field ? field : "", field ? strlen(field) : 0);
    if (!v)
        return fail(err, &p, DW_E_UNKNOWN_FIELD, "unknown field %s",
                    quote(field ? field : "", field ? strlen(field) : 0).s);
    if (fd->type != DW_FT_ARRAY || !want_scalar(fd->item_type))
        return fail(err, &p, DW_E_WRONG_TYPE, "%s is not an array of scalars", field);
    dw_val_t nv = {.set = false};
    dw_code_t rc = text_into(o->msg, fd->item_type, &nv, field, text, err);
    if (rc != DW_OK)
        return rc;
    dw_val_t *it;
    if ((rc = push(o, field, want_scalar, &it, NULL)) != DW_OK)
        return fail(err, &p, rc, "out of memory");
    *it = nv;
    return DW_OK;
}

/* "92a1..." -> bytes, into the arena. */
static bool unhex(dw_msg_t *m, const char *hex, char **out, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2)
        return false;
    char *b = arena_alloc(m, n / 2 + 1);
    if (!b)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return false;
        b[i] = (char)v;
    }
    *out = b;
    *len = n / 2;
    return true;
}

static dw_code_t fill(dw_obj_t *o, path_t *p, dw_error_t *err)
{
    dw_error_clear(err);
    for (size_t i = 0; i < o->def->n_fields; i++) {
        const dw_field_def_t *fd = &o->def->fields[i];
        size_t old = path_push(p, fd->name, strlen(fd->name));
        dw_code_t rc = DW_OK;
        char *bytes;
        size_t len;
        dw_error_t e2;
        switch (fd->type) {
        case DW_FT_MAP: {
            dw_obj_t *child = dw_obj_set_map(o, fd->name);
            rc = child ? fill(child, p, err) : fail(err, p, DW_E_INTERNAL, "no object to fill");
            break;
        }
        case DW_FT_ARRAY:
            if (fd->item_type == DW_FT_MAP) {
                dw_obj_t *child = dw_obj_push_map(o, fd->name);
                size_t o2 = path_index(p, 0);
                rc = child ? fill(child, p, err) : fail(err, p, DW_E_INTERNAL, "no object to fill");
                path_pop(p, o2);
            } else if (!fd->test_value)
                rc = DW_OK; /* nothing to put in: the array stays absent */
            else if (fd->item_type == DW_FT_ANY) {
                if (!unhex(o->msg, fd->test_value, &bytes, &len))
                    rc = fail(err, p, DW_E_WRONG_TYPE, "test value is not hex");
                else
                    rc = dw_obj_push_any(o, fd->name, bytes, len);
            } else if ((rc = dw_obj_push_text(o, fd->name, fd->test_value, &e2)) != DW_OK)
                rc = fail(err, p, rc, "%s", e2.message);
            break;
        case DW_FT_ANY:
            /* A required ANY without a test value gets nil: the one value that
             * says "nothing" and is still a value. */
            if (fd->test_value) {
                if (!unhex(o->msg, fd->test_value, &bytes, &len))
                    rc = fail(err, p, DW_E_WRONG_TYPE, "test value is not hex");
                else
                    rc = dw_obj_set_any(o, fd->name, bytes, len);
            } else if (fd->required)
                rc = dw_obj_set_any(o, fd->name, "\xc0", 1);
            break;
        default:
            if (fd->test_value && (rc = dw_obj_set_text(o, fd->name, fd->test_value, &e2)) != DW_OK)
                rc = fail(err, p, rc, "%s", e2.message);
        }
        if (rc != DW_OK) {
            /* setters return a bare code; say which field it was */
            if (err && err->code != rc)
                fail(err, p, rc, "could not set the test value");
            return rc;
        }
        path_pop(p, old);
    }
    return DW_OK;
}

dw_code_t dw_obj_fill_test_values(dw_obj_t *o, dw_error_t *err)
{
    path_t p = {.len = 0};
    if (!o)
        return fail(err, NULL, DW_E_INTERNAL, "no map to fill");
    return fill(o, &p, err);
}

/* --------------------------------------------------------------- encoding */

typedef struct {
    msgpack_packer pk;
    dw_buf_t *out;
    dw_error_t *err;
    path_t path;
} ectx_t;

static dw_code_t packed(ectx_t *c, int rc)
{
    return rc == 0 ? DW_OK : fail(c->err, &c->path, DW_E_INTERNAL, "out of memory");
}

static dw_code_t encode_obj(ectx_t *c, const dw_obj_t *o);

static dw_code_t encode_value(ectx_t *c, const dw_field_def_t *fd, const dw_val_t *v)
{
    dw_code_t rc;
    switch (fd->type) {
    case DW_FT_MAP:
        return v->map ? encode_obj(c, v->map) : fail(c->err, &c->path, DW_E_MISSING_FIELD, "map has no content");
    case DW_FT_ANY:
        /* canonical bytes go in as they are: they are one whole msgpack value */
        if (v->canon)
            return packed(c, dw_buf_append(c->out, v->s, v->len));
        return any_canon(v->s, v->len, c->out, &c->path, c->err);
    case DW_FT_ARRAY: {
        if ((int64_t)v->n < fd->min || (int64_t)v->n > fd->max)
            return fail(c->err, &c->path, DW_E_BAD_COUNT, "%zu items outside [%" PRId64 ", %" PRId64 "]", v->n, fd->min,
                        fd->max);
        if ((rc = packed(c, msgpack_pack_array(&c->pk, v->n))) != DW_OK)
            return rc;
        dw_field_def_t id = item_def(fd);
        for (size_t i = 0; i < v->n; i++) {
            size_t old = path_index(&c->path, i);
            if ((rc = encode_value(c, &id, &v->items[i])) != DW_OK)
                return rc;
            path_pop(&c->path, old);
        }
        return DW_OK;
    }
    default: {
        view_t w = {.kind = VK_OTHER};
        if (is_text_type(fd->type))
            w = (view_t){.kind = VK_STR, .s = v->s, .len = v->len};
        else if (is_int_type(fd->type))
            w = (view_t){.kind = VK_INT, .i = v->i};
        else
            w = (view_t){.kind = VK_BOOL, .i = v->b};
        if ((rc = check_scalar(fd, &w, &c->path, c->err)) != DW_OK)
            return rc;
        /* msgpack-c v4 picks the smallest form: positive fixint, uint8..64 for
         * positives, negative fixint, int8..64 for negatives; fixstr, str8..32 */
        if (w.kind == VK_STR) {
            if ((rc = packed(c, msgpack_pack_str(&c->pk, w.len))) != DW_OK)
                return rc;
            return packed(c, msgpack_pack_str_body(&c->pk, w.s, w.len));
        }
        if (w.kind == VK_INT)
            return packed(c, msgpack_pack_int64(&c->pk, w.i));
        return packed(c, v->b ? msgpack_pack_true(&c->pk) : msgpack_pack_false(&c->pk));
    }
    }
}

static dw_code_t encode_obj(ectx_t *c, const dw_obj_t *o)
{
    const dw_object_def_t *def = o->def;
    size_t n = 0;
    dw_code_t rc;
    for (size_t i = 0; i < def->n_fields; i++) {
        if (o->vals[i].set)
            n++;
        else if (def->fields[i].required) {
            path_push(&c->path, def->fields[i].name, strlen(def->fields[i].name));
            return fail(c->err, &c->path, DW_E_MISSING_FIELD, "required field %s is missing", def->fields[i].name);
        }
    }
    if ((rc = packed(c, msgpack_pack_map(&c->pk, n))) != DW_OK)
        return rc;
    for (size_t i = 0; i < def->n_fields; i++) {
        const dw_field_def_t *fd = &def->fields[i];
        if (!o->vals[i].set)
            continue;
        size_t len = strlen(fd->name);
        size_t old = path_push(&c->path, fd->name, len);
        if ((rc = packed(c, msgpack_pack_str(&c->pk, len))) != DW_OK ||
            (rc = packed(c, msgpack_pack_str_body(&c->pk, fd->name, len))) != DW_OK ||
            (rc = encode_value(c, fd, &o->vals[i])) != DW_OK)
            return rc;
        path_pop(&c->path, old);
    }
    return DW_OK;
}

/* What the decoder asks of an envelope beyond its fields' own checks. */
static dw_code_t check_envelope(ectx_t *c, const dw_msg_t *m)
{
    const dw_obj_t *e = m->env;
    const dw_val_t *seq = &e->vals[field_index(e->def, "seq")], *stream = &e->vals[field_index(e->def, "stream")];
    int64_t v = e->vals[field_index(e->def, "v")].i;
    if (v != dw_schema_version) {
        path_push(&c->path, "v", 1);
        return fail(c->err, &c->path, DW_E_BAD_VERSION, "protocol version %" PRId64 " is not spoken here (%d is)", v,
                    dw_schema_version);
    }
    if (m->td->direction == DW_DIR_IN && (seq->set || stream->set)) {
        path_push(&c->path, seq->set ? "seq" : "stream", seq->set ? 3 : 6);
        return fail(c->err, &c->path, DW_E_UNKNOWN_FIELD, "%s is set only on published messages",
                    seq->set ? "seq" : "stream");
    }
    if (seq->set != stream->set) {
        path_push(&c->path, seq->set ? "stream" : "seq", seq->set ? 6 : 3);
        return fail(c->err, &c->path, DW_E_MISSING_FIELD, "seq and stream come together");
    }
    return DW_OK;
}

dw_code_t dw_msg_encode(const dw_msg_t *self, dw_buf_t *out, dw_error_t *err)
{
    dw_error_clear(err);
    if (!self || !out)
        return fail(err, NULL, DW_E_INTERNAL, "no message or buffer");
    size_t start = out->len;
    ectx_t c = {.out = out, .err = err};
    msgpack_packer_init(&c.pk, out, buf_write);
    dw_code_t rc = self->env ? check_envelope(&c, self) : DW_OK;
    if (rc == DW_OK)
        rc = encode_obj(&c, self->env ? self->env : self->body);
    /* the whole frame against the contract's limits (size, and the depth an
     * ANY value may add), so what we send is what a peer accepts */
    if (rc == DW_OK) {
        dw_error_t scan_err;
        if ((rc = dw_scan(out->data + start, out->len - start, NULL, &scan_err)) != DW_OK)
            fail(err, NULL, rc, "%s", scan_err.message);
    }
    if (rc != DW_OK) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
    }
    return rc;
}

/* ------------------------------------------------------------ envelope */

const dw_type_def_t *dw_msg_typedef(const dw_msg_t *self)
{
    return self ? self->td : NULL;
}

const char *dw_msg_type(const dw_msg_t *self)
{
    return self ? self->td->type : NULL;
}

const char *dw_msg_id(const dw_msg_t *self)
{
    return self && self->env ? dw_obj_str(self->env, "id") : NULL;
}

const char *dw_msg_src(const dw_msg_t *self)
{
    return self && self->env ? dw_obj_str(self->env, "src") : NULL;
}

int64_t dw_msg_ts(const dw_msg_t *self)
{
    int64_t v = 0;
    if (self && self->env)
        dw_obj_int(self->env, "ts", &v);
    return v;
}

int64_t dw_msg_version(const dw_msg_t *self)
{
    int64_t v = 0;
    if (self && self->env)
        dw_obj_int(self->env, "v", &v);
    return v;
}

bool dw_msg_seq(const dw_msg_t *self, int64_t *seq)
{
    return self && self->env && dw_obj_int(self->env, "seq", seq);
}

const char *dw_msg_stream(const dw_msg_t *self)
{
    return self && self->env ? dw_obj_str(self->env, "stream") : NULL;
}

dw_code_t dw_msg_set_published(dw_msg_t *self, const char *stream, int64_t seq)
{
    if (!self || !self->env || self->td->direction == DW_DIR_IN)
        return DW_E_UNKNOWN_FIELD;
    dw_code_t rc = dw_obj_set_str(self->env, "stream", stream);
    if (rc == DW_OK)
        rc = dw_obj_set_int(self->env, "seq", seq);
    return rc;
}

dw_obj_t *dw_msg_body(dw_msg_t *self)
{
    return self ? self->body : NULL;
}

const dw_obj_t *dw_msg_body_const(const dw_msg_t *self)
{
    return self ? self->body : NULL;
}

/* ---------------------------------------------------------------- getters */

const dw_object_def_t *dw_obj_def(const dw_obj_t *o)
{
    return o ? o->def : NULL;
}

static const dw_val_t *get(const dw_obj_t *o, const char *field, const dw_field_def_t **fd)
{
    const dw_val_t *v = slot(o, field, fd);
    return v && v->set ? v : NULL;
}

bool dw_obj_has(const dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    return get(o, field, &fd) != NULL;
}

const char *dw_obj_str(const dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    return v && is_text_type(fd->type) ? v->s : NULL;
}

bool dw_obj_int(const dw_obj_t *o, const char *field, int64_t *out)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    if (!v || !is_int_type(fd->type))
        return false;
    if (out)
        *out = v->i;
    return true;
}

bool dw_obj_bool(const dw_obj_t *o, const char *field, bool *out)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    if (!v || fd->type != DW_FT_BOOL)
        return false;
    if (out)
        *out = v->b;
    return true;
}

const dw_obj_t *dw_obj_map(const dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    return v && fd->type == DW_FT_MAP ? v->map : NULL;
}

size_t dw_obj_count(const dw_obj_t *o, const char *field)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    return v && fd->type == DW_FT_ARRAY ? v->n : 0;
}

static const dw_val_t *item(const dw_obj_t *o, const char *field, size_t i, bool (*wanted)(dw_ftype_t))
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    if (!v || fd->type != DW_FT_ARRAY || !wanted(fd->item_type) || i >= v->n)
        return NULL;
    return &v->items[i];
}

const char *dw_obj_item_str(const dw_obj_t *o, const char *field, size_t i)
{
    const dw_val_t *it = item(o, field, i, want_text);
    return it ? it->s : NULL;
}

bool dw_obj_item_int(const dw_obj_t *o, const char *field, size_t i, int64_t *out)
{
    const dw_val_t *it = item(o, field, i, want_int);
    if (!it)
        return false;
    if (out)
        *out = it->i;
    return true;
}

const dw_obj_t *dw_obj_item_map(const dw_obj_t *o, const char *field, size_t i)
{
    const dw_val_t *it = item(o, field, i, want_map);
    return it ? it->map : NULL;
}

const void *dw_obj_any(const dw_obj_t *o, const char *field, size_t *len)
{
    const dw_field_def_t *fd;
    const dw_val_t *v = get(o, field, &fd);
    if (!v || fd->type != DW_FT_ANY)
        return NULL;
    if (len)
        *len = v->len;
    return v->s;
}

const void *dw_obj_item_any(const dw_obj_t *o, const char *field, size_t i, size_t *len)
{
    const dw_val_t *it = item(o, field, i, want_any);
    if (!it)
        return NULL;
    if (len)
        *len = it->len;
    return it->s;
}
