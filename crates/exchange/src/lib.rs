//! Recruitment linked between provinces (liên kết tuyển dụng): each
//! province's instance publishes its open vacancies as a feed — a snapshot
//! and the changes since a cursor, in schema.org's JobPosting words plus our
//! codes — every page signed with the instance's Ed25519 key; an instance
//! pulls its partners' feeds, refuses any page that does not verify, keeps
//! their vacancies read-only with their origin, and shows them on its board.
//! No central server; personal data never travels.

pub mod client;
pub mod events;
pub mod feed;
pub mod keys;
pub mod routes;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
