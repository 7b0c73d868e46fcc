/* dw_r_engine — applies an action to a document by its procedure's table
 * (r_procedure.h): checks who acts (the one place identity is decided),
 * moves the document, dates its next deadline on the bureau's working-day
 * calendar, records the step in its history, closes the holder's task and
 * opens the next one, and sets off the step's effect (r_effects.h).
 *
 * An action the table refuses changes nothing and comes back as a refusal
 * (DW_E_RULE, rule id W-...) for the caller to record. */
#ifndef DW_R_ENGINE_H
#define DW_R_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "dw_calendar.h"
#include "dw_config.h"
#include "dw_error.h"
#include "dw_stage.h"
#include "r_doc.h"
#include "r_procedure.h"

typedef struct dw_r_engine dw_r_engine_t;

/* Reads the next task and instruction ids; NULL (logged) on failure. */
dw_r_engine_t *dw_r_engine_new(const dw_config_t *cfg, dw_pg_t *pg);
void dw_r_engine_destroy(dw_r_engine_t **self_p);
/* After a rolled-back batch: the ids it handed out are free again. */
int dw_r_engine_reset(dw_r_engine_t *self, dw_pg_t *pg) __attribute__((warn_unused_result));

/* The batch (or timer job) the next actions belong to. */
void dw_r_engine_begin(dw_r_engine_t *self, dw_stage_t *stage, dw_pg_t *pg, dw_r_docs_t *docs, dw_date_t as_of);

const dw_config_t *dw_r_engine_config(const dw_r_engine_t *self);
const dw_calendar_t *dw_r_engine_calendar(const dw_r_engine_t *self);
dw_date_t dw_r_engine_as_of(const dw_r_engine_t *self);

/* Who acts and what they ask. system: dw-route itself (a deadline, a fact
 * that arrived); then actor and section_code are ignored. */
typedef struct dw_r_action {
    const char *action;
    bool system;
    const char *actor, *section_code;
    const char *opinion, *comment; /* NULL: none */
    const char *to_state;          /* for return */
    const char *decision;          /* for a deviation case's propose and decide */
    const char *upstream;          /* validate | analyze | route */
    int64_t upstream_seq;
    bool no_task; /* for an opening the holder's own step follows at once (a document that arrives
                     submitted): no task for the holder in between */
} dw_r_action_t;

/* 0 applied, 1 refused (err says why, nothing changed), -1 a failure. */
int dw_r_engine_act(dw_r_engine_t *self, dw_r_document_t *d, const dw_r_action_t *a, dw_error_t *err)
    __attribute__((warn_unused_result));

/* Puts a document created in this batch (dw_r_docs_create) into its
 * procedure's initial state with its holder, due (NULL: the initial state's
 * own rule) and task, and records the opening step a. The same checks of who
 * opens as for any action: 0, 1 refused (err), -1. */
int dw_r_engine_open(dw_r_engine_t *self, dw_r_document_t *d, const dw_r_action_t *a, const dw_date_t *due,
                     dw_error_t *err) __attribute__((warn_unused_result));

/* Whether a may open d (its kind and department set): 0, 1 refused (err). */
int dw_r_engine_check_open(const dw_r_engine_t *self, const dw_r_document_t *d, const dw_r_action_t *a, dw_error_t *err)
    __attribute__((warn_unused_result));

/* The section code that holds a document of dept_code in a role's step. */
const char *dw_r_engine_holder(const dw_r_engine_t *self, dw_r_role_t role, const char *dept_code);

/* A fresh task id, for a task beside a document's own (a budget cut). */
int64_t dw_r_engine_next_task(dw_r_engine_t *self);
/* A fresh treasury instruction id. */
int64_t dw_r_engine_next_instruction(dw_r_engine_t *self);
dw_stage_t *dw_r_engine_stage(dw_r_engine_t *self);
dw_pg_t *dw_r_engine_pg(dw_r_engine_t *self);
dw_r_docs_t *dw_r_engine_docs(dw_r_engine_t *self);

#endif
