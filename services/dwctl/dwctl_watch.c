/* dwctl watch — dw-notify's events as they are published, one line each.
 *
 * A SUB socket; each message is [topic][envelope]. An envelope that does not
 * decode is a warning line with its code, never the end of the watch. Sequence
 * numbers are followed per stream (dwctl_gaps) so a lost event shows as a
 * warning; replaying what was lost is for a later version. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_zmq.h"
#include "dwctl.h"
#include "dwctl_args.h"
#include "dwctl_event.h"
#include "dwctl_gaps.h"

#define DEFAULT_ENDPOINT "tcp://127.0.0.1:7405"
#define TOPIC_SHOWN_MAX  256  /* a topic longer than this is cut in the line */
#define GO               (-1) /* parse: carry on */

typedef struct watch_args {
    const char *endpoint;
    const char **topics; /* borrowed from argv; {""} when none given */
    size_t n_topics;
    long count;      /* 0: no limit */
    long timeout_ms; /* 0: no limit */
    bool heartbeats;
} watch_args_t;

typedef struct watch {
    const dwctl_ctx_t *ctx;
    const watch_args_t *args;
    void *sock;
    dwctl_gaps_t *gaps;
    long events;        /* lines printed for events */
    int64_t last_event; /* monotonic ms: start, then each event */
} watch_t;

enum { OPT_ENDPOINT = 256, OPT_TOPIC, OPT_COUNT, OPT_TIMEOUT, OPT_HEARTBEATS, OPT_HELP };

static const struct option options[] = {
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"topic", required_argument, NULL, OPT_TOPIC},
    {"count", required_argument, NULL, OPT_COUNT},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"heartbeats", no_argument, NULL, OPT_HEARTBEATS},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const char *all_topics[] = {""};

/* Returns GO, or the exit code to stop with. a->topics is allocated when
 * --topic was given (the caller frees it). */
static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, watch_args_t *a)
{
    *a = (watch_args_t){.endpoint = DEFAULT_ENDPOINT};
    a->topics = calloc((size_t)argc, sizeof *a->topics);
    if (!a->topics) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return DWCTL_EXIT_INCOMPLETE;
    }
    optind = 0; /* glibc: a fresh scan of this argv */
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (c) {
        case OPT_ENDPOINT: a->endpoint = optarg; break;
        case OPT_TOPIC: a->topics[a->n_topics++] = optarg; break;
        case OPT_COUNT:
            if (dwctl_parse_long("--count", optarg, 1, 1000000000, &a->count, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &a->timeout_ms, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_HEARTBEATS: a->heartbeats = true; break;
        case OPT_HELP: dwctl_usage(ctx->out, "watch"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "watch"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(ctx->err, "dwctl: watch takes no operands (\"%s\")\n", argv[optind]);
        dwctl_usage(ctx->err, "watch");
        return DWCTL_EXIT_USAGE;
    }
    if (a->n_topics == 0) {
        free(a->topics);
        a->topics = NULL;
    }
    return GO;
}

/* A heartbeat: the epoch and every stream's head, checked against what we saw. */
static int on_heartbeat(watch_t *w, const dw_msg_t *msg)
{
    const dw_obj_t *b = dw_msg_body_const(msg);
    int64_t epoch;
    if (dw_obj_int(b, "epoch", &epoch))
        dwctl_gaps_epoch(w->gaps, epoch, w->ctx->out);
    size_t n = dw_obj_count(b, "heads");
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *h = dw_obj_item_map(b, "heads", i);
        const char *stream = dw_obj_str(h, "stream");
        int64_t head;
        /* The heartbeat stream's own head is this very message: already noted. */
        const char *own = dw_msg_stream(msg);
        if (!stream || !dw_obj_int(h, "head", &head) || (own && strcmp(stream, own) == 0))
            continue;
        if (dwctl_gaps_head(w->gaps, stream, head, w->ctx->out) != 0)
            return -1;
    }
    return 0;
}

/* One [topic][envelope]. Returns 0, or -1 when memory ran out. */
static int on_message(watch_t *w, dw_frames_t *f)
{
    FILE *out = w->ctx->out;
    if (f->n != 2 || f->too_many) {
        fprintf(out, "warning: a message of %zu frames, not [topic][envelope]\n", f->n);
        fflush(out);
        return 0;
    }
    char topic[TOPIC_SHOWN_MAX + 1];
    size_t tlen = dw_frame_size(f, 0) < TOPIC_SHOWN_MAX ? dw_frame_size(f, 0) : TOPIC_SHOWN_MAX;
    memcpy(topic, dw_frame_data(f, 0), tlen);
    topic[tlen] = '\0';

    dw_error_t err = {0};
    dw_msg_t *msg = dw_msg_decode(dw_frame_data(f, 1), dw_frame_size(f, 1), NULL, &err);
    if (!msg) {
        fprintf(out, "warning: an event on %s that does not decode: %s: %s", topic, dw_code_name(err.code),
                err.message);
        if (err.field[0])
            fprintf(out, " (field %s)", err.field);
        fputc('\n', out);
        fflush(out);
        return 0;
    }
    int rc = 0;
    const char *stream = dw_msg_stream(msg);
    int64_t seq;
    bool heartbeat = strcmp(dw_msg_type(msg), "heartbeat") == 0;
    if (stream && dw_msg_seq(msg, &seq))
        rc = dwctl_gaps_note(w->gaps, stream, seq, out);
    else if (!heartbeat) /* a heartbeat is not kept, so it may go without a sequence */
        fprintf(out, "warning: an event on %s without stream and seq\n", topic);
    if (rc == 0 && heartbeat)
        rc = on_heartbeat(w, msg);
    if (!heartbeat || w->args->heartbeats) {
        dwctl_event_print(out, topic, msg);
        w->events++;
        w->last_event = dw_mono_ms();
    }
    fflush(out);
    dw_msg_destroy(&msg);
    return rc;
}

/* Reads what is waiting. Returns 0, or -1 on a failure. */
static int drain(watch_t *w)
{
    for (;;) {
        if (w->args->count && w->events >= w->args->count)
            return 0;
        dw_frames_t f;
        if (dw_frames_recv(w->sock, &f, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 0;
            if (errno == EINTR)
                continue;
            fprintf(w->ctx->err, "dwctl: could not receive: %s\n", zmq_strerror(errno));
            return -1;
        }
        int rc = on_message(w, &f);
        dw_frames_close(&f);
        if (rc != 0) {
            fprintf(w->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
    }
}

static int loop(watch_t *w)
{
    const watch_args_t *a = w->args;
    for (;;) {
        if (a->count && w->events >= a->count)
            return DWCTL_EXIT_OK;
        long wait = -1;
        if (a->timeout_ms) {
            int64_t left = w->last_event + a->timeout_ms - dw_mono_ms();
            if (left <= 0)
                return a->count ? DWCTL_EXIT_INCOMPLETE : DWCTL_EXIT_OK; /* --count not reached */
            wait = (long)left;
        }
        zmq_pollitem_t items[2] = {{.socket = w->sock, .events = ZMQ_POLLIN},
                                   {.fd = w->ctx->signal_fd, .events = ZMQ_POLLIN}};
        if (zmq_poll(items, 2, wait) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(w->ctx->err, "dwctl: could not poll: %s\n", zmq_strerror(errno));
            return DWCTL_EXIT_INCOMPLETE;
        }
        if (items[1].revents & ZMQ_POLLIN)
            return DWCTL_EXIT_OK; /* SIGINT or SIGTERM: a clean end */
        if ((items[0].revents & ZMQ_POLLIN) && drain(w) != 0)
            return DWCTL_EXIT_INCOMPLETE;
    }
}

int dwctl_watch_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    watch_args_t a;
    int code = parse(ctx, argc, argv, &a);
    if (code != GO) {
        free(a.topics);
        return code;
    }
    const char **topics = a.topics ? a.topics : all_topics;
    size_t n_topics = a.topics ? a.n_topics : 1;

    code = DWCTL_EXIT_INCOMPLETE;
    watch_t w = {.ctx = ctx, .args = &a, .last_event = dw_mono_ms()};
    void *zctx = zmq_ctx_new();
    w.gaps = dwctl_gaps_new(topics, n_topics);
    dw_zmq_opts_t o = {.linger_ms = 0};
    if (!zctx || !w.gaps || !(w.sock = dw_zmq_socket(zctx, ZMQ_SUB, a.endpoint, false, &o)))
        goto done;
    for (size_t i = 0; i < n_topics; i++)
        if (zmq_setsockopt(w.sock, ZMQ_SUBSCRIBE, topics[i], strlen(topics[i])) != 0) {
            fprintf(ctx->err, "dwctl: could not subscribe to \"%s\": %s\n", topics[i], zmq_strerror(errno));
            goto done;
        }
    code = loop(&w);
done:
    fflush(ctx->out);
    dw_zmq_close(&w.sock);
    if (zctx)
        zmq_ctx_term(zctx);
    dwctl_gaps_destroy(&w.gaps);
    free(a.topics);
    return code;
}
