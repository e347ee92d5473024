//! The registry's long-lived state: the search index and its catch-up with
//! the database.

use crate::search::SearchIndex;
use platform::Db;
use std::sync::Arc;
use std::time::Duration;

pub struct Registry {
    pub index: SearchIndex,
    /// Serialises syncs and remembers how far they got.
    synced: tokio::sync::Mutex<Option<Option<crate::store::Cursor>>>,
    loaded: std::sync::atomic::AtomicBool,
    db: Db,
    province: String,
}

impl Registry {
    pub fn new(db: Db, province: &str) -> Arc<Self> {
        Arc::new(Self {
            index: SearchIndex::new(),
            synced: tokio::sync::Mutex::new(None),
            loaded: Default::default(),
            db,
            province: province.into(),
        })
    }

    /// Bring the index up to date with rows changed since the last sync (all at first).
    pub async fn sync(&self) -> anyhow::Result<usize> {
        let mut synced = self.synced.lock().await;
        let since = synced.flatten();
        let (entries, latest) = crate::store::index_entries(&self.db, &self.province, since).await?;
        self.index.upsert(&entries);
        *synced = Some(latest);
        self.loaded.store(true, std::sync::atomic::Ordering::Release);
        Ok(entries.len())
    }

    /// Ready to answer: the first full load has happened.
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

    /// Load now, then follow other writers (CLI imports, other servers) every few seconds.
    pub fn spawn_sync(self: &Arc<Self>) {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                if let Err(e) = me.sync().await {
                    tracing::warn!(error = %e, "registry index sync failed");
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
    }
}
