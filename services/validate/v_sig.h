/* dw_v_sig — the content of a message body as one string, to tell a repeat
 * (the same document sent again under another id: stored once) from a
 * conflict (the same business key with other content: refused). Walks the
 * schema's fields in order, so any body type works and a new optional field
 * counts without a change here. */
#ifndef DW_V_SIG_H
#define DW_V_SIG_H

#include "dw_buf.h"
#include "dw_msg.h"
#include "dw_pg.h"

/* Replaces out's content with the signature of o. 0, or -1 out of memory. */
int dw_v_signature(const dw_obj_t *o, dw_buf_t *out) __attribute__((warn_unused_result));

/* The signatures already stored for some business keys (a line, document
 * number and kind; a voucher; a project and version), for one run. */
typedef struct dw_v_known dw_v_known_t;

dw_v_known_t *dw_v_known_new(void);
void dw_v_known_destroy(dw_v_known_t **self_p);
/* The signature stored under key, or NULL. */
const char *dw_v_known_get(const dw_v_known_t *self, const char *key);
int dw_v_known_put(dw_v_known_t *self, const char *key, const char *sig) __attribute__((warn_unused_result));
/* Runs sql; each row is the key's columns, then the raw inbound envelope
 * (inbox.raw) of the message stored under it, whose body is signed. */
int dw_v_known_load(dw_v_known_t *self, dw_pg_t *pg, const char *sql, int nparams, const char *const *params)
    __attribute__((warn_unused_result));
/* key parts joined by the unit separator, into out */
void dw_v_key(char *out, size_t n, const char *a, const char *b, const char *c);

#endif
