/* dwctl_fake_intake — a ROUTER standing in for dw-intake in the dwctl.*
 * tests: takes one message framed [identity][empty][message] and answers
 * it with an ack built from the schema, as dw-intake would. */
#ifndef DWCTL_FAKE_INTAKE_H
#define DWCTL_FAKE_INTAKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <zmq.h>

#include "dw_msg.h"

/* A ROUTER on a free loopback port; its endpoint in endpoint. NULL on failure. */
static inline void *fake_intake_bind(void *ctx, char *endpoint, size_t n)
{
    void *sock = zmq_socket(ctx, ZMQ_ROUTER);
    int zero = 0;
    if (!sock || zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero) != 0 || zmq_bind(sock, "tcp://127.0.0.1:*") != 0)
        return NULL;
    zmq_getsockopt(sock, ZMQ_LAST_ENDPOINT, endpoint, &n);
    return sock;
}

/* Waits up to timeout_ms for [identity][empty][message]: 0 with the frames
 * in identity and data (the caller closes both), -1 on silence or another framing. */
static inline int fake_intake_recv(void *sock, int timeout_ms, zmq_msg_t *identity, zmq_msg_t *data)
{
    zmq_msg_init(identity);
    zmq_msg_init(data);
    zmq_pollitem_t item = {.socket = sock, .events = ZMQ_POLLIN};
    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return -1;
    zmq_msg_t empty;
    zmq_msg_init(&empty);
    bool ok = zmq_msg_recv(identity, sock, 0) >= 0 && zmq_msg_more(identity) && zmq_msg_recv(&empty, sock, 0) >= 0 &&
              zmq_msg_size(&empty) == 0 && zmq_msg_more(&empty) && zmq_msg_recv(data, sock, 0) >= 0 &&
              !zmq_msg_more(data);
    zmq_msg_close(&empty);
    return ok ? 0 : -1;
}

/* Answers identity with an ack: ok (with seq, dup) when code is NULL, else a
 * refusal with code and message. 0, or -1 when it could not be built or sent. */
static inline int fake_intake_ack(void *sock, zmq_msg_t *identity, const char *id, bool dup, int64_t seq,
                                  const char *code, const char *message)
{
    dw_msg_t *ack = dw_msg_new("ack", NULL, NULL, 0);
    dw_obj_t *b = dw_msg_body(ack);
    bool bad = dw_obj_set_bool(b, "ok", code == NULL) != DW_OK || (id && dw_obj_set_str(b, "id", id) != DW_OK);
    if (!code) {
        bad |= dw_obj_set_int(b, "seq", seq) != DW_OK;
        if (dup)
            bad |= dw_obj_set_bool(b, "dup", true) != DW_OK;
    } else {
        dw_obj_t *e = dw_obj_set_map(b, "error");
        bad |= !e || dw_obj_set_str(e, "code", code) != DW_OK || dw_obj_set_str(e, "message", message) != DW_OK;
    }
    dw_buf_t buf = DW_BUF_INIT;
    dw_error_t err = {0};
    bad |= dw_msg_encode(ack, &buf, &err) != DW_OK;
    dw_msg_destroy(&ack);
    if (bad) {
        fprintf(stderr, "could not build the ack: %s\n", err.message);
    } else {
        bad |= zmq_send(sock, zmq_msg_data(identity), zmq_msg_size(identity), ZMQ_SNDMORE) < 0;
        bad |= zmq_send(sock, "", 0, ZMQ_SNDMORE) < 0;
        bad |= zmq_send(sock, buf.data, buf.len, 0) < 0;
    }
    dw_buf_free(&buf);
    return bad ? -1 : 0;
}

#endif
