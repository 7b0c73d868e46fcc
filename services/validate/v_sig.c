#include "v_sig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "dw_strmap.h"

/* Every value is length-prefixed, so no text can imitate a boundary. */
static int put_text(dw_buf_t *out, const char *s)
{
    return dw_buf_printf(out, "%zu:%s", strlen(s), s);
}

static int put_any(dw_buf_t *out, const void *p, size_t n)
{
    return dw_buf_printf(out, "%zu#", n) || dw_buf_hex(out, p, n);
}

static int sig_obj(const dw_obj_t *o, dw_buf_t *out);

static int sig_item(const dw_obj_t *o, const dw_field_def_t *f, size_t i, dw_buf_t *out)
{
    int64_t v = 0;
    size_t n = 0;
    const void *p;
    switch (f->item_type) {
    case DW_FT_INT:
    case DW_FT_FEN: return dw_obj_item_int(o, f->name, i, &v) ? dw_buf_printf(out, "%" PRId64 ";", v) : -1;
    case DW_FT_MAP: {
        const dw_obj_t *m = dw_obj_item_map(o, f->name, i);
        return m ? (dw_buf_puts(out, "{") || sig_obj(m, out) || dw_buf_puts(out, "}")) : -1;
    }
    case DW_FT_ANY: return (p = dw_obj_item_any(o, f->name, i, &n)) ? put_any(out, p, n) : -1;
    default: {
        const char *s = dw_obj_item_str(o, f->name, i);
        return s ? put_text(out, s) : -1;
    }
    }
}

static int sig_field(const dw_obj_t *o, const dw_field_def_t *f, dw_buf_t *out)
{
    int64_t v = 0;
    bool b = false;
    size_t n = 0;
    const void *p;
    switch (f->type) {
    case DW_FT_INT:
    case DW_FT_FEN: return dw_obj_int(o, f->name, &v) ? dw_buf_printf(out, "%" PRId64 ";", v) : -1;
    case DW_FT_BOOL: return dw_obj_bool(o, f->name, &b) ? dw_buf_puts(out, b ? "t;" : "f;") : -1;
    case DW_FT_MAP: {
        const dw_obj_t *m = dw_obj_map(o, f->name);
        return m ? (dw_buf_puts(out, "{") || sig_obj(m, out) || dw_buf_puts(out, "}")) : -1;
    }
    case DW_FT_ARRAY:
        if (dw_buf_puts(out, "["))
            return -1;
        for (size_t i = 0; i < dw_obj_count(o, f->name); i++)
            if (sig_item(o, f, i, out))
                return -1;
        return dw_buf_puts(out, "]");
    case DW_FT_ANY: return (p = dw_obj_any(o, f->name, &n)) ? put_any(out, p, n) : -1;
    default: {
        const char *s = dw_obj_str(o, f->name);
        return s ? put_text(out, s) : -1;
    }
    }
}

static int sig_obj(const dw_obj_t *o, dw_buf_t *out)
{
    const dw_object_def_t *d = dw_obj_def(o);
    for (size_t k = 0; d && k < d->n_fields; k++) {
        const dw_field_def_t *f = &d->fields[k];
        /* absent is "~", which no value starts with */
        if (!dw_obj_has(o, f->name) ? dw_buf_puts(out, "~") : sig_field(o, f, out))
            return -1;
    }
    return 0;
}

int dw_v_signature(const dw_obj_t *o, dw_buf_t *out)
{
    dw_buf_reset(out);
    /* never NULL data, even for an empty body */
    return dw_buf_puts(out, "") || sig_obj(o, out);
}

/* ---- known signatures --------------------------------------------------- */

typedef struct known_slot {
    size_t off; /* 1 + offset of the signature in sigs */
} known_slot_t;

struct dw_v_known {
    dw_strmap_t *map;
    dw_buf_t sigs;
};

dw_v_known_t *dw_v_known_new(void)
{
    dw_v_known_t *self = calloc(1, sizeof *self);
    if (self && !(self->map = dw_strmap_new(sizeof(known_slot_t))))
        dw_v_known_destroy(&self);
    return self;
}

void dw_v_known_destroy(dw_v_known_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_strmap_destroy(&(*self_p)->map);
    dw_buf_free(&(*self_p)->sigs);
    free(*self_p);
    *self_p = NULL;
}

const char *dw_v_known_get(const dw_v_known_t *self, const char *key)
{
    const known_slot_t *k = dw_strmap_get(self->map, key);
    return k ? self->sigs.data + k->off - 1 : NULL;
}

int dw_v_known_put(dw_v_known_t *self, const char *key, const char *sig)
{
    known_slot_t *k = dw_strmap_put(self->map, key, NULL);
    if (!k)
        return -1;
    k->off = self->sigs.len + 1;
    return dw_buf_append(&self->sigs, sig, strlen(sig) + 1);
}

void dw_v_key(char *out, size_t n, const char *a, const char *b, const char *c)
{
    snprintf(out, n, "%s\x1f%s\x1f%s", a ? a : "", b ? b : "", c ? c : "");
}

int dw_v_known_load(dw_v_known_t *self, dw_pg_t *pg, const char *sql, int nparams, const char *const *params)
{
    PGresult *res = dw_pg_query(pg, "validate", sql, nparams, params);
    if (!res)
        return -1;
    dw_buf_t raw = DW_BUF_INIT, sig = DW_BUF_INIT;
    int rc = 0, cols = PQnfields(res);
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char key[512];
        dw_v_key(key, sizeof key, PQgetvalue(res, r, 0), cols > 2 ? PQgetvalue(res, r, 1) : NULL,
                 cols > 3 ? PQgetvalue(res, r, 2) : NULL);
        dw_buf_reset(&raw);
        dw_error_t err;
        dw_msg_t *m = NULL;
        if (dw_pg_bytea_decode(PQgetvalue(res, r, cols - 1), (size_t)PQgetlength(res, r, cols - 1), &raw) != 0 ||
            !(m = dw_msg_decode(raw.data, raw.len, NULL, &err))) {
            /* stored once, so it decoded once: only a contract change gets here;
             * an empty signature then makes any resend a conflict, never a repeat */
            dw_log_warn(key, "stored message no longer decodes; its resends count as conflicts");
            rc = dw_v_known_put(self, key, "");
            continue;
        }
        rc = dw_v_signature(dw_msg_body(m), &sig) != 0 ? -1 : dw_v_known_put(self, key, sig.data);
        dw_msg_destroy(&m);
    }
    PQclear(res);
    dw_buf_free(&raw);
    dw_buf_free(&sig);
    return rc;
}
