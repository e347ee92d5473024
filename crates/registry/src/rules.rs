//! Pure rules: turning what a user typed into a valid [`Person`], and the
//! classifications and indicators the department reports. No I/O here.

use crate::model::*;
use chrono::{Datelike, NaiveDate};
use platform::error::FieldError;
use platform::fold::{fold, nfc};
use platform::types::{Cccd, PhoneNumber, Sex, WardCode};
use refdata::lookup::{code_of, lookups};
use refdata::resolver::Status;
use refdata::RefData;

/// Working age starts at 15 (Labour Code 2019, Circular 01/2022 survey scope).
pub const MIN_AGE: i32 = 15;
pub const MAX_AGE: i32 = 120;
const MAX_TEXT: usize = 200;

/// Age in whole years on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, or an Excel serial day number.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some(d) = platform::i18n::parse_date(s) {
        return Some(d);
    }
    // Excel serial numbers: days since 1899-12-30 (the 1900 leap-year bug included).
    let serial: f64 = s.parse().ok()?;
    if (1.0..100_000.0).contains(&serial) {
        return NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.trunc() as u64));
    }
    None
}

/// A birth date as surveys write it: the forms of [`parse_date`], d.m.yyyy
/// and d-m-yyyy, d/m/yy (the century that puts the date in the past), or a
/// year alone, read as 1 January of that year (many surveys record only the
/// year; a year is never an Excel serial number, which would be in 1905).
pub fn parse_birth_date(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    let s = s.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = s.parse().ok()?;
        return (1900..=today.year()).contains(&year).then(|| NaiveDate::from_ymd_opt(year, 1, 1)).flatten();
    }
    // dd/mm/yyyy, by far the most common, without splitting.
    if s.len() == 10 {
        if let Some(d) = platform::i18n::parse_date(s) {
            return Some(d);
        }
    }
    let mut split = s.split(['/', '.', '-']);
    let parts = [split.next().unwrap_or(""), split.next().unwrap_or(""), split.next().unwrap_or("")];
    let number = |p: &&str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    if split.next().is_some() || parts[0].len() > 2 || !parts.iter().all(number) {
        // yyyy-mm-dd, or an Excel serial number.
        return parse_date(s);
    }
    let (d, m, y): (u32, u32, i32) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
    let year = match (parts[2].len(), y) {
        (1 | 2, _) if 2000 + y <= today.year() => 2000 + y,
        (1 | 2, _) => 1900 + y,
        (4, 1000..) => y,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, m, d)
}

/// `f` applied to `s` folded, in a buffer reused across calls: coded answers
/// are folded millions of times in an import, and each is a few bytes.
fn with_folded<T>(s: &str, f: impl FnOnce(&str) -> T) -> T {
    thread_local!(static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
    BUF.with(|b| match b.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            platform::fold::fold_into(s, &mut buf);
            f(&buf)
        }
        // Called again from inside `f`: no buffer to share, fold afresh.
        Err(_) => f(&fold(s)),
    })
}

/// The code a page label stands for: `group` is "sex", "status" or "need",
/// `folded` a label as [`fold`] gives it. The labels are this crate's
/// messages (`sex.female` → "Nữ" / "Female"), in both languages, so whatever
/// a page or an export shows reads back as the same answer.
pub fn code_of_label(group: &str, folded: &str) -> Option<&'static str> {
    type Labels = std::collections::HashMap<(&'static str, String), &'static str>;
    static LABELS: std::sync::OnceLock<Labels> = std::sync::OnceLock::new();
    let labels = LABELS.get_or_init(|| {
        let mut m = Labels::new();
        for line in crate::MESSAGES.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let (Some(key), Some(vi), Some(en)) = (cols.next(), cols.next(), cols.next()) else { continue };
            let Some((group, code)) = key.split_once('.') else { continue };
            if matches!(group, "sex" | "status" | "need") {
                for label in [vi, en] {
                    m.insert((group, fold(label)), code);
                }
            }
        }
        m
    });
    labels.get(&(group, folded.to_owned())).copied()
}

pub fn parse_sex(s: &str) -> Option<Sex> {
    with_folded(s, |f| match f {
        "nam" | "male" | "m" => Some(Sex::Male),
        "nu" | "female" | "f" => Some(Sex::Female),
        _ => match code_of_label("sex", f)? {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        },
    })
}

pub fn parse_status(s: &str) -> Option<EmploymentStatus> {
    with_folded(s, |f| if f.contains(['-', '_']) { status_of(&f.replace(['-', '_'], " ")) } else { status_of(f) })
}

fn status_of(f: &str) -> Option<EmploymentStatus> {
    match f {
        "employed" | "co viec lam" | "co viec" | "dang lam viec" => Some(EmploymentStatus::Employed),
        "unemployed" | "that nghiep" => Some(EmploymentStatus::Unemployed),
        "inactive" | "khong tham gia" | "khong tham gia hoat dong kinh te" | "ngoai luc luong lao dong" => {
            Some(EmploymentStatus::Inactive)
        }
        _ => code_of_label("status", f).and_then(EmploymentStatus::parse),
    }
}

/// "TP. Hồ Chí Minh; Đà Nẵng" → the provinces' codes, sorted, without the
/// person's own province; Err with the part no province is known by.
pub fn parse_work_provinces(s: &str, d: &RefData, own: &str) -> Result<Vec<String>, String> {
    let mut codes = Vec::new();
    for part in s.split([';', ',', '/', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let p = d.province_named(part).ok_or_else(|| part.to_owned())?;
        if p.code != own {
            codes.push(p.code.clone());
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// "việc làm; học nghề" → needs. Unknown words are an error (returned as Err with the word).
pub fn parse_needs(s: &str) -> Result<(bool, bool, bool), String> {
    let (mut job, mut training, mut abroad) = (false, false, false);
    for part in s.split([';', ',', '+', '/']) {
        let known = with_folded(part, |f| {
            let f = if f.contains('_') { std::borrow::Cow::Owned(f.replace('_', " ")) } else { f.into() };
            let (j, t, a) = match &*f {
                "" => (false, false, false),
                "job" | "viec lam" | "tim viec" | "can viec lam" => (true, false, false),
                "training" | "hoc nghe" | "dao tao" | "hoc" => (false, true, false),
                "abroad" | "xuat khau lao dong" | "xkld" | "di lam viec o nuoc ngoai" | "lam viec o nuoc ngoai" => {
                    (false, false, true)
                }
                "none" | "khong" | "khong co" => (false, false, false),
                other => match code_of_label("need", other) {
                    Some("job") => (true, false, false),
                    Some("training") => (false, true, false),
                    Some("abroad") => (false, false, true),
                    Some(_) => (false, false, false),
                    None => return Err(f.into_owned()),
                },
            };
            Ok((j, t, a))
        })?;
        job |= known.0;
        training |= known.1;
        abroad |= known.2;
    }
    Ok((job, training, abroad))
}

/// Whole VND from "5000000", "5.000.000", "5,000,000".
pub fn parse_money(s: &str) -> Option<i64> {
    let digits: String = s.chars().filter(|c| !matches!(c, '.' | ',' | ' ' | '₫')).collect();
    let digits = digits.trim_end_matches("VND").trim_end_matches("đ").trim_end_matches("d");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
        return None;
    }
    digits.parse().ok()
}

/// A CCCD from a sheet may have lost its leading zero (typed as a number):
/// 11 digits are read with a 0 in front when that gives a valid number.
/// Otherwise the length is what is wrong, and that is what the user is told
/// (not that "012…", a number they never typed, has no province code).
pub fn parse_cccd_lenient(s: &str) -> Result<Cccd, platform::types::ParseError> {
    let t = s.trim().trim_end_matches(".0");
    if lost_leading_zero(t) {
        return Cccd::parse(&format!("0{t}"))
            .map_err(|_| platform::types::ParseError { key: "err.cccd.format", input: t.to_owned() });
    }
    Cccd::parse(t)
}

/// 11 digits: a 12-digit CCCD starting with 0 that went through a number cell.
fn lost_leading_zero(t: &str) -> bool {
    t.len() == 11 && t.bytes().all(|b| b.is_ascii_digit())
}

/// The fields of a valid person whose number was read with the leading zero
/// a number cell dropped (the import notes them on the row).
pub fn zeros_restored(input: &PersonInput, p: &Person) -> impl Iterator<Item = &'static str> {
    let typed = |s: &str| s.trim().trim_end_matches(".0").len();
    let digits = |s: &str| s.trim().trim_end_matches(".0").bytes().all(|b| b.is_ascii_digit());
    let cccd = p.cccd.is_some() && typed(&input.cccd) == 11 && digits(&input.cccd);
    let phone = p.phone.as_ref().is_some_and(|ph| typed(&input.phone) + 1 == ph.as_str().len())
        && digits(&input.phone)
        && !input.phone.trim().starts_with('0');
    [cccd.then_some("cccd"), phone.then_some("phone")].into_iter().flatten()
}

/// Where the validated person lives, and how sure we are.
struct Place {
    ward: WardCode,
    legacy: Option<String>,
    certain: bool,
}

fn resolve_place(d: &RefData, province: &str, ward_code: &str, address: &str) -> Result<Place, &'static str> {
    if !ward_code.trim().is_empty() {
        let code = WardCode::parse(ward_code).map_err(|e| e.key)?;
        if let Some(w) = d.ward(code.as_str()) {
            return if w.province_code == province {
                Ok(Place { ward: code, legacy: None, certain: true })
            } else {
                Err("err.ward.other_province")
            };
        }
        // Not a 2025 code: perhaps an old one.
        let r = d.resolve_legacy_code(code.as_str());
        return place_of(r, Some(code.to_string()), province);
    }
    if !address.trim().is_empty() {
        let r = d.resolve_address(address);
        let legacy = r.candidates.first().and_then(|c| c.legacy_ward_code.clone());
        return place_of(r, legacy, province);
    }
    Err("err.ward.required")
}

fn place_of(r: refdata::resolver::Resolution, legacy: Option<String>, province: &str) -> Result<Place, &'static str> {
    match r.status {
        Status::NotFound => Err("err.ward.unknown"),
        Status::Ambiguous => Err("err.ward.ambiguous"),
        Status::Resolved | Status::Split => {
            if r.province_code.as_deref() != Some(province) {
                return Err("err.ward.other_province");
            }
            let ward = WardCode::parse(r.ward_code.as_deref().unwrap_or("")).map_err(|e| e.key)?;
            Ok(Place { ward, legacy, certain: r.certain || (r.status == Status::Resolved) })
        }
    }
}

/// A character a name may hold: a letter of any script, a space, an
/// apostrophe or a hyphen. Vietnamese letters (Latin-1, Latin Extended-A/B,
/// Latin Extended Additional: all letters but × and ÷) are answered without
/// the Unicode tables, which an import would otherwise read for every letter.
fn name_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | ' ' | '\'' | '-' => true,
        '×' | '÷' => false,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => true,
        c => !c.is_ascii() && c.is_alphabetic(),
    }
}

/// Runs of whitespace as one space (the name is trimmed already).
fn collapse_spaces(s: String) -> String {
    let mut prev_space = false;
    let tidy = s.chars().all(|c| {
        let ok = c == ' ' && !prev_space || !c.is_whitespace();
        prev_space = c == ' ';
        ok
    });
    if tidy {
        s
    } else {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn opt_text(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let t = nfc(s);
    if platform::validate::has_unsafe(&t) {
        errors.push(err(field, "err.control_chars"));
        return None;
    }
    if t.chars().count() > MAX_TEXT {
        errors.push(err(field, "err.text.too_long"));
        return None;
    }
    (!t.is_empty()).then_some(t)
}

fn err(field: &str, code: &str) -> FieldError {
    FieldError { field: field.into(), code: code.into(), row: None }
}

/// Judge a person as typed. Every problem is reported (not just the first),
/// each naming its field, so a form or a sheet row can be corrected at once.
pub fn validate(input: &PersonInput, d: &RefData, province: &str, today: NaiveDate) -> Result<Person, Vec<FieldError>> {
    let mut errors = Vec::new();

    let full_name = collapse_spaces(nfc(&input.full_name));
    if platform::validate::has_unsafe(&input.full_name) {
        errors.push(err("full_name", "err.control_chars"));
    } else if full_name.is_empty() {
        errors.push(err("full_name", "err.required"));
    } else if full_name.chars().count() > 100 || !full_name.chars().all(name_char) {
        errors.push(err("full_name", "err.name.invalid"));
    }

    let birth_date = if input.birth_date.trim().is_empty() {
        errors.push(err("birth_date", "err.required"));
        None
    } else {
        match parse_birth_date(&input.birth_date, today) {
            None => {
                errors.push(err("birth_date", "err.date.invalid"));
                None
            }
            Some(b) if !(MIN_AGE..=MAX_AGE).contains(&age_on(b, today)) => {
                errors.push(err("birth_date", "err.age.range"));
                None
            }
            Some(b) => Some(b),
        }
    };

    // A year alone is read as 1 January; without a CCCD a person is told
    // from another by name, birth date and commune, so two namesakes born
    // the same year would become one: the CCCD must say who it is.
    let year_only = {
        let t = input.birth_date.trim();
        let t = t.strip_suffix(".0").unwrap_or(t);
        t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())
    };
    if year_only && birth_date.is_some() && input.cccd.trim().is_empty() {
        errors.push(err("birth_date", "err.date.year_needs_cccd"));
    }

    let sex = if input.sex.trim().is_empty() {
        errors.push(err("sex", "err.required"));
        None
    } else {
        let s = parse_sex(&input.sex);
        if s.is_none() {
            errors.push(err("sex", "err.sex.invalid"));
        }
        s
    };

    let cccd = if input.cccd.trim().is_empty() {
        None
    } else {
        match parse_cccd_lenient(&input.cccd) {
            Err(e) => {
                errors.push(err("cccd", e.key));
                None
            }
            Ok(c) => {
                let sex_differs = sex.is_some_and(|s| s != c.sex());
                let year_differs = birth_date.is_some_and(|b| b.year() != c.birth_year());
                if (sex_differs || year_differs) && lost_leading_zero(input.cccd.trim().trim_end_matches(".0")) {
                    // The 0 we put in front was a guess: an 11-digit number
                    // that does not fit the person is simply too short.
                    errors.push(err("cccd", "err.cccd.format"));
                } else {
                    if sex_differs {
                        errors.push(err("cccd", "err.cccd.sex_mismatch"));
                    }
                    if year_differs {
                        errors.push(err("cccd", "err.cccd.year_mismatch"));
                    }
                }
                Some(c)
            }
        }
    };

    let phone = if input.phone.trim().is_empty() {
        None
    } else {
        PhoneNumber::parse_lenient(&input.phone).map_err(|e| errors.push(err("phone", e.key))).ok()
    };

    let ethnicity = if input.ethnicity.trim().is_empty() {
        None
    } else {
        let code = code_of(&lookups().ethnic, &input.ethnicity).or_else(|| {
            WardCode::parse(&input.ethnicity).ok().and_then(|c| code_of(&lookups().ethnic, &c.as_str()[3..]))
        });
        if code.is_none() {
            errors.push(err("ethnicity", "err.ethnicity.unknown"));
        }
        code
    };

    let place = match resolve_place(d, province, &input.ward_code, &input.address) {
        Ok(p) => Some(p),
        Err(code) => {
            errors.push(err("ward_code", code));
            None
        }
    };

    let education = if input.education.trim().is_empty() {
        None
    } else {
        let c = code_of(&lookups().education, &input.education);
        if c.is_none() {
            errors.push(err("education", "err.code.unknown"));
        }
        c
    };
    let qualification = if input.qualification.trim().is_empty() {
        Some("none".to_owned())
    } else {
        let c = code_of(&lookups().qualification, &input.qualification);
        if c.is_none() {
            errors.push(err("qualification", "err.code.unknown"));
        }
        c
    };

    let status = if input.employment_status.trim().is_empty() {
        errors.push(err("employment_status", "err.required"));
        None
    } else {
        let s = parse_status(&input.employment_status);
        if s.is_none() {
            errors.push(err("employment_status", "err.status.invalid"));
        }
        s
    };

    let occupation = |field: &str, s: &str, errors: &mut Vec<FieldError>| -> Option<String> {
        let t = s.trim().trim_end_matches(".0");
        if t.is_empty() {
            return None;
        }
        match d.occupation_typed(t) {
            Some(o) => Some(o.code.clone()),
            None => {
                errors.push(err(field, "err.occupation.unknown"));
                None
            }
        }
    };
    // Only what the status asks is judged (and kept): a job for the employed,
    // the previous job for the unemployed.
    let employed = status == Some(EmploymentStatus::Employed);
    let unemployed = status == Some(EmploymentStatus::Unemployed);
    let occupation_isco =
        if employed { occupation("occupation_isco", &input.occupation_isco, &mut errors) } else { None };
    let prev_occupation_isco =
        if unemployed { occupation("prev_occupation_isco", &input.prev_occupation_isco, &mut errors) } else { None };

    let unemployed_months = if !unemployed || input.unemployed_months.trim().is_empty() {
        None
    } else {
        match input.unemployed_months.trim().trim_end_matches(".0").parse::<i64>() {
            Ok(m) if (0..=600).contains(&m) => Some(m),
            _ => {
                errors.push(err("unemployed_months", "err.number.invalid"));
                None
            }
        }
    };

    let (need_job, need_training, need_abroad) = match parse_needs(&input.job_need) {
        Ok(n) => n,
        Err(_) => {
            errors.push(err("job_need", "err.need.unknown"));
            (false, false, false)
        }
    };
    let training_trade = opt_text("training_trade", &input.training_trade, &mut errors);
    let abroad_country = opt_text("abroad_country", &input.abroad_country, &mut errors);
    let work_provinces = parse_work_provinces(&input.work_provinces, d, province).unwrap_or_else(|_| {
        errors.push(err("work_provinces", "err.province.unknown"));
        Vec::new()
    });

    let expected_wage = if input.expected_wage.trim().is_empty() {
        None
    } else {
        let w = parse_money(&input.expected_wage);
        if w.is_none() {
            errors.push(err("expected_wage", "err.money.invalid"));
        }
        w
    };

    let hamlet = opt_text("hamlet", &input.hamlet, &mut errors);
    let household = opt_text("household", &input.household, &mut errors);
    let training_field = opt_text("training_field", &input.training_field, &mut errors);
    let job_position = opt_text("job_position", &input.job_position, &mut errors);
    let workplace = opt_text("workplace", &input.workplace, &mut errors);
    let enterprise_type = opt_text("enterprise_type", &input.enterprise_type, &mut errors);
    let inactivity_reason = opt_text("inactivity_reason", &input.inactivity_reason, &mut errors);
    let sector = if !employed || input.sector.trim().is_empty() {
        None
    } else {
        let c = code_of(&lookups().vsic, &input.sector);
        if c.is_none() {
            errors.push(err("sector", "err.code.unknown"));
        }
        c
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let place = place.expect("checked");
    let status = status.expect("checked");
    Ok(Person {
        cccd,
        full_name,
        birth_date: birth_date.expect("checked"),
        sex: sex.expect("checked"),
        ethnicity,
        phone,
        ward_code: place.ward,
        hamlet,
        household,
        legacy_ward_code: place.legacy,
        ward_certain: place.certain,
        education,
        qualification: qualification.expect("checked"),
        training_field,
        employment_status: status,
        // What is asked depends on the status: keep only the relevant answers.
        occupation_isco: if status == EmploymentStatus::Employed { occupation_isco } else { None },
        job_position: if status == EmploymentStatus::Employed { job_position } else { None },
        workplace: if status == EmploymentStatus::Employed { workplace } else { None },
        enterprise_type: if status == EmploymentStatus::Employed { enterprise_type } else { None },
        sector: if status == EmploymentStatus::Employed { sector } else { None },
        prev_occupation_isco: if status == EmploymentStatus::Unemployed { prev_occupation_isco } else { None },
        unemployed_months: if status == EmploymentStatus::Unemployed { unemployed_months } else { None },
        inactivity_reason: if status == EmploymentStatus::Inactive { inactivity_reason } else { None },
        needs: Needs {
            job: need_job,
            training: need_training,
            training_trade: if need_training { training_trade } else { None },
            abroad: need_abroad,
            abroad_country: if need_abroad { abroad_country } else { None },
            work_provinces,
        },
        expected_wage,
    })
}

/// Age bands used by filters and reports.
pub const AGE_BANDS: [(&str, i32, i32); 5] =
    [("15-17", 15, 17), ("18-35", 18, 35), ("36-45", 36, 45), ("46-60", 46, 60), ("61+", 61, MAX_AGE)];

/// Birth-date range (inclusive) of people whose age on `today` is within [min, max].
pub fn birth_range(min_age: i32, max_age: i32, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let shift = |years: i32| {
        NaiveDate::from_ymd_opt(today.year() - years, today.month(), today.day())
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year() - years, 2, 28).expect("valid"))
    };
    // Age ≤ max  ⇔ born after today − (max+1) years; age ≥ min ⇔ born on or before today − min years.
    (shift(max_age + 1).succ_opt().expect("valid"), shift(min_age))
}

/// Labour-force indicators from the registry (definitions of the Labour Force Survey).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct Indicators {
    /// Người từ 15 tuổi trở lên.
    pub people: i64,
    /// Lực lượng lao động = có việc làm + thất nghiệp.
    pub labour_force: i64,
    pub employed: i64,
    pub unemployed: i64,
    /// Lao động qua đào tạo (any training, even without a certificate).
    pub trained: i64,
    /// Có bằng cấp, chứng chỉ (sơ cấp and above).
    pub with_certificate: i64,
}

impl Indicators {
    fn rate(n: i64, of: i64) -> Option<f64> {
        (of > 0).then(|| (n as f64) * 100.0 / (of as f64))
    }
    /// Tỷ lệ lao động qua đào tạo, % of the labour force.
    pub fn trained_rate(&self) -> Option<f64> {
        Self::rate(self.trained, self.labour_force)
    }
    /// Tỷ lệ lao động có bằng cấp, chứng chỉ, % of the labour force.
    pub fn certificate_rate(&self) -> Option<f64> {
        Self::rate(self.with_certificate, self.labour_force)
    }
    /// Tỷ lệ thất nghiệp, % of the labour force.
    pub fn unemployment_rate(&self) -> Option<f64> {
        Self::rate(self.unemployed, self.labour_force)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_letters_are_judged_as_the_unicode_tables_judge_them() {
        let by_tables = |c: char| {
            c.is_ascii_alphabetic() || c == ' ' || c == '\'' || c == '-' || (!c.is_ascii() && c.is_alphabetic())
        };
        for c in ('\0'..='\u{2FFF}').chain(['中', '한', 'ก', '\u{10FFFF}']) {
            assert_eq!(name_char(c), by_tables(c), "{c:?} (U+{:04X})", c as u32);
        }
        assert!("Nguyễn Thị Ánh H'Hen Ê-Đê Ưng Ỷ".chars().all(name_char));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn valid() -> PersonInput {
        PersonInput {
            cccd: "056185012345".into(),
            full_name: " Nguyễn   Thị Đào ".into(),
            birth_date: "05/06/1985".into(),
            sex: "Nữ".into(),
            ward_code: "22504".into(),
            qualification: "Trung cấp".into(),
            employment_status: "thất nghiệp".into(),
            prev_occupation_isco: "7212".into(),
            unemployed_months: "4".into(),
            occupation_isco: "9999".into(), // not asked of the unemployed: ignored
            job_need: "việc làm; học nghề".into(),
            training_trade: "Hàn".into(),
            expected_wage: "7.000.000".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_person() {
        let p = validate(&valid(), refdata::refdata(), "56", today()).unwrap();
        assert_eq!(p.full_name, "Nguyễn Thị Đào");
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(p.qualification, "intermediate");
        assert_eq!(p.employment_status, EmploymentStatus::Unemployed);
        assert_eq!(p.prev_occupation_isco.as_deref(), Some("7212"));
        assert_eq!(p.occupation_isco, None);
        assert!(p.needs.job && p.needs.training && !p.needs.abroad);
        assert_eq!(p.needs.training_trade.as_deref(), Some("Hàn"));
        assert_eq!(p.expected_wage, Some(7_000_000));
        assert!(p.ward_certain);
    }

    #[test]
    fn numbers_whose_zero_was_put_back_are_noted() {
        let noted = |cccd: &str, phone: &str| {
            let input = PersonInput { cccd: cccd.into(), phone: phone.into(), ..valid() };
            let p = validate(&input, refdata::refdata(), "56", today()).unwrap();
            zeros_restored(&input, &p).collect::<Vec<_>>()
        };
        assert_eq!(noted("56185012345", "912345678"), ["cccd", "phone"]);
        assert_eq!(noted("56185012345.0", ""), ["cccd"]);
        assert_eq!(noted("056185012345", "0912345678"), Vec::<&str>::new());
        assert_eq!(noted("056185012345", "+84 912 345 678"), Vec::<&str>::new());
        assert_eq!(noted("", "2583822123"), ["phone"], "a landline too");
    }

    #[test]
    fn every_problem_names_its_field() {
        let input = PersonInput {
            cccd: "079203000001".into(), // male, born 2003
            full_name: "<script>".into(),
            birth_date: "31/02/1990".into(),
            sex: "x".into(),
            phone: "123".into(),
            ward_code: "99999".into(),
            employment_status: "bận".into(),
            job_need: "du lịch".into(),
            ..Default::default()
        };
        let errors = validate(&input, refdata::refdata(), "56", today()).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        for expected in [
            ("full_name", "err.name.invalid"),
            ("birth_date", "err.date.invalid"),
            ("sex", "err.sex.invalid"),
            ("phone", "err.phone.format"),
            ("ward_code", "err.ward.unknown"),
            ("employment_status", "err.status.invalid"),
            ("job_need", "err.need.unknown"),
        ] {
            assert!(fields.contains(&expected), "{expected:?} missing from {fields:?}");
        }
    }

    #[test]
    fn cccd_must_agree_with_sex_and_birth_year() {
        let mut i = valid();
        i.sex = "nam".into();
        let e = validate(&i, refdata::refdata(), "56", today()).unwrap_err();
        assert_eq!(e[0].code, "err.cccd.sex_mismatch");
        let mut i = valid();
        i.birth_date = "05/06/1986".into();
        let e = validate(&i, refdata::refdata(), "56", today()).unwrap_err();
        assert_eq!(e[0].code, "err.cccd.year_mismatch");
        // Lost leading zero from a spreadsheet number.
        let mut i = valid();
        i.cccd = "56185012345".into();
        assert_eq!(validate(&i, refdata::refdata(), "56", today()).unwrap().cccd.unwrap().as_str(), "056185012345");
    }

    /// Every label a page shows for a coded answer, in either language, is
    /// read back by the import as that code.
    #[test]
    fn every_label_shown_reads_back_as_its_code() {
        let d = refdata::refdata();
        let mut messages = std::collections::HashMap::new();
        for line in crate::MESSAGES.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            messages.insert(cols[0], [cols[1], cols[2]]);
        }
        let mut checked = 0;
        let mut check = |field: &str,
                         label: &str,
                         set: &dyn Fn(&mut PersonInput, &str),
                         got: &dyn Fn(&Person) -> String,
                         code: &str| {
            let mut i = valid();
            i.cccd.clear();
            i.occupation_isco.clear();
            set(&mut i, label);
            let p = validate(&i, d, "56", today()).unwrap_or_else(|e| panic!("{field} {label:?}: {e:?}"));
            assert_eq!(got(&p), code, "{field} {label:?}");
            checked += 1;
        };
        for code in ["male", "female"] {
            for label in messages[format!("sex.{code}").as_str()] {
                let sex = |p: &Person| if p.sex == Sex::Female { "female".into() } else { "male".into() };
                check("sex", label, &|i, l| i.sex = l.into(), &sex, code);
            }
        }
        for status in EmploymentStatus::ALL {
            for label in messages[status.label_key()] {
                let set = |i: &mut PersonInput, l: &str| i.employment_status = l.into();
                check("status", label, &set, &|p| p.employment_status.as_str().into(), status.as_str());
            }
        }
        for code in ["job", "training", "abroad", "none"] {
            for label in messages[format!("need.{code}").as_str()] {
                let needs = |p: &Person| {
                    let n = &p.needs;
                    match (n.job, n.training, n.abroad) {
                        (true, false, false) => "job",
                        (false, true, false) => "training",
                        (false, false, true) => "abroad",
                        (false, false, false) => "none",
                        _ => "several",
                    }
                    .to_owned()
                };
                check("need", label, &|i, l| i.job_need = l.into(), &needs, code);
            }
        }
        let lists: [(&str, &[refdata::model::CodeItem]); 4] = [
            ("qualification", &d.qualifications),
            ("education", &d.education),
            ("ethnicity", &d.ethnic_groups),
            ("sector", &d.vsic_sections),
        ];
        for (field, items) in lists {
            for item in items {
                for label in [&item.name_vi, &item.name_en] {
                    let set = |i: &mut PersonInput, l: &str| match field {
                        "qualification" => i.qualification = l.into(),
                        "education" => i.education = l.into(),
                        "ethnicity" => i.ethnicity = l.into(),
                        _ => {
                            // Asked of the employed only.
                            i.employment_status = "employed".into();
                            i.occupation_isco.clear();
                            i.sector = l.into();
                        }
                    };
                    let got = |p: &Person| {
                        match field {
                            "qualification" => Some(p.qualification.clone()),
                            "education" => p.education.clone(),
                            "ethnicity" => p.ethnicity.clone(),
                            _ => p.sector.clone(),
                        }
                        .unwrap_or_default()
                    };
                    check(field, label, &set, &got, &item.code);
                }
            }
        }
        // Several needs as a page lists them, and as typed by hand.
        let (j, t, a) = parse_needs("Cần việc làm; Cần học nghề").unwrap();
        assert!(j && t && !a);
        assert_eq!(parse_needs("Needs training, Wants to work abroad").unwrap(), (false, true, true));
        assert!(parse_needs("học bơi").is_err());
        assert!(checked > 130, "{checked} labels");
    }

    /// A number of the wrong length is told so, whatever its first digits.
    #[test]
    fn a_cccd_of_the_wrong_length_says_12_digits() {
        let code = |cccd: &str| {
            let mut i = valid();
            i.cccd = cccd.into();
            validate(&i, refdata::refdata(), "56", today())
                .unwrap_err()
                .iter()
                .map(|e| e.code.clone())
                .collect::<Vec<_>>()
        };
        // 11 digits whose padded form has no province (097…) or does not fit the person.
        assert_eq!(code("12345678901"), ["err.cccd.format"]);
        assert_eq!(code("97185012345"), ["err.cccd.format"]);
        assert_eq!(code("56085012345"), ["err.cccd.format"], "padded, it would read as a man");
        assert_eq!(code("0561850123"), ["err.cccd.format"]);
        // 13 digits, with or without spaces, and from a number cell.
        assert_eq!(code("0561850123456"), ["err.cccd.format"]);
        assert_eq!(code("056 185 012 3456"), ["err.cccd.format"]);
        assert_eq!(code("12345678901.0"), ["err.cccd.format"]);
        // 12 digits with a wrong province keep their own message.
        assert_eq!(code("003185012345"), ["err.cccd.province"]);
        assert_eq!(parse_cccd_lenient("98345678901").unwrap_err().key, "err.cccd.format", "098 is no province");
        assert_eq!(parse_cccd_lenient("56185012345").unwrap().as_str(), "056185012345");
    }

    #[test]
    fn age_limits() {
        let mut i = valid();
        i.cccd.clear();
        i.birth_date = "28/11/2011".into(); // 14 on 27/11/2026
        assert_eq!(validate(&i, refdata::refdata(), "56", today()).unwrap_err()[0].code, "err.age.range");
        i.birth_date = "27/11/2011".into(); // 15 today
        assert!(validate(&i, refdata::refdata(), "56", today()).is_ok());
    }

    #[test]
    fn old_communes_and_addresses_are_converted() {
        let mut i = valid();
        i.ward_code = "22627".into(); // xã Khánh Nam (old) → Tây Khánh Vĩnh
        let p = validate(&i, refdata::refdata(), "56", today()).unwrap();
        assert_eq!(p.ward_code.as_str(), "22624");
        assert_eq!(p.legacy_ward_code.as_deref(), Some("22627"));
        let mut i = valid();
        i.ward_code.clear();
        i.address = "x. van tho, h. van ninh, khanh hoa".into();
        let p = validate(&i, refdata::refdata(), "56", today()).unwrap();
        assert_eq!(p.ward_code.as_str(), "22504");
        // A commune of another province is refused.
        let mut i = valid();
        i.ward_code = "00004".into();
        assert_eq!(validate(&i, refdata::refdata(), "56", today()).unwrap_err()[0].code, "err.ward.other_province");
        // A split old commune is taken as its usual successor, flagged uncertain.
        let d = refdata::refdata();
        let split = d
            .successors
            .iter()
            .find(|s| {
                // Codes that are also 2025 codes are read as 2025 codes.
                !s.whole
                    && s.is_default
                    && d.ward(&s.legacy_ward_code).is_none()
                    && d.ward(&s.ward_code).is_some_and(|w| w.province_code == "56")
            })
            .expect("a split commune in Khánh Hòa");
        let mut i = valid();
        i.ward_code = split.legacy_ward_code.clone();
        let p = validate(&i, d, "56", today()).unwrap();
        assert_eq!(p.ward_code.as_str(), split.ward_code);
        assert!(!p.ward_certain);
    }

    #[test]
    fn labels_as_offices_write_them() {
        let cases = [
            ("ethnicity", "Khơ-me", "05"),
            ("ethnicity", "khmer", "05"),
            ("ethnicity", "H'Mông", "08"),
            ("ethnicity", "Hmông", "08"),
            ("ethnicity", "MÔNG", "08"),
            ("ethnicity", "Gia-rai", "10"),
            ("ethnicity", "gia rai", "10"),
            ("ethnicity", "Ê Đê", "11"),
            ("ethnicity", "ede", "11"),
            ("ethnicity", "Ra-glai", "19"),
            ("ethnicity", "RAGLAI", "19"),
            ("ethnicity", "Cơ Ho", "15"),
            ("ethnicity", "K'Ho", "15"),
            ("ethnicity", "Mường", "04"),
            ("ethnicity", "Hoa", "06"),
            ("education", "THCS", "lower_secondary"),
            ("education", "thpt", "upper_secondary"),
            ("education", "TN THPT", "upper_secondary"),
            ("education", "12/12", "upper_secondary"),
            ("education", "9/12", "lower_secondary"),
            ("education", "5/12", "primary"),
            ("education", "3/12", "not_finished_primary"),
            ("qualification", "CNKT không bằng", "short_course"),
            ("qualification", "ĐH", "university"),
            ("qualification", "dh", "university"),
            ("qualification", "CĐ", "college"),
            ("qualification", "TC", "intermediate"),
            ("qualification", "Trung cấp nghề", "intermediate"),
            ("qualification", "SC", "elementary"),
            ("qualification", "Thạc sĩ", "postgraduate"),
            ("qualification", "không có CMKT", "none"),
        ];
        let l = lookups();
        for (list, label, code) in cases {
            let lookup = match list {
                "ethnicity" => &l.ethnic,
                "education" => &l.education,
                _ => &l.qualification,
            };
            assert_eq!(code_of(lookup, label).as_deref(), Some(code), "{list} {label}");
        }
        assert_eq!(code_of(&l.ethnic, "Thổ Tày"), None);
        assert_eq!(code_of(&l.qualification, "13/12"), None);
    }

    #[test]
    fn dates_as_surveys_write_them() {
        let today = today();
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_birth_date("1990", today), ymd(1990, 1, 1));
        assert_eq!(parse_birth_date("1990.0", today), ymd(1990, 1, 1));
        assert_eq!(parse_birth_date("5/6/85", today), ymd(1985, 6, 5));
        assert_eq!(parse_birth_date("5/6/05", today), ymd(2005, 6, 5));
        assert_eq!(parse_birth_date("05.06.1985", today), ymd(1985, 6, 5));
        assert_eq!(parse_birth_date("05-06-1985", today), ymd(1985, 6, 5));
        assert_eq!(parse_birth_date("1985-06-05", today), ymd(1985, 6, 5));
        assert_eq!(parse_birth_date("31163", today), ymd(1985, 4, 26));
        assert_eq!(parse_birth_date("3000", today), None);
        assert_eq!(parse_birth_date("31/02/85", today), None);
        assert_eq!(parse_birth_date("5/6", today), None);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("5/6/1985"), NaiveDate::from_ymd_opt(1985, 6, 5));
        assert_eq!(parse_date("31163"), NaiveDate::from_ymd_opt(1985, 4, 26)); // Excel serial
        assert_eq!(parse_date("1985-13-01"), None);
        assert_eq!(
            age_on(NaiveDate::from_ymd_opt(2000, 2, 29).unwrap(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            25
        );
        let (from, to) = birth_range(18, 35, today());
        assert_eq!(age_on(from, today()), 35);
        assert_eq!(age_on(from.pred_opt().unwrap(), today()), 36);
        assert_eq!(age_on(to, today()), 18);
        assert_eq!(age_on(to.succ_opt().unwrap(), today()), 17);
    }

    #[test]
    fn needs_money_and_status() {
        assert_eq!(parse_needs("Việc làm, XKLĐ"), Ok((true, false, true)));
        assert_eq!(parse_needs(""), Ok((false, false, false)));
        assert!(parse_needs("nghỉ hưu").is_err());
        assert_eq!(parse_money("5.500.000 đ"), Some(5_500_000));
        assert_eq!(parse_money("5tr"), None);
        assert_eq!(parse_status("Có việc làm"), Some(EmploymentStatus::Employed));
        assert_eq!(parse_status("inactive"), Some(EmploymentStatus::Inactive));
    }

    #[test]
    fn provinces_willing_to_work_in() {
        let d = refdata::refdata();
        assert_eq!(parse_work_provinces("TP. Hồ Chí Minh; da nang, 79", d, "56"), Ok(vec!["48".into(), "79".into()]));
        // The person's own province is no other province.
        assert_eq!(parse_work_provinces("Khánh Hòa", d, "56"), Ok(vec![]));
        assert_eq!(parse_work_provinces("", d, "56"), Ok(vec![]));
        assert_eq!(parse_work_provinces("Hà Nội; Xứ Sở", d, "56"), Err("Xứ Sở".into()));
        let input = PersonInput { work_provinces: "Xứ Sở".into(), ..valid() };
        let errors = validate(&input, d, "56", today()).unwrap_err();
        assert!(errors.iter().any(|e| e.field == "work_provinces" && e.code == "err.province.unknown"));
        let input = PersonInput { work_provinces: "Hà Nội".into(), ..valid() };
        assert_eq!(validate(&input, d, "56", today()).unwrap().needs.work_provinces, vec!["01".to_owned()]);
    }

    #[test]
    fn indicator_rates() {
        let i = Indicators {
            people: 120,
            labour_force: 100,
            employed: 96,
            unemployed: 4,
            trained: 82,
            with_certificate: 28,
        };
        assert_eq!(i.trained_rate(), Some(82.0));
        assert_eq!(i.certificate_rate(), Some(28.0));
        assert_eq!(i.unemployment_rate(), Some(4.0));
        assert_eq!(Indicators::default().trained_rate(), None);
    }
}
