/* dw_notify — the feed other systems subscribe to.
 *
 * Takes alert, task and reject events from the stages, gives each its
 * stream's next sequence number (the stream is the topic's first segment;
 * numbers are gapless and assigned here alone, in commit order), keeps it in
 * the outbox in the same transaction as the stage cursors, and publishes
 * [topic][envelope] on the PUB socket after the commit. Answers replay
 * requests from the outbox, and sends heartbeats with every stream's head so
 * a subscriber can tell a quiet feed from a dead one. */
#ifndef DW_NOTIFY_H
#define DW_NOTIFY_H

#include "dw_config.h"
#include "dw_stage.h"

typedef struct dw_notify dw_notify_t;

dw_notify_t *dw_notify_new(void *zmq_ctx, const dw_config_t *cfg, dw_pg_t *pg);
void dw_notify_destroy(dw_notify_t **self_p);
const dw_stage_handler_t *dw_notify_handler(void);
/* The replay ROUTER, for dw_stage_add_socket with dw_notify_on_replay. */
void *dw_notify_replay_socket(dw_notify_t *self);
void dw_notify_on_replay(void *ctx, dw_stage_t *stage, void *sock);

#endif
