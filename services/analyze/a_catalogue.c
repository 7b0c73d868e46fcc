#include "a_catalogue.h"
#include "dw_yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "a_builtin.h"

/* A catalogue is a few pages; anything this big is not one. */
#define CAT_FILE_MAX  (1024 * 1024)
#define TITLE_MAX_LEN 200
#define MSG_MAX_LEN   1000
#define PURPOSE_MAX   200

/* ---- what the code knows ------------------------------------------------ */

/* How a threshold's decimal is checked beyond being a decimal >= 0. */
typedef enum {
    TH_PERCENT, /* percent points of a ratio */
    TH_YUAN,    /* money: yuan, at most 2 decimals (it becomes fen) */
    TH_MONTH,   /* 1..12 */
    TH_DAY,     /* 1..31, a real date with its month */
    TH_DAYS,    /* a whole number of days, 0..366 */
} th_kind_t;

typedef struct th_def {
    const char *name;
    th_kind_t kind;
} th_def_t;

typedef struct rule_def {
    dw_a_rule_kind_t kind;
    const char *id;
    dw_a_category_t category;
    th_def_t th[DW_A_MAX_THRESHOLDS];
    size_t n_th;
    bool may_yellow; /* false: the rule is red or green only, disposition.yellow may be left out */
    /* A rule added after the bureaus wrote their files: one that leaves it
       out keeps loading after an upgrade, and the rule is off (it never runs
       with settings nobody chose). Its title until a file names it: */
    const char *added_later;
} rule_def_t;

/* In dw_a_rule_kind_t order: rule_defs[k].kind == k. */
static const rule_def_t rule_defs[DW_A_N_RULES] = {
    {DW_A_RULE_EXEC_TIME,
     "exec_time",
     DW_A_TIMELINESS,
     {{"red_below", TH_PERCENT},
      {"yellow_below", TH_PERCENT},
      {"large_budget_yuan", TH_YUAN},
      {"large_gap_points", TH_PERCENT}},
     4,
     true,
     NULL},
    {DW_A_RULE_INDICATOR_POSITIVE,
     "indicator_positive",
     DW_A_EFFECTIVENESS,
     {{"red_below", TH_PERCENT}, {"yellow_below", TH_PERCENT}, {"blue_from", TH_PERCENT}},
     3,
     true,
     NULL},
    {DW_A_RULE_INDICATOR_REVERSE, "indicator_reverse", DW_A_EFFECTIVENESS, {{0}}, 0, true, NULL},
    {DW_A_RULE_INDICATOR_EQUAL, "indicator_equal", DW_A_EFFECTIVENESS, {{0}}, 0, true, NULL},
    {DW_A_RULE_INDICATOR_QUAL, "indicator_qual", DW_A_EFFECTIVENESS, {{0}}, 0, true, NULL},
    {DW_A_RULE_PROJECTION, "projection", DW_A_EFFECTIVENESS, {{0}}, 0, true, NULL},
    {DW_A_RULE_UNSPENT,
     "unspent",
     DW_A_TIMELINESS,
     {{"yellow_above", TH_PERCENT}, {"red_above", TH_PERCENT}},
     2,
     true,
     NULL},
    {DW_A_RULE_CARRY_OVER,
     "carry_over",
     DW_A_TIMELINESS,
     {{"min_yuan", TH_YUAN}, {"unspent_above", TH_PERCENT}, {"by_month", TH_MONTH}, {"by_day", TH_DAY}},
     4,
     true,
     NULL},
    {DW_A_RULE_IDLE_NEW, "idle_new", DW_A_TIMELINESS, {{"days", TH_DAYS}}, 1, true, NULL},
    {DW_A_RULE_NO_BUDGET, "no_budget", DW_A_COMPLIANCE, {{0}}, 0, true, NULL},
    {DW_A_RULE_OVER_BUDGET, "over_budget", DW_A_COMPLIANCE, {{0}}, 0, true, NULL},
    {DW_A_RULE_ON_HOLD, "on_hold", DW_A_COMPLIANCE, {{0}}, 0, true, NULL},
    {DW_A_RULE_ECON_MISMATCH, "econ_mismatch", DW_A_COMPLIANCE, {{0}}, 0, true, NULL},
    {DW_A_RULE_FORM_OVERDUE, "form_overdue", DW_A_TIMELINESS, {{"red_after_days", TH_DAYS}}, 1, true, NULL},
    {DW_A_RULE_FORM_NO_CAUSE, "form_no_cause", DW_A_EFFECTIVENESS, {{0}}, 0, true, NULL},
    /* control totals either agree or not: red or green */
    {DW_A_RULE_RECONCILIATION, "reconciliation", DW_A_COMPLIANCE, {{0}}, 0, false, NULL},
    {DW_A_RULE_TASK_OVERDUE,
     "task_overdue",
     DW_A_TIMELINESS,
     {{"red_after_days", TH_DAYS}},
     1,
     true,
     "流程事项逾期未办"},
};

static const char *const placeholders[] = {
    "project",    "project_name", "dept",  "indicator", "indicator_name",
    "expected",   "actual",       "ratio", "exec_rate", "time_progress",
    "thresholds", "period",       "due",   "days",      "date",
};
#define N_PLACEHOLDERS (sizeof placeholders / sizeof *placeholders)

struct dw_a_catalogue {
    char source[300];
    dw_a_time_cfg_t time;
    dw_a_score_cfg_t score;
    dw_a_form_round_t forms[DW_A_MAX_FORMS];
    size_t n_forms;
    dw_a_rule_t rules[DW_A_N_RULES]; /* by kind */
    dw_a_incentives_cfg_t incentives;
    dw_yaml_strings_t strs; /* every string the settings point at */
};

/* ---- loading ----------------------------------------------------------- */

typedef struct loader {
    const char *name;
    char *err;
    size_t errlen;
    yaml_document_t *doc;
    dw_a_catalogue_t *cat;
    int seen_line[DW_A_N_RULES]; /* where each rule starts, 0 = not yet */
} loader_t;

/* "name:line: reason"; always returns false so callers can `return fail(...)`. */
#define fail(ld, line, ...) dw_yaml_fail((ld)->err, (ld)->errlen, (ld)->name, (line), __VA_ARGS__)

static yaml_node_t *node_at(loader_t *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

/* For messages: "\"text\"" for a scalar, "a mapping" / "a list" otherwise. */
static const char *shown(const yaml_node_t *node, char *buf, size_t n)
{
    const char *s = dw_yaml_scalar(node);
    if (s) {
        /* at most 60 bytes, cut at a character boundary: messages stay UTF-8 */
        size_t len = strlen(s);
        if (len > 60) {
            len = 60;
            while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
                len--;
        }
        snprintf(buf, n, "\"%.*s\"", (int)len, s);
    } else
        snprintf(buf, n, "%s", dw_yaml_kind(node));
    return buf;
}

static void join(const char *const *names, size_t n, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(out + len, cap - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= cap - len)
            return;
        len += (size_t)w;
    }
}

/* Sorts a mapping's pairs into val/key by name (indexes of names), refusing
 * an unknown or repeated key. where prefixes the messages ("" at the top). */
static bool map_keys(loader_t *ld, const char *where, yaml_node_t *map, const char *const *names, size_t n,
                     yaml_node_t **val, yaml_node_t **key)
{
    for (size_t i = 0; i < n; i++)
        val[i] = key[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *name = dw_yaml_scalar(k);
        size_t which = n;
        for (size_t i = 0; name && i < n; i++)
            if (strcmp(name, names[i]) == 0)
                which = i;
        if (which == n) {
            char known[200], got[80];
            join(names, n, known, sizeof known);
            if (name)
                snprintf(got, sizeof got, "\"%.60s\"", name);
            else
                snprintf(got, sizeof got, "%s", dw_yaml_kind(k));
            return fail(ld, dw_yaml_line(k), "%s%sunknown key %s (known: %s)", where, *where ? ": " : "", got, known);
        }
        if (val[which])
            return fail(ld, dw_yaml_line(k), "%s%sduplicate key \"%s\" (first at line %d)", where, *where ? ": " : "",
                        name, dw_yaml_line(key[which]));
        val[which] = node_at(ld, p->value);
        key[which] = k;
    }
    return true;
}

static bool need_mapping(loader_t *ld, const char *where, yaml_node_t *v)
{
    if (v->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(v), "%s: expected a mapping, got %s", where, dw_yaml_kind(v));
    return true;
}

static bool need_list(loader_t *ld, const char *where, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(v), "%s: expected a list, got %s", where, dw_yaml_kind(v));
    return true;
}

/* Text of at most max bytes, not empty, kept by the catalogue. */
static bool text_of(loader_t *ld, const char *where, yaml_node_t *v, size_t max, const char **out)
{
    const char *s = dw_yaml_scalar(v);
    if (!s)
        return fail(ld, dw_yaml_line(v), "%s: expected text, got %s", where, dw_yaml_kind(v));
    if (!*s)
        return fail(ld, dw_yaml_line(v), "%s: must not be empty", where);
    if (strlen(s) > max)
        return fail(ld, dw_yaml_line(v), "%s: too long (%zu bytes, at most %zu)", where, strlen(s), max);
    if (!(*out = dw_yaml_keep(&ld->cat->strs, s)))
        return fail(ld, dw_yaml_line(v), "out of memory");
    return true;
}

static bool bool_of(loader_t *ld, const char *where, yaml_node_t *v, bool *out)
{
    const char *s = dw_yaml_scalar(v);
    char got[80];
    if (s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "true") == 0)
        *out = true;
    else if (s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "false") == 0)
        *out = false;
    else
        return fail(ld, dw_yaml_line(v), "%s: expected true or false, got %s", where, shown(v, got, sizeof got));
    return true;
}

/* An exact decimal, not negative. */
static bool decimal_of(loader_t *ld, const char *where, yaml_node_t *v, dw_decimal_t *out)
{
    const char *s = dw_yaml_scalar(v);
    char got[80];
    if (!s || !dw_decimal_parse(s, 0, out))
        return fail(ld, dw_yaml_line(v), "%s: expected a decimal such as \"80\" or \"95.5\", got %s", where,
                    shown(v, got, sizeof got));
    if (out->units < 0)
        return fail(ld, dw_yaml_line(v), "%s: must not be negative, got %s", where, shown(v, got, sizeof got));
    return true;
}

/* A whole number lo..hi (what: "a month", "a day", ...). */
static bool whole_of(loader_t *ld, const char *where, yaml_node_t *v, const char *what, int lo, int hi, int *out)
{
    const char *s = dw_yaml_scalar(v);
    dw_decimal_t d;
    char got[80];
    if (!s || !dw_decimal_parse(s, 4, &d) || d.scale != 0 || d.units < lo || d.units > hi)
        return fail(ld, dw_yaml_line(v), "%s: expected %s %d..%d, got %s", where, what, lo, hi,
                    shown(v, got, sizeof got));
    *out = (int)d.units;
    return true;
}

/* "MM-DD", a real date in a leap year (02-29 allowed). */
static bool month_day_of(loader_t *ld, const char *where, yaml_node_t *v, int *month, int *day)
{
    const char *s = dw_yaml_scalar(v);
    char full[16], got[80];
    dw_date_t d;
    if (!s || strlen(s) != 5 || (snprintf(full, sizeof full, "2000-%s", s), !dw_date_parse(full, &d)))
        return fail(ld, dw_yaml_line(v), "%s: expected a month-day \"MM-DD\" that is a real date, got %s", where,
                    shown(v, got, sizeof got));
    *month = d.month;
    *day = d.day;
    return true;
}

/* ---- time_progress ----------------------------------------------------- */

enum { T_BASIS, T_SCHEDULE, T_RULES_FROM, T_N };
static const char *const time_keys[T_N] = {"basis", "schedule", "rules_from"};
enum { S_DATE, S_PERCENT, S_N };
static const char *const point_keys[S_N] = {"date", "percent"};

static bool load_point(loader_t *ld, yaml_node_t *item, dw_a_schedule_point_t *pt, const char **text)
{
    if (!need_mapping(ld, "time_progress: schedule", item))
        return false;
    yaml_node_t *val[S_N], *key[S_N];
    if (!map_keys(ld, "time_progress: schedule", item, point_keys, S_N, val, key))
        return false;
    for (int i = 0; i < S_N; i++)
        if (!val[i])
            return fail(ld, dw_yaml_line(item), "time_progress: schedule: missing key \"%s\"", point_keys[i]);
    if (!month_day_of(ld, "time_progress: schedule: date", val[S_DATE], &pt->month, &pt->day))
        return false;
    dw_decimal_t pct;
    char got[80];
    /* basis points hold a percent with 2 decimals exactly, no more */
    if (!decimal_of(ld, "time_progress: schedule: percent", val[S_PERCENT], &pct))
        return false;
    if (pct.scale > 2 || dw_decimal_cmp(pct, (dw_decimal_t){100, 0}) > 0)
        return fail(ld, dw_yaml_line(val[S_PERCENT]),
                    "time_progress: schedule: percent: expected 0..100 with at most 2 decimals, got %s",
                    shown(val[S_PERCENT], got, sizeof got));
    pt->percent_bp = pct.units * (pct.scale == 0 ? 100 : pct.scale == 1 ? 10 : 1);
    *text = dw_yaml_scalar(val[S_PERCENT]);
    return true;
}

static bool load_schedule(loader_t *ld, yaml_node_t *v, dw_a_time_cfg_t *t)
{
    if (!need_list(ld, "time_progress: schedule", v))
        return false;
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return fail(ld, dw_yaml_line(v), "time_progress: schedule: must not be empty");
    if (n > DW_A_SCHEDULE_MAX)
        return fail(ld, dw_yaml_line(v), "time_progress: schedule: at most %d points, got %zu", DW_A_SCHEDULE_MAX, n);
    const char *prev_text = NULL;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        dw_a_schedule_point_t *pt = &t->schedule[t->n_schedule];
        const char *text = NULL;
        if (!load_point(ld, item, pt, &text))
            return false;
        if (t->n_schedule > 0) {
            const dw_a_schedule_point_t *prev = pt - 1;
            if (pt->month * 100 + pt->day <= prev->month * 100 + prev->day)
                return fail(ld, dw_yaml_line(item),
                            "time_progress: schedule: %02d-%02d is not after %02d-%02d (dates ascend)", pt->month,
                            pt->day, prev->month, prev->day);
            if (pt->percent_bp <= prev->percent_bp)
                return fail(ld, dw_yaml_line(item),
                            "time_progress: schedule: percent %s at %02d-%02d is not above %s at %02d-%02d (percents "
                            "ascend)",
                            text, pt->month, pt->day, prev_text, prev->month, prev->day);
        }
        prev_text = text;
        t->n_schedule++;
    }
    return true;
}

static bool load_time(loader_t *ld, yaml_node_t *key_node, yaml_node_t *v)
{
    if (!need_mapping(ld, "time_progress", v))
        return false;
    yaml_node_t *val[T_N], *key[T_N];
    if (!map_keys(ld, "time_progress", v, time_keys, T_N, val, key))
        return false;
    dw_a_time_cfg_t *t = &ld->cat->time;
    if (!val[T_BASIS])
        return fail(ld, dw_yaml_line(key_node), "time_progress: missing key \"basis\" (day, month or schedule)");
    const char *basis = dw_yaml_scalar(val[T_BASIS]);
    char got[80];
    if (basis && strcmp(basis, "day") == 0)
        t->basis = DW_A_BASIS_DAY;
    else if (basis && strcmp(basis, "month") == 0)
        t->basis = DW_A_BASIS_MONTH;
    else if (basis && strcmp(basis, "schedule") == 0)
        t->basis = DW_A_BASIS_SCHEDULE;
    else
        return fail(ld, dw_yaml_line(val[T_BASIS]), "time_progress: basis: expected day, month or schedule, got %s",
                    shown(val[T_BASIS], got, sizeof got));
    /* checked whatever the basis: switching basis must not reveal a bad list */
    if (val[T_SCHEDULE] && !load_schedule(ld, val[T_SCHEDULE], t))
        return false;
    if (t->basis == DW_A_BASIS_SCHEDULE && !val[T_SCHEDULE])
        return fail(ld, dw_yaml_line(val[T_BASIS]), "time_progress: basis schedule needs a schedule");
    if (!val[T_RULES_FROM])
        return fail(ld, dw_yaml_line(key_node),
                    "time_progress: missing key \"rules_from\" (the first period end, \"MM-DD\")");
    return month_day_of(ld, "time_progress: rules_from", val[T_RULES_FROM], &t->rules_from_month, &t->rules_from_day);
}

/* ---- forms ------------------------------------------------------------- */

enum { F_PERIOD, F_DUE, F_PURPOSE, F_N };
static const char *const form_keys[F_N] = {"period_month", "due", "purpose"};

static bool load_forms(loader_t *ld, yaml_node_t *v)
{
    if (!need_list(ld, "forms", v))
        return false;
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > DW_A_MAX_FORMS)
        return fail(ld, dw_yaml_line(v), "forms: at most %d rounds, got %zu", DW_A_MAX_FORMS, n);
    dw_a_catalogue_t *c = ld->cat;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        if (!need_mapping(ld, "forms", item))
            return false;
        yaml_node_t *val[F_N], *key[F_N];
        if (!map_keys(ld, "forms", item, form_keys, F_N, val, key))
            return false;
        for (int i = 0; i < F_N; i++)
            if (!val[i])
                return fail(ld, dw_yaml_line(item), "forms: missing key \"%s\"", form_keys[i]);
        dw_a_form_round_t *r = &c->forms[c->n_forms];
        if (!whole_of(ld, "forms: period_month", val[F_PERIOD], "a month", 1, 12, &r->period_month))
            return false;
        if (c->n_forms > 0 && r->period_month <= r[-1].period_month)
            return fail(ld, dw_yaml_line(val[F_PERIOD]), "forms: period_month %d is not after %d (rounds ascend)",
                        r->period_month, r[-1].period_month);
        if (!month_day_of(ld, "forms: due", val[F_DUE], &r->due_month, &r->due_day))
            return false;
        /* the period ends on its last month's last day (a leap year's, as for MM-DD) */
        int end_day = dw_days_in_month(2000, r->period_month);
        if (r->due_month * 100 + r->due_day <= r->period_month * 100 + end_day)
            return fail(ld, dw_yaml_line(val[F_DUE]),
                        "forms: due: %02d-%02d is not after the end of 1-%d月 (%02d-%02d)", r->due_month, r->due_day,
                        r->period_month, r->period_month, end_day);
        if (!text_of(ld, "forms: purpose", val[F_PURPOSE], PURPOSE_MAX, &r->purpose))
            return false;
        c->n_forms++;
    }
    return true;
}

/* ---- score ------------------------------------------------------------- */

enum { W_EXECUTION, W_OUTPUT, W_EFFECT, W_SATISFACTION, W_GRADES, W_N };
static const char *const score_keys[W_N] = {"execution", "output", "effect", "satisfaction", "grades"};
enum { G_EXCELLENT, G_GOOD, G_FAIR, G_N };
static const char *const grade_keys[G_N] = {"excellent", "good", "fair"};

/* d scaled to 18 decimals: exact, and the sum of a few fits 128 bits. */
static __int128 at_scale18(dw_decimal_t d)
{
    __int128 x = d.units;
    for (int s = d.scale; s < 18; s++)
        x *= 10;
    return x;
}

static bool load_score(loader_t *ld, yaml_node_t *key_node, yaml_node_t *v)
{
    if (!need_mapping(ld, "score", v))
        return false;
    yaml_node_t *val[W_N], *key[W_N];
    if (!map_keys(ld, "score", v, score_keys, W_N, val, key))
        return false;
    for (int i = 0; i < W_N; i++)
        if (!val[i])
            return fail(ld, dw_yaml_line(key_node), "score: missing key \"%s\"", score_keys[i]);
    dw_a_score_cfg_t *s = &ld->cat->score;
    dw_decimal_t *w[4] = {&s->execution, &s->output, &s->effect, &s->satisfaction};
    __int128 sum = 0;
    for (int i = 0; i < 4; i++) {
        char where[40];
        snprintf(where, sizeof where, "score: %s", score_keys[i]);
        if (!decimal_of(ld, where, val[i], w[i]))
            return false;
        sum += at_scale18(*w[i]);
    }
    if (sum != at_scale18((dw_decimal_t){100, 0}))
        return fail(ld, dw_yaml_line(key_node), "score: the points must sum to 100: %s + %s + %s + %s is not 100",
                    dw_yaml_scalar(val[W_EXECUTION]), dw_yaml_scalar(val[W_OUTPUT]), dw_yaml_scalar(val[W_EFFECT]),
                    dw_yaml_scalar(val[W_SATISFACTION]));

    yaml_node_t *g = val[W_GRADES];
    if (!need_mapping(ld, "score: grades", g))
        return false;
    yaml_node_t *gval[G_N], *gkey[G_N];
    if (!map_keys(ld, "score: grades", g, grade_keys, G_N, gval, gkey))
        return false;
    dw_decimal_t *floor[G_N] = {&s->excellent, &s->good, &s->fair};
    for (int i = 0; i < G_N; i++) {
        char where[40];
        if (!gval[i])
            return fail(ld, dw_yaml_line(g), "score: grades: missing key \"%s\"", grade_keys[i]);
        snprintf(where, sizeof where, "score: grades: %s", grade_keys[i]);
        if (!decimal_of(ld, where, gval[i], floor[i]))
            return false;
    }
    dw_decimal_t zero = {0, 0}, hundred = {100, 0};
    if (dw_decimal_cmp(s->excellent, hundred) > 0 || dw_decimal_cmp(s->excellent, s->good) <= 0 ||
        dw_decimal_cmp(s->good, s->fair) <= 0 || dw_decimal_cmp(s->fair, zero) <= 0)
        return fail(ld, dw_yaml_line(g), "score: grades: expected 100 >= excellent > good > fair > 0, got %s, %s, %s",
                    dw_yaml_scalar(gval[G_EXCELLENT]), dw_yaml_scalar(gval[G_GOOD]), dw_yaml_scalar(gval[G_FAIR]));
    return true;
}

/* ---- rules ------------------------------------------------------------- */

/* Only the placeholders dw-analyze fills in, nothing else between braces. */
static bool check_template(loader_t *ld, const char *id, yaml_node_t *v, const char *msg)
{
    for (const char *p = strchr(msg, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return fail(ld, dw_yaml_line(v), "%s: message: \"{\" without \"}\"", id);
        size_t n = (size_t)(end - p - 1);
        bool known = false;
        for (size_t i = 0; i < N_PLACEHOLDERS && !known; i++)
            known = strlen(placeholders[i]) == n && strncmp(p + 1, placeholders[i], n) == 0;
        if (!known)
            return fail(ld, dw_yaml_line(v),
                        "%s: message: unknown placeholder {%.*s} (see the list in the file's header)", id,
                        (int)(n > 40 ? 40 : n), p + 1);
    }
    return true;
}

static bool disposition_of(loader_t *ld, const char *id, const char *key, yaml_node_t *v, dw_a_disposition_t *out)
{
    const char *s = dw_yaml_scalar(v);
    char got[80];
    if (s && strcmp(s, "objective") == 0)
        *out = DW_A_DISPOSE_OBJECTIVE;
    else if (s && strcmp(s, "serious") == 0)
        *out = DW_A_DISPOSE_SERIOUS;
    else if (s && strcmp(s, "none") == 0)
        *out = DW_A_DISPOSE_NONE;
    else
        return fail(ld, dw_yaml_line(v), "%s: disposition: %s: expected objective, serious or none, got %s", id, key,
                    shown(v, got, sizeof got));
    return true;
}

enum { D_YELLOW, D_RED, D_N };
static const char *const disp_keys[D_N] = {"yellow", "red"};

static bool load_disposition(loader_t *ld, const rule_def_t *def, yaml_node_t *v, dw_a_rule_t *r)
{
    char where[80];
    snprintf(where, sizeof where, "%s: disposition", def->id);
    if (!need_mapping(ld, where, v))
        return false;
    yaml_node_t *val[D_N], *key[D_N];
    if (!map_keys(ld, where, v, disp_keys, D_N, val, key))
        return false;
    if (!val[D_YELLOW] && def->may_yellow)
        return fail(ld, dw_yaml_line(v), "%s: missing key \"yellow\"", where);
    if (!val[D_RED])
        return fail(ld, dw_yaml_line(v), "%s: missing key \"red\"", where);
    r->on_yellow = DW_A_DISPOSE_NONE;
    return (!val[D_YELLOW] || disposition_of(ld, def->id, "yellow", val[D_YELLOW], &r->on_yellow)) &&
           disposition_of(ld, def->id, "red", val[D_RED], &r->on_red);
}

static void threshold_names(const rule_def_t *def, char *out, size_t cap)
{
    const char *names[DW_A_MAX_THRESHOLDS];
    for (size_t i = 0; i < def->n_th; i++)
        names[i] = def->th[i].name;
    if (def->n_th == 0)
        snprintf(out, cap, "none");
    else
        join(names, def->n_th, out, cap);
}

/* a < b where the rule has both (names a and b); a message otherwise. */
static bool in_order(loader_t *ld, const rule_def_t *def, const dw_a_rule_t *r, yaml_node_t *v, const char *a,
                     const char *b)
{
    size_t ia = def->n_th, ib = def->n_th;
    for (size_t i = 0; i < def->n_th; i++) {
        if (strcmp(def->th[i].name, a) == 0)
            ia = i;
        if (strcmp(def->th[i].name, b) == 0)
            ib = i;
    }
    if (ia == def->n_th || ib == def->n_th)
        return true;
    if (dw_decimal_cmp(r->thresholds[ia].value, r->thresholds[ib].value) < 0)
        return true;
    char ta[40], tb[40];
    dw_decimal_format(r->thresholds[ia].value, ta, sizeof ta);
    dw_decimal_format(r->thresholds[ib].value, tb, sizeof tb);
    return fail(ld, dw_yaml_line(v), "%s: thresholds: %s %s must be below %s %s", def->id, a, ta, b, tb);
}

static bool threshold_of(loader_t *ld, const rule_def_t *def, const th_def_t *th, yaml_node_t *v, dw_decimal_t *out)
{
    char where[120], got[80];
    snprintf(where, sizeof where, "%s: thresholds: %s", def->id, th->name);
    int whole = 0;
    int64_t fen = 0;
    switch (th->kind) {
    case TH_PERCENT: return decimal_of(ld, where, v, out);
    case TH_YUAN:
        if (!decimal_of(ld, where, v, out))
            return false;
        if (!dw_fen_parse_yuan(dw_yaml_scalar(v), &fen))
            return fail(ld, dw_yaml_line(v), "%s: expected yuan with at most 2 decimals, got %s", where,
                        shown(v, got, sizeof got));
        return true;
    case TH_MONTH:
        if (!whole_of(ld, where, v, "a month", 1, 12, &whole))
            return false;
        break;
    case TH_DAY:
        if (!whole_of(ld, where, v, "a day of the month", 1, 31, &whole))
            return false;
        break;
    case TH_DAYS:
        if (!whole_of(ld, where, v, "a whole number of days", 0, 366, &whole))
            return false;
        break;
    }
    *out = (dw_decimal_t){whole, 0};
    return true;
}

static bool load_thresholds(loader_t *ld, const rule_def_t *def, yaml_node_t *item, yaml_node_t *v, dw_a_rule_t *r)
{
    char names[200];
    threshold_names(def, names, sizeof names);
    if (!v) {
        if (def->n_th == 0)
            return true;
        return fail(ld, dw_yaml_line(item), "%s: missing key \"thresholds\" (the rule needs %s)", def->id, names);
    }
    if (v->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(v), "%s: thresholds: expected a mapping of names to decimals, got %s", def->id,
                    dw_yaml_kind(v));
    yaml_node_t *val[DW_A_MAX_THRESHOLDS] = {0}, *key[DW_A_MAX_THRESHOLDS] = {0};
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *name = dw_yaml_scalar(k);
        size_t which = def->n_th;
        for (size_t i = 0; name && i < def->n_th; i++)
            if (strcmp(name, def->th[i].name) == 0)
                which = i;
        char got[80];
        if (which == def->n_th)
            return fail(ld, dw_yaml_line(k), "%s: thresholds: unknown threshold %s (the rule takes %s)", def->id,
                        shown(k, got, sizeof got), names);
        if (val[which])
            return fail(ld, dw_yaml_line(k), "%s: thresholds: duplicate key \"%s\" (first at line %d)", def->id, name,
                        dw_yaml_line(key[which]));
        val[which] = node_at(ld, p->value);
        key[which] = k;
    }
    /* in the code's order whatever the file's, so a reader can index them */
    for (size_t i = 0; i < def->n_th; i++) {
        if (!val[i])
            return fail(ld, dw_yaml_line(v), "%s: thresholds: missing \"%s\" (the rule needs %s)", def->id,
                        def->th[i].name, names);
        r->thresholds[i].name = def->th[i].name;
        if (!threshold_of(ld, def, &def->th[i], val[i], &r->thresholds[i].value))
            return false;
    }
    r->n_thresholds = def->n_th;
    if (!in_order(ld, def, r, v, "red_below", "yellow_below") ||
        !in_order(ld, def, r, v, "yellow_below", "blue_from") || !in_order(ld, def, r, v, "yellow_above", "red_above"))
        return false;
    /* a day of a month: 06-31 never comes (02-29 does, in a leap year) */
    dw_decimal_t month = dw_a_rule_threshold(r, "by_month"), day = dw_a_rule_threshold(r, "by_day");
    if (month.units && day.units && day.units > dw_days_in_month(2000, (int)month.units))
        return fail(ld, dw_yaml_line(v), "%s: thresholds: by_month %d and by_day %d are not a date", def->id,
                    (int)month.units, (int)day.units);
    return true;
}

enum { R_ID, R_CATEGORY, R_TITLE, R_ENABLED, R_THRESHOLDS, R_MESSAGE, R_DISPOSITION, R_N };
static const char *const rule_keys[R_N] = {"id",         "category", "title",      "enabled",
                                           "thresholds", "message",  "disposition"};

static const rule_def_t *rule_def_by_id(const char *id)
{
    for (size_t i = 0; i < DW_A_N_RULES; i++)
        if (strcmp(rule_defs[i].id, id) == 0)
            return &rule_defs[i];
    return NULL;
}

static bool load_rule(loader_t *ld, yaml_node_t *item)
{
    if (item->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(item), "rules: a rule must be a mapping (id, category, title, ...), got %s",
                    dw_yaml_kind(item));
    /* the id first: every other message names the rule */
    yaml_node_t *id_node = NULL;
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top && !id_node; p++) {
        const char *name = dw_yaml_scalar(node_at(ld, p->key));
        if (name && strcmp(name, "id") == 0)
            id_node = node_at(ld, p->value);
    }
    if (!id_node)
        return fail(ld, dw_yaml_line(item), "rules: a rule without an id");
    const char *id = dw_yaml_scalar(id_node);
    char got[80];
    if (!id)
        return fail(ld, dw_yaml_line(id_node), "rules: id: expected a rule id, got %s", dw_yaml_kind(id_node));
    const rule_def_t *def = rule_def_by_id(id);
    if (!def)
        return fail(ld, dw_yaml_line(id_node), "unknown rule %s: dw-analyze has no rule of that id",
                    shown(id_node, got, sizeof got));
    if (ld->seen_line[def->kind])
        return fail(ld, dw_yaml_line(id_node), "rule %s is listed twice (first at line %d)", def->id,
                    ld->seen_line[def->kind]);
    ld->seen_line[def->kind] = dw_yaml_line(item);

    yaml_node_t *val[R_N], *key[R_N];
    if (!map_keys(ld, def->id, item, rule_keys, R_N, val, key))
        return false;
    static const int required[] = {R_CATEGORY, R_TITLE, R_MESSAGE, R_DISPOSITION};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!val[required[i]])
            return fail(ld, dw_yaml_line(item), "%s: missing key \"%s\"", def->id, rule_keys[required[i]]);

    dw_a_rule_t *r = &ld->cat->rules[def->kind];
    r->kind = def->kind;
    r->id = def->id;
    r->category = def->category;
    r->line = dw_yaml_line(item);
    r->enabled = true;

    const char *cat = dw_yaml_scalar(val[R_CATEGORY]);
    if (!cat || strcmp(cat, dw_a_category_name(def->category)) != 0)
        return fail(ld, dw_yaml_line(val[R_CATEGORY]), "%s: category: the rule is %s, not %s", def->id,
                    dw_a_category_name(def->category), shown(val[R_CATEGORY], got, sizeof got));
    char where[80];
    snprintf(where, sizeof where, "%s: title", def->id);
    if (!text_of(ld, where, val[R_TITLE], TITLE_MAX_LEN, &r->title))
        return false;
    snprintf(where, sizeof where, "%s: enabled", def->id);
    if (val[R_ENABLED] && !bool_of(ld, where, val[R_ENABLED], &r->enabled))
        return false;
    if (!load_thresholds(ld, def, item, val[R_THRESHOLDS], r))
        return false;
    snprintf(where, sizeof where, "%s: message", def->id);
    if (!text_of(ld, where, val[R_MESSAGE], MSG_MAX_LEN, &r->message) ||
        !check_template(ld, def->id, val[R_MESSAGE], r->message))
        return false;
    return load_disposition(ld, def, val[R_DISPOSITION], r);
}

static bool load_rules(loader_t *ld, yaml_node_t *key_node, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(v), "rules: expected a list of rules, got %s", dw_yaml_kind(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
        if (!load_rule(ld, node_at(ld, *it)))
            return false;
    /* The code applies every rule it has: one the file leaves out would run
     * with settings nobody chose. */
    for (size_t i = 0; i < DW_A_N_RULES; i++) {
        if (ld->seen_line[i])
            continue;
        if (rule_defs[i].added_later) {
            dw_a_rule_t *r = &ld->cat->rules[i];
            r->kind = rule_defs[i].kind;
            r->id = rule_defs[i].id;
            r->category = rule_defs[i].category;
            r->title = rule_defs[i].added_later;
            r->enabled = false;
            continue;
        }
        return fail(ld, dw_yaml_line(key_node),
                    "rule %s is missing: dw-analyze has it; list it (with enabled: false to switch it off)",
                    rule_defs[i].id);
    }
    return true;
}

/* ---- incentives (seed 003 §13) ------------------------------------------ */

enum { I_CHECKPOINTS, I_RECIPIENT, I_DEDUCT, I_REWARD, I_RECOVER, I_N };
static const char *const incentive_keys[I_N] = {"checkpoints", "recipient", "deduct", "reward", "recover"};
enum { DE_EXEC, DE_COMPLETION, DE_SHARE, DE_N };
static const char *const deduct_keys[DE_N] = {"exec_below", "completion_below", "share"};
enum { RW_EXEC, RW_COMPLETION, RW_N };
static const char *const reward_keys[RW_N] = {"exec_from", "completion_from"};
enum { RC_UNSPENT, RC_IMPOSSIBLE, RC_N };
static const char *const recover_keys[RC_N] = {"unspent_above", "impossible"};

/* A mapping with exactly these keys, every one of them present. */
static bool full_map(loader_t *ld, const char *where, yaml_node_t *v, const char *const *names, size_t n,
                     yaml_node_t **val)
{
    yaml_node_t *key[8];
    if (!need_mapping(ld, where, v) || !map_keys(ld, where, v, names, n, val, key))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!val[i])
            return fail(ld, dw_yaml_line(v), "%s: missing key \"%s\"", where, names[i]);
    return true;
}

/* A percent 0..100 (a share of weights or of a budget cannot pass 100 %). */
static bool percent_upto_100(loader_t *ld, const char *where, yaml_node_t *v, dw_decimal_t *out)
{
    char got[80];
    if (!decimal_of(ld, where, v, out))
        return false;
    if (dw_decimal_cmp(*out, (dw_decimal_t){100, 0}) > 0)
        return fail(ld, dw_yaml_line(v), "%s: expected a percent 0..100, got %s", where, shown(v, got, sizeof got));
    return true;
}

static bool load_checkpoints(loader_t *ld, yaml_node_t *v, dw_a_incentives_cfg_t *in)
{
    if (!need_list(ld, "incentives: checkpoints", v))
        return false;
    size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n > DW_A_MAX_CHECKPOINTS)
        return fail(ld, dw_yaml_line(v), "incentives: checkpoints: at most %d dates, got %zu", DW_A_MAX_CHECKPOINTS, n);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        int month, day;
        if (!month_day_of(ld, "incentives: checkpoints", item, &month, &day))
            return false;
        if (in->n_checkpoints > 0) {
            int pm = in->checkpoints[in->n_checkpoints - 1].month, pd = in->checkpoints[in->n_checkpoints - 1].day;
            if (month * 100 + day <= pm * 100 + pd)
                return fail(ld, dw_yaml_line(item),
                            "incentives: checkpoints: %02d-%02d is not after %02d-%02d (dates ascend)", month, day, pm,
                            pd);
        }
        in->checkpoints[in->n_checkpoints].month = month;
        in->checkpoints[in->n_checkpoints].day = day;
        in->n_checkpoints++;
    }
    return true;
}

/* A section code as a topic segment carries it: letters, digits, _ and -. */
static bool recipient_of(loader_t *ld, yaml_node_t *v, const char **out)
{
    const char *s = dw_yaml_scalar(v);
    char got[80];
    size_t len = s ? strlen(s) : 0;
    bool ok = len >= 1 && len <= 32;
    for (size_t i = 0; ok && i < len; i++) {
        char c = s[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }
    if (!ok)
        return fail(ld, dw_yaml_line(v),
                    "incentives: recipient: expected a section code (1..32 letters, digits, _ or -), got %s",
                    shown(v, got, sizeof got));
    return text_of(ld, "incentives: recipient", v, 32, out);
}

/* The lower threshold of a pair must not pass the upper one: a department
 * would be slow and fast at once. */
static bool not_above(loader_t *ld, yaml_node_t *v, const char *low_name, dw_decimal_t low, const char *high_name,
                      dw_decimal_t high)
{
    if (dw_decimal_cmp(low, high) <= 0)
        return true;
    char tl[40], th[40];
    dw_decimal_format(low, tl, sizeof tl);
    dw_decimal_format(high, th, sizeof th);
    return fail(ld, dw_yaml_line(v), "incentives: deduct: %s %s is above reward: %s %s (slow and fast at once)",
                low_name, tl, high_name, th);
}

static bool load_incentives(loader_t *ld, yaml_node_t *key_node, yaml_node_t *v)
{
    dw_a_incentives_cfg_t *in = &ld->cat->incentives;
    yaml_node_t *val[I_N], *de[DE_N], *rw[RW_N], *rc[RC_N];
    if (!need_mapping(ld, "incentives", v))
        return false;
    yaml_node_t *key[I_N];
    if (!map_keys(ld, "incentives", v, incentive_keys, I_N, val, key))
        return false;
    for (int i = 0; i < I_N; i++)
        if (!val[i])
            return fail(ld, dw_yaml_line(key_node), "incentives: missing key \"%s\"", incentive_keys[i]);
    in->present = true;
    in->line = dw_yaml_line(key_node);
    if (!load_checkpoints(ld, val[I_CHECKPOINTS], in) || !recipient_of(ld, val[I_RECIPIENT], &in->recipient) ||
        !full_map(ld, "incentives: deduct", val[I_DEDUCT], deduct_keys, DE_N, de) ||
        !full_map(ld, "incentives: reward", val[I_REWARD], reward_keys, RW_N, rw) ||
        !full_map(ld, "incentives: recover", val[I_RECOVER], recover_keys, RC_N, rc))
        return false;
    char got[80];
    if (!decimal_of(ld, "incentives: deduct: exec_below", de[DE_EXEC], &in->deduct_exec_below) ||
        !percent_upto_100(ld, "incentives: deduct: completion_below", de[DE_COMPLETION],
                          &in->deduct_completion_below) ||
        !percent_upto_100(ld, "incentives: deduct: share", de[DE_SHARE], &in->deduct_share))
        return false;
    if (in->deduct_share.units == 0)
        return fail(ld, dw_yaml_line(de[DE_SHARE]), "incentives: deduct: share: expected a percent above 0, got %s",
                    shown(de[DE_SHARE], got, sizeof got));
    if (!decimal_of(ld, "incentives: reward: exec_from", rw[RW_EXEC], &in->reward_exec_from) ||
        !percent_upto_100(ld, "incentives: reward: completion_from", rw[RW_COMPLETION], &in->reward_completion_from))
        return false;
    if (!not_above(ld, val[I_DEDUCT], "exec_below", in->deduct_exec_below, "exec_from", in->reward_exec_from) ||
        !not_above(ld, val[I_DEDUCT], "completion_below", in->deduct_completion_below, "completion_from",
                   in->reward_completion_from))
        return false;
    return percent_upto_100(ld, "incentives: recover: unspent_above", rc[RC_UNSPENT], &in->recover_unspent_above) &&
           bool_of(ld, "incentives: recover: impossible", rc[RC_IMPOSSIBLE], &in->recover_impossible);
}

/* ---- the file ---------------------------------------------------------- */

enum { K_VERSION, K_TIME, K_FORMS, K_SCORE, K_RULES, K_INCENTIVES, K_N };
static const char *const top_keys[K_N] = {"version", "time_progress", "forms", "score", "rules", "incentives"};

static bool load_root(loader_t *ld, yaml_node_t *root)
{
    if (!root)
        return fail(ld, 1, "no catalogue in the file (expected version: 1, time_progress, forms, score and rules)");
    if (root->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(root),
                    "expected a mapping (version, time_progress, forms, score, rules) at the top level, got %s",
                    dw_yaml_kind(root));
    yaml_node_t *val[K_N], *key[K_N];
    if (!map_keys(ld, "", root, top_keys, K_N, val, key))
        return false;
    if (!val[K_VERSION])
        return fail(ld, dw_yaml_line(root), "missing key \"version\" (version: 1)");
    const char *v = dw_yaml_scalar(val[K_VERSION]);
    char got[80];
    if (!v || strcmp(v, "1") != 0)
        return fail(ld, dw_yaml_line(val[K_VERSION]), "version: this dw-analyze reads version 1, got %s",
                    shown(val[K_VERSION], got, sizeof got));
    for (int i = K_TIME; i < K_INCENTIVES; i++)
        if (!val[i])
            return fail(ld, dw_yaml_line(root), "missing key \"%s\"", top_keys[i]);
    /* incentives is optional: a catalogue without it recommends nothing */
    return load_time(ld, key[K_TIME], val[K_TIME]) && load_forms(ld, val[K_FORMS]) &&
           load_score(ld, key[K_SCORE], val[K_SCORE]) && load_rules(ld, key[K_RULES], val[K_RULES]) &&
           (!val[K_INCENTIVES] || load_incentives(ld, key[K_INCENTIVES], val[K_INCENTIVES]));
}

/* load_root over the one document of the text, for dw_yaml_load_one. */
static bool load_document(void *ctx, yaml_document_t *doc, yaml_node_t *root)
{
    loader_t *ld = ctx;
    ld->doc = doc;
    bool ok = load_root(ld, root);
    ld->doc = NULL;
    return ok;
}

dw_a_catalogue_t *dw_a_catalogue_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (len > CAT_FILE_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "%s: file is too large (more than 1 MiB)", name);
        return NULL;
    }
    dw_a_catalogue_t *cat = calloc(1, sizeof *cat);
    loader_t ld = {.name = name, .err = err, .errlen = errlen, .cat = cat};
    if (!cat) {
        fail(&ld, 1, "out of memory");
        return NULL;
    }
    snprintf(cat->source, sizeof cat->source, "%s", name);
    bool ok = dw_yaml_load_one(name, text, len, load_document, &ld, err, errlen);
    if (!ok)
        dw_a_catalogue_destroy(&cat);
    return cat;
}

dw_a_catalogue_t *dw_a_catalogue_load(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *buf = dw_yaml_read_file(path, CAT_FILE_MAX, &n, err, errlen);
    if (!buf)
        return NULL;
    dw_a_catalogue_t *cat = dw_a_catalogue_parse(path, buf, n, err, errlen);
    free(buf);
    return cat;
}

dw_a_catalogue_t *dw_a_catalogue_builtin(char *err, size_t errlen)
{
    return dw_a_catalogue_parse(DW_A_BUILTIN_NAME, (const char *)dw_a_builtin_rules, dw_a_builtin_rules_len, err,
                                errlen);
}

void dw_a_catalogue_destroy(dw_a_catalogue_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_a_catalogue_t *self = *self_p;
    dw_yaml_strings_free(&self->strs);
    free(self);
    *self_p = NULL;
}

/* ---- reading ----------------------------------------------------------- */

const char *dw_a_catalogue_source(const dw_a_catalogue_t *self)
{
    return self->source;
}

const dw_a_time_cfg_t *dw_a_catalogue_time(const dw_a_catalogue_t *self)
{
    return &self->time;
}

const dw_a_score_cfg_t *dw_a_catalogue_score(const dw_a_catalogue_t *self)
{
    return &self->score;
}

size_t dw_a_catalogue_forms(const dw_a_catalogue_t *self, const dw_a_form_round_t **rounds)
{
    if (rounds)
        *rounds = self->forms;
    return self->n_forms;
}

const dw_a_incentives_cfg_t *dw_a_catalogue_incentives(const dw_a_catalogue_t *self)
{
    return &self->incentives;
}

bool dw_a_catalogue_is_checkpoint(const dw_a_catalogue_t *self, dw_date_t d)
{
    const dw_a_incentives_cfg_t *in = &self->incentives;
    for (size_t i = 0; i < in->n_checkpoints; i++) {
        int month = in->checkpoints[i].month, day = in->checkpoints[i].day;
        int last = dw_days_in_month(d.year, month);
        if (d.month == month && d.day == (day > last ? last : day)) /* 02-29 is 02-28 in a common year */
            return true;
    }
    return false;
}

const dw_a_rule_t *dw_a_catalogue_rule(const dw_a_catalogue_t *self, dw_a_rule_kind_t kind)
{
    return (unsigned)kind < DW_A_N_RULES ? &self->rules[kind] : NULL;
}

const dw_a_rule_t *dw_a_catalogue_find(const dw_a_catalogue_t *self, const char *id)
{
    const rule_def_t *def = id ? rule_def_by_id(id) : NULL;
    return def ? &self->rules[def->kind] : NULL;
}

dw_decimal_t dw_a_rule_threshold(const dw_a_rule_t *rule, const char *name)
{
    for (size_t i = 0; rule && i < rule->n_thresholds; i++)
        if (strcmp(rule->thresholds[i].name, name) == 0)
            return rule->thresholds[i].value;
    return (dw_decimal_t){0, 0};
}

const char *dw_a_category_name(dw_a_category_t c)
{
    switch (c) {
    case DW_A_TIMELINESS: return "timeliness";
    case DW_A_COMPLIANCE: return "compliance";
    case DW_A_EFFECTIVENESS: return "effectiveness";
    }
    return "";
}

const char *dw_a_disposition_text(dw_a_disposition_t d)
{
    switch (d) {
    case DW_A_DISPOSE_OBJECTIVE: return "调减预算，同步调整绩效目标";
    case DW_A_DISPOSE_SERIOUS: return "暂停项目实施，调减预算，停止拨付";
    case DW_A_DISPOSE_NONE: return "";
    }
    return "";
}
