/* dwctl tasks — a section's open documents, one line each:
 *
 *   待办 biz_edu  截至 2026-04-01  在办 2 件，逾期 1 件
 *   deviation_case  DC-17  business_review（业务股室研判，提出处置建议）  部门 101  项目 P2026-101-003  到期 2026-03-20
 * 逾期 12 天  ...
 *
 * The holder of a document is one code: a section's, or the department's
 * dept_code when the department holds it (dw-route writes it so). A closed
 * document is held by nobody, so --all finds the closed ones by their
 * history: those the section held or acted on at some step. */
#include "dwctl_tasks.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "dw_buf.h"
#include "dw_pg.h"
#include "dwctl_import_csv.h"
#include "dwctl_work.h"

typedef struct tasks_args {
    const char *section, *as_of, *config, *conninfo;
    bool all, csv;
} tasks_args_t;

enum { OPT_SECTION = 256, OPT_ALL, OPT_AS_OF, OPT_FORMAT, OPT_CONFIG, OPT_CONNINFO, OPT_HELP };

static const struct option longopts[] = {
    {"section", required_argument, NULL, OPT_SECTION},
    {"all", no_argument, NULL, OPT_ALL},
    {"as-of", required_argument, NULL, OPT_AS_OF},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"conninfo", required_argument, NULL, OPT_CONNINFO},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: tasks: %s\n", why);
    dwctl_usage(ctx->err, "tasks");
    return DWCTL_EXIT_USAGE;
}

static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, tasks_args_t *a)
{
    memset(a, 0, sizeof *a);
    optind = 0;
    for (int ch; (ch = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
        switch (ch) {
        case OPT_SECTION: a->section = optarg; break;
        case OPT_ALL: a->all = true; break;
        case OPT_AS_OF: a->as_of = optarg; break;
        case OPT_CONFIG: a->config = optarg; break;
        case OPT_CONNINFO: a->conninfo = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "text") != 0)
                return usage_error(ctx, "--format: text or csv");
            a->csv = strcmp(optarg, "csv") == 0;
            break;
        case OPT_HELP: dwctl_usage(ctx->out, "tasks"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "tasks"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc)
        return usage_error(ctx, "tasks takes options only");
    if (!a->section || !*a->section)
        return usage_error(ctx, "--section CODE: the section (or a department's dept_code) whose documents to list");
    return -1; /* go on */
}

enum { C_KIND, C_ID, C_STATE, C_ROUND, C_DEPT, C_PROJECT, C_DUE, C_CLOSED, C_TITLE };

static PGresult *fetch(dw_pg_t *pg, const tasks_args_t *a)
{
    const char *params[] = {a->section, a->all ? "true" : "false"};
    return dw_pg_query(pg, "list a section's documents",
                       "SELECT d.doc_kind, d.doc_id, d.state, d.round, d.dept_code, d.project_code, "
                       "to_char(d.due_date, 'YYYY-MM-DD'), "
                       "to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), d.title "
                       "FROM documents d "
                       "WHERE (d.closed_at IS NULL AND d.holder_code = $1) "
                       "OR ($2::boolean AND d.closed_at IS NOT NULL AND (d.holder_code = $1 OR EXISTS ("
                       "SELECT 1 FROM document_history h WHERE h.doc_kind = d.doc_kind AND h.doc_id = d.doc_id "
                       "AND (h.holder_code = $1 OR h.section_code = $1)))) "
                       "ORDER BY d.due_date NULLS LAST, d.opened_at, d.doc_kind, d.doc_id",
                       2, params);
}

static const char *col(const PGresult *res, int r, int c)
{
    return PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

/* Days past the due date at as_of; 0 when not overdue, closed or without one. */
static int64_t days_late(const PGresult *res, int r, dw_date_t as_of)
{
    dw_date_t due;
    if (col(res, r, C_CLOSED) || !col(res, r, C_DUE) || !dw_date_parse(col(res, r, C_DUE), &due))
        return 0;
    int64_t late = dw_date_diff_days(as_of, due);
    return late > 0 ? late : 0;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void text_row(FILE *out, const PGresult *res, int r, dw_date_t as_of)
{
    const char *kind = col(res, r, C_KIND), *state = col(res, r, C_STATE);
    const char *title = dwctl_state_title(kind, state);
    fprintf(out, "%s  %s  %s", kind, col(res, r, C_ID), state);
    if (*title)
        fprintf(out, "（%s）", title);
    fprintf(out, "  部门 %s  项目 %s  到期 %s  ", or_dash(col(res, r, C_DEPT)), or_dash(col(res, r, C_PROJECT)),
            or_dash(col(res, r, C_DUE)));
    int64_t late = days_late(res, r, as_of);
    if (col(res, r, C_CLOSED))
        fprintf(out, "已办结 %s", col(res, r, C_CLOSED));
    else if (late)
        fprintf(out, "逾期 %" PRId64 " 天", late);
    else
        fputc('-', out);
    fputs("  ", out);
    dwctl_put_line_text(out, col(res, r, C_TITLE));
    fputc('\n', out);
}

static int text(const dwctl_ctx_t *ctx, const tasks_args_t *a, const PGresult *res, dw_date_t as_of)
{
    int open = 0, late = 0, closed = 0;
    for (int r = 0; r < PQntuples(res); r++) {
        if (col(res, r, C_CLOSED))
            closed++;
        else
            open++;
        late += days_late(res, r, as_of) > 0;
    }
    char date[11];
    dw_date_format(as_of, date);
    fprintf(ctx->out, "待办 %s  截至 %s  在办 %d 件，逾期 %d 件", a->section, date, open, late);
    if (a->all)
        fprintf(ctx->out, "，已办结 %d 件", closed);
    fputc('\n', ctx->out);
    for (int r = 0; r < PQntuples(res); r++)
        text_row(ctx->out, res, r, as_of);
    return 0;
}

static int csv(const dwctl_ctx_t *ctx, const PGresult *res, dw_date_t as_of)
{
    static const char *const header[] = {"doc_kind",     "doc_id",    "state",        "state_title",
                                         "round",        "dept_code", "project_code", "due_date",
                                         "overdue_days", "closed_on", "title"};
    enum { N = sizeof header / sizeof header[0] };
    dw_buf_t b = DW_BUF_INIT;
    int rc = 0;
    for (int i = 0; i < N && rc == 0; i++)
        rc = dwctl_csv_put(&b, header[i], i + 1 == N);
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char late[24] = "";
        int64_t days = days_late(res, r, as_of);
        if (days)
            snprintf(late, sizeof late, "%" PRId64, days);
        const char *kind = col(res, r, C_KIND), *state = col(res, r, C_STATE);
        const char *fields[N] = {kind,
                                 col(res, r, C_ID),
                                 state,
                                 dwctl_state_title(kind, state),
                                 col(res, r, C_ROUND),
                                 col(res, r, C_DEPT),
                                 col(res, r, C_PROJECT),
                                 col(res, r, C_DUE),
                                 late,
                                 col(res, r, C_CLOSED),
                                 col(res, r, C_TITLE)};
        for (int i = 0; i < N && rc == 0; i++)
            rc = dwctl_csv_put(&b, fields[i] ? fields[i] : "", i + 1 == N);
    }
    if (rc == 0 && b.len && fwrite(b.data, 1, b.len, ctx->out) != b.len)
        rc = -1;
    dw_buf_free(&b);
    return rc;
}

int dwctl_tasks_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    tasks_args_t a;
    int code = parse(ctx, argc, argv, &a);
    if (code >= 0)
        return code;
    dwctl_work_env_t env;
    if ((code = dwctl_work_env(ctx, "tasks", a.config, a.conninfo, a.as_of, &env)) >= 0)
        return code;
    dw_pg_t *pg = dw_pg_connect(env.conninfo, 0, "dwctl-tasks");
    if (!pg) {
        fprintf(ctx->err, "dwctl: tasks: could not connect to PostgreSQL (--conninfo, DW_DATABASE_CONNINFO or "
                          "database.conninfo of --config)\n");
        return DWCTL_EXIT_INCOMPLETE;
    }
    PGresult *res = fetch(pg, &a);
    code = DWCTL_EXIT_INCOMPLETE;
    if (res) {
        int rc = a.csv ? csv(ctx, res, env.as_of) : text(ctx, &a, res, env.as_of);
        if (rc == 0 && fflush(ctx->out) == 0)
            code = DWCTL_EXIT_OK;
        else
            fprintf(ctx->err, "dwctl: tasks: could not write the list\n");
    }
    PQclear(res);
    dw_pg_destroy(&pg);
    return code;
}
