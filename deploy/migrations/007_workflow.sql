-- 007_workflow: the review procedures of dw-route (services/route/r_procedure.c).
-- One row per document (where it is: state, round, holder, due date), every
-- step it took in document_history, the treasury's instructions, and a task
-- per step for whoever holds the document. Refusals go to rejects (stage
-- 'route'). dw-route is the only writer of all four.

-- A document under a procedure: where it is, who holds it, by when.
CREATE TABLE documents (
    doc_kind        text        NOT NULL,           -- target_declaration | monitor_report | deviation_case | selfeval | reevaluation | results_summary
    doc_id          text        NOT NULL,
    fiscal_year     int         NOT NULL,
    dept_code       text        NOT NULL,           -- the department it is about ('bureau' for the bureau's own: a year's summary)
    project_code    text,
    title           text        NOT NULL,           -- what it is, in words (项目名称, 监控期间)
    state           text        NOT NULL,
    round           int         NOT NULL DEFAULT 1, -- a resubmission after a return starts a new round; history keeps every one
    holder_role     text        NOT NULL,           -- department | business | comprehensive | ... | system
    holder_code     text        NOT NULL,           -- the section code, or the dept_code when a department holds it
    due_date        date,                           -- working or calendar days from the step (dw_calendar)
    submitted_by    text,                           -- actor of this round's submit (separation of duties)
    submitted_from  text,                           -- the state a recall goes back to
    next_step_acted boolean     NOT NULL DEFAULT false,
    decision        text,                           -- a deviation case's disposition, a monitoring review's correction opinion
    alert_id        bigint      REFERENCES alerts (alert_id),
    instruction_id  bigint,                         -- a deviation case's latest treasury instruction
    task_id         bigint,                         -- the holder's open task (tasks), NULL once closed
    steps           int         NOT NULL DEFAULT 0, -- rows in document_history
    reminded_for    date,                           -- the due date the last reminder was about (one reminder per due date)
    overdue_for     date,                           -- the due date last found missed: reminder to the holder, escalation to 综合股
    opened_at       timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    closed_at       timestamptz,
    PRIMARY KEY (doc_kind, doc_id)
);
CREATE INDEX documents_holder ON documents (holder_code) WHERE closed_at IS NULL;
CREATE INDEX documents_due ON documents (due_date) WHERE closed_at IS NULL AND due_date IS NOT NULL;
CREATE INDEX documents_project ON documents (project_code, doc_kind) WHERE closed_at IS NULL;
CREATE UNIQUE INDEX documents_one_case_per_alert ON documents (alert_id) WHERE alert_id IS NOT NULL;

-- Every step of a document: who, for which section, in which role, from which
-- state to which, why, and where it went next. dw-route's own steps (deadlines,
-- facts that arrive) have actor 'dw-route' and section 'system'.
CREATE TABLE document_history (
    doc_kind      text        NOT NULL,
    doc_id        text        NOT NULL,
    step_no       int         NOT NULL,
    round         int         NOT NULL,
    action        text        NOT NULL,
    actor         text        NOT NULL,
    section_code  text        NOT NULL,
    role          text        NOT NULL,
    from_state    text        NOT NULL,
    to_state      text        NOT NULL,
    holder_code   text        NOT NULL,          -- where the document went next
    due_date      date,
    title         text        NOT NULL,          -- the step taken, in words (业务股室初审通过，转综合股复审)
    opinion       text,
    comment       text,
    decision      text,
    upstream      text,                          -- what moved it: 'validate' (an inbound message), 'analyze', 'route' (a timer)
    upstream_seq  bigint,                        -- that event's sequence (inbox_seq for an inbound message)
    as_of         date        NOT NULL,          -- the business date of the step
    acted_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (doc_kind, doc_id, step_no),
    FOREIGN KEY (doc_kind, doc_id) REFERENCES documents
);

-- 国库指令: hold (停止拨付) or release (恢复拨付) a project's payments.
-- dw-validate flags a payment on a project dated on or after a hold
-- instruction's issued_on until a release (instruction or treasury ack).
CREATE TABLE treasury_instructions (
    instruction_id  bigint      PRIMARY KEY,
    fiscal_year     int         NOT NULL,
    dept_code       text        NOT NULL,
    project_code    text        NOT NULL,
    action          text        NOT NULL CHECK (action IN ('hold', 'release')),
    reason          text        NOT NULL,
    doc_kind        text        NOT NULL,
    doc_id          text        NOT NULL,
    issued_on       date        NOT NULL,
    ack_due         date        NOT NULL,         -- no treasury.hold_ack by then: escalation to 综合股
    acked_on        date,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (doc_kind, doc_id) REFERENCES documents
);
CREATE INDEX treasury_instructions_project ON treasury_instructions (project_code, issued_on);

-- notice_id of the notices dw-route sends (rectification, feedback, referral...).
-- It starts above the ids of dw-analyze's recommendations, which are notice ids too.
CREATE SEQUENCE route_notice_ids START 1000000001;

-- A task per step of a document, for whoever holds it; closed when the
-- document moves on. Tasks of no document (a reconciliation) keep doc_kind NULL.
ALTER TABLE tasks
    ADD COLUMN doc_kind  text,
    ADD COLUMN doc_id    text,
    ADD COLUMN summary   text,
    ADD COLUMN closed_at timestamptz;
DROP INDEX tasks_one_per_alert;
CREATE UNIQUE INDEX tasks_one_per_alert ON tasks (alert_id, kind) WHERE alert_id IS NOT NULL AND doc_id IS NULL;
CREATE INDEX tasks_open ON tasks (section_code) WHERE closed_at IS NULL;
CREATE INDEX tasks_doc ON tasks (doc_kind, doc_id);

-- The deviation cases opened before 007 become documents in business review.
INSERT INTO documents (doc_kind, doc_id, fiscal_year, dept_code, project_code, title, state, holder_role, holder_code,
                       due_date, alert_id, task_id)
SELECT 'deviation_case', 'DC-' || t.alert_id, a.fiscal_year, t.dept_code, t.project_code, a.message, 'business_review',
       'business', t.section_code, t.due_date, t.alert_id, t.task_id
FROM tasks t JOIN alerts a USING (alert_id)
WHERE t.kind = 'deviation_case';
UPDATE tasks SET doc_kind = 'deviation_case', doc_id = 'DC-' || alert_id WHERE kind = 'deviation_case';
