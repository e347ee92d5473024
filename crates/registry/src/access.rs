//! Who may do what in the labour registry, and where: the one place that
//! says so. Routes ask here; a new action gets a function and a row in the
//! table test below (the HTTP matrix in `tests/access.tsv` checks the routes).

use platform::auth::{AreaScope, Role, User};
use platform::error::{AppError, AppResult};

/// People's records (read, change, import, lists, exports): the department's
/// staff province-wide, a commune officer in their communes.
pub fn people(user: &User) -> AppResult<AreaScope> {
    match user.role {
        Role::Admin | Role::Staff | Role::CommuneOfficer => Ok(user.scope()),
        _ => Err(AppError::Forbidden),
    }
}

/// Counts and indicators, no one's record: leadership too.
pub fn aggregates(user: &User) -> AppResult<AreaScope> {
    match user.role {
        Role::Viewer => Ok(AreaScope::All),
        _ => people(user),
    }
}

/// Whose import jobs a user sees: everyone's for the department's staff
/// (the command line's too), else their own.
pub fn imports_of(user: &User) -> Option<i64> {
    (!matches!(user.role, Role::Admin | Role::Staff)).then_some(user.id)
}

/// Whether a user may see (and stop, and run again) an import job.
pub fn sees_import(user: &User, started_by: Option<i64>) -> bool {
    imports_of(user).is_none() || started_by == Some(user.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User { wards: vec!["22504".into()], ..User::example(7, role) }
    }

    #[test]
    fn role_by_action() {
        use Role::*;
        // role, people's records, aggregates, sees everyone's imports
        let table = [
            (Admin, true, true, true),
            (Staff, true, true, true),
            (CommuneOfficer, true, true, false),
            (Viewer, false, true, false),
            (Employer, false, false, false),
            (JobSeeker, false, false, false),
            (School, false, false, false),
        ];
        for (role, records, counts, all_imports) in table {
            let u = user(role);
            assert_eq!(people(&u).is_ok(), records, "{role:?} records");
            assert_eq!(aggregates(&u).is_ok(), counts, "{role:?} aggregates");
            assert_eq!(imports_of(&u).is_none(), all_imports, "{role:?} imports");
            assert!(sees_import(&u, Some(7)), "{role:?} sees its own import");
            assert_eq!(sees_import(&u, None), all_imports, "{role:?} sees the command line's");
        }
        assert_eq!(people(&user(CommuneOfficer)).unwrap(), AreaScope::Wards(vec!["22504".into()]));
    }
}
