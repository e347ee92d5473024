//! Ranking both ways over the pools, with the weights in force.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use platform::follow::Follower;
use platform::Db;

use crate::pool::{Offers, Seekers};
use crate::rules::{self, Fit, Offer, Seeker, Weights};

pub struct Matcher {
    pub seekers: Arc<Seekers>,
    pub offers: Arc<Offers>,
    follow_seekers: Arc<Follower<Seekers>>,
    follow_offers: Arc<Follower<Offers>>,
    pub weights: Weights,
}

/// One ranked result: the other side's id and how well it fits.
#[derive(Debug, Clone)]
pub struct Ranked {
    pub id: i64,
    pub fit: Fit,
}

/// Straight-line km between two communes' centroids, when both are known.
pub fn km_between(a: &str, b: &str) -> Option<f64> {
    let d = refdata::refdata();
    let at = |code: &str| d.ward(code).and_then(|w| Some((w.lat?, w.lon?)));
    Some(refdata::distance_km(at(a)?, at(b)?))
}

fn km_of(s: &Seeker, o: &Offer) -> Option<f64> {
    km_between(&s.ward_code, o.work_ward_code.as_deref()?)
}

/// Best first; ties by id for a stable order.
fn best_first(mut all: Vec<Ranked>, limit: usize) -> Vec<Ranked> {
    all.sort_by(|a, b| b.fit.score.total_cmp(&a.fit.score).then(a.id.cmp(&b.id)));
    all.truncate(limit);
    all
}

impl Matcher {
    pub fn new(db: Db, province: &str, weights: Weights) -> Arc<Self> {
        let seekers = Arc::new(Seekers::default());
        let offers = Arc::new(Offers::default());
        Arc::new(Matcher {
            follow_seekers: Arc::new(Follower::new(Arc::clone(&seekers), db.clone(), province)),
            follow_offers: Arc::new(Follower::new(Arc::clone(&offers), db, province)),
            seekers,
            offers,
            weights,
        })
    }

    /// Load both sides now and follow other writers every few seconds.
    pub fn spawn(self: &Arc<Self>) {
        self.follow_seekers.spawn(Duration::from_secs(5));
        self.follow_offers.spawn(Duration::from_secs(5));
    }

    /// Bring both sides up to date: what this server and others changed
    /// since the last read (one query per side; everything at first).
    pub async fn sync(&self) -> anyhow::Result<()> {
        self.follow_seekers.sync().await?;
        self.follow_offers.sync().await?;
        Ok(())
    }

    pub async fn ensure_loaded(&self) -> anyhow::Result<()> {
        self.follow_seekers.ensure_loaded().await?;
        self.follow_offers.ensure_loaded().await
    }

    /// Ranked people for a vacancy among those `allowed` (the viewer's
    /// communes, or an employer's applicants and findable people): the
    /// best `limit`, and how many were eligible.
    pub fn candidates(
        &self,
        offer: &Offer,
        today: NaiveDate,
        limit: usize,
        allowed: impl Fn(&Seeker) -> bool,
    ) -> (Vec<Ranked>, usize) {
        let mut all = Vec::new();
        self.seekers.0.each(|s| {
            if allowed(s) && rules::eligible(s, offer, today).is_ok() {
                all.push(Ranked { id: s.id, fit: rules::score(s, offer, km_of(s, offer), &self.weights) });
            }
        });
        let total = all.len();
        (best_first(all, limit), total)
    }

    /// Ranked open vacancies for a person: the best `limit`, and how many
    /// were eligible.
    pub fn matches(&self, seeker: &Seeker, today: NaiveDate, limit: usize) -> (Vec<Ranked>, usize) {
        let mut all = Vec::new();
        self.offers.0.each(|o| {
            if rules::eligible(seeker, o, today).is_ok() {
                all.push(Ranked { id: o.id, fit: rules::score(seeker, o, km_of(seeker, o), &self.weights) });
            }
        });
        let total = all.len();
        (best_first(all, limit), total)
    }
}
