#include "r_effects.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_log.h"
#include "dw_msg.h"
#include "dw_scan.h"

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Text that fits a field of the contract, cut on a character boundary. */
static void fit(char *s, size_t max)
{
    dw_utf8_cut(s, max);
}

static int emit(dw_r_engine_t *e, dw_msg_t *m, dw_code_t set_rc, const char *key)
{
    int rc = set_rc == DW_OK ? dw_stage_emit_msg(dw_r_engine_stage(e), m, key) : -1;
    if (set_rc != DW_OK)
        dw_log_error(key, "%s could not be built: %s", dw_msg_type(m), dw_code_name(set_rc));
    dw_msg_destroy(&m);
    return rc ? -1 : 0;
}

int dw_r_task_event(dw_r_engine_t *e, const dw_r_document_t *d, int64_t task_id, const char *event, const char *section,
                    const char *summary)
{
    char id[160], text[4000];
    snprintf(id, sizeof id, "task-%" PRId64 "-%s-%s-%d", task_id, event, d->doc_id, d->steps);
    snprintf(text, sizeof text, "%s", summary);
    fit(text, sizeof text - 1);
    dw_msg_t *m = dw_msg_new("task.event", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    const char *to = section ? section : d->holder_code;
    dw_code_t rc = dw_obj_set_int(b, "task_id", task_id) | dw_obj_set_str(b, "event", event) |
                   dw_obj_set_str(b, "kind", d->doc_kind) | dw_obj_set_str(b, "section_code", to) |
                   dw_obj_set_str(b, "dept_code", d->dept_code) | dw_obj_set_str(b, "state", d->state) |
                   dw_obj_set_str(b, "summary", text) | dw_obj_set_str(b, "doc_kind", d->doc_kind) |
                   dw_obj_set_str(b, "doc_id", d->doc_id) | dw_obj_set_int(b, "round", d->round);
    if (d->project_code[0])
        rc |= dw_obj_set_str(b, "project_code", d->project_code);
    if (d->alert_id > 0)
        rc |= dw_obj_set_int(b, "alert_id", d->alert_id);
    if (d->has_due) {
        char due[11];
        dw_date_format(d->due, due);
        rc |= dw_obj_set_str(b, "due_date", due);
    }
    return emit(e, m, rc, to);
}

int dw_r_notice(dw_r_engine_t *e, const dw_r_document_t *d, const char *kind, const char *recipient, const char *title,
                const char *text, const dw_date_t *due)
{
    int64_t notice_id = 0;
    if (dw_pg_query_int(dw_r_engine_pg(e), "route", "SELECT nextval('route_notice_ids')", 0, NULL, &notice_id) != 0)
        return -1;
    char id[64], t[200], body[20000];
    snprintf(id, sizeof id, "notice-%" PRId64, notice_id);
    snprintf(t, sizeof t, "%s", title);
    fit(t, sizeof t - 1);
    snprintf(body, sizeof body, "%s", text);
    fit(body, sizeof body - 1);
    dw_msg_t *m = dw_msg_new("notice", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    dw_code_t rc = dw_obj_set_int(b, "notice_id", notice_id) | dw_obj_set_str(b, "kind", kind) |
                   dw_obj_set_str(b, "recipient", recipient) | dw_obj_set_str(b, "title", t) |
                   dw_obj_set_str(b, "text", body) | dw_obj_set_str(b, "dept_code", d->dept_code);
    if (d->project_code[0])
        rc |= dw_obj_set_str(b, "project_code", d->project_code);
    if (due) {
        char date[11];
        dw_date_format(*due, date);
        rc |= dw_obj_set_str(b, "due_date", date);
    }
    dw_log_info(d->doc_id, "notice %" PRId64 " (%s) to %s: %s", notice_id, kind, recipient, t);
    return emit(e, m, rc, recipient);
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "无";
}

/* The words of a step's opinion: the opinion, else the comment. */
static const char *opinion_of(const dw_r_action_t *a)
{
    return a->opinion && *a->opinion ? a->opinion : a->comment;
}

static void date_text(const dw_r_document_t *d, char out[11])
{
    if (d->has_due)
        dw_date_format(d->due, out);
    else
        snprintf(out, 11, "%s", "—");
}

/* ---- 整改通知 ------------------------------------------------------------- */

static int rectification_notice(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_step_t *step, const dw_r_action_t *a)
{
    char due[11], title[200], text[6000];
    date_text(d, due);
    const char *kind = "rectification";
    if (is(a->action, "reopen")) {
        kind = "correction_opinion";
        snprintf(title, sizeof title, "关于调整%s的通知", d->title);
        snprintf(text, sizeof text,
                 "经偏离处置审定，%s需调整。请于 %s 前按程序修改绩效目标后重新申报（财政部门审核后批复）。", d->title,
                 due);
    } else if (is(d->doc_kind, "target_declaration")) {
        snprintf(title, sizeof title, "关于限期公开%s的整改通知", d->title);
        snprintf(text, sizeof text,
                 "%s已随部门预算批复，未在规定时间内公开。请于 %s 前完成公开；逾期仍未公开的，将移送主管部门和"
                 "监察机关。",
                 d->title, due);
    } else {
        snprintf(title, sizeof title, "关于%s问题的整改通知", d->title);
        snprintf(text, sizeof text, "%s。审核意见：%s。请于 %s 前完成整改并报送整改情况。", step->title,
                 or_none(opinion_of(a)), due);
    }
    return dw_r_notice(e, d, kind, d->dept_code, title, text, d->has_due ? &d->due : NULL);
}

/* ---- 偏离处置: the decision takes effect --------------------------------- */

static int instruction(dw_r_engine_t *e, dw_r_document_t *d, const char *action, const char *reason)
{
    const dw_calendar_t *cal = dw_r_engine_calendar(e);
    dw_date_t on = dw_r_engine_as_of(e);
    dw_date_t ack_due = dw_calendar_add_workdays(cal, on, dw_r_engine_config(e)->route.hold_ack_workdays);
    int64_t instruction_id = dw_r_engine_next_instruction(e);
    char why[4000], date[11], id[64];
    snprintf(why, sizeof why, "%s", or_none(reason));
    fit(why, sizeof why - 1);
    dw_date_format(on, date);
    snprintf(id, sizeof id, "instruction-%" PRId64, instruction_id);
    if (dw_r_docs_instruction(dw_r_engine_docs(e), d, instruction_id, action, why, on, ack_due) != 0)
        return -1;
    d->instruction_id = instruction_id;
    d->due = ack_due; /* the treasury's deadline to confirm: then the case escalates */
    d->has_due = true;
    dw_msg_t *m = dw_msg_new("treasury.instruction", id, "route", dw_now_ms());
    if (!m)
        return -1;
    dw_obj_t *b = dw_msg_body(m);
    dw_code_t rc = dw_obj_set_int(b, "instruction_id", instruction_id) | dw_obj_set_str(b, "action", action) |
                   dw_obj_set_int(b, "fiscal_year", d->fiscal_year) | dw_obj_set_str(b, "dept_code", d->dept_code) |
                   dw_obj_set_str(b, "project_code", d->project_code) | dw_obj_set_str(b, "reason", why) |
                   dw_obj_set_str(b, "decided_date", date);
    dw_log_info(d->project_code, "treasury instruction %" PRId64 ": %s, to be confirmed by the treasury",
                instruction_id, action);
    return emit(e, m, rc, d->project_code);
}

/* 调整绩效目标: the project's target declaration goes back to the department. */
static int reopen_targets(dw_r_engine_t *e, dw_r_document_t *c, const dw_r_action_t *a)
{
    char doc_id[DW_R_CODE + 32];
    snprintf(doc_id, sizeof doc_id, "TD-%d-%s", c->fiscal_year, c->project_code);
    dw_r_docs_t *docs = dw_r_engine_docs(e);
    const char *key_parts[1];
    char key[DW_R_CODE + 64];
    snprintf(key, sizeof key, "target_declaration/%s", doc_id);
    key_parts[0] = key;
    if (!dw_r_docs_get(docs, "target_declaration", doc_id) &&
        dw_r_docs_load(docs, dw_r_engine_pg(e), key_parts, 1) != 0)
        return -1;
    dw_r_document_t *td = dw_r_docs_get(docs, "target_declaration", doc_id);
    if (td && (is(td->state, "approved") || is(td->state, "published"))) {
        dw_r_action_t reopen = {.action = "reopen",
                                .system = true,
                                .comment = opinion_of(a),
                                .upstream = a->upstream,
                                .upstream_seq = a->upstream_seq};
        dw_error_t err;
        int rc = dw_r_engine_act(e, td, &reopen, &err);
        if (rc == 1)
            dw_log_warn(doc_id, "targets not reopened: %s", err.message);
        return rc < 0 ? -1 : 0;
    }
    /* not declared through dualwatch, or under review already: the notice says it */
    char title[200], text[2000];
    snprintf(title, sizeof title, "关于调整项目 %s 绩效目标的通知", c->project_code);
    const dw_r_state_t *at = td ? dw_r_state(dw_r_procedure(td->doc_kind), td->state) : NULL;
    snprintf(text, sizeof text, "经偏离处置审定，项目 %s 的绩效目标需调整，请按程序修改绩效目标后重新申报。%s%s",
             c->project_code, at ? "该项目绩效目标正处于：" : "", at ? at->title : "");
    return dw_r_notice(e, c, "correction_opinion", c->dept_code, title, text, NULL);
}

static int disposition(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_action_t *a)
{
    const char *reason = opinion_of(a);
    if (is(d->decision, "suspend")) {
        /* 暂停实施 + 停止拨付: the treasury stops paying until a release */
        char title[200], text[2000];
        snprintf(title, sizeof title, "关于暂停项目 %s 实施并停止拨付资金的通知", d->project_code);
        snprintf(text, sizeof text, "项目 %s 经偏离处置审定暂停实施，自即日起停止拨付资金。审定意见：%s",
                 d->project_code, or_none(reason));
        return instruction(e, d, "hold", reason) ||
                       dw_r_notice(e, d, "stop_disbursement", d->dept_code, title, text, NULL)
                   ? -1
                   : 0;
    }
    if (is(d->decision, "reduce_budget")) {
        /* 调减预算: 预算股 adjusts the budget; its budget.adjustment closes the case */
        const char *budget = dw_r_engine_holder(e, DW_R_BUDGET, d->dept_code);
        int64_t task_id = dw_r_engine_next_task(e);
        char summary[1200], title[200], text[2000];
        snprintf(summary, sizeof summary, "偏离处置审定调减预算：%s，请按程序办理预算调整", d->title);
        fit(summary, 1100);
        snprintf(title, sizeof title, "关于调减项目 %s 预算的申请", d->project_code);
        snprintf(text, sizeof text, "项目 %s 经偏离处置审定调减预算并同步调整绩效目标。审定意见：%s", d->project_code,
                 or_none(reason));
        if (dw_r_docs_task_open(dw_r_engine_docs(e), d, task_id, "budget_cut", budget, summary) != 0 ||
            dw_r_task_event(e, d, task_id, "opened", budget, summary) != 0 ||
            dw_r_notice(e, d, "budget_cut_request", budget, title, text, NULL) != 0)
            return -1;
        return reopen_targets(e, d, a);
    }
    return reopen_targets(e, d, a); /* adjust_targets */
}

/* ---- the others ------------------------------------------------------------ */

static int referral(dw_r_engine_t *e, dw_r_document_t *d)
{
    const char *supervision = dw_r_engine_holder(e, DW_R_SUPERVISION, d->dept_code);
    char title[200], text[2000];
    snprintf(title, sizeof title, "关于%s未按期公开的移送函", d->title);
    snprintf(text, sizeof text,
             "预算部门 %s 的%s批复后未按期公开，限期整改后仍未公开，现移送主管部门和监察机关依规处理。", d->dept_code,
             d->title);
    return dw_r_notice(e, d, "referral", supervision, title, text, NULL) ||
                   dw_r_notice(e, d, "referral", d->dept_code, title, text, NULL)
               ? -1
               : 0;
}

static int feedback(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_action_t *a)
{
    char due[11], title[200], text[6000];
    date_text(d, due);
    snprintf(title, sizeof title, "绩效再评价结果反馈告知书（%s）", d->title);
    snprintf(text, sizeof text, "%s结果：%s。请于 %s 前落实整改并报送整改情况。", d->title, or_none(opinion_of(a)),
             due);
    return dw_r_notice(e, d, "reevaluation_feedback", d->dept_code, title, text, d->has_due ? &d->due : NULL);
}

/* 局党组 gets the year's summary with the analysis' recommendations counted. */
static int to_leadership(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_action_t *a)
{
    char year[16];
    snprintf(year, sizeof year, "%d", d->fiscal_year);
    const char *p[1] = {year};
    PGresult *res = dw_pg_query(dw_r_engine_pg(e), "route",
                                "SELECT kind, count(*), coalesce(sum(amount_fen), 0) FROM recommendations "
                                "WHERE fiscal_year = $1::int AND withdrawn_at IS NULL GROUP BY kind ORDER BY kind",
                                1, p);
    if (!res)
        return -1;
    dw_buf_t text = DW_BUF_INIT;
    int rc = dw_buf_printf(&text, "%d年度绩效评价结果应用建议汇总，提请局党组审议。", d->fiscal_year);
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *kind = PQgetvalue(res, r, 0);
        const char *name = is(kind, "deduct") ? "扣减预算建议" : is(kind, "reward") ? "奖励建议" : "收回资金建议";
        int64_t fen = dw_pg_int(res, r, 2);
        rc = dw_buf_printf(&text, "%s %s 项（涉及金额 %" PRId64 ".%02" PRId64 " 元）；", name, PQgetvalue(res, r, 1),
                           fen / 100, fen % 100);
    }
    PQclear(res);
    if (rc == 0 && a->comment)
        rc = dw_buf_printf(&text, "综合股说明：%s", a->comment);
    const char *leaders = dw_r_engine_holder(e, DW_R_LEADERSHIP, d->dept_code);
    char title[200];
    snprintf(title, sizeof title, "%d年度绩效评价结果应用建议汇总", d->fiscal_year);
    if (rc == 0)
        rc = dw_r_notice(e, d, "results_summary", leaders, title, text.data, NULL);
    dw_buf_free(&text);
    return rc;
}

int dw_r_effect(dw_r_engine_t *e, dw_r_document_t *d, const dw_r_step_t *step, const dw_r_action_t *a)
{
    if (is(d->doc_kind, "deviation_case") && is(step->action, "release"))
        return instruction(e, d, "release", opinion_of(a)); /* 恢复拨付 */
    switch (step->effect) {
    case DW_R_EFFECT_RECTIFICATION_NOTICE: return rectification_notice(e, d, step, a);
    case DW_R_EFFECT_DISPOSITION: return disposition(e, d, a);
    case DW_R_EFFECT_REFER: return referral(e, d);
    case DW_R_EFFECT_FEEDBACK_NOTICE: return feedback(e, d, a);
    case DW_R_EFFECT_TO_LEADERSHIP: return to_leadership(e, d, a);
    case DW_R_EFFECT_PUBLISH: /* the department publishes in its own channels; the step is the record */
    case DW_R_EFFECT_NONE: return 0;
    }
    return 0;
}

int dw_r_effect_deadline(dw_r_engine_t *e, dw_r_document_t *d, bool overdue)
{
    char due[11], summary[1200], title[200], text[2000];
    date_text(d, due);
    const char *comprehensive = dw_r_engine_holder(e, DW_R_COMPREHENSIVE, d->dept_code);
    snprintf(summary, sizeof summary, "%s：%s，办理期限 %s%s", overdue ? "逾期" : "催办", d->title, due,
             overdue ? "，已逾期" : "，即将到期");
    fit(summary, 1100);
    snprintf(title, sizeof title, "%s：%s", overdue ? "逾期提醒" : "办理提醒", d->title);
    fit(title, 190);
    snprintf(text, sizeof text, "%s（%s）办理期限为 %s%s。", d->title, d->doc_id, due,
             overdue ? "，现已逾期，已同时报综合股" : "，请抓紧办理");
    /* dw-route itself waits (a treasury confirmation): the comprehensive section follows it up */
    const char *to = d->task_id ? d->holder_code : comprehensive;
    if ((d->task_id && dw_r_task_event(e, d, d->task_id, "reminded", NULL, summary) != 0) ||
        dw_r_notice(e, d, overdue ? "overdue" : "reminder", to, title, text, d->has_due ? &d->due : NULL) != 0)
        return -1;
    if (!overdue || !d->task_id)
        return 0;
    /* 逾期: the comprehensive section hears of it */
    return dw_r_task_event(e, d, d->task_id, "escalated", comprehensive, summary);
}
