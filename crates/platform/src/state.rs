//! What every handler can reach.

use crate::auth::throttle::LoginThrottle;
use crate::db::Db;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Settings {
    /// GSO code of the province this installation serves (56 = Khánh Hòa).
    pub province_code: String,
    /// Send cookies with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { province_code: "56".into(), secure_cookies: false }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub throttle: Arc<LoginThrottle>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self { db, throttle: Arc::new(LoginThrottle::default()), settings: Arc::new(settings) }
    }
}
