/* dw-analyze: keeps each project's position from the facts dw-validate
 * stored, applies the deviation rules, raises, updates and clears alerts (one
 * open alert per project and rule), and passes alert events on to dw-route
 * and dw-notify. */
#include "analyze.h"
#include "dw_service.h"
#include "dw_stage.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-analyze", argc, argv) != 0)
        return 1;
    int rc = 1;
    dw_analyze_t *analyze = dw_analyze_new(svc.cfg, svc.pg);
    const dw_stage_upstream_t upstreams[] = {{"validate", svc.cfg->pipeline.validate_events}};
    const dw_stage_opts_t opts = {
        .name = "analyze",
        .out_endpoint = svc.cfg->pipeline.analyze_events,
        .upstreams = upstreams,
        .n_upstreams = 1,
        .batch_max = svc.cfg->pipeline.batch_max,
        .catchup_ms = svc.cfg->pipeline.catchup_ms,
    };
    dw_stage_t *stage = analyze ? dw_stage_new(svc.zmq_ctx, svc.pg, &opts, dw_analyze_handler(), analyze) : NULL;
    if (stage)
        rc = dw_stage_run(stage, svc.signal_fd);
    dw_stage_destroy(&stage);
    dw_analyze_destroy(&analyze);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
