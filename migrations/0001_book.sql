-- The loan book: desk users, customers (one owner per customer), loans, their payments and any
-- explicit schedule that replaces the contractual one (plans, restructures).
-- Money is integer cents, rates percent × 10^4, dates YYYY-MM-DD text, times RFC 3339 text.

-- Internal bookkeeping such as the snapshot's business date; not user settings.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,
    display_name TEXT,
    role         TEXT NOT NULL CHECK (role IN ('collector', 'supervisor', 'admin')),
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    customer_ref TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    assignee_id  INTEGER REFERENCES users(id),
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_assignee ON customers(assignee_id);

CREATE TABLE loans (
    id               INTEGER PRIMARY KEY,
    loan_ref         TEXT NOT NULL UNIQUE,
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    borrower         TEXT NOT NULL,
    phone            TEXT,
    product          TEXT NOT NULL CHECK (product IN ('annuity', 'equal_principal', 'interest_only', 'bullet')),
    principal_cents  INTEGER NOT NULL CHECK (principal_cents > 0),
    rate_e4          INTEGER NOT NULL CHECK (rate_e4 >= 0 AND rate_e4 < 1000000),
    term_months      INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 480),
    disbursed_on     TEXT NOT NULL,
    guarantor        TEXT,
    guarantor_phone  TEXT,
    collateral       TEXT,
    branch           TEXT,
    -- Workflow state; "closed" is also derived from payments in loan_state.
    stage            TEXT NOT NULL DEFAULT 'current'
                     CHECK (stage IN ('current', 'reminder', 'negotiation', 'guarantor', 'legal', 'closed', 'written_off')),
    agency           TEXT,
    written_off_on   TEXT,
    schedule_id      INTEGER,
    next_action_on   TEXT,
    last_contact_at  TEXT,
    last_outcome     TEXT,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL
);
CREATE INDEX loans_customer ON loans(customer_id);
CREATE INDEX loans_borrower ON loans(borrower);
CREATE INDEX loans_phone ON loans(phone);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    paid_on     TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    reference   TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (loan_id, reference)
);
-- Covering, so that refreshing the book reads payments in loan order from the index alone.
CREATE INDEX payments_loan ON payments(loan_id, paid_on, amount_cents);

-- An explicit schedule for the remaining balance (payment plan, restructure, extension).
-- The loan's schedule_id points at the one in force; older ones stay for history.
CREATE TABLE schedules (
    id          INTEGER PRIMARY KEY,
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    kind        TEXT NOT NULL CHECK (kind IN ('plan', 'extension', 'restructure')),
    effective_on TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX schedules_loan ON schedules(loan_id);

CREATE TABLE schedule_lines (
    schedule_id     INTEGER NOT NULL REFERENCES schedules(id),
    seq             INTEGER NOT NULL,
    due_on          TEXT NOT NULL,
    principal_cents INTEGER NOT NULL,
    interest_cents  INTEGER NOT NULL,
    PRIMARY KEY (schedule_id, seq)
) WITHOUT ROWID;
