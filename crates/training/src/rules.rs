//! The rules of training records, as pure functions: reading coded values as
//! schools write them, checking an enrolment, the qualification a graduate
//! earns.

use std::sync::OnceLock;

use chrono::NaiveDate;
use platform::error::FieldError;
use platform::fold::fold;
use platform::i18n::{t, Lang};

use crate::model::*;

/// The province's trade list (nghề đào tạo), each leading to an occupation.
pub fn trades() -> &'static [Trade] {
    static TRADES: OnceLock<Vec<Trade>> = OnceLock::new();
    TRADES.get_or_init(|| parse_trades(include_str!("../../../data/training/trades.csv")))
}

fn parse_trades(csv: &str) -> Vec<Trade> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            let get = |i: usize| f.get(i).map_or("", |s| s.trim()).to_owned();
            Trade {
                code: get(0),
                isco: get(1),
                name_vi: get(2),
                name_en: get(3),
                aliases: get(4).split(';').filter(|a| !a.trim().is_empty()).map(|a| fold(a.trim())).collect(),
            }
        })
        .collect()
}

/// A trade by its code, its name in either language, a usual short name, or
/// the ISCO code of the occupation it leads to; diacritics, case and
/// spacing aside.
pub fn trade_typed(typed: &str) -> Option<&'static Trade> {
    let f = fold(typed.trim());
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.is_empty() {
        return None;
    }
    let all = trades();
    all.iter()
        .find(|tr| tr.code == f || fold(&tr.name_vi) == f || fold(&tr.name_en) == f || tr.aliases.contains(&f))
        .or_else(|| all.iter().find(|tr| !tr.isco.is_empty() && tr.isco == f))
        .or_else(|| all.iter().find(|tr| fold(&tr.code.replace('_', " ")) == f))
}

/// The trade's name in `lang` (its code when unknown).
pub fn trade_name(code: &str, lang: Lang) -> String {
    trades().iter().find(|t| t.code == code).map_or_else(
        || code.to_owned(),
        |t| match lang {
            Lang::Vi => t.name_vi.clone(),
            Lang::En => t.name_en.clone(),
        },
    )
}

/// A coded value by its code, its label in either language or a usual
/// short form (folded), as `all` lists them.
fn coded<T: Copy>(
    typed: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    key: impl Fn(T) -> String,
    short: &[(&str, T)],
) -> Option<T> {
    let f = fold(typed.trim());
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.is_empty() {
        return None;
    }
    short.iter().find(|(s, _)| *s == f).map(|(_, v)| *v).or_else(|| {
        all.iter().copied().find(|v| {
            let k = key(*v);
            code(*v) == f
                || fold(&code(*v).replace('_', " ")) == f
                || [Lang::Vi, Lang::En].iter().any(|l| fold(t(*l, &k)) == f)
        })
    })
}

pub fn level_typed(s: &str) -> Option<Level> {
    use Level::*;
    coded(
        s,
        Level::ALL,
        Level::as_str,
        Level::key,
        &[
            ("cd", College),
            ("cao dang", College),
            ("cao dang nghe", College),
            ("cdn", College),
            ("tc", Intermediate),
            ("trung cap", Intermediate),
            ("trung cap nghe", Intermediate),
            ("tcn", Intermediate),
            ("sc", Elementary),
            ("so cap", Elementary),
            ("so cap nghe", Elementary),
            ("duoi 3 thang", ShortCourse),
            ("dao tao duoi 3 thang", ShortCourse),
            ("ngan han", ShortCourse),
            ("thuong xuyen", ShortCourse),
            ("dao tao thuong xuyen", ShortCourse),
            ("short", ShortCourse),
        ],
    )
}

pub fn status_typed(s: &str) -> Option<Status> {
    use Status::*;
    coded(
        s,
        Status::ALL,
        Status::as_str,
        Status::key,
        &[
            ("dang hoc", Studying),
            ("hoc", Studying),
            ("tot nghiep", Graduated),
            ("da tot nghiep", Graduated),
            ("hoan thanh", Graduated),
            ("bo hoc", Dropped),
            ("thoi hoc", Dropped),
            ("nghi hoc", Dropped),
            ("drop out", Dropped),
            ("dropped out", Dropped),
        ],
    )
}

pub fn funding_typed(s: &str) -> Option<Funding> {
    use Funding::*;
    coded(
        s,
        Funding::ALL,
        Funding::as_str,
        Funding::key,
        &[
            ("ldnt", StateRural),
            ("lao dong nong thon", StateRural),
            ("dao tao nghe lao dong nong thon", StateRural),
            ("ho ngheo", StatePoor),
            ("ngheo", StatePoor),
            ("nguoi khuyet tat", StateDisabled),
            ("khuyet tat", StateDisabled),
            ("ngan sach", StateOther),
            ("nha nuoc", StateOther),
            ("ho tro", StateOther),
            ("state", StateOther),
            ("doanh nghiep", Enterprise),
            ("dat hang", Enterprise),
            ("doanh nghiep dat hang", Enterprise),
            ("tu tuc", SelfPaid),
            ("tu tra", SelfPaid),
            ("hoc phi", SelfPaid),
            ("tu nguyen", SelfPaid),
            ("self", SelfPaid),
        ],
    )
}

pub fn outcome_typed(s: &str) -> Option<Outcome> {
    use Outcome::*;
    coded(
        s,
        Outcome::ALL,
        Outcome::as_str,
        Outcome::key,
        &[
            ("co viec lam", Employed),
            ("di lam", Employed),
            ("tu tao viec lam", SelfEmployed),
            ("tu lam", SelfEmployed),
            ("hoc tiep", FurtherStudy),
            ("hoc len", FurtherStudy),
            ("chua co viec lam", NotEmployed),
            ("khong co viec lam", NotEmployed),
            ("that nghiep", NotEmployed),
        ],
    )
}

/// "yes"/"no" as people write them ("" is no).
pub fn yes_no(s: &str) -> Option<bool> {
    match fold(s.trim()).as_str() {
        "" | "no" | "khong" | "k" | "0" | "chua" | "false" | "n" => Some(false),
        "yes" | "co" | "x" | "1" | "da cap" | "cap" | "true" | "y" | "v" => Some(true),
        _ => None,
    }
}

/// Free text as typed (trimmed; `None` when empty): control characters and
/// text over `max` characters are refused, naming the field.
pub fn free_text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> Option<String> {
    let mut c = platform::validate::Checker::new();
    let v = c.text(field, value, max);
    errors.extend(c.errors);
    v
}

fn day(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let d = registry::rules::parse_date(s);
    if d.is_none() {
        errors.push(FieldError::new(field, "err.date.invalid"));
    }
    d
}

/// Check an enrolment's own fields (the learner and the school are found by
/// the caller): every problem is named.
pub fn validate(
    input: &EnrolmentInput,
    school_id: i64,
    class: Option<&Class>,
    today: NaiveDate,
) -> Result<Enrolment, Vec<FieldError>> {
    let mut errors = Vec::new();
    let trade = match (class, input.trade.trim()) {
        (Some(c), "") => Some(c.trade.clone()),
        (_, typed) if typed.is_empty() => {
            errors.push(FieldError::new("trade", "err.required"));
            None
        }
        (_, typed) => match trade_typed(typed) {
            Some(t) => Some(t.code.clone()),
            None => {
                errors.push(FieldError::new("trade", "tr.err.trade"));
                None
            }
        },
    };
    let level = match (class, input.level.trim()) {
        (Some(c), "") => Some(c.level),
        (_, "") => {
            errors.push(FieldError::new("level", "err.required"));
            None
        }
        (_, typed) => level_typed(typed).or_else(|| {
            errors.push(FieldError::new("level", "tr.err.level"));
            None
        }),
    };
    let funding = match (class, input.funding.trim()) {
        (Some(c), "") => Some(c.funding),
        (_, "") => Some(Funding::SelfPaid),
        (_, typed) => funding_typed(typed).or_else(|| {
            errors.push(FieldError::new("funding", "tr.err.funding"));
            None
        }),
    };
    let start = match (class, input.start_date.trim()) {
        (Some(c), "") => Some(c.start_date),
        (_, "") => {
            errors.push(FieldError::new("start_date", "err.required"));
            None
        }
        (_, s) => day("start_date", s, &mut errors),
    };
    let end = match (class, input.end_date.trim()) {
        (Some(c), "") => c.end_date,
        (_, s) => day("end_date", s, &mut errors),
    };
    let status = match input.status.trim() {
        "" => Some(Status::Studying),
        s => status_typed(s).or_else(|| {
            errors.push(FieldError::new("status", "tr.err.status"));
            None
        }),
    };
    let certificate_no = free_text("certificate_no", &input.certificate_no, 50, &mut errors);
    let result = free_text("result", &input.result, 500, &mut errors);
    let certificate = yes_no(&input.certificate).or_else(|| {
        errors.push(FieldError::new("certificate", "tr.err.yes_no"));
        None
    });
    if let Some(s) = start {
        if s > today + chrono::Duration::days(366) {
            errors.push(FieldError::new("start_date", "tr.err.start_far"));
        }
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(FieldError::new("end_date", "tr.err.end_before_start"));
        }
    }
    if let (Some(st), Some(e)) = (status, end) {
        if st != Status::Studying && e > today {
            errors.push(FieldError::new("end_date", "tr.err.end_future"));
        }
    }
    // An outcome needs the day it came: a graduate or a drop-out has an end date.
    if matches!(status, Some(Status::Graduated | Status::Dropped))
        && end.is_none()
        && !errors.iter().any(|e| e.field == "end_date")
    {
        errors.push(FieldError::new("end_date", "tr.err.end_needed"));
    }
    if certificate == Some(true) && status != Some(Status::Graduated) && status.is_some() {
        errors.push(FieldError::new("certificate", "tr.err.certificate_not_graduated"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(trade), Some(level), Some(funding), Some(start_date), Some(status), Some(certificate)) =
        (trade, level, funding, start, status, certificate)
    else {
        return Err(vec![FieldError::new("trade", "err.required")]);
    };
    Ok(Enrolment {
        school_id,
        class_id: class.map(|c| c.id),
        trade,
        level,
        funding,
        start_date,
        end_date: end,
        status,
        certificate,
        certificate_no: certificate_no.filter(|_| certificate),
        certificate_date: end.filter(|_| certificate),
        result,
    })
}

/// The enrolment after its outcome is recorded: status, end, certificate,
/// and the tracer's answer; each problem named.
pub fn apply_outcome(
    r: &EnrolmentRecord,
    input: &OutcomeInput,
    today: NaiveDate,
) -> Result<(Enrolment, Option<Outcome>, Option<String>, Option<NaiveDate>), Vec<FieldError>> {
    // An empty field keeps what is recorded: a partial update never erases.
    let e = &r.enrolment;
    let status = if input.status.trim().is_empty() { e.status.as_str().to_owned() } else { input.status.clone() };
    let graduated = status_typed(&status) == Some(Status::Graduated);
    let as_typed = EnrolmentInput {
        trade: e.trade.clone(),
        level: e.level.as_str().into(),
        funding: e.funding.as_str().into(),
        start_date: e.start_date.format("%Y-%m-%d").to_string(),
        end_date: if input.end_date.trim().is_empty() {
            e.end_date.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
        } else {
            input.end_date.clone()
        },
        status,
        certificate: if !input.certificate.trim().is_empty() {
            input.certificate.clone()
        } else if e.certificate && graduated {
            "yes".into()
        } else {
            "no".into()
        },
        certificate_no: if input.certificate_no.trim().is_empty() {
            e.certificate_no.clone().unwrap_or_default()
        } else {
            input.certificate_no.clone()
        },
        result: if input.result.trim().is_empty() {
            e.result.clone().unwrap_or_default()
        } else {
            input.result.clone()
        },
        ..Default::default()
    };
    let mut errors = Vec::new();
    // The tracer's answer belongs to a graduate: kept while one, dropped otherwise.
    let outcome = match input.outcome.trim() {
        "" => r.outcome.filter(|_| graduated),
        s => outcome_typed(s).or_else(|| {
            errors.push(FieldError::new("outcome", "tr.err.outcome"));
            None
        }),
    };
    let outcome_date =
        day("outcome_date", &input.outcome_date, &mut errors).or(r.outcome_date.filter(|_| outcome.is_some()));
    let employer = free_text("outcome_employer", &input.outcome_employer, 200, &mut errors)
        .or_else(|| r.outcome_employer.clone().filter(|_| input.outcome.trim().is_empty()));
    let next = validate(&as_typed, e.school_id, None, today).map(|mut n| {
        n.class_id = e.class_id;
        n
    });
    if !input.outcome.trim().is_empty() && next.as_ref().is_ok_and(|n| n.status != Status::Graduated) {
        errors.push(FieldError::new("outcome", "tr.err.outcome_not_graduated"));
    }
    match next {
        Ok(n) if errors.is_empty() => {
            let employer = employer.filter(|_| outcome.is_some_and(Outcome::works));
            Ok((n, outcome, employer, outcome_date.or(outcome.map(|_| today))))
        }
        Ok(_) => Err(errors),
        Err(mut e) => {
            e.extend(errors);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn install() {
        platform::i18n::install(&[crate::MESSAGES]);
    }

    fn input() -> EnrolmentInput {
        EnrolmentInput {
            trade: "Điện công nghiệp".into(),
            level: "Sơ cấp".into(),
            start_date: "01/03/2023".into(),
            end_date: "30/05/2023".into(),
            status: "graduated".into(),
            certificate: "yes".into(),
            funding: "LĐNT".into(),
            ..Default::default()
        }
    }

    #[test]
    fn trades_are_read_as_schools_write_them() {
        assert_eq!(trade_typed("dien cong nghiep").unwrap().code, "dien_cong_nghiep");
        assert_eq!(trade_typed("Điện CN").unwrap().code, "dien_cong_nghiep");
        assert_eq!(trade_typed("Welding").unwrap().code, "han");
        assert_eq!(trade_typed("7231").unwrap().code, "cong_nghe_o_to", "the occupation's ISCO code");
        assert_eq!(trade_typed("NUÔI   TÔM").unwrap().code, "nuoi_trong_thuy_san");
        assert!(trade_typed("Thiên văn học").is_none());
        assert!(
            trades().iter().all(|t| t.isco.is_empty() || refdata_has(&t.isco)),
            "every trade leads to a known occupation"
        );
    }

    fn refdata_has(isco: &str) -> bool {
        include_str!("../../../data/occupations/isco08.csv").lines().any(|l| l.starts_with(&format!("{isco},")))
    }

    #[test]
    fn coded_values_as_offices_write_them() {
        install();
        assert_eq!(level_typed("CĐ"), Some(Level::College));
        assert_eq!(level_typed("trung cấp"), Some(Level::Intermediate));
        assert_eq!(level_typed("Dưới 3 tháng"), Some(Level::ShortCourse));
        assert_eq!(level_typed("short_course"), Some(Level::ShortCourse));
        assert_eq!(level_typed("elementary"), Some(Level::Elementary));
        assert_eq!(level_typed("đại học"), None);
        assert_eq!(status_typed("Tốt nghiệp"), Some(Status::Graduated));
        assert_eq!(status_typed("bỏ học"), Some(Status::Dropped));
        assert_eq!(funding_typed("Hộ nghèo"), Some(Funding::StatePoor));
        assert_eq!(funding_typed("enterprise"), Some(Funding::Enterprise));
        assert_eq!(yes_no("Có"), Some(true));
        assert_eq!(yes_no(""), Some(false));
        assert_eq!(yes_no("maybe"), None);
    }

    #[test]
    fn an_enrolment_is_checked_field_by_field() {
        install();
        let e = validate(&input(), 7, None, d(2023, 6, 1)).unwrap();
        assert_eq!(
            (e.trade.as_str(), e.level, e.funding, e.status, e.certificate),
            ("dien_cong_nghiep", Level::Elementary, Funding::StateRural, Status::Graduated, true)
        );
        assert_eq!(e.certificate_date, Some(d(2023, 5, 30)));

        let bad = EnrolmentInput {
            level: "đại học".into(),
            start_date: "31/02/2023".into(),
            status: "đang ngủ".into(),
            ..input()
        };
        let errors = validate(&bad, 7, None, d(2023, 6, 1)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["level", "start_date", "status"]);

        let early = EnrolmentInput { end_date: "01/01/2023".into(), ..input() };
        assert_eq!(validate(&early, 7, None, d(2023, 6, 1)).unwrap_err()[0].code, "tr.err.end_before_start");
        let no_end = EnrolmentInput { end_date: "".into(), ..input() };
        assert_eq!(validate(&no_end, 7, None, d(2023, 6, 1)).unwrap_err()[0].code, "tr.err.end_needed");
        let cert_studying = EnrolmentInput { status: "studying".into(), ..input() };
        assert_eq!(
            validate(&cert_studying, 7, None, d(2023, 6, 1)).unwrap_err()[0].code,
            "tr.err.certificate_not_graduated"
        );
    }

    #[test]
    fn free_text_refuses_control_characters() {
        install();
        let bad = EnrolmentInput { result: "Giỏi\u{0}".into(), certificate_no: "SC\u{7}01".into(), ..input() };
        let fields: Vec<String> =
            validate(&bad, 7, None, d(2023, 6, 1)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["certificate_no", "result"]);
        let traced = OutcomeInput {
            outcome: "employed".into(),
            outcome_employer: "Công ty\u{1b}[31m".into(),
            ..Default::default()
        };
        let e = validate(&input(), 7, None, d(2023, 6, 1)).unwrap();
        assert_eq!(apply_outcome(&record(e), &traced, d(2023, 12, 1)).unwrap_err()[0].field, "outcome_employer");
    }

    #[test]
    fn a_class_gives_its_trade_level_dates_and_funding() {
        install();
        let class = Class {
            id: 3,
            school_id: 7,
            trade: "han".into(),
            level: Level::Intermediate,
            start_date: d(2022, 9, 5),
            end_date: Some(d(2024, 6, 30)),
            ward_code: "22504".into(),
            capacity: 30,
            funding: Funding::Enterprise,
            partner: None,
            enrolled: 0,
        };
        let e = validate(&EnrolmentInput::default(), 7, Some(&class), d(2023, 1, 1)).unwrap();
        assert_eq!(
            (e.trade.as_str(), e.level, e.funding, e.start_date, e.class_id),
            ("han", Level::Intermediate, Funding::Enterprise, d(2022, 9, 5), Some(3))
        );
        assert_eq!(e.status, Status::Studying);
    }

    #[test]
    fn a_graduate_earns_the_level_with_a_certificate() {
        assert_eq!(Level::Elementary.qualification(true), "elementary");
        assert_eq!(Level::College.qualification(true), "college");
        assert_eq!(Level::Elementary.qualification(false), "short_course");
        assert_eq!(Level::ShortCourse.qualification(true), "short_course");
    }

    fn record(e: Enrolment) -> EnrolmentRecord {
        EnrolmentRecord {
            id: 1,
            person_id: 2,
            full_name: String::new(),
            ward_code: "22504".into(),
            school_code: "X".into(),
            enrolment: e,
            outcome: None,
            outcome_employer: None,
            outcome_date: None,
        }
    }

    #[test]
    fn an_outcome_is_recorded_for_a_graduate() {
        install();
        let studying = validate(
            &EnrolmentInput { status: "".into(), certificate: "".into(), end_date: "".into(), ..input() },
            7,
            None,
            d(2023, 4, 1),
        )
        .unwrap();
        let graduated = OutcomeInput {
            status: "graduated".into(),
            end_date: "30/05/2023".into(),
            certificate: "yes".into(),
            certificate_no: "SC-0012".into(),
            ..Default::default()
        };
        let (e, o, _, _) = apply_outcome(&record(studying.clone()), &graduated, d(2023, 6, 1)).unwrap();
        assert_eq!(
            (e.status, e.certificate, e.certificate_no.as_deref(), o),
            (Status::Graduated, true, Some("SC-0012"), None)
        );
        let traced = OutcomeInput {
            outcome: "Có việc làm".into(),
            outcome_employer: "Công ty May Nha Trang".into(),
            outcome_date: "01/10/2023".into(),
            ..Default::default()
        };
        let (e2, o, employer, when) = apply_outcome(&record(e.clone()), &traced, d(2023, 12, 1)).unwrap();
        assert_eq!(
            (e2.status, e2.certificate, o, employer.as_deref(), when),
            (Status::Graduated, true, Some(Outcome::Employed), Some("Công ty May Nha Trang"), Some(d(2023, 10, 1)))
        );
        let too_soon = OutcomeInput { outcome: "employed".into(), ..Default::default() };
        assert_eq!(
            apply_outcome(&record(studying), &too_soon, d(2023, 6, 1)).unwrap_err()[0].code,
            "tr.err.outcome_not_graduated"
        );
        // A later correction of the results alone keeps the certificate and the tracer's answer.
        let mut traced_record = record(e2);
        (traced_record.outcome, traced_record.outcome_employer) =
            (Some(Outcome::Employed), Some("Công ty May Nha Trang".into()));
        let only_result = OutcomeInput { result: "Khá".into(), ..Default::default() };
        let (e3, o, employer, _) = apply_outcome(&traced_record, &only_result, d(2024, 1, 1)).unwrap();
        assert_eq!(
            (e3.certificate, e3.result.as_deref(), o, employer.as_deref()),
            (true, Some("Khá"), Some(Outcome::Employed), Some("Công ty May Nha Trang"))
        );
    }
}
