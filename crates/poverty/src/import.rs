//! A commune's review list from a spreadsheet (danh sách rà soát hộ nghèo,
//! hộ cận nghèo): one household a row with its income and a column per
//! indicator (1 = lacking), as XLSX or CSV. Every row is classified by the
//! standard in force in its review year and checked before anything is
//! written; the same list again changes nothing (by household code and year).

use std::path::Path;

use chrono::NaiveDate;
use platform::audit::Action;
use platform::auth::AreaScope;
use platform::error::FieldError;
use platform::fold::fold;
use platform::i18n::Lang;
use platform::sheet::list::{Importer, Report};
use platform::sheet::{self, Column, Columns, RawRow};
use platform::Db;

use crate::model::*;
use crate::rules;
use crate::standard::Standards;

/// A column of the review list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    HouseholdCode,
    WardCode,
    Hamlet,
    Area,
    HeadCccd,
    HeadName,
    Members,
    Income,
    ReviewYear,
    Employment,
    Dependants,
    Nutrition,
    HealthInsurance,
    AdultEducation,
    ChildSchoolAttendance,
    HousingQuality,
    HousingArea,
    DomesticWater,
    HygienicLatrine,
    Telecom,
    InformationAccess,
    WasteTreatment,
}

const FLAG: &str = "1 = thiếu hụt; để trống hoặc 0 = không";

static COLUMNS: [Column; 22] = [
    Column::optional("household_code", "Mã hộ", "Household code", "KN-0001", "Mã hộ của xã, không trùng")
        .required()
        .text(),
    Column::optional("ward_code", "Mã xã/phường", "Commune code", "22504", "Mã 5 chữ số (2025)").required().text(),
    Column::optional("hamlet", "Thôn, tổ dân phố", "Hamlet", "Thôn Tân Hòa", ""),
    Column::optional("area", "Khu vực", "Area", "Nông thôn", "Nông thôn, Thành thị; trống: theo xã (xã) hoặc phường"),
    Column::optional("head_cccd", "CCCD chủ hộ", "Head's CCCD", "056095001234", "12 chữ số; nối với sổ lao động")
        .text(),
    Column::optional("head_name", "Họ tên chủ hộ", "Head's name", "Nguyễn Văn Đào", "").required(),
    Column::optional("members", "Số nhân khẩu", "Members", "4", "").required(),
    Column::optional(
        "income_per_person_month",
        "Thu nhập bình quân (đồng/người/tháng)",
        "Income per person a month (VND)",
        "1200000",
        "",
    )
    .required(),
    Column::optional("review_year", "Năm rà soát", "Review year", "2025", "").required(),
    Column::optional("employment", "Việc làm", "Employment", "1", FLAG),
    Column::optional("dependants", "Người phụ thuộc", "Dependants", "", FLAG),
    Column::optional("nutrition", "Dinh dưỡng", "Nutrition", "", FLAG),
    Column::optional("health_insurance", "Bảo hiểm y tế", "Health insurance", "1", FLAG),
    Column::optional("adult_education", "Trình độ giáo dục người lớn", "Adult education", "", FLAG),
    Column::optional("child_school_attendance", "Đi học của trẻ em", "Children's school attendance", "", FLAG),
    Column::optional("housing_quality", "Chất lượng nhà ở", "Housing quality", "1", FLAG),
    Column::optional("housing_area", "Diện tích nhà ở", "Floor area per person", "", FLAG),
    Column::optional("domestic_water", "Nước sinh hoạt", "Domestic water", "", FLAG),
    Column::optional("hygienic_latrine", "Nhà tiêu hợp vệ sinh", "Hygienic latrine", "1", FLAG),
    Column::optional("telecom", "Dịch vụ viễn thông", "Telecommunication services", "", FLAG),
    Column::optional("information_access", "Tiếp cận thông tin", "Access to information", "", FLAG),
    Column::optional("waste_treatment", "Xử lý chất thải", "Waste treatment", "", "Từ 2027 (Nghị định 351/2025)"),
];

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::HouseholdCode,
        Col::WardCode,
        Col::Hamlet,
        Col::Area,
        Col::HeadCccd,
        Col::HeadName,
        Col::Members,
        Col::Income,
        Col::ReviewYear,
        Col::Employment,
        Col::Dependants,
        Col::Nutrition,
        Col::HealthInsurance,
        Col::AdultEducation,
        Col::ChildSchoolAttendance,
        Col::HousingQuality,
        Col::HousingArea,
        Col::DomesticWater,
        Col::HygienicLatrine,
        Col::Telecom,
        Col::InformationAccess,
        Col::WasteTreatment,
    ];
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// The indicator columns (their keys are the indicator codes).
const INDICATORS: std::ops::RangeInclusive<usize> = (Col::Employment as usize)..=(Col::WasteTreatment as usize);

pub const GUIDE: sheet::write::Guide<'static> = sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách rà soát hộ nghèo, hộ cận nghèo",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một hộ được rà soát trong năm; dòng 2 là ví dụ, hãy xóa trước khi nhập.",
        "Mỗi chỉ số thiếu hụt một cột: ghi 1 (hoặc x, có) khi hộ thiếu hụt, để trống hoặc 0 khi không.",
        "Hộ được phân loại theo chuẩn nghèo đang áp dụng trong năm rà soát (2022–2026: Nghị định 07/2021/NĐ-CP; từ 2027: Nghị định 351/2025/NĐ-CP).",
        "Cùng mã hộ và năm rà soát chỉ có một kết quả: nhập lại danh sách không tạo thêm, chỉ cập nhật khi số liệu thay đổi.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

/// The import template (XLSX).
pub fn template() -> anyhow::Result<Vec<u8>> {
    sheet::write::template::<Col>(&GUIDE, &[])
}

/// A flag as offices write it: 1, x, có, thiếu → lacking; empty, 0, không → not.
pub fn flag(s: &str) -> Result<bool, ()> {
    match fold(s).trim().trim_end_matches(".0") {
        "" | "0" | "khong" | "k" | "no" | "-" => Ok(false),
        "1" | "x" | "co" | "c" | "yes" | "thieu" | "thieu hut" => Ok(true),
        _ => Err(()),
    }
}

/// A whole number typed in a cell: "4", "4.0" (Excel), "1.200.000", "1,200,000", "1 200 000", "1,2 triệu".
pub fn number(s: &str) -> Option<i64> {
    let f = fold(s);
    let f = f.trim();
    for unit in ["trieu dong", "trieu", "tr"] {
        if let Some(n) = f.strip_suffix(unit) {
            let n: f64 = n.trim().replace(',', ".").parse().ok()?;
            return (n >= 0.0).then(|| (n * 1_000_000.0).round() as i64);
        }
    }
    let f = f.strip_suffix("dong").or_else(|| f.strip_suffix("d")).unwrap_or(f).trim();
    let f = f.strip_suffix(".0").unwrap_or(f);
    if f.is_empty() || f.starts_with('-') {
        return None;
    }
    let digits: String = f.chars().filter(|c| !matches!(c, '.' | ',' | ' ')).collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
        return None;
    }
    digits.parse().ok()
}

/// One row, checked.
struct Checked {
    code: String,
    ward: String,
    hamlet: Option<String>,
    head_person: Option<i64>,
    head_name: String,
    survey: Survey,
}

async fn check(
    db: &Db,
    province: &str,
    standards: &Standards,
    row: &RawRow<Col>,
    scope: &AreaScope,
) -> anyhow::Result<Result<Checked, Vec<FieldError>>> {
    let mut errors = Vec::new();
    let code = row.get(Col::HouseholdCode).trim().to_owned();
    if code.is_empty() {
        errors.push(FieldError::new("household_code", "err.required"));
    }
    let ward = row.get(Col::WardCode).trim().trim_end_matches(".0").to_owned();
    let d = refdata::refdata();
    let w = d.ward(&ward).filter(|w| w.province_code == province);
    match w {
        None => errors.push(FieldError::new("ward_code", "err.ward.unknown")),
        Some(_) if !scope.allows(&ward) => errors.push(FieldError::new("ward_code", "pov.err.ward_outside")),
        _ => {}
    }
    let area = match row.get(Col::Area).trim() {
        "" => w.map(|w| if fold(&w.kind) == "phuong" { Area::Urban } else { Area::Rural }),
        typed => {
            let a = Area::parse(typed);
            if a.is_none() {
                errors.push(FieldError::new("area", "pov.err.area"));
            }
            a
        }
    };
    let head_name = row.get(Col::HeadName).trim().to_owned();
    if head_name.is_empty() {
        errors.push(FieldError::new("head_name", "err.required"));
    }
    for (field, col) in [("head_name", Col::HeadName), ("hamlet", Col::Hamlet), ("household_code", Col::HouseholdCode)]
    {
        if platform::validate::has_unsafe(row.get(col)) {
            errors.push(FieldError::new(field, "err.control_chars"));
        }
    }
    let head_person = match row.get(Col::HeadCccd).trim() {
        "" => None,
        typed => match registry::rules::parse_cccd_lenient(typed) {
            Ok(c) => registry::store::id_by_cccd(db, province, c.as_str()).await?,
            Err(e) => {
                errors.push(FieldError::new("head_cccd", e.key));
                None
            }
        },
    };
    let members = number(row.get(Col::Members)).filter(|n| (1..=100).contains(n));
    if members.is_none() {
        errors.push(FieldError::new("members", "pov.err.members"));
    }
    let income = number(row.get(Col::Income));
    if income.is_none() {
        errors.push(FieldError::new("income_per_person_month", "pov.err.income_negative"));
    }
    let year = number(row.get(Col::ReviewYear)).filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.push(FieldError::new("review_year", "pov.err.year"));
    }
    let mut lacking = Vec::new();
    for i in INDICATORS {
        let col = Col::ALL[i];
        match flag(row.get(col)) {
            Ok(true) => lacking.push(col.column().key.to_owned()),
            Ok(false) => {}
            Err(()) => errors.push(FieldError::new(col.column().key, "pov.err.flag")),
        }
    }
    let (Some(area), Some(members), Some(income), Some(year)) = (area, members, income, year) else {
        return Ok(Err(errors));
    };
    // The yearly review runs from 1 September: the standard of its autumn.
    let review_date = NaiveDate::from_ymd_opt(year as i32, 11, 1).expect("a year's 1 November");
    let standard = standards.in_force(review_date);
    let lacking = match rules::deprivations(standard, &lacking) {
        Ok(l) => l,
        Err(_) => {
            // Name the column the year's standard does not have.
            for code in lacking.iter().filter(|c| standard.indicator(c).is_none()) {
                errors.push(FieldError::new(code, "pov.err.indicator_not_in_standard"));
            }
            vec![]
        }
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let class = rules::class_of(standard, area, income, lacking.len());
    Ok(Ok(Checked {
        code,
        ward,
        hamlet: Some(row.get(Col::Hamlet).trim().to_owned()).filter(|h| !h.is_empty()),
        head_person,
        head_name,
        survey: Survey {
            year: year as i32,
            kind: "yearly",
            reason: None,
            review_date,
            standard: standard.id.clone(),
            area,
            members,
            income_per_person_month: income,
            deprivations: lacking,
            class,
        },
    }))
}

/// Import the file at `path`: every row is read and checked before anything
/// is written; rows outside the importer's communes (`scope`) are refused.
/// Imported reviews are the commune's approved list.
pub async fn run(
    db: &Db,
    province: &str,
    standards: &Standards,
    path: &Path,
    lang: Lang,
    scope: &AreaScope,
    by: &Importer<'_>,
) -> anyhow::Result<Report> {
    let rows = sheet::list::read_all::<Col>(path).await?;
    let mut report = Report { rows: rows.len() as u64, ..Default::default() };
    let mut valid = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        match check(db, province, standards, row, scope).await? {
            Ok(c) => {
                // The same household twice in one year's list: the second is refused.
                if !seen.insert((c.code.clone(), c.survey.year)) {
                    report.reject(row.line, &[FieldError::new("household_code", "pov.err.twice")], lang);
                } else {
                    valid.push(c);
                }
            }
            Err(errors) => report.reject(row.line, &errors, lang),
        }
    }
    for c in valid {
        let (household, created) = crate::store::save_household(
            db,
            province,
            &c.code,
            &c.ward,
            c.hamlet.as_deref(),
            c.survey.area,
            (c.head_person, &c.head_name),
        )
        .await?;
        if created {
            by.audit(db, province, Action::Create, "household", household).await?;
        }
        if let Some(person) = c.head_person {
            let joined = c.survey.review_date;
            crate::store::join(db, province, household, person, "head", joined, "move").await?;
        }
        let (id, inserted, changed) =
            crate::store::save_review(db, province, household, &c.ward, &c.survey, "approved", by.user_id).await?;
        if inserted {
            report.inserted += 1;
            by.audit(db, province, Action::Create, "poverty_review", id).await?;
        } else if changed {
            report.updated += 1;
            by.audit(db, province, Action::Update, "poverty_review", id).await?;
        } else {
            report.unchanged += 1;
        }
        if inserted || changed {
            report.changed_ids.push(id);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_flags_as_typed() {
        assert_eq!(number("1.200.000"), Some(1_200_000));
        assert_eq!(number("1,200,000"), Some(1_200_000));
        assert_eq!(number("1200000.0"), Some(1_200_000));
        assert_eq!(number("1,2 triệu"), Some(1_200_000));
        assert_eq!(number("1 500 000 đồng"), Some(1_500_000));
        assert_eq!(number("4"), Some(4));
        assert_eq!(number("-5"), None);
        assert_eq!(number("bốn"), None);
        assert_eq!(number(""), None);
        assert_eq!(flag("1"), Ok(true));
        assert_eq!(flag("X"), Ok(true));
        assert_eq!(flag("Có"), Ok(true));
        assert_eq!(flag("1.0"), Ok(true));
        assert_eq!(flag(""), Ok(false));
        assert_eq!(flag("0"), Ok(false));
        assert_eq!(flag("không"), Ok(false));
        assert_eq!(flag("2"), Err(()));
    }

    #[test]
    fn the_indicator_columns_are_the_standards_codes() {
        let s = Standards::load(None).unwrap();
        let keys: Vec<&str> = INDICATORS.map(|i| Col::ALL[i].column().key).collect();
        assert_eq!(keys, s.all_codes(), "one column per indicator of every shipped standard");
    }
}
