/* dwctl_bench — `dwctl bench`: a measured run of synthetic treasury payments
 * against dw-intake (rate and ack latency percentiles, unpaced or at an
 * offered rate), optionally through the pipeline behind it (payments/s end to
 * end through dw-validate, the drain, what the cluster wrote) and against a
 * plain COPY of the same rows into the same tables (the baseline and the
 * ratio). */
#ifndef DWCTL_BENCH_H
#define DWCTL_BENCH_H

#include "dwctl.h"

/* argv[0] is "bench"; returns a DWCTL_EXIT_* code. */
int dwctl_bench_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
