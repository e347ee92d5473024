//! The yearly reviews in memory: per year, each household's commune, class
//! and deprivations. The summary and the transitions between two years are
//! one pass over it (milliseconds over half a million households a year),
//! where SQL reads and joins every review. It follows `poverty_reviews`
//! through `platform::follow`, so reviews written anywhere show up.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use platform::follow::{Feed, Since};
use platform::{with_db, Db};

use crate::model::*;
use crate::rules::Moves;

#[derive(Clone, Copy)]
struct Entry {
    ward: u16,
    class: Class,
    approved: bool,
    /// Bit i: lacking the i-th of [`Ledger::codes`].
    lacks: u64,
}

#[derive(Default)]
struct Inner {
    wards: Vec<String>,
    ward_index: HashMap<String, u16>,
    years: BTreeMap<i32, HashMap<i64, Entry>>,
}

/// Yearly reviews by year and household.
pub struct Ledger {
    codes: Vec<String>,
    inner: RwLock<Inner>,
}

/// A yearly review as the ledger reads it.
pub type Row = (i64, i32, String, String, String, String);

impl Ledger {
    /// `codes`: every indicator of every standard (at most 64).
    pub fn new(codes: Vec<String>) -> Ledger {
        assert!(codes.len() <= 64, "more than 64 poverty indicators");
        Ledger { codes, inner: RwLock::default() }
    }

    /// Index rows: (household, year, commune, class, status, deprivations).
    pub fn apply_rows(&self, rows: &[Row]) -> usize {
        let mut inner = self.inner.write().expect("ledger lock");
        for (household, year, ward, class, status, lacks) in rows {
            let w = match inner.ward_index.get(ward) {
                Some(w) => *w,
                None => {
                    let w = inner.wards.len() as u16;
                    inner.wards.push(ward.clone());
                    inner.ward_index.insert(ward.clone(), w);
                    w
                }
            };
            let mut bits = 0u64;
            for code in lacks.split(',').filter(|c| !c.is_empty()) {
                if let Some(i) = self.codes.iter().position(|c| c == code) {
                    bits |= 1 << i;
                }
            }
            let entry = Entry {
                ward: w,
                class: Class::parse(class).unwrap_or(Class::NotPoor),
                approved: status == "approved",
                lacks: bits,
            };
            inner.years.entry(*year).or_default().insert(*household, entry);
        }
        rows.len()
    }

    /// The communes a filter keeps (`None`: all).
    fn keep(inner: &Inner, wards: &[String]) -> Option<Vec<bool>> {
        if wards.is_empty() {
            return None;
        }
        Some(inner.wards.iter().map(|w| wards.contains(w)).collect())
    }

    /// The year's figures, as [`crate::store::summary_sql`] makes them;
    /// `codes`: the indicators to profile (the year's standard's).
    pub fn summary(&self, year: i32, wards: &[String], codes: &[String]) -> Summary {
        let inner = self.inner.read().expect("ledger lock");
        let keep = Self::keep(&inner, wards);
        let mut s = Summary { year, ..Default::default() };
        let Some(households) = inner.years.get(&year) else { return s };
        // Per commune: households, poor, near-poor, middle, pending.
        let mut by_ward = vec![[0i64; 5]; inner.wards.len()];
        let mut lacking = [0i64; 64];
        for e in households.values() {
            if keep.as_ref().is_some_and(|k| !k[e.ward as usize]) {
                continue;
            }
            let w = &mut by_ward[e.ward as usize];
            w[0] += 1;
            match e.class {
                Class::Poor => w[1] += 1,
                Class::NearPoor => w[2] += 1,
                Class::Middle => w[3] += 1,
                Class::NotPoor => {}
            }
            w[4] += i64::from(!e.approved);
            let mut bits = e.lacks;
            while bits != 0 {
                lacking[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
        }
        let mut order: Vec<usize> = (0..inner.wards.len()).filter(|i| by_ward[*i][0] > 0).collect();
        order.sort_by(|a, b| inner.wards[*a].cmp(&inner.wards[*b]));
        for i in order {
            let w = by_ward[i];
            s.households += w[0];
            s.poor += w[1];
            s.near_poor += w[2];
            s.middle += w[3];
            s.pending_approval += w[4];
            s.by_ward.push(WardSummary {
                ward_code: inner.wards[i].clone(),
                households: w[0],
                poor: w[1],
                near_poor: w[2],
                total_households: None,
            });
        }
        s.deprivations = profile(codes.iter().map(|c| {
            let n = self.codes.iter().position(|x| x == c).map_or(0, |i| lacking[i]);
            (c.clone(), n)
        }));
        s
    }

    /// Each household's class in `from` against `to`, as
    /// [`crate::store::transitions_sql`] makes them.
    pub fn transitions(&self, from: i32, to: i32, wards: &[String]) -> Transitions {
        let inner = self.inner.read().expect("ledger lock");
        let keep = Self::keep(&inner, wards);
        let kept = |e: &Entry| keep.as_ref().is_none_or(|k| k[e.ward as usize]);
        let empty = HashMap::new();
        let a = inner.years.get(&from).unwrap_or(&empty);
        let b = inner.years.get(&to).unwrap_or(&empty);
        // Per commune of the second review: moves; poor in each year.
        let n = inner.wards.len();
        let mut moves = vec![Moves::default(); n];
        let mut poor = vec![[0i64; 2]; n];
        for (household, ea) in a {
            if ea.class == Class::Poor && kept(ea) {
                poor[ea.ward as usize][0] += 1;
            }
            if let Some(eb) = b.get(household) {
                if kept(eb) {
                    moves[eb.ward as usize].add(ea.class, eb.class);
                }
            }
        }
        for eb in b.values() {
            if eb.class == Class::Poor && kept(eb) {
                poor[eb.ward as usize][1] += 1;
            }
        }
        let mut t = Transitions { from, to, ..Default::default() };
        let mut order: Vec<usize> = (0..n).filter(|i| moves[*i].households > 0 || poor[*i] != [0, 0]).collect();
        order.sort_by(|x, y| inner.wards[*x].cmp(&inner.wards[*y]));
        for i in order {
            add_ward(&mut t, &inner.wards[i], &moves[i], poor[i]);
        }
        t
    }

    /// Years held, newest first.
    pub fn years(&self) -> Vec<i32> {
        self.inner.read().expect("ledger lock").years.keys().rev().copied().collect()
    }
}

fn add_ward(t: &mut Transitions, ward: &str, m: &Moves, poor: [i64; 2]) {
    t.households += m.households;
    t.left_poverty += m.left_poverty;
    t.fell_into_poverty += m.fell_into_poverty;
    t.poor_to_near_poor += m.poor_to_near_poor;
    t.near_poor_to_poor += m.near_poor_to_poor;
    t.left_near_poverty += m.left_near_poverty;
    t.fell_into_near_poverty += m.fell_into_near_poverty;
    t.poor_from += poor[0];
    t.poor_to += poor[1];
    t.by_ward.push(WardTransitions {
        ward_code: ward.to_owned(),
        left_poverty: m.left_poverty,
        fell_into_poverty: m.fell_into_poverty,
        poor_to_near_poor: m.poor_to_near_poor,
        near_poor_to_poor: m.near_poor_to_poor,
        poor_from: poor[0],
        poor_to: poor[1],
    });
}

/// Transitions from SQL's counts: (commune of the second review, class then,
/// class now, households) and (first year?, commune, poor households).
pub fn transitions_of(
    from: i32,
    to: i32,
    pairs: impl Iterator<Item = (String, Class, Class, i64)>,
    poor: impl Iterator<Item = (bool, String, i64)>,
) -> Transitions {
    let mut wards: BTreeMap<String, (Moves, [i64; 2])> = BTreeMap::new();
    for (ward, a, b, n) in pairs {
        let m = &mut wards.entry(ward).or_default().0;
        for _ in 0..n {
            m.add(a, b);
        }
    }
    for (first, ward, n) in poor {
        wards.entry(ward).or_default().1[usize::from(!first)] += n;
    }
    let mut t = Transitions { from, to, ..Default::default() };
    for (ward, (m, p)) in &wards {
        add_ward(&mut t, ward, m, *p);
    }
    t
}

/// The deprivation profile: indicators by households lacking them, most first
/// (the standard's order among equals).
pub fn profile(counts: impl Iterator<Item = (String, i64)>) -> Vec<Deprivation> {
    let mut list: Vec<Deprivation> =
        counts.map(|(code, households_lacking)| Deprivation { code, households_lacking }).collect();
    list.sort_by(|a, b| b.households_lacking.cmp(&a.households_lacking));
    list
}

/// The follower's side: yearly reviews changed since the last read.
pub struct LedgerFeed(pub Ledger);

impl Feed for LedgerFeed {
    const TABLE: &'static str = "poverty_reviews";
    type Batch = Vec<Row>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Row>> {
        let cond = since.map_or_else(|| "TRUE".to_owned(), |s| s.condition("seq"));
        let sql = format!(
            "SELECT household_id, year, ward_code, class, status, deprivations FROM poverty_reviews
             WHERE province_code = $1 AND kind = 'yearly' AND {cond}"
        );
        Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?))
    }

    fn apply(&self, batch: Vec<Row>) -> usize {
        self.0.apply_rows(&batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(h: i64, year: i32, ward: &str, class: &str, lacks: &str) -> Row {
        (h, year, ward.into(), class.into(), "approved".into(), lacks.into())
    }

    #[test]
    fn the_ledger_counts_as_the_sql_fold_does() {
        let codes: Vec<String> = ["employment", "nutrition", "telecom"].map(String::from).to_vec();
        let l = Ledger::new(codes.clone());
        l.apply_rows(&[
            row(1, 2022, "22504", "poor", "employment,nutrition,telecom"),
            row(2, 2022, "22504", "near_poor", "telecom"),
            row(3, 2022, "22624", "poor", "employment,telecom,nutrition"),
            row(1, 2023, "22504", "near_poor", "telecom"),
            row(2, 2023, "22504", "poor", "employment,nutrition,telecom"),
            row(3, 2023, "22624", "not_poor", ""),
            row(4, 2023, "22624", "poor", "employment,nutrition,telecom"),
        ]);
        let s = l.summary(2022, &[], &codes);
        assert_eq!((s.households, s.poor, s.near_poor, s.middle), (3, 2, 1, 0));
        assert_eq!(s.by_ward.len(), 2);
        assert_eq!(s.deprivations[0], Deprivation { code: "telecom".into(), households_lacking: 3 });
        let t = l.transitions(2022, 2023, &[]);
        assert_eq!((t.households, t.left_poverty, t.fell_into_poverty), (3, 2, 1));
        assert_eq!((t.poor_to_near_poor, t.near_poor_to_poor), (1, 1));
        assert_eq!((t.poor_from, t.poor_to), (2, 2), "household 4 was not reviewed in 2022 but is poor in 2023");
        let sql = transitions_of(
            2022,
            2023,
            vec![
                ("22504".to_string(), Class::Poor, Class::NearPoor, 1),
                ("22504".to_string(), Class::NearPoor, Class::Poor, 1),
                ("22624".to_string(), Class::Poor, Class::NotPoor, 1),
            ]
            .into_iter(),
            vec![
                (true, "22504".to_string(), 1),
                (true, "22624".to_string(), 1),
                (false, "22504".to_string(), 1),
                (false, "22624".to_string(), 1),
            ]
            .into_iter(),
        );
        assert_eq!(sql, t);
        let mine = l.transitions(2022, 2023, &["22624".to_string()]);
        assert_eq!((mine.households, mine.left_poverty, mine.poor_to), (1, 1, 1), "a commune officer's communes");
        // A review corrected: the household counts once, as now.
        l.apply_rows(&[row(3, 2023, "22624", "poor", "employment,nutrition,telecom")]);
        assert_eq!(l.transitions(2022, 2023, &[]).left_poverty, 1);
    }
}
