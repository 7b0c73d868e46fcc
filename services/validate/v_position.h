/* dw_v_position — each project's position (its current budget, what was
 * paid on it net of reversals, how many budget lines it has) per fiscal year,
 * kept across batches. dw-validate is the only writer of budget_lines,
 * payments and reversals, so once loaded from them the totals are kept current
 * here by the handlers; a rolled-back batch forgets them all (they may count
 * what was never stored). */
#ifndef DW_V_POSITION_H
#define DW_V_POSITION_H

#include <stdbool.h>
#include <stdint.h>

#include "dw_pg.h"
#include "v_sql.h"

typedef struct dw_v_position {
    int64_t budget_fen; /* sum of the lines' current_fen */
    int64_t paid_fen;   /* payments minus reversals */
    int64_t n_lines;
} dw_v_position_t;

typedef struct dw_v_positions dw_v_positions_t;

/* Also held per project: the economic codes of its budget lines, for
 * 经济分类 checks of payments (read with the position, dropped by
 * dw_v_positions_forget_economic when lines are written). */

dw_v_positions_t *dw_v_positions_new(void);
void dw_v_positions_destroy(dw_v_positions_t **self_p);
void dw_v_positions_clear(dw_v_positions_t *self);

/* Makes sure the projects (years[i], codes[i]) are cached: those not seen
 * since the last clear are summed from the tables, two statements for all,
 * and a third for the economic codes of those not held. */
int dw_v_positions_load(dw_v_positions_t *self, dw_pg_t *pg, const dw_v_strs_t *years, const dw_v_strs_t *codes)
    __attribute__((warn_unused_result));
/* Budget lines were written: their economic codes are read again when next needed. */
void dw_v_positions_forget_economic(dw_v_positions_t *self);
/* Whether code is the economic code of one of the project's lines (loaded). */
bool dw_v_positions_economic_listed(const dw_v_positions_t *self, int64_t fiscal_year, const char *project_code,
                                    const char *code);
/* The project's economic codes as text for a message ("30201、30211"), "" when none. */
const char *dw_v_positions_economic_list(const dw_v_positions_t *self, int64_t fiscal_year, const char *project_code);

/* A cached position, or NULL when not loaded. Valid until the next load. */
dw_v_position_t *dw_v_positions_get(dw_v_positions_t *self, const char *project_code, int64_t fiscal_year);

#endif
