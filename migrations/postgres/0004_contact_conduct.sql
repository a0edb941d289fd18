-- PostgreSQL's step 0004, beside SQLite's `0004_contact_conduct.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- What the conduct rules need on record for each contact: whether the debtor asked for the time
-- (lifts quiet hours), the collector's no-disclosure acknowledgement for third parties, and the
-- supervisor's reason when a rule was overridden.

ALTER TABLE contacts ADD COLUMN debtor_asked BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN no_disclosure_ack BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN override_rule TEXT;
ALTER TABLE contacts ADD COLUMN override_reason TEXT;
