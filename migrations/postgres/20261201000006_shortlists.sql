-- Danh sách ứng viên phù hợp: the scheduled batch's best candidates for each open vacancy,
-- replaced whole by each run (distributed by province, like every table of the province).
CREATE TABLE shortlists (
    province_code TEXT NOT NULL,
    vacancy_id BIGINT NOT NULL,
    position INTEGER NOT NULL,
    person_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, vacancy_id, position)
);

-- Thông báo việc làm phù hợp: a person is told of a vacancy once, and how.
CREATE TABLE match_alerts (
    province_code TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    vacancy_id BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    -- Told in the app (the person has an account).
    in_app BOOLEAN NOT NULL,
    -- The phone channel that carried it ('sms', 'zalo'), none when none is configured.
    channel TEXT,
    -- Why sending failed, as the gateway answered.
    failure TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, person_id, vacancy_id)
);
CREATE INDEX match_alerts_created ON match_alerts(province_code, created_at);
