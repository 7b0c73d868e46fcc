/* test_messages — the inbound messages of a small bureau, built field by
 * field (budget lines, payments, reversals, adjustments, declarations and
 * their targets, monitoring forms, self-evaluations, workflow actions), for
 * the integration tests that send them. Header-only (static inline), so each
 * test stays one executable. */
#ifndef TEST_MESSAGES_H
#define TEST_MESSAGES_H

#include <stdint.h>
#include <stdio.h>

#include "dw_msg.h"
#include "dw_producer.h"

#define FY 2026

static inline dw_msg_t *vf_allocation(const char *id, const char *line, const char *dept, const char *unit,
                                      const char *project, const char *economic, const char *section, int64_t fen)
{
    dw_msg_t *m = dw_msg_new("budget.allocation", id, "budget", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "line_id", line);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "unit_code", unit);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_str(b, "project_name", "义务教育薄弱环节改善项目");
    dw_obj_set_str(b, "kind", "project");
    dw_obj_set_str(b, "fund_type", "general");
    dw_obj_set_str(b, "source", "annual");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", economic);
    if (section)
        dw_obj_set_str(b, "section_code", section);
    dw_obj_set_int(b, "initial_fen", fen);
    dw_obj_set_int(b, "adjusted_fen", 0);
    dw_obj_set_int(b, "transferred_fen", 0);
    dw_obj_set_int(b, "current_fen", fen);
    return m;
}

static inline dw_msg_t *vf_payment(const char *id, const char *voucher, const char *date, const char *dept,
                                   const char *unit, const char *project, const char *line, const char *economic,
                                   int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "payment_date", date);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "unit_code", unit);
    dw_obj_set_str(b, "project_code", project);
    if (line)
        dw_obj_set_str(b, "line_id", line);
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", economic);
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "method", "direct");
    dw_obj_set_str(b, "payee", "会昌县第一建筑工程公司");
    return m;
}

static inline dw_msg_t *vf_reversal(const char *id, const char *voucher, const char *original, const char *date,
                                    int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.reversal", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_str(b, "original_voucher_no", original);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "reversal_date", date);
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "reason", "收款账户信息有误，资金退回");
    return m;
}

static inline dw_msg_t *vf_adjustment(const char *id, const char *line, const char *doc, const char *kind, int64_t fen,
                                      const char *date)
{
    dw_msg_t *m = dw_msg_new("budget.adjustment", id, "budget", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "line_id", line);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "doc_no", doc);
    dw_obj_set_str(b, "kind", kind);
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "reason", "项目实施进度滞后，按监控结果调减预算");
    dw_obj_set_str(b, "effective_date", date);
    return m;
}

static inline dw_msg_t *vf_declaration(const char *id, const char *project, const char *dept, int64_t version,
                                       const char *goal)
{
    dw_msg_t *m = dw_msg_new("target.declaration", id, "portal", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_int(b, "version", version);
    dw_obj_set_str(b, "goal", goal);
    return m;
}

/* An indicator of a declaration; target NULL leaves it out (target_text is set for qualitative ones). */
static inline dw_obj_t *vf_target(dw_msg_t *m, const char *code, const char *level1, const char *level2,
                                  const char *name, const char *op, const char *target, const char *weight)
{
    dw_obj_t *it = dw_obj_push_map(dw_msg_body(m), "indicators");
    dw_obj_set_str(it, "code", code);
    dw_obj_set_str(it, "level1", level1);
    dw_obj_set_str(it, "level2", level2);
    dw_obj_set_str(it, "name", name);
    dw_obj_set_str(it, "operator", op);
    if (strcmp(op, "qualitative") == 0)
        dw_obj_set_str(it, "target_text", target);
    else if (target)
        dw_obj_set_str(it, "target", target);
    dw_obj_set_str(it, "weight", weight);
    return it;
}

static inline dw_msg_t *vf_form(const char *id, const char *project, const char *dept, int64_t period,
                                const char *submitted)
{
    dw_msg_t *m = dw_msg_new("monitor.report", id, "portal", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_int(b, "period_month", period);
    dw_obj_set_int(b, "executed_fen", 55000000);
    dw_obj_set_int(b, "projected_fen", 110000000);
    dw_obj_set_str(b, "submitted_date", submitted);
    dw_obj_set_array(b, "indicators");
    return m;
}

/* A row of a monitoring form; NULL leaves a field out. */
static inline dw_obj_t *vf_row(dw_msg_t *m, const char *code, const char *value, const char *projected,
                               const char *likelihood, const char *cause, const char *explanation, const char *measures)
{
    dw_obj_t *it = dw_obj_push_map(dw_msg_body(m), "indicators");
    dw_obj_set_str(it, "code", code);
    dw_obj_set_str(it, "value", value);
    if (projected)
        dw_obj_set_str(it, "projected", projected);
    dw_obj_set_str(it, "likelihood", likelihood);
    if (cause)
        dw_obj_push_str(it, "causes", cause);
    if (explanation)
        dw_obj_set_str(it, "explanation", explanation);
    if (measures)
        dw_obj_set_str(it, "measures", measures);
    return it;
}

static inline dw_msg_t *vf_selfeval(const char *id, const char *project, const char *dept, const char *score)
{
    dw_msg_t *m = dw_msg_new("selfeval.report", id, "portal", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_array(b, "indicators");
    dw_obj_set_str(b, "narrative", "项目总体完成年度目标，资金执行率96.9%。");
    dw_obj_set_str(b, "self_score", score);
    return m;
}

static inline void vf_actual(dw_msg_t *m, const char *code, const char *actual)
{
    dw_obj_t *it = dw_obj_push_map(dw_msg_body(m), "indicators");
    dw_obj_set_str(it, "code", code);
    dw_obj_set_str(it, "actual", actual);
}

static inline dw_msg_t *vf_workflow(const char *id, const char *doc_id, const char *section)
{
    dw_msg_t *m = dw_msg_new("workflow.action", id, "dwctl", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "doc_kind", "monitor_report");
    dw_obj_set_str(b, "doc_id", doc_id);
    dw_obj_set_str(b, "action", "approve");
    dw_obj_set_str(b, "actor", "张明");
    dw_obj_set_str(b, "section_code", section);
    dw_obj_set_str(b, "opinion", "同意，请加快项目实施进度");
    return m;
}

#endif
