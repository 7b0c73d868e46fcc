/* dwctl_gaps — the last sequence number seen per stream, to notice a lost
 * event: published sequences are gapless per stream, so a skip is a loss.
 *
 * Only a stream the subscription covers whole is checked: a subscriber that
 * filters inside a stream ("alert.red.") sees gaps by design and reconciles
 * through replay with the same filter instead. */
#ifndef DWCTL_GAPS_H
#define DWCTL_GAPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct dwctl_gaps dwctl_gaps_t;

/* prefixes: the topic prefixes subscribed to (borrowed, must outlive self). */
dwctl_gaps_t *dwctl_gaps_new(const char *const *prefixes, size_t n);
void dwctl_gaps_destroy(dwctl_gaps_t **self_p);

/* Notes seq on stream. Writes "warning: gap in stream alert: expected 5, got 7"
 * (or a step back, as after a publisher's reset) on out. Returns 0, or -1
 * when memory ran out. */
int dwctl_gaps_note(dwctl_gaps_t *self, const char *stream, int64_t seq, FILE *out) __attribute__((warn_unused_result));

/* Notes a stream's head from a heartbeat: events up to head were published,
 * so a head beyond the last seen is a loss (even with no event after it), and
 * a stream not seen yet starts from it. Returns 0, or -1 (no memory). */
int dwctl_gaps_head(dwctl_gaps_t *self, const char *stream, int64_t head, FILE *out)
    __attribute__((warn_unused_result));

/* Notes the outbox epoch from a heartbeat; a change means the publisher's
 * outbox was reset (a restore): a warning, and every stream starts again. */
void dwctl_gaps_epoch(dwctl_gaps_t *self, int64_t epoch, FILE *out);

#endif
