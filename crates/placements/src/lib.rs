//! Jobs created (việc làm tăng thêm) and targets (chỉ tiêu): every headline
//! figure from records. A placement is a job a person started: entered on a
//! form, imported, or made from a referral's or a session's hire; the same
//! person starting with the same employer within 30 days is one job. Targets
//! are yearly, for the province and each commune, with their pace on any day.

pub mod abroad;
pub mod cube;
pub mod dashboard;
pub mod import;
pub mod import_routes;
pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
