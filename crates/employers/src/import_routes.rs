//! The employers' import on a page and in the API (staff), and its template.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use platform::auth::{CurrentUser, User};
use platform::error::{AppError, AppResult};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::is_reviewer;
use crate::import::{self, Report};

/// Largest list accepted (a province's employers fit many times over).
const MAX_UPLOAD: u64 = 20 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/employers/import",
            get(import_page).post(upload_page).layer(DefaultBodyLimit::max(MAX_UPLOAD as usize)),
        )
        .route("/employers/template.xlsx", get(template))
        .routes(routes!(import_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

#[derive(Template)]
#[template(path = "employers/import.html")]
struct ImportPage {
    page: Page,
    report: Option<Report>,
    summary: String,
    /// Why the file was refused as a whole.
    error: Option<String>,
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    Ok(render(ImportPage {
        page: ctx.page("employers.import.title"),
        report: None,
        summary: String::new(),
        error: None,
    })?
    .into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    let bytes = import::template()?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mau-doanh-nghiep.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

/// A file refused as a whole: the message key (the API's) and what the
/// reader is told ("Thiếu các cột bắt buộc: Mã số thuế").
type Refused = (&'static str, String);

/// Receive the file, import it, tell the listeners of changed employers
/// (the board shows a new name), remove the file. Who may import is decided
/// before the body is read: a request that is no upload is refused for what
/// it is only to those who may import.
async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    user.require(is_reviewer(user))?;
    let mp = mp.map_err(|_| AppError::bad("import.no_file"))?;
    let dir = st.settings.data_dir.join("imports");
    let (path, _) = match platform::sheet::upload::receive(&dir, mp, MAX_UPLOAD).await {
        Ok(received) => received,
        Err(AppError::BadRequest { key, .. }) => return Ok(Err((key, platform::i18n::t(ctx.lang, key).to_owned()))),
        Err(e) => return Err(e),
    };
    let by = import::Importer { user_id: Some(user.id), actor: &user.email, ip: ctx.ip.as_deref() };
    let result = import::run(&st.db, &st.settings.province_code, &path, ctx.lang, &by).await;
    let _ = tokio::fs::remove_file(&path).await;
    let report = match result {
        Ok(report) => report,
        Err(e) => match e.downcast_ref::<platform::sheet::SheetError>() {
            Some(s) => return Ok(Err((s.key(), s.message(ctx.lang)))),
            None => return Err(AppError::from(e)),
        },
    };
    for id in &report.changed_ids {
        crate::events::changed(st, *id).await?;
    }
    Ok(Ok(report))
}

async fn upload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let page = ctx.page("employers.import.title");
    Ok(match import_file(&st, &ctx, &user, mp).await? {
        Ok(report) => {
            let summary = import::summary(&report, ctx.lang);
            render(ImportPage { page, report: Some(report), summary, error: None })?.into_response()
        }
        Err((_, message)) => {
            let body = render(ImportPage { page, report: None, summary: String::new(), error: Some(message) })?;
            (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
        }
    })
}

/// Import employers from a spreadsheet (staff; multipart field `file`: XLSX
/// or CSV with the template's columns, or the English keys `tax_code, name,
/// ward_code, address, phone, email, vsic_section, size`). Idempotent by tax
/// code; new employers are approved. The whole file is checked before
/// anything is written.
#[utoipa::path(post, path = "/api/v1/employers/import", tag = "employers",
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
    match import_file(&st, &ctx, &user, mp).await? {
        Ok(report) => Ok(Json(report)),
        Err((key, _)) => Err(AppError::bad(key)),
    }
}
