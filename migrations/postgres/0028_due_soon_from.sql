-- PostgreSQL's step 0028, beside SQLite's `0028_due_soon_from.sql` (the same columns; tests/pg_schema.rs).
-- Each snapshot row keeps the date its due-soon window opens; a row written before this step
-- holds a window only while it is open, so it opened by the date the row was computed for.
ALTER TABLE loan_state ADD COLUMN due_soon_from TEXT;
UPDATE loan_state SET due_soon_from = rolled_on WHERE due_soon_on IS NOT NULL;
DROP INDEX loan_state_due_soon;
DROP INDEX loan_state_queue_due_soon;
CREATE INDEX loan_state_due_soon ON loan_state(status, due_soon_from, assignee_id, due_soon_kind, due_soon_on);
CREATE INDEX loan_state_queue_due_soon ON loan_state(status, due_soon_on, loan_id, assignee_id, due_soon_from);
