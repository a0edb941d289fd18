-- Month-end history (issue #19, DOMAIN §11): the book as it stood at each month-end, one compact
-- row per loan, so the risk reports (migration, roll rates, NPL ratio, vintage, cure, large
-- customers) read two month-ends instead of recomputing the ledger for a past date. Integers only,
-- keyed (month, loan) without a rowid: about 50 bytes a loan a month on the pages
-- (docs/BENCHMARKS.md), so 36 month-ends of a million loans stay under 2 GB.
--
-- `month` and `disbursed` are YYYYMM. DPD and class are DOMAIN §5's on the month-end (the one
-- derivation the lists use); amounts are cents. Codes, as `store/month_end.rs` reads them:
-- `status` 0 active, 1 closed, 2 written off; `class` 0 normal … 4 loss (worse is larger);
-- `product` 0 annuity, 1 equal principal, 2 interest only, 3 bullet; `branch` an id of
-- `month_end_branch` (a branch's name once, not on every row). `month_ends` says which
-- month-ends are complete: a capture writes its rows in batches and this row last, so a stopped
-- one is finished by the next.

CREATE TABLE month_end (
    month        INTEGER NOT NULL,
    loan_id      INTEGER NOT NULL,
    customer_id  INTEGER NOT NULL,
    status       INTEGER NOT NULL,
    dpd          INTEGER NOT NULL,
    class        INTEGER NOT NULL,
    outstanding  INTEGER NOT NULL,
    overdue      INTEGER NOT NULL,
    principal    INTEGER NOT NULL,
    disbursed    INTEGER NOT NULL,
    product      INTEGER NOT NULL,
    owner_id     INTEGER,
    branch       INTEGER,
    PRIMARY KEY (month, loan_id)
) WITHOUT ROWID;

CREATE TABLE month_end_branch (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE
);

CREATE TABLE month_ends (
    month        INTEGER PRIMARY KEY,
    -- The month-end's date, how it was captured (`run`: the nightly run as it passed it;
    -- `capture`: recomputed from the ledger by `report capture`), by whom and when.
    as_of        TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('run', 'capture')),
    actor        TEXT NOT NULL,
    loans        INTEGER NOT NULL,
    captured_at  TEXT NOT NULL
);

-- The collector scorecard (DOMAIN §12): each user's monthly targets, one row a KPI (an amount in
-- cents for `collected`, a count for `cured`, else hundredths of a percent), set by a supervisor;
-- and a closed month's scorecards kept as they were (the card as JSON), so later payments or
-- corrections do not change a month already assessed (月考核、季兑现).
CREATE TABLE score_targets (
    user_id      INTEGER NOT NULL REFERENCES users(id),
    month        INTEGER NOT NULL,
    kpi          TEXT NOT NULL,
    target       INTEGER NOT NULL,
    PRIMARY KEY (user_id, month, kpi)
) WITHOUT ROWID;

CREATE TABLE scorecards (
    month        INTEGER NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    card         TEXT NOT NULL,
    closed_at    TEXT NOT NULL,
    closed_by    TEXT NOT NULL,
    PRIMARY KEY (month, user_id)
) WITHOUT ROWID;
