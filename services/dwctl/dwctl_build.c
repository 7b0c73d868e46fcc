#include "dwctl_build.h"

#include <stdio.h>
#include <string.h>

#include "dw_schema.h"

#define PATH_MAX_LEN (2 * DW_ERR_FIELD_MAX)

int dwctl_yaml_is_null(const yaml_node_t *node)
{
    if (!node)
        return 1;
    if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *s = (const char *)node->data.scalar.value;
    return strcmp(s, "") == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

const char *dwctl_yaml_text(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE || dwctl_yaml_is_null(node))
        return NULL;
    return (const char *)node->data.scalar.value;
}

static int line_of(const yaml_node_t *node)
{
    return (int)node->start_mark.line + 1;
}

static const char *node_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE: return "a map";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return "text";
    }
}

/* Fails with code at node; the path is the field at fault. */
static dw_code_t fail_at(const yaml_node_t *node, int *line, dw_error_t *err, dw_code_t code, const char *path,
                         const char *what)
{
    *line = line_of(node);
    return dw_error_set(err, code, path, "%s", what);
}

static dw_code_t set_scalar(dw_obj_t *obj, const dw_field_def_t *def, const char *path, yaml_node_t *value,
                            dw_error_t *err, int *line)
{
    const char *text = dwctl_yaml_text(value);
    dw_error_t e = {0};
    dw_code_t rc = dw_obj_set_text(obj, def->name, text, &e);
    if (rc != DW_OK)
        return fail_at(value, line, err, rc, path, e.message[0] ? e.message : dw_code_name(rc));
    return DW_OK;
}

static dw_code_t push_items(yaml_document_t *doc, dw_obj_t *obj, const dw_field_def_t *def, const char *path,
                            yaml_node_t *seq, dwctl_marks_t *marks, dw_error_t *err, int *line)
{
    size_t i = 0;
    for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++, i++) {
        yaml_node_t *item = yaml_document_get_node(doc, *it);
        char ipath[PATH_MAX_LEN];
        /* A path too deep for the buffer is cut short: it only names a place in an error. */
        if (snprintf(ipath, sizeof ipath, "%s[%zu]", path, i) >= (int)sizeof ipath)
            ipath[sizeof ipath - 1] = '\0';
        if (dwctl_marks_add(marks, ipath, line_of(item)) != 0)
            return fail_at(item, line, err, DW_E_INTERNAL, ipath, "out of memory");
        if (def->item_type == DW_FT_MAP) {
            if (item->type != YAML_MAPPING_NODE)
                return fail_at(item, line, err, DW_E_WRONG_TYPE, ipath, "each item must be a map");
            dw_obj_t *child = dw_obj_push_map(obj, def->name);
            if (!child)
                return fail_at(item, line, err, DW_E_INTERNAL, ipath, "could not add a map item");
            dw_code_t rc = dwctl_build_map(doc, item, child, ipath, marks, err, line);
            if (rc != DW_OK)
                return rc;
            continue;
        }
        if (def->item_type == DW_FT_ANY || def->item_type == DW_FT_ARRAY)
            return fail_at(item, line, err, DW_E_WRONG_TYPE, ipath, "items of this kind cannot be written in yaml");
        if (item->type != YAML_SCALAR_NODE)
            return fail_at(item, line, err, DW_E_WRONG_TYPE, ipath, "each item must be text, not a map or list");
        dw_error_t e = {0};
        dw_code_t rc = dw_obj_push_text(obj, def->name, dwctl_yaml_text(item), &e);
        if (rc != DW_OK)
            return fail_at(item, line, err, rc, ipath, e.message[0] ? e.message : dw_code_name(rc));
    }
    return DW_OK;
}

/* Whether an earlier key of the same map has the same text. */
static int key_seen(yaml_document_t *doc, yaml_node_t *map, yaml_node_pair_t *upto, const char *key)
{
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < upto; p++) {
        const char *k = dwctl_yaml_text(yaml_document_get_node(doc, p->key));
        if (k && strcmp(k, key) == 0)
            return 1;
    }
    return 0;
}

dw_code_t dwctl_build_map(yaml_document_t *doc, yaml_node_t *map, dw_obj_t *obj, const char *path, dwctl_marks_t *marks,
                          dw_error_t *err, int *line)
{
    const dw_object_def_t *odef = dw_obj_def(obj);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *knode = yaml_document_get_node(doc, p->key);
        yaml_node_t *value = yaml_document_get_node(doc, p->value);
        const char *key = dwctl_yaml_text(knode);
        if (!key)
            return fail_at(knode, line, err, DW_E_BAD_KEY, path, "a key must be text");
        char fpath[PATH_MAX_LEN];
        snprintf(fpath, sizeof fpath, "%s.%s", path, key);
        if (key_seen(doc, map, p, key))
            return fail_at(knode, line, err, DW_E_DUP_KEY, fpath, "the same key twice in one map");
        const dw_field_def_t *def = dw_schema_field(odef, key, NULL);
        if (!def)
            return fail_at(knode, line, err, DW_E_UNKNOWN_FIELD, fpath, "not a field of this map in the schema");
        if (dwctl_yaml_is_null(value))
            continue; /* left out: encode says so if it was required */
        /* A map or list is named by its key's line; a scalar by its value's. */
        int mark = value->type == YAML_SCALAR_NODE ? line_of(value) : line_of(knode);
        if (dwctl_marks_add(marks, fpath, mark) != 0)
            return fail_at(value, line, err, DW_E_INTERNAL, fpath, "out of memory");

        dw_code_t rc = DW_OK;
        char what[96];
        switch (def->type) {
        case DW_FT_MAP:
            if (value->type != YAML_MAPPING_NODE) {
                snprintf(what, sizeof what, "expected a map, got %s", node_kind(value));
                return fail_at(value, line, err, DW_E_WRONG_TYPE, fpath, what);
            }
            dw_obj_t *child = dw_obj_set_map(obj, key);
            if (!child)
                return fail_at(value, line, err, DW_E_INTERNAL, fpath, "could not add a map");
            rc = dwctl_build_map(doc, value, child, fpath, marks, err, line);
            break;
        case DW_FT_ARRAY:
            if (value->type != YAML_SEQUENCE_NODE) {
                snprintf(what, sizeof what, "expected a list, got %s", node_kind(value));
                return fail_at(value, line, err, DW_E_WRONG_TYPE, fpath, what);
            }
            rc = push_items(doc, obj, def, fpath, value, marks, err, line);
            break;
        case DW_FT_ANY:
            return fail_at(value, line, err, DW_E_WRONG_TYPE, fpath, "a field of type any cannot be written in yaml");
        default:
            if (value->type != YAML_SCALAR_NODE) {
                snprintf(what, sizeof what, "expected %s, got %s", dw_ftype_name(def->type), node_kind(value));
                return fail_at(value, line, err, DW_E_WRONG_TYPE, fpath, what);
            }
            rc = set_scalar(obj, def, fpath, value, err, line);
            break;
        }
        if (rc != DW_OK)
            return rc;
    }
    return DW_OK;
}
