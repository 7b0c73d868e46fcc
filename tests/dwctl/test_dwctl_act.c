/* dwctl.act_* — `dwctl act`, `reevaluate`, `open-case` and `summary` against
 * a ROUTER written here in place of dw-intake: the one message each sends is
 * decoded with the schema and every field checked (the envelope's id and ts
 * too, and the fields that must be absent), then answered stored, duplicate,
 * refused or not at all, and dwctl's lines and exit status checked.
 *
 *   test_dwctl_act DWCTL SCENARIO */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_child.h"
#include "dwctl_fake_intake.h"

#define MAX_ARGS 40

typedef struct scenario {
    const char *name;
    const char *args[MAX_ARGS]; /* after the binary; the endpoint and a timeout are added */
    void (*check)(const dw_msg_t *m);
    const char *ack_code; /* NULL: ok */
    const char *ack_message;
    bool dup, silent;
    int64_t seq;
    const char *want[3]; /* lines of stdout, or their beginnings with a trailing '*' */
    int want_exit;
} scenario_t;

static void check_str(const dw_obj_t *o, const char *field, const char *want)
{
    const char *got = dw_obj_str(o, field);
    if (!want) {
        CHECK(!dw_obj_has(o, field));
        if (dw_obj_has(o, field))
            fprintf(stderr, "  %s is there, and should not be\n", field);
        return;
    }
    CHECK_STR(got, want);
}

static void check_envelope(const dw_msg_t *m, const char *id, int64_t ts)
{
    CHECK_STR(dw_msg_type(m), "workflow.action");
    CHECK_STR(dw_msg_src(m), "dwctl");
    CHECK_STR(dw_msg_id(m), id);
    if (ts)
        CHECK_INT(dw_msg_ts(m), ts);
}

static void check_year(const dw_obj_t *b, int64_t want)
{
    int64_t year = 0;
    CHECK_INT(dw_obj_int(b, "fiscal_year", &year), want != 0);
    CHECK_INT(year, want);
}

static void check_return(const dw_msg_t *m)
{
    check_envelope(m, "act-DC-17-return-1773800000000", 1773800000000);
    const dw_obj_t *b = dw_msg_body_const(m);
    check_str(b, "doc_kind", "deviation_case");
    check_str(b, "doc_id", "DC-17");
    check_str(b, "action", "return");
    check_str(b, "actor", "王芳");
    check_str(b, "section_code", "comprehensive");
    check_str(b, "opinion", "请补充项目单位整改计划");
    check_str(b, "comment", "已电话联系单位负责人");
    check_str(b, "to_state", "business_review");
    check_str(b, "decision", NULL);
    check_str(b, "dept_code", NULL);
    check_str(b, "project_code", NULL);
    check_year(b, 0);
    CHECK(!dw_obj_has(b, "plan"));
}

static int64_t started_ms; /* the ts of a message without --ts lies between this and the ack */

static void check_propose(const dw_msg_t *m)
{
    check_envelope(m, "act-fixed-1", 0);
    CHECK(dw_msg_ts(m) >= started_ms && dw_msg_ts(m) <= dw_now_ms());
    const dw_obj_t *b = dw_msg_body_const(m);
    check_str(b, "doc_kind", "deviation_case");
    check_str(b, "doc_id", "DC-17");
    check_str(b, "action", "propose");
    check_str(b, "actor", "张明");
    check_str(b, "section_code", "biz_edu");
    check_str(b, "opinion", "执行进度严重滞后");
    check_str(b, "comment", NULL);
    check_str(b, "to_state", NULL);
    check_str(b, "decision", "suspend");
}

static void check_pass(const dw_msg_t *m)
{
    check_envelope(m, "act-MR-2026-101-0015-06-pass_correct-1773800000001", 1773800000001);
    const dw_obj_t *b = dw_msg_body_const(m);
    check_str(b, "doc_kind", "monitor_report");
    check_str(b, "doc_id", "MR-2026-101-0015-06");
    check_str(b, "action", "pass_correct");
    check_str(b, "opinion", "请加快项目实施进度");
}

static void check_reevaluate(const dw_msg_t *m)
{
    check_envelope(m, "act-RE-2026-101-P2026-101-001-open-1773800000002", 1773800000002);
    const dw_obj_t *b = dw_msg_body_const(m);
    check_str(b, "doc_kind", "reevaluation");
    check_str(b, "doc_id", "RE-2026-101-P2026-101-001");
    check_str(b, "action", "open");
    check_str(b, "actor", "李华");
    check_str(b, "section_code", "comprehensive");
    check_year(b, 2026);
    check_str(b, "dept_code", "101");
    check_str(b, "project_code", "P2026-101-001");
    check_str(b, "opinion", NULL);
    check_str(b, "decision", NULL);
    const dw_obj_t *plan = dw_obj_map(b, "plan");
    CHECK(plan != NULL);
    if (plan) {
        check_str(plan, "scope", "义务教育薄弱环节改善项目2026年度资金");
        check_str(plan, "schedule", "2026年11月至12月");
        check_str(plan, "method", "成本效益分析法、比较法");
        check_str(plan, "indicators", "按原批复绩效目标及行业标准");
    }
}

/* DC-<project>-<yyyymmdd>: the day dwctl ran, in Asia/Shanghai. */
static char case_id[64];

static void check_open_case(const dw_msg_t *m)
{
    const dw_obj_t *b = dw_msg_body_const(m);
    snprintf(case_id, sizeof case_id, "%s", dw_obj_str(b, "doc_id") ? dw_obj_str(b, "doc_id") : "");
    dw_date_t day = dw_business_today();
    char want[64];
    snprintf(want, sizeof want, "DC-P2026-101-003-%04d%02d%02d", day.year, day.month, day.day);
    CHECK_STR(case_id, want); /* (run across midnight in Shanghai, this fails once) */
    char want_id[96];
    snprintf(want_id, sizeof want_id, "act-%s-open-1773800000003", want);
    check_envelope(m, want_id, 1773800000003);
    check_str(b, "doc_kind", "deviation_case");
    check_str(b, "action", "open");
    check_str(b, "actor", "张明");
    check_str(b, "section_code", "biz_edu");
    check_str(b, "comment", "项目单位反映实施困难");
    check_year(b, 2026);
    check_str(b, "dept_code", "101");
    check_str(b, "project_code", "P2026-101-003");
    CHECK(!dw_obj_has(b, "plan"));
}

static void check_summary(const dw_msg_t *m)
{
    check_envelope(m, "act-RS-2026-open-1773800000004", 1773800000004);
    const dw_obj_t *b = dw_msg_body_const(m);
    check_str(b, "doc_kind", "results_summary");
    check_str(b, "doc_id", "RS-2026");
    check_str(b, "action", "open");
    check_str(b, "section_code", "comprehensive");
    check_year(b, 2026);
    check_str(b, "dept_code", NULL);
    check_str(b, "project_code", NULL);
}

static const scenario_t scenarios[] = {
    {"return",
     {"act", "deviation_case", "DC-17", "return", "--actor", "王芳", "--section", "comprehensive", "--opinion",
      "请补充项目单位整改计划", "--comment", "已电话联系单位负责人", "--to-state", "business_review", "--ts",
      "1773800000000"},
     check_return,
     NULL,
     NULL,
     false,
     false,
     41,
     {"stored act-DC-17-return-1773800000000 seq 41",
      "dw-route takes up the return of deviation_case DC-17 next and checks it against the procedure (偏离处置)*"},
     0},
    {"duplicate",
     {"act", "deviation_case", "DC-17", "propose", "--actor", "张明", "--section", "biz_edu", "--opinion",
      "执行进度严重滞后", "--decision", "suspend", "--id", "act-fixed-1"},
     check_propose,
     NULL,
     NULL,
     true,
     false,
     7,
     {"duplicate act-fixed-1 seq 7", "dw-route takes up the propose of deviation_case DC-17 next*"},
     0},
    {"refused",
     {"act", "monitor_report", "MR-2026-101-0015-06", "pass_correct", "--actor", "张明", "--section", "biz_edu",
      "--opinion", "请加快项目实施进度", "--ts", "1773800000001"},
     check_pass,
     "conflict",
     "src dwctl id act-MR-2026-101-0015-06-pass_correct-1773800000001 was already received with different content",
     false,
     false,
     0,
     {"refused act-MR-2026-101-0015-06-pass_correct-1773800000001: conflict: src dwctl id "
      "act-MR-2026-101-0015-06-pass_correct-1773800000001 was already received with different content",
      "dw-intake stored nothing. After busy or internal, the same command with --ts 1773800000001 sends the same "
      "message again; the other refusals are in dwctl rejects --src dwctl"},
     1},
    {"unanswered",
     {"act", "monitor_report", "MR-2026-101-0015-06", "pass_correct", "--actor", "张明", "--section", "biz_edu",
      "--opinion", "请加快项目实施进度", "--ts", "1773800000001", "--timeout-ms", "400"},
     check_pass,
     NULL,
     NULL,
     false,
     true,
     0,
     {"unanswered (no ack within 400 ms)",
      "no ack: the action may or may not be stored. The same command with --ts 1773800000001 sends the same "
      "message again, and is answered duplicate if it was stored"},
     2},
    {"reevaluate",
     {"reevaluate",
      "--year",
      "2026",
      "--dept",
      "101",
      "--project",
      "P2026-101-001",
      "--actor",
      "李华",
      "--section",
      "comprehensive",
      "--scope",
      "义务教育薄弱环节改善项目2026年度资金",
      "--schedule",
      "2026年11月至12月",
      "--method",
      "成本效益分析法、比较法",
      "--indicators",
      "按原批复绩效目标及行业标准",
      "--ts",
      "1773800000002"},
     check_reevaluate,
     NULL,
     NULL,
     false,
     false,
     5,
     {"stored act-RE-2026-101-P2026-101-001-open-1773800000002 seq 5",
      "dw-route takes up the open of reevaluation RE-2026-101-P2026-101-001 next and checks it against the "
      "procedure (绩效再评价)*"},
     0},
    {"open_case",
     {"open-case", "--year", "2026", "--dept", "101", "--project", "P2026-101-003", "--actor", "张明", "--section",
      "biz_edu", "--comment", "项目单位反映实施困难", "--ts", "1773800000003"},
     check_open_case,
     "busy",
     "more than 1000 messages in flight; wait for acks",
     false,
     false,
     0,
     {"refused act-{case}-open-1773800000003: busy: more than 1000 messages in flight; wait for acks",
      "dw-intake stored nothing. After busy or internal, the same command with --ts 1773800000003 --id {case} "
      "sends the same message again; the other refusals are in dwctl rejects --src dwctl"},
     1},
    {"summary",
     {"summary", "--year", "2026", "--actor", "李华", "--section", "comprehensive", "--ts", "1773800000004"},
     check_summary,
     NULL,
     NULL,
     false,
     false,
     9,
     {"stored act-RS-2026-open-1773800000004 seq 9",
      "dw-route takes up the open of results_summary RS-2026 next and checks it against the procedure "
      "(绩效评价结果应用)*"},
     0},
};

/* Whether text has the line; a want ending in '*' matches a line's beginning,
 * and {case} in it stands for the deviation case's id dwctl made. */
static bool has_line(const char *text, const char *pattern)
{
    char want[1024];
    const char *at = strstr(pattern, "{case}");
    if (at)
        snprintf(want, sizeof want, "%.*s%s%s", (int)(at - pattern), pattern, case_id, at + 6);
    else
        snprintf(want, sizeof want, "%s", pattern);
    size_t n = strlen(want);
    if (n && want[n - 1] == '*') {
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
            if (strncmp(p, want, n - 1) == 0)
                return true;
        return false;
    }
    return dwctl_has_line(text, want);
}

static void run(const scenario_t *s, const char *dwctl, const char *dir)
{
    char endpoint[256];
    void *ctx = zmq_ctx_new();
    void *sock = fake_intake_bind(ctx, endpoint, sizeof endpoint);
    CHECK(sock != NULL);
    char *argv[MAX_ARGS + 6];
    int n = 0;
    argv[n++] = (char *)dwctl;
    for (int i = 0; i < MAX_ARGS && s->args[i]; i++)
        argv[n++] = (char *)s->args[i];
    argv[n++] = "--endpoint";
    argv[n++] = endpoint;
    if (!s->silent) {
        argv[n++] = "--timeout-ms";
        argv[n++] = "10000";
    }
    argv[n] = NULL;
    started_ms = dw_now_ms();
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);

    zmq_msg_t identity, data;
    int got = fake_intake_recv(sock, 10000, &identity, &data);
    CHECK_INT(got, 0);
    if (got == 0) {
        dw_error_t err = {0};
        dw_msg_t *m = dw_msg_decode(zmq_msg_data(&data), zmq_msg_size(&data), NULL, &err);
        CHECK(m != NULL); /* what dwctl sends decodes with the schema */
        if (!m)
            fprintf(stderr, "  does not decode: %s: %s (%s)\n", dw_code_name(err.code), err.message, err.field);
        if (m)
            s->check(m);
        if (m && !s->silent)
            CHECK(fake_intake_ack(sock, &identity, dw_msg_id(m), s->dup, s->seq, s->ack_code, s->ack_message) == 0);
        dw_msg_destroy(&m);
    }
    zmq_msg_close(&identity);
    zmq_msg_close(&data);
    CHECK_INT(dwctl_child_wait(&child, 10000), s->want_exit);

    char *out = dwctl_slurp(child.out_path), *err = dwctl_slurp(child.err_path);
    for (int i = 0; i < 3 && s->want[i]; i++) {
        CHECK(has_line(out, s->want[i]));
        if (!has_line(out, s->want[i]))
            fprintf(stderr, "  no line: %s\n", s->want[i]);
    }
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl stdout:\n%s--- dwctl stderr:\n%s", out, err);
    free(out);
    free(err);
    zmq_close(sock);
    zmq_ctx_term(ctx);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_dwctl_act DWCTL SCENARIO\n");
        return 2;
    }
    char dir[] = "/tmp/dwctl-act.XXXXXX";
    if (!mkdtemp(dir))
        return 2;
    bool found = false;
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        if (strcmp(scenarios[i].name, argv[2]) == 0) {
            run(&scenarios[i], argv[1], dir);
            found = true;
        }
    CHECK(found);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    DW_TEST_DONE();
}
