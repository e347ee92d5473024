//! Labour registry (cung lao động): every resident aged 15+ that the communes
//! survey under Circular 01/2022/TT-BLĐTBXH, classified by need and
//! qualification.

pub mod access;
pub mod bulk;
pub mod classification;
pub mod copy;
pub mod import;
pub mod imports;
pub mod lists;
pub mod model;
mod raw_insert;
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
    use crate::model::{Person, PersonInput, PersonRecord};
    use platform::error::FieldError;
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

    /// Who a row of another capability's list is: someone in the registry
    /// (id, commune), or a person to add from the row.
    pub enum Who {
        Known(i64, String),
        New(Box<Person>),
    }

    impl Who {
        /// The person's commune.
        pub fn ward(&self) -> &str {
            match self {
                Who::Known(_, ward) => ward,
                Who::New(p) => p.ward_code.as_str(),
            }
        }
    }

    /// Find the person a row names: by CCCD when it has one (refused when
    /// nobody has it: a typing slip must not add a second person), else the
    /// same commune, name and birth date; a person not found is checked as
    /// the registry's form checks them, ready to add.
    pub async fn find_or_prepare(
        db: &Db,
        province: &str,
        input: &PersonInput,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<Result<Who, Vec<FieldError>>> {
        if !input.cccd.trim().is_empty() {
            let cccd = match crate::rules::parse_cccd_lenient(&input.cccd) {
                Ok(c) => c,
                Err(e) => return Ok(Err(vec![FieldError::new("cccd", e.key)])),
            };
            let Some(id) = crate::store::id_by_cccd(db, province, cccd.as_str()).await? else {
                // Someone new with a CCCD: added from the row's other fields.
                return prepare(db, province, input, today).await;
            };
            return Ok(match crate::store::get(db, province, id).await? {
                Some(p) => Ok(Who::Known(id, p.person.ward_code.as_str().to_owned())),
                None => Err(vec![FieldError::new("cccd", "err.not_found")]),
            });
        }
        prepare(db, province, input, today).await
    }

    async fn prepare(
        db: &Db,
        province: &str,
        input: &PersonInput,
        today: chrono::NaiveDate,
    ) -> anyhow::Result<Result<Who, Vec<FieldError>>> {
        Ok(match crate::rules::validate(input, refdata::refdata(), province, today) {
            Ok(p) => match crate::store::same_person(db, province, &p).await? {
                Some(id) => Ok(Who::Known(id, p.ward_code.as_str().to_owned())),
                None => Ok(Who::New(Box::new(p))),
            },
            Err(e) => Err(e),
        })
    }

    /// The person's id, adding them first when new (`Ok(id)` added now;
    /// `Err(id)` when another row of the same file added them a moment ago).
    pub async fn keep(db: &Db, province: &str, who: &Who) -> anyhow::Result<(i64, bool)> {
        Ok(match who {
            Who::Known(id, _) => (*id, false),
            Who::New(p) => match crate::store::insert(db, province, p).await? {
                Ok(id) => (id, true),
                Err(existing) => (existing, false),
            },
        })
    }

    /// Raise a person's qualification to `earned` (a qualification code) when
    /// it ranks above the one recorded, with the field trained in; returns
    /// whether it changed (graduation from a vocational school).
    pub async fn raise_qualification(
        db: &Db,
        province: &str,
        id: i64,
        earned: &str,
        field: &str,
    ) -> anyhow::Result<bool> {
        let Some(mut record) = crate::store::get(db, province, id).await? else { return Ok(false) };
        let rank = |code: &str| refdata::refdata().qualifications.iter().find(|q| q.code == code).map(|q| q.rank);
        let (Some(new), held) = (rank(earned), rank(&record.person.qualification).unwrap_or(0)) else {
            return Ok(false);
        };
        if new <= held {
            return Ok(false);
        }
        record.person.qualification = earned.to_owned();
        record.person.training_field = Some(field.to_owned());
        crate::store::update(db, province, id, &record.person).await
    }
}
