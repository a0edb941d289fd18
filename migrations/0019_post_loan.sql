-- Post-loan inspection, the collateral register, ledger upkeep and the work log (issue #18,
-- DOMAIN §10). Inspections, valuations and work logs are append-only: the triggers below refuse a
-- delete, and an update other than the one review or signature a record gets (NULL to a value,
-- once). A correction is a new record that names the old one.

-- The working-day calendar: holidays, and make-up working days (调休) on a weekend.
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT
) WITHOUT ROWID;

-- Ledger upkeep: the borrower's address and employer, changed with `edit` like the phone.
ALTER TABLE loans ADD COLUMN address TEXT;
ALTER TABLE loans ADD COLUMN employer TEXT;

-- A manual class (DOMAIN §5) in force on the loan, copied here for the snapshot's reader; its
-- history is `manual_classes`. Set when a supervisor accepts an inspection's recommendation.
ALTER TABLE loans ADD COLUMN manual_class TEXT;
ALTER TABLE loans ADD COLUMN manual_class_from TEXT;
ALTER TABLE loans ADD COLUMN manual_class_until TEXT;
CREATE TABLE manual_classes (
    id            INTEGER PRIMARY KEY,
    loan_id       INTEGER NOT NULL REFERENCES loans(id),
    class         TEXT NOT NULL CHECK (class IN ('special_mention', 'substandard', 'doubtful', 'loss')),
    from_on       TEXT NOT NULL,
    until_on      TEXT,
    reason        TEXT NOT NULL,
    inspection_id INTEGER,
    by_user_id    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX manual_classes_loan ON manual_classes(loan_id, id);

CREATE TABLE inspections (
    id              INTEGER PRIMARY KEY,
    loan_id         INTEGER NOT NULL REFERENCES loans(id),
    kind            TEXT NOT NULL CHECK (kind IN ('first', 'routine', 'special')),
    mode            TEXT NOT NULL CHECK (mode IN ('onsite', 'offsite')),
    done_on         TEXT NOT NULL,
    inspector_id    INTEGER REFERENCES users(id),
    funds           TEXT NOT NULL CHECK (funds IN ('ok', 'concern', 'n/a')),
    business        TEXT NOT NULL CHECK (business IN ('ok', 'concern', 'n/a')),
    collateral      TEXT NOT NULL CHECK (collateral IN ('ok', 'concern', 'n/a')),
    guarantor       TEXT NOT NULL CHECK (guarantor IN ('ok', 'concern', 'n/a')),
    findings        TEXT NOT NULL,
    conclusion      TEXT NOT NULL CHECK (conclusion IN ('normal', 'concern', 'risk')),
    recommend_class TEXT CHECK (recommend_class IN ('special_mention', 'substandard', 'doubtful', 'loss')),
    corrects_id     INTEGER REFERENCES inspections(id),
    -- The date the inspection it answered was due (on time: done by then), if one was scheduled.
    due_on          TEXT,
    -- The desk's date when it was recorded, and the review's deadline (working days from it).
    recorded_on     TEXT NOT NULL,
    review_due      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    reviewed_by     INTEGER REFERENCES users(id),
    reviewed_on     TEXT,
    reviewed_at     TEXT,
    review_comment  TEXT,
    accepted_class  TEXT
);
CREATE INDEX inspections_loan ON inspections(loan_id, done_on);
CREATE INDEX inspections_done ON inspections(done_on, id);
CREATE INDEX inspections_corrects ON inspections(corrects_id) WHERE corrects_id IS NOT NULL;
-- The supervisor's Review list: records awaiting a review, by deadline.
CREATE INDEX inspections_unreviewed ON inspections(review_due, id) WHERE reviewed_at IS NULL;
CREATE TRIGGER inspections_append_only_delete BEFORE DELETE ON inspections
BEGIN
    SELECT RAISE(ABORT, 'inspections are append-only: a correction is a new record naming the old');
END;
CREATE TRIGGER inspections_append_only_update BEFORE UPDATE ON inspections
WHEN OLD.reviewed_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.loan_id IS NOT OLD.loan_id OR NEW.kind IS NOT OLD.kind
  OR NEW.mode IS NOT OLD.mode OR NEW.done_on IS NOT OLD.done_on OR NEW.inspector_id IS NOT OLD.inspector_id
  OR NEW.funds IS NOT OLD.funds OR NEW.business IS NOT OLD.business OR NEW.collateral IS NOT OLD.collateral
  OR NEW.guarantor IS NOT OLD.guarantor OR NEW.findings IS NOT OLD.findings
  OR NEW.conclusion IS NOT OLD.conclusion OR NEW.recommend_class IS NOT OLD.recommend_class
  OR NEW.corrects_id IS NOT OLD.corrects_id OR NEW.due_on IS NOT OLD.due_on
  OR NEW.recorded_on IS NOT OLD.recorded_on
  OR NEW.review_due IS NOT OLD.review_due OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'inspections are append-only: only a review is added, once');
END;

-- Each active loan's next inspection, kept as the book changes so that the due list is a range
-- of `due_on`, never a pass over the book: one regular row (`first` until one is recorded, then
-- `routine`) and, when one is asked for, a `special` row. `class` and `capped` are what the
-- routine interval was taken for, so a run finds the loans whose interval changed.
CREATE TABLE inspection_due (
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    special     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('first', 'routine', 'special')),
    due_on      TEXT NOT NULL,
    assignee_id INTEGER,
    class       TEXT,
    capped      INTEGER NOT NULL DEFAULT 0,
    asked_on    TEXT,
    reason      TEXT,
    PRIMARY KEY (loan_id, special)
) WITHOUT ROWID;
CREATE INDEX inspection_due_on ON inspection_due(due_on, loan_id, special);
CREATE INDEX inspection_due_owner ON inspection_due(assignee_id, due_on, loan_id, special);
-- A book already here is scheduled by the program when it next opens the store (the dates are
-- months added with clamping and intervals by class, which SQL does not compute).
INSERT INTO meta (key, value) SELECT 'inspections_pending', '1' WHERE EXISTS (SELECT 1 FROM loans);

-- The collateral register: items per customer, valuations append-only.
CREATE TABLE collateral_items (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    loan_id       INTEGER REFERENCES loans(id),
    kind          TEXT NOT NULL CHECK (kind IN ('house', 'vehicle', 'land', 'deposit', 'equipment', 'other')),
    description   TEXT NOT NULL,
    owner         TEXT,
    insured_until TEXT,
    status        TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'released', 'seized')),
    status_on     TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX collateral_items_customer ON collateral_items(customer_id, id);
CREATE TABLE collateral_valuations (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL REFERENCES collateral_items(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    valued_on    TEXT NOT NULL,
    valuer       TEXT NOT NULL,
    user_id      INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX collateral_valuations_item ON collateral_valuations(item_id, valued_on, id);
CREATE TRIGGER collateral_valuations_append_only_delete BEFORE DELETE ON collateral_valuations
BEGIN
    SELECT RAISE(ABORT, 'valuations are append-only: a new valuation is a new record');
END;
CREATE TRIGGER collateral_valuations_append_only_update BEFORE UPDATE ON collateral_valuations
BEGIN
    SELECT RAISE(ABORT, 'valuations are append-only: a new valuation is a new record');
END;
-- Free-text collateral imported before the register: an item of type `other` without a value,
-- the text kept as it was (and on the loan, which the escalation's guarantor rule reads).
INSERT INTO collateral_items (customer_id, loan_id, kind, description, created_by, created_at)
SELECT customer_id, id, 'other', collateral, 'import', created_at FROM loans
WHERE trim(coalesce(collateral, '')) <> '' ORDER BY id;

-- The work log: a note on a customer by its owner, signed by a supervisor.
CREATE TABLE work_logs (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    user_id      INTEGER REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('visit', 'call', 'analysis', 'other')),
    note         TEXT NOT NULL,
    logged_on    TEXT NOT NULL,
    sign_due     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    signed_by    INTEGER REFERENCES users(id),
    signed_on    TEXT,
    signed_at    TEXT,
    sign_comment TEXT
);
CREATE INDEX work_logs_customer ON work_logs(customer_id, logged_on);
CREATE INDEX work_logs_user ON work_logs(user_id, logged_on);
CREATE INDEX work_logs_unsigned ON work_logs(sign_due, id) WHERE signed_at IS NULL;
CREATE TRIGGER work_logs_append_only_delete BEFORE DELETE ON work_logs
BEGIN
    SELECT RAISE(ABORT, 'work logs are append-only');
END;
CREATE TRIGGER work_logs_append_only_update BEFORE UPDATE ON work_logs
WHEN OLD.signed_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.customer_id IS NOT OLD.customer_id OR NEW.user_id IS NOT OLD.user_id
  OR NEW.kind IS NOT OLD.kind OR NEW.note IS NOT OLD.note OR NEW.logged_on IS NOT OLD.logged_on
  OR NEW.sign_due IS NOT OLD.sign_due OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'work logs are append-only: only a signature is added, once');
END;

-- The maturity notice (到期通知书): a notice kind and the task the run adds a month before final
-- maturity. SQLite cannot widen a CHECK, so both tables are made again with their rows.
CREATE TABLE notices_next (
    id                      INTEGER PRIMARY KEY,
    loan_id                 INTEGER NOT NULL REFERENCES loans(id),
    number                  TEXT NOT NULL UNIQUE,
    kind                    TEXT NOT NULL CHECK (kind IN ('dunning', 'guarantor_demand', 'maturity')),
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
INSERT INTO notices_next SELECT * FROM notices;
DROP TABLE notices;
ALTER TABLE notices_next RENAME TO notices;
CREATE INDEX notices_loan_issued ON notices(loan_id, issued_on);

CREATE TABLE tasks_next (
    id          INTEGER PRIMARY KEY,
    loan_id     INTEGER NOT NULL REFERENCES loans(id),
    kind        TEXT NOT NULL CHECK (kind IN ('call', 'dunning_notice', 'guarantor_demand',
                                              'collateral_revaluation', 'legal_packet', 'plan_offer',
                                              'maturity_notice')),
    due_on      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    done_on     TEXT,
    done_by     TEXT,
    note        TEXT
);
INSERT INTO tasks_next SELECT * FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_next RENAME TO tasks;
CREATE UNIQUE INDEX tasks_open_loan_kind ON tasks(loan_id, kind) WHERE done_on IS NULL;
CREATE INDEX tasks_open_due ON tasks(due_on, loan_id) WHERE done_on IS NULL;
CREATE INDEX tasks_loan ON tasks(loan_id, id);
