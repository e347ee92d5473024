//! Employers (doanh nghiệp, người sử dụng lao động): the demand side's
//! registry. An employer registers itself online with its tax code (MST);
//! staff approve it; its accounts then manage only its own profile, vacancies
//! and recruitment-needs declarations (báo cáo nhu cầu tuyển dụng).

pub mod access;
pub mod events;
pub mod import;
pub mod import_routes;
pub mod model;
pub mod needs;
pub mod routes;
pub mod rules;
pub mod store;

pub const MESSAGES: &str = include_str!("../messages.tsv");

/// What other capabilities may ask of the employers (never their store or routes).
pub mod api {
    use crate::model::{EmployerRecord, EmployerStatus};
    use platform::Db;

    /// An employer's record, any status.
    pub async fn employer(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<EmployerRecord>> {
        crate::store::get(db, province, id).await
    }

    /// Whether the department has approved this employer (what lets it publish, and shows a badge).
    pub async fn is_approved(db: &Db, province: &str, id: i64) -> anyhow::Result<bool> {
        Ok(employer(db, province, id).await?.is_some_and(|e| e.status == EmployerStatus::Approved))
    }
}
