#include "dwctl_sender.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_zmq.h"
#include "dwctl_ack.h"
#include "dwctl_pending.h"

#define RETRY_PAUSE_MS    100 /* doubled at each try */
#define UNANSWERED_LISTED 10  /* a long list helps nobody */

typedef enum item_state { QUEUED = 0, IN_FLIGHT, RETRY, DONE } item_state_t;

/* The run's state: one per dwctl_exchange call. */
typedef struct run {
    const dwctl_ctx_t *ctx;
    const dwctl_sender_opts_t *opts;
    const dwctl_batch_t *batch;
    dwctl_tally_t *tally;
    void *sock;
    dwctl_pending_t *pending;
    item_state_t *state;
    int *attempts;
    int64_t *retry_at; /* RETRY: when to send again (monotonic ms) */
    char (*retry_code)[64];
    size_t n;
    size_t next;      /* the next item never sent */
    size_t n_retry;   /* items in RETRY */
    int64_t last_ack; /* monotonic ms of the last ack (or the start) */
} run_t;

void *dwctl_dealer_open(void *zctx, const char *endpoint)
{
    dw_zmq_opts_t o = {.linger_ms = -1};
    return dw_zmq_socket(zctx, ZMQ_DEALER, endpoint, false, &o);
}

/* The item to send now: a retry that is due, else the next fresh one; n if none. */
static size_t pick(run_t *r, int64_t now)
{
    if (r->n_retry > 0)
        for (size_t i = 0; i < r->next; i++)
            if (r->state[i] == RETRY && r->retry_at[i] <= now)
                return i;
    return r->next < r->n ? r->next : r->n;
}

/* Sends while the window allows. Returns 0, 1 when the socket would block, -1 on failure. */
static int send_some(run_t *r)
{
    while (dwctl_pending_count(r->pending) < r->opts->window) {
        size_t i = pick(r, dw_mono_ms());
        if (i == r->n)
            return 0;
        const dwctl_item_t *item = dwctl_batch_item(r->batch, i);
        const void *data[2] = {"", item->bytes.data};
        size_t size[2] = {0, item->bytes.len};
        if (dw_zmq_send_parts(r->sock, data, size, 2, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 1;
            if (errno == EINTR)
                continue;
            fprintf(r->ctx->err, "dwctl: could not send %s: %s\n", item->id, zmq_strerror(errno));
            return -1;
        }
        if (dwctl_pending_put(r->pending, item->id, i) != 0) {
            fprintf(r->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
        if (r->state[i] == RETRY) {
            r->n_retry--;
        } else {
            r->tally->sent++;
            r->next++;
        }
        r->state[i] = IN_FLIGHT;
        r->attempts[i]++;
    }
    return 0;
}

/* The oldest message in flight: the one an ack without an id answers, since
 * dw-intake answers a connection in order. */
static bool take_oldest(run_t *r, size_t *index)
{
    for (size_t i = 0; i < r->next; i++)
        if (r->state[i] == IN_FLIGHT)
            return dwctl_pending_take(r->pending, dwctl_batch_item(r->batch, i)->id, index);
    return false;
}

static void on_ack(run_t *r, const void *data, size_t size)
{
    dwctl_ack_t ack;
    dw_error_t err = {0};
    if (dwctl_ack_decode(data, size, &ack, &err) != DW_OK) {
        fprintf(r->ctx->err, "dwctl: an answer that is not an ack: %s: %s\n", dw_code_name(err.code), err.message);
        return;
    }
    size_t i;
    bool found = ack.id[0] ? dwctl_pending_take(r->pending, ack.id, &i) : (!ack.ok && take_oldest(r, &i));
    if (!found) {
        fprintf(r->ctx->err, "dwctl: an ack for \"%s\", which is not in flight\n", ack.id);
        return;
    }
    r->last_ack = dw_mono_ms();
    if (dwctl_ack_retryable(&ack) && r->attempts[i] <= r->opts->retries) {
        r->state[i] = RETRY;
        r->retry_at[i] = r->last_ack + ((int64_t)RETRY_PAUSE_MS << (r->attempts[i] - 1));
        snprintf(r->retry_code[i], sizeof r->retry_code[i], "%s", ack.code);
        r->n_retry++;
        return;
    }
    r->state[i] = DONE;
    if (ack.ok && ack.dup)
        r->tally->duplicate++;
    else if (ack.ok)
        r->tally->stored++;
    else {
        r->tally->refused++;
        if (!ack.id[0]) /* name the message the answer was matched to */
            snprintf(ack.id, sizeof ack.id, "%s", dwctl_batch_item(r->batch, i)->id);
        if (!r->opts->quiet)
            dwctl_ack_print(r->ctx->out, &ack);
    }
}

/* Reads every answer waiting. Returns 0 or -1 on a socket failure. */
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
        if (f.n == 2 && dw_frame_size(&f, 0) == 0 && !f.too_many)
            on_ack(r, dw_frame_data(&f, 1), dw_frame_size(&f, 1));
        else
            fprintf(r->ctx->err, "dwctl: an answer of %zu frames, not [empty][ack]\n", f.n);
        dw_frames_close(&f);
    }
}

/* Milliseconds zmq_poll may sleep: until the silence deadline or the next retry. */
static long poll_timeout(run_t *r, int64_t now, bool sending)
{
    int64_t until = r->last_ack + r->opts->timeout_ms;
    if (sending && r->n_retry > 0)
        for (size_t i = 0; i < r->next; i++)
            if (r->state[i] == RETRY && r->retry_at[i] < until)
                until = r->retry_at[i];
    return until > now ? (long)(until - now) : 0;
}

/* Gives up what has no final answer: the unacked, the retries, the never sent. */
static void settle(run_t *r)
{
    size_t listed = 0;
    for (size_t i = 0; i < r->n; i++) {
        const dwctl_item_t *item = dwctl_batch_item(r->batch, i);
        if (r->state[i] == QUEUED) {
            r->tally->unsent++;
        } else if (r->state[i] == IN_FLIGHT) {
            r->tally->unanswered++;
            if (listed++ < UNANSWERED_LISTED)
                fprintf(r->ctx->out, "unanswered %s (%s)\n", item->id, item->where);
        } else if (r->state[i] == RETRY) {
            r->tally->refused++;
            if (!r->opts->quiet)
                fprintf(r->ctx->out, "refused %s: %s: gave up trying again\n", item->id, r->retry_code[i]);
        }
    }
    if (listed > UNANSWERED_LISTED)
        fprintf(r->ctx->out, "unanswered: %zu more not listed\n", listed - UNANSWERED_LISTED);
    if (r->tally->unsent > 0)
        fprintf(r->ctx->out, "not sent %zu\n", r->tally->unsent);
}

static int loop(run_t *r)
{
    int signals = 0;
    for (;;) {
        bool sending = signals == 0;
        int blocked = 0;
        if (sending && (blocked = send_some(r)) < 0)
            return -1;
        size_t in_flight = dwctl_pending_count(r->pending);
        bool more = sending && (r->next < r->n || r->n_retry > 0);
        if (in_flight == 0 && !more)
            return 0;
        int64_t now = dw_mono_ms();
        if (now - r->last_ack >= r->opts->timeout_ms) {
            fprintf(r->ctx->err, "dwctl: no ack for %d ms, giving up\n", r->opts->timeout_ms);
            return 0;
        }
        zmq_pollitem_t items[2] = {
            {.socket = r->sock, .events = (short)(ZMQ_POLLIN | (blocked ? ZMQ_POLLOUT : 0))},
            {.fd = r->ctx->signal_fd, .events = ZMQ_POLLIN},
        };
        if (zmq_poll(items, 2, poll_timeout(r, now, sending)) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(r->ctx->err, "dwctl: could not poll: %s\n", zmq_strerror(errno));
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            while (dw_signal_read(r->ctx->signal_fd) > 0)
                signals++;
            if (signals >= 2)
                return 0;
            fprintf(r->ctx->err, "dwctl: interrupted: sending no more, waiting for %zu acks (again to stop waiting)\n",
                    in_flight);
        }
        if ((items[0].revents & ZMQ_POLLIN) && drain(r) != 0)
            return -1;
    }
}

int dwctl_exchange(const dwctl_ctx_t *ctx, const dwctl_sender_opts_t *opts, const dwctl_batch_t *batch,
                   dwctl_tally_t *tally)
{
    memset(tally, 0, sizeof *tally);
    run_t r = {.ctx = ctx, .opts = opts, .batch = batch, .tally = tally, .n = dwctl_batch_count(batch)};
    if (r.n == 0)
        return 0;
    int rc = -1;
    void *zctx = zmq_ctx_new();
    r.pending = dwctl_pending_new(opts->window < r.n ? opts->window : r.n);
    r.state = calloc(r.n, sizeof *r.state);
    r.attempts = calloc(r.n, sizeof *r.attempts);
    r.retry_at = calloc(r.n, sizeof *r.retry_at);
    r.retry_code = calloc(r.n, sizeof *r.retry_code);
    if (!zctx || !r.pending || !r.state || !r.attempts || !r.retry_at || !r.retry_code) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    r.sock = dwctl_dealer_open(zctx, opts->endpoint);
    if (!r.sock)
        goto done;
    r.last_ack = dw_mono_ms();
    rc = loop(&r);
    settle(&r);
    if (tally->unanswered > 0 || tally->unsent > 0) {
        /* Given up: what is still queued must not hold the exit forever. */
        int zero = 0;
        (void)zmq_setsockopt(r.sock, ZMQ_LINGER, &zero, sizeof zero);
    }
done:
    dw_zmq_close(&r.sock);
    if (zctx)
        zmq_ctx_term(zctx);
    dwctl_pending_destroy(&r.pending);
    free(r.state);
    free(r.attempts);
    free(r.retry_at);
    free(r.retry_code);
    return rc;
}
