//! Online sessions offered to partners (phiên giao dịch việc làm trực tuyến):
//! every upcoming online or hybrid session of ours as a schema.org Event,
//! one signed list (a province plans a handful a month, so no cursor). A
//! partner keeps the last list that verified and shows it in its calendar
//! with a link to the session's page here, where people register and join.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use platform::{with_db, Db};
use serde::{Deserialize, Serialize};

use crate::feed::Organization;

/// Most sessions a list holds (the soonest first).
pub const MAX_EVENTS: i64 = 200;

/// One online session: a schema.org Event with the way to attend it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ExchangeEvent)]
pub struct Event {
    #[serde(rename = "@type")]
    pub kind: String,
    /// The session at its origin: "{province}-s{id}".
    pub id: String,
    pub name: String,
    /// The session's page at its origin (register and join there).
    pub url: String,
    /// Vietnam time with its offset.
    #[serde(rename = "startDate")]
    #[schema(value_type = String, example = "2026-12-15T08:00:00+07:00")]
    pub start_date: DateTime<FixedOffset>,
    #[serde(rename = "endDate")]
    #[schema(value_type = String, example = "2026-12-15T11:30:00+07:00")]
    pub end_date: DateTime<FixedOffset>,
    /// schema.org's OnlineEventAttendanceMode or MixedEventAttendanceMode.
    #[serde(rename = "eventAttendanceMode")]
    pub attendance_mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Organization>,
}

/// The signed list of a province's upcoming online sessions.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ExchangeEvents)]
pub struct EventsPage {
    #[serde(rename = "@context")]
    pub context: String,
    pub province_code: String,
    pub key_id: String,
    pub items: Vec<Event>,
}

pub const ONLINE: &str = "https://schema.org/OnlineEventAttendanceMode";
pub const MIXED: &str = "https://schema.org/MixedEventAttendanceMode";

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7")
}

/// A Vietnam clock time with its offset, as the feed writes it.
pub fn with_offset(at: NaiveDateTime) -> DateTime<FixedOffset> {
    vietnam().from_local_datetime(&at).single().expect("a fixed offset has one reading")
}

/// A received time as a Vietnam clock shows it (whatever offset it came with).
pub fn in_vietnam(at: &DateTime<FixedOffset>) -> NaiveDateTime {
    platform::time::local(at.to_utc())
}

/// Our online and hybrid sessions not yet over at `now` (Vietnam time), soonest first.
pub async fn ours(db: &Db, province: &str, public_url: &str, now: NaiveDateTime) -> anyhow::Result<Vec<Event>> {
    type Row = (i64, String, String, NaiveDateTime, NaiveDateTime, Option<String>);
    // The sessions' table is read here, as the feed reads the vacancies':
    // what we publish is theirs, in the exchange's words.
    let rows: Vec<Row> = with_db!(db, p => sqlx::query_as(
        "SELECT id, title, kind, starts_at, ends_at, organisers FROM job_sessions
         WHERE province_code = $1 AND kind IN ('online', 'hybrid') AND ends_at >= $2
         ORDER BY starts_at, id LIMIT $3")
        .bind(province).bind(now).bind(MAX_EVENTS).fetch_all(p).await?);
    let base = public_url.trim_end_matches('/');
    Ok(rows
        .into_iter()
        .map(|(id, title, kind, starts, ends, organisers)| Event {
            kind: "Event".into(),
            id: format!("{province}-s{id}"),
            name: title,
            url: format!("{base}/sessions/{id}"),
            start_date: with_offset(starts),
            end_date: with_offset(ends),
            attendance_mode: if kind == "online" { ONLINE } else { MIXED }.into(),
            organizer: organisers.filter(|o| !o.trim().is_empty()).map(|name| Organization {
                kind: "Organization".into(),
                name,
                tax_id: None,
            }),
        })
        .collect())
}

/// A received session we can show: of the sender's province, its page on
/// the partner's own site, sensible text and times.
pub fn check(e: &Event, origin: &str, site: &url::Url) -> Result<(), String> {
    if !e.id.starts_with(&format!("{origin}-s")) {
        return Err(format!("session {} is not of province {origin}", e.id));
    }
    if !crate::client::page_of(site, &e.url, "/sessions/") {
        return Err(format!("session {}: its url is not a session page of the partner's site", e.id));
    }
    if e.name.trim().is_empty() || e.name.chars().count() > 300 {
        return Err(format!("session {}: name", e.id));
    }
    let organiser = e.organizer.as_ref().map_or("", |o| o.name.as_str());
    if organiser.chars().count() > 300 || [e.name.as_str(), organiser].iter().any(|t| platform::validate::has_unsafe(t))
    {
        return Err(format!("session {}: its text", e.id));
    }
    if e.end_date < e.start_date {
        return Err(format!("session {}: it ends before it starts", e.id));
    }
    if ![ONLINE, MIXED].contains(&e.attendance_mode.as_str()) {
        return Err(format!("session {}: attendance mode '{}'", e.id, e.attendance_mode));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Event {
        let at = NaiveDateTime::parse_from_str("2026-12-15 08:00", "%Y-%m-%d %H:%M").unwrap();
        Event {
            kind: "Event".into(),
            id: "66-s3".into(),
            name: "Phiên giao dịch việc làm trực tuyến tháng 12".into(),
            url: "https://vieclam.daklak.gov.vn/sessions/3".into(),
            start_date: with_offset(at),
            end_date: with_offset(at + chrono::Duration::hours(3)),
            attendance_mode: ONLINE.into(),
            organizer: None,
        }
    }

    #[test]
    fn times_travel_with_their_offset_and_come_back_as_vietnam_time() {
        let e = event();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["startDate"], "2026-12-15T08:00:00+07:00");
        let utc: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2026-12-15T01:00:00Z").unwrap();
        assert_eq!(in_vietnam(&utc), in_vietnam(&e.start_date));
        assert_eq!(in_vietnam(&utc).format("%H:%M").to_string(), "08:00");
    }

    #[test]
    fn a_session_is_kept_only_from_its_partner_and_its_site() {
        let site = url::Url::parse("https://vieclam.daklak.gov.vn").unwrap();
        assert_eq!(check(&event(), "66", &site), Ok(()));
        assert!(check(&event(), "56", &site).is_err(), "another province's id");
        let elsewhere = Event { url: "https://evil.example/sessions/3".into(), ..event() };
        assert!(check(&elsewhere, "66", &site).is_err());
        let not_a_session = Event { url: "https://vieclam.daklak.gov.vn/login".into(), ..event() };
        assert!(check(&not_a_session, "66", &site).is_err());
        let backwards = Event { end_date: event().start_date - chrono::Duration::hours(1), ..event() };
        assert!(check(&backwards, "66", &site).is_err());
        let hidden = Event { name: "Phiên\u{202e}lừa".into(), ..event() };
        assert!(check(&hidden, "66", &site).is_err());
    }
}
