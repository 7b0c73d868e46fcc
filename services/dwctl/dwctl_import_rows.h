/* dwctl_import_rows — CSV records into encoded messages, through a mapping.
 *
 * Each data row (or, for a type with items, each run of consecutive rows with
 * the same group_by values: one monitoring form) becomes one unit: a message
 * built with dw_msg and encoded, so checked against the schema here, or the
 * errors that kept it from being built. A unit remembers which row, column
 * and cell each field came from, so an error found later (at encode, or in
 * dw-intake's ack, which names a field such as body.amount_fen) is reported
 * against the cell a clerk can find and fix.
 *
 * Codes of the errors found here, besides the wire codes of the schema
 * (missing_field, bad_length, bad_code, bad_enum, bad_date, out_of_range ...):
 *   bad_csv         the record is not well-formed CSV, or has too few fields
 *   bad_amount      not yuan with at most 2 decimals
 *   bad_number      not a whole number / not a period such as 1-6月
 *   form_mismatch   a form's rows disagree on a field of the form itself
 *   form_split      a form's rows are not together in the file
 *   form_incomplete the other rows of a form that has a bad row (not sent) */
#ifndef DWCTL_IMPORT_ROWS_H
#define DWCTL_IMPORT_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "dw_buf.h"
#include "dwctl_import_csv.h"
#include "dwctl_import_map.h"

/* One line of the error report. Strings are owned, never NULL ("" if none). */
typedef struct dwctl_row_error {
    int64_t row;
    char *column;   /* the CSV header of the cell at fault */
    char *field;    /* the message field: body.amount_fen */
    char *value;    /* the cell as written */
    char *expected; /* what would have been accepted */
    char *code;     /* the ack's code or a local one */
    char *message;
} dwctl_row_error_t;

/* Where a field came from: its row, column and cell. */
typedef struct dwctl_origin {
    char *path; /* body.indicators[2].value */
    int64_t row;
    char *column; /* the CSV header; "" for a constant */
    char *value;
} dwctl_origin_t;

typedef struct dwctl_unit {
    int64_t first_row, last_row;
    char *id;       /* NULL when the message could not be built */
    dw_buf_t bytes; /* the encoded message */
    dwctl_row_error_t *errors;
    size_t n_errors;
    dwctl_origin_t *origins;
    size_t n_origins;
} dwctl_unit_t;

void dwctl_unit_destroy(dwctl_unit_t **self_p);

/* Adds an error about path ("body.amount_fen", "" for the whole message),
 * placed at the row, column and cell the field came from, with what the
 * schema would have accepted. Returns 0 or -1 (no memory). */
int dwctl_unit_add_error(const dwctl_map_t *map, dwctl_unit_t *unit, const char *path, const char *code,
                         const char *message) __attribute__((warn_unused_result));

typedef struct dwctl_rows dwctl_rows_t;

/* map is borrowed and must outlive the builder. NULL after writing why (a
 * constant of the mapping that does not convert). */
dwctl_rows_t *dwctl_rows_new(const dwctl_map_t *map, const char *src, char *why, size_t why_len);
void dwctl_rows_destroy(dwctl_rows_t **self_p);

/* Binds the mapping's columns to the header record. -1 after writing why (a
 * column the file does not have, or has twice). */
int dwctl_rows_header(dwctl_rows_t *self, const dwctl_csv_t *csv, char *why, size_t why_len)
    __attribute__((warn_unused_result));

/* Feeds one data record (not blank). *out is a finished unit or NULL: a row
 * of a form finishes the form before it. Returns 0 or -1 (no memory). */
int dwctl_rows_feed(dwctl_rows_t *self, const dwctl_csv_t *csv, dwctl_unit_t **out) __attribute__((warn_unused_result));
/* The end of the input: the form being collected, or NULL. */
int dwctl_rows_flush(dwctl_rows_t *self, dwctl_unit_t **out) __attribute__((warn_unused_result));
/* Forgets the form being collected: a read that stops early must never send
 * part of a form. */
void dwctl_rows_drop(dwctl_rows_t *self);

#endif
