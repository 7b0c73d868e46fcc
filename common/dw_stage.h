/* dw_stage — one pipeline stage: read upstream events, do the stage's work in
 * one transaction per batch, record how far it read, pass its own events on.
 *
 * The durability model of DESIGN.md in one place. Each upstream publishes
 * [seq][type][key][payload] on a PUB socket after its commit; a stage reads
 * them live (the fast path) and keeps a cursor per upstream. A gap in the
 * sequence, a restart, or a quiet spell (every catchup_ms) makes it read the
 * missing events from the upstream's table instead (inbox for intake,
 * stage_events for the others), so a message dropped by ZeroMQ is late, never
 * lost. The stage's outputs get its own gapless sequence, are written to
 * stage_events in the same transaction as the domain writes and the cursors,
 * and are published only after the commit. Replays are skipped by sequence. */
#ifndef DW_STAGE_H
#define DW_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_pg.h"

struct dw_msg;

typedef struct dw_stage dw_stage_t;

/* One upstream event, borrowed for the duration of the batch callback. */
typedef struct dw_event {
    const char *upstream; /* the stage that wrote it */
    int64_t seq;
    const char *type;    /* message type, e.g. "treasury.payment", "alert.event" */
    const char *key;     /* what it is about (src/id for intake, project_code, ...) */
    const void *payload; /* a msgpack envelope */
    size_t payload_len;
} dw_event_t;

typedef struct dw_stage_handler {
    /* Inside the batch transaction: the stage's domain work for events[0..n)
     * in sequence order, emitting outputs with dw_stage_emit. Return 0, or -1
     * for a database failure (the batch is rolled back and read again later).
     * Bad content is not a failure: record it (rejects) and return 0. */
    int (*batch)(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *events, size_t n);
    /* After each batch: committed or rolled back (drop cached state then). May be NULL. */
    void (*after)(void *ctx, dw_stage_t *stage, bool committed);
    /* Whether the stage does anything with events of this type. Others only
     * move its cursor, written with its next batch or within catchup_ms, so
     * a stream the stage ignores costs it no transaction each. NULL: all. */
    bool (*wants)(void *ctx, const char *type);
    /* On SIGHUP: read what the stage may read again (e.g. a rule catalogue).
     * NULL: the stage says its configuration is read at start only. */
    void (*reload)(void *ctx, dw_stage_t *stage);
    /* On a clean stop (SIGTERM/SIGINT), after the last batch, outside any
     * transaction: write what the stage kept in memory (it may run a job).
     * May be NULL. */
    void (*stop)(void *ctx, dw_stage_t *stage, dw_pg_t *pg);
    /* Every tick_ms, outside any transaction. May be NULL. */
    void (*tick)(void *ctx, dw_stage_t *stage, dw_pg_t *pg);
    int tick_ms;
} dw_stage_handler_t;

typedef struct dw_stage_upstream {
    const char *name;     /* "intake", "validate", ... */
    const char *endpoint; /* where it publishes */
} dw_stage_upstream_t;

typedef struct dw_stage_opts {
    const char *name;         /* this stage: its rows in stage_events / stage_cursors */
    const char *out_endpoint; /* PUB for its events, NULL if it has none */
    const dw_stage_upstream_t *upstreams;
    size_t n_upstreams;
    int batch_max;
    int catchup_ms;
    /* After a commit, events are gathered this long before the next batch
     * (unless a full batch is ready): one transaction per interval under
     * load, none of the wait after a quiet spell. 0: as soon as read. */
    int commit_interval_ms;
    /* Commit without waiting for the WAL flush (synchronous_commit off). Only
     * for a stage whose every output is derived from an upstream table and
     * stays inside the pipeline: a crash can lose its last commits, which it
     * then redoes from its cursor, and a later synchronous commit of any
     * stage flushes them first, so nothing downstream outlives them. */
    bool async_commit;
} dw_stage_opts_t;

dw_stage_t *dw_stage_new(void *zmq_ctx, dw_pg_t *pg, const dw_stage_opts_t *opts, const dw_stage_handler_t *handler,
                         void *ctx);
void dw_stage_destroy(dw_stage_t **self_p);

/* An output event of the current batch: gets the next sequence number, goes
 * to stage_events with the batch, is published after the commit. */
int dw_stage_emit(dw_stage_t *self, const char *type, const char *key, const void *payload, size_t len)
    __attribute__((warn_unused_result));

/* Encodes msg (checked against the schema) and emits it under its type. */
int dw_stage_emit_msg(dw_stage_t *self, const struct dw_msg *msg, const char *key) __attribute__((warn_unused_result));

/* Extra sockets for the loop (e.g. dw-notify's replay ROUTER): on_ready runs
 * when sock is readable. At most 4. */
int dw_stage_add_socket(dw_stage_t *self, void *sock, void (*on_ready)(void *ctx, dw_stage_t *stage, void *sock))
    __attribute__((warn_unused_result));

/* Runs until a signal arrives on signal_fd (SIGTERM/SIGINT). 0 on a clean stop. */
int dw_stage_run(dw_stage_t *self, int signal_fd);

/* Work the clock starts (e.g. dw-analyze's daily run), from the tick: job
 * runs in a transaction with the events in hand, may write and emit like a
 * batch, and its events are published after the commit. -1 when it failed
 * (rolled back; the stage resynchronises as after a failed batch). */
int dw_stage_run_job(dw_stage_t *self, int (*job)(void *ctx, dw_stage_t *stage, dw_pg_t *pg), void *job_ctx)
    __attribute__((warn_unused_result));

dw_pg_t *dw_stage_pg(dw_stage_t *self);
const char *dw_stage_name(const dw_stage_t *self);

#endif
