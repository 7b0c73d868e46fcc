/* dw_a_score — the 100-point score and grade of seed 002 §37, from the
 * self-evaluation's actual values (year end) or, at a checkpoint, from the
 * monitoring form's projected full-year values (the in-year projected score).
 *
 * Points are exact: milli-points (1 point = 1000), rounded half up once per
 * indicator. Sections (catalogue: 预算执行 10, 产出 50, 效益 30, 满意度 10):
 *   预算执行  min(1, exec_rate) × its points;
 *   each indicator earns a share of its level-1 section's points in
 *   proportion to its declared weight among that section's indicators:
 *     positive (≥ >)  min(1, value ÷ target) × share;
 *     reverse (≤ <)   full within target, falling linearly to 0 at twice the
 *                     target: share × (2·target − value) ÷ target, clamped 0..1;
 *     equal (=)       as positive, except that with a target of 0 it earns the
 *                     full share only when the value is ≤ 0, else nothing;
 *     qualitative     达成 100 %, 部分达成 80 %, 未达成 60 % of the share (the top
 *                     of each band: 100-80 %, 80-60 %, 60-0 %);
 *   an indicator with no value earns 0; a section with no indicators earns 0.
 * Grade: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (bands from the catalogue). */
#ifndef DW_A_SCORE_H
#define DW_A_SCORE_H

#include <stdint.h>

#include "a_catalogue.h"
#include "a_project.h"

typedef enum { DW_A_GRADE_EXCELLENT, DW_A_GRADE_GOOD, DW_A_GRADE_FAIR, DW_A_GRADE_POOR } dw_a_grade_t;

typedef struct dw_a_score {
    int64_t execution_mp, output_mp, effect_mp, satisfaction_mp; /* milli-points */
    int64_t total_mp;
    dw_a_grade_t grade;
} dw_a_score_t;

/* Which value of each indicator counts. */
typedef enum {
    DW_A_SCORE_ACTUAL,    /* value (to date; the self-evaluation's actual at year end) */
    DW_A_SCORE_PROJECTED, /* projected full-year value, from the monitoring form */
    DW_A_SCORE_SELFEVAL,  /* the self-evaluation's actual values (year end); execution as paid */
} dw_a_score_basis_t;

/* exec_rate for the execution section: paid ÷ budget of p (PROJECTED: the
 * form's projected execution ÷ budget; SELFEVAL: paid, with each indicator's
 * self-evaluated actual value). */
dw_a_score_t dw_a_score_project(const dw_a_score_cfg_t *cfg, const dw_a_project_t *p, dw_a_score_basis_t basis);

const char *dw_a_grade_name(dw_a_grade_t g); /* "优" "良" "中" "差" */

#endif
