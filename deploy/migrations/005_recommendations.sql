-- 005: rewards, deductions and recoveries recommended at the checkpoints of
-- the analysis catalogue (incentives:, seed 003 第十三条). dw-analyze is the
-- only writer: it assigns recommendation_id inside its own transaction and
-- publishes each new or changed row as a notice to the recipient section.
-- Recommendations only: nothing is deducted, rewarded or recovered here.

CREATE TABLE recommendations (
    recommendation_id  bigint      PRIMARY KEY,        -- assigned by dw-analyze; the notice's notice_id
    fiscal_year        int         NOT NULL,
    checkpoint         date        NOT NULL,           -- the business date it was made on
    kind               text        NOT NULL CHECK (kind IN ('deduct', 'reward', 'recover')),
    dept_code          text        NOT NULL,
    project_code       text        NOT NULL DEFAULT '', -- '' for a department's (deduct, reward)
    amount_fen         bigint      NOT NULL,           -- deduct: the share; recover: the projected unspent; reward: 0
    basis_fen          bigint      NOT NULL,           -- deduct: the unspent budget; recover: the budget; reward: 0
    exec_bp            bigint,                         -- the department's 支出进度比 (deduct, reward)
    completion_bp      bigint,                         -- the department's 目标完成率 (deduct, reward)
    unspent_bp         bigint,                         -- 预计结转结余 ÷ 预算 (recover)
    thresholds         text        NOT NULL,
    recipient          text        NOT NULL,           -- the section it went to
    title              text        NOT NULL,
    text               text        NOT NULL,
    revision           int         NOT NULL DEFAULT 1, -- +1 each time a re-run of the day changes it
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    withdrawn_at       timestamptz,                    -- a re-run of the day no longer made it
    -- a re-run of the same day updates, never duplicates
    UNIQUE (fiscal_year, checkpoint, kind, dept_code, project_code)
);
