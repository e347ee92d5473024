//! Poverty reduction (giảm nghèo): households and their members, the yearly
//! review (rà soát) under the multidimensional poverty standard in force,
//! transitions between reviews, and livelihood programmes (hỗ trợ sinh kế).
//! The standards are data files (`data/poverty/*.toml`), not code: a new
//! decree or a province's own higher standard is a new file.

pub mod import;
pub mod ledger;
pub mod model;
pub mod programmes;
pub mod routes;
pub mod rules;
pub mod service;
pub mod standard;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
