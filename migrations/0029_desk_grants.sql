-- The desk's roles as a server's grants (issue #20): PostgreSQL's step 0029 makes three group
-- roles and grants each what its desk role writes. A file has no grants (the group install keeps
-- users from the file itself), so this step does nothing here; it keeps both lists' numbers.
SELECT 1;
