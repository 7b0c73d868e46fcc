/* dwctl_pending — the messages in flight, by id, so an ack finds its message
 * whatever order acks come back in. The same id may be in flight more than
 * once (a message repeated in the input): its acks are taken oldest first,
 * the order dw-intake answers one connection in. */
#ifndef DWCTL_PENDING_H
#define DWCTL_PENDING_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dwctl_pending dwctl_pending_t;

/* hint: how many entries are expected at once (the window). */
dwctl_pending_t *dwctl_pending_new(size_t hint);
void dwctl_pending_destroy(dwctl_pending_t **self_p);

/* id is borrowed and must outlive its entry. Returns 0 or -1 (no memory). */
int dwctl_pending_put(dwctl_pending_t *self, const char *id, size_t index) __attribute__((warn_unused_result));
/* Removes the oldest entry under id into *index; false if there is none. */
bool dwctl_pending_take(dwctl_pending_t *self, const char *id, size_t *index);
size_t dwctl_pending_count(const dwctl_pending_t *self);

#endif
