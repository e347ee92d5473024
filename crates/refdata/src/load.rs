//! Parse the embedded CSV files. They are part of the binary, so a parse
//! failure is a build defect and a unit test catches it.

use crate::model::*;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const UNITS_2025: &str = include_str!("../../../data/admin-units/units_2025.csv");
pub const UNITS_LEGACY: &str = include_str!("../../../data/admin-units/units_legacy.csv");
pub const LEGACY_TO_2025: &str = include_str!("../../../data/admin-units/legacy_to_2025.csv");
pub const ISCO08: &str = include_str!("../../../data/occupations/isco08.csv");
pub const QUALIFICATIONS: &str = include_str!("../../../data/qualification_levels.csv");
pub const EDUCATION: &str = include_str!("../../../data/education_levels.csv");
pub const ETHNIC: &str = include_str!("../../../data/ethnic_groups.csv");
pub const VSIC: &str = include_str!("../../../data/vsic2018_sections.csv");

fn rows<T: for<'de> Deserialize<'de>>(src: &str) -> Vec<T> {
    csv::Reader::from_reader(src.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .expect("embedded reference data is valid CSV")
}

fn opt_f64(s: &str) -> Option<f64> {
    s.trim().parse().ok()
}

pub struct Loaded {
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
}

pub fn load() -> Loaded {
    #[derive(Deserialize)]
    struct U25 {
        province_code: String,
        province_name: String,
        ward_code: String,
        ward_name: String,
        ward_type: String,
        lat: String,
        lon: String,
        area_km2: String,
    }
    #[derive(Deserialize)]
    struct ULeg {
        province_code: String,
        province_name: String,
        district_code: String,
        district_name: String,
        ward_code: String,
        ward_name: String,
        lat: String,
        lon: String,
    }
    #[derive(Deserialize)]
    struct Map {
        legacy_district_code: String,
        legacy_ward_code: String,
        ward_code_2025: String,
        whole: u8,
        default: u8,
    }
    #[derive(Deserialize)]
    struct Isco {
        code: String,
        level: i32,
        parent: String,
        title_en: String,
        title_vi: String,
    }
    #[derive(Deserialize)]
    struct Coded {
        code: String,
        #[serde(default)]
        rank: i32,
        name_vi: String,
        name_en: String,
        #[serde(default)]
        with_certificate: u8,
        /// ";"-separated.
        #[serde(default)]
        aliases: String,
    }

    let mut provinces = BTreeMap::new();
    let mut wards = Vec::new();
    for r in rows::<U25>(UNITS_2025) {
        provinces
            .entry(r.province_code.clone())
            .or_insert_with(|| Province { code: r.province_code.clone(), name: r.province_name.clone() });
        wards.push(Ward {
            code: r.ward_code,
            province_code: r.province_code,
            name: r.ward_name,
            kind: r.ward_type,
            lat: opt_f64(&r.lat),
            lon: opt_f64(&r.lon),
            area_km2: opt_f64(&r.area_km2),
        });
    }
    let mut legacy_provinces = BTreeMap::new();
    let mut legacy_districts = BTreeMap::new();
    let mut legacy_wards = Vec::new();
    for r in rows::<ULeg>(UNITS_LEGACY) {
        legacy_provinces
            .entry(r.province_code.clone())
            .or_insert_with(|| LegacyProvince { code: r.province_code.clone(), name: r.province_name.clone() });
        legacy_districts.entry(r.district_code.clone()).or_insert_with(|| LegacyDistrict {
            code: r.district_code.clone(),
            province_code: r.province_code.clone(),
            name: r.district_name.clone(),
        });
        // Island districts have no communes: a district row with an empty ward.
        if !r.ward_code.is_empty() {
            legacy_wards.push(LegacyWard {
                code: r.ward_code,
                district_code: r.district_code,
                name: r.ward_name,
                lat: opt_f64(&r.lat),
                lon: opt_f64(&r.lon),
            });
        }
    }
    let successors = rows::<Map>(LEGACY_TO_2025)
        .into_iter()
        .map(|m| Successor {
            legacy_district_code: m.legacy_district_code,
            legacy_ward_code: m.legacy_ward_code,
            ward_code: m.ward_code_2025,
            whole: m.whole == 1,
            is_default: m.default == 1,
        })
        .collect();
    let occupations = rows::<Isco>(ISCO08)
        .into_iter()
        .map(|o| Occupation {
            parent_code: Some(o.parent).filter(|p| !p.is_empty()),
            code: o.code,
            level: o.level,
            title_en: o.title_en,
            title_vi: o.title_vi,
        })
        .collect();
    let coded = |src: &str| -> Vec<CodeItem> {
        rows::<Coded>(src)
            .into_iter()
            .enumerate()
            .map(|(i, c)| CodeItem {
                rank: if c.rank == 0 { i as i32 } else { c.rank },
                code: c.code,
                name_vi: c.name_vi,
                name_en: c.name_en,
                with_certificate: c.with_certificate == 1,
                aliases: c.aliases.split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            })
            .collect()
    };
    Loaded {
        provinces: provinces.into_values().collect(),
        wards,
        legacy_provinces: legacy_provinces.into_values().collect(),
        legacy_districts: legacy_districts.into_values().collect(),
        legacy_wards,
        successors,
        occupations,
        qualifications: coded(QUALIFICATIONS),
        education: coded(EDUCATION),
        ethnic_groups: coded(ETHNIC),
        vsic_sections: coded(VSIC),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_match_the_official_lists() {
        let d = load();
        assert_eq!(d.provinces.len(), 34);
        assert_eq!(d.wards.len(), 3321);
        assert_eq!(d.legacy_provinces.len(), 63);
        assert_eq!(d.legacy_districts.len(), 696);
        // 10,040 rows: 10,035 communes and 5 island districts that had none.
        assert_eq!(d.legacy_wards.len(), 10035);
        assert_eq!(d.occupations.len(), 619);
        let by_level = |l| d.occupations.iter().filter(|o| o.level == l).count();
        assert_eq!((by_level(1), by_level(2), by_level(3), by_level(4)), (10, 43, 130, 436));
        assert!(d.occupations.iter().all(|o| !o.title_vi.is_empty() && !o.title_en.is_empty()));
        assert_eq!(d.ethnic_groups.len(), 54);
        assert_eq!(d.vsic_sections.len(), 21);
        assert_eq!(d.qualifications.first().map(|q| q.code.as_str()), Some("none"));
        assert!(d.qualifications.iter().filter(|q| q.with_certificate).all(|q| q.rank >= 2));
    }

    #[test]
    fn every_successor_is_a_2025_commune() {
        let d = load();
        let codes: std::collections::HashSet<_> = d.wards.iter().map(|w| w.code.as_str()).collect();
        assert!(d.successors.iter().all(|s| codes.contains(s.ward_code.as_str())));
        // Every old commune has exactly one default successor.
        let mut defaults = std::collections::HashMap::new();
        for s in d.successors.iter().filter(|s| !s.legacy_ward_code.is_empty()) {
            *defaults.entry(s.legacy_ward_code.as_str()).or_insert(0) += s.is_default as u32;
        }
        assert_eq!(defaults.len(), 10035);
        assert!(defaults.values().all(|&n| n == 1), "each old commune has one default successor");
    }
}
