//! Reference data as loaded from the files in `data/` (compiled into the binary).

use serde::Serialize;

/// Tỉnh/thành phố (2025).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Province {
    pub code: String,
    pub name: String,
}

/// Xã/phường/đặc khu (2025; no district level).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ward {
    pub code: String,
    pub province_code: String,
    pub name: String,
    /// Xã, Phường or Đặc khu.
    pub kind: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub area_km2: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LegacyProvince {
    pub code: String,
    pub name: String,
}

/// Huyện/quận/thị xã/thành phố thuộc tỉnh (before 1 July 2025).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LegacyDistrict {
    pub code: String,
    pub province_code: String,
    pub name: String,
}

/// Xã/phường/thị trấn before 1 July 2025.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LegacyWard {
    pub code: String,
    pub district_code: String,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Where an old commune went: whole (entirely into one new commune) or a
/// part of a split; `is_default` marks the usual successor of a split.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Successor {
    pub legacy_district_code: String,
    pub legacy_ward_code: String,
    pub ward_code: String,
    pub whole: bool,
    pub is_default: bool,
}

/// ISCO-08 occupation with its Vietnamese (VSCO-style) title.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Occupation {
    pub code: String,
    /// 1 major group … 4 unit group.
    pub level: i32,
    pub parent_code: Option<String>,
    pub title_en: String,
    pub title_vi: String,
}

/// Trình độ CMKT or trình độ giáo dục phổ thông, or another coded list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CodeItem {
    pub code: String,
    pub rank: i32,
    pub name_vi: String,
    pub name_en: String,
    /// For qualification levels: sơ cấp and above (a degree or certificate).
    pub with_certificate: bool,
    /// Other names people write for it: older spellings, abbreviations
    /// ("Khơ-me", "THCS", "CĐ"). Read, never shown.
    #[serde(skip)]
    pub aliases: Vec<String>,
}
