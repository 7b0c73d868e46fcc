/* analyze.catalogue — the analysis rule catalogue's loader: the shipped file
 * and the copy built into dw-analyze load and agree with the defaults written
 * here; each refusal names its file, line and reason exactly. Cases change one
 * line of a small catalogue (base_lines: the line number of each is beside it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "a_builtin.h"
#include "a_catalogue.h"
#include "dw_test.h"

static char src_dir[512];

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

#define DISP "disposition: {yellow: objective, red: serious}}"

/* A complete catalogue, one rule per line. */
static const char *const base_lines[] = {
    "version: 1",                                                /* 1 */
    "time_progress:",                                            /* 2 */
    "  basis: day",                                              /* 3 */
    "  rules_from: \"03-31\"",                                   /* 4 */
    "forms:",                                                    /* 5 */
    "  - {period_month: 6, due: \"07-10\", purpose: 提示警示}",  /* 6 */
    "score:",                                                    /* 7 */
    "  execution: \"10\"",                                       /* 8 */
    "  output: \"50\"",                                          /* 9 */
    "  effect: \"30\"",                                          /* 10 */
    "  satisfaction: \"10\"",                                    /* 11 */
    "  grades: {excellent: \"90\", good: \"80\", fair: \"60\"}", /* 12 */
    "rules:",                                                    /* 13 */
    "  - {id: exec_time, category: timeliness, title: 预算执行进度滞后, thresholds: {red_below: \"60\", "
    "yellow_below: \"80\", large_budget_yuan: \"10000000\", large_gap_points: \"20\"}, message: "
    "\"执行率{exec_rate}\", " DISP, /* 14 */
    "  - {id: indicator_positive, category: effectiveness, title: t, thresholds: {red_below: \"60\", "
    "yellow_below: \"80\", blue_from: \"120\"}, message: m, " DISP,                     /* 15 */
    "  - {id: indicator_reverse, category: effectiveness, title: t, message: m, " DISP, /* 16 */
    "  - {id: indicator_equal, category: effectiveness, title: t, message: m, " DISP,   /* 17 */
    "  - {id: indicator_qual, category: effectiveness, title: t, message: m, " DISP,    /* 18 */
    "  - {id: projection, category: effectiveness, title: t, message: m, " DISP,        /* 19 */
    "  - {id: unspent, category: timeliness, title: t, thresholds: {yellow_above: \"10\", red_above: \"30\"}, "
    "message: m, " DISP, /* 20 */
    "  - {id: carry_over, category: timeliness, title: t, thresholds: {min_yuan: \"1000000\", unspent_above: "
    "\"50\", by_month: \"6\", by_day: \"30\"}, message: m, " DISP,                                      /* 21 */
    "  - {id: idle_new, category: timeliness, title: t, thresholds: {days: \"90\"}, message: m, " DISP, /* 22 */
    "  - {id: no_budget, category: compliance, title: t, message: m, " DISP,                            /* 23 */
    "  - {id: over_budget, category: compliance, title: t, message: m, " DISP,                          /* 24 */
    "  - {id: on_hold, category: compliance, title: t, message: m, " DISP,                              /* 25 */
    "  - {id: econ_mismatch, category: compliance, title: t, message: m, " DISP,                        /* 26 */
    "  - {id: form_overdue, category: timeliness, title: t, thresholds: {red_after_days: \"15\"}, message: "
    "m, " DISP,                                                                                          /* 27 */
    "  - {id: form_no_cause, category: effectiveness, title: t, message: m, " DISP,                      /* 28 */
    "  - {id: reconciliation, category: compliance, title: t, message: m, disposition: {red: serious}}", /* 29 */
};
#define N_BASE (sizeof base_lines / sizeof *base_lines)

/* The base with line l1 replaced by t1 and l2 by t2 (1-based; a NULL text
 * deletes the line, a text may hold several lines; line 0: no change; line
 * N_BASE + 1 appends). Caller frees. */
static char *with_lines(size_t l1, const char *t1, size_t l2, const char *t2)
{
    size_t cap = 1 << 16;
    char *out = malloc(cap), *at = out;
    if (!out)
        return NULL;
    out[0] = '\0';
    for (size_t i = 1; i <= N_BASE + 1; i++) {
        const char *put = i == l1 ? t1 : i == l2 ? t2 : i <= N_BASE ? base_lines[i - 1] : NULL;
        if (put)
            at += snprintf(at, cap - (size_t)(at - out), "%s\n", put);
    }
    return out;
}

static char *with_line(size_t line, const char *text)
{
    return with_lines(line, text, 0, NULL);
}

/* Parses text as "case.yaml" and expects exactly the refusal want. */
static void expect_refusal_at(int test_line, const char *text, const char *want)
{
    char err[1024] = "";
    dw_a_catalogue_t *c = text ? dw_a_catalogue_parse("case.yaml", text, strlen(text), err, sizeof err) : NULL;
    dw_test_checks++;
    if (!text || c || strcmp(err, want) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s\n  got  \"%s\"\n  want \"%s\"\n", __FILE__, test_line,
                c ? "loaded, want a refusal" : "wrong refusal", err, want);
    }
    dw_a_catalogue_destroy(&c);
}
#define EXPECT_REFUSAL(text, want) expect_refusal_at(__LINE__, text, want)

/* Base with one line changed must be refused with want. */
static void expect_line_refusal_at(int test_line, size_t line, const char *text, const char *want)
{
    char *t = with_line(line, text);
    expect_refusal_at(test_line, t, want);
    free(t);
}
#define EXPECT_LINE(line, text, want) expect_line_refusal_at(__LINE__, line, text, want)

/* Base with up to two lines changed loads; the catalogue is returned for checks. */
static dw_a_catalogue_t *load_with(int test_line, size_t l1, const char *t1, size_t l2, const char *t2)
{
    char *t = with_lines(l1, t1, l2, t2);
    char err[1024] = "";
    dw_a_catalogue_t *c = t ? dw_a_catalogue_parse("case.yaml", t, strlen(t), err, sizeof err) : NULL;
    free(t);
    dw_test_checks++;
    if (!c) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: refused: %s\n", __FILE__, test_line, err);
    }
    return c;
}
#define LOAD_WITH(line, text)              load_with(__LINE__, line, text, 0, NULL)
#define LOAD_WITH2(l1, t1, l2, t2)         load_with(__LINE__, l1, t1, l2, t2)
#define EXPECT_LINES(l1, t1, l2, t2, want) expect_lines_at(__LINE__, l1, t1, l2, t2, want)

static void expect_lines_at(int test_line, size_t l1, const char *t1, size_t l2, const char *t2, const char *want)
{
    char *t = with_lines(l1, t1, l2, t2);
    expect_refusal_at(test_line, t, want);
    free(t);
}

static bool dec_is(dw_decimal_t d, int64_t units, int scale)
{
    return d.units == units && d.scale == scale;
}

/* The shipped defaults, written out by hand from the task's table. */
typedef struct want_rule {
    const char *id;
    dw_a_category_t category;
    const char *title;
    const char *th[4];
    int64_t value[4]; /* all whole numbers (scale 0) */
    size_t n_th;
} want_rule_t;

static const want_rule_t shipped[DW_A_N_RULES] = {
    {"exec_time",
     DW_A_TIMELINESS,
     "预算执行进度滞后",
     {"red_below", "yellow_below", "large_budget_yuan", "large_gap_points"},
     {60, 80, 10000000, 20},
     4},
    {"indicator_positive",
     DW_A_EFFECTIVENESS,
     "正向指标完成进度偏离",
     {"red_below", "yellow_below", "blue_from"},
     {60, 80, 120},
     3},
    {"indicator_reverse", DW_A_EFFECTIVENESS, "反向指标超出目标", {0}, {0}, 0},
    {"indicator_equal", DW_A_EFFECTIVENESS, "等值指标未达目标", {0}, {0}, 0},
    {"indicator_qual", DW_A_EFFECTIVENESS, "定性指标未达成", {0}, {0}, 0},
    {"projection", DW_A_EFFECTIVENESS, "全年预计无法完成绩效目标", {0}, {0}, 0},
    {"unspent", DW_A_TIMELINESS, "预计结转结余较大", {"yellow_above", "red_above"}, {10, 30}, 2},
    {"carry_over",
     DW_A_TIMELINESS,
     "上年结转资金较大且执行缓慢",
     {"min_yuan", "unspent_above", "by_month", "by_day"},
     {1000000, 50, 6, 30},
     4},
    {"idle_new", DW_A_TIMELINESS, "当年新增预算前期准备不充分", {"days"}, {90}, 1},
    {"no_budget", DW_A_COMPLIANCE, "无预算开支", {0}, {0}, 0},
    {"over_budget", DW_A_COMPLIANCE, "超预算开支", {0}, {0}, 0},
    {"on_hold", DW_A_COMPLIANCE, "暂停拨付期间支付", {0}, {0}, 0},
    {"econ_mismatch", DW_A_COMPLIANCE, "支出经济分类与预算不符（疑似挤占挪用）", {0}, {0}, 0},
    {"form_overdue", DW_A_TIMELINESS, "绩效监控表逾期未报", {"red_after_days"}, {15}, 1},
    {"form_no_cause", DW_A_EFFECTIVENESS, "偏离指标未说明原因", {0}, {0}, 0},
    {"reconciliation", DW_A_COMPLIANCE, "国库对账不符", {0}, {0}, 0},
    {"task_overdue", DW_A_TIMELINESS, "流程事项逾期未办", {"red_after_days"}, {10}, 1},
};

static void check_shipped_values(const dw_a_catalogue_t *c)
{
    const dw_a_time_cfg_t *t = dw_a_catalogue_time(c);
    CHECK(t->basis == DW_A_BASIS_DAY);
    CHECK_INT(t->n_schedule, 3);
    CHECK(t->schedule[0].month == 6 && t->schedule[0].day == 30 && t->schedule[0].percent_bp == 5000);
    CHECK(t->schedule[1].month == 9 && t->schedule[1].day == 30 && t->schedule[1].percent_bp == 7500);
    CHECK(t->schedule[2].month == 12 && t->schedule[2].day == 31 && t->schedule[2].percent_bp == 10000);
    CHECK(t->rules_from_month == 3 && t->rules_from_day == 31);

    const dw_a_form_round_t *f = NULL;
    CHECK_INT(dw_a_catalogue_forms(c, &f), 4);
    CHECK(f[0].period_month == 6 && f[0].due_month == 7 && f[0].due_day == 10);
    CHECK_STR(f[0].purpose, "提示警示");
    CHECK(f[1].period_month == 9 && f[1].due_month == 10 && f[1].due_day == 10);
    CHECK_STR(f[1].purpose, "纠偏纠错和调整处置");
    CHECK(f[2].period_month == 10 && f[2].due_month == 11 && f[2].due_day == 10);
    CHECK(f[3].period_month == 11 && f[3].due_month == 12 && f[3].due_day == 10);
    CHECK_STR(f[3].purpose, "督促完成支出预算、实现既定绩效目标");

    const dw_a_score_cfg_t *s = dw_a_catalogue_score(c);
    CHECK(dec_is(s->execution, 10, 0) && dec_is(s->output, 50, 0) && dec_is(s->effect, 30, 0) &&
          dec_is(s->satisfaction, 10, 0));
    CHECK(dec_is(s->excellent, 90, 0) && dec_is(s->good, 80, 0) && dec_is(s->fair, 60, 0));

    for (int k = 0; k < DW_A_N_RULES; k++) {
        const dw_a_rule_t *r = dw_a_catalogue_rule(c, (dw_a_rule_kind_t)k);
        const want_rule_t *w = &shipped[k];
        CHECK(r != NULL);
        if (!r)
            continue;
        CHECK_INT(r->kind, k);
        CHECK_STR(r->id, w->id);
        CHECK_INT(r->category, w->category);
        CHECK_STR(r->title, w->title);
        CHECK(r->enabled);
        CHECK(r->message && r->message[0]);
        CHECK(r->line > 0);
        CHECK(dw_a_catalogue_find(c, w->id) == r);
        CHECK_INT(r->n_thresholds, w->n_th);
        for (size_t i = 0; i < w->n_th && i < r->n_thresholds; i++) {
            CHECK_STR(r->thresholds[i].name, w->th[i]);
            CHECK(dec_is(r->thresholds[i].value, w->value[i], 0));
            CHECK(dec_is(dw_a_rule_threshold(r, w->th[i]), w->value[i], 0));
        }
        CHECK_INT(r->on_red, DW_A_DISPOSE_SERIOUS);
    }
    /* dispositions that differ from objective / serious */
    CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_EXEC_TIME)->on_yellow, DW_A_DISPOSE_OBJECTIVE);
    CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_FORM_OVERDUE)->on_yellow, DW_A_DISPOSE_NONE);
    CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_NO_BUDGET)->on_yellow, DW_A_DISPOSE_SERIOUS);
    CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_RECONCILIATION)->on_yellow, DW_A_DISPOSE_NONE);
    /* incentives (seed 003 §13): 07-10, 10-10, 11-10, 12-10 to 预算股; deduct below 60 % and 60 %, 5 %;
     * reward from 90 % and 90 %; recover above 50 % unspent or 完全不可能 */
    const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(c);
    CHECK(in->present && in->line > 0);
    CHECK_INT(in->n_checkpoints, 4);
    CHECK(in->checkpoints[0].month == 7 && in->checkpoints[0].day == 10);
    CHECK(in->checkpoints[1].month == 10 && in->checkpoints[1].day == 10);
    CHECK(in->checkpoints[2].month == 11 && in->checkpoints[2].day == 10);
    CHECK(in->checkpoints[3].month == 12 && in->checkpoints[3].day == 10);
    CHECK_STR(in->recipient, "budget");
    CHECK(dec_is(in->deduct_exec_below, 60, 0) && dec_is(in->deduct_completion_below, 60, 0) &&
          dec_is(in->deduct_share, 5, 0));
    CHECK(dec_is(in->reward_exec_from, 90, 0) && dec_is(in->reward_completion_from, 90, 0));
    CHECK(dec_is(in->recover_unspent_above, 50, 0) && in->recover_impossible);
    CHECK_STR(dw_a_catalogue_rule(c, DW_A_RULE_EXEC_TIME)->message,
              "项目{project_name}（{project}）预算执行率{exec_rate}，序时进度{time_progress}，执行进度比{ratio}（{"
              "thresholds}）");
}

static void test_shipped_and_builtin(void)
{
    char path[600], err[1024] = "";
    snprintf(path, sizeof path, "%s/deploy/analysis_rules.yaml", src_dir);
    dw_a_catalogue_t *file = dw_a_catalogue_load(path, err, sizeof err);
    CHECK(file != NULL);
    if (!file) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(dw_a_catalogue_source(file), path);
    dw_a_catalogue_t *builtin = dw_a_catalogue_builtin(err, sizeof err);
    CHECK(builtin != NULL);
    if (!builtin) {
        fprintf(stderr, "%s\n", err);
        dw_a_catalogue_destroy(&file);
        return;
    }
    CHECK_STR(dw_a_catalogue_source(builtin), "deploy/analysis_rules.yaml (built in)");
    /* the build embedded the file as it is now */
    size_t len = 0;
    char *text = read_all(path, &len);
    CHECK(text && len == dw_a_builtin_rules_len && memcmp(text, dw_a_builtin_rules, len) == 0);
    free(text);

    check_shipped_values(file);
    check_shipped_values(builtin);
    for (int k = 0; k < DW_A_N_RULES; k++) {
        const dw_a_rule_t *a = dw_a_catalogue_rule(file, (dw_a_rule_kind_t)k);
        const dw_a_rule_t *b = dw_a_catalogue_rule(builtin, (dw_a_rule_kind_t)k);
        CHECK(a->enabled == b->enabled && a->on_yellow == b->on_yellow && a->on_red == b->on_red &&
              a->line == b->line && strcmp(a->message, b->message) == 0 && strcmp(a->title, b->title) == 0);
    }

    CHECK_INT(dw_a_catalogue_incentives(file)->line, dw_a_catalogue_incentives(builtin)->line);

    CHECK(dw_a_catalogue_find(file, "exec_tim") == NULL);
    CHECK(dw_a_catalogue_rule(file, DW_A_N_RULES) == NULL);
    CHECK(dec_is(dw_a_rule_threshold(dw_a_catalogue_rule(file, DW_A_RULE_EXEC_TIME), "blue_from"), 0, 0));
    dw_a_catalogue_destroy(&file);
    dw_a_catalogue_destroy(&builtin);
    CHECK(file == NULL && builtin == NULL);
}

static void test_names(void)
{
    CHECK_STR(dw_a_category_name(DW_A_TIMELINESS), "timeliness");
    CHECK_STR(dw_a_category_name(DW_A_COMPLIANCE), "compliance");
    CHECK_STR(dw_a_category_name(DW_A_EFFECTIVENESS), "effectiveness");
    CHECK_STR(dw_a_disposition_text(DW_A_DISPOSE_OBJECTIVE), "调减预算，同步调整绩效目标");
    CHECK_STR(dw_a_disposition_text(DW_A_DISPOSE_SERIOUS), "暂停项目实施，调减预算，停止拨付");
    CHECK_STR(dw_a_disposition_text(DW_A_DISPOSE_NONE), "");
}

/* What a bureau may write that must load, and what it then means. */
static void test_accepted(void)
{
    dw_a_catalogue_t *c = LOAD_WITH(0, NULL); /* the base as it is */
    if (c) {
        const dw_a_rule_t *r = dw_a_catalogue_rule(c, DW_A_RULE_TASK_OVERDUE);
        /* a rule added later that the file leaves out: off, named */
        CHECK(!r->enabled && r->line == 0);
        CHECK_STR(r->id, "task_overdue");
        CHECK_STR(r->title, "流程事项逾期未办");
        r = dw_a_catalogue_rule(c, DW_A_RULE_EXEC_TIME);
        CHECK(r->enabled); /* enabled left out: true */
        CHECK_INT(r->line, 14);
        CHECK_STR(r->message, "执行率{exec_rate}");
        CHECK_INT(dw_a_catalogue_time(c)->n_schedule, 0);
        CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_RECONCILIATION)->on_yellow, DW_A_DISPOSE_NONE);
        CHECK_INT(dw_a_catalogue_rule(c, DW_A_RULE_RECONCILIATION)->on_red, DW_A_DISPOSE_SERIOUS);
    }
    dw_a_catalogue_destroy(&c);

    c = LOAD_WITH(23, "  - {id: no_budget, category: compliance, title: t, enabled: false, message: m, "
                      "disposition: {yellow: none, red: objective}}");
    if (c) {
        const dw_a_rule_t *r = dw_a_catalogue_rule(c, DW_A_RULE_NO_BUDGET);
        CHECK(!r->enabled);
        CHECK_INT(r->on_yellow, DW_A_DISPOSE_NONE);
        CHECK_INT(r->on_red, DW_A_DISPOSE_OBJECTIVE);
    }
    dw_a_catalogue_destroy(&c);

    /* a schedule of exact percents (12.5 % = 1250 bp, 99.99 % = 9999 bp); 02-29 is a month-day */
    c = LOAD_WITH2(3,
                   "  basis: schedule\n  schedule:\n    - {date: \"02-29\", percent: \"12.5\"}\n"
                   "    - {date: \"12-31\", percent: \"99.99\"}",
                   4, "  rules_from: \"02-29\"");
    if (c) {
        const dw_a_time_cfg_t *t = dw_a_catalogue_time(c);
        CHECK(t->basis == DW_A_BASIS_SCHEDULE);
        CHECK_INT(t->n_schedule, 2);
        CHECK(t->schedule[0].month == 2 && t->schedule[0].day == 29 && t->schedule[0].percent_bp == 1250);
        CHECK(t->schedule[1].month == 12 && t->schedule[1].day == 31 && t->schedule[1].percent_bp == 9999);
        CHECK(t->rules_from_month == 2 && t->rules_from_day == 29);
    }
    dw_a_catalogue_destroy(&c);

    /* 10.5 + 49.5 + 30 + 10 = 100 exactly */
    c = LOAD_WITH2(8, "  execution: \"10.5\"", 9, "  output: \"49.5\"");
    if (c) {
        CHECK(dec_is(dw_a_catalogue_score(c)->execution, 105, 1));
        CHECK(dec_is(dw_a_catalogue_score(c)->output, 495, 1));
    }
    dw_a_catalogue_destroy(&c);

    /* thresholds in another order and with decimals: stored in the code's order */
    c = LOAD_WITH(14,
                  "  - {id: exec_time, category: timeliness, title: t, thresholds: {large_gap_points: \"20\", "
                  "yellow_below: \"80\", large_budget_yuan: \"5000000.50\", red_below: \"59.5\"}, message: m, " DISP);
    if (c) {
        const dw_a_rule_t *r = dw_a_catalogue_rule(c, DW_A_RULE_EXEC_TIME);
        CHECK_STR(r->thresholds[0].name, "red_below");
        CHECK(dec_is(r->thresholds[0].value, 595, 1));
        CHECK_STR(r->thresholds[2].name, "large_budget_yuan");
        CHECK(dec_is(r->thresholds[2].value, 500000050, 2));
        CHECK_STR(r->thresholds[3].name, "large_gap_points");
    }
    dw_a_catalogue_destroy(&c);

    /* no rounds at all; a round due right after its period (02-29 ends months 1-2 only in a leap year) */
    c = LOAD_WITH(6, "    []");
    if (c)
        CHECK_INT(dw_a_catalogue_forms(c, NULL), 0);
    dw_a_catalogue_destroy(&c);
    c = LOAD_WITH(6, "  - {period_month: 1, due: \"02-01\", purpose: p}\n  - {period_month: 11, due: \"12-01\", "
                     "purpose: p}");
    if (c)
        CHECK_INT(dw_a_catalogue_forms(c, NULL), 2);
    dw_a_catalogue_destroy(&c);

    /* carry_over by 02-29 is a date (in a leap year) */
    c = LOAD_WITH(21, "  - {id: carry_over, category: timeliness, title: t, thresholds: {min_yuan: \"0\", "
                      "unspent_above: \"50\", by_month: \"2\", by_day: \"29\"}, message: m, " DISP);
    CHECK(c != NULL);
    dw_a_catalogue_destroy(&c);
}

/* The refusals the task names, then the rest; the line of each is where the
 * changed text sits in base_lines. */
static void test_refused(void)
{
    /* unknown key */
    EXPECT_LINE(1, "version: 1\ncolour: red",
                "case.yaml:2: unknown key \"colour\" (known: version, time_progress, forms, score, rules, incentives)");
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, colour: red, message: m, " DISP,
                "case.yaml:23: no_budget: unknown key \"colour\" (known: id, category, title, enabled, thresholds, "
                "message, disposition)");
    EXPECT_LINE(4, "  rules_from: \"03-31\"\n  start: \"01-01\"",
                "case.yaml:5: time_progress: unknown key \"start\" (known: basis, schedule, rules_from)");
    /* unknown rule id */
    EXPECT_LINE(23, "  - {id: nobudget, category: compliance, title: t, message: m, " DISP,
                "case.yaml:23: unknown rule \"nobudget\": dw-analyze has no rule of that id");
    /* a rule missing: reconciliation (line 29) left out; said at "rules:" (line 13) */
    EXPECT_LINE(29, NULL,
                "case.yaml:13: rule reconciliation is missing: dw-analyze has it; list it (with enabled: false to "
                "switch it off)");
    /* a rule twice: no_budget (line 23) again at line 30 */
    EXPECT_LINE(30, "  - {id: no_budget, category: compliance, title: t, message: m, " DISP,
                "case.yaml:30: rule no_budget is listed twice (first at line 23)");
    /* wrong category */
    EXPECT_LINE(23, "  - {id: no_budget, category: timeliness, title: t, message: m, " DISP,
                "case.yaml:23: no_budget: category: the rule is compliance, not \"timeliness\"");
    /* missing threshold, missing thresholds */
    EXPECT_LINE(14,
                "  - {id: exec_time, category: timeliness, title: t, thresholds: {red_below: \"60\", yellow_below: "
                "\"80\", large_budget_yuan: \"10000000\"}, message: m, " DISP,
                "case.yaml:14: exec_time: thresholds: missing \"large_gap_points\" (the rule needs red_below, "
                "yellow_below, large_budget_yuan, large_gap_points)");
    EXPECT_LINE(22, "  - {id: idle_new, category: timeliness, title: t, message: m, " DISP,
                "case.yaml:22: idle_new: missing key \"thresholds\" (the rule needs days)");
    /* unknown threshold */
    EXPECT_LINE(22,
                "  - {id: idle_new, category: timeliness, title: t, thresholds: {days: \"90\", weeks: \"3\"}, "
                "message: m, " DISP,
                "case.yaml:22: idle_new: thresholds: unknown threshold \"weeks\" (the rule takes days)");
    EXPECT_LINE(16,
                "  - {id: indicator_reverse, category: effectiveness, title: t, thresholds: {red_above: \"10\"}, "
                "message: m, " DISP,
                "case.yaml:16: indicator_reverse: thresholds: unknown threshold \"red_above\" (the rule takes none)");
    /* non-decimal threshold, negative threshold */
    EXPECT_LINE(20,
                "  - {id: unspent, category: timeliness, title: t, thresholds: {yellow_above: \"1O%\", red_above: "
                "\"30\"}, message: m, " DISP,
                "case.yaml:20: unspent: thresholds: yellow_above: expected a decimal such as \"80\" or \"95.5\", got "
                "\"1O%\"");
    EXPECT_LINE(20,
                "  - {id: unspent, category: timeliness, title: t, thresholds: {yellow_above: \"-10\", red_above: "
                "\"30\"}, message: m, " DISP,
                "case.yaml:20: unspent: thresholds: yellow_above: must not be negative, got \"-10\"");
    /* red_below >= yellow_below; yellow_above >= red_above; yellow_below >= blue_from */
    EXPECT_LINE(14,
                "  - {id: exec_time, category: timeliness, title: t, thresholds: {red_below: \"80\", yellow_below: "
                "\"60\", large_budget_yuan: \"10000000\", large_gap_points: \"20\"}, message: m, " DISP,
                "case.yaml:14: exec_time: thresholds: red_below 80 must be below yellow_below 60");
    EXPECT_LINE(15,
                "  - {id: indicator_positive, category: effectiveness, title: t, thresholds: {red_below: \"80.0\", "
                "yellow_below: \"80\", blue_from: \"120\"}, message: m, " DISP,
                "case.yaml:15: indicator_positive: thresholds: red_below 80.0 must be below yellow_below 80");
    EXPECT_LINE(15,
                "  - {id: indicator_positive, category: effectiveness, title: t, thresholds: {red_below: \"60\", "
                "yellow_below: \"80\", blue_from: \"80\"}, message: m, " DISP,
                "case.yaml:15: indicator_positive: thresholds: yellow_below 80 must be below blue_from 80");
    EXPECT_LINE(20,
                "  - {id: unspent, category: timeliness, title: t, thresholds: {yellow_above: \"30\", red_above: "
                "\"10\"}, message: m, " DISP,
                "case.yaml:20: unspent: thresholds: yellow_above 30 must be below red_above 10");
    /* a long value is quoted up to 60 bytes, cut between characters: 7 × 及时性 is 63 bytes, 20 characters fit */
    EXPECT_LINE(
        23, "  - {id: no_budget, category: 及时性及时性及时性及时性及时性及时性及时性, title: t, message: m, " DISP,
        "case.yaml:23: no_budget: category: the rule is compliance, not \"及时性及时性及时性及时性及时性及时性及时\"");
    /* unknown placeholder, unclosed brace */
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, message: \"已支付{paid}元\", " DISP,
                "case.yaml:23: no_budget: message: unknown placeholder {paid} (see the list in the file's header)");
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, message: \"已支付{actual元\", " DISP,
                "case.yaml:23: no_budget: message: \"{\" without \"}\"");
    /* weights not summing to 100 (10 + 60 + 30 + 10 = 110; 10 + 49.99 + 30 + 10 = 99.99), said at "score:" */
    EXPECT_LINE(9, "  output: \"60\"", "case.yaml:7: score: the points must sum to 100: 10 + 60 + 30 + 10 is not 100");
    EXPECT_LINE(9, "  output: \"49.99\"",
                "case.yaml:7: score: the points must sum to 100: 10 + 49.99 + 30 + 10 is not 100");
    /* bad MM-DD */
    EXPECT_LINE(4, "  rules_from: \"02-30\"",
                "case.yaml:4: time_progress: rules_from: expected a month-day \"MM-DD\" that is a real date, got "
                "\"02-30\"");
    EXPECT_LINE(4, "  rules_from: \"3-31\"",
                "case.yaml:4: time_progress: rules_from: expected a month-day \"MM-DD\" that is a real date, got "
                "\"3-31\"");
    EXPECT_LINE(6, "  - {period_month: 6, due: \"13-01\", purpose: p}",
                "case.yaml:6: forms: due: expected a month-day \"MM-DD\" that is a real date, got \"13-01\"");
    /* bad basis */
    EXPECT_LINE(3, "  basis: week", "case.yaml:3: time_progress: basis: expected day, month or schedule, got \"week\"");
    EXPECT_LINE(3, "  basis: schedule", "case.yaml:3: time_progress: basis schedule needs a schedule");
    /* version 2, version missing */
    EXPECT_LINE(1, "version: 2", "case.yaml:1: version: this dw-analyze reads version 1, got \"2\"");
    EXPECT_LINE(1, NULL, "case.yaml:1: missing key \"version\" (version: 1)");
    /* not a mapping, nothing at all */
    EXPECT_REFUSAL("- version: 1\n", "case.yaml:1: expected a mapping (version, time_progress, forms, score, rules) "
                                     "at the top level, got a list");
    EXPECT_REFUSAL("", "case.yaml:1: no catalogue in the file (expected version: 1, time_progress, forms, score and "
                       "rules)");

    /* the rest */
    EXPECT_LINE(3, "  basis: day\n  basis: month",
                "case.yaml:4: time_progress: duplicate key \"basis\" (first at line 3)");
    EXPECT_LINES(5, NULL, 6, NULL, "case.yaml:1: missing key \"forms\"");
    EXPECT_LINE(23, "  - no_budget",
                "case.yaml:23: rules: a rule must be a mapping (id, category, title, ...), got a scalar");
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, " DISP,
                "case.yaml:23: no_budget: missing key \"message\"");
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, enabled: yes, message: m, " DISP,
                "case.yaml:23: no_budget: enabled: expected true or false, got \"yes\"");
    EXPECT_LINE(23,
                "  - {id: no_budget, category: compliance, title: t, message: m, disposition: {yellow: severe, "
                "red: serious}}",
                "case.yaml:23: no_budget: disposition: yellow: expected objective, serious or none, got \"severe\"");
    EXPECT_LINE(23, "  - {id: no_budget, category: compliance, title: t, message: m, disposition: {red: serious}}",
                "case.yaml:23: no_budget: disposition: missing key \"yellow\"");
    EXPECT_LINE(29, "  - {id: reconciliation, category: compliance, title: t, message: m, disposition: {yellow: none}}",
                "case.yaml:29: reconciliation: disposition: missing key \"red\"");
    EXPECT_LINE(29,
                "  - {id: reconciliation, category: compliance, title: t, message: m, disposition: {red: serious, "
                "blue: none}}",
                "case.yaml:29: reconciliation: disposition: unknown key \"blue\" (known: yellow, red)");
    EXPECT_LINE(21,
                "  - {id: carry_over, category: timeliness, title: t, thresholds: {min_yuan: \"1000.001\", "
                "unspent_above: \"50\", by_month: \"6\", by_day: \"30\"}, message: m, " DISP,
                "case.yaml:21: carry_over: thresholds: min_yuan: expected yuan with at most 2 decimals, got "
                "\"1000.001\"");
    EXPECT_LINE(21,
                "  - {id: carry_over, category: timeliness, title: t, thresholds: {min_yuan: \"1\", "
                "unspent_above: \"50\", by_month: \"13\", by_day: \"30\"}, message: m, " DISP,
                "case.yaml:21: carry_over: thresholds: by_month: expected a month 1..12, got \"13\"");
    EXPECT_LINE(21,
                "  - {id: carry_over, category: timeliness, title: t, thresholds: {min_yuan: \"1\", "
                "unspent_above: \"50\", by_month: \"2\", by_day: \"30\"}, message: m, " DISP,
                "case.yaml:21: carry_over: thresholds: by_month 2 and by_day 30 are not a date");
    EXPECT_LINE(22, "  - {id: idle_new, category: timeliness, title: t, thresholds: {days: \"9.5\"}, message: m, " DISP,
                "case.yaml:22: idle_new: thresholds: days: expected a whole number of days 0..366, got \"9.5\"");
    EXPECT_LINE(14, "  - {id: exec_time, category: timeliness, title: t, thresholds: [red_below], message: m, " DISP,
                "case.yaml:14: exec_time: thresholds: expected a mapping of names to decimals, got a list");
    /* forms: due not after the period's end (06-30), not ascending, too many */
    EXPECT_LINE(6, "  - {period_month: 6, due: \"06-30\", purpose: p}",
                "case.yaml:6: forms: due: 06-30 is not after the end of 1-6月 (06-30)");
    EXPECT_LINE(6, "  - {period_month: 2, due: \"02-29\", purpose: p}",
                "case.yaml:6: forms: due: 02-29 is not after the end of 1-2月 (02-29)");
    EXPECT_LINE(6, "  - {period_month: 12, due: \"12-31\", purpose: p}",
                "case.yaml:6: forms: due: 12-31 is not after the end of 1-12月 (12-31)");
    EXPECT_LINE(6,
                "  - {period_month: 9, due: \"10-10\", purpose: p}\n  - {period_month: 6, due: \"07-10\", "
                "purpose: p}",
                "case.yaml:7: forms: period_month 6 is not after 9 (rounds ascend)");
    EXPECT_LINE(6, "  - {period_month: 0, due: \"07-10\", purpose: p}",
                "case.yaml:6: forms: period_month: expected a month 1..12, got \"0\"");
    {
        char many[2048] = "";
        for (int i = 0; i < 13; i++) /* 13 rounds: one more than 12; the list starts on line 6 */
            strcat(many, "  - {period_month: 1, due: \"02-10\", purpose: p}\n");
        many[strlen(many) - 1] = '\0';
        EXPECT_LINE(6, many, "case.yaml:6: forms: at most 12 rounds, got 13");
    }
    /* schedule: dates and percents ascend, percents exact in basis points */
    EXPECT_LINE(3,
                "  basis: schedule\n  schedule:\n    - {date: \"09-30\", percent: \"75\"}\n"
                "    - {date: \"06-30\", percent: \"80\"}",
                "case.yaml:6: time_progress: schedule: 06-30 is not after 09-30 (dates ascend)");
    EXPECT_LINE(3,
                "  basis: schedule\n  schedule:\n    - {date: \"06-30\", percent: \"50\"}\n"
                "    - {date: \"09-30\", percent: \"50.00\"}",
                "case.yaml:6: time_progress: schedule: percent 50.00 at 09-30 is not above 50 at 06-30 (percents "
                "ascend)");
    EXPECT_LINE(3, "  basis: schedule\n  schedule:\n    - {date: \"06-30\", percent: \"33.333\"}",
                "case.yaml:5: time_progress: schedule: percent: expected 0..100 with at most 2 decimals, got "
                "\"33.333\"");
    EXPECT_LINE(3, "  basis: schedule\n  schedule:\n    - {date: \"06-30\", percent: \"100.01\"}",
                "case.yaml:5: time_progress: schedule: percent: expected 0..100 with at most 2 decimals, got "
                "\"100.01\"");
    /* a bad schedule is refused even when the basis does not use it */
    EXPECT_LINE(3, "  basis: day\n  schedule:\n    - {date: \"06-31\", percent: \"50\"}",
                "case.yaml:5: time_progress: schedule: date: expected a month-day \"MM-DD\" that is a real date, got "
                "\"06-31\"");
    /* grades */
    EXPECT_LINE(12, "  grades: {excellent: \"90\", good: \"95\", fair: \"60\"}",
                "case.yaml:12: score: grades: expected 100 >= excellent > good > fair > 0, got 90, 95, 60");
    EXPECT_LINE(12, "  grades: {excellent: \"90\", good: \"80\", fair: \"0\"}",
                "case.yaml:12: score: grades: expected 100 >= excellent > good > fair > 0, got 90, 80, 0");
    EXPECT_LINE(12, "  grades: {excellent: \"90\", good: \"80\"}", "case.yaml:12: score: grades: missing key \"fair\"");
    /* a second document would be ignored: refused where it starts (after "---" on line 30) */
    EXPECT_LINE(30, "---\nversion: 1", "case.yaml:31: more than one YAML document in the file");
}

/* ---- incentives: appended to the base from line 30 ------------------------ */

static const char *const incentive_lines[] = {
    "incentives:",                                                            /* 30 */
    "  checkpoints: [\"07-10\", \"10-10\"]",                                  /* 31 */
    "  recipient: budget",                                                    /* 32 */
    "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"5\"}", /* 33 */
    "  reward: {exec_from: \"90\", completion_from: \"90\"}",                 /* 34 */
    "  recover: {unspent_above: \"50\", impossible: true}",                   /* 35 */
};
#define N_INCENTIVE_LINES (sizeof incentive_lines / sizeof *incentive_lines)

/* The section with line `line` (30..35) replaced by text (NULL deletes it; 36 appends). */
static char *incentives_with(size_t line, const char *text)
{
    char section[4096] = "";
    size_t len = 0;
    for (size_t i = 0; i <= N_INCENTIVE_LINES; i++) {
        const char *put = 30 + i == line ? text : i < N_INCENTIVE_LINES ? incentive_lines[i] : NULL;
        if (put)
            len += (size_t)snprintf(section + len, sizeof section - len, "%s%s", len ? "\n" : "", put);
    }
    return with_line(N_BASE + 1, section);
}

static void expect_incentive_at(int test_line, size_t line, const char *text, const char *want)
{
    char *t = incentives_with(line, text);
    expect_refusal_at(test_line, t, want);
    free(t);
}
#define EXPECT_INCENTIVE(line, text, want) expect_incentive_at(__LINE__, line, text, want)

static dw_a_catalogue_t *load_incentive(int test_line, size_t line, const char *text)
{
    char *t = incentives_with(line, text);
    char err[1024] = "";
    dw_a_catalogue_t *c = t ? dw_a_catalogue_parse("case.yaml", t, strlen(t), err, sizeof err) : NULL;
    free(t);
    dw_test_checks++;
    if (!c) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: refused: %s\n", __FILE__, test_line, err);
    }
    return c;
}
#define LOAD_INCENTIVE(line, text) load_incentive(__LINE__, line, text)

static void test_incentives(void)
{
    /* left out: nothing is ever recommended */
    dw_a_catalogue_t *c = LOAD_WITH(0, NULL);
    if (c) {
        const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(c);
        CHECK(!in->present);
        CHECK_INT(in->n_checkpoints, 0);
        CHECK_INT(in->line, 0);
        CHECK(!dw_a_catalogue_is_checkpoint(c, (dw_date_t){2026, 7, 10}));
    }
    dw_a_catalogue_destroy(&c);

    /* as written above */
    c = LOAD_INCENTIVE(0, NULL);
    if (c) {
        const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(c);
        CHECK(in->present);
        CHECK_INT(in->line, 30);
        CHECK_INT(in->n_checkpoints, 2);
        CHECK(dw_a_catalogue_is_checkpoint(c, (dw_date_t){2026, 7, 10}));
        CHECK(dw_a_catalogue_is_checkpoint(c, (dw_date_t){2027, 10, 10}));
        CHECK(!dw_a_catalogue_is_checkpoint(c, (dw_date_t){2026, 11, 10}));
        CHECK_STR(in->recipient, "budget");
        CHECK(dec_is(in->deduct_share, 5, 0) && in->recover_impossible);
    }
    dw_a_catalogue_destroy(&c);

    /* no checkpoint at all; a code with - and _; equal pairs (below 70 = from 70); decimals; share 100;
     * impossible false */
    c = LOAD_INCENTIVE(31, "  checkpoints: []");
    if (c) {
        CHECK(dw_a_catalogue_incentives(c)->present);
        CHECK_INT(dw_a_catalogue_incentives(c)->n_checkpoints, 0);
        CHECK(!dw_a_catalogue_is_checkpoint(c, (dw_date_t){2026, 7, 10}));
    }
    dw_a_catalogue_destroy(&c);
    c = LOAD_INCENTIVE(32, "  recipient: budget-2_B");
    if (c)
        CHECK_STR(dw_a_catalogue_incentives(c)->recipient, "budget-2_B");
    dw_a_catalogue_destroy(&c);
    c = LOAD_INCENTIVE(33, "  deduct: {share: \"100\", exec_below: \"90\", completion_below: \"59.5\"}");
    if (c) {
        const dw_a_incentives_cfg_t *in = dw_a_catalogue_incentives(c);
        CHECK(dec_is(in->deduct_exec_below, 90, 0) && dec_is(in->deduct_completion_below, 595, 1) &&
              dec_is(in->deduct_share, 100, 0));
    }
    dw_a_catalogue_destroy(&c);
    c = LOAD_INCENTIVE(35, "  recover: {impossible: false, unspent_above: \"0\"}");
    if (c)
        CHECK(!dw_a_catalogue_incentives(c)->recover_impossible &&
              dec_is(dw_a_catalogue_incentives(c)->recover_unspent_above, 0, 0));
    dw_a_catalogue_destroy(&c);
    /* twelve checkpoints: the most there may be */
    c = LOAD_INCENTIVE(31, "  checkpoints: [\"01-10\", \"02-10\", \"03-10\", \"04-10\", \"05-10\", \"06-10\", "
                           "\"07-10\", \"08-10\", \"09-10\", \"10-10\", \"11-10\", \"12-10\"]");
    if (c)
        CHECK_INT(dw_a_catalogue_incentives(c)->n_checkpoints, 12);
    dw_a_catalogue_destroy(&c);

    /* refusals, each at its line */
    EXPECT_LINE(30, "incentives: []", "case.yaml:30: incentives: expected a mapping, got a list");
    EXPECT_INCENTIVE(36, "  colour: red",
                     "case.yaml:36: incentives: unknown key \"colour\" (known: checkpoints, recipient, deduct, "
                     "reward, recover)");
    EXPECT_INCENTIVE(32, NULL, "case.yaml:30: incentives: missing key \"recipient\"");
    EXPECT_INCENTIVE(31, "  checkpoints: \"07-10\"",
                     "case.yaml:31: incentives: checkpoints: expected a list, got a scalar");
    EXPECT_INCENTIVE(31, "  checkpoints: [\"07-32\"]",
                     "case.yaml:31: incentives: checkpoints: expected a month-day \"MM-DD\" that is a real date, got "
                     "\"07-32\"");
    EXPECT_INCENTIVE(31, "  checkpoints: [\"10-10\", \"07-10\"]",
                     "case.yaml:31: incentives: checkpoints: 07-10 is not after 10-10 (dates ascend)");
    EXPECT_INCENTIVE(31, "  checkpoints: [\"07-10\", \"07-10\"]",
                     "case.yaml:31: incentives: checkpoints: 07-10 is not after 07-10 (dates ascend)");
    EXPECT_INCENTIVE(31,
                     "  checkpoints: [\"01-10\", \"02-10\", \"03-10\", \"04-10\", \"05-10\", \"06-10\", "
                     "\"07-10\", \"08-10\", \"09-10\", \"10-10\", \"11-10\", \"12-10\", \"12-20\"]",
                     "case.yaml:31: incentives: checkpoints: at most 12 dates, got 13");
    EXPECT_INCENTIVE(32, "  recipient: 预算股",
                     "case.yaml:32: incentives: recipient: expected a section code (1..32 letters, digits, _ or -), "
                     "got \"预算股\"");
    EXPECT_INCENTIVE(32, "  recipient: [budget]",
                     "case.yaml:32: incentives: recipient: expected a section code (1..32 letters, digits, _ or -), "
                     "got a list");
    EXPECT_INCENTIVE(32, "  recipient: b23456789012345678901234567890123",
                     "case.yaml:32: incentives: recipient: expected a section code (1..32 letters, digits, _ or -), "
                     "got \"b23456789012345678901234567890123\"");
    EXPECT_INCENTIVE(33, "  deduct: 5", "case.yaml:33: incentives: deduct: expected a mapping, got a scalar");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"60\"}",
                     "case.yaml:33: incentives: deduct: missing key \"share\"");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"5\", amount: \"1\"}",
                     "case.yaml:33: incentives: deduct: unknown key \"amount\" (known: exec_below, completion_below, "
                     "share)");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"6O\", completion_below: \"60\", share: \"5\"}",
                     "case.yaml:33: incentives: deduct: exec_below: expected a decimal such as \"80\" or \"95.5\", got "
                     "\"6O\"");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"100.5\", share: \"5\"}",
                     "case.yaml:33: incentives: deduct: completion_below: expected a percent 0..100, got \"100.5\"");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"0\"}",
                     "case.yaml:33: incentives: deduct: share: expected a percent above 0, got \"0\"");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"-5\"}",
                     "case.yaml:33: incentives: deduct: share: must not be negative, got \"-5\"");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"60\", share: \"100.01\"}",
                     "case.yaml:33: incentives: deduct: share: expected a percent 0..100, got \"100.01\"");
    /* a department slow and fast at once */
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"95\", completion_below: \"60\", share: \"5\"}",
                     "case.yaml:33: incentives: deduct: exec_below 95 is above reward: exec_from 90 (slow and fast at "
                     "once)");
    EXPECT_INCENTIVE(33, "  deduct: {exec_below: \"60\", completion_below: \"90.01\", share: \"5\"}",
                     "case.yaml:33: incentives: deduct: completion_below 90.01 is above reward: completion_from 90 "
                     "(slow and fast at once)");
    EXPECT_INCENTIVE(34, "  reward: {exec_from: \"90\", completion_from: \"101\"}",
                     "case.yaml:34: incentives: reward: completion_from: expected a percent 0..100, got \"101\"");
    EXPECT_INCENTIVE(34, "  reward: {exec_from: \"90\"}",
                     "case.yaml:34: incentives: reward: missing key \"completion_from\"");
    EXPECT_INCENTIVE(35, "  recover: {unspent_above: \"50\", impossible: yes}",
                     "case.yaml:35: incentives: recover: impossible: expected true or false, got \"yes\"");
    EXPECT_INCENTIVE(35, "  recover: {unspent_above: \"100.01\", impossible: true}",
                     "case.yaml:35: incentives: recover: unspent_above: expected a percent 0..100, got \"100.01\"");
}

/* Malformed YAML: libyaml words the problem; the file and line are ours. */
static void test_malformed(void)
{
    char *t = with_line(12, "  grades: {excellent: \"90\", good: \"80\", fair: \"60\"");
    char err[1024] = "";
    dw_a_catalogue_t *c = dw_a_catalogue_parse("case.yaml", t, strlen(t), err, sizeof err);
    CHECK(c == NULL);
    CHECK(strncmp(err, "case.yaml:", 10) == 0 && strstr(err, ": invalid YAML: ") != NULL);
    dw_a_catalogue_destroy(&c);
    free(t);
}

/* Over 1 MiB: refused before parsing, from a file and from text. */
static void test_too_big(void)
{
    size_t n = 1024 * 1024 + 1;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, '#', n);
    big[n] = '\0';
    char err[1024] = "";
    dw_a_catalogue_t *c = dw_a_catalogue_parse("case.yaml", big, n, err, sizeof err);
    CHECK(c == NULL);
    CHECK_STR(err, "case.yaml: file is too large (more than 1 MiB)");

    char path[] = "/tmp/dw_analysis_rules_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        FILE *f = fdopen(fd, "wb");
        CHECK(f && fwrite(big, 1, n, f) == n);
        if (f)
            fclose(f);
        else
            close(fd);
        err[0] = '\0';
        c = dw_a_catalogue_load(path, err, sizeof err);
        CHECK(c == NULL);
        char want[128];
        snprintf(want, sizeof want, "%s: file is too large (more than 1 MiB)", path);
        CHECK_STR(err, want);
        unlink(path);
    }
    dw_a_catalogue_destroy(&c);
    free(big);

    err[0] = '\0';
    c = dw_a_catalogue_load("/nonexistent/analysis_rules.yaml", err, sizeof err);
    CHECK(c == NULL);
    CHECK_STR(err, "/nonexistent/analysis_rules.yaml: could not open: No such file or directory");
}

int main(void)
{
    const char *dir = getenv("DW_SOURCE_DIR");
    snprintf(src_dir, sizeof src_dir, "%s", dir ? dir : "..");
    test_names();
    test_shipped_and_builtin();
    test_accepted();
    test_refused();
    test_incentives();
    test_malformed();
    test_too_big();
    DW_TEST_DONE();
}
