//! Labour registry (cung lao động): every resident aged 15+ that the communes
//! survey under Circular 01/2022/TT-BLĐTBXH, classified by need and
//! qualification.

pub mod access;
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
pub mod store;
pub mod survey;

pub const MESSAGES: &str = include_str!("../messages.tsv");

/// What other capabilities may ask of the registry. They call these, never
/// the registry's store or routes (its tables may change shape; these don't).
pub mod api {
    use crate::model::PersonRecord;
    use platform::types::{Cccd, PhoneNumber};
    use platform::Db;

    /// The person with this CCCD if the commune recorded this phone number
    /// too (a CCCD alone proves nothing: anyone may type another's). Returns
    /// whether someone has the CCCD at all, and the match.
    pub async fn person_by_cccd_and_phone(
        db: &Db,
        province: &str,
        cccd: &Cccd,
        phone: &PhoneNumber,
    ) -> anyhow::Result<(bool, Option<PersonRecord>)> {
        let ids = crate::store::ids_by_cccd(db, province, cccd.as_str()).await?;
        let people = crate::store::by_ids(db, province, &ids).await?;
        Ok((!ids.is_empty(), people.into_iter().find(|p| p.person.phone.as_ref() == Some(phone))))
    }
}
