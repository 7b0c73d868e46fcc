-- 004: deviation analysis — positions by day, alerts keyed by subject with
-- the figures they were decided on, and every change of an alert kept.

-- 批复日期: when the budget section approved the line (for 前期准备不充分).
ALTER TABLE budget_lines ADD COLUMN approved_date date;

-- A project's payments by payment date, as dw-analyze counts them (written
-- with its cursor, so each fact once): payments, reversals, and what was paid
-- under each compliance flag. Positions at any as-of date are sums up to it.
CREATE TABLE project_days (
    fiscal_year        int     NOT NULL,
    project_code       text    NOT NULL,
    pay_date           date    NOT NULL,
    dept_code          text    NOT NULL,
    paid_fen           bigint  NOT NULL DEFAULT 0,  -- payments
    reversed_fen       bigint  NOT NULL DEFAULT 0,  -- reversals (positive)
    no_budget_fen      bigint  NOT NULL DEFAULT 0,  -- 无预算开支
    on_hold_fen        bigint  NOT NULL DEFAULT 0,  -- paid under a hold
    econ_mismatch_fen  bigint  NOT NULL DEFAULT 0,  -- economic code outside the lines'
    payments           int     NOT NULL DEFAULT 0,
    PRIMARY KEY (fiscal_year, project_code, pay_date)
);

-- An installation with payments already stored starts from them.
INSERT INTO project_days (fiscal_year, project_code, pay_date, dept_code, paid_fen, no_budget_fen, econ_mismatch_fen,
                          payments)
SELECT fiscal_year, project_code, payment_date, min(dept_code), sum(amount_fen),
       coalesce(sum(amount_fen) FILTER (WHERE 'no_budget' = ANY (flags)), 0),
       coalesce(sum(amount_fen) FILTER (WHERE 'economic_code_outside' = ANY (flags)), 0), count(*)
FROM payments GROUP BY 1, 2, 3;
INSERT INTO project_days AS d (fiscal_year, project_code, pay_date, dept_code, reversed_fen)
SELECT fiscal_year, project_code, reversal_date, min(dept_code), sum(amount_fen)
FROM reversals GROUP BY 1, 2, 3
ON CONFLICT (fiscal_year, project_code, pay_date) DO UPDATE SET reversed_fen = d.reversed_fen + EXCLUDED.reversed_fen;

-- Alerts: one open alert per (fiscal year, project, rule, subject) — the
-- subject is the indicator for indicator rules, the date for reconciliation.
ALTER TABLE alerts ADD COLUMN subject text NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN title text;
ALTER TABLE alerts ADD COLUMN expected text;
ALTER TABLE alerts ADD COLUMN actual text;
ALTER TABLE alerts ADD COLUMN ratio_bp bigint;
ALTER TABLE alerts ADD COLUMN thresholds text;
ALTER TABLE alerts ADD COLUMN disposition text;
ALTER TABLE alerts ADD COLUMN as_of date;
DROP INDEX alerts_one_open;
CREATE UNIQUE INDEX alerts_one_open ON alerts (fiscal_year, project_code, rule_id, subject) WHERE status = 'open';

-- Every change of an alert, as published: raised, changed (escalated or
-- de-escalated), cleared, with the figures of that moment.
CREATE TABLE alert_history (
    alert_id        bigint      NOT NULL REFERENCES alerts (alert_id),
    change_no       int         NOT NULL,           -- 1 = raised
    event           text        NOT NULL,           -- raised | changed | cleared
    level           text        NOT NULL,
    previous_level  text,
    expected        text,
    actual          text,
    expected_fen    bigint,
    actual_fen      bigint,
    ratio_bp        bigint,
    thresholds      text,
    message         text        NOT NULL,
    disposition     text,
    as_of           date        NOT NULL,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (alert_id, change_no)
);
INSERT INTO alert_history (alert_id, change_no, event, level, expected_fen, actual_fen, message, as_of, changed_at)
SELECT alert_id, 1, 'raised', CASE WHEN status = 'open' THEN level ELSE 'red' END, expected_fen, actual_fen, message,
       (raised_at AT TIME ZONE 'Asia/Shanghai')::date, raised_at
FROM alerts;

-- What dw-analyze has done for the calendar: the business date of its last
-- daily run (lag grows with no new payment, so every day is looked at).
CREATE TABLE analysis_runs (
    fiscal_year   int         NOT NULL,
    as_of         date        NOT NULL,
    projects      int         NOT NULL,
    changes       int         NOT NULL,
    ran_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fiscal_year, as_of)
);

-- 重新分析: a request to analyse a whole fiscal year again from the database
-- (after a rule change, a correction of history), written by `dwctl
-- reanalyze` and carried out by dw-analyze in one transaction of its own:
-- with rebuild, project_days is first recomputed from payments and reversals.
CREATE TABLE analysis_requests (
    request_id    bigserial   PRIMARY KEY,
    fiscal_year   int         NOT NULL,
    rebuild       boolean     NOT NULL DEFAULT true,
    requested_by  text        NOT NULL DEFAULT current_user,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    as_of         date,                             -- the date it was judged at
    projects      int,
    changes       int,                              -- alert events it published
    rebuild_ms    bigint,
    elapsed_ms    bigint,
    done_at       timestamptz
);
CREATE INDEX analysis_requests_pending ON analysis_requests (request_id) WHERE done_at IS NULL;
