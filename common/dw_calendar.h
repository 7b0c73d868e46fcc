/* dw_calendar — the bureau's working days: Monday to Friday, less the
 * configured public holidays (法定节假日), plus the configured working weekend
 * days (调休上班). Workflow deadlines count these.
 *
 * A date listed both as a holiday and as a working day is a configuration
 * error that dw_config refuses at load; should one get here anyway, it is a
 * working day. Day counts are capped at DW_CALENDAR_MAX_WORKDAYS either way,
 * so a garbage n cannot keep a caller looping for years of dates. */
#ifndef DW_CALENDAR_H
#define DW_CALENDAR_H

#include "dw_date.h"

#include <stdbool.h>
#include <stddef.h>

/* About fourteen years of working days: no deadline of the workflow comes near it. */
#define DW_CALENDAR_MAX_WORKDAYS 3660

typedef struct dw_calendar dw_calendar_t;

/* Copies both lists (in any order, repeats allowed); NULL when out of memory. */
dw_calendar_t *dw_calendar_new(const dw_date_t *holidays, size_t n_holidays, const dw_date_t *workdays,
                               size_t n_workdays) __attribute__((warn_unused_result));
void dw_calendar_destroy(dw_calendar_t **self_p);

bool dw_calendar_is_workday(const dw_calendar_t *self, dw_date_t d);
/* The n-th working day after d (n >= 1); n == 0: d when it is a working day,
 * else the next working day; n < 0: the -n-th working day before d. n beyond
 * ±DW_CALENDAR_MAX_WORKDAYS counts as ±DW_CALENDAR_MAX_WORKDAYS. */
dw_date_t dw_calendar_add_workdays(const dw_calendar_t *self, dw_date_t d, int n);
/* How many working days lie in (from, to]; negative (minus those in (to, from])
 * when to is before from; 0 when they are equal. */
int dw_calendar_workdays_between(const dw_calendar_t *self, dw_date_t from, dw_date_t to);

/* The ISO day of the week: 1 Monday .. 6 Saturday, 7 Sunday. */
int dw_calendar_weekday(dw_date_t d);

#endif
