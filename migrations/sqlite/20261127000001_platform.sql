-- Platform: reference data, accounts, sessions, audit (SQLite).
-- Types are spelled as in the PostgreSQL migration where SQLite allows it,
-- so that the schema comparison test can map both to the same families.

CREATE TABLE provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL
);

CREATE TABLE wards (
    code TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES provinces(code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    area_km2 DOUBLE PRECISION
);
CREATE INDEX wards_province ON wards(province_code);

CREATE TABLE legacy_provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE legacy_districts (
    code TEXT PRIMARY KEY,
    province_code TEXT NOT NULL REFERENCES legacy_provinces(code),
    name TEXT NOT NULL
);

CREATE TABLE legacy_wards (
    code TEXT PRIMARY KEY,
    district_code TEXT NOT NULL REFERENCES legacy_districts(code),
    name TEXT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION
);

-- Old commune → its 2025 successor(s). An empty legacy_ward_code is an island
-- district that had no communes.
CREATE TABLE legacy_successors (
    legacy_district_code TEXT NOT NULL,
    legacy_ward_code TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards(code),
    whole BOOLEAN NOT NULL,
    is_default BOOLEAN NOT NULL,
    PRIMARY KEY (legacy_district_code, legacy_ward_code, ward_code)
);

CREATE TABLE occupations (
    code TEXT PRIMARY KEY,
    level BIGINT NOT NULL,
    parent_code TEXT REFERENCES occupations(code),
    title_en TEXT NOT NULL,
    title_vi TEXT NOT NULL,
    title_folded TEXT NOT NULL
);

CREATE TABLE qualification_levels (
    code TEXT PRIMARY KEY,
    rank BIGINT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL,
    with_certificate BOOLEAN NOT NULL
);

CREATE TABLE education_levels (
    code TEXT PRIMARY KEY,
    rank BIGINT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE ethnic_groups (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE vsic_sections (
    code TEXT PRIMARY KEY,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'vi',
    employer_id BIGINT,
    school_id BIGINT,
    person_id BIGINT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Communes a commune officer may work in.
CREATE TABLE user_wards (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ward_code TEXT NOT NULL REFERENCES wards(code),
    PRIMARY KEY (user_id, ward_code)
);

-- Bearer tokens for integrations; only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Who did what, when and from where: every write and every read of personal data.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    province_code TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    detail TEXT,
    ip TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
