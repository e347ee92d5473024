-- Liên kết tuyển dụng: this instance's signing key (Ed25519, made on first
-- use), the partner provinces it pulls vacancies from, and their vacancies
-- kept read-only with their origin.
CREATE TABLE exchange_keys (
    province_code TEXT NOT NULL PRIMARY KEY,
    key_id TEXT NOT NULL,
    -- The 32-byte secret, base64.
    secret TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE partners (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    -- The partner's Ed25519 public key, base64: every page must verify with it.
    public_key TEXT NOT NULL,
    -- Where the next pull of its changes starts (NULL: from the beginning).
    cursor TEXT,
    last_pull_at TIMESTAMP,
    last_ok_at TIMESTAMP,
    last_error TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX partners_name ON partners(province_code, name);

CREATE TABLE partner_vacancies (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    partner_id BIGINT NOT NULL,
    -- The vacancy's id at its origin.
    remote_id TEXT NOT NULL,
    origin_province TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    occupation_isco TEXT NOT NULL,
    work_province_code TEXT,
    work_ward_code TEXT,
    work_country TEXT,
    wage_min BIGINT,
    wage_max BIGINT,
    positions BIGINT NOT NULL,
    deadline DATE NOT NULL,
    -- Open on the partner's board (FALSE once withdrawn, closed or expired there).
    open BOOLEAN NOT NULL,
    -- The origin's update time of the version kept (RFC 3339).
    remote_updated_at TEXT NOT NULL,
    -- The item as received (JSON).
    payload TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX partner_vacancies_remote ON partner_vacancies(province_code, partner_id, remote_id);
CREATE INDEX partner_vacancies_seq ON partner_vacancies(province_code, seq);
-- The board follows this table as it follows vacancies (see platform::follow).
CREATE TRIGGER partner_vacancies_seq_insert AFTER INSERT ON partner_vacancies WHEN NEW.seq = 0 BEGIN
    UPDATE partner_vacancies SET seq = (SELECT MAX(seq) FROM partner_vacancies WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER partner_vacancies_seq_update AFTER UPDATE ON partner_vacancies WHEN NEW.seq = 0 OR NEW.seq = OLD.seq BEGIN
    UPDATE partner_vacancies SET seq = (SELECT MAX(seq) FROM partner_vacancies WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
