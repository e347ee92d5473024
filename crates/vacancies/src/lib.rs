//! Vacancies (tin tuyển dụng), the public job board and applications.
//!
//! An employer drafts a vacancy and sends it for review; staff publish it; it
//! is then on the public board (search without diacritics, JSON-LD for search
//! engines, share links, a printable poster with a QR code, Atom feeds, a
//! sitemap) until it is filled, withdrawn or expires. Job seekers apply from
//! its page; the employer follows its applicants through their statuses.

pub mod access;
pub mod applications;
pub mod board;
pub mod countries;
pub mod employers_follow;
pub mod import;
pub mod import_routes;
pub mod index;
pub mod manage;
pub mod model;
pub mod rules;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
