//! The emulation titles and commendation forms (danh hiệu thi đua, hình thức
//! khen thưởng) from `data/emulation/awards.csv`: each kind at each level,
//! who may receive it, its names, and what a higher title asks for (a lower
//! one so many consecutive years), with the article of the law that says so.

use std::sync::OnceLock;

use platform::i18n::Lang;

use crate::model::RecipientKind;

/// One kind of award at one level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardType {
    pub kind: String,
    pub level: String,
    /// Who may receive it: a person, a unit, or either (`None`).
    pub recipient: Option<RecipientKind>,
    pub name_vi: String,
    pub name_en: String,
    /// The lower title it asks for, held so many consecutive years.
    pub requires: Option<(String, String, u32)>,
    pub basis: String,
}

impl AwardType {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.name_vi,
            Lang::En => &self.name_en,
        }
    }
    pub fn allows(&self, who: RecipientKind) -> bool {
        self.recipient.is_none_or(|r| r == who)
    }
}

/// The catalog shipped with the project.
pub fn catalog() -> &'static [AwardType] {
    static CATALOG: OnceLock<Vec<AwardType>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        parse(include_str!("../../../data/emulation/awards.csv"))
            .unwrap_or_else(|e| panic!("data/emulation/awards.csv: {e}"))
    })
}

/// The kind at its level, if the catalog has it.
pub fn find(kind: &str, level: &str) -> Option<&'static AwardType> {
    catalog().iter().find(|a| a.kind == kind && a.level == level)
}

/// An award's name in the reader's language (the codes when unknown).
pub fn name(kind: &str, level: &str, lang: Lang) -> String {
    find(kind, level).map_or_else(|| format!("{kind}/{level}"), |a| a.name(lang).to_owned())
}

/// Read the catalog; a bad line is named.
pub fn parse(text: &str) -> Result<Vec<AwardType>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out: Vec<AwardType> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("line {line}: {e}"))?;
        let get = |n: usize| row.get(n).unwrap_or("").trim().to_owned();
        let recipient = match get(2).as_str() {
            "person" => Some(RecipientKind::Person),
            "unit" => Some(RecipientKind::Unit),
            "both" => None,
            other => return Err(format!("line {line}: recipient '{other}' is not person, unit or both")),
        };
        let requires = match (get(5), get(6), get(7)) {
            (k, _, _) if k.is_empty() => None,
            (k, l, n) => Some((k, l, n.parse::<u32>().map_err(|_| format!("line {line}: requires_times '{n}'"))?)),
        };
        let a = AwardType {
            kind: get(0),
            level: get(1),
            recipient,
            name_vi: get(3),
            name_en: get(4),
            requires,
            basis: get(8),
        };
        if a.kind.is_empty() || a.level.is_empty() || a.name_vi.is_empty() || a.name_en.is_empty() {
            return Err(format!("line {line}: kind, level and both names are needed"));
        }
        if out.iter().any(|b| b.kind == a.kind && b.level == a.level) {
            return Err(format!("line {line}: {}/{} twice", a.kind, a.level));
        }
        out.push(a);
    }
    // A requirement names a title of the catalog.
    for a in &out {
        if let Some((k, l, _)) = &a.requires {
            if !out.iter().any(|b| &b.kind == k && &b.level == l) {
                return Err(format!("{}/{} requires {k}/{l}, which is not in the catalog", a.kind, a.level));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalog_reads_and_chains_the_emulation_fighters() {
        let c = catalog();
        assert!(c.len() >= 15);
        let provincial = find("chien_si_thi_dua", "province").unwrap();
        assert_eq!(provincial.requires, Some(("chien_si_thi_dua".into(), "grassroots".into(), 3)));
        assert!(provincial.allows(RecipientKind::Person) && !provincial.allows(RecipientKind::Unit));
        assert!(find("bang_khen", "prime_minister").unwrap().allows(RecipientKind::Unit));
        assert_eq!(name("bang_khen", "province", Lang::Vi), "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh");
    }

    #[test]
    fn a_bad_catalog_names_its_line() {
        let head = "kind,level,recipient,name_vi,name_en,requires_kind,requires_level,requires_times,basis\n";
        let e = parse(&format!("{head}a,b,someone,A,A,,,,\n")).unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        let e = parse(&format!("{head}a,b,person,A,A,,,,\na,b,person,A,A,,,,\n")).unwrap_err();
        assert!(e.contains("line 3") && e.contains("twice"), "{e}");
        let e = parse(&format!("{head}a,b,person,A,A,x,y,2,\n")).unwrap_err();
        assert!(e.contains("not in the catalog"), "{e}");
    }
}
