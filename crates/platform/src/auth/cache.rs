//! Who a request is, remembered for a few seconds: resolving a bearer token
//! cost a write (its last use) and two reads on every API call, most of an
//! indexed search's time over HTTP. A remembered identity is dropped at once
//! when this process changes any account or token (every write in
//! [`super::store`] and [`super::second_factor`] calls [`changed`]), and
//! after [`FRESH`] whatever happens, so a change made by another process
//! (the command line, a second server) holds within that.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::store;
use super::user::User;
use crate::db::Db;

/// How long a resolved identity is trusted without asking the database.
pub const FRESH: Duration = Duration::from_secs(5);

/// Entries kept at most (a flood of distinct tokens clears the memory, never grows it).
const MAX_ENTRIES: usize = 10_000;

/// Bumped by every change to accounts, roles, wards or tokens in this process.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// An account or token changed: forget every remembered identity.
pub fn changed() {
    GENERATION.fetch_add(1, Ordering::SeqCst);
}

struct Remembered {
    user: User,
    at: Instant,
    generation: u64,
}

impl Remembered {
    fn fresh(&self, now: Instant, generation: u64) -> bool {
        self.generation == generation && now.duration_since(self.at) < FRESH
    }
}

#[derive(Default)]
struct Maps {
    /// By the token's hash (the token itself is never kept).
    tokens: HashMap<String, Remembered>,
    /// By user id (a session names its user by id).
    users: HashMap<i64, Remembered>,
}

/// One server's remembered identities.
#[derive(Default)]
pub struct Identities {
    maps: Mutex<Maps>,
}

impl Identities {
    fn recall(&self, token: Option<&str>, id: Option<i64>) -> Option<User> {
        let (now, generation) = (Instant::now(), GENERATION.load(Ordering::SeqCst));
        let maps = self.maps.lock().expect("identities");
        let found = match (token, id) {
            (Some(t), _) => maps.tokens.get(t),
            (None, Some(id)) => maps.users.get(&id),
            (None, None) => None,
        };
        found.filter(|r| r.fresh(now, generation)).map(|r| r.user.clone())
    }

    fn keep(&self, token: Option<String>, user: &User, generation: u64) {
        let r = || Remembered { user: user.clone(), at: Instant::now(), generation };
        let mut maps = self.maps.lock().expect("identities");
        if maps.tokens.len() + maps.users.len() >= MAX_ENTRIES {
            *maps = Maps::default();
        }
        match token {
            Some(t) => maps.tokens.insert(t, r()),
            None => maps.users.insert(user.id, r()),
        };
    }

    /// The active user a bearer token belongs to. Its last use is written
    /// when it is looked up, so at most once per [`FRESH`].
    pub async fn by_token(&self, db: &Db, token: &str) -> anyhow::Result<Option<User>> {
        let hash = store::token_hash(token);
        if let Some(u) = self.recall(Some(&hash), None) {
            return Ok(Some(u));
        }
        // Taken before the lookup: a change during it makes this entry stale.
        let generation = GENERATION.load(Ordering::SeqCst);
        let user = store::user_for_token_hash(db, &hash).await?;
        if let Some(u) = &user {
            self.keep(Some(hash), u, generation);
        }
        Ok(user)
    }

    /// The active user a session names.
    pub async fn by_id(&self, db: &Db, id: i64) -> anyhow::Result<Option<User>> {
        if let Some(u) = self.recall(None, Some(id)) {
            return Ok(Some(u));
        }
        let generation = GENERATION.load(Ordering::SeqCst);
        let user = store::find_by_id(db, id).await?.filter(|u| u.active);
        if let Some(u) = &user {
            self.keep(None, u, generation);
        }
        Ok(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    #[test]
    fn a_remembered_identity_is_forgotten_on_any_change_and_after_a_while() {
        let ids = Identities::default();
        let user = User::example(7, Role::Staff);
        ids.keep(Some("h".into()), &user, GENERATION.load(Ordering::SeqCst));
        ids.keep(None, &user, GENERATION.load(Ordering::SeqCst));
        assert_eq!(ids.recall(Some("h"), None).map(|u| u.id), Some(7));
        assert_eq!(ids.recall(None, Some(7)).map(|u| u.id), Some(7));
        assert!(ids.recall(Some("other"), None).is_none());
        changed();
        assert!(ids.recall(Some("h"), None).is_none(), "a change anywhere forgets it");
        assert!(ids.recall(None, Some(7)).is_none());
        let old = Remembered {
            user,
            at: Instant::now().checked_sub(FRESH).expect("up for 5 s"),
            generation: GENERATION.load(Ordering::SeqCst),
        };
        assert!(!old.fresh(Instant::now(), GENERATION.load(Ordering::SeqCst)), "and after FRESH");
    }
}
