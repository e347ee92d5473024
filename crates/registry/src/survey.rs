//! The survey sheet (phiếu thu thập thông tin cung lao động), described once:
//! each column's headers, example and instructions ([`Column`]), where the
//! import puts its text ([`SurveyColumn::input`]) and what an export writes
//! in it ([`SurveyColumn::export`]). The reader, the template, the import and
//! the exports all come from [`SURVEY`]; how a person is stored is described
//! once in `store::STORED`.
//!
//! A new column: a variant here, its [`SurveyColumn`] entry, the field in
//! `PersonInput` and `Person`, its rule in `rules::validate`, its `STORED`
//! entry and a migration.

use platform::sheet::{Column, Columns, Need};
use platform::types::Sex;

use crate::model::{Person, PersonInput};

/// A column of the survey sheet, numbered in template order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Cccd,
    FullName,
    BirthDate,
    Sex,
    Ethnicity,
    Phone,
    WardCode,
    Address,
    Hamlet,
    Household,
    Education,
    Qualification,
    TrainingField,
    EmploymentStatus,
    OccupationIsco,
    JobPosition,
    Workplace,
    EnterpriseType,
    Sector,
    PrevOccupationIsco,
    UnemployedMonths,
    InactivityReason,
    JobNeed,
    TrainingTrade,
    AbroadCountry,
    WorkProvinces,
    ExpectedWage,
}

/// One survey column: the sheet's description and the person's side of it.
pub struct SurveyColumn {
    pub field: Field,
    pub sheet: Column,
    /// Where the import and the form put the column's text.
    pub input: fn(&mut PersonInput) -> &mut String,
    /// The column's text in an export (codes, so that it imports back).
    pub export: fn(&Person) -> String,
}

const fn column(key: &'static str, vi: &'static str, en: &'static str) -> Column {
    Column { key, vi, en, need: Need::Optional, text: false, example: "", note: "" }
}

const fn required(c: Column) -> Column {
    Column { need: Need::Required, ..c }
}

/// Codes, dates and numbers with leading zeros: Excel must keep them as typed.
const fn text(c: Column) -> Column {
    Column { text: true, ..c }
}

const fn example(c: Column, example: &'static str) -> Column {
    Column { example, ..c }
}

const fn note(c: Column, note: &'static str) -> Column {
    Column { note, ..c }
}

fn opt(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// A coded answer as its Vietnamese name (what people read; the import reads
/// it back), or the code if the list does not have it.
fn name_of(list: &[refdata::model::CodeItem], code: Option<&str>) -> String {
    let Some(code) = code else { return String::new() };
    list.iter().find(|i| i.code == code).map_or_else(|| code.to_owned(), |i| i.name_vi.clone())
}

/// The needs as the import reads them: "job;training;abroad".
fn needs_text(p: &Person) -> String {
    let n = &p.needs;
    let flags = [(n.job, "job"), (n.training, "training"), (n.abroad, "abroad")];
    flags.iter().filter(|(on, _)| *on).map(|(_, name)| *name).collect::<Vec<_>>().join(";")
}

/// Every column, in template order (index = `Field as usize`). The example
/// is a made-up person in xã Đại Lãnh; coded answers are written as the
/// pages label them in Vietnamese (what people type), never as codes.
pub static SURVEY: [SurveyColumn; 27] = [
    SurveyColumn {
        field: Field::Cccd,
        sheet: note(
            example(text(column("cccd", "Số CCCD", "CCCD number")), "056190012345"),
            "12 chữ số; giữ nguyên số 0 ở đầu",
        ),
        input: |i| &mut i.cccd,
        export: |p| p.cccd.as_ref().map(|c| c.to_string()).unwrap_or_default(),
    },
    SurveyColumn {
        field: Field::FullName,
        sheet: example(required(column("full_name", "Họ và tên", "Full name")), "Nguyễn Thị Mai"),
        input: |i| &mut i.full_name,
        export: |p| p.full_name.clone(),
    },
    SurveyColumn {
        field: Field::BirthDate,
        sheet: note(
            example(text(required(column("birth_date", "Ngày sinh (dd/mm/yyyy)", "Date of birth"))), "17/05/1990"),
            "Ngày/tháng/năm, ví dụ 17/05/1990",
        ),
        input: |i| &mut i.birth_date,
        export: |p| p.birth_date.format("%d/%m/%Y").to_string(),
    },
    SurveyColumn {
        field: Field::Sex,
        sheet: example(required(column("sex", "Giới tính", "Sex")), "Nữ"),
        input: |i| &mut i.sex,
        export: |p| if p.sex == Sex::Female { "nữ" } else { "nam" }.into(),
    },
    SurveyColumn {
        field: Field::Ethnicity,
        sheet: example(column("ethnicity", "Dân tộc", "Ethnic group"), "Kinh"),
        input: |i| &mut i.ethnicity,
        export: |p| name_of(&refdata::refdata().ethnic_groups, p.ethnicity.as_deref()),
    },
    SurveyColumn {
        field: Field::Phone,
        sheet: note(
            example(text(column("phone", "Số điện thoại", "Phone number")), "0912345678"),
            "Giữ nguyên số 0 ở đầu",
        ),
        input: |i| &mut i.phone,
        export: |p| p.phone.as_ref().map(|x| x.to_string()).unwrap_or_default(),
    },
    SurveyColumn {
        field: Field::WardCode,
        sheet: Column {
            need: Need::Unless("address"),
            ..note(
                example(text(column("ward_code", "Mã xã/phường", "Commune code")), "22504"),
                "Mã xã/phường 5 chữ số, ví dụ 22504 (xã Đại Lãnh)",
            )
        },
        input: |i| &mut i.ward_code,
        export: |p| p.ward_code.to_string(),
    },
    SurveyColumn {
        field: Field::Address,
        sheet: Column {
            need: Need::Unless("ward_code"),
            ..note(column("address", "Địa chỉ (nếu không có mã xã)", "Address"), "Chỉ ghi khi không có mã xã/phường")
        },
        input: |i| &mut i.address,
        // Stored as the commune code and hamlet; an export gives those.
        export: |_| String::new(),
    },
    SurveyColumn {
        field: Field::Hamlet,
        sheet: example(column("hamlet", "Thôn/tổ dân phố", "Hamlet or street"), "Thôn 1"),
        input: |i| &mut i.hamlet,
        export: |p| opt(&p.hamlet),
    },
    SurveyColumn {
        field: Field::Household,
        sheet: example(text(column("household", "Mã hộ", "Household code")), "H0001"),
        input: |i| &mut i.household,
        export: |p| opt(&p.household),
    },
    SurveyColumn {
        field: Field::Education,
        sheet: example(
            column("education", "Trình độ giáo dục phổ thông", "General education"),
            "Tốt nghiệp trung học phổ thông",
        ),
        input: |i| &mut i.education,
        export: |p| name_of(&refdata::refdata().education, p.education.as_deref()),
    },
    SurveyColumn {
        field: Field::Qualification,
        sheet: example(column("qualification", "Trình độ CMKT", "Qualification"), "Trung cấp"),
        input: |i| &mut i.qualification,
        export: |p| name_of(&refdata::refdata().qualifications, Some(&p.qualification)),
    },
    SurveyColumn {
        field: Field::TrainingField,
        sheet: example(column("training_field", "Chuyên ngành đào tạo", "Field of training"), "Chế biến thủy sản"),
        input: |i| &mut i.training_field,
        export: |p| opt(&p.training_field),
    },
    SurveyColumn {
        field: Field::EmploymentStatus,
        sheet: example(
            required(column("employment_status", "Tình trạng việc làm", "Employment status")),
            "Có việc làm",
        ),
        input: |i| &mut i.employment_status,
        // The words the rules read without the message catalog.
        export: |p| {
            use crate::model::EmploymentStatus::*;
            match p.employment_status {
                Employed => "Có việc làm",
                Unemployed => "Thất nghiệp",
                Inactive => "Không tham gia hoạt động kinh tế",
            }
            .into()
        },
    },
    SurveyColumn {
        field: Field::OccupationIsco,
        sheet: note(
            example(text(column("occupation_isco", "Mã nghề (ISCO)", "Occupation (ISCO)")), "7511"),
            "Mã nghề ISCO, ví dụ 7511",
        ),
        input: |i| &mut i.occupation_isco,
        export: |p| opt(&p.occupation_isco),
    },
    SurveyColumn {
        field: Field::JobPosition,
        sheet: example(column("job_position", "Vị trí việc làm", "Job position"), "Công nhân chế biến"),
        input: |i| &mut i.job_position,
        export: |p| opt(&p.job_position),
    },
    SurveyColumn {
        field: Field::Workplace,
        sheet: example(column("workplace", "Nơi làm việc", "Workplace"), "Công ty TNHH Thủy sản Biển Xanh"),
        input: |i| &mut i.workplace,
        export: |p| opt(&p.workplace),
    },
    SurveyColumn {
        field: Field::EnterpriseType,
        sheet: example(column("enterprise_type", "Loại hình doanh nghiệp", "Type of enterprise"), "Công ty TNHH"),
        input: |i| &mut i.enterprise_type,
        export: |p| opt(&p.enterprise_type),
    },
    SurveyColumn {
        field: Field::Sector,
        sheet: note(
            example(
                text(column("sector", "Ngành kinh tế (VSIC)", "Economic sector (VSIC)")),
                "Công nghiệp chế biến, chế tạo",
            ),
            "Ngành kinh tế cấp 1 (VSIC 2018): tên ngành hoặc mã chữ cái, ví dụ C",
        ),
        input: |i| &mut i.sector,
        export: |p| opt(&p.sector),
    },
    SurveyColumn {
        field: Field::PrevOccupationIsco,
        sheet: note(
            text(column("prev_occupation_isco", "Mã nghề trước đây", "Previous occupation (ISCO)")),
            "Mã nghề ISCO, ví dụ 7511",
        ),
        input: |i| &mut i.prev_occupation_isco,
        export: |p| opt(&p.prev_occupation_isco),
    },
    SurveyColumn {
        field: Field::UnemployedMonths,
        sheet: note(column("unemployed_months", "Số tháng thất nghiệp", "Months unemployed"), "Số nguyên"),
        input: |i| &mut i.unemployed_months,
        export: |p| p.unemployed_months.map(|m| m.to_string()).unwrap_or_default(),
    },
    SurveyColumn {
        field: Field::InactivityReason,
        sheet: column("inactivity_reason", "Lý do không tham gia lao động", "Reason for not working"),
        input: |i| &mut i.inactivity_reason,
        export: |p| opt(&p.inactivity_reason),
    },
    SurveyColumn {
        field: Field::JobNeed,
        sheet: example(column("job_need", "Nhu cầu", "Needs"), "Cần học nghề"),
        input: |i| &mut i.job_need,
        export: needs_text,
    },
    SurveyColumn {
        field: Field::TrainingTrade,
        sheet: example(column("training_trade", "Nghề muốn học", "Trade to learn"), "Kế toán"),
        input: |i| &mut i.training_trade,
        export: |p| opt(&p.needs.training_trade),
    },
    SurveyColumn {
        field: Field::AbroadCountry,
        sheet: column("abroad_country", "Nước muốn đi làm việc", "Country to work in"),
        input: |i| &mut i.abroad_country,
        export: |p| opt(&p.needs.abroad_country),
    },
    SurveyColumn {
        field: Field::WorkProvinces,
        sheet: note(
            column("work_provinces", "Tỉnh khác sẵn sàng đến làm việc", "Other provinces willing to work in"),
            "Tên hoặc mã tỉnh, cách nhau bởi dấu chấm phẩy, ví dụ: TP. Hồ Chí Minh; Đà Nẵng",
        ),
        input: |i| &mut i.work_provinces,
        export: |p| p.needs.work_province_names(),
    },
    SurveyColumn {
        field: Field::ExpectedWage,
        sheet: note(
            example(column("expected_wage", "Mức lương mong muốn (đồng)", "Expected wage (VND)"), "9000000"),
            "Số tiền (đồng), ví dụ 9000000",
        ),
        input: |i| &mut i.expected_wage,
        export: |p| p.expected_wage.map(|w| w.to_string()).unwrap_or_default(),
    },
];

impl Field {
    /// Every column, in template order.
    pub const ALL: [Field; 27] = [
        Field::Cccd,
        Field::FullName,
        Field::BirthDate,
        Field::Sex,
        Field::Ethnicity,
        Field::Phone,
        Field::WardCode,
        Field::Address,
        Field::Hamlet,
        Field::Household,
        Field::Education,
        Field::Qualification,
        Field::TrainingField,
        Field::EmploymentStatus,
        Field::OccupationIsco,
        Field::JobPosition,
        Field::Workplace,
        Field::EnterpriseType,
        Field::Sector,
        Field::PrevOccupationIsco,
        Field::UnemployedMonths,
        Field::InactivityReason,
        Field::JobNeed,
        Field::TrainingTrade,
        Field::AbroadCountry,
        Field::WorkProvinces,
        Field::ExpectedWage,
    ];

    pub fn survey(self) -> &'static SurveyColumn {
        &SURVEY[self as usize]
    }
}

impl Columns for Field {
    const ALL: &'static [Field] = &Field::ALL;
    fn column(self) -> &'static Column {
        &self.survey().sheet
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// The Vietnamese headers, in template order (exports).
pub fn headers() -> Vec<String> {
    SURVEY.iter().map(|c| c.sheet.vi.to_owned()).collect()
}

/// A person as one row of the survey sheet, coded answers by their
/// Vietnamese names (exports: it imports back).
pub fn cells(p: &Person) -> Vec<String> {
    SURVEY.iter().map(|c| (c.export)(p)).collect()
}

/// What the template's instructions sheet says first.
pub const GUIDE: platform::sheet::write::Guide<'static> = platform::sheet::write::Guide {
    title: "Hướng dẫn nhập danh sách người lao động",
    lines: &[
        "Mỗi dòng của trang «Mẫu nhập» là một người; dòng 2 là ví dụ (một người giả định), hãy xóa trước khi nhập.",
        "Các cột tô màu cam là bắt buộc; cần có Mã xã/phường hoặc Địa chỉ. Có thể bỏ các cột không dùng.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu), bằng tiếng Anh hoặc bằng khóa tiếng Anh.",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use platform::sheet::write::{template, GUIDE_SHEET, TEMPLATE_SHEET};
    use platform::sheet::{read_rows, RawRow};

    #[test]
    fn survey_is_in_template_order_with_unique_keys_and_headers() {
        for (i, c) in SURVEY.iter().enumerate() {
            assert_eq!(c.field as usize, i, "{:?}", c.field);
            assert_eq!(Field::ALL[i], c.field);
        }
        for f in Field::ALL {
            let c = f.column();
            assert_eq!(Field::from_header(c.key), Some(f), "{f:?}");
            assert_eq!(Field::from_header(c.vi), Some(f), "{f:?}");
            assert_eq!(Field::from_header(c.en), Some(f), "{f:?}");
            assert_eq!(Field::from_header(&c.vi.to_uppercase()), Some(f), "{f:?}");
        }
        let required: Vec<Field> = Field::ALL.into_iter().filter(|f| f.column().need == Need::Required).collect();
        assert_eq!(required, [Field::FullName, Field::BirthDate, Field::Sex, Field::EmploymentStatus]);
    }

    fn codes() -> Vec<(Field, Vec<(String, String)>)> {
        let list = |items: &[(&str, &str)]| items.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
        vec![
            (Field::Sex, list(&[("1", "Nam"), ("2", "Nữ")])),
            (Field::Qualification, list(&[("0", "Chưa qua đào tạo"), ("3", "Sơ cấp"), ("4", "Trung cấp")])),
            (Field::EmploymentStatus, list(&[("employed", "Có việc làm"), ("unemployed", "Thất nghiệp")])),
            (Field::InactivityReason, list(&[("study", "Đang đi học")])),
        ]
    }

    #[test]
    fn survey_template_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.xlsx");
        std::fs::write(&path, template(&GUIDE, &codes()).unwrap()).unwrap();

        let mut fields = Vec::new();
        let mut rows: Vec<RawRow<Field>> = Vec::new();
        let n = read_rows(
            &path,
            |h| {
                fields = h.fields().collect();
                assert_eq!(h.width(), Field::ALL.len());
                Ok(())
            },
            |r| {
                rows.push(r);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(fields, Field::ALL);
        assert_eq!(n, 1);
        let row = &rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.get(Field::Cccd), "056190012345");
        assert_eq!(row.get(Field::FullName), "Nguyễn Thị Mai");
        assert_eq!(row.get(Field::BirthDate), "17/05/1990");
        assert_eq!(row.get(Field::Phone), "0912345678");
        assert_eq!(row.get(Field::WardCode), "22504");
        // Coded fields show the Vietnamese label, not the code.
        assert_eq!(row.get(Field::Sex), "Nữ");
        assert_eq!(row.get(Field::Qualification), "Trung cấp");
        assert_eq!(row.get(Field::EmploymentStatus), "Có việc làm");
        assert_eq!(row.get(Field::JobNeed), "Cần học nghề");
        assert_eq!(row.get(Field::InactivityReason), "");

        let workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        assert_eq!(calamine::Reader::sheet_names(&workbook), [TEMPLATE_SHEET, GUIDE_SHEET]);
        drop(workbook);
    }

    /// The example row is a valid person, its labels read back as codes.
    #[test]
    fn survey_template_example_imports() {
        let mut input = crate::model::PersonInput::default();
        let cells: Vec<(Field, String)> = Field::ALL.into_iter().map(|f| (f, f.column().example.to_owned())).collect();
        let row = RawRow::from_cells(2, cells);
        crate::import::fill_input(&mut input, &row);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let p = crate::rules::validate(&input, refdata::refdata(), "56", today).unwrap();
        assert_eq!(p.qualification, "intermediate");
        assert_eq!(p.education.as_deref(), Some("upper_secondary"));
        assert_eq!(p.ethnicity.as_deref(), Some("01"));
        assert_eq!(p.sector.as_deref(), Some("C"));
        assert_eq!(p.employment_status.as_str(), "employed");
        assert!(p.needs.training && !p.needs.job && !p.needs.abroad);
        for f in Field::ALL {
            let example = f.column().example;
            let codes = [&refdata::refdata().qualifications, &refdata::refdata().education];
            let is_code = codes.iter().any(|list| list.iter().any(|i| i.code == example));
            assert!(!is_code && !["male", "female", "employed", "training"].contains(&example), "{f:?}");
        }
        // And an export of that person imports back to the same person.
        let row = RawRow::from_cells(2, Field::ALL.into_iter().zip(super::cells(&p)).collect());
        let mut again = crate::model::PersonInput::default();
        crate::import::fill_input(&mut again, &row);
        assert_eq!(crate::rules::validate(&again, refdata::refdata(), "56", today).unwrap(), p);
    }

    #[test]
    fn survey_template_without_codes() {
        let bytes = template::<Field>(&GUIDE, &[]).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let mut sex = String::new();
        read_rows(
            &path,
            |_| Ok(()),
            |r: RawRow<Field>| {
                sex = r.get(Field::Sex).to_owned();
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(sex, "Nữ");
    }
}
