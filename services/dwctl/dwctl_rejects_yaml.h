/* dwctl_rejects_yaml — a stored msgpack message written back as YAML, so a
 * refused message can be read, corrected in an editor and sent again:
 *
 *   - type: treasury.payment
 *     id: T-000009
 *     src: treasury
 *     ts: 1773590400000
 *     body:
 *       voucher_no: GK2026000009
 *       amount_fen: 1250000
 *
 * As a message (a top-level map), it is the format of `dwctl send` and
 * `dwctl rejects --resubmit`: a one-item list, without the envelope's v
 * (dwctl sets it). Text that YAML would read as something else (a number, a
 * date, true, null, an empty string) is quoted; everything else is written
 * as plainly as YAML allows, Chinese as it is. The bytes are checked with
 * dw_scan against the contract's limits before msgpack-c reads them, since a
 * refused message may be anything. */
#ifndef DWCTL_REJECTS_YAML_H
#define DWCTL_REJECTS_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dw_error.h"

/* Writes data as YAML on out (as_message: see above). Returns 0, or the code
 * why data is not one msgpack value within the limits (err), having written
 * nothing. */
dw_code_t dwctl_yaml_write_msgpack(FILE *out, const void *data, size_t size, bool as_message, dw_error_t *err)
    __attribute__((warn_unused_result));

/* Writes data as lines of 32 hex bytes, each line indented by indent. */
void dwctl_hex_write(FILE *out, const void *data, size_t size, const char *indent);

#endif
