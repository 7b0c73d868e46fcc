#include "dw_yaml.h"

#include <stdarg.h>
#include <stdio.h>

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
