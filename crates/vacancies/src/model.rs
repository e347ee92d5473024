//! What a vacancy and an application are.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Loại hợp đồng lao động (Labour Code 2019, art. 20) and other arrangements.
pub const CONTRACT_TYPES: [&str; 5] = ["indefinite", "fixed_term", "seasonal", "part_time", "apprenticeship"];

/// Where the work is.
pub const WORKPLACES: [&str; 3] = ["ward", "province", "abroad"];

/// Trạng thái tin tuyển dụng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = VacancyStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Bản nháp
    Draft,
    /// Chờ duyệt
    Pending,
    /// Đang đăng
    Published,
    /// Đã tuyển đủ
    Filled,
    /// Hết hạn
    Expired,
    /// Đã rút
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Self::Draft, Self::Pending, Self::Published, Self::Filled, Self::Expired, Self::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Filled => "filled",
            Self::Expired => "expired",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A vacancy as typed (form or API), before validation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VacancyInput {
    pub title: String,
    /// ISCO-08 unit group (4 digits).
    pub occupation_isco: String,
    pub positions: String,
    /// Qualification code (none, short_course, elementary, intermediate, college, university, postgraduate).
    pub qualification: String,
    /// Years of experience required (0 = none).
    pub experience_years: String,
    pub age_min: String,
    pub age_max: String,
    /// VND per month; both wage fields empty = negotiable (thỏa thuận).
    pub wage_min: String,
    pub wage_max: String,
    /// indefinite | fixed_term | seasonal | part_time | apprenticeship
    pub contract_type: String,
    pub working_hours: String,
    /// ward (a commune of this province) | province (another province) | abroad
    pub workplace: String,
    pub work_ward_code: String,
    pub work_province_code: String,
    pub work_country: String,
    /// Application deadline, dd/mm/yyyy.
    pub deadline: String,
    pub description: String,
    pub requirements: String,
    pub benefits: String,
    pub contact: String,
}

/// A validated vacancy.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub title: String,
    pub occupation_isco: String,
    pub positions: i64,
    pub qualification: String,
    pub experience_years: i64,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub contract_type: String,
    pub working_hours: Option<String>,
    pub work_ward_code: Option<String>,
    pub work_province_code: Option<String>,
    pub work_country: Option<String>,
    pub deadline: NaiveDate,
    pub description: String,
    pub requirements: Option<String>,
    pub benefits: Option<String>,
    pub contact: Option<String>,
    /// Words that ask for one sex (the Labour Code forbids it): shown to staff.
    pub flagged: Option<String>,
}

/// A stored vacancy.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VacancyRecord {
    pub id: i64,
    pub employer_id: i64,
    pub employer_name: String,
    pub title: String,
    pub occupation_isco: String,
    pub positions: i64,
    pub qualification: String,
    pub experience_years: i64,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub contract_type: String,
    pub working_hours: Option<String>,
    pub work_ward_code: Option<String>,
    pub work_province_code: Option<String>,
    pub work_country: Option<String>,
    pub deadline: NaiveDate,
    pub description: String,
    pub requirements: Option<String>,
    pub benefits: Option<String>,
    pub contact: Option<String>,
    pub status: Status,
    pub flagged: Option<String>,
    pub review_note: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl VacancyRecord {
    pub fn input(&self) -> VacancyInput {
        let n = |o: Option<i64>| o.map(|x| x.to_string()).unwrap_or_default();
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        VacancyInput {
            title: self.title.clone(),
            occupation_isco: self.occupation_isco.clone(),
            positions: self.positions.to_string(),
            qualification: self.qualification.clone(),
            experience_years: self.experience_years.to_string(),
            age_min: n(self.age_min),
            age_max: n(self.age_max),
            wage_min: n(self.wage_min),
            wage_max: n(self.wage_max),
            contract_type: self.contract_type.clone(),
            working_hours: s(&self.working_hours),
            workplace: self.workplace().into(),
            work_ward_code: s(&self.work_ward_code),
            work_province_code: s(&self.work_province_code),
            work_country: s(&self.work_country),
            deadline: self.deadline.format("%d/%m/%Y").to_string(),
            description: self.description.clone(),
            requirements: s(&self.requirements),
            benefits: s(&self.benefits),
            contact: s(&self.contact),
        }
    }
    pub fn workplace(&self) -> &'static str {
        if self.work_country.is_some() {
            "abroad"
        } else if self.work_ward_code.is_some() {
            "ward"
        } else {
            "province"
        }
    }
}

/// Trạng thái hồ sơ ứng tuyển.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    New,
    Reviewing,
    Interview,
    Accepted,
    Refused,
    Withdrawn,
}

impl AppStatus {
    pub const ALL: [AppStatus; 6] =
        [Self::New, Self::Reviewing, Self::Interview, Self::Accepted, Self::Refused, Self::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Reviewing => "reviewing",
            Self::Interview => "interview",
            Self::Accepted => "accepted",
            Self::Refused => "refused",
            Self::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Coded reasons for refusing an applicant (the employer picks one).
pub const REFUSAL_REASONS: [&str; 5] = ["qualification", "experience", "position_filled", "no_show", "other"];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub vacancy_id: i64,
    pub vacancy_title: String,
    pub employer_id: i64,
    pub user_id: i64,
    /// The applicant's registry record, when linked.
    pub person_id: Option<i64>,
    pub full_name: String,
    pub phone: String,
    pub message: Option<String>,
    pub status: AppStatus,
    pub refusal_reason: Option<String>,
    /// The interview invitation, once the employer has sent one.
    pub interview: Option<Interview>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Lời mời phỏng vấn: when, where, and whom to ask.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationInterview)]
pub struct Interview {
    pub at: DateTime<Utc>,
    pub place: String,
    /// A name and phone number to ask.
    pub contact: String,
}
