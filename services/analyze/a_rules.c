#include "a_rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_money.h"
#include "dw_wide.h"

/* ---- exact arithmetic ----------------------------------------------------
 * A light is decided by comparing a ratio with a threshold percent, both
 * exact: ratio N/D against t/100 is N·100·10^scale against t.units·D, where
 * N and D are products of a few decimal, fen and time-progress figures. Those
 * products need more than 128 bits, so they are formed as dw_wide_t; the
 * largest formed here is about 320 bits (a value at 18 decimals × days × 100 ×
 * 10^18). */

typedef unsigned __int128 u128;

#define MAX_FACTORS 6

/* A signed product of a few factors: its sign and its magnitude. */
typedef struct product {
    int sign; /* -1, 0, 1 */
    dw_wide_t mag;
} product_t;

/* Πf; false when its magnitude passes 512 bits, which the factors here cannot
 * reach: at most MAX_FACTORS of them, all below 2^64 but the one gap
 * numerator below 2^127, so under 2^447. */
static bool product_of(const __int128 *f, size_t n, product_t *p)
{
    for (size_t i = 0; i < n; i++)
        if (f[i] == 0) {
            *p = (product_t){0, dw_wide_of(0)};
            return true;
        }
    *p = (product_t){1, dw_wide_of(1)};
    for (size_t i = 0; i < n; i++) {
        if (f[i] < 0)
            p->sign = -p->sign;
        if (!dw_wide_mul(&p->mag, f[i] < 0 ? (u128)0 - (u128)f[i] : (u128)f[i]))
            return false;
    }
    return true;
}

/* The sign of Πa − Πb. Should a product not fit (see product_of: it cannot)
 * the two cannot be weighed and are taken as equal. */
static int cmp_products(const __int128 *a, size_t na, const __int128 *b, size_t nb)
{
    product_t x, y;
    if (!product_of(a, na, &x) || !product_of(b, nb, &y))
        return 0;
    if (x.sign != y.sign)
        return x.sign < y.sign ? -1 : 1;
    if (x.sign == 0)
        return 0;
    int c = dw_wide_cmp(&x.mag, &y.mag);
    return x.sign > 0 ? c : -c;
}

/* A ratio num/den: each a product of factors, den > 0. */
typedef struct ratio {
    __int128 num[MAX_FACTORS - 2];
    size_t nn;
    __int128 den[MAX_FACTORS - 2];
    size_t nd;
} ratio_t;

/* A scale outside 0..18 cannot come from dw_decimal_parse; read it as 0. */
static int scale_of(dw_decimal_t d)
{
    return d.scale >= 0 && d.scale <= 18 ? d.scale : 0;
}

static __int128 ten_to(int s)
{
    return dw_pow10(s);
}

/* The sign of r − pct %: r.num·100·10^scale against pct.units·r.den. */
static int cmp_percent(const ratio_t *r, dw_decimal_t pct)
{
    __int128 a[MAX_FACTORS], b[MAX_FACTORS];
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < r->nn; i++)
        a[na++] = r->num[i];
    a[na++] = 100;
    a[na++] = ten_to(scale_of(pct));
    for (size_t i = 0; i < r->nd; i++)
        b[nb++] = r->den[i];
    b[nb++] = pct.units;
    return cmp_products(a, na, b, nb);
}

/* r × unit rounded half away from zero: unit 10000 gives basis points, 1 the
 * nearest whole number (figures for people, never for deciding). */
static int64_t ratio_times(const ratio_t *r, int64_t unit)
{
    __int128 a[MAX_FACTORS];
    size_t na = 0;
    for (size_t i = 0; i < r->nn; i++)
        a[na++] = r->num[i];
    a[na++] = unit;
    product_t n, d;
    if (!product_of(a, na, &n) || !product_of(r->den, r->nd, &d)) /* cannot happen: see product_of */
        return 0;
    if (d.sign == 0 || n.sign == 0)
        return 0;
    dw_wide_t q;
    int64_t v;
    if (!dw_wide_div_round(&n.mag, &d.mag, &q)) /* d.mag ≠ 0: d.sign ≠ 0 */
        return 0;
    if (!dw_wide_to_int64(&q, &v)) /* a ratio beyond any display: the largest figure */
        v = INT64_MAX;
    return n.sign * d.sign < 0 ? -v : v;
}

static int64_t ratio_bp(const ratio_t *r)
{
    return ratio_times(r, 10000);
}

/* A whole number from a threshold decimal ("90", "6"): the loader checks
 * these are whole; any decimals are dropped. */
static int64_t whole(dw_decimal_t d)
{
    return d.units / dw_pow10(scale_of(d));
}

/* ---- text ---------------------------------------------------------------- */

/* The length of s cut to at most max bytes without splitting a UTF-8 character. */
static size_t utf8_fit(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cut;
}

/* Copies src into dst[n] (n > 0), cut on a character boundary. */
static void set_text(char *dst, size_t n, const char *src)
{
    size_t len = utf8_fit(src, strlen(src), n - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* A text being written into a fixed array; once something does not fit it
 * is cut on a character boundary and nothing more is added. */
typedef struct text {
    char *buf;
    size_t cap, len;
    bool full;
} text_t;

static text_t text_on(char *buf, size_t cap)
{
    buf[0] = '\0';
    return (text_t){buf, cap, 0, false};
}

/* Appends n bytes of s (a whole run of text, so a cut never splits a character). */
static void put_n(text_t *t, const char *s, size_t n)
{
    if (t->full)
        return;
    size_t take = utf8_fit(s, n, t->cap - 1 - t->len);
    memcpy(t->buf + t->len, s, take);
    t->len += take;
    t->buf[t->len] = '\0';
    t->full = take < n;
}

static void put(text_t *t, const char *s)
{
    put_n(t, s, strlen(s));
}

static void put_dec(text_t *t, dw_decimal_t d)
{
    char b[48];
    dw_decimal_format(d, b, sizeof b);
    put(t, b);
}

static void percent_text(int64_t bp, char *out, size_t n)
{
    uint64_t m = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    snprintf(out, n, "%s%" PRIu64 ".%02" PRIu64 "%%", bp < 0 ? "-" : "", m / 100, m % 100);
}

static void yuan_text(int64_t fen, char *out, size_t n)
{
    dw_fen_format(fen, out, n);
}

static void date_text(dw_date_t d, char out[11])
{
    if (dw_date_valid(d))
        dw_date_format(d, out);
    else
        out[0] = '\0';
}

static const char *qual_name(dw_a_qual_t q)
{
    switch (q) {
    case DW_A_QUAL_MET: return "达成";
    case DW_A_QUAL_PARTLY: return "部分达成";
    case DW_A_QUAL_NOT_MET: return "未达成";
    case DW_A_QUAL_NONE: break;
    }
    return "";
}

const char *dw_a_light_name(dw_a_light_t l)
{
    switch (l) {
    case DW_A_GREEN: return "green";
    case DW_A_BLUE: return "blue";
    case DW_A_YELLOW: return "yellow";
    case DW_A_RED: return "red";
    }
    return "";
}

/* ---- findings ------------------------------------------------------------ */

/* What a message may speak of beyond the finding itself. */
typedef struct scene {
    const dw_a_project_t *p;     /* NULL for reconciliation */
    const dw_a_indicator_t *ind; /* indicator rules */
    bool has_tp;
    dw_a_progress_t tp;
    dw_date_t date; /* as_of, or the reconciled business date */
    bool money;     /* expected/actual are fen: shown as yuan */
    bool with_unit; /* expected/actual are the indicator's quantities: its unit follows */
    char period[24];
    char due[11];
    char days[24];
} scene_t;

static scene_t scene_of(const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of)
{
    scene_t s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.has_tp = true;
    s.tp = tp;
    s.date = as_of;
    if (p && p->has_form)
        snprintf(s.period, sizeof s.period, "1-%d月", p->form_period_month);
    return s;
}

/* One placeholder's text; false for a name that is not one. */
static bool placeholder(const dw_a_finding_t *f, const scene_t *s, const char *name, size_t len, char *out, size_t n)
{
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
    const dw_a_project_t *p = s->p;
    out[0] = '\0';
    if (IS("project"))
        set_text(out, n, p ? p->project_code : "");
    else if (IS("project_name"))
        set_text(out, n, p ? p->project_name : "");
    else if (IS("dept"))
        set_text(out, n, p ? p->dept_code : "");
    else if (IS("indicator"))
        set_text(out, n, s->ind ? s->ind->code : "");
    else if (IS("indicator_name"))
        set_text(out, n, s->ind ? s->ind->name : "");
    else if (IS("expected") || IS("actual")) {
        bool exp = IS("expected");
        if (s->money)
            yuan_text(exp ? f->expected_fen : f->actual_fen, out, n);
        else
            snprintf(out, n, "%s%s", exp ? f->expected : f->actual, s->with_unit && s->ind ? s->ind->unit : "");
    } else if (IS("ratio")) {
        if (f->has_ratio)
            percent_text(f->ratio_bp, out, n);
        else
            set_text(out, n, "—");
    } else if (IS("exec_rate")) {
        int64_t bp;
        if (p && p->budget_fen > 0 && dw_ratio_bp(p->paid_fen, p->budget_fen, &bp))
            percent_text(bp, out, n);
        else
            set_text(out, n, "—");
    } else if (IS("time_progress")) {
        if (s->has_tp)
            percent_text(dw_a_progress_bp(s->tp), out, n);
        else
            set_text(out, n, "—");
    } else if (IS("thresholds"))
        set_text(out, n, f->thresholds);
    else if (IS("period"))
        set_text(out, n, s->period);
    else if (IS("due"))
        set_text(out, n, s->due);
    else if (IS("days"))
        set_text(out, n, s->days);
    else if (IS("date"))
        date_text(s->date, out);
    else
        return false;
    return true;
#undef IS
}

/* The rule's template with its placeholders filled in. A money figure is
 * yuan followed by 元, unless the template itself writes 元 right after it. */
static void render(const char *tmpl, const dw_a_finding_t *f, const scene_t *s, char *out, size_t n)
{
    text_t t = text_on(out, n);
    static const char YUAN[] = "元";
    const char *c = tmpl ? tmpl : "";
    while (*c && !t.full) {
        /* the literal text up to the next brace, in one piece */
        size_t run = strcspn(c, "{");
        put_n(&t, c, run);
        c += run;
        if (!*c)
            break;
        const char *close = strchr(c + 1, '}');
        char val[256];
        size_t len = close ? (size_t)(close - c - 1) : 0;
        if (!close || !placeholder(f, s, c + 1, len, val, sizeof val)) {
            put_n(&t, c, 1); /* a brace that opens no placeholder is text */
            c++;
            continue;
        }
        put(&t, val);
        bool figure = (len == 8 && memcmp(c + 1, "expected", 8) == 0) || (len == 6 && memcmp(c + 1, "actual", 6) == 0);
        if (figure && s->money && strncmp(close + 1, YUAN, sizeof YUAN - 1) != 0)
            put(&t, YUAN);
        c = close + 1;
    }
}

/* A green finding: the deviation template would state a deviation that is not
 * there, so it says plainly that none was found. */
static void render_green(const dw_a_rule_t *rule, const dw_a_finding_t *f, const scene_t *s, char *out, size_t n)
{
    text_t t = text_on(out, n);
    if (s->p) {
        put(&t, "项目");
        put(&t, s->p->project_name);
        put(&t, "（");
        put(&t, s->p->project_code);
        put(&t, "）");
    } else {
        char d[11];
        date_text(s->date, d);
        put(&t, d);
    }
    if (s->ind) {
        put(&t, "指标");
        put(&t, s->ind->name);
        put(&t, "（");
        put(&t, s->ind->code);
        put(&t, "）");
    }
    put(&t, "未发现");
    put(&t, rule->title ? rule->title : "");
    if (f->thresholds[0]) {
        put(&t, "（");
        put(&t, f->thresholds);
        put(&t, "）");
    }
}

/* Light, disposition and message of a finding whose figures are filled in. */
static void conclude(dw_a_finding_t *f, dw_a_light_t light, const scene_t *s)
{
    f->light = light;
    f->disposition = light == DW_A_RED      ? f->rule->on_red
                     : light == DW_A_YELLOW ? f->rule->on_yellow
                                            : DW_A_DISPOSE_NONE;
    if (light == DW_A_GREEN)
        render_green(f->rule, f, s, f->message, sizeof f->message);
    else
        render(f->rule->message, f, s, f->message, sizeof f->message);
}

static void start(dw_a_finding_t *f, const dw_a_rule_t *rule, const char *subject)
{
    memset(f, 0, sizeof *f);
    f->rule = rule;
    set_text(f->subject, sizeof f->subject, subject ? subject : "");
}

static void set_fen(dw_a_finding_t *f, int64_t expected_fen, int64_t actual_fen)
{
    f->expected_fen = expected_fen;
    f->actual_fen = actual_fen;
    snprintf(f->expected, sizeof f->expected, "%" PRId64, expected_fen);
    snprintf(f->actual, sizeof f->actual, "%" PRId64, actual_fen);
}

static void set_ratio(dw_a_finding_t *f, const ratio_t *r)
{
    f->has_ratio = true;
    f->ratio_bp = ratio_bp(r);
}

static void set_dec(char *dst, size_t n, dw_decimal_t d)
{
    char b[48];
    dw_decimal_format(d, b, sizeof b);
    set_text(dst, n, b);
}

/* The sink the rules write to: at most cap written, every one counted. */
typedef struct sink {
    dw_a_finding_t *out;
    size_t cap, n;
    dw_a_finding_t scratch; /* where a finding past cap is built, then dropped */
} sink_t;

static dw_a_finding_t *next(sink_t *k)
{
    return k->n < k->cap ? &k->out[k->n] : &k->scratch;
}

static void emit(sink_t *k)
{
    k->n++;
}

static const dw_a_rule_t *enabled_rule(const dw_a_catalogue_t *cat, dw_a_rule_kind_t kind)
{
    const dw_a_rule_t *r = dw_a_catalogue_rule(cat, kind);
    return r && r->enabled ? r : NULL;
}

/* "红灯 <60%，黄灯 <80%" for a rule with red_below and yellow_below. */
static void below_text(text_t *t, const dw_a_rule_t *rule)
{
    put(t, "红灯 <");
    put_dec(t, dw_a_rule_threshold(rule, "red_below"));
    put(t, "%，黄灯 <");
    put_dec(t, dw_a_rule_threshold(rule, "yellow_below"));
    put(t, "%");
}

/* ---- 1. exec_time: 预算执行进度 vs 序时进度 -------------------------------- */

static void rule_exec_time(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                           sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_EXEC_TIME);
    if (!rule || !tp.rules_on || !p->has_budget || p->budget_fen <= 0 || tp.num <= 0 || tp.den <= 0)
        return;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    /* 执行进度比 = (paid / budget) / (num / den) = paid·den / (budget·num) */
    ratio_t r = {{p->paid_fen, tp.den}, 2, {p->budget_fen, tp.num}, 2};
    dw_a_light_t light = DW_A_GREEN;
    if (cmp_percent(&r, dw_a_rule_threshold(rule, "red_below")) < 0)
        light = DW_A_RED;
    else if (cmp_percent(&r, dw_a_rule_threshold(rule, "yellow_below")) < 0)
        light = DW_A_YELLOW;
    /* Size gate: a large budget trailing 序时进度 by more than the gap points
     * is red whatever the ratio. large: budget·10^s ≥ yuan.units·100; gap:
     * num/den − paid/budget = (num·budget − paid·den)/(den·budget) (each
     * product below 2^126, the difference fits 128 bits). */
    dw_decimal_t large = dw_a_rule_threshold(rule, "large_budget_yuan");
    dw_decimal_t gap = dw_a_rule_threshold(rule, "large_gap_points");
    __int128 big_a[2] = {p->budget_fen, ten_to(scale_of(large))}, big_b[2] = {large.units, 100};
    ratio_t behind = {
        {(__int128)tp.num * p->budget_fen - (__int128)p->paid_fen * tp.den}, 1, {tp.den, p->budget_fen}, 2};
    bool gated = cmp_products(big_a, 2, big_b, 2) >= 0 && cmp_percent(&behind, gap) > 0;
    text_t t = text_on(f->thresholds, sizeof f->thresholds);
    below_text(&t, rule);
    if (gated && light != DW_A_RED) {
        light = DW_A_RED;
        put(&t, "；预算≥");
        put_dec(&t, large);
        put(&t, "元且落后>");
        put_dec(&t, gap);
        put(&t, "个百分点 红灯");
    }
    set_fen(f, (int64_t)((__int128)p->budget_fen * tp.num / tp.den), p->paid_fen);
    set_ratio(f, &r);
    scene_t s = scene_of(p, tp, as_of);
    s.money = true;
    conclude(f, light, &s);
    emit(k);
}

/* ---- 2. indicators: 正向 / 反向 / 等值 / 定性 ------------------------------- */

static dw_a_rule_kind_t indicator_kind(dw_a_op_t op)
{
    switch (op) {
    case DW_A_OP_GE:
    case DW_A_OP_GT: return DW_A_RULE_INDICATOR_POSITIVE;
    case DW_A_OP_LE:
    case DW_A_OP_LT: return DW_A_RULE_INDICATOR_REVERSE;
    case DW_A_OP_EQ: return DW_A_RULE_INDICATOR_EQUAL;
    case DW_A_OP_QUALITATIVE: break;
    }
    return DW_A_RULE_INDICATOR_QUAL;
}

static const char *op_sign(dw_a_op_t op)
{
    switch (op) {
    case DW_A_OP_GE: return "≥";
    case DW_A_OP_GT: return ">";
    case DW_A_OP_EQ: return "=";
    case DW_A_OP_LE: return "≤";
    case DW_A_OP_LT: return "<";
    case DW_A_OP_QUALITATIVE: break;
    }
    return "";
}

static bool has_reading(const dw_a_indicator_t *ind)
{
    if (ind->op == DW_A_OP_QUALITATIVE)
        return ind->value_qual != DW_A_QUAL_NONE;
    return ind->has_value;
}

/* The light of one indicator from its rule, with the figures it came from.
 * false: no finding (no value, rule disabled, a cumulative count before
 * rules_from or with no time elapsed). */
static bool judge_indicator(const dw_a_catalogue_t *cat, const dw_a_indicator_t *ind, dw_a_progress_t tp,
                            dw_a_finding_t *f, dw_a_light_t *light)
{
    const dw_a_rule_t *rule = enabled_rule(cat, indicator_kind(ind->op));
    if (!rule || !ind->reported || !has_reading(ind))
        return false;
    start(f, rule, ind->code);
    text_t t = text_on(f->thresholds, sizeof f->thresholds);
    int c = dw_decimal_cmp(ind->value, ind->target);
    switch (ind->op) {
    case DW_A_OP_GE:
    case DW_A_OP_GT: {
        /* GT and GE share the bands: during the year a count short of its
         * target is judged by how far short; the strictness of ">" only tells
         * at year end, when the value equal to the target is not enough, and
         * the projection rule (projected ≤ target) says so. */
        bool cumulative = ind->cumulative;
        if (cumulative && (!tp.rules_on || tp.num <= 0 || tp.den <= 0))
            return false;
        below_text(&t, rule);
        put(&t, "，蓝灯 ≥");
        put_dec(&t, dw_a_rule_threshold(rule, "blue_from"));
        put(&t, "%");
        set_dec(f->actual, sizeof f->actual, ind->value);
        if (ind->target.units <= 0) {
            /* nothing to divide by: a target of 0 is met by any value ≥ 0 */
            set_dec(f->expected, sizeof f->expected, ind->target);
            *light = c >= 0 ? DW_A_GREEN : DW_A_RED;
            return true;
        }
        int64_t num = cumulative ? tp.num : 1, den = cumulative ? tp.den : 1;
        /* value ÷ (target × num/den) = value.units·10^ts·den / (target.units·10^vs·num) */
        ratio_t r = {{ind->value.units, ten_to(scale_of(ind->target)), den},
                     3,
                     {ind->target.units, ten_to(scale_of(ind->value)), num},
                     3};
        if (cumulative) {
            /* what 序时进度 calls for to date, to at least 2 decimals (for people) */
            int s = scale_of(ind->target) > 2 ? scale_of(ind->target) : 2;
            ratio_t due = {{ind->target.units, ten_to(s - scale_of(ind->target)), num}, 3, {den}, 1};
            set_dec(f->expected, sizeof f->expected, (dw_decimal_t){ratio_times(&due, 1), s});
        } else {
            set_dec(f->expected, sizeof f->expected, ind->target);
        }
        set_ratio(f, &r);
        if (cmp_percent(&r, dw_a_rule_threshold(rule, "red_below")) < 0)
            *light = DW_A_RED;
        else if (cmp_percent(&r, dw_a_rule_threshold(rule, "yellow_below")) < 0)
            *light = DW_A_YELLOW;
        else if (cmp_percent(&r, dw_a_rule_threshold(rule, "blue_from")) < 0)
            *light = DW_A_GREEN;
        else
            *light = DW_A_BLUE;
        return true;
    }
    case DW_A_OP_LE:
    case DW_A_OP_LT:
    case DW_A_OP_EQ: {
        put(&t, "目标值 ");
        put(&t, op_sign(ind->op));
        put_dec(&t, ind->target);
        put(&t, ind->unit);
        set_dec(f->expected, sizeof f->expected, ind->target);
        set_dec(f->actual, sizeof f->actual, ind->value);
        if (ind->target.units > 0) {
            ratio_t r = {{ind->value.units, ten_to(scale_of(ind->target))},
                         2,
                         {ind->target.units, ten_to(scale_of(ind->value))},
                         2};
            set_ratio(f, &r);
        }
        bool met = ind->op == DW_A_OP_LE ? c <= 0 : ind->op == DW_A_OP_LT ? c < 0 : c == 0;
        *light = met ? DW_A_GREEN : DW_A_RED;
        return true;
    }
    case DW_A_OP_QUALITATIVE: break;
    }
    put(&t, "部分达成 黄灯，未达成 红灯");
    set_text(f->expected, sizeof f->expected, qual_name(DW_A_QUAL_MET));
    set_text(f->actual, sizeof f->actual, qual_name(ind->value_qual));
    *light = ind->value_qual == DW_A_QUAL_MET      ? DW_A_GREEN
             : ind->value_qual == DW_A_QUAL_PARTLY ? DW_A_YELLOW
                                                   : DW_A_RED;
    return true;
}

dw_a_light_t dw_a_indicator_light(const dw_a_catalogue_t *cat, const dw_a_indicator_t *ind, dw_a_progress_t tp)
{
    dw_a_finding_t f;
    dw_a_light_t light = DW_A_GREEN;
    if (!judge_indicator(cat, ind, tp, &f, &light))
        return DW_A_GREEN;
    return light;
}

static void rule_indicators(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_rule_kind_t kind,
                            dw_a_progress_t tp, dw_date_t as_of, sink_t *k)
{
    if (!p->has_targets || !p->has_form)
        return;
    for (size_t i = 0; i < p->n_indicators && i < DW_A_MAX_INDICATORS; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        dw_a_light_t light;
        dw_a_finding_t *f = next(k);
        if (indicator_kind(ind->op) != kind || !judge_indicator(cat, ind, tp, f, &light))
            continue;
        scene_t s = scene_of(p, tp, as_of);
        s.ind = ind;
        s.with_unit = ind->op != DW_A_OP_QUALITATIVE;
        conclude(f, light, &s);
        emit(k);
    }
}

/* ---- 3. projection: 全年预计完成 ------------------------------------------- */

/* Whether the projected full-year value misses the target under op. */
static bool projection_misses(const dw_a_indicator_t *ind)
{
    if (ind->op == DW_A_OP_QUALITATIVE)
        return ind->projected_qual != DW_A_QUAL_MET;
    int c = dw_decimal_cmp(ind->projected, ind->target);
    switch (ind->op) {
    case DW_A_OP_GE: return c < 0;
    case DW_A_OP_GT: return c <= 0;
    case DW_A_OP_LE: return c > 0;
    case DW_A_OP_LT: return c >= 0;
    case DW_A_OP_EQ: return c != 0;
    case DW_A_OP_QUALITATIVE: break;
    }
    return false;
}

static void rule_projection(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                            sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_PROJECTION);
    if (!rule || !p->has_targets || !p->has_form)
        return;
    for (size_t i = 0; i < p->n_indicators && i < DW_A_MAX_INDICATORS; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        bool qual = ind->op == DW_A_OP_QUALITATIVE;
        bool projected = qual ? ind->projected_qual != DW_A_QUAL_NONE : ind->has_projected;
        bool impossible = ind->likelihood == DW_A_LIKELY_IMPOSSIBLE;
        if (!ind->reported || (!projected && !impossible))
            continue;
        dw_a_finding_t *f = next(k);
        start(f, rule, ind->code);
        set_text(f->thresholds, sizeof f->thresholds, "完全不可能 红灯，全年预计未达目标 黄灯");
        if (qual) {
            set_text(f->expected, sizeof f->expected, qual_name(DW_A_QUAL_MET));
            set_text(f->actual, sizeof f->actual, projected ? qual_name(ind->projected_qual) : "完全不可能");
        } else {
            set_dec(f->expected, sizeof f->expected, ind->target);
            if (projected)
                set_dec(f->actual, sizeof f->actual, ind->projected);
            else
                set_text(f->actual, sizeof f->actual, "完全不可能");
        }
        dw_a_light_t light = impossible ? DW_A_RED : projection_misses(ind) ? DW_A_YELLOW : DW_A_GREEN;
        scene_t s = scene_of(p, tp, as_of);
        s.ind = ind;
        s.with_unit = !qual && projected;
        conclude(f, light, &s);
        emit(k);
    }
}

/* ---- 4. unspent: 预计结转结余 ---------------------------------------------- */

static void rule_unspent(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                         sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_UNSPENT);
    /* a time rule: a projection made in the first weeks of the year is not judged (rules_from) */
    if (!rule || !tp.rules_on || !p->has_form || !p->has_budget || p->budget_fen <= 0)
        return;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    dw_decimal_t red = dw_a_rule_threshold(rule, "red_above"), yellow = dw_a_rule_threshold(rule, "yellow_above");
    text_t t = text_on(f->thresholds, sizeof f->thresholds);
    put(&t, "红灯 >");
    put_dec(&t, red);
    put(&t, "%，黄灯 >");
    put_dec(&t, yellow);
    put(&t, "%");
    /* (budget − projected) / budget; a projection beyond the budget is a
     * negative share, never above a threshold */
    ratio_t r = {{(__int128)p->budget_fen - p->form_projected_fen}, 1, {p->budget_fen}, 1};
    dw_a_light_t light = cmp_percent(&r, red) > 0 ? DW_A_RED : cmp_percent(&r, yellow) > 0 ? DW_A_YELLOW : DW_A_GREEN;
    set_fen(f, p->budget_fen, p->form_projected_fen);
    set_ratio(f, &r);
    scene_t s = scene_of(p, tp, as_of);
    s.money = true;
    conclude(f, light, &s);
    emit(k);
}

/* ---- 5. carry_over: 上年结转资金较大 --------------------------------------- */

static void rule_carry_over(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                            sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_CARRY_OVER);
    if (!rule || p->carry_over_fen <= 0)
        return;
    dw_decimal_t min = dw_a_rule_threshold(rule, "min_yuan"), above = dw_a_rule_threshold(rule, "unspent_above");
    __int128 have[2] = {p->carry_over_fen, ten_to(scale_of(min))}, need[2] = {min.units, 100};
    if (cmp_products(have, 2, need, 2) < 0)
        return;
    int month = (int)whole(dw_a_rule_threshold(rule, "by_month"));
    int day = (int)whole(dw_a_rule_threshold(rule, "by_day"));
    int last = dw_days_in_month(p->fiscal_year, month);
    dw_date_t by = {p->fiscal_year, month, day > last ? last : day}; /* 02-29 is 02-28 in a common year */
    if (last == 0 || dw_date_cmp(as_of, by) < 0)
        return;
    /* carry-over money is spent first: what is paid comes off it */
    int64_t unspent = p->carry_over_fen - (p->paid_fen > 0 ? p->paid_fen : 0);
    if (unspent < 0)
        unspent = 0;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    text_t t = text_on(f->thresholds, sizeof f->thresholds);
    put(&t, "结转≥");
    put_dec(&t, min);
    put(&t, "元，");
    char when[32];
    snprintf(when, sizeof when, "%d月%d日", month, day);
    put(&t, when);
    put(&t, "后未支付>");
    put_dec(&t, above);
    put(&t, "% 黄灯");
    ratio_t r = {{unspent}, 1, {p->carry_over_fen}, 1};
    dw_a_light_t light = cmp_percent(&r, above) > 0 ? DW_A_YELLOW : DW_A_GREEN;
    set_fen(f, p->carry_over_fen, unspent);
    set_ratio(f, &r);
    scene_t s = scene_of(p, tp, as_of);
    s.money = true;
    conclude(f, light, &s);
    emit(k);
}

/* ---- 6. idle_new: 当年新增预算且前期准备不充分 ------------------------------ */

static void rule_idle_new(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                          sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_IDLE_NEW);
    if (!rule || !p->new_this_year || !dw_date_valid(p->approved))
        return;
    int64_t limit = whole(dw_a_rule_threshold(rule, "days"));
    int64_t days = dw_date_diff_days(as_of, p->approved);
    if (!p->has_payment && days < limit)
        return;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    snprintf(f->thresholds, sizeof f->thresholds, "批复后≥%" PRId64 "天无支付 黄灯", limit);
    snprintf(f->expected, sizeof f->expected, "%" PRId64, limit);
    snprintf(f->actual, sizeof f->actual, "%" PRId64, days);
    scene_t s = scene_of(p, tp, as_of);
    snprintf(s.days, sizeof s.days, "%" PRId64, days);
    conclude(f, p->has_payment ? DW_A_GREEN : DW_A_YELLOW, &s);
    emit(k);
}

/* ---- 7. compliance: 无预算 / 超预算 / 暂停拨付 / 经济分类 --------------------- */

static void compliance_finding(const dw_a_rule_t *rule, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                               const char *thresholds, int64_t expected_fen, int64_t actual_fen, dw_a_light_t light,
                               sink_t *k)
{
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    set_text(f->thresholds, sizeof f->thresholds, thresholds);
    set_fen(f, expected_fen, actual_fen);
    scene_t s = scene_of(p, tp, as_of);
    s.money = true;
    conclude(f, light, &s);
    emit(k);
}

static void rule_compliance(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                            sink_t *k)
{
    if (!p->has_payment && !p->has_budget)
        return; /* nothing paid, nothing approved: nothing to say */
    const dw_a_rule_t *r;
    if ((r = enabled_rule(cat, DW_A_RULE_NO_BUDGET)) && (p->no_budget_fen > 0 || p->has_payment))
        compliance_finding(r, p, tp, as_of, "无预算开支 红灯", 0, p->no_budget_fen,
                           p->no_budget_fen > 0 ? DW_A_RED : DW_A_GREEN, k);
    /* From the position, not the flags' total: a reversal or a budget increase
     * since the flagged payment shows here at once. Without any budget line
     * the payments are 无预算开支 (above), not also 超预算. */
    if ((r = enabled_rule(cat, DW_A_RULE_OVER_BUDGET)) && p->has_budget)
        compliance_finding(r, p, tp, as_of, "支付超过变动后预算 红灯", p->budget_fen, p->paid_fen,
                           p->paid_fen > p->budget_fen ? DW_A_RED : DW_A_GREEN, k);
    if ((r = enabled_rule(cat, DW_A_RULE_ON_HOLD)))
        compliance_finding(r, p, tp, as_of, "暂停拨付期间支付 红灯", 0, p->on_hold_fen,
                           p->on_hold_fen > 0 ? DW_A_RED : DW_A_GREEN, k);
    if ((r = enabled_rule(cat, DW_A_RULE_ECON_MISMATCH)))
        compliance_finding(r, p, tp, as_of, "经济分类与预算不符 黄灯", 0, p->econ_mismatch_fen,
                           p->econ_mismatch_fen > 0 ? DW_A_YELLOW : DW_A_GREEN, k);
}

/* ---- 8. form_overdue: 绩效监控表逾期未报 ----------------------------------- */

static dw_date_t due_date(int year, const dw_a_form_round_t *round)
{
    int last = dw_days_in_month(year, round->due_month);
    return (dw_date_t){year, round->due_month, round->due_day > last ? last : round->due_day};
}

/* "逾期 黄灯，逾期>N天 红灯" for the rules that count days late; returns N. */
static int64_t overdue_thresholds(const dw_a_rule_t *rule, dw_a_finding_t *f)
{
    int64_t red_after = whole(dw_a_rule_threshold(rule, "red_after_days"));
    snprintf(f->thresholds, sizeof f->thresholds, "逾期 黄灯，逾期>%" PRId64 "天 红灯", red_after);
    return red_after;
}

static void rule_form_overdue(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                              sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_FORM_OVERDUE);
    if (!rule || (!p->has_targets && !p->has_budget))
        return;
    const dw_a_form_round_t *rounds;
    size_t n = dw_a_catalogue_forms(cat, &rounds);
    const dw_a_form_round_t *round = NULL;
    for (size_t i = 0; i < n; i++) /* rounds ascend: the last one past due (the due day itself still counts) */
        if (dw_date_cmp(due_date(p->fiscal_year, &rounds[i]), as_of) < 0)
            round = &rounds[i];
    if (!round)
        return;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    int64_t red_after = overdue_thresholds(rule, f);
    scene_t s = scene_of(p, tp, as_of);
    dw_date_t due = due_date(p->fiscal_year, round);
    date_text(due, s.due);
    snprintf(s.period, sizeof s.period, "1-%d月", round->period_month);
    set_text(f->expected, sizeof f->expected, s.due);
    dw_a_light_t light;
    if (p->has_form && p->form_period_month >= round->period_month) {
        char d[11];
        date_text(p->form_submitted, d);
        set_text(f->actual, sizeof f->actual, d[0] ? d : "已报送");
        snprintf(s.days, sizeof s.days, "0");
        light = DW_A_GREEN;
    } else {
        int64_t late = dw_date_diff_days(as_of, due);
        set_text(f->actual, sizeof f->actual, "未报送");
        snprintf(s.days, sizeof s.days, "%" PRId64, late);
        light = late <= red_after ? DW_A_YELLOW : DW_A_RED;
    }
    conclude(f, light, &s);
    emit(k);
}

/* ---- 9. form_no_cause: 偏离指标未说明原因 ---------------------------------- */

static void rule_form_no_cause(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp,
                               dw_date_t as_of, sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_FORM_NO_CAUSE);
    if (!rule || !p->has_targets || !p->has_form)
        return;
    for (size_t i = 0; i < p->n_indicators && i < DW_A_MAX_INDICATORS; i++) {
        const dw_a_indicator_t *ind = &p->indicators[i];
        if (!ind->reported || !has_reading(ind))
            continue;
        dw_a_light_t il = dw_a_indicator_light(cat, ind, tp);
        bool deviates = il == DW_A_YELLOW || il == DW_A_RED;
        dw_a_finding_t *f = next(k);
        start(f, rule, ind->code);
        set_text(f->thresholds, sizeof f->thresholds, "黄灯、红灯指标未说明偏差原因 黄灯");
        set_text(f->expected, sizeof f->expected, deviates ? "说明偏差原因" : "");
        set_text(f->actual, sizeof f->actual, ind->has_cause ? "已说明" : "未说明");
        scene_t s = scene_of(p, tp, as_of);
        s.ind = ind;
        conclude(f, deviates && !ind->has_cause ? DW_A_YELLOW : DW_A_GREEN, &s);
        emit(k);
    }
}

/* ---- 11. task_overdue: 流程事项逾期未办 --------------------------------------- */

/* The department has not acted on a workflow step of dw-route by its due
 * date (a declaration to revise, a form to complete, a rectification to
 * report, targets to publish): the overdue fact dw-route records counts in
 * the project's timeliness. */
static void rule_task_overdue(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                              sink_t *k)
{
    const dw_a_rule_t *rule = enabled_rule(cat, DW_A_RULE_TASK_OVERDUE);
    if (!rule || !p->has_task_overdue)
        return;
    dw_a_finding_t *f = next(k);
    start(f, rule, "");
    int64_t red_after = overdue_thresholds(rule, f);
    scene_t s = scene_of(p, tp, as_of);
    date_text(p->task_due, s.due);
    int64_t late = dw_date_diff_days(as_of, p->task_due);
    snprintf(s.days, sizeof s.days, "%" PRId64, late);
    set_text(f->expected, sizeof f->expected, s.due);
    set_text(f->actual, sizeof f->actual, p->task_doc);
    conclude(f, late <= red_after ? DW_A_YELLOW : DW_A_RED, &s);
    emit(k);
}

/* ---- evaluation ------------------------------------------------------------ */

size_t dw_a_rules_evaluate(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                           dw_a_finding_t *out, size_t cap)
{
    sink_t k = {out, out ? cap : 0, 0, {0}};
    rule_exec_time(cat, p, tp, as_of, &k);
    rule_indicators(cat, p, DW_A_RULE_INDICATOR_POSITIVE, tp, as_of, &k);
    rule_indicators(cat, p, DW_A_RULE_INDICATOR_REVERSE, tp, as_of, &k);
    rule_indicators(cat, p, DW_A_RULE_INDICATOR_EQUAL, tp, as_of, &k);
    rule_indicators(cat, p, DW_A_RULE_INDICATOR_QUAL, tp, as_of, &k);
    rule_projection(cat, p, tp, as_of, &k);
    rule_unspent(cat, p, tp, as_of, &k);
    rule_carry_over(cat, p, tp, as_of, &k);
    rule_idle_new(cat, p, tp, as_of, &k);
    rule_compliance(cat, p, tp, as_of, &k);
    rule_form_overdue(cat, p, tp, as_of, &k);
    rule_form_no_cause(cat, p, tp, as_of, &k);
    rule_task_overdue(cat, p, tp, as_of, &k);
    return k.n;
}

/* ---- 10. reconciliation: 国库对账 ------------------------------------------ */

void dw_a_rules_reconciliation(const dw_a_catalogue_t *cat, dw_date_t business_date, int64_t treasury_count,
                               int64_t treasury_fen, int64_t stored_count, int64_t stored_fen, dw_a_finding_t *out)
{
    const dw_a_rule_t *rule = dw_a_catalogue_rule(cat, DW_A_RULE_RECONCILIATION);
    char date[11];
    date_text(business_date, date);
    start(out, rule, date);
    set_text(out->thresholds, sizeof out->thresholds, "笔数或金额不符 红灯");
    char yuan[48];
    yuan_text(treasury_fen, yuan, sizeof yuan);
    snprintf(out->expected, sizeof out->expected, "%" PRId64 "笔 %s元", treasury_count, yuan);
    yuan_text(stored_fen, yuan, sizeof yuan);
    snprintf(out->actual, sizeof out->actual, "%" PRId64 "笔 %s元", stored_count, yuan);
    out->expected_fen = treasury_fen;
    out->actual_fen = stored_fen;
    scene_t s = scene_of(NULL, (dw_a_progress_t){0, 1, false}, business_date);
    s.has_tp = false;
    /* a disabled rule raises nothing: the figures are kept, the light is green */
    bool differs = treasury_count != stored_count || treasury_fen != stored_fen;
    conclude(out, differs && rule->enabled ? DW_A_RED : DW_A_GREEN, &s);
}

dw_a_light_t dw_a_worst(const dw_a_finding_t *f, size_t n)
{
    dw_a_light_t worst = DW_A_GREEN;
    for (size_t i = 0; f && i < n; i++)
        if (f[i].light > worst)
            worst = f[i].light;
    return worst;
}
