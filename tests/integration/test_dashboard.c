/* integration.dashboard — `dwctl dashboard` against the real system, with the
 * shipped rule catalogue, at 2026-06-30: 序时进度 181/365 (31+28+31+30+31+30
 * days), time rules on (after 03-31), no monitoring form due yet (07-10).
 *
 * 101 P2026-101-001 budget 3,650,000.00; paid 1,000,000.00 (03-16) + 500,000.00 (05-20) = 1,500,000.00
 *                   (a payment of 200,000.00 on 07-05 is after the as-of date: not counted, but live);
 *                   targets IND-001 产出 ≥100 cumulative w30, IND-002 效益 定性 w20, IND-003 满意度 ≥90 w10,
 *                   IND-004 产出 ≤5 w40; form 1-6月: 30, 达成, 95, 3; projected 100, 达成, 95, 3;
 *                   projected execution 3,300,000.00
 *     P2026-101-002 budget 1,460,000.00; paid 300,000.00 under economic code 30299, not the line's 31002
 * 102 P2026-102-001 budget 730,000.00; paid 500,000.00; targets, no form
 *     P2026-102-009 paid 10,000.00, no budget line, no targets
 * 103 P2026-103-001 budget 365,000.00; paid 400,000.00 (over budget); IND-001 产出 ≤5 w50, IND-002 满意度 ≥90
 *                   w50; form: 8 (完全不可能, projected 8), 85 (projected 92); projected execution 365,000.00
 *
 * Expected by time, ⌊budget × 181/365⌋: 365,000,000 → 181,000,000; 146,000,000 → 72,400,000;
 * 73,000,000 → 36,200,000; 36,500,000 → 18,100,000.
 *
 * Findings (shipped thresholds):
 *   P101-001  exec_time 150,000,000 ÷ 181,000,000 = 82.9 % green; IND-001 30 ÷ (100 × 181/365) =
 *             10950/18100 = 60.5 % yellow; IND-003 95/90 green; IND-004 3 ≤ 5 green; IND-002 达成 green;
 *             projections all met, green; unspent (365 − 330)/365 = 9.6 % ≤ 10 % green; compliance green;
 *             form_no_cause IND-001 yellow (deviates, no cause) → target yellow 2, light yellow
 *   P101-002  exec_time 30,000,000 ÷ 72,400,000 = 41.4 % red; econ_mismatch yellow → light red
 *   P102-001  exec_time 50,000,000 ÷ 36,200,000 = 138 % green; nothing reported → light green
 *   P102-009  no_budget red (outside monitoring: no budget line, no targets)
 *   P103-001  exec_time green (221 %); IND-001 8 > 5 red; IND-002 85/90 = 94 % green; projection IND-001
 *             完全不可能 red; over_budget red; unspent 0 % green; form_no_cause green (a cause is given)
 *             → target red 2, compliance red 1 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_sender.h"
#include "dw_test.h"
#include "test_messages.h"

/* The fixture's line, under this project's own name. */
static dw_msg_t *allocation(const char *id, const char *line, const char *dept, const char *section,
                            const char *project, const char *name, const char *economic, int64_t fen)
{
    char unit[16];
    snprintf(unit, sizeof unit, "%s001", dept);
    dw_msg_t *m = vf_allocation(id, line, dept, unit, project, economic, section, fen);
    dw_obj_set_str(dw_msg_body(m), "project_name", name);
    return m;
}

/* line NULL: a payment the treasury names no budget line for. */
static dw_msg_t *payment(const char *id, const char *date, const char *dept, const char *project, const char *line,
                         const char *economic, int64_t fen)
{
    char unit[16], voucher[32];
    snprintf(unit, sizeof unit, "%s001", dept);
    snprintf(voucher, sizeof voucher, "GK-%s", id);
    return vf_payment(id, voucher, date, dept, unit, project, line, economic, fen);
}

static dw_msg_t *declaration(const char *id, const char *dept, const char *project)
{
    dw_msg_t *m = dw_msg_new("target.declaration", id, "portal", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_int(b, "version", 1);
    dw_obj_set_str(b, "goal", "按期完成年度建设任务，服务对象满意度不低于90%");
    return m;
}

/* op "qualitative" takes target as target_text. */
static void target(dw_msg_t *m, const char *code, const char *level1, const char *level2, const char *op,
                   const char *target, const char *weight, bool cumulative)
{
    dw_obj_t *it = vf_target(m, code, level1, level2, code, op, target, weight);
    if (cumulative)
        dw_obj_set_bool(it, "cumulative", true);
}

static dw_msg_t *form(const char *id, const char *dept, const char *project, int64_t executed, int64_t projected)
{
    dw_msg_t *m = dw_msg_new("monitor.report", id, "portal", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_int(b, "fiscal_year", FY);
    dw_obj_set_str(b, "dept_code", dept);
    dw_obj_set_str(b, "project_code", project);
    dw_obj_set_int(b, "period_month", 6);
    dw_obj_set_int(b, "executed_fen", executed);
    dw_obj_set_int(b, "projected_fen", projected);
    dw_obj_set_str(b, "submitted_date", "2026-06-30");
    dw_obj_set_array(b, "indicators");
    return m;
}

/* A row of the form; an impossible one carries a cause, its explanation and measures. */
static void row(dw_msg_t *m, const char *code, const char *value, const char *projected, const char *likelihood)
{
    dw_obj_t *it = dw_obj_push_map(dw_msg_body(m), "indicators");
    dw_obj_set_str(it, "code", code);
    dw_obj_set_str(it, "value", value);
    dw_obj_set_str(it, "projected", projected);
    dw_obj_set_str(it, "likelihood", likelihood);
    if (strcmp(likelihood, "certain") != 0) {
        dw_obj_push_str(it, "causes", "other");
        dw_obj_set_str(it, "explanation", "康复机构改造延期，投诉集中在上半年");
        dw_obj_set_str(it, "measures", "下半年增加服务点，按月通报投诉处理情况");
    }
}

static void send_all(dw_harness_t *h, dw_sender_t *s)
{
    /* budget lines first: they register the departments the targets name */
    SEND(s, allocation("B-101-01", "ZB2026-101-01", "101", "biz_edu", "P2026-101-001", "农村学校校舍维修项目", "30213",
                       365000000));
    SEND(s, allocation("B-101-02", "ZB2026-101-02", "101", "biz_edu", "P2026-101-002", "城区学校设备购置项目", "31002",
                       146000000));
    SEND(s, allocation("B-102-01", "ZB2026-102-01", "102", "biz_social", "P2026-102-001", "城乡居民养老保险补助",
                       "30305", 73000000));
    SEND(s, allocation("B-103-01", "ZB2026-103-01", "103", "biz_social", "P2026-103-001", "残疾人康复服务项目", "30227",
                       36500000));
    dw_sender_settle(h, s);

    dw_msg_t *d = declaration("D-101-01", "101", "P2026-101-001");
    target(d, "IND-001", "output", "quantity", "ge", "100", "30", true);
    target(d, "IND-002", "effect", "social", "qualitative", "学校办学条件明显改善", "20", false);
    target(d, "IND-003", "satisfaction", "satisfaction", "ge", "90", "10", false);
    target(d, "IND-004", "output", "quality", "le", "5", "40", false);
    SEND(s, d);
    d = declaration("D-102-01", "102", "P2026-102-001");
    target(d, "IND-001", "output", "quantity", "ge", "1000", "50", true);
    target(d, "IND-002", "satisfaction", "satisfaction", "ge", "90", "50", false);
    SEND(s, d);
    d = declaration("D-103-01", "103", "P2026-103-001");
    target(d, "IND-001", "output", "quality", "le", "5", "50", false);
    target(d, "IND-002", "satisfaction", "satisfaction", "ge", "90", "50", false);
    SEND(s, d);
    dw_sender_settle(h, s);

    SEND(s, payment("T-0001", "2026-03-16", "101", "P2026-101-001", "ZB2026-101-01", "30213", 100000000));
    SEND(s, payment("T-0002", "2026-05-20", "101", "P2026-101-001", "ZB2026-101-01", "30213", 50000000));
    SEND(s, payment("T-0003", "2026-07-05", "101", "P2026-101-001", "ZB2026-101-01", "30213", 20000000));
    SEND(s, payment("T-0004", "2026-04-10", "101", "P2026-101-002", "ZB2026-101-02", "30299", 30000000));
    SEND(s, payment("T-0005", "2026-05-15", "102", "P2026-102-001", "ZB2026-102-01", "30305", 50000000));
    SEND(s, payment("T-0006", "2026-06-01", "102", "P2026-102-009", NULL, "30201", 1000000));
    SEND(s, payment("T-0007", "2026-06-10", "103", "P2026-103-001", "ZB2026-103-01", "30227", 40000000));
    dw_msg_t *f = form("M-101-01", "101", "P2026-101-001", 150000000, 330000000);
    row(f, "IND-001", "30", "100", "certain");
    row(f, "IND-002", "达成", "达成", "certain");
    row(f, "IND-003", "95", "95", "certain");
    row(f, "IND-004", "3", "3", "certain");
    SEND(s, f);
    f = form("M-103-01", "103", "P2026-103-001", 40000000, 36500000);
    row(f, "IND-001", "8", "8", "impossible");
    row(f, "IND-002", "85", "92", "certain");
    SEND(s, f);
    dw_sender_settle(h, s);
}

/* Runs dwctl dashboard with args, its stdout into out; the exit status. */
static int dashboard(dw_harness_t *h, const char *args, char *out, size_t n)
{
    char cmd[1600];
    snprintf(cmd, sizeof cmd,
             "'%s/services/dwctl/dwctl' dashboard --conninfo 'host=%s/sock port=%d dbname=dualwatch user=dualwatch' "
             "%s 2>/dev/null",
             h->build_dir, h->home, h->pg_port, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define HEADER                                                                                                    \
    "level,dept_code,project_code,project_name,projects,monitored,budget_yuan,paid_yuan,exec_rate,expected_yuan," \
    "exec_deviation,exec_red,exec_yellow,target_red,target_yellow,compliance_red,compliance_yellow,"              \
    "indicators_reported,indicators_deviating,indicator_deviation,light,unmonitored_paid_yuan,score,grade,"       \
    "projected_score,projected_grade\r\n"

/* The bureau: 5 projects, 4 monitored (not P102-009).
 *   budget 365,000,000 + 146,000,000 + 73,000,000 + 36,500,000 = 620,500,000 → 6,205,000.00
 *   paid 150,000,000 + 30,000,000 + 50,000,000 + 40,000,000 = 270,000,000 → 2,700,000.00
 *   执行率 270,000,000 ÷ 620,500,000 = 0.4351329… → 43.51 %
 *   expected 181,000,000 + 72,400,000 + 36,200,000 + 18,100,000 = 307,700,000 → 3,077,000.00
 *   执行总体偏离度 |270,000,000 − 307,700,000| = 37,700,000 ÷ 307,700,000 = 0.1225219… → 12.25 %
 *   exec red 1 (P101-002); target red 2 (P103-001), yellow 2 (P101-001); compliance red 2 (P102-009
 *   no_budget, P103-001 over_budget), yellow 1 (P101-002 econ_mismatch)
 *   指标总体偏离度: reported 100 (P101-001) + 100 (P103-001) = 200, deviating 30 + 50 = 80 → 40.00 %
 *   outside monitoring 1,000,000 → 10,000.00 */
#define BUREAU                                                                                                   \
    "bureau,,,,5,4,\"6,205,000.00\",\"2,700,000.00\",43.51%,\"3,077,000.00\",12.25%,1,0,2,2,2,1,6,2,40.00%,red," \
    "\"10,000.00\",,,,\r\n"

/* 101: budget 511,000,000; paid 180,000,000; 180 ÷ 511 = 0.3522504… → 35.23 %; expected 253,400,000;
 * |180,000,000 − 253,400,000| = 73,400,000 ÷ 253,400,000 = 0.2896606… → 28.97 %; reported 4 indicators
 * (30 + 20 + 10 + 40 = 100), IND-001 (30) yellow → 30.00 % */
#define DEPT_101                                                                                                  \
    "dept,101,,,2,2,\"5,110,000.00\",\"1,800,000.00\",35.23%,\"2,534,000.00\",28.97%,1,0,0,2,0,1,4,1,30.00%,red," \
    "0.00,,,,\r\n"
/* 102: P102-001 only in the sums: 50 ÷ 73 = 0.6849315… → 68.49 %; paid above expected:
 * 13,800,000 ÷ 36,200,000 = 0.3812154… → 38.12 %; no indicator reported → 0.00 %; P102-009's no_budget red */
#define DEPT_102                                                                                           \
    "dept,102,,,2,1,\"730,000.00\",\"500,000.00\",68.49%,\"362,000.00\",38.12%,0,0,0,0,1,0,0,0,0.00%,red," \
    "\"10,000.00\",,,,\r\n"
/* 103: 40,000,000 ÷ 36,500,000 = 1.0958904… → 109.59 %; paid above: 21,900,000 ÷ 18,100,000 = 1.2099447… →
 * 120.99 %; IND-001 (50) red of 100 → 50.00 % */
#define DEPT_103                                                                                              \
    "dept,103,,,1,1,\"365,000.00\",\"400,000.00\",109.59%,\"181,000.00\",120.99%,0,0,2,0,1,0,2,1,50.00%,red," \
    "0.00,,,,\r\n"
/* P101-001: 150 ÷ 365 = 0.4109589 → 41.10 %; 31,000,000 ÷ 181,000,000 = 0.1712707 → 17.13 %.
 * Score, values to date: 预算执行 10 × 150/365 = 4.1096 → 4110 mp; 产出 50 over IND-001 (30) + IND-004 (40) = 70:
 * IND-001 50 × 30/70 × 30/100 = 6428.57 → 6429 mp, IND-004 3 ≤ 5 in full 50 × 40/70 = 28571.43 → 28571 mp;
 * 效益 30 (达成) 30000; 满意度 10 (95/90 ≥ 1) 10000: 4110 + 6429 + 28571 + 30000 + 10000 = 79110 → 79.11 中.
 * Projected: 10 × 330/365 = 9.0411 → 9041; IND-001 100/100 → 21429, IND-004 28571; 30000; 10000:
 * 99041 → 99.04 优. */
#define PROJECT_101_001                                                                                                       \
    "project,101,P2026-101-001,农村学校校舍维修项目,1,1,\"3,650,000.00\",\"1,500,000.00\",41.10%,\"1,810,000.00\"," \
    "17.13%,0,0,0,2,0,0,4,1,30.00%,yellow,0.00,79.11,中,99.04,优\r\n"
/* P101-002: 30 ÷ 146 = 0.2054795 → 20.55 %; 42,400,000 ÷ 72,400,000 = 0.5856354 → 58.56 %;
 * score 10 × 30/146 = 2.0548 → 2055 mp → 2.06 差; no form: projected 0.00 差 */
#define PROJECT_101_002                                                                                                   \
    "project,101,P2026-101-002,城区学校设备购置项目,1,1,\"1,460,000.00\",\"300,000.00\",20.55%,\"724,000.00\"," \
    "58.56%,1,0,0,0,0,1,0,0,0.00%,red,0.00,2.06,差,0.00,差\r\n"

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "dashboard", "analyze:\n  rules_file: \"\"\n") != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    dw_sender_t s = {zmq_socket(h.zmq_ctx, ZMQ_DEALER), 0};
    CHECK(zmq_connect(s.dealer, h.intake_ep) == 0);
    send_all(&h, &s);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(paid_fen) FROM project_days"), 291000000); /* 07-05's 20,000,000 too */

    static char out[16384];
    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-06-30 --format csv", out, sizeof out), 0);
    CHECK_STR(out, HEADER BUREAU DEPT_101 DEPT_102 DEPT_103);

    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-06-30 --format csv --dept 101", out, sizeof out), 0);
    CHECK_STR(out, HEADER BUREAU DEPT_101 DEPT_102 DEPT_103 PROJECT_101_001 PROJECT_101_002);

    /* text: the same figures, labelled */
    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-06-30 --dept 103", out, sizeof out), 0);
    CHECK(strstr(out, "双监控看板 2026年度 截至 2026-06-30 序时进度 49.59%（181/365） 规则 "
                      "deploy/analysis_rules.yaml (built in)\n") == out);
    CHECK(strstr(out, "\n全局  项目 5（监控 4）  红灯  在监控资金 6,205,000.00 元  已支付 2,700,000.00 元  执行率 "
                      "43.51%  序时应支付 3,077,000.00 元  执行总体偏离度 12.25%  执行偏离 红1 黄0  目标偏离 红2 黄2  "
                      "合规 红2 黄1  指标总体偏离度 40.00%（报送指标 6，偏离 2）  监控外支付 10,000.00 元\n") != NULL);
    /* P103-001: score 预算执行 10 (paid beyond the budget: in full) 10000 mp; 产出 IND-001 ≤ 5 at 8:
     * 50 × (2·5 − 8)/5 = 20 → 20000; 满意度 IND-002 10 × 85/90 = 9.444 → 9444: 39444 → 39.44 差.
     * Projected: execution 365,000/365,000 → 10000; IND-001 8 → 20000; IND-002 92/90 → 10000: 40.00 差 */
    CHECK(strstr(out, "\n项目 P2026-103-001 残疾人康复服务项目  部门 103  红灯  预算 365,000.00 元  已支付 "
                      "400,000.00 元  执行率 109.59%  序时应支付 181,000.00 元  执行偏离度 120.99%  执行偏离 红0 "
                      "黄0  目标偏离 红2 黄0  合规 红1 黄0  指标偏离度 50.00%（报送指标 2，偏离 1）  得分 39.44 "
                      "差  预计得分 40.00 差\n") != NULL);
    CHECK(strstr(out, "P2026-101-001") == NULL); /* only 103's projects */

    /* before rules_from (03-20: 79 days): expected is shown, no project has its time rules on → 0.00 % */
    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-03-20 --format csv --dept 102", out, sizeof out), 0);
    /* P102-001 at 03-20: nothing paid yet (05-15); ⌊73,000,000 × 79/365⌋ = 200,000 × 79 = 15,800,000 */
    CHECK(strstr(out, "\r\nproject,102,P2026-102-001,城乡居民养老保险补助,1,1,\"730,000.00\",0.00,0.00%,"
                      "\"158,000.00\",0.00%,") != NULL);

    /* live (no --as-of), as dw-analyze counts: every stored payment, the one dated 07-05 too, whatever today is:
     * paid 270,000,000 + 20,000,000 = 290,000,000; 290,000,000 ÷ 620,500,000 = 0.4673650… → 46.74 % */
    CHECK_INT(dashboard(&h, "--year 2026 --format csv", out, sizeof out), 0);
    CHECK(strstr(out, HEADER "bureau,,,,5,4,\"6,205,000.00\",\"2,900,000.00\",46.74%,") == out);

    /* a department with no project, bad arguments */
    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-06-30 --dept 999", out, sizeof out), 2);
    CHECK_INT(dashboard(&h, "--as-of 2026-06-30", out, sizeof out), 64);
    CHECK_INT(dashboard(&h, "--year 2026 --as-of 2026-02-30", out, sizeof out), 64);
    CHECK_INT(dashboard(&h, "--year 2026 --format xml", out, sizeof out), 64);
    CHECK_INT(dashboard(&h, "--year 2026 extra", out, sizeof out), 64);

    zmq_close(s.dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
