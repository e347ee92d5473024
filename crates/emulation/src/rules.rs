//! Emulation's rules, as pure functions: reading what a form or the API
//! sends (every problem named by its field), the hints on a recipient's
//! history, the report's counts, and which files an initiative may carry.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use platform::error::FieldError;
use platform::validate::Checker;
use serde_json::Value;

use crate::catalog;
use crate::model::*;

/// Largest attachment kept.
pub const MAX_FILE: usize = 10 << 20;
/// Files an initiative keeps at most.
pub const MAX_FILES: i64 = 10;

/// What a JSON value or a form field says, as text ("" for nothing).
pub fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// The key a person or a unit is known by however its name was typed:
/// folded (no diacritics, lower case) with single spaces.
pub fn key(name: &str) -> String {
    platform::fold::fold_words(name).join(" ")
}

fn year_of(c: &mut Checker, field: &str, v: &Value, today: NaiveDate) -> i32 {
    c.number(field, &text_of(v), 2000, i64::from(today.year()) + 1).map_or(0, |y| y as i32)
}

/// A day that must be given (dd/mm/yyyy or YYYY-MM-DD), named by `field` when not.
fn day_of(c: &mut Checker, field: &str, s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let d = platform::i18n::parse_date(s);
    if d.is_none() {
        c.fail(field, if s.is_empty() { "err.required" } else { "err.date.invalid" });
    }
    d
}

/// The day of a decision: given, not before 2000, not in the future.
fn date_of(c: &mut Checker, field: &str, s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match day_of(c, field, s)? {
        d if d > today => {
            c.fail(field, "em.err.future");
            None
        }
        d if d.year() < 2000 => {
            c.fail(field, "err.date.invalid");
            None
        }
        d => Some(d),
    }
}

/// A checked new initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInitiative {
    pub title: String,
    pub field: Field,
    pub unit: String,
    pub authors: Vec<String>,
    pub year: i32,
    pub description: String,
    pub expected_effect: Option<String>,
}

impl NewInitiative {
    /// What search reads: title, authors and unit, folded.
    pub fn search(&self) -> String {
        key(&format!("{} {} {}", self.title, self.authors.join(" "), self.unit))
    }
}

/// A list as JSON sends it (each item text on one line) or as a form's
/// text area does (`separators` part it); anything else is refused.
fn list_of(c: &mut Checker, field: &str, v: &Value, separators: &[char]) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.replace(['\n', '\r'], " ")),
                Value::Number(_) => Some(text_of(i)),
                _ => {
                    c.fail(field, "em.err.not_text");
                    None
                }
            })
            .collect(),
        Value::Object(_) => {
            c.fail(field, "em.err.not_text");
            vec![]
        }
        other => text_of(other).split(separators).map(str::to_owned).collect(),
    }
}

/// The authors: a JSON list, or text with one a line (commas or semicolons
/// also part them).
fn authors_of(c: &mut Checker, v: &Value) -> Vec<String> {
    let raw = list_of(c, "authors", v, &['\n', ';', ',']);
    let mut out = Vec::new();
    for a in raw {
        if let Some(a) = c.text("authors", &a, 100) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    if out.is_empty() && !c.errors.iter().any(|e| e.field == "authors") {
        c.fail("authors", "err.required");
    }
    if out.len() > 20 {
        c.fail("authors", "em.err.too_many_authors");
    }
    out
}

pub fn initiative(input: &InitiativeInput, today: NaiveDate) -> Result<NewInitiative, Vec<FieldError>> {
    let mut c = Checker::new();
    let title = c.required("title", &input.title, 300);
    let field = c.pick("field", &input.field, &Field::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>());
    let unit = c.required("unit", &input.unit, 200);
    let authors = authors_of(&mut c, &input.authors);
    let year = year_of(&mut c, "year", &input.year, today);
    if text_of(&input.year).trim().is_empty() && !c.errors.iter().any(|e| e.field == "year") {
        c.fail("year", "err.required");
    }
    let description = c.required("description", &input.description, 10_000);
    let expected_effect = c.text("expected_effect", &input.expected_effect, 5_000);
    c.finish(()).map(|()| NewInitiative {
        title,
        field: field.and_then(Field::parse).unwrap_or(Field::Other),
        unit,
        authors,
        year,
        description,
        expected_effect,
    })
}

/// A council member's score: the member named, 0–100.
pub fn score(input: &ScoreInput) -> Result<(String, i64), Vec<FieldError>> {
    let mut c = Checker::new();
    let member = c.required("member", &input.member, 100);
    let raw = text_of(&input.score);
    let score = c.number("score", &raw, 0, 100);
    if raw.trim().is_empty() {
        c.fail("score", "err.required");
    }
    c.finish(()).map(|()| (member, score.unwrap_or(0)))
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub recognised: bool,
    pub decision_no: Option<String>,
    pub decision_date: Option<NaiveDate>,
    pub scope: Option<Scope>,
}

fn yes_no(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        other => match text_of(other).trim() {
            "true" | "1" | "yes" | "có" => Some(true),
            "false" | "0" | "no" | "không" => Some(false),
            _ => None,
        },
    }
}

/// A decision on an initiative submitted in `submitted`: recognising needs
/// its number, date (not before the year it was submitted, not in the
/// future) and scope; refusing needs neither.
pub fn decision(input: &DecisionInput, submitted: i32, today: NaiveDate) -> Result<Decision, Vec<FieldError>> {
    let mut c = Checker::new();
    let recognised = yes_no(&input.recognised);
    if recognised.is_none() {
        c.fail("recognised", "err.required");
    }
    let recognised = recognised.unwrap_or(false);
    let decision_no = c.text("decision_no", &input.decision_no, 50);
    let (mut decision_date, mut scope) = (None, None);
    if recognised || !input.decision_date.trim().is_empty() {
        decision_date = date_of(&mut c, "decision_date", &input.decision_date, today);
        if decision_date.is_some_and(|d| d.year() < submitted) {
            c.fail("decision_date", "em.err.before_submission");
        }
    }
    if recognised {
        if decision_no.is_none() && !c.errors.iter().any(|e| e.field == "decision_no") {
            c.fail("decision_no", "err.required");
        }
        scope = c
            .pick("scope", &input.scope, &Scope::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>())
            .and_then(Scope::parse);
    }
    c.finish(Decision { recognised, decision_no, decision_date, scope })
}

/// A checked award.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAward {
    pub kind: String,
    pub level: String,
    pub recipient_kind: RecipientKind,
    pub recipient: String,
    pub unit: Option<String>,
    pub decision_no: String,
    pub decision_date: NaiveDate,
    /// The year the award is for: the decision's, or the year before it (a
    /// year's titles are often decided early the next).
    pub year: i32,
}

pub fn award(input: &AwardInput, today: NaiveDate) -> Result<NewAward, Vec<FieldError>> {
    let mut c = Checker::new();
    let kinds: Vec<&str> = catalog::catalog().iter().map(|a| a.kind.as_str()).collect();
    let kind = c.pick("kind", &input.kind, &kinds);
    let found = kind.and_then(|k| {
        let f = catalog::find(k, input.level.trim());
        if f.is_none() {
            c.fail("level", if input.level.trim().is_empty() { "err.required" } else { "err.code.unknown" });
        }
        f
    });
    let who = c.pick("recipient_kind", &input.recipient_kind, &["person", "unit"]).and_then(RecipientKind::parse);
    if let (Some(a), Some(w)) = (found, who) {
        if !a.allows(w) {
            c.fail("recipient_kind", "em.err.not_for_recipient");
        }
    }
    let recipient = c.required("recipient", &input.recipient, 200);
    let unit = c.text("unit", &input.unit, 200);
    let decision_no = c.required("decision_no", &input.decision_no, 50);
    let decision_date = date_of(&mut c, "decision_date", &input.decision_date, today);
    let year = match (text_of(&input.year).trim(), decision_date) {
        ("", Some(d)) => Some(d.year()),
        (y, Some(d)) => match y.parse::<i32>() {
            Ok(y) if y == d.year() || y + 1 == d.year() => Some(y),
            _ => {
                c.fail("year", "em.err.award_year");
                None
            }
        },
        (_, None) => None,
    };
    c.finish(()).map(|()| {
        let a = found.expect("checked");
        NewAward {
            kind: a.kind.clone(),
            level: a.level.clone(),
            recipient_kind: who.expect("checked"),
            recipient,
            unit,
            decision_no,
            decision_date: decision_date.expect("checked"),
            year: year.expect("checked"),
        }
    })
}

/// A checked movement.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMovement {
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub criteria: String,
    pub units: Vec<String>,
}

pub fn movement(input: &MovementInput) -> Result<NewMovement, Vec<FieldError>> {
    let mut c = Checker::new();
    let title = c.required("title", &input.title, 300);
    let starts_on = day_of(&mut c, "starts_on", &input.starts_on);
    let ends_on = day_of(&mut c, "ends_on", &input.ends_on);
    if let (Some(a), Some(b)) = (starts_on, ends_on) {
        if b < a {
            c.fail("ends_on", "em.err.ends_before");
        }
    }
    let criteria = c.required("criteria", &input.criteria, 10_000);
    let raw = list_of(&mut c, "units", &input.units, &['\n']);
    let mut units: Vec<String> = Vec::new();
    for u in raw {
        if let Some(u) = c.text("units", &u, 200) {
            if !units.contains(&u) {
                units.push(u);
            }
        }
    }
    if units.is_empty() && !c.errors.iter().any(|e| e.field == "units") {
        c.fail("units", "err.required");
    }
    c.finish(()).map(|()| NewMovement {
        title,
        starts_on: starts_on.expect("checked"),
        ends_on: ends_on.expect("checked"),
        criteria,
        units,
    })
}

/// A checked commitment.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommitment {
    pub registrant_kind: RecipientKind,
    pub registrant: String,
    pub unit: String,
    pub commitment: String,
}

/// A commitment to `m`: a unit registers as one of the movement's units;
/// a person, with their unit, as someone of one of them.
pub fn commitment(input: &CommitmentInput, m: &Movement) -> Result<NewCommitment, Vec<FieldError>> {
    let mut c = Checker::new();
    let kind = c.pick("registrant_kind", &input.registrant_kind, &["person", "unit"]).and_then(RecipientKind::parse);
    let registrant = c.required("registrant", &input.registrant, 200);
    let unit = match kind {
        Some(RecipientKind::Unit) if input.unit.trim().is_empty() => registrant.clone(),
        _ => c.required("unit", &input.unit, 200),
    };
    if !unit.is_empty() && !m.units.iter().any(|u| key(u) == key(&unit)) {
        c.fail("unit", "em.err.unit_not_in_movement");
    }
    let commitment = c.required("commitment", &input.commitment, 5_000);
    // The unit as the movement writes it.
    let unit = m.units.iter().find(|u| key(u) == key(&unit)).cloned().unwrap_or(unit);
    c.finish(()).map(|()| NewCommitment { registrant_kind: kind.expect("checked"), registrant, unit, commitment })
}

/// A checked review: mid-term, or final with its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub final_stage: bool,
    pub assessment: String,
    pub achieved: Option<bool>,
}

pub fn review(input: &ReviewInput) -> Result<Review, Vec<FieldError>> {
    let mut c = Checker::new();
    let stage = c.pick("stage", &input.stage, &["mid", "final"]);
    let assessment = c.required("assessment", &input.assessment, 5_000);
    let achieved = yes_no(&input.achieved);
    if stage == Some("final") && achieved.is_none() {
        c.fail("achieved", "err.required");
    }
    c.finish(()).map(|()| Review {
        final_stage: stage == Some("final"),
        assessment,
        achieved: if stage == Some("final") { achieved } else { None },
    })
}

/// What a recipient's history makes them eligible to be proposed for: each
/// title of the catalog that asks for a lower one so many consecutive years,
/// when the latest run of years ends in the last year held and the higher
/// title was not given since the run began.
pub fn hints(history: &[(String, String, i32)]) -> Vec<Hint> {
    let mut out = Vec::new();
    for a in catalog::catalog() {
        let Some((rk, rl, times)) = &a.requires else { continue };
        let mut years: Vec<i32> = history.iter().filter(|(k, l, _)| k == rk && l == rl).map(|(_, _, y)| *y).collect();
        years.sort_unstable();
        years.dedup();
        let Some(&last) = years.last() else { continue };
        // The run of consecutive years ending in the last one.
        let mut run = vec![last];
        for y in years.iter().rev().skip(1) {
            if *y == run[run.len() - 1] - 1 {
                run.push(*y);
            } else {
                break;
            }
        }
        run.reverse();
        if run.len() < *times as usize {
            continue;
        }
        let run: Vec<i32> = run[run.len() - *times as usize..].to_vec();
        let given_since = history.iter().any(|(k, l, y)| *k == a.kind && *l == a.level && *y >= run[0]);
        if !given_since {
            out.push(Hint {
                kind: a.kind.clone(),
                level: a.level.clone(),
                because_kind: rk.clone(),
                because_level: rl.clone(),
                years: run,
            });
        }
    }
    out
}

/// One recognised initiative, as the report counts it.
#[derive(Debug, Clone)]
pub struct Recognised {
    pub field: Field,
    pub unit: String,
    pub scope: Option<Scope>,
    pub decided: i32,
}

/// The report of `from..=to`: initiatives in the year of their recognition
/// decision, awards in their decision's year; the counts ranked, largest first.
pub fn report(from: i32, to: i32, initiatives: &[Recognised], awards: &[(String, String, i32)]) -> Report {
    let within = |y: i32| (from..=to).contains(&y);
    let mut by_field: BTreeMap<Field, i64> = BTreeMap::new();
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    let mut by_scope: BTreeMap<Scope, i64> = BTreeMap::new();
    let mut by_unit: BTreeMap<String, i64> = BTreeMap::new();
    let mut total = 0;
    for i in initiatives.iter().filter(|i| within(i.decided)) {
        total += 1;
        *by_field.entry(i.field).or_default() += 1;
        *by_year.entry(i.decided).or_default() += 1;
        if let Some(s) = i.scope {
            *by_scope.entry(s).or_default() += 1;
        }
        *by_unit.entry(i.unit.clone()).or_default() += 1;
    }
    let mut award_counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (k, l, _) in awards.iter().filter(|a| within(a.2)) {
        *award_counts.entry((k.clone(), l.clone())).or_default() += 1;
    }
    // Awards in the catalog's order (its kinds from the lowest level up).
    let order =
        |k: &str, l: &str| catalog::catalog().iter().position(|a| a.kind == k && a.level == l).unwrap_or(usize::MAX);
    let mut awards: Vec<AwardCount> =
        award_counts.into_iter().map(|((kind, level), count)| AwardCount { kind, level, count }).collect();
    awards.sort_by_key(|a| order(&a.kind, &a.level));
    let mut by_unit: Vec<UnitCount> = by_unit.into_iter().map(|(unit, count)| UnitCount { unit, count }).collect();
    by_unit.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.unit.cmp(&b.unit)));
    Report {
        from_year: from,
        to_year: to,
        initiatives_recognised: total,
        by_field: by_field.into_iter().map(|(field, count)| FieldCount { field, count }).collect(),
        by_year: by_year.into_iter().map(|(year, count)| YearCount { year, count }).collect(),
        by_scope: by_scope.into_iter().map(|(scope, count)| ScopeCount { scope, count }).collect(),
        by_unit,
        awards,
    }
}

/// The type of an attachment, from its first bytes (the name's extension
/// alone is not trusted): PDF, DOCX, PNG or JPEG; anything else is refused.
pub fn sniff(name: &str, bytes: &[u8]) -> Result<&'static str, &'static str> {
    let lower = name.to_lowercase();
    if bytes.is_empty() {
        return Err("em.err.file_empty");
    }
    if bytes.len() > MAX_FILE {
        return Err("em.err.file_large");
    }
    if bytes.starts_with(b"%PDF-") {
        return Ok("application/pdf");
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok("image/png");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok("image/jpeg");
    }
    // A DOCX is a zip holding word/document.xml (its name is in the zip's
    // directory, stored uncompressed).
    if bytes.starts_with(b"PK\x03\x04")
        && lower.ends_with(".docx")
        && bytes.windows(17).any(|w| w == b"word/document.xml")
    {
        return Ok("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    Err("em.err.file_type")
}

/// A file name safe to keep and to send back: its last path part, without
/// control characters or quotes, at most 120 characters.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !platform::validate::unsafe_char(*c) && !c.is_control() && !matches!(c, '"' | ';'))
        .take(120)
        .collect::<String>()
        .trim()
        .to_owned();
    if clean.is_empty() {
        "tep-dinh-kem".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn fields(e: &[FieldError]) -> Vec<&str> {
        e.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn an_initiative_is_read_from_json_or_a_form() {
        let today = day(2026, 12, 2);
        let json = InitiativeInput {
            title: " Đổi mới đào tạo nghề ".into(),
            field: "vocational_training".into(),
            unit: "Trường Cao đẳng Nghề Nha Trang".into(),
            authors: json!(["Lê Thị Hoa", "Trần Văn Bình", "Lê Thị Hoa"]),
            year: json!(2022),
            description: "Mô tả".into(),
            ..Default::default()
        };
        let i = initiative(&json, today).unwrap();
        assert_eq!(i.title, "Đổi mới đào tạo nghề");
        assert_eq!(i.authors, vec!["Lê Thị Hoa", "Trần Văn Bình"]);
        assert_eq!((i.year, i.field), (2022, Field::VocationalTraining));
        assert!(i.search().contains("doi moi dao tao nghe") && i.search().contains("tran van binh"));
        let one_line = InitiativeInput { authors: json!(["Lê Thị Hoa\nTrần Văn Bình"]), ..json.clone() };
        assert_eq!(
            initiative(&one_line, today).unwrap().authors,
            vec!["Lê Thị Hoa Trần Văn Bình"],
            "a JSON item is one author"
        );
        let object = InitiativeInput { authors: json!([{"name": "A"}]), ..json.clone() };
        assert_eq!(initiative(&object, today).unwrap_err()[0].code, "em.err.not_text");
        let form =
            InitiativeInput {
                authors: json!("Lê Thị Hoa\nTrần Văn Bình; Phạm An"), year: json!("2022"), ..json
            };
        assert_eq!(initiative(&form, today).unwrap().authors.len(), 3);
        let bad = InitiativeInput { field: "sport".into(), year: json!(2030), authors: json!(""), ..form };
        assert_eq!(fields(&initiative(&bad, today).unwrap_err()), vec!["field", "authors", "year"]);
        let nul = InitiativeInput { title: "a\u{0}b".into(), year: json!(""), ..Default::default() };
        let e = initiative(&nul, today).unwrap_err();
        assert!(e.iter().any(|e| e.field == "title" && e.code == "err.control_chars"));
        assert!(e.iter().any(|e| e.field == "year" && e.code == "err.required"));
    }

    #[test]
    fn scores_are_0_to_100_by_a_named_member() {
        assert_eq!(score(&ScoreInput { member: "Ô. Nam".into(), score: json!(85) }).unwrap(), ("Ô. Nam".into(), 85));
        assert_eq!(score(&ScoreInput { member: "A".into(), score: json!("90") }).unwrap().1, 90);
        assert_eq!(
            fields(&score(&ScoreInput { member: "".into(), score: json!(101) }).unwrap_err()),
            vec!["member", "score"]
        );
        assert_eq!(fields(&score(&ScoreInput { member: "A".into(), score: json!(-1) }).unwrap_err()), vec!["score"]);
        assert_eq!(fields(&score(&ScoreInput { member: "A".into(), score: Value::Null }).unwrap_err()), vec!["score"]);
    }

    #[test]
    fn recognising_needs_number_date_and_scope() {
        let today = day(2026, 12, 2);
        let ok = DecisionInput {
            recognised: json!(true),
            decision_no: "125/QĐ-SLĐTBXH".into(),
            decision_date: "15/12/2022".into(),
            scope: "department".into(),
        };
        let d = decision(&ok, 2022, today).unwrap();
        assert_eq!((d.recognised, d.decision_date, d.scope), (true, Some(day(2022, 12, 15)), Some(Scope::Department)));
        let form = DecisionInput { recognised: json!("true"), ..ok.clone() };
        assert!(decision(&form, 2022, today).unwrap().recognised);
        let missing = DecisionInput { recognised: json!(true), ..Default::default() };
        assert_eq!(
            fields(&decision(&missing, 2022, today).unwrap_err()),
            vec!["decision_date", "decision_no", "scope"]
        );
        let early = DecisionInput { decision_date: "2021-06-01".into(), ..ok.clone() };
        assert_eq!(fields(&decision(&early, 2022, today).unwrap_err()), vec!["decision_date"]);
        let future = DecisionInput { decision_date: "2027-01-01".into(), ..ok };
        assert_eq!(decision(&future, 2022, today).unwrap_err()[0].code, "em.err.future");
        let refused = DecisionInput { recognised: json!(false), ..Default::default() };
        let d = decision(&refused, 2022, today).unwrap();
        assert_eq!((d.recognised, d.scope, d.decision_date), (false, None, None));
        assert_eq!(fields(&decision(&DecisionInput::default(), 2022, today).unwrap_err()), vec!["recognised"]);
    }

    #[test]
    fn an_award_is_of_the_catalog_and_for_its_recipients() {
        let today = day(2026, 12, 2);
        let input = AwardInput {
            kind: "bang_khen".into(),
            level: "prime_minister".into(),
            recipient_kind: "unit".into(),
            recipient: "Sở Lao động - Thương binh và Xã hội".into(),
            decision_no: "1234/QĐ-TTg".into(),
            decision_date: "2023-10-20".into(),
            ..Default::default()
        };
        let a = award(&input, today).unwrap();
        assert_eq!(
            (a.kind.as_str(), a.level.as_str(), a.recipient_kind),
            ("bang_khen", "prime_minister", RecipientKind::Unit)
        );
        assert_eq!(a.year, 2023, "the decision's year unless told");
        let for_2022 = AwardInput { year: json!(2022), ..input.clone() };
        assert_eq!(award(&for_2022, today).unwrap().year, 2022, "a year's title decided early the next");
        let far = AwardInput { year: json!("2019"), ..input.clone() };
        assert_eq!(award(&far, today).unwrap_err()[0].code, "em.err.award_year");
        let unknown = AwardInput { level: "village".into(), ..input.clone() };
        assert_eq!(fields(&award(&unknown, today).unwrap_err()), vec!["level"]);
        let wrong = AwardInput { kind: "chien_si_thi_dua".into(), level: "grassroots".into(), ..input.clone() };
        assert_eq!(award(&wrong, today).unwrap_err()[0].code, "em.err.not_for_recipient");
        let empty = award(&AwardInput::default(), today).unwrap_err();
        assert_eq!(fields(&empty), vec!["kind", "recipient_kind", "recipient", "decision_no", "decision_date"]);
    }

    fn held(k: &str, l: &str, y: i32) -> (String, String, i32) {
        (k.into(), l.into(), y)
    }

    #[test]
    fn three_grassroots_years_in_a_row_hint_the_provincial_title() {
        let titles = |h: &[Hint]| h.iter().map(|h| format!("{}/{}", h.kind, h.level)).collect::<Vec<_>>();
        // Two years in a row: the provincial certificate of merit (Điều 74), not yet the title.
        let h = hints(&[held("chien_si_thi_dua", "grassroots", 2022), held("chien_si_thi_dua", "grassroots", 2023)]);
        assert_eq!(titles(&h), vec!["bang_khen/province"]);
        assert_eq!(h[0].years, vec![2022, 2023]);
        let run = [
            held("chien_si_thi_dua", "grassroots", 2020),
            held("chien_si_thi_dua", "grassroots", 2022),
            held("chien_si_thi_dua", "grassroots", 2023),
            held("chien_si_thi_dua", "grassroots", 2024),
            held("bang_khen", "province", 2023),
        ];
        let h = hints(&run);
        assert_eq!(titles(&h), vec!["chien_si_thi_dua/province"]);
        assert_eq!(h[0].years, vec![2022, 2023, 2024]);
        // A gap ends the run.
        let gap = [
            held("chien_si_thi_dua", "grassroots", 2021),
            held("chien_si_thi_dua", "grassroots", 2022),
            held("chien_si_thi_dua", "grassroots", 2024),
        ];
        assert!(hints(&gap).is_empty());
        // Given already: no hint; and the provincial title twice hints the national one.
        let mut given = run.to_vec();
        given.push(held("chien_si_thi_dua", "province", 2024));
        assert!(hints(&given).is_empty());
        given.push(held("chien_si_thi_dua", "province", 2025));
        let h = hints(&given);
        assert_eq!(titles(&h), vec!["chien_si_thi_dua/national"]);
        assert_eq!(h[0].years, vec![2024, 2025]);
    }

    #[test]
    fn the_report_counts_by_decision_year() {
        let r = |field, unit: &str, scope, decided| Recognised { field, unit: unit.into(), scope, decided };
        let list = [
            r(Field::VocationalTraining, "B", Some(Scope::Department), 2021),
            r(Field::VocationalTraining, "A", Some(Scope::Unit), 2022),
            r(Field::SocialCare, "A", Some(Scope::Province), 2022),
            r(Field::SocialCare, "A", Some(Scope::Province), 2020),
        ];
        let awards = [
            held("bang_khen", "province", 2022),
            held("bang_khen", "province", 2023),
            held("bang_khen", "prime_minister", 2023),
            held("giay_khen", "department", 2019),
        ];
        let rep = report(2021, 2023, &list, &awards);
        assert_eq!(rep.initiatives_recognised, 3);
        assert_eq!(
            rep.by_field,
            vec![
                FieldCount { field: Field::VocationalTraining, count: 2 },
                FieldCount { field: Field::SocialCare, count: 1 }
            ]
        );
        assert_eq!(rep.by_year, vec![YearCount { year: 2021, count: 1 }, YearCount { year: 2022, count: 2 }]);
        assert_eq!(rep.by_unit[0], UnitCount { unit: "A".into(), count: 2 });
        assert_eq!(rep.by_scope.len(), 3);
        let kinds: Vec<(&str, &str, i64)> =
            rep.awards.iter().map(|a| (a.kind.as_str(), a.level.as_str(), a.count)).collect();
        assert_eq!(kinds, vec![("bang_khen", "province", 2), ("bang_khen", "prime_minister", 1)]);
    }

    #[test]
    fn only_documents_and_images_are_kept() {
        assert_eq!(sniff("a.pdf", b"%PDF-1.7 ...").unwrap(), "application/pdf");
        assert_eq!(sniff("x.bin", b"\x89PNG\r\n\x1a\n....").unwrap(), "image/png");
        assert_eq!(sniff("a.jpg", &[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        let docx = b"PK\x03\x04....[Content_Types].xml....word/document.xml....";
        assert!(sniff("De tai.docx", docx).unwrap().contains("wordprocessingml"));
        assert_eq!(sniff("a.docx", b"PK\x03\x04 xl/workbook.xml").unwrap_err(), "em.err.file_type");
        assert_eq!(sniff("a.pdf", b"<html><script>").unwrap_err(), "em.err.file_type");
        assert_eq!(sniff("a.exe", b"MZ\x90\x00").unwrap_err(), "em.err.file_type");
        assert_eq!(sniff("a.pdf", b"").unwrap_err(), "em.err.file_empty");
        assert_eq!(sniff("a.pdf", &vec![b'%'; MAX_FILE + 1]).unwrap_err(), "em.err.file_large");
        assert_eq!(file_name("C:\\Users\\x\\Đề tài \"mới\".pdf"), "Đề tài mới.pdf");
        assert_eq!(file_name("../../"), "tep-dinh-kem");
    }
}
