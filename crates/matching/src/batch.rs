//! Danh sách ứng viên và thông báo việc làm phù hợp: the scheduled batch.
//! Each run writes the best [`SHORTLIST`] people of every open vacancy, then
//! tells people of vacancies published in the last [`ALERT_DAYS`] days that
//! suit them well: in the app when they have an account, and on their phone
//! through the first configured channel ([`platform::channels`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use platform::channels::Channels;
use platform::jobs::{Finished, Handle, Scheduled};
use platform::types::PhoneNumber;
use platform::{with_db, Db};
use serde::Serialize;

use crate::index::Among;
use crate::rules::Offer;
use crate::service::{km_between, Matcher};

/// People kept per vacancy.
pub const SHORTLIST: usize = 20;
/// A person is told of a vacancy on their shortlist scoring at least this.
pub const ALERT_MIN_SCORE: f64 = 70.0;
/// At most this many vacancies per person per run: the best.
pub const ALERTS_PER_PERSON: usize = 3;
/// Vacancies published within these days are new.
pub const ALERT_DAYS: i64 = 7;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Outcome {
    pub vacancies: usize,
    /// Shortlist rows written.
    pub listed: usize,
    /// People told of a new vacancy (each pair once, ever).
    pub alerts: usize,
    pub in_app: usize,
    /// Sent by phone, per channel.
    pub sms: usize,
    pub zalo: usize,
    /// Phone messages the gateway refused.
    pub failed: usize,
    /// Alerts to people without an account that no channel could carry
    /// (none configured): counted, never pretended sent.
    pub unsent: usize,
}

/// The shortlist of every offer, best first, ranked on `threads` threads.
pub fn rank_all(
    m: &Matcher,
    offers: &[Offer],
    today: NaiveDate,
    threads: usize,
    done: &AtomicUsize,
) -> Vec<(i64, Vec<(i64, f64)>)> {
    let next = AtomicUsize::new(0);
    let mut out: Vec<(i64, Vec<(i64, f64)>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(o) = offers.get(i) else { break };
                        let (best, _) = m.seekers.0.rank(o, today, SHORTLIST, Among::All, &m.weights, km_between);
                        mine.push((o.id, best));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    mine
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("ranking thread")).collect()
    });
    out.sort_by_key(|x| x.0);
    out
}

/// Who is told of what: each person's best new vacancies, at most
/// [`ALERTS_PER_PERSON`], among pairs scoring at least [`ALERT_MIN_SCORE`].
pub fn alerts_of(lists: &[(i64, Vec<(i64, f64)>)], new: impl Fn(i64) -> bool) -> Vec<(i64, i64, f64)> {
    let mut by_person: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    for (vacancy, best) in lists.iter().filter(|(v, _)| new(*v)) {
        for &(person, score) in best.iter().filter(|(_, s)| *s >= ALERT_MIN_SCORE) {
            by_person.entry(person).or_default().push((*vacancy, score));
        }
    }
    let mut out: Vec<(i64, i64, f64)> = by_person
        .into_iter()
        .flat_map(|(person, mut v)| {
            v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.into_iter().take(ALERTS_PER_PERSON).map(move |(vacancy, score)| (person, vacancy, score))
        })
        .collect();
    out.sort_by_key(|a| (a.0, a.1));
    out
}

/// Numbers as SQL text: the rows are ids and scores only, so a batch is one
/// statement per thousand rows on either backend.
fn values(rows: &[(i64, i64, i64, f64)]) -> String {
    rows.iter().map(|(a, b, c, s)| format!("($1, {a}, {b}, {c}, {s}, $2)")).collect::<Vec<_>>().join(", ")
}

/// Replace the province's shortlists with `lists`, in one transaction.
pub async fn write_shortlists(db: &Db, province: &str, lists: &[(i64, Vec<(i64, f64)>)]) -> anyhow::Result<usize> {
    let rows: Vec<(i64, i64, i64, f64)> = lists
        .iter()
        .flat_map(|(v, best)| best.iter().enumerate().map(move |(i, (p, s))| (*v, i as i64 + 1, *p, *s)))
        .collect();
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM shortlists WHERE province_code = $1").bind(province).execute(&mut *tx).await?;
        for chunk in rows.chunks(1000) {
            let sql = format!(
                "INSERT INTO shortlists (province_code, vacancy_id, position, person_id, score, computed_at) VALUES {}",
                values(chunk)
            );
            sqlx::query(&sql).bind(province).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(rows.len())
}

/// A vacancy's shortlist as the last run wrote it: (person, score), best
/// first, and when.
pub async fn shortlist(
    db: &Db,
    province: &str,
    vacancy: i64,
) -> anyhow::Result<(Vec<(i64, f64)>, Option<chrono::DateTime<Utc>>)> {
    let rows: Vec<(i64, f64, chrono::DateTime<Utc>)> = with_db!(db, p => sqlx::query_as(
        "SELECT person_id, score, computed_at FROM shortlists WHERE province_code = $1 AND vacancy_id = $2
         ORDER BY position")
        .bind(province).bind(vacancy).fetch_all(p).await?);
    let at = rows.first().map(|r| r.2);
    Ok((rows.into_iter().map(|r| (r.0, r.1)).collect(), at))
}

/// Record the alerts not yet given; returns those that are new.
async fn record_alerts(db: &Db, province: &str, alerts: &[(i64, i64, f64)]) -> anyhow::Result<Vec<(i64, i64, f64)>> {
    let mut fresh = Vec::new();
    let now = Utc::now();
    for chunk in alerts.chunks(1000) {
        let values = chunk
            .iter()
            .map(|(person, vacancy, score)| format!("($1, {person}, {vacancy}, {score}, FALSE, $2)"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO match_alerts (province_code, person_id, vacancy_id, score, in_app, created_at) VALUES {values}
             ON CONFLICT (province_code, person_id, vacancy_id) DO NOTHING RETURNING person_id, vacancy_id, score"
        );
        let inserted: Vec<(i64, i64, f64)> =
            with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(now).fetch_all(p).await?);
        fresh.extend(inserted);
    }
    fresh.sort_by_key(|a| (a.0, a.1));
    Ok(fresh)
}

/// `IN (…)` over ids, as SQL text (integers only).
fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The scheduled batch, with what it needs to tell people.
pub struct Shortlists {
    pub db: Db,
    pub province: String,
    pub matcher: Arc<Matcher>,
    pub channels: Arc<Channels>,
    /// Absolute base of links in phone messages.
    pub public_url: String,
    /// Mail in-app alerts too (the server has SMTP).
    pub mail: bool,
    /// Ranking threads.
    pub threads: usize,
}

impl Shortlists {
    /// Rank every open vacancy, write the shortlists, tell people.
    pub async fn run_now(&self, progress: impl Fn(usize, usize)) -> anyhow::Result<Outcome> {
        self.matcher.sync().await?;
        let today = platform::time::today();
        let mut offers: Vec<Offer> = Vec::new();
        self.matcher.offers.0.each(|o| {
            // A partner's vacancy is shortlisted at its origin, not here.
            if o.published && o.deadline >= today && !o.partner {
                offers.push(o.clone());
            }
        });
        offers.sort_by_key(|o| o.id);
        let total = offers.len();
        let done = Arc::new(AtomicUsize::new(0));
        let (m, threads, count) = (Arc::clone(&self.matcher), self.threads, Arc::clone(&done));
        let ranking = tokio::task::spawn_blocking(move || {
            let lists = rank_all(&m, &offers, today, threads, &count);
            (lists, offers)
        });
        tokio::pin!(ranking);
        let (lists, offers) = loop {
            tokio::select! {
                r = &mut ranking => break r?,
                _ = tokio::time::sleep(Duration::from_millis(500)) => progress(done.load(Ordering::Relaxed), total),
            }
        };
        progress(total, total);
        let listed = write_shortlists(&self.db, &self.province, &lists).await?;
        let cutoff = today - chrono::Duration::days(ALERT_DAYS);
        let new: std::collections::HashSet<i64> =
            offers.iter().filter(|o| o.published_on.is_some_and(|d| d >= cutoff)).map(|o| o.id).collect();
        let fresh = record_alerts(&self.db, &self.province, &alerts_of(&lists, |v| new.contains(&v))).await?;
        let mut out = Outcome { vacancies: total, listed, alerts: fresh.len(), ..Default::default() };
        self.tell(&fresh, &mut out).await?;
        Ok(out)
    }

    /// In the app for people with an account; by phone for the others.
    async fn tell(&self, fresh: &[(i64, i64, f64)], out: &mut Outcome) -> anyhow::Result<()> {
        let (db, province) = (&self.db, self.province.as_str());
        let vacancy_ids: Vec<i64> = {
            let mut v: Vec<i64> = fresh.iter().map(|a| a.1).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let titles: HashMap<i64, (String, String)> = vacancies::store::by_ids(db, province, &vacancy_ids)
            .await?
            .into_iter()
            .map(|v| (v.id, (v.title, v.employer_name)))
            .collect();
        let mut people: Vec<i64> = fresh.iter().map(|a| a.0).collect();
        people.sort_unstable();
        people.dedup();
        let mut accounts: HashMap<i64, i64> = HashMap::new();
        let mut phones: HashMap<i64, String> = HashMap::new();
        for chunk in people.chunks(1000) {
            let sql = format!("SELECT person_id, id FROM users WHERE person_id IN ({}) AND active", id_list(chunk));
            let rows: Vec<(i64, i64)> = with_db!(db, p => sqlx::query_as(&sql).fetch_all(p).await?);
            accounts.extend(rows);
            let sql = format!(
                "SELECT id, phone FROM {} WHERE province_code = $1 AND id IN ({}) AND phone IS NOT NULL",
                registry::store::by_id(db),
                id_list(chunk)
            );
            let rows: Vec<(i64, String)> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
            phones.extend(rows);
        }
        let channels = self.channels.ready();
        for &(person, vacancy, _) in fresh {
            let Some((title, employer)) = titles.get(&vacancy) else { continue };
            let link = format!("/jobs/{vacancy}");
            if let Some(&user) = accounts.get(&person) {
                platform::notify::send(
                    db,
                    province,
                    user,
                    "match.alert",
                    &[("title", title), ("employer", employer)],
                    Some(&link),
                    self.mail,
                )
                .await?;
                with_db!(db, p => sqlx::query(
                    "UPDATE match_alerts SET in_app = TRUE WHERE province_code = $1 AND person_id = $2 AND vacancy_id = $3")
                    .bind(province).bind(person).bind(vacancy).execute(p).await?.rows_affected());
                out.in_app += 1;
                continue;
            }
            let (Some(channel), Some(phone)) =
                (channels.first(), phones.get(&person).and_then(|p| PhoneNumber::parse(p).ok()))
            else {
                out.unsent += 1;
                continue;
            };
            // Phone messages are in Vietnamese: the person has no account to choose.
            let text = platform::i18n::fill(
                platform::i18n::t(platform::i18n::Lang::Vi, "match.alert"),
                &[("title", title), ("employer", employer)],
            );
            let url = format!("{}{link}", self.public_url.trim_end_matches('/'));
            let failure = channel.send(&phone, &text, &url).await.err();
            match (&failure, channel.name()) {
                (Some(_), _) => out.failed += 1,
                (None, "zalo") => out.zalo += 1,
                (None, _) => out.sms += 1,
            }
            with_db!(db, p => sqlx::query(
                "UPDATE match_alerts SET channel = $4, failure = $5
                 WHERE province_code = $1 AND person_id = $2 AND vacancy_id = $3")
                .bind(province).bind(person).bind(vacancy).bind(channel.name()).bind(failure.as_deref())
                .execute(p).await?.rows_affected());
        }
        Ok(())
    }

    /// A vacancy published or changed since the last run that finished, or
    /// open vacancies and a last run more than a day old.
    async fn stale(&self) -> anyhow::Result<bool> {
        let (last,): (Option<chrono::DateTime<Utc>>,) = with_db!(&self.db, p => sqlx::query_as(
            "SELECT MAX(finished_at) FROM jobs WHERE kind = $1 AND status = 'done'")
            .bind(<Self as Scheduled>::KIND).fetch_one(p).await?);
        let since = last.unwrap_or(chrono::DateTime::<Utc>::UNIX_EPOCH);
        let (open, changed): (i64, i64) = with_db!(&self.db, p => sqlx::query_as(
            "SELECT COUNT(*), COUNT(CASE WHEN updated_at > $3 THEN 1 END) FROM vacancies
             WHERE province_code = $1 AND status = 'published' AND deadline >= $2")
            .bind(&self.province).bind(platform::time::today()).bind(since).fetch_one(p).await?);
        Ok(changed > 0 || (open > 0 && Utc::now() - since > chrono::Duration::hours(24)))
    }
}

/// Every quarter of an hour, when there is something new to rank.
impl Scheduled for Shortlists {
    const KIND: &'static str = "match.shortlists";

    fn period(&self) -> Duration {
        Duration::from_secs(15 * 60)
    }

    async fn due(&self, _db: &Db) -> anyhow::Result<bool> {
        self.stale().await
    }

    async fn run(&self, job: Arc<Handle>) -> Result<Finished, String> {
        let out = self.run_now(|done, _| job.progress(done as u64, 0, 0)).await.map_err(|e| format!("{e:#}"))?;
        Ok(Finished {
            counts: (out.vacancies as i64, out.alerts as i64, out.failed as i64),
            result: serde_json::to_string(&out).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_hears_of_their_best_new_vacancies_only() {
        let lists = vec![
            (1, vec![(10, 95.0), (11, 72.0), (12, 60.0)]),
            (2, vec![(10, 90.0), (11, 69.9)]),
            (3, vec![(10, 80.0)]),
            (4, vec![(10, 85.0)]),
            (5, vec![(10, 99.0)]),
        ];
        let alerts = alerts_of(&lists, |v| v != 5);
        assert_eq!(alerts, vec![(10, 1, 95.0), (10, 2, 90.0), (10, 4, 85.0), (11, 1, 72.0)]);
    }
}
