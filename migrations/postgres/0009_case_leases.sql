-- PostgreSQL's step 0009, beside SQLite's `0009_case_leases.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Case leases (issue #7): while a desk user has a case (a customer, all its loans) open to edit,
-- others may read it but not edit it until the lease is released or runs out. One row per leased
-- customer; the end is kept as Unix seconds for comparison (stamps carry different offsets) and as
-- RFC 3339 text for messages. Expired rows are swept when a lease is taken.

CREATE TABLE case_leases (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
    user_id     BIGINT NOT NULL REFERENCES users(id),
    taken_at    TEXT NOT NULL,
    until_at    TEXT NOT NULL,
    until_epoch BIGINT NOT NULL
);
CREATE INDEX case_leases_until ON case_leases(until_epoch);
CREATE INDEX case_leases_user ON case_leases(user_id);
