//! Words → documents, for search as you type without diacritics.
//!
//! Every capability that searches text (people's names, vacancies) keeps one
//! [`TextIndex`]: folded words ([`crate::fold`]) in a sorted dictionary, each
//! pointing to a compressed bitmap (roaring) of document ids. A query is the
//! intersection of its words' bitmaps, the last word taken as a prefix while
//! the user is still typing it.

use roaring::RoaringBitmap;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct TextIndex {
    /// Folded word → term id (sorted, for prefix ranges).
    term_ids: BTreeMap<String, u32>,
    /// Term id → documents that have that word.
    postings: Vec<RoaringBitmap>,
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
        for t in terms {
            if let Some(b) = self.postings.get_mut(*t as usize) {
                b.remove(id);
            }
        }
    }

    /// Take document `id` out of every posting (when its terms were not kept).
    pub fn remove_everywhere(&mut self, id: u32) {
        for b in &mut self.postings {
            b.remove(id);
        }
    }

    fn prefixed(&self, prefix: &str) -> RoaringBitmap {
        let mut upper = prefix.to_owned();
        upper.push(char::MAX);
        self.term_ids
            .range(prefix.to_owned()..upper)
            .map(|(_, t)| &self.postings[*t as usize])
            .fold(RoaringBitmap::new(), |acc, b| acc | b)
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
                Some(a) => a & p,
                None => p,
            });
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(b: Option<RoaringBitmap>) -> Option<Vec<u32>> {
        b.map(|b| b.iter().collect())
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
}
