/* proto.tables: what dw-protogen wrote into dw_schema_tables.c is what
 * proto/schema.yaml says. The expected values are copied by hand from the
 * schema, so a generator bug (a limit on the wrong member, a lost enum, an
 * array item typed as its array) fails here and not on the wire. */
#include <stdint.h>
#include <string.h>

#include "dw_schema.h"
#include "dw_test.h"

static const dw_field_def_t *field(const char *type, const char *name)
{
    const dw_type_def_t *t = dw_schema_type(type);
    return t ? dw_schema_field(t->body, name, NULL) : NULL;
}

static size_t count_values(const char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void test_frame(void)
{
    CHECK_INT(dw_schema_version, 1);
    CHECK_INT(dw_schema_limits.max_size, 1048576);
    CHECK_INT(dw_schema_limits.max_depth, 8);
    CHECK_INT(dw_schema_limits.max_count, 4096);
    CHECK_INT(dw_schema_limits.max_str, 65536);

    static const char *const env[] = {"v", "type", "id", "src", "ts", "body", "seq", "stream"};
    CHECK_INT(dw_schema_envelope.n_fields, 8);
    for (size_t i = 0; i < 8 && i < dw_schema_envelope.n_fields; i++)
        CHECK_STR(dw_schema_envelope.fields[i].name, env[i]);
    const dw_field_def_t *v = dw_schema_field(&dw_schema_envelope, "v", NULL);
    CHECK(v && v->type == DW_FT_INT && v->required && v->min == 1 && v->max == 1);
    const dw_field_def_t *ts = dw_schema_field(&dw_schema_envelope, "ts", NULL);
    CHECK(ts && ts->min == 0 && ts->max == INT64_C(253402300799999));
    const dw_field_def_t *seq = dw_schema_field(&dw_schema_envelope, "seq", NULL);
    CHECK(seq && !seq->required && seq->min == 1 && seq->max == INT64_MAX);
    const dw_field_def_t *body = dw_schema_field(&dw_schema_envelope, "body", NULL);
    CHECK(body && body->type == DW_FT_MAP && body->object == NULL);
}

static void test_types(void)
{
    CHECK_INT(dw_schema_n_types, 22);
    size_t n[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < dw_schema_n_types; i++)
        n[dw_schema_types[i].direction]++;
    CHECK_INT(n[DW_DIR_IN], 10);
    CHECK_INT(n[DW_DIR_OUT], 6);
    CHECK_INT(n[DW_DIR_REPLY], 3);
    CHECK_INT(n[DW_DIR_INTERNAL], 3); /* fact.payment, fact.budget, fact.reconciliation */
    CHECK(dw_schema_type("treasury.payment")->direction == DW_DIR_IN);
    CHECK(dw_schema_type("alert.event")->direction == DW_DIR_OUT);
    CHECK(dw_schema_type("ack")->direction == DW_DIR_REPLY);
    CHECK(dw_schema_type("fact.payment")->direction == DW_DIR_INTERNAL);
    CHECK(dw_schema_type("treasury") == NULL);
}

static void test_scalars(void)
{
    const dw_field_def_t *f = field("treasury.payment", "amount_fen");
    CHECK(f && f->type == DW_FT_FEN && f->required && f->min == 1 && f->max == INT64_C(999999999999999));
    CHECK_STR(f ? f->test_value : NULL, "12850000");

    f = field("treasury.payment", "function_code");
    CHECK(f && f->type == DW_FT_STR && f->pattern == DW_PAT_DIGITS && f->min == 7 && f->max == 7);
    f = field("treasury.payment", "dept_code");
    CHECK(f && f->pattern == DW_PAT_CODE && f->min == 1 && f->max == 32);
    f = field("treasury.payment", "line_id");
    CHECK(f && !f->required);
    f = field("treasury.payment", "method");
    CHECK(f && f->type == DW_FT_ENUM && count_values(f->enum_values) == 2);
    CHECK_STR(f && f->enum_values ? f->enum_values[1] : NULL, "authorised");

    f = field("budget.adjustment", "amount_fen");
    CHECK(f && f->min == INT64_C(-999999999999999));
    f = field("budget.allocation", "approved_date");
    CHECK(f && f->type == DW_FT_DATE && !f->required);
    CHECK_STR(f ? f->test_value : NULL, "2026-01-15");
    f = field("selfeval.report", "self_score");
    CHECK(f && f->type == DW_FT_DECIMAL && f->max == 5);
    f = field("monitor.report", "period_month");
    CHECK(f && f->min == 1 && f->max == 12);
}

static void test_nested(void)
{
    /* an array of maps: count on the array, the item's map as object */
    const dw_field_def_t *f = field("target.declaration", "indicators");
    CHECK(f && f->type == DW_FT_ARRAY && f->item_type == DW_FT_MAP && f->min == 1 && f->max == 200);
    CHECK(f && f->object && f->test_value == NULL);
    const dw_field_def_t *op = f && f->object ? dw_schema_field(f->object, "operator", NULL) : NULL;
    CHECK(op && op->type == DW_FT_ENUM && count_values(op->enum_values) == 6);
    const dw_field_def_t *w = f && f->object ? dw_schema_field(f->object, "weight", NULL) : NULL;
    CHECK(w && w->type == DW_FT_DECIMAL && w->required);
    const dw_field_def_t *cum = f && f->object ? dw_schema_field(f->object, "cumulative", NULL) : NULL;
    CHECK(cum && cum->type == DW_FT_BOOL && !cum->required);
    CHECK_STR(cum ? cum->test_value : NULL, "true");

    /* an array of enums inside an array of maps: the item's values and test */
    f = field("monitor.report", "indicators");
    const dw_field_def_t *causes = f && f->object ? dw_schema_field(f->object, "causes", NULL) : NULL;
    CHECK(causes && causes->type == DW_FT_ARRAY && causes->item_type == DW_FT_ENUM);
    CHECK(causes && causes->min == 0 && causes->max == 5 && count_values(causes->enum_values) == 5);
    CHECK_STR(causes ? causes->test_value : NULL, "funding");

    f = field("fact.payment", "flags");
    CHECK(f && f->item_type == DW_FT_ENUM && f->max == 8);

    /* a map declared once under objects is one table, shared */
    const dw_field_def_t *a = field("ack", "error"), *r = field("replay.answer", "error");
    CHECK(a && r && a->object && a->object == r->object);
    CHECK(a && a->object && a->object->n_fields == 3);

    f = field("replay.answer", "events");
    CHECK(f && f->item_type == DW_FT_ANY && f->max == 1000 && f->test_value && strlen(f->test_value) % 2 == 0);
}

int main(void)
{
    test_frame();
    test_types();
    test_scalars();
    test_nested();
    DW_TEST_DONE();
}
