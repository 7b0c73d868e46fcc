/* dw_producer — a test producer and subscriber over real sockets: builds the
 * messages of one sample project, sends them as a DEALER ([empty][message])
 * and waits for each ack; reads [topic][envelope] from a SUB. */
#ifndef DW_PRODUCER_H
#define DW_PRODUCER_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_msg.h"

#define DW_TEST_TS 1767225600000 /* 2026-01-01T08:00:00+08:00 */

/* budget.allocation of line ZB2026-101-0001 for project P2026-101-001 (dept 101). */
dw_msg_t *dw_test_allocation(const char *id, int64_t current_fen);
/* treasury.payment on that project. */
dw_msg_t *dw_test_payment(const char *id, const char *voucher, const char *date, int64_t fen);

typedef struct dw_test_ack {
    bool ok, dup;
    int64_t seq;
    char id[96], code[48], field[96];
} dw_test_ack_t;

/* Sends bytes and waits (10 s) for the ack: 0, or -1 if none came. */
int dw_test_send_raw(void *dealer, const void *data, size_t len, dw_test_ack_t *ack);
/* Encodes, sends, waits; destroys m. */
int dw_test_send(void *dealer, dw_msg_t *m, dw_test_ack_t *ack);
/* The next published event (NULL after timeout_ms); topic copied out. */
dw_msg_t *dw_test_next_event(void *sub, char *topic, size_t n, int timeout_ms);

/* One replay request over a REQ socket; the decoded replay.answer, or NULL. */
dw_msg_t *dw_test_replay(void *zmq_ctx, const char *endpoint, const char *stream, int64_t since, const char *prefix,
                         int64_t limit);

/* ---- many messages in flight (integration.stream, integration.chaos) ---- */

/* A producer as the contract describes one: a DEALER with up to `window`
 * messages unacknowledged, each kept (its bytes) until a final ack arrives and
 * sent again, same bytes, when none came within resend_ms or when the
 * connection was reset (a socket monitor sees the disconnect). "internal" and
 * "busy" answers are not final: the message goes again shortly after. Each
 * message carries a tag (0 .. max_tags-1) chosen by the caller; acks are
 * matched by id to the message with that id that has copies out. */
typedef struct dw_test_window dw_test_window_t;

/* Called once per tag, with its first final ack. */
typedef void(dw_test_window_ack_fn)(void *arg, size_t tag, const dw_test_ack_t *ack);

typedef struct dw_test_window_stats {
    size_t sent;          /* first sends */
    size_t resent;        /* further copies (timeout, reset, internal/busy) */
    size_t acks;          /* acks received, final or not */
    size_t retry_answers; /* internal / busy */
    size_t late_acks;     /* acks for a tag already answered (a copy's answer) */
    size_t disagreeing;   /* late acks that contradict the first final one (ok, seq or code) */
    size_t stray;         /* acks for no message with copies out */
    size_t disconnects;   /* connection resets seen by the monitor */
} dw_test_window_stats_t;

dw_test_window_t *dw_test_window_new(void *zmq_ctx, const char *endpoint, size_t max_tags, size_t window, int resend_ms,
                                     dw_test_window_ack_fn *on_ack, void *arg);
void dw_test_window_destroy(dw_test_window_t **self_p);
/* Copies the message and sends it; first waits (handling acks) while the
 * window is full. 0, or -1 if no room came within timeout_ms. */
int dw_test_window_send(dw_test_window_t *self, size_t tag, const char *id, const void *data, size_t len,
                        int timeout_ms) __attribute__((warn_unused_result));
/* Handles acks, resends and resets for up to ms (returns sooner once something arrived). */
void dw_test_window_pump(dw_test_window_t *self, int ms);
/* Until every message has its final ack: 0, or -1 after timeout_ms. */
int dw_test_window_drain(dw_test_window_t *self, int timeout_ms) __attribute__((warn_unused_result));
size_t dw_test_window_in_flight(const dw_test_window_t *self);
/* Copies of this tag sent and not answered yet. */
unsigned dw_test_window_copies_out(const dw_test_window_t *self, size_t tag);
void dw_test_window_get_stats(const dw_test_window_t *self, dw_test_window_stats_t *out);

/* ---- a seeded stream of payments with duplicates and conflicts mixed in ---- */

/* What is planted besides the payments that carry a voucher of their own. */
typedef enum dw_test_plant {
    DW_TEST_RESEND = 0,       /* an earlier message again: same src + id, same bytes -> ack dup */
    DW_TEST_ID_CONFLICT,      /* same src + id, other bytes (amount + 1 fen) -> ack conflict, rejects (intake) */
    DW_TEST_VOUCHER_REPEAT,   /* same voucher, new id, same body -> stored once, silently */
    DW_TEST_VOUCHER_CONFLICT, /* same voucher, new id, amount + 100 fen -> rejects (validate), reject.notice */
    DW_TEST_PLANTS
} dw_test_plant_t;

typedef struct dw_test_stream_opts {
    uint64_t seed;
    size_t projects;               /* budget lines: 1 to 3 per project */
    size_t over_budget;            /* of which this many get a budget below what the stream pays on them */
    size_t payments;               /* treasury.payment messages in all, plants included */
    size_t plants[DW_TEST_PLANTS]; /* how many of each */
} dw_test_stream_opts_t;

typedef struct dw_test_project {
    char code[32], dept_code[8], unit_code[16], section_code[16], function_code[8], economic_code[8];
    const char *name;
    size_t n_lines;
    int64_t budget_fen;   /* the sum of its lines' current_fen */
    bool over_planted;    /* budget set below what the stream pays */
    int64_t paid_fen;     /* the sum of its payments, each voucher once */
    size_t n_payments;    /* payments with a voucher of their own */
    size_t n_over_budget; /* of which dw-validate flags over_budget, taken in the order they are sent */
    size_t first_over;    /* the first of those (a payment index), or SIZE_MAX */
} dw_test_project_t;

/* The generator's bookkeeping: what it sent and what came back. */
typedef struct dw_test_stream_tally {
    size_t lines;                   /* budget.allocation messages */
    size_t originals;               /* payments with a voucher of their own */
    size_t planted[DW_TEST_PLANTS]; /* sent */
    int64_t total_fen;              /* the sum over the originals */
    int64_t acked_fen;              /* the sum over the originals answered ok */
    /* first final ack of each message */
    size_t acked_new;      /* ok, not dup */
    size_t acked_dup;      /* ok, dup */
    size_t acked_conflict; /* conflict */
    size_t acked_other;    /* any other refusal */
    size_t originals_ok;   /* originals answered ok (new or dup) */
    size_t unexpected;     /* answers their kind does not call for (see dw_producer.c) */
} dw_test_stream_tally_t;

typedef struct dw_test_stream dw_test_stream_t;

dw_test_stream_t *dw_test_stream_new(const dw_test_stream_opts_t *opts);
void dw_test_stream_destroy(dw_test_stream_t **self_p);
/* Sends every budget line (and waits for their acks), then the payments, over
 * one window; returns once every message has its final ack (0), or -1 after
 * timeout_ms. progress, if set, is told how many payment messages have their
 * final ack, after each send. */
int dw_test_stream_run(dw_test_stream_t *self, void *zmq_ctx, const char *endpoint, size_t window, int resend_ms,
                       int timeout_ms, void (*progress)(void *arg, size_t answered), void *arg,
                       dw_test_window_stats_t *stats) __attribute__((warn_unused_result));
const dw_test_stream_tally_t *dw_test_stream_tally(const dw_test_stream_t *self);
size_t dw_test_stream_projects(const dw_test_stream_t *self);
const dw_test_project_t *dw_test_stream_project(const dw_test_stream_t *self, size_t i);
/* Payment i's voucher number and id (originals are numbered from 0). */
void dw_test_stream_voucher(size_t i, char *out, size_t n);
void dw_test_stream_payment_id(size_t i, char *out, size_t n);
/* Whether a plant of this kind went out under this id. */
bool dw_test_stream_planted_id(const dw_test_stream_t *self, dw_test_plant_t kind, const char *id);

/* Rows (voucher_no, amount_fen, id) of the payments table against the
 * originals acked ok: each must be there once, with its amount and its own id. */
typedef struct dw_test_compare {
    size_t matched;      /* acked originals found with the right amount and id */
    size_t missing;      /* acked originals not in the rows */
    size_t twice;        /* vouchers in more than one row */
    size_t unexpected;   /* rows for no acked original */
    size_t wrong_amount; /* found with another amount */
    size_t wrong_id;     /* found under another message's id */
    int64_t sum_fen;     /* of every row */
} dw_test_compare_t;

void dw_test_stream_compare(const dw_test_stream_t *self, const PGresult *rows, dw_test_compare_t *out);

/* --- many messages in flight, and the services' processes --- */

/* Sends bytes as [empty][message] with flags (ZMQ_DONTWAIT: -1 with errno
 * EAGAIN when the socket is at its high-water mark); does not wait. */
int dw_test_send_only(void *dealer, const void *data, size_t len, int flags);
/* Waits up to timeout_ms for the next ack on a DEALER; 0, or -1 if none came.
 * message (may be NULL) receives error.message, "" when there is none. */
int dw_test_recv_ack(void *dealer, int timeout_ms, dw_test_ack_t *ack, char *message, size_t message_n);

struct dw_harness;
/* The pid in <home>/run/<name>.pid, or -1. */
int dw_test_service_pid(const struct dw_harness *h, const char *name);
/* The process runs: it exists and is not a zombie nobody has reaped yet. */
bool dw_test_process_alive(int pid);
/* SIGTERM to a service (its pid file), then waits up to 15 s until it is
 * gone. 0 (also when it was not running), or -1 after printing why. */
int dw_test_stop_service(const struct dw_harness *h, const char *name);
/* Rewrites clock.as_of ("YYYY-MM-DD") in the harness's configuration in place
 * (the test's extra YAML must set it); a service started afterwards runs at
 * that date. 0 or -1. */
int dw_test_set_as_of(const struct dw_harness *h, const char *as_of);
/* A process's resident memory (VmRSS in /proc/<pid>/status) in KiB, or -1. */
int64_t dw_test_vmrss_kib(int pid);
/* Lines of <home>/run/<name>.log that contain needle (-1 if unreadable). */
int dw_test_log_lines(const struct dw_harness *h, const char *name, const char *needle);
/* Adds yaml_lines (each "  key: value\n") to the intake: section of the
 * harness's config and restarts the services so that they read it: the
 * harness writes intake: itself and the config refuses a key twice. 0 or -1. */
int dw_test_intake_config(struct dw_harness *h, const char *yaml_lines);

#endif
