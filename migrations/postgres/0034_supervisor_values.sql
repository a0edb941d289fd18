-- PostgreSQL's step 0034, beside SQLite's `0034_supervisor_values.sql` (a file has no grants:
-- nothing there). What step 0031 left to the program (docs/server-grants.md §7.5): inside the rows
-- a collector's role writes on its own cases, values only a supervisor may give. Now the server
-- refuses them to a role that is not a member of `duedesk_supervisor` (42501, the desk's exit 3):
-- a contact that overrides a contact rule, a schedule that is not a payment plan (an extension, a
-- restructure), a stage moved back other than to current or into or out of closed and written
-- off (in `loans` and in `stage_events`; whether a move back to current is a cure — nothing
-- overdue — the program still checks, from the schedule), and a second dunning notice for a loan
-- in one calendar month. The book's owner is not held. Each statement may run again over itself.

CREATE OR REPLACE FUNCTION duedesk_supervises() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'duedesk_supervisor', 'MEMBER')
$$;

-- The session's role owns the table (store copy, migrations, a demo's maker): not held.
CREATE OR REPLACE FUNCTION duedesk_owns(t oid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = t), 'MEMBER')
$$;

-- A collector's move (DOMAIN §6): between working stages, forward, or back to current.
CREATE OR REPLACE FUNCTION duedesk_collector_may_move(from_stage text, to_stage text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT from_stage = to_stage
      OR (from_stage IN ('current', 'reminder', 'negotiation', 'guarantor', 'legal')
          AND to_stage IN ('current', 'reminder', 'negotiation', 'guarantor', 'legal')
          AND (to_stage = 'current'
               OR array_position(ARRAY['current', 'reminder', 'negotiation', 'guarantor', 'legal'], to_stage)
                > array_position(ARRAY['current', 'reminder', 'negotiation', 'guarantor', 'legal'], from_stage)))
$$;

-- Restrictive: these hold beside the own-case policies of step 0031, not instead of them.
DROP POLICY IF EXISTS supervisor_override ON contacts;
CREATE POLICY supervisor_override ON contacts AS RESTRICTIVE FOR INSERT
  WITH CHECK ((override_rule IS NULL AND override_reason IS NULL) OR duedesk_supervises());
DROP POLICY IF EXISTS supervisor_schedule ON schedules;
CREATE POLICY supervisor_schedule ON schedules AS RESTRICTIVE FOR INSERT
  WITH CHECK (kind = 'plan' OR duedesk_supervises());
DROP POLICY IF EXISTS supervisor_move_back ON stage_events;
CREATE POLICY supervisor_move_back ON stage_events AS RESTRICTIVE FOR INSERT
  WITH CHECK (duedesk_collector_may_move(from_stage, to_stage) OR duedesk_supervises());

-- A policy cannot see the row before an update: the stage's move is a trigger's to check.
CREATE OR REPLACE FUNCTION duedesk_stage_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT duedesk_collector_may_move(OLD.stage, NEW.stage)
     AND NOT duedesk_supervises() AND NOT duedesk_owns(TG_RELID) THEN
    RAISE EXCEPTION 'moving loan % from % to % needs the supervisor role', OLD.loan_ref, OLD.stage, NEW.stage
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS loans_stage_moved ON loans;
CREATE TRIGGER loans_stage_moved BEFORE UPDATE OF stage ON loans
  FOR EACH ROW EXECUTE FUNCTION duedesk_stage_moved();

-- Dunning notices go out monthly while overdue; a second in a month is a supervisor's (`--force`).
CREATE OR REPLACE FUNCTION duedesk_second_dunning() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind = 'dunning' AND NOT duedesk_supervises() AND NOT duedesk_owns(TG_RELID)
     AND EXISTS (SELECT 1 FROM notices n WHERE n.loan_id = NEW.loan_id AND n.kind = 'dunning'
                 AND substr(n.issued_on, 1, 7) = substr(NEW.issued_on, 1, 7)) THEN
    RAISE EXCEPTION 'a second dunning notice for loan % in %, a supervisor''s', NEW.loan_id, substr(NEW.issued_on, 1, 7)
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS notices_second_dunning ON notices;
CREATE TRIGGER notices_second_dunning BEFORE INSERT ON notices
  FOR EACH ROW EXECUTE FUNCTION duedesk_second_dunning();
