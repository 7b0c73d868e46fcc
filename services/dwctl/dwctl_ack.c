#include "dwctl_ack.h"

#include <string.h>

#include "dw_msg.h"

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

dw_code_t dwctl_ack_decode(const void *data, size_t size, dwctl_ack_t *ack, dw_error_t *err)
{
    memset(ack, 0, sizeof *ack);
    dw_msg_t *msg = dw_msg_decode_bare("ack", data, size, NULL, err);
    if (!msg)
        return err->code;
    const dw_obj_t *body = dw_msg_body_const(msg);
    if (!dw_obj_bool(body, "ok", &ack->ok)) {
        dw_msg_destroy(&msg);
        return dw_error_set(err, DW_E_MISSING_FIELD, "ok", "an ack without ok");
    }
    (void)dw_obj_bool(body, "dup", &ack->dup); /* absent: false */
    ack->has_seq = dw_obj_int(body, "seq", &ack->seq);
    copy(ack->id, sizeof ack->id, dw_obj_str(body, "id"));
    const dw_obj_t *error = dw_obj_map(body, "error");
    if (error) {
        copy(ack->code, sizeof ack->code, dw_obj_str(error, "code"));
        copy(ack->message, sizeof ack->message, dw_obj_str(error, "message"));
        copy(ack->field, sizeof ack->field, dw_obj_str(error, "field"));
    }
    dw_msg_destroy(&msg);
    return DW_OK;
}

void dwctl_ack_print(FILE *out, const dwctl_ack_t *ack)
{
    const char *id = ack->id[0] ? ack->id : "(no id)";
    if (ack->ok) {
        fprintf(out, "%s %s", ack->dup ? "duplicate" : "stored", id);
        if (ack->has_seq)
            fprintf(out, " seq %lld", (long long)ack->seq);
        fputc('\n', out);
        return;
    }
    fprintf(out, "refused %s: %s: %s", id, ack->code[0] ? ack->code : "unknown",
            ack->message[0] ? ack->message : "no reason given");
    if (ack->field[0])
        fprintf(out, " (field %s)", ack->field);
    fputc('\n', out);
}

bool dwctl_ack_retryable(const dwctl_ack_t *ack)
{
    return !ack->ok &&
           (strcmp(ack->code, dw_code_name(DW_E_BUSY)) == 0 || strcmp(ack->code, dw_code_name(DW_E_INTERNAL)) == 0);
}
