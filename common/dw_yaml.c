#include "dw_yaml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB ((size_t)1024 * 1024)

bool dw_yaml_fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return false;
    int n = snprintf(err, errlen, "%s:%d: ", path, line);
    if (n < 0 || (size_t)n >= errlen)
        return false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

int dw_yaml_line(const yaml_node_t *node)
{
    return (int)node->start_mark.line + 1;
}

const char *dw_yaml_kind(const yaml_node_t *node)
{
    switch (node->type) {
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_SEQUENCE_NODE: return "a list";
    default: return "a scalar";
    }
}

const char *dw_yaml_scalar(const yaml_node_t *node)
{
    if (!node || node->type != YAML_SCALAR_NODE)
        return NULL;
    if (memchr(node->data.scalar.value, '\0', node->data.scalar.length))
        return NULL;
    return (const char *)node->data.scalar.value;
}

char *dw_yaml_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: could not open: %s", path, strerror(errno));
        return NULL;
    }
    /* room for one byte past the cap: it tells a file of exactly max bytes
     * from a larger one, and becomes the NUL otherwise */
    char *buf = max < SIZE_MAX ? malloc(max + 1) : NULL;
    size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
    bool bad = !buf || ferror(f);
    fclose(f);
    if (!buf) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    if (bad || n > max) {
        if (n > max && max % MIB == 0)
            snprintf(err, errlen, "%s: file is too large (more than %zu MiB)", path, max / MIB);
        else if (n > max)
            snprintf(err, errlen, "%s: file is too large (more than %zu bytes)", path, max);
        else
            snprintf(err, errlen, "%s: could not read", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* libyaml's own words, at the line it names. */
static bool parser_fail(const yaml_parser_t *parser, const char *path, const char *text, size_t len, char *err,
                        size_t errlen)
{
    if (parser->error == YAML_MEMORY_ERROR)
        return dw_yaml_fail(err, errlen, path, 1, "out of memory while parsing");
    int line;
    if (parser->error == YAML_READER_ERROR) {
        /* the reader (encoding) reports a byte offset, not a mark */
        line = 1;
        for (size_t i = 0; i < parser->problem_offset && i < len; i++)
            line += text[i] == '\n';
    } else {
        line = (int)parser->problem_mark.line + 1;
    }
    const char *problem = parser->problem ? parser->problem : "unknown problem";
    if (parser->context)
        return dw_yaml_fail(err, errlen, path, line, "invalid YAML: %s (%s at line %d)", problem, parser->context,
                            (int)parser->context_mark.line + 1);
    return dw_yaml_fail(err, errlen, path, line, "invalid YAML: %s", problem);
}

bool dw_yaml_load_one(const char *path, const char *text, size_t len, dw_yaml_root_fn load_root, void *ctx, char *err,
                      size_t errlen)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return dw_yaml_fail(err, errlen, path, 1, "out of memory while parsing");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    yaml_document_t doc;
    bool ok = false;
    if (!yaml_parser_load(&parser, &doc)) {
        parser_fail(&parser, path, text, len, err, errlen);
    } else {
        if (load_root(ctx, &doc, yaml_document_get_root_node(&doc))) {
            /* a second document would be ignored silently: refuse it */
            yaml_document_t next;
            if (!yaml_parser_load(&parser, &next)) {
                parser_fail(&parser, path, text, len, err, errlen);
            } else {
                yaml_node_t *extra = yaml_document_get_root_node(&next);
                if (extra)
                    dw_yaml_fail(err, errlen, path, dw_yaml_line(extra), "more than one YAML document in the file");
                else
                    ok = true;
                yaml_document_delete(&next);
            }
        }
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    return ok;
}

const char *dw_yaml_keep(dw_yaml_strings_t *pool, const char *s)
{
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? pool->cap * 2 : 64;
        char **strs = realloc(pool->strs, cap * sizeof *strs);
        if (!strs)
            return NULL;
        pool->strs = strs;
        pool->cap = cap;
    }
    char *copy = strdup(s);
    if (copy)
        pool->strs[pool->n++] = copy;
    return copy;
}

void dw_yaml_strings_free(dw_yaml_strings_t *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        free(pool->strs[i]);
    free(pool->strs);
    *pool = (dw_yaml_strings_t){0};
}
