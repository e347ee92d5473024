//! The placements' rules as pure functions: a valid placement, when two
//! records are one job, and a target's pace through the year.

use chrono::{Datelike, NaiveDate};
use platform::error::FieldError;
use platform::validate::Checker;

use crate::model::*;

/// Days within which the same person starting with the same employer is the same job.
pub const SAME_JOB_DAYS: i64 = 30;

/// A country as written: its ISO code, or its Vietnamese or English name
/// (diacritics, case and spaces ignored).
pub fn country(s: &str) -> Option<&'static str> {
    let f = platform::fold::fold(s);
    let f = f.trim();
    if f.is_empty() {
        return None;
    }
    COUNTRIES.iter().find_map(|(code, vi, en)| {
        let hit = code.eq_ignore_ascii_case(f)
            || platform::fold::fold(vi) == f
            || platform::fold::fold(en) == f
            // "Đài Loan" for "Đài Loan (Trung Quốc)".
            || platform::fold::fold(vi).split(" (").next() == Some(f)
            || platform::fold::fold(en).split(" (").next() == Some(f);
        hit.then_some(*code)
    })
}

/// The country's name in a language.
pub fn country_name(code: &str, lang: platform::i18n::Lang) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, en)| if lang == platform::i18n::Lang::En { *en } else { *vi })
        .unwrap_or(code)
        .to_owned()
}

/// Check a placement's job (the person is the service's business).
pub fn validate(input: &PlacementInput, d: &refdata::RefData, today: NaiveDate) -> Result<Placement, Vec<FieldError>> {
    let mut c = Checker::new();
    let tax_code = c.parse("employer_tax_code", &input.employer_tax_code, platform::types::TaxCode::parse);
    let employer_name = c.text("employer_name", &input.employer_name, 300);
    let kind = if input.employer_kind.trim().is_empty() {
        Some(if tax_code.is_some() { "employer" } else { "self_employed" })
    } else {
        c.pick("employer_kind", &input.employer_kind, &EMPLOYER_KINDS)
    };
    // An employer abroad has no Vietnamese tax code; one at home has.
    let abroad = input.place.trim() == "abroad";
    if kind == Some("employer")
        && tax_code.is_none()
        && !abroad
        && !c.errors.iter().any(|e| e.field == "employer_tax_code")
    {
        c.fail("employer_tax_code", "err.required");
    }
    let occupation = c.text("occupation_isco", &input.occupation_isco, 10);
    if let Some(o) = &occupation {
        if d.occupation(o).is_none() {
            c.fail("occupation_isco", "err.code.unknown");
        }
    }
    let start = match input.start_date.trim() {
        "" => {
            c.fail("start_date", "err.required");
            None
        }
        s => match platform::i18n::parse_date(s) {
            Some(d) if d.year() >= 2000 && d <= today + chrono::Duration::days(366) => Some(d),
            _ => {
                c.fail("start_date", "err.date.invalid");
                None
            }
        },
    };
    let channel = c.pick("channel", &input.channel, &CHANNELS);
    let place = c.pick("place", &input.place, &PLACES);
    let country_code = country(&input.country);
    if !input.country.trim().is_empty() && country_code.is_none() {
        c.fail("country", "pl.err.country");
    }
    if place == Some("abroad") && input.country.trim().is_empty() {
        c.fail("country", "err.required");
    }
    if channel == Some("abroad") && place.is_some_and(|p| p != "abroad") {
        c.fail("place", "pl.err.abroad_place");
    }
    let contract = if input.contract_type.trim().is_empty() {
        None
    } else {
        c.pick("contract_type", &input.contract_type, &vacancies::model::CONTRACT_TYPES)
    };
    let wage = c.number("wage", &input.wage, 0, 10_000_000_000);
    let (Some(employer_kind), Some(start_date), Some(channel), Some(place)) = (kind, start, channel, place) else {
        return Err(c.errors);
    };
    c.finish(Placement {
        employer_kind,
        employer_tax_code: tax_code.map(|t| t.as_str().to_owned()),
        employer_name,
        vacancy_id: input.vacancy_id,
        occupation_isco: occupation,
        start_date,
        channel,
        place,
        country: country_code.filter(|_| place == "abroad"),
        contract_type: contract,
        wage,
    })
}

/// Whom a job is with, to tell one job from another: the tax code, else
/// the kind and the name (folded), so two household businesses differ.
pub fn employer_key(kind: &str, tax_code: Option<&str>, name: Option<&str>) -> String {
    match tax_code {
        Some(t) => t.to_owned(),
        None => format!("{kind}:{}", platform::fold::fold(name.unwrap_or_default())),
    }
}

/// Which of a person's recorded jobs (employer key, start) a new start with
/// an employer is: the same employer, within 30 days.
pub fn same_job(existing: &[(String, NaiveDate)], key: &str, start: NaiveDate) -> Option<usize> {
    existing.iter().position(|(k, d)| k == key && (*d - start).num_days().abs() <= SAME_JOB_DAYS)
}

/// What a yearly target expects by `as_of`, on a straight line through the
/// year: round(target × day of year ÷ days in the year).
pub fn expected_to_date(target: i64, as_of: NaiveDate) -> i64 {
    let days = if NaiveDate::from_ymd_opt(as_of.year(), 2, 29).is_some() { 366.0 } else { 365.0 };
    (target as f64 * f64::from(as_of.ordinal()) / days).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn input() -> PlacementInput {
        PlacementInput {
            employer_tax_code: "4201234566".into(),
            occupation_isco: "7212".into(),
            start_date: "05/03/2023".into(),
            channel: "session".into(),
            place: "province".into(),
            wage: "8.000.000".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_placement_with_an_employer_needs_its_tax_code_and_a_known_channel_and_place() {
        let refd = refdata::refdata();
        let p = validate(&input(), refd, d(2026, 12, 1)).unwrap();
        assert_eq!((p.employer_kind, p.channel, p.place, p.wage), ("employer", "session", "province", Some(8_000_000)));
        let own =
            PlacementInput { employer_tax_code: String::new(), employer_name: "Quán cơm nhà".into(), ..input() };
        assert_eq!(validate(&own, refd, d(2026, 12, 1)).unwrap().employer_kind, "self_employed");
        let bad = PlacementInput {
            employer_kind: "employer".into(),
            employer_tax_code: String::new(),
            channel: "luck".into(),
            place: "".into(),
            start_date: "31/02/2023".into(),
            ..input()
        };
        let fields: Vec<String> =
            validate(&bad, refd, d(2026, 12, 1)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["employer_tax_code", "start_date", "channel", "place"]);
    }

    #[test]
    fn abroad_needs_a_country_read_as_people_write_it() {
        let refd = refdata::refdata();
        let abroad =
            PlacementInput { channel: "abroad".into(), place: "abroad".into(), country: "nhat ban".into(), ..input() };
        assert_eq!(validate(&abroad, refd, d(2026, 12, 1)).unwrap().country, Some("JP"));
        assert_eq!(country("Hàn Quốc"), Some("KR"));
        assert_eq!(country("Đài Loan"), Some("TW"));
        assert_eq!(country("kr"), Some("KR"));
        assert_eq!(country("Atlantis"), None);
        let home = PlacementInput { place: "province".into(), ..abroad.clone() };
        let e = validate(&home, refd, d(2026, 12, 1)).unwrap_err();
        assert_eq!(e[0].field, "place", "a job abroad is abroad");
        let nowhere = PlacementInput { country: String::new(), ..abroad };
        assert_eq!(validate(&nowhere, refd, d(2026, 12, 1)).unwrap_err()[0].field, "country");
    }

    #[test]
    fn the_same_employer_within_30_days_is_one_job() {
        let key = employer_key("employer", Some("4201234566"), None);
        let existing = vec![(key.clone(), d(2023, 3, 5))];
        assert_eq!(same_job(&existing, &key, d(2023, 4, 4)), Some(0));
        assert_eq!(same_job(&existing, &key, d(2023, 4, 5)), None, "31 days later: a new job");
        assert_eq!(same_job(&existing, "4209876540", d(2023, 3, 5)), None, "another employer");
        assert_ne!(
            employer_key("household", None, Some("Tiệm may Hoa")),
            employer_key("household", None, Some("Quán Bún"))
        );
        assert_eq!(
            employer_key("household", None, Some("Tiệm may Hoa")),
            employer_key("household", None, Some("tiem may hoa"))
        );
    }

    #[test]
    fn a_target_is_expected_on_a_straight_line_through_the_year() {
        assert_eq!(expected_to_date(11_500, d(2026, 12, 31)), 11_500);
        assert_eq!(expected_to_date(11_500, d(2026, 1, 1)), 32, "11,500 × 1 ÷ 365");
        assert_eq!(expected_to_date(11_500, d(2023, 5, 31)), 4758, "151 days");
        assert_eq!(expected_to_date(366, d(2024, 2, 29)), 60, "a leap year has 366 days");
    }
}
