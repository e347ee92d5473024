-- In-memory indexes (registry search, the board) follow their tables by a
-- per-transaction sequence, `seq`: the id of the transaction that last wrote
-- the row. A follower remembers the snapshot it read under (transactions not
-- yet begun, and those still running) and next reads exactly those, so a
-- transaction that commits late, after later ones were read, is still read
-- (an update time could be older than one already read). Stamped by the
-- column's default on insert and by this trigger on update, so no write path
-- can forget it.
ALTER TABLE people ADD COLUMN seq BIGINT NOT NULL DEFAULT txid_current();
ALTER TABLE vacancies ADD COLUMN seq BIGINT NOT NULL DEFAULT txid_current();
DROP INDEX people_changed;
DROP INDEX vacancies_changed;
CREATE INDEX people_seq ON people(province_code, seq);
CREATE INDEX vacancies_seq ON vacancies(province_code, seq);

CREATE FUNCTION stamp_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seq := txid_current();
    RETURN NEW;
END
$$;
CREATE TRIGGER people_seq BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION stamp_seq();
CREATE TRIGGER vacancies_seq BEFORE UPDATE ON vacancies FOR EACH ROW EXECUTE FUNCTION stamp_seq();
