-- PostgreSQL's step 0025, beside SQLite's `0025_warnings_order.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- The Warnings list's order as an index (issue #17): open signals red first, then orange, then
-- yellow, newest first within a level. The list used to sort every open signal for its first page
-- (555 ms on 880,000 open signals); with the order in an index a page is a walk of its rows.
CREATE INDEX signals_open_order ON signals(
    (CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END), raised_on DESC, id DESC
) WHERE closed_on IS NULL;
