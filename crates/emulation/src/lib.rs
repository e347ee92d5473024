//! Emulation and commendation (thi đua – khen thưởng): movements and the
//! commitments units and people register to them; initiatives (sáng kiến,
//! đề tài, giải pháp) submitted with their files, scored by a council and
//! recognised by a decision; awards and titles to people and units, with
//! each one's history and a hint when the consecutive years a higher title
//! asks for are met; the report of any span of years.

pub mod catalog;
pub mod model;
pub mod routes;
pub mod rules;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
