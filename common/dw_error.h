/* dw_error — the coded errors of the wire contract and of the services.
 *
 * Every breach a producer can cause has its own code; the code's name (the
 * string in dw_code_name) is what travels in an ack's error.code and what
 * proto/SPEC.md lists. Add codes at the end of their group; never renumber
 * a name that has shipped. */
#ifndef DW_ERROR_H
#define DW_ERROR_H

#include <stddef.h>

typedef enum dw_code {
    DW_OK = 0,
    /* frame pre-scan (dw_scan): before msgpack-c sees a byte */
    DW_E_TOO_BIG,      /* "too_big": message larger than limits.max_size */
    DW_E_TOO_DEEP,     /* "too_deep": nesting beyond limits.max_depth */
    DW_E_TOO_MANY,     /* "too_many": array/map count beyond limits.max_count */
    DW_E_STR_TOO_LONG, /* "str_too_long": string beyond limits.max_str */
    DW_E_EXT_TYPE,     /* "ext_type": msgpack ext / timestamp types are refused */
    DW_E_BIN_TYPE,     /* "bin_type": msgpack bin is refused (text is str) */
    DW_E_FLOAT_TYPE,   /* "float_type": binary floats are refused; decimals are strings */
    DW_E_BAD_UTF8,     /* "bad_utf8": a str that is not valid UTF-8 */
    DW_E_NUL_CHAR,     /* "nul_char": U+0000 inside a str */
    DW_E_INT_OVERFLOW, /* "int_overflow": uint64 above INT64_MAX */
    DW_E_TRUNCATED,    /* "truncated": the bytes end inside a value */
    DW_E_TRAILING,     /* "trailing_bytes": bytes after the one top-level value */
    DW_E_BAD_BYTE,     /* "bad_byte": 0xc1, never used by msgpack */
    DW_E_BAD_KEY,      /* "bad_key": a map key that is not a str */
    DW_E_DUP_KEY,      /* "duplicate_key": the same key twice in one map */
    /* envelope and body against the schema (dw_msg) */
    DW_E_NOT_MAP,       /* "not_a_map": envelope or body is not a map */
    DW_E_BAD_VERSION,   /* "bad_version": envelope v is not a version we speak */
    DW_E_UNKNOWN_TYPE,  /* "unknown_type": envelope type not in the contract */
    DW_E_UNKNOWN_FIELD, /* "unknown_field": a key the schema does not declare */
    DW_E_MISSING_FIELD, /* "missing_field": a required key is absent */
    DW_E_WRONG_TYPE,    /* "wrong_type": value of the wrong msgpack type */
    DW_E_OUT_OF_RANGE,  /* "out_of_range": integer outside the field's range */
    DW_E_BAD_LENGTH,    /* "bad_length": string length outside the field's limits */
    DW_E_BAD_COUNT,     /* "bad_count": array item count outside the field's limits */
    DW_E_BAD_DATE,      /* "bad_date": not YYYY-MM-DD or not a calendar date */
    DW_E_BAD_DECIMAL,   /* "bad_decimal": not an exact decimal string */
    DW_E_BAD_ENUM,      /* "bad_enum": not one of the field's values */
    DW_E_BAD_CODE,      /* "bad_code": a code with characters outside its pattern */
    DW_E_BAD_FRAME,     /* "bad_frame": the ZeroMQ frames are not [empty][message] */
    /* delivery */
    DW_E_CONFLICT, /* "conflict": same src+id (or business key) with other content */
    DW_E_BUSY,     /* "busy": producer over its in-flight credit */
    DW_E_INTERNAL, /* "internal": the service could not store; retry later */
    DW_E_GONE,     /* "gone": replay since a sequence older than retention */
    /* business rules (dw-validate) */
    DW_E_UNKNOWN_REF, /* "unknown_reference": points at a project/line/voucher we do not know */
    DW_E_RULE,        /* "rule_violation": a document that breaks a business rule */
    DW_CODE_COUNT
} dw_code_t;

#define DW_ERR_FIELD_MAX   96
#define DW_ERR_MESSAGE_MAX 256

/* A coded error with the field at fault (dotted path, "" when none) and a
 * lower-case message without a final period. */
typedef struct dw_error {
    dw_code_t code;
    char field[DW_ERR_FIELD_MAX];
    char message[DW_ERR_MESSAGE_MAX];
} dw_error_t;

/* The wire name of a code ("too_big"); "unknown" for a value out of range. */
const char *dw_code_name(dw_code_t code);

/* Sets err (if not NULL) and returns code, so callers can `return dw_error_set(...)`. */
dw_code_t dw_error_set(dw_error_t *err, dw_code_t code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

void dw_error_clear(dw_error_t *err);

#endif
