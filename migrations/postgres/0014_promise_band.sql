-- PostgreSQL's step 0014, beside SQLite's `0014_promise_band.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Today's promise band leads the overdue queue in every sort order. Its index held the DPD order
-- only, so a sort change read each of the band's rows from the table to sort them (5,334 rows in
-- the 1,000,000-loan book, most of a sort change's time); it now holds every queue order's column
-- and the filters' stage and owner, so the band is counted, filtered and sorted from the index
-- alone. `loan_state_promise_due` is a prefix of it and goes; so does `loan_state_next_due`, whose
-- ranges the due-order index answers (`store/queue.rs` states the range so that it does). Every
-- index is written again for each loan a run moves and built again by a first load.
DROP INDEX loan_state_promise_due;
DROP INDEX loan_state_next_due;
DROP INDEX loan_state_queue_promise;
CREATE INDEX loan_state_queue_promise ON loan_state(
    promise_due_on, promise_status, status, dpd DESC, loan_id,
    overdue_amount, last_contact_at, next_action_on, stage, assignee_id
);
