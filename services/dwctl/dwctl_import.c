/* dwctl import — a CSV export into dw-intake, row by row.
 *
 * The mapping file says which column fills which field (dwctl_import_map);
 * the file is read as UTF-8 text whatever its encoding (dwctl_import_text)
 * and as RFC 4180 records (dwctl_import_csv); each row, or each form of
 * several rows, is built and encoded with the schema (dwctl_import_rows) and
 * streamed with acks (dwctl_import_flow). Rows that cannot be built, and rows
 * dw-intake refuses, go to the error report (dwctl_import_report); how far
 * the import has got goes to the state file (dwctl_import_state) as rows are
 * settled, so a second run goes on after the last settled row.
 *
 * Re-importing is harmless by design, not only by the state file: the id of
 * each message comes from its row (the voucher number, say) and its ts from
 * a date of the row, so the same row always makes the same bytes and
 * dw-intake answers it duplicate. */
#include "dwctl_import.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dw_date.h"
#include "dwctl_args.h"
#include "dwctl_import_csv.h"
#include "dwctl_import_flow.h"
#include "dwctl_import_map.h"
#include "dwctl_import_progress.h"
#include "dwctl_import_report.h"
#include "dwctl_import_rows.h"
#include "dwctl_import_state.h"
#include "dwctl_import_text.h"

#define DEFAULT_ENDPOINT   "tcp://127.0.0.1:7401"
#define DEFAULT_SRC        "import"
#define DEFAULT_WINDOW     1000
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_RETRIES    3
#define STATE_EVERY_MS     250 /* the state is flushed to disk at most this often, and at the end */
#define PATH_LEN           4096
#define GO                 (-1) /* parse: carry on */

typedef struct import_args {
    const char *type, *mapping, *src, *csv;
    const char *state_path, *errors_path;
    dwctl_enc_t enc;
    dwctl_flow_opts_t flow;
    long stop_after; /* 0: read to the end */
    bool dry_run;
    char state_buf[PATH_LEN], errors_buf[PATH_LEN];
} import_args_t;

typedef struct import {
    const dwctl_ctx_t *ctx;
    const import_args_t *a;
    dwctl_map_t *map;
    dwctl_text_t *text;
    dwctl_csv_t *csv;
    dwctl_rows_t *rows;
    dwctl_report_t *report;
    dwctl_state_t state;
    int64_t resume_after; /* 0: from the top */
    int64_t rows_read;    /* records read after the header (and after resume_after) */
    int64_t last_record;  /* the number of the last record read or skipped */
    int64_t watermark;    /* every row up to it is settled */
    int64_t state_written_ms;
    int64_t started_ms;
    bool input_ended, stopped;
    size_t acked, refused, local_errors, built;
    dwctl_progress_t progress;
} import_t;

enum {
    OPT_TYPE = 256,
    OPT_MAPPING,
    OPT_ENCODING,
    OPT_SRC,
    OPT_ENDPOINT,
    OPT_WINDOW,
    OPT_STATE,
    OPT_ERRORS,
    OPT_TIMEOUT,
    OPT_RETRIES,
    OPT_DRY_RUN,
    OPT_STOP_AFTER,
    OPT_HELP
};

static const struct option options[] = {
    {"type", required_argument, NULL, OPT_TYPE},
    {"mapping", required_argument, NULL, OPT_MAPPING},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"src", required_argument, NULL, OPT_SRC},
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"state", required_argument, NULL, OPT_STATE},
    {"errors", required_argument, NULL, OPT_ERRORS},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"stop-after", required_argument, NULL, OPT_STOP_AFTER},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: %s\n", why);
    dwctl_usage(ctx->err, "import");
    return DWCTL_EXIT_USAGE;
}

/* Returns GO, or the exit code to stop with. */
static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, import_args_t *a)
{
    memset(a, 0, sizeof *a);
    a->flow = (dwctl_flow_opts_t){.endpoint = DEFAULT_ENDPOINT,
                                  .window = DEFAULT_WINDOW,
                                  .timeout_ms = DEFAULT_TIMEOUT_MS,
                                  .retries = DEFAULT_RETRIES};
    long v;
    optind = 0; /* glibc: a fresh scan of this argv */
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (c) {
        case OPT_TYPE: a->type = optarg; break;
        case OPT_MAPPING: a->mapping = optarg; break;
        case OPT_ENCODING:
            if (!dwctl_enc_parse(optarg, &a->enc))
                return usage_error(ctx, "--encoding is utf-8, gbk (read as GB18030, which contains it) or auto");
            break;
        case OPT_SRC: a->src = optarg; break;
        case OPT_ENDPOINT: a->flow.endpoint = optarg; break;
        case OPT_WINDOW:
            if (dwctl_parse_long("--window", optarg, 1, 1000000, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->flow.window = (size_t)v;
            break;
        case OPT_STATE: a->state_path = optarg; break;
        case OPT_ERRORS: a->errors_path = optarg; break;
        case OPT_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->flow.timeout_ms = (int)v;
            break;
        case OPT_RETRIES:
            if (dwctl_parse_long("--retries", optarg, 0, 10, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->flow.retries = (int)v;
            break;
        case OPT_DRY_RUN: a->dry_run = true; break;
        case OPT_STOP_AFTER:
            if (dwctl_parse_long("--stop-after", optarg, 1, 1000000000, &a->stop_after, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_HELP: dwctl_usage(ctx->out, "import"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "import"); return DWCTL_EXIT_USAGE;
        }
    }
    if (argc - optind != 1)
        return usage_error(ctx, argc - optind == 0 ? "no csv file to import" : "one csv file at a time");
    a->csv = argv[optind];
    if (!a->type)
        return usage_error(ctx, "--type is needed: treasury.payment, budget.allocation or monitor.report");
    if (!a->mapping)
        return usage_error(ctx, "--mapping is needed: a file of deploy/import/");
    if (!a->state_path) {
        snprintf(a->state_buf, sizeof a->state_buf, "%s.dwstate", a->csv);
        a->state_path = a->state_buf;
    }
    if (!a->errors_path) {
        snprintf(a->errors_buf, sizeof a->errors_buf, "%s.errors.csv", a->csv);
        a->errors_path = a->errors_buf;
    }
    return GO;
}

/* ------------------------------------------------------------ the reader */

static int next_unit(void *arg, dwctl_unit_t **unit)
{
    import_t *im = arg;
    *unit = NULL;
    while (!im->input_ended && !im->stopped) {
        int rc = dwctl_csv_next(im->csv);
        if (rc < 0) {
            const char *why = dwctl_csv_problem(im->csv);
            fprintf(im->ctx->err, "dwctl: %s: after row %" PRId64 ": %s\n", im->a->csv, im->last_record,
                    why ? why : dwctl_text_error(im->text));
            return -1;
        }
        if (rc == 0) {
            im->input_ended = true;
            if (dwctl_rows_flush(im->rows, unit) != 0)
                goto oom;
            return *unit ? 1 : 0;
        }
        im->last_record = dwctl_csv_row(im->csv);
        im->rows_read++;
        if (!dwctl_csv_blank(im->csv) && dwctl_rows_feed(im->rows, im->csv, unit) != 0)
            goto oom;
        if (im->a->stop_after > 0 && im->rows_read >= im->a->stop_after) {
            im->stopped = true;
            dwctl_rows_drop(im->rows); /* never part of a form */
        }
        if (*unit)
            return 1;
    }
    return 0;
oom:
    fprintf(im->ctx->err, "dwctl: out of memory\n");
    return -1;
}

static int write_state(import_t *im)
{
    char why[PATH_LEN + 200];
    im->state.row = im->watermark;
    im->state_written_ms = dw_mono_ms();
    if (dwctl_state_write(im->a->state_path, &im->state, why, sizeof why) != 0) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return -1;
    }
    return 0;
}

static int on_settled(void *arg, dwctl_unit_t *unit, const dwctl_ack_t *ack)
{
    import_t *im = arg;
    if (ack && ack->ok) {
        im->acked++;
        return 0;
    }
    if (ack) {
        im->refused++;
        if (dwctl_unit_add_error(im->map, unit, ack->field, ack->code[0] ? ack->code : "unknown",
                                 ack->message[0] ? ack->message : "refused without a reason") != 0)
            goto oom;
    } else {
        im->local_errors++;
    }
    if (dwctl_report_add(im->report, unit) != 0)
        goto oom;
    return 0;
oom:
    fprintf(im->ctx->err, "dwctl: out of memory\n");
    return -1;
}

static int on_advanced(void *arg, int64_t row)
{
    import_t *im = arg;
    if (row > im->watermark)
        im->watermark = row;
    if (dwctl_report_write_upto(im->report, im->watermark) != 0) {
        fprintf(im->ctx->err, "dwctl: could not write the error report %s\n", im->a->errors_path);
        return -1;
    }
    if (!im->a->dry_run && dw_mono_ms() - im->state_written_ms >= STATE_EVERY_MS)
        return write_state(im);
    return 0;
}

static void counts_of(const import_t *im, dwctl_progress_counts_t *c)
{
    *c = (dwctl_progress_counts_t){.done_bytes = dwctl_text_done(im->text),
                                   .total_bytes = dwctl_text_size(im->text),
                                   .rows = im->rows_read,
                                   .acked = im->acked,
                                   .refused = im->refused,
                                   .errors = im->local_errors,
                                   .elapsed_ms = dw_mono_ms() - im->started_ms};
}

static void on_tick(void *arg, const dwctl_flow_tally_t *tally)
{
    import_t *im = arg;
    (void)tally;
    dwctl_progress_counts_t c;
    counts_of(im, &c);
    dwctl_progress_draw(&im->progress, &c, dw_mono_ms(), false);
}

/* ------------------------------------------------------------ the run */

/* The mapping, the file, its header and the builder. 0, or an exit code. */
static int open_input(import_t *im)
{
    const import_args_t *a = im->a;
    char why[PATH_LEN + 600];
    if (!(im->map = dwctl_map_load(a->mapping, why, sizeof why))) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    if (strcmp(im->map->type->type, a->type) != 0) {
        fprintf(im->ctx->err, "dwctl: the mapping %s is for %s, not %s\n", a->mapping, im->map->type->type, a->type);
        return DWCTL_EXIT_USAGE;
    }
    if (!(im->text = dwctl_text_open(a->csv, a->enc, why, sizeof why))) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    if (!(im->csv = dwctl_csv_new(dwctl_text_read, im->text)))
        goto oom;
    int rc = dwctl_csv_next(im->csv);
    if (rc <= 0 || dwctl_csv_problem(im->csv)) {
        const char *problem = dwctl_csv_problem(im->csv);
        fprintf(im->ctx->err, "dwctl: %s: %s\n", a->csv,
                rc == 0   ? "empty: not even a header row"
                : problem ? problem
                          : dwctl_text_error(im->text));
        return DWCTL_EXIT_INCOMPLETE;
    }
    const char *src = a->src ? a->src : im->map->src ? im->map->src : DEFAULT_SRC;
    if (!(im->rows = dwctl_rows_new(im->map, src, why, sizeof why))) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    if (dwctl_rows_header(im->rows, im->csv, why, sizeof why) != 0) {
        fprintf(im->ctx->err, "dwctl: %s: %s\n", a->csv, why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    im->last_record = im->watermark = 1;
    return 0;
oom:
    fprintf(im->ctx->err, "dwctl: out of memory\n");
    return DWCTL_EXIT_INCOMPLETE;
}

/* Where an earlier run got to, and the report kept up to it. 0, or an exit code. */
static int resume(import_t *im)
{
    const import_args_t *a = im->a;
    char why[PATH_LEN + 200];
    snprintf(im->state.type, sizeof im->state.type, "%s", a->type);
    if (dwctl_state_stat(a->csv, &im->state.size, &im->state.mtime_ns, why, sizeof why) != 0) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    dwctl_state_t earlier;
    int rc = a->dry_run ? 0 : dwctl_state_read(a->state_path, &earlier, why, sizeof why);
    if (rc < 0) {
        fprintf(im->ctx->err, "dwctl: %s (remove it to import from the first row)\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    if (rc == 1 && (earlier.size != im->state.size || earlier.mtime_ns != im->state.mtime_ns ||
                    strcmp(earlier.type, im->state.type) != 0))
        fprintf(im->ctx->err, "dwctl: %s is for another version of %s or another type: starting from the first row\n",
                a->state_path, a->csv);
    else if (rc == 1 && earlier.row > 1)
        im->resume_after = earlier.row;
    if (!(im->report = dwctl_report_open(a->errors_path, im->resume_after, why, sizeof why))) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        return DWCTL_EXIT_INCOMPLETE;
    }
    /* Rows already settled are read past, not built: their fate is in the report. */
    while (im->last_record < im->resume_after) {
        rc = dwctl_csv_next(im->csv);
        if (rc <= 0) {
            if (rc < 0) {
                fprintf(im->ctx->err, "dwctl: %s: %s\n", a->csv, dwctl_text_error(im->text));
                return DWCTL_EXIT_INCOMPLETE;
            }
            im->input_ended = true;
            break;
        }
        im->last_record = dwctl_csv_row(im->csv);
    }
    if (im->resume_after > 1) {
        im->watermark = im->resume_after;
        fprintf(im->ctx->err, "dwctl: resuming %s after row %" PRId64 " (%s)\n", a->csv, im->resume_after,
                a->state_path);
    }
    return 0;
}

static int dry_run(import_t *im)
{
    for (;;) {
        dwctl_unit_t *unit = NULL;
        int rc = next_unit(im, &unit);
        if (rc <= 0)
            return rc;
        if (unit->id)
            im->built++;
        int failed = !unit->id && on_settled(im, unit, NULL) != 0;
        dwctl_unit_destroy(&unit);
        if (failed)
            return -1;
    }
}

static int finish(import_t *im, int run_rc, const dwctl_flow_tally_t *t)
{
    const import_args_t *a = im->a;
    char why[PATH_LEN + 200];
    bool complete =
        run_rc == 0 && im->input_ended && !im->stopped && !t->interrupted && t->unanswered == 0 && t->unsent == 0;
    if (complete)
        im->watermark = im->last_record; /* blank rows at the end are settled too */
    int rc = 0;
    if (!a->dry_run && write_state(im) != 0)
        rc = -1;
    if (dwctl_report_close(&im->report, why, sizeof why) != 0) {
        fprintf(im->ctx->err, "dwctl: %s\n", why);
        rc = -1;
    }
    dwctl_progress_clear(&im->progress);
    if (a->dry_run)
        fprintf(im->ctx->out, "dry run: read %" PRId64 " rows, built %zu, local errors %zu\n", im->rows_read, im->built,
                im->local_errors);
    else
        fprintf(im->ctx->out,
                "read %" PRId64 " rows, sent %zu, stored %zu, duplicate %zu, refused %zu, local errors %zu, "
                "unanswered %zu, settled through row %" PRId64 "\n",
                im->rows_read, t->sent, t->stored, t->duplicate, t->refused, im->local_errors,
                t->unanswered + t->unsent, im->watermark);
    fflush(im->ctx->out);
    if (im->refused + im->local_errors > 0)
        fprintf(im->ctx->err, "dwctl: %zu rows or forms not imported: see %s\n", im->refused + im->local_errors,
                a->errors_path);
    if (!a->dry_run && !complete && run_rc == 0)
        fprintf(im->ctx->err, "dwctl: %s: run again to go on after row %" PRId64 "\n",
                im->stopped ? "stopped as asked" : "not finished", im->watermark);
    if (rc != 0 || run_rc != 0 || (!a->dry_run && !complete))
        return DWCTL_EXIT_INCOMPLETE;
    return im->refused + im->local_errors > 0 ? DWCTL_EXIT_REFUSED : DWCTL_EXIT_OK;
}

int dwctl_import_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    import_args_t a;
    int stop = parse(ctx, argc, argv, &a);
    if (stop != GO)
        return stop;
    import_t im = {.ctx = ctx, .a = &a, .started_ms = dw_mono_ms()};
    dwctl_progress_init(&im.progress, ctx->err, !a.dry_run && isatty(fileno(ctx->err)));
    int code = open_input(&im);
    if (code == 0)
        code = resume(&im);
    if (code == 0) {
        dwctl_flow_tally_t t = {0};
        int rc;
        if (a.dry_run) {
            rc = dry_run(&im);
        } else {
            dwctl_flow_io_t io = {
                .arg = &im, .next = next_unit, .settled = on_settled, .advanced = on_advanced, .tick = on_tick};
            rc = dwctl_flow_run(ctx, &a.flow, &io, &t);
        }
        code = finish(&im, rc, &t);
    }
    char why[PATH_LEN];
    if (im.report && dwctl_report_close(&im.report, why, sizeof why) != 0) /* left open by a failure */
        fprintf(ctx->err, "dwctl: %s\n", why);
    dwctl_rows_destroy(&im.rows);
    dwctl_csv_destroy(&im.csv);
    dwctl_text_destroy(&im.text);
    dwctl_map_destroy(&im.map);
    return code;
}
