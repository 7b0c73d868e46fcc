/* dw_a_incentives — rewards, deductions and recoveries (奖惩与收回, seed 003
 * §13) recommended at a checkpoint of the catalogue (incentives:), from the
 * projects of a fiscal year judged by the rules at that date. Pure: no
 * database, no clock; dw-analyze feeds it a chunk of projects at a time and
 * writes and publishes what it decides. Recommendations only: nothing here or
 * downstream deducts, rewards or recovers money.
 *
 * Per department (a_figures' department sums; projects naming no department
 * are left out):
 *   支出进度比 exec ratio  timed_paid_fen ÷ timed_expected_fen: Σ paid ÷ Σ ⌊budget × 序时进度⌋ over
 *                         the projects exec_time judges; none when Σ expected is 0.
 *   目标完成率 completion  Σ weight of the reported indicators whose light is green or blue ÷ Σ weight
 *                         of the reported indicators (reported_weight − deviating_weight over
 *                         reported_weight); none when no weight is reported.
 *   deduct  exec ratio < exec_below % and completion < completion_below %: amount
 *           ⌊max(0, Σ budget − Σ paid) × share %⌋ fen.
 *   reward  exec ratio ≥ exec_from % and completion ≥ completion_from %: amount 0.
 *   A department without an exec ratio or a completion rate is neither.
 * Per project with a budget above 0 and a monitoring form:
 *   recover  projected unspent = max(0, budget − the form's projected full-year execution);
 *            projected unspent ÷ budget > unspent_above %, or (impossible) a reported indicator
 *            whose likelihood is 完全不可能: amount = the projected unspent.
 * Every comparison is exact (cross-multiplied); the basis points kept with a
 * recommendation are for people (rounded half up). */
#ifndef DW_A_INCENTIVES_H
#define DW_A_INCENTIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a_catalogue.h"
#include "a_project.h"
#include "a_rules.h"
#include "dw_date.h"

/* In the order a department's recommendations are listed. */
typedef enum { DW_A_INCENTIVE_DEDUCT, DW_A_INCENTIVE_REWARD, DW_A_INCENTIVE_RECOVER } dw_a_incentive_kind_t;

typedef struct dw_a_recommendation {
    dw_a_incentive_kind_t kind;
    char dept_code[40];
    char project_code[64]; /* "" for a department (deduct, reward) */
    int64_t amount_fen;    /* deduct: the share; recover: the projected unspent; reward: 0 */
    int64_t basis_fen;     /* deduct: the unspent budget; recover: the project's budget; reward: 0 */
    /* The figures it was decided on. */
    bool has_exec, has_completion, has_unspent;
    int64_t exec_bp;       /* department exec ratio */
    int64_t completion_bp; /* department target completion */
    int64_t unspent_bp;    /* recover: projected unspent ÷ budget */
    bool impossible;       /* recover: an indicator 完全不可能 */
    char thresholds[200];  /* e.g. "支出进度比 <60%，目标完成率 <60%，扣减比例 5%" */
    char title[200];       /* the notice's title */
    char text[2400];       /* Chinese, says it is a recommendation only */
} dw_a_recommendation_t;

typedef struct dw_a_incentives dw_a_incentives_t;

/* The recommendations of fiscal_year at checkpoint (judged at that date, with
 * cat's time progress and thresholds; cat is borrowed and must outlive it).
 * NULL when out of memory. */
dw_a_incentives_t *dw_a_incentives_new(const dw_a_catalogue_t *cat, int fiscal_year, dw_date_t checkpoint);
void dw_a_incentives_destroy(dw_a_incentives_t **self_p);

/* Adds project p (each once, before dw_a_incentives_decide) with its
 * findings[0..n) from dw_a_rules_evaluate at the checkpoint. 0; -1 with why
 * in err (another fiscal year, a sum beyond 64 bits, out of memory). */
int dw_a_incentives_add(dw_a_incentives_t *self, const dw_a_project_t *p, const dw_a_finding_t *findings, size_t n,
                        char *err, size_t errlen) __attribute__((warn_unused_result));

/* Decides the departments' recommendations once every project is added and
 * orders all of them by department, kind, project. 0; -1 with why in err. */
int dw_a_incentives_decide(dw_a_incentives_t *self, char *err, size_t errlen) __attribute__((warn_unused_result));

size_t dw_a_incentives_count(const dw_a_incentives_t *self);
const dw_a_recommendation_t *dw_a_incentives_item(const dw_a_incentives_t *self, size_t i);

const char *dw_a_incentive_kind_name(dw_a_incentive_kind_t k);   /* "deduct" "reward" "recover" */
const char *dw_a_incentive_notice_kind(dw_a_incentive_kind_t k); /* "deduct_recommendation" ... */

#endif
