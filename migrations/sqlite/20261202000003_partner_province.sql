-- The province a partner's first verified page spoke for: later pages must
-- speak for the same one.
ALTER TABLE partners ADD COLUMN partner_province TEXT;
