/* dw_a_figures — the dashboard's figures (双监控看板): per project, per
 * department and for the whole bureau (全局, every department), from projects
 * already judged by the rules (a_rules) at one as-of date. Pure: no database,
 * no clock; dwctl dashboard feeds it a chunk of projects at a time.
 *
 * Definitions (sums in fen, overflow-checked; every ratio exact, basis points
 * rounded half up once, at the end):
 *
 *   监控项目数 monitored      projects with a budget line or declared targets.
 *   在监控资金 budget_fen     Σ budget_fen (变动后预算, current) of the monitored projects.
 *   已支付 paid_fen           Σ paid_fen (payments less reversals to date) of the monitored projects.
 *   监控外支付 unmonitored_paid_fen
 *                             Σ paid_fen of the other projects (paid with neither a budget line nor
 *                             targets: 无预算开支, counted here so that no payment drops out of sight).
 *   执行率 exec_rate_bp       Σ paid_fen ÷ Σ budget_fen; none (has_exec_rate false) when Σ budget_fen is 0.
 *   序时应支付 expected_fen   Σ ⌊budget_fen × time_progress⌋ over the monitored projects with a budget
 *                             above 0, rounded down per project (as exec_time's expected figure).
 *   执行总体偏离度 exec_deviation_bp (overall execution deviation)
 *                             = |Σ paid − Σ expected| ÷ Σ expected over the projects with time rules on:
 *                             the as-of date is on or after rules_from (time_progress.rules_on) and the
 *                             project has a budget above 0 — the projects exec_time judges. Those sums are
 *                             timed_paid_fen and timed_expected_fen; 0 when timed_expected_fen is 0
 *                             (before rules_from, or no budget). Paid above and below expected both count.
 *   执行偏离 红/黄 exec_red, exec_yellow
 *                             red / yellow findings of the timeliness (及时性) rules: exec_time, unspent,
 *                             carry_over, idle_new, form_overdue.
 *   目标偏离 红/黄 target_red, target_yellow
 *                             red / yellow findings of the effectiveness (有效性) rules: indicator_*,
 *                             projection, form_no_cause.
 *   合规 红/黄 compliance_red, compliance_yellow
 *                             red / yellow findings of the compliance (合规性) rules.
 *   指标总体偏离度 indicator_deviation_bp (overall indicator deviation)
 *                             = Σ weight of the reported indicators whose light (dw_a_indicator_light at
 *                             the time progress) is yellow or red ÷ Σ weight of the reported indicators
 *                             (reported: on the latest monitoring form); a negative weight counts 0;
 *                             0 when none is reported or their weights sum to 0. Blue (超额) is no deviation.
 *   灯 light                  a project's worst finding (dw_a_worst); a department's or the bureau's worst
 *                             project light.
 *   得分 score / 预计得分 projected_score (projects only)
 *                             dw_a_score_project with the catalogue's score weights: ACTUAL from the values
 *                             to date, PROJECTED from the monitoring form's projected full-year values;
 *                             each with its grade (优 良 中 差).
 *
 * Counts count findings, not projects: a project with two yellow indicators
 * adds 2 to target_yellow. A project's own figures follow the same
 * definitions over that one project. */
#ifndef DW_A_FIGURES_H
#define DW_A_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a_catalogue.h"
#include "a_project.h"
#include "a_rules.h"
#include "a_score.h"
#include "a_time.h"
#include "dw_wide.h"

/* The weights are summed exactly at this scale (10^-18 of a point). */
#define DW_A_WEIGHT_SCALE 18

/* The figures of a set of projects (one project, a department, the bureau). */
typedef struct dw_a_tally {
    size_t projects, monitored;
    int64_t budget_fen, paid_fen, unmonitored_paid_fen, expected_fen;
    bool has_exec_rate;
    int64_t exec_rate_bp;
    int64_t timed_paid_fen, timed_expected_fen;
    int64_t exec_deviation_bp;
    size_t exec_red, exec_yellow, target_red, target_yellow, compliance_red, compliance_yellow;
    size_t indicators_reported, indicators_deviating;
    dw_wide_t reported_weight, deviating_weight; /* at DW_A_WEIGHT_SCALE */
    int64_t indicator_deviation_bp;
    dw_a_light_t light;
} dw_a_tally_t;

typedef struct dw_a_dept_figures {
    char dept_code[40]; /* "-" for projects that name none */
    dw_a_tally_t tally;
} dw_a_dept_figures_t;

typedef struct dw_a_project_figures {
    char project_code[64];
    char project_name[160];
    char dept_code[40];
    dw_a_tally_t tally;
    dw_a_score_t score;           /* SELFEVAL when the project has a self-evaluation, else ACTUAL */
    dw_a_score_t projected_score; /* PROJECTED */
} dw_a_project_figures_t;

typedef struct dw_a_figures dw_a_figures_t;

/* Figures of fiscal_year at time progress tp (the as-of date's), judged with
 * cat (borrowed: it must outlive the figures). NULL when out of memory. */
dw_a_figures_t *dw_a_figures_new(const dw_a_catalogue_t *cat, int fiscal_year, dw_a_progress_t tp);
void dw_a_figures_destroy(dw_a_figures_t **self_p);

/* Adds project p (each project once) with its findings[0..n) from
 * dw_a_rules_evaluate at the same date. 0; -1 with why in err when p is of
 * another fiscal year, a sum or a ratio leaves int64, or memory runs out —
 * the figures are then unchanged. */
int dw_a_figures_add(dw_a_figures_t *self, const dw_a_project_t *p, const dw_a_finding_t *findings, size_t n, char *err,
                     size_t errlen) __attribute__((warn_unused_result));

dw_a_progress_t dw_a_figures_progress(const dw_a_figures_t *self);
/* The whole bureau: every project added. */
const dw_a_tally_t *dw_a_figures_bureau(const dw_a_figures_t *self);
/* Departments in ascending code order (byte order); i < dw_a_figures_dept_count. */
size_t dw_a_figures_dept_count(const dw_a_figures_t *self);
const dw_a_dept_figures_t *dw_a_figures_dept(const dw_a_figures_t *self, size_t i);
/* The department of that code, or NULL. */
const dw_a_dept_figures_t *dw_a_figures_find_dept(const dw_a_figures_t *self, const char *dept_code);
/* Projects in the order added; i < dw_a_figures_project_count. */
size_t dw_a_figures_project_count(const dw_a_figures_t *self);
const dw_a_project_figures_t *dw_a_figures_project(const dw_a_figures_t *self, size_t i);

#endif
