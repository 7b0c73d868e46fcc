/* Working days: plain weeks, the 2026 holiday schedule with its working
 * weekend days, leap days and year ends. Every expected value is worked out
 * by hand in the comment beside it, from a few anchors:
 *   2026-01-01 Thursday (test_date: day 20454 = 7 * 2922, the weekday of
 *   1970-01-01); 2026-03-02 Monday; 2026-09-01 Tuesday; 2026-10-01 Thursday;
 *   2027-01-01 Friday; 2028-01-01 Saturday, so 2028-02-29 is a Tuesday. */
#include "dw_calendar.h"
#include "dw_test.h"
#include "dw_test_date.h"

#include <limits.h>

/* The State Council's schedule for 2026, as deploy/dualwatch.yaml ships it. */
static const dw_date_t holidays_2026[] = {
    {2026, 1, 1},  {2026, 1, 2},  {2026, 1, 3},                                               /* 元旦 */
    {2026, 2, 15}, {2026, 2, 16}, {2026, 2, 17}, {2026, 2, 18}, {2026, 2, 19}, {2026, 2, 20}, /* 春节 */
    {2026, 2, 21}, {2026, 2, 22}, {2026, 2, 23},                                              /* 春节 */
    {2026, 4, 4},  {2026, 4, 5},  {2026, 4, 6},                                               /* 清明 */
    {2026, 5, 1},  {2026, 5, 2},  {2026, 5, 3},  {2026, 5, 4},  {2026, 5, 5},                 /* 劳动节 */
    {2026, 6, 19}, {2026, 6, 20}, {2026, 6, 21},                                              /* 端午 */
    {2026, 9, 25}, {2026, 9, 26}, {2026, 9, 27},                                              /* 中秋 */
    {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 3}, {2026, 10, 4}, {2026, 10, 5}, {2026, 10, 6}, /* 国庆 */
    {2026, 10, 7},                                                                            /* 国庆 */
};
static const dw_date_t workdays_2026[] = {
    {2026, 1, 4}, {2026, 2, 14}, {2026, 2, 28}, {2026, 5, 9}, {2026, 9, 20}, {2026, 10, 10},
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

static dw_calendar_t *calendar_2026(void)
{
    return dw_calendar_new(holidays_2026, N(holidays_2026), workdays_2026, N(workdays_2026));
}

static void test_weekday(void)
{
    CHECK_INT(dw_calendar_weekday(D(1970, 1, 1)), 4); /* Thursday */
    CHECK_INT(dw_calendar_weekday(D(1969, 12, 29)), 1);
    CHECK_INT(dw_calendar_weekday(D(2026, 1, 1)), 4);
    CHECK_INT(dw_calendar_weekday(D(2026, 3, 1)), 7);
    CHECK_INT(dw_calendar_weekday(D(2026, 3, 2)), 1);
    CHECK_INT(dw_calendar_weekday(D(2028, 2, 29)), 2);
    /* the six working weekend days of 2026 */
    CHECK_INT(dw_calendar_weekday(D(2026, 1, 4)), 7);   /* Thursday 1-1 + 3 */
    CHECK_INT(dw_calendar_weekday(D(2026, 2, 14)), 6);  /* + 44 = 6 weeks + 2 */
    CHECK_INT(dw_calendar_weekday(D(2026, 2, 28)), 6);  /* + 14 */
    CHECK_INT(dw_calendar_weekday(D(2026, 5, 9)), 6);   /* day 129: + 128 = 18 weeks + 2 */
    CHECK_INT(dw_calendar_weekday(D(2026, 9, 20)), 7);  /* Tuesday 9-1 + 19 = 2 weeks + 5 */
    CHECK_INT(dw_calendar_weekday(D(2026, 10, 10)), 6); /* Thursday 10-1 + 9 */
}

static void test_plain_weeks(void)
{
    dw_calendar_t *c = dw_calendar_new(NULL, 0, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(dw_calendar_is_workday(c, D(2026, 3, 2)));  /* Monday */
    CHECK(dw_calendar_is_workday(c, D(2026, 3, 6)));  /* Friday */
    CHECK(!dw_calendar_is_workday(c, D(2026, 3, 7))); /* Saturday */
    CHECK(!dw_calendar_is_workday(c, D(2026, 3, 8))); /* Sunday */

    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 1), 2026, 3, 3);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 4), 2026, 3, 6);   /* Friday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 5), 2026, 3, 9);   /* over the weekend */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 10), 2026, 3, 16); /* two weeks */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 6), 1), 2026, 3, 9);   /* Friday -> Monday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 7), 1), 2026, 3, 9);   /* Saturday -> Monday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 8), 1), 2026, 3, 9);   /* Sunday -> Monday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 8), 2), 2026, 3, 10);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 4), 0), 2026, 3, 4);  /* a working day stays */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 7), 0), 2026, 3, 9);  /* a weekend moves on */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 9), -1), 2026, 3, 6); /* Monday back to Friday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 8), -1), 2026, 3, 6);

    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 2), D(2026, 3, 9)), 5); /* 3, 4, 5, 6, 9 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 9), D(2026, 3, 2)), -5);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 2), D(2026, 3, 2)), 0);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 7), D(2026, 3, 7)), 0);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 5), D(2026, 3, 6)), 1);  /* (Thu, Fri] */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 6), D(2026, 3, 7)), 0);  /* (Fri, Sat] */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 7), D(2026, 3, 8)), 0);  /* (Sat, Sun] */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 6), D(2026, 3, 9)), 1);  /* (Fri, Mon] */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 9), D(2026, 3, 6)), -1); /* the same span backwards */
    /* March 2026 from the Saturday before: 2-6, 9-13, 16-20, 23-27 and 30, 31 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 2, 28), D(2026, 3, 31)), 22);
    /* a whole year: 2026 starts on a Thursday, 52 weeks to Wed 12-30, then Thu 12-31 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2025, 12, 31), D(2026, 12, 31)), 261);
    /* before 1970: (Mon 1969-12-29, Mon 1970-01-05] holds Tue..Fri and Monday */
    CHECK_INT(dw_calendar_workdays_between(c, D(1969, 12, 29), D(1970, 1, 5)), 5);
    dw_calendar_destroy(&c);
    CHECK(c == NULL);
    dw_calendar_destroy(&c); /* NULL is fine */
    dw_calendar_destroy(NULL);
}

static void test_national_day_2026(void)
{
    dw_calendar_t *c = calendar_2026();
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(dw_calendar_is_workday(c, D(2026, 9, 20)));   /* Sunday, 调休上班 */
    CHECK(dw_calendar_is_workday(c, D(2026, 10, 10)));  /* Saturday, 调休上班 */
    CHECK(!dw_calendar_is_workday(c, D(2026, 9, 19)));  /* Saturday */
    CHECK(!dw_calendar_is_workday(c, D(2026, 10, 1)));  /* Thursday, 国庆 */
    CHECK(!dw_calendar_is_workday(c, D(2026, 10, 5)));  /* Monday, 国庆 */
    CHECK(!dw_calendar_is_workday(c, D(2026, 10, 11))); /* Sunday */
    CHECK(dw_calendar_is_workday(c, D(2026, 10, 8)));   /* Thursday after the week */

    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 30), 1), 2026, 10, 8);  /* Wednesday, over 10-1..10-7 */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 18), 1), 2026, 9, 20);  /* Friday -> the working Sunday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 18), 2), 2026, 9, 21);  /* then Monday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 8), 2), 2026, 10, 10); /* Fri 10-9, the working Saturday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 8), 3), 2026, 10, 12); /* Sunday 10-11 is off */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 24), 1), 2026, 9, 28);  /* 中秋 Fri 9-25, weekend off */
    /* Thu 9-24 + 5: Mon 9-28, Tue 9-29, Wed 9-30, (10-1..10-7 off) Thu 10-8, Fri 10-9 */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 24), 5), 2026, 10, 9);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 1), 0), 2026, 10, 8);   /* n == 0 on a holiday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 3), 0), 2026, 10, 8);   /* on a Saturday inside it */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 19), 0), 2026, 9, 20);   /* Saturday -> working Sunday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 10), 0), 2026, 10, 10); /* a working Saturday stays */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 10, 8), -1), 2026, 9, 30);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 21), -1), 2026, 9, 20);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 9, 21), -2), 2026, 9, 18);

    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 9, 30), D(2026, 10, 10)), 3); /* 10-8, 10-9, 10-10 */
    /* (Fri 9-18, Sat 10-10]: 9-20; 9-21..9-24 (5); 9-28..9-30 (8); 10-8, 10-9, 10-10 (11) */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 9, 18), D(2026, 10, 10)), 11);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 10, 10), D(2026, 9, 18)), -11);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 10, 1), D(2026, 10, 7)), 0);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 9, 19), D(2026, 9, 20)), 1); /* (Sat, working Sun] */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 10, 10), D(2026, 10, 10)), 0);
    dw_calendar_destroy(&c);
}

/* The whole of 2026: 261 weekdays (test_plain_weeks), less the holidays on a
 * weekday, plus the six working weekend days. Weekday holidays:
 *   元旦 Thu 1-1, Fri 1-2 (2); 春节 Mon 2-16 .. Fri 2-20 and Mon 2-23 (6);
 *   清明 Mon 4-6 (1); 劳动节 Fri 5-1, Mon 5-4, Tue 5-5 (3); 端午 Fri 6-19 (1);
 *   中秋 Fri 9-25 (1); 国庆 Thu 10-1, Fri 10-2, Mon 10-5 .. Wed 10-7 (5): 19.
 * 261 - 19 + 6 = 248. */
static void test_year_2026(void)
{
    dw_calendar_t *c = calendar_2026();
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK_INT(dw_calendar_workdays_between(c, D(2025, 12, 31), D(2026, 12, 31)), 248);
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 12, 31), D(2025, 12, 31)), -248);
    /* 春节: (Fri 2-13, Fri 2-27] holds Sat 2-14 and Tue 2-24 .. Fri 2-27 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 2, 13), D(2026, 2, 27)), 5);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 2, 13), 1), 2026, 2, 14);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 2, 13), 2), 2026, 2, 24);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 2, 27), 1), 2026, 2, 28); /* a working Saturday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 2, 27), 2), 2026, 3, 2);  /* Sunday 3-1 is off */
    /* 劳动节: Thu 4-30 + 1 is Wed 5-6; the working Saturday 5-9 after Thu 5-7, Fri 5-8 */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 4, 30), 1), 2026, 5, 6);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 4, 30), 4), 2026, 5, 9);
    dw_calendar_destroy(&c);
}

static void test_year_boundary(void)
{
    dw_calendar_t *c = calendar_2026();
    CHECK(c != NULL);
    if (!c)
        return;
    /* Wed 2025-12-31: 1-1..1-3 off, Sunday 1-4 worked */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2025, 12, 31), 1), 2026, 1, 4);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2025, 12, 31), 2), 2026, 1, 5);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2025, 12, 26), 3), 2025, 12, 31); /* Fri: Mon 29, Tue 30, Wed 31 */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2025, 12, 26), 4), 2026, 1, 4);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 1, 4), -1), 2025, 12, 31);
    CHECK_INT(dw_calendar_workdays_between(c, D(2025, 12, 31), D(2026, 1, 5)), 2); /* 1-4, 1-5 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 1, 5), D(2025, 12, 31)), -2);
    dw_calendar_destroy(&c);

    /* no schedule for 2027 configured: plain weeks across the end of 2026 */
    c = dw_calendar_new(NULL, 0, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 12, 31), 1), 2027, 1, 1); /* Thursday -> Friday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 12, 31), 2), 2027, 1, 4); /* then Monday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2027, 1, 4), -2), 2026, 12, 31);
    /* (Fri 2026-12-25, Fri 2027-01-08]: 12-28..12-31, 1-1, 1-4..1-8 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 12, 25), D(2027, 1, 8)), 10);
    dw_calendar_destroy(&c);
}

static void test_leap_day(void)
{
    dw_calendar_t *c = dw_calendar_new(NULL, 0, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(dw_calendar_is_workday(c, D(2028, 2, 29))); /* Tuesday */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2028, 2, 28), 1), 2028, 2, 29);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2028, 2, 25), 2), 2028, 2, 29); /* Fri: Mon 28, Tue 29 */
    CHECK_DATE(dw_calendar_add_workdays(c, D(2028, 2, 29), 1), 2028, 3, 1);
    /* (Sun 2-27, Fri 3-3]: Mon 28, Tue 29, Wed 1, Thu 2, Fri 3 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2028, 2, 27), D(2028, 3, 3)), 5);
    /* 2028 starts on a Saturday: 52 weeks to Fri 12-29, then Sat 12-30, Sun 12-31 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2027, 12, 31), D(2028, 12, 31)), 260);
    dw_calendar_destroy(&c);

    /* the leap day as a holiday */
    const dw_date_t off[] = {{2028, 2, 29}};
    c = dw_calendar_new(off, 1, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(!dw_calendar_is_workday(c, D(2028, 2, 29)));
    CHECK_DATE(dw_calendar_add_workdays(c, D(2028, 2, 28), 1), 2028, 3, 1);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2028, 2, 29), 0), 2028, 3, 1);
    CHECK_INT(dw_calendar_workdays_between(c, D(2028, 2, 27), D(2028, 3, 3)), 4);
    dw_calendar_destroy(&c);
}

/* Lists in any order, with repeats; a weekend holiday changes nothing; a day
 * in both lists (dw_config refuses it) is worked. */
static void test_lists(void)
{
    const dw_date_t off[] = {{2026, 10, 2}, {2026, 10, 1}, {2026, 10, 2}, {2026, 10, 3}, {2026, 3, 4}};
    const dw_date_t on[] = {{2026, 10, 10}, {2026, 10, 10}, {2026, 3, 4}, {2026, 3, 5}};
    dw_calendar_t *c = dw_calendar_new(off, N(off), on, N(on));
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK(!dw_calendar_is_workday(c, D(2026, 10, 1)));
    CHECK(!dw_calendar_is_workday(c, D(2026, 10, 2)));
    CHECK(dw_calendar_is_workday(c, D(2026, 10, 10)));
    CHECK(dw_calendar_is_workday(c, D(2026, 3, 4))); /* in both: worked */
    CHECK(dw_calendar_is_workday(c, D(2026, 3, 5))); /* a weekday listed as worked: as ever */
    /* (Wed 9-30, Sat 10-10]: Mon 10-5 .. Fri 10-9 and Saturday 10-10; 10-1, 10-2 off, 10-3 a Saturday anyway */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 9, 30), D(2026, 10, 10)), 6);
    /* (Tue 3-3, Fri 3-6]: Wed 3-4, Thu 3-5, Fri 3-6 */
    CHECK_INT(dw_calendar_workdays_between(c, D(2026, 3, 3), D(2026, 3, 6)), 3);
    dw_calendar_destroy(&c);
}

/* n is capped at 3660 working days either way. With no holidays, 3660 is 732
 * weeks of five: 5124 days from a Monday to a Monday.
 *   2026-03-02 .. 2040-03-02: 14 * 365 + 4 leap days (2028, 2032, 2036, 2040) = 5114, + 10 -> 2040-03-12.
 *   2012-03-02 .. 2026-03-02: 14 * 365 + 3 (2016, 2020, 2024) = 5113, so back 5124 is 2012-03-02 - 11 = 2012-02-20. */
static void test_cap(void)
{
    dw_calendar_t *c = dw_calendar_new(NULL, 0, NULL, 0);
    CHECK(c != NULL);
    if (!c)
        return;
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 3660), 2040, 3, 12);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), 3661), 2040, 3, 12);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), INT_MAX), 2040, 3, 12);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), -3660), 2012, 2, 20);
    CHECK_DATE(dw_calendar_add_workdays(c, D(2026, 3, 2), INT_MIN), 2012, 2, 20);
    /* The whole calendar, counted rather than walked. (Mon 0001-01-01, Fri 9999-12-31] is 719162 + 2932896 =
     * 3652058 days (test_date) = 521722 weeks + 4 days; the weeks run Tuesday to Monday, then Tue..Fri. */
    CHECK_INT(dw_calendar_workdays_between(c, D(1, 1, 1), D(9999, 12, 31)), 521722 * 5 + 4);
    CHECK_INT(dw_calendar_workdays_between(c, D(9999, 12, 31), D(1, 1, 1)), -(521722 * 5 + 4));
    dw_calendar_destroy(&c);
}

int main(void)
{
    test_weekday();
    test_plain_weeks();
    test_national_day_2026();
    test_year_2026();
    test_year_boundary();
    test_leap_day();
    test_lists();
    test_cap();
    DW_TEST_DONE();
}
