//! Pages and API of the employer registry.

use crate::access::{authorize, authorize_write, is_reviewer, is_staff};
use crate::model::*;
use crate::{rules, store};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use platform::audit::{self, Action};
use platform::auth::{password, store as users, CurrentUser, MaybeUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::notify::To;
use platform::validate::Checker;
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/employers", get(list_page))
        .route("/employers/register", get(register_page).post(register))
        .route("/employers/{id}", get(detail_page).post(update))
        .route("/employers/{id}/edit", get(edit_page))
        .route("/employers/{id}/review", post(review))
        .routes(routes!(list_api, create_api))
        .routes(routes!(get_api))
        .routes(routes!(review_api))
}

async fn load(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<EmployerRecord> {
    authorize(st, ctx, user, id, "employer").await?;
    store::get(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)
}

pub fn label(lang: platform::i18n::Lang, kind: &str, code: &str) -> String {
    platform::i18n::t(lang, &format!("employers.{kind}.{code}")).to_owned()
}

fn ward_options(st: &AppState) -> Vec<(String, String)> {
    refdata::refdata().wards_of(&st.settings.province_code).map(|w| (w.code.clone(), w.name.clone())).collect()
}

fn vsic_options(ctx: &Ctx) -> Vec<(String, String)> {
    refdata::refdata()
        .vsic_sections
        .iter()
        .map(|s| {
            let name = if ctx.lang == platform::i18n::Lang::Vi { &s.name_vi } else { &s.name_en };
            (s.code.clone(), format!("{} – {name}", s.code))
        })
        .collect()
}

// ---------- list ----------

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// Name words (diacritics optional) or the start of a tax code.
    pub q: String,
    /// pending | approved | rejected
    pub status: String,
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "employers/list.html")]
struct ListPage {
    page: Page,
    q: ListQuery,
    items: Vec<EmployerRecord>,
    total: i64,
    page_no: i64,
    pages: i64,
    /// Staff who review employers may import a list.
    can_import: bool,
}

impl ListPage {
    fn ward_name(&self, code: &str) -> String {
        ward_name(code)
    }
}

pub fn ward_name(code: &str) -> String {
    refdata::refdata().ward(code).map(|w| w.name.clone()).unwrap_or_else(|| code.to_owned())
}

async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    if user.role == Role::Employer {
        return Ok(match user.employer_id {
            Some(id) => Redirect::to(&format!("/employers/{id}")).into_response(),
            None => Redirect::to("/employers/register").into_response(),
        });
    }
    user.require(is_staff(&user))?;
    let page_no = q.page.unwrap_or(1).max(1);
    let (items, total) =
        store::search(&st.db, &st.settings.province_code, &q.q, EmployerStatus::parse(&q.status), page_no).await?;
    let pages = (total + store::PAGE_SIZE - 1).max(1) / store::PAGE_SIZE;
    let can_import = is_reviewer(&user);
    Ok(render(ListPage {
        page: ctx.page("employers.title"),
        q,
        items,
        total,
        page_no,
        pages: pages.max(1),
        can_import,
    })?
    .into_response())
}

/// Employers: all of them for staff; an employer's account sees its own only.
#[utoipa::path(get, path = "/api/v1/employers", tag = "employers", params(ListQuery),
    responses((status = 200, body = EmployerList), (status = 401, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn list_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<EmployerList>> {
    let province = &st.settings.province_code;
    if user.role == Role::Employer {
        let own = match user.employer_id {
            Some(id) => store::get(&st.db, province, id).await?.into_iter().collect(),
            None => vec![],
        };
        return Ok(Json(EmployerList { total: own.len() as i64, items: own }));
    }
    user.require(is_staff(&user))?;
    let (items, total) =
        store::search(&st.db, province, &q.q, EmployerStatus::parse(&q.status), q.page.unwrap_or(1)).await?;
    Ok(Json(EmployerList { items, total }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EmployerList {
    pub items: Vec<EmployerRecord>,
    pub total: i64,
}

// ---------- registration (public) ----------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RegisterForm {
    #[serde(flatten)]
    employer: EmployerInput,
    login_email: String,
    password: String,
    repeat: String,
}

#[derive(Template)]
#[template(path = "employers/form.html")]
struct FormPage {
    page: Page,
    /// None: self-registration (with an account).
    id: Option<i64>,
    input: EmployerInput,
    login_email: String,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    sections: Vec<(String, String)>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn label(&self, kind: &str, code: &str) -> String {
        label(self.page.tr.lang, kind, code)
    }
}

fn form_page(
    st: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    input: EmployerInput,
    login_email: String,
    errors: Vec<FieldError>,
) -> FormPage {
    FormPage {
        page: ctx.page(if id.is_some() { "employers.edit" } else { "employers.register" }),
        id,
        input,
        login_email,
        errors,
        wards: ward_options(st),
        sections: vsic_options(ctx),
    }
}

async fn register_page(State(st): State<AppState>, ctx: Ctx, MaybeUser(user): MaybeUser) -> AppResult<Response> {
    if let Some(id) = user.as_ref().and_then(|u| u.employer_id) {
        return Ok(Redirect::to(&format!("/employers/{id}")).into_response());
    }
    let input = EmployerInput { size_band: "small".into(), ownership: "private".into(), ..Default::default() };
    Ok(render(form_page(&st, &ctx, None, input, String::new(), vec![]))?.into_response())
}

/// An employer registers itself and its first account; staff are told.
async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    session: Session,
    axum::Form(f): axum::Form<RegisterForm>,
) -> AppResult<Response> {
    let province = &st.settings.province_code;
    let mut c = Checker::new();
    let login = c.parse("login_email", &f.login_email, platform::types::Email::parse);
    if f.login_email.trim().is_empty() {
        c.fail("login_email", "err.required");
    }
    let pw = c.new_password("password", &f.password, &f.repeat);
    let employer = rules::validate(&f.employer, refdata::refdata());
    let mut errors = c.errors;
    if let Err(e) = &employer {
        errors.extend(e.iter().cloned());
    }
    let refuse = |errors: Vec<FieldError>, status: StatusCode| -> AppResult<Response> {
        let page = form_page(&st, &ctx, None, f.employer.clone(), f.login_email.clone(), errors);
        Ok((status, render(page)?).into_response())
    };
    let (Ok(employer), Some(login), true) = (employer, login, errors.is_empty()) else {
        return refuse(errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    if store::by_tax_code(&st.db, province, employer.tax_code.as_str()).await?.is_some() {
        return refuse(vec![FieldError::new("tax_code", "employers.err.registered")], StatusCode::CONFLICT);
    }
    let hash = password::hash(&pw)?;
    let display = employer.contact_name.clone().unwrap_or_else(|| employer.name.clone());
    let new_user = users::NewUser {
        email: login.as_str(),
        display_name: &display,
        role: Role::Employer,
        password_hash: &hash,
        wards: &[],
        employer_id: None,
        school_id: None,
        person_id: None,
    };
    let Some(user_id) = users::create(&st.db, new_user).await? else {
        return refuse(vec![FieldError::new("login_email", "err.email.taken")], StatusCode::CONFLICT);
    };
    let id = match store::insert(&st.db, province, &employer, EmployerStatus::Pending).await? {
        Ok(id) => id,
        Err(_) => {
            // Registered by someone else in the meantime: the account goes too.
            users::delete_unused(&st.db, user_id).await?;
            return refuse(vec![FieldError::new("tax_code", "employers.err.registered")], StatusCode::CONFLICT);
        }
    };
    users::set_employer(&st.db, user_id, id).await?;
    platform::web::start_session(&session, user_id).await?;
    audit::record(
        &st.db,
        province,
        audit::Event {
            user_id: Some(user_id),
            actor: login.as_str(),
            action: Action::Create,
            entity: "employer",
            entity_id: Some(&id.to_string()),
            detail: Some("self-registration"),
            ip: ctx.ip.as_deref(),
        },
    )
    .await?;
    let link = format!("/employers/{id}");
    platform::notify::tell(&st, To::Reviewers, "employers.notify.registered", &[("name", &employer.name)], Some(&link))
        .await?;
    Ok(Redirect::to(&link).into_response())
}

// ---------- detail, edit, review ----------

#[derive(Template)]
#[template(path = "employers/detail.html")]
struct DetailPage {
    page: Page,
    e: EmployerRecord,
    reviewer: bool,
    /// Staff or the employer itself: may edit and see the applicants (a
    /// commune officer reads only: no button that ends in "forbidden").
    may_act: bool,
    sector: String,
}

impl DetailPage {
    fn ward(&self) -> String {
        ward_name(&self.e.ward_code)
    }
    fn label(&self, kind: &str, code: &str) -> String {
        label(self.page.tr.lang, kind, code)
    }
}

async fn detail_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let e = load(&st, &ctx, &user, id).await?;
    let sector = e
        .vsic_section
        .as_deref()
        .and_then(|c| vsic_options(&ctx).into_iter().find(|(code, _)| code == c))
        .map(|(_, n)| n)
        .unwrap_or_default();
    let may_act = is_reviewer(&user) || (user.role == Role::Employer && user.employer_id == Some(e.id));
    Ok(render(DetailPage { page: ctx.page("employers.profile"), reviewer: is_reviewer(&user), may_act, e, sector })?
        .into_response())
}

async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    authorize_write(&st, &ctx, &user, id, "employer").await?;
    let e = load(&st, &ctx, &user, id).await?;
    Ok(render(form_page(&st, &ctx, Some(id), e.input(), String::new(), vec![]))?.into_response())
}

async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<EmployerInput>,
) -> AppResult<Response> {
    authorize_write(&st, &ctx, &user, id, "employer").await?;
    let old = load(&st, &ctx, &user, id).await?;
    let province = &st.settings.province_code;
    let errors = match rules::validate(&input, refdata::refdata()) {
        Ok(e) => {
            if store::update(&st.db, province, id, &e).await? {
                audit::by_request(&st.db, province, &ctx, Action::Update, "employer", Some(&id.to_string()), None)
                    .await?;
                crate::events::changed(&st, id).await?;
                // A new name or tax code is a new identity: staff look again.
                let identity_changed = old.name != e.name || old.tax_code != e.tax_code.as_str();
                if identity_changed && !is_reviewer(&user) && old.status != EmployerStatus::Pending {
                    store::set_status(&st.db, province, id, EmployerStatus::Pending, None).await?;
                    let link = format!("/employers/{id}");
                    let args = [("name", e.name.as_str())];
                    platform::notify::tell(&st, To::Reviewers, "employers.notify.registered", &args, Some(&link))
                        .await?;
                }
                return Ok(Redirect::to(&format!("/employers/{id}")).into_response());
            }
            vec![FieldError::new("tax_code", "employers.err.registered")]
        }
        Err(errors) => errors,
    };
    let page = form_page(&st, &ctx, Some(id), input, String::new(), errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = EmployerReviewInput)]
pub struct ReviewInput {
    /// approve | reject
    pub decision: String,
    /// Why (shown to the employer), at most 500 characters.
    #[serde(default)]
    pub note: String,
}

/// Approve or reject; the employer's accounts are told.
async fn decide(st: &AppState, ctx: &Ctx, user: &User, id: i64, r: &ReviewInput) -> AppResult<EmployerRecord> {
    user.require(is_reviewer(user))?;
    let province = &st.settings.province_code;
    let e = store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    let mut c = Checker::new();
    let status = match r.decision.as_str() {
        "approve" => EmployerStatus::Approved,
        "reject" => EmployerStatus::Rejected,
        _ => {
            c.fail("decision", "err.code.unknown");
            EmployerStatus::Pending
        }
    };
    let note = c.text("note", &r.note, 500);
    if status == EmployerStatus::Rejected && note.is_none() {
        c.fail("note", "err.required");
    }
    c.finish(()).map_err(AppError::Invalid)?;
    store::set_status(&st.db, province, id, status, note.as_deref()).await?;
    audit::by_request(&st.db, province, ctx, Action::Update, "employer", Some(&id.to_string()), Some(status.as_str()))
        .await?;
    crate::events::decided(st, ctx, id, status).await?;
    let key =
        if status == EmployerStatus::Approved { "employers.notify.approved" } else { "employers.notify.rejected" };
    let note = note.unwrap_or_default();
    let args = [("name", e.name.as_str()), ("note", note.as_str())];
    platform::notify::tell(st, To::Employer(id), key, &args, Some(&format!("/employers/{id}"))).await?;
    Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?)
}

async fn review(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(r): axum::Form<ReviewInput>,
) -> AppResult<Response> {
    decide(&st, &ctx, &user, id, &r).await?;
    Ok(Redirect::to(&format!("/employers/{id}")).into_response())
}

// ---------- API ----------

/// One employer (staff, or the employer's own accounts).
#[utoipa::path(get, path = "/api/v1/employers/{id}", tag = "employers",
    responses((status = 200, body = EmployerRecord), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn get_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EmployerRecord>> {
    Ok(Json(load(&st, &ctx, &user, id).await?))
}

/// Register an employer on its behalf (staff): approved at once.
#[utoipa::path(post, path = "/api/v1/employers", tag = "employers", request_body = EmployerInput,
    responses((status = 201, body = EmployerRecord), (status = 409, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Json(input): Json<EmployerInput>,
) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    let e = rules::validate(&input, refdata::refdata()).map_err(AppError::Invalid)?;
    let province = &st.settings.province_code;
    let id = store::insert(&st.db, province, &e, EmployerStatus::Approved)
        .await?
        .map_err(|_| AppError::Conflict { key: "employers.err.registered" })?;
    audit::by_request(&st.db, province, &ctx, Action::Create, "employer", Some(&id.to_string()), None).await?;
    let rec = store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(rec)).into_response())
}

/// Approve or reject an employer (staff); a rejection needs a note.
#[utoipa::path(post, path = "/api/v1/employers/{id}/review", tag = "employers", request_body = ReviewInput,
    responses((status = 200, body = EmployerRecord), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn review_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(r): Json<ReviewInput>,
) -> AppResult<Json<EmployerRecord>> {
    Ok(Json(decide(&st, &ctx, &user, id, &r).await?))
}
