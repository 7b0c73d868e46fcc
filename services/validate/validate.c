#include "validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dw_log.h"
#include "dw_msg.h"
#include "v_batch.h"
#include "v_budget.h"
#include "v_catalogue.h"
#include "v_documents.h"
#include "v_payment.h"
#include "v_position.h"
#include "v_treasury.h"

struct dw_validate {
    const dw_config_t *cfg;
    dw_v_catalogue_t *catalogue;
    dw_v_positions_t *positions;
};

typedef int (*run_fn)(dw_v_batch_t *b, const dw_event_t *ev, dw_msg_t **msgs, size_t n);

/* Every inbound type and its handler. */
static const struct {
    const char *type;
    run_fn run;
} handlers[] = {
    {"budget.allocation", dw_v_allocation_run},   {"budget.adjustment", dw_v_adjustment_run},
    {"target.declaration", dw_v_declaration_run}, {"treasury.payment", dw_v_payment_run},
    {"treasury.reversal", dw_v_reversal_run},     {"treasury.reconciliation", dw_v_reconciliation_run},
    {"treasury.hold_ack", dw_v_hold_ack_run},     {"monitor.report", dw_v_monitor_run},
    {"selfeval.report", dw_v_selfeval_run},       {"workflow.action", dw_v_workflow_run},
};
#define N_HANDLERS ((int)(sizeof handlers / sizeof handlers[0]))

void dw_validate_rules_path(const dw_config_t *cfg, char *out, size_t n)
{
    dw_config_file_path(cfg, cfg->validate.rules_file, out, n);
}

dw_validate_t *dw_validate_new(const dw_config_t *cfg, char *err, size_t errlen)
{
    dw_validate_t *self = calloc(1, sizeof *self);
    if (!self) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    self->cfg = cfg;
    char path[DW_CFG_STR * 2];
    dw_validate_rules_path(cfg, path, sizeof path);
    self->catalogue = *path ? dw_v_catalogue_load(path, err, errlen) : dw_v_catalogue_builtin(err, errlen);
    self->positions = dw_v_positions_new();
    if (!self->catalogue || !self->positions) {
        if (self->catalogue)
            snprintf(err, errlen, "out of memory");
        dw_validate_destroy(&self);
        return NULL;
    }
    size_t enabled = 0, n = dw_v_catalogue_count(self->catalogue);
    for (size_t i = 0; i < n; i++)
        enabled += dw_v_catalogue_rule(self->catalogue, i)->enabled;
    dw_log_info(NULL, "rules from %s: %zu, %zu enabled; monitoring form switches: projection %s, explanation %s",
                dw_v_catalogue_source(self->catalogue), n, enabled,
                cfg->validate.require_projection_when_uncertain ? "on" : "off",
                cfg->validate.require_explanation_with_cause ? "on" : "off");
    return self;
}

void dw_validate_destroy(dw_validate_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dw_v_catalogue_destroy(&(*self_p)->catalogue);
    dw_v_positions_destroy(&(*self_p)->positions);
    free(*self_p);
    *self_p = NULL;
}

static int handler_of(const dw_msg_t *m)
{
    for (int k = 0; m && k < N_HANDLERS; k++)
        if (strcmp(dw_msg_type(m), handlers[k].type) == 0)
            return k;
    return -1;
}

static int validate_batch(void *ctx, dw_stage_t *stage, dw_pg_t *pg, const dw_event_t *ev, size_t n)
{
    dw_validate_t *self = ctx;
    dw_v_batch_t b = {.cfg = self->cfg,
                      .catalogue = self->catalogue,
                      .positions = self->positions,
                      .stage = stage,
                      .pg = pg,
                      .rejects = DW_BUF_INIT};
    dw_msg_t **msgs = calloc(n, sizeof *msgs);
    int rc = -1;
    if (!msgs)
        return -1;
    for (size_t i = 0; i < n; i++) {
        dw_error_t err;
        msgs[i] = dw_msg_decode(ev[i].payload, ev[i].payload_len, NULL, &err);
        /* intake checked it; only a contract change between the two could do
         * this, and then the message is kept in rejects, not lost */
        if (!msgs[i] && dw_v_refuse_undecodable(&b, &ev[i], &err) != 0)
            goto done;
        if (msgs[i] && handler_of(msgs[i]) < 0)
            dw_log_warn(ev[i].key, "inbox seq %" PRId64 ": no handler for %s, passed over", ev[i].seq,
                        dw_msg_type(msgs[i]));
    }
    /* Runs of one type keep the batch's order where it matters while each run
     * is written with a handful of statements. */
    rc = 0;
    for (size_t i = 0; i < n && rc == 0;) {
        int k = handler_of(msgs[i]);
        size_t j = i + 1;
        while (j < n && handler_of(msgs[j]) == k)
            j++;
        if (k >= 0)
            rc = handlers[k].run(&b, ev + i, msgs + i, j - i);
        i = j;
    }
    if (rc == 0)
        rc = dw_v_batch_flush(&b);
done:
    for (size_t k = 0; k < n; k++)
        dw_msg_destroy(&msgs[k]);
    free(msgs);
    dw_v_batch_free(&b);
    return rc;
}

/* After a rollback the cached positions may count what was never stored. */
static void validate_after(void *ctx, dw_stage_t *stage, bool committed)
{
    (void)stage;
    dw_validate_t *self = ctx;
    if (!committed)
        dw_v_positions_clear(self->positions);
}

const dw_stage_handler_t *dw_validate_handler(void)
{
    static const dw_stage_handler_t handler = {.batch = validate_batch, .after = validate_after};
    return &handler;
}
