//! The rules of vacancies and applications, as pure functions.

use crate::model::*;
use chrono::{DateTime, NaiveDate, Utc};
use platform::error::FieldError;
use platform::validate::Checker;
use refdata::RefData;

/// Days without an update after which a published vacancy expires.
pub const STALE_DAYS: i64 = 60;
/// How many days before that the employer is warned.
pub const WARN_DAYS_BEFORE: i64 = 7;
/// Longest a deadline may lie ahead.
const MAX_DEADLINE_DAYS: i64 = 365;

/// Validate a vacancy; every problem named by its field.
pub fn validate(input: &VacancyInput, d: &RefData, today: NaiveDate) -> Result<Vacancy, Vec<FieldError>> {
    let mut c = Checker::new();
    let title = c.required("title", &input.title, 200);
    let typed = input.occupation_isco.trim();
    let occupation_isco = match d.occupation_typed(typed).filter(|o| o.level == 4) {
        Some(o) => o.code.clone(),
        None => {
            c.fail("occupation_isco", if typed.is_empty() { "err.required" } else { "err.occupation.unknown" });
            String::new()
        }
    };
    let positions = c.number("positions", &input.positions, 1, 10_000);
    if input.positions.trim().is_empty() {
        c.fail("positions", "err.required");
    }
    let qualification = input.qualification.trim().to_owned();
    if !d.qualifications.iter().any(|q| q.code == qualification) {
        c.fail("qualification", if qualification.is_empty() { "err.required" } else { "err.code.unknown" });
    }
    let experience_years = c.number("experience_years", &input.experience_years, 0, 40).unwrap_or(0);
    let age_min = c.number("age_min", &input.age_min, 15, 80);
    let age_max = c.number("age_max", &input.age_max, 15, 80);
    if let (Some(a), Some(b)) = (age_min, age_max) {
        if a > b {
            c.fail("age_max", "vacancies.err.age_range");
        }
    }
    let wage_min = c.number("wage_min", &input.wage_min, 0, 10_000_000_000);
    let wage_max = c.number("wage_max", &input.wage_max, 0, 10_000_000_000);
    if let (Some(a), Some(b)) = (wage_min, wage_max) {
        if a > b {
            c.fail("wage_max", "vacancies.err.wage_range");
        }
    }
    let contract_type = c.one_of("contract_type", &input.contract_type, &CONTRACT_TYPES);
    let working_hours = c.text("working_hours", &input.working_hours, 200);
    let (mut work_ward_code, mut work_province_code, mut work_country) = (None, None, None);
    match input.workplace.trim() {
        "ward" => match d.ward(input.work_ward_code.trim()) {
            Some(w) => {
                work_ward_code = Some(w.code.clone());
                work_province_code = Some(w.province_code.clone());
            }
            None => c.fail("work_ward_code", "err.ward.unknown"),
        },
        "province" => match d.province(input.work_province_code.trim()) {
            Some(p) => work_province_code = Some(p.code.clone()),
            None => c.fail("work_province_code", "err.code.unknown"),
        },
        "abroad" => work_country = Some(c.required("work_country", &input.work_country, 100)),
        _ => c.fail("workplace", "err.required"),
    }
    let deadline = platform::i18n::parse_date(&input.deadline);
    match deadline {
        None => c.fail("deadline", if input.deadline.trim().is_empty() { "err.required" } else { "err.date.invalid" }),
        Some(dl) if dl < today => c.fail("deadline", "vacancies.err.deadline_past"),
        Some(dl) if (dl - today).num_days() > MAX_DEADLINE_DAYS => c.fail("deadline", "vacancies.err.deadline_far"),
        _ => {}
    }
    let description = c.required("description", &input.description, 5000);
    let requirements = c.text("requirements", &input.requirements, 3000);
    let benefits = c.text("benefits", &input.benefits, 3000);
    let contact = c.text("contact", &input.contact, 300);
    let flagged = [&title, &description].into_iter().chain(requirements.iter()).find_map(|t| sex_requirement(t));
    c.finish(Vacancy {
        title,
        occupation_isco,
        positions: positions.unwrap_or(1),
        qualification,
        experience_years,
        age_min,
        age_max,
        wage_min,
        wage_max,
        contract_type,
        working_hours,
        work_ward_code,
        work_province_code,
        work_country: work_country.filter(|s| !s.is_empty()),
        deadline: deadline.unwrap_or(today),
        description,
        requirements,
        benefits,
        contact,
        flagged: flagged.map(str::to_owned),
    })
}

/// Phrases that ask for one sex (Labour Code 2019, art. 8: no discrimination),
/// folded. "nam" alone is not one: folded, it is also "năm" (year) and
/// "Nam" (south), so "lao động nam" stays out ("lao động năm 2026").
const SEX_PHRASES: [&str; 16] = [
    "chi tuyen nam",
    "chi tuyen nu",
    "chi nhan nam",
    "chi nhan nu",
    "tuyen nu",
    "nam gioi",
    "nu gioi",
    "gioi tinh nam",
    "gioi tinh nu",
    "uu tien nam",
    "uu tien nu",
    "yeu cau nam",
    "yeu cau nu",
    "lao dong nu",
    "male only",
    "female only",
];

/// The phrase of `text` that asks for one sex, if any.
pub fn sex_requirement(text: &str) -> Option<&'static str> {
    let folded = format!(" {} ", platform::fold::fold_words(text).join(" "));
    SEX_PHRASES.into_iter().find(|p| folded.contains(&format!(" {p} ")))
}

/// Who asks for a change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Employer,
    Staff,
    System,
}

/// A change of a vacancy's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Employer: send for review.
    Submit,
    /// Staff: publish.
    Approve,
    /// Staff: send back to draft, with a note.
    Reject,
    /// Employer or staff: take it down.
    Withdraw,
    /// Employer: all positions filled.
    Fill,
    /// Employer: still recruiting (restarts the 60 days).
    Renew,
    /// System: not updated for 60 days, or past its deadline.
    Expire,
}

impl Transition {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submit" => Self::Submit,
            "approve" => Self::Approve,
            "reject" => Self::Reject,
            "withdraw" => Self::Withdraw,
            "fill" => Self::Fill,
            "renew" => Self::Renew,
            _ => return None,
        })
    }
}

/// The status after `t`, or the message key of why it is not allowed.
pub fn transition(from: Status, t: Transition, actor: Actor, employer_approved: bool) -> Result<Status, &'static str> {
    use Status::*;
    use Transition::*;
    let to = match (t, from, actor) {
        (Submit, Draft, Actor::Employer | Actor::Staff) if !employer_approved => {
            return Err("vacancies.err.employer_not_approved")
        }
        (Submit, Draft, Actor::Employer | Actor::Staff) => Pending,
        (Approve, Pending, Actor::Staff) => Published,
        (Reject, Pending | Published, Actor::Staff) => Draft,
        (Withdraw, Draft | Pending | Published, Actor::Employer | Actor::Staff) => Withdrawn,
        (Fill, Published, Actor::Employer | Actor::Staff) => Filled,
        (Renew, Published, Actor::Employer | Actor::Staff) => Published,
        (Expire, Published, Actor::System) => Expired,
        (Approve | Reject, _, Actor::Employer) => return Err("err.forbidden"),
        _ => return Err("vacancies.err.transition"),
    };
    Ok(to)
}

/// What the daily check does to a published vacancy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upkeep {
    Nothing,
    /// Tell the employer it will expire in a few days unless renewed.
    Warn,
    Expire,
}

pub fn upkeep(
    now: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    warned_at: Option<DateTime<Utc>>,
    deadline: NaiveDate,
    today: NaiveDate,
) -> Upkeep {
    let idle = (now - updated_at).num_days();
    if idle >= STALE_DAYS || deadline < today {
        Upkeep::Expire
    } else if idle >= STALE_DAYS - WARN_DAYS_BEFORE && warned_at.is_none_or(|w| w < updated_at) {
        Upkeep::Warn
    } else {
        Upkeep::Nothing
    }
}

/// The status of an application after the employer's (or applicant's) step.
pub fn application_step(from: AppStatus, to: AppStatus, by_applicant: bool) -> Result<AppStatus, &'static str> {
    use AppStatus::*;
    let ok = match (from, to) {
        (New | Reviewing | Interview, Withdrawn) => by_applicant,
        (_, Withdrawn) => false,
        (New, Reviewing | Interview | Accepted | Refused) => !by_applicant,
        (Reviewing, Interview | Accepted | Refused) => !by_applicant,
        (Interview, Accepted | Refused) => !by_applicant,
        // A new invitation: the interview moved.
        (Interview, Interview) => !by_applicant,
        _ => false,
    };
    if ok {
        Ok(to)
    } else {
        Err("vacancies.err.transition")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn good() -> VacancyInput {
        VacancyInput {
            title: "Thợ hàn điện".into(),
            occupation_isco: "7212".into(),
            positions: "5".into(),
            qualification: "elementary".into(),
            experience_years: "1".into(),
            wage_min: "8.000.000".into(),
            wage_max: "12000000".into(),
            contract_type: "fixed_term".into(),
            workplace: "ward".into(),
            work_ward_code: "22504".into(),
            deadline: "31/12/2026".into(),
            description: "Hàn kết cấu thép cho xưởng đóng tàu.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_vacancy() {
        let v = validate(&good(), refdata::refdata(), day(2026, 11, 27)).unwrap();
        assert_eq!((v.wage_min, v.wage_max), (Some(8_000_000), Some(12_000_000)));
        assert_eq!(v.work_province_code.as_deref(), Some("56"));
        assert_eq!(v.flagged, None);
        let negotiable = VacancyInput { wage_min: "".into(), wage_max: "".into(), ..good() };
        assert_eq!(validate(&negotiable, refdata::refdata(), day(2026, 11, 27)).unwrap().wage_max, None);
    }

    #[test]
    fn bad_input_is_named() {
        let bad = VacancyInput {
            occupation_isco: "9999".into(),
            wage_min: "15000000".into(),
            wage_max: "9000000".into(),
            age_min: "40".into(),
            age_max: "20".into(),
            deadline: "01/11/2026".into(),
            title: "x".repeat(201),
            workplace: "province".into(),
            work_province_code: "99".into(),
            ..good()
        };
        let f: Vec<(String, String)> = validate(&bad, refdata::refdata(), day(2026, 11, 27))
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        for (field, code) in [
            ("title", "err.too_long"),
            ("occupation_isco", "err.occupation.unknown"),
            ("age_max", "vacancies.err.age_range"),
            ("wage_max", "vacancies.err.wage_range"),
            ("work_province_code", "err.code.unknown"),
            ("deadline", "vacancies.err.deadline_past"),
        ] {
            assert!(f.contains(&(field.into(), code.into())), "{field} {code} in {f:?}");
        }
    }

    #[test]
    fn asking_for_one_sex_is_flagged() {
        assert_eq!(sex_requirement("Tuyển 5 thợ hàn, chỉ tuyển nam."), Some("chi tuyen nam"));
        assert_eq!(sex_requirement("Ưu tiên NỮ, ngoại hình khá"), Some("uu tien nu"));
        assert_eq!(sex_requirement("Female only"), Some("female only"));
        // "năm" (year) and "Nam" (south) are not a sex.
        assert_eq!(sex_requirement("Kinh nghiệm 2 năm, làm việc tại miền Nam"), None);
        assert_eq!(sex_requirement("Lao động năm 2026"), None);
        let v = validate(
            &VacancyInput { requirements: "Giới tính: Nam, cao 1m65".into(), ..good() },
            refdata::refdata(),
            day(2026, 11, 27),
        )
        .unwrap();
        assert_eq!(v.flagged.as_deref(), Some("gioi tinh nam"));
    }

    #[test]
    fn states() {
        use Status::*;
        use Transition::*;
        assert_eq!(transition(Draft, Submit, Actor::Employer, true), Ok(Pending));
        assert_eq!(transition(Draft, Submit, Actor::Employer, false), Err("vacancies.err.employer_not_approved"));
        assert_eq!(transition(Pending, Approve, Actor::Staff, true), Ok(Published));
        assert_eq!(transition(Pending, Approve, Actor::Employer, true), Err("err.forbidden"));
        assert_eq!(transition(Published, Fill, Actor::Employer, true), Ok(Filled));
        assert_eq!(transition(Published, Expire, Actor::System, true), Ok(Expired));
        assert_eq!(transition(Expired, Renew, Actor::Employer, true), Err("vacancies.err.transition"));
        assert_eq!(transition(Filled, Withdraw, Actor::Employer, true), Err("vacancies.err.transition"));
    }

    #[test]
    fn sixty_days_with_a_warning_first() {
        let now = Utc::now();
        let t = |d: i64| now - chrono::Duration::days(d);
        let today = day(2026, 11, 27);
        let far = day(2027, 6, 1);
        assert_eq!(upkeep(now, t(10), None, far, today), Upkeep::Nothing);
        assert_eq!(upkeep(now, t(53), None, far, today), Upkeep::Warn);
        assert_eq!(upkeep(now, t(54), Some(t(1)), far, today), Upkeep::Nothing, "warned once");
        assert_eq!(upkeep(now, t(60), Some(t(1)), far, today), Upkeep::Expire);
        assert_eq!(upkeep(now, t(1), None, day(2026, 11, 26), today), Upkeep::Expire, "deadline passed");
    }

    #[test]
    fn application_steps() {
        use AppStatus::*;
        assert_eq!(application_step(New, Interview, false), Ok(Interview));
        assert_eq!(application_step(Interview, Accepted, false), Ok(Accepted));
        assert!(application_step(Accepted, Refused, false).is_err());
        assert!(application_step(New, Accepted, true).is_err(), "an applicant cannot accept themselves");
        assert_eq!(application_step(Reviewing, Withdrawn, true), Ok(Withdrawn));
        assert!(application_step(Reviewing, Withdrawn, false).is_err());
        assert_eq!(application_step(Interview, Interview, false), Ok(Interview), "rescheduled");
        assert!(application_step(Interview, Interview, true).is_err());
    }
}
