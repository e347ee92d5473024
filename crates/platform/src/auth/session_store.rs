//! tower-sessions store kept in our own database (`sessions` table), so that
//! sessions survive restarts and work the same on SQLite and PostgreSQL.

use crate::db::Db;
use crate::with_db;
use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::{ExpiredDeletion, SessionStore};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn save(&self, record: &Record) -> Result<()> {
        let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
        let id = record.id.to_string();
        let expires = record.expiry_date.unix_timestamp();
        // Kept beside the data, so an account's sessions can be ended.
        let user_id = record.data.get(crate::web::SESSION_USER).and_then(|v| v.as_i64());
        with_db!(&self.db, p => sqlx::query(
            "INSERT INTO sessions (id, data, expires_at, user_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at,
                                            user_id = excluded.user_id")
            .bind(&id).bind(&data).bind(expires).bind(user_id).execute(p).await.map_err(backend)?.rows_affected());
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let row: Option<(String, i64)> = with_db!(&self.db, p => sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id.to_string()).bind(now).fetch_optional(p).await.map_err(backend)?);
        let Some((data, expires)) = row else {
            return Ok(None);
        };
        Ok(Some(Record {
            id: *id,
            data: serde_json::from_str(&data).map_err(|e| Error::Decode(e.to_string()))?,
            expiry_date: time::OffsetDateTime::from_unix_timestamp(expires)
                .map_err(|e| Error::Decode(e.to_string()))?,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        with_db!(&self.db, p => sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.to_string()).execute(p).await.map_err(backend)?.rows_affected());
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        with_db!(&self.db, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now).execute(p).await.map_err(backend)?.rows_affected());
        Ok(())
    }
}
