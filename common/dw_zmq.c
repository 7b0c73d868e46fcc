#include "dw_zmq.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "dw_log.h"

static int set_int(void *sock, int option, int value, const char *what, const char *endpoint)
{
    if (zmq_setsockopt(sock, option, &value, sizeof value) == 0)
        return 0;
    dw_log_error(endpoint, "could not set %s: %s", what, zmq_strerror(errno));
    return -1;
}

void *dw_zmq_socket(void *ctx, int type, const char *endpoint, bool bind, const dw_zmq_opts_t *opts)
{
    dw_zmq_opts_t none = {0};
    if (!opts)
        opts = &none;
    void *sock = zmq_socket(ctx, type);
    if (!sock) {
        dw_log_error(endpoint, "could not create socket: %s", zmq_strerror(errno));
        return NULL;
    }
    if (set_int(sock, ZMQ_LINGER, opts->linger_ms, "ZMQ_LINGER", endpoint) != 0)
        goto fail;
    if (opts->maxmsgsize > 0 && zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &opts->maxmsgsize, sizeof opts->maxmsgsize) != 0) {
        dw_log_error(endpoint, "could not set ZMQ_MAXMSGSIZE: %s", zmq_strerror(errno));
        goto fail;
    }
    if (opts->sndhwm > 0 && set_int(sock, ZMQ_SNDHWM, opts->sndhwm, "ZMQ_SNDHWM", endpoint) != 0)
        goto fail;
    if (opts->rcvhwm > 0 && set_int(sock, ZMQ_RCVHWM, opts->rcvhwm, "ZMQ_RCVHWM", endpoint) != 0)
        goto fail;
    if (opts->router_mandatory && set_int(sock, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY", endpoint) != 0)
        goto fail;
    if (type == ZMQ_SUB && opts->subscribe &&
        zmq_setsockopt(sock, ZMQ_SUBSCRIBE, opts->subscribe, strlen(opts->subscribe)) != 0) {
        dw_log_error(endpoint, "could not subscribe: %s", zmq_strerror(errno));
        goto fail;
    }
    if ((bind ? zmq_bind(sock, endpoint) : zmq_connect(sock, endpoint)) != 0) {
        dw_log_error(endpoint, "could not %s %s: %s", bind ? "bind" : "connect", endpoint, zmq_strerror(errno));
        goto fail;
    }
    return sock;
fail:
    zmq_close(sock);
    return NULL;
}

void dw_zmq_close(void **sock_p)
{
    if (sock_p && *sock_p) {
        zmq_close(*sock_p);
        *sock_p = NULL;
    }
}

int dw_frames_recv(void *sock, dw_frames_t *f, int flags)
{
    f->n = 0;
    f->too_many = false;
    for (;;) {
        zmq_msg_t scratch;
        zmq_msg_t *part = f->n < DW_ZMQ_MAX_FRAMES ? &f->part[f->n] : &scratch;
        zmq_msg_init(part);
        /* Only the first frame may fail with EAGAIN; the rest of a multipart
         * message arrives atomically with it. */
        if (zmq_msg_recv(part, sock, f->n == 0 && !f->too_many ? flags : 0) < 0) {
            int saved = errno;
            zmq_msg_close(part);
            dw_frames_close(f);
            errno = saved;
            return -1;
        }
        int more = zmq_msg_more(part);
        if (part == &scratch) {
            zmq_msg_close(part);
            f->too_many = true;
        } else {
            f->n++;
        }
        if (!more)
            return 0;
    }
}

void dw_frames_close(dw_frames_t *f)
{
    for (size_t i = 0; i < f->n; i++)
        zmq_msg_close(&f->part[i]);
    f->n = 0;
}

const void *dw_frame_data(dw_frames_t *f, size_t i)
{
    return i < f->n ? zmq_msg_data(&f->part[i]) : NULL;
}

size_t dw_frame_size(dw_frames_t *f, size_t i)
{
    return i < f->n ? zmq_msg_size(&f->part[i]) : 0;
}

int dw_zmq_send_parts(void *sock, const void *const *data, const size_t *size, size_t n, int flags)
{
    for (size_t i = 0; i < n; i++) {
        int f = flags | (i + 1 < n ? ZMQ_SNDMORE : 0);
        if (zmq_send(sock, data[i], size[i], f) < 0)
            return -1;
    }
    return 0;
}

int dw_signal_fd(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP); /* its default action would kill the service */
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int dw_signal_read(int fd)
{
    struct signalfd_siginfo info;
    ssize_t n = read(fd, &info, sizeof info);
    return n == (ssize_t)sizeof info ? (int)info.ssi_signo : 0;
}

void dw_put_be64(unsigned char out[8], int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        out[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

int64_t dw_get_be64(const unsigned char in[8])
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | in[i];
    return (int64_t)u;
}
