-- PostgreSQL's step 0013, beside SQLite's `0013_queue_covering.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- The overdue queue and the due-soon list at 1,000,000 loans (docs/BENCHMARKS.md): indexes that
-- hold every column the desk's filters read, in each sort order the queue offers, so counting a
-- list, finding its first page and skipping to a deep page walk one index and never the table.
-- Ties go by loan, as in `SortKey::order_by`; the promise band (today's promises first) has its own.
CREATE INDEX loan_state_queue_dpd
    ON loan_state(status, dpd DESC, loan_id, promise_due_on, promise_status, stage, assignee_id);
CREATE INDEX loan_state_queue_promise ON loan_state(promise_due_on, promise_status, status, dpd DESC, loan_id);
CREATE INDEX loan_state_queue_due_soon ON loan_state(status, due_soon_on, loan_id, assignee_id);
-- The other orders hold the desk's overdue queue only (active and overdue): in last-contact order a
-- whole-book index would pass half a million never-contacted current loans before the first
-- overdue one. `store/queue.rs` names them (`INDEXED BY`) for that question, which SQLite's planner
-- would otherwise answer by sorting the queue.
CREATE INDEX loan_state_queue_overdue
    ON loan_state(overdue_amount DESC, loan_id, status, dpd, promise_due_on, promise_status)
    WHERE status = 'active' AND dpd >= 1;
CREATE INDEX loan_state_queue_last_contact
    ON loan_state(last_contact_at, loan_id, status, dpd, promise_due_on, promise_status)
    WHERE status = 'active' AND dpd >= 1;
CREATE INDEX loan_state_queue_next_action
    ON loan_state((next_action_on IS NULL), next_action_on, loan_id, status, dpd, promise_due_on, promise_status)
    WHERE status = 'active' AND dpd >= 1;
