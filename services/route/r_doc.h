/* dw_r_docs — the documents one batch of dw-route works on, and what the
 * batch writes.
 *
 * A batch first names every document it may touch (by kind and id, or the
 * open deviation cases of some projects), loads them in one statement each,
 * then moves them in memory; dw_r_docs_flush writes the changed documents
 * (one INSERT ... ON CONFLICT over COPY), their history, the tasks opened and
 * closed and the treasury instructions, a few statements for the whole batch. */
#ifndef DW_R_DOC_H
#define DW_R_DOC_H

#include <stdbool.h>
#include <stdint.h>

#include "dw_buf.h"
#include "dw_date.h"
#include "dw_pg.h"

#define DW_R_CODE 72 /* codes and ids: the wire allows 64 bytes */

typedef struct dw_r_document {
    char doc_kind[32];
    char doc_id[DW_R_CODE];
    int fiscal_year;
    char dept_code[DW_R_CODE];
    char project_code[DW_R_CODE]; /* "" when none */
    char *title;
    char state[32];
    int round;
    char holder_role[16];
    char holder_code[DW_R_CODE];
    dw_date_t due; /* valid only when has_due */
    bool has_due;
    char submitted_by[DW_R_CODE]; /* "" before a submit */
    char submitted_from[32];      /* "" = the table's recall row decides */
    bool next_step_acted;
    char decision[32]; /* "" none */
    int64_t alert_id;  /* 0 none */
    int64_t instruction_id;
    int64_t task_id; /* the holder's open task, 0 none */
    int steps;
    dw_date_t reminded_for, overdue_for;
    bool has_reminded, has_overdue;
    bool closed;
    bool dirty; /* to write at flush */
} dw_r_document_t;

typedef struct dw_r_docs dw_r_docs_t;

dw_r_docs_t *dw_r_docs_new(void);
void dw_r_docs_destroy(dw_r_docs_t **self_p);
/* Forget every document and pending write (after a flush or a rollback). */
void dw_r_docs_clear(dw_r_docs_t *self);

/* Loads the documents "kind/id" of keys[0..n) that exist; 0 or -1. */
int dw_r_docs_load(dw_r_docs_t *self, dw_pg_t *pg, const char *const *keys, size_t n)
    __attribute__((warn_unused_result));
/* Loads the open deviation cases of the projects[0..n); 0 or -1. */
int dw_r_docs_load_cases(dw_r_docs_t *self, dw_pg_t *pg, const char *const *projects, size_t n)
    __attribute__((warn_unused_result));
/* Loads the documents of a WHERE clause over documents (no parameters), at
 * most limit rows; for dw-route's timers. 0 or -1. */
int dw_r_docs_load_where(dw_r_docs_t *self, dw_pg_t *pg, const char *where, int limit)
    __attribute__((warn_unused_result));

/* A loaded or created document, or NULL. */
dw_r_document_t *dw_r_docs_get(dw_r_docs_t *self, const char *doc_kind, const char *doc_id);
/* Each loaded document, in load order; NULL past the end. */
dw_r_document_t *dw_r_docs_at(dw_r_docs_t *self, size_t i);
/* The open deviation cases of a project (loaded by dw_r_docs_load_cases or
 * created in the batch), into out[0..max); returns how many. */
size_t dw_r_docs_cases_of(dw_r_docs_t *self, const char *project_code, dw_r_document_t **out, size_t max);

/* A new document (not yet in the database), or NULL when one of that kind and
 * id is loaded already or out of memory. */
dw_r_document_t *dw_r_docs_create(dw_r_docs_t *self, const char *doc_kind, const char *doc_id, int fiscal_year,
                                  const char *dept_code, const char *project_code, const char *title);

/* One step of a document's history. */
typedef struct dw_r_history {
    const char *action, *actor, *section_code, *role, *from_state, *title;
    const char *opinion, *comment, *decision; /* NULL: none */
    const char *upstream;                     /* validate | analyze | route */
    int64_t upstream_seq;                     /* 0: none */
    dw_date_t as_of;
} dw_r_history_t;

/* Appends a step after d moved (its state, holder and due are the new ones);
 * counts it in d->steps. */
int dw_r_docs_history(dw_r_docs_t *self, dw_r_document_t *d, const dw_r_history_t *h)
    __attribute__((warn_unused_result));
/* A task opened for d's holder (d->task_id set by the caller); kind is the
 * doc_kind, or another kind for a task beside the document's own (a budget
 * cut for the budget section). */
int dw_r_docs_task_open(dw_r_docs_t *self, const dw_r_document_t *d, int64_t task_id, const char *kind,
                        const char *section_code, const char *summary) __attribute__((warn_unused_result));
/* The task closed (the document moved on) with the state after it. */
int dw_r_docs_task_close(dw_r_docs_t *self, int64_t task_id, const char *state) __attribute__((warn_unused_result));
/* A treasury instruction issued for d. */
int dw_r_docs_instruction(dw_r_docs_t *self, const dw_r_document_t *d, int64_t instruction_id, const char *action,
                          const char *reason, dw_date_t issued_on, dw_date_t ack_due)
    __attribute__((warn_unused_result));
/* The treasury confirmed an instruction on that date. */
int dw_r_docs_instruction_acked(dw_r_docs_t *self, int64_t instruction_id, dw_date_t on)
    __attribute__((warn_unused_result));

/* Writes everything the batch changed; 0 or -1. The set stays loaded. */
int dw_r_docs_flush(dw_r_docs_t *self, dw_pg_t *pg) __attribute__((warn_unused_result));

#endif
