/* dwctl_rejects — `dwctl rejects`: what dualwatch refused, read from the
 * rejects table (libpq, parameterised statements only), one refusal shown
 * with its message decoded, and a corrected message sent in its place. */
#ifndef DWCTL_REJECTS_H
#define DWCTL_REJECTS_H

#include "dwctl.h"

/* argv[0] is "rejects"; returns a DWCTL_EXIT_* code. */
int dwctl_rejects_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
