-- One runner for imports (page, API, CLI) and scheduled work: where a job was
-- started, what it needs to run again, a cancel request any process can make,
-- and the heartbeat that tells a running job from one whose process died.
ALTER TABLE jobs ADD COLUMN origin TEXT NOT NULL DEFAULT 'web';
ALTER TABLE jobs ADD COLUMN input TEXT;
ALTER TABLE jobs ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE jobs ADD COLUMN heartbeat_at TIMESTAMP;
CREATE INDEX jobs_kind ON jobs(kind, id);
