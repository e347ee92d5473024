//! Importing a short list (employers, vacancies, and the lists the next
//! capabilities keep in Excel): read whole, checked whole, written at once,
//! reported on the page that received it. The registry's survey import,
//! millions of rows, runs as a job instead.

use std::future::Future;
use std::path::{Path, PathBuf};

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::audit::{self, Action, Event};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::{t, Lang, Tr};
use crate::web::{render, Ctx, Page};
use crate::{AppState, Db};

/// A row refused, with its reason in the importer's language.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Rejected {
    /// Line in the file (the header is line 1).
    pub line: u64,
    pub reason: String,
}

/// A row taken with something its importer should know (a phone number
/// read with the zero Excel dropped, a vacancy kept for review).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Noted {
    pub line: u64,
    pub note: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ListImportReport)]
pub struct Report {
    pub rows: u64,
    /// Registered now.
    pub inserted: u64,
    /// Registered already; a detail changed.
    pub updated: u64,
    /// Registered already with the same details.
    pub unchanged: u64,
    pub rejected: u64,
    pub rejected_rows: Vec<Rejected>,
    #[serde(default)]
    pub noted_rows: Vec<Noted>,
    /// Ids of the records created or changed (their listeners are told).
    #[serde(skip)]
    pub changed_ids: Vec<i64>,
}

impl Report {
    /// Count a refused row.
    pub fn reject(&mut self, line: u64, errors: &[FieldError], lang: Lang) {
        self.rejected += 1;
        self.rejected_rows.push(Rejected { line, reason: super::reason(errors, lang) });
    }

    /// The report as a line for people: "12 dòng: 10 thêm mới, 1 có thay đổi, …".
    pub fn summary(&self, lang: Lang) -> String {
        let part = |key: &str, n: u64| format!("{} {}", Tr::new(lang).int(n as i64), t(lang, key));
        let mut s = format!(
            "{}: {}, {}, {}, {}",
            part("job.result.rows", self.rows),
            part("job.result.inserted", self.inserted),
            part("job.result.updated", self.updated),
            part("job.result.unchanged", self.unchanged),
            part("job.result.rejected", self.rejected)
        );
        if !self.noted_rows.is_empty() {
            s += &format!(" ({})", part("job.result.noted", self.noted_rows.len() as u64));
        }
        s
    }
}

/// Who imports, for the audit log.
pub struct Importer<'a> {
    pub user_id: Option<i64>,
    /// E-mail, or "cli".
    pub actor: &'a str,
    pub ip: Option<&'a str>,
}

impl<'a> Importer<'a> {
    /// A user importing through a page or the API.
    pub fn user(user: &'a crate::auth::User, ctx: &'a Ctx) -> Importer<'a> {
        Importer { user_id: Some(user.id), actor: &user.email, ip: ctx.ip.as_deref() }
    }

    /// An operator at the command line.
    pub const CLI: Importer<'static> = Importer { user_id: None, actor: "cli", ip: None };

    /// Record a row's change in the audit log.
    pub async fn audit(&self, db: &Db, province: &str, action: Action, entity: &str, id: i64) -> anyhow::Result<()> {
        let id = id.to_string();
        let event = Event {
            user_id: self.user_id,
            actor: self.actor,
            action,
            entity,
            entity_id: Some(&id),
            detail: Some("import"),
            ip: self.ip,
        };
        audit::record(db, province, event).await
    }
}

/// A file refused as a whole: the message key (the API's) and what the
/// reader is told ("Thiếu các cột bắt buộc: Mã số thuế").
pub type Refused = (&'static str, String);

/// Receive the uploaded file, run the import on it, remove it. Who may
/// import is decided by the caller before this reads the body.
pub async fn receive_and_run<F, Fut>(
    st: &AppState,
    lang: Lang,
    mp: Result<Multipart, MultipartRejection>,
    max: u64,
    run: F,
) -> AppResult<Result<Report, Refused>>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: Future<Output = anyhow::Result<Report>>,
{
    let mp = mp.map_err(|_| AppError::bad("import.no_file"))?;
    let dir = st.settings.data_dir.join("imports");
    let path = match super::upload::receive(&dir, mp, max).await {
        Ok((path, _)) => path,
        Err(AppError::BadRequest { key, .. }) => return Ok(Err((key, t(lang, key).to_owned()))),
        Err(e) => return Err(e),
    };
    let result = run(path.clone()).await;
    let _ = tokio::fs::remove_file(&path).await;
    match result {
        Ok(report) => Ok(Ok(report)),
        Err(e) => match e.downcast_ref::<super::SheetError>() {
            Some(s) => Ok(Err((s.key(), s.message(lang)))),
            None => Err(AppError::from(e)),
        },
    }
}

/// The API's answer to an upload: the report, or the file's refusal as a 400.
pub fn api_answer(outcome: Result<Report, Refused>) -> AppResult<axum::Json<Report>> {
    match outcome {
        Ok(report) => Ok(axum::Json(report)),
        Err((key, _)) => Err(AppError::bad(key)),
    }
}

/// Read every row of a list (off the async threads).
pub async fn read_all<F: super::Columns + Send + 'static>(path: &Path) -> anyhow::Result<Vec<super::RawRow<F>>> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut rows = Vec::new();
        super::read_rows(
            &path,
            |_| Ok(()),
            |r| {
                rows.push(r);
                Ok(())
            },
        )?;
        Ok(rows)
    })
    .await?
}

/// The page to upload a list and read what came of it.
#[derive(Template)]
#[template(path = "list_import.html")]
pub struct ImportPage {
    pub page: Page,
    /// What the page explains (a message key).
    pub hint: &'static str,
    /// Where the form posts, the template's link, and where to go after.
    pub action: &'static str,
    pub template: &'static str,
    pub back: (&'static str, &'static str),
    pub report: Option<Report>,
    pub summary: String,
    /// Why the file was refused as a whole.
    pub error: Option<String>,
}

impl ImportPage {
    /// The page before an upload: `title` and `hint` are message keys.
    pub fn new(
        ctx: &Ctx,
        title: &str,
        hint: &'static str,
        action: &'static str,
        template: &'static str,
        back: (&'static str, &'static str),
    ) -> Self {
        ImportPage {
            page: ctx.page(title),
            hint,
            action,
            template,
            back,
            report: None,
            summary: String::new(),
            error: None,
        }
    }

    /// The page after an upload: the report, or why the file was refused (422).
    pub fn answer(mut self, outcome: Result<Report, Refused>) -> AppResult<Response> {
        Ok(match outcome {
            Ok(report) => {
                self.summary = report.summary(self.page.tr.lang);
                self.report = Some(report);
                render(self)?.into_response()
            }
            Err((_, message)) => {
                self.error = Some(message);
                (StatusCode::UNPROCESSABLE_ENTITY, render(self)?).into_response()
            }
        })
    }
}

/// An XLSX download (a template).
pub fn xlsx(file_name: &str, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
