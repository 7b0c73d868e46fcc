#include "v_checks.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dw_money.h"
#include "dw_scan.h"
#include "v_catalogue.h"

/* ---- helpers ------------------------------------------------------------ */

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

static const char *str_of(const dw_obj_t *o, const char *field)
{
    const char *v = dw_obj_str(o, field);
    return v ? v : "";
}

static bool is(const dw_v_subject_t *s, const char *type)
{
    return strcmp(s->type, type) == 0;
}

static bool found(dw_v_finding_t *f, const char *field, const char *value, const char *expected)
{
    snprintf(f->field, sizeof f->field, "%s", field);
    snprintf(f->value, sizeof f->value, "%s", value);
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    dw_utf8_cut(f->value, sizeof f->value - 1);
    dw_utf8_cut(f->expected, sizeof f->expected - 1);
    return true;
}

static void item_field(dw_v_finding_t *f, size_t i, const char *name)
{
    snprintf(f->field, sizeof f->field, "body.indicators[%zu].%s", i, name);
}

static const char *yuan(int64_t fen, char *buf, size_t n)
{
    dw_fen_format(fen, buf, n);
    return buf;
}

/* Joins items with "、" while they fit, then "…". */
static void join(char *out, size_t n, const char *const *items, size_t count)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *sep = i ? "、" : "";
        size_t need = strlen(sep) + strlen(items[i]);
        if (len + need + strlen("、…") + 1 > n) {
            snprintf(out + len, n - len, "%s", "、…");
            return;
        }
        len += (size_t)snprintf(out + len, n - len, "%s%s", sep, items[i]);
    }
}

static const char *likelihood_zh(const char *v)
{
    if (strcmp(v, "certain") == 0)
        return "确定能";
    if (strcmp(v, "possible") == 0)
        return "有可能";
    if (strcmp(v, "impossible") == 0)
        return "完全不可能";
    return v;
}

static const char *cause_zh(const char *v)
{
    static const char *const names[][2] = {{"funding", "经费保障"},
                                           {"institutional", "制度保障"},
                                           {"staffing", "人员保障"},
                                           {"hardware", "硬件条件保障"},
                                           {"other", "其他"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(v, names[i][0]) == 0)
            return names[i][1];
    return v;
}

static const char *operator_zh(const char *v)
{
    static const char *const names[][2] = {{"ge", "≥"}, {"gt", ">"}, {"eq", "="},
                                           {"le", "≤"}, {"lt", "<"}, {"qualitative", "定性"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(v, names[i][0]) == 0)
            return names[i][1];
    return v;
}

static int year_of(const char *date)
{
    dw_date_t d;
    return dw_date_parse(date, &d) ? d.year : 0;
}

static void year_range(int lo, int hi, char *out, size_t n)
{
    snprintf(out, n, "%04d-01-01 至 %04d-12-31", lo, hi);
}

/* ---- reference ---------------------------------------------------------- */

bool dw_v_check_dept_known(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->dept_known)
        return false;
    return found(f, "body.dept_code", str_of(s->body, "dept_code"), "由预算指标登记的预算部门");
}

bool dw_v_check_unit_dept(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *dept = str_of(s->body, "dept_code");
    if (!s->unit_dept || strcmp(s->unit_dept, dept) == 0)
        return false;
    return found(f, "body.dept_code", dept, s->unit_dept);
}

bool dw_v_check_project_known(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->project_dept)
        return false;
    char expected[96];
    snprintf(expected, sizeof expected, "%" PRId64 "年度已批复预算的项目", int_of(s->body, "fiscal_year"));
    return found(f, "body.project_code", str_of(s->body, "project_code"), expected);
}

bool dw_v_check_project_dept(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *dept = str_of(s->body, "dept_code");
    if (!s->project_dept || strcmp(s->project_dept, dept) == 0)
        return false;
    return found(f, "body.dept_code", dept, s->project_dept);
}

bool dw_v_check_section_known(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *code = dw_obj_str(s->body, "section_code");
    if (!code || s->cfg->n_sections == 0)
        return false; /* nothing to check against */
    /* a budget line is looked after by a business section; a workflow
     * action may come from any section, or from a department acting on its
     * own documents under its dept_code (one a business section looks after) */
    bool business_only = is(s, "budget.allocation");
    if (!business_only && dw_config_business_section(s->cfg, code))
        return false;
    const char *names[DW_CFG_MAX_SECTIONS] = {0};
    size_t n = 0;
    for (size_t i = 0; i < s->cfg->n_sections; i++) {
        const dw_cfg_section_t *sec = &s->cfg->sections[i];
        if (business_only && sec->kind != DW_SECTION_BUSINESS)
            continue;
        if (strcmp(sec->code, code) == 0)
            return false;
        names[n++] = sec->code;
    }
    char expected[256];
    join(expected, sizeof expected, names, n);
    return found(f, "body.section_code", code, n ? expected : "无");
}

bool dw_v_check_line_known(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->line_known)
        return false;
    char expected[96];
    snprintf(expected, sizeof expected, "%" PRId64 "年度已批复的预算指标", int_of(s->body, "fiscal_year"));
    return found(f, "body.line_id", str_of(s->body, "line_id"), expected);
}

bool dw_v_check_original_known(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->original_known)
        return false;
    char expected[96];
    snprintf(expected, sizeof expected, "%" PRId64 "年度已入库的国库支付凭证", int_of(s->body, "fiscal_year"));
    return found(f, "body.original_voucher_no", str_of(s->body, "original_voucher_no"), expected);
}

/* ---- consistency -------------------------------------------------------- */

bool dw_v_check_dates_in_year(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    int year = (int)int_of(s->body, "fiscal_year"), lo = year, hi = year;
    const char *field;
    if (is(s, "budget.allocation")) {
        field = "approved_date";
        /* 提前下达: carry-overs and upper-level special funds are approved
         * in the year before */
        const char *source = str_of(s->body, "source");
        if (strcmp(source, "carry_over") == 0 || strncmp(source, "special_", 8) == 0)
            lo = year - 1;
    } else if (is(s, "budget.adjustment")) {
        field = "effective_date";
    } else if (is(s, "monitor.report")) {
        field = "submitted_date";
        if (int_of(s->body, "period_month") == 12)
            hi = year + 1; /* a form for the whole year is filled after 31 December */
    } else {
        return false;
    }
    const char *date = dw_obj_str(s->body, field);
    int y = date ? year_of(date) : 0;
    if (!date || (y >= lo && y <= hi))
        return false;
    char path[64], expected[64];
    snprintf(path, sizeof path, "body.%s", field);
    year_range(lo, hi, expected, sizeof expected);
    return found(f, path, date, expected);
}

bool dw_v_check_current_sum(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    int64_t current = int_of(s->body, "current_fen"), sum = 0;
    char a[48], b[48];
    if (!dw_fen_add(int_of(s->body, "initial_fen"), int_of(s->body, "adjusted_fen"), &sum) ||
        !dw_fen_add(sum, int_of(s->body, "transferred_fen"), &sum))
        return found(f, "body.current_fen", yuan(current, a, sizeof a), "超出范围");
    if (sum == current)
        return false;
    return found(f, "body.current_fen", yuan(current, a, sizeof a), yuan(sum, b, sizeof b));
}

/* A cut below what is paid; an increase is never refused. */
static bool below_paid(int64_t amount, int64_t current, int64_t paid, dw_v_finding_t *f)
{
    int64_t after;
    char a[48], b[48];
    if (amount >= 0)
        return false;
    if (!dw_fen_add(current, amount, &after))
        return found(f, "body.amount_fen", "超出范围", yuan(paid, b, sizeof b));
    if (after >= paid)
        return false;
    return found(f, "body.amount_fen", yuan(after, a, sizeof a), yuan(paid, b, sizeof b));
}

bool dw_v_check_line_above_paid(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    return s->line_known && below_paid(int_of(s->body, "amount_fen"), s->line_current_fen, s->line_paid_fen, f);
}

bool dw_v_check_project_above_paid(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    return s->line_known && below_paid(int_of(s->body, "amount_fen"), s->project_budget_fen, s->project_paid_fen, f);
}

bool dw_v_check_reversal_remaining(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    int64_t amount = int_of(s->body, "amount_fen");
    if (!s->original_known || amount <= s->original_remaining_fen)
        return false;
    char a[48], b[48];
    return found(f, "body.amount_fen", yuan(amount, a, sizeof a), yuan(s->original_remaining_fen, b, sizeof b));
}

bool dw_v_check_reversal_date(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *date = str_of(s->body, "reversal_date");
    /* YYYY-MM-DD compares as text */
    if (!s->original_known || !s->original_date || strcmp(date, s->original_date) >= 0)
        return false;
    return found(f, "body.reversal_date", date, s->original_date);
}

bool dw_v_check_target_value(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        const char *op = str_of(it, "operator");
        bool qualitative = strcmp(op, "qualitative") == 0;
        if (qualitative ? dw_obj_has(it, "target_text") : dw_obj_has(it, "target"))
            continue;
        found(f, "", operator_zh(op), qualitative ? "定性指标值 target_text" : "指标值 target");
        item_field(f, i, qualitative ? "target_text" : "target");
        return true;
    }
    return false;
}

bool dw_v_check_codes_unique(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    size_t n = dw_obj_count(s->body, "indicators");
    for (size_t i = 1; i < n; i++) {
        const char *code = str_of(dw_obj_item_map(s->body, "indicators", i), "code");
        for (size_t j = 0; j < i; j++)
            if (strcmp(code, str_of(dw_obj_item_map(s->body, "indicators", j), "code")) == 0) {
                found(f, "", code, "每个指标编码只出现一次");
                item_field(f, i, "code");
                return true;
            }
    }
    return false;
}

bool dw_v_check_version_newer(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    int64_t version = int_of(s->body, "version");
    if (s->conflict || version >= s->current_version)
        return false;
    char a[24], b[24];
    snprintf(a, sizeof a, "%" PRId64, version);
    snprintf(b, sizeof b, "%" PRId64, s->current_version);
    return found(f, "body.version", a, b);
}

bool dw_v_check_targets_declared(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->target)
        return false;
    char expected[96];
    snprintf(expected, sizeof expected, "%" PRId64 "年度该项目的绩效目标申报", int_of(s->body, "fiscal_year"));
    return found(f, "body.project_code", str_of(s->body, "project_code"), expected);
}

/* "第2版：IND-001、IND-002" */
static void declared_codes(const dw_v_target_t *t, char *out, size_t n)
{
    int w = snprintf(out, n, "第%" PRId64 "版：", t->version);
    if (w > 0 && (size_t)w < n)
        join(out + w, n - (size_t)w, (const char *const *)t->codes, t->n);
}

bool dw_v_check_codes_declared(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (!s->target)
        return false;
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const char *code = str_of(dw_obj_item_map(s->body, "indicators", i), "code");
        if (dw_v_target_operator(s->target, code))
            continue;
        char expected[256];
        declared_codes(s->target, expected, sizeof expected);
        found(f, "", code, expected);
        item_field(f, i, "code");
        return true;
    }
    return false;
}

bool dw_v_check_values_numeric(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (!s->target)
        return false; /* without the declaration nobody knows which are quantitative */
    static const char *const monitor_fields[] = {"value", "projected", NULL};
    static const char *const selfeval_fields[] = {"actual", NULL};
    const char *const *fields = is(s, "selfeval.report") ? selfeval_fields : monitor_fields;
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        const char *op = dw_v_target_operator(s->target, str_of(it, "code"));
        if (!op || strcmp(op, "qualitative") == 0)
            continue;
        for (size_t k = 0; fields[k]; k++) {
            const char *v = dw_obj_str(it, fields[k]);
            dw_decimal_t d;
            if (!v || dw_decimal_parse(v, 18, &d))
                continue;
            found(f, "", v, "数值，如 12 或 95.5");
            item_field(f, i, fields[k]);
            return true;
        }
    }
    return false;
}

bool dw_v_check_score_range(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *v = str_of(s->body, "self_score");
    dw_decimal_t d, zero = {0, 0}, hundred = {100, 0};
    if (!dw_decimal_parse(v, 18, &d) || (dw_decimal_cmp(d, zero) >= 0 && dw_decimal_cmp(d, hundred) <= 0))
        return false; /* dw-intake parsed it already */
    return found(f, "body.self_score", v, "0 至 100");
}

bool dw_v_check_same_content(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (!s->conflict)
        return false;
    return found(f, s->conflict_field ? s->conflict_field : "body", s->conflict_key ? s->conflict_key : "",
                 "同一单据不得以不同内容重发，更正请另发冲销、调整或新版本");
}

/* ---- monitoring forms --------------------------------------------------- */

static bool uncertain(const dw_obj_t *it)
{
    return strcmp(str_of(it, "likelihood"), "certain") != 0;
}

bool dw_v_check_projection(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        if (!uncertain(it) || dw_obj_has(it, "projected"))
            continue;
        found(f, "", likelihood_zh(str_of(it, "likelihood")), "全年预计完成情况");
        item_field(f, i, "projected");
        return true;
    }
    return false;
}

bool dw_v_check_causes(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        if (!uncertain(it) || dw_obj_count(it, "causes") > 0)
            continue;
        found(f, "", likelihood_zh(str_of(it, "likelihood")), "至少一项偏差原因");
        item_field(f, i, "causes");
        return true;
    }
    return false;
}

bool dw_v_check_explanation(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        size_t n = dw_obj_count(it, "causes");
        if (n == 0 || dw_obj_has(it, "explanation"))
            continue;
        const char *names[8];
        for (size_t k = 0; k < n && k < 8; k++)
            names[k] = cause_zh(dw_obj_item_str(it, "causes", k));
        char value[128];
        join(value, sizeof value, names, n < 8 ? n : 8);
        found(f, "", value, "原因说明");
        item_field(f, i, "explanation");
        return true;
    }
    return false;
}

bool dw_v_check_measures(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    for (size_t i = 0; i < dw_obj_count(s->body, "indicators"); i++) {
        const dw_obj_t *it = dw_obj_item_map(s->body, "indicators", i);
        if (strcmp(str_of(it, "likelihood"), "impossible") != 0 || dw_obj_has(it, "measures"))
            continue;
        found(f, "", likelihood_zh("impossible"), "改进措施");
        item_field(f, i, "measures");
        return true;
    }
    return false;
}

bool dw_v_check_complete(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (!s->target)
        return false;
    const char *missing[DW_V_MAX_WARNINGS];
    size_t n_missing = 0, n = dw_obj_count(s->body, "indicators");
    for (size_t k = 0; k < s->target->n && n_missing < DW_V_MAX_WARNINGS; k++) {
        bool present = false;
        for (size_t i = 0; i < n && !present; i++)
            present = strcmp(s->target->codes[k], str_of(dw_obj_item_map(s->body, "indicators", i), "code")) == 0;
        if (!present)
            missing[n_missing++] = s->target->codes[k];
    }
    if (n_missing == 0)
        return false;
    char value[256], expected[64];
    join(value, sizeof value, missing, n_missing);
    snprintf(expected, sizeof expected, "第%" PRId64 "版绩效目标的全部指标", s->target->version);
    return found(f, "body.indicators", value, expected);
}

void dw_v_period_end(int64_t fiscal_year, int64_t period_month, char out[11])
{
    dw_date_t d = {(int)fiscal_year, (int)period_month, 1};
    d.day = dw_days_in_month(d.year, d.month);
    dw_date_format(d, out);
}

bool dw_v_check_submitted_after_period(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    char end[11];
    dw_v_period_end(int_of(s->body, "fiscal_year"), int_of(s->body, "period_month"), end);
    const char *date = str_of(s->body, "submitted_date");
    if (strcmp(date, end) >= 0)
        return false;
    return found(f, "body.submitted_date", date, end);
}

/* ---- facts -------------------------------------------------------------- */

bool dw_v_check_no_budget(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->n_lines > 0)
        return false;
    return found(f, "body.project_code", str_of(s->body, "project_code"), "有预算指标的项目");
}

bool dw_v_check_over_budget(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->n_lines == 0 || s->paid_fen <= s->budget_fen)
        return false;
    char a[48], b[48];
    return found(f, "body.amount_fen", yuan(s->paid_fen, a, sizeof a), yuan(s->budget_fen, b, sizeof b));
}

bool dw_v_check_economic_code(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    if (s->n_lines == 0 || s->economic_listed)
        return false;
    return found(f, "body.economic_code", str_of(s->body, "economic_code"), s->economic_list ? s->economic_list : "");
}

bool dw_v_check_payment_date(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *field = is(s, "treasury.reversal") ? "reversal_date" : "payment_date";
    const char *date = str_of(s->body, field);
    int year = (int)int_of(s->body, "fiscal_year");
    if (year_of(date) == year)
        return false;
    char path[64], expected[64];
    snprintf(path, sizeof path, "body.%s", field);
    year_range(year, year, expected, sizeof expected);
    return found(f, path, date, expected);
}

/* The latest ack in effect on the payment date decides (acks come in effect
 * order, so a later one of the same day overrides an earlier one); the span
 * is dated from its first hold, a hold confirmed again does not restart it. */
bool dw_v_check_on_hold(const dw_v_subject_t *s, dw_v_finding_t *f)
{
    const char *date = str_of(s->body, "payment_date");
    const char *since = NULL;
    /* YYYY-MM-DD compares as text */
    for (size_t i = 0; i < s->n_hold_acks && strcmp(s->hold_acks[i].effective_date, date) <= 0; i++) {
        if (!s->hold_acks[i].hold)
            since = NULL;
        else if (!since)
            since = s->hold_acks[i].effective_date;
    }
    if (!since)
        return false;
    return found(f, "body.project_code", str_of(s->body, "project_code"), since);
}
