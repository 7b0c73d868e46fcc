/* dwctl_import — `dwctl import`: a county's CSV export (payments, budget
 * lines, monitoring forms) into dualwatch through a mapping file, each row a
 * message built and checked with the schema, streamed to dw-intake with
 * acks, resumable, with a per-row error report. */
#ifndef DWCTL_IMPORT_H
#define DWCTL_IMPORT_H

#include "dwctl.h"

/* argv[0] is "import"; returns a DWCTL_EXIT_* code. */
int dwctl_import_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
