-- PostgreSQL's step 0030, beside SQLite's `0030_run_reads_covered.sql` (the same indexes).
-- Two indexes the day's run reads whole, made to hold what it asks (issue #15).
-- The month-end watchlist rule asks, for each of the last three month-ends, which customers had
-- a signal open that day: with the date the signal was raised in the index, the question is a
-- walk of the index in customer order, no row read and no sort (0.14 s → 0.04 s a month-end on
-- 1,000,000 loans).
DROP INDEX signals_customer;
CREATE INDEX signals_customer ON signals(customer_id, closed_on, raised_on);
-- The warnings' range reads the active loans with payment rules holding; with the loan's status
-- in the index no row is read for it.
DROP INDEX loan_state_warn;
CREATE INDEX loan_state_warn ON loan_state(loan_id, warn_bits, status) WHERE warn_bits <> 0;
