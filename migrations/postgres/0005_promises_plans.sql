-- PostgreSQL's step 0005, beside SQLite's `0005_promises_plans.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Case work the queue orders and marks by: the latest promise to pay (copied onto the loan when it
-- is made, its status computed into loan_state as of the snapshot's date), the kind of the next
-- action, and the end of a restructured loan's observation period (DOMAIN §5).

ALTER TABLE loans ADD COLUMN promise_amount_cents BIGINT;
ALTER TABLE loans ADD COLUMN promise_made_on TEXT;
ALTER TABLE loans ADD COLUMN promise_due_on TEXT;
ALTER TABLE loans ADD COLUMN next_action_kind TEXT;
ALTER TABLE loans ADD COLUMN observation_until TEXT;

ALTER TABLE loan_state ADD COLUMN promise_due_on TEXT;
ALTER TABLE loan_state ADD COLUMN promise_status TEXT;
CREATE INDEX loan_state_promise_due ON loan_state(promise_due_on);
CREATE INDEX promises_due ON promises(due_on);

-- Stores with promises already on record: copy each loan's latest promise onto it.
UPDATE loans SET
    promise_amount_cents = (SELECT p.amount_cents FROM promises p WHERE p.loan_id = loans.id ORDER BY p.made_on DESC, p.id DESC LIMIT 1),
    promise_made_on = (SELECT p.made_on FROM promises p WHERE p.loan_id = loans.id ORDER BY p.made_on DESC, p.id DESC LIMIT 1),
    promise_due_on = (SELECT p.due_on FROM promises p WHERE p.loan_id = loans.id ORDER BY p.made_on DESC, p.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM promises p WHERE p.loan_id = loans.id);
