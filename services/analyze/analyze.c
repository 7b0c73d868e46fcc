#include "analyze.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_money.h"
#include "dw_msg.h"

/* A compliance rule fed by one validation flag. */
typedef struct flag_rule {
    const char *flag; /* from fact.payment flags */
    const char *rule_id;
    const char *title;       /* the seed's term */
    const char *disposition; /* 000 §13: what the sections are recommended to do */
} flag_rule_t;

static const flag_rule_t flag_rules[] = {
    {"over_budget", "over_budget", "超预算开支", "暂停实施、停止拨付并调减预算，及时纠偏止损"},
    {"no_budget", "no_budget", "无预算开支", "暂停实施、停止拨付，核实支付依据"},
};
#define N_FLAG_RULES (sizeof flag_rules / sizeof *flag_rules)

/* An open alert as this batch sees it. */
typedef struct alert {
    int64_t alert_id;
    char project_code[64];
    char rule_id[64];
    char level[16];
    int64_t expected_fen, actual_fen;
    char message[512];
    bool is_new;  /* inserted by this batch */
    bool dirty;   /* figures changed: update the row */
    bool cleared; /* closed by this batch */
} alert_t;

struct dw_analyze {
    const dw_config_t *cfg;
    dw_pg_t *pg;
    int64_t next_alert_id;
    bool reload; /* after a rollback: read next_alert_id again */
};

static int load_next_id(dw_analyze_t *self)
{
    if (dw_pg_query_int(self->pg, "analyze", "SELECT coalesce(max(alert_id), 0) + 1 FROM alerts", 0, NULL,
                        &self->next_alert_id) != 0)
        return -1;
    self->reload = false;
    return 0;
}

dw_analyze_t *dw_analyze_new(const dw_config_t *cfg, dw_pg_t *pg)
{
    dw_analyze_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->pg = pg;
    if (load_next_id(self) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

void dw_analyze_destroy(dw_analyze_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

/* The business date the analysis speaks for: clock.as_of, or today in Asia/Shanghai. */
static void as_of_date(const dw_analyze_t *self, char out[11])
{
    dw_date_t d;
    if (self->cfg->clock.as_of[0] && dw_date_parse(self->cfg->clock.as_of, &d))
        dw_date_format(d, out);
    else
        dw_date_format(dw_business_date(dw_now_ms()), out);
}

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

static bool has_flag(const dw_obj_t *b, const char *flag)
{
    for (size_t k = 0; k < dw_obj_count(b, "flags"); k++)
        if (strcmp(dw_obj_item_str(b, "flags", k), flag) == 0)
            return true;
    return false;
}

/* The open alerts for the projects of this batch: one statement. */
static alert_t *load_open_alerts(dw_pg_t *pg, const dw_event_t *ev, size_t n, size_t *n_alerts, size_t *cap)
{
    const char **codes = calloc(n, sizeof *codes);
    dw_buf_t arr = DW_BUF_INIT;
    alert_t *alerts = NULL;
    *n_alerts = 0;
    *cap = n * N_FLAG_RULES + 1;
    if (!codes)
        return NULL;
    for (size_t i = 0; i < n; i++)
        codes[i] = ev[i].key;
    const char *params[1];
    PGresult *res = NULL;
    if (dw_pg_text_array(&arr, codes, n) == 0) {
        params[0] = arr.data;
        res = dw_pg_query(pg, "analyze",
                          "SELECT alert_id, project_code, rule_id, level, coalesce(expected_fen, 0), "
                          "coalesce(actual_fen, 0), message FROM alerts WHERE status = 'open' "
                          "AND project_code = ANY($1::text[])",
                          1, params);
    }
    if (res) {
        *cap += (size_t)PQntuples(res);
        alerts = calloc(*cap, sizeof *alerts);
        for (int r = 0; alerts && r < PQntuples(res); r++) {
            alert_t *a = &alerts[(*n_alerts)++];
            a->alert_id = dw_pg_int(res, r, 0);
            snprintf(a->project_code, sizeof a->project_code, "%s", PQgetvalue(res, r, 1));
            snprintf(a->rule_id, sizeof a->rule_id, "%s", PQgetvalue(res, r, 2));
            snprintf(a->level, sizeof a->level, "%s", PQgetvalue(res, r, 3));
            a->expected_fen = dw_pg_int(res, r, 4);
            a->actual_fen = dw_pg_int(res, r, 5);
            snprintf(a->message, sizeof a->message, "%s", PQgetvalue(res, r, 6));
        }
        PQclear(res);
    }
    free(codes);
    dw_buf_free(&arr);
    return alerts;
}

static alert_t *find_alert(alert_t *alerts, size_t n, const char *project_code, const char *rule_id)
{
    for (size_t k = 0; k < n; k++)
        if (!alerts[k].cleared && strcmp(alerts[k].project_code, project_code) == 0 &&
            strcmp(alerts[k].rule_id, rule_id) == 0)
            return &alerts[k];
    return NULL;
}

static void compose_message(char *out, size_t n, const flag_rule_t *rule, const char *project_code, int64_t budget,
                            int64_t paid)
{
    char b[40], p[40], d[40];
    int64_t over = 0;
    dw_fen_format(budget, b, sizeof b);
    dw_fen_format(paid, p, sizeof p);
    if (!dw_fen_sub(paid, budget, &over))
        over = 0;
    dw_fen_format(over, d, sizeof d);
    if (strcmp(rule->rule_id, "no_budget") == 0)
        snprintf(out, n, "%s：项目 %s 无预算指标，已支付 %s 元", rule->title, project_code, p);
    else
        snprintf(out, n, "%s：项目 %s 累计支付 %s 元，超过变动后预算 %s 元（超出 %s 元）", rule->title, project_code, p,
                 b, d);
}

static int emit_alert(dw_stage_t *stage, const alert_t *a, const char *event, const char *previous_level,
                      const dw_obj_t *fact, const flag_rule_t *rule, const char *as_of)
{
    char id[64];
    snprintf(id, sizeof id, "alert-%" PRId64 "-%s", a->alert_id, event);
    dw_msg_t *m = dw_msg_new("alert.event", id, "analyze", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "alert_id", a->alert_id) | dw_obj_set_str(b, "event", event) |
             dw_obj_set_int(b, "fiscal_year", int_of(fact, "fiscal_year")) |
             dw_obj_set_str(b, "dept_code", dw_obj_str(fact, "dept_code")) |
             dw_obj_set_str(b, "project_code", a->project_code) | dw_obj_set_str(b, "rule_id", a->rule_id) |
             dw_obj_set_str(b, "category", "compliance") | dw_obj_set_str(b, "level", a->level) |
             dw_obj_set_int(b, "expected_fen", a->expected_fen) | dw_obj_set_int(b, "actual_fen", a->actual_fen) |
             dw_obj_set_str(b, "message", a->message) | dw_obj_set_str(b, "as_of", as_of);
    if (previous_level)
        rc |= dw_obj_set_str(b, "previous_level", previous_level);
    if (rule && rule->disposition)
        rc |= dw_obj_set_str(b, "disposition", rule->disposition);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, m, a->project_code);
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* Writes what the batch did to the alerts: new rows by COPY, changed and
 * cleared ones with one UPDATE over arrays. */
static int write_alerts(dw_pg_t *pg, const alert_t *alerts, size_t n, const dw_obj_t *const *facts)
{
    dw_buf_t rows = DW_BUF_INIT, ids = DW_BUF_INIT, exp = DW_BUF_INIT, act = DW_BUF_INIT, msg = DW_BUF_INIT,
             st = DW_BUF_INIT, lv = DW_BUF_INIT;
    int64_t n_new = 0, n_upd = 0;
    int rc = -1;
    const char **ids_v = calloc(n + 1, sizeof *ids_v), **exp_v = calloc(n + 1, sizeof *exp_v),
               **act_v = calloc(n + 1, sizeof *act_v), **msg_v = calloc(n + 1, sizeof *msg_v),
               **st_v = calloc(n + 1, sizeof *st_v), **lv_v = calloc(n + 1, sizeof *lv_v);
    char(*nums)[3][24] = calloc(n + 1, sizeof *nums);
    if (!ids_v || !exp_v || !act_v || !msg_v || !st_v || !lv_v || !nums)
        goto out;
    for (size_t k = 0; k < n; k++) {
        const alert_t *a = &alerts[k];
        if (a->is_new) { /* raised (and perhaps already cleared) in this batch */
            const dw_obj_t *f = facts[k];
            if (dw_copy_int(&rows, a->alert_id) || dw_copy_int(&rows, int_of(f, "fiscal_year")) ||
                dw_copy_text(&rows, dw_obj_str(f, "dept_code")) || dw_copy_text(&rows, a->project_code) ||
                dw_copy_text(&rows, a->rule_id) || dw_copy_text(&rows, "compliance") || dw_copy_text(&rows, a->level) ||
                dw_copy_text(&rows, a->cleared ? "cleared" : "open") || dw_copy_int(&rows, a->expected_fen) ||
                dw_copy_int(&rows, a->actual_fen) || dw_copy_text(&rows, a->message) ||
                /* 'now' is PostgreSQL's own input for the transaction's time */
                (a->cleared ? dw_copy_text(&rows, "now") : dw_copy_null(&rows)) || dw_copy_end_row(&rows))
                goto out;
            n_new++;
        } else if (!a->is_new && (a->dirty || a->cleared)) {
            snprintf(nums[n_upd][0], 24, "%" PRId64, a->alert_id);
            snprintf(nums[n_upd][1], 24, "%" PRId64, a->expected_fen);
            snprintf(nums[n_upd][2], 24, "%" PRId64, a->actual_fen);
            ids_v[n_upd] = nums[n_upd][0];
            exp_v[n_upd] = nums[n_upd][1];
            act_v[n_upd] = nums[n_upd][2];
            msg_v[n_upd] = a->message;
            st_v[n_upd] = a->cleared ? "cleared" : "open";
            lv_v[n_upd] = a->level;
            n_upd++;
        }
    }
    /* Updates first: an alert cleared in this batch must be closed before a
     * new one for the same project and rule (raised later in the batch) goes in. */
    if (n_upd) {
        if (dw_pg_text_array(&ids, ids_v, (size_t)n_upd) || dw_pg_text_array(&exp, exp_v, (size_t)n_upd) ||
            dw_pg_text_array(&act, act_v, (size_t)n_upd) || dw_pg_text_array(&msg, msg_v, (size_t)n_upd) ||
            dw_pg_text_array(&st, st_v, (size_t)n_upd) || dw_pg_text_array(&lv, lv_v, (size_t)n_upd))
            goto out;
        const char *p[6] = {ids.data, exp.data, act.data, msg.data, st.data, lv.data};
        if (dw_pg_exec(
                pg, "analyze",
                "UPDATE alerts a SET expected_fen = u.e, actual_fen = u.x, message = u.m, status = u.s, level = u.l, "
                "updated_at = now(), cleared_at = CASE WHEN u.s = 'cleared' THEN now() END "
                "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[]) "
                "AS u(id, e, x, m, s, l) WHERE a.alert_id = u.id",
                6, p) != 0)
            goto out;
    }
    if (n_new && dw_pg_copy(pg, "analyze",
                            "COPY alerts (alert_id, fiscal_year, dept_code, project_code, rule_id, category, level, "
                            "status, expected_fen, actual_fen, message, cleared_at) FROM STDIN",
                            &rows) != n_new)
        goto out;
    rc = 0;
out:
    dw_buf_free(&rows);
    dw_buf_free(&ids);
    dw_buf_free(&exp);
    dw_buf_free(&act);
    dw_buf_free(&msg);
    dw_buf_free(&st);
    dw_buf_free(&lv);
    free(lv_v);
    free(ids_v);
    free(exp_v);
    free(act_v);
    free(msg_v);
    free(st_v);
    free(nums);
    return rc;
}

/* Closes an open 超预算开支 alert: published at green with the figures that cleared it. */
static int clear_over_budget(dw_stage_t *stage, alert_t *a, int64_t budget, int64_t paid, const dw_obj_t *fact,
                             const char *as_of)
{
    char previous[16];
    snprintf(previous, sizeof previous, "%s", a->level);
    a->expected_fen = budget;
    a->actual_fen = paid;
    snprintf(a->level, sizeof a->level, "green");
    snprintf(a->message, sizeof a->message, "超预算开支已消除：项目 %s 累计支付已在变动后预算以内", a->project_code);
    a->cleared = true;
    dw_log_info(a->project_code, "alert %" PRId64 " cleared", a->alert_id);
    return emit_alert(stage, a, "cleared", previous, fact, NULL, as_of);
}

static int analyze_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_analyze_t *self = ctx;
    if (self->reload && load_next_id(self) != 0)
        return -1;
    char as_of[11];
    as_of_date(self, as_of);
    size_t n_alerts = 0, cap = 0;
    alert_t *alerts = load_open_alerts(pg, ev, n, &n_alerts, &cap);
    dw_msg_t **msgs = calloc(n, sizeof *msgs);
    const dw_obj_t **facts = calloc(cap, sizeof *facts); /* the fact behind each alert (new ones need its dept) */
    int rc = alerts && msgs && facts ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        dw_error_t err;
        msgs[i] = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        if (!msgs[i]) {
            dw_log_error(ev[i].key, "validate seq %" PRId64 " does not decode: %s", ev[i].seq, err.message);
            continue;
        }
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        const char *type = dw_msg_type(msgs[i]);
        const char *project = dw_obj_str(b, "project_code");
        if (strcmp(type, "fact.payment") == 0) {
            for (size_t r = 0; r < N_FLAG_RULES && rc == 0; r++) {
                const flag_rule_t *rule = &flag_rules[r];
                if (!has_flag(b, rule->flag))
                    continue;
                int64_t budget = int_of(b, "budget_fen"), paid = int_of(b, "paid_fen");
                alert_t *a = find_alert(alerts, n_alerts, project, rule->rule_id);
                if (a) { /* still open: the figures move, the level stays */
                    a->expected_fen = budget;
                    a->actual_fen = paid;
                    compose_message(a->message, sizeof a->message, rule, project, budget, paid);
                    a->dirty = true;
                    continue;
                }
                a = &alerts[n_alerts];
                facts[n_alerts++] = b;
                memset(a, 0, sizeof *a);
                a->alert_id = self->next_alert_id++;
                a->is_new = true;
                snprintf(a->project_code, sizeof a->project_code, "%s", project);
                snprintf(a->rule_id, sizeof a->rule_id, "%s", rule->rule_id);
                snprintf(a->level, sizeof a->level, "red");
                a->expected_fen = budget;
                a->actual_fen = paid;
                compose_message(a->message, sizeof a->message, rule, project, budget, paid);
                dw_log_warn(project, "alert %" PRId64 " raised: %s", a->alert_id, a->message);
                rc = emit_alert(stage, a, "raised", NULL, b, rule, as_of);
            }
            /* A reversal (a negative amount) that brings the paid total back
             * within the budget clears 超预算开支. */
            alert_t *open = has_flag(b, "over_budget") ? NULL : find_alert(alerts, n_alerts, project, "over_budget");
            if (rc == 0 && open && int_of(b, "paid_fen") <= int_of(b, "budget_fen"))
                rc = clear_over_budget(stage, open, int_of(b, "budget_fen"), int_of(b, "paid_fen"), b, as_of);
        } else if (strcmp(type, "fact.budget") == 0) {
            /* A budget that now covers what was paid clears 超预算开支. */
            alert_t *a = find_alert(alerts, n_alerts, project, "over_budget");
            int64_t budget = int_of(b, "budget_fen");
            if (a && budget >= a->actual_fen) {
                rc = clear_over_budget(stage, a, budget, a->actual_fen, b, as_of);
            }
        }
    }
    if (rc == 0)
        rc = write_alerts(pg, alerts, n_alerts, facts);
    for (size_t i = 0; msgs && i < n; i++)
        dw_msg_destroy(&msgs[i]);
    free(msgs);
    free(facts);
    free(alerts);
    return rc;
}

static void analyze_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_analyze_t *self = ctx;
    if (!committed)
        self->reload = true;
}

/* The facts the analysis reads; documents passed on by dw-validate pass by. */
static bool analyze_wants(void *ctx, const char *type)
{
    (void)ctx;
    return strcmp(type, "fact.payment") == 0 || strcmp(type, "fact.budget") == 0;
}

const dw_stage_handler_t *dw_analyze_handler(void)
{
    static const dw_stage_handler_t handler = {.batch = analyze_batch, .after = analyze_after, .wants = analyze_wants};
    return &handler;
}
