/* dw_money — money is int64 fen (分); ratios are exact integers.
 *
 * No floating point anywhere a rule decides: sums are overflow-checked, a ratio
 * is basis points (1 % = 100 bp) computed in 128-bit and rounded half away
 * from zero, and decimal strings from the wire ("95.5") are parsed into an
 * exact scaled integer. */
#ifndef DW_MONEY_H
#define DW_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* false on overflow (out unchanged). */
bool dw_fen_add(int64_t a, int64_t b, int64_t *out) __attribute__((warn_unused_result));
bool dw_fen_sub(int64_t a, int64_t b, int64_t *out) __attribute__((warn_unused_result));

/* "¥1,234,567.89" style without the sign symbol: "1,234,567.89" (yuan with
 * thousands separators), "-0.05" for -5 fen. Returns chars written (snprintf). */
int dw_fen_format(int64_t fen, char *buf, size_t n);
/* Strict "1234.5" / "1234.56" / "-3" yuan -> fen, exact; false if not a
 * number, more than 2 decimals, or overflow. Same grammar as dw_decimal_parse
 * (no '+', no separators, no spaces, digits on both sides of a '.'). */
bool dw_fen_parse_yuan(const char *s, int64_t *fen) __attribute__((warn_unused_result));

/* num/den in basis points, rounded half away from zero; false if den == 0 or
 * the result does not fit int64. */
bool dw_ratio_bp(int64_t num, int64_t den, int64_t *bp) __attribute__((warn_unused_result));

/* 10^scale for scale 0..18 (every power of ten an int64 holds, so every
 * dw_decimal_t scale); 0 outside, which a caller's multiplication turns into
 * 0 rather than reading past a table. */
int64_t dw_pow10(int scale);

/* An exact decimal: value = units / 10^scale. "95.5" -> {955, 1}. */
typedef struct dw_decimal {
    int64_t units;
    int scale; /* 0..18 */
} dw_decimal_t;

/* Strict: optional '-', digits, optional '.' and digits; no exponent, no '+',
 * no leading/trailing space, at most max_digits digits in all, not counting
 * zeros before the first significant digit left of the '.' ("0.5" is one digit,
 * "007" one); max_digits 0 or more than 18 means 18, so any parsed value fits
 * int64. scale = digits after the '.' (trailing zeros kept: "95.50" is scale 2). */
bool dw_decimal_parse(const char *s, int max_digits, dw_decimal_t *out) __attribute__((warn_unused_result));
/* -1, 0, 1; exact across scales (128-bit). */
int dw_decimal_cmp(dw_decimal_t a, dw_decimal_t b);
/* a/b in basis points, rounded half away from zero; false if b is zero or overflow. */
bool dw_decimal_ratio_bp(dw_decimal_t a, dw_decimal_t b, int64_t *bp) __attribute__((warn_unused_result));
/* Writes units / 10^scale with exactly scale decimals ({9550, 2} -> "95.50").
 * Returns chars written (snprintf). */
int dw_decimal_format(dw_decimal_t d, char *buf, size_t n);

#endif
