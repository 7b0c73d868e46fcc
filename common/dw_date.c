#include "dw_date.h"

#include <time.h>

/* Keeps the civil-date arithmetic far from int64 overflow; any day beyond it is
 * hundreds of millions of years away, which dw_date_valid refuses anyway. */
#define DAYS_CLAMP INT64_C(300000000000)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

bool dw_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int dw_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && dw_is_leap_year(year))
        return 29;
    return days[month - 1];
}

bool dw_date_valid(dw_date_t d)
{
    return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= dw_days_in_month(d.year, d.month);
}

static bool parse_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool dw_date_parse(const char *s, dw_date_t *out)
{
    dw_date_t d;
    if (!s)
        return false;
    /* Position by position, so "2026-1-01" and "2026-01-01x" fail without
     * sscanf's leniency about widths, signs and spaces. */
    for (int i = 0; i < 10; i++)
        if (s[i] == '\0')
            return false;
    if (s[10] != '\0' || s[4] != '-' || s[7] != '-')
        return false;
    if (!parse_digits(s, 4, &d.year) || !parse_digits(s + 5, 2, &d.month) || !parse_digits(s + 8, 2, &d.day))
        return false;
    if (!dw_date_valid(d))
        return false;
    *out = d;
    return true;
}

static void put_digits(char *p, int v, int n)
{
    /* Out-of-range fields are written modulo 10^n rather than overflowing out. */
    if (v < 0)
        v = -v;
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void dw_date_format(dw_date_t d, char out[11])
{
    put_digits(out, d.year, 4);
    out[4] = '-';
    put_digits(out + 5, d.month, 2);
    out[7] = '-';
    put_digits(out + 8, d.day, 2);
    out[10] = '\0';
}

/* Howard Hinnant's days_from_civil: the year starts on 1 March so that the
 * leap day is the last day of the (shifted) year; eras are 400 years. */
int64_t dw_date_to_days(dw_date_t d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t m = d.month;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                       /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d.day - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

dw_date_t dw_date_from_days(int64_t days)
{
    if (days > DAYS_CLAMP)
        days = DAYS_CLAMP;
    if (days < -DAYS_CLAMP)
        days = -DAYS_CLAMP;
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                      /* [0, 11] */
    int64_t d = doy - (153 * mp + 2) / 5 + 1;              /* [1, 31] */
    int64_t m = mp < 10 ? mp + 3 : mp - 9;                 /* [1, 12] */
    dw_date_t out = {(int)(y + (m <= 2)), (int)m, (int)d};
    return out;
}

dw_date_t dw_date_add_days(dw_date_t d, int64_t n)
{
    int64_t days;
    if (__builtin_add_overflow(dw_date_to_days(d), n, &days))
        days = n > 0 ? DAYS_CLAMP : -DAYS_CLAMP;
    return dw_date_from_days(days);
}

int64_t dw_date_diff_days(dw_date_t later, dw_date_t earlier)
{
    return dw_date_to_days(later) - dw_date_to_days(earlier);
}

int dw_date_cmp(dw_date_t a, dw_date_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

int dw_date_day_of_year(dw_date_t d)
{
    dw_date_t jan1 = {d.year, 1, 1};
    return (int)(dw_date_to_days(d) - dw_date_to_days(jan1)) + 1;
}

int dw_days_in_year(int year)
{
    return dw_is_leap_year(year) ? 366 : 365;
}

dw_date_t dw_business_date(int64_t unix_ms)
{
    /* Seconds first, so adding the offset cannot overflow near INT64_MAX. */
    int64_t s = floor_div(unix_ms, 1000) + DW_SHANGHAI_OFFSET_S;
    return dw_date_from_days(floor_div(s, 86400));
}

dw_date_t dw_business_today(void)
{
    return dw_business_date(dw_now_ms());
}

int64_t dw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t dw_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
