//! The database: an embedded SQLite file or PostgreSQL, chosen by the URL.
//!
//! Queries are written once with `$1` placeholders, `ON CONFLICT` and
//! `RETURNING`, which both dialects accept; [`with_db!`] compiles the same
//! body once per backend. What truly differs (DDL types, identity columns,
//! schema introspection) lives in the per-backend migrations and in
//! [`crate::dump`].

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Run `$body` with `$pool` bound to the concrete pool of whichever backend `$db` is.
/// The body is written once and type-checked for both.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl Db {
    /// Connect by URL: `postgres://…` or `sqlite://path` (also a bare file path).
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).context("invalid PostgreSQL URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                }
            }
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                // For a new database only (an existing one keeps its size).
                // People rows are about 270 bytes: bigger pages mean fewer
                // B-tree splits and page fetches, and a million-row survey file
                // loads about 18% faster than with the default 4 KiB.
                .page_size(16384)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await
                .with_context(|| format!("cannot open SQLite database {path}"))?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Apply pending migrations for this backend.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run(p).await?,
        }
        Ok(())
    }

    /// Highest migration version the code knows (both backends share versions).
    pub fn schema_version() -> i64 {
        SQLITE_MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Refresh the planner's statistics where they are missing or stale
    /// (after a bulk import, at start-up). Without them SQLite reads 20
    /// people by id through the province index, a scan of the whole
    /// province (16 ms at 200k instead of 0.1 ms); with them it uses the
    /// primary key. Sampled (`analysis_limit`): milliseconds at any size.
    /// PostgreSQL's autovacuum keeps its own statistics.
    pub async fn optimize(&self) -> anyhow::Result<()> {
        if let Db::Sqlite(p) = self {
            let mut c = p.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *c).await?;
            // ANALYZE, not `PRAGMA optimize`: that skips a table it deems
            // small or little changed, and a plan once wrong stays wrong.
            sqlx::query("ANALYZE").execute(&mut *c).await?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> bool {
        with_db!(self, p => sqlx::query("SELECT 1").execute(p).await.is_ok())
    }

    pub async fn close(&self) {
        with_db!(self, p => p.close().await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let s: Vec<i64> = SQLITE_MIGRATOR.iter().map(|m| m.version).collect();
        let p: Vec<i64> = POSTGRES_MIGRATOR.iter().map(|m| m.version).collect();
        assert_eq!(s, p);
        assert!(!s.is_empty());
    }

    #[tokio::test]
    async fn a_new_sqlite_database_has_16k_pages_and_a_write_ahead_log() {
        let path = std::env::temp_dir().join(format!("ketnoi-pages-{}.db", std::process::id()));
        let db = Db::connect(path.to_str().unwrap()).await.unwrap();
        let Db::Sqlite(pool) = &db else { unreachable!() };
        let (size,): (i64,) = sqlx::query_as("PRAGMA page_size").fetch_one(pool).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(pool).await.unwrap();
        db.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        assert_eq!((size, mode.as_str()), (16384, "wal"));
    }
}
