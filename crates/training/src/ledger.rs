//! The enrolments in memory: a few bytes each (dates as day numbers, codes
//! as small indexes), so the indicators of any period, commune or school are
//! one pass over them — milliseconds over a million enrolments, where SQL
//! groups every row it reads. It follows `enrolments` through
//! `platform::follow`, so enrolments written anywhere show up.

use std::collections::{BTreeMap, HashMap};
use std::sync::RwLock;

use chrono::{Datelike, NaiveDate};
use platform::follow::{Feed, Since};
use platform::{with_db, Db};

use crate::model::*;
use crate::store::{bounds, outcome_counts, Filter};

#[derive(Clone, Copy)]
struct Entry {
    start: i32,
    /// `i32::MAX` while studying with no end date.
    end: i32,
    school: u32,
    trade: u16,
    ward: u16,
    level: u8,
    funding: u8,
    status: u8,
    certificate: bool,
    /// 0: not traced; else 1 + the outcome's index.
    outcome: u8,
}

/// Codes met, each given a small number.
#[derive(Default)]
struct Names {
    names: Vec<String>,
    index: HashMap<String, u16>,
}

impl Names {
    fn of(&mut self, name: &str) -> u16 {
        if let Some(i) = self.index.get(name) {
            return *i;
        }
        let i = self.names.len() as u16;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }
}

#[derive(Default)]
struct Inner {
    entries: Vec<Entry>,
    by_id: HashMap<i64, usize>,
    trades: Names,
    wards: Names,
    /// School ids as given (small numbers already).
    schools: Vec<i64>,
    school_index: HashMap<i64, u32>,
}

/// Every enrolment's counted fields.
#[derive(Default)]
pub struct Ledger {
    inner: RwLock<Inner>,
}

/// An enrolment as the ledger reads it: (id, school, commune, trade, level,
/// funding, start, end, status, certificate, outcome).
pub type Row = (i64, i64, String, String, String, String, NaiveDate, Option<NaiveDate>, String, bool, Option<String>);

fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

impl Ledger {
    /// Index rows (a row seen before replaces its entry).
    pub fn apply_rows(&self, rows: &[Row]) -> usize {
        let mut inner = self.inner.write().expect("ledger lock");
        for (id, school, ward, trade, level, funding, start, end, status, certificate, outcome) in rows {
            let school = match inner.school_index.get(school) {
                Some(i) => *i,
                None => {
                    let i = inner.schools.len() as u32;
                    inner.schools.push(*school);
                    inner.school_index.insert(*school, i);
                    i
                }
            };
            let entry = Entry {
                start: day(*start),
                end: end.map_or(i32::MAX, day),
                school,
                trade: inner.trades.of(trade),
                ward: inner.wards.of(ward),
                level: Level::parse(level).map_or(Level::ShortCourse as u8, |l| l as u8),
                funding: Funding::parse(funding).map_or(Funding::SelfPaid as u8, |f| f as u8),
                status: Status::parse(status).map_or(Status::Studying as u8, |s| s as u8),
                certificate: *certificate,
                outcome: outcome.as_deref().and_then(Outcome::parse).map_or(0, |o| 1 + o as u8),
            };
            match inner.by_id.get(id) {
                Some(&i) => inner.entries[i] = entry,
                None => {
                    let i = inner.entries.len();
                    inner.entries.push(entry);
                    inner.by_id.insert(*id, i);
                }
            }
        }
        rows.len()
    }

    pub fn len(&self) -> usize {
        self.inner.read().expect("ledger lock").entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indicators of `f`, as [`crate::store::indicators_sql`] makes
    /// them; `codes`: school id → code.
    pub fn indicators(&self, f: &Filter, codes: &HashMap<i64, String>) -> Indicators {
        let inner = self.inner.read().expect("ledger lock");
        let (from, to) = bounds(f.from, f.to);
        let (from, to) = (day(from), day(to));
        let keep_ward: Option<Vec<bool>> =
            (!f.wards.is_empty()).then(|| inner.wards.names.iter().map(|w| f.wards.contains(w)).collect());
        let school = match f.school {
            Some(s) => match inner.school_index.get(&s) {
                Some(i) => Some(*i),
                None => return Indicators::default(),
            },
            None => None,
        };
        let mut levels = [0i64; 4];
        let mut funding = [0i64; 6];
        let mut schools = vec![0i64; inner.schools.len()];
        let mut trades = vec![0i64; inner.trades.names.len()];
        let mut wards = vec![0i64; inner.wards.names.len()];
        // Graduates, traced, employed after: by school, by trade.
        let mut school_out = vec![[0i64; 3]; inner.schools.len()];
        let mut trade_out = vec![[0i64; 3]; inner.trades.names.len()];
        let mut i = Indicators::default();
        let graduated = Status::Graduated as u8;
        let dropped = Status::Dropped as u8;
        for e in &inner.entries {
            if school.is_some_and(|s| s != e.school) || keep_ward.as_ref().is_some_and(|k| !k[e.ward as usize]) {
                continue;
            }
            if e.start >= from && e.start <= to {
                i.enrolled += 1;
                levels[e.level as usize] += 1;
                funding[e.funding as usize] += 1;
                schools[e.school as usize] += 1;
                trades[e.trade as usize] += 1;
                wards[e.ward as usize] += 1;
            }
            if e.end >= from && e.end <= to {
                if e.status == graduated {
                    let traced = i64::from(e.outcome != 0);
                    let employed = i64::from(e.outcome != 0 && Outcome::ALL[(e.outcome - 1) as usize].works());
                    i.graduated += 1;
                    i.certified += i64::from(e.certificate);
                    i.traced += traced;
                    i.employed_after += employed;
                    for c in [&mut school_out[e.school as usize], &mut trade_out[e.trade as usize]] {
                        c[0] += 1;
                        c[1] += traced;
                        c[2] += employed;
                    }
                } else if e.status == dropped {
                    i.dropped += 1;
                }
            }
        }
        i.by_level = Level::ALL
            .iter()
            .filter(|l| levels[l.index()] > 0)
            .map(|l| LevelCount { level: *l, count: levels[l.index()] })
            .collect();
        let named = |names: &[String], counts: &[i64]| -> Vec<CodeCount> {
            let m: BTreeMap<&str, i64> =
                names.iter().zip(counts).filter(|(_, n)| **n > 0).map(|(c, n)| (c.as_str(), *n)).collect();
            m.into_iter().map(|(c, n)| CodeCount { code: c.to_owned(), count: n }).collect()
        };
        let mut by_fund: Vec<CodeCount> = Funding::ALL
            .iter()
            .filter(|x| funding[x.index()] > 0)
            .map(|x| CodeCount { code: x.as_str().to_owned(), count: funding[x.index()] })
            .collect();
        by_fund.sort_by(|a, b| a.code.cmp(&b.code));
        i.by_funding = by_fund;
        i.by_trade = named(&inner.trades.names, &trades);
        i.by_ward = named(&inner.wards.names, &wards);
        let school_codes: Vec<String> =
            inner.schools.iter().map(|s| codes.get(s).cloned().unwrap_or_else(|| s.to_string())).collect();
        let mut by_school: BTreeMap<String, i64> = BTreeMap::new();
        for (code, n) in school_codes.iter().zip(&schools).filter(|(_, n)| **n > 0) {
            *by_school.entry(code.clone()).or_default() += n;
        }
        i.by_school = by_school.into_iter().map(|(school_code, count)| SchoolCount { school_code, count }).collect();
        let mut out: BTreeMap<String, [i64; 3]> = BTreeMap::new();
        for (code, c) in school_codes.iter().zip(&school_out).filter(|(_, c)| c[0] > 0) {
            let o = out.entry(code.clone()).or_default();
            (0..3).for_each(|k| o[k] += c[k]);
        }
        i.outcomes_by_school = outcome_counts(out);
        let out: BTreeMap<String, [i64; 3]> =
            inner.trades.names.iter().cloned().zip(trade_out).filter(|(_, c)| c[0] > 0).collect();
        i.outcomes_by_trade = outcome_counts(out);
        i
    }
}

/// The ledger as a follower of `enrolments`.
pub struct LedgerFeed(pub Ledger);

impl Feed for LedgerFeed {
    const TABLE: &'static str = "enrolments";
    type Batch = Vec<Row>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Row>> {
        let cond = since.map_or_else(|| "TRUE".to_owned(), |s| s.condition("seq"));
        let sql = format!(
            "SELECT id, school_id, ward_code, trade, level, funding, start_date, end_date, status, certificate, outcome
             FROM enrolments WHERE province_code = $1 AND {cond}"
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

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn row(
        id: i64,
        school: i64,
        ward: &str,
        level: &str,
        start: NaiveDate,
        end: Option<NaiveDate>,
        status: &str,
        cert: bool,
        outcome: Option<&str>,
    ) -> Row {
        (
            id,
            school,
            ward.into(),
            "han".into(),
            level.into(),
            "state_rural".into(),
            start,
            end,
            status.into(),
            cert,
            outcome.map(String::from),
        )
    }

    #[test]
    fn the_ledger_counts_starts_and_ends_in_the_period() {
        let l = Ledger::default();
        l.apply_rows(&[
            row(1, 7, "22504", "elementary", d(2022, 3, 1), Some(d(2022, 6, 1)), "graduated", true, Some("employed")),
            row(
                2,
                7,
                "22504",
                "short_course",
                d(2022, 12, 1),
                Some(d(2023, 2, 1)),
                "graduated",
                false,
                Some("not_employed"),
            ),
            row(3, 8, "22624", "college", d(2021, 9, 1), Some(d(2022, 5, 1)), "dropped", false, None),
            row(4, 8, "22624", "college", d(2022, 9, 1), None, "studying", false, None),
        ]);
        let codes: HashMap<i64, String> = [(7, "A".to_owned()), (8, "B".to_owned())].into();
        let y2022 = Filter { from: Some(d(2022, 1, 1)), to: Some(d(2022, 12, 31)), ..Default::default() };
        let i = l.indicators(&y2022, &codes);
        assert_eq!((i.enrolled, i.graduated, i.certified, i.dropped, i.employed_after, i.traced), (3, 1, 1, 1, 1, 1));
        assert_eq!(
            i.outcomes_by_school,
            vec![OutcomeCount { code: "A".into(), graduated: 1, traced: 1, employed_after: 1 }]
        );
        assert_eq!(
            i.by_school,
            vec![SchoolCount { school_code: "A".into(), count: 2 }, SchoolCount { school_code: "B".into(), count: 1 }]
        );
        assert_eq!(
            i.by_level.iter().map(|c| (c.level, c.count)).collect::<Vec<_>>(),
            [(Level::College, 1), (Level::Elementary, 1), (Level::ShortCourse, 1)]
        );
        let commune = Filter { wards: vec!["22624".into()], ..y2022.clone() };
        assert_eq!(l.indicators(&commune, &codes).enrolled, 1);
        let school = Filter { school: Some(7), ..Default::default() };
        assert_eq!(l.indicators(&school, &codes).enrolled, 2, "an open period counts every enrolment");
        // An enrolment saved again replaces its entry.
        l.apply_rows(&[row(4, 8, "22624", "college", d(2022, 9, 1), Some(d(2022, 12, 20)), "dropped", false, None)]);
        assert_eq!(l.indicators(&y2022, &codes).dropped, 2);
        assert_eq!(l.len(), 4);
    }
}
