//! How well a person and a vacancy fit (độ phù hợp), as pure functions:
//! hard filters first, then weighted fits, each with its share of the score
//! and the reasons and gaps a person reads.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What the score weighs, and how much: read from `matching.toml` (see
/// `config/matching.toml` for the documented defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Same unit group, minor, sub-major or major group (ISCO-08).
    pub occupation: f64,
    /// Meets, exceeds or falls short of the required qualification.
    pub qualification: f64,
    /// Straight-line distance between the two communes' centroids.
    pub distance: f64,
    /// Expected wage against the offer.
    pub wage: f64,
    /// Experience asked for against the person's work in that occupation.
    pub experience: f64,
    /// What the person says they need (a job, training, work abroad).
    pub needs: f64,
    /// Words in common between the person's record and the vacancy's text.
    pub words: f64,
    /// Distance at which the distance fit reaches zero (km).
    pub max_km: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            occupation: 35.0,
            qualification: 20.0,
            distance: 15.0,
            wage: 10.0,
            experience: 8.0,
            needs: 7.0,
            words: 5.0,
            max_km: 100.0,
        }
    }
}

impl Weights {
    fn total(&self) -> f64 {
        self.occupation + self.qualification + self.distance + self.wage + self.experience + self.needs + self.words
    }

    /// Weights that can make a score: none negative, not all zero.
    pub fn check(&self) -> Result<(), String> {
        let all =
            [self.occupation, self.qualification, self.distance, self.wage, self.experience, self.needs, self.words];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) || self.total() <= 0.0 {
            return Err("weights must be zero or more, and not all zero".into());
        }
        if !(self.max_km.is_finite() && self.max_km > 0.0) {
            return Err("max_km must be more than zero".into());
        }
        Ok(())
    }
}

/// What matching knows of a person (from the registry).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seeker {
    pub id: i64,
    pub ward_code: String,
    pub birth_date: NaiveDate,
    /// Rank of the qualification (0 none … 6 postgraduate).
    pub qualification_rank: u8,
    pub unemployed: bool,
    pub need_job: bool,
    pub need_training: bool,
    pub need_abroad: bool,
    /// ISCO-08 codes of the current and the previous job.
    pub occupations: Vec<String>,
    pub expected_wage: Option<i64>,
    /// Folded words of what the person trained in, their position and the
    /// trade they want to learn.
    pub words: Vec<String>,
    /// Other provinces (2025 codes) the person would go to for work.
    pub work_provinces: Vec<String>,
}

impl Seeker {
    /// Looking for work: unemployed, or a job (or training) need recorded.
    pub fn looking(&self) -> bool {
        self.unemployed || self.need_job || self.need_training || self.need_abroad
    }
}

/// What matching knows of a vacancy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Offer {
    pub id: i64,
    pub employer_id: i64,
    pub published: bool,
    pub deadline: NaiveDate,
    /// When it was published (alerts tell of new vacancies only).
    pub published_on: Option<NaiveDate>,
    pub occupation_isco: String,
    pub qualification_rank: u8,
    /// Its name, for the gap ("thiếu trình độ Trung cấp").
    pub qualification: String,
    pub experience_years: i64,
    pub age_min: Option<i64>,
    pub age_max: Option<i64>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub apprenticeship: bool,
    pub work_ward_code: Option<String>,
    pub work_province_code: Option<String>,
    pub work_country: Option<String>,
    /// Folded words of its title, description and requirements.
    pub words: Vec<String>,
    /// A partner province's vacancy (liên kết tuyển dụng): shown with a link
    /// to its origin, never shortlisted or referred here.
    pub partner: bool,
    /// The other province a partner's vacancy is in: only people willing to
    /// work there are matched. `None` for ours, and for a partner's in our
    /// own province or abroad (the usual rules hold).
    pub partner_province: Option<String>,
}

impl Offer {
    pub fn abroad(&self) -> bool {
        self.work_country.is_some()
    }

    /// In another province the person said they would go to: distance is no
    /// measure of it, as it is none abroad.
    pub fn away(&self) -> bool {
        self.partner_province.is_some()
    }
}

/// Why a pair is not considered at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excluded {
    NotOpen,
    NotLooking,
    Age,
    AbroadNotWanted,
    ProvinceNotWanted,
}

/// Why a pair was left out, for people ("Người này không tìm việc").
pub fn excluded_key(e: Excluded) -> &'static str {
    match e {
        Excluded::NotOpen => "match.excluded.not_open",
        Excluded::NotLooking => "match.excluded.not_looking",
        Excluded::Age => "match.excluded.age",
        Excluded::AbroadNotWanted => "match.excluded.abroad",
        Excluded::ProvinceNotWanted => "match.excluded.province",
    }
}

/// A referral's outcome as recorded: one of [`crate::store::OUTCOMES`], on a
/// day between the referral and today (today when empty), and for a
/// refusal one of [`crate::store::REFUSAL_REASONS`].
pub fn outcome(
    outcome: &str,
    date: &str,
    reason: &str,
    referred_on: NaiveDate,
    today: NaiveDate,
) -> Result<(&'static str, NaiveDate, Option<&'static str>), Vec<platform::error::FieldError>> {
    let mut errors = Vec::new();
    let fail =
        |field: &str, code: &str| platform::error::FieldError { field: field.into(), code: code.into(), row: None };
    let known = crate::store::OUTCOMES.into_iter().find(|o| *o == outcome.trim());
    if known.is_none() {
        errors.push(fail("outcome", if outcome.trim().is_empty() { "err.required" } else { "err.code.unknown" }));
    }
    let day = if date.trim().is_empty() { Some(today) } else { platform::i18n::parse_date(date) };
    match day {
        None => errors.push(fail("date", "err.date.invalid")),
        Some(d) if d > today => errors.push(fail("date", "match.err.date_future")),
        Some(d) if d < referred_on => errors.push(fail("date", "match.err.date_before_referral")),
        _ => {}
    }
    let why = crate::store::REFUSAL_REASONS.into_iter().find(|r| *r == reason.trim());
    if known == Some("refused") && why.is_none() {
        errors.push(fail("reason", if reason.trim().is_empty() { "err.required" } else { "err.code.unknown" }));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((known.expect("checked"), day.expect("checked"), why.filter(|_| known == Some("refused"))))
}

/// Age in whole years on `today`.
fn age(birth: NaiveDate, today: NaiveDate) -> i64 {
    let mut a = i64::from(today.year() - birth.year());
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        a -= 1;
    }
    a
}

/// The hard filters: an open vacancy, a person looking for work, of an
/// age the vacancy accepts; abroad only for those who want it.
pub fn eligible(s: &Seeker, o: &Offer, today: NaiveDate) -> Result<(), Excluded> {
    if !o.published || o.deadline < today {
        return Err(Excluded::NotOpen);
    }
    if !s.looking() {
        return Err(Excluded::NotLooking);
    }
    let a = age(s.birth_date, today);
    if o.age_min.is_some_and(|m| a < m) || o.age_max.is_some_and(|m| a > m) {
        return Err(Excluded::Age);
    }
    if o.abroad() && !s.need_abroad {
        return Err(Excluded::AbroadNotWanted);
    }
    if o.partner_province.as_ref().is_some_and(|p| !s.work_provinces.contains(p)) {
        return Err(Excluded::ProvinceNotWanted);
    }
    Ok(())
}

/// A reason or a gap: a message key and its arguments, read in the
/// viewer's language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

fn note(key: &'static str, args: &[(&'static str, String)]) -> Note {
    Note { key, args: args.to_vec() }
}

/// One weighed part of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Occupation,
    Qualification,
    Distance,
    Wage,
    Experience,
    Needs,
    Words,
}

impl Part {
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Occupation => "occupation",
            Part::Qualification => "qualification",
            Part::Distance => "distance",
            Part::Wage => "wage",
            Part::Experience => "experience",
            Part::Needs => "needs",
            Part::Words => "words",
        }
    }
}

/// A score (0–100) with what made it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub score: f64,
    /// Each part's points out of the 100 (its weight's share times its fit).
    pub parts: Vec<(Part, f64)>,
    pub reasons: Vec<Note>,
    pub gaps: Vec<Note>,
}

/// How close two ISCO-08 codes are: 4 same unit group … 1 same major group.
fn shared_digits(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take(4).take_while(|(x, y)| x == y).count()
}

/// Words not worth counting as "in common".
pub const STOP: [&str; 12] = ["va", "cac", "nhung", "cho", "tai", "the", "and", "with", "lam", "viec", "cong", "nhan"];

/// Whether a folded word can be "in common": three letters or more, not a stop word.
pub fn counts(word: &str) -> bool {
    word.chars().count() >= 3 && !STOP.contains(&word)
}

// Each part's fit (0–1) as a pure function of what it reads: [`score`] adds
// the reasons and gaps, and the column scan of [`crate::index`] calls the
// same functions, so both rank alike.

/// Occupation, from the digits the closest of the person's jobs shares.
pub fn occupation_fit(shared: usize) -> f64 {
    [0.0, 0.25, 0.5, 0.75, 1.0][shared.min(4)]
}

/// Qualification: meeting it is best; exceeding it a little less; each
/// level short costs 0.4.
pub fn qualification_fit(person: u8, asked: u8) -> f64 {
    match person.cmp(&asked) {
        std::cmp::Ordering::Equal => 1.0,
        std::cmp::Ordering::Greater => 0.8,
        std::cmp::Ordering::Less => (1.0 - 0.4 * f64::from(asked - person)).max(0.0),
    }
}

/// Distance: 1 within 5 km (or abroad, where the person asked for it),
/// falling to 0 at `max_km`; 0.2 when either commune has no centroid.
pub fn distance_fit(abroad: bool, km: Option<f64>, max_km: f64) -> f64 {
    match (abroad, km) {
        (true, _) => 1.0,
        (false, Some(km)) if km <= 5.0 => 1.0,
        (false, Some(km)) => (1.0 - (km - 5.0) / (max_km - 5.0).max(1.0)).max(0.0),
        (false, None) => 0.2,
    }
}

/// Wage: the offer's best against what the person expects; 0.5 when
/// either is unknown.
pub fn wage_fit(want: Option<i64>, pay: Option<i64>) -> f64 {
    match (want, pay) {
        (Some(want), Some(pay)) if pay >= want => 1.0,
        (Some(want), Some(pay)) => (1.0 - 2.0 * (1.0 - pay as f64 / want.max(1) as f64)).max(0.0),
        _ => 0.5,
    }
}

/// Experience: none asked, or work in the same minor group (three digits).
pub fn experience_fit(years: i64, shared: usize) -> f64 {
    if years == 0 || shared >= 3 {
        1.0
    } else {
        0.0
    }
}

/// Needs: training wanted for an apprenticeship, abroad for work abroad, a
/// job for a job; half for anyone else looking.
pub fn needs_fit(s: &Needs, apprenticeship: bool, abroad: bool) -> f64 {
    if (apprenticeship && s.training) || (abroad && s.abroad) || s.job || s.unemployed {
        1.0
    } else {
        0.5
    }
}

/// Words in common: three or more is a full fit.
pub fn words_fit(common: usize) -> f64 {
    (common as f64 / 3.0).min(1.0)
}

/// What a person says about looking for work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub unemployed: bool,
    pub job: bool,
    pub training: bool,
    pub abroad: bool,
}

impl Seeker {
    pub fn needs(&self) -> Needs {
        Needs {
            unemployed: self.unemployed,
            job: self.need_job,
            training: self.need_training,
            abroad: self.need_abroad,
        }
    }
}

/// The seven fits of a pair, in [`Part`] order.
pub type Fits = [f64; 7];

impl Weights {
    /// Each part's points for a full fit: its weight's share of 100.
    pub fn coefficients(&self) -> [f64; 7] {
        let weights =
            [self.occupation, self.qualification, self.distance, self.wage, self.experience, self.needs, self.words];
        let total = self.total();
        weights.map(|w| 100.0 * w / total)
    }
}

/// Each part's points out of 100: its coefficient times its fit.
pub fn points(fits: &Fits, w: &Weights) -> [f64; 7] {
    let c = w.coefficients();
    std::array::from_fn(|i| c[i] * fits[i])
}

/// The score (0–100, one decimal) the points add up to, in [`Part`] order.
pub fn total(points: &[f64; 7]) -> f64 {
    round1(points.iter().sum::<f64>())
}

/// To one decimal (half up; scores are never negative).
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

const PARTS: [Part; 7] =
    [Part::Occupation, Part::Qualification, Part::Distance, Part::Wage, Part::Experience, Part::Needs, Part::Words];

/// Score a pair already [`eligible`]. `km` is the distance between the two
/// communes when both are known.
pub fn score(s: &Seeker, o: &Offer, km: Option<f64>, w: &Weights) -> Fit {
    let (mut reasons, mut gaps) = (Vec::new(), Vec::new());

    // Occupation: the closest of the person's jobs.
    let best = s.occupations.iter().map(|c| shared_digits(c, &o.occupation_isco)).max().unwrap_or(0);
    match best {
        4 => reasons.push(note("match.reason.same_occupation", &[])),
        1..=3 => reasons.push(note("match.reason.related_occupation", &[])),
        _ if s.occupations.is_empty() => gaps.push(note("match.gap.no_occupation", &[])),
        _ => gaps.push(note("match.gap.other_occupation", &[])),
    }

    match s.qualification_rank.cmp(&o.qualification_rank) {
        std::cmp::Ordering::Equal => reasons.push(note("match.reason.qualification_meets", &[])),
        std::cmp::Ordering::Greater => reasons.push(note("match.reason.qualification_exceeds", &[])),
        std::cmp::Ordering::Less => gaps.push(note("match.gap.qualification", &[("level", o.qualification.clone())])),
    }

    let distance = distance_fit(o.abroad() || o.away(), km, w.max_km);
    match (&o.work_country, km) {
        (Some(country), _) => reasons.push(note("match.reason.abroad", &[("country", country.clone())])),
        (None, _) if o.away() => reasons.push(note("match.reason.province_wanted", &[])),
        (None, Some(km)) => {
            let shown = format!("{}", km.round() as i64);
            if distance >= 0.5 {
                reasons.push(note("match.reason.near", &[("km", shown)]));
            } else {
                gaps.push(note("match.gap.far", &[("km", shown)]));
            }
        }
        (None, None) => gaps.push(note("match.gap.other_province", &[])),
    }

    let pay = o.wage_max.or(o.wage_min);
    match (s.expected_wage, pay) {
        (Some(want), Some(pay)) if pay >= want => reasons.push(note("match.reason.wage", &[])),
        (Some(_), Some(_)) => gaps.push(note("match.gap.wage", &[])),
        _ => {}
    }

    if o.experience_years > 0 {
        if best >= 3 {
            reasons.push(note("match.reason.experience", &[]));
        } else {
            gaps.push(note("match.gap.experience", &[("years", o.experience_years.to_string())]));
        }
    }

    if o.apprenticeship && s.need_training {
        reasons.push(note("match.reason.wants_training", &[]));
    }

    let common: Vec<&String> = s.words.iter().filter(|x| counts(x) && o.words.contains(x)).collect();
    if !common.is_empty() {
        let shown: Vec<&str> = common.iter().take(3).map(|s| s.as_str()).collect();
        reasons.push(note("match.reason.words", &[("words", shown.join(", "))]));
    }

    let fits = [
        occupation_fit(best),
        qualification_fit(s.qualification_rank, o.qualification_rank),
        distance,
        wage_fit(s.expected_wage, pay),
        experience_fit(o.experience_years, best),
        needs_fit(&s.needs(), o.apprenticeship, o.abroad()),
        words_fit(common.len()),
    ];
    let points = points(&fits, w);
    Fit { score: total(&points), parts: PARTS.into_iter().zip(points).collect(), reasons, gaps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn welder() -> Seeker {
        Seeker {
            id: 1,
            ward_code: "22504".into(),
            birth_date: NaiveDate::from_ymd_opt(1995, 3, 1).unwrap(),
            qualification_rank: 3,
            unemployed: true,
            need_job: true,
            occupations: vec!["7212".into()],
            expected_wage: Some(8_000_000),
            words: vec!["han".into(), "dien".into()],
            ..Default::default()
        }
    }

    fn welding_job() -> Offer {
        Offer {
            id: 9,
            employer_id: 2,
            published: true,
            deadline: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            occupation_isco: "7212".into(),
            qualification_rank: 3,
            qualification: "Trung cấp".into(),
            wage_min: Some(8_000_000),
            wage_max: Some(10_000_000),
            work_ward_code: Some("22504".into()),
            words: vec!["tho".into(), "han".into(), "dien".into()],
            ..Default::default()
        }
    }

    #[test]
    fn the_right_person_scores_high_and_says_why() {
        let f = score(&welder(), &welding_job(), Some(0.0), &Weights::default());
        assert!(f.score > 90.0, "{f:?}");
        let keys: Vec<_> = f.reasons.iter().map(|n| n.key).collect();
        assert!(keys.contains(&"match.reason.same_occupation") && keys.contains(&"match.reason.wage"), "{keys:?}");
        assert!(f.gaps.is_empty(), "{:?}", f.gaps);
        let sum: f64 = f.parts.iter().map(|p| p.1).sum();
        assert!((sum - f.score).abs() < 0.1, "the parts add up to the score");
    }

    #[test]
    fn closer_occupations_score_higher() {
        let w = Weights::default();
        let at = |code: &str| {
            score(&Seeker { occupations: vec![code.into()], ..welder() }, &welding_job(), Some(0.0), &w).score
        };
        assert!(
            at("7212") > at("7213") && at("7213") > at("7233") && at("7233") > at("7411") && at("7411") > at("2411")
        );
    }

    #[test]
    fn gaps_are_named() {
        let s = Seeker { qualification_rank: 1, expected_wage: Some(15_000_000), occupations: vec![], ..welder() };
        let o = Offer { experience_years: 2, ..welding_job() };
        let f = score(&s, &o, Some(42.0), &Weights::default());
        let gaps: Vec<_> = f.gaps.iter().map(|n| (n.key, n.args.clone())).collect();
        assert!(gaps.contains(&("match.gap.qualification", vec![("level", "Trung cấp".to_owned())])), "{gaps:?}");
        assert!(gaps.contains(&("match.gap.wage", vec![])));
        assert!(gaps.contains(&("match.gap.experience", vec![("years", "2".to_owned())])));
        assert!(gaps.contains(&("match.gap.no_occupation", vec![])));
        let near = score(&welder(), &welding_job(), Some(42.0), &Weights::default());
        assert!(near.reasons.iter().any(|n| n.key == "match.reason.near" && n.args == [("km", "42".to_owned())]));
        assert!(score(&welder(), &welding_job(), Some(90.0), &Weights::default())
            .gaps
            .iter()
            .any(|n| n.key == "match.gap.far"));
    }

    #[test]
    fn hard_filters() {
        let (s, o) = (welder(), welding_job());
        assert_eq!(eligible(&s, &o, today()), Ok(()));
        let past = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(eligible(&s, &Offer { deadline: past, ..o.clone() }, today()), Err(Excluded::NotOpen));
        assert_eq!(eligible(&s, &Offer { published: false, ..o.clone() }, today()), Err(Excluded::NotOpen));
        let employed = Seeker { unemployed: false, need_job: false, ..s.clone() };
        assert_eq!(eligible(&employed, &o, today()), Err(Excluded::NotLooking));
        assert_eq!(
            eligible(&s, &Offer { age_max: Some(30), ..o.clone() }, today()),
            Err(Excluded::Age),
            "31 years old"
        );
        assert_eq!(eligible(&s, &Offer { age_max: Some(31), ..o.clone() }, today()), Ok(()));
        let abroad = Offer { work_country: Some("Nhật Bản".into()), work_ward_code: None, ..o.clone() };
        assert_eq!(eligible(&s, &abroad, today()), Err(Excluded::AbroadNotWanted));
        assert_eq!(eligible(&Seeker { need_abroad: true, ..s.clone() }, &abroad, today()), Ok(()));
        // A partner province's vacancy: only for those who would go there.
        let partner = Offer { partner_province: Some("79".into()), work_ward_code: Some("26734".into()), ..o };
        assert_eq!(eligible(&s, &partner, today()), Err(Excluded::ProvinceNotWanted));
        let elsewhere = Seeker { work_provinces: vec!["48".into()], ..s.clone() };
        assert_eq!(eligible(&elsewhere, &partner, today()), Err(Excluded::ProvinceNotWanted));
        let willing = Seeker { work_provinces: vec!["48".into(), "79".into()], ..s };
        assert_eq!(eligible(&willing, &partner, today()), Ok(()));
        // Hundreds of kilometres away, where the person said they would go:
        // distance does not count against it.
        let w = Weights::default();
        let far = score(&willing, &partner, Some(400.0), &w);
        let near = score(&willing, &Offer { partner_province: None, ..partner.clone() }, Some(400.0), &w);
        assert!(far.score > near.score, "{} > {}", far.score, near.score);
        assert!(far.reasons.iter().any(|n| n.key == "match.reason.province_wanted"));
        assert!(!far.gaps.iter().any(|n| n.key == "match.gap.far"));
    }

    #[test]
    fn a_person_who_wants_training_fits_an_apprenticeship() {
        let s = Seeker { need_training: true, need_job: false, unemployed: false, ..welder() };
        let o = Offer { apprenticeship: true, ..welding_job() };
        let f = score(&s, &o, Some(0.0), &Weights::default());
        assert!(f.reasons.iter().any(|n| n.key == "match.reason.wants_training"));
    }

    #[test]
    fn outcomes_are_checked() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(outcome("hired", "", "", on, today()).unwrap(), ("hired", today(), None));
        assert_eq!(
            outcome("interviewed", "25/11/2026", "", on, today()).unwrap().1,
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        );
        assert_eq!(outcome("refused", "", "wage", on, today()).unwrap().2, Some("wage"));
        let fields = |r: Result<_, Vec<platform::error::FieldError>>| {
            r.unwrap_err().into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>()
        };
        assert_eq!(fields(outcome("refused", "", "", on, today())), [("reason".into(), "err.required".into())]);
        assert_eq!(fields(outcome("maybe", "", "", on, today())), [("outcome".into(), "err.code.unknown".into())]);
        assert_eq!(
            fields(outcome("hired", "02/12/2026", "", on, today())),
            [("date".into(), "match.err.date_future".into())]
        );
        assert_eq!(
            fields(outcome("hired", "19/11/2026", "", on, today())),
            [("date".into(), "match.err.date_before_referral".into())]
        );
    }

    #[test]
    fn weights_are_checked() {
        assert!(Weights::default().check().is_ok());
        assert!(Weights { occupation: -1.0, ..Default::default() }.check().is_err());
        let zero = Weights {
            occupation: 0.0,
            qualification: 0.0,
            distance: 0.0,
            wage: 0.0,
            experience: 0.0,
            needs: 0.0,
            words: 0.0,
            max_km: 100.0,
        };
        assert!(zero.check().is_err());
    }
}
