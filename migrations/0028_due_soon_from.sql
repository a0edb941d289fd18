-- A due-soon window opens without the loan's row being written again (#15): each row keeps the
-- window it shows next (`due_soon_on`, `due_soon_kind`, none when nothing is still to fall due)
-- and the date that window opens, `due_soon_from`; a list asks `due_soon_from <= its date`. A
-- row written before this step holds a window only while it is open, so it opened by the date
-- the row was computed for; its other rows keep the window's opening in `stale_on` and are
-- written again that day.
ALTER TABLE loan_state ADD COLUMN due_soon_from TEXT;
UPDATE loan_state SET due_soon_from = rolled_on WHERE due_soon_on IS NOT NULL;
DROP INDEX loan_state_due_soon;
DROP INDEX loan_state_queue_due_soon;
-- The open windows, an index range: the due-soon list's count, the maturity notices.
CREATE INDEX loan_state_due_soon ON loan_state(status, due_soon_from, assignee_id, due_soon_kind, due_soon_on);
-- The due-soon list's pages in due order, windows not open yet passed over in the index.
CREATE INDEX loan_state_queue_due_soon ON loan_state(status, due_soon_on, loan_id, assignee_id, due_soon_from);
