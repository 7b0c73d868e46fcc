/* The config file: defaults, the shipped deploy/dualwatch.yaml, every refusal
 * with its file:line: reason, and the environment override. Line numbers in
 * the expectations are counted by hand from the text beside them. */
#include "dw_config.h"
#include "dw_test.h"
#include "dw_test_date.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];
static char src_dir[512];

/* Writes text to <tmpdir>/<name> and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a file and expects a refusal "<path>:<line>: ..." that
 * contains reason. Reports the test's own line on a mismatch. */
static void expect_refusal_at(int test_line, const char *text, int line, const char *reason)
{
    const char *path = write_file("case.yaml", text);
    char err[512] = "";
    char want[320];
    snprintf(want, sizeof want, "%s:%d: ", path, line);
    dw_config_t *cfg = dw_config_load(path, err, sizeof err);
    dw_test_checks++;
    if (cfg || strncmp(err, want, strlen(want)) != 0 || !strstr(err, reason)) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s; got \"%s\", want \"%s...%s\"\n", __FILE__, test_line,
                cfg ? "loaded, want a refusal" : "wrong refusal", err, want, reason);
    }
    dw_config_destroy(&cfg);
}
#define EXPECT_REFUSAL(text, line, reason) expect_refusal_at(__LINE__, text, line, reason)

/* Every key's default, written out by hand (not read from the key table). */
static void check_default_values(const dw_config_t *c)
{
    CHECK_STR(c->instance, "dualwatch");
    CHECK_INT(c->log_level, 1); /* DW_LOG_INFO */
    CHECK_STR(c->database.conninfo, "host=/tmp/dwpg.5488 port=5488 dbname=dualwatch user=dualwatch");
    CHECK_INT(c->database.connect_retry_s, 30);
    CHECK_STR(c->intake.endpoint, "tcp://127.0.0.1:7401");
    CHECK_INT(c->intake.batch_max, 500);
    CHECK_INT(c->intake.batch_wait_ms, 0);
    CHECK_INT(c->intake.inflight_max, 1000);
    CHECK_INT(c->intake.socket_maxmsgsize, 4194304);
    CHECK_STR(c->pipeline.intake_events, "ipc://@dualwatch/intake");
    CHECK_STR(c->pipeline.validate_events, "ipc://@dualwatch/validate");
    CHECK_STR(c->pipeline.analyze_events, "ipc://@dualwatch/analyze");
    CHECK_STR(c->pipeline.route_events, "ipc://@dualwatch/route");
    CHECK_INT(c->pipeline.batch_max, 1000);
    CHECK_INT(c->pipeline.catchup_ms, 500);
    CHECK_STR(c->notify.pub_endpoint, "tcp://127.0.0.1:7405");
    CHECK_STR(c->notify.replay_endpoint, "tcp://127.0.0.1:7406");
    CHECK_INT(c->notify.heartbeat_ms, 1000);
    CHECK_INT(c->notify.retention_days, 400);
    CHECK_INT(c->notify.pub_hwm, 100000);
    CHECK_INT(c->route.case_review_days, 10);
    CHECK_INT(c->route.remind_workdays, 2);
    CHECK_INT(c->route.hold_ack_workdays, 2);
    CHECK_INT(c->route.tick_ms, 1000);
    CHECK_STR(c->clock.as_of, "");
}

static void test_defaults(void)
{
    dw_config_t *c = dw_config_defaults();
    CHECK(c != NULL);
    if (!c)
        return;
    check_default_values(c);
    CHECK_STR(c->path, "");
    CHECK_INT(c->n_sections, 0);
    CHECK_INT(c->calendar.n_holidays, 0);
    CHECK_INT(c->calendar.n_workdays, 0);
    CHECK_INT(c->route.n_budget_approved, 0);
    CHECK_INT(c->route.n_accounts_approved, 0);
    CHECK_INT(c->route.n_key_years, 0);
    CHECK(dw_config_business_section(c, "101") == NULL);
    CHECK(dw_config_section_of_kind(c, DW_SECTION_TREASURY) == NULL);
    CHECK(dw_config_section(c, "biz_edu") == NULL);
    CHECK(!dw_config_key_department(c, 2026, "103"));
    dw_config_destroy(&c);
    CHECK(c == NULL);
    dw_config_destroy(&c); /* NULL is fine */
    dw_config_destroy(NULL);
}

static void check_section(const dw_cfg_section_t *s, const char *code, const char *name, dw_section_kind_t kind,
                          size_t n_depts)
{
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(s->code, code);
    CHECK_STR(s->name, name);
    CHECK_INT(s->kind, kind);
    CHECK_INT(s->n_depts, n_depts);
}

static void test_deploy_file(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/deploy/dualwatch.yaml", src_dir);
    char err[512] = "";
    dw_config_t *c = dw_config_load(path, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(c->path, path);
    check_default_values(c); /* the shipped file states every default */

    CHECK_INT(c->n_sections, 9);
    check_section(&c->sections[0], "biz_edu", "教科文股", DW_SECTION_BUSINESS, 1);
    check_section(&c->sections[1], "biz_social", "社会保障股", DW_SECTION_BUSINESS, 2);
    check_section(&c->sections[2], "biz_econ", "经济建设股", DW_SECTION_BUSINESS, 1);
    check_section(&c->sections[3], "comprehensive", "综合股", DW_SECTION_COMPREHENSIVE, 0);
    check_section(&c->sections[4], "budget", "预算股", DW_SECTION_BUDGET, 0);
    check_section(&c->sections[5], "treasury", "国库收付中心", DW_SECTION_TREASURY, 0);
    check_section(&c->sections[6], "investment", "财政投资评审中心", DW_SECTION_INVESTMENT, 0);
    check_section(&c->sections[7], "supervision", "监督检查股", DW_SECTION_SUPERVISION, 0);
    check_section(&c->sections[8], "leadership", "局党组", DW_SECTION_LEADERSHIP, 0);
    CHECK_STR(c->sections[0].depts[0], "101");
    CHECK_STR(c->sections[1].depts[0], "102");
    CHECK_STR(c->sections[1].depts[1], "103");
    CHECK_STR(c->sections[2].depts[0], "104");
    /* two reviewers for each business section and the comprehensive section, one for the others */
    static const size_t n_reviewers[] = {2, 2, 2, 2, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < 9; i++)
        CHECK_INT(c->sections[i].n_reviewers, n_reviewers[i]);
    CHECK_STR(c->sections[0].reviewers[0], "张明");
    CHECK_STR(c->sections[0].reviewers[1], "李华");
    CHECK_STR(c->sections[3].reviewers[0], "王芳");
    CHECK_STR(c->sections[3].reviewers[1], "赵强");
    CHECK_STR(c->sections[4].reviewers[0], "陈静");
    CHECK_STR(c->sections[5].reviewers[0], "刘洋");
    CHECK_STR(c->sections[8].reviewers[0], "周局长");
    CHECK(dw_config_section(c, "treasury") == &c->sections[5]);
    CHECK(dw_config_section_allows(dw_config_section(c, "biz_edu"), "李华"));
    CHECK(!dw_config_section_allows(dw_config_section(c, "biz_edu"), "王芳")); /* 综合股's, not 教科文股's */
    CHECK(dw_config_section_allows(dw_config_section(c, "leadership"), "周局长"));

    /* the route's sample year: 2026's budget approved 16 January, 2025's accounts 27 August 2026 */
    CHECK_INT(c->route.n_budget_approved, 1);
    CHECK_DATE(c->route.budget_approved[0], 2026, 1, 16);
    CHECK_INT(c->route.n_accounts_approved, 1);
    CHECK_DATE(c->route.accounts_approved[0], 2026, 8, 27);
    CHECK_INT(c->route.n_key_years, 1);
    CHECK_INT(c->route.key_years[0].year, 2026);
    CHECK_INT(c->route.key_years[0].n_depts, 1);
    CHECK_STR(c->route.key_years[0].depts[0], "103");
    CHECK(dw_config_key_department(c, 2026, "103"));
    CHECK(!dw_config_key_department(c, 2026, "102"));
    CHECK(!dw_config_key_department(c, 2027, "103"));

    /* 对口: who looks after each sample department */
    check_section(dw_config_business_section(c, "101"), "biz_edu", "教科文股", DW_SECTION_BUSINESS, 1);
    check_section(dw_config_business_section(c, "102"), "biz_social", "社会保障股", DW_SECTION_BUSINESS, 2);
    check_section(dw_config_business_section(c, "103"), "biz_social", "社会保障股", DW_SECTION_BUSINESS, 2);
    check_section(dw_config_business_section(c, "104"), "biz_econ", "经济建设股", DW_SECTION_BUSINESS, 1);
    CHECK(dw_config_business_section(c, "105") == NULL);
    CHECK(dw_config_business_section(c, "") == NULL);
    CHECK(dw_config_business_section(c, NULL) == NULL);
    check_section(dw_config_section_of_kind(c, DW_SECTION_BUSINESS), "biz_edu", "教科文股", DW_SECTION_BUSINESS, 1);
    check_section(dw_config_section_of_kind(c, DW_SECTION_COMPREHENSIVE), "comprehensive", "综合股",
                  DW_SECTION_COMPREHENSIVE, 0);
    check_section(dw_config_section_of_kind(c, DW_SECTION_BUDGET), "budget", "预算股", DW_SECTION_BUDGET, 0);
    check_section(dw_config_section_of_kind(c, DW_SECTION_TREASURY), "treasury", "国库收付中心", DW_SECTION_TREASURY,
                  0);
    check_section(dw_config_section_of_kind(c, DW_SECTION_LEADERSHIP), "leadership", "局党组", DW_SECTION_LEADERSHIP,
                  0);

    /* the State Council's 2026 schedule: 3 + 9 + 3 + 5 + 3 + 3 + 7 holidays, six working weekend days */
    CHECK_INT(c->calendar.n_holidays, 33);
    CHECK_DATE(c->calendar.holidays[0], 2026, 1, 1);   /* 元旦 */
    CHECK_DATE(c->calendar.holidays[3], 2026, 2, 15);  /* 春节 */
    CHECK_DATE(c->calendar.holidays[11], 2026, 2, 23); /* its last day */
    CHECK_DATE(c->calendar.holidays[12], 2026, 4, 4);  /* 清明 */
    CHECK_DATE(c->calendar.holidays[15], 2026, 5, 1);  /* 劳动节 */
    CHECK_DATE(c->calendar.holidays[20], 2026, 6, 19); /* 端午 */
    CHECK_DATE(c->calendar.holidays[23], 2026, 9, 25); /* 中秋 */
    CHECK_DATE(c->calendar.holidays[26], 2026, 10, 1); /* 国庆 */
    CHECK_DATE(c->calendar.holidays[32], 2026, 10, 7);
    CHECK_INT(c->calendar.n_workdays, 6);
    CHECK_DATE(c->calendar.workdays[0], 2026, 1, 4);
    CHECK_DATE(c->calendar.workdays[1], 2026, 2, 14);
    CHECK_DATE(c->calendar.workdays[2], 2026, 2, 28);
    CHECK_DATE(c->calendar.workdays[3], 2026, 5, 9);
    CHECK_DATE(c->calendar.workdays[4], 2026, 9, 20);
    CHECK_DATE(c->calendar.workdays[5], 2026, 10, 10);
    dw_calendar_t *cal = dw_config_calendar_new(c);
    CHECK(cal != NULL);
    if (cal) {
        CHECK_DATE(dw_calendar_add_workdays(cal, D(2026, 9, 30), 1), 2026, 10, 8);
        CHECK_DATE(dw_calendar_add_workdays(cal, D(2026, 9, 18), 1), 2026, 9, 20);
        /* 261 weekdays in 2026, 19 weekday holidays, 6 working weekend days (test_calendar) */
        CHECK_INT(dw_calendar_workdays_between(cal, D(2025, 12, 31), D(2026, 12, 31)), 248);
    }
    dw_calendar_destroy(&cal);
    dw_config_destroy(&c);
}

static void test_fixture_minimal(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tests/unit/data/config_minimal.yaml", src_dir);
    char err[512] = "";
    dw_config_t *c = dw_config_load(path, err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(c->instance, "dw-test");
    CHECK_INT(c->log_level, 0);          /* debug */
    CHECK_INT(c->intake.batch_max, 500); /* untouched keys keep their defaults */
    CHECK_INT(c->n_sections, 2);
    check_section(&c->sections[0], "biz_a", "甲股", DW_SECTION_BUSINESS, 2);
    check_section(&c->sections[1], "comp", "综合股", DW_SECTION_COMPREHENSIVE, 0);
    check_section(dw_config_business_section(c, "d2"), "biz_a", "甲股", DW_SECTION_BUSINESS, 2);
    CHECK(dw_config_section_of_kind(c, DW_SECTION_TREASURY) == NULL);
    dw_config_destroy(&c);
}

/* Every key set away from its default, in several of YAML's spellings. */
static void test_every_key(void)
{
    const char *text = "instance: dw-2\n"
                       "log: {level: warn}\n"
                       "database:\n"
                       "  conninfo: 'host=db port=6000'\n"
                       "  connect_retry_s: 0\n"
                       "intake:\n"
                       "  endpoint: tcp://*:9401\n"
                       "  batch_max: 10000\n"
                       "  batch_wait_ms: 7\n"
                       "  inflight_max: \"1\"\n"
                       "  socket_maxmsgsize: 1073741824\n"
                       "pipeline:\n"
                       "  intake_events: inproc://a\n"
                       "  validate_events: ipc:///tmp/v\n"
                       "  analyze_events: ipc://@x/analyze\n"
                       "  route_events: tcp://127.0.0.1:9999\n"
                       "  batch_max: 1\n"
                       "  catchup_ms: 60000\n"
                       "notify:\n"
                       "  pub_endpoint: tcp://0.0.0.0:9405\n"
                       "  replay_endpoint: tcp://0.0.0.0:9406\n"
                       "  heartbeat_ms: 100\n"
                       "  retention_days: 3650\n"
                       "  pub_hwm: 1000\n"
                       "route:\n"
                       "  case_review_days: 90\n"
                       "  remind_workdays: 0\n"
                       "  hold_ack_workdays: 30\n"
                       "  tick_ms: 600000\n"
                       "  budget_approved: [2026-01-16, \"2027-01-20\"]\n"
                       "  accounts_approved:\n"
                       "    - 2026-08-27\n"
                       "    - 2025-12-31\n" /* one a year, in any order */
                       "  key_departments:\n"
                       "    - {year: 2026, depts: [\"103\", \"104\"]}\n"
                       "    - year: 2100\n"
                       "      depts: []\n"
                       "    - {depts: ~, year: \"2000\"}\n"
                       "calendar:\n"
                       "  holidays: [2027-01-01, \"2027-01-02\"]\n"
                       "  workdays:\n"
                       "    - 2026-12-26\n"
                       "clock.as_of: 2028-02-29\n" /* a dotted key at the top works too */
                       "sections: []\n";
    char err[512] = "";
    dw_config_t *c = dw_config_load(write_file("every.yaml", text), err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_STR(c->instance, "dw-2");
    CHECK_INT(c->log_level, 2);
    CHECK_STR(c->database.conninfo, "host=db port=6000");
    CHECK_INT(c->database.connect_retry_s, 0);
    CHECK_STR(c->intake.endpoint, "tcp://*:9401");
    CHECK_INT(c->intake.batch_max, 10000);
    CHECK_INT(c->intake.batch_wait_ms, 7);
    CHECK_INT(c->intake.inflight_max, 1);
    CHECK_INT(c->intake.socket_maxmsgsize, 1073741824);
    CHECK_STR(c->pipeline.intake_events, "inproc://a");
    CHECK_STR(c->pipeline.validate_events, "ipc:///tmp/v");
    CHECK_STR(c->pipeline.analyze_events, "ipc://@x/analyze");
    CHECK_STR(c->pipeline.route_events, "tcp://127.0.0.1:9999");
    CHECK_INT(c->pipeline.batch_max, 1);
    CHECK_INT(c->pipeline.catchup_ms, 60000);
    CHECK_STR(c->notify.pub_endpoint, "tcp://0.0.0.0:9405");
    CHECK_STR(c->notify.replay_endpoint, "tcp://0.0.0.0:9406");
    CHECK_INT(c->notify.heartbeat_ms, 100);
    CHECK_INT(c->notify.retention_days, 3650);
    CHECK_INT(c->notify.pub_hwm, 1000);
    CHECK_INT(c->route.case_review_days, 90);
    CHECK_INT(c->route.remind_workdays, 0);
    CHECK_INT(c->route.hold_ack_workdays, 30);
    CHECK_INT(c->route.tick_ms, 600000);
    CHECK_INT(c->route.n_budget_approved, 2);
    CHECK_DATE(c->route.budget_approved[0], 2026, 1, 16);
    CHECK_DATE(c->route.budget_approved[1], 2027, 1, 20);
    CHECK_INT(c->route.n_accounts_approved, 2);
    CHECK_DATE(c->route.accounts_approved[0], 2026, 8, 27);
    CHECK_DATE(c->route.accounts_approved[1], 2025, 12, 31);
    CHECK_INT(c->route.n_key_years, 3);
    CHECK_INT(c->route.key_years[0].year, 2026);
    CHECK_INT(c->route.key_years[0].n_depts, 2);
    CHECK_STR(c->route.key_years[0].depts[0], "103");
    CHECK_STR(c->route.key_years[0].depts[1], "104");
    CHECK_INT(c->route.key_years[1].year, 2100);
    CHECK_INT(c->route.key_years[1].n_depts, 0);
    CHECK_INT(c->route.key_years[2].year, 2000);
    CHECK_INT(c->route.key_years[2].n_depts, 0);
    CHECK_STR(c->clock.as_of, "2028-02-29");
    CHECK_INT(c->calendar.n_holidays, 2);
    CHECK_DATE(c->calendar.holidays[0], 2027, 1, 1);
    CHECK_DATE(c->calendar.holidays[1], 2027, 1, 2);
    CHECK_INT(c->calendar.n_workdays, 1);
    CHECK_DATE(c->calendar.workdays[0], 2026, 12, 26); /* a Saturday */
    CHECK_INT(c->n_sections, 0);
    dw_config_destroy(&c);

    /* empty values: "" and null for texts that may be empty; an empty group */
    c = dw_config_load(write_file("empty.yaml", "clock:\n  as_of:\ndatabase:\n  conninfo: \"\"\nnotify:\n"), err,
                       sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(c->clock.as_of, "");
        CHECK_STR(c->database.conninfo, "");
        CHECK_INT(c->notify.heartbeat_ms, 1000);
    }
    dw_config_destroy(&c);
}

static void test_refusals_values(void)
{
    EXPECT_REFUSAL("intake:\n  batch_max: abc\n", 2, "intake.batch_max: expected an integer, got \"abc\"");
    EXPECT_REFUSAL("intake:\n  batch_max: 12.5\n", 2, "intake.batch_max: expected an integer, got \"12.5\"");
    EXPECT_REFUSAL("intake:\n  batch_max: 0x10\n", 2, "intake.batch_max: expected an integer, got \"0x10\"");
    EXPECT_REFUSAL("intake:\n  batch_max:\n", 2, "intake.batch_max: expected an integer, got \"\"");
    EXPECT_REFUSAL("intake:\n  batch_max: [1]\n", 2, "intake.batch_max: expected an integer, got a list");
    EXPECT_REFUSAL("intake:\n  batch_max: 0\n", 2, "intake.batch_max: 0 is out of range (1..10000)");
    EXPECT_REFUSAL("intake:\n  batch_max: 10001\n", 2, "intake.batch_max: 10001 is out of range (1..10000)");
    EXPECT_REFUSAL("intake:\n  batch_wait_ms: -1\n", 2, "intake.batch_wait_ms: -1 is out of range (0..1000)");
    EXPECT_REFUSAL("intake:\n  inflight_max: 100001\n", 2, "100001 is out of range (1..100000)");
    EXPECT_REFUSAL("intake:\n  socket_maxmsgsize: 99999999999\n", 2,
                   "intake.socket_maxmsgsize: 99999999999 is out of range (65536..1073741824)");
    EXPECT_REFUSAL("intake:\n  batch_max: 99999999999999999999\n", 2, "expected an integer");
    EXPECT_REFUSAL("\n\nnotify:\n  heartbeat_ms: 99\n", 4, "notify.heartbeat_ms: 99 is out of range (100..60000)");
    EXPECT_REFUSAL("route:\n  case_review_days: 0\n", 2, "route.case_review_days: 0 is out of range (1..90)");
    EXPECT_REFUSAL("log:\n  level: verbose\n", 2,
                   "log.level: expected one of debug, info, warn, error, got \"verbose\"");
    EXPECT_REFUSAL("log:\n  level: INFO\n", 2, "log.level: expected one of");
    EXPECT_REFUSAL("clock:\n  as_of: 2026-02-29\n", 2, "clock.as_of: expected a date YYYY-MM-DD");
    EXPECT_REFUSAL("clock:\n  as_of: 2026-1-01\n", 2, "clock.as_of: expected a date");
    EXPECT_REFUSAL("intake:\n  endpoint: 127.0.0.1:7401\n", 2,
                   "intake.endpoint: expected a ZeroMQ endpoint (tcp://, ipc:// or inproc://), got \"127.0.0.1:7401\"");
    EXPECT_REFUSAL("intake:\n  endpoint: \"tcp://\"\n", 2, "intake.endpoint: expected a ZeroMQ endpoint");
    EXPECT_REFUSAL("instance: \"\"\n", 1, "instance: expected a name of ASCII letters, digits, '_' and '-', got \"\"");
    EXPECT_REFUSAL("instance: dual watch\n", 1, "instance: expected a name of ASCII letters, digits, '_' and '-'");
    EXPECT_REFUSAL("instance: \"a\\0b\"\n", 1, "instance: value contains a NUL character");

    /* too long for its field: instance is char[64], so 63 bytes fit and 64 do not */
    char text[2200];
    char long_name[80];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    snprintf(text, sizeof text, "instance: %s\n", long_name);
    EXPECT_REFUSAL(text, 1, "instance: value is too long (64 bytes, at most 63)");
    long_name[63] = '\0';
    snprintf(text, sizeof text, "instance: %s\n", long_name);
    char err[512];
    dw_config_t *c = dw_config_load(write_file("fits.yaml", text), err, sizeof err);
    CHECK(c != NULL);
    if (c)
        CHECK_INT(strlen(c->instance), 63);
    dw_config_destroy(&c);
    /* conninfo is char[1024] */
    char conninfo[1100];
    memset(conninfo, 'h', 1024);
    conninfo[1024] = '\0';
    snprintf(text, sizeof text, "database:\n  conninfo: %s\n", conninfo);
    EXPECT_REFUSAL(text, 2, "database.conninfo: value is too long (1024 bytes, at most 1023)");
}

static void test_refusals_keys(void)
{
    EXPECT_REFUSAL("intake:\n  batchmax: 3\n", 2, "unknown key \"intake.batchmax\"");
    EXPECT_REFUSAL("instance: a\nverbose: true\n", 2, "unknown key \"verbose\"");
    EXPECT_REFUSAL("intake:\n  batch_max: 3\n  pipeline:\n    batch_max: 3\n", 3, "unknown key \"intake.pipeline\"");
    EXPECT_REFUSAL("intake: 5\n", 1, "intake: expected a mapping of keys, got a scalar");
    EXPECT_REFUSAL("intake:\n  - batch_max: 5\n", 2, "intake: expected a mapping of keys, got a list");
    EXPECT_REFUSAL("intake:\n  batch_max: 3\n  batch_max: 4\n", 3,
                   "duplicate key \"intake.batch_max\" (first at line 2)");
    EXPECT_REFUSAL("intake:\n  batch_max: 3\nlog:\n  level: info\nintake:\n  batch_wait_ms: 3\n", 5,
                   "duplicate key \"intake\" (first at line 1)");
    EXPECT_REFUSAL("intake:\n  batch_max: 3\nintake.batch_max: 4\n", 3,
                   "duplicate key \"intake.batch_max\" (first at line 2)");
    EXPECT_REFUSAL("? [a, b]\n: 1\n", 1, "a key must be a plain name, got a list");
}

static void test_refusals_yaml(void)
{
    EXPECT_REFUSAL("intake:\n  batch_max: [3\n", 3, "invalid YAML: did not find expected ',' or ']'");
    EXPECT_REFUSAL("intake:\n\tbatch_max: 3\n", 2, "invalid YAML: found character that cannot start any token");
    EXPECT_REFUSAL("log:\n  level: info\n  bad: \"unterminated\n", 4, "invalid YAML:");
    EXPECT_REFUSAL("instance: a\n---\ninstance: b\n", 3, "more than one YAML document in the file");
    EXPECT_REFUSAL("", 1, "no configuration in the file");
    EXPECT_REFUSAL("# only a comment\n", 1, "no configuration in the file");
    EXPECT_REFUSAL("\n- 1\n", 2, "expected a mapping of keys at the top level, got a list");
    EXPECT_REFUSAL("just text\n", 1, "expected a mapping of keys at the top level, got a scalar");
    /* an alias back to its own mapping does not loop */
    EXPECT_REFUSAL("intake: &x\n  batch_max: *x\n", 1, "intake.batch_max: expected an integer, got a mapping");
}

static void test_refusals_sections(void)
{
    EXPECT_REFUSAL("sections:\n  code: a\n", 2, "sections: expected a list of sections, got a mapping");
    EXPECT_REFUSAL("sections:\n  - biz_edu\n", 2,
                   "sections[0]: expected a mapping (code, name, kind, depts, reviewers), got a scalar");
    EXPECT_REFUSAL("sections:\n  - name: A\n    kind: budget\n", 2, "sections[0]: missing required key \"code\"");
    EXPECT_REFUSAL("sections:\n  - code: a\n    kind: budget\n", 2, "sections[0]: missing required key \"name\"");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n", 2, "sections[0]: missing required key \"kind\"");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: budget\n  - code: b\n    name: B\n", 5,
                   "sections[1]: missing required key \"kind\"");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: budget\n    dept: [\"1\"]\n", 5,
                   "sections[0]: unknown key \"dept\" (a section has code, name, kind, depts, reviewers)");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    code: b\n    kind: budget\n", 4,
                   "sections[0]: duplicate key \"code\" (first at line 2)");
    EXPECT_REFUSAL("sections:\n  - code: a b\n    name: A\n    kind: budget\n", 2,
                   "sections[0]: code: expected ASCII letters, digits, '_' and '-', got \"a b\"");
    EXPECT_REFUSAL("sections:\n  - code: 预算\n    name: A\n    kind: budget\n", 2,
                   "sections[0]: code: expected ASCII");
    EXPECT_REFUSAL("sections:\n  - code:\n    name: A\n    kind: budget\n", 2, "sections[0]: code: must not be empty");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: \"\"\n    kind: budget\n", 3,
                   "section \"a\": name: must not be empty");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: finance\n", 4,
                   "section \"a\": kind: expected one of business, comprehensive, budget, treasury, investment, "
                   "supervision, leadership, got \"finance\"");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: budget\n    depts: [\"101\"]\n", 5,
                   "section \"a\": depts: only a business section looks after departments");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: business\n    depts: \"101\"\n", 5,
                   "section \"a\": depts: expected a list of dept codes, got a scalar");
    EXPECT_REFUSAL("sections:\n  - code: a\n    name: A\n    kind: business\n    depts: [\"10 1\"]\n", 5,
                   "section \"a\": depts: expected ASCII letters, digits");
    EXPECT_REFUSAL("sections:\n"
                   "  - code: biz\n" /* 2 */
                   "    name: A\n"
                   "    kind: business\n"
                   "  - code: other\n" /* 5 */
                   "    name: B\n"
                   "    kind: budget\n"
                   "  - code: biz\n" /* 8 */
                   "    name: C\n"
                   "    kind: business\n",
                   8, "duplicate section code \"biz\" (first at line 2)");
    EXPECT_REFUSAL("sections:\n"
                   "  - code: a\n"
                   "    name: A\n"
                   "    kind: business\n"
                   "    depts:\n"
                   "      - \"101\"\n" /* 6 */
                   "      - \"102\"\n"
                   "      - \"101\"\n", /* 8 */
                   8, "dept \"101\" is listed twice in section \"a\" (first at line 6)");
    /* the repeat reported is the first one in the file, whatever the codes sort as */
    EXPECT_REFUSAL("sections:\n"
                   "  - code: a\n"
                   "    name: A\n"
                   "    kind: business\n"
                   "    depts: [\"9\", \"1\"]\n" /* 5 */
                   "  - code: b\n"
                   "    name: B\n"
                   "    kind: business\n"
                   "    depts: [\"9\"]\n" /* 9 */
                   "  - code: c\n"
                   "    name: C\n"
                   "    kind: business\n"
                   "    depts: [\"1\"]\n", /* 13 */
                   9, "dept \"9\" is listed under two business sections: \"a\" (line 5) and \"b\"");

    /* 65 sections: the 65th item starts on line 2 + 64 * 3 = 194 */
    static char big[80000];
    size_t n = (size_t)snprintf(big, sizeof big, "sections:\n");
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "  - code: s%d\n    name: S\n    kind: budget\n", i);
    EXPECT_REFUSAL(big, 194, "too many sections (at most 64)");
    /* 64 are fine */
    n = (size_t)snprintf(big, sizeof big, "sections:\n");
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "  - code: s%d\n    name: S\n    kind: budget\n", i);
    char err[512];
    dw_config_t *c = dw_config_load(write_file("64.yaml", big), err, sizeof err);
    CHECK(c != NULL);
    if (c)
        CHECK_INT(c->n_sections, 64);
    dw_config_destroy(&c);

    /* 257 depts, one per line from line 6: the 257th is on line 6 + 256 = 262 */
    n = (size_t)snprintf(big, sizeof big, "sections:\n  - code: a\n    name: A\n    kind: business\n    depts:\n");
    for (int i = 0; i < 257; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "      - \"d%d\"\n", i);
    EXPECT_REFUSAL(big, 262, "section \"a\": too many depts (at most 256)");
}

/* sections[].reviewers: names, none twice in a section, each 1..63 bytes. */
static void test_refusals_reviewers(void)
{
#define SECTION_A "sections:\n  - code: a\n    name: A\n    kind: budget\n" /* lines 1-4 */
    EXPECT_REFUSAL(SECTION_A "    reviewers: 张明\n", 5,
                   "section \"a\": reviewers: expected a list of names, got a scalar");
    EXPECT_REFUSAL(SECTION_A "    reviewers: {name: 张明}\n", 5,
                   "section \"a\": reviewers: expected a list of names, got a mapping");
    EXPECT_REFUSAL(SECTION_A "    reviewers:\n"
                             "      - 张明\n" /* 6 */
                             "      - 李华\n"
                             "      - 张明\n", /* 8 */
                   8, "section \"a\": reviewers: \"张明\" is listed twice (first at line 6)");
    EXPECT_REFUSAL(SECTION_A "    reviewers: [\"\"]\n", 5, "section \"a\": reviewers: must not be empty");
    EXPECT_REFUSAL(SECTION_A "    reviewers: [张明, ~]\n", 5, "section \"a\": reviewers: must not be empty");
    EXPECT_REFUSAL(SECTION_A "    reviewers:\n      - [张明]\n", 6,
                   "section \"a\": reviewers: expected text, got a list");
    EXPECT_REFUSAL(SECTION_A "    reviewers: []\n    reviewers: [张明]\n", 6,
                   "sections[0]: duplicate key \"reviewers\" (first at line 5)");
    /* reviewers is char[64]: 21 three-byte characters (63 bytes) fit, 22 (66 bytes) do not */
    char text[4096], name[80] = "";
    for (int i = 0; i < 22; i++)
        strcat(name, "张");
    snprintf(text, sizeof text, SECTION_A "    reviewers: [李华, %s]\n", name);
    EXPECT_REFUSAL(text, 5, "section \"a\": reviewers: value is too long (66 bytes, at most 63)");
    name[63] = '\0';
    snprintf(text, sizeof text, SECTION_A "    reviewers: [李华, %s]\n", name);
    char err[512] = "";
    dw_config_t *c = dw_config_load(write_file("fits.yaml", text), err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->sections[0].n_reviewers, 2);
        CHECK_INT(strlen(c->sections[0].reviewers[1]), 63);
    }
    dw_config_destroy(&c);

    /* 65 reviewers, one per line from line 6: the 65th is on line 6 + 64 = 70 */
    static char big[4096];
    size_t n = (size_t)snprintf(big, sizeof big, SECTION_A "    reviewers:\n");
    for (int i = 0; i < 65; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "      - r%d\n", i);
    EXPECT_REFUSAL(big, 70, "section \"a\": too many reviewers (at most 64)");
    /* 64 are fine; the same name may act for two sections; null is an empty list */
    n = (size_t)snprintf(big, sizeof big, SECTION_A "    reviewers:\n");
    for (int i = 0; i < 64; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "      - r%d\n", i);
    snprintf(big + n, sizeof big - n,
             "  - {code: b, name: B, kind: business, depts: [\"101\"], reviewers: [r0]}\n"
             "  - {code: c, name: C, kind: treasury, reviewers: ~}\n");
    c = dw_config_load(write_file("64.yaml", big), err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(c->n_sections, 3);
    CHECK_INT(c->sections[0].n_reviewers, 64);
    CHECK_STR(c->sections[0].reviewers[63], "r63");
    CHECK_INT(c->sections[1].n_reviewers, 1);
    CHECK_STR(c->sections[1].reviewers[0], "r0");
    CHECK_INT(c->sections[2].n_reviewers, 0);
    dw_config_destroy(&c);
#undef SECTION_A
}

/* The route's keys: ranges, one approval date a year, route.key_departments. */
static void test_refusals_route(void)
{
    EXPECT_REFUSAL("route:\n  remind_workdays: 21\n", 2, "route.remind_workdays: 21 is out of range (0..20)");
    EXPECT_REFUSAL("route:\n  remind_workdays: -1\n", 2, "route.remind_workdays: -1 is out of range (0..20)");
    EXPECT_REFUSAL("route:\n  hold_ack_workdays: 0\n", 2, "route.hold_ack_workdays: 0 is out of range (1..30)");
    EXPECT_REFUSAL("route:\n  hold_ack_workdays: 31\n", 2, "route.hold_ack_workdays: 31 is out of range (1..30)");
    EXPECT_REFUSAL("route:\n  tick_ms: 99\n", 2, "route.tick_ms: 99 is out of range (100..600000)");
    EXPECT_REFUSAL("route:\n  tick_ms: 600001\n", 2, "route.tick_ms: 600001 is out of range (100..600000)");
    EXPECT_REFUSAL("route:\n  case_review_days: 91\n", 2, "route.case_review_days: 91 is out of range (1..90)");

    /* approval dates: real dates, none twice, at most one in a calendar year */
    EXPECT_REFUSAL("route:\n"
                   "  budget_approved:\n"
                   "    - 2026-01-16\n" /* 3 */
                   "    - 2027-01-20\n"
                   "    - 2026-03-01\n", /* 5 */
                   5,
                   "route.budget_approved: 2026-03-01 is a second date in 2026 (2026-01-16 at line 3); at most one "
                   "date per year");
    EXPECT_REFUSAL("route.accounts_approved: [2025-12-31,\n  2026-08-27, 2026-01-02]\n", 2,
                   "route.accounts_approved: 2026-01-02 is a second date in 2026 (2026-08-27 at line 2); at most one "
                   "date per year");
    EXPECT_REFUSAL("route:\n  budget_approved: [2026-01-16, 2026-01-16]\n", 2,
                   "route.budget_approved: 2026-01-16 is listed twice (first at line 2)");
    EXPECT_REFUSAL("route:\n  budget_approved: [2026-02-30]\n", 2,
                   "route.budget_approved: expected a date YYYY-MM-DD, got \"2026-02-30\"");
    EXPECT_REFUSAL("route:\n  accounts_approved: 2026-08-27\n", 2,
                   "route.accounts_approved: expected a list of dates YYYY-MM-DD, got a scalar");
    EXPECT_REFUSAL("route:\n  budget_approved: []\nroute.budget_approved: [2026-01-16]\n", 3,
                   "duplicate key \"route.budget_approved\" (first at line 2)");
    /* the two lists are apart: the same day may be in both */
    char err[512] = "";
    dw_config_t *c = dw_config_load(
        write_file("case.yaml", "route:\n  budget_approved: [2027-01-20]\n  accounts_approved: [2027-01-20]\n"), err,
        sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->route.n_budget_approved, 1);
        CHECK_INT(c->route.n_accounts_approved, 1);
    }
    dw_config_destroy(&c);

    /* route.key_departments */
    EXPECT_REFUSAL("route:\n  key_departments: 2026\n", 2,
                   "route.key_departments: expected a list of {year, depts}, got a scalar");
    EXPECT_REFUSAL("route:\n  key_departments:\n    year: 2026\n", 3,
                   "route.key_departments: expected a list of {year, depts}, got a mapping");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - 2026\n", 3,
                   "route.key_departments[0]: expected a mapping (year, depts), got a scalar");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, dept: [\"103\"]}\n", 3,
                   "route.key_departments[0]: unknown key \"dept\" (an item has year, depts)");
    EXPECT_REFUSAL("route:\n"
                   "  key_departments:\n"
                   "    - year: 2026\n"
                   "      depts: [\"103\"]\n"
                   "      name: 重点\n", /* 5 */
                   5, "route.key_departments[0]: unknown key \"name\" (an item has year, depts)");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: missing required key \"year\"");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026}\n", 3,
                   "route.key_departments[0]: missing required key \"depts\"");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, year: 2027, depts: []}\n", 3,
                   "route.key_departments[0]: duplicate key \"year\" (first at line 3)");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 1999, depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: year: 1999 is out of range (2000..2100)");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2101, depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: year: 2101 is out of range (2000..2100)");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 二〇二六, depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: year: expected an integer, got \"二〇二六\"");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: [2026], depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: year: expected an integer, got a list");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: , depts: [\"103\"]}\n", 3,
                   "route.key_departments[0]: year: expected an integer, got \"\"");
    EXPECT_REFUSAL("route:\n"
                   "  key_departments:\n"
                   "    - year: 2026\n" /* 3 */
                   "      depts: [\"103\"]\n"
                   "    - year: 2027\n"
                   "      depts: [\"103\"]\n"
                   "    - year: 2026\n" /* 7 */
                   "      depts: [\"104\"]\n",
                   7, "route.key_departments[2]: year 2026 is listed twice (first at line 3)");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, depts: \"103\"}\n", 3,
                   "route.key_departments[0]: depts: expected a list of dept codes, got a scalar");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, depts: [\"10 3\"]}\n", 3,
                   "route.key_departments[0]: depts: expected ASCII letters, digits, '_' and '-', got \"10 3\"");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, depts: [\"\"]}\n", 3,
                   "route.key_departments[0]: depts: must not be empty");
    EXPECT_REFUSAL("route:\n  key_departments:\n    - {year: 2026, depts: [\"1234567890123456789012345678901x\"]}\n", 3,
                   "route.key_departments[0]: depts: value is too long (32 bytes, at most 31)");
    EXPECT_REFUSAL("route:\n"
                   "  key_departments:\n"
                   "    - year: 2026\n"
                   "      depts:\n"
                   "        - \"103\"\n" /* 5 */
                   "        - \"104\"\n"
                   "        - \"103\"\n", /* 7 */
                   7, "route.key_departments[0]: dept \"103\" is listed twice (first at line 5)");
    EXPECT_REFUSAL("route:\n  key_departments: []\nroute.key_departments: []\n", 3,
                   "duplicate key \"route.key_departments\" (first at line 2)");
    EXPECT_REFUSAL("route.key_departments: []\nroute:\n  tick_ms: 100\n  key_departments:\n", 4,
                   "duplicate key \"route.key_departments\" (first at line 1)");
    EXPECT_REFUSAL("key_departments: []\n", 1, "unknown key \"key_departments\"");

    /* 17 years, one per line from line 3: the 17th is on line 3 + 16 = 19 */
    char big[2048];
    size_t n = (size_t)snprintf(big, sizeof big, "route:\n  key_departments:\n");
    for (int i = 0; i < 17; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "    - {year: %d, depts: [\"103\"]}\n", 2020 + i);
    EXPECT_REFUSAL(big, 19, "route.key_departments: too many years (at most 16)");
    /* 16 are fine */
    n = (size_t)snprintf(big, sizeof big, "route:\n  key_departments:\n");
    for (int i = 0; i < 16; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "    - {year: %d, depts: [\"103\"]}\n", 2020 + i);
    c = dw_config_load(write_file("case.yaml", big), err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->route.n_key_years, 16);
        CHECK_INT(c->route.key_years[15].year, 2035);
    }
    dw_config_destroy(&c);

    /* 257 depts in a year, one per line from line 5: the 257th is on line 5 + 256 = 261 */
    static char depts[8192];
    n = (size_t)snprintf(depts, sizeof depts, "route:\n  key_departments:\n    - year: 2026\n      depts:\n");
    for (int i = 0; i < 257; i++)
        n += (size_t)snprintf(depts + n, sizeof depts - n, "        - d%d\n", i);
    EXPECT_REFUSAL(depts, 261, "route.key_departments[0]: too many depts (at most 256)");
}

/* The lookups dw-route uses, on a hand-made configuration. */
static void test_lookups(void)
{
    const char *text = "sections:\n"
                       "  - {code: biz_social, name: 社会保障股, kind: business, depts: [\"102\", \"103\"],\n"
                       "     reviewers: [孙丽, 吴刚]}\n"
                       "  - {code: budget, name: 预算股, kind: budget, reviewers: [陈静]}\n"
                       "  - {code: comprehensive, name: 综合股, kind: comprehensive}\n"
                       "route:\n"
                       "  key_departments:\n"
                       "    - {year: 2026, depts: [\"103\", \"104\"]}\n"
                       "    - {year: 2027, depts: [\"102\"]}\n"
                       "    - {year: 2028, depts: []}\n";
    char err[512] = "";
    dw_config_t *c = dw_config_load(write_file("case.yaml", text), err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    const dw_cfg_section_t *social = dw_config_section(c, "biz_social");
    const dw_cfg_section_t *budget = dw_config_section(c, "budget");
    const dw_cfg_section_t *comp = dw_config_section(c, "comprehensive");
    CHECK(social == &c->sections[0]);
    CHECK(budget == &c->sections[1]);
    CHECK(comp == &c->sections[2]);
    CHECK(dw_config_section(c, "Budget") == NULL); /* codes are exact */
    CHECK(dw_config_section(c, "103") == NULL);    /* a department is no section */
    CHECK(dw_config_section(c, "") == NULL);
    CHECK(dw_config_section(c, NULL) == NULL);
    CHECK(dw_config_section(NULL, "budget") == NULL);

    CHECK(dw_config_section_allows(social, "孙丽"));
    CHECK(dw_config_section_allows(social, "吴刚"));
    CHECK(!dw_config_section_allows(social, "陈静")); /* the budget section's */
    CHECK(!dw_config_section_allows(social, "孙"));   /* a prefix is not the name */
    CHECK(!dw_config_section_allows(social, "孙丽 "));
    CHECK(!dw_config_section_allows(social, ""));
    CHECK(dw_config_section_allows(budget, "陈静"));
    CHECK(!dw_config_section_allows(budget, "孙丽"));
    CHECK(dw_config_section_allows(comp, "王芳")); /* lists none: anyone acts for it */
    CHECK(dw_config_section_allows(comp, ""));
    CHECK(!dw_config_section_allows(comp, NULL));
    CHECK(!dw_config_section_allows(NULL, "孙丽"));
    CHECK(!dw_config_section_allows(NULL, NULL));

    CHECK(dw_config_key_department(c, 2026, "103"));
    CHECK(dw_config_key_department(c, 2026, "104")); /* looked after by no section: still listed */
    CHECK(!dw_config_key_department(c, 2026, "102"));
    CHECK(dw_config_key_department(c, 2027, "102"));
    CHECK(!dw_config_key_department(c, 2027, "103")); /* 2026's, not 2027's */
    CHECK(!dw_config_key_department(c, 2028, "103"));
    CHECK(!dw_config_key_department(c, 2025, "103"));
    CHECK(!dw_config_key_department(c, 2026, "10"));
    CHECK(!dw_config_key_department(c, 2026, NULL));
    CHECK(!dw_config_key_department(NULL, 2026, "103"));
    dw_config_destroy(&c);
}

static void test_refusals_calendar(void)
{
    EXPECT_REFUSAL("calendar:\n  holidays:\n    - 2026-02-29\n", 3,
                   "calendar.holidays: expected a date YYYY-MM-DD, got \"2026-02-29\"");
    EXPECT_REFUSAL("calendar:\n  workdays: [2026-1-04]\n", 2,
                   "calendar.workdays: expected a date YYYY-MM-DD, got \"2026-1-04\"");
    EXPECT_REFUSAL("calendar:\n  holidays:\n    -\n", 3, "calendar.holidays: expected a date YYYY-MM-DD, got \"\"");
    EXPECT_REFUSAL("calendar:\n  holidays:\n    - [2026-10-01]\n", 3,
                   "calendar.holidays: expected a date YYYY-MM-DD, got a list");
    EXPECT_REFUSAL("calendar:\n  holidays: [\"2026-10-01\\0\"]\n", 2,
                   "calendar.holidays: value contains a NUL character");
    EXPECT_REFUSAL("calendar:\n  holidays: 2026-10-01\n", 2,
                   "calendar.holidays: expected a list of dates YYYY-MM-DD, got a scalar");
    EXPECT_REFUSAL("calendar:\n  workdays:\n    day: 2026-10-10\n", 3,
                   "calendar.workdays: expected a list of dates YYYY-MM-DD, got a mapping");
    EXPECT_REFUSAL("calendar: [2026-10-01]\n", 1, "calendar: expected a mapping of keys, got a list");
    EXPECT_REFUSAL("calendar:\n  holiday: [2026-10-01]\n", 2, "unknown key \"calendar.holiday\"");
    EXPECT_REFUSAL("calendar:\n  holidays: []\ncalendar.holidays: [2026-10-01]\n", 3,
                   "duplicate key \"calendar.holidays\" (first at line 2)");

    /* a date twice in one list, the repeat reported at its line */
    EXPECT_REFUSAL("calendar:\n"
                   "  holidays:\n"
                   "    - 2026-10-01\n" /* 3 */
                   "    - 2026-10-02\n"
                   "    - \"2026-10-01\"\n", /* 5 */
                   5, "calendar.holidays: 2026-10-01 is listed twice (first at line 3)");
    EXPECT_REFUSAL("calendar:\n  workdays: [2026-09-20, 2026-10-10, 2026-09-20]\n", 2,
                   "calendar.workdays: 2026-09-20 is listed twice (first at line 2)");

    /* a working day on a weekday: Fri 2026-10-09 (Thu 10-1 + 8), Mon 2026-10-05 (+ 4) */
    EXPECT_REFUSAL("calendar:\n  workdays:\n    - 2026-10-10\n    - 2026-10-09\n", 4,
                   "calendar.workdays: 2026-10-09 is a Friday: a working weekend day must be a Saturday or Sunday");
    EXPECT_REFUSAL("calendar:\n  workdays: [2026-10-05]\n", 2,
                   "calendar.workdays: 2026-10-05 is a Monday: a working weekend day must be a Saturday or Sunday");

    /* a day in both lists, reported at its second listing, whichever list comes first */
    EXPECT_REFUSAL("calendar:\n"
                   "  holidays:\n"
                   "    - 2026-10-01\n"
                   "    - 2026-10-10\n" /* 4 */
                   "  workdays:\n"
                   "    - 2026-09-20\n"
                   "    - 2026-10-10\n", /* 7 */
                   7, "calendar: 2026-10-10 is both a holiday (line 4) and a working weekend day (line 7)");
    EXPECT_REFUSAL("calendar:\n  workdays: [2026-10-10]\n  holidays: [2026-10-01,\n    2026-10-10]\n", 4,
                   "calendar: 2026-10-10 is both a holiday (line 4) and a working weekend day (line 2)");
    EXPECT_REFUSAL("calendar.workdays: [2026-10-11]\n" /* 1 */
                   "calendar:\n"                       /* 2 */
                   "  holidays:\n"                     /* 3 */
                   "    - 2026-10-11\n"                /* 4 */
                   "  workdays:\n",                    /* 5 */
                   5, "duplicate key \"calendar.workdays\" (first at line 1)");
    EXPECT_REFUSAL("calendar.workdays: [2026-10-11, 2026-10-10]\n" /* 1 */
                   "calendar:\n"
                   "  holidays:\n"
                   "    - 2026-10-10\n"  /* 4 */
                   "    - 2026-10-11\n", /* 5 */
                   4, "calendar: 2026-10-10 is both a holiday (line 4) and a working weekend day (line 1)");

    /* 401 holidays, one per line from line 3: the 401st is on line 3 + 400 = 403 */
    static char big[16000];
    size_t n = (size_t)snprintf(big, sizeof big, "calendar:\n  holidays:\n");
    for (int i = 0; i < 401; i++) /* 2026-01-01 .. 2026-12-28 are 336, then 2027-01-01 .. 2027-03-09 */
        n += (size_t)snprintf(big + n, sizeof big - n, "    - %d-%02d-%02d\n", 2026 + i / 336, i % 336 / 28 + 1,
                              i % 28 + 1);
    EXPECT_REFUSAL(big, 403, "calendar.holidays: too many dates (at most 400)");
    /* 400 are fine */
    n = (size_t)snprintf(big, sizeof big, "calendar:\n  holidays:\n");
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "    - %d-%02d-%02d\n", 2026 + i / 336, i % 336 / 28 + 1,
                              i % 28 + 1);
    char err[512] = "";
    dw_config_t *c = dw_config_load(write_file("calendar.yaml", big), err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->calendar.n_holidays, 400);
        CHECK_DATE(c->calendar.holidays[399], 2027, 3, 8); /* the 64th of 2027: 2 months of 28, then 8 */
    }
    dw_config_destroy(&c);
}

/* A good calendar: holidays on weekends are fine, lists may be empty or null,
 * and dw_config_calendar_new counts with them. */
static void test_calendar_loads(void)
{
    const char *text = "calendar:\n"
                       "  holidays:\n"
                       "    - 2026-10-01\n"     /* Thursday */
                       "    - \"2026-10-02\"\n" /* Friday */
                       "    - 2026-10-03\n"     /* Saturday: allowed, changes nothing */
                       "    - 2026-10-04\n"     /* Sunday */
                       "  workdays: [2026-09-20, 2026-10-10]\n";
    char err[512] = "";
    dw_config_t *c = dw_config_load(write_file("calendar.yaml", text), err, sizeof err);
    CHECK(c != NULL);
    if (!c) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(c->calendar.n_holidays, 4);
    CHECK_DATE(c->calendar.holidays[0], 2026, 10, 1);
    CHECK_DATE(c->calendar.holidays[1], 2026, 10, 2);
    CHECK_DATE(c->calendar.holidays[2], 2026, 10, 3);
    CHECK_DATE(c->calendar.holidays[3], 2026, 10, 4);
    CHECK_INT(c->calendar.n_workdays, 2);
    CHECK_DATE(c->calendar.workdays[0], 2026, 9, 20);
    CHECK_DATE(c->calendar.workdays[1], 2026, 10, 10);
    dw_calendar_t *cal = dw_config_calendar_new(c);
    CHECK(cal != NULL);
    if (cal) {
        CHECK(!dw_calendar_is_workday(cal, D(2026, 10, 2)));
        CHECK(dw_calendar_is_workday(cal, D(2026, 10, 5))); /* not listed: a Monday like any other */
        CHECK(dw_calendar_is_workday(cal, D(2026, 10, 10)));
        CHECK_DATE(dw_calendar_add_workdays(cal, D(2026, 9, 30), 1), 2026, 10, 5);
        CHECK_DATE(dw_calendar_add_workdays(cal, D(2026, 9, 18), 1), 2026, 9, 20);
        /* (Wed 9-30, Sat 10-10]: Mon 10-5 .. Fri 10-9 and Saturday 10-10 */
        CHECK_INT(dw_calendar_workdays_between(cal, D(2026, 9, 30), D(2026, 10, 10)), 6);
    }
    dw_calendar_destroy(&cal);
    dw_config_destroy(&c);

    c = dw_config_load(write_file("calendar.yaml", "calendar:\n  holidays: []\n  workdays:\n"), err, sizeof err);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->calendar.n_holidays, 0);
        CHECK_INT(c->calendar.n_workdays, 0);
        cal = dw_config_calendar_new(c);
        CHECK(cal != NULL);
        if (cal) /* plain weeks: Fri 2026-10-02 + 1 is Monday 10-5 */
            CHECK_DATE(dw_calendar_add_workdays(cal, D(2026, 10, 2), 1), 2026, 10, 5);
        dw_calendar_destroy(&cal);
    }
    dw_config_destroy(&c);
}

static void test_fixture_refusals(void)
{
    static const struct {
        const char *file;
        const char *want; /* after "<path>:" */
    } cases[] = {
        {"config_unknown_key.yaml", "4: unknown key \"notify.heartbeat\""},
        {"config_bad_syntax.yaml",
         "5: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 4)"},
        {"config_dept_twice.yaml",
         "12: dept \"102\" is listed under two business sections: \"biz_edu\" (line 6) and \"biz_social\""},
        {"config_bad_utf8.yaml", "4: invalid YAML: invalid trailing UTF-8 octet"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[600], want[1200], err[512] = "";
        snprintf(path, sizeof path, "%s/tests/unit/data/%s", src_dir, cases[i].file);
        snprintf(want, sizeof want, "%s:%s", path, cases[i].want);
        dw_config_t *c = dw_config_load(path, err, sizeof err);
        CHECK(c == NULL);
        CHECK_STR(err, want);
        dw_config_destroy(&c);
    }
}

static void test_refusals_file(void)
{
    char err[512], want[512];
    char path[128];
    snprintf(path, sizeof path, "%s/absent.yaml", tmpdir);
    dw_config_t *c = dw_config_load(path, err, sizeof err);
    CHECK(c == NULL);
    snprintf(want, sizeof want, "%s: could not open: No such file or directory", path);
    CHECK_STR(err, want);

    c = dw_config_load(tmpdir, err, sizeof err);
    CHECK(c == NULL);
    snprintf(want, sizeof want, "%s: could not read: is a directory", tmpdir);
    CHECK_STR(err, want);

    if (geteuid() != 0) { /* root reads anything */
        const char *p = write_file("secret.yaml", "instance: a\n");
        chmod(p, 0);
        c = dw_config_load(p, err, sizeof err);
        CHECK(c == NULL);
        snprintf(want, sizeof want, "%s: could not open: Permission denied", p);
        CHECK_STR(err, want);
    }

    c = dw_config_load(NULL, err, sizeof err);
    CHECK(c == NULL);
    CHECK_STR(err, "no configuration file given");
    c = dw_config_load("", err, sizeof err);
    CHECK(c == NULL);
    c = dw_config_load(write_file("ok.yaml", "instance: a\n"), NULL, 0); /* err is optional */
    CHECK(c != NULL);
    dw_config_destroy(&c);
    c = dw_config_load(write_file("bad.yaml", "instance: a b\n"), NULL, 0);
    CHECK(c == NULL);
    /* a small err buffer is cut, never overrun */
    char tiny[8];
    c = dw_config_load(write_file("bad.yaml", "instance: a b\n"), tiny, sizeof tiny);
    CHECK(c == NULL);
    CHECK_INT(strlen(tiny), 7);
}

static void test_env_override(void)
{
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/deploy/dualwatch.yaml", src_dir);

    setenv("DW_DATABASE_CONNINFO", "host=10.0.0.5 dbname=dualwatch user=dw password=s3cret", 1);
    dw_config_t *c = dw_config_load(path, err, sizeof err);
    CHECK(c != NULL);
    if (c)
        CHECK_STR(c->database.conninfo, "host=10.0.0.5 dbname=dualwatch user=dw password=s3cret");
    dw_config_destroy(&c);

    /* the defaults alone do not read the environment */
    c = dw_config_defaults();
    if (c)
        CHECK_STR(c->database.conninfo, "host=/tmp/dwpg.5488 port=5488 dbname=dualwatch user=dualwatch");
    dw_config_destroy(&c);

    setenv("DW_DATABASE_CONNINFO", "", 1); /* set but empty: the file's value stands */
    c = dw_config_load(path, err, sizeof err);
    CHECK(c != NULL);
    if (c)
        CHECK_STR(c->database.conninfo, "host=/tmp/dwpg.5488 port=5488 dbname=dualwatch user=dualwatch");
    dw_config_destroy(&c);

    char huge[1100];
    memset(huge, 'x', 1024);
    huge[1024] = '\0';
    setenv("DW_DATABASE_CONNINFO", huge, 1);
    c = dw_config_load(path, err, sizeof err);
    CHECK(c == NULL);
    CHECK_STR(err, "DW_DATABASE_CONNINFO: value is too long (1024 bytes, at most 1023)");
    dw_config_destroy(&c);
    unsetenv("DW_DATABASE_CONNINFO");
}

static void test_reload_check(void)
{
    char path[600], err[512];
    snprintf(path, sizeof path, "%s/deploy/dualwatch.yaml", src_dir);
    dw_config_t *running = dw_config_load(path, err, sizeof err);
    dw_config_t *next = dw_config_load(path, err, sizeof err);
    CHECK(running && next);
    if (!running || !next) {
        dw_config_destroy(&running);
        dw_config_destroy(&next);
        return;
    }
    CHECK(dw_config_reload_check(running, next, err, sizeof err));
    next->intake.batch_max = 7; /* reload */
    next->log_level = 0;
    next->n_sections = 3;
    snprintf(next->clock.as_of, sizeof next->clock.as_of, "2026-06-30");
    next->calendar.n_holidays = 2;
    next->calendar.workdays[0] = (dw_date_t){2027, 2, 6};
    /* the route's keys all take effect at reload */
    next->route.case_review_days = 5;
    next->route.remind_workdays = 0;
    next->route.hold_ack_workdays = 3;
    next->route.tick_ms = 500;
    next->route.budget_approved[1] = (dw_date_t){2027, 1, 20};
    next->route.n_budget_approved = 2;
    next->route.accounts_approved[0] = (dw_date_t){2026, 9, 1};
    next->route.n_key_years = 0;
    next->sections[0].n_reviewers = 0;
    snprintf(next->sections[1].reviewers[0], sizeof next->sections[1].reviewers[0], "钱进");
    CHECK(dw_config_reload_check(running, next, err, sizeof err));
    next->notify.pub_hwm = 5000; /* restart */
    CHECK(!dw_config_reload_check(running, next, err, sizeof err));
    CHECK_STR(err, "notify.pub_hwm: cannot change at reload (restart the service to apply it)");
    next->notify.pub_hwm = running->notify.pub_hwm;
    snprintf(next->database.conninfo, sizeof next->database.conninfo, "host=elsewhere password=x");
    CHECK(!dw_config_reload_check(running, next, err, sizeof err));
    CHECK_STR(err, "database.conninfo: cannot change at reload (restart the service to apply it)");
    CHECK(strstr(err, "password") == NULL); /* values stay out of the message */
    dw_config_destroy(&running);
    dw_config_destroy(&next);
}

static void test_describe_and_kinds(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(f != NULL);
    if (!f)
        return;
    dw_config_describe(f);
    fclose(f);
    CHECK(strstr(text, "\nintake.batch_max (integer 1..10000; default \"500\"; reload)\n") != NULL);
    CHECK(strstr(text, "\nintake.endpoint (endpoint; default \"tcp://127.0.0.1:7401\"; restart)\n") != NULL);
    CHECK(strstr(text, "\nlog.level (one of debug, info, warn, error; default \"info\"; reload)\n") != NULL);
    CHECK(strstr(text, "\nclock.as_of (date YYYY-MM-DD or empty; default \"\"; reload)\n") != NULL);
    CHECK(strstr(text, "\ncalendar.holidays (list of at most 400 dates YYYY-MM-DD; default \"[]\"; reload)\n") != NULL);
    CHECK(strstr(text, "\ncalendar.workdays (list of at most 400 Saturdays or Sundays YYYY-MM-DD; default \"[]\"; "
                       "reload)\n") != NULL);
    CHECK(strstr(text, "\nroute.remind_workdays (integer 0..20; default \"2\"; reload)\n") != NULL);
    CHECK(strstr(text, "\nroute.hold_ack_workdays (integer 1..30; default \"2\"; reload)\n") != NULL);
    CHECK(strstr(text, "\nroute.tick_ms (integer 100..600000; default \"1000\"; reload)\n") != NULL);
    CHECK(strstr(text, "\nroute.budget_approved (list of at most 400 dates YYYY-MM-DD, one per year; default \"[]\"; "
                       "reload)\n") != NULL);
    CHECK(strstr(text, "\nroute.accounts_approved (list of at most 400 dates YYYY-MM-DD, one per year; default "
                       "\"[]\"; reload)\n") != NULL);
    /* with its group: after the route's last key in the table, before the calendar */
    CHECK(strstr(text, "\nroute.key_departments (list of at most 16; default none; reload)\n") != NULL);
    CHECK(strstr(text, "route.accounts_approved (") < strstr(text, "route.key_departments ("));
    CHECK(strstr(text, "route.key_departments (") < strstr(text, "calendar.holidays ("));
    CHECK(strstr(text, "\nsections (") != NULL);
    CHECK(strstr(text, "reviewers") != NULL);
    static const char *const keys[] = {
        "instance",
        "log.level",
        "database.conninfo",
        "database.connect_retry_s",
        "intake.endpoint",
        "intake.batch_max",
        "intake.batch_wait_ms",
        "intake.inflight_max",
        "intake.socket_maxmsgsize",
        "pipeline.intake_events",
        "pipeline.validate_events",
        "pipeline.analyze_events",
        "pipeline.route_events",
        "pipeline.batch_max",
        "pipeline.catchup_ms",
        "notify.pub_endpoint",
        "notify.replay_endpoint",
        "notify.heartbeat_ms",
        "notify.retention_days",
        "notify.pub_hwm",
        "route.case_review_days",
        "route.remind_workdays",
        "route.hold_ack_workdays",
        "route.tick_ms",
        "route.budget_approved",
        "route.accounts_approved",
        "route.key_departments",
        "calendar.holidays",
        "calendar.workdays",
        "clock.as_of",
        "analyze.tick_ms",
        "analyze.figures_interval_ms",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        char want[80];
        snprintf(want, sizeof want, "%s (", keys[i]);
        CHECK(strstr(text, want) != NULL);
    }
    free(text);

    CHECK_STR(dw_section_kind_name(DW_SECTION_BUSINESS), "business");
    CHECK_STR(dw_section_kind_name(DW_SECTION_LEADERSHIP), "leadership");
    CHECK_STR(dw_section_kind_name((dw_section_kind_t)99), "unknown");
    CHECK_INT(dw_section_kind_parse("treasury"), DW_SECTION_TREASURY);
    CHECK_INT(dw_section_kind_parse("supervision"), DW_SECTION_SUPERVISION);
    CHECK_INT(dw_section_kind_parse("Treasury"), -1);
    CHECK_INT(dw_section_kind_parse(NULL), -1);
}

int main(void)
{
    unsetenv("DW_DATABASE_CONNINFO"); /* the tests decide when it is set */
    const char *src = getenv("DW_SOURCE_DIR");
    snprintf(src_dir, sizeof src_dir, "%s", src && *src ? src : ".");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dw_test_config.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }

    test_defaults();
    test_deploy_file();
    test_fixture_minimal();
    test_every_key();
    test_refusals_values();
    test_refusals_keys();
    test_refusals_yaml();
    test_refusals_sections();
    test_refusals_reviewers();
    test_refusals_route();
    test_lookups();
    test_refusals_calendar();
    test_calendar_loads();
    test_fixture_refusals();
    test_refusals_file();
    test_env_override();
    test_reload_check();
    test_describe_and_kinds();

    static const char *const names[] = {"case.yaml",   "every.yaml", "empty.yaml", "fits.yaml",    "64.yaml",
                                        "secret.yaml", "ok.yaml",    "bad.yaml",   "calendar.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    DW_TEST_DONE();
}
