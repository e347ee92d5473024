//! Writing spreadsheets: an import template made from a [`Columns`]
//! description, the rejected-rows file, and plain exports, all as XLSX.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{Columns, Need};

/// Name of the template's data sheet (the one [`super::read_rows`] reads).
pub const TEMPLATE_SHEET: &str = "Mẫu nhập";
/// Name of the template's instructions sheet.
pub const GUIDE_SHEET: &str = "Hướng dẫn";

/// Longest text Excel keeps in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Rows per worksheet of the rejected-rows file, header included (Excel's
/// limit; small in tests so that the roll-over to a new sheet is exercised).
const SHEET_ROWS: u32 = if cfg!(test) { 4 } else { 1_048_576 };

/// What the instructions sheet says of a column's need.
fn requirement<F: Columns>(f: F) -> String {
    match f.column().need {
        Need::Optional => String::new(),
        Need::Required => "Bắt buộc".into(),
        Need::Unless(other) => match F::by_key(other) {
            Some(o) => format!("Bắt buộc nếu không có {}", o.column().short_vi()),
            None => "Bắt buộc".into(),
        },
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

/// What the instructions sheet says before its list of columns.
pub struct Guide<'a> {
    /// E.g. "Hướng dẫn nhập danh sách người lao động".
    pub title: &'a str,
    /// One paragraph per line.
    pub lines: &'a [&'a str],
}

/// The import template: sheet "Mẫu nhập" with the Vietnamese headers of
/// [`Columns::ALL`] in order (bold, needed ones highlighted, first row
/// frozen, text columns formatted as text) and one example row; sheet
/// "Hướng dẫn" with the guide's lines, then each column: header, English
/// key, whether needed, how to fill it, and the allowed values from `codes`
/// (code, label), one per row.
pub fn template<F: Columns>(guide: &Guide<'_>, codes: &[(F, Vec<(String, String)>)]) -> anyhow::Result<Vec<u8>> {
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
    for (i, f) in F::ALL.iter().enumerate() {
        let (col, c) = (i as u16, f.column());
        let width = (c.vi.chars().count() as f64 * 0.9 + 3.0).clamp(12.0, 28.0);
        sheet.set_column_width(col, width)?;
        if c.text {
            sheet.set_column_format(col, &text)?;
        }
        let format = if c.need == Need::Optional { &header } else { &required_header };
        sheet.write_string_with_format(0, col, c.vi, format)?;
        let value = c.example;
        if value.is_empty() {
            continue;
        }
        if c.text {
            sheet.write_string_with_format(1, col, value, &text)?;
        } else {
            sheet.write_string(1, col, value)?;
        }
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, 0)?;

    let bold = Format::new().set_bold();
    let Guide { title, lines } = guide;
    let guide = workbook.add_worksheet();
    guide.set_name(GUIDE_SHEET)?;
    guide.write_string_with_format(0, 0, *title, &bold.clone().set_font_size(14))?;
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
    for (i, f) in F::ALL.iter().copied().enumerate() {
        let c = f.column();
        guide.write_string_with_format(row, 0, column_name(i), &bold)?;
        guide.write_string(row, 1, c.vi)?;
        guide.write_string(row, 2, c.key)?;
        guide.write_string(row, 3, requirement(f))?;
        guide.write_string(row, 4, c.note)?;
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
    use crate::sheet::fixture::Field;
    use crate::sheet::read_rows;
    use calamine::{Data, Reader, Xlsx};

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
    fn xlsx_out_template_from_a_description() {
        let guide = Guide { title: "Hướng dẫn", lines: &["Mỗi dòng là một người."] };
        let codes = vec![(Field::Sex, vec![("1".to_owned(), "Nam".to_owned()), ("2".to_owned(), "Nữ".to_owned())])];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.xlsx");
        std::fs::write(&path, template(&guide, &codes).unwrap()).unwrap();
        let mut fields = Vec::new();
        read_rows(
            &path,
            |h: &super::super::Header<Field>| {
                fields = h.fields().collect();
                Ok(())
            },
            |_| Ok(()),
        )
        .unwrap();
        assert_eq!(fields, Field::ALL);
        let guide = sheet_rows(&path, GUIDE_SHEET);
        assert_eq!(guide[0][0], "Hướng dẫn");
        assert_eq!(guide[1][0], "Mỗi dòng là một người.");
        let find = |key: &str| guide.iter().position(|r| r.get(2).is_some_and(|k| k == key)).unwrap();
        let sex = find("sex");
        assert_eq!(guide[sex][1], "Giới tính");
        assert_eq!(guide[sex][3], "Bắt buộc");
        assert_eq!(guide[sex][5..7], ["1", "Nam"]);
        assert_eq!(guide[sex + 1][5..7], ["2", "Nữ"]);
        assert_eq!(guide[find("ward_code")][3], "Bắt buộc nếu không có Địa chỉ");
        assert_eq!(guide[find("address")][3], "Bắt buộc nếu không có Mã xã/phường");
        assert_eq!(guide[find("hamlet")][3], "");
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
