/* unit.error — coded errors: names, and messages cut only between characters. */
#include "dw_error.h"
#include "dw_scan.h"
#include "dw_test.h"

int main(void)
{
    CHECK_STR(dw_code_name(DW_E_TOO_BIG), "too_big");
    CHECK_STR(dw_code_name(DW_E_CONFLICT), "conflict");
    CHECK_STR(dw_code_name((dw_code_t)9999), "unknown");

    dw_error_t err;
    CHECK_INT(dw_error_set(&err, DW_E_RULE, "body.amount_fen", "%s", "超预算开支"), DW_E_RULE);
    CHECK_STR(err.message, "超预算开支");
    CHECK_STR(err.field, "body.amount_fen");

    /* 100 three-byte characters (300 bytes) into a 256-byte message: 255 bytes
     * fit, which is 85 whole characters = 255 bytes exactly; with one ASCII byte
     * in front, 254 bytes are left for 84 whole characters (252 bytes) + 2 cut. */
    char big[400] = "x";
    for (int i = 0; i < 100; i++)
        strcat(big, "预");
    dw_error_set(&err, DW_E_RULE, NULL, "%s", big);
    CHECK_INT(strlen(err.message), 1 + 84 * 3);
    CHECK(dw_utf8_valid(err.message, strlen(err.message)));
    CHECK_STR(err.field, "");
    DW_TEST_DONE();
}
