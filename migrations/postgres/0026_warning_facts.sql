-- PostgreSQL's step 0026, beside SQLite's `0026_warning_facts.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- What the run's customer-wide warning rules read (issue #17), each a range of an index of its own
-- instead of a pass over a whole table: the call attempts to debtors by time (the unreachable rule
-- counts a customer's attempts in the last days; the contacts index by customer made it read every
-- contact of the book, five million on the benchmark's), and the loans with an inspection that
-- concluded risk (the inspection-risk rule; it read every inspection's conclusion).
CREATE INDEX contacts_attempts ON contacts(at, customer_id)
    WHERE channel = 'call' AND party = 'debtor' AND direction = 'outbound' AND corrects_id IS NULL;
CREATE INDEX inspections_risk ON inspections(loan_id) WHERE conclusion = 'risk';
