/* dwctl_tasks — `dwctl tasks`: the documents a section (or a department,
 * by its dept_code) holds now, from the documents table that dw-route
 * keeps, soonest due first, with the overdue ones flagged at the business
 * date; with --all, the closed documents it had a hand in too. Reads only. */
#ifndef DWCTL_TASKS_H
#define DWCTL_TASKS_H

#include "dwctl.h"

/* argv[0] is "tasks"; returns a DWCTL_EXIT_* code. */
int dwctl_tasks_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
