//! Employers (doanh nghiệp, người sử dụng lao động): the demand side's
//! registry. An employer registers itself online with its tax code (MST);
//! staff approve it; its accounts then manage only its own profile, vacancies
//! and recruitment-needs declarations (báo cáo nhu cầu tuyển dụng).

pub mod model;
pub mod needs;
pub mod routes;
pub mod rules;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");
