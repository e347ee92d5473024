//! Import as a background job: upload (page or API), progress, rejected rows.

use crate::import::{self, Report};
use crate::service::Registry;
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use platform::audit::{self, Action};
use platform::auth::{CurrentUser, User};
use platform::error::{AppError, AppResult};
use platform::i18n::Lang;
use platform::jobs::{self, Job};
use platform::web::{render, Ctx, Page};
use platform::AppState;
use serde::Serialize;
use std::path::PathBuf;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const KIND: &str = "people_import";
/// Largest file accepted (a million survey rows is about 100 MB of CSV).
pub const MAX_UPLOAD: u64 = 300 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/registry/import", get(import_page).post(upload_page))
        .route("/registry/imports/{id}", get(job_page))
        .route("/registry/imports/{id}/cancel", post(cancel_page))
        .route("/registry/imports/{id}/again", post(again_page))
        .route("/registry/template.xlsx", get(template))
        .route("/registry/imports/{id}/rejects.xlsx", get(rejects))
        .routes(routes!(upload_api))
        .routes(routes!(job_api))
        .routes(routes!(cancel_api))
        .routes(routes!(rejects))
        // Survey files are large; other routes keep axum's small default.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD as usize))
}

fn imports_dir(st: &AppState) -> PathBuf {
    st.settings.data_dir.join("imports")
}

fn rejects_path(st: &AppState, id: i64) -> PathBuf {
    imports_dir(st).join(format!("{id}-rejected.xlsx"))
}

/// Stream the multipart field "file" to disk, refusing what is too large.
async fn receive(st: &AppState, mp: Multipart) -> AppResult<(PathBuf, String)> {
    platform::sheet::upload::receive(&imports_dir(st), mp, MAX_UPLOAD).await
}

/// The import as the job runner's work: progress to the job (and to
/// `also`, e.g. a terminal's bar), a cancel request from it; the outcome as
/// the job records it (counts, the report with the first rejected rows) or
/// the reason, in the user's language. Pages, the API and the CLI all run it.
pub async fn work(
    db: &platform::Db,
    index: Option<&crate::search::SearchIndex>,
    path: &std::path::Path,
    mut opts: import::Options<'_>,
    job: &jobs::Handle,
    also: &(dyn Fn(u64, u64, u64) + Send + Sync),
) -> Result<jobs::Finished, String> {
    opts.cancel = Some(job.cancel_flag());
    let lang = opts.lang;
    let on_progress = |done: u64, accepted: u64, rejected: u64| {
        job.progress(done, accepted, rejected);
        also(done, accepted, rejected);
    };
    match import::run(db, index, path, opts, &on_progress).await {
        Ok(report) => {
            let counts = (report.rows as i64, report.accepted() as i64, report.rejected as i64);
            let stored =
                Stored { rejected_rows: report.rejected_rows.clone(), noted_rows: report.noted_rows.clone(), report };
            Ok(jobs::Finished { counts, result: serde_json::to_string(&stored).unwrap_or_default() })
        }
        Err(e) => {
            tracing::warn!(job = job.id, error = %e, "import stopped");
            Err(import::file_error_message(&e, lang))
        }
    }
}

/// Start an import job in the background on an uploaded file (removed when
/// the job ends; kept if the server stops, so it can be run again).
async fn start(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    origin: jobs::Origin,
    path: PathBuf,
    name: &str,
) -> AppResult<i64> {
    let scope = crate::access::people(user)?;
    let input = path.to_string_lossy().into_owned();
    let job = jobs::NewJob { kind: KIND, origin, user_id: Some(user.id), file_name: Some(name), input: Some(&input) };
    let (state, lang) = (st.clone(), ctx.lang);
    let id = jobs::start(&st.db, job, move |job| async move {
        let st = state;
        let registry = st.service::<Registry>();
        let opts = import::Options {
            province: &st.settings.province_code,
            scope,
            today: platform::time::today(),
            lang,
            rejects: rejects_path(&st, job.id),
            cancel: None,
        };
        let outcome = work(&st.db, Some(&registry.index), &path, opts, &job, &|_, _, _| {}).await;
        // An upload is removed when its job ends, unless it was stopped: then
        // it is kept to be run again. A CLI import's file is the operator's.
        if path.starts_with(imports_dir(&st)) && !job.cancelled() {
            let _ = tokio::fs::remove_file(&path).await;
        }
        outcome
    })
    .await?;
    let id_text = id.to_string();
    audit::by_request(&st.db, &st.settings.province_code, ctx, Action::Import, "people", Some(&id_text), Some(name))
        .await?;
    Ok(id)
}

/// What a finished job keeps: the report (what the API shows) and the first
/// rejected rows (what the page lists).
#[derive(Serialize, serde::Deserialize)]
struct Stored {
    #[serde(flatten)]
    report: Report,
    #[serde(default)]
    rejected_rows: Vec<import::RejectedRow>,
    #[serde(default)]
    noted_rows: Vec<import::RejectedRow>,
}

/// The report of a finished job, with the rejected rows the page lists.
fn stored_report(job: &Job) -> Option<Report> {
    report_of(job.result.as_deref()?)
}

/// The report a finished import job recorded (its `result`).
pub fn report_of(result: &str) -> Option<Report> {
    let stored: Stored = serde_json::from_str(result).ok()?;
    Some(Report { rejected_rows: stored.rejected_rows, noted_rows: stored.noted_rows, ..stored.report })
}

fn can_see(user: &User, job: &Job) -> bool {
    job.kind == KIND && crate::access::sees_import(user, job.user_id)
}

async fn load_job(st: &AppState, user: &User, id: i64) -> AppResult<Job> {
    let job = jobs::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    if !can_see(user, &job) {
        return Err(AppError::Forbidden);
    }
    Ok(job)
}

// ---------- pages ----------

#[derive(Template)]
#[template(path = "registry/import.html")]
struct ImportPage {
    page: Page,
    recent: Vec<Job>,
    /// Why the file just sent was refused as a whole (type, empty, header).
    error: Option<String>,
}

async fn import_form(st: &AppState, ctx: &Ctx, user: &User, error: Option<String>) -> AppResult<Response> {
    // Staff see every import, the CLI's too; others their own.
    let recent = jobs::recent(&st.db, KIND, crate::access::imports_of(user), 10).await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(ImportPage { page: ctx.page("import.title"), recent, error })?).into_response())
}

async fn import_page(State(st): State<AppState>, ctx: Ctx, CurrentUser(user): CurrentUser) -> AppResult<Response> {
    crate::access::people(&user)?;
    import_form(&st, &ctx, &user, None).await
}

/// Receive the upload (only from users who may import) and start the job.
async fn upload(st: &AppState, ctx: &Ctx, user: &User, mp: Result<Multipart, MultipartRejection>) -> AppResult<i64> {
    crate::access::people(user)?;
    let mp = mp.map_err(|_| AppError::bad("import.no_file"))?;
    let (path, name) = receive(st, mp).await?;
    start(st, ctx, user, jobs::Origin::Api, path, &name).await
}

/// The form's upload: a file refused as a whole is told on the form itself,
/// with the reason, before any job starts.
async fn upload_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Multipart,
) -> AppResult<Response> {
    crate::access::people(&user)?;
    let (path, name) = match receive(&st, mp).await {
        Ok(received) => received,
        Err(AppError::BadRequest { key, .. }) => {
            return import_form(&st, &ctx, &user, Some(platform::i18n::t(ctx.lang, key).to_owned())).await;
        }
        Err(e) => return Err(e),
    };
    let check_path = path.clone();
    let checked =
        tokio::task::spawn_blocking(move || import::check_file(&check_path)).await.map_err(anyhow::Error::from)?;
    if let Err(e) = checked {
        let _ = tokio::fs::remove_file(&path).await;
        return import_form(&st, &ctx, &user, Some(import::file_error_message(&e, ctx.lang))).await;
    }
    let id = start(&st, &ctx, &user, jobs::Origin::Web, path, &name).await?;
    Ok(Redirect::to(&format!("/registry/imports/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "registry/job_page.html")]
struct JobPage {
    page: Page,
    /// The rendered [`JobPart`].
    body: String,
}

/// The progress block, which the page shows and polls while the import runs.
#[derive(Template)]
#[template(path = "registry/job_body.html")]
struct JobPart {
    page: Page,
    job: Job,
    report: Option<Report>,
    /// "Only the first 100 of 1.234 rejected rows are listed", when so.
    more: Option<String>,
    /// A stopped import whose file is still there can be run again.
    can_rerun: bool,
}

async fn job_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let job = load_job(&st, &user, id).await?;
    let report = stored_report(&job);
    let page = ctx.page("import.title");
    let more = report.as_ref().filter(|r| (r.rejected_rows.len() as u64) < r.rejected).map(|r| {
        platform::i18n::fill(
            page.t("import.rejected_more"),
            &[("shown", &page.tr.int(r.rejected_rows.len())), ("total", &page.tr.int(r.rejected))],
        )
    });
    let can_rerun = rerun_file(&job).is_some();
    let part = JobPart { page: page.clone(), job, report, more, can_rerun };
    if ctx.htmx {
        return Ok(render(part)?.into_response());
    }
    let body = part.render().map_err(|e| AppError::Internal(e.into()))?;
    Ok(render(JobPage { page, body })?.into_response())
}

/// The file a stopped (interrupted, cancelled or failed) import can run again on.
fn rerun_file(job: &Job) -> Option<PathBuf> {
    if matches!(job.status.as_str(), "running" | "done") {
        return None;
    }
    job.input.as_deref().map(PathBuf::from).filter(|p| p.is_file())
}

/// Ask a running import to stop (it stops within a few thousand rows).
async fn cancel_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    cancel(&st, &ctx, &user, id).await?;
    Ok(Redirect::to(&format!("/registry/imports/{id}")).into_response())
}

async fn cancel(st: &AppState, ctx: &Ctx, user: &User, id: i64) -> AppResult<()> {
    crate::access::people(user)?;
    load_job(st, user, id).await?;
    if !jobs::request_cancel(&st.db, id).await? {
        return Err(AppError::Conflict { key: "import.not_running" });
    }
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        ctx,
        Action::Update,
        "import_job",
        Some(&id.to_string()),
        Some("cancel"),
    )
    .await?;
    Ok(())
}

/// Run an interrupted (or failed, or cancelled) import again on the file it kept.
async fn again_page(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let job = load_job(&st, &user, id).await?;
    let path = rerun_file(&job).ok_or(AppError::Conflict { key: "import.cannot_rerun" })?;
    let name = job.file_name.clone().unwrap_or_default();
    let id = start(&st, &ctx, &user, jobs::Origin::Web, path, &name).await?;
    Ok(Redirect::to(&format!("/registry/imports/{id}")).into_response())
}

async fn template(CurrentUser(_): CurrentUser, ctx: Ctx) -> AppResult<Response> {
    let d = refdata::refdata();
    let pick = |items: &[refdata::model::CodeItem]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|i| (i.code.clone(), if ctx.lang == Lang::Vi { i.name_vi.clone() } else { i.name_en.clone() }))
            .collect()
    };
    use crate::survey::Field;
    // The labels the pages show (either language is read back by the import).
    let shown = |keys: &[&str]| -> Vec<(String, String)> {
        keys.iter()
            .map(|k| {
                (k.split_once('.').map_or(*k, |(_, code)| code).to_owned(), platform::i18n::t(ctx.lang, k).to_owned())
            })
            .collect()
    };
    let codes = vec![
        (Field::Sex, shown(&["sex.male", "sex.female"])),
        (Field::Ethnicity, pick(&d.ethnic_groups)),
        (Field::Education, pick(&d.education)),
        (Field::Qualification, pick(&d.qualifications)),
        (Field::EmploymentStatus, shown(&["status.employed", "status.unemployed", "status.inactive"])),
        (Field::JobNeed, shown(&["need.job", "need.training", "need.abroad", "need.none"])),
        (Field::Sector, pick(&d.vsic_sections)),
    ];
    let bytes = platform::sheet::write::template(&crate::survey::GUIDE, &codes)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"mau-cung-lao-dong.xlsx\""),
        ],
        bytes,
    )
        .into_response())
}

// ---------- API ----------

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = ImportStarted)]
struct Started {
    id: i64,
    status_url: String,
}

/// Upload a survey sheet (multipart field `file`: XLSX or CSV). The import runs in
/// the background: follow `status_url`.
#[utoipa::path(post, path = "/api/v1/people/imports", tag = "registry",
    request_body(content_type = "multipart/form-data", description = "field `file`: the XLSX or CSV"),
    responses((status = 202, body = Started), (status = 400, body = platform::error::ApiError), (status = 403, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn upload_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    mp: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let id = upload(&st, &ctx, &user, mp).await?;
    Ok((axum::http::StatusCode::ACCEPTED, Json(Started { id, status_url: format!("/api/v1/people/imports/{id}") }))
        .into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
struct JobStatus {
    #[serde(flatten)]
    job: Job,
    report: Option<Report>,
    /// Present when rows were rejected.
    rejects_url: Option<String>,
}

/// Progress and outcome of an import.
#[utoipa::path(get, path = "/api/v1/people/imports/{id}", tag = "registry",
    params(("id" = i64, Path, description = "Import job id")),
    responses((status = 200, body = JobStatus), (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn job_api(
    State(st): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Json<JobStatus>> {
    let job = load_job(&st, &user, id).await?;
    let report: Option<Report> = job.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
    let rejects_url =
        report.as_ref().filter(|r| r.rejected > 0).map(|_| format!("/api/v1/people/imports/{id}/rejects"));
    Ok(Json(JobStatus { job, report, rejects_url }))
}

/// Ask a running import to stop. Batches already written stay (running the
/// file again completes it: the import is idempotent).
#[utoipa::path(post, path = "/api/v1/people/imports/{id}/cancel", tag = "registry",
    params(("id" = i64, Path, description = "Import job id")),
    responses((status = 202, description = "Asked to stop"), (status = 403, body = platform::error::ApiError),
              (status = 404, body = platform::error::ApiError), (status = 409, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn cancel_api(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    cancel(&st, &ctx, &user, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The rejected rows (XLSX): line, the original cells and the reason.
#[utoipa::path(get, path = "/api/v1/people/imports/{id}/rejects", tag = "registry",
    params(("id" = i64, Path, description = "Import job id")),
    responses((status = 200, description = "XLSX file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = platform::error::ApiError)),
    security(("bearer" = [])))]
async fn rejects(
    State(st): State<AppState>,
    ctx: Ctx,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    load_job(&st, &user, id).await?;
    let bytes = tokio::fs::read(rejects_path(&st, id)).await.map_err(|_| AppError::NotFound)?;
    // The rows hold the uploaded personal data.
    audit::by_request(
        &st.db,
        &st.settings.province_code,
        &ctx,
        Action::Export,
        "import_rejects",
        Some(&id.to_string()),
        None,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"dong-bi-tu-choi-{id}.xlsx\"")),
        ],
        bytes,
    )
        .into_response())
}
