//! Placements (việc làm tăng thêm) and targets (chỉ tiêu) as the API reads and writes them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How the job was found (kênh).
pub const CHANNELS: [&str; 6] = ["session", "referral", "counselling", "self_found", "abroad", "programme"];
/// Where the job is.
pub const PLACES: [&str; 3] = ["province", "other_province", "abroad"];
/// Whom the person works for.
pub const EMPLOYER_KINDS: [&str; 3] = ["employer", "self_employed", "household"];
/// The indicators a target may be set for.
pub const INDICATORS: [&str; 1] = ["jobs_created"];

/// Destination countries of Vietnamese workers abroad (ISO 3166 alpha-2),
/// with their Vietnamese and English names.
pub const COUNTRIES: [(&str, &str, &str); 32] = [
    ("JP", "Nhật Bản", "Japan"),
    ("KR", "Hàn Quốc", "South Korea"),
    ("TW", "Đài Loan (Trung Quốc)", "Taiwan (China)"),
    ("DE", "Đức", "Germany"),
    ("AU", "Úc", "Australia"),
    ("RO", "Romania", "Romania"),
    ("HU", "Hungary", "Hungary"),
    ("PL", "Ba Lan", "Poland"),
    ("CZ", "Séc", "Czechia"),
    ("SK", "Slovakia", "Slovakia"),
    ("BG", "Bulgaria", "Bulgaria"),
    ("RU", "Nga", "Russia"),
    ("SA", "Ả Rập Xê Út", "Saudi Arabia"),
    ("QA", "Qatar", "Qatar"),
    ("AE", "Các Tiểu vương quốc Ả Rập Thống nhất", "United Arab Emirates"),
    ("KW", "Kuwait", "Kuwait"),
    ("IL", "Israel", "Israel"),
    ("MY", "Malaysia", "Malaysia"),
    ("SG", "Singapore", "Singapore"),
    ("CN", "Trung Quốc", "China"),
    ("HK", "Hồng Kông (Trung Quốc)", "Hong Kong (China)"),
    ("MO", "Ma Cao (Trung Quốc)", "Macao (China)"),
    ("LA", "Lào", "Laos"),
    ("KH", "Campuchia", "Cambodia"),
    ("US", "Hoa Kỳ", "United States"),
    ("CA", "Canada", "Canada"),
    ("NZ", "New Zealand", "New Zealand"),
    ("GB", "Vương quốc Anh", "United Kingdom"),
    ("FR", "Pháp", "France"),
    ("IT", "Ý", "Italy"),
    ("NL", "Hà Lan", "Netherlands"),
    ("FI", "Phần Lan", "Finland"),
];

/// A placement as typed on the form, sent to the API or read from a sheet's row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PlacementInput {
    /// The registry's person, when known; else found by `cccd`, or added from the row.
    pub person_id: Option<i64>,
    pub cccd: String,
    pub full_name: String,
    /// dd/mm/yyyy (for a person added from the row).
    pub birth_date: String,
    /// nam / nữ (for a person added from the row).
    pub sex: String,
    /// The person's 2025 commune (for a person added from the row).
    pub ward_code: String,
    /// employer | self_employed | household; when empty, `employer` with a tax code, else `self_employed`.
    pub employer_kind: String,
    pub employer_tax_code: String,
    pub employer_name: String,
    pub vacancy_id: Option<i64>,
    pub occupation_isco: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub start_date: String,
    /// session | referral | counselling | self_found | abroad | programme
    pub channel: String,
    /// province | other_province | abroad
    pub place: String,
    /// Abroad: the country (ISO code or name, e.g. JP, "Nhật Bản").
    pub country: String,
    /// indefinite | fixed_term | seasonal | part_time | apprenticeship
    pub contract_type: String,
    /// Monthly wage in VND.
    pub wage: String,
}

/// A placement as checked (the person is resolved by the service).
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub employer_kind: &'static str,
    pub employer_tax_code: Option<String>,
    pub employer_name: Option<String>,
    pub vacancy_id: Option<i64>,
    pub occupation_isco: Option<String>,
    pub start_date: NaiveDate,
    pub channel: &'static str,
    pub place: &'static str,
    pub country: Option<&'static str>,
    pub contract_type: Option<&'static str>,
    pub wage: Option<i64>,
}

/// Việc làm tăng thêm.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PlacementRecord {
    pub id: i64,
    pub person_id: i64,
    pub ward_code: String,
    pub employer_kind: String,
    pub employer_id: Option<i64>,
    pub employer_tax_code: Option<String>,
    pub employer_name: Option<String>,
    pub vacancy_id: Option<i64>,
    pub occupation_isco: Option<String>,
    pub start_date: NaiveDate,
    pub channel: String,
    pub place: String,
    pub country: Option<String>,
    pub contract_type: Option<String>,
    pub wage: Option<i64>,
    /// form | import | referral | session
    pub source: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PlacementMonthCount)]
pub struct MonthCount {
    /// YYYY-MM
    pub month: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WardCount {
    pub ward_code: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ChannelCount {
    pub channel: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlaceCount {
    pub place: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CountryCount {
    pub country: String,
    pub count: i64,
}

/// Jobs created in a period (a job counts in the period of its start date).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct JobsCreated {
    pub total: i64,
    pub by_month: Vec<MonthCount>,
    pub by_ward: Vec<WardCount>,
    pub by_channel: Vec<ChannelCount>,
    pub by_place: Vec<PlaceCount>,
    pub abroad_by_country: Vec<CountryCount>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TargetInput {
    /// jobs_created
    pub indicator: String,
    pub year: i32,
    /// A commune's target; the province's when empty or absent.
    pub ward_code: Option<String>,
    pub value: i64,
}

/// A target's progress on a date.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TargetProgress {
    pub indicator: String,
    /// Empty: the province.
    pub ward_code: String,
    pub target: i64,
    /// From 1 January to `as_of`.
    pub actual: i64,
    /// round(target × day of year ÷ days in the year).
    pub expected_to_date: i64,
    /// actual − expected_to_date.
    pub ahead_by: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TargetList {
    pub items: Vec<TargetProgress>,
}
