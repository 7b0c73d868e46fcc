/* dw_service — what every service's main does before and after its loop:
 * options (--config FILE, --log-level L, --help), the config file, logging,
 * the shutdown signalfd, the ZeroMQ context and the database connection. */
#ifndef DW_SERVICE_H
#define DW_SERVICE_H

#include "dw_config.h"
#include "dw_pg.h"
#include "dw_stage.h"

typedef struct dw_service {
    const char *name;
    dw_config_t *cfg;
    int signal_fd;
    void *zmq_ctx;
    dw_pg_t *pg;
} dw_service_t;

/* 0 when everything is up; otherwise prints why (config errors as
 * file:line: reason) and returns -1 with everything released. */
int dw_service_start(dw_service_t *svc, const char *name, int argc, char **argv) __attribute__((warn_unused_result));
void dw_service_stop(dw_service_t *svc);

/* Runs this service as the pipeline stage `stage` (batch size and catch-up
 * interval from the config's pipeline section) until SIGTERM/SIGINT.
 * extra_socket/on_extra: one more socket for the loop, or NULL. 0 on a clean stop. */
int dw_service_run_stage(dw_service_t *svc, const char *stage, const char *out_endpoint,
                         const dw_stage_upstream_t *upstreams, size_t n_upstreams, const dw_stage_handler_t *handler,
                         void *ctx, void *extra_socket, void (*on_extra)(void *ctx, dw_stage_t *stage, void *sock))
    __attribute__((warn_unused_result));

#endif
