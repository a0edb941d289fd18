-- Holds (issue #6): a supervisor's dispute or hardship pause on a loan, from a date (backdating
-- allowed) until an end date or until lifted. While one is in force the policy run does not move
-- the loan forward and outbound collection contacts are refused. A hold is in force on day D when
-- from_on <= D <= until_on and it was not lifted on or before D. The queue reads "held until" from
-- here by the loan's index, so the snapshot needs no copy of it.

CREATE TABLE holds (
    id                INTEGER PRIMARY KEY,
    loan_id           INTEGER NOT NULL REFERENCES loans(id),
    kind              TEXT NOT NULL CHECK (kind IN ('dispute', 'hardship')),
    from_on           TEXT NOT NULL,
    until_on          TEXT NOT NULL,
    reason            TEXT NOT NULL,
    by_user_id        INTEGER REFERENCES users(id),
    created_at        TEXT NOT NULL,
    lifted_on         TEXT,
    lifted_by_user_id INTEGER REFERENCES users(id),
    lift_reason       TEXT,
    CHECK (until_on >= from_on)
);
CREATE INDEX holds_loan ON holds(loan_id, until_on);
