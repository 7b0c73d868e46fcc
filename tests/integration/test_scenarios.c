/* integration.scenario.<NN_name> — one deviation-analysis scenario written
 * from the seeds (tests/scenarios/<NN_name>/scenario.yaml), run against the
 * real system with the shipped rule catalogue.
 *
 * Each step names a business date (as_of), the message files to send (the
 * format `dwctl send` reads) and what must hold afterwards: exactly the open
 * alerts listed, and optionally the alert.event rows the step added to the
 * outbox, the whole alert_history and the documents dw-validate refused (0
 * unless told, so that a scenario never passes on a form that was refused).
 * An open alert names project, rule and level; any of subject, ratio_bp,
 * expected_fen, actual_fen, expected, actual and disposition that it gives is
 * compared exactly ("" stands for none, e.g. no ratio). Every expected figure
 * is worked out by hand in the scenario's `why`.
 *
 * A step's messages reach dw-analyze in one batch, so that what it decides
 * does not depend on how the pipeline happened to cut them: dw-analyze is
 * stopped while they are sent and dw-validate stores them, then started again
 * (with the step's as_of in clock.as_of). On start it reads the whole backlog
 * at once, then runs the day (analysis_runs). A step with nothing to send and
 * the same date touches nothing.
 *
 * usage: test_scenarios DIR (the scenario directory) */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dw_harness.h"
#include "dw_producer.h"
#include "dw_test.h"

#define MAX_STEPS   16
#define MAX_SEND    8
#define MAX_OPEN    48
#define SETTLE_MS   20000 /* the longest a step may take to settle */
#define STABLE_MS   300   /* the outbox must stay unchanged this long */
#define SQL_TEXT    256
#define HISTORY_LEN 4096

/* An optional figure of an expected open alert. */
typedef struct opt_text {
    bool given;
    char text[SQL_TEXT];
} opt_text_t;

typedef struct expected_alert {
    char project[64], rule[40], level[8];
    opt_text_t subject, ratio_bp, expected_fen, actual_fen, expected, actual, disposition;
    int line;
} expected_alert_t;

typedef struct step {
    char as_of[11];
    char send[MAX_SEND][256];
    size_t n_send;
    expected_alert_t open[MAX_OPEN];
    size_t n_open;
    bool has_events, has_history, has_tasks, has_notices;
    long events, rejects;
    char history[HISTORY_LEN]; /* alert_id:change_no:event:level, space-separated */
    char tasks[HISTORY_LEN];   /* task_id:kind:section:state, space-separated (dw-route's tasks, all of them) */
    char notices[HISTORY_LEN]; /* topics of the notices published, in order */
    int line;
} step_t;

typedef struct scenario {
    char dir[512], name[128], title[256];
    step_t steps[MAX_STEPS];
    size_t n_steps;
} scenario_t;

/* An open alert as stored (NULL columns as ""). */
typedef struct actual_alert {
    char project[64], rule[40], subject[64], level[8];
    char ratio_bp[32], expected_fen[32], actual_fen[32];
    char expected[SQL_TEXT], actual[SQL_TEXT], disposition[SQL_TEXT];
    bool matched;
} actual_alert_t;

/* ---- scenario.yaml ------------------------------------------------------- */

typedef struct reader {
    yaml_document_t *doc;
    const char *path;
    bool ok;
} reader_t;

static int line_of(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

static bool bad(reader_t *r, const yaml_node_t *n, const char *what)
{
    fprintf(stderr, "%s:%d: %s\n", r->path, n ? line_of(n) : 0, what);
    r->ok = false;
    return false;
}

static const char *text_of(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool copy_scalar(reader_t *r, const yaml_node_t *n, char *dst, size_t cap, const char *what)
{
    const char *s = text_of(n);
    if (!s)
        return bad(r, n, what);
    if (strlen(s) >= cap)
        return bad(r, n, "value too long");
    memcpy(dst, s, strlen(s) + 1);
    return true;
}

static bool read_long(reader_t *r, const yaml_node_t *n, long *out)
{
    const char *s = text_of(n);
    char *end = NULL;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno)
        return bad(r, n, "expected a whole number");
    *out = v;
    return true;
}

/* The open-alert fields that may be given, and where each goes. */
static opt_text_t *optional_field(expected_alert_t *e, const char *key)
{
    static const char *const names[] = {"subject",  "ratio_bp", "expected_fen", "actual_fen",
                                        "expected", "actual",   "disposition"};
    opt_text_t *slots[] = {&e->subject,  &e->ratio_bp, &e->expected_fen, &e->actual_fen,
                           &e->expected, &e->actual,   &e->disposition};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (strcmp(key, names[k]) == 0)
            return slots[k];
    return NULL;
}

static bool read_open(reader_t *r, yaml_node_t *map, expected_alert_t *e)
{
    memset(e, 0, sizeof *e);
    e->line = line_of(map);
    if (map->type != YAML_MAPPING_NODE)
        return bad(r, map, "an open alert is a mapping {project, rule, level, ...}");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(r->doc, p->key), *v = yaml_document_get_node(r->doc, p->value);
        const char *key = text_of(k);
        opt_text_t *slot;
        if (!key)
            return bad(r, k, "a key must be text");
        if (strcmp(key, "project") == 0) {
            if (!copy_scalar(r, v, e->project, sizeof e->project, "project: expected text"))
                return false;
        } else if (strcmp(key, "rule") == 0) {
            if (!copy_scalar(r, v, e->rule, sizeof e->rule, "rule: expected text"))
                return false;
        } else if (strcmp(key, "level") == 0) {
            if (!copy_scalar(r, v, e->level, sizeof e->level, "level: expected text"))
                return false;
        } else if ((slot = optional_field(e, key))) {
            if (!copy_scalar(r, v, slot->text, sizeof slot->text, "expected a scalar"))
                return false;
            slot->given = true;
        } else {
            return bad(r, k,
                       "unknown key in an open alert (project rule level subject ratio_bp expected_fen "
                       "actual_fen expected actual disposition)");
        }
    }
    if (!e->project[0] || !e->rule[0] || !e->level[0])
        return bad(r, map, "an open alert needs project, rule and level");
    return true;
}

static bool read_expect(reader_t *r, yaml_node_t *map, step_t *s)
{
    if (map->type != YAML_MAPPING_NODE)
        return bad(r, map, "expect: a mapping");
    bool has_open = false;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(r->doc, p->key), *v = yaml_document_get_node(r->doc, p->value);
        const char *key = text_of(k);
        if (key && strcmp(key, "open") == 0) {
            has_open = true;
            if (v->type != YAML_SEQUENCE_NODE)
                return bad(r, v, "open: a list (empty: [])");
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
                if (s->n_open == MAX_OPEN)
                    return bad(r, v, "too many open alerts");
                if (!read_open(r, yaml_document_get_node(r->doc, *it), &s->open[s->n_open++]))
                    return false;
            }
        } else if (key && strcmp(key, "events") == 0) {
            s->has_events = true;
            if (!read_long(r, v, &s->events))
                return false;
        } else if (key && strcmp(key, "rejects") == 0) {
            if (!read_long(r, v, &s->rejects))
                return false;
        } else if (key && (strcmp(key, "history") == 0 || strcmp(key, "tasks") == 0 || strcmp(key, "notices") == 0)) {
            /* lists of words joined by spaces, compared with what the database says */
            char *into = strcmp(key, "history") == 0 ? s->history : strcmp(key, "tasks") == 0 ? s->tasks : s->notices;
            *(strcmp(key, "history") == 0 ? &s->has_history
              : strcmp(key, "tasks") == 0 ? &s->has_tasks
                                          : &s->has_notices) = true;
            if (v->type != YAML_SEQUENCE_NODE)
                return bad(r, v, "history / tasks / notices: a list of text items");
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
                const char *h = text_of(yaml_document_get_node(r->doc, *it));
                size_t used = strlen(into);
                if (!h || used + strlen(h) + 2 > HISTORY_LEN)
                    return bad(r, v, "history / tasks / notices: text items, not too many");
                snprintf(into + used, HISTORY_LEN - used, "%s%s", used ? " " : "", h);
            }
        } else {
            return bad(r, k, "unknown key in expect (open events history tasks notices rejects)");
        }
    }
    if (!has_open)
        return bad(r, map, "expect: open is required (the exact list of open alerts)");
    return true;
}

static bool read_step(reader_t *r, const char *dir, yaml_node_t *map, step_t *s)
{
    memset(s, 0, sizeof *s);
    s->line = line_of(map);
    if (map->type != YAML_MAPPING_NODE)
        return bad(r, map, "a step is a mapping {as_of, send, expect}");
    bool has_expect = false;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(r->doc, p->key), *v = yaml_document_get_node(r->doc, p->value);
        const char *key = text_of(k);
        if (key && strcmp(key, "as_of") == 0) {
            if (!copy_scalar(r, v, s->as_of, sizeof s->as_of, "as_of: YYYY-MM-DD"))
                return false;
            if (strlen(s->as_of) != 10)
                return bad(r, v, "as_of: YYYY-MM-DD");
        } else if (key && strcmp(key, "send") == 0) {
            if (v->type != YAML_SEQUENCE_NODE)
                return bad(r, v, "send: a list of files in the scenario's directory");
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
                const char *f = text_of(yaml_document_get_node(r->doc, *it));
                if (!f || s->n_send == MAX_SEND || strchr(f, '\'') || strchr(f, '/'))
                    return bad(r, v, "send: at most 8 plain file names");
                snprintf(s->send[s->n_send++], sizeof s->send[0], "%s/%s", dir, f);
            }
        } else if (key && strcmp(key, "expect") == 0) {
            has_expect = true;
            if (!read_expect(r, v, s))
                return false;
        } else {
            return bad(r, k, "unknown key in a step (as_of send expect)");
        }
    }
    if (!s->as_of[0] || !has_expect)
        return bad(r, map, "a step needs as_of and expect");
    return true;
}

static bool read_scenario(const char *dir, scenario_t *sc)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->dir, sizeof sc->dir, "%s", dir);
    const char *base = strrchr(dir, '/');
    snprintf(sc->name, sizeof sc->name, "%s", base ? base + 1 : dir);
    char path[600];
    snprintf(path, sizeof path, "%s/scenario.yaml", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return false;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    reader_t r = {&doc, path, true};
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        fprintf(stderr, "%s:%d: %s\n", path, (int)parser.problem_mark.line + 1,
                parser.problem ? parser.problem : "not YAML");
        yaml_parser_delete(&parser);
        fclose(f);
        return false;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        bad(&r, root, "a scenario is a mapping {title, seeds, why, steps}");
    } else {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; r.ok && p < root->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key), *v = yaml_document_get_node(&doc, p->value);
            const char *key = text_of(k);
            if (key && strcmp(key, "title") == 0) {
                copy_scalar(&r, v, sc->title, sizeof sc->title, "title: text");
            } else if (key && (strcmp(key, "seeds") == 0 || strcmp(key, "why") == 0)) {
                if (!text_of(v) || !*text_of(v))
                    bad(&r, v, "seeds and why: text (why holds the hand calculation)");
            } else if (key && strcmp(key, "steps") == 0 && v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *it = v->data.sequence.items.start; r.ok && it < v->data.sequence.items.top;
                     it++) {
                    if (sc->n_steps == MAX_STEPS)
                        bad(&r, v, "too many steps");
                    else
                        read_step(&r, dir, yaml_document_get_node(&doc, *it), &sc->steps[sc->n_steps++]);
                }
            } else {
                bad(&r, k, "unknown key (title seeds why steps), or steps is not a list");
            }
        }
        if (r.ok && (!sc->title[0] || sc->n_steps == 0))
            bad(&r, root, "a scenario needs a title and at least one step");
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return r.ok;
}

/* ---- the running system -------------------------------------------------- */

static int send_files(dw_harness_t *h, const step_t *s)
{
    char cmd[4096];
    int len = snprintf(cmd, sizeof cmd, "'%s/services/dwctl/dwctl' send --strict --endpoint '%s'", h->build_dir,
                       h->intake_ep);
    for (size_t i = 0; i < s->n_send && len > 0 && (size_t)len < sizeof cmd; i++)
        len += snprintf(cmd + len, sizeof cmd - (size_t)len, " '%s'", s->send[i]);
    if (len <= 0 || (size_t)len >= sizeof cmd)
        return -1;
    int st = system(cmd);
    return st == 0 ? 0 : -1;
}

/* Polls until the query returns 1 (true); false after SETTLE_MS. */
static bool wait_true(dw_harness_t *h, const char *what, const char *sql)
{
    if (dw_harness_wait_int(h, sql, 1, SETTLE_MS) == 1)
        return true;
    fprintf(stderr, "not settled after %d ms: %s\n", SETTLE_MS, what);
    return false;
}

/* The SQL true when `stage` has read all that `upstream` wrote. */
static void caught_up_sql(char *out, size_t n, const char *stage, const char *upstream)
{
    const char *head = strcmp(upstream, "intake") == 0 ? "SELECT max(seq) FROM inbox"
                                                       : "SELECT max(seq) FROM stage_events WHERE stage = '%s'";
    char head_sql[128];
    snprintf(head_sql, sizeof head_sql, head, upstream);
    snprintf(out, n,
             "SELECT (coalesce((SELECT seq FROM stage_cursors WHERE stage = '%s' AND upstream = '%s'), 0) "
             "= coalesce((%s), 0))::int",
             stage, upstream, head_sql);
}

static bool wait_caught_up(dw_harness_t *h, const char *stage, const char *upstream)
{
    char sql[512], what[96];
    caught_up_sql(sql, sizeof sql, stage, upstream);
    snprintf(what, sizeof what, "dw-%s has not read all of %s", stage, upstream);
    return wait_true(h, what, sql);
}

/* Everything the step set off has been done and published. */
static bool wait_settled(dw_harness_t *h, const char *as_of)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*)::int FROM analysis_runs WHERE fiscal_year = %.4s AND as_of = '%s'::date",
             as_of, as_of);
    if (!wait_caught_up(h, "validate", "intake") || !wait_caught_up(h, "analyze", "validate") ||
        !wait_true(h, "the day's run is not in analysis_runs", sql) || !wait_caught_up(h, "route", "analyze") ||
        !wait_caught_up(h, "notify", "analyze") || !wait_caught_up(h, "notify", "route") ||
        !wait_caught_up(h, "notify", "validate"))
        return false;
    int64_t last = dw_harness_int(h, "SELECT count(*) FROM outbox");
    for (int stable = 0, waited = 0; stable < STABLE_MS; waited += 50) {
        if (waited > SETTLE_MS) {
            fprintf(stderr, "not settled after %d ms: the outbox keeps growing\n", SETTLE_MS);
            return false;
        }
        dw_harness_sleep_ms(50);
        int64_t now = dw_harness_int(h, "SELECT count(*) FROM outbox");
        stable = now == last ? stable + 50 : 0;
        last = now;
    }
    return true;
}

/* ---- comparing ----------------------------------------------------------- */

static void cell(PGresult *res, int r, int c, char *dst, size_t n)
{
    snprintf(dst, n, "%s", PQgetisnull(res, r, c) ? "" : PQgetvalue(res, r, c));
}

static actual_alert_t *load_open_alerts(dw_harness_t *h, size_t *n)
{
    *n = 0;
    PGresult *res = PQexec(h->db, "SELECT project_code, rule_id, subject, level, ratio_bp, expected_fen, actual_fen, "
                                  "expected, actual, disposition FROM alerts WHERE status = 'open' "
                                  "ORDER BY project_code, rule_id, subject");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "open alerts: %s", PQerrorMessage(h->db));
        PQclear(res);
        return NULL;
    }
    actual_alert_t *a = calloc((size_t)PQntuples(res) + 1, sizeof *a);
    for (int r = 0; a && r < PQntuples(res); r++) {
        actual_alert_t *x = &a[(*n)++];
        cell(res, r, 0, x->project, sizeof x->project);
        cell(res, r, 1, x->rule, sizeof x->rule);
        cell(res, r, 2, x->subject, sizeof x->subject);
        cell(res, r, 3, x->level, sizeof x->level);
        cell(res, r, 4, x->ratio_bp, sizeof x->ratio_bp);
        cell(res, r, 5, x->expected_fen, sizeof x->expected_fen);
        cell(res, r, 6, x->actual_fen, sizeof x->actual_fen);
        cell(res, r, 7, x->expected, sizeof x->expected);
        cell(res, r, 8, x->actual, sizeof x->actual);
        cell(res, r, 9, x->disposition, sizeof x->disposition);
    }
    PQclear(res);
    return a;
}

static bool field_ok(const opt_text_t *want, const char *got)
{
    return !want->given || strcmp(want->text, got) == 0;
}

static bool matches(const expected_alert_t *e, const actual_alert_t *a)
{
    return strcmp(e->project, a->project) == 0 && strcmp(e->rule, a->rule) == 0 && strcmp(e->level, a->level) == 0 &&
           field_ok(&e->subject, a->subject) && field_ok(&e->ratio_bp, a->ratio_bp) &&
           field_ok(&e->expected_fen, a->expected_fen) && field_ok(&e->actual_fen, a->actual_fen) &&
           field_ok(&e->expected, a->expected) && field_ok(&e->actual, a->actual) &&
           field_ok(&e->disposition, a->disposition);
}

static void print_expected(const expected_alert_t *e)
{
    fprintf(stderr, "    line %d: %s %s level=%s", e->line, e->project, e->rule, e->level);
    const opt_text_t *f[] = {&e->subject,  &e->ratio_bp, &e->expected_fen, &e->actual_fen,
                             &e->expected, &e->actual,   &e->disposition};
    static const char *const names[] = {"subject",  "ratio_bp", "expected_fen", "actual_fen",
                                        "expected", "actual",   "disposition"};
    for (size_t k = 0; k < sizeof f / sizeof *f; k++)
        if (f[k]->given)
            fprintf(stderr, " %s=\"%s\"", names[k], f[k]->text);
    fputc('\n', stderr);
}

static void print_actual(const actual_alert_t *a)
{
    fprintf(stderr,
            "    %s %s subject=\"%s\" level=%s ratio_bp=%s expected_fen=%s actual_fen=%s expected=\"%s\" "
            "actual=\"%s\" disposition=\"%s\"\n",
            a->project, a->rule, a->subject, a->level, a->ratio_bp[0] ? a->ratio_bp : "-",
            a->expected_fen[0] ? a->expected_fen : "-", a->actual_fen[0] ? a->actual_fen : "-", a->expected, a->actual,
            a->disposition);
}

static void print_rejects(dw_harness_t *h, int64_t since_id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT stage || ' ' || coalesce(src, '') || '/' || coalesce(id, '') || ' ' || code || ': ' || message "
             "FROM rejects WHERE reject_id > %lld ORDER BY reject_id",
             (long long)since_id);
    PGresult *res = PQexec(h->db, sql);
    for (int r = 0; PQresultStatus(res) == PGRES_TUPLES_OK && r < PQntuples(res); r++)
        fprintf(stderr, "    %s\n", PQgetvalue(res, r, 0));
    PQclear(res);
}

/* Compares what holds after step k with its expectations; 0 when all match. */
static int compare_step(dw_harness_t *h, const scenario_t *sc, size_t k, int64_t events, int64_t rejects,
                        int64_t rejects_before)
{
    const step_t *s = &sc->steps[k];
    int failures = 0;
    size_t n_actual = 0;
    actual_alert_t *actual = load_open_alerts(h, &n_actual);
    if (!actual)
        return 1;
    bool missing = false;
    for (size_t i = 0; i < s->n_open; i++) {
        bool found = false;
        for (size_t j = 0; j < n_actual && !found; j++)
            if (!actual[j].matched && matches(&s->open[i], &actual[j]))
                found = actual[j].matched = true;
        if (!found) {
            if (!missing)
                fprintf(stderr, "  expected open, not found:\n");
            missing = true;
            print_expected(&s->open[i]);
        }
    }
    bool extra = false;
    for (size_t j = 0; j < n_actual; j++)
        if (!actual[j].matched) {
            if (!extra)
                fprintf(stderr, "  open but not expected:\n");
            extra = true;
            print_actual(&actual[j]);
        }
    if (missing || extra) {
        failures++;
        fprintf(stderr, "  actual open alerts (%zu):\n", n_actual);
        for (size_t j = 0; j < n_actual; j++)
            print_actual(&actual[j]);
    }
    free(actual);
    if (s->has_events && events != s->events) {
        failures++;
        fprintf(stderr, "  alert.event rows added to the outbox: %lld, expected %ld\n", (long long)events, s->events);
    }
    if (s->has_history) {
        char got[HISTORY_LEN];
        dw_harness_text(h,
                        "SELECT string_agg(alert_id || ':' || change_no || ':' || event || ':' || level, ' ' "
                        "ORDER BY alert_id, change_no) FROM alert_history",
                        got, sizeof got);
        if (strcmp(got, s->history) != 0) {
            failures++;
            fprintf(stderr, "  alert_history: \"%s\"\n      expected: \"%s\"\n", got, s->history);
        }
    }
    if (s->has_tasks) {
        char got[HISTORY_LEN];
        dw_harness_text(h,
                        "SELECT string_agg(task_id || ':' || kind || ':' || section_code || ':' || state, ' ' "
                        "ORDER BY task_id) FROM tasks",
                        got, sizeof got);
        if (strcmp(got, s->tasks) != 0) {
            failures++;
            fprintf(stderr, "  tasks: \"%s\"\n  expected: \"%s\"\n", got, s->tasks);
        }
    }
    if (s->has_notices) {
        char got[HISTORY_LEN];
        dw_harness_text(h, "SELECT string_agg(topic, ' ' ORDER BY seq) FROM outbox WHERE stream = 'notice'", got,
                        sizeof got);
        if (strcmp(got, s->notices) != 0) {
            failures++;
            fprintf(stderr, "  notices: \"%s\"\n    expected: \"%s\"\n", got, s->notices);
        }
    }
    if (rejects != s->rejects) {
        failures++;
        fprintf(stderr, "  documents refused by this step: %lld, expected %ld\n", (long long)rejects, s->rejects);
        print_rejects(h, rejects_before);
    }
    if (failures)
        fprintf(stderr, "scenario %s (%s): step %zu (line %d, as_of %s) does not hold (above)\n", sc->name, sc->title,
                k + 1, s->line, s->as_of);
    return failures;
}

/* Runs step k: the date, the messages, the wait, the comparison. */
static void run_step(dw_harness_t *h, const scenario_t *sc, size_t k, char running_as_of[11])
{
    const step_t *s = &sc->steps[k];
    int64_t events_before = dw_harness_int(h, "SELECT count(*) FROM outbox WHERE stream = 'alert'");
    int64_t rejects_before = dw_harness_int(h, "SELECT coalesce(max(reject_id), 0) FROM rejects");
    int64_t rejects_count = dw_harness_int(h, "SELECT count(*) FROM rejects");
    if (s->n_send > 0 || strcmp(s->as_of, running_as_of) != 0) {
        CHECK(dw_test_stop_service(h, "analyze") == 0);
        if (s->n_send > 0) {
            CHECK(send_files(h, s) == 0);
            CHECK(wait_caught_up(h, "validate", "intake"));
        }
        CHECK(dw_test_set_as_of(h, s->as_of) == 0);
        CHECK(dw_harness_script(h, "start >/dev/null") == 0);
        memcpy(running_as_of, s->as_of, 11);
    }
    CHECK(wait_settled(h, s->as_of));
    int64_t events = dw_harness_int(h, "SELECT count(*) FROM outbox WHERE stream = 'alert'") - events_before;
    int64_t rejects = dw_harness_int(h, "SELECT count(*) FROM rejects") - rejects_count;
    CHECK(compare_step(h, sc, k, events, rejects, rejects_before) == 0);
}

int main(int argc, char **argv)
{
    scenario_t *sc = calloc(1, sizeof *sc);
    if (argc != 2 || !sc) {
        fprintf(stderr, "usage: %s SCENARIO_DIR\n", argv[0]);
        free(sc);
        return 64;
    }
    if (!read_scenario(argv[1], sc)) {
        free(sc);
        return 1;
    }
    /* the shipped catalogue (not the pipeline tests' one), the open alerts'
     * figures in the table with every batch (a step's figures are compared
     * as soon as it settled), and the first step's date */
    char extra[192], running[11], name[32];
    snprintf(extra, sizeof extra, "analyze:\n  rules_file: \"\"\n  figures_interval_ms: 0\nclock:\n  as_of: \"%s\"\n",
             sc->steps[0].as_of);
    memcpy(running, sc->steps[0].as_of, sizeof running);
    snprintf(name, sizeof name, "scn%.2s", sc->name);
    dw_harness_t h;
    if (dw_harness_start(&h, name, extra) != 0) {
        (void)dw_harness_stop(&h, true);
        free(sc);
        return 1;
    }
    fprintf(stderr, "scenario %s: %s\n", sc->name, sc->title);
    for (size_t k = 0; k < sc->n_steps; k++)
        run_step(&h, sc, k, running);
    CHECK_INT(dw_harness_stop(&h, dw_test_failures > 0), 0); /* no sanitizer report from any service */
    free(sc);
    DW_TEST_DONE();
}
