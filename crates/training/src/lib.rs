//! Vocational training (giáo dục nghề nghiệp): schools and their classes,
//! enrolment entered or imported by the schools themselves, graduation with
//! its certificate (which raises the learner's qualification in the
//! registry), the tracer six months on, outreach visits, the demand for
//! training against what is offered, and the enrolment indicators of any
//! period from an in-memory ledger.

pub mod import;
pub mod ledger;
pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
