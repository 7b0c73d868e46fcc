/* dw_yaml — what every reader of a YAML file (the configuration, the rule
 * catalogue, dwctl's inputs) says when a node is wrong: "path:line: reason". */
#ifndef DW_YAML_H
#define DW_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/* Writes "path:line: reason" into err (size errlen); always returns false so a
 * loader can `return dw_yaml_fail(...)`. */
bool dw_yaml_fail(char *err, size_t errlen, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* 1-based line where a node starts. */
int dw_yaml_line(const yaml_node_t *node);
/* "a mapping", "a list" or "a scalar", for messages. */
const char *dw_yaml_kind(const yaml_node_t *node);

#endif
