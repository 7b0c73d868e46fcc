#include "dwctl_marks.h"

#include <stdlib.h>
#include <string.h>

int dwctl_marks_add(dwctl_marks_t *m, const char *path, int line)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        dwctl_mark_t *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return -1;
        m->v = v;
        m->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    m->v[m->n].path = copy;
    m->v[m->n].line = line;
    m->n++;
    return 0;
}

static int find(const dwctl_marks_t *m, const char *path, size_t len)
{
    /* Newest first: a field set twice points at its last setting. */
    for (size_t i = m->n; i-- > 0;)
        if (strlen(m->v[i].path) == len && memcmp(m->v[i].path, path, len) == 0)
            return m->v[i].line;
    return 0;
}

int dwctl_marks_line(const dwctl_marks_t *m, const char *path, int fallback)
{
    if (!path)
        return fallback;
    for (size_t len = strlen(path); len > 0;) {
        int line = find(m, path, len);
        if (line > 0)
            return line;
        /* Drop the last component: ".name" or "[i]". */
        while (len > 0 && path[len - 1] != '.' && path[len - 1] != '[')
            len--;
        if (len > 0)
            len--;
    }
    return fallback;
}

void dwctl_marks_reset(dwctl_marks_t *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].path);
    m->n = 0;
}

void dwctl_marks_free(dwctl_marks_t *m)
{
    dwctl_marks_reset(m);
    free(m->v);
    m->v = NULL;
    m->cap = 0;
}
