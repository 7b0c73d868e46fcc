/* The 512-bit integer behind the exact cross-multiplications of the analyse
 * rules and scores. Every expected value is written out limb by limb (little
 * endian, limb i weighs 2^(64·i)) and worked out by hand beside the check. */
#include "dw_test.h"
#include "dw_wide.h"

#define ONES UINT64_C(0xFFFFFFFFFFFFFFFF)
#define TOP  UINT64_C(0x8000000000000000) /* 2^63 */

typedef unsigned __int128 u128;

static dw_wide_t W(uint64_t l0, uint64_t l1, uint64_t l2, uint64_t l3, uint64_t l4, uint64_t l5, uint64_t l6,
                   uint64_t l7)
{
    return (dw_wide_t){{l0, l1, l2, l3, l4, l5, l6, l7}};
}

static bool same(dw_wide_t a, dw_wide_t b)
{
    return memcmp(a.limb, b.limb, sizeof a.limb) == 0;
}

static const u128 U128_MAX = ~(u128)0;

static void test_of(void)
{
    CHECK(dw_wide_is_zero(&(dw_wide_t){{0}}));
    dw_wide_t z = dw_wide_of(0);
    CHECK(dw_wide_is_zero(&z));
    CHECK(same(dw_wide_of((u128)1 << 64), W(0, 1, 0, 0, 0, 0, 0, 0)));
    CHECK(same(dw_wide_of(U128_MAX), W(ONES, ONES, 0, 0, 0, 0, 0, 0)));
    dw_wide_t top = W(0, 0, 0, 0, 0, 0, 0, 1);
    CHECK(!dw_wide_is_zero(&top));
}

static void test_add(void)
{
    /* (2^128 − 1) + 1 = 2^128: the carry runs through limbs 0 and 1 */
    dw_wide_t a = dw_wide_of(U128_MAX), one = dw_wide_of(1);
    CHECK(dw_wide_add(&a, &one));
    CHECK(same(a, W(0, 0, 1, 0, 0, 0, 0, 0)));
    /* (2^64 − 1) + (2^64 − 1) = 2^65 − 2 = 1·2^64 + (2^64 − 2) */
    a = dw_wide_of(ONES);
    dw_wide_t b = dw_wide_of(ONES);
    CHECK(dw_wide_add(&a, &b));
    CHECK(same(a, W(ONES - 1, 1, 0, 0, 0, 0, 0, 0)));
    /* (2^448 − 1) + 1 = 2^448: a carry across seven limbs into the top one */
    a = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    CHECK(dw_wide_add(&a, &one));
    CHECK(same(a, W(0, 0, 0, 0, 0, 0, 0, 1)));
    /* (2^512 − 1) + 1 = 2^512: past 512 bits, refused, a unchanged */
    a = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, ONES);
    CHECK(!dw_wide_add(&a, &one));
    CHECK(same(a, W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, ONES)));
    /* 2^511 + 2^511 = 2^512: refused */
    a = W(0, 0, 0, 0, 0, 0, 0, TOP);
    b = a;
    CHECK(!dw_wide_add(&a, &b));
    CHECK(same(a, W(0, 0, 0, 0, 0, 0, 0, TOP)));
    /* 2^511 + (2^511 − 1) = 2^512 − 1: the largest sum that fits */
    b = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, TOP - 1);
    CHECK(dw_wide_add(&a, &b));
    CHECK(same(a, W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, ONES)));
}

static void test_mul(void)
{
    const u128 p127 = (u128)1 << 127;
    /* (2^127 − 1)^2 = 2^254 − 2^128 + 1 = 2^128·(2^126 − 1) + 1:
     * limb 0 = 1, limb 1 = 0, limbs 2–3 = 2^126 − 1 = {2^64 − 1, 2^62 − 1} */
    dw_wide_t x = dw_wide_of(p127 - 1);
    CHECK(dw_wide_mul(&x, p127 - 1));
    CHECK(same(x, W(1, 0, ONES, UINT64_C(0x3FFFFFFFFFFFFFFF), 0, 0, 0, 0)));
    /* (2^127 + 1)(2^127 − 1) = 2^254 − 1: 254 one bits, limb 3 = 2^62 − 1 */
    x = dw_wide_of(p127 + 1);
    CHECK(dw_wide_mul(&x, p127 - 1));
    CHECK(same(x, W(ONES, ONES, ONES, UINT64_C(0x3FFFFFFFFFFFFFFF), 0, 0, 0, 0)));
    /* 2^127 · 2^127 = 2^254 = 2^62 · 2^192 */
    x = dw_wide_of(p127);
    CHECK(dw_wide_mul(&x, p127));
    CHECK(same(x, W(0, 0, 0, UINT64_C(0x4000000000000000), 0, 0, 0, 0)));
    /* (2^128 − 1)^2 = 2^256 − 2^129 + 1 = 2^128·(2^128 − 2) + 1 */
    x = dw_wide_of(U128_MAX);
    CHECK(dw_wide_mul(&x, U128_MAX));
    CHECK(same(x, W(1, 0, ONES - 1, ONES, 0, 0, 0, 0)));
    /* × 0 = 0 */
    CHECK(dw_wide_mul(&x, 0));
    CHECK(dw_wide_is_zero(&x));

    /* 2^127 · 2^127 · 2^127 · 2^67 = 2^448 (limb 7 = 1); × 2^64 = 2^512 is
     * refused and x kept; × 2^63 = 2^511 fits; × 2 again does not. */
    x = dw_wide_of(1);
    CHECK(dw_wide_mul(&x, p127) && dw_wide_mul(&x, p127) && dw_wide_mul(&x, p127));
    CHECK(dw_wide_mul(&x, (u128)1 << 67));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, 0, 1)));
    CHECK(!dw_wide_mul(&x, (u128)1 << 64));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, 0, 1)));
    CHECK(dw_wide_mul(&x, (u128)1 << 63));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, 0, TOP)));
    CHECK(!dw_wide_mul(&x, 2));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, 0, TOP)));

    /* (2^448 − 1)(2^64 − 1) = 2^512 − 2^448 − 2^64 + 1
     * = (2^64 − 2)·2^448 + (2^448 − 2^64) + 1: limb 7 = 2^64 − 2, limbs
     * 1–6 all ones, limb 0 = 1 (fits, just) */
    x = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    CHECK(dw_wide_mul(&x, ONES));
    CHECK(same(x, W(1, ONES, ONES, ONES, ONES, ONES, ONES, ONES - 1)));
    /* (2^448 − 1) · 2^64 = 2^512 − 2^64: limbs shifted up one (fits) */
    x = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    CHECK(dw_wide_mul(&x, (u128)1 << 64));
    CHECK(same(x, W(0, ONES, ONES, ONES, ONES, ONES, ONES, ONES)));
    /* (2^448 − 1)(2^65 − 1) = 2^513 − 2^448 − 2^65 + 1 > 2^512: refused. Each half of
     * the multiplier alone fits (the two cases above); only their sum passes
     * 512 bits, so the carry out of the final addition must be seen. */
    x = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    CHECK(!dw_wide_mul(&x, ((u128)1 << 65) - 1));
    CHECK(same(x, W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0)));
    /* Through the high half of the multiplier: 2^400 (400 = 6·64 + 16) ×
     * 2^112 = 2^512 is refused, × 2^111 = 2^511 fits */
    x = W(0, 0, 0, 0, 0, 0, UINT64_C(1) << 16, 0);
    CHECK(!dw_wide_mul(&x, (u128)1 << 112));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, UINT64_C(1) << 16, 0)));
    CHECK(dw_wide_mul(&x, (u128)1 << 111));
    CHECK(same(x, W(0, 0, 0, 0, 0, 0, 0, TOP)));
}

static void test_cmp(void)
{
    dw_wide_t a = dw_wide_of(5), b = dw_wide_of(6);
    CHECK_INT(dw_wide_cmp(&a, &b), -1);
    CHECK_INT(dw_wide_cmp(&b, &a), 1);
    CHECK_INT(dw_wide_cmp(&a, &a), 0);
    /* 2^448 against 2^448 − 1: the top limb decides, whatever the low ones say */
    a = W(0, 0, 0, 0, 0, 0, 0, 1);
    b = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    CHECK_INT(dw_wide_cmp(&a, &b), 1);
    CHECK_INT(dw_wide_cmp(&b, &a), -1);
    /* equal high limbs: the lowest one decides */
    a = W(1, 7, 0, 0, 0, 0, 0, ONES);
    b = W(2, 7, 0, 0, 0, 0, 0, ONES);
    CHECK_INT(dw_wide_cmp(&a, &b), -1);
    b = a;
    CHECK_INT(dw_wide_cmp(&a, &b), 0);
}

static void test_sub(void)
{
    /* 2^128 − 1: a borrow out of limb 0 into limb 1 and 2 */
    dw_wide_t a = W(0, 0, 1, 0, 0, 0, 0, 0), one = dw_wide_of(1);
    CHECK(dw_wide_sub(&a, &one));
    CHECK(same(a, W(ONES, ONES, 0, 0, 0, 0, 0, 0)));
    /* 2^448 − 1: the borrow runs through all eight limbs */
    a = W(0, 0, 0, 0, 0, 0, 0, 1);
    CHECK(dw_wide_sub(&a, &one));
    CHECK(same(a, W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0)));
    /* 5·2^64 − (2·2^64 + 1) = 3·2^64 − 1 = 2·2^64 + (2^64 − 1) */
    a = W(0, 5, 0, 0, 0, 0, 0, 0);
    dw_wide_t b = W(1, 2, 0, 0, 0, 0, 0, 0);
    CHECK(dw_wide_sub(&a, &b));
    CHECK(same(a, W(ONES, 2, 0, 0, 0, 0, 0, 0)));
    /* 2^128 − (2^128 − 2^64 + 1) = 2^64 − 1: in limb 1 the borrow meets a
     * limb of all ones (b's limb + borrow wraps to 0) */
    a = W(0, 0, 1, 0, 0, 0, 0, 0);
    b = W(1, ONES, 0, 0, 0, 0, 0, 0);
    CHECK(dw_wide_sub(&a, &b));
    CHECK(same(a, W(ONES, 0, 0, 0, 0, 0, 0, 0)));
    /* a − a = 0 */
    b = a;
    CHECK(dw_wide_sub(&a, &b));
    CHECK(dw_wide_is_zero(&a));
    /* 5 − 6 is below zero: refused, a unchanged */
    a = dw_wide_of(5);
    b = dw_wide_of(6);
    CHECK(!dw_wide_sub(&a, &b));
    CHECK(same(a, dw_wide_of(5)));
    /* (2^448 − 1) − 2^448: refused though every low limb of a is larger */
    a = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0);
    b = W(0, 0, 0, 0, 0, 0, 0, 1);
    CHECK(!dw_wide_sub(&a, &b));
    CHECK(same(a, W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, 0)));
}

/* n ÷ d rounded half up, both small, as an int64. */
static int64_t div_small(u128 n, u128 d)
{
    dw_wide_t wn = dw_wide_of(n), wd = dw_wide_of(d), q;
    int64_t v = -1;
    if (!dw_wide_div_round(&wn, &wd, &q) || !dw_wide_to_int64(&q, &v))
        return -1;
    return v;
}

static void test_div_round(void)
{
    CHECK_INT(div_small(5, 2), 3); /* 2.5 → 3 (half up) */
    CHECK_INT(div_small(7, 3), 2); /* 2.33 → 2 */
    CHECK_INT(div_small(8, 3), 3); /* 2.67 → 3 */
    CHECK_INT(div_small(6, 3), 2); /* exact */
    CHECK_INT(div_small(1, 2), 1); /* 0.5 → 1 */
    CHECK_INT(div_small(1, 3), 0); /* 0.33 → 0 */
    CHECK_INT(div_small(0, 7), 0);
    CHECK_INT(div_small(7, 1), 7);
    CHECK_INT(div_small(999, 1000), 1);  /* 0.999 → 1 */
    CHECK_INT(div_small(1499, 1000), 1); /* 1.499 → 1 */
    CHECK_INT(div_small(1500, 1000), 2); /* 1.5 → 2 */

    /* 3·2^200 ÷ 2^201 = 1.5 → 2; 2^200 = 2^8 in limb 3, so 3·2^200 is
     * 0x300 there and 2^201 is 0x200 */
    dw_wide_t n = W(0, 0, 0, 0x300, 0, 0, 0, 0), d = W(0, 0, 0, 0x200, 0, 0, 0, 0), q;
    CHECK(dw_wide_div_round(&n, &d, &q));
    CHECK(same(q, dw_wide_of(2)));
    /* (3·2^200 − 1) ÷ 2^201 = 1.4999… → 1 */
    n = W(ONES, ONES, ONES, 0x2FF, 0, 0, 0, 0);
    CHECK(dw_wide_div_round(&n, &d, &q));
    CHECK(same(q, dw_wide_of(1)));
    /* (2^128 − 1)^2 ÷ (2^128 − 1) = 2^128 − 1 exactly (see test_mul) */
    n = W(1, 0, ONES - 1, ONES, 0, 0, 0, 0);
    d = W(ONES, ONES, 0, 0, 0, 0, 0, 0);
    CHECK(dw_wide_div_round(&n, &d, &q));
    CHECK(same(q, W(ONES, ONES, 0, 0, 0, 0, 0, 0)));
    /* 2^300 ÷ 2^236 = 2^64 (300 = 4·64 + 44, 236 = 3·64 + 44): a quotient
     * past int64, which dw_wide_to_int64 refuses */
    n = W(0, 0, 0, 0, UINT64_C(1) << 44, 0, 0, 0);
    d = W(0, 0, 0, UINT64_C(1) << 44, 0, 0, 0, 0);
    CHECK(dw_wide_div_round(&n, &d, &q));
    CHECK(same(q, W(0, 1, 0, 0, 0, 0, 0, 0)));
    int64_t v = 42;
    CHECK(!dw_wide_to_int64(&q, &v));
    CHECK_INT(v, 42);

    /* At the top: 2^511 ÷ (2^512 − 1) = 0.5000… → 1; twice the remainder is
     * 2^512, one bit more than fits, and must still count as ≥ d */
    dw_wide_t all = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, ONES);
    n = W(0, 0, 0, 0, 0, 0, 0, TOP);
    CHECK(dw_wide_div_round(&n, &all, &q));
    CHECK(same(q, dw_wide_of(1)));
    /* (2^511 − 1) ÷ (2^512 − 1) = 0.4999… → 0 */
    n = W(ONES, ONES, ONES, ONES, ONES, ONES, ONES, TOP - 1);
    CHECK(dw_wide_div_round(&n, &all, &q));
    CHECK(dw_wide_is_zero(&q));
    /* (2^512 − 1) ÷ 1 = itself; ÷ 2 = 2^511 − 0.5 → 2^511 */
    d = dw_wide_of(1);
    CHECK(dw_wide_div_round(&all, &d, &q));
    CHECK(same(q, all));
    d = dw_wide_of(2);
    CHECK(dw_wide_div_round(&all, &d, &q));
    CHECK(same(q, W(0, 0, 0, 0, 0, 0, 0, TOP)));

    /* ÷ 0 is refused, q unchanged */
    n = dw_wide_of(5);
    d = dw_wide_of(0);
    q = dw_wide_of(42);
    CHECK(!dw_wide_div_round(&n, &d, &q));
    CHECK(same(q, dw_wide_of(42)));
}

/* Within 128 bits the machine divides; past them, long division. Both must
 * agree: n·2^128 ÷ d·2^128 has the quotient and the rounding of n ÷ d and
 * takes the long way. Values from a fixed generator, edges included. */
static void test_div_paths_agree(void)
{
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15);
    int disagree = 0;
    for (int i = 0; i < 2000; i++) {
        u128 n, d;
        if (i < 4) {
            static const u128 edge_n[4] = {0, 1, 5, ~(u128)0};
            n = edge_n[i];
            d = i == 3 ? ~(u128)0 - 1 : 2;
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint64_t hi = x;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            n = ((u128)(hi >> (i % 64)) << 64) | x;
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            d = (u128)(x >> (i % 63)) + 1;
            if (i % 5 == 0)
                d = ((u128)(x >> 40) << 64) | hi | 1; /* a divisor past 64 bits */
        }
        dw_wide_t wn = dw_wide_of(n), wd = dw_wide_of(d), fast, slow;
        dw_wide_t sn = W(0, 0, wn.limb[0], wn.limb[1], 0, 0, 0, 0), sd = W(0, 0, wd.limb[0], wd.limb[1], 0, 0, 0, 0);
        if (!dw_wide_div_round(&wn, &wd, &fast) || !dw_wide_div_round(&sn, &sd, &slow) || !same(fast, slow))
            disagree++;
        /* and against the plain definition: q = floor(n/d), +1 when 2r >= d,
         * that is when r is above floor((d - 1) / 2) (written otherwise than
         * the code under test writes it) */
        u128 q = n / d, r = n % d;
        if (r > (d - 1) / 2)
            q++;
        if (!same(fast, dw_wide_of(q)))
            disagree++;
    }
    CHECK_INT(disagree, 0);
}

static void test_to_int64(void)
{
    int64_t v = 42;
    dw_wide_t a = dw_wide_of(0);
    CHECK(dw_wide_to_int64(&a, &v));
    CHECK_INT(v, 0);
    a = dw_wide_of((u128)INT64_MAX);
    CHECK(dw_wide_to_int64(&a, &v));
    CHECK_INT(v, INT64_MAX);
    /* 2^63 = INT64_MAX + 1: refused, v unchanged */
    v = 42;
    a = dw_wide_of(TOP);
    CHECK(!dw_wide_to_int64(&a, &v));
    CHECK_INT(v, 42);
    /* small limb 0 but a high limb set: 2^448 + 3 */
    a = W(3, 0, 0, 0, 0, 0, 0, 1);
    CHECK(!dw_wide_to_int64(&a, &v));
    CHECK_INT(v, 42);
}

int main(void)
{
    test_of();
    test_add();
    test_mul();
    test_cmp();
    test_sub();
    test_div_round();
    test_div_paths_agree();
    test_to_int64();
    DW_TEST_DONE();
}
