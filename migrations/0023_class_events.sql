-- Class changes as events with their reason (issue #17, DOMAIN §5: "every class change is
-- history"). The class is derived for the date asked (`store/state_row.rs`), so nothing stored
-- moved when a loan crossed a class band by the date alone, and only a supervisor's classify or
-- lift left a trace. An event is written in the transaction of what moved the class: the nightly
-- run for its date, or a payment, plan, classify, lift, write-off, reopening or policy change; a
-- loan imported takes its class silently.
CREATE TABLE class_events (
    id           INTEGER PRIMARY KEY,
    loan_id      INTEGER NOT NULL REFERENCES loans(id),
    on_date      TEXT NOT NULL,
    class_before TEXT NOT NULL,
    class_after  TEXT NOT NULL,
    -- The rule that set the class after (`floor`, `npl_hold`, `manual`, `restructure`).
    reason       TEXT NOT NULL,
    -- What moved it: run, payment (a payments file), plan, classify, lift, write_off, reopen, policy.
    cause        TEXT NOT NULL,
    -- The person whose action it was; none for the run.
    user         TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX class_events_loan ON class_events(loan_id, id);

-- The last class recorded for each loan, so what moved is a comparison of one row by key. Filled
-- whole, silently, by the first run after this migration (`meta.class_run_on` then says the date
-- of the last run that recorded classes); a loan added later without a row is taken as normal.
CREATE TABLE class_last (
    loan_id INTEGER PRIMARY KEY REFERENCES loans(id),
    class   TEXT NOT NULL,
    reason  TEXT NOT NULL
);

-- The run finds the loans whose class can have moved since its last date by index ranges: rows
-- the roll or an edit rewrote since, a restructure's observation ended, a manual class lapsed
-- (the DPD bands are ranges of `loan_state_dpd`).
CREATE INDEX loan_state_rolled ON loan_state(rolled_on);
CREATE INDEX loans_observation_until ON loans(observation_until) WHERE observation_until IS NOT NULL;
CREATE INDEX loans_manual_class_until ON loans(manual_class_until) WHERE manual_class_until IS NOT NULL;
