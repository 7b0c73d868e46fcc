/* dwctl show — one document and its history:
 *
 *   单据 deviation_case DC-17  偏离处置
 *   标题      义务教育薄弱环节改善项目执行进度偏离
 *   状态      comprehensive_review（综合股审定）  第 1 轮
 *   ...
 *   历程（2 步）
 *     1  第1轮  2026-03-10 10:00:00  dw-route  system（系统）  open 预警转偏离处置  - → business_review  转 biz_edu
 * 到期 2026-03-17 2  ... 意见  同意，请加快项目实施进度
 *
 * Only the columns that say something about the document are shown; the
 * ones that are empty for it (no alert, no instruction, not closed) are left out. */
#include "dwctl_show.h"

#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "dw_pg.h"
#include "dwctl_work.h"
#include "r_procedure.h"

enum { OPT_CONFIG = 256, OPT_CONNINFO, OPT_HELP };

static const struct option longopts[] = {
    {"config", required_argument, NULL, OPT_CONFIG},
    {"conninfo", required_argument, NULL, OPT_CONNINFO},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: show: %s\n", why);
    dwctl_usage(ctx->err, "show");
    return DWCTL_EXIT_USAGE;
}

/* The document's columns, in the order of the query. */
enum {
    D_KIND,
    D_ID,
    D_YEAR,
    D_DEPT,
    D_PROJECT,
    D_TITLE,
    D_STATE,
    D_ROUND,
    D_HOLDER_ROLE,
    D_HOLDER,
    D_DUE,
    D_SUBMITTED_BY,
    D_SUBMITTED_FROM,
    D_NEXT_ACTED,
    D_DECISION,
    D_ALERT,
    D_ALERT_LEVEL,
    D_ALERT_MESSAGE,
    D_INSTRUCTION,
    D_INSTR_ACTION,
    D_INSTR_ISSUED,
    D_INSTR_ACK_DUE,
    D_INSTR_ACKED,
    D_TASK,
    D_REMINDED,
    D_OVERDUE,
    D_OPENED,
    D_UPDATED,
    D_CLOSED,
};

static PGresult *fetch_document(dw_pg_t *pg, const char *kind, const char *id)
{
    const char *params[] = {kind, id};
    return dw_pg_query(pg, "read a document",
                       "SELECT d.doc_kind, d.doc_id, d.fiscal_year, d.dept_code, d.project_code, d.title, d.state, "
                       "d.round, d.holder_role, d.holder_code, to_char(d.due_date, 'YYYY-MM-DD'), d.submitted_by, "
                       "d.submitted_from, d.next_step_acted, d.decision, d.alert_id, a.level, a.message, "
                       "d.instruction_id, i.action, to_char(i.issued_on, 'YYYY-MM-DD'), "
                       "to_char(i.ack_due, 'YYYY-MM-DD'), to_char(i.acked_on, 'YYYY-MM-DD'), d.task_id, "
                       "to_char(d.reminded_for, 'YYYY-MM-DD'), to_char(d.overdue_for, 'YYYY-MM-DD'), "
                       "to_char(d.opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), "
                       "to_char(d.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), "
                       "to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') "
                       "FROM documents d LEFT JOIN alerts a ON a.alert_id = d.alert_id "
                       "LEFT JOIN treasury_instructions i ON i.instruction_id = d.instruction_id "
                       "WHERE d.doc_kind = $1 AND d.doc_id = $2",
                       2, params);
}

enum {
    H_STEP,
    H_ROUND,
    H_ACTED,
    H_ACTOR,
    H_SECTION,
    H_ROLE,
    H_ACTION,
    H_TITLE,
    H_FROM,
    H_TO,
    H_HOLDER,
    H_DUE,
    H_OPINION,
    H_COMMENT,
    H_DECISION,
};

static PGresult *fetch_history(dw_pg_t *pg, const char *kind, const char *id)
{
    const char *params[] = {kind, id};
    return dw_pg_query(pg, "read a document's history",
                       "SELECT step_no, round, "
                       "to_char(acted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'), actor, "
                       "section_code, role, action, title, from_state, to_state, holder_code, "
                       "to_char(due_date, 'YYYY-MM-DD'), opinion, comment, decision "
                       "FROM document_history WHERE doc_kind = $1 AND doc_id = $2 ORDER BY step_no",
                       2, params);
}

static const char *col(const PGresult *res, int r, int c)
{
    return PQgetisnull(res, r, c) || !*PQgetvalue(res, r, c) ? NULL : PQgetvalue(res, r, c);
}

/* The label padded to 8 columns, a CJK character taking two. */
static void label(FILE *out, const char *text)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        width += *p < 0x80 ? 1 : (*p & 0xC0) == 0xC0 ? 2 : 0;
    fprintf(out, "%s%*s  ", text, width < 8 ? 8 - width : 0, "");
}

/* "business_review（业务股室研判，提出处置建议）", or the bare name when it has no title. */
static void state_words(FILE *out, const char *kind, const char *state)
{
    const char *title = dwctl_state_title(kind, state);
    fputs(state ? state : "-", out);
    if (*title)
        fprintf(out, "（%s）", title);
}

/* "name（title）" when there is a title for it. */
static void named(FILE *out, const char *name, const char *title)
{
    dwctl_put_line_text(out, name);
    if (title && *title)
        fprintf(out, "（%s）", title);
}

static void document(FILE *out, const PGresult *d)
{
    const char *kind = col(d, 0, D_KIND);
    fprintf(out, "单据 %s %s  %s\n", kind, col(d, 0, D_ID), dwctl_kind_title(kind));
    label(out, "标题");
    dwctl_put_line_text(out, col(d, 0, D_TITLE));
    fputc('\n', out);
    label(out, "年度");
    fprintf(out, "%s\n", col(d, 0, D_YEAR));
    label(out, "部门");
    fprintf(out, "%s\n", col(d, 0, D_DEPT) ? col(d, 0, D_DEPT) : "-（全局）");
    if (col(d, 0, D_PROJECT)) {
        label(out, "项目");
        fprintf(out, "%s\n", col(d, 0, D_PROJECT));
    }
    label(out, "状态");
    state_words(out, kind, col(d, 0, D_STATE));
    fprintf(out, "  第 %s 轮\n", col(d, 0, D_ROUND));
    label(out, "办理");
    fprintf(out, "%s（%s）\n", col(d, 0, D_HOLDER) ? col(d, 0, D_HOLDER) : "-",
            *dwctl_role_title(col(d, 0, D_HOLDER_ROLE)) ? dwctl_role_title(col(d, 0, D_HOLDER_ROLE))
                                                        : col(d, 0, D_HOLDER_ROLE));
    label(out, "到期");
    fprintf(out, "%s\n", col(d, 0, D_DUE) ? col(d, 0, D_DUE) : "-");
    if (col(d, 0, D_SUBMITTED_BY)) {
        label(out, "提交人");
        dwctl_put_line_text(out, col(d, 0, D_SUBMITTED_BY));
        if (col(d, 0, D_SUBMITTED_FROM)) {
            fputs("（自 ", out);
            state_words(out, kind, col(d, 0, D_SUBMITTED_FROM));
            fputs(" 提交）", out);
        }
        /* the submitter may recall until the next step acts */
        fputs(strcmp(col(d, 0, D_NEXT_ACTED), "t") == 0 ? "  下一步已办理" : "  下一步未办理，可撤回", out);
        fputc('\n', out);
    }
    if (col(d, 0, D_DECISION)) {
        label(out, "处置决定");
        named(out, col(d, 0, D_DECISION), dwctl_decision_title(col(d, 0, D_DECISION)));
        fputc('\n', out);
    }
    if (col(d, 0, D_ALERT)) {
        label(out, "预警");
        fprintf(out, "#%s %s  ", col(d, 0, D_ALERT), col(d, 0, D_ALERT_LEVEL) ? col(d, 0, D_ALERT_LEVEL) : "-");
        dwctl_put_line_text(out, col(d, 0, D_ALERT_MESSAGE));
        fputc('\n', out);
    }
    if (col(d, 0, D_INSTRUCTION)) {
        const char *action = col(d, 0, D_INSTR_ACTION);
        label(out, "国库指令");
        fprintf(out, "#%s %s", col(d, 0, D_INSTRUCTION), action ? action : "-");
        if (action)
            fputs(strcmp(action, "hold") == 0 ? "（停止拨付）" : "（恢复拨付）", out);
        if (col(d, 0, D_INSTR_ISSUED))
            fprintf(out, "  发出 %s  确认期限 %s  %s%s", col(d, 0, D_INSTR_ISSUED), col(d, 0, D_INSTR_ACK_DUE),
                    col(d, 0, D_INSTR_ACKED) ? "已确认 " : "未确认",
                    col(d, 0, D_INSTR_ACKED) ? col(d, 0, D_INSTR_ACKED) : "");
        fputc('\n', out);
    }
    if (col(d, 0, D_TASK)) {
        label(out, "任务");
        fprintf(out, "#%s\n", col(d, 0, D_TASK));
    }
    if (col(d, 0, D_REMINDED)) {
        label(out, "催办");
        fprintf(out, "已就 %s 到期催办\n", col(d, 0, D_REMINDED));
    }
    if (col(d, 0, D_OVERDUE)) {
        label(out, "逾期");
        fprintf(out, "%s 到期未办理：已提醒办理方并上报综合股\n", col(d, 0, D_OVERDUE));
    }
    label(out, "开立");
    fprintf(out, "%s\n", col(d, 0, D_OPENED));
    label(out, "更新");
    fprintf(out, "%s\n", col(d, 0, D_UPDATED));
    if (col(d, 0, D_CLOSED)) {
        label(out, "办结");
        fprintf(out, "%s\n", col(d, 0, D_CLOSED));
    }
}

/* A step's text column on its own indented line, when there is one. */
static void step_note(FILE *out, const PGresult *h, int r, int c, const char *what)
{
    if (!col(h, r, c))
        return;
    fprintf(out, "       %s  ", what);
    named(out, col(h, r, c), c == H_DECISION ? dwctl_decision_title(col(h, r, c)) : NULL);
    fputc('\n', out);
}

static void history(FILE *out, const char *kind, const PGresult *h)
{
    fprintf(out, "\n历程（%d 步）\n", PQntuples(h));
    for (int r = 0; r < PQntuples(h); r++) {
        fprintf(out, "  %s  第%s轮  %s  ", col(h, r, H_STEP), col(h, r, H_ROUND), col(h, r, H_ACTED));
        dwctl_put_line_text(out, col(h, r, H_ACTOR));
        fputs("  ", out);
        named(out, col(h, r, H_SECTION), dwctl_role_title(col(h, r, H_ROLE)));
        fprintf(out, "  %s ", col(h, r, H_ACTION));
        dwctl_put_line_text(out, col(h, r, H_TITLE));
        fputs("  ", out);
        state_words(out, kind, col(h, r, H_FROM));
        fputs(" → ", out);
        state_words(out, kind, col(h, r, H_TO));
        fprintf(out, "  转 %s  到期 %s\n", col(h, r, H_HOLDER) ? col(h, r, H_HOLDER) : "-",
                col(h, r, H_DUE) ? col(h, r, H_DUE) : "-");
        step_note(out, h, r, H_OPINION, "意见");
        step_note(out, h, r, H_COMMENT, "备注");
        step_note(out, h, r, H_DECISION, "决定");
    }
}

static void list_kinds(FILE *out)
{
    size_t n;
    const dw_r_procedure_t *const *ps = dw_r_procedures(&n);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s（%s）", i ? ", " : "", ps[i]->doc_kind, ps[i]->title);
    fputc('\n', out);
}

int dwctl_show_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    const char *config = NULL, *conninfo = NULL;
    optind = 0;
    for (int ch; (ch = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
        switch (ch) {
        case OPT_CONFIG: config = optarg; break;
        case OPT_CONNINFO: conninfo = optarg; break;
        case OPT_HELP: dwctl_usage(ctx->out, "show"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "show"); return DWCTL_EXIT_USAGE;
        }
    }
    if (argc - optind != 2)
        return usage_error(ctx, "DOC_KIND DOC_ID: the document to show, such as deviation_case DC-17");
    const char *kind = argv[optind], *id = argv[optind + 1];
    if (!dw_r_procedure(kind)) {
        fprintf(ctx->err, "dwctl: show: \"%s\" is not a kind of document; the kinds: ", kind);
        list_kinds(ctx->err);
        dwctl_usage(ctx->err, "show");
        return DWCTL_EXIT_USAGE;
    }
    dwctl_work_env_t env;
    int code = dwctl_work_env(ctx, "show", config, conninfo, NULL, &env);
    if (code >= 0)
        return code;
    dw_pg_t *pg = dw_pg_connect(env.conninfo, 0, "dwctl-show");
    if (!pg) {
        fprintf(ctx->err, "dwctl: show: could not connect to PostgreSQL (--conninfo, DW_DATABASE_CONNINFO or "
                          "database.conninfo of --config)\n");
        return DWCTL_EXIT_INCOMPLETE;
    }
    code = DWCTL_EXIT_INCOMPLETE;
    PGresult *d = fetch_document(pg, kind, id), *h = NULL;
    if (d && PQntuples(d) == 0) {
        fprintf(ctx->err,
                "dwctl: show: there is no document %s %s\n"
                "hint: dwctl tasks --section CODE lists a section's documents; an action just sent may still be on "
                "its way through dw-route, and a refused one is in dwctl rejects\n",
                kind, id);
    } else if (d && (h = fetch_history(pg, kind, id))) {
        document(ctx->out, d);
        history(ctx->out, kind, h);
        code = fflush(ctx->out) == 0 ? DWCTL_EXIT_OK : DWCTL_EXIT_INCOMPLETE;
    }
    PQclear(h);
    PQclear(d);
    dw_pg_destroy(&pg);
    return code;
}
