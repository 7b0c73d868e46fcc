/* dw_service — what every service's main does before and after its loop:
 * options (--config FILE, --log-level L, --help), the config file, logging,
 * the shutdown signalfd, the ZeroMQ context and the database connection. */
#ifndef DW_SERVICE_H
#define DW_SERVICE_H

#include "dw_config.h"
#include "dw_pg.h"

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

#endif
