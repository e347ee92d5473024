//! Households, reviews and classes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Khu vực: the income line depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// Nông thôn
    Rural,
    /// Thành thị
    Urban,
}

impl Area {
    pub const ALL: [Area; 2] = [Area::Rural, Area::Urban];
    pub fn code(self) -> &'static str {
        match self {
            Area::Rural => "rural",
            Area::Urban => "urban",
        }
    }
    pub fn parse(s: &str) -> Option<Area> {
        match platform::fold::fold(s).trim() {
            "rural" | "nong thon" | "nt" => Some(Area::Rural),
            "urban" | "thanh thi" | "do thi" | "tt" => Some(Area::Urban),
            _ => None,
        }
    }
}

/// What the review makes of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Hộ nghèo
    Poor,
    /// Hộ cận nghèo
    NearPoor,
    /// Hộ có mức sống trung bình
    Middle,
    /// Hộ không nghèo (above the average living standard)
    NotPoor,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Poor, Class::NearPoor, Class::Middle, Class::NotPoor];
    pub fn code(self) -> &'static str {
        match self {
            Class::Poor => "poor",
            Class::NearPoor => "near_poor",
            Class::Middle => "middle",
            Class::NotPoor => "not_poor",
        }
    }
    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Loại rà soát.
pub const KINDS: [&str; 2] = ["yearly", "adhoc"];
/// The steps of a yearly review, in order: surveyed, discussed at the
/// village meeting, posted publicly, approved by the commune.
pub const STATUSES: [&str; 4] = ["surveyed", "meeting", "posted", "approved"];
/// Quan hệ với chủ hộ.
pub const RELATIONS: [&str; 7] = ["head", "spouse", "child", "parent", "grandchild", "sibling", "other"];
/// Why someone left a household.
pub const LEAVE_REASONS: [&str; 5] = ["split", "merge", "move", "death", "other"];

/// `POST /api/v1/poverty/classify`.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ClassifyInput {
    /// A standard's id ("07/2021", "351/2025"); the one in force on `date` when absent.
    pub standard: Option<String>,
    /// The review's day, YYYY-MM-DD (today when absent).
    pub date: Option<String>,
    /// rural | urban
    pub area: String,
    /// Income per person per month, VND.
    #[schema(value_type = f64)]
    pub income_per_person_month: Option<f64>,
    /// Indicator codes the household lacks.
    pub deprivations: Vec<String>,
}

/// The class with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Classified {
    pub class: Class,
    /// The standard applied.
    pub standard: String,
    /// The area's income line and the top of the average living standard (VND a person a month).
    pub income_line: i64,
    pub middle_line: i64,
    /// How many indicators the household lacks, and which (in the standard's order).
    pub lacking: usize,
    pub deprivations: Vec<String>,
    /// Why, in the caller's language.
    pub reasons: Vec<String>,
}

/// A household as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Household {
    pub id: i64,
    /// Mã hộ
    pub code: String,
    pub ward_code: String,
    pub hamlet: Option<String>,
    pub area: Area,
    pub head_person_id: Option<i64>,
    pub head_name: String,
}

/// A member, current or past.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub person_id: i64,
    pub full_name: String,
    pub relation: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub left_reason: Option<String>,
}

/// A review as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub id: i64,
    pub household_id: i64,
    pub ward_code: String,
    pub year: i32,
    pub kind: String,
    pub reason: Option<String>,
    pub review_date: NaiveDate,
    pub standard: String,
    pub area: Area,
    pub members: i64,
    pub income_per_person_month: i64,
    pub deprivations: Vec<String>,
    pub class: Class,
    pub status: String,
    pub meeting_on: Option<NaiveDate>,
    pub posted_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
}

/// What a review records before it is classified: the survey's answers.
#[derive(Debug, Clone)]
pub struct Survey {
    pub year: i32,
    pub kind: &'static str,
    pub reason: Option<String>,
    pub review_date: NaiveDate,
    pub standard: String,
    pub area: Area,
    pub members: i64,
    pub income_per_person_month: i64,
    pub deprivations: Vec<String>,
    pub class: Class,
}

/// `GET /api/v1/poverty/summary`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PovertySummary)]
pub struct Summary {
    pub year: i32,
    /// Households reviewed in the year's yearly review.
    pub households: i64,
    pub poor: i64,
    pub near_poor: i64,
    pub middle: i64,
    /// Reviews of the year not yet approved by the commune.
    pub pending_approval: i64,
    /// All households of the communes that reported their total for the
    /// year (the rates' denominator); absent when none did.
    pub total_households: Option<i64>,
    pub by_ward: Vec<WardSummary>,
    /// Households lacking each indicator (the deprivation profile), most lacked first.
    pub deprivations: Vec<Deprivation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WardSummary {
    pub ward_code: String,
    /// Households reviewed.
    pub households: i64,
    pub poor: i64,
    pub near_poor: i64,
    /// All the commune's households, as it reported them for the year.
    pub total_households: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Deprivation {
    pub code: String,
    pub households_lacking: i64,
}

/// `GET /api/v1/poverty/transitions`: each household's class in two yearly reviews.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Transitions {
    pub from: i32,
    pub to: i32,
    /// Households reviewed in both years.
    pub households: i64,
    /// Poor, then not poor (near-poor included).
    pub left_poverty: i64,
    /// Not poor (near-poor included), then poor.
    pub fell_into_poverty: i64,
    pub poor_to_near_poor: i64,
    pub near_poor_to_poor: i64,
    /// Poor or near-poor, then neither.
    pub left_near_poverty: i64,
    /// Neither poor nor near-poor, then near-poor.
    pub fell_into_near_poverty: i64,
    /// Poor households in the first year and in the second (of all reviewed each year).
    pub poor_from: i64,
    pub poor_to: i64,
    pub by_ward: Vec<WardTransitions>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct WardTransitions {
    pub ward_code: String,
    pub left_poverty: i64,
    pub fell_into_poverty: i64,
    pub poor_to_near_poor: i64,
    pub near_poor_to_poor: i64,
    pub poor_from: i64,
    pub poor_to: i64,
}
