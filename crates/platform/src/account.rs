//! The second factor's pages (xác thực hai lớp): the login's second step,
//! the user's own set-up, and the administrator's requirement per role.

use crate::audit::{self, Action};
use crate::auth::second_factor::{self as factor, Passed};
use crate::auth::{password, store, CurrentUser, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{render, safe_next, Ctx, Page};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;

/// The account whose password was right, waiting for its code.
const PENDING: &str = "second_step";
/// A secret shown for set-up, not yet confirmed.
const SETUP: &str = "second_factor_setup";
/// How long the second step may take.
const PENDING_SECONDS: i64 = 5 * 60;
/// Where a user whose role requires a second factor is sent until they have one.
pub const SETUP_PATH: &str = "/account/second-factor";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/login/code", get(code_page).post(code_submit))
        .route(SETUP_PATH, get(setup_page).post(setup_confirm))
        .route("/account/second-factor/off", post(turn_off))
        .route("/admin/second-factor", post(require_for_roles))
}

#[derive(Serialize, Deserialize)]
struct Pending {
    user_id: i64,
    at: i64,
    next: String,
}

/// The password was right and the account has a second factor: remember
/// who is half-way in (not logged in) and ask for the code.
pub async fn begin(session: &Session, user_id: i64, next: &str) -> AppResult<Response> {
    session.cycle_id().await.map_err(|e| anyhow::anyhow!(e))?;
    let pending = Pending { user_id, at: chrono::Utc::now().timestamp(), next: next.to_owned() };
    session.insert(PENDING, pending).await.map_err(|e| anyhow::anyhow!(e))?;
    Ok(Redirect::to("/login/code").into_response())
}

/// Paths a user who must set up a second factor may still open.
pub fn open_before_setup(path: &str) -> bool {
    path == SETUP_PATH
        || path.starts_with("/static/")
        || matches!(path, "/logout" | "/lang" | "/login" | "/login/code" | "/healthz" | "/favicon.ico")
}

async fn pending(session: &Session) -> AppResult<Option<Pending>> {
    let p: Option<Pending> = session.get(PENDING).await.map_err(|e| anyhow::anyhow!(e))?;
    Ok(p.filter(|p| chrono::Utc::now().timestamp() - p.at <= PENDING_SECONDS))
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    page: Page,
    error: Option<String>,
}

async fn code_page(ctx: Ctx, session: Session) -> AppResult<Response> {
    if pending(&session).await?.is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(render(CodePage { page: ctx.page("second.title"), error: None })?.into_response())
}

#[derive(Deserialize)]
struct CodeForm {
    code: String,
}

async fn code_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    axum::Form(f): axum::Form<CodeForm>,
) -> AppResult<Response> {
    let Some(p) = pending(&session).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = store::find_by_id(&st.db, p.user_id).await?.filter(|u| u.active).ok_or(AppError::Unauthorized)?;
    // Codes are guessed like passwords, and slowed the same way.
    let key = format!("code:{}", user.email);
    let address = ctx.ip.as_deref().unwrap_or("?");
    if let Err(wait) = st.throttle.check(&key, address) {
        return Err(AppError::too_many("err.too_many_attempts", wait));
    }
    let event = |action, detail| audit::Event {
        user_id: Some(user.id),
        actor: &user.email,
        action,
        entity: "user",
        entity_id: None,
        detail,
        ip: ctx.ip.as_deref(),
    };
    match factor::check(&st.db, user.id, &f.code).await? {
        Some(passed) => {
            st.throttle.succeed(&key, address);
            session.remove::<Pending>(PENDING).await.map_err(|e| anyhow::anyhow!(e))?;
            crate::web::start_session(&session, user.id).await?;
            let how = match passed {
                Passed::Code => "second factor",
                Passed::RecoveryCode => "recovery code",
            };
            audit::record(&st.db, &st.settings.province_code, event(Action::Login, Some(how))).await?;
            if passed == Passed::RecoveryCode {
                let left = factor::recovery_codes_left(&st.db, user.id).await?.to_string();
                crate::notify::tell(
                    &st,
                    crate::notify::To::User(user.id),
                    "second.recovery_used",
                    &[("left", &left)],
                    Some(SETUP_PATH),
                )
                .await?;
            }
            Ok(Redirect::to(&safe_next(Some(&p.next))).into_response())
        }
        None => {
            st.throttle.fail(&key, address);
            audit::record(&st.db, &st.settings.province_code, event(Action::LoginFailed, Some("second factor")))
                .await?;
            let page = CodePage {
                page: ctx.page("second.title"),
                error: Some(crate::i18n::t(ctx.lang, "second.wrong_code").to_owned()),
            };
            Ok((StatusCode::UNAUTHORIZED, render(page)?).into_response())
        }
    }
}

// ---------- the user's own set-up ----------

#[derive(Template)]
#[template(path = "second_factor.html")]
struct SetupPage {
    page: Page,
    /// Already on: how many recovery codes are left.
    on: Option<i64>,
    required: bool,
    /// Set-up: the QR code (SVG) and the secret to type by hand.
    qr_svg: String,
    secret: String,
    /// Just turned on: the recovery codes, shown this once.
    codes: Vec<String>,
    error: Option<String>,
}

impl SetupPage {
    async fn of(st: &AppState, ctx: &Ctx, session: &Session, error: Option<&str>) -> AppResult<Self> {
        let user = ctx.user.as_ref().ok_or(AppError::Unauthorized)?;
        let fresh = store::find_by_id(&st.db, user.id).await?.ok_or(AppError::Unauthorized)?;
        let mut page = SetupPage {
            page: ctx.page("second.title"),
            on: None,
            required: fresh.second_factor_required,
            qr_svg: String::new(),
            secret: String::new(),
            codes: vec![],
            error: error.map(|k| crate::i18n::t(ctx.lang, k).to_owned()),
        };
        if fresh.second_factor {
            page.on = Some(factor::recovery_codes_left(&st.db, user.id).await?);
            return Ok(page);
        }
        let secret = match session.get::<String>(SETUP).await.map_err(|e| anyhow::anyhow!(e))? {
            Some(s) => s,
            None => {
                let s = factor::new_secret();
                session.insert(SETUP, &s).await.map_err(|e| anyhow::anyhow!(e))?;
                s
            }
        };
        let url = factor::otpauth_url(&secret, &user.email, &st.settings.org.name);
        let qr = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
            .map_err(|e| anyhow::anyhow!("QR code: {e}"))?;
        page.qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
        page.secret = factor::grouped(&secret);
        Ok(page)
    }
}

async fn setup_page(State(st): State<AppState>, ctx: Ctx, _u: CurrentUser, session: Session) -> AppResult<Response> {
    Ok(render(SetupPage::of(&st, &ctx, &session, None).await?)?.into_response())
}

async fn setup_confirm(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    axum::Form(f): axum::Form<CodeForm>,
) -> AppResult<Response> {
    let secret: Option<String> = session.get(SETUP).await.map_err(|e| anyhow::anyhow!(e))?;
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let step = secret.as_deref().and_then(|s| factor::verify(s, &f.code, now, None));
    let (Some(secret), Some(step)) = (secret, step) else {
        let page = SetupPage::of(&st, &ctx, &session, Some("second.wrong_code")).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    };
    let codes = factor::new_recovery_codes();
    factor::enable(&st.db, user.id, &secret, step, &codes).await?;
    session.remove::<String>(SETUP).await.map_err(|e| anyhow::anyhow!(e))?;
    account_changed(&st, &ctx, user.id, "second factor on").await?;
    let mut page = SetupPage::of(&st, &ctx, &session, None).await?;
    page.codes = codes;
    Ok(render(page)?.into_response())
}

/// The audit line of a change to an account's protection.
async fn account_changed(st: &AppState, ctx: &Ctx, user_id: i64, what: &str) -> AppResult<()> {
    let id = user_id.to_string();
    audit::by_request(&st.db, &st.settings.province_code, ctx, Action::Update, "user", Some(&id), Some(what)).await?;
    Ok(())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
}

async fn turn_off(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    axum::Form(f): axum::Form<PasswordForm>,
) -> AppResult<Response> {
    let (fresh, hash) = store::find_for_login(&st.db, &user.email).await?.ok_or(AppError::Unauthorized)?;
    let problem = if fresh.second_factor_required {
        Some("second.err.required")
    } else if !password::verify(&f.password, &hash) {
        Some("err.password.current")
    } else {
        None
    };
    if let Some(key) = problem {
        let page = SetupPage::of(&st, &ctx, &session, Some(key)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    factor::disable(&st.db, user.id).await?;
    account_changed(&st, &ctx, user.id, "second factor off").await?;
    Ok(Redirect::to(SETUP_PATH).into_response())
}

// ---------- the administrator's requirement ----------

#[derive(Deserialize)]
struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

async fn require_for_roles(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    axum_extra::extract::Form(f): axum_extra::extract::Form<RolesForm>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let roles: Vec<Role> = f.roles.iter().filter_map(|r| Role::parse(r)).collect();
    factor::set_required_roles(&st.db, &roles).await?;
    let detail = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Update,
        "second_factor_roles",
        None,
        Some(&detail),
    )
    .await?;
    Ok(Redirect::to("/admin/users").into_response())
}
