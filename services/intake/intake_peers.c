#include "intake_peers.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "dw_strmap.h"

/* A ZeroMQ routing id is at most 255 bytes. */
#define PEER_BYTES_MAX 255
#define KEY_MAX        (2 * PEER_BYTES_MAX + 1)
#define ID_MAX         96

typedef struct credit {
    int inflight;
} credit_t;

/* What one producer did since the last report. */
typedef struct report_entry {
    char key[KEY_MAX];
    uint64_t n[DW_PEER_EVENT_COUNT];
    char last_id[ID_MAX];
} report_entry_t;

typedef struct report_slot {
    size_t index_plus_1;
} report_slot_t;

struct dw_intake_peers {
    int inflight_max;
    int64_t report_ms;
    size_t peers_max;
    dw_strmap_t *credit; /* hex routing id -> credit_t */
    dw_strmap_t *named;  /* hex routing id -> report_slot_t */
    report_entry_t *entries;
    size_t n_entries, cap_entries;
    uint64_t others[DW_PEER_EVENT_COUNT]; /* of producers beyond peers_max in this interval */
    bool pending;
    int64_t first_ms; /* the first event since the last report */
    bool reported_once;
    int64_t last_report_ms;
    uint64_t total[DW_PEER_EVENT_COUNT];
};

/* Routing ids are bytes; the tables key them by their hex. */
static bool key_of(const void *peer, size_t len, char out[KEY_MAX])
{
    static const char digits[] = "0123456789abcdef";
    if (len > PEER_BYTES_MAX)
        return false;
    const unsigned char *p = peer;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0xf];
    }
    out[2 * len] = '\0';
    return true;
}

dw_intake_peers_t *dw_intake_peers_new(int inflight_max, int64_t report_ms, size_t peers_max)
{
    if (inflight_max < 1 || peers_max < 1)
        return NULL;
    dw_intake_peers_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->inflight_max = inflight_max;
    self->report_ms = report_ms;
    self->peers_max = peers_max;
    self->credit = dw_strmap_new(sizeof(credit_t));
    self->named = dw_strmap_new(sizeof(report_slot_t));
    if (!self->credit || !self->named)
        dw_intake_peers_destroy(&self);
    return self;
}

void dw_intake_peers_destroy(dw_intake_peers_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_intake_peers_t *self = *self_p;
    dw_strmap_destroy(&self->credit);
    dw_strmap_destroy(&self->named);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

dw_credit_t dw_intake_peers_take(dw_intake_peers_t *self, const void *peer, size_t len)
{
    char key[KEY_MAX];
    if (!key_of(peer, len, key))
        return DW_CREDIT_ERROR;
    credit_t *c = dw_strmap_put(self->credit, key, NULL);
    if (!c)
        return DW_CREDIT_ERROR;
    if (c->inflight >= self->inflight_max)
        return DW_CREDIT_EXHAUSTED;
    c->inflight++;
    return DW_CREDIT_TAKEN;
}

int dw_intake_peers_inflight(const dw_intake_peers_t *self, const void *peer, size_t len)
{
    char key[KEY_MAX];
    if (!key_of(peer, len, key))
        return 0;
    const credit_t *c = dw_strmap_get(self->credit, key);
    return c ? c->inflight : 0;
}

size_t dw_intake_peers_count(const dw_intake_peers_t *self)
{
    return dw_strmap_size(self->credit);
}

void dw_intake_peers_release_all(dw_intake_peers_t *self)
{
    /* Nothing is in flight any more: forget every producer, so that the table
     * holds only producers with messages in the batch being filled. */
    if (dw_strmap_size(self->credit) > 0)
        dw_strmap_clear(self->credit);
}

static report_entry_t *entry_of(dw_intake_peers_t *self, const char *key)
{
    report_slot_t *slot = dw_strmap_get(self->named, key);
    if (slot)
        return &self->entries[slot->index_plus_1 - 1];
    if (self->n_entries >= self->peers_max)
        return NULL;
    if (self->n_entries == self->cap_entries) {
        size_t cap = self->cap_entries ? self->cap_entries * 2 : 16;
        if (cap > self->peers_max)
            cap = self->peers_max;
        report_entry_t *bigger = realloc(self->entries, cap * sizeof *bigger);
        if (!bigger)
            return NULL;
        self->entries = bigger;
        self->cap_entries = cap;
    }
    slot = dw_strmap_put(self->named, key, NULL);
    if (!slot)
        return NULL;
    report_entry_t *e = &self->entries[self->n_entries++];
    memset(e, 0, sizeof *e);
    snprintf(e->key, sizeof e->key, "%s", key);
    slot->index_plus_1 = self->n_entries;
    return e;
}

void dw_intake_peers_note(dw_intake_peers_t *self, const void *peer, size_t len, dw_peer_event_t ev, const char *id,
                          int64_t now_ms)
{
    if ((unsigned)ev >= DW_PEER_EVENT_COUNT)
        return;
    self->total[ev]++;
    if (!self->pending)
        self->first_ms = now_ms;
    self->pending = true;
    char key[KEY_MAX];
    report_entry_t *e = key_of(peer, len, key) ? entry_of(self, key) : NULL;
    if (!e) {
        /* Too many producers at once to name each (or no memory): summed up. */
        self->others[ev]++;
        return;
    }
    e->n[ev]++;
    if (id && id[0])
        snprintf(e->last_id, sizeof e->last_id, "%s", id);
}

static void log_entry(const char *who, const uint64_t n[DW_PEER_EVENT_COUNT], const char *last_id, double secs,
                      int inflight_max)
{
    const char *last = last_id && last_id[0] ? last_id : "-";
    if (n[DW_PEER_ACK_DROPPED])
        dw_log_warn(who,
                    "%" PRIu64 " ack(s) dropped in %.1f s (last id %s): the producer does not read its acks and its "
                    "queue is full; the messages are stored, a resend is answered dup",
                    n[DW_PEER_ACK_DROPPED], secs, last);
    if (n[DW_PEER_ACK_NO_ROUTE])
        dw_log_warn(who,
                    "%" PRIu64 " ack(s) undeliverable in %.1f s (last id %s): the producer has disconnected; the "
                    "messages are stored, a resend is answered dup",
                    n[DW_PEER_ACK_NO_ROUTE], secs, last);
    if (n[DW_PEER_BUSY])
        dw_log_info(who, "%" PRIu64 " message(s) answered busy in %.1f s (last id %s): more than %d in flight",
                    n[DW_PEER_BUSY], secs, last, inflight_max);
}

static void report(dw_intake_peers_t *self, int64_t now_ms);

int64_t dw_intake_peers_report(dw_intake_peers_t *self, int64_t now_ms)
{
    if (!self->pending)
        return -1;
    int64_t due = self->reported_once ? self->last_report_ms + self->report_ms : now_ms;
    if (now_ms < due)
        return due - now_ms;
    report(self, now_ms);
    return -1;
}

void dw_intake_peers_report_now(dw_intake_peers_t *self, int64_t now_ms)
{
    if (self->pending)
        report(self, now_ms);
}

static void report(dw_intake_peers_t *self, int64_t now_ms)
{
    /* The counts cover the time from their first event to now. */
    double secs = (double)(now_ms - self->first_ms) / 1000.0;
    char who[KEY_MAX + 16];
    for (size_t i = 0; i < self->n_entries; i++) {
        const report_entry_t *e = &self->entries[i];
        snprintf(who, sizeof who, "producer=%s", e->key);
        log_entry(who, e->n, e->last_id, secs, self->inflight_max);
    }
    uint64_t others = 0;
    for (int ev = 0; ev < DW_PEER_EVENT_COUNT; ev++)
        others += self->others[ev];
    if (others)
        log_entry("producers=others", self->others, NULL, secs, self->inflight_max);
    self->n_entries = 0;
    memset(self->others, 0, sizeof self->others);
    if (dw_strmap_size(self->named) > 0)
        dw_strmap_clear(self->named);
    self->pending = false;
    self->reported_once = true;
    self->last_report_ms = now_ms;
}

uint64_t dw_intake_peers_total(const dw_intake_peers_t *self, dw_peer_event_t ev)
{
    return (unsigned)ev < DW_PEER_EVENT_COUNT ? self->total[ev] : 0;
}
