/* dwctl_replay — asks dw-notify's replay endpoint for the stored events of one
 * stream after a sequence number, and hands them over one by one, in order.
 *
 * A DEALER used synchronously: one request, then a poll for its answer with a
 * timeout (and on the signal fd, so that SIGINT or SIGTERM is not held up by
 * a long catch-up). Paged as the contract says: while the answer says `more`,
 * ask again since the last seq received. After a timeout or a broken answer
 * the socket is closed and made again on the next request, so that a late
 * answer to the old request is never taken for the answer to a new one; after
 * a timeout the endpoint is also left alone for as long again (a request in
 * that time fails at once), so that a watch of five streams with dw-notify
 * away waits once, not at each stream's gap. */
#ifndef DWCTL_REPLAY_H
#define DWCTL_REPLAY_H

#include <stdint.h>
#include <stdio.h>

#include "dw_msg.h"

typedef struct dwctl_replay dwctl_replay_t;

typedef enum dwctl_replay_status {
    DWCTL_REPLAY_OK,      /* every page read: head is known */
    DWCTL_REPLAY_GONE,    /* since is older than what is kept: oldest is known */
    DWCTL_REPLAY_EPOCH,   /* an answer came from another epoch than expected: epoch is the new one */
    DWCTL_REPLAY_FAILED,  /* no answer, a refusal or an answer that does not hold: reason says which */
    DWCTL_REPLAY_STOPPED, /* the callback said stop, or a signal arrived (left unread on the fd) */
    DWCTL_REPLAY_NOMEM,   /* the callback ran out of memory */
} dwctl_replay_status_t;

typedef struct dwctl_replay_result {
    int64_t epoch;  /* the epoch of the last answer; 0 when none carried one */
    int64_t head;   /* the stream's head in the last answer */
    int64_t last;   /* the last seq handed over; since when none was */
    int64_t oldest; /* with DWCTL_REPLAY_GONE */
    char reason[192];
} dwctl_replay_result_t;

/* Called for each stored event, in sequence order: the topic (NUL-terminated)
 * and the decoded envelope, whose stream is the one asked for and whose seq
 * is above every one before. Returns 0 to go on, 1 to stop, -1 when out of
 * memory. */
typedef int (*dwctl_replay_fn)(void *arg, const char *topic, const dw_msg_t *msg);

/* endpoint is borrowed and must outlive self. An event in an answer that does
 * not decode is skipped with a warning line on warn. NULL when out of memory
 * or when endpoint cannot be connected to (the reason is logged). */
dwctl_replay_t *dwctl_replay_new(void *zmq_ctx, const char *endpoint, long timeout_ms, int signal_fd, FILE *warn);
void dwctl_replay_destroy(dwctl_replay_t **self_p);

/* Every event of stream with seq > since (only those whose topic starts with
 * prefix, when prefix is not NULL), handed to fn in order. expected_epoch 0
 * takes whatever epoch answers; otherwise an answer of another epoch stops
 * before any of its events is handed over. res is filled in every case. */
dwctl_replay_status_t dwctl_replay_run(dwctl_replay_t *self, const char *stream, int64_t since, const char *prefix,
                                       int64_t expected_epoch, dwctl_replay_fn fn, void *arg,
                                       dwctl_replay_result_t *res) __attribute__((warn_unused_result));

#endif
