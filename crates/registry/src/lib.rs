//! Labour registry (cung lao động): every resident aged 15+ that the communes
//! survey under Circular 01/2022/TT-BLĐTBXH, classified by need and
//! qualification.

pub mod bulk;
pub mod classification;
pub mod import;
pub mod imports;
pub mod lists;
pub mod model;
pub mod routes;
pub mod rules;
pub mod search;
pub mod service;
pub mod sheet;
pub mod store;
pub mod xlsx_out;

pub const MESSAGES: &str = include_str!("../messages.tsv");
