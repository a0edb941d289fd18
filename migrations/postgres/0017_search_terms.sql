-- PostgreSQL's step 0017, beside SQLite's `0017_search_terms.sql` (the same tables, columns and indexes; tests/pg_schema.rs).
-- Search that finds (issue #16): names by any run of their characters in any case, Chinese names
-- by pinyin and initials, loan ids without their prefix, phones by any run of four digits. The
-- terms each loan is found by (`domain/search.rs`, each tagged with what it is) are kept here and
-- a search is a range of this table's key per kind of term: a million loans and some 23 million
-- terms, each key an index lookup, never a scan of the book. Loans are indexed after they are
-- written (`store/search.rs`: `meta.search_through` is the last loan indexed; a store made before
-- this table is indexed when it is first opened). Names and phones were searched by prefix on the
-- loans' own indexes, which nothing else reads; they go.
CREATE TABLE search_terms (
    term    TEXT NOT NULL,
    loan_id BIGINT NOT NULL,
    PRIMARY KEY (term, loan_id)
);
DROP INDEX loans_borrower;
DROP INDEX loans_phone;
