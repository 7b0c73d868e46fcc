/* dw-notify: publishes alerts, tasks, notices, treasury instructions and
 * rejects on a PUB socket under topics, each with its stream's sequence
 * number, keeps them in the outbox, and answers replay requests so a
 * subscriber misses nothing. */
#include "dw_service.h"
#include "dw_stage.h"
#include "notify.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-notify", argc, argv) != 0)
        return 1;
    int rc = 1;
    dw_notify_t *notify = dw_notify_new(svc.zmq_ctx, svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {
        {"analyze", svc.cfg->pipeline.analyze_events},
        {"route", svc.cfg->pipeline.route_events},
        {"validate", svc.cfg->pipeline.validate_events},
    };
    const dw_stage_opts_t opts = {
        .name = "notify",
        .out_endpoint = NULL, /* its output is the outbox and the public feed */
        .upstreams = upstreams,
        .n_upstreams = 3,
        .batch_max = svc.cfg->pipeline.batch_max,
        .catchup_ms = svc.cfg->pipeline.catchup_ms,
    };
    dw_stage_handler_t handler = *dw_notify_handler();
    handler.tick_ms = svc.cfg->notify.heartbeat_ms;
    dw_stage_t *stage = notify ? dw_stage_new(svc.zmq_ctx, svc.pg, &opts, &handler, notify) : NULL;
    if (stage && dw_stage_add_socket(stage, dw_notify_replay_socket(notify), dw_notify_on_replay) == 0)
        rc = dw_stage_run(stage, svc.signal_fd);
    dw_stage_destroy(&stage);
    dw_notify_destroy(&notify);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
