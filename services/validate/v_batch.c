#include "v_batch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dw_date.h"
#include "dw_log.h"
#include "dw_scan.h"
#include "v_sql.h"

int64_t dw_v_int(const dw_obj_t *o, const char *field)
{
    int64_t v = 0;
    (void)dw_obj_int(o, field, &v);
    return v;
}

const char *dw_v_str(const dw_obj_t *o, const char *field)
{
    const char *s = dw_obj_str(o, field);
    return s ? s : "";
}

static int reject_row(dw_v_batch_t *b, const char *src, const char *id, const char *type, const char *code,
                      const char *field, const char *message, int64_t inbox_seq, const char *rule_id, const char *value,
                      const char *expected)
{
    dw_buf_t *r = &b->rejects;
    if (dw_copy_text(r, "validate") || dw_v_copy_opt(r, src) || dw_v_copy_opt(r, id) || dw_v_copy_opt(r, type) ||
        dw_copy_text(r, code) || dw_v_copy_opt(r, field && *field ? field : NULL) || dw_copy_text(r, message) ||
        dw_copy_int(r, inbox_seq) || dw_v_copy_opt(r, rule_id) || dw_v_copy_opt(r, value) ||
        dw_v_copy_opt(r, expected) || dw_copy_end_row(r))
        return -1;
    b->n_rejects++;
    return 0;
}

int dw_v_refuse(dw_v_batch_t *b, const dw_event_t *ev, const dw_msg_t *m, const dw_v_setting_t *rule,
                const dw_v_finding_t *f)
{
    const char *code = dw_code_name(rule->def->code);
    char message[1024];
    dw_v_render(rule, f, message, sizeof message);
    dw_log_warn(ev->key, "refused %s: %s %s (%s)", ev->type, rule->def->id, message, code);
    if (reject_row(b, dw_msg_src(m), dw_msg_id(m), dw_msg_type(m), code, f->field, message, ev->seq, rule->def->id,
                   f->value, f->expected) != 0)
        return -1;
    /* The wire keeps the contract's code; the rule id leads the message so a
     * producer can look it up in proto/VALIDATION.md. */
    char notice_msg[DW_ERR_MESSAGE_MAX], field[DW_ERR_FIELD_MAX], id[96];
    dw_buf_t text = DW_BUF_INIT;
    if (dw_buf_printf(&text, "%s %s", rule->def->id, message) != 0)
        return -1;
    dw_utf8_cut(text.data, sizeof notice_msg - 1); /* the contract's 256 bytes */
    memcpy(notice_msg, text.data, strlen(text.data) + 1);
    dw_buf_free(&text);
    snprintf(field, sizeof field, "%s", f->field);
    snprintf(id, sizeof id, "reject-%" PRId64, ev->seq);
    dw_msg_t *notice = dw_msg_new("reject.notice", id, "validate", dw_now_ms());
    if (!notice)
        return -1;
    dw_obj_t *nb = dw_msg_body(notice);
    int rc = dw_obj_set_str(nb, "src", dw_msg_src(m)) | dw_obj_set_str(nb, "id", dw_msg_id(m)) |
             dw_obj_set_str(nb, "type", dw_msg_type(m)) | dw_obj_set_str(nb, "stage", "validate") |
             dw_obj_set_str(nb, "code", code) | dw_obj_set_str(nb, "message", notice_msg);
    if (field[0])
        rc |= dw_obj_set_str(nb, "field", field);
    if (rc == 0)
        rc = dw_stage_emit_msg(b->stage, notice, dw_msg_src(m));
    dw_msg_destroy(&notice);
    return rc ? -1 : 0;
}

int dw_v_refuse_undecodable(dw_v_batch_t *b, const dw_event_t *ev, const dw_error_t *err)
{
    dw_log_error(ev->key, "inbox seq %" PRId64 " no longer decodes: %s: %s", ev->seq, dw_code_name(err->code),
                 err->message);
    return reject_row(b, NULL, ev->key, ev->type, dw_code_name(err->code), err->field, err->message, ev->seq, NULL,
                      NULL, NULL);
}

int dw_v_judge(dw_v_batch_t *b, const dw_event_t *ev, const dw_msg_t *m, const dw_v_verdict_t *v)
{
    if (!v->refusal)
        return 0;
    return dw_v_refuse(b, ev, m, v->refusal, &v->finding) == 0 ? 1 : -1;
}

int dw_v_pass_on(dw_v_batch_t *b, const dw_event_t *ev, const char *key)
{
    return dw_stage_emit(b->stage, ev->type, key && *key ? key : ev->key, ev->payload, ev->payload_len);
}

int dw_v_batch_flush(dw_v_batch_t *b)
{
    if (b->n_rejects == 0)
        return 0;
    return dw_pg_copy(b->pg, "validate",
                      "COPY rejects (stage, src, id, type, code, field, message, inbox_seq, rule_id, value, expected) "
                      "FROM STDIN",
                      &b->rejects) == b->n_rejects
               ? 0
               : -1;
}

void dw_v_batch_free(dw_v_batch_t *b)
{
    dw_buf_free(&b->rejects);
    b->n_rejects = 0;
}
