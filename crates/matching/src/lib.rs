//! Matching and referral (kết nối cung – cầu, giới thiệu việc làm).
//!
//! Both registries meet here: ranked candidates for a vacancy and ranked
//! vacancies for a person, each score explained (its parts, its reasons and
//! its gaps in the reader's language); staff refer a person to a vacancy
//! with a printable slip whose QR code lets the employer record what came of
//! it. The rules are pure functions ([`rules`]); the weights come from a
//! documented file ([`config`]).

pub mod batch;
pub mod config;
pub mod eval;
pub mod index;
pub mod pool;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
