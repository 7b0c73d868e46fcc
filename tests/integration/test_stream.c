/* integration.stream — a 200,000-payment stream with duplicates and conflicts
 * mixed in ends with exactly the expected rows and fen totals.
 *
 * The generator (dw_test_stream in dw_producer.c, seed below) makes 50
 * projects with 1 to 3 budget lines each; 6 of them are budgeted at 55-90 % of
 * what the stream pays on them, the others a tenth above it. Then 200,000
 * treasury.payment messages go out over one DEALER with up to 1,000 in flight,
 * amounts 1.00 .. 50,000.00 yuan in fen. Mixed in after the first 2,000, each
 * on a payment already acked (and each on a different one):
 *   (a) 4,000 resends: same src + id, same bytes      -> ack ok, dup, the original's seq
 *   (b) 1,000 id conflicts: same src + id, amount + 1 -> ack conflict; rejects (intake, conflict)
 *   (c) 2,000 voucher repeats: new id, same body      -> stored in the inbox, not in payments
 *   (d)   500 voucher conflicts: new id, amount + 100 -> rejects (validate, conflict), reject.notice
 * so 192,500 payments carry a voucher of their own. By definition, then:
 *   acks: lines + 192,500 + 2,000 + 500 stored, 4,000 dup, 1,000 conflict, nothing else;
 *   inbox: lines + 195,000 rows, gapless; payments: 192,500 rows, each under its own id;
 *   dw-validate's events: lines + 192,500 facts + 500 reject notices;
 *   rejects: 1,000 (intake, conflict) + 500 (validate, conflict) and no other;
 *   the reject stream: 500 events under reject.treasury., seq 1..500.
 * The fen totals (overall and per project), the budget per project and which
 * payments dw-validate must flag over_budget (taken in the order sent: one
 * connection, so inbox order) come from the generator's bookkeeping. dw-analyze
 * must end with one open over_budget alert per planted project at its figures. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

#define SEED              20260315
#define PROJECTS          50
#define OVER_BUDGET       6
#define PAYMENTS          200000
#define RESENDS           4000
#define ID_CONFLICTS      1000
#define VOUCHER_REPEATS   2000
#define VOUCHER_CONFLICTS 500
#define ORIGINALS         192500 /* 200,000 - 4,000 - 1,000 - 2,000 - 500 */
#define WINDOW            1000
#define BUDGET_MS         150000 /* the whole run, inside CTest's 180 s, so that the harness still stops the cluster */

/* What is left of the run's time, never less than a second. */
static int left_ms(int64_t deadline)
{
    int64_t left = deadline - dw_mono_ms();
    return left > 1000 ? (int)left : 1000;
}

/* One integer from a query with one text parameter; -1 on error. */
static int64_t int_param(dw_harness_t *h, const char *sql, const char *p1)
{
    const char *params[1] = {p1};
    PGresult *res = PQexecParams(h->db, sql, 1, NULL, params, NULL, NULL, 0);
    int64_t v = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(h->db));
    PQclear(res);
    return v;
}

static const dw_test_project_t *project_by_code(const dw_test_stream_t *s, const char *code)
{
    for (size_t k = 0; k < dw_test_stream_projects(s); k++)
        if (strcmp(dw_test_stream_project(s, k)->code, code) == 0)
            return dw_test_stream_project(s, k);
    return NULL;
}

/* Per project: the sum, the count and the over_budget flags of its payments. */
static void check_projects(dw_harness_t *h, const dw_test_stream_t *s)
{
    PGresult *res = PQexec(h->db, "SELECT project_code, sum(amount_fen), count(*), "
                                  "count(*) FILTER (WHERE 'over_budget' = ANY (flags)), "
                                  "count(*) FILTER (WHERE flags <> '{}' AND flags <> '{over_budget}') "
                                  "FROM payments GROUP BY 1 ORDER BY 1");
    CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
    size_t with_payments = 0, planted = 0;
    for (size_t k = 0; k < dw_test_stream_projects(s); k++) {
        with_payments += dw_test_stream_project(s, k)->n_payments > 0;
        planted += dw_test_stream_project(s, k)->over_planted;
    }
    CHECK_INT(planted, OVER_BUDGET);
    CHECK_INT(PQntuples(res), with_payments);
    for (int r = 0; r < PQntuples(res); r++) {
        const dw_test_project_t *p = project_by_code(s, PQgetvalue(res, r, 0));
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK_INT(strtoll(PQgetvalue(res, r, 1), NULL, 10), p->paid_fen);
        CHECK_INT(strtoll(PQgetvalue(res, r, 2), NULL, 10), p->n_payments);
        CHECK_INT(strtoll(PQgetvalue(res, r, 3), NULL, 10), p->n_over_budget);
        CHECK_INT(strtoll(PQgetvalue(res, r, 4), NULL, 10), 0); /* no other flag: every project has its lines */
        /* a generous budget is never passed; a planted one is */
        CHECK(p->over_planted ? p->n_over_budget > 0 : p->n_over_budget == 0);
    }
    PQclear(res);

    /* where each planted project went over: the payment that took it past */
    for (size_t k = 0; k < dw_test_stream_projects(s); k++) {
        const dw_test_project_t *p = dw_test_stream_project(s, k);
        if (!p->over_planted)
            continue;
        char want[32], got[64] = "";
        dw_test_stream_voucher(p->first_over, want, sizeof want);
        const char *params[1] = {p->code};
        PGresult *first = PQexecParams(h->db,
                                       "SELECT voucher_no FROM payments WHERE project_code = $1 "
                                       "AND 'over_budget' = ANY (flags) ORDER BY inbox_seq LIMIT 1",
                                       1, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(first) == PGRES_TUPLES_OK && PQntuples(first) == 1)
            snprintf(got, sizeof got, "%s", PQgetvalue(first, 0, 0));
        PQclear(first);
        CHECK_STR(got, want);
        CHECK_INT(int_param(h, "SELECT sum(current_fen) FROM budget_lines WHERE project_code = $1", p->code),
                  p->budget_fen);
        fprintf(stderr, "stream: %s budget %lld paid %lld fen, %zu of %zu payments over budget\n", p->code,
                (long long)p->budget_fen, (long long)p->paid_fen, p->n_over_budget, p->n_payments);
    }
}

/* The refusals: by stage and code, and each one a message that was planted. */
static void check_rejects(dw_harness_t *h, const dw_test_stream_t *s)
{
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects"), ID_CONFLICTS + VOUCHER_CONFLICTS);
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects WHERE stage = 'intake' AND code = 'conflict'"),
              ID_CONFLICTS);
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM rejects WHERE stage = 'validate' AND code = 'conflict' "
                                "AND type = 'treasury.payment'"),
              VOUCHER_CONFLICTS);
    CHECK_INT(dw_harness_int(h, "SELECT count(DISTINCT inbox_seq) FROM rejects WHERE stage = 'validate'"),
              VOUCHER_CONFLICTS);
    PGresult *res = PQexec(h->db, "SELECT stage, id FROM rejects WHERE src = 'treasury'");
    CHECK(PQresultStatus(res) == PGRES_TUPLES_OK);
    int not_planted = 0;
    for (int r = 0; r < PQntuples(res); r++) {
        bool intake = strcmp(PQgetvalue(res, r, 0), "intake") == 0;
        not_planted += !dw_test_stream_planted_id(s, intake ? DW_TEST_ID_CONFLICT : DW_TEST_VOUCHER_CONFLICT,
                                                  PQgetvalue(res, r, 1));
    }
    CHECK_INT(PQntuples(res), ID_CONFLICTS + VOUCHER_CONFLICTS);
    CHECK_INT(not_planted, 0);
    PQclear(res);
}

/* The reject stream as a subscriber gets it back: one replay page. */
static void check_reject_stream(dw_harness_t *h, const dw_test_stream_t *s)
{
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM outbox WHERE stream = 'reject' AND topic = 'reject.treasury.'"),
              VOUCHER_CONFLICTS);
    dw_msg_t *ans = dw_test_replay(h->zmq_ctx, h->replay_ep, "reject", 0, "reject.treasury.", 1000);
    CHECK(ans != NULL);
    if (!ans)
        return;
    const dw_obj_t *b = dw_msg_body(ans);
    bool ok = false, more = true;
    int64_t head = 0;
    CHECK(dw_obj_bool(b, "ok", &ok) && ok);
    CHECK(dw_obj_int(b, "head", &head));
    CHECK_INT(head, VOUCHER_CONFLICTS);
    CHECK(dw_obj_bool(b, "more", &more) && !more);
    CHECK_INT(dw_obj_count(b, "events"), VOUCHER_CONFLICTS);
    const char *topic = "reject.treasury.";
    size_t tl = strlen(topic);
    int bad = 0;
    for (size_t i = 0; i < dw_obj_count(b, "events"); i++) {
        size_t len = 0;
        const unsigned char *item = dw_obj_item_any(b, "events", i, &len);
        /* [topic, envelope]: 0x92, the topic as a fixstr, the envelope */
        if (!item || len <= 2 + tl || item[0] != 0x92 || item[1] != (0xa0 | tl) || memcmp(item + 2, topic, tl) != 0) {
            bad++;
            continue;
        }
        dw_error_t err;
        dw_msg_t *env = dw_msg_decode(item + 2 + tl, len - 2 - tl, NULL, &err);
        int64_t seq = 0;
        const dw_obj_t *eb = env ? dw_msg_body(env) : NULL;
        if (!env || !dw_msg_seq(env, &seq) || seq != (int64_t)i + 1 || strcmp(dw_msg_type(env), "reject.notice") != 0 ||
            strcmp(dw_obj_str(eb, "stage"), "validate") != 0 || strcmp(dw_obj_str(eb, "code"), "conflict") != 0 ||
            strcmp(dw_obj_str(eb, "src"), "treasury") != 0 ||
            !dw_test_stream_planted_id(s, DW_TEST_VOUCHER_CONFLICT, dw_obj_str(eb, "id")))
            bad++;
        dw_msg_destroy(&env);
    }
    CHECK_INT(bad, 0);
    dw_msg_destroy(&ans);
}

/* dw-analyze: one open over_budget alert per planted project, at its figures.
 * Figures under an unchanged light reach the table within
 * analyze.figures_interval_ms (1 s) and a tick: waited for, up to 10 s. */
static void check_alerts(dw_harness_t *h, const dw_test_stream_t *s)
{
    CHECK_INT(dw_harness_int(h, "SELECT count(*) FROM alerts WHERE rule_id = 'over_budget' AND status = 'open'"),
              OVER_BUDGET);
    int64_t paid_sum = 0;
    for (size_t k = 0; k < dw_test_stream_projects(s); k++)
        if (dw_test_stream_project(s, k)->over_planted)
            paid_sum += dw_test_stream_project(s, k)->paid_fen;
    CHECK_INT(dw_harness_wait_int(
                  h,
                  "SELECT coalesce(sum(actual_fen), 0) FROM alerts WHERE rule_id = 'over_budget' AND status = 'open'",
                  paid_sum, 10000),
              paid_sum);
    for (size_t k = 0; k < dw_test_stream_projects(s); k++) {
        const dw_test_project_t *p = dw_test_stream_project(s, k);
        if (!p->over_planted)
            continue;
        CHECK_INT(int_param(h,
                            "SELECT actual_fen FROM alerts WHERE rule_id = 'over_budget' AND status = 'open' "
                            "AND project_code = $1",
                            p->code),
                  p->paid_fen);
        CHECK_INT(int_param(h,
                            "SELECT expected_fen FROM alerts WHERE rule_id = 'over_budget' AND status = 'open' "
                            "AND project_code = $1",
                            p->code),
                  p->budget_fen);
    }
}

int main(void)
{
    dw_test_stream_opts_t opts = {.seed = SEED,
                                  .projects = PROJECTS,
                                  .over_budget = OVER_BUDGET,
                                  .payments = PAYMENTS,
                                  .plants = {RESENDS, ID_CONFLICTS, VOUCHER_REPEATS, VOUCHER_CONFLICTS}};
    dw_test_stream_t *s = dw_test_stream_new(&opts);
    if (!s) {
        fprintf(stderr, "stream: could not make the stream\n");
        return 1;
    }
    const dw_test_stream_tally_t *t = dw_test_stream_tally(s);
    dw_harness_t h;
    if (dw_harness_start(&h, "stream", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        dw_test_stream_destroy(&s);
        return 1;
    }
    int64_t started = dw_mono_ms(), deadline = started + BUDGET_MS;
    dw_test_window_stats_t ws;
    /* resend_ms far above any ack's wait: with nothing killed, nothing goes twice */
    int sent = dw_test_stream_run(s, h.zmq_ctx, h.intake_ep, WINDOW, 60000, BUDGET_MS - 30000, NULL, NULL, &ws);
    CHECK_INT(sent, 0);
    int64_t acked = dw_mono_ms();
    fprintf(stderr, "stream: %zu messages acked in %lld ms (%zu acks, %zu resent)\n", t->lines + PAYMENTS,
            (long long)(acked - started), ws.acks, ws.resent);

    /* the generator sent what it was asked to */
    CHECK_INT(t->originals, ORIGINALS);
    CHECK_INT(t->planted[DW_TEST_RESEND], RESENDS);
    CHECK_INT(t->planted[DW_TEST_ID_CONFLICT], ID_CONFLICTS);
    CHECK_INT(t->planted[DW_TEST_VOUCHER_REPEAT], VOUCHER_REPEATS);
    CHECK_INT(t->planted[DW_TEST_VOUCHER_CONFLICT], VOUCHER_CONFLICTS);
    CHECK(t->lines >= PROJECTS && t->lines <= 3 * PROJECTS);
    /* the acks, counted as they came */
    CHECK_INT(t->acked_new, t->lines + ORIGINALS + VOUCHER_REPEATS + VOUCHER_CONFLICTS);
    CHECK_INT(t->acked_dup, RESENDS);
    CHECK_INT(t->acked_conflict, ID_CONFLICTS);
    CHECK_INT(t->acked_other, 0);
    CHECK_INT(t->unexpected, 0);
    CHECK_INT(t->originals_ok, ORIGINALS);
    CHECK_INT(ws.acks, t->lines + PAYMENTS); /* one ack per message, nothing sent twice */
    CHECK_INT(ws.resent, 0);
    CHECK_INT(ws.stray, 0);
    CHECK_INT(ws.retry_answers, 0);

    /* the inbox: everything stored once, gapless; then dw-validate reads it all */
    int64_t inbox = (int64_t)t->lines + ORIGINALS + VOUCHER_REPEATS + VOUCHER_CONFLICTS;
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), inbox);
    CHECK_INT(dw_harness_int(&h, "SELECT max(seq) FROM inbox"), inbox);
    CHECK_INT(dw_harness_int(&h, "SELECT min(seq) FROM inbox"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox WHERE type = 'treasury.payment'"),
              ORIGINALS + VOUCHER_REPEATS + VOUCHER_CONFLICTS);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'",
                                  inbox, sent == 0 ? left_ms(deadline) : 1000),
              inbox);
    int64_t validated = dw_mono_ms();
    fprintf(stderr, "stream: dw-validate at the inbox head %lld ms after the last ack\n",
            (long long)(validated - acked));

    /* the payments: each voucher once, under its own id, at its amount */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT inbox_seq) FROM payments"), ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), t->total_fen);
    PGresult *rows = PQexec(h.db, "SELECT voucher_no, amount_fen, id FROM payments");
    CHECK(PQresultStatus(rows) == PGRES_TUPLES_OK);
    dw_test_compare_t cmp;
    dw_test_stream_compare(s, rows, &cmp);
    PQclear(rows);
    CHECK_INT(cmp.matched, ORIGINALS);
    CHECK_INT(cmp.missing + cmp.twice + cmp.unexpected + cmp.wrong_amount + cmp.wrong_id, 0);
    CHECK_INT(cmp.sum_fen, t->total_fen);
    /* the bookkeeping adds up: per project to the whole */
    int64_t budget = 0, paid = 0;
    size_t n_paid = 0;
    for (size_t k = 0; k < dw_test_stream_projects(s); k++) {
        budget += dw_test_stream_project(s, k)->budget_fen;
        paid += dw_test_stream_project(s, k)->paid_fen;
        n_paid += dw_test_stream_project(s, k)->n_payments;
    }
    CHECK_INT(paid, t->total_fen);
    CHECK_INT(n_paid, ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM budget_lines"), t->lines);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(current_fen) FROM budget_lines"), budget);
    check_projects(&h, s);
    check_rejects(&h, s);
    /* dw-validate's own events: a fact per line and per payment, a notice per refusal */
    int64_t events = (int64_t)t->lines + ORIGINALS + VOUCHER_CONFLICTS;
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'"), events);
    CHECK_INT(dw_harness_int(&h, "SELECT max(seq) FROM stage_events WHERE stage = 'validate'"), events);

    /* downstream: dw-notify and dw-analyze read all of them */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'notify' AND upstream = 'validate'",
                                  events, sent == 0 ? left_ms(deadline) : 1000),
              events);
    check_reject_stream(&h, s);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'",
                                  events, sent == 0 ? left_ms(deadline) : 1000),
              events);
    check_alerts(&h, s);
    fprintf(stderr, "stream: dw-notify and dw-analyze through %lld ms after dw-validate\n",
            (long long)(dw_mono_ms() - validated));

    dw_test_stream_destroy(&s);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
