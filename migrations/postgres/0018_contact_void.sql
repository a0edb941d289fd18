-- PostgreSQL's step 0018, beside SQLite's `0018_contact_void.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- A contact taken back at the desk (`u` a few seconds after a one-key call, issue #16): history
-- stays append-only, so the taking back is a correction of the record that marks it entered in
-- error (`voids`). Neither the record nor its correction counts toward the conduct rules' caps or
-- the team's figures; the partial index holds only those corrections, so looking a contact up in
-- it costs nothing on five million contacts.
ALTER TABLE contacts ADD COLUMN voids BIGINT NOT NULL DEFAULT 0;
CREATE INDEX contacts_voided ON contacts(corrects_id) WHERE voids = 1;
