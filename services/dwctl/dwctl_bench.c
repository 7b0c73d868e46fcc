/* dwctl bench — how fast dualwatch takes payments in, measured as a producer
 * sees it, and how that compares with PostgreSQL's own COPY on the same rows.
 *
 * A run is one budget.allocation per project, then N treasury.payment against
 * those projects, built and encoded before the clock starts. They go out over
 * one DEALER with at most W unacked, and each message is timed from its send
 * to its ack (CLOCK_MONOTONIC, microseconds). With --rate R the sender is
 * paced by a token bucket (R tokens a second, at most 10 ms of them saved up,
 * a timerfd on a 1 ms grid to wake for the next ones): an offered load, so
 * that the ack latency at that load can be read; the window still caps what
 * is in flight.
 *
 * With --pipeline-conninfo the bench first prints fsync and synchronous_commit
 * as the server reports them (the figures mean nothing without them) and
 * settles the tables (VACUUM, CHECKPOINT: see settle), then after the last
 * ack watches stage_cursors until dw-validate has read the last inbox row
 * (end to end: what the payments/s figure is) and dw-analyze every event
 * dw-validate wrote (the drain). It reads back how many payments each intake
 * and validate transaction held (rows of one transaction share its now(), so
 * count(DISTINCT received_at) is the number of commits), and what the whole
 * cluster wrote meanwhile: transactions and WAL bytes a payment.
 *
 * With --copy-baseline it then writes the same rows again the plainest way
 * PostgreSQL takes them: see copy_baseline below for exactly what, and why
 * that is the fair yardstick.
 *
 * Every id, voucher, budget line and project carries a run tag taken from the
 * clock, so a second run stores new rows instead of being answered duplicate,
 * and its projects start with nothing paid. Budgets are sized above what the
 * run pays on them, so no payment is flagged: the pipeline does the everyday
 * work, not alert work. With --tight-budgets they are sized at about half of
 * it instead: each project crosses its budget once, partway through the run,
 * and dw-analyze raises one 超预算开支 (over_budget) alert for it. After the
 * drain the bench then waits for dw-notify and reads back, per alert, how long
 * it took from the payment that crossed the budget being stored by dw-intake
 * to the alert being published (see alert_latency).
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
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_config.h"
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
#define MAX_RATE           1000000 /* the bucket counts in microseconds */
#define BURST_US           10000   /* the bucket saves up at most 10 ms of tokens (at least one) */
#define TICK_US            1000    /* a paced sender wakes at most this often */
#define REFUSALS_LISTED    5
#define PIPELINE_POLL_MS   20
#define MIN_BUDGET_FEN     100000000       /* 1,000,000.00 yuan: a project the run pays nothing on */
#define BUDGET_STEP_FEN    1000000         /* budgets are approved in 10,000.00 yuan steps */
#define COPY_STAGE         "validate.copy" /* stage_events rows of the baseline: read by no stage */
#define LABEL              "%-18s "        /* one figure per line: the label column */
#define GO                 (-1)            /* parse: carry on */

/* ------------------------------------------------------------------ options */

typedef struct bench_args {
    const char *endpoint;
    const char *src;
    const char *conninfo; /* --pipeline-conninfo; NULL: ack figures only */
    const char *config;   /* --config: the services' batch sizes; NULL: the defaults */
    const char *mark_cmd; /* --mark-cmd: run at each phase boundary; NULL: none */
    long count, window, projects, seed, timeout_ms, rate;
    long pause_pid; /* --pause-pid: the dw-validate to pause for the baseline; 0: none */
    bool copy_baseline;
    bool tight_budgets; /* --tight-budgets: every project goes over budget once (alert latency) */
} bench_args_t;

enum {
    OPT_ENDPOINT = 256,
    OPT_COUNT,
    OPT_WINDOW,
    OPT_PROJECTS,
    OPT_SEED,
    OPT_SRC,
    OPT_TIMEOUT,
    OPT_RATE,
    OPT_PIPELINE,
    OPT_CONFIG,
    OPT_COPY,
    OPT_NO_COPY,
    OPT_PAUSE,
    OPT_MARK,
    OPT_TIGHT,
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
    {"rate", required_argument, NULL, OPT_RATE},
    {"pipeline-conninfo", required_argument, NULL, OPT_PIPELINE},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"copy-baseline", no_argument, NULL, OPT_COPY},
    {"no-copy-baseline", no_argument, NULL, OPT_NO_COPY},
    {"pause-pid", required_argument, NULL, OPT_PAUSE},
    {"mark-cmd", required_argument, NULL, OPT_MARK},
    {"tight-budgets", no_argument, NULL, OPT_TIGHT},
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
    case OPT_RATE: return &a->rate;
    case OPT_PAUSE: return &a->pause_pid;
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
        {OPT_TIMEOUT, "--timeout-ms", 1, 86400000}, {OPT_RATE, "--rate", 1, MAX_RATE},
        {OPT_PAUSE, "--pause-pid", 1, 2147483647},
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
        case OPT_CONFIG: a->config = optarg; break;
        case OPT_MARK: a->mark_cmd = optarg; break;
        case OPT_COPY: a->copy_baseline = true; break;
        case OPT_NO_COPY: a->copy_baseline = false; break;
        case OPT_TIGHT: a->tight_budgets = true; break;
        case OPT_HELP: dwctl_usage(ctx->out, "bench"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "bench"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(ctx->err, "dwctl: bench takes no arguments, only options (\"%s\")\n", argv[optind]);
        dwctl_usage(ctx->err, "bench");
        return DWCTL_EXIT_USAGE;
    }
    if (a->copy_baseline && !a->conninfo) {
        fprintf(ctx->err, "dwctl: bench: --copy-baseline needs --pipeline-conninfo (the database to copy into)\n");
        return DWCTL_EXIT_USAGE;
    }
    return GO;
}

/* Runs --mark-cmd with the phase as its last argument, and waits for it: a
 * caller that measures something else (deploy/bench.sh reads every process's
 * CPU time) gets the exact boundaries, outside the timed parts. */
static void mark(const dwctl_ctx_t *ctx, const bench_args_t *a, const char *phase)
{
    if (!a->mark_cmd)
        return;
    char *cmd = NULL;
    fflush(ctx->out);
    if (asprintf(&cmd, "%s %s", a->mark_cmd, phase) < 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        return;
    }
    int rc = system(cmd);
    if (rc != 0)
        fprintf(ctx->err, "dwctl: bench: --mark-cmd %s exited with status %d\n", phase, rc);
    free(cmd);
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
    bool tight;   /* budgets below what the run pays (--tight-budgets) */
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
    g->tight = a->tight_budgets;
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
 * the run goes over budget. Tight (--tight-budgets): half of what the run
 * pays, rounded down to a step, so the project goes over budget once, about
 * halfway through its payments; at least one step (a project paid less than
 * two steps may then stay within it, and raises no alert). */
static int64_t budget_of(const gen_t *g, const project_t *p)
{
    if (g->tight) {
        int64_t fen = p->paid_fen / 2 / BUDGET_STEP_FEN * BUDGET_STEP_FEN;
        return fen > BUDGET_STEP_FEN ? fen : BUDGET_STEP_FEN;
    }
    int64_t want = p->paid_fen + p->paid_fen / 4;
    int64_t fen = (want / BUDGET_STEP_FEN + 1) * BUDGET_STEP_FEN;
    return fen > MIN_BUDGET_FEN ? fen : MIN_BUDGET_FEN;
}

/* Projects the run takes over their budget: one over_budget alert each. */
static size_t projects_over_budget(const gen_t *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n_projects; i++)
        if (g->projects[i].paid_fen > budget_of(g, &g->projects[i]))
            n++;
    return n;
}

static int set_allocation(dw_obj_t *b, const gen_t *g, const project_t *p)
{
    char approved[11];
    dw_date_format((dw_date_t){g->year, 1, 1}, approved);
    int64_t budget = budget_of(g, p);
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

/* The text fields of payment i that are not its project's. */
typedef struct payment_text {
    char voucher[64], date[11], contract[64]; /* contract "" when none */
} payment_text_t;

/* copy: the voucher of the COPY baseline's row for payment i, as long as the
 * run's. It sorts after them ("c" where theirs have "-", after it in the
 * cluster's C.UTF-8 order), so the baseline appends at the primary key's
 * right edge, as dw-validate's rows do. */
static void payment_text(const gen_t *g, size_t i, bool copy, payment_text_t *t)
{
    const payment_plan_t *pay = &g->plan[i];
    if (copy)
        snprintf(t->voucher, sizeof t->voucher, "ZF%d-%sc%07zu", g->year, g->tag, i + 1);
    else
        snprintf(t->voucher, sizeof t->voucher, "ZF%d-%s-%07zu", g->year, g->tag, i + 1);
    dw_date_format(dw_date_from_days(pay->day), t->date);
    t->contract[0] = '\0';
    if (pay->amount_fen >= 5000000) /* from 50,000 yuan a payment is under a contract */
        snprintf(t->contract, sizeof t->contract, "HT-%d-%s-%03zu", g->year, g->tag, pay->project + 1);
}

static int set_payment(dw_obj_t *b, const gen_t *g, size_t i)
{
    const payment_plan_t *pay = &g->plan[i];
    const project_t *p = &g->projects[pay->project];
    payment_text_t t;
    payment_text(g, i, false, &t);
    int rc = dw_obj_set_str(b, "voucher_no", t.voucher) | dw_obj_set_int(b, "fiscal_year", g->year) |
             dw_obj_set_str(b, "payment_date", t.date) | dw_obj_set_str(b, "dept_code", p->dept->code) |
             dw_obj_set_str(b, "unit_code", p->unit_code) | dw_obj_set_str(b, "project_code", p->code) |
             dw_obj_set_str(b, "line_id", p->line_id) | dw_obj_set_str(b, "function_code", p->dept->function_code) |
             dw_obj_set_str(b, "economic_code", kinds[p->kind].economic_code) |
             dw_obj_set_int(b, "amount_fen", pay->amount_fen) |
             dw_obj_set_str(b, "method", pay->authorised ? "authorised" : "direct") |
             dw_obj_set_str(b, "payee", payees[pay->payee]);
    if (t.contract[0])
        rc |= dw_obj_set_str(b, "contract_no", t.contract);
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

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The sender's token bucket: rate tokens a second, earned from base_us on,
 * at most burst saved up (so a sender woken late catches up, within reason).
 * A token earned while the bucket is full is lost: the offered load is then
 * lower than asked, and the figures say by how much. */
typedef struct pace {
    int64_t rate;  /* tokens per second; 0: unpaced */
    int64_t burst; /* the most tokens held at once */
    int64_t base_us;
    int64_t spent; /* tokens spent or lost since base_us */
    int64_t lost;  /* earned while the bucket was full */
    int timer_fd;  /* CLOCK_MONOTONIC timerfd: wakes the sender for its next token */
} pace_t;

/* Tokens that may be spent at now (lost ones counted). */
static int64_t pace_available(pace_t *p, int64_t now)
{
    int64_t earned = (now - p->base_us) * p->rate / 1000000;
    if (earned - p->spent > p->burst) {
        p->lost += earned - p->spent - p->burst;
        p->spent = earned - p->burst;
    }
    return earned - p->spent;
}

/* Arms the timer for the first tick at or after the moment the next token is
 * earned. Waking for every token cost the client 21 µs of CPU a message at
 * 10,000/s (a fifth of a core, taken from the services on a 2-core machine);
 * on a 1 ms grid, where the tokens of a tick go out together, 8 to 14 µs.
 * Returns 0 or -1. */
static int pace_arm(const pace_t *p)
{
    int64_t due = ((p->spent + 1) * 1000000 + p->rate - 1) / p->rate; /* µs after base_us */
    int64_t at = p->base_us + (due + TICK_US - 1) / TICK_US * TICK_US;
    struct itimerspec its = {.it_value = {.tv_sec = at / 1000000, .tv_nsec = (long)(at % 1000000) * 1000}};
    return timerfd_settime(p->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

typedef struct flight {
    const dwctl_ctx_t *ctx;
    const dwctl_batch_t *batch;
    size_t n;
    size_t window;
    int timeout_ms;
    void *sock;
    dwctl_pending_t *pending;
    pace_t pace;
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

/* Why send_some stopped. */
typedef enum held {
    HELD_NOTHING, /* every message is sent */
    HELD_WINDOW,  /* W unacked: wait for an ack */
    HELD_SOCKET,  /* the socket would block: wait until it is writable */
    HELD_PACE,    /* no token: wait for the timer */
    HELD_FAILED = -1
} held_t;

/* Sends while the window, the socket and the bucket allow. */
static held_t send_some(flight_t *f)
{
    while (f->next < f->n) {
        if (dwctl_pending_count(f->pending) >= f->window)
            return HELD_WINDOW;
        int64_t now = mono_us();
        if (f->pace.rate && pace_available(&f->pace, now) <= 0)
            return HELD_PACE;
        const dwctl_item_t *item = dwctl_batch_item(f->batch, f->next);
        const void *data[2] = {"", item->bytes.data};
        size_t size[2] = {0, item->bytes.len};
        if (dw_zmq_send_parts(f->sock, data, size, 2, ZMQ_DONTWAIT) != 0) {
            if (errno == EAGAIN)
                return HELD_SOCKET;
            if (errno == EINTR)
                continue;
            fprintf(f->ctx->err, "dwctl: could not send %s: %s\n", item->id, zmq_strerror(errno));
            return HELD_FAILED;
        }
        if (dwctl_pending_put(f->pending, item->id, f->next) != 0) {
            fprintf(f->ctx->err, "dwctl: out of memory\n");
            return HELD_FAILED;
        }
        if (f->next == 0)
            f->first_us = now;
        f->pace.spent++;
        f->sent_us[f->next++] = now;
        f->tally.sent++;
    }
    return HELD_NOTHING;
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
    f->pace.base_us = mono_us();
    for (;;) {
        held_t held = HELD_NOTHING;
        if (signals == 0 && (held = send_some(f)) == HELD_FAILED)
            return -1;
        size_t in_flight = dwctl_pending_count(f->pending);
        if (in_flight == 0 && (signals > 0 || f->next == f->n))
            return 0;
        int64_t quiet_ms = (mono_us() - f->last_us) / 1000;
        if (quiet_ms >= f->timeout_ms) {
            fprintf(f->ctx->err, "dwctl: no ack for %d ms, giving up\n", f->timeout_ms);
            return 0;
        }
        bool paced = held == HELD_PACE;
        if (paced && pace_arm(&f->pace) != 0) {
            fprintf(f->ctx->err, "dwctl: could not set the pacing timer: %s\n", strerror(errno));
            return -1;
        }
        zmq_pollitem_t items[3] = {
            {.socket = f->sock, .events = (short)(ZMQ_POLLIN | (held == HELD_SOCKET ? ZMQ_POLLOUT : 0))},
            {.fd = f->ctx->signal_fd, .events = ZMQ_POLLIN},
            {.fd = f->pace.timer_fd, .events = ZMQ_POLLIN},
        };
        if (zmq_poll(items, paced ? 3 : 2, (long)(f->timeout_ms - quiet_ms)) < 0) {
            if (errno == EINTR)
                continue;
            fprintf(f->ctx->err, "dwctl: could not poll: %s\n", zmq_strerror(errno));
            return -1;
        }
        if (paced && (items[2].revents & ZMQ_POLLIN)) {
            uint64_t expirations;
            (void)!read(f->pace.timer_fd, &expirations, sizeof expirations); /* only clears it */
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
                    .timeout_ms = (int)a->timeout_ms,
                    .pace = {.rate = a->rate, .timer_fd = -1}};
    if (a->rate) {
        int64_t burst = a->rate * BURST_US / 1000000;
        f->pace.burst = burst > 0 ? burst : 1;
    }
    int rc = -1;
    void *zctx = zmq_ctx_new();
    f->pending = dwctl_pending_new(f->window < f->n ? f->window : f->n);
    f->sent_us = calloc(f->n, sizeof *f->sent_us);
    f->acked_us = calloc(f->n, sizeof *f->acked_us);
    if (!zctx || !f->pending || !f->sent_us || !f->acked_us) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto done;
    }
    if (a->rate && (f->pace.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
        fprintf(ctx->err, "dwctl: could not create the pacing timer: %s\n", strerror(errno));
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
    if (f->pace.timer_fd >= 0)
        close(f->pace.timer_fd);
    f->pace.timer_fd = -1;
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
    fprintf(out, LABEL "%" PRId64 ".%03" PRId64 " ms\n", label, us / 1000, us % 1000);
}

static void print_s(FILE *out, const char *label, int64_t us, const char *after)
{
    fprintf(out, LABEL "%" PRId64 ".%03" PRId64 " s%s\n", label, us / 1000000, us / 1000 % 1000, after);
}

/* count a second over us microseconds, rounded half up (integers only). */
static int64_t per_second(int64_t count, int64_t us)
{
    return us > 0 ? (count * 1000000 + us / 2) / us : 0;
}

/* num / den with `places` decimals (at most 3), rounded half up, into buf:
 * the figures are printed from integers, never through floating point. */
static const char *fixed(char *buf, size_t n, int64_t num, int64_t den, int places)
{
    int64_t scale = 1;
    for (int k = 0; k < places && k < 3; k++)
        scale *= 10;
    int64_t v = den > 0 ? (num * scale + den / 2) / den : 0;
    if (scale == 1)
        snprintf(buf, n, "%" PRId64, v);
    else
        snprintf(buf, n, "%" PRId64 ".%0*" PRId64, v / scale, places, v % scale);
    return buf;
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
    fprintf(out, LABEL "%s\n", "run", g->tag);
    fprintf(out, LABEL "%s\n", "src", a->src);
    fprintf(out, LABEL "%s\n", "endpoint", a->endpoint);
    fprintf(out, LABEL "%ld\n", "window", a->window);
    if (a->rate) {
        int64_t burst = a->rate * BURST_US / 1000000;
        fprintf(out, LABEL "%ld msg/s (token bucket, at most %" PRId64 " saved up, 1 ms ticks)\n", "offered", a->rate,
                burst > 0 ? burst : 1);
    } else {
        fprintf(out, LABEL "unpaced (as fast as the window allows)\n", "offered");
    }
    fprintf(out, LABEL "%ld\n", "seed", a->seed);
    fprintf(out, LABEL "%zu (%zu budget.allocation, %zu treasury.payment)\n", "messages", g->n_projects + g->n_payments,
            g->n_projects, g->n_payments);
    if (g->tight)
        fprintf(out, LABEL "tight: half of what the run pays each project; %zu of %zu projects go over theirs\n",
                "budgets", projects_over_budget(g), g->n_projects);
    fflush(out);
}

/* The server's durability settings, as it reports them: figures taken with
 * fsync or synchronous_commit off measure something else, so say so loudly.
 * Returns 0, or -1 when they could not be read. */
static int print_settings(const dwctl_ctx_t *ctx, dw_pg_t *pg)
{
    static const char *const names[] = {"fsync", "synchronous_commit", "full_page_writes", "wal_sync_method"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        const char *p[1] = {names[k]};
        PGresult *res = dw_pg_query(pg, "bench", "SELECT current_setting($1)", 1, p);
        if (!res)
            return -1;
        const char *value = PQgetvalue(res, 0, 0);
        fprintf(ctx->out, LABEL "%s\n", names[k], value);
        if (k < 2 && strcmp(value, "on") != 0)
            fprintf(ctx->err,
                    "dwctl: bench: %s is %s on the server: commits are not durable, and the figures are "
                    "not comparable with the README's\n",
                    names[k], value);
        PQclear(res);
    }
    fflush(ctx->out);
    return 0;
}

static int print_exchange(const dwctl_ctx_t *ctx, const flight_t *f)
{
    FILE *out = ctx->out;
    size_t answered = f->tally.stored + f->tally.duplicate + f->tally.refused;
    int64_t elapsed = answered > 0 ? f->last_us - f->first_us : 0;
    print_s(out, "elapsed", elapsed, " (first send to last ack)");
    fprintf(out, LABEL "%" PRId64 " msg/s\n", "ack rate", per_second((int64_t)answered, elapsed));
    if (f->pace.rate && f->next > 1) {
        /* What was actually offered: n-1 intervals between the first send and the last. */
        int64_t sending = f->sent_us[f->next - 1] - f->first_us;
        fprintf(out, LABEL "%" PRId64 " msg/s (first send to last send)\n", "sent rate",
                per_second((int64_t)f->next - 1, sending));
        fprintf(out, LABEL "%" PRId64 " (due while the window, the socket or the scheduler held the sender)\n",
                "tokens lost", f->pace.lost);
    }
    int rc = print_latency(ctx, f);
    fprintf(out, LABEL "%zu\n", "stored", f->tally.stored);
    fprintf(out, LABEL "%zu\n", "duplicate", f->tally.duplicate);
    fprintf(out, LABEL "%zu\n", "refused", f->tally.refused);
    if (f->tally.unanswered || f->tally.unsent) {
        fprintf(out, LABEL "%zu\n", "unanswered", f->tally.unanswered);
        fprintf(out, LABEL "%zu\n", "not sent", f->tally.unsent);
    }
    fflush(out);
    return rc;
}

/* --------------------------------------------------- what the cluster did */

/* To the transaction and the byte: the transactions that wrote (each took a
 * transaction id, and the snapshot's xmax is the next one to be given out)
 * and the WAL written (the insert position). pg_stat_database and pg_stat_wal
 * would say the same, but backends report to them up to a second late. */
typedef struct cluster_mark {
    int64_t xid, wal;
} cluster_mark_t;

static int read_mark(dw_pg_t *pg, cluster_mark_t *m)
{
    PGresult *res = dw_pg_query(pg, "bench",
                                "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
                                "(pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint",
                                0, NULL);
    if (!res)
        return -1;
    *m = (cluster_mark_t){dw_pg_int(res, 0, 0), dw_pg_int(res, 0, 1)};
    PQclear(res);
    return 0;
}

static void print_cost(FILE *out, const char *label, const cluster_mark_t *from, const cluster_mark_t *to,
                       int64_t payments, int64_t us)
{
    int64_t xacts = to->xid - from->xid, wal = to->wal - from->wal;
    char each[32], bytes[32];
    fprintf(out, LABEL "%" PRId64 " write transactions (%" PRId64 "/s, %s payments each), WAL %s bytes a payment\n",
            label, xacts, per_second(xacts, us), fixed(each, sizeof each, payments, xacts, 1),
            fixed(bytes, sizeof bytes, wal, payments, 0));
}

/* Before each timed phase: VACUUM the tables a payment is written to, then
 * CHECKPOINT, untimed. Otherwise a phase pays for what came before it: after
 * a million inserts autovacuum sets hint bits and visibility bits on every
 * new page, and with data checksums each first touch after a checkpoint
 * logs a full page (measured: a third more WAL a payment for whichever phase
 * came second). CHECKPOINT needs a superuser or pg_checkpoint: without, the
 * phase starts from wherever the checkpointer is. Returns 0 or -1. */
static int settle(const dwctl_ctx_t *ctx, dw_pg_t *pg, const char *phase)
{
    int64_t t0 = mono_us();
    if (dw_pg_exec(pg, "bench", "VACUUM inbox, payments, stage_events", 0, NULL) != 0)
        return -1;
    bool checkpointed = dw_pg_exec(pg, "bench", "CHECKPOINT", 0, NULL) == 0;
    char after[96];
    snprintf(after, sizeof after, " (VACUUM%s before the %s, not timed)", checkpointed ? " and CHECKPOINT" : "", phase);
    print_s(ctx->out, "settled", mono_us() - t0, after);
    fflush(ctx->out);
    return 0;
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

typedef struct drained {
    int64_t validated_us; /* first seen: dw-validate has read the last inbox row */
    int64_t analyzed_us;  /* first seen: dw-analyze has read every event of dw-validate */
} drained_t;

/* Polls until validate has read last_seq and analyze everything validate
 * wrote, noting when each was first seen. Gives up after timeout_ms without
 * progress. Returns 0 when drained, -1 otherwise (said why). */
static int wait_drained(const dwctl_ctx_t *ctx, dw_pg_t *pg, int64_t last_seq, int timeout_ms, drained_t *d)
{
    cursors_t c, before = {-1, -1, -1};
    int64_t moved_us = mono_us();
    *d = (drained_t){0};
    for (;;) {
        if (read_cursors(pg, &c) != 0)
            return -1;
        int64_t now = mono_us();
        if (c.validate_read >= last_seq && d->validated_us == 0)
            d->validated_us = now;
        if (d->validated_us && c.analyze_read >= c.validate_head) {
            d->analyzed_us = now;
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

/* Of this run's payments in a table: how many rows, and in how many
 * transactions (sql counts the distinct values of a column defaulting to
 * now(), which every row of one transaction shares). Returns 0 or -1. */
static int count_commits(dw_pg_t *pg, const char *sql, const char *src, const char *tag, int64_t *rows,
                         int64_t *commits)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "T-%s-%%", tag);
    const char *p[2] = {src, prefix};
    PGresult *res = dw_pg_query(pg, "bench", sql, 2, p);
    if (!res)
        return -1;
    *rows = dw_pg_int(res, 0, 0);
    *commits = dw_pg_int(res, 0, 1);
    PQclear(res);
    return 0;
}

static void print_commits(FILE *out, const char *label, int64_t rows, int64_t commits, int most)
{
    char each[32];
    fprintf(out, LABEL "%" PRId64 " (%s payments each on average; at most %d)\n", label, commits,
            fixed(each, sizeof each, rows, commits, 1), most);
}

/* After the last ack: the drain, the end-to-end rate (first send to
 * dw-validate done), and the transactions the two stages used. *rate is the
 * end-to-end rate in payments/s. Returns 0, or -1 (said why). */
static int pipeline(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g, const flight_t *f,
                    const dw_config_t *cfg, dw_pg_t *pg, const cluster_mark_t *before, int64_t *rate)
{
    if (f->last_seq <= 0) {
        fprintf(ctx->err, "dwctl: nothing was stored: no pipeline to wait for\n");
        return -1;
    }
    drained_t d;
    cluster_mark_t after;
    if (wait_drained(ctx, pg, f->last_seq, (int)a->timeout_ms, &d) != 0 || read_mark(pg, &after) != 0)
        return -1;
    mark(ctx, a, "drained");
    /* The times first: deploy/bench.sh takes its CPU figures at the "drain" line. */
    FILE *out = ctx->out;
    int64_t to_validate = d.validated_us - f->first_us, to_analyze = d.analyzed_us - f->first_us;
    print_s(out, "validated in", to_validate, " (first send to dw-validate done)");
    print_s(out, "analyzed in", to_analyze, " (first send to dw-analyze done)");
    print_s(out, "drain", d.analyzed_us > f->last_us ? d.analyzed_us - f->last_us : 0,
            " (last ack to dw-analyze done)");
    fflush(out);
    int64_t validated = 0, inbox_rows = 0, intake_commits = 0, validate_commits = 0;
    if (count_commits(pg, "SELECT count(*), count(DISTINCT received_at) FROM inbox WHERE src = $1 AND id LIKE $2",
                      a->src, g->tag, &inbox_rows, &intake_commits) != 0 ||
        count_commits(pg, "SELECT count(*), count(DISTINCT stored_at) FROM payments WHERE src = $1 AND id LIKE $2",
                      a->src, g->tag, &validated, &validate_commits) != 0)
        return -1;
    *rate = per_second(validated, to_validate);
    fprintf(out, LABEL "%" PRId64 "\n", "validated", validated);
    fprintf(out, LABEL "%" PRId64 " payments/s (through dw-intake and dw-validate)\n", "end to end", *rate);
    print_commits(out, "intake commits", inbox_rows, intake_commits, cfg->intake.batch_max);
    print_commits(out, "validate commits", validated, validate_commits, cfg->pipeline.batch_max);
    print_cost(out, "pipeline cluster", before, &after, validated, to_analyze);
    fflush(out);
    return 0;
}

/* ---------------------------------------------- alert latency (--tight-budgets) */

/* Waits until dw-notify has read every event dw-analyze wrote so far (the
 * drain saw dw-analyze done, so these are all the run's alerts). Gives up
 * after timeout_ms without progress. Returns 0, or -1 (said why). */
static int wait_published(const dwctl_ctx_t *ctx, dw_pg_t *pg, int timeout_ms)
{
    int64_t head = 0, read = -1, before = -1, moved_us = mono_us();
    if (dw_pg_query_int(pg, "bench", "SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'analyze'", 0, NULL,
                        &head) != 0)
        return -1;
    for (;;) {
        if (dw_pg_query_int(pg, "bench",
                            "SELECT coalesce((SELECT seq FROM stage_cursors WHERE stage = 'notify' "
                            "AND upstream = 'analyze'), 0)",
                            0, NULL, &read) != 0)
            return -1;
        if (read >= head)
            return 0;
        int64_t now = mono_us();
        if (read != before)
            moved_us = now, before = read;
        bool stuck = (now - moved_us) / 1000 >= timeout_ms;
        if (stuck || !pause_unless_signalled(ctx)) {
            fprintf(ctx->err, "dwctl: alerts not published%s: dw-notify has read analyze %" PRId64 " of %" PRId64 "\n",
                    stuck ? " (no progress)" : " (interrupted)", read, head);
            return -1;
        }
    }
}

/* Per project of the run that went over budget: the payment that first took
 * its paid total (the run's payments in inbox order, as dw-analyze counts
 * them) above its budget, that payment's inbox.received_at (now() of
 * dw-intake's one-statement insert), and its over_budget alert's raise:
 * alert_history change 1 (now() of dw-analyze's transaction) and the outbox
 * row of the alert.event dw-analyze wrote for it, published_at being now() of
 * dw-notify's transaction. That event is the stage_events row of analyze whose
 * envelope id is "alert-<alert_id>-1" (no other text of an alert.event looks
 * like it), read out of the msgpack once per event. And the payment's
 * payments.stored_at (now() of dw-validate's transaction). The three
 * latencies in microseconds; NULL where the alert was not raised or not published.
 * $1 src, $2 the run's payment ids, $3 the year. */
static const char *const sql_alert_latency =
    "WITH run AS (SELECT project_code, inbox_seq, amount_fen, stored_at, "
    "sum(amount_fen) OVER (PARTITION BY project_code ORDER BY inbox_seq) AS paid_fen "
    "FROM payments WHERE src = $1 AND id LIKE $2), "
    "budget AS (SELECT project_code, sum(current_fen) AS budget_fen FROM budget_lines "
    "WHERE fiscal_year = $3 AND project_code IN (SELECT project_code FROM run) GROUP BY project_code), "
    "crossed AS (SELECT r.project_code, r.inbox_seq, r.stored_at FROM run r JOIN budget b USING (project_code) "
    "WHERE r.paid_fen > b.budget_fen AND r.paid_fen - r.amount_fen <= b.budget_fen), "
    "raised AS (SELECT c.inbox_seq, c.stored_at, a.alert_id, 'alert-' || a.alert_id || '-1' AS event_id "
    "FROM crossed c LEFT JOIN alerts a ON a.fiscal_year = $3 AND a.project_code = c.project_code "
    "AND a.rule_id = 'over_budget'), "
    "events AS MATERIALIZED (SELECT seq, substring(encode(payload, 'escape') FROM 'alert-[0-9]+-[0-9]+') AS event_id "
    "FROM stage_events WHERE stage = 'analyze' AND type = 'alert.event') "
    "SELECT (extract(epoch FROM o.published_at - i.received_at) * 1000000)::bigint, "
    "(extract(epoch FROM h.changed_at - i.received_at) * 1000000)::bigint, "
    "(extract(epoch FROM r.stored_at - i.received_at) * 1000000)::bigint "
    "FROM raised r JOIN inbox i ON i.seq = r.inbox_seq "
    "LEFT JOIN alert_history h ON h.alert_id = r.alert_id AND h.change_no = 1 "
    "LEFT JOIN events e ON e.event_id = r.event_id "
    "LEFT JOIN outbox o ON o.source_stage = 'analyze' AND o.source_seq = e.seq";

/* Microseconds to whole milliseconds, rounded half up (half down below zero). */
static int64_t ms_of(int64_t us)
{
    return us >= 0 ? (us + 500) / 1000 : -((-us + 500) / 1000);
}

static void print_alert_percentiles(FILE *out, const char *what, int64_t *us, size_t n)
{
    if (n == 0)
        return;
    qsort(us, n, sizeof *us, cmp_i64);
    static const struct {
        const char *name;
        int per_mille;
    } marks[] = {{"p50", 500}, {"p90", 900}, {"p99", 990}, {"max", 1000}};
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++) {
        char label[32];
        snprintf(label, sizeof label, "%s %s", what, marks[k].name);
        fprintf(out, LABEL "%" PRId64 " ms\n", label, ms_of(percentile(us, n, marks[k].per_mille)));
    }
}

/* After the drain of a --tight-budgets run: from the payment that took a
 * project over budget being stored to its 超预算开支 alert being published,
 * per alert, with the exact percentiles by rank. Returns 0, or -1 (said why). */
static int alert_latency(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g, dw_pg_t *pg)
{
    int64_t t0 = mono_us();
    /* Fresh tables have no statistics yet: planned as if each held a row,
     * the query took minutes (a nested loop over the run's payments). */
    if (wait_published(ctx, pg, (int)a->timeout_ms) != 0 ||
        dw_pg_exec(pg, "bench", "ANALYZE payments, inbox, budget_lines, alerts, alert_history, stage_events, outbox", 0,
                   NULL) != 0)
        return -1;
    char ids[32], year[16];
    snprintf(ids, sizeof ids, "T-%s-%%", g->tag);
    snprintf(year, sizeof year, "%d", g->year);
    const char *p[3] = {a->src, ids, year};
    PGresult *res = dw_pg_query(pg, "bench", sql_alert_latency, 3, p);
    if (!res)
        return -1;
    size_t rows = (size_t)PQntuples(res), n_pub = 0, n_an = 0, n_val = 0;
    int64_t *published = calloc(rows + 1, sizeof *published), *analyzed = calloc(rows + 1, sizeof *analyzed);
    int64_t *validated = calloc(rows + 1, sizeof *validated);
    if (!published || !analyzed || !validated) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        free(published);
        free(analyzed);
        free(validated);
        PQclear(res);
        return -1;
    }
    for (int r = 0; r < (int)rows; r++) {
        if (!PQgetisnull(res, r, 0))
            published[n_pub++] = dw_pg_int(res, r, 0);
        if (!PQgetisnull(res, r, 1))
            analyzed[n_an++] = dw_pg_int(res, r, 1);
        if (!PQgetisnull(res, r, 2))
            validated[n_val++] = dw_pg_int(res, r, 2);
    }
    PQclear(res);
    FILE *out = ctx->out;
    print_s(out, "alert readback", mono_us() - t0, " (dw-notify done, ANALYZE, the query; not timed above)");
    fprintf(out, LABEL "%zu of %zu projects that went over budget in the run (%zu without a published alert)\n",
            "alerts measured", n_pub, rows, rows - n_pub);
    fprintf(out,
            LABEL "from inbox.received_at of the payment that first took the project over budget (dw-intake's "
                  "insert, before its commit) to outbox.published_at of its over_budget raised event (dw-notify's "
                  "transaction, before its commit and the send)\n",
            "alert latency");
    print_alert_percentiles(out, "alert", published, n_pub);
    fprintf(out, LABEL "the same payment to alert_history.changed_at of the raise (dw-analyze's transaction)\n",
            "alert analyzed");
    print_alert_percentiles(out, "analyzed", analyzed, n_an);
    fprintf(out, LABEL "the same payment to its payments.stored_at (dw-validate's transaction)\n", "alert validated");
    print_alert_percentiles(out, "validated", validated, n_val);
    fflush(out);
    free(published);
    free(analyzed);
    free(validated);
    if (rows > n_pub)
        fprintf(ctx->err, "dwctl: bench: %zu projects went over budget without a published over_budget alert\n",
                rows - n_pub);
    return 0;
}

/* ------------------------------------------------------ the COPY baseline */

/* What PostgreSQL alone takes on this machine, for the same payments, in the
 * same run, on the same cluster, with the same fsync and synchronous_commit:
 *
 *   - the rows the pipeline writes for a payment, shaped like its rows: an
 *     inbox row (seq, src, id, type, producer_ts, raw: raw is the very bytes
 *     the run sent for that payment), a payments row with every column
 *     dw-validate fills, and a stage_events row whose payload is a
 *     fact.payment encoded as dw-validate encodes it (the same fields, so the
 *     same size);
 *   - into the same tables, with their indexes, next to the run's rows;
 *   - in transactions of the sizes the services are configured with (inbox:
 *     intake.batch_max rows; payments and stage_events together:
 *     pipeline.batch_max rows), interleaved the way the two stages write,
 *     each committed (so each pays its WAL flush), one after another on one
 *     connection; COPY text format, as the services use;
 *   - timed from each BEGIN to the end of its COMMIT, summed. Building the
 *     COPY rows in memory is not counted: a yardstick for the database;
 *   - after the same settling as the pipeline's run (VACUUM, CHECKPOINT).
 *
 * What it does not do, and the pipeline does: the ZeroMQ hops (producer to
 * dw-intake, the ack back, dw-intake to dw-validate), decoding and checking
 * every message, dw-intake's duplicate lookup (a join on src + id per batch),
 * dw-validate's voucher lookup and project positions, the stage_cursors upsert
 * per transaction, and dw-analyze behind them, all on the same two cores.
 * The pipeline runs its two writers side by side on two connections; the
 * baseline has one. The ratio is the price of all that.
 *
 * Keys never meet the pipeline's, and land where the pipeline's do: at the
 * right edge of each growing key (inbox seq, inbox src + id, voucher_no,
 * stage_events stage + seq), where an insert is PostgreSQL's cheapest (no
 * descent from the root, pages split 90/10 rather than 50/50), and among the
 * same projects in payments_project. Ids
 * are "c-<tag>-n" and vouchers "ZF<year>-<tag>cn", as long as the run's and
 * sorting after them; stage_events rows go under stage "validate.copy",
 * which sorts after "validate" and which no stage reads. Inbox rows take the
 * seqs dw-intake would give next, which dw-validate would read as messages:
 * so with --pause-pid dw-validate is stopped (SIGSTOP) for the baseline and
 * its cleanup, and continued once the rows are gone; nothing may send to
 * dw-intake meanwhile. Without it, the seqs run from -N to -1, which no stage
 * reads, at the left end of the key, where each insert descends the tree
 * and leaves half-empty pages behind (measured alone: 10 % more WAL and up
 * to half as much more time for the inbox part): the baseline is then
 * slower than it should be, and the output says so. Either way the rows are
 * deleted afterwards (not timed). */

typedef struct copy_run {
    dw_pg_t *pg;
    int64_t first_seq; /* the inbox seq of the first row */
    dw_buf_t inbox, payments, events, payload;
    int64_t n_inbox, n_facts;      /* rows in the buffers */
    int64_t inbox_us, validate_us; /* BEGIN to COMMIT, summed */
    int64_t commits;
} copy_run_t;

/* A signal came (and was taken): stop. */
static bool signalled(const dwctl_ctx_t *ctx)
{
    struct pollfd p = {.fd = ctx->signal_fd, .events = POLLIN};
    if (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
        (void)dw_signal_read(ctx->signal_fd);
        return true;
    }
    return false;
}

/* One timed transaction of n COPY statements with rows rows each; empties
 * the buffers. Returns 0, or -1 (rolled back, logged). */
static int timed_copy(copy_run_t *c, const char *const *sql, dw_buf_t *const *bufs, size_t n, int64_t rows,
                      int64_t *spent_us)
{
    int64_t t0 = mono_us();
    int rc = dw_pg_begin(c->pg);
    for (size_t k = 0; k < n && rc == 0; k++)
        if (dw_pg_copy(c->pg, "bench", sql[k], bufs[k]) != rows)
            rc = -1;
    if (rc == 0)
        rc = dw_pg_commit(c->pg);
    if (rc != 0) {
        dw_pg_rollback(c->pg);
        return -1;
    }
    *spent_us += mono_us() - t0;
    c->commits++;
    for (size_t k = 0; k < n; k++)
        dw_buf_reset(bufs[k]);
    return 0;
}

static int flush_inbox(copy_run_t *c)
{
    static const char *const sql[1] = {"COPY inbox (seq, src, id, type, producer_ts, raw) FROM STDIN"};
    dw_buf_t *const bufs[1] = {&c->inbox};
    int rc = timed_copy(c, sql, bufs, 1, c->n_inbox, &c->inbox_us);
    c->n_inbox = 0;
    return rc;
}

static int flush_facts(copy_run_t *c)
{
    static const char *const sql[2] = {
        "COPY payments (voucher_no, fiscal_year, payment_date, dept_code, unit_code, project_code, function_code, "
        "economic_code, amount_fen, method, payee, contract_no, flags, inbox_seq, src, id) FROM STDIN",
        "COPY stage_events (stage, seq, type, key, payload) FROM STDIN",
    };
    dw_buf_t *const bufs[2] = {&c->payments, &c->events};
    int rc = timed_copy(c, sql, bufs, 2, c->n_facts, &c->validate_us);
    c->n_facts = 0;
    return rc;
}

/* The fact.payment dw-validate would emit for payment i (emit_payment's
 * fields), encoded into c->payload. fact_seq is the inbox seq the pipeline
 * gave the payment, so the payload has the size the pipeline's had. */
static int fact_payload(copy_run_t *c, const gen_t *g, size_t i, const payment_text_t *t, int64_t paid,
                        int64_t fact_seq)
{
    const payment_plan_t *pay = &g->plan[i];
    const project_t *p = &g->projects[pay->project];
    char id[64];
    snprintf(id, sizeof id, "fact-%" PRId64, fact_seq);
    dw_msg_t *m = dw_msg_new("fact.payment", id, "validate", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_str(b, "voucher_no", t->voucher) | dw_obj_set_str(b, "payment_date", t->date) |
             dw_obj_set_str(b, "dept_code", p->dept->code) | dw_obj_set_str(b, "unit_code", p->unit_code) |
             dw_obj_set_str(b, "project_code", p->code) | dw_obj_set_int(b, "fiscal_year", g->year) |
             dw_obj_set_int(b, "amount_fen", pay->amount_fen) | dw_obj_set_int(b, "budget_fen", budget_of(g, p)) |
             dw_obj_set_int(b, "paid_fen", paid) | dw_obj_set_int(b, "inbox_seq", fact_seq);
    dw_error_t err;
    dw_buf_reset(&c->payload);
    if (rc == 0 && dw_msg_encode(m, &c->payload, &err) != DW_OK)
        rc = -1;
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* Appends payment i's three rows to the buffers; seq is its inbox seq. */
static int add_copy_rows(copy_run_t *c, const bench_args_t *a, const gen_t *g, const dwctl_item_t *item, size_t i,
                         int64_t seq, int64_t paid, int64_t fact_seq)
{
    const payment_plan_t *pay = &g->plan[i];
    const project_t *p = &g->projects[pay->project];
    char id[64];
    snprintf(id, sizeof id, "c-%s-%07zu", g->tag, i + 1);
    payment_text_t t;
    payment_text(g, i, true, &t);
    if (fact_payload(c, g, i, &t, paid, fact_seq) != 0)
        return -1;
    dw_buf_t *in = &c->inbox, *pm = &c->payments, *ev = &c->events;
    if (dw_copy_int(in, seq) || dw_copy_text(in, a->src) || dw_copy_text(in, id) ||
        dw_copy_text(in, "treasury.payment") || dw_copy_int(in, g->ts) ||
        dw_copy_bytea(in, item->bytes.data, item->bytes.len) || dw_copy_end_row(in))
        return -1;
    if (dw_copy_text(pm, t.voucher) || dw_copy_int(pm, g->year) || dw_copy_text(pm, t.date) ||
        dw_copy_text(pm, p->dept->code) || dw_copy_text(pm, p->unit_code) || dw_copy_text(pm, p->code) ||
        dw_copy_text(pm, p->dept->function_code) || dw_copy_text(pm, kinds[p->kind].economic_code) ||
        dw_copy_int(pm, pay->amount_fen) || dw_copy_text(pm, pay->authorised ? "authorised" : "direct") ||
        dw_copy_text(pm, payees[pay->payee]) || (t.contract[0] ? dw_copy_text(pm, t.contract) : dw_copy_null(pm)) ||
        dw_copy_text(pm, "{}") || dw_copy_int(pm, seq) || dw_copy_text(pm, a->src) || dw_copy_text(pm, id) ||
        dw_copy_end_row(pm))
        return -1;
    if (dw_copy_text(ev, COPY_STAGE) || dw_copy_int(ev, (int64_t)i + 1) || dw_copy_text(ev, "fact.payment") ||
        dw_copy_text(ev, p->code) || dw_copy_bytea(ev, c->payload.data, c->payload.len) || dw_copy_end_row(ev))
        return -1;
    c->n_inbox++;
    c->n_facts++;
    return 0;
}

/* DELETE with parameters; the rows it deleted, or -1. */
static int64_t delete_rows(dw_pg_t *pg, const char *sql, int n, const char *const *params)
{
    PGresult *res = dw_pg_query(pg, "bench", sql, n, params);
    if (!res)
        return -1;
    int64_t rows = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rows;
}

/* Deletes what the baseline wrote, so the instance holds what the pipeline
 * stored and nothing else. Returns 0 or -1. */
static int copy_cleanup(dw_pg_t *pg, const bench_args_t *a, const gen_t *g, int64_t first_seq)
{
    int64_t n = (int64_t)g->n_payments, got = 0;
    char from[24], to[24], ids[40], like[64], lo[64], hi[64];
    snprintf(from, sizeof from, "%" PRId64, first_seq);
    snprintf(to, sizeof to, "%" PRId64, first_seq + n);
    snprintf(ids, sizeof ids, "c-%s-%%", g->tag);
    snprintf(like, sizeof like, "ZF%d-%sc%%", g->year, g->tag);
    /* The range lets the primary key find them; the LIKE alone is the
     * answer, read in full should a collation order "c" and "d" otherwise. */
    snprintf(lo, sizeof lo, "ZF%d-%sc", g->year, g->tag);
    snprintf(hi, sizeof hi, "ZF%d-%sd", g->year, g->tag);
    const char *p_inbox[4] = {from, to, a->src, ids}, *p_range[3] = {lo, hi, like}, *p_like[1] = {like};
    const char *p_ev[1] = {COPY_STAGE};
    int rc = dw_pg_begin(pg);
    if (rc == 0 &&
        delete_rows(pg, "DELETE FROM inbox WHERE seq >= $1 AND seq < $2 AND src = $3 AND id LIKE $4", 4, p_inbox) < 0)
        rc = -1;
    if (rc == 0 && (got = delete_rows(pg,
                                      "DELETE FROM payments WHERE voucher_no >= $1 AND voucher_no < $2 "
                                      "AND voucher_no LIKE $3",
                                      3, p_range)) < 0)
        rc = -1;
    if (rc == 0 && got < n && delete_rows(pg, "DELETE FROM payments WHERE voucher_no LIKE $1", 1, p_like) < 0)
        rc = -1;
    if (rc == 0 && delete_rows(pg, "DELETE FROM stage_events WHERE stage = $1", 1, p_ev) < 0)
        rc = -1;
    if (rc == 0)
        rc = dw_pg_commit(pg);
    if (rc != 0)
        dw_pg_rollback(pg);
    return rc;
}

/* Pauses dw-validate (SIGSTOP), then waits until no session of it is busy:
 * a query it sent just before the stop has begun, with a snapshot older than
 * the baseline's first row, and no other can come. Returns 0, or -1 (said
 * why; it runs again). */
static int pause_validate(const dwctl_ctx_t *ctx, dw_pg_t *pg, pid_t pid)
{
    if (kill(pid, SIGSTOP) != 0) {
        fprintf(ctx->err, "dwctl: bench: could not pause dw-validate (pid %d): %s\n", (int)pid, strerror(errno));
        return -1;
    }
    (void)poll(NULL, 0, 100); /* a query in the socket when it stopped has started by now */
    for (int tries = 0; tries < 500; tries++) {
        int64_t busy = -1;
        if (dw_pg_query_int(pg, "bench",
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dw-validate' "
                            "AND state <> 'idle'",
                            0, NULL, &busy) != 0)
            break;
        if (busy == 0)
            return 0;
        (void)poll(NULL, 0, 10);
    }
    (void)kill(pid, SIGCONT);
    fprintf(ctx->err, "dwctl: bench: dw-validate (pid %d) was paused but its session stayed busy\n", (int)pid);
    return -1;
}

static void resume_validate(const dwctl_ctx_t *ctx, pid_t pid)
{
    if (pid > 0 && kill(pid, SIGCONT) != 0)
        fprintf(ctx->err, "dwctl: bench: could not resume dw-validate (pid %d): %s\n", (int)pid, strerror(errno));
}

/* The timed part: every payment's three rows, in the services' batch sizes.
 * Returns 0, or -1 (said why). */
static int copy_all(const dwctl_ctx_t *ctx, copy_run_t *c, const bench_args_t *a, const gen_t *g,
                    const dwctl_batch_t *batch, const flight_t *f, const dw_config_t *cfg)
{
    int64_t n = (int64_t)g->n_payments;
    int64_t *paid = calloc(g->n_projects, sizeof *paid);
    int rc = paid ? 0 : -1;
    for (size_t i = 0; i < g->n_payments && rc == 0; i++) {
        const payment_plan_t *pay = &g->plan[i];
        paid[pay->project] += pay->amount_fen;
        int64_t fact_seq = f->last_seq - n + 1 + (int64_t)i; /* what the pipeline gave payment i */
        rc = add_copy_rows(c, a, g, dwctl_batch_item(batch, g->n_projects + i), i, c->first_seq + (int64_t)i,
                           paid[pay->project], fact_seq);
        bool last = i + 1 == g->n_payments;
        if (rc == 0 && (c->n_inbox == cfg->intake.batch_max || last))
            rc = flush_inbox(c);
        if (rc == 0 && (c->n_facts == cfg->pipeline.batch_max || last))
            rc = flush_facts(c);
        if (rc == 0 && i % 1000 == 999 && signalled(ctx)) {
            fprintf(ctx->err, "dwctl: interrupted\n");
            rc = -1;
        }
    }
    if (!paid)
        fprintf(ctx->err, "dwctl: out of memory\n");
    free(paid);
    return rc;
}

static void print_baseline(const dwctl_ctx_t *ctx, const copy_run_t *c, const dw_config_t *cfg, int64_t n,
                           int64_t pipeline_rate, const cluster_mark_t *before, const cluster_mark_t *after)
{
    FILE *out = ctx->out;
    int64_t total = c->inbox_us + c->validate_us;
    int64_t rate = per_second(n, total);
    char ratio[32];
    fprintf(out,
            LABEL "%" PRId64 " payments, one connection: inbox %d rows a transaction, payments + stage_events %d "
                  "(%" PRId64 " commits)\n",
            "copy baseline", n, cfg->intake.batch_max, cfg->pipeline.batch_max, c->commits);
    if (c->first_seq > 0)
        fprintf(out, LABEL "%" PRId64 " .. %" PRId64 " (dw-validate paused: the seqs the pipeline takes next)\n",
                "copy inbox seq", c->first_seq, c->first_seq + n - 1);
    else
        fprintf(out, LABEL "%" PRId64 " .. %" PRId64 " (the left end of the key, which slows the baseline)\n",
                "copy inbox seq", c->first_seq, c->first_seq + n - 1);
    print_s(out, "copy inbox", c->inbox_us, " (BEGIN to COMMIT, summed)");
    print_s(out, "copy validate", c->validate_us, " (payments + stage_events, BEGIN to COMMIT, summed)");
    fprintf(out, LABEL "%" PRId64 " payments/s\n", "copy rate", rate);
    print_cost(out, "copy cluster", before, after, n, total);
    fprintf(out, LABEL "%s (end to end %" PRId64 " / copy %" PRId64 " payments/s)\n", "pipeline / copy",
            fixed(ratio, sizeof ratio, pipeline_rate, rate, 2), pipeline_rate, rate);
    fflush(out);
}

/* Runs the baseline and prints its figures and the ratio to the pipeline's
 * end-to-end rate. Returns 0, or -1 (said why). */
static int copy_baseline(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g, const dwctl_batch_t *batch,
                         const flight_t *f, const dw_config_t *cfg, dw_pg_t *pg, int64_t pipeline_rate)
{
    copy_run_t c = {.pg = pg, .first_seq = -(int64_t)g->n_payments};
    pid_t pid = (pid_t)a->pause_pid;
    cluster_mark_t before, after;
    int rc = settle(ctx, pg, "baseline");
    if (rc == 0 && pid > 0 && (rc = pause_validate(ctx, pg, pid)) != 0)
        pid = 0;
    if (rc == 0 && pid > 0 &&
        (rc = dw_pg_query_int(pg, "bench", "SELECT coalesce(max(seq), 0) + 1 FROM inbox", 0, NULL, &c.first_seq)) != 0)
        c.first_seq = 0; /* nothing was written */
    if (rc == 0 && (rc = read_mark(pg, &before)) == 0) {
        mark(ctx, a, "baseline");
        if ((rc = copy_all(ctx, &c, a, g, batch, f, cfg)) == 0)
            rc = read_mark(pg, &after);
        mark(ctx, a, "copied");
    }
    dw_buf_free(&c.inbox);
    dw_buf_free(&c.payments);
    dw_buf_free(&c.events);
    dw_buf_free(&c.payload);
    if (rc == 0)
        print_baseline(ctx, &c, cfg, (int64_t)g->n_payments, pipeline_rate, &before, &after);
    else
        fprintf(ctx->err, "dwctl: the COPY baseline stopped after %" PRId64 " commits\n", c.commits);
    int64_t t0 = mono_us();
    if (c.first_seq != 0 && copy_cleanup(pg, a, g, c.first_seq) != 0) {
        fprintf(ctx->err,
                "dwctl: could not delete the COPY baseline's rows (inbox seq from %" PRId64 ", ids c-%s-*, "
                "stage %s)%s\n",
                c.first_seq, g->tag, COPY_STAGE, pid > 0 ? "; dw-validate stays paused, to read none of them" : "");
        return -1;
    }
    /* Only now: had it run, it would have taken the baseline's rows for its own. */
    resume_validate(ctx, pid);
    if (rc == 0)
        print_s(ctx->out, "copy cleanup", mono_us() - t0, " (its rows deleted, not timed above)");
    fflush(ctx->out);
    return rc;
}

/* ------------------------------------------------------------------- main */

static int exit_code(int rc, const flight_t *f)
{
    if (rc != 0 || f->tally.unanswered || f->tally.unsent)
        return DWCTL_EXIT_INCOMPLETE;
    return f->tally.refused ? DWCTL_EXIT_REFUSED : DWCTL_EXIT_OK;
}

static int64_t cpu_us(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* The services' batch sizes: from the instance's file, or the defaults. */
static dw_config_t *load_config(const dwctl_ctx_t *ctx, const bench_args_t *a)
{
    char err[512];
    dw_config_t *cfg = a->config ? dw_config_load(a->config, err, sizeof err) : dw_config_defaults();
    if (!cfg)
        fprintf(ctx->err, "dwctl: bench: %s\n", a->config ? err : "out of memory");
    return cfg;
}

/* What follows the exchange when there is a database: the pipeline figures,
 * then the baseline. Returns 0 or -1. */
static int after_exchange(const dwctl_ctx_t *ctx, const bench_args_t *a, const gen_t *g, const dwctl_batch_t *batch,
                          const flight_t *f, const dw_config_t *cfg, dw_pg_t *pg, const cluster_mark_t *before)
{
    int64_t rate = 0;
    if (pipeline(ctx, a, g, f, cfg, pg, before, &rate) != 0)
        return -1;
    if (a->tight_budgets && alert_latency(ctx, a, g, pg) != 0)
        return -1;
    return a->copy_baseline ? copy_baseline(ctx, a, g, batch, f, cfg, pg, rate) : 0;
}

int dwctl_bench_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    bench_args_t a;
    int stop = parse(ctx, argc, argv, &a);
    if (stop != GO)
        return stop;
    gen_t g = {0};
    dwctl_batch_t *batch = NULL;
    dw_config_t *cfg = NULL;
    dw_pg_t *pg = NULL;
    int code = DWCTL_EXIT_INCOMPLETE;
    if (gen_plan(&g, &a) != 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        goto out;
    }
    if (!(cfg = load_config(ctx, &a)) || !(batch = build_batch(ctx, &g, a.src)))
        goto out;
    if (a.conninfo && !(pg = dw_pg_connect(a.conninfo, 0, "dwctl-bench")))
        goto out; /* said why, with a hint */
    print_header(ctx, &a, &g);
    cluster_mark_t before = {0};
    if (pg && (print_settings(ctx, pg) != 0 || settle(ctx, pg, "exchange") != 0 || read_mark(pg, &before) != 0))
        goto out;
    flight_t f;
    mark(ctx, &a, "exchange");
    int64_t cpu0 = cpu_us();
    int rc = exchange(ctx, &a, batch, &f);
    int64_t cpu = cpu_us() - cpu0;
    if (print_exchange(ctx, &f) != 0)
        rc = -1;
    print_s(ctx->out, "client cpu", cpu, " (dwctl's user + system time during the exchange)");
    if (rc == 0 && pg && f.tally.unanswered == 0 && f.tally.unsent == 0)
        rc = after_exchange(ctx, &a, &g, batch, &f, cfg, pg, &before);
    code = exit_code(rc, &f);
    flight_free(&f);
out:
    dw_pg_destroy(&pg);
    dw_config_destroy(&cfg);
    dwctl_batch_destroy(&batch);
    gen_free(&g);
    return code;
}
