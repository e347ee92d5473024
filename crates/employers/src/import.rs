//! Employers from a spreadsheet (danh sách doanh nghiệp): how provinces
//! start, from the lists they keep in Excel. Each row goes through the
//! form's rules; a row is matched to a registered employer by tax code, so
//! importing the same list twice changes nothing. Staff imports register
//! employers as approved.

use std::path::Path;

use platform::audit::Action;
use platform::error::FieldError;
use platform::i18n::{fill, t, Lang};
use platform::sheet::list::{Importer, Noted, Report};
use platform::sheet::{self, Column, Columns, Need, RawRow};
use platform::types::{PhoneNumber, TaxCode};
use platform::Db;

use refdata::lookup::{code_of, lookups};

use crate::model::{EmployerInput, EmployerRecord, EmployerStatus, OWNERSHIPS, SIZE_BANDS};
use crate::{rules, store};

/// A column of the employers' sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    TaxCode,
    Name,
    WardCode,
    Address,
    Phone,
    Email,
    VsicSection,
    Size,
    Ownership,
    ContactName,
    Website,
}

/// Every column, in template order (index = `Col as usize`).
static COLUMNS: [Column; 11] = [
    Column {
        need: Need::Required,
        text: true,
        ..Column::optional(
            "tax_code",
            "Mã số thuế",
            "Tax code",
            "4201234566",
            "10 chữ số, hoặc 10 chữ số-3 chữ số cho chi nhánh",
        )
    },
    Column {
        need: Need::Required,
        ..Column::optional("name", "Tên doanh nghiệp", "Name", "Công ty TNHH Thủy sản Biển Xanh", "")
    },
    Column {
        need: Need::Unless("address"),
        text: true,
        ..Column::optional("ward_code", "Mã xã/phường", "Commune code", "22504", "Mã xã/phường 5 chữ số (2025)")
    },
    Column {
        need: Need::Unless("ward_code"),
        ..Column::optional(
            "address",
            "Địa chỉ",
            "Address",
            "Thôn 1, xã Đại Lãnh",
            "Số nhà, đường, xã/phường; cũ hoặc mới",
        )
    },
    Column {
        text: true,
        ..Column::optional("phone", "Số điện thoại", "Phone", "0258 3822 123", "Cần số điện thoại hoặc thư điện tử")
    },
    Column::optional("email", "Thư điện tử", "E-mail", "tuyendung@bienxanh.vn", ""),
    Column::optional(
        "vsic_section",
        "Ngành kinh tế (VSIC)",
        "Sector (VSIC)",
        "C",
        "Mã chữ cái cấp 1 (A–U) hoặc tên ngành",
    ),
    Column::optional("size", "Quy mô", "Size", "Nhỏ", "Siêu nhỏ, Nhỏ, Vừa, Lớn"),
    Column::optional(
        "ownership",
        "Loại hình",
        "Ownership",
        "Tư nhân",
        "Nhà nước, Tư nhân, FDI, Hợp tác xã, Hộ kinh doanh, Khác; để trống: Khác",
    ),
    Column::optional("contact_name", "Người liên hệ", "Contact person", "Trần Thị Hạnh", ""),
    Column::optional("website", "Trang web", "Website", "", "Bắt đầu bằng https://"),
];

impl Columns for Col {
    const ALL: &'static [Col] = &[
        Col::TaxCode,
        Col::Name,
        Col::WardCode,
        Col::Address,
        Col::Phone,
        Col::Email,
        Col::VsicSection,
        Col::Size,
        Col::Ownership,
        Col::ContactName,
        Col::Website,
    ];
    fn column(self) -> &'static Column {
        &COLUMNS[self as usize]
    }
    fn index(self) -> usize {
        self as usize
    }
}

pub const GUIDE: sheet::write::Guide<'static> = sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách doanh nghiệp",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một doanh nghiệp; dòng 2 là ví dụ, hãy xóa trước khi nhập.",
        "Doanh nghiệp đã có (cùng mã số thuế) được cập nhật, không tạo thêm. Có thể bỏ các cột không dùng.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

/// The import template (XLSX).
pub fn template() -> anyhow::Result<Vec<u8>> {
    let d = refdata::refdata();
    let labels = |keys: &[&str], prefix: &str| -> Vec<(String, String)> {
        keys.iter().map(|k| (k.to_string(), t(Lang::Vi, &format!("{prefix}.{k}")).to_owned())).collect()
    };
    let codes = vec![
        (Col::VsicSection, d.vsic_sections.iter().map(|s| (s.code.clone(), s.name_vi.clone())).collect()),
        (Col::Size, labels(&SIZE_BANDS, "employers.size")),
        (Col::Ownership, labels(&OWNERSHIPS, "employers.ownership")),
    ];
    sheet::write::template(&GUIDE, &codes)
}

/// A coded answer given as its code or its label in either language, in
/// any case, with or without diacritics.
fn label_code(value: &str, codes: &[&str], prefix: &str) -> String {
    let v = platform::fold::fold(value);
    let short = match v.as_str() {
        "fdi" | "nuoc ngoai" | "von nuoc ngoai" => Some("fdi"),
        "htx" => Some("cooperative"),
        "hkd" | "ho kinh doanh ca the" => Some("household"),
        "tu nhan" | "ngoai nha nuoc" => Some("private"),
        _ => None,
    };
    if let Some(code) = short.filter(|c| codes.contains(c)) {
        return code.to_owned();
    }
    codes
        .iter()
        .find(|c| {
            **c == v || [Lang::Vi, Lang::En].iter().any(|l| platform::fold::fold(t(*l, &format!("{prefix}.{c}"))) == v)
        })
        .map(|c| (*c).to_owned())
        .unwrap_or_else(|| value.trim().to_owned())
}

/// The form's input from a row, and what its importer should know of it.
/// An address without a commune code is resolved (old or new, with or
/// without commas); one that does not resolve to a single commune is
/// refused.
fn input_of(row: &RawRow<Col>, lang: Lang) -> (EmployerInput, Option<FieldError>, Option<String>) {
    let d = refdata::refdata();
    let mut ward_code = row.get(Col::WardCode).to_owned();
    let mut street = String::new();
    let mut problem = None;
    let address = row.get(Col::Address);
    if !address.is_empty() {
        // What comes before the first unit is the house, street or hamlet.
        let parts = d.address_parts(address);
        let commune_given = !ward_code.is_empty();
        if (parts.len() > 1 || commune_given) && !refdata::RefData::is_unit(&parts[0]) {
            street = parts[0].clone();
        }
        if ward_code.is_empty() {
            let r = d.resolve_address(address);
            match r.ward_code {
                Some(w) if r.certain => ward_code = w,
                _ => {
                    problem =
                        Some(FieldError { field: "ward_code".into(), code: "err.address.unresolved".into(), row: None })
                }
            }
        }
    }
    let vsic = row.get(Col::VsicSection);
    let vsic_section = code_of(&lookups().vsic, vsic).unwrap_or_else(|| vsic.to_owned());
    let typed_phone = row.get(Col::Phone);
    let (phone, note) = match PhoneNumber::parse_restoring(typed_phone) {
        Ok((p, restored)) => {
            let note = restored
                .then(|| fill(t(lang, "import.note.phone_zero"), &[("typed", typed_phone), ("read", p.as_str())]));
            (p.as_str().to_owned(), note)
        }
        Err(_) => (typed_phone.to_owned(), None),
    };
    let ownership = row.get(Col::Ownership);
    let input = EmployerInput {
        tax_code: row.get(Col::TaxCode).trim_end_matches(".0").to_owned(),
        name: row.get(Col::Name).to_owned(),
        vsic_section,
        size_band: label_code(row.get(Col::Size), &SIZE_BANDS, "employers.size"),
        ownership: if ownership.is_empty() {
            String::new()
        } else {
            label_code(ownership, &OWNERSHIPS, "employers.ownership")
        },
        ward_code,
        street,
        contact_name: row.get(Col::ContactName).to_owned(),
        phone,
        email: row.get(Col::Email).to_owned(),
        website: row.get(Col::Website).to_owned(),
    };
    (input, problem, note)
}

/// Fill what the row leaves empty from the registered employer.
fn keep_registered(input: &mut EmployerInput, registered: EmployerInput) {
    let pairs = [
        (&mut input.name, registered.name),
        (&mut input.vsic_section, registered.vsic_section),
        (&mut input.size_band, registered.size_band),
        (&mut input.ownership, registered.ownership),
        (&mut input.ward_code, registered.ward_code),
        (&mut input.street, registered.street),
        (&mut input.contact_name, registered.contact_name),
        (&mut input.phone, registered.phone),
        (&mut input.email, registered.email),
        (&mut input.website, registered.website),
    ];
    for (typed, kept) in pairs {
        if typed.trim().is_empty() {
            *typed = kept;
        }
    }
}

/// Import the file at `path`: every row is read and checked before anything
/// is written, so a bad row never leaves half a list; rows refused are
/// reported with their line and reason.
pub async fn run(db: &Db, province: &str, path: &Path, lang: Lang, by: &Importer<'_>) -> anyhow::Result<Report> {
    let rows = sheet::list::read_all::<Col>(path).await?;
    let mut report = Report { rows: rows.len() as u64, ..Default::default() };
    let inputs: Vec<_> = rows.iter().map(|r| input_of(r, lang)).collect();
    let codes: Vec<String> =
        inputs.iter().filter_map(|(i, _, _)| TaxCode::parse(&i.tax_code).ok()).map(|t| t.to_string()).collect();
    let registered: std::collections::HashMap<String, EmployerRecord> =
        store::by_tax_codes(db, province, &codes).await?.into_iter().map(|e| (e.tax_code.clone(), e)).collect();
    let mut valid = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (row, (mut input, problem, note)) in rows.iter().zip(inputs) {
        let existing = TaxCode::parse(&input.tax_code).ok().and_then(|t| registered.get(t.as_str()).cloned());
        match &existing {
            // An import never erases what is registered: an absent column or
            // an empty cell keeps the registered value.
            Some(e) => keep_registered(&mut input, e.input()),
            None if input.ownership.is_empty() => input.ownership = "other".into(),
            None => {}
        }
        let checked = match (rules::validate(&input, refdata::refdata()), problem) {
            (Err(mut errors), Some(p)) => {
                errors.retain(|e| e.field != p.field);
                errors.insert(0, p);
                Err(errors)
            }
            (Ok(_), Some(p)) => Err(vec![p]),
            (result, None) => result,
        };
        let checked = checked.and_then(|e| {
            if seen.insert(e.tax_code.to_string()) {
                Ok(e)
            } else {
                Err(vec![FieldError {
                    field: "tax_code".into(),
                    code: "err.tax_code.duplicate_in_file".into(),
                    row: None,
                }])
            }
        });
        match checked {
            Ok(e) => {
                if let Some(note) = note {
                    report.noted_rows.push(Noted { line: row.line, note });
                }
                valid.push((e, existing))
            }
            Err(errors) => report.reject(row.line, &errors, lang),
        }
    }
    for (e, existing) in valid {
        let (action, id) = match existing {
            Some(existing) if rules::validate(&existing.input(), refdata::refdata()).ok().as_ref() == Some(&e) => {
                report.unchanged += 1;
                continue;
            }
            Some(existing) => {
                store::update(db, province, existing.id, &e).await?;
                report.updated += 1;
                report.changed_ids.push(existing.id);
                (Action::Update, existing.id)
            }
            None => match store::insert(db, province, &e, EmployerStatus::Approved).await? {
                Ok(id) => {
                    report.inserted += 1;
                    (Action::Create, id)
                }
                // Registered meanwhile by someone else: theirs stands.
                Err(_) => {
                    report.unchanged += 1;
                    continue;
                }
            },
        };
        by.audit(db, province, action, "employer", id).await?;
    }
    Ok(report)
}
