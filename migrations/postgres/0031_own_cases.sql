-- PostgreSQL's step 0031, beside SQLite's `0031_own_cases.sql` (a file has no grants: nothing there).
-- A collector works own cases (DOMAIN's roles; `Desk::require_case`): row-level security makes the
-- server hold a collector's role to it as well (docs/server-grants.md §7.5). A case is the
-- customer's: own when the customer's assignee is the desk user the session logs in as. The
-- supervisor's and admin's roles work every case; the book's owner is not held by these policies
-- (a `store copy`, a migration). What every desk user writes across the whole book (the shared
-- snapshot's roll, `refresh`'s schedule and warnings, the search index, the audit log) is not here.

-- Whether the session's role may work the customer's (the loan's) case.
CREATE FUNCTION duedesk_works_customer(customer bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER')
      OR EXISTS (SELECT 1 FROM customers c JOIN users u ON u.id = c.assignee_id
                 WHERE c.id = customer AND u.login = session_user::text)
$$;
CREATE FUNCTION duedesk_works_loan(loan bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER')
      OR EXISTS (SELECT 1 FROM loans l JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = c.assignee_id
                 WHERE l.id = loan AND u.login = session_user::text)
$$;
-- The desk user the session logs in as.
CREATE FUNCTION duedesk_session_user_id() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT id FROM users WHERE login = session_user::text
$$;

-- Each table: read by all (the grants of step 0029 still say who reads at all), written on own cases.
DO $$
DECLARE
  t text;
  own text;
BEGIN
  FOR t, own IN VALUES
    ('contacts', 'duedesk_works_loan(loan_id)'),
    ('promises', 'duedesk_works_loan(loan_id)'),
    ('notices', 'duedesk_works_loan(loan_id)'),
    ('tasks', 'duedesk_works_loan(loan_id)'),
    ('stage_events', 'duedesk_works_loan(loan_id)'),
    ('inspections', 'duedesk_works_loan(loan_id)'),
    ('schedules', 'duedesk_works_loan(loan_id)'),
    ('schedule_lines', 'duedesk_works_loan((SELECT s.loan_id FROM schedules s WHERE s.id = schedule_id))'),
    ('loans', 'duedesk_works_customer(customer_id)'),
    ('work_logs', 'duedesk_works_customer(customer_id)'),
    ('collateral_items', 'duedesk_works_customer(customer_id)'),
    ('collateral_valuations',
     'duedesk_works_customer((SELECT i.customer_id FROM collateral_items i WHERE i.id = item_id))')
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY desk_reads ON %I FOR SELECT USING (true)', t);
    EXECUTE format('CREATE POLICY own_case_added ON %I FOR INSERT WITH CHECK (%s)', t, own);
    EXECUTE format('CREATE POLICY own_case_changed ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t, own, own);
    EXECUTE format('CREATE POLICY own_case_removed ON %I FOR DELETE USING (%s)', t, own);
  END LOOP;
END $$;

-- A lease (who has a case open to edit) is taken in one's own name; another's running lease is
-- left alone unless it has ended (any desk sweeps ended ones) or a supervisor takes it over.
ALTER TABLE case_leases ENABLE ROW LEVEL SECURITY;
CREATE POLICY desk_reads ON case_leases FOR SELECT USING (true);
CREATE POLICY own_lease_taken ON case_leases FOR INSERT
  WITH CHECK (pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER') OR user_id = duedesk_session_user_id());
CREATE POLICY own_lease_changed ON case_leases FOR UPDATE
  USING (pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER') OR user_id = duedesk_session_user_id()
         OR until_epoch <= extract(epoch FROM now()))
  WITH CHECK (pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER') OR user_id = duedesk_session_user_id());
CREATE POLICY own_lease_ended ON case_leases FOR DELETE
  USING (pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER') OR user_id = duedesk_session_user_id()
         OR until_epoch <= extract(epoch FROM now()));

-- An admin puts desk users in the collectors' and supervisors' groups without CREATEROLE
-- (`users add`, `set-role`, `disable`): ADMIN OPTION on the two, held by the admins' group. Who
-- makes an admin needs CREATEROLE, or ADMIN OPTION on duedesk_admin given by the DBA to that login.
DO $$
DECLARE
  g text;
BEGIN
  FOREACH g IN ARRAY ARRAY['duedesk_collector', 'duedesk_supervisor'] LOOP
    IF NOT EXISTS (
      SELECT 1 FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member
      WHERE r.rolname = g AND m.rolname = 'duedesk_admin' AND a.admin_option
    ) THEN
      BEGIN
        EXECUTE format('GRANT %I TO duedesk_admin WITH ADMIN OPTION', g);
      EXCEPTION
        WHEN duplicate_object OR unique_violation THEN NULL;
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'duedesk_admin does not hold ADMIN OPTION on % and the book''s owner % may not give it: give the owner CREATEROLE, or have the DBA run GRANT % TO duedesk_admin WITH ADMIN OPTION', g, current_user, g
            USING ERRCODE = 'insufficient_privilege';
      END;
    END IF;
  END LOOP;
END $$;
