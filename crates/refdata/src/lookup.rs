//! Coded lists looked up by what people write: a code, its Vietnamese or
//! English name, or an alias ("ĐH", "Khơ-me", "12/12"), in any case, with or
//! without diacritics, spaces or hyphens. Built once: imports look codes up
//! millions of times.

use crate::model::CodeItem;
use platform::fold::fold;
use std::collections::HashMap;

/// Code, Vietnamese and English names and aliases → code, for each coded
/// list (built once: imports look codes up millions of times). Keys are
/// [`compact`]: "Gia-rai", "Gia Rai" and "GIA RAI" are one key.
pub struct Lookup(HashMap<String, String, foldhash::fast::RandomState>);

/// A folded label without what people write differently in it: spaces,
/// hyphens, apostrophes, dots, slashes ("H'Mông" → "hmong", "12/12" → "1212").
pub fn compact(folded: &mut String) {
    folded.retain(char::is_alphanumeric);
}

impl Lookup {
    pub fn of(items: &[CodeItem]) -> Lookup {
        let mut m = HashMap::default();
        for i in items {
            for key in [&i.name_en, &i.name_vi, &i.code].into_iter().chain(&i.aliases) {
                // No label means two codes: `no_label_means_two_codes` checks the data.
                let mut k = fold(key);
                compact(&mut k);
                m.insert(k, i.code.clone());
            }
        }
        Lookup(m)
    }
}

pub struct Lookups {
    pub ethnic: Lookup,
    pub education: Lookup,
    pub qualification: Lookup,
    pub vsic: Lookup,
}

pub fn lookups() -> &'static Lookups {
    static L: std::sync::OnceLock<Lookups> = std::sync::OnceLock::new();
    L.get_or_init(|| {
        let d = crate::refdata();
        Lookups {
            ethnic: Lookup::of(&d.ethnic_groups),
            education: Lookup::of(&d.education),
            qualification: Lookup::of(&d.qualifications),
            vsic: Lookup::of(&d.vsic_sections),
        }
    })
}

/// A code from a coded list, given as its code, its name in either language
/// or an alias, in any case, with or without diacritics, spaces or hyphens.
pub fn code_of(list: &Lookup, s: &str) -> Option<String> {
    thread_local!(static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        platform::fold::fold_into(s, buf);
        compact(buf);
        list.0.get(buf.as_str()).cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A label that meant two codes would be read as either.
    #[test]
    fn no_label_means_two_codes() {
        let d = crate::refdata();
        for list in [&d.ethnic_groups, &d.education, &d.qualifications, &d.vsic_sections] {
            let mut seen = std::collections::HashMap::new();
            for i in list.iter() {
                for label in [&i.name_en, &i.name_vi, &i.code].into_iter().chain(&i.aliases) {
                    let mut k = fold(label);
                    compact(&mut k);
                    let first = seen.entry(k).or_insert(&i.code);
                    assert_eq!(*first, &i.code, "{label}");
                }
            }
        }
        assert_eq!(d.ethnic_groups.len(), 54);
    }
}
