#include "notify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_zmq.h"

/* The published streams (a topic's first segment). */
static const char *const streams[] = {"alert", "task", "notice", "treasury", "reject"};
#define N_STREAMS (sizeof streams / sizeof *streams)

#define REPLAY_MAX_EVENTS 1000
#define REPLAY_MAX_BYTES  (512 * 1024) /* one answer stays well inside the contract's size limit */

struct dw_notify {
    const dw_config_t *cfg;
    dw_pg_t *pg;
    void *pub;
    void *replay;
    int64_t epoch;
    int64_t head[N_STREAMS]; /* last seq committed per stream */
    int64_t next[N_STREAMS]; /* next seq within the open batch */
    dw_buf_t to_publish;     /* [len8 topic][len8 envelope]... of the open batch */
    bool reload;
    int64_t heartbeats; /* sent since start: the heartbeat stream's seq (not kept, not replayable) */
};

static int stream_index(const char *name)
{
    for (size_t k = 0; k < N_STREAMS; k++)
        if (strcmp(streams[k], name) == 0)
            return (int)k;
    return -1;
}

static int load_heads(dw_notify_t *self)
{
    PGresult *res = dw_pg_query(self->pg, "notify", "SELECT stream, max(seq) FROM outbox GROUP BY stream", 0, NULL);
    if (!res)
        return -1;
    memset(self->head, 0, sizeof self->head);
    for (int r = 0; r < PQntuples(res); r++) {
        int k = stream_index(PQgetvalue(res, r, 0));
        if (k >= 0)
            self->head[k] = dw_pg_int(res, r, 1);
    }
    PQclear(res);
    memcpy(self->next, self->head, sizeof self->next);
    if (dw_pg_query_int(self->pg, "notify",
                        "SELECT coalesce((SELECT epoch FROM outbox_epoch ORDER BY created_at DESC LIMIT 1), 0)", 0,
                        NULL, &self->epoch) != 0)
        return -1;
    self->reload = false;
    return 0;
}

dw_notify_t *dw_notify_new(void *zmq_ctx, const dw_config_t *cfg, dw_pg_t *pg)
{
    dw_notify_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->pg = pg;
    dw_zmq_opts_t po = {.linger_ms = 1000, .sndhwm = cfg->notify.pub_hwm};
    self->pub = dw_zmq_socket(zmq_ctx, ZMQ_PUB, cfg->notify.pub_endpoint, true, &po);
    /* Replay requests come from outside: bounded like the intake socket. */
    dw_zmq_opts_t ro = {.linger_ms = 1000, .maxmsgsize = cfg->intake.socket_maxmsgsize, .router_mandatory = true};
    self->replay = dw_zmq_socket(zmq_ctx, ZMQ_ROUTER, cfg->notify.replay_endpoint, true, &ro);
    if (!self->pub || !self->replay || load_heads(self) != 0) {
        dw_notify_destroy(&self);
        return NULL;
    }
    return self;
}

void dw_notify_destroy(dw_notify_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_notify_t *self = *self_p;
    dw_zmq_close(&self->pub);
    dw_zmq_close(&self->replay);
    dw_buf_free(&self->to_publish);
    free(self);
    *self_p = NULL;
}

void *dw_notify_replay_socket(dw_notify_t *self)
{
    return self->replay;
}

/* The topic of an event (every topic ends with a dot), or -1 for events that
 * are not published (facts). */
static int topic_of(const dw_msg_t *m, char *topic, size_t n)
{
    const dw_obj_t *b = dw_msg_body_const(m);
    const char *type = dw_msg_type(m);
    int w;
    if (strcmp(type, "alert.event") == 0)
        w = snprintf(topic, n, "alert.%s.%s.%s.", dw_obj_str(b, "level"), dw_obj_str(b, "category"),
                     dw_obj_str(b, "dept_code"));
    else if (strcmp(type, "task.event") == 0)
        w = snprintf(topic, n, "task.%s.", dw_obj_str(b, "section_code"));
    else if (strcmp(type, "notice") == 0)
        w = snprintf(topic, n, "notice.%s.", dw_obj_str(b, "recipient"));
    else if (strcmp(type, "treasury.instruction") == 0)
        w = snprintf(topic, n, "treasury.%s.%s.", dw_obj_str(b, "action"), dw_obj_str(b, "project_code"));
    else if (strcmp(type, "reject.notice") == 0)
        w = snprintf(topic, n, "reject.%s.", dw_obj_str(b, "src"));
    else
        return -1;
    return w > 0 && (size_t)w < n ? 0 : -1;
}

/* The event types topic_of publishes; facts (every payment) pass by. */
static bool notify_wants(void *ctx, const char *type)
{
    (void)ctx;
    static const char *const published[] = {"alert.event", "task.event", "notice", "treasury.instruction",
                                            "reject.notice"};
    for (size_t k = 0; k < sizeof published / sizeof *published; k++)
        if (strcmp(type, published[k]) == 0)
            return true;
    return false;
}

static int notify_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    (void)stage;
    dw_notify_t *self = ctx;
    if (self->reload && load_heads(self) != 0)
        return -1;
    dw_buf_t rows = DW_BUF_INIT, env = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = 0;
    dw_buf_reset(&self->to_publish);
    for (size_t i = 0; i < n && rc == 0; i++) {
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        char topic[256];
        if (!m) {
            dw_log_error(ev[i].key, "%s seq %" PRId64 " does not decode: %s", ev[i].upstream, ev[i].seq, err.message);
            continue;
        }
        if (topic_of(m, topic, sizeof topic) != 0) {
            dw_msg_destroy(&m);
            continue;
        }
        char stream[16];
        snprintf(stream, sizeof stream, "%.*s", (int)strcspn(topic, "."), topic);
        int k = stream_index(stream);
        int64_t seq = k >= 0 ? ++self->next[k] : 0;
        dw_buf_reset(&env);
        unsigned char len[8];
        if (k < 0 || dw_msg_set_published(m, stream, seq) != DW_OK || dw_msg_encode(m, &env, &err) != DW_OK ||
            dw_copy_text(&rows, stream) || dw_copy_int(&rows, seq) || dw_copy_text(&rows, topic) ||
            dw_copy_bytea(&rows, env.data, env.len) || dw_copy_text(&rows, ev[i].upstream) ||
            dw_copy_int(&rows, ev[i].seq) || dw_copy_end_row(&rows))
            rc = -1;
        dw_put_be64(len, (int64_t)strlen(topic));
        rc =
            rc ? rc : dw_buf_append(&self->to_publish, len, 8) | dw_buf_append(&self->to_publish, topic, strlen(topic));
        dw_put_be64(len, (int64_t)env.len);
        rc = rc ? rc : dw_buf_append(&self->to_publish, len, 8) | dw_buf_append(&self->to_publish, env.data, env.len);
        n_rows++;
        dw_msg_destroy(&m);
    }
    if (rc == 0 && n_rows &&
        dw_pg_copy(pg, "notify", "COPY outbox (stream, seq, topic, envelope, source_stage, source_seq) FROM STDIN",
                   &rows) != n_rows)
        rc = -1;
    dw_buf_free(&rows);
    dw_buf_free(&env);
    return rc;
}

/* After the commit, and only then, the events go out. */
static void notify_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_notify_t *self = ctx;
    if (!committed) {
        self->reload = true;
        dw_buf_reset(&self->to_publish);
        return;
    }
    memcpy(self->head, self->next, sizeof self->head);
    const unsigned char *p = (const unsigned char *)self->to_publish.data, *end = p + self->to_publish.len;
    while (p && p < end) {
        size_t tl = (size_t)dw_get_be64(p);
        const void *topic = p + 8;
        p += 8 + tl;
        size_t el = (size_t)dw_get_be64(p);
        const void *env = p + 8;
        p += 8 + el;
        const void *parts[2] = {topic, env};
        size_t sizes[2] = {tl, el};
        /* At the high-water mark PUB drops: the subscriber sees the gap in the
         * sequence and replays it from the outbox. */
        if (dw_zmq_send_parts(self->pub, parts, sizes, 2, ZMQ_DONTWAIT) != 0)
            dw_log_warn("feed", "publish dropped: %s", zmq_strerror(errno));
    }
    dw_buf_reset(&self->to_publish);
}

static void heartbeat(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    (void)stage;
    (void)pg;
    dw_notify_t *self = ctx;
    char id[48];
    int64_t now = dw_now_ms();
    snprintf(id, sizeof id, "hb-%" PRId64, now);
    dw_msg_t *m = dw_msg_new("heartbeat", id, "notify", now);
    if (!m)
        return;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "epoch", self->epoch) | dw_msg_set_published(m, "heartbeat", ++self->heartbeats);
    for (size_t k = 0; k < N_STREAMS && rc == 0; k++) {
        dw_obj_t *h = dw_obj_push_map(b, "heads");
        rc = h ? (int)(dw_obj_set_str(h, "stream", streams[k]) | dw_obj_set_int(h, "head", self->head[k])) : -1;
    }
    dw_buf_t env = DW_BUF_INIT;
    dw_error_t err;
    if (rc == 0 && dw_msg_encode(m, &env, &err) == DW_OK) {
        const void *parts[2] = {"heartbeat.", env.data};
        size_t sizes[2] = {strlen("heartbeat."), env.len};
        if (dw_zmq_send_parts(self->pub, parts, sizes, 2, ZMQ_DONTWAIT) != 0)
            dw_log_debug("feed", "heartbeat dropped: %s", zmq_strerror(errno));
    }
    dw_buf_free(&env);
    dw_msg_destroy(&m);
}

/* ---- replay ---- */

static int answer(dw_notify_t *self, dw_frames_t *req, dw_msg_t *ans)
{
    dw_buf_t out = DW_BUF_INIT;
    dw_error_t err;
    int rc = -1;
    if (dw_msg_encode(ans, &out, &err) == DW_OK) {
        const void *parts[3] = {dw_frame_data(req, 0), "", out.data};
        size_t sizes[3] = {dw_frame_size(req, 0), 0, out.len};
        rc = dw_zmq_send_parts(self->replay, parts, sizes, 3, ZMQ_DONTWAIT);
    } else {
        dw_log_error("replay", "could not encode the answer: %s", err.message);
    }
    dw_buf_free(&out);
    return rc;
}

static void answer_error(dw_notify_t *self, dw_frames_t *req, const char *stream, dw_code_t code, const char *field,
                         const char *message, int64_t oldest)
{
    dw_msg_t *ans = dw_msg_new("replay.answer", NULL, NULL, 0);
    if (!ans)
        return;
    dw_obj_t *b = dw_msg_body(ans);
    dw_obj_t *e = NULL;
    int rc = dw_obj_set_bool(b, "ok", false);
    if (stream)
        rc |= dw_obj_set_str(b, "stream", stream);
    if (oldest > 0)
        rc |= dw_obj_set_int(b, "oldest", oldest);
    if (rc == 0 && (e = dw_obj_set_map(b, "error")) != NULL) {
        rc |= dw_obj_set_str(e, "code", dw_code_name(code)) | dw_obj_set_str(e, "message", message);
        if (field && field[0])
            rc |= dw_obj_set_str(e, "field", field);
    }
    if (rc == 0 && e)
        (void)answer(self, req, ans);
    dw_msg_destroy(&ans);
}

static void replay(dw_notify_t *self, dw_frames_t *req, const dw_obj_t *q)
{
    const char *stream = dw_obj_str(q, "stream");
    const char *prefix = dw_obj_str(q, "prefix");
    int64_t since = 0, limit = 100;
    (void)dw_obj_int(q, "since", &since);
    (void)dw_obj_int(q, "limit", &limit);
    int k = stream_index(stream);
    if (k < 0) {
        answer_error(self, req, NULL, DW_E_BAD_ENUM, "stream", "no such stream (alert, task, notice, treasury, reject)",
                     0);
        return;
    }
    char s_since[24], s_limit[24];
    snprintf(s_since, sizeof s_since, "%" PRId64, since);
    snprintf(s_limit, sizeof s_limit, "%" PRId64, limit + 1);
    const char *p1[1] = {stream};
    int64_t oldest = 0;
    if (dw_pg_query_int(self->pg, "replay", "SELECT coalesce(min(seq), 0) FROM outbox WHERE stream = $1", 1, p1,
                        &oldest) != 0) {
        answer_error(self, req, stream, DW_E_INTERNAL, "", "could not read the outbox; try again", 0);
        return;
    }
    if (oldest > 1 && since < oldest - 1) {
        answer_error(self, req, stream, DW_E_GONE, "since", "events before the oldest kept are gone: start from oldest",
                     oldest);
        return;
    }
    const char *p2[4] = {stream, s_since, prefix ? prefix : "", s_limit};
    PGresult *res = dw_pg_query(self->pg, "replay",
                                "SELECT topic, envelope FROM outbox WHERE stream = $1 AND seq > $2 "
                                "AND ($3 = '' OR starts_with(topic, $3)) ORDER BY seq LIMIT $4",
                                4, p2);
    if (!res) {
        answer_error(self, req, stream, DW_E_INTERNAL, "", "could not read the outbox; try again", 0);
        return;
    }
    dw_msg_t *ans = dw_msg_new("replay.answer", NULL, NULL, 0);
    dw_obj_t *b = ans ? dw_msg_body(ans) : NULL;
    int rc = b ? (int)(dw_obj_set_bool(b, "ok", true) | dw_obj_set_str(b, "stream", stream) |
                       dw_obj_set_int(b, "epoch", self->epoch) | dw_obj_set_int(b, "head", self->head[k]))
               : -1;
    int rows = PQntuples(res);
    bool more = rows > limit;
    size_t bytes = 0;
    dw_buf_t item = DW_BUF_INIT, env = DW_BUF_INIT;
    for (int r = 0; r < rows && r < limit && rc == 0; r++) {
        const char *topic = PQgetvalue(res, r, 0);
        dw_buf_reset(&env);
        dw_buf_reset(&item);
        if (dw_pg_bytea_decode(PQgetvalue(res, r, 1), (size_t)PQgetlength(res, r, 1), &env) != 0) {
            rc = -1;
            break;
        }
        if (bytes + env.len > REPLAY_MAX_BYTES && r > 0) {
            more = true;
            break;
        }
        /* [topic, envelope]: a 2-array, the topic as a canonical str (fixstr
         * below 32 bytes, else str8), the envelope map as stored. */
        size_t tl = strlen(topic);
        unsigned char head[3] = {0x92, (unsigned char)(0xa0 | tl), 0};
        size_t hl = 2;
        if (tl >= 32) {
            head[1] = 0xd9;
            head[2] = (unsigned char)tl;
            hl = 3;
        }
        rc = tl < 256 ? dw_buf_append(&item, head, hl) | dw_buf_append(&item, topic, tl) |
                            dw_buf_append(&item, env.data, env.len)
                      : -1;
        rc = rc ? rc : (int)dw_obj_push_any(b, "events", item.data, item.len);
        bytes += item.len;
    }
    rc = rc ? rc : (int)dw_obj_set_bool(b, "more", more);
    PQclear(res);
    dw_buf_free(&item);
    dw_buf_free(&env);
    if (rc == 0)
        (void)answer(self, req, ans);
    else
        answer_error(self, req, stream, DW_E_INTERNAL, "", "could not build the answer", 0);
    dw_msg_destroy(&ans);
}

void dw_notify_on_replay(void *ctx, dw_stage_t *stage, void *sock)
{
    (void)stage;
    dw_notify_t *self = ctx;
    dw_frames_t req;
    while (dw_frames_recv(sock, &req, ZMQ_DONTWAIT) == 0) {
        if (req.n != 3 || dw_frame_size(&req, 1) != 0) {
            if (req.n >= 1)
                answer_error(self, &req, NULL, DW_E_BAD_FRAME, "", "expected frames [empty delimiter][request]", 0);
            dw_frames_close(&req);
            continue;
        }
        dw_error_t err;
        dw_msg_t *q = dw_msg_decode_bare("replay.request", dw_frame_data(&req, 2), dw_frame_size(&req, 2), NULL, &err);
        if (!q)
            answer_error(self, &req, NULL, err.code, err.field, err.message, 0);
        else
            replay(self, &req, dw_msg_body_const(q));
        dw_msg_destroy(&q);
        dw_frames_close(&req);
    }
}

const dw_stage_handler_t *dw_notify_handler(void)
{
    static const dw_stage_handler_t handler = {
        .batch = notify_batch, .after = notify_after, .wants = notify_wants, .tick = heartbeat, .tick_ms = 1000};
    return &handler;
}
