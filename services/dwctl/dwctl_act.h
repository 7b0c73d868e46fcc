/* dwctl_act — the sections' actions on documents, each one workflow.action
 * through dw-intake (dwctl_action):
 *   dwctl act DOC_KIND DOC_ID ACTION   a step of a document's procedure
 *   dwctl reevaluate                   opens a 绩效再评价 with its plan
 *   dwctl open-case                    opens a 偏离处置 case on demand
 *   dwctl summary                      opens a year's 结果应用汇总
 * Options are checked before anything is sent: a missing one, an unknown
 * kind of document, action, state or decision is a usage error. Whether the
 * document's state and the actor's role allow the action is dw-route's to
 * decide, after the ack. */
#ifndef DWCTL_ACT_H
#define DWCTL_ACT_H

#include "dwctl.h"

/* argv[0] is the subcommand's name; each returns a DWCTL_EXIT_* code. */
int dwctl_act_main(const dwctl_ctx_t *ctx, int argc, char **argv);
int dwctl_reevaluate_main(const dwctl_ctx_t *ctx, int argc, char **argv);
int dwctl_open_case_main(const dwctl_ctx_t *ctx, int argc, char **argv);
int dwctl_summary_main(const dwctl_ctx_t *ctx, int argc, char **argv);

#endif
