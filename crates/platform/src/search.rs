//! Words → documents, for search as you type without diacritics.
//!
//! Every capability that searches text (people's names, vacancies) keeps one
//! [`TextIndex`]: folded words ([`crate::fold`]) in a sorted dictionary, each
//! pointing to a compressed bitmap (roaring) of document ids. A query is the
//! intersection of its words' bitmaps, the last word taken as a prefix while
//! the user is still typing it.

use roaring::RoaringBitmap;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Prefix unions kept ([`TextIndex::prefixed`]).
const RECENT_PREFIXES: usize = 32;

#[derive(Default)]
pub struct TextIndex {
    /// Folded word → term id (sorted, for prefix ranges).
    term_ids: BTreeMap<String, u32>,
    /// Term id → documents that have that word.
    postings: Vec<RoaringBitmap>,
    /// The unions of the prefixes asked most recently, newest last; emptied by
    /// any change. A word being typed ("n", "nh", "nha") and the popular ones
    /// are asked again and again, and a union over the dozens of words a short
    /// prefix starts was a search's largest cost.
    recent: Mutex<VecDeque<(String, Arc<RoaringBitmap>)>>,
}

impl TextIndex {
    fn term(&mut self, word: &str) -> u32 {
        if let Some(id) = self.term_ids.get(word) {
            return *id;
        }
        let id = self.postings.len() as u32;
        self.term_ids.insert(word.to_owned(), id);
        self.postings.push(RoaringBitmap::new());
        id
    }

    /// Index the words of `text` for document `id`; returns the distinct term
    /// ids, which the caller keeps to take the document out again.
    pub fn insert(&mut self, id: u32, text: &str) -> Vec<u32> {
        self.insert_folded(id, &crate::fold::fold(text))
    }

    /// [`TextIndex::insert`] for text already folded (spares folding it twice).
    pub fn insert_folded(&mut self, id: u32, folded: &str) -> Vec<u32> {
        self.changed();
        let mut terms = Vec::new();
        // Split exactly as queries are split (apostrophes, hyphens: "H'Hen" → h, hen).
        for w in crate::fold::words(folded) {
            let t = self.term(w);
            if !terms.contains(&t) {
                self.postings[t as usize].insert(id);
                terms.push(t);
            }
        }
        terms
    }

    /// Take document `id` out of the given terms' postings.
    pub fn remove(&mut self, id: u32, terms: &[u32]) {
        self.changed();
        for t in terms {
            if let Some(b) = self.postings.get_mut(*t as usize) {
                b.remove(id);
            }
        }
    }

    /// Take document `id` out of every posting (when its terms were not kept).
    pub fn remove_everywhere(&mut self, id: u32) {
        self.changed();
        for b in &mut self.postings {
            b.remove(id);
        }
    }

    /// The documents having this folded word.
    pub fn postings(&self, word: &str) -> Option<&RoaringBitmap> {
        self.term_ids.get(word).map(|t| &self.postings[*t as usize])
    }

    fn changed(&mut self) {
        self.recent.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The documents having a folded word that starts with `prefix`.
    pub fn prefixed(&self, prefix: &str) -> Arc<RoaringBitmap> {
        let recent = || self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, b)) = recent().iter().find(|(p, _)| p == prefix) {
            return Arc::clone(b);
        }
        let mut upper = prefix.to_owned();
        upper.push(char::MAX);
        // One union of all of them (lock not held: other searches go on).
        let b = Arc::new(roaring::MultiOps::union(
            self.term_ids.range(prefix.to_owned()..upper).map(|(_, t)| &self.postings[*t as usize]),
        ));
        let mut r = recent();
        if r.len() == RECENT_PREFIXES {
            r.pop_front();
        }
        r.push_back((prefix.to_owned(), Arc::clone(&b)));
        b
    }

    /// Documents having every word of `text` — the last one as a prefix unless
    /// the text ends with a space, so results follow typing. `None` when the
    /// text has no words (no constraint).
    pub fn matching(&self, text: &str) -> Option<RoaringBitmap> {
        let words = crate::fold::fold_words(text);
        let last_is_prefix = !text.ends_with(' ');
        let (full, last) = match (last_is_prefix, words.split_last()) {
            (_, None) => return None,
            (true, Some((last, full))) => (full, Some(last)),
            (false, Some(_)) => (&words[..], None),
        };
        let mut exact = Vec::with_capacity(full.len());
        for w in full {
            match self.term_ids.get(w.as_str()) {
                Some(t) => exact.push(&self.postings[*t as usize]),
                None => return Some(RoaringBitmap::new()),
            }
        }
        // The rarest word first: it narrows the most.
        exact.sort_by_key(|b| b.len());
        let mut acc: Option<RoaringBitmap> = None;
        for b in exact {
            acc = Some(match acc {
                Some(a) => a & b,
                None => b.clone(),
            });
        }
        if let Some(w) = last {
            let p = self.prefixed(w);
            acc = Some(match acc {
                Some(a) => a & p.as_ref(),
                None => RoaringBitmap::clone(&p),
            });
        }
        acc
    }
}

impl TextIndex {
    fn has_prefix(&self, prefix: &str) -> bool {
        let mut upper = prefix.to_owned();
        upper.push(char::MAX);
        self.term_ids.range(prefix.to_owned()..upper).next().is_some()
    }

    fn known(&self, word: &str, as_prefix: bool) -> bool {
        if as_prefix {
            self.has_prefix(word)
        } else {
            self.term_ids.contains_key(word)
        }
    }

    /// What the user most likely meant when `text` finds nothing: words typed
    /// together ("ketoan" → "ke toan") or with one slip of the finger
    /// ("ke toam" → "ke toan", for words of four letters or more). Each
    /// unknown word is replaced by the reading that finds the most documents;
    /// a tie is ambiguous and gives `None`, as does a text that already finds
    /// something or that no reading rescues. The answer is folded text, with
    /// the trailing space of a finished last word kept (so it is matched the
    /// same way).
    pub fn correct(&self, text: &str) -> Option<String> {
        if self.matching(text).is_none_or(|b| !b.is_empty()) {
            return None;
        }
        let last_is_prefix = !text.ends_with(' ');
        let words = crate::fold::fold_words(text);
        let mut fixed: Vec<String> = Vec::with_capacity(words.len());
        let mut changed = false;
        for (i, w) in words.iter().enumerate() {
            let as_prefix = last_is_prefix && i + 1 == words.len();
            if self.known(w, as_prefix) {
                fixed.push(w.clone());
                continue;
            }
            let mut candidates: Vec<String> = Vec::new();
            // Two words typed together: both halves known.
            for (k, _) in w.char_indices().skip(1) {
                let (a, b) = w.split_at(k);
                if self.term_ids.contains_key(a) && self.known(b, as_prefix) {
                    candidates.push(format!("{a} {b}"));
                }
            }
            // One letter wrong, missing, extra or swapped.
            if w.chars().count() >= 4 {
                candidates.extend(self.term_ids.keys().filter(|t| within_one_edit(w, t)).map(|t| t.clone()));
            }
            // The reading that, with the words read so far, finds the most
            // (later words may need reading too: the whole is checked at the end).
            let rest = |c: &str| {
                let mut q: Vec<&str> = fixed.iter().map(String::as_str).collect();
                q.push(c);
                let mut q = q.join(" ");
                if !as_prefix {
                    q.push(' ');
                }
                self.matching(&q).map_or(0, |b| b.len())
            };
            let mut scored: Vec<(u64, String)> =
                candidates.into_iter().map(|c| (rest(&c), c)).filter(|(n, _)| *n > 0).collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0));
            match scored.as_slice() {
                [(n, best), rest @ ..] if rest.first().is_none_or(|(m, _)| m < n) => {
                    fixed.push(best.clone());
                    changed = true;
                }
                _ => return None,
            }
        }
        let mut out = fixed.join(" ");
        if !last_is_prefix {
            out.push(' ');
        }
        (changed && self.matching(&out).is_some_and(|b| !b.is_empty())).then_some(out)
    }
}

/// Whether `a` becomes `b` by one substitution, insertion, deletion or swap
/// of neighbouring letters (Damerau–Levenshtein distance ≤ 1, `a` ≠ `b`).
fn within_one_edit(a: &str, b: &str) -> bool {
    // A character is at most 4 bytes: lengths far apart cannot be one edit.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = |i: usize, j: usize| a[i..] == b[j..];
    match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Equal => {
            tail(head + 1, head + 1)
                || (head + 1 < a.len() && a[head] == b[head + 1] && a[head + 1] == b[head] && tail(head + 2, head + 2))
        }
        std::cmp::Ordering::Less => tail(head, head + 1),
        std::cmp::Ordering::Greater => tail(head + 1, head),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(b: Option<RoaringBitmap>) -> Option<Vec<u32>> {
        b.map(|b| b.iter().collect())
    }

    #[test]
    fn a_kept_prefix_union_follows_every_change() {
        let mut idx = TextIndex::default();
        idx.insert(1, "Thợ hàn");
        idx.insert(2, "Bán hàng");
        let got = |idx: &TextIndex| idx.prefixed("han").iter().collect::<Vec<_>>();
        assert_eq!(got(&idx), vec![1, 2]);
        assert_eq!(got(&idx), vec![1, 2], "asked again: the kept union");
        idx.insert(3, "Hạnh phúc");
        assert_eq!(got(&idx), vec![1, 2, 3], "a new document");
        idx.remove(1, &[idx.term_ids["han"]]);
        assert_eq!(got(&idx), vec![2, 3], "a removed one");
        idx.remove_everywhere(2);
        assert_eq!(got(&idx), vec![3]);
        for i in 0..2 * RECENT_PREFIXES {
            idx.prefixed(&format!("x{i}"));
        }
        assert!(idx.recent.lock().unwrap().len() <= RECENT_PREFIXES, "a few kept, not every one asked");
    }

    #[test]
    fn words_prefixes_and_removal() {
        let mut i = TextIndex::default();
        let t1 = i.insert(1, "Thợ hàn điện");
        i.insert(2, "Thợ may công nghiệp");
        i.insert(3, "Nhân viên bán hàng");
        assert_eq!(ids(i.matching("tho")), Some(vec![1, 2]));
        assert_eq!(ids(i.matching("tho han")), Some(vec![1]), "last word is a prefix: han → hàn");
        assert_eq!(ids(i.matching("ha")), Some(vec![1, 3]), "hàn, hàng");
        assert_eq!(ids(i.matching("ha ")), Some(vec![]), "a finished word must match whole");
        assert_eq!(ids(i.matching("xyz tho")), Some(vec![]));
        assert_eq!(ids(i.matching("  ")), None);
        i.remove(1, &t1);
        assert_eq!(ids(i.matching("tho")), Some(vec![2]));
        i.remove_everywhere(2);
        assert_eq!(ids(i.matching("tho")), Some(vec![]));
    }

    #[test]
    fn corrections_for_words_typed_together_or_with_a_slip() {
        let mut i = TextIndex::default();
        i.insert(1, "Nhân viên kế toán");
        i.insert(2, "Kế toán tổng hợp");
        i.insert(3, "Thợ hàn điện");
        i.insert(4, "Thợ hàn ống");
        assert_eq!(i.correct("ketoan").as_deref(), Some("ke toan"));
        assert_eq!(i.correct("ketoan ").as_deref(), Some("ke toan "), "finished words stay whole");
        assert_eq!(i.correct("ke toam ").as_deref(), Some("ke toan "), "one letter wrong");
        assert_eq!(i.correct("nhan vein").as_deref(), Some("nhan vien"), "two letters swapped");
        assert_eq!(i.correct("tho hann ").as_deref(), Some("tho han "), "one letter extra");
        assert_eq!(i.correct("ke toam nhan vein").as_deref(), Some("ke toan nhan vien"), "two slips at once");
        assert_eq!(i.correct("ke toan"), None, "finds something already");
        assert_eq!(i.correct("qwxyz"), None, "nothing near it");
        assert_eq!(i.correct(""), None);
        // Two readings finding as much: ambiguous, so no guess.
        let mut j = TextIndex::default();
        j.insert(1, "bana");
        j.insert(2, "banc");
        assert_eq!(j.correct("banx "), None);
    }

    #[test]
    fn one_edit_distance() {
        assert!(within_one_edit("toam", "toan"));
        assert!(within_one_edit("toa", "toan"));
        assert!(within_one_edit("toaan", "toan"));
        assert!(within_one_edit("vein", "vien"));
        assert!(!within_one_edit("toan", "toan"));
        assert!(!within_one_edit("tona", "toanh"));
        assert!(!within_one_edit("abcd", "badc"));
        assert!(within_one_edit("thợ", "thơ"), "not only ASCII");
    }
}
