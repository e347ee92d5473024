-- Phong trào thi đua: a movement with its period, criteria and the units
-- taking part; units and people register commitments, reviewed mid-term and
-- at the end.
CREATE TABLE emulation_movements (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    criteria TEXT NOT NULL,
    units TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX emulation_movements_start ON emulation_movements(province_code, starts_on);

-- Đăng ký thi đua: a unit's or a person's commitment to a movement.
CREATE TABLE emulation_commitments (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    movement_id BIGINT NOT NULL,
    -- person | unit
    registrant_kind TEXT NOT NULL,
    registrant TEXT NOT NULL,
    unit TEXT NOT NULL,
    commitment TEXT NOT NULL,
    registered_on DATE NOT NULL,
    mid_review TEXT,
    final_review TEXT,
    -- The final review's verdict: achieved or not (NULL until reviewed).
    achieved BOOLEAN,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX emulation_commitments_movement ON emulation_commitments(province_code, movement_id);

-- Sáng kiến, đề tài, giải pháp: submitted by a unit, scored by a council,
-- recognised (or not) by a decision with its scope of effect. `search`: the
-- folded title, authors and unit (search without diacritics).
CREATE TABLE initiatives (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    -- vocational_training | social_care | administration | other
    field TEXT NOT NULL,
    unit TEXT NOT NULL,
    -- One author a line.
    authors TEXT NOT NULL,
    year INTEGER NOT NULL,
    description TEXT NOT NULL,
    expected_effect TEXT,
    -- submitted | recognised | not_recognised
    status TEXT NOT NULL,
    decision_no TEXT,
    decision_date DATE,
    -- unit | department | province
    scope TEXT,
    search TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX initiatives_year ON initiatives(province_code, year);
CREATE INDEX initiatives_decision ON initiatives(province_code, decision_date);

-- A council member's score of an initiative (0–100); the same member again
-- replaces their score.
CREATE TABLE initiative_scores (
    province_code TEXT NOT NULL,
    initiative_id BIGINT NOT NULL,
    member_key TEXT NOT NULL,
    member TEXT NOT NULL,
    score INTEGER NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (province_code, initiative_id, member_key)
);

-- An initiative's attachment (PDF, DOCX, image), kept in the database so a
-- backup holds it; always served as a download.
CREATE TABLE initiative_files (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    initiative_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_files_initiative ON initiative_files(province_code, initiative_id);

-- Danh hiệu thi đua, hình thức khen thưởng: an award (kind and level from
-- data/emulation/awards.csv) to a person or a unit by a decision.
CREATE TABLE awards (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    -- person | unit
    recipient_kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    -- The folded recipient: one history per person or unit however typed.
    recipient_key TEXT NOT NULL,
    unit TEXT,
    year INTEGER NOT NULL,
    decision_no TEXT NOT NULL,
    decision_date DATE NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX awards_year ON awards(province_code, year);
CREATE INDEX awards_recipient ON awards(province_code, recipient_key, year);
CREATE UNIQUE INDEX awards_once ON awards(province_code, kind, level, recipient_key, decision_no);
