//! Spreadsheets as offices make them: reading CSV and XLSX files row by row
//! without holding them in memory, and writing templates, rejected rows and
//! exports ([`write`]). A capability describes its columns once ([`Column`],
//! [`Columns`]); the reader matches headers, the template and its
//! instructions sheet come from the same description.
//!
//! * The format is detected from the content: an XLSX file is a zip
//!   (`PK\x03\x04`); anything else is text.
//! * Text is UTF-8 (with or without BOM), UTF-16 LE/BE (with BOM, or without
//!   one when the NUL bytes give it away: Excel's "Unicode text"), or, when the
//!   bytes are not valid UTF-8, Windows-1258 (Vietnamese Excel exports). The
//!   delimiter (tab, comma, semicolon) is taken from the header line, or from
//!   Excel's `sep=;` first line. Line endings are normalised to `\n`.
//! * XLSX: the first visible worksheet, streamed cell by cell; a sheet that
//!   claims more than [`MAX_COLUMNS`] columns is refused before anything is
//!   allocated for it.
//! * The header is the first non-empty row (title rows before it, which match
//!   no known column, are skipped); header cells are matched to columns
//!   diacritic- and case-insensitively, by Vietnamese or English header or by
//!   key.

pub mod list;
pub mod upload;
pub mod write;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::marker::PhantomData;
use std::path::Path;

use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError};
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1258};

/// Most columns a sheet may have (the registry's template has 26).
pub const MAX_COLUMNS: usize = 100;
/// Most data rows a file may have.
pub const MAX_ROWS: u64 = 5_000_000;

/// How many leading non-empty rows matching no known column (a form's title,
/// its subtitle…) are skipped while looking for the header.
const MAX_TITLE_ROWS: usize = 10;
/// Largest CSV record (one row, all its lines): protects the CSV reader,
/// which holds a record in memory, from a file without line breaks or with
/// an unclosed quote.
const MAX_RECORD_BYTES: usize = 8 << 20;

/// Whether a column must be in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Optional,
    Required,
    /// Required unless the column with this key is there (a commune code or
    /// an address).
    Unless(&'static str),
}

/// One column of a spreadsheet, described once: the reader matches its
/// header, the template writes it with its example and instructions.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// English key: accepted as a header, the API's field name.
    pub key: &'static str,
    /// The template's header (Vietnamese); a parenthesised part is optional
    /// when matching ("Ngày sinh (dd/mm/yyyy)" matches "ngay sinh").
    pub vi: &'static str,
    /// The English header, also accepted.
    pub en: &'static str,
    pub need: Need,
    /// Codes, dates or numbers with leading zeros: kept as text in XLSX.
    pub text: bool,
    /// The template's example value, written as people write it.
    pub example: &'static str,
    /// How to fill it, for the instructions sheet (Vietnamese).
    pub note: &'static str,
}

impl Column {
    /// An optional column of text read as typed (the usual case).
    pub const fn optional(
        key: &'static str,
        vi: &'static str,
        en: &'static str,
        example: &'static str,
        note: &'static str,
    ) -> Column {
        Column { key, vi, en, need: Need::Optional, text: false, example, note }
    }
    /// The same column, required.
    pub const fn required(self) -> Column {
        Column { need: Need::Required, ..self }
    }
    /// The same column, kept as text in XLSX (codes, leading zeros).
    pub const fn text(self) -> Column {
        Column { text: true, ..self }
    }
    /// The Vietnamese header without its parenthesised part.
    pub fn short_vi(&self) -> &'static str {
        self.vi.split('(').next().unwrap_or(self.vi).trim_end()
    }

    /// Whether a header cell names this column (see [`Columns::from_header`]).
    fn matches(&self, wanted: &str) -> bool {
        [self.vi, self.short_vi(), self.en, self.key].into_iter().any(|h| header_words(h) == wanted)
    }
}

/// A sheet's columns: usually a fieldless enum whose variants index
/// [`Columns::ALL`], each described by a [`Column`].
pub trait Columns: Copy + Eq + std::fmt::Debug + Send + Sync + 'static {
    /// Every column, in template order.
    const ALL: &'static [Self];
    fn column(self) -> &'static Column;
    /// Position in [`Columns::ALL`].
    fn index(self) -> usize;

    /// Match a header cell: the Vietnamese header (with or without its
    /// parenthesised part), the English header or the key, ignoring case,
    /// diacritics, punctuation and spacing ("ngay sinh", "NGÀY SINH
    /// (dd/mm/yyyy)", "Birth-Date", "mã xã / phường", "Họ và tên *").
    fn from_header(text: &str) -> Option<Self> {
        let wanted = header_words(text);
        if wanted.is_empty() {
            return None;
        }
        Self::ALL.iter().copied().find(|f| f.column().matches(&wanted))
    }

    /// The column with `key`.
    fn by_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.column().key == key)
    }
}

/// Why a row was refused, in the reader's language, naming each column by
/// its `field.<name>` message: "Ngày sinh: Ngày không hợp lệ; Số CCCD: …".
pub fn reason(errors: &[crate::error::FieldError], lang: crate::i18n::Lang) -> String {
    use crate::i18n::t;
    errors
        .iter()
        // Messages are sentences; inside the list their full stops would double the punctuation.
        .map(|e| format!("{}: {}", t(lang, &format!("field.{}", e.field)), t(lang, &e.code).trim_end_matches('.')))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Folded words of a header, joined by single spaces.
fn header_words(text: &str) -> String {
    crate::fold::fold_words(text).join(" ")
}

/// One data row: its 1-based line number in the file as the user sees it
/// (header = line 1), the cell texts by column, and the original cells in
/// file order (for the rejected-rows file).
#[derive(Debug, Clone)]
pub struct RawRow<F> {
    pub line: u64,
    /// The cells' texts one after the other, `ends` marking where each ends:
    /// two allocations per row rather than one per cell.
    text: String,
    ends: Vec<usize>,
    /// Which cell holds each column, shared by every row of a sheet.
    positions: Positions,
    columns: PhantomData<fn() -> F>,
}

/// For each column (by its [`Columns::index`]), its cell, if any.
type Positions = std::sync::Arc<[Option<usize>]>;

/// Where each column is, given the column of each cell (the first one wins).
fn positions<F: Columns>(columns: impl Iterator<Item = Option<F>>) -> Positions {
    let mut positions = vec![None; F::ALL.len()];
    for (i, f) in columns.enumerate() {
        if let Some(f) = f {
            positions[f.index()].get_or_insert(i);
        }
    }
    positions.into()
}

impl<F: Columns> RawRow<F> {
    /// A row built by hand (tests, other importers): `original` is the
    /// cells' texts in the given order.
    pub fn from_cells(line: u64, cells: Vec<(F, String)>) -> RawRow<F> {
        let positions = positions(cells.iter().map(|(f, _)| Some(*f)));
        RawRow::new(line, cells.iter().map(|(_, v)| v.as_str()), cells.len(), positions)
    }

    /// `width` cells from `cells` (cut off or padded with empty cells).
    fn new<'a>(
        line: u64,
        cells: impl Iterator<Item = &'a str> + Clone,
        width: usize,
        positions: Positions,
    ) -> RawRow<F> {
        let size = cells.clone().take(width).map(str::len).sum();
        let (mut text, mut ends) = (String::with_capacity(size), Vec::with_capacity(width));
        for c in cells.take(width) {
            text.push_str(c);
            ends.push(text.len());
        }
        ends.resize(width, text.len());
        RawRow { line, text, ends, positions, columns: PhantomData }
    }

    /// The text of cell `i` (0-based) as in the file.
    pub fn cell(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// The original cells, in file order (for the rejected-rows file).
    pub fn original(&self) -> Vec<String> {
        (0..self.ends.len()).map(|i| self.cell(i).to_owned()).collect()
    }

    /// The column's text, trimmed; "" when the column is absent or empty.
    pub fn get(&self, f: F) -> &str {
        self.positions[f.index()].map_or("", |i| self.cell(i).trim())
    }
}

/// Why a file was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("the file has no rows")]
    Empty,
    #[error("not a CSV or XLSX file")]
    UnknownFormat,
    #[error("the text encoding of the file could not be read")]
    Encoding,
    #[error("required columns are missing: {}", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("column appears twice: {0}")]
    DuplicateColumn(String),
    #[error("more than {max} columns")]
    TooManyColumns { max: usize },
    #[error("more than {max} rows")]
    TooManyRows { max: u64 },
    #[error("the file is damaged: {0}")]
    Malformed(String),
    #[error("the file could not be read: {0}")]
    Io(#[from] std::io::Error),
}

impl SheetError {
    /// The i18n message key.
    pub fn key(&self) -> &'static str {
        match self {
            SheetError::Empty => "err.sheet.empty",
            SheetError::UnknownFormat => "err.sheet.format",
            SheetError::Encoding => "err.sheet.encoding",
            SheetError::MissingColumns(_) => "err.sheet.missing_columns",
            SheetError::DuplicateColumn(_) => "err.sheet.duplicate_column",
            SheetError::TooManyColumns { .. } => "err.sheet.too_many_columns",
            SheetError::TooManyRows { .. } => "err.sheet.too_many_rows",
            SheetError::Malformed(_) => "err.sheet.malformed",
            SheetError::Io(_) => "err.sheet.io",
        }
    }

    /// Text to show with the message: the missing headers (", "-separated;
    /// for "this or that" the first one's header), the duplicated header,
    /// the limit, or the technical cause.
    /// The whole-file problem as the reader is told it: the message and
    /// what it names ("Thiếu các cột bắt buộc: Họ và tên, …").
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        let text = crate::i18n::t(lang, self.key());
        match self {
            SheetError::MissingColumns(_) | SheetError::DuplicateColumn(_) => {
                format!("{text} {}", self.detail().unwrap_or_default())
            }
            _ => text.to_owned(),
        }
    }

    pub fn detail(&self) -> Option<String> {
        match self {
            SheetError::Empty | SheetError::UnknownFormat | SheetError::Encoding => None,
            SheetError::MissingColumns(names) => Some(names.join(", ")),
            SheetError::DuplicateColumn(name) => Some(name.clone()),
            SheetError::TooManyColumns { max } => Some(max.to_string()),
            SheetError::TooManyRows { max } => Some(max.to_string()),
            SheetError::Malformed(why) => Some(why.clone()),
            SheetError::Io(e) => Some(e.to_string()),
        }
    }
}

/// The header row: the original cells (trailing empty cells dropped) and which
/// column each cell holds. Unknown columns are kept in `original` and
/// otherwise ignored.
#[derive(Debug, Clone)]
pub struct Header<F> {
    pub original: Vec<String>,
    columns: Vec<Option<F>>,
    positions: Positions,
}

impl<F: Columns> Header<F> {
    /// Number of columns (data rows are padded or truncated to it).
    pub fn width(&self) -> usize {
        self.original.len()
    }

    /// The column at `index` (0-based), if known.
    pub fn field_at(&self, index: usize) -> Option<F> {
        self.columns.get(index).copied().flatten()
    }

    /// The 0-based cell holding `f`.
    pub fn column(&self, f: F) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(f))
    }

    /// Whether the file has a column for `f`.
    pub fn has(&self, f: F) -> bool {
        self.column(f).is_some()
    }

    /// The recognised columns, in file order.
    pub fn fields(&self) -> impl Iterator<Item = F> + '_ {
        self.columns.iter().filter_map(|c| *c)
    }

    /// Map header cells to columns and check that the needed ones are there.
    fn parse(cells: Vec<String>) -> Result<Header<F>, SheetError> {
        let mut original = cells;
        while original.last().is_some_and(|c| c.trim().is_empty()) {
            original.pop();
        }
        if original.len() > MAX_COLUMNS {
            return Err(SheetError::TooManyColumns { max: MAX_COLUMNS });
        }
        let mut columns: Vec<Option<F>> = Vec::with_capacity(original.len());
        for cell in &original {
            let field = F::from_header(cell);
            if let Some(f) = field {
                if columns.contains(&Some(f)) {
                    return Err(SheetError::DuplicateColumn(cell.trim().to_owned()));
                }
            }
            columns.push(field);
        }
        let positions = positions(columns.iter().copied());
        let header = Header { original, columns, positions };
        let absent = |f: &F| !header.has(*f);
        let mut missing: Vec<&'static str> =
            F::ALL.iter().filter(|f| f.column().need == Need::Required && absent(f)).map(|f| f.column().vi).collect();
        // Of "this or that" with neither there, name the first.
        missing.extend(
            F::ALL
                .iter()
                .filter(|f| match f.column().need {
                    Need::Unless(other) => {
                        absent(f) && F::by_key(other).is_none_or(|o| absent(&o) && o.index() > f.index())
                    }
                    _ => false,
                })
                .map(|f| f.column().vi),
        );
        if missing.is_empty() {
            Ok(header)
        } else {
            Err(SheetError::MissingColumns(missing))
        }
    }
}

/// Stream the rows of a CSV or XLSX file (format detected from the content),
/// calling `on_header` once and `on_row` for each non-empty data row. Never
/// holds the file in memory. An error from a callback stops reading and is
/// returned as is; a refused file gives an error wrapping [`SheetError`].
/// Returns the number of data rows given to `on_row`.
pub fn read_rows<F: Columns>(
    path: &Path,
    on_header: impl FnMut(&Header<F>) -> anyhow::Result<()>,
    on_row: impl FnMut(RawRow<F>) -> anyhow::Result<()>,
) -> anyhow::Result<u64> {
    let mut file = File::open(path).map_err(SheetError::Io)?;
    let mut rows = Rows { on_header, on_row, header: None, title: None, skipped: 0, count: 0 };
    match detect(&mut file)? {
        Format::Xlsx => {
            drop(file);
            read_xlsx(path, &mut rows)?;
        }
        Format::Text { encoding, skip } => {
            file.seek(SeekFrom::Start(skip)).map_err(SheetError::Io)?;
            read_csv(file, encoding, &mut rows)?;
        }
    }
    rows.finish()
}

// ---------------------------------------------------------------------------
// Rows: header detection and row shaping, shared by both formats.

struct Rows<F, H, R> {
    on_header: H,
    on_row: R,
    header: Option<Header<F>>,
    /// The first non-empty row, kept while looking past title rows.
    title: Option<Vec<String>>,
    skipped: usize,
    count: u64,
}

impl<F, H, R> Rows<F, H, R>
where
    F: Columns,
    H: FnMut(&Header<F>) -> anyhow::Result<()>,
    R: FnMut(RawRow<F>) -> anyhow::Result<()>,
{
    /// One row of the file, `line` as the user sees it.
    fn push<'a>(&mut self, line: u64, cells: impl Iterator<Item = &'a str> + Clone) -> anyhow::Result<()> {
        if cells.clone().all(|c| c.trim().is_empty()) {
            return Ok(());
        }
        let Some(header) = &self.header else {
            return self.push_header_candidate(cells.map(str::to_owned).collect());
        };
        self.count += 1;
        if self.count > MAX_ROWS {
            return Err(SheetError::TooManyRows { max: MAX_ROWS }.into());
        }
        (self.on_row)(RawRow::new(line, cells, header.width(), header.positions.clone()))
    }

    fn push_header_candidate(&mut self, cells: Vec<String>) -> anyhow::Result<()> {
        let known = cells.iter().any(|c| F::from_header(c).is_some());
        if !known && self.skipped < MAX_TITLE_ROWS {
            // A title row (or a header without one known column): look further.
            self.skipped += 1;
            self.title.get_or_insert(cells);
            return Ok(());
        }
        let cells = if known { cells } else { self.title.take().unwrap_or(cells) };
        self.set_header(cells)
    }

    fn set_header(&mut self, cells: Vec<String>) -> anyhow::Result<()> {
        let header = Header::parse(cells)?;
        (self.on_header)(&header)?;
        self.header = Some(header);
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<u64> {
        if self.header.is_none() {
            match self.title.take() {
                // Only rows that match no known column: report what is missing.
                Some(first) => self.set_header(first)?,
                None => return Err(SheetError::Empty.into()),
            }
        }
        Ok(self.count)
    }
}

// ---------------------------------------------------------------------------
// Format and encoding detection.

enum Format {
    Xlsx,
    /// Text in `encoding`, starting after a `skip`-byte BOM.
    Text {
        encoding: &'static Encoding,
        skip: u64,
    },
}

fn detect(file: &mut File) -> Result<Format, SheetError> {
    let mut head = [0u8; 4096];
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    let head = &head[..n];
    if head.is_empty() {
        return Err(SheetError::Empty);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok(Format::Xlsx);
    }
    // OLE compound file: a legacy .xls, or a password-protected .xlsx.
    if head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(SheetError::UnknownFormat);
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok(Format::Text { encoding: UTF_8, skip: 3 });
    }
    if head.starts_with(b"\xFF\xFE") {
        return Ok(Format::Text { encoding: UTF_16LE, skip: 2 });
    }
    if head.starts_with(b"\xFE\xFF") {
        return Ok(Format::Text { encoding: UTF_16BE, skip: 2 });
    }
    if head.contains(&0) {
        // UTF-16 without BOM has a NUL in every other byte of ASCII text.
        let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
        let (even, odd) = (zeros(0), zeros(1));
        let half = n / 2;
        if odd * 2 >= half && even * 8 < half {
            return Ok(Format::Text { encoding: UTF_16LE, skip: 0 });
        }
        if even * 2 >= half && odd * 8 < half {
            return Ok(Format::Text { encoding: UTF_16BE, skip: 0 });
        }
        return Err(SheetError::UnknownFormat);
    }
    file.seek(SeekFrom::Start(0))?;
    let encoding = if is_utf8(file)? { UTF_8 } else { WINDOWS_1258 };
    Ok(Format::Text { encoding, skip: 0 })
}

/// Whether the rest of `file` is valid UTF-8, reading it in chunks (stops at
/// the first invalid byte).
fn is_utf8(file: &mut File) -> io::Result<bool> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0;
    loop {
        let n = file.read(&mut buf[carry..])?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let total = carry + n;
        match std::str::from_utf8(&buf[..total]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_some() => return Ok(false),
            Err(e) => {
                // A sequence cut by the chunk boundary: keep it for the next round.
                let valid = e.valid_up_to();
                buf.copy_within(valid..total, 0);
                carry = total - valid;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// CSV

/// Marks the I/O error raised for undecodable text.
#[derive(Debug)]
struct BadEncoding;

impl std::fmt::Display for BadEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("malformed text for its encoding")
    }
}

impl std::error::Error for BadEncoding {}

/// Marks the I/O error raised for an overlong record.
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a row is longer than {} MB (an unclosed quote?)", MAX_RECORD_BYTES >> 20)
    }
}

impl std::error::Error for RecordTooLong {}

/// Where the CSV parser is, as far as record boundaries go (mirrors
/// csv-core's states, so quoted line breaks are told from record ends).
#[derive(Clone, Copy, PartialEq)]
enum CsvState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Decodes a byte stream to UTF-8 incrementally, with `\r\n` and lone `\r`
/// turned into `\n` and a final `\n` added if missing, so that every CSV
/// record ends with one consumed `\n` (which makes line numbers exact).
/// What is read through [`Read`] is also followed record by record to refuse
/// one larger than [`MAX_RECORD_BYTES`].
struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// The last byte emitted was a `\r` turned into `\n`: drop a following `\n`.
    after_cr: bool,
    /// Whether the last byte emitted was `\n` (or nothing was emitted yet).
    at_line_start: bool,
    done: bool,
    /// The CSV delimiter, once known, and the record being read.
    delimiter: u8,
    state: CsvState,
    record_bytes: usize,
}

impl<R: BufRead> Decoding<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            buf: vec![0u8; 64 * 1024].into_boxed_slice(),
            pos: 0,
            len: 0,
            after_cr: false,
            at_line_start: true,
            done: false,
            delimiter: b',',
            state: CsvState::FieldStart,
            record_bytes: 0,
        }
    }

    /// The decoded bytes not read yet, refilling when empty ("" at the end).
    fn peek(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.len {
            self.refill()?;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.len);
    }

    fn refill(&mut self) -> io::Result<()> {
        self.pos = 0;
        self.len = 0;
        if self.done {
            return Ok(());
        }
        // Leave room for the final "\n".
        let room = self.buf.len() - 1;
        let mut written_total = 0;
        loop {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) =
                self.decoder.decode_to_utf8_without_replacement(input, &mut self.buf[written_total..room], last);
            self.inner.consume(read);
            written_total += written;
            match result {
                DecoderResult::Malformed(_, _) => return Err(io::Error::new(io::ErrorKind::InvalidData, BadEncoding)),
                DecoderResult::OutputFull => break,
                DecoderResult::InputEmpty if last => {
                    self.done = true;
                    break;
                }
                DecoderResult::InputEmpty => {
                    if written_total + 4 >= room {
                        break;
                    }
                }
            }
        }
        self.len = self.normalise_newlines(written_total);
        if self.done && !self.at_line_start {
            self.buf[self.len] = b'\n';
            self.len += 1;
            self.at_line_start = true;
        }
        Ok(())
    }

    /// Rewrite `buf[..n]` in place with `\n` line ends; returns the new length.
    fn normalise_newlines(&mut self, n: usize) -> usize {
        // Most files have no carriage return at all: nothing to rewrite.
        if !self.after_cr && memchr::memchr(b'\r', &self.buf[..n]).is_none() {
            if n > 0 {
                self.at_line_start = self.buf[n - 1] == b'\n';
            }
            return n;
        }
        let mut out = 0;
        for i in 0..n {
            let b = self.buf[i];
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            let b = match b {
                b'\n' if after_cr => continue,
                b'\r' => {
                    self.after_cr = true;
                    b'\n'
                }
                b => b,
            };
            self.at_line_start = b == b'\n';
            self.buf[out] = b;
            out += 1;
        }
        out
    }

    /// Follow `bytes` through the CSV grammar; refuse an overlong record.
    fn track_records(&mut self, bytes: &[u8]) -> io::Result<()> {
        use CsvState::*;
        let (delimiter, mut state, mut size) = (self.delimiter, self.state, self.record_bytes);
        let too_long = || io::Error::new(io::ErrorKind::InvalidData, RecordTooLong);
        let mut rest = bytes;
        while !rest.is_empty() {
            // Jump over the bytes that cannot change the state.
            let at = match state {
                Quoted => memchr::memchr(b'"', rest),
                Unquoted => memchr::memchr2(b'\n', delimiter, rest),
                FieldStart | QuoteInQuoted => Some(0),
            }
            .unwrap_or(rest.len());
            size += at;
            if size > MAX_RECORD_BYTES {
                return Err(too_long());
            }
            let Some(&b) = rest.get(at) else { break };
            rest = &rest[at + 1..];
            state = match (state, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) => Quoted,
                (QuoteInQuoted, b'"') => Quoted,
                (FieldStart, b'"') => Quoted,
                (_, b'\n') => {
                    size = 0;
                    FieldStart
                }
                (_, b) if b == delimiter => FieldStart,
                _ => Unquoted,
            };
            size += 1;
            if size > MAX_RECORD_BYTES {
                return Err(too_long());
            }
        }
        (self.state, self.record_bytes) = (state, size);
        Ok(())
    }
}

impl<R: BufRead> Read for Decoding<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.peek()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        self.track_records(&out[..n])?;
        Ok(n)
    }
}

fn sheet_error_from_io(e: io::Error) -> SheetError {
    match e.get_ref() {
        Some(inner) if inner.is::<BadEncoding>() => SheetError::Encoding,
        Some(inner) if inner.is::<RecordTooLong>() => SheetError::Malformed(inner.to_string()),
        _ => SheetError::Io(e),
    }
}

fn sheet_error_from_csv(e: csv::Error) -> SheetError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => sheet_error_from_io(e),
        csv::ErrorKind::Utf8 { .. } => SheetError::Encoding,
        other => SheetError::Malformed(format!("{other:?}")),
    }
}

/// The delimiter, from an Excel `sep=X` first line (then also returned: the
/// length of that line to skip) or from the first line that has one: the most
/// frequent of tab, semicolon and comma outside quotes (comma on a tie, and
/// when no line in `text` has any).
fn sniff_delimiter(text: &[u8]) -> (u8, Option<usize>) {
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    if let [s, e, p, b'=', d] = first_line {
        if s.eq_ignore_ascii_case(&b's') && e.eq_ignore_ascii_case(&b'e') && p.eq_ignore_ascii_case(&b'p') {
            let skip = if text.len() > first_line.len() { first_line.len() + 1 } else { first_line.len() };
            return (*d, Some(skip));
        }
    }
    let counts = |line: &[u8]| {
        let (mut quoted, mut tabs, mut semicolons, mut commas) = (false, 0, 0, 0);
        for b in line {
            match b {
                b'"' => quoted = !quoted,
                b'\t' if !quoted => tabs += 1,
                b';' if !quoted => semicolons += 1,
                b',' if !quoted => commas += 1,
                _ => {}
            }
        }
        (tabs, semicolons, commas)
    };
    // A title line before the header ("DANH SÁCH …") may have no delimiter.
    let (tabs, semicolons, commas) =
        text.split(|b| *b == b'\n').map(counts).find(|c| *c != (0, 0, 0)).unwrap_or_default();
    let delimiter = if commas >= tabs && commas >= semicolons {
        b','
    } else if tabs >= semicolons {
        b'\t'
    } else {
        b';'
    };
    (delimiter, None)
}

fn read_csv<F, H, R>(file: File, encoding: &'static Encoding, rows: &mut Rows<F, H, R>) -> anyhow::Result<()>
where
    F: Columns,
    H: FnMut(&Header<F>) -> anyhow::Result<()>,
    R: FnMut(RawRow<F>) -> anyhow::Result<()>,
{
    let mut text = Decoding::new(BufReader::with_capacity(64 * 1024, file), encoding);
    let (delimiter, sep_line) = sniff_delimiter(text.peek().map_err(sheet_error_from_io)?);
    let mut line_offset = 0;
    if let Some(skip) = sep_line {
        text.consume(skip);
        line_offset = 1;
    }
    text.delimiter = delimiter;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .buffer_capacity(64 * 1024)
        .from_reader(text);
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(sheet_error_from_csv)? {
        // Every record ends with its own "\n" (see `Decoding`), so the line it
        // starts on is the line after it minus its line breaks.
        let breaks = memchr::memchr_iter(b'\n', record.as_slice()).count() as u64;
        let line = reader.position().line().saturating_sub(1 + breaks) + line_offset;
        // The record's text is checked once, quickly; its cells are then
        // slices of it (a cell boundary inside a character is refused too).
        let text = simdutf8::basic::from_utf8(record.as_slice()).map_err(|_| SheetError::Encoding)?;
        // Delimiters are ASCII, so a cell can only start and end on a character boundary.
        rows.push(line, (0..record.len()).map(|i| record.range(i).and_then(|r| text.get(r)).unwrap_or_default()))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// XLSX

fn xlsx_error(e: XlsxError) -> SheetError {
    match e {
        XlsxError::Io(e) => SheetError::Io(e),
        // No workbook part: some other zip (a .docx, an .ods…).
        XlsxError::FileNotFound(_) => SheetError::UnknownFormat,
        other => SheetError::Malformed(other.to_string()),
    }
}

fn read_xlsx<F, H, R>(path: &Path, rows: &mut Rows<F, H, R>) -> anyhow::Result<()>
where
    F: Columns,
    H: FnMut(&Header<F>) -> anyhow::Result<()>,
    R: FnMut(RawRow<F>) -> anyhow::Result<()>,
{
    let file = File::open(path).map_err(SheetError::Io)?;
    let mut workbook: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(xlsx_error)?;
    let sheet = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.visible == SheetVisible::Visible && s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone());
    let Some(sheet) = sheet else {
        return Err(SheetError::Empty.into());
    };
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(xlsx_error)?;
    let dimensions = cells.dimensions();
    if dimensions.end.1 as usize >= MAX_COLUMNS {
        return Err(SheetError::TooManyColumns { max: MAX_COLUMNS }.into());
    }
    if u64::from(dimensions.end.0) > MAX_ROWS {
        return Err(SheetError::TooManyRows { max: MAX_ROWS }.into());
    }
    let mut current: Option<u32> = None;
    let mut row: Vec<String> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(previous) = current {
                rows.push(u64::from(previous) + 1, row.iter().map(String::as_str))?;
                row.clear();
            }
            if u64::from(r) > MAX_ROWS {
                return Err(SheetError::TooManyRows { max: MAX_ROWS }.into());
            }
            current = Some(r);
        }
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            // Formatted but empty cells far to the right cost nothing.
            continue;
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            return Err(SheetError::TooManyColumns { max: MAX_COLUMNS }.into());
        }
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
    }
    if let Some(last) = current {
        rows.push(u64::from(last) + 1, row.iter().map(String::as_str))?;
    }
    Ok(())
}

/// A cell as text: numbers without a needless ".0", dates as dd/mm/yyyy,
/// formulas by their cached value, errors as "".
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() < 1.0 {
                // A time of day without a date.
                format!("{hh:02}:{mm:02}:{ss:02}")
            } else {
                format!("{d:02}/{m:02}/{y:04}")
            }
        }
        DataRef::DateTime(dt) => number_text(dt.as_f64()),
        DataRef::DateTimeIso(s) => iso_date_text(s),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

/// Integers without ".0" (a CCCD typed as a number), others as the shortest
/// decimal that reads back the same.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// "2024-05-17" or "2024-05-17T08:00:00" → "17/05/2024"; anything else as is.
fn iso_date_text(s: &str) -> String {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10) {
        format!("{}/{}/{}", &s[8..10], &s[5..7], &s[0..4])
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    use super::*;

    /// Columns like the registry's, for reading tests.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Field {
        Cccd,
        FullName,
        BirthDate,
        Sex,
        Phone,
        WardCode,
        Address,
        Hamlet,
        EmploymentStatus,
        ExpectedWage,
    }

    const fn col(key: &'static str, vi: &'static str, en: &'static str, need: Need) -> Column {
        Column { key, vi, en, need, text: false, example: "", note: "" }
    }

    pub(crate) const COLUMNS: [Column; 10] = [
        col("cccd", "Số CCCD", "CCCD number", Need::Optional),
        col("full_name", "Họ và tên", "Full name", Need::Required),
        col("birth_date", "Ngày sinh (dd/mm/yyyy)", "Date of birth", Need::Required),
        col("sex", "Giới tính", "Sex", Need::Required),
        col("phone", "Số điện thoại", "Phone", Need::Optional),
        col("ward_code", "Mã xã/phường", "Commune code", Need::Unless("address")),
        col("address", "Địa chỉ (nếu không có mã xã)", "Address", Need::Unless("ward_code")),
        col("hamlet", "Thôn/tổ dân phố", "Hamlet", Need::Optional),
        col("employment_status", "Tình trạng việc làm", "Employment status", Need::Required),
        col("expected_wage", "Mức lương mong muốn (đồng)", "Expected wage", Need::Optional),
    ];

    impl Columns for Field {
        const ALL: &'static [Field] = &[
            Field::Cccd,
            Field::FullName,
            Field::BirthDate,
            Field::Sex,
            Field::Phone,
            Field::WardCode,
            Field::Address,
            Field::Hamlet,
            Field::EmploymentStatus,
            Field::ExpectedWage,
        ];
        fn column(self) -> &'static Column {
            &COLUMNS[self as usize]
        }
        fn index(self) -> usize {
            self as usize
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::*;
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Formula, Workbook};

    #[test]
    fn sheet_headers_match_in_either_language_and_any_spelling() {
        assert_eq!(Field::from_header("ngay sinh"), Some(Field::BirthDate));
        assert_eq!(Field::from_header("  NGÀY SINH "), Some(Field::BirthDate));
        assert_eq!(Field::from_header("Birth-Date"), Some(Field::BirthDate));
        assert_eq!(Field::from_header("date of birth"), Some(Field::BirthDate));
        assert_eq!(Field::from_header("Full Name"), Some(Field::FullName));
        assert_eq!(Field::from_header("ho va ten *"), Some(Field::FullName));
        assert_eq!(Field::from_header("Mã xã / phường"), Some(Field::WardCode));
        assert_eq!(Field::from_header("muc luong mong muon"), Some(Field::ExpectedWage));
        assert_eq!(Field::from_header("Ghi chú"), None);
        assert_eq!(Field::from_header(""), None);
        assert_eq!(Field::by_key("hamlet"), Some(Field::Hamlet));
        assert_eq!(COLUMNS[6].short_vi(), "Địa chỉ");
    }

    struct Outcome {
        header: Option<Header<Field>>,
        rows: Vec<RawRow<Field>>,
    }

    fn read(path: &Path) -> anyhow::Result<Outcome> {
        let mut header = None;
        let mut rows = Vec::new();
        let n = read_rows(
            path,
            |h| {
                header = Some(h.clone());
                Ok(())
            },
            |r| {
                rows.push(r);
                Ok(())
            },
        )?;
        assert_eq!(n, rows.len() as u64);
        Ok(Outcome { header, rows })
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn read_bytes(bytes: &[u8]) -> anyhow::Result<Outcome> {
        let dir = tempfile::tempdir().unwrap();
        read(&write(&dir, "f.csv", bytes))
    }

    fn sheet_error(result: anyhow::Result<Outcome>) -> SheetError {
        match result {
            Ok(_) => panic!("expected a SheetError"),
            Err(e) => match e.downcast::<SheetError>() {
                Ok(e) => e,
                Err(e) => panic!("not a SheetError: {e:#}"),
            },
        }
    }

    const VI_HEADER: &str = "Số CCCD,Họ và tên,Ngày sinh (dd/mm/yyyy),Giới tính,Mã xã/phường,Tình trạng việc làm";

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn sheet_csv_utf8_without_bom() {
        let text = format!("{VI_HEADER}\n056190012345,Nguyễn Văn Đào,17/05/1990,Nam,22504,Có việc làm\n");
        let r = read_bytes(text.as_bytes()).unwrap();
        let header = r.header.unwrap();
        assert_eq!(header.original[1], "Họ và tên");
        assert_eq!(header.column(Field::WardCode), Some(4));
        assert_eq!(r.rows.len(), 1);
        let row = &r.rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.get(Field::Cccd), "056190012345");
        assert_eq!(row.get(Field::FullName), "Nguyễn Văn Đào");
        assert_eq!(row.get(Field::Address), "");
        assert_eq!(row.original().len(), 6);
    }

    #[test]
    fn sheet_csv_utf8_with_bom_and_crlf() {
        let text = format!("\u{FEFF}{VI_HEADER}\r\n1,Trần Thị Lụa,01/01/2000,Nữ,22504,Thất nghiệp\r\n");
        let r = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(r.header.unwrap().original[0], "Số CCCD");
        assert_eq!(r.rows[0].line, 2);
        assert_eq!(r.rows[0].get(Field::FullName), "Trần Thị Lụa");
        assert_eq!(r.rows[0].get(Field::EmploymentStatus), "Thất nghiệp");
    }

    #[test]
    fn sheet_csv_utf16le_with_bom_tab_separated() {
        let text = format!(
            "{}\r\n056190012345\tLê Văn Hùng\t02/03/1985\tNam\t22504\tCó việc làm\r\n",
            VI_HEADER.replace(',', "\t")
        );
        let r = read_bytes(&utf16le(&text)).unwrap();
        assert_eq!(r.header.unwrap().width(), 6);
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].get(Field::FullName), "Lê Văn Hùng");
        assert_eq!(r.rows[0].get(Field::WardCode), "22504");
        assert_eq!(r.rows[0].line, 2);
    }

    #[test]
    fn sheet_csv_utf16_be_and_without_bom() {
        let text = format!("{VI_HEADER}\n1,Phạm Thu Hà,01/01/2001,Nữ,22504,Có việc làm\n");
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(read_bytes(&be).unwrap().rows[0].get(Field::FullName), "Phạm Thu Hà");
        let le_no_bom = &utf16le(&text)[2..];
        assert_eq!(read_bytes(le_no_bom).unwrap().rows[0].get(Field::FullName), "Phạm Thu Hà");
    }

    #[test]
    fn sheet_csv_windows_1258() {
        // Windows-1258 has no "ễ" or "à": tones are combining marks after the base letter.
        let text = "cccd,Ho\u{0323} va\u{0300} tên,birth_date,sex,ward_code,employment_status\n\
                    1,Nguyê\u{0303}n Văn Đa\u{0300}o,01/01/1990,Nam,22504,Co\u{0301} viê\u{0323}c la\u{0300}m\n";
        let (bytes, _, unmappable) = WINDOWS_1258.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let r = read_bytes(&bytes).unwrap();
        let name = r.rows[0].get(Field::FullName);
        assert_eq!(crate::fold::fold(name), crate::fold::fold("Nguyễn Văn Đào"));
        assert_eq!(crate::fold::nfc(name), "Nguyễn Văn Đào");
        assert_eq!(crate::fold::nfc(r.rows[0].get(Field::EmploymentStatus)), "Có việc làm");
        let header = r.header.unwrap();
        assert_eq!(crate::fold::nfc(&header.original[1]), "Họ và tên");
        assert_eq!(header.field_at(1), Some(Field::FullName));
    }

    #[test]
    fn sheet_csv_semicolons_and_excel_sep_line() {
        let text = format!("{}\n1;Hồ Văn Nam;01/01/1990;Nam;22504;Có việc làm\n", VI_HEADER.replace(',', ";"));
        assert_eq!(read_bytes(text.as_bytes()).unwrap().rows[0].get(Field::FullName), "Hồ Văn Nam");
        let with_sep = format!("sep=;\n{text}");
        let r = read_bytes(with_sep.as_bytes()).unwrap();
        assert_eq!(r.rows[0].get(Field::FullName), "Hồ Văn Nam");
        assert_eq!(r.rows[0].line, 3);
    }

    #[test]
    fn sheet_english_keys_as_headers() {
        let text = "full_name,Birth Date,SEX,address,employment-status,hamlet,notes\n\
                    Võ Thị Sáu,1/1/1990,Nữ,\"Thôn 1, xã Đại Lãnh\",Có việc làm,Thôn 1,x\n";
        let r = read_bytes(text.as_bytes()).unwrap();
        let header = r.header.unwrap();
        assert_eq!(
            header.fields().collect::<Vec<_>>(),
            [Field::FullName, Field::BirthDate, Field::Sex, Field::Address, Field::EmploymentStatus, Field::Hamlet]
        );
        assert_eq!(header.field_at(6), None);
        assert_eq!(header.original[6], "notes");
        assert_eq!(r.rows[0].get(Field::Address), "Thôn 1, xã Đại Lãnh");
        assert_eq!(r.rows[0].original()[6], "x");
    }

    #[test]
    fn sheet_vietnamese_headers_any_case_and_diacritics() {
        let text = "HO VA TEN,ngay sinh,Gioi Tinh,ma xa / phuong,TÌNH TRẠNG VIỆC LÀM,so cccd\n\
                    Đặng Văn Lâm,05/06/1993,Nam,22504,Có việc làm, 056093000001 \n";
        let r = read_bytes(text.as_bytes()).unwrap();
        assert!(r.header.unwrap().has(Field::Cccd));
        assert_eq!(r.rows[0].get(Field::BirthDate), "05/06/1993");
        assert_eq!(r.rows[0].get(Field::Cccd), "056093000001");
        assert_eq!(r.rows[0].original()[5], " 056093000001 ");
    }

    #[test]
    fn fields_are_numbered_in_template_order() {
        for (i, f) in Field::ALL.iter().enumerate() {
            assert_eq!(f.index(), i, "{f:?}");
        }
        let row = RawRow::from_cells(2, vec![(Field::Sex, " nữ ".into()), (Field::Cccd, "056".into())]);
        assert_eq!((row.get(Field::Sex), row.get(Field::Cccd), row.get(Field::Phone)), ("nữ", "056", ""));
        assert_eq!(row.original(), [" nữ ", "056"]);
    }

    #[test]
    fn sheet_missing_required_columns() {
        let e = sheet_error(read_bytes("Họ và tên,Giới tính,Số CCCD\nA,Nam,1\n".as_bytes()));
        assert_eq!(e.key(), "err.sheet.missing_columns");
        match &e {
            SheetError::MissingColumns(names) => {
                assert_eq!(names, &["Ngày sinh (dd/mm/yyyy)", "Tình trạng việc làm", "Mã xã/phường"])
            }
            other => panic!("{other:?}"),
        }
        assert!(e.detail().unwrap().contains("Tình trạng việc làm"));
        // No known column at all: every required one is reported.
        let e = sheet_error(read_bytes(b"a,b,c\n1,2,3\n"));
        assert!(matches!(e, SheetError::MissingColumns(ref v) if v.len() == 5), "{e:?}");
    }

    #[test]
    fn sheet_address_instead_of_ward_code_is_enough() {
        let text = "Họ và tên,Ngày sinh,Giới tính,Địa chỉ,Tình trạng việc làm\nA,1/1/1990,Nam,\"x. Vạn Thọ, h. Vạn Ninh\",Có việc làm\n";
        let r = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(r.rows[0].get(Field::Address), "x. Vạn Thọ, h. Vạn Ninh");
        assert_eq!(r.rows[0].get(Field::WardCode), "");
    }

    #[test]
    fn sheet_duplicate_column() {
        let text = format!("{VI_HEADER},ho va ten\n");
        let e = sheet_error(read_bytes(text.as_bytes()));
        assert!(matches!(e, SheetError::DuplicateColumn(ref h) if h == "ho va ten"), "{e:?}");
        assert_eq!(e.key(), "err.sheet.duplicate_column");
    }

    #[test]
    fn sheet_empty_file() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\n\n  \n", b",,,\n,,\n"] {
            let e = sheet_error(read_bytes(bytes));
            assert!(matches!(e, SheetError::Empty), "{bytes:?}: {e:?}");
            assert_eq!(e.key(), "err.sheet.empty");
        }
    }

    #[test]
    fn sheet_header_only_gives_zero_rows() {
        let r = read_bytes(VI_HEADER.as_bytes()).unwrap();
        assert!(r.header.is_some());
        assert!(r.rows.is_empty());
        let r = read_bytes(format!("{VI_HEADER}\n,,,,,\n\n").as_bytes()).unwrap();
        assert!(r.rows.is_empty());
    }

    #[test]
    fn sheet_blank_rows_skipped_with_line_numbers() {
        let text = format!(
            "\n{VI_HEADER}\n1,A,1/1/1990,Nam,22504,x\n\n,,,,,\n2,\"B\nC\",1/1/1990,Nam,22504,x\r\n\r\n3,D,1/1/1990,Nam,22504,x\r4,E"
        );
        let r = read_bytes(text.as_bytes()).unwrap();
        let lines: Vec<(u64, &str)> = r.rows.iter().map(|r| (r.line, r.get(Field::FullName))).collect();
        assert_eq!(lines, [(3, "A"), (6, "B\nC"), (9, "D"), (10, "E")]);
        // Short rows are padded to the header's width.
        assert_eq!(r.rows[3].original(), ["4", "E", "", "", "", ""]);
    }

    #[test]
    fn sheet_rows_padded_and_truncated_to_header() {
        let text = format!("{VI_HEADER},,\n1,A\n1,B,1/1/1990,Nam,22504,x,extra,more\n");
        let r = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(r.header.unwrap().width(), 6);
        assert_eq!(r.rows[0].original().len(), 6);
        assert_eq!(r.rows[1].original().len(), 6);
        assert_eq!(r.rows[1].get(Field::EmploymentStatus), "x");
    }

    #[test]
    fn sheet_title_rows_before_header_are_skipped() {
        let text = format!("DANH SÁCH NGƯỜI LAO ĐỘNG,,\nXã Đại Lãnh,,\n\n{VI_HEADER}\n1,A,1/1/1990,Nam,22504,x\n");
        let r = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(r.header.unwrap().original[1], "Họ và tên");
        assert_eq!(r.rows[0].line, 5);
    }

    #[test]
    fn sheet_on_row_error_stops_reading() {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("{VI_HEADER}\n1,A,,,,\n2,B,,,,\n3,C,,,,\n");
        let path = write(&dir, "f.csv", text.as_bytes());
        let mut seen = 0;
        let e = read_rows::<Field>(
            &path,
            |_| Ok(()),
            |_| {
                seen += 1;
                if seen == 2 {
                    anyhow::bail!("stop here")
                }
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "stop here");
        assert!(e.downcast_ref::<SheetError>().is_none());
        assert_eq!(seen, 2);
        // An error from on_header also stops before any row.
        let e =
            read_rows::<Field>(&path, |_| anyhow::bail!("no"), |_| panic!("row after a failed header")).unwrap_err();
        assert_eq!(e.to_string(), "no");
    }

    #[test]
    fn sheet_too_many_columns_in_csv_header() {
        let header: Vec<String> = (0..=MAX_COLUMNS).map(|i| format!("c{i}")).collect();
        let text = format!("{},{VI_HEADER}\n", header.join(","));
        let e = sheet_error(read_bytes(text.as_bytes()));
        assert!(matches!(e, SheetError::TooManyColumns { max: MAX_COLUMNS }), "{e:?}");
    }

    #[test]
    fn sheet_title_line_without_delimiters() {
        let text = format!("DANH SÁCH NGƯỜI LAO ĐỘNG\n{}\n1;A;1/1/1990;Nam;22504;x\n", VI_HEADER.replace(',', ";"));
        let r = read_bytes(text.as_bytes()).unwrap();
        assert_eq!(r.rows[0].get(Field::FullName), "A");
        assert_eq!(r.rows[0].line, 3);
    }

    #[test]
    fn sheet_overlong_csv_record_is_refused() {
        // An unclosed quote swallows the rest of the file into one field.
        let mut text = format!("{VI_HEADER}\n1,A,1/1/1990,Nam,22504,x\n2,\"B,1/1/1990,Nam,22504,x\n");
        let line = "3,C,1/1/1990,Nam,22504,x,\"\"quoted\"\" is fine\n";
        while text.len() <= MAX_RECORD_BYTES + 1000 {
            text.push_str(line);
        }
        let mut seen = 0;
        let dir = tempfile::tempdir().unwrap();
        let e = read_rows::<Field>(
            &write(&dir, "f.csv", text.as_bytes()),
            |_| Ok(()),
            |_| {
                seen += 1;
                Ok(())
            },
        )
        .unwrap_err();
        let e = e.downcast_ref::<SheetError>().expect("a SheetError");
        assert!(matches!(e, SheetError::Malformed(_)), "{e:?}");
        assert_eq!(seen, 1);
        // The same lines with the quote closed are read.
        let closed = text.replacen("2,\"B,", "2,\"B\",", 1);
        assert!(read_bytes(closed.as_bytes()).unwrap().rows.len() > 1000);
    }

    #[test]
    fn sheet_unknown_binary_formats() {
        let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
        assert!(matches!(sheet_error(read_bytes(xls)), SheetError::UnknownFormat));
        let binary = [0u8, 1, 2, 0, 0, 0, 7, 0, 0, 0, 0, 9];
        assert!(matches!(sheet_error(read_bytes(&binary)), SheetError::UnknownFormat));
        let e = sheet_error(read_bytes(b"PK\x03\x04not really a zip"));
        assert!(matches!(e, SheetError::Malformed(_) | SheetError::UnknownFormat), "{e:?}");
    }

    #[test]
    fn sheet_bad_utf16_is_an_encoding_error() {
        // An unpaired surrogate.
        let mut bytes = utf16le(&format!("{VI_HEADER}\n"));
        bytes.extend_from_slice(&0xD800u16.to_le_bytes());
        bytes.extend_from_slice(&u16::from(b'x').to_le_bytes());
        let e = sheet_error(read_bytes(&bytes));
        assert!(matches!(e, SheetError::Encoding), "{e:?}");
        assert_eq!(e.key(), "err.sheet.encoding");
    }

    fn xlsx_header(sheet: &mut rust_xlsxwriter::Worksheet, row: u32) {
        for (c, h) in VI_HEADER.split(',').enumerate() {
            sheet.write_string(row, c as u16, h).unwrap();
        }
    }

    #[test]
    fn sheet_xlsx_numbers_dates_formulas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xlsx");
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        xlsx_header(sheet, 0);
        sheet.write_number(1, 0, 56185012345.0).unwrap();
        sheet.write_string(1, 1, "Nguyễn Văn Đào").unwrap();
        let date = XFormat::new().set_num_format("dd/mm/yyyy");
        sheet.write_datetime_with_format(1, 2, ExcelDateTime::from_ymd(1985, 5, 17).unwrap(), &date).unwrap();
        sheet.write_boolean(1, 3, true).unwrap();
        sheet.write_formula(1, 4, Formula::new("=22500+4").set_result("22504")).unwrap();
        sheet.write_number(1, 5, 2.5).unwrap();
        // Row 3 is blank; row 4 has only a name.
        sheet.write_string(3, 1, "Lê Thị B").unwrap();
        wb.save(&path).unwrap();

        let r = read(&path).unwrap();
        assert_eq!(r.rows.len(), 2);
        let row = &r.rows[0];
        assert_eq!(row.line, 2);
        assert_eq!(row.get(Field::Cccd), "56185012345");
        assert_eq!(row.get(Field::FullName), "Nguyễn Văn Đào");
        assert_eq!(row.get(Field::BirthDate), "17/05/1985");
        assert_eq!(row.get(Field::Sex), "true");
        assert_eq!(row.get(Field::WardCode), "22504");
        assert_eq!(row.get(Field::EmploymentStatus), "2.5");
        assert_eq!(r.rows[1].line, 4);
        assert_eq!(r.rows[1].original(), ["", "Lê Thị B", "", "", "", ""]);
    }

    #[test]
    fn sheet_xlsx_hidden_first_sheet_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xlsx");
        let mut wb = Workbook::new();
        let hidden = wb.add_worksheet();
        hidden.set_name("Danh mục").unwrap();
        hidden.write_string(0, 0, "Họ và tên").unwrap();
        hidden.write_string(1, 0, "from the hidden sheet").unwrap();
        hidden.set_hidden(true);
        let visible = wb.add_worksheet();
        visible.set_name("Dữ liệu").unwrap();
        visible.set_active(true);
        // A title row, then the header on line 3.
        visible.write_string(0, 0, "DANH SÁCH").unwrap();
        xlsx_header(visible, 2);
        visible.write_string(3, 1, "from the visible sheet").unwrap();
        wb.save(&path).unwrap();

        let r = read(&path).unwrap();
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].get(Field::FullName), "from the visible sheet");
        assert_eq!(r.rows[0].line, 4);
    }

    #[test]
    fn sheet_xlsx_claiming_thousands_of_columns_is_refused() {
        // A value far right, or only a formatted blank cell there (which the
        // streaming check would skip: the declared dimension refuses it).
        for blank in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("f.xlsx");
            let mut wb = Workbook::new();
            let sheet = wb.add_worksheet();
            xlsx_header(sheet, 0);
            if blank {
                sheet.write_blank(1, 16000, &XFormat::new().set_bold()).unwrap();
            } else {
                sheet.write_string(1, 16000, "far away").unwrap();
            }
            wb.save(&path).unwrap();
            let mut called = false;
            let e = read_rows::<Field>(
                &path,
                |_| Ok(()),
                |_| {
                    called = true;
                    Ok(())
                },
            )
            .unwrap_err();
            let e = e.downcast_ref::<SheetError>().expect("a SheetError");
            assert!(matches!(e, SheetError::TooManyColumns { max: MAX_COLUMNS }), "{e:?}");
            assert_eq!(e.key(), "err.sheet.too_many_columns");
            assert!(!called);
        }
    }

    #[test]
    fn sheet_xlsx_empty_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.xlsx");
        let mut wb = Workbook::new();
        wb.add_worksheet();
        wb.save(&path).unwrap();
        assert!(matches!(sheet_error(read(&path)), SheetError::Empty));
    }

    #[test]
    fn sheet_cell_text_conversions() {
        assert_eq!(number_text(56185012345.0), "56185012345");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_text(1.5e20), "150000000000000000000");
        assert_eq!(iso_date_text("1990-05-17"), "17/05/1990");
        assert_eq!(iso_date_text("1990-05-17T08:30:00"), "17/05/1990");
        assert_eq!(iso_date_text("08:30:00"), "08:30:00");
    }
}
