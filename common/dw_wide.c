#include "dw_wide.h"

#include <string.h>

typedef unsigned __int128 u128;

dw_wide_t dw_wide_of(u128 v)
{
    dw_wide_t x;
    memset(&x, 0, sizeof x);
    x.limb[0] = (uint64_t)v;
    x.limb[1] = (uint64_t)(v >> 64);
    return x;
}

bool dw_wide_is_zero(const dw_wide_t *a)
{
    for (int i = 0; i < DW_WIDE_LIMBS; i++)
        if (a->limb[i])
            return false;
    return true;
}

int dw_wide_cmp(const dw_wide_t *a, const dw_wide_t *b)
{
    for (int i = DW_WIDE_LIMBS - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

bool dw_wide_add(dw_wide_t *a, const dw_wide_t *b)
{
    dw_wide_t s;
    u128 carry = 0;
    for (int i = 0; i < DW_WIDE_LIMBS; i++) {
        u128 t = (u128)a->limb[i] + b->limb[i] + carry;
        s.limb[i] = (uint64_t)t;
        carry = t >> 64;
    }
    if (carry)
        return false;
    *a = s;
    return true;
}

/* a -= b for a ≥ b, limb by limb with a borrow. */
static void sub_in_place(dw_wide_t *a, const dw_wide_t *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < DW_WIDE_LIMBS; i++) {
        uint64_t bi = b->limb[i] + borrow;
        uint64_t nb = (bi < borrow) || (a->limb[i] < bi);
        a->limb[i] -= bi;
        borrow = nb;
    }
}

bool dw_wide_sub(dw_wide_t *a, const dw_wide_t *b)
{
    if (dw_wide_cmp(a, b) < 0)
        return false;
    sub_in_place(a, b);
    return true;
}

/* Schoolbook: the product of 8 limbs by 2 limbs needs 10; it fits when the
 * two top ones are zero. */
bool dw_wide_mul(dw_wide_t *x, u128 m)
{
    uint64_t p[DW_WIDE_LIMBS + 2];
    uint64_t ml[2] = {(uint64_t)m, (uint64_t)(m >> 64)};
    memset(p, 0, sizeof p);
    for (int j = 0; j < 2; j++) {
        u128 carry = 0;
        for (int i = 0; i < DW_WIDE_LIMBS; i++) {
            /* at most (2^64 − 1)^2 + 2·(2^64 − 1) = 2^128 − 1: no carry lost */
            u128 t = (u128)x->limb[i] * ml[j] + p[i + j] + carry;
            p[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        p[DW_WIDE_LIMBS + j] = (uint64_t)carry;
    }
    if (p[DW_WIDE_LIMBS] || p[DW_WIDE_LIMBS + 1])
        return false;
    memcpy(x->limb, p, sizeof x->limb);
    return true;
}

static void shl1(dw_wide_t *a)
{
    for (int i = DW_WIDE_LIMBS - 1; i > 0; i--)
        a->limb[i] = (a->limb[i] << 1) | (a->limb[i - 1] >> 63);
    a->limb[0] <<= 1;
}

/* Binary long division, then one comparison of twice the remainder with d. */
bool dw_wide_div_round(const dw_wide_t *n, const dw_wide_t *d, dw_wide_t *q)
{
    if (dw_wide_is_zero(d))
        return false;
    dw_wide_t quot, r;
    memset(&quot, 0, sizeof quot);
    memset(&r, 0, sizeof r);
    int top = DW_WIDE_LIMBS - 1; /* n's highest limb in use */
    while (top > 0 && n->limb[top] == 0)
        top--;
    bool narrow_d = true;
    for (int i = 2; i < DW_WIDE_LIMBS; i++)
        narrow_d = narrow_d && d->limb[i] == 0;
    if (top < 2 && narrow_d) {
        /* both within 128 bits, as nearly every figure is: the machine divides */
        unsigned __int128 nn = ((unsigned __int128)n->limb[1] << 64) | n->limb[0];
        unsigned __int128 dd = ((unsigned __int128)d->limb[1] << 64) | d->limb[0];
        unsigned __int128 qq = nn / dd, rr = nn % dd;
        /* half up: 2r ≥ d, i.e. r ≥ d − r (r < d, so d − r does not wrap) */
        if (rr >= dd - rr)
            qq++;
        *q = dw_wide_of(qq);
        return true;
    }
    for (int bit = top * 64 + 63; bit >= 0; bit--) {
        /* r ≤ the bits of n above this one, below 2^(511 − bit): the shift
         * never loses a bit. */
        shl1(&r);
        r.limb[0] |= (n->limb[bit / 64] >> (bit % 64)) & 1;
        if (dw_wide_cmp(&r, d) >= 0) {
            sub_in_place(&r, d);
            quot.limb[bit / 64] |= UINT64_C(1) << (bit % 64);
        }
    }
    /* Half up: r ≥ d − r, i.e. 2r ≥ d (2r past 512 bits is above any d). */
    dw_wide_t twice = r;
    shl1(&twice);
    if (r.limb[DW_WIDE_LIMBS - 1] >> 63 || dw_wide_cmp(&twice, d) >= 0) {
        /* quot < n here (a remainder means d ≥ 2), so quot + 1 fits */
        dw_wide_t one = dw_wide_of(1);
        if (!dw_wide_add(&quot, &one))
            return false;
    }
    *q = quot;
    return true;
}

bool dw_wide_to_int64(const dw_wide_t *a, int64_t *out)
{
    for (int i = 1; i < DW_WIDE_LIMBS; i++)
        if (a->limb[i])
            return false;
    if (a->limb[0] > (uint64_t)INT64_MAX)
        return false;
    *out = (int64_t)a->limb[0];
    return true;
}
