/* dwctl_import_flow — an import's messages streamed to dw-intake as they are
 * read, each awaited for its ack, with at most window unacked.
 *
 * Built from the sender's pieces (dwctl_dealer_open: a DEALER with
 * ZMQ_LINGER -1, framing [empty][message]; dwctl_pending: acks matched by
 * id in any order; dwctl_ack), with its rules: the socket stays open until
 * every ack is in, a busy/internal refusal is sent again with a growing
 * pause, and nothing is given up before timeout_ms without any ack. What
 * dwctl_exchange does not give, and an import needs: units are pulled from
 * the reader as the window opens (a file of a million rows is never all in
 * memory), each unit's answer is handed back as it comes, and the rows are
 * settled strictly in order (advanced), which is what the state file
 * records.
 *
 * A first SIGINT or SIGTERM stops reading and sending; the acks of what was
 * sent are still awaited. A second gives up at once. */
#ifndef DWCTL_IMPORT_FLOW_H
#define DWCTL_IMPORT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dwctl.h"
#include "dwctl_ack.h"
#include "dwctl_import_rows.h"

typedef struct dwctl_flow_opts {
    const char *endpoint;
    size_t window;  /* >= 1 */
    int timeout_ms; /* silence after which unacked messages are given up */
    int retries;    /* busy/internal: how many more tries */
} dwctl_flow_opts_t;

typedef struct dwctl_flow_tally {
    size_t sent;       /* distinct messages handed to the socket */
    size_t stored;     /* acked ok */
    size_t duplicate;  /* acked ok and dup */
    size_t refused;    /* acked not ok, for good */
    size_t local;      /* units that could not be built: never sent */
    size_t unanswered; /* sent, no final ack: in flight at the end, or busy to the last try */
    size_t unsent;     /* read, never sent: the run stopped first */
    bool interrupted;  /* a signal stopped it */
} dwctl_flow_tally_t;

typedef struct dwctl_flow_io {
    void *arg;
    /* The next unit in row order: 1 (*unit, handed over), 0 no more, -1 failure. */
    int (*next)(void *arg, dwctl_unit_t **unit);
    /* A unit's final answer: ack NULL for a unit with local errors. Borrowed. */
    int (*settled)(void *arg, dwctl_unit_t *unit, const dwctl_ack_t *ack);
    /* Every unit up to and including row is settled. */
    int (*advanced)(void *arg, int64_t row);
    /* About ten times a second while it runs. */
    void (*tick)(void *arg, const dwctl_flow_tally_t *tally);
} dwctl_flow_io_t;

/* Runs until every unit is settled, the reader is done and nothing is in
 * flight, or it gives up. Returns 0, or -1 when the socket could not be set up
 * or failed, or a callback failed (reported on ctx->err; the tally says how
 * far it got). */
int dwctl_flow_run(const dwctl_ctx_t *ctx, const dwctl_flow_opts_t *opts, const dwctl_flow_io_t *io,
                   dwctl_flow_tally_t *tally) __attribute__((warn_unused_result));

#endif
