//! Writing survey sheets: the import template and the rejected-rows file.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::sheet::Field;

/// Name of the template's data sheet (the one `sheet::read_rows` reads).
pub const TEMPLATE_SHEET: &str = "Mẫu nhập";
/// Name of the template's instructions sheet.
pub const GUIDE_SHEET: &str = "Hướng dẫn";

/// Longest text Excel keeps in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Rows per worksheet of the rejected-rows file, header included (Excel's
/// limit; small in tests so that the roll-over to a new sheet is exercised).
const SHEET_ROWS: u32 = if cfg!(test) { 4 } else { 1_048_576 };

/// Columns kept as text so that Excel does not drop leading zeros or turn
/// codes and dates into numbers.
fn text_column(f: Field) -> bool {
    matches!(
        f,
        Field::Cccd
            | Field::BirthDate
            | Field::Phone
            | Field::WardCode
            | Field::Household
            | Field::OccupationIsco
            | Field::Sector
            | Field::PrevOccupationIsco
    )
}

/// The template's example person (made up), in xã Đại Lãnh. Coded answers
/// are written as the pages label them in Vietnamese (what people type),
/// never as codes; the import reads them back (tested below).
fn example(f: Field) -> &'static str {
    match f {
        Field::Cccd => "056190012345",
        Field::FullName => "Nguyễn Thị Mai",
        Field::BirthDate => "17/05/1990",
        Field::Sex => "Nữ",
        Field::Ethnicity => "Kinh",
        Field::Phone => "0912345678",
        Field::WardCode => "22504",
        Field::Address => "",
        Field::Hamlet => "Thôn 1",
        Field::Household => "H0001",
        Field::Education => "Tốt nghiệp trung học phổ thông",
        Field::Qualification => "Trung cấp",
        Field::TrainingField => "Chế biến thủy sản",
        Field::EmploymentStatus => "Có việc làm",
        Field::OccupationIsco => "7511",
        Field::JobPosition => "Công nhân chế biến",
        Field::Workplace => "Công ty TNHH Thủy sản Biển Xanh",
        Field::EnterpriseType => "Công ty TNHH",
        Field::Sector => "Công nghiệp chế biến, chế tạo",
        Field::PrevOccupationIsco => "",
        Field::UnemployedMonths => "",
        Field::InactivityReason => "",
        Field::JobNeed => "Cần học nghề",
        Field::TrainingTrade => "Kế toán",
        Field::AbroadCountry => "",
        Field::ExpectedWage => "9000000",
    }
}

/// How to fill the column, for the instructions sheet.
fn note(f: Field) -> &'static str {
    match f {
        Field::Cccd => "12 chữ số; giữ nguyên số 0 ở đầu",
        Field::BirthDate => "Ngày/tháng/năm, ví dụ 17/05/1990",
        Field::Phone => "Giữ nguyên số 0 ở đầu",
        Field::WardCode => "Mã xã/phường 5 chữ số, ví dụ 22504 (xã Đại Lãnh)",
        Field::Address => "Chỉ ghi khi không có mã xã/phường",
        Field::OccupationIsco | Field::PrevOccupationIsco => "Mã nghề ISCO, ví dụ 7511",
        Field::Sector => "Ngành kinh tế cấp 1 (VSIC 2018): tên ngành hoặc mã chữ cái, ví dụ C",
        Field::UnemployedMonths => "Số nguyên",
        Field::ExpectedWage => "Số tiền (đồng), ví dụ 9000000",
        _ => "",
    }
}

fn requirement(f: Field) -> &'static str {
    match f {
        _ if f.required() => "Bắt buộc",
        Field::WardCode => "Bắt buộc nếu không có Địa chỉ",
        Field::Address => "Bắt buộc nếu không có Mã xã/phường",
        _ => "",
    }
}

/// Spreadsheet column name of a 0-based index: 0 → "A", 26 → "AA".
fn column_name(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// `s` cut to what Excel keeps in a cell.
fn cell_text(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// The import template: sheet "Mẫu nhập" with the Vietnamese headers of
/// [`Field::ALL`] in order (bold, required ones highlighted, first row
/// frozen, identifier columns formatted as text) and one example row (a
/// made-up person in xã Đại Lãnh, 22504); sheet "Hướng dẫn" listing each
/// column: header, English key, whether required, how to fill it, and the
/// allowed values from `codes` (code, label), one per row.
pub fn template(codes: &[(Field, Vec<(String, String)>)]) -> anyhow::Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let required_header = header.clone().set_background_color(Color::RGB(0xFCE4D6));
    let text = Format::new().set_num_format("@");

    let sheet = workbook.add_worksheet();
    sheet.set_name(TEMPLATE_SHEET)?;
    for (i, f) in Field::ALL.into_iter().enumerate() {
        let col = i as u16;
        let width = (f.header_vi().chars().count() as f64 * 0.9 + 3.0).clamp(12.0, 28.0);
        sheet.set_column_width(col, width)?;
        if text_column(f) {
            sheet.set_column_format(col, &text)?;
        }
        let format = if requirement(f).is_empty() { &header } else { &required_header };
        sheet.write_string_with_format(0, col, f.header_vi(), format)?;
        let value = example(f);
        if value.is_empty() {
            continue;
        }
        if text_column(f) {
            sheet.write_string_with_format(1, col, value, &text)?;
        } else {
            sheet.write_string(1, col, value)?;
        }
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, 0)?;

    let bold = Format::new().set_bold();
    let guide = workbook.add_worksheet();
    guide.set_name(GUIDE_SHEET)?;
    guide.write_string_with_format(0, 0, "Hướng dẫn nhập danh sách người lao động", &bold.clone().set_font_size(14))?;
    let lines = [
        "Mỗi dòng của trang «Mẫu nhập» là một người; dòng 2 là ví dụ (một người giả định), hãy xóa trước khi nhập.",
        "Các cột tô màu cam là bắt buộc; cần có Mã xã/phường hoặc Địa chỉ. Có thể bỏ các cột không dùng.",
        "Tiêu đề cột có thể viết bằng tiếng Việt (có hoặc không dấu) hoặc bằng khóa tiếng Anh.",
    ];
    for (i, line) in lines.iter().enumerate() {
        guide.write_string(1 + i as u32, 0, *line)?;
    }
    let titles = ["Cột", "Tiêu đề", "Khóa (tiếng Anh)", "Bắt buộc", "Cách ghi", "Mã", "Ý nghĩa"];
    let first = 1 + lines.len() as u32 + 1;
    for (c, title) in titles.iter().enumerate() {
        guide.write_string_with_format(first, c as u16, *title, &header)?;
    }
    for (c, width) in [6.0, 30.0, 22.0, 30.0, 45.0, 12.0, 45.0].into_iter().enumerate() {
        guide.set_column_width(c as u16, width)?;
    }
    guide.set_column_format(5, &text)?;
    let mut row = first + 1;
    for (i, f) in Field::ALL.into_iter().enumerate() {
        guide.write_string_with_format(row, 0, column_name(i), &bold)?;
        guide.write_string(row, 1, f.header_vi())?;
        guide.write_string(row, 2, f.key())?;
        guide.write_string(row, 3, requirement(f))?;
        guide.write_string(row, 4, note(f))?;
        let list = codes.iter().filter(|(g, _)| *g == f).flat_map(|(_, list)| list);
        let mut any = false;
        for (code, label) in list {
            guide.write_string_with_format(row, 5, cell_text(code), &text)?;
            guide.write_string(row, 6, cell_text(label))?;
            row += 1;
            any = true;
        }
        if !any {
            row += 1;
        }
    }
    guide.set_freeze_panes(first + 1, 0)?;

    Ok(workbook.save_to_buffer()?)
}

/// The rejected rows of an import, written to an .xlsx file: the line number,
/// the original cells (as text) and the reason, under the original header.
/// Past Excel's row limit the rows continue on a new sheet.
pub struct RejectsWriter {
    workbook: Workbook,
    path: PathBuf,
    header: Vec<String>,
    line_header: String,
    reason_header: String,
    bold: Format,
    text: Format,
    /// Index of the sheet being written and the next row in it.
    sheet: usize,
    row: u32,
    count: u64,
}

impl RejectsWriter {
    /// Start the file at `path` (written by [`RejectsWriter::finish`]).
    /// `header` = the original header cells; `line_header` e.g. "Dòng" /
    /// "Line"; `reason_header` e.g. "Lý do" / "Reason".
    pub fn create(path: &Path, header: &[String], line_header: &str, reason_header: &str) -> anyhow::Result<Self> {
        let mut writer = RejectsWriter {
            workbook: Workbook::new(),
            path: path.to_owned(),
            header: header.to_vec(),
            line_header: line_header.to_owned(),
            reason_header: reason_header.to_owned(),
            bold: Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xDDEBF7)),
            text: Format::new().set_num_format("@"),
            sheet: 0,
            row: 0,
            count: 0,
        };
        writer.start_sheet()?;
        Ok(writer)
    }

    /// Add a sheet and write its header row.
    fn start_sheet(&mut self) -> anyhow::Result<()> {
        let index = self.workbook.worksheets().len();
        let sheet = new_sheet(&mut self.workbook)?;
        let width = self.header.len();
        sheet.set_column_width(0, 8)?;
        for col in 1..=width {
            sheet.set_column_width(col as u16, 18)?;
            sheet.set_column_format(col as u16, &self.text)?;
        }
        sheet.set_column_width(width as u16 + 1, 60)?;
        sheet.write_string_with_format(0, 0, cell_text(&self.line_header), &self.bold)?;
        for (i, h) in self.header.iter().enumerate() {
            sheet.write_string_with_format(0, i as u16 + 1, cell_text(h), &self.bold)?;
        }
        sheet.write_string_with_format(0, width as u16 + 1, cell_text(&self.reason_header), &self.bold)?;
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = index;
        self.row = 1;
        Ok(())
    }

    /// Write one rejected row: its line number, its original cells (cut to
    /// the header's width), the reason.
    pub fn push(&mut self, line: u64, original: &[String], reason: &str) -> anyhow::Result<()> {
        if self.row >= SHEET_ROWS {
            self.start_sheet()?;
        }
        let width = self.header.len();
        let row = self.row;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        sheet.write_number(row, 0, line as f64)?;
        for (i, cell) in original.iter().take(width).enumerate() {
            if !cell.is_empty() {
                sheet.write_string_with_format(row, i as u16 + 1, cell_text(cell), &self.text)?;
            }
        }
        sheet.write_string(row, width as u16 + 1, cell_text(reason))?;
        self.row += 1;
        self.count += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Write the file.
    pub fn finish(mut self) -> anyhow::Result<()> {
        self.workbook.save(&self.path)?;
        Ok(())
    }
}

/// A plain table (exports): a header row, then rows of text, in constant memory.
pub struct TableWriter {
    workbook: Workbook,
    path: PathBuf,
    header: Vec<String>,
    bold: Format,
    text: Format,
    sheet: usize,
    row: u32,
}

impl TableWriter {
    pub fn create(path: &Path, header: &[String]) -> anyhow::Result<Self> {
        let mut w = TableWriter {
            workbook: Workbook::new(),
            path: path.to_owned(),
            header: header.to_vec(),
            bold: Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xDDEBF7)),
            text: Format::new().set_num_format("@"),
            sheet: 0,
            row: 0,
        };
        w.start_sheet()?;
        Ok(w)
    }

    fn start_sheet(&mut self) -> anyhow::Result<()> {
        let index = self.workbook.worksheets().len();
        let sheet = new_sheet(&mut self.workbook)?;
        for (i, h) in self.header.iter().enumerate() {
            sheet.set_column_width(i as u16, 18)?;
            sheet.set_column_format(i as u16, &self.text)?;
            sheet.write_string_with_format(0, i as u16, cell_text(h), &self.bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = index;
        self.row = 1;
        Ok(())
    }

    pub fn push(&mut self, cells: &[String]) -> anyhow::Result<()> {
        if self.row >= SHEET_ROWS {
            self.start_sheet()?;
        }
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        for (i, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string_with_format(self.row, i as u16, cell_text(cell), &self.text)?;
            }
        }
        self.row += 1;
        Ok(())
    }

    pub fn finish(mut self) -> anyhow::Result<()> {
        self.workbook.save(&self.path)?;
        Ok(())
    }
}

/// A new worksheet.
///
/// Rows are written in order and flushed to a temporary file as they come, so
/// a million rejected rows need no more memory than a few.
fn new_sheet(workbook: &mut Workbook) -> anyhow::Result<&mut Worksheet> {
    Ok(workbook.add_worksheet_with_constant_memory()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::{read_rows, RawRow};
    use calamine::{Data, Reader, Xlsx};

    fn codes() -> Vec<(Field, Vec<(String, String)>)> {
        let list = |items: &[(&str, &str)]| items.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
        vec![
            (Field::Sex, list(&[("1", "Nam"), ("2", "Nữ")])),
            (Field::Qualification, list(&[("0", "Chưa qua đào tạo"), ("3", "Sơ cấp"), ("4", "Trung cấp")])),
            (Field::EmploymentStatus, list(&[("employed", "Có việc làm"), ("unemployed", "Thất nghiệp")])),
            (Field::InactivityReason, list(&[("study", "Đang đi học")])),
        ]
    }

    fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
        let mut workbook: Xlsx<_> = calamine::open_workbook(path).unwrap();
        let range = workbook.worksheet_range(name).unwrap();
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Float(f) => f.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn xlsx_out_template_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.xlsx");
        std::fs::write(&path, template(&codes()).unwrap()).unwrap();

        let mut fields = Vec::new();
        let mut rows: Vec<RawRow> = Vec::new();
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

        let workbook: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        assert_eq!(workbook.sheet_names(), [TEMPLATE_SHEET, GUIDE_SHEET]);
        drop(workbook);
        let guide = sheet_rows(&path, GUIDE_SHEET);
        let find = |key: &str| guide.iter().position(|r| r.get(2).is_some_and(|k| k == key)).unwrap();
        let sex = find("sex");
        assert_eq!(guide[sex][1], "Giới tính");
        assert_eq!(guide[sex][3], "Bắt buộc");
        assert_eq!(guide[sex][5..7], ["1", "Nam"]);
        assert_eq!(guide[sex + 1][5..7], ["2", "Nữ"]);
        assert_eq!(guide[find("ward_code")][3], "Bắt buộc nếu không có Địa chỉ");
        assert_eq!(guide[find("qualification")][0], "L");
        for f in Field::ALL {
            find(f.key());
        }
    }

    /// The example row is a valid person, its labels read back as codes.
    #[test]
    fn xlsx_out_template_example_imports() {
        let mut input = crate::model::PersonInput::default();
        let cells: Vec<(Field, String)> = Field::ALL.into_iter().map(|f| (f, example(f).to_owned())).collect();
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
            let codes = [&refdata::refdata().qualifications, &refdata::refdata().education];
            let is_code = codes.iter().any(|list| list.iter().any(|i| i.code == example(f)));
            assert!(!is_code && !["male", "female", "employed", "training"].contains(&example(f)), "{f:?}");
        }
    }

    #[test]
    fn xlsx_out_template_without_codes() {
        let bytes = template(&[]).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        std::fs::write(&path, bytes).unwrap();
        let mut sex = String::new();
        read_rows(
            &path,
            |_| Ok(()),
            |r| {
                sex = r.get(Field::Sex).to_owned();
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(sex, "Nữ");
    }

    #[test]
    fn xlsx_out_rejects_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejects.xlsx");
        let header: Vec<String> =
            ["Số CCCD", "Họ và tên", "Ngày sinh", "Giới tính", "Mã xã/phường", "Tình trạng việc làm", "Ghi chú"]
                .map(String::from)
                .to_vec();
        let mut writer = RejectsWriter::create(&path, &header, "Dòng", "Lý do").unwrap();
        let row = |name: &str| -> Vec<String> {
            ["056190012345", name, "31/02/1990", "Nữ", "22504", "Có việc làm", ""].map(String::from).to_vec()
        };
        writer.push(2, &row("Nguyễn Thị Mai"), "Ngày sinh không hợp lệ").unwrap();
        writer.push(7, &row("Trần Văn Bình"), "Trùng số CCCD").unwrap();
        assert_eq!(writer.count(), 2);
        writer.finish().unwrap();

        let rows = sheet_rows(&path, "Sheet1");
        assert_eq!(rows[0][0], "Dòng");
        assert_eq!(rows[0][1..8], header[..]);
        assert_eq!(rows[0][8], "Lý do");
        assert_eq!(rows[1][0], "2");
        assert_eq!(rows[1][1], "056190012345");
        assert_eq!(rows[1][8], "Ngày sinh không hợp lệ");
        assert_eq!(rows[2][0], "7");
        assert_eq!(rows[2][8], "Trùng số CCCD");

        // The file can be corrected and imported again: the extra columns are ignored.
        let mut names = Vec::new();
        read_rows(
            &path,
            |_| Ok(()),
            |r| {
                names.push((r.line, r.get(Field::FullName).to_owned(), r.get(Field::Cccd).to_owned()));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            names,
            [
                (2, "Nguyễn Thị Mai".to_owned(), "056190012345".to_owned()),
                (3, "Trần Văn Bình".to_owned(), "056190012345".to_owned())
            ]
        );
    }

    #[test]
    fn xlsx_out_rejects_continue_on_a_new_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejects.xlsx");
        let header = vec!["Họ và tên".to_owned()];
        let mut writer = RejectsWriter::create(&path, &header, "Line", "Reason").unwrap();
        let long = "x".repeat(MAX_CELL_CHARS + 10);
        for line in 2..=6 {
            writer.push(line, &[format!("P{line}"), "beyond the header".to_owned()], &long).unwrap();
        }
        assert_eq!(writer.count(), 5);
        writer.finish().unwrap();
        let first = sheet_rows(&path, "Sheet1");
        let second = sheet_rows(&path, "Sheet2");
        assert_eq!(first.len(), SHEET_ROWS as usize);
        assert_eq!(first[0], ["Line", "Họ và tên", "Reason"]);
        assert_eq!(first[3][..2], ["4", "P4"]);
        assert_eq!(first[3][2].chars().count(), MAX_CELL_CHARS);
        assert_eq!(second[0], ["Line", "Họ và tên", "Reason"]);
        assert_eq!(second[1][..2], ["5", "P5"]);
        assert_eq!(second[2][..2], ["6", "P6"]);
        assert_eq!(second[2].len(), 3);
    }

    #[test]
    fn xlsx_out_column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
