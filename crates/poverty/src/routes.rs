//! Poverty reduction: the pages and the API.

use std::sync::Arc;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::NaiveDate;
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::{t, Lang};
use platform::sheet::list::{self, ImportPage, Refused, Report};
use platform::web::{render, Ctx, JsonBody, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::*;
use crate::rules;
use crate::service::{self, Poverty};
use crate::standard::Standard;
use crate::store;

/// Largest review list accepted.
const MAX_UPLOAD: u64 = 20 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/poverty", get(overview_page))
        .route("/poverty/report", get(report_page))
        .route("/poverty/steps", post(steps_form))
        .route("/poverty/totals", post(totals_form))
        .route("/poverty/households", get(households_page).post(household_form))
        .route("/poverty/households/new", get(new_household_page))
        .route("/poverty/households/{id}", get(household_page))
        .route("/poverty/households/{id}/members", post(member_form))
        .route("/poverty/households/{id}/reviews", post(review_form))
        .route("/poverty/import", get(import_page).post(upload_page).layer(DefaultBodyLimit::max(MAX_UPLOAD as usize)))
        .route("/poverty/template.xlsx", get(template))
        .routes(routes!(classify_api))
        .routes(routes!(standards_api))
        .routes(routes!(summary_api))
        .routes(routes!(transitions_api))
        .routes(routes!(total_api))
        .routes(routes!(import_api))
        .routes(routes!(household_api))
        .routes(routes!(review_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

fn poverty(st: &AppState) -> Arc<Poverty> {
    st.service::<Poverty>()
}

/// A date in a query ("" is no filter).
fn date(field: &str, s: Option<&str>) -> AppResult<Option<NaiveDate>> {
    platform::web::query_date(field, s)
}

/// A year typed in a query ("" is no year).
fn year(field: &str, s: Option<&str>) -> AppResult<Option<i32>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "pov.err.year")),
    }
}

// ---------- API ----------

/// Classify a household by the multidimensional poverty standard and say
/// why: the standard named, or the one in force on `date` (today when
/// absent). Any signed-in account of the department, the communes or the
/// leadership.
#[utoipa::path(post, path = "/api/v1/poverty/classify", tag = "poverty", request_body = ClassifyInput,
    responses((status = 200, body = Classified), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn classify_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<ClassifyInput>,
) -> AppResult<Json<Classified>> {
    registry::access::aggregates(&user)?;
    let p = poverty(&st);
    let mut errors = Vec::new();
    let day = date("date", input.date.as_deref())?.unwrap_or_else(platform::time::today);
    let standard = p.standards.choose(input.standard.as_deref(), day);
    if standard.is_none() {
        errors.push(FieldError::new("standard", "pov.err.standard_unknown"));
    }
    let area = Area::parse(&input.area);
    if area.is_none() {
        errors.push(FieldError::new("area", "pov.err.area"));
    }
    let income = rules::income(input.income_per_person_month).map_err(|e| errors.push(e)).ok();
    let (Some(s), Some(area), Some(income)) = (standard, area, income) else {
        return Err(AppError::Invalid(errors));
    };
    rules::classify(s, area, income, &input.deprivations, ctx.lang).map(Json).map_err(AppError::Invalid)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StandardOut {
    pub id: String,
    pub name: String,
    pub national: bool,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub rural_line: i64,
    pub urban_line: i64,
    pub poor_min_lacking: usize,
    pub middle_factor: f64,
    pub indicators: Vec<IndicatorOut>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IndicatorOut {
    pub code: String,
    pub dimension: String,
    pub name: String,
    pub lacking_when: String,
    pub question: String,
}

fn standard_out(s: &Standard, lang: Lang) -> StandardOut {
    StandardOut {
        id: s.id.clone(),
        name: s.name(lang).to_owned(),
        national: s.national,
        valid_from: s.valid_from,
        valid_to: s.valid_to,
        rural_line: s.rural_line,
        urban_line: s.urban_line,
        poor_min_lacking: s.poor_min_lacking,
        middle_factor: s.middle_factor,
        indicators: s
            .indicators
            .iter()
            .map(|i| IndicatorOut {
                code: i.code.clone(),
                dimension: s.dimension_name(&i.dimension, lang).to_owned(),
                name: i.name(lang).to_owned(),
                lacking_when: i.lacking(lang).to_owned(),
                question: i.question(lang).to_owned(),
            })
            .collect(),
    }
}

/// The poverty standards loaded (the shipped decrees and the province's own),
/// with their indicators, wording and survey questions.
#[utoipa::path(get, path = "/api/v1/poverty/standards", tag = "poverty",
    responses((status = 200, body = Vec<StandardOut>), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn standards_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Json<Vec<StandardOut>>> {
    registry::access::aggregates(&user)?;
    Ok(Json(poverty(&st).standards.all().iter().map(|s| standard_out(s, ctx.lang)).collect()))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SummaryQuery {
    /// The review year (the current review's when absent).
    pub year: Option<String>,
    /// A 2025 commune.
    pub ward: Option<String>,
}

/// The communes a caller counts, narrowed to `ward` when given.
fn counted_wards(user: &User, ward: Option<&str>) -> AppResult<Vec<String>> {
    let scope = registry::access::aggregates(user)?;
    let wards = service::wards_of(&scope)?;
    match ward.map(str::trim).filter(|w| !w.is_empty()) {
        None => Ok(wards),
        Some(w) if scope.allows(w) => Ok(vec![w.to_owned()]),
        Some(_) => Err(AppError::Forbidden),
    }
}

/// A year's poor, near-poor and average-standard households from its yearly
/// review, by commune, and the deprivation profile. Counts only: also the
/// leadership; a commune officer their communes.
#[utoipa::path(get, path = "/api/v1/poverty/summary", tag = "poverty", params(SummaryQuery),
    responses((status = 200, body = Summary), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn summary_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<SummaryQuery>,
) -> AppResult<Json<Summary>> {
    let wards = counted_wards(&user, q.ward.as_deref())?;
    let year = year("year", q.year.as_deref())?.unwrap_or_else(|| service::current_year(platform::time::today()));
    Ok(Json(poverty(&st).summary(year, &wards).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct TransitionsQuery {
    /// The earlier review year.
    pub from: Option<String>,
    /// The later review year.
    pub to: Option<String>,
    pub ward: Option<String>,
}

/// Each household's class in two yearly reviews compared: left poverty
/// (poor, then not poor — near-poor included), fell into poverty, poor ↔
/// near-poor; with the poor households of each year, by commune.
#[utoipa::path(get, path = "/api/v1/poverty/transitions", tag = "poverty", params(TransitionsQuery),
    responses((status = 200, body = Transitions), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn transitions_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<TransitionsQuery>,
) -> AppResult<Json<Transitions>> {
    let wards = counted_wards(&user, q.ward.as_deref())?;
    let to = year("to", q.to.as_deref())?.unwrap_or_else(|| service::current_year(platform::time::today()));
    let from = year("from", q.from.as_deref())?.unwrap_or(to - 1);
    Ok(Json(poverty(&st).transitions(from, to, &wards).await?))
}

/// Who may import is decided before the body is read.
async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    let scope = registry::access::people(user)?;
    let by = list::Importer::user(user, ctx);
    let province = &st.settings.province_code;
    let p = poverty(st);
    let (scope, standards) = (&scope, &p.standards);
    list::receive_and_run(st, ctx.lang, mp, MAX_UPLOAD, |path| async move {
        crate::import::run(&st.db, province, standards, &path, ctx.lang, scope, &by).await
    })
    .await
}

/// Import a commune's review list (staff; a commune officer for their
/// communes; multipart field `file`: XLSX or CSV with the template's columns
/// or the English keys `household_code, ward_code, area, head_cccd,
/// head_name, members, income_per_person_month, review_year` and one column
/// per indicator code, 1 = lacking). Each household is classified by the
/// standard of its review year; the same list again changes nothing. The
/// whole file is checked before anything is written.
#[utoipa::path(post, path = "/api/v1/poverty/imports", tag = "poverty",
    request_body(content_type = "multipart/form-data", description = "field `file`: the XLSX or CSV"),
    responses((status = 200, body = Report), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn import_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Json<Report>> {
    list::api_answer(import_file(&st, &ctx, &user, mp).await?)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HouseholdOut {
    pub household: Household,
    pub members: Vec<Member>,
    /// Newest first.
    pub reviews: Vec<Review>,
}

/// A household the caller may see (staff; a commune officer in their communes).
async fn visible_household(st: &AppState, user: &User, id: i64) -> AppResult<Household> {
    let scope = registry::access::people(user)?;
    let h = store::household(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)?;
    if !scope.allows(&h.ward_code) {
        return Err(AppError::NotFound);
    }
    Ok(h)
}

async fn household_out(st: &AppState, ctx: &Ctx, h: Household) -> AppResult<HouseholdOut> {
    let province = &st.settings.province_code;
    let rows = store::members(&st.db, province, h.id).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let names: std::collections::HashMap<i64, String> = registry::store::by_ids(&st.db, province, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.person.full_name))
        .collect();
    let members = rows
        .into_iter()
        .map(|(person_id, relation, joined_on, left_on, left_reason)| Member {
            full_name: names.get(&person_id).cloned().unwrap_or_default(),
            person_id,
            relation,
            joined_on,
            left_on,
            left_reason,
        })
        .collect();
    let reviews = store::reviews_of(&st.db, province, h.id).await?;
    audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "household", Some(&h.id.to_string()), None).await?;
    Ok(HouseholdOut { household: h, members, reviews })
}

/// A household with its members (current and past) and its reviews.
#[utoipa::path(get, path = "/api/v1/poverty/households/{id}", tag = "poverty",
    params(("id" = i64, Path, description = "The household's id")),
    responses((status = 200, body = HouseholdOut), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn household_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<HouseholdOut>> {
    let h = visible_household(&st, &user, id).await?;
    Ok(Json(household_out(&st, &ctx, h).await?))
}

/// The survey of a review, as the phone's form and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PovertyReviewInput)]
#[serde(default)]
pub struct ReviewInput {
    /// yearly (the default) | adhoc
    pub kind: Option<String>,
    /// Why an ad-hoc review (required for one).
    pub reason: Option<String>,
    /// The survey's day, YYYY-MM-DD or dd/mm/yyyy (today when absent); the
    /// yearly review's year is the one whose review it falls in.
    pub date: Option<String>,
    /// A standard's id; the one in force on the day when absent.
    pub standard: Option<String>,
    /// rural | urban (the household's when absent).
    pub area: Option<String>,
    pub members: Option<i64>,
    #[schema(value_type = f64)]
    pub income_per_person_month: Option<f64>,
    pub deprivations: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewOut {
    pub review: Review,
    pub classification: Classified,
    /// False: the same answers were recorded already.
    pub changed: bool,
}

/// Record a household's review (the survey's answers): the class is computed
/// by the standard and explained. A yearly review replaces the household's
/// review of that year; an ad-hoc one during the year needs a reason.
async fn save_review(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    h: &Household,
    input: &ReviewInput,
) -> AppResult<Result<ReviewOut, Vec<FieldError>>> {
    let p = poverty(st);
    let mut errors = Vec::new();
    let day = match date("date", input.date.as_deref()) {
        Ok(d) => d.unwrap_or_else(platform::time::today),
        Err(_) => {
            errors.push(FieldError::new("date", "err.date.invalid"));
            platform::time::today()
        }
    };
    let kind = match input.kind.as_deref().map(str::trim).unwrap_or("") {
        "" | "yearly" => "yearly",
        "adhoc" => "adhoc",
        _ => {
            errors.push(FieldError::new("kind", "pov.err.kind"));
            "yearly"
        }
    };
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    if kind == "adhoc" && reason.is_none() {
        errors.push(FieldError::new("reason", "err.required"));
    }
    let standard = p.standards.choose(input.standard.as_deref(), day);
    if standard.is_none() {
        errors.push(FieldError::new("standard", "pov.err.standard_unknown"));
    }
    let area = match input.area.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        None => Some(h.area),
        Some(a) => Area::parse(a),
    };
    if area.is_none() {
        errors.push(FieldError::new("area", "pov.err.area"));
    }
    let members = input.members.filter(|m| (1..=100).contains(m));
    if members.is_none() {
        errors.push(FieldError::new("members", "pov.err.members"));
    }
    let income = rules::income(input.income_per_person_month).map_err(|e| errors.push(e)).ok();
    let (Some(s), Some(area), Some(members), Some(income)) = (standard, area, members, income) else {
        return Ok(Err(errors));
    };
    let classified = match rules::classify(s, area, income, &input.deprivations, ctx.lang) {
        Ok(c) if errors.is_empty() => c,
        Ok(_) => return Ok(Err(errors)),
        Err(e) => {
            errors.extend(e);
            return Ok(Err(errors));
        }
    };
    let survey = Survey {
        year: if kind == "yearly" { service::current_year(day) } else { chrono::Datelike::year(&day) },
        kind,
        reason,
        review_date: day,
        standard: s.id.clone(),
        area,
        members,
        income_per_person_month: income,
        deprivations: classified.deprivations.clone(),
        class: classified.class,
    };
    let province = &st.settings.province_code;
    let (id, created, changed) =
        store::save_review(&st.db, province, h.id, &h.ward_code, &survey, "surveyed", Some(user.id)).await?;
    if changed {
        let action = if created { Action::Create } else { Action::Update };
        audit::by_request(&st.db, province, ctx, action, "poverty_review", Some(&id.to_string()), None).await?;
    }
    let review = store::review_by_id(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    Ok(Ok(ReviewOut { review, classification: classified, changed }))
}

/// Record a household's review from the survey (staff; a commune officer in
/// their communes): classified by the standard in force on its day, explained.
#[utoipa::path(post, path = "/api/v1/poverty/households/{id}/reviews", tag = "poverty", request_body = ReviewInput,
    params(("id" = i64, Path, description = "The household's id")),
    responses((status = 200, body = ReviewOut), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn review_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ReviewInput>,
) -> AppResult<Json<ReviewOut>> {
    let h = visible_household(&st, &user, id).await?;
    save_review(&st, &ctx, &user, &h, &input).await?.map(Json).map_err(AppError::Invalid)
}

// ---------- pages ----------

pub fn class_key(c: &Class) -> String {
    format!("pov.class.{}", c.code())
}

/// A commune's line on the overview.
pub struct WardLine {
    pub code: String,
    pub name: String,
    pub households: i64,
    /// All the commune's households (reported), the rates' denominator.
    pub total: Option<i64>,
    pub poor: i64,
    pub near_poor: i64,
    pub poor_rate: Option<f64>,
    pub near_poor_rate: Option<f64>,
    pub left_poverty: i64,
}

#[derive(Template)]
#[template(path = "poverty/overview.html")]
pub struct OverviewPage {
    pub page: Page,
    pub year: i32,
    pub years: Vec<i32>,
    pub ward: String,
    pub wards: Vec<(String, String)>,
    pub summary: Summary,
    pub previous: Option<Transitions>,
    /// Since the first year held: (first year, its poor households).
    pub since_first: Option<Transitions>,
    pub lines: Vec<WardLine>,
    pub map_svg: String,
    pub profile: Vec<(String, String, i64)>,
    pub steps: Vec<(String, i64)>,
    pub links: bool,
    pub manages: bool,
    pub lang: Lang,
}

impl OverviewPage {
    pub fn rate(&self, x: impl std::borrow::Borrow<Option<f64>>) -> String {
        x.borrow().map_or_else(|| "–".to_owned(), |x| self.page.tr.percent(x))
    }
    pub fn share(&self, n: impl platform::i18n::Count) -> i64 {
        let max = self.profile.iter().map(|p| p.2).max().unwrap_or(0).max(1);
        (n.count() * 100 / max).max(1)
    }
    /// A class's rate over all households of the communes that reported
    /// their total (`poor`: the poor, else the near-poor).
    pub fn province_rate(&self, poor: bool) -> String {
        let (mut n, mut total) = (0, 0);
        for l in self.lines.iter().filter(|l| l.total.is_some()) {
            n += if poor { l.poor } else { l.near_poor };
            total += l.total.unwrap_or(0);
        }
        self.rate((total > 0).then(|| n as f64 * 100.0 / total as f64))
    }
    pub fn total_of(&self, t: &Option<i64>) -> String {
        t.map_or_else(|| "–".to_owned(), |t| self.page.tr.int(t))
    }
    pub fn ward_total(&self) -> String {
        self.lines.iter().find(|l| l.code == self.ward).and_then(|l| l.total).map(|t| t.to_string()).unwrap_or_default()
    }
    pub fn fewer(&self, t: &Transitions) -> String {
        self.page.tr.int(t.poor_from - t.poor_to)
    }
    pub fn step_label(&self, s: &str) -> String {
        t(self.lang, &format!("pov.step.{s}")).to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverviewQuery {
    pub year: Option<String>,
    pub ward: Option<String>,
    pub format: Option<String>,
}

pub async fn overview(st: &AppState, ctx: &Ctx, user: &User, q: &OverviewQuery) -> AppResult<OverviewPage> {
    let wards = counted_wards(user, q.ward.as_deref())?;
    let p = poverty(st);
    // Years held, read once: each read brings the ledger up to date.
    let held: Vec<i32> = p.years().await?;
    let mut years = held.clone();
    let current = service::current_year(platform::time::today());
    if !years.contains(&current) {
        years.insert(0, current);
    }
    let year = year("year", q.year.as_deref())?
        .unwrap_or_else(|| years.iter().copied().find(|y| *y <= current).unwrap_or(current));
    let summary = p.summary(year, &wards).await?;
    let previous = if held.contains(&(year - 1)) { Some(p.transitions(year - 1, year, &wards).await?) } else { None };
    let first = held.iter().copied().filter(|y| *y < year - 1).min();
    let since_first = match first {
        Some(f) => Some(p.transitions(f, year, &wards).await?),
        None => None,
    };
    let d = refdata::refdata();
    let left: std::collections::HashMap<&str, i64> = previous
        .as_ref()
        .map(|t| t.by_ward.iter().map(|w| (w.ward_code.as_str(), w.left_poverty)).collect())
        .unwrap_or_default();
    let mut lines: Vec<WardLine> = summary
        .by_ward
        .iter()
        .map(|w| WardLine {
            name: d.ward_name(&w.ward_code),
            code: w.ward_code.clone(),
            households: w.households,
            total: w.total_households,
            poor: w.poor,
            near_poor: w.near_poor,
            poor_rate: w.total_households.filter(|t| *t > 0).map(|t| w.poor as f64 * 100.0 / t as f64),
            near_poor_rate: w.total_households.filter(|t| *t > 0).map(|t| w.near_poor as f64 * 100.0 / t as f64),
            left_poverty: left.get(w.ward_code.as_str()).copied().unwrap_or(0),
        })
        .collect();
    lines.sort_by(|a, b| b.poor_rate.unwrap_or(0.0).total_cmp(&a.poor_rate.unwrap_or(0.0)).then(a.name.cmp(&b.name)));
    let links = user.role != Role::Viewer;
    let points: Vec<refdata::map::Point> = lines
        .iter()
        .map(|l| refdata::map::Point {
            code: l.code.clone(),
            name: l.name.clone(),
            size: l.poor,
            value: l.poor_rate,
            label: format!("{} {}", ctx.tr().int(l.poor), t(ctx.lang, "pov.poor_households")),
        })
        .collect();
    let link = move |code: &str| format!("/poverty/households?year={year}&ward={code}&class=poor");
    let map_svg = refdata::map::communes_svg(&points, if links { Some(&link) } else { None }, t(ctx.lang, "pov.map"));
    let s = p.standard_of_year(year);
    let profile = summary
        .deprivations
        .iter()
        .map(|dep| {
            let i = s.indicator(&dep.code);
            (dep.code.clone(), i.map_or(dep.code.clone(), |i| i.name(ctx.lang).to_owned()), dep.households_lacking)
        })
        .collect();
    let ward = q.ward.clone().unwrap_or_default();
    let steps =
        if ward.is_empty() { vec![] } else { store::steps(&st.db, &st.settings.province_code, year, &ward).await? };
    let scope = registry::access::aggregates(user)?;
    Ok(OverviewPage {
        page: ctx.page("pov.title"),
        year,
        years,
        wards: d.ward_options(&st.settings.province_code, |w| scope.allows(w)),
        ward,
        summary,
        previous,
        since_first,
        lines,
        map_svg,
        profile,
        steps,
        links,
        manages: registry::access::people(user).is_ok(),
        lang: ctx.lang,
    })
}

async fn overview_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> AppResult<Response> {
    Ok(render(overview(&st, &ctx, &user, &q).await?)?.into_response())
}

#[derive(Template)]
#[template(path = "poverty/report.html")]
struct ReportPage {
    o: OverviewPage,
    xlsx: String,
}

/// The year's report: a printable A4 page, or `format=xlsx`.
async fn report_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> AppResult<Response> {
    let o = overview(&st, &ctx, &user, &q).await?;
    if q.format.as_deref() == Some("xlsx") {
        let bytes = report_xlsx(&o).map_err(AppError::Internal)?;
        return Ok(list::xlsx(&format!("giam-ngheo-{}.xlsx", o.year), bytes));
    }
    let xlsx = format!("/poverty/report?year={}&ward={}&format=xlsx", o.year, o.ward);
    Ok(render(ReportPage { o, xlsx })?.into_response())
}

fn report_xlsx(o: &OverviewPage) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let l = |k: &str| t(o.lang, k).to_owned();
    let text = |s: &str| platform::table::inert(s).into_owned();
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name(l("pov.sheet.summary").chars().take(31).collect::<String>())?;
    sheet.write_string_with_format(0, 0, text(&format!("{} {}", l("pov.report"), o.year)), &bold)?;
    let mut row = 2;
    for (label, n) in [
        (l("pov.households"), o.summary.households),
        (l("pov.class.poor"), o.summary.poor),
        (l("pov.class.near_poor"), o.summary.near_poor),
        (l("pov.class.middle"), o.summary.middle),
    ] {
        sheet.write_string(row, 0, text(&label))?;
        sheet.write_number(row, 1, n as f64)?;
        row += 1;
    }
    if let Some(t) = &o.previous {
        for (label, n) in [
            (l("pov.left_poverty"), t.left_poverty),
            (l("pov.fell_into_poverty"), t.fell_into_poverty),
            (l("pov.poor_to_near_poor"), t.poor_to_near_poor),
            (l("pov.near_poor_to_poor"), t.near_poor_to_poor),
        ] {
            sheet.write_string(row, 0, text(&format!("{label} ({}–{})", t.from, t.to)))?;
            sheet.write_number(row, 1, n as f64)?;
            row += 1;
        }
    }
    let by_ward = wb.add_worksheet();
    by_ward.set_name(l("pov.sheet.communes").chars().take(31).collect::<String>())?;
    let heads = [
        "field.ward_code",
        "pov.commune",
        "pov.households",
        "pov.class.poor",
        "pov.class.near_poor",
        "pov.left_poverty",
    ];
    for (c, h) in heads.iter().enumerate() {
        by_ward.write_string_with_format(0, c as u16, text(&l(h)), &bold)?;
    }
    for (r, w) in o.lines.iter().enumerate() {
        let r = r as u32 + 1;
        by_ward.write_string(r, 0, &w.code)?;
        by_ward.write_string(r, 1, text(&w.name))?;
        for (c, n) in [w.households, w.poor, w.near_poor, w.left_poverty].iter().enumerate() {
            by_ward.write_number(r, c as u16 + 2, *n as f64)?;
        }
    }
    let profile = wb.add_worksheet();
    profile.set_name(l("pov.sheet.profile").chars().take(31).collect::<String>())?;
    profile.write_string_with_format(0, 0, text(&l("pov.indicator")), &bold)?;
    profile.write_string_with_format(0, 1, text(&l("pov.households_lacking")), &bold)?;
    for (r, (_, name, n)) in o.profile.iter().enumerate() {
        profile.write_string(r as u32 + 1, 0, text(name))?;
        profile.write_number(r as u32 + 1, 1, *n as f64)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StepForm {
    year: String,
    ward: String,
    step: String,
    date: String,
}

/// The commune's review moves a step: the village meeting held, the list
/// posted, the commune's approval (commune officer or staff).
async fn steps_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<StepForm>,
) -> AppResult<Response> {
    let scope = registry::access::people(&user)?;
    if !scope.allows(&f.ward) {
        return Err(AppError::Forbidden);
    }
    let year = year("year", Some(&f.year))?.ok_or_else(|| AppError::invalid("year", "err.required"))?;
    let on = date("date", Some(&f.date))?.unwrap_or_else(platform::time::today);
    let from = match f.step.as_str() {
        "meeting" => "surveyed",
        "posted" => "meeting",
        "approved" => "posted",
        _ => return Err(AppError::invalid("step", "pov.err.step")),
    };
    let province = &st.settings.province_code;
    let n = store::advance(&st.db, province, year, &f.ward, from, &f.step, on, user.id).await?;
    audit::by_request(&st.db, province, &ctx, Action::Update, "poverty_review", None, Some(&format!("{} {n}", f.step)))
        .await?;
    Ok(Redirect::to(&format!("/poverty?year={year}&ward={}", f.ward)).into_response())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TotalInput {
    pub ward_code: String,
    pub year: i32,
    /// All households of the commune in the year (tổng số hộ dân cư).
    pub households: i64,
}

async fn put_total(st: &AppState, ctx: &Ctx, user: &User, t: &TotalInput) -> AppResult<()> {
    let scope = registry::access::people(user)?;
    let province = &st.settings.province_code;
    if refdata::refdata().ward(&t.ward_code).is_none_or(|w| w.province_code != *province) {
        return Err(AppError::invalid("ward_code", "err.ward.unknown"));
    }
    if !scope.allows(&t.ward_code) {
        return Err(AppError::Forbidden);
    }
    if !(2000..=2100).contains(&t.year) {
        return Err(AppError::invalid("year", "pov.err.year"));
    }
    if !(0..=10_000_000).contains(&t.households) {
        return Err(AppError::invalid("households", "err.number.invalid"));
    }
    store::put_total(&st.db, province, &t.ward_code, t.year, t.households, Some(user.id)).await?;
    audit::by_request(
        &st.db,
        province,
        ctx,
        Action::Update,
        "ward_households",
        Some(&t.ward_code),
        Some(&t.year.to_string()),
    )
    .await?;
    Ok(())
}

/// Set a commune's households in a year (staff; a commune officer for their
/// communes): the denominator of its poverty and near-poverty rates.
#[utoipa::path(put, path = "/api/v1/poverty/households-total", tag = "poverty", request_body = TotalInput,
    responses((status = 204), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn total_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(t): JsonBody<TotalInput>,
) -> AppResult<StatusCode> {
    put_total(&st, &ctx, &user, &t).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TotalForm {
    ward: String,
    year: String,
    households: String,
}

async fn totals_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<TotalForm>,
) -> AppResult<Response> {
    let year = year("year", Some(&f.year))?.ok_or_else(|| AppError::invalid("year", "err.required"))?;
    let households =
        crate::import::number(&f.households).ok_or_else(|| AppError::invalid("households", "err.number.invalid"))?;
    put_total(&st, &ctx, &user, &TotalInput { ward_code: f.ward.clone(), year, households }).await?;
    Ok(Redirect::to(&format!("/poverty?year={year}&ward={}", f.ward)).into_response())
}

#[derive(Template)]
#[template(path = "poverty/households.html")]
struct HouseholdsPage {
    page: Page,
    q: ListQuery,
    year: i32,
    items: Vec<(Household, Option<Class>, i64)>,
    total: i64,
    wards: Vec<(String, String)>,
    classes: [Class; 4],
}

impl HouseholdsPage {
    fn ward(&self, code: &str) -> String {
        refdata::refdata().ward_name(code)
    }
    fn next_page(&self) -> Option<i64> {
        let page = self.q.page.unwrap_or(1).max(1);
        (self.total > page * 50).then_some(page + 1)
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct ListQuery {
    year: Option<String>,
    ward: Option<String>,
    class: Option<String>,
    q: Option<String>,
    page: Option<i64>,
}

async fn households_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let scope = registry::access::people(&user)?;
    let wards = service::wards_of(&scope)?;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let ward = text(&q.ward);
    if ward.as_deref().is_some_and(|w| !scope.allows(w)) {
        return Err(AppError::Forbidden);
    }
    let class = text(&q.class);
    if class.as_deref().is_some_and(|c| Class::parse(c).is_none()) {
        return Err(AppError::invalid("class", "pov.err.class"));
    }
    let year = year("year", q.year.as_deref())?.unwrap_or_else(|| service::current_year(platform::time::today()));
    let province = &st.settings.province_code;
    let (items, total) = store::list_households(
        &st.db,
        province,
        year,
        &wards,
        ward.as_deref(),
        class.as_deref(),
        text(&q.q).as_deref(),
        q.page.unwrap_or(1),
    )
    .await?;
    if !items.is_empty() {
        audit::by_request(&st.db, province, &ctx, Action::ReadPersonal, "household", None, Some("list")).await?;
    }
    Ok(render(HouseholdsPage {
        page: ctx.page("pov.households_title"),
        wards: refdata::refdata().ward_options(province, |w| scope.allows(w)),
        q,
        year,
        items,
        total,
        classes: Class::ALL,
    })?
    .into_response())
}

/// The new household's form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
struct HouseholdForm {
    code: String,
    ward_code: String,
    hamlet: String,
    area: String,
    head_cccd: String,
    head_name: String,
}

#[derive(Template)]
#[template(path = "poverty/household_new.html")]
struct NewHouseholdPage {
    page: Page,
    f: HouseholdForm,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
}

impl NewHouseholdPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn new_household_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
) -> AppResult<Response> {
    let scope = registry::access::people(&user)?;
    let wards = refdata::refdata().ward_options(&st.settings.province_code, |w| scope.allows(w));
    let f = HouseholdForm { area: "rural".into(), ..Default::default() };
    Ok(render(NewHouseholdPage { page: ctx.page("pov.new_household"), f, errors: vec![], wards })?.into_response())
}

async fn household_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<HouseholdForm>,
) -> AppResult<Response> {
    let scope = registry::access::people(&user)?;
    let province = &st.settings.province_code;
    let mut errors = Vec::new();
    let code = f.code.trim();
    if code.is_empty() {
        errors.push(FieldError::new("household_code", "err.required"));
    } else if store::household_by_code(&st.db, province, code).await?.is_some() {
        errors.push(FieldError::new("household_code", "pov.err.code_taken"));
    }
    let ward = f.ward_code.trim();
    if refdata::refdata().ward(ward).is_none_or(|w| w.province_code != *province) {
        errors.push(FieldError::new("ward_code", "err.ward.unknown"));
    } else if !scope.allows(ward) {
        errors.push(FieldError::new("ward_code", "pov.err.ward_outside"));
    }
    let area = Area::parse(&f.area);
    if area.is_none() {
        errors.push(FieldError::new("area", "pov.err.area"));
    }
    let mut head = None;
    let mut head_name = f.head_name.trim().to_owned();
    if !f.head_cccd.trim().is_empty() {
        match registry::rules::parse_cccd_lenient(&f.head_cccd) {
            Err(e) => errors.push(FieldError::new("head_cccd", e.key)),
            Ok(c) => match registry::store::id_by_cccd(&st.db, province, c.as_str()).await? {
                None => errors.push(FieldError::new("head_cccd", "pov.err.not_in_registry")),
                Some(id) => {
                    head = Some(id);
                    if head_name.is_empty() {
                        if let Some(p) = registry::store::get(&st.db, province, id).await? {
                            head_name = p.person.full_name;
                        }
                    }
                }
            },
        }
    }
    if head_name.is_empty() && head.is_none() {
        errors.push(FieldError::new("head_name", "err.required"));
    }
    // Free text is text: no control characters, no direction overrides.
    for (field, value) in [("household_code", code), ("hamlet", f.hamlet.as_str()), ("head_name", f.head_name.as_str())]
    {
        if platform::validate::has_unsafe(value) {
            errors.push(FieldError::new(field, "err.control_chars"));
        }
    }
    if let (true, Some(area)) = (errors.is_empty(), area) {
        let hamlet = Some(f.hamlet.trim()).filter(|h| !h.is_empty());
        let (id, _) = store::save_household(&st.db, province, code, ward, hamlet, area, (head, &head_name)).await?;
        audit::by_request(&st.db, province, &ctx, Action::Create, "household", Some(&id.to_string()), None).await?;
        if let Some(person) = head {
            store::join(&st.db, province, id, person, "head", platform::time::today(), "move").await?;
        }
        return Ok(Redirect::to(&format!("/poverty/households/{id}")).into_response());
    }
    let wards = refdata::refdata().ward_options(province, |w| scope.allows(w));
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(NewHouseholdPage { page: ctx.page("pov.new_household"), f, errors, wards })?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "poverty/household.html")]
struct HouseholdPage {
    page: Page,
    h: HouseholdOut,
    standard: Standard,
    /// The survey form as last sent (on an error), and its errors.
    input: ReviewInput,
    errors: Vec<FieldError>,
    member_errors: Vec<FieldError>,
    /// The review just recorded, explained.
    saved: Option<Classified>,
    relations: [&'static str; 7],
    reasons: [&'static str; 5],
    lang: Lang,
}

impl HouseholdPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn member_error(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.member_errors, field)
    }
    fn ward(&self) -> String {
        refdata::refdata().ward_name(&self.h.household.ward_code)
    }
    fn checked(&self, code: &str) -> bool {
        self.input.deprivations.iter().any(|c| c == code)
    }
    fn indicator_name(&self, code: &str) -> String {
        self.standard.indicator(code).map_or(code.to_owned(), |i| i.name(self.lang).to_owned())
    }
    fn dimension(&self, code: &str) -> String {
        self.standard.dimension_name(code, self.lang).to_owned()
    }
    fn members_value(&self) -> String {
        self.input.members.map(|m| m.to_string()).unwrap_or_default()
    }
    fn income_value(&self) -> String {
        self.input.income_per_person_month.filter(|v| *v >= 0.0).map(|v| (v as i64).to_string()).unwrap_or_default()
    }
    fn area_name(&self) -> &str {
        t(self.lang, if self.h.household.area == Area::Urban { "pov.area.urban" } else { "pov.area.rural" })
    }
    fn standard_line(&self) -> String {
        format!(
            "{}: {} {} / {}",
            self.standard.name(self.lang),
            t(self.lang, "pov.line"),
            self.page.tr.money(self.standard.line(self.h.household.area)),
            t(self.lang, "pov.per_person_month")
        )
    }
    fn ind_name(&self, i: &crate::standard::Indicator) -> String {
        i.name(self.lang).to_owned()
    }
    fn ind_question(&self, i: &crate::standard::Indicator) -> String {
        i.question(self.lang).to_owned()
    }
    fn relation(&self, r: &str) -> String {
        t(self.lang, &format!("pov.relation.{r}")).to_owned()
    }
    fn leave_reason(&self, r: &str) -> String {
        t(self.lang, &format!("pov.leave.{r}")).to_owned()
    }
    fn step(&self, s: &str) -> String {
        t(self.lang, &format!("pov.step.{s}")).to_owned()
    }
    fn members_now(&self) -> i64 {
        self.h.members.iter().filter(|m| m.left_on.is_none()).count() as i64
    }
}

async fn household_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    input: Option<ReviewInput>,
    errors: Vec<FieldError>,
    member_errors: Vec<FieldError>,
    saved: Option<Classified>,
) -> AppResult<HouseholdPage> {
    let h = visible_household(st, user, id).await?;
    let out = household_out(st, ctx, h).await?;
    let standard = poverty(st).standards.in_force(platform::time::today()).clone();
    let input = input.unwrap_or_else(|| {
        // The last review's answers, to change what changed.
        let last = out.reviews.first();
        ReviewInput {
            members: last
                .map(|r| r.members)
                .or(Some(out.members.iter().filter(|m| m.left_on.is_none()).count() as i64))
                .filter(|m| *m > 0),
            income_per_person_month: last.map(|r| r.income_per_person_month as f64),
            deprivations: last.map(|r| r.deprivations.clone()).unwrap_or_default(),
            ..Default::default()
        }
    });
    Ok(HouseholdPage {
        page: ctx.page("pov.household"),
        h: out,
        standard,
        input,
        errors,
        member_errors,
        saved,
        relations: RELATIONS,
        reasons: LEAVE_REASONS,
        lang: ctx.lang,
    })
}

async fn household_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(render(household_view(&st, &ctx, &user, id, None, vec![], vec![], None).await?)?.into_response())
}

/// The survey form as a browser sends it (checkboxes repeat `deprivations`).
fn review_input(pairs: &[(String, String)]) -> ReviewInput {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty());
    ReviewInput {
        kind: get("kind"),
        reason: get("reason"),
        date: get("date"),
        standard: None,
        area: get("area"),
        members: get("members").and_then(|m| crate::import::number(&m)),
        income_per_person_month: get("income_per_person_month")
            .map(|v| crate::import::number(&v).map_or(-1.0, |n| n as f64)),
        deprivations: pairs.iter().filter(|(n, _)| n == "deprivations").map(|(_, v)| v.clone()).collect(),
    }
}

async fn review_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let h = visible_household(&st, &user, id).await?;
    let input = review_input(&pairs);
    match save_review(&st, &ctx, &user, &h, &input).await? {
        Ok(out) => Ok(render(
            household_view(&st, &ctx, &user, id, Some(input), vec![], vec![], Some(out.classification)).await?,
        )?
        .into_response()),
        Err(errors) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(household_view(&st, &ctx, &user, id, Some(input), errors, vec![], None).await?)?,
        )
            .into_response()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MemberForm {
    cccd: String,
    relation: String,
    date: String,
    /// leave: the member leaves (reason: split, move, death…).
    action: String,
    reason: String,
}

/// Add a registry person to the household (moving them from any other), or
/// record a member leaving.
async fn member_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<MemberForm>,
) -> AppResult<Response> {
    let h = visible_household(&st, &user, id).await?;
    let province = &st.settings.province_code;
    let mut errors = Vec::new();
    let on = date("date", Some(&f.date)).unwrap_or(None).unwrap_or_else(platform::time::today);
    let person = match registry::rules::parse_cccd_lenient(&f.cccd) {
        Err(e) => {
            errors.push(FieldError::new("cccd", e.key));
            None
        }
        Ok(c) => {
            let id = registry::store::id_by_cccd(&st.db, province, c.as_str()).await?;
            if id.is_none() {
                errors.push(FieldError::new("cccd", "pov.err.not_in_registry"));
            }
            id
        }
    };
    let reason = if LEAVE_REASONS.contains(&f.reason.as_str()) { f.reason.as_str() } else { "other" };
    if let Some(person) = person {
        if f.action == "leave" {
            if store::household_of(&st.db, province, person).await? == Some(h.id) {
                store::leave(&st.db, province, person, on, reason).await?;
                audit::by_request(
                    &st.db,
                    province,
                    &ctx,
                    Action::Update,
                    "household",
                    Some(&h.id.to_string()),
                    Some("leave"),
                )
                .await?;
            } else {
                errors.push(FieldError::new("cccd", "pov.err.not_a_member"));
            }
        } else if !RELATIONS.contains(&f.relation.as_str()) {
            errors.push(FieldError::new("relation", "pov.err.relation"));
        } else {
            store::join(&st.db, province, h.id, person, &f.relation, on, reason).await?;
            audit::by_request(
                &st.db,
                province,
                &ctx,
                Action::Update,
                "household",
                Some(&h.id.to_string()),
                Some("join"),
            )
            .await?;
        }
    }
    if errors.is_empty() {
        return Ok(Redirect::to(&format!("/poverty/households/{}", h.id)).into_response());
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        render(household_view(&st, &ctx, &user, id, None, vec![], errors, None).await?)?,
    )
        .into_response())
}

fn import_view(ctx: &Ctx) -> ImportPage {
    ImportPage::new(
        ctx,
        "pov.import.title",
        "pov.import.hint",
        "/poverty/import",
        "/poverty/template.xlsx",
        ("/poverty", "nav.poverty"),
    )
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    registry::access::people(&user)?;
    Ok(render(import_view(&ctx))?.into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    registry::access::people(&user)?;
    Ok(list::xlsx("mau-ra-soat-ho-ngheo.xlsx", crate::import::template()?))
}

async fn upload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let outcome = import_file(&st, &ctx, &user, mp).await?;
    import_view(&ctx).answer(outcome)
}
