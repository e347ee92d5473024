//! The job runner: imports started from a page, the API or the CLI, and the
//! scheduled work (vacancy upkeep, the mail outbox, …), each a row whose
//! progress, outcome and result pages and the CLI show. A job can be asked to
//! stop from any process; one whose process died is marked interrupted and
//! can be run again from what it kept (`input`).
//!
//! A capability starts a job with [`start`] (background) or [`run`] (here,
//! to the end), or puts work on a schedule by implementing [`Scheduled`].

use crate::db::Db;
use crate::with_db;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// running, done, failed, cancelled or interrupted (its process stopped).
    pub status: String,
    /// web, api, cli or schedule.
    pub origin: String,
    pub user_id: Option<i64>,
    pub file_name: Option<String>,
    /// Rows read so far.
    pub done: i64,
    pub accepted: i64,
    pub rejected: i64,
    /// Kind-specific summary (JSON).
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub input: Option<String>,
}

const COLUMNS: &str =
    "id, kind, status, origin, user_id, file_name, done, accepted, rejected, result, error, created_at, finished_at, input";

/// Where a job was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Web,
    Api,
    Cli,
    Schedule,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Web => "web",
            Origin::Api => "api",
            Origin::Cli => "cli",
            Origin::Schedule => "schedule",
        }
    }
}

/// A job about to start.
#[derive(Debug, Clone, Copy)]
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub origin: Origin,
    pub user_id: Option<i64>,
    pub file_name: Option<&'a str>,
    /// What running it again needs (an import: the kept file's path).
    pub input: Option<&'a str>,
}

/// What a job's work sees: where to report progress, whether to stop.
pub struct Handle {
    pub id: i64,
    cancel: Arc<AtomicBool>,
    counts: Mutex<(i64, i64, i64)>,
}

impl Handle {
    /// Rows done, accepted, rejected so far (written by the heartbeat).
    pub fn progress(&self, done: u64, accepted: u64, rejected: u64) {
        *self.counts.lock().expect("job counts") = (done as i64, accepted as i64, rejected as i64);
    }

    /// Someone asked this job to stop (from any process).
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// The flag itself, for work running on another thread.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.cancel)
    }
}

/// How a job's work ended well: final counts (done, accepted, rejected) and a
/// kind-specific result (JSON).
#[derive(Debug, Clone, Default)]
pub struct Finished {
    pub counts: (i64, i64, i64),
    pub result: String,
}

/// How often a running job writes its heartbeat and progress, and reads a
/// cancel request.
const BEAT: Duration = Duration::from_secs(1);
/// A running job without a heartbeat this long belongs to a process that stopped.
const SILENT: Duration = Duration::from_secs(30);

pub async fn create(db: &Db, job: NewJob<'_>) -> anyhow::Result<i64> {
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO jobs (kind, status, origin, user_id, file_name, input, created_at, heartbeat_at)
         VALUES ($1, 'running', $2, $3, $4, $5, $6, $6) RETURNING id")
        .bind(job.kind).bind(job.origin.as_str()).bind(job.user_id).bind(job.file_name).bind(job.input).bind(now)
        .fetch_one(p).await?);
    Ok(id)
}

/// Run `work` as job `id` to its end: a heartbeat keeps
/// its progress and reads cancel requests while it runs; its outcome is
/// recorded as done, failed (with the message) or cancelled.
async fn drive<F, Fut>(db: &Db, id: i64, work: F) -> anyhow::Result<Result<Finished, String>>
where
    F: FnOnce(Arc<Handle>) -> Fut,
    Fut: Future<Output = Result<Finished, String>>,
{
    let handle = Arc::new(Handle { id, cancel: Default::default(), counts: Mutex::new((0, 0, 0)) });
    let beat = {
        let (db, handle) = (db.clone(), Arc::downgrade(&handle));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(BEAT).await;
                let Some(h) = handle.upgrade() else { break };
                let counts = *h.counts.lock().expect("job counts");
                if let Ok(Some(true)) = heartbeat(&db, id, counts).await {
                    h.cancel.store(true, Ordering::Relaxed);
                }
            }
        })
    };
    let outcome = work(Arc::clone(&handle)).await;
    beat.abort();
    let (status, counts, result, error) = match &outcome {
        Ok(f) => ("done", f.counts, Some(f.result.as_str()), None),
        Err(e) => {
            let counts = *handle.counts.lock().expect("job counts");
            (if handle.cancelled() { "cancelled" } else { "failed" }, counts, None, Some(e.as_str()))
        }
    };
    finish(db, id, status, counts, result, error).await?;
    Ok(outcome)
}

/// Create a job and run it here, to its end (the CLI).
pub async fn run<F, Fut>(db: &Db, job: NewJob<'_>, work: F) -> anyhow::Result<(i64, Result<Finished, String>)>
where
    F: FnOnce(Arc<Handle>) -> Fut,
    Fut: Future<Output = Result<Finished, String>>,
{
    let id = create(db, job).await?;
    Ok((id, drive(db, id, work).await?))
}

/// Create a job and run it in the background; returns its id at once.
pub async fn start<F, Fut>(db: &Db, job: NewJob<'_>, work: F) -> anyhow::Result<i64>
where
    F: FnOnce(Arc<Handle>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Finished, String>> + Send,
{
    let id = create(db, job).await?;
    let db = db.clone();
    tokio::spawn(async move {
        if let Err(e) = drive(&db, id, work).await {
            tracing::warn!(job = id, error = %e, "job not recorded");
        }
    });
    Ok(id)
}

/// Progress and heartbeat in one write; returns whether a cancel was asked.
async fn heartbeat(db: &Db, id: i64, (done, accepted, rejected): (i64, i64, i64)) -> anyhow::Result<Option<bool>> {
    let row: Option<(bool,)> = with_db!(db, p => sqlx::query_as(
        "UPDATE jobs SET heartbeat_at = $1, done = $2, accepted = $3, rejected = $4
         WHERE id = $5 AND status = 'running' RETURNING cancel_requested")
        .bind(Utc::now()).bind(done).bind(accepted).bind(rejected).bind(id).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

/// Final counts and outcome, in one statement.
async fn finish(
    db: &Db,
    id: i64,
    status: &str,
    counts: (i64, i64, i64),
    result: Option<&str>,
    error: Option<&str>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE jobs SET status = $1, result = $2, error = $3, finished_at = $4, done = $6, accepted = $7, rejected = $8
         WHERE id = $5")
        .bind(status).bind(result).bind(error).bind(Utc::now()).bind(id).bind(counts.0).bind(counts.1).bind(counts.2)
        .execute(p).await?.rows_affected());
    // A job may have written many rows (an import): the planner's figures follow.
    if let Err(e) = db.optimize().await {
        tracing::warn!(job = id, error = %e, "refreshing the planner's statistics");
    }
    Ok(())
}

/// Ask a running job to stop; false when it is not running.
pub async fn request_cancel(db: &Db, id: i64) -> anyhow::Result<bool> {
    let n = with_db!(db, p => sqlx::query("UPDATE jobs SET cancel_requested = TRUE WHERE id = $1 AND status = 'running'")
        .bind(id).execute(p).await?.rows_affected());
    Ok(n == 1)
}

/// Mark as interrupted the running jobs whose process stopped (no heartbeat
/// for a while). [`spawn_reaper`] does it when a server starts and every so often.
pub async fn mark_interrupted(db: &Db) -> anyhow::Result<u64> {
    let now = Utc::now();
    let silent_since = now - chrono::Duration::from_std(SILENT).expect("short");
    Ok(with_db!(db, p => sqlx::query(
        "UPDATE jobs SET status = 'interrupted', finished_at = $1
         WHERE status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < $2)")
        .bind(now).bind(silent_since).execute(p).await?.rows_affected()))
}

pub fn spawn_reaper(db: Db) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = mark_interrupted(&db).await {
                tracing::warn!(error = %e, "marking interrupted jobs");
            }
            tokio::time::sleep(SILENT).await;
        }
    });
}

/// Work the runner starts on a schedule (the vacancies' upkeep, the mail
/// outbox, …). Each run that has something to do is a job like any other.
pub trait Scheduled: Send + Sync + 'static {
    /// The job kind its runs are recorded under.
    const KIND: &'static str;
    fn period(&self) -> Duration;
    /// Whether a run has anything to do: a cheap check, so a frequent
    /// schedule records only the runs that did something.
    fn due(&self, _db: &Db) -> impl Future<Output = anyhow::Result<bool>> + Send {
        async { Ok(true) }
    }
    fn run(&self, job: Arc<Handle>) -> impl Future<Output = Result<Finished, String>> + Send;
}

/// Run `work` every period for the life of the server.
pub fn schedule<S: Scheduled>(db: Db, work: Arc<S>) {
    tokio::spawn(async move {
        loop {
            match work.due(&db).await {
                Ok(true) => {
                    let job =
                        NewJob { kind: S::KIND, origin: Origin::Schedule, user_id: None, file_name: None, input: None };
                    if let Err(e) = run(&db, job, |h| work.run(h)).await {
                        tracing::warn!(kind = S::KIND, error = %e, "scheduled job not recorded");
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(kind = S::KIND, error = %e, "scheduled job check"),
            }
            tokio::time::sleep(work.period()).await;
        }
    });
}

pub async fn get(db: &Db, id: i64) -> anyhow::Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?))
}

/// The latest jobs of a kind (a user's own when `user_id` is given).
pub async fn recent(db: &Db, kind: &str, user_id: Option<i64>, limit: i64) -> anyhow::Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE kind = $1 AND ($2 IS NULL OR user_id = $2) ORDER BY id DESC LIMIT $3"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql)
        .bind(kind).bind(user_id).bind(limit).fetch_all(p).await?))
}

/// The latest jobs of every kind (the operator's list).
pub async fn latest(db: &Db, limit: i64) -> anyhow::Result<Vec<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(limit).fetch_all(p).await?))
}

impl Job {
    /// The result's plain fields in words ("đã báo: 0, hết hạn: 2"), for a
    /// list of jobs of any kind; lists inside the result are left to its own
    /// page. A field is named by the message `job.result.<field>`.
    pub fn summary(&self, tr: &crate::i18n::Tr) -> String {
        let Some(serde_json::Value::Object(fields)) = self.result.as_deref().and_then(|r| serde_json::from_str(r).ok())
        else {
            return String::new();
        };
        let plain = fields.iter().filter_map(|(k, v)| {
            let value = match v {
                serde_json::Value::Number(n) => n.as_i64().map_or_else(|| n.to_string(), |n| tr.int(n)),
                serde_json::Value::String(s) => s.clone(),
                _ => return None,
            };
            Some(format!("{}: {value}", crate::i18n::t(tr.lang, &format!("job.result.{k}"))))
        });
        plain.collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_keeps_the_plain_fields_in_words() {
        let mut job = Job {
            id: 1,
            kind: "vacancies.upkeep".into(),
            status: "done".into(),
            origin: "schedule".into(),
            user_id: None,
            file_name: None,
            done: 2,
            accepted: 0,
            rejected: 0,
            result: Some(r#"{"expired":2,"rows":[1,2],"warned":0}"#.into()),
            error: None,
            created_at: Utc::now(),
            finished_at: None,
            input: None,
        };
        let vi = crate::i18n::Tr { lang: crate::i18n::Lang::Vi };
        assert_eq!(job.summary(&vi), "hết hạn: 2, đã nhắc: 0");
        job.result = Some(r#"{"sent":1234}"#.into());
        let en = crate::i18n::Tr { lang: crate::i18n::Lang::En };
        assert_eq!(job.summary(&en), "mails sent: 1,234");
    }
}
