//! Người tìm việc in columns: every person of the registry as the few
//! numbers the hard filters and the score read, one array per field, so
//! ranking a vacancy among a million people streams through memory without
//! an allocation (measured: see BENCHMARKS.md, "top 20 candidates").
//!
//! The scan computes only the score, with the same fit functions as
//! [`rules::score`]; the reasons and gaps are written for the best few only.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::RwLock;

use chrono::{Datelike, NaiveDate};

use crate::rules::{self, Needs, Offer, Seeker, Weights};

const UNEMPLOYED: u8 = 1;
const NEED_JOB: u8 = 2;
const NEED_TRAINING: u8 = 4;
const NEED_ABROAD: u8 = 8;
const LOOKING: u8 = UNEMPLOYED | NEED_JOB | NEED_TRAINING | NEED_ABROAD;
/// The person has words that count: only then are their words read.
const HAS_WORDS: u8 = 16;
/// An ISCO slot with no code.
const NO_CODE: u16 = u16::MAX;
/// No expected wage.
const NO_WAGE: i64 = i64::MIN;

/// A date as yyyymmdd: whole years between two are then a subtraction.
fn ymd(d: NaiveDate) -> u32 {
    d.year() as u32 * 10_000 + d.month() * 100 + d.day()
}

fn from_ymd(x: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt((x / 10_000) as i32, (x / 100) % 100, x % 100).expect("stored from a date")
}

/// A 4-digit ISCO code as a number ("0110" → 110), or [`NO_CODE`].
fn isco(code: &str) -> u16 {
    match code.parse::<u16>() {
        Ok(n) if code.len() == 4 && n < 10_000 => n,
        _ => NO_CODE,
    }
}

/// Leading digits two 4-digit codes share (as [`rules`] counts them).
fn shared(a: u16, b: u16) -> usize {
    if a == NO_CODE || b == NO_CODE {
        0
    } else if a == b {
        4
    } else if a / 10 == b / 10 {
        3
    } else if a / 100 == b / 100 {
        2
    } else if a / 1000 == b / 1000 {
        1
    } else {
        0
    }
}

/// Who a ranking may return.
pub enum Among<'a> {
    /// Everyone (the department's staff).
    All,
    /// People living in communes this accepts (a commune officer's).
    Wards(&'a dyn Fn(&str) -> bool),
    /// These people only (an employer's applicants and findable people).
    People(&'a HashSet<i64>),
}

#[derive(Default)]
struct Columns {
    slot_of: HashMap<i64, u32, foldhash::fast::RandomState>,
    id: Vec<i64>,
    /// 0 for a free slot (a person removed): never eligible.
    flags: Vec<u8>,
    birth: Vec<u32>,
    ward: Vec<u16>,
    qualification: Vec<u8>,
    occupations: Vec<[u16; 2]>,
    wage: Vec<i64>,
    /// Other provinces a person would work in, one bit per province ([`province_bit`]).
    provinces: Vec<u64>,
    /// Interned words that [`rules::counts`], sorted.
    words: Vec<Box<[u32]>>,
    /// Per ISCO major group (first digit), the slots of people who worked
    /// in it: a vacancy's own group is ranked first, and the others only
    /// when they could still beat the worst kept.
    groups: [Vec<u64>; 10],
    ward_codes: Vec<String>,
    ward_ix: HashMap<String, u16>,
    vocabulary: Vec<String>,
    word_ix: HashMap<String, u32>,
}

impl Columns {
    fn ward_of(&mut self, code: &str) -> u16 {
        if let Some(&i) = self.ward_ix.get(code) {
            return i;
        }
        let i = u16::try_from(self.ward_codes.len()).expect("fewer communes than 65,536");
        self.ward_codes.push(code.to_owned());
        self.ward_ix.insert(code.to_owned(), i);
        i
    }

    fn word_of(&mut self, w: &str) -> u32 {
        if let Some(&i) = self.word_ix.get(w) {
            return i;
        }
        let i = self.vocabulary.len() as u32;
        self.vocabulary.push(w.to_owned());
        self.word_ix.insert(w.to_owned(), i);
        i
    }

    fn put(&mut self, s: &Seeker) {
        let flags = u8::from(s.unemployed) * UNEMPLOYED
            | u8::from(s.need_job) * NEED_JOB
            | u8::from(s.need_training) * NEED_TRAINING
            | u8::from(s.need_abroad) * NEED_ABROAD;
        let ward = self.ward_of(&s.ward_code);
        let mut occ = [NO_CODE; 2];
        for (slot, code) in occ.iter_mut().zip(&s.occupations) {
            *slot = isco(code);
        }
        let mut words: Vec<u32> = s.words.iter().filter(|w| rules::counts(w)).map(|w| self.word_of(w)).collect();
        words.sort_unstable();
        words.dedup();
        let flags = if words.is_empty() { flags } else { flags | HAS_WORDS };
        let slot = match self.slot_of.get(&s.id) {
            Some(&i) => i as usize,
            None => {
                self.slot_of.insert(s.id, self.id.len() as u32);
                self.id.push(s.id);
                self.flags.push(0);
                self.birth.push(0);
                self.ward.push(0);
                self.qualification.push(0);
                self.occupations.push([NO_CODE; 2]);
                self.wage.push(NO_WAGE);
                self.provinces.push(0);
                self.words.push(Box::default());
                self.id.len() - 1
            }
        };
        for code in self.occupations[slot].into_iter().chain(occ).filter(|&c| c != NO_CODE) {
            let bits = &mut self.groups[usize::from(code / 1000)];
            bits.resize(self.id.len().div_ceil(64), 0);
            bits[slot / 64] &= !(1 << (slot % 64));
        }
        for code in occ.into_iter().filter(|&c| c != NO_CODE) {
            self.groups[usize::from(code / 1000)][slot / 64] |= 1 << (slot % 64);
        }
        // A person with no flag is not looking: their slot stays, never eligible.
        self.flags[slot] = flags;
        self.birth[slot] = ymd(s.birth_date);
        self.ward[slot] = ward;
        self.qualification[slot] = s.qualification_rank;
        self.occupations[slot] = occ;
        self.wage[slot] = s.expected_wage.unwrap_or(NO_WAGE);
        self.provinces[slot] = s.work_provinces.iter().map(|p| province_bit(p)).fold(0, |a, b| a | b);
        self.words[slot] = words.into_boxed_slice();
    }

    fn remove(&mut self, id: i64) {
        if let Some(i) = self.slot_of.remove(&id) {
            self.flags[i as usize] = 0;
            self.id[i as usize] = i64::MIN;
            for code in self.occupations[i as usize].into_iter().filter(|&c| c != NO_CODE) {
                self.groups[usize::from(code / 1000)][i as usize / 64] &= !(1 << (i % 64));
            }
        }
    }

    fn seeker(&self, i: usize) -> Seeker {
        let code = |c: u16| (c != NO_CODE).then(|| format!("{c:04}"));
        Seeker {
            id: self.id[i],
            ward_code: self.ward_codes[self.ward[i] as usize].clone(),
            birth_date: from_ymd(self.birth[i]),
            qualification_rank: self.qualification[i],
            unemployed: self.flags[i] & UNEMPLOYED != 0,
            need_job: self.flags[i] & NEED_JOB != 0,
            need_training: self.flags[i] & NEED_TRAINING != 0,
            need_abroad: self.flags[i] & NEED_ABROAD != 0,
            occupations: self.occupations[i].iter().filter_map(|&c| code(c)).collect(),
            expected_wage: (self.wage[i] != NO_WAGE).then_some(self.wage[i]),
            work_provinces: refdata::refdata()
                .provinces
                .iter()
                .enumerate()
                .filter(|(b, _)| *b < 64 && self.provinces[i] >> b & 1 == 1)
                .map(|(_, p)| p.code.clone())
                .collect(),
            words: {
                let mut w: Vec<String> = self.words[i].iter().map(|&w| self.vocabulary[w as usize].clone()).collect();
                w.sort();
                w
            },
        }
    }
}

/// What the scan needs of one vacancy, worked out once per ranking: the
/// bounds of the hard filters, and each part's points (coefficient times
/// fit) for every value the part can read, so a person costs a few loads.
struct Query {
    /// Born on or before (yyyymmdd) to be old enough; after to be young enough.
    born_by: u32,
    born_after: u32,
    abroad: bool,
    /// A partner province's vacancy: the bit of its province, which a person must have.
    province: Option<u64>,
    occupation: u16,
    /// By leading digits shared (0–4).
    occupation_points: [f64; 5],
    experience_points: [f64; 5],
    /// By the person's qualification rank.
    qualification_points: [f64; 256],
    /// By commune (an index into the columns' communes).
    distance_points: Vec<f64>,
    pay: Option<i64>,
    wage_coefficient: f64,
    /// By the person's flags (looking-for-work bits).
    needs_points: [f64; 16],
    /// By words in common (0–3 and more).
    words_points: [f64; 4],
    words: Vec<u32>,
}

impl Query {
    fn new(c: &Columns, offer: &Offer, today: NaiveDate, w: &Weights, km: impl Fn(&str, &str) -> Option<f64>) -> Self {
        let k = w.coefficients();
        let t = ymd(today);
        let abroad = offer.abroad();
        let needs = |f: usize| Needs {
            unemployed: f as u8 & UNEMPLOYED != 0,
            job: f as u8 & NEED_JOB != 0,
            training: f as u8 & NEED_TRAINING != 0,
            abroad: f as u8 & NEED_ABROAD != 0,
        };
        let mut words: Vec<u32> = offer.words.iter().filter_map(|x| c.word_ix.get(x).copied()).collect();
        words.sort_unstable();
        words.dedup();
        Query {
            born_by: offer.age_min.map_or(u32::MAX, |m| t.saturating_sub((m.clamp(0, 200) as u32) * 10_000)),
            born_after: offer.age_max.map_or(0, |m| t.saturating_sub((m.clamp(-1, 200) + 1) as u32 * 10_000)),
            abroad,
            province: offer.partner_province.as_deref().map(province_bit),
            occupation: isco(&offer.occupation_isco),
            occupation_points: std::array::from_fn(|n| k[0] * rules::occupation_fit(n)),
            experience_points: std::array::from_fn(|n| k[4] * rules::experience_fit(offer.experience_years, n)),
            qualification_points: std::array::from_fn(|r| {
                k[1] * rules::qualification_fit(r as u8, offer.qualification_rank)
            }),
            distance_points: c
                .ward_codes
                .iter()
                .map(|code| {
                    let d = offer.work_ward_code.as_deref().and_then(|o| km(code, o));
                    k[2] * rules::distance_fit(abroad || offer.away(), d, w.max_km)
                })
                .collect(),
            pay: offer.wage_max.or(offer.wage_min),
            wage_coefficient: k[3],
            needs_points: std::array::from_fn(|f| k[5] * rules::needs_fit(&needs(f), offer.apprenticeship, abroad)),
            words_points: std::array::from_fn(|n| k[6] * rules::words_fit(n)),
            words,
        }
    }
}

/// An entry of the best-so-far heap: the worst on top.
#[derive(PartialEq)]
struct Best(f64, i64);

impl Eq for Best {}

impl Ord for Best {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Higher score is better; on a tie the lower id is.
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for Best {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The registry's people in columns, replaced field by field on change.
#[derive(Default)]
pub struct SeekerIndex {
    columns: RwLock<Columns>,
}

impl SeekerIndex {
    pub fn len(&self) -> usize {
        self.columns.read().expect("index lock").slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add or replace people (`Some`) and remove them (`None`).
    pub fn apply(&self, batch: impl IntoIterator<Item = (i64, Option<Seeker>)>) -> usize {
        let mut c = self.columns.write().expect("index lock");
        let mut n = 0;
        for (id, s) in batch {
            match s {
                Some(s) => c.put(&s),
                None => c.remove(id),
            }
            n += 1;
        }
        n
    }

    pub fn get(&self, id: i64) -> Option<Seeker> {
        let c = self.columns.read().expect("index lock");
        c.slot_of.get(&id).map(|&i| c.seeker(i as usize))
    }

    /// Call `f` on every eligible person for `offer` (for labelling and checks).
    pub fn each_eligible(&self, offer: &Offer, today: NaiveDate, mut f: impl FnMut(Seeker)) {
        let c = self.columns.read().expect("index lock");
        for &i in c.slot_of.values() {
            let s = c.seeker(i as usize);
            if rules::eligible(&s, offer, today).is_ok() {
                f(s);
            }
        }
    }

    /// The `limit` best people for `offer` among `among`, best first (ties
    /// by id), each id with its score, and how many were eligible. `km` gives
    /// the distance between two communes.
    pub fn rank(
        &self,
        offer: &Offer,
        today: NaiveDate,
        limit: usize,
        among: Among<'_>,
        w: &Weights,
        km: impl Fn(&str, &str) -> Option<f64>,
    ) -> (Vec<(i64, f64)>, usize) {
        let c = self.columns.read().expect("index lock");
        if !offer.published || offer.deadline < today {
            return (Vec::new(), 0);
        }
        let q = Query::new(&c, offer, today, w, km);
        let ok: Vec<bool> = match &among {
            Among::Wards(allows) => c.ward_codes.iter().map(|w| allows(w)).collect(),
            _ => vec![true; c.ward_codes.len()],
        };
        let mut top = Top { heap: BinaryHeap::with_capacity(limit + 1), limit };
        if let Among::People(ids) = among {
            let mut eligible = 0;
            for &i in ids.iter().filter_map(|id| c.slot_of.get(id)) {
                if let Some(sum) = points_of(&c, i as usize, &q) {
                    eligible += 1;
                    top.offer(sum, c.id[i as usize]);
                }
            }
            return (top.best(), eligible);
        }
        // How many pass the hard filters: a pass over two narrow columns.
        let need = if q.abroad { NEED_ABROAD } else { LOOKING };
        let (by, after) = (q.born_by, q.born_after);
        let pass = |(&f, &b): (&u8, &u32)| usize::from((f & need != 0) & (b <= by) & (b > after));
        let eligible = match among {
            // A partner's vacancy: few are willing to go, so count them one by one.
            _ if q.province.is_some() => {
                (0..c.id.len()).filter(|&i| ok[c.ward[i] as usize] && passes(&c, i, &q)).count()
            }
            // Branch-free, so the compiler runs it many people at a time.
            Among::All => c.flags.iter().zip(&c.birth).map(pass).sum(),
            _ => c.flags.iter().zip(&c.birth).zip(&c.ward).map(|(x, &w)| pass(x) * usize::from(ok[w as usize])).sum(),
        };
        let group = (q.occupation != NO_CODE).then(|| &c.groups[usize::from(q.occupation / 1000)]);
        let in_group = |i: usize| group.is_some_and(|g| g.get(i / 64).is_some_and(|b| b >> (i % 64) & 1 == 1));
        if let Some(bits) = group {
            for (word, &b) in bits.iter().enumerate() {
                let mut b = b;
                while b != 0 {
                    let i = word * 64 + b.trailing_zeros() as usize;
                    b &= b - 1;
                    if ok[c.ward[i] as usize] {
                        if let Some(sum) = points_of(&c, i, &q) {
                            top.offer(sum, c.id[i]);
                        }
                    }
                }
            }
        }
        // Outside the vacancy's major group the occupation part is zero: the
        // others can reach at most the rest of the points.
        let ceiling = 100.0 - q.occupation_points[4] + q.occupation_points[0];
        if !top.beats(ceiling) {
            for i in (0..c.id.len()).filter(|&i| !in_group(i) && ok[c.ward[i] as usize]) {
                if let Some(sum) = points_of(&c, i, &q) {
                    top.offer(sum, c.id[i]);
                }
            }
        }
        (top.best(), eligible)
    }
}

/// The best `limit` so far.
struct Top {
    heap: BinaryHeap<Best>,
    limit: usize,
}

impl Top {
    #[inline]
    fn offer(&mut self, sum: f64, id: i64) {
        if self.limit == 0 {
            return;
        }
        // Rounding to one decimal cannot lift a sum this far below the
        // worst kept score: most people stop here.
        if self.heap.len() == self.limit && sum < self.heap.peek().expect("full").0 - 0.06 {
            return;
        }
        let b = Best(rules::round1(sum), id);
        if self.heap.len() < self.limit {
            self.heap.push(b);
        } else if b < *self.heap.peek().expect("full") {
            self.heap.pop();
            self.heap.push(b);
        }
    }

    /// Full, and its worst is better than any score up to `ceiling`.
    fn beats(&self, ceiling: f64) -> bool {
        self.heap.len() == self.limit && self.heap.peek().is_some_and(|w| w.0 > ceiling + 0.06)
    }

    fn best(self) -> Vec<(i64, f64)> {
        self.heap.into_sorted_vec().into_iter().map(|b| (b.1, b.0)).collect()
    }
}

/// The hard filters on slot `i`.
#[inline]
fn passes(c: &Columns, i: usize, q: &Query) -> bool {
    let flags = c.flags[i];
    let born = c.birth[i];
    flags & LOOKING != 0
        && (!q.abroad || flags & NEED_ABROAD != 0)
        && born <= q.born_by
        && born > q.born_after
        && q.province.is_none_or(|b| c.provinces[i] & b != 0)
}

/// A province's bit in [`Columns::provinces`]: its place in the list of
/// 2025 provinces (34 of them); none for a code not in it.
fn province_bit(code: &str) -> u64 {
    refdata::refdata().provinces.iter().position(|p| p.code == code).filter(|&i| i < 64).map_or(0, |i| 1 << i)
}

/// The hard filters and the unrounded score of slot `i` (the sum
/// [`rules::total`] rounds), without the reasons.
#[inline]
fn points_of(c: &Columns, i: usize, q: &Query) -> Option<f64> {
    if !passes(c, i, q) {
        return None;
    }
    let flags = c.flags[i];
    let [a, b] = c.occupations[i];
    let best = shared(a, q.occupation).max(shared(b, q.occupation));
    let want = c.wage[i];
    let common = if flags & HAS_WORDS == 0 || q.words.is_empty() {
        0
    } else {
        c.words[i].iter().filter(|x| q.words.binary_search(x).is_ok()).count().min(3)
    };
    let points = [
        q.occupation_points[best],
        q.qualification_points[c.qualification[i] as usize],
        q.distance_points[c.ward[i] as usize],
        q.wage_coefficient * rules::wage_fit((want != NO_WAGE).then_some(want), q.pay),
        q.experience_points[best],
        q.needs_points[(flags & LOOKING) as usize],
        q.words_points[common],
    ];
    Some(points.iter().sum::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn person(id: i64, rng: &mut u64) -> Seeker {
        let mut next = |n: u64| {
            *rng ^= *rng << 13;
            *rng ^= *rng >> 7;
            *rng ^= *rng << 17;
            *rng % n
        };
        let wards = ["22504", "22624", "22366", "00004"];
        let codes = ["7212", "7213", "7233", "7411", "2411", "0110", "9629"];
        Seeker {
            id,
            ward_code: wards[next(4) as usize].into(),
            birth_date: day(1960 + next(50) as i32, 1 + next(12) as u32, 1 + next(28) as u32),
            qualification_rank: next(7) as u8,
            unemployed: next(3) == 0,
            need_job: next(2) == 0,
            need_training: next(4) == 0,
            need_abroad: next(5) == 0,
            occupations: (0..next(3)).map(|_| codes[next(7) as usize].to_owned()).collect(),
            expected_wage: (next(3) > 0).then(|| 4_000_000 + next(10) as i64 * 1_000_000),
            words: ["han", "dien", "may", "xay", "dung"].iter().filter(|_| next(3) == 0).map(|w| (*w).into()).collect(),
            work_provinces: ["79", "48", "01"].iter().filter(|_| next(3) == 0).map(|p| (*p).into()).collect(),
        }
    }

    fn km(a: &str, b: &str) -> Option<f64> {
        let d = refdata::refdata();
        let at = |code: &str| d.ward(code).and_then(|w| Some((w.lat?, w.lon?)));
        Some(refdata::distance_km(at(a)?, at(b)?))
    }

    /// The column scan ranks exactly as scoring every eligible person with
    /// [`rules::score`] and sorting: same people, same order, same count.
    #[test]
    fn the_scan_ranks_as_the_rules_do() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let people: Vec<Seeker> = (1..=3000).map(|id| person(id, &mut rng)).collect();
        let index = SeekerIndex::default();
        index.apply(people.iter().map(|p| (p.id, Some(p.clone()))));
        let today = day(2026, 12, 1);
        let w = Weights::default();
        let offers = [
            Offer {
                id: 1,
                published: true,
                deadline: today,
                occupation_isco: "7212".into(),
                qualification_rank: 3,
                qualification: "Trung cấp".into(),
                experience_years: 1,
                age_min: Some(18),
                age_max: Some(35),
                wage_max: Some(9_000_000),
                work_ward_code: Some("22504".into()),
                words: vec!["han".into(), "dien".into(), "tho".into()],
                ..Default::default()
            },
            Offer {
                id: 2,
                published: true,
                deadline: today,
                occupation_isco: "0110".into(),
                work_country: Some("Nhật Bản".into()),
                apprenticeship: true,
                ..Default::default()
            },
            // A partner province's: only those willing to work in Hồ Chí Minh City.
            Offer {
                id: vacancies::index::FOREIGN_BASE + 3,
                published: true,
                deadline: today,
                occupation_isco: "7213".into(),
                work_province_code: Some("79".into()),
                work_ward_code: Some("26734".into()),
                partner: true,
                partner_province: Some("79".into()),
                ..Default::default()
            },
        ];
        for o in &offers {
            let mut all: Vec<(f64, i64)> = people
                .iter()
                .filter(|s| rules::eligible(s, o, today).is_ok())
                .map(|s| {
                    (rules::score(s, o, o.work_ward_code.as_deref().and_then(|b| km(&s.ward_code, b)), &w).score, s.id)
                })
                .collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let (top, total) = index.rank(o, today, 25, Among::All, &w, km);
            assert_eq!(total, all.len());
            assert!(total > 100, "enough people pass the filters to mean something: {total}");
            let ids: Vec<i64> = top.iter().map(|(id, _)| *id).collect();
            let expected: Vec<i64> = all.iter().take(25).map(|x| x.1).collect();
            assert_eq!(ids, expected);
            let scores: Vec<f64> = top.iter().map(|x| x.1).collect();
            assert_eq!(scores, all.iter().take(25).map(|x| x.0).collect::<Vec<_>>());
            let mut back = index.get(ids[0]).unwrap();
            let mut original = people.iter().find(|p| p.id == ids[0]).unwrap().clone();
            back.words.sort();
            original.words.sort();
            back.work_provinces.sort();
            original.work_provinces.sort();
            assert_eq!(back, original, "a person read back from the columns is the person put in");
        }
        // Among an area, or a list of people.
        let here = |w: &str| w == "22504";
        let (top, _) = index.rank(&offers[0], today, 10, Among::Wards(&here), &w, km);
        assert!(!top.is_empty() && top.iter().all(|(id, _)| index.get(*id).unwrap().ward_code == "22504"));
        let few: HashSet<i64> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].into();
        let (top, total) = index.rank(&offers[0], today, 10, Among::People(&few), &w, km);
        assert!(total <= 10 && top.iter().all(|(id, _)| few.contains(id)));
        // A person removed or no longer looking is never ranked.
        let first = top.first().map(|(id, _)| *id);
        if let Some(id) = first {
            index.apply([(id, None)]);
            let (after, _) = index.rank(&offers[0], today, 10, Among::People(&few), &w, km);
            assert!(after.iter().all(|(x, _)| *x != id));
            assert!(index.get(id).is_none());
        }
    }

    #[test]
    fn ages_are_whole_years_on_the_day() {
        let today = day(2026, 12, 1);
        let o = Offer { published: true, deadline: today, age_min: Some(18), age_max: Some(30), ..Default::default() };
        let at = |born: NaiveDate| {
            let s =
                Seeker { id: 1, ward_code: "22504".into(), birth_date: born, unemployed: true, ..Default::default() };
            let index = SeekerIndex::default();
            index.apply([(1, Some(s.clone()))]);
            let scanned = index.rank(&o, today, 1, Among::All, &Weights::default(), |_, _| None).1 == 1;
            assert_eq!(scanned, rules::eligible(&s, &o, today).is_ok(), "born {born}");
            scanned
        };
        assert!(at(day(2008, 12, 1)), "18 today");
        assert!(!at(day(2008, 12, 2)), "18 tomorrow");
        assert!(at(day(1995, 12, 2)), "30 until tomorrow");
        assert!(!at(day(1995, 12, 1)), "31 today");
        assert!(at(day(2000, 2, 29)));
    }
}
