//! The vacancies' import on a page and in the API (the department's
//! reviewers, who publish), and its template.

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

/// Largest list accepted.
const MAX_UPLOAD: u64 = 20 << 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route(
            "/vacancies/import",
            get(import_page).post(upload_page).layer(DefaultBodyLimit::max(MAX_UPLOAD as usize)),
        )
        .route("/vacancies/template.xlsx", get(template))
        .routes(routes!(import_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

fn page(ctx: &Ctx) -> ImportPage {
    let back = ("/vacancies", "nav.vacancies");
    ImportPage::new(
        ctx,
        "vacancies.import.title",
        "vacancies.import.hint",
        "/vacancies/import",
        "/vacancies/template.xlsx",
        back,
    )
}

async fn import_page(ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    Ok(platform::web::render(page(&ctx))?.into_response())
}

async fn template(CurrentUser(user): CurrentUser) -> AppResult<Response> {
    user.require(is_reviewer(&user))?;
    Ok(list::xlsx("mau-tin-tuyen-dung.xlsx", import::template()?))
}

/// Import the uploaded file, then bring the board up to date. Who may
/// import is decided before the body is read.
async fn import_file(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Result<Report, Refused>> {
    user.require(is_reviewer(user))?;
    let by = list::Importer::user(user, ctx);
    let province = &st.settings.province_code;
    let today = platform::time::today();
    let outcome = list::receive_and_run(st, ctx.lang, mp, MAX_UPLOAD, |path| async move {
        import::run(&st.db, province, &path, ctx.lang, today, &by).await
    })
    .await?;
    if outcome.as_ref().is_ok_and(|r| !r.changed_ids.is_empty()) {
        crate::manage::sync_board(st).await;
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

/// Import vacancies from a spreadsheet (the department's reviewers;
/// multipart field `file`: XLSX or CSV with the template's columns, or the
/// English keys `employer_tax_code, title, occupation_isco, positions,
/// qualification, wage_min, wage_max, work_ward_code, deadline,
/// description`). Idempotent by employer, title and workplace; new
/// vacancies are published (those asking for one sex wait for review). The
/// whole file is checked before anything is written.
#[utoipa::path(post, path = "/api/v1/vacancies/import", tag = "vacancies",
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
