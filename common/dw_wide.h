/* dw_wide — a 512-bit unsigned integer for exact comparisons only.
 *
 * Why it exists: a light or a score is decided by cross-multiplying, and the
 * products of money (int64 fen), decimals (units × 10^scale) and time
 * fractions (days / days) pass 128 bits — a value at 18 decimals × days × 100 ×
 * 10^18 is about 320 bits. Such products are formed here and compared or
 * divided once, never rounded on the way. 512 bits leaves room for six
 * 64-bit factors and more.
 *
 * Overflow is never silent: every operation that can leave 512 bits (or, for
 * subtraction, go below zero) returns false and leaves its target unchanged;
 * the caller checks it. Division refuses a zero divisor the same way. No
 * saturation happens in here; a caller that wants a saturated figure says so. */
#ifndef DW_WIDE_H
#define DW_WIDE_H

#include <stdbool.h>
#include <stdint.h>

#define DW_WIDE_LIMBS 8

/* Little-endian 64-bit limbs: value = Σ limb[i] · 2^(64·i). */
typedef struct dw_wide {
    uint64_t limb[DW_WIDE_LIMBS];
} dw_wide_t;

dw_wide_t dw_wide_of(unsigned __int128 v);

bool dw_wide_is_zero(const dw_wide_t *a);

/* -1, 0 or 1 as a <, =, > b. */
int dw_wide_cmp(const dw_wide_t *a, const dw_wide_t *b);

/* a += b; false when the sum passes 512 bits (a unchanged). */
bool dw_wide_add(dw_wide_t *a, const dw_wide_t *b) __attribute__((warn_unused_result));

/* a -= b; false when b > a (a unchanged). */
bool dw_wide_sub(dw_wide_t *a, const dw_wide_t *b) __attribute__((warn_unused_result));

/* x *= m; false when the product passes 512 bits (x unchanged). */
bool dw_wide_mul(dw_wide_t *x, unsigned __int128 m) __attribute__((warn_unused_result));

/* *q = n ÷ d rounded half up (x.5 goes to x + 1); false when d is zero
 * (q unchanged). The quotient never exceeds n, so it always fits. */
bool dw_wide_div_round(const dw_wide_t *n, const dw_wide_t *d, dw_wide_t *q) __attribute__((warn_unused_result));

/* *out = a; false when a > INT64_MAX (out unchanged). */
bool dw_wide_to_int64(const dw_wide_t *a, int64_t *out) __attribute__((warn_unused_result));

#endif
