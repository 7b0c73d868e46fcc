#include "dw_service.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_zmq.h"

static void usage(FILE *out, const char *name)
{
    fprintf(out,
            "usage: %s [--config FILE] [--log-level debug|info|warn|error] [--as-of YYYY-MM-DD]\n"
            "  --config FILE     the dualwatch config (default deploy/dualwatch.yaml)\n"
            "  --log-level L     overrides log.level\n"
            "  --as-of DATE      the business date to run as (overrides clock.as_of; for replays and tests)\n"
            "environment: DW_DATABASE_CONNINFO overrides database.conninfo\n",
            name);
}

int dw_service_start(dw_service_t *svc, const char *name, int argc, char **argv)
{
    memset(svc, 0, sizeof *svc);
    svc->name = name;
    svc->signal_fd = -1;
    const char *config_path = "deploy/dualwatch.yaml";
    const char *level_override = NULL, *as_of = NULL;
    static const struct option longopts[] = {{"config", required_argument, NULL, 'c'},
                                             {"log-level", required_argument, NULL, 'l'},
                                             {"as-of", required_argument, NULL, 'a'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "c:l:a:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': config_path = optarg; break;
        case 'a': as_of = optarg; break;
        case 'l': level_override = optarg; break;
        case 'h': usage(stdout, name); return -1;
        default: usage(stderr, name); return -1;
        }
    }
    if (optind != argc) {
        usage(stderr, name);
        return -1;
    }
    char err[512];
    svc->cfg = dw_config_load(config_path, err, sizeof err);
    if (!svc->cfg) {
        fprintf(stderr, "%s: bad configuration: %s\n", name, err);
        return -1;
    }
    if (as_of) {
        dw_date_t d;
        if (!dw_date_parse(as_of, &d)) {
            fprintf(stderr, "%s: --as-of: \"%s\" is not a date (YYYY-MM-DD)\n", name, as_of);
            goto fail;
        }
        dw_date_format(d, svc->cfg->clock.as_of);
    }
    int level = svc->cfg->log_level;
    if (level_override && (level = dw_log_level_parse(level_override)) < 0) {
        fprintf(stderr, "%s: unknown log level \"%s\"\n", name, level_override);
        goto fail;
    }
    dw_log_open(name, (dw_log_level_t)level);
    /* Block the signals before ZeroMQ starts its threads, so only our
     * signalfd sees them. */
    svc->signal_fd = dw_signal_fd();
    if (svc->signal_fd < 0) {
        dw_log_error(NULL, "could not set up signal handling");
        goto fail;
    }
    svc->zmq_ctx = zmq_ctx_new();
    if (!svc->zmq_ctx)
        goto fail;
    svc->pg = dw_pg_connect(svc->cfg->database.conninfo, svc->cfg->database.connect_retry_s, name);
    if (!svc->pg)
        goto fail;
    dw_log_info(NULL, "started with %s", svc->cfg->path);
    return 0;
fail:
    dw_service_stop(svc);
    return -1;
}

void dw_service_stop(dw_service_t *svc)
{
    dw_pg_destroy(&svc->pg);
    if (svc->zmq_ctx) {
        zmq_ctx_term(svc->zmq_ctx);
        svc->zmq_ctx = NULL;
    }
    if (svc->signal_fd >= 0) {
        close(svc->signal_fd);
        svc->signal_fd = -1;
    }
    dw_config_destroy(&svc->cfg);
}

int dw_service_run_stage(dw_service_t *svc, const char *stage, const char *out_endpoint,
                         const dw_stage_upstream_t *upstreams, size_t n_upstreams, const dw_stage_handler_t *handler,
                         void *ctx, void *extra_socket, void (*on_extra)(void *ctx, dw_stage_t *stage, void *sock))
{
    const dw_stage_opts_t opts = {
        .name = stage,
        .out_endpoint = out_endpoint,
        .upstreams = upstreams,
        .n_upstreams = n_upstreams,
        .batch_max = svc->cfg->pipeline.batch_max,
        .catchup_ms = svc->cfg->pipeline.catchup_ms,
        /* The stage that publishes to the outside (dw-notify) begins as soon as
         * it has an event: its events are few (alerts, tasks, notices, not
         * every payment), and their wait is what subscribers see. */
        .commit_interval_ms = out_endpoint ? svc->cfg->pipeline.commit_interval_ms : 0,
        /* A stage whose events stay inside the pipeline may leave the WAL
         * flush to the next synchronous commit; the one that publishes to
         * the outside (no internal endpoint: dw-notify) always waits. */
        .async_commit = out_endpoint != NULL && !svc->cfg->pipeline.synchronous_commit,
    };
    dw_stage_t *s = dw_stage_new(svc->zmq_ctx, svc->pg, &opts, handler, ctx);
    int rc = -1;
    if (s && (!extra_socket || dw_stage_add_socket(s, extra_socket, on_extra) == 0))
        rc = dw_stage_run(s, svc->signal_fd);
    dw_stage_destroy(&s);
    return rc;
}
