/* dwctl_import_state — how far an import has got, so that a run that was
 * interrupted (Ctrl-C, a lost connection, a killed process) starts again
 * after the last row it had finished instead of from the top.
 *
 * The file (default CSV.dwstate) is a few lines of text:
 *
 *   # dwctl import: every row up to "row" is settled; a rerun starts after it
 *   row 1207
 *   size 183204
 *   mtime_ns 1767225600123456789
 *   type treasury.payment
 *
 * "Settled" means acknowledged by dw-intake (stored, duplicate, or refused
 * with a code that sending again would only repeat) or reported as a local
 * error: a row whose fate is already in the error report. A row still in
 * flight, or refused busy/internal, stops the count: it is sent again.
 * size and mtime_ns are the CSV's when the state was written: a state for
 * another version of the file is not used (the ids make starting again from
 * the top harmless). It is written to a temporary file, flushed to disk and
 * renamed over the old one, then the directory is flushed, so a crash leaves
 * the old state or the new one, never half of one. */
#ifndef DWCTL_IMPORT_STATE_H
#define DWCTL_IMPORT_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct dwctl_state {
    int64_t row;
    uint64_t size;
    int64_t mtime_ns;
    char type[64];
} dwctl_state_t;

/* 1 read, 0 there is none, -1 unreadable or not a state file (why). */
int dwctl_state_read(const char *path, dwctl_state_t *st, char *why, size_t why_len)
    __attribute__((warn_unused_result));
/* 0, or -1 with why. */
int dwctl_state_write(const char *path, const dwctl_state_t *st, char *why, size_t why_len)
    __attribute__((warn_unused_result));

/* The size and modification time of the file at path; -1 with why. */
int dwctl_state_stat(const char *path, uint64_t *size, int64_t *mtime_ns, char *why, size_t why_len)
    __attribute__((warn_unused_result));

#endif
