/* dw_scan — a bounds-checked walk over raw msgpack bytes, run BEFORE
 * msgpack-c sees them.
 *
 * msgpack-c's C unpacker allocates for a declared array/map/str count before it
 * reads a byte of it (five bytes, dd ff ff ff ff, can ask for gigabytes) and has
 * no limits API. dw_scan reads every header, checks it against the limits and
 * against the bytes that remain (a count of N items needs at least N bytes),
 * and refuses ext, bin and float types, invalid UTF-8, NUL in text, uint64
 * above INT64_MAX, truncated input and trailing bytes — each with its own
 * code. It allocates nothing and never reads past data + size.
 *
 * The order of the checks is part of the contract (the same bytes always get
 * the same code): size against max_size first (too_big), then the empty input
 * (truncated); then, value by value in byte order, for each header: the header's
 * own bytes (truncated), the type (bad_byte, bin_type, ext_type, float_type, and
 * bad_key for a map key that is not a str), the nesting (too_deep), the declared
 * count or length against the limits (too_many, str_too_long), then against the
 * bytes that remain (truncated), then the text (bad_utf8 or nul_char, whichever
 * comes first) and the duplicate key; last, trailing bytes.
 *
 * Two bounds of our own, so the walk needs no allocation and a fixed stack:
 * - nesting is capped at DW_SCAN_DEPTH_MAX whatever limits->max_depth says
 *   (msgpack-c's unpacker cannot go deeper either);
 * - duplicate keys are found here in every map of at most DW_SCAN_DUP_PAIRS
 *   pairs (each key compared with the earlier keys of its map: at most 63
 *   comparisons per key). A larger map is not checked here: dw_msg, which
 *   may allocate once the frame is known to be bounded, checks those (a
 *   schema map by its fields, any other map by sorting its keys). Every map of
 *   the contract is far below the bound.
 * Messages above 4 GiB are refused as too_big whatever the limits (offsets are
 * kept in 32 bits). */
#ifndef DW_SCAN_H
#define DW_SCAN_H

#include <stddef.h>

#include "dw_error.h"
#include "dw_schema.h"

#define DW_SCAN_DEPTH_MAX 32
#define DW_SCAN_DUP_PAIRS 64

/* Exactly one msgpack value must fill data[0..size). limits NULL means
 * dw_schema_limits. Returns DW_OK or the code of the first breach (also in
 * err, with a message giving the byte offset; err->field is ""). */
dw_code_t dw_scan(const void *data, size_t size, const dw_limits_t *limits, dw_error_t *err)
    __attribute__((warn_unused_result));

/* Whether s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
 * U+0000 is valid UTF-8: dw_scan refuses it separately (nul_char). */
int dw_utf8_valid(const char *s, size_t n);

/* Cuts valid UTF-8 text s to at most max bytes, on a character boundary (a
 * text that snprintf truncated mid-character is mended by cutting it to its
 * own length). */
void dw_utf8_cut(char *s, size_t max);

#endif
