/* dw-route: the bureau's review procedures. Moves each document (target
 * declarations, monitoring forms, deviation cases, self-evaluations,
 * re-evaluations, the year's summary) through its procedure as the sections
 * act and the facts arrive, keeps the deadlines, and passes the tasks,
 * notices and treasury instructions on to dw-notify. */
#include "dw_service.h"
#include "route.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-route", argc, argv) != 0)
        return 1;
    dw_route_t *route = dw_route_new(svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {
        {"validate", svc.cfg->pipeline.validate_events},
        {"analyze", svc.cfg->pipeline.analyze_events},
    };
    dw_stage_handler_t handler = dw_route_handler(svc.cfg);
    int rc = route ? dw_service_run_stage(&svc, "route", svc.cfg->pipeline.route_events, upstreams, 2, &handler, route,
                                          NULL, NULL)
                   : -1;
    dw_route_destroy(&route);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
