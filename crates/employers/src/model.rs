//! What an employer is.

use chrono::{DateTime, Utc};
use platform::types::{Email, PhoneNumber, TaxCode, WardCode};
use serde::{Deserialize, Serialize};

/// Quy mô doanh nghiệp (Decree 80/2021: by workers insured).
pub const SIZE_BANDS: [&str; 4] = ["micro", "small", "medium", "large"];

/// Loại hình sở hữu.
pub const OWNERSHIPS: [&str; 6] = ["state", "private", "fdi", "cooperative", "household", "other"];

/// Whether staff have accepted the employer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmployerStatus {
    /// Chờ duyệt
    Pending,
    /// Đã duyệt
    Approved,
    /// Từ chối
    Rejected,
}

impl EmployerStatus {
    pub const ALL: [EmployerStatus; 3] = [Self::Pending, Self::Approved, Self::Rejected];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// An employer's details as typed (form or API), before validation.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EmployerInput {
    /// Mã số thuế: 10 digits, or 10 + "-" + 3 for a branch.
    pub tax_code: String,
    pub name: String,
    /// VSIC 2018 section (A–U).
    pub vsic_section: String,
    /// micro | small | medium | large
    pub size_band: String,
    /// state | private | fdi | cooperative | household | other
    pub ownership: String,
    /// 2025 commune code.
    pub ward_code: String,
    /// House number and street.
    pub street: String,
    pub contact_name: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

/// A validated employer.
#[derive(Debug, Clone, PartialEq)]
pub struct Employer {
    pub tax_code: TaxCode,
    pub name: String,
    pub vsic_section: Option<String>,
    pub size_band: String,
    pub ownership: String,
    pub ward_code: WardCode,
    pub street: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<PhoneNumber>,
    pub email: Option<Email>,
    pub website: Option<String>,
}

/// A stored employer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmployerRecord {
    pub id: i64,
    pub tax_code: String,
    pub name: String,
    pub vsic_section: Option<String>,
    pub size_band: String,
    pub ownership: String,
    pub ward_code: String,
    pub street: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: EmployerStatus,
    pub review_note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EmployerRecord {
    pub fn input(&self) -> EmployerInput {
        let s = |o: &Option<String>| o.clone().unwrap_or_default();
        EmployerInput {
            tax_code: self.tax_code.clone(),
            name: self.name.clone(),
            vsic_section: s(&self.vsic_section),
            size_band: self.size_band.clone(),
            ownership: self.ownership.clone(),
            ward_code: self.ward_code.clone(),
            street: s(&self.street),
            contact_name: s(&self.contact_name),
            phone: s(&self.phone),
            email: s(&self.email),
            website: s(&self.website),
        }
    }
}
