/* dwctl rejects — the refusals of every stage, from PostgreSQL.
 *
 *   dwctl rejects [--src SRC] [--code CODE] [--since YYYY-MM-DD] [--limit N]
 *       one line per refusal, newest first:
 *       17  2026-03-16 10:15:02  intake  treasury  T-000009  treasury.payment  conflict  -  same src and id ...
 *   dwctl rejects --show ID
 *       every column of one refusal, and the message: as YAML in the format
 *       of dwctl send when it decodes (ready to correct), else hex
 *   dwctl rejects --resubmit ID --file FIXED.yaml
 *       sends the corrected message and prints its ack
 *
 * A message dw-intake refused was never stored, so its id is still free and
 * the correction may keep it. A message refused later (dw-validate: an
 * unknown project, a broken rule) was stored and acked: the same src and id
 * with other bytes is refused as conflict by contract, so its correction
 * must carry a new id. --resubmit checks the inbox and says so, with an id
 * to use, instead of sending a message that can only be refused. */
#include "dwctl_rejects.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_msg.h"
#include "dw_pg.h"
#include "dw_scan.h"
#include "dwctl_args.h"
#include "dwctl_batch.h"
#include "dwctl_load.h"
#include "dwctl_raw.h"
#include "dwctl_rejects_yaml.h"

#define DEFAULT_ENDPOINT   "tcp://127.0.0.1:7401"
#define DEFAULT_LIMIT      50
#define DEFAULT_TIMEOUT_MS 30000
#define GO                 (-1)

typedef struct rejects_args {
    const char *src, *code, *since, *conninfo, *file, *endpoint;
    long limit, show, resubmit;
    int timeout_ms;
} rejects_args_t;

enum {
    OPT_SRC = 256,
    OPT_CODE,
    OPT_SINCE,
    OPT_LIMIT,
    OPT_CONNINFO,
    OPT_SHOW,
    OPT_RESUBMIT,
    OPT_FILE,
    OPT_ENDPOINT,
    OPT_TIMEOUT,
    OPT_HELP
};

static const struct option options[] = {
    {"src", required_argument, NULL, OPT_SRC},
    {"code", required_argument, NULL, OPT_CODE},
    {"since", required_argument, NULL, OPT_SINCE},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"conninfo", required_argument, NULL, OPT_CONNINFO},
    {"show", required_argument, NULL, OPT_SHOW},
    {"resubmit", required_argument, NULL, OPT_RESUBMIT},
    {"file", required_argument, NULL, OPT_FILE},
    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: %s\n", why);
    dwctl_usage(ctx->err, "rejects");
    return DWCTL_EXIT_USAGE;
}

static int parse(const dwctl_ctx_t *ctx, int argc, char **argv, rejects_args_t *a)
{
    *a = (rejects_args_t){.limit = DEFAULT_LIMIT, .endpoint = DEFAULT_ENDPOINT, .timeout_ms = DEFAULT_TIMEOUT_MS};
    long v;
    optind = 0;
    for (int c; (c = getopt_long(argc, argv, "", options, NULL)) != -1;) {
        switch (c) {
        case OPT_SRC: a->src = optarg; break;
        case OPT_CODE: a->code = optarg; break;
        case OPT_SINCE: {
            dw_date_t d;
            if (!dw_date_parse(optarg, &d))
                return usage_error(ctx, "--since is a date, YYYY-MM-DD");
            a->since = optarg;
            break;
        }
        case OPT_LIMIT:
            if (dwctl_parse_long("--limit", optarg, 1, 100000, &a->limit, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_CONNINFO: a->conninfo = optarg; break;
        case OPT_SHOW:
            if (dwctl_parse_long("--show", optarg, 1, LONG_MAX, &a->show, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_RESUBMIT:
            if (dwctl_parse_long("--resubmit", optarg, 1, LONG_MAX, &a->resubmit, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_FILE: a->file = optarg; break;
        case OPT_ENDPOINT: a->endpoint = optarg; break;
        case OPT_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &v, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            a->timeout_ms = (int)v;
            break;
        case OPT_HELP: dwctl_usage(ctx->out, "rejects"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "rejects"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc)
        return usage_error(ctx, "rejects takes options only");
    if (a->show && a->resubmit)
        return usage_error(ctx, "--show or --resubmit, not both");
    if (a->resubmit && !a->file)
        return usage_error(ctx, "--resubmit needs --file FIXED.yaml: the corrected message");
    if (a->file && !a->resubmit)
        return usage_error(ctx, "--file goes with --resubmit ID");
    if ((a->show || a->resubmit) && (a->src || a->code || a->since))
        return usage_error(ctx, "--src, --code and --since filter the list; --show and --resubmit name one reject");
    if (!a->conninfo)
        a->conninfo = getenv("DW_DATABASE_CONNINFO");
    if (!a->conninfo || !*a->conninfo)
        return usage_error(ctx, "no database: give --conninfo or set DW_DATABASE_CONNINFO");
    return GO;
}

/* Text of a column, "-" for NULL; control characters (a line break in a
 * message) become spaces so that one refusal stays one line. */
static void put_col(FILE *out, const PGresult *res, int r, int c, bool last)
{
    if (PQgetisnull(res, r, c)) {
        fputc('-', out);
    } else {
        for (const char *p = PQgetvalue(res, r, c); *p; p++)
            fputc((unsigned char)*p < 0x20 ? ' ' : *p, out);
    }
    fputs(last ? "\n" : "  ", out);
}

static int list(const dwctl_ctx_t *ctx, dw_pg_t *pg, const rejects_args_t *a)
{
    char limit[24];
    snprintf(limit, sizeof limit, "%ld", a->limit);
    const char *params[] = {a->src, a->code, a->since, limit};
    PGresult *res = dw_pg_query(pg, "list rejects",
                                "SELECT reject_id, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS'), stage, src, id, type, "
                                "code, field, message FROM rejects "
                                "WHERE ($1::text IS NULL OR src = $1) AND ($2::text IS NULL OR code = $2) "
                                "AND ($3::date IS NULL OR created_at >= $3::date) "
                                "ORDER BY created_at DESC, reject_id DESC LIMIT $4::bigint",
                                4, params);
    if (!res)
        return DWCTL_EXIT_INCOMPLETE;
    for (int r = 0; r < PQntuples(res); r++)
        for (int c = 0; c < PQnfields(res); c++)
            put_col(ctx->out, res, r, c, c + 1 == PQnfields(res));
    PQclear(res);
    fflush(ctx->out);
    return DWCTL_EXIT_OK;
}

/* One reject's main columns; NULL (said why) if there is none. */
static PGresult *fetch(const dwctl_ctx_t *ctx, dw_pg_t *pg, long reject_id)
{
    char id[24];
    snprintf(id, sizeof id, "%ld", reject_id);
    const char *params[] = {id};
    PGresult *res = dw_pg_query(pg, "read a reject",
                                "SELECT reject_id, to_char(created_at, 'YYYY-MM-DD HH24:MI:SS'), stage, src, id, type, "
                                "code, field, message, inbox_seq, raw FROM rejects WHERE reject_id = $1::bigint",
                                1, params);
    if (res && PQntuples(res) == 0) {
        fprintf(ctx->err, "dwctl: there is no reject %ld\n", reject_id);
        PQclear(res);
        return NULL;
    }
    return res;
}

enum { C_ID, C_CREATED, C_STAGE, C_SRC, C_MSGID, C_TYPE, C_CODE, C_FIELD, C_MESSAGE, C_INBOX_SEQ, C_RAW };

static const char *col(const PGresult *res, int c)
{
    return PQgetisnull(res, 0, c) ? NULL : PQgetvalue(res, 0, c);
}

/* The message's bytes: as the reject kept them, or from the inbox when it
 * was stored before it was refused (dw-validate keeps no copy). */
static int raw_of(dw_pg_t *pg, const PGresult *res, dw_buf_t *raw, bool *from_inbox)
{
    *from_inbox = false;
    const char *hex = col(res, C_RAW);
    if (hex)
        return dw_pg_bytea_decode(hex, strlen(hex), raw);
    const char *seq = col(res, C_INBOX_SEQ);
    if (!seq)
        return 0;
    const char *params[] = {seq};
    PGresult *inbox = dw_pg_query(pg, "read the inbox", "SELECT raw FROM inbox WHERE seq = $1::bigint", 1, params);
    if (!inbox)
        return -1;
    int rc = 0;
    if (PQntuples(inbox) == 1) {
        *from_inbox = true;
        rc = dw_pg_bytea_decode(PQgetvalue(inbox, 0, 0), (size_t)PQgetlength(inbox, 0, 0), raw);
    }
    PQclear(inbox);
    return rc;
}

static int show(const dwctl_ctx_t *ctx, dw_pg_t *pg, const rejects_args_t *a)
{
    PGresult *res = fetch(ctx, pg, a->show);
    if (!res)
        return DWCTL_EXIT_INCOMPLETE;
    static const char *const names[] = {"reject", "created", "stage", "src",     "id",
                                        "type",   "code",    "field", "message", "inbox seq"};
    FILE *out = ctx->out;
    for (int c = C_ID; c <= C_INBOX_SEQ; c++) {
        fprintf(out, "%-10s ", names[c]);
        put_col(out, res, 0, c, true);
    }
    /* Columns later migrations add (a rule id, the value compared ...), whatever they are. */
    char id[24];
    snprintf(id, sizeof id, "%ld", a->show);
    const char *params[] = {id};
    PGresult *more = dw_pg_query(pg, "read a reject",
                                 "SELECT j.k, j.v FROM rejects r, jsonb_each_text(to_jsonb(r) - ARRAY['reject_id', "
                                 "'created_at', 'stage', 'src', 'id', 'type', 'code', 'field', 'message', 'inbox_seq', "
                                 "'raw']) AS j(k, v) WHERE r.reject_id = $1::bigint AND j.v IS NOT NULL ORDER BY j.k",
                                 1, params);
    for (int r = 0; more && r < PQntuples(more); r++) {
        fprintf(out, "%-10s ", PQgetvalue(more, r, 0));
        put_col(out, more, r, 1, true);
    }
    PQclear(more);

    dw_buf_t raw = DW_BUF_INIT;
    bool from_inbox;
    int code = DWCTL_EXIT_OK;
    if (raw_of(pg, res, &raw, &from_inbox) != 0) {
        code = DWCTL_EXIT_INCOMPLETE;
    } else if (!raw.data) {
        fprintf(out, "raw        none kept\n");
    } else {
        fprintf(out, "raw        %zu bytes%s\n", raw.len,
                from_inbox ? ", from the inbox (it was stored, then refused)" : "");
        dw_error_t err = {0};
        dw_msg_t *msg = dw_msg_decode(raw.data, raw.len, NULL, &err);
        const char *rej_code = col(res, C_CODE);
        if (msg)
            fprintf(out, "\n# a valid %s, as YAML for dwctl send; %s\n", dw_msg_type(msg),
                    from_inbox || !col(res, C_RAW)      ? "it was stored, so a correction needs a new id"
                    : strcmp(rej_code, "conflict") == 0 ? "its id is taken by the message stored before it, so a "
                                                          "correction needs a new id"
                                                        : "it was not stored, so a correction may keep its id");
        else if (dw_scan(raw.data, raw.len, NULL, &(dw_error_t){0}) == DW_OK)
            fprintf(out, "\n# not a valid message (%s: %s%s%s); its msgpack as YAML:\n", dw_code_name(err.code),
                    err.message, err.field[0] ? ", field " : "", err.field);
        else
            fprintf(out, "\n# not msgpack within the contract's limits (%s: %s); as hex:\n", dw_code_name(err.code),
                    err.message);
        dw_msg_destroy(&msg);
        fflush(out);
        dw_error_t yerr = {0};
        if (dwctl_yaml_write_msgpack(out, raw.data, raw.len, true, &yerr) != DW_OK)
            dwctl_hex_write(out, raw.data, raw.len, "");
    }
    dw_buf_free(&raw);
    PQclear(res);
    fflush(out);
    return code;
}

/* Whether src/id is in the inbox: 1 (its seq and whether its bytes are
 * bytes), 0 not, -1 on failure. */
static int stored(dw_pg_t *pg, const char *src, const char *id, const dw_buf_t *bytes, int64_t *seq, bool *same)
{
    const char *params[] = {src, id};
    PGresult *res =
        dw_pg_query(pg, "read the inbox", "SELECT seq, raw FROM inbox WHERE src = $1 AND id = $2", 2, params);
    if (!res)
        return -1;
    int found = PQntuples(res) == 1;
    if (found) {
        *seq = dw_pg_int(res, 0, 0);
        *same =
            bytes && dw_pg_bytea_equals(PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1), bytes->data, bytes->len);
    }
    PQclear(res);
    return found;
}

/* An id for the correction that is not in the inbox yet: ID-r1, ID-r2 ... */
static void suggest_id(dw_pg_t *pg, const char *src, const char *id, char *out, size_t n)
{
    for (int i = 1; i < 100; i++) {
        snprintf(out, n, "%.56s-r%d", id, i);
        int64_t seq;
        bool same;
        if (stored(pg, src, out, NULL, &seq, &same) == 0)
            return;
    }
}

/* The one message of FIXED.yaml, built and encoded; NULL after saying why. */
static dwctl_batch_t *load_fixed(const dwctl_ctx_t *ctx, const rejects_args_t *a, const char *src)
{
    dwctl_load_opts_t load = {.src = src, .ts = dw_now_ms(), .err = ctx->err};
    dwctl_batch_t *batch = dwctl_batch_new();
    size_t local_errors = 0;
    if (!batch || dwctl_load_file(a->file, &load, batch, &local_errors) != 0) {
        fprintf(ctx->err, "dwctl: out of memory\n");
        dwctl_batch_destroy(&batch);
        return NULL;
    }
    if (local_errors || dwctl_batch_count(batch) != 1) {
        if (!local_errors)
            fprintf(ctx->err, "dwctl: %s holds %zu messages: a resubmission is one corrected message\n", a->file,
                    dwctl_batch_count(batch));
        dwctl_batch_destroy(&batch);
        return NULL;
    }
    return batch;
}

static int resubmit(const dwctl_ctx_t *ctx, dw_pg_t *pg, const rejects_args_t *a)
{
    PGresult *res = fetch(ctx, pg, a->resubmit);
    if (!res)
        return DWCTL_EXIT_INCOMPLETE;
    const char *rej_src = col(res, C_SRC), *rej_id = col(res, C_MSGID);
    dwctl_batch_t *batch = load_fixed(ctx, a, rej_src ? rej_src : "dwctl");
    dw_msg_t *msg = NULL;
    int code = DWCTL_EXIT_INCOMPLETE;
    if (!batch)
        goto out;
    const dwctl_item_t *item = dwctl_batch_item(batch, 0);
    dw_error_t err = {0};
    if (!(msg = dw_msg_decode(item->bytes.data, item->bytes.len, NULL, &err))) {
        fprintf(ctx->err, "dwctl: the corrected message does not decode: %s: %s\n", dw_code_name(err.code),
                err.message);
        goto out;
    }
    const char *src = dw_msg_src(msg), *id = dw_msg_id(msg);
    if (rej_src && strcmp(src, rej_src) != 0) {
        fprintf(ctx->err,
                "dwctl: reject %ld came from src %s, the corrected message says src %s: a correction is sent in the "
                "name of the source it corrects\n",
                a->resubmit, rej_src, src);
        goto out;
    }
    int64_t seq = 0;
    bool same = false;
    int found = stored(pg, src, id, &item->bytes, &seq, &same);
    if (found < 0)
        goto out;
    if (found && !same) {
        char fresh[96];
        suggest_id(pg, src, id, fresh, sizeof fresh);
        fprintf(ctx->err,
                "dwctl: %s/%s is already stored (inbox seq %" PRId64 "); the same src and id with other content is "
                "refused as conflict by contract, so a corrected message needs a new id, such as %s\n",
                src, id, seq, fresh);
        goto out;
    }
    fprintf(ctx->out, "resubmitting reject %ld (%s/%s, %s) as %s/%s%s\n", a->resubmit, rej_src ? rej_src : "-",
            rej_id ? rej_id : "-", col(res, C_CODE), src, id,
            rej_id && strcmp(id, rej_id) == 0 ? " (the same id: it was never stored)" : "");
    fflush(ctx->out);
    code = dwctl_send_raw(ctx, a->endpoint, item->bytes.data, item->bytes.len, a->timeout_ms, true);
out:
    dw_msg_destroy(&msg);
    dwctl_batch_destroy(&batch);
    PQclear(res);
    return code;
}

int dwctl_rejects_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    rejects_args_t a;
    int stop = parse(ctx, argc, argv, &a);
    if (stop != GO)
        return stop;
    dw_pg_t *pg = dw_pg_connect(a.conninfo, 0, "dwctl");
    if (!pg) {
        fprintf(ctx->err, "dwctl: could not connect to PostgreSQL (--conninfo or DW_DATABASE_CONNINFO)\n");
        return DWCTL_EXIT_INCOMPLETE;
    }
    int code = a.show ? show(ctx, pg, &a) : a.resubmit ? resubmit(ctx, pg, &a) : list(ctx, pg, &a);
    dw_pg_destroy(&pg);
    return code;
}
