-- An interview invitation says when, where and whom to ask (mời phỏng vấn).
ALTER TABLE applications ADD COLUMN interview_at TIMESTAMPTZ;
ALTER TABLE applications ADD COLUMN interview_place TEXT;
ALTER TABLE applications ADD COLUMN interview_contact TEXT;
