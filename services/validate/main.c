/* dw-validate: checks each message dw-intake accepted against the reference
 * data and the business rules; stores facts in their domain tables (a payment
 * that breaks a rule is stored and flagged, never dropped), records refused
 * documents in rejects, and passes facts on to dw-analyze. */
#include "dw_service.h"
#include "dw_stage.h"
#include "validate.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-validate", argc, argv) != 0)
        return 1;
    int rc = 1;
    dw_validate_t *validate = dw_validate_new(svc.cfg);
    const dw_stage_upstream_t upstreams[] = {{"intake", svc.cfg->pipeline.intake_events}};
    const dw_stage_opts_t opts = {
        .name = "validate",
        .out_endpoint = svc.cfg->pipeline.validate_events,
        .upstreams = upstreams,
        .n_upstreams = 1,
        .batch_max = svc.cfg->pipeline.batch_max,
        .catchup_ms = svc.cfg->pipeline.catchup_ms,
    };
    dw_stage_t *stage = validate ? dw_stage_new(svc.zmq_ctx, svc.pg, &opts, dw_validate_handler(), validate) : NULL;
    if (stage)
        rc = dw_stage_run(stage, svc.signal_fd);
    dw_stage_destroy(&stage);
    dw_validate_destroy(&validate);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
