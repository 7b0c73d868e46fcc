/* dwctl_sender — a batch of encoded messages to dw-intake over a DEALER.
 *
 * Frames [empty][message], so the wire is the same as a REQ's. At most window
 * messages are unacked at once (the in-flight credit dw-intake grants); acks
 * are matched to messages by id, in any order. The socket is kept, with
 * ZMQ_LINGER -1, until every ack has arrived: a sender that closes early can
 * lose its last messages. It gives up only when no ack has come for
 * timeout_ms, or on a second signal; the first signal only stops sending.
 * A refusal that says "try later" (busy, internal) is sent again, up to
 * retries times, with a growing pause. */
#ifndef DWCTL_SENDER_H
#define DWCTL_SENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "dwctl.h"
#include "dwctl_batch.h"

typedef struct dwctl_sender_opts {
    const char *endpoint;
    size_t window;  /* >= 1 */
    int timeout_ms; /* silence after which unacked messages are given up */
    int retries;    /* busy/internal: how many more tries */
    bool quiet;     /* no line per refused message */
} dwctl_sender_opts_t;

typedef struct dwctl_tally {
    size_t sent;       /* distinct messages handed to the socket */
    size_t stored;     /* ok */
    size_t duplicate;  /* ok and dup: stored before with the same bytes */
    size_t refused;    /* ok false */
    size_t unanswered; /* sent, no final ack */
    size_t unsent;     /* never sent: given up or interrupted first */
} dwctl_tally_t;

/* Sends every item of batch and waits for the acks, printing a line per
 * refused message on ctx->out. Returns 0, or -1 when the socket could not be
 * set up or failed (reported on ctx->err; the tally says how far it got). */
int dwctl_exchange(const dwctl_ctx_t *ctx, const dwctl_sender_opts_t *opts, const dwctl_batch_t *batch,
                   dwctl_tally_t *tally) __attribute__((warn_unused_result));

/* A DEALER connected to endpoint with ZMQ_LINGER -1; NULL if it could not be
 * (the reason is logged). */
void *dwctl_dealer_open(void *zctx, const char *endpoint);

#endif
