/* dw_scan: every code from hand-written bytes, and the exact limit boundaries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dw_scan.h"
#include "dw_test.h"

/* Small limits so the boundaries are easy to write by hand. */
static const dw_limits_t lim = {.max_size = 1024, .max_depth = 8, .max_count = 4096, .max_str = 300};

/* "dd ff ff ff ff" -> bytes; spaces ignored. */
static size_t unhex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (n >= cap || sscanf(p, "%2x", &v) != 1)
            abort();
        out[n++] = (unsigned char)v;
        p += 2;
    }
    return n;
}

static dw_code_t scan_hex_lim(const char *hex, const dw_limits_t *l, dw_error_t *err)
{
    unsigned char buf[512];
    size_t n = unhex(hex, buf, sizeof buf);
    return dw_scan(buf, n, l, err);
}

static dw_code_t scan_hex(const char *hex)
{
    dw_error_t err;
    return scan_hex_lim(hex, &lim, &err);
}

static void test_empty_and_size(void)
{
    dw_error_t err;
    unsigned char b = 0;
    CHECK_INT(dw_scan(&b, 0, &lim, &err), DW_E_TRUNCATED);
    CHECK_STR(err.message, "empty message");
    CHECK_STR(err.field, "");

    /* max_size exactly: str16 of 1021 bytes = 3 + 1021 = 1024 bytes. */
    dw_limits_t l = lim;
    l.max_str = 2000;
    unsigned char *m = malloc(1025);
    m[0] = 0xda;
    m[1] = 0x03;
    m[2] = 0xfd; /* 1021 */
    memset(m + 3, 'x', 1022);
    CHECK_INT(dw_scan(m, 1024, &l, &err), DW_OK);
    m[2] = 0xfe; /* 1022 bytes of text: 1025 in all */
    CHECK_INT(dw_scan(m, 1025, &l, &err), DW_E_TOO_BIG);
    CHECK_STR(err.message, "message of 1025 bytes exceeds limit 1024");
    /* too_big comes before anything else, even garbage */
    m[0] = 0xc1;
    CHECK_INT(dw_scan(m, 1025, &l, &err), DW_E_TOO_BIG);
    free(m);
}

static void test_bombs(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("dd ff ff ff ff", &lim, &err), DW_E_TOO_MANY);
    CHECK_STR(err.message, "declared array of 4294967295 items at offset 0 exceeds limit 4096");
    CHECK_INT(scan_hex_lim("df ff ff ff ff", &lim, &err), DW_E_TOO_MANY);
    CHECK_STR(err.message, "declared map of 4294967295 pairs at offset 0 exceeds limit 4096");
    CHECK_INT(scan_hex("dc ff ff"), DW_E_TOO_MANY);
    CHECK_INT(scan_hex("de ff ff"), DW_E_TOO_MANY);
    CHECK_INT(scan_hex("c6 ff ff ff ff"), DW_E_BIN_TYPE);
    CHECK_INT(scan_hex_lim("db ff ff ff ff", &lim, &err), DW_E_STR_TOO_LONG);
    CHECK_STR(err.message, "str of 4294967295 bytes at offset 0 exceeds limit 300");

    /* With limits that allow the counts, the bytes that remain refuse them. */
    dw_limits_t big = {.max_size = 1024, .max_depth = 8, .max_count = UINT32_MAX, .max_str = UINT32_MAX};
    CHECK_INT(scan_hex_lim("dd ff ff ff ff", &big, &err), DW_E_TRUNCATED);
    CHECK_STR(err.message, "declared array of 4294967295 items at offset 0 needs at least 4294967295 bytes, 0 left");
    CHECK_INT(scan_hex_lim("df ff ff ff ff", &big, &err), DW_E_TRUNCATED);
    CHECK_STR(err.message, "declared map of 4294967295 pairs at offset 0 needs at least 8589934590 bytes, 0 left");
    CHECK_INT(scan_hex_lim("dc ff ff", &big, &err), DW_E_TRUNCATED);
    CHECK_INT(scan_hex_lim("de ff ff", &big, &err), DW_E_TRUNCATED);
    CHECK_INT(scan_hex_lim("db ff ff ff ff", &big, &err), DW_E_TRUNCATED);
    CHECK_STR(err.message, "str of 4294967295 bytes at offset 0 runs past the end, 0 left");
    /* an array of 3 with 2 bytes left; a map of 2 pairs with 3 bytes left */
    CHECK_INT(scan_hex("93 01 02"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("82 a1 61 01"), DW_E_TRUNCATED);
    /* the header itself cut short */
    CHECK_INT(scan_hex_lim("dd ff ff", &lim, &err), DW_E_TRUNCATED);
    CHECK_STR(err.message, "header 0xdd at offset 0 needs 4 more bytes, 2 left");
}

static void test_depth(void)
{
    dw_error_t err;
    /* 8 nested arrays at max_depth 8: fine; 9: too deep, at the 9th (offset 8). */
    CHECK_INT(scan_hex("91 91 91 91 91 91 91 91 00"), DW_OK);
    CHECK_INT(scan_hex_lim("91 91 91 91 91 91 91 91 91 00", &lim, &err), DW_E_TOO_DEEP);
    CHECK_STR(err.message, "array at offset 8 nests deeper than limit 8");
    /* an empty container still nests */
    CHECK_INT(scan_hex("91 91 91 91 91 91 91 91 90"), DW_E_TOO_DEEP);
    CHECK_INT(scan_hex("91 91 91 91 91 91 91 91 80"), DW_E_TOO_DEEP);
    CHECK_INT(scan_hex("91 91 91 91 91 91 91 90"), DW_OK);
    /* maps count the same way */
    CHECK_INT(scan_hex("81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 c0"), DW_OK);
    CHECK_INT(scan_hex("81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 81 a1 61 c0"),
              DW_E_TOO_DEEP);
    /* a top-level scalar does not nest */
    dw_limits_t flat = lim;
    flat.max_depth = 0;
    CHECK_INT(scan_hex_lim("01", &flat, &err), DW_OK);
    CHECK_INT(scan_hex_lim("90", &flat, &err), DW_E_TOO_DEEP);

    /* 100000 nested arrays: refused at the limit, no stack growth. */
    size_t n = 100000;
    unsigned char *deep = malloc(n);
    memset(deep, 0x91, n);
    dw_limits_t roomy = lim;
    roomy.max_size = n;
    CHECK_INT(dw_scan(deep, n, &roomy, &err), DW_E_TOO_DEEP);
    CHECK_STR(err.message, "array at offset 8 nests deeper than limit 8");
    /* whatever the limits say, nesting stops at DW_SCAN_DEPTH_MAX (32) */
    dw_limits_t bottomless = {
        .max_size = SIZE_MAX, .max_depth = UINT32_MAX, .max_count = UINT32_MAX, .max_str = UINT32_MAX};
    CHECK_INT(dw_scan(deep, n, &bottomless, &err), DW_E_TOO_DEEP);
    CHECK_STR(err.message, "array at offset 32 nests deeper than limit 32");
    deep[32] = 0x00; /* 32 arrays around a 0: the most msgpack-c unpacks */
    CHECK_INT(dw_scan(deep, 33, &bottomless, &err), DW_OK);
    free(deep);
}

static void test_truncated_prefixes(void)
{
    /* {"v": 1, "body": {"a": [256, -1 as int64], "b": str8 "中"}, "t": true} */
    const char *hex = "83 a1 76 01 a4 62 6f 64 79 82 a1 61 92 cd 01 00 d3 ff ff ff ff ff ff ff ff"
                      " a1 62 d9 03 e4 b8 ad a1 74 c3";
    unsigned char buf[64];
    size_t n = unhex(hex, buf, sizeof buf);
    CHECK_INT(n, 35);
    dw_error_t err;
    CHECK_INT(dw_scan(buf, n, &lim, &err), DW_OK);
    for (size_t len = 1; len < n; len++) {
        dw_code_t rc = dw_scan(buf, len, &lim, &err);
        if (rc != DW_E_TRUNCATED)
            fprintf(stderr, "prefix of %zu bytes: %s (%s)\n", len, dw_code_name(rc), err.message);
        CHECK_INT(rc, DW_E_TRUNCATED);
    }
    /* a prefix reached by copying, so ASan sees any read past the end */
    for (size_t len = 1; len < n; len++) {
        unsigned char *p = malloc(len);
        memcpy(p, buf, len);
        CHECK_INT(dw_scan(p, len, &lim, &err), DW_E_TRUNCATED);
        free(p);
    }
    CHECK_INT(scan_hex("a5 61"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("d9 05 61"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("cd 00"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("cf 00 00 00 00 00 00 00"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("d3"), DW_E_TRUNCATED);
    CHECK_INT(scan_hex("d9"), DW_E_TRUNCATED);
}

static void test_trailing(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("c0 c0", &lim, &err), DW_E_TRAILING);
    CHECK_STR(err.message, "1 bytes after the value that ends at offset 1");
    CHECK_INT(scan_hex("80 00"), DW_E_TRAILING);
    CHECK_INT(scan_hex("91 01 02 03"), DW_E_TRAILING);
    /* trailing garbage is reported as trailing, not parsed */
    CHECK_INT(scan_hex("80 c1"), DW_E_TRAILING);
}

/* dw_utf8_cut: a cut inside a character drops the whole character, and a
 * text that snprintf left with half a character at its end is mended. */
static void test_utf8_cut(void)
{
    char s[] = "预算abc"; /* 预 and 算 are 3 bytes each */
    dw_utf8_cut(s, 4);
    CHECK_STR(s, "预");
    char whole[] = "预算abc";
    dw_utf8_cut(whole, 100);
    CHECK_STR(whole, "预算abc");
    char at_boundary[] = "预算abc";
    dw_utf8_cut(at_boundary, 6);
    CHECK_STR(at_boundary, "预算");
    char ascii[] = "abcdef";
    dw_utf8_cut(ascii, 3);
    CHECK_STR(ascii, "abc");
    /* what snprintf leaves in 6 bytes: 预 and two bytes of 算 */
    char cut[6];
    const char *long_text = "预算";
    memcpy(cut, long_text, 5);
    cut[5] = '\0';
    dw_utf8_cut(cut, strlen(cut));
    CHECK_STR(cut, "预");
    char four[] = "a\xF0\x9F\x98\x80"; /* a and one 4-byte character */
    dw_utf8_cut(four, 4);
    CHECK_STR(four, "a");
    char none[] = "预";
    dw_utf8_cut(none, 2);
    CHECK_STR(none, "");
}

static void test_utf8(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("a2 c0 80", &lim, &err), DW_E_BAD_UTF8); /* overlong NUL */
    CHECK_STR(err.message, "str at offset 0 is not valid utf-8 at offset 1");
    CHECK_INT(scan_hex("a3 ed a0 80"), DW_E_BAD_UTF8);    /* surrogate U+D800 */
    CHECK_INT(scan_hex("a4 f4 90 80 80"), DW_E_BAD_UTF8); /* U+110000 */
    CHECK_INT(scan_hex("a1 80"), DW_E_BAD_UTF8);          /* lone continuation */
    CHECK_INT(scan_hex("a2 e4 b8"), DW_E_BAD_UTF8);       /* "中" cut short */
    CHECK_INT(scan_hex("a3 e4 b8 41"), DW_E_BAD_UTF8);    /* continuation replaced */
    CHECK_INT(scan_hex("a3 e0 9f bf"), DW_E_BAD_UTF8);    /* overlong 3-byte */
    CHECK_INT(scan_hex("a4 f0 8f bf bf"), DW_E_BAD_UTF8); /* overlong 4-byte */
    CHECK_INT(scan_hex("a1 ff"), DW_E_BAD_UTF8);
    CHECK_INT(scan_hex("81 a2 c0 80 01"), DW_E_BAD_UTF8); /* keys are text too */
    CHECK_INT(scan_hex("a3 e4 b8 ad"), DW_OK);            /* 中 */
    CHECK_INT(scan_hex("a4 f4 8f bf bf"), DW_OK);         /* U+10FFFF */

    CHECK(dw_utf8_valid("", 0));
    CHECK(dw_utf8_valid("\xc2\x80", 2));                 /* U+0080 */
    CHECK(dw_utf8_valid("\xdf\xbf", 2));                 /* U+07FF */
    CHECK(dw_utf8_valid("\xe0\xa0\x80", 3));             /* U+0800 */
    CHECK(dw_utf8_valid("\xed\x9f\xbf", 3));             /* U+D7FF */
    CHECK(dw_utf8_valid("\xee\x80\x80", 3));             /* U+E000 */
    CHECK(dw_utf8_valid("\xef\xbf\xbf", 3));             /* U+FFFF */
    CHECK(dw_utf8_valid("\xf0\x90\x80\x80", 4));         /* U+10000 */
    CHECK(dw_utf8_valid("\xf4\x8f\xbf\xbf", 4));         /* U+10FFFF */
    CHECK(dw_utf8_valid("\xe9\xa2\x84\xe7\xae\x97", 6)); /* 预算 */
    CHECK(dw_utf8_valid("a\0b", 3));                     /* NUL is UTF-8; dw_scan refuses it on its own */
    CHECK(!dw_utf8_valid("\xc0\x80", 2));
    CHECK(!dw_utf8_valid("\xc1\xbf", 2));
    CHECK(!dw_utf8_valid("\xe0\x9f\xbf", 3));
    CHECK(!dw_utf8_valid("\xed\xa0\x80", 3));
    CHECK(!dw_utf8_valid("\xed\xbf\xbf", 3));
    CHECK(!dw_utf8_valid("\xf0\x8f\xbf\xbf", 4));
    CHECK(!dw_utf8_valid("\xf4\x90\x80\x80", 4));
    CHECK(!dw_utf8_valid("\xf5\x80\x80\x80", 4));
    CHECK(!dw_utf8_valid("\x80", 1));
    CHECK(!dw_utf8_valid("\xe4\xb8", 2));
    CHECK(!dw_utf8_valid("\xf0\x90\x80", 3));
    CHECK(!dw_utf8_valid("\xe4\xb8\xad\xe4", 4));
}

static void test_nul(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("a3 61 00 62", &lim, &err), DW_E_NUL_CHAR);
    CHECK_STR(err.message, "str at offset 0 holds a nul character at offset 2");
    CHECK_INT(scan_hex("a1 00"), DW_E_NUL_CHAR);
    CHECK_INT(scan_hex("81 a2 61 00 01"), DW_E_NUL_CHAR);
    /* the first fault wins */
    CHECK_INT(scan_hex("a3 00 c0 80"), DW_E_NUL_CHAR);
    CHECK_INT(scan_hex("a3 c0 80 00"), DW_E_BAD_UTF8);
}

static void test_ints(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("cf 80 00 00 00 00 00 00 00", &lim, &err), DW_E_INT_OVERFLOW);
    CHECK_STR(err.message, "uint64 at offset 0 exceeds the int64 range");
    CHECK_INT(scan_hex("cf ff ff ff ff ff ff ff ff"), DW_E_INT_OVERFLOW);
    CHECK_INT(scan_hex("cf 7f ff ff ff ff ff ff ff"), DW_OK); /* INT64_MAX */
    CHECK_INT(scan_hex("d3 80 00 00 00 00 00 00 00"), DW_OK); /* INT64_MIN */
    CHECK_INT(scan_hex("00"), DW_OK);
    CHECK_INT(scan_hex("7f"), DW_OK);
    CHECK_INT(scan_hex("e0"), DW_OK);
    CHECK_INT(scan_hex("ff"), DW_OK);
    CHECK_INT(scan_hex("cc ff"), DW_OK);
    CHECK_INT(scan_hex("cd ff ff"), DW_OK);
    CHECK_INT(scan_hex("ce ff ff ff ff"), DW_OK);
    CHECK_INT(scan_hex("d0 80"), DW_OK);
    CHECK_INT(scan_hex("d1 80 00"), DW_OK);
    CHECK_INT(scan_hex("d2 80 00 00 00"), DW_OK);
    CHECK_INT(scan_hex("c0"), DW_OK);
    CHECK_INT(scan_hex("c2"), DW_OK);
    CHECK_INT(scan_hex("c3"), DW_OK);
}

static void test_refused_types(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("ca 00 00 00 00", &lim, &err), DW_E_FLOAT_TYPE);
    CHECK_INT(scan_hex("cb 00 00 00 00 00 00 00 00"), DW_E_FLOAT_TYPE);
    CHECK_INT(scan_hex("ca"), DW_E_FLOAT_TYPE); /* the type alone decides */
    CHECK_INT(scan_hex("d4 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex("d5 00 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex("d6 ff 00 00 00 00"), DW_E_EXT_TYPE); /* timestamp 32 */
    CHECK_INT(scan_hex("d7 00 00 00 00 00 00 00 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex("d8 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex("c7 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex("c8 00 00 00"), DW_E_EXT_TYPE);
    CHECK_INT(scan_hex_lim("c9 ff ff ff ff 00", &lim, &err), DW_E_EXT_TYPE);
    CHECK_STR(err.message, "ext value (0xc9) at offset 0 refused");
    CHECK_INT(scan_hex("c4 00"), DW_E_BIN_TYPE);
    CHECK_INT(scan_hex("c5 00 00"), DW_E_BIN_TYPE);
    CHECK_INT(scan_hex_lim("c1", &lim, &err), DW_E_BAD_BYTE);
    CHECK_STR(err.message, "byte 0xc1 at offset 0 is not msgpack");
    CHECK_INT(scan_hex("92 01 c1"), DW_E_BAD_BYTE);
    /* inside containers, the offset is the value's */
    CHECK_INT(scan_hex_lim("92 01 ca 00 00 00 00", &lim, &err), DW_E_FLOAT_TYPE);
    CHECK_STR(err.message, "float at offset 2 refused: money is integer fen, other numbers decimal strings");
}

static void test_keys(void)
{
    dw_error_t err;
    CHECK_INT(scan_hex_lim("81 01 02", &lim, &err), DW_E_BAD_KEY);
    CHECK_STR(err.message, "map key at offset 1 is int, not str");
    CHECK_INT(scan_hex("81 c0 01"), DW_E_BAD_KEY);
    CHECK_INT(scan_hex("81 90 01"), DW_E_BAD_KEY);
    CHECK_INT(scan_hex("81 80 01"), DW_E_BAD_KEY);
    CHECK_INT(scan_hex("81 c3 01"), DW_E_BAD_KEY);
    CHECK_INT(scan_hex("81 c4 01 61 01"), DW_E_BAD_KEY); /* bin is not str, as a key too */
    CHECK_INT(scan_hex("81 c1 01"), DW_E_BAD_KEY);
    CHECK_INT(scan_hex("82 a1 61 01 02 03"), DW_E_BAD_KEY); /* the second key */
    /* str8 and str16 keys are keys */
    CHECK_INT(scan_hex("82 d9 01 61 01 da 00 01 62 02"), DW_OK);

    CHECK_INT(scan_hex_lim("82 a1 61 01 a1 61 02", &lim, &err), DW_E_DUP_KEY);
    CHECK_STR(err.message, "key at offset 4 repeats the key at offset 1 in one map");
    /* the same text in another str form is the same key */
    CHECK_INT(scan_hex_lim("82 a1 61 01 d9 01 61 02", &lim, &err), DW_E_DUP_KEY);
    CHECK_INT(scan_hex_lim("82 da 00 01 61 01 a1 61 02", &lim, &err), DW_E_DUP_KEY);
    CHECK_STR(err.message, "key at offset 6 repeats the key at offset 1 in one map");
    CHECK_INT(scan_hex("83 a1 61 01 a1 62 02 a1 61 03"), DW_E_DUP_KEY);
    CHECK_INT(scan_hex("82 a0 01 a0 02"), DW_E_DUP_KEY); /* "" twice */
    /* the same key in two different maps is fine; a prefix is another key */
    CHECK_INT(scan_hex("82 a1 61 81 a1 61 01 a1 62 81 a1 61 02"), DW_OK);
    CHECK_INT(scan_hex("82 a1 61 01 a2 61 62 02"), DW_OK);
    CHECK_INT(scan_hex("92 81 a1 61 01 81 a1 61 02"), DW_OK);
    /* a duplicate after a nested map closes is still found */
    CHECK_INT(scan_hex("83 a1 61 01 a1 62 82 a1 61 01 a1 63 02 a1 61 03"), DW_E_DUP_KEY);

    /* DW_SCAN_DUP_PAIRS keys: checked here; one more and the map is left to
     * dw_msg (documented in dw_scan.h). Keys are fixstr "k000".."k064". */
    unsigned char m[1024];
    size_t n = 0;
    m[n++] = 0xde;
    m[n++] = 0x00;
    m[n++] = 0x41; /* 65 pairs */
    for (int i = 0; i < 65; i++) {
        m[n++] = 0xa4;
        m[n++] = 'k';
        m[n++] = (unsigned char)('0' + i / 100);
        m[n++] = (unsigned char)('0' + i / 10 % 10);
        m[n++] = (unsigned char)('0' + i % 10);
        m[n++] = 0xc0;
    }
    CHECK_INT(dw_scan(m, n, &lim, &err), DW_OK);
    m[n - 4] = '0'; /* k064 -> k000: not found here */
    m[n - 3] = '0';
    CHECK_INT(dw_scan(m, n, &lim, &err), DW_OK);
    m[2] = 0x40; /* 64 pairs, the 64th key made equal to the first */
    n -= 6;
    m[n - 3] = '0';
    m[n - 2] = '0';
    CHECK_INT(dw_scan(m, n, &lim, &err), DW_E_DUP_KEY);
}

static void test_limits_exact(void)
{
    dw_error_t err;
    dw_limits_t l = {.max_size = 100000, .max_depth = 8, .max_count = 4, .max_str = 5};
    CHECK_INT(scan_hex_lim("94 01 02 03 04", &l, &err), DW_OK);
    CHECK_INT(scan_hex_lim("95 01 02 03 04 05", &l, &err), DW_E_TOO_MANY);
    CHECK_STR(err.message, "declared array of 5 items at offset 0 exceeds limit 4");
    CHECK_INT(scan_hex_lim("84 a1 61 01 a1 62 02 a1 63 03 a1 64 04", &l, &err), DW_OK);
    CHECK_INT(scan_hex_lim("85 a1 61 01 a1 62 02 a1 63 03 a1 64 04 a1 65 05", &l, &err), DW_E_TOO_MANY);
    CHECK_STR(err.message, "declared map of 5 pairs at offset 0 exceeds limit 4");
    /* the limit applies whatever the header form */
    CHECK_INT(scan_hex_lim("dc 00 04 01 02 03 04", &l, &err), DW_OK);
    CHECK_INT(scan_hex_lim("dd 00 00 00 05 01 02 03 04 05", &l, &err), DW_E_TOO_MANY);
    CHECK_INT(scan_hex_lim("a5 61 62 63 64 65", &l, &err), DW_OK);
    CHECK_INT(scan_hex_lim("a6 61 62 63 64 65 66", &l, &err), DW_E_STR_TOO_LONG);
    CHECK_STR(err.message, "str of 6 bytes at offset 0 exceeds limit 5");
    CHECK_INT(scan_hex_lim("81 a6 61 62 63 64 65 66 01", &l, &err), DW_E_STR_TOO_LONG);
    CHECK_STR(err.message, "key of 6 bytes at offset 1 exceeds limit 5");
    /* length in bytes, not characters: 中 is 3 bytes */
    CHECK_INT(scan_hex_lim("a6 e4 b8 ad e4 b8 ad", &l, &err), DW_E_STR_TOO_LONG);
    /* max_count counted on the full 4096 too */
    unsigned char *a = malloc(3 + 4097);
    a[0] = 0xdc;
    a[1] = 0x10;
    a[2] = 0x00; /* 4096 */
    memset(a + 3, 0x01, 4097);
    l = lim;
    l.max_size = 10000;
    CHECK_INT(dw_scan(a, 3 + 4096, &l, &err), DW_OK);
    a[2] = 0x01; /* 4097 */
    CHECK_INT(dw_scan(a, 3 + 4097, &l, &err), DW_E_TOO_MANY);
    free(a);
    /* max_size exactly with a container */
    l = (dw_limits_t){.max_size = 5, .max_depth = 8, .max_count = 10, .max_str = 10};
    CHECK_INT(scan_hex_lim("94 01 02 03 04", &l, &err), DW_OK);
    CHECK_INT(scan_hex_lim("95 01 02 03 04 05", &l, &err), DW_E_TOO_BIG);
}

static void test_valid(void)
{
    CHECK_INT(scan_hex("90"), DW_OK);
    CHECK_INT(scan_hex("80"), DW_OK);
    CHECK_INT(scan_hex("a0"), DW_OK);
    CHECK_INT(scan_hex("82 a1 76 01 a4 74 79 70 65 a3 e4 b8 ad"), DW_OK);
    CHECK_INT(scan_hex("92 90 80"), DW_OK);
    CHECK_INT(scan_hex("81 a1 61 92 80 90"), DW_OK);
}

int main(void)
{
    test_empty_and_size();
    test_bombs();
    test_depth();
    test_truncated_prefixes();
    test_trailing();
    test_utf8();
    test_utf8_cut();
    test_nul();
    test_ints();
    test_refused_types();
    test_keys();
    test_limits_exact();
    test_valid();
    DW_TEST_DONE();
}
