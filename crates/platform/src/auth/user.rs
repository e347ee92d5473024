//! Who is asking: role, area scope and the request's identity.

use crate::error::AppError;
use crate::web::Ctx;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

/// Vai trò người dùng.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quản trị hệ thống
    Admin,
    /// Cán bộ Sở / Trung tâm DVVL (toàn tỉnh)
    Staff,
    /// Cán bộ xã (chỉ các xã được giao)
    CommuneOfficer,
    /// Doanh nghiệp
    Employer,
    /// Người lao động
    JobSeeker,
    /// Cơ sở giáo dục nghề nghiệp
    School,
    /// Lãnh đạo (chỉ số liệu tổng hợp)
    Viewer,
}

impl Role {
    pub const ALL: [Role; 7] =
        [Role::Admin, Role::Staff, Role::CommuneOfficer, Role::Employer, Role::JobSeeker, Role::School, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::CommuneOfficer => "commune_officer",
            Role::Employer => "employer",
            Role::JobSeeker => "job_seeker",
            Role::School => "school",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
    /// i18n key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::Staff => "role.staff",
            Role::CommuneOfficer => "role.commune_officer",
            Role::Employer => "role.employer",
            Role::JobSeeker => "role.job_seeker",
            Role::School => "role.school",
            Role::Viewer => "role.viewer",
        }
    }
}

/// Which communes' records a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaScope {
    /// Every commune of the province.
    All,
    /// Only these communes (2025 ward codes).
    Wards(Vec<String>),
    /// No area-based access (employers, job seekers, schools see their own records only).
    Nothing,
}

impl AreaScope {
    pub fn allows(&self, ward_code: &str) -> bool {
        match self {
            AreaScope::All => true,
            AreaScope::Wards(w) => w.iter().any(|c| c == ward_code),
            AreaScope::Nothing => false,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub lang: crate::i18n::Lang,
    pub employer_id: Option<i64>,
    pub school_id: Option<i64>,
    pub person_id: Option<i64>,
    pub active: bool,
    /// Assigned communes (commune officers).
    pub wards: Vec<String>,
    /// Logs in with a code from an authenticator app too.
    pub second_factor: bool,
    /// Their role must (an administrator's setting).
    pub second_factor_required: bool,
}

impl User {
    /// A user of this role with nothing else set (for rules' unit tests).
    pub fn example(id: i64, role: Role) -> User {
        User {
            id,
            email: format!("{}@example.vn", role.as_str()),
            display_name: String::new(),
            role,
            lang: crate::i18n::Lang::Vi,
            employer_id: None,
            school_id: None,
            person_id: None,
            active: true,
            wards: vec![],
            second_factor: false,
            second_factor_required: false,
        }
    }

    pub fn scope(&self) -> AreaScope {
        match self.role {
            Role::Admin | Role::Staff | Role::Viewer => AreaScope::All,
            Role::CommuneOfficer => AreaScope::Wards(self.wards.clone()),
            Role::Employer | Role::JobSeeker | Role::School => AreaScope::Nothing,
        }
    }
    /// Leadership sees aggregates only, never a person's record.
    pub fn may_see_personal_data(&self) -> bool {
        !matches!(self.role, Role::Viewer)
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn require(&self, ok: bool) -> Result<(), AppError> {
        if ok {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
    /// Name written in the audit log.
    pub fn actor(&self) -> String {
        self.email.clone()
    }
}

/// A logged-in user (session or bearer token); anonymous requests are refused
/// (HTML: redirect to the login page; API: 401).
pub struct CurrentUser(pub User);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let ctx = parts.extensions.get::<Ctx>().ok_or_else(|| AppError::internal("request context missing"))?;
        ctx.user.clone().map(CurrentUser).ok_or(AppError::Unauthorized)
    }
}

/// The user if logged in.
pub struct MaybeUser(pub Option<User>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let ctx = parts.extensions.get::<Ctx>().ok_or_else(|| AppError::internal("request context missing"))?;
        Ok(MaybeUser(ctx.user.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, wards: &[&str]) -> User {
        User {
            id: 1,
            email: "a@b.vn".into(),
            display_name: "A".into(),
            role,
            lang: Default::default(),
            employer_id: None,
            school_id: None,
            person_id: None,
            wards: wards.iter().map(|s| s.to_string()).collect(),
            ..User::example(1, role)
        }
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn commune_officer_sees_only_assigned_communes() {
        let u = user(Role::CommuneOfficer, &["22504"]);
        assert!(u.scope().allows("22504"));
        assert!(!u.scope().allows("22624"));
        assert!(user(Role::Staff, &[]).scope().allows("22624"));
        assert!(!user(Role::Employer, &[]).scope().allows("22504"));
        assert!(!user(Role::Viewer, &[]).may_see_personal_data());
    }
}
