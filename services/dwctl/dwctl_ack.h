/* dwctl_ack — dw-intake's answer to one message: a bare msgpack map
 * {ok, id, seq, dup, error{code, message, field}}, decoded with the schema's
 * "ack" type and printed as one line. */
#ifndef DWCTL_ACK_H
#define DWCTL_ACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dw_error.h"

#define DWCTL_ACK_ID_MAX 512

typedef struct dwctl_ack {
    bool ok;
    bool dup;
    bool has_seq;
    int64_t seq;
    char id[DWCTL_ACK_ID_MAX]; /* "" when dw-intake could not read one */
    char code[64];             /* error.code, "" when ok */
    char message[DW_ERR_MESSAGE_MAX];
    char field[DW_ERR_FIELD_MAX];
} dwctl_ack_t;

/* Decodes an ack. Returns DW_OK, or the code why the bytes are not one (err). */
dw_code_t dwctl_ack_decode(const void *data, size_t size, dwctl_ack_t *ack, dw_error_t *err)
    __attribute__((warn_unused_result));

/* One line: "stored P-1 seq 17", "duplicate P-1 seq 17", or
 * "refused P-0007: conflict: ... (field body.amount_fen)". */
void dwctl_ack_print(FILE *out, const dwctl_ack_t *ack);

/* Whether the refusal says to try again later (busy, internal). */
bool dwctl_ack_retryable(const dwctl_ack_t *ack);

#endif
