#include "dwctl_raw.h"

#include <errno.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_zmq.h"
#include "dwctl_ack.h"
#include "dwctl_sender.h"

/* Waits for one answer; 0 with frames, 1 on timeout or signal, -1 on failure. */
static int wait_answer(const dwctl_ctx_t *ctx, void *sock, int timeout_ms, dw_frames_t *f)
{
    int64_t deadline = dw_mono_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - dw_mono_ms();
        if (left <= 0)
            return 1;
        zmq_pollitem_t items[2] = {{.socket = sock, .events = ZMQ_POLLIN},
                                   {.fd = ctx->signal_fd, .events = ZMQ_POLLIN}};
        if (zmq_poll(items, 2, (long)left) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (items[1].revents & ZMQ_POLLIN)
            return 1;
        if ((items[0].revents & ZMQ_POLLIN) && dw_frames_recv(sock, f, ZMQ_DONTWAIT) == 0)
            return 0;
    }
}

int dwctl_send_raw(const dwctl_ctx_t *ctx, const char *endpoint, const void *data, size_t size, int timeout_ms,
                   bool strict)
{
    int code = DWCTL_EXIT_INCOMPLETE;
    void *zctx = zmq_ctx_new();
    void *sock = zctx ? dwctl_dealer_open(zctx, endpoint) : NULL;
    if (!sock)
        goto done;
    const void *parts[2] = {"", data};
    size_t sizes[2] = {0, size};
    if (dw_zmq_send_parts(sock, parts, sizes, 2, 0) != 0) {
        fprintf(ctx->err, "dwctl: could not send: %s\n", zmq_strerror(errno));
        goto done;
    }
    dw_frames_t f;
    int rc = wait_answer(ctx, sock, timeout_ms, &f);
    if (rc != 0) {
        fprintf(ctx->out, "unanswered (no ack within %d ms)\n", timeout_ms);
        goto done;
    }
    if (f.n != 2 || dw_frame_size(&f, 0) != 0) {
        fprintf(ctx->out, "not an ack: %zu frames, not [empty][ack]\n", f.n);
    } else {
        dwctl_ack_t ack;
        dw_error_t err = {0};
        if (dwctl_ack_decode(dw_frame_data(&f, 1), dw_frame_size(&f, 1), &ack, &err) != DW_OK) {
            fprintf(ctx->out, "not an ack: %s: %s\n", dw_code_name(err.code), err.message);
        } else {
            dwctl_ack_print(ctx->out, &ack);
            code = (strict && !ack.ok) ? DWCTL_EXIT_REFUSED : DWCTL_EXIT_OK;
        }
    }
    dw_frames_close(&f);
done:
    if (sock && code == DWCTL_EXIT_INCOMPLETE) {
        int zero = 0; /* given up: do not wait to deliver */
        (void)zmq_setsockopt(sock, ZMQ_LINGER, &zero, sizeof zero);
    }
    dw_zmq_close(&sock);
    if (zctx)
        zmq_ctx_term(zctx);
    return code;
}
