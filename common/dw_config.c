#include "dw_config.h"
#include "dw_yaml.h"

#include "dw_date.h"
#include "dw_log.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* A config file is a page or two; anything this big is not one. */
#define CFG_FILE_MAX (1024 * 1024)
/* Dotted names are short; a longer key is unknown by construction. */
#define CFG_NAME_MAX 128
/* Only "group.key" exists today; the guard also stops an alias cycle. */
#define CFG_DEPTH_MAX 4

typedef enum cfg_type {
    CT_STRING,   /* any text that fits the field (may be empty) */
    CT_NAME,     /* non-empty, ASCII letters, digits, '_' and '-' */
    CT_ENDPOINT, /* a ZeroMQ endpoint: tcp://, ipc:// or inproc:// */
    CT_INT,      /* decimal integer in [min, max], into int or int64_t */
    CT_BOOL,     /* true | false */
    CT_LOG_LEVEL,
    CT_ENUM, /* one of names[], stored as its index (int) */
    CT_DATE, /* "" or a real YYYY-MM-DD */
    /* lists of real YYYY-MM-DD dates, each at most once, into dw_date_t[] and a size_t count */
    CT_DATES,         /* any day of the week */
    CT_WEEKEND_DATES, /* Saturdays and Sundays only */
    CT_YEARLY_DATES,  /* at most one in each calendar year */
} cfg_type_t;

typedef struct cfg_key {
    const char *name;
    cfg_type_t type;
    size_t offset;
    size_t size;
    int64_t min, max;         /* CT_INT */
    const char *const *names; /* CT_ENUM: NULL-terminated */
    const char *def;          /* the default, as it would be written in the file */
    bool reload;              /* a running service picks up a new value at reload */
    const char *doc;
    size_t count_offset; /* date lists: where the list's length lands */
} cfg_key_t;

#define FIELD_SIZE(field) sizeof(((dw_config_t *)0)->field)
#define KEY_TEXT(name, type, field, def, reload, doc)                                                \
    {                                                                                                \
        name, type, offsetof(dw_config_t, field), FIELD_SIZE(field), 0, 0, NULL, def, reload, doc, 0 \
    }
#define KEY_INT(name, field, min, max, def, reload, doc)                                                   \
    {                                                                                                      \
        name, CT_INT, offsetof(dw_config_t, field), FIELD_SIZE(field), min, max, NULL, def, reload, doc, 0 \
    }
/* max is the list's capacity; the default is always the empty list. */
#define KEY_DATES(name, type, field, count, reload, doc)                                                             \
    {                                                                                                                \
        name, type, offsetof(dw_config_t, field), FIELD_SIZE(field), 0, FIELD_SIZE(field) / sizeof(dw_date_t), NULL, \
            "[]", reload, doc, offsetof(dw_config_t, count)                                                          \
    }

/* Every key, declared once: the loader, the defaults, dw_config_describe and
 * the reload check all read this table. */
static const cfg_key_t cfg_keys[] = {
    KEY_TEXT("instance", CT_NAME, instance, "dualwatch", false, "a name for this installation, in logs and endpoints"),
    KEY_TEXT("log.level", CT_LOG_LEVEL, log_level, "info", true, "debug | info | warn | error"),

    KEY_TEXT("database.conninfo", CT_STRING, database.conninfo,
             "host=/tmp/dwpg.5488 port=5488 dbname=dualwatch user=dualwatch", false,
             "libpq connection string; the environment variable DW_DATABASE_CONNINFO wins"),
    KEY_INT("database.connect_retry_s", database.connect_retry_s, 0, 3600, "30", false,
            "at start, keep retrying the connection this many seconds"),

    KEY_TEXT("intake.endpoint", CT_ENDPOINT, intake.endpoint, "tcp://127.0.0.1:7401", false,
             "ROUTER socket that producers connect to"),
    KEY_INT("intake.batch_max", intake.batch_max, 1, 10000, "500", true, "messages per intake transaction"),
    KEY_INT("intake.batch_wait_ms", intake.batch_wait_ms, 0, 1000, "0", true,
            "batches begin at most this often: a message that arrives within this long of the last batch's start "
            "waits for the rest of it, gathering others (fewer commits under a stream); one after a quiet spell is "
            "written at once. 0: a batch commits as soon as the socket has nothing more waiting"),
    KEY_INT("intake.inflight_max", intake.inflight_max, 1, 100000, "1000", true,
            "unacknowledged messages a producer may have in flight"),
    KEY_INT("intake.socket_maxmsgsize", intake.socket_maxmsgsize, 65536, 1073741824, "4194304", false,
            "ZMQ_MAXMSGSIZE in bytes, above the contract's message limit (a bigger frame drops the connection)"),

    KEY_TEXT("pipeline.intake_events", CT_ENDPOINT, pipeline.intake_events, "ipc://@dualwatch/intake", false,
             "PUB socket on which dw-intake announces stored messages"),
    KEY_TEXT("pipeline.validate_events", CT_ENDPOINT, pipeline.validate_events, "ipc://@dualwatch/validate", false,
             "PUB socket on which dw-validate announces accepted facts"),
    KEY_TEXT("pipeline.analyze_events", CT_ENDPOINT, pipeline.analyze_events, "ipc://@dualwatch/analyze", false,
             "PUB socket on which dw-analyze announces alert changes"),
    KEY_TEXT("pipeline.route_events", CT_ENDPOINT, pipeline.route_events, "ipc://@dualwatch/route", false,
             "PUB socket on which dw-route announces tasks and decisions"),
    KEY_INT("pipeline.batch_max", pipeline.batch_max, 1, 100000, "1000", true, "events per stage transaction"),
    KEY_INT("pipeline.catchup_ms", pipeline.catchup_ms, 10, 60000, "500", true,
            "when idle, read the upstream table this often in case an event was missed"),
    KEY_INT("pipeline.commit_interval_ms", pipeline.commit_interval_ms, 0, 1000, "10", true,
            "a stage begins a transaction at most this often while events keep coming, gathering them in between "
            "(fewer, larger transactions under load; an event after a quiet spell goes at once, and so does the next "
            "batch after one that took longer than this)"),
    KEY_TEXT("pipeline.synchronous_commit", CT_BOOL, pipeline.synchronous_commit, "false", true,
             "whether dw-validate, dw-analyze and dw-route wait for the WAL flush at commit (their work is "
             "derived from dw-intake's inbox, which always is; dw-intake and dw-notify always wait)"),

    KEY_TEXT("notify.pub_endpoint", CT_ENDPOINT, notify.pub_endpoint, "tcp://127.0.0.1:7405", false,
             "PUB socket for subscribers (alerts, tasks, notices, treasury instructions)"),
    KEY_TEXT("notify.replay_endpoint", CT_ENDPOINT, notify.replay_endpoint, "tcp://127.0.0.1:7406", false,
             "ROUTER socket that answers replay requests"),
    KEY_INT("notify.heartbeat_ms", notify.heartbeat_ms, 100, 60000, "1000", true,
            "a heartbeat is published this often"),
    KEY_INT("notify.retention_days", notify.retention_days, 1, 3650, "400", true,
            "published events are kept this many days for replay"),
    KEY_INT("notify.pub_hwm", notify.pub_hwm, 1000, 10000000, "100000", false,
            "ZMQ_SNDHWM of the PUB socket, in messages"),

    KEY_INT("route.case_review_days", route.case_review_days, 1, 90, "10", true,
            "working days a business section has to review a deviation case (its first due date)"),
    KEY_INT("route.remind_workdays", route.remind_workdays, 0, 20, "2", true,
            "a reminder goes out this many working days before a due date (0 = on the due date itself)"),
    KEY_INT("route.hold_ack_workdays", route.hold_ack_workdays, 1, 30, "2", true,
            "working days the treasury has to confirm (treasury.hold_ack) a hold or release instruction"),
    KEY_INT("route.tick_ms", route.tick_ms, 100, 600000, "1000", true, "how often dw-route looks at deadlines"),
    KEY_TEXT(
        "route.open_monitoring_rounds", CT_BOOL, route.open_monitoring_rounds, "true", true,
        "when a monitoring round's period ends (analyze.rules_file's form rounds), open a monitoring form task for "
        "each project of the year, due on the round's date; false: a form's document opens when the form arrives"),
    KEY_DATES("route.budget_approved", CT_YEARLY_DATES, route.budget_approved, route.n_budget_approved, true,
              "the days the People's Congress (人民代表大会) approved each year's budget, YYYY-MM-DD, at most one "
              "per calendar year; the budget section approves targets within 20 days of it"),
    KEY_DATES("route.accounts_approved", CT_YEARLY_DATES, route.accounts_approved, route.n_accounts_approved, true,
              "the days the People's Congress approved a year's final accounts (决算), YYYY-MM-DD, at most one per "
              "calendar year (the 2025 accounts are approved in 2026); the treasury approves self-evaluations "
              "within 20 days of it"),

    KEY_DATES(
        "calendar.holidays", CT_DATES, calendar.holidays, calendar.n_holidays, true,
        "public holidays (法定节假日) of the State Council's notice, YYYY-MM-DD: no working day even on a weekday"),
    KEY_DATES(
        "calendar.workdays", CT_WEEKEND_DATES, calendar.workdays, calendar.n_workdays, true,
        "working weekend days (调休上班) of the State Council's notice, YYYY-MM-DD, each a Saturday or Sunday and "
        "not a holiday; workflow deadlines count Monday to Friday, less the holidays, plus these"),

    KEY_TEXT("clock.as_of", CT_DATE, clock.as_of, "", true,
             "business date to run as (YYYY-MM-DD); empty = today in Asia/Shanghai"),

    KEY_TEXT("analyze.rules_file", CT_STRING, analyze.rules_file, "", true,
             "dw-analyze's rule catalogue (time progress, form rounds, thresholds, scores): empty = the copy of "
             "deploy/analysis_rules.yaml built into dw-analyze; else a file, absolute or relative to the directory of "
             "this configuration file; read again on SIGHUP"),
    KEY_INT("analyze.tick_ms", analyze.tick_ms, 100, 60000, "1000", true,
            "how often dw-analyze looks whether the business date has moved on (then every project of the year is "
            "analysed again: lag grows with no new payment) and for re-analysis requests (dwctl reanalyze)"),
    KEY_INT("analyze.figures_interval_ms", analyze.figures_interval_ms, 0, 60000, "1000", false,
            "the figures of an open alert whose light did not change (a payment moves its actual) are written to the "
            "alerts table this long after they changed, by the batch or the tick then running, oldest first; 0 = "
            "with every batch. A change of light is written and published at once, with the figures of its moment"),

    KEY_TEXT("validate.rules_file", CT_STRING, validate.rules_file, "", false,
             "dw-validate's rule catalogue: empty = the copy of deploy/validation_rules.yaml built into dw-validate; "
             "else a file, absolute or relative to the directory of this configuration file"),
    KEY_TEXT("validate.require_projection_when_uncertain", CT_BOOL, validate.require_projection_when_uncertain, "true",
             false,
             "a monitoring form's indicator whose likelihood is not certain (确定能) needs its projection and at least "
             "one cause (rules V-MON-001, V-MON-002)"),
    KEY_TEXT("validate.require_explanation_with_cause", CT_BOOL, validate.require_explanation_with_cause, "true", false,
             "a monitoring form's indicator with a cause chosen needs an explanation (rule V-MON-003)"),
};
#define N_KEYS (sizeof cfg_keys / sizeof cfg_keys[0])

static const char *const section_kind_names[] = {
    [DW_SECTION_BUSINESS] = "business",     [DW_SECTION_COMPREHENSIVE] = "comprehensive",
    [DW_SECTION_BUDGET] = "budget",         [DW_SECTION_TREASURY] = "treasury",
    [DW_SECTION_INVESTMENT] = "investment", [DW_SECTION_SUPERVISION] = "supervision",
    [DW_SECTION_LEADERSHIP] = "leadership", NULL,
};
#define N_SECTION_KINDS ((int)(sizeof section_kind_names / sizeof section_kind_names[0]) - 1)

const char *dw_section_kind_name(dw_section_kind_t kind)
{
    if ((int)kind < 0 || (int)kind >= N_SECTION_KINDS)
        return "unknown";
    return section_kind_names[kind];
}

int dw_section_kind_parse(const char *name)
{
    for (int i = 0; name && i < N_SECTION_KINDS; i++)
        if (strcmp(name, section_kind_names[i]) == 0)
            return i;
    return -1;
}

/* ---- errors ------------------------------------------------------------ */

static void set_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* One dept listed by a section, for the "looked after twice" check. */
typedef struct dept_ref {
    const char *code;
    size_t section;
    int line;
} dept_ref_t;

typedef struct loader {
    const char *path;
    char *err;
    size_t errlen;
    dw_config_t *cfg;
    yaml_document_t *doc;
    int key_line[N_KEYS];                  /* where each key was set, 0 = not yet */
    int section_line[DW_CFG_MAX_SECTIONS]; /* line of each section's code */
    dept_ref_t *depts;                     /* every dept of every section */
    size_t n_depts;
    /* the line of each date of each date list, for "first at line N" */
    int holiday_line[DW_CFG_MAX_DATES];      /* calendar.holidays */
    int workday_line[DW_CFG_MAX_DATES];      /* calendar.workdays */
    int budget_line[DW_CFG_MAX_DATES];       /* route.budget_approved */
    int accounts_line[DW_CFG_MAX_DATES];     /* route.accounts_approved */
    int key_departments_line;                /* where route.key_departments was set, 0 = not yet */
    int key_year_line[DW_CFG_MAX_KEY_YEARS]; /* line of each route.key_departments year */
} loader_t;

/* "path:line: reason"; always returns false so callers can `return fail(...)`. */
#define fail(ld, line, ...) dw_yaml_fail((ld)->err, (ld)->errlen, (ld)->path, (line), __VA_ARGS__)

/* ---- values ------------------------------------------------------------ */

/* A scalar's text, or NULL if the node is not a scalar or holds a NUL byte
 * (which would silently cut the value short in a C string). */
static const char *scalar(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE)
        return NULL;
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length))
        return NULL;
    return (const char *)node->data.scalar.value;
}

/* An unquoted empty value, "~" or "null": YAML's null. */
static bool is_null(const yaml_node_t *node)
{
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)node->data.scalar.value;
    return strcmp(v, "") == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0;
}

static bool is_code(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

/* Strict decimal integer: optional '-', digits, nothing else. */
static bool parse_int(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    if (!*s)
        return false;
    uint64_t m = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        uint64_t d = (uint64_t)(*s - '0');
        if (m > (limit - d) / 10)
            return false;
        m = m * 10 + d;
    }
    *out = neg ? (m == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)m) : (int64_t)m;
    return true;
}

static bool is_endpoint(const char *s)
{
    static const char *const schemes[] = {"tcp://", "ipc://", "inproc://"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i]);
        if (strncmp(s, schemes[i], n) == 0 && s[n] != '\0')
            return true;
    }
    return false;
}

static void list_names(const char *const *names, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i]; i++) {
        int w = snprintf(out + len, n - len, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= n - len)
            return;
        len += (size_t)w;
    }
}

/* For messages and dw_config_describe; dw_log_level_parse decides. */
static const char *const log_level_names[] = {"debug", "info", "warn", "error", NULL};

/* Checks text against key's type and stores it in cfg. On a refusal, writes
 * "reason" (no prefix) into why and returns false. Used for the defaults too,
 * so a default that breaks its own rule is caught by the first test run. */
static bool set_value(dw_config_t *cfg, const cfg_key_t *key, const char *text, char *why, size_t whylen)
{
    char *field = (char *)cfg + key->offset;
    size_t len = strlen(text);
    char names[160];
    switch (key->type) {
    case CT_STRING:
    case CT_NAME:
    case CT_ENDPOINT:
    case CT_DATE:
        if (len >= key->size) {
            set_err(why, whylen, "value is too long (%zu bytes, at most %zu)", len, key->size - 1);
            return false;
        }
        if (key->type == CT_NAME && !is_code(text)) {
            set_err(why, whylen, "expected a name of ASCII letters, digits, '_' and '-', got \"%s\"", text);
            return false;
        }
        if (key->type == CT_ENDPOINT && !is_endpoint(text)) {
            set_err(why, whylen, "expected a ZeroMQ endpoint (tcp://, ipc:// or inproc://), got \"%s\"", text);
            return false;
        }
        if (key->type == CT_DATE && len > 0) {
            dw_date_t d;
            if (!dw_date_parse(text, &d)) {
                set_err(why, whylen, "expected a date YYYY-MM-DD (or empty for today), got \"%s\"", text);
                return false;
            }
        }
        memset(field, 0, key->size);
        memcpy(field, text, len);
        return true;
    case CT_INT: {
        int64_t v;
        if (!parse_int(text, &v)) {
            set_err(why, whylen, "expected an integer, got \"%s\"", text);
            return false;
        }
        if (v < key->min || v > key->max) {
            set_err(why, whylen, "%" PRId64 " is out of range (%" PRId64 "..%" PRId64 ")", v, key->min, key->max);
            return false;
        }
        if (key->size == sizeof(int64_t)) {
            int64_t x = v;
            memcpy(field, &x, sizeof x);
        } else {
            int x = (int)v; /* the table's ranges of int fields fit int */
            memcpy(field, &x, sizeof x);
        }
        return true;
    }
    case CT_BOOL: {
        bool b;
        if (strcmp(text, "true") == 0)
            b = true;
        else if (strcmp(text, "false") == 0)
            b = false;
        else {
            set_err(why, whylen, "expected true or false, got \"%s\"", text);
            return false;
        }
        memcpy(field, &b, sizeof b);
        return true;
    }
    case CT_LOG_LEVEL:
    case CT_ENUM: {
        const char *const *list = key->type == CT_ENUM ? key->names : log_level_names;
        int x = -1;
        if (key->type == CT_LOG_LEVEL)
            x = dw_log_level_parse(text); /* dw_log owns the names */
        else
            for (int i = 0; list[i]; i++)
                if (strcmp(text, list[i]) == 0)
                    x = i;
        if (x < 0) {
            list_names(list, names, sizeof names);
            set_err(why, whylen, "expected one of %s, got \"%s\"", names, text);
            return false;
        }
        memcpy(field, &x, sizeof x);
        return true;
    }
    case CT_DATES:
    case CT_WEEKEND_DATES:
    case CT_YEARLY_DATES:
        /* Only the default comes here (load_dates reads a list from the file). */
        if (strcmp(text, "[]") != 0) {
            set_err(why, whylen, "expected a list of dates YYYY-MM-DD, got \"%s\"", text);
            return false;
        }
        memset(field, 0, key->size);
        memset((char *)cfg + key->count_offset, 0, sizeof(size_t));
        return true;
    }
    set_err(why, whylen, "unknown key type");
    return false;
}

/* What a key wants, for "expected ..., got a list". */
static const char *expected(const cfg_key_t *key)
{
    switch (key->type) {
    case CT_INT: return "an integer";
    case CT_BOOL: return "true or false";
    case CT_LOG_LEVEL: return "a log level";
    case CT_ENUM: return "a name";
    case CT_DATE: return "a date";
    case CT_DATES:
    case CT_WEEKEND_DATES:
    case CT_YEARLY_DATES: return "a list of dates";
    case CT_ENDPOINT: return "an endpoint";
    default: return "text";
    }
}

static const cfg_key_t *find_key(const char *name)
{
    for (size_t i = 0; i < N_KEYS; i++)
        if (strcmp(cfg_keys[i].name, name) == 0)
            return &cfg_keys[i];
    return NULL;
}

/* true if name is a group: some key is "name.<...>". */
static bool is_group(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < N_KEYS; i++)
        if (strncmp(cfg_keys[i].name, name, n) == 0 && cfg_keys[i].name[n] == '.')
            return true;
    return false;
}

/* ---- the document walk ------------------------------------------------- */

static yaml_node_t *node_at(loader_t *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

/* Refuses the second of two equal keys in one mapping (YAML says a mapping's
 * keys are unique; libyaml does not check). Only keys before `upto` are
 * compared, all of them already known, so this stays short. */
static bool check_unique(loader_t *ld, yaml_node_t *map, yaml_node_pair_t *upto, const char *name)
{
    yaml_node_t *key = node_at(ld, upto->key);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < upto; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE && k->data.scalar.length == key->data.scalar.length &&
            memcmp(k->data.scalar.value, key->data.scalar.value, key->data.scalar.length) == 0)
            return fail(ld, dw_yaml_line(key), "duplicate key \"%s\" (first at line %d)", name, dw_yaml_line(k));
    }
    return true;
}

/* Notes where key is set, refusing a second setting (which may be spelled
 * differently: "intake: {batch_max: 1}" and "intake.batch_max: 2"). */
static bool mark_key(loader_t *ld, const cfg_key_t *key, yaml_node_t *knode)
{
    size_t i = (size_t)(key - cfg_keys);
    if (ld->key_line[i])
        return fail(ld, dw_yaml_line(knode), "duplicate key \"%s\" (first at line %d)", key->name, ld->key_line[i]);
    ld->key_line[i] = dw_yaml_line(knode);
    return true;
}

static bool load_scalar_key(loader_t *ld, const cfg_key_t *key, yaml_node_t *knode, yaml_node_t *value)
{
    if (!mark_key(ld, key, knode))
        return false;
    if (value->type != YAML_SCALAR_NODE)
        return fail(ld, dw_yaml_line(value), "%s: expected %s, got %s", key->name, expected(key), dw_yaml_kind(value));
    const char *text = scalar(value);
    if (!text)
        return fail(ld, dw_yaml_line(value), "%s: value contains a NUL character", key->name);
    if (is_null(value))
        text = "";
    char why[DW_CFG_STR + 128];
    if (!set_value(ld->cfg, key, text, why, sizeof why))
        return fail(ld, dw_yaml_line(value), "%s: %s", key->name, why);
    return true;
}

static bool is_date_list(const cfg_key_t *key)
{
    return key->type == CT_DATES || key->type == CT_WEEKEND_DATES || key->type == CT_YEARLY_DATES;
}

/* Where the loader notes the line of each date of key's list. */
static int *date_lines(loader_t *ld, const cfg_key_t *key)
{
    switch (key->offset) {
    case offsetof(dw_config_t, calendar.workdays): return ld->workday_line;
    case offsetof(dw_config_t, route.budget_approved): return ld->budget_line;
    case offsetof(dw_config_t, route.accounts_approved): return ld->accounts_line;
    default: assert(key->offset == offsetof(dw_config_t, calendar.holidays) && "a date list without its lines");
    }
    return ld->holiday_line;
}

/* A list of dates (calendar.holidays, calendar.workdays, route.*_approved):
 * each a real date, none twice, for CT_WEEKEND_DATES a Saturday or Sunday,
 * for CT_YEARLY_DATES none in the same year as another. That no date is in
 * both calendar lists is checked once both are read (check_calendar). */
static bool load_dates(loader_t *ld, const cfg_key_t *key, yaml_node_t *knode, yaml_node_t *value)
{
    if (!mark_key(ld, key, knode))
        return false;
    dw_date_t *dates = (dw_date_t *)((char *)ld->cfg + key->offset);
    size_t *n = (size_t *)((char *)ld->cfg + key->count_offset);
    int *lines = date_lines(ld, key);
    if (is_null(value))
        return true; /* "holidays:" with every date commented out */
    if (value->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(value), "%s: expected a list of dates YYYY-MM-DD, got %s", key->name,
                    dw_yaml_kind(value));
    for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        int line = dw_yaml_line(item);
        if (*n == (size_t)key->max)
            return fail(ld, line, "%s: too many dates (at most %" PRId64 ")", key->name, key->max);
        if (item->type != YAML_SCALAR_NODE)
            return fail(ld, line, "%s: expected a date YYYY-MM-DD, got %s", key->name, dw_yaml_kind(item));
        const char *text = scalar(item);
        if (!text)
            return fail(ld, line, "%s: value contains a NUL character", key->name);
        dw_date_t d;
        if (!dw_date_parse(text, &d))
            return fail(ld, line, "%s: expected a date YYYY-MM-DD, got \"%s\"", key->name, text);
        for (size_t j = 0; j < *n; j++)
            if (dw_date_cmp(dates[j], d) == 0)
                return fail(ld, line, "%s: %s is listed twice (first at line %d)", key->name, text, lines[j]);
        /* one approval a year: a second one is a typo, and which of the two
         * deadlines count from would be a guess */
        for (size_t j = 0; key->type == CT_YEARLY_DATES && j < *n; j++)
            if (dates[j].year == d.year) {
                char first[11];
                dw_date_format(dates[j], first);
                return fail(ld, line, "%s: %s is a second date in %d (%s at line %d); at most one date per year",
                            key->name, text, d.year, first, lines[j]);
            }
        if (key->type == CT_WEEKEND_DATES && dw_calendar_weekday(d) < 6) {
            static const char *const days[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
            return fail(ld, line, "%s: %s is a %s: a working weekend day must be a Saturday or Sunday", key->name, text,
                        days[dw_calendar_weekday(d) - 1]);
        }
        dates[*n] = d;
        lines[*n] = line;
        (*n)++;
    }
    return true;
}

static bool load_sections(loader_t *ld, yaml_node_t *value);
static bool load_key_departments(loader_t *ld, yaml_node_t *knode, yaml_node_t *value);

/* A mapping of keys under prefix ("" at the top, "intake" inside intake:). */
static bool load_mapping(loader_t *ld, yaml_node_t *map, const char *prefix, int depth)
{
    if (depth > CFG_DEPTH_MAX)
        return fail(ld, dw_yaml_line(map), "nesting too deep");
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = node_at(ld, p->key);
        yaml_node_t *value = node_at(ld, p->value);
        const char *k = scalar(knode);
        if (!k)
            return fail(ld, dw_yaml_line(knode), "a key must be a plain name, got %s", dw_yaml_kind(knode));
        char name[CFG_NAME_MAX];
        int n = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (n < 0 || (size_t)n >= sizeof name)
            return fail(ld, dw_yaml_line(knode), "unknown key \"%.60s...\"", name);
        if (!check_unique(ld, map, p, name))
            return false;

        const cfg_key_t *key = find_key(name);
        if (key && is_date_list(key)) {
            if (!load_dates(ld, key, knode, value))
                return false;
        } else if (key) {
            if (!load_scalar_key(ld, key, knode, value))
                return false;
        } else if (strcmp(name, "sections") == 0) {
            if (!load_sections(ld, value))
                return false;
        } else if (strcmp(name, "route.key_departments") == 0) {
            if (!load_key_departments(ld, knode, value))
                return false;
        } else if (is_group(name)) {
            if (is_null(value))
                continue; /* "intake:" with every key commented out */
            if (value->type != YAML_MAPPING_NODE)
                return fail(ld, dw_yaml_line(value), "%s: expected a mapping of keys, got %s", name,
                            dw_yaml_kind(value));
            if (!load_mapping(ld, value, name, depth + 1))
                return false;
        } else {
            return fail(ld, dw_yaml_line(knode), "unknown key \"%s\"", name);
        }
    }
    return true;
}

/* ---- sections ---------------------------------------------------------- */

static const char *const section_keys[] = {"code", "name", "kind", "depts", "reviewers", NULL};
#define N_SECTION_KEYS (sizeof section_keys / sizeof section_keys[0] - 1)

/* Copies a scalar that must be non-empty text into a field of size n; with
 * code, only ASCII letters, digits, '_' and '-'. */
static bool section_text(loader_t *ld, const char *label, const char *what, yaml_node_t *value, char *field, size_t n,
                         bool code)
{
    const char *text = scalar(value);
    if (!text)
        return fail(ld, dw_yaml_line(value), "%s: %s: expected text, got %s", label, what, dw_yaml_kind(value));
    if (is_null(value) || !*text)
        return fail(ld, dw_yaml_line(value), "%s: %s: must not be empty", label, what);
    size_t len = strlen(text);
    if (len >= n)
        return fail(ld, dw_yaml_line(value), "%s: %s: value is too long (%zu bytes, at most %zu)", label, what, len,
                    n - 1);
    if (code && !is_code(text))
        return fail(ld, dw_yaml_line(value), "%s: %s: expected ASCII letters, digits, '_' and '-', got \"%s\"", label,
                    what, text);
    memcpy(field, text, len + 1);
    return true;
}

static bool load_depts(loader_t *ld, const char *label, size_t idx, yaml_node_t *value)
{
    dw_cfg_section_t *sec = &ld->cfg->sections[idx];
    if (is_null(value))
        return true;
    if (value->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(value), "%s: depts: expected a list of dept codes, got %s", label,
                    dw_yaml_kind(value));
    for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *d = node_at(ld, *it);
        if (sec->n_depts == DW_CFG_MAX_DEPTS)
            return fail(ld, dw_yaml_line(d), "%s: too many depts (at most %d)", label, DW_CFG_MAX_DEPTS);
        char *field = sec->depts[sec->n_depts];
        if (!section_text(ld, label, "depts", d, field, sizeof sec->depts[0], true))
            return false;
        ld->depts[ld->n_depts++] = (dept_ref_t){field, idx, dw_yaml_line(d)};
        sec->n_depts++;
    }
    return true;
}

/* The people who act for a section: names as actors sign them (any UTF-8
 * text; libyaml has already refused bad UTF-8), none twice. */
static bool load_reviewers(loader_t *ld, const char *label, dw_cfg_section_t *sec, yaml_node_t *value)
{
    if (is_null(value))
        return true;
    if (value->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(value), "%s: reviewers: expected a list of names, got %s", label,
                    dw_yaml_kind(value));
    int lines[DW_CFG_MAX_REVIEWERS];
    for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *r = node_at(ld, *it);
        int line = dw_yaml_line(r);
        if (sec->n_reviewers == DW_CFG_MAX_REVIEWERS)
            return fail(ld, line, "%s: too many reviewers (at most %d)", label, DW_CFG_MAX_REVIEWERS);
        char *field = sec->reviewers[sec->n_reviewers];
        if (!section_text(ld, label, "reviewers", r, field, sizeof sec->reviewers[0], false))
            return false;
        for (size_t j = 0; j < sec->n_reviewers; j++)
            if (strcmp(sec->reviewers[j], field) == 0)
                return fail(ld, line, "%s: reviewers: \"%s\" is listed twice (first at line %d)", label, field,
                            lines[j]);
        lines[sec->n_reviewers++] = line;
    }
    return true;
}

static bool load_section(loader_t *ld, yaml_node_t *item, size_t idx)
{
    char label[96];
    snprintf(label, sizeof label, "sections[%zu]", idx);
    if (item->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(item), "%s: expected a mapping (code, name, kind, depts, reviewers), got %s",
                    label, dw_yaml_kind(item));

    yaml_node_t *found[N_SECTION_KEYS] = {NULL}, *found_key[N_SECTION_KEYS] = {NULL};
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = node_at(ld, p->key);
        const char *k = scalar(knode);
        if (!k)
            return fail(ld, dw_yaml_line(knode), "%s: a key must be a plain name, got %s", label, dw_yaml_kind(knode));
        int which = -1;
        for (int i = 0; section_keys[i]; i++)
            if (strcmp(k, section_keys[i]) == 0)
                which = i;
        if (which < 0)
            return fail(ld, dw_yaml_line(knode),
                        "%s: unknown key \"%s\" (a section has code, name, kind, depts, reviewers)", label, k);
        if (found[which])
            return fail(ld, dw_yaml_line(knode), "%s: duplicate key \"%s\" (first at line %d)", label, k,
                        dw_yaml_line(found_key[which]));
        found[which] = node_at(ld, p->value);
        found_key[which] = knode;
    }
    for (int i = 0; i < 3; i++)
        if (!found[i])
            return fail(ld, dw_yaml_line(item), "%s: missing required key \"%s\"", label, section_keys[i]);

    dw_cfg_section_t *sec = &ld->cfg->sections[idx];
    if (!section_text(ld, label, "code", found[0], sec->code, sizeof sec->code, true))
        return false;
    /* From here on the section is named by its code, which the reader knows. */
    snprintf(label, sizeof label, "section \"%s\"", sec->code);
    for (size_t j = 0; j < idx; j++)
        if (strcmp(ld->cfg->sections[j].code, sec->code) == 0)
            return fail(ld, dw_yaml_line(found[0]), "duplicate section code \"%s\" (first at line %d)", sec->code,
                        ld->section_line[j]);
    ld->section_line[idx] = dw_yaml_line(found[0]);

    if (!section_text(ld, label, "name", found[1], sec->name, sizeof sec->name, false))
        return false;

    const char *kind = scalar(found[2]);
    int k = kind ? dw_section_kind_parse(kind) : -1;
    if (k < 0) {
        char names[160];
        list_names(section_kind_names, names, sizeof names);
        if (!kind)
            return fail(ld, dw_yaml_line(found[2]), "%s: kind: expected one of %s, got %s", label, names,
                        dw_yaml_kind(found[2]));
        return fail(ld, dw_yaml_line(found[2]), "%s: kind: expected one of %s, got \"%s\"", label, names, kind);
    }
    sec->kind = (dw_section_kind_t)k;

    if (found[3]) {
        /* 对口 only means something for a business section; elsewhere it is a
         * mistake in the file, not something to ignore. */
        if (sec->kind != DW_SECTION_BUSINESS && !is_null(found[3]))
            return fail(ld, dw_yaml_line(found_key[3]), "%s: depts: only a business section looks after departments",
                        label);
        if (!load_depts(ld, label, idx, found[3]))
            return false;
    }
    return !found[4] || load_reviewers(ld, label, sec, found[4]);
}

static bool load_sections(loader_t *ld, yaml_node_t *value)
{
    if (is_null(value))
        return true;
    if (value->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(value), "sections: expected a list of sections, got %s", dw_yaml_kind(value));
    for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        if (ld->cfg->n_sections == DW_CFG_MAX_SECTIONS)
            return fail(ld, dw_yaml_line(item), "too many sections (at most %d)", DW_CFG_MAX_SECTIONS);
        if (!load_section(ld, item, ld->cfg->n_sections))
            return false;
        ld->cfg->n_sections++;
    }
    return true;
}

/* ---- key departments -------------------------------------------------- */

#define KEY_YEAR_MIN 2000 /* the wire contract's range of fiscal_year */
#define KEY_YEAR_MAX 2100

static const char *const key_year_keys[] = {"year", "depts", NULL};

static bool load_key_year(loader_t *ld, yaml_node_t *item, size_t idx)
{
    char label[64];
    snprintf(label, sizeof label, "route.key_departments[%zu]", idx);
    if (item->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(item), "%s: expected a mapping (year, depts), got %s", label, dw_yaml_kind(item));

    yaml_node_t *found[2] = {NULL, NULL}, *found_key[2] = {NULL, NULL};
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = node_at(ld, p->key);
        const char *k = scalar(knode);
        if (!k)
            return fail(ld, dw_yaml_line(knode), "%s: a key must be a plain name, got %s", label, dw_yaml_kind(knode));
        int which = -1;
        for (int i = 0; key_year_keys[i]; i++)
            if (strcmp(k, key_year_keys[i]) == 0)
                which = i;
        if (which < 0)
            return fail(ld, dw_yaml_line(knode), "%s: unknown key \"%s\" (an item has year, depts)", label, k);
        if (found[which])
            return fail(ld, dw_yaml_line(knode), "%s: duplicate key \"%s\" (first at line %d)", label, k,
                        dw_yaml_line(found_key[which]));
        found[which] = node_at(ld, p->value);
        found_key[which] = knode;
    }
    for (int i = 0; i < 2; i++)
        if (!found[i])
            return fail(ld, dw_yaml_line(item), "%s: missing required key \"%s\"", label, key_year_keys[i]);

    dw_cfg_key_year_t *ky = &ld->cfg->route.key_years[idx];
    yaml_node_t *y = found[0];
    int line = dw_yaml_line(y);
    if (y->type != YAML_SCALAR_NODE)
        return fail(ld, line, "%s: year: expected an integer, got %s", label, dw_yaml_kind(y));
    const char *text = is_null(y) ? "" : scalar(y);
    if (!text)
        return fail(ld, line, "%s: year: value contains a NUL character", label);
    int64_t year;
    if (!parse_int(text, &year))
        return fail(ld, line, "%s: year: expected an integer, got \"%s\"", label, text);
    if (year < KEY_YEAR_MIN || year > KEY_YEAR_MAX)
        return fail(ld, line, "%s: year: %" PRId64 " is out of range (%d..%d)", label, year, KEY_YEAR_MIN,
                    KEY_YEAR_MAX);
    for (size_t j = 0; j < idx; j++)
        if (ld->cfg->route.key_years[j].year == (int)year)
            return fail(ld, line, "%s: year %" PRId64 " is listed twice (first at line %d)", label, year,
                        ld->key_year_line[j]);
    ky->year = (int)year;
    ld->key_year_line[idx] = line;

    yaml_node_t *depts = found[1];
    if (is_null(depts))
        return true;
    if (depts->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(depts), "%s: depts: expected a list of dept codes, got %s", label,
                    dw_yaml_kind(depts));
    int lines[DW_CFG_MAX_DEPTS];
    for (yaml_node_item_t *it = depts->data.sequence.items.start; it < depts->data.sequence.items.top; it++) {
        yaml_node_t *d = node_at(ld, *it);
        line = dw_yaml_line(d);
        if (ky->n_depts == DW_CFG_MAX_DEPTS)
            return fail(ld, line, "%s: too many depts (at most %d)", label, DW_CFG_MAX_DEPTS);
        char *field = ky->depts[ky->n_depts];
        if (!section_text(ld, label, "depts", d, field, sizeof ky->depts[0], true))
            return false;
        for (size_t j = 0; j < ky->n_depts; j++)
            if (strcmp(ky->depts[j], field) == 0)
                return fail(ld, line, "%s: dept \"%s\" is listed twice (first at line %d)", label, field, lines[j]);
        lines[ky->n_depts++] = line;
    }
    return true;
}

/* route.key_departments: [{year: 2026, depts: ["103"]}, ...], each year once.
 * Like a date list it may be written inside route: or as a dotted key, so a
 * second setting is looked for across the two spellings. */
static bool load_key_departments(loader_t *ld, yaml_node_t *knode, yaml_node_t *value)
{
    if (ld->key_departments_line)
        return fail(ld, dw_yaml_line(knode), "duplicate key \"route.key_departments\" (first at line %d)",
                    ld->key_departments_line);
    ld->key_departments_line = dw_yaml_line(knode);
    if (is_null(value))
        return true;
    if (value->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(value), "route.key_departments: expected a list of {year, depts}, got %s",
                    dw_yaml_kind(value));
    dw_config_t *cfg = ld->cfg;
    for (yaml_node_item_t *it = value->data.sequence.items.start; it < value->data.sequence.items.top; it++) {
        yaml_node_t *item = node_at(ld, *it);
        if (cfg->route.n_key_years == DW_CFG_MAX_KEY_YEARS)
            return fail(ld, dw_yaml_line(item), "route.key_departments: too many years (at most %d)",
                        DW_CFG_MAX_KEY_YEARS);
        if (!load_key_year(ld, item, cfg->route.n_key_years))
            return false;
        cfg->route.n_key_years++;
    }
    return true;
}

static int dept_ref_cmp(const void *a, const void *b)
{
    const dept_ref_t *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* Every dept is looked after by one business section at most (and listed once
 * in it): sorted by code, a repeat sits next to its first listing. Reports the
 * repeat that comes first in the file. */
static bool check_depts(loader_t *ld)
{
    if (ld->n_depts < 2)
        return true;
    qsort(ld->depts, ld->n_depts, sizeof ld->depts[0], dept_ref_cmp);
    const dept_ref_t *first = NULL, *again = NULL;
    for (size_t i = 1; i < ld->n_depts; i++) {
        if (strcmp(ld->depts[i].code, ld->depts[i - 1].code) != 0)
            continue;
        /* depts[i - 1] may itself be a repeat; the first listing starts the run */
        size_t f = i - 1;
        while (f > 0 && strcmp(ld->depts[f - 1].code, ld->depts[i].code) == 0)
            f--;
        if (!again || ld->depts[i].line < again->line) {
            first = &ld->depts[f];
            again = &ld->depts[i];
        }
    }
    if (!again)
        return true;
    const char *owner = ld->cfg->sections[first->section].code;
    if (first->section == again->section)
        return fail(ld, again->line, "dept \"%s\" is listed twice in section \"%s\" (first at line %d)", again->code,
                    owner, first->line);
    return fail(ld, again->line, "dept \"%s\" is listed under two business sections: \"%s\" (line %d) and \"%s\"",
                again->code, owner, first->line, ld->cfg->sections[again->section].code);
}

/* ---- calendar ---------------------------------------------------------- */

/* No day is both off and worked. Of several such days, reports the one whose
 * second listing comes first in the file, at that line. */
static bool check_calendar(loader_t *ld)
{
    const dw_config_t *cfg = ld->cfg;
    size_t hi = 0, wi = 0;
    int worst = 0;
    for (size_t h = 0; h < cfg->calendar.n_holidays; h++)
        for (size_t w = 0; w < cfg->calendar.n_workdays; w++) {
            if (dw_date_cmp(cfg->calendar.holidays[h], cfg->calendar.workdays[w]) != 0)
                continue;
            int later = ld->holiday_line[h] > ld->workday_line[w] ? ld->holiday_line[h] : ld->workday_line[w];
            if (!worst || later < worst) {
                worst = later;
                hi = h;
                wi = w;
            }
        }
    if (!worst)
        return true;
    char date[11];
    dw_date_format(cfg->calendar.holidays[hi], date);
    return fail(ld, worst, "calendar: %s is both a holiday (line %d) and a working weekend day (line %d)", date,
                ld->holiday_line[hi], ld->workday_line[wi]);
}

/* ---- loading ----------------------------------------------------------- */

static bool yaml_fail(loader_t *ld, const yaml_parser_t *parser, const char *buf)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return fail(ld, 1, "out of memory while parsing");
    int line;
    if (parser->error == YAML_READER_ERROR) {
        /* The reader (encoding) reports a byte offset, not a mark. */
        line = 1;
        for (size_t i = 0; i < parser->problem_offset && buf[i]; i++)
            line += buf[i] == '\n';
    } else {
        line = (int)parser->problem_mark.line + 1;
    }
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->context)
        return fail(ld, line, "invalid YAML: %s (%s at line %d)", problem, parser->context,
                    (int)parser->context_mark.line + 1);
    return fail(ld, line, "invalid YAML: %s", problem);
}

/* The whole file, NUL-terminated, or NULL with "path: reason" in err. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, "%s: could not open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        set_err(err, errlen, "%s: could not read: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        set_err(err, errlen, "%s: could not read: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : "not a file");
        close(fd);
        return NULL;
    }
    char *buf = malloc(CFG_FILE_MAX + 2);
    if (!buf) {
        set_err(err, errlen, "%s: out of memory", path);
        close(fd);
        return NULL;
    }
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, buf + n, CFG_FILE_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            set_err(err, errlen, "%s: could not read: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > CFG_FILE_MAX) {
            set_err(err, errlen, "%s: file is too large (more than %d bytes)", path, CFG_FILE_MAX);
            free(buf);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool load_document(loader_t *ld, const char *buf, size_t len)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return fail(ld, 1, "out of memory while parsing");
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    yaml_document_t doc;
    bool ok = false;
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_fail(ld, &parser, buf);
        yaml_parser_delete(&parser);
        return false;
    }
    ld->doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        fail(ld, 1, "no configuration in the file (expected a mapping of keys)");
    else if (root->type != YAML_MAPPING_NODE)
        fail(ld, dw_yaml_line(root), "expected a mapping of keys at the top level, got %s", dw_yaml_kind(root));
    else if (load_mapping(ld, root, "", 0) && check_depts(ld) && check_calendar(ld)) {
        /* A second document would be silently ignored; refuse it instead. */
        yaml_document_t next;
        if (!yaml_parser_load(&parser, &next)) {
            yaml_fail(ld, &parser, buf);
        } else {
            yaml_node_t *extra = yaml_document_get_root_node(&next);
            if (extra)
                fail(ld, dw_yaml_line(extra), "more than one YAML document in the file");
            else
                ok = true;
            yaml_document_delete(&next);
        }
    }
    ld->doc = NULL;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return ok;
}

static bool apply_env(dw_config_t *cfg, char *err, size_t errlen)
{
    const char *conninfo = getenv("DW_DATABASE_CONNINFO");
    if (conninfo && *conninfo) {
        size_t len = strlen(conninfo);
        if (len >= sizeof cfg->database.conninfo) {
            set_err(err, errlen, "DW_DATABASE_CONNINFO: value is too long (%zu bytes, at most %zu)", len,
                    sizeof cfg->database.conninfo - 1);
            return false;
        }
        memcpy(cfg->database.conninfo, conninfo, len + 1);
    }
    return true;
}

dw_config_t *dw_config_load(const char *path, char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    if (!path || !*path) {
        set_err(err, errlen, "no configuration file given");
        return NULL;
    }
    if (strlen(path) >= DW_CFG_STR) {
        set_err(err, errlen, "%.60s...: path is too long (at most %d bytes)", path, DW_CFG_STR - 1);
        return NULL;
    }
    size_t len = 0;
    char *buf = read_file(path, &len, err, errlen);
    if (!buf)
        return NULL;
    dw_config_t *cfg = dw_config_defaults();
    dept_ref_t *depts = calloc((size_t)DW_CFG_MAX_SECTIONS * DW_CFG_MAX_DEPTS, sizeof *depts);
    if (!cfg || !depts) {
        set_err(err, errlen, "%s: out of memory", path);
        free(depts);
        free(buf);
        dw_config_destroy(&cfg);
        return NULL;
    }
    snprintf(cfg->path, sizeof cfg->path, "%s", path);
    loader_t ld = {.path = path, .err = err, .errlen = errlen, .cfg = cfg, .depts = depts};
    bool ok = load_document(&ld, buf, len) && apply_env(cfg, err, errlen);
    free(depts);
    free(buf);
    if (!ok)
        dw_config_destroy(&cfg);
    return cfg;
}

dw_config_t *dw_config_defaults(void)
{
    dw_config_t *cfg = calloc(1, sizeof *cfg);
    if (!cfg)
        return NULL;
    for (size_t i = 0; i < N_KEYS; i++) {
        char why[DW_CFG_STR];
        bool ok = set_value(cfg, &cfg_keys[i], cfg_keys[i].def, why, sizeof why);
        assert(ok && "a default breaks its own key's rule");
        (void)ok;
    }
    return cfg;
}

void dw_config_destroy(dw_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

const dw_cfg_section_t *dw_config_business_section(const dw_config_t *cfg, const char *dept_code)
{
    if (!cfg || !dept_code)
        return NULL;
    for (size_t i = 0; i < cfg->n_sections; i++) {
        const dw_cfg_section_t *sec = &cfg->sections[i];
        if (sec->kind != DW_SECTION_BUSINESS)
            continue;
        for (size_t j = 0; j < sec->n_depts; j++)
            if (strcmp(sec->depts[j], dept_code) == 0)
                return sec;
    }
    return NULL;
}

const dw_cfg_section_t *dw_config_section_of_kind(const dw_config_t *cfg, dw_section_kind_t kind)
{
    if (!cfg)
        return NULL;
    for (size_t i = 0; i < cfg->n_sections; i++)
        if (cfg->sections[i].kind == kind)
            return &cfg->sections[i];
    return NULL;
}

const dw_cfg_section_t *dw_config_section(const dw_config_t *cfg, const char *code)
{
    if (!cfg || !code)
        return NULL;
    for (size_t i = 0; i < cfg->n_sections; i++)
        if (strcmp(cfg->sections[i].code, code) == 0)
            return &cfg->sections[i];
    return NULL;
}

bool dw_config_section_allows(const dw_cfg_section_t *s, const char *actor)
{
    if (!s || !actor)
        return false;
    if (s->n_reviewers == 0)
        return true;
    for (size_t i = 0; i < s->n_reviewers; i++)
        if (strcmp(s->reviewers[i], actor) == 0)
            return true;
    return false;
}

bool dw_config_key_department(const dw_config_t *cfg, int fiscal_year, const char *dept_code)
{
    if (!cfg || !dept_code)
        return false;
    for (size_t i = 0; i < cfg->route.n_key_years; i++) {
        const dw_cfg_key_year_t *ky = &cfg->route.key_years[i];
        if (ky->year != fiscal_year)
            continue;
        for (size_t j = 0; j < ky->n_depts; j++)
            if (strcmp(ky->depts[j], dept_code) == 0)
                return true;
        return false; /* each year is listed once */
    }
    return false;
}

static void describe_type(const cfg_key_t *key, char *out, size_t n)
{
    char names[160];
    switch (key->type) {
    case CT_STRING: snprintf(out, n, "text"); return;
    case CT_NAME: snprintf(out, n, "name"); return;
    case CT_ENDPOINT: snprintf(out, n, "endpoint"); return;
    case CT_INT: snprintf(out, n, "integer %" PRId64 "..%" PRId64, key->min, key->max); return;
    case CT_BOOL: snprintf(out, n, "true | false"); return;
    case CT_LOG_LEVEL:
    case CT_ENUM:
        list_names(key->type == CT_ENUM ? key->names : log_level_names, names, sizeof names);
        snprintf(out, n, "one of %s", names);
        return;
    case CT_DATE: snprintf(out, n, "date YYYY-MM-DD or empty"); return;
    case CT_DATES: snprintf(out, n, "list of at most %" PRId64 " dates YYYY-MM-DD", key->max); return;
    case CT_WEEKEND_DATES:
        snprintf(out, n, "list of at most %" PRId64 " Saturdays or Sundays YYYY-MM-DD", key->max);
        return;
    case CT_YEARLY_DATES:
        snprintf(out, n, "list of at most %" PRId64 " dates YYYY-MM-DD, one per year", key->max);
        return;
    }
    snprintf(out, n, "?");
}

static bool is_route_key(const cfg_key_t *key)
{
    return strncmp(key->name, "route.", 6) == 0;
}

void dw_config_describe(FILE *out)
{
    char type[200];
    fprintf(out, "# key (type; default; reload = a running service picks up a change, restart = it does not)\n");
    for (size_t i = 0; i < N_KEYS; i++) {
        const cfg_key_t *key = &cfg_keys[i];
        describe_type(key, type, sizeof type);
        fprintf(out, "%s (%s; default \"%s\"; %s)\n    %s\n", key->name, type, key->def,
                key->reload ? "reload" : "restart", key->doc);
        /* a list of maps has no row in the table; it goes with its group */
        if (is_route_key(key) && (i + 1 == N_KEYS || !is_route_key(&cfg_keys[i + 1])))
            fprintf(out,
                    "route.key_departments (list of at most %d; default none; reload)\n"
                    "    the departments under closer watch (重点绩效监控) each fiscal year: items {year: %d..%d, "
                    "each year once, depts: their dept_codes (letters, digits, '_', '-'; at most %d)}; a key "
                    "department's yellow alerts open deviation cases too\n",
                    DW_CFG_MAX_KEY_YEARS, KEY_YEAR_MIN, KEY_YEAR_MAX, DW_CFG_MAX_DEPTS);
    }
    char names[160];
    list_names(section_kind_names, names, sizeof names);
    fprintf(out,
            "sections (list of at most %d; default none; reload)\n"
            "    the bureau's sections: code (letters, digits, '_', '-'), name, kind (%s),\n"
            "    for a business section depts: the dept_codes it looks after (at most %d; each dept in one "
            "section),\n"
            "    and reviewers: the people who act for it, as they sign a workflow action (at most %d names, none "
            "twice; none = anyone may act for it)\n",
            DW_CFG_MAX_SECTIONS, names, DW_CFG_MAX_DEPTS, DW_CFG_MAX_REVIEWERS);
}

bool dw_config_reload_check(const dw_config_t *running, const dw_config_t *next, char *err, size_t errlen)
{
    for (size_t i = 0; i < N_KEYS; i++) {
        const cfg_key_t *key = &cfg_keys[i];
        if (key->reload)
            continue;
        const char *a = (const char *)running + key->offset, *b = (const char *)next + key->offset;
        bool same;
        switch (key->type) {
        case CT_STRING:
        case CT_NAME:
        case CT_ENDPOINT:
        case CT_DATE: same = strncmp(a, b, key->size) == 0; break;
        case CT_DATES:
        case CT_WEEKEND_DATES:
        case CT_YEARLY_DATES:
            same = memcmp(a, b, key->size) == 0 && memcmp((const char *)running + key->count_offset,
                                                          (const char *)next + key->count_offset, sizeof(size_t)) == 0;
            break;
        default: same = memcmp(a, b, key->size) == 0; break;
        }
        /* No values in the message: database.conninfo may hold a password. */
        if (!same) {
            set_err(err, errlen, "%s: cannot change at reload (restart the service to apply it)", key->name);
            return false;
        }
    }
    return true;
}

dw_calendar_t *dw_config_calendar_new(const dw_config_t *cfg)
{
    return dw_calendar_new(cfg->calendar.holidays, cfg->calendar.n_holidays, cfg->calendar.workdays,
                           cfg->calendar.n_workdays);
}

void dw_config_file_path(const dw_config_t *cfg, const char *file, char *out, size_t n)
{
    if (!*file || file[0] == '/') {
        snprintf(out, n, "%s", file);
        return;
    }
    const char *slash = strrchr(cfg->path, '/');
    if (!slash)
        snprintf(out, n, "%s", file);
    else
        snprintf(out, n, "%.*s/%s", (int)(slash - cfg->path), cfg->path, file);
}
