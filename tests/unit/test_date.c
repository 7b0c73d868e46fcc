/* Calendar arithmetic and the Asia/Shanghai business date. Every expected
 * value is worked out by hand in the comment beside it. */
#include "dw_date.h"
#include "dw_test.h"
#include "dw_test_date.h"

static void test_leap_years(void)
{
    CHECK(!dw_is_leap_year(1900)); /* divisible by 100, not by 400 */
    CHECK(dw_is_leap_year(2000));  /* divisible by 400 */
    CHECK(dw_is_leap_year(2024));
    CHECK(!dw_is_leap_year(2026));
    CHECK(dw_is_leap_year(2028));
    CHECK(!dw_is_leap_year(2100));
    CHECK_INT(dw_days_in_month(1900, 2), 28);
    CHECK_INT(dw_days_in_month(2000, 2), 29);
    CHECK_INT(dw_days_in_month(2024, 2), 29);
    CHECK_INT(dw_days_in_month(2026, 2), 28);
    CHECK_INT(dw_days_in_month(2100, 2), 28);
    CHECK_INT(dw_days_in_month(2026, 1), 31);
    CHECK_INT(dw_days_in_month(2026, 4), 30);
    CHECK_INT(dw_days_in_month(2026, 12), 31);
    CHECK_INT(dw_days_in_month(2026, 0), 0);
    CHECK_INT(dw_days_in_month(2026, 13), 0);
    CHECK_INT(dw_days_in_year(2024), 366);
    CHECK_INT(dw_days_in_year(2026), 365);
    CHECK_INT(dw_days_in_year(1900), 365);
}

static void test_parse_format(void)
{
    dw_date_t d = D(0, 0, 0);
    CHECK(dw_date_parse("2026-11-22", &d));
    CHECK_DATE(d, 2026, 11, 22);
    CHECK(dw_date_parse("2028-02-29", &d));
    CHECK_DATE(d, 2028, 2, 29);
    CHECK(dw_date_parse("2000-02-29", &d));
    CHECK(dw_date_parse("0001-01-01", &d));
    CHECK_DATE(d, 1, 1, 1);
    CHECK(dw_date_parse("9999-12-31", &d));
    CHECK_DATE(d, 9999, 12, 31);

    d = D(7, 7, 7);
    CHECK(!dw_date_parse("2026-02-29", &d)); /* 2026 is not a leap year */
    CHECK_DATE(d, 7, 7, 7);                  /* out untouched on refusal */
    CHECK(!dw_date_parse("1900-02-29", &d));
    CHECK(!dw_date_parse("2026-1-01", &d));
    CHECK(!dw_date_parse("2026-01-1", &d));
    CHECK(!dw_date_parse("2026-01-01x", &d));
    CHECK(!dw_date_parse("2026-01-01 ", &d));
    CHECK(!dw_date_parse(" 2026-01-01", &d));
    CHECK(!dw_date_parse("0000-01-01", &d));
    CHECK(!dw_date_parse("10000-01-01", &d));
    CHECK(!dw_date_parse("2026-00-10", &d));
    CHECK(!dw_date_parse("2026-13-01", &d));
    CHECK(!dw_date_parse("2026-04-31", &d));
    CHECK(!dw_date_parse("2026-04-00", &d));
    CHECK(!dw_date_parse("2026/04/01", &d));
    CHECK(!dw_date_parse("+026-04-01", &d));
    CHECK(!dw_date_parse("2026-+4-01", &d));
    CHECK(!dw_date_parse("20260401", &d));
    CHECK(!dw_date_parse("", &d));
    CHECK(!dw_date_parse("2026-04", &d));
    CHECK(!dw_date_parse(NULL, &d));

    CHECK(dw_date_valid(D(2024, 2, 29)));
    CHECK(!dw_date_valid(D(2026, 2, 29)));
    CHECK(!dw_date_valid(D(0, 1, 1)));
    CHECK(!dw_date_valid(D(10000, 1, 1)));

    char buf[11];
    dw_date_format(D(2026, 1, 5), buf);
    CHECK_STR(buf, "2026-01-05");
    dw_date_format(D(1, 1, 1), buf);
    CHECK_STR(buf, "0001-01-01");
    dw_date_format(D(9999, 12, 31), buf);
    CHECK_STR(buf, "9999-12-31");
}

static void test_day_of_year(void)
{
    CHECK_INT(dw_date_day_of_year(D(2026, 1, 1)), 1);
    CHECK_INT(dw_date_day_of_year(D(2024, 12, 31)), 366);
    CHECK_INT(dw_date_day_of_year(D(2026, 12, 31)), 365);
    CHECK_INT(dw_date_day_of_year(D(2026, 3, 1)), 60);    /* 31 + 28 + 1 */
    CHECK_INT(dw_date_day_of_year(D(2024, 3, 1)), 61);    /* 31 + 29 + 1 */
    CHECK_INT(dw_date_day_of_year(D(2026, 6, 30)), 181);  /* 31+28+31+30+31+30 */
    CHECK_INT(dw_date_day_of_year(D(2026, 11, 22)), 326); /* 304 days before November, + 22 */
}

static void test_known_days(void)
{
    CHECK_INT(dw_date_to_days(D(1970, 1, 1)), 0);
    CHECK_INT(dw_date_to_days(D(1970, 1, 2)), 1);
    CHECK_INT(dw_date_to_days(D(1969, 12, 31)), -1);
    /* 1970..1999: 30 years, 7 leap (1972..1996) -> 10957 to 2000-01-01; + 31 + 29 */
    CHECK_INT(dw_date_to_days(D(2000, 3, 1)), 11017);
    /* 1970..2025: 56 years, 14 leap (1972..2024) -> 56*365 + 14 = 20454 to 2026-01-01 */
    CHECK_INT(dw_date_to_days(D(2026, 1, 1)), 20454);
    /* + 325 (Nov 22 is the 326th day of 2026) */
    CHECK_INT(dw_date_to_days(D(2026, 11, 22)), 20779);
    /* 1900..1969: 70 years, 17 leap (1904..1968; 1900 is not) -> -(70*365 + 17) */
    CHECK_INT(dw_date_to_days(D(1900, 1, 1)), -25567);
    /* 0001-01-01 .. 1970-01-01: 1969 years with 1969/4 - 1969/100 + 1969/400 = 492 - 19 + 4 = 477 leap days */
    CHECK_INT(dw_date_to_days(D(1, 1, 1)), -719162); /* 1969*365 + 477 */
    /* 1970..9999: 8030 years; leap years up to 9999 = 2499 - 99 + 24 = 2424, up to 1969 = 477 -> 1947 */
    CHECK_INT(dw_date_to_days(D(9999, 12, 31)), 2932896); /* 8030*365 + 1947 - 1 */

    CHECK_DATE(dw_date_from_days(0), 1970, 1, 1);
    CHECK_DATE(dw_date_from_days(-1), 1969, 12, 31);
    CHECK_DATE(dw_date_from_days(11017), 2000, 3, 1);
    CHECK_DATE(dw_date_from_days(11016), 2000, 2, 29);
    CHECK_DATE(dw_date_from_days(20779), 2026, 11, 22);
    CHECK_DATE(dw_date_from_days(-719162), 1, 1, 1);
    CHECK_DATE(dw_date_from_days(2932896), 9999, 12, 31);
    /* far outside the calendar: no overflow, and not a valid date */
    CHECK(!dw_date_valid(dw_date_from_days(INT64_MAX)));
    CHECK(!dw_date_valid(dw_date_from_days(INT64_MIN)));
    CHECK(!dw_date_valid(dw_date_from_days(-719163)));
    CHECK(!dw_date_valid(dw_date_from_days(2932897)));
}

/* Walks every day of 1900..2200 with the test's own month lengths, checking
 * that each date's day number is one more than the previous and comes back. */
static void test_round_trip(void)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t want = -25567; /* 1900-01-01, see test_known_days */
    int bad = 0;
    for (int y = 1900; y <= 2200; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (int m = 1; m <= 12; m++) {
            int n = mdays[m - 1] + (m == 2 && leap);
            for (int d = 1; d <= n; d++, want++) {
                dw_date_t x = D(y, m, d);
                int64_t got = dw_date_to_days(x);
                dw_date_t back = dw_date_from_days(want);
                if (got != want || dw_date_cmp(back, x) != 0 || !dw_date_valid(x)) {
                    if (bad++ < 5)
                        fprintf(stderr, "round trip %04d-%02d-%02d: %" PRId64 " want %" PRId64 "\n", y, m, d, got,
                                want);
                }
            }
        }
    }
    CHECK_INT(bad, 0);
    /* 1970..2200: 231 years, leap 1972..2200 = 58 multiples of 4 less 2100 and 2200 = 56 */
    CHECK_INT(want, 84371); /* 231*365 + 56: the day number of 2201-01-01 */
}

static void test_arithmetic(void)
{
    CHECK_DATE(dw_date_add_days(D(2026, 12, 31), 1), 2027, 1, 1);
    CHECK_DATE(dw_date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
    CHECK_DATE(dw_date_add_days(D(2026, 2, 28), 1), 2026, 3, 1);
    CHECK_DATE(dw_date_add_days(D(2026, 3, 1), -1), 2026, 2, 28);
    CHECK_DATE(dw_date_add_days(D(2026, 6, 30), 10), 2026, 7, 10);
    CHECK(!dw_date_valid(dw_date_add_days(D(2026, 1, 1), INT64_MAX)));
    CHECK(!dw_date_valid(dw_date_add_days(D(2026, 1, 1), INT64_MIN)));
    CHECK_INT(dw_date_diff_days(D(2026, 7, 10), D(2026, 6, 30)), 10);
    CHECK_INT(dw_date_diff_days(D(2026, 1, 1), D(2025, 1, 1)), 365);
    CHECK_INT(dw_date_diff_days(D(2025, 1, 1), D(2024, 1, 1)), 366);
    CHECK_INT(dw_date_diff_days(D(2024, 1, 1), D(2025, 1, 1)), -366);
    CHECK_INT(dw_date_cmp(D(2026, 1, 2), D(2026, 1, 1)), 1);
    CHECK_INT(dw_date_cmp(D(2025, 12, 31), D(2026, 1, 1)), -1);
    CHECK_INT(dw_date_cmp(D(2026, 2, 1), D(2026, 1, 31)), 1);
    CHECK_INT(dw_date_cmp(D(2026, 1, 1), D(2026, 1, 1)), 0);
}

static void test_business_date(void)
{
    /* 2026-01-01 is day 20454: 20454 * 86400 = 1767225600 s at 00:00Z; midnight
     * in Shanghai is 8 h earlier, 1767196800 s = 2025-12-31T16:00:00Z. */
    CHECK_DATE(dw_business_date(INT64_C(1767196799999)), 2025, 12, 31);
    CHECK_DATE(dw_business_date(INT64_C(1767196800000)), 2026, 1, 1);
    CHECK_DATE(dw_business_date(INT64_C(1767225600000)), 2026, 1, 1);
    /* 16:00Z is the next day in Shanghai, 15:59:59.999Z is not */
    CHECK_DATE(dw_business_date(INT64_C(1767225600000) + 16 * 3600000 - 1), 2026, 1, 1);
    CHECK_DATE(dw_business_date(INT64_C(1767225600000) + 16 * 3600000), 2026, 1, 2);
    CHECK_DATE(dw_business_date(0), 1970, 1, 1);
    /* negative times: -1 ms is 1970-01-01T07:59:59.999+08:00 */
    CHECK_DATE(dw_business_date(-1), 1970, 1, 1);
    CHECK_DATE(dw_business_date(-28800000), 1970, 1, 1);   /* 1969-12-31T16:00Z = Shanghai midnight */
    CHECK_DATE(dw_business_date(-28800001), 1969, 12, 31); /* one ms before */
    CHECK_DATE(dw_business_date(-28800000 - 86400000), 1969, 12, 31);
    CHECK_DATE(dw_business_date(-28800001 - 86400000), 1969, 12, 30);
    /* the extremes do not overflow */
    (void)dw_business_date(INT64_MAX);
    (void)dw_business_date(INT64_MIN);
}

static void test_clocks(void)
{
    int64_t now = dw_now_ms();
    CHECK(now > INT64_C(1767196800000)); /* later than this code */
    dw_date_t today = dw_business_today();
    CHECK(dw_date_valid(today));
    CHECK(today.year >= 2026);
    int64_t a = dw_mono_ms(), b = dw_mono_ms();
    CHECK(b >= a);
    CHECK(a >= 0);
}

int main(void)
{
    test_leap_years();
    test_parse_format();
    test_day_of_year();
    test_known_days();
    test_round_trip();
    test_arithmetic();
    test_business_date();
    test_clocks();
    DW_TEST_DONE();
}
