#include "v_rules.h"

#include <string.h>

#include "v_checks.h"

/* The types each check knows how to read. */
static const char *const t_alloc[] = {"budget.allocation", NULL};
static const char *const t_adjust[] = {"budget.adjustment", NULL};
static const char *const t_reversal[] = {"treasury.reversal", NULL};
static const char *const t_payment[] = {"treasury.payment", NULL};
static const char *const t_facts[] = {"treasury.payment", "treasury.reversal", NULL};
static const char *const t_monitor[] = {"monitor.report", NULL};
static const char *const t_selfeval[] = {"selfeval.report", NULL};
static const char *const t_declaration[] = {"target.declaration", NULL};
static const char *const t_reports[] = {"monitor.report", "selfeval.report", NULL};
static const char *const t_documents[] = {"target.declaration", "monitor.report", "selfeval.report", NULL};
static const char *const t_owned[] = {"budget.allocation", "target.declaration", "monitor.report", "selfeval.report",
                                      NULL};
static const char *const t_sections[] = {"budget.allocation", "workflow.action", NULL};
static const char *const t_dated[] = {"budget.allocation", "budget.adjustment", "monitor.report", NULL};
static const char *const t_itemised[] = {"target.declaration", "monitor.report", "selfeval.report", NULL};
static const char *const t_keyed[] = {"budget.adjustment", "target.declaration", "treasury.payment",
                                      "treasury.reversal", NULL};

static bool projection_on(const dw_config_t *cfg)
{
    return cfg->validate.require_projection_when_uncertain;
}

static bool explanation_on(const dw_config_t *cfg)
{
    return cfg->validate.require_explanation_with_cause;
}

#define SWITCH_PROJECTION  "validate.require_projection_when_uncertain", projection_on
#define SWITCH_EXPLANATION "validate.require_explanation_with_cause", explanation_on
#define NO_SWITCH          NULL, NULL

/* Schema rows: dw-intake refuses these before dw-validate sees the message;
 * always fatal, never off (the contract is not the bureau's to tune). */
#define SCHEMA_ROW(id)                                                              \
    {                                                                               \
        id, DW_V_SCHEMA, DW_E_RULE, true, false, false, NULL, NULL, NO_SWITCH, NULL \
    }

/* id, category, wire code, may be fatal, may be a warning, may be switched
 * off, types, payment flag, switch, check. In id order: the order they apply. */
static const dw_v_rule_def_t defs[] = {
    SCHEMA_ROW("V-SCH-001"),
    SCHEMA_ROW("V-SCH-002"),
    SCHEMA_ROW("V-SCH-003"),
    SCHEMA_ROW("V-SCH-004"),
    SCHEMA_ROW("V-SCH-005"),
    SCHEMA_ROW("V-SCH-006"),
    SCHEMA_ROW("V-SCH-007"),
    SCHEMA_ROW("V-SCH-008"),
    SCHEMA_ROW("V-SCH-009"),
    SCHEMA_ROW("V-SCH-010"),

    {"V-REF-001", DW_V_REFERENCE, DW_E_UNKNOWN_REF, true, true, true, t_documents, NULL, NO_SWITCH,
     dw_v_check_dept_known},
    {"V-REF-002", DW_V_REFERENCE, DW_E_RULE, true, true, true, t_alloc, NULL, NO_SWITCH, dw_v_check_unit_dept},
    {"V-REF-003", DW_V_REFERENCE, DW_E_UNKNOWN_REF, true, true, true, t_documents, NULL, NO_SWITCH,
     dw_v_check_project_known},
    {"V-REF-004", DW_V_REFERENCE, DW_E_RULE, true, true, true, t_owned, NULL, NO_SWITCH, dw_v_check_project_dept},
    {"V-REF-005", DW_V_REFERENCE, DW_E_UNKNOWN_REF, true, true, true, t_sections, NULL, NO_SWITCH,
     dw_v_check_section_known},
    /* nothing to adjust, nothing to reverse: these cannot be stored */
    {"V-REF-006", DW_V_REFERENCE, DW_E_UNKNOWN_REF, true, false, false, t_adjust, NULL, NO_SWITCH,
     dw_v_check_line_known},
    {"V-REF-007", DW_V_REFERENCE, DW_E_UNKNOWN_REF, true, false, false, t_reversal, NULL, NO_SWITCH,
     dw_v_check_original_known},

    {"V-CON-001", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_dated, NULL, NO_SWITCH, dw_v_check_dates_in_year},
    /* budget_lines checks current = initial + adjusted + transferred */
    {"V-CON-002", DW_V_CONSISTENCY, DW_E_RULE, true, false, false, t_alloc, NULL, NO_SWITCH, dw_v_check_current_sum},
    /* DESIGN: a budget cut below what is paid goes to rejects */
    {"V-CON-003", DW_V_CONSISTENCY, DW_E_RULE, true, false, false, t_adjust, NULL, NO_SWITCH,
     dw_v_check_line_above_paid},
    {"V-CON-004", DW_V_CONSISTENCY, DW_E_RULE, true, false, false, t_adjust, NULL, NO_SWITCH,
     dw_v_check_project_above_paid},
    /* what was paid can never become negative */
    {"V-CON-005", DW_V_CONSISTENCY, DW_E_RULE, true, false, false, t_reversal, NULL, NO_SWITCH,
     dw_v_check_reversal_remaining},
    {"V-CON-006", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_reversal, NULL, NO_SWITCH, dw_v_check_reversal_date},
    {"V-CON-007", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_declaration, NULL, NO_SWITCH,
     dw_v_check_target_value},
    /* indicator codes key target_indicators */
    {"V-CON-008", DW_V_CONSISTENCY, DW_E_RULE, true, false, false, t_itemised, NULL, NO_SWITCH,
     dw_v_check_codes_unique},
    {"V-CON-009", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_declaration, NULL, NO_SWITCH,
     dw_v_check_version_newer},
    {"V-CON-010", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_reports, NULL, NO_SWITCH,
     dw_v_check_targets_declared},
    {"V-CON-011", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_reports, NULL, NO_SWITCH, dw_v_check_codes_declared},
    {"V-CON-012", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_reports, NULL, NO_SWITCH, dw_v_check_values_numeric},
    {"V-CON-013", DW_V_CONSISTENCY, DW_E_RULE, true, true, true, t_selfeval, NULL, NO_SWITCH, dw_v_check_score_range},
    /* one row per business key: a second content has nowhere to go */
    {"V-CON-014", DW_V_CONSISTENCY, DW_E_CONFLICT, true, false, false, t_keyed, NULL, NO_SWITCH,
     dw_v_check_same_content},

    {"V-MON-001", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, SWITCH_PROJECTION,
     dw_v_check_projection},
    {"V-MON-002", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, SWITCH_PROJECTION, dw_v_check_causes},
    {"V-MON-003", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, SWITCH_EXPLANATION,
     dw_v_check_explanation},
    {"V-MON-004", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, NO_SWITCH, dw_v_check_measures},
    {"V-MON-005", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, NO_SWITCH, dw_v_check_complete},
    {"V-MON-006", DW_V_MONITORING, DW_E_RULE, true, true, true, t_monitor, NULL, NO_SWITCH,
     dw_v_check_submitted_after_period},

    /* a payment is a fact: stored and flagged, never refused */
    {"V-FCT-001", DW_V_FACT, DW_E_RULE, false, true, true, t_facts, "no_budget", NO_SWITCH, dw_v_check_no_budget},
    {"V-FCT-002", DW_V_FACT, DW_E_RULE, false, true, true, t_facts, "over_budget", NO_SWITCH, dw_v_check_over_budget},
    {"V-FCT-003", DW_V_FACT, DW_E_RULE, false, true, true, t_payment, "economic_code_outside", NO_SWITCH,
     dw_v_check_economic_code},
    {"V-FCT-004", DW_V_FACT, DW_E_RULE, false, true, true, t_facts, "outside_fiscal_year", NO_SWITCH,
     dw_v_check_payment_date},
    {"V-FCT-005", DW_V_FACT, DW_E_RULE, false, true, true, t_payment, "on_hold", NO_SWITCH, dw_v_check_on_hold},
};

const dw_v_rule_def_t *dw_v_rule_defs(size_t *n)
{
    *n = sizeof defs / sizeof defs[0];
    return defs;
}

const dw_v_rule_def_t *dw_v_rule_def(const char *id)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (strcmp(defs[i].id, id) == 0)
            return &defs[i];
    return NULL;
}

const char *dw_v_category_name(dw_v_category_t c)
{
    static const char *const names[] = {"schema", "reference", "consistency", "monitoring", "fact"};
    return (int)c >= 0 && c < DW_V_N_CATEGORIES ? names[c] : "unknown";
}

const char *dw_v_severity_name(dw_v_severity_t s)
{
    return s == DW_V_FATAL ? "fatal" : "warning";
}

const char *dw_v_target_operator(const dw_v_target_t *t, const char *code)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (strcmp(t->codes[i], code) == 0)
            return t->operators[i];
    return NULL;
}
