//! Placements and targets: the pages and the API.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::Lang;
use platform::web::{render, Ctx, JsonBody, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::*;
use crate::service;
use crate::store::{self, Filter, Origin};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/placements", get(list_page).post(create_form))
        .route("/placements/new", get(new_page))
        .route("/targets", get(targets_page).post(target_form))
        .route("/dashboard", get(crate::dashboard::dashboard_page))
        .route("/dashboard/report", get(crate::dashboard::report_page))
        .route("/abroad", get(crate::abroad::page).post(crate::abroad::register_form))
        .route("/abroad/{id}/events", axum::routing::post(crate::abroad::event_form))
        .routes(routes!(crate::abroad::register_api))
        .routes(routes!(crate::abroad::event_api))
        .routes(routes!(crate::abroad::summary_api))
        .routes(routes!(create_api, list_api))
        .routes(routes!(jobs_created_api))
        .routes(routes!(put_target_api, targets_api))
}

/// A date in a query ("" is no filter).
fn date(field: &str, s: Option<&str>) -> AppResult<Option<NaiveDate>> {
    platform::web::query_date(field, s)
}

/// The filters of the list, the counts and the pages, as sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PeriodQuery {
    /// First day, YYYY-MM-DD or dd/mm/yyyy (a job counts in the period of its start date).
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// A 2025 commune.
    pub ward: Option<String>,
    /// session | referral | counselling | self_found | abroad | programme
    pub channel: Option<String>,
    /// province | other_province | abroad
    pub place: Option<String>,
    /// Page of the list (50 a page).
    pub page: Option<i64>,
}

impl PeriodQuery {
    /// The filter, within the caller's communes (`scope`).
    fn filter(&self, ctx_scope: Option<&platform::auth::AreaScope>) -> AppResult<Filter> {
        let from = date("from", self.from.as_deref())?;
        let to = date("to", self.to.as_deref())?;
        let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let ward = text(&self.ward);
        // A commune officer counts their communes: another one is refused.
        if let (Some(scope), Some(w)) = (ctx_scope, &ward) {
            if !scope.allows(w) {
                return Err(AppError::Forbidden);
            }
        }
        let wards = match ctx_scope {
            Some(platform::auth::AreaScope::Wards(w)) => w.clone(),
            Some(platform::auth::AreaScope::Nothing) => return Err(AppError::Forbidden),
            _ => vec![],
        };
        Ok(Filter { from, to, ward, channel: text(&self.channel), place: text(&self.place), wards })
    }
}

// ---------- API ----------

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub id: i64,
    /// False: the same job was recorded already (same person, same employer, within 30 days).
    pub created: bool,
}

/// Record a job a person started (staff; a commune officer for people of
/// their communes). The person is named by `person_id`, found by CCCD, or
/// added to the registry from the fields. The same job again answers 200.
#[utoipa::path(post, path = "/api/v1/placements", tag = "placements", request_body = PlacementInput,
    responses((status = 201, body = Recorded), (status = 200, body = Recorded),
        (status = 400, body = platform::error::ApiError), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<PlacementInput>,
) -> AppResult<Response> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    let origin = Origin { source: "form", source_id: None, by: Some(user.id) };
    let (id, created) = service::record(&st, &ctx, &user, &input, &origin).await?.map_err(AppError::Invalid)?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(Recorded { id, created })).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlacementList {
    pub items: Vec<PlacementRecord>,
    pub total: i64,
}

/// Placements by start date, newest first (staff; a commune officer their communes).
#[utoipa::path(get, path = "/api/v1/placements", tag = "placements", params(PeriodQuery),
    responses((status = 200, body = PlacementList), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn list_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<PlacementList>> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    let (items, total) = list(&st, &ctx, &user, &q).await?;
    Ok(Json(PlacementList { items, total }))
}

async fn list(
    st: &AppState,
    ctx: &Ctx,
    user: &platform::auth::User,
    q: &PeriodQuery,
) -> AppResult<(Vec<PlacementRecord>, i64)> {
    let scope = registry::access::people(user)?;
    let f = q.filter(Some(&scope))?;
    let province = &st.settings.province_code;
    let (items, total) = store::list(&st.db, province, &f, q.page.unwrap_or(1)).await?;
    if !items.is_empty() {
        audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "placement", None, Some("list")).await?;
    }
    Ok((items, total))
}

/// Jobs created in a period (việc làm tăng thêm): total, by month, commune,
/// channel, place, and abroad by country. Counts only: also the leadership.
#[utoipa::path(get, path = "/api/v1/indicators/jobs-created", tag = "placements", params(PeriodQuery),
    responses((status = 200, body = JobsCreated), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn jobs_created_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Json<JobsCreated>> {
    if !service::reads_counts(&user) {
        return Err(AppError::Forbidden);
    }
    let scope = registry::access::aggregates(&user)?;
    Ok(Json(service::jobs_created(&st, &q.filter(Some(&scope))?).await?))
}

/// Set a yearly target (staff): the province's, or a commune's with `ward_code`.
#[utoipa::path(put, path = "/api/v1/targets", tag = "placements", request_body = TargetInput,
    responses((status = 200, body = TargetList), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn put_target_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(t): JsonBody<TargetInput>,
) -> AppResult<Json<TargetList>> {
    if !matches!(user.role, Role::Admin | Role::Staff) {
        return Err(AppError::Forbidden);
    }
    service::set_target(&st, &ctx, &user, &t).await?;
    let as_of = platform::time::today();
    Ok(Json(TargetList { items: service::progress(&st, t.year, as_of).await? }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct TargetQuery {
    /// The year (this year when absent).
    pub year: Option<i32>,
    /// The day progress is measured on, YYYY-MM-DD (today when absent).
    pub as_of: Option<String>,
}

/// The year's targets with their progress and pace on `as_of`:
/// expected_to_date = round(target × day of year ÷ days in the year), ahead_by = actual − expected.
#[utoipa::path(get, path = "/api/v1/targets", tag = "placements", params(TargetQuery),
    responses((status = 200, body = TargetList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn targets_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<TargetQuery>,
) -> AppResult<Json<TargetList>> {
    if !service::reads_counts(&user) {
        return Err(AppError::Forbidden);
    }
    let as_of = date("as_of", q.as_of.as_deref())?.unwrap_or_else(platform::time::today);
    let year = q.year.unwrap_or(as_of.year());
    Ok(Json(TargetList { items: service::progress(&st, year, as_of).await? }))
}

// ---------- pages ----------

pub fn channel_key(c: &str) -> String {
    format!("pl.channel.{c}")
}
pub fn place_key(p: &str) -> String {
    format!("pl.place.{p}")
}

#[derive(Template)]
#[template(path = "placements/list.html")]
struct ListPage {
    page: Page,
    q: PeriodQuery,
    items: Vec<(PlacementRecord, String, String)>,
    total: i64,
    jobs: JobsCreated,
    channels: [&'static str; 6],
    places: [&'static str; 3],
    wards: Vec<(String, String)>,
    lang: Lang,
}

impl ListPage {
    fn country(&self, c: &Option<String>) -> String {
        c.as_deref().map(|c| crate::rules::country_name(c, self.lang)).unwrap_or_default()
    }
    fn ward(&self, code: &str) -> String {
        refdata::refdata().ward_name(code)
    }
}

/// The communes this user may choose (their own, for a commune officer).
fn wards(st: &AppState, user: &platform::auth::User) -> Vec<(String, String)> {
    let scope = registry::access::people(user).ok();
    refdata::refdata().ward_options(&st.settings.province_code, |w| scope.as_ref().is_some_and(|s| s.allows(w)))
}

async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    let (items, total) = list(&st, &ctx, &user, &q).await?;
    let scope = registry::access::people(&user)?;
    let jobs = service::jobs_created(&st, &q.filter(Some(&scope))?).await?;
    let province = &st.settings.province_code;
    let ids: Vec<i64> = items.iter().map(|p| p.person_id).collect();
    let names: std::collections::HashMap<i64, String> = registry::store::by_ids(&st.db, province, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.person.full_name))
        .collect();
    let items = items
        .into_iter()
        .map(|p| {
            let name = names.get(&p.person_id).cloned().unwrap_or_default();
            let employer = p.employer_name.clone().or_else(|| p.employer_tax_code.clone()).unwrap_or_default();
            (p, name, employer)
        })
        .collect();
    Ok(render(ListPage {
        page: ctx.page("pl.title"),
        wards: wards(&st, &user),
        q,
        items,
        total,
        jobs,
        channels: CHANNELS,
        places: PLACES,
        lang: ctx.lang,
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "placements/new.html")]
struct NewPage {
    page: Page,
    input: PlacementInput,
    errors: Vec<FieldError>,
    channels: [&'static str; 6],
    places: [&'static str; 3],
    kinds: [&'static str; 3],
    contracts: [&'static str; 5],
    wards: Vec<(String, String)>,
    saved: Option<(i64, bool)>,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

fn new_view(
    st: &AppState,
    ctx: &Ctx,
    user: &platform::auth::User,
    input: PlacementInput,
    errors: Vec<FieldError>,
    saved: Option<(i64, bool)>,
) -> NewPage {
    NewPage {
        page: ctx.page("pl.new"),
        input,
        errors,
        channels: CHANNELS,
        places: PLACES,
        kinds: EMPLOYER_KINDS,
        contracts: vacancies::model::CONTRACT_TYPES,
        wards: wards(st, user),
        saved,
    }
}

async fn new_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    let input = PlacementInput { channel: "counselling".into(), place: "province".into(), ..Default::default() };
    Ok(render(new_view(&st, &ctx, &user, input, vec![], None))?.into_response())
}

async fn create_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<PlacementInput>,
) -> AppResult<Response> {
    let origin = Origin { source: "form", source_id: None, by: Some(user.id) };
    match service::record(&st, &ctx, &user, &input, &origin).await? {
        Ok(saved) => {
            // A fresh form for the next one, with the note of what was saved.
            let next = PlacementInput {
                channel: input.channel.clone(),
                place: input.place.clone(),
                start_date: input.start_date.clone(),
                ..Default::default()
            };
            Ok(render(new_view(&st, &ctx, &user, next, vec![], Some(saved)))?.into_response())
        }
        Err(errors) => Ok((StatusCode::UNPROCESSABLE_ENTITY, render(new_view(&st, &ctx, &user, input, errors, None))?)
            .into_response()),
    }
}

#[derive(Template)]
#[template(path = "placements/targets.html")]
struct TargetsPage {
    page: Page,
    year: i32,
    as_of: NaiveDate,
    items: Vec<TargetProgress>,
    manages: bool,
    wards: Vec<(String, String)>,
}

impl TargetsPage {
    fn ward(&self, code: &str) -> String {
        if code.is_empty() {
            self.page.t("pl.province").to_owned()
        } else {
            refdata::refdata().ward_name(code)
        }
    }
}

async fn targets_view(
    st: &AppState,
    ctx: &Ctx,
    user: &platform::auth::User,
    q: &TargetQuery,
) -> AppResult<TargetsPage> {
    if !service::reads_counts(user) {
        return Err(AppError::Forbidden);
    }
    let as_of = date("as_of", q.as_of.as_deref())?.unwrap_or_else(platform::time::today);
    let year = q.year.unwrap_or(as_of.year());
    Ok(TargetsPage {
        page: ctx.page("pl.targets"),
        items: service::progress(st, year, as_of).await?,
        year,
        as_of,
        manages: matches!(user.role, Role::Admin | Role::Staff),
        wards: wards(st, user),
    })
}

async fn targets_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<TargetQuery>,
) -> AppResult<Response> {
    Ok(render(targets_view(&st, &ctx, &user, &q).await?)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TargetForm {
    year: String,
    ward_code: String,
    value: String,
}

async fn target_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<TargetForm>,
) -> AppResult<Response> {
    let number = |field: &str, s: &str| {
        s.chars()
            .filter(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse::<i64>()
            .map_err(|_| AppError::invalid(field, "err.number.invalid"))
    };
    let t = TargetInput {
        indicator: "jobs_created".into(),
        year: number("year", &f.year)? as i32,
        ward_code: Some(f.ward_code.clone()),
        value: number("value", &f.value)?,
    };
    service::set_target(&st, &ctx, &user, &t).await?;
    Ok(Redirect::to(&format!("/targets?year={}", t.year)).into_response())
}
