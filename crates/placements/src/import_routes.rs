//! The placements' import on a page and in the API, and its template.

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

use crate::import;
use crate::service::records;

/// Largest list accepted.
const MAX_UPLOAD: u64 = 20 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/placements/import",
            get(import_page).post(upload_page).layer(DefaultBodyLimit::max(MAX_UPLOAD as usize)),
        )
        .route("/placements/template.xlsx", get(template))
        .routes(routes!(import_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

fn page(ctx: &Ctx) -> ImportPage {
    ImportPage::new(
        ctx,
        "pl.import.title",
        "pl.import.hint",
        "/placements/import",
        "/placements/template.xlsx",
        ("/placements", "nav.placements"),
    )
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(records(&user))?;
    Ok(platform::web::render(page(&ctx))?.into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(records(&user))?;
    Ok(list::xlsx("mau-viec-lam-tang-them.xlsx", import::template()?))
}

/// Who may import is decided before the body is read.
async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    user.require(records(user))?;
    let scope = registry::access::people(user)?;
    let by = list::Importer::user(user, ctx);
    let province = &st.settings.province_code;
    let today = platform::time::today();
    let scope = &scope;
    list::receive_and_run(st, ctx.lang, mp, MAX_UPLOAD, |path| async move {
        import::run(&st.db, province, &path, ctx.lang, today, scope, &by).await
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
    page(&ctx).answer(outcome)
}

/// Import jobs created from a spreadsheet (staff; a commune officer for
/// people of their communes; multipart field `file`: XLSX or CSV with the
/// template's columns or the English keys `cccd, full_name, birth_date, sex,
/// ward_code, employer_tax_code, employer_name, occupation_isco, start_date,
/// channel, place, country, contract_type, wage`). A person not in the
/// registry is added from the row; the same job is never counted twice, so
/// the same file again changes nothing. The whole file is checked before
/// anything is written.
#[utoipa::path(post, path = "/api/v1/placements/imports", tag = "placements",
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
