//! Kết Nối platform: what every capability shares and nothing domain-specific.

pub mod account;
pub mod area;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod coded;
pub mod db;
pub mod dump;
pub mod error;
pub mod fold;
pub mod follow;
pub mod i18n;
pub mod jobs;
pub mod notify;
pub mod routes;
pub mod search;
pub mod sheet;
pub mod state;
pub mod table;
pub mod time;
pub mod types;
pub mod validate;
pub mod web;

pub use db::Db;
pub use error::{AppError, AppResult};
pub use state::{AppState, Org, Settings};
