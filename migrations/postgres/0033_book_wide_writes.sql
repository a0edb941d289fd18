-- PostgreSQL's step 0033, beside SQLite's `0033_book_wide_writes.sql` (a file has no grants: nothing
-- there). What step 0031 left open (docs/server-grants.md §7.2-§7.4): every desk role could write
-- any row of the shared snapshot and any key of `meta`, so a collector's role could, by SQL, move
-- a case out of the queues and the month-end (`assignee_id`, `overdue_since`…) or tell the next
-- run that its class changes were recorded, and close any warning. Now a collector's role writes
-- the snapshot rows, warnings, schedule and class records of its own cases (a contact, a move, a
-- plan recomputes its loan's row) and not the run's markers; the
-- day's roll and `refresh` are the run's and the supervisors' (`Desk::may_roll`: a collector's desk
-- reads a private copy on a day the book has not been rolled to). The book's owner is not held.
-- Each statement may run again over itself (a book set a step back by hand is brought up again).

-- The keys that say how far the book's runs and its audit baseline have gone: the snapshot's date,
-- the last run that recorded classes, the users' and settings' baseline vouched for. Every other
-- key (the audit chain's head every audited action moves, the search index's mark) any desk role.
CREATE OR REPLACE FUNCTION duedesk_may_set_meta(k text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER')
      OR k NOT IN ('snapshot_as_of', 'class_run_on', 'audit_state_vouched')
$$;
ALTER TABLE meta ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS desk_reads ON meta;
DROP POLICY IF EXISTS desk_keys_added ON meta;
DROP POLICY IF EXISTS desk_keys_changed ON meta;
DROP POLICY IF EXISTS desk_keys_removed ON meta;
CREATE POLICY desk_reads ON meta FOR SELECT USING (true);
CREATE POLICY desk_keys_added ON meta FOR INSERT WITH CHECK (duedesk_may_set_meta(key));
CREATE POLICY desk_keys_changed ON meta FOR UPDATE
  USING (duedesk_may_set_meta(key)) WITH CHECK (duedesk_may_set_meta(key));
CREATE POLICY desk_keys_removed ON meta FOR DELETE USING (duedesk_may_set_meta(key));

-- The shared snapshot, the warnings and the post-loan schedule: the run and `refresh` (a
-- supervisor's, the owner's) write them across the book; a collector's role on its own cases only
-- (a loan's row recomputed after a contact, a signal raised by hand, its measures, a customer put
-- on the watchlist, a loan's next inspection after a visit, a class noted after a plan), and closes
-- a signal it raised wherever the case has gone since. The policies are step 0031's.
DO $$
DECLARE
  t text;
  own text;
BEGIN
  FOR t, own IN VALUES
    ('loan_state', 'duedesk_works_loan(loan_id)'),
    ('inspection_due', 'duedesk_works_loan(loan_id)'),
    ('class_events', 'duedesk_works_loan(loan_id)'),
    ('class_last', 'duedesk_works_loan(loan_id)'),
    ('signal_measures', 'duedesk_works_loan((SELECT s.loan_id FROM signals s WHERE s.id = signal_id))'),
    ('watchlist', 'duedesk_works_customer(customer_id)'),
    ('signals', 'duedesk_works_loan(loan_id)')
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('DROP POLICY IF EXISTS desk_reads ON %I', t);
    EXECUTE format('DROP POLICY IF EXISTS own_case_added ON %I', t);
    EXECUTE format('DROP POLICY IF EXISTS own_case_changed ON %I', t);
    EXECUTE format('DROP POLICY IF EXISTS own_case_removed ON %I', t);
    EXECUTE format('CREATE POLICY desk_reads ON %I FOR SELECT USING (true)', t);
    EXECUTE format('CREATE POLICY own_case_added ON %I FOR INSERT WITH CHECK (%s)', t, own);
    IF t = 'signals' THEN
      own := own || ' OR raised_by = session_user::text';
    END IF;
    EXECUTE format('CREATE POLICY own_case_changed ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t, own, own);
    EXECUTE format('CREATE POLICY own_case_removed ON %I FOR DELETE USING (%s)', t, own);
  END LOOP;
END $$;
