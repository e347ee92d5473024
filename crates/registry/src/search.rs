//! Diacritic-free search over the registry, in memory.
//!
//! Each folded name word points to a compressed bitmap (roaring) of person
//! ids; filters (commune, sex, qualification, status, needs) are bitmaps too,
//! so a query is a handful of bitmap intersections: first page and exact total
//! in well under a millisecond for most queries over millions of people.
//! The database stays the source of truth: the index is rebuilt from it at
//! start and catches up with rows changed by other processes (CLI imports,
//! other servers) by polling `updated_at`.

use crate::model::EmploymentStatus;
use chrono::NaiveDate;
use platform::auth::AreaScope;
use platform::search::TextIndex;
use roaring::RoaringBitmap;
/// Maps hit several times per person indexed: a fast hash (foldhash) over SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
use std::sync::RwLock;

/// What the index keeps of a person.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub name_folded: String,
    pub ward_code: String,
    pub birth_date: NaiveDate,
    pub female: bool,
    pub qualification: String,
    pub status: EmploymentStatus,
    pub need_job: bool,
    pub need_training: bool,
    pub need_abroad: bool,
    /// The phone number as a number ([`phone_key`]), for lookups by phone.
    pub phone: Option<u64>,
}

/// A phone number as the index keeps it: its digits as a number. National
/// forms start with 0 and have 10 (mobile) or 11 (landline, 02…) digits, so
/// dropping the 0 keeps different numbers apart.
pub fn phone_key(phone: &platform::types::PhoneNumber) -> u64 {
    phone.as_str().parse().expect("a phone number is digits")
}

/// Filters a search may combine (all optional).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    pub ward: Option<String>,
    pub female: Option<bool>,
    pub qualification: Option<String>,
    pub status: Option<EmploymentStatus>,
    /// "job", "training" or "abroad".
    pub need: Option<String>,
    /// Inclusive birth-date range (from an age band).
    pub born: Option<(NaiveDate, NaiveDate)>,
}

/// Words kept per person (for updates); longer names keep their first words
/// and fall back to a scan of all words when removed.
const WORDS_PER_DOC: usize = 5;

#[derive(Clone, Copy, Default)]
struct Doc {
    /// Term ids of the name's distinct words.
    terms: [u32; WORDS_PER_DOC],
    len: u8,
    overflow: bool,
    /// Birth date as days from the common era.
    birth: i32,
    /// [`phone_key`], 0 when none: scanning this column answers a lookup by
    /// phone in a few milliseconds, without a database index to maintain.
    phone: u64,
}

#[derive(Default)]
struct Inner {
    /// Name words → people.
    names: TextIndex,
    wards: HashMap<String, RoaringBitmap>,
    female: RoaringBitmap,
    qualification: HashMap<String, RoaringBitmap>,
    status: HashMap<&'static str, RoaringBitmap>,
    needs: HashMap<&'static str, RoaringBitmap>,
    all: RoaringBitmap,
    /// Indexed by person id (ids are dense): compact, no allocation per person.
    docs: Vec<Doc>,
}

fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

use chrono::Datelike;

impl Inner {
    fn remove(&mut self, id: u32) {
        let doc = self.docs.get(id as usize).copied().unwrap_or_default();
        if doc.overflow {
            self.names.remove_everywhere(id);
        } else {
            self.names.remove(id, &doc.terms[..doc.len as usize]);
        }
        for b in self.wards.values_mut().chain(self.qualification.values_mut()) {
            b.remove(id);
        }
        for b in self.status.values_mut().chain(self.needs.values_mut()) {
            b.remove(id);
        }
        self.female.remove(id);
        self.all.remove(id);
        if let Some(d) = self.docs.get_mut(id as usize) {
            *d = Doc::default();
        }
    }

    fn add(&mut self, e: &Entry) {
        let Ok(id) = u32::try_from(e.id) else { return };
        if self.all.contains(id) {
            self.remove(id);
        }
        let mut doc = Doc { birth: days(e.birth_date), phone: e.phone.unwrap_or(0), ..Doc::default() };
        let terms = self.names.insert_folded(id, &e.name_folded);
        doc.len = terms.len().min(WORDS_PER_DOC) as u8;
        doc.terms[..doc.len as usize].copy_from_slice(&terms[..doc.len as usize]);
        doc.overflow = terms.len() > WORDS_PER_DOC;
        if self.docs.len() <= id as usize {
            self.docs.resize(id as usize + 1, Doc::default());
        }
        self.docs[id as usize] = doc;
        // Looked up before inserting: a million rows, a few hundred distinct keys.
        for (map, key) in [(&mut self.wards, &e.ward_code), (&mut self.qualification, &e.qualification)] {
            match map.get_mut(key.as_str()) {
                Some(b) => {
                    b.insert(id);
                }
                None => {
                    map.entry(key.clone()).or_default().insert(id);
                }
            }
        }
        self.status.entry(e.status.as_str()).or_default().insert(id);
        for (flag, name) in [(e.need_job, "job"), (e.need_training, "training"), (e.need_abroad, "abroad")] {
            if flag {
                self.needs.entry(name).or_default().insert(id);
            }
        }
        if e.female {
            self.female.insert(id);
        }
        self.all.insert(id);
    }
}

#[derive(Default)]
pub struct SearchIndex {
    inner: RwLock<Inner>,
}

impl SearchIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn upsert(&self, entries: &[Entry]) {
        let mut inner = self.inner.write().expect("index lock");
        for e in entries {
            inner.add(e);
        }
    }

    /// Take people out (a first load that was rolled back).
    pub fn remove(&self, ids: &[i64]) {
        let mut inner = self.inner.write().expect("index lock");
        for id in ids {
            if let Ok(id) = u32::try_from(*id) {
                if inner.all.contains(id) {
                    inner.remove(id);
                }
            }
        }
    }

    pub fn len(&self) -> u64 {
        self.inner.read().expect("index lock").all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Ids of the matching people (ascending), `offset`/`limit` of them, and the total.
    /// Words must all match; the last one as a prefix unless the text ends with a space,
    /// so results follow typing.
    pub fn search(&self, q: &Query, scope: &AreaScope, offset: usize, limit: usize) -> (Vec<i64>, u64) {
        let inner = self.inner.read().expect("index lock");
        let mut acc: Option<RoaringBitmap> = None;
        let mut and = |b: RoaringBitmap| {
            acc = Some(match acc.take() {
                Some(a) => a & b,
                None => b,
            });
        };
        if let Some(b) = inner.names.matching(&q.text) {
            and(b);
        }
        match scope {
            AreaScope::All => {}
            AreaScope::Wards(ws) => {
                and(ws.iter().filter_map(|w| inner.wards.get(w)).fold(RoaringBitmap::new(), |a, b| a | b))
            }
            AreaScope::Nothing => return (vec![], 0),
        }
        if let Some(w) = &q.ward {
            and(inner.wards.get(w).cloned().unwrap_or_default());
        }
        if let Some(f) = q.female {
            and(if f { inner.female.clone() } else { &inner.all - &inner.female });
        }
        if let Some(ql) = &q.qualification {
            and(inner.qualification.get(ql.as_str()).cloned().unwrap_or_default());
        }
        if let Some(s) = q.status {
            and(inner.status.get(s.as_str()).cloned().unwrap_or_default());
        }
        if let Some(n) = &q.need {
            and(inner.needs.get(n.as_str()).cloned().unwrap_or_default());
        }
        let mut set = acc.unwrap_or_else(|| inner.all.clone());
        if let Some((from, to)) = q.born {
            let (from, to) = (days(from), days(to));
            set.retain(|id| inner.docs.get(id as usize).is_some_and(|d| (from..=to).contains(&d.birth)));
        }
        let total = set.len();
        let ids = set.iter().skip(offset).take(limit).map(i64::from).collect();
        (ids, total)
    }
}

/// What the classification page can cross people by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    Ward,
    Need,
    Qualification,
    Sex,
    Age,
    Status,
}

impl Dim {
    pub const ALL: [Dim; 6] = [Dim::Ward, Dim::Need, Dim::Qualification, Dim::Sex, Dim::Age, Dim::Status];

    /// The name in addresses; also the list filter of the same answers
    /// (`/registry?ward=…&need=…`), so a count links to its people.
    pub fn key(self) -> &'static str {
        match self {
            Dim::Ward => "ward",
            Dim::Need => "need",
            Dim::Qualification => "qualification",
            Dim::Sex => "sex",
            Dim::Age => "age",
            Dim::Status => "status",
        }
    }

    pub fn parse(s: &str) -> Option<Dim> {
        Dim::ALL.into_iter().find(|d| d.key() == s.trim())
    }
}

/// Counts of people by two dimensions. A person with several needs counts
/// under each need, but once in a total: totals count people.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CrossTab {
    /// (row key, column key) → people; absent means none.
    pub cells: HashMap<(String, String), u64>,
    pub row_totals: HashMap<String, u64>,
    pub column_totals: HashMap<String, u64>,
    /// Everyone in scope.
    pub total: u64,
}

impl CrossTab {
    pub fn cell(&self, row: &str, column: &str) -> u64 {
        self.cells.get(&(row.to_owned(), column.to_owned())).copied().unwrap_or(0)
    }
    pub fn row_total(&self, row: &str) -> u64 {
        self.row_totals.get(row).copied().unwrap_or(0)
    }
    pub fn column_total(&self, column: &str) -> u64 {
        self.column_totals.get(column).copied().unwrap_or(0)
    }
}

impl Inner {
    /// Everyone `scope` lets the caller count.
    fn in_scope(&self, scope: &AreaScope) -> RoaringBitmap {
        match scope {
            AreaScope::All => self.all.clone(),
            AreaScope::Wards(ws) => {
                ws.iter().filter_map(|w| self.wards.get(w)).fold(RoaringBitmap::new(), |a, b| a | b)
            }
            AreaScope::Nothing => RoaringBitmap::new(),
        }
    }

    /// The people of `base` split by `dim`: (answer, people), empty groups left out.
    fn groups(&self, dim: Dim, base: &RoaringBitmap, today: NaiveDate) -> Vec<(String, RoaringBitmap)> {
        let keyed = |m: &mut dyn Iterator<Item = (String, &RoaringBitmap)>| -> Vec<(String, RoaringBitmap)> {
            m.map(|(k, b)| (k, b & base)).filter(|(_, b)| !b.is_empty()).collect()
        };
        match dim {
            Dim::Ward => keyed(&mut self.wards.iter().map(|(k, b)| (k.clone(), b))),
            Dim::Qualification => keyed(&mut self.qualification.iter().map(|(k, b)| (k.clone(), b))),
            Dim::Status => keyed(&mut self.status.iter().map(|(k, b)| ((*k).to_owned(), b))),
            Dim::Need => {
                let mut out = keyed(&mut self.needs.iter().map(|(k, b)| ((*k).to_owned(), b)));
                let any = self.needs.values().fold(RoaringBitmap::new(), |a, b| a | b);
                out.push(("none".into(), base - &any));
                out
            }
            Dim::Sex => {
                let female = base & &self.female;
                vec![("male".into(), base - &female), ("female".into(), female)]
            }
            Dim::Age => {
                // Birth-day ranges of the bands on `today`, then one pass over the people.
                let bands: Vec<(&str, i32, i32)> = crate::rules::AGE_BANDS
                    .iter()
                    .map(|(name, min, max)| {
                        let (from, to) = crate::rules::birth_range(*min, *max, today);
                        (*name, days(from), days(to))
                    })
                    .collect();
                let mut out: Vec<(String, RoaringBitmap)> =
                    bands.iter().map(|b| (b.0.to_owned(), RoaringBitmap::new())).collect();
                for id in base {
                    let Some(doc) = self.docs.get(id as usize) else { continue };
                    if let Some(i) = bands.iter().position(|b| (b.1..=b.2).contains(&doc.birth)) {
                        out[i].1.insert(id);
                    }
                }
                out
            }
        }
    }
}

impl SearchIndex {
    /// The people in `scope` counted by `rows` × `columns` on the bitmaps
    /// (a few intersections per cell; ages in one pass over the people).
    pub fn crosstab(&self, scope: &AreaScope, rows: Dim, columns: Dim, today: NaiveDate) -> CrossTab {
        let inner = self.inner.read().expect("index lock");
        let base = inner.in_scope(scope);
        let (row_groups, column_groups) = (inner.groups(rows, &base, today), inner.groups(columns, &base, today));
        let mut tab = CrossTab { total: base.len(), ..CrossTab::default() };
        for (rk, rb) in &row_groups {
            tab.row_totals.insert(rk.clone(), rb.len());
            for (ck, cb) in &column_groups {
                let n = rb.intersection_len(cb);
                if n > 0 {
                    tab.cells.insert((rk.clone(), ck.clone()), n);
                }
            }
        }
        for (ck, cb) in column_groups {
            tab.column_totals.insert(ck, cb.len());
        }
        tab
    }

    /// Counts by commune × need × qualification, on the bitmaps: what the SQL
    /// `GROUP BY` in [`crate::store::classification`] computes (ordered by
    /// need, then commune, then qualification), without reading a row.
    pub fn classification(&self, scope: &AreaScope) -> Vec<crate::store::ClassCount> {
        let inner = self.inner.read().expect("index lock");
        let empty = RoaringBitmap::new();
        let need = |n: &str| inner.needs.get(n).unwrap_or(&empty);
        let any_need = need("job") | need("training") | need("abroad");
        let none = &inner.all - &any_need;
        let mut wards: Vec<_> = inner.wards.iter().filter(|(w, b)| scope.allows(w) && !b.is_empty()).collect();
        wards.sort_by(|a, b| a.0.cmp(b.0));
        let mut quals: Vec<_> = inner.qualification.iter().collect();
        quals.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = Vec::new();
        for (name, people) in
            [("job", need("job")), ("training", need("training")), ("abroad", need("abroad")), ("none", &none)]
        {
            for (ward, in_ward) in &wards {
                let here = *in_ward & people;
                for (qualification, with) in &quals {
                    let count = here.intersection_len(with);
                    if count > 0 {
                        out.push(crate::store::ClassCount {
                            ward_code: (*ward).clone(),
                            need: name.into(),
                            qualification: (*qualification).clone(),
                            count: count as i64,
                        });
                    }
                }
            }
        }
        out
    }

    /// People whose phone is `phone` (several may share one: a household's), ascending.
    pub fn by_phone(&self, phone: &platform::types::PhoneNumber) -> Vec<i64> {
        let key = phone_key(phone);
        let inner = self.inner.read().expect("index lock");
        inner.docs.iter().enumerate().filter(|(_, d)| d.phone == key).map(|(id, _)| id as i64).collect()
    }

    /// People of commune `ward` born on `birth` whose name has the same words
    /// as `name` (a possible duplicate of someone recorded without CCCD), at most `limit`.
    pub fn same_person(&self, ward: &str, name: &str, birth: NaiveDate, limit: usize) -> Vec<i64> {
        let folded = platform::fold::fold(name);
        let words = platform::fold::words(&folded).collect::<std::collections::HashSet<_>>().len();
        let inner = self.inner.read().expect("index lock");
        // A trailing space: every word whole, none as a prefix.
        let (Some(in_ward), Some(named)) = (inner.wards.get(ward), inner.names.matching(&format!("{folded} "))) else {
            return vec![];
        };
        let birth = days(birth);
        (named & in_ward)
            .iter()
            .filter(|id| {
                inner
                    .docs
                    .get(*id as usize)
                    .is_some_and(|d| d.birth == birth && (d.overflow || d.len as usize == words))
            })
            .take(limit)
            .map(i64::from)
            .collect()
    }

    /// Labour-force indicators per commune, counted on the bitmaps (what the
    /// SQL `GROUP BY` in [`crate::store::indicators_by_ward`] computes, without
    /// reading a row): `trained` and `certified` are the qualification codes
    /// that count as trained (rank ≥ 1) and as a degree or certificate.
    pub fn indicators(
        &self,
        scope: &AreaScope,
        trained: &[&str],
        certified: &[&str],
    ) -> Vec<(String, crate::rules::Indicators)> {
        let inner = self.inner.read().expect("index lock");
        let union = |codes: &[&str]| {
            codes.iter().filter_map(|c| inner.qualification.get(*c)).fold(RoaringBitmap::new(), |a, b| a | b)
        };
        let (trained, certified) = (union(trained), union(certified));
        let empty = RoaringBitmap::new();
        let employed = inner.status.get(EmploymentStatus::Employed.as_str()).unwrap_or(&empty);
        let unemployed = inner.status.get(EmploymentStatus::Unemployed.as_str()).unwrap_or(&empty);
        let active = employed | unemployed;
        let mut out: Vec<(String, crate::rules::Indicators)> = inner
            .wards
            .iter()
            .filter(|(w, b)| scope.allows(w) && !b.is_empty())
            .map(|(w, people)| {
                let force = people & &active;
                let i = crate::rules::Indicators {
                    people: people.len() as i64,
                    labour_force: force.len() as i64,
                    employed: people.intersection_len(employed) as i64,
                    unemployed: people.intersection_len(unemployed) as i64,
                    trained: force.intersection_len(&trained) as i64,
                    with_certificate: force.intersection_len(&certified) as i64,
                };
                (w.clone(), i)
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, name: &str, ward: &str, female: bool) -> Entry {
        Entry {
            id,
            name_folded: platform::fold::fold(name),
            ward_code: ward.into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            female,
            qualification: "none".into(),
            status: EmploymentStatus::Unemployed,
            need_job: true,
            need_training: false,
            need_abroad: false,
            phone: None,
        }
    }

    fn idx() -> SearchIndex {
        let i = SearchIndex::new();
        i.upsert(&[
            entry(1, "Nguyễn Văn Đào", "22504", false),
            entry(2, "Nguyễn Thị Đào", "22624", true),
            entry(3, "Trần Thị Thủy", "22504", true),
            entry(4, "Lê Thủy Tiên", "22366", true),
            entry(5, "Nguyễn Anh", "22504", false),
            entry(6, "H'Hen Niê", "22624", true),
        ]);
        i
    }

    fn q(text: &str) -> Query {
        Query { text: text.into(), ..Default::default() }
    }

    #[test]
    fn typed_without_diacritics() {
        let i = idx();
        assert_eq!(i.search(&q("nguyen van dao"), &AreaScope::All, 0, 20), (vec![1], 1));
        assert_eq!(i.search(&q("dao"), &AreaScope::All, 0, 20), (vec![1, 2], 2));
        assert_eq!(i.search(&q("THUY"), &AreaScope::All, 0, 20), (vec![3, 4], 2));
        // As you type: the last word is a prefix ...
        assert_eq!(i.search(&q("nguyen an"), &AreaScope::All, 0, 20), (vec![5], 1));
        // ... unless a space follows it.
        assert_eq!(i.search(&q("nguyen an "), &AreaScope::All, 0, 20).1, 0);
        assert_eq!(i.search(&q("xyz"), &AreaScope::All, 0, 20).1, 0);
        assert_eq!(i.search(&q(""), &AreaScope::All, 0, 2), (vec![1, 2], 6));
        assert_eq!(i.search(&q("h'hen nie"), &AreaScope::All, 0, 20), (vec![6], 1), "names with an apostrophe");
    }

    #[test]
    fn same_person_needs_the_same_words_commune_and_birth_date() {
        let i = idx();
        let born = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        assert_eq!(i.same_person("22504", "nguyen van dao", born, 10), vec![1]);
        assert_eq!(i.same_person("22504", "NGUYỄN  Văn Đào", born, 10), vec![1], "typed differently");
        assert!(i.same_person("22504", "Nguyễn Văn", born, 10).is_empty(), "fewer words is another name");
        assert!(i.same_person("22504", "Nguyễn Văn Đào Anh", born, 10).is_empty(), "more words too");
        assert!(i.same_person("22624", "Nguyễn Văn Đào", born, 10).is_empty(), "another commune");
        assert!(i.same_person("22504", "Nguyễn Văn Đào", born.succ_opt().unwrap(), 10).is_empty());
    }

    #[test]
    fn by_phone_finds_everyone_sharing_it_and_forgets_old_numbers() {
        let i = idx();
        let phone = |s: &str| platform::types::PhoneNumber::parse(s).unwrap();
        let with =
            |id, p: &str| Entry { phone: Some(phone_key(&phone(p))), ..entry(id, "Hộ Gia Đình", "22504", false) };
        i.upsert(&[with(10, "0905123456"), with(11, "0905123456"), with(12, "02583123456")]);
        assert_eq!(i.by_phone(&phone("0905 123 456")), vec![10, 11]);
        assert_eq!(i.by_phone(&phone("02583123456")), vec![12]);
        i.upsert(&[with(11, "0987654321")]);
        assert_eq!(i.by_phone(&phone("0905123456")), vec![10], "a changed number no longer finds them");
        i.remove(&[10]);
        assert!(i.by_phone(&phone("0905123456")).is_empty());
    }

    #[test]
    fn scope_and_filters() {
        let i = idx();
        let officer = AreaScope::Wards(vec!["22504".into()]);
        assert_eq!(i.search(&q("nguyen"), &officer, 0, 20), (vec![1, 5], 2));
        assert_eq!(i.search(&q("thuy"), &AreaScope::Nothing, 0, 20).1, 0);
        let women = Query { female: Some(true), ..q("nguyen") };
        assert_eq!(i.search(&women, &AreaScope::All, 0, 20), (vec![2], 1));
        let men = Query { female: Some(false), ..q("") };
        assert_eq!(i.search(&men, &AreaScope::All, 0, 20).1, 2);
        let in_ward = Query { ward: Some("22366".into()), ..q("") };
        assert_eq!(i.search(&in_ward, &AreaScope::All, 0, 20), (vec![4], 1));
        let trained = Query { qualification: Some("college".into()), ..q("") };
        assert_eq!(i.search(&trained, &AreaScope::All, 0, 20).1, 0);
        let born = Query {
            born: Some((NaiveDate::from_ymd_opt(1989, 1, 1).unwrap(), NaiveDate::from_ymd_opt(1989, 12, 31).unwrap())),
            ..q("")
        };
        assert_eq!(i.search(&born, &AreaScope::All, 0, 20).1, 0);
    }

    #[test]
    fn indicators_from_the_bitmaps() {
        let i = idx();
        i.upsert(&[Entry {
            status: EmploymentStatus::Employed,
            qualification: "college".into(),
            ..entry(7, "Lê Văn Tám", "22504", false)
        }]);
        i.upsert(&[Entry {
            status: EmploymentStatus::Inactive,
            qualification: "college".into(),
            ..entry(8, "Lê Văn Chín", "22504", false)
        }]);
        let all = i.indicators(&AreaScope::All, &["elementary", "college"], &["college"]);
        let dai_lanh = &all.iter().find(|(w, _)| w == "22504").unwrap().1;
        assert_eq!((dai_lanh.people, dai_lanh.labour_force, dai_lanh.employed, dai_lanh.unemployed), (5, 4, 1, 3));
        assert_eq!(
            (dai_lanh.trained, dai_lanh.with_certificate),
            (1, 1),
            "the inactive graduate is not in the labour force"
        );
        let officer = i.indicators(&AreaScope::Wards(vec!["22624".into()]), &[], &[]);
        assert_eq!(officer.len(), 1);
        assert_eq!(officer[0].1.people, 2);
    }

    #[test]
    fn crosstab_by_any_two_dimensions() {
        let i = idx();
        // Two needs for one person: counted under each, once in the totals.
        i.upsert(&[Entry { need_training: true, ..entry(7, "Lê Văn Tám", "22504", false) }]);
        i.upsert(&[Entry {
            need_job: false,
            status: EmploymentStatus::Employed,
            ..entry(8, "Lê Thị Chín", "22624", true)
        }]);
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let t = i.crosstab(&AreaScope::All, Dim::Ward, Dim::Need, today);
        assert_eq!(t.total, 8);
        assert_eq!((t.cell("22504", "job"), t.cell("22504", "training"), t.cell("22504", "abroad")), (4, 1, 0));
        assert_eq!(t.row_total("22504"), 4, "Tám counts once");
        assert_eq!((t.cell("22624", "job"), t.cell("22624", "none")), (2, 1));
        assert_eq!((t.column_total("job"), t.column_total("none"), t.column_total("abroad")), (7, 1, 0));
        let t = i.crosstab(&AreaScope::Wards(vec!["22624".into()]), Dim::Sex, Dim::Status, today);
        assert_eq!(t.total, 3);
        assert_eq!(
            (t.cell("female", "unemployed"), t.cell("female", "employed"), t.cell("male", "employed")),
            (2, 1, 0)
        );
        assert_eq!((t.row_total("male"), t.column_total("employed")), (0, 1));
        // Born 1/1/1990: 36 on 27/11/2026.
        i.upsert(&[Entry {
            birth_date: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap(),
            ..entry(9, "Lê Văn Mười", "22504", false)
        }]);
        let t = i.crosstab(&AreaScope::All, Dim::Age, Dim::Qualification, today);
        assert_eq!((t.cell("36-45", "none"), t.cell("15-17", "none"), t.row_total("18-35")), (8, 1, 0));
        assert_eq!(i.crosstab(&AreaScope::Nothing, Dim::Ward, Dim::Age, today).total, 0);
        assert_eq!(Dim::parse("qualification"), Some(Dim::Qualification));
        assert_eq!(Dim::parse(""), None);
    }

    #[test]
    fn long_names_are_removed_on_update_too() {
        let i = idx();
        i.upsert(&[entry(9, "Công Tôn Nữ Thị Minh Khai Hồng", "22504", true)]);
        assert_eq!(i.search(&q("hong"), &AreaScope::All, 0, 20), (vec![9], 1), "the 7th word is indexed");
        i.upsert(&[entry(9, "Lê Thị Hoa", "22504", true)]);
        assert_eq!(i.search(&q("hong"), &AreaScope::All, 0, 20).1, 0);
        assert_eq!(i.search(&q("cong ton"), &AreaScope::All, 0, 20).1, 0);
        assert_eq!(i.search(&q("le thi hoa"), &AreaScope::All, 0, 20), (vec![9], 1));
    }

    #[test]
    fn updates_replace_old_words() {
        let i = idx();
        i.upsert(&[entry(1, "Nguyễn Văn Đạo", "22624", false)]);
        assert_eq!(i.search(&q("dao"), &AreaScope::All, 0, 20).1, 2, "Đạo folds to dao too");
        i.upsert(&[entry(1, "Phạm Văn Minh", "22624", false)]);
        assert_eq!(i.search(&q("dao"), &AreaScope::All, 0, 20), (vec![2], 1));
        assert_eq!(i.search(&q("pham minh"), &AreaScope::All, 0, 20), (vec![1], 1));
        assert_eq!(i.search(&q("nguyen"), &AreaScope::Wards(vec!["22504".into()]), 0, 20), (vec![5], 1));
        assert_eq!(i.len(), 6);
    }
}
