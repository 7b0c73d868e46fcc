/* dw_harness — what an integration test needs to run the real system: a
 * private cluster and the five real executables on free ports, started and
 * stopped through deploy/dualwatch.sh exactly as an operator would. */
#ifndef DW_HARNESS_H
#define DW_HARNESS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dw_harness {
    char home[256];   /* DW_HOME: a fresh temporary directory */
    char config[300]; /* the config file written for this run */
    char source_dir[512];
    char build_dir[512];
    int pg_port;
    char intake_ep[64]; /* tcp://127.0.0.1:<port> */
    char pub_ep[64];
    char replay_ep[64];
    void *zmq_ctx;
    PGconn *db;
    bool started;
} dw_harness_t;

/* Fresh directory, free ports, a config file (extra_yaml appended to it; a
 * sections: of its own replaces the harness's),
 * the cluster and the services started, a database connection open.
 * Returns 0, or -1 after printing why. */
int dw_harness_start(dw_harness_t *h, const char *name, const char *extra_yaml);
/* Stops everything it started, then reads the services' logs: a sanitizer
 * report (a leak at exit, undefined behaviour) in any of them is a failure.
 * Removes the directory unless keep or a report was found. Returns the number
 * of logs with a report. */
int dw_harness_stop(dw_harness_t *h, bool keep);
/* Runs deploy/dualwatch.sh with this harness's settings; returns its exit status. */
int dw_harness_script(dw_harness_t *h, const char *args);

/* Opens the test's own database connection again (after db-stop/db-start). */
int dw_harness_reconnect(dw_harness_t *h);

/* A single integer from a query ("SELECT count(*) ..."); -1 on error. */
int64_t dw_harness_int(dw_harness_t *h, const char *sql);
/* A single text value from a query, copied into out; "" on error/NULL. */
void dw_harness_text(dw_harness_t *h, const char *sql, char *out, size_t n);
/* Polls sql every 50 ms until it returns want or timeout_ms passes; returns the last value. */
int64_t dw_harness_wait_int(dw_harness_t *h, const char *sql, int64_t want, int timeout_ms);

void dw_harness_sleep_ms(int ms);

#endif
