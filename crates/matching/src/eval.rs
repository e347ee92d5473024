//! Judging weights by numbers: labelled person–vacancy pairs, ranked per
//! vacancy by the score, give precision@10 and NDCG@10 (`ketnoi match eval`).
//! The shipped set (`data/matching/labelled.csv`) is built from the demo
//! data by [`label`]'s written rubric; `data/matching/README.md` says how.

use std::collections::BTreeMap;
use std::path::Path;

use crate::rules::{Offer, Seeker};

/// A labelled pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub person_id: i64,
    pub vacancy_id: i64,
    pub relevant: bool,
}

/// Read `person_id,vacancy_id,relevant` (a header line, then one pair per line).
pub fn read_pairs(path: &Path) -> anyhow::Result<Vec<Pair>> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, l)| l.trim().to_owned()).unwrap_or_default();
    if header.replace(' ', "") != "person_id,vacancy_id,relevant" {
        anyhow::bail!("{}: the first line must be person_id,vacancy_id,relevant", path.display());
    }
    let mut pairs = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let parsed = match cells.as_slice() {
            [p, v, r] => match (p.parse(), v.parse(), *r) {
                (Ok(person_id), Ok(vacancy_id), "0" | "1") => Some(Pair { person_id, vacancy_id, relevant: *r == "1" }),
                _ => None,
            },
            _ => None,
        };
        pairs.push(parsed.ok_or_else(|| anyhow::anyhow!("{} line {}: expected id,id,0|1", path.display(), n + 1))?);
    }
    Ok(pairs)
}

/// Precision at `k`: the share of relevant ones among the first `k`
/// (of those there are).
pub fn precision_at(k: usize, ranked: &[bool]) -> f64 {
    let top = &ranked[..ranked.len().min(k)];
    if top.is_empty() {
        return 0.0;
    }
    top.iter().filter(|r| **r).count() as f64 / top.len() as f64
}

/// Normalised discounted cumulative gain at `k` (binary relevance): 1 when
/// every relevant one comes first.
pub fn ndcg_at(k: usize, ranked: &[bool]) -> f64 {
    let dcg = |xs: &[bool]| -> f64 {
        xs.iter().take(k).enumerate().filter(|(_, r)| **r).map(|(i, _)| 1.0 / ((i + 2) as f64).log2()).sum()
    };
    let mut ideal = ranked.to_vec();
    ideal.sort_by(|a, b| b.cmp(a));
    let best = dcg(&ideal);
    if best == 0.0 {
        return 0.0;
    }
    dcg(ranked) / best
}

/// What an evaluation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Vacancies with at least one relevant pair (the others cannot be judged).
    pub vacancies: usize,
    pub pairs: usize,
    pub relevant: usize,
    pub precision_at_10: f64,
    pub ndcg_at_10: f64,
}

/// Rank each vacancy's labelled people by `score` (None: left out by the
/// hard filters, ranked last) and average the figures over vacancies.
pub fn evaluate(pairs: &[Pair], score: impl Fn(i64, i64) -> Option<f64>) -> Figures {
    let mut by_vacancy: BTreeMap<i64, Vec<(f64, i64, bool)>> = BTreeMap::new();
    for p in pairs {
        let s = score(p.person_id, p.vacancy_id).unwrap_or(-1.0);
        by_vacancy.entry(p.vacancy_id).or_default().push((s, p.person_id, p.relevant));
    }
    let (mut precision, mut ndcg, mut judged) = (0.0, 0.0, 0);
    for list in by_vacancy.values_mut() {
        if !list.iter().any(|x| x.2) {
            continue;
        }
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let ranked: Vec<bool> = list.iter().map(|x| x.2).collect();
        precision += precision_at(10, &ranked);
        ndcg += ndcg_at(10, &ranked);
        judged += 1;
    }
    let n = judged.max(1) as f64;
    Figures {
        vacancies: judged,
        pairs: pairs.len(),
        relevant: pairs.iter().filter(|p| p.relevant).count(),
        precision_at_10: precision / n,
        ndcg_at_10: ndcg / n,
    }
}

/// The rubric the shipped set was labelled by, as a centre's counsellor
/// would judge a referral, independently of the score's weights: relevant
/// when the person has worked in the vacancy's ISCO sub-major group, has at
/// most one qualification level less than asked, lives within 60 km of the
/// workplace (or wants the work abroad), and expects at most a fifth more
/// than the top wage offered.
pub fn label(s: &Seeker, o: &Offer, km: Option<f64>) -> bool {
    let trade = s.occupations.iter().any(|c| c.get(..2) == o.occupation_isco.get(..2));
    let qualified = s.qualification_rank + 1 >= o.qualification_rank;
    let near = if o.abroad() { s.need_abroad } else { km.is_some_and(|k| k <= 60.0) };
    let wage = match (s.expected_wage, o.wage_max.or(o.wage_min)) {
        (Some(want), Some(pay)) => want as f64 <= pay as f64 * 1.2,
        _ => true,
    };
    trade && qualified && near && wage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_and_ndcg() {
        assert_eq!(precision_at(10, &[true, false, true, false]), 0.5);
        assert_eq!(precision_at(2, &[true, true, false]), 1.0);
        assert_eq!(ndcg_at(10, &[true, true, false]), 1.0);
        assert_eq!(ndcg_at(10, &[false, false]), 0.0);
        let late = ndcg_at(10, &[false, true]);
        assert!((late - 1.0 / 3f64.log2()).abs() < 1e-9, "{late}");
    }

    #[test]
    fn a_better_order_scores_better() {
        let pairs = [
            Pair { person_id: 1, vacancy_id: 9, relevant: true },
            Pair { person_id: 2, vacancy_id: 9, relevant: false },
            Pair { person_id: 3, vacancy_id: 9, relevant: true },
            Pair { person_id: 4, vacancy_id: 8, relevant: false },
        ];
        let good = evaluate(&pairs, |p, _| Some(if p == 2 { 10.0 } else { 90.0 }));
        let bad = evaluate(&pairs, |p, _| Some(if p == 2 { 90.0 } else { 10.0 }));
        assert_eq!((good.vacancies, good.pairs, good.relevant), (1, 4, 2), "vacancy 8 has nothing relevant");
        assert_eq!(good.ndcg_at_10, 1.0);
        assert!(bad.ndcg_at_10 < good.ndcg_at_10);
        let filtered = evaluate(&pairs, |p, _| (p != 1).then_some(50.0));
        assert!(filtered.ndcg_at_10 < 1.0, "a pair the filters leave out ranks last");
    }

    #[test]
    fn pairs_are_read_strictly() {
        let dir = std::env::temp_dir().join(format!("ketnoi-pairs-{}", std::process::id()));
        std::fs::write(&dir, "person_id,vacancy_id,relevant\n1,2,1\n3,2,0\n\n").unwrap();
        assert_eq!(read_pairs(&dir).unwrap().len(), 2);
        std::fs::write(&dir, "person_id,vacancy_id,relevant\n1,2,yes\n").unwrap();
        assert!(read_pairs(&dir).unwrap_err().to_string().contains("line 2"));
        std::fs::remove_file(&dir).unwrap();
    }
}
