/* dw_msg — one message of the wire contract: an envelope and its body,
 * decoded from bytes (distrusting them) or built and encoded (checking them).
 *
 * Decoding: dw_scan's pre-scan, then msgpack-c, then every key and value is
 * checked against the schema tables (dw_schema.h): unknown keys, missing
 * required keys, wrong types, lengths, ranges, counts, dates, decimals, enums
 * and code patterns each give their own code and the dotted path of the field
 * ("body.indicators[2].weight").
 *
 * Encoding is canonical: keys in schema order, the smallest msgpack form for
 * each int, str8/16/32 for text; absent optional fields are not written. So
 * decode(encode(m)) == m and encode(decode(bytes)) == bytes for canonical bytes,
 * which the reference encodings in proto/examples/ check.
 *
 * A dw_obj_t is a map conforming to one dw_object_def_t: a body, or a nested
 * map. Strings handed out are NUL-terminated and live as long as the message.
 *
 * The order of the checks decides which breach a message with several gets,
 * and is the same every time: the frame (dw_scan's order; err->field ""), then
 * the envelope's v (bad_version before anything else, since a later version
 * may have other keys), its keys in wire order (unknown_field, duplicate_key),
 * its type (unknown_type; a reply type is never enveloped), seq and stream on
 * an inbound type (unknown_field: only dw-notify numbers messages), then every
 * field in schema order, each map the same way (its keys, then its fields),
 * depth first; last, seq and stream on an envelope must come together
 * (missing_field for the absent one). Neither is required on an outbound
 * type, so a message can be built and checked before it is numbered.
 *
 * ANY values (DW_FT_ANY) are kept as canonical msgpack: the smallest form of
 * every header, map keys in the order given. Maps inside them of more than
 * DW_SCAN_DUP_PAIRS pairs are checked for duplicate keys here (dw_scan checks
 * the smaller ones). One allocation arena per message: dw_msg_destroy frees
 * everything, and a value set twice keeps its old bytes until then. */
#ifndef DW_MSG_H
#define DW_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_buf.h"
#include "dw_error.h"
#include "dw_schema.h"

typedef struct dw_msg dw_msg_t;
typedef struct dw_obj dw_obj_t;

/* --- decoding --- */

/* Decodes one enveloped message (DW_DIR_IN, OUT or INTERNAL types). limits
 * NULL means dw_schema_limits. Returns NULL and fills err on any breach. */
dw_msg_t *dw_msg_decode(const void *data, size_t size, const dw_limits_t *limits, dw_error_t *err);

/* Decodes a bare map (DW_DIR_REPLY: an ack, a replay request or answer) of the
 * named type. The result has no envelope: dw_msg_type() is the type, the
 * envelope getters return 0/NULL, dw_msg_body() is the map. */
dw_msg_t *dw_msg_decode_bare(const char *type, const void *data, size_t size, const dw_limits_t *limits,
                             dw_error_t *err);

/* --- building --- */

/* A new message of a known type with an empty body; NULL if the type is not in
 * the schema (or out of memory). For DW_DIR_REPLY types id/src/ts are ignored. */
dw_msg_t *dw_msg_new(const char *type, const char *id, const char *src, int64_t ts);
void dw_msg_destroy(dw_msg_t **self_p);

/* Encodes canonically into out (appending). Checks every value as decoding
 * does (same codes, same field paths), then the whole frame against
 * dw_schema_limits: a message we could not decode ourselves is never sent.
 * Returns DW_OK or a code (also in err); on failure out is as it was. */
dw_code_t dw_msg_encode(const dw_msg_t *self, dw_buf_t *out, dw_error_t *err) __attribute__((warn_unused_result));

/* --- envelope (borrowed) --- */
const dw_type_def_t *dw_msg_typedef(const dw_msg_t *self);
const char *dw_msg_type(const dw_msg_t *self);
const char *dw_msg_id(const dw_msg_t *self);
const char *dw_msg_src(const dw_msg_t *self);
int64_t dw_msg_ts(const dw_msg_t *self);
int64_t dw_msg_version(const dw_msg_t *self);
/* Published envelopes: seq and stream; false/NULL when absent. */
bool dw_msg_seq(const dw_msg_t *self, int64_t *seq);
const char *dw_msg_stream(const dw_msg_t *self);
dw_code_t dw_msg_set_published(dw_msg_t *self, const char *stream, int64_t seq) __attribute__((warn_unused_result));

dw_obj_t *dw_msg_body(dw_msg_t *self);
const dw_obj_t *dw_msg_body_const(const dw_msg_t *self);

/* --- fields of a map (borrowed; field is the key name in the schema) --- */

const dw_object_def_t *dw_obj_def(const dw_obj_t *o);
bool dw_obj_has(const dw_obj_t *o, const char *field);
/* STR, DATE, DECIMAL, ENUM: the text; NULL when absent. */
const char *dw_obj_str(const dw_obj_t *o, const char *field);
/* INT, FEN: false when absent. */
bool dw_obj_int(const dw_obj_t *o, const char *field, int64_t *out);
bool dw_obj_bool(const dw_obj_t *o, const char *field, bool *out);
/* MAP: NULL when absent. */
const dw_obj_t *dw_obj_map(const dw_obj_t *o, const char *field);
/* ARRAY: item count (0 when absent), and items by index. */
size_t dw_obj_count(const dw_obj_t *o, const char *field);
const char *dw_obj_item_str(const dw_obj_t *o, const char *field, size_t i);
bool dw_obj_item_int(const dw_obj_t *o, const char *field, size_t i, int64_t *out);
const dw_obj_t *dw_obj_item_map(const dw_obj_t *o, const char *field, size_t i);
/* ANY (a field, or an ARRAY of ANY item): the value's canonical msgpack bytes. */
const void *dw_obj_any(const dw_obj_t *o, const char *field, size_t *len);
const void *dw_obj_item_any(const dw_obj_t *o, const char *field, size_t i, size_t *len);

/* Setters return DW_OK, DW_E_UNKNOWN_FIELD or DW_E_WRONG_TYPE (the field is
 * not of that type), DW_E_INTERNAL when memory is exhausted; value checks
 * happen at encode. Setting twice replaces. */
dw_code_t dw_obj_set_str(dw_obj_t *o, const char *field, const char *value); /* STR DATE DECIMAL ENUM; NULL unsets */
dw_code_t dw_obj_set_int(dw_obj_t *o, const char *field, int64_t value);     /* INT FEN */
dw_code_t dw_obj_set_bool(dw_obj_t *o, const char *field, bool value);
dw_obj_t *dw_obj_set_map(dw_obj_t *o, const char *field); /* new empty child map */
/* ANY: one msgpack value. Kept in canonical form when it passes the contract's
 * frame limits; otherwise kept as given and refused, with its code, at encode. */
dw_code_t dw_obj_set_any(dw_obj_t *o, const char *field, const void *msgpack, size_t len);
/* ARRAY: present with no items (pushes then append), for a required array
 * whose count may be 0. An array nobody set or pushed to is absent. */
dw_code_t dw_obj_set_array(dw_obj_t *o, const char *field);
/* Any field: absent again. */
dw_code_t dw_obj_unset(dw_obj_t *o, const char *field);
/* Text in the field's own terms (int as decimal text, bool true/false, str as
 * is): used by dwctl to build messages from YAML. Parse errors are coded. */
dw_code_t dw_obj_set_text(dw_obj_t *o, const char *field, const char *text, dw_error_t *err);
/* ARRAY appends. */
dw_code_t dw_obj_push_str(dw_obj_t *o, const char *field, const char *value);
dw_code_t dw_obj_push_int(dw_obj_t *o, const char *field, int64_t value);
dw_obj_t *dw_obj_push_map(dw_obj_t *o, const char *field);
dw_code_t dw_obj_push_any(dw_obj_t *o, const char *field, const void *msgpack, size_t len);
dw_code_t dw_obj_push_text(dw_obj_t *o, const char *field, const char *text, dw_error_t *err);

/* Fills every field of o (recursively, one item per array) with the schema's
 * test values: how the reference encodings and SPEC.md examples are built. An
 * ANY without a test value is left absent, or set to msgpack nil (c0) when it
 * is required: nil is a value an ANY may hold, and says "nothing" plainly. */
dw_code_t dw_obj_fill_test_values(dw_obj_t *o, dw_error_t *err);

#endif
