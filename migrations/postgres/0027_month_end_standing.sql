-- PostgreSQL's step 0027, beside SQLite's `0027_month_end_standing.sql` (the same columns; tests/pg_schema.rs).
-- Month-end rows keep each loan's stage, warning level and watchlist mark at the month-end
-- (DOMAIN §11); a month-end recorded before this step has none of them (`month_ends.full_rows` 0).
ALTER TABLE month_end ADD COLUMN warning BIGINT NOT NULL DEFAULT 0;
ALTER TABLE month_end ADD COLUMN watchlist BIGINT NOT NULL DEFAULT 0;
ALTER TABLE month_end ADD COLUMN stage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE month_ends ADD COLUMN full_rows BIGINT NOT NULL DEFAULT 0;
CREATE INDEX signals_loan_days ON signals(loan_id, raised_on, closed_on, level);
CREATE INDEX stage_events_loan_days ON stage_events(loan_id, id, as_of, from_stage, to_stage);
