/* dwctl_action — one workflow.action built from what a command line gave,
 * encoded with the schema (so a value the contract refuses never leaves:
 * a usage error naming the option), sent to dw-intake and its ack printed.
 *
 * The message's id, unless given, is act-<doc_id>-<action>-<ts> with the
 * envelope's ts in it: the same command with the same --ts builds the same
 * bytes, which dw-intake answers duplicate instead of storing twice. */
#ifndef DWCTL_ACTION_H
#define DWCTL_ACTION_H

#include <stdint.h>

#include "dwctl.h"

/* The fields of the message; NULL (0 for fiscal_year) leaves one out. The
 * plan goes in when scope is set (then all four must be). Borrowed. */
typedef struct dwctl_action {
    const char *doc_kind, *doc_id, *action, *actor, *section_code;
    const char *opinion, *comment, *to_state, *decision;
    int fiscal_year;
    const char *dept_code, *project_code;
    const char *scope, *schedule, *method, *indicators;
} dwctl_action_t;

/* How it is sent. */
typedef struct dwctl_action_opts {
    const char *cmd;      /* the subcommand, for messages and its usage */
    const char *endpoint; /* dw-intake's ROUTER */
    const char *id;       /* the message's id; NULL for the default above */
    int64_t ts;           /* the envelope's ts; 0 = now */
    int timeout_ms;
    const char *again; /* options that name the same document again (open-case: --id DOC_ID), or NULL */
} dwctl_action_opts_t;

/* Builds, sends, waits for the ack and prints it, with what comes next.
 * Returns 0 stored or duplicate, 1 refused by dw-intake, 2 unanswered or a
 * failure, 64 when a value breaks the contract (nothing sent). */
int dwctl_action_send(const dwctl_ctx_t *ctx, const dwctl_action_t *a, const dwctl_action_opts_t *o);

#endif
