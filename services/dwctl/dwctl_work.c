#include "dwctl_work.h"

#include <stdlib.h>
#include <string.h>

#include "dw_config.h"
#include "r_procedure.h"

int dwctl_work_env(const dwctl_ctx_t *ctx, const char *cmd, const char *config, const char *conninfo, const char *as_of,
                   dwctl_work_env_t *env)
{
    memset(env, 0, sizeof *env);
    if (as_of && !dw_date_parse(as_of, &env->as_of)) {
        fprintf(ctx->err, "dwctl: %s: --as-of: \"%s\" is not a date (YYYY-MM-DD)\n", cmd, as_of);
        dwctl_usage(ctx->err, cmd);
        return DWCTL_EXIT_USAGE;
    }
    dw_config_t *cfg = NULL;
    if (config) {
        char err[512];
        if (!(cfg = dw_config_load(config, err, sizeof err))) {
            fprintf(ctx->err, "dwctl: %s: bad configuration: %s\n", cmd, err);
            return DWCTL_EXIT_INCOMPLETE;
        }
    }
    if (!conninfo)
        conninfo = getenv("DW_DATABASE_CONNINFO");
    if ((!conninfo || !*conninfo) && cfg)
        conninfo = cfg->database.conninfo;
    if (conninfo)
        snprintf(env->conninfo, sizeof env->conninfo, "%s", conninfo);
    /* clock.as_of was checked as a date when the file loaded */
    if (!as_of && !(cfg && cfg->clock.as_of[0] && dw_date_parse(cfg->clock.as_of, &env->as_of)))
        env->as_of = dw_business_today();
    dw_config_destroy(&cfg);
    if (!env->conninfo[0]) {
        fprintf(ctx->err, "dwctl: %s: no database: give --conninfo, set DW_DATABASE_CONNINFO or give --config FILE\n",
                cmd);
        dwctl_usage(ctx->err, cmd);
        return DWCTL_EXIT_USAGE;
    }
    return -1;
}

const char *dwctl_state_title(const char *doc_kind, const char *state)
{
    const dw_r_state_t *s = dw_r_state(dw_r_procedure(doc_kind), state);
    return s ? s->title : "";
}

const char *dwctl_kind_title(const char *doc_kind)
{
    const dw_r_procedure_t *p = dw_r_procedure(doc_kind);
    return p ? p->title : "";
}

const char *dwctl_role_title(const char *role)
{
    static const char *const titles[DW_R_ROLE_COUNT] = {
        [DW_R_DEPARTMENT] = "预算部门",    [DW_R_BUSINESS] = "业务股室",     [DW_R_COMPREHENSIVE] = "综合股",
        [DW_R_BUDGET] = "预算股",          [DW_R_TREASURY] = "国库收付中心", [DW_R_INVESTMENT] = "财政投资评审中心",
        [DW_R_SUPERVISION] = "监督检查股", [DW_R_LEADERSHIP] = "局党组",     [DW_R_SYSTEM] = "系统",
    };
    for (int r = 0; role && r < DW_R_ROLE_COUNT; r++)
        if (strcmp(dw_r_role_name((dw_r_role_t)r), role) == 0)
            return titles[r];
    return "";
}

const char *dwctl_decision_title(const char *decision)
{
    static const struct {
        const char *name, *title;
    } decisions[] = {
        {"reduce_budget", "调减预算并调整绩效目标"},
        {"adjust_targets", "调整绩效目标"},
        {"suspend", "暂停实施并停止拨付"},
    };
    for (size_t i = 0; decision && i < sizeof decisions / sizeof decisions[0]; i++)
        if (strcmp(decisions[i].name, decision) == 0)
            return decisions[i].title;
    return "";
}

void dwctl_put_line_text(FILE *out, const char *s)
{
    for (; s && *s; s++)
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, out);
}
