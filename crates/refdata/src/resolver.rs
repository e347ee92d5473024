//! Resolve an old commune code or an old address, as people write it, to the
//! 2025 commune. A split commune yields every candidate (default first) and is
//! never reported as certain.

use crate::model::*;
use crate::RefData;
use platform::fold::fold;
use serde::Serialize;
use std::collections::HashMap;

/// How sure the answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = ResolutionStatus)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// One 2025 commune, certainly.
    Resolved,
    /// The old commune was split: `ward_code` is the usual successor, the
    /// others are in `candidates`.
    Split,
    /// Several old communes match (e.g. no district given): see `candidates`.
    Ambiguous,
    NotFound,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = AddressCandidate)]
pub struct Candidate {
    pub ward_code: String,
    pub ward_name: String,
    pub province_code: String,
    pub province_name: String,
    /// The usual successor of a split commune.
    pub is_default: bool,
    /// The old commune went entirely into this one.
    pub whole: bool,
    pub legacy_ward_code: Option<String>,
    pub legacy_ward_name: Option<String>,
    pub legacy_district_name: Option<String>,
    pub legacy_province_name: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Resolution {
    pub status: Status,
    /// True only when there is exactly one answer.
    pub certain: bool,
    /// The 2025 commune to use (the default successor when split); null when
    /// not found or ambiguous.
    pub ward_code: Option<String>,
    pub ward_name: Option<String>,
    pub province_code: Option<String>,
    pub province_name: Option<String>,
    /// Every 2025 commune the input may mean.
    pub candidates: Vec<Candidate>,
}

/// Administrative level a word like "huyện" or "P." announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Ward,
    District,
    Province,
    /// "Thành phố"/"TP": a provincial city or a province-level city.
    DistrictOrProvince,
    Unknown,
}

/// Type words, folded, longest first so "thi tran" wins over "t".
const PREFIXES: [(&str, Level); 16] = [
    ("thanh pho", Level::DistrictOrProvince),
    ("thi tran", Level::Ward),
    ("dac khu", Level::Ward),
    ("phuong", Level::Ward),
    ("thi xa", Level::District),
    ("huyen", Level::District),
    ("quan", Level::District),
    ("tinh", Level::Province),
    ("xa", Level::Ward),
    ("tp", Level::DistrictOrProvince),
    ("tx", Level::District),
    ("tt", Level::Ward),
    ("p", Level::Ward),
    ("x", Level::Ward),
    ("h", Level::District),
    ("q", Level::District),
];

/// A part of an address with its type word split off.
#[derive(Debug, Clone, PartialEq)]
struct Part {
    level: Level,
    /// The canonical type word ("xa", "phuong", "thi tran", …) if one was given.
    kind: Option<&'static str>,
    /// Folded name without the type word: "van tho".
    name: String,
    /// Lower-case name with its diacritics, to tell "Minh Quán" from "Minh Quân".
    exact: String,
}

fn canonical_kind(word: &str) -> &'static str {
    match word {
        "x" | "xa" => "xa",
        "p" | "phuong" => "phuong",
        "tt" | "thi tran" => "thi tran",
        "tx" | "thi xa" => "thi xa",
        "tp" | "thanh pho" => "thanh pho",
        "h" | "huyen" => "huyen",
        "q" | "quan" => "quan",
        "t" | "tinh" => "tinh",
        _ => "dac khu",
    }
}

/// Split off the type word: "x. van tho" → Ward "van tho"; "phuong 01" → Ward "1".
fn parse_part(part: &str) -> Part {
    let spaced = |s: String| -> Vec<String> {
        s.chars()
            .map(|c| if c == '.' || c == '-' { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let folded = spaced(fold(part));
    let original = spaced(platform::fold::nfc(part).to_lowercase());
    let joined = folded.join(" ");
    for (word, level) in PREFIXES {
        if let Some(r) = joined.strip_prefix(word) {
            // "p1", "q10": a short type word glued to a number.
            let glued_number = word.len() <= 2 && r.chars().next().is_some_and(|c| c.is_ascii_digit());
            if r.starts_with(' ') || glued_number {
                let name = normalise_number(r.trim_start());
                let skip = word.split(' ').count();
                let exact = if glued_number || original.len() != folded.len() {
                    name.clone()
                } else {
                    normalise_number(&original[skip..].join(" "))
                };
                return Part { level, kind: Some(canonical_kind(word)), name, exact };
            }
        }
    }
    Part {
        level: Level::Unknown,
        kind: None,
        name: normalise_number(&joined),
        exact: normalise_number(&original.join(" ")),
    }
}

fn strip_type(part: &str) -> (Level, String) {
    let p = parse_part(part);
    (p.level, p.name)
}

/// Narrow several same-named units: first by the type word the user gave,
/// then by the exact spelling with diacritics. Never narrows to nothing.
fn narrow<T>(items: Vec<T>, part: &Part, name_of: impl Fn(&T) -> &str) -> Vec<T> {
    let mut items = items;
    if items.len() > 1 {
        if let Some(kind) = part.kind {
            if items.iter().any(|x| parse_part(name_of(x)).kind == Some(kind)) {
                items.retain(|x| parse_part(name_of(x)).kind == Some(kind));
            }
        }
    }
    if items.len() > 1 && items.iter().any(|x| parse_part(name_of(x)).exact == part.exact) {
        items.retain(|x| parse_part(name_of(x)).exact == part.exact);
    }
    items
}

/// "01" → "1" so "Phường 01" and "P.1" agree.
fn normalise_number(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let t = s.trim_start_matches('0');
        if t.is_empty() {
            "0".into()
        } else {
            t.into()
        }
    } else {
        s.to_owned()
    }
}

/// The bare folded name of an official unit: "Thành phố Nha Trang" → "nha trang".
pub(crate) fn bare(name: &str) -> String {
    strip_type(name).1
}

/// Common ways people write some province names.
const PROVINCE_ALIASES: [(&str, &str); 6] = [
    ("hcm", "ho chi minh"),
    ("tphcm", "ho chi minh"),
    ("sai gon", "ho chi minh"),
    ("hn", "ha noi"),
    ("hue", "hue"),
    ("brvt", "ba ria vung tau"),
];

/// Indexes by bare folded name, built once.
pub struct Index {
    legacy_wards: HashMap<String, Vec<usize>>,
    legacy_districts: HashMap<String, Vec<usize>>,
    legacy_provinces: HashMap<String, Vec<usize>>,
    wards: HashMap<String, Vec<usize>>,
    provinces: HashMap<String, Vec<usize>>,
    /// Old province code → the 2025 province its communes went to.
    legacy_province_to: HashMap<String, String>,
}

impl Index {
    pub(crate) fn empty() -> Index {
        Index {
            legacy_wards: HashMap::new(),
            legacy_districts: HashMap::new(),
            legacy_provinces: HashMap::new(),
            wards: HashMap::new(),
            provinces: HashMap::new(),
            legacy_province_to: HashMap::new(),
        }
    }

    pub fn build(d: &RefData) -> Index {
        fn by_name<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, Vec<usize>> {
            let mut m: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, n) in names.enumerate() {
                m.entry(bare(n)).or_default().push(i);
            }
            m
        }
        Index {
            legacy_wards: by_name(d.legacy_wards.iter().map(|w| w.name.as_str())),
            legacy_districts: by_name(d.legacy_districts.iter().map(|w| w.name.as_str())),
            legacy_provinces: by_name(d.legacy_provinces.iter().map(|w| w.name.as_str())),
            wards: by_name(d.wards.iter().map(|w| w.name.as_str())),
            provinces: by_name(d.provinces.iter().map(|w| w.name.as_str())),
            legacy_province_to: {
                // Whole provinces merged in 2025: any commune's successor tells where.
                let province_of_district: HashMap<&str, &str> =
                    d.legacy_districts.iter().map(|x| (x.code.as_str(), x.province_code.as_str())).collect();
                let district_of_ward: HashMap<&str, &str> =
                    d.legacy_wards.iter().map(|w| (w.code.as_str(), w.district_code.as_str())).collect();
                let mut m = HashMap::new();
                for s in &d.successors {
                    let old =
                        district_of_ward.get(s.legacy_ward_code.as_str()).and_then(|x| province_of_district.get(x));
                    if let (Some(old), Some(w)) = (old, d.ward(&s.ward_code)) {
                        m.entry((*old).to_owned()).or_insert_with(|| w.province_code.clone());
                    }
                }
                m
            },
        }
    }
}

fn province_key(name: &str) -> String {
    PROVINCE_ALIASES.iter().find(|(a, _)| *a == name).map(|(_, n)| (*n).to_owned()).unwrap_or_else(|| name.to_owned())
}

impl RefData {
    /// A province as people write it: its code ("79", "1"), its 2025 name with
    /// or without "tỉnh"/"thành phố"/"TP." and diacritics, a usual short form
    /// ("HCM", "HN"), or the name of a province merged in 2025 (then the
    /// province it joined).
    pub fn province_named(&self, text: &str) -> Option<&Province> {
        let t = text.trim();
        if !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            return self.province(&format!("{:0>2}", t));
        }
        // English as well: "Ho Chi Minh City", "Khanh Hoa Province", "Hanoi".
        let name = parse_part(t).name;
        let name = name.strip_suffix(" city").or_else(|| name.strip_suffix(" province")).unwrap_or(&name);
        let key = province_key(if name == "hanoi" { "ha noi" } else { name });
        if key.is_empty() {
            return None;
        }
        if let Some(&[i]) = self.index.provinces.get(&key).map(Vec::as_slice) {
            return Some(&self.provinces[i]);
        }
        // An old province: the 2025 province its communes went to.
        let &[i] = self.index.legacy_provinces.get(&key)?.as_slice() else { return None };
        self.province(self.index.legacy_province_to.get(&self.legacy_provinces[i].code)?)
    }

    /// Successors of an old commune as candidates, default first.
    pub fn successors_of(&self, legacy_ward_code: &str) -> Vec<Candidate> {
        let Some(lw) = self.legacy_ward(legacy_ward_code) else {
            return vec![];
        };
        let district = self.legacy_district(&lw.district_code);
        let lprov = district.and_then(|d| self.legacy_province(&d.province_code));
        let mut out: Vec<Candidate> = self
            .successors
            .iter()
            .filter(|s| s.legacy_ward_code == legacy_ward_code)
            .filter_map(|s| {
                let w = self.ward(&s.ward_code)?;
                let p = self.province(&w.province_code)?;
                Some(Candidate {
                    ward_code: w.code.clone(),
                    ward_name: w.name.clone(),
                    province_code: p.code.clone(),
                    province_name: p.name.clone(),
                    is_default: s.is_default,
                    whole: s.whole,
                    legacy_ward_code: Some(lw.code.clone()),
                    legacy_ward_name: Some(lw.name.clone()),
                    legacy_district_name: district.map(|d| d.name.clone()),
                    legacy_province_name: lprov.map(|p| p.name.clone()),
                })
            })
            .collect();
        out.sort_by_key(|c| !c.is_default);
        out
    }

    /// Resolve an old commune code.
    pub fn resolve_legacy_code(&self, legacy_ward_code: &str) -> Resolution {
        let code = platform::types::WardCode::parse(legacy_ward_code).map(|c| c.to_string()).unwrap_or_default();
        conclude(self.successors_of(&code), false)
    }

    /// Resolve an address as written: "Xã Vạn Thọ, Huyện Vạn Ninh, Tỉnh Khánh Hòa",
    /// "x. van tho, h. van ninh, khanh hoa", "P. Vĩnh Hải, TP Nha Trang", or a 2025
    /// address such as "Xã Đại Lãnh, Khánh Hòa".
    pub fn resolve_address(&self, address: &str) -> Resolution {
        let pieces = self.address_parts(address);
        let parsed: Vec<Part> = pieces.iter().map(|p| parse_part(p)).filter(|p| !p.name.is_empty()).collect();
        let parts: Vec<(Level, String)> = parsed.iter().map(|p| (p.level, p.name.clone())).collect();
        // Drop a leading house number/street/hamlet: the commune is the first part
        // whose name is a commune name, or that is announced as one.
        let start = parts
            .iter()
            .position(|(level, name)| {
                *level == Level::Ward
                    || (*level == Level::Unknown
                        && (self.index.legacy_wards.contains_key(name) || self.index.wards.contains_key(name)))
            })
            .unwrap_or(0);
        let Some((_, ward_name)) = parts.get(start) else {
            return conclude(vec![], false);
        };
        let ward_part = &parsed[start];
        let rest = &parts[start + 1..];

        // Province and district filters from the remaining parts.
        let mut legacy_province: Option<Vec<&str>> = None;
        let mut province_2025: Option<Vec<&str>> = None;
        let mut district: Option<Vec<&str>> = None;
        let mut unmatched = false;
        for (level, name) in rest {
            let pk = province_key(name);
            let lp: Vec<&str> = self
                .index
                .legacy_provinces
                .get(&pk)
                .into_iter()
                .flatten()
                .map(|&i| self.legacy_provinces[i].code.as_str())
                .collect();
            let np: Vec<&str> =
                self.index.provinces.get(&pk).into_iter().flatten().map(|&i| self.provinces[i].code.as_str()).collect();
            let ld: Vec<&str> = self
                .index
                .legacy_districts
                .get(name)
                .into_iter()
                .flatten()
                .map(|&i| self.legacy_districts[i].code.as_str())
                .collect();
            let province_like = matches!(level, Level::Province | Level::DistrictOrProvince | Level::Unknown);
            let district_like = matches!(level, Level::District | Level::DistrictOrProvince | Level::Unknown);
            // A district filter is more specific; a "TP" part that names both a
            // provincial city and a province (e.g. Huế) counts as both.
            if district_like && !ld.is_empty() && district.is_none() {
                district = Some(ld);
                continue;
            }
            if province_like && (!lp.is_empty() || !np.is_empty()) {
                if !lp.is_empty() {
                    legacy_province = Some(lp);
                }
                if !np.is_empty() {
                    province_2025 = Some(np);
                }
                continue;
            }
            unmatched = true;
        }

        // A 2025 address: the name is a 2025 commune and no old district is named.
        if district.is_none() {
            let hits: Vec<&Ward> = self
                .index
                .wards
                .get(ward_name)
                .into_iter()
                .flatten()
                .map(|&i| &self.wards[i])
                .filter(|w| province_2025.as_ref().is_none_or(|ps| ps.contains(&w.province_code.as_str())))
                .collect();
            let hits = narrow(hits, ward_part, |w| &w.name);
            if !hits.is_empty() && province_2025.is_some() {
                // An old commune of the same name may be meant ("Phường Vĩnh Hải"
                // of Nha Trang is not today's "Xã Vĩnh Hải").
                let old_same_name =
                    narrow(self.old_communes_named(ward_name, legacy_province.as_deref()), ward_part, |w| &w.name);
                let kind_of_hits_differs =
                    ward_part.kind.is_some() && hits.iter().all(|h| parse_part(&h.name).kind != ward_part.kind);
                let old_kind_matches = ward_part.kind.is_some()
                    && old_same_name.iter().any(|w| parse_part(&w.name).kind == ward_part.kind);
                let elsewhere: Vec<Candidate> = old_same_name
                    .iter()
                    .flat_map(|w| self.successors_of(&w.code))
                    .filter(|c| !hits.iter().any(|h| h.code == c.ward_code))
                    .collect();
                // The type word written points at the old commune: read it as an old address.
                if !(kind_of_hits_differs && old_kind_matches) {
                    let mut cands: Vec<Candidate> = hits.iter().filter_map(|w| self.current_candidate(w)).collect();
                    let doubtful = unmatched || kind_of_hits_differs || !elsewhere.is_empty();
                    cands.extend(elsewhere);
                    return conclude(cands, doubtful);
                }
            }
        }

        // An old address.
        let legacy: Vec<&LegacyWard> = self
            .old_communes_named(ward_name, legacy_province.as_deref())
            .into_iter()
            .filter(|w| district.as_ref().is_none_or(|ds| ds.contains(&w.district_code.as_str())))
            .collect();
        let legacy = narrow(legacy, ward_part, |w| &w.name);
        if legacy.is_empty() {
            // Perhaps a 2025 commune written without its province.
            let cands: Vec<Candidate> = self
                .index
                .wards
                .get(ward_name)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.current_candidate(&self.wards[i]))
                .filter(|c| province_2025.as_ref().is_none_or(|ps| ps.contains(&c.province_code.as_str())))
                .collect();
            return conclude(cands, unmatched);
        }
        let ambiguous = legacy.len() > 1;
        let cands: Vec<Candidate> = legacy.iter().flat_map(|w| self.successors_of(&w.code)).collect();
        conclude(cands, unmatched || ambiguous)
    }

    /// The parts of an address, commune or district or province or what
    /// comes before them (house, street, hamlet): split at its commas, or
    /// where its units start when it has none.
    pub fn address_parts(&self, address: &str) -> Vec<String> {
        if address.contains([',', ';', '\n']) {
            address.split([',', ';', '\n']).map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
        } else {
            self.split_unpunctuated(address)
        }
    }

    /// Whether a part of an address names a unit by its type word ("xã …",
    /// "P. …", "huyện …"), rather than a house, street or hamlet.
    pub fn is_unit(part: &str) -> bool {
        parse_part(part).kind.is_some()
    }

    /// An address written without commas ("thôn 1 x. diên phước h. diên
    /// khánh khánh hòa"), cut where a type word starts a unit, and before a
    /// province named at the end without one. A type word is written with
    /// its diacritics ("tỉnh", not the "Tĩnh" of Tĩnh Túc), without any in an
    /// address typed without them, or abbreviated with a dot ("x.", "h.").
    fn split_unpunctuated(&self, address: &str) -> Vec<String> {
        let words: Vec<&str> = address.split_whitespace().collect();
        let plain = address.is_ascii();
        let lower: Vec<String> = words.iter().map(|w| platform::fold::nfc(w).to_lowercase()).collect();
        let starts_unit = |i: usize| -> bool {
            let w = lower[i].as_str();
            let next = lower.get(i + 1).map(String::as_str).unwrap_or("");
            let abbreviated = ["x.", "p.", "h.", "q.", "t.", "tt.", "tx.", "tp."].iter().any(|a| w.starts_with(a));
            let one = |accented: &str, bare: &str| w == accented || (plain && w == bare);
            let two = |a: (&str, &str), b: (&str, &str)| one(a.0, a.1) && (next == b.0 || (plain && next == b.1));
            abbreviated
                || ["tp", "tx", "tt"].contains(&w)
                || one("xã", "xa")
                || one("phường", "phuong")
                || one("huyện", "huyen")
                || one("quận", "quan")
                || one("tỉnh", "tinh")
                || two(("thị", "thi"), ("trấn", "tran"))
                || two(("thị", "thi"), ("xã", "xa"))
                || two(("thành", "thanh"), ("phố", "pho"))
                || two(("đặc", "dac"), ("khu", "khu"))
        };
        let mut pieces: Vec<Vec<&str>> = vec![];
        for (i, w) in words.iter().enumerate() {
            match pieces.last_mut() {
                Some(piece) if !starts_unit(i) => piece.push(w),
                _ => pieces.push(vec![w]),
            }
        }
        // A province at the end, without its type word: its own piece.
        if let Some(last) = pieces.last_mut() {
            let is_province = |ws: &[&str]| {
                let key = province_key(&parse_part(&ws.join(" ")).name);
                self.index.provinces.contains_key(&key) || self.index.legacy_provinces.contains_key(&key)
            };
            let whole = is_province(last);
            let keep = (1..last.len().min(4) + 1).rev().filter(|n| !whole && *n < last.len()).find(|n| {
                let prefix = parse_part(&last[..last.len() - n].join(" "));
                !prefix.name.is_empty() && is_province(&last[last.len() - n..])
            });
            if let Some(n) = keep {
                let province = last.split_off(last.len() - n);
                pieces.push(province);
            }
        }
        pieces.into_iter().map(|p| p.join(" ")).collect()
    }

    /// Old communes with this bare folded name, in the given old provinces if any.
    fn old_communes_named(&self, name: &str, provinces: Option<&[&str]>) -> Vec<&LegacyWard> {
        self.index
            .legacy_wards
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.legacy_wards[i])
            .filter(|w| {
                provinces.is_none_or(|ps| {
                    self.legacy_district(&w.district_code).is_some_and(|d| ps.contains(&d.province_code.as_str()))
                })
            })
            .collect()
    }

    fn current_candidate(&self, w: &Ward) -> Option<Candidate> {
        let p = self.province(&w.province_code)?;
        Some(Candidate {
            ward_code: w.code.clone(),
            ward_name: w.name.clone(),
            province_code: p.code.clone(),
            province_name: p.name.clone(),
            is_default: true,
            whole: true,
            legacy_ward_code: None,
            legacy_ward_name: None,
            legacy_district_name: None,
            legacy_province_name: None,
        })
    }
}

/// Turn candidates into an answer. `doubtful`: part of the input was not
/// understood or matched several old communes.
fn conclude(mut cands: Vec<Candidate>, doubtful: bool) -> Resolution {
    // The same 2025 commune reached twice (two old communes merged) is one answer.
    let mut seen = std::collections::HashSet::new();
    cands.retain(|c| seen.insert((c.ward_code.clone(), c.legacy_ward_code.clone())));
    let distinct_old: std::collections::HashSet<_> = cands.iter().map(|c| c.legacy_ward_code.clone()).collect();
    let distinct_new: std::collections::HashSet<_> = cands.iter().map(|c| c.ward_code.clone()).collect();
    let (status, pick) = if cands.is_empty() {
        (Status::NotFound, None)
    } else if distinct_new.len() > 1 && (distinct_old.len() > 1 || cands.iter().all(|c| c.legacy_ward_code.is_none())) {
        // Several old communes, or several of today's communes with the same name.
        (Status::Ambiguous, None)
    } else if distinct_new.len() > 1 {
        (Status::Split, cands.iter().find(|c| c.is_default).or(cands.first()))
    } else {
        (Status::Resolved, cands.first())
    };
    let certain = status == Status::Resolved && !doubtful;
    Resolution {
        status,
        certain,
        ward_code: pick.map(|c| c.ward_code.clone()),
        ward_name: pick.map(|c| c.ward_name.clone()),
        province_code: pick.map(|c| c.province_code.clone()),
        province_name: pick.map(|c| c.province_name.clone()),
        candidates: cands,
    }
}

#[cfg(test)]
mod tests {
    use crate::refdata;

    use super::*;

    #[test]
    fn type_words_are_stripped() {
        assert_eq!(strip_type("Xã Vạn Thọ").1, "van tho");
        assert_eq!(strip_type("x. van tho").1, "van tho");
        assert_eq!(strip_type("P.1").1, "1");
        assert_eq!(strip_type("Phường 01").1, "1");
        assert_eq!(strip_type("TP. Nha Trang"), (Level::DistrictOrProvince, "nha trang".into()));
        assert_eq!(strip_type("Thị trấn Vạn Giã"), (Level::Ward, "van gia".into()));
        assert_eq!(strip_type("h.van ninh"), (Level::District, "van ninh".into()));
        // A name that merely starts with the letters of a type word is kept.
        assert_eq!(strip_type("Xuân Sơn").1, "xuan son");
        assert_eq!(strip_type("Phước Đồng").1, "phuoc dong");
    }

    #[test]
    fn van_tho_is_now_dai_lanh() {
        let d = refdata();
        for input in [
            "Xã Vạn Thọ, Huyện Vạn Ninh, Tỉnh Khánh Hòa",
            "x. van tho, h. van ninh, khanh hoa",
            "Thôn Tuần Lễ, xã Vạn Thọ, huyện Vạn Ninh, Khánh Hòa",
        ] {
            let r = d.resolve_address(input);
            assert_eq!(r.ward_code.as_deref(), Some("22504"), "{input}: {r:?}");
            assert_eq!(r.ward_name.as_deref(), Some("Xã Đại Lãnh"));
            assert_eq!(r.status, Status::Resolved, "{input}");
            assert!(r.certain, "{input}");
        }
        let r = d.resolve_legacy_code("22504");
        assert_eq!((r.ward_code.as_deref(), r.certain), (Some("22504"), true));
    }

    #[test]
    fn addresses_without_commas() {
        let d = refdata();
        for input in [
            "x. van tho h. van ninh khanh hoa",
            "Thôn Tuần Lễ xã Vạn Thọ huyện Vạn Ninh tỉnh Khánh Hòa",
            "thon tuan le xa van tho huyen van ninh",
            "xã Vạn Thọ h.Vạn Ninh Khánh Hòa",
        ] {
            let r = d.resolve_address(input);
            assert_eq!(r.ward_code.as_deref(), Some("22504"), "{input}: {r:?}");
            assert!(r.certain, "{input}");
        }
        let r = d.resolve_address("x. dien phuoc h. dien khanh khanh hoa");
        assert_eq!(r.status, Status::Resolved, "{r:?}");
        assert!(r.candidates.iter().all(|c| c.province_code == "56"), "{r:?}");
        // Words that merely look like type words stay in the name.
        assert_eq!(
            d.split_unpunctuated("thị trấn Tĩnh Túc huyện Nguyên Bình"),
            ["thị trấn Tĩnh Túc", "huyện Nguyên Bình"]
        );
        assert_eq!(
            d.split_unpunctuated("x. Vạn Thọ h. Vạn Ninh Khánh Hòa"),
            ["x. Vạn Thọ", "h. Vạn Ninh", "Khánh Hòa"]
        );
    }

    #[test]
    fn khanh_nam_is_now_tay_khanh_vinh() {
        let d = refdata();
        let r = d.resolve_legacy_code("22627");
        assert_eq!(r.ward_code.as_deref(), Some("22624"));
        let r = d.resolve_address("Xã Khánh Nam, Huyện Khánh Vĩnh, Tỉnh Khánh Hòa");
        assert_eq!(r.ward_code.as_deref(), Some("22624"));
    }

    #[test]
    fn provinces_as_people_write_them() {
        let d = crate::refdata();
        let code = |t: &str| d.province_named(t).map(|p| p.code.as_str());
        assert_eq!(code("79"), Some("79"));
        assert_eq!(code("1"), Some("01"));
        assert_eq!(code("TP. Hồ Chí Minh"), Some("79"));
        assert_eq!(code("ho chi minh"), Some("79"));
        assert_eq!(code("HCM"), Some("79"));
        assert_eq!(code("Ho Chi Minh City"), Some("79"));
        assert_eq!(code("Hanoi"), Some("01"));
        assert_eq!(code("Khanh Hoa Province"), Some("56"));
        assert_eq!(code("Tỉnh Khánh Hòa"), Some("56"));
        assert_eq!(code("khanh hoa"), Some("56"));
        assert_eq!(code("Đà Nẵng"), Some("48"));
        // Merged in 2025: Ninh Thuận into Khánh Hòa, Quảng Nam into Đà Nẵng.
        assert_eq!(code("Ninh Thuận"), Some("56"));
        assert_eq!(code("Quảng Nam"), Some("48"));
        assert_eq!(code("Atlantis"), None);
        assert_eq!(code("99"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn nha_trang_ward_without_province() {
        let d = refdata();
        let r = d.resolve_address("P. Vĩnh Hải, TP Nha Trang");
        assert_eq!(r.candidates[0].legacy_ward_code.as_deref(), Some("22330"));
        assert!(r.ward_code.is_some());
        assert!(r.candidates.iter().all(|c| c.province_code == "56"));
    }

    #[test]
    fn split_commune_lists_every_successor_and_is_not_certain() {
        let d = refdata();
        let split = d.successors.iter().find(|s| !s.whole && !s.legacy_ward_code.is_empty()).unwrap();
        let r = d.resolve_legacy_code(&split.legacy_ward_code);
        assert_eq!(r.status, Status::Split);
        assert!(!r.certain);
        assert!(r.candidates.len() >= 2);
        assert!(r.candidates[0].is_default);
        assert_eq!(r.ward_code, Some(r.candidates[0].ward_code.clone()));
    }

    #[test]
    fn ambiguous_and_unknown_inputs_are_not_guesses() {
        let d = refdata();
        // "Phường 1" existed in many towns.
        let r = d.resolve_address("Phường 1");
        assert_eq!(r.status, Status::Ambiguous);
        assert!(!r.certain && r.ward_code.is_none());
        assert!(r.candidates.len() > 5);
        let r = d.resolve_address("Xã Không Tồn Tại, Huyện Hư Cấu");
        assert_eq!(r.status, Status::NotFound);
        assert!(r.candidates.is_empty() && !r.certain);
        assert_eq!(d.resolve_legacy_code("99999").status, Status::NotFound);
        assert_eq!(d.resolve_legacy_code("abc").status, Status::NotFound);
        assert_eq!(d.resolve_address("").status, Status::NotFound);
    }

    #[test]
    fn an_old_ward_is_not_mistaken_for_a_new_commune_of_the_same_name() {
        let d = refdata();
        // Phường Vĩnh Hải (Nha Trang) became Bắc Nha Trang; Xã Vĩnh Hải (formerly
        // Ninh Thuận) is another place, now also in Khánh Hòa.
        let r = d.resolve_address("Phường Vĩnh Hải, Khánh Hòa");
        assert_eq!(r.ward_code.as_deref(), Some("22333"), "{r:?}");
        let r = d.resolve_address("Vĩnh Hải, Khánh Hòa");
        assert!(!r.certain, "without the type word both are possible: {r:?}");
        assert!(r.candidates.iter().any(|c| c.ward_code == "22333"));
    }

    #[test]
    fn current_address_resolves_to_itself() {
        let d = refdata();
        let r = d.resolve_address("Xã Đại Lãnh, Tỉnh Khánh Hòa");
        assert_eq!((r.ward_code.as_deref(), r.certain), (Some("22504"), true));
    }

    #[test]
    fn every_legacy_commune_resolves_by_its_own_full_address() {
        let d = refdata();
        let mut wrong = vec![];
        for w in &d.legacy_wards {
            let dist = d.legacy_district(&w.district_code).unwrap();
            let prov = d.legacy_province(&dist.province_code).unwrap();
            let r = d.resolve_address(&format!("{}, {}, {}", w.name, dist.name, prov.name));
            let expected = d.successors_of(&w.code);
            if r.ward_code.as_deref() != expected.first().map(|c| c.ward_code.as_str()) {
                wrong.push(format!("{} {} {}", w.code, w.name, dist.name));
            }
        }
        assert!(wrong.is_empty(), "{} of 10,035 failed: {:?}", wrong.len(), &wrong[..wrong.len().min(10)]);
    }
}
