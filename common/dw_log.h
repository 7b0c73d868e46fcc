/* dw_log — one line per event, carrying the key of the object it is about.
 *
 *   2026-11-22T10:15:02.123+08:00 dw-validate[4242] WARN  [voucher=GK2026000123] payment over budget: ...
 *
 * The level and the service name are set once by main (dw_log_open) and are
 * the process's only logging state. Below the active level nothing is
 * formatted. Every logger is printf-checked. Lines go to stderr, unbuffered.
 *
 * The time is local time in Asia/Shanghai by the fixed +08:00 offset (no tz
 * database). Each line is one write(2) of at most DW_LOG_LINE_MAX bytes, so
 * lines from several threads or processes sharing stderr never interleave; a
 * longer line is cut at a UTF-8 character boundary and ends in "...". Control
 * characters in the message (a newline inside a libpq error, say) become
 * spaces, and trailing newlines are dropped, so one event is one line. errno
 * is preserved, so "%m" works and a caller can log before it looks at errno.
 * Before dw_log_open the service is "dualwatch" and the level info. */
#ifndef DW_LOG_H
#define DW_LOG_H

#include <stddef.h> /* NULL, for callers passing no key */

typedef enum dw_log_level { DW_LOG_DEBUG = 0, DW_LOG_INFO, DW_LOG_WARN, DW_LOG_ERROR } dw_log_level_t;

/* PIPE_BUF on Linux: a write(2) of at most this many bytes to a pipe is atomic. */
#define DW_LOG_LINE_MAX 4096

void dw_log_open(const char *service, dw_log_level_t level);
int dw_log_enabled(dw_log_level_t level);
/* key: "voucher=GK1" style, or NULL for none. */
void dw_log_write(dw_log_level_t level, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "debug" -> DW_LOG_DEBUG ...; -1 if unknown. */
int dw_log_level_parse(const char *name);
/* "debug", "info", "warn", "error"; "unknown" out of range. */
const char *dw_log_level_name(dw_log_level_t level);

#define DW_LOG_AT(lvl, key, ...)                 \
    do {                                         \
        if (dw_log_enabled(lvl))                 \
            dw_log_write(lvl, key, __VA_ARGS__); \
    } while (0)
#define dw_log_debug(key, ...) DW_LOG_AT(DW_LOG_DEBUG, key, __VA_ARGS__)
#define dw_log_info(key, ...)  DW_LOG_AT(DW_LOG_INFO, key, __VA_ARGS__)
#define dw_log_warn(key, ...)  DW_LOG_AT(DW_LOG_WARN, key, __VA_ARGS__)
#define dw_log_error(key, ...) DW_LOG_AT(DW_LOG_ERROR, key, __VA_ARGS__)

#endif
