/* integration.intake_hostile — hostile input over a real socket.
 *
 * Every malformed-input case of the codec goes to the real dw-intake over a
 * DEALER: each is answered with its code (and, for a field at fault, its
 * path; and the id, when the bytes are sound enough to show it), is kept in
 * rejects with that code, and the valid payment sent right after it is stored
 * with the next inbox seq. The expected answers are the table below, written
 * by hand from the contract (proto/SPEC.md: the frame checks in dw_scan's
 * order, then the envelope, then the body in schema order).
 *
 * A frame above ZMQ_MAXMSGSIZE (4 MiB) is not a message dw-intake ever sees:
 * ZeroMQ drops the connection without an answer (as SPEC.md says). Checked:
 * no answer comes, dw-intake is still the same running process, a new
 * connection is served, and the producer's own socket, reconnected by
 * ZeroMQ, is served again too (the oversized message itself is gone).
 *
 * Last, SQL and format metacharacters, COPY's own escapes (\N, \., tab,
 * newline), quotes, Chinese text and 4-byte UTF-8 in every free-text field of
 * a treasury.payment and a budget.allocation come back from payments and
 * budget_lines exactly as sent, and the inbox keeps the bytes exactly. */
#include <msgpack.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

/* How a payment is spoilt. */
typedef enum mut {
    M_NONE,
    M_FLOAT,
    M_EXT,
    M_BIN,
    M_BAD_KEY,
    M_DUP_KEY,
    M_INT_OVERFLOW,
    M_BAD_UTF8,
    M_NUL,
    M_DEEP,
    M_STR_TOO_LONG,
    M_V2,
    M_UNKNOWN_TYPE,
    M_SEQ,
    M_UNKNOWN_FIELD,
    M_MISSING,
    M_WRONG_TYPE,
    M_OUT_OF_RANGE,
    M_BAD_LENGTH,
    M_BAD_DATE,
    M_BAD_ENUM,
    M_BAD_CODE,
    M_BODY_NOT_MAP,
} mut_t;

/* Whole messages that are not a spoilt payment. */
typedef enum raw {
    R_PAYMENT, /* a payment, spoilt by mut */
    R_BYTES,   /* the literal bytes of the case */
    R_TRUNCATED,
    R_TRAILING,
    R_TOO_BIG,
    R_BAD_DECIMAL,
    R_OUTBOUND,
    R_EXTRA_FRAME,
    R_NO_DELIMITER,
} raw_t;

typedef struct hcase {
    const char *name;
    raw_t raw;
    mut_t mut;
    const char *bytes; /* R_BYTES: hex */
    const char *code;  /* the ack's error.code and rejects.code */
    const char *field; /* error.field and rejects.field; "" when none */
    bool has_id;       /* the ack (and the reject) carry the message's id */
} hcase_t;

static const hcase_t cases[] = {
    /* the 5-byte bombs: counts checked before any allocation */
    {"bomb array32", R_BYTES, M_NONE, "ddffffffff", "too_many", "", false},
    {"bomb map32", R_BYTES, M_NONE, "dfffffffff", "too_many", "", false},
    {"bomb array16", R_BYTES, M_NONE, "dcffff", "too_many", "", false},
    {"bomb map16", R_BYTES, M_NONE, "deffff", "too_many", "", false},
    {"bomb bin32", R_BYTES, M_NONE, "c6ffffffff", "bin_type", "", false}, /* the type before the length */
    {"bomb str32", R_BYTES, M_NONE, "dbffffffff", "str_too_long", "", false},
    /* frame */
    {"empty message", R_BYTES, M_NONE, "", "truncated", "", false},
    {"nesting 9 deep", R_PAYMENT, M_DEEP, NULL, "too_deep", "", false},
    {"truncated payment", R_TRUNCATED, M_NONE, NULL, "truncated", "", false},
    {"trailing byte", R_TRAILING, M_NONE, NULL, "trailing_bytes", "", false},
    {"invalid utf-8", R_PAYMENT, M_BAD_UTF8, NULL, "bad_utf8", "", false},
    {"nul in a str", R_PAYMENT, M_NUL, NULL, "nul_char", "", false},
    {"int64 overflow alone", R_BYTES, M_NONE, "cf8000000000000000", "int_overflow", "", false},
    {"int64 overflow in amount", R_PAYMENT, M_INT_OVERFLOW, NULL, "int_overflow", "", false},
    {"float amount", R_PAYMENT, M_FLOAT, NULL, "float_type", "", false},
    {"ext payee", R_PAYMENT, M_EXT, NULL, "ext_type", "", false},
    {"bin payee", R_PAYMENT, M_BIN, NULL, "bin_type", "", false},
    {"byte c1", R_BYTES, M_NONE, "c1", "bad_byte", "", false},
    {"int key", R_PAYMENT, M_BAD_KEY, NULL, "bad_key", "", false},
    {"duplicate key", R_PAYMENT, M_DUP_KEY, NULL, "duplicate_key", "", false},
    {"str of 70000 bytes", R_PAYMENT, M_STR_TOO_LONG, NULL, "str_too_long", "", false},
    {"1 MiB + 1 byte", R_TOO_BIG, M_NONE, NULL, "too_big", "", false},
    /* envelope and body */
    {"not a map", R_BYTES, M_NONE, "93010203", "not_a_map", "", false},
    {"version 2", R_PAYMENT, M_V2, NULL, "bad_version", "v", true},
    {"unknown type", R_PAYMENT, M_UNKNOWN_TYPE, NULL, "unknown_type", "type", true},
    {"outbound type", R_OUTBOUND, M_NONE, NULL, "unknown_type", "type", true},
    {"seq from a producer", R_PAYMENT, M_SEQ, NULL, "unknown_field", "seq", true},
    {"body not a map", R_PAYMENT, M_BODY_NOT_MAP, NULL, "not_a_map", "body", true},
    {"unknown field", R_PAYMENT, M_UNKNOWN_FIELD, NULL, "unknown_field", "body.memo", true},
    {"missing field", R_PAYMENT, M_MISSING, NULL, "missing_field", "body.payee", true},
    {"wrong type", R_PAYMENT, M_WRONG_TYPE, NULL, "wrong_type", "body.amount_fen", true},
    {"out of range", R_PAYMENT, M_OUT_OF_RANGE, NULL, "out_of_range", "body.amount_fen", true},
    {"bad length", R_PAYMENT, M_BAD_LENGTH, NULL, "bad_length", "body.voucher_no", true},
    {"bad date", R_PAYMENT, M_BAD_DATE, NULL, "bad_date", "body.payment_date", true},
    {"bad decimal", R_BAD_DECIMAL, M_NONE, NULL, "bad_decimal", "body.indicators[0].weight", true},
    {"bad enum", R_PAYMENT, M_BAD_ENUM, NULL, "bad_enum", "body.method", true},
    {"bad code", R_PAYMENT, M_BAD_CODE, NULL, "bad_code", "body.voucher_no", true},
    /* frames */
    {"extra frame", R_EXTRA_FRAME, M_NONE, NULL, "bad_frame", "", true},
    {"no delimiter", R_NO_DELIMITER, M_NONE, NULL, "bad_frame", "", true},
};
#define N_CASES (sizeof cases / sizeof *cases)

static void pk_str(msgpack_packer *pk, const char *s)
{
    size_t n = strlen(s);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

static void pk_strn(msgpack_packer *pk, const char *s, size_t n)
{
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, s, n);
}

/* A treasury.payment packed by hand, so that it can be spoilt in ways our
 * own encoder refuses to write. */
static void pack_payment(msgpack_sbuffer *sb, const char *id, mut_t m)
{
    msgpack_packer pk;
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, m == M_SEQ ? 7 : 6);
    pk_str(&pk, "v");
    msgpack_pack_int64(&pk, m == M_V2 ? 2 : 1);
    pk_str(&pk, "type");
    pk_str(&pk, m == M_UNKNOWN_TYPE ? "treasury.refund" : "treasury.payment");
    pk_str(&pk, "id");
    pk_str(&pk, id);
    pk_str(&pk, "src");
    pk_str(&pk, "treasury");
    pk_str(&pk, "ts");
    msgpack_pack_int64(&pk, DW_TEST_TS);
    if (m == M_SEQ) {
        pk_str(&pk, "seq");
        msgpack_pack_int64(&pk, 1);
    }
    pk_str(&pk, "body");
    if (m == M_BODY_NOT_MAP) {
        msgpack_pack_array(&pk, 1);
        msgpack_pack_int64(&pk, 1);
        return;
    }
    int extra = m == M_UNKNOWN_FIELD || m == M_DUP_KEY || m == M_BAD_KEY;
    msgpack_pack_map(&pk, (size_t)(12 + extra - (m == M_MISSING)));
    char voucher[80];
    snprintf(voucher, sizeof voucher, "GK-%s", id);
    pk_str(&pk, "voucher_no");
    if (m == M_BAD_LENGTH)
        pk_str(&pk, "A12345678901234567890123456789012345678901234567890123456789012345"); /* 65 bytes, max 64 */
    else
        pk_str(&pk, m == M_BAD_CODE ? "GK 2026" : voucher);
    pk_str(&pk, "fiscal_year");
    msgpack_pack_int64(&pk, 2026);
    pk_str(&pk, "payment_date");
    pk_str(&pk, m == M_BAD_DATE ? "2026-02-29" : "2026-04-01"); /* 2026 is not a leap year */
    pk_str(&pk, "dept_code");
    pk_str(&pk, "101");
    pk_str(&pk, "unit_code");
    pk_str(&pk, "101001");
    pk_str(&pk, "project_code");
    pk_str(&pk, "P2026-101-001");
    pk_str(&pk, "line_id");
    pk_str(&pk, "ZB2026-101-0001");
    pk_str(&pk, "function_code");
    pk_str(&pk, "2050202");
    pk_str(&pk, "economic_code");
    pk_str(&pk, "31002");
    pk_str(&pk, "amount_fen");
    if (m == M_FLOAT)
        msgpack_pack_double(&pk, 100.5);
    else if (m == M_INT_OVERFLOW)
        msgpack_pack_uint64(&pk, 9223372036854775808ULL); /* cf 80 00 .. 00: INT64_MAX + 1 */
    else if (m == M_WRONG_TYPE)
        pk_str(&pk, "100");
    else
        msgpack_pack_int64(&pk, m == M_OUT_OF_RANGE ? 0 : 100); /* range [1, 999999999999999] */
    pk_str(&pk, "method");
    pk_str(&pk, m == M_BAD_ENUM ? "cash" : "direct");
    if (m != M_MISSING) {
        pk_str(&pk, "payee");
        if (m == M_EXT) {
            msgpack_pack_ext(&pk, 1, 1);
            msgpack_pack_ext_body(&pk, "x", 1);
        } else if (m == M_BIN) {
            msgpack_pack_bin(&pk, 1);
            msgpack_pack_bin_body(&pk, "x", 1);
        } else if (m == M_BAD_UTF8) {
            pk_strn(&pk, "\xff\xfe", 2);
        } else if (m == M_NUL) {
            pk_strn(&pk, "a\0b", 3);
        } else if (m == M_DEEP) {
            /* top map 1, body 2, then 7 arrays: depth 9, one beyond max_depth 8 */
            for (int d = 0; d < 7; d++)
                msgpack_pack_array(&pk, 1);
            pk_str(&pk, "x");
        } else if (m == M_STR_TOO_LONG) {
            static char big[70000];
            memset(big, 'a', sizeof big); /* max_str is 65536 */
            pk_strn(&pk, big, sizeof big);
        } else {
            pk_str(&pk, "会昌县第一建筑工程公司");
        }
    }
    if (m == M_UNKNOWN_FIELD) {
        pk_str(&pk, "memo");
        pk_str(&pk, "x");
    } else if (m == M_DUP_KEY) {
        pk_str(&pk, "payee");
        pk_str(&pk, "again");
    } else if (m == M_BAD_KEY) {
        msgpack_pack_int64(&pk, 7);
        pk_str(&pk, "x");
    }
}

static void from_hex(const char *hex, dw_buf_t *out)
{
    for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
        char byte[3] = {hex[i], hex[i + 1], '\0'};
        unsigned char b = (unsigned char)strtoul(byte, NULL, 16);
        if (dw_buf_append(out, &b, 1) != 0)
            return;
    }
}

/* A whole message built through our own encoder (which refuses to write a
 * bad value), then edited: same-length text replaced in the bytes. Takes m. */
static int encoded_then_edited(dw_msg_t *m, const char *from, const char *to, dw_buf_t *out)
{
    dw_error_t err;
    int rc = -1;
    if (m && dw_msg_encode(m, out, &err) == DW_OK) {
        char *at = memmem(out->data, out->len, from, strlen(from));
        if (at && strlen(from) == strlen(to)) {
            memcpy(at, to, strlen(to));
            rc = 0;
        }
    }
    dw_msg_destroy(&m);
    return rc;
}

/* The bytes of case c (its id is id). */
static int build(const hcase_t *c, const char *id, dw_buf_t *out)
{
    dw_buf_reset(out);
    msgpack_sbuffer sb;
    msgpack_sbuffer_init(&sb);
    int rc = 0;
    dw_error_t err;
    switch (c->raw) {
    case R_BYTES: from_hex(c->bytes, out); break;
    case R_PAYMENT:
    case R_EXTRA_FRAME:
    case R_NO_DELIMITER:
    case R_TRUNCATED:
    case R_TRAILING:
    case R_TOO_BIG:
        pack_payment(&sb, id, c->mut);
        rc = dw_buf_append(out, sb.data, c->raw == R_TRUNCATED ? sb.size - 1 : sb.size);
        if (c->raw == R_TRAILING)
            rc |= dw_buf_append(out, "\xc0", 1);
        while (rc == 0 && c->raw == R_TOO_BIG && out->len < 1048577) /* max_size 1048576, + 1 */
            rc = dw_buf_append(out, "\xc0", 1);
        break;
    case R_BAD_DECIMAL: {
        /* a declaration from the schema's test values, its first weight ("20",
         * the str a2 32 30) made "2," */
        dw_msg_t *m = dw_msg_new("target.declaration", id, "dept101", DW_TEST_TS);
        if (!m || dw_obj_fill_test_values(dw_msg_body(m), &err) != DW_OK) {
            dw_msg_destroy(&m);
            rc = -1;
        } else {
            rc = encoded_then_edited(m, "\xa2\x32\x30", "\xa2\x32\x2c", out); /* "20" -> "2,"; takes m */
        }
        break;
    }
    case R_OUTBOUND: {
        /* a well-formed alert.event, which only dw-notify may send */
        dw_msg_t *m = dw_msg_new("alert.event", id, "treasury", DW_TEST_TS);
        bool built = m && dw_obj_fill_test_values(dw_msg_body(m), &err) == DW_OK;
        rc = built && dw_msg_encode(m, out, &err) == DW_OK ? 0 : -1;
        dw_msg_destroy(&m);
        break;
    }
    }
    msgpack_sbuffer_destroy(&sb);
    return rc;
}

static int send_case(void *dealer, const hcase_t *c, const dw_buf_t *bytes)
{
    if (c->raw == R_NO_DELIMITER)
        return zmq_send(dealer, bytes->data, bytes->len, 0) < 0 ? -1 : 0;
    if (c->raw == R_EXTRA_FRAME) {
        bool sent = zmq_send(dealer, "", 0, ZMQ_SNDMORE) >= 0 &&
                    zmq_send(dealer, bytes->data, bytes->len, ZMQ_SNDMORE) >= 0 && zmq_send(dealer, "extra", 5, 0) >= 0;
        return sent ? 0 : -1;
    }
    return dw_test_send_only(dealer, bytes->data, bytes->len, 0);
}

/* Sends a valid payment and checks it is stored as inbox seq `seq`. */
static void valid_stored(void *dealer, int n, int64_t seq, const char *after)
{
    char id[32], voucher[32];
    snprintf(id, sizeof id, "V-%03d", n);
    snprintf(voucher, sizeof voucher, "GKV%06d", n);
    dw_test_ack_t a;
    int rc = dw_test_send(dealer, dw_test_payment(id, voucher, "2026-04-02", 500 + n), &a);
    CHECK(rc == 0);
    if (rc != 0 || !a.ok || a.dup || a.seq != seq)
        fprintf(stderr, "after \"%s\": the valid message %s got ok %d dup %d seq %lld code %s (want seq %lld)\n", after,
                id, a.ok, a.dup, (long long)a.seq, a.code, (long long)seq);
    CHECK(a.ok && !a.dup);
    CHECK_INT(a.seq, seq);
    CHECK_STR(a.id, id);
}

static void malformed(dw_harness_t *h, void *dealer, int64_t *seq)
{
    dw_buf_t bytes = DW_BUF_INIT;
    char sql[512], got[512], want[512];
    for (size_t i = 0; i < N_CASES; i++) {
        const hcase_t *c = &cases[i];
        char id[32];
        snprintf(id, sizeof id, "H-%03zu", i);
        CHECK(build(c, id, &bytes) == 0);
        CHECK(send_case(dealer, c, &bytes) == 0);
        dw_test_ack_t a;
        CHECK(dw_test_recv_ack(dealer, 10000, &a, NULL, 0) == 0);
        if (a.ok || strcmp(a.code, c->code) != 0 || strcmp(a.field, c->field) != 0)
            fprintf(stderr, "case \"%s\": got ok %d code \"%s\" field \"%s\", want code \"%s\" field \"%s\"\n", c->name,
                    a.ok, a.code, a.field, c->code, c->field);
        CHECK(!a.ok);
        CHECK_STR(a.code, c->code);
        CHECK_STR(a.field, c->field);
        CHECK_STR(a.id, c->has_id ? id : "");
        /* kept in rejects with the same code, field and id */
        dw_harness_text(h,
                        "SELECT code || '|' || coalesce(field, '') || '|' || coalesce(id, '') FROM rejects "
                        "WHERE stage = 'intake' ORDER BY reject_id DESC LIMIT 1",
                        got, sizeof got);
        snprintf(want, sizeof want, "%s|%s|%s", c->code, c->field, c->has_id ? id : "");
        if (strcmp(got, want) != 0)
            fprintf(stderr, "case \"%s\": rejects row \"%s\"\n", c->name, got);
        CHECK_STR(got, want);
        valid_stored(dealer, (int)i, ++*seq, c->name);
    }
    /* one row per case, and the oversized one keeps only its first 64 KiB */
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects WHERE stage = 'intake'"), N_CASES);
    CHECK_INT(dw_harness_int(h, "SELECT raw_size FROM rejects WHERE code = 'too_big'"), 1048577);
    CHECK_INT(dw_harness_int(h, "SELECT length(raw) FROM rejects WHERE code = 'too_big'"), 65536);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM inbox WHERE id LIKE 'V-%%' AND seq BETWEEN 1 AND %zu", N_CASES);
    CHECK_INT(dw_harness_int(h, sql), N_CASES);
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM inbox"), N_CASES);
    dw_buf_free(&bytes);
}

/* A frame beyond ZMQ_MAXMSGSIZE: the connection is dropped, nothing answers. */
static void beyond_maxmsgsize(dw_harness_t *h, void *dealer, int64_t *seq)
{
    int pid = dw_test_service_pid(h, "intake");
    CHECK(pid > 1);
    size_t n = 4194304 + 1024; /* intake.socket_maxmsgsize 4 MiB, and more */
    char *big = malloc(n);
    CHECK(big != NULL);
    if (!big)
        return;
    memset(big, 0xc0, n);
    CHECK(dw_test_send_only(dealer, big, n, 0) == 0);
    free(big);
    dw_test_ack_t a;
    CHECK(dw_test_recv_ack(dealer, 2000, &a, NULL, 0) != 0); /* no answer at all */
    /* dw-intake is the same process, still running */
    CHECK_INT(dw_test_service_pid(h, "intake"), pid);
    CHECK(pid > 1 && kill(pid, 0) == 0);
    /* a new connection is served */
    void *fresh = zmq_socket(h->zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(fresh, h->intake_ep) == 0);
    valid_stored(fresh, 900, ++*seq, "a frame beyond ZMQ_MAXMSGSIZE (new connection)");
    zmq_close(fresh);
    /* and so is the old socket, once ZeroMQ has reconnected it */
    valid_stored(dealer, 901, ++*seq, "a frame beyond ZMQ_MAXMSGSIZE (the same socket, reconnected)");
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects WHERE stage = 'intake'"), N_CASES); /* no row */
}

/* Text that SQL, COPY, printf or a careless decoder would take for syntax. */
static const char *const nasty[] = {
    "'); DROP TABLE payments; --",
    "\\",
    "\\N",
    "a\tb",
    "line 1\nline 2\r\n",
    "x\n\\.\ny",
    "\"quoted\" and 'single' and ''doubled''",
    "%s%n%x%%s",
    "会昌县第一建筑工程公司（测试）",
    "𠀀 and 😀 (4-byte UTF-8)",
    "$1 $$ E'\\x41' {\"a\",\"b\"} ,;",
};
#define N_NASTY (sizeof nasty / sizeof *nasty)

static void check_text(dw_harness_t *h, const char *sql, const char *want, const char *what)
{
    static char got[16384];
    dw_harness_text(h, sql, got, sizeof got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "%s: stored \"%s\", sent \"%s\"\n", what, got, want);
    CHECK_STR(got, want);
}

static void injection(dw_harness_t *h, void *dealer, int64_t *seq)
{
    int64_t first = *seq + 1;
    dw_buf_t bytes[2 * N_NASTY];
    for (size_t i = 0; i < N_NASTY; i++) {
        char id[32], voucher[32], line[32];
        snprintf(id, sizeof id, "INJ-P%02zu", i);
        snprintf(voucher, sizeof voucher, "GKINJ%04zu", i);
        dw_msg_t *p = dw_test_payment(id, voucher, "2026-05-06", 100 + (int64_t)i);
        CHECK(dw_obj_set_str(dw_msg_body(p), "payee", nasty[i]) == DW_OK);
        CHECK(dw_obj_set_str(dw_msg_body(p), "contract_no", nasty[i]) == DW_OK);
        snprintf(id, sizeof id, "INJ-B%02zu", i);
        snprintf(line, sizeof line, "ZB-INJ-%04zu", i);
        dw_msg_t *b = dw_test_allocation(id, 1000000 + (int64_t)i);
        CHECK(dw_obj_set_str(dw_msg_body(b), "line_id", line) == DW_OK);
        CHECK(dw_obj_set_str(dw_msg_body(b), "project_name", nasty[i]) == DW_OK);
        CHECK(dw_obj_set_str(dw_msg_body(b), "dept_name", nasty[i]) == DW_OK);
        CHECK(dw_obj_set_str(dw_msg_body(b), "unit_name", nasty[i]) == DW_OK);
        dw_msg_t *m[2] = {p, b};
        for (int k = 0; k < 2; k++) {
            dw_error_t err;
            dw_buf_t *out = &bytes[2 * i + (size_t)k];
            *out = (dw_buf_t)DW_BUF_INIT;
            CHECK(dw_msg_encode(m[k], out, &err) == DW_OK);
            dw_msg_destroy(&m[k]);
            dw_test_ack_t a;
            CHECK(dw_test_send_raw(dealer, out->data, out->len, &a) == 0);
            CHECK(a.ok && !a.dup);
            CHECK_INT(a.seq, ++*seq);
        }
    }
    /* dw-validate stores them as facts */
    CHECK_INT(dw_harness_wait_int(h, "SELECT count(*) FROM payments WHERE voucher_no LIKE 'GKINJ%'", N_NASTY, 15000),
              N_NASTY);
    CHECK_INT(dw_harness_wait_int(h, "SELECT count(*) FROM budget_lines WHERE line_id LIKE 'ZB-INJ-%'", N_NASTY, 15000),
              N_NASTY);
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM pg_tables WHERE tablename = 'payments'"), 1);
    char sql[256], what[64];
    for (size_t i = 0; i < N_NASTY; i++) {
        snprintf(what, sizeof what, "string %zu", i);
        snprintf(sql, sizeof sql, "SELECT payee FROM payments WHERE voucher_no = 'GKINJ%04zu'", i);
        check_text(h, sql, nasty[i], what);
        snprintf(sql, sizeof sql, "SELECT contract_no FROM payments WHERE voucher_no = 'GKINJ%04zu'", i);
        check_text(h, sql, nasty[i], what);
        snprintf(sql, sizeof sql, "SELECT project_name FROM budget_lines WHERE line_id = 'ZB-INJ-%04zu'", i);
        check_text(h, sql, nasty[i], what);
    }
    /* the inbox holds every message byte for byte (dept_name and unit_name
     * live only there) */
    for (size_t j = 0; j < 2 * N_NASTY; j++) {
        dw_buf_t hex = DW_BUF_INIT;
        CHECK(dw_buf_puts(&hex, "\\x") == 0 && dw_buf_hex(&hex, bytes[j].data, bytes[j].len) == 0);
        snprintf(sql, sizeof sql, "SELECT raw::text FROM inbox WHERE seq = %lld", (long long)(first + (int64_t)j));
        snprintf(what, sizeof what, "inbox seq %lld", (long long)(first + (int64_t)j));
        check_text(h, sql, hex.data, what);
        dw_buf_free(&hex);
        dw_buf_free(&bytes[j]);
    }
}

int main(void)
{
    dw_harness_t h;
    if (dw_harness_start(&h, "intake_hostile", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    int64_t seq = 0;
    malformed(&h, dealer, &seq);
    beyond_maxmsgsize(&h, dealer, &seq);
    injection(&h, dealer, &seq);
    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
