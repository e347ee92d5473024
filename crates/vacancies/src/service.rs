//! The board's long-lived state: the search index, its catch-up with the
//! database, and the daily upkeep (warn, then expire, stale vacancies).

use crate::index::BoardIndex;
use crate::model::Status;
use crate::rules::{self, Upkeep};
use chrono::{DateTime, Utc};
use platform::Db;
use std::sync::Arc;
use std::time::Duration;

pub struct Board {
    pub index: BoardIndex,
    synced: tokio::sync::Mutex<Option<Option<crate::store::Cursor>>>,
    loaded: std::sync::atomic::AtomicBool,
    db: Db,
    province: String,
    mail: bool,
}

impl Board {
    pub fn new(db: Db, province: &str, mail: bool) -> Arc<Self> {
        Arc::new(Self {
            index: BoardIndex::default(),
            synced: tokio::sync::Mutex::new(None),
            loaded: Default::default(),
            db,
            province: province.into(),
            mail,
        })
    }

    /// Bring the index up to date with vacancies changed since the last sync;
    /// returns how many changed the index.
    pub async fn sync(&self) -> anyhow::Result<usize> {
        let mut synced = self.synced.lock().await;
        let (records, latest) = match synced.flatten() {
            None => crate::store::all_published(&self.db, &self.province).await?,
            Some(since) => {
                let (versions, latest) = crate::store::versions_since(&self.db, &self.province, since).await?;
                let stale = self.index.stale(&versions);
                (crate::store::by_ids(&self.db, &self.province, &stale).await?, Some(latest))
            }
        };
        let changed = self.index.upsert(&records);
        *synced = Some(latest);
        self.loaded.store(true, std::sync::atomic::Ordering::Release);
        Ok(changed)
    }

    pub async fn ensure_loaded(&self) -> anyhow::Result<()> {
        // Checked on every search: a flag, not the lock the sync holds.
        if self.loaded.load(std::sync::atomic::Ordering::Acquire) {
            return Ok(());
        }
        if self.synced.lock().await.is_none() {
            self.sync().await?;
        }
        Ok(())
    }

    /// Warn employers of vacancies about to go stale; expire the stale and
    /// those past their deadline. Returns (warned, expired).
    pub async fn upkeep(&self, now: DateTime<Utc>) -> anyhow::Result<(usize, usize)> {
        let today = platform::time::local_date(now);
        let (mut warned, mut expired) = (0, 0);
        for (id, employer, title, updated, warned_at, deadline) in
            crate::store::published_for_upkeep(&self.db, &self.province).await?
        {
            let (key, action) = match rules::upkeep(now, updated, warned_at, deadline, today) {
                Upkeep::Nothing => continue,
                Upkeep::Warn => {
                    crate::store::mark_warned(&self.db, &self.province, id).await?;
                    warned += 1;
                    ("vacancies.notify.expiring", "warn")
                }
                Upkeep::Expire => {
                    rules::transition(Status::Published, rules::Transition::Expire, rules::Actor::System, true)
                        .map_err(anyhow::Error::msg)?;
                    crate::store::set_status(&self.db, &self.province, id, Status::Expired, None).await?;
                    expired += 1;
                    ("vacancies.notify.expired", "expire")
                }
            };
            tracing::info!(vacancy = id, action, "vacancy upkeep");
            let days = rules::WARN_DAYS_BEFORE.to_string();
            let to = platform::notify::To::Employer(employer);
            let args = [("title", title.as_str()), ("days", days.as_str())];
            let link = format!("/vacancies/{id}");
            platform::notify::tell_in(&self.db, &self.province, self.mail, to, key, &args, Some(&link)).await?;
        }
        if expired > 0 {
            self.sync().await?;
        }
        Ok((warned, expired))
    }

    /// Load now; then follow other writers every few seconds and run the
    /// upkeep every hour.
    pub fn spawn(self: &Arc<Self>) {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut last_upkeep: Option<std::time::Instant> = None;
            loop {
                if let Err(e) = me.sync().await {
                    tracing::warn!(error = %e, "board index sync failed");
                }
                if last_upkeep.is_none_or(|t| t.elapsed() >= Duration::from_secs(3600)) {
                    if let Err(e) = me.upkeep(Utc::now()).await {
                        tracing::warn!(error = %e, "vacancy upkeep failed");
                    }
                    last_upkeep = Some(std::time::Instant::now());
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
    }
}
