/* dwctl_show — `dwctl show DOC_KIND DOC_ID`: one document as dw-route keeps
 * it (where it is, who holds it, by when, what set it off) and every step it
 * took, from documents and document_history. Reads only. */
#ifndef DWCTL_SHOW_H
#define DWCTL_SHOW_H

#include "dwctl.h"

/* argv[0] is "show"; returns a DWCTL_EXIT_* code. */
int dwctl_show_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
