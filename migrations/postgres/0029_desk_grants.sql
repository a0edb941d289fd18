-- PostgreSQL's step 0029, beside SQLite's `0029_desk_grants.sql` (a file has no grants: nothing there; tests/pg_schema.rs).
-- The desk's roles as the server's grants (issue #20, docs/server-grants.md §8): three group roles
-- of the cluster, each desk login a member of one; a role in none of them reads and changes
-- nothing of the book. The book's owner runs this step, so it needs CREATEROLE unless the DBA made
-- the three roles (and their nesting) first.

-- The roles are the cluster's, so another book may have made them, or be making them at this
-- moment: each is made only if missing, and a race lost to another book's migration is no error.
DO $$
DECLARE
  r text;
  m text;
BEGIN
  FOREACH r IN ARRAY ARRAY['duedesk_collector', 'duedesk_supervisor', 'duedesk_admin'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN INHERIT', r);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'the desk''s role % is not on the server and the book''s owner % may not make it: give the owner CREATEROLE, or have the DBA make duedesk_collector, duedesk_supervisor (a member of duedesk_collector) and duedesk_admin (a member of duedesk_supervisor) first', r, current_user
            USING ERRCODE = 'insufficient_privilege';
      END;
    END IF;
  END LOOP;
  FOR m, r IN VALUES ('duedesk_supervisor', 'duedesk_collector'), ('duedesk_admin', 'duedesk_supervisor') LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid JOIN pg_roles u ON u.oid = a.member
      WHERE g.rolname = r AND u.rolname = m
    ) THEN
      BEGIN
        EXECUTE format('GRANT %I TO %I', r, m);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'the desk''s role % is not a member of % and the book''s owner % may not make it one: give the owner CREATEROLE, or have the DBA grant it', m, r, current_user
            USING ERRCODE = 'insufficient_privilege';
      END;
    END IF;
  END LOOP;
END $$;

-- Nothing of the book to anyone but the three roles (TEMP and CONNECT on the database stay:
-- the scratch snapshot is a TEMP table).
REVOKE ALL ON duedesk_schema, meta, settings, users, customers, loans, payments, schedules, schedule_lines,
  assignments, stage_events, contacts, promises, audit_log, loan_state, notices, holds, tasks, case_leases,
  search_terms, holidays, manual_classes, inspections, inspection_due, collateral_items,
  collateral_valuations, work_logs, signals, signal_measures, watchlist, customer_ratings, month_end,
  month_end_branch, month_ends, score_targets, scorecards, class_events, class_last, month_agg_npl,
  month_agg_cohort, month_agg_flow FROM PUBLIC;

-- Every desk role reads the whole book (§6): the supervisor and admin inherit the collector's.
GRANT SELECT ON duedesk_schema, meta, settings, users, customers, loans, payments, schedules, schedule_lines,
  assignments, stage_events, contacts, promises, audit_log, loan_state, notices, holds, tasks, case_leases,
  search_terms, holidays, manual_classes, inspections, inspection_due, collateral_items,
  collateral_valuations, work_logs, signals, signal_measures, watchlist, customer_ratings, month_end,
  month_end_branch, month_ends, score_targets, scorecards, class_events, class_last, month_agg_npl,
  month_agg_cohort, month_agg_flow TO duedesk_collector;

-- The collector (§1.B). `refresh` and the shared snapshot's roll are a collector's and rewrite
-- the whole book's snapshot, schedule and warnings (§7.3, §7.4): kept so as a first step.
GRANT INSERT, UPDATE (value) ON meta TO duedesk_collector;
GRANT UPDATE (last_contact_at, last_outcome, promise_amount_cents, promise_made_on, promise_due_on,
  next_action_on, next_action_kind, version, stage, schedule_id, phone, address, employer, guarantor,
  guarantor_phone) ON loans TO duedesk_collector;
-- Append-only records: INSERT, never DELETE or UPDATE (a review or an undo below excepted).
GRANT INSERT ON contacts, promises, stage_events, inspections, audit_log, schedules, schedule_lines,
  collateral_valuations, work_logs, signal_measures, class_events TO duedesk_collector;
GRANT INSERT, DELETE, UPDATE (rolled_on, stale_on, status, stage, workflow_stage, product, secured,
  assignee_id, overdue_since, outstanding_principal, overdue_principal, overdue_interest, overdue_amount,
  penalty_lag, unpaid_total, next_due_on, next_due_amount, due_soon_on, due_soon_kind, last_contact_at,
  next_action_on, promise_due_on, promise_status, class_held, class_npl, warn_bits, due_soon_from)
  ON loan_state TO duedesk_collector;
GRANT INSERT, UPDATE (receipt_status, receipt_on) ON notices TO duedesk_collector;
GRANT INSERT, UPDATE (done_on, done_by, note) ON tasks TO duedesk_collector;
GRANT INSERT, DELETE, UPDATE (user_id, taken_at, until_at, until_epoch) ON case_leases TO duedesk_collector;
GRANT INSERT, DELETE ON search_terms TO duedesk_collector;
GRANT INSERT, DELETE, UPDATE (kind, due_on, assignee_id, class, capped) ON inspection_due TO duedesk_collector;
GRANT INSERT, UPDATE (insured_until) ON collateral_items TO duedesk_collector;
GRANT INSERT, UPDATE (confirmed_on, confirmed_by, confirm_note, closed_on, closed_by, reason) ON signals
  TO duedesk_collector;
GRANT INSERT, UPDATE (left_on, left_by, left_reason) ON watchlist TO duedesk_collector;
GRANT INSERT, UPDATE (class, reason) ON class_last TO duedesk_collector;

-- The supervisor adds (§2.B, §2.C). A loans import adds unknown assignees as collectors (§7.6):
-- INSERT on users, and a trigger below keeps what it inserts a collector.
GRANT DELETE ON meta TO duedesk_supervisor;
GRANT INSERT (login, display_name, role, created_at) ON users TO duedesk_supervisor;
GRANT INSERT, UPDATE (assignee_id, version) ON customers TO duedesk_supervisor;
GRANT INSERT, UPDATE (agency, written_off_on, observation_until, manual_class, manual_class_from,
  manual_class_until) ON loans TO duedesk_supervisor;
GRANT INSERT ON payments, assignments, customer_ratings, scorecards, month_end_branch TO duedesk_supervisor;
GRANT INSERT, UPDATE (lifted_on, lifted_by_user_id, lift_reason) ON holds TO duedesk_supervisor;
GRANT INSERT, DELETE, UPDATE (kind, name) ON holidays TO duedesk_supervisor;
GRANT INSERT, UPDATE (lifted_on, lift_reason) ON manual_classes TO duedesk_supervisor;
GRANT UPDATE (reviewed_by, reviewed_on, reviewed_at, review_comment, accepted_class) ON inspections
  TO duedesk_supervisor;
GRANT UPDATE (status, status_on) ON collateral_items TO duedesk_supervisor;
GRANT UPDATE (signed_by, signed_on, signed_at, sign_comment) ON work_logs TO duedesk_supervisor;
GRANT INSERT, DELETE ON month_end, month_agg_npl, month_agg_cohort, month_agg_flow TO duedesk_supervisor;
GRANT INSERT, DELETE, UPDATE (as_of, source, actor, loans, captured_at, full_rows, aggregated) ON month_ends
  TO duedesk_supervisor;
GRANT INSERT, UPDATE (target) ON score_targets TO duedesk_supervisor;

-- The admin adds (§3): settings, who is who, and undoing a run.
GRANT INSERT, UPDATE (value) ON settings TO duedesk_admin;
GRANT UPDATE (active, role) ON users TO duedesk_admin;
GRANT UPDATE (undone_at) ON stage_events TO duedesk_admin;

-- An audit entry is appended in the name of the role logged in (§7.1); an admin's role or the
-- book's owner may write another's (a book copied in whole, the open-time baseline `duedesk`).
CREATE FUNCTION duedesk_audit_actor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.actor IS DISTINCT FROM session_user::text
     AND NOT pg_has_role(session_user, 'duedesk_admin', 'MEMBER')
     AND NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RAISE EXCEPTION 'an audit entry is written in the name of the role logged in (%), not of %', session_user, NEW.actor
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_log_actor BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION duedesk_audit_actor();

-- A supervisor's import adds collectors only; an admin's role or the owner adds any desk role.
CREATE FUNCTION duedesk_users_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IS DISTINCT FROM 'collector'
     AND NOT pg_has_role(session_user, 'duedesk_admin', 'MEMBER')
     AND NOT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER') THEN
    RAISE EXCEPTION 'only an admin adds a desk user of role %', NEW.role USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER users_added_role BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION duedesk_users_added();
