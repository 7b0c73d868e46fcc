#include "dwctl_gaps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The streams dw-notify keeps in its outbox and answers replays for (SPEC.md, Topics). */
static const char *const streams[DWCTL_GAPS_N_STREAMS] = {"alert", "task", "notice", "treasury", "reject"};

typedef struct position {
    bool covered, whole;
    const char *filter; /* borrowed from the prefixes */
    bool known;         /* last holds a position */
    int64_t last;
} position_t;

struct dwctl_gaps {
    const char *const *prefixes;
    size_t n_prefixes;
    position_t pos[DWCTL_GAPS_N_STREAMS];
    int64_t epoch; /* 0 before the first heartbeat or answer */
};

const char *dwctl_gaps_stream(size_t i)
{
    return i < DWCTL_GAPS_N_STREAMS ? streams[i] : NULL;
}

int dwctl_gaps_index(const char *stream)
{
    for (int i = 0; stream && i < DWCTL_GAPS_N_STREAMS; i++)
        if (strcmp(streams[i], stream) == 0)
            return i;
    return -1;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* What the prefixes make of one stream: covered whole, filtered, or not at all. */
static void cover(dwctl_gaps_t *self, const char *stream, position_t *p)
{
    char head[40]; /* "<stream>." */
    snprintf(head, sizeof head, "%s.", stream);
    size_t inner = 0;
    for (size_t i = 0; i < self->n_prefixes; i++) {
        const char *pre = self->prefixes[i];
        if (starts_with(head, pre))
            p->whole = true;
        else if (starts_with(pre, head))
            inner++;
    }
    p->covered = p->whole || inner > 0;
    if (p->whole || inner == 0)
        return;
    /* The shortest inner prefix stands for all of them when they all start with it. */
    for (size_t i = 0; i < self->n_prefixes; i++) {
        const char *cand = self->prefixes[i];
        if (!starts_with(cand, head))
            continue;
        bool all = true;
        for (size_t j = 0; j < self->n_prefixes && all; j++)
            if (starts_with(self->prefixes[j], head) && !starts_with(self->prefixes[j], cand))
                all = false;
        if (all) {
            p->filter = cand;
            return;
        }
    }
}

dwctl_gaps_t *dwctl_gaps_new(const char *const *prefixes, size_t n)
{
    dwctl_gaps_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->prefixes = prefixes;
    self->n_prefixes = n;
    for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS; i++)
        cover(self, streams[i], &self->pos[i]);
    return self;
}

void dwctl_gaps_destroy(dwctl_gaps_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

static const position_t *find_const(const dwctl_gaps_t *self, const char *stream)
{
    int i = dwctl_gaps_index(stream);
    return i >= 0 && self->pos[i].covered ? &self->pos[i] : NULL;
}

static position_t *find(dwctl_gaps_t *self, const char *stream)
{
    int i = dwctl_gaps_index(stream);
    return i >= 0 && self->pos[i].covered ? &self->pos[i] : NULL;
}

bool dwctl_gaps_covers(const dwctl_gaps_t *self, const char *stream)
{
    return find_const(self, stream) != NULL;
}

bool dwctl_gaps_whole(const dwctl_gaps_t *self, const char *stream)
{
    const position_t *p = find_const(self, stream);
    return p && p->whole;
}

const char *dwctl_gaps_filter(const dwctl_gaps_t *self, const char *stream)
{
    const position_t *p = find_const(self, stream);
    return p ? p->filter : NULL;
}

bool dwctl_gaps_wanted(const dwctl_gaps_t *self, const char *topic)
{
    for (size_t i = 0; i < self->n_prefixes; i++)
        if (starts_with(topic, self->prefixes[i]))
            return true;
    return false;
}

dwctl_seq_t dwctl_gaps_check(const dwctl_gaps_t *self, const char *stream, int64_t seq, int64_t *last)
{
    const position_t *p = find_const(self, stream);
    if (!p)
        return DWCTL_SEQ_UNTRACKED;
    if (!p->known)
        return DWCTL_SEQ_FIRST;
    *last = p->last;
    if (seq <= p->last)
        return DWCTL_SEQ_SEEN;
    return seq == p->last + 1 ? DWCTL_SEQ_NEXT : DWCTL_SEQ_GAP;
}

bool dwctl_gaps_position(const dwctl_gaps_t *self, const char *stream, int64_t *last)
{
    const position_t *p = find_const(self, stream);
    if (!p || !p->known)
        return false;
    *last = p->last;
    return true;
}

void dwctl_gaps_set(dwctl_gaps_t *self, const char *stream, int64_t last)
{
    position_t *p = find(self, stream);
    if (p) {
        p->last = last;
        p->known = true;
    }
}

void dwctl_gaps_advance(dwctl_gaps_t *self, const char *stream, int64_t seq)
{
    position_t *p = find(self, stream);
    if (p && (!p->known || seq > p->last)) {
        p->last = seq;
        p->known = true;
    }
}

void dwctl_gaps_forget(dwctl_gaps_t *self, const char *stream)
{
    position_t *p = find(self, stream);
    if (p)
        p->known = false;
}

int64_t dwctl_gaps_epoch(const dwctl_gaps_t *self)
{
    return self->epoch;
}

bool dwctl_gaps_epoch_changed(dwctl_gaps_t *self, int64_t epoch)
{
    bool changed = self->epoch && epoch != self->epoch;
    self->epoch = epoch;
    return changed;
}
