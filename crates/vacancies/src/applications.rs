//! Hồ sơ ứng tuyển: a job seeker applies from a vacancy's page (logged in, or
//! registering on the spot with phone and CCCD, which links the account to
//! their registry record); the employer moves the application through its
//! statuses; both sides are told in the app (and by e-mail when configured).

use crate::model::*;
use crate::rules;
use crate::store::{self, NewApplication};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use platform::audit::{self, Action};
use platform::auth::{password, store as users, CurrentUser, MaybeUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::notify::To;
use platform::types::{Cccd, PhoneNumber};
use platform::validate::Checker;
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Deserialize;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/apply/{id}", get(apply_page).post(apply))
        .route("/applications", get(list_page))
        .route("/applications/{id}/status", post(status_form))
        .routes(routes!(apply_api))
        .routes(routes!(list_api))
        .routes(routes!(status_api))
}

/// What the apply form carries.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ApplyInput {
    pub full_name: String,
    pub phone: String,
    /// A note to the employer (at most 1,000 characters).
    pub message: String,
    /// Registering on the spot (web form only): CCCD and a password.
    #[schema(ignore)]
    pub cccd: String,
    #[schema(ignore)]
    pub password: String,
    #[schema(ignore)]
    pub repeat: String,
}

#[derive(Template)]
#[template(path = "vacancies/apply.html")]
struct ApplyPage {
    page: Page,
    v: VacancyRecord,
    input: ApplyInput,
    errors: Vec<FieldError>,
    /// Logged in, but not as a job seeker.
    wrong_role: bool,
    /// This user's application to the vacancy, when they have one already.
    already: Option<i64>,
}

impl ApplyPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn published(st: &AppState, id: i64) -> AppResult<VacancyRecord> {
    match store::get(&st.db, &st.settings.province_code, id).await? {
        Some(v) if v.status == Status::Published => Ok(v),
        _ => Err(AppError::NotFound),
    }
}

async fn apply_page(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let v = published(&st, id).await?;
    let mut input = ApplyInput::default();
    if let Some(u) = &user {
        input.full_name = u.display_name.clone();
        if let Ok(p) = PhoneNumber::parse(&u.email) {
            input.phone = p.to_string();
        }
    }
    let wrong_role = user.as_ref().is_some_and(|u| u.role != Role::JobSeeker);
    let already = match &user {
        Some(u) => own_application(&st, u, v.id).await?,
        None => None,
    };
    let page = ApplyPage { page: ctx.page("apply.title"), v, input, errors: vec![], wrong_role, already };
    Ok(render(page)?.into_response())
}

/// The user's application to a vacancy, if they sent one.
pub(crate) async fn own_application(st: &AppState, user: &User, vacancy_id: i64) -> AppResult<Option<i64>> {
    let mine = store::applications(&st.db, &st.settings.province_code, None, Some(user.id), Some(vacancy_id)).await?;
    Ok(mine.first().map(|a| a.id))
}

/// Check the applicant's details; for a visitor also the new account's.
fn check(
    input: &ApplyInput,
    registering: bool,
) -> Result<(String, PhoneNumber, Option<Cccd>, Option<String>), Vec<FieldError>> {
    let mut c = Checker::new();
    let name = c.required("full_name", &input.full_name, 100);
    let phone = c.parse("phone", &input.phone, PhoneNumber::parse);
    if input.phone.trim().is_empty() {
        c.fail("phone", "err.required");
    }
    let message = c.text("message", &input.message, 1000);
    let mut cccd = None;
    if registering {
        cccd = c.parse("cccd", &input.cccd, Cccd::parse);
        if input.cccd.trim().is_empty() {
            c.fail("cccd", "err.required");
        }
        c.new_password("password", &input.password, &input.repeat);
    }
    let Some(phone) = phone else { return Err(c.errors) };
    c.finish((name, phone, cccd, message))
}

/// Record the application and tell both sides.
async fn submit(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    v: &VacancyRecord,
    name: &str,
    phone: &PhoneNumber,
    cccd: Option<&Cccd>,
    message: Option<&str>,
) -> AppResult<i64> {
    if user.role != Role::JobSeeker {
        return Err(AppError::Forbidden);
    }
    let province = &st.settings.province_code;
    let app = NewApplication {
        vacancy_id: v.id,
        employer_id: v.employer_id,
        user_id: user.id,
        person_id: user.person_id,
        full_name: name,
        phone: phone.as_str(),
        cccd: cccd.map(Cccd::as_str),
        message,
    };
    let id = store::apply(&st.db, province, &app).await?.ok_or(AppError::Conflict { key: "apply.already" })?;
    audit::by_request(&st.db, province, ctx, Action::Create, "application", Some(&id.to_string()), None).await?;
    let link = format!("/vacancies/{}", v.id);
    let args = [("title", v.title.as_str()), ("name", name)];
    platform::notify::tell(st, To::Employer(v.employer_id), "apply.notify.new", &args, Some(&link)).await?;
    let args = [("title", v.title.as_str())];
    platform::notify::tell(st, To::User(user.id), "apply.notify.sent", &args, Some("/applications")).await?;
    Ok(id)
}

async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<ApplyInput>,
) -> AppResult<Response> {
    let v = published(&st, id).await?;
    let province = &st.settings.province_code;
    let refuse = |errors: Vec<FieldError>, status: StatusCode, input: ApplyInput| -> AppResult<Response> {
        let page =
            ApplyPage { page: ctx.page("apply.title"), v: v.clone(), input, errors, wrong_role: false, already: None };
        Ok((status, render(page)?).into_response())
    };
    let (name, phone, cccd, message) = match check(&input, user.is_none()) {
        Ok(x) => x,
        Err(errors) => return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY, input),
    };
    let user = match user {
        Some(u) => u,
        None => {
            // Register on the spot: the phone number is the login; the CCCD
            // finds the person's registry record, if the commune has one.
            let cccd = cccd.as_ref().expect("checked");
            let person_id = registry_match(&st, &ctx, cccd, &phone).await?;
            let hash = password::hash(&input.password)?;
            let new = users::NewUser {
                email: phone.as_str(),
                display_name: &name,
                role: Role::JobSeeker,
                password_hash: &hash,
                wards: &[],
                employer_id: None,
                school_id: None,
                person_id,
            };
            let Some(user_id) = users::create(&st.db, new).await? else {
                return refuse(vec![FieldError::new("phone", "apply.err.phone_taken")], StatusCode::CONFLICT, input);
            };
            platform::web::start_session(&session, user_id).await?;
            audit::record(
                &st.db,
                province,
                audit::Event {
                    user_id: Some(user_id),
                    actor: phone.as_str(),
                    action: Action::Create,
                    entity: "user",
                    entity_id: Some(&user_id.to_string()),
                    detail: Some(if person_id.is_some() { "job seeker, linked to the registry" } else { "job seeker" }),
                    ip: ctx.ip.as_deref(),
                },
            )
            .await?;
            users::find_by_id(&st.db, user_id).await?.ok_or(AppError::NotFound)?
        }
    };
    match submit(&st, &ctx, &user, &v, &name, &phone, cccd.as_ref(), message.as_deref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/jobs/{id}?applied=1")).into_response()),
        // Sent twice (a second tab, the back button): say so where it happened.
        Err(AppError::Conflict { .. }) => {
            let already = own_application(&st, &user, v.id).await?;
            let page =
                ApplyPage { page: ctx.page("apply.title"), v, input, errors: vec![], wrong_role: false, already };
            Ok((StatusCode::CONFLICT, render(page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The registry record this new account belongs to: the person with that CCCD,
/// if the commune recorded the same phone number too (a CCCD alone is no
/// proof: anyone may type another's). The lookup is audited.
async fn registry_match(st: &AppState, ctx: &Ctx, cccd: &Cccd, phone: &PhoneNumber) -> AppResult<Option<i64>> {
    let province = &st.settings.province_code;
    let (registered, person) = registry::api::person_by_cccd_and_phone(&st.db, province, cccd, phone).await?;
    let found = person.map(|p| p.id);
    if registered {
        let detail = if found.is_some() {
            "job seeker registration: linked"
        } else {
            "job seeker registration: phone differs, not linked"
        };
        audit::by_request(
            &st.db,
            province,
            ctx,
            Action::ReadPersonal,
            "person",
            found.map(|i| i.to_string()).as_deref(),
            Some(detail),
        )
        .await?;
    }
    Ok(found)
}

// ---------- lists and statuses ----------

async fn visible(st: &AppState, ctx: &Ctx, user: &User) -> AppResult<Vec<Application>> {
    let (employer, applicant) = crate::access::applications_of(user)?;
    let list = store::applications(&st.db, &st.settings.province_code, employer, applicant, None).await?;
    if applicant.is_none() && !list.is_empty() {
        audit::by_request(
            &st.db,
            &st.settings.province_code,
            ctx,
            Action::ReadPersonal,
            "application",
            None,
            Some("list"),
        )
        .await?;
    }
    Ok(list)
}

#[derive(Template)]
#[template(path = "vacancies/applications.html")]
struct ListPage {
    page: Page,
    rows: Rows,
    applicant: bool,
    /// "Saved …" after a status change.
    saved: Option<String>,
}

impl ListPage {
    fn new(ctx: &Ctx, user: &User, applications: Vec<Application>) -> Self {
        // Also shown after a refused POST: the language switch returns to the list.
        let page = Page { here: "/applications".into(), ..ctx.page("nav.applications") };
        ListPage { page, rows: Rows::new(ctx, applications), applicant: user.role == Role::JobSeeker, saved: None }
    }
}

/// Applications as an employer works through them (the list page and a
/// vacancy's page): each with its status form, which starts at the current
/// status and shows a refused change's problem at the application itself.
pub struct Rows {
    pub applications: Vec<Application>,
    /// A status change refused: which application, why, and what was sent.
    pub failed: Option<(i64, Vec<FieldError>, StatusInput)>,
    /// Today in Vietnam, the earliest interview date the form offers.
    pub today: String,
    /// The language the refused change's problems are told in.
    tr: platform::i18n::Tr,
}

impl Rows {
    pub fn new(ctx: &Ctx, applications: Vec<Application>) -> Self {
        Rows {
            applications,
            failed: None,
            today: platform::time::today().format("%Y-%m-%dT00:00").to_string(),
            tr: ctx.tr(),
        }
    }
    /// The error of `field` for application `id`, if its change was refused.
    pub fn error_for(&self, id: &i64, field: &str) -> Option<String> {
        let (failed_id, errors, _) = self.failed.as_ref()?;
        (failed_id == id).then(|| self.tr.field_error(errors, field)).flatten()
    }
    /// The status the form starts at: what was just sent, else the current one.
    pub fn chosen(&self, a: &Application) -> String {
        match &self.failed {
            Some((id, _, input)) if *id == a.id => input.to.clone(),
            _ => a.status.as_str().to_owned(),
        }
    }
    /// A field as just sent (after a refusal), else the invitation already
    /// made (so moving an interview starts from it), else empty.
    pub fn sent(&self, a: &Application, field: &str) -> String {
        if let Some((failed_id, _, input)) = &self.failed {
            if *failed_id == a.id {
                return match field {
                    "reason" => input.reason.clone(),
                    "interview_at" => input.interview_at.clone(),
                    "interview_place" => input.interview_place.clone(),
                    "interview_contact" => input.interview_contact.clone(),
                    _ => String::new(),
                };
            }
        }
        match (&a.interview, field) {
            (Some(i), "interview_at") => platform::time::local(i.at).format("%Y-%m-%dT%H:%M").to_string(),
            (Some(i), "interview_place") => i.place.clone(),
            (Some(i), "interview_contact") => i.contact.clone(),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    /// The application whose status was just saved.
    saved: Option<i64>,
}

async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> AppResult<Response> {
    let applications = visible(&st, &ctx, &user).await?;
    let mut page = ListPage::new(&ctx, &user, applications);
    page.saved = q
        .saved
        .and_then(|id| page.rows.applications.iter().find(|a| a.id == id))
        .map(|a| platform::i18n::fill(platform::i18n::t(ctx.lang, "apply.saved"), &[("name", a.full_name.as_str())]));
    Ok(render(page)?.into_response())
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StatusInput {
    /// reviewing | interview | accepted | refused (employer) | withdrawn (applicant)
    pub to: String,
    /// When refusing: qualification | experience | position_filled | no_show | other
    pub reason: String,
    /// When inviting to an interview: its date and time in Vietnam,
    /// `2026-12-05T09:00` or `05/12/2026 09:00`.
    pub interview_at: String,
    /// When inviting: where.
    pub interview_place: String,
    /// When inviting: whom to ask (name and phone).
    pub interview_contact: String,
}

/// The invitation of a move to "interview": every part required, the time
/// in the future (read as Vietnam's local time).
fn check_interview(f: &StatusInput, now: chrono::DateTime<chrono::Utc>) -> Result<Interview, Vec<FieldError>> {
    let mut c = Checker::new();
    let raw = f.interview_at.trim();
    let local = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%d/%m/%Y %H:%M"))
        .ok();
    let at = local.map(platform::time::from_local);
    match at {
        _ if raw.is_empty() => c.fail("interview_at", "err.required"),
        None => c.fail("interview_at", "apply.err.interview_at"),
        Some(at) if at <= now => c.fail("interview_at", "apply.err.interview_past"),
        Some(_) => {}
    }
    let place = c.required("interview_place", &f.interview_place, 300);
    let contact = c.required("interview_contact", &f.interview_contact, 200);
    c.finish(())?;
    Ok(Interview { at: at.expect("checked"), place, contact })
}

async fn change_status(st: &AppState, ctx: &Ctx, user: &User, id: i64, f: &StatusInput) -> AppResult<Application> {
    let province = &st.settings.province_code;
    let a = store::application(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    let Some(by_applicant) = crate::access::decides_application(user, a.user_id, a.employer_id) else {
        audit::by_request(&st.db, province, ctx, Action::Denied, "application", Some(&id.to_string()), None).await?;
        return Err(AppError::Forbidden);
    };
    let to = AppStatus::parse(&f.to).ok_or_else(|| AppError::invalid("to", "err.code.unknown"))?;
    // The form starts at the current status: saving it unchanged changes nothing
    // (except an invitation, which may be moved).
    if to == a.status && to != AppStatus::Interview {
        return Ok(a);
    }
    let to = rules::application_step(a.status, to, by_applicant).map_err(AppError::bad)?;
    let reason = if to == AppStatus::Refused {
        let r = f.reason.trim();
        if !REFUSAL_REASONS.contains(&r) {
            return Err(AppError::invalid("reason", if r.is_empty() { "err.required" } else { "err.code.unknown" }));
        }
        Some(r)
    } else {
        None
    };
    let interview = if to == AppStatus::Interview {
        Some(check_interview(f, chrono::Utc::now()).map_err(AppError::Invalid)?)
    } else {
        None
    };
    store::set_application_status(&st.db, province, id, to, reason, interview.as_ref()).await?;
    audit::by_request(&st.db, province, ctx, Action::Update, "application", Some(&id.to_string()), Some(to.as_str()))
        .await?;
    let status_label = format!("apply.status.{}", to.as_str());
    if by_applicant {
        let args = [("title", a.vacancy_title.as_str()), ("name", a.full_name.as_str())];
        let link = format!("/vacancies/{}", a.vacancy_id);
        platform::notify::tell(st, To::Employer(a.employer_id), "apply.notify.withdrawn", &args, Some(&link)).await?;
    } else {
        // The applicant reads the status in their own language.
        let applicant = users::find_by_id(&st.db, a.user_id).await?;
        let lang = applicant.map(|u| u.lang).unwrap_or_default();
        if let Some(i) = &interview {
            let at = platform::i18n::Tr::new(lang).datetime(&i.at);
            let args = [
                ("title", a.vacancy_title.as_str()),
                ("at", at.as_str()),
                ("place", i.place.as_str()),
                ("contact", i.contact.as_str()),
            ];
            platform::notify::tell(st, To::User(a.user_id), "apply.notify.interview", &args, Some("/applications"))
                .await?;
        } else {
            let label = platform::i18n::t(lang, &status_label).to_owned();
            let args = [("title", a.vacancy_title.as_str()), ("status", label.as_str())];
            platform::notify::tell(st, To::User(a.user_id), "apply.notify.status", &args, Some("/applications"))
                .await?;
        }
    }
    Ok(store::application(&st.db, province, id).await?.ok_or(AppError::NotFound)?)
}

async fn status_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<StatusInput>,
) -> AppResult<Response> {
    let (status, errors) = match change_status(&st, &ctx, &user, id, &f).await {
        // Back to the list, at the application, with what was saved said at the top.
        Ok(a) => return Ok(Redirect::to(&format!("/applications?saved={}#a{}", a.id, a.id)).into_response()),
        // A missing reason or invitation detail, or a step the rules do not
        // allow (from "accepted" back to "new"): the list again, the problem
        // shown at the application it belongs to.
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::BadRequest { key, .. }) => (StatusCode::BAD_REQUEST, vec![FieldError::new("to", key)]),
        Err(e) => return Err(e),
    };
    let mut page = ListPage::new(&ctx, &user, visible(&st, &ctx, &user).await?);
    page.rows.failed = Some((id, errors, f));
    Ok((status, render(page)?).into_response())
}

// ---------- API ----------

/// Apply to a published vacancy (a job seeker's account).
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/applications", tag = "applications", request_body = ApplyInput,
    responses((status = 201, body = Application), (status = 403, body = platform::error::ApiError),
        (status = 409, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn apply_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(input): Json<ApplyInput>,
) -> AppResult<Response> {
    let v = published(&st, id).await?;
    let (name, phone, _, message) = check(&input, false).map_err(AppError::Invalid)?;
    let app_id = submit(&st, &ctx, &user, &v, &name, &phone, None, message.as_deref()).await?;
    let a = store::application(&st.db, &st.settings.province_code, app_id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// Applications: to the calling employer's vacancies, or the calling job seeker's own (staff: all).
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications",
    responses((status = 200, body = Vec<Application>), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn list_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Json<Vec<Application>>> {
    Ok(Json(visible(&st, &ctx, &user).await?))
}

/// Move an application on: the employer reviews, invites, accepts or refuses
/// (with a coded reason); the applicant may withdraw.
#[utoipa::path(post, path = "/api/v1/applications/{id}/status", tag = "applications", request_body = StatusInput,
    responses((status = 200, body = Application), (status = 400, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn status_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(f): Json<StatusInput>,
) -> AppResult<Json<Application>> {
    Ok(Json(change_status(&st, &ctx, &user, id, &f).await?))
}
