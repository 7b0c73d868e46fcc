#include "r_procedure.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Short names keep each table row on about one line. */
#define DEPT     DW_R_DEPARTMENT
#define BIZ      DW_R_BUSINESS
#define COMP     DW_R_COMPREHENSIVE
#define BUDGET   DW_R_BUDGET
#define TREASURY DW_R_TREASURY
#define LEADERS  DW_R_LEADERSHIP
#define SYS      DW_R_SYSTEM

#define NO_DUE  DW_R_DUE_NONE, 0
#define WD(n)   DW_R_DUE_WORKDAYS, (n)
#define DAYS(n) DW_R_DUE_DAYS, (n)

#define FX_NONE        DW_R_EFFECT_NONE
#define FX_NOTICE      DW_R_EFFECT_RECTIFICATION_NOTICE
#define FX_DISPOSITION DW_R_EFFECT_DISPOSITION
#define FX_PUBLISH     DW_R_EFFECT_PUBLISH
#define FX_REFER       DW_R_EFFECT_REFER
#define FX_FEEDBACK    DW_R_EFFECT_FEEDBACK_NOTICE
#define FX_LEADERSHIP  DW_R_EFFECT_TO_LEADERSHIP

#define REASON    true
#define NO_REASON false

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- 绩效目标申报、审核和批复 (004 §1, 002 §19-§24) ------------------------------ */

/* published stays open: a target revised in the year (002 §24 绩效目标调整)
 * goes the same way again, as a new round. */
static const dw_r_state_t td_states[] = {
    /* name, title, order, final, holder */
    {"draft", "绩效目标申报", 0, false, DEPT},
    {"revising", "退回修改", 1, false, DEPT},
    {"business_review", "业务股室初审", 2, false, BIZ},
    {"comprehensive_review", "综合股复审", 3, false, COMP},
    {"budget_approval", "预算股批复", 4, false, BUDGET},
    {"approved", "已批复待公开", 5, false, DEPT},
    {"rectifying", "限期整改", 6, false, DEPT},
    {"published", "已公开", 7, false, DEPT},
    {"referred", "已移送", 8, true, SYS},
};

static const dw_r_step_t td_steps[] = {
    /* from, action, role, to, holder, due, effect, needs_reason, title */
    {"draft", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门申报绩效目标"},
    {"revising", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门修改完善后重新上报"},
    {"published", "revise", DEPT, "business_review", BIZ, WD(5), FX_NONE, REASON, "预算部门申请调整绩效目标"},
    /* first review: feasibility, appropriateness, relevance, completeness (可行性、适当性、相关性、完整性) */
    {"business_review", "pass", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, NO_REASON,
     "业务股室初审通过，转综合股复审"},
    {"business_review", "return", BIZ, "revising", DEPT, WD(10), FX_NONE, REASON, "业务股室退回预算部门修改"},
    {"business_review", "recall", DEPT, "draft", DEPT, NO_DUE, FX_NONE, NO_REASON, "预算部门撤回申报"},
    /* the budget section approves within 20 days of the People's Congress
       approving the budget: dw-route anchors the 20 days there */
    {"comprehensive_review", "pass", COMP, "budget_approval", BUDGET, DAYS(20), FX_NONE, NO_REASON, "综合股复审通过"},
    {"comprehensive_review", "return", COMP, "business_review", BIZ, WD(5), FX_NONE, REASON, "综合股复审退回业务股室"},
    {"budget_approval", "approve", BUDGET, "approved", DEPT, DAYS(20), FX_NONE, NO_REASON,
     "预算股随部门预算批复绩效目标"},
    {"budget_approval", "return", BUDGET, "comprehensive_review", COMP, WD(5), FX_NONE, REASON, "预算股退回综合股"},
    {"approved", "publish", DEPT, "published", DEPT, NO_DUE, FX_PUBLISH, NO_REASON, "预算部门公开绩效目标"},
    {"approved", "overdue", SYS, "rectifying", DEPT, WD(10), FX_NOTICE, NO_REASON, "未及时公开，下达限期整改通知"},
    {"rectifying", "publish", DEPT, "published", DEPT, NO_DUE, FX_PUBLISH, NO_REASON, "预算部门整改后公开"},
    /* a deviation case decided 调整绩效目标 (000 §13) sends the approved targets back for revision */
    {"approved", "reopen", SYS, "revising", DEPT, WD(10), FX_NOTICE, NO_REASON,
     "偏离处置决定调整绩效目标，退回预算部门修改"},
    {"published", "reopen", SYS, "revising", DEPT, WD(10), FX_NOTICE, NO_REASON,
     "偏离处置决定调整绩效目标，退回预算部门修改"},
    {"rectifying", "overdue", SYS, "referred", SYS, NO_DUE, FX_REFER, NO_REASON,
     "限期内整改不到位，移送主管部门和监察机关"},
};

/* ---- 绩效运行监控 (004 §2, 000 §11, 001 §2) ------------------------------------- */

/* One task per project and checkpoint; dw-route sets the due date of open
 * from the checkpoint (7月15日, 9月30日, 7月20日...). */
static const dw_r_state_t mr_states[] = {
    /* name, title, order, final, holder */
    {"open", "填报《绩效运行监控表》", 0, false, DEPT}, /* due: the checkpoint's */
    {"revising", "退回修改", 1, false, DEPT},
    {"business_review", "业务股室审核", 2, false, BIZ},
    {"comprehensive_review", "综合股复核", 3, false, COMP},
    {"opinion_back", "复核意见反馈业务股室", 4, false, BIZ},
    {"rectifying", "问题整改", 5, false, DEPT},
    {"rectification_review", "整改情况审核", 6, false, BIZ},
    {"closed", "办结", 7, true, SYS},
};

static const dw_r_step_t mr_steps[] = {
    {"open", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门报送《绩效运行监控表》"},
    {"revising", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门修改后重新报送"},
    /* the review (target completion, implementation, fund and project
       management) ends in one of four correction opinions (纠偏意见) */
    {"business_review", "pass_none", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, NO_REASON,
     "业务股室审核通过，无需纠偏"},
    {"business_review", "pass_correct", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, REASON,
     "业务股室审核，提出纠偏意见"},
    {"business_review", "pass_stop", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, REASON,
     "业务股室审核，提出停止预算执行意见"},
    {"business_review", "pass_adjust", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, REASON,
     "业务股室审核，提出调整绩效目标意见"},
    {"business_review", "return", BIZ, "revising", DEPT, WD(5), FX_NONE, REASON, "业务股室退回预算部门修改"},
    {"business_review", "recall", DEPT, "open", DEPT, NO_DUE, FX_NONE, NO_REASON, "预算部门撤回"},
    {"comprehensive_review", "confirm", COMP, "opinion_back", BIZ, WD(3), FX_NONE, NO_REASON,
     "综合股复核，意见反馈业务股室"},
    {"comprehensive_review", "return", COMP, "business_review", BIZ, WD(5), FX_NONE, REASON,
     "综合股退回业务股室重新审核"},
    {"opinion_back", "notify_rectification", BIZ, "rectifying", DEPT, WD(15), FX_NOTICE, NO_REASON, "下达问题整改通知"},
    {"opinion_back", "close", BIZ, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "无需整改，办结"},
    {"rectifying", "report_rectification", DEPT, "rectification_review", BIZ, WD(5), FX_NONE, NO_REASON,
     "预算部门报送整改情况"},
    {"rectification_review", "close", BIZ, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "整改到位，办结"},
    {"rectification_review", "return", BIZ, "rectifying", DEPT, WD(10), FX_NONE, REASON, "整改不到位，退回继续整改"},
    {"rectification_review", "recall", DEPT, "rectifying", DEPT, NO_DUE, FX_NONE, NO_REASON, "预算部门撤回整改情况"},
};

/* ---- 偏离处置 (000 §13) ------------------------------------------------------ */

/* Opened by dw-route from a red alert (or by a business section) in
 * business_review. The facts that move it later (a treasury hold_ack, a
 * budget.adjustment, the alert clearing, a missed ack deadline) are
 * dw-route's SYSTEM rows; the ack deadline depends on the decision, so
 * dw-route sets it. */
static const dw_r_state_t dc_states[] = {
    /* name, title, order, final, holder */
    {"business_review", "业务股室研判，提出处置建议", 0, false, BIZ},
    {"comprehensive_review", "综合股审定", 1, false, COMP},
    {"in_effect", "处置决定执行中", 2, false, SYS},
    {"escalated", "暂停拨付未获确认，已升级", 3, false, COMP},
    {"on_hold", "暂停拨付", 4, false, SYS},
    {"released", "解除暂停，待国库确认", 5, false, SYS},
    {"closed", "办结", 6, true, SYS},
};

static const dw_r_step_t dc_steps[] = {
    /* the proposal is one of the two dispositions (调减预算并调整绩效目标,
       暂停实施并停止拨付), carried by dw-route as the request's decision */
    {"business_review", "propose", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, REASON,
     "业务股室提出分类处置建议"},
    {"business_review", "cleared", SYS, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "预警解除，办结"},
    {"comprehensive_review", "decide", COMP, "in_effect", SYS, NO_DUE, FX_DISPOSITION, NO_REASON, "综合股审定处置决定"},
    {"comprehensive_review", "return", COMP, "business_review", BIZ, WD(5), FX_NONE, REASON, "综合股退回业务股室"},
    {"comprehensive_review", "recall", BIZ, "business_review", BIZ, NO_DUE, FX_NONE, NO_REASON, "业务股室撤回处置建议"},
    {"comprehensive_review", "cleared", SYS, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "预警解除，办结"},
    {"in_effect", "adjusted", SYS, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "已按程序调减预算、调整绩效目标，办结"},
    {"in_effect", "hold_acked", SYS, "on_hold", SYS, NO_DUE, FX_NONE, NO_REASON, "国库收付中心确认暂停拨付"},
    {"in_effect", "cleared", SYS, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "预警解除，办结"},
    {"in_effect", "no_ack", SYS, "escalated", COMP, NO_DUE, FX_NONE, NO_REASON, "暂停拨付逾期未确认，升级综合股"},
    {"escalated", "hold_acked", SYS, "on_hold", SYS, NO_DUE, FX_NONE, NO_REASON, "国库收付中心确认暂停拨付"},
    {"escalated", "close", COMP, "closed", SYS, NO_DUE, FX_NONE, REASON, "综合股办结"},
    {"on_hold", "release", COMP, "released", SYS, NO_DUE, FX_NONE, REASON, "综合股解除暂停拨付"},
    {"released", "release_acked", SYS, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "国库收付中心确认恢复拨付，办结"},
};

/* ---- 绩效自评价 (004 §3) --------------------------------------------------- */

static const dw_r_state_t se_states[] = {
    /* name, title, order, final, holder */
    {"draft", "编报绩效自评价报告", 0, false, DEPT},
    {"revising", "退回修改", 1, false, DEPT},
    {"business_review", "业务股室审核", 2, false, BIZ},
    {"comprehensive_review", "综合股复审", 3, false, COMP},
    {"treasury_approval", "国库收付中心批复", 4, false, TREASURY},
    {"approved", "已批复待公开", 5, false, DEPT},
    {"published", "已公开", 6, true, SYS},
};

static const dw_r_step_t se_steps[] = {
    {"draft", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门随部门决算报送自评价报告"},
    {"revising", "submit", DEPT, "business_review", BIZ, WD(5), FX_NONE, NO_REASON, "预算部门修改完善后重新上报"},
    /* six points: 数据真实可靠; 评价结论客观准确充分; 改进措施得当; 报告规范完整;
       指标体系健全、范围全面; 逻辑清晰、分析透彻 */
    {"business_review", "pass", BIZ, "comprehensive_review", COMP, WD(5), FX_NONE, NO_REASON, "业务股室审核通过"},
    {"business_review", "return", BIZ, "revising", DEPT, WD(10), FX_NONE, REASON, "业务股室提出修改建议，退回预算部门"},
    {"business_review", "recall", DEPT, "draft", DEPT, NO_DUE, FX_NONE, NO_REASON, "预算部门撤回自评价报告"},
    /* the treasury approves with the final accounts, within 20 days of the
       People's Congress approving them: dw-route anchors the 20 days there */
    {"comprehensive_review", "pass", COMP, "treasury_approval", TREASURY, DAYS(20), FX_NONE, NO_REASON,
     "综合股复审通过"},
    {"comprehensive_review", "return", COMP, "business_review", BIZ, WD(5), FX_NONE, REASON, "综合股复审退回业务股室"},
    {"treasury_approval", "approve", TREASURY, "approved", DEPT, DAYS(20), FX_NONE, NO_REASON,
     "国库收付中心随部门决算批复"},
    {"treasury_approval", "return", TREASURY, "comprehensive_review", COMP, WD(5), FX_NONE, REASON,
     "国库收付中心退回综合股"},
    {"approved", "publish", DEPT, "published", SYS, NO_DUE, FX_PUBLISH, NO_REASON, "预算部门公开绩效自评价报告"},
};

/* ---- 绩效再评价 (004 §4-§5) -------------------------------------------------- */

static const dw_r_state_t re_states[] = {
    /* name, title, order, final, holder */
    {"planning", "制定绩效再评价方案", 0, false, COMP},
    {"evaluating", "组织实施绩效再评价", 1, false, COMP},
    {"feedback", "反馈告知，预算部门整改", 2, false, DEPT},
    {"rectification_review", "整改情况审核", 3, false, COMP},
    {"closed", "办结", 4, true, SYS},
};

static const dw_r_step_t re_steps[] = {
    /* the plan: scope, schedule, method, indicators and standards */
    {"planning", "open", COMP, "evaluating", COMP, NO_DUE, FX_NONE, NO_REASON, "综合股制定再评价方案，组织实施"},
    {"evaluating", "record_results", COMP, "feedback", DEPT, WD(20), FX_FEEDBACK, NO_REASON,
     "记录再评价结果，下达《绩效再评价结果反馈告知书》"},
    {"feedback", "report_rectification", DEPT, "rectification_review", COMP, WD(5), FX_NONE, NO_REASON,
     "预算部门报送整改情况"},
    {"rectification_review", "close", COMP, "closed", SYS, NO_DUE, FX_NONE, NO_REASON, "整改情况审核通过，办结"},
    {"rectification_review", "return", COMP, "feedback", DEPT, WD(10), FX_NONE, REASON, "整改不到位，退回继续整改"},
    {"rectification_review", "recall", DEPT, "feedback", DEPT, NO_DUE, FX_NONE, NO_REASON, "预算部门撤回整改情况"},
};

/* ---- 绩效评价结果应用 (004 §5, 002 §40, 003 §13) -------------------------------- */

/* The year's summary: adjust, stop, reward, hold accountable, with the
 * analysis' deduction, reward and recovery recommendations (高效奖励、低效问责). */
static const dw_r_state_t rs_states[] = {
    /* name, title, order, final, holder */
    {"drafting", "汇总评价结果应用建议", 0, false, COMP},
    {"leadership_review", "局党组审议", 1, false, LEADERS},
    {"approved", "局党组审定", 2, true, SYS},
};

static const dw_r_step_t rs_steps[] = {
    {"drafting", "submit", COMP, "leadership_review", LEADERS, NO_DUE, FX_LEADERSHIP, NO_REASON,
     "综合股汇总结果应用建议，上报局党组审议"},
    {"leadership_review", "approve", LEADERS, "approved", SYS, NO_DUE, FX_NONE, NO_REASON, "局党组审定"},
    {"leadership_review", "return", LEADERS, "drafting", COMP, WD(10), FX_NONE, REASON, "局党组退回综合股"},
    {"leadership_review", "recall", COMP, "drafting", COMP, NO_DUE, FX_NONE, NO_REASON, "综合股撤回"},
};

#define PROCEDURE(kind, title, initial, prefix)                                                              \
    {                                                                                                        \
        kind, title, initial, prefix##_states, COUNT(prefix##_states), prefix##_steps, COUNT(prefix##_steps) \
    }

static const dw_r_procedure_t procedures[] = {
    PROCEDURE("target_declaration", "绩效目标申报、审核和批复", "draft", td),
    PROCEDURE("monitor_report", "绩效运行监控", "open", mr),
    PROCEDURE("deviation_case", "偏离处置", "business_review", dc),
    PROCEDURE("selfeval", "绩效自评价", "draft", se),
    PROCEDURE("reevaluation", "绩效再评价", "planning", re),
    PROCEDURE("results_summary", "绩效评价结果应用", "drafting", rs),
};

static const dw_r_procedure_t *const procedure_list[] = {
    &procedures[0], &procedures[1], &procedures[2], &procedures[3], &procedures[4], &procedures[5],
};
_Static_assert(COUNT(procedure_list) == COUNT(procedures), "procedure_list names every procedure");

/* dw-route's reminders and missed deadlines, in any open state without a row
 * of its own for them: nothing moves. */
static const dw_r_step_t stay_remind = {"*", "remind", SYS, "*", SYS, NO_DUE, FX_NONE, NO_REASON, "催办"};
static const dw_r_step_t stay_overdue = {"*", "overdue", SYS, "*", SYS, NO_DUE, FX_NONE, NO_REASON, "逾期提醒"};

const dw_r_procedure_t *dw_r_procedure(const char *doc_kind)
{
    if (!doc_kind)
        return NULL;
    for (size_t i = 0; i < COUNT(procedures); i++)
        if (strcmp(procedures[i].doc_kind, doc_kind) == 0)
            return &procedures[i];
    return NULL;
}

const dw_r_procedure_t *const *dw_r_procedures(size_t *n)
{
    if (n)
        *n = COUNT(procedure_list);
    return procedure_list;
}

const dw_r_state_t *dw_r_state(const dw_r_procedure_t *p, const char *name)
{
    if (!p || !name)
        return NULL;
    for (size_t i = 0; i < p->n_states; i++)
        if (strcmp(p->states[i].name, name) == 0)
            return &p->states[i];
    return NULL;
}

dw_r_role_t dw_r_role_of(const dw_config_t *cfg, const char *section_code)
{
    if (!cfg || !section_code)
        return DW_R_DEPARTMENT;
    for (size_t i = 0; i < cfg->n_sections && i < DW_CFG_MAX_SECTIONS; i++) {
        if (strcmp(cfg->sections[i].code, section_code) != 0)
            continue;
        switch (cfg->sections[i].kind) {
        case DW_SECTION_BUSINESS: return DW_R_BUSINESS;
        case DW_SECTION_COMPREHENSIVE: return DW_R_COMPREHENSIVE;
        case DW_SECTION_BUDGET: return DW_R_BUDGET;
        case DW_SECTION_TREASURY: return DW_R_TREASURY;
        case DW_SECTION_INVESTMENT: return DW_R_INVESTMENT;
        case DW_SECTION_SUPERVISION: return DW_R_SUPERVISION;
        case DW_SECTION_LEADERSHIP: return DW_R_LEADERSHIP;
        }
    }
    return DW_R_DEPARTMENT;
}

const char *dw_r_role_name(dw_r_role_t role)
{
    static const char *const names[DW_R_ROLE_COUNT] = {
        [DW_R_DEPARTMENT] = "department",   [DW_R_BUSINESS] = "business",     [DW_R_COMPREHENSIVE] = "comprehensive",
        [DW_R_BUDGET] = "budget",           [DW_R_TREASURY] = "treasury",     [DW_R_INVESTMENT] = "investment",
        [DW_R_SUPERVISION] = "supervision", [DW_R_LEADERSHIP] = "leadership", [DW_R_SYSTEM] = "system",
    };
    if ((int)role < 0 || role >= DW_R_ROLE_COUNT)
        return "unknown";
    return names[role];
}

/* ---- dw_r_decide ---------------------------------------------------------- */

/* Sets err to the rule's refusal and returns NULL, for `return refuse(...)`. */
__attribute__((format(printf, 3, 4))) static const dw_r_step_t *refuse(dw_error_t *err, const char *rule,
                                                                       const char *fmt, ...)
{
    char msg[DW_ERR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dw_error_set(err, DW_E_RULE, rule, "%s", msg);
    return NULL;
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The row for action in state `from` taken by role, or by anyone when
 * any_role. */
static const dw_r_step_t *find_row(const dw_r_procedure_t *p, const char *from, const char *action, dw_r_role_t role,
                                   bool any_role)
{
    for (size_t i = 0; i < p->n_steps; i++) {
        const dw_r_step_t *s = &p->steps[i];
        if (is(s->from, from) && is(s->action, action) && (any_role || s->role == role))
            return s;
    }
    return NULL;
}

/* Steps that sign off someone else's work: the submitter may not take them. */
static bool is_sign_off(const char *action)
{
    return is(action, "pass") || is(action, "approve") || is(action, "confirm") || is(action, "decide") ||
           strncmp(action, "pass_", 5) == 0;
}

/* "pass, return, recall": the actions a state's rows allow, each once. */
static void allowed_actions(const dw_r_procedure_t *p, const char *from, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->n_steps; i++) {
        const dw_r_step_t *s = &p->steps[i];
        if (!is(s->from, from) || find_row(p, from, s->action, DW_R_SYSTEM, true) != s)
            continue; /* another state's, or an action already listed */
        int w = snprintf(out + len, n - len, "%s%s", len ? ", " : "", s->action);
        if (w < 0 || (size_t)w >= n - len)
            break; /* the message has its limit anyway */
        len += (size_t)w;
    }
    if (!len)
        snprintf(out, n, "none");
}

/* A recall goes back to where this round's submit came from when dw-route
 * knows it and the table has such a submit into this state (a revision
 * from published, a resubmission from revising), else to the row's state. */
static const char *recall_target(const dw_r_procedure_t *p, const dw_r_step_t *recall, const char *submitted_from)
{
    if (!submitted_from)
        return recall->to;
    for (size_t i = 0; i < p->n_steps; i++) {
        const dw_r_step_t *s = &p->steps[i];
        if (is(s->to, recall->from) && s->role == recall->role && is(s->from, submitted_from) &&
            !is(s->action, "return") && !is(s->action, "recall"))
            return s->from;
    }
    return recall->to;
}

const dw_r_step_t *dw_r_decide(const dw_r_procedure_t *p, const dw_r_doc_t *doc, const dw_r_request_t *req,
                               const char **return_to, dw_error_t *err)
{
    assert(p && doc && req);
    if (return_to)
        *return_to = NULL;
    const char *action = req->action ? req->action : "";
    const dw_r_state_t *st = dw_r_state(p, doc->state);
    if (!st)
        return refuse(err, "W-STATE-002", "unknown state \"%s\" in %s (%s)", doc->state ? doc->state : "", p->title,
                      p->doc_kind);
    if (st->final)
        return refuse(err, "W-STATE-001", "the document is closed: %s (%s) allows no action", st->title, st->name);

    const dw_r_step_t *s = find_row(p, st->name, action, req->role, false);
    if (!s) {
        const dw_r_step_t *other = find_row(p, st->name, action, req->role, true);
        bool generic = is(action, "remind") || is(action, "overdue");
        if (other || (generic && req->role != DW_R_SYSTEM))
            return refuse(err, "W-ROLE-001", "only %s may %s in %s (%s), not %s",
                          dw_r_role_name(other ? other->role : DW_R_SYSTEM), action, st->title, st->name,
                          dw_r_role_name(req->role));
        if (generic) {
            if (return_to)
                *return_to = st->name;
            return is(action, "remind") ? &stay_remind : &stay_overdue;
        }
        char allowed[160];
        allowed_actions(p, st->name, allowed, sizeof allowed);
        return refuse(err, "W-STATE-001", "%s is not allowed in %s (%s); allowed there: %s", *action ? action : "\"\"",
                      st->title, st->name, allowed);
    }

    const char *to = s->to;
    if (is(action, "return")) {
        /* any earlier, still open step of this procedure; the row's own by default */
        const dw_r_state_t *back = dw_r_state(p, req->to_state ? req->to_state : s->to);
        if (!back || back->final || back->order >= st->order)
            return refuse(err, "W-RETURN-002", "cannot return from %s (%s) to \"%s\": not an earlier step of %s",
                          st->title, st->name, req->to_state ? req->to_state : s->to, p->title);
        if (!req->has_reason)
            return refuse(err, "W-RETURN-001", "a return from %s (%s) needs a reason", st->title, st->name);
        to = back->name;
    } else if (is(action, "recall")) {
        if (!doc->submitted_by || !is(req->actor, doc->submitted_by))
            return refuse(err, "W-RECALL-002", "only the submitter (%s) may recall from %s (%s)",
                          doc->submitted_by ? doc->submitted_by : "nobody yet", st->title, st->name);
        if (doc->next_step_acted)
            return refuse(err, "W-RECALL-001", "cannot recall from %s (%s): the next step has acted", st->title,
                          st->name);
        to = recall_target(p, s, doc->submitted_from);
    } else {
        if (is_sign_off(action) && doc->submitted_by && is(req->actor, doc->submitted_by))
            return refuse(err, "W-DUTY-001", "%s cannot %s in %s (%s): they submitted this round", req->actor, action,
                          st->title, st->name);
        if (s->needs_reason && !req->has_reason)
            return refuse(err, "W-REASON-001", "%s in %s (%s) needs a reason (%s)", action, st->title, st->name,
                          s->title);
    }
    if (return_to)
        *return_to = to;
    return s;
}
