#include "dw_producer.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_strmap.h"

dw_msg_t *dw_test_allocation(const char *id, int64_t current_fen)
{
    dw_msg_t *m = dw_msg_new("budget.allocation", id, "budget", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "project_name", "义务教育薄弱环节改善项目");
    dw_obj_set_str(b, "kind", "project");
    dw_obj_set_str(b, "fund_type", "general");
    dw_obj_set_str(b, "source", "annual");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_str(b, "section_code", "biz_edu");
    dw_obj_set_int(b, "initial_fen", current_fen);
    dw_obj_set_int(b, "adjusted_fen", 0);
    dw_obj_set_int(b, "transferred_fen", 0);
    dw_obj_set_int(b, "current_fen", current_fen);
    return m;
}

dw_msg_t *dw_test_payment(const char *id, const char *voucher, const char *date, int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "payment_date", date);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "method", "direct");
    dw_obj_set_str(b, "payee", "会昌县第一建筑工程公司");
    return m;
}

/* Sends bytes as [empty][message] and waits for the ack. */
int dw_test_send_raw(void *dealer, const void *data, size_t len, dw_test_ack_t *ack)
{
    memset(ack, 0, sizeof *ack);
    if (zmq_send(dealer, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(dealer, data, len, 0) < 0)
        return -1;
    return dw_test_recv_ack(dealer, 10000, ack, NULL, 0);
}

int dw_test_send(void *dealer, dw_msg_t *m, dw_test_ack_t *ack)
{
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    int rc = dw_msg_encode(m, &buf, &err) == DW_OK ? dw_test_send_raw(dealer, buf.data, buf.len, ack) : -1;
    if (rc != 0)
        fprintf(stderr, "send %s failed\n", dw_msg_id(m));
    dw_buf_free(&buf);
    dw_msg_destroy(&m);
    return rc;
}

/* Waits for the next [topic][envelope] on the SUB socket. */
dw_msg_t *dw_test_next_event(void *sub, char *topic, size_t n, int timeout_ms)
{
    zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) != 1)
        return NULL;
    int tl = zmq_recv(sub, topic, n - 1, 0);
    if (tl < 0)
        return NULL;
    topic[tl < (int)n - 1 ? tl : (int)n - 1] = '\0';
    static char env[65536];
    int el = zmq_recv(sub, env, sizeof env, 0);
    if (el < 0)
        return NULL;
    dw_error_t err;
    dw_msg_t *m = dw_msg_decode(env, (size_t)el, NULL, &err);
    if (!m)
        fprintf(stderr, "published envelope does not decode: %s: %s\n", dw_code_name(err.code), err.message);
    return m;
}

dw_msg_t *dw_test_replay(void *zmq_ctx, const char *endpoint, const char *stream, int64_t since, const char *prefix,
                         int64_t limit)
{
    dw_msg_t *req = dw_msg_new("replay.request", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(req);
    dw_obj_set_str(b, "stream", stream);
    dw_obj_set_int(b, "since", since);
    if (prefix)
        dw_obj_set_str(b, "prefix", prefix);
    if (limit > 0)
        dw_obj_set_int(b, "limit", limit);
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    dw_msg_t *ans = NULL;
    void *s = zmq_socket(zmq_ctx, ZMQ_REQ);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (dw_msg_encode(req, &buf, &err) == DW_OK && zmq_connect(s, endpoint) == 0 &&
        zmq_send(s, buf.data, buf.len, 0) >= 0) {
        zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
        static char reply[1 << 20];
        int n;
        if (zmq_poll(&it, 1, 10000) == 1 && (n = zmq_recv(s, reply, sizeof reply, 0)) > 0) {
            ans = dw_msg_decode_bare("replay.answer", reply, (size_t)n, NULL, &err);
            if (!ans)
                fprintf(stderr, "replay answer does not decode: %s\n", err.message);
        }
    }
    zmq_close(s);
    dw_buf_free(&buf);
    dw_msg_destroy(&req);
    return ans;
}

int dw_test_send_only(void *dealer, const void *data, size_t len, int flags)
{
    if (zmq_send(dealer, "", 0, ZMQ_SNDMORE | flags) < 0)
        return -1;
    /* Once the first part is queued, ZeroMQ takes the rest of the message
     * without checking the high-water mark again: all or nothing. */
    return zmq_send(dealer, data, len, flags) < 0 ? -1 : 0;
}

int dw_test_recv_ack(void *dealer, int timeout_ms, dw_test_ack_t *ack, char *message, size_t message_n)
{
    memset(ack, 0, sizeof *ack);
    if (message && message_n)
        message[0] = '\0';
    zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) != 1)
        return -1;
    char buf[4096];
    int n = zmq_recv(dealer, buf, sizeof buf, 0); /* the empty delimiter */
    if (n != 0)
        return -1;
    n = zmq_recv(dealer, buf, sizeof buf, 0);
    if (n < 0 || n > (int)sizeof buf)
        return -1;
    dw_error_t err;
    dw_msg_t *a = dw_msg_decode_bare("ack", buf, (size_t)n, NULL, &err);
    if (!a) {
        fprintf(stderr, "ack does not decode: %s\n", err.message);
        return -1;
    }
    const dw_obj_t *b = dw_msg_body(a);
    (void)dw_obj_bool(b, "ok", &ack->ok);
    (void)dw_obj_bool(b, "dup", &ack->dup);
    (void)dw_obj_int(b, "seq", &ack->seq);
    snprintf(ack->id, sizeof ack->id, "%s", dw_obj_str(b, "id") ? dw_obj_str(b, "id") : "");
    const dw_obj_t *e = dw_obj_map(b, "error");
    if (e) {
        snprintf(ack->code, sizeof ack->code, "%s", dw_obj_str(e, "code"));
        snprintf(ack->field, sizeof ack->field, "%s", dw_obj_str(e, "field") ? dw_obj_str(e, "field") : "");
        if (message && message_n)
            snprintf(message, message_n, "%s", dw_obj_str(e, "message"));
    }
    dw_msg_destroy(&a);
    return 0;
}

int dw_test_service_pid(const dw_harness_t *h, const char *name)
{
    char path[400], line[32] = "";
    snprintf(path, sizeof path, "%s/run/%s.pid", h->home, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    bool read = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    int pid = read ? atoi(line) : -1;
    return pid > 1 ? pid : -1;
}

bool dw_test_process_alive(int pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    const char *state = strrchr(line, ')');
    return state && state[1] == ' ' && state[2] != 'Z';
}

int dw_test_stop_service(const dw_harness_t *h, const char *name)
{
    int pid = dw_test_service_pid(h, name);
    if (pid <= 1 || !dw_test_process_alive(pid))
        return 0;
    if (kill(pid, SIGTERM) != 0)
        return -1;
    for (int waited = 0; waited < 15000; waited += 50) {
        if (!dw_test_process_alive(pid))
            return 0;
        dw_harness_sleep_ms(50);
    }
    fprintf(stderr, "dw-%s (pid %d) did not stop within 15 s of SIGTERM\n", name, pid);
    return -1;
}

int dw_test_set_as_of(const dw_harness_t *h, const char *as_of)
{
    static const char key[] = "\nclock:\n  as_of: \"";
    char buf[8192];
    FILE *f = fopen(h->config, "r+b");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    char *at = strstr(buf, key);
    int rc = -1;
    if (at && strlen(at) >= sizeof key - 1 + 10 && strlen(as_of) == 10) {
        long off = (long)(at - buf) + (long)sizeof key - 1;
        rc = fseek(f, off, SEEK_SET) == 0 && fwrite(as_of, 1, 10, f) == 10 ? 0 : -1;
    }
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

int64_t dw_test_vmrss_kib(int pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int64_t kib = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtoll(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib;
}

int dw_test_log_lines(const dw_harness_t *h, const char *name, const char *needle)
{
    char path[400], line[8192];
    snprintf(path, sizeof path, "%s/run/%s.log", h->home, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

int dw_test_intake_config(dw_harness_t *h, const char *yaml_lines)
{
    FILE *f = fopen(h->config, "r");
    if (!f)
        return -1;
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* the harness writes "intake:\n  endpoint: ...\n": the lines go after it */
    char *at = strstr(text, "\nintake:\n");
    char *end = at ? strchr(at + 9, '\n') : NULL;
    if (!end || n + strlen(yaml_lines) >= sizeof text) {
        fprintf(stderr, "harness: no intake: section in %s\n", h->config);
        return -1;
    }
    f = fopen(h->config, "w");
    if (!f)
        return -1;
    fprintf(f, "%.*s%s%s", (int)(end + 1 - text), text, yaml_lines, end + 1);
    if (fclose(f) != 0)
        return -1;
    if (dw_harness_script(h, "stop --services") != 0 || dw_harness_script(h, "start") != 0) {
        fprintf(stderr, "harness: could not restart the services with %s\n", h->config);
        return -1;
    }
    return 0;
}

/* ================================================================ the window */

#define WINDOW_SCAN_MS     20  /* how often unanswered messages are looked over */
#define WINDOW_RETRY_MS    200 /* after an internal or busy answer */
#define WINDOW_TAGS_PER_ID 4   /* messages that may share one id (an original and what is planted on it) */

enum { TAG_NEW = 0, TAG_OUT, TAG_DONE };

typedef struct wslot {
    size_t tag; /* SIZE_MAX: free */
    dw_buf_t bytes;
    int64_t due; /* monotonic ms: send (again) at or after this */
    bool sent;   /* a copy has gone out */
} wslot_t;

typedef struct id_tags {
    uint32_t tag[WINDOW_TAGS_PER_ID];
    uint32_t n;
} id_tags_t;

struct dw_test_window {
    void *dealer, *monitor;
    size_t max_tags, window;
    int resend_ms;
    dw_test_window_ack_fn *on_ack;
    void *arg;
    uint16_t *copies; /* per tag: copies sent and not answered */
    uint8_t *state;   /* per tag: TAG_NEW, TAG_OUT, TAG_DONE */
    uint32_t *slot_of;
    int64_t *final_seq;
    char (*final_code)[48]; /* "" when the final answer was ok (dw_test_ack_t.code) */
    wslot_t *slots;
    size_t *free_slots, n_free;
    dw_strmap_t *ids; /* id -> id_tags_t */
    int64_t next_scan;
    dw_test_window_stats_t stats;
};

dw_test_window_t *dw_test_window_new(void *zmq_ctx, const char *endpoint, size_t max_tags, size_t window, int resend_ms,
                                     dw_test_window_ack_fn *on_ack, void *arg)
{
    dw_test_window_t *self = calloc(1, sizeof *self);
    if (!self || window == 0 || max_tags > UINT32_MAX)
        goto fail;
    self->max_tags = max_tags;
    self->window = window;
    self->resend_ms = resend_ms;
    self->on_ack = on_ack;
    self->arg = arg;
    self->copies = calloc(max_tags, sizeof *self->copies);
    self->state = calloc(max_tags, sizeof *self->state);
    self->slot_of = calloc(max_tags, sizeof *self->slot_of);
    self->final_seq = calloc(max_tags, sizeof *self->final_seq);
    self->final_code = calloc(max_tags, sizeof *self->final_code);
    self->slots = calloc(window, sizeof *self->slots);
    self->free_slots = calloc(window, sizeof *self->free_slots);
    self->ids = dw_strmap_new(sizeof(id_tags_t));
    if (!self->copies || !self->state || !self->slot_of || !self->final_seq || !self->final_code || !self->slots ||
        !self->free_slots || !self->ids)
        goto fail;
    for (size_t i = 0; i < window; i++) {
        self->slots[i].tag = SIZE_MAX;
        self->free_slots[self->n_free++] = window - 1 - i;
    }
    self->dealer = zmq_socket(zmq_ctx, ZMQ_DEALER);
    if (!self->dealer)
        goto fail;
    /* Every copy goes into the pipe even while dw-intake is away (it is sent
     * on reconnect); acks are read as they come. */
    int hwm = 1000000, linger = 0;
    zmq_setsockopt(self->dealer, ZMQ_SNDHWM, &hwm, sizeof hwm);
    zmq_setsockopt(self->dealer, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(self->dealer, ZMQ_LINGER, &linger, sizeof linger);
    char mon[64];
    snprintf(mon, sizeof mon, "inproc://dw-test-window-%p", (void *)self);
    if (zmq_socket_monitor(self->dealer, mon, ZMQ_EVENT_DISCONNECTED) != 0)
        goto fail;
    self->monitor = zmq_socket(zmq_ctx, ZMQ_PAIR);
    if (!self->monitor || zmq_connect(self->monitor, mon) != 0 || zmq_connect(self->dealer, endpoint) != 0)
        goto fail;
    return self;
fail:
    dw_test_window_destroy(&self);
    return NULL;
}

void dw_test_window_destroy(dw_test_window_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_test_window_t *self = *self_p;
    if (self->dealer)
        (void)zmq_socket_monitor(self->dealer, NULL, 0);
    if (self->monitor)
        zmq_close(self->monitor);
    if (self->dealer)
        zmq_close(self->dealer);
    for (size_t i = 0; self->slots && i < self->window; i++)
        dw_buf_free(&self->slots[i].bytes);
    free(self->copies);
    free(self->state);
    free(self->slot_of);
    free(self->final_seq);
    free(self->final_code);
    free(self->slots);
    free(self->free_slots);
    dw_strmap_destroy(&self->ids);
    free(self);
    *self_p = NULL;
}

size_t dw_test_window_in_flight(const dw_test_window_t *self)
{
    return self->window - self->n_free;
}

unsigned dw_test_window_copies_out(const dw_test_window_t *self, size_t tag)
{
    return tag < self->max_tags ? self->copies[tag] : 0;
}

void dw_test_window_get_stats(const dw_test_window_t *self, dw_test_window_stats_t *out)
{
    *out = self->stats;
}

/* One copy of a slot's message: [empty][message]. A full pipe leaves it due. */
static void window_send_copy(dw_test_window_t *self, wslot_t *s, int64_t now)
{
    if (zmq_send(self->dealer, "", 0, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0) {
        s->due = now + WINDOW_SCAN_MS;
        return;
    }
    /* the rest of a message whose first frame was taken is always taken */
    if (zmq_send(self->dealer, s->bytes.data, s->bytes.len, 0) < 0) {
        s->due = now + WINDOW_SCAN_MS;
        return;
    }
    self->copies[s->tag]++;
    if (s->sent)
        self->stats.resent++;
    else
        self->stats.sent++;
    s->sent = true;
    s->due = now + self->resend_ms;
}

/* Sends again whatever is due (no answer within resend_ms, a reset, a retry answer). */
static void window_scan(dw_test_window_t *self, int64_t now)
{
    if (now < self->next_scan)
        return;
    self->next_scan = now + WINDOW_SCAN_MS;
    for (size_t i = 0; i < self->window; i++) {
        wslot_t *s = &self->slots[i];
        if (s->tag != SIZE_MAX && s->due <= now)
            window_send_copy(self, s, now);
    }
}

static int decode_ack(const void *data, size_t len, dw_test_ack_t *ack)
{
    memset(ack, 0, sizeof *ack);
    dw_error_t err;
    dw_msg_t *a = dw_msg_decode_bare("ack", data, len, NULL, &err);
    if (!a) {
        fprintf(stderr, "ack does not decode: %s\n", err.message);
        return -1;
    }
    const dw_obj_t *b = dw_msg_body(a);
    const char *id = dw_obj_str(b, "id");
    (void)dw_obj_bool(b, "ok", &ack->ok);
    (void)dw_obj_bool(b, "dup", &ack->dup);
    (void)dw_obj_int(b, "seq", &ack->seq);
    snprintf(ack->id, sizeof ack->id, "%s", id ? id : "");
    const dw_obj_t *e = dw_obj_map(b, "error");
    if (e) {
        const char *code = dw_obj_str(e, "code"), *field = dw_obj_str(e, "field");
        snprintf(ack->code, sizeof ack->code, "%s", code ? code : "");
        snprintf(ack->field, sizeof ack->field, "%s", field ? field : "");
    }
    dw_msg_destroy(&a);
    return 0;
}

static void window_handle_ack(dw_test_window_t *self, const dw_test_ack_t *a, int64_t now)
{
    self->stats.acks++;
    const id_tags_t *t = a->id[0] ? dw_strmap_get(self->ids, a->id) : NULL;
    size_t tag = SIZE_MAX;
    for (uint32_t k = 0; t && k < t->n && tag == SIZE_MAX; k++)
        if (self->copies[t->tag[k]] > 0)
            tag = t->tag[k];
    if (tag == SIZE_MAX) {
        self->stats.stray++;
        fprintf(stderr, "window: an ack for id \"%s\", which has no copy out\n", a->id);
        return;
    }
    self->copies[tag]--;
    bool retry = !a->ok && (strcmp(a->code, "internal") == 0 || strcmp(a->code, "busy") == 0);
    if (self->state[tag] == TAG_DONE) {
        self->stats.late_acks++;
        bool was_ok = self->final_code[tag][0] == '\0';
        if (!retry && (a->ok != was_ok ||
                       (a->ok ? a->seq != self->final_seq[tag] : strcmp(a->code, self->final_code[tag]) != 0))) {
            self->stats.disagreeing++;
            fprintf(stderr, "window: id %s answered %s seq %lld, then %s seq %lld\n", a->id,
                    was_ok ? "ok" : self->final_code[tag], (long long)self->final_seq[tag], a->ok ? "ok" : a->code,
                    (long long)a->seq);
        }
        return;
    }
    wslot_t *s = &self->slots[self->slot_of[tag]];
    if (retry) {
        self->stats.retry_answers++;
        if (s->due > now + WINDOW_RETRY_MS)
            s->due = now + WINDOW_RETRY_MS;
        return;
    }
    self->state[tag] = TAG_DONE;
    self->final_seq[tag] = a->ok ? a->seq : 0;
    snprintf(self->final_code[tag], sizeof self->final_code[tag], "%s", a->ok ? "" : a->code[0] ? a->code : "?");
    s->tag = SIZE_MAX;
    dw_buf_reset(&s->bytes);
    self->free_slots[self->n_free++] = self->slot_of[tag];
    if (self->on_ack)
        self->on_ack(self->arg, tag, a);
}

/* Reads every ack waiting; true if there was one. */
static bool window_read_acks(dw_test_window_t *self, int64_t now)
{
    bool got = false;
    for (;;) {
        zmq_msg_t part;
        zmq_msg_init(&part);
        if (zmq_msg_recv(&part, self->dealer, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part);
            return got;
        }
        got = true;
        bool delimited = zmq_msg_size(&part) == 0 && zmq_msg_more(&part);
        bool more = zmq_msg_more(&part);
        zmq_msg_close(&part);
        if (!delimited) {
            self->stats.stray++;
            fprintf(stderr, "window: an answer without its empty delimiter frame\n");
        }
        size_t frame = 0;
        while (more) {
            zmq_msg_init(&part);
            if (zmq_msg_recv(&part, self->dealer, 0) < 0) {
                zmq_msg_close(&part);
                break;
            }
            more = zmq_msg_more(&part);
            dw_test_ack_t ack;
            if (delimited && frame++ == 0) {
                if (decode_ack(zmq_msg_data(&part), zmq_msg_size(&part), &ack) == 0)
                    window_handle_ack(self, &ack, now);
                else
                    self->stats.stray++;
            }
            zmq_msg_close(&part);
        }
    }
}

/* A reset connection loses what was on its way: everything unanswered is due now. */
static void window_read_monitor(dw_test_window_t *self, int64_t now)
{
    for (;;) {
        zmq_msg_t ev;
        zmq_msg_init(&ev);
        if (zmq_msg_recv(&ev, self->monitor, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&ev);
            return;
        }
        uint16_t event = 0;
        if (zmq_msg_size(&ev) >= sizeof event)
            memcpy(&event, zmq_msg_data(&ev), sizeof event);
        bool more = zmq_msg_more(&ev);
        zmq_msg_close(&ev);
        while (more) {
            zmq_msg_init(&ev);
            more = zmq_msg_recv(&ev, self->monitor, 0) >= 0 && zmq_msg_more(&ev);
            zmq_msg_close(&ev);
        }
        if (event == ZMQ_EVENT_DISCONNECTED) {
            self->stats.disconnects++;
            for (size_t i = 0; i < self->window; i++)
                if (self->slots[i].tag != SIZE_MAX)
                    self->slots[i].due = now;
            self->next_scan = now;
        }
    }
}

void dw_test_window_pump(dw_test_window_t *self, int ms)
{
    int64_t now = dw_mono_ms(), end = now + ms;
    for (;;) {
        window_scan(self, now);
        int64_t wait = end - now;
        if (dw_test_window_in_flight(self) > 0 && self->next_scan - now < wait)
            wait = self->next_scan - now;
        if (wait < 0)
            wait = 0;
        zmq_pollitem_t items[2] = {{self->dealer, 0, ZMQ_POLLIN, 0}, {self->monitor, 0, ZMQ_POLLIN, 0}};
        int rc = zmq_poll(items, 2, (long)wait);
        now = dw_mono_ms();
        bool got = false;
        if (rc > 0 && (items[1].revents & ZMQ_POLLIN))
            window_read_monitor(self, now);
        if (rc > 0 && (items[0].revents & ZMQ_POLLIN))
            got = window_read_acks(self, now);
        if (got || now >= end)
            return;
    }
}

int dw_test_window_send(dw_test_window_t *self, size_t tag, const char *id, const void *data, size_t len,
                        int timeout_ms)
{
    if (tag >= self->max_tags || self->state[tag] != TAG_NEW)
        return -1;
    int64_t end = dw_mono_ms() + timeout_ms;
    while (self->n_free == 0) {
        if (dw_mono_ms() >= end)
            return -1;
        dw_test_window_pump(self, 50);
    }
    id_tags_t *t = dw_strmap_put(self->ids, id, NULL);
    if (!t || t->n >= WINDOW_TAGS_PER_ID)
        return -1;
    size_t slot = self->free_slots[self->n_free - 1];
    wslot_t *s = &self->slots[slot];
    dw_buf_reset(&s->bytes);
    if (dw_buf_append(&s->bytes, data, len) != 0)
        return -1;
    self->n_free--;
    t->tag[t->n++] = (uint32_t)tag;
    s->tag = tag;
    self->slot_of[tag] = (uint32_t)slot;
    s->sent = false;
    self->state[tag] = TAG_OUT;
    window_send_copy(self, s, dw_mono_ms());
    return 0;
}

int dw_test_window_drain(dw_test_window_t *self, int timeout_ms)
{
    int64_t end = dw_mono_ms() + timeout_ms;
    while (dw_test_window_in_flight(self) > 0) {
        if (dw_mono_ms() >= end)
            return -1;
        dw_test_window_pump(self, 100);
    }
    return 0;
}

/* ================================================================ the stream */

#define STREAM_WARMUP     2000    /* payments sent before anything is planted */
#define STREAM_STEP_FEN   1000000 /* budgets are approved in 10,000.00 yuan steps */
#define STREAM_MAX_FEN    5000000 /* a payment is 1.00 .. 50,000.00 yuan */
#define STREAM_PICK_TRIES 16
#define STREAM_SEND_WAIT  120000
#define STREAM_PLANT_TS   (DW_TEST_TS + 100000000) /* planted messages' own ts: after every original's */

/* The harness's bureau (its sections and the departments each looks after). */
static const struct {
    const char *code, *section, *function_code;
    const char *project_names[3];
} stream_depts[] = {
    {"101", "biz_edu", "2050202", {"义务教育薄弱环节改善项目", "校舍安全保障工程", "中小学教师培训专项"}},
    {"102", "biz_social", "2100499", {"院前急救体系能力提升项目", "基本公共卫生服务补助资金", "医疗设备更新项目"}},
    {"103", "biz_social", "2080705", {"职业技能提升行动项目", "就业补助资金", "高层次人才引进专项"}},
    {"104", "biz_econ", "2140106", {"农村公路提档升级工程", "公路养护专项", "客运站改造项目"}},
};
#define STREAM_DEPTS (sizeof stream_depts / sizeof *stream_depts)
static const char *const stream_economic[] = {"31005", "30201", "39999", "31002"};
static const char *const stream_payees[] = {"会昌县第一建筑工程公司", "市建工集团有限公司", "市第一人民医院",
                                            "市公路事业发展中心", "赣南教学仪器供应站"};
#define STREAM_PAYEES (sizeof stream_payees / sizeof *stream_payees)

typedef struct stream_line {
    uint32_t project;
    char line_id[32];
    int64_t initial_fen, adjusted_fen, transferred_fen, current_fen;
} stream_line_t;

/* One payment with a voucher of its own: every choice the generator made. */
typedef struct stream_payment {
    uint32_t project;
    uint32_t line; /* index into lines */
    uint8_t month, day, method, payee;
    bool contract;
    int64_t fen;
    /* its answer */
    bool ok;
    bool used; /* something was planted on it */
    int64_t seq;
} stream_payment_t;

typedef struct stream_plant {
    dw_test_plant_t kind;
    size_t target; /* the payment it copies */
} stream_plant_t;

struct dw_test_stream {
    dw_test_stream_opts_t o;
    dw_test_project_t *projects;
    stream_line_t *lines;
    size_t n_lines;
    stream_payment_t *pay;
    size_t n_pay;
    uint8_t *slots; /* per payment message: 0 an original, 1 + kind a plant */
    stream_plant_t *plants;
    size_t n_plants, max_plants;
    size_t *pool; /* payments answered ok with nothing planted on them yet */
    size_t n_pool;
    dw_strmap_t *planted[DW_TEST_PLANTS];
    uint64_t rng;      /* the plan */
    uint64_t pick_rng; /* targets, while it runs */
    dw_test_window_t *w;
    size_t answered; /* payment messages with their final ack */
    dw_test_stream_tally_t tally;
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *x, uint64_t n)
{
    return splitmix64(x) % n;
}

void dw_test_stream_voucher(size_t i, char *out, size_t n)
{
    snprintf(out, n, "GK2026%07zu", i);
}

void dw_test_stream_payment_id(size_t i, char *out, size_t n)
{
    snprintf(out, n, "T-%07zu", i);
}

/* Budgets from what the plan pays: generous ones, or planted below. */
static void stream_budgets(dw_test_stream_t *self)
{
    for (size_t i = 0; i < self->n_pay; i++) {
        dw_test_project_t *p = &self->projects[self->pay[i].project];
        p->paid_fen += self->pay[i].fen;
        p->n_payments++;
    }
    for (size_t k = 0; k < self->o.projects; k++) {
        dw_test_project_t *p = &self->projects[k];
        int64_t b;
        if (p->over_planted) /* 55 % .. 90 % of what is paid, whole steps */
            b = p->paid_fen * (int64_t)(55 + below(&self->rng, 36)) / 100 / STREAM_STEP_FEN * STREAM_STEP_FEN;
        else /* a tenth more than is paid, rounded up, and a step more */
            b = (p->paid_fen + p->paid_fen / 10) / STREAM_STEP_FEN * STREAM_STEP_FEN + 2 * STREAM_STEP_FEN;
        if (b < STREAM_STEP_FEN)
            b = STREAM_STEP_FEN;
        p->budget_fen = b;
    }
}

/* Splits each budget into its lines: 年初 + 调整 + 调剂 = 变动后, in three shapes. */
static void stream_lines(dw_test_stream_t *self)
{
    for (size_t i = 0; i < self->n_lines; i++) {
        stream_line_t *l = &self->lines[i];
        const dw_test_project_t *p = &self->projects[l->project];
        size_t nth = 0;
        for (size_t j = 0; j < i; j++)
            nth += self->lines[j].project == l->project;
        int64_t share = p->budget_fen / (int64_t)p->n_lines;
        l->current_fen = nth + 1 == p->n_lines ? p->budget_fen - share * (int64_t)(p->n_lines - 1) : share;
        switch (nth) {
        case 0: l->initial_fen = l->current_fen; break;
        case 1: /* 调减 a cut during the year */
            l->initial_fen = l->current_fen + 2 * STREAM_STEP_FEN;
            l->adjusted_fen = -2 * STREAM_STEP_FEN;
            break;
        default: /* 调剂 a quarter transferred in */
            l->transferred_fen = l->current_fen / 4;
            l->initial_fen = l->current_fen - l->transferred_fen;
            break;
        }
    }
}

/* Which payments dw-validate flags over_budget, taking them in the order sent. */
static void stream_expect_flags(dw_test_stream_t *self)
{
    int64_t *running = calloc(self->o.projects, sizeof *running);
    for (size_t k = 0; k < self->o.projects; k++)
        self->projects[k].first_over = SIZE_MAX;
    for (size_t i = 0; running && i < self->n_pay; i++) {
        dw_test_project_t *p = &self->projects[self->pay[i].project];
        running[self->pay[i].project] += self->pay[i].fen;
        if (running[self->pay[i].project] > p->budget_fen) {
            if (p->n_over_budget++ == 0)
                p->first_over = i;
        }
    }
    free(running);
}

dw_test_stream_t *dw_test_stream_new(const dw_test_stream_opts_t *opts)
{
    size_t planted = 0;
    for (int k = 0; k < DW_TEST_PLANTS; k++)
        planted += opts->plants[k];
    if (opts->projects == 0 || opts->projects > 999 || opts->over_budget > opts->projects || planted > opts->payments ||
        opts->payments - planted < planted + STREAM_WARMUP)
        return NULL; /* every plant needs a payment of its own to copy */
    dw_test_stream_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->o = *opts;
    self->rng = opts->seed;
    self->pick_rng = opts->seed ^ 0x5eed5eed5eed5eedULL;
    self->n_pay = opts->payments - planted;
    self->max_plants = planted;
    self->projects = calloc(opts->projects, sizeof *self->projects);
    self->lines = calloc(opts->projects * 3, sizeof *self->lines);
    self->pay = calloc(self->n_pay, sizeof *self->pay);
    self->slots = calloc(opts->payments, sizeof *self->slots);
    self->plants = calloc(planted + 1, sizeof *self->plants);
    self->pool = calloc(self->n_pay, sizeof *self->pool);
    for (int k = 0; k < DW_TEST_PLANTS; k++)
        if (!(self->planted[k] = dw_strmap_new(1)))
            goto fail;
    if (!self->projects || !self->lines || !self->pay || !self->slots || !self->plants || !self->pool)
        goto fail;
    /* projects and their lines */
    for (size_t k = 0; k < opts->projects; k++) {
        dw_test_project_t *p = &self->projects[k];
        size_t d = k % STREAM_DEPTS;
        snprintf(p->code, sizeof p->code, "P2026-%s-%03zu", stream_depts[d].code, k + 1);
        snprintf(p->dept_code, sizeof p->dept_code, "%s", stream_depts[d].code);
        snprintf(p->unit_code, sizeof p->unit_code, "%s00%zu", stream_depts[d].code, 1 + k / STREAM_DEPTS % 2);
        snprintf(p->section_code, sizeof p->section_code, "%s", stream_depts[d].section);
        snprintf(p->function_code, sizeof p->function_code, "%s", stream_depts[d].function_code);
        snprintf(p->economic_code, sizeof p->economic_code, "%s", stream_economic[k % 4]);
        p->name = stream_depts[d].project_names[k / STREAM_DEPTS % 3];
        p->n_lines = 1 + below(&self->rng, 3);
        for (size_t j = 0; j < p->n_lines; j++) {
            stream_line_t *l = &self->lines[self->n_lines];
            l->project = (uint32_t)k;
            snprintf(l->line_id, sizeof l->line_id, "ZB2026-%s-%04zu", p->dept_code, ++self->n_lines);
        }
    }
    for (size_t n = 0; n < opts->over_budget;) {
        dw_test_project_t *p = &self->projects[below(&self->rng, opts->projects)];
        if (!p->over_planted) {
            p->over_planted = true;
            n++;
        }
    }
    /* the payments with a voucher of their own */
    size_t *first_line = calloc(opts->projects, sizeof *first_line);
    if (!first_line)
        goto fail;
    for (size_t i = self->n_lines; i-- > 0;)
        first_line[self->lines[i].project] = i;
    for (size_t i = 0; i < self->n_pay; i++) {
        stream_payment_t *x = &self->pay[i];
        x->project = (uint32_t)below(&self->rng, opts->projects);
        x->line = (uint32_t)(first_line[x->project] + below(&self->rng, self->projects[x->project].n_lines));
        x->month = (uint8_t)(1 + below(&self->rng, 10));
        x->day = (uint8_t)(1 + below(&self->rng, 28));
        x->method = (uint8_t)below(&self->rng, 2);
        x->payee = (uint8_t)below(&self->rng, STREAM_PAYEES);
        x->contract = below(&self->rng, 3) == 0;
        x->fen = 100 + (int64_t)below(&self->rng, STREAM_MAX_FEN - 99);
        self->tally.total_fen += x->fen;
    }
    free(first_line);
    /* where the plants go: anywhere after the warm-up */
    size_t n = 0;
    for (int k = 0; k < DW_TEST_PLANTS; k++)
        for (size_t j = 0; j < opts->plants[k]; j++)
            self->slots[opts->payments - 1 - n++] = (uint8_t)(1 + k);
    for (size_t i = opts->payments - 1; i > STREAM_WARMUP; i--) {
        size_t j = STREAM_WARMUP + below(&self->rng, i - STREAM_WARMUP + 1);
        uint8_t t = self->slots[i];
        self->slots[i] = self->slots[j];
        self->slots[j] = t;
    }
    stream_budgets(self);
    stream_lines(self);
    stream_expect_flags(self);
    self->tally.lines = self->n_lines;
    self->tally.originals = self->n_pay;
    return self;
fail:
    dw_test_stream_destroy(&self);
    return NULL;
}

void dw_test_stream_destroy(dw_test_stream_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_test_stream_t *self = *self_p;
    free(self->projects);
    free(self->lines);
    free(self->pay);
    free(self->slots);
    free(self->plants);
    free(self->pool);
    for (int k = 0; k < DW_TEST_PLANTS; k++)
        dw_strmap_destroy(&self->planted[k]);
    free(self);
    *self_p = NULL;
}

const dw_test_stream_tally_t *dw_test_stream_tally(const dw_test_stream_t *self)
{
    return &self->tally;
}

size_t dw_test_stream_projects(const dw_test_stream_t *self)
{
    return self->o.projects;
}

const dw_test_project_t *dw_test_stream_project(const dw_test_stream_t *self, size_t i)
{
    return i < self->o.projects ? &self->projects[i] : NULL;
}

bool dw_test_stream_planted_id(const dw_test_stream_t *self, dw_test_plant_t kind, const char *id)
{
    return kind < DW_TEST_PLANTS && id && dw_strmap_get(self->planted[kind], id) != NULL;
}

static int stream_encode_line(const dw_test_stream_t *self, size_t i, dw_buf_t *out)
{
    const stream_line_t *l = &self->lines[i];
    const dw_test_project_t *p = &self->projects[l->project];
    char id[32];
    snprintf(id, sizeof id, "B-%04zu", i + 1);
    dw_msg_t *m = dw_msg_new("budget.allocation", id, "budget", DW_TEST_TS);
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_str(b, "line_id", l->line_id) | dw_obj_set_int(b, "fiscal_year", 2026) |
             dw_obj_set_str(b, "dept_code", p->dept_code) | dw_obj_set_str(b, "unit_code", p->unit_code) |
             dw_obj_set_str(b, "project_code", p->code) | dw_obj_set_str(b, "project_name", p->name) |
             dw_obj_set_str(b, "kind", "project") | dw_obj_set_str(b, "fund_type", "general") |
             dw_obj_set_str(b, "source", "annual") | dw_obj_set_str(b, "function_code", p->function_code) |
             dw_obj_set_str(b, "economic_code", p->economic_code) | dw_obj_set_str(b, "section_code", p->section_code) |
             dw_obj_set_int(b, "initial_fen", l->initial_fen) | dw_obj_set_int(b, "adjusted_fen", l->adjusted_fen) |
             dw_obj_set_int(b, "transferred_fen", l->transferred_fen) |
             dw_obj_set_int(b, "current_fen", l->current_fen);
    dw_error_t err;
    dw_buf_reset(out);
    if (rc == 0 && dw_msg_encode(m, out, &err) != DW_OK) {
        fprintf(stderr, "stream: budget line %s does not encode: %s\n", l->line_id, err.message);
        rc = -1;
    }
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* Payment i under the given id and ts, its amount moved by fen_delta. */
static int stream_encode_payment(const dw_test_stream_t *self, size_t i, const char *id, int64_t ts, int64_t fen_delta,
                                 dw_buf_t *out)
{
    const stream_payment_t *x = &self->pay[i];
    const dw_test_project_t *p = &self->projects[x->project];
    char voucher[32], date[16], contract[32];
    dw_test_stream_voucher(i, voucher, sizeof voucher);
    snprintf(date, sizeof date, "2026-%02u-%02u", (unsigned)x->month, (unsigned)x->day);
    snprintf(contract, sizeof contract, "HT-2026-%04u", (unsigned)(x->project * 10 + x->payee));
    dw_msg_t *m = dw_msg_new("treasury.payment", id, "treasury", ts);
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_str(b, "voucher_no", voucher) | dw_obj_set_int(b, "fiscal_year", 2026) |
             dw_obj_set_str(b, "payment_date", date) | dw_obj_set_str(b, "dept_code", p->dept_code) |
             dw_obj_set_str(b, "unit_code", p->unit_code) | dw_obj_set_str(b, "project_code", p->code) |
             dw_obj_set_str(b, "line_id", self->lines[x->line].line_id) |
             dw_obj_set_str(b, "function_code", p->function_code) |
             dw_obj_set_str(b, "economic_code", p->economic_code) |
             dw_obj_set_int(b, "amount_fen", x->fen + fen_delta) |
             dw_obj_set_str(b, "method", x->method ? "authorised" : "direct") |
             dw_obj_set_str(b, "payee", stream_payees[x->payee]);
    if (x->contract)
        rc |= dw_obj_set_str(b, "contract_no", contract);
    dw_error_t err;
    dw_buf_reset(out);
    if (rc == 0 && dw_msg_encode(m, out, &err) != DW_OK) {
        fprintf(stderr, "stream: payment %s does not encode: %s\n", voucher, err.message);
        rc = -1;
    }
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* The first final answer of every message: tallied, and judged against what
 * its kind calls for. A payment (an original, or one planted under a new id)
 * is stored: ok, dup or not (a dup when dw-intake stored it and its answer was
 * lost). A resend is a dup of its original's row; an id conflict a conflict. */
static void stream_on_ack(void *arg, size_t tag, const dw_test_ack_t *a)
{
    dw_test_stream_t *self = arg;
    dw_test_stream_tally_t *t = &self->tally;
    if (a->ok && !a->dup)
        t->acked_new++;
    else if (a->ok)
        t->acked_dup++;
    else if (strcmp(a->code, "conflict") == 0)
        t->acked_conflict++;
    else
        t->acked_other++;
    bool expected = a->ok;
    if (tag >= self->n_lines && tag < self->n_lines + self->n_pay) {
        stream_payment_t *x = &self->pay[tag - self->n_lines];
        self->answered++;
        if (a->ok) {
            x->ok = true;
            x->seq = a->seq;
            t->originals_ok++;
            t->acked_fen += x->fen;
            self->pool[self->n_pool++] = tag - self->n_lines;
        }
    } else if (tag >= self->n_lines + self->n_pay) {
        const stream_plant_t *pl = &self->plants[tag - self->n_lines - self->n_pay];
        self->answered++;
        if (pl->kind == DW_TEST_RESEND)
            expected = a->ok && a->dup && a->seq == self->pay[pl->target].seq;
        else if (pl->kind == DW_TEST_ID_CONFLICT)
            expected = !a->ok && strcmp(a->code, "conflict") == 0;
    }
    if (!expected) {
        t->unexpected++;
        fprintf(stderr, "stream: message %s answered %s%s seq %lld, which its kind does not call for\n", a->id,
                a->ok ? "ok" : a->code, a->dup ? " dup" : "", (long long)a->seq);
    }
}

/* Plants one message of this kind on a payment answered ok that has no copy
 * out and nothing planted on it yet: 1 sent, 0 none such now, -1 failure. */
static int stream_plant(dw_test_stream_t *self, dw_test_plant_t kind, dw_buf_t *buf)
{
    size_t target = SIZE_MAX;
    for (int tries = 0; tries < STREAM_PICK_TRIES && self->n_pool > 0 && target == SIZE_MAX; tries++) {
        size_t j = below(&self->pick_rng, self->n_pool), i = self->pool[j];
        if (dw_test_window_copies_out(self->w, self->n_lines + i) > 0)
            continue; /* an answer may still come for it: its id must stay unambiguous */
        self->pool[j] = self->pool[--self->n_pool];
        target = i;
    }
    if (target == SIZE_MAX)
        return 0;
    size_t p = self->n_plants++;
    self->plants[p] = (stream_plant_t){kind, target};
    self->pay[target].used = true;
    char id[32];
    int64_t ts = DW_TEST_TS + (int64_t)target, delta = 0;
    dw_test_stream_payment_id(target, id, sizeof id);
    switch (kind) {
    case DW_TEST_RESEND: break;
    case DW_TEST_ID_CONFLICT: delta = 1; break;
    case DW_TEST_VOUCHER_REPEAT: snprintf(id, sizeof id, "TR-%07zu", p), ts = STREAM_PLANT_TS + (int64_t)p; break;
    default: snprintf(id, sizeof id, "TV-%07zu", p), ts = STREAM_PLANT_TS + (int64_t)p, delta = 100; break;
    }
    if (!dw_strmap_put(self->planted[kind], id, NULL) || stream_encode_payment(self, target, id, ts, delta, buf) != 0 ||
        dw_test_window_send(self->w, self->n_lines + self->n_pay + p, id, buf->data, buf->len, STREAM_SEND_WAIT) != 0)
        return -1;
    self->tally.planted[kind]++;
    return 1;
}

/* Plants what is waiting, as far as there are payments to plant on. */
static int stream_plant_waiting(dw_test_stream_t *self, size_t *waiting, dw_buf_t *buf)
{
    for (int k = 0; k < DW_TEST_PLANTS; k++)
        while (waiting[k] > 0) {
            int rc = stream_plant(self, (dw_test_plant_t)k, buf);
            if (rc < 0)
                return -1;
            if (rc == 0)
                return 0;
            waiting[k]--;
        }
    return 0;
}

int dw_test_stream_run(dw_test_stream_t *self, void *zmq_ctx, const char *endpoint, size_t window, int resend_ms,
                       int timeout_ms, void (*progress)(void *arg, size_t answered), void *arg,
                       dw_test_window_stats_t *stats)
{
    int64_t end = dw_mono_ms() + timeout_ms;
    size_t tags = self->n_lines + self->n_pay + self->max_plants;
    self->w = dw_test_window_new(zmq_ctx, endpoint, tags, window, resend_ms, stream_on_ack, self);
    dw_buf_t buf = DW_BUF_INIT;
    size_t waiting[DW_TEST_PLANTS] = {0}, next = 0;
    int rc = -1;
    if (!self->w)
        goto out;
    /* the budget lines first, all stored before any payment is judged */
    for (size_t i = 0; i < self->n_lines; i++) {
        char id[32];
        snprintf(id, sizeof id, "B-%04zu", i + 1);
        if (stream_encode_line(self, i, &buf) != 0 ||
            dw_test_window_send(self->w, i, id, buf.data, buf.len, STREAM_SEND_WAIT) != 0)
            goto out;
    }
    if (dw_test_window_drain(self->w, timeout_ms) != 0) {
        fprintf(stderr, "stream: the budget lines were not all answered\n");
        goto out;
    }
    for (size_t s = 0; s < self->o.payments; s++) {
        if (self->slots[s] == 0) {
            char id[32];
            dw_test_stream_payment_id(next, id, sizeof id);
            if (stream_encode_payment(self, next, id, DW_TEST_TS + (int64_t)next, 0, &buf) != 0 ||
                dw_test_window_send(self->w, self->n_lines + next, id, buf.data, buf.len, STREAM_SEND_WAIT) != 0)
                goto out;
            next++;
        } else {
            waiting[self->slots[s] - 1]++;
        }
        if (stream_plant_waiting(self, waiting, &buf) != 0)
            goto out;
        if (progress)
            progress(arg, self->answered);
        if (dw_mono_ms() > end)
            goto out;
    }
    /* the plants that found no payment to copy in time */
    for (;;) {
        size_t left = 0;
        for (int k = 0; k < DW_TEST_PLANTS; k++)
            left += waiting[k];
        if (left == 0)
            break;
        if (stream_plant_waiting(self, waiting, &buf) != 0 || dw_mono_ms() > end)
            goto out;
        dw_test_window_pump(self->w, 50);
        if (progress)
            progress(arg, self->answered);
    }
    while (dw_test_window_in_flight(self->w) > 0 && dw_mono_ms() < end) {
        dw_test_window_pump(self->w, 100);
        if (progress)
            progress(arg, self->answered);
    }
    rc = dw_test_window_in_flight(self->w) == 0 ? 0 : -1;
out:
    if (rc != 0)
        fprintf(stderr, "stream: stopped with %zu of %zu payment messages answered\n", self->answered,
                self->o.payments);
    if (stats && self->w)
        dw_test_window_get_stats(self->w, stats);
    dw_test_window_destroy(&self->w);
    dw_buf_free(&buf);
    return rc;
}

void dw_test_stream_compare(const dw_test_stream_t *self, const PGresult *rows, dw_test_compare_t *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *seen = calloc(self->n_pay ? self->n_pay : 1, 1);
    if (!seen) {
        out->missing = self->n_pay;
        return;
    }
    for (int r = 0; r < PQntuples(rows); r++) {
        const char *voucher = PQgetvalue(rows, r, 0), *id = PQgetvalue(rows, r, 2);
        int64_t fen = strtoll(PQgetvalue(rows, r, 1), NULL, 10);
        out->sum_fen += fen;
        char *end = NULL;
        unsigned long long i =
            strncmp(voucher, "GK2026", 6) == 0 && strlen(voucher) == 13 ? strtoull(voucher + 6, &end, 10) : ULLONG_MAX;
        if (i >= self->n_pay || !end || *end || !self->pay[i].ok) {
            out->unexpected++;
            continue;
        }
        if (seen[i]++) {
            out->twice++;
            continue;
        }
        char want[32];
        dw_test_stream_payment_id((size_t)i, want, sizeof want);
        if (fen != self->pay[i].fen)
            out->wrong_amount++;
        else if (strcmp(id, want) != 0)
            out->wrong_id++;
        else
            out->matched++;
    }
    for (size_t i = 0; i < self->n_pay; i++)
        out->missing += self->pay[i].ok && !seen[i];
    free(seen);
}
