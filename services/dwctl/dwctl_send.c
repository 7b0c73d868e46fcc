/* dwctl send — YAML files of messages to dw-intake, every ack awaited.
 *
 * All files are read, built and encoded first (a message that fails is a
 * local error, reported with its file:line and never sent), then the good
 * ones go out through dwctl_exchange. The summary line is the result:
 *   sent 120, stored 118, duplicate 1, refused 1, local errors 0, unanswered 0 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>

#include "dw_date.h"
#include "dwctl.h"
#include "dwctl_args.h"
#include "dwctl_batch.h"
#include "dwctl_load.h"
#include "dwctl_raw.h"
#include "dwctl_sender.h"

#define DEFAULT_ENDPOINT   "tcp://127.0.0.1:7401"
#define DEFAULT_SRC        "dwctl"
#define DEFAULT_WINDOW     1000
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_RETRIES    3

typedef struct send_args {
    dwctl_sender_opts_t sender;
    const char *src;
    const char *raw_hex;
    bool strict;
    bool dry_run;
    char **files;
    int n_files;
} send_args_t;

enum {
    OPT_ENDPOINT = 256,
    OPT_SRC,
    OPT_WINDOW,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_QUIET,
    OPT_STRICT,
    OPT_DRY_RUN,
    OPT_RAW_HEX,
    OPT_HELP
};

static const struct option options[] = {
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"src", required_argument, NULL, OPT_SRC},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"raw-hex", required_argument, NULL, OPT_RAW_HEX},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

#define GO (-1) /* parse: carry on */

/* Returns GO, or the exit code to stop with (usage; 0 after --help). */
static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, send_args_t *a)
{
    *a = (send_args_t){
        .sender = {.endpoint = DEFAULT_ENDPOINT,
                   .window = DEFAULT_WINDOW,
                   .timeout_ms = DEFAULT_TIMEOUT_MS,
                   .retries = DEFAULT_RETRIES},
        .src = DEFAULT_SRC,
    };
    long v;
    optind = 0; /* glibc: a fresh scan of this argv */
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (c) {
        case OPT_ENDPOINT: a->sender.endpoint = optarg; break;
        case OPT_SRC: a->src = optarg; break;
        case OPT_WINDOW:
            if (dwctl_parse_long("--window", optarg, 1, 1000000, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->sender.window = (size_t)v;
            break;
        case OPT_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->sender.timeout_ms = (int)v;
            break;
        case OPT_RETRIES:
            if (dwctl_parse_long("--retries", optarg, 0, 10, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->sender.retries = (int)v;
            break;
        case OPT_QUIET: a->sender.quiet = true; break;
        case OPT_STRICT: a->strict = true; break;
        case OPT_DRY_RUN: a->dry_run = true; break;
        case OPT_RAW_HEX: a->raw_hex = optarg; break;
        case OPT_HELP: dwctl_usage(ctx->out, "send"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "send"); return DWCTL_EXIT_USAGE;
        }
    }
    a->files = argv + optind;
    a->n_files = argc - optind;
    const char *bad = NULL;
    if (a->raw_hex && a->n_files > 0)
        bad = "--raw-hex takes no files";
    else if (a->raw_hex && a->dry_run)
        bad = "--raw-hex cannot be a dry run";
    else if (!a->raw_hex && a->n_files == 0)
        bad = "no files to send";
    if (bad) {
        fprintf(ctx->err, "dwctl: %s\n", bad);
        dwctl_usage(ctx->err, "send");
        return DWCTL_EXIT_USAGE;
    }
    return GO;
}

static int send_raw(const dwctl_ctx_t *ctx, const send_args_t *a)
{
    dw_buf_t bytes = DW_BUF_INIT;
    if (dwctl_parse_hex(a->raw_hex, &bytes) != 0) {
        dw_buf_free(&bytes);
        fprintf(ctx->err, "dwctl: --raw-hex: not pairs of hex digits\n");
        return DWCTL_EXIT_USAGE;
    }
    int code = dwctl_send_raw(ctx, a->sender.endpoint, bytes.data ? bytes.data : "", bytes.len, a->sender.timeout_ms,
                              a->strict);
    dw_buf_free(&bytes);
    return code;
}

int dwctl_send_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    send_args_t a;
    int stop = parse(ctx, argc, argv, &a);
    if (stop != GO)
        return stop;
    if (a.raw_hex)
        return send_raw(ctx, &a);

    /* One ts for the run: a message repeated in the input keeps the same bytes. */
    dwctl_load_opts_t load = {.src = a.src, .ts = dw_now_ms(), .err = ctx->err};
    dwctl_batch_t *batch = dwctl_batch_new();
    size_t local_errors = 0;
    int rc = batch ? 0 : -1;
    for (int i = 0; rc == 0 && i < a.n_files; i++)
        rc = dwctl_load_file(a.files[i], &load, batch, &local_errors);
    if (rc != 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        dwctl_batch_destroy(&batch);
        return DWCTL_EXIT_INCOMPLETE;
    }

    int code;
    if (a.dry_run) {
        fprintf(ctx->out, "dry run: built %zu, local errors %zu\n", dwctl_batch_count(batch), local_errors);
        code = local_errors ? DWCTL_EXIT_INCOMPLETE : DWCTL_EXIT_OK;
    } else {
        dwctl_tally_t t;
        rc = dwctl_exchange(ctx, &a.sender, batch, &t);
        fprintf(ctx->out, "sent %zu, stored %zu, duplicate %zu, refused %zu, local errors %zu, unanswered %zu\n",
                t.sent, t.stored, t.duplicate, t.refused, local_errors, t.unanswered);
        if (rc != 0 || local_errors || t.unanswered || t.unsent)
            code = DWCTL_EXIT_INCOMPLETE;
        else
            code = (a.strict && t.refused) ? DWCTL_EXIT_REFUSED : DWCTL_EXIT_OK;
    }
    fflush(ctx->out);
    dwctl_batch_destroy(&batch);
    return code;
}
