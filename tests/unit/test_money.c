/* Money in fen, ratios in basis points, exact decimals. Expected values are
 * worked out by hand beside each check. */
#include "dw_money.h"
#include "dw_test.h"

static void test_add_sub(void)
{
    int64_t r = 42;
    CHECK(dw_fen_add(100, 250, &r));
    CHECK_INT(r, 350);
    CHECK(dw_fen_add(INT64_MAX - 1, 1, &r));
    CHECK_INT(r, INT64_MAX);
    r = 42;
    CHECK(!dw_fen_add(INT64_MAX, 1, &r));
    CHECK_INT(r, 42); /* unchanged on overflow */
    CHECK(!dw_fen_add(INT64_MIN, -1, &r));
    CHECK(!dw_fen_add(INT64_MAX, INT64_MAX, &r));
    CHECK(dw_fen_add(INT64_MAX, INT64_MIN, &r));
    CHECK_INT(r, -1);
    CHECK(dw_fen_sub(0, INT64_MAX, &r));
    CHECK_INT(r, INT64_MIN + 1);
    r = 42;
    CHECK(!dw_fen_sub(0, INT64_MIN, &r));
    CHECK_INT(r, 42);
    CHECK(!dw_fen_sub(INT64_MIN, 1, &r));
    CHECK(!dw_fen_sub(INT64_MAX, -1, &r));
    CHECK(dw_fen_sub(INT64_MIN, -1, &r));
    CHECK_INT(r, INT64_MIN + 1);
    CHECK(dw_fen_sub(-5, -5, &r));
    CHECK_INT(r, 0);
}

static void test_ratio(void)
{
    int64_t bp = 42;
    CHECK(dw_ratio_bp(1, 3, &bp));
    CHECK_INT(bp, 3333); /* 3333.33.. */
    CHECK(dw_ratio_bp(2, 3, &bp));
    CHECK_INT(bp, 6667); /* 6666.66.. */
    CHECK(dw_ratio_bp(-1, 3, &bp));
    CHECK_INT(bp, -3333);
    CHECK(dw_ratio_bp(-2, 3, &bp));
    CHECK_INT(bp, -6667);
    CHECK(dw_ratio_bp(2, -3, &bp));
    CHECK_INT(bp, -6667);
    CHECK(dw_ratio_bp(-2, -3, &bp));
    CHECK_INT(bp, 6667);
    CHECK(dw_ratio_bp(0, 5, &bp));
    CHECK_INT(bp, 0);
    CHECK(dw_ratio_bp(1, 2, &bp));
    CHECK_INT(bp, 5000);
    CHECK(dw_ratio_bp(5, 5, &bp));
    CHECK_INT(bp, 10000);
    CHECK(dw_ratio_bp(3, 2, &bp));
    CHECK_INT(bp, 15000);
    /* exact halves round away from zero */
    CHECK(dw_ratio_bp(1, 20000, &bp));
    CHECK_INT(bp, 1); /* 0.5 */
    CHECK(dw_ratio_bp(-1, 20000, &bp));
    CHECK_INT(bp, -1);
    CHECK(dw_ratio_bp(3, 20000, &bp));
    CHECK_INT(bp, 2); /* 1.5 */
    CHECK(dw_ratio_bp(1, -20000, &bp));
    CHECK_INT(bp, -1);
    CHECK(dw_ratio_bp(1, 30000, &bp));
    CHECK_INT(bp, 0); /* 0.33.. */
    CHECK(dw_ratio_bp(9999, 20000, &bp));
    CHECK_INT(bp, 5000); /* 4999.5 */
    /* a paid-versus-budget case: 123,456.78 of 1,000,000.00 yuan = 12.3456.. % */
    CHECK(dw_ratio_bp(12345678, 100000000, &bp));
    CHECK_INT(bp, 1235); /* 1234.5678 */
    bp = 42;
    CHECK(!dw_ratio_bp(1, 0, &bp));
    CHECK(!dw_ratio_bp(0, 0, &bp));
    CHECK_INT(bp, 42);
    /* 128-bit: the numerator times 10000 does not overflow, the result must fit */
    CHECK(dw_ratio_bp(INT64_MAX, INT64_MAX, &bp));
    CHECK_INT(bp, 10000);
    CHECK(dw_ratio_bp(INT64_MIN, INT64_MIN, &bp));
    CHECK_INT(bp, 10000);
    CHECK(dw_ratio_bp(INT64_MAX, 10000, &bp));
    CHECK_INT(bp, INT64_MAX);
    CHECK(dw_ratio_bp(INT64_MIN, 10000, &bp));
    CHECK_INT(bp, INT64_MIN);
    CHECK(!dw_ratio_bp(INT64_MAX, 1, &bp));
    CHECK(!dw_ratio_bp(INT64_MIN, -1, &bp));
    CHECK(!dw_ratio_bp(INT64_MIN, -10000, &bp)); /* 2^63 does not fit */
}

static void test_format(void)
{
    char buf[64];
    CHECK_INT(dw_fen_format(123456789, buf, sizeof buf), 12);
    CHECK_STR(buf, "1,234,567.89");
    dw_fen_format(-5, buf, sizeof buf);
    CHECK_STR(buf, "-0.05");
    dw_fen_format(0, buf, sizeof buf);
    CHECK_STR(buf, "0.00");
    dw_fen_format(7, buf, sizeof buf);
    CHECK_STR(buf, "0.07");
    dw_fen_format(-100, buf, sizeof buf);
    CHECK_STR(buf, "-1.00");
    dw_fen_format(99999, buf, sizeof buf);
    CHECK_STR(buf, "999.99");
    dw_fen_format(100000, buf, sizeof buf);
    CHECK_STR(buf, "1,000.00");
    dw_fen_format(-100000000, buf, sizeof buf);
    CHECK_STR(buf, "-1,000,000.00");
    dw_fen_format(INT64_MAX, buf, sizeof buf); /* 9223372036854775807 fen */
    CHECK_STR(buf, "92,233,720,368,547,758.07");
    CHECK_INT(dw_fen_format(INT64_MIN, buf, sizeof buf), 26);
    CHECK_STR(buf, "-92,233,720,368,547,758.08");
    /* snprintf semantics: cut short, NUL-terminated, full length returned */
    char small[6];
    CHECK_INT(dw_fen_format(123456789, small, sizeof small), 12);
    CHECK_STR(small, "1,234");
    CHECK_INT(dw_fen_format(5, NULL, 0), 4);
}

static void test_parse_yuan(void)
{
    int64_t fen = 42;
    CHECK(dw_fen_parse_yuan("1234.5", &fen));
    CHECK_INT(fen, 123450);
    CHECK(dw_fen_parse_yuan("1234.56", &fen));
    CHECK_INT(fen, 123456);
    CHECK(dw_fen_parse_yuan("-3", &fen));
    CHECK_INT(fen, -300);
    CHECK(dw_fen_parse_yuan("0", &fen));
    CHECK_INT(fen, 0);
    CHECK(dw_fen_parse_yuan("-0.05", &fen));
    CHECK_INT(fen, -5);
    CHECK(dw_fen_parse_yuan("0.1", &fen));
    CHECK_INT(fen, 10);
    CHECK(dw_fen_parse_yuan("92233720368547758.07", &fen));
    CHECK_INT(fen, INT64_MAX);
    CHECK(dw_fen_parse_yuan("-92233720368547758.08", &fen));
    CHECK_INT(fen, INT64_MIN);
    CHECK(dw_fen_parse_yuan("-92233720368547758", &fen));
    CHECK_INT(fen, INT64_MIN + 8);

    fen = 42;
    CHECK(!dw_fen_parse_yuan("92233720368547758.08", &fen));
    CHECK(!dw_fen_parse_yuan("-92233720368547758.09", &fen));
    CHECK(!dw_fen_parse_yuan("92233720368547759", &fen));
    CHECK(!dw_fen_parse_yuan("99999999999999999999999", &fen));
    CHECK(!dw_fen_parse_yuan("1.234", &fen)); /* more than 2 decimals */
    CHECK(!dw_fen_parse_yuan("1.", &fen));
    CHECK(!dw_fen_parse_yuan(".5", &fen));
    CHECK(!dw_fen_parse_yuan("+1", &fen));
    CHECK(!dw_fen_parse_yuan("-", &fen));
    CHECK(!dw_fen_parse_yuan("", &fen));
    CHECK(!dw_fen_parse_yuan(" 1", &fen));
    CHECK(!dw_fen_parse_yuan("1 ", &fen));
    CHECK(!dw_fen_parse_yuan("1e3", &fen));
    CHECK(!dw_fen_parse_yuan("1,000", &fen));
    CHECK(!dw_fen_parse_yuan("--1", &fen));
    CHECK(!dw_fen_parse_yuan("0x10", &fen));
    CHECK(!dw_fen_parse_yuan(NULL, &fen));
    CHECK_INT(fen, 42);
}

static dw_decimal_t dec(const char *s)
{
    dw_decimal_t d = {0, 0};
    bool ok = dw_decimal_parse(s, 0, &d);
    CHECK(ok);
    return d;
}

static void test_decimal(void)
{
    dw_decimal_t d = {42, 7};
    CHECK(dw_decimal_parse("95.5", 0, &d));
    CHECK_INT(d.units, 955);
    CHECK_INT(d.scale, 1);
    CHECK(dw_decimal_parse("95.50", 0, &d));
    CHECK_INT(d.units, 9550);
    CHECK_INT(d.scale, 2);
    CHECK(dw_decimal_parse("-0.1", 0, &d));
    CHECK_INT(d.units, -1);
    CHECK_INT(d.scale, 1);
    CHECK(dw_decimal_parse("0", 0, &d));
    CHECK_INT(d.units, 0);
    CHECK_INT(d.scale, 0);
    CHECK(dw_decimal_parse("999999999999999999", 0, &d)); /* 18 digits */
    CHECK_INT(d.units, INT64_C(999999999999999999));
    CHECK(dw_decimal_parse("-0.000000000000000001", 0, &d));
    CHECK_INT(d.units, -1);
    CHECK_INT(d.scale, 18);
    CHECK(dw_decimal_parse("123.45", 5, &d));
    CHECK_INT(d.units, 12345);
    /* zeros before the first significant digit left of the point do not count */
    CHECK(dw_decimal_parse("0.5", 1, &d));
    CHECK_INT(d.units, 5);
    CHECK_INT(d.scale, 1);
    CHECK(dw_decimal_parse("007", 1, &d));
    CHECK_INT(d.units, 7);
    CHECK_INT(d.scale, 0);
    CHECK(dw_decimal_parse("10.0", 3, &d));
    CHECK_INT(d.units, 100);
    CHECK(!dw_decimal_parse("10.00", 3, &d));                 /* trailing zeros are precision and count */
    CHECK(!dw_decimal_parse("0.0000000000000000001", 0, &d)); /* scale 19 */

    d.units = 42;
    d.scale = 7;
    CHECK(!dw_decimal_parse("1234567890123456789", 0, &d)); /* 19 digits */
    CHECK(!dw_decimal_parse("123.456", 5, &d));
    CHECK(!dw_decimal_parse("1e5", 0, &d));
    CHECK(!dw_decimal_parse("+1", 0, &d));
    CHECK(!dw_decimal_parse(".5", 0, &d));
    CHECK(!dw_decimal_parse("5.", 0, &d));
    CHECK(!dw_decimal_parse("", 0, &d));
    CHECK(!dw_decimal_parse("-", 0, &d));
    CHECK(!dw_decimal_parse("1..2", 0, &d));
    CHECK(!dw_decimal_parse("1.2.3", 0, &d));
    CHECK(!dw_decimal_parse(" 1", 0, &d));
    CHECK(!dw_decimal_parse("1 ", 0, &d));
    CHECK(!dw_decimal_parse("NaN", 0, &d));
    CHECK(!dw_decimal_parse("95,5", 0, &d));
    CHECK(!dw_decimal_parse(NULL, 0, &d));
    CHECK_INT(d.units, 42);
    CHECK_INT(d.scale, 7);

    CHECK_INT(dw_decimal_cmp(dec("95.5"), dec("95.50")), 0);
    CHECK_INT(dw_decimal_cmp(dec("-0.1"), dec("0")), -1);
    CHECK_INT(dw_decimal_cmp(dec("0"), dec("-0.1")), 1);
    CHECK_INT(dw_decimal_cmp(dec("-0"), dec("0.000")), 0);
    CHECK_INT(dw_decimal_cmp(dec("100"), dec("99.999999999999999")), 1);
    CHECK_INT(dw_decimal_cmp(dec("0.000000000000000001"), dec("0")), 1);
    CHECK_INT(dw_decimal_cmp(dec("-999999999999999999"), dec("-0.000000000000000001")), -1);
    /* across the whole scale range, no overflow: units 2^63-1 at scale 0 vs 18 */
    dw_decimal_t big = {INT64_MAX, 0}, tiny = {INT64_MAX, 18};
    CHECK_INT(dw_decimal_cmp(big, tiny), 1);
    dw_decimal_t nbig = {INT64_MIN, 0}, ntiny = {INT64_MIN, 18};
    CHECK_INT(dw_decimal_cmp(nbig, ntiny), -1);

    int64_t bp = 42;
    CHECK(dw_decimal_ratio_bp(dec("45"), dec("60"), &bp));
    CHECK_INT(bp, 7500);
    CHECK(dw_decimal_ratio_bp(dec("-45"), dec("60"), &bp));
    CHECK_INT(bp, -7500);
    CHECK(dw_decimal_ratio_bp(dec("95.5"), dec("100"), &bp));
    CHECK_INT(bp, 9550);
    CHECK(dw_decimal_ratio_bp(dec("1"), dec("3"), &bp));
    CHECK_INT(bp, 3333);
    CHECK(dw_decimal_ratio_bp(dec("2"), dec("3.0"), &bp));
    CHECK_INT(bp, 6667);
    CHECK(dw_decimal_ratio_bp(dec("0.5"), dec("0.25"), &bp));
    CHECK_INT(bp, 20000);
    CHECK(dw_decimal_ratio_bp(dec("0.00005"), dec("1"), &bp));
    CHECK_INT(bp, 1); /* 0.5 bp rounds away from zero */
    CHECK(dw_decimal_ratio_bp(dec("-0.00005"), dec("1"), &bp));
    CHECK_INT(bp, -1);
    CHECK(dw_decimal_ratio_bp(dec("120"), dec("100.00"), &bp));
    CHECK_INT(bp, 12000);
    bp = 42;
    CHECK(!dw_decimal_ratio_bp(dec("1"), dec("0.0"), &bp));
    CHECK(!dw_decimal_ratio_bp(dec("999999999999999999"), dec("0.000000000000000001"), &bp)); /* 10^36 * 10^4 */
    CHECK(!dw_decimal_ratio_bp(dec("999999999999999999"), dec("1"), &bp));                    /* 10^22 bp */
    CHECK_INT(bp, 42);

    char buf[64];
    dw_decimal_t x = {955, 1};
    CHECK_INT(dw_decimal_format(x, buf, sizeof buf), 4);
    CHECK_STR(buf, "95.5");
    x = (dw_decimal_t){9550, 2};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "95.50");
    x = (dw_decimal_t){-1, 1};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "-0.1");
    x = (dw_decimal_t){5, 3};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "0.005");
    x = (dw_decimal_t){0, 0};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "0");
    x = (dw_decimal_t){-5, 0};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "-5");
    x = (dw_decimal_t){INT64_MIN, 18};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "-9.223372036854775808");
    x = (dw_decimal_t){INT64_MAX, 0};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "9223372036854775807");
    x = (dw_decimal_t){1234567, 3};
    dw_decimal_format(x, buf, sizeof buf);
    CHECK_STR(buf, "1234.567"); /* no thousands separators in decimals */
}

int main(void)
{
    test_add_sub();
    test_ratio();
    test_format();
    test_parse_yuan();
    test_decimal();
    DW_TEST_DONE();
}
