/* dw_a_rules — the deviation rules of the catalogue applied to one project at
 * an as-of date: one finding per (rule, subject) that applies, green included
 * (a green finding is what clears an open alert). Pure: no database, no clock.
 *
 * Every light is decided exactly: a ratio is compared with a threshold by
 * cross-multiplying integers (128-bit), never by a rounded or floating value,
 * so exactly 60 % is yellow, not red, and 59.999 % is red. The basis points in
 * a finding are for people (rounded half up). */
#ifndef DW_A_RULES_H
#define DW_A_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a_catalogue.h"
#include "a_project.h"
#include "a_time.h"

/* Ordered by severity: the worst of several is the largest. */
typedef enum { DW_A_GREEN, DW_A_BLUE, DW_A_YELLOW, DW_A_RED } dw_a_light_t;

const char *dw_a_light_name(dw_a_light_t l); /* "green" "blue" "yellow" "red" */

typedef struct dw_a_finding {
    const dw_a_rule_t *rule;
    char subject[48]; /* the indicator code for indicator rules, the business date for reconciliation, else "" */
    dw_a_light_t light;
    /* The figures it was decided on, so a reader can check it by hand. */
    char expected[64];                /* e.g. "8000000" (fen), "95" (target), "2026-07-10" (due) */
    char actual[64];                  /* e.g. "3000000", "40", "未报送" */
    int64_t expected_fen, actual_fen; /* money rules; 0 otherwise */
    bool has_ratio;
    int64_t ratio_bp;               /* the ratio the light came from, basis points */
    char thresholds[128];           /* e.g. "红灯 <60%，黄灯 <80%" */
    char message[512];              /* the rule's template, rendered (Chinese) */
    dw_a_disposition_t disposition; /* NONE when green or blue */
} dw_a_finding_t;

/* Findings for project p at as_of with time progress tp; at most cap written,
 * the number that applied returned (more than cap: the caller's array was too
 * small). Disabled rules and rules that do not apply (no targets, no form,
 * time rules before rules_from) give no finding. Reconciliation is not a
 * project rule: see dw_a_rules_reconciliation. */
size_t dw_a_rules_evaluate(const dw_a_catalogue_t *cat, const dw_a_project_t *p, dw_a_progress_t tp, dw_date_t as_of,
                           dw_a_finding_t *out, size_t cap);

/* The light of one indicator from the indicator rules alone (GREEN when it
 * has no value to date): what FORM_NO_CAUSE and the dashboard read. */
dw_a_light_t dw_a_indicator_light(const dw_a_catalogue_t *cat, const dw_a_indicator_t *ind, dw_a_progress_t tp);

/* The treasury's control totals for a business date against what was stored:
 * red when count or sum differs, else green. subject = the date. */
void dw_a_rules_reconciliation(const dw_a_catalogue_t *cat, dw_date_t business_date, int64_t treasury_count,
                               int64_t treasury_fen, int64_t stored_count, int64_t stored_fen, dw_a_finding_t *out);

/* The worst light among findings (GREEN for none): project light; fold the
 * projects' lights the same way for a department. */
dw_a_light_t dw_a_worst(const dw_a_finding_t *f, size_t n);

#endif
