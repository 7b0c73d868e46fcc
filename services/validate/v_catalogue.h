/* dw_v_catalogue — the rule catalogue (deploy/validation_rules.yaml): what a
 * bureau may tune about each rule the code knows (v_rules.h): its name,
 * severity, whether it is enabled, the types it applies to, the fields it
 * reads and its Chinese message template.
 *
 * Loaded once at start. Anything wrong stops the service with
 * "file:line: reason": malformed YAML, an unknown key, a rule id the code does
 * not know, a rule the code knows that the file leaves out, a category that is
 * not the rule's, a severity or an `enabled: false` the data model does not
 * allow, a type the check does not support, a field that no listed type has, an
 * unknown placeholder in a message. The catalogue then applies the rules to a
 * subject (dw_v_catalogue_apply) in the code's order. */
#ifndef DW_V_CATALOGUE_H
#define DW_V_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dw_error.h"
#include "v_rules.h"

#define DW_V_MAX_FIELDS   16
#define DW_V_MAX_CODES    8
#define DW_V_MAX_WARNINGS 16

typedef struct dw_v_catalogue dw_v_catalogue_t;

/* One rule as the catalogue sets it. Strings live as long as the catalogue. */
typedef struct dw_v_setting {
    const dw_v_rule_def_t *def;
    const char *name;
    dw_v_severity_t severity;
    bool enabled;
    uint64_t types; /* bit i: dw_schema_types[i] */
    const char *fields[DW_V_MAX_FIELDS];
    size_t n_fields;
    dw_code_t intake_codes[DW_V_MAX_CODES]; /* schema rows */
    size_t n_intake_codes;
    const char *message; /* template: {value} {expected} {field} */
    const char *doc;     /* "" when none */
    int line;            /* where the rule starts in its file */
} dw_v_setting_t;

/* Reads path. NULL with "path:line: reason" (or "path: reason") in err. */
dw_v_catalogue_t *dw_v_catalogue_load(const char *path, char *err, size_t errlen) __attribute__((warn_unused_result));
/* The same from text; name stands for the file in messages. */
dw_v_catalogue_t *dw_v_catalogue_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));
/* The copy of deploy/validation_rules.yaml built into the program. */
dw_v_catalogue_t *dw_v_catalogue_builtin(char *err, size_t errlen) __attribute__((warn_unused_result));
void dw_v_catalogue_destroy(dw_v_catalogue_t **self_p);

/* Where it came from ("deploy/validation_rules.yaml (built in)" or the path). */
const char *dw_v_catalogue_source(const dw_v_catalogue_t *self);
/* Its rules, in the code's order (every rule of dw_v_rule_defs, once). */
size_t dw_v_catalogue_count(const dw_v_catalogue_t *self);
const dw_v_setting_t *dw_v_catalogue_rule(const dw_v_catalogue_t *self, size_t i);
const dw_v_setting_t *dw_v_catalogue_find(const dw_v_catalogue_t *self, const char *id);

/* What the rules say about one message. */
typedef struct dw_v_verdict {
    const dw_v_setting_t *refusal;           /* the first fatal rule broken; NULL when none */
    dw_v_finding_t finding;                  /* its finding */
    const char *warnings[DW_V_MAX_WARNINGS]; /* ids of the warning rules broken, in order */
    size_t n_warnings;
    const char *flags[DW_V_MAX_WARNINGS]; /* their payment flags (fact rules) */
    size_t n_flags;
} dw_v_verdict_t;

/* Applies every enabled rule that covers the subject's type (and whose switch
 * is on) in order, up to the first fatal one broken. Warnings are logged
 * under key. */
void dw_v_catalogue_apply(const dw_v_catalogue_t *self, const dw_v_subject_t *s, const char *key, dw_v_verdict_t *v);

/* Applies the one rule id (when enabled), as dw_v_catalogue_apply would: for
 * a conflict, judged before anything else (the message is another document
 * under a key already used, and nothing else about it matters). */
void dw_v_catalogue_apply_one(const dw_v_catalogue_t *self, const char *id, const dw_v_subject_t *s, const char *key,
                              dw_v_verdict_t *v);

/* The rule's message with {value}, {expected} and {field} filled in, cut at
 * a character boundary to fit n bytes. Returns out. */
char *dw_v_render(const dw_v_setting_t *rule, const dw_v_finding_t *f, char *out, size_t n);

#endif
