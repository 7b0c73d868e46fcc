/* dwctl_args — the few value parsers the subcommands' options need. */
#ifndef DWCTL_ARGS_H
#define DWCTL_ARGS_H

#include <stdio.h>

#include "dw_buf.h"

/* A whole decimal integer in [min, max]. Returns 0, or -1 after writing
 * "dwctl: --window: ..." to err. */
int dwctl_parse_long(const char *option, const char *text, long min, long max, long *out, FILE *err)
    __attribute__((warn_unused_result));

/* Hex digits in pairs (either case; spaces and newlines between pairs are
 * allowed) appended to out as bytes. Returns 0, or -1 on a bad digit, an odd
 * count or no memory. */
int dwctl_parse_hex(const char *text, dw_buf_t *out) __attribute__((warn_unused_result));

#endif
