-- 003_documents: every inbound type in its own table (dw-validate writes them
-- all), the reference data kept from budget.allocation, and refusals that say
-- which rule of the catalogue (deploy/validation_rules.yaml) they broke.
--
-- Documents that a department or a section may send again (a target
-- declaration, a monitoring form, a self-evaluation) are never overwritten:
-- each version or revision is a row, and the highest one is current. Facts
-- (payments, reversals, adjustments) are stored once per business key. A row
-- stored in spite of a rule set to `warning` carries that rule's id in flags.
-- Decimals from the wire are kept as sent (text) and, where they are numbers,
-- as numeric: exact, never floating point. Money is bigint fen.

-- ---- refusals -------------------------------------------------------------

-- rejects.code stays the wire code (unknown_reference, rule_violation,
-- conflict); rule_id says which catalogue rule, value and expected what was
-- compared. Intake's refusals leave the three NULL.
ALTER TABLE rejects
    ADD COLUMN rule_id  text,
    ADD COLUMN value    text,
    ADD COLUMN expected text;
COMMENT ON COLUMN rejects.rule_id IS 'the validation rule broken (V-REF-001 ...), NULL for refusals by dw-intake';
COMMENT ON COLUMN rejects.value IS 'the value found in the message, as text (money in yuan)';
COMMENT ON COLUMN rejects.expected IS 'what the rule expected, as text';
CREATE INDEX rejects_rule ON rejects (rule_id) WHERE rule_id IS NOT NULL;

-- ---- reference data, from budget.allocation --------------------------------

-- 预算部门
CREATE TABLE departments (
    dept_code   text        PRIMARY KEY,
    dept_name   text,                               -- NULL until an allocation names it
    inbox_seq   bigint      NOT NULL,               -- the allocation that last touched it
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- 预算单位: belongs to one department
CREATE TABLE units (
    unit_code   text        PRIMARY KEY,
    dept_code   text        NOT NULL,
    unit_name   text,
    inbox_seq   bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_dept ON units (dept_code);

-- 项目, per fiscal year: belongs to one department
CREATE TABLE projects (
    fiscal_year   int         NOT NULL,
    project_code  text        NOT NULL,
    dept_code     text        NOT NULL,
    project_name  text        NOT NULL,
    kind          text        NOT NULL,             -- overall | project | transfer
    section_code  text,                             -- the business section (业务股室) that looks after it
    inbox_seq     bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fiscal_year, project_code)
);
CREATE INDEX projects_dept ON projects (dept_code);

-- An installation that already holds budget lines gets its reference data from them.
INSERT INTO departments (dept_code, inbox_seq)
SELECT dept_code, max(inbox_seq) FROM budget_lines GROUP BY dept_code;
INSERT INTO units (unit_code, dept_code, inbox_seq)
SELECT DISTINCT ON (unit_code) unit_code, dept_code, inbox_seq FROM budget_lines ORDER BY unit_code, inbox_seq DESC;
INSERT INTO projects (fiscal_year, project_code, dept_code, project_name, kind, section_code, inbox_seq)
SELECT fiscal_year, project_code, (array_agg(dept_code ORDER BY inbox_seq DESC))[1],
       (array_agg(project_name ORDER BY inbox_seq DESC))[1], (array_agg(kind ORDER BY inbox_seq DESC))[1],
       (array_agg(section_code ORDER BY inbox_seq DESC) FILTER (WHERE section_code IS NOT NULL))[1], max(inbox_seq)
FROM budget_lines GROUP BY fiscal_year, project_code;

-- A budget line stored in spite of a rule set to warning carries the rule id.
ALTER TABLE budget_lines ADD COLUMN flags text[] NOT NULL DEFAULT '{}';

-- ---- treasury ---------------------------------------------------------------

-- The budget line a payment names (when the treasury knows it): what an
-- adjustment of that line is checked against. NULL for payments stored before 003.
ALTER TABLE payments ADD COLUMN line_id text;
CREATE INDEX payments_line ON payments (line_id) WHERE line_id IS NOT NULL;
CREATE INDEX payments_date ON payments (payment_date);

-- 支付冲销: reduces what was paid on the original voucher (and so the
-- project's and the line's paid totals). Whose money it was is copied from the
-- original, so a project's paid total is payments minus reversals by project.
CREATE TABLE reversals (
    voucher_no           text        PRIMARY KEY,   -- the reversal's own voucher
    original_voucher_no  text        NOT NULL REFERENCES payments (voucher_no),
    fiscal_year          int         NOT NULL,
    reversal_date        date        NOT NULL,
    amount_fen           bigint      NOT NULL CHECK (amount_fen > 0),
    reason               text        NOT NULL,
    dept_code            text        NOT NULL,      -- from the original payment
    unit_code            text        NOT NULL,
    project_code         text        NOT NULL,
    line_id              text,
    flags                text[]      NOT NULL DEFAULT '{}',
    inbox_seq            bigint      NOT NULL,
    src                  text        NOT NULL,
    id                   text        NOT NULL,
    stored_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reversals_original ON reversals (original_voucher_no);
CREATE INDEX reversals_project ON reversals (fiscal_year, project_code);
CREATE INDEX reversals_line ON reversals (line_id) WHERE line_id IS NOT NULL;

-- 对账: the treasury's control totals for a business date against the
-- payments stored for that payment_date when the totals arrived. A later
-- reconciliation of the same date is another row; the latest is current.
CREATE TABLE reconciliations (
    inbox_seq          bigint      PRIMARY KEY,
    business_date      date        NOT NULL,
    treasury_count     bigint      NOT NULL,
    treasury_sum_fen   bigint      NOT NULL,
    stored_count       bigint      NOT NULL,
    stored_sum_fen     bigint      NOT NULL,
    matched            boolean     NOT NULL,
    src                text        NOT NULL,
    id                 text        NOT NULL,
    checked_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reconciliations_date ON reconciliations (business_date);

-- 止付回执: the treasury confirms a hold or release took effect.
CREATE TABLE hold_acks (
    inbox_seq       bigint      PRIMARY KEY,
    instruction_id  bigint      NOT NULL,
    project_code    text        NOT NULL,
    action          text        NOT NULL,           -- hold | release
    effective_date  date        NOT NULL,
    note            text,
    src             text        NOT NULL,
    id              text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hold_acks_project ON hold_acks (project_code);

-- ---- budget -----------------------------------------------------------------

-- 预算调整 / 调剂: one change to one line, applied to budget_lines
-- (adjusted_fen or transferred_fen by kind, and current_fen). Once per line,
-- document number and kind; the line's current amount before and after is
-- kept as the audit trail.
CREATE TABLE budget_adjustments (
    line_id             text        NOT NULL REFERENCES budget_lines (line_id),
    doc_no              text        NOT NULL,       -- 文号
    kind                text        NOT NULL CHECK (kind IN ('adjusted', 'transferred')),
    fiscal_year         int         NOT NULL,
    amount_fen          bigint      NOT NULL,       -- signed: negative reduces the line
    reason              text        NOT NULL,
    effective_date      date        NOT NULL,
    dept_code           text        NOT NULL,       -- from the line
    project_code        text        NOT NULL,
    current_before_fen  bigint      NOT NULL,
    current_after_fen   bigint      NOT NULL,
    flags               text[]      NOT NULL DEFAULT '{}',
    inbox_seq           bigint      NOT NULL,
    src                 text        NOT NULL,
    id                  text        NOT NULL,
    stored_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (line_id, doc_no, kind),
    CHECK (current_after_fen = current_before_fen + amount_fen)
);
CREATE INDEX budget_adjustments_project ON budget_adjustments (fiscal_year, project_code);

-- ---- documents --------------------------------------------------------------

-- 绩效目标申报: every version kept; the highest version is current.
CREATE TABLE target_declarations (
    fiscal_year   int         NOT NULL,
    project_code  text        NOT NULL,
    version       int         NOT NULL,
    dept_code     text        NOT NULL,
    goal          text        NOT NULL,
    flags         text[]      NOT NULL DEFAULT '{}',
    inbox_seq     bigint      NOT NULL,
    src           text        NOT NULL,
    id            text        NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fiscal_year, project_code, version)
);

CREATE TABLE target_indicators (
    fiscal_year   int         NOT NULL,
    project_code  text        NOT NULL,
    version       int         NOT NULL,
    code          text        NOT NULL,             -- unique within a declaration
    item          int         NOT NULL,             -- position in the declaration, from 1
    level1        text        NOT NULL,
    level2        text        NOT NULL,
    name          text        NOT NULL,             -- 三级指标
    operator      text        NOT NULL,             -- ge gt eq le lt qualitative
    target        text,                             -- as sent
    target_num    numeric,                          -- the same, as a number
    target_text   text,
    unit          text,
    weight        text        NOT NULL,
    weight_num    numeric     NOT NULL,
    cumulative    boolean,
    PRIMARY KEY (fiscal_year, project_code, version, code),
    FOREIGN KEY (fiscal_year, project_code, version) REFERENCES target_declarations
);

CREATE VIEW target_current AS
SELECT DISTINCT ON (fiscal_year, project_code) *
FROM target_declarations ORDER BY fiscal_year, project_code, version DESC;

-- 绩效运行监控表: one form per project and period (months 1..period_month);
-- a resubmission is the next revision and supersedes, both kept.
CREATE TABLE monitor_reports (
    fiscal_year     int         NOT NULL,
    project_code    text        NOT NULL,
    period_month    int         NOT NULL,
    revision        int         NOT NULL,           -- 1 first, +1 per resubmission
    dept_code       text        NOT NULL,
    executed_fen    bigint      NOT NULL,
    projected_fen   bigint      NOT NULL,
    submitted_date  date        NOT NULL,
    target_version  int,                            -- the declaration it was checked against
    flags           text[]      NOT NULL DEFAULT '{}',
    inbox_seq       bigint      NOT NULL,
    src             text        NOT NULL,
    id              text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fiscal_year, project_code, period_month, revision)
);

CREATE TABLE monitor_indicators (
    fiscal_year     int         NOT NULL,
    project_code    text        NOT NULL,
    period_month    int         NOT NULL,
    revision        int         NOT NULL,
    item            int         NOT NULL,           -- position in the form, from 1
    code            text        NOT NULL,
    value           text        NOT NULL,           -- 1-N月执行情况, as sent
    value_num       numeric,                        -- the same when it is a number
    projected       text,                           -- 全年预计完成情况
    projected_num   numeric,
    likelihood      text        NOT NULL,           -- certain | possible | impossible
    causes          text[]      NOT NULL DEFAULT '{}',
    explanation     text,
    measures        text,
    PRIMARY KEY (fiscal_year, project_code, period_month, revision, item),
    FOREIGN KEY (fiscal_year, project_code, period_month, revision) REFERENCES monitor_reports
);

CREATE VIEW monitor_current AS
SELECT DISTINCT ON (fiscal_year, project_code, period_month) *
FROM monitor_reports ORDER BY fiscal_year, project_code, period_month, revision DESC;

-- 绩效自评: one per project and year; a resubmission supersedes, both kept.
CREATE TABLE selfeval_reports (
    fiscal_year     int         NOT NULL,
    project_code    text        NOT NULL,
    revision        int         NOT NULL,
    dept_code       text        NOT NULL,
    narrative       text        NOT NULL,
    self_score      text        NOT NULL,
    self_score_num  numeric     NOT NULL,
    target_version  int,
    flags           text[]      NOT NULL DEFAULT '{}',
    inbox_seq       bigint      NOT NULL,
    src             text        NOT NULL,
    id              text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fiscal_year, project_code, revision)
);

CREATE TABLE selfeval_indicators (
    fiscal_year   int         NOT NULL,
    project_code  text        NOT NULL,
    revision      int         NOT NULL,
    item          int         NOT NULL,
    code          text        NOT NULL,
    actual        text        NOT NULL,
    actual_num    numeric,
    note          text,
    PRIMARY KEY (fiscal_year, project_code, revision, item),
    FOREIGN KEY (fiscal_year, project_code, revision) REFERENCES selfeval_reports
);

-- 流程操作: each action is an event of its own (two identical actions are two).
CREATE TABLE workflow_actions (
    inbox_seq     bigint      PRIMARY KEY,
    doc_kind      text        NOT NULL,
    doc_id        text        NOT NULL,
    action        text        NOT NULL,
    actor         text        NOT NULL,
    section_code  text        NOT NULL,
    opinion       text,
    comment       text,
    flags         text[]      NOT NULL DEFAULT '{}',
    src           text        NOT NULL,
    id            text        NOT NULL,
    stored_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_actions_doc ON workflow_actions (doc_kind, doc_id);
