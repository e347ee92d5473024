//! The board's long-lived state: the search index, its catch-up with the
//! database, and the daily upkeep (warn, then expire, stale vacancies).

use crate::index::BoardIndex;
use crate::model::{Status, VacancyRecord};
use crate::rules::{self, Upkeep};
use chrono::{DateTime, Utc};
use platform::follow::{Feed, Follower, Since};
use platform::Db;
use std::sync::Arc;
use std::time::Duration;

impl Feed for BoardIndex {
    const TABLE: &'static str = "vacancies";
    type Batch = Vec<VacancyRecord>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<VacancyRecord>> {
        crate::store::changed(db, province, since).await
    }

    fn apply(&self, records: Vec<VacancyRecord>) -> usize {
        self.upsert(&records)
    }
}

pub struct Board {
    pub index: Arc<BoardIndex>,
    follower: Arc<Follower<BoardIndex>>,
    db: Db,
    province: String,
    mail: bool,
    /// The form's option lists, escaped once per language.
    choices: [std::sync::OnceLock<Arc<crate::board::FormChoices>>; 2],
}

impl Board {
    pub fn new(db: Db, province: &str, mail: bool) -> Arc<Self> {
        let index = Arc::new(BoardIndex::default());
        let follower = Arc::new(Follower::new(Arc::clone(&index), db.clone(), province));
        Arc::new(Self { index, follower, db, province: province.into(), mail, choices: Default::default() })
    }

    /// Bring the index up to date with vacancies changed since the last sync;
    /// returns how many changed the index.
    pub async fn sync(&self) -> anyhow::Result<usize> {
        self.follower.sync().await
    }

    pub async fn ensure_loaded(&self) -> anyhow::Result<()> {
        self.follower.ensure_loaded().await
    }

    /// The board form's communes, provinces and occupation groups in `lang`.
    pub(crate) fn form_choices(&self, lang: platform::i18n::Lang) -> Arc<crate::board::FormChoices> {
        let slot = &self.choices[lang as usize];
        Arc::clone(slot.get_or_init(|| Arc::new(crate::board::FormChoices::new(&self.province, lang))))
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

    /// Load now and follow other writers every few seconds; the upkeep runs
    /// every hour through the job runner.
    pub fn spawn(self: &Arc<Self>) {
        self.follower.spawn(Duration::from_secs(5));
        platform::jobs::schedule(self.db.clone(), Arc::clone(self));
    }
}

/// The hourly upkeep: each run is a job the operator sees (what ran, when, how many).
impl platform::jobs::Scheduled for Board {
    const KIND: &'static str = "vacancies.upkeep";

    fn period(&self) -> Duration {
        Duration::from_secs(3600)
    }

    async fn run(&self, _job: Arc<platform::jobs::Handle>) -> Result<platform::jobs::Finished, String> {
        let (warned, expired) = self.upkeep(Utc::now()).await.map_err(|e| format!("{e:#}"))?;
        let result = serde_json::json!({ "warned": warned, "expired": expired }).to_string();
        Ok(platform::jobs::Finished { counts: ((warned + expired) as i64, 0, 0), result })
    }
}
