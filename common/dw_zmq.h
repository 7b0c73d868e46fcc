/* dw_zmq — ZeroMQ sockets the way every dualwatch service needs them.
 *
 * Every socket gets an explicit linger; sockets that face producers get
 * ZMQ_MAXMSGSIZE (well above the contract's size limit, so that every
 * contract breach below it is answered with a code, and only a frame beyond
 * it drops the connection). Shutdown on SIGTERM/SIGINT is a signalfd that
 * the poll loop watches: no handler, no global flag. */
#ifndef DW_ZMQ_H
#define DW_ZMQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#define DW_ZMQ_MAX_FRAMES 8

typedef struct dw_zmq_opts {
    int linger_ms;         /* ZMQ_LINGER; -1 = wait for delivery */
    int64_t maxmsgsize;    /* ZMQ_MAXMSGSIZE; 0 = unlimited (only for sockets we feed ourselves) */
    int sndhwm, rcvhwm;    /* 0 = the library default */
    bool router_mandatory; /* ROUTER: a send to a gone peer fails instead of vanishing */
    const char *subscribe; /* SUB: a prefix to subscribe to ("" = all); NULL = none */
} dw_zmq_opts_t;

/* A socket bound (bind true) or connected to endpoint; NULL with a logged
 * reason ("could not bind tcp://...: Address already in use"). */
void *dw_zmq_socket(void *ctx, int type, const char *endpoint, bool bind, const dw_zmq_opts_t *opts);
void dw_zmq_close(void **sock_p);

/* One multipart message, received whole. */
typedef struct dw_frames {
    zmq_msg_t part[DW_ZMQ_MAX_FRAMES];
    size_t n;
    bool too_many; /* more frames arrived than DW_ZMQ_MAX_FRAMES; the rest were read and dropped */
} dw_frames_t;

/* Receives every frame of one message. Returns 0, or -1 with errno (EAGAIN
 * when flags has ZMQ_DONTWAIT and nothing is waiting, EINTR, ETERM). On 0 the
 * caller owns the frames and calls dw_frames_close. */
int dw_frames_recv(void *sock, dw_frames_t *f, int flags) __attribute__((warn_unused_result));
void dw_frames_close(dw_frames_t *f);
const void *dw_frame_data(dw_frames_t *f, size_t i);
size_t dw_frame_size(dw_frames_t *f, size_t i);

/* Sends n frames as one message (copies). Returns 0 or -1 with errno. */
int dw_zmq_send_parts(void *sock, const void *const *data, const size_t *size, size_t n, int flags)
    __attribute__((warn_unused_result));

/* Blocks SIGTERM and SIGINT in this thread (and the threads it creates after:
 * call before zmq_ctx_new) and returns a signalfd that becomes readable when
 * one arrives; -1 on failure. */
int dw_signal_fd(void);
/* Reads the pending signal; returns its number, or 0. */
int dw_signal_read(int fd);

/* Big-endian int64 for sequence frames. */
void dw_put_be64(unsigned char out[8], int64_t v);
int64_t dw_get_be64(const unsigned char in[8]);

#endif
