-- Phiếu giới thiệu việc làm: a person referred to a vacancy, once, and what came of it.
CREATE TABLE referrals (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL,
    vacancy_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    referred_by BIGINT REFERENCES users(id),
    -- The QR code's secret: whoever holds the slip may record the outcome.
    token TEXT NOT NULL,
    score REAL,
    outcome TEXT,
    outcome_date DATE,
    outcome_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX referrals_once ON referrals(province_code, person_id, vacancy_id);
CREATE INDEX referrals_vacancy ON referrals(province_code, vacancy_id);
CREATE UNIQUE INDEX referrals_token ON referrals(province_code, token);

-- A person's consent to be found by employers (đồng ý cho doanh nghiệp tìm), with its date.
CREATE TABLE match_consents (
    province_code TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    given_at TIMESTAMP NOT NULL,
    given_by BIGINT REFERENCES users(id),
    PRIMARY KEY (province_code, person_id)
);
