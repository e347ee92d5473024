//! Accounts, roles and area scope; passwords (argon2), API tokens, sessions,
//! CSRF, login throttling and the second factor.

pub mod cache;
pub mod password;
pub mod second_factor;
pub mod session_store;
pub mod store;
pub mod throttle;
pub mod user;

pub use user::{AreaScope, CurrentUser, MaybeUser, Role, User};
