#include "dwctl_load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "dw_msg.h"
#include "dw_schema.h"
#include "dwctl_build.h"
#include "dwctl_marks.h"

/* The envelope keys a YAML message may carry; v is always ours to set. */
typedef struct yaml_envelope {
    yaml_node_t *type, *id, *src, *ts, *body;
    int body_line; /* the line of the body key: where a missing field is reported */
} yaml_envelope_t;

static void report(const dwctl_load_opts_t *opts, const char *path, int line, const char *id, const dw_error_t *e)
{
    fprintf(opts->err, "%s:%d: local error %s: %s: %s", path, line, id && *id ? id : "(no id)", dw_code_name(e->code),
            e->message);
    if (e->field[0])
        fprintf(opts->err, " (field %s)", e->field);
    fputc('\n', opts->err);
}

static int node_line(const yaml_node_t *node)
{
    return (int)node->start_mark.line + 1;
}

/* Picks the envelope keys out of a message map. */
static dw_code_t read_envelope(yaml_document_t *doc, yaml_node_t *map, yaml_envelope_t *env, dw_error_t *err, int *line)
{
    memset(env, 0, sizeof *env);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *key = dwctl_yaml_text(k);
        yaml_node_t **slot = NULL;
        if (key && strcmp(key, "type") == 0)
            slot = &env->type;
        else if (key && strcmp(key, "id") == 0)
            slot = &env->id;
        else if (key && strcmp(key, "src") == 0)
            slot = &env->src;
        else if (key && strcmp(key, "ts") == 0)
            slot = &env->ts;
        else if (key && strcmp(key, "body") == 0)
            slot = &env->body;
        *line = node_line(k);
        if (!slot)
            return dw_error_set(err, DW_E_UNKNOWN_FIELD, key ? key : "",
                                "a message has only type, id, src, ts and body");
        if (*slot)
            return dw_error_set(err, DW_E_DUP_KEY, key, "the same key twice in one message");
        *slot = v;
        if (slot == &env->body)
            env->body_line = node_line(k);
    }
    return DW_OK;
}

static dw_code_t parse_ts(const yaml_node_t *node, int64_t *ts, dw_error_t *err)
{
    const char *text = dwctl_yaml_text(node);
    char *end = NULL;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : -1;
    if (!text || errno != 0 || end == text || *end != '\0' || v < 0)
        return dw_error_set(err, DW_E_WRONG_TYPE, "ts", "ts must be unix milliseconds, a whole number");
    *ts = v;
    return DW_OK;
}

/* Records where each envelope key was written, for errors found at encode. */
static dw_code_t mark_envelope(const yaml_envelope_t *env, dwctl_marks_t *marks, dw_error_t *err)
{
    const struct {
        const char *path;
        const yaml_node_t *node;
    } keys[] = {{"type", env->type}, {"id", env->id}, {"src", env->src}, {"ts", env->ts}};
    dwctl_marks_reset(marks);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].node && dwctl_marks_add(marks, keys[i].path, node_line(keys[i].node)) != 0)
            return dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    if (env->body && dwctl_marks_add(marks, "body", env->body_line) != 0)
        return dw_error_set(err, DW_E_INTERNAL, "", "out of memory");
    return DW_OK;
}

/* Builds and encodes one message; on failure err and *line say why and where. */
static dw_code_t build_one(yaml_document_t *doc, yaml_node_t *node, const dwctl_load_opts_t *opts, dwctl_marks_t *marks,
                           const char **id_out, dw_buf_t *out, dw_error_t *err, int *line)
{
    *line = node_line(node);
    *id_out = NULL;
    if (node->type != YAML_MAPPING_NODE)
        return dw_error_set(err, DW_E_NOT_MAP, "", "a message must be a map of type, id, src, ts and body");
    yaml_envelope_t env;
    dw_code_t rc = read_envelope(doc, node, &env, err, line);
    if (rc != DW_OK)
        return rc;
    *id_out = dwctl_yaml_text(env.id);

    *line = node_line(node);
    const char *type = dwctl_yaml_text(env.type);
    if (!type)
        return dw_error_set(err, DW_E_MISSING_FIELD, "type", "a message needs a type");
    *line = node_line(env.type);
    const dw_type_def_t *tdef = dw_schema_type(type);
    if (!tdef || tdef->direction != DW_DIR_IN)
        return dw_error_set(err, DW_E_UNKNOWN_TYPE, "type", "\"%s\" is not a type producers send", type);
    if (!*id_out) {
        *line = env.id ? node_line(env.id) : node_line(node);
        return dw_error_set(err, DW_E_MISSING_FIELD, "id", "a message needs an id");
    }
    const char *src = opts->src;
    if (env.src && !(src = dwctl_yaml_text(env.src))) {
        *line = node_line(env.src);
        return dw_error_set(err, DW_E_WRONG_TYPE, "src", "src must be text");
    }
    int64_t ts = opts->ts;
    if (env.ts && !dwctl_yaml_is_null(env.ts) && parse_ts(env.ts, &ts, err) != DW_OK) {
        *line = node_line(env.ts);
        return err->code;
    }
    if (env.body && !dwctl_yaml_is_null(env.body) && env.body->type != YAML_MAPPING_NODE) {
        *line = node_line(env.body);
        return dw_error_set(err, DW_E_NOT_MAP, "body", "body must be a map");
    }

    dw_msg_t *msg = dw_msg_new(type, *id_out, src, ts);
    if (!msg)
        return dw_error_set(err, DW_E_INTERNAL, "", "could not create a %s message", type);
    rc = mark_envelope(&env, marks, err);
    if (rc == DW_OK && env.body && env.body->type == YAML_MAPPING_NODE)
        rc = dwctl_build_map(doc, env.body, dw_msg_body(msg), "body", marks, err, line);
    if (rc == DW_OK) {
        rc = dw_msg_encode(msg, out, err);
        if (rc != DW_OK)
            *line = dwctl_marks_line(marks, err->field, node_line(node));
    }
    dw_msg_destroy(&msg);
    return rc;
}

/* Every message of one document (a list of messages, or one message). */
static int load_document(const char *path, yaml_document_t *doc, const dwctl_load_opts_t *opts, dwctl_batch_t *batch,
                         size_t *local_errors, dwctl_marks_t *marks)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (!root || dwctl_yaml_is_null(root))
        return 0;
    yaml_node_item_t one = 1, *start = &one, *top = &one + 1; /* the root alone: libyaml's node 1 */
    if (root->type == YAML_SEQUENCE_NODE) {
        start = root->data.sequence.items.start;
        top = root->data.sequence.items.top;
    }
    for (yaml_node_item_t *it = start; it < top; it++) {
        yaml_node_t *node = yaml_document_get_node(doc, *it);
        dw_buf_t bytes = DW_BUF_INIT;
        dw_error_t err = {0};
        const char *id = NULL;
        int line = 0;
        if (build_one(doc, node, opts, marks, &id, &bytes, &err, &line) != DW_OK) {
            dw_buf_free(&bytes);
            report(opts, path, line, id, &err);
            (*local_errors)++;
            continue;
        }
        char where[512];
        snprintf(where, sizeof where, "%s:%d", path, node_line(node));
        if (dwctl_batch_add(batch, where, id, &bytes) != 0)
            return -1;
    }
    return 0;
}

int dwctl_load_file(const char *path, const dwctl_load_opts_t *opts, dwctl_batch_t *batch, size_t *local_errors)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(opts->err, "%s: local error: could not open: %s\n", path, strerror(errno));
        (*local_errors)++;
        return 0;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return -1;
    }
    yaml_parser_set_input_file(&parser, f);
    dwctl_marks_t marks = {0};
    int rc = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            fprintf(opts->err, "%s:%zu: local error: not valid yaml: %s%s%s%s\n", path, parser.problem_mark.line + 1,
                    parser.problem ? parser.problem : "parse error", parser.context ? " (" : "",
                    parser.context ? parser.context : "", parser.context ? ")" : "");
            (*local_errors)++;
            break;
        }
        int end = yaml_document_get_root_node(&doc) == NULL; /* the stream's end */
        if (!end)
            rc = load_document(path, &doc, opts, batch, local_errors, &marks);
        yaml_document_delete(&doc);
        if (end || rc != 0)
            break;
    }
    dwctl_marks_free(&marks);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
