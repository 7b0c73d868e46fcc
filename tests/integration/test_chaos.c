/* integration.chaos — the same stream while dw-intake and dw-validate are each
 * killed with SIGKILL several times and restarted ends with every acked
 * payment stored exactly once and the fen totals exact.
 *
 * The stream of integration.stream (dw_test_stream in dw_producer.c), made
 * smaller: 50,000 treasury.payment messages instead of 200,000, so that the
 * run stays well inside its time under AddressSanitizer, where the services
 * take several times longer. Planted, as there and on payments already acked:
 * 1,000 resends, 250 id conflicts, 500 voucher repeats and 150 voucher
 * conflicts, so 48,100 payments carry a voucher of their own.
 *
 * The producer does what the contract tells one to do: every message stays in
 * hand until a final ack, and goes again (same bytes) when none came within
 * RESEND_MS or when its connection was reset (a socket monitor on the DEALER).
 * A forked killer watches how far the stream has got and, at points drawn
 * from the seed (one in each eighth of 5 % .. 90 % of the stream), sends
 * SIGKILL to dw-intake and dw-validate by turns, 4 times each (the pid from
 * <home>/run/<name>.pid, checked to be the service and never <= 1), leaves it
 * down for up to 0.7 s and starts it again with deploy/dualwatch.sh start.
 * A restart takes longer than the stream needs from one kill point to the
 * next, so the producer stops sending new messages LEAD answers past a kill
 * point until the restart is through (it keeps what it has in flight): every
 * kill lands while messages are in flight. What must hold at the end:
 *   - every payment acked ok is in payments exactly once, at its amount and
 *     under its own id (the set of acked vouchers against the table);
 *   - sum(amount_fen) is the generator's total of the acked payments, overall
 *     and per project;
 *   - the inbox holds lines + 48,100 + 500 + 150 rows with seq 1..n (gapless);
 *     dw-validate's cursor is at that head; its events are 1..m, one per line,
 *     payment and refusal; payments.inbox_seq values are unique and each points
 *     at the inbox row of its own message;
 *   - the 150 voucher conflicts are refused exactly once each by dw-validate,
 *     however often it was killed in the middle of a batch;
 *   - no ack contradicts an earlier one for the same message (a resend of
 *     stored bytes is a dup of the same seq, never a conflict). */
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "dw_date.h"
#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

#define SEED              20261122
#define PROJECTS          50
#define OVER_BUDGET       6
#define PAYMENTS          50000
#define RESENDS           1000
#define ID_CONFLICTS      250
#define VOUCHER_REPEATS   500
#define VOUCHER_CONFLICTS 150
#define ORIGINALS         48100 /* 50,000 - 1,000 - 250 - 500 - 150 */
#define WINDOW            1000
#define RESEND_MS         2000
#define KILLS_EACH        4
#define LEAD              2500   /* answers the producer may run ahead of a kill point */
#define GATE_MAX_MS       30000  /* a restart that takes longer than this is a failure */
#define BUDGET_MS         150000 /* the whole run, inside CTest's 180 s, so that the harness still stops the cluster */

static const char *const victims[2] = {"intake", "validate"};

/* Between the producer and the forked killer. */
typedef struct chaos_shared {
    size_t answered; /* payment messages with their final ack (the producer writes) */
    size_t gate;     /* the producer sends no more once this many are answered (the killer writes) */
    int done;        /* the producer has finished: the killer stops */
    int killer_done; /* the killer has finished: no more gate */
    int gate_stuck;  /* the producer stopped waiting at the gate (the killer hung) */
    int kills[2];    /* SIGKILLs sent to dw-intake, dw-validate */
    int restarts_failed;
} chaos_shared_t;

/* After each send. A restart through the run script takes a second or more,
 * longer than the stream needs to get from one kill point to the next: the
 * producer waits at the gate (LEAD answers past a kill point) until the
 * restart is through, so that every kill lands in the middle of the stream. */
static void progress(void *arg, size_t answered)
{
    chaos_shared_t *sh = arg;
    __atomic_store_n(&sh->answered, answered, __ATOMIC_RELAXED);
    int64_t since = dw_mono_ms();
    while (answered >= __atomic_load_n(&sh->gate, __ATOMIC_RELAXED) &&
           !__atomic_load_n(&sh->killer_done, __ATOMIC_RELAXED) && !sh->gate_stuck) {
        if (dw_mono_ms() - since > GATE_MAX_MS)
            sh->gate_stuck = 1; /* a failure, checked below; the run goes on so that the cluster is stopped */
        dw_harness_sleep_ms(2);
    }
}

/* What is left of the run's time, never less than a second. */
static int left_ms(int64_t deadline)
{
    int64_t left = deadline - dw_mono_ms();
    return left > 1000 ? (int)left : 1000;
}

static uint64_t next_random(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The live service's pid from its pid file, or -1: never 0, 1 or a pid that
 * has since gone to another program. */
static int service_pid(const dw_harness_t *h, const char *name)
{
    char path[400], line[32] = "", cmd[256] = "", want[32];
    snprintf(path, sizeof path, "%s/run/%s.pid", h->home, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    int pid = got ? atoi(line) : -1;
    if (pid <= 1)
        return -1;
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(cmd, 1, sizeof cmd - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (cmd[i] == '\0')
            cmd[i] = ' ';
    snprintf(want, sizeof want, "dw-%s", name);
    return strstr(cmd, want) ? pid : -1;
}

/* The forked killer: never touches the parent's ZeroMQ or PostgreSQL handles. */
static void killer(dw_harness_t *h, chaos_shared_t *sh)
{
    uint64_t rng = SEED;
    int order[2 * KILLS_EACH], first = (int)(next_random(&rng) % 2);
    size_t thresholds[2 * KILLS_EACH];
    for (int e = 0; e < 2 * KILLS_EACH; e++) /* by turns, so that each restarts while the other catches up */
        order[e] = (first + e) % 2;
    /* spread over 5 % .. 90 % of the stream, each somewhere in its own stretch */
    size_t stretch = PAYMENTS * 85 / 100 / (2 * KILLS_EACH);
    for (int e = 0; e < 2 * KILLS_EACH; e++)
        thresholds[e] = PAYMENTS * 5 / 100 + (size_t)e * stretch + next_random(&rng) % stretch;
    __atomic_store_n(&sh->gate, thresholds[0] + LEAD, __ATOMIC_RELAXED);
    for (int e = 0; e < 2 * KILLS_EACH; e++) {
        while (__atomic_load_n(&sh->answered, __ATOMIC_RELAXED) < thresholds[e] &&
               !__atomic_load_n(&sh->done, __ATOMIC_RELAXED))
            dw_harness_sleep_ms(1);
        if (__atomic_load_n(&sh->done, __ATOMIC_RELAXED))
            break;
        const char *name = victims[order[e]];
        int pid = service_pid(h, name);
        if (pid > 1 && kill(pid, SIGKILL) == 0) {
            sh->kills[order[e]]++;
            fprintf(stderr, "chaos: SIGKILL to dw-%s (pid %d) at %zu of %d answered\n", name, pid,
                    __atomic_load_n(&sh->answered, __ATOMIC_RELAXED), PAYMENTS);
            for (int waited = 0; waited < 5000 && dw_test_process_alive(pid); waited += 10)
                dw_harness_sleep_ms(10);
        } else {
            fprintf(stderr, "chaos: dw-%s is not running (pid file %d)\n", name, pid);
        }
        dw_harness_sleep_ms((int)(next_random(&rng) % 700)); /* down a while */
        if (dw_harness_script(h, "start") != 0)
            sh->restarts_failed++;
        if (e + 1 < 2 * KILLS_EACH)
            __atomic_store_n(&sh->gate, thresholds[e + 1] + LEAD, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&sh->killer_done, 1, __ATOMIC_RELAXED);
}

int main(void)
{
    dw_test_stream_opts_t opts = {.seed = SEED,
                                  .projects = PROJECTS,
                                  .over_budget = OVER_BUDGET,
                                  .payments = PAYMENTS,
                                  .plants = {RESENDS, ID_CONFLICTS, VOUCHER_REPEATS, VOUCHER_CONFLICTS}};
    dw_test_stream_t *s = dw_test_stream_new(&opts);
    chaos_shared_t *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!s || sh == MAP_FAILED) {
        fprintf(stderr, "chaos: could not make the stream\n");
        return 1;
    }
    memset(sh, 0, sizeof *sh);
    sh->gate = SIZE_MAX; /* until the killer sets its first */
    const dw_test_stream_tally_t *t = dw_test_stream_tally(s);
    dw_harness_t h;
    if (dw_harness_start(&h, "chaos", NULL) != 0) {
        (void)dw_harness_stop(&h, true);
        dw_test_stream_destroy(&s);
        return 1;
    }
    fflush(NULL);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        killer(&h, sh);
        fflush(NULL);
        _exit(0);
    }
    int64_t started = dw_mono_ms();
    dw_test_window_stats_t ws;
    int sent = dw_test_stream_run(s, h.zmq_ctx, h.intake_ep, WINDOW, RESEND_MS, BUDGET_MS - 30000, progress, sh, &ws);
    CHECK_INT(sent, 0);
    __atomic_store_n(&sh->done, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&sh->killer_done, 1, __ATOMIC_RELAXED);
    int status = 0;
    CHECK(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    fprintf(stderr,
            "chaos: %zu messages answered in %lld ms; %zu sent, %zu resent, %zu acks (%zu late, %zu busy or "
            "internal), %zu resets, %zu stored before their first ack was lost; killed dw-intake %d, dw-validate "
            "%d times\n",
            t->lines + PAYMENTS, (long long)(dw_mono_ms() - started), ws.sent, ws.resent, ws.acks, ws.late_acks,
            ws.retry_answers, ws.disconnects, t->acked_dup - t->planted[DW_TEST_RESEND], sh->kills[0], sh->kills[1]);
    CHECK(dw_harness_script(&h, "start") == 0); /* whatever the killer left down */

    /* the chaos happened */
    CHECK_INT(sh->kills[0], KILLS_EACH);
    CHECK_INT(sh->kills[1], KILLS_EACH);
    CHECK_INT(sh->restarts_failed, 0);
    CHECK_INT(sh->gate_stuck, 0);
    CHECK(ws.resent > 0); /* messages were lost in flight and sent again */
    /* every message answered, as its kind calls for, and no answer contradicted */
    CHECK_INT(t->originals, ORIGINALS);
    CHECK_INT(t->planted[DW_TEST_RESEND], RESENDS);
    CHECK_INT(t->planted[DW_TEST_ID_CONFLICT], ID_CONFLICTS);
    CHECK_INT(t->planted[DW_TEST_VOUCHER_REPEAT], VOUCHER_REPEATS);
    CHECK_INT(t->planted[DW_TEST_VOUCHER_CONFLICT], VOUCHER_CONFLICTS);
    CHECK_INT(t->originals_ok, ORIGINALS);
    CHECK_INT(t->acked_conflict, ID_CONFLICTS);
    CHECK_INT(t->acked_other, 0);
    CHECK_INT(t->unexpected, 0);
    CHECK_INT(ws.stray, 0);
    CHECK_INT(ws.disagreeing, 0);

    /* the inbox: each message once, seq 1..n; dw-validate's cursor at its head */
    int64_t inbox = (int64_t)t->lines + ORIGINALS + VOUCHER_REPEATS + VOUCHER_CONFLICTS;
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM inbox"), inbox);
    CHECK_INT(dw_harness_int(&h, "SELECT min(seq) FROM inbox"), 1);
    CHECK_INT(dw_harness_int(&h, "SELECT max(seq) FROM inbox"), inbox);
    CHECK_INT(dw_harness_wait_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'",
                                  inbox, sent == 0 ? left_ms(started + BUDGET_MS) : 1000),
              inbox);
    CHECK_INT(dw_harness_int(&h, "SELECT seq FROM stage_cursors WHERE stage = 'validate' AND upstream = 'intake'"),
              dw_harness_int(&h, "SELECT max(seq) FROM inbox"));

    /* the payments: the acked set, each once, at its amount, under its own id */
    PGresult *rows = PQexec(h.db, "SELECT voucher_no, amount_fen, id FROM payments");
    CHECK(PQresultStatus(rows) == PGRES_TUPLES_OK);
    dw_test_compare_t cmp;
    dw_test_stream_compare(s, rows, &cmp);
    PQclear(rows);
    CHECK_INT(cmp.matched, ORIGINALS);
    CHECK_INT(cmp.missing, 0);
    CHECK_INT(cmp.twice, 0);
    CHECK_INT(cmp.unexpected, 0);
    CHECK_INT(cmp.wrong_amount, 0);
    CHECK_INT(cmp.wrong_id, 0);
    CHECK_INT(cmp.sum_fen, t->acked_fen);
    CHECK_INT(t->acked_fen, t->total_fen); /* every payment was acked in the end */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments"), ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT voucher_no) FROM payments"), ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT sum(amount_fen) FROM payments"), t->acked_fen);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT inbox_seq) FROM payments"), ORIGINALS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM payments p JOIN inbox i ON i.seq = p.inbox_seq "
                                 "AND i.src = p.src AND i.id = p.id AND i.type = 'treasury.payment'"),
              ORIGINALS);
    /* per project */
    PGresult *sums = PQexec(h.db, "SELECT project_code, sum(amount_fen), count(*) FROM payments GROUP BY 1");
    CHECK(PQresultStatus(sums) == PGRES_TUPLES_OK);
    int wrong = 0, found = 0, paid_on = 0;
    for (size_t k = 0; k < dw_test_stream_projects(s); k++) {
        const dw_test_project_t *p = dw_test_stream_project(s, k);
        paid_on += p->n_payments > 0;
        for (int r = 0; r < PQntuples(sums); r++)
            if (strcmp(PQgetvalue(sums, r, 0), p->code) == 0) {
                found++;
                wrong += strtoll(PQgetvalue(sums, r, 1), NULL, 10) != p->paid_fen ||
                         strtoll(PQgetvalue(sums, r, 2), NULL, 10) != (long long)p->n_payments;
            }
    }
    CHECK_INT(found, PQntuples(sums));
    CHECK_INT(found, paid_on);
    CHECK_INT(wrong, 0);
    PQclear(sums);

    /* dw-validate's events: one per line, payment and refusal, 1..m */
    int64_t events = (int64_t)t->lines + ORIGINALS + VOUCHER_CONFLICTS;
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM stage_events WHERE stage = 'validate'"), events);
    CHECK_INT(dw_harness_int(&h, "SELECT max(seq) FROM stage_events WHERE stage = 'validate'"), events);
    /* refusals: dw-validate's exactly once each; dw-intake's once per conflicting copy */
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'validate'"), VOUCHER_CONFLICTS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT id) FROM rejects WHERE stage = 'validate' AND code = "
                                 "'conflict' AND id LIKE 'TV-%'"),
              VOUCHER_CONFLICTS);
    CHECK(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage = 'intake' AND code = 'conflict'") >=
          ID_CONFLICTS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(DISTINCT id) FROM rejects WHERE stage = 'intake'"), ID_CONFLICTS);
    CHECK_INT(dw_harness_int(&h, "SELECT count(*) FROM rejects WHERE stage NOT IN ('intake', 'validate') "
                                 "OR code <> 'conflict'"),
              0);

    dw_test_stream_destroy(&s);
    munmap(sh, sizeof *sh);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    DW_TEST_DONE();
}
