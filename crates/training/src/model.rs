//! What the training capability keeps: schools, classes, enrolments and
//! their outcomes, outreach visits; the coded lists they use.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use platform::coded;

coded!(
    /// Trình độ đào tạo: the level a class trains to.
    Level as TrainingLevel, "tr.level.", [College = "college", Intermediate = "intermediate", Elementary = "elementary", ShortCourse = "short_course"]
);

coded!(
    /// Where a learner is: studying, graduated, dropped out.
    Status as EnrolmentStatus, "tr.status.", [Studying = "studying", Graduated = "graduated", Dropped = "dropped"]
);

coded!(
    /// Who pays: the state's support (rural workers, the poor, people with
    /// disabilities, others), an enterprise's order, the learner.
    Funding as Funding, "tr.funding.", [StateRural = "state_rural", StatePoor = "state_poor", StateDisabled = "state_disabled",
        StateOther = "state_other", Enterprise = "enterprise", SelfPaid = "self_paid"]
);

coded!(
    /// The tracer's answer six months after training.
    Outcome as TracerOutcome, "tr.outcome.", [Employed = "employed", SelfEmployed = "self_employed", FurtherStudy = "further_study",
        NotEmployed = "not_employed"]
);

coded!(
    /// Cơ sở giáo dục nghề nghiệp: what kind of school.
    SchoolKind as SchoolKind, "tr.kind.", [College = "college", Intermediate = "intermediate", Centre = "centre", Enterprise = "enterprise"]
);

impl Level {
    /// The qualification (registry code) a graduate holds: the level when a
    /// certificate or diploma was issued; short training otherwise.
    pub fn qualification(self, certified: bool) -> &'static str {
        match (self, certified) {
            (Level::College, true) => "college",
            (Level::Intermediate, true) => "intermediate",
            (Level::Elementary, true) => "elementary",
            _ => "short_course",
        }
    }
}

impl Outcome {
    /// Working six months after training (employed or self-employed).
    pub fn works(self) -> bool {
        matches!(self, Outcome::Employed | Outcome::SelfEmployed)
    }
}

/// A trade taught (nghề đào tạo), from `data/training/trades.csv`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trade {
    pub code: String,
    /// The ISCO-08 occupation it leads to ("" for language courses).
    pub isco: String,
    pub name_vi: String,
    pub name_en: String,
    #[serde(skip)]
    pub aliases: Vec<String>,
}

/// Cơ sở giáo dục nghề nghiệp.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct School {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: SchoolKind,
    pub public: bool,
    pub ward_code: String,
    pub address: Option<String>,
    pub phone: Option<String>,
}

/// A school as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SchoolInput {
    pub code: String,
    pub name: String,
    /// college | intermediate | centre | enterprise
    pub kind: String,
    /// public | private
    pub ownership: String,
    pub ward_code: String,
    pub address: String,
    pub phone: String,
}

/// Lớp đào tạo.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = TrainingClass)]
pub struct Class {
    pub id: i64,
    pub school_id: i64,
    pub trade: String,
    pub level: Level,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    /// Where it is taught.
    pub ward_code: String,
    pub capacity: i64,
    pub funding: Funding,
    /// The enterprise that trains with the school and hires its graduates.
    pub partner: Option<String>,
    /// Learners enrolled (any status).
    pub enrolled: i64,
}

/// A class as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ClassInput {
    /// The school's code (a school account: its own, may be left empty).
    pub school_code: String,
    pub trade: String,
    pub level: String,
    pub start_date: String,
    pub end_date: String,
    pub ward_code: String,
    pub capacity: String,
    pub funding: String,
    pub partner: String,
}

/// A learner's enrolment as stored (the key: person, school, trade, start date).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    pub school_id: i64,
    pub class_id: Option<i64>,
    pub trade: String,
    pub level: Level,
    pub funding: Funding,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub status: Status,
    pub certificate: bool,
    pub certificate_no: Option<String>,
    pub certificate_date: Option<NaiveDate>,
    pub result: Option<String>,
}

/// A stored enrolment with its learner and tracer.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnrolmentRecord {
    pub id: i64,
    pub person_id: i64,
    pub full_name: String,
    /// The learner's commune.
    pub ward_code: String,
    pub school_code: String,
    #[serde(flatten)]
    pub enrolment: Enrolment,
    pub outcome: Option<Outcome>,
    pub outcome_employer: Option<String>,
    pub outcome_date: Option<NaiveDate>,
}

/// An enrolment as typed on the form, sent to the API or read from a sheet.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EnrolmentInput {
    /// The learner: by CCCD, or added from the name, birth date, sex and commune.
    pub cccd: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    pub ward_code: String,
    pub phone: String,
    pub school_code: String,
    /// A class of the school: its trade, level, dates and funding are the enrolment's.
    pub class_id: String,
    pub trade: String,
    /// college | intermediate | elementary | short_course
    pub level: String,
    pub start_date: String,
    pub end_date: String,
    /// studying | graduated | dropped
    pub status: String,
    /// yes | no
    pub certificate: String,
    pub certificate_no: String,
    pub funding: String,
    pub result: String,
}

/// The tracer's answer and a learner's outcome as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
#[schema(as = TracerInput)]
pub struct OutcomeInput {
    /// studying | graduated | dropped (empty: unchanged)
    pub status: String,
    pub end_date: String,
    pub certificate: String,
    pub certificate_no: String,
    pub result: String,
    /// employed | self_employed | further_study | not_employed (empty: not traced yet)
    pub outcome: String,
    pub outcome_employer: String,
    pub outcome_date: String,
}

/// An outreach visit to a lower or upper secondary school (tư vấn hướng nghiệp).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = OutreachVisit)]
pub struct Visit {
    pub id: i64,
    pub school_id: i64,
    pub visited_on: NaiveDate,
    pub visited_school: String,
    /// lower_secondary | upper_secondary
    pub stage: String,
    pub students: i64,
    pub ward_code: String,
}

/// A count under a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LevelCount {
    pub level: Level,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SchoolCount {
    pub school_code: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeCount {
    pub code: String,
    pub count: i64,
}

/// Graduates of a period under a code (a school's, a trade's) and their
/// employment six months on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OutcomeCount {
    pub code: String,
    pub graduated: i64,
    pub traced: i64,
    pub employed_after: i64,
}

/// The training indicators of a period: enrolled counts enrolments starting
/// in it; graduated, certified, dropped and employed_after count those ending
/// in it with that outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = TrainingIndicators)]
pub struct Indicators {
    pub enrolled: i64,
    pub by_level: Vec<LevelCount>,
    pub by_school: Vec<SchoolCount>,
    pub by_funding: Vec<CodeCount>,
    pub by_trade: Vec<CodeCount>,
    pub by_ward: Vec<CodeCount>,
    pub graduated: i64,
    pub certified: i64,
    pub dropped: i64,
    /// Graduates of the period working six months after (employed or self-employed).
    pub employed_after: i64,
    /// Graduates of the period the tracer reached.
    pub traced: i64,
    /// Employment after training by school and by trade (graduates of the period).
    pub outcomes_by_school: Vec<OutcomeCount>,
    pub outcomes_by_trade: Vec<OutcomeCount>,
}
