/* dwctl_marks — where in the YAML each field of a message was written, so an
 * error found later (at encode, by the dotted path dw_msg reports) can still
 * point at file:line. */
#ifndef DWCTL_MARKS_H
#define DWCTL_MARKS_H

#include <stddef.h>

typedef struct dwctl_mark {
    char *path; /* "body.indicators[2].weight" (owned) */
    int line;   /* 1-based */
} dwctl_mark_t;

typedef struct dwctl_marks {
    dwctl_mark_t *v;
    size_t n, cap;
} dwctl_marks_t; /* starts as {0} */

int dwctl_marks_add(dwctl_marks_t *m, const char *path, int line) __attribute__((warn_unused_result));
/* The line of path, else of its nearest enclosing field ("body.a[1].b", then
 * "body.a[1]", "body.a", "body"), else fallback. */
int dwctl_marks_line(const dwctl_marks_t *m, const char *path, int fallback);
void dwctl_marks_reset(dwctl_marks_t *m); /* forgets every mark, keeps memory */
void dwctl_marks_free(dwctl_marks_t *m);

#endif
