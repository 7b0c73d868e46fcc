/* dwctl_import_conv — a spreadsheet cell's text as a message field wants it.
 *
 * Each conversion is exact and refuses what it cannot read rather than guess:
 * money is read digit by digit into integer fen (never through a double), a
 * date must be a real calendar date. On failure *why says what is wrong, in
 * lower case, for the error report. */
#ifndef DWCTL_IMPORT_CONV_H
#define DWCTL_IMPORT_CONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Removes spaces, tabs, line breaks and the ideographic space U+3000 from
 * both ends, in place; returns s. */
char *dwctl_conv_trim(char *s);

/* Yuan as finance exports write it into fen: "1,234.56" -> 123456, "3500" ->
 * 350000, "-0.5" -> -50, "¥12,500.00" -> 1250000. An optional '-', an
 * optional ¥ or ￥, digits (thousands separators allowed, in threes), an
 * optional '.' and one or two decimals. More than two decimals is refused:
 * a fen is the smallest amount the treasury pays. */
bool dwctl_conv_yuan(const char *text, int64_t *fen, const char **why) __attribute__((warn_unused_result));

/* A date as YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日 or YYYYMMDD into
 * "YYYY-MM-DD" (out holds 11 bytes). */
bool dwctl_conv_date(const char *text, char out[11], const char **why) __attribute__((warn_unused_result));

/* The N of a monitoring period written "6", "6月", "1-6月", "1～6月" or
 * "1至6月" (months 1..N): 1..12. */
bool dwctl_conv_period(const char *text, int64_t *month, const char **why) __attribute__((warn_unused_result));

/* A whole number, optionally negative ("2026", "-3"). */
bool dwctl_conv_int(const char *text, int64_t *out, const char **why) __attribute__((warn_unused_result));

/* The next item of a list cell such as "经费保障、人员保障": items are separated
 * by 、 ， , ； ; or a line break and trimmed; empty items are skipped.
 * *cursor starts at the cell's text; returns the item's length (its text is
 * copied NUL-terminated into item, cut to n - 1 bytes), or 0 when no items
 * are left. */
size_t dwctl_conv_next_item(const char **cursor, char *item, size_t n);

/* The first chars characters of a UTF-8 text into out (cut to n - 1 bytes):
 * a department's code at the head of its units' codes. */
void dwctl_conv_prefix(const char *text, size_t chars, char *out, size_t n);

#endif
