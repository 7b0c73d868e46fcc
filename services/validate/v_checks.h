/* dw_v_checks — the check of each rule (v_rules.c's table names them): a pure
 * function of the subject that returns true when the rule is broken, with the
 * field at fault, the value found and what was expected in the finding. */
#ifndef DW_V_CHECKS_H
#define DW_V_CHECKS_H

#include "v_rules.h"

/* reference */
bool dw_v_check_dept_known(const dw_v_subject_t *s, dw_v_finding_t *f);     /* V-REF-001 */
bool dw_v_check_unit_dept(const dw_v_subject_t *s, dw_v_finding_t *f);      /* V-REF-002 */
bool dw_v_check_project_known(const dw_v_subject_t *s, dw_v_finding_t *f);  /* V-REF-003 */
bool dw_v_check_project_dept(const dw_v_subject_t *s, dw_v_finding_t *f);   /* V-REF-004 */
bool dw_v_check_section_known(const dw_v_subject_t *s, dw_v_finding_t *f);  /* V-REF-005 */
bool dw_v_check_line_known(const dw_v_subject_t *s, dw_v_finding_t *f);     /* V-REF-006 */
bool dw_v_check_original_known(const dw_v_subject_t *s, dw_v_finding_t *f); /* V-REF-007 */
/* consistency */
bool dw_v_check_dates_in_year(const dw_v_subject_t *s, dw_v_finding_t *f);      /* V-CON-001 */
bool dw_v_check_current_sum(const dw_v_subject_t *s, dw_v_finding_t *f);        /* V-CON-002 */
bool dw_v_check_line_above_paid(const dw_v_subject_t *s, dw_v_finding_t *f);    /* V-CON-003 */
bool dw_v_check_project_above_paid(const dw_v_subject_t *s, dw_v_finding_t *f); /* V-CON-004 */
bool dw_v_check_reversal_remaining(const dw_v_subject_t *s, dw_v_finding_t *f); /* V-CON-005 */
bool dw_v_check_reversal_date(const dw_v_subject_t *s, dw_v_finding_t *f);      /* V-CON-006 */
bool dw_v_check_target_value(const dw_v_subject_t *s, dw_v_finding_t *f);       /* V-CON-007 */
bool dw_v_check_codes_unique(const dw_v_subject_t *s, dw_v_finding_t *f);       /* V-CON-008 */
bool dw_v_check_version_newer(const dw_v_subject_t *s, dw_v_finding_t *f);      /* V-CON-009 */
bool dw_v_check_targets_declared(const dw_v_subject_t *s, dw_v_finding_t *f);   /* V-CON-010 */
bool dw_v_check_codes_declared(const dw_v_subject_t *s, dw_v_finding_t *f);     /* V-CON-011 */
bool dw_v_check_values_numeric(const dw_v_subject_t *s, dw_v_finding_t *f);     /* V-CON-012 */
bool dw_v_check_score_range(const dw_v_subject_t *s, dw_v_finding_t *f);        /* V-CON-013 */
bool dw_v_check_same_content(const dw_v_subject_t *s, dw_v_finding_t *f);       /* V-CON-014 */
/* monitoring forms */
bool dw_v_check_projection(const dw_v_subject_t *s, dw_v_finding_t *f);             /* V-MON-001 */
bool dw_v_check_causes(const dw_v_subject_t *s, dw_v_finding_t *f);                 /* V-MON-002 */
bool dw_v_check_explanation(const dw_v_subject_t *s, dw_v_finding_t *f);            /* V-MON-003 */
bool dw_v_check_measures(const dw_v_subject_t *s, dw_v_finding_t *f);               /* V-MON-004 */
bool dw_v_check_complete(const dw_v_subject_t *s, dw_v_finding_t *f);               /* V-MON-005 */
bool dw_v_check_submitted_after_period(const dw_v_subject_t *s, dw_v_finding_t *f); /* V-MON-006 */
/* facts */
bool dw_v_check_no_budget(const dw_v_subject_t *s, dw_v_finding_t *f);     /* V-FCT-001 */
bool dw_v_check_over_budget(const dw_v_subject_t *s, dw_v_finding_t *f);   /* V-FCT-002 */
bool dw_v_check_economic_code(const dw_v_subject_t *s, dw_v_finding_t *f); /* V-FCT-003 */
bool dw_v_check_payment_date(const dw_v_subject_t *s, dw_v_finding_t *f);  /* V-FCT-004 */
bool dw_v_check_on_hold(const dw_v_subject_t *s, dw_v_finding_t *f);       /* V-FCT-005 */

/* The last day of month period_month of fiscal_year, "YYYY-MM-DD" (V-MON-006). */
void dw_v_period_end(int64_t fiscal_year, int64_t period_month, char out[11]);

#endif
