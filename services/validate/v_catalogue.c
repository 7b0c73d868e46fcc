#include "v_catalogue.h"
#include "dw_scan.h"
#include "dw_yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "dw_log.h"
#include "dw_schema.h"
#include "v_builtin.h"

/* A catalogue is a few pages; anything this big is not one. */
#define CAT_FILE_MAX (1024 * 1024)
#define NAME_MAX_LEN 200
#define MSG_MAX_LEN  1000
#define DOC_MAX_LEN  4000

struct dw_v_catalogue {
    char source[300];
    dw_v_setting_t *rules; /* one per dw_v_rule_defs entry, same index */
    size_t n;
    dw_yaml_strings_t strs; /* every string the settings point at */
};

/* ---- loading ----------------------------------------------------------- */

typedef struct loader {
    const char *name;
    char *err;
    size_t errlen;
    yaml_document_t *doc;
    dw_v_catalogue_t *cat;
    const dw_v_rule_def_t *defs;
    size_t n_defs;
    int *seen_line; /* per def: where its rule starts, 0 = not yet */
} loader_t;

/* "path:line: reason"; always returns false so callers can `return fail(...)`. */
#define fail(ld, line, ...) dw_yaml_fail((ld)->err, (ld)->errlen, (ld)->name, (line), __VA_ARGS__)

static yaml_node_t *node_at(loader_t *ld, int index)
{
    return yaml_document_get_node(ld->doc, index);
}

/* Text of at most max bytes, not empty. */
static bool text_of(loader_t *ld, const char *rule, const char *key, yaml_node_t *v, size_t max, const char **out)
{
    const char *s = dw_yaml_scalar(v);
    if (!s)
        return fail(ld, dw_yaml_line(v), "%s: %s: expected text, got %s", rule, key, dw_yaml_kind(v));
    if (!*s)
        return fail(ld, dw_yaml_line(v), "%s: %s: must not be empty", rule, key);
    if (strlen(s) > max)
        return fail(ld, dw_yaml_line(v), "%s: %s: too long (%zu bytes, at most %zu)", rule, key, strlen(s), max);
    if (!(*out = dw_yaml_keep(&ld->cat->strs, s)))
        return fail(ld, dw_yaml_line(v), "out of memory");
    return true;
}

static bool bool_of(loader_t *ld, const char *rule, const char *key, yaml_node_t *v, bool *out)
{
    const char *s = dw_yaml_scalar(v);
    if (s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "true") == 0)
        *out = true;
    else if (s && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "false") == 0)
        *out = false;
    else
        return fail(ld, dw_yaml_line(v), "%s: %s: expected true or false, got %s%s%s", rule, key, s ? "\"" : "",
                    s ? s : dw_yaml_kind(v), s ? "\"" : "");
    return true;
}

static bool list_of(loader_t *ld, const char *rule, const char *key, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(v), "%s: %s: expected a list, got %s", rule, key, dw_yaml_kind(v));
    if (v->data.sequence.items.top == v->data.sequence.items.start)
        return fail(ld, dw_yaml_line(v), "%s: %s: must not be empty", rule, key);
    return true;
}

static int type_index(const char *type)
{
    for (size_t i = 0; i < dw_schema_n_types; i++)
        if (strcmp(dw_schema_types[i].type, type) == 0)
            return (int)i;
    return -1;
}

static bool def_has_type(const dw_v_rule_def_t *def, const char *type)
{
    if (!def->types)
        return true;
    for (size_t i = 0; def->types[i]; i++)
        if (strcmp(def->types[i], type) == 0)
            return true;
    return false;
}

static void def_types_text(const dw_v_rule_def_t *def, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; def->types && def->types[i]; i++) {
        int w = snprintf(out + len, n - len, "%s%s", i ? ", " : "", def->types[i]);
        if (w < 0 || (size_t)w >= n - len)
            return;
        len += (size_t)w;
    }
}

static bool load_types(loader_t *ld, const dw_v_rule_def_t *def, yaml_node_t *v, dw_v_setting_t *s)
{
    if (!list_of(ld, def->id, "types", v))
        return false;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *t = node_at(ld, *it);
        const char *type = dw_yaml_scalar(t);
        if (!type)
            return fail(ld, dw_yaml_line(t), "%s: types: expected a message type, got %s", def->id, dw_yaml_kind(t));
        int k = type_index(type);
        if (k < 0 || dw_schema_types[k].direction != DW_DIR_IN)
            return fail(ld, dw_yaml_line(t), "%s: types: \"%s\" is not an inbound message type of proto/schema.yaml",
                        def->id, type);
        if (k >= 64)
            return fail(ld, dw_yaml_line(t), "%s: types: too many message types in the schema", def->id);
        if (!def_has_type(def, type)) {
            char have[300];
            def_types_text(def, have, sizeof have);
            return fail(ld, dw_yaml_line(t), "%s: types: the rule does not check %s (it checks %s)", def->id, type,
                        have);
        }
        if (s->types & (UINT64_C(1) << k))
            return fail(ld, dw_yaml_line(t), "%s: types: %s is listed twice", def->id, type);
        s->types |= UINT64_C(1) << k;
    }
    /* A rule the data model needs covers every type it checks: narrowed, it
     * would let through what the tables cannot hold. */
    for (size_t i = 0; !def->may_disable && def->types && def->types[i]; i++) {
        int k = type_index(def->types[i]);
        if (k >= 0 && k < 64 && !(s->types & (UINT64_C(1) << k)))
            return fail(ld, dw_yaml_line(v), "%s: types: the rule cannot leave out %s (the data model needs it)",
                        def->id, def->types[i]);
    }
    return true;
}

/* A schema path "body.a", "body.list[].b" against one type's body. */
static bool path_in(const dw_type_def_t *t, const char *path)
{
    if (strncmp(path, "body", 4) != 0)
        return false;
    const char *p = path + 4;
    if (!*p)
        return true;
    const dw_object_def_t *obj = t->body;
    while (*p) {
        if (*p != '.' || !obj)
            return false;
        p++;
        size_t n = strcspn(p, ".[");
        char name[64];
        if (n == 0 || n >= sizeof name)
            return false;
        memcpy(name, p, n);
        name[n] = '\0';
        p += n;
        const dw_field_def_t *f = dw_schema_field(obj, name, NULL);
        if (!f)
            return false;
        if (strncmp(p, "[]", 2) == 0) {
            if (f->type != DW_FT_ARRAY)
                return false;
            p += 2;
            obj = f->item_type == DW_FT_MAP ? f->object : NULL;
        } else {
            obj = f->type == DW_FT_MAP ? f->object : NULL;
            if (f->type == DW_FT_ARRAY && *p)
                return false;
        }
    }
    return true;
}

static bool load_fields(loader_t *ld, const dw_v_rule_def_t *def, yaml_node_t *v, dw_v_setting_t *s)
{
    if (!list_of(ld, def->id, "fields", v))
        return false;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *f = node_at(ld, *it);
        const char *path = dw_yaml_scalar(f);
        if (!path)
            return fail(ld, dw_yaml_line(f), "%s: fields: expected a field path, got %s", def->id, dw_yaml_kind(f));
        if (s->n_fields == DW_V_MAX_FIELDS)
            return fail(ld, dw_yaml_line(f), "%s: fields: at most %d", def->id, DW_V_MAX_FIELDS);
        /* documentation, but it must be true of at least one of the rule's types */
        bool found = false;
        for (size_t k = 0; k < dw_schema_n_types && !found; k++)
            if (s->types & (UINT64_C(1) << k))
                found = path_in(&dw_schema_types[k], path);
        if (!found)
            return fail(ld, dw_yaml_line(f),
                        "%s: fields: %s is not a field of any of the rule's types (write body.name, "
                        "body.list[].name)",
                        def->id, path);
        if (!(s->fields[s->n_fields++] = dw_yaml_keep(&ld->cat->strs, path)))
            return fail(ld, dw_yaml_line(f), "out of memory");
    }
    return true;
}

static bool load_codes(loader_t *ld, const dw_v_rule_def_t *def, yaml_node_t *v, dw_v_setting_t *s)
{
    if (!list_of(ld, def->id, "intake_codes", v))
        return false;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *c = node_at(ld, *it);
        const char *name = dw_yaml_scalar(c);
        int code = -1;
        for (int k = 1; name && k < DW_CODE_COUNT; k++)
            if (strcmp(dw_code_name((dw_code_t)k), name) == 0)
                code = k;
        if (code < 0)
            return fail(ld, dw_yaml_line(c), "%s: intake_codes: \"%s\" is not an error code of the contract", def->id,
                        name ? name : dw_yaml_kind(c));
        if (s->n_intake_codes == DW_V_MAX_CODES)
            return fail(ld, dw_yaml_line(c), "%s: intake_codes: at most %d", def->id, DW_V_MAX_CODES);
        s->intake_codes[s->n_intake_codes++] = (dw_code_t)code;
    }
    return true;
}

/* {value}, {expected} and {field}, nothing else between braces. */
static bool check_template(loader_t *ld, const char *id, yaml_node_t *v, const char *msg)
{
    for (const char *p = strchr(msg, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return fail(ld, dw_yaml_line(v), "%s: message: \"{\" without \"}\"", id);
        size_t n = (size_t)(end - p + 1);
        if (!(n == 7 && strncmp(p, "{value}", n) == 0) && !(n == 10 && strncmp(p, "{expected}", n) == 0) &&
            !(n == 7 && strncmp(p, "{field}", n) == 0))
            return fail(ld, dw_yaml_line(v), "%s: message: unknown placeholder %.*s (use {value}, {expected}, {field})",
                        id, (int)(n > 40 ? 40 : n), p);
    }
    return true;
}

enum { K_ID, K_NAME, K_CATEGORY, K_SEVERITY, K_ENABLED, K_TYPES, K_FIELDS, K_MESSAGE, K_CODES, K_DOC, K_N };
static const char *const rule_keys[K_N] = {"id",    "name",   "category", "severity",     "enabled",
                                           "types", "fields", "message",  "intake_codes", "doc"};

static bool load_rule(loader_t *ld, yaml_node_t *item)
{
    if (item->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(item), "a rule must be a mapping (id, name, category, ...), got %s",
                    dw_yaml_kind(item));
    yaml_node_t *val[K_N] = {0}, *key[K_N] = {0};
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *name = dw_yaml_scalar(k);
        int which = -1;
        for (int i = 0; name && i < K_N; i++)
            if (strcmp(name, rule_keys[i]) == 0)
                which = i;
        if (which < 0)
            return fail(ld, dw_yaml_line(k),
                        "unknown key \"%s\" in a rule (a rule has id, name, category, severity, enabled, types, "
                        "fields, message, intake_codes, doc)",
                        name ? name : dw_yaml_kind(k));
        if (val[which])
            return fail(ld, dw_yaml_line(k), "duplicate key \"%s\" (first at line %d)", name, dw_yaml_line(key[which]));
        val[which] = node_at(ld, p->value);
        key[which] = k;
    }
    if (!val[K_ID])
        return fail(ld, dw_yaml_line(item), "a rule without an id");
    const char *id = dw_yaml_scalar(val[K_ID]);
    if (!id)
        return fail(ld, dw_yaml_line(val[K_ID]), "id: expected a rule id, got %s", dw_yaml_kind(val[K_ID]));
    const dw_v_rule_def_t *def = dw_v_rule_def(id);
    if (!def)
        return fail(ld, dw_yaml_line(val[K_ID]), "unknown rule \"%s\": dw-validate has no check of that id", id);
    size_t idx = (size_t)(def - ld->defs);
    if (ld->seen_line[idx])
        return fail(ld, dw_yaml_line(val[K_ID]), "rule %s is listed twice (first at line %d)", id, ld->seen_line[idx]);
    ld->seen_line[idx] = dw_yaml_line(item);
    static const int required[] = {K_NAME, K_CATEGORY, K_SEVERITY, K_ENABLED, K_TYPES, K_FIELDS, K_MESSAGE};
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!val[required[i]])
            return fail(ld, dw_yaml_line(item), "%s: missing key \"%s\"", id, rule_keys[required[i]]);

    dw_v_setting_t *s = &ld->cat->rules[idx];
    s->def = def;
    s->line = dw_yaml_line(item);
    s->doc = "";
    if (!text_of(ld, id, "name", val[K_NAME], NAME_MAX_LEN, &s->name))
        return false;

    const char *cat = dw_yaml_scalar(val[K_CATEGORY]);
    if (!cat || strcmp(cat, dw_v_category_name(def->category)) != 0)
        return fail(ld, dw_yaml_line(val[K_CATEGORY]), "%s: category: the rule is %s, not \"%s\"", id,
                    dw_v_category_name(def->category), cat ? cat : dw_yaml_kind(val[K_CATEGORY]));

    const char *sev = dw_yaml_scalar(val[K_SEVERITY]);
    if (sev && strcmp(sev, "fatal") == 0)
        s->severity = DW_V_FATAL;
    else if (sev && strcmp(sev, "warning") == 0)
        s->severity = DW_V_WARNING;
    else
        return fail(ld, dw_yaml_line(val[K_SEVERITY]), "%s: severity: expected fatal or warning, got \"%s\"", id,
                    sev ? sev : dw_yaml_kind(val[K_SEVERITY]));
    if (s->severity == DW_V_FATAL && !def->may_fatal)
        return fail(ld, dw_yaml_line(val[K_SEVERITY]),
                    "%s: severity: fatal is not allowed: a treasury payment is a fact, its rules only flag", id);
    if (s->severity == DW_V_WARNING && !def->may_warn)
        return fail(ld, dw_yaml_line(val[K_SEVERITY]),
                    "%s: severity: warning is not allowed: a message that breaks it cannot be stored", id);

    if (!bool_of(ld, id, "enabled", val[K_ENABLED], &s->enabled))
        return false;
    if (!s->enabled && !def->may_disable)
        return fail(ld, dw_yaml_line(val[K_ENABLED]), "%s: enabled: the rule cannot be switched off (%s)", id,
                    def->check ? "the data model needs it" : "dw-intake enforces it");

    if (!load_types(ld, def, val[K_TYPES], s) || !load_fields(ld, def, val[K_FIELDS], s))
        return false;
    if (!text_of(ld, id, "message", val[K_MESSAGE], MSG_MAX_LEN, &s->message) ||
        !check_template(ld, id, val[K_MESSAGE], s->message))
        return false;

    if (def->category == DW_V_SCHEMA && !val[K_CODES])
        return fail(ld, dw_yaml_line(item), "%s: missing key \"intake_codes\" (the codes dw-intake refuses with)", id);
    if (def->category != DW_V_SCHEMA && val[K_CODES])
        return fail(ld, dw_yaml_line(key[K_CODES]), "%s: intake_codes: only schema rows have them", id);
    if (val[K_CODES] && !load_codes(ld, def, val[K_CODES], s))
        return false;
    if (val[K_DOC] && !text_of(ld, id, "doc", val[K_DOC], DOC_MAX_LEN, &s->doc))
        return false;
    return true;
}

static bool load_root(loader_t *ld, yaml_node_t *root)
{
    if (!root)
        return fail(ld, 1, "no rules in the file (expected version: 1 and rules:)");
    if (root->type != YAML_MAPPING_NODE)
        return fail(ld, dw_yaml_line(root), "expected a mapping (version, rules) at the top level, got %s",
                    dw_yaml_kind(root));
    yaml_node_t *version = NULL, *rules = NULL, *version_key = NULL, *rules_key = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(ld, p->key);
        const char *name = dw_yaml_scalar(k);
        yaml_node_t **slot = NULL, **kslot = NULL;
        if (name && strcmp(name, "version") == 0)
            slot = &version, kslot = &version_key;
        else if (name && strcmp(name, "rules") == 0)
            slot = &rules, kslot = &rules_key;
        else
            return fail(ld, dw_yaml_line(k), "unknown key \"%s\" (the file has version and rules)",
                        name ? name : dw_yaml_kind(k));
        if (*slot)
            return fail(ld, dw_yaml_line(k), "duplicate key \"%s\" (first at line %d)", name, dw_yaml_line(*kslot));
        *slot = node_at(ld, p->value);
        *kslot = k;
    }
    if (!version)
        return fail(ld, dw_yaml_line(root), "missing key \"version\" (version: 1)");
    const char *v = dw_yaml_scalar(version);
    if (!v || strcmp(v, "1") != 0)
        return fail(ld, dw_yaml_line(version), "version: this dw-validate reads version 1, got \"%s\"",
                    v ? v : dw_yaml_kind(version));
    if (!rules)
        return fail(ld, dw_yaml_line(root), "missing key \"rules\"");
    if (rules->type != YAML_SEQUENCE_NODE)
        return fail(ld, dw_yaml_line(rules), "rules: expected a list of rules, got %s", dw_yaml_kind(rules));
    for (yaml_node_item_t *it = rules->data.sequence.items.start; it < rules->data.sequence.items.top; it++)
        if (!load_rule(ld, node_at(ld, *it)))
            return false;
    /* The code checks every rule it has: one the file leaves out would run
     * with settings nobody chose. */
    for (size_t i = 0; i < ld->n_defs; i++)
        if (!ld->seen_line[i])
            return fail(ld, dw_yaml_line(rules_key),
                        "rule %s is missing: dw-validate has it; list it (with enabled: false to switch it off)",
                        ld->defs[i].id);
    return true;
}

/* load_root over the one document of the text, for dw_yaml_load_one. */
static bool load_document(void *ctx, yaml_document_t *doc, yaml_node_t *root)
{
    loader_t *ld = ctx;
    ld->doc = doc;
    bool ok = load_root(ld, root);
    ld->doc = NULL;
    return ok;
}

dw_v_catalogue_t *dw_v_catalogue_parse(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    size_t n_defs = 0;
    const dw_v_rule_def_t *defs = dw_v_rule_defs(&n_defs);
    dw_v_catalogue_t *cat = calloc(1, sizeof *cat);
    int *seen = calloc(n_defs, sizeof *seen);
    loader_t ld = {
        .name = name, .err = err, .errlen = errlen, .cat = cat, .defs = defs, .n_defs = n_defs, .seen_line = seen};
    if (!cat || !seen || !(cat->rules = calloc(n_defs, sizeof *cat->rules))) {
        fail(&ld, 1, "out of memory");
        free(seen);
        dw_v_catalogue_destroy(&cat);
        return NULL;
    }
    cat->n = n_defs;
    snprintf(cat->source, sizeof cat->source, "%s", name);
    bool ok = dw_yaml_load_one(name, text, len, load_document, &ld, err, errlen);
    free(seen);
    if (!ok)
        dw_v_catalogue_destroy(&cat);
    return cat;
}

dw_v_catalogue_t *dw_v_catalogue_load(const char *path, char *err, size_t errlen)
{
    size_t n;
    char *buf = dw_yaml_read_file(path, CAT_FILE_MAX, &n, err, errlen);
    if (!buf)
        return NULL;
    dw_v_catalogue_t *cat = dw_v_catalogue_parse(path, buf, n, err, errlen);
    free(buf);
    return cat;
}

dw_v_catalogue_t *dw_v_catalogue_builtin(char *err, size_t errlen)
{
    return dw_v_catalogue_parse(DW_V_BUILTIN_NAME, (const char *)dw_v_builtin_rules, dw_v_builtin_rules_len, err,
                                errlen);
}

void dw_v_catalogue_destroy(dw_v_catalogue_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_v_catalogue_t *self = *self_p;
    dw_yaml_strings_free(&self->strs);
    free(self->rules);
    free(self);
    *self_p = NULL;
}

const char *dw_v_catalogue_source(const dw_v_catalogue_t *self)
{
    return self->source;
}

size_t dw_v_catalogue_count(const dw_v_catalogue_t *self)
{
    return self->n;
}

const dw_v_setting_t *dw_v_catalogue_rule(const dw_v_catalogue_t *self, size_t i)
{
    return i < self->n ? &self->rules[i] : NULL;
}

const dw_v_setting_t *dw_v_catalogue_find(const dw_v_catalogue_t *self, const char *id)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->rules[i].def->id, id) == 0)
            return &self->rules[i];
    return NULL;
}

/* ---- applying ---------------------------------------------------------- */

/* Runs rule r on s: true when a fatal rule broke (the verdict is final). */
static bool apply_rule(const dw_v_setting_t *r, uint64_t bit, const dw_v_subject_t *s, const char *key,
                       dw_v_verdict_t *v)
{
    if (!r->enabled || !r->def->check || !(r->types & bit) || (r->def->switch_on && !r->def->switch_on(s->cfg)))
        return false;
    dw_v_finding_t f;
    memset(&f, 0, sizeof f);
    if (!r->def->check(s, &f))
        return false;
    if (r->severity == DW_V_FATAL) {
        v->refusal = r;
        v->finding = f;
        return true;
    }
    if (v->n_warnings < DW_V_MAX_WARNINGS) {
        /* a rule that flags is kept with the row (payments.flags): said at
         * debug, not once per payment of an over-budget project at info */
        char msg[512];
        DW_LOG_AT(r->def->flag ? DW_LOG_DEBUG : DW_LOG_INFO, key, "%s %s: %s", r->def->id, s->type,
                  dw_v_render(r, &f, msg, sizeof msg));
        v->warnings[v->n_warnings++] = r->def->id;
        if (r->def->flag)
            v->flags[v->n_flags++] = r->def->flag;
    }
    return false;
}

/* The bit of the subject's type in a setting's types, 0 when it has none. */
static uint64_t type_bit(const dw_v_subject_t *s)
{
    const dw_type_def_t *t = dw_msg_typedef(s->msg);
    ptrdiff_t k = t ? t - dw_schema_types : -1;
    return k < 0 || k >= 64 ? 0 : UINT64_C(1) << k;
}

void dw_v_catalogue_apply(const dw_v_catalogue_t *self, const dw_v_subject_t *s, const char *key, dw_v_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    uint64_t bit = type_bit(s);
    for (size_t i = 0; i < self->n && bit; i++)
        if (apply_rule(&self->rules[i], bit, s, key, v))
            return;
}

void dw_v_catalogue_apply_one(const dw_v_catalogue_t *self, const char *id, const dw_v_subject_t *s, const char *key,
                              dw_v_verdict_t *v)
{
    memset(v, 0, sizeof *v);
    const dw_v_setting_t *r = dw_v_catalogue_find(self, id);
    if (r)
        (void)apply_rule(r, type_bit(s), s, key, v);
}

char *dw_v_render(const dw_v_setting_t *rule, const dw_v_finding_t *f, char *out, size_t n)
{
    dw_buf_t b = DW_BUF_INIT;
    int rc = 0;
    for (const char *p = rule->message; *p && rc == 0;) {
        const char *put = NULL;
        size_t skip = 0;
        if (strncmp(p, "{value}", 7) == 0)
            put = f->value, skip = 7;
        else if (strncmp(p, "{expected}", 10) == 0)
            put = f->expected, skip = 10;
        else if (strncmp(p, "{field}", 7) == 0)
            put = f->field, skip = 7;
        if (put) {
            rc = dw_buf_puts(&b, put);
            p += skip;
        } else {
            rc = dw_buf_append(&b, p, 1);
            p++;
        }
    }
    /* cut before copying: snprintf would cut inside a character */
    if (rc == 0 && b.data)
        dw_utf8_cut(b.data, n - 1);
    snprintf(out, n, "%s", rc == 0 && b.data ? b.data : "");
    dw_buf_free(&b);
    return out;
}
