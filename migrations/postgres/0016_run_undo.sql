-- PostgreSQL's step 0016, beside SQLite's `0016_run_undo.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- An admin may undo the last escalation run (issue #14: a run dated by a typo locked the book). Its
-- stage events stay as history, marked with the time they were undone, and each loan's move back
-- is an event of its own; the date of the last run is that of the last one not undone.
ALTER TABLE stage_events ADD COLUMN undone_at TEXT;
CREATE INDEX stage_events_run ON stage_events(actor, as_of) WHERE undone_at IS NULL;
