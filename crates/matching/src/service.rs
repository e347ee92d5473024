//! Ranking both ways over the pools, with the weights in force.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use platform::follow::Follower;
use platform::Db;

use crate::index::Among;
use crate::pool::{Offers, PartnerOffers, Seekers};
use crate::rules::{self, Fit, Offer, Seeker, Weights};

pub struct Matcher {
    pub seekers: Arc<Seekers>,
    pub offers: Arc<Offers>,
    follow_seekers: Arc<Follower<Seekers>>,
    follow_offers: Arc<Follower<Offers>>,
    follow_partners: Arc<Follower<PartnerOffers>>,
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
            follow_offers: Arc::new(Follower::new(Arc::clone(&offers), db.clone(), province)),
            follow_partners: Arc::new(Follower::new(Arc::new(PartnerOffers(Arc::clone(&offers))), db, province)),
            seekers,
            offers,
            weights,
        })
    }

    /// Load both sides now and follow other writers every few seconds.
    pub fn spawn(self: &Arc<Self>) {
        self.follow_seekers.spawn(Duration::from_secs(5));
        self.follow_offers.spawn(Duration::from_secs(5));
        self.follow_partners.spawn(Duration::from_secs(5));
    }

    /// Bring both sides up to date: what this server and others changed
    /// since the last read (one query per side; everything at first).
    pub async fn sync(&self) -> anyhow::Result<()> {
        self.follow_seekers.sync().await?;
        self.follow_offers.sync().await?;
        self.follow_partners.sync().await?;
        Ok(())
    }

    /// How well a pair fits (the pair already [`rules::eligible`]).
    pub fn fit(&self, s: &Seeker, o: &Offer) -> Fit {
        rules::score(s, o, km_of(s, o), &self.weights)
    }

    /// Ranked people for a vacancy among those allowed (the viewer's
    /// communes, or an employer's applicants and findable people): the
    /// best `limit` with their reasons, and how many were eligible.
    pub fn candidates(&self, offer: &Offer, today: NaiveDate, limit: usize, among: Among<'_>) -> (Vec<Ranked>, usize) {
        let (best, total) = self.seekers.0.rank(offer, today, limit, among, &self.weights, km_between);
        let ranked = best
            .into_iter()
            .filter_map(|(id, _)| Some(Ranked { id, fit: self.fit(&self.seekers.0.get(id)?, offer) }))
            .collect();
        (ranked, total)
    }

    /// Ranked open vacancies for a person: the best `limit`, and how many
    /// were eligible.
    pub fn matches(&self, seeker: &Seeker, today: NaiveDate, limit: usize) -> (Vec<Ranked>, usize) {
        let mut all = Vec::new();
        self.offers.0.each(|o| {
            if rules::eligible(seeker, o, today).is_ok() {
                all.push(Ranked { id: o.id, fit: self.fit(seeker, o) });
            }
        });
        let total = all.len();
        (best_first(all, limit), total)
    }

    /// One pair's score, or None when the hard filters leave it out (or
    /// either side is unknown).
    pub fn pair(&self, person_id: i64, vacancy_id: i64, today: NaiveDate) -> Option<f64> {
        let (s, o) = (self.seekers.0.get(person_id)?, self.offers.0.get(vacancy_id)?);
        rules::eligible(&s, &o, today).ok()?;
        Some(self.fit(&s, &o).score)
    }

    /// Labelled pairs for [`crate::eval`]: for each of the first `vacancies`
    /// open vacancies (by id), its `per / 2` best candidates by the current
    /// weights and as many other eligible people taken evenly by id, each
    /// labelled by the rubric [`crate::eval::label`].
    pub fn labelled(&self, today: NaiveDate, vacancies: usize, per: usize) -> Vec<crate::eval::Pair> {
        let mut offers: Vec<Arc<Offer>> = Vec::new();
        self.offers.0.each(|o| offers.push(Arc::new(o.clone())));
        offers.retain(|o| o.published && o.deadline >= today && !o.partner);
        offers.sort_by_key(|o| o.id);
        let mut pairs = Vec::new();
        for o in offers.iter().take(vacancies) {
            let (top, _) = self.candidates(o, today, per / 2, Among::All);
            let mut chosen: Vec<i64> = top.iter().map(|r| r.id).collect();
            let mut rest: Vec<i64> = Vec::new();
            self.seekers.0.each_eligible(o, today, |s| {
                if !chosen.contains(&s.id) {
                    rest.push(s.id);
                }
            });
            rest.sort_unstable();
            let step = (rest.len() / (per - chosen.len()).max(1)).max(1);
            chosen.extend(rest.iter().step_by(step).take(per - chosen.len()));
            for id in chosen {
                let s = self.seekers.0.get(id).expect("chosen from the pool");
                let relevant = crate::eval::label(&s, o, km_of(&s, o));
                pairs.push(crate::eval::Pair { person_id: id, vacancy_id: o.id, relevant });
            }
        }
        pairs
    }
}
