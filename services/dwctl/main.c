/* dwctl — the command-line door to dualwatch.
 *
 *   dwctl send FILE...   read messages from YAML files, build and encode each
 *                        with the schema, send them to dw-intake over a DEALER
 *                        with a window of unacked messages, wait for every
 *                        ack, and sum up what was stored, duplicate or refused
 *   dwctl watch          subscribe to dw-notify and print one line per event;
 *                        catches up through replay (--from-start, --since)
 *                        and repairs a gap in a stream the same way
 *   dwctl bench          send synthetic payments, print the rate and the ack
 *                        latency percentiles (and the pipeline's drain time)
 *   dwctl import CSV     a county's CSV export through a mapping file, row by
 *                        row, resumable, with a per-row error report
 *   dwctl rejects        list, show and resubmit what dualwatch refused
 *   dwctl reanalyze      analyse a whole fiscal year again from the database
 *   dwctl dashboard      the year's figures by department: execution against
 *                        序时进度, deviations, lights and scores
 *   dwctl config-keys    every configuration key with its type, range,
 *                        default and whether a reload picks it up
 *   dwctl tasks          a section's open documents, soonest due first
 *   dwctl show           one document and every step it took
 *   dwctl act            a step of a document's procedure, through dw-intake
 *   dwctl reevaluate, open-case, summary
 *                        open a 绩效再评价, a 偏离处置 case, a year's 结果应用汇总
 *   dwctl help [CMD]     usage
 *
 * main only picks the subcommand; each lives in its own file. SIGINT and
 * SIGTERM are blocked and read from a signal fd that the subcommands poll, so
 * an interrupted send still waits for the acks of what it already sent. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dw_config.h"
#include "dw_log.h"
#include "dw_zmq.h"
#include "dwctl.h"
#include "dwctl_act.h"
#include "dwctl_bench.h"
#include "dwctl_dashboard.h"
#include "dwctl_import.h"
#include "dwctl_reanalyze.h"
#include "dwctl_rejects.h"
#include "dwctl_show.h"
#include "dwctl_tasks.h"

typedef int (*dwctl_cmd_fn)(const dwctl_ctx_t *ctx, int argc, char **argv);

/* The key table of common/dw_config.c, the same list deploy/dualwatch.yaml documents. */
static int config_keys_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        dwctl_usage(ctx->err, "config-keys");
        return DWCTL_EXIT_USAGE;
    }
    dw_config_describe(ctx->out);
    return fflush(ctx->out) == 0 ? DWCTL_EXIT_OK : DWCTL_EXIT_INCOMPLETE;
}

static const struct {
    const char *name;
    dwctl_cmd_fn run;
} commands[] = {
    {"send", dwctl_send_main},           {"watch", dwctl_watch_main},       {"bench", dwctl_bench_main},
    {"import", dwctl_import_main},       {"rejects", dwctl_rejects_main},   {"reanalyze", dwctl_reanalyze_main},
    {"dashboard", dwctl_dashboard_main}, {"config-keys", config_keys_main}, {"tasks", dwctl_tasks_main},
    {"show", dwctl_show_main},           {"act", dwctl_act_main},           {"reevaluate", dwctl_reevaluate_main},
    {"open-case", dwctl_open_case_main}, {"summary", dwctl_summary_main},
};

static int is_help(const char *arg)
{
    return strcmp(arg, "help") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        dwctl_usage(stderr, NULL);
        return DWCTL_EXIT_USAGE;
    }
    if (is_help(argv[1])) {
        dwctl_usage(stdout, argc > 2 ? argv[2] : NULL);
        return DWCTL_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* Before any ZeroMQ thread exists, so that none of them takes the signals. */
        int sigfd = dw_signal_fd();
        if (sigfd < 0) {
            fprintf(stderr, "dwctl: could not set up signal handling\n");
            return DWCTL_EXIT_INCOMPLETE;
        }
        dw_log_open("dwctl", DW_LOG_WARN);
        dwctl_ctx_t ctx = {.signal_fd = sigfd, .out = stdout, .err = stderr};
        int code = commands[i].run(&ctx, argc - 1, argv + 1);
        close(sigfd);
        return code;
    }
    fprintf(stderr, "dwctl: unknown command \"%s\"\n", argv[1]);
    dwctl_usage(stderr, NULL);
    return DWCTL_EXIT_USAGE;
}
