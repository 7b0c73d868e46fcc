/* dwctl_import_report — the per-row error report of an import: a CSV file
 * (UTF-8 with a byte order mark, so that Excel and WPS show the Chinese
 * right, CRLF line ends) with one line per error:
 *
 *   row,column,field,value,expected,code,message
 *   7,支付金额(元),body.amount_fen,"12,345.678",yuan such as 1,234.56 (at most 2 decimals),bad_amount,more than ...
 *
 * row is the spreadsheet row (the header is row 1); code is the ack's error
 * code, or a local one (dwctl_import_rows.h). Errors are held until every
 * row before them is settled and then written in row order, so the file
 * only ever holds rows the state file counts as done, plus, at the end of a
 * run, those after them. A resumed import keeps the earlier run's lines up
 * to the row it resumes after and drops the rest: they come again. */
#ifndef DWCTL_IMPORT_REPORT_H
#define DWCTL_IMPORT_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "dwctl_import_rows.h"

typedef struct dwctl_report dwctl_report_t;

/* Opens path: a fresh report (keep_upto 0), or the earlier one kept up to
 * row keep_upto. NULL after writing why. */
dwctl_report_t *dwctl_report_open(const char *path, int64_t keep_upto, char *why, size_t why_len);

/* Holds a copy of the unit's errors. Returns 0 or -1 (no memory). */
int dwctl_report_add(dwctl_report_t *self, const dwctl_unit_t *unit) __attribute__((warn_unused_result));
/* Writes the held errors of rows up to upto, in row order. 0 or -1 (why). */
int dwctl_report_write_upto(dwctl_report_t *self, int64_t upto) __attribute__((warn_unused_result));
/* Lines written and held in this run. */
size_t dwctl_report_count(const dwctl_report_t *self);
/* Writes whatever is held, flushes to disk and closes. 0 or -1 with why. */
int dwctl_report_close(dwctl_report_t **self_p, char *why, size_t why_len) __attribute__((warn_unused_result));

#endif
