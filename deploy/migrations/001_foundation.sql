-- 001_foundation: the record of every stage.
--
-- Tables that a downstream stage reads by sequence (inbox, stage_events,
-- outbox) have exactly one writer each, which assigns the sequence inside its
-- own transaction: sequence order is commit order, and there are no holes.
-- Money is bigint fen throughout.

-- dw-intake: every accepted raw message, once per (src, id).
CREATE TABLE inbox (
    seq          bigint      PRIMARY KEY,          -- assigned by dw-intake, gapless
    src          text        NOT NULL,
    id           text        NOT NULL,
    type         text        NOT NULL,
    producer_ts  bigint      NOT NULL,             -- envelope ts, unix ms at the producer
    raw          bytea       NOT NULL,             -- the envelope exactly as received
    received_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (src, id)
);

-- Anything refused, by any stage, with its code and reason. Never deleted by
-- the services: it is the answer to "where did my message go".
CREATE TABLE rejects (
    reject_id   bigserial   PRIMARY KEY,
    stage       text        NOT NULL,               -- intake | validate | ...
    src         text,
    id          text,
    type        text,
    code        text        NOT NULL,               -- the wire error code
    field       text,
    message     text        NOT NULL,
    inbox_seq   bigint,                             -- when the message had been stored
    raw         bytea,                              -- as received (may be malformed)
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejects_src_id ON rejects (src, id);

-- 预算指标: one approved amount for a project (dw-validate writes).
CREATE TABLE budget_lines (
    line_id          text        PRIMARY KEY,       -- 指标ID from the budget system
    fiscal_year      int         NOT NULL,
    dept_code        text        NOT NULL,
    unit_code        text        NOT NULL,
    project_code     text        NOT NULL,
    project_name     text        NOT NULL,
    kind             text        NOT NULL,          -- overall | project | transfer
    fund_type        text        NOT NULL,
    source           text        NOT NULL,          -- annual | special_central | special_provincial | carry_over
    function_code    text        NOT NULL,
    economic_code    text        NOT NULL,
    section_code     text,                          -- the business section (业务股室) that looks after it
    initial_fen      bigint      NOT NULL,          -- 年初批复
    adjusted_fen     bigint      NOT NULL DEFAULT 0,-- 调整
    transferred_fen  bigint      NOT NULL DEFAULT 0,-- 调剂
    current_fen      bigint      NOT NULL,          -- 变动后 = 年初 + 调整 + 调剂
    inbox_seq        bigint      NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (current_fen = initial_fen + adjusted_fen + transferred_fen)
);
CREATE INDEX budget_lines_project ON budget_lines (fiscal_year, project_code);

-- 国库集中支付: every payment the treasury made, once per voucher, with the
-- validation flags it earned (a payment is a fact: flagged, never dropped).
CREATE TABLE payments (
    voucher_no     text        PRIMARY KEY,
    fiscal_year    int         NOT NULL,
    payment_date   date        NOT NULL,
    dept_code      text        NOT NULL,
    unit_code      text        NOT NULL,
    project_code   text        NOT NULL,
    function_code  text        NOT NULL,
    economic_code  text        NOT NULL,
    amount_fen     bigint      NOT NULL CHECK (amount_fen > 0),
    method         text        NOT NULL,          -- direct | authorised
    payee          text        NOT NULL,
    contract_no    text,
    flags          text[]      NOT NULL DEFAULT '{}',  -- no_budget | over_budget | ...
    inbox_seq      bigint      NOT NULL,
    src            text        NOT NULL,
    id             text        NOT NULL,
    stored_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_project ON payments (fiscal_year, project_code);

-- Deviation alerts (dw-analyze writes): one open alert per project and rule.
CREATE TABLE alerts (
    alert_id      bigserial   PRIMARY KEY,
    fiscal_year   int         NOT NULL,
    dept_code     text        NOT NULL,
    project_code  text        NOT NULL,
    rule_id       text        NOT NULL,
    category      text        NOT NULL,            -- timeliness | compliance | effectiveness
    level         text        NOT NULL,            -- red | yellow | blue | green
    status        text        NOT NULL,            -- open | cleared
    expected_fen  bigint,
    actual_fen    bigint,
    message       text        NOT NULL,
    raised_at     timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    cleared_at    timestamptz
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (project_code, rule_id) WHERE status = 'open';

-- Work for a section (dw-route writes).
CREATE TABLE tasks (
    task_id       bigserial   PRIMARY KEY,
    kind          text        NOT NULL,            -- deviation_case | ...
    section_code  text        NOT NULL,
    dept_code     text        NOT NULL,
    project_code  text,
    alert_id      bigint      REFERENCES alerts (alert_id),
    state         text        NOT NULL,
    due_date      date,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tasks_one_per_alert ON tasks (alert_id, kind) WHERE alert_id IS NOT NULL;

-- The events each stage passes on (validate, analyze, route), in the stage's
-- own gapless sequence. The message on the wire carries the same bytes, so a
-- stage that catches up from here sees exactly what it would have seen live.
CREATE TABLE stage_events (
    stage       text        NOT NULL,
    seq         bigint      NOT NULL,
    type        text        NOT NULL,
    key         text        NOT NULL,              -- the object it is about (project_code, alert id)
    payload     bytea       NOT NULL,              -- a msgpack envelope
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stage, seq)
);

-- How far each stage has read each upstream; written in the same transaction
-- as what the stage produced from it.
CREATE TABLE stage_cursors (
    stage       text        NOT NULL,
    upstream    text        NOT NULL,
    seq         bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stage, upstream)
);

-- dw-notify: everything published, per stream, in publish order.
CREATE TABLE outbox (
    stream        text        NOT NULL,            -- alert | task | notice | treasury | reject | heartbeat
    seq           bigint      NOT NULL,            -- gapless per stream, assigned by dw-notify
    topic         text        NOT NULL,
    envelope      bytea       NOT NULL,            -- with seq and stream set
    source_stage  text        NOT NULL,
    source_seq    bigint      NOT NULL,
    published_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream, seq),
    UNIQUE (source_stage, source_seq)
);

-- The outbox's epoch: changes only when the outbox is reset (a restore), so a
-- subscriber knows to start again.
CREATE TABLE outbox_epoch (
    epoch       bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO outbox_epoch (epoch) VALUES ((extract(epoch FROM now()) * 1000)::bigint);
