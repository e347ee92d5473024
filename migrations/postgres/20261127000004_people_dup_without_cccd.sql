-- The duplicate check on import and save concerns people recorded without a
-- CCCD (the CCCD's unique index covers everyone else): indexing only them
-- makes the index a fraction of the size and the first load of a survey file
-- one full-table sort shorter. Possible duplicates shown on the form come
-- from the search index, which holds everyone.
DROP INDEX people_dup;
CREATE INDEX people_dup ON people(province_code, ward_code, name_folded, birth_date) WHERE cccd IS NULL;
