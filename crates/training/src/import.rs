//! Enrolments from a spreadsheet (danh sách học viên): a school's list, as
//! XLSX or CSV. Every row is checked before anything is written; a learner
//! not yet in the registry is added from the row; the key (person, school,
//! trade, start date) makes importing the list again change nothing, and an
//! updated list (graduations, certificates) update the rows it names.

use std::path::Path;

use chrono::NaiveDate;
use platform::audit::Action;
use platform::error::FieldError;
use platform::i18n::{t, Lang};
use platform::sheet::list::{Importer, Report};
use platform::sheet::{self, Column, Columns, RawRow};
use platform::Db;
use registry::api::{find_or_prepare, keep, Who};

use crate::model::*;
use crate::service::Reach;
use crate::store::{self, Saved};

/// A column of the enrolments' sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Cccd,
    FullName,
    BirthDate,
    Sex,
    WardCode,
    Phone,
    SchoolCode,
    Trade,
    Level,
    StartDate,
    EndDate,
    Status,
    Certificate,
    CertificateNo,
    Funding,
}

static COLUMNS: [Column; 15] = [
    Column::optional("cccd", "Số CCCD", "Citizen ID (CCCD)", "056095001234", "12 chữ số; tìm người trong sổ").text(),
    Column::optional("full_name", "Họ và tên", "Full name", "Nguyễn Văn Đào", "Người chưa có trong sổ: bắt buộc"),
    Column::optional("birth_date", "Ngày sinh", "Date of birth", "01/03/2001", "dd/mm/yyyy; người chưa có trong sổ"),
    Column::optional("sex", "Giới tính", "Sex", "Nam", "Nam, Nữ; người chưa có trong sổ"),
    Column::optional(
        "ward_code",
        "Mã xã/phường",
        "Commune code",
        "22504",
        "Mã 5 chữ số (2025); người chưa có trong sổ",
    )
    .text(),
    Column::optional("phone", "Số điện thoại", "Phone", "0912345678", "").text(),
    Column::optional(
        "school_code",
        "Mã cơ sở đào tạo",
        "School code",
        "CDKTCN-NT",
        "Tài khoản của trường: để trống là trường mình",
    )
    .text(),
    Column::optional(
        "trade",
        "Nghề đào tạo",
        "Trade",
        "Điện công nghiệp",
        "Tên nghề, tên thường gọi hoặc mã nghề (ISCO)",
    )
    .required(),
    Column::optional("level", "Trình độ", "Level", "Sơ cấp", "Cao đẳng, Trung cấp, Sơ cấp, Dưới 3 tháng").required(),
    Column::optional("start_date", "Ngày nhập học", "Start date", "06/03/2023", "dd/mm/yyyy").required(),
    Column::optional("end_date", "Ngày kết thúc", "End date", "", "dd/mm/yyyy; bắt buộc khi tốt nghiệp hoặc bỏ học"),
    Column::optional("status", "Tình trạng", "Status", "Đang học", "Đang học, Tốt nghiệp, Bỏ học"),
    Column::optional("certificate", "Được cấp bằng/chứng chỉ", "Certificate issued", "Không", "Có, Không"),
    Column::optional("certificate_no", "Số hiệu bằng/chứng chỉ", "Certificate number", "", "").text(),
    Column::optional(
        "funding",
        "Nguồn kinh phí",
        "Funding",
        "Lao động nông thôn",
        "Lao động nông thôn, Hộ nghèo, Người khuyết tật, Ngân sách khác, Doanh nghiệp đặt hàng, Tự túc",
    ),
];

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::Cccd,
        Col::FullName,
        Col::BirthDate,
        Col::Sex,
        Col::WardCode,
        Col::Phone,
        Col::SchoolCode,
        Col::Trade,
        Col::Level,
        Col::StartDate,
        Col::EndDate,
        Col::Status,
        Col::Certificate,
        Col::CertificateNo,
        Col::Funding,
    ];
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
    fn index(self) -> usize {
        self as usize
    }
}

pub const GUIDE: sheet::write::Guide<'static> = sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách học viên",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một học viên theo học một nghề; dòng 2 là ví dụ, hãy xóa trước khi nhập.",
        "Người đã có trong sổ lao động được tìm theo số CCCD; người chưa có được thêm vào sổ từ họ tên, ngày sinh, giới tính và xã/phường.",
        "Cùng người, cùng trường, cùng nghề và cùng ngày nhập học là một dòng: nhập lại danh sách đã cập nhật (tốt nghiệp, cấp chứng chỉ) sẽ sửa dòng cũ, không thêm mới.",
        "Học viên tốt nghiệp có bằng hoặc chứng chỉ được nâng trình độ chuyên môn kỹ thuật trong sổ lao động nếu cao hơn trình độ đang ghi.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

/// The import template (XLSX), with the coded lists.
pub fn template() -> anyhow::Result<Vec<u8>> {
    let label = |keys: Vec<(String, String)>| -> Vec<(String, String)> {
        keys.into_iter().map(|(c, k)| (c, t(Lang::Vi, &k).to_owned())).collect()
    };
    let levels = label(Level::ALL.iter().map(|l| (l.as_str().to_owned(), l.key())).collect());
    let statuses = label(Status::ALL.iter().map(|l| (l.as_str().to_owned(), l.key())).collect());
    let funding = label(Funding::ALL.iter().map(|l| (l.as_str().to_owned(), l.key())).collect());
    let trades = crate::rules::trades().iter().map(|t| (t.code.clone(), t.name_vi.clone())).collect();
    sheet::write::template(
        &GUIDE,
        &[(Col::Trade, trades), (Col::Level, levels), (Col::Status, statuses), (Col::Funding, funding)],
    )
}

/// The row as the form's input.
fn input_of(row: &RawRow<Col>) -> EnrolmentInput {
    let g = |c| row.get(c).to_owned();
    EnrolmentInput {
        cccd: g(Col::Cccd),
        full_name: g(Col::FullName),
        birth_date: g(Col::BirthDate),
        sex: g(Col::Sex),
        ward_code: g(Col::WardCode),
        phone: g(Col::Phone),
        school_code: g(Col::SchoolCode),
        class_id: String::new(),
        trade: g(Col::Trade),
        level: g(Col::Level),
        start_date: g(Col::StartDate),
        end_date: g(Col::EndDate),
        status: g(Col::Status),
        certificate: g(Col::Certificate),
        certificate_no: g(Col::CertificateNo),
        funding: g(Col::Funding),
        result: String::new(),
    }
}

/// The learner as the registry's form would take them (added when missing).
pub fn person_input(input: &EnrolmentInput) -> registry::model::PersonInput {
    registry::model::PersonInput {
        cccd: input.cccd.clone(),
        full_name: input.full_name.clone(),
        birth_date: input.birth_date.clone(),
        sex: input.sex.clone(),
        ward_code: input.ward_code.clone(),
        phone: input.phone.clone(),
        qualification: "none".into(),
        employment_status: "inactive".into(),
        inactivity_reason: "Đang học nghề".into(),
        ..Default::default()
    }
}

/// The school a row names, within the importer's reach (a school account's
/// own when the column is empty).
pub async fn school_of(
    db: &Db,
    province: &str,
    typed: &str,
    reach: &Reach,
) -> anyhow::Result<Result<School, FieldError>> {
    let typed = typed.trim();
    let school = match (typed, reach) {
        ("", Reach::School(id)) => store::school(db, province, *id).await?,
        ("", Reach::All) => return Ok(Err(FieldError::new("school_code", "err.required"))),
        (code, _) => store::school_by_code(db, province, code).await?,
    };
    Ok(match school {
        None => Err(FieldError::new("school_code", "tr.err.school_unknown")),
        Some(s) if !reach.allows(s.id) => Err(FieldError::new("school_code", "tr.err.school_other")),
        Some(s) => Ok(s),
    })
}

/// Import the file at `path` for `reach`'s schools: every row is read and
/// checked before anything is written.
pub async fn run(
    db: &Db,
    province: &str,
    path: &Path,
    lang: Lang,
    today: NaiveDate,
    reach: &Reach,
    by: &Importer<'_>,
) -> anyhow::Result<Report> {
    let rows = sheet::list::read_all::<Col>(path).await?;
    let mut report = Report { rows: rows.len() as u64, ..Default::default() };
    let mut valid: Vec<(Who, Enrolment)> = Vec::new();
    for row in &rows {
        let input = input_of(row);
        let school = school_of(db, province, &input.school_code, reach).await?;
        let who = find_or_prepare(db, province, &person_input(&input), today).await?;
        let enrolment = match &school {
            Ok(s) => crate::rules::validate(&input, s.id, None, today),
            Err(_) => crate::rules::validate(&input, 0, None, today),
        };
        match (who, school, enrolment) {
            (Ok(w), Ok(_), Ok(e)) => valid.push((w, e)),
            (w, s, e) => {
                let mut errors = w.err().unwrap_or_default();
                errors.extend(s.err());
                errors.extend(e.err().unwrap_or_default());
                report.reject(row.line, &errors, lang);
            }
        }
    }
    for (who, e) in valid {
        let (person_id, added) = keep(db, province, &who).await?;
        if added {
            by.audit(db, province, Action::Create, "person", person_id).await?;
        }
        let (id, saved) = store::save(db, province, person_id, who.ward(), &e, by.user_id).await?;
        match saved {
            Saved::Inserted => report.inserted += 1,
            Saved::Updated => report.updated += 1,
            Saved::Unchanged => report.unchanged += 1,
        }
        if saved != Saved::Unchanged {
            report.changed_ids.push(id);
            let action = if saved == Saved::Inserted { Action::Create } else { Action::Update };
            by.audit(db, province, action, "enrolment", id).await?;
            if e.status == Status::Graduated {
                crate::service::raise_qualification(db, province, person_id, &e).await?;
            }
        }
    }
    Ok(report)
}
