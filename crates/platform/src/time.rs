//! Vietnam's clock. The country keeps UTC+7 all year (no daylight saving):
//! records store UTC, and people read and type local dates and times.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

const OFFSET_HOURS: i64 = 7;

/// A moment as a Vietnamese clock shows it.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(OFFSET_HOURS)).naive_utc()
}

/// A local date and time (as typed on a form) as the moment it names.
pub fn from_local(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc() - Duration::hours(OFFSET_HOURS)
}

/// The date in Vietnam at a moment.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local(at).date()
}

/// Today in Vietnam.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnam_is_seven_hours_ahead() {
        let late_utc = DateTime::parse_from_rfc3339("2026-11-30T18:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_date(late_utc), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), "already tomorrow in Hà Nội");
        assert_eq!(local(late_utc).format("%H:%M").to_string(), "01:30");
        assert_eq!(from_local(local(late_utc)), late_utc);
    }
}
