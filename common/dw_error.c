#include "dw_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const code_names[DW_CODE_COUNT] = {
    [DW_OK] = "ok",
    [DW_E_TOO_BIG] = "too_big",
    [DW_E_TOO_DEEP] = "too_deep",
    [DW_E_TOO_MANY] = "too_many",
    [DW_E_STR_TOO_LONG] = "str_too_long",
    [DW_E_EXT_TYPE] = "ext_type",
    [DW_E_BIN_TYPE] = "bin_type",
    [DW_E_FLOAT_TYPE] = "float_type",
    [DW_E_BAD_UTF8] = "bad_utf8",
    [DW_E_NUL_CHAR] = "nul_char",
    [DW_E_INT_OVERFLOW] = "int_overflow",
    [DW_E_TRUNCATED] = "truncated",
    [DW_E_TRAILING] = "trailing_bytes",
    [DW_E_BAD_BYTE] = "bad_byte",
    [DW_E_BAD_KEY] = "bad_key",
    [DW_E_DUP_KEY] = "duplicate_key",
    [DW_E_NOT_MAP] = "not_a_map",
    [DW_E_BAD_VERSION] = "bad_version",
    [DW_E_UNKNOWN_TYPE] = "unknown_type",
    [DW_E_UNKNOWN_FIELD] = "unknown_field",
    [DW_E_MISSING_FIELD] = "missing_field",
    [DW_E_WRONG_TYPE] = "wrong_type",
    [DW_E_OUT_OF_RANGE] = "out_of_range",
    [DW_E_BAD_LENGTH] = "bad_length",
    [DW_E_BAD_COUNT] = "bad_count",
    [DW_E_BAD_DATE] = "bad_date",
    [DW_E_BAD_DECIMAL] = "bad_decimal",
    [DW_E_BAD_ENUM] = "bad_enum",
    [DW_E_BAD_CODE] = "bad_code",
    [DW_E_BAD_FRAME] = "bad_frame",
    [DW_E_CONFLICT] = "conflict",
    [DW_E_BUSY] = "busy",
    [DW_E_INTERNAL] = "internal",
    [DW_E_GONE] = "gone",
    [DW_E_UNKNOWN_REF] = "unknown_reference",
    [DW_E_RULE] = "rule_violation",
};

const char *dw_code_name(dw_code_t code)
{
    if ((int)code < 0 || code >= DW_CODE_COUNT || !code_names[code])
        return "unknown";
    return code_names[code];
}

/* Cuts s back to the last whole UTF-8 character: vsnprintf may have split one,
 * and a message must stay valid text to travel in an ack. */
static void trim_utf8(char *s)
{
    size_t n = strlen(s);
    size_t start = n;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xc0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char)s[start - 1];
    size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (n - (start - 1) < need)
        s[start - 1] = '\0';
}

dw_code_t dw_error_set(dw_error_t *err, dw_code_t code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    trim_utf8(err->field);
    trim_utf8(err->message);
    return code;
}

void dw_error_clear(dw_error_t *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}
