-- Whose session it is, so a new password can end the account's sessions on
-- every other device.
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
CREATE INDEX sessions_user ON sessions(user_id);
