-- Tổng số hộ dân cư: each commune's households in a year, as the commune
-- reports them; the denominator of its poverty rate (the reviews cover only
-- the households on the review lists).
CREATE TABLE ward_households (
    province_code TEXT NOT NULL,
    ward_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    households BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, ward_code, year)
);
