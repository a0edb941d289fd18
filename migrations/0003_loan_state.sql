-- The delinquency snapshot: each loan's figures as of one business date (settings.snapshot_as_of),
-- so that queues are index scans, never a recomputation of the book. Import, demo and escalate
-- refresh it; stage, owner, last contact and next action are copied in for the queue indexes.

CREATE TABLE loan_state (
    loan_id               INTEGER PRIMARY KEY REFERENCES loans(id),
    as_of                 TEXT NOT NULL,
    status                TEXT NOT NULL,
    stage                 TEXT NOT NULL,
    assignee_id           INTEGER,
    dpd                   INTEGER NOT NULL,
    bucket                TEXT NOT NULL,
    class                 TEXT NOT NULL,
    outstanding_principal INTEGER NOT NULL,
    overdue_principal     INTEGER NOT NULL,
    overdue_interest      INTEGER NOT NULL,
    overdue_amount        INTEGER NOT NULL,
    penalty_interest      INTEGER NOT NULL,
    payoff_amount         INTEGER NOT NULL,
    next_due_on           TEXT,
    next_due_amount       INTEGER NOT NULL,
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
CREATE INDEX loan_state_next_due_order ON loan_state(next_due_on IS NULL, next_due_on);
CREATE INDEX loan_state_due_soon ON loan_state(due_soon_on);
CREATE INDEX loan_state_last_contact ON loan_state(last_contact_at);
CREATE INDEX loan_state_next_action_order ON loan_state(next_action_on IS NULL, next_action_on);
