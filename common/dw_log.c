#include "dw_log.h"

#include "dw_date.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The one exception to "no global mutable state": the level and the service
 * name, written once by dw_log_open at start-up (before any thread starts) and
 * only read afterwards, so every logger in the process agrees without passing
 * a handle through every call. */
static dw_log_level_t log_level = DW_LOG_INFO;
static char log_service[64] = "dualwatch";

static const char *const level_names[] = {"debug", "info", "warn", "error"};
/* Upper-case and padded to five, so messages line up. */
static const char *const level_tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};

void dw_log_open(const char *service, dw_log_level_t level)
{
    if (service && *service) {
        size_t n = strlen(service);
        if (n >= sizeof log_service)
            n = sizeof log_service - 1;
        memcpy(log_service, service, n);
        log_service[n] = '\0';
    }
    if (level < DW_LOG_DEBUG)
        level = DW_LOG_DEBUG;
    if (level > DW_LOG_ERROR)
        level = DW_LOG_ERROR;
    log_level = level;
}

int dw_log_enabled(dw_log_level_t level)
{
    return level >= log_level;
}

int dw_log_level_parse(const char *name)
{
    if (!name)
        return -1;
    for (int i = 0; i < (int)(sizeof level_names / sizeof level_names[0]); i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

const char *dw_log_level_name(dw_log_level_t level)
{
    if (level < DW_LOG_DEBUG || level > DW_LOG_ERROR)
        return "unknown";
    return level_names[level];
}

/* A line under construction: never writes past cap - 1 (room kept for '\n'),
 * and remembers whether anything was cut. */
typedef struct line {
    char buf[DW_LOG_LINE_MAX];
    size_t len;
    size_t cap; /* usable bytes before the newline */
    int cut;
} line_t;

static void line_add(line_t *l, const char *s, size_t n)
{
    size_t room = l->cap - l->len;
    if (n > room) {
        n = room;
        l->cut = 1;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void line_printf(line_t *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_printf(line_t *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = l->cap - l->len;
    int n = vsnprintf(l->buf + l->len, room + 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > room) {
        n = (int)room;
        l->cut = 1;
    }
    l->len += (size_t)n;
}

/* Makes [from, len) safe for a one-line log: control characters become spaces,
 * so a message with a newline in it stays one line. */
static void line_sanitize(line_t *l, size_t from)
{
    for (size_t i = from; i < l->len; i++) {
        unsigned char c = (unsigned char)l->buf[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            l->buf[i] = ' ';
    }
}

/* Drops trailing whitespace (the '\n' libpq ends its errors with). */
static void line_trim(line_t *l, size_t from)
{
    while (l->len > from && (l->buf[l->len - 1] == ' ' || l->buf[l->len - 1] == '\t'))
        l->len--;
}

/* A cut line ends in "..." after a whole UTF-8 character: back up over any
 * continuation bytes (10xxxxxx) and the lead byte they belong to. */
static void line_mark_cut(line_t *l)
{
    size_t end = l->cap - 3;
    if (l->len < end)
        end = l->len;
    size_t i = end;
    while (i > 0 && ((unsigned char)l->buf[i - 1] & 0xc0) == 0x80)
        i--;
    if (i > 0 && ((unsigned char)l->buf[i - 1] & 0x80)) {
        /* a lead byte: keep the character only if all of it is before end */
        unsigned char lead = (unsigned char)l->buf[i - 1];
        size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        if (end - (i - 1) < want)
            end = i - 1;
    }
    memcpy(l->buf + end, "...", 3);
    l->len = end + 3;
}

static void format_time(line_t *l)
{
    /* Asia/Shanghai by the fixed offset: no tz database, no localtime_r lock. */
    int64_t ms = dw_now_ms();
    dw_date_t d = dw_business_date(ms);
    int64_t local_ms = ms + (int64_t)DW_SHANGHAI_OFFSET_S * 1000;
    int64_t ms_of_day = local_ms % 86400000;
    if (ms_of_day < 0)
        ms_of_day += 86400000;
    int h = (int)(ms_of_day / 3600000), mi = (int)(ms_of_day / 60000 % 60), s = (int)(ms_of_day / 1000 % 60);
    int milli = (int)(ms_of_day % 1000);
    char date[11];
    dw_date_format(d, date);
    line_printf(l, "%sT%02d:%02d:%02d.%03d+08:00 ", date, h, mi, s, milli);
}

void dw_log_write(dw_log_level_t level, const char *key, const char *fmt, ...)
{
    if (level < DW_LOG_DEBUG || level > DW_LOG_ERROR)
        level = DW_LOG_ERROR;
    if (!dw_log_enabled(level))
        return;
    int saved_errno = errno;
    line_t l;
    l.len = 0;
    l.cap = sizeof l.buf - 1;
    l.cut = 0;

    format_time(&l);
    line_printf(&l, "%s[%ld] %s ", log_service, (long)getpid(), level_tags[level]);
    if (key) {
        line_add(&l, "[", 1);
        size_t from = l.len;
        line_add(&l, key, strlen(key));
        line_sanitize(&l, from);
        line_add(&l, "] ", 2);
    }
    size_t msg_from = l.len;
    va_list ap;
    va_start(ap, fmt);
    errno = saved_errno; /* for %m */
    size_t room = l.cap - l.len;
    int n = vsnprintf(l.buf + l.len, room + 1, fmt, ap);
    va_end(ap);
    if (n > 0) {
        if ((size_t)n > room) {
            n = (int)room;
            l.cut = 1;
        }
        l.len += (size_t)n;
    }
    line_sanitize(&l, msg_from);
    if (!l.cut)
        line_trim(&l, msg_from);
    if (l.cut)
        line_mark_cut(&l);
    l.buf[l.len++] = '\n';

    /* One write per line; retried only when interrupted or cut short. */
    const char *p = l.buf;
    size_t left = l.len;
    while (left > 0) {
        ssize_t w = write(STDERR_FILENO, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    errno = saved_errno;
}
