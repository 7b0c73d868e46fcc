/* dwctl_import_progress — the line an import redraws on a terminal:
 *
 *   [############--------]  60%  rows 1,200  acked 1,180  refused 2  errors 1  4,210/s
 *
 * The bar is the share of the file's bytes read; acked counts messages
 * stored or answered duplicate, refused those dw-intake refused, errors the
 * rows that could not be built; the rate is messages acked per second. It is
 * redrawn at most ten times a second (a terminal that is written to faster
 * slows the import down), and never when stderr is not a terminal: a log
 * file gets the one summary line instead. */
#ifndef DWCTL_IMPORT_PROGRESS_H
#define DWCTL_IMPORT_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DWCTL_PROGRESS_MIN_MS 100

typedef struct dwctl_progress_counts {
    uint64_t done_bytes, total_bytes;
    int64_t rows; /* data rows read in this run */
    size_t acked, refused, errors;
    int64_t elapsed_ms;
} dwctl_progress_counts_t;

/* The line, without a line break, into buf. */
void dwctl_progress_format(char *buf, size_t n, const dwctl_progress_counts_t *c);

typedef struct dwctl_progress {
    FILE *out;
    bool on;    /* out is a terminal */
    bool drawn; /* a line is showing */
    int64_t last_ms;
} dwctl_progress_t;

void dwctl_progress_init(dwctl_progress_t *p, FILE *out, bool on);
/* Redraws the line when on and DWCTL_PROGRESS_MIN_MS have passed since the
 * last time (or force). */
void dwctl_progress_draw(dwctl_progress_t *p, const dwctl_progress_counts_t *c, int64_t now_ms, bool force);
/* Removes the line, so that what follows starts on a clean one. */
void dwctl_progress_clear(dwctl_progress_t *p);

#endif
