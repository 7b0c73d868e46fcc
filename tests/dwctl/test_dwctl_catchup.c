/* dwctl.catchup — `dwctl watch` catching up through replay, against the
 * private cluster and the five real services (tests/integration's harness).
 *
 * Every project gets a budget line of 1,000,000.00 元 and one payment of
 * 1,100,000.00 元: over budget, so dw-analyze raises one red compliance alert
 * (超预算开支) and dw-route opens one deviation case, in the order the projects
 * are sent. Project k is alert #k and task #k. Projects 9 and 12 are of
 * department 102 (社会保障股), the rest of 101 (教科文股).
 *
 *   A  projects 1-3 published, then a watch with --from-start on alert. and
 *      task.: 1-3 printed from the replay, in order, then 4-5 live, each once;
 *   C  a watch without a start, 5 events old: only project 6, sent while it
 *      runs, is printed (and it ends cleanly on SIGTERM);
 *   B  a watch --since alert=5 prints 6 (replayed) and 7 (live), is stopped by
 *      SIGTERM; 8 and 9 are published meanwhile; restarted --since alert=7 it
 *      prints exactly 8 and 9, then 10 live;
 *   D  --from-start on alert.red.compliance.102. prints 9 (replayed through
 *      the prefix) and 12 live, none of 101's.
 *
 *   test_dwctl_catchup DWCTL   (DW_SOURCE_DIR, DW_BUILD_DIR in the environment) */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_msg.h"
#include "dw_producer.h"
#include "dw_test.h"
#include "dwctl_child.h"

#define WAIT_MS   20000
#define SETTLE_MS 300 /* after a watch's first line, before publishing what it must get live */

static const char *dept_of(int k)
{
    return k == 9 || k == 12 ? "102" : "101";
}

/* The budget line and the over-budget payment of project k. */
static void send_project(void *dealer, int k)
{
    const char *dept = dept_of(k);
    char id[32], project[32], line[32], unit[16], voucher[32];
    snprintf(project, sizeof project, "P2026-%s-%03d", dept, k);
    snprintf(line, sizeof line, "ZB2026-%s-%04d", dept, k);
    snprintf(unit, sizeof unit, "%s001", dept);

    snprintf(id, sizeof id, "B-%04d", k);
    dw_msg_t *m = dw_msg_new("budget.allocation", id, "budget", DW_TEST_TS);
    dw_obj_t *b = dw_msg_body(m);
    int bad = dw_obj_set_str(b, "line_id", line) | dw_obj_set_int(b, "fiscal_year", 2026) |
              dw_obj_set_str(b, "dept_code", dept) | dw_obj_set_str(b, "unit_code", unit) |
              dw_obj_set_str(b, "project_code", project) | dw_obj_set_str(b, "project_name", "运行监控测试项目") |
              dw_obj_set_str(b, "kind", "project") | dw_obj_set_str(b, "fund_type", "general") |
              dw_obj_set_str(b, "source", "annual") | dw_obj_set_str(b, "function_code", "2050202") |
              dw_obj_set_str(b, "economic_code", "31002") |
              dw_obj_set_str(b, "section_code", strcmp(dept, "101") == 0 ? "biz_edu" : "biz_social") |
              dw_obj_set_int(b, "initial_fen", 100000000) | dw_obj_set_int(b, "adjusted_fen", 0) |
              dw_obj_set_int(b, "transferred_fen", 0) | dw_obj_set_int(b, "current_fen", 100000000);
    CHECK(bad == DW_OK);
    dw_test_ack_t a;
    CHECK(dw_test_send(dealer, m, &a) == 0 && a.ok && !a.dup);

    snprintf(id, sizeof id, "T-%04d", k);
    snprintf(voucher, sizeof voucher, "GK2026%06d", k);
    m = dw_msg_new("treasury.payment", id, "treasury", DW_TEST_TS);
    b = dw_msg_body(m);
    bad = dw_obj_set_str(b, "voucher_no", voucher) | dw_obj_set_int(b, "fiscal_year", 2026) |
          dw_obj_set_str(b, "payment_date", "2026-06-30") | dw_obj_set_str(b, "dept_code", dept) |
          dw_obj_set_str(b, "unit_code", unit) | dw_obj_set_str(b, "project_code", project) |
          dw_obj_set_str(b, "line_id", line) | dw_obj_set_str(b, "function_code", "2050202") |
          dw_obj_set_str(b, "economic_code", "31002") | dw_obj_set_int(b, "amount_fen", 110000000) |
          dw_obj_set_str(b, "method", "direct") | dw_obj_set_str(b, "payee", "会昌县第一建筑工程公司");
    CHECK(bad == DW_OK);
    CHECK(dw_test_send(dealer, m, &a) == 0 && a.ok && !a.dup);
}

/* Waits until the outbox holds `want` events of stream. */
static void await_outbox(dw_harness_t *h, const char *stream, int want)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT coalesce(max(seq), 0) FROM outbox WHERE stream = '%s'", stream);
    CHECK_INT(dw_harness_wait_int(h, sql, want, WAIT_MS), want);
}

/* Waits until the child's stdout holds needle. */
static bool await_output(const dwctl_child_t *c, const char *needle)
{
    for (int64_t deadline = dw_mono_ms() + WAIT_MS; dw_mono_ms() < deadline;) {
        char *out = dwctl_slurp(c->out_path);
        bool found = strstr(out, needle) != NULL;
        free(out);
        if (found)
            return true;
        dw_harness_sleep_ms(20);
    }
    fprintf(stderr, "no \"%s\" from dwctl watch within %d ms\n", needle, WAIT_MS);
    return false;
}

/* How many lines of text start with prefix. */
static int count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        n += strncmp(p, prefix, len) == 0;
    return n;
}

/* The start of the lines for project k's alert and task, as dwctl_event
 * writes them: stream padded to 6, "#seq" padded to 4, the topic. */
static void alert_line(int k, char *out, size_t n)
{
    snprintf(out, n, "alert  #%d%s alert.red.compliance.%s.  raised  red  compliance  P2026-%s-%03d  over_budget  ", k,
             k < 10 ? "  " : " ", dept_of(k), dept_of(k), k);
}

static void task_line(int k, char *out, size_t n)
{
    snprintf(out, n, "task   #%d%s task.%s.  opened deviation_case %s P2026-%s-%03d ", k, k < 10 ? "  " : " ",
             strcmp(dept_of(k), "101") == 0 ? "biz_edu" : "biz_social", dept_of(k), dept_of(k), k);
}

/* The alerts (and tasks, when tasks) printed are exactly projects from..to
 * (skipping those of skip_dept), each once and in order. */
static void check_exactly(const char *out, int from, int to, bool tasks, const char *only_dept)
{
    int alerts = 0, n_tasks = 0;
    const char *prev_alert = out, *prev_task = out;
    for (int k = from; k <= to; k++) {
        if (only_dept && strcmp(dept_of(k), only_dept) != 0)
            continue;
        char want[200];
        alert_line(k, want, sizeof want);
        CHECK_INT(count_lines(out, want), 1);
        const char *at = strstr(out, want);
        CHECK(at && at >= prev_alert);
        prev_alert = at ? at : prev_alert;
        alerts++;
        if (tasks) {
            task_line(k, want, sizeof want);
            CHECK_INT(count_lines(out, want), 1);
            at = strstr(out, want);
            CHECK(at && at >= prev_task);
            prev_task = at ? at : prev_task;
            n_tasks++;
        }
    }
    CHECK_INT(count_lines(out, "alert "), alerts);
    CHECK_INT(count_lines(out, "task "), n_tasks);
    CHECK_INT(count_lines(out, "warning"), 0);
    CHECK(strstr(out, "repaired") == NULL); /* nothing was lost live */
}

static void show(const char *what, const dwctl_child_t *c)
{
    if (!dw_test_failures)
        return;
    char *out = dwctl_slurp(c->out_path), *err = dwctl_slurp(c->err_path);
    fprintf(stderr, "--- dwctl watch (%s) stdout:\n%s--- stderr:\n%s", what, out, err);
    free(out);
    free(err);
}

/* Starts `dwctl watch` against h with the arguments given after the endpoints. */
static int start_watch(dwctl_child_t *c, const char *dwctl, dw_harness_t *h, const char *name, char **args)
{
    char dir[240]; /* dwctl_child_start adds "/stdout" within 256 */
    snprintf(dir, sizeof dir, "%.200s/%.30s", h->home, name);
    if (mkdir(dir, 0755) != 0)
        return -1;
    char *argv[20] = {(char *)dwctl, "watch", "--endpoint", h->pub_ep, "--replay-endpoint", h->replay_ep};
    size_t n = 6;
    for (size_t i = 0; args[i] && n < 19; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    return dwctl_child_start(c, dir, argv);
}

static void stop_watch(dwctl_child_t *c)
{
    if (c->pid > 1)
        kill(c->pid, SIGTERM);
    CHECK_INT(dwctl_child_wait(c, WAIT_MS), 0); /* SIGTERM is a clean end */
}

static void phase_from_start(const char *dwctl, dw_harness_t *h, void *dealer)
{
    for (int k = 1; k <= 3; k++)
        send_project(dealer, k);
    await_outbox(h, "alert", 3);
    await_outbox(h, "task", 3);
    char *args[] = {"--topic", "alert.", "--topic",      "task.", "--from-start",
                    "--count", "10",     "--timeout-ms", "30000", NULL};
    dwctl_child_t w;
    CHECK(start_watch(&w, dwctl, h, "from-start", args) == 0);
    CHECK(await_output(&w, "task   #3 ")); /* the replay of both streams is through */
    dw_harness_sleep_ms(SETTLE_MS);
    for (int k = 4; k <= 5; k++)
        send_project(dealer, k);
    CHECK_INT(dwctl_child_wait(&w, WAIT_MS), 0); /* --count 10 reached */
    char *out = dwctl_slurp(w.out_path);
    check_exactly(out, 1, 5, true, NULL);
    free(out);
    show("from-start", &w);
}

static void phase_no_start(const char *dwctl, dw_harness_t *h, void *dealer)
{
    /* Heartbeats printed: the first one shows the watch is subscribed. */
    char *args[] = {"--topic", "alert.", "--topic", "task.", "--heartbeats", NULL};
    dwctl_child_t w;
    CHECK(start_watch(&w, dwctl, h, "no-start", args) == 0);
    CHECK(await_output(&w, "heartbeat #"));
    send_project(dealer, 6);
    CHECK(await_output(&w, "alert  #6 "));
    CHECK(await_output(&w, "task   #6 "));
    stop_watch(&w);
    char *out = dwctl_slurp(w.out_path);
    check_exactly(out, 6, 6, true, NULL);
    free(out);
    show("no start", &w);
}

static void phase_since(const char *dwctl, dw_harness_t *h, void *dealer)
{
    char *first[] = {"--topic", "alert.", "--since", "alert=5", NULL};
    dwctl_child_t w;
    CHECK(start_watch(&w, dwctl, h, "since-1", first) == 0);
    CHECK(await_output(&w, "alert  #6 "));
    dw_harness_sleep_ms(SETTLE_MS);
    send_project(dealer, 7);
    CHECK(await_output(&w, "alert  #7 "));
    stop_watch(&w);
    char *out = dwctl_slurp(w.out_path);
    check_exactly(out, 6, 7, false, NULL);
    free(out);
    show("since 5", &w);

    /* Published while no watch runs. */
    send_project(dealer, 8);
    send_project(dealer, 9);
    await_outbox(h, "alert", 9);

    char *again[] = {"--topic", "alert.", "--since", "alert=7", "--count", "3", "--timeout-ms", "30000", NULL};
    CHECK(start_watch(&w, dwctl, h, "since-2", again) == 0);
    CHECK(await_output(&w, "alert  #9 "));
    dw_harness_sleep_ms(SETTLE_MS);
    send_project(dealer, 10);
    CHECK_INT(dwctl_child_wait(&w, WAIT_MS), 0); /* --count 3 reached */
    out = dwctl_slurp(w.out_path);
    check_exactly(out, 8, 10, false, NULL);
    free(out);
    show("since 7", &w);
}

static void phase_filtered(const char *dwctl, dw_harness_t *h, void *dealer)
{
    char *args[] = {"--topic", "alert.red.compliance.102.", "--from-start", "--count", "2", "--timeout-ms", "30000",
                    NULL};
    dwctl_child_t w;
    CHECK(start_watch(&w, dwctl, h, "filtered", args) == 0);
    CHECK(await_output(&w, "alert  #9 "));
    dw_harness_sleep_ms(SETTLE_MS);
    send_project(dealer, 11);
    send_project(dealer, 12);
    CHECK_INT(dwctl_child_wait(&w, WAIT_MS), 0); /* --count 2 reached */
    char *out = dwctl_slurp(w.out_path);
    check_exactly(out, 1, 12, false, "102");
    free(out);
    show("filtered", &w);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_dwctl_catchup DWCTL\n");
        return 2;
    }
    const char *dwctl = argv[1];
    dw_harness_t h;
    if (dw_harness_start(&h, "dwctl-catchup", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        return 1;
    }
    void *dealer = zmq_socket(h.zmq_ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, h.intake_ep) == 0);

    phase_from_start(dwctl, &h, dealer);
    phase_no_start(dwctl, &h, dealer);
    phase_since(dwctl, &h, dealer);
    phase_filtered(dwctl, &h, dealer);
    /* Figures by hand: 12 projects, one alert and one task each. */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'alert'", 12, WAIT_MS), 12);
    /* dw-route opens the last case after the alert the last watch waited for. */
    CHECK_INT(dw_harness_wait_int(&h, "SELECT count(*) FROM outbox WHERE stream = 'task'", 12, WAIT_MS), 12);

    zmq_close(dealer);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
