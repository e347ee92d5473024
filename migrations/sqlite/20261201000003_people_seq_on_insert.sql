-- A trigger on insert costs SQLite the whole new row per insert (100,000
-- rows imported: 0.6 s → 1.2 s) even when its condition is false: inserts into
-- people stamp `seq` themselves (the import under its lock; other inserts with
-- `platform::follow::stamp`, evaluated inside the writing statement).
DROP TRIGGER people_seq_insert;
