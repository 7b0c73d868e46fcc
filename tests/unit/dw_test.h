/* dw_test — the smallest test harness: checks that report file:line and
 * carry on, and a summary exit code for CTest. Expected values in tests are
 * worked out by hand and written in, never computed by the code under test. */
#ifndef DW_TEST_H
#define DW_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int dw_test_failures;
static int dw_test_checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        dw_test_checks++;                                                            \
        if (!(cond)) {                                                               \
            dw_test_failures++;                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_INT(got, want)                                                                     \
    do {                                                                                         \
        long long g_ = (long long)(got), w_ = (long long)(want);                                 \
        dw_test_checks++;                                                                        \
        if (g_ != w_) {                                                                          \
            dw_test_failures++;                                                                  \
            fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); \
        }                                                                                        \
    } while (0)

#define CHECK_STR(got, want)                                                                                    \
    do {                                                                                                        \
        const char *g_ = (got), *w_ = (want);                                                                   \
        dw_test_checks++;                                                                                       \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                                                \
            dw_test_failures++;                                                                                 \
            fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, g_ ? g_ : "(null)", \
                    w_ ? w_ : "(null)");                                                                        \
        }                                                                                                       \
    } while (0)

#define DW_TEST_DONE()                                                                             \
    do {                                                                                           \
        fprintf(stderr, "%s: %d checks, %d failed\n", __FILE__, dw_test_checks, dw_test_failures); \
        return dw_test_failures ? 1 : (dw_test_checks ? 0 : 1);                                    \
    } while (0)

#endif
