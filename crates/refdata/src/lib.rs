//! Reference data: administrative units (2025, legacy and the mapping) with
//! the address resolver, ISCO-08/VSCO occupations, qualification and
//! education levels, ethnic groups and VSIC sections.
//!
//! The files in `data/` are compiled in; [`refdata()`] indexes them once in
//! memory for fast lookups, and [`store::seed`] copies them into the database
//! at first start so reports can join on them.

pub mod load;
pub mod lookup;
pub mod map;
pub mod model;
pub mod resolver;
pub mod routes;
pub mod store;

use model::*;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const MESSAGES: &str = include_str!("../messages.tsv");

pub struct RefData {
    pub provinces: Vec<Province>,
    pub wards: Vec<Ward>,
    pub legacy_provinces: Vec<LegacyProvince>,
    pub legacy_districts: Vec<LegacyDistrict>,
    pub legacy_wards: Vec<LegacyWard>,
    pub successors: Vec<Successor>,
    pub occupations: Vec<Occupation>,
    pub qualifications: Vec<CodeItem>,
    pub education: Vec<CodeItem>,
    pub ethnic_groups: Vec<CodeItem>,
    pub vsic_sections: Vec<CodeItem>,
    by_code: Codes,
    index: resolver::Index,
    /// Folded "code title_vi title_en" per occupation, for search.
    occupation_keys: Vec<String>,
    /// Folded unit-group title (either language) → its occupations (more
    /// than one: the title is ambiguous), for titles typed in forms and sheets.
    occupation_titles: HashMap<String, Vec<usize>>,
}

#[derive(Default)]
struct Codes {
    provinces: HashMap<String, usize>,
    wards: HashMap<String, usize>,
    legacy_provinces: HashMap<String, usize>,
    legacy_districts: HashMap<String, usize>,
    legacy_wards: HashMap<String, usize>,
    occupations: HashMap<String, usize>,
}

fn positions<T>(items: &[T], key: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items.iter().enumerate().map(|(i, x)| (key(x).to_owned(), i)).collect()
}

/// The reference data, parsed and indexed on first use.
pub fn refdata() -> &'static RefData {
    static DATA: OnceLock<RefData> = OnceLock::new();
    DATA.get_or_init(|| {
        let l = load::load();
        let by_code = Codes {
            provinces: positions(&l.provinces, |x| &x.code),
            wards: positions(&l.wards, |x| &x.code),
            legacy_provinces: positions(&l.legacy_provinces, |x| &x.code),
            legacy_districts: positions(&l.legacy_districts, |x| &x.code),
            legacy_wards: positions(&l.legacy_wards, |x| &x.code),
            occupations: positions(&l.occupations, |x| &x.code),
        };
        let occupation_keys = l
            .occupations
            .iter()
            .map(|o| platform::fold::fold(&format!("{} {} {}", o.code, o.title_vi, o.title_en)))
            .collect();
        let mut occupation_titles: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, o) in l.occupations.iter().enumerate().filter(|(_, o)| o.level == 4) {
            let vi = platform::fold::fold(&o.title_vi);
            let en = platform::fold::fold(&o.title_en);
            occupation_titles.entry(vi.clone()).or_default().push(i);
            if en != vi {
                occupation_titles.entry(en).or_default().push(i);
            }
        }
        let mut d = RefData {
            provinces: l.provinces,
            wards: l.wards,
            legacy_provinces: l.legacy_provinces,
            legacy_districts: l.legacy_districts,
            legacy_wards: l.legacy_wards,
            successors: l.successors,
            occupations: l.occupations,
            qualifications: l.qualifications,
            education: l.education,
            ethnic_groups: l.ethnic_groups,
            vsic_sections: l.vsic_sections,
            by_code,
            index: resolver::Index::empty(),
            occupation_keys,
            occupation_titles,
        };
        d.index = resolver::Index::build(&d);
        d
    })
}

impl RefData {
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.by_code.provinces.get(code).map(|&i| &self.provinces[i])
    }
    pub fn ward(&self, code: &str) -> Option<&Ward> {
        self.by_code.wards.get(code).map(|&i| &self.wards[i])
    }
    pub fn legacy_province(&self, code: &str) -> Option<&LegacyProvince> {
        self.by_code.legacy_provinces.get(code).map(|&i| &self.legacy_provinces[i])
    }
    pub fn legacy_district(&self, code: &str) -> Option<&LegacyDistrict> {
        self.by_code.legacy_districts.get(code).map(|&i| &self.legacy_districts[i])
    }
    pub fn legacy_ward(&self, code: &str) -> Option<&LegacyWard> {
        self.by_code.legacy_wards.get(code).map(|&i| &self.legacy_wards[i])
    }
    pub fn occupation(&self, code: &str) -> Option<&Occupation> {
        self.by_code.occupations.get(code).map(|&i| &self.occupations[i])
    }
    /// 2025 communes of a province, in code order.
    /// A commune's name, or its code when unknown.
    pub fn ward_name(&self, code: &str) -> String {
        self.ward(code).map_or_else(|| code.to_owned(), |w| w.name.clone())
    }
    /// A province's communes as a form's options (code, name), in the
    /// alphabetical order of their names (diacritics aside), those `keep` allows.
    pub fn ward_options(&self, province_code: &str, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
        let mut w: Vec<(String, String)> =
            self.wards_of(province_code).filter(|w| keep(&w.code)).map(|w| (w.code.clone(), w.name.clone())).collect();
        w.sort_by_cached_key(|(_, name)| platform::fold::fold(name));
        w
    }
    pub fn wards_of(&self, province_code: &str) -> impl Iterator<Item = &Ward> + '_ {
        let province_code = province_code.to_owned();
        self.wards.iter().filter(move |w| w.province_code == province_code)
    }
    /// Old communes that went (wholly or in part) into a 2025 commune.
    pub fn predecessors_of(&self, ward_code: &str) -> Vec<(&LegacyWard, &Successor)> {
        self.successors
            .iter()
            .filter(|s| s.ward_code == ward_code)
            .filter_map(|s| Some((self.legacy_ward(&s.legacy_ward_code)?, s)))
            .collect()
    }
    /// The occupation a form's field names: its code ("7212"), the picker's
    /// "Thợ hàn và thợ cắt kim loại bằng khí (7212)" or "7212 · …", or a
    /// title typed in full (either language, diacritics optional) that names
    /// one occupation only.
    pub fn occupation_typed(&self, text: &str) -> Option<&Occupation> {
        let t = text.trim();
        fn code_of(s: &str) -> Option<&str> {
            Some(s).filter(|c| !c.is_empty() && c.len() <= 4 && c.bytes().all(|b| b.is_ascii_digit()))
        }
        if let Some(o) = code_of(t).and_then(|c| self.occupation(c)) {
            return Some(o);
        }
        let trailing = t.strip_suffix(')').and_then(|r| r.rsplit_once('(')).map(|(_, c)| c.trim());
        // "7212 · Welders", "7212 - …": a code, then a separator (not "3 thợ hàn").
        let leading = t
            .split_once(|c: char| !c.is_ascii_digit())
            .filter(|(_, rest)| rest.trim_start().starts_with(['·', '-', '–', ':']))
            .map(|(code, _)| code);
        if let Some(o) = trailing.or(leading).and_then(code_of).and_then(|c| self.occupation(c)) {
            return Some(o);
        }
        match self.occupation_titles.get(&platform::fold::fold(t))?.as_slice() {
            [i] => Some(&self.occupations[*i]),
            _ => None,
        }
    }

    /// Occupations whose code or title (either language, diacritics ignored)
    /// has every word of the query as a word prefix; titles containing the
    /// query as a phrase come first.
    pub fn search_occupations(&self, q: &str, level: Option<i32>, limit: usize) -> Vec<&Occupation> {
        let words = platform::fold::fold_words(q);
        let phrase = words.join(" ");
        let mut hits: Vec<(bool, &Occupation)> = self
            .occupations
            .iter()
            .zip(&self.occupation_keys)
            .filter(|(o, _)| level.is_none_or(|l| o.level == l))
            .filter(|(_, key)| words.iter().all(|w| key.split(' ').any(|k| k.starts_with(w.as_str()))))
            .map(|(o, key)| (!key.contains(&phrase), o))
            .collect();
        hits.sort_by_key(|(not_phrase, _)| *not_phrase);
        hits.into_iter().map(|(_, o)| o).take(limit).collect()
    }
}

/// What an occupation field shows: "Thợ hàn và thợ cắt kim loại bằng khí
/// (7212)" for a known code, what was typed otherwise.
pub fn occupation_label(lang: impl std::borrow::Borrow<platform::i18n::Lang>, text: &str) -> String {
    let lang = *lang.borrow();
    match refdata().occupation_typed(text) {
        Some(o) => {
            let title = if lang == platform::i18n::Lang::Vi { &o.title_vi } else { &o.title_en };
            format!("{title} ({})", o.code)
        }
        None => text.to_owned(),
    }
}

/// Great-circle distance in km between two points (commune centroids).
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let d = refdata();
        assert_eq!(d.province("56").unwrap().name, "Tỉnh Khánh Hòa");
        assert_eq!(d.ward("22504").unwrap().name, "Xã Đại Lãnh");
        assert_eq!(d.legacy_ward("22504").unwrap().name, "Xã Vạn Thọ");
        assert!(d.wards_of("56").count() > 40);
        assert!(d.predecessors_of("22504").iter().any(|(w, _)| w.name == "Xã Vạn Thọ"));
    }

    #[test]
    fn occupation_search_ignores_diacritics() {
        let d = refdata();
        let hits = d.search_occupations("giao vien", None, 50);
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|o| platform::fold::fold(&o.title_vi).contains("giao vien")
            || platform::fold::fold(&o.title_en).contains("giao vien")
            || platform::fold::fold(&o.title_vi).split(' ').any(|w| w.starts_with("giao"))));
        assert_eq!(d.search_occupations("7212", None, 5)[0].code, "7212");
        assert!(d.search_occupations("welder", Some(4), 5).iter().any(|o| o.code == "7212"));
    }

    #[test]
    fn occupation_as_typed_in_a_form() {
        let d = refdata();
        let code = |t: &str| d.occupation_typed(t).map(|o| o.code.as_str());
        assert_eq!(code("7212"), Some("7212"));
        assert_eq!(code("Thợ hàn và thợ cắt kim loại bằng khí (7212)"), Some("7212"), "the picker's label");
        assert_eq!(code("7212 · Welders"), Some("7212"));
        assert_eq!(code("tho van hanh may may"), Some("8153"), "a whole title without diacritics");
        assert_eq!(code("Sewing Machine Operators"), Some("8153"));
        assert_eq!(code("tho"), None, "not one occupation");
        assert_eq!(code("3 thợ hàn"), None, "a number, not a code");
        assert_eq!(code("7212abc"), None);
        assert_eq!(code("9999"), None);
        assert_eq!(code(""), None);
        assert_eq!(occupation_label(platform::i18n::Lang::Vi, "8153"), "Thợ vận hành máy may (8153)");
        assert_eq!(occupation_label(platform::i18n::Lang::En, "8153"), "Sewing Machine Operators (8153)");
        assert_eq!(occupation_label(platform::i18n::Lang::Vi, "tho han"), "tho han", "as typed");
    }

    #[test]
    fn distance() {
        // Nha Trang to Vạn Thọ is roughly 60 km as the crow flies.
        let d = distance_km((12.2458, 109.1943), (12.7654, 109.3605));
        assert!((55.0..65.0).contains(&d), "{d}");
    }
}
