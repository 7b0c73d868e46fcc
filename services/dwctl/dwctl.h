/* dwctl — what the subcommands share: exit codes, the run context main owns,
 * and the entry point of each subcommand (one file each). */
#ifndef DWCTL_H
#define DWCTL_H

#include <stdio.h>

/* Exit codes: 64 is EX_USAGE of sysexits.h, which scripts already know. */
#define DWCTL_EXIT_OK         0
#define DWCTL_EXIT_REFUSED    1 /* send --strict: some message was refused */
#define DWCTL_EXIT_INCOMPLETE 2 /* unanswered messages, local errors, or a failure */
#define DWCTL_EXIT_USAGE      64

/* Owned by main for the whole run. The signal fd becomes readable on SIGINT or
 * SIGTERM (they are blocked and read from it: no handler, no global flag). */
typedef struct dwctl_ctx {
    int signal_fd;
    FILE *out; /* results: events, refusals, the summary */
    FILE *err; /* warnings and local errors */
} dwctl_ctx_t;

/* argv[0] is the subcommand's name; each returns an exit code above. */
int dwctl_send_main(const dwctl_ctx_t *ctx, int argc, char **argv);
int dwctl_watch_main(const dwctl_ctx_t *ctx, int argc, char **argv);

/* The usage text of one subcommand, or of all when name is NULL. */
void dwctl_usage(FILE *out, const char *name);

#endif
