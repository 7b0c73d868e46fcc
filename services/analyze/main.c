/* dw-analyze: keeps each project's position from the facts dw-validate
 * stored, applies the deviation rules of the catalogue on every fact and once
 * a business day, raises, escalates, de-escalates and clears alerts (one open
 * alert per project, rule and subject), and passes alert events on to
 * dw-route and dw-notify. */
#include "analyze.h"
#include "dw_service.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-analyze", argc, argv) != 0)
        return 1;
    dw_analyze_t *analyze = dw_analyze_new(svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {{"validate", svc.cfg->pipeline.validate_events}};
    const dw_stage_handler_t handler = dw_analyze_handler(svc.cfg);
    int rc = analyze ? dw_service_run_stage(&svc, "analyze", svc.cfg->pipeline.analyze_events, upstreams, 1, &handler,
                                            analyze, NULL, NULL)
                     : -1;
    dw_analyze_destroy(&analyze);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
