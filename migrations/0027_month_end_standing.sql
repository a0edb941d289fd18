-- Month-end rows keep the rest of what DOMAIN §11 remembers of a loan at a month-end: its stage,
-- its warning level and its customer's watchlist mark, each as it stood that day (from the stage
-- events, the signals and the watchlist, so a recapture gives what the run wrote). `stage` 0
-- current, 1 reminder, 2 negotiation, 3 guarantor, 4 legal, 5 closed, 6 written off; `warning`
-- 0 none, 1 yellow, 2 orange, 3 red; `watchlist` 1 on it. A month-end recorded before this step
-- has none of them (`month_ends.full_rows` 0): the reports and lists say nothing of them, rather
-- than "current" or "none", until `report capture --replace` records it again.
ALTER TABLE month_end ADD COLUMN warning INTEGER NOT NULL DEFAULT 0;
ALTER TABLE month_end ADD COLUMN watchlist INTEGER NOT NULL DEFAULT 0;
ALTER TABLE month_end ADD COLUMN stage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE month_ends ADD COLUMN full_rows INTEGER NOT NULL DEFAULT 0;
-- What a capture reads of them for a range of loans, from the index alone: each signal's days
-- and level, each stage event's day and stages.
CREATE INDEX signals_loan_days ON signals(loan_id, raised_on, closed_on, level);
CREATE INDEX stage_events_loan_days ON stage_events(loan_id, id, as_of, from_stage, to_stage);
