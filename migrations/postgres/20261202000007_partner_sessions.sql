-- Partners' online sessions (phiên giao dịch việc làm trực tuyến của tỉnh bạn),
-- as their last verified list gave them: shown in our calendar with a link
-- to the origin. Each pull replaces a partner's rows.
CREATE TABLE partner_sessions (
    province_code TEXT NOT NULL,
    partner_id BIGINT NOT NULL,
    -- The session's id at its origin ("66-s12").
    remote_id TEXT NOT NULL,
    origin_province TEXT NOT NULL,
    title TEXT NOT NULL,
    -- online | hybrid
    kind TEXT NOT NULL,
    -- Vietnam time.
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    -- The session's page at the origin (where one registers and joins).
    url TEXT NOT NULL,
    organisers TEXT,
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, partner_id, remote_id)
);
CREATE INDEX partner_sessions_starts ON partner_sessions(province_code, starts_at);
