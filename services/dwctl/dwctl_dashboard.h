/* dwctl_dashboard — `dwctl dashboard`: the 双监控 figures of a fiscal year
 * read from the database at an as-of date: every project loaded (a chunk at a
 * time, as dw-analyze loads them), judged with the rule catalogue, and summed
 * by a_figures for the bureau, each department and, with --dept, each
 * project of one department. What counts is what dw-analyze counts: live,
 * every stored payment and form; as of a set date, those dated by then.
 * Reads only: nothing is raised or written. */
#ifndef DWCTL_DASHBOARD_H
#define DWCTL_DASHBOARD_H

#include "dwctl.h"

/* argv[0] is "dashboard"; returns a DWCTL_EXIT_* code. */
int dwctl_dashboard_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
