#include "dwctl_reanalyze.h"

#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "dw_date.h"
#include "dw_pg.h"
#include "dwctl_args.h"

enum { OPT_YEAR = 1, OPT_NO_REBUILD, OPT_CONNINFO, OPT_TIMEOUT, OPT_HELP };

static const struct option longopts[] = {
    {"year", required_argument, NULL, OPT_YEAR},
    {"no-rebuild", no_argument, NULL, OPT_NO_REBUILD},
    {"conninfo", required_argument, NULL, OPT_CONNINFO},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage_error(const dwctl_ctx_t *ctx, const char *why)
{
    fprintf(ctx->err, "dwctl: reanalyze: %s\n", why);
    dwctl_usage(ctx->err, "reanalyze");
    return DWCTL_EXIT_USAGE;
}

/* Waits for the request to be done: 0, 1 on timeout or signal, -1 on a database failure. */
static int wait_done(const dwctl_ctx_t *ctx, dw_pg_t *pg, const char *id, long timeout_ms, PGresult **done)
{
    int64_t until = dw_mono_ms() + timeout_ms;
    const char *p[1] = {id};
    for (;;) {
        PGresult *res =
            dw_pg_query(pg, "dwctl",
                        "SELECT coalesce(as_of::text, '-'), projects, changes, rebuild_ms, elapsed_ms, "
                        "(extract(epoch FROM done_at - requested_at) * 1000)::bigint FROM analysis_requests "
                        "WHERE request_id = $1 AND done_at IS NOT NULL",
                        1, p);
        if (!res)
            return -1;
        if (PQntuples(res) == 1) {
            *done = res;
            return 0;
        }
        PQclear(res);
        if (dw_mono_ms() >= until)
            return 1;
        struct pollfd pfd = {.fd = ctx->signal_fd, .events = POLLIN};
        if (poll(&pfd, 1, 100) > 0)
            return 1;
    }
}

int dwctl_reanalyze_main(const dwctl_ctx_t *ctx, int argc, char **argv)
{
    long year = 0, timeout_ms = 600000;
    bool rebuild = true;
    const char *conninfo = NULL;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_YEAR:
            if (dwctl_parse_long("--year", optarg, 2000, 2100, &year, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_NO_REBUILD: rebuild = false; break;
        case OPT_CONNINFO: conninfo = optarg; break;
        case OPT_TIMEOUT:
            if (dwctl_parse_long("--timeout-ms", optarg, 1, 86400000, &timeout_ms, ctx->err) != 0)
                return DWCTL_EXIT_USAGE;
            break;
        case OPT_HELP: dwctl_usage(ctx->out, "reanalyze"); return DWCTL_EXIT_OK;
        default: dwctl_usage(ctx->err, "reanalyze"); return DWCTL_EXIT_USAGE;
        }
    }
    if (optind < argc)
        return usage_error(ctx, "reanalyze takes options only");
    if (!year)
        return usage_error(ctx, "--year YYYY: the fiscal year to analyse again");
    if (!conninfo)
        conninfo = getenv("DW_DATABASE_CONNINFO");
    if (!conninfo || !*conninfo)
        return usage_error(ctx, "no database: give --conninfo or set DW_DATABASE_CONNINFO");
    dw_pg_t *pg = dw_pg_connect(conninfo, 0, "dwctl-reanalyze");
    if (!pg)
        return DWCTL_EXIT_INCOMPLETE;
    char y[16], id[24] = "";
    snprintf(y, sizeof y, "%ld", year);
    const char *p[2] = {y, rebuild ? "true" : "false"};
    PGresult *res = dw_pg_query(
        pg, "dwctl", "INSERT INTO analysis_requests (fiscal_year, rebuild) VALUES ($1, $2) RETURNING request_id", 2, p);
    int code = DWCTL_EXIT_INCOMPLETE;
    if (!res)
        goto out;
    snprintf(id, sizeof id, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    fprintf(ctx->err, "dwctl: re-analysis %s of fiscal year %ld requested%s; waiting for dw-analyze\n", id, year,
            rebuild ? " (positions rebuilt from payments and reversals)" : "");
    PGresult *done = NULL;
    int w = wait_done(ctx, pg, id, timeout_ms, &done);
    if (w == 1)
        fprintf(ctx->err,
                "dwctl: re-analysis %s not done yet (is dw-analyze running?); it stays requested and runs when "
                "dw-analyze gets to it\n",
                id);
    if (w != 0)
        goto out;
    fprintf(ctx->out,
            "re-analysis %s of %ld as of %s: %s projects, %s alert changes published, positions rebuilt in %s ms, "
            "%s ms in dw-analyze, %s ms from request to done\n",
            id, year, PQgetvalue(done, 0, 0), PQgetvalue(done, 0, 1), PQgetvalue(done, 0, 2),
            PQgetisnull(done, 0, 3) ? "-" : PQgetvalue(done, 0, 3), PQgetvalue(done, 0, 4), PQgetvalue(done, 0, 5));
    PQclear(done);
    code = DWCTL_EXIT_OK;
out:
    dw_pg_destroy(&pg);
    return code;
}
