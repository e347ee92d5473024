//! Vocational training: the API and the pages.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::{t, Lang};
use platform::sheet::list::{self, ImportPage, Refused, Report};
use platform::table::{Cell, Format, Table};
use platform::web::{query_date, render, Ctx, JsonBody, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::*;
use crate::rules;
use crate::service::{self, figures_filter, Training};
use crate::store::{self, Filter, ListFilter, Saved};

/// Largest enrolment list accepted.
const MAX_UPLOAD: u64 = 20 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/training", get(overview_page))
        .route("/training/schools", get(schools_page).post(school_form))
        .route("/training/classes", get(classes_page).post(class_form))
        .route("/training/classes/{id}", get(class_page).post(enrol_form))
        .route("/training/enrolments", get(enrolments_page))
        .route("/training/enrolments/{id}", get(enrolment_page).post(outcome_form))
        .route("/training/demand", get(demand_page))
        .route("/training/visits", get(visits_page).post(visit_form))
        .route("/training/import", get(import_page).post(upload_page).layer(DefaultBodyLimit::max(MAX_UPLOAD as usize)))
        .route("/training/template.xlsx", get(template))
        .routes(routes!(schools_api, create_school_api))
        .routes(routes!(indicators_api))
        .routes(routes!(classes_api, create_class_api))
        .routes(routes!(enrol_api))
        .routes(routes!(enrolment_api, outcome_api))
        .routes(routes!(demand_api))
        .routes(routes!(visits_api, create_visit_api))
        .routes(routes!(import_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

fn training(st: &AppState) -> Arc<Training> {
    st.service::<Training>()
}

fn province(st: &AppState) -> &str {
    &st.settings.province_code
}

/// Names of codes in the reader's language, for the pages.
pub struct Names {
    lang: Lang,
    schools: HashMap<i64, School>,
}

impl Names {
    async fn new(st: &AppState, lang: Lang) -> AppResult<Names> {
        let schools = store::schools(&st.db, province(st)).await?.into_iter().map(|s| (s.id, s)).collect();
        Ok(Names { lang, schools })
    }
    pub fn trade(&self, code: impl AsRef<str>) -> String {
        rules::trade_name(code.as_ref(), self.lang)
    }
    pub fn ward(&self, code: impl AsRef<str>) -> String {
        refdata::refdata().ward_name(code.as_ref())
    }
    pub fn school(&self, id: impl std::borrow::Borrow<i64>) -> String {
        self.schools.get(id.borrow()).map_or_else(String::new, |s| s.name.clone())
    }
    pub fn school_by_code(&self, code: impl AsRef<str>) -> String {
        self.schools
            .values()
            .find(|s| s.code == code.as_ref())
            .map_or_else(|| code.as_ref().to_owned(), |s| s.name.clone())
    }
    pub fn school_id(&self, code: impl AsRef<str>) -> i64 {
        self.schools.values().find(|s| s.code == code.as_ref()).map_or(0, |s| s.id)
    }
    /// A coded value's label ("tr.level.college" …).
    pub fn label(&self, key: impl AsRef<str>) -> String {
        t(self.lang, key.as_ref()).to_owned()
    }
}

/// The school a form names, within the user's reach: another school's is
/// refused outright (403), an unknown or missing one is a field error.
async fn school_in_reach(
    st: &AppState,
    code: &str,
    reach: &service::Reach,
) -> AppResult<Result<School, Vec<FieldError>>> {
    match crate::import::school_of(&st.db, province(st), code, reach).await? {
        Ok(s) => Ok(Ok(s)),
        Err(e) if e.code == "tr.err.school_other" => Err(AppError::Forbidden),
        Err(e) => Ok(Err(vec![e])),
    }
}

// ---------------------------------------------------------------- schools

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchoolList {
    pub items: Vec<School>,
}

/// The province's vocational schools (public: learners choose among them).
#[utoipa::path(get, path = "/api/v1/schools", tag = "training", responses((status = 200, body = SchoolList)))]
async fn schools_api(State(st): State<AppState>) -> AppResult<Json<SchoolList>> {
    Ok(Json(SchoolList { items: store::schools(&st.db, province(&st)).await? }))
}

fn school_of_input(input: &SchoolInput) -> Result<School, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = input.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 30 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        errors.push(FieldError::new("code", "tr.err.school_code"));
    }
    let name = rules::free_text("name", &input.name, 200, &mut errors);
    if name.is_none() && !errors.iter().any(|e| e.field == "name") {
        errors.push(FieldError::new("name", "err.required"));
    }
    let address = rules::free_text("address", &input.address, 300, &mut errors);
    let phone = rules::free_text("phone", &input.phone, 30, &mut errors);
    let kind = SchoolKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", "tr.err.kind"));
    }
    let public = match input.ownership.trim() {
        "public" | "" => true,
        "private" => false,
        _ => {
            errors.push(FieldError::new("ownership", "tr.err.ownership"));
            true
        }
    };
    let ward = input.ward_code.trim();
    if refdata::refdata().ward(ward).is_none() {
        errors.push(FieldError::new("ward_code", "err.ward.unknown"));
    }
    match (errors.is_empty(), kind) {
        (true, Some(kind)) => Ok(School {
            id: 0,
            code,
            name: name.unwrap_or_default(),
            kind,
            public,
            ward_code: ward.to_owned(),
            address,
            phone,
        }),
        _ => Err(errors),
    }
}

async fn create_school(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &SchoolInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    user.require(matches!(user.role, Role::Admin | Role::Staff))?;
    let school = match school_of_input(input) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    match store::insert_school(&st.db, province(st), &school).await? {
        Ok(id) => {
            audit::by_request(&st.db, province(st), ctx, Action::Create, "school", Some(&id.to_string()), None).await?;
            Ok(Ok(id))
        }
        Err(_) => Ok(Err(vec![FieldError::new("code", "tr.err.school_code_taken")])),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TrainingNewRecord)]
pub struct NewRecord {
    pub id: i64,
}

/// Add a school (staff, admin).
#[utoipa::path(post, path = "/api/v1/schools", tag = "training", request_body = SchoolInput,
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_school_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<SchoolInput>,
) -> AppResult<Response> {
    let id = create_school(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

#[derive(Template)]
#[template(path = "training/schools.html")]
struct SchoolsPage {
    page: Page,
    items: Vec<School>,
    manages: bool,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    kinds: &'static [SchoolKind],
    n: Names,
}

impl SchoolsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn schools_view(st: &AppState, ctx: &Ctx, user: &User, errors: Vec<FieldError>) -> AppResult<SchoolsPage> {
    Ok(SchoolsPage {
        page: ctx.page("tr.schools"),
        items: store::schools(&st.db, province(st)).await?,
        manages: matches!(user.role, Role::Admin | Role::Staff),
        errors,
        wards: refdata::refdata().ward_options(province(st), |_| true),
        kinds: SchoolKind::ALL,
        n: Names::new(st, ctx.lang).await?,
    })
}

async fn schools_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    Ok(render(schools_view(&st, &ctx, &user, vec![]).await?)?.into_response())
}

async fn school_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<SchoolInput>,
) -> AppResult<Response> {
    match create_school(&st, &ctx, &user, &input).await? {
        Ok(_) => Ok(Redirect::to("/training/schools").into_response()),
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(schools_view(&st, &ctx, &user, e).await?)?).into_response())
        }
    }
}

// ---------------------------------------------------------------- indicators

/// The period, commune and school counted (empty: no filter).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct IndicatorQuery {
    /// First day, YYYY-MM-DD or dd/mm/yyyy.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// A 2025 commune (the learner's).
    pub ward: Option<String>,
    /// A school's code.
    pub school: Option<String>,
    /// `xlsx`: the page's figures as a spreadsheet.
    #[param(ignore)]
    #[serde(skip_serializing)]
    pub format: Option<String>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl IndicatorQuery {
    /// The filter, within what the user may count.
    async fn filter(&self, st: &AppState, user: &User) -> AppResult<Filter> {
        let mut f = figures_filter(user)?;
        f.from = query_date("from", self.from.as_deref())?;
        f.to = query_date("to", self.to.as_deref())?;
        if let Some(w) = text(&self.ward) {
            if !f.wards.is_empty() && !f.wards.contains(&w) {
                return Err(AppError::Forbidden);
            }
            if refdata::refdata().ward(&w).is_none() {
                return Err(AppError::invalid("ward", "err.ward.unknown"));
            }
            f.wards = vec![w];
        }
        if let Some(code) = text(&self.school) {
            let s = store::school_by_code(&st.db, province(st), &code)
                .await?
                .ok_or_else(|| AppError::invalid("school", "tr.err.school_unknown"))?;
            if f.school.is_some_and(|own| own != s.id) {
                return Err(AppError::Forbidden);
            }
            f.school = Some(s.id);
        }
        Ok(f)
    }

    /// The same filter as a query string (for the drill-down links).
    fn query(&self) -> String {
        let mut q = Vec::new();
        for (k, v) in [("from", &self.from), ("to", &self.to), ("ward", &self.ward), ("school", &self.school)] {
            if let Some(v) = text(v) {
                q.push(format!("{k}={}", platform::web::encode(&v)));
            }
        }
        q.join("&")
    }
}

/// Enrolment, graduates, certificates, drop-outs and employment after
/// training for a period (enrolled: start date in it; the outcomes: end date
/// in it), by level, school, funding, trade and commune (the learner's).
/// Staff and leadership count the province; a commune officer their
/// communes; a school its own learners.
#[utoipa::path(get, path = "/api/v1/indicators/training", tag = "training", params(IndicatorQuery),
    responses((status = 200, body = Indicators), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn indicators_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<IndicatorQuery>,
) -> AppResult<Json<Indicators>> {
    let f = q.filter(&st, &user).await?;
    let codes = service::school_codes(&st.db, province(&st)).await?;
    Ok(Json(training(&st).indicators(&f, &codes).await?))
}

#[derive(Template)]
#[template(path = "training/overview.html")]
struct OverviewPage {
    page: Page,
    q: IndicatorQuery,
    i: Indicators,
    n: Names,
    /// Trained-labour rate and with a degree or certificate (the registry's), when the user counts communes.
    rates: Option<(String, String)>,
    wards: Vec<(String, String)>,
    schools: Vec<School>,
    /// May open the learners behind a figure.
    drills: bool,
    edits: bool,
    periods: Vec<(String, String, String)>,
    drill: String,
}

impl OverviewPage {
    fn int(&self, n: impl platform::i18n::Count) -> String {
        self.page.tr.int(n)
    }
    /// The learners behind a figure: the page's filter with `extra`'s keys set.
    fn link(&self, extra: impl AsRef<str>) -> String {
        let extra = extra.as_ref();
        let keys: Vec<&str> = extra.split('&').filter_map(|p| p.split('=').next()).collect();
        let mut parts: Vec<&str> = self
            .drill
            .split('&')
            .filter(|p| !p.is_empty() && !keys.contains(&p.split('=').next().unwrap_or("")))
            .collect();
        parts.extend(extra.split('&').filter(|p| !p.is_empty()));
        format!("/training/enrolments?{}", parts.join("&"))
    }
    fn share(&self, part: impl platform::i18n::Count, whole: impl platform::i18n::Count) -> String {
        let (p, w) = (part.count(), whole.count());
        if w == 0 {
            "—".into()
        } else {
            self.page.tr.percent(p as f64 * 100.0 / w as f64)
        }
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

fn periods(lang: Lang, today: NaiveDate) -> Vec<(String, String, String)> {
    let y = today.year();
    let mut p: Vec<(String, String, String)> =
        (y - 5..=y).rev().map(|y| (y.to_string(), format!("{y}-01-01"), format!("{y}-12-31"))).collect();
    p.push((t(lang, "tr.jan_may_2023").to_owned(), "2023-01-01".into(), "2023-05-31".into()));
    p
}

/// The figures as rows: section, item, count.
fn indicators_table(lang: Lang, i: &Indicators, n: &Names) -> Table {
    let tt = |k: &str| t(lang, k).to_owned();
    let mut rows: Vec<Vec<Cell>> = vec![
        vec![tt("tr.total").into(), tt("tr.enrolled").into(), i.enrolled.into()],
        vec![tt("tr.total").into(), tt("tr.graduated").into(), i.graduated.into()],
        vec![tt("tr.total").into(), tt("tr.certified").into(), i.certified.into()],
        vec![tt("tr.total").into(), tt("tr.dropped").into(), i.dropped.into()],
        vec![tt("tr.total").into(), tt("tr.employed_after").into(), i.employed_after.into()],
    ];
    rows.extend(i.by_level.iter().map(|c| vec![tt("field.level").into(), tt(&c.level.key()).into(), c.count.into()]));
    rows.extend(
        i.by_funding
            .iter()
            .map(|c| vec![tt("field.funding").into(), tt(&format!("tr.funding.{}", c.code)).into(), c.count.into()]),
    );
    rows.extend(
        i.by_school
            .iter()
            .map(|c| vec![tt("tr.school").into(), n.school_by_code(&c.school_code).into(), c.count.into()]),
    );
    rows.extend(i.by_trade.iter().map(|c| vec![tt("field.trade").into(), n.trade(&c.code).into(), c.count.into()]));
    rows.extend(i.by_ward.iter().map(|c| vec![tt("field.ward").into(), n.ward(&c.code).into(), c.count.into()]));
    let employed = tt("tr.employed_after");
    rows.extend(i.outcomes_by_school.iter().map(|c| {
        vec![
            format!("{employed} – {}", tt("tr.school")).into(),
            n.school_by_code(&c.code).into(),
            c.employed_after.into(),
        ]
    }));
    rows.extend(i.outcomes_by_trade.iter().map(|c| {
        vec![format!("{employed} – {}", tt("field.trade")).into(), n.trade(&c.code).into(), c.employed_after.into()]
    }));
    Table {
        file: "tuyen-sinh-dao-tao-nghe".into(),
        title: tt("tr.report_title"),
        header: vec![tt("tr.section"), tt("tr.item"), tt("tr.count")],
        rows,
    }
}

async fn overview_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<IndicatorQuery>,
) -> AppResult<Response> {
    let f = q.filter(&st, &user).await?;
    // The schools are read once: for their names and for the figures' codes.
    let n = Names::new(&st, ctx.lang).await?;
    let codes: HashMap<i64, String> = n.schools.values().map(|s| (s.id, s.code.clone())).collect();
    let i = training(&st).indicators(&f, &codes).await?;
    if let Some(format) = q.format.as_deref().and_then(Format::parse) {
        return indicators_table(ctx.lang, &i, &n).respond(format);
    }
    let rates = if user.role == Role::School {
        None
    } else {
        let scope = match &f.wards[..] {
            [] => user.scope(),
            w => platform::auth::AreaScope::Wards(w.to_vec()),
        };
        let total = registry::routes::sum(&registry::routes::indicators(&st, &scope).await?);
        let pct = |r: Option<f64>| r.map_or_else(|| "—".to_owned(), |r| ctx.tr().percent(r));
        Some((pct(total.trained_rate()), pct(total.certificate_rate())))
    };
    let wards = match user.scope() {
        platform::auth::AreaScope::Wards(w) => {
            refdata::refdata().ward_options(province(&st), |c| w.iter().any(|x| x == c))
        }
        _ => refdata::refdata().ward_options(province(&st), |_| true),
    };
    let schools: Vec<School> =
        n.schools.values().filter(|s| user.role != Role::School || Some(s.id) == user.school_id).cloned().collect();
    let mut schools = schools;
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    let page = OverviewPage {
        page: ctx.page("tr.title"),
        drill: q.query(),
        q,
        i,
        n,
        rates,
        wards,
        schools,
        drills: user.may_see_personal_data(),
        edits: service::editor(&user).is_ok(),
        periods: periods(ctx.lang, platform::time::today()),
    };
    Ok(render(page)?.into_response())
}

// ---------------------------------------------------------------- classes

fn class_of_input(input: &ClassInput, school_id: i64, today: NaiveDate) -> Result<Class, Vec<FieldError>> {
    let typed = EnrolmentInput {
        trade: input.trade.clone(),
        level: input.level.clone(),
        start_date: input.start_date.clone(),
        end_date: input.end_date.clone(),
        funding: input.funding.clone(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    let e = rules::validate(&typed, school_id, None, today);
    let ward = input.ward_code.trim();
    if refdata::refdata().ward(ward).is_none() {
        errors.push(FieldError::new("ward_code", "err.ward.unknown"));
    }
    let partner = rules::free_text("partner", &input.partner, 200, &mut errors);
    let capacity = match input.capacity.trim().parse::<i64>() {
        Ok(c) if (1..=2000).contains(&c) => c,
        _ => {
            errors.push(FieldError::new("capacity", "tr.err.capacity"));
            0
        }
    };
    match e {
        Ok(e) if errors.is_empty() => Ok(Class {
            id: 0,
            school_id,
            trade: e.trade,
            level: e.level,
            start_date: e.start_date,
            end_date: e.end_date,
            ward_code: ward.to_owned(),
            capacity,
            funding: e.funding,
            partner,
            enrolled: 0,
        }),
        Ok(_) => Err(errors),
        Err(mut e) => {
            e.extend(errors);
            Err(e)
        }
    }
}

async fn create_class(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &ClassInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    let reach = service::editor(user)?;
    let school = match school_in_reach(st, &input.school_code, &reach).await? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let class = match class_of_input(input, school.id, platform::time::today()) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let id = store::insert_class(&st.db, province(st), &class, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "training_class", Some(&id.to_string()), None).await?;
    Ok(Ok(id))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClassList {
    pub items: Vec<Class>,
}

/// Classes (staff: every school's; a school account: its own).
#[utoipa::path(get, path = "/api/v1/training/classes", tag = "training",
    responses((status = 200, body = ClassList), (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn classes_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<ClassList>> {
    let reach = service::editor(&user)?;
    Ok(Json(ClassList { items: store::classes(&st.db, province(&st), reach.school()).await? }))
}

/// Open a class: trade, level, dates, place, capacity, funding, partner enterprise.
#[utoipa::path(post, path = "/api/v1/training/classes", tag = "training", request_body = ClassInput,
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_class_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<ClassInput>,
) -> AppResult<Response> {
    let id = create_class(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

#[derive(Template)]
#[template(path = "training/classes.html")]
struct ClassesPage {
    page: Page,
    items: Vec<Class>,
    schools: Vec<School>,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    levels: &'static [Level],
    fundings: &'static [Funding],
    trades: &'static [Trade],
    n: Names,
}

impl ClassesPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn classes_view(st: &AppState, ctx: &Ctx, user: &User, errors: Vec<FieldError>) -> AppResult<ClassesPage> {
    let reach = service::editor(user)?;
    let n = Names::new(st, ctx.lang).await?;
    let mut schools: Vec<School> = n.schools.values().filter(|s| reach.allows(s.id)).cloned().collect();
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ClassesPage {
        page: ctx.page("tr.classes"),
        items: store::classes(&st.db, province(st), reach.school()).await?,
        schools,
        errors,
        wards: refdata::refdata().ward_options(province(st), |_| true),
        levels: Level::ALL,
        fundings: Funding::ALL,
        trades: rules::trades(),
        n,
    })
}

async fn classes_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    Ok(render(classes_view(&st, &ctx, &user, vec![]).await?)?.into_response())
}

async fn class_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<ClassInput>,
) -> AppResult<Response> {
    match create_class(&st, &ctx, &user, &input).await? {
        Ok(id) => Ok(Redirect::to(&format!("/training/classes/{id}")).into_response()),
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(classes_view(&st, &ctx, &user, e).await?)?).into_response())
        }
    }
}

// ---------------------------------------------------------------- enrolments

/// What saving an enrolment did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolmentSaved {
    pub id: i64,
    pub person_id: i64,
    /// inserted | updated | unchanged
    pub saved: String,
    /// The registry's qualification was raised by this graduation.
    pub qualification_raised: bool,
}

/// Enrol a learner (found by CCCD, or by name, birth date and commune; added
/// to the registry when missing), in a class or with the trade, level and
/// dates typed.
async fn enrol(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &EnrolmentInput,
) -> AppResult<Result<EnrolmentSaved, Vec<FieldError>>> {
    let reach = service::editor(user)?;
    let province = province(st);
    let today = platform::time::today();
    let class = match input.class_id.trim() {
        "" => None,
        id => {
            let c = match id.parse::<i64>() {
                Ok(id) => store::class(&st.db, province, id).await?,
                Err(_) => None,
            };
            match c {
                Some(c) if reach.allows(c.school_id) => Some(c),
                Some(_) => return Err(AppError::Forbidden),
                None => return Ok(Err(vec![FieldError::new("class_id", "err.not_found")])),
            }
        }
    };
    let school = match &class {
        Some(c) => store::school(&st.db, province, c.school_id).await?.ok_or(AppError::NotFound)?,
        None => match school_in_reach(st, &input.school_code, &reach).await? {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        },
    };
    let who = registry::api::find_or_prepare(&st.db, province, &crate::import::person_input(input), today).await?;
    let e = rules::validate(input, school.id, class.as_ref(), today);
    let (who, e) = match (who, e) {
        (Ok(w), Ok(e)) => (w, e),
        (w, e) => {
            let mut errors = w.err().unwrap_or_default();
            errors.extend(e.err().unwrap_or_default());
            return Ok(Err(errors));
        }
    };
    let (person_id, added) = registry::api::keep(&st.db, province, &who).await?;
    if added {
        audit::by_request(&st.db, province, ctx, Action::Create, "person", Some(&person_id.to_string()), None).await?;
    }
    let (id, saved) = store::save(&st.db, province, person_id, who.ward(), &e, Some(user.id)).await?;
    let action = if saved == Saved::Inserted { Action::Create } else { Action::Update };
    if saved != Saved::Unchanged {
        audit::by_request(&st.db, province, ctx, action, "enrolment", Some(&id.to_string()), None).await?;
    }
    let raised = e.status == Status::Graduated && service::raise_qualification(&st.db, province, person_id, &e).await?;
    let saved = match saved {
        Saved::Inserted => "inserted",
        Saved::Updated => "updated",
        Saved::Unchanged => "unchanged",
    };
    Ok(Ok(EnrolmentSaved { id, person_id, saved: saved.into(), qualification_raised: raised }))
}

/// Enrol a learner (a school account: in its own school). Saving the same
/// person, school, trade and start date again updates that enrolment.
#[utoipa::path(post, path = "/api/v1/training/enrolments", tag = "training", request_body = EnrolmentInput,
    responses((status = 200, body = EnrolmentSaved), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn enrol_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<EnrolmentInput>,
) -> AppResult<Json<EnrolmentSaved>> {
    Ok(Json(enrol(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?))
}

/// An enrolment the user may read: staff, its school, the learner's commune officer.
async fn readable(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<EnrolmentRecord> {
    user.require(user.may_see_personal_data())?;
    let f = figures_filter(user)?;
    let e = store::enrolment(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    if f.school.is_some_and(|s| s != e.enrolment.school_id) || (!f.wards.is_empty() && !f.wards.contains(&e.ward_code))
    {
        return Err(AppError::NotFound);
    }
    audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "enrolment", Some(&id.to_string()), None)
        .await?;
    Ok(e)
}

/// One enrolment with its outcome and the tracer's answer.
#[utoipa::path(get, path = "/api/v1/training/enrolments/{id}", tag = "training", params(("id" = i64, Path)),
    responses((status = 200, body = EnrolmentRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn enrolment_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<EnrolmentRecord>> {
    Ok(Json(readable(&st, &ctx, &user, id).await?))
}

async fn record_outcome(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    input: &OutcomeInput,
) -> AppResult<Result<EnrolmentRecord, Vec<FieldError>>> {
    let reach = service::editor(user)?;
    let province = province(st);
    let e = store::enrolment(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    if !reach.allows(e.enrolment.school_id) {
        return Err(AppError::NotFound);
    }
    let (next, outcome, employer, when) = match rules::apply_outcome(&e, input, platform::time::today()) {
        Ok(x) => x,
        Err(errors) => return Ok(Err(errors)),
    };
    store::set_outcome(&st.db, province, id, &next, outcome, employer.as_deref(), when).await?;
    audit::by_request(&st.db, province, ctx, Action::Update, "enrolment", Some(&id.to_string()), None).await?;
    if next.status == Status::Graduated {
        service::raise_qualification(&st.db, province, e.person_id, &next).await?;
    }
    Ok(Ok(store::enrolment(&st.db, province, id).await?.ok_or(AppError::NotFound)?))
}

/// Record an outcome: graduated (with the certificate or diploma issued),
/// dropped out, and six months on the tracer's answer (employed, with the
/// employer; self-employed; further study; not employed). Graduating raises
/// the learner's qualification in the registry when higher.
#[utoipa::path(post, path = "/api/v1/training/enrolments/{id}", tag = "training", params(("id" = i64, Path)),
    request_body = OutcomeInput,
    responses((status = 200, body = EnrolmentRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn outcome_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<OutcomeInput>,
) -> AppResult<Json<EnrolmentRecord>> {
    Ok(Json(record_outcome(&st, &ctx, &user, id, &input).await?.map_err(AppError::Invalid)?))
}

#[derive(Template)]
#[template(path = "training/class.html")]
struct ClassPage {
    page: Page,
    c: Class,
    learners: Vec<EnrolmentRecord>,
    errors: Vec<FieldError>,
    input: EnrolmentInput,
    saved: Option<String>,
    wards: Vec<(String, String)>,
    n: Names,
}

impl ClassPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn class_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    errors: Vec<FieldError>,
    input: EnrolmentInput,
    saved: Option<String>,
) -> AppResult<ClassPage> {
    let reach = service::editor(user)?;
    let c = store::class(&st.db, province(st), id)
        .await?
        .filter(|c| reach.allows(c.school_id))
        .ok_or(AppError::NotFound)?;
    let lf = ListFilter { class: Some(id), ..Default::default() };
    let (learners, _) = store::list(&st.db, province(st), &lf, 1).await?;
    audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "training_class", Some(&id.to_string()), None)
        .await?;
    Ok(ClassPage {
        page: ctx.page("tr.class"),
        c,
        learners,
        errors,
        input,
        saved,
        wards: refdata::refdata().ward_options(province(st), |_| true),
        n: Names::new(st, ctx.lang).await?,
    })
}

async fn class_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(render(class_view(&st, &ctx, &user, id, vec![], EnrolmentInput::default(), None).await?)?.into_response())
}

async fn enrol_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(mut input): axum::Form<EnrolmentInput>,
) -> AppResult<Response> {
    input.class_id = id.to_string();
    match enrol(&st, &ctx, &user, &input).await? {
        Ok(s) => {
            let who = registry::store::get(&st.db, province(&st), s.person_id)
                .await?
                .map(|p| p.person.full_name)
                .unwrap_or_default();
            let note = format!("{}: {who}", t(ctx.lang, &format!("tr.saved.{}", s.saved)));
            Ok(render(class_view(&st, &ctx, &user, id, vec![], EnrolmentInput::default(), Some(note)).await?)?
                .into_response())
        }
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(class_view(&st, &ctx, &user, id, e, input, None).await?)?)
                .into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "training/enrolment.html")]
struct EnrolmentPage {
    page: Page,
    e: EnrolmentRecord,
    edits: bool,
    /// May open the learner's registry record.
    registry: bool,
    errors: Vec<FieldError>,
    saved: bool,
    statuses: &'static [Status],
    outcomes: &'static [Outcome],
    n: Names,
}

impl EnrolmentPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn is_status(&self, s: &Status) -> bool {
        self.e.enrolment.status == *s
    }
    fn is_outcome(&self, o: &Outcome) -> bool {
        self.e.outcome == Some(*o)
    }
    fn day(&self, d: &Option<NaiveDate>) -> String {
        d.as_ref().map(|d| self.page.tr.date(d)).unwrap_or_default()
    }
}

async fn enrolment_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    errors: Vec<FieldError>,
    saved: bool,
) -> AppResult<EnrolmentPage> {
    let e = readable(st, ctx, user, id).await?;
    Ok(EnrolmentPage {
        page: ctx.page("tr.enrolment"),
        edits: service::editor(user).is_ok_and(|r| r.allows(e.enrolment.school_id)),
        registry: matches!(user.role, Role::Admin | Role::Staff | Role::CommuneOfficer),
        e,
        errors,
        saved,
        statuses: Status::ALL,
        outcomes: Outcome::ALL,
        n: Names::new(st, ctx.lang).await?,
    })
}

async fn enrolment_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    Ok(render(enrolment_view(&st, &ctx, &user, id, vec![], false).await?)?.into_response())
}

async fn outcome_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<OutcomeInput>,
) -> AppResult<Response> {
    match record_outcome(&st, &ctx, &user, id, &input).await? {
        Ok(_) => Ok(render(enrolment_view(&st, &ctx, &user, id, vec![], true).await?)?.into_response()),
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(enrolment_view(&st, &ctx, &user, id, e, false).await?)?)
                .into_response())
        }
    }
}

/// The learners behind a figure.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    ward: Option<String>,
    school: Option<String>,
    level: Option<String>,
    status: Option<String>,
    funding: Option<String>,
    trade: Option<String>,
    /// `end`: the period counts end dates (outcomes).
    by: Option<String>,
    certified: Option<String>,
    employed: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "training/enrolments.html")]
struct EnrolmentsPage {
    page: Page,
    items: Vec<EnrolmentRecord>,
    total: i64,
    next: Option<String>,
    n: Names,
}

async fn enrolments_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    user.require(user.may_see_personal_data())?;
    let iq = IndicatorQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        ward: q.ward.clone(),
        school: q.school.clone(),
        format: None,
    };
    let filter = iq.filter(&st, &user).await?;
    let coded = |v: &Option<String>| text(v);
    let lf = ListFilter {
        filter,
        class: None,
        by_end: coded(&q.by).as_deref() == Some("end"),
        level: coded(&q.level).and_then(|l| Level::parse(&l)),
        status: coded(&q.status).and_then(|s| Status::parse(&s)),
        certified: coded(&q.certified).is_some(),
        employed_after: coded(&q.employed).is_some(),
        funding: coded(&q.funding).and_then(|f| Funding::parse(&f)),
        trade: coded(&q.trade),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let (items, total) = store::list(&st.db, province(&st), &lf, page_no).await?;
    audit::by_request(&st.db, province(&st), &ctx, Action::ReadPersonal, "enrolment", None, Some("list")).await?;
    let next = (page_no * 100 < total).then(|| {
        let here = ctx.here.clone();
        let base: String =
            here.split('&').filter(|p| !p.starts_with("page=") && !p.contains("?page=")).collect::<Vec<_>>().join("&");
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}page={}", page_no + 1)
    });
    let page =
        EnrolmentsPage { page: ctx.page("tr.learners"), items, total, next, n: Names::new(&st, ctx.lang).await? };
    Ok(render(page)?.into_response())
}

// ---------------------------------------------------------------- demand

/// A trade's demand against what is offered.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TradeGap {
    /// The trade's code ("" for trades people named that are not on the list).
    pub trade: String,
    /// People in the registry who want to learn it.
    pub wanted: i64,
    /// Classes running or to come, their places and learners enrolled.
    pub classes: i64,
    pub places: i64,
    pub enrolled: i64,
    /// Wanted beyond the free places.
    pub gap: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WardDemand {
    pub ward_code: String,
    pub wanted: i64,
    /// The trade most wanted there.
    pub top_trade: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Demand {
    pub by_trade: Vec<TradeGap>,
    pub by_ward: Vec<WardDemand>,
}

async fn demand(st: &AppState, user: &User) -> AppResult<Demand> {
    let f = figures_filter(user)?;
    let province = province(st);
    let wanted = store::training_wanted(&st.db, province, &f.wards).await?;
    let classes = store::classes_open(&st.db, province, platform::time::today()).await?;
    let mut by_trade: BTreeMap<String, TradeGap> = BTreeMap::new();
    let mut by_ward: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let gap = |trade: &str| TradeGap { trade: trade.to_owned(), wanted: 0, classes: 0, places: 0, enrolled: 0, gap: 0 };
    for (ward, typed, n) in wanted {
        let code = rules::trade_typed(&typed).map_or(String::new(), |t| t.code.clone());
        by_trade.entry(code.clone()).or_insert_with(|| gap(&code)).wanted += n;
        *by_ward.entry(ward).or_default().entry(code).or_default() += n;
    }
    for c in classes.iter().filter(|c| f.wards.is_empty() || f.wards.contains(&c.ward_code)) {
        let g = by_trade.entry(c.trade.clone()).or_insert_with(|| gap(&c.trade));
        g.classes += 1;
        g.places += c.capacity;
        g.enrolled += c.enrolled;
    }
    let mut by_trade: Vec<TradeGap> = by_trade
        .into_values()
        .map(|mut g| {
            g.gap = (g.wanted - (g.places - g.enrolled).max(0)).max(0);
            g
        })
        .collect();
    by_trade.sort_by(|a, b| b.gap.cmp(&a.gap).then(b.wanted.cmp(&a.wanted)).then(a.trade.cmp(&b.trade)));
    let mut by_ward: Vec<WardDemand> = by_ward
        .into_iter()
        .map(|(ward_code, trades)| {
            let wanted = trades.values().sum();
            let top_trade = trades
                .iter()
                .filter(|(c, _)| !c.is_empty())
                .max_by_key(|(_, n)| **n)
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            WardDemand { ward_code, wanted, top_trade }
        })
        .collect();
    by_ward.sort_by(|a, b| b.wanted.cmp(&a.wanted).then(a.ward_code.cmp(&b.ward_code)));
    Ok(Demand { by_trade, by_ward })
}

/// Demand for training: people in the registry who want to learn a trade, by
/// trade and commune, against the classes running or to come — the gap
/// that tells where to train what.
#[utoipa::path(get, path = "/api/v1/training/demand", tag = "training",
    responses((status = 200, body = Demand), (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn demand_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<Demand>> {
    Ok(Json(demand(&st, &user).await?))
}

#[derive(Template)]
#[template(path = "training/demand.html")]
struct DemandPage {
    page: Page,
    d: Demand,
    n: Names,
}

async fn demand_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    let d = demand(&st, &user).await?;
    Ok(render(DemandPage { page: ctx.page("tr.demand"), d, n: Names::new(&st, ctx.lang).await? })?.into_response())
}

// ---------------------------------------------------------------- visits

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = TrainingVisitInput)]
#[serde(default)]
pub struct VisitInput {
    /// The visiting school's code (a school account: its own, may be empty).
    pub school_code: String,
    pub visited_on: String,
    /// The lower or upper secondary school visited.
    pub visited_school: String,
    /// lower_secondary | upper_secondary
    pub stage: String,
    pub students: String,
    pub ward_code: String,
}

fn visit_of_input(input: &VisitInput, school_id: i64, today: NaiveDate) -> Result<Visit, Vec<FieldError>> {
    let mut errors = Vec::new();
    let day = registry::rules::parse_date(&input.visited_on);
    match day {
        None => errors.push(FieldError::new("visited_on", "err.date.invalid")),
        Some(d) if d > today => errors.push(FieldError::new("visited_on", "tr.err.visit_future")),
        _ => {}
    }
    let visited_school = rules::free_text("visited_school", &input.visited_school, 200, &mut errors);
    if visited_school.is_none() && !errors.iter().any(|e| e.field == "visited_school") {
        errors.push(FieldError::new("visited_school", "err.required"));
    }
    let stage = input.stage.trim();
    if !["lower_secondary", "upper_secondary"].contains(&stage) {
        errors.push(FieldError::new("stage", "tr.err.stage"));
    }
    let students = input.students.trim().parse::<i64>().ok().filter(|n| (1..=10_000).contains(n));
    if students.is_none() {
        errors.push(FieldError::new("students", "tr.err.students"));
    }
    let ward = input.ward_code.trim();
    if refdata::refdata().ward(ward).is_none() {
        errors.push(FieldError::new("ward_code", "err.ward.unknown"));
    }
    match (errors.is_empty(), day, students, visited_school) {
        (true, Some(visited_on), Some(students), Some(visited_school)) => Ok(Visit {
            id: 0,
            school_id,
            visited_on,
            visited_school,
            stage: stage.to_owned(),
            students,
            ward_code: ward.to_owned(),
        }),
        _ => Err(errors),
    }
}

async fn create_visit(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &VisitInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    let reach = service::editor(user)?;
    let school = match school_in_reach(st, &input.school_code, &reach).await? {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let v = match visit_of_input(input, school.id, platform::time::today()) {
        Ok(v) => v,
        Err(e) => return Ok(Err(e)),
    };
    let id = store::insert_visit(&st.db, province(st), &v, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "training_visit", Some(&id.to_string()), None).await?;
    Ok(Ok(id))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VisitList {
    pub items: Vec<Visit>,
}

/// Outreach visits to lower and upper secondary schools (a school: its own).
#[utoipa::path(get, path = "/api/v1/training/visits", tag = "training",
    responses((status = 200, body = VisitList), (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn visits_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<VisitList>> {
    let f = figures_filter(&user)?;
    Ok(Json(VisitList { items: store::visits(&st.db, province(&st), f.school).await? }))
}

/// Record an outreach visit (career guidance at a lower or upper secondary school).
#[utoipa::path(post, path = "/api/v1/training/visits", tag = "training", request_body = VisitInput,
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_visit_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<VisitInput>,
) -> AppResult<Response> {
    let id = create_visit(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

#[derive(Template)]
#[template(path = "training/visits.html")]
struct VisitsPage {
    page: Page,
    items: Vec<Visit>,
    students: i64,
    edits: bool,
    schools: Vec<School>,
    wards: Vec<(String, String)>,
    errors: Vec<FieldError>,
    n: Names,
}

impl VisitsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn visits_view(st: &AppState, ctx: &Ctx, user: &User, errors: Vec<FieldError>) -> AppResult<VisitsPage> {
    let f = figures_filter(user)?;
    let items = store::visits(&st.db, province(st), f.school).await?;
    let reach = service::editor(user).ok();
    let n = Names::new(st, ctx.lang).await?;
    let mut schools: Vec<School> =
        n.schools.values().filter(|s| reach.as_ref().is_some_and(|r| r.allows(s.id))).cloned().collect();
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(VisitsPage {
        page: ctx.page("tr.visits"),
        students: items.iter().map(|v| v.students).sum(),
        items,
        edits: reach.is_some(),
        schools,
        wards: refdata::refdata().ward_options(province(st), |_| true),
        errors,
        n,
    })
}

async fn visits_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    Ok(render(visits_view(&st, &ctx, &user, vec![]).await?)?.into_response())
}

async fn visit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<VisitInput>,
) -> AppResult<Response> {
    match create_visit(&st, &ctx, &user, &input).await? {
        Ok(_) => Ok(Redirect::to("/training/visits").into_response()),
        Err(e) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(visits_view(&st, &ctx, &user, e).await?)?).into_response())
        }
    }
}

// ---------------------------------------------------------------- import

fn import_page_of(ctx: &Ctx) -> ImportPage {
    ImportPage::new(
        ctx,
        "tr.import",
        "tr.import_hint",
        "/training/import",
        "/training/template.xlsx",
        ("/training", "nav.training"),
    )
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    service::editor(&user)?;
    Ok(render(import_page_of(&ctx))?.into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    service::editor(&user)?;
    Ok(list::xlsx("mau-danh-sach-hoc-vien.xlsx", crate::import::template()?))
}

async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    let reach = service::editor(user)?;
    let by = list::Importer::user(user, ctx);
    let province = province(st);
    let today = platform::time::today();
    let reach = &reach;
    list::receive_and_run(st, ctx.lang, mp, MAX_UPLOAD, |path| async move {
        crate::import::run(&st.db, province, &path, ctx.lang, today, reach, &by).await
    })
    .await
}

async fn upload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let outcome = import_file(&st, &ctx, &user, mp).await?;
    import_page_of(&ctx).answer(outcome)
}

/// Import enrolments from a spreadsheet (staff; a school account for its own
/// school; multipart field `file`: XLSX or CSV with the template's columns or
/// the keys `cccd, full_name, birth_date, sex, ward_code, school_code, trade,
/// level, start_date, end_date, status, certificate, funding`). Idempotent by
/// person, school, trade and start date; a learner not in the registry is
/// added from the row; the whole file is checked before anything is written.
#[utoipa::path(post, path = "/api/v1/training/imports", tag = "training",
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
