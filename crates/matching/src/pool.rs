//! What matching ranks, in memory: every person of the registry as a
//! [`Seeker`] (in the columns of [`crate::index`]) and every vacancy as an [`Offer`], each following its table
//! ([`platform::follow`]) so other servers' and the CLI's changes arrive
//! within seconds. Ranking is then a scan without a database round trip.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use platform::follow::{Feed, Since};
use platform::{with_db, Db};

use crate::rules::{Offer, Seeker};

/// Ids → entries, replaced whole on change.
pub struct Pool<T> {
    items: RwLock<HashMap<i64, Arc<T>, foldhash::fast::RandomState>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Pool { items: RwLock::new(HashMap::default()) }
    }
}

impl<T> Pool<T> {
    pub fn get(&self, id: i64) -> Option<Arc<T>> {
        self.items.read().expect("pool lock").get(&id).cloned()
    }

    /// Call `f` on every entry (under the read lock: `f` must be quick).
    pub fn each(&self, mut f: impl FnMut(&T)) {
        for x in self.items.read().expect("pool lock").values() {
            f(x);
        }
    }

    fn put(&self, batch: Vec<(i64, Option<T>)>) -> usize {
        let n = batch.len();
        let mut items = self.items.write().expect("pool lock");
        for (id, x) in batch {
            match x {
                Some(x) => items.insert(id, Arc::new(x)),
                None => items.remove(&id),
            };
        }
        n
    }
}

/// Folded words of a text, each once.
fn words_of(texts: &[Option<&str>]) -> Vec<String> {
    let mut w: Vec<String> = texts.iter().flatten().flat_map(|t| platform::fold::fold_words(t)).collect();
    w.sort();
    w.dedup();
    w
}

fn rank_of(qualification: &str) -> u8 {
    refdata::refdata().qualifications.iter().find(|q| q.code == qualification).map_or(0, |q| q.rank as u8)
}

/// People as seekers, in columns.
#[derive(Default)]
pub struct Seekers(pub crate::index::SeekerIndex);

type PersonRow = (
    i64,
    String,
    NaiveDate,
    String,
    String,
    bool,
    bool,
    bool,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// What matching keeps of every person of a province (`$1`).
const SEEKERS: &str = "SELECT id, ward_code, birth_date, qualification, employment_status, need_job,
    need_training, need_abroad, occupation_isco, prev_occupation_isco, expected_wage, training_field,
    job_position, training_trade, work_provinces FROM people WHERE province_code = $1";

fn seeker_of(r: PersonRow) -> Seeker {
    Seeker {
        id: r.0,
        ward_code: r.1,
        birth_date: r.2,
        qualification_rank: rank_of(&r.3),
        unemployed: r.4 == "unemployed",
        need_job: r.5,
        need_training: r.6,
        need_abroad: r.7,
        occupations: [r.8, r.9].into_iter().flatten().collect(),
        expected_wage: r.10,
        words: words_of(&[r.11.as_deref(), r.12.as_deref(), r.13.as_deref()]),
        work_provinces: r
            .14
            .map(|w| w.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

impl Feed for Seekers {
    const TABLE: &'static str = "people";
    type Batch = Vec<(i64, Option<Seeker>)>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Self::Batch> {
        let sql = match since {
            None => SEEKERS.to_string(),
            Some(since) => format!("{SEEKERS} AND {}", since.condition("seq")),
        };
        let rows: Vec<PersonRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
        Ok(rows.into_iter().map(|r| (r.0, Some(seeker_of(r)))).collect())
    }

    /// SQLite: streamed, a chunk indexed while the next is read (through
    /// sqlx, 1.5 s of a core at 200,000 people, in the first seconds a
    /// server answers).
    async fn load_all(self: Arc<Self>, db: &Db, province: &str) -> anyhow::Result<Option<usize>> {
        let row = |r: &rusqlite::Row<'_>| -> anyhow::Result<Option<(i64, Option<Seeker>)>> {
            let birth = chrono::NaiveDate::parse_from_str(r.get_ref(2)?.as_str()?, "%Y-%m-%d")?;
            let row: PersonRow = (
                r.get(0)?,
                r.get(1)?,
                birth,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
            );
            Ok(Some((row.0, Some(seeker_of(row)))))
        };
        platform::follow::stream_sqlite(db, SEEKERS, province, row, move |chunk| {
            self.0.apply(chunk);
        })
        .await
    }

    fn apply(&self, batch: Self::Batch) -> usize {
        self.0.apply(batch)
    }
}

/// Vacancies as offers (all statuses: the rules keep only the open ones).
#[derive(Default)]
pub struct Offers(pub Pool<Offer>);

impl Offers {
    pub fn of(v: &vacancies::model::VacancyRecord) -> Offer {
        let d = refdata::refdata();
        Offer {
            id: v.id,
            employer_id: v.employer_id,
            published: v.status == vacancies::model::Status::Published,
            deadline: v.deadline,
            published_on: v.published_at.map(|t| t.date_naive()),
            occupation_isco: v.occupation_isco.clone(),
            qualification_rank: rank_of(&v.qualification),
            qualification: d
                .qualifications
                .iter()
                .find(|q| q.code == v.qualification)
                .map_or_else(|| v.qualification.clone(), |q| q.name_vi.clone()),
            experience_years: v.experience_years,
            age_min: v.age_min,
            age_max: v.age_max,
            wage_min: v.wage_min,
            wage_max: v.wage_max,
            apprenticeship: v.contract_type == "apprenticeship",
            work_ward_code: v.work_ward_code.clone(),
            work_province_code: v.work_province_code.clone(),
            work_country: v.work_country.clone(),
            words: words_of(&[Some(&v.title), Some(&v.description), v.requirements.as_deref()]),
            partner: false,
            partner_province: None,
        }
    }
}

impl Feed for Offers {
    const TABLE: &'static str = "vacancies";
    type Batch = Vec<(i64, Option<Offer>)>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Self::Batch> {
        let records = vacancies::store::changed(db, province, since).await?;
        Ok(records.iter().map(|v| (v.id, Some(Self::of(v)))).collect())
    }

    fn apply(&self, batch: Self::Batch) -> usize {
        self.0.put(batch)
    }
}

/// Partner provinces' vacancies (liên kết tuyển dụng) as offers, in the
/// same pool under the board's ids (theirs from
/// [`vacancies::index::FOREIGN_BASE`] on): matched with the people willing
/// to work in their province. What a partner's feed does not carry
/// (qualification, experience, ages) asks for nothing.
pub struct PartnerOffers(pub Arc<Offers>);

impl PartnerOffers {
    /// `own`: our province (a partner's vacancy here is open to all).
    pub fn of(r: &exchange::store::Received, own: &str) -> Offer {
        let province = r.work_province_code.as_deref().unwrap_or(&r.origin_province);
        Offer {
            id: vacancies::index::FOREIGN_BASE + r.id,
            published: r.open,
            deadline: r.deadline,
            published_on: Some(r.received_at.date_naive()),
            occupation_isco: r.occupation_isco.clone(),
            wage_min: r.wage_min,
            wage_max: r.wage_max,
            work_ward_code: r.work_ward_code.clone(),
            work_province_code: r.work_province_code.clone(),
            work_country: r.work_country.clone(),
            words: words_of(&[Some(&r.title)]),
            partner: true,
            partner_province: (r.work_country.is_none() && province != own).then(|| province.to_owned()),
            ..Offer::default()
        }
    }
}

impl Feed for PartnerOffers {
    const TABLE: &'static str = "partner_vacancies";
    type Batch = Vec<(i64, Option<Offer>)>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Self::Batch> {
        let received = exchange::store::received_changed(db, province, since).await?;
        Ok(received
            .iter()
            .map(|r| (vacancies::index::FOREIGN_BASE + r.id, r.open.then(|| Self::of(r, province))))
            .collect())
    }

    fn apply(&self, batch: Self::Batch) -> usize {
        self.0 .0.put(batch)
    }
}
