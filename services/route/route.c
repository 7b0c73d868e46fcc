#include "route.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a_catalogue.h"
#include "dw_date.h"
#include "dw_log.h"
#include "dw_msg.h"
#include "dw_scan.h"
#include "dw_strmap.h"
#include "r_doc.h"
#include "r_effects.h"
#include "r_engine.h"
#include "r_timers.h"

#define TIMER_BATCH 500 /* documents a timer job takes at a time */

struct dw_route {
    const dw_config_t *cfg;
    dw_r_engine_t *engine;
    dw_r_docs_t *docs;
    dw_a_catalogue_t *catalogue; /* the monitoring rounds (analyze.rules_file) */
    char rounds_checked[11];     /* the business date the rounds were last opened for */
    bool rounds_more, deadlines_more;
};

static dw_date_t as_of_date(const dw_config_t *cfg)
{
    dw_date_t d;
    if (cfg->clock.as_of[0] && dw_date_parse(cfg->clock.as_of, &d))
        return d;
    return dw_business_today();
}

static dw_a_catalogue_t *load_catalogue(const dw_config_t *cfg)
{
    char err[512];
    dw_a_catalogue_t *c;
    if (cfg->analyze.rules_file[0]) {
        char path[DW_CFG_STR * 2];
        dw_config_file_path(cfg, cfg->analyze.rules_file, path, sizeof path);
        c = dw_a_catalogue_load(path, err, sizeof err);
    } else {
        c = dw_a_catalogue_builtin(err, sizeof err);
    }
    if (!c)
        dw_log_error("route", "the monitoring rounds cannot be read: %s", err);
    return c;
}

dw_route_t *dw_route_new(const dw_config_t *cfg, dw_pg_t *pg)
{
    dw_route_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->engine = dw_r_engine_new(cfg, pg);
    self->docs = dw_r_docs_new();
    self->catalogue = load_catalogue(cfg);
    if (!self->engine || !self->docs || !self->catalogue) {
        dw_route_destroy(&self);
        return NULL;
    }
    return self;
}

void dw_route_destroy(dw_route_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_route_t *self = *self_p;
    dw_r_engine_destroy(&self->engine);
    dw_r_docs_destroy(&self->docs);
    dw_a_catalogue_destroy(&self->catalogue);
    free(self);
    *self_p = NULL;
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

/* ---- one batch ------------------------------------------------------------- */

/* An event of the batch with its message decoded. */
typedef struct item {
    const dw_event_t *ev;
    dw_msg_t *msg;
} item_t;

typedef struct batch {
    dw_route_t *route;
    dw_stage_t *stage;
    dw_pg_t *pg;
    dw_buf_t rejects, plain_tasks;
    int64_t n_rejects, n_plain_tasks;
    dw_strmap_t *instruction_docs; /* instruction_id -> "kind/id" */
    dw_strmap_t *line_projects;    /* inbox_seq of a budget cut -> "project_code|doc_no" */
    dw_strmap_t *plain_seen;       /* "alert_id/kind" of plain tasks opened */
} batch_t;

/* A key list that grows; each string owned. */
typedef struct keys {
    char **v;
    size_t n, cap;
} keys_t;

static int keys_add(keys_t *k, const char *s)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 32;
        char **v = realloc(k->v, cap * sizeof *v);
        if (!v)
            return -1;
        k->v = v;
        k->cap = cap;
    }
    if (!(k->v[k->n] = strdup(s)))
        return -1;
    k->n++;
    return 0;
}

static void keys_free(keys_t *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->v[i]);
    free(k->v);
    *k = (keys_t){0};
}

static void doc_key(char *out, size_t n, const char *kind, const char *id)
{
    snprintf(out, n, "%s/%s", kind, id);
}

/* The document a fact about a project is filed under. */
static void fact_doc_id(char *out, size_t n, const char *type, const dw_obj_t *b)
{
    int year = (int)int_of(b, "fiscal_year");
    const char *project = dw_obj_str(b, "project_code");
    if (is(type, "target.declaration"))
        snprintf(out, n, "TD-%d-%s", year, project);
    else if (is(type, "selfeval.report"))
        snprintf(out, n, "SE-%d-%s", year, project);
    else
        dw_r_monitor_doc_id(out, n, year, project, (int)int_of(b, "period_month"));
}

static const char *fact_kind(const char *type)
{
    return is(type, "target.declaration") ? "target_declaration"
           : is(type, "selfeval.report")  ? "selfeval"
                                          : "monitor_report";
}

static bool is_fact_document(const char *type)
{
    return is(type, "target.declaration") || is(type, "monitor.report") || is(type, "selfeval.report");
}

/* ---- refusals ---------------------------------------------------------------- */

static int copy_opt(dw_buf_t *b, const char *s)
{
    return s && *s ? dw_copy_text(b, s) : dw_copy_null(b);
}

/* A workflow action the procedure refuses: rejects (stage route) and a
 * reject.notice to its source, with the rule id leading the message. */
static int refuse(batch_t *b, const item_t *it, const dw_error_t *err)
{
    const dw_msg_t *m = it->msg;
    const char *rule = err->field[0] ? err->field : NULL;
    char message[DW_ERR_MESSAGE_MAX + DW_ERR_FIELD_MAX + 2];
    snprintf(message, sizeof message, "%s %s", rule ? rule : "", err->message);
    dw_utf8_cut(message, DW_ERR_MESSAGE_MAX - 1); /* the contract's 256 bytes */
    dw_log_warn(it->ev->key, "refused workflow.action %s/%s: %s", dw_msg_src(m), dw_msg_id(m), message);
    dw_buf_t *r = &b->rejects;
    if (dw_copy_text(r, "route") || dw_copy_text(r, dw_msg_src(m)) || dw_copy_text(r, dw_msg_id(m)) ||
        dw_copy_text(r, dw_msg_type(m)) || dw_copy_text(r, dw_code_name(err->code)) || dw_copy_text(r, "body.action") ||
        dw_copy_text(r, err->message) || copy_opt(r, rule) || dw_copy_end_row(r))
        return -1;
    b->n_rejects++;
    char id[96];
    snprintf(id, sizeof id, "reject-route-%" PRId64, it->ev->seq);
    dw_msg_t *notice = dw_msg_new("reject.notice", id, "route", dw_now_ms());
    if (!notice)
        return -1;
    dw_obj_t *nb = dw_msg_body(notice);
    dw_code_t rc = dw_obj_set_str(nb, "src", dw_msg_src(m)) | dw_obj_set_str(nb, "id", dw_msg_id(m)) |
                   dw_obj_set_str(nb, "type", dw_msg_type(m)) | dw_obj_set_str(nb, "stage", "route") |
                   dw_obj_set_str(nb, "code", dw_code_name(err->code)) | dw_obj_set_str(nb, "field", "body.action") |
                   dw_obj_set_str(nb, "message", message);
    int out = rc == DW_OK ? dw_stage_emit_msg(b->stage, notice, dw_msg_src(m)) : -1;
    dw_msg_destroy(&notice);
    return out ? -1 : 0;
}

/* rc of the engine: refused -> recorded; applied -> 0; failure -> -1. */
static int settle(batch_t *b, const item_t *it, int rc, const dw_error_t *err)
{
    if (rc == 1)
        return refuse(b, it, err);
    return rc;
}

/* ---- workflow.action -------------------------------------------------------- */

static void plan_text(const dw_obj_t *body, char *out, size_t n)
{
    const dw_obj_t *plan = dw_obj_map(body, "plan");
    const char *comment = dw_obj_str(body, "comment");
    if (!plan) {
        snprintf(out, n, "%s", comment ? comment : "");
        return;
    }
    snprintf(out, n, "评价范围：%s；时间安排：%s；评价方法：%s；指标体系及评价标准：%s%s%s", dw_obj_str(plan, "scope"),
             dw_obj_str(plan, "schedule"), dw_obj_str(plan, "method"), dw_obj_str(plan, "indicators"),
             comment ? "。" : "", comment ? comment : "");
    dw_utf8_cut(out, n - 1);
}

static dw_r_action_t action_of(const item_t *it)
{
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    return (dw_r_action_t){.action = dw_obj_str(o, "action"),
                           .actor = dw_obj_str(o, "actor"),
                           .section_code = dw_obj_str(o, "section_code"),
                           .opinion = dw_obj_str(o, "opinion"),
                           .comment = dw_obj_str(o, "comment"),
                           .to_state = dw_obj_str(o, "to_state"),
                           .decision = dw_obj_str(o, "decision"),
                           .upstream = "validate",
                           .upstream_seq = it->ev->seq};
}

/* "open": a business section's deviation case, the comprehensive section's
 * re-evaluation or year's summary. */
static int open_by_action(batch_t *b, const item_t *it)
{
    dw_r_engine_t *e = b->route->engine;
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    const char *kind = dw_obj_str(o, "doc_kind"), *doc_id = dw_obj_str(o, "doc_id");
    const char *dept = dw_obj_str(o, "dept_code"), *project = dw_obj_str(o, "project_code");
    int year = (int)int_of(o, "fiscal_year");
    if (!kind || !doc_id)
        return 0; /* required by the schema: dw-intake has refused such a message already */
    dw_error_t err;
    if (dw_r_docs_get(b->route->docs, kind, doc_id)) {
        dw_error_set(&err, DW_E_RULE, "W-OPEN-002", "%s %s exists already", kind, doc_id);
        return refuse(b, it, &err);
    }
    if (is(kind, "results_summary") && !dept)
        dept = "bureau"; /* the bureau's own: the year's summary is about every department */
    if (!year || !dept || (is(kind, "deviation_case") && !project)) {
        dw_error_set(&err, DW_E_RULE, "W-OPEN-003", "open needs fiscal_year, dept_code%s",
                     is(kind, "deviation_case") ? " and project_code" : "");
        return refuse(b, it, &err);
    }
    dw_r_action_t a = action_of(it);
    dw_r_document_t probe = {.fiscal_year = year};
    snprintf(probe.doc_kind, sizeof probe.doc_kind, "%s", kind);
    snprintf(probe.dept_code, sizeof probe.dept_code, "%s", dept);
    int rc = dw_r_engine_check_open(e, &probe, &a, &err);
    if (rc != 0)
        return settle(b, it, rc, &err);

    char title[600];
    if (is(kind, "deviation_case"))
        snprintf(title, sizeof title, "项目 %s 偏离处置（%s 发起）", project, a.section_code);
    else if (is(kind, "reevaluation"))
        snprintf(title, sizeof title, "%d年度 %s%s%s 绩效再评价", year, dept, project ? " 项目 " : "",
                 project ? project : "");
    else
        snprintf(title, sizeof title, "%d年度绩效评价结果应用", year);
    dw_r_document_t *d = dw_r_docs_create(b->route->docs, kind, doc_id, year, dept, project, title);
    if (!d)
        return -1;
    dw_date_t due =
        dw_calendar_add_workdays(dw_r_engine_calendar(e), dw_r_engine_as_of(e), b->route->cfg->route.case_review_days);
    rc = dw_r_engine_open(e, d, &a, is(kind, "deviation_case") ? &due : NULL, &err);
    if (rc != 0 || !is(kind, "reevaluation"))
        return settle(b, it, rc, &err);
    /* the plan is the re-evaluation's first step: planning -> evaluating */
    char plan[4000];
    plan_text(o, plan, sizeof plan);
    a.comment = plan;
    return settle(b, it, dw_r_engine_act(e, d, &a, &err), &err);
}

static int workflow_action(batch_t *b, const item_t *it)
{
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    if (is(dw_obj_str(o, "action"), "open"))
        return open_by_action(b, it);
    dw_error_t err;
    dw_r_document_t *d = dw_r_docs_get(b->route->docs, dw_obj_str(o, "doc_kind"), dw_obj_str(o, "doc_id"));
    if (!d) {
        dw_error_set(&err, DW_E_RULE, "W-DOC-001", "no %s %s in the workflow", dw_obj_str(o, "doc_kind"),
                     dw_obj_str(o, "doc_id"));
        return refuse(b, it, &err);
    }
    dw_r_action_t a = action_of(it);
    return settle(b, it, dw_r_engine_act(b->route->engine, d, &a, &err), &err);
}

/* ---- documents and facts that move a procedure ------------------------------ */

/* dw-route's own step on a document; a refusal is only logged (the fact is
 * stored by dw-validate whatever the workflow makes of it). */
static int system_step(batch_t *b, dw_r_document_t *d, const char *action, const char *comment, const item_t *it)
{
    dw_r_action_t a = {.action = action,
                       .system = true,
                       .comment = comment,
                       .upstream = it->ev->upstream,
                       .upstream_seq = it->ev->seq};
    dw_error_t err;
    int rc = dw_r_engine_act(b->route->engine, d, &a, &err);
    if (rc == 1)
        dw_log_info(d->doc_id, "%s not applied in %s: %s", action, d->state, err.message);
    return rc < 0 ? -1 : 0;
}

/* The deviation cases of a project in effect with a decision, moved by a fact. */
static int cases_step(batch_t *b, const char *project, const char *decision, const char *action, const char *comment,
                      const item_t *it)
{
    dw_r_document_t *cases[64];
    size_t n = dw_r_docs_cases_of(b->route->docs, project, cases, 64);
    for (size_t i = 0; i < n; i++)
        if (is(cases[i]->state, "in_effect") && is(cases[i]->decision, decision) &&
            system_step(b, cases[i], action, comment, it) != 0)
            return -1;
    return 0;
}

/* A declaration, a monitoring form, a self-evaluation: the department hands
 * the document in (a new round after a return, a revision of published
 * targets), opening it first if this is its first version. */
static int fact_document(batch_t *b, const item_t *it)
{
    dw_r_engine_t *e = b->route->engine;
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    const char *type = dw_msg_type(it->msg), *kind = fact_kind(type);
    const char *dept = dw_obj_str(o, "dept_code"), *project = dw_obj_str(o, "project_code");
    int year = (int)int_of(o, "fiscal_year");
    char doc_id[DW_R_CODE];
    fact_doc_id(doc_id, sizeof doc_id, type, o);
    dw_r_document_t *d = dw_r_docs_get(b->route->docs, kind, doc_id);
    dw_error_t err;
    if (!d) {
        char title[600];
        const dw_a_form_round_t *round = NULL;
        if (is(type, "monitor.report")) {
            round = dw_r_round_of(b->route->catalogue, (int)int_of(o, "period_month"));
            snprintf(title, sizeof title, "项目 %s 1-%d月绩效运行监控", project, (int)int_of(o, "period_month"));
        } else {
            snprintf(title, sizeof title, "项目 %s %s", project,
                     is(type, "selfeval.report") ? "绩效自评价" : "绩效目标");
        }
        d = dw_r_docs_create(b->route->docs, kind, doc_id, year, dept, project, title);
        if (!d)
            return -1;
        dw_date_t due = round ? (dw_date_t){year, round->due_month, round->due_day} : (dw_date_t){0, 0, 0};
        dw_r_action_t open = {.action = "open",
                              .system = true,
                              .upstream = it->ev->upstream,
                              .upstream_seq = it->ev->seq,
                              .no_task = true};
        if (dw_r_engine_open(e, d, &open, round ? &due : NULL, &err) != 0)
            return -1;
    }
    char comment[128] = "";
    const char *action = "submit";
    if (is(type, "target.declaration")) {
        snprintf(comment, sizeof comment, "第%" PRId64 "版", int_of(o, "version"));
        if (is(d->state, "published"))
            action = "revise"; /* 002 §24: targets adjusted in the year go the same way */
    }
    if (!is(d->state, "draft") && !is(d->state, "revising") && !is(d->state, "open") && !is(action, "revise")) {
        dw_log_info(doc_id, "a new %s arrived while the document is in %s: it stays there", type, d->state);
        return 0;
    }
    dw_r_action_t a = {.action = action,
                       .actor = dw_msg_src(it->msg),
                       .section_code = dept,
                       .comment = comment[0] ? comment : NULL,
                       .upstream = it->ev->upstream,
                       .upstream_seq = it->ev->seq};
    int rc = dw_r_engine_act(e, d, &a, &err);
    if (rc == 1)
        dw_log_warn(doc_id, "%s not applied in %s: %s", action, d->state, err.message);
    if (rc < 0)
        return -1;
    /* 调整绩效目标 is carried out when the revised targets are handed in */
    return is(type, "target.declaration") ? cases_step(b, project, "adjust_targets", "adjusted", comment, it) : 0;
}

static int hold_ack(batch_t *b, const item_t *it)
{
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    char id[32];
    snprintf(id, sizeof id, "%" PRId64, int_of(o, "instruction_id"));
    const char *key = dw_strmap_get(b->instruction_docs, id);
    char kind[32], doc_id[DW_R_CODE];
    if (!key || sscanf(key, "%31[^/]/%71s", kind, doc_id) != 2) {
        dw_log_warn(dw_obj_str(o, "project_code"), "treasury.hold_ack for instruction %s, which dw-route never issued",
                    id);
        return 0;
    }
    dw_r_document_t *d = dw_r_docs_get(b->route->docs, kind, doc_id);
    dw_date_t on;
    if (!d || !dw_date_parse(dw_obj_str(o, "effective_date"), &on))
        return 0;
    if (dw_r_docs_instruction_acked(b->route->docs, int_of(o, "instruction_id"), on) != 0)
        return -1;
    bool hold = is(dw_obj_str(o, "action"), "hold");
    return system_step(b, d, hold ? "hold_acked" : "release_acked", dw_obj_str(o, "note"), it);
}

/* dw-validate passes a budget adjustment on as fact.budget (the line as it
 * now stands); the adjustment itself is read back by its inbox_seq. Only a
 * cut carries out 调减预算. */
static int budget_adjustment(batch_t *b, const item_t *it)
{
    const dw_obj_t *o = dw_msg_body_const(it->msg);
    char seq[32], project[DW_R_CODE], doc_no[160];
    snprintf(seq, sizeof seq, "%" PRId64, int_of(o, "inbox_seq"));
    const char *cut = dw_strmap_get(b->line_projects, seq); /* "project|doc_no" of a cut */
    if (!cut || sscanf(cut, "%71[^|]|%159[^\n]", project, doc_no) != 2)
        return 0;
    char comment[256];
    snprintf(comment, sizeof comment, "预算调整 %s", doc_no);
    dw_utf8_cut(comment, sizeof comment - 1);
    return cases_step(b, project, "reduce_budget", "adjusted", comment, it);
}

/* ---- alerts ------------------------------------------------------------------- */

/* A task that is not a step of a document (a reconciliation to check, a
 * form to complete), one per alert and kind. */
typedef struct plain_task {
    const char *kind;
    const char *section;
    const char *state;
    const char *summary_fmt; /* "%s" the alert's message, then "%s" the due date */
} plain_task_t;

static int open_plain(batch_t *b, const dw_obj_t *alert, const plain_task_t *t, bool *opened, int64_t *task_id,
                      char due[11])
{
    int64_t alert_id = int_of(alert, "alert_id");
    char key[96];
    snprintf(key, sizeof key, "%" PRId64 "/%s", alert_id, t->kind);
    *opened = false;
    if (dw_strmap_get(b->plain_seen, key))
        return 0;
    if (!dw_strmap_put(b->plain_seen, key, NULL))
        return -1;
    *opened = true;
    dw_r_engine_t *e = b->route->engine;
    dw_date_t as_of;
    if (!dw_date_parse(dw_obj_str(alert, "as_of"), &as_of))
        as_of = dw_r_engine_as_of(e);
    dw_date_format(dw_calendar_add_workdays(dw_r_engine_calendar(e), as_of, b->route->cfg->route.case_review_days),
                   due);
    *task_id = dw_r_engine_next_task(e);
    const char *dept = dw_obj_str(alert, "dept_code"), *project = dw_obj_str(alert, "project_code");
    char summary[4000], id[64];
    snprintf(summary, sizeof summary, t->summary_fmt, dw_obj_str(alert, "message"), due);
    dw_utf8_cut(summary, sizeof summary - 1);
    dw_buf_t *r = &b->plain_tasks;
    if (dw_copy_int(r, *task_id) || dw_copy_text(r, t->kind) || dw_copy_text(r, t->section) || dw_copy_text(r, dept) ||
        dw_copy_text(r, project) || dw_copy_int(r, alert_id) || dw_copy_text(r, t->state) || dw_copy_text(r, due) ||
        dw_copy_text(r, summary) || dw_copy_end_row(r))
        return -1;
    b->n_plain_tasks++;
    snprintf(id, sizeof id, "task-%" PRId64 "-opened", *task_id);
    dw_msg_t *m = dw_msg_new("task.event", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *o = dw_msg_body(m);
    dw_code_t rc = dw_obj_set_int(o, "task_id", *task_id) | dw_obj_set_str(o, "event", "opened") |
                   dw_obj_set_str(o, "kind", t->kind) | dw_obj_set_str(o, "section_code", t->section) |
                   dw_obj_set_str(o, "dept_code", dept) | dw_obj_set_str(o, "project_code", project) |
                   dw_obj_set_int(o, "alert_id", alert_id) | dw_obj_set_str(o, "state", t->state) |
                   dw_obj_set_str(o, "due_date", due) | dw_obj_set_str(o, "summary", summary);
    int out = rc == DW_OK ? dw_stage_emit_msg(b->stage, m, t->section) : -1;
    dw_msg_destroy(&m);
    dw_log_info(project, "%s %" PRId64 " opened for %s, due %s", t->kind, *task_id, t->section, due);
    return out ? -1 : 0;
}

/* The department gets its monitoring form back with the rule's reason. */
static int return_form(batch_t *b, const dw_obj_t *alert, const char *due)
{
    char text[4000];
    snprintf(text, sizeof text, "绩效运行监控表退回：%s。请于 %s 前补充偏离原因及拟采取的改进措施后重新报送。",
             dw_obj_str(alert, "message"), due);
    dw_r_document_t about = {.fiscal_year = (int)int_of(alert, "fiscal_year")};
    snprintf(about.dept_code, sizeof about.dept_code, "%s", dw_obj_str(alert, "dept_code"));
    snprintf(about.project_code, sizeof about.project_code, "%s", dw_obj_str(alert, "project_code"));
    dw_date_t d;
    return dw_r_notice(b->route->engine, &about, "correction_opinion", about.dept_code,
                       "绩效运行监控表退回补充偏离原因", text, dw_date_parse(due, &d) ? &d : NULL);
}

static const char *section_code_of(const dw_config_t *cfg, dw_section_kind_t kind, const char *fallback)
{
    const dw_cfg_section_t *s = dw_config_section_of_kind(cfg, kind);
    return s ? s->code : fallback;
}

/* Whether an alert change opens a deviation case: it turned red, or — for a
 * department under 重点监控 — yellow. */
static bool opens_case(const dw_config_t *cfg, const dw_obj_t *a)
{
    const char *event = dw_obj_str(a, "event"), *level = dw_obj_str(a, "level");
    const char *previous = dw_obj_str(a, "previous_level");
    bool raised_or_worse = is(event, "raised") || (is(event, "changed") && !is(previous, "red"));
    /* a late workflow step is followed up by its own deadline's escalation, not a case about the project */
    if (!raised_or_worse || is(dw_obj_str(a, "rule_id"), "task_overdue"))
        return false;
    if (is(level, "red"))
        return true;
    return is(level, "yellow") && is(event, "raised") &&
           dw_config_key_department(cfg, (int)int_of(a, "fiscal_year"), dw_obj_str(a, "dept_code"));
}

static int alert_event(batch_t *b, const item_t *it)
{
    const dw_config_t *cfg = b->route->cfg;
    const dw_obj_t *a = dw_msg_body_const(it->msg);
    const char *event = dw_obj_str(a, "event"), *rule = dw_obj_str(a, "rule_id");
    bool opened = false;
    int64_t task_id = 0;
    char due[11];
    if (is(rule, "reconciliation")) {
        /* 国库对账不符: the comprehensive section reviews, the treasury checks its feed */
        if (!is(dw_obj_str(a, "level"), "red") || is(event, "cleared"))
            return 0;
        plain_task_t review = {"reconciliation_review", section_code_of(cfg, DW_SECTION_COMPREHENSIVE, "comprehensive"),
                               "comprehensive_review", "国库对账不符：%s。请综合股于 %s 前会同国库核查差异"};
        plain_task_t check = {"reconciliation_check", section_code_of(cfg, DW_SECTION_TREASURY, "treasury"),
                              "treasury_check", "国库对账不符：%s。请国库于 %s 前核对支付数据并补报缺失的支付"};
        return open_plain(b, a, &review, &opened, &task_id, due) || open_plain(b, a, &check, &opened, &task_id, due)
                   ? -1
                   : 0;
    }
    if (is(rule, "form_no_cause")) {
        if (!is(event, "raised"))
            return 0;
        plain_task_t ret = {"form_return",
                            dw_r_engine_holder(b->route->engine, DW_R_BUSINESS, dw_obj_str(a, "dept_code")), "returned",
                            "监控表退回：%s。单位应于 %s 前补充偏离原因后重新报送"};
        if (open_plain(b, a, &ret, &opened, &task_id, due) != 0)
            return -1;
        return opened ? return_form(b, a, due) : 0;
    }
    char doc_id[DW_R_CODE];
    snprintf(doc_id, sizeof doc_id, "DC-%" PRId64, int_of(a, "alert_id"));
    dw_r_document_t *d = dw_r_docs_get(b->route->docs, "deviation_case", doc_id);
    if (is(event, "cleared"))
        return d && !d->closed ? system_step(b, d, "cleared", dw_obj_str(a, "message"), it) : 0;
    if (d || !opens_case(cfg, a))
        return 0;
    dw_r_document_t *open_case = NULL;
    if (dw_r_docs_cases_of(b->route->docs, dw_obj_str(a, "project_code"), &open_case, 1) == 1) {
        /* one case a project: the sections dispose of the project, whichever rule saw it first */
        dw_log_info(open_case->doc_id, "alert %" PRId64 " on %s: the project's case is open already (%s)",
                    int_of(a, "alert_id"), dw_obj_str(a, "project_code"), open_case->state);
        return 0;
    }
    /* 000 §13: the business section that looks after the department proposes a disposition */
    d = dw_r_docs_create(b->route->docs, "deviation_case", doc_id, (int)int_of(a, "fiscal_year"),
                         dw_obj_str(a, "dept_code"), dw_obj_str(a, "project_code"), dw_obj_str(a, "message"));
    if (!d)
        return -1;
    d->alert_id = int_of(a, "alert_id");
    dw_r_engine_t *e = b->route->engine;
    dw_date_t as_of;
    if (!dw_date_parse(dw_obj_str(a, "as_of"), &as_of))
        as_of = dw_r_engine_as_of(e);
    dw_date_t case_due = dw_calendar_add_workdays(dw_r_engine_calendar(e), as_of, cfg->route.case_review_days);
    dw_r_action_t open = {.action = "open", .system = true, .upstream = "analyze", .upstream_seq = it->ev->seq};
    dw_error_t err;
    return dw_r_engine_open(e, d, &open, &case_due, &err) != 0 ? -1 : 0;
}

/* ---- loading what the batch needs -------------------------------------------- */

static int map_query(dw_pg_t *pg, const char *sql, keys_t *keys, dw_strmap_t *out)
{
    if (keys->n == 0)
        return 0;
    dw_buf_t arr = DW_BUF_INIT;
    if (dw_pg_text_array(&arr, (const char *const *)keys->v, keys->n) != 0) {
        dw_buf_free(&arr);
        return -1;
    }
    const char *p[1] = {arr.data};
    PGresult *res = dw_pg_query(pg, "route", sql, 1, p);
    dw_buf_free(&arr);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char *slot = dw_strmap_put(out, PQgetvalue(res, r, 0), NULL);
        if (!slot)
            rc = -1;
        else
            snprintf(slot, 160, "%s", PQgetvalue(res, r, 1));
    }
    PQclear(res);
    return rc;
}

/* Names every document the batch may touch and loads them, with the
 * instructions the acks confirm and the projects of the adjusted lines. */
static int load(batch_t *b, const item_t *items, size_t n)
{
    keys_t docs = {0}, projects = {0}, instructions = {0}, lines = {0}, plain = {0};
    int rc = 0;
    char key[160], doc_id[DW_R_CODE];
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *type = dw_msg_type(items[i].msg);
        const dw_obj_t *o = dw_msg_body_const(items[i].msg);
        if (is(type, "workflow.action")) {
            doc_key(key, sizeof key, dw_obj_str(o, "doc_kind"), dw_obj_str(o, "doc_id"));
            rc = keys_add(&docs, key);
        } else if (is_fact_document(type)) {
            fact_doc_id(doc_id, sizeof doc_id, type, o);
            doc_key(key, sizeof key, fact_kind(type), doc_id);
            rc = keys_add(&docs, key);
            if (rc == 0 && is(type, "target.declaration"))
                rc = keys_add(&projects, dw_obj_str(o, "project_code"));
        } else if (is(type, "treasury.hold_ack")) {
            snprintf(key, sizeof key, "%" PRId64, int_of(o, "instruction_id"));
            rc = keys_add(&instructions, key);
        } else if (is(type, "fact.budget")) {
            snprintf(key, sizeof key, "%" PRId64, int_of(o, "inbox_seq"));
            rc = keys_add(&lines, key);
        } else if (is(type, "alert.event")) {
            snprintf(key, sizeof key, "deviation_case/DC-%" PRId64, int_of(o, "alert_id"));
            rc = keys_add(&docs, key) || keys_add(&projects, dw_obj_str(o, "project_code"));
            snprintf(key, sizeof key, "%" PRId64, int_of(o, "alert_id"));
            rc = rc || keys_add(&plain, key);
        }
    }
    rc = rc || map_query(b->pg,
                         "SELECT instruction_id::text, doc_kind || '/' || doc_id FROM treasury_instructions "
                         "WHERE instruction_id = ANY ($1::bigint[])",
                         &instructions, b->instruction_docs);
    rc = rc || map_query(b->pg,
                         "SELECT a.inbox_seq::text, l.project_code || '|' || a.doc_no FROM budget_adjustments a "
                         "JOIN budget_lines l USING (line_id) WHERE a.inbox_seq = ANY ($1::bigint[]) "
                         "AND a.amount_fen < 0",
                         &lines, b->line_projects);
    rc = rc || map_query(b->pg,
                         "SELECT alert_id || '/' || kind, '' FROM tasks WHERE doc_id IS NULL "
                         "AND alert_id = ANY ($1::bigint[])",
                         &plain, b->plain_seen);
    /* the documents the acks and the adjustments move */
    for (size_t i = 0; i < instructions.n && rc == 0; i++) {
        const char *k = dw_strmap_get(b->instruction_docs, instructions.v[i]);
        if (k)
            rc = keys_add(&docs, k);
    }
    for (size_t i = 0; i < lines.n && rc == 0; i++) {
        const char *cut = dw_strmap_get(b->line_projects, lines.v[i]);
        char project[DW_R_CODE];
        if (cut && sscanf(cut, "%71[^|]", project) == 1)
            rc = keys_add(&projects, project);
    }
    dw_r_docs_t *set = b->route->docs;
    rc = rc || dw_r_docs_load(set, b->pg, (const char *const *)docs.v, docs.n);
    rc = rc || dw_r_docs_load_cases(set, b->pg, (const char *const *)projects.v, projects.n);
    keys_free(&docs);
    keys_free(&projects);
    keys_free(&instructions);
    keys_free(&lines);
    keys_free(&plain);
    return rc ? -1 : 0;
}

static int flush(batch_t *b)
{
    int rc = dw_r_docs_flush(b->route->docs, b->pg);
    if (rc == 0 && b->n_plain_tasks &&
        dw_pg_copy(b->pg, "route",
                   "COPY tasks (task_id, kind, section_code, dept_code, project_code, alert_id, state, due_date, "
                   "summary) FROM STDIN",
                   &b->plain_tasks) != b->n_plain_tasks)
        rc = -1;
    if (rc == 0 && b->n_rejects &&
        dw_pg_copy(b->pg, "route", "COPY rejects (stage, src, id, type, code, field, message, rule_id) FROM STDIN",
                   &b->rejects) != b->n_rejects)
        rc = -1;
    return rc;
}

static int dispatch(batch_t *b, const item_t *it)
{
    const char *type = dw_msg_type(it->msg);
    if (is(type, "workflow.action"))
        return workflow_action(b, it);
    if (is_fact_document(type))
        return fact_document(b, it);
    if (is(type, "treasury.hold_ack"))
        return hold_ack(b, it);
    if (is(type, "fact.budget"))
        return budget_adjustment(b, it);
    if (is(type, "alert.event"))
        return alert_event(b, it);
    return 0;
}

static int route_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_route_t *self = ctx;
    item_t *items = calloc(n + 1, sizeof *items);
    batch_t b = {.route = self, .stage = stage, .pg = pg};
    b.instruction_docs = dw_strmap_new(160);
    b.line_projects = dw_strmap_new(160);
    b.plain_seen = dw_strmap_new(160);
    int rc = items && b.instruction_docs && b.line_projects && b.plain_seen ? 0 : -1;
    size_t n_items = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        if (!m) {
            dw_log_error(ev[i].key, "%s seq %" PRId64 " does not decode: %s", ev[i].upstream, ev[i].seq, err.message);
            continue;
        }
        items[n_items++] = (item_t){.ev = &ev[i], .msg = m};
    }
    dw_r_engine_begin(self->engine, stage, pg, self->docs, as_of_date(self->cfg));
    rc = rc || load(&b, items, n_items);
    for (size_t i = 0; i < n_items && rc == 0; i++)
        rc = dispatch(&b, &items[i]);
    rc = rc || flush(&b);
    for (size_t i = 0; i < n_items; i++)
        dw_msg_destroy(&items[i].msg);
    free(items);
    dw_strmap_destroy(&b.instruction_docs);
    dw_strmap_destroy(&b.line_projects);
    dw_strmap_destroy(&b.plain_seen);
    dw_buf_free(&b.rejects);
    dw_buf_free(&b.plain_tasks);
    return rc ? -1 : 0;
}

static void route_after(void *ctx, dw_stage_t *stage, bool committed)
{
    dw_route_t *self = ctx;
    dw_r_docs_clear(self->docs);
    if (!committed && dw_r_engine_reset(self->engine, dw_stage_pg(stage)) != 0)
        dw_log_error("route", "ids not read again after a rollback; the next batch retries");
}

static bool route_wants(void *ctx, const char *type)
{
    (void)ctx;
    static const char *const types[] = {"alert.event",     "workflow.action",   "target.declaration", "monitor.report",
                                        "selfeval.report", "treasury.hold_ack", "fact.budget"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0)
            return true;
    return false;
}

/* ---- the clock ------------------------------------------------------------------ */

static int timers_job(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    dw_route_t *self = ctx;
    dw_date_t as_of = as_of_date(self->cfg);
    char today[11];
    dw_date_format(as_of, today);
    dw_r_engine_begin(self->engine, stage, pg, self->docs, as_of);
    bool rounds =
        self->cfg->route.open_monitoring_rounds && (self->rounds_more || strcmp(today, self->rounds_checked) != 0);
    if (rounds && dw_r_timers_rounds(self->engine, self->catalogue, TIMER_BATCH, &self->rounds_more) != 0)
        return -1;
    if (dw_r_docs_flush(self->docs, pg) != 0)
        return -1;
    dw_r_docs_clear(self->docs);
    if (dw_r_timers_deadlines(self->engine, TIMER_BATCH, &self->deadlines_more) != 0 ||
        dw_r_docs_flush(self->docs, pg) != 0)
        return -1;
    if (rounds && !self->rounds_more)
        snprintf(self->rounds_checked, sizeof self->rounds_checked, "%s", today);
    return 0;
}

static void route_tick(void *ctx, dw_stage_t *stage, dw_pg_t *pg)
{
    (void)pg;
    dw_route_t *self = ctx;
    int rc = dw_stage_run_job(stage, timers_job, self);
    dw_r_docs_clear(self->docs);
    if (rc != 0) {
        self->rounds_checked[0] = '\0';
        if (dw_r_engine_reset(self->engine, dw_stage_pg(stage)) != 0)
            dw_log_error("route", "ids not read again after a failed timer job; the next one retries");
    }
}

dw_stage_handler_t dw_route_handler(const dw_config_t *cfg)
{
    return (dw_stage_handler_t){.batch = route_batch,
                                .after = route_after,
                                .wants = route_wants,
                                .tick = route_tick,
                                .tick_ms = cfg->route.tick_ms};
}
