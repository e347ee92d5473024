-- Cơ sở giáo dục nghề nghiệp: colleges, intermediate schools, vocational
-- centres, enterprises that train. A `school` account sees only its own.
CREATE TABLE schools (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    -- college | intermediate | centre | enterprise
    kind TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    ward_code TEXT NOT NULL,
    address TEXT,
    phone TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX schools_code ON schools(province_code, code);

-- Lớp đào tạo: a trade at a level, where and when, who pays.
CREATE TABLE training_classes (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    school_id BIGINT NOT NULL,
    trade TEXT NOT NULL,
    -- college | intermediate | elementary | short_course
    level TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    ward_code TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    -- state_rural | state_poor | state_disabled | state_other | enterprise | self_paid
    funding TEXT NOT NULL,
    partner TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX training_classes_school ON training_classes(province_code, school_id, start_date);

-- Tuyển sinh: a learner in a school's trade from a day; one row per person,
-- school, trade and start date (imports are idempotent by it). `ward_code`:
-- the learner's commune (the indicators count by it).
CREATE TABLE enrolments (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL,
    ward_code TEXT NOT NULL,
    school_id BIGINT NOT NULL,
    class_id BIGINT,
    trade TEXT NOT NULL,
    level TEXT NOT NULL,
    funding TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    -- studying | graduated | dropped
    status TEXT NOT NULL,
    certificate BOOLEAN NOT NULL,
    certificate_no TEXT,
    certificate_date DATE,
    result TEXT,
    -- The tracer: employed | self_employed | further_study | not_employed
    outcome TEXT,
    outcome_employer TEXT,
    outcome_date DATE,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX enrolments_key ON enrolments(province_code, person_id, school_id, trade, start_date);
CREATE INDEX enrolments_start ON enrolments(province_code, start_date);
CREATE INDEX enrolments_class ON enrolments(province_code, class_id);
CREATE INDEX enrolments_school ON enrolments(province_code, school_id, start_date);
CREATE INDEX enrolments_seq ON enrolments(province_code, seq);
-- The indicators are counted in memory (see platform::follow).
CREATE TRIGGER enrolments_seq_insert AFTER INSERT ON enrolments WHEN NEW.seq = 0 BEGIN
    UPDATE enrolments SET seq = (SELECT MAX(seq) FROM enrolments WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER enrolments_seq_update AFTER UPDATE ON enrolments WHEN NEW.seq = 0 OR NEW.seq = OLD.seq BEGIN
    UPDATE enrolments SET seq = (SELECT MAX(seq) FROM enrolments WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;

-- Tư vấn hướng nghiệp: a school's visit to a lower or upper secondary school.
CREATE TABLE training_visits (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    school_id BIGINT NOT NULL,
    visited_on DATE NOT NULL,
    visited_school TEXT NOT NULL,
    -- lower_secondary | upper_secondary
    stage TEXT NOT NULL,
    students INTEGER NOT NULL,
    ward_code TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX training_visits_school ON training_visits(province_code, school_id, visited_on);
