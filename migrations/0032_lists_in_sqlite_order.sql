-- The desk's lists in SQLite's order on the server too (issue #20): PostgreSQL's step 0032 makes
-- the snapshot's list indexes again with nulls first going up, as SQLite keeps every index. Nothing
-- to do on a file; it keeps both lists' numbers.
SELECT 1;
