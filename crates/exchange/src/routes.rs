//! The feed (public, signed), the partners (the administrator's), and the
//! exchange's page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::{DateTime, Datelike, Utc};
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::web::{render, Ctx, JsonBody, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::client::{PullError, Pulled};
use crate::feed::{self, FeedPage};
use crate::keys;
use crate::service::Exchange;
use crate::store::{self, Partner};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/admin/exchange", get(exchange_page).post(partner_form))
        .route("/admin/exchange/partners/{id}/pull", post(pull_form))
        .routes(routes!(key_api))
        .routes(routes!(snapshot_api))
        .routes(routes!(changes_api))
        .routes(routes!(sessions_api))
        .routes(routes!(partners_api, add_partner_api))
        .routes(routes!(pull_api))
        .routes(routes!(report_api))
}

fn province(st: &AppState) -> &str {
    &st.settings.province_code
}

fn admin(user: &User) -> AppResult<()> {
    if user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// A page of the feed with its detached signature.
async fn signed(k: &keys::Keys, page: &impl Serialize) -> AppResult<Response> {
    let body = serde_json::to_vec(page).map_err(anyhow::Error::from)?;
    let signature = k.sign(&body);
    let mut r = (StatusCode::OK, Bytes::from(body)).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h.insert(keys::SIGNATURE, HeaderValue::from_str(&signature).map_err(anyhow::Error::from)?);
    h.insert(keys::KEY_ID, HeaderValue::from_str(&k.key_id).map_err(anyhow::Error::from)?);
    Ok(r)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicKey {
    pub key_id: String,
    /// Ed25519, base64 (32 bytes): partners verify every page with it.
    pub public_key: String,
    pub province_code: String,
    /// Who runs this instance.
    pub name: String,
}

/// This instance's public key: a partner's administrator adds it with our address.
#[utoipa::path(get, path = "/api/v1/exchange/key", tag = "exchange", responses((status = 200, body = PublicKey)))]
async fn key_api(State(st): State<AppState>) -> AppResult<Json<PublicKey>> {
    let k = st.service::<Exchange>().keys().await?;
    Ok(Json(PublicKey {
        key_id: k.key_id.clone(),
        public_key: k.public_key.clone(),
        province_code: province(&st).to_owned(),
        name: st.settings.org.name.clone(),
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct SnapshotQuery {
    /// The `next` of the previous page (none: the first page).
    pub cursor: Option<String>,
    /// Items per page, 1–500 (100 when absent).
    pub limit: Option<String>,
}

fn limit(s: Option<&str>) -> AppResult<i64> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(feed::PAGE),
        Some(s) => match s.parse::<i64>() {
            Ok(n) if (1..=feed::MAX_PAGE).contains(&n) => Ok(n),
            _ => Err(AppError::invalid("limit", "err.number.invalid")),
        },
    }
}

/// Every open vacancy, a page at a time (by id), signed: the header
/// `Signature` holds the Ed25519 signature (base64) over the body's exact
/// bytes, `Signature-Key-Id` the key's id. The last page's `resume` is the
/// changes cursor to follow on from.
#[utoipa::path(get, path = "/api/v1/exchange/snapshot", tag = "exchange", params(SnapshotQuery),
    responses((status = 200, body = FeedPage), (status = 422, body = platform::error::ApiError)))]
async fn snapshot_api(State(st): State<AppState>, Query(q): Query<SnapshotQuery>) -> AppResult<Response> {
    let asked = q.cursor.clone().unwrap_or_default();
    let (after, began) = feed::snapshot_cursor(&asked).ok_or_else(|| AppError::invalid("cursor", "xc.err.cursor"))?;
    let n = limit(q.limit.as_deref())?;
    let k = st.service::<Exchange>().keys().await?;
    let (items, next, resume) =
        feed::snapshot(&st.db, province(&st), &st.settings.public_url, after, began, n, platform::time::today())
            .await?;
    let page = FeedPage {
        context: "https://schema.org".into(),
        province_code: province(&st).to_owned(),
        key_id: k.key_id.clone(),
        since: asked.trim().to_owned(),
        items,
        more: next.is_some(),
        next,
        resume,
    };
    signed(&k, &page).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ChangesQuery {
    /// The cursor to read after: the previous page's `next`, or the
    /// snapshot's `resume` (empty: from the beginning).
    pub since: Option<String>,
    /// Items per page, 1–500 (100 when absent).
    pub limit: Option<String>,
}

/// The changes since a cursor, in commit order (created, updated, withdrawn
/// — closed, expired or taken off the board), signed as the snapshot is.
/// `next` is the cursor to read after this page: the following page's while
/// `more`, else where the next pull starts.
#[utoipa::path(get, path = "/api/v1/exchange/changes", tag = "exchange", params(ChangesQuery),
    responses((status = 200, body = FeedPage), (status = 422, body = platform::error::ApiError)))]
async fn changes_api(State(st): State<AppState>, Query(q): Query<ChangesQuery>) -> AppResult<Response> {
    let asked = q.since.clone().unwrap_or_default();
    let cursor = feed::decode(&asked).ok_or_else(|| AppError::invalid("since", "xc.err.cursor"))?;
    let n = limit(q.limit.as_deref())?;
    let k = st.service::<Exchange>().keys().await?;
    let c = feed::changes(&st.db, province(&st), &st.settings.public_url, &cursor, n, platform::time::today()).await?;
    let page = FeedPage {
        context: "https://schema.org".into(),
        province_code: province(&st).to_owned(),
        key_id: k.key_id.clone(),
        since: asked.trim().to_owned(),
        items: c.items,
        next: Some(c.next),
        more: c.more,
        resume: None,
    };
    signed(&k, &page).await
}

/// Our upcoming online and hybrid sessions (schema.org Events), signed as
/// the feed is: partners show them in their calendars with a link here.
#[utoipa::path(get, path = "/api/v1/exchange/sessions", tag = "exchange",
    responses((status = 200, body = crate::events::EventsPage)))]
async fn sessions_api(State(st): State<AppState>) -> AppResult<Response> {
    let k = st.service::<Exchange>().keys().await?;
    let now = platform::time::local(Utc::now());
    let items = crate::events::ours(&st.db, province(&st), &st.settings.public_url, now).await?;
    let page = crate::events::EventsPage {
        context: "https://schema.org".into(),
        province_code: province(&st).to_owned(),
        key_id: k.key_id.clone(),
        items,
    };
    signed(&k, &page).await
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PartnerInput {
    /// How we call it ("Đắk Lắk").
    pub name: String,
    /// Its address (http:// or https://, as its board is reached).
    pub url: String,
    /// Its public key, as `GET {url}/api/v1/exchange/key` shows it (base64).
    #[serde(alias = "key")]
    pub public_key: String,
}

/// A partner as typed: a name, an http(s) address, a valid Ed25519 key.
pub fn check_partner(input: &PartnerInput) -> Result<(String, String, String), Vec<FieldError>> {
    let mut c = platform::validate::Checker::new();
    let name = c.required("name", &input.name, 100);
    let url = input.url.trim().trim_end_matches('/').to_owned();
    let parsed = url::Url::parse(&url).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if parsed.is_none() {
        c.fail("url", if url.is_empty() { "err.required" } else { "xc.err.url" });
    }
    if keys::public_key(&input.public_key).is_none() {
        c.fail("public_key", if input.public_key.trim().is_empty() { "err.required" } else { "xc.err.key" });
    }
    c.finish((name, url, input.public_key.trim().to_owned()))
}

async fn add_partner(st: &AppState, ctx: &Ctx, user: &User, input: &PartnerInput) -> AppResult<i64> {
    admin(user)?;
    let (name, url, key) = check_partner(input).map_err(AppError::Invalid)?;
    let id = store::add_partner(&st.db, province(st), &name, &url, &key, Some(user.id))
        .await?
        .ok_or(AppError::Conflict { key: "xc.err.exists" })?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "partner", Some(&id.to_string()), Some(&name)).await?;
    Ok(id)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewPartner {
    pub id: i64,
}

/// Add a partner province (administrator): its pages must verify with its key.
#[utoipa::path(post, path = "/api/v1/exchange/partners", tag = "exchange", request_body = PartnerInput,
    responses((status = 201, body = NewPartner), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 409, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn add_partner_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<PartnerInput>,
) -> AppResult<Response> {
    let id = add_partner(&st, &ctx, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(NewPartner { id })).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PartnerList {
    pub items: Vec<Partner>,
}

/// The partners, with how their last pull went (administrator).
#[utoipa::path(get, path = "/api/v1/exchange/partners", tag = "exchange",
    responses((status = 200, body = PartnerList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn partners_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<PartnerList>> {
    admin(&user)?;
    Ok(Json(PartnerList { items: store::partners(&st.db, province(&st)).await? }))
}

async fn pull(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<Result<Pulled, PullError>> {
    admin(user)?;
    let p = store::partner(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    let result = st.service::<Exchange>().pull(&p).await;
    let detail = match &result {
        Ok(d) => format!("pulled {} items", d.items),
        Err(e) => e.to_string(),
    };
    audit::by_request(&st.db, province(st), ctx, Action::Import, "partner", Some(&id.to_string()), Some(&detail))
        .await?;
    Ok(result)
}

/// Pull a partner now (administrator). A page that does not verify stops the
/// pull with nothing of it kept: 502 with the reason (also on the partner).
#[utoipa::path(post, path = "/api/v1/exchange/partners/{id}/pull", tag = "exchange",
    params(("id" = i64, Path, description = "The partner")),
    responses((status = 200, body = Pulled), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 502, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn pull_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    match pull(&st, &ctx, &user, id).await? {
        Ok(d) => Ok(Json(d).into_response()),
        Err(e) => {
            let body = serde_json::json!({"error": {"code": "partner_pull_failed", "message": e.to_string()}});
            Ok((StatusCode::BAD_GATEWAY, Json(body)).into_response())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ExchangeMonthCount)]
pub struct MonthCount {
    /// YYYY-MM
    pub month: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartnerReport {
    pub partner: String,
    /// Its vacancies first received here, by month.
    pub received: Vec<MonthCount>,
    /// People of our province referred to its vacancies, by the month of the referral.
    pub referred: Vec<MonthCount>,
    /// Of them, hired, by the month of the hire.
    pub hired: Vec<MonthCount>,
}

/// Vacancies received from each partner and offered (ours published) by month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ExchangeReport)]
pub struct Report {
    pub partners: Vec<PartnerReport>,
    pub offered: Vec<MonthCount>,
}

fn by_month(dates: impl Iterator<Item = DateTime<Utc>>) -> Vec<MonthCount> {
    let mut m: BTreeMap<String, i64> = BTreeMap::new();
    for d in dates {
        let d = platform::time::local_date(d);
        *m.entry(format!("{:04}-{:02}", d.year(), d.month())).or_default() += 1;
    }
    m.into_iter().map(|(month, count)| MonthCount { month, count }).collect()
}

async fn report(st: &AppState, partners: &[Partner]) -> AppResult<Report> {
    let received = store::received_dates(&st.db, province(st)).await?;
    let offered = store::offered_dates(&st.db, province(st)).await?;
    let referrals = store::referrals_through(&st.db, province(st)).await?;
    Ok(Report {
        partners: partners
            .iter()
            .map(|p| {
                let id = p.id;
                let theirs = || referrals.iter().filter(move |r| r.0 == id);
                PartnerReport {
                    partner: p.name.clone(),
                    received: by_month(received.iter().filter(|(id, _)| *id == p.id).map(|(_, d)| *d)),
                    referred: by_month(theirs().map(|r| r.1)),
                    // A hire's date is a local date: noon of it is in its month.
                    hired: by_month(
                        theirs()
                            .filter_map(|r| r.2)
                            .map(|d| platform::time::from_local(d.and_hms_opt(12, 0, 0).expect("noon"))),
                    ),
                }
            })
            .collect(),
        offered: by_month(offered.into_iter()),
    })
}

/// The exchange in figures (staff, administrator, leadership).
#[utoipa::path(get, path = "/api/v1/exchange/report", tag = "exchange",
    responses((status = 200, body = Report), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn report_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<Report>> {
    if !matches!(user.role, Role::Admin | Role::Staff | Role::Viewer) {
        return Err(AppError::Forbidden);
    }
    let partners = store::partners(&st.db, province(&st)).await?;
    Ok(Json(report(&st, &partners).await?))
}

#[derive(Template)]
#[template(path = "exchange/page.html")]
struct ExchangePage {
    page: Page,
    key_id: String,
    public_key: String,
    feed_url: String,
    partners: Vec<Partner>,
    report: Report,
    input: PartnerInput,
    errors: Vec<FieldError>,
    /// The outcome of a pull just asked for.
    notice: Option<String>,
}

impl ExchangePage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    /// Every month with something offered or received, latest first.
    fn months(&self) -> Vec<String> {
        let mut m: Vec<String> = self
            .report
            .offered
            .iter()
            .chain(self.report.partners.iter().flat_map(|p| p.received.iter()))
            .map(|c| c.month.clone())
            .collect();
        m.sort_unstable_by(|a, b| b.cmp(a));
        m.dedup();
        m
    }
    fn offered(&self, month: &str) -> String {
        self.page.tr.int(self.report.offered.iter().find(|c| c.month == month).map_or(0, |c| c.count))
    }
    fn received(&self, p: &PartnerReport, month: &str) -> String {
        self.count(&p.received, month)
    }
    fn referred(&self, p: &PartnerReport, month: &str) -> String {
        self.count(&p.referred, month)
    }
    fn hired(&self, p: &PartnerReport, month: &str) -> String {
        self.count(&p.hired, month)
    }
    fn count(&self, counts: &[MonthCount], month: &str) -> String {
        self.page.tr.int(counts.iter().find(|c| c.month == month).map_or(0, |c| c.count))
    }
    /// (partner, month) lines with a referral or a hire, latest month first.
    fn referral_lines(&self) -> Vec<(&PartnerReport, String)> {
        let mut lines: Vec<(&PartnerReport, String)> = self
            .report
            .partners
            .iter()
            .flat_map(|p| p.referred.iter().chain(p.hired.iter()).map(move |c| (p, c.month.clone())))
            .collect();
        lines.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.partner.cmp(&b.0.partner)));
        lines.dedup_by(|a, b| a.1 == b.1 && a.0.partner == b.0.partner);
        lines
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PageQuery {
    pulled: Option<String>,
    failed: Option<i64>,
}

async fn view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: PartnerInput,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> AppResult<Response> {
    admin(user)?;
    let k = st.service::<Exchange>().keys().await?;
    let partners = store::partners(&st.db, province(st)).await?;
    let report = report(st, &partners).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ExchangePage {
        page: ctx.page("xc.title"),
        key_id: k.key_id.clone(),
        public_key: k.public_key.clone(),
        feed_url: st.settings.absolute("/api/v1/exchange/changes"),
        partners,
        report,
        input,
        errors,
        notice,
    };
    Ok((status, render(page)?).into_response())
}

async fn exchange_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let notice = match (q.pulled, q.failed) {
        (_, Some(id)) => Some(format!("{} #{id}", platform::i18n::t(ctx.lang, "xc.pull_failed"))),
        (Some(n), None) => Some(format!("{}: {n}", platform::i18n::t(ctx.lang, "xc.pulled"))),
        _ => None,
    };
    view(&st, &ctx, &user, PartnerInput::default(), vec![], notice).await
}

async fn partner_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<PartnerInput>,
) -> AppResult<Response> {
    match add_partner(&st, &ctx, &user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/exchange").into_response()),
        Err(AppError::Invalid(e)) => view(&st, &ctx, &user, input, e, None).await,
        Err(AppError::Conflict { key }) => {
            view(&st, &ctx, &user, input, vec![FieldError::new("name", key)], None).await
        }
        Err(e) => Err(e),
    }
}

async fn pull_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    match pull(&st, &ctx, &user, id).await? {
        Ok(d) => Ok(Redirect::to(&format!("/admin/exchange?pulled={}", d.items)).into_response()),
        Err(_) => Ok(Redirect::to(&format!("/admin/exchange?failed={id}")).into_response()),
    }
}
