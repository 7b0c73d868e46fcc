#include "dwctl_import_progress.h"

#include <inttypes.h>

#define BAR 20

/* 1234567 -> "1,234,567" */
static void count(char *out, size_t n, uint64_t v)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void dwctl_progress_format(char *buf, size_t n, const dwctl_progress_counts_t *c)
{
    unsigned pct = c->total_bytes ? (unsigned)(c->done_bytes * 100 / c->total_bytes) : 100;
    if (pct > 100)
        pct = 100;
    char bar[BAR + 1];
    for (int i = 0; i < BAR; i++)
        bar[i] = (unsigned)i < pct * BAR / 100 ? '#' : '-';
    bar[BAR] = '\0';
    char rows[32], acked[32], refused[32], errors[32], rate[32];
    count(rows, sizeof rows, (uint64_t)(c->rows > 0 ? c->rows : 0));
    count(acked, sizeof acked, c->acked);
    count(refused, sizeof refused, c->refused);
    count(errors, sizeof errors, c->errors);
    count(rate, sizeof rate, c->elapsed_ms > 0 ? (uint64_t)c->acked * 1000 / (uint64_t)c->elapsed_ms : 0);
    snprintf(buf, n, "[%s] %3u%%  rows %s  acked %s  refused %s  errors %s  %s/s", bar, pct, rows, acked, refused,
             errors, rate);
}

void dwctl_progress_init(dwctl_progress_t *p, FILE *out, bool on)
{
    *p = (dwctl_progress_t){.out = out, .on = on, .last_ms = INT64_MIN / 2};
}

void dwctl_progress_draw(dwctl_progress_t *p, const dwctl_progress_counts_t *c, int64_t now_ms, bool force)
{
    if (!p->on || (!force && now_ms - p->last_ms < DWCTL_PROGRESS_MIN_MS))
        return;
    char line[256];
    dwctl_progress_format(line, sizeof line, c);
    fprintf(p->out, "\r%s\033[K", line); /* \033[K: clear what a longer line left */
    fflush(p->out);
    p->last_ms = now_ms;
    p->drawn = true;
}

void dwctl_progress_clear(dwctl_progress_t *p)
{
    if (!p->drawn)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->drawn = false;
}
