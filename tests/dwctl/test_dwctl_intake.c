/* dwctl.intake_sample — the sample data set through the real system: the
 * private cluster and the five real services (tests/integration's harness),
 * `dwctl send` of deploy/sample/sample.yaml, and `dwctl watch` on the alerts.
 * Every message must be stored (the repeated one answered duplicate), the
 * pipeline must hold every payment and budget line, the planted 超预算开支 and
 * 无预算开支 must come out as red compliance alerts, and a second send must
 * change nothing.
 *
 *   test_dwctl_intake DWCTL   (DW_SOURCE_DIR, DW_BUILD_DIR in the environment) */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dw_harness.h"
#include "dw_test.h"
#include "dwctl_child.h"

#define SAMPLE_MESSAGES 226 /* 16 allocations + 210 payments, one of them sent twice */
#define SAMPLE_PAYMENTS 209
#define SAMPLE_LINES    16

static int send_sample(const char *dwctl, dw_harness_t *h, const char *dir, const char *want_summary)
{
    char sample[600];
    snprintf(sample, sizeof sample, "%s/deploy/sample/sample.yaml", h->source_dir);
    char *argv[] = {(char *)dwctl, "send", "--endpoint", h->intake_ep, sample, NULL};
    dwctl_child_t child;
    CHECK(dwctl_child_start(&child, dir, argv) == 0);
    int code = dwctl_child_wait(&child, 40000);
    CHECK_INT(code, 0);
    char *out = dwctl_slurp(child.out_path);
    CHECK(dwctl_has_line(out, want_summary));
    if (code != 0 || !dwctl_has_line(out, want_summary))
        fprintf(stderr, "--- dwctl send:\n%s", out);
    free(out);
    return code;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_intake DWCTL\n");
        return 2;
    }
    const char *dwctl = argv[1];
    dw_harness_t h;
    if (dw_harness_start(&h, "dwctl-intake", NULL) != 0)
        return 1;
    char send_dir[300], watch_dir[300];
    snprintf(send_dir, sizeof send_dir, "%s/send", h.home);
    snprintf(watch_dir, sizeof watch_dir, "%s/watch", h.home);
    CHECK(mkdir(send_dir, 0755) == 0 && mkdir(watch_dir, 0755) == 0);

    /* Watch first: alerts are published once, to whoever is subscribed. */
    char *watch_argv[] = {(char *)dwctl,
                          "watch",
                          "--endpoint",
                          h.pub_ep,
                          "--replay-endpoint",
                          h.replay_ep,
                          "--topic",
                          "alert.red.compliance.",
                          "--count",
                          "2",
                          "--timeout-ms",
                          "30000",
                          NULL};
    dwctl_child_t watch;
    CHECK(dwctl_child_start(&watch, watch_dir, watch_argv) == 0);
    dw_harness_sleep_ms(500);

    char first[128];
    snprintf(first, sizeof first, "sent %d, stored %d, duplicate 1, refused 0, local errors 0, unanswered 0",
             SAMPLE_MESSAGES, SAMPLE_MESSAGES - 1);
    send_sample(dwctl, &h, send_dir, first);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), SAMPLE_MESSAGES - 1);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM payments", SAMPLE_PAYMENTS, 20000), SAMPLE_PAYMENTS);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM budget_lines", SAMPLE_LINES, 20000), SAMPLE_LINES);
    /* Paid once, not twice: the repeated T-000100 did not count again. */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments WHERE voucher_no = 'GK2026000100'"), 1);

    CHECK_INT(dwctl_child_wait(&watch, 30000), 0);
    char *out = dwctl_slurp(watch.out_path);
    CHECK(strstr(out, "alert.red.compliance.101.  raised  red  compliance  P2026-101-003") != NULL);
    CHECK(strstr(out, "实际 1,250,000.00 元") != NULL);
    CHECK(strstr(out, "alert.red.compliance.104.  raised  red  compliance  P2026-104-009") != NULL);
    if (dw_test_failures)
        fprintf(stderr, "--- dwctl watch:\n%s", out);
    free(out);

    char again[128];
    snprintf(again, sizeof again, "sent %d, stored 0, duplicate %d, refused 0, local errors 0, unanswered 0",
             SAMPLE_MESSAGES, SAMPLE_MESSAGES);
    send_sample(dwctl, &h, send_dir, again);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), SAMPLE_MESSAGES - 1);

    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
