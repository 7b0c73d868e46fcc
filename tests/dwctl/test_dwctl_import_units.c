/* dwctl.import_units — the pieces of `dwctl import`, each against values
 * worked out by hand: CSV records (quotes, commas, line breaks inside fields,
 * a byte order mark, CRLF, a lone CR, malformed fields), yuan into fen, dates,
 * periods, list cells, the encodings (UTF-8 checked, GB18030 converted,
 * auto), mapping files refused with file:line, rows into messages (the
 * shipped mappings and sample files: payments, and monitoring forms grouped
 * into one message per form), the GBK twin of the payments building the same
 * bytes, the error report kept up to a row, the state file, and the progress
 * line.
 *
 *   test_dwctl_import_units SOURCE_DIR */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dw_msg.h"
#include "dw_test.h"
#include "dwctl_gbk.h"
#include "dwctl_import_conv.h"
#include "dwctl_import_csv.h"
#include "dwctl_import_map.h"
#include "dwctl_import_progress.h"
#include "dwctl_import_report.h"
#include "dwctl_import_rows.h"
#include "dwctl_import_state.h"
#include "dwctl_import_text.h"

static const char *source_dir;
static char tmp_dir[256];

/* ------------------------------------------------------------ csv */

/* A source that hands out step bytes at a time, to cross every boundary. */
typedef struct mem {
    const char *data;
    size_t len, pos, step;
} mem_t;

static ssize_t mem_read(void *arg, char *buf, size_t n)
{
    mem_t *m = arg;
    size_t k = m->len - m->pos;
    if (k > n)
        k = n;
    if (k > m->step)
        k = m->step;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void test_csv_quoting(size_t step)
{
    static const char text[] = "\xef\xbb\xbf"
                               "a,b,c\r\n"
                               "1,\"x, y\",\"say \"\"hi\"\"\"\r\n"
                               "2,\"two\r\nlines\",\"lf\nonly\"\r\n"
                               "\r\n"
                               "3,,\r"
                               "4,\"\",5\n"
                               ",,\r\n"
                               "6,7,8";
    mem_t m = {text, sizeof text - 1, 0, step};
    dwctl_csv_t *csv = dwctl_csv_new(mem_read, &m);
    CHECK(csv != NULL);
    if (!csv)
        return;
    CHECK_INT(dwctl_csv_next(csv), 1); /* the byte order mark is not part of the first header */
    CHECK_INT(dwctl_csv_count(csv), 3);
    CHECK_STR(dwctl_csv_field(csv, 0), "a");
    CHECK_STR(dwctl_csv_field(csv, 2), "c");
    CHECK_INT(dwctl_csv_row(csv), 1);

    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_INT(dwctl_csv_count(csv), 3);
    CHECK_STR(dwctl_csv_field(csv, 1), "x, y");
    CHECK_STR(dwctl_csv_field(csv, 2), "say \"hi\"");
    CHECK(dwctl_csv_problem(csv) == NULL);

    CHECK_INT(dwctl_csv_next(csv), 1); /* line breaks inside quotes stay in the field */
    CHECK_STR(dwctl_csv_field(csv, 1), "two\r\nlines");
    CHECK_STR(dwctl_csv_field(csv, 2), "lf\nonly");
    CHECK_INT(dwctl_csv_row(csv), 3);

    CHECK_INT(dwctl_csv_next(csv), 1); /* an empty line is a blank row of one empty field */
    CHECK_INT(dwctl_csv_count(csv), 1);
    CHECK(dwctl_csv_blank(csv));
    CHECK_INT(dwctl_csv_row(csv), 4);

    CHECK_INT(dwctl_csv_next(csv), 1); /* a lone CR ends a record */
    CHECK_INT(dwctl_csv_count(csv), 3);
    CHECK_STR(dwctl_csv_field(csv, 0), "3");
    CHECK_STR(dwctl_csv_field(csv, 2), "");
    CHECK(!dwctl_csv_blank(csv));

    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_STR(dwctl_csv_field(csv, 1), "");
    CHECK_STR(dwctl_csv_field(csv, 2), "5");

    CHECK_INT(dwctl_csv_next(csv), 1); /* ",," as spreadsheets leave at the end */
    CHECK_INT(dwctl_csv_count(csv), 3);
    CHECK(dwctl_csv_blank(csv));

    CHECK_INT(dwctl_csv_next(csv), 1); /* the last record needs no line break */
    CHECK_STR(dwctl_csv_field(csv, 2), "8");
    CHECK_INT(dwctl_csv_row(csv), 8);
    CHECK_INT(dwctl_csv_next(csv), 0);
    CHECK_INT(dwctl_csv_next(csv), 0);
    dwctl_csv_destroy(&csv);
    CHECK(csv == NULL);
}

static void test_csv_malformed(void)
{
    static const char text[] = "a,b\n"
                               "\"x\"y,z\n"     /* text after a closing quote: the record is flagged */
                               "q\"uote,ok\n"   /* a quote inside a plain field is a character */
                               "next,row\n"     /* the reader goes on */
                               "\"open,never\n" /* a quote never closed swallows the rest */
                               "closed";
    mem_t m = {text, sizeof text - 1, 0, 1 << 20};
    dwctl_csv_t *csv = dwctl_csv_new(mem_read, &m);
    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_STR(dwctl_csv_problem(csv), "text after the closing quote of a field");
    CHECK_STR(dwctl_csv_field(csv, 0), "xy");
    CHECK_STR(dwctl_csv_field(csv, 1), "z");
    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK(dwctl_csv_problem(csv) == NULL);
    CHECK_STR(dwctl_csv_field(csv, 0), "q\"uote");
    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_STR(dwctl_csv_field(csv, 0), "next");
    CHECK_INT(dwctl_csv_next(csv), 1);
    CHECK_STR(dwctl_csv_problem(csv), "a quoted field is still open at the end of the file");
    CHECK_STR(dwctl_csv_field(csv, 0), "open,never\nclosed");
    CHECK_INT(dwctl_csv_count(csv), 1);
    CHECK_INT(dwctl_csv_next(csv), 0);
    dwctl_csv_destroy(&csv);
}

static void test_csv_put(void)
{
    dw_buf_t b = DW_BUF_INIT;
    CHECK(dwctl_csv_put(&b, "7", false) == 0);
    CHECK(dwctl_csv_put(&b, "1,234.56", false) == 0);
    CHECK(dwctl_csv_put(&b, "say \"hi\"", false) == 0);
    CHECK(dwctl_csv_put(&b, " padded", false) == 0);
    CHECK(dwctl_csv_put(&b, "", false) == 0);
    CHECK(dwctl_csv_put(&b, "two\nlines", true) == 0);
    CHECK_STR(b.data, "7,\"1,234.56\",\"say \"\"hi\"\"\",\" padded\",,\"two\nlines\"\r\n");
    dw_buf_free(&b);
}

/* ------------------------------------------------------------ conversions */

static void yuan_ok(const char *text, int64_t want)
{
    int64_t fen = -42;
    const char *why = NULL;
    CHECK(dwctl_conv_yuan(text, &fen, &why));
    if (fen != want)
        fprintf(stderr, "  yuan \"%s\"\n", text);
    CHECK_INT(fen, want);
}

static void yuan_bad(const char *text, const char *want_why)
{
    int64_t fen = -42;
    const char *why = NULL;
    CHECK(!dwctl_conv_yuan(text, &fen, &why));
    CHECK_STR(why, want_why);
}

static void test_yuan(void)
{
    yuan_ok("1,234.56", 123456);
    yuan_ok("1234.56", 123456);
    yuan_ok("3500", 350000);
    yuan_ok("0.05", 5);
    yuan_ok("0.5", 50);
    yuan_ok("-0.5", -50);
    yuan_ok("-20,000.00", -2000000);
    yuan_ok("1,234,567.8", 123456780);
    yuan_ok("\xc2\xa5"
            "12,500.00",
            1250000); /* ¥ */
    yuan_ok("\xef\xbf\xa5"
            "45,000.00",
            4500000); /* ￥ */
    yuan_ok("999", 99900);
    yuan_ok("0", 0);
    yuan_ok("92233720368547758.07", INT64_MAX);
    const char *three = "more than 2 decimals: 1 fen (0.01 yuan) is the smallest amount";
    const char *groups = "thousands separators must split the digits in threes";
    yuan_bad("1.234", three);
    yuan_bad("12,345.678", three);
    yuan_bad("1.230", three); /* a third decimal even when zero: the export is not what we think */
    yuan_bad("1,23,4", groups);
    yuan_bad("12,34", groups);
    yuan_bad("1,2345.00", groups);
    yuan_bad("1234,567", groups);
    yuan_bad(",123", groups);
    yuan_bad("1,", groups);
    yuan_bad("1.", "no digits after the decimal point");
    yuan_bad(".5", "not an amount in yuan");
    yuan_bad("", "not an amount in yuan");
    yuan_bad("abc", "not an amount in yuan");
    yuan_bad("1 234", "not an amount in yuan");
    yuan_bad("+5", "not an amount in yuan");
    yuan_bad("1.5e3", "not an amount in yuan");
    yuan_bad("92233720368547758.08", "too large an amount for 64-bit fen");
}

static void date_ok(const char *text, const char *want)
{
    char out[11] = "";
    const char *why = NULL;
    CHECK(dwctl_conv_date(text, out, &why));
    CHECK_STR(out, want);
}

static void test_dates(void)
{
    date_ok("2026-03-16", "2026-03-16");
    date_ok("2026/3/6", "2026-03-06");
    date_ok("2026/03/16", "2026-03-16");
    date_ok("20260316", "2026-03-16");
    date_ok("2026.3.16", "2026-03-16");
    date_ok("2026年3月16日", "2026-03-16");
    date_ok("2026-3-16 00:00:00", "2026-03-16");
    date_ok("2026/3/16 0:00", "2026-03-16");
    date_ok("2028-02-29", "2028-02-29");
    const char *unknown = "not a date in a known form (YYYY-MM-DD, YYYY/M/D or YYYYMMDD)";
    const char *why = NULL;
    char out[11];
    CHECK(!dwctl_conv_date("2026-02-29", out, &why));
    CHECK_STR(why, "not a calendar date");
    CHECK(!dwctl_conv_date("2026/13/1", out, &why));
    CHECK_STR(why, "not a calendar date");
    CHECK(!dwctl_conv_date("20260230", out, &why));
    CHECK_STR(why, "not a calendar date");
    CHECK(!dwctl_conv_date("16/03/2026", out, &why));
    CHECK_STR(why, unknown);
    CHECK(!dwctl_conv_date("2026-03", out, &why));
    CHECK_STR(why, unknown);
    CHECK(!dwctl_conv_date("2026-3/16", out, &why));
    CHECK_STR(why, unknown);
    CHECK(!dwctl_conv_date("202603161", out, &why));
    CHECK_STR(why, unknown);
    CHECK(!dwctl_conv_date("2026-03-16T08:00", out, &why));
    CHECK_STR(why, unknown);
}

static void test_period_list_prefix(void)
{
    static const char *const sixes[] = {"6", "6月", "1-6月", "1～6月", "1至6月", "1~6", "06"};
    for (size_t i = 0; i < sizeof sixes / sizeof sixes[0]; i++) {
        int64_t m = 0;
        const char *why = NULL;
        CHECK(dwctl_conv_period(sixes[i], &m, &why));
        CHECK_INT(m, 6);
    }
    int64_t m = 0;
    const char *why = NULL;
    CHECK(dwctl_conv_period("1-12月", &m, &why));
    CHECK_INT(m, 12);
    CHECK(dwctl_conv_period("1", &m, &why));
    CHECK_INT(m, 1);
    CHECK(!dwctl_conv_period("13", &m, &why));
    CHECK_STR(why, "a period ends in month 1 to 12");
    CHECK(!dwctl_conv_period("0月", &m, &why));
    CHECK(!dwctl_conv_period("2-6月", &m, &why));
    CHECK_STR(why, "not a period such as 6, 6月 or 1-6月");
    CHECK(!dwctl_conv_period("上半年", &m, &why));

    const char *cursor = " 经费保障、人员保障；其他 ,,\n制度保障 ";
    char item[64];
    CHECK_INT(dwctl_conv_next_item(&cursor, item, sizeof item), 12);
    CHECK_STR(item, "经费保障");
    CHECK_INT(dwctl_conv_next_item(&cursor, item, sizeof item), 12);
    CHECK_STR(item, "人员保障");
    CHECK_INT(dwctl_conv_next_item(&cursor, item, sizeof item), 6);
    CHECK_STR(item, "其他");
    CHECK_INT(dwctl_conv_next_item(&cursor, item, sizeof item), 12);
    CHECK_STR(item, "制度保障");
    CHECK_INT(dwctl_conv_next_item(&cursor, item, sizeof item), 0);

    char out[32];
    dwctl_conv_prefix("101001", 3, out, sizeof out);
    CHECK_STR(out, "101");
    dwctl_conv_prefix("会昌县财政局", 3, out, sizeof out);
    CHECK_STR(out, "会昌县");
    dwctl_conv_prefix("10", 3, out, sizeof out);
    CHECK_STR(out, "10");

    char s[] = "\xe3\x80\x80 会昌 \t\r\n";
    CHECK_STR(dwctl_conv_trim(s), "会昌");
    int64_t v;
    CHECK(dwctl_conv_int("2026", &v, &why));
    CHECK_INT(v, 2026);
    CHECK(!dwctl_conv_int("2026.0", &v, &why));
    CHECK_STR(why, "not a whole number");
}

/* ------------------------------------------------------------ encodings */

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, n, f) == n);
    if (f)
        fclose(f);
}

/* The whole of path read through dwctl_text (n bytes at a time). */
static char *read_text(const char *path, dwctl_enc_t enc, dwctl_enc_t *used, char *why, size_t why_len)
{
    dwctl_text_t *t = dwctl_text_open(path, enc, why, why_len);
    if (!t)
        return NULL;
    *used = dwctl_text_enc(t);
    static char out[4096];
    size_t len = 0;
    ssize_t n;
    while ((n = dwctl_text_read(t, out + len, 5)) > 0)
        len += (size_t)n;
    out[len] = '\0';
    if (n < 0)
        snprintf(why, why_len, "%s", dwctl_text_error(t));
    dwctl_text_destroy(&t);
    return n < 0 ? NULL : out;
}

static void test_encodings(void)
{
    /* 支付,金额 in GBK, by the code chart: 支 d6a7, 付 b8b6, 金 bdf0, 额 b6ee */
    static const char gbk[] = "\xd6\xa7\xb8\xb6,\xbd\xf0\xb6\xee\r\n";
    static const char utf8[] = "\xe6\x94\xaf\xe4\xbb\x98,\xe9\x87\x91\xe9\xa2\x9d\r\n";
    char gbk_path[300], utf8_path[300], bad_path[300], why[300] = "";
    snprintf(gbk_path, sizeof gbk_path, "%s/gbk.csv", tmp_dir);
    snprintf(utf8_path, sizeof utf8_path, "%s/utf8.csv", tmp_dir);
    snprintf(bad_path, sizeof bad_path, "%s/bad.csv", tmp_dir);
    write_file(gbk_path, gbk, sizeof gbk - 1);
    write_file(utf8_path, utf8, sizeof utf8 - 1);
    dwctl_enc_t used = DWCTL_ENC_AUTO;

    const char *text = read_text(gbk_path, DWCTL_ENC_AUTO, &used, why, sizeof why);
    CHECK_STR(text, "支付,金额\r\n");
    CHECK_INT(used, DWCTL_ENC_GB18030);
    text = read_text(gbk_path, DWCTL_ENC_GB18030, &used, why, sizeof why);
    CHECK_STR(text, "支付,金额\r\n");
    text = read_text(utf8_path, DWCTL_ENC_AUTO, &used, why, sizeof why);
    CHECK_STR(text, "支付,金额\r\n");
    CHECK_INT(used, DWCTL_ENC_UTF8);

    /* GBK read as UTF-8: refused, with a hint. Not at byte 0: d6 a7 happens to
     * be valid UTF-8 (U+05A7), which is why auto reads the whole file. */
    text = read_text(gbk_path, DWCTL_ENC_UTF8, &used, why, sizeof why);
    CHECK(text == NULL);
    CHECK_STR(why, "byte 2 (0xb8) is not valid UTF-8 (is the file GBK? try --encoding gbk)");
    /* a UTF-8 file cut in the middle of 额 (e9 a2 9d) */
    write_file(bad_path, utf8, 12);
    text = read_text(bad_path, DWCTL_ENC_UTF8, &used, why, sizeof why);
    CHECK(text == NULL);
    CHECK_STR(why, "byte 10 (0xe9) starts a character the file cuts off");
    /* 0xff is never GB18030 */
    write_file(bad_path, "ab\xff", 3);
    text = read_text(bad_path, DWCTL_ENC_GB18030, &used, why, sizeof why);
    CHECK(text == NULL);
    CHECK_STR(why, "byte 2 (0xff) is not valid GB18030/GBK (is the file UTF-8? try --encoding utf-8)");

    CHECK_INT(dwctl_utf8_prefix("a\xe6\x94", 3), 1);        /* cut off: not counted */
    CHECK_INT(dwctl_utf8_prefix("\xed\xa0\x80", 3), 0);     /* a surrogate */
    CHECK_INT(dwctl_utf8_prefix("\xc0\xaf", 2), 0);         /* overlong */
    CHECK_INT(dwctl_utf8_prefix("\xf4\x90\x80\x80", 4), 0); /* above U+10FFFF */
    CHECK_INT(dwctl_utf8_prefix("\xf0\x9f\x98\x80!", 5), 5);

    dwctl_enc_t e;
    CHECK(dwctl_enc_parse("GBK", &e) && e == DWCTL_ENC_GB18030);
    CHECK(dwctl_enc_parse("utf-8", &e) && e == DWCTL_ENC_UTF8);
    CHECK(dwctl_enc_parse("auto", &e) && e == DWCTL_ENC_AUTO);
    CHECK(!dwctl_enc_parse("latin1", &e));
}

/* ------------------------------------------------------------ mappings */

static void map_bad(const char *yaml, const char *want)
{
    char path[300], why[600] = "";
    snprintf(path, sizeof path, "%s/map.yaml", tmp_dir);
    write_file(path, yaml, strlen(yaml));
    dwctl_map_t *m = dwctl_map_load(path, why, sizeof why);
    CHECK(m == NULL);
    dwctl_map_destroy(&m);
    const char *got = strstr(why, "map.yaml:");
    CHECK_STR(got, want);
}

static void test_mapping_refusals(void)
{
    static const char head[] = "type: treasury.payment\nid: \"{voucher_no}\"\nts: payment_date\nfields:\n"
                               "  voucher_no: A\n  fiscal_year: {const: 2026}\n  payment_date: B\n"
                               "  dept_code: C\n  unit_code: C\n  project_code: D\n  function_code: E\n"
                               "  economic_code: F\n  method: {column: G, map: {直接支付: direct}}\n  payee: H\n";
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s  amount_fen: {column: I, convert: yuan}\n", head);
    char path[300], why[600] = "";
    snprintf(path, sizeof path, "%s/map.yaml", tmp_dir);
    write_file(path, yaml, strlen(yaml));
    dwctl_map_t *m = dwctl_map_load(path, why, sizeof why);
    CHECK(m != NULL);
    if (!m)
        fprintf(stderr, "  %s\n", why);
    dwctl_map_destroy(&m);

    snprintf(yaml, sizeof yaml, "%s  amount_fen: {column: I, convert: date}\n", head);
    map_bad(yaml, "map.yaml:15: amount_fen is fen: convert date cannot fill it");
    snprintf(yaml, sizeof yaml, "%s  amount: I\n", head);
    map_bad(yaml, "map.yaml:15: treasury.payment has no field \"amount\"");
    map_bad(head, "map.yaml:5: treasury.payment: the required field amount_fen is not mapped");
    snprintf(yaml, sizeof yaml, "%s  amount_fen: {column: I, const: 5}\n", head);
    map_bad(yaml, "map.yaml:15: amount_fen: give either column or const");
    snprintf(yaml, sizeof yaml, "%s  amount_fen: {column: I, convert: euro}\n", head);
    map_bad(yaml, "map.yaml:15: convert is one of text, yuan, fen, date, int, period, list; not \"euro\"");
    snprintf(yaml, sizeof yaml, "%s  amount_fen: I\nsheet: 1\n", head);
    map_bad(yaml, "map.yaml:16: \"sheet\" is not a key of a mapping file (type, src, id, ts, fields, group_by, items)");
    snprintf(yaml, sizeof yaml, "type: treasury.payment\nid: \"{voucher}\"\nts: payment_date\nfields:\n%s",
             strstr(head, "  voucher_no"));
    strcat(yaml, "  amount_fen: I\n");
    map_bad(yaml, "map.yaml:2: id: {voucher} is not a mapped field of the body (nor {digest})");
    snprintf(yaml, sizeof yaml, "type: treasury.payment\nid: \"{voucher_no}\"\nts: payee\nfields:\n%s",
             strstr(head, "  voucher_no"));
    strcat(yaml, "  amount_fen: I\n");
    map_bad(yaml, "map.yaml:3: ts is unix milliseconds, or the name of a mapped date field of the body; not \"payee\"");
    map_bad("type: alert.event\n", "map.yaml:1: \"alert.event\" is not a type producers send");
}

/* ------------------------------------------------------------ rows into messages */

#define MAX_UNITS 16

/* Every unit of csv through the mapping; their count, or -1. */
static int build_units(const char *csv_path, const char *map_name, dwctl_enc_t enc, dwctl_unit_t **units)
{
    char map_path[600], why[600] = "";
    snprintf(map_path, sizeof map_path, "%s/deploy/import/%s", source_dir, map_name);
    dwctl_map_t *map = dwctl_map_load(map_path, why, sizeof why);
    dwctl_text_t *text = map ? dwctl_text_open(csv_path, enc, why, sizeof why) : NULL;
    dwctl_csv_t *csv = text ? dwctl_csv_new(dwctl_text_read, text) : NULL;
    dwctl_rows_t *rows = csv ? dwctl_rows_new(map, map->src, why, sizeof why) : NULL;
    int n = -1;
    if (!rows || dwctl_csv_next(csv) != 1 || dwctl_rows_header(rows, csv, why, sizeof why) != 0) {
        fprintf(stderr, "build_units %s: %s\n", csv_path, why);
        goto done;
    }
    n = 0;
    int rc;
    while (n < MAX_UNITS && (rc = dwctl_csv_next(csv)) == 1) {
        if (dwctl_csv_blank(csv))
            continue;
        dwctl_unit_t *u = NULL;
        CHECK(dwctl_rows_feed(rows, csv, &u) == 0);
        if (u)
            units[n++] = u;
    }
    dwctl_unit_t *u = NULL;
    CHECK(dwctl_rows_flush(rows, &u) == 0);
    if (u && n < MAX_UNITS)
        units[n++] = u;
    else
        dwctl_unit_destroy(&u);
done:
    dwctl_rows_destroy(&rows);
    dwctl_csv_destroy(&csv);
    dwctl_text_destroy(&text);
    dwctl_map_destroy(&map);
    return n;
}

static void free_units(dwctl_unit_t **units, int n)
{
    for (int i = 0; i < n; i++)
        dwctl_unit_destroy(&units[i]);
}

static dw_msg_t *decode(const dwctl_unit_t *u)
{
    dw_error_t err = {0};
    dw_msg_t *m = u->id ? dw_msg_decode(u->bytes.data, u->bytes.len, NULL, &err) : NULL;
    CHECK(m != NULL);
    return m;
}

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = -1;
    CHECK(dw_obj_int(o, field, &v));
    return v;
}

static void test_payments(void)
{
    char path[600], gbk_path[300];
    snprintf(path, sizeof path, "%s/tests/dwctl/data/payments.csv", source_dir);
    dwctl_unit_t *units[MAX_UNITS], *twins[MAX_UNITS];
    int n = build_units(path, "treasury_payment.yaml", DWCTL_ENC_AUTO, units);
    CHECK_INT(n, 7); /* 7 payments; the ",,,,,,,,," row is blank */
    if (n != 7) {
        free_units(units, n);
        return;
    }
    for (int i = 0; i < n; i++)
        CHECK_INT(units[i]->n_errors, 0);
    CHECK_STR(units[0]->id, "GK2026100001");
    CHECK_INT(units[0]->first_row, 2);
    CHECK_INT(units[4]->first_row, 6); /* the payee with a line break is still one row */
    CHECK_INT(units[6]->first_row, 8);

    dw_msg_t *m = decode(units[0]);
    if (m) {
        const dw_obj_t *b = dw_msg_body(m);
        CHECK_STR(dw_msg_src(m), "treasury");
        CHECK_INT(dw_msg_ts(m), INT64_C(1773590400000)); /* 2026-03-16 00:00 +08:00 */
        CHECK_INT(int_of(b, "fiscal_year"), 2026);
        CHECK_STR(dw_obj_str(b, "payment_date"), "2026-03-16");
        CHECK_STR(dw_obj_str(b, "dept_code"), "101");
        CHECK_STR(dw_obj_str(b, "unit_code"), "101001");
        CHECK_INT(int_of(b, "amount_fen"), 1250000);
        CHECK_STR(dw_obj_str(b, "method"), "direct");
        CHECK_STR(dw_obj_str(b, "payee"), "会昌县第一建筑工程公司");
        CHECK_STR(dw_obj_str(b, "contract_no"), "HT-2026-0001");
    }
    dw_msg_destroy(&m);
    m = decode(units[1]);
    if (m) {
        const dw_obj_t *b = dw_msg_body(m);
        CHECK_STR(dw_obj_str(b, "payment_date"), "2026-03-18"); /* 2026/3/18 */
        CHECK_INT(int_of(b, "amount_fen"), 350000);             /* 3500 */
        CHECK_STR(dw_obj_str(b, "method"), "authorised");
        CHECK(!dw_obj_has(b, "contract_no")); /* an empty cell leaves it out */
    }
    dw_msg_destroy(&m);
    m = decode(units[2]);
    if (m) {
        const dw_obj_t *b = dw_msg_body(m);
        CHECK_STR(dw_obj_str(b, "payment_date"), "2026-03-20"); /* 20260320 */
        CHECK_INT(int_of(b, "amount_fen"), 123456780);          /* 1,234,567.8 */
        CHECK_STR(dw_obj_str(b, "payee"), "赣州市蓉江建设有限公司, 会昌分公司");
    }
    dw_msg_destroy(&m);
    m = decode(units[3]);
    if (m) {
        CHECK_INT(int_of(dw_msg_body(m), "amount_fen"), 5); /* 0.05 */
        CHECK_STR(dw_obj_str(dw_msg_body(m), "payee"), "会昌县\"绿野\"园林有限公司");
    }
    dw_msg_destroy(&m);
    m = decode(units[4]);
    if (m)
        CHECK_STR(dw_obj_str(dw_msg_body(m), "payee"), "会昌县第二中学\n（食堂）");
    dw_msg_destroy(&m);
    m = decode(units[5]);
    if (m) {
        CHECK_STR(dw_obj_str(dw_msg_body(m), "payment_date"), "2026-04-03"); /* 2026年4月3日 */
        CHECK_INT(int_of(dw_msg_body(m), "amount_fen"), 4500000);            /* ￥45,000.00 */
    }
    dw_msg_destroy(&m);
    m = decode(units[6]);
    if (m) {
        CHECK_STR(dw_obj_str(dw_msg_body(m), "payment_date"), "2026-04-07"); /* " 2026-04-07 " */
        CHECK_INT(int_of(dw_msg_body(m), "amount_fen"), 8800);               /* " 88.00 " */
    }
    dw_msg_destroy(&m);

    /* The GBK twin builds the very same bytes: the same ids, the same messages. */
    snprintf(gbk_path, sizeof gbk_path, "%s/payments_gbk.csv", tmp_dir);
    CHECK(dwctl_gbk_twin(path, gbk_path) == 0);
    int k = build_units(gbk_path, "treasury_payment.yaml", DWCTL_ENC_AUTO, twins);
    CHECK_INT(k, 7);
    for (int i = 0; i < n && i < k; i++) {
        CHECK_STR(twins[i]->id, units[i]->id);
        CHECK(twins[i]->bytes.len == units[i]->bytes.len &&
              memcmp(twins[i]->bytes.data, units[i]->bytes.data, units[i]->bytes.len) == 0);
    }
    free_units(twins, k);
    free_units(units, n);
}

static void test_forms(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tests/dwctl/data/monitor_forms.csv", source_dir);
    dwctl_unit_t *units[MAX_UNITS];
    int n = build_units(path, "monitor_report.yaml", DWCTL_ENC_UTF8, units);
    CHECK_INT(n, 2); /* five rows, two forms */
    if (n != 2) {
        free_units(units, n);
        return;
    }
    CHECK_INT(units[0]->first_row, 2);
    CHECK_INT(units[0]->last_row, 4);
    CHECK_INT(units[1]->first_row, 5);
    CHECK_INT(units[1]->last_row, 6);
    CHECK(units[0]->id && strncmp(units[0]->id, "MR-P2026-101-001-2026-6-", 24) == 0 && strlen(units[0]->id) == 40);
    dw_msg_t *m = decode(units[0]);
    if (m) {
        const dw_obj_t *b = dw_msg_body(m);
        CHECK_STR(dw_msg_src(m), "portal");
        CHECK_INT(dw_msg_ts(m), INT64_C(1783440000000)); /* 2026-07-08 00:00 +08:00 */
        CHECK_INT(int_of(b, "period_month"), 6);
        CHECK_INT(int_of(b, "executed_fen"), 430000000);
        CHECK_INT(int_of(b, "projected_fen"), 980000000);
        CHECK_STR(dw_obj_str(b, "submitted_date"), "2026-07-08");
        CHECK_INT(dw_obj_count(b, "indicators"), 3);
        const dw_obj_t *i1 = dw_obj_item_map(b, "indicators", 1), *i2 = dw_obj_item_map(b, "indicators", 2);
        CHECK(i1 && i2);
        if (i1 && i2) {
            CHECK_STR(dw_obj_str(i1, "code"), "IND-002");
            CHECK_STR(dw_obj_str(i1, "value"), "95.5");
            CHECK_STR(dw_obj_str(i1, "projected"), "98");
            CHECK_STR(dw_obj_str(i1, "likelihood"), "certain");
            CHECK(!dw_obj_has(i1, "causes"));
            CHECK_STR(dw_obj_str(i2, "value"), "良好");
            CHECK_STR(dw_obj_str(i2, "likelihood"), "possible");
        }
    }
    dw_msg_destroy(&m);
    m = decode(units[1]);
    if (m) {
        const dw_obj_t *b = dw_msg_body(m);
        CHECK_INT(dw_msg_ts(m), INT64_C(1783526400000)); /* 2026-07-09 00:00 +08:00 */
        CHECK_INT(int_of(b, "period_month"), 6);         /* 1～6月 */
        CHECK_INT(int_of(b, "executed_fen"), 15000000);
        CHECK_INT(dw_obj_count(b, "indicators"), 2);
        const dw_obj_t *i0 = dw_obj_item_map(b, "indicators", 0), *i1 = dw_obj_item_map(b, "indicators", 1);
        if (i0 && i1) {
            CHECK_INT(dw_obj_count(i0, "causes"), 2);
            CHECK_STR(dw_obj_item_str(i0, "causes", 0), "funding");
            CHECK_STR(dw_obj_item_str(i0, "causes", 1), "staffing");
            CHECK_STR(dw_obj_str(i0, "explanation"), "省级资金下达滞后,站点招聘未完成");
            CHECK_STR(dw_obj_str(i0, "measures"), "加快资金拨付，7月底前完成招聘");
            CHECK_STR(dw_obj_str(i1, "likelihood"), "impossible");
            CHECK_STR(dw_obj_item_str(i1, "causes", 0), "hardware");
            CHECK(!dw_obj_has(i1, "measures"));
        }
    }
    dw_msg_destroy(&m);

    /* Built again: the same ids ({digest} of the same values). One value
     * changed: another id, the other form's unchanged. */
    dwctl_unit_t *again[MAX_UNITS];
    char changed[300];
    snprintf(changed, sizeof changed, "%s/forms_changed.csv", tmp_dir);
    FILE *in = fopen(path, "rb"), *out = fopen(changed, "wb");
    char buf[8192];
    size_t len = in ? fread(buf, 1, sizeof buf - 1, in) : 0;
    buf[len] = '\0';
    char *p = strstr(buf, ",95.5,");
    CHECK(p != NULL);
    if (p)
        memcpy(p, ",96.5,", 6);
    if (out)
        fwrite(buf, 1, len, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    int k = build_units(changed, "monitor_report.yaml", DWCTL_ENC_UTF8, again);
    CHECK_INT(k, 2);
    if (k == 2) {
        CHECK(strcmp(again[0]->id, units[0]->id) != 0);
        CHECK_STR(again[1]->id, units[1]->id);
    }
    free_units(again, k);
    free_units(units, n);
}

static const dwctl_row_error_t *error_with(const dwctl_unit_t *u, const char *code)
{
    for (size_t i = 0; i < u->n_errors; i++)
        if (strcmp(u->errors[i].code, code) == 0)
            return &u->errors[i];
    return NULL;
}

static void test_form_errors(void)
{
    static const char header[] = "预算年度,预算部门编码,项目编码,项目名称,监控期间,1-N月执行数(元),全年预计执行数(元),"
                                 "填报日期,绩效指标编码,绩效指标名称,1-N月执行情况,全年预计完成情况,完成可能性,"
                                 "偏差原因,原因说明,改进措施\n";
    static const char rows[] =
        /* form A, rows 2-3: the second row's 填报日期 disagrees */
        "2026,101,P-A,A,1-6月,100,200,2026-07-08,I1,x,1,1,确定能,,,\n"
        "2026,101,P-A,A,1-6月,100,200,2026-07-09,I2,x,1,1,确定能,,,\n"
        /* form B, rows 4-5: a cause the mapping does not know */
        "2026,101,P-B,B,1-6月,100,200,2026-07-08,I1,x,1,1,有可能,天气,,\n"
        "2026,101,P-B,B,1-6月,100,200,2026-07-08,I2,x,1,1,确定能,,,\n"
        /* form C, row 6: fine */
        "2026,101,P-C,C,6月,100,200,2026-07-08,I1,x,1,1,确定能,,,\n"
        /* form A again, row 7: its rows are not together */
        "2026,101,P-A,A,1-6月,100,200,2026-07-08,I3,x,1,1,确定能,,,\n";
    char path[300];
    snprintf(path, sizeof path, "%s/forms_bad.csv", tmp_dir);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(header, f);
        fputs(rows, f);
        fclose(f);
    }
    dwctl_unit_t *units[MAX_UNITS];
    int n = build_units(path, "monitor_report.yaml", DWCTL_ENC_UTF8, units);
    CHECK_INT(n, 4);
    if (n != 4) {
        free_units(units, n);
        return;
    }
    const dwctl_row_error_t *e = error_with(units[0], "form_mismatch");
    CHECK(units[0]->id == NULL && e != NULL);
    if (e) {
        CHECK_INT(e->row, 3);
        CHECK_STR(e->column, "填报日期");
        CHECK_STR(e->field, "body.submitted_date");
        CHECK_STR(e->value, "2026-07-09");
        CHECK_STR(e->expected, "2026-07-08");
        CHECK_STR(e->message, "differs from row 2, the first row of this form");
    }
    e = error_with(units[0], "form_incomplete");
    CHECK(e != NULL && e->row == 2);
    e = error_with(units[1], "bad_enum");
    CHECK(units[1]->id == NULL && e != NULL);
    if (e) {
        CHECK_INT(e->row, 4);
        CHECK_STR(e->column, "偏差原因");
        CHECK_STR(e->field, "body.indicators[0].causes");
        CHECK_STR(e->value, "天气");
        CHECK_STR(e->expected, "one of: 经费保障, 制度保障, 人员保障, 硬件条件保障, 其他");
        CHECK_STR(e->message, "\"天气\" in the list is not a value the mapping knows");
    }
    CHECK(units[2]->id != NULL && units[2]->n_errors == 0);
    e = error_with(units[3], "form_split");
    CHECK(units[3]->id == NULL && e != NULL);
    if (e) {
        CHECK_INT(e->row, 7);
        CHECK_STR(e->message, "the rows of one form must be together: this form began at row 2 and has more rows "
                              "here, after other forms");
    }

    /* An ack's field is placed on the cell it came from. */
    char map_path[600], why[300];
    snprintf(map_path, sizeof map_path, "%s/deploy/import/monitor_report.yaml", source_dir);
    dwctl_map_t *map = dwctl_map_load(map_path, why, sizeof why);
    CHECK(map != NULL);
    if (map) {
        size_t before = units[2]->n_errors;
        CHECK(dwctl_unit_add_error(map, units[2], "body.indicators[0].likelihood", "bad_enum", "refused") == 0);
        CHECK_INT(units[2]->n_errors, before + 1);
        e = &units[2]->errors[before];
        CHECK_INT(e->row, 6);
        CHECK_STR(e->column, "完成可能性");
        CHECK_STR(e->value, "确定能");
        CHECK_STR(e->expected, "one of: 确定能, 有可能, 完全不可能");
        CHECK(dwctl_unit_add_error(map, units[2], "", "conflict", "same src and id already stored") == 0);
        e = &units[2]->errors[before + 1];
        CHECK_INT(e->row, 6);
        CHECK_STR(e->column, "");
        CHECK_STR(e->expected, "the content already stored under this id, or a new id");
    }
    dwctl_map_destroy(&map);
    free_units(units, n);
}

/* ------------------------------------------------------------ report, state, progress */

static char *slurp(const char *path)
{
    static char buf[8192];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

static dwctl_unit_t *unit_with_error(int64_t row, const char *value)
{
    dwctl_unit_t *u = calloc(1, sizeof *u);
    u->errors = calloc(1, sizeof *u->errors);
    u->n_errors = 1;
    u->errors[0] = (dwctl_row_error_t){.row = row,
                                       .column = strdup("支付金额(元)"),
                                       .field = strdup("body.amount_fen"),
                                       .value = strdup(value),
                                       .expected = strdup("x"),
                                       .code = strdup("bad_amount"),
                                       .message = strdup("m")};
    return u;
}

static void test_report(void)
{
    char path[300], why[300];
    snprintf(path, sizeof path, "%s/r.errors.csv", tmp_dir);
    dwctl_report_t *r = dwctl_report_open(path, 0, why, sizeof why);
    CHECK(r != NULL);
    if (!r)
        return;
    dwctl_unit_t *u9 = unit_with_error(9, "9"), *u3 = unit_with_error(3, "1,2"), *u5 = unit_with_error(5, "5");
    CHECK(dwctl_report_add(r, u9) == 0);
    CHECK(dwctl_report_add(r, u3) == 0);
    CHECK(dwctl_report_add(r, u5) == 0);
    CHECK(dwctl_report_write_upto(r, 5) == 0); /* rows 3 and 5, in order; 9 is held */
    CHECK_STR(slurp(path), "\xef\xbb\xbfrow,column,field,value,expected,code,message\r\n"
                           "3,支付金额(元),body.amount_fen,\"1,2\",x,bad_amount,m\r\n"
                           "5,支付金额(元),body.amount_fen,5,x,bad_amount,m\r\n");
    CHECK_INT(dwctl_report_count(r), 3);
    CHECK(dwctl_report_close(&r, why, sizeof why) == 0);
    CHECK(r == NULL);
    /* A resumed run after row 4 keeps row 3 and drops what comes again. */
    r = dwctl_report_open(path, 4, why, sizeof why);
    CHECK(r != NULL);
    CHECK(r && dwctl_report_add(r, u5) == 0);
    CHECK(r && dwctl_report_close(&r, why, sizeof why) == 0);
    CHECK_STR(slurp(path), "\xef\xbb\xbfrow,column,field,value,expected,code,message\r\n"
                           "3,支付金额(元),body.amount_fen,\"1,2\",x,bad_amount,m\r\n"
                           "5,支付金额(元),body.amount_fen,5,x,bad_amount,m\r\n");
    dwctl_unit_destroy(&u9);
    dwctl_unit_destroy(&u3);
    dwctl_unit_destroy(&u5);
}

static void test_state(void)
{
    char path[300], why[300];
    snprintf(path, sizeof path, "%s/x.dwstate", tmp_dir);
    dwctl_state_t st = {.row = 1207, .size = 183204, .mtime_ns = INT64_C(1767225600123456789)};
    snprintf(st.type, sizeof st.type, "treasury.payment");
    dwctl_state_t back;
    CHECK_INT(dwctl_state_read(path, &back, why, sizeof why), 0); /* none yet */
    CHECK(dwctl_state_write(path, &st, why, sizeof why) == 0);
    CHECK_STR(slurp(path), "# dwctl import: every row up to \"row\" is settled; a rerun starts after it\n"
                           "row 1207\nsize 183204\nmtime_ns 1767225600123456789\ntype treasury.payment\n");
    CHECK_INT(dwctl_state_read(path, &back, why, sizeof why), 1);
    CHECK_INT(back.row, 1207);
    CHECK_INT(back.size, 183204);
    CHECK_INT(back.mtime_ns, INT64_C(1767225600123456789));
    CHECK_STR(back.type, "treasury.payment");
    char tmp[320];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    CHECK(access(tmp, F_OK) != 0); /* renamed, not left behind */
    write_file(path, "row 12\nlines 4\n", 15);
    CHECK_INT(dwctl_state_read(path, &back, why, sizeof why), -1);
}

static void test_progress(void)
{
    char line[256];
    dwctl_progress_counts_t c = {.done_bytes = 600,
                                 .total_bytes = 1000,
                                 .rows = 1200,
                                 .acked = 1180,
                                 .refused = 2,
                                 .errors = 1,
                                 .elapsed_ms = 500};
    dwctl_progress_format(line, sizeof line, &c);
    CHECK_STR(line, "[############--------]  60%  rows 1,200  acked 1,180  refused 2  errors 1  2,360/s");
    c = (dwctl_progress_counts_t){.done_bytes = 0, .total_bytes = 0, .rows = 0, .elapsed_ms = 0};
    dwctl_progress_format(line, sizeof line, &c);
    CHECK_STR(line, "[####################] 100%  rows 0  acked 0  refused 0  errors 0  0/s");

    /* Drawn on a "terminal" at most once per 100 ms; never when not one. */
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    dwctl_progress_t p;
    dwctl_progress_init(&p, out, true);
    dwctl_progress_draw(&p, &c, 1000, false);
    dwctl_progress_draw(&p, &c, 1050, false); /* too soon */
    dwctl_progress_draw(&p, &c, 1099, false); /* too soon */
    dwctl_progress_draw(&p, &c, 1100, false);
    dwctl_progress_clear(&p);
    fclose(out);
    int draws = 0;
    for (char *q = buf; (q = strstr(q, "[####")) != NULL; q++)
        draws++;
    CHECK_INT(draws, 2);
    CHECK(len >= 4 && strcmp(buf + len - 4, "\r\033[K") == 0);
    free(buf);
    buf = NULL;
    out = open_memstream(&buf, &len);
    dwctl_progress_init(&p, out, false);
    dwctl_progress_draw(&p, &c, 1000, true);
    dwctl_progress_clear(&p);
    fclose(out);
    CHECK_INT(len, 0);
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_import_units SOURCE_DIR\n");
        return 2;
    }
    source_dir = argv[1];
    snprintf(tmp_dir, sizeof tmp_dir, "%s/dwctl-import-units.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_csv_quoting(1 << 20);
    test_csv_quoting(1);
    test_csv_quoting(2);
    test_csv_malformed();
    test_csv_put();
    test_yuan();
    test_dates();
    test_period_list_prefix();
    test_encodings();
    test_mapping_refusals();
    test_payments();
    test_forms();
    test_form_errors();
    test_report();
    test_state();
    test_progress();
    if (!dw_test_failures) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmp_dir);
    }
    DW_TEST_DONE();
}
