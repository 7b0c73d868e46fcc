/* dwctl_bench — `dwctl bench`: a measured run of synthetic treasury payments
 * against dw-intake (rate and ack latency percentiles), and optionally through
 * the pipeline behind it (drain time and payments validated per second). */
#ifndef DWCTL_BENCH_H
#define DWCTL_BENCH_H

#include "dwctl.h"

/* argv[0] is "bench"; returns a DWCTL_EXIT_* code. */
int dwctl_bench_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
