#include "dw_stage.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_zmq.h"

#define MAX_UPSTREAMS    4
#define MAX_EXTRA        4
#define RETRY_MIN_MS     500   /* first wait after a failure */
#define RETRY_MAX_MS     10000 /* waits double up to this */
#define HOLE_ALARM_TRIES 20    /* a hole in an upstream table still there after this many looks is an error */

typedef struct upstream {
    char name[32];
    void *sub;
    int64_t committed; /* cursor in the database */
    int64_t pending;   /* last seq taken into the current batch */
    bool behind;       /* a gap was seen: read the table */
} upstream_t;

/* An event held in the batch: offsets into the arena, resolved to pointers
 * once the arena has stopped growing. */
typedef struct held {
    size_t up;
    int64_t seq;
    size_t type_off, key_off, payload_off, payload_len;
} held_t;

typedef struct extra {
    void *sock;
    void (*on_ready)(void *ctx, dw_stage_t *stage, void *sock);
} extra_t;

struct dw_stage {
    char name[32];
    dw_pg_t *pg;
    void *pub;
    upstream_t up[MAX_UPSTREAMS];
    size_t n_up;
    int batch_max;
    int catchup_ms;
    int commit_interval_ms;
    bool async_commit;
    dw_stage_handler_t handler;
    void *ctx;
    extra_t extra[MAX_EXTRA];
    size_t n_extra;

    /* the batch being built */
    held_t *held;
    size_t n_held;
    dw_buf_t arena;
    dw_event_t *events;
    int64_t last_begin;    /* monotonic ms the last committed transaction began */
    int64_t cursors_since; /* monotonic ms since which skipped events wait for their cursor write; 0: none */

    /* outputs of the batch */
    int64_t out_committed; /* last output seq in stage_events */
    int64_t out_next;
    dw_buf_t out_rows; /* COPY rows for stage_events */
    dw_buf_t out_wire; /* [seq8][type\0][key\0][len8][payload] records to publish after commit */
    size_t n_out;

    /* after a failure: what is in memory may not be what is committed */
    bool need_resync;
    int64_t retry_after; /* monotonic ms; no database work before it */
    int retry_ms;        /* the current back-off */
    int hole_tries;      /* consecutive catch-ups that stopped at a hole */
};

static int load_state(dw_stage_t *self)
{
    /* per session: after a reconnect too */
    if (self->async_commit && dw_pg_exec(self->pg, self->name, "SET synchronous_commit = off", 0, NULL) != 0)
        return -1;
    const char *p[1] = {self->name};
    if (dw_pg_query_int(self->pg, self->name, "SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = $1", 1, p,
                        &self->out_committed) != 0)
        return -1;
    for (size_t i = 0; i < self->n_up; i++) {
        const char *q[2] = {self->name, self->up[i].name};
        if (dw_pg_query_int(self->pg, self->name,
                            "SELECT coalesce(max(seq), 0) FROM stage_cursors WHERE stage = $1 AND upstream = $2", 2, q,
                            &self->up[i].committed) != 0)
            return -1;
        self->up[i].pending = self->up[i].committed;
        self->up[i].behind = true; /* whatever was written while we were down */
    }
    self->out_next = self->out_committed + 1;
    return 0;
}

dw_stage_t *dw_stage_new(void *zmq_ctx, dw_pg_t *pg, const dw_stage_opts_t *opts, const dw_stage_handler_t *handler,
                         void *ctx)
{
    if (opts->n_upstreams > MAX_UPSTREAMS || opts->batch_max < 1)
        return NULL;
    dw_stage_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    snprintf(self->name, sizeof self->name, "%s", opts->name);
    self->pg = pg;
    self->batch_max = opts->batch_max;
    self->catchup_ms = opts->catchup_ms > 0 ? opts->catchup_ms : 500;
    self->commit_interval_ms = opts->commit_interval_ms > 0 ? opts->commit_interval_ms : 0;
    self->async_commit = opts->async_commit;
    self->handler = *handler;
    self->ctx = ctx;
    self->held = calloc((size_t)opts->batch_max, sizeof *self->held);
    self->events = calloc((size_t)opts->batch_max, sizeof *self->events);
    if (!self->held || !self->events)
        goto fail;
    if (opts->out_endpoint) {
        /* Internal fan-out: a PUB never blocks the stage; what it drops at the
         * high-water mark is read back from stage_events by the subscriber. */
        dw_zmq_opts_t o = {.linger_ms = 1000, .sndhwm = 100000};
        self->pub = dw_zmq_socket(zmq_ctx, ZMQ_PUB, opts->out_endpoint, true, &o);
        if (!self->pub)
            goto fail;
    }
    for (size_t i = 0; i < opts->n_upstreams; i++) {
        upstream_t *u = &self->up[self->n_up++];
        snprintf(u->name, sizeof u->name, "%s", opts->upstreams[i].name);
        /* A short queue: when the stage falls behind it reads the table and
         * throws queued live events away, so holding many is only memory. */
        dw_zmq_opts_t o = {.linger_ms = 0, .rcvhwm = 10000, .subscribe = ""};
        u->sub = dw_zmq_socket(zmq_ctx, ZMQ_SUB, opts->upstreams[i].endpoint, false, &o);
        if (!u->sub)
            goto fail;
    }
    if (load_state(self) != 0)
        goto fail;
    return self;
fail:
    dw_stage_destroy(&self);
    return NULL;
}

void dw_stage_destroy(dw_stage_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_stage_t *self = *self_p;
    dw_zmq_close(&self->pub);
    for (size_t i = 0; i < self->n_up; i++)
        dw_zmq_close(&self->up[i].sub);
    free(self->held);
    free(self->events);
    dw_buf_free(&self->arena);
    dw_buf_free(&self->out_rows);
    dw_buf_free(&self->out_wire);
    free(self);
    *self_p = NULL;
}

dw_pg_t *dw_stage_pg(dw_stage_t *self)
{
    return self->pg;
}

const char *dw_stage_name(const dw_stage_t *self)
{
    return self->name;
}

int dw_stage_add_socket(dw_stage_t *self, void *sock, void (*on_ready)(void *ctx, dw_stage_t *stage, void *sock))
{
    if (self->n_extra >= MAX_EXTRA)
        return -1;
    self->extra[self->n_extra++] = (extra_t){sock, on_ready};
    return 0;
}

int dw_stage_emit(dw_stage_t *self, const char *type, const char *key, const void *payload, size_t len)
{
    int64_t seq = self->out_next++;
    unsigned char be[8];
    dw_put_be64(be, seq);
    if (dw_copy_text(&self->out_rows, self->name) || dw_copy_int(&self->out_rows, seq) ||
        dw_copy_text(&self->out_rows, type) || dw_copy_text(&self->out_rows, key) ||
        dw_copy_bytea(&self->out_rows, payload, len) || dw_copy_end_row(&self->out_rows))
        return -1;
    unsigned char lenbe[8];
    dw_put_be64(lenbe, (int64_t)len);
    if (dw_buf_append(&self->out_wire, be, 8) || dw_buf_append(&self->out_wire, type, strlen(type) + 1) ||
        dw_buf_append(&self->out_wire, key, strlen(key) + 1) || dw_buf_append(&self->out_wire, lenbe, 8) ||
        dw_buf_append(&self->out_wire, payload, len))
        return -1;
    self->n_out++;
    return 0;
}

int dw_stage_emit_msg(dw_stage_t *self, const dw_msg_t *msg, const char *key)
{
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    int rc = -1;
    if (dw_msg_encode(msg, &buf, &err) != DW_OK)
        dw_log_error(key, "could not encode %s: %s: %s (field %s)", dw_msg_type(msg), dw_code_name(err.code),
                     err.message, err.field);
    else
        rc = dw_stage_emit(self, dw_msg_type(msg), key, buf.data, buf.len);
    dw_buf_free(&buf);
    return rc;
}

/* Takes the next event of an upstream into the batch, or only past it when
 * the stage has no use for its type. */
static int hold(dw_stage_t *self, size_t up, int64_t seq, const char *type, const char *key, const void *payload,
                size_t len)
{
    if (self->handler.wants && !self->handler.wants(self->ctx, type)) {
        self->up[up].pending = seq;
        if (!self->cursors_since)
            self->cursors_since = dw_mono_ms();
        return 0;
    }
    held_t *h = &self->held[self->n_held];
    h->up = up;
    h->seq = seq;
    h->type_off = self->arena.len;
    if (dw_buf_append(&self->arena, type, strlen(type) + 1))
        return -1;
    h->key_off = self->arena.len;
    if (dw_buf_append(&self->arena, key, strlen(key) + 1))
        return -1;
    h->payload_off = self->arena.len;
    h->payload_len = len;
    if (dw_buf_append(&self->arena, payload, len))
        return -1;
    self->n_held++;
    self->up[up].pending = seq;
    return 0;
}

static void publish_outputs(dw_stage_t *self)
{
    const unsigned char *p = (const unsigned char *)self->out_wire.data;
    const unsigned char *end = p + self->out_wire.len;
    while (p < end) {
        const unsigned char *seq = p;
        const char *type = (const char *)p + 8;
        const char *key = type + strlen(type) + 1;
        const unsigned char *lenbe = (const unsigned char *)key + strlen(key) + 1;
        size_t len = (size_t)dw_get_be64(lenbe);
        const void *payload = lenbe + 8;
        const void *parts[4] = {seq, type, key, payload};
        size_t sizes[4] = {8, strlen(type), strlen(key), len};
        if (self->pub && dw_zmq_send_parts(self->pub, parts, sizes, 4, ZMQ_DONTWAIT) != 0)
            dw_log_warn(self->name, "live publish dropped (%s): subscribers will read stage_events",
                        zmq_strerror(errno));
        p = (const unsigned char *)payload + len;
    }
}

static void reset_batch(dw_stage_t *self)
{
    self->n_held = 0;
    dw_buf_reset(&self->arena);
    dw_buf_reset(&self->out_rows);
    dw_buf_reset(&self->out_wire);
    self->n_out = 0;
}

static int write_cursors(dw_stage_t *self)
{
    for (size_t i = 0; i < self->n_up; i++) {
        upstream_t *u = &self->up[i];
        if (u->pending == u->committed)
            continue;
        char seq[24];
        snprintf(seq, sizeof seq, "%" PRId64, u->pending);
        const char *p[3] = {self->name, u->name, seq};
        if (dw_pg_exec(self->pg, self->name,
                       "INSERT INTO stage_cursors (stage, upstream, seq) VALUES ($1, $2, $3) "
                       "ON CONFLICT (stage, upstream) DO UPDATE SET seq = EXCLUDED.seq, updated_at = now()",
                       3, p) != 0)
            return -1;
    }
    return 0;
}

/* After any failed transaction or query: nothing in hand counts any more. The
 * next step (resync) reads the committed state back before work goes on, so
 * a COMMIT whose outcome was lost with the connection cannot leave us with
 * numbers the database has already used. */
static void failed(dw_stage_t *self)
{
    reset_batch(self);
    for (size_t i = 0; i < self->n_up; i++) {
        self->up[i].pending = self->up[i].committed;
        self->up[i].behind = true;
    }
    self->out_next = self->out_committed + 1;
    if (self->handler.after)
        self->handler.after(self->ctx, self, false);
    self->need_resync = true;
    self->retry_ms = self->retry_ms ? self->retry_ms * 2 : RETRY_MIN_MS;
    if (self->retry_ms > RETRY_MAX_MS)
        self->retry_ms = RETRY_MAX_MS;
    self->retry_after = dw_mono_ms() + self->retry_ms;
}

/* Reconnects if the connection is gone, then reads cursors and the output
 * sequence back from the database. 0 when the stage may work again. */
static int resync(dw_stage_t *self)
{
    if (dw_pg_broken(self->pg) && dw_pg_reconnect(self->pg) != 0) {
        dw_log_error(self->name, "database unreachable; trying again in %d ms", self->retry_ms);
        return -1;
    }
    if (load_state(self) != 0)
        return -1;
    self->need_resync = false;
    dw_log_info(self->name, "resynchronised with the database");
    return 0;
}

static bool cursors_moved(const dw_stage_t *self)
{
    for (size_t i = 0; i < self->n_up; i++)
        if (self->up[i].pending != self->up[i].committed)
            return true;
    return false;
}

/* One transaction: the work (the handler's batch over the held events, or a
 * job), the stage's events, the cursors; published after the commit. */
static int transact(dw_stage_t *self, int (*job)(void *ctx, dw_stage_t *stage, dw_pg_t *pg), void *job_ctx)
{
    for (size_t i = 0; i < self->n_held; i++) {
        held_t *h = &self->held[i];
        self->events[i] = (dw_event_t){
            .upstream = self->up[h->up].name,
            .seq = h->seq,
            .type = self->arena.data + h->type_off,
            .key = self->arena.data + h->key_off,
            .payload = self->arena.data + h->payload_off,
            .payload_len = h->payload_len,
        };
    }
    int64_t began = dw_mono_ms();
    int rc = dw_pg_begin(self->pg);
    if (rc == 0 && self->n_held > 0)
        rc = self->handler.batch(self->ctx, self, self->pg, self->events, self->n_held);
    if (rc == 0 && job)
        rc = job(job_ctx, self, self->pg);
    if (rc == 0 && self->n_out > 0 &&
        dw_pg_copy(self->pg, self->name, "COPY stage_events (stage, seq, type, key, payload) FROM STDIN",
                   &self->out_rows) != (int64_t)self->n_out)
        rc = -1;
    if (rc == 0)
        rc = write_cursors(self);
    if (rc == 0)
        rc = dw_pg_commit(self->pg);
    if (rc != 0) {
        dw_pg_rollback(self->pg);
        dw_log_error(self->name, "%s of %zu events rolled back; will read them again", job ? "job" : "batch",
                     self->n_held);
        failed(self);
        return -1;
    }
    self->retry_ms = 0;
    self->last_begin = began;
    self->cursors_since = 0;
    for (size_t i = 0; i < self->n_up; i++)
        self->up[i].committed = self->up[i].pending;
    self->out_committed = self->out_next - 1;
    publish_outputs(self);
    if (self->handler.after)
        self->handler.after(self->ctx, self, true);
    dw_log_debug(self->name, "committed %zu events, emitted %zu", self->n_held, self->n_out);
    reset_batch(self);
    return 0;
}

/* The held events (or, with none, the cursors of skipped events). */
static int run_batch(dw_stage_t *self)
{
    if (self->n_held == 0 && !cursors_moved(self))
        return 0;
    return transact(self, NULL, NULL);
}

int dw_stage_run_job(dw_stage_t *self, int (*job)(void *ctx, dw_stage_t *stage, dw_pg_t *pg), void *job_ctx)
{
    if (self->need_resync)
        return -1;
    return transact(self, job, job_ctx);
}

/* Reads up to a batch of missing events of upstream i from its table. Returns
 * the number read (held or skipped), or -1; *hole is set when the table skips a
 * number (a row not visible yet, or one deleted behind our back). */
static int catch_up_one(dw_stage_t *self, size_t i, bool *hole)
{
    upstream_t *u = &self->up[i];
    char since[24], limit[24];
    snprintf(since, sizeof since, "%" PRId64, u->pending);
    int limit_n = self->batch_max - (int)self->n_held;
    snprintf(limit, sizeof limit, "%d", limit_n);
    PGresult *res;
    if (strcmp(u->name, "intake") == 0) {
        const char *p[2] = {since, limit};
        res = dw_pg_query(self->pg, self->name,
                          "SELECT seq, type, src || '/' || id, raw FROM inbox WHERE seq > $1 ORDER BY seq LIMIT $2", 2,
                          p);
    } else {
        const char *p[3] = {since, limit, u->name};
        res = dw_pg_query(self->pg, self->name,
                          "SELECT seq, type, key, payload FROM stage_events WHERE stage = $3 AND seq > $1 "
                          "ORDER BY seq LIMIT $2",
                          3, p);
    }
    if (!res)
        return -1;
    int rows = PQntuples(res), held = 0;
    dw_buf_t bytes = DW_BUF_INIT;
    for (int r = 0; r < rows; r++) {
        int64_t seq = dw_pg_int(res, r, 0);
        if (seq != u->pending + 1) {
            /* The upstream's sequence is gapless by construction: never skip. */
            if (self->hole_tries + 1 >= HOLE_ALARM_TRIES)
                dw_log_error(self->name,
                             "upstream %s: seq %" PRId64 " is missing from its table (next there is %" PRId64
                             "); this stage waits for it",
                             u->name, u->pending + 1, seq);
            *hole = true;
            break;
        }
        dw_buf_reset(&bytes);
        if (dw_pg_bytea_decode(PQgetvalue(res, r, 3), (size_t)PQgetlength(res, r, 3), &bytes) != 0 ||
            hold(self, i, seq, PQgetvalue(res, r, 1), PQgetvalue(res, r, 2), bytes.data, bytes.len) != 0) {
            held = -1;
            break;
        }
        held++;
    }
    dw_buf_free(&bytes);
    PQclear(res);
    if (held >= 0 && !*hole && rows < limit_n)
        u->behind = false;
    return held;
}

/* Reads what the tables hold beyond our cursors, batch after batch, until
 * there is nothing more. 0, 1 when it stopped at a hole, or -1. */
static int catch_up(dw_stage_t *self)
{
    for (;;) {
        int got = 0;
        bool hole = false;
        for (size_t i = 0; i < self->n_up && (int)self->n_held < self->batch_max; i++) {
            int n = catch_up_one(self, i, &hole);
            if (n < 0) {
                failed(self);
                return -1;
            }
            got += n;
        }
        if (self->n_held > 0 && run_batch(self) != 0)
            return -1;
        if (hole) {
            self->hole_tries++;
            return 1;
        }
        self->hole_tries = 0;
        /* A short read means the table is drained: live events take over
         * (looping until a read comes back empty never ends under a steady
         * stream, and the live copies would all be thrown away). */
        if (got < self->batch_max)
            return 0;
    }
}

/* Drains what the upstream PUBs delivered, taking events in order. */
static void read_live(dw_stage_t *self, size_t i)
{
    upstream_t *u = &self->up[i];
    while ((int)self->n_held < self->batch_max) {
        dw_frames_t f;
        if (dw_frames_recv(u->sub, &f, ZMQ_DONTWAIT) != 0)
            return;
        if (f.n == 4 && dw_frame_size(&f, 0) == 8) {
            int64_t seq = dw_get_be64(dw_frame_data(&f, 0));
            char type[128], key[256];
            size_t tl = dw_frame_size(&f, 1), kl = dw_frame_size(&f, 2);
            if (tl < sizeof type && kl < sizeof key) {
                memcpy(type, dw_frame_data(&f, 1), tl);
                type[tl] = '\0';
                memcpy(key, dw_frame_data(&f, 2), kl);
                key[kl] = '\0';
                if (seq == u->pending + 1 && !u->behind) {
                    if (hold(self, i, seq, type, key, dw_frame_data(&f, 3), dw_frame_size(&f, 3)) != 0)
                        u->behind = true;
                } else if (seq > u->pending + 1) {
                    u->behind = true; /* a gap: the table has what we missed */
                }
            }
        } else {
            dw_log_warn(self->name, "ignoring a malformed event from %s (%zu frames)", u->name, f.n);
        }
        dw_frames_close(&f);
    }
}

/* When the batch in hand is due: at once when full, else commit_interval_ms
 * after the last transaction began (a batch that took longer than that is
 * followed at once: the wait is not added to the work); skipped events'
 * cursors within catchup_ms. */
static int64_t batch_due(const dw_stage_t *self)
{
    if (self->n_held >= (size_t)self->batch_max)
        return 0;
    if (self->n_held > 0)
        return self->last_begin + self->commit_interval_ms;
    if (self->cursors_since)
        return self->cursors_since + self->catchup_ms;
    return INT64_MAX;
}

int dw_stage_run(dw_stage_t *self, int signal_fd)
{
    zmq_pollitem_t items[MAX_UPSTREAMS + MAX_EXTRA + 1];
    size_t n = 0;
    for (size_t i = 0; i < self->n_up; i++)
        items[n++] = (zmq_pollitem_t){self->up[i].sub, 0, ZMQ_POLLIN, 0};
    for (size_t i = 0; i < self->n_extra; i++)
        items[n++] = (zmq_pollitem_t){self->extra[i].sock, 0, ZMQ_POLLIN, 0};
    items[n++] = (zmq_pollitem_t){NULL, signal_fd, ZMQ_POLLIN, 0};

    int64_t next_catchup = dw_mono_ms();
    int64_t next_tick = self->handler.tick ? dw_mono_ms() : INT64_MAX;
    dw_log_info(self->name, "running");
    for (;;) {
        int64_t now = dw_mono_ms();
        bool behind = false;
        for (size_t i = 0; i < self->n_up; i++)
            behind |= self->up[i].behind;
        int64_t due = next_catchup < next_tick ? next_catchup : next_tick;
        if (!self->need_resync && batch_due(self) < due)
            due = batch_due(self);
        if ((behind || self->need_resync) && self->retry_after < due)
            due = self->retry_after; /* never spin while waiting to retry */
        long timeout = due <= now ? 0 : (long)(due - now);
        if (zmq_poll(items, (int)n, timeout) < 0) {
            if (errno == EINTR)
                continue;
            dw_log_error(self->name, "poll failed: %s", zmq_strerror(errno));
            return -1;
        }
        if (items[n - 1].revents & ZMQ_POLLIN) {
            int sig = dw_signal_read(signal_fd);
            if (sig == SIGHUP && self->handler.reload) {
                self->handler.reload(self->ctx, self);
            } else if (sig == SIGHUP) {
                dw_log_warn(self->name, "SIGHUP: the configuration is read at start only; restart to apply changes");
            } else {
                dw_log_info(self->name, "signal %d: stopping", sig);
                if (!self->need_resync)
                    (void)run_batch(self); /* what is in hand, and the cursors of skipped events */
                if (self->handler.stop && !self->need_resync)
                    self->handler.stop(self->ctx, self, self->pg);
                return 0;
            }
        }
        for (size_t i = 0; i < self->n_up; i++)
            if (items[i].revents & ZMQ_POLLIN)
                read_live(self, i);
        if (!self->need_resync && dw_mono_ms() >= batch_due(self))
            (void)run_batch(self);
        for (size_t i = 0; i < self->n_extra; i++)
            if (items[self->n_up + i].revents & ZMQ_POLLIN)
                self->extra[i].on_ready(self->ctx, self, self->extra[i].sock);
        now = dw_mono_ms();
        if (self->need_resync && now >= self->retry_after && resync(self) != 0)
            failed(self);
        behind = false;
        for (size_t i = 0; i < self->n_up; i++)
            behind |= self->up[i].behind;
        if (!self->need_resync && now >= self->retry_after && (behind || now >= next_catchup)) {
            if (catch_up(self) == 1)
                self->retry_after = now + self->catchup_ms; /* a hole: look again later, not at once */
            next_catchup = now + self->catchup_ms;
        }
        if (now >= next_tick) {
            self->handler.tick(self->ctx, self, self->pg);
            next_tick = now + (self->handler.tick_ms > 0 ? self->handler.tick_ms : 1000);
        }
    }
}
