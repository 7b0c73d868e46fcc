/* unit.pg_array — array literals for INSERT ... FROM unnest: quoting of the
 * characters the array syntax gives meaning to, NULL, bytea, the empty array.
 * (The integration tests send the same literals to a real server: hostile
 * text in every field comes back as it went in.) */
#include <string.h>

#include "dw_pg.h"
#include "dw_test.h"

int main(void)
{
    dw_pg_array_t a = DW_PG_ARRAY_INIT;
    CHECK(dw_pg_array_literal(&a) && strcmp(dw_pg_array_literal(&a), "{}") == 0);
    CHECK(dw_pg_array_text(&a, "late") != 0); /* closed: nothing may follow */
    dw_pg_array_free(&a);

    CHECK(dw_pg_array_text(&a, "预算股") == 0);
    CHECK(dw_pg_array_text(&a, NULL) == 0);
    CHECK(dw_pg_array_text(&a, "NULL") == 0); /* the word, quoted: text, not SQL NULL */
    CHECK(dw_pg_array_text(&a, "a\"b\\c,{d}") == 0);
    CHECK(dw_pg_array_text(&a, "") == 0);
    const char *lit = dw_pg_array_literal(&a);
    CHECK(lit != NULL);
    if (lit)
        CHECK_STR(lit, "{\"预算股\",NULL,\"NULL\",\"a\\\"b\\\\c,{d}\",\"\"}");
    dw_pg_array_free(&a);

    CHECK(dw_pg_array_int(&a, -9223372036854775807LL - 1) == 0);
    CHECK(dw_pg_array_int(&a, 42) == 0);
    lit = dw_pg_array_literal(&a);
    if (lit)
        CHECK_STR(lit, "{-9223372036854775808,42}");
    dw_pg_array_free(&a);

    const unsigned char raw[] = {0x81, 0x00, 0x22, 0x5c};
    CHECK(dw_pg_array_bytea(&a, raw, sizeof raw) == 0);
    CHECK(dw_pg_array_bytea(&a, raw, 0) == 0);
    lit = dw_pg_array_literal(&a);
    if (lit)
        CHECK_STR(lit, "{\"\\\\x8100225c\",\"\\\\x\"}");
    dw_pg_array_free(&a);

    const char *keys[] = {"GK\"1", "GK\\2"};
    dw_buf_t b = DW_BUF_INIT;
    CHECK(dw_pg_text_array(&b, keys, 2) == 0);
    CHECK_STR(b.data, "{\"GK\\\"1\",\"GK\\\\2\"}");
    dw_buf_free(&b);
    DW_TEST_DONE();
}
