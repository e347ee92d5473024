//! Poverty standards (chuẩn nghèo) as data files: income lines, indicators
//! in their dimensions, the rule's thresholds and the dates in force. The
//! national ones ship in `data/poverty/`; a province adds its own higher
//! standard as a file in the folder named by `KETNOI_POVERTY_STANDARDS`. A
//! file that cannot be read is refused at start, naming the file and line.

use std::path::Path;

use chrono::NaiveDate;
use platform::i18n::Lang;
use serde::Deserialize;
use toml::Spanned;

use crate::model::Area;

/// The files shipped with the program.
const SHIPPED: [(&str, &str); 2] = [
    ("data/poverty/07-2021.toml", include_str!("../../../data/poverty/07-2021.toml")),
    ("data/poverty/351-2025.toml", include_str!("../../../data/poverty/351-2025.toml")),
];

/// Chỉ số đo lường mức độ thiếu hụt dịch vụ xã hội cơ bản.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: String,
    pub dimension: String,
    pub name_vi: String,
    pub name_en: String,
    /// When a household lacks it (the decree's wording).
    pub lacking_vi: String,
    pub lacking_en: String,
    /// The survey's question that decides it.
    pub question_vi: String,
    pub question_en: String,
}

impl Indicator {
    pub fn name(&self, lang: Lang) -> &str {
        if lang == Lang::Vi {
            &self.name_vi
        } else {
            &self.name_en
        }
    }
    pub fn lacking(&self, lang: Lang) -> &str {
        if lang == Lang::Vi {
            &self.lacking_vi
        } else {
            &self.lacking_en
        }
    }
    pub fn question(&self, lang: Lang) -> &str {
        if lang == Lang::Vi {
            &self.question_vi
        } else {
            &self.question_en
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// Chuẩn nghèo đa chiều.
#[derive(Debug, Clone, PartialEq)]
pub struct Standard {
    /// As decrees are cited: "07/2021".
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    /// National standards are chosen by date; a province's own only when named.
    pub national: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub poor_min_lacking: usize,
    pub middle_factor: f64,
    pub rural_line: i64,
    pub urban_line: i64,
    pub dimensions: Vec<Dimension>,
    pub indicators: Vec<Indicator>,
    /// Where it was read from.
    pub file: String,
}

impl Standard {
    pub fn name(&self, lang: Lang) -> &str {
        if lang == Lang::Vi {
            &self.name_vi
        } else {
            &self.name_en
        }
    }
    /// Income line (VND per person per month) of an area.
    pub fn line(&self, area: Area) -> i64 {
        match area {
            Area::Rural => self.rural_line,
            Area::Urban => self.urban_line,
        }
    }
    /// Top of the average living standard (mức sống trung bình).
    pub fn middle_line(&self, area: Area) -> i64 {
        (self.line(area) as f64 * self.middle_factor).round() as i64
    }
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }
    pub fn dimension_name<'a>(&'a self, code: &'a str, lang: Lang) -> &'a str {
        self.dimensions.iter().find(|d| d.code == code).map_or(code, |d| {
            if lang == Lang::Vi {
                d.name_vi.as_str()
            } else {
                d.name_en.as_str()
            }
        })
    }
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStandard {
    id: Spanned<String>,
    name_vi: String,
    name_en: String,
    #[serde(default = "national")]
    scope: Spanned<String>,
    valid_from: Spanned<String>,
    valid_to: Option<Spanned<String>>,
    poor_min_lacking: Spanned<i64>,
    middle_factor: Spanned<f64>,
    income_line: RawLines,
    dimension: Vec<RawDimension>,
    indicator: Vec<RawIndicator>,
}

fn national() -> Spanned<String> {
    Spanned::new(0..0, "national".into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLines {
    rural: Spanned<i64>,
    urban: Spanned<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    code: Spanned<String>,
    name_vi: String,
    name_en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Spanned<String>,
    dimension: Spanned<String>,
    name_vi: String,
    name_en: String,
    lacking_vi: String,
    lacking_en: String,
    question_vi: String,
    question_en: String,
}

/// Line (1-based) of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

fn is_code(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Read one standard; the error names the file and the line.
pub fn parse(file: &str, text: &str) -> Result<Standard, String> {
    let raw: RawStandard = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_of(text, s.start));
        format!("{file}, line {line}: {}", e.message())
    })?;
    let at = |span: std::ops::Range<usize>, what: String| format!("{file}, line {}: {what}", line_of(text, span.start));
    let date = |s: &Spanned<String>| {
        NaiveDate::parse_from_str(s.get_ref(), "%Y-%m-%d")
            .map_err(|_| at(s.span(), format!("{:?} is not a date (YYYY-MM-DD)", s.get_ref())))
    };
    let valid_from = date(&raw.valid_from)?;
    let valid_to = raw.valid_to.as_ref().map(date).transpose()?;
    if let (Some(to), Some(span)) = (valid_to, raw.valid_to.as_ref().map(Spanned::span)) {
        if to < valid_from {
            return Err(at(span, "valid_to is before valid_from".into()));
        }
    }
    if raw.id.get_ref().trim().is_empty() {
        return Err(at(raw.id.span(), "id is empty".into()));
    }
    let national = match raw.scope.get_ref().as_str() {
        "national" => true,
        "province" => false,
        other => return Err(at(raw.scope.span(), format!("scope {other:?}: national or province"))),
    };
    for l in [&raw.income_line.rural, &raw.income_line.urban] {
        if *l.get_ref() <= 0 {
            return Err(at(l.span(), "an income line must be a positive number of VND".into()));
        }
    }
    if *raw.middle_factor.get_ref() < 1.0 {
        return Err(at(raw.middle_factor.span(), "middle_factor must be at least 1".into()));
    }
    let mut dimensions: Vec<Dimension> = Vec::new();
    for d in &raw.dimension {
        if !is_code(d.code.get_ref()) {
            return Err(at(d.code.span(), format!("{:?} is not a code (a-z, 0-9, _)", d.code.get_ref())));
        }
        if dimensions.iter().any(|x| &x.code == d.code.get_ref()) {
            return Err(at(d.code.span(), format!("dimension {:?} appears twice", d.code.get_ref())));
        }
        dimensions.push(Dimension {
            code: d.code.get_ref().clone(),
            name_vi: d.name_vi.clone(),
            name_en: d.name_en.clone(),
        });
    }
    let mut indicators: Vec<Indicator> = Vec::new();
    for i in &raw.indicator {
        let code = i.code.get_ref();
        if !is_code(code) {
            return Err(at(i.code.span(), format!("{code:?} is not a code (a-z, 0-9, _)")));
        }
        if indicators.iter().any(|x| &x.code == code) {
            return Err(at(i.code.span(), format!("indicator {code:?} appears twice")));
        }
        if !dimensions.iter().any(|d| &d.code == i.dimension.get_ref()) {
            return Err(at(i.dimension.span(), format!("no dimension {:?} in this file", i.dimension.get_ref())));
        }
        indicators.push(Indicator {
            code: code.clone(),
            dimension: i.dimension.get_ref().clone(),
            name_vi: i.name_vi.clone(),
            name_en: i.name_en.clone(),
            lacking_vi: i.lacking_vi.clone(),
            lacking_en: i.lacking_en.clone(),
            question_vi: i.question_vi.clone(),
            question_en: i.question_en.clone(),
        });
    }
    if indicators.is_empty() {
        return Err(format!("{file}: no [[indicator]]"));
    }
    let min = *raw.poor_min_lacking.get_ref();
    if min < 1 || min as usize > indicators.len() {
        return Err(at(raw.poor_min_lacking.span(), format!("poor_min_lacking must be 1 to {}", indicators.len())));
    }
    Ok(Standard {
        id: raw.id.get_ref().trim().to_owned(),
        name_vi: raw.name_vi,
        name_en: raw.name_en,
        national,
        valid_from,
        valid_to,
        poor_min_lacking: min as usize,
        middle_factor: *raw.middle_factor.get_ref(),
        rural_line: *raw.income_line.rural.get_ref(),
        urban_line: *raw.income_line.urban.get_ref(),
        dimensions,
        indicators,
        file: file.to_owned(),
    })
}

/// Every standard known, oldest first.
#[derive(Debug, Clone)]
pub struct Standards(Vec<Standard>);

impl Standards {
    /// The shipped standards, and the province's files (`*.toml`) in `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Standards, String> {
        let mut list = Vec::new();
        for (file, text) in SHIPPED {
            list.push(parse(file, text)?);
        }
        if let Some(dir) = dir {
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for path in files {
                let name = path.display().to_string();
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{name}: {e}"))?;
                let s = parse(&name, &text)?;
                if list.iter().any(|x: &Standard| x.id == s.id) {
                    return Err(format!("{name}: a standard {:?} is loaded already", s.id));
                }
                list.push(s);
            }
        }
        list.sort_by_key(|s| s.valid_from);
        Ok(Standards(list))
    }

    /// The shipped ones and those of `KETNOI_POVERTY_STANDARDS`; a bad file
    /// stops the start (classifying by a standard other than the operator's
    /// would mislead).
    pub fn from_env() -> Standards {
        let dir = std::env::var_os("KETNOI_POVERTY_STANDARDS").map(std::path::PathBuf::from);
        Standards::load(dir.as_deref()).unwrap_or_else(|e| panic!("poverty standard refused: {e}"))
    }

    pub fn all(&self) -> &[Standard] {
        &self.0
    }

    /// The national standard in force on `day` (the newest that covers it;
    /// after the last one's end, the last one, as decrees extend it).
    pub fn in_force(&self, day: NaiveDate) -> &Standard {
        let national = || self.0.iter().filter(|s| s.national);
        national()
            .rev()
            .find(|s| s.in_force_on(day))
            .or_else(|| national().rev().find(|s| s.valid_from <= day))
            .or_else(|| national().next())
            .unwrap_or(&self.0[0])
    }

    /// A standard by its id ("07/2021"), written with or without its suffix
    /// ("07/2021/NĐ-CP").
    pub fn named(&self, id: &str) -> Option<&Standard> {
        let id = id.trim();
        self.0.iter().find(|s| s.id == id || id.starts_with(&format!("{}/", s.id)))
    }

    /// The standard a review uses: the one named, or the one in force on its day.
    pub fn choose(&self, named: Option<&str>, day: NaiveDate) -> Option<&Standard> {
        match named.map(str::trim).filter(|s| !s.is_empty()) {
            Some(id) => self.named(id),
            None => Some(self.in_force(day)),
        }
    }

    /// Every indicator code of every standard, in first-seen order.
    pub fn all_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        for s in &self.0 {
            for i in &s.indicators {
                if !codes.contains(&i.code) {
                    codes.push(i.code.clone());
                }
            }
        }
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_shipped_standards_hold_the_decrees_figures() {
        let s = Standards::load(None).unwrap();
        let old = s.named("07/2021").unwrap();
        assert_eq!((old.rural_line, old.urban_line), (1_500_000, 2_000_000));
        assert_eq!((old.middle_line(Area::Rural), old.middle_line(Area::Urban)), (2_250_000, 3_000_000));
        assert_eq!(old.indicators.len(), 12);
        assert_eq!(old.dimensions.len(), 6);
        let codes: Vec<&str> = old.indicators.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "employment",
                "dependants",
                "nutrition",
                "health_insurance",
                "adult_education",
                "child_school_attendance",
                "housing_quality",
                "housing_area",
                "domestic_water",
                "hygienic_latrine",
                "telecom",
                "information_access"
            ]
        );
        let new = s.named("351/2025/NĐ-CP").unwrap();
        assert_eq!((new.rural_line, new.urban_line), (2_200_000, 2_800_000));
        assert!(new.indicator("waste_treatment").is_some());
        assert!(codes.iter().all(|c| new.indicator(c).is_some()), "a kept indicator keeps its code");
    }

    #[test]
    fn the_standard_in_force_is_chosen_by_date() {
        let s = Standards::load(None).unwrap();
        assert_eq!(s.in_force(d("2023-10-01")).id, "07/2021");
        assert_eq!(s.in_force(d("2026-11-30")).id, "07/2021", "extended to the end of 2026");
        assert_eq!(s.in_force(d("2027-01-01")).id, "351/2025");
        assert_eq!(s.in_force(d("2031-06-01")).id, "351/2025", "the last one until its successor");
        assert_eq!(s.in_force(d("2020-01-01")).id, "07/2021");
        assert_eq!(s.choose(Some("07/2021"), d("2028-01-01")).unwrap().id, "07/2021", "a named one wins");
        assert!(s.choose(Some("99/2099"), d("2028-01-01")).is_none());
    }

    #[test]
    fn a_malformed_file_is_refused_naming_the_file_and_line() {
        let good = include_str!("../../../data/poverty/07-2021.toml");
        let bad = good.replacen("rural = 1500000", "rural = -5", 1);
        let line = bad.lines().position(|l| l.contains("rural = -5")).unwrap() + 1;
        let e = parse("khanh-hoa.toml", &bad).unwrap_err();
        assert!(e.starts_with(&format!("khanh-hoa.toml, line {line}:")), "{e}");

        let bad = good.replacen("dimension = \"health\"", "dimension = \"wealth\"", 1);
        let line = bad.lines().position(|l| l.contains("\"wealth\"")).unwrap() + 1;
        let e = parse("x.toml", &bad).unwrap_err();
        assert!(e.contains(&format!("line {line}:")) && e.contains("wealth"), "{e}");

        let bad = good.replacen("valid_from = \"2022-01-01\"", "valid_from = \"01/01/2022\"", 1);
        let line = bad.lines().position(|l| l.contains("01/01/2022")).unwrap() + 1;
        assert!(parse("x.toml", &bad).unwrap_err().contains(&format!("line {line}:")));

        let bad = good.replacen("name_en = \"Employment\"\n", "name_en = \"Employment\"\nweight = 2\n", 1);
        let e = parse("x.toml", &bad).unwrap_err();
        assert!(e.contains("weight"), "an unknown key is named: {e}");

        let bad = good.replacen("code = \"dependants\"", "code = \"employment\"", 1);
        assert!(parse("x.toml", &bad).unwrap_err().contains("appears twice"));
    }

    #[test]
    fn a_province_adds_its_own_standard_from_a_folder() {
        let dir = std::env::temp_dir().join(format!("poverty-std-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let own = include_str!("../../../data/poverty/07-2021.toml")
            .replacen("id = \"07/2021\"", "id = \"KH-2024\"\nscope = \"province\"", 1)
            .replacen("rural = 1500000", "rural = 1800000", 1);
        std::fs::write(dir.join("khanh-hoa.toml"), own).unwrap();
        let s = Standards::load(Some(&dir)).unwrap();
        assert_eq!(s.named("KH-2024").unwrap().rural_line, 1_800_000);
        assert_eq!(s.in_force(d("2024-10-01")).id, "07/2021", "a province's own is used when named");
        std::fs::write(dir.join("broken.toml"), "id = \n").unwrap();
        let e = Standards::load(Some(&dir)).unwrap_err();
        assert!(e.contains("broken.toml, line 1"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
