#include "v_payment.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_money.h"
#include "dw_strmap.h"
#include "v_sig.h"
#include "v_sql.h"

/* fact.payment: a payment (or, with a negative amount, a reversal) and the
 * project's position with it. */
static int emit_payment_fact(dw_v_batch_t *b, const dw_event_t *ev, const char *voucher, int64_t fiscal_year,
                             const char *date, const char *dept, const char *unit, const char *project,
                             int64_t amount_fen, const dw_v_verdict_t *v, const dw_v_position_t *p)
{
    char id[64];
    snprintf(id, sizeof id, "fact-%" PRId64, ev->seq);
    dw_msg_t *f = dw_msg_new("fact.payment", id, "validate", dw_now_ms());
    if (!f)
        return -1;
    dw_obj_t *fb = dw_msg_body(f);
    int rc = dw_obj_set_str(fb, "voucher_no", voucher) | dw_obj_set_int(fb, "fiscal_year", fiscal_year) |
             dw_obj_set_str(fb, "payment_date", date) | dw_obj_set_str(fb, "dept_code", dept) |
             dw_obj_set_str(fb, "unit_code", unit) | dw_obj_set_str(fb, "project_code", project) |
             dw_obj_set_int(fb, "amount_fen", amount_fen) | dw_obj_set_int(fb, "budget_fen", p->budget_fen) |
             dw_obj_set_int(fb, "paid_fen", p->paid_fen) | dw_obj_set_int(fb, "inbox_seq", ev->seq);
    for (size_t k = 0; k < v->n_flags; k++)
        rc |= dw_obj_push_str(fb, "flags", v->flags[k]);
    if (rc == 0)
        rc = dw_stage_emit_msg(b->stage, f, project);
    dw_msg_destroy(&f);
    return rc ? -1 : 0;
}

/* Years and project codes of the run's payments (or originals), for loading positions. */
static int add_project(dw_v_strs_t *years, dw_v_strs_t *codes, int64_t fiscal_year, const char *project)
{
    return dw_v_strs_add_int(years, fiscal_year) || dw_v_strs_add(codes, project) ? -1 : 0;
}

/* A money sum past int64 would be refused as out of range (V-SCH-003): no
 * real payment gets there, and a producer's mistake must not stop the stage. */
static void out_of_range(dw_v_batch_t *b, dw_v_verdict_t *v)
{
    v->refusal = dw_v_catalogue_find(b->catalogue, "V-SCH-003");
    snprintf(v->finding.field, sizeof v->finding.field, "body.amount_fen");
    snprintf(v->finding.value, sizeof v->finding.value, "累计支付超出范围");
    snprintf(v->finding.expected, sizeof v->finding.expected, "64位分值以内");
}

/* ---- treasury.payment ---------------------------------------------------- */

/* The content that makes two payments with one voucher number the same
 * payment, as one string. line_id is the treasury's hint, not the payment:
 * it does not count (payments stored before 003 did not keep it). */
static int payment_signature(dw_buf_t *out, const dw_obj_t *b)
{
    dw_buf_reset(out);
    static const char *const text_fields[] = {"payment_date", "dept_code",     "unit_code",
                                              "project_code", "function_code", "economic_code",
                                              "method",       "payee",         "contract_no"};
    int rc = dw_buf_printf(out, "%" PRId64 "\x1f%" PRId64, dw_v_int(b, "fiscal_year"), dw_v_int(b, "amount_fen"));
    for (size_t k = 0; k < sizeof text_fields / sizeof *text_fields; k++)
        rc |= dw_buf_printf(out, "\x1f%s", dw_v_str(b, text_fields[k]));
    return rc ? -1 : 0;
}

/* One project's acks in the run's array of hold acks. */
typedef struct hold_range {
    size_t first, n;
} hold_range_t;

/* The holds and releases of the run's projects — dw-route's treasury
 * instructions (a payment is flagged from the day a hold is issued, before
 * the treasury confirms it) and the treasury's hold_acks — one statement:
 * *acks grouped by project, each group in effect order (the same day: in the
 * order they were written), ranges from project code to its group. A
 * hold_ack run earlier in the batch is already in the table (same
 * transaction), so it counts for the payments that follow it. */
static int load_hold_acks(dw_pg_t *pg, const dw_v_strs_t *projects, dw_v_hold_ack_t **acks, dw_strmap_t *ranges)
{
    dw_buf_t arr = DW_BUF_INIT;
    int rc = -1;
    *acks = NULL;
    if (dw_v_strs_literal(projects, &arr))
        goto out;
    const char *p[1] = {arr.data};
    PGresult *res = dw_pg_query(pg, "validate",
                                "SELECT project_code, action, effective_date::text FROM ("
                                "SELECT project_code, action, effective_date, stored_at AS at FROM hold_acks "
                                "WHERE project_code = ANY($1::text[]) UNION ALL "
                                "SELECT project_code, action, issued_on, issued_at FROM treasury_instructions "
                                "WHERE project_code = ANY($1::text[])) h ORDER BY project_code, effective_date, at",
                                1, p);
    if (!res)
        goto out;
    int rows = PQntuples(res);
    *acks = rows ? calloc((size_t)rows, sizeof **acks) : NULL;
    rc = rows && !*acks ? -1 : 0;
    hold_range_t *range = NULL;
    for (int r = 0; r < rows && rc == 0; r++) {
        const char *project = PQgetvalue(res, r, 0);
        if (r == 0 || strcmp(project, PQgetvalue(res, r - 1, 0)) != 0) {
            if (!(range = dw_strmap_put(ranges, project, NULL))) {
                rc = -1;
                break;
            }
            range->first = (size_t)r;
        }
        dw_v_hold_ack_t *a = &(*acks)[r];
        snprintf(a->effective_date, sizeof a->effective_date, "%s", PQgetvalue(res, r, 2));
        a->hold = strcmp(PQgetvalue(res, r, 1), "hold") == 0;
        range->n++;
    }
    PQclear(res);
out:
    dw_buf_free(&arr);
    return rc;
}

static int copy_payment(dw_buf_t *rows, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                        const dw_v_verdict_t *v)
{
    return dw_copy_text(rows, dw_v_str(o, "voucher_no")) || dw_copy_int(rows, dw_v_int(o, "fiscal_year")) ||
           dw_copy_text(rows, dw_v_str(o, "payment_date")) || dw_copy_text(rows, dw_v_str(o, "dept_code")) ||
           dw_copy_text(rows, dw_v_str(o, "unit_code")) || dw_copy_text(rows, dw_v_str(o, "project_code")) ||
           dw_v_copy_opt(rows, dw_obj_str(o, "line_id")) || dw_copy_text(rows, dw_v_str(o, "function_code")) ||
           dw_copy_text(rows, dw_v_str(o, "economic_code")) || dw_copy_int(rows, dw_v_int(o, "amount_fen")) ||
           dw_copy_text(rows, dw_v_str(o, "method")) || dw_copy_text(rows, dw_v_str(o, "payee")) ||
           dw_v_copy_opt(rows, dw_obj_str(o, "contract_no")) || dw_v_copy_array(rows, v->flags, v->n_flags) ||
           dw_copy_int(rows, ev->seq) || dw_copy_text(rows, dw_msg_src(m)) || dw_copy_text(rows, dw_msg_id(m)) ||
           dw_copy_end_row(rows);
}

int dw_v_payment_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_strs_t years = DW_V_STRS_INIT, projects = DW_V_STRS_INIT, vouchers = DW_V_STRS_INIT;
    dw_strmap_t *hold_ranges = dw_strmap_new(sizeof(hold_range_t));
    dw_v_hold_ack_t *hold_acks = NULL;
    dw_v_known_t *known = dw_v_known_new();
    dw_buf_t rows = DW_BUF_INIT, sig = DW_BUF_INIT, arr = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = -1;
    if (!hold_ranges || !known)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (add_project(&years, &projects, dw_v_int(o, "fiscal_year"), dw_v_str(o, "project_code")) ||
            dw_v_strs_add(&vouchers, dw_v_str(o, "voucher_no")))
            goto out;
    }
    if (dw_v_positions_load(b->positions, b->pg, &years, &projects) != 0 ||
        load_hold_acks(b->pg, &projects, &hold_acks, hold_ranges) != 0 || dw_v_strs_literal(&vouchers, &arr))
        goto out;
    const char *vp[1] = {arr.data};
    PGresult *res = dw_pg_query(b->pg, "validate",
                                "SELECT voucher_no, fiscal_year || chr(31) || amount_fen || chr(31) || payment_date || "
                                "chr(31) || dept_code || chr(31) || unit_code || chr(31) || project_code || chr(31) || "
                                "function_code || chr(31) || economic_code || chr(31) || method || chr(31) || payee || "
                                "chr(31) || coalesce(contract_no, '') FROM payments WHERE voucher_no = ANY($1::text[])",
                                1, vp);
    if (!res)
        goto out;
    int bad = 0;
    for (int r = 0; r < PQntuples(res) && !bad; r++) {
        char key[128];
        dw_v_key(key, sizeof key, PQgetvalue(res, r, 0), NULL, NULL);
        bad = dw_v_known_put(known, key, PQgetvalue(res, r, 1));
    }
    PQclear(res);
    if (bad)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *voucher = dw_v_str(o, "voucher_no"), *project = dw_v_str(o, "project_code");
        int64_t amount = dw_v_int(o, "amount_fen"), year = dw_v_int(o, "fiscal_year");
        char key[128];
        dw_v_key(key, sizeof key, voucher, NULL, NULL);
        if (payment_signature(&sig, o) != 0)
            goto out;
        /* The same voucher again (another id, a resend after a restart): stored
         * once if identical, a conflict if not — never overwritten. */
        const char *earlier = dw_v_known_get(known, key);
        if (earlier && strcmp(earlier, sig.data) == 0) {
            dw_log_info(voucher, "voucher received again (%s/%s) with the same content: stored once",
                        dw_msg_src(msgs[i]), dw_msg_id(msgs[i]));
            continue;
        }
        dw_v_position_t *p = dw_v_positions_get(b->positions, project, year);
        if (!p)
            goto out; /* dw_v_positions_load put every project of the run in the cache */
        dw_v_position_t after = *p;
        bool overflow = !dw_fen_add(p->paid_fen, amount, &after.paid_fen);
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        s.n_lines = after.n_lines;
        s.budget_fen = after.budget_fen;
        s.paid_fen = after.paid_fen;
        s.economic_listed = dw_v_positions_economic_listed(b->positions, year, project, dw_v_str(o, "economic_code"));
        s.economic_list = dw_v_positions_economic_list(b->positions, year, project);
        const hold_range_t *holds = dw_strmap_get(hold_ranges, project);
        if (holds) {
            s.hold_acks = hold_acks + holds->first;
            s.n_hold_acks = holds->n;
        }
        s.conflict = earlier != NULL;
        s.conflict_field = "body.voucher_no";
        s.conflict_key = voucher;
        dw_v_verdict_t v;
        if (s.conflict)
            dw_v_catalogue_apply_one(b->catalogue, "V-CON-014", &s, voucher, &v);
        else
            dw_v_catalogue_apply(b->catalogue, &s, voucher, &v);
        if (overflow && !v.refusal)
            out_of_range(b, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        *p = after;
        /* a flag is the payment's data (payments.flags, and dw-analyze's
         * alert), not a fault of the service: at debug, not a warning per payment */
        if (v.n_flags)
            dw_log_debug(voucher,
                         "payment of %" PRId64 " fen on %s flagged %s%s (paid %" PRId64 " of budget %" PRId64 " fen)",
                         amount, project, v.flags[0], v.n_flags > 1 ? " and more" : "", p->paid_fen, p->budget_fen);
        if (copy_payment(&rows, &ev[i], msgs[i], o, &v) || dw_v_known_put(known, key, sig.data))
            goto out;
        n_rows++;
        if (emit_payment_fact(b, &ev[i], voucher, year, dw_v_str(o, "payment_date"), dw_v_str(o, "dept_code"),
                              dw_v_str(o, "unit_code"), project, amount, &v, p) != 0)
            goto out;
    }
    if (n_rows &&
        dw_pg_copy(b->pg, "validate",
                   "COPY payments (voucher_no, fiscal_year, payment_date, dept_code, unit_code, project_code, line_id, "
                   "function_code, economic_code, amount_fen, method, payee, contract_no, flags, inbox_seq, src, id) "
                   "FROM STDIN",
                   &rows) != n_rows)
        goto out;
    rc = 0;
out:
    dw_v_strs_free(&years);
    dw_v_strs_free(&projects);
    dw_v_strs_free(&vouchers);
    dw_strmap_destroy(&hold_ranges);
    free(hold_acks);
    dw_v_known_destroy(&known);
    dw_buf_free(&rows);
    dw_buf_free(&sig);
    dw_buf_free(&arr);
    return rc;
}

/* ---- treasury.reversal -------------------------------------------------- */

/* An original voucher as the run sees it: as stored, less each reversal. */
typedef struct original {
    int64_t fiscal_year, remaining_fen;
    char date[16], dept[40], unit[40], project[72], line[72];
} original_t;

static int load_originals(dw_strmap_t *originals, dw_pg_t *pg, const dw_v_strs_t *vouchers)
{
    dw_buf_t arr = DW_BUF_INIT;
    int rc = -1;
    if (dw_v_strs_literal(vouchers, &arr))
        goto out;
    const char *p[1] = {arr.data};
    PGresult *res =
        dw_pg_query(pg, "validate",
                    "SELECT p.voucher_no, p.fiscal_year, p.payment_date, p.dept_code, p.unit_code, p.project_code, "
                    "coalesce(p.line_id, ''), p.amount_fen - coalesce(r.reversed, 0) FROM payments p "
                    "LEFT JOIN (SELECT original_voucher_no, sum(amount_fen) AS reversed FROM reversals "
                    "WHERE original_voucher_no = ANY($1::text[]) GROUP BY 1) r "
                    "ON r.original_voucher_no = p.voucher_no WHERE p.voucher_no = ANY($1::text[])",
                    1, p);
    if (!res)
        goto out;
    rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        original_t *o = dw_strmap_put(originals, PQgetvalue(res, r, 0), NULL);
        if (!o) {
            rc = -1;
            break;
        }
        o->fiscal_year = dw_pg_int(res, r, 1);
        snprintf(o->date, sizeof o->date, "%s", PQgetvalue(res, r, 2));
        snprintf(o->dept, sizeof o->dept, "%s", PQgetvalue(res, r, 3));
        snprintf(o->unit, sizeof o->unit, "%s", PQgetvalue(res, r, 4));
        snprintf(o->project, sizeof o->project, "%s", PQgetvalue(res, r, 5));
        snprintf(o->line, sizeof o->line, "%s", PQgetvalue(res, r, 6));
        o->remaining_fen = dw_pg_int(res, r, 7);
    }
    PQclear(res);
out:
    dw_buf_free(&arr);
    return rc;
}

static int copy_reversal(dw_buf_t *rows, const dw_event_t *ev, const dw_msg_t *m, const dw_obj_t *o,
                         const original_t *orig, const dw_v_verdict_t *v)
{
    return dw_copy_text(rows, dw_v_str(o, "voucher_no")) || dw_copy_text(rows, dw_v_str(o, "original_voucher_no")) ||
           dw_copy_int(rows, dw_v_int(o, "fiscal_year")) || dw_copy_text(rows, dw_v_str(o, "reversal_date")) ||
           dw_copy_int(rows, dw_v_int(o, "amount_fen")) || dw_copy_text(rows, dw_v_str(o, "reason")) ||
           dw_copy_text(rows, orig->dept) || dw_copy_text(rows, orig->unit) || dw_copy_text(rows, orig->project) ||
           dw_v_copy_opt(rows, orig->line[0] ? orig->line : NULL) || dw_v_copy_array(rows, v->flags, v->n_flags) ||
           dw_copy_int(rows, ev->seq) || dw_copy_text(rows, dw_msg_src(m)) || dw_copy_text(rows, dw_msg_id(m)) ||
           dw_copy_end_row(rows);
}

int dw_v_reversal_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_strs_t originals_no = DW_V_STRS_INIT, vouchers = DW_V_STRS_INIT, years = DW_V_STRS_INIT,
                projects = DW_V_STRS_INIT;
    dw_strmap_t *originals = dw_strmap_new(sizeof(original_t));
    dw_v_known_t *known = dw_v_known_new();
    dw_buf_t rows = DW_BUF_INIT, sig = DW_BUF_INIT, arr = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = -1;
    if (!originals || !known)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        if (dw_v_strs_add(&originals_no, dw_v_str(o, "original_voucher_no")) ||
            dw_v_strs_add(&vouchers, dw_v_str(o, "voucher_no")))
            goto out;
    }
    if (load_originals(originals, b->pg, &originals_no) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const original_t *orig = dw_strmap_get(originals, dw_v_strs_at(&originals_no, i));
        if (orig && add_project(&years, &projects, orig->fiscal_year, orig->project) != 0)
            goto out;
    }
    if (dw_v_positions_load(b->positions, b->pg, &years, &projects) != 0 || dw_v_strs_literal(&vouchers, &arr))
        goto out;
    const char *vp[1] = {arr.data};
    if (dw_v_known_load(known, b->pg,
                        "SELECT x.voucher_no, i.raw FROM reversals x JOIN inbox i ON i.seq = x.inbox_seq "
                        "WHERE x.voucher_no = ANY($1::text[])",
                        1, vp) != 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *voucher = dw_v_str(o, "voucher_no");
        int64_t amount = dw_v_int(o, "amount_fen"), year = dw_v_int(o, "fiscal_year");
        char key[128];
        dw_v_key(key, sizeof key, voucher, NULL, NULL);
        if (dw_v_signature(o, &sig) != 0)
            goto out;
        const char *earlier = dw_v_known_get(known, key);
        if (earlier && strcmp(earlier, sig.data) == 0) {
            dw_log_info(voucher, "reversal received again (%s/%s) with the same content: stored once",
                        dw_msg_src(msgs[i]), dw_msg_id(msgs[i]));
            continue;
        }
        original_t *orig = dw_strmap_get(originals, dw_v_str(o, "original_voucher_no"));
        if (orig && orig->fiscal_year != year)
            orig = NULL; /* a reversal reduces what was paid in its own fiscal year */
        dw_v_position_t *p = orig ? dw_v_positions_get(b->positions, orig->project, year) : NULL;
        dw_v_position_t after = p ? *p : (dw_v_position_t){0, 0, 0};
        bool overflow = p && !dw_fen_sub(p->paid_fen, amount, &after.paid_fen);
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        s.original_known = p != NULL;
        if (p) {
            s.original_remaining_fen = orig->remaining_fen;
            s.original_date = orig->date;
        }
        s.n_lines = after.n_lines;
        s.budget_fen = after.budget_fen;
        s.paid_fen = after.paid_fen;
        s.conflict = earlier != NULL;
        s.conflict_field = "body.voucher_no";
        s.conflict_key = voucher;
        dw_v_verdict_t v;
        if (s.conflict)
            dw_v_catalogue_apply_one(b->catalogue, "V-CON-014", &s, voucher, &v);
        else
            dw_v_catalogue_apply(b->catalogue, &s, voucher, &v);
        if (overflow && !v.refusal)
            out_of_range(b, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0 || !p)
            continue;
        *p = after;
        orig->remaining_fen -= amount;
        dw_log_info(voucher, "reversal of %" PRId64 " fen on %s: %s paid %" PRId64 " of budget %" PRId64 " fen", amount,
                    dw_v_str(o, "original_voucher_no"), orig->project, p->paid_fen, p->budget_fen);
        if (copy_reversal(&rows, &ev[i], msgs[i], o, orig, &v) || dw_v_known_put(known, key, sig.data))
            goto out;
        n_rows++;
        if (emit_payment_fact(b, &ev[i], voucher, year, dw_v_str(o, "reversal_date"), orig->dept, orig->unit,
                              orig->project, -amount, &v, p) != 0)
            goto out;
    }
    if (n_rows && dw_pg_copy(b->pg, "validate",
                             "COPY reversals (voucher_no, original_voucher_no, fiscal_year, reversal_date, amount_fen, "
                             "reason, dept_code, unit_code, project_code, line_id, flags, inbox_seq, src, id) "
                             "FROM STDIN",
                             &rows) != n_rows)
        goto out;
    rc = 0;
out:
    dw_v_strs_free(&originals_no);
    dw_v_strs_free(&vouchers);
    dw_v_strs_free(&years);
    dw_v_strs_free(&projects);
    dw_strmap_destroy(&originals);
    dw_v_known_destroy(&known);
    dw_buf_free(&rows);
    dw_buf_free(&sig);
    dw_buf_free(&arr);
    return rc;
}
