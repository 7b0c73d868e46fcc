/* dw-intake: the only door for producers. Receives msgpack envelopes on a
 * ZeroMQ ROUTER, checks them against the wire contract, stores each accepted
 * message durably in the inbox (once per src + id) and only then acks it;
 * passes what it stored on to dw-validate. */
#include <stdio.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_config.h"
#include "dw_log.h"
#include "dw_pg.h"
#include "dw_service.h"
#include "dw_zmq.h"
#include "intake.h"

int main(int argc, char **argv)
{
    dw_service_t svc;
    if (dw_service_start(&svc, "dw-intake", argc, argv) != 0)
        return 1;
    dw_intake_t *intake = dw_intake_new(svc.zmq_ctx, svc.pg, svc.cfg);
    int rc = intake ? dw_intake_run(intake, svc.signal_fd) : 1;
    dw_intake_destroy(&intake);
    dw_service_stop(&svc);
    return rc == 0 ? 0 : 1;
}
