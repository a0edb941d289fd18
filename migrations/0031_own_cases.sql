-- A collector works own cases, held by the server as well (issue #20): PostgreSQL's step 0031
-- adds row-level security on the case records and lets the admins' group put desk users in the
-- collectors' and supervisors' groups. A file has no grants (the group install keeps users from
-- the file itself), so this step does nothing here; it keeps both lists' numbers.
SELECT 1;
