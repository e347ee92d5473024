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
/// The lists live as long as the program (their address keys what is remembered).
pub fn code_of(list: &'static Lookup, s: &str) -> Option<String> {
    /// Labels already looked up, as written, per list: a survey file
    /// writes the same few labels a million times, and folding one costs
    /// ten times a hash (measured: a tenth of reading a row). Bounded in
    /// number and length, so free text in a coded column cannot grow it.
    const REMEMBERED: usize = 1024;
    const LONGEST: usize = 64;
    type Seen = HashMap<usize, HashMap<String, Option<String>, foldhash::fast::RandomState>>;
    thread_local! {
        static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::new(HashMap::new());
    }
    let key = list as *const Lookup as usize;
    if let Some(code) = SEEN.with_borrow(|seen| seen.get(&key).and_then(|m| m.get(s)).cloned()) {
        return code;
    }
    let code = BUF.with_borrow_mut(|buf| {
        buf.clear();
        platform::fold::fold_into(s, buf);
        compact(buf);
        list.0.get(buf.as_str()).cloned()
    });
    SEEN.with_borrow_mut(|seen| {
        let m = seen.entry(key).or_default();
        if m.len() < REMEMBERED && s.len() <= LONGEST {
            m.insert(s.to_owned(), code.clone());
        }
    });
    code
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

    /// A label looked up again (remembered as written) gives the same
    /// answer, in each list, found or not.
    #[test]
    fn a_label_remembered_reads_the_same() {
        let l = lookups();
        for _ in 0..2 {
            assert_eq!(code_of(&l.ethnic, "Khơ-me").as_deref(), Some("05"));
            assert_eq!(code_of(&l.ethnic, "kho me").as_deref(), Some("05"));
            assert_eq!(code_of(&l.education, "Khơ-me"), None);
            assert_eq!(code_of(&l.ethnic, "không có"), None);
        }
    }
}
