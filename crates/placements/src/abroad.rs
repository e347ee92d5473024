//! Work abroad under contract (đi làm việc ở nước ngoài theo hợp đồng): a
//! worker's contract from registration to return, its stage, and the counts
//! per stage, country and programme. A departure is a job created abroad.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::web::{render, Ctx, JsonBody, Page};
use platform::{with_db, AppState, Db};
use serde::{Deserialize, Serialize};

use crate::model::PlacementInput;
use crate::service;
use crate::store::Origin;

/// Chương trình: EPS to Korea, Japan's technical intern training and
/// specified skilled worker, or another.
pub const PROGRAMMES: [&str; 4] = ["eps_korea", "jp_technical_intern", "jp_specified_skilled", "other"];
/// The stages in order.
pub const STAGES: [&str; 6] = ["registered", "training", "tested", "departed", "returned", "overstayed"];
/// What can happen to a contract.
pub const EVENTS: [&str; 5] = ["training", "test_passed", "departed", "returned", "overstay"];

/// Hợp đồng đi làm việc ở nước ngoài.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contract {
    pub id: i64,
    pub person_id: i64,
    pub ward_code: String,
    pub country: String,
    pub programme: String,
    pub registered_on: NaiveDate,
    pub training_on: Option<NaiveDate>,
    pub test_passed_on: Option<NaiveDate>,
    pub departed_on: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    pub overstay_on: Option<NaiveDate>,
    /// The job created by the departure.
    pub placement_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Contract {
    /// Where the worker is now.
    pub fn stage(&self) -> &'static str {
        if self.overstay_on.is_some() {
            "overstayed"
        } else if self.returned_on.is_some() {
            "returned"
        } else if self.departed_on.is_some() {
            "departed"
        } else if self.test_passed_on.is_some() {
            "tested"
        } else if self.training_on.is_some() {
            "training"
        } else {
            "registered"
        }
    }
}

/// Apply an event on `date` (the contract's end with a departure): the
/// contract as it would be, or why not. Events follow one another in order;
/// an overstay is recorded only after the contract's end.
pub fn apply(
    c: &Contract,
    event: &str,
    date: NaiveDate,
    contract_end: Option<NaiveDate>,
) -> Result<Contract, &'static str> {
    let mut next = c.clone();
    let after = |d: Option<NaiveDate>| d.is_none_or(|d| date >= d);
    match event {
        "training" if c.departed_on.is_none() && after(Some(c.registered_on)) => next.training_on = Some(date),
        "test_passed" if c.departed_on.is_none() && after(Some(c.registered_on)) && after(c.training_on) => {
            next.test_passed_on = Some(date)
        }
        "departed" if c.departed_on.is_none() && after(Some(c.registered_on)) && after(c.test_passed_on) => {
            if contract_end.is_some_and(|e| e <= date) {
                return Err("abroad.err.contract_end");
            }
            next.departed_on = Some(date);
            next.contract_end = contract_end.or(c.contract_end);
        }
        "returned" if c.departed_on.is_some() && c.returned_on.is_none() && after(c.departed_on) => {
            next.returned_on = Some(date);
            next.overstay_on = None;
        }
        "overstay"
            if c.departed_on.is_some() && c.returned_on.is_none() && c.contract_end.is_some_and(|e| date > e) =>
        {
            next.overstay_on = Some(date)
        }
        e if !EVENTS.contains(&e) => return Err("err.code.unknown"),
        _ => return Err("abroad.err.order"),
    }
    Ok(next)
}

// ---------- storage ----------

const COLUMNS: &str = "id, person_id, ward_code, country, programme, registered_on, training_on, test_passed_on, \
    departed_on, contract_end, returned_on, overstay_on, placement_id, created_at";

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Contract>> {
    let sql = format!("SELECT {COLUMNS} FROM abroad_contracts WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

/// Contracts registered or departed in a period (newest first), at most 500.
pub async fn list(db: &Db, province: &str, from: NaiveDate, to: NaiveDate) -> anyhow::Result<Vec<Contract>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM abroad_contracts WHERE province_code = $1
         AND ((registered_on >= $2 AND registered_on <= $3) OR (departed_on >= $2 AND departed_on <= $3))
         ORDER BY registered_on DESC, id DESC LIMIT 500"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(from).bind(to).fetch_all(p).await?))
}

async fn insert(
    db: &Db,
    province: &str,
    person_id: i64,
    ward: &str,
    country: &str,
    programme: &str,
    registered_on: NaiveDate,
    by: i64,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO abroad_contracts (province_code, person_id, ward_code, country, programme, registered_on,
            created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
        .bind(province).bind(person_id).bind(ward).bind(country).bind(programme).bind(registered_on).bind(by)
        .bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

async fn update(db: &Db, province: &str, c: &Contract) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE abroad_contracts SET training_on = $1, test_passed_on = $2, departed_on = $3, contract_end = $4,
            returned_on = $5, overstay_on = $6, placement_id = $7, updated_at = $8
         WHERE province_code = $9 AND id = $10")
        .bind(c.training_on).bind(c.test_passed_on).bind(c.departed_on).bind(c.contract_end).bind(c.returned_on)
        .bind(c.overstay_on).bind(c.placement_id).bind(Utc::now()).bind(province).bind(c.id)
        .execute(p).await?.rows_affected());
    Ok(())
}

// ---------- operations ----------

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ContractInput {
    /// The registry's person; else found by `cccd` or added from the fields below.
    pub person_id: Option<i64>,
    pub cccd: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    pub ward_code: String,
    /// ISO code or name (Nhật Bản, Hàn Quốc, JP, KR…).
    pub country: String,
    /// eps_korea | jp_technical_intern | jp_specified_skilled | other
    pub programme: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub registered_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    /// training | test_passed | departed | returned | overstay
    pub event: String,
    /// dd/mm/yyyy or yyyy-mm-dd.
    pub date: String,
    /// With a departure: when the contract ends.
    pub contract_end: String,
}

fn date_of(field: &str, s: &str, required: bool) -> Result<Option<NaiveDate>, FieldError> {
    match s.trim() {
        "" if required => Err(FieldError::new(field, "err.required")),
        "" => Ok(None),
        s => platform::i18n::parse_date(s).map(Some).ok_or_else(|| FieldError::new(field, "err.date.invalid")),
    }
}

/// Register a worker's contract (staff; commune officers for their communes).
pub async fn register(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: &ContractInput,
) -> AppResult<Result<i64, Vec<FieldError>>> {
    if !service::records(user) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let country = crate::rules::country(&input.country);
    if country.is_none() {
        errors.push(FieldError::new(
            "country",
            if input.country.trim().is_empty() { "err.required" } else { "pl.err.country" },
        ));
    }
    let programme = PROGRAMMES.iter().find(|p| **p == input.programme.trim()).copied();
    if programme.is_none() {
        errors.push(FieldError::new(
            "programme",
            if input.programme.trim().is_empty() { "err.required" } else { "err.code.unknown" },
        ));
    }
    let registered = date_of("registered_on", &input.registered_on, true).map_err(|e| errors.push(e)).ok().flatten();
    let person = PlacementInput {
        person_id: input.person_id,
        cccd: input.cccd.clone(),
        full_name: input.full_name.clone(),
        birth_date: input.birth_date.clone(),
        sex: input.sex.clone(),
        ward_code: input.ward_code.clone(),
        ..Default::default()
    };
    let who = service::person(st, ctx, user, &person).await?;
    let (person_id, ward) = match who {
        Ok(w) => w,
        Err(e) => {
            errors.splice(0..0, e);
            return Ok(Err(errors));
        }
    };
    let (Some(country), Some(programme), Some(registered), true) = (country, programme, registered, errors.is_empty())
    else {
        return Ok(Err(errors));
    };
    let province = &st.settings.province_code;
    let id = insert(&st.db, province, person_id, &ward, country, programme, registered, user.id).await?;
    audit::by_request(&st.db, province, ctx, Action::Create, "abroad_contract", Some(&id.to_string()), Some(programme))
        .await?;
    Ok(Ok(id))
}

/// Record what happened to a contract; a departure records the job created.
pub async fn event(st: &AppState, ctx: &Ctx, user: &User, id: i64, input: &EventInput) -> AppResult<Contract> {
    if !service::records(user) {
        return Err(AppError::Forbidden);
    }
    let province = &st.settings.province_code;
    let c = get(&st.db, province, id).await?.ok_or(AppError::NotFound)?;
    if !registry::access::people(user)?.allows(&c.ward_code) {
        return Err(AppError::Forbidden);
    }
    let date = date_of("date", &input.date, true).map_err(|e| AppError::Invalid(vec![e]))?.unwrap_or_default();
    let end = date_of("contract_end", &input.contract_end, false).map_err(|e| AppError::Invalid(vec![e]))?;
    let mut next = apply(&c, input.event.trim(), date, end).map_err(|k| AppError::invalid("event", k))?;
    if input.event.trim() == "departed" {
        let job = PlacementInput {
            employer_kind: "employer".into(),
            employer_name: crate::rules::country_name(&c.country, platform::i18n::Lang::Vi),
            start_date: date.format("%d/%m/%Y").to_string(),
            channel: "abroad".into(),
            place: "abroad".into(),
            country: c.country.clone(),
            contract_type: "fixed_term".into(),
            ..Default::default()
        };
        let origin = Origin { source: "abroad", source_id: Some(c.id), by: Some(user.id) };
        next.placement_id = service::from_hire(st, ctx, c.person_id, &job, &origin).await?.map(|(id, _)| id);
    }
    update(&st.db, province, &next).await?;
    let detail = format!("{} {}", input.event.trim(), date);
    audit::by_request(&st.db, province, ctx, Action::Update, "abroad_contract", Some(&id.to_string()), Some(&detail))
        .await?;
    get(&st.db, province, id).await?.ok_or(AppError::NotFound)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct KeyCount {
    pub key: String,
    pub count: i64,
}

/// Counts for a period: contracts by current stage (those registered in the
/// period), departures by country and programme (those departed in it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = AbroadSummary)]
pub struct Summary {
    pub registered: i64,
    pub by_stage: Vec<KeyCount>,
    pub departed: i64,
    pub departed_by_country: Vec<KeyCount>,
    pub departed_by_programme: Vec<KeyCount>,
}

pub fn summarise(contracts: &[Contract], from: NaiveDate, to: NaiveDate) -> Summary {
    let within = |d: NaiveDate| d >= from && d <= to;
    let mut stages: BTreeMap<&str, i64> = BTreeMap::new();
    let mut countries: BTreeMap<&str, i64> = BTreeMap::new();
    let mut programmes: BTreeMap<&str, i64> = BTreeMap::new();
    let (mut registered, mut departed) = (0, 0);
    for c in contracts {
        if within(c.registered_on) {
            registered += 1;
            *stages.entry(c.stage()).or_default() += 1;
        }
        if c.departed_on.is_some_and(within) {
            departed += 1;
            *countries.entry(&c.country).or_default() += 1;
            *programmes.entry(&c.programme).or_default() += 1;
        }
    }
    let ordered = |m: BTreeMap<&str, i64>, order: &[&str]| -> Vec<KeyCount> {
        let mut v: Vec<KeyCount> = m.into_iter().map(|(k, count)| KeyCount { key: k.to_owned(), count }).collect();
        v.sort_by_key(|k| (order.iter().position(|o| *o == k.key).unwrap_or(usize::MAX), -k.count));
        v
    };
    Summary {
        registered,
        by_stage: ordered(stages, &STAGES),
        departed,
        departed_by_country: ordered(countries, &[]),
        departed_by_programme: ordered(programmes, &PROGRAMMES),
    }
}

// ---------- API ----------

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedContract {
    pub id: i64,
}

/// Register a worker's contract abroad (staff; commune officers for their communes).
#[utoipa::path(post, path = "/api/v1/abroad", tag = "placements", request_body = ContractInput,
    responses((status = 201, body = CreatedContract), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn register_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<ContractInput>,
) -> AppResult<Response> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    let id = register(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    Ok((StatusCode::CREATED, Json(CreatedContract { id })).into_response())
}

/// Record training, the language test passed, departure (with the
/// contract's end), return, or an overstay after the contract's end. A
/// departure is a job created abroad.
#[utoipa::path(post, path = "/api/v1/abroad/{id}/events", tag = "placements", request_body = EventInput,
    params(("id" = i64, Path, description = "Contract")),
    responses((status = 200, body = Contract), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn event_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<EventInput>,
) -> AppResult<Json<Contract>> {
    if !service::records(&user) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(event(&st, &ctx, &user, id, &input).await?))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PeriodParams {
    /// First day (YYYY-MM-DD or dd/mm/yyyy); 1 January of this year when absent.
    pub from: Option<String>,
    /// Last day, included; today when absent.
    pub to: Option<String>,
}

impl PeriodParams {
    fn range(&self) -> AppResult<(NaiveDate, NaiveDate)> {
        let today = platform::time::today();
        let d = |field: &str, s: &Option<String>, default: NaiveDate| match s.as_deref().map(str::trim) {
            None | Some("") => Ok(default),
            Some(s) => platform::i18n::parse_date(s).ok_or_else(|| AppError::invalid(field, "err.date.invalid")),
        };
        let start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today);
        Ok((d("from", &self.from, start)?, d("to", &self.to, today)?))
    }
}

/// Workers abroad in a period: contracts by stage, departures by country and
/// programme (counts only: also the leadership).
#[utoipa::path(get, path = "/api/v1/abroad/summary", tag = "placements", params(PeriodParams),
    responses((status = 200, body = Summary), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
pub async fn summary_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodParams>,
) -> AppResult<Json<Summary>> {
    if !service::reads_counts(&user) {
        return Err(AppError::Forbidden);
    }
    let scope = registry::access::aggregates(&user)?;
    let (from, to) = q.range()?;
    let mut all = list(&st.db, &st.settings.province_code, from, to).await?;
    all.retain(|c| scope.allows(&c.ward_code));
    Ok(Json(summarise(&all, from, to)))
}

// ---------- the page ----------

#[derive(Template)]
#[template(path = "placements/abroad.html")]
pub struct AbroadPage {
    pub page: Page,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<(Contract, String)>,
    pub summary: Summary,
    pub input: ContractInput,
    pub errors: Vec<FieldError>,
    pub programmes: [&'static str; 4],
    pub events: [&'static str; 5],
    pub lang: platform::i18n::Lang,
}

impl AbroadPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn country(&self, c: &str) -> String {
        crate::rules::country_name(c, self.lang)
    }
}

async fn view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    q: &PeriodParams,
    input: ContractInput,
    errors: Vec<FieldError>,
) -> AppResult<AbroadPage> {
    if !service::records(user) {
        return Err(AppError::Forbidden);
    }
    let scope = registry::access::people(user)?;
    let (from, to) = q.range()?;
    let province = &st.settings.province_code;
    let mut all = list(&st.db, province, from, to).await?;
    all.retain(|c| scope.allows(&c.ward_code));
    let summary = summarise(&all, from, to);
    let ids: Vec<i64> = all.iter().map(|c| c.person_id).collect();
    let names: std::collections::HashMap<i64, String> = registry::store::by_ids(&st.db, province, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p.person.full_name))
        .collect();
    if !all.is_empty() {
        audit::by_request(&st.db, province, ctx, Action::ReadPersonal, "abroad_contract", None, Some("list")).await?;
    }
    let items = all.into_iter().map(|c| {
        let n = names.get(&c.person_id).cloned().unwrap_or_default();
        (c, n)
    });
    Ok(AbroadPage {
        page: ctx.page("abroad.title"),
        from,
        to,
        items: items.collect(),
        summary,
        input,
        errors,
        programmes: PROGRAMMES,
        events: EVENTS,
        lang: ctx.lang,
    })
}

pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PeriodParams>,
) -> AppResult<Response> {
    let input = ContractInput { programme: "eps_korea".into(), ..Default::default() };
    Ok(render(view(&st, &ctx, &user, &q, input, vec![]).await?)?.into_response())
}

pub async fn register_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<ContractInput>,
) -> AppResult<Response> {
    match register(&st, &ctx, &user, &input).await? {
        Ok(_) => Ok(Redirect::to("/abroad").into_response()),
        Err(errors) => {
            let page = view(&st, &ctx, &user, &PeriodParams::default(), input, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

pub async fn event_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<EventInput>,
) -> AppResult<Response> {
    event(&st, &ctx, &user, id, &input).await?;
    Ok(Redirect::to(&format!("/abroad#c{id}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contract() -> Contract {
        Contract {
            id: 1,
            person_id: 1,
            ward_code: "22504".into(),
            country: "KR".into(),
            programme: "eps_korea".into(),
            registered_on: d(2022, 1, 10),
            training_on: None,
            test_passed_on: None,
            departed_on: None,
            contract_end: None,
            returned_on: None,
            overstay_on: None,
            placement_id: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_contract_moves_through_its_stages_in_order() {
        let c = contract();
        assert_eq!(c.stage(), "registered");
        let c = apply(&c, "training", d(2022, 2, 1), None).unwrap();
        let c = apply(&c, "test_passed", d(2022, 4, 1), None).unwrap();
        assert_eq!(c.stage(), "tested");
        assert_eq!(apply(&c, "returned", d(2022, 5, 1), None).unwrap_err(), "abroad.err.order", "not gone yet");
        assert_eq!(apply(&c, "departed", d(2022, 3, 1), None).unwrap_err(), "abroad.err.order", "before the test");
        assert_eq!(apply(&c, "departed", d(2022, 6, 1), Some(d(2022, 5, 1))).unwrap_err(), "abroad.err.contract_end");
        let c = apply(&c, "departed", d(2022, 6, 1), Some(d(2025, 6, 1))).unwrap();
        assert_eq!(c.stage(), "departed");
        assert_eq!(apply(&c, "overstay", d(2025, 5, 1), None).unwrap_err(), "abroad.err.order", "the contract runs");
        let over = apply(&c, "overstay", d(2025, 7, 1), None).unwrap();
        assert_eq!(over.stage(), "overstayed");
        assert_eq!(apply(&over, "returned", d(2025, 9, 1), None).unwrap().stage(), "returned", "back late");
        assert_eq!(apply(&c, "flew", d(2022, 7, 1), None).unwrap_err(), "err.code.unknown");
    }

    #[test]
    fn the_summary_counts_stages_of_registrations_and_departures_by_country() {
        let a = contract();
        let b = Contract {
            id: 2,
            departed_on: Some(d(2022, 6, 1)),
            country: "JP".into(),
            programme: "jp_technical_intern".into(),
            ..contract()
        };
        let c = Contract { id: 3, registered_on: d(2021, 12, 1), departed_on: Some(d(2022, 2, 1)), ..contract() };
        let s = summarise(&[a, b, c], d(2022, 1, 1), d(2022, 12, 31));
        assert_eq!((s.registered, s.departed), (2, 2));
        assert_eq!(
            s.by_stage,
            vec![KeyCount { key: "registered".into(), count: 1 }, KeyCount { key: "departed".into(), count: 1 }]
        );
        assert_eq!(s.departed_by_country.len(), 2);
        assert_eq!(s.departed_by_programme[0].key, "eps_korea", "in the programmes' order");
    }
}
