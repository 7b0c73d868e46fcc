#include "route.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"

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

static int open_case(dw_route_t *self, dw_stage_t *stage, dw_buf_t *rows, const dw_obj_t *alert, int64_t *n_rows)
{
    const char *dept = dw_obj_str(alert, "dept_code"), *project = dw_obj_str(alert, "project_code");
    int64_t alert_id = 0;
    (void)dw_obj_int(alert, "alert_id", &alert_id);
    dw_date_t as_of;
    if (!dw_date_parse(dw_obj_str(alert, "as_of"), &as_of))
        as_of = dw_business_date(dw_now_ms());
    char due[11];
    dw_date_format(dw_date_add_days(as_of, self->cfg->route.case_review_days), due);
    const char *section = owner_section(self, dept);
    int64_t task_id = self->next_task_id++;
    if (dw_copy_int(rows, task_id) || dw_copy_text(rows, "deviation_case") || dw_copy_text(rows, section) ||
        dw_copy_text(rows, dept) || dw_copy_text(rows, project) || dw_copy_int(rows, alert_id) ||
        dw_copy_text(rows, "business_review") || dw_copy_text(rows, due) || dw_copy_end_row(rows))
        return -1;
    (*n_rows)++;

    char summary[700], id[64];
    snprintf(summary, sizeof summary, "偏离处置：%s。请业务股室于 %s 前提出处置意见", dw_obj_str(alert, "message"),
             due);
    snprintf(id, sizeof id, "task-%" PRId64 "-opened", task_id);
    dw_msg_t *m = dw_msg_new("task.event", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    int rc = dw_obj_set_int(b, "task_id", task_id) | dw_obj_set_str(b, "event", "opened") |
             dw_obj_set_str(b, "kind", "deviation_case") | dw_obj_set_str(b, "section_code", section) |
             dw_obj_set_str(b, "dept_code", dept) | dw_obj_set_str(b, "project_code", project) |
             dw_obj_set_int(b, "alert_id", alert_id) | dw_obj_set_str(b, "state", "business_review") |
             dw_obj_set_str(b, "due_date", due) | dw_obj_set_str(b, "summary", summary);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, m, section);
    dw_msg_destroy(&m);
    dw_log_info(project, "deviation case %" PRId64 " opened for %s, due %s", task_id, section, due);
    return rc ? -1 : 0;
}

static int route_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_route_t *self = ctx;
    if (self->reload && load_next_id(self) != 0)
        return -1;
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (strcmp(ev[i].type, "alert.event") != 0)
            continue;
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        if (!m) {
            dw_log_error(ev[i].key, "analyze seq %" PRId64 " does not decode: %s", ev[i].seq, err.message);
            continue;
        }
        const dw_obj_t *b = dw_msg_body(m);
        /* 000 §13: a red deviation is disposed of by the sections. */
        if (strcmp(dw_obj_str(b, "event"), "raised") == 0 && strcmp(dw_obj_str(b, "level"), "red") == 0)
            rc = open_case(self, stage, &rows, b, &n_rows);
        dw_msg_destroy(&m);
    }
    if (rc == 0 && n_rows &&
        dw_pg_copy(pg, "route",
                   "COPY tasks (task_id, kind, section_code, dept_code, project_code, alert_id, state, due_date) "
                   "FROM STDIN",
                   &rows) != n_rows)
        rc = -1;
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
