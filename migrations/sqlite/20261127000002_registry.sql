-- Labour registry (cung lao động), background jobs, saved lists (SQLite).

-- Background work (imports, exports) with progress the page and the CLI show.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    file_name TEXT,
    done BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    result TEXT,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- A person aged 15+ as surveyed under Circular 01/2022/TT-BLĐTBXH.
CREATE TABLE people (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    cccd TEXT,
    full_name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    birth_date DATE NOT NULL,
    sex TEXT NOT NULL,
    ethnicity TEXT,
    phone TEXT,
    ward_code TEXT NOT NULL REFERENCES wards(code),
    hamlet TEXT,
    household TEXT,
    legacy_ward_code TEXT,
    ward_certain BOOLEAN NOT NULL DEFAULT TRUE,
    education TEXT,
    qualification TEXT NOT NULL,
    training_field TEXT,
    employment_status TEXT NOT NULL,
    occupation_isco TEXT,
    job_position TEXT,
    workplace TEXT,
    enterprise_type TEXT,
    sector TEXT,
    prev_occupation_isco TEXT,
    unemployed_months BIGINT,
    inactivity_reason TEXT,
    need_job BOOLEAN NOT NULL DEFAULT FALSE,
    need_training BOOLEAN NOT NULL DEFAULT FALSE,
    training_trade TEXT,
    need_abroad BOOLEAN NOT NULL DEFAULT FALSE,
    abroad_country TEXT,
    expected_wage BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX people_cccd ON people(province_code, cccd) WHERE cccd IS NOT NULL;
CREATE INDEX people_phone ON people(province_code, phone);
-- Also serves filters by commune (its prefix).
CREATE INDEX people_dup ON people(province_code, ward_code, name_folded, birth_date);

-- A named list a user keeps to act on (the query behind it, not the rows).
CREATE TABLE saved_lists (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
