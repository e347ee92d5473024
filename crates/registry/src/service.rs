//! The registry's long-lived state: the search index, following the people
//! table ([`platform::follow`]).

use crate::search::{Entry, SearchIndex};
use platform::follow::{Feed, Follower, Since};
use platform::Db;
use std::sync::Arc;
use std::time::Duration;

impl Feed for SearchIndex {
    const TABLE: &'static str = "people";
    type Batch = Vec<Entry>;

    async fn read(&self, db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Entry>> {
        crate::store::index_entries(db, province, since).await
    }

    fn apply(&self, entries: Vec<Entry>) -> usize {
        self.upsert(&entries);
        entries.len()
    }

    /// SQLite: streamed, a chunk indexed while the next is read (a province
    /// of millions).
    async fn load_all(self: Arc<Self>, db: &Db, province: &str) -> anyhow::Result<Option<usize>> {
        platform::follow::stream_sqlite(db, crate::bulk::INDEX_SQL, province, crate::bulk::index_entry, move |chunk| {
            self.upsert(&chunk);
        })
        .await
    }
}

pub struct Registry {
    pub index: Arc<SearchIndex>,
    follower: Arc<Follower<SearchIndex>>,
}

impl Registry {
    pub fn new(db: Db, province: &str) -> Arc<Self> {
        let index = Arc::new(SearchIndex::new());
        let follower = Arc::new(Follower::new(Arc::clone(&index), db, province));
        Arc::new(Self { index, follower })
    }

    /// Bring the index up to date with people changed since the last sync
    /// (everyone at first); returns how many were read.
    pub async fn sync(&self) -> anyhow::Result<usize> {
        self.follower.sync().await
    }

    /// Ready to answer: the first full load has happened.
    pub async fn ensure_loaded(&self) -> anyhow::Result<()> {
        self.follower.ensure_loaded().await
    }

    /// Load now, then follow other writers (CLI imports, other servers) every few seconds.
    pub fn spawn_sync(&self) {
        self.follower.spawn(Duration::from_secs(5));
    }
}
