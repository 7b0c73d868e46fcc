#include "route.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_strmap.h"

struct dw_route {
    const dw_config_t *cfg;
    dw_pg_t *pg;
    int64_t next_task_id;
    bool reload;
};

static int load_next_id(dw_route_t *self)
{
    if (dw_pg_query_int(self->pg, "route", "SELECT coalesce(max(task_id), 0) + 1 FROM tasks", 0, NULL,
                        &self->next_task_id) != 0)
        return -1;
    self->reload = false;
    return 0;
}

dw_route_t *dw_route_new(const dw_config_t *cfg, dw_pg_t *pg)
{
    dw_route_t *self = calloc(1, sizeof *self);
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

void dw_route_destroy(dw_route_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

/* Who looks after a department: its business section (对口), or — when the
 * configuration names none — the comprehensive section, so nothing is left
 * without an owner. */
static const char *owner_section(const dw_route_t *self, const char *dept_code)
{
    const dw_cfg_section_t *s = dw_config_business_section(self->cfg, dept_code);
    if (!s) {
        s = dw_config_section_of_kind(self->cfg, DW_SECTION_COMPREHENSIVE);
        dw_log_warn(dept_code, "no business section looks after this department; the case goes to %s",
                    s ? s->code : "comprehensive");
    }
    return s ? s->code : "comprehensive";
}

/* A task to open: what it is, for whom, and the words of its summary. */
typedef struct task_spec {
    const char *kind;    /* deviation_case | form_return | reconciliation_review | reconciliation_check */
    const char *section; /* who works it */
    const char *state;
    const char *summary_fmt; /* "%s" the alert's message, then "%s" the due date */
} task_spec_t;

static int open_task(dw_route_t *self, dw_stage_t *stage, dw_buf_t *rows, const dw_obj_t *alert, int64_t *n_rows,
                     const task_spec_t *t, int64_t *task_id_out, char due[11])
{
    const char *dept = dw_obj_str(alert, "dept_code"), *project = dw_obj_str(alert, "project_code");
    int64_t alert_id = 0;
    (void)dw_obj_int(alert, "alert_id", &alert_id);
    dw_date_t as_of;
    if (!dw_date_parse(dw_obj_str(alert, "as_of"), &as_of))
        as_of = dw_business_date(dw_now_ms());
    dw_date_format(dw_date_add_days(as_of, self->cfg->route.case_review_days), due);
    int64_t task_id = self->next_task_id++;
    if (dw_copy_int(rows, task_id) || dw_copy_text(rows, t->kind) || dw_copy_text(rows, t->section) ||
        dw_copy_text(rows, dept) || dw_copy_text(rows, project) || dw_copy_int(rows, alert_id) ||
        dw_copy_text(rows, t->state) || dw_copy_text(rows, due) || dw_copy_end_row(rows))
        return -1;
    (*n_rows)++;
    *task_id_out = task_id;

    char summary[900], id[64];
    snprintf(summary, sizeof summary, t->summary_fmt, dw_obj_str(alert, "message"), due);
    snprintf(id, sizeof id, "task-%" PRId64 "-opened", task_id);
    dw_msg_t *m = dw_msg_new("task.event", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "task_id", task_id) | dw_obj_set_str(b, "event", "opened") |
             dw_obj_set_str(b, "kind", t->kind) | dw_obj_set_str(b, "section_code", t->section) |
             dw_obj_set_str(b, "dept_code", dept) | dw_obj_set_str(b, "project_code", project) |
             dw_obj_set_int(b, "alert_id", alert_id) | dw_obj_set_str(b, "state", t->state) |
             dw_obj_set_str(b, "due_date", due) | dw_obj_set_str(b, "summary", summary);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, m, t->section);
    dw_msg_destroy(&m);
    dw_log_info(project, "%s %" PRId64 " opened for %s, due %s", t->kind, task_id, t->section, due);
    return rc ? -1 : 0;
}

/* The department gets its monitoring form back with the rule's reason. */
static int return_form(dw_stage_t *stage, const dw_obj_t *alert, int64_t task_id, const char *due)
{
    char id[64], text[900];
    snprintf(id, sizeof id, "notice-task-%" PRId64, task_id);
    snprintf(text, sizeof text, "绩效运行监控表退回：%s。请于 %s 前补充偏离原因及拟采取的改进措施后重新报送。",
             dw_obj_str(alert, "message"), due);
    dw_msg_t *m = dw_msg_new("notice", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "notice_id", task_id) | dw_obj_set_str(b, "kind", "correction_opinion") |
             dw_obj_set_str(b, "recipient", dw_obj_str(alert, "dept_code")) |
             dw_obj_set_str(b, "title", "绩效运行监控表退回补充偏离原因") | dw_obj_set_str(b, "text", text) |
             dw_obj_set_str(b, "dept_code", dw_obj_str(alert, "dept_code")) |
             dw_obj_set_str(b, "project_code", dw_obj_str(alert, "project_code")) | dw_obj_set_str(b, "due_date", due);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, m, dw_obj_str(alert, "dept_code"));
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

/* The tasks already opened for the alerts of this batch ("alert_id/kind"): an
 * alert that goes red, back to yellow and red again has its case already. */
static dw_strmap_t *existing_tasks(dw_pg_t *pg, const dw_msg_t *const *alerts, size_t n)
{
    dw_strmap_t *seen = dw_strmap_new(1);
    dw_buf_t ids = DW_BUF_INIT;
    if (!seen)
        return NULL;
    int bad = dw_buf_append(&ids, "{", 1);
    for (size_t i = 0; i < n && !bad; i++) {
        int64_t id = 0;
        (void)dw_obj_int(dw_msg_body_const(alerts[i]), "alert_id", &id);
        bad = dw_buf_printf(&ids, "%s%" PRId64, i ? "," : "", id);
    }
    bad = bad || dw_buf_append(&ids, "}", 1);
    const char *p[1] = {ids.data};
    PGresult *res =
        bad ? NULL
            : dw_pg_query(pg, "route", "SELECT alert_id || '/' || kind FROM tasks WHERE alert_id = ANY ($1::bigint[])",
                          1, p);
    dw_buf_free(&ids);
    if (!res) {
        dw_strmap_destroy(&seen);
        return NULL;
    }
    for (int r = 0; r < PQntuples(res) && seen; r++)
        if (!dw_strmap_put(seen, PQgetvalue(res, r, 0), NULL))
            dw_strmap_destroy(&seen);
    PQclear(res);
    return seen;
}

/* Opens t for the alert unless it has one of that kind already. */
static int open_once(dw_route_t *self, dw_stage_t *stage, dw_buf_t *rows, const dw_obj_t *alert, int64_t *n_rows,
                     const task_spec_t *t, dw_strmap_t *seen, bool *opened, int64_t *task_id, char due[11])
{
    int64_t alert_id = 0;
    (void)dw_obj_int(alert, "alert_id", &alert_id);
    char key[96];
    snprintf(key, sizeof key, "%" PRId64 "/%s", alert_id, t->kind);
    *opened = false;
    if (dw_strmap_get(seen, key))
        return 0;
    if (!dw_strmap_put(seen, key, NULL))
        return -1;
    *opened = true;
    return open_task(self, stage, rows, alert, n_rows, t, task_id, due);
}

/* What the sections do with one alert change. */
static int route_alert(dw_route_t *self, dw_stage_t *stage, dw_buf_t *rows, const dw_obj_t *b, int64_t *n_rows,
                       dw_strmap_t *seen)
{
    const char *event = dw_obj_str(b, "event"), *level = dw_obj_str(b, "level"), *rule = dw_obj_str(b, "rule_id");
    const char *previous = dw_obj_str(b, "previous_level");
    bool now_red =
        strcmp(level, "red") == 0 &&
        (strcmp(event, "raised") == 0 || (strcmp(event, "changed") == 0 && previous && strcmp(previous, "red") != 0));
    bool opened = false;
    int64_t task_id = 0;
    char due[11];
    if (strcmp(rule, "reconciliation") == 0) {
        /* 国库对账不符: the comprehensive section reviews, the treasury checks its feed. */
        if (!now_red)
            return 0;
        const dw_cfg_section_t *c = dw_config_section_of_kind(self->cfg, DW_SECTION_COMPREHENSIVE);
        const dw_cfg_section_t *t = dw_config_section_of_kind(self->cfg, DW_SECTION_TREASURY);
        task_spec_t review = {"reconciliation_review", c ? c->code : "comprehensive", "comprehensive_review",
                              "国库对账不符：%s。请综合股于 %s 前会同国库核查差异"};
        task_spec_t check = {"reconciliation_check", t ? t->code : "treasury", "treasury_check",
                             "国库对账不符：%s。请国库于 %s 前核对支付数据并补报缺失的支付"};
        return open_once(self, stage, rows, b, n_rows, &review, seen, &opened, &task_id, due) ||
                       open_once(self, stage, rows, b, n_rows, &check, seen, &opened, &task_id, due)
                   ? -1
                   : 0;
    }
    if (strcmp(rule, "form_no_cause") == 0 && strcmp(event, "raised") == 0) {
        /* the form goes back to the department through its business section, with the rule's reason */
        task_spec_t ret = {"form_return", owner_section(self, dw_obj_str(b, "dept_code")), "returned",
                           "监控表退回：%s。单位应于 %s 前补充偏离原因后重新报送"};
        if (open_once(self, stage, rows, b, n_rows, &ret, seen, &opened, &task_id, due) != 0)
            return -1;
        return opened ? return_form(stage, b, task_id, due) : 0;
    }
    /* 000 §13: a red deviation is disposed of by the sections. */
    if (!now_red)
        return 0;
    task_spec_t c = {"deviation_case", owner_section(self, dw_obj_str(b, "dept_code")), "business_review",
                     "偏离处置：%s。请业务股室于 %s 前提出处置意见"};
    return open_once(self, stage, rows, b, n_rows, &c, seen, &opened, &task_id, due);
}

static int route_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_route_t *self = ctx;
    if (self->reload && load_next_id(self) != 0)
        return -1;
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = 0;
    dw_msg_t **alerts = calloc(n + 1, sizeof *alerts);
    size_t n_alerts = 0;
    if (!alerts)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ev[i].type, "alert.event") != 0)
            continue;
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        if (!m)
            dw_log_error(ev[i].key, "analyze seq %" PRId64 " does not decode: %s", ev[i].seq, err.message);
        else
            alerts[n_alerts++] = m;
    }
    dw_strmap_t *seen = n_alerts ? existing_tasks(pg, (const dw_msg_t *const *)alerts, n_alerts) : NULL;
    if (n_alerts && !seen)
        rc = -1;
    for (size_t i = 0; i < n_alerts && rc == 0; i++)
        rc = route_alert(self, stage, &rows, dw_msg_body_const(alerts[i]), &n_rows, seen);
    if (rc == 0 && n_rows &&
        dw_pg_copy(pg, "route",
                   "COPY tasks (task_id, kind, section_code, dept_code, project_code, alert_id, state, due_date) "
                   "FROM STDIN",
                   &rows) != n_rows)
        rc = -1;
    for (size_t i = 0; i < n_alerts; i++)
        dw_msg_destroy(&alerts[i]);
    free(alerts);
    dw_strmap_destroy(&seen);
    dw_buf_free(&rows);
    return rc;
}

static void route_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_route_t *self = ctx;
    if (!committed)
        self->reload = true;
}

/* Alert changes open cases; the other analysis events pass by. */
static bool route_wants(void *ctx, const char *type)
{
    (void)ctx;
    return strcmp(type, "alert.event") == 0;
}

const dw_stage_handler_t *dw_route_handler(void)
{
    static const dw_stage_handler_t handler = {.batch = route_batch, .after = route_after, .wants = route_wants};
    return &handler;
}
