#include "r_engine.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "r_effects.h"

struct dw_r_engine {
    const dw_config_t *cfg;
    dw_calendar_t *calendar;
    int64_t next_task_id, next_instruction_id;
    /* the batch in hand */
    dw_stage_t *stage;
    dw_pg_t *pg;
    dw_r_docs_t *docs;
    dw_date_t as_of;
};

int dw_r_engine_reset(dw_r_engine_t *self, dw_pg_t *pg)
{
    return dw_pg_query_int(pg, "route", "SELECT coalesce(max(task_id), 0) + 1 FROM tasks", 0, NULL,
                           &self->next_task_id) ||
                   dw_pg_query_int(pg, "route",
                                   "SELECT coalesce(max(instruction_id), 0) + 1 FROM treasury_instructions", 0, NULL,
                                   &self->next_instruction_id)
               ? -1
               : 0;
}

dw_r_engine_t *dw_r_engine_new(const dw_config_t *cfg, dw_pg_t *pg)
{
    dw_r_engine_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->cfg = cfg;
    self->calendar = dw_config_calendar_new(cfg);
    if (!self->calendar || dw_r_engine_reset(self, pg) != 0) {
        dw_r_engine_destroy(&self);
        return NULL;
    }
    return self;
}

void dw_r_engine_destroy(dw_r_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_calendar_destroy(&(*self_p)->calendar);
    free(*self_p);
    *self_p = NULL;
}

void dw_r_engine_begin(dw_r_engine_t *self, dw_stage_t *stage, dw_pg_t *pg, dw_r_docs_t *docs, dw_date_t as_of)
{
    self->stage = stage;
    self->pg = pg;
    self->docs = docs;
    self->as_of = as_of;
}

const dw_config_t *dw_r_engine_config(const dw_r_engine_t *self)
{
    return self->cfg;
}
const dw_calendar_t *dw_r_engine_calendar(const dw_r_engine_t *self)
{
    return self->calendar;
}
dw_date_t dw_r_engine_as_of(const dw_r_engine_t *self)
{
    return self->as_of;
}
int64_t dw_r_engine_next_task(dw_r_engine_t *self)
{
    return self->next_task_id++;
}
int64_t dw_r_engine_next_instruction(dw_r_engine_t *self)
{
    return self->next_instruction_id++;
}
dw_stage_t *dw_r_engine_stage(dw_r_engine_t *self)
{
    return self->stage;
}
dw_pg_t *dw_r_engine_pg(dw_r_engine_t *self)
{
    return self->pg;
}
dw_r_docs_t *dw_r_engine_docs(dw_r_engine_t *self)
{
    return self->docs;
}

static bool is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static dw_section_kind_t section_kind_of(dw_r_role_t role)
{
    switch (role) {
    case DW_R_BUDGET: return DW_SECTION_BUDGET;
    case DW_R_TREASURY: return DW_SECTION_TREASURY;
    case DW_R_INVESTMENT: return DW_SECTION_INVESTMENT;
    case DW_R_SUPERVISION: return DW_SECTION_SUPERVISION;
    case DW_R_LEADERSHIP: return DW_SECTION_LEADERSHIP;
    default: return DW_SECTION_COMPREHENSIVE;
    }
}

const char *dw_r_engine_holder(const dw_r_engine_t *self, dw_r_role_t role, const char *dept_code)
{
    if (role == DW_R_SYSTEM)
        return "system";
    if (role == DW_R_DEPARTMENT)
        return dept_code;
    if (role == DW_R_BUSINESS) {
        /* 对口: the section that looks after the department; none configured:
           the comprehensive section, so nothing is left without an owner */
        const dw_cfg_section_t *s = dw_config_business_section(self->cfg, dept_code);
        if (s)
            return s->code;
    }
    const dw_cfg_section_t *s = dw_config_section_of_kind(self->cfg, section_kind_of(role));
    return s ? s->code : dw_r_role_name(role);
}

/* ---- who acts ------------------------------------------------------------ */

/* The one place identity is checked: the role comes from the section the
 * actor names, a section that lists its reviewers must list the actor, a
 * department acts on its own documents only and a business section on those
 * of the departments it looks after. Authenticated identity, when it comes,
 * replaces the action's own fields here. */
static int authorize(const dw_r_engine_t *self, const dw_r_document_t *d, const dw_r_action_t *a, dw_r_role_t *role,
                     dw_error_t *err)
{
    if (a->system) {
        *role = DW_R_SYSTEM;
        return 0;
    }
    *role = dw_r_role_of(self->cfg, a->section_code);
    if (*role == DW_R_DEPARTMENT) {
        if (!is(a->section_code, d->dept_code)) {
            dw_error_set(err, DW_E_RULE, "W-ROLE-003", "%s acts as department %s on a document of department %s",
                         a->actor, a->section_code, d->dept_code);
            return 1;
        }
        return 0;
    }
    if (!dw_config_section_allows(dw_config_section(self->cfg, a->section_code), a->actor)) {
        dw_error_set(err, DW_E_RULE, "W-ROLE-002", "%s is not a reviewer of section %s", a->actor, a->section_code);
        return 1;
    }
    if (*role == DW_R_BUSINESS) {
        const char *owner = dw_r_engine_holder(self, DW_R_BUSINESS, d->dept_code);
        if (!is(owner, a->section_code)) {
            dw_error_set(err, DW_E_RULE, "W-ROLE-003", "section %s does not look after department %s (%s does)",
                         a->section_code, d->dept_code, owner);
            return 1;
        }
    }
    return 0;
}

/* ---- deadlines ------------------------------------------------------------ */

/* The People's Congress date a state's 20 days run from: the budget section
 * approves targets within 20 days of the year's budget being approved, the
 * treasury approves self-evaluations within 20 days of the year's accounts
 * being approved (the next year). false when the state has none or the
 * configuration does not give the date. */
static bool anchor_of(const dw_r_engine_t *self, const dw_r_document_t *d, const char *state, dw_date_t *out)
{
    const dw_date_t *dates = NULL;
    size_t n = 0;
    int year = d->fiscal_year;
    if (is(d->doc_kind, "target_declaration") && is(state, "budget_approval")) {
        dates = self->cfg->route.budget_approved;
        n = self->cfg->route.n_budget_approved;
    } else if (is(d->doc_kind, "selfeval") && is(state, "treasury_approval")) {
        dates = self->cfg->route.accounts_approved;
        n = self->cfg->route.n_accounts_approved;
        year++;
    }
    for (size_t i = 0; i < n; i++)
        if (dates[i].year == year) {
            *out = dates[i];
            return true;
        }
    return false;
}

static void set_due(const dw_r_engine_t *self, dw_r_document_t *d, const dw_r_step_t *step, const char *state)
{
    dw_date_t anchor;
    d->has_due = true;
    if (step->due == DW_R_DUE_WORKDAYS)
        d->due = dw_calendar_add_workdays(self->calendar, self->as_of, step->due_n);
    else if (step->due == DW_R_DUE_DAYS)
        d->due = dw_date_add_days(anchor_of(self, d, state, &anchor) ? anchor : self->as_of, step->due_n);
    else
        d->has_due = false;
}

/* ---- steps ---------------------------------------------------------------- */

/* Actions that hand a round in: the one who takes them may not sign it off,
 * and each after the first starts a new round. */
static bool is_submission(const char *action)
{
    return is(action, "submit") || is(action, "revise") || is(action, "report_rectification") || is(action, "propose");
}

static const char *actor_of(const dw_r_action_t *a)
{
    return a->system ? "dw-route" : a->actor;
}

/* Who a round's submitter is for the rules: a person of the bureau by name,
 * a department as a whole (its own people are not known to the bureau, and a
 * form its system sends and a recall one of its staff sends are the same
 * department's). */
static const char *identity_of(const dw_r_action_t *a, dw_r_role_t role, const dw_r_document_t *d)
{
    return role == DW_R_DEPARTMENT ? d->dept_code : actor_of(a);
}

static int record(dw_r_engine_t *self, dw_r_document_t *d, const dw_r_action_t *a, dw_r_role_t role, const char *from,
                  const char *title)
{
    dw_r_history_t h = {.action = a->action,
                        .actor = actor_of(a),
                        .section_code = a->system ? "system" : a->section_code,
                        .role = dw_r_role_name(role),
                        .from_state = from,
                        .title = title,
                        .opinion = a->opinion,
                        .comment = a->comment,
                        .decision = d->decision[0] ? d->decision : NULL,
                        .upstream = a->upstream ? a->upstream : "route",
                        .upstream_seq = a->upstream_seq,
                        .as_of = self->as_of};
    return dw_r_docs_history(self->docs, d, &h);
}

/* The holder's task: the old one closes, the next holder's opens (none
 * once the document is closed). */
static int move_task(dw_r_engine_t *self, dw_r_document_t *d, const char *old_holder, const char *summary)
{
    if (d->task_id) {
        if (dw_r_docs_task_close(self->docs, d->task_id, d->state) != 0 ||
            dw_r_task_event(self, d, d->task_id, d->closed ? "closed" : "acted", old_holder, summary) != 0)
            return -1;
        d->task_id = 0;
    }
    if (d->closed || is(d->holder_role, "system"))
        return 0; /* dw-route waits for a fact (an ack, an adjustment): nobody's task */
    d->task_id = dw_r_engine_next_task(self);
    return dw_r_docs_task_open(self->docs, d, d->task_id, d->doc_kind, d->holder_code, summary) ||
                   dw_r_task_event(self, d, d->task_id, "opened", NULL, summary)
               ? -1
               : 0;
}

static void summary_of(const dw_r_procedure_t *p, const dw_r_document_t *d, char *out, size_t n)
{
    const dw_r_state_t *st = dw_r_state(p, d->state);
    char due[11] = "";
    if (d->has_due)
        dw_date_format(d->due, due);
    snprintf(out, n, "%s：%s，%s%s%s%s", p->title, d->title, st ? st->title : d->state, d->has_due ? "，请于 " : "",
             due, d->has_due ? " 前办理" : "");
}

static int refuse_decision(dw_error_t *err, const char *action)
{
    dw_error_set(
        err, DW_E_RULE, "W-DECISION-001",
        "%s needs a decision: reduce_budget (调减预算并调整绩效目标), adjust_targets (调整绩效目标) or suspend "
        "(暂停实施并停止拨付)",
        action);
    return 1;
}

int dw_r_engine_act(dw_r_engine_t *self, dw_r_document_t *d, const dw_r_action_t *a, dw_error_t *err)
{
    const dw_r_procedure_t *p = dw_r_procedure(d->doc_kind);
    if (!p) {
        dw_error_set(err, DW_E_RULE, "W-STATE-002", "no procedure for documents of kind %s", d->doc_kind);
        return 1;
    }
    dw_r_role_t role;
    int rc = authorize(self, d, a, &role, err);
    if (rc != 0)
        return rc;
    const char *decision = a->decision;
    if (is(d->doc_kind, "deviation_case") && (is(a->action, "propose") || is(a->action, "decide"))) {
        if (!decision && is(a->action, "decide") && d->decision[0])
            decision = d->decision; /* the comprehensive section confirms the proposal */
        if (!decision)
            return refuse_decision(err, a->action);
    }
    dw_r_doc_t view = {.state = d->state,
                       .submitted_by = d->submitted_by[0] ? d->submitted_by : NULL,
                       .submitted_from = d->submitted_from[0] ? d->submitted_from : NULL,
                       .next_step_acted = d->next_step_acted};
    dw_r_request_t req = {.action = a->action,
                          .role = role,
                          .actor = identity_of(a, role, d),
                          .to_state = a->to_state,
                          .has_reason = (a->opinion && *a->opinion) || (a->comment && *a->comment)};
    const char *end = NULL;
    const dw_r_step_t *step = dw_r_decide(p, &view, &req, &end, err);
    if (!step)
        return 1;

    char from[32];
    snprintf(from, sizeof from, "%s", d->state);
    if (is(step->from, "*")) {
        /* a reminder or a missed date: nothing moves */
        bool overdue = is(a->action, "overdue");
        if (overdue) {
            d->overdue_for = d->due;
            d->has_overdue = true;
        } else {
            d->reminded_for = d->due;
            d->has_reminded = true;
        }
        d->dirty = true;
        return record(self, d, a, role, from, step->title) || dw_r_effect_deadline(self, d, overdue) ? -1 : 0;
    }

    if (is_submission(a->action)) {
        if (d->submitted_by[0])
            d->round++;
        snprintf(d->submitted_by, sizeof d->submitted_by, "%s", identity_of(a, role, d));
        snprintf(d->submitted_from, sizeof d->submitted_from, "%s", from);
        d->next_step_acted = false;
    } else if (!a->system && !is(a->action, "recall")) {
        d->next_step_acted = true;
    }
    if (is(d->doc_kind, "monitor_report") && strncmp(a->action, "pass_", 5) == 0)
        snprintf(d->decision, sizeof d->decision, "%s", a->action + 5); /* the correction opinion */
    else if (decision && decision != d->decision && is(d->doc_kind, "deviation_case"))
        snprintf(d->decision, sizeof d->decision, "%s", decision);

    const dw_r_state_t *st = dw_r_state(p, end);
    char old_holder[DW_R_CODE];
    snprintf(old_holder, sizeof old_holder, "%s", d->holder_code);
    snprintf(d->state, sizeof d->state, "%s", end);
    snprintf(d->holder_role, sizeof d->holder_role, "%s", dw_r_role_name(st->holder));
    snprintf(d->holder_code, sizeof d->holder_code, "%s", dw_r_engine_holder(self, st->holder, d->dept_code));
    set_due(self, d, step, end);
    d->closed = st->final;
    d->dirty = true;

    char summary[1024];
    summary_of(p, d, summary, sizeof summary);
    if (record(self, d, a, role, from, step->title) != 0 || move_task(self, d, old_holder, summary) != 0 ||
        dw_r_effect(self, d, step, a) != 0)
        return -1;
    dw_log_info(d->doc_id, "%s %s: %s -> %s (%s, %s)", d->doc_kind, a->action, from, d->state, actor_of(a),
                d->holder_code);
    return 0;
}

/* Who may open a document by an action (the others are opened by what
 * arrives: a declaration, a form, a self-evaluation, a red alert, a
 * monitoring round). */
static bool may_open(const char *doc_kind, dw_r_role_t role)
{
    if (is(doc_kind, "deviation_case"))
        return role == DW_R_BUSINESS;
    if (is(doc_kind, "reevaluation") || is(doc_kind, "results_summary"))
        return role == DW_R_COMPREHENSIVE;
    return false;
}

static int check_open(const dw_r_engine_t *self, const dw_r_document_t *d, const dw_r_action_t *a, dw_r_role_t *role,
                      dw_error_t *err)
{
    const dw_r_procedure_t *p = dw_r_procedure(d->doc_kind);
    if (!p) {
        dw_error_set(err, DW_E_RULE, "W-STATE-002", "no procedure for documents of kind %s", d->doc_kind);
        return 1;
    }
    int rc = authorize(self, d, a, role, err);
    if (rc != 0)
        return rc;
    if (!a->system && !may_open(d->doc_kind, *role)) {
        dw_error_set(err, DW_E_RULE, "W-OPEN-001", "%s (%s) cannot open a %s (%s)", a->section_code,
                     dw_r_role_name(*role), p->title, d->doc_kind);
        return 1;
    }
    return 0;
}

int dw_r_engine_check_open(const dw_r_engine_t *self, const dw_r_document_t *d, const dw_r_action_t *a, dw_error_t *err)
{
    dw_r_role_t role;
    return check_open(self, d, a, &role, err);
}

int dw_r_engine_open(dw_r_engine_t *self, dw_r_document_t *d, const dw_r_action_t *a, const dw_date_t *due,
                     dw_error_t *err)
{
    dw_r_role_t role;
    int rc = check_open(self, d, a, &role, err);
    if (rc != 0)
        return rc;
    const dw_r_procedure_t *p = dw_r_procedure(d->doc_kind);
    const dw_r_state_t *st = dw_r_state(p, p->initial);
    snprintf(d->state, sizeof d->state, "%s", st->name);
    snprintf(d->holder_role, sizeof d->holder_role, "%s", dw_r_role_name(st->holder));
    snprintf(d->holder_code, sizeof d->holder_code, "%s", dw_r_engine_holder(self, st->holder, d->dept_code));
    d->has_due = due != NULL;
    if (due)
        d->due = *due;
    d->dirty = true;
    char title[160], summary[1024];
    snprintf(title, sizeof title, "新建%s", p->title);
    summary_of(p, d, summary, sizeof summary);
    if (record(self, d, a, role, "new", title) != 0 ||
        (!a->no_task && move_task(self, d, d->holder_code, summary) != 0))
        return -1;
    dw_log_info(d->doc_id, "%s opened in %s for %s", d->doc_kind, d->state, d->holder_code);
    return 0;
}
