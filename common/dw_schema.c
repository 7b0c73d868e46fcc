#include "dw_schema.h"

#include <string.h>

const dw_type_def_t *dw_schema_type(const char *type)
{
    if (!type)
        return NULL;
    for (size_t i = 0; i < dw_schema_n_types; i++)
        if (strcmp(dw_schema_types[i].type, type) == 0)
            return &dw_schema_types[i];
    return NULL;
}

const dw_field_def_t *dw_schema_field(const dw_object_def_t *obj, const char *name, size_t *index)
{
    /* the first byte settles most misses without a call */
    for (size_t i = 0; obj && i < obj->n_fields; i++)
        if (obj->fields[i].name[0] == name[0] && strcmp(obj->fields[i].name, name) == 0) {
            if (index)
                *index = i;
            return &obj->fields[i];
        }
    return NULL;
}

const char *dw_ftype_name(dw_ftype_t t)
{
    switch (t) {
    case DW_FT_STR: return "str";
    case DW_FT_INT: return "int";
    case DW_FT_FEN: return "fen";
    case DW_FT_BOOL: return "bool";
    case DW_FT_DATE: return "date";
    case DW_FT_DECIMAL: return "decimal";
    case DW_FT_ENUM: return "enum";
    case DW_FT_MAP: return "map";
    case DW_FT_ARRAY: return "array";
    case DW_FT_ANY: return "any";
    }
    return "?";
}

const char *dw_direction_name(dw_direction_t d)
{
    switch (d) {
    case DW_DIR_IN: return "in";
    case DW_DIR_OUT: return "out";
    case DW_DIR_REPLY: return "reply";
    case DW_DIR_INTERNAL: return "internal";
    }
    return "?";
}
