/* unit.procedure — the review procedures as tables (r_procedure): each
 * procedure walked row by row along its happy path and every return path,
 * a refused action and a refused role in every open state, separation of
 * duties, recall, return to an earlier step, dw-route's generic remind and
 * overdue, the roles from the configured sections, and the tables' own
 * consistency. The states each step must reach are written out by hand. */
#include <stdlib.h>
#include <unistd.h>

#include "dw_test.h"
#include "r_procedure.h"

#define DEPT     DW_R_DEPARTMENT
#define BIZ      DW_R_BUSINESS
#define COMP     DW_R_COMPREHENSIVE
#define BUDGET   DW_R_BUDGET
#define TREASURY DW_R_TREASURY
#define LEADERS  DW_R_LEADERSHIP
#define SYS      DW_R_SYSTEM

/* A document as dw-route would keep it between steps. */
typedef struct walk {
    const dw_r_procedure_t *p;
    const char *state;
    const char *submitted_by;
    const char *submitted_from;
    bool next_step_acted;
} walk_t;

static walk_t walk_of(const char *kind, const char *state)
{
    walk_t w = {dw_r_procedure(kind), state, NULL, NULL, false};
    if (!w.p) {
        fprintf(stderr, "no procedure %s\n", kind);
        exit(1);
    }
    return w;
}

/* The actions that open a round (dw-route's part, played by the test). */
static bool opens_round(const char *action)
{
    static const char *const submits[] = {"submit", "revise", "propose", "report_rectification"};
    for (size_t i = 0; i < sizeof submits / sizeof submits[0]; i++)
        if (strcmp(action, submits[i]) == 0)
            return true;
    return false;
}

static const dw_r_step_t *ask(const walk_t *w, const dw_r_request_t *req, const char **to, dw_error_t *err)
{
    dw_r_doc_t doc = {w->state, w->submitted_by, w->submitted_from, w->next_step_acted};
    return dw_r_decide(w->p, &doc, req, to, err);
}

static void moved(walk_t *w, const char *action, const char *actor, const char *to)
{
    if (opens_round(action)) {
        w->submitted_by = actor;
        w->submitted_from = w->state;
        w->next_step_acted = false;
    } else {
        w->next_step_acted = true;
    }
    w->state = to;
}

/* Takes a step that must be allowed, reach want and hand the document to
 * holder; moves the walk on. Reports the test's own line. */
static const dw_r_step_t *go_at(int line, walk_t *w, const char *action, dw_r_role_t role, const char *actor,
                                const char *want, dw_r_role_t holder)
{
    dw_r_request_t req = {action, role, actor, NULL, true};
    const char *to = NULL;
    dw_error_t err = {0};
    const dw_r_step_t *s = ask(w, &req, &to, &err);
    dw_test_checks++;
    if (!s || !to || strcmp(to, want) != 0 || strcmp(s->to, want) != 0 || s->holder != holder ||
        strcmp(s->from, w->state) != 0 || strcmp(s->action, action) != 0 || s->role != role) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s %s by %s from %s: got %s (holder %s)%s%s, want %s (holder %s)\n", __FILE__, line,
                w->p->doc_kind, action, dw_r_role_name(role), w->state, to ? to : "(refused)",
                s ? dw_r_role_name(s->holder) : "-", s ? "" : ": ", s ? "" : err.message, want, dw_r_role_name(holder));
        return s;
    }
    moved(w, action, actor, to);
    return s;
}
#define GO(w, action, role, actor, want, holder) go_at(__LINE__, w, action, role, actor, want, holder)

/* A return to a named earlier step (to_state, NULL = the row's own). */
static const dw_r_step_t *return_at(int line, walk_t *w, dw_r_role_t role, const char *to_state, const char *want)
{
    dw_r_request_t req = {"return", role, "reviewer", to_state, true};
    const char *to = NULL;
    dw_error_t err = {0};
    const dw_r_step_t *s = ask(w, &req, &to, &err);
    dw_test_checks++;
    if (!s || !to || strcmp(to, want) != 0 || strcmp(s->from, w->state) != 0 || strcmp(s->action, "return") != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s return from %s to %s: got %s%s%s, want %s\n", __FILE__, line, w->p->doc_kind,
                w->state, to_state ? to_state : "(default)", to ? to : "(refused)", s ? "" : ": ", s ? "" : err.message,
                want);
        return s;
    }
    moved(w, "return", "reviewer", to);
    return s;
}
#define RETURN_TO(w, role, to_state, want) return_at(__LINE__, w, role, to_state, want)

/* Asks for something that must be refused with rule, with says in the
 * message when not NULL; the walk does not move. */
static void refused_at(int line, const walk_t *w, const dw_r_request_t *req, const char *rule, const char *says)
{
    const char *to = "untouched";
    dw_error_t err = {0};
    const dw_r_step_t *s = ask(w, req, &to, &err);
    dw_test_checks++;
    if (s || to || err.code != DW_E_RULE || strcmp(err.field, rule) != 0 || (says && !strstr(err.message, says))) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s %s by %s in %s: got %s [%s] \"%s\", want %s%s%s\n", __FILE__, line, w->p->doc_kind,
                req->action ? req->action : "(null)", dw_r_role_name(req->role), w->state ? w->state : "(null)",
                s ? s->to : "refusal", err.field, err.message, rule, says ? " saying " : "", says ? says : "");
    }
}
#define REFUSED(w, action, role, actor, rule, says) \
    refused_at(__LINE__, w, &(dw_r_request_t){action, role, actor, NULL, true}, rule, says)
/* The same with a whole request: action, role, actor, to_state, has_reason. */
#define REFUSED_REQ(w, rule, says, ...) refused_at(__LINE__, w, &(dw_r_request_t){__VA_ARGS__}, rule, says)

#define CHECK_DUE(s, kind, n)          \
    do {                               \
        const dw_r_step_t *s_ = (s);   \
        CHECK(s_ != NULL);             \
        if (s_) {                      \
            CHECK_INT(s_->due, kind);  \
            CHECK_INT(s_->due_n, (n)); \
        }                              \
    } while (0)

#define CHECK_EFFECT(s, e)              \
    do {                                \
        const dw_r_step_t *s_ = (s);    \
        CHECK(s_ != NULL);              \
        if (s_)                         \
            CHECK_INT(s_->effect, (e)); \
    } while (0)

/* ---- lookups ---------------------------------------------------------------- */

static void test_lookups(void)
{
    size_t n = 0;
    const dw_r_procedure_t *const *all = dw_r_procedures(&n);
    CHECK_INT(n, 6);
    static const char *const kinds[] = {"target_declaration", "monitor_report", "deviation_case",
                                        "selfeval",           "reevaluation",   "results_summary"};
    static const char *const titles[] = {
        "绩效目标申报、审核和批复", "绩效运行监控", "偏离处置", "绩效自评价", "绩效再评价", "绩效评价结果应用"};
    static const char *const initials[] = {"draft", "open", "business_review", "draft", "planning", "drafting"};
    for (size_t i = 0; i < 6 && i < n; i++) {
        CHECK_STR(all[i]->doc_kind, kinds[i]);
        CHECK_STR(all[i]->title, titles[i]);
        CHECK_STR(all[i]->initial, initials[i]);
        CHECK(dw_r_procedure(kinds[i]) == all[i]);
    }
    CHECK(dw_r_procedures(NULL) == all);
    CHECK(dw_r_procedure("payment") == NULL);
    CHECK(dw_r_procedure(NULL) == NULL);

    const dw_r_procedure_t *td = dw_r_procedure("target_declaration");
    const dw_r_state_t *st = dw_r_state(td, "business_review");
    CHECK(st != NULL);
    if (st) {
        CHECK_STR(st->title, "业务股室初审");
        CHECK_INT(st->holder, BIZ);
        CHECK(!st->final);
    }
    st = dw_r_state(td, "referred");
    CHECK(st && st->final);
    CHECK(dw_r_state(td, "evaluating") == NULL);
    CHECK(dw_r_state(td, NULL) == NULL);
    CHECK(dw_r_state(NULL, "draft") == NULL);
    /* where no row leads in, the state says who holds it */
    CHECK_INT(dw_r_state(dw_r_procedure("monitor_report"), "open")->holder, DEPT);
    CHECK_INT(dw_r_state(dw_r_procedure("deviation_case"), "business_review")->holder, BIZ);
    CHECK_INT(dw_r_state(dw_r_procedure("reevaluation"), "planning")->holder, COMP);
}

/* ---- 绩效目标申报、审核和批复 ---------------------------------------------------------- */

static void test_target_declaration(void)
{
    walk_t w = walk_of("target_declaration", "draft");
    const dw_r_step_t *s = GO(&w, "submit", DEPT, "d101-zhang", "business_review", BIZ);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 5);
    /* 业务股室初审退回 -> 修改完善后重新上报 */
    s = GO(&w, "return", BIZ, "edu-li", "revising", DEPT);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 10);
    GO(&w, "submit", DEPT, "d101-zhang", "business_review", BIZ);
    s = GO(&w, "pass", BIZ, "edu-li", "comprehensive_review", COMP);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 5);
    /* 综合股复审退回业务股室 */
    GO(&w, "return", COMP, "comp-wang", "business_review", BIZ);
    GO(&w, "pass", BIZ, "edu-li", "comprehensive_review", COMP);
    s = GO(&w, "pass", COMP, "comp-wang", "budget_approval", BUDGET);
    CHECK_DUE(s, DW_R_DUE_DAYS, 20); /* 市人代会批准预算后20日内 */
    /* 预算股退回综合股 */
    GO(&w, "return", BUDGET, "budget-zhao", "comprehensive_review", COMP);
    GO(&w, "pass", COMP, "comp-wang", "budget_approval", BUDGET);
    s = GO(&w, "approve", BUDGET, "budget-zhao", "approved", DEPT);
    CHECK_DUE(s, DW_R_DUE_DAYS, 20);
    CHECK_EFFECT(s, DW_R_EFFECT_NONE);
    s = GO(&w, "publish", DEPT, "d101-zhang", "published", DEPT);
    CHECK_EFFECT(s, DW_R_EFFECT_PUBLISH);
    /* 绩效目标调整: a new round the same way */
    GO(&w, "revise", DEPT, "d101-zhang", "business_review", BIZ);
    GO(&w, "pass", BIZ, "edu-li", "comprehensive_review", COMP);
    GO(&w, "pass", COMP, "comp-wang", "budget_approval", BUDGET);
    GO(&w, "approve", BUDGET, "budget-zhao", "approved", DEPT);
    GO(&w, "publish", DEPT, "d101-zhang", "published", DEPT);

    /* not published in time: 限期整改, then published late */
    w = walk_of("target_declaration", "approved");
    s = GO(&w, "overdue", SYS, "dw-route", "rectifying", DEPT);
    CHECK_EFFECT(s, DW_R_EFFECT_RECTIFICATION_NOTICE);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 10);
    s = GO(&w, "publish", DEPT, "d101-zhang", "published", DEPT);
    CHECK_EFFECT(s, DW_R_EFFECT_PUBLISH);

    /* nor within the rectification deadline: 移送, and nothing more */
    w = walk_of("target_declaration", "approved");
    GO(&w, "overdue", SYS, "dw-route", "rectifying", DEPT);
    s = GO(&w, "overdue", SYS, "dw-route", "referred", SYS);
    CHECK_EFFECT(s, DW_R_EFFECT_REFER);
    REFUSED(&w, "publish", DEPT, "d101-zhang", "W-STATE-001", "the document is closed: 已移送 (referred)");
    REFUSED(&w, "remind", SYS, "dw-route", "W-STATE-001", "allows no action");
}

/* ---- 绩效运行监控 ------------------------------------------------------------------ */

static void test_monitor_report(void)
{
    walk_t w = walk_of("monitor_report", "open");
    const dw_r_step_t *s = GO(&w, "submit", DEPT, "d102-chen", "business_review", BIZ);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 5);
    GO(&w, "return", BIZ, "social-sun", "revising", DEPT);
    GO(&w, "submit", DEPT, "d102-chen", "business_review", BIZ);
    GO(&w, "pass_none", BIZ, "social-sun", "comprehensive_review", COMP);
    /* 综合股退回业务股室重新审核 */
    GO(&w, "return", COMP, "comp-wang", "business_review", BIZ);
    GO(&w, "pass_correct", BIZ, "social-sun", "comprehensive_review", COMP);
    s = GO(&w, "confirm", COMP, "comp-wang", "opinion_back", BIZ);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 3);
    s = GO(&w, "notify_rectification", BIZ, "social-sun", "rectifying", DEPT);
    CHECK_EFFECT(s, DW_R_EFFECT_RECTIFICATION_NOTICE);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 15);
    GO(&w, "report_rectification", DEPT, "d102-chen", "rectification_review", BIZ);
    /* 整改不到位，退回继续整改 */
    GO(&w, "return", BIZ, "social-sun", "rectifying", DEPT);
    GO(&w, "report_rectification", DEPT, "d102-chen", "rectification_review", BIZ);
    GO(&w, "close", BIZ, "social-sun", "closed", SYS);
    REFUSED(&w, "submit", DEPT, "d102-chen", "W-STATE-001", "办结 (closed)");

    /* every correction opinion goes on to the comprehensive section */
    static const char *const opinions[] = {"pass_none", "pass_correct", "pass_stop", "pass_adjust"};
    for (size_t i = 0; i < 4; i++) {
        w = walk_of("monitor_report", "business_review");
        w.submitted_by = "d102-chen";
        GO(&w, opinions[i], BIZ, "social-sun", "comprehensive_review", COMP);
    }
    /* no rectification needed */
    w = walk_of("monitor_report", "opinion_back");
    GO(&w, "close", BIZ, "social-sun", "closed", SYS);
}

/* ---- 偏离处置 ---------------------------------------------------------------------- */

static void test_deviation_case(void)
{
    walk_t w = walk_of("deviation_case", "business_review");
    const dw_r_step_t *s = GO(&w, "propose", BIZ, "edu-li", "comprehensive_review", COMP);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 5);
    GO(&w, "return", COMP, "comp-wang", "business_review", BIZ);
    GO(&w, "propose", BIZ, "edu-li", "comprehensive_review", COMP);
    s = GO(&w, "decide", COMP, "comp-wang", "in_effect", SYS);
    CHECK_EFFECT(s, DW_R_EFFECT_DISPOSITION);
    GO(&w, "no_ack", SYS, "dw-route", "escalated", COMP);
    GO(&w, "hold_acked", SYS, "dw-route", "on_hold", SYS);
    GO(&w, "release", COMP, "comp-wang", "released", SYS);
    GO(&w, "release_acked", SYS, "dw-route", "closed", SYS);
    REFUSED(&w, "release", COMP, "comp-wang", "W-STATE-001", "办结 (closed)");

    w = walk_of("deviation_case", "in_effect");
    GO(&w, "hold_acked", SYS, "dw-route", "on_hold", SYS);
    w = walk_of("deviation_case", "in_effect");
    GO(&w, "adjusted", SYS, "dw-route", "closed", SYS);
    w = walk_of("deviation_case", "in_effect");
    GO(&w, "cleared", SYS, "dw-route", "closed", SYS);
    w = walk_of("deviation_case", "escalated");
    GO(&w, "close", COMP, "comp-wang", "closed", SYS);
    w = walk_of("deviation_case", "business_review");
    GO(&w, "cleared", SYS, "dw-route", "closed", SYS);
    w = walk_of("deviation_case", "comprehensive_review");
    GO(&w, "cleared", SYS, "dw-route", "closed", SYS);
}

/* ---- 绩效自评价 ------------------------------------------------------------------- */

static void test_selfeval(void)
{
    walk_t w = walk_of("selfeval", "draft");
    GO(&w, "submit", DEPT, "d103-liu", "business_review", BIZ);
    const dw_r_step_t *s = GO(&w, "return", BIZ, "social-sun", "revising", DEPT);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 10);
    GO(&w, "submit", DEPT, "d103-liu", "business_review", BIZ);
    GO(&w, "pass", BIZ, "social-sun", "comprehensive_review", COMP);
    GO(&w, "return", COMP, "comp-wang", "business_review", BIZ);
    GO(&w, "pass", BIZ, "social-sun", "comprehensive_review", COMP);
    s = GO(&w, "pass", COMP, "comp-wang", "treasury_approval", TREASURY);
    CHECK_DUE(s, DW_R_DUE_DAYS, 20); /* 市人代会批准决算后20日内 */
    GO(&w, "return", TREASURY, "treasury-he", "comprehensive_review", COMP);
    GO(&w, "pass", COMP, "comp-wang", "treasury_approval", TREASURY);
    GO(&w, "approve", TREASURY, "treasury-he", "approved", DEPT);
    s = GO(&w, "publish", DEPT, "d103-liu", "published", SYS);
    CHECK_EFFECT(s, DW_R_EFFECT_PUBLISH);
    REFUSED(&w, "revise", DEPT, "d103-liu", "W-STATE-001", "已公开 (published)");
}

/* ---- 绩效再评价 ------------------------------------------------------------------- */

static void test_reevaluation(void)
{
    walk_t w = walk_of("reevaluation", "planning");
    GO(&w, "open", COMP, "comp-wang", "evaluating", COMP);
    const dw_r_step_t *s = GO(&w, "record_results", COMP, "comp-wang", "feedback", DEPT);
    CHECK_EFFECT(s, DW_R_EFFECT_FEEDBACK_NOTICE);
    CHECK_DUE(s, DW_R_DUE_WORKDAYS, 20);
    GO(&w, "report_rectification", DEPT, "d104-ma", "rectification_review", COMP);
    GO(&w, "return", COMP, "comp-wang", "feedback", DEPT);
    GO(&w, "report_rectification", DEPT, "d104-ma", "rectification_review", COMP);
    GO(&w, "close", COMP, "comp-wang", "closed", SYS);
}

/* ---- 绩效评价结果应用 --------------------------------------------------------------- */

static void test_results_summary(void)
{
    walk_t w = walk_of("results_summary", "drafting");
    const dw_r_step_t *s = GO(&w, "submit", COMP, "comp-wang", "leadership_review", LEADERS);
    CHECK_EFFECT(s, DW_R_EFFECT_TO_LEADERSHIP);
    GO(&w, "return", LEADERS, "party-secretary", "drafting", COMP);
    GO(&w, "submit", COMP, "comp-wang", "leadership_review", LEADERS);
    GO(&w, "approve", LEADERS, "party-secretary", "approved", SYS);
    REFUSED(&w, "submit", COMP, "comp-wang", "W-STATE-001", "局党组审定 (approved)");
}

/* ---- a wrong action and a wrong role in every open state ---------------------------- */

typedef struct refusal_case {
    const char *kind, *state;
    const char *wrong_action;        /* not allowed there at all: W-STATE-001 */
    const char *action;              /* allowed there ... */
    dw_r_role_t wrong_role, who_may; /* ... to who_may, not to wrong_role: W-ROLE-001 */
} refusal_case_t;

static const refusal_case_t refusal_cases[] = {
    {"target_declaration", "draft", "pass", "submit", BIZ, DEPT},
    {"target_declaration", "revising", "approve", "submit", COMP, DEPT},
    {"target_declaration", "business_review", "approve", "pass", DEPT, BIZ},
    {"target_declaration", "comprehensive_review", "publish", "pass", BIZ, COMP},
    {"target_declaration", "budget_approval", "pass", "approve", COMP, BUDGET},
    {"target_declaration", "approved", "submit", "publish", BIZ, DEPT},
    {"target_declaration", "rectifying", "approve", "overdue", DEPT, SYS},
    {"target_declaration", "published", "publish", "revise", BIZ, DEPT},
    {"monitor_report", "open", "pass", "submit", BIZ, DEPT},
    {"monitor_report", "revising", "confirm", "submit", COMP, DEPT},
    {"monitor_report", "business_review", "pass", "pass_none", COMP, BIZ},
    {"monitor_report", "comprehensive_review", "pass", "confirm", BIZ, COMP},
    {"monitor_report", "opinion_back", "confirm", "notify_rectification", COMP, BIZ},
    {"monitor_report", "rectifying", "submit", "report_rectification", BIZ, DEPT},
    {"monitor_report", "rectification_review", "pass", "close", COMP, BIZ},
    {"deviation_case", "business_review", "decide", "propose", COMP, BIZ},
    {"deviation_case", "comprehensive_review", "approve", "decide", BIZ, COMP},
    {"deviation_case", "in_effect", "release", "hold_acked", TREASURY, SYS},
    {"deviation_case", "escalated", "decide", "close", BIZ, COMP},
    {"deviation_case", "on_hold", "close", "release", BIZ, COMP},
    {"deviation_case", "released", "release", "release_acked", COMP, SYS},
    {"selfeval", "draft", "pass", "submit", BIZ, DEPT},
    {"selfeval", "revising", "publish", "submit", COMP, DEPT},
    {"selfeval", "business_review", "approve", "pass", DEPT, BIZ},
    {"selfeval", "comprehensive_review", "approve", "pass", BIZ, COMP},
    {"selfeval", "treasury_approval", "pass", "approve", BUDGET, TREASURY},
    {"selfeval", "approved", "approve", "publish", TREASURY, DEPT},
    {"reevaluation", "planning", "record_results", "open", BIZ, COMP},
    {"reevaluation", "evaluating", "close", "record_results", BIZ, COMP},
    {"reevaluation", "feedback", "close", "report_rectification", COMP, DEPT},
    {"reevaluation", "rectification_review", "pass", "close", DEPT, COMP},
    {"results_summary", "drafting", "approve", "submit", LEADERS, COMP},
    {"results_summary", "leadership_review", "pass", "approve", COMP, LEADERS},
};

static void test_refusals_everywhere(void)
{
    size_t n_cases = sizeof refusal_cases / sizeof refusal_cases[0];
    for (size_t i = 0; i < n_cases; i++) {
        const refusal_case_t *c = &refusal_cases[i];
        walk_t w = walk_of(c->kind, c->state);
        w.submitted_by = "someone-else";
        char says[128];
        snprintf(says, sizeof says, "%s is not allowed in", c->wrong_action);
        REFUSED(&w, c->wrong_action, c->who_may, "actor", "W-STATE-001", says);
        snprintf(says, sizeof says, "only %s may %s in", dw_r_role_name(c->who_may), c->action);
        REFUSED(&w, c->action, c->wrong_role, "actor", "W-ROLE-001", says);
    }
    /* the cases cover every open state of every procedure */
    size_t n = 0;
    const dw_r_procedure_t *const *all = dw_r_procedures(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < all[i]->n_states; j++) {
            const dw_r_state_t *st = &all[i]->states[j];
            size_t hits = 0;
            for (size_t k = 0; k < n_cases; k++)
                hits += strcmp(refusal_cases[k].kind, all[i]->doc_kind) == 0 &&
                        strcmp(refusal_cases[k].state, st->name) == 0;
            dw_test_checks++;
            if (hits != (st->final ? 0u : 1u)) {
                dw_test_failures++;
                fprintf(stderr, "%s:%d: %s %s has %zu refusal cases\n", __FILE__, __LINE__, all[i]->doc_kind, st->name,
                        hits);
            }
        }

    /* the messages in full */
    walk_t w = walk_of("target_declaration", "business_review");
    w.submitted_by = "d101-zhang";
    REFUSED(&w, "approve", BUDGET, "budget-zhao", "W-STATE-001",
            "approve is not allowed in 业务股室初审 (business_review); allowed there: pass, return, recall");
    REFUSED(&w, "pass", DEPT, "d101-zhang", "W-ROLE-001",
            "only business may pass in 业务股室初审 (business_review), not department");
    REFUSED(&w, NULL, BIZ, "edu-li", "W-STATE-001", "\"\" is not allowed");
    w.state = "archived";
    REFUSED(&w, "pass", BIZ, "edu-li", "W-STATE-002",
            "unknown state \"archived\" in 绩效目标申报、审核和批复 (target_declaration)");
    w.state = NULL;
    REFUSED(&w, "pass", BIZ, "edu-li", "W-STATE-002", "unknown state \"\"");
    w = walk_of("deviation_case", "closed");
    REFUSED(&w, "cleared", SYS, "dw-route", "W-STATE-001", "the document is closed: 办结 (closed) allows no action");

    /* a refusal leaves err for the caller; a NULL err and return_to are fine */
    w = walk_of("target_declaration", "draft");
    dw_r_doc_t doc = {"draft", NULL, NULL, false};
    CHECK(dw_r_decide(w.p, &doc, &(dw_r_request_t){"pass", BIZ, "x", NULL, true}, NULL, NULL) == NULL);
    const dw_r_step_t *s = dw_r_decide(w.p, &doc, &(dw_r_request_t){"submit", DEPT, "x", NULL, false}, NULL, NULL);
    CHECK(s != NULL && strcmp(s->to, "business_review") == 0);
}

/* ---- separation of duties ------------------------------------------------------------ */

static void test_separation_of_duties(void)
{
    /* the person who submitted cannot sign it off, whatever section they act for */
    walk_t w = walk_of("target_declaration", "business_review");
    w.submitted_by = "zhou";
    REFUSED(&w, "pass", BIZ, "zhou", "W-DUTY-001", "zhou cannot pass in 业务股室初审 (business_review)");
    GO(&w, "pass", BIZ, "edu-li", "comprehensive_review", COMP);

    w = walk_of("target_declaration", "budget_approval");
    w.submitted_by = "zhou";
    REFUSED(&w, "approve", BUDGET, "zhou", "W-DUTY-001", NULL);

    w = walk_of("monitor_report", "business_review");
    w.submitted_by = "zhou";
    REFUSED(&w, "pass_stop", BIZ, "zhou", "W-DUTY-001", "zhou cannot pass_stop");
    REFUSED(&w, "pass_none", BIZ, "zhou", "W-DUTY-001", NULL);
    /* a return is not a sign-off */
    GO(&w, "return", BIZ, "zhou", "revising", DEPT);

    w = walk_of("monitor_report", "comprehensive_review");
    w.submitted_by = "zhou";
    REFUSED(&w, "confirm", COMP, "zhou", "W-DUTY-001", NULL);

    w = walk_of("deviation_case", "business_review");
    GO(&w, "propose", BIZ, "edu-li", "comprehensive_review", COMP);
    REFUSED(&w, "decide", COMP, "edu-li", "W-DUTY-001", NULL);
    GO(&w, "decide", COMP, "comp-wang", "in_effect", SYS);

    w = walk_of("results_summary", "drafting");
    GO(&w, "submit", COMP, "comp-wang", "leadership_review", LEADERS);
    REFUSED(&w, "approve", LEADERS, "comp-wang", "W-DUTY-001", NULL);
    GO(&w, "approve", LEADERS, "party-secretary", "approved", SYS);
}

/* ---- recall --------------------------------------------------------------------------- */

static void test_recall(void)
{
    /* before the next step acts: back to where the round was submitted from */
    walk_t w = walk_of("target_declaration", "draft");
    GO(&w, "submit", DEPT, "d101-zhang", "business_review", BIZ);
    REFUSED(&w, "recall", DEPT, "d101-wu", "W-RECALL-002", "only the submitter (d101-zhang) may recall");
    REFUSED(&w, "recall", BIZ, "d101-zhang", "W-ROLE-001", "only department may recall");
    const dw_r_step_t *s = GO(&w, "recall", DEPT, "d101-zhang", "draft", DEPT);
    CHECK_DUE(s, DW_R_DUE_NONE, 0);

    /* a resubmission goes back to revising, a revision to published */
    w = walk_of("target_declaration", "revising");
    GO(&w, "submit", DEPT, "d101-zhang", "business_review", BIZ);
    const char *to = NULL;
    dw_error_t err = {0};
    s = ask(&w, &(dw_r_request_t){"recall", DEPT, "d101-zhang", NULL, false}, &to, &err);
    CHECK(s != NULL);
    CHECK_STR(to, "revising");
    if (s) {
        CHECK_STR(s->from, "business_review");
        CHECK_STR(s->title, "预算部门撤回申报");
    }
    w = walk_of("target_declaration", "published");
    GO(&w, "revise", DEPT, "d101-zhang", "business_review", BIZ);
    to = NULL;
    s = ask(&w, &(dw_r_request_t){"recall", DEPT, "d101-zhang", NULL, false}, &to, &err);
    CHECK(s != NULL);
    CHECK_STR(to, "published");
    /* not knowing where from, or a state no submit leads here from: the row's own */
    w.submitted_from = NULL;
    s = ask(&w, &(dw_r_request_t){"recall", DEPT, "d101-zhang", NULL, false}, &to, &err);
    CHECK_STR(to, "draft");
    w.submitted_from = "approved";
    s = ask(&w, &(dw_r_request_t){"recall", DEPT, "d101-zhang", NULL, false}, &to, &err);
    CHECK_STR(to, "draft");

    /* after the next step acted */
    w = walk_of("target_declaration", "draft");
    GO(&w, "submit", DEPT, "d101-zhang", "business_review", BIZ);
    GO(&w, "pass", BIZ, "edu-li", "comprehensive_review", COMP);
    GO(&w, "return", COMP, "comp-wang", "business_review", BIZ);
    REFUSED(&w, "recall", DEPT, "d101-zhang", "W-RECALL-001",
            "cannot recall from 业务股室初审 (business_review): the next step has acted");
    /* nothing submitted yet */
    w = walk_of("target_declaration", "business_review");
    REFUSED(&w, "recall", DEPT, "d101-zhang", "W-RECALL-002", "only the submitter (nobody yet)");
    /* a state without a recall */
    w = walk_of("target_declaration", "comprehensive_review");
    w.submitted_by = "d101-zhang";
    REFUSED(&w, "recall", DEPT, "d101-zhang", "W-STATE-001", "recall is not allowed in 综合股复审");

    /* the other procedures' recalls */
    w = walk_of("monitor_report", "open");
    GO(&w, "submit", DEPT, "d102-chen", "business_review", BIZ);
    GO(&w, "recall", DEPT, "d102-chen", "open", DEPT);
    w = walk_of("monitor_report", "rectifying");
    GO(&w, "report_rectification", DEPT, "d102-chen", "rectification_review", BIZ);
    GO(&w, "recall", DEPT, "d102-chen", "rectifying", DEPT);
    w = walk_of("deviation_case", "business_review");
    GO(&w, "propose", BIZ, "edu-li", "comprehensive_review", COMP);
    GO(&w, "recall", BIZ, "edu-li", "business_review", BIZ);
    w = walk_of("selfeval", "draft");
    GO(&w, "submit", DEPT, "d103-liu", "business_review", BIZ);
    GO(&w, "recall", DEPT, "d103-liu", "draft", DEPT);
    w = walk_of("reevaluation", "feedback");
    GO(&w, "report_rectification", DEPT, "d104-ma", "rectification_review", COMP);
    GO(&w, "recall", DEPT, "d104-ma", "feedback", DEPT);
    w = walk_of("results_summary", "drafting");
    GO(&w, "submit", COMP, "comp-wang", "leadership_review", LEADERS);
    GO(&w, "recall", COMP, "comp-wang", "drafting", COMP);
}

/* ---- return to an earlier step ------------------------------------------------------ */

static void test_return(void)
{
    walk_t w = walk_of("target_declaration", "budget_approval");
    w.submitted_by = "d101-zhang";
    /* by name, past the previous step; the step is the budget section's own return */
    const dw_r_step_t *s = RETURN_TO(&w, BUDGET, "business_review", "business_review");
    if (s)
        CHECK_STR(s->title, "预算股退回综合股");
    CHECK_INT(dw_r_state(w.p, "business_review")->holder, BIZ);
    w.state = "budget_approval";
    RETURN_TO(&w, BUDGET, "revising", "revising");
    w.state = "budget_approval";
    RETURN_TO(&w, BUDGET, NULL, "comprehensive_review");
    w.state = "budget_approval";
    RETURN_TO(&w, BUDGET, "comprehensive_review", "comprehensive_review");

    /* not earlier, not a step, not a reason, not the holder, not a review */
    w.state = "budget_approval";
    REFUSED_REQ(&w, "W-RETURN-002",
                "cannot return from 预算股批复 (budget_approval) to \"approved\": not an earlier step", "return",
                BUDGET, "budget-zhao", "approved", true);
    REFUSED_REQ(&w, "W-RETURN-002", NULL, "return", BUDGET, "budget-zhao", "budget_approval", true);
    REFUSED_REQ(&w, "W-RETURN-002", NULL, "return", BUDGET, "budget-zhao", "referred", true);
    REFUSED_REQ(&w, "W-RETURN-002", NULL, "return", BUDGET, "budget-zhao", "planning", true);
    REFUSED_REQ(&w, "W-RETURN-001", "a return from 预算股批复 (budget_approval) needs a reason", "return", BUDGET,
                "budget-zhao", "business_review", false);
    REFUSED_REQ(&w, "W-RETURN-001", NULL, "return", BUDGET, "budget-zhao", NULL, false);
    REFUSED_REQ(&w, "W-ROLE-001", "only budget may return", "return", COMP, "comp-wang", "business_review", true);
    w.state = "approved";
    REFUSED(&w, "return", DEPT, "d101-zhang", "W-STATE-001", "return is not allowed in 已批复待公开");
    w.state = "draft";
    REFUSED(&w, "return", DEPT, "d101-zhang", "W-STATE-001", NULL);

    /* the comprehensive section straight back to the department */
    w = walk_of("monitor_report", "comprehensive_review");
    RETURN_TO(&w, COMP, "revising", "revising");
    GO(&w, "submit", DEPT, "d102-chen", "business_review", BIZ);
    w = walk_of("selfeval", "treasury_approval");
    RETURN_TO(&w, TREASURY, "business_review", "business_review");
    w = walk_of("reevaluation", "rectification_review");
    REFUSED_REQ(&w, "W-RETURN-002", NULL, "return", COMP, "comp-wang", "closed", true);
}

/* ---- steps that need a reason ------------------------------------------------------- */

static void test_reasons(void)
{
    walk_t w = walk_of("deviation_case", "business_review");
    REFUSED_REQ(&w, "W-REASON-001", "propose in 业务股室研判，提出处置建议 (business_review) needs a reason", "propose",
                BIZ, "edu-li", NULL, false);
    w.state = "escalated";
    REFUSED_REQ(&w, "W-REASON-001", NULL, "close", COMP, "comp-wang", NULL, false);
    w = walk_of("monitor_report", "business_review");
    w.submitted_by = "d102-chen";
    REFUSED_REQ(&w, "W-REASON-001", NULL, "pass_correct", BIZ, "social-sun", NULL, false);
    const char *to = NULL;
    CHECK(ask(&w, &(dw_r_request_t){"pass_none", BIZ, "social-sun", NULL, false}, &to, NULL) != NULL);
    CHECK_STR(to, "comprehensive_review");
    w = walk_of("target_declaration", "published");
    REFUSED_REQ(&w, "W-REASON-001", NULL, "revise", DEPT, "d101-zhang", NULL, false);
}

/* ---- dw-route's remind and overdue -------------------------------------------------- */

static void test_remind_overdue(void)
{
    walk_t w = walk_of("target_declaration", "business_review");
    w.submitted_by = "d101-zhang";
    const char *to = NULL;
    const dw_r_step_t *s = ask(&w, &(dw_r_request_t){"remind", SYS, "dw-route", NULL, false}, &to, NULL);
    CHECK(s != NULL);
    CHECK_STR(to, "business_review");
    if (s) {
        CHECK_STR(s->action, "remind");
        CHECK_STR(s->from, "*");
        CHECK_STR(s->to, "*");
        CHECK_EFFECT(s, DW_R_EFFECT_NONE);
    }
    /* overdue where the table has no row of its own: nothing moves */
    w = walk_of("monitor_report", "open");
    s = ask(&w, &(dw_r_request_t){"overdue", SYS, "dw-route", NULL, false}, &to, NULL);
    CHECK(s != NULL);
    CHECK_STR(to, "open");
    CHECK_EFFECT(s, DW_R_EFFECT_NONE);
    w = walk_of("deviation_case", "in_effect");
    s = ask(&w, &(dw_r_request_t){"overdue", SYS, "dw-route", NULL, false}, &to, NULL);
    CHECK_STR(to, "in_effect"); /* the escalation is no_ack, a fact */
    /* and where it has */
    w = walk_of("target_declaration", "approved");
    s = ask(&w, &(dw_r_request_t){"overdue", SYS, "dw-route", NULL, false}, &to, NULL);
    CHECK_STR(to, "rectifying");
    w = walk_of("target_declaration", "rectifying");
    s = ask(&w, &(dw_r_request_t){"overdue", SYS, "dw-route", NULL, false}, &to, NULL);
    CHECK_STR(to, "referred");
    /* only dw-route */
    w = walk_of("target_declaration", "business_review");
    REFUSED(&w, "remind", BIZ, "edu-li", "W-ROLE-001", "only system may remind in 业务股室初审");
    REFUSED(&w, "overdue", COMP, "comp-wang", "W-ROLE-001", "only system may overdue");
    w = walk_of("target_declaration", "approved");
    REFUSED(&w, "overdue", DEPT, "d101-zhang", "W-ROLE-001", "only system may overdue");

    /* in every open state of every procedure */
    size_t n = 0;
    const dw_r_procedure_t *const *all = dw_r_procedures(&n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < all[i]->n_states; j++) {
            const dw_r_state_t *st = &all[i]->states[j];
            dw_r_doc_t doc = {st->name, NULL, NULL, false};
            to = NULL;
            s = dw_r_decide(all[i], &doc, &(dw_r_request_t){"remind", SYS, "dw-route", NULL, false}, &to, NULL);
            CHECK(st->final ? s == NULL && to == NULL : s != NULL && to == st->name);
        }
}

/* ---- roles from the configured sections --------------------------------------------- */

static void test_roles(void)
{
    CHECK_STR(dw_r_role_name(DEPT), "department");
    CHECK_STR(dw_r_role_name(BIZ), "business");
    CHECK_STR(dw_r_role_name(COMP), "comprehensive");
    CHECK_STR(dw_r_role_name(BUDGET), "budget");
    CHECK_STR(dw_r_role_name(TREASURY), "treasury");
    CHECK_STR(dw_r_role_name(DW_R_INVESTMENT), "investment");
    CHECK_STR(dw_r_role_name(DW_R_SUPERVISION), "supervision");
    CHECK_STR(dw_r_role_name(LEADERS), "leadership");
    CHECK_STR(dw_r_role_name(SYS), "system");
    CHECK_STR(dw_r_role_name(DW_R_ROLE_COUNT), "unknown");
    CHECK_STR(dw_r_role_name((dw_r_role_t)-1), "unknown");

    char path[] = "/tmp/dw_test_procedure.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    static const char yaml[] = "sections:\n"
                               "  - {code: biz_edu, name: 教科文股, kind: business, depts: [\"101\"]}\n"
                               "  - {code: comp, name: 综合股, kind: comprehensive}\n"
                               "  - {code: budget, name: 预算股, kind: budget}\n"
                               "  - {code: treasury, name: 国库收付中心, kind: treasury}\n"
                               "  - {code: investment, name: 财政投资评审中心, kind: investment}\n"
                               "  - {code: supervision, name: 监督检查股, kind: supervision}\n"
                               "  - {code: leadership, name: 局党组, kind: leadership}\n";
    CHECK(write(fd, yaml, sizeof yaml - 1) == (ssize_t)(sizeof yaml - 1));
    close(fd);
    char err[512] = "";
    dw_config_t *cfg = dw_config_load(path, err, sizeof err);
    unlink(path);
    CHECK(cfg != NULL);
    if (!cfg) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(dw_r_role_of(cfg, "biz_edu"), BIZ);
    CHECK_INT(dw_r_role_of(cfg, "comp"), COMP);
    CHECK_INT(dw_r_role_of(cfg, "budget"), BUDGET);
    CHECK_INT(dw_r_role_of(cfg, "treasury"), TREASURY);
    CHECK_INT(dw_r_role_of(cfg, "investment"), DW_R_INVESTMENT);
    CHECK_INT(dw_r_role_of(cfg, "supervision"), DW_R_SUPERVISION);
    CHECK_INT(dw_r_role_of(cfg, "leadership"), LEADERS);
    CHECK_INT(dw_r_role_of(cfg, "101"), DEPT); /* a department's code, not a section */
    CHECK_INT(dw_r_role_of(cfg, "Comp"), DEPT);
    CHECK_INT(dw_r_role_of(cfg, ""), DEPT);
    CHECK_INT(dw_r_role_of(cfg, NULL), DEPT);
    CHECK_INT(dw_r_role_of(NULL, "comp"), DEPT);
    dw_config_destroy(&cfg);
}

/* ---- the tables themselves ------------------------------------------------------------ */

static bool is_review_state(const dw_r_procedure_t *p, const char *state)
{
    for (size_t i = 0; i < p->n_steps; i++)
        if (strcmp(p->steps[i].from, state) == 0 && strcmp(p->steps[i].action, "return") == 0)
            return true;
    return false;
}

static void check_procedure(const dw_r_procedure_t *p)
{
#define BAD(...)                                                         \
    do {                                                                 \
        dw_test_failures++;                                              \
        fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, p->doc_kind); \
        fprintf(stderr, __VA_ARGS__);                                    \
        fputc('\n', stderr);                                             \
    } while (0)
    dw_test_checks++;
    const dw_r_state_t *initial = dw_r_state(p, p->initial);
    if (!initial || initial->final)
        BAD("initial state %s is not an open state", p->initial);
    for (size_t i = 0; i < p->n_states; i++) {
        const dw_r_state_t *st = &p->states[i];
        dw_test_checks++;
        if (dw_r_state(p, st->name) != st)
            BAD("state %s twice", st->name);
        if (!st->title || !*st->title)
            BAD("state %s has no title", st->name);
        if (st->final && st->holder != SYS)
            BAD("final state %s is someone's task", st->name);
        size_t leaving = 0;
        for (size_t k = 0; k < p->n_steps; k++)
            leaving += strcmp(p->steps[k].from, st->name) == 0;
        if (st->final ? leaving != 0 : leaving == 0)
            BAD("%s state %s has %zu rows", st->final ? "final" : "open", st->name, leaving);
    }
    for (size_t i = 0; i < p->n_steps; i++) {
        const dw_r_step_t *s = &p->steps[i];
        const dw_r_state_t *from = dw_r_state(p, s->from), *to = dw_r_state(p, s->to);
        dw_test_checks++;
        if (!from || !to) {
            BAD("row %s %s: %s -> %s names a state the procedure does not have", s->from, s->action, s->from, s->to);
            continue;
        }
        if (s->holder != to->holder)
            BAD("row %s %s hands %s to %s, the state says %s", s->from, s->action, s->to, dw_r_role_name(s->holder),
                dw_r_role_name(to->holder));
        if ((s->due == DW_R_DUE_NONE) != (s->due_n == 0) || s->due_n < 0)
            BAD("row %s %s: due %d of kind %d", s->from, s->action, s->due_n, (int)s->due);
        if (!s->title || !*s->title)
            BAD("row %s %s has no title", s->from, s->action);
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->steps[k].from, s->from) == 0 && strcmp(p->steps[k].action, s->action) == 0)
                BAD("row %s %s twice", s->from, s->action);
        if (strcmp(s->action, "return") == 0 &&
            (to->order >= from->order || to->final || s->role != from->holder || !s->needs_reason))
            BAD("return row from %s to %s: not earlier, or not by the holder, or without a reason", s->from, s->to);
        if (strcmp(s->action, "recall") == 0 && (to->order >= from->order || !is_review_state(p, s->from)))
            BAD("recall row from %s to %s", s->from, s->to);
        /* a section acts on what it holds; dw-route's waiting states may still be stepped into */
        if (s->role != SYS && from->holder != SYS && s->role != from->holder && strcmp(s->action, "recall") != 0)
            BAD("row %s %s is taken by %s, not by the holder %s", s->from, s->action, dw_r_role_name(s->role),
                dw_r_role_name(from->holder));
    }
    /* every state reachable from the initial one */
    bool seen[32] = {false};
    dw_test_checks++;
    if (p->n_states > 32) {
        BAD("more states than the test can follow");
        return;
    }
    seen[initial ? (size_t)(initial - p->states) : 0] = true;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < p->n_steps; i++) {
            const dw_r_state_t *from = dw_r_state(p, p->steps[i].from), *to = dw_r_state(p, p->steps[i].to);
            if (from && to && seen[from - p->states] && !seen[to - p->states]) {
                seen[to - p->states] = grew = true;
            }
        }
    }
    bool reaches_final = false;
    for (size_t i = 0; i < p->n_states; i++) {
        if (!seen[i])
            BAD("state %s cannot be reached from %s", p->states[i].name, p->initial);
        reaches_final |= seen[i] && p->states[i].final;
    }
    if (!reaches_final)
        BAD("no final state can be reached");
#undef BAD
}

static void test_tables(void)
{
    size_t n = 0;
    const dw_r_procedure_t *const *all = dw_r_procedures(&n);
    for (size_t i = 0; i < n; i++)
        check_procedure(all[i]);
}

int main(void)
{
    test_lookups();
    test_target_declaration();
    test_monitor_report();
    test_deviation_case();
    test_selfeval();
    test_reevaluation();
    test_results_summary();
    test_refusals_everywhere();
    test_separation_of_duties();
    test_recall();
    test_return();
    test_reasons();
    test_remind_overdue();
    test_roles();
    test_tables();
    DW_TEST_DONE();
}
