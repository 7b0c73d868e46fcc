/* validate.catalogue — the rule catalogue's loader: the shipped file and the
 * copy built into dw-validate load and agree; a tuned copy takes effect; every
 * refusal names its file and line. Line numbers are counted by hand from the
 * text beside each case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_test.h"
#include "v_builtin.h"
#include "v_catalogue.h"

static char src_dir[512];

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}

/* Parses text (named "case.yaml") and expects a refusal "case.yaml:<line>: " containing reason. */
static void expect_refusal_at(int test_line, const char *text, int line, const char *reason)
{
    char err[1024] = "", want[64];
    snprintf(want, sizeof want, "case.yaml:%d: ", line);
    dw_v_catalogue_t *c = dw_v_catalogue_parse("case.yaml", text, strlen(text), err, sizeof err);
    dw_test_checks++;
    if (c || strncmp(err, want, strlen(want)) != 0 || !strstr(err, reason)) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s; got \"%s\", want \"%s...%s\"\n", __FILE__, test_line,
                c ? "loaded, want a refusal" : "wrong refusal", err, want, reason);
    }
    dw_v_catalogue_destroy(&c);
}
#define EXPECT_REFUSAL(text, line, reason) expect_refusal_at(__LINE__, text, line, reason)

/* One complete rule, for cases that break one of its keys. */
#define RULE_REF_001                    \
    "  - id: V-REF-001\n"               \
    "    name: 预算部门未登记\n" \
    "    category: reference\n"         \
    "    severity: fatal\n"             \
    "    enabled: true\n"               \
    "    types: [monitor.report]\n"     \
    "    fields: [body.dept_code]\n"    \
    "    message: \"预算部门 {value} 未登记（{expected}）\"\n"

static void test_shipped_and_builtin(void)
{
    char path[600], err[1024] = "";
    snprintf(path, sizeof path, "%s/deploy/validation_rules.yaml", src_dir);
    dw_v_catalogue_t *file = dw_v_catalogue_load(path, err, sizeof err);
    CHECK(file != NULL);
    if (!file) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    dw_v_catalogue_t *builtin = dw_v_catalogue_builtin(err, sizeof err);
    CHECK(builtin != NULL);
    CHECK_STR(dw_v_catalogue_source(builtin), "deploy/validation_rules.yaml (built in)");
    /* the build embedded the file as it is now */
    size_t len = 0;
    char *text = read_all(path, &len);
    CHECK(text && len == dw_v_builtin_rules_len && memcmp(text, dw_v_builtin_rules, len) == 0);
    free(text);

    CHECK_INT(dw_v_catalogue_count(file), 42); /* 10 schema, 7 reference, 14 consistency, 6 monitoring, 5 fact */
    const dw_v_setting_t *r = dw_v_catalogue_find(file, "V-MON-006");
    CHECK(r && r->severity == DW_V_WARNING && r->enabled);
    r = dw_v_catalogue_find(file, "V-REF-003");
    CHECK(r && r->severity == DW_V_FATAL && r->n_fields == 2);
    CHECK(r && strcmp(r->fields[0], "body.project_code") == 0);
    CHECK(r && r->def->code == DW_E_UNKNOWN_REF);
    r = dw_v_catalogue_find(file, "V-FCT-002");
    CHECK(r && r->def->flag && strcmp(r->def->flag, "over_budget") == 0 && r->severity == DW_V_WARNING);
    r = dw_v_catalogue_find(file, "V-FCT-005");
    CHECK(r && r->def->flag && strcmp(r->def->flag, "on_hold") == 0 && r->severity == DW_V_WARNING && r->enabled);
    CHECK(r && r->n_fields == 2 && strcmp(r->fields[0], "body.project_code") == 0 &&
          strcmp(r->fields[1], "body.payment_date") == 0);
    r = dw_v_catalogue_find(file, "V-SCH-001");
    CHECK(r && r->n_intake_codes == 2 && r->intake_codes[0] == DW_E_BAD_LENGTH && r->intake_codes[1] == DW_E_BAD_CODE);
    r = dw_v_catalogue_find(file, "V-CON-014");
    CHECK(r && r->def->code == DW_E_CONFLICT);
    r = dw_v_catalogue_find(file, "V-MON-001");
    CHECK(r && r->def->switch_key && strcmp(r->def->switch_key, "validate.require_projection_when_uncertain") == 0);
    CHECK(dw_v_catalogue_find(file, "V-XYZ-001") == NULL);

    /* the code's order: schema, reference, consistency, monitoring, fact */
    CHECK_STR(dw_v_catalogue_rule(file, 0)->def->id, "V-SCH-001");
    CHECK_STR(dw_v_catalogue_rule(file, 10)->def->id, "V-REF-001");
    CHECK_STR(dw_v_catalogue_rule(file, 40)->def->id, "V-FCT-004");
    CHECK_STR(dw_v_catalogue_rule(file, 41)->def->id, "V-FCT-005");
    CHECK(dw_v_catalogue_rule(file, 42) == NULL);
    for (size_t i = 0; builtin && i < dw_v_catalogue_count(file); i++) {
        const dw_v_setting_t *a = dw_v_catalogue_rule(file, i), *b = dw_v_catalogue_rule(builtin, i);
        CHECK(a->def == b->def && a->severity == b->severity && a->enabled == b->enabled && a->types == b->types &&
              strcmp(a->message, b->message) == 0);
    }
    dw_v_catalogue_destroy(&file);
    dw_v_catalogue_destroy(&builtin);
}

/* The shipped text with one substitution: the tuned catalogue a bureau would write. */
static void test_tuned(void)
{
    char path[600], err[1024] = "";
    snprintf(path, sizeof path, "%s/deploy/validation_rules.yaml", src_dir);
    size_t len = 0;
    char *text = read_all(path, &len);
    CHECK(text != NULL);
    if (!text)
        return;
    const char *anchor = "  - id: V-MON-006\n    name: 填报日期早于监控期间截止日\n    category: monitoring\n"
                         "    severity: warning\n";
    char *at = strstr(text, anchor);
    CHECK(at != NULL);
    if (at) {
        char *tuned = malloc(len + 16);
        size_t head = (size_t)(at - text) + strlen(anchor) - strlen("warning\n");
        memcpy(tuned, text, head);
        strcpy(tuned + head, "fatal\n");
        strcat(tuned, at + strlen(anchor));
        dw_v_catalogue_t *c = dw_v_catalogue_parse("tuned.yaml", tuned, strlen(tuned), err, sizeof err);
        CHECK(c != NULL);
        if (!c)
            fprintf(stderr, "%s\n", err);
        const dw_v_setting_t *r = c ? dw_v_catalogue_find(c, "V-MON-006") : NULL;
        CHECK(r && r->severity == DW_V_FATAL);
        dw_v_catalogue_destroy(&c);
        free(tuned);
    }
    /* a second document after a complete first one */
    char *two = malloc(len + 32);
    int lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    snprintf(two, len + 32, "%s---\nversion: 1\n", text);
    dw_v_catalogue_t *c = dw_v_catalogue_parse("case.yaml", two, strlen(two), err, sizeof err);
    char want[96];
    snprintf(want, sizeof want, "case.yaml:%d: more than one YAML document in the file", lines + 1);
    CHECK(c == NULL);
    CHECK_STR(err, want);
    dw_v_catalogue_destroy(&c);
    free(two);
    free(text);
}

static void test_refusals(void)
{
    EXPECT_REFUSAL("version: 1\nrules: [\n", 3, "invalid YAML");
    EXPECT_REFUSAL("", 1, "no rules in the file");
    EXPECT_REFUSAL("- a\n", 1, "expected a mapping (version, rules) at the top level, got a list");
    EXPECT_REFUSAL("version: 2\nrules: []\n", 1, "version: this dw-validate reads version 1, got \"2\"");
    EXPECT_REFUSAL("rules: []\n", 1, "missing key \"version\"");
    EXPECT_REFUSAL("version: 1\nchecks: []\n", 2, "unknown key \"checks\" (the file has version and rules)");
    EXPECT_REFUSAL("version: 1\nrules: []\nrules: []\n", 3, "duplicate key \"rules\" (first at line 2)");
    EXPECT_REFUSAL("version: 1\nrules: {}\n", 2, "rules: expected a list of rules, got a mapping");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-XYZ-001\n", 3,
                   "unknown rule \"V-XYZ-001\": dw-validate has no check of that id");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    colour: red\n", 4, "unknown key \"colour\" in a rule");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    id: V-REF-002\n", 4,
                   "duplicate key \"id\" (first at line 3)");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n", 3, "V-REF-001: missing key \"name\"");
    /* a whole rule, then what is wrong with it; line 2 is "rules:", the rule starts at 3 */
    EXPECT_REFUSAL("version: 1\nrules:\n" RULE_REF_001 RULE_REF_001, 11,
                   "rule V-REF-001 is listed twice (first at line 3)");
    EXPECT_REFUSAL("version: 1\nrules:\n" RULE_REF_001, 2,
                   "rule V-SCH-001 is missing: dw-validate has it; list it (with enabled: false to switch it off)");

    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: schema\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n    fields: [body.dept_code]\n"
                   "    message: x\n",
                   5, "V-REF-001: category: the rule is reference, not \"schema\"");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-FCT-001\n    name: 无预算开支\n    category: fact\n"
                   "    severity: fatal\n    enabled: true\n    types: [treasury.payment]\n"
                   "    fields: [body.project_code]\n    message: x\n",
                   6, "V-FCT-001: severity: fatal is not allowed: a treasury payment is a fact, its rules only flag");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: warning\n    enabled: true\n    types: [budget.adjustment]\n"
                   "    fields: [body.line_id]\n    message: x\n",
                   6, "V-REF-006: severity: warning is not allowed: a message that breaks it cannot be stored");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: severe\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: x\n",
                   6, "V-REF-001: severity: expected fatal or warning, got \"severe\"");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-CON-002\n    name: 变动后预算数\n    category: consistency\n"
                   "    severity: fatal\n    enabled: false\n    types: [budget.allocation]\n"
                   "    fields: [body.current_fen]\n    message: x\n",
                   7, "V-CON-002: enabled: the rule cannot be switched off (the data model needs it)");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-SCH-001\n    name: 功能分类\n    category: schema\n"
                   "    severity: fatal\n    enabled: false\n    types: [treasury.payment]\n"
                   "    fields: [body.function_code]\n    intake_codes: [bad_code]\n    message: x\n",
                   7, "V-SCH-001: enabled: the rule cannot be switched off (dw-intake enforces it)");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: fatal\n    enabled: yes\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: x\n",
                   7, "V-REF-001: enabled: expected true or false, got \"yes\"");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [budget.adjustment, treasury.payment]\n"
                   "    fields: [body.line_id]\n    message: x\n",
                   8, "V-REF-006: types: the rule does not check treasury.payment (it checks budget.adjustment)");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-CON-014\n    name: 重发\n    category: consistency\n"
                   "    severity: fatal\n    enabled: true\n    types: [budget.adjustment, treasury.reversal]\n"
                   "    fields: [body.doc_no]\n    message: x\n",
                   8, "V-CON-014: types: the rule cannot leave out target.declaration (the data model needs it)");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types:\n      - budget.cut\n"
                   "    fields: [body.line_id]\n    message: x\n",
                   9, "V-REF-006: types: \"budget.cut\" is not an inbound message type of proto/schema.yaml");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [budget.adjustment, budget.adjustment]\n"
                   "    fields: [body.line_id]\n    message: x\n",
                   8, "V-REF-006: types: budget.adjustment is listed twice");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: []\n"
                   "    fields: [body.line_id]\n    message: x\n",
                   8, "V-REF-006: types: must not be empty");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-006\n    name: 预算指标不存在\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [budget.adjustment]\n"
                   "    fields:\n      - body.line_id\n      - body.voucher_no\n    message: x\n",
                   11, "V-REF-006: fields: body.voucher_no is not a field of any of the rule's types");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-CON-011\n    name: 指标\n    category: consistency\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [\"body.indicators[].colour\"]\n    message: x\n",
                   9, "V-CON-011: fields: body.indicators[].colour is not a field");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: \"部门 {amount} 未登记\"\n",
                   10, "V-REF-001: message: unknown placeholder {amount} (use {value}, {expected}, {field})");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: \"部门 {value 未登记\"\n",
                   10, "V-REF-001: message: \"{\" without \"}\"");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: \"\"\n",
                   10, "V-REF-001: message: must not be empty");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-REF-001\n    name: 未登记\n    category: reference\n"
                   "    severity: fatal\n    enabled: true\n    types: [monitor.report]\n"
                   "    fields: [body.dept_code]\n    message: x\n    intake_codes: [bad_code]\n",
                   11, "V-REF-001: intake_codes: only schema rows have them");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-SCH-001\n    name: 功能分类\n    category: schema\n"
                   "    severity: fatal\n    enabled: true\n    types: [treasury.payment]\n"
                   "    fields: [body.function_code]\n    message: x\n",
                   3, "V-SCH-001: missing key \"intake_codes\"");
    EXPECT_REFUSAL("version: 1\nrules:\n  - id: V-SCH-001\n    name: 功能分类\n    category: schema\n"
                   "    severity: fatal\n    enabled: true\n    types: [treasury.payment]\n"
                   "    fields: [body.function_code]\n    intake_codes: [too_short]\n    message: x\n",
                   10, "V-SCH-001: intake_codes: \"too_short\" is not an error code of the contract");

    char err[256] = "";
    dw_v_catalogue_t *c = dw_v_catalogue_load("/nonexistent/rules.yaml", err, sizeof err);
    CHECK(c == NULL);
    CHECK_STR(err, "/nonexistent/rules.yaml: could not open: No such file or directory");
}

int main(void)
{
    const char *src = getenv("DW_SOURCE_DIR");
    snprintf(src_dir, sizeof src_dir, "%s", src && *src ? src : ".");
    test_shipped_and_builtin();
    test_tuned();
    test_refusals();
    DW_TEST_DONE();
}
