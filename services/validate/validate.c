#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_money.h"
#include "dw_msg.h"
#include "dw_strmap.h"

/* A project's position (project_code \x1f fiscal_year -> totals). dw-validate
 * is the only writer of budget_lines and payments, so once loaded from them
 * the totals are kept current here; a rollback forgets them all. */
typedef struct position {
    int64_t budget_fen;
    int64_t paid_fen;
    int64_t n_lines;
} position_t;

struct dw_validate {
    const dw_config_t *cfg;
    dw_strmap_t *positions;
};

/* What one batch produces besides its facts. */
typedef struct batch_out {
    dw_buf_t rejects; /* COPY rows for rejects */
    int64_t n_rejects;
} batch_out_t;

dw_validate_t *dw_validate_new(const dw_config_t *cfg)
{
    dw_validate_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->positions = dw_strmap_new(sizeof(position_t));
    if (!self->positions)
        dw_validate_destroy(&self);
    return self;
}

void dw_validate_destroy(dw_validate_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_strmap_destroy(&(*self_p)->positions);
    free(*self_p);
    *self_p = NULL;
}

static const char *str_or(const dw_obj_t *o, const char *field, const char *dflt)
{
    const char *s = dw_obj_str(o, field);
    return s ? s : dflt;
}

static int64_t int_of(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

static void position_key(char *out, size_t n, const char *project_code, int64_t fiscal_year)
{
    snprintf(out, n, "%s\x1f%" PRId64, project_code, fiscal_year);
}

/* Records a refused document and tells its source on reject.<src>. */
static int refuse(dw_stage_t *stage, batch_out_t *out, const dw_event_t *ev, const dw_msg_t *m, dw_code_t code,
                  const char *field, const char *message)
{
    dw_log_warn(ev->key, "refused %s: %s: %s", ev->type, dw_code_name(code), message);
    char inbox_seq[24];
    snprintf(inbox_seq, sizeof inbox_seq, "%" PRId64, ev->seq);
    if (dw_copy_text(&out->rejects, "validate") || dw_copy_text(&out->rejects, dw_msg_src(m)) ||
        dw_copy_text(&out->rejects, dw_msg_id(m)) || dw_copy_text(&out->rejects, dw_msg_type(m)) ||
        dw_copy_text(&out->rejects, dw_code_name(code)) ||
        (field ? dw_copy_text(&out->rejects, field) : dw_copy_null(&out->rejects)) ||
        dw_copy_text(&out->rejects, message) || dw_copy_int(&out->rejects, ev->seq) || dw_copy_end_row(&out->rejects))
        return -1;
    out->n_rejects++;
    char id[96];
    snprintf(id, sizeof id, "reject-%" PRId64, ev->seq);
    dw_msg_t *notice = dw_msg_new("reject.notice", id, "validate", dw_now_ms());
    if (!notice)
        return -1;
    dw_obj_t *b = dw_msg_body(notice);
    int rc = dw_obj_set_str(b, "src", dw_msg_src(m)) | dw_obj_set_str(b, "id", dw_msg_id(m)) |
             dw_obj_set_str(b, "type", dw_msg_type(m)) | dw_obj_set_str(b, "stage", "validate") |
             dw_obj_set_str(b, "code", dw_code_name(code)) | dw_obj_set_str(b, "message", message);
    if (field)
        rc |= dw_obj_set_str(b, "field", field);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, notice, dw_msg_src(m));
    dw_msg_destroy(&notice);
    return rc ? -1 : 0;
}

/* An inbox message that no longer passes the contract: kept whole in rejects. */
static int refuse_undecodable(batch_out_t *out, const dw_event_t *ev, const dw_error_t *err)
{
    dw_log_error(ev->key, "inbox seq %" PRId64 " no longer decodes: %s: %s", ev->seq, dw_code_name(err->code),
                 err->message);
    if (dw_copy_text(&out->rejects, "validate") || dw_copy_null(&out->rejects) ||
        dw_copy_text(&out->rejects, ev->key) || dw_copy_text(&out->rejects, ev->type) ||
        dw_copy_text(&out->rejects, dw_code_name(err->code)) || dw_copy_text(&out->rejects, err->field) ||
        dw_copy_text(&out->rejects, err->message) || dw_copy_int(&out->rejects, ev->seq) ||
        dw_copy_end_row(&out->rejects))
        return -1;
    out->n_rejects++;
    return 0;
}

/* ---- budget lines ---- */

static int budget_run(dw_validate_t *self, dw_stage_t *stage, dw_pg_t *pg, batch_out_t *out, const dw_event_t *ev,
                      dw_msg_t **msgs, size_t n)
{
    dw_buf_t rows = DW_BUF_INIT, a_years = DW_BUF_INIT, a_codes = DW_BUF_INIT;
    const char **years = calloc(n, sizeof *years), **codes = calloc(n, sizeof *codes);
    char(*year_text)[16] = calloc(n, sizeof *year_text);
    bool *ok = calloc(n, sizeof *ok);
    int64_t n_rows = 0;
    int rc = -1;
    if (!years || !codes || !year_text || !ok)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        int64_t initial = int_of(b, "initial_fen"), adjusted = int_of(b, "adjusted_fen");
        int64_t transferred = int_of(b, "transferred_fen"), current = int_of(b, "current_fen"), sum;
        if (!dw_fen_add(initial, adjusted, &sum) || !dw_fen_add(sum, transferred, &sum) || sum != current) {
            if (refuse(stage, out, &ev[i], msgs[i], DW_E_RULE, "body.current_fen",
                       "变动后预算 current_fen must equal 年初批复 + 调整 + 调剂 (initial_fen + adjusted_fen + "
                       "transferred_fen)") != 0)
                goto out;
            continue;
        }
        ok[i] = true;
        const char *section = dw_obj_str(b, "section_code");
        if (dw_copy_int(&rows, (int64_t)i) || dw_copy_text(&rows, dw_obj_str(b, "line_id")) ||
            dw_copy_int(&rows, int_of(b, "fiscal_year")) || dw_copy_text(&rows, dw_obj_str(b, "dept_code")) ||
            dw_copy_text(&rows, dw_obj_str(b, "unit_code")) || dw_copy_text(&rows, dw_obj_str(b, "project_code")) ||
            dw_copy_text(&rows, dw_obj_str(b, "project_name")) || dw_copy_text(&rows, dw_obj_str(b, "kind")) ||
            dw_copy_text(&rows, dw_obj_str(b, "fund_type")) || dw_copy_text(&rows, dw_obj_str(b, "source")) ||
            dw_copy_text(&rows, dw_obj_str(b, "function_code")) ||
            dw_copy_text(&rows, dw_obj_str(b, "economic_code")) ||
            (section ? dw_copy_text(&rows, section) : dw_copy_null(&rows)) || dw_copy_int(&rows, initial) ||
            dw_copy_int(&rows, adjusted) || dw_copy_int(&rows, transferred) || dw_copy_int(&rows, current) ||
            dw_copy_int(&rows, ev[i].seq) || dw_copy_end_row(&rows))
            goto out;
        n_rows++;
        snprintf(year_text[i], sizeof year_text[i], "%" PRId64, int_of(b, "fiscal_year"));
        years[n_rows - 1] = year_text[i];
        codes[n_rows - 1] = dw_obj_str(b, "project_code");
    }
    if (n_rows == 0) {
        rc = 0;
        goto out;
    }
    /* COPY into a temporary table, then one upsert: the last allocation of a
     * line in the batch wins, as it would have one by one. */
    if (dw_pg_exec(pg, "validate",
                   "CREATE TEMP TABLE IF NOT EXISTS tmp_lines (ord int, LIKE budget_lines INCLUDING DEFAULTS) "
                   "ON COMMIT DELETE ROWS",
                   0, NULL) != 0 ||
        dw_pg_copy(pg, "validate",
                   "COPY tmp_lines (ord, line_id, fiscal_year, dept_code, unit_code, project_code, project_name, kind, "
                   "fund_type, source, function_code, economic_code, section_code, initial_fen, adjusted_fen, "
                   "transferred_fen, current_fen, inbox_seq) FROM STDIN",
                   &rows) != n_rows)
        goto out;
    /* A line that moves to another project (or year) changes two positions:
     * forget the cache rather than track both. */
    int64_t moved = 0;
    if (dw_pg_query_int(pg, "validate",
                        "SELECT count(*) FROM budget_lines b JOIN tmp_lines t USING (line_id) "
                        "WHERE b.fiscal_year <> t.fiscal_year OR b.project_code <> t.project_code",
                        0, NULL, &moved) != 0)
        goto out;
    if (moved > 0)
        dw_strmap_clear(self->positions);
    if (dw_pg_exec(pg, "validate",
                   "INSERT INTO budget_lines (line_id, fiscal_year, dept_code, unit_code, project_code, project_name, "
                   "kind, fund_type, source, function_code, economic_code, section_code, initial_fen, adjusted_fen, "
                   "transferred_fen, current_fen, inbox_seq) "
                   "SELECT DISTINCT ON (line_id) line_id, fiscal_year, dept_code, unit_code, project_code, "
                   "project_name, kind, fund_type, source, function_code, economic_code, section_code, initial_fen, "
                   "adjusted_fen, transferred_fen, current_fen, inbox_seq FROM tmp_lines ORDER BY line_id, ord DESC "
                   "ON CONFLICT (line_id) DO UPDATE SET fiscal_year = EXCLUDED.fiscal_year, "
                   "dept_code = EXCLUDED.dept_code, unit_code = EXCLUDED.unit_code, "
                   "project_code = EXCLUDED.project_code, project_name = EXCLUDED.project_name, "
                   "kind = EXCLUDED.kind, fund_type = EXCLUDED.fund_type, source = EXCLUDED.source, "
                   "function_code = EXCLUDED.function_code, economic_code = EXCLUDED.economic_code, "
                   "section_code = EXCLUDED.section_code, initial_fen = EXCLUDED.initial_fen, "
                   "adjusted_fen = EXCLUDED.adjusted_fen, transferred_fen = EXCLUDED.transferred_fen, "
                   "current_fen = EXCLUDED.current_fen, inbox_seq = EXCLUDED.inbox_seq, updated_at = now()",
                   0, NULL) != 0)
        goto out;
    if (dw_pg_text_array(&a_years, years, (size_t)n_rows) || dw_pg_text_array(&a_codes, codes, (size_t)n_rows))
        goto out;
    const char *params[2] = {a_years.data, a_codes.data};
    PGresult *res =
        dw_pg_query(pg, "validate",
                    "SELECT l.project_code, l.fiscal_year, sum(l.current_fen), count(*) FROM budget_lines l "
                    "JOIN (SELECT DISTINCT * FROM unnest($1::int[], $2::text[])) AS p(fiscal_year, "
                    "project_code) USING (fiscal_year, project_code) GROUP BY 1, 2",
                    2, params);
    if (!res)
        goto out;
    for (int r = 0; r < PQntuples(res); r++) {
        char key[96];
        position_key(key, sizeof key, PQgetvalue(res, r, 0), dw_pg_int(res, r, 1));
        position_t *p = dw_strmap_get(self->positions, key);
        if (p) { /* known: its budget moves, its payments stay */
            p->budget_fen = dw_pg_int(res, r, 2);
            p->n_lines = dw_pg_int(res, r, 3);
        }
    }
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!ok[i])
            continue;
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        int64_t budget = 0;
        for (int r = 0; r < PQntuples(res); r++)
            if (strcmp(PQgetvalue(res, r, 0), dw_obj_str(b, "project_code")) == 0 &&
                dw_pg_int(res, r, 1) == int_of(b, "fiscal_year"))
                budget = dw_pg_int(res, r, 2);
        char id[64];
        snprintf(id, sizeof id, "fact-%" PRId64, ev[i].seq);
        dw_msg_t *f = dw_msg_new("fact.budget", id, "validate", dw_now_ms());
        if (!f) {
            rc = -1;
            break;
        }
        dw_obj_t *fb = dw_msg_body(f);
        const char *section = dw_obj_str(b, "section_code");
        int set = dw_obj_set_str(fb, "line_id", dw_obj_str(b, "line_id")) |
                  dw_obj_set_int(fb, "fiscal_year", int_of(b, "fiscal_year")) |
                  dw_obj_set_str(fb, "dept_code", dw_obj_str(b, "dept_code")) |
                  dw_obj_set_str(fb, "project_code", dw_obj_str(b, "project_code")) |
                  dw_obj_set_str(fb, "project_name", dw_obj_str(b, "project_name")) |
                  dw_obj_set_str(fb, "kind", dw_obj_str(b, "kind")) |
                  dw_obj_set_int(fb, "current_fen", int_of(b, "current_fen")) |
                  dw_obj_set_int(fb, "budget_fen", budget) | dw_obj_set_int(fb, "inbox_seq", ev[i].seq);
        if (section)
            set |= dw_obj_set_str(fb, "section_code", section);
        rc = set == 0 ? dw_stage_emit_msg(stage, f, dw_obj_str(b, "project_code")) : -1;
        dw_msg_destroy(&f);
    }
    PQclear(res);
out:
    dw_buf_free(&rows);
    dw_buf_free(&a_years);
    dw_buf_free(&a_codes);
    free(years);
    free(codes);
    free(year_text);
    free(ok);
    return rc;
}

/* ---- payments ---- */

/* The content that makes two payments with one voucher number the same
 * payment, as one string (unit separator between fields). */
static void payment_signature(dw_buf_t *out, const dw_obj_t *b)
{
    dw_buf_reset(out);
    static const char *const text_fields[] = {"payment_date", "dept_code",     "unit_code",
                                              "project_code", "function_code", "economic_code",
                                              "method",       "payee",         "contract_no"};
    int ok = dw_buf_printf(out, "%" PRId64 "\x1f%" PRId64, int_of(b, "fiscal_year"), int_of(b, "amount_fen"));
    for (size_t k = 0; k < sizeof text_fields / sizeof *text_fields; k++)
        ok |= dw_buf_printf(out, "\x1f%s", str_or(b, text_fields[k], ""));
    (void)ok; /* out of memory leaves a shorter signature: compared, it only makes a false conflict */
}

/* Makes sure every project of the run has its position in the cache: the
 * ones not seen since the last rollback are summed from the tables, two
 * statements for all of them. */
static int load_positions(dw_validate_t *self, dw_pg_t *pg, dw_msg_t **msgs, size_t n)
{
    const char **years = calloc(n, sizeof *years), **codes = calloc(n, sizeof *codes);
    char(*year_text)[16] = calloc(n, sizeof *year_text);
    dw_buf_t a1 = DW_BUF_INIT, a2 = DW_BUF_INIT;
    size_t n_missing = 0;
    int rc = -1;
    if (!years || !codes || !year_text)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        char key[96];
        position_key(key, sizeof key, dw_obj_str(b, "project_code"), int_of(b, "fiscal_year"));
        bool created = false;
        if (!dw_strmap_put(self->positions, key, &created))
            goto out;
        if (!created)
            continue;
        snprintf(year_text[n_missing], sizeof year_text[n_missing], "%" PRId64, int_of(b, "fiscal_year"));
        years[n_missing] = year_text[n_missing];
        codes[n_missing++] = dw_obj_str(b, "project_code");
    }
    if (n_missing == 0) {
        rc = 0;
        goto out;
    }
    if (dw_pg_text_array(&a1, years, n_missing) || dw_pg_text_array(&a2, codes, n_missing))
        goto out;
    const char *params[2] = {a1.data, a2.data};
    static const char *const sql[2] = {
        "SELECT l.project_code, l.fiscal_year, sum(l.current_fen), count(*) FROM budget_lines l "
        "JOIN unnest($1::int[], $2::text[]) AS p(fiscal_year, project_code) USING (fiscal_year, project_code) "
        "GROUP BY 1, 2",
        "SELECT x.project_code, x.fiscal_year, sum(x.amount_fen), count(*) FROM payments x "
        "JOIN unnest($1::int[], $2::text[]) AS p(fiscal_year, project_code) USING (fiscal_year, project_code) "
        "GROUP BY 1, 2",
    };
    for (int q = 0; q < 2; q++) {
        PGresult *res = dw_pg_query(pg, "validate", sql[q], 2, params);
        if (!res)
            goto out;
        for (int r = 0; r < PQntuples(res); r++) {
            char key[96];
            position_key(key, sizeof key, PQgetvalue(res, r, 0), dw_pg_int(res, r, 1));
            position_t *p = dw_strmap_get(self->positions, key);
            if (!p)
                continue;
            if (q == 0) {
                p->budget_fen = dw_pg_int(res, r, 2);
                p->n_lines = dw_pg_int(res, r, 3);
            } else {
                p->paid_fen = dw_pg_int(res, r, 2);
            }
        }
        PQclear(res);
    }
    rc = 0;
out:
    free(years);
    free(codes);
    free(year_text);
    dw_buf_free(&a1);
    dw_buf_free(&a2);
    return rc;
}

/* Signatures of the vouchers of this run already stored: one statement. */
static PGresult *stored_vouchers(dw_pg_t *pg, dw_msg_t **msgs, size_t n)
{
    const char **vouchers = calloc(n, sizeof *vouchers);
    dw_buf_t arr = DW_BUF_INIT;
    PGresult *res = NULL;
    if (vouchers) {
        for (size_t i = 0; i < n; i++)
            vouchers[i] = dw_obj_str(dw_msg_body(msgs[i]), "voucher_no");
        if (dw_pg_text_array(&arr, vouchers, n) == 0) {
            const char *params[1] = {arr.data};
            res = dw_pg_query(pg, "validate",
                              "SELECT voucher_no, fiscal_year || chr(31) || amount_fen || chr(31) || payment_date || "
                              "chr(31) || dept_code || chr(31) || unit_code || chr(31) || project_code || chr(31) || "
                              "function_code || chr(31) || economic_code || chr(31) || method || chr(31) || payee || "
                              "chr(31) || coalesce(contract_no, '') FROM payments WHERE voucher_no = ANY($1::text[])",
                              1, params);
        }
    }
    free(vouchers);
    dw_buf_free(&arr);
    return res;
}

static int emit_payment(dw_stage_t *stage, const dw_event_t *ev, const dw_obj_t *b, const char *const *flags,
                        size_t n_flags, const position_t *p)
{
    char id[64];
    snprintf(id, sizeof id, "fact-%" PRId64, ev->seq);
    dw_msg_t *f = dw_msg_new("fact.payment", id, "validate", dw_now_ms());
    if (!f)
        return -1;
    dw_obj_t *fb = dw_msg_body(f);
    static const char *const copied[] = {"voucher_no", "payment_date", "dept_code", "unit_code", "project_code"};
    int rc = 0;
    for (size_t k = 0; k < sizeof copied / sizeof *copied; k++)
        rc |= dw_obj_set_str(fb, copied[k], dw_obj_str(b, copied[k]));
    rc |= dw_obj_set_int(fb, "fiscal_year", int_of(b, "fiscal_year")) |
          dw_obj_set_int(fb, "amount_fen", int_of(b, "amount_fen")) | dw_obj_set_int(fb, "budget_fen", p->budget_fen) |
          dw_obj_set_int(fb, "paid_fen", p->paid_fen) | dw_obj_set_int(fb, "inbox_seq", ev->seq);
    for (size_t k = 0; k < n_flags; k++)
        rc |= dw_obj_push_str(fb, "flags", flags[k]);
    if (rc == 0)
        rc = dw_stage_emit_msg(stage, f, dw_obj_str(b, "project_code"));
    dw_msg_destroy(&f);
    return rc ? -1 : 0;
}

/* The signature already known for a voucher (stored before, or earlier in
 * this run): an offset into sigs, 0 when unknown. */
typedef struct known_voucher {
    size_t sig_off; /* 1 + offset of the NUL-terminated signature in sigs */
} known_voucher_t;

static int remember_voucher(dw_strmap_t *known, dw_buf_t *sigs, const char *voucher, const char *sig)
{
    known_voucher_t *k = dw_strmap_put(known, voucher, NULL);
    if (!k)
        return -1;
    k->sig_off = sigs->len + 1;
    return dw_buf_append(sigs, sig, strlen(sig) + 1);
}

static int payment_run(dw_validate_t *self, dw_stage_t *stage, dw_pg_t *pg, batch_out_t *out, const dw_event_t *ev,
                       dw_msg_t **msgs, size_t n)
{
    dw_strmap_t *known = dw_strmap_new(sizeof(known_voucher_t));
    dw_buf_t rows = DW_BUF_INIT, sig = DW_BUF_INIT, sigs = DW_BUF_INIT;
    int64_t n_rows = 0;
    PGresult *stored = NULL;
    int rc = -1;
    if (!known || load_positions(self, pg, msgs, n) != 0 || !(stored = stored_vouchers(pg, msgs, n)))
        goto out;
    for (int r = 0; r < PQntuples(stored); r++)
        if (remember_voucher(known, &sigs, PQgetvalue(stored, r, 0), PQgetvalue(stored, r, 1)) != 0)
            goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *b = dw_msg_body(msgs[i]);
        const char *voucher = dw_obj_str(b, "voucher_no");
        payment_signature(&sig, b);
        /* The same voucher again (another id, a resend after a restart): stored
         * once if identical, a conflict if not — never overwritten. */
        const known_voucher_t *k = dw_strmap_get(known, voucher);
        const char *earlier = k ? sigs.data + k->sig_off - 1 : NULL;
        if (earlier) {
            if (strcmp(earlier, sig.data) == 0) {
                dw_log_info(voucher, "voucher received again (%s/%s) with the same content: stored once",
                            dw_msg_src(msgs[i]), dw_msg_id(msgs[i]));
                continue;
            }
            char why[300];
            snprintf(why, sizeof why, "支付凭证 voucher %s was already stored with different content", voucher);
            if (refuse(stage, out, &ev[i], msgs[i], DW_E_CONFLICT, "body.voucher_no", why) != 0)
                goto out;
            continue;
        }
        char key[96];
        position_key(key, sizeof key, dw_obj_str(b, "project_code"), int_of(b, "fiscal_year"));
        position_t *p = dw_strmap_get(self->positions, key);
        int64_t amount = int_of(b, "amount_fen");
        const char *flags[4];
        size_t n_flags = 0;
        if (!p)
            goto out; /* load_positions put every project of the run in the cache */
        if (!dw_fen_add(p->paid_fen, amount, &p->paid_fen)) {
            /* No real payment gets here; a producer's mistake must not stop the stage. */
            if (refuse(stage, out, &ev[i], msgs[i], DW_E_OUT_OF_RANGE, "body.amount_fen",
                       "累计支付 the project's paid total would exceed what 64-bit fen can hold") != 0)
                goto out;
            continue;
        }
        if (p->n_lines == 0)
            flags[n_flags++] = "no_budget"; /* 无预算开支 */
        else if (p->paid_fen > p->budget_fen)
            flags[n_flags++] = "over_budget"; /* 超预算开支 */
        if (n_flags)
            dw_log_warn(voucher,
                        "payment of %" PRId64 " fen on %s flagged %s (paid %" PRId64 " of budget %" PRId64 " fen)",
                        amount, dw_obj_str(b, "project_code"), flags[0], p->paid_fen, p->budget_fen);
        dw_buf_t arr = DW_BUF_INIT;
        if (dw_pg_text_array(&arr, flags, n_flags)) {
            dw_buf_free(&arr);
            goto out;
        }
        const char *contract = dw_obj_str(b, "contract_no");
        int bad = dw_copy_text(&rows, voucher) || dw_copy_int(&rows, int_of(b, "fiscal_year")) ||
                  dw_copy_text(&rows, dw_obj_str(b, "payment_date")) ||
                  dw_copy_text(&rows, dw_obj_str(b, "dept_code")) || dw_copy_text(&rows, dw_obj_str(b, "unit_code")) ||
                  dw_copy_text(&rows, dw_obj_str(b, "project_code")) ||
                  dw_copy_text(&rows, dw_obj_str(b, "function_code")) ||
                  dw_copy_text(&rows, dw_obj_str(b, "economic_code")) || dw_copy_int(&rows, amount) ||
                  dw_copy_text(&rows, dw_obj_str(b, "method")) || dw_copy_text(&rows, dw_obj_str(b, "payee")) ||
                  (contract ? dw_copy_text(&rows, contract) : dw_copy_null(&rows)) || dw_copy_text(&rows, arr.data) ||
                  dw_copy_int(&rows, ev[i].seq) || dw_copy_text(&rows, dw_msg_src(msgs[i])) ||
                  dw_copy_text(&rows, dw_msg_id(msgs[i])) || dw_copy_end_row(&rows);
        dw_buf_free(&arr);
        if (bad || remember_voucher(known, &sigs, voucher, sig.data) != 0)
            goto out;
        n_rows++;
        if (emit_payment(stage, &ev[i], b, flags, n_flags, p) != 0)
            goto out;
    }
    if (n_rows &&
        dw_pg_copy(pg, "validate",
                   "COPY payments (voucher_no, fiscal_year, payment_date, dept_code, unit_code, project_code, "
                   "function_code, economic_code, amount_fen, method, payee, contract_no, flags, inbox_seq, "
                   "src, id) FROM STDIN",
                   &rows) != n_rows)
        goto out;
    rc = 0;
out:
    PQclear(stored);
    dw_strmap_destroy(&known);
    dw_buf_free(&rows);
    dw_buf_free(&sig);
    dw_buf_free(&sigs);
    return rc;
}

/* ---- the batch ---- */

typedef enum kind { KIND_BUDGET, KIND_PAYMENT, KIND_OTHER } kind_t;

static kind_t kind_of(const dw_msg_t *m)
{
    if (!m)
        return KIND_OTHER;
    if (strcmp(dw_msg_type(m), "budget.allocation") == 0)
        return KIND_BUDGET;
    if (strcmp(dw_msg_type(m), "treasury.payment") == 0)
        return KIND_PAYMENT;
    return KIND_OTHER;
}

static int validate_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_validate_t *self = ctx;
    dw_msg_t **msgs = calloc(n, sizeof *msgs);
    batch_out_t out = {DW_BUF_INIT, 0};
    int rc = -1;
    if (!msgs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        dw_error_t err;
        msgs[i] = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        /* intake checked it; only a contract change between the two could do
         * this, and then the message is kept in rejects, not lost */
        if (!msgs[i] && refuse_undecodable(&out, &ev[i], &err) != 0) {
            rc = -1;
            goto done;
        }
    }
    /* Runs of one kind keep the batch's order where it matters (a payment is
     * judged against the budget lines that arrived before it) while each run
     * is written with a handful of statements. */
    size_t i = 0;
    rc = 0;
    while (i < n && rc == 0) {
        kind_t k = kind_of(msgs[i]);
        size_t j = i + 1;
        while (j < n && kind_of(msgs[j]) == k)
            j++;
        if (k == KIND_BUDGET)
            rc = budget_run(self, stage, pg, &out, ev + i, msgs + i, j - i);
        else if (k == KIND_PAYMENT)
            rc = payment_run(self, stage, pg, &out, ev + i, msgs + i, j - i);
        i = j;
    }
done:
    if (rc == 0 && out.n_rejects &&
        dw_pg_copy(pg, "validate", "COPY rejects (stage, src, id, type, code, field, message, inbox_seq) FROM STDIN",
                   &out.rejects) != out.n_rejects)
        rc = -1;
    for (size_t k = 0; k < n; k++)
        dw_msg_destroy(&msgs[k]);
    free(msgs);
    dw_buf_free(&out.rejects);
    return rc;
}

/* After a rollback the cached totals may count what was never stored. */
static void validate_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_validate_t *self = ctx;
    if (!committed)
        dw_strmap_clear(self->positions);
}

const dw_stage_handler_t *dw_validate_handler(void)
{
    static const dw_stage_handler_t handler = {.batch = validate_batch, .after = validate_after};
    return &handler;
}
