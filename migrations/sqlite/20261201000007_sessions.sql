-- Phiên giao dịch việc làm: job-exchange sessions, in person, online or both.
-- Every table leads with province_code (Citus: distributed by province).
CREATE TABLE job_sessions (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    -- in_person | online | hybrid
    kind TEXT NOT NULL,
    -- Vietnam time, as the organisers announce it.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    ward_code TEXT,
    venue TEXT,
    organisers TEXT,
    target_employers BIGINT,
    target_positions BIGINT,
    target_seekers BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX job_sessions_starts ON job_sessions(province_code, starts_at);

-- Gian tuyển dụng: one employer's booth at a session, with the vacancies it brings.
CREATE TABLE session_booths (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX session_booths_once ON session_booths(province_code, session_id, employer_id);

CREATE TABLE session_booth_vacancies (
    province_code TEXT NOT NULL,
    booth_id BIGINT NOT NULL,
    vacancy_id BIGINT NOT NULL,
    PRIMARY KEY (province_code, booth_id, vacancy_id)
);

-- A job seeker registered for a session (beforehand or walking in), with a ticket.
CREATE TABLE session_registrations (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL,
    ticket TEXT NOT NULL,
    full_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    cccd TEXT,
    birth_date DATE,
    -- The registry's record when the CCCD or the phone found one.
    person_id BIGINT,
    walk_in BOOLEAN NOT NULL DEFAULT FALSE,
    checked_in_at TIMESTAMP,
    checked_in_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX session_registrations_phone ON session_registrations(province_code, session_id, phone);
CREATE UNIQUE INDEX session_registrations_ticket ON session_registrations(province_code, ticket);
CREATE INDEX session_registrations_cccd ON session_registrations(province_code, session_id, cccd);

-- The booths a registered person chose.
CREATE TABLE session_choices (
    province_code TEXT NOT NULL,
    registration_id BIGINT NOT NULL,
    booth_id BIGINT NOT NULL,
    PRIMARY KEY (province_code, registration_id, booth_id)
);

-- Phỏng vấn: one person at one booth, in person or by video, and its outcome.
CREATE TABLE session_interviews (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL,
    registration_id BIGINT NOT NULL,
    booth_id BIGINT NOT NULL,
    vacancy_id BIGINT,
    -- in_person | online
    mode TEXT NOT NULL,
    -- shortlisted | hired | not_suitable; interviewed only while null.
    outcome TEXT,
    outcome_at TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX session_interviews_once ON session_interviews(province_code, registration_id, booth_id);
CREATE INDEX session_interviews_session ON session_interviews(province_code, session_id);

-- A booth's waiting queue for online interviews: waiting until called.
CREATE TABLE session_queue (
    province_code TEXT NOT NULL,
    booth_id BIGINT NOT NULL,
    registration_id BIGINT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    called_at TIMESTAMP,
    PRIMARY KEY (province_code, booth_id, registration_id)
);
