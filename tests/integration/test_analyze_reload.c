/* integration.analyze_reload — the analysis catalogue is data dw-analyze
 * reads again on SIGHUP.
 *
 * dw-analyze runs with its own copy of tests/integration/pipeline_rules.yaml
 * (超预算开支 on). A budget of 1,000,000.00 元 paid 1,100,000.00 raises the
 * alert. The copy is changed to switch over_budget off and dw-analyze gets
 * SIGHUP: it reloads, runs the day again under the new rules, and the alert
 * is cleared (the rule no longer applies). A broken copy (a threshold that is
 * not a number) on the next SIGHUP is refused with file:line: reason in the
 * log, the rules in force stay, and the service keeps running. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[n] = '\0';
    return buf;
}

static int write_all(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = strlen(text);
    int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

int main(void)
{
    const char *src = getenv("DW_SOURCE_DIR");
    char shipped[600], rules[128];
    snprintf(shipped, sizeof shipped, "%s/tests/integration/pipeline_rules.yaml", src ? src : ".");
    snprintf(rules, sizeof rules, "/tmp/dw-reload-rules.%d.yaml", (int)getpid());
    char *text = read_all(shipped);
    CHECK(text != NULL);
    if (!text)
        return 1;
    CHECK(write_all(rules, text) == 0);
    char extra[300];
    snprintf(extra, sizeof extra, "analyze:\n  rules_file: \"%s\"\n", rules);
    dw_harness_t h;
    if (dw_harness_start(&h, "analyze-reload", extra) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, dw_test_allocation("B-0001", 100000000), &a) == 0 && a.ok);
    CHECK(dw_test_send(dealer, dw_test_payment("T-0001", "GK2026000001", "2026-03-15", 110000000), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM alerts WHERE status = 'open' AND rule_id = 'over_budget'",
                                  1, 10000),
              1);

    /* over_budget off: "enabled: true" -> "enabled: false" (one character longer) */
    char *id = strstr(text, "id: over_budget\n");
    char *en = id ? strstr(id, "enabled: true") : NULL;
    CHECK(en != NULL);
    if (en) {
        size_t head = (size_t)(en - text);
        char *changed = malloc(strlen(text) + 2);
        CHECK(changed != NULL);
        if (changed) {
            memcpy(changed, text, head);
            strcpy(changed + head, "enabled: false");
            strcpy(changed + head + strlen("enabled: false"), en + strlen("enabled: true"));
            CHECK(write_all(rules, changed) == 0);
            free(changed);
        }
    }
    int pid = dw_test_service_pid(&h, "analyze");
    CHECK(pid > 1 && kill(pid, SIGHUP) == 0);
    CHECK_INT(dw_harness_wait_int(&h,
                                  "SELECT count(*) FROM alerts WHERE status = 'cleared' AND rule_id = 'over_budget' "
                                  "AND level = 'green'",
                                  1, 10000),
              1);
    CHECK(dw_test_log_lines(&h, "analyze", "SIGHUP: analysis rules reloaded from") == 1);

    /* a broken file: refused with file:line: reason, the rules in force stay */
    CHECK(write_all(rules, "version: 1\ntime_progress: [\n") == 0);
    CHECK(kill(pid, SIGHUP) == 0);
    dw_harness_sleep_ms(1000);
    CHECK(dw_test_log_lines(&h, "analyze", "SIGHUP: analysis rules not reloaded, the old ones stay in force") == 1);
    CHECK(kill(pid, 0) == 0);
    /* still working, under the rules in force: one more payment on the same project (paid 1,100,001.00 of
     * 1,000,000.00) is counted, and over_budget, off, raises nothing */
    CHECK(dw_test_send(dealer, dw_test_payment("T-0002", "GK2026000002", "2026-03-16", 100), &a) == 0 && a.ok);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM project_days", 2, 10000), 2);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM alerts WHERE status = 'open'"), 0);

    zmq_close(dealer);
    free(text);
    unlink(rules);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0);
    DW_TEST_DONE();
}
