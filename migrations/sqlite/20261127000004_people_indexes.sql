-- Fewer, smaller indexes on people: every index is a full-table sort on the
-- first load of a survey file and a B-tree to update on every save.
--
-- The duplicate check on import and save concerns people recorded without a
-- CCCD (the CCCD's unique index covers everyone else): index only them.
-- Possible duplicates shown on the form come from the search index, which
-- holds everyone, as do the counts by commune (classification, indicators)
-- this index's prefix used to serve.
DROP INDEX people_dup;
CREATE INDEX people_dup ON people(province_code, ward_code, name_folded, birth_date) WHERE cccd IS NULL;
-- Lookups by phone number are answered by the search index too.
DROP INDEX people_phone;
