/* dw-validate: checks each message dw-intake accepted against the reference
 * data and the rule catalogue; stores every inbound type in its domain table
 * (a payment that breaks a rule is stored and flagged, never dropped), records
 * refused documents in rejects, and passes everything on to dw-analyze. */
#include <stdio.h>

#include "dw_service.h"
#include "validate.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-validate", argc, argv) != 0)
        return 1;
    char err[1024];
    dw_validate_t *validate = dw_validate_new(svc.cfg, err, sizeof err);
    if (!validate) {
        fprintf(stderr, "dw-validate: bad validation rules: %s\n", err);
        dw_service_stop(&svc);
        return 1;
    }
    const dw_stage_upstream_t upstreams[] = {{"intake", svc.cfg->pipeline.intake_events}};
    int rc = dw_service_run_stage(&svc, "validate", svc.cfg->pipeline.validate_events, upstreams, 1,
                                  dw_validate_handler(), validate, NULL, NULL);
    dw_validate_destroy(&validate);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
