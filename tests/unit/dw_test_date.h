/* dw_test_date — dates in tests: D(2026, 2, 28) and CHECK_DATE(got, y, m, d). */
#ifndef DW_TEST_DATE_H
#define DW_TEST_DATE_H

#include "dw_date.h"
#include "dw_test.h"

static inline dw_date_t D(int y, int m, int d)
{
    dw_date_t x = {y, m, d};
    return x;
}

#define CHECK_DATE(got, y, m, d) \
    do {                         \
        dw_date_t g2_ = (got);   \
        CHECK_INT(g2_.year, y);  \
        CHECK_INT(g2_.month, m); \
        CHECK_INT(g2_.day, d);   \
    } while (0)

#endif
