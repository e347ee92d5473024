//! What emulation keeps: movements and commitments, initiatives with their
//! scores and files, awards; the coded lists they use.

use chrono::NaiveDate;
use platform::coded;
use serde::{Deserialize, Serialize};

coded!(
    /// Lĩnh vực: the field an initiative improves.
    Field as InitiativeField, "em.field.", [VocationalTraining = "vocational_training", SocialCare = "social_care",
        Administration = "administration", Other = "other"]
);

coded!(
    /// Phạm vi ảnh hưởng: how far a recognised initiative's effect reaches.
    Scope as InitiativeScope, "em.scope.", [Unit = "unit", Department = "department", Province = "province"]
);

coded!(
    /// Where an initiative is: submitted, recognised, not recognised.
    Status as InitiativeStatus, "em.status.", [Submitted = "submitted", Recognised = "recognised", NotRecognised = "not_recognised"]
);

coded!(
    /// Who receives an award or registers a commitment: a person or a unit.
    RecipientKind as RecipientKind, "em.recipient.", [Person = "person", Unit = "unit"]
);

/// Sáng kiến, đề tài, giải pháp.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Initiative {
    pub id: i64,
    pub title: String,
    pub field: Field,
    /// The unit that submitted it.
    pub unit: String,
    pub authors: Vec<String>,
    /// The year it was submitted.
    pub year: i32,
    pub description: String,
    pub expected_effect: Option<String>,
    pub status: Status,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub scope: Option<Scope>,
    /// The council's mean score (none before the first).
    pub mean_score: Option<f64>,
    /// How many council members scored it.
    pub score_count: i64,
}

/// A new initiative, as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InitiativeInput {
    pub title: String,
    /// vocational_training | social_care | administration | other
    pub field: String,
    pub unit: String,
    /// The authors: a list, or one a line (the form's text).
    #[schema(value_type = Vec<String>)]
    pub authors: serde_json::Value,
    /// The year it was submitted (a number; the form sends its text).
    #[schema(value_type = i32)]
    pub year: serde_json::Value,
    pub description: String,
    pub expected_effect: String,
}

/// A council member's score.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Score {
    pub member: String,
    pub score: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ScoreInput {
    /// The council member's name.
    pub member: String,
    /// 0–100 (a number; the form sends its text).
    #[schema(value_type = i64)]
    pub score: serde_json::Value,
}

/// The decision on an initiative.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DecisionInput {
    /// true: recognised; false: not recognised (the form sends "true"/"false").
    #[schema(value_type = bool)]
    pub recognised: serde_json::Value,
    pub decision_no: String,
    /// YYYY-MM-DD or dd/mm/yyyy.
    pub decision_date: String,
    /// unit | department | province (recognised only).
    pub scope: String,
}

/// A file attached to an initiative (its content is downloaded apart).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
}

/// An award or title to a person or a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Award {
    pub id: i64,
    pub kind: String,
    pub level: String,
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    /// A person's unit, when known.
    pub unit: Option<String>,
    pub year: i32,
    pub decision_no: String,
    pub decision_date: NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AwardInput {
    /// A kind of data/emulation/awards.csv (bang_khen, chien_si_thi_dua, …).
    pub kind: String,
    /// Its level (prime_minister, ministry, province, grassroots, …).
    pub level: String,
    /// person | unit
    pub recipient_kind: String,
    pub recipient: String,
    pub unit: String,
    pub decision_no: String,
    /// YYYY-MM-DD or dd/mm/yyyy.
    pub decision_date: String,
    /// The year the award is for: the decision's (when absent) or the one before.
    #[schema(value_type = Option<i32>)]
    pub year: serde_json::Value,
}

/// Phong trào thi đua.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Movement {
    pub id: i64,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub criteria: String,
    /// The units taking part.
    pub units: Vec<String>,
    pub commitment_count: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MovementInput {
    pub title: String,
    pub starts_on: String,
    pub ends_on: String,
    pub criteria: String,
    /// The units taking part: a list (the form sends one a line).
    #[schema(value_type = Vec<String>)]
    pub units: serde_json::Value,
}

/// A commitment registered to a movement (đăng ký thi đua) and its reviews.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Commitment {
    pub id: i64,
    pub movement_id: i64,
    pub registrant_kind: RecipientKind,
    pub registrant: String,
    pub unit: String,
    pub commitment: String,
    pub registered_on: NaiveDate,
    pub mid_review: Option<String>,
    pub final_review: Option<String>,
    /// The final review's verdict.
    pub achieved: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CommitmentInput {
    /// person | unit
    pub registrant_kind: String,
    pub registrant: String,
    pub unit: String,
    pub commitment: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EmulationReviewInput)]
#[serde(default)]
pub struct ReviewInput {
    /// mid | final
    pub stage: String,
    pub assessment: String,
    /// The final review: achieved or not ("true"/"false" from the form).
    #[schema(value_type = Option<bool>)]
    pub achieved: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FieldCount {
    pub field: Field,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScopeCount {
    pub scope: Scope,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct YearCount {
    pub year: i32,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitCount {
    pub unit: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AwardCount {
    pub kind: String,
    pub level: String,
    pub count: i64,
}

/// Báo cáo thi đua – khen thưởng of a span of years: an initiative counts in
/// the year of its recognition decision, an award in its decision's year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = EmulationReport)]
pub struct Report {
    pub from_year: i32,
    pub to_year: i32,
    pub initiatives_recognised: i64,
    pub by_field: Vec<FieldCount>,
    pub by_year: Vec<YearCount>,
    pub by_scope: Vec<ScopeCount>,
    pub by_unit: Vec<UnitCount>,
    pub awards: Vec<AwardCount>,
}

/// A hint on a recipient's history: the consecutive years a higher title
/// asks for are met.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Hint {
    pub kind: String,
    pub level: String,
    /// The lower title held, and the years it was held in a row.
    pub because_kind: String,
    pub because_level: String,
    pub years: Vec<i32>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = EmulationNewRecord)]
pub struct NewRecord {
    pub id: i64,
}
