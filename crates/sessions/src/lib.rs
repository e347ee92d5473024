//! Job-exchange sessions (phiên giao dịch việc làm): in person, online and
//! hybrid. Staff plan a session and give employers booths with the
//! vacancies they bring; job seekers register on the public page and get a
//! ticket with a QR code; on the day the door checks them in (camera, CCCD or
//! phone, or a walk-in), booths interview in person or call the next in their
//! queue into a video interview in the browser; the report counts exactly
//! what the records say. The rules are pure functions ([`rules`]).

pub mod api;
pub mod live;
pub mod model;
pub mod routes;
pub mod rules;
pub mod service;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
