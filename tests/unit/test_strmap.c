/* unit.strmap — the hash map: put, get, growth past many keys, clear. */
#include <stdio.h>

#include "dw_strmap.h"
#include "dw_test.h"

typedef struct pos {
    long long budget, paid;
} pos_t;

int main(void)
{
    dw_strmap_t *m = dw_strmap_new(sizeof(pos_t));
    CHECK(m != NULL);
    bool created = false;
    pos_t *p = dw_strmap_put(m,
                             "P2026-101-001\x1f"
                             "2026",
                             &created);
    CHECK(p && created);
    CHECK_INT(p->budget, 0);
    p->budget = 100000000;
    p = dw_strmap_put(m,
                      "P2026-101-001\x1f"
                      "2026",
                      &created);
    CHECK(p && !created);
    CHECK_INT(p->budget, 100000000);
    CHECK(dw_strmap_get(m, "P2026-101-001\x1f"
                           "2025") == NULL);
    /* 10,000 keys: the table grows many times and keeps every value */
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "GK%08d", i);
        pos_t *q = dw_strmap_put(m, key, NULL);
        CHECK(q != NULL);
        if (q)
            q->paid = i;
    }
    CHECK_INT(dw_strmap_size(m), 10001);
    long long sum = 0;
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "GK%08d", i);
        pos_t *q = dw_strmap_get(m, key);
        sum += q ? q->paid : -1000000;
    }
    CHECK_INT(sum, 49995000); /* 0 + 1 + ... + 9999 */
    p = dw_strmap_get(m, "P2026-101-001\x1f"
                         "2026");
    CHECK(p && p->budget == 100000000);
    dw_strmap_clear(m);
    CHECK_INT(dw_strmap_size(m), 0);
    CHECK(dw_strmap_get(m, "GK00000001") == NULL);
    dw_strmap_destroy(&m);
    CHECK(m == NULL);
    DW_TEST_DONE();
}
