-- The supervisor-only values inside the rows a collector writes, held by the server (issue #20):
-- PostgreSQL's step 0034 keeps a collector's role from an override of a contact rule, a schedule
-- other than a payment plan, a case moved back other than to current, and a second dunning notice
-- in a month. A file has no grants (the group install keeps users from the file itself), so this
-- step does nothing here; it keeps both lists' numbers.
SELECT 1;
