#include "dwctl_action.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dwctl_raw.h"
#include "r_procedure.h"

#define ID_MAX 64 /* the envelope's id: 1..64 bytes of [A-Za-z0-9_-] */

/* act-<doc_id>-<action>-<ts>, cut to fit, characters outside the id's
 * pattern as '_' (the body's doc_id is checked, and refused, on its own). */
static void default_id(char out[ID_MAX + 1], const dwctl_action_t *a, int64_t ts)
{
    char tail[24], middle[ID_MAX + 1];
    int tail_len = snprintf(tail, sizeof tail, "-%" PRId64, ts);
    snprintf(middle, sizeof middle, "%s-%s", a->doc_id ? a->doc_id : "", a->action ? a->action : "");
    snprintf(out, ID_MAX + 1, "act-%.*s%s", ID_MAX - 4 - tail_len, middle, tail);
    for (char *p = out; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            *p = '_';
}

/* The option a field of the message came from, for the error message. */
static const char *option_of(const char *field)
{
    static const struct {
        const char *field, *option;
    } map[] = {
        {"id", "--id (the message id)"},
        {"body.doc_kind", "DOC_KIND"},
        {"body.doc_id", "the document id"},
        {"body.action", "ACTION"},
        {"body.actor", "--actor"},
        {"body.section_code", "--section"},
        {"body.opinion", "--opinion"},
        {"body.comment", "--comment"},
        {"body.to_state", "--to-state"},
        {"body.decision", "--decision"},
        {"body.fiscal_year", "--year"},
        {"body.dept_code", "--dept"},
        {"body.project_code", "--project"},
        {"body.plan.scope", "--scope"},
        {"body.plan.schedule", "--schedule"},
        {"body.plan.method", "--method"},
        {"body.plan.indicators", "--indicators"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].option;
    return field;
}

static dw_code_t set(dw_obj_t *o, const char *field, const char *value)
{
    return value ? dw_obj_set_str(o, field, value) : DW_OK;
}

/* The message, encoded into out: DW_OK, or the first breach in err. */
static dw_code_t build(const dwctl_action_t *a, const char *id, int64_t ts, dw_buf_t *out, dw_error_t *err)
{
    dw_msg_t *msg = dw_msg_new("workflow.action", id, "dwctl", ts);
    if (!msg)
        return dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    dw_obj_t *b = dw_msg_body(msg);
    dw_code_t rc = DW_OK;
    const char *const fields[][2] = {
        {"doc_kind", a->doc_kind},
        {"doc_id", a->doc_id},
        {"action", a->action},
        {"actor", a->actor},
        {"section_code", a->section_code},
        {"opinion", a->opinion},
        {"comment", a->comment},
        {"to_state", a->to_state},
        {"decision", a->decision},
        {"dept_code", a->dept_code},
        {"project_code", a->project_code},
    };
    for (size_t i = 0; rc == DW_OK && i < sizeof fields / sizeof fields[0]; i++)
        rc = set(b, fields[i][0], fields[i][1]);
    if (rc == DW_OK && a->fiscal_year)
        rc = dw_obj_set_int(b, "fiscal_year", a->fiscal_year);
    if (rc == DW_OK && a->scope) {
        dw_obj_t *plan = dw_obj_set_map(b, "plan");
        rc = !plan ? DW_E_INTERNAL : set(plan, "scope", a->scope);
        if (rc == DW_OK)
            rc = set(plan, "schedule", a->schedule);
        if (rc == DW_OK)
            rc = set(plan, "method", a->method);
        if (rc == DW_OK)
            rc = set(plan, "indicators", a->indicators);
    }
    if (rc != DW_OK)
        dw_error_set(err, rc, "", "could not build the message");
    else
        rc = dw_msg_encode(msg, out, err);
    dw_msg_destroy(&msg);
    return rc;
}

int dwctl_action_send(const dwctl_ctx_t *ctx, const dwctl_action_t *a, const dwctl_action_opts_t *o)
{
    int64_t ts = o->ts ? o->ts : dw_now_ms();
    char id[ID_MAX + 1];
    if (o->id)
        snprintf(id, sizeof id, "%s", o->id);
    else
        default_id(id, a, ts);
    dw_buf_t bytes = DW_BUF_INIT;
    dw_error_t err = {0};
    if (build(a, o->id ? o->id : id, ts, &bytes, &err) != DW_OK) {
        dw_buf_free(&bytes);
        if (err.code == DW_E_INTERNAL) {
            fprintf(ctx->err, "dwctl: %s: %s\n", o->cmd, err.message);
            return DWCTL_EXIT_INCOMPLETE;
        }
        fprintf(ctx->err, "dwctl: %s: %s: %s: %s\n", o->cmd, option_of(err.field), dw_code_name(err.code), err.message);
        dwctl_usage(ctx->err, o->cmd);
        return DWCTL_EXIT_USAGE;
    }
    int code = dwctl_send_raw(ctx, o->endpoint, bytes.data, bytes.len, o->timeout_ms, true);
    dw_buf_free(&bytes);

    const dw_r_procedure_t *p = dw_r_procedure(a->doc_kind);
    FILE *out = ctx->out;
    if (code == DWCTL_EXIT_OK)
        fprintf(out,
                "dw-route takes up the %s of %s %s next and checks it against the procedure (%s): if the state, "
                "the role or a rule does not allow it, the action is refused with a reject.notice to dwctl and a "
                "row in rejects (stage route), and the document does not move. See dwctl show %s %s and "
                "dwctl rejects --src dwctl\n",
                a->action, a->doc_kind, a->doc_id, p ? p->title : a->doc_kind, a->doc_kind, a->doc_id);
    else if (code == DWCTL_EXIT_REFUSED)
        fprintf(out,
                "dw-intake stored nothing. After busy or internal, the same command with --ts %" PRId64
                "%s%s sends the same message again; the other refusals are in dwctl rejects --src dwctl\n",
                ts, o->again ? " " : "", o->again ? o->again : "");
    else
        fprintf(out,
                "no ack: the action may or may not be stored. The same command with --ts %" PRId64
                "%s%s sends the same message again, and is answered duplicate if it was stored\n",
                ts, o->again ? " " : "", o->again ? o->again : "");
    fflush(out);
    return code;
}
