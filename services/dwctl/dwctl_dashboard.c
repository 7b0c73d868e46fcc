#include "dwctl_dashboard.h"

#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "a_catalogue.h"
#include "a_figures.h"
#include "a_load.h"
#include "a_rules.h"
#include "dw_date.h"
#include "dw_money.h"
#include "dw_pg.h"
#include "dwctl_args.h"
#include "dwctl_import_csv.h"

#define CHUNK_PROJECTS 200 /* projects loaded and judged at a time, as dw-analyze's daily run */

typedef struct dashboard_args {
    long year;
    const char *as_of, *dept, *conninfo, *rules;
    bool csv;
} dashboard_args_t;

enum { OPT_YEAR = 256, OPT_AS_OF, OPT_DEPT, OPT_CONNINFO, OPT_FORMAT, OPT_RULES, OPT_HELP };

static const struct option longopts[] = {
    {"year", required_argument, NULL, OPT_YEAR},     {"as-of", required_argument, NULL, OPT_AS_OF},
    {"dept", required_argument, NULL, OPT_DEPT},     {"conninfo", required_argument, NULL, OPT_CONNINFO},
    {"format", required_argument, NULL, OPT_FORMAT}, {"rules", required_argument, NULL, OPT_RULES},
    {"help", no_argument, NULL, OPT_HELP},           {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: dashboard: %s\n", why);
    dwctl_usage(ctx->err, "dashboard");
    return DWCTL_EXIT_USAGE;
}

/* ---- judging ----------------------------------------------------------------- */

/* The findings of one project at a time, grown as a project needs. */
typedef struct findings {
    dw_a_finding_t *items;
    size_t cap;
} findings_t;

/* Every rule over p: 0 with *n findings in fs, or -1 when out of memory. */
static int judge(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t at, findings_t *fs,
                 size_t *n)
{
    size_t want = 32 + 4 * p->n_indicators;
    for (;;) {
        if (fs->cap < want) {
            dw_a_finding_t *grown = realloc(fs->items, want * sizeof *grown);
            if (!grown)
                return -1;
            fs->items = grown;
            fs->cap = want;
        }
        size_t got = dw_a_rules_evaluate(cat, p, tp, at, fs->items, fs->cap);
        if (got <= fs->cap) {
            *n = got;
            return 0;
        }
        want = got; /* more findings than room: again, with room for all */
    }
}

/* Whether SIGINT or SIGTERM has come (main blocks them and reads them from the fd). */
static bool interrupted(const dwctl_ctx_t *ctx)
{
    struct pollfd pfd = {.fd = ctx->signal_fd, .events = POLLIN};
    return ctx->signal_fd >= 0 && poll(&pfd, 1, 0) > 0;
}

/* The project codes the year knows of, counting payments and forms dated by
 * `until` (those dw_a_load_projects would load with no list), in code order;
 * NULL after logging. */
static PGresult *project_codes(dw_pg_t *pg, int year, dw_date_t until)
{
    char y[16], date[11];
    snprintf(y, sizeof y, "%d", year);
    dw_date_format(until, date);
    const char *p[2] = {y, date};
    return dw_pg_query(pg, "dwctl",
                       "SELECT project_code FROM budget_lines WHERE fiscal_year = $1 "
                       "UNION SELECT project_code FROM project_days WHERE fiscal_year = $1 AND pay_date <= $2 "
                       "UNION SELECT project_code FROM target_declarations WHERE fiscal_year = $1 "
                       "UNION SELECT project_code FROM monitor_reports WHERE fiscal_year = $1 AND submitted_date <= $2 "
                       "ORDER BY 1",
                       2, p);
}

/* What is counted and when it is judged. */
typedef struct moment {
    dw_date_t at;    /* judged at */
    dw_date_t until; /* payments and forms dated by then count */
    dw_a_progress_t tp;
} moment_t;

/* Loads, judges and sums every project of the year: 0, or -1 after saying why. */
static int collect(const dwctl_ctx_t *ctx, dw_pg_t *pg, const dw_a_catalogue_t *cat, int year, const moment_t *m,
                   dw_a_figures_t *fig)
{
    PGresult *res = project_codes(pg, year, m->until);
    if (!res)
        return -1;
    findings_t fs = {NULL, 0};
    int rows = PQntuples(res), rc = 0;
    const char *codes[CHUNK_PROJECTS];
    for (int r = 0; r < rows && rc == 0; r += CHUNK_PROJECTS) {
        if (interrupted(ctx)) {
            fprintf(ctx->err, "dwctl: dashboard: interrupted\n");
            rc = -1;
            break;
        }
        size_t k = 0;
        for (; k < CHUNK_PROJECTS && r + (int)k < rows; k++)
            codes[k] = PQgetvalue(res, r + (int)k, 0);
        dw_a_projects_t ps = DW_A_PROJECTS_INIT;
        if (dw_a_load_projects(pg, year, codes, k, m->until, &ps) != 0) {
            fprintf(ctx->err, "dwctl: dashboard: could not load the projects of %d\n", year);
            rc = -1;
        }
        for (size_t i = 0; i < ps.n && rc == 0; i++) {
            size_t n = 0;
            char err[256];
            if (judge(cat, &ps.items[i], m->tp, m->at, &fs, &n) != 0) {
                fprintf(ctx->err, "dwctl: dashboard: out of memory judging project %s\n", ps.items[i].project_code);
                rc = -1;
            } else if (dw_a_figures_add(fig, &ps.items[i], fs.items, n, err, sizeof err) != 0) {
                fprintf(ctx->err, "dwctl: dashboard: %s\n", err);
                rc = -1;
            }
        }
        dw_a_projects_free(&ps);
    }
    free(fs.items);
    PQclear(res);
    return rc;
}

/* ---- printing ------------------------------------------------------------------ */

/* "62.50%" (negative with a '-'). */
static void percent(int64_t bp, char *out, size_t n)
{
    uint64_t m = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64 "%%", bp < 0 ? "-" : "", m / 100, m % 100);
}

/* Points with 2 decimals from milli-points, half up (the grade is decided on the milli-points). */
static void points(int64_t mp, char *out, size_t n)
{
    int64_t centi = (mp + 5) / 10;
    snprintf(out, n, "%" PRId64 ".%02" PRId64, centi / 100, centi % 100);
}

static const char *light_text(dw_a_light_t l)
{
    switch (l) {
    case DW_A_GREEN: return "绿灯";
    case DW_A_BLUE: return "蓝灯";
    case DW_A_YELLOW: return "黄灯";
    case DW_A_RED: return "红灯";
    }
    return "";
}

/* One line of the dashboard, every figure already formatted. */
typedef struct row {
    const char *level; /* bureau, dept, project */
    const char *dept_code, *project_code, *project_name;
    char projects[24], monitored[24];
    char budget[48], paid[48], expected[48], unmonitored[48];
    char exec_rate[24], exec_deviation[24], indicator_deviation[24];
    size_t exec_red, exec_yellow, target_red, target_yellow, compliance_red, compliance_yellow;
    size_t indicators_reported, indicators_deviating;
    dw_a_light_t light;
    bool scored;
    char score[24], projected_score[24];
    const char *grade, *projected_grade;
} row_t;

static void row_of(row_t *r, const char *level, const char *dept_code, const dw_a_tally_t *t)
{
    memset(r, 0, sizeof *r);
    r->level = level;
    r->dept_code = dept_code;
    r->project_code = r->project_name = r->grade = r->projected_grade = "";
    snprintf(r->projects, sizeof r->projects, "%zu", t->projects);
    snprintf(r->monitored, sizeof r->monitored, "%zu", t->monitored);
    dw_fen_format(t->budget_fen, r->budget, sizeof r->budget);
    dw_fen_format(t->paid_fen, r->paid, sizeof r->paid);
    dw_fen_format(t->expected_fen, r->expected, sizeof r->expected);
    dw_fen_format(t->unmonitored_paid_fen, r->unmonitored, sizeof r->unmonitored);
    if (t->has_exec_rate)
        percent(t->exec_rate_bp, r->exec_rate, sizeof r->exec_rate);
    percent(t->exec_deviation_bp, r->exec_deviation, sizeof r->exec_deviation);
    percent(t->indicator_deviation_bp, r->indicator_deviation, sizeof r->indicator_deviation);
    r->exec_red = t->exec_red;
    r->exec_yellow = t->exec_yellow;
    r->target_red = t->target_red;
    r->target_yellow = t->target_yellow;
    r->compliance_red = t->compliance_red;
    r->compliance_yellow = t->compliance_yellow;
    r->indicators_reported = t->indicators_reported;
    r->indicators_deviating = t->indicators_deviating;
    r->light = t->light;
}

static void project_row(row_t *r, const dw_a_project_figures_t *pf)
{
    row_of(r, "project", pf->dept_code, &pf->tally);
    r->project_code = pf->project_code;
    r->project_name = pf->project_name;
    r->scored = true;
    points(pf->score.total_mp, r->score, sizeof r->score);
    points(pf->projected_score.total_mp, r->projected_score, sizeof r->projected_score);
    r->grade = dw_a_grade_name(pf->score.grade);
    r->projected_grade = dw_a_grade_name(pf->projected_score.grade);
}

static const char *const csv_header[] = {
    "level",
    "dept_code",
    "project_code",
    "project_name",
    "projects",
    "monitored",
    "budget_yuan",
    "paid_yuan",
    "exec_rate",
    "expected_yuan",
    "exec_deviation",
    "exec_red",
    "exec_yellow",
    "target_red",
    "target_yellow",
    "compliance_red",
    "compliance_yellow",
    "indicators_reported",
    "indicators_deviating",
    "indicator_deviation",
    "light",
    "unmonitored_paid_yuan",
    "score",
    "grade",
    "projected_score",
    "projected_grade",
};
#define CSV_COLUMNS (sizeof csv_header / sizeof csv_header[0])

static int put_csv(dw_buf_t *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (dwctl_csv_put(b, fields[i], i + 1 == n) != 0)
            return -1;
    return 0;
}

static int csv_row(dw_buf_t *b, const row_t *r)
{
    char counts[8][24];
    size_t values[8] = {r->exec_red,       r->exec_yellow,       r->target_red,          r->target_yellow,
                        r->compliance_red, r->compliance_yellow, r->indicators_reported, r->indicators_deviating};
    for (int i = 0; i < 8; i++)
        snprintf(counts[i], sizeof counts[i], "%zu", values[i]);
    const char *fields[CSV_COLUMNS] = {
        r->level,
        r->dept_code,
        r->project_code,
        r->project_name,
        r->projects,
        r->monitored,
        r->budget,
        r->paid,
        r->exec_rate,
        r->expected,
        r->exec_deviation,
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[4],
        counts[5],
        counts[6],
        counts[7],
        r->indicator_deviation,
        dw_a_light_name(r->light),
        r->unmonitored,
        r->scored ? r->score : "",
        r->grade,
        r->scored ? r->projected_score : "",
        r->projected_grade,
    };
    return put_csv(b, fields, CSV_COLUMNS);
}

/* 全局 / 部门 101 / 项目 P2026-101-001 名称: labelled figures on one line. */
static int text_row(dw_buf_t *b, const row_t *r)
{
    int rc;
    if (strcmp(r->level, "bureau") == 0)
        rc = dw_buf_puts(b, "全局");
    else if (strcmp(r->level, "dept") == 0)
        rc = dw_buf_printf(b, "部门 %s", r->dept_code);
    else
        rc = dw_buf_printf(b, "项目 %s %s  部门 %s", r->project_code, r->project_name, r->dept_code);
    if (rc != 0)
        return -1;
    if (!r->scored && dw_buf_printf(b, "  项目 %s（监控 %s）", r->projects, r->monitored) != 0)
        return -1;
    /* a project's own figures: its budget, its deviations (总体 is for sums of projects) */
    bool one = r->scored;
    if (dw_buf_printf(b, "  %s  %s %s 元  已支付 %s 元  执行率 %s  序时应支付 %s 元  %s %s  ", light_text(r->light),
                      one ? "预算" : "在监控资金", r->budget, r->paid, r->exec_rate[0] ? r->exec_rate : "—",
                      r->expected, one ? "执行偏离度" : "执行总体偏离度", r->exec_deviation) != 0 ||
        dw_buf_printf(b,
                      "执行偏离 红%zu 黄%zu  目标偏离 红%zu 黄%zu  合规 红%zu 黄%zu  %s %s（报送指标 %zu，偏离 %zu）",
                      r->exec_red, r->exec_yellow, r->target_red, r->target_yellow, r->compliance_red,
                      r->compliance_yellow, one ? "指标偏离度" : "指标总体偏离度", r->indicator_deviation,
                      r->indicators_reported, r->indicators_deviating) != 0)
        return -1;
    if (!r->scored && dw_buf_printf(b, "  监控外支付 %s 元", r->unmonitored) != 0)
        return -1;
    if (r->scored && dw_buf_printf(b, "  得分 %s %s  预计得分 %s %s", r->score, r->grade, r->projected_score,
                                   r->projected_grade) != 0)
        return -1;
    return dw_buf_puts(b, "\n");
}

static int emit(dw_buf_t *b, bool csv, const row_t *r)
{
    return csv ? csv_row(b, r) : text_row(b, r);
}

/* The whole dashboard into b: 0, or -1 when out of memory. */
static int render(const dashboard_args_t *a, const dw_a_catalogue_t *cat, dw_date_t at, const dw_a_figures_t *fig,
                  dw_buf_t *b)
{
    row_t r;
    if (a->csv) {
        if (put_csv(b, csv_header, CSV_COLUMNS) != 0)
            return -1;
    } else {
        dw_a_progress_t tp = dw_a_figures_progress(fig);
        char date[11], tpct[24];
        dw_date_format(at, date);
        percent(dw_a_progress_bp(tp), tpct, sizeof tpct);
        if (dw_buf_printf(b, "双监控看板 %ld年度 截至 %s 序时进度 %s（%" PRId64 "/%" PRId64 "） 规则 %s\n", a->year,
                          date, tpct, tp.num, tp.den, dw_a_catalogue_source(cat)) != 0)
            return -1;
    }
    row_of(&r, "bureau", "", dw_a_figures_bureau(fig));
    if (emit(b, a->csv, &r) != 0)
        return -1;
    for (size_t i = 0; i < dw_a_figures_dept_count(fig); i++) {
        const dw_a_dept_figures_t *d = dw_a_figures_dept(fig, i);
        row_of(&r, "dept", d->dept_code, &d->tally);
        if (emit(b, a->csv, &r) != 0)
            return -1;
    }
    for (size_t i = 0; a->dept && i < dw_a_figures_project_count(fig); i++) {
        const dw_a_project_figures_t *pf = dw_a_figures_project(fig, i);
        if (strcmp(pf->dept_code, a->dept) != 0)
            continue;
        project_row(&r, pf);
        if (emit(b, a->csv, &r) != 0)
            return -1;
    }
    return 0;
}

/* ---- the command --------------------------------------------------------------- */

static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, dashboard_args_t *a)
{
    memset(a, 0, sizeof *a);
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_YEAR:
            if (dwctl_parse_long("--year", optarg, 2000, 2100, &a->year, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_AS_OF: a->as_of = optarg; break;
        case OPT_DEPT: a->dept = optarg; break;
        case OPT_CONNINFO: a->conninfo = optarg; break;
        case OPT_RULES: a->rules = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "text") != 0)
                return usage_error(ctx, "--format: text or csv");
            a->csv = strcmp(optarg, "csv") == 0;
            break;
        case OPT_HELP: dwctl_usage(ctx->out, "dashboard"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "dashboard"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc)
        return usage_error(ctx, "dashboard takes options only");
    if (!a->year)
        return usage_error(ctx, "--year YYYY: the fiscal year to show");
    if (a->dept && !*a->dept)
        return usage_error(ctx, "--dept: a department code");
    if (!a->conninfo)
        a->conninfo = getenv("DW_DATABASE_CONNINFO");
    if (!a->conninfo || !*a->conninfo)
        return usage_error(ctx, "no database: give --conninfo or set DW_DATABASE_CONNINFO");
    return -1; /* go on */
}

int dwctl_dashboard_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    dashboard_args_t a;
    int code = parse(ctx, argc, argv, &a);
    if (code >= 0)
        return code;
    /* As dw-analyze judges: at the as-of date, or the year's last day once
     * the year is over. Live (no --as-of) every stored payment and form
     * counts, one dated ahead too; as of a set date, what was dated by then. */
    moment_t m;
    dw_date_t as_of = dw_business_date(dw_now_ms());
    if (a.as_of && !dw_date_parse(a.as_of, &as_of))
        return usage_error(ctx, "--as-of: a date YYYY-MM-DD");
    m.at = as_of.year > a.year ? (dw_date_t){(int)a.year, 12, 31} : as_of;
    m.until = a.as_of ? m.at : (dw_date_t){9999, 12, 31};

    char err[512];
    dw_a_catalogue_t *cat =
        a.rules ? dw_a_catalogue_load(a.rules, err, sizeof err) : dw_a_catalogue_builtin(err, sizeof err);
    if (!cat) {
        fprintf(ctx->err, "dwctl: dashboard: rules: %s\n", err);
        return DWCTL_EXIT_INCOMPLETE;
    }
    m.tp = dw_a_time_progress(dw_a_catalogue_time(cat), (int)a.year, m.at);
    dw_a_figures_t *fig = dw_a_figures_new(cat, (int)a.year, m.tp);
    dw_pg_t *pg = fig ? dw_pg_connect(a.conninfo, 0, "dwctl-dashboard") : NULL;
    dw_buf_t out = DW_BUF_INIT;
    code = DWCTL_EXIT_INCOMPLETE;
    if (!fig)
        fprintf(ctx->err, "dwctl: dashboard: out of memory\n");
    if (!pg || collect(ctx, pg, cat, (int)a.year, &m, fig) != 0)
        goto out;
    if (a.dept && !dw_a_figures_find_dept(fig, a.dept)) {
        fprintf(ctx->err, "dwctl: dashboard: department %s has no project in fiscal year %ld\n", a.dept, a.year);
        goto out;
    }
    if (render(&a, cat, m.at, fig, &out) != 0) {
        fprintf(ctx->err, "dwctl: dashboard: out of memory\n");
        goto out;
    }
    if (fwrite(out.data, 1, out.len, ctx->out) != out.len || fflush(ctx->out) != 0) {
        fprintf(ctx->err, "dwctl: dashboard: could not write the figures\n");
        goto out;
    }
    code = DWCTL_EXIT_OK;
out:
    dw_buf_free(&out);
    dw_pg_destroy(&pg);
    dw_a_figures_destroy(&fig);
    dw_a_catalogue_destroy(&cat);
    return code;
}
