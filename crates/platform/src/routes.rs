//! The platform's own pages and API: login, language, account, users, audit,
//! jobs, health, API documentation.

use crate::audit::{self, Action};
use crate::auth::{password, store, CurrentUser, MaybeUser, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::types::Email;
use crate::web::{render, safe_next, Ctx, Page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use axum_extra::extract::Form as MultiForm;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", axum::routing::post(logout))
        .route("/lang", get(visitor_lang).post(set_lang))
        .route("/notifications", get(notifications_page))
        .route("/notifications/read", axum::routing::post(notifications_read))
        .route("/account/password", get(password_page).post(change_password))
        .route("/account/tokens/{id}/revoke", axum::routing::post(revoke_token))
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/new", get(new_user_page))
        .route("/admin/users/{id}", get(edit_user_page).post(update_user))
        .route("/admin/audit", get(audit_page))
        .route("/admin/jobs", get(jobs_page))
        .route("/admin/jobs/{id}/cancel", axum::routing::post(cancel_job))
        .route("/api/docs", get(api_docs))
        .routes(routes!(healthz))
        .routes(routes!(me))
        .routes(routes!(audit_api))
        .routes(routes!(jobs_api))
        .routes(routes!(notifications_api))
        .merge(crate::account::router())
}

// ---------- home ----------

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    wards: Vec<(String, String)>,
}

/// The public start at the job board; staff and users at their home page.
async fn home(State(st): State<AppState>, ctx: Ctx, MaybeUser(user): MaybeUser) -> AppResult<Response> {
    let Some(user) = user else {
        return Ok(Redirect::to("/jobs").into_response());
    };
    // The leadership's home is the dashboard.
    if user.role == crate::auth::Role::Viewer {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let wards = crate::area::ward_names(&st.db, &user.wards).await?;
    Ok(render(HomePage { page: ctx.page("home.title"), wards })?.into_response())
}

// ---------- login / logout / language ----------

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    page: Page,
    error: Option<String>,
    next: String,
    email: String,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    let next = safe_next(q.next.as_deref());
    Ok(render(LoginPage { page: ctx.page("login.title"), error: None, next, email: String::new() })?.into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    axum::Form(f): axum::Form<LoginForm>,
) -> AppResult<Response> {
    // The same key the account is found by: "+84 905…" and "0905…" are one account.
    let email = store::login_key(&f.email);
    let address = ctx.ip.as_deref().unwrap_or("?");
    if let Err(wait) = st.throttle.check(&email, address) {
        return Err(AppError::too_many("err.too_many_attempts", wait));
    }
    let found = store::find_for_login(&st.db, &email).await?;
    // Verify even when the account is unknown so timing does not tell which e-mails exist.
    let (user, hash) = match &found {
        Some((u, h)) => (Some(u), h.as_str()),
        None => (None, password::dummy_hash()),
    };
    let password_ok = password::verify(&f.password, hash);
    match user {
        Some(u) if password_ok && u.active => {
            st.throttle.succeed(&email, address);
            if u.second_factor {
                // Half-way: logged in only once the code is right.
                return crate::account::begin(&session, u.id, &safe_next(f.next.as_deref())).await;
            }
            crate::web::start_session(&session, u.id).await?;
            audit::record(
                &st.db,
                &st.settings.province_code,
                audit::Event {
                    user_id: Some(u.id),
                    actor: &u.email,
                    action: Action::Login,
                    entity: "user",
                    entity_id: Some(&u.id.to_string()),
                    detail: None,
                    ip: ctx.ip.as_deref(),
                },
            )
            .await?;
            Ok(Redirect::to(&safe_next(f.next.as_deref())).into_response())
        }
        _ => {
            if let (Some(count), Some(u)) = (st.throttle.fail(&email, address), user) {
                let count = count.to_string();
                crate::notify::tell(
                    &st,
                    crate::notify::To::User(u.id),
                    "login.guessed",
                    &[("count", &count), ("ip", address)],
                    Some("/account/password"),
                )
                .await?;
            }
            audit::record(
                &st.db,
                &st.settings.province_code,
                audit::Event {
                    user_id: user.map(|u| u.id),
                    actor: &email,
                    action: Action::LoginFailed,
                    entity: "user",
                    entity_id: None,
                    detail: None,
                    ip: ctx.ip.as_deref(),
                },
            )
            .await?;
            let page = LoginPage {
                error: Some(crate::i18n::t(ctx.lang, "login.failed").to_owned()),
                page: ctx.page("login.title"),
                next: safe_next(f.next.as_deref()),
                email: f.email,
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, render(page)?).into_response())
        }
    }
}

async fn logout(State(st): State<AppState>, ctx: Ctx, session: Session) -> AppResult<Response> {
    if let Some(u) = &ctx.user {
        audit::by_request(
            &st.db,
            &st.settings.province_code,
            &ctx,
            Action::Logout,
            "user",
            Some(&u.id.to_string()),
            None,
        )
        .await?;
    }
    session.flush().await.map_err(|e| anyhow::anyhow!(e))?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

/// Switch language: remembered for the user's account, or in a cookie for visitors.
async fn set_lang(
    State(st): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    axum::Form(f): axum::Form<LangForm>,
) -> AppResult<Response> {
    let lang = Lang::parse(&f.lang).ok_or_else(|| AppError::bad("err.bad_request"))?;
    if let Some(u) = &ctx.user {
        store::set_lang(&st.db, u.id, lang).await?;
    }
    Ok((jar.add(lang_cookie(lang)), Redirect::to(&safe_next(f.next.as_deref()))).into_response())
}

/// The visitor's language, remembered by the browser for a year.
fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((crate::web::LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build()
}

/// A visitor's language from a link (public pages carry no form token): only
/// the cookie changes, never an account.
async fn visitor_lang(jar: CookieJar, Query(f): Query<LangForm>) -> AppResult<Response> {
    let lang = Lang::parse(&f.lang).ok_or_else(|| AppError::bad("err.bad_request"))?;
    Ok((jar.add(lang_cookie(lang)), Redirect::to(&safe_next(f.next.as_deref()))).into_response())
}

// ---------- notifications ----------

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    page: Page,
    items: Vec<crate::notify::Notification>,
}

/// The user's notifications, newest first (unread ones stand out).
async fn notifications_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Response> {
    let items = crate::notify::recent(&st.db, user.id, ctx.lang, 100).await?;
    Ok(render(NotificationsPage { page: ctx.page("nav.notifications"), items })?.into_response())
}

/// Mark them all read (a POST: a link elsewhere cannot do it).
async fn notifications_read(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    crate::notify::mark_all_read(&st.db, user.id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// The calling user's latest notifications (newest first), in the caller's language.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "platform",
    responses((status = 200, body = Vec<crate::notify::Notification>), (status = 401, body = crate::error::ApiError)),
    security(("bearer" = [])))]
async fn notifications_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Json<Vec<crate::notify::Notification>>> {
    Ok(Json(crate::notify::recent(&st.db, user.id, ctx.lang, 100).await?))
}

// ---------- password change ----------

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    error: Option<String>,
    done: bool,
    /// The user's API tokens, to revoke.
    tokens: Vec<store::TokenInfo>,
    /// Whether the user's second factor is on (linked either way).
    second_factor: bool,
}

impl PasswordPage {
    async fn of(
        st: &AppState,
        ctx: &Ctx,
        user: &crate::auth::User,
        error: Option<&str>,
        done: bool,
    ) -> AppResult<Self> {
        Ok(Self {
            page: ctx.page("password.title"),
            error: error.map(|key| crate::i18n::t(ctx.lang, key).to_owned()),
            done,
            tokens: store::tokens_of(&st.db, user.id).await?,
            second_factor: user.second_factor,
        })
    }
}

async fn password_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    Ok(render(PasswordPage::of(&st, &ctx, &user, None, false).await?)?.into_response())
}

/// Revoke one of the user's own API tokens.
async fn revoke_token(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<Response> {
    if !store::revoke_token(&st.db, user.id, id).await? {
        return Err(AppError::NotFound);
    }
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Delete,
        "api_token",
        Some(&id.to_string()),
        None,
    )
    .await?;
    Ok(Redirect::to("/account/password").into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

async fn change_password(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    session: Session,
    axum::Form(f): axum::Form<PasswordForm>,
) -> AppResult<Response> {
    let (_, hash) = store::find_for_login(&st.db, &user.email).await?.ok_or(AppError::Unauthorized)?;
    let problem = if !password::verify(&f.current, &hash) {
        Some("err.password.current")
    } else if f.new != f.repeat {
        Some("err.password.mismatch")
    } else {
        password::check_strength(&f.new, &user.email).err()
    };
    if let Some(key) = problem {
        let page = PasswordPage::of(&st, &ctx, &user, Some(key), false).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    // This browser stays logged in; every other one is logged out.
    let keep = session.id().map(|id| id.to_string());
    store::set_password(&st.db, user.id, &password::hash(&f.new)?, keep.as_deref()).await?;
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Update,
        "user",
        Some(&user.id.to_string()),
        Some("password"),
    )
    .await?;
    Ok(render(PasswordPage::of(&st, &ctx, &user, None, true).await?)?.into_response())
}

// ---------- users (admin) ----------

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    users: Vec<crate::auth::User>,
    /// Every role, and whether it must use a second factor.
    roles: Vec<(Role, bool)>,
}

async fn users_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(me): CurrentUser) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let users = store::list(&st.db).await?;
    let required = crate::auth::second_factor::required_roles(&st.db).await?;
    let roles = Role::ALL.into_iter().map(|r| (r, required.contains(&r))).collect();
    Ok(render(UsersPage { page: ctx.page("users.title"), users, roles })?.into_response())
}

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default)]
    email: String,
    display_name: String,
    role: String,
    #[serde(default)]
    wards: Vec<String>,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    password: String,
    /// Turn the account's second factor off (a lost phone).
    #[serde(default)]
    reset_second_factor: Option<String>,
}

struct UserFormView {
    email: String,
    display_name: String,
    role: String,
    wards: Vec<String>,
    active: bool,
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserFormPage {
    page: Page,
    id: Option<i64>,
    error: Option<String>,
    form: UserFormView,
    roles: Vec<(&'static str, &'static str)>,
    wards: Vec<(String, String)>,
}

async fn user_form_page(
    st: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    form: UserFormView,
    error: Option<String>,
) -> AppResult<UserFormPage> {
    let roles = Role::ALL.iter().map(|r| (r.as_str(), crate::i18n::t(ctx.lang, r.label_key()))).collect();
    let wards = crate::area::province_wards(&st.db, &st.settings.province_code).await?;
    let title = if id.is_some() { "users.edit" } else { "users.new" };
    Ok(UserFormPage { page: ctx.page(title), id, error, form, roles, wards })
}

async fn new_user_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(me): CurrentUser) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let form = UserFormView {
        email: String::new(),
        display_name: String::new(),
        role: "staff".into(),
        wards: vec![],
        active: true,
    };
    Ok(render(user_form_page(&st, &ctx, None, form, None).await?)?.into_response())
}

/// Check a user form; returns the parsed role or the i18n key of the problem.
async fn check_user_form(st: &AppState, f: &UserForm) -> AppResult<Result<Role, &'static str>> {
    let Some(role) = Role::parse(&f.role) else {
        return Ok(Err("err.role.unknown"));
    };
    if f.display_name.trim().is_empty() || f.display_name.chars().count() > 200 {
        return Ok(Err("err.display_name"));
    }
    if role == Role::CommuneOfficer && f.wards.is_empty() {
        return Ok(Err("err.wards.required"));
    }
    if !crate::area::unknown_wards(&st.db, &st.settings.province_code, &f.wards).await?.is_empty() {
        return Ok(Err("err.ward.unknown"));
    }
    Ok(Ok(role))
}

fn view_of(f: &UserForm, active: bool) -> UserFormView {
    UserFormView {
        email: f.email.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        wards: f.wards.clone(),
        active,
    }
}

async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    MultiForm(f): MultiForm<UserForm>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let checked = check_user_form(&st, &f).await?;
    let email = Email::parse(&f.email);
    let problem = match (&checked, &email) {
        (Err(k), _) => Some(*k),
        (_, Err(e)) => Some(e.key),
        (Ok(_), Ok(e)) => password::check_strength(&f.password, e.as_str()).err(),
    };
    if let Some(key) = problem {
        let page =
            user_form_page(&st, &ctx, None, view_of(&f, true), Some(crate::i18n::t(ctx.lang, key).to_owned())).await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    let (role, email) = (checked.expect("checked"), email.expect("checked"));
    let hash = password::hash(&f.password)?;
    let wards = if role == Role::CommuneOfficer { f.wards.clone() } else { vec![] };
    let new = store::NewUser {
        email: email.as_str(),
        display_name: f.display_name.trim(),
        role,
        password_hash: &hash,
        wards: &wards,
        employer_id: None,
        school_id: None,
        person_id: None,
    };
    let Some(id) = store::create(&st.db, new).await? else {
        let page = user_form_page(
            &st,
            &ctx,
            None,
            view_of(&f, true),
            Some(crate::i18n::t(ctx.lang, "err.email.taken").to_owned()),
        )
        .await?;
        return Ok((axum::http::StatusCode::CONFLICT, render(page)?).into_response());
    };
    let detail = format!("role={}", role.as_str());
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Create,
        "user",
        Some(&id.to_string()),
        Some(&detail),
    )
    .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

async fn edit_user_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let u = store::find_by_id(&st.db, id).await?.ok_or(AppError::NotFound)?;
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::ReadPersonal,
        "user",
        Some(&id.to_string()),
        None,
    )
    .await?;
    let form = UserFormView {
        email: u.email,
        display_name: u.display_name,
        role: u.role.as_str().into(),
        wards: u.wards,
        active: u.active,
    };
    Ok(render(user_form_page(&st, &ctx, Some(id), form, None).await?)?.into_response())
}

async fn update_user(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    Path(id): Path<i64>,
    MultiForm(mut f): MultiForm<UserForm>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let existing = store::find_by_id(&st.db, id).await?.ok_or(AppError::NotFound)?;
    f.email = existing.email.clone();
    let active = f.active.is_some();
    let checked = check_user_form(&st, &f).await?;
    let problem = match &checked {
        Err(k) => Some(*k),
        Ok(_) if !f.password.is_empty() => password::check_strength(&f.password, &existing.email).err(),
        Ok(_) if me.id == id && (!active || checked != Ok(Role::Admin)) => Some("err.self_lockout"),
        Ok(_) => None,
    };
    if let Some(key) = problem {
        let page =
            user_form_page(&st, &ctx, Some(id), view_of(&f, active), Some(crate::i18n::t(ctx.lang, key).to_owned()))
                .await?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response());
    }
    let role = checked.expect("checked");
    let wards = if role == Role::CommuneOfficer { f.wards.clone() } else { vec![] };
    store::update(&st.db, id, f.display_name.trim(), role, active, &wards).await?;
    let mut detail = format!("role={} active={} wards={}", role.as_str(), active, wards.join(","));
    if !f.password.is_empty() {
        store::set_password(&st.db, id, &password::hash(&f.password)?, None).await?;
        detail.push_str(" password");
    }
    if f.reset_second_factor.is_some() {
        crate::auth::second_factor::disable(&st.db, id).await?;
        detail.push_str(" second_factor_off");
    }
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Update,
        "user",
        Some(&id.to_string()),
        Some(&detail),
    )
    .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

// ---------- audit ----------

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    filter: audit::Filter,
    actions: Vec<&'static str>,
    items: Vec<audit::Entry>,
    total: i64,
    page_no: u32,
    pages: u32,
    prev_url: String,
    next_url: String,
}

fn audit_url(f: &audit::Filter, page: u32) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("actor", &f.actor),
        ("action", &f.action),
        ("entity", &f.entity),
        ("entity_id", &f.entity_id),
        ("from", &f.from),
        ("to", &f.to),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &page.to_string());
    format!("/admin/audit?{}", q.finish())
}

async fn audit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    Query(filter): Query<audit::Filter>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let (items, total) = audit::search(&st.db, &filter).await?;
    let page_no = filter.page.unwrap_or(1).clamp(1, 1_000_000);
    let pages = (total as u32).div_ceil(audit::PAGE_SIZE).max(1);
    let page = AuditPage {
        page: ctx.page("audit.title"),
        prev_url: audit_url(&filter, page_no.saturating_sub(1).max(1)),
        next_url: audit_url(&filter, page_no + 1),
        actions: audit::Action::ALL.iter().map(|a| a.as_str()).collect(),
        filter,
        items,
        total,
        page_no,
        pages,
    };
    Ok(render(page)?.into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct AuditList {
    items: Vec<audit::Entry>,
    total: i64,
}

/// Audit log entries, newest first (admin only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "platform", params(audit::Filter),
    responses((status = 200, body = AuditList), (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError)),
    security(("bearer" = [])))]
async fn audit_api(
    State(st): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(filter): Query<audit::Filter>,
) -> AppResult<Json<AuditList>> {
    me.require(me.is_admin())?;
    let (items, total) = audit::search(&st.db, &filter).await?;
    Ok(Json(AuditList { items, total }))
}

// ---------- health, me, docs ----------

#[derive(Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
    database: &'static str,
    schema_version: i64,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", tag = "platform",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn healthz(State(st): State<AppState>) -> Response {
    let ok = st.db.ping().await;
    let body = Health {
        status: if ok { "ok" } else { "unavailable" },
        database: match st.db.backend() {
            crate::db::Backend::Sqlite => "sqlite",
            crate::db::Backend::Postgres => "postgres",
        },
        schema_version: crate::db::Db::schema_version(),
    };
    let code = if ok { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(body)).into_response()
}

/// The calling user (session or bearer token).
#[utoipa::path(get, path = "/api/v1/me", tag = "platform",
    responses((status = 200, body = crate::auth::User), (status = 401, body = crate::error::ApiError)),
    security(("bearer" = [])))]
async fn me(CurrentUser(user): CurrentUser) -> Json<crate::auth::User> {
    Json(user)
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    lang: &'static str,
}

async fn api_docs(ctx: Ctx) -> AppResult<Response> {
    Ok(render(ApiDocs { lang: ctx.lang.code() })?.into_response())
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    page: Page,
    jobs: Vec<crate::jobs::Job>,
    /// E-mail, SMS and Zalo: configured or not, said plainly.
    mail: bool,
    channels: Vec<crate::channels::ChannelState>,
}

/// Every job, newest first: imports from anywhere and scheduled work (admin).
async fn jobs_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(me): CurrentUser) -> AppResult<Response> {
    me.require(me.is_admin())?;
    let jobs = crate::jobs::latest(&st.db, 100).await?;
    let channels = st.services.get::<crate::channels::Channels>().map(|c| c.states()).unwrap_or_default();
    let page = JobsPage { page: ctx.page("jobs.title"), jobs, mail: st.settings.smtp_url.is_some(), channels };
    Ok(render(page)?.into_response())
}

async fn cancel_job(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(me): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    me.require(me.is_admin())?;
    if crate::jobs::request_cancel(&st.db, id).await? {
        let id = id.to_string();
        audit::by_request(&st.db, &st.settings.province_code, &ctx, Action::Update, "job", Some(&id), Some("cancel"))
            .await?;
    }
    Ok(Redirect::to("/admin/jobs").into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct JobList {
    items: Vec<crate::jobs::Job>,
}

/// The latest 100 jobs of every kind, newest first (admin only).
#[utoipa::path(get, path = "/api/v1/jobs", tag = "platform",
    responses((status = 200, body = JobList), (status = 401, body = crate::error::ApiError), (status = 403, body = crate::error::ApiError)),
    security(("bearer" = [])))]
async fn jobs_api(State(st): State<AppState>, CurrentUser(me): CurrentUser) -> AppResult<Json<JobList>> {
    me.require(me.is_admin())?;
    Ok(Json(JobList { items: crate::jobs::latest(&st.db, 100).await? }))
}
