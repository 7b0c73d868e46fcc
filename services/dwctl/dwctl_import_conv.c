#include "dwctl_import_conv.h"

#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dw_money.h"

#define IDEOGRAPHIC_SPACE "\xe3\x80\x80" /* U+3000, what Chinese input methods type as a space */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *dwctl_conv_trim(char *s)
{
    char *p = s;
    for (;;) {
        if (is_space(*p))
            p++;
        else if (strncmp(p, IDEOGRAPHIC_SPACE, 3) == 0)
            p += 3;
        else
            break;
    }
    size_t n = strlen(p);
    for (;;) {
        if (n > 0 && is_space(p[n - 1]))
            n--;
        else if (n >= 3 && memcmp(p + n - 3, IDEOGRAPHIC_SPACE, 3) == 0)
            n -= 3;
        else
            break;
    }
    memmove(s, p, n);
    s[n] = '\0';
    return s;
}

bool dwctl_conv_yuan(const char *text, int64_t *fen, const char **why)
{
    char plain[48]; /* the same amount without sign symbol and separators: dw_fen_parse_yuan's grammar */
    size_t n = 0;
    const char *p = text;
    if (*p == '-')
        plain[n++] = *p++;
    if (strncmp(p, "\xc2\xa5", 2) == 0) /* ¥ */
        p += 2;
    else if (strncmp(p, "\xef\xbf\xa5", 3) == 0) /* ￥ */
        p += 3;
    size_t digits = 0, group = 0;
    bool grouped = false;
    for (; is_digit(*p) || *p == ','; p++) {
        if (*p == ',') {
            /* 1,234,567: the first group 1..3 digits, every later group exactly 3 */
            if (group == 0 || group > 3 || (grouped && group != 3)) {
                *why = "thousands separators must split the digits in threes";
                return false;
            }
            grouped = true;
            group = 0;
            continue;
        }
        if (digits++ >= 30) {
            *why = "too large an amount";
            return false;
        }
        plain[n++] = *p;
        group++;
    }
    if (grouped && group != 3) {
        *why = "thousands separators must split the digits in threes";
        return false;
    }
    if (digits == 0) {
        *why = "not an amount in yuan";
        return false;
    }
    if (*p == '.') {
        plain[n++] = *p++;
        size_t decimals = 0;
        for (; is_digit(*p); p++)
            if (decimals++ < 3)
                plain[n++] = *p;
        if (decimals == 0) {
            *why = "no digits after the decimal point";
            return false;
        }
        if (decimals > 2) {
            *why = "more than 2 decimals: 1 fen (0.01 yuan) is the smallest amount";
            return false;
        }
    }
    if (*p != '\0') {
        *why = "not an amount in yuan";
        return false;
    }
    plain[n] = '\0';
    if (!dw_fen_parse_yuan(plain, fen)) {
        *why = "too large an amount for 64-bit fen";
        return false;
    }
    return true;
}

/* Reads 1..max digits at *p; false if there are none or more. */
static bool read_number(const char **p, int max, int *out)
{
    int v = 0, k = 0;
    while (is_digit(**p)) {
        if (++k > max)
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return k > 0;
}

/* " 0:00", " 00:00:00" after a date: what a spreadsheet adds to a date cell. */
static bool time_of_day(const char *p)
{
    int h, m, s;
    if (*p == '\0')
        return true;
    if (*p++ != ' ' || !read_number(&p, 2, &h) || *p++ != ':' || !read_number(&p, 2, &m))
        return false;
    if (*p == ':' && (p++, !read_number(&p, 2, &s)))
        return false;
    return *p == '\0' && h < 24 && m < 60;
}

bool dwctl_conv_date(const char *text, char out[11], const char **why)
{
    dw_date_t d = {0};
    const char *p = text;
    bool read = false;
    size_t n = strlen(text);
    if (n == 8 && strspn(text, "0123456789") == 8) {
        d.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
        d.month = (text[4] - '0') * 10 + (text[5] - '0');
        d.day = (text[6] - '0') * 10 + (text[7] - '0');
        read = true;
    } else if (strspn(text, "0123456789") == 4) {
        p = text + 4;
        if (*p == '-' || *p == '/' || *p == '.') {
            char sep = *p++;
            read = read_number(&p, 2, &d.month) && *p++ == sep && read_number(&p, 2, &d.day) && time_of_day(p);
        } else if (strncmp(p, "年", 3) == 0) {
            p += 3;
            read = read_number(&p, 2, &d.month) && strncmp(p, "月", 3) == 0 && (p += 3, read_number(&p, 2, &d.day)) &&
                   strcmp(p, "日") == 0;
        }
        if (read)
            d.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
    }
    if (!read) {
        *why = "not a date in a known form (YYYY-MM-DD, YYYY/M/D or YYYYMMDD)";
        return false;
    }
    if (!dw_date_valid(d)) {
        *why = "not a calendar date";
        return false;
    }
    dw_date_format(d, out);
    return true;
}

bool dwctl_conv_period(const char *text, int64_t *month, const char **why)
{
    static const char *const dashes[] = {
        "-", "~", "\xef\xbd\x9e" /* ～ */, "\xe8\x87\xb3" /* 至 */, "\xe2\x80\x94" /* — */, "\xe2\x80\x93" /* – */};
    const char *p = text;
    if (p[0] == '1' && !is_digit(p[1]))
        for (size_t i = 0; i < sizeof dashes / sizeof dashes[0]; i++)
            if (strncmp(p + 1, dashes[i], strlen(dashes[i])) == 0) {
                p += 1 + strlen(dashes[i]);
                break;
            }
    int m;
    if (!read_number(&p, 2, &m) || (*p != '\0' && strcmp(p, "月") != 0)) {
        *why = "not a period such as 6, 6月 or 1-6月";
        return false;
    }
    if (m < 1 || m > 12) {
        *why = "a period ends in month 1 to 12";
        return false;
    }
    *month = m;
    return true;
}

bool dwctl_conv_int(const char *text, int64_t *out, const char **why)
{
    const char *p = text;
    bool neg = *p == '-';
    if (neg)
        p++;
    int64_t v = 0;
    size_t k = 0;
    for (; is_digit(*p); p++, k++) {
        if (k == 18) {
            *why = "too large a number";
            return false;
        }
        v = v * 10 + (*p - '0');
    }
    if (k == 0 || *p != '\0') {
        *why = "not a whole number";
        return false;
    }
    *out = neg ? -v : v;
    return true;
}

/* The length of the separator at p, 0 if there is none. */
static size_t separator(const char *p)
{
    static const char *const seps[] = {
        "\xe3\x80\x81" /* 、 */, "\xef\xbc\x8c" /* ， */, ",", "\xef\xbc\x9b" /* ； */, ";", "\n", "\r"};
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
        if (strncmp(p, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

size_t dwctl_conv_next_item(const char **cursor, char *item, size_t n)
{
    const char *p = *cursor;
    for (;;) {
        size_t sep;
        while ((sep = separator(p)) > 0)
            p += sep;
        if (*p == '\0') {
            *cursor = p;
            return 0;
        }
        const char *start = p;
        while (*p && separator(p) == 0)
            p++;
        size_t len = (size_t)(p - start);
        snprintf(item, n, "%.*s", (int)len, start);
        dwctl_conv_trim(item);
        *cursor = p;
        if (item[0])
            return strlen(item);
    }
}

void dwctl_conv_prefix(const char *text, size_t chars, char *out, size_t n)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0;
    for (size_t k = 0; k < chars && u[i]; k++) {
        i++;
        while ((u[i] & 0xc0) == 0x80) /* the rest of a multi-byte character */
            i++;
    }
    snprintf(out, n, "%.*s", (int)i, text);
}
