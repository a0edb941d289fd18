-- PostgreSQL's step 0032, beside SQLite's `0032_lists_in_sqlite_order.sql` (nothing there).
-- The desk's lists come in SQLite's order on both backends: nulls first going up and last going
-- down, which the server's statements say term by term (`Dialect::order`). An index keeps the
-- server's own order (nulls last going up) unless it says otherwise, and a list ordered the other
-- way could not be read along it: each page sorted every row its filter matched (the due-soon
-- list's first page 74 ms on 1,000,000 loans, 0.1 ms read along an index in its order). The
-- snapshot's list indexes are made again in SQLite's order; the same columns, so the same plans.
DROP INDEX loan_state_dpd;
CREATE INDEX loan_state_dpd ON loan_state((overdue_since IS NULL) NULLS FIRST, overdue_since NULLS FIRST);
DROP INDEX loan_state_stage_dpd;
CREATE INDEX loan_state_stage_dpd
    ON loan_state(stage NULLS FIRST, (overdue_since IS NULL) NULLS FIRST, overdue_since NULLS FIRST);
DROP INDEX loan_state_assignee_dpd;
CREATE INDEX loan_state_assignee_dpd ON loan_state(
    assignee_id NULLS FIRST, stage NULLS FIRST, (overdue_since IS NULL) NULLS FIRST, overdue_since NULLS FIRST
);
DROP INDEX loan_state_overdue;
CREATE INDEX loan_state_overdue ON loan_state(overdue_amount DESC NULLS LAST);
DROP INDEX loan_state_next_due_order;
CREATE INDEX loan_state_next_due_order ON loan_state((next_due_on IS NULL) NULLS FIRST, next_due_on NULLS FIRST);
DROP INDEX loan_state_last_contact;
CREATE INDEX loan_state_last_contact ON loan_state(last_contact_at NULLS FIRST);
DROP INDEX loan_state_next_action_order;
CREATE INDEX loan_state_next_action_order
    ON loan_state((next_action_on IS NULL) NULLS FIRST, next_action_on NULLS FIRST);
DROP INDEX loan_state_assignee_status;
CREATE INDEX loan_state_assignee_status
    ON loan_state(assignee_id NULLS FIRST, status NULLS FIRST, overdue_amount NULLS FIRST);
DROP INDEX loan_state_queue_dpd;
CREATE INDEX loan_state_queue_dpd ON loan_state(
    status NULLS FIRST, (overdue_since IS NULL) NULLS FIRST, overdue_since NULLS FIRST, loan_id NULLS FIRST,
    promise_due_on, promise_status, stage, assignee_id
);
DROP INDEX loan_state_queue_overdue;
CREATE INDEX loan_state_queue_overdue
    ON loan_state(overdue_amount DESC NULLS LAST, loan_id NULLS FIRST, status, overdue_since, promise_due_on, promise_status)
    WHERE status = 'active' AND overdue_since IS NOT NULL;
DROP INDEX loan_state_queue_last_contact;
CREATE INDEX loan_state_queue_last_contact
    ON loan_state(last_contact_at NULLS FIRST, loan_id NULLS FIRST, status, overdue_since, promise_due_on, promise_status)
    WHERE status = 'active' AND overdue_since IS NOT NULL;
DROP INDEX loan_state_queue_next_action;
CREATE INDEX loan_state_queue_next_action ON loan_state(
    (next_action_on IS NULL) NULLS FIRST, next_action_on NULLS FIRST, loan_id NULLS FIRST, status, overdue_since,
    promise_due_on, promise_status
) WHERE status = 'active' AND overdue_since IS NOT NULL;
DROP INDEX loan_state_queue_promise;
CREATE INDEX loan_state_queue_promise ON loan_state(
    promise_due_on NULLS FIRST, promise_status NULLS FIRST, status NULLS FIRST, (overdue_since IS NULL) NULLS FIRST,
    overdue_since NULLS FIRST, loan_id NULLS FIRST, overdue_amount, last_contact_at, next_action_on, stage, assignee_id
) WHERE promise_due_on IS NOT NULL;
DROP INDEX loan_state_due_soon;
CREATE INDEX loan_state_due_soon ON loan_state(
    status NULLS FIRST, due_soon_from NULLS FIRST, assignee_id NULLS FIRST, due_soon_kind NULLS FIRST, due_soon_on NULLS FIRST
);
DROP INDEX loan_state_queue_due_soon;
CREATE INDEX loan_state_queue_due_soon ON loan_state(
    status NULLS FIRST, due_soon_on NULLS FIRST, loan_id NULLS FIRST, assignee_id, due_soon_from
);
