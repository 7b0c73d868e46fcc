/* dwctl_gaps — which streams a subscription covers, and how far the watch
 * has got in each: the position, the last seq printed or reconciled, so that a
 * skip in the live feed or a heartbeat head beyond it shows a loss, and an
 * event at or below it (given again by the feed after a replay) is dropped.
 *
 * The streams are the five dw-notify keeps and replays (alert task notice
 * treasury reject); heartbeats are not kept, so not followed. A prefix covers
 * a stream whole when it is a prefix of "<stream>." ("", "al", "alert."), and
 * filters inside it when it starts with "<stream>." ("alert.red."): such a
 * subscriber sees gaps by design and reconciles through replay with the same
 * filter. Positions are plain seq numbers, so nothing here allocates after
 * dwctl_gaps_new. */
#ifndef DWCTL_GAPS_H
#define DWCTL_GAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DWCTL_GAPS_N_STREAMS 5

typedef struct dwctl_gaps dwctl_gaps_t;

/* What a live event's seq means against the position of its stream. */
typedef enum dwctl_seq {
    DWCTL_SEQ_UNTRACKED, /* a stream that is not kept, or not covered: print it as it comes */
    DWCTL_SEQ_FIRST,     /* no position yet: the watch joins the stream here */
    DWCTL_SEQ_NEXT,      /* the one after the position */
    DWCTL_SEQ_SEEN,      /* at or below the position: printed (or reconciled) already */
    DWCTL_SEQ_GAP,       /* beyond the next: events between may be lost (or, when filtered, not ours) */
} dwctl_seq_t;

/* prefixes: the topic prefixes subscribed to (borrowed, must outlive self).
 * NULL when out of memory. */
dwctl_gaps_t *dwctl_gaps_new(const char *const *prefixes, size_t n);
void dwctl_gaps_destroy(dwctl_gaps_t **self_p);

/* The kept streams, i < DWCTL_GAPS_N_STREAMS, and the index of a name (-1). */
const char *dwctl_gaps_stream(size_t i);
int dwctl_gaps_index(const char *stream);

bool dwctl_gaps_covers(const dwctl_gaps_t *self, const char *stream);
/* Covered whole: every seq of it arrives, so a skip is a loss. */
bool dwctl_gaps_whole(const dwctl_gaps_t *self, const char *stream);
/* The prefix to send with a replay of a covered stream: NULL when it is
 * covered whole; else the one prefix inside it (or the one the others all
 * start with). NULL also for prefixes apart ("alert.red." and
 * "alert.yellow."): the whole stream is replayed and dwctl_gaps_wanted keeps
 * the events the feed would have given. */
const char *dwctl_gaps_filter(const dwctl_gaps_t *self, const char *stream);
/* Whether the subscription takes topic. */
bool dwctl_gaps_wanted(const dwctl_gaps_t *self, const char *topic);

/* A live event's seq against its stream's position (*last when there is one). */
dwctl_seq_t dwctl_gaps_check(const dwctl_gaps_t *self, const char *stream, int64_t seq, int64_t *last);
/* The position of a covered stream; false while there is none. */
bool dwctl_gaps_position(const dwctl_gaps_t *self, const char *stream, int64_t *last);
/* Sets the position (a start given by --since or --from-start, a gone
 * answer's oldest - 1); a stream not covered is left alone. */
void dwctl_gaps_set(dwctl_gaps_t *self, const char *stream, int64_t last);
/* Moves the position up to seq when it is below (or there is none). */
void dwctl_gaps_advance(dwctl_gaps_t *self, const char *stream, int64_t seq);
/* No position: the next event or heartbeat decides where the watch joins. */
void dwctl_gaps_forget(dwctl_gaps_t *self, const char *stream);

/* The outbox epoch last seen (0 before any); notes epoch and returns true
 * when it differs from one seen before: the outbox was reset (a restore). */
int64_t dwctl_gaps_epoch(const dwctl_gaps_t *self);
bool dwctl_gaps_epoch_changed(dwctl_gaps_t *self, int64_t epoch);

#endif
