//! Livelihood programmes (chương trình hỗ trợ sinh kế): who is eligible (the
//! classes and communes of a year's review), the stock of items received,
//! support delivered to households in kind or in cash, follow-up visits and
//! graduation after the monitoring period; and the report: support by
//! commune, and the supported households that left poverty.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Json;
use chrono::{Months, NaiveDate, Utc};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::Lang;
use platform::web::{render, Ctx, JsonBody, Page};
use platform::{with_db, AppState, Db};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::Class;
use crate::store::wards_sql;

// ---------- model ----------

/// Chương trình hỗ trợ sinh kế.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    /// Eligible classes, comma-separated (poor,near_poor).
    pub classes: String,
    /// Eligible communes, comma-separated ('' = every commune).
    pub wards: String,
    /// The review year whose classes decide eligibility.
    pub year: i32,
    pub start_date: NaiveDate,
    pub monitoring_months: i32,
}

impl Programme {
    fn class_list(&self) -> Vec<&str> {
        self.classes.split(',').filter(|c| !c.is_empty()).collect()
    }
    fn ward_list(&self) -> Vec<String> {
        self.wards.split(',').filter(|w| !w.is_empty()).map(str::to_owned).collect()
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProgrammeInput {
    pub name: String,
    pub description: Option<String>,
    /// poor | near_poor | middle (at least one).
    pub classes: Vec<String>,
    /// 2025 commune codes; none = every commune.
    pub wards: Vec<String>,
    pub year: Option<i32>,
    /// YYYY-MM-DD or dd/mm/yyyy.
    pub start_date: String,
    pub monitoring_months: Option<i32>,
}

/// Items received, or delivered to a household.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SupportInput {
    /// The household (delivery only), by its code.
    pub household_code: Option<String>,
    /// "Cây giống bưởi da xanh", "Gà giống", "Phân bón", "Tiền mặt".
    pub item: String,
    /// cây, con, bao, kg, đồng…
    pub unit: String,
    #[schema(value_type = f64)]
    pub quantity: Option<f64>,
    /// Value in VND.
    pub value: Option<i64>,
    pub date: String,
    /// Who delivered it (delivery only).
    pub delivered_by: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = PovertyVisitInput)]
#[serde(default)]
pub struct VisitInput {
    pub household_code: String,
    pub date: String,
    /// good | fair | poor: how the support is used.
    pub outcome: String,
    pub note: Option<String>,
    /// Ends the monitoring (allowed once the monitoring period has passed).
    pub graduated: bool,
}

pub const OUTCOMES: [&str; 3] = ["good", "fair", "poor"];

/// A programme's figures.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ProgrammeReport {
    pub eligible: i64,
    pub supported: i64,
    pub value: i64,
    pub graduated: i64,
    /// Stock: (item, unit, received, delivered).
    pub stock: Vec<StockLine>,
    pub by_ward: Vec<WardSupport>,
    /// Supported households poor in the programme's year and not poor in a later yearly review.
    pub left_poverty: i64,
    /// Of them, the support each had: (household code, items as "150 cây Cây giống…").
    pub left_with: Vec<LeftWith>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StockLine {
    pub item: String,
    pub unit: String,
    pub received: f64,
    pub delivered: f64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WardSupport {
    pub ward_code: String,
    pub households: i64,
    pub value: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeftWith {
    pub household_code: String,
    pub support: String,
}

// ---------- rules ----------

/// A programme as typed, checked.
pub fn validate(p: &ProgrammeInput, province: &str) -> Result<(NaiveDate, i32, i32), Vec<FieldError>> {
    let mut errors = Vec::new();
    if p.name.trim().is_empty() {
        errors.push(FieldError::new("name", "err.required"));
    }
    if p.classes.is_empty() || p.classes.iter().any(|c| !matches!(c.as_str(), "poor" | "near_poor" | "middle")) {
        errors.push(FieldError::new("class", "pov.err.class"));
    }
    let d = refdata::refdata();
    if p.wards.iter().any(|w| d.ward(w).is_none_or(|w| w.province_code != province)) {
        errors.push(FieldError::new("wards", "err.ward.unknown"));
    }
    let start = platform::i18n::parse_date(&p.start_date);
    if start.is_none() {
        errors.push(FieldError::new("start_date", "err.date.invalid"));
    }
    let year = p.year.filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.push(FieldError::new("year", "pov.err.year"));
    }
    let months = p.monitoring_months.unwrap_or(12);
    if !(0..=120).contains(&months) {
        errors.push(FieldError::new("monitoring_months", "err.number.invalid"));
    }
    match (start, year, errors.is_empty()) {
        (Some(s), Some(y), true) => Ok((s, y, months)),
        _ => Err(errors),
    }
}

/// Whether a household of `ward`, classed `class` in the programme's year, may be supported.
pub fn eligible(p: &Programme, ward: &str, class: Option<Class>) -> bool {
    let wards = p.ward_list();
    class.is_some_and(|c| p.class_list().contains(&c.code())) && (wards.is_empty() || wards.iter().any(|w| w == ward))
}

/// The day a household supported from `first` may graduate.
pub fn graduation_day(p: &Programme, first: NaiveDate) -> NaiveDate {
    first.checked_add_months(Months::new(p.monitoring_months.max(0) as u32)).unwrap_or(first)
}

/// A delivery within what the stock holds (items never received are not tracked: cash, say).
pub fn within_stock(received: Option<f64>, delivered: f64, quantity: f64) -> bool {
    received.is_none_or(|r| delivered + quantity <= r + 1e-9)
}

// ---------- store ----------

const PROGRAMME: &str = "id, name, description, classes, wards, year, start_date, monitoring_months";

pub async fn create(
    db: &Db,
    province: &str,
    p: &ProgrammeInput,
    start: NaiveDate,
    year: i32,
    months: i32,
    by: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, pool => sqlx::query_as(
        "INSERT INTO livelihood_programmes (province_code, name, description, classes, wards, year, start_date,
            monitoring_months, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
        .bind(province).bind(p.name.trim()).bind(p.description.as_deref().map(str::trim).filter(|d| !d.is_empty()))
        .bind(p.classes.join(",")).bind(p.wards.join(",")).bind(year).bind(start).bind(months).bind(by).bind(Utc::now())
        .fetch_one(pool).await?);
    Ok(id)
}

pub async fn list(db: &Db, province: &str) -> anyhow::Result<Vec<Programme>> {
    let sql = format!(
        "SELECT {PROGRAMME} FROM livelihood_programmes WHERE province_code = $1 ORDER BY start_date DESC, id DESC"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?))
}

pub async fn by_id(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Programme>> {
    let sql = format!("SELECT {PROGRAMME} FROM livelihood_programmes WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

/// Eligible households within `scope` (commune codes; empty = all): how
/// many, and the first 100 (id, code, head, commune, class).
pub async fn eligible_households(
    db: &Db,
    province: &str,
    p: &Programme,
    scope: &[String],
) -> anyhow::Result<(i64, Vec<(i64, String, String, String, String)>)> {
    let classes: Vec<String> = p.class_list().iter().map(|c| format!("'{c}'")).collect();
    let filter = format!(
        "FROM households h JOIN poverty_reviews r ON r.province_code = h.province_code AND r.household_id = h.id
            AND r.year = $2 AND r.kind = 'yearly'
         WHERE h.province_code = $1 AND r.class IN ({}){}{}",
        classes.join(", "),
        wards_sql("h.ward_code", &p.ward_list()),
        wards_sql("h.ward_code", scope)
    );
    with_db!(db, pool => {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) {filter}")).bind(province).bind(p.year).fetch_one(pool).await?;
        let rows = sqlx::query_as(&format!("SELECT h.id, h.code, h.head_name, h.ward_code, r.class {filter} ORDER BY h.ward_code, h.code LIMIT 100"))
            .bind(province).bind(p.year).fetch_all(pool).await?;
        Ok((n, rows))
    })
}

pub async fn add_stock(
    db: &Db,
    province: &str,
    programme: i64,
    s: &SupportInput,
    q: f64,
    on: NaiveDate,
    by: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO livelihood_stock (province_code, programme_id, item, unit, quantity, value, received_on, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(province).bind(programme).bind(s.item.trim()).bind(s.unit.trim()).bind(q).bind(s.value.unwrap_or(0))
        .bind(on).bind(by).bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

/// Received and delivered of an item (None received: never stocked).
pub async fn stock_of(db: &Db, province: &str, programme: i64, item: &str) -> anyhow::Result<(Option<f64>, f64)> {
    with_db!(db, p => {
        let (r,): (Option<f64>,) = sqlx::query_as("SELECT SUM(quantity) FROM livelihood_stock WHERE province_code = $1 AND programme_id = $2 AND item = $3")
            .bind(province).bind(programme).bind(item).fetch_one(p).await?;
        let (d,): (Option<f64>,) = sqlx::query_as("SELECT SUM(quantity) FROM livelihood_support WHERE province_code = $1 AND programme_id = $2 AND item = $3")
            .bind(province).bind(programme).bind(item).fetch_one(p).await?;
        Ok((r, d.unwrap_or(0.0)))
    })
}

#[allow(clippy::too_many_arguments)]
pub async fn deliver(
    db: &Db,
    province: &str,
    programme: i64,
    household: i64,
    ward: &str,
    s: &SupportInput,
    q: f64,
    on: NaiveDate,
    by: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO livelihood_support (province_code, programme_id, household_id, ward_code, item, unit, quantity, value,
            delivered_on, delivered_by, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(province).bind(programme).bind(household).bind(ward).bind(s.item.trim()).bind(s.unit.trim()).bind(q)
        .bind(s.value.unwrap_or(0)).bind(on).bind(s.delivered_by.as_deref().unwrap_or("").trim()).bind(by).bind(Utc::now())
        .fetch_one(p).await?);
    Ok(id)
}

/// The first delivery to a household in a programme.
pub async fn first_support(
    db: &Db,
    province: &str,
    programme: i64,
    household: i64,
) -> anyhow::Result<Option<NaiveDate>> {
    let (d,): (Option<NaiveDate>,) = with_db!(db, p => sqlx::query_as(
        "SELECT MIN(delivered_on) FROM livelihood_support WHERE province_code = $1 AND programme_id = $2 AND household_id = $3")
        .bind(province).bind(programme).bind(household).fetch_one(p).await?);
    Ok(d)
}

pub async fn visit(
    db: &Db,
    province: &str,
    programme: i64,
    household: i64,
    v: &VisitInput,
    on: NaiveDate,
    by: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO livelihood_visits (province_code, programme_id, household_id, visited_on, outcome, note, graduated, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(province).bind(programme).bind(household).bind(on).bind(&v.outcome)
        .bind(v.note.as_deref().map(str::trim).filter(|n| !n.is_empty())).bind(v.graduated).bind(by).bind(Utc::now())
        .fetch_one(p).await?);
    Ok(id)
}

/// The programme's figures within `scope` (commune codes; empty = all).
pub async fn report(db: &Db, province: &str, p: &Programme, scope: &[String]) -> anyhow::Result<ProgrammeReport> {
    Ok(report_and_eligible(db, province, p, scope).await?.0)
}

/// The figures and the first eligible households, from one eligibility query.
pub async fn report_and_eligible(
    db: &Db,
    province: &str,
    p: &Programme,
    scope: &[String],
) -> anyhow::Result<(ProgrammeReport, Vec<(i64, String, String, String, String)>)> {
    let (eligible, list) = eligible_households(db, province, p, scope).await?;
    let s = wards_sql("ward_code", scope);
    let by_ward: Vec<(String, i64, i64)> = with_db!(db, pool => sqlx::query_as(&format!(
        "SELECT ward_code, COUNT(DISTINCT household_id), CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM livelihood_support
         WHERE province_code = $1 AND programme_id = $2{s} GROUP BY ward_code ORDER BY ward_code"))
        .bind(province).bind(p.id).fetch_all(pool).await?);
    let stock: Vec<(String, String, f64, f64)> = with_db!(db, pool => sqlx::query_as(
        "SELECT item, unit, SUM(received), SUM(delivered) FROM (
            SELECT item, unit, quantity AS received, CAST(0 AS DOUBLE PRECISION) AS delivered FROM livelihood_stock WHERE province_code = $1 AND programme_id = $2
            UNION ALL
            SELECT item, unit, CAST(0 AS DOUBLE PRECISION), quantity FROM livelihood_support WHERE province_code = $1 AND programme_id = $2) AS moves
         GROUP BY item, unit ORDER BY item")
        .bind(province).bind(p.id).fetch_all(pool).await?);
    let (graduated,): (i64,) = with_db!(db, pool => sqlx::query_as(&format!(
        "SELECT COUNT(DISTINCT v.household_id) FROM livelihood_visits v JOIN households h ON h.province_code = v.province_code
            AND h.id = v.household_id WHERE v.province_code = $1 AND v.programme_id = $2 AND v.graduated{}", wards_sql("h.ward_code", scope)))
        .bind(province).bind(p.id).fetch_one(pool).await?);
    // Supported households poor in the programme's year, not poor in their latest later yearly review.
    let left: Vec<(String, String, String, f64)> = with_db!(db, pool => sqlx::query_as(&format!(
        "SELECT h.code, s.item, s.unit, SUM(s.quantity) FROM livelihood_support s
         JOIN households h ON h.province_code = s.province_code AND h.id = s.household_id
         JOIN poverty_reviews a ON a.province_code = s.province_code AND a.household_id = s.household_id AND a.year = $3
            AND a.kind = 'yearly' AND a.class = 'poor'
         JOIN poverty_reviews b ON b.province_code = s.province_code AND b.household_id = s.household_id AND b.kind = 'yearly'
            AND b.year = (SELECT MAX(year) FROM poverty_reviews c WHERE c.province_code = s.province_code
                AND c.household_id = s.household_id AND c.kind = 'yearly' AND c.year > $3)
            AND b.class <> 'poor'
         WHERE s.province_code = $1 AND s.programme_id = $2{} GROUP BY h.code, s.item, s.unit ORDER BY h.code, s.item", wards_sql("s.ward_code", scope)))
        .bind(province).bind(p.id).bind(p.year).fetch_all(pool).await?);
    let mut with: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (code, item, unit, q) in left {
        with.entry(code).or_default().push(format!("{} {unit} {item}", trim_number(q)));
    }
    let report = ProgrammeReport {
        eligible,
        supported: by_ward.iter().map(|w| w.1).sum(),
        value: by_ward.iter().map(|w| w.2).sum(),
        graduated,
        stock: stock
            .into_iter()
            .map(|(item, unit, received, delivered)| StockLine { item, unit, received, delivered })
            .collect(),
        by_ward: by_ward
            .into_iter()
            .map(|(ward_code, households, value)| WardSupport { ward_code, households, value })
            .collect(),
        left_poverty: with.len() as i64,
        left_with: with
            .into_iter()
            .map(|(household_code, items)| LeftWith { household_code, support: items.join(", ") })
            .collect(),
    };
    Ok((report, list))
}

fn trim_number(q: f64) -> String {
    if q.fract() == 0.0 {
        format!("{}", q as i64)
    } else {
        format!("{q}")
    }
}

// ---------- routes ----------

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/poverty/programmes", axum::routing::get(list_page).post(create_form))
        .route("/poverty/programmes/{id}", axum::routing::get(programme_page))
        .route("/poverty/programmes/{id}/report.xlsx", axum::routing::get(report_xlsx))
        .route("/poverty/programmes/{id}/stock", post(stock_form))
        .route("/poverty/programmes/{id}/support", post(support_form))
        .route("/poverty/programmes/{id}/visits", post(visit_form))
        .routes(routes!(create_api, list_api))
        .routes(routes!(report_api))
        .routes(routes!(support_api))
}

fn manages(user: &User) -> AppResult<()> {
    match user.role {
        Role::Admin | Role::Staff => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

fn scope_of(user: &User) -> AppResult<Vec<String>> {
    crate::service::wards_of(&registry::access::people(user)?)
}

async fn programme_of(st: &AppState, id: i64) -> AppResult<Programme> {
    by_id(&st.db, &st.settings.province_code, id).await?.ok_or(AppError::NotFound)
}

async fn create_programme(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &ProgrammeInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    manages(user)?;
    let province = &st.settings.province_code;
    Ok(match validate(input, province) {
        Ok((start, year, months)) => {
            let id = create(&st.db, province, input, start, year, months, user.id).await?;
            audit::by_request(
                &st.db,
                province,
                ctx,
                Action::Create,
                "livelihood_programme",
                Some(&id.to_string()),
                None,
            )
            .await?;
            Ok(id)
        }
        Err(e) => Err(e),
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = PovertyCreated)]
pub struct Created {
    pub id: i64,
}

/// Create a livelihood programme (staff): who is eligible (classes of a review year, communes), its start and monitoring period.
#[utoipa::path(post, path = "/api/v1/poverty/programmes", tag = "poverty", request_body = ProgrammeInput,
    responses((status = 201, body = Created), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<ProgrammeInput>,
) -> AppResult<Response> {
    let id = create_programme(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(Created { id })).into_response())
}

/// The livelihood programmes (staff; commune officers).
#[utoipa::path(get, path = "/api/v1/poverty/programmes", tag = "poverty",
    responses((status = 200, body = Vec<Programme>), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn list_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<Vec<Programme>>> {
    scope_of(&user)?;
    Ok(Json(list(&st.db, &st.settings.province_code).await?))
}

/// A programme's figures: eligible, supported, value, stock, by commune, graduated, and the supported households that left poverty with their support.
#[utoipa::path(get, path = "/api/v1/poverty/programmes/{id}", tag = "poverty",
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 200, body = ProgrammeReport), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn report_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<ProgrammeReport>> {
    let scope = scope_of(&user)?;
    let p = programme_of(&st, id).await?;
    Ok(Json(report(&st.db, &st.settings.province_code, &p, &scope).await?))
}

/// Deliver support to an eligible household (by its code), in kind or in
/// cash, within the items' stock (staff; commune officers in their communes).
async fn deliver_support(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    s: &SupportInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    let scope = registry::access::people(user)?;
    let p = programme_of(st, id).await?;
    let province = &st.settings.province_code;
    let mut errors = Vec::new();
    let code = s.household_code.as_deref().unwrap_or("").trim();
    let h = crate::store::household_by_code(&st.db, province, code).await?.filter(|h| scope.allows(&h.ward_code));
    if h.is_none() {
        errors.push(FieldError::new("household_code", "err.not_found"));
    }
    if s.item.trim().is_empty() {
        errors.push(FieldError::new("item", "err.required"));
    }
    if s.unit.trim().is_empty() {
        errors.push(FieldError::new("unit", "err.required"));
    }
    let q = s.quantity.filter(|q| q.is_finite() && *q > 0.0);
    if q.is_none() {
        errors.push(FieldError::new("quantity", "err.number.invalid"));
    }
    if s.value.is_some_and(|v| v < 0) {
        errors.push(FieldError::new("value", "err.number.invalid"));
    }
    let on = platform::i18n::parse_date(&s.date);
    if on.is_none() {
        errors.push(FieldError::new("date", "err.date.invalid"));
    }
    let (Some(h), Some(q), Some(on)) = (h, q, on) else { return Ok(Err(errors)) };
    let class = crate::store::reviews_of(&st.db, province, h.id)
        .await?
        .into_iter()
        .find(|r| r.year == p.year && r.kind == "yearly")
        .map(|r| r.class);
    if !eligible(&p, &h.ward_code, class) {
        errors.push(FieldError::new("household_code", "pov.err.not_eligible"));
    }
    let (received, delivered) = stock_of(&st.db, province, id, s.item.trim()).await?;
    if !within_stock(received, delivered, q) {
        errors.push(FieldError::new("quantity", "pov.err.stock"));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let sid = deliver(&st.db, province, id, h.id, &h.ward_code, s, q, on, user.id).await?;
    audit::by_request(&st.db, province, ctx, Action::Create, "livelihood_support", Some(&sid.to_string()), None)
        .await?;
    Ok(Ok(sid))
}

/// Deliver support to an eligible household of the programme, by its code.
#[utoipa::path(post, path = "/api/v1/poverty/programmes/{id}/support", tag = "poverty", request_body = SupportInput,
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 201, body = Created), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn support_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(s): JsonBody<SupportInput>,
) -> AppResult<Response> {
    let sid = deliver_support(&st, &ctx, &user, id, &s).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(Created { id: sid })).into_response())
}

#[derive(Template)]
#[template(path = "poverty/programmes.html")]
struct ListPage {
    page: Page,
    items: Vec<Programme>,
    manages: bool,
    errors: Vec<FieldError>,
    wards: Vec<(String, String)>,
    year: i32,
}

impl ListPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn list_view(st: &AppState, ctx: &Ctx, user: &User, errors: Vec<FieldError>) -> AppResult<ListPage> {
    scope_of(user)?;
    let province = &st.settings.province_code;
    Ok(ListPage {
        page: ctx.page("pov.programmes"),
        items: list(&st.db, province).await?,
        manages: manages(user).is_ok(),
        errors,
        wards: refdata::refdata().ward_options(province, |_| true),
        year: crate::service::current_year(platform::time::today()) - 1,
    })
}

async fn list_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    Ok(render(list_view(&st, &ctx, &user, vec![]).await?)?.into_response())
}

/// The form's pairs: checkboxes and multi-selects repeat their names.
fn programme_input(pairs: &[(String, String)]) -> ProgrammeInput {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let all = |k: &str| {
        pairs.iter().filter(|(n, v)| n == k && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    };
    ProgrammeInput {
        name: get("name"),
        description: Some(get("description")),
        classes: all("classes"),
        wards: all("wards"),
        year: get("year").parse().ok(),
        start_date: get("start_date"),
        monitoring_months: get("monitoring_months").parse().ok(),
    }
}

async fn create_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    match create_programme(&st, &ctx, &user, &programme_input(&pairs)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/poverty/programmes/{id}")).into_response()),
        Err(errors) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(list_view(&st, &ctx, &user, errors).await?)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "poverty/programme.html")]
struct ProgrammePage {
    page: Page,
    p: Programme,
    r: ProgrammeReport,
    eligible: Vec<(i64, String, String, String, String)>,
    manages: bool,
    errors: Vec<FieldError>,
    saved: bool,
    outcomes: [&'static str; 3],
    lang: Lang,
}

impl ProgrammePage {
    fn ward(&self, code: &str) -> String {
        refdata::refdata().ward_name(code)
    }
    fn classes(&self) -> String {
        self.p
            .class_list()
            .iter()
            .map(|c| platform::i18n::t(self.lang, &format!("pov.class.{c}")).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn wards(&self) -> String {
        let w = self.p.ward_list();
        if w.is_empty() {
            platform::i18n::t(self.lang, "pl.all").to_owned()
        } else {
            w.iter().map(|c| refdata::refdata().ward_name(c)).collect::<Vec<_>>().join(", ")
        }
    }
    fn class_name(&self, c: &str) -> String {
        platform::i18n::t(self.lang, &format!("pov.class.{c}")).to_owned()
    }
    fn outcome(&self, o: &str) -> String {
        platform::i18n::t(self.lang, &format!("pov.outcome.{o}")).to_owned()
    }
    fn qty(&self, q: impl std::borrow::Borrow<f64>) -> String {
        let q = *q.borrow();
        self.page.tr.decimal(q, if q.fract() == 0.0 { 0 } else { 1 })
    }
    fn money(&self, v: impl platform::i18n::Count) -> String {
        self.page.tr.money(v.count())
    }
}

async fn programme_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    errors: Vec<FieldError>,
    saved: bool,
) -> AppResult<ProgrammePage> {
    let scope = scope_of(user)?;
    let p = programme_of(st, id).await?;
    let province = &st.settings.province_code;
    let (r, eligible) = report_and_eligible(&st.db, province, &p, &scope).await?;
    audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "livelihood_programme", Some(&id.to_string()), None)
        .await?;
    Ok(ProgrammePage {
        page: ctx.page("pov.programme"),
        p,
        r,
        eligible,
        manages: manages(user).is_ok(),
        errors,
        saved,
        outcomes: OUTCOMES,
        lang: ctx.lang,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SavedQuery {
    saved: Option<String>,
}

async fn programme_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> AppResult<Response> {
    Ok(render(programme_view(&st, &ctx, &user, id, vec![], q.saved.is_some()).await?)?.into_response())
}

/// The programme's report as a workbook: figures, stock, by commune, and the
/// households that left poverty with their support.
async fn report_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    use rust_xlsxwriter::{Format, Workbook};
    let scope = scope_of(&user)?;
    let p = programme_of(&st, id).await?;
    let r = report(&st.db, &st.settings.province_code, &p, &scope).await?;
    let l = |k: &str| platform::i18n::t(ctx.lang, k).to_owned();
    let text = |s: &str| platform::table::inert(s).into_owned();
    let book = || -> anyhow::Result<Vec<u8>> {
        let mut wb = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = wb.add_worksheet();
        sheet.set_name(l("pov.sheet.summary").chars().take(31).collect::<String>())?;
        sheet.write_string_with_format(0, 0, text(&p.name), &bold)?;
        let lines = [
            (l("pov.eligible"), r.eligible as f64),
            (l("pov.supported"), r.supported as f64),
            (l("pov.support_value"), r.value as f64),
            (l("pov.graduated"), r.graduated as f64),
            (l("pov.left_poverty"), r.left_poverty as f64),
        ];
        for (i, (label, n)) in lines.iter().enumerate() {
            sheet.write_string(i as u32 + 2, 0, text(label))?;
            sheet.write_number(i as u32 + 2, 1, *n)?;
        }
        let stock = wb.add_worksheet();
        stock.set_name(l("pov.stock").chars().take(31).collect::<String>())?;
        for (c, h) in ["field.item", "field.unit", "pov.received", "pov.delivered"].iter().enumerate() {
            stock.write_string_with_format(0, c as u16, text(&l(h)), &bold)?;
        }
        for (i, s) in r.stock.iter().enumerate() {
            let row = i as u32 + 1;
            stock.write_string(row, 0, text(&s.item))?;
            stock.write_string(row, 1, text(&s.unit))?;
            stock.write_number(row, 2, s.received)?;
            stock.write_number(row, 3, s.delivered)?;
        }
        let wards = wb.add_worksheet();
        wards.set_name(l("pov.sheet.communes").chars().take(31).collect::<String>())?;
        for (c, h) in ["pov.commune", "pov.supported", "pov.support_value"].iter().enumerate() {
            wards.write_string_with_format(0, c as u16, text(&l(h)), &bold)?;
        }
        for (i, w) in r.by_ward.iter().enumerate() {
            let row = i as u32 + 1;
            wards.write_string(row, 0, text(&refdata::refdata().ward_name(&w.ward_code)))?;
            wards.write_number(row, 1, w.households as f64)?;
            wards.write_number(row, 2, w.value as f64)?;
        }
        let left = wb.add_worksheet();
        left.set_name(l("pov.left_poverty").chars().take(31).collect::<String>())?;
        left.write_string_with_format(0, 0, text(&l("field.household_code")), &bold)?;
        left.write_string_with_format(0, 1, text(&l("pov.left_with")), &bold)?;
        for (i, h) in r.left_with.iter().enumerate() {
            left.write_string(i as u32 + 1, 0, text(&h.household_code))?;
            left.write_string(i as u32 + 1, 1, text(&h.support))?;
        }
        Ok(wb.save_to_buffer()?)
    };
    let bytes = book().map_err(AppError::Internal)?;
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::ReadPersonal,
        "livelihood_programme",
        Some(&id.to_string()),
        Some("xlsx"),
    )
    .await?;
    Ok(platform::sheet::list::xlsx(&format!("ho-tro-sinh-ke-{id}.xlsx"), bytes))
}

fn number(s: &str) -> Option<f64> {
    let t = s.trim().replace(' ', "");
    if t.is_empty() {
        return None;
    }
    // "1,5" as Vietnamese write a decimal; "150" whole.
    t.replace('.', "").replace(',', ".").parse().ok().or_else(|| t.parse().ok())
}

fn support_input(pairs: &[(String, String)]) -> SupportInput {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    SupportInput {
        household_code: Some(get("household_code")),
        item: get("item"),
        unit: get("unit"),
        quantity: number(&get("quantity")),
        value: crate::import::number(&get("value")),
        date: get("date"),
        delivered_by: Some(get("delivered_by")),
    }
}

async fn answer(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    outcome: Result<(), Vec<FieldError>>,
) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/poverty/programmes/{id}?saved=1")).into_response()),
        Err(errors) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(programme_view(st, ctx, user, id, errors, false).await?)?)
                .into_response())
        }
    }
}

async fn stock_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    manages(&user)?;
    programme_of(&st, id).await?;
    let s = support_input(&pairs);
    let mut errors = Vec::new();
    if s.item.trim().is_empty() {
        errors.push(FieldError::new("item", "err.required"));
    }
    if s.unit.trim().is_empty() {
        errors.push(FieldError::new("unit", "err.required"));
    }
    let q = s.quantity.filter(|q| q.is_finite() && *q > 0.0);
    if q.is_none() {
        errors.push(FieldError::new("quantity", "err.number.invalid"));
    }
    let on = platform::i18n::parse_date(&s.date).or(Some(platform::time::today()).filter(|_| s.date.is_empty()));
    if on.is_none() {
        errors.push(FieldError::new("date", "err.date.invalid"));
    }
    let outcome = match (q, on, errors.is_empty()) {
        (Some(q), Some(on), true) => {
            let province = &st.settings.province_code;
            let sid = add_stock(&st.db, province, id, &s, q, on, user.id).await?;
            audit::by_request(&st.db, province, &ctx, Action::Create, "livelihood_stock", Some(&sid.to_string()), None)
                .await?;
            Ok(())
        }
        _ => Err(errors),
    };
    answer(&st, &ctx, &user, id, outcome).await
}

async fn support_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let outcome = deliver_support(&st, &ctx, &user, id, &support_input(&pairs)).await?.map(|_| ());
    answer(&st, &ctx, &user, id, outcome).await
}

async fn visit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let scope = registry::access::people(&user)?;
    let p = programme_of(&st, id).await?;
    let province = &st.settings.province_code;
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let v = VisitInput {
        household_code: get("household_code"),
        date: get("date"),
        outcome: get("outcome"),
        note: Some(get("note")),
        graduated: !get("graduated").is_empty(),
    };
    let mut errors = Vec::new();
    let h = crate::store::household_by_code(&st.db, province, &v.household_code)
        .await?
        .filter(|h| scope.allows(&h.ward_code));
    let on = platform::i18n::parse_date(&v.date);
    if on.is_none() {
        errors.push(FieldError::new("date", "err.date.invalid"));
    }
    if !OUTCOMES.contains(&v.outcome.as_str()) {
        errors.push(FieldError::new("outcome", "err.code.unknown"));
    }
    let first = match &h {
        Some(h) => first_support(&st.db, province, id, h.id).await?,
        None => None,
    };
    if first.is_none() {
        errors.push(FieldError::new("household_code", "pov.err.not_supported"));
    }
    if let (true, Some(first), Some(on)) = (v.graduated, first, on) {
        if on < graduation_day(&p, first) {
            errors.push(FieldError::new("graduated", "pov.err.too_early"));
        }
    }
    let outcome = match (h, on, errors.is_empty()) {
        (Some(h), Some(on), true) => {
            let vid = visit(&st.db, province, id, h.id, &v, on, user.id).await?;
            audit::by_request(&st.db, province, &ctx, Action::Create, "livelihood_visit", Some(&vid.to_string()), None)
                .await?;
            Ok(())
        }
        _ => Err(errors),
    };
    answer(&st, &ctx, &user, id, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn programme() -> Programme {
        Programme {
            id: 1,
            name: "Bưởi da xanh".into(),
            description: None,
            classes: "poor,near_poor".into(),
            wards: "22624".into(),
            year: 2022,
            start_date: NaiveDate::from_ymd_opt(2023, 3, 1).unwrap(),
            monitoring_months: 24,
        }
    }

    #[test]
    fn eligibility_graduation_and_stock() {
        let p = programme();
        assert!(eligible(&p, "22624", Some(Class::Poor)));
        assert!(eligible(&p, "22624", Some(Class::NearPoor)));
        assert!(!eligible(&p, "22624", Some(Class::Middle)), "not the programme's classes");
        assert!(!eligible(&p, "22504", Some(Class::Poor)), "another commune");
        assert!(!eligible(&p, "22624", None), "not reviewed that year");
        let all = Programme { wards: String::new(), ..programme() };
        assert!(eligible(&all, "22504", Some(Class::Poor)), "no commune named: every commune");
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(graduation_day(&p, d(2023, 3, 15)), d(2025, 3, 15));
        assert!(within_stock(Some(500.0), 350.0, 150.0));
        assert!(!within_stock(Some(500.0), 400.0, 150.0));
        assert!(within_stock(None, 1e9, 1.0), "cash is not stocked");
        let bad = ProgrammeInput {
            name: " ".into(),
            classes: vec!["rich".into()],
            wards: vec!["99999".into()],
            year: Some(1900),
            start_date: "31/02/2023".into(),
            ..Default::default()
        };
        let fields: Vec<String> = validate(&bad, "56").unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "class", "wards", "start_date", "year"]);
        assert_eq!(number("1,5"), Some(1.5));
        assert_eq!(number("150"), Some(150.0));
        assert_eq!(number("1.500"), Some(1500.0));
    }
}
