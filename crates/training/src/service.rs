//! The training capability's long-lived state (the ledger) and who may do what.

use std::collections::HashMap;
use std::sync::Arc;

use platform::auth::{AreaScope, Role, User};
use platform::error::{AppError, AppResult};
use platform::follow::Follower;
use platform::Db;

use crate::ledger::{Ledger, LedgerFeed};
use crate::model::*;
use crate::store::{self, Filter};

pub struct Training {
    ledger: Follower<LedgerFeed>,
}

impl Training {
    pub fn new(db: Db, province: &str) -> Arc<Training> {
        let follower = Follower::new(Arc::new(LedgerFeed(Ledger::default())), db.clone(), province);
        Arc::new(Training { ledger: follower })
    }

    /// The indicators of `f`, caught up with every enrolment saved so far;
    /// `codes`: school id → code (the caller has read the schools).
    pub async fn indicators(&self, f: &Filter, codes: &HashMap<i64, String>) -> AppResult<Indicators> {
        self.ledger.sync().await?;
        Ok(self.ledger.feed().0.indicators(f, codes))
    }
}

/// After graduating: the registry's qualification raised to the one earned
/// when higher (so its trained-labour indicators move).
pub async fn raise_qualification(db: &Db, province: &str, person_id: i64, e: &Enrolment) -> anyhow::Result<bool> {
    let earned = e.level.qualification(e.certificate);
    registry::api::raise_qualification(
        db,
        province,
        person_id,
        earned,
        &crate::rules::trade_name(&e.trade, platform::i18n::Lang::Vi),
    )
    .await
}

/// School id → code.
pub async fn school_codes(db: &Db, province: &str) -> anyhow::Result<HashMap<i64, String>> {
    Ok(store::schools(db, province).await?.into_iter().map(|s| (s.id, s.code)).collect())
}

/// Whose records a user works on.
#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    /// Every school, every commune (staff, admin).
    All,
    /// One school's (a school account).
    School(i64),
}

/// Who enters and edits training records: staff and admin for every school,
/// a school account for its own.
pub fn editor(user: &User) -> AppResult<Reach> {
    match (user.role, user.school_id) {
        (Role::Admin | Role::Staff, _) => Ok(Reach::All),
        (Role::School, Some(id)) => Ok(Reach::School(id)),
        _ => Err(AppError::Forbidden),
    }
}

impl Reach {
    /// May work on this school's records.
    pub fn allows(&self, school_id: i64) -> bool {
        match self {
            Reach::All => true,
            Reach::School(id) => *id == school_id,
        }
    }
    pub fn school(&self) -> Option<i64> {
        match self {
            Reach::All => None,
            Reach::School(id) => Some(*id),
        }
    }
}

/// What a user's figures count: leadership and staff the province, a
/// commune officer their communes, a school its own learners.
pub fn figures_filter(user: &User) -> AppResult<Filter> {
    match (user.role, user.scope()) {
        (Role::School, _) => match user.school_id {
            Some(id) => Ok(Filter { school: Some(id), ..Default::default() }),
            None => Err(AppError::Forbidden),
        },
        (_, AreaScope::All) => Ok(Filter::default()),
        // A commune officer with no commune assigned counts nothing (an empty list would mean all).
        (_, AreaScope::Wards(w)) if w.is_empty() => Err(AppError::Forbidden),
        (_, AreaScope::Wards(w)) => Ok(Filter { wards: w, ..Default::default() }),
        (_, AreaScope::Nothing) => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_counts_its_own() {
        let mut school = User::example(1, Role::School);
        assert!(figures_filter(&school).is_err(), "a school account not linked to a school");
        school.school_id = Some(4);
        assert_eq!(figures_filter(&school).unwrap().school, Some(4));
        assert_eq!(editor(&school).unwrap(), Reach::School(4));
        assert!(!editor(&school).unwrap().allows(5));
        let mut officer = User::example(2, Role::CommuneOfficer);
        officer.wards = vec!["22504".into()];
        assert_eq!(figures_filter(&officer).unwrap().wards, ["22504"]);
        assert!(editor(&officer).is_err());
        assert!(figures_filter(&User::example(6, Role::CommuneOfficer)).is_err(), "no commune assigned: nothing");
        assert_eq!(figures_filter(&User::example(3, Role::Viewer)).unwrap(), Filter::default());
        assert!(figures_filter(&User::example(4, Role::Employer)).is_err());
        assert!(figures_filter(&User::example(5, Role::JobSeeker)).is_err());
    }
}
