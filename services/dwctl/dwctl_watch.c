/* dwctl watch — dw-notify's events, one line each, with none missed.
 *
 * The pattern of the contract (SPEC.md, Replay): subscribe first (a SUB
 * socket; each message is [topic][envelope]), then replay what came before
 * (--from-start, --since), print it in order, then go live and drop a live
 * event at or below the position of its stream (dwctl_gaps): the feed gives
 * again what the replay already gave. A skip in a stream's sequence, or a
 * heartbeat head beyond the position, is repaired by a replay from the
 * position (dwctl_replay) before the watch carries on; a new outbox epoch
 * starts every stream again from 0. Heartbeats are subscribed to whatever
 * the topics, for their heads (a loss with nothing published after it shows
 * only there); they are printed only with --heartbeats. An envelope that does
 * not decode is a warning line with its code, never the end of the watch.
 *
 * One thread, one poll loop: a replay is a synchronous request with a
 * timeout, and live events wait in the SUB's queue meanwhile (a queue that
 * overflows shows up as one more gap, repaired the same way). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include "dwctl_replay.h"

#define DEFAULT_ENDPOINT        "tcp://127.0.0.1:7405"
#define DEFAULT_REPLAY_ENDPOINT "tcp://127.0.0.1:7406"
#define DEFAULT_REPLAY_TIMEOUT  2000 /* ms: an answer is one indexed query away */
#define TOPIC_SHOWN_MAX         256  /* a topic longer than this is cut in the line */
#define HEARTBEAT_TOPIC         "heartbeat."
#define GO                      (-1) /* parse: carry on */
#define GONE_TRIES              3    /* retention may move on while we ask again */
#define EPOCH_ROUNDS            3    /* an outbox reset during the restart after one */

typedef struct watch_args {
    const char *endpoint;
    const char *replay_endpoint;
    const char **topics; /* borrowed from argv; {""} when none given */
    size_t n_topics;
    long count;      /* 0: no limit */
    long timeout_ms; /* 0: no limit */
    long replay_timeout_ms;
    bool heartbeats;
    bool from_start;
    int64_t since[DWCTL_GAPS_N_STREAMS]; /* -1: not given */
} watch_args_t;

typedef struct watch {
    const dwctl_ctx_t *ctx;
    const watch_args_t *args;
    void *sock;
    dwctl_gaps_t *gaps;
    dwctl_replay_t *replay;
    long events;        /* lines printed for events */
    int64_t last_event; /* monotonic ms: start, then each event */
    int64_t new_epoch;  /* the epoch a replay answer came back with */
} watch_t;

/* How a catch-up ended. */
typedef enum {
    CU_DONE,   /* the stream is printed through its head */
    CU_FAILED, /* no replay: the reason is in the caller's buffer */
    CU_EPOCH,  /* the outbox was reset: w->new_epoch */
    CU_STOP,   /* --count reached, or a signal waits on the fd */
    CU_NOMEM,
} catch_up_t;

/* One replay's bookkeeping for its callback. */
typedef struct replaying {
    watch_t *w;
    const char *stream;
    int64_t missed_to; /* the last seq of the gap being repaired; 0 at a start */
    long missed;       /* events of the gap printed */
} replaying_t;

enum {
    OPT_ENDPOINT = 256,
    OPT_TOPIC,
    OPT_COUNT,
    OPT_TIMEOUT,
    OPT_HEARTBEATS,
    OPT_REPLAY_ENDPOINT,
    OPT_REPLAY_TIMEOUT,
    OPT_FROM_START,
    OPT_SINCE,
    OPT_HELP
};

static const struct option options[] = {
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"topic", required_argument, NULL, OPT_TOPIC},
    {"count", required_argument, NULL, OPT_COUNT},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"heartbeats", no_argument, NULL, OPT_HEARTBEATS},
    {"replay-endpoint", required_argument, NULL, OPT_REPLAY_ENDPOINT},
    {"replay-timeout-ms", required_argument, NULL, OPT_REPLAY_TIMEOUT},
    {"from-start", no_argument, NULL, OPT_FROM_START},
    {"since", required_argument, NULL, OPT_SINCE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const char *all_topics[] = {""};

/* --since STREAM=N. Returns 0, or -1 after saying why on err. */
static int parse_since(const char *text, watch_args_t *a, FILE *err)
{
    const char *eq = strchr(text, '=');
    char stream[16] = "";
    if (eq && (size_t)(eq - text) < sizeof stream)
        memcpy(stream, text, (size_t)(eq - text));
    int i = dwctl_gaps_index(stream);
    if (!eq || i < 0) {
        fprintf(err, "dwctl: --since: \"%s\" is not STREAM=N with STREAM one of alert task notice treasury reject\n",
                text);
        return -1;
    }
    long n;
    if (dwctl_parse_long("--since", eq + 1, 0, LONG_MAX, &n, err) != 0)
        return -1;
    a->since[i] = n;
    return 0;
}

/* Returns GO, or the exit code to stop with. a->topics is allocated when
 * --topic was given (the caller frees it). */
static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, watch_args_t *a)
{
    *a = (watch_args_t){.endpoint = DEFAULT_ENDPOINT,
                        .replay_endpoint = DEFAULT_REPLAY_ENDPOINT,
                        .replay_timeout_ms = DEFAULT_REPLAY_TIMEOUT};
    for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS; i++)
        a->since[i] = -1;
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
        case OPT_REPLAY_ENDPOINT: a->replay_endpoint = optarg; break;
        case OPT_REPLAY_TIMEOUT:
            if (dwctl_parse_long("--replay-timeout-ms", optarg, 1, 600000, &a->replay_timeout_ms, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_FROM_START: a->from_start = true; break;
        case OPT_SINCE:
            if (parse_since(optarg, a, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
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

static bool count_reached(const watch_t *w)
{
    return w->args->count && w->events >= w->args->count;
}

static void print_event(watch_t *w, const char *topic, const dw_msg_t *msg)
{
    dwctl_event_print(w->ctx->out, topic, msg);
    w->events++;
    w->last_event = dw_mono_ms();
}

/* ---- replay ---- */

/* dwctl_replay's callback: one stored event, in order. */
static int on_replayed(void *arg, const char *topic, const dw_msg_t *msg)
{
    replaying_t *r = arg;
    watch_t *w = r->w;
    int64_t seq = 0, last = 0;
    (void)dw_msg_seq(msg, &seq);
    if (dwctl_gaps_check(w->gaps, r->stream, seq, &last) == DWCTL_SEQ_SEEN)
        return 0;
    dwctl_gaps_advance(w->gaps, r->stream, seq);
    /* Several prefixes inside one stream are replayed whole: keep what the feed would give. */
    if (!dwctl_gaps_wanted(w->gaps, topic))
        return 0;
    print_event(w, topic, msg);
    if (seq <= r->missed_to)
        r->missed++;
    return count_reached(w) ? 1 : 0;
}

/* Replays r->stream from its position through its head, printing what the
 * subscription takes; a gone answer goes on from the oldest event kept. */
static catch_up_t catch_up(watch_t *w, replaying_t *r, char *reason, size_t n)
{
    FILE *out = w->ctx->out;
    const char *stream = r->stream;
    for (int tries = 0;; tries++) {
        int64_t since = 0;
        (void)dwctl_gaps_position(w->gaps, stream, &since);
        dwctl_replay_result_t res;
        dwctl_replay_status_t st = dwctl_replay_run(w->replay, stream, since, dwctl_gaps_filter(w->gaps, stream),
                                                    dwctl_gaps_epoch(w->gaps), on_replayed, r, &res);
        if (res.epoch && !dwctl_gaps_epoch(w->gaps))
            (void)dwctl_gaps_epoch_changed(w->gaps, res.epoch); /* the first epoch we learn */
        fflush(out);
        switch (st) {
        case DWCTL_REPLAY_OK:
            /* Filtered, the head may lie beyond the last event that came: nothing of ours is there. */
            dwctl_gaps_advance(w->gaps, stream, res.head);
            return CU_DONE;
        case DWCTL_REPLAY_GONE:
            if (tries + 1 >= GONE_TRIES || res.oldest - 1 <= res.last) {
                snprintf(reason, n, "gone after %lld although the oldest kept is %lld", (long long)res.last,
                         (long long)res.oldest);
                return CU_FAILED;
            }
            fprintf(
                out,
                "warning: stream %s: the events after %lld are gone, the oldest kept is %lld: going on from there\n",
                stream, (long long)res.last, (long long)res.oldest);
            dwctl_gaps_set(w->gaps, stream, res.oldest - 1);
            continue;
        case DWCTL_REPLAY_EPOCH: w->new_epoch = res.epoch; return CU_EPOCH;
        case DWCTL_REPLAY_FAILED: snprintf(reason, n, "%s", res.reason); return CU_FAILED;
        case DWCTL_REPLAY_STOPPED: return CU_STOP;
        case DWCTL_REPLAY_NOMEM: return CU_NOMEM;
        }
        return CU_FAILED; /* not reached: every status is handled above */
    }
}

/* The outbox was reset (a restore): every covered stream again from 0. */
static catch_up_t restart(watch_t *w, int64_t epoch)
{
    FILE *out = w->ctx->out;
    for (int round = 0; round < EPOCH_ROUNDS; round++) {
        fprintf(out, "warning: outbox epoch changed from %lld to %lld: every stream starts again\n",
                (long long)dwctl_gaps_epoch(w->gaps), (long long)epoch);
        (void)dwctl_gaps_epoch_changed(w->gaps, epoch);
        for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS; i++)
            dwctl_gaps_set(w->gaps, dwctl_gaps_stream(i), 0);
        catch_up_t cu = CU_DONE;
        for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS && cu != CU_EPOCH; i++) {
            const char *stream = dwctl_gaps_stream(i);
            if (!dwctl_gaps_covers(w->gaps, stream))
                continue;
            replaying_t r = {.w = w, .stream = stream};
            char reason[200];
            cu = catch_up(w, &r, reason, sizeof reason);
            if (cu == CU_STOP || cu == CU_NOMEM)
                return cu;
            if (cu == CU_FAILED)
                fprintf(out, "warning: could not replay stream %s from the start: %s\n", stream, reason);
        }
        if (cu != CU_EPOCH)
            return CU_DONE;
        epoch = w->new_epoch;
    }
    fprintf(out, "warning: the outbox epoch keeps changing: going on with the live feed\n");
    return CU_DONE;
}

/* Events after last through to of stream did not arrive live: replays them.
 * shown says how the gap showed, for the warning when it stays. */
static catch_up_t repair(watch_t *w, const char *stream, int64_t last, int64_t to, const char *shown)
{
    FILE *out = w->ctx->out;
    replaying_t r = {.w = w, .stream = stream, .missed_to = to};
    char reason[200];
    catch_up_t cu = catch_up(w, &r, reason, sizeof reason);
    bool whole = dwctl_gaps_whole(w->gaps, stream);
    if (cu == CU_DONE && r.missed > 0)
        fprintf(out, "gap in stream %s repaired from replay: %lld..%lld (%ld event%s)\n", stream, (long long)(last + 1),
                (long long)to, r.missed, r.missed == 1 ? "" : "s");
    else if ((cu == CU_DONE || cu == CU_FAILED) && whole) /* filtered, a skip need not be a loss */
        fprintf(out, "warning: gap in stream %s: expected %lld, %s\n", stream, (long long)(last + 1), shown);
    if (cu == CU_FAILED)
        fprintf(out, "warning: could not replay stream %s after %lld: %s\n", stream, (long long)last, reason);
    fflush(out);
    return cu;
}

/* Before going live: each covered stream from where --since or --from-start says. */
static catch_up_t start(watch_t *w)
{
    const watch_args_t *a = w->args;
    for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS; i++) {
        const char *stream = dwctl_gaps_stream(i);
        if (!dwctl_gaps_covers(w->gaps, stream) || (a->since[i] < 0 && !a->from_start))
            continue;
        dwctl_gaps_set(w->gaps, stream, a->since[i] < 0 ? 0 : a->since[i]);
        replaying_t r = {.w = w, .stream = stream};
        char reason[200];
        catch_up_t cu = catch_up(w, &r, reason, sizeof reason);
        if (cu == CU_EPOCH) /* every stream from 0 in the new epoch: that covers the starts given */
            return restart(w, w->new_epoch);
        if (cu == CU_STOP || cu == CU_NOMEM)
            return cu;
        if (cu == CU_FAILED) /* the position stays: a later gap tries again, or says what was lost */
            fprintf(w->ctx->out, "warning: could not replay stream %s after %lld: %s\n", stream,
                    (long long)(a->since[i] < 0 ? 0 : a->since[i]), reason);
    }
    fflush(w->ctx->out);
    return CU_DONE;
}

/* ---- live ---- */

/* A heartbeat: the epoch, and every covered stream's head against its position. */
static catch_up_t on_heartbeat(watch_t *w, const dw_msg_t *msg)
{
    const dw_obj_t *b = dw_msg_body_const(msg);
    int64_t epoch;
    if (dw_obj_int(b, "epoch", &epoch)) {
        int64_t known = dwctl_gaps_epoch(w->gaps);
        if (known && epoch != known)
            return restart(w, epoch); /* the heads are of the new epoch: the restart read them all */
        (void)dwctl_gaps_epoch_changed(w->gaps, epoch);
    }
    size_t n = dw_obj_count(b, "heads");
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *h = dw_obj_item_map(b, "heads", i);
        const char *stream = dw_obj_str(h, "stream");
        int64_t head, last;
        if (!stream || !dw_obj_int(h, "head", &head) || !dwctl_gaps_covers(w->gaps, stream))
            continue;
        if (!dwctl_gaps_position(w->gaps, stream, &last)) {
            dwctl_gaps_set(w->gaps, stream, head); /* joined without a start: from here on */
            continue;
        }
        if (head <= last)
            continue;
        char shown[48];
        snprintf(shown, sizeof shown, "heartbeat says head %lld", (long long)head);
        catch_up_t cu = repair(w, stream, last, head, shown);
        if (cu == CU_FAILED)
            dwctl_gaps_advance(w->gaps, stream, head); /* said; not asked again at every heartbeat */
        else if (cu == CU_EPOCH)
            return restart(w, w->new_epoch);
        else if (cu != CU_DONE)
            return cu;
    }
    return CU_DONE;
}

/* A published event with its stream and seq. */
static catch_up_t on_event(watch_t *w, const char *topic, const dw_msg_t *msg, const char *stream, int64_t seq)
{
    int64_t last = 0;
    catch_up_t cu = CU_DONE;
    switch (dwctl_gaps_check(w->gaps, stream, seq, &last)) {
    case DWCTL_SEQ_SEEN: return CU_DONE;
    case DWCTL_SEQ_UNTRACKED:
    case DWCTL_SEQ_FIRST:
    case DWCTL_SEQ_NEXT: break;
    case DWCTL_SEQ_GAP: {
        char shown[32];
        snprintf(shown, sizeof shown, "got %lld", (long long)seq);
        cu = repair(w, stream, last, seq - 1, shown);
        if (cu == CU_EPOCH)
            cu = restart(w, w->new_epoch);
        if (cu == CU_STOP || cu == CU_NOMEM)
            return cu;
        /* Repaired, the replay printed this event too; else it is printed now. */
        if (dwctl_gaps_check(w->gaps, stream, seq, &last) == DWCTL_SEQ_SEEN)
            return CU_DONE;
        break;
    }
    }
    dwctl_gaps_advance(w->gaps, stream, seq);
    print_event(w, topic, msg);
    return CU_DONE;
}

/* One [topic][envelope]. Returns 0, 1 to stop reading (--count reached or a
 * signal came during a replay), or -1 when memory ran out. */
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
    catch_up_t cu = CU_DONE;
    const char *stream = dw_msg_stream(msg);
    int64_t seq;
    if (strcmp(dw_msg_type(msg), "heartbeat") == 0) {
        /* Subscribed to for the heads; printed only when asked for. */
        cu = on_heartbeat(w, msg);
        if (w->args->heartbeats && cu != CU_STOP && cu != CU_NOMEM && !count_reached(w))
            print_event(w, topic, msg);
    } else if (stream && dw_msg_seq(msg, &seq)) {
        cu = on_event(w, topic, msg, stream, seq);
    } else {
        fprintf(out, "warning: an event on %s without stream and seq\n", topic);
        print_event(w, topic, msg);
    }
    fflush(out);
    dw_msg_destroy(&msg);
    return cu == CU_NOMEM ? -1 : cu == CU_STOP ? 1 : 0;
}

/* Reads what is waiting. Returns 0, or -1 on a failure. */
static int drain(watch_t *w)
{
    for (;;) {
        if (count_reached(w))
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
        if (rc > 0)
            return 0; /* the loop sees the signal, or the count */
        if (rc < 0) {
            fprintf(w->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
    }
}

static int loop(watch_t *w)
{
    const watch_args_t *a = w->args;
    for (;;) {
        if (count_reached(w))
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

/* The user's prefixes, and heartbeats for the heads when none of them takes them. */
static int subscribe(watch_t *w, const char **topics, size_t n_topics)
{
    for (size_t i = 0; i <= n_topics; i++) {
        const char *t = i < n_topics ? topics[i] : HEARTBEAT_TOPIC;
        if (i == n_topics && dwctl_gaps_wanted(w->gaps, HEARTBEAT_TOPIC))
            break;
        if (zmq_setsockopt(w->sock, ZMQ_SUBSCRIBE, t, strlen(t)) != 0) {
            fprintf(w->ctx->err, "dwctl: could not subscribe to \"%s\": %s\n", t, zmq_strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* Each --since must name a stream the subscription covers. */
static int check_since(const watch_t *w)
{
    for (size_t i = 0; i < DWCTL_GAPS_N_STREAMS; i++)
        if (w->args->since[i] >= 0 && !dwctl_gaps_covers(w->gaps, dwctl_gaps_stream(i))) {
            fprintf(w->ctx->err, "dwctl: --since: the topics watched take nothing of stream %s\n",
                    dwctl_gaps_stream(i));
            return -1;
        }
    return 0;
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
    void *zctx = NULL;
    w.gaps = dwctl_gaps_new(topics, n_topics);
    if (!w.gaps) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    if (check_since(&w) != 0) {
        dwctl_usage(ctx->err, "watch");
        code = DWCTL_EXIT_USAGE;
        goto done;
    }
    zctx = zmq_ctx_new();
    dw_zmq_opts_t o = {.linger_ms = 0};
    if (!zctx || !(w.sock = dw_zmq_socket(zctx, ZMQ_SUB, a.endpoint, false, &o)) ||
        subscribe(&w, topics, n_topics) != 0)
        goto done;
    w.replay = dwctl_replay_new(zctx, a.replay_endpoint, a.replay_timeout_ms, ctx->signal_fd, ctx->out);
    if (!w.replay)
        goto done; /* the reason is logged, as for the SUB */
    /* Subscribed before the replay: what is published meanwhile waits in the
     * SUB's queue, and the positions drop what the replay already gave. */
    if (start(&w) == CU_NOMEM) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    code = loop(&w);
done:
    fflush(ctx->out);
    dwctl_replay_destroy(&w.replay);
    dw_zmq_close(&w.sock);
    if (zctx)
        zmq_ctx_term(zctx);
    dwctl_gaps_destroy(&w.gaps);
    free(a.topics);
    return code;
}
