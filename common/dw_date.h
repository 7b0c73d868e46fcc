/* dw_date — calendar dates and business time.
 *
 * A business date is the date in Asia/Shanghai (UTC+8, no daylight saving
 * since 1991), computed without the C library's time zone database so a
 * machine with no tzdata, or TZ set elsewhere, gives the same date. Dates are
 * proleptic Gregorian; leap years follow the 4/100/400 rule. */
#ifndef DW_DATE_H
#define DW_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dw_date {
    int year;  /* 1..9999 */
    int month; /* 1..12 */
    int day;   /* 1..31 */
} dw_date_t;

#define DW_SHANGHAI_OFFSET_S (8 * 3600)

bool dw_is_leap_year(int year);
int dw_days_in_month(int year, int month); /* 0 for a bad month */
bool dw_date_valid(dw_date_t d);
/* Strict YYYY-MM-DD, a real date (2026-02-29 is refused, 2028-02-29 accepted). */
bool dw_date_parse(const char *s, dw_date_t *out) __attribute__((warn_unused_result));
/* Writes "YYYY-MM-DD" (11 bytes with NUL). */
void dw_date_format(dw_date_t d, char out[11]);

/* Days since 1970-01-01 (negative before), and back. dw_date_from_days of a
 * day outside 0001-01-01..9999-12-31 gives a date dw_date_valid refuses. */
int64_t dw_date_to_days(dw_date_t d);
dw_date_t dw_date_from_days(int64_t days);
dw_date_t dw_date_add_days(dw_date_t d, int64_t n);
int64_t dw_date_diff_days(dw_date_t later, dw_date_t earlier);
int dw_date_cmp(dw_date_t a, dw_date_t b);
int dw_date_day_of_year(dw_date_t d); /* 1..366 */
int dw_days_in_year(int year);        /* 365 or 366 */

/* The business date in Asia/Shanghai at a unix time in milliseconds (floor
 * division, so -1 ms is still 1970-01-01 in Shanghai). */
dw_date_t dw_business_date(int64_t unix_ms);
/* Today's business date (dw_business_date(dw_now_ms())). */
dw_date_t dw_business_today(void);
/* Wall clock, unix milliseconds. */
int64_t dw_now_ms(void);
/* Monotonic clock, milliseconds (for timers and latency). */
int64_t dw_mono_ms(void);

#endif
