/* test_validate_fixture — what the integration.validate_* tests share: the
 * inbound messages of a small bureau (test_messages.h), sending them one by
 * one, and reading back rejects, facts and reject notices. Header-only
 * (static functions), so each test stays one executable. */
#ifndef TEST_VALIDATE_FIXTURE_H
#define TEST_VALIDATE_FIXTURE_H

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"
#include "test_messages.h"

static void *vf_dealer;
static int64_t vf_last_seq; /* inbox seq of the last message stored */

/* Sends m (destroyed) and expects dw-intake to store it. */
static inline void vf_send_at(int line, dw_msg_t *m)
{
    char id[96];
    snprintf(id, sizeof id, "%s", dw_msg_id(m));
    dw_test_ack_t a;
    int rc = dw_test_send(vf_dealer, m, &a);
    dw_test_checks++;
    if (rc != 0 || !a.ok) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: %s not stored by dw-intake (%s %s)\n", __FILE__, line, id, a.code, a.field);
        return;
    }
    if (!a.dup)
        vf_last_seq = a.seq;
}
#define SEND(m) vf_send_at(__LINE__, (m))

/* Waits until dw-validate has read everything sent, then until dw-analyze has
 * read everything dw-validate wrote. */
static inline void vf_settle(dw_harness_t *h)
{
    CHECK_INT(dw_harness_wait_int(h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'",
                                  vf_last_seq, 30000),
              vf_last_seq);
    int64_t written = dw_harness_int(h, "SELECT coalesce(max(seq), 0) FROM stage_events WHERE stage = 'validate'");
    CHECK_INT(dw_harness_wait_int(h, "SELECT seq FROM stage_cursors WHERE stage = 'analyze' AND upstream = 'validate'",
                                  written, 30000),
              written);
}

/* One text value of a parameterised query ("" when NULL or no row). */
static inline void vf_text(dw_harness_t *h, const char *sql, const char *param, char *out, size_t n)
{
    const char *p[1] = {param};
    PGresult *res = PQexecParams(h->db, sql, param ? 1 : 0, NULL, p, NULL, NULL, 0);
    out[0] = '\0';
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "%s: %s", sql, PQerrorMessage(h->db));
    else if (PQntuples(res) >= 1 && !PQgetisnull(res, 0, 0))
        snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
}

/* The refusal of message id: rule|code|field|value|expected, one row expected. */
static inline void vf_expect_reject_at(int line, dw_harness_t *h, const char *id, const char *want)
{
    char got[1024];
    vf_text(h,
            "SELECT rule_id || '|' || code || '|' || coalesce(field, '') || '|' || coalesce(value, '') || '|' || "
            "coalesce(expected, '') || CASE WHEN count(*) OVER () > 1 THEN ' (twice)' ELSE '' END "
            "FROM rejects WHERE stage = 'validate' AND id = $1",
            id, got, sizeof got);
    dw_test_checks++;
    if (strcmp(got, want) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: reject of %s is \"%s\", want \"%s\"\n", __FILE__, line, id, got, want);
    }
}
#define EXPECT_REJECT(h, id, want) vf_expect_reject_at(__LINE__, h, id, want)

/* The validate event of a type whose key is key (the last one), decoded. */
static inline dw_msg_t *vf_fact(dw_harness_t *h, const char *type, const char *key)
{
    const char *p[2] = {type, key};
    PGresult *res = PQexecParams(h->db,
                                 "SELECT payload FROM stage_events WHERE stage = 'validate' AND type = $1 "
                                 "AND key = $2 ORDER BY seq DESC LIMIT 1",
                                 2, NULL, p, NULL, NULL, 1);
    dw_msg_t *m = NULL;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        dw_error_t err;
        m = dw_msg_decode(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), NULL, &err);
        if (!m)
            fprintf(stderr, "%s event does not decode: %s\n", type, err.message);
    }
    PQclear(res);
    return m;
}

/* The last validate event of a type whose body field (a str) is value, decoded. */
static inline dw_msg_t *vf_fact_where(dw_harness_t *h, const char *type, const char *field, const char *value)
{
    const char *p[1] = {type};
    PGresult *res = PQexecParams(h->db,
                                 "SELECT payload FROM stage_events WHERE stage = 'validate' AND type = $1 "
                                 "ORDER BY seq DESC",
                                 1, NULL, p, NULL, NULL, 1);
    dw_msg_t *found = NULL;
    for (int r = 0; PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res) && !found; r++) {
        dw_error_t err;
        dw_msg_t *m = dw_msg_decode(PQgetvalue(res, r, 0), (size_t)PQgetlength(res, r, 0), NULL, &err);
        const char *v = m ? dw_obj_str(dw_msg_body(m), field) : NULL;
        if (v && strcmp(v, value) == 0)
            found = m;
        else
            dw_msg_destroy(&m);
    }
    PQclear(res);
    return found;
}

static inline int64_t vf_int(dw_msg_t *m, const char *field)
{
    int64_t v = INT64_MIN;
    if (m)
        (void)dw_obj_int(dw_msg_body(m), field, &v);
    return v;
}

/* Every reject.notice published until the feed is quiet for quiet_ms:
 * "id|topic|code|field|message" lines in out. */
static inline int vf_collect_notices(void *sub, char *out, size_t n, int quiet_ms)
{
    int count = 0;
    size_t len = 0;
    out[0] = '\0';
    for (;;) {
        char topic[256];
        dw_msg_t *e = dw_test_next_event(sub, topic, sizeof topic, quiet_ms);
        if (!e)
            break;
        const dw_obj_t *b = dw_msg_body(e);
        if (strcmp(dw_msg_type(e), "reject.notice") == 0) {
            const char *field = dw_obj_str(b, "field");
            int w = snprintf(out + len, n - len, "%s|%s|%s|%s|%s\n", dw_obj_str(b, "id"), topic, dw_obj_str(b, "code"),
                             field ? field : "", dw_obj_str(b, "message"));
            if (w > 0 && (size_t)w < n - len)
                len += (size_t)w;
            count++;
        }
        dw_msg_destroy(&e);
    }
    return count;
}

/* The notice line of message id, or NULL. */
static inline const char *vf_notice(const char *notices, const char *id)
{
    char key[128];
    snprintf(key, sizeof key, "%s|", id);
    for (const char *p = notices; p && *p;) {
        if (strncmp(p, key, strlen(key)) == 0)
            return p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return NULL;
}

/* The notice of id: starts with "id|topic|code|field|<rule id> ". */
static inline void vf_expect_notice_at(int line, const char *notices, const char *id, const char *prefix)
{
    const char *p = vf_notice(notices, id);
    dw_test_checks++;
    if (!p || strncmp(p, prefix, strlen(prefix)) != 0) {
        dw_test_failures++;
        fprintf(stderr, "%s:%d: notice of %s is \"%.*s\", want \"%s...\"\n", __FILE__, line, id,
                p ? (int)strcspn(p, "\n") : 6, p ? p : "(none)", prefix);
    }
}
#define EXPECT_NOTICE(notices, id, prefix) vf_expect_notice_at(__LINE__, notices, id, prefix)

#endif
