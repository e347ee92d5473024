//! Người lao động (a person aged 15+) as the registry holds them.

use chrono::{DateTime, NaiveDate, Utc};
use platform::types::{Cccd, PhoneNumber, Sex, WardCode};
use serde::{Deserialize, Serialize};

/// Tình trạng hoạt động kinh tế.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentStatus {
    /// Có việc làm
    Employed,
    /// Thất nghiệp
    Unemployed,
    /// Không tham gia hoạt động kinh tế
    Inactive,
}

impl EmploymentStatus {
    pub const ALL: [EmploymentStatus; 3] = [Self::Employed, Self::Unemployed, Self::Inactive];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Employed => "employed",
            Self::Unemployed => "unemployed",
            Self::Inactive => "inactive",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Employed => "status.employed",
            Self::Unemployed => "status.unemployed",
            Self::Inactive => "status.inactive",
        }
    }
}

/// What a person needs: a job, training (which trade), work abroad (which country).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Needs {
    pub job: bool,
    pub training: bool,
    pub training_trade: Option<String>,
    pub abroad: bool,
    pub abroad_country: Option<String>,
    /// Other provinces (2025 codes) the person would go to for work (tỉnh
    /// sẵn sàng đến làm việc): partner provinces' vacancies there are matched.
    #[serde(default)]
    pub work_provinces: Vec<String>,
}

impl Needs {
    /// The other provinces by name, as the form and the sheets write them.
    pub fn work_province_names(&self) -> String {
        let d = refdata::refdata();
        let names: Vec<&str> =
            self.work_provinces.iter().map(|c| d.province(c).map_or(c.as_str(), |p| p.name.as_str())).collect();
        names.join("; ")
    }
}

/// A validated person, ready to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Person {
    #[schema(value_type = Option<String>)]
    pub cccd: Option<Cccd>,
    pub full_name: String,
    pub birth_date: NaiveDate,
    #[schema(value_type = String)]
    pub sex: Sex,
    /// GSO ethnic group code (01 Kinh …).
    pub ethnicity: Option<String>,
    #[schema(value_type = Option<String>)]
    pub phone: Option<PhoneNumber>,
    /// 2025 commune.
    #[schema(value_type = String)]
    pub ward_code: WardCode,
    /// Thôn, tổ dân phố, street and number.
    pub hamlet: Option<String>,
    pub household: Option<String>,
    /// The old commune the record was given with, if it was converted.
    pub legacy_ward_code: Option<String>,
    /// False when the old commune was split and the usual successor was taken.
    pub ward_certain: bool,
    pub education: Option<String>,
    /// Trình độ CMKT code (none, short_course, elementary, …).
    pub qualification: String,
    pub training_field: Option<String>,
    pub employment_status: EmploymentStatus,
    /// ISCO-08 code of the current job.
    pub occupation_isco: Option<String>,
    pub job_position: Option<String>,
    pub workplace: Option<String>,
    pub enterprise_type: Option<String>,
    /// VSIC section of the workplace.
    pub sector: Option<String>,
    pub prev_occupation_isco: Option<String>,
    pub unemployed_months: Option<i64>,
    pub inactivity_reason: Option<String>,
    pub needs: Needs,
    /// Expected monthly wage in VND.
    pub expected_wage: Option<i64>,
}

/// A stored person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PersonRecord {
    pub id: i64,
    #[serde(flatten)]
    pub person: Person,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Raw input as typed in the form, sent to the API or read from a sheet.
/// Every field is text so that nothing the user typed is lost before it is judged.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PersonInput {
    pub cccd: String,
    pub full_name: String,
    /// dd/mm/yyyy (also yyyy-mm-dd or an Excel serial number).
    pub birth_date: String,
    /// nam / nữ (male / female).
    pub sex: String,
    pub ethnicity: String,
    pub phone: String,
    /// 2025 commune code; an old commune code is converted.
    pub ward_code: String,
    /// An address as written, old or new, used when there is no commune code.
    pub address: String,
    pub hamlet: String,
    pub household: String,
    pub education: String,
    pub qualification: String,
    pub training_field: String,
    pub employment_status: String,
    pub occupation_isco: String,
    pub job_position: String,
    pub workplace: String,
    pub enterprise_type: String,
    pub sector: String,
    pub prev_occupation_isco: String,
    pub unemployed_months: String,
    pub inactivity_reason: String,
    /// Needs separated by ";": job (việc làm), training (học nghề), abroad (đi làm việc ở nước ngoài), none.
    pub job_need: String,
    pub training_trade: String,
    pub abroad_country: String,
    /// Other provinces the person would work in: codes or names, separated
    /// by ";" or "," (the API takes a list too: `["48", "Hà Nội"]`).
    #[serde(deserialize_with = "text_or_list")]
    #[schema(value_type = String)]
    pub work_provinces: String,
    pub expected_wage: String,
}

/// A text field that a JSON client may also send as a list of texts (joined
/// with "; ", as a sheet writes them).
fn text_or_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrList {
        Text(String),
        List(Vec<String>),
    }
    Ok(match TextOrList::deserialize(d)? {
        TextOrList::Text(s) => s,
        TextOrList::List(items) => items.join("; "),
    })
}
