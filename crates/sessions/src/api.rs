//! The sessions' JSON API under /api/v1/sessions.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use platform::auth::{CurrentUser, MaybeUser, Role};
use platform::error::{AppError, AppResult};
use platform::web::{Ctx, JsonBody};
use platform::AppState;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::*;
use crate::service::{self, Checkin, CheckinInput};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_api, list_api))
        .routes(routes!(partners_api))
        .routes(routes!(get_api))
        .routes(routes!(booth_api))
        .routes(routes!(register_api))
        .routes(routes!(checkin_api))
        .routes(routes!(interview_api))
        .routes(routes!(outcome_api))
        .routes(routes!(report_api))
}

/// 201 with a new record's id, 200 with the one that was there already.
fn created_or_existing(r: Result<i64, i64>) -> Response {
    match r {
        Ok(id) => (StatusCode::CREATED, Json(Created { id, url: None })).into_response(),
        Err(id) => (StatusCode::OK, Json(Created { id, url: None })).into_response(),
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SessionCreated)]
pub struct Created {
    pub id: i64,
    /// The public page (sessions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Plan a session (staff). Times are Vietnam time, `YYYY-MM-DDTHH:MM`; a
/// session at a venue (in person, hybrid) needs its 2025 commune and place.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = SessionInput,
    responses((status = 201, body = Created), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn create_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    JsonBody(input): JsonBody<SessionInput>,
) -> AppResult<Response> {
    if !service::manages(&user) {
        return Err(AppError::Forbidden);
    }
    let id = service::create(&st, &ctx, &user, &input).await?.map_err(AppError::Invalid)?;
    let url = st.settings.absolute(&format!("/sessions/{id}"));
    Ok((StatusCode::CREATED, Json(Created { id, url: Some(url) })).into_response())
}

/// Sessions: upcoming and under way first (soonest first), then past ones. Public.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions",
    responses((status = 200, body = Vec<SessionRecord>)))]
async fn list_api(State(st): State<AppState>) -> AppResult<Json<Vec<SessionRecord>>> {
    let now = platform::time::local(chrono::Utc::now());
    let rows = crate::store::sessions(&st.db, &st.settings.province_code, now, 200).await?;
    Ok(Json(rows.into_iter().map(|r| r.into_record()).collect()))
}

/// Partner provinces' upcoming online sessions, as their signed lists gave
/// them (see the exchange): each with its page at the origin, where people
/// register and join. Public.
#[utoipa::path(get, path = "/api/v1/sessions/partners", tag = "sessions",
    responses((status = 200, body = Vec<exchange::store::PartnerSession>)))]
async fn partners_api(State(st): State<AppState>) -> AppResult<Json<Vec<exchange::store::PartnerSession>>> {
    let now = platform::time::local(chrono::Utc::now());
    Ok(Json(exchange::store::partner_sessions(&st.db, &st.settings.province_code, now, 200).await?))
}

/// A session with its booths. Public: what the public page shows.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionDetail {
    #[serde(flatten)]
    pub session: SessionRecord,
    pub booths: Vec<Booth>,
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions",
    params(("id" = i64, Path, description = "Session")),
    responses((status = 200, body = SessionDetail), (status = 404, body = platform::error::ApiError)))]
async fn get_api(State(st): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<SessionDetail>> {
    let s = service::load(&st, id).await?;
    let booths = crate::routes::booths_of(&st, id).await?;
    Ok(Json(SessionDetail { session: s.into_record(), booths }))
}

/// Give an employer a booth with the published vacancies it brings (staff).
/// The same employer again sets its booth's vacancies (200).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/booths", tag = "sessions", request_body = BoothInput,
    params(("id" = i64, Path, description = "Session")),
    responses((status = 201, body = Created), (status = 200, body = Created),
        (status = 400, body = platform::error::ApiError), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn booth_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<BoothInput>,
) -> AppResult<Response> {
    if !service::manages(&user) {
        return Err(AppError::Forbidden);
    }
    Ok(created_or_existing(service::put_booth(&st, &ctx, &user, id, &input).await?))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Registered {
    pub id: i64,
    /// The ticket's code; its page is `/sessions/{id}/tickets/{ticket}`.
    pub ticket: String,
    pub ticket_url: String,
    /// Linked to the registry's record (found by CCCD or phone).
    pub person_id: Option<i64>,
}

/// Register for a session (anyone; throttled per address). The same phone
/// again returns the existing registration (200), never a second one.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/registrations", tag = "sessions", request_body = RegistrationInput,
    params(("id" = i64, Path, description = "Session")),
    responses((status = 201, body = Registered), (status = 200, body = Registered),
        (status = 400, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError), (status = 429, body = platform::error::ApiError)))]
async fn register_api(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<RegistrationInput>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    let (r, created) = service::register(&st, &ctx, &s, &input, false).await?.map_err(AppError::Invalid)?;
    let out = Registered {
        id: r.id,
        ticket_url: st.settings.absolute(&format!("/sessions/{id}/tickets/{}", r.ticket)),
        ticket: r.ticket,
        person_id: r.person_id,
    };
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(out)).into_response())
}

/// Check someone in by ticket, CCCD or phone, or register and check in a
/// walk-in (staff; a commune officer at sessions in their communes). A second
/// check-in of the same person answers `already: true` and counts once.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/checkins", tag = "sessions", request_body = CheckinInput,
    params(("id" = i64, Path, description = "Session")),
    responses((status = 200, body = Checkin), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn checkin_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<CheckinInput>,
) -> AppResult<Json<Checkin>> {
    let s = service::load(&st, id).await?;
    if !service::checks_in(&user, &s) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(service::check_in(&st, &ctx, &user, &s, &input).await?.map_err(AppError::Invalid)?))
}

/// Record an interview at a booth (staff or the booth's employer). The same
/// person at the same booth again returns that interview (200).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/interviews", tag = "sessions", request_body = InterviewInput,
    params(("id" = i64, Path, description = "Session")),
    responses((status = 201, body = Created), (status = 200, body = Created),
        (status = 400, body = platform::error::ApiError), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError),
        (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn interview_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<InterviewInput>,
) -> AppResult<Response> {
    let s = service::load(&st, id).await?;
    if !matches!(user.role, Role::Admin | Role::Staff | Role::Employer) {
        return Err(AppError::Forbidden);
    }
    Ok(created_or_existing(service::interview(&st, &ctx, &user, &s, &input).await?))
}

/// What came of an interview: shortlisted (sơ tuyển), hired, not suitable.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/interviews/{iid}/outcome", tag = "sessions", request_body = OutcomeInput,
    params(("id" = i64, Path, description = "Session"), ("iid" = i64, Path, description = "Interview")),
    responses((status = 200, body = Interview), (status = 400, body = platform::error::ApiError),
        (status = 401, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError),
        (status = 404, body = platform::error::ApiError), (status = 422, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn outcome_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path((id, iid)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<OutcomeInput>,
) -> AppResult<Json<Interview>> {
    let s = service::load(&st, id).await?;
    if !matches!(user.role, Role::Admin | Role::Staff | Role::Employer) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(service::set_outcome(&st, &ctx, &user, &s, iid, &input.outcome).await?))
}

/// The session's report, exactly from the records (staff, leaders, commune officers).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/report", tag = "sessions",
    params(("id" = i64, Path, description = "Session")),
    responses((status = 200, body = Report), (status = 401, body = platform::error::ApiError),
        (status = 403, body = platform::error::ApiError), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn report_api(
    State(st): State<AppState>,
    ctx: Ctx,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> AppResult<Json<Report>> {
    let user = user.ok_or(AppError::Unauthorized)?;
    if !service::reads_report(&user) {
        return Err(AppError::Forbidden);
    }
    let s = service::load(&st, id).await?;
    Ok(Json(service::report(&st, &s, ctx.lang).await?))
}
