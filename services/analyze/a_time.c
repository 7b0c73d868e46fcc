#include "a_time.h"

/* A month-day of the schedule or rules_from in `year`: 02-29 is 02-28 in a
 * common year (the catalogue checks month-days in a leap year). */
static dw_date_t in_year(int year, int month, int day)
{
    int last = dw_days_in_month(year, month);
    return (dw_date_t){year, month, day > last ? last : day};
}

/* The denominator of the basis in `fiscal_year`. */
static int64_t basis_den(const dw_a_time_cfg_t *cfg, int fiscal_year)
{
    switch (cfg->basis) {
    case DW_A_BASIS_DAY: return dw_days_in_year(fiscal_year);
    case DW_A_BASIS_MONTH: return 12;
    case DW_A_BASIS_SCHEDULE: return 10000;
    }
    return 1;
}

dw_a_progress_t dw_a_time_progress(const dw_a_time_cfg_t *cfg, int fiscal_year, dw_date_t as_of)
{
    dw_a_progress_t p = {0, basis_den(cfg, fiscal_year), false};
    if (as_of.year < fiscal_year)
        return p;
    if (as_of.year > fiscal_year) {
        /* the year is over: all of it has elapsed, every rule applies */
        p.num = p.den;
        p.rules_on = true;
        return p;
    }
    switch (cfg->basis) {
    case DW_A_BASIS_DAY: p.num = dw_date_day_of_year(as_of); break;
    case DW_A_BASIS_MONTH: p.num = as_of.month; break;
    case DW_A_BASIS_SCHEDULE:
        /* the latest point on or before as_of; points ascend */
        for (size_t i = 0; i < cfg->n_schedule && i < DW_A_SCHEDULE_MAX; i++) {
            const dw_a_schedule_point_t *pt = &cfg->schedule[i];
            if (dw_date_cmp(in_year(fiscal_year, pt->month, pt->day), as_of) > 0)
                break;
            p.num = pt->percent_bp;
        }
        break;
    }
    if (p.num < 0)
        p.num = 0;
    if (p.num > p.den)
        p.num = p.den;
    p.rules_on = dw_date_cmp(as_of, in_year(fiscal_year, cfg->rules_from_month, cfg->rules_from_day)) >= 0;
    return p;
}

int64_t dw_a_progress_bp(dw_a_progress_t p)
{
    if (p.den <= 0 || p.num <= 0)
        return 0;
    /* half up: floor((2·num·10000 + den) / (2·den)); 128-bit, so no overflow */
    __int128 n = (__int128)p.num * 20000 + p.den;
    return (int64_t)(n / ((__int128)p.den * 2));
}
