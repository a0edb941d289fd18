-- PostgreSQL's step 0003, beside SQLite's `0003_loan_state.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- The delinquency snapshot: each loan's figures as of one business date (settings.snapshot_as_of),
-- so that queues are index scans, never a recomputation of the book. Import, demo and escalate
-- refresh it; stage, owner, last contact and next action are copied in for the queue indexes.

CREATE TABLE loan_state (
    loan_id               BIGINT PRIMARY KEY REFERENCES loans(id),
    as_of                 TEXT NOT NULL,
    status                TEXT NOT NULL,
    stage                 TEXT NOT NULL,
    assignee_id           BIGINT,
    dpd                   BIGINT NOT NULL,
    bucket                TEXT NOT NULL,
    class                 TEXT NOT NULL,
    outstanding_principal BIGINT NOT NULL,
    overdue_principal     BIGINT NOT NULL,
    overdue_interest      BIGINT NOT NULL,
    overdue_amount        BIGINT NOT NULL,
    penalty_interest      BIGINT NOT NULL,
    payoff_amount         BIGINT NOT NULL,
    next_due_on           TEXT,
    next_due_amount       BIGINT NOT NULL,
    due_soon_on           TEXT,
    due_soon_kind         TEXT,
    last_contact_at       TEXT,
    next_action_on        TEXT
);
CREATE INDEX loan_state_dpd ON loan_state(dpd DESC);
CREATE INDEX loan_state_stage_dpd ON loan_state(stage, dpd DESC);
CREATE INDEX loan_state_assignee_dpd ON loan_state(assignee_id, stage, dpd DESC);
CREATE INDEX loan_state_overdue ON loan_state(overdue_amount DESC);
CREATE INDEX loan_state_next_due ON loan_state(next_due_on);
-- "Soonest first, none last" orders by these expressions; indexing them spares a sort of the book.
CREATE INDEX loan_state_next_due_order ON loan_state((next_due_on IS NULL), next_due_on);
CREATE INDEX loan_state_due_soon ON loan_state(due_soon_on);
CREATE INDEX loan_state_last_contact ON loan_state(last_contact_at);
CREATE INDEX loan_state_next_action_order ON loan_state((next_action_on IS NULL), next_action_on);
