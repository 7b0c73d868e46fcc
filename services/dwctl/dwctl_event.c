#include "dwctl_event.h"

#include <inttypes.h>
#include <string.h>

#include "dw_money.h"

/* Text of a field, or "-" when absent: a line keeps its shape. */
static const char *s(const dw_obj_t *o, const char *field)
{
    const char *v = dw_obj_str(o, field);
    return v ? v : "-";
}

static void put_int(FILE *out, const dw_obj_t *o, const char *field)
{
    int64_t v;
    if (dw_obj_int(o, field, &v))
        fprintf(out, "%" PRId64, v);
    else
        fputs("-", out);
}

/* " 预期 1,200,000.00 元, 实际 1,250,000.00 元" from expected/actual (fen or text). */
static void put_expected_actual(FILE *out, const dw_obj_t *b)
{
    int64_t e, a;
    char eb[40], ab[40];
    bool has_e = dw_obj_int(b, "expected_fen", &e), has_a = dw_obj_int(b, "actual_fen", &a);
    if (has_e || has_a) {
        dw_fen_format(has_e ? e : 0, eb, sizeof eb);
        dw_fen_format(has_a ? a : 0, ab, sizeof ab);
        fprintf(out, "  预期 %s 元, 实际 %s 元", has_e ? eb : "-", has_a ? ab : "-");
    } else if (dw_obj_has(b, "expected") || dw_obj_has(b, "actual")) {
        fprintf(out, "  预期 %s, 实际 %s", s(b, "expected"), s(b, "actual"));
    }
}

static void print_alert(FILE *out, const dw_obj_t *b)
{
    fprintf(out, "%s  ", s(b, "event"));
    if (dw_obj_has(b, "previous_level"))
        fprintf(out, "%s->", s(b, "previous_level"));
    fprintf(out, "%s  %s  %s  %s  %s", s(b, "level"), s(b, "category"), s(b, "project_code"), s(b, "rule_id"),
            s(b, "message"));
    put_expected_actual(out, b);
}

static void print_task(FILE *out, const dw_obj_t *b)
{
    fprintf(out, "%s %s %s %s", s(b, "event"), s(b, "kind"), s(b, "dept_code"), s(b, "project_code"));
    if (dw_obj_has(b, "due_date"))
        fprintf(out, " due %s", s(b, "due_date"));
    fprintf(out, " [%s] %s", s(b, "state"), s(b, "summary"));
}

static void print_notice(FILE *out, const dw_obj_t *b)
{
    fprintf(out, "%s to %s %s", s(b, "kind"), s(b, "recipient"), s(b, "project_code"));
    if (dw_obj_has(b, "due_date"))
        fprintf(out, " due %s", s(b, "due_date"));
    fprintf(out, "  %s", s(b, "title"));
}

static void print_instruction(FILE *out, const dw_obj_t *b)
{
    fprintf(out, "%s %s (%s) decided %s: %s", s(b, "action"), s(b, "project_code"), s(b, "dept_code"),
            s(b, "decided_date"), s(b, "reason"));
}

static void print_reject(FILE *out, const dw_obj_t *b)
{
    fprintf(out, "%s %s %s at %s: %s: %s", s(b, "src"), s(b, "id"), s(b, "type"), s(b, "stage"), s(b, "code"),
            s(b, "message"));
    if (dw_obj_has(b, "field"))
        fprintf(out, " (field %s)", s(b, "field"));
}

static void print_heartbeat(FILE *out, const dw_obj_t *b)
{
    fputs("epoch ", out);
    put_int(out, b, "epoch");
    size_t n = dw_obj_count(b, "heads");
    for (size_t i = 0; i < n; i++) {
        const dw_obj_t *h = dw_obj_item_map(b, "heads", i);
        fprintf(out, "%s%s ", i ? ", " : "  ", s(h, "stream"));
        put_int(out, h, "head");
    }
}

static const struct {
    const char *type;
    void (*print)(FILE *out, const dw_obj_t *body);
} printers[] = {
    {"alert.event", print_alert},    {"task.event", print_task},
    {"notice", print_notice},        {"treasury.instruction", print_instruction},
    {"reject.notice", print_reject}, {"heartbeat", print_heartbeat},
};

void dwctl_event_print(FILE *out, const char *topic, const dw_msg_t *msg)
{
    const char *stream = dw_msg_stream(msg);
    int64_t seq = 0;
    char seqbuf[24] = "#-";
    if (dw_msg_seq(msg, &seq))
        snprintf(seqbuf, sizeof seqbuf, "#%" PRId64, seq);
    char label[33];
    if (!stream) { /* the topic's first segment is the stream */
        snprintf(label, sizeof label, "%.*s", (int)strcspn(topic, "."), topic);
        stream = label;
    }
    fprintf(out, "%-6s %-4s %s  ", stream, seqbuf, topic);
    const char *type = dw_msg_type(msg);
    const dw_obj_t *body = dw_msg_body_const(msg);
    size_t i = 0;
    while (i < sizeof printers / sizeof printers[0] && strcmp(printers[i].type, type) != 0)
        i++;
    if (i < sizeof printers / sizeof printers[0])
        printers[i].print(out, body);
    else
        fprintf(out, "%s %s", type, dw_msg_id(msg)); /* a type this dwctl does not know yet */
    fputc('\n', out);
    fflush(out);
}
