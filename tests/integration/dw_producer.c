#include "dw_producer.h"

#include <stdio.h>
#include <string.h>
#include <zmq.h>

dw_msg_t *dw_test_allocation(const char *id, int64_t current_fen)
{
    dw_msg_t *m = dw_msg_new("budget.allocation", id, "budget", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "project_name", "义务教育薄弱环节改善项目");
    dw_obj_set_str(b, "kind", "project");
    dw_obj_set_str(b, "fund_type", "general");
    dw_obj_set_str(b, "source", "annual");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_str(b, "section_code", "biz_edu");
    dw_obj_set_int(b, "initial_fen", current_fen);
    dw_obj_set_int(b, "adjusted_fen", 0);
    dw_obj_set_int(b, "transferred_fen", 0);
    dw_obj_set_int(b, "current_fen", current_fen);
    return m;
}

dw_msg_t *dw_test_payment(const char *id, const char *voucher, const char *date, int64_t fen)
{
    dw_msg_t *m = dw_msg_new("treasury.payment", id, "treasury", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    dw_obj_set_str(b, "voucher_no", voucher);
    dw_obj_set_int(b, "fiscal_year", 2026);
    dw_obj_set_str(b, "payment_date", date);
    dw_obj_set_str(b, "dept_code", "101");
    dw_obj_set_str(b, "unit_code", "101001");
    dw_obj_set_str(b, "project_code", "P2026-101-001");
    dw_obj_set_str(b, "line_id", "ZB2026-101-0001");
    dw_obj_set_str(b, "function_code", "2050202");
    dw_obj_set_str(b, "economic_code", "31002");
    dw_obj_set_int(b, "amount_fen", fen);
    dw_obj_set_str(b, "method", "direct");
    dw_obj_set_str(b, "payee", "会昌县第一建筑工程公司");
    return m;
}

/* Sends bytes as [empty][message] and waits for the ack. */
int dw_test_send_raw(void *dealer, const void *data, size_t len, dw_test_ack_t *ack)
{
    memset(ack, 0, sizeof *ack);
    if (zmq_send(dealer, "", 0, ZMQ_SNDMORE) < 0 || zmq_send(dealer, data, len, 0) < 0)
        return -1;
    zmq_pollitem_t it = {dealer, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, 10000) != 1)
        return -1;
    char buf[4096];
    int n = zmq_recv(dealer, buf, sizeof buf, 0); /* the empty delimiter */
    if (n != 0)
        return -1;
    n = zmq_recv(dealer, buf, sizeof buf, 0);
    if (n < 0)
        return -1;
    dw_error_t err;
    dw_msg_t *a = dw_msg_decode_bare("ack", buf, (size_t)n, NULL, &err);
    if (!a) {
        fprintf(stderr, "ack does not decode: %s\n", err.message);
        return -1;
    }
    const dw_obj_t *b = dw_msg_body(a);
    (void)dw_obj_bool(b, "ok", &ack->ok);
    (void)dw_obj_bool(b, "dup", &ack->dup);
    (void)dw_obj_int(b, "seq", &ack->seq);
    snprintf(ack->id, sizeof ack->id, "%s", dw_obj_str(b, "id") ? dw_obj_str(b, "id") : "");
    const dw_obj_t *e = dw_obj_map(b, "error");
    if (e) {
        snprintf(ack->code, sizeof ack->code, "%s", dw_obj_str(e, "code"));
        snprintf(ack->field, sizeof ack->field, "%s", dw_obj_str(e, "field") ? dw_obj_str(e, "field") : "");
    }
    dw_msg_destroy(&a);
    return 0;
}

int dw_test_send(void *dealer, dw_msg_t *m, dw_test_ack_t *ack)
{
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    int rc = dw_msg_encode(m, &buf, &err) == DW_OK ? dw_test_send_raw(dealer, buf.data, buf.len, ack) : -1;
    if (rc != 0)
        fprintf(stderr, "send %s failed\n", dw_msg_id(m));
    dw_buf_free(&buf);
    dw_msg_destroy(&m);
    return rc;
}

/* Waits for the next [topic][envelope] on the SUB socket. */
dw_msg_t *dw_test_next_event(void *sub, char *topic, size_t n, int timeout_ms)
{
    zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&it, 1, timeout_ms) != 1)
        return NULL;
    int tl = zmq_recv(sub, topic, n - 1, 0);
    if (tl < 0)
        return NULL;
    topic[tl < (int)n - 1 ? tl : (int)n - 1] = '\0';
    static char env[65536];
    int el = zmq_recv(sub, env, sizeof env, 0);
    if (el < 0)
        return NULL;
    dw_error_t err;
    dw_msg_t *m = dw_msg_decode(env, (size_t)el, NULL, &err);
    if (!m)
        fprintf(stderr, "published envelope does not decode: %s: %s\n", dw_code_name(err.code), err.message);
    return m;
}

dw_msg_t *dw_test_replay(void *zmq_ctx, const char *endpoint, const char *stream, int64_t since, const char *prefix,
                         int64_t limit)
{
    dw_msg_t *req = dw_msg_new("replay.request", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(req);
    dw_obj_set_str(b, "stream", stream);
    dw_obj_set_int(b, "since", since);
    if (prefix)
        dw_obj_set_str(b, "prefix", prefix);
    if (limit > 0)
        dw_obj_set_int(b, "limit", limit);
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err;
    dw_msg_t *ans = NULL;
    void *s = zmq_socket(zmq_ctx, ZMQ_REQ);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (dw_msg_encode(req, &buf, &err) == DW_OK && zmq_connect(s, endpoint) == 0 &&
        zmq_send(s, buf.data, buf.len, 0) >= 0) {
        zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
        static char reply[1 << 20];
        int n;
        if (zmq_poll(&it, 1, 10000) == 1 && (n = zmq_recv(s, reply, sizeof reply, 0)) > 0) {
            ans = dw_msg_decode_bare("replay.answer", reply, (size_t)n, NULL, &err);
            if (!ans)
                fprintf(stderr, "replay answer does not decode: %s\n", err.message);
        }
    }
    zmq_close(s);
    dw_buf_free(&buf);
    dw_msg_destroy(&req);
    return ans;
}
