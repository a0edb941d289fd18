-- Early warning, the watchlist and the class the rules keep (issue #17, DOMAIN §5 and §9).
--
-- The NPL hold: the class a loan's worst DPD of the last 365 days keeps it at until it is repaid
-- and paid on time, as of the row's date; the row's `stale_on` takes the date the hold may change
-- by the date alone. Every standing row is recomputed by the next roll (made stale here).
ALTER TABLE loan_state ADD COLUMN class_npl TEXT;
-- The early-warning rules a loan's own payments raise as of the row's date (bits of
-- `SignalCode::bit`: first installment missed, repeated late, partial payment, relapse); the
-- row's `stale_on` takes the first date they may change by the date alone, and the run opens and
-- closes signals from the rows with any (an index of its own) and the signals still open.
ALTER TABLE loan_state ADD COLUMN warn_bits INTEGER NOT NULL DEFAULT 0;
CREATE INDEX loan_state_warn ON loan_state(loan_id, warn_bits) WHERE warn_bits <> 0;
UPDATE loan_state SET stale_on = rolled_on;

-- A signal occurrence (DOMAIN §9): opened by the run (`raised_by` 'policy') on the first date its
-- rule holds and closed on the first it does not, or raised and closed by a person. Nothing is
-- deleted; the open and close dates are what the watchlist's month-end rule reads.
CREATE TABLE signals (
    id            INTEGER PRIMARY KEY,
    loan_id       INTEGER NOT NULL REFERENCES loans(id),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    code          TEXT NOT NULL,
    category      TEXT,
    level         TEXT NOT NULL CHECK (level IN ('yellow', 'orange', 'red')),
    raised_on     TEXT NOT NULL,
    raised_by     TEXT NOT NULL,
    note          TEXT,
    confirmed_on  TEXT,
    confirmed_by  TEXT,
    confirm_note  TEXT,
    closed_on     TEXT,
    closed_by     TEXT,
    reason        TEXT,
    created_at    TEXT NOT NULL
);
-- One open occurrence per loan and rule; manual ones are each their own.
CREATE UNIQUE INDEX signals_open_rule ON signals(loan_id, code) WHERE closed_on IS NULL AND code <> 'manual';
-- The Warnings list: open signals by level, newest first.
CREATE INDEX signals_open_level ON signals(level, raised_on DESC, id DESC) WHERE closed_on IS NULL;
CREATE INDEX signals_loan ON signals(loan_id, id);
CREATE INDEX signals_customer ON signals(customer_id, closed_on);

CREATE TABLE signal_measures (
    id         INTEGER PRIMARY KEY,
    signal_id  INTEGER NOT NULL REFERENCES signals(id),
    kind       TEXT NOT NULL,
    on_date    TEXT NOT NULL,
    user       TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX signal_measures_signal ON signal_measures(signal_id, id);

-- The watchlist (重点监测名单), per customer: each stay a row, entered and left with a reason.
CREATE TABLE watchlist (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    entered_on   TEXT NOT NULL,
    entered_by   TEXT NOT NULL,
    reason       TEXT NOT NULL,
    left_on      TEXT,
    left_by      TEXT,
    left_reason  TEXT,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX watchlist_current ON watchlist(customer_id) WHERE left_on IS NULL;

-- A supervisor's customer rating, worse than the rules' only; history, the latest in force.
CREATE TABLE customer_ratings (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    rating      TEXT NOT NULL CHECK (rating IN ('low', 'medium', 'high')),
    reason      TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_on      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX customer_ratings_customer ON customer_ratings(customer_id, id);

-- A manual class lifted before its end (`classify --lift`).
ALTER TABLE manual_classes ADD COLUMN lifted_on TEXT;
ALTER TABLE manual_classes ADD COLUMN lift_reason TEXT;
