#include "dwctl_gaps.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct stream_seq {
    char *name;
    int64_t last;
    bool seen; /* last is known: an event or a heartbeat came */
} stream_seq_t;

struct dwctl_gaps {
    const char *const *prefixes;
    size_t n_prefixes;
    stream_seq_t *streams;
    size_t n, cap;
    int64_t epoch; /* the outbox epoch from heartbeats; 0 before the first */
};

dwctl_gaps_t *dwctl_gaps_new(const char *const *prefixes, size_t n)
{
    dwctl_gaps_t *self = calloc(1, sizeof *self);
    if (self) {
        self->prefixes = prefixes;
        self->n_prefixes = n;
    }
    return self;
}

void dwctl_gaps_destroy(dwctl_gaps_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_gaps_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        free(self->streams[i].name);
    free(self->streams);
    free(self);
    *self_p = NULL;
}

/* Whether some prefix takes every topic of the stream: it must be a prefix of
 * "<stream>." itself ("", "al", "alert."). */
static bool whole(const dwctl_gaps_t *self, const char *stream)
{
    size_t len = strlen(stream);
    for (size_t i = 0; i < self->n_prefixes; i++) {
        const char *p = self->prefixes[i];
        size_t plen = strlen(p);
        if (plen <= len && strncmp(p, stream, plen) == 0)
            return true;
        if (plen == len + 1 && strncmp(p, stream, len) == 0 && p[len] == '.')
            return true;
    }
    return false;
}

static stream_seq_t *find_or_add(dwctl_gaps_t *self, const char *stream)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->streams[i].name, stream) == 0)
            return &self->streams[i];
    if (self->n == self->cap) {
        size_t cap = self->cap ? self->cap * 2 : 8;
        stream_seq_t *v = realloc(self->streams, cap * sizeof *v);
        if (!v)
            return NULL;
        self->streams = v;
        self->cap = cap;
    }
    char *name = strdup(stream);
    if (!name)
        return NULL;
    self->streams[self->n] = (stream_seq_t){.name = name, .last = 0, .seen = false};
    return &self->streams[self->n++];
}

int dwctl_gaps_head(dwctl_gaps_t *self, const char *stream, int64_t head, FILE *out)
{
    if (!whole(self, stream))
        return 0;
    stream_seq_t *s = find_or_add(self, stream);
    if (!s)
        return -1;
    if (s->seen && head <= s->last)
        return 0; /* nothing new; a reset shows in the epoch, not here */
    if (s->seen)
        fprintf(out, "warning: gap in stream %s: expected %lld, heartbeat says head %lld\n", stream,
                (long long)(s->last + 1), (long long)head);
    s->last = head;
    s->seen = true;
    return 0;
}

void dwctl_gaps_epoch(dwctl_gaps_t *self, int64_t epoch, FILE *out)
{
    if (self->epoch && epoch != self->epoch) {
        fprintf(out, "warning: outbox epoch changed from %lld to %lld: every stream starts again\n",
                (long long)self->epoch, (long long)epoch);
        for (size_t i = 0; i < self->n; i++)
            self->streams[i].seen = false;
    }
    self->epoch = epoch;
}

int dwctl_gaps_note(dwctl_gaps_t *self, const char *stream, int64_t seq, FILE *out)
{
    if (!whole(self, stream))
        return 0;
    stream_seq_t *s = find_or_add(self, stream);
    if (!s)
        return -1;
    /* The first event seen only sets where we are: we joined mid-stream. */
    if (s->seen && seq > s->last + 1)
        fprintf(out, "warning: gap in stream %s: expected %lld, got %lld\n", stream, (long long)(s->last + 1),
                (long long)seq);
    else if (s->seen && seq <= s->last)
        fprintf(out, "warning: stream %s went back: last %lld, got %lld (publisher reset?)\n", stream,
                (long long)s->last, (long long)seq);
    s->last = seq;
    s->seen = true;
    return 0;
}
