#include "dwctl_import_map.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dwctl_build.h"
#include "dwctl_import_conv.h"

/* The loader's state: the document, where errors go. */
typedef struct loader {
    const char *path;
    yaml_document_t *doc;
    char *why;
    size_t why_len;
    dwctl_map_t *map;
} loader_t;

static const char *const conv_names[] = {"text", "yuan", "fen", "date", "int", "period", "list"};

const char *dwctl_conv_kind_name(dwctl_conv_kind_t kind)
{
    return (size_t)kind < sizeof conv_names / sizeof conv_names[0] ? conv_names[kind] : "unknown";
}

static int line_of(const yaml_node_t *node)
{
    return node ? (int)node->start_mark.line + 1 : 0;
}

static int fail(loader_t *l, const yaml_node_t *node, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(loader_t *l, const yaml_node_t *node, const char *fmt, ...)
{
    int n = snprintf(l->why, l->why_len, "%s:%d: ", l->path, line_of(node));
    if (n < 0 || (size_t)n >= l->why_len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->why + n, l->why_len - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static yaml_node_t *node_at(loader_t *l, int index)
{
    return yaml_document_get_node(l->doc, index);
}

/* The text of a scalar that must be there, or NULL after failing. */
static const char *need_text(loader_t *l, yaml_node_t *node, const char *what)
{
    const char *s = dwctl_yaml_text(node);
    if (!s || !*s)
        fail(l, node, "%s must be text", what);
    return s && *s ? s : NULL;
}

static char *dup_or_fail(loader_t *l, const yaml_node_t *node, const char *s)
{
    char *d = strdup(s);
    if (!d)
        fail(l, node, "out of memory");
    return d;
}

static void free_fieldmaps(dwctl_fieldmap_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].field);
        free(f[i].column);
        free(f[i].constant);
        for (size_t j = 0; j < f[i].n_map; j++) {
            free(f[i].map[j].from);
            free(f[i].map[j].to);
        }
        free(f[i].map);
    }
    free(f);
}

void dwctl_map_destroy(dwctl_map_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dwctl_map_t *self = *self_p;
    free(self->path);
    free(self->src);
    free(self->id_template);
    free(self->ts_field);
    free_fieldmaps(self->fields, self->n_fields);
    free(self->items_field);
    free_fieldmaps(self->items, self->n_items);
    for (size_t i = 0; i < self->n_group_by; i++)
        free(self->group_by[i]);
    free(self->group_by);
    free(self);
    *self_p = NULL;
}

static int conv_of(const char *name, dwctl_conv_kind_t *out)
{
    for (size_t i = 0; i < sizeof conv_names / sizeof conv_names[0]; i++)
        if (strcmp(name, conv_names[i]) == 0) {
            *out = (dwctl_conv_kind_t)i;
            return 0;
        }
    return -1;
}

static dwctl_conv_kind_t default_conv(const dw_field_def_t *def)
{
    switch (def->type) {
    case DW_FT_FEN: return DWCTL_CONV_YUAN;
    case DW_FT_DATE: return DWCTL_CONV_DATE;
    case DW_FT_INT: return DWCTL_CONV_INT;
    case DW_FT_ARRAY: return DWCTL_CONV_LIST;
    default: return DWCTL_CONV_TEXT;
    }
}

/* Whether a conversion can fill a field of this type. */
static bool conv_fits(dwctl_conv_kind_t conv, const dw_field_def_t *def)
{
    bool scalar_items = def->type == DW_FT_ARRAY && (def->item_type == DW_FT_STR || def->item_type == DW_FT_ENUM);
    switch (conv) {
    case DWCTL_CONV_YUAN:
    case DWCTL_CONV_FEN: return def->type == DW_FT_FEN;
    case DWCTL_CONV_DATE: return def->type == DW_FT_DATE;
    case DWCTL_CONV_INT:
    case DWCTL_CONV_PERIOD: return def->type == DW_FT_INT;
    case DWCTL_CONV_LIST: return scalar_items;
    case DWCTL_CONV_TEXT:
        return def->type != DW_FT_ARRAY && def->type != DW_FT_MAP && def->type != DW_FT_ANY && def->type != DW_FT_BOOL;
    }
    return false;
}

static int load_value_map(loader_t *l, yaml_node_t *node, dwctl_fieldmap_t *f)
{
    if (node->type != YAML_MAPPING_NODE)
        return fail(l, node, "map must be a map of values, such as {直接支付: direct}");
    size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    f->map = calloc(n ? n : 1, sizeof *f->map);
    if (!f->map)
        return fail(l, node, "out of memory");
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *from = need_text(l, k, "a value to map"), *to = from ? need_text(l, v, "what it maps to") : NULL;
        if (!to)
            return -1;
        for (size_t i = 0; i < f->n_map; i++)
            if (strcmp(f->map[i].from, from) == 0)
                return fail(l, k, "\"%s\" is mapped twice", from);
        dwctl_pair_t *pair = &f->map[f->n_map];
        pair->from = dup_or_fail(l, k, from);
        pair->to = pair->from ? dup_or_fail(l, v, to) : NULL;
        f->n_map++; /* counted before the check, so that destroy frees what was copied */
        if (!pair->to)
            return -1;
    }
    return 0;
}

/* One field: "column name", or a map of column/const/convert/map/prefix. */
static int load_fieldmap(loader_t *l, const dw_object_def_t *obj, const char *what, yaml_node_t *knode,
                         yaml_node_t *vnode, dwctl_fieldmap_t *f)
{
    const char *name = need_text(l, knode, "a field name");
    if (!name)
        return -1;
    f->line = line_of(knode);
    f->field = dup_or_fail(l, knode, name);
    if (!f->field)
        return -1;
    f->def = dw_schema_field(obj, name, NULL);
    if (!f->def)
        return fail(l, knode, "%s has no field \"%s\"", what, name);
    bool has_conv = false;
    if (vnode->type == YAML_SCALAR_NODE) {
        const char *column = need_text(l, vnode, "a column name");
        if (!column || !(f->column = dup_or_fail(l, vnode, column)))
            return -1;
    } else if (vnode->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = vnode->data.mapping.pairs.start; p < vnode->data.mapping.pairs.top; p++) {
            yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
            const char *key = dwctl_yaml_text(k);
            const char *text = dwctl_yaml_text(v);
            if (!key)
                return fail(l, k, "a key must be text");
            if (strcmp(key, "map") == 0) {
                if (f->map)
                    return fail(l, k, "map given twice");
                if (load_value_map(l, v, f) != 0)
                    return -1;
                continue;
            }
            if (!text)
                return fail(l, v, "%s must be text", key);
            if (strcmp(key, "column") == 0 && !f->column) {
                if (!(f->column = dup_or_fail(l, v, text)))
                    return -1;
            } else if (strcmp(key, "const") == 0 && !f->constant) {
                if (!(f->constant = dup_or_fail(l, v, text)))
                    return -1;
            } else if (strcmp(key, "convert") == 0 && !has_conv) {
                if (conv_of(text, &f->conv) != 0)
                    return fail(l, v, "convert is one of text, yuan, fen, date, int, period, list; not \"%s\"", text);
                has_conv = true;
            } else if (strcmp(key, "prefix") == 0 && f->prefix == 0) {
                char *end = NULL;
                errno = 0;
                long n = strtol(text, &end, 10);
                if (errno || *end || n < 1 || n > 64)
                    return fail(l, v, "prefix is a number of characters, 1 to 64");
                f->prefix = (size_t)n;
            } else {
                return fail(l, k,
                            "\"%s\" is not a key of a field (column, const, convert, map, prefix), or it is "
                            "given twice",
                            key);
            }
        }
    } else {
        return fail(l, vnode, "%s: a column name, or a map such as {column: 支付金额(元), convert: yuan}", name);
    }
    if (!f->column == !f->constant)
        return fail(l, vnode, "%s: give either column or const", name);
    if (!has_conv)
        f->conv = default_conv(f->def);
    if (!conv_fits(f->conv, f->def))
        return fail(l, vnode, "%s is %s%s%s: convert %s cannot fill it", name, dw_ftype_name(f->def->type),
                    f->def->type == DW_FT_ARRAY ? " of " : "",
                    f->def->type == DW_FT_ARRAY ? dw_ftype_name(f->def->item_type) : "", dwctl_conv_kind_name(f->conv));
    return 0;
}

/* A map of fields onto obj's fields; every required one but skip must be there. */
static int load_fields(loader_t *l, const dw_object_def_t *obj, const char *what, yaml_node_t *node,
                       dwctl_fieldmap_t **out, size_t *n_out, const char *skip)
{
    if (!node || node->type != YAML_MAPPING_NODE)
        return fail(l, node, "%s: fields must be a map of field: column", what);
    size_t n = (size_t)(node->data.mapping.pairs.top - node->data.mapping.pairs.start);
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return fail(l, node, "out of memory");
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key);
        dwctl_fieldmap_t *f = &(*out)[*n_out];
        (*n_out)++;
        if (load_fieldmap(l, obj, what, k, node_at(l, p->value), f) != 0)
            return -1;
        for (size_t i = 0; i + 1 < *n_out; i++)
            if (strcmp((*out)[i].field, f->field) == 0)
                return fail(l, k, "%s is mapped twice", f->field);
        if (skip && strcmp(f->field, skip) == 0)
            return fail(l, k, "%s is filled by items, one per row", skip);
    }
    for (size_t i = 0; i < obj->n_fields; i++) {
        const dw_field_def_t *def = &obj->fields[i];
        if (!def->required || (skip && strcmp(def->name, skip) == 0))
            continue;
        bool found = false;
        for (size_t j = 0; j < *n_out && !found; j++)
            found = strcmp((*out)[j].field, def->name) == 0;
        if (!found)
            return fail(l, node, "%s: the required field %s is not mapped", what, def->name);
    }
    return 0;
}

const dwctl_fieldmap_t *dwctl_map_field(const dwctl_map_t *self, const char *name)
{
    for (size_t i = 0; i < self->n_fields; i++)
        if (strcmp(self->fields[i].field, name) == 0)
            return &self->fields[i];
    return NULL;
}

/* Every {name} of the id template is a mapped body field, or digest. */
static int check_template(loader_t *l, yaml_node_t *node)
{
    const char *t = l->map->id_template;
    for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            return fail(l, node, "id: a { without its }");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
        if (strcmp(name, "digest") != 0 && !dwctl_map_field(l->map, name))
            return fail(l, node, "id: {%s} is not a mapped field of the body (nor {digest})", name);
    }
    return 0;
}

static int load_ts(loader_t *l, yaml_node_t *node)
{
    const char *text = need_text(l, node, "ts");
    if (!text)
        return -1;
    const char *why;
    if (strspn(text, "0123456789") == strlen(text)) {
        if (!dwctl_conv_int(text, &l->map->ts_const, &why))
            return fail(l, node, "ts: %s", why);
        return 0;
    }
    const dwctl_fieldmap_t *f = dwctl_map_field(l->map, text);
    if (!f || f->def->type != DW_FT_DATE)
        return fail(l, node, "ts is unix milliseconds, or the name of a mapped date field of the body; not \"%s\"",
                    text);
    l->map->ts_field = dup_or_fail(l, node, text);
    return l->map->ts_field ? 0 : -1;
}

static int load_items(loader_t *l, yaml_node_t *node)
{
    dwctl_map_t *m = l->map;
    if (node->type != YAML_MAPPING_NODE)
        return fail(l, node, "items must be a map: field, fields");
    yaml_node_t *fields = NULL;
    for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *key = dwctl_yaml_text(k);
        if (key && strcmp(key, "field") == 0 && !m->items_field) {
            const char *name = need_text(l, v, "items.field");
            if (!name || !(m->items_field = dup_or_fail(l, v, name)))
                return -1;
            m->items_def = dw_schema_field(m->type->body, name, NULL);
            if (!m->items_def || m->items_def->type != DW_FT_ARRAY || m->items_def->item_type != DW_FT_MAP)
                return fail(l, v, "items.field: %s has no array of maps \"%s\"", m->type->type, name);
        } else if (key && strcmp(key, "fields") == 0 && !fields) {
            fields = v;
        } else {
            return fail(l, k, "items has field and fields only, each once");
        }
    }
    if (!m->items_field || !fields)
        return fail(l, node, "items needs field and fields");
    char what[96];
    snprintf(what, sizeof what, "%s item", m->items_field);
    return load_fields(l, m->items_def->object, what, fields, &m->items, &m->n_items, NULL);
}

static int load_group_by(loader_t *l, yaml_node_t *node)
{
    dwctl_map_t *m = l->map;
    if (node->type != YAML_SEQUENCE_NODE || node->data.sequence.items.top == node->data.sequence.items.start)
        return fail(l, node, "group_by is a list of body fields, such as [project_code, period_month]");
    size_t n = (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
    m->group_by = calloc(n, sizeof *m->group_by);
    if (!m->group_by)
        return fail(l, node, "out of memory");
    for (yaml_node_item_t *it = node->data.sequence.items.start; it < node->data.sequence.items.top; it++) {
        yaml_node_t *v = node_at(l, *it);
        const char *name = need_text(l, v, "a group_by field");
        if (!name)
            return -1;
        if (!dwctl_map_field(m, name))
            return fail(l, v, "group_by: %s is not a mapped field of the body", name);
        if (!(m->group_by[m->n_group_by++] = dup_or_fail(l, v, name)))
            return -1;
    }
    return 0;
}

static int load_root(loader_t *l, yaml_node_t *root)
{
    dwctl_map_t *m = l->map;
    if (!root || root->type != YAML_MAPPING_NODE)
        return fail(l, root, "a mapping file is a map: type, src, id, ts, fields (and group_by, items)");
    yaml_node_t *type = NULL, *id = NULL, *ts = NULL, *fields = NULL, *items = NULL, *group_by = NULL, *src = NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node_at(l, p->key), *v = node_at(l, p->value);
        const char *key = dwctl_yaml_text(k);
        yaml_node_t **slot = NULL;
        if (!key)
            return fail(l, k, "a key must be text");
        if (strcmp(key, "type") == 0)
            slot = &type;
        else if (strcmp(key, "src") == 0)
            slot = &src;
        else if (strcmp(key, "id") == 0)
            slot = &id;
        else if (strcmp(key, "ts") == 0)
            slot = &ts;
        else if (strcmp(key, "fields") == 0)
            slot = &fields;
        else if (strcmp(key, "items") == 0)
            slot = &items;
        else if (strcmp(key, "group_by") == 0)
            slot = &group_by;
        if (!slot)
            return fail(l, k, "\"%s\" is not a key of a mapping file (type, src, id, ts, fields, group_by, items)",
                        key);
        if (*slot)
            return fail(l, k, "%s is given twice", key);
        *slot = v;
    }
    const char *type_name = type ? need_text(l, type, "type") : NULL;
    if (!type_name)
        return type ? -1 : fail(l, root, "type is missing");
    m->type = dw_schema_type(type_name);
    if (!m->type || m->type->direction != DW_DIR_IN)
        return fail(l, type, "\"%s\" is not a type producers send", type_name);
    if (src) {
        const char *s = need_text(l, src, "src");
        if (!s || !(m->src = dup_or_fail(l, src, s)))
            return -1;
    }
    if (!fields)
        return fail(l, root, "fields is missing");
    if (items && load_items(l, items) != 0)
        return -1;
    if (load_fields(l, m->type->body, m->type->type, fields, &m->fields, &m->n_fields, m->items_field) != 0)
        return -1;
    if (!items && group_by)
        return fail(l, group_by, "group_by goes with items: several rows, one message");
    if (items && !group_by)
        return fail(l, items, "items needs group_by: the body fields that tell one message's rows from the next");
    if (group_by && load_group_by(l, group_by) != 0)
        return -1;
    const char *tmpl = id ? need_text(l, id, "id") : NULL;
    if (!tmpl)
        return id ? -1 : fail(l, root, "id is missing: the message id, such as \"{voucher_no}\"");
    if (!(m->id_template = dup_or_fail(l, id, tmpl)) || check_template(l, id) != 0)
        return -1;
    if (!ts)
        return fail(l, root,
                    "ts is missing: a date field of the body, or unix milliseconds (a fixed ts keeps a "
                    "re-import byte for byte the same)");
    return load_ts(l, ts);
}

dwctl_map_t *dwctl_map_load(const char *path, char *why, size_t why_len)
{
    loader_t l = {.path = path, .why = why, .why_len = why_len};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_len, "could not open the mapping %s: %s", path, strerror(errno));
        return NULL;
    }
    l.map = calloc(1, sizeof *l.map);
    yaml_parser_t parser;
    yaml_document_t doc;
    bool parsed = false, parser_ok = l.map && yaml_parser_initialize(&parser);
    int rc = -1;
    if (!parser_ok) {
        snprintf(why, why_len, "out of memory");
        goto done;
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        snprintf(why, why_len, "%s:%zu: not valid yaml: %s", path, parser.problem_mark.line + 1,
                 parser.problem ? parser.problem : "parse error");
        goto done;
    }
    parsed = true;
    l.doc = &doc;
    if (!(l.map->path = strdup(path))) {
        snprintf(why, why_len, "out of memory");
        goto done;
    }
    rc = load_root(&l, yaml_document_get_root_node(&doc));
done:
    if (parsed)
        yaml_document_delete(&doc);
    if (parser_ok)
        yaml_parser_delete(&parser);
    fclose(f);
    if (rc != 0)
        dwctl_map_destroy(&l.map);
    return l.map;
}
