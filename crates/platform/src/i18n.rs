//! Vietnamese first, English second, chosen per request (never a global locale).
//!
//! Messages live in tab-separated catalogs (`key<TAB>vi<TAB>en`), one per crate,
//! combined once at start-up by [`install`].

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The platform's own messages.
pub const PLATFORM_MESSAGES: &str = include_str!("../messages.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().get(..2)? {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    /// First supported language in an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header.split(',').find_map(|part| Lang::parse(part.split(';').next().unwrap_or("")))
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }
}

type Table = HashMap<&'static str, [&'static str; 2]>;
static CATALOG: OnceLock<Table> = OnceLock::new();

/// Parse catalogs; panics on a malformed line because catalogs are compiled in.
fn parse(sources: &[&'static str]) -> Table {
    let mut table = Table::new();
    for src in sources {
        for (n, line) in src.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(key), Some(vi), Some(en), None) = (cols.next(), cols.next(), cols.next(), cols.next()) else {
                panic!("message catalog line {}: expected key<TAB>vi<TAB>en: {line:?}", n + 1);
            };
            assert!(table.insert(key, [vi, en]).is_none(), "duplicate message key {key}");
        }
    }
    table
}

/// Install the combined catalogs (the platform's plus each capability's).
/// Later calls are no-ops, so tests may call it freely.
pub fn install(extra: &[&'static str]) {
    CATALOG.get_or_init(|| {
        let mut all = vec![PLATFORM_MESSAGES];
        all.extend_from_slice(extra);
        parse(&all)
    });
}

/// Look up a message; an unknown key is returned as is so a gap shows, not a crash.
pub fn t(lang: Lang, key: &str) -> &str {
    match CATALOG.get_or_init(|| parse(&[PLATFORM_MESSAGES])).get(key) {
        Some(pair) => pair[lang as usize],
        None => {
            tracing::warn!(key, "missing message");
            key
        }
    }
}

/// Replace `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Translator handed to templates: `tr.t("nav.home")`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        t(self.lang, key)
    }
    pub fn date(&self, d: &NaiveDate) -> String {
        // Not `format("%d/%m/%Y")`: that parses its pattern on every call,
        // and a board page prints forty dates.
        use chrono::Datelike;
        format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
    }
    /// "03/2024" for the month "2024-03": months as Vietnamese (and the
    /// rest of the pages' dates) write them.
    pub fn month(&self, ym: &str) -> String {
        ym.split_once('-').map_or_else(|| ym.to_owned(), |(y, m)| format!("{m}/{y}"))
    }
    /// What is wrong with `field` among `errors`, in this language (`None`: nothing).
    pub fn field_error(&self, errors: &[crate::error::FieldError], field: &str) -> Option<String> {
        let msgs: Vec<&str> = errors.iter().filter(|e| e.field == field).map(|e| t(self.lang, &e.code)).collect();
        (!msgs.is_empty()).then(|| msgs.join(" "))
    }
    /// The Vietnamese calendar day of a moment (dd/mm/yyyy).
    pub fn local_date(&self, d: &DateTime<Utc>) -> String {
        self.date(&crate::time::local_date(*d))
    }
    pub fn datetime(&self, d: &DateTime<Utc>) -> String {
        // Vietnam is UTC+7 all year.
        crate::time::local(*d).format("%d/%m/%Y %H:%M").to_string()
    }
    pub fn money(&self, vnd: i64) -> String {
        let grouped = self.int(vnd);
        match self.lang {
            Lang::Vi => format!("{grouped} ₫"),
            Lang::En => format!("{grouped} VND"),
        }
    }
    /// A whole number as the language writes it: 4.132 (vi), 4,132 (en).
    pub fn int(&self, n: impl Count) -> String {
        let n = n.count();
        let sep = if self.lang == Lang::Vi { '.' } else { ',' };
        let digits = n.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            grouped.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        grouped
    }
    /// A number with `places` decimals: 47,12 (vi), 47.12 (en), thousands grouped.
    pub fn decimal(&self, x: impl Real, places: usize) -> String {
        let x = x.real();
        let text = format!("{:.*}", places, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        let sign = if x < 0.0 && text.bytes().any(|b| b.is_ascii_digit() && b != b'0') { "-" } else { "" };
        let whole = self.int(whole.parse::<i64>().unwrap_or(0));
        if frac.is_empty() {
            return format!("{sign}{whole}");
        }
        let point = if self.lang == Lang::Vi { ',' } else { '.' };
        format!("{sign}{whole}{point}{frac}")
    }
    /// A percentage with one decimal: 67,1% (vi), 67.1% (en).
    pub fn percent(&self, x: impl Real) -> String {
        format!("{}%", self.decimal(x, 1))
    }
}

/// Whole numbers a page shows (templates hand them over by value or by reference).
pub trait Count {
    fn count(&self) -> i64;
}
macro_rules! count {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn count(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
count!(i64, i32, u32, u64, usize);
impl<T: Count> Count for &T {
    fn count(&self) -> i64 {
        (**self).count()
    }
}

/// Numbers with decimals a page shows (by value or by reference).
pub trait Real {
    fn real(&self) -> f64;
}
impl Real for f64 {
    fn real(&self) -> f64 {
        *self
    }
}
impl Real for f32 {
    fn real(&self) -> f64 {
        f64::from(*self)
    }
}
impl<T: Real> Real for &T {
    fn real(&self) -> f64 {
        (**self).real()
    }
}

/// Parse dd/mm/yyyy (also d/m/yyyy and ISO yyyy-mm-dd).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    // dd/mm/yyyy written out in full, by far the most common form, without
    // chrono's format interpreter (imports parse millions of dates).
    if let [d1, d2, b'/', m1, m2, b'/', y1, y2, y3, y4] = *s.as_bytes() {
        let digits = [d1, d2, m1, m2, y1, y2, y3, y4];
        if digits.iter().all(u8::is_ascii_digit) {
            let n = |ds: &[u8]| ds.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
            return NaiveDate::from_ymd_opt(n(&digits[4..]) as i32, n(&digits[2..4]), n(&digits[..2]));
        }
    }
    NaiveDate::parse_from_str(s, "%d/%m/%Y").or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_counts_read_as_vietnamese_write_them() {
        let vi = Tr::new(Lang::Vi);
        assert_eq!(vi.month("2024-03"), "03/2024");
        assert_eq!(vi.int(1500), "1.500");
        assert_eq!(Tr::new(Lang::En).int(1500), "1,500");
    }

    #[test]
    fn every_platform_message_has_both_languages() {
        let table = parse(&[PLATFORM_MESSAGES]);
        assert!(table.len() > 50);
        for (key, [vi, en]) in &table {
            assert!(!vi.trim().is_empty() && !en.trim().is_empty(), "{key} lacks a translation");
        }
    }

    #[test]
    fn looks_up_per_language() {
        assert_eq!(t(Lang::Vi, "nav.home"), "Trang chủ");
        assert_eq!(t(Lang::En, "nav.home"), "Home");
        assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    }

    #[test]
    fn accept_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr, vi-VN;q=0.5"), Some(Lang::Vi));
        assert_eq!(Lang::from_accept_language("fr"), None);
    }

    #[test]
    fn dates_and_money() {
        let tr = Tr::new(Lang::Vi);
        assert_eq!(tr.date(&NaiveDate::from_ymd_opt(2023, 6, 5).unwrap()), "05/06/2023");
        assert_eq!(tr.money(1_500_000), "1.500.000 ₫");
        assert_eq!(Tr::new(Lang::En).money(2_000_000), "2,000,000 VND");
        assert_eq!(tr.int(4132), "4.132");
        assert_eq!(tr.int(-1_234_567), "-1.234.567");
        assert_eq!(tr.int(12), "12");
        assert_eq!(tr.percent(67.08), "67,1%");
        assert_eq!(Tr::new(Lang::En).percent(67.08), "67.1%");
        assert_eq!(tr.decimal(47.123, 2), "47,12");
        assert_eq!(tr.decimal(1234.5, 1), "1.234,5");
        assert_eq!(Tr::new(Lang::En).decimal(1234.5, 1), "1,234.5");
        assert_eq!(tr.decimal(-0.01, 1), "0,0");
        assert_eq!(parse_date("31/12/2023"), NaiveDate::from_ymd_opt(2023, 12, 31));
        assert_eq!(parse_date("31/02/2023"), None);
        assert_eq!(parse_date("2023-02-28"), NaiveDate::from_ymd_opt(2023, 2, 28));
    }

    #[test]
    fn fill_placeholders() {
        assert_eq!(fill("Dòng {row}: {field}", &[("row", "3"), ("field", "CCCD")]), "Dòng 3: CCCD");
    }
}
