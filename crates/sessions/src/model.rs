//! What a session is made of, as the API reads and writes it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Hình thức: at a venue, online, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    InPerson,
    Online,
    Hybrid,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::InPerson, Kind::Online, Kind::Hybrid];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::InPerson => "in_person",
            Kind::Online => "online",
            Kind::Hybrid => "hybrid",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
    /// Held at a venue (in person or hybrid): needs a commune and a place.
    pub fn has_venue(self) -> bool {
        self != Kind::Online
    }
    /// Interviews by video (online or hybrid).
    pub fn has_online(self) -> bool {
        self != Kind::InPerson
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Kind::InPerson => "sess.kind.in_person",
            Kind::Online => "sess.kind.online",
            Kind::Hybrid => "sess.kind.hybrid",
        }
    }
}

/// What the staff's form and the API send to plan a session; every field as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SessionInput {
    pub title: String,
    /// in_person | online | hybrid
    pub kind: String,
    /// `YYYY-MM-DDTHH:MM` (or `dd/mm/yyyy HH:MM`), Vietnam time.
    pub starts_at: String,
    pub ends_at: String,
    /// 2025 commune code of the venue (in person and hybrid).
    pub ward_code: String,
    /// The place ("Nhà văn hóa xã Vạn Thọ").
    pub venue: String,
    pub organisers: String,
    /// Targets: employers, positions, job seekers (optional).
    #[serde(deserialize_with = "number_or_text")]
    pub target_employers: String,
    #[serde(deserialize_with = "number_or_text")]
    pub target_positions: String,
    #[serde(deserialize_with = "number_or_text")]
    pub target_seekers: String,
}

/// A session as checked, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub title: String,
    pub kind: Kind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub ward_code: Option<String>,
    pub venue: Option<String>,
    pub organisers: Option<String>,
    pub target_employers: Option<i64>,
    pub target_positions: Option<i64>,
    pub target_seekers: Option<i64>,
}

/// Phiên giao dịch việc làm.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SessionRecord {
    pub id: i64,
    pub title: String,
    pub kind: Kind,
    /// Vietnam time.
    #[schema(value_type = String, example = "2026-12-15T08:00:00")]
    pub starts_at: NaiveDateTime,
    #[schema(value_type = String, example = "2026-12-15T11:30:00")]
    pub ends_at: NaiveDateTime,
    pub ward_code: Option<String>,
    pub venue: Option<String>,
    pub organisers: Option<String>,
    pub target_employers: Option<i64>,
    pub target_positions: Option<i64>,
    pub target_seekers: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// The public page.
    pub url: String,
}

/// Gian tuyển dụng: an employer's booth with the vacancies it brings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Booth {
    pub id: i64,
    pub employer_id: i64,
    pub employer_name: String,
    pub vacancy_ids: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct BoothInput {
    pub employer_id: i64,
    /// The employer's published vacancies it brings (may be empty at first).
    pub vacancy_ids: Vec<i64>,
}

/// A job seeker's registration as typed (the public form, the API, a walk-in).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RegistrationInput {
    pub full_name: String,
    pub phone: String,
    /// Optional.
    pub cccd: String,
    /// Optional; dd/mm/yyyy or yyyy-mm-dd.
    pub birth_date: String,
    /// The booths chosen.
    pub booth_ids: Vec<i64>,
}

/// A registration as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    pub full_name: String,
    pub phone: platform::types::PhoneNumber,
    pub cccd: Option<platform::types::Cccd>,
    pub birth_date: Option<NaiveDate>,
    pub booth_ids: Vec<i64>,
}

/// Đăng ký tham gia: a person's place at a session, with a ticket.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RegistrationRecord {
    pub id: i64,
    pub session_id: i64,
    /// The ticket's code (its QR code carries it).
    pub ticket: String,
    pub full_name: String,
    pub phone: String,
    pub cccd: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// The registry's record when the CCCD or the phone found one.
    pub person_id: Option<i64>,
    pub walk_in: bool,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Phỏng vấn trực tiếp hay trực tuyến.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    InPerson,
    Online,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InPerson => "in_person",
            Mode::Online => "online",
        }
    }
    pub fn parse(s: &str) -> Option<Mode> {
        [Mode::InPerson, Mode::Online].into_iter().find(|m| m.as_str() == s.trim())
    }
}

/// Kết quả phỏng vấn: sơ tuyển, trúng tuyển, không phù hợp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Shortlisted,
    Hired,
    NotSuitable,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Shortlisted, Outcome::Hired, Outcome::NotSuitable];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Shortlisted => "shortlisted",
            Outcome::Hired => "hired",
            Outcome::NotSuitable => "not_suitable",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s.trim())
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Outcome::Shortlisted => "sess.outcome.shortlisted",
            Outcome::Hired => "sess.outcome.hired",
            Outcome::NotSuitable => "sess.outcome.not_suitable",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InterviewInput {
    pub registration_id: i64,
    pub booth_id: i64,
    /// in_person | online
    pub mode: String,
    /// The vacancy it was for, when known (the report's occupation groups).
    pub vacancy_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SessionInterview)]
pub struct Interview {
    pub id: i64,
    pub registration_id: i64,
    pub booth_id: i64,
    pub vacancy_id: Option<i64>,
    pub mode: Mode,
    /// None while only interviewed.
    pub outcome: Option<Outcome>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = SessionOutcomeInput)]
#[serde(default)]
pub struct OutcomeInput {
    /// shortlisted | hired | not_suitable
    pub outcome: String,
}

/// One occupation group's line of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GroupLine {
    /// ISCO-08 major group (1 digit); empty for interviews whose vacancy is unknown.
    pub group: String,
    pub name: String,
    pub vacancies: i64,
    pub positions: i64,
    pub interviews: i64,
    pub shortlisted: i64,
    pub hired: i64,
}

/// Báo cáo kết quả phiên: exactly what the records say.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = SessionReport)]
pub struct Report {
    pub employers: i64,
    pub vacancies: i64,
    pub positions: i64,
    pub registered: i64,
    /// Checked in or interviewed online.
    pub attended: i64,
    pub attended_in_person: i64,
    /// Interviewed online without checking in.
    pub attended_online: i64,
    pub interviews: i64,
    /// People shortlisted or hired (a hire is also shortlisted).
    pub shortlisted: i64,
    /// People hired.
    pub hired: i64,
    pub by_occupation_group: Vec<GroupLine>,
}

/// A count typed in a form (text) or sent as a JSON number: kept as text for the rules.
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Number(i64),
        Text(String),
        Nothing(()),
    }
    Ok(match Either::deserialize(d)? {
        Either::Number(n) => n.to_string(),
        Either::Text(s) => s,
        Either::Nothing(()) => String::new(),
    })
}
