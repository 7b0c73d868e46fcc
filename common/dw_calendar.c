#include "dw_calendar.h"

#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

/* Only the exceptions to "Monday to Friday" are kept, as sorted day numbers
 * (dw_date_to_days), so that a count over any span is a formula plus two
 * binary searches rather than a walk over its days. */
struct dw_calendar {
    int64_t *off; /* holidays on Monday..Friday that are not also working days: each removes one */
    size_t n_off;
    int64_t *extra; /* working days on Saturday or Sunday: each adds one */
    size_t n_extra;
};

/* 1970-01-05, the first Monday of day numbering (1970-01-01 was a Thursday). */
#define FIRST_MONDAY 4

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* 0 Monday .. 6 Sunday. */
static int weekday_of_days(int64_t days)
{
    int64_t from_monday = days - FIRST_MONDAY;
    return (int)(from_monday - 7 * floor_div(from_monday, 7));
}

int dw_calendar_weekday(dw_date_t d)
{
    return weekday_of_days(dw_date_to_days(d)) + 1;
}

/* Monday..Friday days before day x, counted from FIRST_MONDAY (negative
 * before it); only differences of two of these mean anything. */
static int64_t weekdays_before(int64_t x)
{
    int64_t from_monday = x - FIRST_MONDAY;
    int64_t weeks = floor_div(from_monday, 7);
    int64_t rest = from_monday - 7 * weeks; /* 0..6 days into the week */
    return 5 * weeks + (rest < 5 ? rest : 5);
}

static int cmp_days(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* How many of the sorted days[] are <= x. */
static size_t count_upto(const int64_t *days, size_t n, int64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (days[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool contains(const int64_t *days, size_t n, int64_t x)
{
    size_t i = count_upto(days, n, x);
    return i > 0 && days[i - 1] == x;
}

/* dates as sorted day numbers without repeats, into a new array (never NULL
 * on success, even when n is 0, so that NULL means out of memory). */
static int64_t *sorted_days(const dw_date_t *dates, size_t n, size_t *n_out)
{
    int64_t *days = malloc((n ? n : 1) * sizeof *days);
    if (!days)
        return NULL;
    for (size_t i = 0; i < n; i++)
        days[i] = dw_date_to_days(dates[i]);
    qsort(days, n, sizeof *days, cmp_days);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || days[kept - 1] != days[i])
            days[kept++] = days[i];
    *n_out = kept;
    return days;
}

dw_calendar_t *dw_calendar_new(const dw_date_t *holidays, size_t n_holidays, const dw_date_t *workdays,
                               size_t n_workdays)
{
    assert((holidays || n_holidays == 0) && (workdays || n_workdays == 0));
    dw_calendar_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    size_t n_work = 0;
    int64_t *work = sorted_days(workdays, n_workdays, &n_work);
    self->off = sorted_days(holidays, n_holidays, &self->n_off);
    if (!work || !self->off) {
        free(work);
        dw_calendar_destroy(&self);
        return NULL;
    }
    /* Keep only the days that change the count; both filters keep the order. */
    size_t kept = 0;
    for (size_t i = 0; i < self->n_off; i++)
        if (weekday_of_days(self->off[i]) < 5 && !contains(work, n_work, self->off[i]))
            self->off[kept++] = self->off[i];
    self->n_off = kept;
    kept = 0;
    for (size_t i = 0; i < n_work; i++)
        if (weekday_of_days(work[i]) >= 5)
            work[kept++] = work[i];
    self->extra = work;
    self->n_extra = kept;
    return self;
}

void dw_calendar_destroy(dw_calendar_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_calendar_t *self = *self_p;
    free(self->off);
    free(self->extra);
    free(self);
    *self_p = NULL;
}

static bool is_workday_days(const dw_calendar_t *self, int64_t days)
{
    if (weekday_of_days(days) < 5)
        return !contains(self->off, self->n_off, days);
    return contains(self->extra, self->n_extra, days);
}

bool dw_calendar_is_workday(const dw_calendar_t *self, dw_date_t d)
{
    return is_workday_days(self, dw_date_to_days(d));
}

dw_date_t dw_calendar_add_workdays(const dw_calendar_t *self, dw_date_t d, int n)
{
    if (n > DW_CALENDAR_MAX_WORKDAYS)
        n = DW_CALENDAR_MAX_WORKDAYS;
    if (n < -DW_CALENDAR_MAX_WORKDAYS)
        n = -DW_CALENDAR_MAX_WORKDAYS;
    int64_t day = dw_date_to_days(d);
    /* Each loop ends: at most n_off weekdays in a row are off, and a weekend
     * is two days, so a working day is never more than n_off + 2 days away. */
    if (n == 0) {
        while (!is_workday_days(self, day))
            day++;
        return dw_date_from_days(day);
    }
    int step = n > 0 ? 1 : -1;
    for (int left = n > 0 ? n : -n; left > 0;) {
        day += step;
        if (is_workday_days(self, day))
            left--;
    }
    return dw_date_from_days(day);
}

int dw_calendar_workdays_between(const dw_calendar_t *self, dw_date_t from, dw_date_t to)
{
    int64_t a = dw_date_to_days(from), b = dw_date_to_days(to);
    int64_t sign = 1;
    if (b < a) {
        int64_t t = a;
        a = b;
        b = t;
        sign = -1;
    }
    /* the days in (a, b]: weekdays, less the weekday holidays, plus the weekend working days */
    int64_t count = weekdays_before(b + 1) - weekdays_before(a + 1);
    count -= (int64_t)(count_upto(self->off, self->n_off, b) - count_upto(self->off, self->n_off, a));
    count += (int64_t)(count_upto(self->extra, self->n_extra, b) - count_upto(self->extra, self->n_extra, a));
    count *= sign;
    /* Only dates far outside 0001..9999 get here: clamp rather than overflow. */
    if (count > INT_MAX)
        return INT_MAX;
    if (count < -INT_MAX)
        return -INT_MAX;
    return (int)count;
}
