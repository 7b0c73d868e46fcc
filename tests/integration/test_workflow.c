/* integration.workflow — the bureau's review procedures (seed 004, dw-route's
 * tables in services/route/r_procedure.c) driven through the real services:
 * documents and workflow.actions go in through dw-intake like any producer's,
 * and the test reads what dw-route wrote (documents, document_history, tasks,
 * rejects) and what dw-notify published (notices, task events, rejects).
 * Deadlines and holds are integration.workflow_time's.
 *
 * The clock stands on Monday 2 November 2026, with no holiday in the weeks
 * after it (the harness gives no calendar), so the working-day dates are:
 *   3 working days  Thu 2026-11-05      10  Mon 2026-11-16
 *   5               Mon 2026-11-09      15  Mon 2026-11-23
 *                                       20  Mon 2026-11-30
 * and 20 calendar days 2026-11-22. The People's Congress approved the 2026
 * budget on 26 October (route.budget_approved): the budget section approves
 * targets by 15 November. No accounts date is configured: the treasury's 20
 * days run from the step (2026-11-22). remind_workdays 0 keeps dw-route's
 * timers quiet (no due date falls on 2 November).
 *
 * Sections: 教科文股 biz_edu looks after 101 (reviewers 张明, 李华),
 * biz_social 102 and 103 (孙丽), biz_econ 104 (no reviewers: anyone).
 * 张明 is also a reviewer of 综合股 and 王芳 of 局党组, for the separation of
 * duties. Each case works on its own project of department 101 (104 for the
 * re-evaluation):
 *   001 target declaration, happy path, a revised version as round 2, an
 *       approval sent twice (intake dedup) and again under a new id
 *   002 every return of the target declaration
 *   003 a refusal in each state the declaration reaches without the clock,
 *       recall, a revision recalled back to published
 *   004 monitoring form    005 self-evaluation    006 deviation case
 *   007 self-evaluation returned by the treasury
 *   008 deviation case: recall by someone else, separation of duties
 *   009 published targets sent back by a deviation case's 调整绩效目标
 *   010 and RS-2024 a burst that dw-route reads in one batch
 *   104-001 re-evaluation; RS-2026 and RS-2025 the year's summaries. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_pg.h"
#include "dw_producer.h"
#include "dw_sender.h"
#include "dw_test.h"
#include "test_messages.h"

#define CONFIG                                                                                                        \
    "sections:\n"                                                                                                     \
    "  - {code: biz_edu, name: 教科文股, kind: business, depts: [\"101\"], reviewers: [张明, 李华]}\n"        \
    "  - {code: biz_social, name: 社会保障股, kind: business, depts: [\"102\", \"103\"], reviewers: [孙丽]}\n" \
    "  - {code: biz_econ, name: 经济建设股, kind: business, depts: [\"104\"]}\n"                                 \
    "  - {code: comprehensive, name: 综合股, kind: comprehensive, reviewers: [王芳, 赵强, 张明]}\n"          \
    "  - {code: budget, name: 预算股, kind: budget, reviewers: [陈静]}\n"                                        \
    "  - {code: treasury, name: 国库收付中心, kind: treasury, reviewers: [刘洋]}\n"                           \
    "  - {code: supervision, name: 监督检查股, kind: supervision, reviewers: [林涛]}\n"                        \
    "  - {code: leadership, name: 局党组, kind: leadership, reviewers: [周局长, 王芳]}\n"                     \
    "route:\n"                                                                                                        \
    "  remind_workdays: 0\n"                                                                                          \
    "  open_monitoring_rounds: false\n"                                                                               \
    "  budget_approved: [\"2026-10-26\"]\n"                                                                           \
    "clock:\n"                                                                                                        \
    "  as_of: \"2026-11-02\"\n"

#define TD  "target_declaration"
#define MR  "monitor_report"
#define SE  "selfeval"
#define DC  "deviation_case"
#define RE  "reevaluation"
#define RS  "results_summary"
#define TD1 "TD-2026-P2026-101-001"
#define TD2 "TD-2026-P2026-101-002"
#define TD3 "TD-2026-P2026-101-003"
#define MR4 "MR-2026-P2026-101-004-06"
#define SE5 "SE-2026-P2026-101-005"
#define DC6 "DC-P2026-101-006-1"
#define SE7 "SE-2026-P2026-101-007"
#define DC8 "DC-P2026-101-008-1"
#define TD9 "TD-2026-P2026-101-009"
#define DC9 "DC-P2026-101-009-1"
#define RE1 "RE-2026-P2026-104-001"

static dw_harness_t H;
static dw_sender_t S;

/* ---- reading the database ------------------------------------------------------ */

/* The first value of sql with up to two text parameters (NULL: fewer), or "". */
static void text_of(char *out, size_t n, const char *sql, const char *a, const char *b)
{
    const char *p[2] = {a, b};
    int np = a ? (b ? 2 : 1) : 0;
    PGresult *res = PQexecParams(H.db, sql, np, NULL, p, NULL, NULL, 0);
    out[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "query failed: %s: %s", sql, PQerrorMessage(H.db));
    else if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void expect_at(int line, const char *what, const char *got, const char *want)
{
    dw_test_checks++;
    if (strcmp(got, want) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s\n    got  \"%s\"\n    want \"%s\"\n", __FILE__, line, what, got, want);
    }
}

/* "state holder round due" of a document ("-" for no due date). */
static void doc_at(int line, const char *kind, const char *id, const char *want)
{
    char got[512];
    text_of(got, sizeof got,
            "SELECT concat_ws(' ', state, holder_code, round, coalesce(due_date::text, '-')) FROM documents "
            "WHERE doc_kind = $1 AND doc_id = $2",
            kind, id);
    expect_at(line, id, got, want);
}
#define DOC(kind, id, want) doc_at(__LINE__, kind, id, want)

/* Each step of a document's history: "round action actor/section/role from>to", "; " between. */
static void path_at(int line, const char *kind, const char *id, const char *want)
{
    char got[8192];
    text_of(got, sizeof got,
            "SELECT string_agg(concat_ws(' ', round, action, actor || '/' || section_code || '/' || role, "
            "from_state || '>' || to_state), '; ' ORDER BY step_no) FROM document_history "
            "WHERE doc_kind = $1 AND doc_id = $2",
            kind, id);
    expect_at(line, id, got, want);
}
#define PATH(kind, id, want) path_at(__LINE__, kind, id, want)

/* The history's step titles, "；" between. */
static void titles_at(int line, const char *kind, const char *id, const char *want)
{
    char got[8192];
    text_of(got, sizeof got,
            "SELECT string_agg(title, '；' ORDER BY step_no) FROM document_history WHERE doc_kind = $1 "
            "AND doc_id = $2",
            kind, id);
    expect_at(line, id, got, want);
}
#define TITLES(kind, id, want) titles_at(__LINE__, kind, id, want)

/* A document's tasks in the order they opened: "section:state" with ":open"
 * while open (a closed task keeps the state the document moved to), and the
 * task's kind first when it is not the document's own ("budget_cut@budget"). */
static void tasks_at(int line, const char *kind, const char *id, const char *want)
{
    char got[4096];
    text_of(got, sizeof got,
            "SELECT string_agg(CASE WHEN kind <> doc_kind THEN kind || '@' ELSE '' END || section_code || ':' || "
            "state || CASE WHEN closed_at IS NULL THEN ':open' ELSE '' END, ' ' ORDER BY task_id) FROM tasks "
            "WHERE doc_kind = $1 AND doc_id = $2",
            kind, id);
    expect_at(line, id, got, want);
}
#define TASKS(kind, id, want) tasks_at(__LINE__, kind, id, want)

/* ---- waiting for the services ------------------------------------------------- */

static int64_t int_of(const char *sql)
{
    return dw_harness_int(&H, sql);
}

/* Polls sql every 10 ms until it returns want (20 s at most); the last value. */
static int64_t wait_for(const char *sql, int64_t want)
{
    int64_t v = -1;
    for (int waited = 0; waited <= 20000; waited += 10) {
        if ((v = int_of(sql)) == want)
            return v;
        dw_harness_sleep_ms(10);
    }
    return v;
}

/* Until dw-validate has read all that was sent and dw-route all dw-validate wrote. */
static void settle(void)
{
    CHECK_INT(wait_for("SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'", S.last_seq),
              S.last_seq);
    int64_t written = int_of("SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'validate'");
    CHECK_INT(wait_for("SELECT seq FROM stage_cursors WHERE stage = 'route' AND upstream = 'validate'", written),
              written);
}

/* Until dw-notify has published all dw-route wrote. */
static void settle_notify(void)
{
    int64_t written = int_of("SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'route'");
    CHECK_INT(wait_for("SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'route'", written),
              written);
}

/* ---- what dw-notify published ----------------------------------------------- */

/* The events published on topic whose body has field match_field equal to
 * match (every event when match_field is NULL), each as the fields named in
 * fields ("kind,title,#round": '#' an integer), space-separated, "; " between. */
static void published(const char *topic, const char *match_field, const char *match, const char *fields, char *out,
                      size_t n)
{
    const char *p[1] = {topic};
    PGresult *res =
        PQexecParams(H.db, "SELECT envelope FROM outbox WHERE topic = $1 ORDER BY seq", 1, NULL, p, NULL, NULL, 0);
    size_t len = 0;
    out[0] = '\0';
    for (int r = 0; PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res); r++) {
        dw_buf_t raw = DW_BUF_INIT;
        dw_error_t err;
        dw_msg_t *m = dw_pg_bytea_decode(PQgetvalue(res, r, 0), (size_t)PQgetlength(res, r, 0), &raw) == 0
                          ? dw_msg_decode(raw.data, raw.len, NULL, &err)
                          : NULL;
        const dw_obj_t *b = m ? dw_msg_body(m) : NULL;
        const char *v = b && match_field ? dw_obj_str(b, match_field) : NULL;
        if (b && (!match_field || (v && strcmp(v, match) == 0))) {
            char names[256], one[2048] = "";
            size_t ol = 0;
            snprintf(names, sizeof names, "%s", fields);
            for (char *save = NULL, *f = strtok_r(names, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
                int64_t i = 0;
                const char *s = f[0] == '#' ? NULL : dw_obj_str(b, f);
                int w = f[0] == '#' ? snprintf(one + ol, sizeof one - ol, "%s%" PRId64, ol ? " " : "",
                                               dw_obj_int(b, f + 1, &i) ? i : -1)
                                    : snprintf(one + ol, sizeof one - ol, "%s%s", ol ? " " : "", s ? s : "-");
                if (w > 0 && (size_t)w < sizeof one - ol)
                    ol += (size_t)w;
            }
            int w = snprintf(out + len, n - len, "%s%s", len ? "; " : "", one);
            if (w > 0 && (size_t)w < n - len)
                len += (size_t)w;
        }
        dw_msg_destroy(&m);
        dw_buf_free(&raw);
    }
    PQclear(res);
}

static void published_at(int line, const char *topic, const char *match_field, const char *match, const char *fields,
                         const char *want)
{
    char got[8192];
    published(topic, match_field, match, fields, got, sizeof got);
    expect_at(line, topic, got, want);
}
#define PUBLISHED(topic, field, match, fields, want) published_at(__LINE__, topic, field, match, fields, want)

/* ---- the messages ------------------------------------------------------------- */

/* A workflow.action from dwctl with an id of its own. */
static dw_msg_t *wf(const char *kind, const char *doc_id, const char *action, const char *actor, const char *section)
{
    static int n;
    char id[32];
    snprintf(id, sizeof id, "WF-%03d", ++n);
    dw_msg_t *m = dw_msg_new("workflow.action", id, "dwctl", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "doc_kind", kind);
    dw_obj_set_str(b, "doc_id", doc_id);
    dw_obj_set_str(b, "action", action);
    dw_obj_set_str(b, "actor", actor);
    dw_obj_set_str(b, "section_code", section);
    return m;
}

/* m with a text field set (opinion, comment, to_state, decision, dept_code...). */
static dw_msg_t *with(dw_msg_t *m, const char *field, const char *value)
{
    dw_obj_set_str(dw_msg_body(m), field, value);
    return m;
}

/* m, its id copied into id (32 bytes) first. */
static dw_msg_t *keep_id(char *id, dw_msg_t *m)
{
    snprintf(id, 32, "%s", dw_msg_id(m));
    return m;
}

/* "open" of a document the sections start themselves. */
static dw_msg_t *open_doc(const char *kind, const char *doc_id, const char *actor, const char *section, int year,
                          const char *dept, const char *project)
{
    dw_msg_t *m = wf(kind, doc_id, "open", actor, section);
    dw_obj_set_int(dw_msg_body(m), "fiscal_year", year);
    if (dept)
        with(m, "dept_code", dept);
    if (project)
        with(m, "project_code", project);
    return m;
}

/* Version v of a project's targets: 12 schools rebuilt, the public satisfied. */
static dw_msg_t *declaration(const char *project, int64_t v)
{
    char id[64];
    snprintf(id, sizeof id, "TD-%s-v%" PRId64, project, v);
    dw_msg_t *m = vf_declaration(id, project, "101", v, "改善全市12所农村义务教育学校办学条件");
    vf_target(m, "IND-001", "output", "quantity", "改造学校数量", "ge", "12", "20");
    vf_target(m, "IND-002", "satisfaction", "satisfaction", "群众满意度", "qualitative", "群众基本满意", "10");
    return m;
}

/* The form for months 1-6, behind on its schools with the cause given. */
static dw_msg_t *form(const char *project)
{
    char id[64];
    snprintf(id, sizeof id, "MR-%s-06", project);
    dw_msg_t *m = vf_form(id, project, "101", 6, "2026-07-08");
    vf_row(m, "IND-001", "5", "12", "possible", "funding", "部分学校施工许可办理滞后", "协调住建部门加快审批");
    vf_row(m, "IND-002", "较满意", NULL, "certain", NULL, NULL, NULL);
    return m;
}

static dw_msg_t *selfeval(const char *project)
{
    char id[64];
    snprintf(id, sizeof id, "SE-%s", project);
    dw_msg_t *m = vf_selfeval(id, project, "101", "92");
    vf_actual(m, "IND-001", "12");
    vf_actual(m, "IND-002", "满意");
    return m;
}

/* ---- acting ------------------------------------------------------------------- */

static void send_at(int line, dw_msg_t *m)
{
    dw_sender_send(__FILE__, line, &S, m);
    settle();
}
#define SEND_DOC(m) send_at(__LINE__, (m))

/* An action that must apply: no refusal, and the document ends "state holder round due". */
static void go_at(int line, dw_msg_t *m, const char *want)
{
    char kind[32], doc_id[80], id[32], rejected[256];
    snprintf(kind, sizeof kind, "%s", dw_obj_str(dw_msg_body(m), "doc_kind"));
    snprintf(doc_id, sizeof doc_id, "%s", dw_obj_str(dw_msg_body(m), "doc_id"));
    snprintf(id, sizeof id, "%s", dw_msg_id(m));
    send_at(line, m);
    text_of(rejected, sizeof rejected, "SELECT string_agg(message, '; ') FROM rejects WHERE src = 'dwctl' AND id = $1",
            id, NULL);
    expect_at(line, "refused", rejected, "");
    doc_at(line, kind, doc_id, want);
}
#define GO(m, want) go_at(__LINE__, (m), want)

/* Everything a refusal must leave as it was: the document's row, and every
 * table and output of dw-route but its rejects. */
static void snapshot(const char *kind, const char *doc_id, char *out, size_t n)
{
    text_of(out, n,
            "SELECT concat_ws('|', (SELECT concat_ws(',', state, holder_role, holder_code, round, due_date, "
            "submitted_by, submitted_from, next_step_acted, decision, task_id, steps, closed_at, updated_at) "
            "FROM documents WHERE doc_kind = $1 AND doc_id = $2), "
            "(SELECT count(*) FROM documents), (SELECT max(updated_at) FROM documents), "
            "(SELECT count(*) FROM document_history), (SELECT count(*) FROM tasks), "
            "(SELECT count(*) FROM tasks WHERE closed_at IS NULL), (SELECT max(updated_at) FROM tasks), "
            "(SELECT count(*) FROM treasury_instructions), "
            "(SELECT count(*) FROM stage_events WHERE stage = 'route' AND type <> 'reject.notice'))",
            kind, doc_id);
}

/* An action that must be refused with rule: one rejects row of stage route
 * with that rule id, and nothing else changed. */
static void refuse_at(int line, dw_msg_t *m, const char *rule)
{
    char kind[32], doc_id[80], id[32], before[2048], after[2048], got[256];
    snprintf(kind, sizeof kind, "%s", dw_obj_str(dw_msg_body(m), "doc_kind"));
    snprintf(doc_id, sizeof doc_id, "%s", dw_obj_str(dw_msg_body(m), "doc_id"));
    snprintf(id, sizeof id, "%s", dw_msg_id(m));
    snapshot(kind, doc_id, before, sizeof before);
    send_at(line, m);
    text_of(got, sizeof got,
            "SELECT string_agg(coalesce(rule_id, '?') || ' ' || code || ' ' || type || ' ' || field, '; ') "
            "FROM rejects WHERE stage = 'route' AND src = 'dwctl' AND id = $1",
            id, NULL);
    char want[128];
    snprintf(want, sizeof want, "%s rule_violation workflow.action body.action", rule);
    expect_at(line, id, got, want);
    snapshot(kind, doc_id, after, sizeof after);
    expect_at(line, "changed by a refusal", after, before);
}
#define REFUSE(m, rule) refuse_at(__LINE__, (m), rule)

/* ---- the cases ---------------------------------------------------------------- */

static void budget(void)
{
    for (int i = 1; i <= 10; i++) {
        char id[32], line[32], project[32];
        snprintf(id, sizeof id, "B-%d", i);
        snprintf(line, sizeof line, "ZB2026-101-%04d", i);
        snprintf(project, sizeof project, "P2026-101-%03d", i);
        dw_sender_send(__FILE__, __LINE__, &S,
                       vf_allocation(id, line, "101", "101001", project, "31002", "biz_edu", 100000000));
    }
    dw_sender_send(
        __FILE__, __LINE__, &S,
        vf_allocation("B-11", "ZB2026-104-0001", "104", "104001", "P2026-104-001", "31002", "biz_econ", 50000000));
    settle();
    CHECK_INT(int_of("SELECT count(*) FROM budget_lines"), 11);
}

/* 001: 申报 -> 业务股室初审 -> 综合股复审 -> 预算股批复 -> 公开, then a revised version as round 2. */
static void target_declaration(void)
{
    SEND_DOC(declaration("P2026-101-001", 1));
    DOC(TD, TD1, "business_review biz_edu 1 2026-11-09");
    GO(with(wf(TD, TD1, "pass", "张明", "biz_edu"), "opinion", "目标完整、相关、适当、可行"),
       "comprehensive_review comprehensive 1 2026-11-09");
    /* 20 days from the People's Congress' 26 October */
    GO(wf(TD, TD1, "pass", "王芳", "comprehensive"), "budget_approval budget 1 2026-11-15");

    /* the approval twice with the same src and id: dw-intake stores it once */
    dw_msg_t *approve = with(wf(TD, TD1, "approve", "陈静", "budget"), "opinion", "随部门预算批复");
    char approve_id[32];
    snprintf(approve_id, sizeof approve_id, "%s", dw_msg_id(approve));
    dw_msg_t *again = dw_msg_new("workflow.action", approve_id, "dwctl", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(again);
    dw_obj_set_str(b, "doc_kind", TD);
    dw_obj_set_str(b, "doc_id", TD1);
    dw_obj_set_str(b, "action", "approve");
    dw_obj_set_str(b, "actor", "陈静");
    dw_obj_set_str(b, "section_code", "budget");
    dw_obj_set_str(b, "opinion", "随部门预算批复");
    GO(approve, "approved 101 1 2026-11-22");
    dw_test_ack_t ack;
    CHECK(dw_test_send(S.dealer, again, &ack) == 0 && ack.ok && ack.dup);
    settle();
    char stored[32];
    text_of(stored, sizeof stored, "SELECT count(*) FROM workflow_actions WHERE src = 'dwctl' AND id = $1", approve_id,
            NULL);
    CHECK_STR(stored, "1");
    /* and under another id: the state has moved on, refused */
    REFUSE(with(wf(TD, TD1, "approve", "陈静", "budget"), "opinion", "随部门预算批复"), "W-STATE-001");
    DOC(TD, TD1, "approved 101 1 2026-11-22");

    GO(wf(TD, TD1, "publish", "教育局办公室", "101"), "published 101 1 -");
    /* 002 §24: targets adjusted in the year go the same way again */
    SEND_DOC(declaration("P2026-101-001", 2));
    DOC(TD, TD1, "business_review biz_edu 2 2026-11-09");

    PATH(TD, TD1,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "1 pass 王芳/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "1 approve 陈静/budget/budget budget_approval>approved; "
         "1 publish 教育局办公室/101/department approved>published; "
         "2 revise portal/101/department published>business_review");
    TITLES(TD, TD1,
           "新建绩效目标申报、审核和批复；预算部门申报绩效目标；业务股室初审通过，转综合股复审；综合股复审通过；"
           "预算股随部门预算批复绩效目标；预算部门公开绩效目标；预算部门申请调整绩效目标");
    char got[512];
    text_of(got, sizeof got,
            "SELECT concat_ws('|', opinion, comment, holder_code, due_date, as_of, upstream) FROM document_history "
            "WHERE doc_kind = $1 AND doc_id = $2 AND step_no = 3",
            TD, TD1);
    CHECK_STR(got, "目标完整、相关、适当、可行|comprehensive|2026-11-09|2026-11-02|validate");
    text_of(got, sizeof got,
            "SELECT string_agg(coalesce(comment, '-'), ' ' ORDER BY step_no) FROM document_history "
            "WHERE doc_kind = $1 AND doc_id = $2 AND action IN ('submit', 'revise')",
            TD, TD1);
    CHECK_STR(got, "第1版 第2版");
    /* the document arrived submitted: no task for the department in draft */
    TASKS(TD, TD1,
          "biz_edu:comprehensive_review comprehensive:budget_approval budget:approved 101:published "
          "101:business_review biz_edu:business_review:open");
    text_of(got, sizeof got,
            "SELECT concat_ws(' ', t.section_code, t.due_date, t.task_id = d.task_id) FROM tasks t JOIN documents d "
            "USING (doc_kind, doc_id) WHERE t.doc_id = $1 AND t.closed_at IS NULL",
            TD1, NULL);
    CHECK_STR(got, "biz_edu 2026-11-09 t");
}

/* 002: each return of the target declaration. */
static void returns(void)
{
    SEND_DOC(declaration("P2026-101-002", 1));
    DOC(TD, TD2, "business_review biz_edu 1 2026-11-09");
    REFUSE(wf(TD, TD2, "return", "张明", "biz_edu"), "W-RETURN-001");
    REFUSE(
        with(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "请补充"), "to_state", "comprehensive_review"),
        "W-RETURN-002");
    /* 业务股室 -> the department */
    GO(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "指标不够细化，请补充产出质量指标"),
       "revising 101 1 2026-11-16");
    /* the revised version: round 2, round 1 kept in the history */
    SEND_DOC(declaration("P2026-101-002", 2));
    DOC(TD, TD2, "business_review biz_edu 2 2026-11-09");
    GO(wf(TD, TD2, "pass", "李华", "biz_edu"), "comprehensive_review comprehensive 2 2026-11-09");
    /* 综合股 -> 业务股室 */
    GO(with(wf(TD, TD2, "return", "王芳", "comprehensive"), "opinion", "请业务股室重新审核指标的可衡量性"),
       "business_review biz_edu 2 2026-11-09");
    GO(wf(TD, TD2, "pass", "张明", "biz_edu"), "comprehensive_review comprehensive 2 2026-11-09");
    GO(wf(TD, TD2, "pass", "赵强", "comprehensive"), "budget_approval budget 2 2026-11-15");
    /* 预算股 -> 综合股 */
    GO(with(wf(TD, TD2, "return", "陈静", "budget"), "opinion", "与部门预算安排不一致"),
       "comprehensive_review comprehensive 2 2026-11-09");
    GO(wf(TD, TD2, "pass", "王芳", "comprehensive"), "budget_approval budget 2 2026-11-15");
    /* 预算股 -> a named earlier step: the step's holder, the return row's 5 working days */
    GO(with(with(wf(TD, TD2, "return", "陈静", "budget"), "opinion", "请业务股室核实项目单价"), "to_state",
            "business_review"),
       "business_review biz_edu 2 2026-11-09");
    /* not earlier: a later step, the same step, a closed one, none */
    REFUSE(with(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "退回"), "to_state", "budget_approval"),
           "W-RETURN-002");
    REFUSE(with(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "退回"), "to_state", "business_review"),
           "W-RETURN-002");
    REFUSE(with(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "退回"), "to_state", "referred"),
           "W-RETURN-002");
    REFUSE(with(with(wf(TD, TD2, "return", "张明", "biz_edu"), "opinion", "退回"), "to_state", "nowhere"),
           "W-RETURN-002");

    PATH(TD, TD2,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 return 张明/biz_edu/business business_review>revising; "
         "2 submit portal/101/department revising>business_review; "
         "2 pass 李华/biz_edu/business business_review>comprehensive_review; "
         "2 return 王芳/comprehensive/comprehensive comprehensive_review>business_review; "
         "2 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "2 pass 赵强/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "2 return 陈静/budget/budget budget_approval>comprehensive_review; "
         "2 pass 王芳/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "2 return 陈静/budget/budget budget_approval>business_review");
    TITLES(TD, TD2,
           "新建绩效目标申报、审核和批复；预算部门申报绩效目标；业务股室退回预算部门修改；预算部门修改完善后重新上报；"
           "业务股室初审通过，转综合股复审；综合股复审退回业务股室；业务股室初审通过，转综合股复审；综合股复审通过；"
           "预算股退回综合股；综合股复审通过；预算股退回综合股");
    char got[512];
    text_of(got, sizeof got,
            "SELECT string_agg(concat_ws(' ', step_no, opinion, holder_code, due_date), '; ' ORDER BY step_no) "
            "FROM document_history WHERE doc_kind = $1 AND doc_id = $2 AND action = 'return'",
            TD, TD2);
    CHECK_STR(got, "3 指标不够细化，请补充产出质量指标 101 2026-11-16; "
                   "6 请业务股室重新审核指标的可衡量性 biz_edu 2026-11-09; "
                   "9 与部门预算安排不一致 comprehensive 2026-11-09; 11 请业务股室核实项目单价 biz_edu 2026-11-09");
    TASKS(TD, TD2,
          "biz_edu:revising 101:business_review biz_edu:comprehensive_review comprehensive:business_review "
          "biz_edu:comprehensive_review comprehensive:budget_approval budget:comprehensive_review "
          "comprehensive:budget_approval budget:business_review biz_edu:business_review:open");
}

/* 003: a refusal in each state, recall. */
static void refusals(void)
{
    SEND_DOC(declaration("P2026-101-003", 1));
    /* business_review */
    DOC(TD, TD3, "business_review biz_edu 1 2026-11-09");
    REFUSE(wf(TD, TD3, "approve", "陈静", "budget"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "pass", "王芳", "comprehensive"), "W-ROLE-001");
    REFUSE(wf(TD, TD3, "pass", "101", "101"), "W-ROLE-001");
    REFUSE(wf(TD, TD3, "pass", "钱进", "biz_edu"), "W-ROLE-002");
    REFUSE(wf(TD, TD3, "pass", "孙丽", "biz_social"), "W-ROLE-003");
    REFUSE(wf(TD, TD3, "recall", "卫生健康委财务科", "102"), "W-ROLE-003");
    REFUSE(wf(TD, TD3, "recall", "张明", "biz_edu"), "W-ROLE-001");

    /* the department recalls before the business section acts: back to draft, the task with it */
    GO(wf(TD, TD3, "recall", "教育局财务科", "101"), "draft 101 1 -");
    TASKS(TD, TD3, "biz_edu:draft 101:draft:open");
    /* draft */
    REFUSE(wf(TD, TD3, "pass", "张明", "biz_edu"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "submit", "王芳", "comprehensive"), "W-ROLE-001");
    GO(wf(TD, TD3, "submit", "教育局财务科", "101"), "business_review biz_edu 2 2026-11-09");

    GO(wf(TD, TD3, "pass", "张明", "biz_edu"), "comprehensive_review comprehensive 2 2026-11-09");
    /* comprehensive_review: no recall there */
    REFUSE(wf(TD, TD3, "recall", "教育局财务科", "101"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "publish", "教育局财务科", "101"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "pass", "李华", "biz_edu"), "W-ROLE-001");
    /* back in business_review after 综合股 acted: the round is no longer the department's to recall */
    GO(with(wf(TD, TD3, "return", "王芳", "comprehensive"), "opinion", "请复核"),
       "business_review biz_edu 2 2026-11-09");
    REFUSE(wf(TD, TD3, "recall", "教育局财务科", "101"), "W-RECALL-001");

    GO(wf(TD, TD3, "pass", "张明", "biz_edu"), "comprehensive_review comprehensive 2 2026-11-09");
    GO(wf(TD, TD3, "pass", "王芳", "comprehensive"), "budget_approval budget 2 2026-11-15");
    /* budget_approval */
    REFUSE(wf(TD, TD3, "pass", "王芳", "comprehensive"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "approve", "王芳", "comprehensive"), "W-ROLE-001");
    REFUSE(wf(TD, TD3, "approve", "赵六", "budget"), "W-ROLE-002");

    GO(wf(TD, TD3, "approve", "陈静", "budget"), "approved 101 2 2026-11-22");
    /* approved */
    REFUSE(wf(TD, TD3, "approve", "陈静", "budget"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "publish", "张明", "biz_edu"), "W-ROLE-001");
    REFUSE(wf(TD, TD3, "overdue", "王芳", "comprehensive"), "W-ROLE-001");

    GO(wf(TD, TD3, "publish", "教育局财务科", "101"), "published 101 2 -");
    /* published */
    REFUSE(wf(TD, TD3, "publish", "教育局财务科", "101"), "W-STATE-001");
    REFUSE(with(wf(TD, TD3, "revise", "张明", "biz_edu"), "opinion", "调整"), "W-ROLE-001");
    REFUSE(wf(TD, TD3, "revise", "教育局财务科", "101"), "W-REASON-001");

    /* a revision recalled goes back to published, where it came from */
    GO(with(wf(TD, TD3, "revise", "教育局财务科", "101"), "comment", "调整产出数量指标"),
       "business_review biz_edu 3 2026-11-09");
    GO(wf(TD, TD3, "recall", "教育局财务科", "101"), "published 101 3 -");
    GO(with(wf(TD, TD3, "revise", "教育局财务科", "101"), "comment", "调整产出数量指标"),
       "business_review biz_edu 4 2026-11-09");
    GO(with(wf(TD, TD3, "return", "李华", "biz_edu"), "opinion", "调整依据不足"), "revising 101 4 2026-11-16");
    /* revising */
    REFUSE(wf(TD, TD3, "pass", "张明", "biz_edu"), "W-STATE-001");
    REFUSE(wf(TD, TD3, "submit", "张明", "biz_edu"), "W-ROLE-001");

    PATH(TD, TD3,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 recall 教育局财务科/101/department business_review>draft; "
         "2 submit 教育局财务科/101/department draft>business_review; "
         "2 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "2 return 王芳/comprehensive/comprehensive comprehensive_review>business_review; "
         "2 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "2 pass 王芳/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "2 approve 陈静/budget/budget budget_approval>approved; "
         "2 publish 教育局财务科/101/department approved>published; "
         "3 revise 教育局财务科/101/department published>business_review; "
         "3 recall 教育局财务科/101/department business_review>published; "
         "4 revise 教育局财务科/101/department published>business_review; "
         "4 return 李华/biz_edu/business business_review>revising");
    TASKS(TD, TD3,
          "biz_edu:draft 101:business_review biz_edu:comprehensive_review comprehensive:business_review "
          "biz_edu:comprehensive_review comprehensive:budget_approval budget:approved 101:published "
          "101:business_review biz_edu:published 101:business_review biz_edu:revising 101:revising:open");

    /* a document dw-route does not have */
    REFUSE(wf(TD, "TD-2026-P2026-101-999", "pass", "张明", "biz_edu"), "W-DOC-001");
    CHECK_INT(int_of("SELECT count(*) FROM documents WHERE doc_id = 'TD-2026-P2026-101-999'"), 0);

    /* the task moved back and forth: biz_edu's first task closed, the department's opened */
    settle_notify();
    PUBLISHED("task.biz_edu.", "doc_id", TD3, "event,state,#round",
              "opened business_review 1; acted draft 1; opened business_review 2; acted comprehensive_review 2; "
              "opened business_review 2; acted comprehensive_review 2; opened business_review 3; acted published 3; "
              "opened business_review 4; acted revising 4");
    PUBLISHED("task.101.", "doc_id", TD3, "event,state,#round",
              "opened draft 1; acted business_review 2; opened approved 2; acted published 2; opened published 2; "
              "acted business_review 3; opened published 3; acted business_review 4; opened revising 4");
}

/* 004: 报送《绩效运行监控表》 -> 业务股室审核, 纠偏意见 -> 综合股复核 -> 意见反馈 -> 整改通知 -> 整改 -> 办结. */
static void monitoring(void)
{
    SEND_DOC(declaration("P2026-101-004", 1));
    SEND_DOC(form("P2026-101-004"));
    DOC(MR, MR4, "business_review biz_edu 1 2026-11-09");
    REFUSE(wf(MR, MR4, "pass_correct", "张明", "biz_edu"), "W-REASON-001");
    GO(with(wf(MR, MR4, "pass_correct", "张明", "biz_edu"), "opinion", "项目进度滞后于序时进度，请加快实施"),
       "comprehensive_review comprehensive 1 2026-11-09");
    GO(wf(MR, MR4, "confirm", "王芳", "comprehensive"), "opinion_back biz_edu 1 2026-11-05");
    GO(with(wf(MR, MR4, "notify_rectification", "张明", "biz_edu"), "opinion", "请于限期内完成整改"),
       "rectifying 101 1 2026-11-23");
    /* the rectification report is a submission of the department's: it starts round 2 */
    GO(with(wf(MR, MR4, "report_rectification", "教育局财务科", "101"), "comment", "已调整施工计划，进度已追上"),
       "rectification_review biz_edu 2 2026-11-09");
    GO(wf(MR, MR4, "close", "李华", "biz_edu"), "closed system 2 -");
    CHECK_INT(int_of("SELECT count(*) FROM documents WHERE doc_id = '" MR4 "' AND closed_at IS NOT NULL "
                     "AND task_id IS NULL AND holder_role = 'system' AND decision = 'correct'"),
              1);
    /* a closed document */
    REFUSE(wf(MR, MR4, "close", "李华", "biz_edu"), "W-STATE-001");

    PATH(MR, MR4,
         "1 open dw-route/system/system new>open; 1 submit portal/101/department open>business_review; "
         "1 pass_correct 张明/biz_edu/business business_review>comprehensive_review; "
         "1 confirm 王芳/comprehensive/comprehensive comprehensive_review>opinion_back; "
         "1 notify_rectification 张明/biz_edu/business opinion_back>rectifying; "
         "2 report_rectification 教育局财务科/101/department rectifying>rectification_review; "
         "2 close 李华/biz_edu/business rectification_review>closed");
    TITLES(
        MR, MR4,
        "新建绩效运行监控；预算部门报送《绩效运行监控表》；业务股室审核，提出纠偏意见；综合股复核，意见反馈业务股室；"
        "下达问题整改通知；预算部门报送整改情况；整改到位，办结");
    TASKS(MR, MR4,
          "biz_edu:comprehensive_review comprehensive:opinion_back biz_edu:rectifying 101:rectification_review "
          "biz_edu:closed");
    char got[256];
    text_of(got, sizeof got, "SELECT title FROM documents WHERE doc_kind = $1 AND doc_id = $2", MR, MR4);
    CHECK_STR(got, "项目 P2026-101-004 1-6月绩效运行监控");
    /* the rectification notice to the department, with its deadline */
    settle_notify();
    PUBLISHED("notice.101.", "project_code", "P2026-101-004", "kind,title,due_date,text",
              "rectification 关于项目 P2026-101-004 1-6月绩效运行监控问题的整改通知 2026-11-23 "
              "下达问题整改通知。审核意见：请于限期内完成整改。请于 2026-11-23 前完成整改并报送整改情况。");
    PUBLISHED("task.biz_edu.", "doc_id", MR4, "event,state",
              "opened business_review; acted comprehensive_review; "
              "opened opinion_back; acted rectifying; opened rectification_review; closed closed");
}

/* 005: 自评价报告 -> 业务股室审核 -> 综合股复审 -> 国库收付中心批复 -> 公开. */
static void self_evaluation(void)
{
    SEND_DOC(declaration("P2026-101-005", 1));
    SEND_DOC(selfeval("P2026-101-005"));
    DOC(SE, SE5, "business_review biz_edu 1 2026-11-09");
    GO(wf(SE, SE5, "pass", "张明", "biz_edu"), "comprehensive_review comprehensive 1 2026-11-09");
    GO(wf(SE, SE5, "pass", "王芳", "comprehensive"), "treasury_approval treasury 1 2026-11-22");
    GO(wf(SE, SE5, "approve", "刘洋", "treasury"), "approved 101 1 2026-11-22");
    GO(wf(SE, SE5, "publish", "教育局财务科", "101"), "published system 1 -");
    REFUSE(wf(SE, SE5, "publish", "教育局财务科", "101"), "W-STATE-001");
    PATH(SE, SE5,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "1 pass 王芳/comprehensive/comprehensive comprehensive_review>treasury_approval; "
         "1 approve 刘洋/treasury/treasury treasury_approval>approved; "
         "1 publish 教育局财务科/101/department approved>published");
    TITLES(SE, SE5,
           "新建绩效自评价；预算部门随部门决算报送自评价报告；业务股室审核通过；综合股复审通过；国库收付中心随部门决算"
           "批复；"
           "预算部门公开绩效自评价报告");
    TASKS(SE, SE5, "biz_edu:comprehensive_review comprehensive:treasury_approval treasury:approved 101:published");
    CHECK_INT(int_of("SELECT count(*) FROM documents WHERE doc_id = '" SE5 "' AND closed_at IS NOT NULL "
                     "AND task_id IS NULL"),
              1);

    /* 007: the treasury returns to 综合股 */
    SEND_DOC(declaration("P2026-101-007", 1));
    SEND_DOC(selfeval("P2026-101-007"));
    GO(wf(SE, SE7, "pass", "李华", "biz_edu"), "comprehensive_review comprehensive 1 2026-11-09");
    GO(wf(SE, SE7, "pass", "赵强", "comprehensive"), "treasury_approval treasury 1 2026-11-22");
    REFUSE(wf(SE, SE7, "approve", "张三", "treasury"), "W-ROLE-002");
    REFUSE(wf(SE, SE7, "approve", "陈静", "budget"), "W-ROLE-001");
    REFUSE(wf(SE, SE7, "return", "刘洋", "treasury"), "W-RETURN-001");
    GO(with(wf(SE, SE7, "return", "刘洋", "treasury"), "opinion", "自评分与指标完成情况不符"),
       "comprehensive_review comprehensive 1 2026-11-09");
    GO(wf(SE, SE7, "pass", "赵强", "comprehensive"), "treasury_approval treasury 1 2026-11-22");
    GO(wf(SE, SE7, "approve", "刘洋", "treasury"), "approved 101 1 2026-11-22");
    PATH(SE, SE7,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 pass 李华/biz_edu/business business_review>comprehensive_review; "
         "1 pass 赵强/comprehensive/comprehensive comprehensive_review>treasury_approval; "
         "1 return 刘洋/treasury/treasury treasury_approval>comprehensive_review; "
         "1 pass 赵强/comprehensive/comprehensive comprehensive_review>treasury_approval; "
         "1 approve 刘洋/treasury/treasury treasury_approval>approved");
}

/* 006: a case the business section opens: 研判 -> 处置建议 -> 综合股审定, carried out by revised targets. */
static void deviation_case(void)
{
    REFUSE(open_doc(DC, DC6, "王芳", "comprehensive", FY, "101", "P2026-101-006"), "W-OPEN-001");
    GO(open_doc(DC, DC6, "李华", "biz_edu", FY, "101", "P2026-101-006"), "business_review biz_edu 1 2026-11-16");
    REFUSE(open_doc(DC, DC6, "李华", "biz_edu", FY, "101", "P2026-101-006"), "W-OPEN-002");
    REFUSE(with(wf(DC, DC6, "propose", "李华", "biz_edu"), "opinion", "建议调整绩效目标"), "W-DECISION-001");
    /* nothing proposed yet: a decide without a decision has none to confirm */
    REFUSE(with(wf(DC, DC6, "decide", "王芳", "comprehensive"), "opinion", "同意"), "W-DECISION-001");
    GO(with(with(wf(DC, DC6, "propose", "李华", "biz_edu"), "opinion", "绩效目标设置偏高，建议调整绩效目标"),
            "decision", "adjust_targets"),
       "comprehensive_review comprehensive 1 2026-11-09");
    /* without a decision the comprehensive section confirms the proposal */
    GO(with(wf(DC, DC6, "decide", "王芳", "comprehensive"), "opinion", "同意调整绩效目标"), "in_effect system 1 -");
    CHECK_INT(int_of("SELECT count(*) FROM documents WHERE doc_id = '" DC6 "' AND decision = 'adjust_targets' "
                     "AND task_id IS NULL AND closed_at IS NULL"),
              1);
    /* the project has no targets in the workflow yet: the department is told to declare them again */
    settle_notify();
    PUBLISHED("notice.101.", "project_code", "P2026-101-006", "kind,title,due_date,text",
              "correction_opinion 关于调整项目 P2026-101-006 绩效目标的通知 - "
              "经偏离处置审定，项目 P2026-101-006 的绩效目标需调整，请按程序修改绩效目标后重新申报。");
    /* the revised targets arrive: the case is carried out */
    SEND_DOC(declaration("P2026-101-006", 1));
    DOC(DC, DC6, "closed system 1 -");
    DOC(TD, "TD-2026-P2026-101-006", "business_review biz_edu 1 2026-11-09");
    PATH(DC, DC6,
         "1 open 李华/biz_edu/business new>business_review; "
         "1 propose 李华/biz_edu/business business_review>comprehensive_review; "
         "1 decide 王芳/comprehensive/comprehensive comprehensive_review>in_effect; "
         "1 adjusted dw-route/system/system in_effect>closed");
    TITLES(DC, DC6, "新建偏离处置；业务股室提出分类处置建议；综合股审定处置决定；已按程序调减预算、调整绩效目标，办结");
    char got[256];
    text_of(got, sizeof got,
            "SELECT string_agg(coalesce(decision, '-'), ' ' ORDER BY step_no) FROM document_history "
            "WHERE doc_kind = $1 AND doc_id = $2",
            DC, DC6);
    CHECK_STR(got, "- adjust_targets adjust_targets adjust_targets");
    text_of(got, sizeof got, "SELECT title FROM documents WHERE doc_kind = $1 AND doc_id = $2", DC, DC6);
    CHECK_STR(got, "项目 P2026-101-006 偏离处置（biz_edu 发起）");
    TASKS(DC, DC6, "biz_edu:comprehensive_review comprehensive:in_effect");

    /* 009: published targets go back to the department with a notice, and the
       revised version carries the decision out */
    SEND_DOC(declaration("P2026-101-009", 1));
    GO(wf(TD, TD9, "pass", "张明", "biz_edu"), "comprehensive_review comprehensive 1 2026-11-09");
    GO(wf(TD, TD9, "pass", "王芳", "comprehensive"), "budget_approval budget 1 2026-11-15");
    GO(wf(TD, TD9, "approve", "陈静", "budget"), "approved 101 1 2026-11-22");
    GO(wf(TD, TD9, "publish", "教育局财务科", "101"), "published 101 1 -");
    GO(open_doc(DC, DC9, "李华", "biz_edu", FY, "101", "P2026-101-009"), "business_review biz_edu 1 2026-11-16");
    GO(with(with(wf(DC, DC9, "propose", "李华", "biz_edu"), "opinion", "受益对象减少，建议调整绩效目标"), "decision",
            "adjust_targets"),
       "comprehensive_review comprehensive 1 2026-11-09");
    GO(with(wf(DC, DC9, "decide", "赵强", "comprehensive"), "opinion", "同意调整"), "in_effect system 1 -");
    DOC(TD, TD9, "revising 101 1 2026-11-16");
    settle_notify();
    PUBLISHED("notice.101.", "project_code", "P2026-101-009", "kind,title,due_date,text",
              "correction_opinion 关于调整项目 P2026-101-009 绩效目标的通知 2026-11-16 "
              "经偏离处置审定，项目 P2026-101-009 绩效目标需调整。请于 2026-11-16 "
              "前按程序修改绩效目标后重新申报（财政部门审核后批复）。");
    SEND_DOC(declaration("P2026-101-009", 2));
    DOC(TD, TD9, "business_review biz_edu 2 2026-11-09");
    DOC(DC, DC9, "closed system 1 -");
    PATH(TD, TD9,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "1 pass 王芳/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "1 approve 陈静/budget/budget budget_approval>approved; "
         "1 publish 教育局财务科/101/department approved>published; "
         "1 reopen dw-route/system/system published>revising; "
         "2 submit portal/101/department revising>business_review");
    text_of(got, sizeof got,
            "SELECT concat_ws('|', title, comment) FROM document_history WHERE doc_kind = $1 AND doc_id = $2 "
            "AND action = 'reopen'",
            TD, TD9);
    CHECK_STR(got, "偏离处置决定调整绩效目标，退回预算部门修改|同意调整");
    TASKS(TD, TD9,
          "biz_edu:comprehensive_review comprehensive:budget_approval budget:approved 101:published 101:revising "
          "101:business_review biz_edu:business_review:open");
    PATH(DC, DC9,
         "1 open 李华/biz_edu/business new>business_review; "
         "1 propose 李华/biz_edu/business business_review>comprehensive_review; "
         "1 decide 赵强/comprehensive/comprehensive comprehensive_review>in_effect; "
         "1 adjusted dw-route/system/system in_effect>closed");
}

/* 008: recall by someone else, the proposer deciding, a return, the decision carried out. */
static void separation_of_duties(void)
{
    GO(open_doc(DC, DC8, "张明", "biz_edu", FY, "101", "P2026-101-008"), "business_review biz_edu 1 2026-11-16");
    GO(with(with(wf(DC, DC8, "propose", "张明", "biz_edu"), "opinion", "支出进度严重滞后，建议调减预算"), "decision",
            "reduce_budget"),
       "comprehensive_review comprehensive 1 2026-11-09");
    REFUSE(wf(DC, DC8, "recall", "李华", "biz_edu"), "W-RECALL-002");
    GO(wf(DC, DC8, "recall", "张明", "biz_edu"), "business_review biz_edu 1 -");
    GO(with(with(wf(DC, DC8, "propose", "张明", "biz_edu"), "opinion", "支出进度严重滞后，建议调减预算"), "decision",
            "reduce_budget"),
       "comprehensive_review comprehensive 2 2026-11-09");
    /* 张明 is a reviewer of 综合股 too, but proposed this round */
    REFUSE(with(wf(DC, DC8, "decide", "张明", "comprehensive"), "opinion", "同意"), "W-DUTY-001");
    REFUSE(with(with(wf(DC, DC8, "decide", "张明", "comprehensive"), "opinion", "同意"), "decision", "suspend"),
           "W-DUTY-001");
    REFUSE(wf(DC, DC8, "return", "赵强", "comprehensive"), "W-RETURN-001");
    GO(with(wf(DC, DC8, "return", "赵强", "comprehensive"), "opinion", "请补充调减测算依据"),
       "business_review biz_edu 2 2026-11-09");
    GO(with(with(wf(DC, DC8, "propose", "李华", "biz_edu"), "opinion", "测算后建议调减30%"), "decision",
            "reduce_budget"),
       "comprehensive_review comprehensive 3 2026-11-09");
    /* 李华 proposed this round: 张明 may decide it */
    GO(with(wf(DC, DC8, "decide", "张明", "comprehensive"), "opinion", "同意调减预算"), "in_effect system 3 -");
    PATH(DC, DC8,
         "1 open 张明/biz_edu/business new>business_review; "
         "1 propose 张明/biz_edu/business business_review>comprehensive_review; "
         "1 recall 张明/biz_edu/business comprehensive_review>business_review; "
         "2 propose 张明/biz_edu/business business_review>comprehensive_review; "
         "2 return 赵强/comprehensive/comprehensive comprehensive_review>business_review; "
         "3 propose 李华/biz_edu/business business_review>comprehensive_review; "
         "3 decide 张明/comprehensive/comprehensive comprehensive_review>in_effect");
    /* 调减预算: a task and a request for 预算股, and the department told to revise its targets */
    TASKS(DC, DC8,
          "biz_edu:comprehensive_review comprehensive:business_review biz_edu:comprehensive_review "
          "comprehensive:business_review biz_edu:comprehensive_review comprehensive:in_effect "
          "budget_cut@budget:in_effect:open");
    settle_notify();
    PUBLISHED("notice.budget.", "project_code", "P2026-101-008", "kind,title",
              "budget_cut_request 关于调减项目 P2026-101-008 预算的申请");
    PUBLISHED("notice.101.", "project_code", "P2026-101-008", "kind", "correction_opinion");
}

/* 104-001: 综合股 plans and runs a re-evaluation, the department rectifies. */
static void reevaluation(void)
{
    dw_msg_t *m = open_doc(RE, RE1, "郑伟", "biz_econ", FY, "104", "P2026-104-001");
    REFUSE(m, "W-OPEN-001");
    m = open_doc(RE, RE1, "王芳", "comprehensive", FY, "104", "P2026-104-001");
    dw_obj_t *plan = dw_obj_set_map(dw_msg_body(m), "plan");
    dw_obj_set_str(plan, "scope", "农村公路提质改造项目2026年度资金");
    dw_obj_set_str(plan, "schedule", "2026年11月至12月");
    dw_obj_set_str(plan, "method", "成本效益分析法、比较法");
    dw_obj_set_str(plan, "indicators", "按原批复绩效目标及行业标准");
    GO(m, "evaluating comprehensive 1 -");
    GO(with(wf(RE, RE1, "record_results", "王芳", "comprehensive"), "opinion", "绩效等级为中，资金使用效益偏低"),
       "feedback 104 1 2026-11-30");
    REFUSE(wf(RE, RE1, "close", "赵强", "comprehensive"), "W-STATE-001");
    GO(with(wf(RE, RE1, "report_rectification", "交通局财务科", "104"), "comment", "已完善项目管理制度"),
       "rectification_review comprehensive 1 2026-11-09");
    GO(wf(RE, RE1, "close", "赵强", "comprehensive"), "closed system 1 -");
    PATH(RE, RE1,
         "1 open 王芳/comprehensive/comprehensive new>planning; "
         "1 open 王芳/comprehensive/comprehensive planning>evaluating; "
         "1 record_results 王芳/comprehensive/comprehensive evaluating>feedback; "
         "1 report_rectification 交通局财务科/104/department feedback>rectification_review; "
         "1 close 赵强/comprehensive/comprehensive rectification_review>closed");
    TITLES(RE, RE1,
           "新建绩效再评价；综合股制定再评价方案，组织实施；记录再评价结果，下达《绩效再评价结果反馈告知书》；"
           "预算部门报送整改情况；整改情况审核通过，办结");
    char got[1024];
    text_of(got, sizeof got, "SELECT comment FROM document_history WHERE doc_kind = $1 AND doc_id = $2 AND step_no = 2",
            RE, RE1);
    CHECK_STR(got, "评价范围：农村公路提质改造项目2026年度资金；时间安排：2026年11月至12月；"
                   "评价方法：成本效益分析法、比较法；指标体系及评价标准：按原批复绩效目标及行业标准");
    TASKS(RE, RE1, "comprehensive:evaluating comprehensive:feedback 104:rectification_review comprehensive:closed");
    settle_notify();
    PUBLISHED("notice.104.", "project_code", "P2026-104-001", "kind,title,due_date,text",
              "reevaluation_feedback 绩效再评价结果反馈告知书（2026年度 104 项目 P2026-104-001 绩效再评价） "
              "2026-11-30 2026年度 104 项目 P2026-104-001 绩效再评价结果：绩效等级为中，资金使用效益偏低。"
              "请于 2026-11-30 前落实整改并报送整改情况。");
}

/* RS-2026: 综合股汇总 -> 局党组审定; RS-2025: the leadership's return, the submitter as a leader. */
static void results_summary(void)
{
    REFUSE(open_doc(RS, "RS-2026", "陈静", "budget", FY, NULL, NULL), "W-OPEN-001");
    GO(open_doc(RS, "RS-2026", "王芳", "comprehensive", FY, NULL, NULL), "drafting comprehensive 1 -");
    GO(with(wf(RS, "RS-2026", "submit", "王芳", "comprehensive"), "comment", "附各部门评价结果"),
       "leadership_review leadership 1 -");
    GO(wf(RS, "RS-2026", "approve", "周局长", "leadership"), "approved system 1 -");
    PATH(RS, "RS-2026",
         "1 open 王芳/comprehensive/comprehensive new>drafting; "
         "1 submit 王芳/comprehensive/comprehensive drafting>leadership_review; "
         "1 approve 周局长/leadership/leadership leadership_review>approved");
    TITLES(RS, "RS-2026", "新建绩效评价结果应用；综合股汇总结果应用建议，上报局党组审议；局党组审定");
    char got[512];
    text_of(got, sizeof got,
            "SELECT concat_ws(' ', dept_code, title, closed_at IS NOT NULL) FROM documents "
            "WHERE doc_kind = $1 AND doc_id = $2",
            RS, "RS-2026");
    CHECK_STR(got, "bureau 2026年度绩效评价结果应用 t");
    TASKS(RS, "RS-2026", "comprehensive:leadership_review leadership:approved");

    GO(open_doc(RS, "RS-2025", "王芳", "comprehensive", 2025, NULL, NULL), "drafting comprehensive 1 -");
    GO(wf(RS, "RS-2025", "submit", "王芳", "comprehensive"), "leadership_review leadership 1 -");
    /* 王芳 is a reviewer of 局党组 too, but submitted this round */
    REFUSE(wf(RS, "RS-2025", "approve", "王芳", "leadership"), "W-DUTY-001");
    REFUSE(wf(RS, "RS-2025", "approve", "钱进", "leadership"), "W-ROLE-002");
    REFUSE(wf(RS, "RS-2025", "recall", "赵强", "comprehensive"), "W-RECALL-002");
    REFUSE(wf(RS, "RS-2025", "return", "周局长", "leadership"), "W-RETURN-001");
    GO(with(wf(RS, "RS-2025", "return", "周局长", "leadership"), "opinion", "请补充奖惩建议依据"),
       "drafting comprehensive 1 2026-11-16");
    GO(wf(RS, "RS-2025", "submit", "赵强", "comprehensive"), "leadership_review leadership 2 -");
    GO(wf(RS, "RS-2025", "approve", "王芳", "leadership"), "approved system 2 -");
    PATH(RS, "RS-2025",
         "1 open 王芳/comprehensive/comprehensive new>drafting; "
         "1 submit 王芳/comprehensive/comprehensive drafting>leadership_review; "
         "1 return 周局长/leadership/leadership leadership_review>drafting; "
         "2 submit 赵强/comprehensive/comprehensive drafting>leadership_review; "
         "2 approve 王芳/leadership/leadership leadership_review>approved");

    settle_notify();
    PUBLISHED("notice.leadership.", NULL, NULL, "kind,title,text",
              "results_summary 2026年度绩效评价结果应用建议汇总 "
              "2026年度绩效评价结果应用建议汇总，提请局党组审议。综合股说明：附各部门评价结果; "
              "results_summary 2025年度绩效评价结果应用建议汇总 2025年度绩效评价结果应用建议汇总，提请局党组审议。; "
              "results_summary 2025年度绩效评价结果应用建议汇总 2025年度绩效评价结果应用建议汇总，提请局党组审议。");
}

/* 010, RS-2024: what piled up while dw-route was down, read in one batch:
 * the same outcome as one action at a time. */
static void burst(void)
{
    CHECK(dw_test_stop_service(&H, "route") == 0);
    const char *td = "TD-2026-P2026-101-010";
    char ids[3][32];
    dw_sender_send(__FILE__, __LINE__, &S, declaration("P2026-101-010", 1));
    dw_sender_send(__FILE__, __LINE__, &S, wf(TD, td, "pass", "张明", "biz_edu"));
    dw_sender_send(__FILE__, __LINE__, &S, keep_id(ids[0], wf(TD, td, "pass", "张明", "biz_edu")));
    dw_sender_send(__FILE__, __LINE__, &S, wf(TD, td, "pass", "王芳", "comprehensive"));
    dw_sender_send(__FILE__, __LINE__, &S, keep_id(ids[1], wf(TD, td, "return", "陈静", "budget")));
    dw_sender_send(__FILE__, __LINE__, &S, wf(TD, td, "approve", "陈静", "budget"));
    dw_sender_send(__FILE__, __LINE__, &S, open_doc(RS, "RS-2024", "王芳", "comprehensive", 2024, NULL, NULL));
    dw_sender_send(__FILE__, __LINE__, &S, wf(RS, "RS-2024", "submit", "王芳", "comprehensive"));
    dw_sender_send(__FILE__, __LINE__, &S, keep_id(ids[2], wf(RS, "RS-2024", "approve", "王芳", "leadership")));
    dw_sender_send(__FILE__, __LINE__, &S, wf(RS, "RS-2024", "approve", "周局长", "leadership"));
    CHECK(dw_harness_script(&H, "start") == 0);
    settle();
    DOC(TD, td, "approved 101 1 2026-11-22");
    PATH(TD, td,
         "1 open dw-route/system/system new>draft; 1 submit portal/101/department draft>business_review; "
         "1 pass 张明/biz_edu/business business_review>comprehensive_review; "
         "1 pass 王芳/comprehensive/comprehensive comprehensive_review>budget_approval; "
         "1 approve 陈静/budget/budget budget_approval>approved");
    TASKS(TD, td, "biz_edu:comprehensive_review comprehensive:budget_approval budget:approved 101:approved:open");
    DOC(RS, "RS-2024", "approved system 1 -");
    PATH(RS, "RS-2024",
         "1 open 王芳/comprehensive/comprehensive new>drafting; "
         "1 submit 王芳/comprehensive/comprehensive drafting>leadership_review; "
         "1 approve 周局长/leadership/leadership leadership_review>approved");
    char got[256], list[128];
    snprintf(list, sizeof list, "{%s,%s,%s}", ids[0], ids[1], ids[2]);
    text_of(got, sizeof got,
            "SELECT string_agg(rule_id, ' ' ORDER BY reject_id) FROM rejects WHERE stage = 'route' "
            "AND src = 'dwctl' AND id = ANY ($1::text[])",
            list, NULL);
    CHECK_STR(got, "W-ROLE-001 W-RETURN-001 W-DUTY-001");
    /* one transaction: every step the same acted_at */
    CHECK_INT(int_of("SELECT count(DISTINCT acted_at) FROM document_history WHERE doc_id IN "
                     "('TD-2026-P2026-101-010', 'RS-2024') AND step_no > 1"),
              1);
}

/* Every refusal was told to its source on reject.dwctl., the rule id first. */
static void reject_notices(void)
{
    settle_notify();
    int64_t refused = int_of("SELECT count(*) FROM rejects WHERE stage = 'route'");
    CHECK_INT(refused, 56);
    CHECK_INT(int_of("SELECT count(*) FROM rejects WHERE stage <> 'route'"), 0);
    CHECK_INT(int_of("SELECT count(*) FROM outbox WHERE topic = 'reject.dwctl.'"), refused);
    char id[32];
    text_of(id, sizeof id, "SELECT id FROM rejects WHERE rule_id = 'W-DOC-001'", NULL, NULL);
    PUBLISHED("reject.dwctl.", "id", id, "src,type,stage,code,field,message",
              "dwctl workflow.action route rule_violation body.action "
              "W-DOC-001 no target_declaration TD-2026-P2026-101-999 in the workflow");
}

int main(void)
{
    if (dw_harness_start(&H, "workflow", CONFIG) != 0) {
        (void)dw_harness_stop(&H, true);
        return 1;
    }
    S.dealer = zmq_socket(H.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(S.dealer, H.intake_ep) == 0);

    budget();
    target_declaration();
    returns();
    refusals();
    monitoring();
    self_evaluation();
    deviation_case();
    separation_of_duties();
    reevaluation();
    results_summary();
    burst();
    reject_notices();

    zmq_close(S.dealer);
    CHECK_INT(dw_harness_stop(&H, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
