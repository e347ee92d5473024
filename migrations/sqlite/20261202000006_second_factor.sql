-- Second factor (xác thực hai lớp, TOTP RFC 6238): the shared secret once
-- confirmed, and the last time step used, so that a code works only once.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

-- One-time recovery codes, stored hashed.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Roles whose accounts must use a second factor (set by an administrator).
CREATE TABLE second_factor_roles (role TEXT PRIMARY KEY);
