-- PostgreSQL's step 0011, beside SQLite's `0011_audit_chain.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- The audit log becomes a hash chain (issue #7): each row's hash covers its content and the hash
-- of the row before, so a changed or deleted row is detectable (`duedesk audit verify`).
-- SQL cannot compute SHA-256, so rows written before this migration are chained once by the
-- program when it next opens the store (`audit_chain_pending`); after that a row without a hash
-- is a broken chain, never silently re-chained.
INSERT INTO meta (key, value) SELECT 'audit_chain_pending', '1' WHERE EXISTS (SELECT 1 FROM audit_log);

-- `audit --loan`, `--actor`, `--since` and the "who changed it last" of a stale edit.
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log(actor, id);
CREATE INDEX audit_log_at ON audit_log(at);
