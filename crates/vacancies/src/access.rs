//! Who may do what with vacancies and applications: the one place that says
//! so. Whether a user may act for an employer is the employers' rule
//! ([`employers::access`]), asked through its public functions.

use crate::rules::Actor;
use platform::auth::{Role, User};
use platform::error::{AppError, AppResult};

pub use employers::access::{authorize, authorize_write, employer_of, is_reviewer, is_staff};

/// Who a user acts as on a vacancy's state machine: its employer's accounts,
/// or the department's reviewers; no one else moves a vacancy.
pub fn actor(user: &User) -> AppResult<Actor> {
    match user.role {
        Role::Employer => Ok(Actor::Employer),
        _ if is_reviewer(user) => Ok(Actor::Staff),
        _ => Err(AppError::Forbidden),
    }
}

/// Sees a vacancy in any state, with its review notes: the department
/// (commune officers too) and the employer's own accounts.
pub fn insider(user: &User, employer_id: i64) -> bool {
    is_staff(user) || (user.role == Role::Employer && user.employer_id == Some(employer_id))
}

/// Whose applications a user sees: (employer, applicant); `None` is everyone's.
/// An employer its own, a job seeker theirs, the department all; a commune
/// officer has no business with applicants' phones.
pub fn applications_of(user: &User) -> AppResult<(Option<i64>, Option<i64>)> {
    match user.role {
        Role::Employer => Ok((Some(user.employer_id.ok_or(AppError::Forbidden)?), None)),
        Role::JobSeeker => Ok((None, Some(user.id))),
        Role::Admin | Role::Staff => Ok((None, None)),
        _ => Err(AppError::Forbidden),
    }
}

/// Who decides an application's status: the applicant (to withdraw) or the
/// vacancy's employer; `Some(true)` for the applicant.
pub fn decides_application(user: &User, applicant: i64, employer_id: i64) -> Option<bool> {
    match user.role {
        Role::JobSeeker => (user.id == applicant).then_some(true),
        Role::Employer => (user.employer_id == Some(employer_id)).then_some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User { employer_id: (role == Role::Employer).then_some(9), ..User::example(3, role) }
    }

    #[test]
    fn role_by_action() {
        use Role::*;
        // role, state machine actor, sees employer 9's drafts, sees whose applications, decides on application (3 → 9)
        let table = [
            (Admin, Some(Actor::Staff), true, Some((None, None)), None),
            (Staff, Some(Actor::Staff), true, Some((None, None)), None),
            (CommuneOfficer, None, true, None, None),
            (Viewer, None, false, None, None),
            (Employer, Some(Actor::Employer), true, Some((Some(9), None)), Some(false)),
            (JobSeeker, None, false, Some((None, Some(3))), Some(true)),
            (School, None, false, None, None),
        ];
        for (role, act, inside, apps, decides) in table {
            let u = user(role);
            assert_eq!(actor(&u).ok(), act, "{role:?}");
            assert_eq!(insider(&u, 9), inside, "{role:?}");
            assert!(!insider(&u, 8) || is_staff(&u), "{role:?}: another employer's");
            assert_eq!(applications_of(&u).ok(), apps, "{role:?}");
            assert_eq!(decides_application(&u, 3, 9), decides, "{role:?}");
            assert_eq!(decides_application(&u, 4, 8), None, "{role:?}: someone else's");
        }
    }
}
