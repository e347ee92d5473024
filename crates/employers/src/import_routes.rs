//! The employers' import on a page and in the API (staff), and its template.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use platform::auth::{CurrentUser, User};
use platform::error::AppResult;
use platform::sheet::list::{self, ImportPage, Refused, Report};
use platform::web::Ctx;
use platform::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access::is_reviewer;
use crate::import;

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

fn page(ctx: &Ctx) -> ImportPage {
    let back = ("/employers", "employers.title");
    ImportPage::new(
        ctx,
        "employers.import.title",
        "employers.import.hint",
        "/employers/import",
        "/employers/template.xlsx",
        back,
    )
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    Ok(platform::web::render(page(&ctx))?.into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    Ok(list::xlsx("mau-doanh-nghiep.xlsx", import::template()?))
}

/// Import the uploaded file, then tell the listeners of changed employers
/// (the board shows a new name). Who may import is decided before the body
/// is read: a request that is no upload is refused for what it is only to
/// those who may import.
async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    user.require(is_reviewer(user))?;
    let by = list::Importer::user(user, ctx);
    let province = &st.settings.province_code;
    let outcome = list::receive_and_run(st, ctx.lang, mp, MAX_UPLOAD, |path| async move {
        import::run(&st.db, province, &path, ctx.lang, &by).await
    })
    .await?;
    if let Ok(report) = &outcome {
        for id in &report.changed_ids {
            crate::events::changed(st, *id).await?;
        }
    }
    Ok(outcome)
}

async fn upload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let outcome = import_file(&st, &ctx, &user, mp).await?;
    page(&ctx).answer(outcome)
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
    list::api_answer(import_file(&st, &ctx, &user, mp).await?)
}
