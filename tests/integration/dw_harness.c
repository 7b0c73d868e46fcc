#include "dw_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

void dw_harness_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A loopback port nobody listens on now, chosen below the kernel's ephemeral
 * range (32768 and up): a port the kernel hands out itself can be taken by a
 * parallel test's outgoing connection before our service binds it. */
static int free_port(void)
{
    static unsigned next; /* per process: the tests of one process never pick the same port twice */
    if (!next)
        next = (unsigned)getpid() * 7919u + (unsigned)time(NULL);
    for (int tries = 0; tries < 200; tries++) {
        int port = 20000 + (int)(next++ * 2654435761u % 12000u);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            return -1;
        struct sockaddr_in a = {
            .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (ok)
            return port;
    }
    return -1;
}

int dw_harness_script(dw_harness_t *h, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "DW_HOME='%s' DW_PGPORT=%d DW_PGSOCKDIR='%s/sock' DW_CONFIG='%s' DW_BUILD_DIR='%s' "
             "'%s/deploy/dualwatch.sh' %s",
             h->home, h->pg_port, h->home, h->config, h->build_dir, h->source_dir, args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_config(dw_harness_t *h, const char *name, const char *extra_yaml)
{
    FILE *f = fopen(h->config, "w");
    if (!f)
        return -1;
    int pid = (int)getpid();
    fprintf(f,
            "instance: %s-%d\n"
            "log:\n  level: debug\n"
            "database:\n  connect_retry_s: 20\n"
            "intake:\n  endpoint: %s\n"
            "pipeline:\n"
            "  intake_events: ipc://@dwtest-%d/intake\n"
            "  validate_events: ipc://@dwtest-%d/validate\n"
            "  analyze_events: ipc://@dwtest-%d/analyze\n"
            "  route_events: ipc://@dwtest-%d/route\n"
            "  catchup_ms: 200\n"
            "notify:\n  pub_endpoint: %s\n  replay_endpoint: %s\n  heartbeat_ms: 500\n",
            name, pid, h->intake_ep, pid, pid, pid, pid, h->pub_ep, h->replay_ep);
    /* A test that lists its own sections (reviewers, more kinds) replaces
     * these: the config refuses a key twice. */
    if (!extra_yaml || (strncmp(extra_yaml, "sections:", 9) != 0 && !strstr(extra_yaml, "\nsections:")))
        fprintf(f, "sections:\n"
                   "  - {code: biz_edu, name: 教科文股, kind: business, depts: [\"101\"]}\n"
                   "  - {code: biz_social, name: 社会保障股, kind: business, depts: [\"102\", \"103\"]}\n"
                   "  - {code: biz_econ, name: 经济建设股, kind: business, depts: [\"104\"]}\n"
                   "  - {code: comprehensive, name: 综合股, kind: comprehensive}\n"
                   "  - {code: budget, name: 预算股, kind: budget}\n"
                   "  - {code: treasury, name: 国库收付中心, kind: treasury}\n");
    fprintf(f, "%s", extra_yaml ? extra_yaml : "");
    /* The pipeline tests count alerts of the compliance rules only: the time
     * and target rules (whose alerts depend on the day the test runs) are
     * off in tests/integration/pipeline_rules.yaml. A test that sets its own
     * analyze: section (the scenarios) runs what it names. */
    /* Each monitoring round would open a form task for every project on the
     * real date: the tests that want them (the workflow's) turn them on. */
    if (!extra_yaml || !strstr(extra_yaml, "open_monitoring_rounds"))
        fprintf(f, "route.open_monitoring_rounds: false\n");
    if (!extra_yaml || (strncmp(extra_yaml, "analyze:", 8) != 0 && !strstr(extra_yaml, "\nanalyze:")))
        fprintf(f, "analyze:\n  rules_file: %s/tests/integration/pipeline_rules.yaml\n", h->source_dir);
    return fclose(f) == 0 ? 0 : -1;
}

int dw_harness_start(dw_harness_t *h, const char *name, const char *extra_yaml)
{
    memset(h, 0, sizeof *h);
    const char *src = getenv("DW_SOURCE_DIR"), *build = getenv("DW_BUILD_DIR");
    if (!src || !build) {
        fprintf(stderr, "harness: DW_SOURCE_DIR and DW_BUILD_DIR must be set (ctest sets them)\n");
        return -1;
    }
    snprintf(h->source_dir, sizeof h->source_dir, "%s", src);
    snprintf(h->build_dir, sizeof h->build_dir, "%s", build);
    snprintf(h->home, sizeof h->home, "/tmp/dw-%s.XXXXXX", name);
    if (!mkdtemp(h->home) || chmod(h->home, 0755) != 0) {
        perror("harness: mkdtemp");
        return -1;
    }
    snprintf(h->config, sizeof h->config, "%s/dualwatch.yaml", h->home);
    h->pg_port = free_port();
    snprintf(h->intake_ep, sizeof h->intake_ep, "tcp://127.0.0.1:%d", free_port());
    snprintf(h->pub_ep, sizeof h->pub_ep, "tcp://127.0.0.1:%d", free_port());
    snprintf(h->replay_ep, sizeof h->replay_ep, "tcp://127.0.0.1:%d", free_port());
    if (h->pg_port < 0 || write_config(h, name, extra_yaml) != 0) {
        fprintf(stderr, "harness: could not prepare %s\n", h->home);
        return -1;
    }
    h->started = true;
    if (dw_harness_script(h, "start") != 0) {
        fprintf(stderr, "harness: deploy/dualwatch.sh start failed (logs in %s/run)\n", h->home);
        return -1;
    }
    if (dw_harness_reconnect(h) != 0)
        return -1;
    h->zmq_ctx = zmq_ctx_new();
    return h->zmq_ctx ? 0 : -1;
}

/* Sanitizer reports in the services' logs (ASan/LSan/UBSan builds print them
 * to stderr, which the run script sends to run/<name>.log). */
static int sanitizer_reports(const dw_harness_t *h)
{
    static const char *const services[] = {"intake", "validate", "analyze", "route", "notify"};
    int found = 0;
    for (size_t i = 0; i < sizeof services / sizeof *services; i++) {
        char path[400], line[1024];
        snprintf(path, sizeof path, "%s/run/%s.log", h->home, services[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        bool hit = false;
        while (!hit && fgets(line, sizeof line, f))
            hit = strstr(line, "Sanitizer") != NULL || strstr(line, "runtime error:") != NULL;
        fclose(f);
        if (hit) {
            fprintf(stderr, "harness: sanitizer report in %s\n", path);
            found++;
        }
    }
    return found;
}

int dw_harness_stop(dw_harness_t *h, bool keep)
{
    if (h->db)
        PQfinish(h->db);
    h->db = NULL;
    if (h->zmq_ctx)
        zmq_ctx_term(h->zmq_ctx);
    h->zmq_ctx = NULL;
    if (h->started && dw_harness_script(h, "stop") != 0)
        fprintf(stderr, "harness: stop reported a failure\n");
    h->started = false;
    int reports = h->home[0] ? sanitizer_reports(h) : 0;
    if (keep || reports) {
        fprintf(stderr, "harness: kept %s for inspection\n", h->home);
        return reports;
    }
    if (h->home[0] && strncmp(h->home, "/tmp/dw-", 8) == 0) {
        char cmd[400];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->home);
        if (system(cmd) != 0)
            fprintf(stderr, "harness: could not remove %s\n", h->home);
    }
    return 0;
}

int dw_harness_reconnect(dw_harness_t *h)
{
    if (h->db)
        PQfinish(h->db);
    char conninfo[512];
    snprintf(conninfo, sizeof conninfo, "host=%s/sock port=%d dbname=dualwatch user=dualwatch", h->home, h->pg_port);
    h->db = PQconnectdb(conninfo);
    if (PQstatus(h->db) != CONNECTION_OK) {
        fprintf(stderr, "harness: could not connect: %s\n", PQerrorMessage(h->db));
        return -1;
    }
    return 0;
}

int64_t dw_harness_int(dw_harness_t *h, const char *sql)
{
    PGresult *res = PQexec(h->db, sql);
    int64_t v = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
        v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    else if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(h->db));
    PQclear(res);
    return v;
}

void dw_harness_text(dw_harness_t *h, const char *sql, char *out, size_t n)
{
    PGresult *res = PQexec(h->db, sql);
    out[0] = '\0';
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) >= 1 && !PQgetisnull(res, 0, 0))
        snprintf(out, n, "%s", PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(h->db));
    PQclear(res);
}

int64_t dw_harness_wait_int(dw_harness_t *h, const char *sql, int64_t want, int timeout_ms)
{
    int64_t v = -1;
    for (int waited = 0; waited <= timeout_ms; waited += 50) {
        v = dw_harness_int(h, sql);
        if (v == want)
            return v;
        dw_harness_sleep_ms(50);
    }
    return v;
}
