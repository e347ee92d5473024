-- Hộ gia đình: a household with its commune, hamlet and area (the poverty
-- line depends on it). `code` is the commune's household code (mã hộ).
CREATE TABLE households (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    ward_code TEXT NOT NULL,
    hamlet TEXT,
    -- rural | urban
    area TEXT NOT NULL,
    head_person_id BIGINT,
    head_name TEXT NOT NULL,
    -- The code and the head's name, folded (platform::fold) for search.
    search TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX households_code ON households(province_code, code);
CREATE INDEX households_ward ON households(province_code, ward_code);

-- Who belongs to a household, and since when: a person is in one household
-- at a time; leaving (split, merge, move, death) closes the line.
CREATE TABLE household_members (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    -- head | spouse | child | parent | grandchild | sibling | other
    relation TEXT NOT NULL,
    joined_on DATE NOT NULL,
    left_on DATE,
    -- split | merge | move | death | other
    left_reason TEXT
);
CREATE UNIQUE INDEX household_members_current ON household_members(province_code, person_id) WHERE left_on IS NULL;
CREATE INDEX household_members_household ON household_members(province_code, household_id);

-- Rà soát: a household's review in a year (yearly, 1 September – 14 December)
-- or during it (ad hoc, with a reason): the survey's answers, the class the
-- standard gives, and the steps to approval.
CREATE TABLE poverty_reviews (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    household_id BIGINT NOT NULL,
    -- The household's commune at the review (counts by commune).
    ward_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    -- yearly | adhoc
    kind TEXT NOT NULL,
    reason TEXT,
    review_date DATE NOT NULL,
    -- The standard's id ("07/2021") and the area it was applied with.
    standard TEXT NOT NULL,
    area TEXT NOT NULL,
    members INTEGER NOT NULL,
    income_per_person_month BIGINT NOT NULL,
    -- Indicator codes lacking, comma-separated, in the standard's order.
    deprivations TEXT NOT NULL,
    lacking INTEGER NOT NULL,
    -- poor | near_poor | middle | not_poor
    class TEXT NOT NULL,
    -- surveyed | meeting | posted | approved
    status TEXT NOT NULL,
    meeting_on DATE,
    posted_on DATE,
    approved_on DATE,
    approved_by BIGINT REFERENCES users(id),
    surveyed_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX poverty_reviews_yearly ON poverty_reviews(province_code, household_id, year) WHERE kind = 'yearly';
CREATE INDEX poverty_reviews_year ON poverty_reviews(province_code, year, ward_code);
CREATE INDEX poverty_reviews_seq ON poverty_reviews(province_code, seq);
-- The year's figures are followed in memory (see platform::follow).
CREATE TRIGGER poverty_reviews_seq_insert AFTER INSERT ON poverty_reviews WHEN NEW.seq = 0 BEGIN
    UPDATE poverty_reviews SET seq = (SELECT MAX(seq) FROM poverty_reviews WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;
CREATE TRIGGER poverty_reviews_seq_update AFTER UPDATE ON poverty_reviews WHEN NEW.seq = 0 OR NEW.seq = OLD.seq BEGIN
    UPDATE poverty_reviews SET seq = (SELECT MAX(seq) FROM poverty_reviews WHERE province_code = NEW.province_code) + 1
    WHERE id = NEW.id;
END;

-- Chương trình hỗ trợ sinh kế: who is eligible (classes, communes), what is
-- delivered, the stock, follow-up visits and graduation.
CREATE TABLE livelihood_programmes (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    -- Eligible classes (comma-separated: poor,near_poor) and communes ('' = all).
    classes TEXT NOT NULL,
    wards TEXT NOT NULL,
    -- The review year whose classes decide eligibility.
    year INTEGER NOT NULL,
    start_date DATE NOT NULL,
    -- Months of monitoring before a household graduates.
    monitoring_months INTEGER NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);

-- Items received into the programme's stock.
CREATE TABLE livelihood_stock (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL,
    item TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    value BIGINT NOT NULL,
    received_on DATE NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX livelihood_stock_programme ON livelihood_stock(province_code, programme_id);

-- Support delivered to a household, in kind (item, quantity, unit) or cash (value).
CREATE TABLE livelihood_support (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    ward_code TEXT NOT NULL,
    item TEXT NOT NULL,
    unit TEXT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    value BIGINT NOT NULL,
    delivered_on DATE NOT NULL,
    delivered_by TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX livelihood_support_programme ON livelihood_support(province_code, programme_id, household_id);
CREATE INDEX livelihood_support_household ON livelihood_support(province_code, household_id);

-- Follow-up visits: how the model is doing; `graduated` closes the monitoring.
CREATE TABLE livelihood_visits (
    province_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL,
    household_id BIGINT NOT NULL,
    visited_on DATE NOT NULL,
    -- good | fair | poor (how the support is used)
    outcome TEXT NOT NULL,
    note TEXT,
    graduated BOOLEAN NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX livelihood_visits_programme ON livelihood_visits(province_code, programme_id, household_id);
