/* dwctl_load — YAML files of messages into a batch of encoded messages.
 *
 * A file holds one or more YAML documents; each is a list of messages (or one
 * message). A message is a map:
 *   type: treasury.payment      # an inbound type of the schema
 *   id: T-000001                # unique per src
 *   src: treasury               # optional: the --src default
 *   ts: 1767225600000           # optional: unix ms, default the run's start
 *   body: {...}                 # the fields of the type
 * Every message is built with dw_msg and encoded (so checked) here: one that
 * fails is reported with the file:line of the node at fault and its code, and
 * is not sent. */
#ifndef DWCTL_LOAD_H
#define DWCTL_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dwctl_batch.h"

typedef struct dwctl_load_opts {
    const char *src; /* src of messages that name none */
    int64_t ts;      /* ts of messages that give none */
    FILE *err;       /* where local errors are reported */
} dwctl_load_opts_t;

/* Adds the good messages of path to batch, in order, and counts the bad ones
 * (and a file that cannot be read or parsed, as one) in *local_errors, each
 * reported as "file:line: local error ID: code: message (field f)". Returns 0,
 * or -1 when memory ran out. */
int dwctl_load_file(const char *path, const dwctl_load_opts_t *opts, dwctl_batch_t *batch, size_t *local_errors)
    __attribute__((warn_unused_result));

#endif
