//! Jobs created from a spreadsheet (danh sách người có việc làm tăng thêm):
//! the communes' and the centre's lists, as XLSX or CSV. Every row goes
//! through the form's rules and is checked before anything is written; a
//! person not yet in the registry is added from the row; the same job (same
//! person and employer within 30 days) is never counted twice, so importing
//! a list again changes nothing.

use std::path::Path;

use chrono::NaiveDate;
use platform::audit::Action;
use platform::auth::AreaScope;
use platform::error::FieldError;
use platform::fold::fold;
use platform::i18n::{t, Lang};
use platform::sheet::list::{Importer, Report};
use platform::sheet::{self, Column, Columns, RawRow};
use platform::Db;
use registry::api::{find_or_prepare, keep, Who};

use crate::model::*;
use crate::rules;
use crate::store::Origin;

/// A column of the placements' sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Cccd,
    FullName,
    BirthDate,
    Sex,
    WardCode,
    EmployerTaxCode,
    EmployerName,
    Occupation,
    StartDate,
    Channel,
    Place,
    Country,
    ContractType,
    Wage,
}

static COLUMNS: [Column; 14] = [
    Column::optional("cccd", "Số CCCD", "Citizen ID (CCCD)", "056095001234", "12 chữ số; tìm người trong sổ").text(),
    Column::optional("full_name", "Họ và tên", "Full name", "Nguyễn Văn Đào", "Người chưa có trong sổ: bắt buộc"),
    Column::optional("birth_date", "Ngày sinh", "Date of birth", "01/03/1995", "dd/mm/yyyy; người chưa có trong sổ"),
    Column::optional("sex", "Giới tính", "Sex", "Nam", "Nam, Nữ; người chưa có trong sổ"),
    Column::optional("ward_code", "Mã xã/phường", "Commune code", "22504", "Mã 5 chữ số (2025); người chưa có trong sổ").text(),
    Column::optional("employer_tax_code", "Mã số thuế nơi làm việc", "Employer tax code", "4201234566", "Để trống: tự tạo việc làm, hộ kinh doanh").text(),
    Column::optional("employer_name", "Tên nơi làm việc", "Employer name", "Công ty TNHH Thủy sản Vạn Ninh", ""),
    Column::optional("occupation_isco", "Nghề (mã ISCO)", "Occupation (ISCO)", "7212", "Mã 4 chữ số hoặc tên nghề").text(),
    Column::optional("start_date", "Ngày bắt đầu làm việc", "Start date", "05/03/2023", "dd/mm/yyyy").required(),
    Column::optional(
            "channel",
            "Kênh",
            "Channel",
            "Phiên giao dịch việc làm",
            "Phiên giao dịch việc làm, Giới thiệu việc làm, Tư vấn tại Trung tâm, Tự tìm việc, Đi làm việc ở nước ngoài, Chương trình việc làm công",
        )
    .required(),
    Column::optional("place", "Nơi làm việc", "Place", "Trong tỉnh", "Trong tỉnh, Tỉnh khác, Nước ngoài").required(),
    Column::optional("country", "Nước", "Country", "", "Khi làm việc ở nước ngoài: Nhật Bản, Hàn Quốc, Đài Loan…"),
    Column::optional("contract_type", "Loại hợp đồng", "Contract", "Xác định thời hạn", ""),
    Column::optional("wage", "Tiền lương (đồng/tháng)", "Wage (VND a month)", "8 triệu", ""),
];

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Cccd,
        Col::FullName,
        Col::BirthDate,
        Col::Sex,
        Col::WardCode,
        Col::EmployerTaxCode,
        Col::EmployerName,
        Col::Occupation,
        Col::StartDate,
        Col::Channel,
        Col::Place,
        Col::Country,
        Col::ContractType,
        Col::Wage,
    ];
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
    fn index(self) -> usize {
        self as usize
    }
}

pub const GUIDE: sheet::write::Guide<'static> = sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách người có việc làm tăng thêm",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một người bắt đầu một công việc; dòng 2 là ví dụ, hãy xóa trước khi nhập.",
        "Người đã có trong sổ được tìm theo số CCCD; người chưa có được thêm vào sổ từ họ tên, ngày sinh, giới tính và xã/phường.",
        "Cùng một người bắt đầu làm cùng một nơi trong vòng 30 ngày chỉ tính một việc làm: nhập lại danh sách không tính thêm.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

/// The import template (XLSX).
pub fn template() -> anyhow::Result<Vec<u8>> {
    let label = |prefix: &str, codes: &[&str]| -> Vec<(String, String)> {
        codes.iter().map(|c| (c.to_string(), t(Lang::Vi, &format!("{prefix}{c}")).to_owned())).collect()
    };
    let codes = vec![(Col::Channel, label("pl.channel.", &CHANNELS)), (Col::Place, label("pl.place.", &PLACES))];
    sheet::write::template(&GUIDE, &codes)
}

/// A coded value as its code or its label in either language (diacritics,
/// case and spacing aside), with the usual short forms.
fn coded(typed: &str, prefix: &str, codes: &[&'static str], short: &[(&str, &'static str)]) -> String {
    let f = fold(typed);
    let f = f.trim();
    short
        .iter()
        .find(|(s, _)| *s == f)
        .map(|(_, c)| *c)
        .or_else(|| {
            codes
                .iter()
                .copied()
                .find(|c| *c == f || [Lang::Vi, Lang::En].iter().any(|l| fold(t(*l, &format!("{prefix}{c}"))) == f))
        })
        .map_or_else(|| typed.trim().to_owned(), str::to_owned)
}

/// The form's input from a row.
fn input_of(row: &RawRow<Col>) -> PlacementInput {
    let occupation = row.get(Col::Occupation);
    let occupation = refdata::refdata().occupation_typed(occupation).map_or(occupation.to_owned(), |o| o.code.clone());
    let contract = row.get(Col::ContractType);
    PlacementInput {
        person_id: None,
        cccd: row.get(Col::Cccd).to_owned(),
        full_name: row.get(Col::FullName).to_owned(),
        birth_date: vacancies::import::deadline_of(row.get(Col::BirthDate)),
        sex: row.get(Col::Sex).to_owned(),
        ward_code: row.get(Col::WardCode).to_owned(),
        employer_kind: String::new(),
        employer_tax_code: row.get(Col::EmployerTaxCode).trim_end_matches(".0").to_owned(),
        employer_name: row.get(Col::EmployerName).to_owned(),
        vacancy_id: None,
        occupation_isco: occupation,
        start_date: vacancies::import::deadline_of(row.get(Col::StartDate)),
        channel: coded(
            row.get(Col::Channel),
            "pl.channel.",
            &CHANNELS,
            &[
                ("pgd", "session"),
                ("phien gdvl", "session"),
                ("gioi thieu", "referral"),
                ("tu van", "counselling"),
                ("tu tim", "self_found"),
                ("xkld", "abroad"),
                ("xuat khau lao dong", "abroad"),
                ("nuoc ngoai", "abroad"),
            ],
        ),
        place: coded(
            row.get(Col::Place),
            "pl.place.",
            &PLACES,
            &[
                ("tinh", "province"),
                ("trong tinh", "province"),
                ("ngoai tinh", "other_province"),
                ("nuoc ngoai", "abroad"),
            ],
        ),
        country: row.get(Col::Country).to_owned(),
        contract_type: if contract.is_empty() { String::new() } else { vacancies::import::contract_of(contract) },
        wage: vacancies::import::wage_of(row.get(Col::Wage)),
    }
}

/// Import the file at `path`: every row is read and checked before anything
/// is written; rows outside the importer's communes (`scope`) are refused.
pub async fn run(
    db: &Db,
    province: &str,
    path: &Path,
    lang: Lang,
    today: NaiveDate,
    scope: &AreaScope,
    by: &Importer<'_>,
) -> anyhow::Result<Report> {
    let rows = sheet::list::read_all::<Col>(path).await?;
    let mut report = Report { rows: rows.len() as u64, ..Default::default() };
    let d = refdata::refdata();
    let mut valid: Vec<(Who, Placement)> = Vec::new();
    for row in &rows {
        let input = input_of(row);
        let job = rules::validate(&input, d, today);
        let who = find_or_prepare(db, province, &crate::service::person_input(&input), today).await?;
        let who = who.and_then(|w| {
            if scope.allows(w.ward()) {
                Ok(w)
            } else {
                Err(vec![FieldError::new("ward_code", "pl.err.ward_outside")])
            }
        });
        match (who, job) {
            (Ok(w), Ok(j)) => valid.push((w, j)),
            (w, j) => {
                let mut errors = w.err().unwrap_or_default();
                errors.extend(j.err().unwrap_or_default());
                report.reject(row.line, &errors, lang);
            }
        }
    }
    let origin = Origin { source: "import", source_id: None, by: by.user_id };
    for (who, job) in valid {
        let (person_id, added) = keep(db, province, &who).await?;
        if added {
            by.audit(db, province, Action::Create, "person", person_id).await?;
        }
        let ward = who.ward().to_owned();
        let (id, created) = crate::service::save_in(db, province, person_id, &ward, &job, &origin).await?;
        if created {
            report.inserted += 1;
            report.changed_ids.push(id);
            by.audit(db, province, Action::Create, "placement", id).await?;
        } else {
            report.unchanged += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_and_places_as_offices_write_them() {
        platform::i18n::install(&[crate::MESSAGES]);
        assert_eq!(coded("Phiên giao dịch việc làm", "pl.channel.", &CHANNELS, &[]), "session");
        assert_eq!(coded("phien giao dich viec lam", "pl.channel.", &CHANNELS, &[]), "session");
        assert_eq!(coded("XKLĐ", "pl.channel.", &CHANNELS, &[("xkld", "abroad")]), "abroad");
        assert_eq!(coded("Work abroad", "pl.channel.", &CHANNELS, &[]), "abroad");
        assert_eq!(coded("self_found", "pl.channel.", &CHANNELS, &[]), "self_found");
        assert_eq!(coded("Trong tỉnh", "pl.place.", &PLACES, &[]), "province");
        assert_eq!(coded("may mắn", "pl.channel.", &CHANNELS, &[]), "may mắn", "left for the rules to refuse");
    }
}
