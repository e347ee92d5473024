//! The poverty capability's long-lived state (the standards, the ledger)
//! and the steps a page and the API share.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use platform::auth::AreaScope;
use platform::error::{AppError, AppResult};
use platform::follow::Follower;
use platform::Db;

use crate::ledger::{Ledger, LedgerFeed};
use crate::model::*;
use crate::standard::{Standard, Standards};

pub struct Poverty {
    pub standards: Standards,
    ledger: Follower<LedgerFeed>,
    db: Db,
    province: String,
}

impl Poverty {
    pub fn new(db: Db, province: &str, standards: Standards) -> Arc<Poverty> {
        let ledger = Ledger::new(standards.all_codes());
        let follower = Follower::new(Arc::new(LedgerFeed(ledger)), db.clone(), province);
        Arc::new(Poverty { standards, ledger: follower, db, province: province.to_owned() })
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger.feed().0
    }

    /// Catch up with the reviews written since the last answer (one indexed
    /// read when nothing changed), so a figure never lags a save.
    async fn fresh(&self) -> AppResult<&Ledger> {
        self.ledger.sync().await?;
        Ok(self.ledger())
    }

    /// The standard whose indicators a year's figures profile: the one in
    /// force during its review.
    pub fn standard_of_year(&self, year: i32) -> &Standard {
        self.standards.in_force(review_day(year))
    }

    pub async fn summary(&self, year: i32, wards: &[String]) -> AppResult<Summary> {
        let codes: Vec<String> = self.standard_of_year(year).indicators.iter().map(|i| i.code.clone()).collect();
        let mut s = self.fresh().await?.summary(year, wards, &codes);
        // The rates' denominators: the totals the communes reported.
        let totals = crate::store::totals(&self.db, &self.province, year).await?;
        for w in &mut s.by_ward {
            w.total_households = totals.get(&w.ward_code).copied();
        }
        let known: Vec<i64> = s.by_ward.iter().filter_map(|w| w.total_households).collect();
        s.total_households = (!known.is_empty()).then(|| known.iter().sum());
        Ok(s)
    }

    pub async fn transitions(&self, from: i32, to: i32, wards: &[String]) -> AppResult<Transitions> {
        Ok(self.fresh().await?.transitions(from, to, wards))
    }

    /// Years with reviews, newest first.
    pub async fn years(&self) -> AppResult<Vec<i32>> {
        Ok(self.fresh().await?.years())
    }
}

/// The day a yearly review is taken to be done on when only its year is known
/// (the review runs from 1 September to 14 December).
pub fn review_day(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 11, 1).unwrap_or(NaiveDate::MIN)
}

/// The year whose review is current on `day`: this year's once it has started.
pub fn current_year(day: NaiveDate) -> i32 {
    if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The communes a scope keeps, as a filter (empty: all).
pub fn wards_of(scope: &AreaScope) -> AppResult<Vec<String>> {
    match scope {
        AreaScope::All => Ok(vec![]),
        AreaScope::Wards(w) => Ok(w.clone()),
        AreaScope::Nothing => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_review_starts_in_september() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(current_year(d(2026, 8, 31)), 2025);
        assert_eq!(current_year(d(2026, 9, 1)), 2026);
        assert_eq!(current_year(d(2026, 12, 31)), 2026);
    }
}
