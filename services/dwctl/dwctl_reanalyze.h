/* dwctl_reanalyze — `dwctl reanalyze`: asks dw-analyze to analyse a whole
 * fiscal year again from the database (a row in analysis_requests, which
 * dw-analyze carries out in one transaction of its own: positions rebuilt
 * from payments and reversals, every project judged, the alerts brought in
 * line and published), waits for it and prints what it did. */
#ifndef DWCTL_REANALYZE_H
#define DWCTL_REANALYZE_H

#include "dwctl.h"

/* argv[0] is "reanalyze"; returns a DWCTL_EXIT_* code. */
int dwctl_reanalyze_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
