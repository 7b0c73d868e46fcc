#include "dwctl_rejects_yaml.h"

#include <inttypes.h>
#include <msgpack.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "dw_scan.h"

/* Whether YAML would read s, written plainly, as something other than this
 * text: a number, a date, a boolean, null, or nothing at all. */
static bool needs_quotes(const char *s, size_t n)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
    if (n == 0)
        return true;
    if (strchr("0123456789+-.", s[0]))
        return true;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
            return true;
    return false;
}

static int scalar(yaml_emitter_t *e, const char *text, size_t n, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text, (int)n, 1, 1, style))
        return -1;
    return yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int text(yaml_emitter_t *e, const char *s, size_t n)
{
    return scalar(e, s, n, needs_quotes(s, n) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

static int emit(yaml_emitter_t *e, const msgpack_object *o, bool skip_v);

static int emit_map(yaml_emitter_t *e, const msgpack_object_map *m, bool skip_v)
{
    yaml_event_t ev;
    if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
        !yaml_emitter_emit(e, &ev))
        return -1;
    for (uint32_t i = 0; i < m->size; i++) {
        const msgpack_object *k = &m->ptr[i].key, *v = &m->ptr[i].val;
        /* dw_scan lets only str keys through */
        if (skip_v && k->via.str.size == 1 && k->via.str.ptr[0] == 'v')
            continue;
        if (text(e, k->via.str.ptr, k->via.str.size) != 0 || emit(e, v, false) != 0)
            return -1;
    }
    return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev) ? 0 : -1;
}

static int emit(yaml_emitter_t *e, const msgpack_object *o, bool skip_v)
{
    char num[32];
    yaml_event_t ev;
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return scalar(e, "~", 1, YAML_PLAIN_SCALAR_STYLE);
    case MSGPACK_OBJECT_BOOLEAN:
        return o->via.boolean ? scalar(e, "true", 4, YAML_PLAIN_SCALAR_STYLE)
                              : scalar(e, "false", 5, YAML_PLAIN_SCALAR_STYLE);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        snprintf(num, sizeof num, "%" PRIu64, o->via.u64);
        return scalar(e, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        snprintf(num, sizeof num, "%" PRId64, o->via.i64);
        return scalar(e, num, strlen(num), YAML_PLAIN_SCALAR_STYLE);
    case MSGPACK_OBJECT_STR: return text(e, o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_ARRAY:
        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(e, &ev))
            return -1;
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (emit(e, &o->via.array.ptr[i], false) != 0)
                return -1;
        return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev) ? 0 : -1;
    case MSGPACK_OBJECT_MAP: return emit_map(e, &o->via.map, skip_v);
    default: return -1; /* float, bin, ext: dw_scan refused them already */
    }
}

static int emit_document(yaml_emitter_t *e, const msgpack_object *root, bool as_message)
{
    yaml_event_t ev;
    bool wrap = as_message && root->type == MSGPACK_OBJECT_MAP;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) || !yaml_emitter_emit(e, &ev) ||
        !yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) || !yaml_emitter_emit(e, &ev))
        return -1;
    if (wrap && (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
                 !yaml_emitter_emit(e, &ev)))
        return -1;
    if (emit(e, root, wrap) != 0)
        return -1;
    if (wrap && (!yaml_sequence_end_event_initialize(&ev) || !yaml_emitter_emit(e, &ev)))
        return -1;
    if (!yaml_document_end_event_initialize(&ev, 1) || !yaml_emitter_emit(e, &ev) ||
        !yaml_stream_end_event_initialize(&ev) || !yaml_emitter_emit(e, &ev))
        return -1;
    return yaml_emitter_flush(e) ? 0 : -1;
}

dw_code_t dwctl_yaml_write_msgpack(FILE *out, const void *data, size_t size, bool as_message, dw_error_t *err)
{
    dw_code_t rc = dw_scan(data, size, NULL, err);
    if (rc != DW_OK)
        return rc;
    msgpack_unpacked u;
    msgpack_unpacked_init(&u);
    size_t off = 0;
    if (msgpack_unpack_next(&u, data, size, &off) != MSGPACK_UNPACK_SUCCESS) {
        msgpack_unpacked_destroy(&u);
        return dw_error_set(err, DW_E_TRUNCATED, "", "msgpack-c could not read it");
    }
    yaml_emitter_t e;
    if (!yaml_emitter_initialize(&e)) {
        msgpack_unpacked_destroy(&u);
        return dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    }
    yaml_emitter_set_output_file(&e, out);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_width(&e, -1); /* one line per value: no folding of long text */
    int emitted = emit_document(&e, &u.data, as_message);
    yaml_emitter_delete(&e);
    msgpack_unpacked_destroy(&u);
    if (emitted != 0)
        return dw_error_set(err, DW_E_INTERNAL, "", "could not write it as yaml");
    return DW_OK;
}

void dwctl_hex_write(FILE *out, const void *data, size_t size, const char *indent)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < size; i += 32) {
        fputs(indent, out);
        for (size_t j = i; j < size && j < i + 32; j++)
            fprintf(out, "%02x", p[j]);
        fputc('\n', out);
    }
}
