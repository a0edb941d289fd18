-- Written notices of a case (催收通知书, 履行担保责任通知书): what was issued, to whom, for which
-- figures as of which date, the files written, and whether the receipt (回执) came back.
-- The figures are a snapshot: later payments do not change what a notice demanded.

CREATE TABLE notices (
    id                      INTEGER PRIMARY KEY,
    loan_id                 INTEGER NOT NULL REFERENCES loans(id),
    number                  TEXT NOT NULL UNIQUE,
    kind                    TEXT NOT NULL CHECK (kind IN ('dunning', 'guarantor_demand')),
    lang                    TEXT NOT NULL CHECK (lang IN ('zh', 'en')),
    issued_on               TEXT NOT NULL,
    as_of                   TEXT NOT NULL,
    pay_by                  TEXT NOT NULL,
    overdue_principal_cents INTEGER NOT NULL,
    overdue_interest_cents  INTEGER NOT NULL,
    penalty_cents           INTEGER NOT NULL,
    total_cents             INTEGER NOT NULL,
    addressee               TEXT NOT NULL,
    files                   TEXT NOT NULL DEFAULT '[]',
    receipt_status          TEXT NOT NULL DEFAULT 'pending'
                            CHECK (receipt_status IN ('pending', 'received', 'returned')),
    receipt_on              TEXT,
    user_id                 INTEGER REFERENCES users(id),
    created_at              TEXT NOT NULL
);
CREATE INDEX notices_loan_issued ON notices(loan_id, issued_on);
