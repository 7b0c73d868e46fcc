/* dw_msg: build, encode, decode against hand-made bytes; every schema breach
 * with the path of the field at fault. The messages are written here byte by
 * byte (a str is its header, 0xa0 | length below 32 bytes, 0xd9 length below
 * 256, then its text), never produced by the code under test. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dw_msg.h"
#include "dw_scan.h"
#include "dw_test.h"

/* ---------------------------------------------------- hand-made messages */

typedef struct {
    unsigned char b[70000];
    size_t n;
} tb_t;

static void put_hex(tb_t *t, const char *hex)
{
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            abort();
        t->b[t->n++] = (unsigned char)v;
        p += 2;
    }
}

static void put_str_header(tb_t *t, size_t len)
{
    if (len < 32)
        t->b[t->n++] = (unsigned char)(0xa0 | len);
    else if (len < 256) {
        t->b[t->n++] = 0xd9;
        t->b[t->n++] = (unsigned char)len;
    } else {
        t->b[t->n++] = 0xda;
        t->b[t->n++] = (unsigned char)(len >> 8);
        t->b[t->n++] = (unsigned char)len;
    }
}

static void put_str(tb_t *t, const char *s)
{
    size_t len = strlen(s);
    put_str_header(t, len);
    memcpy(t->b + t->n, s, len);
    t->n += len;
}

/* A value written from a spec: "s:text" a str, "x:hex" raw bytes,
 * "r:N:c" a str of N times the character c. */
static void put_val(tb_t *t, const char *spec)
{
    if (strncmp(spec, "s:", 2) == 0)
        put_str(t, spec + 2);
    else if (strncmp(spec, "x:", 2) == 0)
        put_hex(t, spec + 2);
    else if (strncmp(spec, "r:", 2) == 0) {
        char *end;
        size_t n = strtoul(spec + 2, &end, 10);
        put_str_header(t, n);
        memset(t->b + t->n, end[1], n);
        t->n += n;
    } else
        abort();
}

typedef struct {
    const char *key;
    const char *val; /* a put_val spec; "@" for the nested part written by a callback */
} kv_t;

/* One change to a map: replace the key's value, drop it (val NULL), or add
 * the pair at the end when the map has no such key. */
typedef struct {
    const char *key;
    const char *val;
} mod_t;

static void put_map(tb_t *t, const kv_t *kv, size_t n, const mod_t *mod, void (*nested)(tb_t *, void *), void *arg)
{
    size_t count = n;
    bool found = false;
    for (size_t i = 0; mod && i < n; i++)
        if (strcmp(kv[i].key, mod->key) == 0)
            found = true;
    if (mod && found && !mod->val)
        count--;
    if (mod && !found)
        count++;
    if (count < 16)
        t->b[t->n++] = (unsigned char)(0x80 | count);
    else {
        t->b[t->n++] = 0xde;
        t->b[t->n++] = 0;
        t->b[t->n++] = (unsigned char)count;
    }
    for (size_t i = 0; i < n; i++) {
        const char *val = kv[i].val;
        if (mod && strcmp(kv[i].key, mod->key) == 0) {
            if (!mod->val)
                continue;
            val = mod->val;
        }
        put_str(t, kv[i].key);
        if (strcmp(val, "@") == 0)
            nested(t, arg);
        else
            put_val(t, val);
    }
    if (mod && !found) {
        put_str(t, mod->key);
        put_val(t, mod->val);
    }
}

/* treasury.payment, every field in schema order: the canonical encoding. */
static const kv_t pay_env[] = {
    {"v", "x:01"},         {"type", "s:treasury.payment"},         {"id", "s:ZF2026-000123"},
    {"src", "s:treasury"}, {"ts", "x:cf 00 00 01 9b 76 da a8 00"}, /* 1767225600000 */
    {"body", "@"},
};

static const kv_t pay_body[] = {
    {"voucher_no", "s:ZF2026-000123"},
    {"fiscal_year", "x:cd 07 ea"}, /* 2026 */
    {"payment_date", "s:2026-03-18"},
    {"dept_code", "s:108"},
    {"unit_code", "s:108001"},
    {"project_code", "s:P2026-108-0015"},
    {"line_id", "s:ZB2026-108-000123"},
    {"function_code", "s:2050202"},
    {"economic_code", "s:30201"},
    {"amount_fen", "x:ce 00 c4 13 50"}, /* 12850000 */
    {"method", "s:direct"},
    {"payee", "s:市建工集团有限公司"},
    {"contract_no", "s:HT-2026-0088"},
};

#define N(a) (sizeof(a) / sizeof(a)[0])

static void put_pay_body(tb_t *t, void *arg)
{
    put_map(t, pay_body, N(pay_body), arg, NULL, NULL);
}

static size_t payment_bytes(tb_t *t, const mod_t *env_mod, const mod_t *body_mod)
{
    t->n = 0;
    put_map(t, pay_env, N(pay_env), env_mod, put_pay_body, (void *)body_mod);
    return t->n;
}

static tb_t tb; /* large: static */

/* An envelope (its pairs but the last, "body") followed by a body map. */
static void env_then_body(tb_t *t, const kv_t *env, size_t n_env, const kv_t *body, size_t n_body)
{
    t->n = 0;
    put_map(t, env, n_env - 1, NULL, NULL, NULL);
    t->b[0]++; /* one pair more: "body" */
    put_str(t, "body");
    put_map(t, body, n_body, NULL, NULL, NULL);
}

/* kv without the named keys, into out; returns the count. */
static size_t without(const kv_t *kv, size_t n, kv_t *out, const char *drop1, const char *drop2)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].key, drop1) != 0 && (!drop2 || strcmp(kv[i].key, drop2) != 0))
            out[k++] = kv[i];
    return k;
}

/* Decodes a payment with one change to the envelope or the body; returns the
 * code, with the error in *err. */
static dw_code_t pay_case(const char *where, const char *key, const char *val, dw_error_t *err)
{
    mod_t m = {key, val};
    bool env = strcmp(where, "env") == 0;
    payment_bytes(&tb, env ? &m : NULL, env ? NULL : &m);
    dw_msg_t *msg = dw_msg_decode(tb.b, tb.n, NULL, err);
    dw_code_t rc = msg ? DW_OK : err->code;
    dw_msg_destroy(&msg);
    return rc;
}

static const char *show(const char *s)
{
    return s ? s : "(dropped)";
}

#define PAY(where, key, val, want, want_field)                                                                \
    do {                                                                                                      \
        dw_error_t e_;                                                                                        \
        dw_code_t rc_ = pay_case(where, key, val, &e_);                                                       \
        CHECK_INT(rc_, want);                                                                                 \
        if (rc_ != DW_OK)                                                                                     \
            CHECK_STR(e_.field, want_field);                                                                  \
        if (rc_ != (want))                                                                                    \
            fprintf(stderr, "  %s %s=%s: %s at %s: %s\n", where, key, show(val), dw_code_name(rc_), e_.field, \
                    e_.message);                                                                              \
    } while (0)

/* target.declaration with three indicators; the change applies to item 2. */
static const kv_t decl_env[] = {
    {"v", "x:01"},       {"type", "s:target.declaration"},       {"id", "s:TD-108-0015-1"},
    {"src", "s:portal"}, {"ts", "x:cf 00 00 01 9b 76 da a8 00"}, {"body", "@"},
};

static const kv_t decl_body[] = {
    {"fiscal_year", "x:cd 07 ea"},
    {"dept_code", "s:108"},
    {"project_code", "s:P2026-108-0015"},
    {"version", "x:01"},
    {"goal", "s:改善全市12所农村义务教育学校办学条件，提升教学质量"},
    {"indicators", "@"},
};

static const kv_t indicator[] = {
    {"code", "s:IND-001"},      {"level1", "s:output"}, {"level2", "s:quantity"},
    {"name", "s:改造学校数量"}, {"operator", "s:ge"},   {"target", "s:12"},
    {"unit", "s:所"},           {"weight", "s:20"},     {"cumulative", "x:c3"},
};

static void put_indicators(tb_t *t, void *arg)
{
    put_hex(t, "93");
    for (int i = 0; i < 3; i++)
        put_map(t, indicator, N(indicator), i == 2 ? arg : NULL, NULL, NULL);
}

static void put_decl_body(tb_t *t, void *arg)
{
    put_map(t, decl_body, N(decl_body), NULL, put_indicators, arg);
}

static dw_code_t decl_case(const char *key, const char *val, dw_error_t *err)
{
    mod_t m = {key, val};
    tb.n = 0;
    put_map(&tb, decl_env, N(decl_env), NULL, put_decl_body, key ? &m : NULL);
    dw_msg_t *msg = dw_msg_decode(tb.b, tb.n, NULL, err);
    dw_code_t rc = msg ? DW_OK : err->code;
    dw_msg_destroy(&msg);
    return rc;
}

#define DECL(key, val, want, want_field)                                                                            \
    do {                                                                                                            \
        dw_error_t e_;                                                                                              \
        dw_code_t rc_ = decl_case(key, val, &e_);                                                                   \
        CHECK_INT(rc_, want);                                                                                       \
        if (rc_ != DW_OK)                                                                                           \
            CHECK_STR(e_.field, want_field);                                                                        \
        if (rc_ != (want))                                                                                          \
            fprintf(stderr, "  indicator %s=%s: %s at %s: %s\n", show(key), show(val), dw_code_name(rc_), e_.field, \
                    e_.message);                                                                                    \
    } while (0)

static bool same_bytes(const dw_buf_t *b, const tb_t *t)
{
    if (b->len == t->n && memcmp(b->data, t->b, t->n) == 0)
        return true;
    dw_buf_t hex = DW_BUF_INIT;
    if (dw_buf_hex(&hex, b->data, b->len) == 0)
        fprintf(stderr, "  got  %s\n", hex.data);
    dw_buf_reset(&hex);
    if (dw_buf_hex(&hex, t->b, t->n) == 0)
        fprintf(stderr, "  want %s\n", hex.data);
    dw_buf_free(&hex);
    return false;
}

/* ------------------------------------------------------------------ tests */

static dw_msg_t *build_payment(void)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", "ZF2026-000123", "treasury", INT64_C(1767225600000));
    dw_obj_t *b = dw_msg_body(m);
    CHECK_INT(dw_obj_set_str(b, "voucher_no", "ZF2026-000123"), DW_OK);
    CHECK_INT(dw_obj_set_int(b, "fiscal_year", 2026), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "payment_date", "2026-03-18"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "dept_code", "108"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "unit_code", "108001"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "project_code", "P2026-108-0015"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "line_id", "ZB2026-108-000123"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "function_code", "2050202"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "economic_code", "30201"), DW_OK);
    CHECK_INT(dw_obj_set_int(b, "amount_fen", 12850000), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "method", "direct"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "payee", "市建工集团有限公司"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "contract_no", "HT-2026-0088"), DW_OK);
    return m;
}

static void test_payment_round_trip(void)
{
    dw_error_t err;
    dw_msg_t *m = build_payment();
    CHECK(m != NULL);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    payment_bytes(&tb, NULL, NULL);
    CHECK(same_bytes(&out, &tb));

    dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
    CHECK(d != NULL);
    if (!d) {
        fprintf(stderr, "  %s at %s: %s\n", dw_code_name(err.code), err.field, err.message);
        dw_msg_destroy(&m);
        dw_buf_free(&out);
        return;
    }
    CHECK_STR(dw_msg_type(d), "treasury.payment");
    CHECK_STR(dw_msg_id(d), "ZF2026-000123");
    CHECK_STR(dw_msg_src(d), "treasury");
    CHECK_INT(dw_msg_ts(d), INT64_C(1767225600000));
    CHECK_INT(dw_msg_version(d), 1);
    int64_t seq = 0;
    CHECK(!dw_msg_seq(d, &seq));
    CHECK(dw_msg_stream(d) == NULL);
    CHECK(dw_msg_typedef(d)->direction == DW_DIR_IN);
    const dw_obj_t *b = dw_msg_body_const(d);
    int64_t i = 0;
    CHECK_STR(dw_obj_str(b, "voucher_no"), "ZF2026-000123");
    CHECK(dw_obj_int(b, "fiscal_year", &i));
    CHECK_INT(i, 2026);
    CHECK_STR(dw_obj_str(b, "payment_date"), "2026-03-18");
    CHECK_STR(dw_obj_str(b, "dept_code"), "108");
    CHECK_STR(dw_obj_str(b, "unit_code"), "108001");
    CHECK_STR(dw_obj_str(b, "project_code"), "P2026-108-0015");
    CHECK_STR(dw_obj_str(b, "line_id"), "ZB2026-108-000123");
    CHECK_STR(dw_obj_str(b, "function_code"), "2050202");
    CHECK_STR(dw_obj_str(b, "economic_code"), "30201");
    CHECK(dw_obj_int(b, "amount_fen", &i));
    CHECK_INT(i, 12850000);
    CHECK_STR(dw_obj_str(b, "method"), "direct");
    CHECK_STR(dw_obj_str(b, "payee"), "市建工集团有限公司");
    CHECK_STR(dw_obj_str(b, "contract_no"), "HT-2026-0088");
    CHECK(dw_obj_has(b, "contract_no"));
    CHECK(dw_obj_def(b) == dw_msg_typedef(d)->body);
    /* getters of the wrong kind answer "absent" */
    CHECK(dw_obj_str(b, "amount_fen") == NULL);
    CHECK(!dw_obj_int(b, "payee", &i));
    CHECK(dw_obj_str(b, "no_such_field") == NULL);

    /* encode(decode(bytes)) == bytes */
    dw_buf_t again = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(d, &again, &err), DW_OK);
    CHECK(same_bytes(&again, &tb));

    /* optional fields left out are not written */
    CHECK_INT(dw_obj_unset(dw_msg_body(m), "line_id"), DW_OK);
    CHECK_INT(dw_obj_set_str(dw_msg_body(m), "contract_no", NULL), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    kv_t body[N(pay_body)];
    size_t nb = without(pay_body, N(pay_body), body, "line_id", "contract_no");
    CHECK_INT(nb, 11);
    env_then_body(&tb, pay_env, N(pay_env), body, nb);
    CHECK(same_bytes(&out, &tb));

    dw_buf_free(&out);
    dw_buf_free(&again);
    dw_msg_destroy(&d);
    dw_msg_destroy(&m);
    CHECK(m == NULL);
    dw_msg_destroy(&m); /* a NULL pointer is fine */
}

static void test_non_canonical_input(void)
{
    dw_error_t err;
    /* fiscal_year as uint64, amount_fen as int64, payee as str16: accepted,
     * and written back in the smallest forms */
    mod_t m1 = {"fiscal_year", "x:cf 00 00 00 00 00 00 07 ea"};
    payment_bytes(&tb, NULL, &m1);
    size_t n = tb.n;
    unsigned char *copy = malloc(n);
    memcpy(copy, tb.b, n);
    dw_msg_t *d = dw_msg_decode(copy, n, NULL, &err);
    CHECK(d != NULL);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(d, &out, &err), DW_OK);
    payment_bytes(&tb, NULL, NULL);
    CHECK(same_bytes(&out, &tb));
    dw_msg_destroy(&d);
    free(copy);

    /* keys in another order: accepted; written back in schema order */
    tb.n = 0;
    put_hex(&tb, "86");
    put_str(&tb, "body");
    put_pay_body(&tb, NULL);
    for (size_t i = 0; i < 5; i++) {
        put_str(&tb, pay_env[4 - i].key);
        put_val(&tb, pay_env[4 - i].val);
    }
    d = dw_msg_decode(tb.b, tb.n, NULL, &err);
    CHECK(d != NULL);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(d, &out, &err), DW_OK);
    payment_bytes(&tb, NULL, NULL);
    CHECK(same_bytes(&out, &tb));
    dw_msg_destroy(&d);
    dw_buf_free(&out);
}

static void test_envelope_breaches(void)
{
    PAY("env", "extra", "s:x", DW_E_UNKNOWN_FIELD, "extra");
    PAY("env", "id", NULL, DW_E_MISSING_FIELD, "id");
    PAY("env", "src", NULL, DW_E_MISSING_FIELD, "src");
    PAY("env", "ts", NULL, DW_E_MISSING_FIELD, "ts");
    PAY("env", "body", NULL, DW_E_MISSING_FIELD, "body");
    PAY("env", "type", NULL, DW_E_MISSING_FIELD, "type");
    PAY("env", "v", NULL, DW_E_MISSING_FIELD, "v");
    PAY("env", "v", "x:02", DW_E_BAD_VERSION, "v");
    PAY("env", "v", "x:00", DW_E_BAD_VERSION, "v");
    PAY("env", "v", "s:1", DW_E_WRONG_TYPE, "v");
    PAY("env", "v", "x:c0", DW_E_WRONG_TYPE, "v");
    PAY("env", "type", "s:treasury.payments", DW_E_UNKNOWN_TYPE, "type");
    PAY("env", "type", "s:ack", DW_E_UNKNOWN_TYPE, "type"); /* a bare reply is never enveloped */
    PAY("env", "type", "x:01", DW_E_WRONG_TYPE, "type");
    PAY("env", "seq", "x:01", DW_E_UNKNOWN_FIELD, "seq");
    PAY("env", "stream", "s:treasury", DW_E_UNKNOWN_FIELD, "stream");
    PAY("env", "ts", "s:1767225600000", DW_E_WRONG_TYPE, "ts");
    PAY("env", "ts", "x:ff", DW_E_OUT_OF_RANGE, "ts");
    PAY("env", "id", "s:", DW_E_BAD_LENGTH, "id");
    PAY("env", "id", "s:ZF 2026", DW_E_BAD_CODE, "id");
    PAY("env", "src", "r:33:a", DW_E_BAD_LENGTH, "src");
    PAY("env", "src", "r:32:a", DW_OK, "");
    PAY("env", "body", "x:90", DW_E_NOT_MAP, "body");
    PAY("env", "body", "s:{}", DW_E_NOT_MAP, "body");
    PAY("env", "body", "x:c0", DW_E_NOT_MAP, "body");

    /* the version is answered first: a later version may have other keys */
    dw_error_t err;
    tb.n = 0;
    put_hex(&tb, "82");
    put_str(&tb, "future");
    put_hex(&tb, "c3");
    put_str(&tb, "v");
    put_hex(&tb, "02");
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_BAD_VERSION);
    CHECK_STR(err.field, "v");
    CHECK_STR(err.message, "protocol version 2 is not spoken here (1 is)");

    /* not a map at all */
    tb.n = 0;
    put_hex(&tb, "92 01 02");
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_NOT_MAP);
    CHECK_STR(err.field, "");
    CHECK_STR(err.message, "envelope is array, not a map");

    /* frame breaches come from the pre-scan, before any field */
    CHECK(dw_msg_decode("", 0, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_TRUNCATED);
    CHECK(dw_msg_decode("\xdf\xff\xff\xff\xff", 5, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_TOO_MANY);
    CHECK_STR(err.message, "declared map of 4294967295 pairs at offset 0 exceeds limit 4096");
    CHECK(dw_msg_decode("\xdd\xff\xff\xff\xff", 5, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_TOO_MANY);
    CHECK(dw_msg_decode("\xdb\xff\xff\xff\xff", 5, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_STR_TOO_LONG);
    CHECK(dw_msg_decode("\xc6\xff\xff\xff\xff", 5, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_BIN_TYPE);

    /* caller's limits */
    payment_bytes(&tb, NULL, NULL);
    dw_limits_t small = dw_schema_limits;
    small.max_size = tb.n - 1;
    CHECK(dw_msg_decode(tb.b, tb.n, &small, &err) == NULL);
    CHECK_INT(err.code, DW_E_TOO_BIG);
    small.max_size = tb.n;
    dw_msg_t *m = dw_msg_decode(tb.b, tb.n, &small, &err);
    CHECK(m != NULL);
    dw_msg_destroy(&m);
}

static void test_body_breaches(void)
{
    PAY("body", "color", "s:red", DW_E_UNKNOWN_FIELD, "body.color");
    PAY("body", "payee", NULL, DW_E_MISSING_FIELD, "body.payee");
    PAY("body", "voucher_no", NULL, DW_E_MISSING_FIELD, "body.voucher_no");
    PAY("body", "line_id", NULL, DW_OK, "");
    PAY("body", "contract_no", NULL, DW_OK, "");
    /* wrong msgpack type; nil is never a value */
    PAY("body", "fiscal_year", "s:2026", DW_E_WRONG_TYPE, "body.fiscal_year");
    PAY("body", "amount_fen", "x:c0", DW_E_WRONG_TYPE, "body.amount_fen");
    PAY("body", "payee", "x:c0", DW_E_WRONG_TYPE, "body.payee");
    PAY("body", "payee", "x:01", DW_E_WRONG_TYPE, "body.payee");
    PAY("body", "payment_date", "x:cd 07 ea", DW_E_WRONG_TYPE, "body.payment_date");
    PAY("body", "method", "x:c3", DW_E_WRONG_TYPE, "body.method");
    PAY("body", "dept_code", "x:91 a1 31", DW_E_WRONG_TYPE, "body.dept_code");
    PAY("body", "dept_code", "x:80", DW_E_WRONG_TYPE, "body.dept_code");
    /* ranges, in any int form */
    PAY("body", "amount_fen", "x:00", DW_E_OUT_OF_RANGE, "body.amount_fen");
    PAY("body", "amount_fen", "x:ff", DW_E_OUT_OF_RANGE, "body.amount_fen");
    PAY("body", "amount_fen", "x:01", DW_OK, "");
    PAY("body", "amount_fen", "x:d0 01", DW_OK, "");                      /* int8 holding 1 */
    PAY("body", "amount_fen", "x:cf 00 03 8d 7e a4 c6 7f ff", DW_OK, ""); /* 999999999999999 */
    PAY("body", "amount_fen", "x:cf 00 03 8d 7e a4 c6 80 00", DW_E_OUT_OF_RANGE, "body.amount_fen"); /* 10^15 */
    PAY("body", "amount_fen", "x:cf 7f ff ff ff ff ff ff ff", DW_E_OUT_OF_RANGE, "body.amount_fen");
    PAY("body", "amount_fen", "x:d3 80 00 00 00 00 00 00 00", DW_E_OUT_OF_RANGE, "body.amount_fen");
    PAY("body", "amount_fen", "x:cf 80 00 00 00 00 00 00 00", DW_E_INT_OVERFLOW, "");
    PAY("body", "fiscal_year", "x:cd 07 cf", DW_E_OUT_OF_RANGE, "body.fiscal_year"); /* 1999 */
    PAY("body", "fiscal_year", "x:cd 07 d0", DW_OK, "");                             /* 2000 */
    PAY("body", "fiscal_year", "x:cd 08 34", DW_OK, "");                             /* 2100 */
    PAY("body", "fiscal_year", "x:cd 08 35", DW_E_OUT_OF_RANGE, "body.fiscal_year"); /* 2101 */
    /* lengths in bytes */
    PAY("body", "function_code", "s:205020", DW_E_BAD_LENGTH, "body.function_code");
    PAY("body", "function_code", "s:20502021", DW_E_BAD_LENGTH, "body.function_code");
    PAY("body", "economic_code", "s:3020", DW_E_BAD_LENGTH, "body.economic_code");
    PAY("body", "voucher_no", "s:", DW_E_BAD_LENGTH, "body.voucher_no");
    PAY("body", "voucher_no", "r:64:Z", DW_OK, "");
    PAY("body", "voucher_no", "r:65:Z", DW_E_BAD_LENGTH, "body.voucher_no");
    PAY("body", "payee", "r:200:x", DW_OK, "");
    PAY("body", "payee", "r:201:x", DW_E_BAD_LENGTH, "body.payee");
    /* dates */
    PAY("body", "payment_date", "s:2026-02-29", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2024-02-29", DW_OK, "");
    PAY("body", "payment_date", "s:2000-02-29", DW_OK, "");
    PAY("body", "payment_date", "s:2100-02-29", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-13-01", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-00-10", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-1-01", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-04-31", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-04-30", DW_OK, "");
    PAY("body", "payment_date", "s:2026-12-31", DW_OK, "");
    PAY("body", "payment_date", "s:2026-03-00", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:0000-01-01", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026/03/18", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-03-18 ", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:2026-03-1a", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:20260318", DW_E_BAD_DATE, "body.payment_date");
    PAY("body", "payment_date", "s:", DW_E_BAD_DATE, "body.payment_date");
    /* enums: exact, case-sensitive */
    PAY("body", "method", "s:cash", DW_E_BAD_ENUM, "body.method");
    PAY("body", "method", "s:Direct", DW_E_BAD_ENUM, "body.method");
    PAY("body", "method", "s:authorised", DW_OK, "");
    PAY("body", "method", "s:direct ", DW_E_BAD_ENUM, "body.method");
    /* code patterns */
    PAY("body", "voucher_no", "s:a.b", DW_E_BAD_CODE, "body.voucher_no");
    PAY("body", "voucher_no", "s:ZF 1", DW_E_BAD_CODE, "body.voucher_no");
    PAY("body", "voucher_no", "s:凭证1", DW_E_BAD_CODE, "body.voucher_no");
    PAY("body", "voucher_no", "s:A-z_09", DW_OK, "");
    PAY("body", "function_code", "s:205020a", DW_E_BAD_CODE, "body.function_code");
    PAY("body", "function_code", "s:-205020", DW_E_BAD_CODE, "body.function_code");
    /* duplicate key: refused by the pre-scan, so no field */
    dw_error_t err;
    kv_t body2[N(pay_body) + 1];
    memcpy(body2, pay_body, sizeof pay_body);
    body2[N(pay_body)] = (kv_t){"payee", "s:again"};
    env_then_body(&tb, pay_env, N(pay_env), body2, N(body2));
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_DUP_KEY);
    /* a float anywhere is refused whole */
    PAY("body", "amount_fen", "x:cb 41 68 82 a2 00 00 00 00", DW_E_FLOAT_TYPE, "");

    /* messages say what and why */
    pay_case("body", "payment_date", "s:2026-02-29", &err);
    CHECK_STR(err.message, "\"2026-02-29\" is not a calendar date");
    pay_case("body", "payment_date", "s:2026-1-01", &err);
    CHECK_STR(err.message, "\"2026-1-01\" is not YYYY-MM-DD");
    pay_case("body", "amount_fen", "x:00", &err);
    CHECK_STR(err.message, "0 outside [1, 999999999999999]");
    pay_case("body", "method", "s:cash", &err);
    CHECK_STR(err.message, "\"cash\" is not one of direct, authorised");
    pay_case("body", "voucher_no", "s:a.b", &err);
    CHECK_STR(err.message, "\"a.b\" has a character outside [A-Za-z0-9_-]");
    pay_case("body", "function_code", "s:205020", &err);
    CHECK_STR(err.message, "length 6 bytes outside [7, 7]");
    pay_case("body", "fiscal_year", "s:2026", &err);
    CHECK_STR(err.message, "expected int, got str");
    pay_case("body", "payee", NULL, &err);
    CHECK_STR(err.message, "required field payee is missing");
    pay_case("body", "color", "s:red", &err);
    CHECK_STR(err.message, "unknown field \"color\"");
    /* a foreign key in a path and a message stays valid UTF-8 within bounds */
    pay_case("body",
             "颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色颜色"
             "颜色颜色颜色颜色颜色颜色颜色颜色",
             "s:red", &err);
    CHECK_INT(err.code, DW_E_UNKNOWN_FIELD);
    CHECK(strncmp(err.field, "body.颜色", strlen("body.颜色")) == 0);
    CHECK(strlen(err.field) < DW_ERR_FIELD_MAX);
    CHECK(dw_utf8_valid(err.field, strlen(err.field)));
    CHECK(dw_utf8_valid(err.message, strlen(err.message)));
    pay_case("body", "a\nb", "s:red", &err);
    CHECK_STR(err.field, "body.a?b");
}

static void test_declaration(void)
{
    DECL(NULL, NULL, DW_OK, "");
    DECL("weight", "s:1e5", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:+1", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s: 1", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:1 ", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:1.", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:.5", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:-", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:1,5", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:1.2.3", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:--1", DW_E_BAD_DECIMAL, "body.indicators[2].weight");
    DECL("weight", "s:1234567", DW_E_BAD_DECIMAL, "body.indicators[2].weight"); /* 7 digits, at most 6 */
    DECL("weight", "s:12345.6", DW_OK, "");
    DECL("weight", "s:-0.5", DW_OK, "");
    DECL("weight", "s:20.25", DW_OK, "");
    DECL("weight", "x:14", DW_E_WRONG_TYPE, "body.indicators[2].weight");
    DECL("weight", NULL, DW_E_MISSING_FIELD, "body.indicators[2].weight");
    DECL("target", NULL, DW_OK, "");
    DECL("target", "s:123456789012345678", DW_OK, "");
    DECL("target", "s:1234567890123456789", DW_E_BAD_DECIMAL, "body.indicators[2].target");
    DECL("level1", "s:outcome", DW_E_BAD_ENUM, "body.indicators[2].level1");
    DECL("code", "s:IND.3", DW_E_BAD_CODE, "body.indicators[2].code");
    DECL("cumulative", "x:01", DW_E_WRONG_TYPE, "body.indicators[2].cumulative");
    DECL("cumulative", "x:c2", DW_OK, "");
    DECL("extra", "x:c3", DW_E_UNKNOWN_FIELD, "body.indicators[2].extra");

    dw_error_t err;
    decl_case("weight", "s:1234567", &err);
    CHECK_STR(err.message, "\"1234567\" has 7 digits, at most 6");

    /* the indicators array: count [1, 200], items maps */
    kv_t body[N(decl_body)];
    memcpy(body, decl_body, sizeof decl_body);
    body[5] = (kv_t){"indicators", "x:90"};
    env_then_body(&tb, decl_env, N(decl_env), body, N(body));
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_BAD_COUNT);
    CHECK_STR(err.field, "body.indicators");
    CHECK_STR(err.message, "0 items outside [1, 200]");
    /* an item that is not a map */
    body[5] = (kv_t){"indicators", "x:91 01"};
    env_then_body(&tb, decl_env, N(decl_env), body, N(body));
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_WRONG_TYPE);
    CHECK_STR(err.field, "body.indicators[0]");

    /* decoded items read back */
    tb.n = 0;
    put_map(&tb, decl_env, N(decl_env), NULL, put_decl_body, NULL);
    dw_msg_t *m = dw_msg_decode(tb.b, tb.n, NULL, &err);
    CHECK(m != NULL);
    const dw_obj_t *b = dw_msg_body_const(m);
    CHECK_INT(dw_obj_count(b, "indicators"), 3);
    const dw_obj_t *ind = dw_obj_item_map(b, "indicators", 2);
    CHECK(ind != NULL);
    CHECK_STR(dw_obj_str(ind, "weight"), "20");
    CHECK_STR(dw_obj_str(ind, "name"), "改造学校数量");
    bool cum = false;
    CHECK(dw_obj_bool(ind, "cumulative", &cum));
    CHECK(cum);
    CHECK(dw_obj_item_map(b, "indicators", 3) == NULL);
    CHECK_STR(dw_obj_str(b, "goal"), "改善全市12所农村义务教育学校办学条件，提升教学质量");
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    CHECK(same_bytes(&out, &tb));
    dw_buf_free(&out);
    dw_msg_destroy(&m);
}

/* The bytes that follow key in buf (whose value is want) are there. */
static bool has_pair(const dw_buf_t *b, const char *key, const char *want_hex)
{
    tb_t t = {.n = 0};
    put_str(&t, key);
    put_hex(&t, want_hex);
    for (size_t i = 0; i + t.n <= b->len; i++)
        if (memcmp(b->data + i, t.b, t.n) == 0)
            return true;
    return false;
}

static void test_canonical_ints(void)
{
    /* budget.adjustment's amount_fen takes both signs */
    static const struct {
        int64_t v;
        const char *hex;
    } cases[] = {
        {0, "00"},
        {1, "01"},
        {127, "7f"},
        {128, "cc 80"},
        {255, "cc ff"},
        {256, "cd 01 00"},
        {65535, "cd ff ff"},
        {65536, "ce 00 01 00 00"},
        {INT64_C(4294967295), "ce ff ff ff ff"},
        {INT64_C(4294967296), "cf 00 00 00 01 00 00 00 00"},
        {INT64_C(999999999999999), "cf 00 03 8d 7e a4 c6 7f ff"},
        {-1, "ff"},
        {-32, "e0"},
        {-33, "d0 df"},
        {-128, "d0 80"},
        {-129, "d1 ff 7f"},
        {-32768, "d1 80 00"},
        {-32769, "d2 ff ff 7f ff"},
        {INT64_C(-2147483648), "d2 80 00 00 00"},
        {INT64_C(-2147483649), "d3 ff ff ff ff 7f ff ff ff"},
        {INT64_C(-999999999999999), "d3 ff fc 72 81 5b 39 80 01"},
    };
    for (size_t i = 0; i < N(cases); i++) {
        dw_error_t err;
        dw_msg_t *m = dw_msg_new("budget.adjustment", "BA-1", "budget", 1);
        CHECK(dw_obj_fill_test_values(dw_msg_body(m), &err) == DW_OK);
        CHECK_INT(dw_obj_set_int(dw_msg_body(m), "amount_fen", cases[i].v), DW_OK);
        dw_buf_t out = DW_BUF_INIT;
        CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
        CHECK(has_pair(&out, "amount_fen", cases[i].hex));
        dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
        int64_t got = 0;
        CHECK(d && dw_obj_int(dw_msg_body_const(d), "amount_fen", &got));
        CHECK_INT(got, cases[i].v);
        dw_msg_destroy(&d);
        dw_msg_destroy(&m);
        dw_buf_free(&out);
    }
    /* beyond the range: refused at encode with the path */
    dw_error_t err;
    dw_msg_t *m = dw_msg_new("budget.adjustment", "BA-1", "budget", 1);
    CHECK_INT(dw_obj_fill_test_values(dw_msg_body(m), &err), DW_OK);
    CHECK_INT(dw_obj_set_int(dw_msg_body(m), "amount_fen", INT64_MIN), DW_OK);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_OUT_OF_RANGE);
    CHECK_STR(err.field, "body.amount_fen");
    CHECK_INT(out.len, 0);
    dw_msg_destroy(&m);

    /* INT64_MAX and INT64_MIN where a range allows: seq of a published alert */
    m = dw_msg_new("alert.event", "al-1", "notify", 1);
    CHECK_INT(dw_obj_fill_test_values(dw_msg_body(m), &err), DW_OK);
    CHECK_INT(dw_obj_set_int(dw_msg_body(m), "alert_id", INT64_MAX), DW_OK);
    CHECK_INT(dw_msg_set_published(m, "alert", INT64_MAX), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    CHECK(has_pair(&out, "seq", "cf 7f ff ff ff ff ff ff ff"));
    dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
    int64_t seq = 0;
    CHECK(d && dw_msg_seq(d, &seq));
    CHECK_INT(seq, INT64_MAX);
    CHECK_STR(dw_msg_stream(d), "alert");
    dw_msg_destroy(&d);
    dw_msg_destroy(&m);
    dw_buf_free(&out);
}

static void test_max_negative_fen(void)
{
    /* the most negative fen the contract allows (no fen range reaches
     * INT64_MIN), through set_text as dwctl does it */
    dw_error_t err;
    dw_msg_t *m = dw_msg_new("budget.adjustment", "BA-2", "budget", INT64_C(1767225600000));
    dw_obj_t *b = dw_msg_body(m);
    CHECK_INT(dw_obj_fill_test_values(b, &err), DW_OK);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "-999999999999999", &err), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "reason", "项目实施进度滞后，按监控结果调减预算"), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "doc_no", "市财预〔2026〕12号"), DW_OK);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
    int64_t v = 0;
    CHECK(d && dw_obj_int(dw_msg_body_const(d), "amount_fen", &v));
    CHECK_INT(v, INT64_C(-999999999999999));
    CHECK_STR(dw_obj_str(dw_msg_body_const(d), "reason"), "项目实施进度滞后，按监控结果调减预算");
    CHECK_STR(dw_obj_str(dw_msg_body_const(d), "doc_no"), "市财预〔2026〕12号");
    /* the 54-byte Chinese reason went as str8 */
    CHECK(has_pair(&out, "reason", "d9 36"));
    dw_msg_destroy(&d);
    /* set_text: INT64_MIN parses, one below does not */
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "-9223372036854775808", &err), DW_OK);
    int64_t i = 0;
    CHECK(dw_obj_int(b, "amount_fen", &i));
    CHECK_INT(i, INT64_MIN);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "-9223372036854775809", &err), DW_E_OUT_OF_RANGE);
    CHECK_STR(err.field, "amount_fen");
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "9223372036854775807", &err), DW_OK);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "9223372036854775808", &err), DW_E_OUT_OF_RANGE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "99999999999999999999", &err), DW_E_OUT_OF_RANGE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "12a", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "-", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "+5", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", " 5", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(b, "amount_fen", "1.5", &err), DW_E_WRONG_TYPE);
    /* a failed set_text leaves the field as it was */
    CHECK(dw_obj_int(b, "amount_fen", &i));
    CHECK_INT(i, INT64_MAX);
    CHECK_INT(dw_obj_set_text(b, "colour", "x", &err), DW_E_UNKNOWN_FIELD);
    CHECK_STR(err.field, "colour");
    dw_msg_destroy(&m);
    dw_buf_free(&out);
}

static void test_utf8_round_trip(void)
{
    dw_error_t err;
    dw_msg_t *m = dw_msg_new("notice", "n-1", "notify", 1);
    dw_obj_t *b = dw_msg_body(m);
    CHECK_INT(dw_obj_fill_test_values(b, &err), DW_OK);
    const char *text = "你单位义务教育薄弱环节改善项目截至6月30日执行率低于序时进度，请于7月20日前报送整改措施。"
                       "𠀀 supplementary plane, é, ü, 😀";
    CHECK_INT(dw_obj_set_str(b, "text", text), DW_OK);
    CHECK_INT(dw_obj_set_str(b, "title", "关于义务教育薄弱环节改善项目执行进度偏离的纠偏意见"), DW_OK);
    CHECK_INT(dw_msg_set_published(m, "notice", 7), DW_OK);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
    CHECK(d != NULL);
    CHECK_STR(dw_obj_str(dw_msg_body_const(d), "text"), text);
    CHECK_STR(dw_obj_str(dw_msg_body_const(d), "title"), "关于义务教育薄弱环节改善项目执行进度偏离的纠偏意见");
    dw_msg_destroy(&d);

    /* invalid UTF-8 from a setter is refused at encode */
    CHECK_INT(dw_obj_set_str(b, "text", "bad \xc0\x80 text"), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_BAD_UTF8);
    CHECK_STR(err.field, "body.text");
    CHECK_INT(out.len, 0);
    dw_msg_destroy(&m);
    dw_buf_free(&out);
}

static void test_building_errors(void)
{
    dw_error_t err;
    CHECK(dw_msg_new("no.such.type", "x", "y", 1) == NULL);
    dw_msg_t *m = build_payment();
    dw_obj_t *b = dw_msg_body(m);
    /* setters check the field and its kind, not the value */
    CHECK_INT(dw_obj_set_int(b, "payee", 1), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_str(b, "amount_fen", "1"), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_bool(b, "payee", true), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_str(b, "colour", "red"), DW_E_UNKNOWN_FIELD);
    CHECK_INT(dw_obj_push_str(b, "payee", "x"), DW_E_WRONG_TYPE);
    CHECK(dw_obj_set_map(b, "payee") == NULL);
    CHECK(dw_obj_push_map(b, "payee") == NULL);
    CHECK_INT(dw_obj_set_any(b, "payee", "\xc0", 1), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_array(b, "payee"), DW_E_WRONG_TYPE);
    CHECK_INT(dw_msg_set_published(m, "treasury", 1), DW_E_UNKNOWN_FIELD); /* inbound: never numbered */

    /* encode checks what decode checks, with the same paths */
    static const struct {
        const char *field, *text;
        dw_code_t code;
    } bad[] = {
        {"payment_date", "2026-02-29", DW_E_BAD_DATE},
        {"payment_date", "2026-1-01", DW_E_BAD_DATE},
        {"method", "cash", DW_E_BAD_ENUM},
        {"voucher_no", "a.b", DW_E_BAD_CODE},
        {"function_code", "205020", DW_E_BAD_LENGTH},
        {"economic_code", "3020x", DW_E_BAD_CODE},
        {"amount_fen", "0", DW_E_OUT_OF_RANGE},
        {"fiscal_year", "1999", DW_E_OUT_OF_RANGE},
        {"payee", "", DW_E_BAD_LENGTH},
    };
    for (size_t i = 0; i < N(bad); i++) {
        dw_msg_t *x = build_payment();
        CHECK_INT(dw_obj_set_text(dw_msg_body(x), bad[i].field, bad[i].text, &err), DW_OK);
        dw_buf_t out = DW_BUF_INIT;
        CHECK_INT(dw_msg_encode(x, &out, &err), bad[i].code);
        char want[64];
        snprintf(want, sizeof want, "body.%s", bad[i].field);
        CHECK_STR(err.field, want);
        CHECK_INT(out.len, 0);
        dw_buf_free(&out);
        dw_msg_destroy(&x);
    }
    /* a missing required field; the buffer keeps what it had */
    CHECK_INT(dw_obj_unset(b, "payee"), DW_OK);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_buf_puts(&out, "kept"), 0);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "body.payee");
    CHECK_INT(out.len, 4);
    CHECK_STR(out.data, "kept");
    /* missing envelope field */
    dw_msg_t *noid = dw_msg_new("treasury.payment", NULL, "treasury", 1);
    CHECK_INT(dw_obj_fill_test_values(dw_msg_body(noid), &err), DW_OK);
    CHECK_INT(dw_msg_encode(noid, &out, &err), DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "id");
    dw_msg_destroy(&noid);
    /* bool text */
    dw_msg_t *ack = dw_msg_new("ack", NULL, NULL, 0);
    CHECK_INT(dw_obj_set_text(dw_msg_body(ack), "ok", "yes", &err), DW_E_WRONG_TYPE);
    CHECK_INT(dw_obj_set_text(dw_msg_body(ack), "ok", "true", &err), DW_OK);
    bool ok = false;
    CHECK(dw_obj_bool(dw_msg_body(ack), "ok", &ok) && ok);
    CHECK_INT(dw_obj_set_text(dw_msg_body(ack), "error", "x", &err), DW_E_WRONG_TYPE);
    dw_msg_destroy(&ack);
    dw_buf_free(&out);
    dw_msg_destroy(&m);
}

/* {v:1,type:heartbeat,id:hb-1,src:notify,ts,body:{epoch:1,heads:[]},seq:1,stream:heartbeat} */
static void heartbeat_bytes(tb_t *t)
{
    t->n = 0;
    put_hex(t, "88");
    put_str(t, "v");
    put_hex(t, "01");
    put_str(t, "type");
    put_str(t, "heartbeat");
    put_str(t, "id");
    put_str(t, "hb-1");
    put_str(t, "src");
    put_str(t, "notify");
    put_str(t, "ts");
    put_hex(t, "cf 00 00 01 9b 76 da a8 00");
    put_str(t, "body");
    put_hex(t, "82");
    put_str(t, "epoch");
    put_hex(t, "01");
    put_str(t, "heads");
    put_hex(t, "90");
    put_str(t, "seq");
    put_hex(t, "01");
    put_str(t, "stream");
    put_str(t, "heartbeat");
}

static void test_published_and_arrays(void)
{
    dw_error_t err;
    /* heartbeat: a required array that may be empty */
    dw_msg_t *m = dw_msg_new("heartbeat", "hb-1", "notify", INT64_C(1767225600000));
    dw_obj_t *b = dw_msg_body(m);
    CHECK_INT(dw_obj_set_int(b, "epoch", 1), DW_OK);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "body.heads");
    CHECK_INT(dw_obj_set_array(b, "heads"), DW_OK);
    CHECK_INT(dw_msg_set_published(m, "heartbeat", 1), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    heartbeat_bytes(&tb);
    CHECK(same_bytes(&out, &tb));
    dw_msg_t *d = dw_msg_decode(out.data, out.len, NULL, &err);
    CHECK(d != NULL);
    CHECK_INT(dw_obj_count(dw_msg_body_const(d), "heads"), 0);
    CHECK(dw_obj_has(dw_msg_body_const(d), "heads"));
    dw_msg_destroy(&d);

    /* seq and stream come together */
    tb.n -= 1 + 6 + 1 + 9; /* drop "stream": "heartbeat" */
    tb.b[0] = 0x87;
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "stream");

    /* array items: pushes, counts, per-item limits */
    dw_obj_t *h = dw_obj_push_map(b, "heads");
    CHECK(h != NULL);
    CHECK_INT(dw_obj_set_str(h, "stream", "alert"), DW_OK);
    CHECK_INT(dw_obj_set_int(h, "head", 17), DW_OK);
    h = dw_obj_push_map(b, "heads");
    CHECK_INT(dw_obj_set_str(h, "stream", "bad.stream"), DW_OK);
    CHECK_INT(dw_obj_set_int(h, "head", 1), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_BAD_CODE);
    CHECK_STR(err.field, "body.heads[1].stream");
    CHECK_INT(dw_obj_set_str(h, "stream", "task"), DW_OK);
    CHECK_INT(dw_obj_unset(h, "head"), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "body.heads[1].head");
    CHECK_INT(dw_obj_set_int(h, "head", 0), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    d = dw_msg_decode(out.data, out.len, NULL, &err);
    CHECK(d != NULL);
    const dw_obj_t *h1 = dw_obj_item_map(dw_msg_body_const(d), "heads", 1);
    CHECK_STR(dw_obj_str(h1, "stream"), "task");
    dw_msg_destroy(&d);
    dw_msg_destroy(&m);

    /* arrays of enums: fact.payment flags, count [0, 8] */
    m = dw_msg_new("fact.payment", "fp-1", "validate", 1);
    b = dw_msg_body(m);
    CHECK_INT(dw_obj_fill_test_values(b, &err), DW_OK);
    CHECK_INT(dw_obj_count(b, "flags"), 1);
    CHECK_STR(dw_obj_item_str(b, "flags", 0), dw_schema_field(dw_obj_def(b), "flags", NULL)->test_value);
    CHECK_INT(dw_obj_push_str(b, "flags", "on_hold"), DW_OK);
    CHECK_INT(dw_obj_push_text(b, "flags", "no_budget", &err), DW_OK);
    CHECK_INT(dw_obj_push_int(b, "flags", 1), DW_E_WRONG_TYPE);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_OK);
    d = dw_msg_decode(out.data, out.len, NULL, &err);
    CHECK(d != NULL);
    CHECK_INT(dw_obj_count(dw_msg_body_const(d), "flags"), 3);
    CHECK_STR(dw_obj_item_str(dw_msg_body_const(d), "flags", 2), "no_budget");
    CHECK(dw_obj_item_str(dw_msg_body_const(d), "flags", 3) == NULL);
    dw_msg_destroy(&d);
    CHECK_INT(dw_obj_push_str(b, "flags", "late"), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_BAD_ENUM);
    CHECK_STR(err.field, "body.flags[3]");
    CHECK_INT(dw_obj_set_array(b, "flags"), DW_OK);
    for (int i = 0; i < 9; i++)
        CHECK_INT(dw_obj_push_str(b, "flags", "on_hold"), DW_OK);
    CHECK_INT(dw_msg_encode(m, &out, &err), DW_E_BAD_COUNT);
    CHECK_STR(err.field, "body.flags");
    CHECK_STR(err.message, "9 items outside [0, 8]");
    dw_msg_destroy(&m);
    dw_buf_free(&out);
}

/* An ack, by hand: {ok: false, id: "m-1", error: {<code_key>: <code>, message: "x", field: "id"}} */
static void ack_bytes(tb_t *t, const char *code_key, const char *code)
{
    t->n = 0;
    put_hex(t, "83");
    put_str(t, "ok");
    put_hex(t, "c2");
    put_str(t, "id");
    put_str(t, "m-1");
    put_str(t, "error");
    put_hex(t, "83");
    put_str(t, code_key);
    put_str(t, code);
    put_str(t, "message");
    put_str(t, "x");
    put_str(t, "field");
    put_str(t, "id");
}

static void test_bare_and_any(void)
{
    dw_error_t err;
    ack_bytes(&tb, "code", "conflict");
    dw_msg_t *a = dw_msg_decode_bare("ack", tb.b, tb.n, NULL, &err);
    CHECK(a != NULL);
    bool ok = true;
    CHECK(dw_obj_bool(dw_msg_body_const(a), "ok", &ok) && !ok);
    const dw_obj_t *e = dw_obj_map(dw_msg_body_const(a), "error");
    CHECK_STR(dw_obj_str(e, "code"), "conflict");
    CHECK_STR(dw_msg_type(a), "ack");
    CHECK(dw_msg_id(a) == NULL);
    CHECK_INT(dw_msg_ts(a), 0);
    dw_buf_t out = DW_BUF_INIT;
    CHECK_INT(dw_msg_encode(a, &out, &err), DW_OK);
    CHECK(same_bytes(&out, &tb));
    dw_msg_destroy(&a);
    /* the error map's own fields, with their path */
    ack_bytes(&tb, "kode", "conflict");
    CHECK(dw_msg_decode_bare("ack", tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_UNKNOWN_FIELD);
    CHECK_STR(err.field, "error.kode");
    ack_bytes(&tb, "code", "con flict");
    CHECK(dw_msg_decode_bare("ack", tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_BAD_CODE);
    CHECK_STR(err.field, "error.code");
    /* a bare type must be a reply type */
    CHECK(dw_msg_decode_bare("treasury.payment", tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_UNKNOWN_TYPE);
    CHECK(dw_msg_decode_bare("ack", "\x91\x01", 2, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_NOT_MAP);
    CHECK(dw_msg_decode_bare("ack", "\x80", 1, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_MISSING_FIELD);
    CHECK_STR(err.field, "ok");

    /* replay.answer carries envelopes as ANY items */
    dw_msg_t *r = dw_msg_new("replay.answer", NULL, NULL, 0);
    CHECK_INT(dw_obj_fill_test_values(dw_msg_body(r), &err), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(r, &out, &err), DW_OK);
    dw_msg_t *rd = dw_msg_decode_bare("replay.answer", out.data, out.len, NULL, &err);
    CHECK(rd != NULL);
    dw_msg_destroy(&rd);
    /* one event by hand: ["heartbeat.", <the published heartbeat>] */
    static tb_t ev_tb;
    ev_tb.n = 0;
    put_hex(&ev_tb, "92");
    put_str(&ev_tb, "heartbeat.");
    heartbeat_bytes(&tb);
    memcpy(ev_tb.b + ev_tb.n, tb.b, tb.n);
    ev_tb.n += tb.n;
    CHECK_INT(dw_obj_set_array(dw_msg_body(r), "events"), DW_OK);
    CHECK_INT(dw_obj_push_any(dw_msg_body(r), "events", ev_tb.b, ev_tb.n), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(r, &out, &err), DW_OK);
    rd = dw_msg_decode_bare("replay.answer", out.data, out.len, NULL, &err);
    CHECK(rd != NULL);
    size_t len = 0;
    const unsigned char *ev = dw_obj_item_any(dw_msg_body_const(rd), "events", 0, &len);
    CHECK(ev != NULL && len == ev_tb.n && memcmp(ev, ev_tb.b, len) == 0);
    /* the event is itself a message we can decode: after 92 aa "heartbeat." */
    if (ev && len == ev_tb.n) {
        dw_msg_t *inner = dw_msg_decode(ev + 12, len - 12, NULL, &err);
        CHECK(inner != NULL);
        CHECK_STR(dw_msg_type(inner), "heartbeat");
        CHECK_INT(dw_msg_ts(inner), INT64_C(1767225600000));
        dw_msg_destroy(&inner);
    }
    dw_msg_destroy(&rd);

    /* ANY values are made canonical: an int as uint32 becomes a fixint */
    CHECK_INT(dw_obj_set_array(dw_msg_body(r), "events"), DW_OK);
    CHECK_INT(dw_obj_push_any(dw_msg_body(r), "events", "\x92\xce\x00\x00\x00\x05\xd9\x01\x61", 9), DW_OK);
    const unsigned char *pv = dw_obj_item_any(dw_msg_body(r), "events", 0, &len);
    CHECK_INT(len, 4);
    CHECK(pv && memcmp(pv, "\x92\x05\xa1\x61", 4) == 0);
    /* an ANY that breaks the frame rules is refused at encode with its code */
    CHECK_INT(dw_obj_push_any(dw_msg_body(r), "events", "\xca\x00\x00\x00\x00", 5), DW_OK);
    dw_buf_reset(&out);
    CHECK_INT(dw_msg_encode(r, &out, &err), DW_E_FLOAT_TYPE);
    CHECK_STR(err.field, "events[1]");
    /* nesting counts across the ANY: events (2) > item (3) > 6 more = 9 */
    CHECK_INT(dw_obj_set_array(dw_msg_body(r), "events"), DW_OK);
    CHECK_INT(dw_obj_push_any(dw_msg_body(r), "events", "\x91\x91\x91\x91\x91\x91\x91\x01", 8), DW_OK);
    CHECK_INT(dw_msg_encode(r, &out, &err), DW_E_TOO_DEEP);
    CHECK_INT(dw_obj_set_array(dw_msg_body(r), "events"), DW_OK);
    CHECK_INT(dw_obj_push_any(dw_msg_body(r), "events", "\x91\x91\x91\x91\x91\x91\x01", 7), DW_OK);
    CHECK_INT(dw_msg_encode(r, &out, &err), DW_OK);

    /* a map of more than DW_SCAN_DUP_PAIRS pairs inside an ANY, with a
     * duplicate key: the pre-scan leaves it, dw_msg refuses it */
    tb.n = 0;
    put_hex(&tb, "83");
    put_str(&tb, "ok");
    put_hex(&tb, "c3");
    put_str(&tb, "stream");
    put_str(&tb, "alert");
    put_str(&tb, "events");
    put_hex(&tb, "91 de 00 41"); /* one item: a map of 65 pairs */
    for (int i = 0; i < 65; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%03u", (unsigned)(i == 64 ? 0 : i) % 1000);
        put_str(&tb, key);
        put_hex(&tb, "c0");
    }
    CHECK(dw_msg_decode_bare("replay.answer", tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_DUP_KEY);
    CHECK_STR(err.field, "events[0]");
    tb.b[tb.n - 3] = '6'; /* k000 -> k064 */
    tb.b[tb.n - 2] = '4';
    rd = dw_msg_decode_bare("replay.answer", tb.b, tb.n, NULL, &err);
    CHECK(rd != NULL);
    dw_msg_destroy(&rd);
    /* and a schema map of more than 64 keys repeating a field */
    tb.n = 0;
    put_hex(&tb, "de 00 41");
    put_str(&tb, "ok");
    put_hex(&tb, "c3");
    for (int i = 0; i < 64; i++) {
        put_str(&tb, "stream");
        put_str(&tb, "alert");
    }
    CHECK(dw_msg_decode_bare("replay.answer", tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_DUP_KEY);
    CHECK_STR(err.field, "stream");
    dw_msg_destroy(&r);
    dw_buf_free(&out);
}

/* Every type of the schema, filled with its test values: encodes, decodes
 * and encodes again to the same bytes. */
static void test_every_type(void)
{
    for (size_t i = 0; i < dw_schema_n_types; i++) {
        const dw_type_def_t *td = &dw_schema_types[i];
        dw_error_t err;
        dw_msg_t *m = dw_msg_new(td->type, "t-1", "test", INT64_C(1767225600000));
        CHECK(m != NULL);
        CHECK_INT(dw_obj_fill_test_values(dw_msg_body(m), &err), DW_OK);
        if (td->direction == DW_DIR_OUT)
            CHECK_INT(dw_msg_set_published(m, "alert", 3), DW_OK);
        dw_buf_t a = DW_BUF_INIT, b = DW_BUF_INIT;
        dw_code_t rc = dw_msg_encode(m, &a, &err);
        CHECK_INT(rc, DW_OK);
        if (rc != DW_OK)
            fprintf(stderr, "  %s: %s at %s: %s\n", td->type, dw_code_name(rc), err.field, err.message);
        dw_msg_t *d = td->direction == DW_DIR_REPLY ? dw_msg_decode_bare(td->type, a.data, a.len, NULL, &err)
                                                    : dw_msg_decode(a.data, a.len, NULL, &err);
        CHECK(d != NULL);
        if (!d)
            fprintf(stderr, "  %s: %s at %s: %s\n", td->type, dw_code_name(err.code), err.field, err.message);
        else {
            CHECK_STR(dw_msg_type(d), td->type);
            CHECK_INT(dw_msg_encode(d, &b, &err), DW_OK);
            CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
            /* every field of the body was filled */
            const dw_object_def_t *def = dw_obj_def(dw_msg_body_const(d));
            for (size_t f = 0; f < def->n_fields; f++)
                if (def->fields[f].type != DW_FT_ANY || def->fields[f].test_value)
                    CHECK(dw_obj_has(dw_msg_body_const(d), def->fields[f].name));
        }
        dw_msg_destroy(&d);
        dw_msg_destroy(&m);
        dw_buf_free(&a);
        dw_buf_free(&b);
    }
}

/* Every prefix of a valid message is refused as truncated, and reading it
 * never goes past its end (ASan). */
static void test_prefixes(void)
{
    payment_bytes(&tb, NULL, NULL);
    for (size_t len = 0; len < tb.n; len++) {
        unsigned char *p = malloc(len ? len : 1);
        memcpy(p, tb.b, len);
        dw_error_t err;
        CHECK(dw_msg_decode(p, len, NULL, &err) == NULL);
        CHECK_INT(err.code, DW_E_TRUNCATED);
        free(p);
    }
    /* and a trailing byte */
    tb.b[tb.n++] = 0xc0;
    dw_error_t err;
    CHECK(dw_msg_decode(tb.b, tb.n, NULL, &err) == NULL);
    CHECK_INT(err.code, DW_E_TRAILING);
}

int main(void)
{
    test_payment_round_trip();
    test_non_canonical_input();
    test_envelope_breaches();
    test_body_breaches();
    test_declaration();
    test_canonical_ints();
    test_max_negative_fen();
    test_utf8_round_trip();
    test_building_errors();
    test_published_and_arrays();
    test_bare_and_any();
    test_every_type();
    test_prefixes();
    DW_TEST_DONE();
}
