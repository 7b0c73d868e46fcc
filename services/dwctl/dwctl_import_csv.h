/* dwctl_import_csv — CSV as bureaus export it (RFC 4180), read one record at
 * a time from a stream of UTF-8 text, and written back for the error report.
 *
 * Reading: fields are separated by commas, records by CRLF, LF or a lone CR;
 * a field in double quotes may hold commas, quotes (written twice) and line
 * breaks. A UTF-8 byte order mark at the very start is dropped (Excel writes
 * one; a GB18030 file's mark arrives here converted to the same bytes). A
 * quote inside an unquoted field is taken as a character, as spreadsheets do;
 * text after a closing quote, a quoted field still open at the end of the
 * input, and a NUL byte make the record malformed (dwctl_csv_problem says
 * why) without stopping the reader, since the next line is still a record.
 * A record longer than DWCTL_CSV_RECORD_MAX or with more than
 * DWCTL_CSV_FIELDS_MAX fields stops it: that is an unclosed quote swallowing
 * the file, or not CSV at all.
 *
 * Records are numbered from 1 (the header) as a spreadsheet numbers its rows,
 * whatever line breaks quoted fields hold: the number a clerk looks for. */
#ifndef DWCTL_IMPORT_CSV_H
#define DWCTL_IMPORT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dw_buf.h"

#define DWCTL_CSV_RECORD_MAX (1024 * 1024)
#define DWCTL_CSV_FIELDS_MAX 1024

/* Fills buf with up to n bytes of UTF-8 text: the count, 0 at the end, -1 on
 * failure (the source keeps its own reason). */
typedef ssize_t (*dwctl_csv_read_fn)(void *arg, char *buf, size_t n);

typedef struct dwctl_csv dwctl_csv_t;

dwctl_csv_t *dwctl_csv_new(dwctl_csv_read_fn read, void *arg);
void dwctl_csv_destroy(dwctl_csv_t **self_p);

/* Reads the next record: 1 a record, 0 the end of the input, -1 the source
 * failed or the record is beyond the limits (dwctl_csv_problem says which).
 * Fields are borrowed until the next call. */
int dwctl_csv_next(dwctl_csv_t *self) __attribute__((warn_unused_result));
size_t dwctl_csv_count(const dwctl_csv_t *self);
/* NUL-terminated text of field i < count. */
const char *dwctl_csv_field(const dwctl_csv_t *self, size_t i);
/* The record's number: 1 for the first. */
int64_t dwctl_csv_row(const dwctl_csv_t *self);
/* Why the record is malformed, or NULL. */
const char *dwctl_csv_problem(const dwctl_csv_t *self);
/* Whether every field of the record is empty or white space (a blank line,
 * or the ",,,," rows spreadsheets leave at the end). */
bool dwctl_csv_blank(const dwctl_csv_t *self);

/* Appends s as one field, quoted when it must be (a comma, a quote, a line
 * break, or white space at either end), then a comma, or CRLF when last. */
int dwctl_csv_put(dw_buf_t *out, const char *s, bool last) __attribute__((warn_unused_result));

#endif
