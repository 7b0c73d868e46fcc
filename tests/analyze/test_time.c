/* analyze.time — 序时进度 on each basis, rules_from, the edges of the fiscal
 * year and the basis points shown to people. Every fraction is counted by hand
 * in the comment beside it. */
#include "a_time.h"
#include "dw_test.h"

static dw_date_t d(int y, int m, int day)
{
    return (dw_date_t){y, m, day};
}

/* time_progress of fiscal_year at as_of is want_num/want_den, rules as want_on. */
static void expect_at(int test_line, const dw_a_time_cfg_t *cfg, int fiscal_year, dw_date_t as_of, int64_t want_num,
                      int64_t want_den, bool want_on)
{
    dw_a_progress_t p = dw_a_time_progress(cfg, fiscal_year, as_of);
    dw_test_checks++;
    if (p.num != want_num || p.den != want_den || p.rules_on != want_on) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %04d-%02d-%02d in %d: %lld/%lld rules %s, want %lld/%lld rules %s\n", __FILE__,
                test_line, as_of.year, as_of.month, as_of.day, fiscal_year, (long long)p.num, (long long)p.den,
                p.rules_on ? "on" : "off", (long long)want_num, (long long)want_den, want_on ? "on" : "off");
    }
}
#define EXPECT_AT(cfg, fy, as_of, num, den, on) expect_at(__LINE__, cfg, fy, as_of, num, den, on)

static dw_a_time_cfg_t cfg_of(dw_a_basis_t basis)
{
    dw_a_time_cfg_t c = {.basis = basis, .rules_from_month = 3, .rules_from_day = 31};
    /* 06-30 50 %, 09-30 75 %, 12-31 100 % */
    c.schedule[0] = (dw_a_schedule_point_t){6, 30, 5000};
    c.schedule[1] = (dw_a_schedule_point_t){9, 30, 7500};
    c.schedule[2] = (dw_a_schedule_point_t){12, 31, 10000};
    c.n_schedule = 3;
    return c;
}

static void test_day(void)
{
    dw_a_time_cfg_t c = cfg_of(DW_A_BASIS_DAY);
    EXPECT_AT(&c, 2026, d(2026, 1, 1), 1, 365, false); /* day 1 of a common year */
    /* 31 + 28 + 31 + 30 + 31 + 30 = 181 */
    EXPECT_AT(&c, 2026, d(2026, 6, 30), 181, 365, true);
    /* 31 + 29 = 60 in a leap year of 366 days */
    EXPECT_AT(&c, 2024, d(2024, 2, 29), 60, 366, false);
    EXPECT_AT(&c, 2024, d(2024, 12, 31), 366, 366, true);
    EXPECT_AT(&c, 2026, d(2026, 12, 31), 365, 365, true);
    EXPECT_AT(&c, 2028, d(2028, 12, 31), 366, 366, true); /* 2028: divisible by 4 */
    /* 2100 is divisible by 100, not by 400: common. 03-01 is 31 + 28 + 1 = 60 */
    EXPECT_AT(&c, 2100, d(2100, 3, 1), 60, 365, false);
    EXPECT_AT(&c, 2100, d(2100, 12, 31), 365, 365, true);
    /* 2000 is divisible by 400: leap. 03-01 is 31 + 29 + 1 = 61 */
    EXPECT_AT(&c, 2000, d(2000, 3, 1), 61, 366, false);
}

static void test_month(void)
{
    dw_a_time_cfg_t c = cfg_of(DW_A_BASIS_MONTH);
    EXPECT_AT(&c, 2026, d(2026, 6, 1), 6, 12, true);
    EXPECT_AT(&c, 2026, d(2026, 6, 15), 6, 12, true);
    EXPECT_AT(&c, 2026, d(2026, 6, 30), 6, 12, true);
    EXPECT_AT(&c, 2026, d(2026, 1, 31), 1, 12, false);
    EXPECT_AT(&c, 2026, d(2026, 12, 1), 12, 12, true);
}

static void test_schedule(void)
{
    dw_a_time_cfg_t c = cfg_of(DW_A_BASIS_SCHEDULE);
    EXPECT_AT(&c, 2026, d(2026, 1, 1), 0, 10000, false);    /* before the first point: 0 % */
    EXPECT_AT(&c, 2026, d(2026, 6, 29), 0, 10000, true);    /* still before 06-30 */
    EXPECT_AT(&c, 2026, d(2026, 6, 30), 5000, 10000, true); /* on the point: 50 % */
    EXPECT_AT(&c, 2026, d(2026, 9, 29), 5000, 10000, true); /* the latest point on or before: 06-30 */
    EXPECT_AT(&c, 2026, d(2026, 9, 30), 7500, 10000, true);
    EXPECT_AT(&c, 2026, d(2026, 12, 30), 7500, 10000, true);
    EXPECT_AT(&c, 2026, d(2026, 12, 31), 10000, 10000, true);

    /* A 02-29 point counts as 02-28 in a common year. */
    dw_a_time_cfg_t f = {.basis = DW_A_BASIS_SCHEDULE, .rules_from_month = 1, .rules_from_day = 1};
    f.schedule[0] = (dw_a_schedule_point_t){2, 29, 2000};
    f.n_schedule = 1;
    EXPECT_AT(&f, 2026, d(2026, 2, 27), 0, 10000, true);
    EXPECT_AT(&f, 2026, d(2026, 2, 28), 2000, 10000, true);
    EXPECT_AT(&f, 2024, d(2024, 2, 28), 0, 10000, true);
    EXPECT_AT(&f, 2024, d(2024, 2, 29), 2000, 10000, true);
}

static void test_rules_from(void)
{
    dw_a_time_cfg_t c = cfg_of(DW_A_BASIS_DAY);
    /* 03-30: 31 + 28 + 30 = 89; 03-31: 90 */
    EXPECT_AT(&c, 2026, d(2026, 3, 30), 89, 365, false);
    EXPECT_AT(&c, 2026, d(2026, 3, 31), 90, 365, true);
    /* rules_from 02-29 is 02-28 in a common year, itself in a leap year */
    c.rules_from_month = 2;
    c.rules_from_day = 29;
    EXPECT_AT(&c, 2026, d(2026, 2, 27), 58, 365, false); /* 31 + 27 */
    EXPECT_AT(&c, 2026, d(2026, 2, 28), 59, 365, true);  /* 31 + 28 */
    EXPECT_AT(&c, 2024, d(2024, 2, 28), 59, 366, false);
    EXPECT_AT(&c, 2024, d(2024, 2, 29), 60, 366, true);
}

static void test_other_years(void)
{
    dw_a_time_cfg_t day = cfg_of(DW_A_BASIS_DAY), month = cfg_of(DW_A_BASIS_MONTH), sched = cfg_of(DW_A_BASIS_SCHEDULE);
    /* before the fiscal year: nothing has elapsed, rules off */
    EXPECT_AT(&day, 2026, d(2025, 12, 31), 0, 365, false);
    EXPECT_AT(&day, 2024, d(2023, 6, 30), 0, 366, false);
    EXPECT_AT(&month, 2026, d(2025, 12, 31), 0, 12, false);
    EXPECT_AT(&sched, 2026, d(2025, 12, 31), 0, 10000, false);
    /* after it: the whole year has elapsed, rules on (even before rules_from's month-day) */
    EXPECT_AT(&day, 2026, d(2027, 1, 5), 365, 365, true);
    EXPECT_AT(&day, 2024, d(2025, 1, 1), 366, 366, true);
    EXPECT_AT(&month, 2026, d(2027, 1, 5), 12, 12, true);
    EXPECT_AT(&sched, 2026, d(2027, 1, 5), 10000, 10000, true);
}

static void test_bp(void)
{
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){1, 3, true}), 3333);     /* 3333.33 */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){2, 3, true}), 6667);     /* 6666.67 */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){181, 365, true}), 4959); /* 1810000 / 365 = 4958.90 */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){60, 366, true}), 1639);  /* 600000 / 366 = 1639.34 */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){1, 20000, true}), 1);    /* 0.5 exactly: half up */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){3, 20000, true}), 2);    /* 1.5 exactly: half up */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){1, 30000, true}), 0);    /* 0.33 */
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){6, 12, true}), 5000);
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){0, 365, false}), 0);
    CHECK_INT(dw_a_progress_bp((dw_a_progress_t){366, 366, true}), 10000);
}

int main(void)
{
    test_day();
    test_month();
    test_schedule();
    test_rules_from();
    test_other_years();
    test_bp();
    DW_TEST_DONE();
}
