/* dw-route: the bureau's review procedures. Opens a deviation case for the
 * business section that looks after the department when a red alert is
 * raised, and passes the task events on to dw-notify. */
#include "dw_service.h"
#include "dw_stage.h"
#include "route.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-route", argc, argv) != 0)
        return 1;
    int rc = 1;
    dw_route_t *route = dw_route_new(svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {{"analyze", svc.cfg->pipeline.analyze_events}};
    const dw_stage_opts_t opts = {
        .name = "route",
        .out_endpoint = svc.cfg->pipeline.route_events,
        .upstreams = upstreams,
        .n_upstreams = 1,
        .batch_max = svc.cfg->pipeline.batch_max,
        .catchup_ms = svc.cfg->pipeline.catchup_ms,
    };
    dw_stage_t *stage = route ? dw_stage_new(svc.zmq_ctx, svc.pg, &opts, dw_route_handler(), route) : NULL;
    if (stage)
        rc = dw_stage_run(stage, svc.signal_fd);
    dw_stage_destroy(&stage);
    dw_route_destroy(&route);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
