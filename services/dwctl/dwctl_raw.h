/* dwctl_raw — one message given as bytes, sent unchecked, and its ack printed:
 * how tests put malformed input in front of dw-intake. */
#ifndef DWCTL_RAW_H
#define DWCTL_RAW_H

#include <stdbool.h>
#include <stddef.h>

#include "dwctl.h"

/* Sends data as [empty][data] to endpoint and prints the ack as one line on
 * ctx->out. Returns the exit code: 0 answered (1 if refused and strict), 2
 * unanswered within timeout_ms or not an ack. */
int dwctl_send_raw(const dwctl_ctx_t *ctx, const char *endpoint, const void *data, size_t size, int timeout_ms,
                   bool strict);

#endif
