-- PostgreSQL's step 0020, beside SQLite's `0020_standing_snapshot.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- The snapshot without the date in it (issue #15). `loan_state` kept each loan's figures as of one
-- business date (DPD, bucket, class, penalty, payoff), so every new date rewrote the row of every
-- overdue loan and its entries in every index keyed on DPD: 400,000 rows and 15 indexes a night on
-- a million-loan book, three minutes for a desk opened on a morning the nightly run missed.
--
-- A row now keeps what stays true until a payment is dated, an installment falls due unpaid, a
-- due-soon window opens or a promise's grace ends: the due date of the oldest overdue installment
-- (`overdue_since`: DPD on D is D − it, so ordering by it is ordering by DPD on any date), the
-- arrears, the sums the penalty and payoff of any date are exact from, the next due and due-soon
-- window, and `stale_on`, the first date the row no longer holds. DPD, bucket, class, penalty and
-- payoff are derived for the date asked; the day's roll recomputes only the rows with
-- `stale_on` on or before it (an index range, about a thirtieth of the book a day).
--
-- The rows cannot be derived from the old ones (the penalty was stored rounded), so the table is
-- made again empty and the snapshot's date forgotten: the first use of the store computes it
-- (a bulk fill, its indexes built once at the end).

DROP TABLE loan_state;
DELETE FROM meta WHERE key = 'snapshot_as_of';

CREATE TABLE loan_state (
    loan_id               BIGINT PRIMARY KEY REFERENCES loans(id),
    -- The row holds from `rolled_on` until the day before `stale_on` (NULL: until something new is
    -- recorded on the loan, which recomputes it).
    rolled_on             TEXT NOT NULL,
    stale_on              TEXT,
    status                TEXT NOT NULL,
    -- As lists show it (closed, written off); `workflow_stage` is the loan's own, which the run moves.
    stage                 TEXT NOT NULL,
    workflow_stage        TEXT NOT NULL,
    product               TEXT NOT NULL,
    secured               BIGINT NOT NULL,
    assignee_id           BIGINT,
    overdue_since         TEXT,
    outstanding_principal BIGINT NOT NULL,
    overdue_principal     BIGINT NOT NULL,
    overdue_interest      BIGINT NOT NULL,
    overdue_amount        BIGINT NOT NULL,
    -- Penalty on D = round((DPD × overdue_principal − penalty_lag) × daily rate); payoff on D =
    -- unpaid_total + penalty (`domain::standing`).
    penalty_lag           BIGINT NOT NULL,
    unpaid_total          BIGINT NOT NULL,
    next_due_on           TEXT,
    next_due_amount       BIGINT NOT NULL,
    due_soon_on           TEXT,
    due_soon_kind         TEXT,
    last_contact_at       TEXT,
    next_action_on        TEXT,
    promise_due_on        TEXT,
    promise_status        TEXT,
    -- The class a payment plan holds the loan at (`plan::held_class`, migration 0015): judged
    -- again every day while the plan holds anything, its window of six months moving with the date.
    class_held            TEXT
);

-- DPD largest first is `overdue_since IS NULL, overdue_since` (never overdue last), ties by loan;
-- a DPD floor is `(overdue_since IS NULL) = 0 AND overdue_since <= D − floor` (`store/queue.rs`).
CREATE INDEX loan_state_dpd ON loan_state((overdue_since IS NULL), overdue_since);
CREATE INDEX loan_state_stage_dpd ON loan_state(stage, (overdue_since IS NULL), overdue_since);
CREATE INDEX loan_state_assignee_dpd ON loan_state(assignee_id, stage, (overdue_since IS NULL), overdue_since);
CREATE INDEX loan_state_overdue ON loan_state(overdue_amount DESC);
CREATE INDEX loan_state_next_due_order ON loan_state((next_due_on IS NULL), next_due_on);
CREATE INDEX loan_state_due_soon ON loan_state(due_soon_on);
CREATE INDEX loan_state_last_contact ON loan_state(last_contact_at);
CREATE INDEX loan_state_next_action_order ON loan_state((next_action_on IS NULL), next_action_on);
CREATE INDEX loan_state_assignee_status ON loan_state(assignee_id, status, overdue_amount);
-- The desk's lists (migrations 0013, 0014), on the stored date instead of DPD.
CREATE INDEX loan_state_queue_dpd ON loan_state(
    status, (overdue_since IS NULL), overdue_since, loan_id, promise_due_on, promise_status, stage, assignee_id
);
CREATE INDEX loan_state_queue_due_soon ON loan_state(status, due_soon_on, loan_id, assignee_id);
CREATE INDEX loan_state_queue_overdue
    ON loan_state(overdue_amount DESC, loan_id, status, overdue_since, promise_due_on, promise_status)
    WHERE status = 'active' AND overdue_since IS NOT NULL;
CREATE INDEX loan_state_queue_last_contact
    ON loan_state(last_contact_at, loan_id, status, overdue_since, promise_due_on, promise_status)
    WHERE status = 'active' AND overdue_since IS NOT NULL;
CREATE INDEX loan_state_queue_next_action
    ON loan_state((next_action_on IS NULL), next_action_on, loan_id, status, overdue_since, promise_due_on, promise_status)
    WHERE status = 'active' AND overdue_since IS NOT NULL;
-- Today's promise band holds loans with a promise only: a fifth of the book, so a day's roll
-- rewrites a fifth of the entries it rewrote when every loan was in it.
CREATE INDEX loan_state_queue_promise ON loan_state(
    promise_due_on, promise_status, status, (overdue_since IS NULL), overdue_since, loan_id,
    overdue_amount, last_contact_at, next_action_on, stage, assignee_id
) WHERE promise_due_on IS NOT NULL;
-- The day's roll: the rows that stop holding by a date.
CREATE INDEX loan_state_stale ON loan_state(stale_on);
-- The escalation run: the loans a policy may move or owe a dunning notice (overdue, not at their
-- own stage, closed or reopened since the last run) and everything it decides on, in loan order.
CREATE INDEX loan_state_run
    ON loan_state(loan_id, workflow_stage, stage, status, overdue_since, promise_status, product, secured)
    WHERE workflow_stage <> stage OR (status = 'active' AND (overdue_since IS NOT NULL OR stage <> 'current'));
