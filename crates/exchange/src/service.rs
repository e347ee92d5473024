//! The exchange's long-lived state: the board follows the partners'
//! vacancies as it follows ours, and every partner is pulled on a schedule
//! (and on demand).

use std::sync::Arc;
use std::time::Duration;

use platform::follow::{Feed, Follower, Since};
use platform::Db;
use vacancies::index::{BoardIndex, Origin, Summary};

use crate::client::{self, PullError, Pulled};
use crate::keys::Keys;
use crate::store::{self, Partner, Received};

/// How often partners are pulled.
pub const PULL_EVERY: Duration = Duration::from_secs(15 * 60);

/// The board's view of `partner_vacancies`.
pub struct PartnerFeed {
    index: Arc<BoardIndex>,
}

impl Feed for PartnerFeed {
    const TABLE: &'static str = "partner_vacancies";
    type Batch = Vec<Received>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Received>> {
        store::received_changed(db, province, since).await
    }

    fn apply(&self, rows: Vec<Received>) -> usize {
        let today = platform::time::today();
        let rows = rows
            .into_iter()
            .map(|r| {
                let open = r.open && r.deadline >= today;
                let s = Summary {
                    id: r.id,
                    employer_id: 0,
                    title: r.title,
                    employer_name: r.employer_name,
                    occupation_isco: r.occupation_isco,
                    work_ward_code: r.work_ward_code,
                    work_province_code: r.work_province_code,
                    work_country: r.work_country,
                    wage_min: r.wage_min,
                    wage_max: r.wage_max,
                    positions: r.positions,
                    deadline: r.deadline,
                    published: r.received_at,
                    origin: Some(Arc::new(Origin { province_code: r.origin_province, url: r.url })),
                };
                (s, open, r.updated_at)
            })
            .collect();
        self.index.upsert_foreign(rows)
    }
}

pub struct Exchange {
    db: Db,
    province: String,
    follower: Arc<Follower<PartnerFeed>>,
    /// The instance's key, read (or made) once: every feed page is signed with it.
    keys: tokio::sync::OnceCell<Arc<Keys>>,
}

impl Exchange {
    pub fn new(db: Db, province: &str, index: Arc<BoardIndex>) -> Arc<Self> {
        let follower = Arc::new(Follower::new(Arc::new(PartnerFeed { index }), db.clone(), province));
        Arc::new(Self { db, province: province.into(), follower, keys: Default::default() })
    }

    /// This instance's signing key.
    pub async fn keys(&self) -> anyhow::Result<Arc<Keys>> {
        let k = self
            .keys
            .get_or_try_init(|| async { crate::keys::load_or_create(&self.db, &self.province).await.map(Arc::new) });
        Ok(Arc::clone(k.await?))
    }

    /// Follow the partners' vacancies (every few seconds, whoever pulled
    /// them) and pull every partner on the schedule.
    pub fn spawn(self: &Arc<Self>) {
        self.follower.spawn(Duration::from_secs(5));
        platform::jobs::schedule(self.db.clone(), Arc::clone(self));
    }

    /// Pull one partner now; the board shows what came at once.
    pub async fn pull(&self, partner: &Partner) -> Result<Pulled, PullError> {
        let done = client::pull(&self.db, &self.province, partner, None).await?;
        if let Err(e) = self.follower.sync().await {
            tracing::warn!(error = %e, "board catch-up after a pull");
        }
        Ok(done)
    }

    /// Pull every partner; (pulled, failed, items kept). Partner vacancies
    /// past their deadline close first, whether their partner answers or not.
    pub async fn pull_all(&self) -> anyhow::Result<(usize, usize, usize)> {
        store::close_expired(&self.db, &self.province, platform::time::today()).await?;
        let (mut ok, mut failed, mut kept) = (0, 0, 0);
        for p in store::partners(&self.db, &self.province).await? {
            match self.pull(&p).await {
                Ok(d) => {
                    ok += 1;
                    kept += d.kept;
                }
                Err(_) => failed += 1,
            }
        }
        Ok((ok, failed, kept))
    }
}

/// The scheduled pull: each run is a job the operator sees.
impl platform::jobs::Scheduled for Exchange {
    const KIND: &'static str = "exchange.pull";

    fn period(&self) -> Duration {
        PULL_EVERY
    }

    async fn due(&self, db: &Db) -> anyhow::Result<bool> {
        Ok(!store::partners(db, &self.province).await?.is_empty())
    }

    async fn run(&self, _job: Arc<platform::jobs::Handle>) -> Result<platform::jobs::Finished, String> {
        let (ok, failed, kept) = self.pull_all().await.map_err(|e| format!("{e:#}"))?;
        let result = serde_json::json!({ "pulled": ok, "failed": failed, "kept": kept }).to_string();
        Ok(platform::jobs::Finished { counts: (kept as i64, 0, failed as i64), result })
    }
}
