/* dwctl_import_map — a mapping file (deploy/import/NAME.yaml): which column of
 * a county's CSV export fills which field of one message type, and how the
 * cell's text is converted.
 *
 *   type: treasury.payment        # the message type (dwctl import --type must agree)
 *   src: treasury                 # src of the messages, unless --src says otherwise
 *   id: "{voucher_no}"            # the message id: text and {field} of the body
 *   ts: payment_date              # envelope ts: 00:00 Asia/Shanghai of a date field, or unix ms
 *   fields:                       # body field: column, or {column|const, convert, map, prefix}
 *     voucher_no: 支付凭证号
 *     fiscal_year: {const: 2026}
 *     amount_fen: {column: 支付金额(元), convert: yuan}
 *     method: {column: 支付方式, map: {直接支付: direct, 授权支付: authorised}}
 *   group_by: [project_code, period_month]   # several rows make one message ...
 *   items:                                   # ... one array item per row
 *     field: indicators
 *     fields: {code: 指标编码, ...}
 *
 * convert: text (as written), yuan (元 to fen), fen (whole fen), date (to
 * YYYY-MM-DD), int, period (the N of 1-N月), list (a cell of several values
 * into an array). The default follows the field's type: fen fields yuan, date
 * fields date, int fields int, arrays list, others text. map: the cell's
 * value (each item's, for a list) looked up, anything else refused. prefix:
 * N: only the first N characters of the cell.
 *
 * {digest} in the id template is 16 hex digits of a hash of every mapped
 * value: a changed row gets a new id and an unchanged one the same, so a
 * budget line re-exported after an adjustment is sent again while a
 * re-import of the same export is answered duplicate.
 *
 * Every name is checked against the schema when the file is loaded (a body
 * field, its type against the conversion, every required field mapped), so
 * a mistake stops the import before the first row with file:line. */
#ifndef DWCTL_IMPORT_MAP_H
#define DWCTL_IMPORT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "dw_schema.h"

typedef enum dwctl_conv_kind {
    DWCTL_CONV_TEXT,
    DWCTL_CONV_YUAN,
    DWCTL_CONV_FEN,
    DWCTL_CONV_DATE,
    DWCTL_CONV_INT,
    DWCTL_CONV_PERIOD,
    DWCTL_CONV_LIST,
} dwctl_conv_kind_t;

typedef struct dwctl_pair {
    char *from, *to;
} dwctl_pair_t;

/* One field filled from a column or a constant. */
typedef struct dwctl_fieldmap {
    char *field; /* its name in the schema */
    const dw_field_def_t *def;
    char *column;   /* the CSV header, or NULL for a constant */
    char *constant; /* the value as text, or NULL */
    dwctl_conv_kind_t conv;
    dwctl_pair_t *map; /* value map, n_map pairs (0: none) */
    size_t n_map;
    size_t prefix; /* 0, or keep the first prefix characters */
    int line;      /* where the mapping file names it */
} dwctl_fieldmap_t;

typedef struct dwctl_map {
    char *path;
    const dw_type_def_t *type;
    char *src;         /* NULL: none given */
    char *id_template; /* "{voucher_no}" */
    char *ts_field;    /* a date field of the body, or NULL ... */
    int64_t ts_const;  /* ... then this */
    dwctl_fieldmap_t *fields;
    size_t n_fields;
    /* several rows per message: the array field, its item fields, and the
     * body fields whose values tell one message's rows from the next */
    char *items_field; /* NULL: one message per row */
    const dw_field_def_t *items_def;
    dwctl_fieldmap_t *items;
    size_t n_items;
    char **group_by;
    size_t n_group_by;
} dwctl_map_t;

/* Loads and checks path. NULL after writing "path:line: reason" into why. */
dwctl_map_t *dwctl_map_load(const char *path, char *why, size_t why_len);
void dwctl_map_destroy(dwctl_map_t **self_p);

const char *dwctl_conv_kind_name(dwctl_conv_kind_t kind);
/* The body field mapped under name, or NULL. */
const dwctl_fieldmap_t *dwctl_map_field(const dwctl_map_t *self, const char *name);

#endif
