-- The search index's catch-up asks every few seconds what changed since it
-- last looked; without an index each round read the whole table (half a
-- second at a million people). New people it finds by id (the primary key);
-- people changed after they were recorded, by this index. It holds only those,
-- so a first load of a survey file, where every row is new, adds nothing to it.
CREATE INDEX people_changed ON people(province_code, updated_at) WHERE updated_at <> created_at;
