/* dw_a_catalogue — the analysis rule catalogue (deploy/analysis_rules.yaml):
 * time progress, the monitoring forms' periods and due dates (seed 001), each
 * deviation rule's thresholds, message template and recommended disposition
 * (seed 000 §9, §13), the score weights and grade bands (seed 002 §37), and
 * the checkpoints and thresholds of the rewards, deductions and recoveries
 * recommended to the budget section (seed 003 §13; optional section).
 *
 * Data, not code: loaded at start and on SIGHUP (a bad file on reload keeps
 * the old catalogue and says why). Anything wrong stops a start with
 * "file:line: reason": malformed YAML, an unknown key, a rule id the code does
 * not know, a known rule left out, a threshold the rule needs missing or not a
 * decimal, thresholds out of order (red below yellow), an unknown placeholder. */
#ifndef DW_A_CATALOGUE_H
#define DW_A_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "a_time.h"
#include "dw_money.h"

#define DW_A_MAX_THRESHOLDS 6
#define DW_A_MAX_FORMS      12

typedef enum { DW_A_TIMELINESS, DW_A_COMPLIANCE, DW_A_EFFECTIVENESS } dw_a_category_t;

/* 000 §13: the two dispositions. NONE for green and blue. */
typedef enum {
    DW_A_DISPOSE_NONE,
    DW_A_DISPOSE_OBJECTIVE, /* 客观因素: 调减预算，同步调整绩效目标 */
    DW_A_DISPOSE_SERIOUS,   /* 严重问题: 暂停项目实施，调减预算，停止拨付 */
} dw_a_disposition_t;

/* The rules the code knows, in evaluation order. */
typedef enum {
    DW_A_RULE_EXEC_TIME,          /* 预算执行进度 vs 序时进度 (+ size gate) */
    DW_A_RULE_INDICATOR_POSITIVE, /* 正向指标 ≥ > */
    DW_A_RULE_INDICATOR_REVERSE,  /* 反向指标 ≤ < */
    DW_A_RULE_INDICATOR_EQUAL,    /* = */
    DW_A_RULE_INDICATOR_QUAL,     /* 定性: 达成 / 部分达成 / 未达成 */
    DW_A_RULE_PROJECTION,         /* 全年预计 below target: yellow; 完全不可能: red */
    DW_A_RULE_UNSPENT,            /* 预计结转结余 from the form's projected execution */
    DW_A_RULE_CARRY_OVER,         /* 上年结转 large and still unspent by a date */
    DW_A_RULE_IDLE_NEW,           /* 当年新增 with no payment N days after approval (前期准备不充分) */
    DW_A_RULE_NO_BUDGET,          /* 无预算开支 */
    DW_A_RULE_OVER_BUDGET,        /* 超预算开支 */
    DW_A_RULE_ON_HOLD,            /* payment on a held project */
    DW_A_RULE_ECON_MISMATCH,      /* economic code outside the lines' (挤占挪用?) */
    DW_A_RULE_FORM_OVERDUE,       /* 监控表 not submitted by its due date */
    DW_A_RULE_FORM_NO_CAUSE,      /* a red/yellow indicator on a form with no deviation cause */
    DW_A_RULE_RECONCILIATION,     /* 国库 control totals differ from what was stored */
    DW_A_RULE_TASK_OVERDUE,       /* a workflow step the department holds is past its due date (dw-route) */
    DW_A_N_RULES
} dw_a_rule_kind_t;

typedef struct dw_a_threshold {
    const char *name; /* e.g. "red_below" */
    dw_decimal_t value;
} dw_a_threshold_t;

typedef struct dw_a_rule {
    dw_a_rule_kind_t kind;
    const char *id; /* "exec_time", ... as in the file */
    dw_a_category_t category;
    const char *title; /* the seed's term, e.g. 预算执行进度滞后 */
    bool enabled;
    dw_a_threshold_t thresholds[DW_A_MAX_THRESHOLDS];
    size_t n_thresholds;
    const char *message; /* template with {placeholders} */
    dw_a_disposition_t on_yellow, on_red;
    int line;
} dw_a_rule_t;

/* One monitoring round (001): the form for months 1..period_month is due on
 * due_month/due_day of the same year. */
typedef struct dw_a_form_round {
    int period_month;
    int due_month, due_day;
    const char *purpose; /* 提示警示 / 纠偏纠错和调整处置 / 督促完成 */
} dw_a_form_round_t;

typedef struct dw_a_score_cfg {
    /* Points of the 100 (002 §37 practice): 预算执行 10, 产出 50, 效益 30, 满意度 10. */
    dw_decimal_t execution, output, effect, satisfaction;
    /* Grade floors: 优 ≥ excellent, 良 ≥ good, 中 ≥ fair, else 差. */
    dw_decimal_t excellent, good, fair;
} dw_a_score_cfg_t;

#define DW_A_MAX_CHECKPOINTS 12

/* 奖惩与收回 (seed 003 §13): on each checkpoint date dw-analyze recommends
 * (never carries out) a deduction from slow departments with low target
 * completion, a reward for fast ones with high completion, and the recovery of
 * project money its monitoring form says cannot be spent this year. Percents
 * are points ("60" is 60 %); what the figures mean is in a_incentives.h. */
typedef struct dw_a_incentives_cfg {
    bool present; /* false: the file has no incentives: section, nothing is recommended */
    struct {
        int month, day; /* 02-29 counts as 02-28 in a common year */
    } checkpoints[DW_A_MAX_CHECKPOINTS];
    size_t n_checkpoints;  /* 0: never */
    const char *recipient; /* the section code the recommendations go to (notice.<recipient>.) */
    dw_decimal_t deduct_exec_below, deduct_completion_below, deduct_share;
    dw_decimal_t reward_exec_from, reward_completion_from;
    dw_decimal_t recover_unspent_above;
    bool recover_impossible; /* an indicator 完全不可能 is a reason to recover too */
    int line;                /* of the section, 0 when absent */
} dw_a_incentives_cfg_t;

typedef struct dw_a_catalogue dw_a_catalogue_t;

dw_a_catalogue_t *dw_a_catalogue_load(const char *path, char *err, size_t errlen) __attribute__((warn_unused_result));
dw_a_catalogue_t *dw_a_catalogue_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* The copy of deploy/analysis_rules.yaml built into the program. */
dw_a_catalogue_t *dw_a_catalogue_builtin(char *err, size_t errlen) __attribute__((warn_unused_result));
void dw_a_catalogue_destroy(dw_a_catalogue_t **self_p);

const char *dw_a_catalogue_source(const dw_a_catalogue_t *self);
const dw_a_time_cfg_t *dw_a_catalogue_time(const dw_a_catalogue_t *self);
const dw_a_score_cfg_t *dw_a_catalogue_score(const dw_a_catalogue_t *self);
size_t dw_a_catalogue_forms(const dw_a_catalogue_t *self, const dw_a_form_round_t **rounds);
/* The incentives section (present false, no checkpoints, when the file has none). */
const dw_a_incentives_cfg_t *dw_a_catalogue_incentives(const dw_a_catalogue_t *self);
/* Whether d is one of the incentives' checkpoints (any year). */
bool dw_a_catalogue_is_checkpoint(const dw_a_catalogue_t *self, dw_date_t d);
/* Every known rule, by kind (never NULL for kind < DW_A_N_RULES). */
const dw_a_rule_t *dw_a_catalogue_rule(const dw_a_catalogue_t *self, dw_a_rule_kind_t kind);
const dw_a_rule_t *dw_a_catalogue_find(const dw_a_catalogue_t *self, const char *id);
/* A threshold of a rule, by name; the loader guarantees the ones the rule needs. */
dw_decimal_t dw_a_rule_threshold(const dw_a_rule_t *rule, const char *name);

const char *dw_a_category_name(dw_a_category_t c);       /* "timeliness" ... */
const char *dw_a_disposition_text(dw_a_disposition_t d); /* the seed's words, "" for NONE */

#endif
