-- PostgreSQL's step 0015, beside SQLite's `0015_plan_hold.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- A plan never improves a loan's standing by itself (issue #14): each plan saved from now on keeps
-- the class the loan carried and the arrears it took over, which it holds until it is kept
-- (`plan::held_class`, `plan::cure_held`). Plans saved before hold nothing (both NULL).
ALTER TABLE schedules ADD COLUMN held_class TEXT;
ALTER TABLE schedules ADD COLUMN held_arrears_cents BIGINT;
