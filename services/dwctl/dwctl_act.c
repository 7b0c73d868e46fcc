/* dwctl act, reevaluate, open-case, summary — one table of options, each
 * command allowing and requiring its own of them; then the message.
 *
 *   dwctl act deviation_case DC-17 propose --actor 张明 --section biz_edu \
 *       --opinion "执行进度严重滞后" --decision reduce_budget
 *   stored act-DC-17-propose-1773800000000 seq 912
 *   dw-route takes up the propose of deviation_case DC-17 next ... */
#include "dwctl_act.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dwctl_action.h"
#include "dwctl_args.h"
#include "dwctl_work.h"
#include "r_procedure.h"

#define DEFAULT_ENDPOINT   "tcp://127.0.0.1:7401"
#define DEFAULT_TIMEOUT_MS 30000
#define GO                 (-1)

enum {
    O_ACTOR,
    O_SECTION,
    O_OPINION,
    O_COMMENT,
    O_TO_STATE,
    O_DECISION,
    O_YEAR,
    O_DEPT,
    O_PROJECT,
    O_SCOPE,
    O_SCHEDULE,
    O_METHOD,
    O_INDICATORS,
    O_ID,
    O_ENDPOINT,
    O_TS,
    O_TIMEOUT,
    O_HELP,
    N_OPTS
};

#define OPT(o) (256 + (o))

/* In the order of the enum: getopt gives back 256 + the option's index. */
static const struct option longopts[] = {
    {"actor", required_argument, NULL, OPT(O_ACTOR)},
    {"section", required_argument, NULL, OPT(O_SECTION)},
    {"opinion", required_argument, NULL, OPT(O_OPINION)},
    {"comment", required_argument, NULL, OPT(O_COMMENT)},
    {"to-state", required_argument, NULL, OPT(O_TO_STATE)},
    {"decision", required_argument, NULL, OPT(O_DECISION)},
    {"year", required_argument, NULL, OPT(O_YEAR)},
    {"dept", required_argument, NULL, OPT(O_DEPT)},
    {"project", required_argument, NULL, OPT(O_PROJECT)},
    {"scope", required_argument, NULL, OPT(O_SCOPE)},
    {"schedule", required_argument, NULL, OPT(O_SCHEDULE)},
    {"method", required_argument, NULL, OPT(O_METHOD)},
    {"indicators", required_argument, NULL, OPT(O_INDICATORS)},
    {"id", required_argument, NULL, OPT(O_ID)},
    {"endpoint", required_argument, NULL, OPT(O_ENDPOINT)},
    {"ts", required_argument, NULL, OPT(O_TS)},
    {"timeout-ms", required_argument, NULL, OPT(O_TIMEOUT)},
    {"help", no_argument, NULL, OPT(O_HELP)},
    {NULL, 0, NULL, 0},
};
_Static_assert(sizeof longopts / sizeof longopts[0] == N_OPTS + 1, "an entry per option");

/* What a required option is for, said when it is missing. */
static const char *const needed[N_OPTS] = {
    [O_ACTOR] = "--actor NAME: who acts (操作人)",
    [O_SECTION] = "--section CODE: the section the actor acts for, or the department's dept_code",
    [O_YEAR] = "--year YYYY: the fiscal year",
    [O_DEPT] = "--dept CODE: the department (预算部门)",
    [O_PROJECT] = "--project CODE: the project",
    [O_SCOPE] = "--scope TEXT: the plan's 评价范围",
    [O_SCHEDULE] = "--schedule TEXT: the plan's 时间安排",
    [O_METHOD] = "--method TEXT: the plan's 评价方法",
    [O_INDICATORS] = "--indicators TEXT: the plan's 指标体系及评价标准",
};

#define BIT(o)  (1u << (o))
#define SENDING (BIT(O_ENDPOINT) | BIT(O_TS) | BIT(O_TIMEOUT) | BIT(O_HELP))
#define WHO     (BIT(O_ACTOR) | BIT(O_SECTION))
#define PLAN    (BIT(O_SCOPE) | BIT(O_SCHEDULE) | BIT(O_METHOD) | BIT(O_INDICATORS))

typedef struct command {
    const char *name;
    unsigned allowed, required;
    int positionals;
    const char *positional_what; /* said when their count is wrong */
} command_t;

static const command_t act_cmd = {
    .name = "act",
    .allowed = WHO | BIT(O_OPINION) | BIT(O_COMMENT) | BIT(O_TO_STATE) | BIT(O_DECISION) | BIT(O_ID) | SENDING,
    .required = WHO,
    .positionals = 3,
    .positional_what = "DOC_KIND DOC_ID ACTION: the document and what to do with it, such as deviation_case DC-17 "
                       "propose",
};
static const command_t reevaluate_cmd = {
    .name = "reevaluate",
    .allowed = WHO | PLAN | BIT(O_YEAR) | BIT(O_DEPT) | BIT(O_PROJECT) | BIT(O_COMMENT) | BIT(O_ID) | SENDING,
    .required = WHO | PLAN | BIT(O_YEAR) | BIT(O_DEPT),
    .positional_what = "reevaluate takes options only",
};
static const command_t open_case_cmd = {
    .name = "open-case",
    .allowed = WHO | BIT(O_YEAR) | BIT(O_DEPT) | BIT(O_PROJECT) | BIT(O_COMMENT) | BIT(O_ID) | SENDING,
    .required = WHO | BIT(O_YEAR) | BIT(O_DEPT) | BIT(O_PROJECT),
    .positional_what = "open-case takes options only",
};
static const command_t summary_cmd = {
    .name = "summary",
    .allowed = WHO | BIT(O_YEAR) | BIT(O_COMMENT) | BIT(O_ID) | SENDING,
    .required = WHO | BIT(O_YEAR),
    .positional_what = "summary takes options only",
};

typedef struct parsed {
    const char *v[N_OPTS]; /* each option's text, NULL when not given */
    long year, ts, timeout_ms;
    char **pos;
} parsed_t;

/* why NULL: already said (dwctl_parse_long). */
static int usage_error(const dwctl_ctx_t *ctx, const command_t *c, const char *why)
{
    if (why)
        fprintf(ctx->err, "dwctl: %s: %s\n", c->name, why);
    dwctl_usage(ctx->err, c->name);
    return DWCTL_EXIT_USAGE;
}

static int parse(const dwctl_ctx_t *ctx, const command_t *c, int argc, char **argv, parsed_t *p)
{
    memset(p, 0, sizeof *p);
    p->timeout_ms = DEFAULT_TIMEOUT_MS;
    optind = 0;
    for (int ch; (ch = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
        int o = ch - 256;
        if (o < 0 || o >= N_OPTS) {
            dwctl_usage(ctx->err, c->name);
            return DWCTL_EXIT_USAGE;
        }
        if (!(c->allowed & BIT(o))) {
            char why[96];
            snprintf(why, sizeof why, "--%s is not an option of %s", longopts[o].name, c->name);
            return usage_error(ctx, c, why);
        }
        p->v[o] = optarg;
        switch (o) {
        case O_HELP: dwctl_usage(ctx->out, c->name); return DWCTL_EXIT_OK;
        case O_YEAR:
            if (dwctl_parse_long("--year", optarg, 2000, 2100, &p->year, ctx->err) != 0)
                return usage_error(ctx, c, NULL);
            break;
        case O_TS:
            if (dwctl_parse_long("--ts", optarg, 1, 253402300799999L, &p->ts, ctx->err) != 0)
                return usage_error(ctx, c, NULL);
            break;
        case O_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &p->timeout_ms, ctx->err) != 0)
                return usage_error(ctx, c, NULL);
            break;
        case O_DECISION:
            if (!*dwctl_decision_title(optarg))
                return usage_error(ctx, c,
                                   "--decision: reduce_budget (调减预算并调整绩效目标), adjust_targets "
                                   "(调整绩效目标) or suspend (暂停实施并停止拨付)");
            break;
        default: break;
        }
    }
    if (argc - optind != c->positionals)
        return usage_error(ctx, c, c->positional_what);
    p->pos = argv + optind;
    for (int o = 0; o < N_OPTS; o++)
        if ((c->required & BIT(o)) && !p->v[o])
            return usage_error(ctx, c, needed[o]);
    return GO;
}

static dwctl_action_opts_t send_opts(const command_t *c, const parsed_t *p)
{
    return (dwctl_action_opts_t){
        .cmd = c->name,
        .endpoint = p->v[O_ENDPOINT] ? p->v[O_ENDPOINT] : DEFAULT_ENDPOINT,
        .ts = p->ts,
        .timeout_ms = (int)p->timeout_ms,
    };
}

/* ---- act ------------------------------------------------------------------------ */

/* Whether a department or a section may take action somewhere in p (the
 * rows of dw-route's own timers and facts are not for people to send). */
static bool is_people_action(const dw_r_procedure_t *p, const char *action)
{
    for (size_t i = 0; i < p->n_steps; i++)
        if (strcmp(p->steps[i].action, action) == 0 && p->steps[i].role != DW_R_SYSTEM)
            return true;
    return false;
}

/* "propose, decide, return, ..." for a refusal's message: each once, in table order. */
static void people_actions(const dw_r_procedure_t *p, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < p->n_steps; i++) {
        const dw_r_step_t *s = &p->steps[i];
        if (s->role == DW_R_SYSTEM || strcmp(s->action, "open") == 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(p->steps[j].action, s->action) == 0 && p->steps[j].role != DW_R_SYSTEM;
        int w = seen ? 0 : snprintf(out + len, n - len, "%s%s", len ? ", " : "", s->action);
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

static int unknown_kind(const dwctl_ctx_t *ctx, const command_t *c, const char *kind)
{
    fprintf(ctx->err, "dwctl: %s: \"%s\" is not a kind of document; the kinds:", c->name, kind);
    size_t n;
    const dw_r_procedure_t *const *ps = dw_r_procedures(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(ctx->err, " %s（%s）", ps[i]->doc_kind, ps[i]->title);
    fputc('\n', ctx->err);
    dwctl_usage(ctx->err, c->name);
    return DWCTL_EXIT_USAGE;
}

int dwctl_act_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    const command_t *c = &act_cmd;
    parsed_t p;
    int stop = parse(ctx, c, argc, argv, &p);
    if (stop != GO)
        return stop;
    const char *kind = p.pos[0], *doc_id = p.pos[1], *action = p.pos[2];
    const dw_r_procedure_t *proc = dw_r_procedure(kind);
    if (!proc)
        return unknown_kind(ctx, c, kind);
    char why[512];
    if (strcmp(action, "open") == 0)
        return usage_error(ctx, c,
                           "a document is opened with dwctl reevaluate (绩效再评价), open-case (偏离处置) or summary "
                           "(结果应用汇总)");
    if (!is_people_action(proc, action)) {
        char allowed[256];
        people_actions(proc, allowed, sizeof allowed);
        snprintf(why, sizeof why, "\"%s\" is not an action of %s (%s); its actions: %s", action, proc->title, kind,
                 allowed);
        return usage_error(ctx, c, why);
    }
    const char *to_state = p.v[O_TO_STATE];
    if (to_state && strcmp(action, "return") != 0)
        return usage_error(ctx, c, "--to-state goes with return: the earlier step the document goes back to");
    if (to_state && !dw_r_state(proc, to_state)) {
        size_t len = (size_t)snprintf(
            why, sizeof why, "--to-state: %s (%s) has no state \"%s\"; its states:", proc->title, kind, to_state);
        for (size_t i = 0; i < proc->n_states && len < sizeof why; i++)
            len += (size_t)snprintf(why + len, sizeof why - len, " %s", proc->states[i].name);
        return usage_error(ctx, c, why);
    }
    dwctl_action_t a = {
        .doc_kind = kind,
        .doc_id = doc_id,
        .action = action,
        .actor = p.v[O_ACTOR],
        .section_code = p.v[O_SECTION],
        .opinion = p.v[O_OPINION],
        .comment = p.v[O_COMMENT],
        .to_state = to_state,
        .decision = p.v[O_DECISION],
    };
    dwctl_action_opts_t o = send_opts(c, &p);
    o.id = p.v[O_ID];
    return dwctl_action_send(ctx, &a, &o);
}

/* ---- the documents a section opens ------------------------------------------------ */

/* Sends action open of a new document of kind: its id from --id or made by the caller. */
static int open_document(const dwctl_ctx_t *ctx, const command_t *c, const parsed_t *p, const char *kind,
                         const char *doc_id, bool id_of_today)
{
    dwctl_action_t a = {
        .doc_kind = kind,
        .doc_id = doc_id,
        .action = "open",
        .actor = p->v[O_ACTOR],
        .section_code = p->v[O_SECTION],
        .comment = p->v[O_COMMENT],
        .fiscal_year = (int)p->year,
        .dept_code = p->v[O_DEPT],
        .project_code = p->v[O_PROJECT],
        .scope = p->v[O_SCOPE],
        .schedule = p->v[O_SCHEDULE],
        .method = p->v[O_METHOD],
        .indicators = p->v[O_INDICATORS],
    };
    dwctl_action_opts_t o = send_opts(c, p);
    /* an id made from today's date is another one tomorrow: a retry names it */
    char again[200];
    if (id_of_today) {
        snprintf(again, sizeof again, "--id %s", doc_id);
        o.again = again;
    }
    return dwctl_action_send(ctx, &a, &o);
}

int dwctl_reevaluate_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    parsed_t p;
    int stop = parse(ctx, &reevaluate_cmd, argc, argv, &p);
    if (stop != GO)
        return stop;
    char doc_id[160];
    if (p.v[O_ID])
        snprintf(doc_id, sizeof doc_id, "%s", p.v[O_ID]);
    else
        snprintf(doc_id, sizeof doc_id, "RE-%ld-%s%s%s", p.year, p.v[O_DEPT], p.v[O_PROJECT] ? "-" : "",
                 p.v[O_PROJECT] ? p.v[O_PROJECT] : "");
    return open_document(ctx, &reevaluate_cmd, &p, "reevaluation", doc_id, false);
}

int dwctl_open_case_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    parsed_t p;
    int stop = parse(ctx, &open_case_cmd, argc, argv, &p);
    if (stop != GO)
        return stop;
    char doc_id[160];
    if (p.v[O_ID]) {
        snprintf(doc_id, sizeof doc_id, "%s", p.v[O_ID]);
    } else {
        dw_date_t today = dw_business_today();
        snprintf(doc_id, sizeof doc_id, "DC-%s-%04d%02d%02d", p.v[O_PROJECT], today.year, today.month, today.day);
    }
    return open_document(ctx, &open_case_cmd, &p, "deviation_case", doc_id, !p.v[O_ID]);
}

int dwctl_summary_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    parsed_t p;
    int stop = parse(ctx, &summary_cmd, argc, argv, &p);
    if (stop != GO)
        return stop;
    char doc_id[160];
    if (p.v[O_ID])
        snprintf(doc_id, sizeof doc_id, "%s", p.v[O_ID]);
    else
        snprintf(doc_id, sizeof doc_id, "RS-%ld", p.year);
    return open_document(ctx, &summary_cmd, &p, "results_summary", doc_id, false);
}
