/* integration.validate_tuning — what a bureau may tune takes effect, and a
 * bad catalogue stops dw-validate with file:line: reason.
 *
 * The catalogue here is the shipped one with four changes: V-CON-010 (a form
 * for a project without declared targets) a warning, V-MON-004 (measures when
 * 完全不可能) switched off, V-REF-003 (unknown project) applied to target
 * declarations too, and V-REF-001's message reworded; and the province
 * switches validate.require_projection_when_uncertain and
 * validate.require_explanation_with_cause are off. So a form that would break
 * V-CON-010, V-MON-001, V-MON-002, V-MON-003 and V-MON-004 under the shipped
 * settings is stored, flagged V-CON-010 only. */
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_validate_fixture.h"

static char dir[64];

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    if (buf)
        (void)fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    return buf;
}

static int write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* Replaces the one occurrence of from in text (reallocated) with to. */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = text ? strstr(text, from) : NULL;
    CHECK(at != NULL);
    if (!at)
        return text;
    size_t head = (size_t)(at - text), len = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(len + 1);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    free(text);
    return out;
}

static int tuned_catalogue(const char *path)
{
    char src[600];
    snprintf(src, sizeof src, "%s/deploy/validation_rules.yaml", getenv("DW_SOURCE_DIR"));
    char *t = read_all(src);
    t = replace(
        t, "  - id: V-CON-010\n    name: 项目尚未申报绩效目标\n    category: consistency\n    severity: fatal\n",
        "  - id: V-CON-010\n    name: 项目尚未申报绩效目标\n    category: consistency\n    severity: warning\n");
    t = replace(t,
                "  - id: V-MON-004\n    name: 预计不能完成时须提出改进措施\n    category: monitoring\n"
                "    severity: fatal\n    enabled: true\n",
                "  - id: V-MON-004\n    name: 预计不能完成时须提出改进措施\n    category: monitoring\n"
                "    severity: fatal\n    enabled: false\n");
    t = replace(
        t,
        "    types: [monitor.report, selfeval.report]\n    fields: [body.project_code, body.fiscal_year]\n"
        "    message: \"项目 {value} 不存在：应为{expected}\"\n",
        "    types: [target.declaration, monitor.report, selfeval.report]\n"
        "    fields: [body.project_code, body.fiscal_year]\n    message: \"项目 {value} 不存在：应为{expected}\"\n");
    t = replace(t, "message: \"预算部门 {value} 未登记：尚无该部门的预算指标（{expected}）\"",
                "message: \"本局未登记预算部门 {value}\"");
    int rc = t ? write_all(path, t) : -1;
    free(t);
    return rc;
}

/* Runs dw-validate with config and returns its exit status; its output in out. */
static int run_validate(dw_harness_t *h, const char *config, char *out, size_t n)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "DW_DATABASE_CONNINFO='host=%s/sock port=%d dbname=dualwatch user=dualwatch' "
             "'%s/services/validate/dw-validate' --config '%s' 2>&1",
             h->home, h->pg_port, h->build_dir, config);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t len = fread(out, 1, n - 1, p);
    out[len] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void check_bad_catalogue(dw_harness_t *h)
{
    char path[128], config[128], out[4096], want[512];
    snprintf(path, sizeof path, "%s/rules-bad.yaml", dir);
    CHECK(write_all(path, "version: 1\nrules:\n  - id: V-XYZ-001\n") == 0);
    /* the harness's configuration, naming the bad file relative to its own directory */
    char *cfg = read_all(h->config);
    char line[300];
    snprintf(line, sizeof line, "  rules_file: %s/rules.yaml\n", dir);
    cfg = replace(cfg, line, "  rules_file: rules-bad.yaml\n");
    snprintf(config, sizeof config, "%s/bad-config.yaml", dir);
    CHECK(cfg && write_all(config, cfg) == 0);
    free(cfg);
    CHECK_INT(run_validate(h, config, out, sizeof out), 1);
    snprintf(want, sizeof want,
             "dw-validate: bad validation rules: %s/rules-bad.yaml:3: unknown rule \"V-XYZ-001\": dw-validate has no "
             "check of that id\n",
             dir);
    CHECK(strstr(out, want) != NULL);
    CHECK(strstr(out, "Sanitizer") == NULL && strstr(out, "runtime error:") == NULL);
    if (!strstr(out, want))
        fprintf(stderr, "dw-validate said: %s\n", out);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/dw-vtune-rules.XXXXXX");
    if (!mkdtemp(dir) || chmod(dir, 0755) != 0)
        return 1;
    char rules[128], extra[512];
    snprintf(rules, sizeof rules, "%s/rules.yaml", dir);
    if (tuned_catalogue(rules) != 0)
        return 1;
    snprintf(extra, sizeof extra,
             "validate:\n  rules_file: %s\n  require_projection_when_uncertain: false\n"
             "  require_explanation_with_cause: false\n",
             rules);
    dw_harness_t h;
    if (dw_harness_start(&h, "vtune", extra) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    vf_dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(vf_dealer, h.intake_ep) == 0);

    SEND(vf_allocation("B-1", "ZB2026-101-0001", "101", "101001", "P2026-101-001", "31002", "biz_edu", 100000000));
    dw_msg_t *m = vf_form("MR-1", "P2026-101-001", "101", 6, "2026-07-08");
    vf_row(m, "IND-001", "5", NULL, "possible", NULL, NULL, NULL);
    vf_row(m, "IND-002", "0", NULL, "impossible", "other", NULL, NULL);
    SEND(m);
    m = vf_declaration("TD-x1", "P2026-101-077", "101", 1, "新建项目");
    vf_target(m, "IND-001", "output", "quantity", "建设数量", "ge", "1", "20");
    SEND(m);
    SEND(vf_form("MR-x1", "P2026-101-001", "999", 6, "2026-07-08"));
    vf_settle(&h);

    char got[512];
    vf_text(&h,
            "SELECT string_agg(id || '|' || flags::text || '|' || coalesce(target_version::text, '-'), ',') "
            "FROM monitor_reports",
            NULL, got, sizeof got);
    CHECK_STR(got, "MR-1|{V-CON-010}|-");
    EXPECT_REJECT(&h, "TD-x1", "V-REF-003|unknown_reference|body.project_code|P2026-101-077|2026年度已批复预算的项目");
    EXPECT_REJECT(&h, "MR-x1", "V-REF-001|unknown_reference|body.dept_code|999|由预算指标登记的预算部门");
    vf_text(&h, "SELECT message FROM rejects WHERE id = $1", "MR-x1", got, sizeof got);
    CHECK_STR(got, "本局未登记预算部门 999");
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM target_declarations"), 0);

    /* what dw-validate says it runs with */
    char log[400];
    snprintf(log, sizeof log, "%s/run/validate.log", h.home);
    char *text = read_all(log), want[300];
    snprintf(want, sizeof want,
             "rules from %s: 42, 41 enabled; monitoring form switches: projection off, explanation off", rules);
    CHECK(text && strstr(text, want) != NULL);
    free(text);

    check_bad_catalogue(&h);

    zmq_close(vf_dealer);
    int reports = dw_harness_stop(&h, dw_test_failures > 0);
    CHECK_INT(reports, 0);
    if (dw_test_failures == 0) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    DW_TEST_DONE();
}
