#include "intake.h"

#include <errno.h>
#include <inttypes.h>
#include <msgpack.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_scan.h"
#include "dw_zmq.h"
#include "intake_peers.h"

#define PEER_MAX 256
/* Of a message refused for its size, rejects keeps this much (and the size). */
#define REJECT_KEEP_BYTES 65536
/* A batch is committed once its messages hold this many bytes, whatever its count. */
#define BATCH_BYTES_MAX (16 * 1024 * 1024)
/* Undelivered acks and busy answers: one log line per producer per this many ms. */
#define PEER_REPORT_MS 1000
/* Producers named in one such report; any more are summed up in one line. */
#define PEER_REPORT_MAX 256
/* The live events to dw-validate are a fast path: when it falls behind, it
 * reads the inbox and ignores live events until it has caught up, so a deep
 * queue only costs memory. At most this many wait in the PUB's queue, and a
 * message larger than EVENT_INLINE_MAX is not sent live at all (the gap makes
 * dw-validate read it from the inbox): the queue holds at most
 * EVENTS_HWM * EVENT_INLINE_MAX bytes (31 MiB), ~1 MiB of payments. */
#define EVENTS_HWM       2000
#define EVENT_INLINE_MAX (16 * 1024)

/* One received message waiting for its batch to commit. */
typedef struct pending {
    unsigned char peer[PEER_MAX];
    size_t peer_len;
    char src[64], id[96], type[64];
    int64_t producer_ts;
    size_t raw_off, raw_len; /* into the arena: the message, or the kept prefix of an oversized one */
    size_t raw_size;         /* as received */
    bool has_stored;         /* a conflict with the inbox: its stored bytes are in the arena too */
    size_t stored_off, stored_len;
    dw_error_t err; /* code != DW_OK: refused */
    int64_t seq;    /* inbox seq once stored (or of the earlier copy for a dup) */
    bool dup;
    bool store;     /* a new row for the inbox */
    size_t same_as; /* 1 + index of an earlier message of this batch with the same src+id, or 0 */
} pending_t;

struct dw_intake {
    const dw_config_t *cfg;
    dw_pg_t *pg;
    void *router;
    void *events; /* PUB to dw-validate */
    pending_t *pend;
    size_t n_pend;
    size_t cap;
    dw_buf_t arena;
    int64_t next_seq;
    int64_t batch_deadline;
    int64_t last_flush; /* monotonic ms the last batch began to be written */
    dw_buf_t scratch;
    dw_intake_peers_t *peers; /* in-flight credit, and what could not be answered */
    size_t n_busy;            /* answered busy since the last flush */
};

static int load_next_seq(dw_intake_t *self)
{
    return dw_pg_query_int(self->pg, "intake", "SELECT coalesce(max(seq), 0) + 1 FROM inbox", 0, NULL, &self->next_seq);
}

dw_intake_t *dw_intake_new(void *zmq_ctx, dw_pg_t *pg, const dw_config_t *cfg)
{
    dw_intake_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->pg = pg;
    self->cap = (size_t)cfg->intake.batch_max;
    self->pend = calloc(self->cap, sizeof *self->pend);
    self->peers = dw_intake_peers_new(cfg->intake.inflight_max, PEER_REPORT_MS, PEER_REPORT_MAX);
    if (!self->pend || !self->peers)
        goto fail;
    /* The producer-facing socket: MAXMSGSIZE well above the contract limit so
     * every breach below it is answered; ROUTER_MANDATORY so an ack for a gone
     * producer fails visibly instead of vanishing. A producer's queue of acks
     * holds its credit's acks twice over plus the busy answers that a burst
     * beyond the credit may get in one read of the socket (at most 2 *
     * batch_max): a producer that reads its acks loses none, while one that
     * does not costs at most this many small acks (~300 KiB by default). */
    dw_zmq_opts_t ro = {.linger_ms = 1000,
                        .maxmsgsize = cfg->intake.socket_maxmsgsize,
                        .sndhwm = cfg->intake.inflight_max * 2 + cfg->intake.batch_max * 2,
                        .rcvhwm = cfg->intake.inflight_max * 2,
                        .router_mandatory = true};
    self->router = dw_zmq_socket(zmq_ctx, ZMQ_ROUTER, cfg->intake.endpoint, true, &ro);
    dw_zmq_opts_t po = {.linger_ms = 1000, .sndhwm = EVENTS_HWM};
    self->events = dw_zmq_socket(zmq_ctx, ZMQ_PUB, cfg->pipeline.intake_events, true, &po);
    if (!self->router || !self->events || load_next_seq(self) != 0)
        goto fail;
    return self;
fail:
    dw_intake_destroy(&self);
    return NULL;
}

void dw_intake_destroy(dw_intake_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_intake_t *self = *self_p;
    dw_zmq_close(&self->router);
    dw_zmq_close(&self->events);
    free(self->pend);
    dw_intake_peers_destroy(&self->peers);
    dw_buf_free(&self->arena);
    dw_buf_free(&self->scratch);
    free(self);
    *self_p = NULL;
}

/* For a message refused before its envelope could be read, the id (and src)
 * if the bytes are sound enough to show them: a DEALER producer with many
 * messages in flight matches acks by id. */
static void peek_envelope(const void *data, size_t size, pending_t *p)
{
    if (dw_scan(data, size, &dw_schema_limits, NULL) != DW_OK)
        return;
    msgpack_unpacked up;
    msgpack_unpacked_init(&up);
    if (msgpack_unpack_next(&up, data, size, NULL) == MSGPACK_UNPACK_SUCCESS && up.data.type == MSGPACK_OBJECT_MAP) {
        for (uint32_t i = 0; i < up.data.via.map.size; i++) {
            msgpack_object k = up.data.via.map.ptr[i].key, v = up.data.via.map.ptr[i].val;
            if (k.type != MSGPACK_OBJECT_STR || v.type != MSGPACK_OBJECT_STR)
                continue;
            char *dst = NULL;
            size_t cap = 0;
            if (k.via.str.size == 2 && memcmp(k.via.str.ptr, "id", 2) == 0)
                dst = p->id, cap = sizeof p->id;
            else if (k.via.str.size == 3 && memcmp(k.via.str.ptr, "src", 3) == 0)
                dst = p->src, cap = sizeof p->src;
            if (dst && v.via.str.size < cap) {
                memcpy(dst, v.via.str.ptr, v.via.str.size);
                dst[v.via.str.size] = '\0';
            }
        }
    }
    msgpack_unpacked_destroy(&up);
}

static int send_ack(dw_intake_t *self, const pending_t *p)
{
    dw_msg_t *ack = dw_msg_new("ack", NULL, NULL, 0);
    if (!ack)
        return -1;
    dw_obj_t *b = dw_msg_body(ack);
    bool ok = p->err.code == DW_OK;
    int rc = dw_obj_set_bool(b, "ok", ok);
    if (p->id[0])
        rc |= dw_obj_set_str(b, "id", p->id);
    if (ok) {
        rc |= dw_obj_set_int(b, "seq", p->seq);
        rc |= dw_obj_set_bool(b, "dup", p->dup);
    } else {
        dw_obj_t *e = dw_obj_set_map(b, "error");
        if (!e)
            rc = -1;
        else {
            rc |= dw_obj_set_str(e, "code", dw_code_name(p->err.code));
            rc |= dw_obj_set_str(e, "message", p->err.message[0] ? p->err.message : dw_code_name(p->err.code));
            if (p->err.field[0])
                rc |= dw_obj_set_str(e, "field", p->err.field);
        }
    }
    dw_buf_reset(&self->scratch);
    dw_error_t err;
    if (rc != 0 || dw_msg_encode(ack, &self->scratch, &err) != DW_OK) {
        dw_log_error(p->id, "could not encode ack");
        dw_msg_destroy(&ack);
        return -1;
    }
    dw_msg_destroy(&ack);
    const void *parts[3] = {p->peer, "", self->scratch.data};
    size_t sizes[3] = {p->peer_len, 0, self->scratch.len};
    if (dw_zmq_send_parts(self->router, parts, sizes, 3, ZMQ_DONTWAIT) != 0) {
        /* EAGAIN: the producer does not read its acks and its queue is at the
         * high-water mark; EHOSTUNREACH: it is gone. Never wait for it (its
         * queue is what bounds our memory): the ack is dropped, the message
         * is stored all the same, and a resend is answered dup. Counted and
         * reported once a second, since a producer that stopped reading
         * would otherwise write a log line per message. */
        dw_peer_event_t ev = errno == EAGAIN ? DW_PEER_ACK_DROPPED : DW_PEER_ACK_NO_ROUTE;
        if (errno != EAGAIN && errno != EHOSTUNREACH)
            dw_log_warn(p->id, "ack not delivered: %s", zmq_strerror(errno));
        dw_intake_peers_note(self->peers, p->peer, p->peer_len, ev, p->id, dw_mono_ms());
        return -1;
    }
    return 0;
}

/* The frame that holds the message, for its id when the frames are not
 * right: the one after the delimiter, else the first non-empty one. */
static size_t message_frame(dw_frames_t *f)
{
    if (f->n >= 3 && dw_frame_size(f, 1) == 0)
        return 2;
    for (size_t i = 1; i < f->n; i++)
        if (dw_frame_size(f, i) > 0)
            return i;
    return 0;
}

/* A message over its producer's credit (or one that could not be counted) is
 * answered at once and forgotten: neither stored nor kept in rejects, since
 * it is flow control, not bad input; the producer sends the same bytes again
 * once acks have come back. */
static void answer_now(dw_intake_t *self, dw_frames_t *f, pending_t *p, dw_credit_t credit)
{
    size_t i = message_frame(f);
    if (i > 0)
        peek_envelope(dw_frame_data(f, i), dw_frame_size(f, i), p);
    if (credit == DW_CREDIT_EXHAUSTED) {
        dw_error_set(&p->err, DW_E_BUSY, "", "more than %d messages in flight; wait for acks",
                     self->cfg->intake.inflight_max);
        self->n_busy++;
        dw_intake_peers_note(self->peers, p->peer, p->peer_len, DW_PEER_BUSY, p->id, dw_mono_ms());
    } else {
        dw_error_set(&p->err, DW_E_INTERNAL, "", "could not count the producer's messages in flight; send again");
        dw_log_error(p->id[0] ? p->id : NULL, "could not count a producer's messages in flight: out of memory");
    }
    (void)send_ack(self, p);
}

/* Receives one message from the ROUTER into the batch (or answers it busy). */
static int receive_one(dw_intake_t *self)
{
    dw_frames_t f;
    if (dw_frames_recv(self->router, &f, ZMQ_DONTWAIT) != 0)
        return -1;
    pending_t *p = &self->pend[self->n_pend];
    memset(p, 0, sizeof *p);
    size_t peer_len = dw_frame_size(&f, 0);
    if (f.n < 1 || peer_len > PEER_MAX) {
        dw_frames_close(&f);
        return 0;
    }
    memcpy(p->peer, dw_frame_data(&f, 0), peer_len);
    p->peer_len = peer_len;
    /* The credit is checked before anything else: a message beyond it costs
     * no decoding, no batch slot and no row. */
    dw_credit_t credit = dw_intake_peers_take(self->peers, p->peer, p->peer_len);
    if (credit != DW_CREDIT_TAKEN) {
        answer_now(self, &f, p, credit);
        dw_frames_close(&f);
        return 0;
    }
    /* REQ and DEALER-with-delimiter both arrive as [peer][empty][message]. */
    if (f.too_many || f.n != 3 || dw_frame_size(&f, 1) != 0) {
        dw_error_set(&p->err, DW_E_BAD_FRAME, "", "expected frames [empty delimiter][message], got %zu frame(s)%s",
                     f.n > 0 ? f.n - 1 : 0, f.too_many ? " and more" : "");
        p->raw_off = self->arena.len;
        p->raw_len = 0;
        /* The id, if the message frame shows it, so a DEALER can match the answer. */
        size_t i = message_frame(&f);
        if (i > 0)
            peek_envelope(dw_frame_data(&f, i), dw_frame_size(&f, i), p);
    } else {
        const void *data = dw_frame_data(&f, 2);
        size_t size = dw_frame_size(&f, 2);
        p->raw_off = self->arena.len;
        p->raw_size = size;
        /* What is stored is at most the contract's size (anything larger is
         * refused), so an oversized frame keeps only its head for rejects. */
        p->raw_len = size > dw_schema_limits.max_size ? REJECT_KEEP_BYTES : size;
        if (dw_buf_append(&self->arena, data, p->raw_len) != 0) {
            dw_frames_close(&f);
            return -1;
        }
        dw_msg_t *m = dw_msg_decode(data, size, NULL, &p->err);
        if (m && dw_msg_typedef(m)->direction != DW_DIR_IN) {
            dw_error_set(&p->err, DW_E_UNKNOWN_TYPE, "type", "type %s is not one a producer may send", dw_msg_type(m));
        } else if (m) {
            snprintf(p->src, sizeof p->src, "%s", dw_msg_src(m));
            snprintf(p->id, sizeof p->id, "%s", dw_msg_id(m));
            snprintf(p->type, sizeof p->type, "%s", dw_msg_type(m));
            p->producer_ts = dw_msg_ts(m);
            p->err.code = DW_OK;
        }
        if (p->err.code != DW_OK && !p->id[0])
            peek_envelope(data, size, p);
        dw_msg_destroy(&m);
    }
    dw_frames_close(&f);
    if (self->n_pend == 0) {
        /* batches begin at most batch_wait_ms apart: under a stream they grow
         * (fewer commits, each waiting on a WAL flush); a message after a quiet
         * spell goes at once */
        int64_t now = dw_mono_ms(), next = self->last_flush + self->cfg->intake.batch_wait_ms;
        self->batch_deadline = next > now ? next : now;
    }
    self->n_pend++;
    return 0;
}

static int cmp_key(const void *a, const void *b, void *arg)
{
    const pending_t *pend = arg;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(pend[i].src, pend[j].src);
    if (!c)
        c = strcmp(pend[i].id, pend[j].id);
    if (!c)
        c = (i > j) - (i < j); /* arrival order within equal keys */
    return c;
}

static const char *raw_of(const dw_intake_t *self, const pending_t *p)
{
    return self->arena.data + p->raw_off;
}

static bool same_bytes(const dw_intake_t *self, const pending_t *a, const pending_t *b)
{
    return a->raw_len == b->raw_len && memcmp(raw_of(self, a), raw_of(self, b), a->raw_len) == 0;
}

static void refuse_conflict(pending_t *p)
{
    dw_error_set(&p->err, DW_E_CONFLICT, "id", "src %s id %s was already received with different content", p->src,
                 p->id);
    p->store = false;
}

/* Repeats inside the batch point at their first occurrence; the firsts (in
 * key order) are returned for the lookup of what the inbox already holds. */
static size_t *firsts_of_batch(dw_intake_t *self, size_t *n_firsts)
{
    size_t *order = malloc((self->n_pend + 1) * sizeof *order);
    if (!order)
        return NULL;
    size_t n = 0;
    for (size_t i = 0; i < self->n_pend; i++)
        if (self->pend[i].err.code == DW_OK) {
            self->pend[i].store = true;
            order[n++] = i;
        }
    qsort_r(order, n, sizeof *order, cmp_key, self->pend);
    size_t kept = 0;
    for (size_t k = 0; k < n; k++) {
        pending_t *p = &self->pend[order[k]];
        if (kept > 0) {
            size_t first = order[kept - 1];
            pending_t *f = &self->pend[first];
            if (strcmp(f->src, p->src) == 0 && strcmp(f->id, p->id) == 0) {
                p->store = false;
                p->same_as = first + 1;
                continue;
            }
        }
        order[kept++] = order[k];
    }
    *n_firsts = kept;
    return order;
}

/* What the inbox already holds for this batch's keys: one statement. */
static int match_stored(dw_intake_t *self, const size_t *firsts, size_t n)
{
    if (n == 0)
        return 0;
    const char **srcs = malloc(n * sizeof *srcs), **ids = malloc(n * sizeof *ids);
    dw_buf_t a1 = DW_BUF_INIT, a2 = DW_BUF_INIT;
    int rc = -1;
    if (!srcs || !ids)
        goto out;
    for (size_t k = 0; k < n; k++) {
        srcs[k] = self->pend[firsts[k]].src;
        ids[k] = self->pend[firsts[k]].id;
    }
    if (dw_pg_text_array(&a1, srcs, n) || dw_pg_text_array(&a2, ids, n))
        goto out;
    const char *params[2] = {a1.data, a2.data};
    PGresult *res = dw_pg_query(self->pg, "intake",
                                "SELECT i.src, i.id, i.seq, i.raw FROM inbox i "
                                "JOIN unnest($1::text[], $2::text[]) AS b(src, id) ON i.src = b.src AND i.id = b.id",
                                2, params);
    if (!res)
        goto out;
    for (int r = 0; r < PQntuples(res); r++) {
        const char *src = PQgetvalue(res, r, 0), *id = PQgetvalue(res, r, 1);
        for (size_t k = 0; k < n; k++) {
            pending_t *p = &self->pend[firsts[k]];
            if (strcmp(p->src, src) != 0 || strcmp(p->id, id) != 0)
                continue;
            p->store = false;
            p->seq = dw_pg_int(res, r, 2);
            if (dw_pg_bytea_equals(PQgetvalue(res, r, 3), (size_t)PQgetlength(res, r, 3), raw_of(self, p),
                                   p->raw_len)) {
                p->dup = true;
                break;
            }
            refuse_conflict(p);
            /* Kept so that a later copy of this batch with the stored bytes is a duplicate, not a conflict. */
            p->stored_off = self->arena.len;
            if (dw_pg_bytea_decode(PQgetvalue(res, r, 3), (size_t)PQgetlength(res, r, 3), &self->arena) != 0)
                goto out_res;
            p->stored_len = self->arena.len - p->stored_off;
            p->has_stored = true;
            break;
        }
    }
    rc = 0;
out_res:
    PQclear(res);
out:
    free(srcs);
    free(ids);
    dw_buf_free(&a1);
    dw_buf_free(&a2);
    return rc;
}

/* The batch's inbox rows and rejects, as one statement that commits on its
 * own: a single round trip (COPY inside BEGIN/COMMIT takes four, and each
 * waits for the scheduler on a busy machine — that wait is the ack's tail). */
enum {
    IN_SEQ,
    IN_SRC,
    IN_ID,
    IN_TYPE,
    IN_TS,
    IN_RAW,
    RJ_SRC,
    RJ_ID,
    RJ_TYPE,
    RJ_CODE,
    RJ_FIELD,
    RJ_MSG,
    RJ_RAW,
    RJ_SIZE,
    N_COLUMNS
};

static int write_rows(dw_intake_t *self)
{
    dw_pg_array_t col[N_COLUMNS];
    for (int c = 0; c < N_COLUMNS; c++)
        col[c] = (dw_pg_array_t)DW_PG_ARRAY_INIT;
    size_t n_rows = 0;
    int rc = -1;
    for (size_t i = 0; i < self->n_pend; i++) {
        pending_t *p = &self->pend[i];
        if (p->store) {
            if (dw_pg_array_int(&col[IN_SEQ], p->seq) || dw_pg_array_text(&col[IN_SRC], p->src) ||
                dw_pg_array_text(&col[IN_ID], p->id) || dw_pg_array_text(&col[IN_TYPE], p->type) ||
                dw_pg_array_int(&col[IN_TS], p->producer_ts) ||
                dw_pg_array_bytea(&col[IN_RAW], raw_of(self, p), p->raw_len))
                goto out;
            n_rows++;
        } else if (p->err.code != DW_OK) {
            if (dw_pg_array_text(&col[RJ_SRC], p->src[0] ? p->src : NULL) ||
                dw_pg_array_text(&col[RJ_ID], p->id[0] ? p->id : NULL) ||
                dw_pg_array_text(&col[RJ_TYPE], p->type[0] ? p->type : NULL) ||
                dw_pg_array_text(&col[RJ_CODE], dw_code_name(p->err.code)) ||
                dw_pg_array_text(&col[RJ_FIELD], p->err.field[0] ? p->err.field : NULL) ||
                dw_pg_array_text(&col[RJ_MSG], p->err.message) ||
                dw_pg_array_bytea(&col[RJ_RAW], raw_of(self, p), p->raw_len) ||
                dw_pg_array_int(&col[RJ_SIZE], (int64_t)p->raw_size))
                goto out;
            n_rows++;
        }
    }
    if (n_rows == 0) {
        rc = 0;
        goto out;
    }
    const char *params[N_COLUMNS];
    for (int c = 0; c < N_COLUMNS; c++)
        if (!(params[c] = dw_pg_array_literal(&col[c])))
            goto out;
    /* A data-modifying WITH runs to completion whether or not it is read. */
    rc = dw_pg_exec(self->pg, "intake",
                    "WITH rejected AS (INSERT INTO rejects (stage, src, id, type, code, field, message, raw, raw_size) "
                    "SELECT 'intake', * FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], "
                    "$12::text[], $13::bytea[], $14::bigint[])) "
                    "INSERT INTO inbox (seq, src, id, type, producer_ts, raw) "
                    "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bytea[])",
                    N_COLUMNS, params);
out:
    for (int c = 0; c < N_COLUMNS; c++)
        dw_pg_array_free(&col[c]);
    return rc;
}

static void publish_stored(dw_intake_t *self)
{
    char key[200];
    unsigned char seq[8];
    for (size_t i = 0; i < self->n_pend; i++) {
        pending_t *p = &self->pend[i];
        if (!p->store || p->raw_len > EVENT_INLINE_MAX)
            continue;
        dw_put_be64(seq, p->seq);
        snprintf(key, sizeof key, "%s/%s", p->src, p->id);
        const void *parts[4] = {seq, p->type, key, raw_of(self, p)};
        size_t sizes[4] = {8, strlen(p->type), strlen(key), p->raw_len};
        if (dw_zmq_send_parts(self->events, parts, sizes, 4, ZMQ_DONTWAIT) != 0)
            dw_log_warn(key, "live event dropped (%s): dw-validate reads the inbox", zmq_strerror(errno));
    }
}

/* One transaction for the whole batch, then the acks. */
static void flush(dw_intake_t *self)
{
    if (self->n_pend == 0)
        return;
    int64_t started = dw_mono_ms();
    self->last_flush = started;
    size_t n_firsts = 0;
    size_t *firsts = firsts_of_batch(self, &n_firsts);
    /* An idle connection may have been dropped: find out before the batch
     * does, so the batch is not answered "internal" for nothing. */
    if (dw_pg_broken(self->pg) && dw_pg_reconnect(self->pg) == 0 && load_next_seq(self) != 0)
        dw_log_error(NULL, "could not read the inbox sequence after reconnecting");
    int64_t first_seq = self->next_seq;
    /* No BEGIN: the lookup reads committed rows either way (dw-intake is the
     * inbox's only writer), and the write is one statement, one transaction. */
    int rc = firsts ? match_stored(self, firsts, n_firsts) : -1;
    if (rc == 0) {
        /* Sequence numbers in arrival order; repeats take their first's fate. */
        for (size_t i = 0; i < self->n_pend; i++) {
            pending_t *p = &self->pend[i];
            if (p->store)
                p->seq = self->next_seq++;
        }
        for (size_t i = 0; i < self->n_pend; i++) {
            pending_t *p = &self->pend[i];
            if (!p->same_as)
                continue;
            pending_t *f = &self->pend[p->same_as - 1];
            bool same = f->err.code == DW_OK ? same_bytes(self, f, p)
                        : f->has_stored      ? p->raw_len == f->stored_len &&
                                              memcmp(raw_of(self, p), self->arena.data + f->stored_off, p->raw_len) == 0
                                        : false;
            if (!same)
                refuse_conflict(p);
            else {
                p->dup = true;
                p->seq = f->seq;
            }
        }
        rc = write_rows(self);
    }
    free(firsts);
    size_t stored = 0, dups = 0, refused = 0;
    if (rc != 0) {
        self->next_seq = first_seq;
        for (size_t i = 0; i < self->n_pend; i++) {
            pending_t *p = &self->pend[i];
            if (p->err.code == DW_OK || p->err.code == DW_E_CONFLICT)
                dw_error_set(&p->err, DW_E_INTERNAL, "", "could not store the batch; send again");
            p->store = false;
        }
        /* Read the sequence back after any failure, not only a lost
         * connection: a COMMIT whose answer was lost, or a row another
         * (killed) intake committed late, would otherwise fail every batch. */
        if ((!dw_pg_broken(self->pg) || dw_pg_reconnect(self->pg) == 0) && load_next_seq(self) != 0)
            dw_log_error(NULL, "could not read the inbox sequence back");
    } else {
        publish_stored(self);
    }
    for (size_t i = 0; i < self->n_pend; i++) {
        pending_t *p = &self->pend[i];
        stored += p->store;
        dups += p->dup;
        refused += p->err.code != DW_OK;
        if (p->err.code != DW_OK)
            dw_log_info(p->id[0] ? p->id : "-", "refused from %s: %s: %s%s%s", p->src[0] ? p->src : "?",
                        dw_code_name(p->err.code), p->err.message, p->err.field[0] ? " field " : "", p->err.field);
        (void)send_ack(self, p);
    }
    dw_log_debug(
        NULL, "batch of %zu from %zu producer(s): stored %zu, duplicate %zu, refused %zu, busy %zu in %" PRId64 " ms",
        self->n_pend, dw_intake_peers_count(self->peers), stored, dups, refused, self->n_busy, dw_mono_ms() - started);
    self->n_pend = 0;
    self->n_busy = 0;
    dw_intake_peers_release_all(self->peers);
    dw_buf_reset(&self->arena);
}

int dw_intake_run(dw_intake_t *self, int signal_fd)
{
    zmq_pollitem_t items[2] = {{self->router, 0, ZMQ_POLLIN, 0}, {NULL, signal_fd, ZMQ_POLLIN, 0}};
    dw_log_info(NULL, "accepting producers on %s", self->cfg->intake.endpoint);
    for (;;) {
        long timeout = -1;
        if (self->n_pend > 0) {
            int64_t left = self->batch_deadline - dw_mono_ms();
            timeout = left > 0 ? (long)left : 0;
        }
        int64_t report_in = dw_intake_peers_report(self->peers, dw_mono_ms());
        if (report_in >= 0 && (timeout < 0 || report_in < timeout))
            timeout = (long)report_in;
        if (zmq_poll(items, 2, timeout) < 0) {
            if (errno == EINTR)
                continue;
            dw_log_error(NULL, "poll failed: %s", zmq_strerror(errno));
            flush(self);
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            int sig = dw_signal_read(signal_fd);
            if (sig == SIGHUP) {
                dw_log_warn(NULL, "SIGHUP: the configuration is read at start only; restart to apply changes");
                continue;
            }
            dw_log_info(NULL, "signal %d: storing what is in hand, then stopping", sig);
            flush(self);
            dw_intake_peers_report_now(self->peers, dw_mono_ms());
            dw_log_info(NULL,
                        "since the start: busy answers %" PRIu64 ", acks dropped %" PRIu64
                        ", acks undeliverable %" PRIu64,
                        dw_intake_peers_total(self->peers, DW_PEER_BUSY),
                        dw_intake_peers_total(self->peers, DW_PEER_ACK_DROPPED),
                        dw_intake_peers_total(self->peers, DW_PEER_ACK_NO_ROUTE));
            return 0;
        }
        if (items[0].revents & ZMQ_POLLIN) {
            /* Drain what is waiting, up to a full batch; what stays queued is
             * the producers' backlog, bounded by the socket's high-water mark.
             * Messages answered busy take no batch slot, so the reads are
             * bounded too: a producer far over its credit must not keep the
             * batch it is in from being committed. */
            size_t reads = 0, reads_max = 2 * self->cap;
            while (self->n_pend < self->cap && self->arena.len < BATCH_BYTES_MAX && reads++ < reads_max &&
                   receive_one(self) == 0) {
            }
        }
        if (self->n_pend >= self->cap || self->arena.len >= BATCH_BYTES_MAX ||
            (self->n_pend > 0 && dw_mono_ms() >= self->batch_deadline))
            flush(self);
    }
}
