-- PostgreSQL's step 0024, beside SQLite's `0024_month_aggregates.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Month-end aggregates (issue #19): the sums the risk reports take from a month-end's rows,
-- written with the month-end and recomputed with it, so a report or the Reports screen reads a
-- few hundred rows instead of a million. Each is what `domain::report` computes from the rows,
-- for the whole book (`grouping` 0, `grp` '') and by branch, product and owner (1, 2, 3, `grp`
-- the group's word as the reports show it). `month_ends.aggregated` says a month-end's are
-- written; a store from before this is brought up to date from its rows when it is opened.
ALTER TABLE month_ends ADD COLUMN aggregated BIGINT NOT NULL DEFAULT 0;

-- The NPL sums of each group with a row at the month-end (active loans only in the sums).
CREATE TABLE month_agg_npl (
    month            BIGINT NOT NULL,
    grouping         BIGINT NOT NULL,
    grp              TEXT NOT NULL,
    loans            BIGINT NOT NULL,
    outstanding      BIGINT NOT NULL,
    npl_loans        BIGINT NOT NULL,
    npl_outstanding  BIGINT NOT NULL,
    PRIMARY KEY (month, grouping, grp)
);

-- Each disbursement month's loans at the month-end, for the vintage curves.
CREATE TABLE month_agg_cohort (
    month      BIGINT NOT NULL,
    grouping   BIGINT NOT NULL,
    grp        TEXT NOT NULL,
    cohort     BIGINT NOT NULL,
    loans      BIGINT NOT NULL,
    disbursed  BIGINT NOT NULL,
    bad        BIGINT NOT NULL,
    PRIMARY KEY (month, grouping, grp, cohort)
);

-- The flows from `month` to the month after it of the loans active at `month`, grouped by their
-- group at `month`: `kind` 0 class × class, 1 bucket × bucket; `from_rank` and `to_rank` the
-- state's place (classes or buckets in order, then closed and written off); principal at `month`.
CREATE TABLE month_agg_flow (
    month      BIGINT NOT NULL,
    kind       BIGINT NOT NULL,
    grouping   BIGINT NOT NULL,
    grp        TEXT NOT NULL,
    from_rank  BIGINT NOT NULL,
    to_rank    BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    principal  BIGINT NOT NULL,
    PRIMARY KEY (month, kind, grouping, grp, from_rank, to_rank)
);

-- A page of `loans --as-of` a month-end in DPD order is a range of this index.
CREATE INDEX month_end_dpd ON month_end (month, dpd DESC, loan_id);

-- The scorecard's cures of a month (back to current) are a range of this index, not a scan of
-- every stage change.
CREATE INDEX stage_events_cure ON stage_events (as_of, loan_id) WHERE to_stage = 'current';
