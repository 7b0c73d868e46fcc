/* dw-route: the bureau's review procedures. Opens a deviation case for the
 * business section that looks after the department when a red alert is
 * raised, and passes the task events on to dw-notify. */
#include "dw_service.h"
#include "route.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-route", argc, argv) != 0)
        return 1;
    dw_route_t *route = dw_route_new(svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {{"analyze", svc.cfg->pipeline.analyze_events}};
    int rc = route ? dw_service_run_stage(&svc, "route", svc.cfg->pipeline.route_events, upstreams, 1,
                                          dw_route_handler(), route, NULL, NULL)
                   : -1;
    dw_route_destroy(&route);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
