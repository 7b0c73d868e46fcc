#include "v_treasury.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_strmap.h"
#include "v_sql.h"

typedef struct day_totals {
    int64_t count, sum_fen;
} day_totals_t;

static int emit_reconciliation(dw_v_batch_t *b, const dw_event_t *ev, const char *date, int64_t t_count, int64_t t_sum,
                               const day_totals_t *stored, bool matched)
{
    char id[64];
    snprintf(id, sizeof id, "fact-%" PRId64, ev->seq);
    dw_msg_t *f = dw_msg_new("fact.reconciliation", id, "validate", dw_now_ms());
    if (!f) {
        dw_log_error(date, "fact.reconciliation is not in proto/schema.yaml");
        return -1;
    }
    dw_obj_t *fb = dw_msg_body(f);
    int rc = dw_obj_set_str(fb, "business_date", date) | dw_obj_set_int(fb, "treasury_count", t_count) |
             dw_obj_set_int(fb, "treasury_sum_fen", t_sum) | dw_obj_set_int(fb, "stored_count", stored->count) |
             dw_obj_set_int(fb, "stored_sum_fen", stored->sum_fen) | dw_obj_set_bool(fb, "matched", matched) |
             dw_obj_set_int(fb, "inbox_seq", ev->seq);
    if (rc == 0)
        rc = dw_stage_emit_msg(b->stage, f, date);
    dw_msg_destroy(&f);
    return rc ? -1 : 0;
}

int dw_v_reconciliation_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_v_strs_t dates = DW_V_STRS_INIT;
    dw_strmap_t *totals = dw_strmap_new(sizeof(day_totals_t));
    dw_buf_t arr = DW_BUF_INIT, rows = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = -1;
    if (!totals)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (dw_v_strs_add(&dates, dw_v_str(dw_msg_body(msgs[i]), "business_date")))
            goto out;
    if (dw_v_strs_literal(&dates, &arr))
        goto out;
    const char *p[1] = {arr.data};
    PGresult *res = dw_pg_query(b->pg, "validate",
                                "SELECT payment_date::text, count(*), sum(amount_fen) FROM payments "
                                "WHERE payment_date = ANY($1::date[]) GROUP BY 1",
                                1, p);
    if (!res)
        goto out;
    int bad = 0;
    for (int r = 0; r < PQntuples(res) && !bad; r++) {
        day_totals_t *t = dw_strmap_put(totals, PQgetvalue(res, r, 0), NULL);
        if (!(bad = !t)) {
            t->count = dw_pg_int(res, r, 1);
            t->sum_fen = dw_pg_int(res, r, 2);
        }
    }
    PQclear(res);
    if (bad)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *date = dw_v_str(o, "business_date");
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, date, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        static const day_totals_t none = {0, 0};
        const day_totals_t *stored = dw_strmap_get(totals, date);
        if (!stored)
            stored = &none;
        int64_t t_count = dw_v_int(o, "count"), t_sum = dw_v_int(o, "sum_fen");
        bool matched = t_count == stored->count && t_sum == stored->sum_fen;
        if (matched)
            dw_log_info(date, "reconciled: %" PRId64 " payments, %" PRId64 " fen", t_count, t_sum);
        else
            dw_log_warn(date,
                        "reconciliation differs: treasury %" PRId64 " payments, %" PRId64 " fen; stored %" PRId64
                        " payments, %" PRId64 " fen",
                        t_count, t_sum, stored->count, stored->sum_fen);
        if (dw_copy_int(&rows, ev[i].seq) || dw_copy_text(&rows, date) || dw_copy_int(&rows, t_count) ||
            dw_copy_int(&rows, t_sum) || dw_copy_int(&rows, stored->count) || dw_copy_int(&rows, stored->sum_fen) ||
            dw_v_copy_bool(&rows, matched) || dw_copy_text(&rows, dw_msg_src(msgs[i])) ||
            dw_copy_text(&rows, dw_msg_id(msgs[i])) || dw_copy_end_row(&rows))
            goto out;
        n_rows++;
        if (emit_reconciliation(b, &ev[i], date, t_count, t_sum, stored, matched) != 0)
            goto out;
    }
    if (n_rows && dw_pg_copy(b->pg, "validate",
                             "COPY reconciliations (inbox_seq, business_date, treasury_count, treasury_sum_fen, "
                             "stored_count, stored_sum_fen, matched, src, id) FROM STDIN",
                             &rows) != n_rows)
        goto out;
    rc = 0;
out:
    dw_v_strs_free(&dates);
    dw_strmap_destroy(&totals);
    dw_buf_free(&arr);
    dw_buf_free(&rows);
    return rc;
}

int dw_v_hold_ack_run(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n)
{
    dw_buf_t rows = DW_BUF_INIT;
    int64_t n_rows = 0;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *o = dw_msg_body(msgs[i]);
        const char *project = dw_v_str(o, "project_code");
        dw_v_subject_t s = {.msg = msgs[i], .body = o, .type = ev[i].type, .cfg = b->cfg};
        dw_v_verdict_t v;
        dw_v_catalogue_apply(b->catalogue, &s, project, &v);
        int j = dw_v_judge(b, &ev[i], msgs[i], &v);
        if (j < 0)
            goto out;
        if (j > 0)
            continue;
        if (dw_copy_int(&rows, ev[i].seq) || dw_copy_int(&rows, dw_v_int(o, "instruction_id")) ||
            dw_copy_text(&rows, project) || dw_copy_text(&rows, dw_v_str(o, "action")) ||
            dw_copy_text(&rows, dw_v_str(o, "effective_date")) || dw_v_copy_opt(&rows, dw_obj_str(o, "note")) ||
            dw_copy_text(&rows, dw_msg_src(msgs[i])) || dw_copy_text(&rows, dw_msg_id(msgs[i])) ||
            dw_copy_end_row(&rows))
            goto out;
        n_rows++;
        dw_log_info(project, "treasury confirms %s of instruction %" PRId64 " from %s", dw_v_str(o, "action"),
                    dw_v_int(o, "instruction_id"), dw_v_str(o, "effective_date"));
        if (dw_v_pass_on(b, &ev[i], project) != 0)
            goto out;
    }
    if (n_rows && dw_pg_copy(b->pg, "validate",
                             "COPY hold_acks (inbox_seq, instruction_id, project_code, action, effective_date, note, "
                             "src, id) FROM STDIN",
                             &rows) != n_rows)
        goto out;
    rc = 0;
out:
    dw_buf_free(&rows);
    return rc;
}
