/* dwctl bench — how fast dualwatch takes payments in, measured as a producer
 * sees it.
 *
 * A run is one budget.allocation per project, then N treasury.payment against
 * those projects, built and encoded before the clock starts. They go out over
 * one DEALER with at most W unacked, and each message is timed from its send
 * to its ack (CLOCK_MONOTONIC, microseconds). With --pipeline-conninfo the
 * bench then watches stage_cursors until dw-validate has read the last inbox
 * row and dw-analyze every event dw-validate wrote: the end-to-end drain.
 *
 * Every id, voucher, budget line and project carries a run tag taken from the
 * clock, so a second run stores new rows instead of being answered duplicate,
 * and its projects start with nothing paid. Budgets are sized above what the
 * run pays on them, so no payment is flagged: the pipeline does the everyday
 * work, not alert work.
 *
 * The exchange is timed here, not through dwctl_exchange, because that sender
 * keeps no per-message times; it is built from the same pieces (the DEALER of
 * dwctl_dealer_open, dwctl_pending for acks in any order, dwctl_ack), with the
 * same framing and the same rule: the socket stays open until every ack is in.
 * Refusals are counted, not retried: a retry would hide the refusal in the
 * figures. */
#include "dwctl_bench.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_pg.h"
#include "dw_zmq.h"
#include "dwctl_ack.h"
#include "dwctl_args.h"
#include "dwctl_batch.h"
#include "dwctl_pending.h"
#include "dwctl_sender.h"

#define DEFAULT_ENDPOINT   "tcp://127.0.0.1:7401"
#define DEFAULT_SRC        "bench"
#define DEFAULT_COUNT      10000
#define DEFAULT_WINDOW     1000
#define DEFAULT_PROJECTS   16
#define DEFAULT_SEED       1
#define DEFAULT_TIMEOUT_MS 30000
#define REFUSALS_LISTED    5
#define PIPELINE_POLL_MS   20
#define MIN_BUDGET_FEN     100000000 /* 1,000,000.00 yuan: a project the run pays nothing on */
#define BUDGET_STEP_FEN    1000000   /* budgets are approved in 10,000.00 yuan steps */
#define GO                 (-1)      /* parse: carry on */

/* ------------------------------------------------------------------ options */

typedef struct bench_args {
    const char *endpoint;
    const char *src;
    const char *conninfo; /* --pipeline-conninfo; NULL: ack figures only */
    long count, window, projects, seed, timeout_ms;
} bench_args_t;

enum {
    OPT_ENDPOINT = 256,
    OPT_COUNT,
    OPT_WINDOW,
    OPT_PROJECTS,
    OPT_SEED,
    OPT_SRC,
    OPT_TIMEOUT,
    OPT_PIPELINE,
    OPT_HELP
};

static const struct option options[] = {
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"count", required_argument, NULL, OPT_COUNT},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"projects", required_argument, NULL, OPT_PROJECTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"src", required_argument, NULL, OPT_SRC},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"pipeline-conninfo", required_argument, NULL, OPT_PIPELINE},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

/* Where a numeric option lands; NULL for the others. */
static long *number_of(bench_args_t *a, int opt)
{
    switch (opt) {
    case OPT_COUNT: return &a->count;
    case OPT_WINDOW: return &a->window;
    case OPT_PROJECTS: return &a->projects;
    case OPT_SEED: return &a->seed;
    case OPT_TIMEOUT: return &a->timeout_ms;
    default: return NULL;
    }
}

/* A numeric option's value into *out, within its range; -1 after the message. */
static int parse_number(const dwctl_ctx_t *ctx, int opt, long *out)
{
    static const struct {
        int opt;
        const char *name;
        long min, max;
    } ranges[] = {
        {OPT_COUNT, "--count", 1, 10000000},        {OPT_WINDOW, "--window", 1, 100000},
        {OPT_PROJECTS, "--projects", 1, 9999},      {OPT_SEED, "--seed", 0, 2147483647},
        {OPT_TIMEOUT, "--timeout-ms", 1, 86400000},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof *ranges; i++)
        if (ranges[i].opt == opt)
            return dwctl_parse_long(ranges[i].name, optarg, ranges[i].min, ranges[i].max, out, ctx->err);
    return -1;
}

/* Returns GO, or the exit code to stop with (usage; 0 after --help). */
static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, bench_args_t *a)
{
    *a = (bench_args_t){.endpoint = DEFAULT_ENDPOINT,
                        .src = DEFAULT_SRC,
                        .count = DEFAULT_COUNT,
                        .window = DEFAULT_WINDOW,
                        .projects = DEFAULT_PROJECTS,
                        .seed = DEFAULT_SEED,
                        .timeout_ms = DEFAULT_TIMEOUT_MS};
    optind = 0; /* glibc: a fresh scan of this argv */
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        long *number = number_of(a, c);
        if (number) {
            if (parse_number(ctx, c, number) != 0)
                return DWCTL_EXIT_USAGE;
            continue;
        }
        switch (c) {
        case OPT_ENDPOINT: a->endpoint = optarg; break;
        case OPT_SRC: a->src = optarg; break;
        case OPT_PIPELINE: a->conninfo = optarg; break;
        case OPT_HELP: dwctl_usage(ctx->out, "bench"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "bench"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(ctx->err, "dwctl: bench takes no arguments, only options (\"%s\")\n", argv[optind]);
        dwctl_usage(ctx->err, "bench");
        return DWCTL_EXIT_USAGE;
    }
    return GO;
}

/* ------------------------------------------------------- the synthetic run */

/* The sample bureau's four departments (deploy/dualwatch.yaml's sections). */
typedef struct dept {
    const char *code, *name, *section, *function_code;
    const char *unit_names[2];
    const char *project_names[3];
} dept_t;

static const dept_t depts[] = {
    {"101",
     "市教育局",
     "biz_edu",
     "2050202",
     {"市教育局本级", "市教育装备中心"},
     {"义务教育薄弱环节改善与能力提升项目", "校舍安全保障工程", "中小学教师培训专项"}},
    {"102",
     "市卫生健康委员会",
     "biz_social",
     "2100499",
     {"市卫生健康委员会本级", "市急救中心"},
     {"院前急救体系能力提升项目", "基本公共卫生服务补助资金", "医疗设备更新项目"}},
    {"103",
     "市人力资源和社会保障局",
     "biz_social",
     "2080705",
     {"市人力资源和社会保障局本级", "市职业技能鉴定指导中心"},
     {"职业技能提升行动项目", "就业补助资金", "高层次人才引进专项"}},
    {"104",
     "市交通运输局",
     "biz_econ",
     "2140106",
     {"市交通运输局本级", "市公路事业发展中心"},
     {"农村公路提档升级工程", "公路养护专项", "客运站改造项目"}},
};
#define N_DEPTS (sizeof depts / sizeof *depts)

/* Project kind and the economic code its payments usually carry. */
static const struct {
    const char *kind, *economic_code;
} kinds[] = {{"project", "31005"}, {"overall", "30201"}, {"transfer", "39999"}};
#define N_KINDS (sizeof kinds / sizeof *kinds)

static const char *const payees[] = {
    "市建工集团有限公司",
    "市城乡建设工程有限公司",
    "省教育装备有限公司",
    "市鑫达办公用品有限公司",
    "市文印中心",
    "中国电信股份有限公司本市分公司",
    "省医疗器械有限公司",
    "市信息产业集团有限公司",
    "市交通建设集团有限公司",
    "省路桥工程有限公司",
    "市公路勘察设计院",
    "市邮政分公司",
};
#define N_PAYEES (sizeof payees / sizeof *payees)

typedef struct project {
    char code[64];
    char line_id[64];
    char unit_code[16];
    char name[200];
    const dept_t *dept;
    size_t kind;
    size_t unit;      /* 0 or 1: which of the department's units */
    int64_t paid_fen; /* what the run pays on it */
} project_t;

typedef struct payment_plan {
    size_t project;
    size_t payee;
    bool authorised;
    int64_t amount_fen;
    int64_t day; /* days since 1970-01-01 */
} payment_plan_t;

typedef struct gen {
    char tag[16]; /* from the clock: what makes this run's keys new */
    int year;     /* fiscal year: this business year */
    int64_t ts;   /* envelope ts of every message */
    uint64_t rng;
    project_t *projects;
    size_t n_projects;
    payment_plan_t *plan;
    size_t n_payments;
} gen_t;

/* splitmix64: small, fast, and the same sequence for a seed everywhere. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return rng_next(s) % n; /* the bias is far below what a benchmark can see */
}

/* Upper-case base 36 of the wall clock in ms: 8 characters, new every ms. */
static void make_tag(char *out, size_t n, int64_t now_ms)
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    char rev[16];
    size_t len = 0;
    uint64_t v = (uint64_t)now_ms;
    do {
        rev[len++] = digits[v % 36];
        v /= 36;
    } while (v && len < sizeof rev);
    size_t k = 0;
    for (; k < len && k + 1 < n; k++)
        out[k] = rev[len - 1 - k];
    out[k] = '\0';
}

/* Most payments are small, a few are large: 70 % up to 50,000 yuan, 25 % up
 * to 500,000, 5 % up to 3,000,000, with fen. */
static int64_t pick_amount(uint64_t *s)
{
    uint64_t tier = rng_below(s, 100);
    int64_t lo = 1000, hi = 50000;
    if (tier >= 95)
        lo = 500000, hi = 3000000;
    else if (tier >= 70)
        lo = 50000, hi = 500000;
    return (lo + (int64_t)rng_below(s, (uint64_t)(hi - lo))) * 100 + (int64_t)rng_below(s, 100);
}

/* A weekday from 1 January to today (a weekend day moves to the Friday
 * before, or the Monday after when that would leave the year). */
static int64_t pick_day(uint64_t *s, int64_t first, int64_t last)
{
    int64_t d = first + (int64_t)rng_below(s, (uint64_t)(last - first + 1));
    int64_t wd = ((d + 4) % 7 + 7) % 7; /* 0 Sunday .. 6 Saturday: 1970-01-01 was a Thursday */
    if (wd == 6)
        d -= 1;
    else if (wd == 0)
        d -= 2;
    return d < first ? d + 3 : d;
}

static void init_project(gen_t *g, size_t i)
{
    project_t *p = &g->projects[i];
    p->dept = &depts[i % N_DEPTS]; /* dept codes cycle 101..104 */
    p->kind = (i / N_DEPTS) % N_KINDS;
    p->unit = (i / N_DEPTS) % 2;
    snprintf(p->code, sizeof p->code, "P%d-%s-%s-%03zu", g->year, p->dept->code, g->tag, i + 1);
    snprintf(p->line_id, sizeof p->line_id, "ZB%d-%s-%s-%03zu", g->year, p->dept->code, g->tag, i + 1);
    snprintf(p->unit_code, sizeof p->unit_code, "%s%03zu", p->dept->code, p->unit + 1);
    snprintf(p->name, sizeof p->name, "%s（%03zu）", p->dept->project_names[(i / N_DEPTS) % 3], i + 1);
}

/* Projects, then the payments against them; returns -1 when memory ran out. */
static int gen_plan(gen_t *g, const bench_args_t *a)
{
    g->ts = dw_now_ms();
    make_tag(g->tag, sizeof g->tag, g->ts);
    dw_date_t today = dw_business_date(g->ts);
    g->year = today.year;
    g->rng = (uint64_t)a->seed;
    g->n_projects = (size_t)a->projects;
    g->n_payments = (size_t)a->count;
    g->projects = calloc(g->n_projects, sizeof *g->projects);
    g->plan = calloc(g->n_payments, sizeof *g->plan);
    if (!g->projects || !g->plan)
        return -1;
    for (size_t i = 0; i < g->n_projects; i++)
        init_project(g, i);
    int64_t first = dw_date_to_days((dw_date_t){today.year, 1, 1}), last = dw_date_to_days(today);
    for (size_t i = 0; i < g->n_payments; i++) {
        payment_plan_t *p = &g->plan[i];
        p->project = (size_t)rng_below(&g->rng, g->n_projects);
        p->payee = (size_t)rng_below(&g->rng, N_PAYEES);
        p->authorised = rng_below(&g->rng, 10) < 3;
        p->amount_fen = pick_amount(&g->rng);
        p->day = pick_day(&g->rng, first, last);
        g->projects[p->project].paid_fen += p->amount_fen;
    }
    return 0;
}

static void gen_free(gen_t *g)
{
    free(g->projects);
    free(g->plan);
}

/* A quarter above what the run pays, in whole approval steps: no payment of
 * the run goes over budget. */
static int64_t budget_of(const project_t *p)
{
    int64_t want = p->paid_fen + p->paid_fen / 4;
    int64_t fen = (want / BUDGET_STEP_FEN + 1) * BUDGET_STEP_FEN;
    return fen > MIN_BUDGET_FEN ? fen : MIN_BUDGET_FEN;
}

static int set_allocation(dw_obj_t *b, const gen_t *g, const project_t *p)
{
    char approved[11];
    dw_date_format((dw_date_t){g->year, 1, 1}, approved);
    int64_t budget = budget_of(p);
    int rc = dw_obj_set_str(b, "line_id", p->line_id) | dw_obj_set_int(b, "fiscal_year", g->year) |
             dw_obj_set_str(b, "dept_code", p->dept->code) | dw_obj_set_str(b, "dept_name", p->dept->name) |
             dw_obj_set_str(b, "unit_code", p->unit_code) |
             dw_obj_set_str(b, "unit_name", p->dept->unit_names[p->unit]) | dw_obj_set_str(b, "project_code", p->code) |
             dw_obj_set_str(b, "project_name", p->name) | dw_obj_set_str(b, "kind", kinds[p->kind].kind) |
             dw_obj_set_str(b, "fund_type", "general") | dw_obj_set_str(b, "source", "annual") |
             dw_obj_set_str(b, "function_code", p->dept->function_code) |
             dw_obj_set_str(b, "economic_code", kinds[p->kind].economic_code) |
             dw_obj_set_str(b, "section_code", p->dept->section) | dw_obj_set_int(b, "initial_fen", budget) |
             dw_obj_set_int(b, "adjusted_fen", 0) | dw_obj_set_int(b, "transferred_fen", 0) |
             dw_obj_set_int(b, "current_fen", budget);
    /* approved_date: before every payment of the year */
    return rc | dw_obj_set_str(b, "approved_date", approved);
}

static int set_payment(dw_obj_t *b, const gen_t *g, size_t i)
{
    const payment_plan_t *pay = &g->plan[i];
    const project_t *p = &g->projects[pay->project];
    char voucher[64], date[11], contract[64];
    snprintf(voucher, sizeof voucher, "ZF%d-%s-%07zu", g->year, g->tag, i + 1);
    dw_date_format(dw_date_from_days(pay->day), date);
    int rc = dw_obj_set_str(b, "voucher_no", voucher) | dw_obj_set_int(b, "fiscal_year", g->year) |
             dw_obj_set_str(b, "payment_date", date) | dw_obj_set_str(b, "dept_code", p->dept->code) |
             dw_obj_set_str(b, "unit_code", p->unit_code) | dw_obj_set_str(b, "project_code", p->code) |
             dw_obj_set_str(b, "line_id", p->line_id) | dw_obj_set_str(b, "function_code", p->dept->function_code) |
             dw_obj_set_str(b, "economic_code", kinds[p->kind].economic_code) |
             dw_obj_set_int(b, "amount_fen", pay->amount_fen) |
             dw_obj_set_str(b, "method", pay->authorised ? "authorised" : "direct") |
             dw_obj_set_str(b, "payee", payees[pay->payee]);
    if (pay->amount_fen >= 5000000) { /* from 50,000 yuan a payment is under a contract */
        snprintf(contract, sizeof contract, "HT-%d-%s-%03zu", g->year, g->tag, pay->project + 1);
        rc |= dw_obj_set_str(b, "contract_no", contract);
    }
    return rc;
}

/* Encodes msg (checked against the schema) into the batch. Returns 0 or -1
 * after saying why. */
static int add_message(const dwctl_ctx_t *ctx, dwctl_batch_t *batch, dw_msg_t *msg, int set_rc, const char *where)
{
    dw_buf_t bytes = DW_BUF_INIT;
    dw_error_t err = {0};
    if (set_rc != 0) {
        fprintf(ctx->err, "dwctl: bench: could not build %s %s\n", where, dw_msg_id(msg));
        return -1;
    }
    if (dw_msg_encode(msg, &bytes, &err) != DW_OK) {
        fprintf(ctx->err, "dwctl: bench: %s %s does not encode: %s: %s (field %s)\n", where, dw_msg_id(msg),
                dw_code_name(err.code), err.message, err.field);
        return -1;
    }
    if (dwctl_batch_add(batch, where, dw_msg_id(msg), &bytes) != 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return -1;
    }
    return 0;
}

/* One message of type with id, its body filled by the run's plan. */
static int build_one(const dwctl_ctx_t *ctx, dwctl_batch_t *batch, const gen_t *g, const char *src, size_t i,
                     bool allocation)
{
    char id[64];
    if (allocation)
        snprintf(id, sizeof id, "B-%s-%04zu", g->tag, i + 1);
    else
        snprintf(id, sizeof id, "T-%s-%07zu", g->tag, i + 1);
    const char *type = allocation ? "budget.allocation" : "treasury.payment";
    dw_msg_t *msg = dw_msg_new(type, id, src, g->ts);
    if (!msg) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return -1;
    }
    dw_obj_t *b = dw_msg_body(msg);
    int set_rc = allocation ? set_allocation(b, g, &g->projects[i]) : set_payment(b, g, i);
    int rc = add_message(ctx, batch, msg, set_rc, type);
    dw_msg_destroy(&msg);
    return rc;
}

/* The allocations first, so that dw-validate knows every project before its
 * first payment (one connection is answered, and stored, in order). */
static dwctl_batch_t *build_batch(const dwctl_ctx_t *ctx, const gen_t *g, const char *src)
{
    dwctl_batch_t *batch = dwctl_batch_new();
    if (!batch) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return NULL;
    }
    for (size_t i = 0; i < g->n_projects; i++)
        if (build_one(ctx, batch, g, src, i, true) != 0)
            goto fail;
    for (size_t i = 0; i < g->n_payments; i++)
        if (build_one(ctx, batch, g, src, i, false) != 0)
            goto fail;
    return batch;
fail:
    dwctl_batch_destroy(&batch);
    return NULL;
}

/* ------------------------------------------------------ the timed exchange */

typedef struct flight {
    const dwctl_ctx_t *ctx;
    const dwctl_batch_t *batch;
    size_t n;
    size_t window;
    int timeout_ms;
    void *sock;
    dwctl_pending_t *pending;
    int64_t *sent_us;  /* monotonic µs at the send; 0 before */
    int64_t *acked_us; /* monotonic µs at the ack; 0 while unanswered */
    size_t next;       /* the next message never sent */
    size_t oldest;     /* no message below it is in flight */
    int64_t first_us;  /* the first send */
    int64_t last_us;   /* the last ack (or the start) */
    int64_t last_seq;  /* the highest inbox seq acked */
    dwctl_tally_t tally;
    size_t listed; /* refusals printed */
} flight_t;

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Sends while the window allows. Returns 0, 1 when the socket would block, -1 on failure. */
static int send_some(flight_t *f)
{
    while (f->next < f->n && dwctl_pending_count(f->pending) < f->window) {
        const dwctl_item_t *item = dwctl_batch_item(f->batch, f->next);
        const void *data[2] = {"", item->bytes.data};
        size_t size[2] = {0, item->bytes.len};
        int64_t now = mono_us();
        if (dw_zmq_send_parts(f->sock, data, size, 2, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 1;
            if (errno == EINTR)
                continue;
            fprintf(f->ctx->err, "dwctl: could not send %s: %s\n", item->id, zmq_strerror(errno));
            return -1;
        }
        if (dwctl_pending_put(f->pending, item->id, f->next) != 0) {
            fprintf(f->ctx->err, "dwctl: out of memory\n");
            return -1;
        }
        if (f->next == 0)
            f->first_us = now;
        f->sent_us[f->next++] = now;
        f->tally.sent++;
    }
    return 0;
}

/* The message an ack answers: by id, or the oldest in flight for a refusal
 * without one (dw-intake answers a connection in order). */
static bool match(flight_t *f, const dwctl_ack_t *ack, size_t *index)
{
    if (ack->id[0])
        return dwctl_pending_take(f->pending, ack->id, index);
    while (f->oldest < f->next && f->acked_us[f->oldest] != 0)
        f->oldest++;
    return !ack->ok && f->oldest < f->next &&
           dwctl_pending_take(f->pending, dwctl_batch_item(f->batch, f->oldest)->id, index);
}

static void on_ack(flight_t *f, const void *data, size_t size, int64_t now)
{
    dwctl_ack_t ack;
    dw_error_t err = {0};
    if (dwctl_ack_decode(data, size, &ack, &err) != DW_OK) {
        fprintf(f->ctx->err, "dwctl: an answer that is not an ack: %s: %s\n", dw_code_name(err.code), err.message);
        return;
    }
    size_t i;
    if (!match(f, &ack, &i)) {
        fprintf(f->ctx->err, "dwctl: an ack for \"%s\", which is not in flight\n", ack.id);
        return;
    }
    f->acked_us[i] = now > f->sent_us[i] ? now : f->sent_us[i] + 1; /* 0 means unanswered */
    f->last_us = now;
    if (!ack.ok) {
        f->tally.refused++;
        if (f->listed++ < REFUSALS_LISTED)
            dwctl_ack_print(f->ctx->out, &ack);
        return;
    }
    if (ack.dup)
        f->tally.duplicate++;
    else
        f->tally.stored++;
    if (ack.has_seq && ack.seq > f->last_seq)
        f->last_seq = ack.seq;
}

/* Reads every answer waiting, each timed as it is taken. Returns 0 or -1. */
static int drain(flight_t *f)
{
    for (;;) {
        dw_frames_t fr;
        if (dw_frames_recv(f->sock, &fr, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return 0;
            if (errno == EINTR)
                continue;
            fprintf(f->ctx->err, "dwctl: could not receive: %s\n", zmq_strerror(errno));
            return -1;
        }
        int64_t now = mono_us();
        if (fr.n == 2 && dw_frame_size(&fr, 0) == 0 && !fr.too_many)
            on_ack(f, dw_frame_data(&fr, 1), dw_frame_size(&fr, 1), now);
        else
            fprintf(f->ctx->err, "dwctl: an answer of %zu frames, not [empty][ack]\n", fr.n);
        dw_frames_close(&fr);
    }
}

/* Until every ack is in, the silence limit passes, or a second signal (the
 * first only stops sending). Returns 0, or -1 on a socket failure. */
static int fly(flight_t *f)
{
    int signals = 0;
    for (;;) {
        int blocked = 0;
        if (signals == 0 && (blocked = send_some(f)) < 0)
            return -1;
        size_t in_flight = dwctl_pending_count(f->pending);
        if (in_flight == 0 && (signals > 0 || f->next == f->n))
            return 0;
        int64_t quiet_ms = (mono_us() - f->last_us) / 1000;
        if (quiet_ms >= f->timeout_ms) {
            fprintf(f->ctx->err, "dwctl: no ack for %d ms, giving up\n", f->timeout_ms);
            return 0;
        }
        zmq_pollitem_t items[2] = {
            {.socket = f->sock, .events = (short)(ZMQ_POLLIN | (blocked ? ZMQ_POLLOUT : 0))},
            {.fd = f->ctx->signal_fd, .events = ZMQ_POLLIN},
        };
        if (zmq_poll(items, 2, (long)(f->timeout_ms - quiet_ms)) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(f->ctx->err, "dwctl: could not poll: %s\n", zmq_strerror(errno));
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN) {
            while (dw_signal_read(f->ctx->signal_fd) > 0)
                signals++;
            if (signals >= 2)
                return 0;
            fprintf(f->ctx->err, "dwctl: interrupted: sending no more, waiting for %zu acks (again to stop waiting)\n",
                    in_flight);
        }
        if ((items[0].revents & ZMQ_POLLIN) && drain(f) != 0)
            return -1;
    }
}

/* Sends the whole batch and times it. Returns 0, or -1 when the socket could
 * not be set up or failed (the tally says how far it got). */
static int exchange(const dwctl_ctx_t *ctx, const bench_args_t *a, const dwctl_batch_t *batch, flight_t *f)
{
    *f = (flight_t){.ctx = ctx,
                    .batch = batch,
                    .n = dwctl_batch_count(batch),
                    .window = (size_t)a->window,
                    .timeout_ms = (int)a->timeout_ms};
    int rc = -1;
    void *zctx = zmq_ctx_new();
    f->pending = dwctl_pending_new(f->window < f->n ? f->window : f->n);
    f->sent_us = calloc(f->n, sizeof *f->sent_us);
    f->acked_us = calloc(f->n, sizeof *f->acked_us);
    if (!zctx || !f->pending || !f->sent_us || !f->acked_us) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    f->sock = dwctl_dealer_open(zctx, a->endpoint);
    if (!f->sock)
        goto done;
    f->last_us = mono_us();
    rc = fly(f);
    f->tally.unanswered = dwctl_pending_count(f->pending);
    f->tally.unsent = f->n - f->next;
    if (f->tally.unanswered > 0) {
        /* Given up: what is still queued must not hold the exit forever. */
        int zero = 0;
        (void)zmq_setsockopt(f->sock, ZMQ_LINGER, &zero, sizeof zero);
    }
done:
    dw_zmq_close(&f->sock);
    if (zctx)
        zmq_ctx_term(zctx);
    dwctl_pending_destroy(&f->pending);
    return rc;
}

static void flight_free(flight_t *f)
{
    free(f->sent_us);
    free(f->acked_us);
    f->sent_us = f->acked_us = NULL;
}

/* --------------------------------------------------------------- figures */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least per_mille/1000 of all at or below it. */
static int64_t percentile(const int64_t *sorted, size_t n, int per_mille)
{
    size_t rank = ((size_t)per_mille * n + 999) / 1000;
    return sorted[rank > 0 ? rank - 1 : 0];
}

static void print_ms(FILE *out, const char *label, int64_t us)
{
    fprintf(out, "%-14s %" PRId64 ".%03" PRId64 " ms\n", label, us / 1000, us % 1000);
}

static void print_s(FILE *out, const char *label, int64_t us, const char *after)
{
    fprintf(out, "%-14s %" PRId64 ".%03" PRId64 " s%s\n", label, us / 1000000, us / 1000 % 1000, after);
}

/* The latency percentiles of the answered messages. Returns -1 when memory ran out. */
static int print_latency(const dwctl_ctx_t *ctx, const flight_t *f)
{
    int64_t *lat = malloc((f->n ? f->n : 1) * sizeof *lat);
    if (!lat) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->next; i++)
        if (f->acked_us[i] != 0)
            lat[n++] = f->acked_us[i] - f->sent_us[i];
    if (n > 0) {
        qsort(lat, n, sizeof *lat, cmp_i64);
        static const struct {
            const char *label;
            int per_mille;
        } marks[] = {{"ack p50", 500}, {"ack p90", 900}, {"ack p99", 990}, {"ack p99.9", 999}, {"ack max", 1000}};
        for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
            print_ms(ctx->out, marks[k].label, percentile(lat, n, marks[k].per_mille));
    }
    free(lat);
    return 0;
}

static void print_header(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g)
{
    FILE *out = ctx->out;
    fprintf(out, "%-14s %s\n", "run", g->tag);
    fprintf(out, "%-14s %s\n", "src", a->src);
    fprintf(out, "%-14s %s\n", "endpoint", a->endpoint);
    fprintf(out, "%-14s %ld\n", "window", a->window);
    fprintf(out, "%-14s %ld\n", "seed", a->seed);
    fprintf(out, "%-14s %zu (%zu budget.allocation, %zu treasury.payment)\n", "messages", g->n_projects + g->n_payments,
            g->n_projects, g->n_payments);
    fflush(out);
}

static int print_exchange(const dwctl_ctx_t *ctx, const flight_t *f)
{
    FILE *out = ctx->out;
    size_t answered = f->tally.stored + f->tally.duplicate + f->tally.refused;
    int64_t elapsed = answered > 0 ? f->last_us - f->first_us : 0;
    print_s(out, "elapsed", elapsed, " (first send to last ack)");
    fprintf(out, "%-14s %.0f msg/s\n", "rate", elapsed > 0 ? (double)answered * 1e6 / (double)elapsed : 0.0);
    int rc = print_latency(ctx, f);
    fprintf(out, "%-14s %zu\n", "stored", f->tally.stored);
    fprintf(out, "%-14s %zu\n", "duplicate", f->tally.duplicate);
    fprintf(out, "%-14s %zu\n", "refused", f->tally.refused);
    if (f->tally.unanswered || f->tally.unsent) {
        fprintf(out, "%-14s %zu\n", "unanswered", f->tally.unanswered);
        fprintf(out, "%-14s %zu\n", "not sent", f->tally.unsent);
    }
    fflush(out);
    return rc;
}

/* ------------------------------------------------------- the pipeline drain */

typedef struct cursors {
    int64_t validate_read; /* stage_cursors validate <- intake */
    int64_t validate_head; /* max(seq) of stage_events for validate */
    int64_t analyze_read;  /* stage_cursors analyze <- validate */
} cursors_t;

/* One statement, so the three figures come from one snapshot. */
static int read_cursors(dw_pg_t *pg, cursors_t *c)
{
    PGresult *res = dw_pg_query(
        pg, "bench",
        "SELECT coalesce((SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'), 0), "
        "coalesce((SELECT max(seq) FROM stage_events WHERE stage = 'validate'), 0), "
        "coalesce((SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'), 0)",
        0, NULL);
    if (!res)
        return -1;
    *c = (cursors_t){dw_pg_int(res, 0, 0), dw_pg_int(res, 0, 1), dw_pg_int(res, 0, 2)};
    PQclear(res);
    return 0;
}

/* Waits a poll interval; false when a signal came instead. */
static bool pause_unless_signalled(const dwctl_ctx_t *ctx)
{
    struct pollfd p = {.fd = ctx->signal_fd, .events = POLLIN};
    if (poll(&p, 1, PIPELINE_POLL_MS) > 0 && (p.revents & POLLIN)) {
        (void)dw_signal_read(ctx->signal_fd);
        return false;
    }
    return true;
}

/* Polls until validate has read last_seq and analyze everything validate
 * wrote; *drained_us is when that was seen. Gives up after timeout_ms without
 * progress. Returns 0 when drained, -1 otherwise (said why). */
static int wait_drained(const dwctl_ctx_t *ctx, dw_pg_t *pg, int64_t last_seq, int timeout_ms, int64_t *drained_us)
{
    cursors_t c, before = {-1, -1, -1};
    int64_t moved_us = mono_us();
    for (;;) {
        if (read_cursors(pg, &c) != 0)
            return -1;
        int64_t now = mono_us();
        if (c.validate_read >= last_seq && c.analyze_read >= c.validate_head) {
            *drained_us = now;
            return 0;
        }
        if (memcmp(&c, &before, sizeof c) != 0)
            moved_us = now, before = c;
        bool stuck = (now - moved_us) / 1000 >= timeout_ms;
        if (stuck || !pause_unless_signalled(ctx)) {
            fprintf(ctx->err,
                    "dwctl: pipeline not drained%s: validate has read inbox %" PRId64 " of %" PRId64
                    ", analyze validate %" PRId64 " of %" PRId64 "\n",
                    stuck ? " (no progress)" : " (interrupted)", c.validate_read, last_seq, c.analyze_read,
                    c.validate_head);
            return -1;
        }
    }
}

/* Payments of this run that dw-validate stored. */
static int64_t count_validated(dw_pg_t *pg, const char *src, const char *tag)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "T-%s-%%", tag);
    const char *p[2] = {src, prefix};
    PGresult *res = dw_pg_query(pg, "bench", "SELECT count(*) FROM payments WHERE src = $1 AND id LIKE $2", 2, p);
    if (!res)
        return -1;
    int64_t n = dw_pg_int(res, 0, 0);
    PQclear(res);
    return n;
}

static int pipeline(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g, const flight_t *f)
{
    if (f->last_seq <= 0) {
        fprintf(ctx->err, "dwctl: nothing was stored: no pipeline to wait for\n");
        return -1;
    }
    dw_pg_t *pg = dw_pg_connect(a->conninfo, 0, "dwctl-bench");
    if (!pg)
        return -1; /* said why, with a hint */
    int64_t drained_us = 0;
    int rc = wait_drained(ctx, pg, f->last_seq, (int)a->timeout_ms, &drained_us);
    int64_t validated = rc == 0 ? count_validated(pg, a->src, g->tag) : -1;
    dw_pg_destroy(&pg);
    if (rc != 0 || validated < 0)
        return -1;
    FILE *out = ctx->out;
    int64_t total = drained_us - f->first_us;
    print_s(out, "drain", drained_us > f->last_us ? drained_us - f->last_us : 0, " (last ack to analyze done)");
    print_s(out, "end to end", total, " (first send to analyze done)");
    fprintf(out, "%-14s %" PRId64 "\n", "validated", validated);
    fprintf(out, "%-14s %.0f payments/s\n", "pipeline rate", total > 0 ? (double)validated * 1e6 / (double)total : 0.0);
    fflush(out);
    return 0;
}

/* ------------------------------------------------------------------- main */

static int exit_code(int rc, const flight_t *f)
{
    if (rc != 0 || f->tally.unanswered || f->tally.unsent)
        return DWCTL_EXIT_INCOMPLETE;
    return f->tally.refused ? DWCTL_EXIT_REFUSED : DWCTL_EXIT_OK;
}

int dwctl_bench_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    bench_args_t a;
    int stop = parse(ctx, argc, argv, &a);
    if (stop != GO)
        return stop;
    gen_t g = {0};
    dwctl_batch_t *batch = NULL;
    if (gen_plan(&g, &a) != 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        gen_free(&g);
        return DWCTL_EXIT_INCOMPLETE;
    }
    batch = build_batch(ctx, &g, a.src);
    if (!batch) {
        gen_free(&g);
        return DWCTL_EXIT_INCOMPLETE;
    }
    print_header(ctx, &a, &g);
    flight_t f;
    int rc = exchange(ctx, &a, batch, &f);
    if (print_exchange(ctx, &f) != 0)
        rc = -1;
    if (rc == 0 && a.conninfo && f.tally.unanswered == 0 && f.tally.unsent == 0)
        rc = pipeline(ctx, &a, &g, &f);
    int code = exit_code(rc, &f);
    flight_free(&f);
    dwctl_batch_destroy(&batch);
    gen_free(&g);
    return code;
}
