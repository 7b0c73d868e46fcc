/* dw_a_time — 序时进度 (time_progress) at an as-of business date.
 *
 * Exact: a fraction num/den, never a float. Three bases, as a bureau
 * configures (deploy/analysis_rules.yaml, time_progress:):
 *   day       day of the year ÷ days in the year (366 in a leap year):
 *             2024-02-29 is 60/366, 12-31 is 366/366;
 *   month     the as-of month ÷ 12: any day of June is 6/12;
 *   schedule  the percent of the latest schedule point on or before the
 *             as-of date (points are month-day, e.g. 06-30 → 50 %, 09-30 →
 *             75 %); before the first point, 0 %.
 * Time-based rules run only on or after rules_from (the first period end,
 * e.g. 03-31): on 2 January there is no meaningful ratio. */
#ifndef DW_A_TIME_H
#define DW_A_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_date.h"

#define DW_A_SCHEDULE_MAX 24

typedef enum { DW_A_BASIS_DAY, DW_A_BASIS_MONTH, DW_A_BASIS_SCHEDULE } dw_a_basis_t;

typedef struct dw_a_schedule_point {
    int month, day;     /* in every fiscal year; 02-29 counts as 02-28 in a common year */
    int64_t percent_bp; /* time_progress from that date on, basis points (5000 = 50 %) */
} dw_a_schedule_point_t;

typedef struct dw_a_time_cfg {
    dw_a_basis_t basis;
    dw_a_schedule_point_t schedule[DW_A_SCHEDULE_MAX]; /* ascending dates, ascending percents */
    size_t n_schedule;
    int rules_from_month, rules_from_day; /* first period end */
} dw_a_time_cfg_t;

/* time_progress = num / den (den > 0; 0 <= num <= den). */
typedef struct dw_a_progress {
    int64_t num, den;
    bool rules_on; /* as_of is on or after rules_from in as_of's year */
} dw_a_progress_t;

/* The progress of fiscal year `fiscal_year` at `as_of`. A date before the year
 * gives 0 (rules off); a date after it gives 1 (the year is over: rules on). */
dw_a_progress_t dw_a_time_progress(const dw_a_time_cfg_t *cfg, int fiscal_year, dw_date_t as_of);

/* As basis points, rounded half up, for messages ("50.00%" is 5000). */
int64_t dw_a_progress_bp(dw_a_progress_t p);

#endif
