/* dw-notify: publishes alerts, tasks, notices, treasury instructions and
 * rejects on a PUB socket under topics, each with its stream's sequence
 * number, keeps them in the outbox, and answers replay requests so a
 * subscriber misses nothing. */
#include "dw_service.h"
#include "notify.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-notify", argc, argv) != 0)
        return 1;
    dw_notify_t *notify = dw_notify_new(svc.zmq_ctx, svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {
        {"analyze", svc.cfg->pipeline.analyze_events},
        {"route", svc.cfg->pipeline.route_events},
        {"validate", svc.cfg->pipeline.validate_events},
    };
    dw_stage_handler_t handler = *dw_notify_handler();
    handler.tick_ms = svc.cfg->notify.heartbeat_ms;
    /* No stage output: what it produces is the outbox and the public feed. */
    int rc = notify ? dw_service_run_stage(&svc, "notify", NULL, upstreams, 3, &handler, notify,
                                           dw_notify_replay_socket(notify), dw_notify_on_replay)
                    : -1;
    dw_notify_destroy(&notify);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
