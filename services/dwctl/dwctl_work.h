/* dwctl_work — what `dwctl tasks` and `dwctl show` share: where they read
 * (the database and the business date, from options, the environment or the
 * configuration file) and the bureau's words for the workflow's names: the
 * titles of states from dw-route's procedure tables, roles and decisions. */
#ifndef DWCTL_WORK_H
#define DWCTL_WORK_H

#include <stdio.h>

#include "dw_date.h"
#include "dwctl.h"

/* Where a reading command reads. */
typedef struct dwctl_work_env {
    char conninfo[1024];
    dw_date_t as_of;
} dwctl_work_env_t;

/* conninfo: the option, else $DW_DATABASE_CONNINFO, else database.conninfo of
 * the config file; as_of: the option, else clock.as_of of the config file,
 * else today in Asia/Shanghai. config and the options may be NULL. Returns
 * -1 to go on, or the exit code after saying why on ctx->err (64 for a bad
 * date or no database, 2 for a config file that does not load). */
int dwctl_work_env(const dwctl_ctx_t *ctx, const char *cmd, const char *config, const char *conninfo, const char *as_of,
                   dwctl_work_env_t *env) __attribute__((warn_unused_result));

/* 业务股室研判，提出处置建议 for (deviation_case, business_review); "" when the
 * procedure has no such state. */
const char *dwctl_state_title(const char *doc_kind, const char *state);
/* 偏离处置 for deviation_case; "" for a kind with no procedure. */
const char *dwctl_kind_title(const char *doc_kind);
/* 业务股室 for business (dw_r_role_name's names); "" for others. */
const char *dwctl_role_title(const char *role);
/* 调减预算并调整绩效目标 for reduce_budget; "" for others. */
const char *dwctl_decision_title(const char *decision);

/* s on one line: control characters (a line break in an opinion) become spaces. */
void dwctl_put_line_text(FILE *out, const char *s);

#endif
