/* dw_v_rules — the rules dw-validate knows: a table from rule id to its check
 * function, with what the data model allows each rule to be (fatal, warning,
 * switched off), the wire code a refusal travels with, the payment flag it
 * sets, and the configuration switch that may turn it off.
 *
 * The bureau's settings (severity, enabled, types, message) come from the
 * catalogue (v_catalogue.h), which is checked against this table at start. A
 * check reads a subject: the message and whatever the type's handler looked
 * up for it (reference data, the line's position, the original voucher), so
 * the check itself is a pure function and the handler does the database work
 * once per batch. */
#ifndef DW_V_RULES_H
#define DW_V_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_config.h"
#include "dw_error.h"
#include "dw_msg.h"

typedef enum dw_v_category {
    DW_V_SCHEMA,      /* enforced by dw-intake; rows that document the contract's checks */
    DW_V_REFERENCE,   /* departments, units, projects, lines, vouchers, sections */
    DW_V_CONSISTENCY, /* one message against itself or against what is stored */
    DW_V_MONITORING,  /* the monitoring form's own rules */
    DW_V_FACT,        /* flags on a treasury fact; never a refusal */
    DW_V_N_CATEGORIES
} dw_v_category_t;

typedef enum dw_v_severity { DW_V_FATAL, DW_V_WARNING } dw_v_severity_t;

/* What one check found: the field at fault (the instance path, such as
 * body.indicators[2].projected), the value found and what was expected, as
 * text in the bureau's terms (money in yuan). */
typedef struct dw_v_finding {
    char field[DW_ERR_FIELD_MAX];
    char value[256];
    char expected[256];
} dw_v_finding_t;

/* A project's current declared targets (target.declaration, highest version). */
typedef struct dw_v_target {
    int64_t version;
    size_t n;
    char **codes;     /* indicator codes, in declaration order */
    char **operators; /* ge gt eq le lt qualitative */
} dw_v_target_t;

/* The operator of an indicator of t, or NULL when t does not declare it. */
const char *dw_v_target_operator(const dw_v_target_t *t, const char *code);

/* A treasury.hold_ack as the hold check sees it: the day a hold (停止拨付)
 * or a release (恢复拨付) took effect. */
typedef struct dw_v_hold_ack {
    char effective_date[11]; /* YYYY-MM-DD */
    bool hold;               /* false: a release */
} dw_v_hold_ack_t;

/* One message as the checks see it. The handler of its type fills what its
 * rules read; the rest stays zero. */
typedef struct dw_v_subject {
    const dw_msg_t *msg;
    const dw_obj_t *body;
    const char *type;
    const dw_config_t *cfg;
    /* reference data */
    bool dept_known;          /* dept_code is in departments */
    const char *project_dept; /* the project's dept for the fiscal year; NULL: unknown project */
    const char *unit_dept;    /* the unit's recorded dept; NULL: a unit not seen before */
    /* documents */
    const dw_v_target_t *target; /* the project's current targets; NULL: none declared */
    int64_t current_version;     /* target.declaration: highest stored version, 0 none */
    /* budget.adjustment */
    bool line_known; /* the line exists in this fiscal year */
    int64_t line_current_fen, line_paid_fen, project_budget_fen, project_paid_fen;
    /* treasury.reversal */
    bool original_known; /* the original voucher exists in this fiscal year */
    int64_t original_remaining_fen;
    const char *original_date;
    /* treasury.payment and treasury.reversal: the project's position with this fact */
    int64_t n_lines, budget_fen, paid_fen;
    bool economic_listed;      /* the payment's economic code is among the project's lines' codes */
    const char *economic_list; /* those codes, for the message */
    /* treasury.payment: the project's confirmed holds and releases (any fiscal
     * year), in the order they take effect: effective_date, then inbox seq */
    const dw_v_hold_ack_t *hold_acks;
    size_t n_hold_acks;
    /* a keyed fact or document stored before with other content */
    bool conflict;
    const char *conflict_field; /* body.voucher_no, body.doc_no, body.version */
    const char *conflict_key;   /* the business key, as text */
} dw_v_subject_t;

typedef bool (*dw_v_check_fn)(const dw_v_subject_t *s, dw_v_finding_t *f);

typedef struct dw_v_rule_def {
    const char *id; /* V-REF-001 */
    dw_v_category_t category;
    dw_code_t code;           /* the wire code of a refusal */
    bool may_fatal, may_warn; /* the severities the data model allows */
    bool may_disable;         /* false: the data model needs the rule */
    const char *const *types; /* the types the check supports (NULL-terminated); NULL = every inbound type */
    const char *flag;         /* a payment's flag (fact.payment flags) when it fires */
    const char *switch_key;   /* a configuration key that must be true too, or NULL */
    bool (*switch_on)(const dw_config_t *cfg);
    dw_v_check_fn check; /* NULL for schema rows: dw-intake checks them */
} dw_v_rule_def_t;

/* The table, in id order (the order rules are applied in). */
const dw_v_rule_def_t *dw_v_rule_defs(size_t *n);
/* A rule by id, or NULL. */
const dw_v_rule_def_t *dw_v_rule_def(const char *id);

const char *dw_v_category_name(dw_v_category_t c);
const char *dw_v_severity_name(dw_v_severity_t s);

#endif
