/* dw_scan — a bounds-checked walk over raw msgpack bytes, run BEFORE
 * msgpack-c sees them.
 *
 * msgpack-c's C unpacker allocates for a declared array/map/str count before it
 * reads a byte of it (five bytes, dd ff ff ff ff, can ask for gigabytes) and has
 * no limits API. dw_scan reads every header, checks it against the limits and
 * against the bytes that remain (a count of N items needs at least N bytes),
 * and refuses ext, bin and float types, invalid UTF-8, NUL in text, uint64
 * above INT64_MAX, truncated input and trailing bytes — each with its own
 * code. It allocates nothing and never reads past data + size. */
#ifndef DW_SCAN_H
#define DW_SCAN_H

#include <stddef.h>

#include "dw_error.h"
#include "dw_schema.h"

/* Exactly one msgpack value must fill data[0..size). Returns DW_OK or the
 * code of the first breach (also in err, with a message giving the offset). */
dw_code_t dw_scan(const void *data, size_t size, const dw_limits_t *limits, dw_error_t *err)
    __attribute__((warn_unused_result));

/* Whether s[0..n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int dw_utf8_valid(const char *s, size_t n);

#endif
