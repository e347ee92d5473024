-- Demand side (cầu lao động): employers, vacancies, applications,
-- recruitment-needs declarations, and in-app notifications (SQLite).

-- Doanh nghiệp / người sử dụng lao động.
CREATE TABLE employers (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    tax_code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    vsic_section TEXT,
    size_band TEXT NOT NULL,
    ownership TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards(code),
    street TEXT,
    contact_name TEXT,
    phone TEXT,
    email TEXT,
    website TEXT,
    status TEXT NOT NULL,
    review_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX employers_tax_code ON employers(province_code, tax_code);

-- Tin tuyển dụng.
CREATE TABLE vacancies (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    employer_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    occupation_isco TEXT NOT NULL,
    positions BIGINT NOT NULL,
    qualification TEXT NOT NULL,
    experience_years BIGINT NOT NULL,
    age_min BIGINT,
    age_max BIGINT,
    wage_min BIGINT,
    wage_max BIGINT,
    contract_type TEXT NOT NULL,
    working_hours TEXT,
    work_ward_code TEXT,
    work_province_code TEXT,
    work_country TEXT,
    deadline DATE NOT NULL,
    description TEXT NOT NULL,
    requirements TEXT,
    benefits TEXT,
    contact TEXT,
    status TEXT NOT NULL,
    flagged TEXT,
    review_note TEXT,
    published_at TIMESTAMP,
    expiry_warned_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX vacancies_employer ON vacancies(province_code, employer_id);
CREATE INDEX vacancies_status ON vacancies(province_code, status, updated_at);

-- Hồ sơ ứng tuyển.
CREATE TABLE applications (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    vacancy_id BIGINT NOT NULL,
    employer_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    person_id BIGINT,
    full_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    cccd TEXT,
    message TEXT,
    status TEXT NOT NULL,
    refusal_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX applications_once ON applications(province_code, vacancy_id, user_id);
CREATE INDEX applications_employer ON applications(province_code, employer_id, created_at);
CREATE INDEX applications_user ON applications(province_code, user_id);

-- Báo cáo nhu cầu tuyển dụng: one line per period × occupation × qualification × commune.
CREATE TABLE recruitment_needs (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    employer_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    occupation_isco TEXT NOT NULL,
    qualification TEXT NOT NULL,
    ward_code TEXT NOT NULL REFERENCES wards(code),
    positions BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX recruitment_needs_line
    ON recruitment_needs(province_code, employer_id, period, occupation_isco, qualification, ward_code);

-- Thông báo: shown in the app; e-mailed too when SMTP is configured (an outbox:
-- email_status pending → sent / failed, so a mail server outage loses nothing).
CREATE TABLE notifications (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_key TEXT NOT NULL,
    args TEXT NOT NULL,
    link TEXT,
    read_at TIMESTAMP,
    email_status TEXT,
    email_attempts BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
CREATE INDEX notifications_outbox ON notifications(email_status);
