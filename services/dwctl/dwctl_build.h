/* dwctl_build — a YAML map (libyaml document node) onto a dw_obj_t, field by
 * field, letting the schema decide each scalar's type: scalars through
 * dw_obj_set_text, nested maps through dw_obj_set_map, arrays of maps through
 * dw_obj_push_map, arrays of scalars through dw_obj_push_text. A plain empty,
 * "~" or "null" scalar leaves an optional field out. */
#ifndef DWCTL_BUILD_H
#define DWCTL_BUILD_H

#include <yaml.h>

#include "dw_error.h"
#include "dw_msg.h"
#include "dwctl_marks.h"

/* Sets every key of map onto obj. path is obj's dotted path ("body"). Each
 * field set is recorded in marks. Returns DW_OK, or the code of the first
 * failure with err (field: the dotted path) and *line (1-based) at fault. */
dw_code_t dwctl_build_map(yaml_document_t *doc, yaml_node_t *map, dw_obj_t *obj, const char *path, dwctl_marks_t *marks,
                          dw_error_t *err, int *line) __attribute__((warn_unused_result));

/* The text of a scalar node (NUL-terminated by libyaml), or NULL for any other
 * node and for a plain null ("", "~", "null"). */
const char *dwctl_yaml_text(const yaml_node_t *node);
/* Whether node is a plain null scalar. */
int dwctl_yaml_is_null(const yaml_node_t *node);

#endif
