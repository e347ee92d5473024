//! Who may do what with employers and their declarations: the one place
//! that says so (the vacancies ask here too, through these functions).

use platform::audit::{self, Action};
use platform::auth::{Role, User};
use platform::error::{AppError, AppResult};
use platform::web::Ctx;
use platform::AppState;

/// Staff of the department (province-wide) or a commune officer.
pub fn is_staff(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff | Role::CommuneOfficer)
}

/// Staff who decide (approve employers and vacancies).
pub fn is_reviewer(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff)
}

/// Reading an employer's data: staff (commune officers too) or that
/// employer's own accounts. An attempt on another employer's data is refused
/// and audited.
pub async fn authorize(st: &AppState, ctx: &Ctx, user: &User, employer_id: i64, entity: &str) -> AppResult<()> {
    let own = user.role == Role::Employer && user.employer_id == Some(employer_id);
    check(st, ctx, is_staff(user) || own, employer_id, entity).await
}

/// Changing it: the employer's own accounts, or the department's reviewers
/// (a commune officer reads, but does not act for an employer).
pub async fn authorize_write(st: &AppState, ctx: &Ctx, user: &User, employer_id: i64, entity: &str) -> AppResult<()> {
    let own = user.role == Role::Employer && user.employer_id == Some(employer_id);
    check(st, ctx, is_reviewer(user) || own, employer_id, entity).await
}

async fn check(st: &AppState, ctx: &Ctx, allowed: bool, employer_id: i64, entity: &str) -> AppResult<()> {
    if allowed {
        return Ok(());
    }
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        ctx,
        Action::Denied,
        entity,
        Some(&employer_id.to_string()),
        Some("another employer's data"),
    )
    .await?;
    Err(AppError::Forbidden)
}

/// The employer an employer's account acts for.
pub fn employer_of(user: &User) -> AppResult<i64> {
    match (user.role, user.employer_id) {
        (Role::Employer, Some(id)) => Ok(id),
        _ => Err(AppError::Forbidden),
    }
}

/// The province's recruitment-needs report: the department, communes and leadership.
pub fn may_read_report(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::Staff | Role::Viewer | Role::CommuneOfficer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, employer_id: Option<i64>) -> User {
        User { employer_id, ..User::example(1, role) }
    }

    #[test]
    fn role_by_action() {
        use Role::*;
        // role, reads every employer, decides, reads the needs report
        let table = [
            (Admin, true, true, true),
            (Staff, true, true, true),
            (CommuneOfficer, true, false, true),
            (Viewer, false, false, true),
            (Employer, false, false, false),
            (JobSeeker, false, false, false),
            (School, false, false, false),
        ];
        for (role, reads, decides, report) in table {
            let u = user(role, None);
            assert_eq!(is_staff(&u), reads, "{role:?}");
            assert_eq!(is_reviewer(&u), decides, "{role:?}");
            assert_eq!(may_read_report(&u), report, "{role:?}");
        }
        assert_eq!(employer_of(&user(Employer, Some(5))).unwrap(), 5);
        assert!(employer_of(&user(Employer, None)).is_err());
        assert!(employer_of(&user(Staff, Some(5))).is_err());
    }
}
