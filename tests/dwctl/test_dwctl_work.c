/* dwctl.work_read — `dwctl tasks` and `dwctl show` against the real schema:
 * the harness's cluster (migrated through 007_workflow), its services stopped
 * once up so that nothing but this test writes, and documents, history, an
 * alert and a treasury instruction put in with SQL as dw-route would leave
 * them (dw-route's writing is its own tests' business).
 *
 * What must come out, worked out by hand: the section's open documents only,
 * soonest due first and those without a due date last; overdue by days at a
 * chosen as-of, and at clock.as_of of the config when none is given; closed
 * ones only with --all, found through their history; a department's own;
 * the CSV; and the whole of one document's show, history in step order.
 *
 *   test_dwctl_work DWCTL   (DW_SOURCE_DIR, DW_BUILD_DIR in the environment) */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dw_harness.h"
#include "dw_test.h"
#include "dwctl_child.h"

/* Inserted in an order that is not the due dates', so the sorting is dwctl's. */
static const char fixture[] =
    "INSERT INTO alerts (alert_id, fiscal_year, dept_code, project_code, rule_id, category, level, status, message) "
    "VALUES (9001, 2026, '101', 'P2026-101-003', 'T-EXEC-001', 'timeliness', 'red', 'open', "
    "'执行进度偏离序时进度 35.00%');"
    "INSERT INTO documents (doc_kind, doc_id, fiscal_year, dept_code, project_code, title, state, round, holder_role, "
    "  holder_code, due_date, opened_at, updated_at, closed_at, decision, alert_id, steps, instruction_id, task_id) "
    "VALUES "
    "('target_declaration', 'TD-2026-101-002', 2026, '101', 'P2026-101-002', '校舍维修改造项目绩效目标', "
    "  'business_review', 2, 'business', 'biz_edu', NULL, '2026-03-01 09:00+08', '2026-03-05 09:00+08', NULL, NULL, "
    "  NULL, 0, NULL, NULL),"
    "('monitor_report', 'MR-2026-101-001-06', 2026, '101', 'P2026-101-001', '学生资助项目 1-6月监控', "
    "  'business_review', 1, 'business', 'biz_edu', '2026-04-10', '2026-03-02 09:00+08', '2026-03-02 09:00+08', NULL, "
    "  NULL, NULL, 0, NULL, NULL),"
    "('deviation_case', 'DC-9001', 2026, '101', 'P2026-101-003', '义务教育薄弱环节改善项目执行进度偏离', "
    "  'business_review', 1, 'business', 'biz_edu', '2026-03-20', '2026-03-10 10:00+08', '2026-03-13 15:30+08', NULL, "
    "  'reduce_budget', 9001, 3, NULL, 77),"
    "('deviation_case', 'DC-9002', 2026, '102', 'P2026-102-001', '养老服务补贴项目执行进度偏离', "
    "  'comprehensive_review', 1, 'comprehensive', 'comprehensive', '2026-03-01', '2026-02-20 10:00+08', "
    "  '2026-02-22 10:00+08', NULL, NULL, NULL, 0, NULL, NULL),"
    "('selfeval', 'SE-2025-101', 2025, '101', NULL, '2025年度部门整体绩效自评价', 'published', 1, 'system', 'system', "
    "  '2026-03-01', '2026-01-10 09:00+08', '2026-03-02 09:00+08', '2026-03-02 09:00+08', NULL, NULL, 1, NULL, NULL),"
    "('monitor_report', 'MR-2026-101-004-06', 2026, '101', 'P2026-101-004', '乡村学校少年宫项目 1-6月监控', "
    "  'revising', 1, 'department', '101', '2026-03-24', '2026-03-03 09:00+08', '2026-03-17 09:00+08', NULL, NULL, "
    "  NULL, 0, NULL, NULL);"
    "INSERT INTO treasury_instructions (instruction_id, fiscal_year, dept_code, project_code, action, reason, "
    "doc_kind, "
    "  doc_id, issued_on, ack_due) VALUES (31, 2026, '102', 'P2026-102-001', 'hold', '暂停实施', 'deviation_case', "
    "  'DC-9002', '2026-02-23', '2026-02-25');"
    "UPDATE documents SET instruction_id = 31 WHERE doc_id = 'DC-9002';"
    "INSERT INTO document_history (doc_kind, doc_id, step_no, round, action, actor, section_code, role, from_state, "
    "  to_state, holder_code, due_date, title, opinion, comment, decision, as_of, acted_at) VALUES "
    "('deviation_case', 'DC-9001', 3, 1, 'return', '王芳', 'comprehensive', 'comprehensive', 'comprehensive_review', "
    "  'business_review', 'biz_edu', '2026-03-20', '综合股退回业务股室', '请补充项目单位整改计划', NULL, NULL, "
    "  '2026-03-13', '2026-03-13 15:30+08'),"
    "('deviation_case', 'DC-9001', 1, 1, 'open', 'dw-route', 'system', 'system', 'new', 'business_review', 'biz_edu', "
    "  '2026-03-17', '红色预警，开立偏离处置', NULL, NULL, NULL, '2026-03-10', '2026-03-10 10:00+08'),"
    "('deviation_case', 'DC-9001', 2, 1, 'propose', '张明', 'biz_edu', 'business', 'business_review', "
    "  'comprehensive_review', 'comprehensive', '2026-03-19', '业务股室提出分类处置建议', "
    "'执行进度严重滞后，建议调减预算', "
    "  '已电话联系单位负责人\n次日回复', 'reduce_budget', '2026-03-12', '2026-03-12 11:20+08'),"
    "('selfeval', 'SE-2025-101', 1, 1, 'pass', '张明', 'biz_edu', 'business', 'business_review', "
    "  'comprehensive_review', 'comprehensive', NULL, '业务股室审核通过', NULL, NULL, NULL, '2026-02-01', "
    "  '2026-02-01 09:00+08');";

/* Runs dwctl with args; its exit code, and its stdout and stderr (the caller frees). */
static int run(const char *dwctl, const char *dir, const char *const *args, char **out, char **err)
{
    char *argv[24] = {(char *)dwctl};
    for (int i = 0; args[i] && i < 22; i++)
        argv[i + 1] = (char *)args[i];
    dwctl_child_t child;
    int code = dwctl_child_start(&child, dir, argv) == 0 ? dwctl_child_wait(&child, 20000) : -1;
    *out = dwctl_slurp(child.out_path);
    *err = dwctl_slurp(child.err_path);
    return code;
}

/* dwctl's whole stdout must be want, and its exit code 0. */
static void expect_out(const char *dwctl, const char *dir, const char *const *args, const char *want)
{
    char *out, *err;
    int code = run(dwctl, dir, args, &out, &err);
    CHECK_INT(code, 0);
    CHECK_STR(out, want);
    if (code != 0 || strcmp(out, want) != 0)
        fprintf(stderr, "--- dwctl %s %s: stdout:\n%s--- want:\n%s--- stderr:\n%s", args[0], args[1], out, want, err);
    free(out);
    free(err);
}

static const char dc9001_line[] =
    "deviation_case  DC-9001  business_review（业务股室研判，提出处置建议）  部门 101  项目 P2026-101-003  "
    "到期 2026-03-20  %s  义务教育薄弱环节改善项目执行进度偏离\n";
static const char mr06_line[] = "monitor_report  MR-2026-101-001-06  business_review（业务股室审核）  部门 101  "
                                "项目 P2026-101-001  到期 2026-04-10  -  学生资助项目 1-6月监控\n";
static const char td_line[] = "target_declaration  TD-2026-101-002  business_review（业务股室初审）  部门 101  "
                              "项目 P2026-101-002  到期 -  -  校舍维修改造项目绩效目标\n";

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_work DWCTL\n");
        return 2;
    }
    const char *dwctl = argv[1];
    dw_harness_t h;
    if (dw_harness_start(&h, "dwctl-work", "clock:\n  as_of: \"2026-03-18\"\n") != 0) {
        dw_harness_stop(&h, true); /* a start that failed half way leaves the cluster running */
        return 1;
    }
    /* Only this test writes from here on. */
    CHECK(dw_harness_script(&h, "stop --services") == 0);
    PGresult *res = PQexec(h.db, fixture);
    CHECK(PQresultStatus(res) == PGRES_COMMAND_OK);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        fprintf(stderr, "fixture: %s", PQerrorMessage(h.db));
    PQclear(res);

    char dir[300], conninfo[512];
    snprintf(dir, sizeof dir, "%s/dwctl", h.home);
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(conninfo, sizeof conninfo, "host=%s/sock port=%d dbname=dualwatch user=dualwatch", h.home, h.pg_port);

    /* Open only, soonest due first, no due date last; DC-9002 is another section's, SE closed, MR-004 the dept's. */
    char want[4096], dc_late[1024], dc_due[1024];
    snprintf(dc_late, sizeof dc_late, dc9001_line, "逾期 5 天");
    snprintf(dc_due, sizeof dc_due, dc9001_line, "-");
    snprintf(want, sizeof want, "待办 biz_edu  截至 2026-03-25  在办 3 件，逾期 1 件\n%s%s%s", dc_late, mr06_line,
             td_line);
    expect_out(
        dwctl, dir,
        (const char *const[]){"tasks", "--section", "biz_edu", "--as-of", "2026-03-25", "--conninfo", conninfo, NULL},
        want);

    /* Due on the as-of day is not overdue yet. */
    snprintf(want, sizeof want, "待办 biz_edu  截至 2026-03-20  在办 3 件，逾期 0 件\n%s%s%s", dc_due, mr06_line,
             td_line);
    expect_out(
        dwctl, dir,
        (const char *const[]){"tasks", "--section", "biz_edu", "--as-of", "2026-03-20", "--conninfo", conninfo, NULL},
        want);

    /* No --as-of: clock.as_of of the config, 2026-03-18. */
    snprintf(want, sizeof want, "待办 biz_edu  截至 2026-03-18  在办 3 件，逾期 0 件\n%s%s%s", dc_due, mr06_line,
             td_line);
    expect_out(
        dwctl, dir,
        (const char *const[]){"tasks", "--section", "biz_edu", "--config", h.config, "--conninfo", conninfo, NULL},
        want);

    /* --all: the closed self-evaluation biz_edu passed, by its due date (first). */
    snprintf(want, sizeof want,
             "待办 biz_edu  截至 2026-03-25  在办 3 件，逾期 1 件，已办结 1 件\n"
             "selfeval  SE-2025-101  published（已公开）  部门 101  项目 -  到期 2026-03-01  已办结 2026-03-02  "
             "2025年度部门整体绩效自评价\n%s%s%s",
             dc_late, mr06_line, td_line);
    expect_out(dwctl, dir,
               (const char *const[]){"tasks", "--section", "biz_edu", "--all", "--as-of", "2026-03-25", "--conninfo",
                                     conninfo, NULL},
               want);

    /* A department by its dept_code. */
    expect_out(
        dwctl, dir,
        (const char *const[]){"tasks", "--section", "101", "--as-of", "2026-03-25", "--conninfo", conninfo, NULL},
        "待办 101  截至 2026-03-25  在办 1 件，逾期 1 件\n"
        "monitor_report  MR-2026-101-004-06  revising（退回修改）  部门 101  项目 P2026-101-004  到期 2026-03-24  "
        "逾期 1 天  乡村学校少年宫项目 1-6月监控\n");

    expect_out(
        dwctl, dir,
        (const char *const[]){"tasks", "--section", "biz_edu", "--as-of", "2026-03-25", "--format", "csv", "--conninfo",
                              conninfo, NULL},
        "doc_kind,doc_id,state,state_title,round,dept_code,project_code,due_date,overdue_days,closed_on,title\r\n"
        "deviation_case,DC-9001,business_review,业务股室研判，提出处置建议,1,101,P2026-101-003,2026-03-20,5,,"
        "义务教育薄弱环节改善项目执行进度偏离\r\n"
        "monitor_report,MR-2026-101-001-06,business_review,业务股室审核,1,101,P2026-101-001,2026-04-10,,,"
        "学生资助项目 1-6月监控\r\n"
        "target_declaration,TD-2026-101-002,business_review,业务股室初审,2,101,P2026-101-002,,,,"
        "校舍维修改造项目绩效目标\r\n");

    /* The whole of one document, history by step_no though inserted 3, 1, 2. */
    expect_out(dwctl, dir, (const char *const[]){"show", "deviation_case", "DC-9001", "--conninfo", conninfo, NULL},
               "单据 deviation_case DC-9001  偏离处置\n"
               "标题      义务教育薄弱环节改善项目执行进度偏离\n"
               "年度      2026\n"
               "部门      101\n"
               "项目      P2026-101-003\n"
               "状态      business_review（业务股室研判，提出处置建议）  第 1 轮\n"
               "办理      biz_edu（业务股室）\n"
               "到期      2026-03-20\n"
               "处置决定  reduce_budget（调减预算并调整绩效目标）\n"
               "预警      #9001 red  执行进度偏离序时进度 35.00%\n"
               "任务      #77\n"
               "开立      2026-03-10 10:00:00\n"
               "更新      2026-03-13 15:30:00\n"
               "\n"
               "历程（3 步）\n"
               "  1  第1轮  2026-03-10 10:00:00  dw-route  system（系统）  open 红色预警，开立偏离处置  new → "
               "business_review（业务股室研判，提出处置建议）  转 biz_edu  到期 2026-03-17\n"
               "  2  第1轮  2026-03-12 11:20:00  张明  biz_edu（业务股室）  propose 业务股室提出分类处置建议  "
               "business_review（业务股室研判，提出处置建议） → comprehensive_review（综合股审定）  转 comprehensive  "
               "到期 2026-03-19\n"
               "       意见  执行进度严重滞后，建议调减预算\n"
               "       备注  已电话联系单位负责人 次日回复\n"
               "       决定  reduce_budget（调减预算并调整绩效目标）\n"
               "  3  第1轮  2026-03-13 15:30:00  王芳  comprehensive（综合股）  return 综合股退回业务股室  "
               "comprehensive_review（综合股审定） → business_review（业务股室研判，提出处置建议）  转 biz_edu  "
               "到期 2026-03-20\n"
               "       意见  请补充项目单位整改计划\n");

    /* A closed document with an instruction elsewhere: the lines that only some documents have. */
    char *out, *err;
    CHECK_INT(run(dwctl, dir, (const char *const[]){"show", "deviation_case", "DC-9002", "--conninfo", conninfo, NULL},
                  &out, &err),
              0);
    CHECK(dwctl_has_line(out, "国库指令  #31 hold（停止拨付）  发出 2026-02-23  确认期限 2026-02-25  未确认"));
    CHECK(dwctl_has_line(out, "办理      comprehensive（综合股）"));
    CHECK(dwctl_has_line(out, "历程（0 步）"));
    free(out);
    free(err);
    CHECK_INT(run(dwctl, dir, (const char *const[]){"show", "selfeval", "SE-2025-101", "--conninfo", conninfo, NULL},
                  &out, &err),
              0);
    CHECK(dwctl_has_line(out, "办结      2026-03-02 09:00:00"));
    CHECK(dwctl_has_line(out, "部门      101"));
    CHECK(!strstr(out, "项目      "));
    free(out);
    free(err);

    /* Unknown: said so, non-zero, nothing on stdout. */
    CHECK_INT(run(dwctl, dir, (const char *const[]){"show", "deviation_case", "DC-404", "--conninfo", conninfo, NULL},
                  &out, &err),
              2);
    CHECK_STR(out, "");
    CHECK(strstr(err, "dwctl: show: there is no document deviation_case DC-404\n") != NULL);
    free(out);
    free(err);

    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
