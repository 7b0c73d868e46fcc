/* dw_intake_peers — what dw-intake knows about each producer, one ZeroMQ
 * routing id (one connection) each.
 *
 * Credit: a producer may have at most inflight_max messages received by
 * dw-intake and not yet acknowledged. Each message read from the ROUTER takes
 * one unit of its producer's credit; a batch's acks give every unit back.
 * Since a batch is committed and answered as a whole, a producer has nothing
 * in flight after a flush, so the credit table is emptied then: it never
 * holds more producers than a batch holds messages.
 *
 * Reports: acks that could not be sent (the producer does not read them and
 * its queue is at the high-water mark, or it has gone) and messages answered
 * busy are counted per producer and logged at most once per interval per
 * producer, with the counts, not one line per message. At most peers_max
 * producers are reported by name in one interval; the rest are summed up in
 * one line. */
#ifndef DW_INTAKE_PEERS_H
#define DW_INTAKE_PEERS_H

#include <stddef.h>
#include <stdint.h>

typedef struct dw_intake_peers dw_intake_peers_t;

typedef enum dw_credit {
    DW_CREDIT_TAKEN,     /* within the credit: the message joins the batch */
    DW_CREDIT_EXHAUSTED, /* over the credit: the message is answered busy at once */
    DW_CREDIT_ERROR      /* out of memory: the message could not be counted */
} dw_credit_t;

typedef enum dw_peer_event {
    DW_PEER_BUSY,         /* a message answered busy */
    DW_PEER_ACK_DROPPED,  /* an ack refused by the socket (EAGAIN: high-water mark) */
    DW_PEER_ACK_NO_ROUTE, /* an ack for a producer that has disconnected (EHOSTUNREACH) */
    DW_PEER_EVENT_COUNT
} dw_peer_event_t;

/* inflight_max >= 1; report_ms: the shortest time between two report lines
 * about one producer; peers_max: producers named per report. */
dw_intake_peers_t *dw_intake_peers_new(int inflight_max, int64_t report_ms, size_t peers_max);
void dw_intake_peers_destroy(dw_intake_peers_t **self_p);

/* One message received from peer[0..len). */
dw_credit_t dw_intake_peers_take(dw_intake_peers_t *self, const void *peer, size_t len)
    __attribute__((warn_unused_result));
/* Messages of peer in flight now (0 for a producer the table does not hold). */
int dw_intake_peers_inflight(const dw_intake_peers_t *self, const void *peer, size_t len);
/* Producers with something in flight. */
size_t dw_intake_peers_count(const dw_intake_peers_t *self);
/* Every message in flight has been answered (a batch was flushed). */
void dw_intake_peers_release_all(dw_intake_peers_t *self);

/* Counts one event of peer at now_ms for the next report; id (may be NULL or
 * "") is the message's, kept as the last one named in the report. */
void dw_intake_peers_note(dw_intake_peers_t *self, const void *peer, size_t len, dw_peer_event_t ev, const char *id,
                          int64_t now_ms);
/* Logs what was counted, if a report is due at now_ms. Returns the ms until
 * the next report is due, or -1 when nothing waits to be reported. */
int64_t dw_intake_peers_report(dw_intake_peers_t *self, int64_t now_ms);
/* Logs what was counted, due or not (at shutdown). */
void dw_intake_peers_report_now(dw_intake_peers_t *self, int64_t now_ms);
/* Events of one kind counted since the service started (all producers). */
uint64_t dw_intake_peers_total(const dw_intake_peers_t *self, dw_peer_event_t ev);

#endif
