/* dw_config — the one YAML file (deploy/dualwatch.yaml) that all services read.
 *
 * Each key is declared once, in a table in dw_config.c (pgbouncer's
 * bouncer_params[] idea): dotted name, type, where it lands in dw_config_t,
 * default, and a one-line doc. An unknown key, a value of the wrong type or out
 * of range, or a malformed file stops the service: dw_config_load returns NULL
 * and err says "file:line: reason". Environment variables override secrets:
 * DW_DATABASE_CONNINFO replaces database.conninfo. `dw_config_describe` (and
 * deploy/dualwatch.yaml) list every key; a key marked "restart" keeps its value
 * until the service restarts, and dw_config_reload_check refuses a new file
 * that changes one. */
#ifndef DW_CONFIG_H
#define DW_CONFIG_H

#include "dw_calendar.h"
#include "dw_date.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DW_CFG_MAX_SECTIONS  64
#define DW_CFG_MAX_DEPTS     256 /* per section */
#define DW_CFG_STR           256
#define DW_CFG_MAX_DATES     400 /* per calendar list: a year has about 30 holidays, so years to spare */
#define DW_CFG_MAX_REVIEWERS 64  /* per section */
#define DW_CFG_MAX_KEY_YEARS 16  /* route.key_departments: years listed */

typedef enum dw_section_kind {
    DW_SECTION_BUSINESS,      /* 业务股室 */
    DW_SECTION_COMPREHENSIVE, /* 综合股 */
    DW_SECTION_BUDGET,        /* 预算股 */
    DW_SECTION_TREASURY,      /* 国库收付中心 */
    DW_SECTION_INVESTMENT,    /* 财政投资评审中心 */
    DW_SECTION_SUPERVISION,   /* 监督检查股 */
    DW_SECTION_LEADERSHIP,    /* 局党组 */
} dw_section_kind_t;

typedef struct dw_cfg_section {
    char code[64];  /* topic-safe: task.<code>. */
    char name[128]; /* 社会保障股 */
    dw_section_kind_t kind;
    char depts[DW_CFG_MAX_DEPTS][32]; /* 对口: dept_codes this section looks after */
    size_t n_depts;
    /* reviewers: the people who act for the section (审核人), as they sign an
       action's actor; none listed = the section does not restrict who acts */
    char reviewers[DW_CFG_MAX_REVIEWERS][64];
    size_t n_reviewers;
} dw_cfg_section_t;

/* 重点绩效监控 (seed 001 §2.3): the departments under closer watch in a year. */
typedef struct dw_cfg_key_year {
    int year;
    char depts[DW_CFG_MAX_DEPTS][32];
    size_t n_depts;
} dw_cfg_key_year_t;

typedef struct dw_config {
    char path[DW_CFG_STR]; /* the file it came from */
    char instance[64];     /* instance: a name for logs and ipc endpoints */
    int log_level;         /* log.level: debug | info | warn | error -> dw_log_level_t */

    struct {
        char conninfo[1024]; /* database.conninfo (libpq); env DW_DATABASE_CONNINFO wins */
        int connect_retry_s; /* database.connect_retry_s: keep retrying this long at start */
    } database;

    struct {
        char endpoint[DW_CFG_STR]; /* intake.endpoint: ROUTER for producers (tcp://127.0.0.1:7401) */
        int batch_max;             /* intake.batch_max: messages per transaction */
        int batch_wait_ms;         /* intake.batch_wait_ms: longest wait to fill a batch */
        int inflight_max;          /* intake.inflight_max: unacked messages per producer */
        int64_t socket_maxmsgsize; /* intake.socket_maxmsgsize: ZMQ_MAXMSGSIZE, above the contract limit */
    } intake;

    struct {
        /* internal endpoints: each stage binds a PUB for its output events */
        char intake_events[DW_CFG_STR];   /* pipeline.intake_events */
        char validate_events[DW_CFG_STR]; /* pipeline.validate_events */
        char analyze_events[DW_CFG_STR];  /* pipeline.analyze_events */
        char route_events[DW_CFG_STR];    /* pipeline.route_events */
        int batch_max;                    /* pipeline.batch_max: events per stage transaction */
        int catchup_ms;                   /* pipeline.catchup_ms: idle poll of the upstream table */
        int commit_interval_ms;           /* pipeline.commit_interval_ms: least time between stage transactions */
        bool synchronous_commit;          /* pipeline.synchronous_commit: derived stages wait for the WAL flush */
    } pipeline;

    struct {
        char pub_endpoint[DW_CFG_STR];    /* notify.pub_endpoint (tcp://127.0.0.1:7405) */
        char replay_endpoint[DW_CFG_STR]; /* notify.replay_endpoint (tcp://127.0.0.1:7406) */
        int heartbeat_ms;                 /* notify.heartbeat_ms */
        int retention_days;               /* notify.retention_days: outbox kept this long */
        int pub_hwm;                      /* notify.pub_hwm: ZMQ_SNDHWM of the PUB socket */
    } notify;

    struct {
        int case_review_days;  /* route.case_review_days: working days a business section has to review
                                  a deviation case (its first due date) */
        int remind_workdays;   /* route.remind_workdays: a reminder this many working days before a due date */
        int hold_ack_workdays; /* route.hold_ack_workdays: working days the treasury has to confirm an instruction */
        int tick_ms;           /* route.tick_ms: how often deadlines are looked at */
        bool open_monitoring_rounds; /* route.open_monitoring_rounds: each round's forms opened for every project */
        /* route.budget_approved: the days the People's Congress approved each year's budget (one per year);
           the budget section approves targets within 20 days of it */
        dw_date_t budget_approved[DW_CFG_MAX_DATES];
        size_t n_budget_approved;
        /* route.accounts_approved: the days it approved each year's final accounts (a year's accounts are
           approved the next year); the treasury approves self-evaluations within 20 days of it */
        dw_date_t accounts_approved[DW_CFG_MAX_DATES];
        size_t n_accounts_approved;
        /* route.key_departments: list of {year, depts}; a key department's yellow alerts open cases too */
        dw_cfg_key_year_t key_years[DW_CFG_MAX_KEY_YEARS];
        size_t n_key_years;
    } route;

    struct {
        /* the State Council's holiday schedule (国务院办公厅关于部分节假日安排的通知), in file order */
        dw_date_t holidays[DW_CFG_MAX_DATES]; /* calendar.holidays: 法定节假日, any day of the week */
        size_t n_holidays;
        dw_date_t workdays[DW_CFG_MAX_DATES]; /* calendar.workdays: 调休上班, Saturdays and Sundays only */
        size_t n_workdays;
    } calendar;

    struct {
        char as_of[16]; /* clock.as_of: "" = today in Asia/Shanghai, or YYYY-MM-DD */
    } clock;

    struct {
        /* analyze.rules_file: the analysis catalogue; "" = the built-in copy of deploy/analysis_rules.yaml */
        char rules_file[DW_CFG_STR];
        int tick_ms; /* analyze.tick_ms: how often the business date and re-analysis requests are looked at */
        int figures_interval_ms; /* analyze.figures_interval_ms: open alerts' figures under an unchanged light */
    } analyze;

    struct {
        /* validate.rules_file: the rule catalogue; "" = the copy of deploy/validation_rules.yaml built into
           dw-validate, else a path, absolute or relative to the directory of this configuration file */
        char rules_file[DW_CFG_STR];
        /* province-specific rules of the monitoring form (绩效运行监控表), see proto/VALIDATION.md */
        bool require_projection_when_uncertain; /* validate.require_projection_when_uncertain: V-MON-001, V-MON-002 */
        bool require_explanation_with_cause;    /* validate.require_explanation_with_cause: V-MON-003 */
    } validate;

    dw_cfg_section_t sections[DW_CFG_MAX_SECTIONS]; /* sections: list of maps */
    size_t n_sections;
} dw_config_t;

/* Loads path over the defaults, then applies the environment overrides. NULL on
 * any error, with "file:line: reason" in err (size errlen; "file: reason" when
 * the file cannot be read at all). The caller owns the result. */
dw_config_t *dw_config_load(const char *path, char *err, size_t errlen) __attribute__((warn_unused_result));
/* Defaults only (no file, no environment); NULL only when out of memory. */
dw_config_t *dw_config_defaults(void) __attribute__((warn_unused_result));
void dw_config_destroy(dw_config_t **self_p);

/* A file the configuration names (a rule catalogue): as given when absolute
 * or empty, else relative to the configuration file's directory, like an include. */
void dw_config_file_path(const dw_config_t *cfg, const char *file, char *out, size_t n);

/* The business section (业务股室) that looks after dept_code, or NULL. */
const dw_cfg_section_t *dw_config_business_section(const dw_config_t *cfg, const char *dept_code);
/* The first section of a kind, or NULL. */
const dw_cfg_section_t *dw_config_section_of_kind(const dw_config_t *cfg, dw_section_kind_t kind);

/* The section of that code, or NULL. */
const dw_cfg_section_t *dw_config_section(const dw_config_t *cfg, const char *code);
/* Whether actor may act for the section: it lists no reviewers, or names actor. */
bool dw_config_section_allows(const dw_cfg_section_t *s, const char *actor);
/* Whether dept_code is under 重点监控 in fiscal_year (route.key_departments). */
bool dw_config_key_department(const dw_config_t *cfg, int fiscal_year, const char *dept_code);

/* The working-day calendar of calendar.holidays and calendar.workdays; NULL
 * when out of memory. The caller destroys it. */
dw_calendar_t *dw_config_calendar_new(const dw_config_t *cfg) __attribute__((warn_unused_result));

/* Writes every key with its type, default and doc (for `dwctl config-keys` and
 * the README). */
void dw_config_describe(FILE *out);

/* true if next may replace running at reload (SIGHUP): every key marked
 * "restart" is unchanged. Otherwise false, with "key: reason" in err. */
bool dw_config_reload_check(const dw_config_t *running, const dw_config_t *next, char *err, size_t errlen)
    __attribute__((warn_unused_result));

/* "business", "comprehensive", ... as written in the file; "unknown" out of range. */
const char *dw_section_kind_name(dw_section_kind_t kind);
/* The kind named by name, or -1. */
int dw_section_kind_parse(const char *name);

#endif
