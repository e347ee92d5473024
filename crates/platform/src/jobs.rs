//! Background jobs (imports, exports): a row per job whose progress both the
//! web page and the CLI show, updated as the work goes.

use crate::db::Db;
use crate::with_db;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    /// running, done or failed.
    pub status: String,
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
}

const COLUMNS: &str =
    "id, kind, status, user_id, file_name, done, accepted, rejected, result, error, created_at, finished_at";

pub async fn create(db: &Db, kind: &str, user_id: Option<i64>, file_name: Option<&str>) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO jobs (kind, status, user_id, file_name, created_at) VALUES ($1, 'running', $2, $3, $4) RETURNING id")
        .bind(kind).bind(user_id).bind(file_name).bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

pub async fn progress(db: &Db, id: i64, done: i64, accepted: i64, rejected: i64) -> anyhow::Result<()> {
    // Only while running: a late progress update must not overwrite the final counts.
    with_db!(db, p => sqlx::query("UPDATE jobs SET done = $1, accepted = $2, rejected = $3 WHERE id = $4 AND status = 'running'")
        .bind(done).bind(accepted).bind(rejected).bind(id).execute(p).await?.rows_affected());
    Ok(())
}

/// Final counts (done, accepted, rejected) and outcome, in one statement so no
/// late progress update can leave older counts behind.
pub async fn finish(db: &Db, id: i64, counts: (i64, i64, i64), result: Result<&str, &str>) -> anyhow::Result<()> {
    let (status, result, error) = match result {
        Ok(r) => ("done", Some(r), None),
        Err(e) => ("failed", None, Some(e)),
    };
    with_db!(db, p => sqlx::query(
        "UPDATE jobs SET status = $1, result = $2, error = $3, finished_at = $4,
         done = CASE WHEN $6 > done THEN $6 ELSE done END, accepted = CASE WHEN $7 > accepted THEN $7 ELSE accepted END,
         rejected = CASE WHEN $8 > rejected THEN $8 ELSE rejected END WHERE id = $5")
        .bind(status).bind(result).bind(error).bind(Utc::now()).bind(id).bind(counts.0).bind(counts.1).bind(counts.2)
        .execute(p).await?.rows_affected());
    Ok(())
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

/// Jobs left running by a server that stopped are marked failed at start.
pub async fn fail_interrupted(db: &Db) -> anyhow::Result<u64> {
    Ok(with_db!(db, p => sqlx::query(
        "UPDATE jobs SET status = 'failed', error = 'interrupted', finished_at = $1 WHERE status = 'running'")
        .bind(Utc::now()).execute(p).await?.rows_affected()))
}
