//! Every table a page shows can be taken away: the same rows as CSV (UTF-8
//! with a BOM, so Excel reads the diacritics) or XLSX (numbers as numbers,
//! the header bold and frozen). A page builds one [`Table`] and hands it to
//! [`Table::respond`] when the request asks for `format=csv` or `format=xlsx`.

use crate::error::AppResult;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// One cell: text, or a number kept as a number in a spreadsheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share, 0–100 (written with one decimal).
    Percent(f64),
    /// A measure written with two decimals (an area in km²).
    Decimal(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}
impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A file format a table can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `csv` or `xlsx`; anything else is the page itself.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The file's name without extension (ASCII), e.g. `chi-so-lao-dong`.
    pub file: String,
    /// The sheet's title (at most 31 characters are kept).
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Text that a spreadsheet would run as a formula gets a leading apostrophe.
pub fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

impl Table {
    pub fn csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        w.write_record(self.header.iter().map(|h| inert(h).into_owned()))?;
        for row in &self.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => inert(s).into_owned(),
                Cell::Int(n) => n.to_string(),
                Cell::Percent(x) => format!("{x:.1}"),
                Cell::Decimal(x) => format!("{x:.2}"),
            }))?;
        }
        Ok(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)
    }

    pub fn xlsx(&self) -> anyhow::Result<Vec<u8>> {
        workbook(std::slice::from_ref(self))
    }

    /// This table as a sheet of `workbook`.
    fn sheet(&self, workbook: &mut rust_xlsxwriter::Workbook) -> anyhow::Result<()> {
        use rust_xlsxwriter::{Color, Format as Style, FormatBorder};
        let bold = Style::new().set_bold().set_border(FormatBorder::Thin).set_background_color(Color::RGB(0xDDEBF7));
        let int = Style::new().set_num_format("#,##0");
        let pct = Style::new().set_num_format("0.0");
        let dec = Style::new().set_num_format("#,##0.00");
        let sheet = workbook.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\
        let title: String =
            self.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>().trim().to_owned();
        if !title.is_empty() {
            sheet.set_name(&title)?;
        }
        for (c, h) in self.header.iter().enumerate() {
            sheet.set_column_width(c as u16, if c == 0 { 30.0 } else { 16.0 })?;
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    // Excel keeps at most 32,767 characters in a cell.
                    Cell::Text(s) => sheet.write_string(r, c, s.chars().take(32_767).collect::<String>())?,
                    Cell::Int(n) => sheet.write_number_with_format(r, c, *n as f64, &int)?,
                    Cell::Percent(x) => sheet.write_number_with_format(r, c, *x, &pct)?,
                    Cell::Decimal(x) => sheet.write_number_with_format(r, c, *x, &dec)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 1)?;
        Ok(())
    }

    /// The download, named after the table.
    pub fn respond(&self, format: Format) -> AppResult<Response> {
        let (bytes, mime, ext) = match format {
            Format::Csv => (self.csv()?, "text/csv; charset=utf-8", "csv"),
            Format::Xlsx => (self.xlsx()?, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        };
        let disposition = format!("attachment; filename=\"{}.{ext}\"", self.file);
        Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
            .into_response())
    }
}

/// Several tables as the sheets of one workbook (a report's sections).
pub fn workbook(tables: &[Table]) -> anyhow::Result<Vec<u8>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for t in tables {
        t.sheet(&mut workbook)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The download of a report's sections as one XLSX named `file`.
pub fn respond_workbook(file: &str, tables: &[Table]) -> AppResult<Response> {
    let bytes = workbook(tables)?;
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let disposition = format!("attachment; filename=\"{file}.xlsx\"");
    Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table {
            file: "thu".into(),
            title: "Chỉ số: lao động/xã".into(),
            header: vec!["Xã".into(), "Số người".into(), "Tỷ lệ".into()],
            rows: vec![
                vec!["Xã Đại Lãnh".into(), 4132i64.into(), Cell::Percent(67.14)],
                vec!["=HYPERLINK(\"x\")".into(), 0i64.into(), Cell::Percent(0.0)],
            ],
        }
    }

    #[test]
    fn csv_keeps_diacritics_and_defuses_formulas() {
        let text = String::from_utf8(sample().csv().unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("Xã Đại Lãnh,4132,67.1"));
        assert!(text.contains("'=HYPERLINK"), "{text}");
    }

    #[test]
    fn xlsx_is_a_workbook() {
        let bytes = sample().xlsx().unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
