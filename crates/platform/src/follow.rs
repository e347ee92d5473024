//! One way for an in-memory index to follow its table: load once, then read
//! only the rows changed since, every few seconds, whoever wrote them (this
//! server, the CLI, another server).
//!
//! A followed table has a `seq` column stamped per transaction (see the
//! `follow` migrations): on SQLite a number taken under the single write lock,
//! so it rises in commit order; on PostgreSQL the writing transaction's id.
//! Before each read the follower takes a [`Since`] (the horizon): on SQLite
//! the highest number committed; on PostgreSQL the snapshot's first unstarted
//! transaction and those still running. The next read asks for exactly what
//! the horizon had not seen, so a transaction that commits late, after later
//! ones were read, is read all the same. A row read twice (committed between
//! the horizon and the read) is indexed twice, which changes nothing.
//!
//! A capability follows a table by implementing [`Feed`] for its index
//! (what to read, how to apply it) and holding a [`Follower`]; see the
//! registry's `SearchIndex` or the board's `BoardIndex`.

use crate::db::Db;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What a follower has not yet seen: rows with `seq >= from`, and rows of
/// the transactions in `also` (running when the horizon was taken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    pub from: i64,
    pub also: Vec<i64>,
}

impl Since {
    /// The condition on `column` (its table's `seq`) that selects the unseen
    /// rows; integers only, so it is written into the SQL as text.
    pub fn condition(&self, column: &str) -> String {
        if self.also.is_empty() {
            return format!("{column} >= {}", self.from);
        }
        let also: Vec<String> = self.also.iter().map(i64::to_string).collect();
        format!("({column} >= {} OR {column} IN ({}))", self.from, also.join(", "))
    }
}

/// Everything committed now is below the returned horizon; read it before
/// reading the table, and the read sees all of it.
pub async fn horizon(db: &Db, table: &str, province: &str) -> anyhow::Result<Since> {
    Ok(match db {
        Db::Sqlite(p) => {
            let (from,): (i64,) = sqlx::query_as(&sqlite_next_seq(table)).bind(province).fetch_one(p).await?;
            Since { from, also: vec![] }
        }
        Db::Postgres(p) => {
            let (from, also): (i64, Vec<i64>) = sqlx::query_as(
                "SELECT txid_snapshot_xmax(s), ARRAY(SELECT txid_snapshot_xip(s))
                 FROM (SELECT txid_current_snapshot() AS s) AS now",
            )
            .fetch_one(p)
            .await?;
            Since { from, also }
        }
    })
}

/// On SQLite, the query for the number after the highest committed `seq` of
/// a province's rows in `table` (`$1`: the province): a writer holding the
/// lock stamps its rows with it; a follower reads from it on.
pub fn sqlite_next_seq(table: &str) -> String {
    format!("SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE province_code = $1")
}

/// The SQL expression that stamps a new row of `table` inside the writing
/// statement (for tables whose SQLite insert trigger was dropped for speed):
/// on SQLite the next number, taken under the write lock the statement
/// holds; on PostgreSQL the transaction id, as the column's default.
pub fn stamp(db: &Db, table: &str, province: &str) -> String {
    match db {
        // A literal: the expression is pushed among a row's bound values.
        Db::Sqlite(_) => {
            format!("({})", sqlite_next_seq(table).replace("$1", &format!("'{}'", province.replace('\'', "''"))))
        }
        Db::Postgres(_) => "txid_current()".into(),
    }
}

/// An in-memory index that follows one table.
pub trait Feed: Send + Sync + 'static {
    /// The table followed (it has `province_code` and a stamped `seq`).
    const TABLE: &'static str;
    /// What one read brings.
    type Batch: Send + 'static;
    /// Rows changed since `since` ([`Since::condition`] on `seq`); everything
    /// the index holds when `None`.
    fn read(
        &self,
        db: &Db,
        province: &str,
        since: Option<&Since>,
    ) -> impl Future<Output = anyhow::Result<Self::Batch>> + Send;
    /// Index a batch; returns how many entries it indexed. Runs on a
    /// blocking thread, off the request workers.
    fn apply(&self, batch: Self::Batch) -> usize;
    /// The first load, for a feed that reads its whole table faster and in
    /// less memory by streaming it into the index itself; returns how many
    /// entries it indexed, or None to read and apply everything as usual.
    fn load_all(
        self: Arc<Self>,
        db: &Db,
        province: &str,
    ) -> impl Future<Output = anyhow::Result<Option<usize>>> + Send {
        let _ = (db, province);
        async { Ok(None) }
    }
}

/// A first load on SQLite, streamed: run `sql` (its one parameter the
/// province) through rusqlite on a thread of its own, turn each row into an
/// entry with `entry` (None skips it) and hand `apply` a chunk at a time,
/// indexing one chunk while the next is read; returns how many entries.
/// `None` on PostgreSQL, whose driver streams well enough by itself.
///
/// Through sqlx a whole table came back as one vector: at a million people
/// 11 s and 800 MB for the first load, paid again by every index that
/// follows the same table.
pub async fn stream_sqlite<T, R, A>(
    db: &Db,
    sql: &str,
    province: &str,
    entry: R,
    apply: A,
) -> anyhow::Result<Option<usize>>
where
    T: Send + 'static,
    R: Fn(&rusqlite::Row<'_>) -> anyhow::Result<Option<T>> + Send + 'static,
    A: FnMut(Vec<T>) + Send + 'static,
{
    let Db::Sqlite(pool) = db else { return Ok(None) };
    let path = pool.connect_options().get_filename().to_owned();
    let (sql, province) = (sql.to_owned(), province.to_owned());
    let n = tokio::task::spawn_blocking(move || stream_rows(&path, &sql, &province, entry, apply)).await??;
    Ok(Some(n))
}

fn stream_rows<T: Send>(
    path: &std::path::Path,
    sql: &str,
    province: &str,
    entry: impl Fn(&rusqlite::Row<'_>) -> anyhow::Result<Option<T>> + Send,
    mut apply: impl FnMut(Vec<T>),
) -> anyhow::Result<usize> {
    const CHUNK: usize = 100_000;
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<T>>(2);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || -> anyhow::Result<usize> {
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([province])?;
            let (mut chunk, mut n) = (Vec::with_capacity(CHUNK), 0);
            while let Some(r) = rows.next()? {
                let Some(e) = entry(r)? else { continue };
                chunk.push(e);
                if chunk.len() == CHUNK {
                    n += chunk.len();
                    if tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_err() {
                        return Ok(n);
                    }
                }
            }
            n += chunk.len();
            let _ = tx.send(chunk);
            Ok(n)
        });
        for chunk in rx {
            apply(chunk);
        }
        reader.join().map_err(|_| anyhow::anyhow!("the index reader panicked"))?
    })
}

/// Keeps an index in step with its table.
pub struct Follower<F: Feed> {
    feed: Arc<F>,
    db: Db,
    province: String,
    /// Serialises reads and remembers the horizon of the last one.
    since: tokio::sync::Mutex<Option<Since>>,
    loaded: AtomicBool,
}

impl<F: Feed> Follower<F> {
    pub fn new(feed: Arc<F>, db: Db, province: &str) -> Self {
        Self { feed, db, province: province.into(), since: Default::default(), loaded: Default::default() }
    }

    pub fn feed(&self) -> &Arc<F> {
        &self.feed
    }

    /// Read what changed since the last read (everything at first) and index
    /// it; returns how many entries changed.
    pub async fn sync(&self) -> anyhow::Result<usize> {
        let mut since = self.since.lock().await;
        let next = horizon(&self.db, F::TABLE, &self.province).await?;
        let started = std::time::Instant::now();
        let streamed = match since.as_ref() {
            None => Arc::clone(&self.feed).load_all(&self.db, &self.province).await?,
            Some(_) => None,
        };
        let changed = match streamed {
            Some(n) => n,
            None => {
                let batch = self.feed.read(&self.db, &self.province, since.as_ref()).await?;
                let feed = Arc::clone(&self.feed);
                tokio::task::spawn_blocking(move || feed.apply(batch)).await?
            }
        };
        if since.is_none() {
            let ms = started.elapsed().as_millis() as u64;
            tracing::info!(table = F::TABLE, entries = changed, ms, "index loaded");
        }
        *since = Some(next);
        self.loaded.store(true, Ordering::Release);
        Ok(changed)
    }

    /// Ready to answer: the first load has happened (waits for it if not).
    pub async fn ensure_loaded(&self) -> anyhow::Result<()> {
        // Checked on every search: a flag, not the lock a read holds.
        if self.loaded.load(Ordering::Acquire) {
            return Ok(());
        }
        if self.since.lock().await.is_none() {
            self.sync().await?;
        }
        Ok(())
    }

    /// Load now, then follow every `every`.
    pub fn spawn(self: &Arc<Self>, every: Duration) {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.sync().await {
                    tracing::warn!(table = F::TABLE, error = %e, "index catch-up failed");
                }
                tokio::time::sleep(every).await;
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::Since;

    #[test]
    fn the_condition_names_running_transactions() {
        assert_eq!(Since { from: 7, also: vec![] }.condition("seq"), "seq >= 7");
        assert_eq!(Since { from: 9, also: vec![3, 5] }.condition("v.seq"), "(v.seq >= 9 OR v.seq IN (3, 5))");
    }
}
