-- The shared snapshot and the run's markers written by the run and supervisors on a server
-- (issue #20): PostgreSQL's step 0033 holds a collector's role to its own cases' snapshot rows,
-- warnings, schedule and class records, and keeps it from the keys of `meta` that say how far the
-- book's runs have gone. A file has no
-- grants (the group install keeps users from the file itself), so this step does nothing here; it
-- keeps both lists' numbers.
SELECT 1;
