/* dwctl.import_* — `dwctl import` and `dwctl rejects` against the real
 * system: the private cluster and the five services (tests/integration's
 * harness), the shipped mappings and the sample files of tests/dwctl/data.
 *
 *   twin     the payments file and its GBK twin (made here with iconv) go
 *            into two clusters of their own, one after the other: the same
 *            payments rows, row for row, as written out by hand below, and
 *            the same inbox bytes; the UTF-8 file sent again to the GBK
 *            cluster is all duplicate
 *   resume   an import stopped after 3 rows (--stop-after) and run again
 *            stores every row once; a third run has nothing to do; without
 *            its state file every row is a duplicate; an import of 2,000
 *            rows killed with SIGKILL half way and run again stores each
 *            row exactly once
 *   rejects  budget lines, monitoring forms and payments imported; a payment
 *            changed under the same voucher is refused conflict and lands in
 *            the error report with its row; a budget line that does not add
 *            up is refused by dw-validate; `dwctl rejects` lists both, shows
 *            them with their messages decoded, refuses to resubmit the
 *            stored one under its own id and sends it under a new one
 *
 *   test_dwctl_import DWCTL SCENARIO   (DW_SOURCE_DIR, DW_BUILD_DIR in the environment) */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dw_harness.h"
#include "dw_test.h"
#include "dwctl_child.h"
#include "dwctl_gbk.h"

static const char *dwctl;

/* The payments of tests/dwctl/data/payments.csv as dw-validate stores them:
 * voucher|year|date|dept|unit|project|function|economic|fen|method|payee|contract|src|id */
static const char expected_payments[] =
    "GK2026100001|2026|2026-03-16|101|101001|P2026-101-001|2050101|30101|1250000|direct|会昌县第一建筑工程公司|"
    "HT-2026-0001|treasury|GK2026100001\n"
    "GK2026100002|2026|2026-03-18|101|101001|P2026-101-001|2050101|30201|350000|authorised|会昌县文汇书店|-|"
    "treasury|GK2026100002\n"
    "GK2026100003|2026|2026-03-20|102|102001|P2026-102-002|2100201|31002|123456780|direct|"
    "赣州市蓉江建设有限公司, 会昌分公司|HT-2026-0107|treasury|GK2026100003\n"
    "GK2026100004|2026|2026-04-01|102|102001|P2026-102-002|2100201|30218|5|authorised|会昌县\"绿野\"园林有限公司|-|"
    "treasury|GK2026100004\n"
    "GK2026100005|2026|2026-04-02|103|103001|P2026-103-001|2080101|30302|98000000|direct|会昌县第二中学\n（食堂）|"
    "HT-2026-0211|treasury|GK2026100005\n"
    "GK2026100006|2026|2026-04-03|104|104001|P2026-104-009|2140106|31005|4500000|direct|江西省交通工程集团有限公司|"
    "HT-2026-0300|treasury|GK2026100006\n"
    "GK2026100007|2026|2026-04-07|101|101002|P2026-101-003|2050202|31006|8800|authorised|会昌县实验小学|-|treasury|"
    "GK2026100007";

static const char payments_sql[] =
    "SELECT string_agg(concat_ws('|', voucher_no, fiscal_year, payment_date, dept_code, unit_code, project_code, "
    "function_code, economic_code, amount_fen, method, payee, coalesce(contract_no, '-'), src, id), E'\\n' "
    "ORDER BY voucher_no) FROM payments";

/* ------------------------------------------------------------ running dwctl */

typedef struct run {
    int code;
    char *out, *err;
} run_t;

static void run_free(run_t *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Runs dwctl with args (NULL-terminated) in dir; waits up to ms. */
static run_t run_dwctl(const char *dir, int ms, char **args)
{
    char *argv[32] = {(char *)dwctl};
    for (int i = 0; args[i] && i < 30; i++)
        argv[i + 1] = args[i];
    dwctl_child_t child;
    run_t r = {-1, NULL, NULL};
    if (dwctl_child_start(&child, dir, argv) != 0) {
        fprintf(stderr, "could not start dwctl\n");
        r.out = strdup("");
        r.err = strdup("");
        return r;
    }
    r.code = dwctl_child_wait(&child, ms);
    r.out = dwctl_slurp(child.out_path);
    r.err = dwctl_slurp(child.err_path);
    return r;
}

/* Checks exit code and one line of stdout; prints both streams if either is off. */
static void expect(const run_t *r, int code, const char *line, const char *what)
{
    CHECK_INT(r->code, code);
    int has = line == NULL || dwctl_has_line(r->out, line);
    CHECK(has);
    if (r->code != code || !has)
        fprintf(stderr, "--- %s: exit %d\nstdout:\n%sstderr:\n%s", what, r->code, r->out, r->err);
}

static int copy_file(const char *from, const char *to)
{
    char *text = dwctl_slurp(from);
    FILE *f = fopen(to, "wb");
    size_t n = strlen(text);
    int rc = f && fwrite(text, 1, n, f) == n ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(text);
    return rc;
}

static void data_path(char *out, size_t n, const dw_harness_t *h, const char *name)
{
    snprintf(out, n, "%s/tests/dwctl/data/%s", h->source_dir, name);
}

static void map_path(char *out, size_t n, const dw_harness_t *h, const char *name)
{
    snprintf(out, n, "%s/deploy/import/%s", h->source_dir, name);
}

static run_t import_file(dw_harness_t *h, const char *dir, const char *type, const char *mapping, const char *csv,
                         char **extra)
{
    char map[600];
    map_path(map, sizeof map, h, mapping);
    char *args[24] = {"import", "--type", (char *)type, "--mapping", map, "--endpoint", h->intake_ep};
    int n = 7;
    for (int i = 0; extra && extra[i] && n < 22; i++)
        args[n++] = extra[i];
    args[n++] = (char *)csv;
    args[n] = NULL;
    return run_dwctl(dir, 60000, args);
}

static void make_dir(char *out, size_t n, const dw_harness_t *h, const char *name)
{
    snprintf(out, n, "%s/%s", h->home, name);
    CHECK(mkdir(out, 0755) == 0);
}

/* ------------------------------------------------------------ twin */

/* One cluster of its own (one after the other: the harness names its
 * endpoints after the process), the file imported into it, its payments
 * rows and inbox bytes read back into rows and inbox. 0, or -1. */
static int import_alone(const char *name, const char *file, bool gbk, char *rows, size_t rows_len, char *inbox,
                        size_t inbox_len)
{
    dw_harness_t h;
    if (dw_harness_start(&h, name, NULL) != 0) {
        CHECK(0);
        return -1;
    }
    char dir[300], src[600], csv[400];
    make_dir(dir, sizeof dir, &h, "import");
    data_path(src, sizeof src, &h, "payments.csv");
    snprintf(csv, sizeof csv, "%s/%s", dir, file);
    CHECK((gbk ? dwctl_gbk_twin(src, csv) : copy_file(src, csv)) == 0);
    if (gbk) { /* the twin really is GBK: 支付 is d6a7 b8b6 there, e694af e4bb98 in UTF-8 */
        char *g = dwctl_slurp(csv);
        CHECK(strncmp(g, "\xd6\xa7\xb8\xb6", 4) == 0);
        free(g);
    }
    char *auto_enc[] = {"--encoding", "auto", NULL};
    run_t r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", csv, auto_enc);
    expect(&r, 0,
           "read 8 rows, sent 7, stored 7, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 9",
           file);
    run_free(&r);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 7, 20000), 7);
    dw_harness_text(&h, payments_sql, rows, rows_len);
    dw_harness_text(&h, "SELECT string_agg(id || ' ' || md5(raw), ',' ORDER BY id) FROM inbox", inbox, inbox_len);

    if (gbk) { /* the UTF-8 file into the GBK cluster: the same ids, the same bytes */
        char utf8[400];
        snprintf(utf8, sizeof utf8, "%s/payments.csv", dir);
        CHECK(copy_file(src, utf8) == 0);
        r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", utf8, NULL);
        expect(&r, 0,
               "read 8 rows, sent 7, stored 0, duplicate 7, refused 0, local errors 0, unanswered 0, settled through "
               "row 9",
               "utf-8 into the gbk cluster");
        run_free(&r);
        CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 7);
        CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);
    }
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    return 0;
}

static void scenario_twin(void)
{
    static char rows_u[8192], rows_g[8192], inbox_u[2048], inbox_g[2048];
    if (import_alone("import-twin-u8", "payments.csv", false, rows_u, sizeof rows_u, inbox_u, sizeof inbox_u) != 0 ||
        import_alone("import-twin-gbk", "payments_gbk.csv", true, rows_g, sizeof rows_g, inbox_g, sizeof inbox_g) != 0)
        return;
    CHECK_STR(rows_u, expected_payments);
    CHECK_STR(rows_g, expected_payments);
    /* not only the same rows: the same messages, byte for byte */
    CHECK(inbox_u[0] != '\0');
    CHECK_STR(inbox_g, inbox_u);
}

/* ------------------------------------------------------------ resume */

static int64_t state_row(const char *path)
{
    char *text = dwctl_slurp(path);
    const char *p = strstr(text, "\nrow ");
    int64_t row = p ? strtoll(p + 5, NULL, 10) : -1;
    free(text);
    return row;
}

static void killed_half_way(dw_harness_t *h, const char *dir)
{
    /* 2,000 payments, one at a time so that the kill lands in the middle. */
    char csv[400], state[420];
    snprintf(csv, sizeof csv, "%s/many.csv", dir);
    snprintf(state, sizeof state, "%s.dwstate", csv);
    FILE *f = fopen(csv, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("支付凭证号,支付日期,预算单位编码,项目编码,功能分类科目,经济分类科目,支付金额(元),支付方式,收款人,合同号\r\n",
          f);
    for (int i = 1; i <= 2000; i++)
        fprintf(f, "GK2026K%05d,2026-05-%02d,101001,P2026-101-001,2050101,30201,%d.%02d,直接支付,会昌县供销社,\r\n", i,
                1 + i % 28, 100 + i, i % 100);
    fclose(f);

    char map[600];
    map_path(map, sizeof map, h, "treasury_payment.yaml");
    char *argv[] = {(char *)dwctl, "import", "--type",     "treasury.payment",
                    "--mapping",   map,      "--endpoint", h->intake_ep,
                    "--window",    "1",      csv,          NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    int64_t row = -1;
    for (int waited = 0; waited < 30000 && row < 300; waited += 20) {
        dw_harness_sleep_ms(20);
        row = state_row(state);
    }
    CHECK(row >= 300 && row < 2001); /* killed in the middle, not after the end */
    kill(child.pid, SIGKILL);
    int code = dwctl_child_wait(&child, 5000);
    CHECK_INT(code, 128 + SIGKILL);
    /* A message sent just before the kill may still be in dw-intake's batch:
     * count once the inbox has stopped growing. */
    int64_t before = -1, now = dw_harness_int(h, "SELECT count(*) FROM inbox WHERE id LIKE 'GK2026K%'");
    for (int tries = 0; tries < 50 && now != before; tries++) {
        before = now;
        dw_harness_sleep_ms(200);
        now = dw_harness_int(h, "SELECT count(*) FROM inbox WHERE id LIKE 'GK2026K%'");
    }
    CHECK(before >= row - 1 && before < 2000);

    char *args[] = {"import", "--type", "treasury.payment", "--mapping", map, "--endpoint", h->intake_ep, csv, NULL};
    run_t r = run_dwctl(dir, 60000, args);
    CHECK_INT(r.code, 0);
    char resumed[600];
    snprintf(resumed, sizeof resumed, "resuming %s after row ", csv);
    CHECK(strstr(r.err, resumed) != NULL);
    /* what the second run stored and what the first had: every row, once */
    const char *p = strstr(r.out, "stored ");
    long stored = p ? strtol(p + 7, NULL, 10) : -1;
    CHECK_INT(before + stored, 2000);
    CHECK(strstr(r.out, "refused 0, local errors 0, unanswered 0, settled through row 2001\n") != NULL);
    if (r.code != 0 || before + stored != 2000)
        fprintf(stderr, "--- rerun after the kill (inbox had %lld):\n%s%s", (long long)before, r.out, r.err);
    run_free(&r);
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM inbox WHERE id LIKE 'GK2026K%'"), 2000);
    CHECK_INT(dw_harness_wait_int(h, "SELECT count(*) FROM payments WHERE voucher_no LIKE 'GK2026K%'", 2000, 30000),
              2000);
    CHECK_INT(dw_harness_int(h, "SELECT count(DISTINCT voucher_no) FROM payments WHERE voucher_no LIKE 'GK2026K%'"),
              2000);
    CHECK_INT(state_row(state), 2001);
}

static void scenario_resume(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "import-resume", NULL) != 0) {
        CHECK(0);
        return;
    }
    char dir[300], src[600], csv[400], state[420];
    make_dir(dir, sizeof dir, &h, "import");
    data_path(src, sizeof src, &h, "payments.csv");
    snprintf(csv, sizeof csv, "%s/payments.csv", dir);
    snprintf(state, sizeof state, "%s.dwstate", csv);
    CHECK(copy_file(src, csv) == 0);

    char *stop3[] = {"--stop-after", "3", NULL};
    run_t r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", csv, stop3);
    expect(&r, 2,
           "read 3 rows, sent 3, stored 3, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 4",
           "stopped after 3 rows");
    CHECK(strstr(r.err, "stopped as asked: run again to go on after row 4") != NULL);
    run_free(&r);
    CHECK_INT(state_row(state), 4);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 3);

    r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", csv, NULL);
    /* rows 5..9: four payments and the blank row at the end */
    expect(&r, 0,
           "read 5 rows, sent 4, stored 4, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 9",
           "the rest");
    CHECK(strstr(r.err, "after row 4") != NULL);
    run_free(&r);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 7);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", 7, 20000), 7);
    static char rows[8192];
    dw_harness_text(&h, payments_sql, rows, sizeof rows);
    CHECK_STR(rows, expected_payments);

    r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", csv, NULL);
    expect(&r, 0,
           "read 0 rows, sent 0, stored 0, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 9",
           "nothing left");
    run_free(&r);

    CHECK(unlink(state) == 0);
    r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", csv, NULL);
    expect(&r, 0,
           "read 8 rows, sent 7, stored 0, duplicate 7, refused 0, local errors 0, unanswered 0, settled through row 9",
           "again from the top");
    run_free(&r);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), 7);

    killed_half_way(&h, dir);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects"), 0);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
}

/* ------------------------------------------------------------ rejects */

static run_t rejects(dw_harness_t *h, const char *dir, char **args)
{
    char conninfo[400];
    snprintf(conninfo, sizeof conninfo, "host=%s/sock port=%d dbname=dualwatch user=dualwatch", h->home, h->pg_port);
    char *argv[24] = {"rejects", "--conninfo", conninfo, "--endpoint", h->intake_ep};
    int n = 5;
    for (int i = 0; args[i] && n < 22; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return run_dwctl(dir, 30000, argv);
}

static void scenario_rejects(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "import-rejects", NULL) != 0) {
        CHECK(0);
        return;
    }
    char dir[300], src[600], lines[400], forms[400], pays[400], changed[400];
    make_dir(dir, sizeof dir, &h, "import");
    data_path(src, sizeof src, &h, "budget_lines.csv");
    snprintf(lines, sizeof lines, "%s/budget_lines.csv", dir);
    CHECK(copy_file(src, lines) == 0);
    data_path(src, sizeof src, &h, "monitor_forms.csv");
    snprintf(forms, sizeof forms, "%s/monitor_forms.csv", dir);
    CHECK(copy_file(src, forms) == 0);
    data_path(src, sizeof src, &h, "payments.csv");
    snprintf(pays, sizeof pays, "%s/payments.csv", dir);
    CHECK(copy_file(src, pays) == 0);

    run_t r = import_file(&h, dir, "budget.allocation", "budget_allocation.yaml", lines, NULL);
    expect(&r, 0,
           "read 3 rows, sent 3, stored 3, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 4",
           "budget lines");
    run_free(&r);
    r = import_file(&h, dir, "monitor.report", "monitor_report.yaml", forms, NULL);
    expect(&r, 0,
           "read 5 rows, sent 2, stored 2, duplicate 0, refused 0, local errors 0, unanswered 0, settled through row 6",
           "monitoring forms");
    run_free(&r);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE type = 'monitor.report' AND src = 'portal' AND "
                                 "id LIKE 'MR-P2026-10_-00_-2026-6-%'"),
              2);
    r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", pays, NULL);
    expect(&r, 0, NULL, "payments");
    run_free(&r);

    /* GK2026100002 again with 3,600.00 instead of 3,500: the same id, other bytes. */
    char *text = dwctl_slurp(pays);
    char *p = strstr(text, "30201,3500,");
    CHECK(p != NULL);
    if (p)
        memcpy(p, "30201,3600,", 11);
    snprintf(changed, sizeof changed, "%s/payments_changed.csv", dir);
    FILE *f = fopen(changed, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(text);
    r = import_file(&h, dir, "treasury.payment", "treasury_payment.yaml", changed, NULL);
    expect(&r, 1,
           "read 8 rows, sent 7, stored 0, duplicate 6, refused 1, local errors 0, unanswered 0, settled through row 9",
           "a changed payment");
    run_free(&r);
    char report[420];
    snprintf(report, sizeof report, "%s.errors.csv", changed);
    text = dwctl_slurp(report);
    CHECK(strstr(text,
                 "\r\n3,支付凭证号,id,GK2026100002,\"the content already stored under this id, or a new "
                 "id\",conflict,src treasury id GK2026100002 was already received with different content\r\n") != NULL);
    free(text);

    /* dw-validate refuses ZB2026-104-02: 5,000,000.00 + 0 + 0 is not 5,100,000.00. */
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM rejects WHERE stage = 'validate' AND id LIKE "
                                  "'BL-ZB2026-104-02-%'",
                                  1, 20000),
              1);
    int64_t conflict_id = dw_harness_int(&h, "SELECT reject_id FROM rejects WHERE code = 'conflict'");
    int64_t rule_id = dw_harness_int(&h, "SELECT reject_id FROM rejects WHERE id LIKE 'BL-ZB2026-104-02-%'");
    char stored_id[80];
    dw_harness_text(&h, "SELECT id FROM rejects WHERE id LIKE 'BL-ZB2026-104-02-%'", stored_id, sizeof stored_id);

    char *list_src[] = {"--src", "treasury", NULL};
    r = rejects(&h, dir, list_src);
    CHECK_INT(r.code, 0);
    CHECK(strstr(r.out, "  intake  treasury  GK2026100002  treasury.payment  conflict  id  src treasury id "
                        "GK2026100002 was already received with different content\n") != NULL);
    CHECK(strstr(r.out, "ZB2026-104-02") == NULL); /* src budget: filtered out */
    if (dw_test_failures)
        fprintf(stderr, "--- rejects --src treasury:\n%s%s", r.out, r.err);
    run_free(&r);

    char *list_all[] = {"--since", "2000-01-01", "--limit", "5", NULL};
    r = rejects(&h, dir, list_all);
    CHECK_INT(r.code, 0);
    char first[64], second[64];
    snprintf(first, sizeof first, "%lld  ", (long long)(rule_id > conflict_id ? rule_id : conflict_id));
    snprintf(second, sizeof second, "\n%lld  ", (long long)(rule_id > conflict_id ? conflict_id : rule_id));
    CHECK(strncmp(r.out, first, strlen(first)) == 0); /* newest first */
    CHECK(strstr(r.out, second) != NULL);
    run_free(&r);
    char *list_none[] = {"--code", "gone", NULL};
    r = rejects(&h, dir, list_none);
    CHECK_INT(r.code, 0);
    CHECK_STR(r.out, "");
    run_free(&r);

    /* --show: the refused payment as YAML, 3,600.00 in it */
    char id_text[32];
    snprintf(id_text, sizeof id_text, "%lld", (long long)conflict_id);
    char *show_conflict[] = {"--show", id_text, NULL};
    r = rejects(&h, dir, show_conflict);
    CHECK_INT(r.code, 0);
    CHECK(dwctl_has_line(r.out, "code       conflict"));
    CHECK(dwctl_has_line(r.out, "stage      intake"));
    CHECK(dwctl_has_line(r.out, "- type: treasury.payment"));
    CHECK(dwctl_has_line(r.out, "    voucher_no: GK2026100002"));
    CHECK(dwctl_has_line(r.out, "    amount_fen: 360000"));
    CHECK(dwctl_has_line(r.out, "    payment_date: \"2026-03-18\""));
    if (dw_test_failures)
        fprintf(stderr, "--- rejects --show %s:\n%s%s", id_text, r.out, r.err);
    run_free(&r);
    /* the budget line: refused after it was stored, so its bytes come from the inbox */
    snprintf(id_text, sizeof id_text, "%lld", (long long)rule_id);
    char *show_rule[] = {"--show", id_text, NULL};
    r = rejects(&h, dir, show_rule);
    CHECK_INT(r.code, 0);
    CHECK(dwctl_has_line(r.out, "stage      validate"));
    CHECK(dwctl_has_line(r.out, "    line_id: ZB2026-104-02"));
    CHECK(dwctl_has_line(r.out, "    current_fen: 510000000"));
    run_free(&r);

    /* --resubmit under the stored id: refused here, with the reason and an id to use */
    char fixed[420];
    snprintf(fixed, sizeof fixed, "%s/fixed.yaml", dir);
    const char *body =
        "  ts: 1769270400000\n"
        "  body:\n"
        "    line_id: ZB2026-104-02\n    fiscal_year: 2026\n    dept_code: \"104\"\n"
        "    unit_code: \"104001\"\n    project_code: P2026-104-003\n    project_name: 农村公路养护补助\n"
        "    kind: transfer\n    fund_type: gov_fund\n    source: special_central\n"
        "    function_code: \"2140106\"\n    economic_code: \"31005\"\n    section_code: biz_econ\n"
        "    initial_fen: 500000000\n    adjusted_fen: 0\n    transferred_fen: 0\n"
        "    current_fen: 500000000\n    approved_date: \"2026-01-25\"\n";
    f = fopen(fixed, "wb");
    if (f) {
        fprintf(f, "- type: budget.allocation\n  id: %s\n%s", stored_id, body);
        fclose(f);
    }
    char *resubmit[] = {"--resubmit", id_text, "--file", fixed, NULL};
    r = rejects(&h, dir, resubmit);
    CHECK_INT(r.code, 2);
    char want[200];
    snprintf(want, sizeof want, "so a corrected message needs a new id, such as %s-r1", stored_id);
    CHECK(strstr(r.err, "is already stored (inbox seq ") != NULL);
    CHECK(strstr(r.err, want) != NULL);
    if (dw_test_failures)
        fprintf(stderr, "--- resubmit under the same id:\n%s%s", r.out, r.err);
    run_free(&r);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE type = 'budget.allocation'"), 3);

    f = fopen(fixed, "wb");
    if (f) {
        fprintf(f, "- type: budget.allocation\n  id: BL-ZB2026-104-02-r1\n%s", body);
        fclose(f);
    }
    r = rejects(&h, dir, resubmit);
    CHECK_INT(r.code, 0);
    CHECK(strstr(r.out, "resubmitting reject ") != NULL);
    CHECK(strstr(r.out, "\nstored BL-ZB2026-104-02-r1 seq ") != NULL);
    if (r.code != 0)
        fprintf(stderr, "--- resubmit under a new id:\n%s%s", r.out, r.err);
    run_free(&r);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT current_fen FROM budget_lines WHERE line_id = 'ZB2026-104-02'", 500000000,
                                  20000),
              500000000);

    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_dwctl_import DWCTL twin|resume|rejects\n");
        return 2;
    }
    dwctl = argv[1];
    if (strcmp(argv[2], "twin") == 0)
        scenario_twin();
    else if (strcmp(argv[2], "resume") == 0)
        scenario_resume();
    else if (strcmp(argv[2], "rejects") == 0)
        scenario_rejects();
    else {
        fprintf(stderr, "unknown scenario %s\n", argv[2]);
        return 2;
    }
    DW_TEST_DONE();
}
