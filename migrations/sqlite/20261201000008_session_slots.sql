-- Giờ hẹn phỏng vấn: a booth's time slots for online interviews, the
-- alternative to its queue; one person per slot, one slot per person and booth.
CREATE TABLE session_slots (
    province_code TEXT NOT NULL,
    booth_id BIGINT NOT NULL,
    -- Vietnam time.
    starts_at TIMESTAMP NOT NULL,
    registration_id BIGINT NOT NULL,
    PRIMARY KEY (province_code, booth_id, starts_at)
);
CREATE UNIQUE INDEX session_slots_once ON session_slots(province_code, booth_id, registration_id);
