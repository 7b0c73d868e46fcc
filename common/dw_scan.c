#include "dw_scan.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Key spans for the duplicate check: DW_SCAN_DUP_PAIRS per open map at every
 * level, so any map small enough is always checked, however deep. */
#define SCAN_SPANS (DW_SCAN_DEPTH_MAX * DW_SCAN_DUP_PAIRS)
#define NO_SPANS   UINT32_MAX

typedef struct {
    uint32_t at;  /* offset of the key's header; its text follows the header */
    uint32_t len; /* text bytes */
} span_t;

typedef struct {
    uint64_t left;      /* items still to come; a map counts keys and values */
    uint32_t span_base; /* first slot of this map's keys, or NO_SPANS */
    uint32_t n_keys;    /* keys recorded so far */
    bool is_map;
} frame_t;

typedef enum { K_SCALAR, K_STR, K_ARRAY, K_MAP, K_BAD, K_BIN, K_EXT, K_FLOAT } kind_t;

/* The type bytes 0xc0..0xdf: what each is, and how many header bytes follow
 * it (for int types, the value; for str, array and map, the count). */
static const struct {
    kind_t kind;
    unsigned char hdr;
} type_c0[32] = {
    /* nil, 0xc1 (never used), false, true */
    [0x00] = {K_SCALAR, 0},
    [0x01] = {K_BAD, 0},
    [0x02] = {K_SCALAR, 0},
    [0x03] = {K_SCALAR, 0},
    /* bin 8 16 32, ext 8 16 32, float 32 64 */
    [0x04] = {K_BIN, 0},
    [0x05] = {K_BIN, 0},
    [0x06] = {K_BIN, 0},
    [0x07] = {K_EXT, 0},
    [0x08] = {K_EXT, 0},
    [0x09] = {K_EXT, 0},
    [0x0a] = {K_FLOAT, 0},
    [0x0b] = {K_FLOAT, 0},
    /* uint 8 16 32 64, int 8 16 32 64 */
    [0x0c] = {K_SCALAR, 1},
    [0x0d] = {K_SCALAR, 2},
    [0x0e] = {K_SCALAR, 4},
    [0x0f] = {K_SCALAR, 8},
    [0x10] = {K_SCALAR, 1},
    [0x11] = {K_SCALAR, 2},
    [0x12] = {K_SCALAR, 4},
    [0x13] = {K_SCALAR, 8},
    /* fixext 1 2 4 8 16 */
    [0x14] = {K_EXT, 0},
    [0x15] = {K_EXT, 0},
    [0x16] = {K_EXT, 0},
    [0x17] = {K_EXT, 0},
    [0x18] = {K_EXT, 0},
    /* str 8 16 32, array 16 32, map 16 32 */
    [0x19] = {K_STR, 1},
    [0x1a] = {K_STR, 2},
    [0x1b] = {K_STR, 4},
    [0x1c] = {K_ARRAY, 2},
    [0x1d] = {K_ARRAY, 4},
    [0x1e] = {K_MAP, 2},
    [0x1f] = {K_MAP, 4},
};

typedef struct {
    const unsigned char *p;
    size_t size;
    size_t pos;
    const dw_limits_t *lim;
    uint32_t max_depth;
    dw_error_t *err;
} scan_t;

int dw_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
        if (c >= 0xc2 && c <= 0xdf)
            need = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0)
                lo = 0xa0; /* overlong below U+0800 */
            else if (c == 0xed)
                hi = 0x9f; /* surrogates U+D800..U+DFFF */
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0)
                lo = 0x90; /* overlong below U+10000 */
            else if (c == 0xf4)
                hi = 0x8f; /* above U+10FFFF */
        } else
            return 0; /* continuation byte, c0/c1 overlongs, f5..ff */
        if (n - i - 1 < need)
            return 0;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= need; k++)
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
        i += need + 1;
    }
    return 1;
}

/* Offset of the first NUL or of the first byte of an invalid sequence in
 * s[0..n), n if none; *nul says which. One pass, so the first fault wins. */
static size_t text_fault(const unsigned char *s, size_t n, bool *nul)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0) {
            *nul = true;
            return i;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (len > n - i || !dw_utf8_valid((const char *)s + i, len)) {
            *nul = false;
            return i;
        }
        i += len;
    }
    return n;
}

static uint64_t be(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* The header at `at` (type byte b) needs n more bytes after the type byte. */
static dw_code_t need(scan_t *s, size_t at, unsigned char b, size_t n)
{
    size_t left = s->size - at - 1;
    if (left < n)
        return dw_error_set(s->err, DW_E_TRUNCATED, "", "header 0x%02x at offset %zu needs %zu more bytes, %zu left", b,
                            at, n, left);
    return DW_OK;
}

/* Bytes of a str header (type byte included), from its type byte. */
static size_t str_header_size(unsigned char b)
{
    return b == 0xd9 ? 2 : b == 0xda ? 3 : b == 0xdb ? 5 : 1;
}

static bool is_str_byte(unsigned char b)
{
    return (b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb);
}

static const char *type_word(unsigned char b)
{
    if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3))
        return "int";
    if (b <= 0x8f || b == 0xde || b == 0xdf)
        return "map";
    if (b <= 0x9f || b == 0xdc || b == 0xdd)
        return "array";
    if (is_str_byte(b))
        return "str";
    if (b == 0xc0)
        return "nil";
    if (b == 0xc2 || b == 0xc3)
        return "bool";
    if (b >= 0xc4 && b <= 0xc6)
        return "bin";
    if (b == 0xca || b == 0xcb)
        return "float";
    if (b == 0xc1)
        return "byte 0xc1";
    return "ext";
}

/* A str of len bytes whose header starts at `at`; s->pos is at its text. */
static dw_code_t scan_text(scan_t *s, size_t at, uint64_t len, bool key)
{
    const char *what = key ? "key" : "str";
    if (len > s->lim->max_str)
        return dw_error_set(s->err, DW_E_STR_TOO_LONG, "", "%s of %llu bytes at offset %zu exceeds limit %u", what,
                            (unsigned long long)len, at, (unsigned)s->lim->max_str);
    size_t left = s->size - s->pos;
    if (len > left)
        return dw_error_set(s->err, DW_E_TRUNCATED, "", "%s of %llu bytes at offset %zu runs past the end, %zu left",
                            what, (unsigned long long)len, at, left);
    bool nul = false;
    size_t bad = text_fault(s->p + s->pos, (size_t)len, &nul);
    if (bad < len) {
        if (nul)
            return dw_error_set(s->err, DW_E_NUL_CHAR, "", "%s at offset %zu holds a nul character at offset %zu", what,
                                at, s->pos + bad);
        return dw_error_set(s->err, DW_E_BAD_UTF8, "", "%s at offset %zu is not valid utf-8 at offset %zu", what, at,
                            s->pos + bad);
    }
    return DW_OK;
}

/* The key whose text is at s->pos (len bytes) against the earlier keys of f. */
static dw_code_t check_key(scan_t *s, frame_t *f, span_t *spans, size_t at, uint32_t len)
{
    if (f->span_base == NO_SPANS)
        return DW_OK;
    span_t *mine = spans + f->span_base;
    const unsigned char *text = s->p + s->pos;
    for (uint32_t k = 0; k < f->n_keys; k++)
        if (mine[k].len == len && memcmp(s->p + mine[k].at + str_header_size(s->p[mine[k].at]), text, len) == 0)
            return dw_error_set(s->err, DW_E_DUP_KEY, "", "key at offset %zu repeats the key at offset %u in one map",
                                at, (unsigned)mine[k].at);
    mine[f->n_keys].at = (uint32_t)at;
    mine[f->n_keys].len = len;
    f->n_keys++;
    return DW_OK;
}

dw_code_t dw_scan(const void *data, size_t size, const dw_limits_t *limits, dw_error_t *err)
{
    if (!limits)
        limits = &dw_schema_limits;
    if (size > limits->max_size || size > UINT32_MAX)
        return dw_error_set(err, DW_E_TOO_BIG, "", "message of %zu bytes exceeds limit %zu", size,
                            limits->max_size < UINT32_MAX ? limits->max_size : (size_t)UINT32_MAX);
    if (size == 0)
        return dw_error_set(err, DW_E_TRUNCATED, "", "empty message");

    scan_t s = {
        .p = data,
        .size = size,
        .pos = 0,
        .lim = limits,
        .max_depth = limits->max_depth < DW_SCAN_DEPTH_MAX ? limits->max_depth : DW_SCAN_DEPTH_MAX,
        .err = err,
    };
    frame_t stack[DW_SCAN_DEPTH_MAX];
    span_t spans[SCAN_SPANS];
    uint32_t spans_used = 0;
    uint32_t depth = 0;
    dw_code_t rc;

    for (;;) {
        frame_t *f = depth ? &stack[depth - 1] : NULL;
        bool want_key = f && f->is_map && f->left % 2 == 0;
        size_t at = s.pos;
        if (at >= size)
            return dw_error_set(err, DW_E_TRUNCATED, "", "input ends at offset %zu where a value is expected", at);
        unsigned char b = s.p[at];
        if (want_key && !is_str_byte(b))
            return dw_error_set(err, DW_E_BAD_KEY, "", "map key at offset %zu is %s, not str", at, type_word(b));

        uint64_t count = 0; /* container items or str bytes */
        size_t hdr = 0;     /* header bytes after the type byte */
        kind_t kind;

        if (b <= 0x7f || b >= 0xe0) {
            kind = K_SCALAR;
        } else if (b <= 0x8f) {
            kind = K_MAP;
            count = b & 0x0f;
        } else if (b <= 0x9f) {
            kind = K_ARRAY;
            count = b & 0x0f;
        } else if (b <= 0xbf) {
            kind = K_STR;
            count = b & 0x1f;
        } else {
            kind = type_c0[b - 0xc0].kind;
            hdr = type_c0[b - 0xc0].hdr;
            switch (kind) {
            case K_BAD: return dw_error_set(err, DW_E_BAD_BYTE, "", "byte 0xc1 at offset %zu is not msgpack", at);
            case K_BIN: return dw_error_set(err, DW_E_BIN_TYPE, "", "bin value at offset %zu refused: text is str", at);
            case K_EXT: return dw_error_set(err, DW_E_EXT_TYPE, "", "ext value (0x%02x) at offset %zu refused", b, at);
            case K_FLOAT:
                return dw_error_set(err, DW_E_FLOAT_TYPE, "",
                                    "float at offset %zu refused: money is integer fen, other numbers decimal strings",
                                    at);
            default: break;
            }
            if ((rc = need(&s, at, b, hdr)) != DW_OK)
                return rc;
            if (kind != K_SCALAR)
                count = be(s.p + at + 1, hdr);
            else if (b == 0xcf && s.p[at + 1] >= 0x80)
                return dw_error_set(err, DW_E_INT_OVERFLOW, "", "uint64 at offset %zu exceeds the int64 range", at);
        }
        s.pos = at + 1 + hdr;

        if (kind == K_STR) {
            if ((rc = scan_text(&s, at, count, want_key)) != DW_OK)
                return rc;
            if (want_key && (rc = check_key(&s, f, spans, at, (uint32_t)count)) != DW_OK)
                return rc;
            s.pos += (size_t)count;
        } else if (kind == K_ARRAY || kind == K_MAP) {
            const char *what = kind == K_MAP ? "map" : "array";
            if (depth + 1 > s.max_depth)
                return dw_error_set(err, DW_E_TOO_DEEP, "", "%s at offset %zu nests deeper than limit %u", what, at,
                                    (unsigned)s.max_depth);
            if (count > limits->max_count)
                return dw_error_set(err, DW_E_TOO_MANY, "", "declared %s of %llu %s at offset %zu exceeds limit %u",
                                    what, (unsigned long long)count, kind == K_MAP ? "pairs" : "items", at,
                                    (unsigned)limits->max_count);
            uint64_t min_bytes = kind == K_MAP ? count * 2 : count;
            size_t left = size - s.pos;
            if (min_bytes > left)
                return dw_error_set(err, DW_E_TRUNCATED, "",
                                    "declared %s of %llu %s at offset %zu needs at least %llu bytes, %zu left", what,
                                    (unsigned long long)count, kind == K_MAP ? "pairs" : "items", at,
                                    (unsigned long long)min_bytes, left);
            if (count > 0) {
                frame_t *nf = &stack[depth++];
                nf->left = min_bytes;
                nf->is_map = kind == K_MAP;
                nf->n_keys = 0;
                nf->span_base = NO_SPANS;
                if (kind == K_MAP && count <= DW_SCAN_DUP_PAIRS && spans_used + count <= SCAN_SPANS) {
                    nf->span_base = spans_used;
                    spans_used += (uint32_t)count;
                }
                continue;
            }
        }

        /* A value is complete: it may complete its containers too. */
        while (depth > 0) {
            frame_t *top = &stack[depth - 1];
            if (--top->left > 0)
                break;
            if (top->span_base != NO_SPANS)
                spans_used = top->span_base;
            depth--;
        }
        if (depth == 0)
            break;
    }

    if (s.pos < size)
        return dw_error_set(err, DW_E_TRAILING, "", "%zu bytes after the value that ends at offset %zu", size - s.pos,
                            s.pos);
    return DW_OK;
}

void dw_utf8_cut(char *s, size_t max)
{
    size_t len = strlen(s);
    size_t cut = len < max ? len : max;
    /* back to the lead byte of the character the cut falls in or after */
    size_t lead = cut;
    while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > 0) {
        unsigned char c = (unsigned char)s[lead - 1];
        size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (cut - (lead - 1) < need)
            cut = lead - 1; /* that character does not fit whole */
    }
    s[cut] = '\0';
}
