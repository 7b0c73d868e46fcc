#include "dwctl_replay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_zmq.h"

#define PAGE_LIMIT 1000 /* the most the contract lets one answer hold */
#define TOPIC_MAX  256  /* dw-notify's topics stay below this */

struct dwctl_replay {
    void *zmq_ctx;
    const char *endpoint;
    long timeout_ms;
    int signal_fd;
    FILE *warn;
    void *sock;            /* made on first use; NULL again after a failure */
    int64_t resting_until; /* monotonic ms: after an unanswered request, ask nothing before */
};

typedef enum { X_ANSWER, X_FAILED, X_SIGNAL } exchange_t;

static int connect_socket(dwctl_replay_t *self)
{
    /* Twice the contract's limit: an answer near it still arrives, and the
     * decoder then judges it against the contract. */
    dw_zmq_opts_t o = {.linger_ms = 0, .maxmsgsize = (int64_t)dw_schema_limits.max_size * 2};
    self->sock = dw_zmq_socket(self->zmq_ctx, ZMQ_DEALER, self->endpoint, false, &o);
    return self->sock ? 0 : -1;
}

dwctl_replay_t *dwctl_replay_new(void *zmq_ctx, const char *endpoint, long timeout_ms, int signal_fd, FILE *warn)
{
    dwctl_replay_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    *self = (dwctl_replay_t){
        .zmq_ctx = zmq_ctx, .endpoint = endpoint, .timeout_ms = timeout_ms, .signal_fd = signal_fd, .warn = warn};
    /* Connected now, so that an endpoint that cannot be used stops the watch
     * at once rather than at the first gap. */
    if (connect_socket(self) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

void dwctl_replay_destroy(dwctl_replay_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_zmq_close(&(*self_p)->sock);
    free(*self_p);
    *self_p = NULL;
}

static void set_reason(dwctl_replay_result_t *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(dwctl_replay_result_t *res, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(res->reason, sizeof res->reason, fmt, ap);
    va_end(ap);
}

/* A request whose answer may still come is never left on the socket. */
static exchange_t fail(dwctl_replay_t *self)
{
    dw_zmq_close(&self->sock);
    return X_FAILED;
}

/* No answer: the endpoint rests as long as we waited (see the header). */
static exchange_t unanswered(dwctl_replay_t *self)
{
    self->resting_until = dw_mono_ms() + self->timeout_ms;
    return fail(self);
}

/* Sends one request and waits for its answer, decoded into *ans. */
static exchange_t exchange(dwctl_replay_t *self, const dw_buf_t *req, dw_msg_t **ans, dwctl_replay_result_t *res)
{
    *ans = NULL;
    if (dw_mono_ms() < self->resting_until) {
        set_reason(res, "no answer from %s a moment ago; not asked again yet", self->endpoint);
        return X_FAILED;
    }
    if (!self->sock && connect_socket(self) != 0) {
        set_reason(res, "could not connect to %s: %s", self->endpoint, zmq_strerror(errno));
        return X_FAILED;
    }
    const void *parts[2] = {"", req->data};
    size_t sizes[2] = {0, req->len};
    if (dw_zmq_send_parts(self->sock, parts, sizes, 2, ZMQ_DONTWAIT) != 0) {
        set_reason(res, "could not send to %s: %s", self->endpoint, zmq_strerror(errno));
        return fail(self);
    }
    int64_t deadline = dw_mono_ms() + self->timeout_ms;
    for (;;) {
        int64_t left = deadline - dw_mono_ms();
        if (left <= 0) {
            set_reason(res, "no answer from %s within %ld ms", self->endpoint, self->timeout_ms);
            return unanswered(self);
        }
        zmq_pollitem_t items[2] = {{.socket = self->sock, .events = ZMQ_POLLIN},
                                   {.fd = self->signal_fd, .events = ZMQ_POLLIN}};
        int n_items = self->signal_fd >= 0 ? 2 : 1;
        if (zmq_poll(items, n_items, (long)left) < 0) {
            if (errno == EINTR)
                continue;
            set_reason(res, "could not poll: %s", zmq_strerror(errno));
            return fail(self);
        }
        if (n_items == 2 && (items[1].revents & ZMQ_POLLIN)) {
            (void)fail(self);
            return X_SIGNAL;
        }
        if (!(items[0].revents & ZMQ_POLLIN))
            continue;
        dw_frames_t f;
        if (dw_frames_recv(self->sock, &f, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN || errno == EINTR)
                continue;
            set_reason(res, "could not receive from %s: %s", self->endpoint, zmq_strerror(errno));
            return fail(self);
        }
        if (f.n != 2 || f.too_many || dw_frame_size(&f, 0) != 0) {
            set_reason(res, "an answer of %zu frames, not [empty delimiter][answer]", f.n);
            dw_frames_close(&f);
            return fail(self);
        }
        dw_error_t err = {0};
        *ans = dw_msg_decode_bare("replay.answer", dw_frame_data(&f, 1), dw_frame_size(&f, 1), NULL, &err);
        dw_frames_close(&f);
        if (!*ans) {
            set_reason(res, "an answer that does not decode: %s: %s", dw_code_name(err.code), err.message);
            return fail(self);
        }
        return X_ANSWER;
    }
}

static size_t read_be(const unsigned char *p, size_t n)
{
    size_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* [topic, envelope] as the contract gives it: a 2-array, a str, then the map.
 * Counts are checked before every read. */
static int split_item(const unsigned char *p, size_t len, char *topic, const unsigned char **env, size_t *env_len)
{
    if (len < 2 || p[0] != 0x92)
        return -1;
    size_t off = 2, tl = 0, hl = 0;
    unsigned char b = p[1];
    if ((b & 0xe0) == 0xa0)
        tl = b & 0x1f;
    else if (b == 0xd9)
        hl = 1;
    else if (b == 0xda)
        hl = 2;
    else if (b == 0xdb)
        hl = 4;
    else
        return -1;
    if (hl) {
        if (len - off < hl)
            return -1;
        tl = read_be(p + off, hl);
    }
    off += hl;
    if (tl == 0 || tl >= TOPIC_MAX || tl > len - off || memchr(p + off, '\0', tl))
        return -1;
    memcpy(topic, p + off, tl);
    topic[tl] = '\0';
    *env = p + off + tl;
    *env_len = len - off - tl;
    return 0;
}

static int encode_request(const char *stream, int64_t since, const char *prefix, dw_buf_t *out, dw_error_t *err)
{
    dw_msg_t *q = dw_msg_new("replay.request", NULL, NULL, 0);
    if (!q)
        return dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    dw_obj_t *b = dw_msg_body(q);
    int rc = dw_obj_set_str(b, "stream", stream) | dw_obj_set_int(b, "since", since) |
             dw_obj_set_int(b, "limit", PAGE_LIMIT);
    if (prefix && prefix[0])
        rc |= dw_obj_set_str(b, "prefix", prefix);
    if (rc != DW_OK)
        dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    else
        rc = dw_msg_encode(q, out, err);
    dw_msg_destroy(&q);
    return rc;
}

/* The events of one answer, handed over in order. */
static dwctl_replay_status_t hand_over(dwctl_replay_t *self, const char *stream, const dw_obj_t *b, dwctl_replay_fn fn,
                                       void *arg, dwctl_replay_result_t *res)
{
    size_t n = dw_obj_count(b, "events");
    for (size_t i = 0; i < n; i++) {
        size_t len = 0, env_len = 0;
        const unsigned char *item = dw_obj_item_any(b, "events", i, &len), *env = NULL;
        char topic[TOPIC_MAX];
        if (!item || split_item(item, len, topic, &env, &env_len) != 0) {
            set_reason(res, "event %zu of the answer is not [topic, envelope]", i);
            return DWCTL_REPLAY_FAILED;
        }
        dw_error_t err = {0};
        dw_msg_t *m = dw_msg_decode(env, env_len, NULL, &err);
        if (!m) {
            /* One bad stored event does not hide the ones after it. */
            fprintf(self->warn, "warning: a replayed event on %s that does not decode: %s: %s\n", topic,
                    dw_code_name(err.code), err.message);
            continue;
        }
        int64_t seq = 0;
        const char *s = dw_msg_stream(m);
        if (!s || strcmp(s, stream) != 0 || !dw_msg_seq(m, &seq) || seq <= res->last) {
            set_reason(res, "the answer holds an event of stream %s seq %lld after seq %lld of %s", s ? s : "-",
                       (long long)seq, (long long)res->last, stream);
            dw_msg_destroy(&m);
            return DWCTL_REPLAY_FAILED;
        }
        int rc = fn(arg, topic, m);
        dw_msg_destroy(&m);
        res->last = seq;
        if (rc != 0)
            return rc > 0 ? DWCTL_REPLAY_STOPPED : DWCTL_REPLAY_NOMEM;
    }
    return DWCTL_REPLAY_OK;
}

/* One answer: refused, of another epoch, or its events handed over. *more
 * says whether to ask again. */
static dwctl_replay_status_t on_answer(dwctl_replay_t *self, const char *stream, const dw_msg_t *ans, int64_t *epoch,
                                       dwctl_replay_fn fn, void *arg, dwctl_replay_result_t *res, bool *more)
{
    const dw_obj_t *b = dw_msg_body_const(ans);
    bool ok = false;
    *more = false;
    (void)dw_obj_bool(b, "ok", &ok);
    if (!ok) {
        const dw_obj_t *e = dw_obj_map(b, "error");
        const char *code = e ? dw_obj_str(e, "code") : NULL;
        if (code && strcmp(code, "gone") == 0 && dw_obj_int(b, "oldest", &res->oldest))
            return DWCTL_REPLAY_GONE;
        set_reason(res, "refused: %s: %s", code ? code : "-",
                   e && dw_obj_str(e, "message") ? dw_obj_str(e, "message") : "-");
        return DWCTL_REPLAY_FAILED;
    }
    const char *s = dw_obj_str(b, "stream");
    if (!s || strcmp(s, stream) != 0 || !dw_obj_int(b, "head", &res->head)) {
        set_reason(res, "an answer without the stream %s and its head", stream);
        return DWCTL_REPLAY_FAILED;
    }
    int64_t e;
    if (dw_obj_int(b, "epoch", &e)) {
        res->epoch = e;
        if (*epoch && e != *epoch)
            return DWCTL_REPLAY_EPOCH;
        *epoch = e;
    }
    int64_t before = res->last;
    dwctl_replay_status_t st = hand_over(self, stream, b, fn, arg, res);
    if (st != DWCTL_REPLAY_OK)
        return st;
    (void)dw_obj_bool(b, "more", more);
    if (*more && res->last == before) {
        set_reason(res, "the answer says more but holds nothing after seq %lld", (long long)before);
        return DWCTL_REPLAY_FAILED;
    }
    return DWCTL_REPLAY_OK;
}

dwctl_replay_status_t dwctl_replay_run(dwctl_replay_t *self, const char *stream, int64_t since, const char *prefix,
                                       int64_t expected_epoch, dwctl_replay_fn fn, void *arg,
                                       dwctl_replay_result_t *res)
{
    *res = (dwctl_replay_result_t){.last = since};
    int64_t epoch = expected_epoch;
    dw_buf_t req = DW_BUF_INIT;
    for (;;) {
        dw_error_t err = {0};
        dw_buf_reset(&req);
        if (encode_request(stream, res->last, prefix, &req, &err) != DW_OK) {
            set_reason(res, "could not build the request: %s: %s", dw_code_name(err.code), err.message);
            dw_buf_free(&req);
            return DWCTL_REPLAY_FAILED;
        }
        dw_msg_t *ans = NULL;
        exchange_t x = exchange(self, &req, &ans, res);
        if (x != X_ANSWER) {
            dw_buf_free(&req);
            return x == X_SIGNAL ? DWCTL_REPLAY_STOPPED : DWCTL_REPLAY_FAILED;
        }
        bool more = false;
        dwctl_replay_status_t st = on_answer(self, stream, ans, &epoch, fn, arg, res, &more);
        dw_msg_destroy(&ans);
        if (st != DWCTL_REPLAY_OK || !more) {
            dw_buf_free(&req);
            return st;
        }
    }
}
