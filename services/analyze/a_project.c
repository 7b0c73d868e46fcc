#include "a_project.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

void dw_a_project_init(dw_a_project_t *p, int fiscal_year, const char *project_code)
{
    memset(p, 0, offsetof(dw_a_project_t, indicators));
    p->fiscal_year = fiscal_year;
    snprintf(p->project_code, sizeof p->project_code, "%s", project_code ? project_code : "");
}

void dw_a_exec_rate(const dw_a_project_t *p, int64_t *num, int64_t *den)
{
    *num = p->paid_fen;
    /* a budget cut to nothing (or no line) has no rate: den 0 tells the caller */
    *den = p->budget_fen > 0 ? p->budget_fen : 0;
}

void dw_a_project_paid_total(dw_a_project_t *p)
{
    p->paid_fen = 0;
    for (int m = 1; m <= 12; m++)
        p->paid_fen += p->paid_by_month[m] - p->reversed_by_month[m];
    p->over_budget_fen = p->paid_fen > p->budget_fen ? p->paid_fen - p->budget_fen : 0;
}

size_t dw_a_project_size(const dw_a_project_t *p)
{
    return offsetof(dw_a_project_t, indicators) + p->n_indicators * sizeof p->indicators[0];
}
