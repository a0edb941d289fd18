-- Case work: who owns a case and since when, stage moves, contacts, promises, and the audit log.
-- Contact history and the audit log are append-only.

CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    from_user_id INTEGER REFERENCES users(id),
    to_user_id   INTEGER REFERENCES users(id),
    by_user_id   INTEGER REFERENCES users(id),
    reason       TEXT,
    at           TEXT NOT NULL
);
CREATE INDEX assignments_customer ON assignments(customer_id, at);

CREATE TABLE stage_events (
    id         INTEGER PRIMARY KEY,
    loan_id    INTEGER NOT NULL REFERENCES loans(id),
    from_stage TEXT NOT NULL,
    to_stage   TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX stage_events_loan ON stage_events(loan_id, id);

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    party       TEXT NOT NULL CHECK (party IN ('debtor', 'guarantor', 'third_party')),
    channel     TEXT NOT NULL CHECK (channel IN ('call', 'sms', 'visit', 'letter', 'email')),
    direction   TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('no_answer', 'busy', 'wrong_number', 'refused', 'promise',
                                                 'paid', 'dispute', 'callback', 'left_message')),
    phone       TEXT,
    note        TEXT NOT NULL DEFAULT '',
    user_id     INTEGER REFERENCES users(id),
    at          TEXT NOT NULL,
    corrects_id INTEGER REFERENCES contacts(id)
);
CREATE INDEX contacts_loan ON contacts(loan_id, at);
CREATE INDEX contacts_customer ON contacts(customer_id, at);

CREATE TABLE promises (
    id           INTEGER PRIMARY KEY,
    loan_id      INTEGER NOT NULL REFERENCES loans(id),
    contact_id   INTEGER REFERENCES contacts(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    made_on      TEXT NOT NULL,
    due_on       TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id)
);
CREATE INDEX promises_loan ON promises(loan_id, due_on);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT,
    detail    TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT,
    hash      TEXT
);
