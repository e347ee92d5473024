//! The public board's search, in memory: published vacancies only.
//!
//! Words of the title, the employer's name and the occupation's titles (both
//! languages) point to bitmaps of vacancy ids, as do the filters (occupation
//! at every ISCO level, commune, province, abroad, wage floor). Each entry
//! keeps what a result line shows, so a board page needs no database at all:
//! that is what lets a cheap phone on a slow network get its answer fast and
//! the server answer thousands of searches a second.

use crate::model::{Status, VacancyRecord};
use chrono::NaiveDate;
use platform::search::TextIndex;
use roaring::RoaringBitmap;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

/// Wage floors the board offers as a filter (VND per month).
pub const WAGE_FLOORS: [i64; 5] = [5_000_000, 8_000_000, 10_000_000, 15_000_000, 20_000_000];

/// Partner provinces' vacancies are indexed from this id on (theirs plus
/// it): one id space, our own below.
pub const FOREIGN_BASE: i64 = 1 << 31;

/// Where a partner province's vacancy comes from (liên kết tuyển dụng).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub province_code: String,
    /// Its page on the origin's board: where a job seeker applies.
    pub url: String,
}

/// What a result line shows.
#[derive(Debug, Clone)]
pub struct Summary {
    pub id: i64,
    pub employer_id: i64,
    pub title: String,
    pub employer_name: String,
    pub occupation_isco: String,
    pub work_ward_code: Option<String>,
    pub work_province_code: Option<String>,
    pub work_country: Option<String>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub positions: i64,
    pub deadline: NaiveDate,
    pub published: chrono::DateTime<chrono::Utc>,
    /// A partner province's vacancy (none: our own).
    pub origin: Option<Arc<Origin>>,
}

impl Summary {
    fn of(r: &VacancyRecord) -> Self {
        Summary {
            id: r.id,
            employer_id: r.employer_id,
            title: r.title.clone(),
            employer_name: r.employer_name.clone(),
            occupation_isco: r.occupation_isco.clone(),
            work_ward_code: r.work_ward_code.clone(),
            work_province_code: r.work_province_code.clone(),
            work_country: r.work_country.clone(),
            wage_min: r.wage_min,
            wage_max: r.wage_max,
            positions: r.positions,
            deadline: r.deadline,
            published: r.published_at.unwrap_or(r.updated_at),
            origin: None,
        }
    }
}

/// A board search (all filters optional).
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub text: String,
    /// ISCO code at any level (1–4 digits).
    pub occupation: Option<String>,
    pub ward: Option<String>,
    pub province: Option<String>,
    /// Work abroad only.
    pub abroad: bool,
    /// Communes within a distance (already resolved to ward codes).
    pub near: Option<Vec<String>>,
    /// Wage at least this (one of [`WAGE_FLOORS`]).
    pub wage_floor: Option<i64>,
    /// Newest first whatever the text (feeds: a reader follows what is new).
    pub newest_first: bool,
    /// Some(true): partner provinces' vacancies only; Some(false): our own only.
    pub partners: Option<bool>,
}

struct Doc {
    terms: Vec<u32>,
    /// Its terms in each of [`Inner::fields`].
    field_terms: [Box<[u32]>; 3],
    summary: Arc<Summary>,
    /// The version indexed: a catch-up that reads it again changes nothing.
    updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Default)]
struct Inner {
    /// Every word of a vacancy: what a search must match.
    words: TextIndex,
    /// The title's words, the occupation's, the employer's, in that order of
    /// weight: what ranks the matches.
    fields: [TextIndex; 3],
    occupation: HashMap<String, RoaringBitmap>,
    ward: HashMap<String, RoaringBitmap>,
    province: HashMap<String, RoaringBitmap>,
    abroad: RoaringBitmap,
    /// Partner provinces' vacancies.
    foreign: RoaringBitmap,
    /// Per floor in [`WAGE_FLOORS`]: vacancies whose wage reaches it.
    wage: Vec<RoaringBitmap>,
    all: RoaringBitmap,
    docs: HashMap<u32, Doc>,
}

impl Inner {
    /// Whether indexing this record changes anything: a new or newer
    /// published vacancy, one whose employer was renamed, or an indexed one
    /// that left the board.
    fn would_change(&self, r: &VacancyRecord) -> bool {
        let published = r.status == Status::Published;
        match u32::try_from(r.id).ok().and_then(|id| self.docs.get(&id)) {
            Some(doc) => !published || doc.updated_at != r.updated_at || doc.summary.employer_name != r.employer_name,
            None => published,
        }
    }

    fn remove(&mut self, id: u32) {
        let Some(doc) = self.docs.remove(&id) else { return };
        self.words.remove(id, &doc.terms);
        for (index, terms) in self.fields.iter_mut().zip(&doc.field_terms) {
            index.remove(id, terms);
        }
        for b in self.occupation.values_mut().chain(self.ward.values_mut()).chain(self.province.values_mut()) {
            b.remove(id);
        }
        for b in &mut self.wage {
            b.remove(id);
        }
        self.abroad.remove(id);
        self.foreign.remove(id);
        self.all.remove(id);
    }

    fn add(&mut self, r: &VacancyRecord) {
        // Ids from FOREIGN_BASE on are partner provinces' (2^31 of our own first).
        let Some(id) = u32::try_from(r.id).ok().filter(|id| i64::from(*id) < FOREIGN_BASE) else {
            tracing::error!(vacancy = r.id, "a vacancy id beyond the board's range is not indexed");
            return;
        };
        self.remove(id);
        if r.status != Status::Published {
            return;
        }
        self.add_summary(id, Summary::of(r), r.updated_at);
    }

    /// Index a result line under `id` (already removed).
    fn add_summary(&mut self, id: u32, r: Summary, updated_at: chrono::DateTime<chrono::Utc>) {
        let occ = refdata::refdata().occupation(&r.occupation_isco);
        let occupation = format!(
            "{} {}",
            occ.map(|o| o.title_vi.as_str()).unwrap_or(""),
            occ.map(|o| o.title_en.as_str()).unwrap_or("")
        );
        let terms = self.words.insert(id, &format!("{} {} {}", r.title, occupation, r.employer_name));
        let texts = [r.title.as_str(), &occupation, &r.employer_name];
        let field_terms: [Box<[u32]>; 3] =
            std::array::from_fn(|f| self.fields[f].insert(id, texts[f]).into_boxed_slice());
        for len in 1..=r.occupation_isco.len().min(4) {
            self.occupation.entry(r.occupation_isco[..len].to_owned()).or_default().insert(id);
        }
        if let Some(w) = &r.work_ward_code {
            self.ward.entry(w.clone()).or_default().insert(id);
        }
        if let Some(p) = &r.work_province_code {
            self.province.entry(p.clone()).or_default().insert(id);
        }
        if r.work_country.is_some() {
            self.abroad.insert(id);
        }
        if self.wage.is_empty() {
            self.wage = vec![RoaringBitmap::new(); WAGE_FLOORS.len()];
        }
        let top = r.wage_max.or(r.wage_min);
        for (i, floor) in WAGE_FLOORS.iter().enumerate() {
            if top.is_some_and(|w| w >= *floor) {
                self.wage[i].insert(id);
            }
        }
        if r.origin.is_some() {
            self.foreign.insert(id);
        }
        self.all.insert(id);
        self.docs.insert(id, Doc { terms, field_terms, summary: Arc::new(r), updated_at });
    }
}

#[derive(Default)]
pub struct BoardIndex {
    inner: RwLock<Inner>,
}

impl BoardIndex {
    /// Add, replace or (when no longer published) remove vacancies.
    /// Index `records` (published ones in, others out). Records already
    /// indexed at the same version are skipped, and the write lock that makes
    /// searches wait is taken only when something changed. Returns how many
    /// records changed the index.
    pub fn upsert(&self, records: &[VacancyRecord]) -> usize {
        let changed: Vec<&VacancyRecord> = {
            let inner = self.inner.read().expect("board lock");
            records.iter().filter(|r| inner.would_change(r)).collect()
        };
        if !changed.is_empty() {
            let mut inner = self.inner.write().expect("board lock");
            for r in &changed {
                inner.add(r);
            }
        }
        changed.len()
    }

    /// Index partner provinces' vacancies (`open` ones in, others out); each
    /// summary's id is its row's, [`FOREIGN_BASE`] added here. Returns how
    /// many changed the index.
    pub fn upsert_foreign(&self, rows: Vec<(Summary, bool, chrono::DateTime<chrono::Utc>)>) -> usize {
        let mut inner = self.inner.write().expect("board lock");
        let mut changed = 0;
        for (mut s, open, updated_at) in rows {
            let Ok(id) = u32::try_from(s.id + FOREIGN_BASE) else { continue };
            let same = inner.docs.get(&id).is_some_and(|d| d.updated_at == updated_at);
            if same && open {
                continue;
            }
            inner.remove(id);
            changed += 1;
            if open {
                s.id = i64::from(id);
                inner.add_summary(id, s, updated_at);
            }
        }
        changed
    }

    /// A partner province's vacancy on the board, by its board id.
    pub fn foreign(&self, id: i64) -> Option<Arc<Summary>> {
        let inner = self.inner.read().expect("board lock");
        let id = u32::try_from(id).ok().filter(|id| i64::from(*id) >= FOREIGN_BASE)?;
        inner.docs.get(&id).map(|d| Arc::clone(&d.summary))
    }

    pub fn len(&self) -> u64 {
        self.inner.read().expect("board lock").all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One employer's published vacancies, newest first (its public page).
    pub fn of_employer(&self, employer_id: i64) -> Vec<Arc<Summary>> {
        let inner = self.inner.read().expect("board lock");
        let mut items: Vec<Arc<Summary>> = inner
            .docs
            .values()
            .filter(|d| d.summary.employer_id == employer_id)
            .map(|d| Arc::clone(&d.summary))
            .collect();
        items.sort_by_key(|s| std::cmp::Reverse(s.id));
        items
    }

    /// Communes with published vacancies (for the filter lists).
    pub fn wards(&self) -> Vec<String> {
        let inner = self.inner.read().expect("board lock");
        inner.ward.iter().filter(|(_, b)| !b.is_empty()).map(|(w, _)| w.clone()).collect()
    }

    /// Best match first, then newest: `offset`/`limit` of the matches, and
    /// their number. A text that finds nothing is read as the user most likely
    /// meant it ([`TextIndex::correct`]); the reading used is returned.
    pub fn search(&self, q: &Query, offset: usize, limit: usize) -> Found {
        let inner = self.inner.read().expect("board lock");
        let (items, total) = inner.search(q, offset, limit);
        if total == 0 {
            if let Some(text) = inner.words.correct(&q.text) {
                let (items, total) = inner.search(&Query { text: text.clone(), ..q.clone() }, offset, limit);
                if total > 0 {
                    return Found { items, total, corrected: Some(text.trim_end().to_owned()) };
                }
            }
        }
        Found { items, total, corrected: None }
    }
}

/// A page of board results.
#[derive(Debug, Default)]
pub struct Found {
    pub items: Vec<Arc<Summary>>,
    pub total: u64,
    /// The reading of a text that found nothing as typed ("ketoan" → "ke toan").
    pub corrected: Option<String>,
}

impl Inner {
    /// The matches grouped by how well they match, best first: per query
    /// word, a whole word beats a prefix, and the title beats the occupation
    /// beats the employer; a document's score is the sum over the words.
    /// Computed on bitmaps (a few dozen set operations per search), not per
    /// document: a common word matches thousands of vacancies.
    fn ranked(&self, set: RoaringBitmap, words: &[String], last_is_prefix: bool) -> Vec<RoaringBitmap> {
        let mut buckets: BTreeMap<u32, RoaringBitmap> = BTreeMap::from([(0, set)]);
        for (i, w) in words.iter().enumerate() {
            // Levels in descending weight, each the documents matching the word that way.
            let prefixed: Vec<Arc<RoaringBitmap>> = if last_is_prefix && i + 1 == words.len() {
                self.fields.iter().map(|index| index.prefixed(w)).collect()
            } else {
                Vec::new()
            };
            let mut levels: Vec<(u32, &RoaringBitmap)> = Vec::with_capacity(6);
            for (f, index) in self.fields.iter().enumerate() {
                if let Some(b) = index.postings(w) {
                    levels.push((20 + 3 - f as u32, b));
                }
            }
            for (f, b) in prefixed.iter().enumerate() {
                levels.push((10 + 3 - f as u32, b));
            }
            let mut next: BTreeMap<u32, RoaringBitmap> = BTreeMap::new();
            for (score, mut rest) in buckets {
                for (weight, level) in &levels {
                    if rest.is_empty() {
                        break;
                    }
                    let hit = &rest & *level;
                    if !hit.is_empty() {
                        rest -= &hit;
                        *next.entry(score + weight).or_default() |= hit;
                    }
                }
                if !rest.is_empty() {
                    *next.entry(score).or_default() |= rest;
                }
            }
            buckets = next;
        }
        buckets.into_values().rev().collect()
    }

    fn search(&self, q: &Query, offset: usize, limit: usize) -> (Vec<Arc<Summary>>, u64) {
        let inner = self;
        // Borrowed until a second set narrows it: a query with one filter
        // (or none) copies no bitmap.
        let mut acc: Option<Cow<RoaringBitmap>> = inner.words.matching(&q.text).map(Cow::Owned);
        let empty = RoaringBitmap::new();
        let own = (q.partners == Some(false)).then(|| &inner.all - &inner.foreign);
        let near = q.near.as_ref().map(|near| roaring::MultiOps::union(near.iter().filter_map(|w| inner.ward.get(w))));
        if let Some(o) = &q.occupation {
            narrow(&mut acc, inner.occupation.get(o).unwrap_or(&empty));
        }
        if let Some(w) = &q.ward {
            narrow(&mut acc, inner.ward.get(w).unwrap_or(&empty));
        }
        if let Some(p) = &q.province {
            narrow(&mut acc, inner.province.get(p).unwrap_or(&empty));
        }
        if q.abroad {
            narrow(&mut acc, &inner.abroad);
        }
        match q.partners {
            Some(true) => narrow(&mut acc, &inner.foreign),
            Some(false) => narrow(&mut acc, own.as_ref().unwrap_or(&empty)),
            None => {}
        }
        if let Some(b) = &near {
            narrow(&mut acc, b);
        }
        if let Some(floor) = q.wage_floor {
            let i = WAGE_FLOORS.iter().position(|f| *f == floor);
            narrow(&mut acc, i.and_then(|i| inner.wage.get(i)).unwrap_or(&empty));
        }
        let set = acc.unwrap_or(Cow::Borrowed(&inner.all));
        let total = set.len();
        let summary = |id: u32| inner.docs.get(&id).map(|d| Arc::clone(&d.summary));
        let words = platform::fold::fold_words(&q.text);
        if words.is_empty() || q.newest_first {
            // Ids grow with time: the highest first is the newest first; our
            // own province's before the partners'.
            return (own_first(&set).skip(offset).take(limit).filter_map(summary).collect(), total);
        }
        // Best matches first; among equals, newest first (ids grow with time).
        let items = inner
            .ranked(set.into_owned(), &words, !q.text.ends_with(' '))
            .iter()
            .flat_map(own_first)
            .skip(offset)
            .take(limit)
            .filter_map(summary)
            .collect();
        (items, total)
    }
}

/// Narrow `acc` (no constraint yet when None) to the members of `b`.
fn narrow<'a>(acc: &mut Option<Cow<'a, RoaringBitmap>>, b: &'a RoaringBitmap) {
    *acc = Some(match acc.take() {
        Some(Cow::Owned(mut a)) => {
            a &= b;
            Cow::Owned(a)
        }
        Some(Cow::Borrowed(a)) => Cow::Owned(a & b),
        None => Cow::Borrowed(b),
    });
}

/// A set's ids newest first, our own province's before the partners'.
fn own_first(set: &RoaringBitmap) -> impl Iterator<Item = u32> + '_ {
    let base = FOREIGN_BASE as u32;
    set.iter().rev().skip_while(move |id| *id >= base).chain(set.iter().rev().take_while(move |id| *id >= base))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn rec(
        id: i64,
        title: &str,
        occ: &str,
        ward: Option<&str>,
        wage_max: Option<i64>,
        status: Status,
    ) -> VacancyRecord {
        VacancyRecord {
            id,
            employer_id: 1,
            employer_name: "Công ty TNHH Thủy sản Vạn Ninh".into(),
            title: title.into(),
            occupation_isco: occ.into(),
            positions: 1,
            qualification: "none".into(),
            experience_years: 0,
            age_min: None,
            age_max: None,
            wage_min: None,
            wage_max,
            contract_type: "fixed_term".into(),
            working_hours: None,
            work_ward_code: ward.map(str::to_owned),
            work_province_code: Some(if ward.is_some() { "56" } else { "79" }.into()),
            work_country: None,
            deadline: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            description: String::new(),
            requirements: None,
            benefits: None,
            contact: None,
            status,
            flagged: None,
            review_note: None,
            published_at: Some(Utc::now()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn ids(r: Found) -> (Vec<i64>, u64) {
        (r.items.iter().map(|s| s.id).collect(), r.total)
    }

    #[test]
    fn board_search() {
        let b = BoardIndex::default();
        b.upsert(&[
            rec(1, "Thợ hàn điện", "7212", Some("22504"), Some(12_000_000), Status::Published),
            rec(2, "Công nhân may", "7533", Some("22366"), Some(7_000_000), Status::Published),
            rec(3, "Thợ hàn ống", "7212", None, None, Status::Published),
            rec(4, "Thợ hàn nháp", "7212", Some("22504"), None, Status::Draft),
        ]);
        let q = |text: &str| Query { text: text.into(), ..Default::default() };
        assert_eq!(ids(b.search(&q("tho han"), 0, 10)), (vec![3, 1], 2), "newest first, drafts never");
        assert_eq!(ids(b.search(&q("welder"), 0, 10)).1, 2, "the occupation's English title");
        assert_eq!(ids(b.search(&q("van ninh"), 0, 10)).1, 3, "the employer's name");
        assert_eq!(ids(b.search(&Query { occupation: Some("7".into()), ..q("") }, 0, 10)).1, 3);
        assert_eq!(ids(b.search(&Query { ward: Some("22504".into()), ..q("") }, 0, 10)), (vec![1], 1));
        assert_eq!(ids(b.search(&Query { province: Some("79".into()), ..q("") }, 0, 10)), (vec![3], 1));
        assert_eq!(ids(b.search(&Query { wage_floor: Some(10_000_000), ..q("") }, 0, 10)), (vec![1], 1));
        assert_eq!(ids(b.search(&Query { near: Some(vec!["22366".into()]), ..q("") }, 0, 10)), (vec![2], 1));
        assert_eq!(ids(b.search(&q(""), 1, 1)), (vec![2], 3), "paging");
        // Leaving "published" leaves the board.
        b.upsert(&[rec(1, "Thợ hàn điện", "7212", Some("22504"), Some(12_000_000), Status::Filled)]);
        assert_eq!(ids(b.search(&q("han"), 0, 10)), (vec![3], 1));
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn best_match_first_then_newest() {
        let b = BoardIndex::default();
        b.upsert(&[
            rec(1, "Thợ hàn điện", "7212", Some("22504"), None, Status::Published),
            rec(2, "Thợ vận hành máy may", "8153", Some("22504"), None, Status::Published),
            rec(3, "Thợ hàn ống", "7212", None, None, Status::Published),
            rec(4, "Nhân viên kho", "4321", None, None, Status::Published),
            rec(5, "Công nhân", "7212", None, None, Status::Published),
        ]);
        let q = |text: &str| Query { text: text.into(), ..Default::default() };
        // Titles first (newest first among equals), then 5 whose occupation is
        // "Thợ hàn …", then 2 where "han" is only the start of "hành".
        assert_eq!(ids(b.search(&q("tho han"), 0, 10)), (vec![3, 1, 5, 2], 4), "whole word 'hàn' before 'hành'");
        assert_eq!(ids(b.search(&q("tho han"), 1, 1)), (vec![1], 4), "paging keeps the order");
        assert_eq!(ids(b.search(&q("tho han "), 0, 10)), (vec![3, 1, 5], 3), "a finished word is whole");
        // "welder" only in the occupation of 1, 3, 5: the same weight, so newest first.
        assert_eq!(ids(b.search(&q("welder"), 0, 10)).0, vec![5, 3, 1]);
        let r = b.search(&q("ketoan"), 0, 10);
        assert_eq!((r.total, r.corrected), (0, None), "no kế toán here");
        b.upsert(&[rec(6, "Kế toán tổng hợp", "2411", None, None, Status::Published)]);
        let r = b.search(&q("ketoan"), 0, 10);
        assert_eq!(r.corrected.as_deref(), Some("ke toan"), "words typed together");
        assert_eq!(ids(r), (vec![6], 1));
        let r = b.search(&q("ke toam "), 0, 10);
        assert_eq!((r.total, r.corrected.as_deref()), (1, Some("ke toan")), "a slip of the finger");
    }

    #[test]
    fn reading_the_same_versions_again_changes_nothing() {
        let b = BoardIndex::default();
        let mut first = rec(1, "Thợ hàn điện", "7212", Some("22504"), None, Status::Published);
        let draft = rec(2, "Thợ may", "7533", Some("22504"), None, Status::Draft);
        assert_eq!(b.upsert(&[first.clone(), draft.clone()]), 1, "the draft changes nothing");
        assert_eq!(b.upsert(&[first.clone(), draft.clone()]), 0, "read again (committed while the catch-up read)");
        first.title = "Thợ hàn ống".into();
        first.updated_at += chrono::Duration::seconds(1);
        let published = rec(3, "Thợ điện", "7411", None, None, Status::Published);
        assert_eq!(b.upsert(&[first.clone(), draft.clone(), published]), 2, "a newer version and a new one");
        let q = Query { text: "han ong".into(), ..Default::default() };
        assert_eq!(ids(b.search(&q, 0, 10)), (vec![1], 1));
        first.status = Status::Withdrawn;
        assert_eq!(b.upsert(&[first.clone()]), 1, "leaving the board");
        assert_eq!(b.len(), 1, "only the other one is left");
    }
}
