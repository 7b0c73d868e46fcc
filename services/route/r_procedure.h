/* dw_r_procedure — the bureau's review procedures (seed 004, 000 §11-§14,
 * 001 §2-§3, 002 §19-§24 and §39-§40, 003 §12-§13) as tables: for each kind
 * of document, its states, and for each state the actions allowed, who may
 * take them, the state they lead to, who holds the document next and by when.
 * No procedure is nested ifs: dw-route looks a step up here, and an action
 * the table does not allow is refused with a coded reason (rule ids W-...)
 * and changes nothing.
 *
 * Rules every procedure obeys, checked here for every path:
 *   - the person who submitted a round cannot pass or approve it (W-DUTY-001);
 *   - any review step may return the document to any earlier step of the
 *     same round with a reason (action "return", to_state the earlier step;
 *     W-RETURN-001 without a reason, W-RETURN-002 to a step that is not
 *     earlier);
 *   - the submitter may recall until the next step acts (action "recall",
 *     W-RECALL-001 after that, W-RECALL-002 for anyone else);
 *   - every action names its actor and section; the role comes from the
 *     section (dw_r_role_of), in this one place.
 * And the refusals every table shares: W-STATE-002 a state the procedure
 * does not have, W-STATE-001 a closed document or an action the state does
 * not allow, W-ROLE-001 an allowed action by the wrong role, W-REASON-001 a
 * step that needs an opinion without one. dw-route's own "remind" and
 * "overdue" are accepted in every open state and change nothing, unless the
 * table has its own row for them there (a missed deadline that escalates). */
#ifndef DW_R_PROCEDURE_H
#define DW_R_PROCEDURE_H

#include <stdbool.h>
#include <stddef.h>

#include "dw_config.h"
#include "dw_error.h"

/* Who acts: a department (预算部门) or a kind of section of the bureau, or
 * dw-route itself (timers, facts that arrive: a hold_ack, an adjustment). */
typedef enum dw_r_role {
    DW_R_DEPARTMENT,
    DW_R_BUSINESS,      /* 业务股室 */
    DW_R_COMPREHENSIVE, /* 综合股 */
    DW_R_BUDGET,        /* 预算股 */
    DW_R_TREASURY,      /* 国库收付中心 */
    DW_R_INVESTMENT,    /* 财政投资评审中心 */
    DW_R_SUPERVISION,   /* 监督检查股 */
    DW_R_LEADERSHIP,    /* 局党组 */
    DW_R_SYSTEM,        /* dw-route: deadlines and facts */
    DW_R_ROLE_COUNT
} dw_r_role_t;

/* How a step's deadline is counted from the day the document reaches it. */
typedef enum dw_r_due {
    DW_R_DUE_NONE,
    DW_R_DUE_WORKDAYS, /* n working days (dw_calendar) */
    DW_R_DUE_DAYS,     /* n calendar days (e.g. 20 days after the People's Congress approves the budget) */
} dw_r_due_t;

/* What a step sets off besides moving the document (dw-route carries it out
 * in the same transaction). */
typedef enum dw_r_effect {
    DW_R_EFFECT_NONE,
    DW_R_EFFECT_RECTIFICATION_NOTICE, /* 整改通知 to the department, with a deadline */
    DW_R_EFFECT_DISPOSITION,          /* a deviation case's decision takes effect (by its decision) */
    DW_R_EFFECT_PUBLISH,              /* the department publishes (公开) */
    DW_R_EFFECT_REFER,                /* referred (移送): a recorded escalation */
    DW_R_EFFECT_FEEDBACK_NOTICE,      /* 《绩效再评价结果反馈告知书》 to the department */
    DW_R_EFFECT_TO_LEADERSHIP,        /* the year's summary of recommendations to 局党组 */
} dw_r_effect_t;

/* One row of a procedure's table. */
typedef struct dw_r_step {
    const char *from;     /* state the document is in */
    const char *action;   /* submit | pass | return | recall | propose | decide | ... */
    dw_r_role_t role;     /* who may take it */
    const char *to;       /* the state it leads to */
    dw_r_role_t holder;   /* who holds the document in `to` (whose task it is) */
    dw_r_due_t due;       /* the deadline of `to` */
    int due_n;            /* working or calendar days; 0 when due is NONE */
    dw_r_effect_t effect; /* what else happens */
    bool needs_reason;    /* refused without an opinion or comment (returns, refusals) */
    const char *title;    /* Chinese name of the step taken, for history and notices */
} dw_r_step_t;

/* A state of a procedure. */
typedef struct dw_r_state {
    const char *name;   /* e.g. business_review */
    const char *title;  /* 业务股室初审 */
    int order;          /* position along the path (returns go to a lower one) */
    bool final;         /* closed: no action is allowed */
    dw_r_role_t holder; /* whose task a document here is (also where no row leads in: the initial state, a
                           return to an earlier step); every row into the state says the same; SYSTEM when final */
} dw_r_state_t;

typedef struct dw_r_procedure {
    /* target_declaration | monitor_report | deviation_case | selfeval | reevaluation | results_summary */
    const char *doc_kind;
    const char *title;   /* 绩效目标申报、审核和批复 */
    const char *initial; /* the state a new document starts in */
    const dw_r_state_t *states;
    size_t n_states;
    const dw_r_step_t *steps;
    size_t n_steps;
} dw_r_procedure_t;

/* The procedure of a kind of document, or NULL. */
const dw_r_procedure_t *dw_r_procedure(const char *doc_kind);
/* Every procedure, for listings and tests; *n set. */
const dw_r_procedure_t *const *dw_r_procedures(size_t *n);
/* A state of p by name, or NULL. */
const dw_r_state_t *dw_r_state(const dw_r_procedure_t *p, const char *name);

/* The role an action's section_code stands for: the kind of the configured
 * section of that code, or DW_R_DEPARTMENT when it is a department's code
 * (not a section). The one place identity is decided. */
dw_r_role_t dw_r_role_of(const dw_config_t *cfg, const char *section_code);
const char *dw_r_role_name(dw_r_role_t role);

/* What the document is now, as far as the rules need it. */
typedef struct dw_r_doc {
    const char *state;
    const char *submitted_by;   /* actor of this round's submit, NULL before */
    const char *submitted_from; /* the state this round's submit left (draft, revising, published...), so a
                                   recall goes back there; NULL = the state the table's recall row names */
    bool next_step_acted;       /* a step after the submit has acted in this round */
} dw_r_doc_t;

/* What an action asks. */
typedef struct dw_r_request {
    const char *action;
    dw_r_role_t role;
    const char *actor;
    const char *to_state; /* for "return": the earlier step; NULL = the previous one */
    bool has_reason;      /* an opinion or a comment came with it */
} dw_r_request_t;

/* The step an action takes on a document, or NULL with err set (code
 * rule_violation, field the rule id, message in words: which state, which
 * action, who may). The step is always the table row of the action taken in
 * doc->state, except for dw-route's generic "remind"/"overdue", whose shared
 * row has from and to "*" (nothing moves, holder and due stay).
 * *return_to (if return_to is not NULL; NULL on a refusal) is the state the
 * document ends in, which for a return is the step it goes back to (the
 * row's `to` or req->to_state; the holder is that state's, the due the
 * row's), for a recall the state the round was submitted from, for a
 * generic remind/overdue doc->state, and otherwise step->to. */
const dw_r_step_t *dw_r_decide(const dw_r_procedure_t *p, const dw_r_doc_t *doc, const dw_r_request_t *req,
                               const char **return_to, dw_error_t *err);

#endif
