//! Emulation and commendation: the API and the pages. The department's
//! staff keep the records; the leadership reads them; no one else sees them.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use chrono::Datelike;
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, Role, User};
use platform::error::{AppError, AppResult, FieldError};
use platform::i18n::{t, Lang};
use platform::table::{Cell, Table};
use platform::web::{query_year, render, Ctx, JsonBody, Page};
use platform::AppState;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog;
use crate::model::*;
use crate::rules;
use crate::store::{self, AwardFilter, InitiativeFilter};

/// A request body holding one attachment and the form around it.
const MAX_BODY: usize = rules::MAX_FILE + (1 << 20);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/emulation", get(overview_page))
        .route("/emulation/initiatives", get(initiatives_page).post(initiative_form))
        .route("/emulation/initiatives/new", get(new_initiative_page))
        .route("/emulation/initiatives/{id}", get(initiative_page))
        .route("/emulation/initiatives/{id}/scores", post(score_form))
        .route("/emulation/initiatives/{id}/decision", post(decision_form))
        .route("/emulation/initiatives/{id}/files", post(file_form).layer(DefaultBodyLimit::max(MAX_BODY)))
        .route("/emulation/files/{id}", get(download))
        .route("/emulation/awards", get(awards_page).post(award_form))
        .route("/emulation/recipients", get(recipient_page))
        .route("/emulation/movements", get(movements_page).post(movement_form))
        .route("/emulation/movements/{id}", get(movement_page))
        .route("/emulation/movements/{id}/commitments", post(commitment_form))
        .route("/emulation/commitments/{id}/review", post(review_form))
        .routes(routes!(initiatives_api, create_initiative_api))
        .routes(routes!(initiative_api))
        .routes(routes!(score_api))
        .routes(routes!(decision_api))
        .routes(routes!(file_api))
        .routes(routes!(file_download_api))
        .routes(routes!(awards_api, create_award_api))
        .routes(routes!(award_types_api))
        .routes(routes!(recipient_api))
        .routes(routes!(report_api))
        .routes(routes!(movements_api, create_movement_api))
        .routes(routes!(movement_api))
        .routes(routes!(commitment_api))
        .routes(routes!(review_api))
        .layer(DefaultBodyLimit::max(MAX_BODY))
}

fn province(st: &AppState) -> &str {
    &st.settings.province_code
}

/// The department's staff keep the records.
fn keeps(user: &User) -> AppResult<()> {
    match user.role {
        Role::Admin | Role::Staff => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The records name people (authors, recipients, registrants): the
/// department's staff read them.
fn reads(user: &User) -> AppResult<()> {
    keeps(user)
}

/// The leadership reads the counts only: the report and the kinds of award.
fn counts(user: &User) -> AppResult<()> {
    match user.role {
        Role::Admin | Role::Staff | Role::Viewer => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

fn today() -> chrono::NaiveDate {
    platform::time::today()
}

/// Names of codes in the reader's language, for the pages.
pub struct Names {
    lang: Lang,
}

impl Names {
    pub fn award(&self, kind: impl AsRef<str>, level: impl AsRef<str>) -> String {
        catalog::name(kind.as_ref(), level.as_ref(), self.lang)
    }
    pub fn label(&self, key: impl AsRef<str>) -> String {
        t(self.lang, key.as_ref()).to_owned()
    }
    pub fn score(&self, m: &Option<f64>) -> String {
        match (m, self.lang) {
            (None, _) => "–".into(),
            (Some(m), Lang::Vi) => format!("{m:.1}").replace('.', ","),
            (Some(m), Lang::En) => format!("{m:.1}"),
        }
    }
    pub fn size(&self, bytes: &i64) -> String {
        let kb = (*bytes as f64 / 1024.0).ceil() as i64;
        if kb < 1024 {
            format!("{kb} KB")
        } else {
            let mb = format!("{:.1}", *bytes as f64 / 1_048_576.0);
            format!("{} MB", if self.lang == Lang::Vi { mb.replace('.', ",") } else { mb })
        }
    }
    /// The address of a recipient's history.
    pub fn history(&self, name: impl AsRef<str>) -> String {
        format!("/emulation/recipients?name={}", platform::web::encode(name.as_ref()))
    }
}

// ---------------------------------------------------------------- initiatives

/// An initiative with its council's scores and its files.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InitiativeDetail {
    #[serde(flatten)]
    pub initiative: Initiative,
    pub scores: Vec<Score>,
    pub files: Vec<Attachment>,
}

/// An initiative with its scores and files; reading it (its authors) is audited.
async fn detail(st: &AppState, ctx: &Ctx, id: i64) -> AppResult<InitiativeDetail> {
    let initiative = store::initiative(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "initiative", Some(&id.to_string()), None)
        .await?;
    Ok(InitiativeDetail {
        initiative,
        scores: store::scores(&st.db, province(st), id).await?,
        files: store::files(&st.db, province(st), id).await?,
    })
}

async fn create_initiative(st: &AppState, ctx: &Ctx, user: &User, input: &InitiativeInput) -> AppResult<i64> {
    keeps(user)?;
    let i = rules::initiative(input, today()).map_err(AppError::Invalid)?;
    let id = store::insert_initiative(&st.db, province(st), &i, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "initiative", Some(&id.to_string()), None).await?;
    Ok(id)
}

/// Submit an initiative (sáng kiến, đề tài, giải pháp) for a unit (staff).
#[utoipa::path(post, path = "/api/v1/emulation/initiatives", tag = "emulation", request_body = InitiativeInput,
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_initiative_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<InitiativeInput>,
) -> AppResult<Response> {
    let id = create_initiative(&st, &ctx, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

/// The filters of the initiatives' list, as sent ("" is no filter).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct InitiativeQuery {
    /// Words of the title, authors or unit; diacritics optional.
    pub q: Option<String>,
    /// vocational_training | social_care | administration | other
    pub field: Option<String>,
    /// The year submitted.
    pub year: Option<String>,
    /// submitted | recognised | not_recognised
    pub status: Option<String>,
}

impl InitiativeQuery {
    fn filter(&self) -> AppResult<InitiativeFilter> {
        let code = |field: &str, v: &Option<String>| -> AppResult<Option<String>> {
            Ok(v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)).and_then(|v| match v {
                Some(c) if field == "field" && Field::parse(&c).is_none() => {
                    Err(AppError::invalid(field, "err.code.unknown"))
                }
                Some(c) if field == "status" && Status::parse(&c).is_none() => {
                    Err(AppError::invalid(field, "err.code.unknown"))
                }
                other => Ok(other),
            })
        };
        Ok(InitiativeFilter {
            q: self.q.clone().unwrap_or_default(),
            field: code("field", &self.field)?.as_deref().and_then(Field::parse),
            year: query_year("year", self.year.as_deref())?,
            status: code("status", &self.status)?.as_deref().and_then(Status::parse),
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InitiativeList {
    pub items: Vec<Initiative>,
}

/// Initiatives, newest first; searched without diacritics (staff, leadership).
#[utoipa::path(get, path = "/api/v1/emulation/initiatives", tag = "emulation", params(InitiativeQuery),
    responses((status = 200, body = InitiativeList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn initiatives_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<InitiativeQuery>,
) -> AppResult<Json<InitiativeList>> {
    reads(&user)?;
    let items = store::initiatives(&st.db, province(&st), &q.filter()?, 500).await?;
    if !items.is_empty() {
        audit::by_request(&st.db, province(&st), &ctx, Action::ReadPersonal, "initiative", None, Some("list")).await?;
    }
    Ok(Json(InitiativeList { items }))
}

/// One initiative with the council's scores and its files.
#[utoipa::path(get, path = "/api/v1/emulation/initiatives/{id}", tag = "emulation",
    params(("id" = i64, Path, description = "The initiative")),
    responses((status = 200, body = InitiativeDetail), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn initiative_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<InitiativeDetail>> {
    reads(&user)?;
    Ok(Json(detail(&st, &ctx, id).await?))
}

async fn put_score(st: &AppState, ctx: &Ctx, user: &User, id: i64, input: &ScoreInput) -> AppResult<()> {
    keeps(user)?;
    let i = store::initiative(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    if i.status != Status::Submitted {
        return Err(AppError::invalid("score", "em.err.decided"));
    }
    let (member, score) = rules::score(input).map_err(AppError::Invalid)?;
    store::put_score(&st.db, province(st), id, &member, score, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Update, "initiative", Some(&id.to_string()), Some("score"))
        .await?;
    Ok(())
}

/// A council member's score, 0–100 (the same member again replaces theirs;
/// refused once the initiative is decided).
#[utoipa::path(post, path = "/api/v1/emulation/initiatives/{id}/scores", tag = "emulation", request_body = ScoreInput,
    params(("id" = i64, Path, description = "The initiative")),
    responses((status = 200, body = InitiativeDetail), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn score_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ScoreInput>,
) -> AppResult<Json<InitiativeDetail>> {
    put_score(&st, &ctx, &user, id, &input).await?;
    Ok(Json(detail(&st, &ctx, id).await?))
}

async fn decide(st: &AppState, ctx: &Ctx, user: &User, id: i64, input: &DecisionInput) -> AppResult<()> {
    keeps(user)?;
    let i = store::initiative(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    // A decision stands: the report of its year may have been sent already.
    if i.status != Status::Submitted {
        return Err(AppError::invalid("recognised", "em.err.decided_already"));
    }
    let d = rules::decision(input, i.year, today()).map_err(AppError::Invalid)?;
    store::decide(&st.db, province(st), id, &d).await?;
    let what = if d.recognised { "recognised" } else { "not_recognised" };
    audit::by_request(&st.db, province(st), ctx, Action::Update, "initiative", Some(&id.to_string()), Some(what))
        .await?;
    Ok(())
}

/// The decision: recognised (number, date, scope of effect) or not; once
/// taken it stands (422 for a second one).
#[utoipa::path(post, path = "/api/v1/emulation/initiatives/{id}/decision", tag = "emulation", request_body = DecisionInput,
    params(("id" = i64, Path, description = "The initiative")),
    responses((status = 200, body = InitiativeDetail), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn decision_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<DecisionInput>,
) -> AppResult<Json<InitiativeDetail>> {
    decide(&st, &ctx, &user, id, &input).await?;
    Ok(Json(detail(&st, &ctx, id).await?))
}

/// Read the `file` part of a multipart body and keep it on the initiative.
async fn attach(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Attachment> {
    keeps(user)?;
    store::initiative(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    if store::files(&st.db, province(st), id).await?.len() as i64 >= rules::MAX_FILES {
        return Err(AppError::invalid("file", "em.err.too_many_files"));
    }
    let mut mp = mp.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::bad("err.bad_request")
        }
    })?;
    let mut found = None;
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::bad("err.bad_request")
        }
    })? {
        if field.name() == Some("file") {
            let name = rules::file_name(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge
                } else {
                    AppError::bad("err.bad_request")
                }
            })?;
            found = Some((name, bytes));
            break;
        }
    }
    let (name, bytes) = found.ok_or_else(|| AppError::invalid("file", "err.required"))?;
    let mime = rules::sniff(&name, &bytes).map_err(|code| AppError::invalid("file", code))?;
    let file = store::insert_file(&st.db, province(st), id, &name, mime, &bytes, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Update, "initiative", Some(&id.to_string()), Some("file"))
        .await?;
    Ok(Attachment { id: file, name, mime: mime.into(), size: bytes.len() as i64 })
}

/// Attach a file (PDF, DOCX, PNG or JPEG, at most 10 MB; multipart, part `file`).
#[utoipa::path(post, path = "/api/v1/emulation/initiatives/{id}/files", tag = "emulation",
    params(("id" = i64, Path, description = "The initiative")),
    request_body(content_type = "multipart/form-data", content = String, description = "part `file`"),
    responses((status = 201, body = Attachment), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 413, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn file_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let a = attach(&st, &ctx, &user, id, mp).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// The file as a download, never shown inline: its checked type, a
/// sandboxing policy, and no sniffing.
async fn send_file(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<Response> {
    reads(user)?;
    let (a, content) = store::file(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "initiative_file", Some(&id.to_string()), None)
        .await?;
    let ascii: String =
        a.name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        platform::web::encode(&a.name).replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.mime),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".into()),
        ],
        content,
    )
        .into_response())
}

/// An attachment, as a download.
#[utoipa::path(get, path = "/api/v1/emulation/files/{id}", tag = "emulation",
    params(("id" = i64, Path, description = "The file")),
    responses((status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn file_download_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    send_file(&st, &ctx, &user, id).await
}

async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    send_file(&st, &ctx, &user, id).await
}

// ---------------------------------------------------------------- awards

async fn create_award(st: &AppState, ctx: &Ctx, user: &User, input: &AwardInput) -> AppResult<(i64, bool)> {
    keeps(user)?;
    let a = rules::award(input, today()).map_err(AppError::Invalid)?;
    let (id, created) = store::insert_award(&st.db, province(st), &a, Some(user.id)).await?;
    if created {
        audit::by_request(&st.db, province(st), ctx, Action::Create, "award", Some(&id.to_string()), None).await?;
    }
    Ok((id, created))
}

/// Record an award or title (staff). The same award again (kind, level,
/// recipient, decision number) answers 200 with the one kept.
#[utoipa::path(post, path = "/api/v1/emulation/awards", tag = "emulation", request_body = AwardInput,
    responses((status = 201, body = NewRecord), (status = 200, body = NewRecord),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_award_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<AwardInput>,
) -> AppResult<Response> {
    let (id, created) = create_award(&st, &ctx, &user, &input).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(NewRecord { id })).into_response())
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AwardQuery {
    /// Words of the recipient's name or unit; diacritics optional.
    pub q: Option<String>,
    /// The decision's year.
    pub year: Option<String>,
    /// A kind (bang_khen, chien_si_thi_dua, …).
    pub kind: Option<String>,
}

impl AwardQuery {
    fn filter(&self) -> AppResult<AwardFilter> {
        let kind = self.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if kind.as_deref().is_some_and(|k| !catalog::catalog().iter().any(|a| a.kind == k)) {
            return Err(AppError::invalid("kind", "err.code.unknown"));
        }
        Ok(AwardFilter { q: self.q.clone().unwrap_or_default(), year: query_year("year", self.year.as_deref())?, kind })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AwardList {
    pub items: Vec<Award>,
}

/// Awards and titles, newest decision first (staff, leadership).
#[utoipa::path(get, path = "/api/v1/emulation/awards", tag = "emulation", params(AwardQuery),
    responses((status = 200, body = AwardList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn awards_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<AwardQuery>,
) -> AppResult<Json<AwardList>> {
    reads(&user)?;
    let items = store::awards(&st.db, province(&st), &q.filter()?, 1000).await?;
    if items.iter().any(|a| a.recipient_kind == RecipientKind::Person) {
        audit::by_request(&st.db, province(&st), &ctx, Action::ReadPersonal, "award", None, Some("list")).await?;
    }
    Ok(Json(AwardList { items }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AwardType {
    pub kind: String,
    pub level: String,
    /// person | unit | both
    pub recipient: String,
    pub name: String,
    /// The lower title asked for, and how many consecutive years.
    pub requires_kind: Option<String>,
    pub requires_level: Option<String>,
    pub requires_years: Option<u32>,
    /// The article of the law.
    pub basis: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AwardTypeList {
    pub items: Vec<AwardType>,
}

/// The kinds and levels of awards (data/emulation/awards.csv), named in the
/// caller's language.
#[utoipa::path(get, path = "/api/v1/emulation/award-types", tag = "emulation",
    responses((status = 200, body = AwardTypeList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn award_types_api(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Json<AwardTypeList>> {
    counts(&user)?;
    let items = catalog::catalog()
        .iter()
        .map(|a| AwardType {
            kind: a.kind.clone(),
            level: a.level.clone(),
            recipient: a.recipient.map_or("both", RecipientKind::as_str).into(),
            name: a.name(ctx.lang).into(),
            requires_kind: a.requires.as_ref().map(|r| r.0.clone()),
            requires_level: a.requires.as_ref().map(|r| r.1.clone()),
            requires_years: a.requires.as_ref().map(|r| r.2),
            basis: a.basis.clone(),
        })
        .collect();
    Ok(Json(AwardTypeList { items }))
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct RecipientQuery {
    /// A person's or a unit's name, as typed (diacritics optional).
    pub name: Option<String>,
}

/// A recipient's awards and what they make them eligible for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecipientHistory {
    pub recipient: String,
    pub awards: Vec<Award>,
    pub hints: Vec<Hint>,
}

async fn history(st: &AppState, ctx: &Ctx, user: &User, name: &str) -> AppResult<RecipientHistory> {
    reads(user)?;
    let key = rules::key(name);
    if key.is_empty() {
        return Err(AppError::invalid("name", "err.required"));
    }
    let awards = store::history(&st.db, province(st), &key).await?;
    let held: Vec<(String, String, i32)> = awards.iter().map(|a| (a.kind.clone(), a.level.clone(), a.year)).collect();
    if awards.iter().any(|a| a.recipient_kind == RecipientKind::Person) {
        audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "award", None, Some("history")).await?;
    }
    Ok(RecipientHistory {
        recipient: awards.last().map_or_else(|| name.trim().to_owned(), |a| a.recipient.clone()),
        hints: rules::hints(&held),
        awards,
    })
}

/// A person's or a unit's awards, oldest first, with a hint for each higher
/// title whose consecutive years are met (e.g. three years of Chiến sĩ thi
/// đua cơ sở in a row: the provincial title may be proposed).
#[utoipa::path(get, path = "/api/v1/emulation/recipients", tag = "emulation", params(RecipientQuery),
    responses((status = 200, body = RecipientHistory), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn recipient_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<RecipientQuery>,
) -> AppResult<Json<RecipientHistory>> {
    Ok(Json(history(&st, &ctx, &user, q.name.as_deref().unwrap_or("")).await?))
}

// ---------------------------------------------------------------- report

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ReportQuery {
    /// First year (2021 when absent).
    pub from_year: Option<String>,
    /// Last year, included (this year when absent).
    pub to_year: Option<String>,
    /// xlsx: the report as a workbook (pages only).
    pub format: Option<String>,
}

impl ReportQuery {
    fn years(&self) -> AppResult<(i32, i32)> {
        let from = query_year("from_year", self.from_year.as_deref())?.unwrap_or(2021);
        let to = query_year("to_year", self.to_year.as_deref())?.unwrap_or(today().year());
        if to < from {
            return Err(AppError::invalid("to_year", "em.err.years_order"));
        }
        Ok((from, to))
    }
}

async fn report(st: &AppState, user: &User, q: &ReportQuery) -> AppResult<Report> {
    counts(user)?;
    let (from, to) = q.years()?;
    let initiatives = store::recognised(&st.db, province(st), from, to).await?;
    let awards = store::award_years(&st.db, province(st), from, to).await?;
    Ok(rules::report(from, to, &initiatives, &awards))
}

/// The emulation report of a span of years: initiatives recognised (in the
/// year of their decision) by field, year, scope and unit; awards by kind
/// and level (in their decision's year).
#[utoipa::path(get, path = "/api/v1/emulation/report", tag = "emulation", params(ReportQuery),
    responses((status = 200, body = Report), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn report_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<Json<Report>> {
    Ok(Json(report(&st, &user, &q).await?))
}

// ---------------------------------------------------------------- movements

async fn create_movement(st: &AppState, ctx: &Ctx, user: &User, input: &MovementInput) -> AppResult<i64> {
    keeps(user)?;
    let m = rules::movement(input).map_err(AppError::Invalid)?;
    let id = store::insert_movement(&st.db, province(st), &m, Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "movement", Some(&id.to_string()), None).await?;
    Ok(id)
}

/// Launch a movement (phong trào thi đua): title, period, criteria, the units taking part (staff).
#[utoipa::path(post, path = "/api/v1/emulation/movements", tag = "emulation", request_body = MovementInput,
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_movement_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<MovementInput>,
) -> AppResult<Response> {
    let id = create_movement(&st, &ctx, &user, &input).await?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MovementList {
    pub items: Vec<Movement>,
}

/// Movements, latest first (staff, leadership).
#[utoipa::path(get, path = "/api/v1/emulation/movements", tag = "emulation",
    responses((status = 200, body = MovementList), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn movements_api(State(st): State<AppState>, CurrentUser(user): CurrentUser) -> AppResult<Json<MovementList>> {
    reads(&user)?;
    Ok(Json(MovementList { items: store::movements(&st.db, province(&st)).await? }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MovementDetail {
    #[serde(flatten)]
    pub movement: Movement,
    pub commitments: Vec<Commitment>,
}

/// People's commitments read are in the audit log.
async fn audit_commitments(st: &AppState, ctx: &Ctx, list: &[Commitment]) -> AppResult<()> {
    if list.iter().any(|c| c.registrant_kind == RecipientKind::Person) {
        audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "commitment", None, Some("list")).await?;
    }
    Ok(())
}

/// A movement with its commitments and their reviews.
#[utoipa::path(get, path = "/api/v1/emulation/movements/{id}", tag = "emulation",
    params(("id" = i64, Path, description = "The movement")),
    responses((status = 200, body = MovementDetail), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn movement_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<MovementDetail>> {
    reads(&user)?;
    let movement = store::movement(&st.db, province(&st), id).await?.ok_or(AppError::NotFound)?;
    let commitments = store::commitments(&st.db, province(&st), id).await?;
    audit_commitments(&st, &ctx, &commitments).await?;
    Ok(Json(MovementDetail { movement, commitments }))
}

async fn register(st: &AppState, ctx: &Ctx, user: &User, id: i64, input: &CommitmentInput) -> AppResult<i64> {
    keeps(user)?;
    let m = store::movement(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    if today() > m.ends_on {
        return Err(AppError::invalid("commitment", "em.err.movement_over"));
    }
    let c = rules::commitment(input, &m).map_err(AppError::Invalid)?;
    // One commitment per unit or person to a movement.
    let same = store::commitments(&st.db, province(st), id)
        .await?
        .into_iter()
        .any(|x| x.registrant_kind == c.registrant_kind && rules::key(&x.registrant) == rules::key(&c.registrant));
    if same {
        return Err(AppError::invalid("registrant", "em.err.registered"));
    }
    let cid = store::insert_commitment(&st.db, province(st), id, &c, today(), Some(user.id)).await?;
    audit::by_request(&st.db, province(st), ctx, Action::Create, "commitment", Some(&cid.to_string()), None).await?;
    Ok(cid)
}

/// Register a unit's or a person's commitment to a movement (until it ends).
#[utoipa::path(post, path = "/api/v1/emulation/movements/{id}/commitments", tag = "emulation", request_body = CommitmentInput,
    params(("id" = i64, Path, description = "The movement")),
    responses((status = 201, body = NewRecord), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn commitment_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<CommitmentInput>,
) -> AppResult<Response> {
    let id = register(&st, &ctx, &user, id, &input).await?;
    Ok((StatusCode::CREATED, Json(NewRecord { id })).into_response())
}

async fn put_review(st: &AppState, ctx: &Ctx, user: &User, id: i64, input: &ReviewInput) -> AppResult<Commitment> {
    keeps(user)?;
    let c = store::commitment(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    let r = rules::review(input).map_err(AppError::Invalid)?;
    // The mid-term review comes before the final one.
    if !r.final_stage && c.final_review.is_some() {
        return Err(AppError::invalid("stage", "em.err.review_order"));
    }
    store::review(&st.db, province(st), id, &r).await?;
    audit::by_request(
        &st.db,
        province(st),
        ctx,
        Action::Update,
        "commitment",
        Some(&id.to_string()),
        Some(&input.stage),
    )
    .await?;
    Ok(store::commitment(&st.db, province(st), c.id).await?.ok_or(AppError::NotFound)?)
}

/// Review a commitment: mid-term (an assessment) or final (an assessment and
/// whether it was achieved).
#[utoipa::path(post, path = "/api/v1/emulation/commitments/{id}/review", tag = "emulation", request_body = ReviewInput,
    params(("id" = i64, Path, description = "The commitment")),
    responses((status = 200, body = Commitment), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn review_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ReviewInput>,
) -> AppResult<Json<Commitment>> {
    Ok(Json(put_review(&st, &ctx, &user, id, &input).await?))
}

// ---------------------------------------------------------------- pages

/// Answer a failed form: its field errors on the page (422), anything else as usual.
fn invalid(err: AppError) -> AppResult<Vec<FieldError>> {
    match err {
        AppError::Invalid(e) => Ok(e),
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "emulation/overview.html")]
struct OverviewPage {
    page: Page,
    r: Report,
    from: i32,
    to: i32,
    years: Vec<i32>,
    edits: bool,
    n: Names,
}

impl OverviewPage {
    fn int(&self, v: &i64) -> String {
        self.page.tr.int(*v)
    }
}

fn report_tables(r: &Report, lang: Lang) -> Vec<Table> {
    let l = |k: &str| t(lang, k).to_owned();
    let span = format!("{}–{}", r.from_year, r.to_year);
    let mut fields = Table {
        file: String::new(),
        title: l("em.report.by_field"),
        header: vec![l("field.field"), l("em.recognised")],
        rows: r.by_field.iter().map(|c| vec![Cell::Text(l(&c.field.key())), Cell::Int(c.count)]).collect(),
    };
    fields.rows.push(vec![Cell::Text(format!("{} {span}", l("em.total"))), Cell::Int(r.initiatives_recognised)]);
    let years = Table {
        file: String::new(),
        title: l("em.report.by_year"),
        header: vec![l("field.year"), l("em.recognised")],
        rows: r.by_year.iter().map(|c| vec![Cell::Int(i64::from(c.year)), Cell::Int(c.count)]).collect(),
    };
    let scopes = Table {
        file: String::new(),
        title: l("em.report.by_scope"),
        header: vec![l("field.scope"), l("em.recognised")],
        rows: r.by_scope.iter().map(|c| vec![Cell::Text(l(&c.scope.key())), Cell::Int(c.count)]).collect(),
    };
    let units = Table {
        file: String::new(),
        title: l("em.report.by_unit"),
        header: vec![l("em.f.unit"), l("em.recognised")],
        rows: r.by_unit.iter().map(|c| vec![Cell::Text(c.unit.clone()), Cell::Int(c.count)]).collect(),
    };
    let awards = Table {
        file: String::new(),
        title: l("em.report.awards"),
        header: vec![l("em.award"), l("em.count")],
        rows: r
            .awards
            .iter()
            .map(|a| vec![Cell::Text(catalog::name(&a.kind, &a.level, lang)), Cell::Int(a.count)])
            .collect(),
    };
    vec![fields, years, scopes, units, awards]
}

async fn overview_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<Response> {
    let r = report(&st, &user, &q).await?;
    if q.format.as_deref() == Some("xlsx") {
        let file = format!("bao-cao-thi-dua-khen-thuong-{}-{}", r.from_year, r.to_year);
        return platform::table::respond_workbook(&file, &report_tables(&r, ctx.lang));
    }
    Ok(render(OverviewPage {
        page: ctx.page("em.title"),
        from: r.from_year,
        to: r.to_year,
        years: (2015..=today().year()).rev().collect(),
        r,
        edits: keeps(&user).is_ok(),
        n: Names { lang: ctx.lang },
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "emulation/initiatives.html")]
struct InitiativesPage {
    page: Page,
    items: Vec<Initiative>,
    q: InitiativeQuery,
    edits: bool,
    n: Names,
}

impl InitiativesPage {
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
}

async fn initiatives_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<InitiativeQuery>,
) -> AppResult<Response> {
    reads(&user)?;
    let items = store::initiatives(&st.db, province(&st), &q.filter()?, 500).await?;
    if !items.is_empty() {
        audit::by_request(&st.db, province(&st), &ctx, Action::ReadPersonal, "initiative", None, Some("list")).await?;
    }
    Ok(render(InitiativesPage {
        page: ctx.page("em.initiatives"),
        items,
        q,
        edits: keeps(&user).is_ok(),
        n: Names { lang: ctx.lang },
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "emulation/new_initiative.html")]
struct NewInitiativePage {
    page: Page,
    input: InitiativeInput,
    authors: String,
    year: String,
    errors: Vec<FieldError>,
    n: Names,
}

impl NewInitiativePage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn new_initiative_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    keeps(&user)?;
    Ok(render(NewInitiativePage {
        page: ctx.page("em.new_initiative"),
        input: InitiativeInput::default(),
        authors: String::new(),
        year: today().year().to_string(),
        errors: vec![],
        n: Names { lang: ctx.lang },
    })?
    .into_response())
}

async fn initiative_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<InitiativeInput>,
) -> AppResult<Response> {
    match create_initiative(&st, &ctx, &user, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/emulation/initiatives/{id}")).into_response()),
        Err(e) => {
            let errors = invalid(e)?;
            let page = NewInitiativePage {
                page: ctx.page("em.new_initiative"),
                authors: rules::text_of(&input.authors),
                year: rules::text_of(&input.year),
                input,
                errors,
                n: Names { lang: ctx.lang },
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "emulation/initiative.html")]
struct InitiativePage {
    page: Page,
    i: Initiative,
    scores: Vec<Score>,
    files: Vec<Attachment>,
    edits: bool,
    errors: Vec<FieldError>,
    /// Which form the errors belong to: score, decision or file.
    form: &'static str,
    max_mb: usize,
    n: Names,
}

impl InitiativePage {
    fn error_for(&self, form: &str, field: &str) -> Option<String> {
        (self.form == form).then(|| self.page.field_error(&self.errors, field)).flatten()
    }
    fn submitted(&self) -> bool {
        self.i.status == Status::Submitted
    }
    fn refused(&self) -> bool {
        self.i.status == Status::NotRecognised
    }
    fn scope_code(&self) -> &str {
        self.i.scope.map_or("", Scope::as_str)
    }
}

async fn initiative_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    form: &'static str,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    reads(user)?;
    let d = detail(st, ctx, id).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = InitiativePage {
        page: ctx.page("em.initiative"),
        i: d.initiative,
        scores: d.scores,
        files: d.files,
        edits: keeps(user).is_ok(),
        errors,
        form,
        max_mb: rules::MAX_FILE >> 20,
        n: Names { lang: ctx.lang },
    };
    Ok((status, render(page)?).into_response())
}

async fn initiative_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    initiative_view(&st, &ctx, &user, id, "", vec![]).await
}

async fn score_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<ScoreInput>,
) -> AppResult<Response> {
    match put_score(&st, &ctx, &user, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/emulation/initiatives/{id}#scores")).into_response()),
        Err(e) => initiative_view(&st, &ctx, &user, id, "score", invalid(e)?).await,
    }
}

async fn decision_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<DecisionInput>,
) -> AppResult<Response> {
    match decide(&st, &ctx, &user, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/emulation/initiatives/{id}")).into_response()),
        Err(e) => initiative_view(&st, &ctx, &user, id, "decision", invalid(e)?).await,
    }
}

async fn file_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    match attach(&st, &ctx, &user, id, mp).await {
        Ok(_) => Ok(Redirect::to(&format!("/emulation/initiatives/{id}#files")).into_response()),
        Err(e) => initiative_view(&st, &ctx, &user, id, "file", invalid(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "emulation/awards.html")]
struct AwardsPage {
    page: Page,
    items: Vec<Award>,
    q: AwardQuery,
    kinds: Vec<(String, String)>,
    types: Vec<(String, String)>,
    input: AwardInput,
    edits: bool,
    errors: Vec<FieldError>,
    n: Names,
}

impl AwardsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
    fn sel(&self, v: &Option<String>, code: &str) -> bool {
        v.as_deref() == Some(code)
    }
    fn year_text(&self) -> String {
        rules::text_of(&self.input.year)
    }
    fn type_is(&self, code: &str) -> bool {
        code.split_once('/') == Some((self.input.kind.as_str(), self.input.level.as_str()))
    }
}

async fn awards_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    q: AwardQuery,
    input: AwardInput,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    reads(user)?;
    let items = store::awards(&st.db, province(st), &q.filter()?, 500).await?;
    if items.iter().any(|a| a.recipient_kind == RecipientKind::Person) {
        audit::by_request(&st.db, province(st), ctx, Action::ReadPersonal, "award", None, Some("list")).await?;
    }
    let mut kinds: Vec<(String, String)> = Vec::new();
    for a in catalog::catalog() {
        if !kinds.iter().any(|(k, _)| *k == a.kind) {
            kinds.push((a.kind.clone(), t(ctx.lang, &format!("em.kind.{}", a.kind)).to_owned()));
        }
    }
    let types =
        catalog::catalog().iter().map(|a| (format!("{}/{}", a.kind, a.level), a.name(ctx.lang).to_owned())).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = AwardsPage {
        page: ctx.page("em.awards"),
        items,
        q,
        kinds,
        types,
        input,
        edits: keeps(user).is_ok(),
        errors,
        n: Names { lang: ctx.lang },
    };
    Ok((status, render(page)?).into_response())
}

async fn awards_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<AwardQuery>,
) -> AppResult<Response> {
    awards_view(&st, &ctx, &user, q, AwardInput { recipient_kind: "person".into(), ..Default::default() }, vec![]).await
}

/// The award form sends the kind and level as one choice ("kind/level").
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AwardForm {
    award_type: String,
    recipient_kind: String,
    recipient: String,
    unit: String,
    decision_no: String,
    decision_date: String,
    year: String,
}

async fn award_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(f): axum::Form<AwardForm>,
) -> AppResult<Response> {
    let (kind, level) = f.award_type.split_once('/').unwrap_or((f.award_type.as_str(), ""));
    let input = AwardInput {
        kind: kind.into(),
        level: level.into(),
        recipient_kind: f.recipient_kind,
        recipient: f.recipient,
        unit: f.unit,
        decision_no: f.decision_no,
        decision_date: f.decision_date,
        year: serde_json::Value::String(f.year),
    };
    match create_award(&st, &ctx, &user, &input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/emulation/recipients?name={}", platform::web::encode(input.recipient.trim())))
                .into_response())
        }
        Err(e) => {
            // The kind and level travel as the form's single choice.
            let mut errors = invalid(e)?;
            for e in &mut errors {
                if e.field == "kind" || e.field == "level" {
                    e.field = "award_type".into();
                }
            }
            awards_view(&st, &ctx, &user, AwardQuery::default(), input, errors).await
        }
    }
}

#[derive(Template)]
#[template(path = "emulation/recipient.html")]
struct RecipientPage {
    page: Page,
    name: String,
    h: Option<RecipientHistory>,
    n: Names,
}

async fn recipient_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Query(q): Query<RecipientQuery>,
) -> AppResult<Response> {
    reads(&user)?;
    let name = q.name.unwrap_or_default();
    let h = if name.trim().is_empty() { None } else { Some(history(&st, &ctx, &user, &name).await?) };
    Ok(render(RecipientPage { page: ctx.page("em.history"), name, h, n: Names { lang: ctx.lang } })?.into_response())
}

#[derive(Template)]
#[template(path = "emulation/movements.html")]
struct MovementsPage {
    page: Page,
    items: Vec<Movement>,
    input: MovementInput,
    units: String,
    edits: bool,
    errors: Vec<FieldError>,
}

impl MovementsPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.page.field_error(&self.errors, field)
    }
}

async fn movements_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    input: MovementInput,
    errors: Vec<FieldError>,
) -> AppResult<Response> {
    reads(user)?;
    let items = store::movements(&st.db, province(st)).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let units = rules::text_of(&input.units);
    let page =
        MovementsPage { page: ctx.page("em.movements"), items, input, units, edits: keeps(user).is_ok(), errors };
    Ok((status, render(page)?).into_response())
}

async fn movements_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    movements_view(&st, &ctx, &user, MovementInput::default(), vec![]).await
}

async fn movement_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    axum::Form(input): axum::Form<MovementInput>,
) -> AppResult<Response> {
    match create_movement(&st, &ctx, &user, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/emulation/movements/{id}")).into_response()),
        Err(e) => movements_view(&st, &ctx, &user, input, invalid(e)?).await,
    }
}

#[derive(Template)]
#[template(path = "emulation/movement.html")]
struct MovementPage {
    page: Page,
    m: Movement,
    items: Vec<Commitment>,
    open: bool,
    edits: bool,
    input: CommitmentInput,
    errors: Vec<FieldError>,
    /// The commitment whose review failed, with its errors.
    review_of: i64,
    n: Names,
}

impl MovementPage {
    fn error_for(&self, field: &str) -> Option<String> {
        (self.review_of == 0).then(|| self.page.field_error(&self.errors, field)).flatten()
    }
    fn review_error(&self, id: impl std::borrow::Borrow<i64>) -> Option<String> {
        if self.review_of != *id.borrow() {
            return None;
        }
        let e: Vec<String> = self.errors.iter().filter_map(|e| self.page.field_error(&self.errors, &e.field)).collect();
        (!e.is_empty()).then(|| e.join(" "))
    }
    fn achieved(&self) -> usize {
        self.items.iter().filter(|c| c.achieved == Some(true)).count()
    }
}

#[allow(clippy::too_many_arguments)]
async fn movement_view(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    id: i64,
    input: CommitmentInput,
    errors: Vec<FieldError>,
    review_of: i64,
) -> AppResult<Response> {
    reads(user)?;
    let m = store::movement(&st.db, province(st), id).await?.ok_or(AppError::NotFound)?;
    let items = store::commitments(&st.db, province(st), id).await?;
    audit_commitments(st, ctx, &items).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = MovementPage {
        page: ctx.page("em.movement"),
        open: today() <= m.ends_on,
        m,
        items,
        edits: keeps(user).is_ok(),
        input,
        errors,
        review_of,
        n: Names { lang: ctx.lang },
    };
    Ok((status, render(page)?).into_response())
}

async fn movement_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let input = CommitmentInput { registrant_kind: "unit".into(), ..Default::default() };
    movement_view(&st, &ctx, &user, id, input, vec![], 0).await
}

async fn commitment_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<CommitmentInput>,
) -> AppResult<Response> {
    match register(&st, &ctx, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/emulation/movements/{id}")).into_response()),
        Err(e) => movement_view(&st, &ctx, &user, id, input, invalid(e)?, 0).await,
    }
}

async fn review_form(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    axum::Form(input): axum::Form<ReviewInput>,
) -> AppResult<Response> {
    let c = store::commitment(&st.db, province(&st), id).await?.ok_or(AppError::NotFound)?;
    match put_review(&st, &ctx, &user, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/emulation/movements/{}#c{id}", c.movement_id)).into_response()),
        Err(e) => {
            let blank = CommitmentInput { registrant_kind: "unit".into(), ..Default::default() };
            movement_view(&st, &ctx, &user, c.movement_id, blank, invalid(e)?, id).await
        }
    }
}
