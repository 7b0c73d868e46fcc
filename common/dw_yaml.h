/* dw_yaml — what every reader of a YAML file (the configuration, the rule
 * catalogues, dwctl's inputs) shares: "path:line: reason" when a node is
 * wrong, reading the file under a size cap, parsing exactly one document, and
 * the strings a loaded catalogue keeps. */
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
/* A scalar's text, or NULL when the node is NULL, not a scalar, or holds a NUL
 * (a C string would silently cut it). */
const char *dw_yaml_scalar(const yaml_node_t *node);

/* The whole file at path, NUL-terminated, malloc'd (the caller frees), its
 * length without the NUL in *len. NULL with err set to "path: could not open:
 * <strerror>", "path: file is too large (more than 1 MiB)" (the cap in MiB when
 * max is whole MiB, else "more than <max> bytes"), "path: out of memory" or
 * "path: could not read". */
char *dw_yaml_read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);

/* Hands the root of the one document in text to load_root (root NULL for an
 * empty document); load_root writes its own error and returns false to stop.
 * Returns false with "path:line: reason" in err on invalid YAML, when out of
 * memory, or when the text holds a second document (which would otherwise be
 * ignored silently). doc is valid only during the call. */
typedef bool (*dw_yaml_root_fn)(void *ctx, yaml_document_t *doc, yaml_node_t *root);
bool dw_yaml_load_one(const char *path, const char *text, size_t len, dw_yaml_root_fn load_root, void *ctx, char *err,
                      size_t errlen);

/* Copies of the strings a loaded object points at, freed together. A zeroed
 * dw_yaml_strings_t is empty. */
typedef struct dw_yaml_strings {
    char **strs;
    size_t n, cap;
} dw_yaml_strings_t;
/* A copy of s owned by pool; NULL when out of memory. */
const char *dw_yaml_keep(dw_yaml_strings_t *pool, const char *s);
/* Frees every copy; the pool is empty again. */
void dw_yaml_strings_free(dw_yaml_strings_t *pool);

#endif
