//! Managing vacancies: employers draft, edit and take down their own; staff
//! review and publish.

use crate::access::{authorize, authorize_write, employer_of, is_reviewer, is_staff};
use crate::model::*;
use crate::rules::{self, Transition};
use crate::service::Board;
use crate::store;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use employers::model::EmployerStatus;
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::Lang;
use platform::notify::To;
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/vacancies", get(list_page).post(create))
        .route("/vacancies/new", get(new_page))
        .route("/vacancies/{id}", get(detail_page).post(update))
        .route("/vacancies/{id}/edit", get(edit_page))
        .route("/vacancies/{id}/transition", post(transition_form))
}

pub(crate) fn today() -> chrono::NaiveDate {
    platform::time::today()
}

/// A vacancy the user may manage (its employer's accounts, staff); others are refused and audited.
pub(crate) async fn load(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<VacancyRecord> {
    let v = store::get(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)?;
    authorize(st, ctx, user, v.employer_id, "vacancy").await?;
    Ok(v)
}

// ---------- list ----------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    status: String,
    /// An employer's id (staff), as typed in the address: empty is none.
    employer: String,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "vacancies/manage_list.html")]
struct ListPage {
    page: Page,
    status: String,
    /// `employer=N&` when the list is one employer's (kept by the tabs and the pager).
    employer_param: String,
    items: Vec<VacancyRecord>,
    total: i64,
    page_no: i64,
    pages: i64,
    can_create: bool,
    can_import: bool,
}

async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let employer = match user.role {
        Role::Employer => Some(employer_of(&user)?),
        _ if is_staff(&user) => q.employer.trim().parse().ok(),
        _ => return Err(AppError::Forbidden),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let (items, total) =
        store::list(&st.db, &st.settings.province_code, employer, Status::parse(&q.status), page_no).await?;
    let page = ListPage {
        page: ctx.page("nav.vacancies"),
        status: q.status,
        employer_param: employer
            .filter(|_| user.role != Role::Employer)
            .map(|e| format!("employer={e}&"))
            .unwrap_or_default(),
        items,
        total,
        page_no,
        pages: ((total + store::PAGE_SIZE - 1) / store::PAGE_SIZE).max(1),
        can_create: user.role == Role::Employer,
        can_import: is_reviewer(&user),
    };
    Ok(render(page)?.into_response())
}

// ---------- form ----------

#[derive(Template)]
#[template(path = "vacancies/form.html")]
struct FormPage {
    page: Page,
    id: Option<i64>,
    input: VacancyInput,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    qualifications: Vec<(String, String)>,
}

impl FormPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

fn form_page(st: &AppState, ctx: &Ctx, id: Option<i64>, input: VacancyInput, errors: Vec<FieldError>) -> FormPage {
    let d = refdata::refdata();
    FormPage {
        page: ctx.page(if id.is_some() { "vacancies.edit" } else { "vacancies.new" }),
        id,
        input,
        errors,
        wards: d.wards_of(&st.settings.province_code).map(|w| (w.code.clone(), w.name.clone())).collect(),
        provinces: d.provinces.iter().map(|p| (p.code.clone(), p.name.clone())).collect(),
        qualifications: d
            .qualifications
            .iter()
            .map(|q| (q.code.clone(), if ctx.lang == Lang::Vi { q.name_vi.clone() } else { q.name_en.clone() }))
            .collect(),
    }
}

async fn new_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    employer_of(&user)?;
    let input = VacancyInput {
        positions: "1".into(),
        qualification: "none".into(),
        experience_years: "0".into(),
        contract_type: "fixed_term".into(),
        workplace: "ward".into(),
        deadline: (today() + chrono::Duration::days(30)).format("%d/%m/%Y").to_string(),
        ..Default::default()
    };
    Ok(render(form_page(&st, &ctx, None, input, vec![]))?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FormBody {
    #[serde(flatten)]
    input: VacancyInput,
    /// "submit": send for review at once; otherwise kept as a draft.
    then: String,
}

/// Create a vacancy for the user's employer; `submit` sends it for review.
pub(crate) async fn create_vacancy(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &VacancyInput,
    submit: bool,
) -> AppResult<Result<VacancyRecord, Vec<FieldError>>> {
    let employer_id = employer_of(user)?;
    let province = &st.settings.province_code;
    let v = match rules::validate(input, refdata::refdata(), today()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let id = store::insert(&st.db, province, employer_id, &v, Status::Draft, chrono::Utc::now()).await?;
    audit::by_request(&st.db, province, ctx, Action::Create, "vacancy", Some(&id.to_string()), None).await?;
    if submit {
        // Not possible yet (the employer awaits approval): the draft is kept,
        // and its page says why it is not sent.
        match apply_transition(st, ctx, user, id, Transition::Submit, None).await {
            Ok(_) | Err(AppError::BadRequest { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?))
}

async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(body): axum::Form<FormBody>,
) -> AppResult<Response> {
    match create_vacancy(&st, &ctx, &user, &body.input, body.then == "submit").await? {
        Ok(v) => Ok(Redirect::to(&format!("/vacancies/{}", v.id)).into_response()),
        Err(errors) => {
            let page = form_page(&st, &ctx, None, body.input, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

/// Change a vacancy's text. A published one stays published unless its new
/// text asks for one sex: then staff look again.
pub(crate) async fn update_vacancy(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    input: &VacancyInput,
) -> AppResult<Result<VacancyRecord, Vec<FieldError>>> {
    let old = load(st, ctx, user, id).await?;
    authorize_write(st, ctx, user, old.employer_id, "vacancy").await?;
    if !matches!(old.status, Status::Draft | Status::Pending | Status::Published) {
        return Err(AppError::bad("vacancies.err.closed"));
    }
    let v = match rules::validate(input, refdata::refdata(), today()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    // What the public reads was reviewed: an employer's change is reviewed again.
    let back_to_review = old.status == Status::Published && !is_reviewer(user);
    let status = if back_to_review { Status::Pending } else { old.status };
    let province = &st.settings.province_code;
    store::update(&st.db, province, id, &v, status).await?;
    audit::by_request(&st.db, province, ctx, Action::Update, "vacancy", Some(&id.to_string()), None).await?;
    if back_to_review {
        let link = format!("/vacancies/{id}");
        platform::notify::tell(st, To::Reviewers, "vacancies.notify.submitted", &[("title", &v.title)], Some(&link))
            .await?;
    }
    sync_board(st).await;
    Ok(Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?))
}

async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(body): axum::Form<FormBody>,
) -> AppResult<Response> {
    match update_vacancy(&st, &ctx, &user, id, &body.input).await? {
        Ok(_) => Ok(Redirect::to(&format!("/vacancies/{id}")).into_response()),
        Err(errors) => {
            let page = form_page(&st, &ctx, Some(id), body.input, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let v = load(&st, &ctx, &user, id).await?;
    Ok(render(form_page(&st, &ctx, Some(id), v.input(), vec![]))?.into_response())
}

// ---------- detail and status ----------

#[derive(Template)]
#[template(path = "vacancies/manage_detail.html")]
struct DetailPage {
    page: Page,
    v: VacancyRecord,
    reviewer: bool,
    owner: bool,
    employer_approved: bool,
    rows: crate::applications::Rows,
}

impl DetailPage {
    fn wage(&self) -> String {
        crate::board::wage_text(self.page.tr.lang, self.v.wage_min, self.v.wage_max)
    }
    fn place(&self) -> String {
        crate::board::place_text(
            self.page.tr.lang,
            self.v.work_ward_code.as_deref(),
            self.v.work_province_code.as_deref(),
            self.v.work_country.as_deref(),
        )
    }
    fn occupation(&self) -> String {
        refdata::occupation_label(self.page.tr.lang, &self.v.occupation_isco)
    }
    fn status_is(&self, s: &str) -> bool {
        self.v.status.as_str() == s
    }
}

async fn detail_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let v = load(&st, &ctx, &user, id).await?;
    // Applicants' names and phones: for the employer and the department's reviewers.
    let owner = user.role == Role::Employer;
    let applications = if owner || is_reviewer(&user) {
        store::applications(&st.db, &st.settings.province_code, Some(v.employer_id), None, Some(id)).await?
    } else {
        vec![]
    };
    if !applications.is_empty() {
        // Applicants' names and phone numbers are personal data.
        audit::by_request(
            &st.db,
            &st.settings.province_code,
            &ctx,
            Action::ReadPersonal,
            "application",
            None,
            Some(&format!("vacancy {id}")),
        )
        .await?;
    }
    let employer = employers::api::employer(&st.db, &st.settings.province_code, v.employer_id).await?;
    let page = DetailPage {
        employer_approved: employer.is_some_and(|e| e.status == EmployerStatus::Approved),
        page: Page { title: v.title.clone(), ..ctx.page("nav.vacancies") },
        reviewer: is_reviewer(&user),
        owner,
        rows: crate::applications::Rows::new(&ctx, applications),
        v,
    };
    Ok(render(page)?.into_response())
}

/// Move a vacancy through its states, telling whoever must know.
pub(crate) async fn apply_transition(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    t: Transition,
    note: Option<&str>,
) -> AppResult<VacancyRecord> {
    let v = load(st, ctx, user, id).await?;
    let actor = crate::access::actor(user)?;
    let province = &st.settings.province_code;
    let employer = employers::api::employer(&st.db, province, v.employer_id).await?.ok_or(AppError::NotFound)?;
    let to = rules::transition(v.status, t, actor, employer.status == EmployerStatus::Approved).map_err(|key| {
        if key == "err.forbidden" {
            AppError::Forbidden
        } else {
            AppError::bad(key)
        }
    })?;
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if t == Transition::Reject && note.is_none() {
        return Err(AppError::invalid("note", "err.required"));
    }
    if note.is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::invalid("note", "err.too_long"));
    }
    store::set_status(&st.db, province, id, to, note).await?;
    audit::by_request(&st.db, province, ctx, Action::Update, "vacancy", Some(&id.to_string()), Some(to.as_str()))
        .await?;
    let link = format!("/vacancies/{id}");
    let args = [("title", v.title.as_str()), ("note", note.unwrap_or(""))];
    let told = match t {
        Transition::Submit => Some((To::Reviewers, "vacancies.notify.submitted")),
        Transition::Approve => Some((To::Employer(v.employer_id), "vacancies.notify.published")),
        Transition::Reject => Some((To::Employer(v.employer_id), "vacancies.notify.rejected")),
        _ => None,
    };
    if let Some((to, key)) = told {
        platform::notify::tell(st, to, key, &args, Some(&link)).await?;
    }
    sync_board(st).await;
    Ok(store::get(&st.db, province, id).await?.ok_or(AppError::NotFound)?)
}

/// Show a change on the board now. The change is saved either way: if this
/// fails, the background catch-up brings it within seconds.
pub(crate) async fn sync_board(st: &AppState) {
    if let Err(e) = st.service::<Board>().sync().await {
        tracing::warn!(error = %e, "board index sync after a change failed");
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// submit | approve | reject | withdraw | fill | renew
    pub to: String,
    /// Why (needed to reject; shown to the employer).
    #[serde(default)]
    pub note: String,
}

async fn transition_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<TransitionInput>,
) -> AppResult<Response> {
    let t = Transition::parse(&f.to).ok_or_else(|| AppError::bad("err.bad_request"))?;
    apply_transition(&st, &ctx, &user, id, t, Some(&f.note)).await?;
    Ok(Redirect::to(&format!("/vacancies/{id}")).into_response())
}

// ---------- API (mounted with the board's paths) ----------

/// Create a vacancy for the calling employer (a draft; `?submit=true` sends it for review).
#[utoipa::path(post, path = "/api/v1/vacancies", tag = "vacancies", request_body = VacancyInput,
    params(("submit" = Option<bool>, Query, description = "Send for review at once")),
    responses((status = 201, body = VacancyRecord), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<SubmitQuery>,
    Json(input): Json<VacancyInput>,
) -> AppResult<Response> {
    let v = create_vacancy(&st, &ctx, &user, &input, q.submit.unwrap_or(false)).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct SubmitQuery {
    submit: Option<bool>,
}

/// Change a vacancy (its employer, or staff).
#[utoipa::path(put, path = "/api/v1/vacancies/{id}", tag = "vacancies", request_body = VacancyInput,
    responses((status = 200, body = VacancyRecord), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn update_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(input): Json<VacancyInput>,
) -> AppResult<Json<VacancyRecord>> {
    Ok(Json(update_vacancy(&st, &ctx, &user, id, &input).await?.map_err(AppError::Invalid)?))
}

/// Move a vacancy through its states: the employer submits, withdraws, marks
/// filled or renews; staff approve (publish) or reject (with a note).
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/transition", tag = "vacancies", request_body = TransitionInput,
    responses((status = 200, body = VacancyRecord), (status = 400, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn transition_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    Json(f): Json<TransitionInput>,
) -> AppResult<Json<VacancyRecord>> {
    let t = Transition::parse(&f.to).ok_or_else(|| AppError::invalid("to", "err.code.unknown"))?;
    Ok(Json(apply_transition(&st, &ctx, &user, id, t, Some(&f.note)).await?))
}
