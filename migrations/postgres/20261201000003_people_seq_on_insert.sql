-- SQLite drops its insert trigger here; PostgreSQL's inserts take the column's
-- default (the transaction id), so nothing changes on this side.
SELECT 1;
