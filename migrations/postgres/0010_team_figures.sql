-- PostgreSQL's step 0010, beside SQLite's `0010_team_figures.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Indexes for the supervisor's team figures (issue #7), so that `duedesk team` reads index ranges on
-- a million loans and five million contacts: contacts and promises by their user and date, the
-- month's payments by date (covering: loan and amount), and open loans by owner (covering: the
-- overdue amount), instead of scanning the tables.

CREATE INDEX contacts_user_at ON contacts(user_id, at);
CREATE INDEX promises_user_made ON promises(user_id, made_on);
CREATE INDEX promises_user_due ON promises(user_id, due_on);
CREATE INDEX payments_paid_on ON payments(paid_on, loan_id, amount_cents);
CREATE INDEX loan_state_assignee_status ON loan_state(assignee_id, status, overdue_amount);
