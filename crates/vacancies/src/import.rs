//! Vacancies from a spreadsheet (danh sách tin tuyển dụng): a province's
//! lists of what employers are looking for, kept in Excel, published at
//! once. Each row goes through the form's rules; a row is matched to an open
//! vacancy of the same employer, title and workplace, so importing the same
//! list twice changes nothing.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use employers::model::{EmployerRecord, EmployerStatus};
use platform::audit::Action;
use platform::error::FieldError;
use platform::fold::fold;
use platform::i18n::{fill, t, Lang};
use platform::sheet::list::{Importer, Noted, Report};
use platform::sheet::{self, Column, Columns, RawRow};
use platform::types::{TaxCode, WardCode};
use platform::Db;
use refdata::lookup::{code_of, lookups};

use crate::model::{Status, Vacancy, VacancyInput, VacancyRecord, CONTRACT_TYPES};
use crate::{rules, store};

/// A column of the vacancies' sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    EmployerTaxCode,
    Title,
    Occupation,
    Positions,
    Qualification,
    WageMin,
    WageMax,
    ContractType,
    WorkWardCode,
    Deadline,
    Description,
    ExperienceYears,
    AgeMin,
    AgeMax,
    WorkingHours,
    Requirements,
    Benefits,
    Contact,
}

/// Every column, in template order (index = `Col as usize`).
static COLUMNS: [Column; 18] = [
    Column {
        text: true,
        ..Column::required(Column::optional(
            "employer_tax_code",
            "Mã số thuế doanh nghiệp",
            "Employer tax code",
            "4201234566",
            "Doanh nghiệp đã đăng ký và được duyệt",
        ))
    },
    Column::required(Column::optional("title", "Vị trí tuyển dụng", "Job title", "Công nhân chế biến thủy sản", "")),
    Column {
        text: true,
        ..Column::required(Column::optional(
            "occupation_isco",
            "Nghề (mã ISCO)",
            "Occupation (ISCO)",
            "9329",
            "Mã 4 chữ số hoặc tên nghề (ISCO-08/VSCO)",
        ))
    },
    Column::required(Column::optional("positions", "Số lượng cần tuyển", "Positions", "20", "")),
    Column::optional(
        "qualification",
        "Trình độ chuyên môn kỹ thuật",
        "Qualification",
        "Sơ cấp",
        "Chưa qua đào tạo, Sơ cấp, Trung cấp, Cao đẳng, Đại học…; để trống: không yêu cầu",
    ),
    Column::optional(
        "wage_min",
        "Lương từ (đồng/tháng)",
        "Wage from (VND a month)",
        "6.000.000",
        "Để trống cả hai: thỏa thuận",
    ),
    Column::optional("wage_max", "Lương đến (đồng/tháng)", "Wage to (VND a month)", "8 triệu", ""),
    Column::optional(
        "contract_type",
        "Loại hợp đồng",
        "Contract",
        "Xác định thời hạn",
        "Không xác định thời hạn, Xác định thời hạn, Thời vụ, Bán thời gian, Học nghề; để trống: Xác định thời hạn",
    ),
    Column {
        text: true,
        ..Column::optional(
            "work_ward_code",
            "Nơi làm việc (mã xã/phường)",
            "Workplace (commune code)",
            "22504",
            "Mã 5 chữ số hoặc tên xã/phường; để trống: nơi doanh nghiệp đóng",
        )
    },
    Column::required(Column::optional(
        "deadline",
        "Hạn nộp hồ sơ",
        "Deadline",
        "31/12/2026",
        "dd/mm/yyyy, tối đa một năm tới",
    )),
    Column::required(Column::optional(
        "description",
        "Mô tả công việc",
        "Description",
        "Sơ chế, phân loại tôm cá tại xưởng",
        "",
    )),
    Column::optional("experience_years", "Số năm kinh nghiệm", "Years of experience", "0", ""),
    Column::optional("age_min", "Tuổi từ", "Age from", "18", ""),
    Column::optional("age_max", "Tuổi đến", "Age to", "45", ""),
    Column::optional("working_hours", "Thời gian làm việc", "Working hours", "Ca ngày, 8 giờ", ""),
    Column::optional("requirements", "Yêu cầu", "Requirements", "", ""),
    Column::optional("benefits", "Quyền lợi", "Benefits", "Bảo hiểm xã hội, ăn trưa", ""),
    Column::optional("contact", "Liên hệ", "Contact", "Phòng nhân sự, 0258 3822 123", ""),
];

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::EmployerTaxCode,
        Col::Title,
        Col::Occupation,
        Col::Positions,
        Col::Qualification,
        Col::WageMin,
        Col::WageMax,
        Col::ContractType,
        Col::WorkWardCode,
        Col::Deadline,
        Col::Description,
        Col::ExperienceYears,
        Col::AgeMin,
        Col::AgeMax,
        Col::WorkingHours,
        Col::Requirements,
        Col::Benefits,
        Col::Contact,
    ];
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
    fn index(self) -> usize {
        self as usize
    }
}

pub const GUIDE: sheet::write::Guide<'static> = sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách tin tuyển dụng",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một tin tuyển dụng; dòng 2 là ví dụ, hãy xóa trước khi nhập.",
        "Doanh nghiệp phải đăng ký trước (có thể nhập danh sách doanh nghiệp). Tin được đăng ngay trên sàn việc làm.",
        "Tin đang mở cùng doanh nghiệp, cùng vị trí và cùng nơi làm việc được cập nhật, không tạo thêm.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

/// The import template (XLSX).
pub fn template() -> anyhow::Result<Vec<u8>> {
    let d = refdata::refdata();
    let contracts =
        CONTRACT_TYPES.iter().map(|c| (c.to_string(), t(Lang::Vi, &format!("vacancies.contract.{c}")).to_owned()));
    let codes = vec![
        (Col::Qualification, d.qualifications.iter().map(|q| (q.code.clone(), q.name_vi.clone())).collect()),
        (Col::ContractType, contracts.collect()),
    ];
    sheet::write::template(&GUIDE, &codes)
}

/// A wage as offices type it: "6.000.000", "6,000,000", 6000000 as a number,
/// "6 triệu", "6tr", "6,5 triệu"; "thỏa thuận" is no figure. Anything else
/// is left as typed for the rules to refuse.
pub fn wage_of(typed: &str) -> String {
    let f = fold(typed);
    let f = f.trim();
    if matches!(f, "thoa thuan" | "theo thoa thuan" | "tt" | "negotiable") {
        return String::new();
    }
    let millions = ["trieu dong", "trieu", "tr"].iter().find_map(|u| f.strip_suffix(u)).map(str::trim);
    match millions {
        Some(n) => match n.replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 && x < 10_000.0 => ((x * 1_000_000.0).round() as i64).to_string(),
            _ => typed.trim().to_owned(),
        },
        None => {
            let n = f.trim_end_matches("dong").trim_end_matches("vnd").trim_end_matches('d').trim();
            n.to_owned()
        }
    }
}

/// A contract type as its code or its label in either language.
pub fn contract_of(typed: &str) -> String {
    let f = fold(typed);
    let short = match f.as_str() {
        "" => Some("fixed_term"),
        "khong thoi han" | "vo thoi han" | "dai han" => Some("indefinite"),
        "co thoi han" | "hop dong co thoi han" | "ngan han" => Some("fixed_term"),
        "mua vu" => Some("seasonal"),
        "hoc nghe" | "tap nghe" => Some("apprenticeship"),
        _ => None,
    };
    short
        .or_else(|| {
            CONTRACT_TYPES.into_iter().find(|c| {
                *c == f || [Lang::Vi, Lang::En].iter().any(|l| fold(t(*l, &format!("vacancies.contract.{c}"))) == f)
            })
        })
        .map_or_else(|| typed.trim().to_owned(), str::to_owned)
}

/// A deadline as dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd or an Excel serial day.
pub fn deadline_of(typed: &str) -> String {
    let s = typed.trim();
    let date = platform::i18n::parse_date(s).or_else(|| {
        let serial: f64 = s.parse().ok()?;
        (30_000.0..100_000.0).contains(&serial).then_some(())?;
        NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.trunc() as u64))
    });
    date.map_or_else(|| s.to_owned(), |d| d.format("%d/%m/%Y").to_string())
}

/// The form's input from a row, given the employer's registered commune (the
/// workplace when the row names none). A workplace given by name that does
/// not resolve to one commune is refused.
fn input_of(row: &RawRow<Col>, employer_ward: Option<&str>, province: &str) -> (VacancyInput, Option<FieldError>) {
    let d = refdata::refdata();
    let typed = row.get(Col::WorkWardCode);
    let mut problem = None;
    let work_ward_code = if typed.is_empty() {
        employer_ward.unwrap_or_default().to_owned()
    } else if let Ok(code) = WardCode::parse(typed) {
        code.as_str().to_owned()
    } else {
        // A commune's name: this province's, unless the text names another.
        let province_name = d.province(province).map_or("", |p| p.name.as_str());
        let here = d.resolve_address(&format!("{typed}, {province_name}"));
        let r = if here.certain { here } else { d.resolve_address(typed) };
        match r.ward_code {
            Some(w) if r.certain => w,
            _ => {
                problem = Some(FieldError {
                    field: "work_ward_code".into(),
                    code: "err.address.unresolved".into(),
                    row: None,
                });
                String::new()
            }
        }
    };
    let qualification = row.get(Col::Qualification);
    let input = VacancyInput {
        title: row.get(Col::Title).to_owned(),
        occupation_isco: row.get(Col::Occupation).to_owned(),
        positions: row.get(Col::Positions).to_owned(),
        qualification: if qualification.is_empty() {
            "none".into()
        } else {
            code_of(&lookups().qualification, qualification).unwrap_or_else(|| qualification.to_owned())
        },
        experience_years: row.get(Col::ExperienceYears).to_owned(),
        age_min: row.get(Col::AgeMin).to_owned(),
        age_max: row.get(Col::AgeMax).to_owned(),
        wage_min: wage_of(row.get(Col::WageMin)),
        wage_max: wage_of(row.get(Col::WageMax)),
        contract_type: contract_of(row.get(Col::ContractType)),
        working_hours: row.get(Col::WorkingHours).to_owned(),
        workplace: "ward".into(),
        work_ward_code,
        work_province_code: String::new(),
        work_country: String::new(),
        deadline: deadline_of(row.get(Col::Deadline)),
        description: row.get(Col::Description).to_owned(),
        requirements: row.get(Col::Requirements).to_owned(),
        benefits: row.get(Col::Benefits).to_owned(),
        contact: row.get(Col::Contact).to_owned(),
    };
    (input, problem)
}

/// What makes a vacancy the same one: its employer, its title (diacritics,
/// case and spacing aside) and its commune.
type Key = (i64, String, Option<String>);

fn key_of(employer_id: i64, title: &str, ward: Option<&str>) -> Key {
    (employer_id, platform::fold::fold_words(title).join(" "), ward.map(str::to_owned))
}

/// Fill what the row leaves empty (optional columns) from the open vacancy.
fn keep_registered(input: &mut VacancyInput, row: &RawRow<Col>, open: VacancyInput) {
    let pairs = [
        (Col::ExperienceYears, &mut input.experience_years, open.experience_years),
        (Col::AgeMin, &mut input.age_min, open.age_min),
        (Col::AgeMax, &mut input.age_max, open.age_max),
        (Col::WorkingHours, &mut input.working_hours, open.working_hours),
        (Col::Requirements, &mut input.requirements, open.requirements),
        (Col::Benefits, &mut input.benefits, open.benefits),
        (Col::Contact, &mut input.contact, open.contact),
    ];
    for (col, typed, kept) in pairs {
        if row.get(col).is_empty() {
            *typed = kept;
        }
    }
    if row.get(Col::Qualification).is_empty() {
        input.qualification = open.qualification;
    }
    if row.get(Col::ContractType).is_empty() {
        input.contract_type = open.contract_type;
    }
}

/// Import the file at `path` (staff): every row is read and checked before
/// anything is written. New vacancies are published, unless their text asks
/// for one sex: those wait for review, and the report says so.
pub async fn run(
    db: &Db,
    province: &str,
    path: &Path,
    lang: Lang,
    today: NaiveDate,
    by: &Importer<'_>,
) -> anyhow::Result<Report> {
    let rows = sheet::list::read_all::<Col>(path).await?;
    let mut report = Report { rows: rows.len() as u64, ..Default::default() };
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|r| TaxCode::parse(r.get(Col::EmployerTaxCode).trim_end_matches(".0")).ok())
        .map(|t| t.to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let employers: HashMap<String, EmployerRecord> = employers::store::by_tax_codes(db, province, &codes)
        .await?
        .into_iter()
        .map(|e| (e.tax_code.clone(), e))
        .collect();
    let ids: Vec<i64> = employers.values().map(|e| e.id).collect();
    let open: HashMap<Key, VacancyRecord> = store::open_of_employers(db, province, &ids)
        .await?
        .into_iter()
        .map(|v| (key_of(v.employer_id, &v.title, v.work_ward_code.as_deref()), v))
        .collect();
    let refused = |field: &str, code: &str| vec![FieldError { field: field.into(), code: code.into(), row: None }];
    let mut valid: Vec<(u64, i64, Vacancy, Option<VacancyRecord>)> = Vec::new();
    let mut seen = HashSet::new();
    for row in &rows {
        let typed_code = row.get(Col::EmployerTaxCode).trim_end_matches(".0");
        let employer = match TaxCode::parse(typed_code) {
            _ if typed_code.is_empty() => Err(refused("employer_tax_code", "err.required")),
            Err(e) => Err(refused("employer_tax_code", e.key)),
            Ok(code) => match employers.get(code.as_str()) {
                None => Err(refused("employer_tax_code", "vacancies.err.employer_unregistered")),
                Some(e) if e.status != EmployerStatus::Approved => {
                    Err(refused("employer_tax_code", "vacancies.err.employer_not_approved_import"))
                }
                Some(e) => Ok(e),
            },
        };
        let checked = employer.and_then(|e| {
            let (mut input, problem) = input_of(row, Some(&e.ward_code), province);
            let key =
                key_of(e.id, &input.title, Some(&input.work_ward_code).filter(|w| !w.is_empty()).map(|w| w.as_str()));
            let existing = open.get(&key).cloned();
            if let Some(v) = &existing {
                keep_registered(&mut input, row, v.input());
            }
            let checked = match (rules::validate(&input, refdata::refdata(), today), problem) {
                (Err(mut errors), Some(p)) => {
                    errors.retain(|e| e.field != p.field);
                    errors.insert(0, p);
                    Err(errors)
                }
                (Ok(_), Some(p)) => Err(vec![p]),
                (result, None) => result,
            }?;
            if !seen.insert(key) {
                return Err(refused("title", "vacancies.err.duplicate_in_file"));
            }
            Ok((e.id, checked, existing))
        });
        match checked {
            Ok((employer_id, v, existing)) => valid.push((row.line, employer_id, v, existing)),
            Err(errors) => report.reject(row.line, &errors, lang),
        }
    }
    let now = chrono::Utc::now();
    for (line, employer_id, v, existing) in valid {
        let (action, id) = match existing {
            Some(old) if rules::validate(&old.input(), refdata::refdata(), today).ok().as_ref() == Some(&v) => {
                report.unchanged += 1;
                continue;
            }
            Some(old) => {
                store::update(db, province, old.id, &v, old.status).await?;
                report.updated += 1;
                (Action::Update, old.id)
            }
            None => {
                // What asks for one sex is read by a reviewer before the public sees it.
                let status = if v.flagged.is_some() { Status::Pending } else { Status::Published };
                let id = store::insert(db, province, employer_id, &v, status, now).await?;
                if let Some(phrase) = &v.flagged {
                    let note = fill(t(lang, "vacancies.import.held"), &[("phrase", phrase)]);
                    report.noted_rows.push(Noted { line, note });
                }
                report.inserted += 1;
                (Action::Create, id)
            }
        };
        report.changed_ids.push(id);
        by.audit(db, province, action, "vacancy", id).await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wages_as_offices_type_them() {
        assert_eq!(wage_of("6.000.000"), "6.000.000", "the rules read thousands separators");
        assert_eq!(wage_of("6 triệu"), "6000000");
        assert_eq!(wage_of("6tr"), "6000000");
        assert_eq!(wage_of("6,5 triệu"), "6500000");
        assert_eq!(wage_of("7.5 tr"), "7500000");
        assert_eq!(wage_of("Thỏa thuận"), "");
        assert_eq!(wage_of("thoả thuận"), "", "the old tone placement folds the same");
        assert_eq!(wage_of("6000000 đồng"), "6000000");
        assert_eq!(wage_of("nhiều"), "nhieu", "left for the rules to refuse");
        assert_eq!(wage_of("abc triệu"), "abc triệu");
    }

    #[test]
    fn contract_types_by_label() {
        platform::i18n::install(&[crate::MESSAGES]);
        assert_eq!(contract_of(""), "fixed_term");
        assert_eq!(contract_of("Không xác định thời hạn"), "indefinite");
        assert_eq!(contract_of("khong xac dinh thoi han"), "indefinite");
        assert_eq!(contract_of("Thời vụ"), "seasonal");
        assert_eq!(contract_of("Mùa vụ"), "seasonal");
        assert_eq!(contract_of("Part time"), "part_time");
        assert_eq!(contract_of("seasonal"), "seasonal");
        assert_eq!(contract_of("Hợp đồng miệng"), "Hợp đồng miệng");
    }

    #[test]
    fn deadlines_in_every_usual_form() {
        assert_eq!(deadline_of("31/12/2026"), "31/12/2026");
        assert_eq!(deadline_of("2026-12-31"), "31/12/2026");
        assert_eq!(deadline_of("46387"), "31/12/2026", "an Excel serial day");
        assert_eq!(deadline_of("hết tháng"), "hết tháng");
    }

    #[test]
    fn a_title_is_the_same_whatever_its_spelling() {
        assert_eq!(key_of(1, "Công nhân  may", Some("22504")), key_of(1, "CONG NHAN MAY", Some("22504")));
        assert_ne!(key_of(1, "Công nhân may", Some("22504")), key_of(1, "Công nhân may", Some("22505")));
        assert_ne!(key_of(1, "Công nhân may", None), key_of(2, "Công nhân may", None));
    }
}
