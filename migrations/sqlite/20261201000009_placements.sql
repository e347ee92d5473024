-- Việc làm tăng thêm: a job a person started, with how and where; the
-- department's "jobs created" are counted from these rows by start date.
CREATE TABLE placements (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL,
    -- The person's commune when the job started (counts by commune).
    ward_code TEXT NOT NULL,
    -- employer | self_employed | household
    employer_kind TEXT NOT NULL,
    employer_id BIGINT,
    employer_tax_code TEXT,
    employer_name TEXT,
    vacancy_id BIGINT,
    occupation_isco TEXT,
    start_date DATE NOT NULL,
    -- session | referral | counselling | self_found | abroad | programme
    channel TEXT NOT NULL,
    -- province | other_province | abroad
    place TEXT NOT NULL,
    -- ISO 3166 alpha-2, abroad only.
    country TEXT,
    contract_type TEXT,
    wage BIGINT,
    -- form | import | referral | session, and the record it came from.
    source TEXT NOT NULL,
    source_id BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX placements_start ON placements(province_code, start_date);
CREATE INDEX placements_person ON placements(province_code, person_id, start_date);
CREATE UNIQUE INDEX placements_source ON placements(province_code, source, source_id) WHERE source_id IS NOT NULL;

-- Chỉ tiêu: a yearly target per indicator, for the province ('') or a commune.
CREATE TABLE targets (
    province_code TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    ward_code TEXT NOT NULL,
    value BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, indicator, year, ward_code)
);
