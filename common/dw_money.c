#include "dw_money.h"

#include <stdio.h>

#define DECIMAL_MAX_SCALE 18

static const int64_t pow10_table[DECIMAL_MAX_SCALE + 1] = {
    INT64_C(1),
    INT64_C(10),
    INT64_C(100),
    INT64_C(1000),
    INT64_C(10000),
    INT64_C(100000),
    INT64_C(1000000),
    INT64_C(10000000),
    INT64_C(100000000),
    INT64_C(1000000000),
    INT64_C(10000000000),
    INT64_C(100000000000),
    INT64_C(1000000000000),
    INT64_C(10000000000000),
    INT64_C(100000000000000),
    INT64_C(1000000000000000),
    INT64_C(10000000000000000),
    INT64_C(100000000000000000),
    INT64_C(1000000000000000000),
};

int64_t dw_pow10(int scale)
{
    return scale >= 0 && scale <= DECIMAL_MAX_SCALE ? pow10_table[scale] : 0;
}

bool dw_fen_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

bool dw_fen_sub(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return false;
    *out = r;
    return true;
}

/* |v| as unsigned, defined for INT64_MIN too. */
static uint64_t magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Writes the decimal digits of v into the end of buf (no NUL); returns the
 * start. Groups of three are separated by ',' when grouped. */
static char *digits_backwards(uint64_t v, char *end, bool grouped)
{
    char *p = end;
    int n = 0;
    do {
        if (grouped && n > 0 && n % 3 == 0)
            *--p = ',';
        *--p = (char)('0' + v % 10);
        v /= 10;
        n++;
    } while (v);
    return p;
}

int dw_fen_format(int64_t fen, char *buf, size_t n)
{
    /* INT64_MIN: "-92,233,720,368,547,758.08" is 26 chars; 48 leaves room. */
    char tmp[48];
    char *end = tmp + sizeof tmp - 1;
    *end = '\0';
    uint64_t m = magnitude(fen);
    char *p = end;
    *--p = (char)('0' + m % 10);
    *--p = (char)('0' + m / 10 % 10);
    *--p = '.';
    p = digits_backwards(m / 100, p, true);
    if (fen < 0)
        *--p = '-';
    return snprintf(buf, n, "%s", p);
}

/* The shared strict grammar: -?[0-9]+(\.[0-9]+)?. Fills the digit count, the
 * position of the '.', and whether a sign was seen. */
static bool scan_number(const char *s, bool *neg, const char **int_start, size_t *int_len, const char **frac_start,
                        size_t *frac_len)
{
    if (!s)
        return false;
    *neg = false;
    if (*s == '-') {
        *neg = true;
        s++;
    }
    *int_start = s;
    while (*s >= '0' && *s <= '9')
        s++;
    *int_len = (size_t)(s - *int_start);
    if (*int_len == 0)
        return false;
    *frac_start = s;
    *frac_len = 0;
    if (*s == '.') {
        s++;
        *frac_start = s;
        while (*s >= '0' && *s <= '9')
            s++;
        *frac_len = (size_t)(s - *frac_start);
        if (*frac_len == 0)
            return false;
    }
    return *s == '\0';
}

/* Accumulates digits into a magnitude; false past limit. */
static bool accumulate(uint64_t *acc, const char *p, size_t len, uint64_t limit)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t d = (uint64_t)(p[i] - '0');
        if (*acc > (limit - d) / 10)
            return false;
        *acc = *acc * 10 + d;
    }
    return true;
}

/* Signed value from a magnitude: negative may reach |INT64_MIN|. */
static int64_t apply_sign(uint64_t m, bool neg)
{
    if (!neg)
        return (int64_t)m;
    return m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m;
}

bool dw_fen_parse_yuan(const char *s, int64_t *fen)
{
    bool neg;
    const char *ip, *fp;
    size_t il, fl;
    if (!scan_number(s, &neg, &ip, &il, &fp, &fl) || fl > 2)
        return false;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t m = 0;
    /* "12.5" is 1250 fen: the digits of yuan and fen, padded to two decimals. */
    if (!accumulate(&m, ip, il, limit) || !accumulate(&m, fp, fl, limit))
        return false;
    for (size_t i = fl; i < 2; i++)
        if (!accumulate(&m, "0", 1, limit))
            return false;
    *fen = apply_sign(m, neg);
    return true;
}

/* q = n / d rounded half away from zero; false if d == 0 or q is outside int64. */
static bool div_round(__int128 n, __int128 d, int64_t *out)
{
    if (d == 0)
        return false;
    __int128 q = n / d;
    __int128 r = n % d;
    __int128 ar = r < 0 ? -r : r;
    __int128 ad = d < 0 ? -d : d;
    /* 2|r| >= |d| written as |r| >= |d| - |r| so nothing can overflow. */
    if (ar != 0 && ar >= ad - ar)
        q += ((n < 0) != (d < 0)) ? -1 : 1;
    if (q > INT64_MAX || q < INT64_MIN)
        return false;
    *out = (int64_t)q;
    return true;
}

bool dw_ratio_bp(int64_t num, int64_t den, int64_t *bp)
{
    return div_round((__int128)num * 10000, den, bp);
}

bool dw_decimal_parse(const char *s, int max_digits, dw_decimal_t *out)
{
    bool neg;
    const char *ip, *fp;
    size_t il, fl;
    if (max_digits <= 0 || max_digits > DECIMAL_MAX_SCALE)
        max_digits = DECIMAL_MAX_SCALE;
    if (!scan_number(s, &neg, &ip, &il, &fp, &fl))
        return false;
    /* Leading zeros before the point change neither the value nor its
     * precision, so "0.5" is one digit and "0.000000000000000001" eighteen. */
    while (il > 1 && *ip == '0') {
        ip++;
        il--;
    }
    size_t counted = (il == 1 && *ip == '0') ? fl : il + fl;
    if (counted > (size_t)max_digits || fl > DECIMAL_MAX_SCALE)
        return false;
    /* At most 18 digits, so the magnitude is below 10^18 and fits int64. */
    uint64_t m = 0;
    if (!accumulate(&m, ip, il, (uint64_t)INT64_MAX) || !accumulate(&m, fp, fl, (uint64_t)INT64_MAX))
        return false;
    out->units = apply_sign(m, neg);
    out->scale = (int)fl;
    return true;
}

static bool scale_ok(int scale)
{
    return scale >= 0 && scale <= DECIMAL_MAX_SCALE;
}

int dw_decimal_cmp(dw_decimal_t a, dw_decimal_t b)
{
    /* Both brought to the larger scale: |units| < 2^63 times 10^18 stays below
     * 2^127, so the comparison is exact. A scale out of 0..18 is a programmer
     * error; it is read as 0 rather than indexing past the table. */
    int sa = scale_ok(a.scale) ? a.scale : 0;
    int sb = scale_ok(b.scale) ? b.scale : 0;
    int s = sa > sb ? sa : sb;
    __int128 x = (__int128)a.units * pow10_table[s - sa];
    __int128 y = (__int128)b.units * pow10_table[s - sb];
    return x < y ? -1 : x > y ? 1 : 0;
}

bool dw_decimal_ratio_bp(dw_decimal_t a, dw_decimal_t b, int64_t *bp)
{
    if (!scale_ok(a.scale) || !scale_ok(b.scale) || b.units == 0)
        return false;
    /* a/b = (a.units * 10^b.scale) / (b.units * 10^a.scale); only the excess
     * scale of one side multiplies the other, so den stays below 2^127. */
    int common = a.scale < b.scale ? a.scale : b.scale;
    __int128 num = a.units;
    __int128 den = (__int128)b.units * pow10_table[a.scale - common];
    /* A numerator past 2^127 means a ratio far beyond int64 anyway. */
    if (__builtin_mul_overflow(num, (__int128)pow10_table[b.scale - common], &num) ||
        __builtin_mul_overflow(num, (__int128)10000, &num))
        return false;
    return div_round(num, den, bp);
}

int dw_decimal_format(dw_decimal_t d, char *buf, size_t n)
{
    char tmp[48];
    char *end = tmp + sizeof tmp - 1;
    *end = '\0';
    int scale = scale_ok(d.scale) ? d.scale : 0;
    uint64_t m = magnitude(d.units);
    char *p = end;
    for (int i = 0; i < scale; i++) {
        *--p = (char)('0' + m % 10);
        m /= 10;
    }
    if (scale > 0)
        *--p = '.';
    p = digits_backwards(m, p, false);
    if (d.units < 0)
        *--p = '-';
    return snprintf(buf, n, "%s", p);
}
