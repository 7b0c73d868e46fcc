/* dw_v_ref — the reference data one run of messages is checked against,
 * looked up once for the whole run (a statement per kind of data): which
 * departments are known, the department each unit and each project (per
 * fiscal year) is recorded under, and each project's current declared
 * targets. A handler that stores new reference data in the run tells it here
 * too, so a later message of the same run sees it. */
#ifndef DW_V_REF_H
#define DW_V_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_msg.h"
#include "dw_pg.h"
#include "v_rules.h"

typedef struct dw_v_ref dw_v_ref_t;

enum {
    DW_V_REF_DEPTS = 1,    /* departments, by the bodies' dept_code */
    DW_V_REF_UNITS = 2,    /* units, by unit_code */
    DW_V_REF_PROJECTS = 4, /* projects, by (fiscal_year, project_code) */
    DW_V_REF_TARGETS = 8,  /* current target declarations, by (fiscal_year, project_code) */
};

dw_v_ref_t *dw_v_ref_new(void);
void dw_v_ref_destroy(dw_v_ref_t **self_p);

/* Looks up what `what` asks for the messages msgs[0..n) (NULL entries skipped). */
int dw_v_ref_load(dw_v_ref_t *self, dw_pg_t *pg, dw_msg_t *const *msgs, size_t n, unsigned what)
    __attribute__((warn_unused_result));

bool dw_v_ref_dept_known(const dw_v_ref_t *self, const char *dept_code);
/* The recorded dept, or NULL when unknown. */
const char *dw_v_ref_unit_dept(const dw_v_ref_t *self, const char *unit_code);
const char *dw_v_ref_project_dept(const dw_v_ref_t *self, int64_t fiscal_year, const char *project_code);
/* The current targets, or NULL when none are declared. */
const dw_v_target_t *dw_v_ref_target(const dw_v_ref_t *self, int64_t fiscal_year, const char *project_code);

/* What a run has just stored. */
int dw_v_ref_set_dept(dw_v_ref_t *self, const char *dept_code) __attribute__((warn_unused_result));
int dw_v_ref_set_unit(dw_v_ref_t *self, const char *unit_code, const char *dept_code)
    __attribute__((warn_unused_result));
int dw_v_ref_set_project(dw_v_ref_t *self, int64_t fiscal_year, const char *project_code, const char *dept_code)
    __attribute__((warn_unused_result));
/* A target.declaration body just stored becomes the project's current targets. */
int dw_v_ref_set_target(dw_v_ref_t *self, const dw_obj_t *declaration) __attribute__((warn_unused_result));

#endif
