#include "dwctl_import_flow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_zmq.h"
#include "dwctl_pending.h"
#include "dwctl_sender.h"

#define RETRY_PAUSE_MS 100 /* doubled at each try, as dwctl send does */
#define TICK_MS        100 /* progress at most ten times a second */
#define AHEAD_MIN      1024

typedef enum entry_state { QUEUED = 0, IN_FLIGHT, RETRY, GAVE_UP, DONE } entry_state_t;

typedef struct entry {
    dwctl_unit_t *unit;
    entry_state_t state;
    int attempts;
    int64_t retry_at;
} entry_t;

/* One run. Entries are a ring in row order, numbered from base (the oldest
 * not yet settled in order); pending maps an id in flight to its number. */
typedef struct run {
    const dwctl_ctx_t *ctx;
    const dwctl_flow_opts_t *opts;
    const dwctl_flow_io_t *io;
    dwctl_flow_tally_t *tally;
    void *sock;
    dwctl_pending_t *pending;
    entry_t *ring;
    size_t cap, head, count, base;
    size_t next_send; /* number of the first entry never sent */
    size_t limit;     /* most entries held: bounds memory behind a row stuck in flight */
    size_t n_queued, n_retry;
    bool input_done, stopping;
    int64_t last_ack, last_tick;
} run_t;

static entry_t *at(run_t *r, size_t number)
{
    return &r->ring[(r->head + (number - r->base)) % r->cap];
}

static int push(run_t *r, dwctl_unit_t *unit, entry_state_t state)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        entry_t *ring = malloc(cap * sizeof *ring);
        if (!ring)
            return -1;
        for (size_t i = 0; i < r->count; i++)
            ring[i] = r->ring[(r->head + i) % r->cap];
        free(r->ring);
        r->ring = ring;
        r->cap = cap;
        r->head = 0;
    }
    r->ring[(r->head + r->count) % r->cap] = (entry_t){.unit = unit, .state = state};
    r->count++;
    return 0;
}

/* Reads units while there is room in the window for them. */
static int fill(run_t *r)
{
    while (!r->input_done && !r->stopping && r->count < r->limit &&
           r->n_queued + r->n_retry + dwctl_pending_count(r->pending) < r->opts->window) {
        dwctl_unit_t *unit = NULL;
        int rc = r->io->next(r->io->arg, &unit);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            r->input_done = true;
            break;
        }
        bool built = unit->id != NULL;
        if (push(r, unit, built ? QUEUED : DONE) != 0) {
            dwctl_unit_destroy(&unit);
            fprintf(r->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
        if (built) {
            r->n_queued++;
        } else {
            r->tally->local++;
            if (r->io->settled(r->io->arg, unit, NULL) != 0)
                return -1;
        }
    }
    return 0;
}

/* The number of the entry to send now: a retry that is due, else the next
 * fresh one; false if none. */
static bool pick(run_t *r, int64_t now, size_t *number)
{
    if (r->n_retry > 0)
        for (size_t n = r->base; n < r->next_send; n++)
            if (at(r, n)->state == RETRY && at(r, n)->retry_at <= now) {
                *number = n;
                return true;
            }
    while (r->next_send < r->base + r->count && at(r, r->next_send)->state != QUEUED)
        r->next_send++;
    *number = r->next_send;
    return r->next_send < r->base + r->count;
}

/* Sends while the window allows. 0, 1 when the socket would block, -1 on failure. */
static int send_some(run_t *r)
{
    while (dwctl_pending_count(r->pending) < r->opts->window) {
        int64_t now = dw_mono_ms();
        size_t number;
        if (!pick(r, now, &number))
            return 0;
        entry_t *e = at(r, number);
        const void *data[2] = {"", e->unit->bytes.data};
        size_t size[2] = {0, e->unit->bytes.len};
        if (dw_zmq_send_parts(r->sock, data, size, 2, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 1;
            if (errno == EINTR)
                continue;
            fprintf(r->ctx->err, "dwctl: could not send %s: %s\n", e->unit->id, zmq_strerror(errno));
            return -1;
        }
        if (dwctl_pending_count(r->pending) == 0)
            r->last_ack = now; /* the silence that counts starts with something to answer */
        if (dwctl_pending_put(r->pending, e->unit->id, number) != 0) {
            fprintf(r->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
        if (e->state == RETRY) {
            r->n_retry--;
        } else {
            r->n_queued--;
            r->tally->sent++;
        }
        e->state = IN_FLIGHT;
        e->attempts++;
    }
    return 0;
}

/* Settles in order: every entry at the front that is done. */
static int advance(run_t *r)
{
    while (r->count > 0 && r->ring[r->head].state == DONE) {
        entry_t *e = &r->ring[r->head];
        int rc = r->io->advanced(r->io->arg, e->unit->last_row);
        dwctl_unit_destroy(&e->unit);
        r->head = (r->head + 1) % r->cap;
        r->count--;
        r->base++;
        if (rc != 0)
            return -1;
    }
    if (r->next_send < r->base)
        r->next_send = r->base;
    return 0;
}

/* The oldest message in flight: what an ack without an id answers, since
 * dw-intake answers one connection in order. */
static bool take_oldest(run_t *r, size_t *number)
{
    for (size_t n = r->base; n < r->next_send; n++)
        if (at(r, n)->state == IN_FLIGHT)
            return dwctl_pending_take(r->pending, at(r, n)->unit->id, number);
    return false;
}

static int on_ack(run_t *r, const void *data, size_t size)
{
    dwctl_ack_t ack;
    dw_error_t err = {0};
    if (dwctl_ack_decode(data, size, &ack, &err) != DW_OK) {
        fprintf(r->ctx->err, "dwctl: an answer that is not an ack: %s: %s\n", dw_code_name(err.code), err.message);
        return 0;
    }
    size_t number;
    bool found = ack.id[0] ? dwctl_pending_take(r->pending, ack.id, &number) : (!ack.ok && take_oldest(r, &number));
    if (!found) {
        fprintf(r->ctx->err, "dwctl: an ack for \"%s\", which is not in flight\n", ack.id);
        return 0;
    }
    entry_t *e = at(r, number);
    r->last_ack = dw_mono_ms();
    if (dwctl_ack_retryable(&ack)) {
        /* Not the message's fault: never settled, so the state stops before it and a rerun sends it. */
        if (e->attempts <= r->opts->retries) {
            e->state = RETRY;
            e->retry_at = r->last_ack + ((int64_t)RETRY_PAUSE_MS << (e->attempts - 1));
            r->n_retry++;
        } else {
            e->state = GAVE_UP;
            fprintf(r->ctx->err, "dwctl: %s refused %s %d times, giving up on it\n", e->unit->id, ack.code,
                    e->attempts);
        }
        return 0;
    }
    e->state = DONE;
    if (ack.ok && ack.dup)
        r->tally->duplicate++;
    else if (ack.ok)
        r->tally->stored++;
    else
        r->tally->refused++;
    if (!ack.id[0])
        snprintf(ack.id, sizeof ack.id, "%s", e->unit->id);
    return r->io->settled(r->io->arg, e->unit, &ack);
}

static int drain(run_t *r)
{
    for (;;) {
        dw_frames_t f;
        if (dw_frames_recv(r->sock, &f, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 0;
            if (errno == EINTR)
                continue;
            fprintf(r->ctx->err, "dwctl: could not receive: %s\n", zmq_strerror(errno));
            return -1;
        }
        int rc = 0;
        if (f.n == 2 && dw_frame_size(&f, 0) == 0 && !f.too_many)
            rc = on_ack(r, dw_frame_data(&f, 1), dw_frame_size(&f, 1));
        else
            fprintf(r->ctx->err, "dwctl: an answer of %zu frames, not [empty][ack]\n", f.n);
        dw_frames_close(&f);
        if (rc != 0)
            return -1;
    }
}

static long poll_timeout(run_t *r, int64_t now)
{
    int64_t until = now + TICK_MS;
    if (dwctl_pending_count(r->pending) > 0 && r->last_ack + r->opts->timeout_ms < until)
        until = r->last_ack + r->opts->timeout_ms;
    if (!r->stopping && r->n_retry > 0)
        for (size_t n = r->base; n < r->next_send; n++)
            if (at(r, n)->state == RETRY && at(r, n)->retry_at < until)
                until = at(r, n)->retry_at;
    return until > now ? (long)(until - now) : 0;
}

static void tick(run_t *r, int64_t now)
{
    if (r->io->tick && now - r->last_tick >= TICK_MS) {
        r->last_tick = now;
        r->io->tick(r->io->arg, r->tally);
    }
}

/* Returns 0 when done or given up, -1 on failure. */
static int loop(run_t *r)
{
    int signals = 0;
    for (;;) {
        int blocked = 0;
        if (fill(r) != 0 || (!r->stopping && (blocked = send_some(r)) < 0) || advance(r) != 0)
            return -1;
        int64_t now = dw_mono_ms();
        tick(r, now);
        size_t in_flight = dwctl_pending_count(r->pending);
        bool more = !r->stopping && (r->n_queued > 0 || r->n_retry > 0 || !r->input_done);
        if (in_flight == 0 && !more)
            return 0;
        if (in_flight == 0 && r->n_queued == 0 && r->n_retry == 0 && r->count >= r->limit) {
            fprintf(r->ctx->err, "dwctl: a message given up on holds back the rows after it; stopping\n");
            return 0;
        }
        if (in_flight > 0 && now - r->last_ack >= r->opts->timeout_ms) {
            fprintf(r->ctx->err, "dwctl: no ack for %d ms, giving up\n", r->opts->timeout_ms);
            return 0;
        }
        zmq_pollitem_t items[2] = {
            {.socket = r->sock, .events = (short)(ZMQ_POLLIN | (blocked ? ZMQ_POLLOUT : 0))},
            {.fd = r->ctx->signal_fd, .events = ZMQ_POLLIN},
        };
        if (zmq_poll(items, 2, poll_timeout(r, now)) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(r->ctx->err, "dwctl: could not poll: %s\n", zmq_strerror(errno));
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            while (dw_signal_read(r->ctx->signal_fd) > 0)
                signals++;
            r->stopping = r->tally->interrupted = true;
            if (signals >= 2)
                return 0;
            fprintf(r->ctx->err, "dwctl: interrupted: reading no more, waiting for %zu acks (again to stop waiting)\n",
                    in_flight);
        }
        if ((items[0].revents & ZMQ_POLLIN) && drain(r) != 0)
            return -1;
    }
}

/* What is left has no final answer: counted, and freed. */
static void settle_rest(run_t *r)
{
    for (size_t i = 0; i < r->count; i++) {
        entry_t *e = &r->ring[(r->head + i) % r->cap];
        if (e->state == QUEUED)
            r->tally->unsent++;
        else if (e->state != DONE)
            r->tally->unanswered++;
        dwctl_unit_destroy(&e->unit);
    }
    r->count = 0;
}

int dwctl_flow_run(const dwctl_ctx_t *ctx, const dwctl_flow_opts_t *opts, const dwctl_flow_io_t *io,
                   dwctl_flow_tally_t *tally)
{
    memset(tally, 0, sizeof *tally);
    run_t r = {.ctx = ctx, .opts = opts, .io = io, .tally = tally};
    r.limit = opts->window * 8 > AHEAD_MIN ? opts->window * 8 : AHEAD_MIN;
    int rc = -1;
    void *zctx = zmq_ctx_new();
    r.pending = dwctl_pending_new(opts->window);
    if (!zctx || !r.pending) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    r.sock = dwctl_dealer_open(zctx, opts->endpoint);
    if (!r.sock)
        goto done;
    r.last_ack = r.last_tick = dw_mono_ms();
    rc = loop(&r);
    settle_rest(&r);
    if (tally->unanswered > 0 || tally->unsent > 0 || rc != 0) {
        int zero = 0; /* given up: what is still queued must not hold the exit forever */
        (void)zmq_setsockopt(r.sock, ZMQ_LINGER, &zero, sizeof zero);
    }
done:
    settle_rest(&r);
    dw_zmq_close(&r.sock);
    if (zctx)
        zmq_ctx_term(zctx);
    dwctl_pending_destroy(&r.pending);
    free(r.ring);
    return rc;
}
