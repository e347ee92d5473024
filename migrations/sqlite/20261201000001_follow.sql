-- In-memory indexes (registry search, the board) follow their tables by a
-- per-transaction sequence, `seq`: each change's number is taken while the
-- change holds SQLite's single write lock, so numbers rise in commit order and
-- a follower that has read up to n never meets a later commit below n (an
-- update time, taken before the lock, could be older than one already read).
-- Bulk writers stamp the number themselves (max + 1, under the lock); every
-- other write gets it from these triggers.
ALTER TABLE people ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vacancies ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
DROP INDEX people_changed;
DROP INDEX vacancies_changed;
CREATE INDEX people_seq ON people(province_code, seq);
CREATE INDEX vacancies_seq ON vacancies(province_code, seq);

CREATE TRIGGER people_seq_insert AFTER INSERT ON people WHEN NEW.seq = 0 BEGIN
    UPDATE people SET seq = (SELECT MAX(seq) FROM people WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER people_seq_update AFTER UPDATE ON people WHEN NEW.seq = 0 OR NEW.seq = OLD.seq BEGIN
    UPDATE people SET seq = (SELECT MAX(seq) FROM people WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER vacancies_seq_insert AFTER INSERT ON vacancies WHEN NEW.seq = 0 BEGIN
    UPDATE vacancies SET seq = (SELECT MAX(seq) FROM vacancies WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER vacancies_seq_update AFTER UPDATE ON vacancies WHEN NEW.seq = 0 OR NEW.seq = OLD.seq BEGIN
    UPDATE vacancies SET seq = (SELECT MAX(seq) FROM vacancies WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
