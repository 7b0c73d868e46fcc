/* dw_a_project — what the analysis knows of one project in one fiscal year:
 * its position (budget by source, paid by month), its current targets and
 * the latest monitoring form. Plain data: dw-analyze fills it from the
 * database (a_load), the rules (a_rules) and scores (a_score) read it, and the
 * scenario tests build it by hand. Money in fen, quantities exact decimals. */
#ifndef DW_A_PROJECT_H
#define DW_A_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_date.h"
#include "dw_money.h"

#define DW_A_MAX_INDICATORS 200 /* the contract's limit for a declaration */

typedef enum { DW_A_OP_GE, DW_A_OP_GT, DW_A_OP_EQ, DW_A_OP_LE, DW_A_OP_LT, DW_A_OP_QUALITATIVE } dw_a_op_t;
typedef enum { DW_A_L1_OUTPUT, DW_A_L1_EFFECT, DW_A_L1_SATISFACTION } dw_a_level1_t; /* 产出 效益 满意度 */
typedef enum { DW_A_LIKELY_NONE, DW_A_LIKELY_CERTAIN, DW_A_LIKELY_POSSIBLE, DW_A_LIKELY_IMPOSSIBLE } dw_a_likely_t;
/* Qualitative 达成 / 部分达成 / 未达成. */
typedef enum { DW_A_QUAL_NONE, DW_A_QUAL_MET, DW_A_QUAL_PARTLY, DW_A_QUAL_NOT_MET } dw_a_qual_t;

typedef struct dw_a_indicator {
    char code[40];
    char name[160]; /* 三级指标 */
    dw_a_level1_t level1;
    char level2[24]; /* 数量 质量 时效 成本 经济 社会 生态 可持续 满意度 */
    dw_a_op_t op;
    bool cumulative;      /* a count that grows through the year (scaled by time_progress) */
    dw_decimal_t target;  /* quantitative target (op != QUALITATIVE) */
    char target_text[64]; /* as declared, for messages */
    char unit[24];
    dw_decimal_t weight; /* points of the 100 */
    /* From the latest monitoring form, when it reports this indicator. */
    bool reported;
    bool has_value; /* the value to date is a number */
    dw_decimal_t value;
    dw_a_qual_t value_qual; /* qualitative indicators */
    char value_text[64];
    bool has_projected;
    dw_decimal_t projected; /* 全年预计完成 */
    dw_a_qual_t projected_qual;
    dw_a_likely_t likelihood;
    bool has_cause; /* at least one deviation cause chosen */
    /* From the latest self-evaluation (绩效自评), when it reports this indicator. */
    bool has_actual; /* the actual value is a number (or, qualitative, one of the three words) */
    dw_decimal_t actual;
    dw_a_qual_t actual_qual;
} dw_a_indicator_t;

typedef struct dw_a_project {
    int fiscal_year;
    char project_code[64];
    char project_name[160];
    char dept_code[40];
    char section_code[40]; /* the business section that looks after it */

    /* Budget: 年初 + 调整 + 调剂 = 变动后 (current), summed over the lines. */
    int64_t initial_fen, adjusted_fen, transferred_fen, budget_fen;
    int64_t annual_fen, special_fen, carry_over_fen; /* current, by source */
    bool has_budget;                                 /* at least one line */
    dw_date_t approved;                              /* the earliest line's approval date (0-0-0 if unknown) */
    bool new_this_year;                              /* no carry-over line: the project's money is this year's */

    /* Payments less reversals, by payment month (1..12), and in all to date. */
    int64_t paid_by_month[13]; /* [0] unused */
    int64_t reversed_by_month[13];
    int64_t paid_fen; /* sum(paid) - sum(reversed) up to the as-of date */
    bool has_payment;

    /* Open compliance conditions, from validation flags on stored payments. */
    int64_t no_budget_fen;     /* paid with no budget line (无预算开支) */
    int64_t over_budget_fen;   /* paid beyond the current budget (超预算开支): paid - budget when > 0 */
    int64_t on_hold_fen;       /* paid while the project was under a hold */
    int64_t econ_mismatch_fen; /* paid under an economic code not among the lines' (possible 挤占挪用) */

    /* Targets: the current declaration's indicators (level 3). */
    bool has_targets;
    int target_version;
    size_t n_indicators;

    /* The latest monitoring form (highest period, latest revision). */
    bool has_form;
    int form_period_month; /* 1-N月 */
    dw_date_t form_submitted;
    int64_t form_executed_fen, form_projected_fen; /* executed to date, projected full year */

    /* dw-route's documents the department holds past their due date (as of
     * the judgment): the earliest due date, and that document. */
    bool has_task_overdue;
    dw_date_t task_due;
    char task_doc[96]; /* "target_declaration TD-2026-P..." */

    /* The latest self-evaluation (year end): the department's own score. */
    bool has_selfeval;
    dw_decimal_t self_score;

    /* Last, and not zeroed by dw_a_project_init (it is large): entries
     * [0, n_indicators) are written whole when added. */
    dw_a_indicator_t indicators[DW_A_MAX_INDICATORS];
} dw_a_project_t;

/* Zeroes p (all but the indicator slots, which n_indicators = 0 leaves
 * unused) and sets the identity. */
void dw_a_project_init(dw_a_project_t *p, int fiscal_year, const char *project_code);

/* paid_fen and over_budget_fen from the months. */
void dw_a_project_paid_total(dw_a_project_t *p);

/* The bytes of p that are in use: everything before the indicators and the
 * indicators it has (for copies kept in memory). */
size_t dw_a_project_size(const dw_a_project_t *p);

/* exec_rate = paid ÷ budget as num/den (den 0 when there is no budget). */
void dw_a_exec_rate(const dw_a_project_t *p, int64_t *num, int64_t *den);

#endif
