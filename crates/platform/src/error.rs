//! One error type for every handler. It becomes, depending on who asked:
//! a JSON body (API), a toast (htmx), a redirect to the login page, or a full
//! error page — see [`crate::web::render_errors`], which knows the request.

use crate::i18n::{fill, t, Lang};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A field-level problem, named so the user can find it (row for imports).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    /// i18n key of the message.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
}

impl FieldError {
    pub fn new(field: &str, code: &str) -> Self {
        Self { field: field.into(), code: code.into(), row: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("login required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// A message key, with `{placeholders}` filled from `args`.
    #[error("bad request: {key}")]
    BadRequest { key: &'static str, args: Vec<(&'static str, String)> },
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The record exists already (a message key).
    #[error("conflict: {key}")]
    Conflict { key: &'static str },
    /// Throttled: the message key (with `{wait}`, "3 phút") and how long to
    /// wait, in seconds (sent as `Retry-After`).
    #[error("too many attempts")]
    TooManyAttempts { key: &'static str, wait_seconds: u64 },
    #[error("csrf")]
    Csrf,
    /// A body over the size limit.
    #[error("too large")]
    TooLarge,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl AppError {
    pub fn internal(msg: &str) -> Self {
        AppError::Internal(anyhow::anyhow!(msg.to_owned()))
    }
    /// Throttled for `wait`, rounded up to whole seconds (at least one), as
    /// `Retry-After` gives it.
    pub fn too_many(key: &'static str, wait: std::time::Duration) -> Self {
        AppError::TooManyAttempts { key, wait_seconds: (wait.as_secs_f64().ceil() as u64).max(1) }
    }
    pub fn bad(key: &'static str) -> Self {
        AppError::BadRequest { key, args: vec![] }
    }
    pub fn invalid(field: &str, code: &str) -> Self {
        AppError::Invalid(vec![FieldError { field: field.into(), code: code.into(), row: None }])
    }
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::TooLarge => "too_large",
            AppError::Internal(_) => "internal",
        }
    }
    /// The message in the user's language. Internal details are never shown.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::BadRequest { key, args } => {
                let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                fill(t(lang, key), &args)
            }
            AppError::Conflict { key } => t(lang, key).to_owned(),
            AppError::TooManyAttempts { key, wait_seconds } => {
                let wait = if *wait_seconds < 60 {
                    fill(t(lang, "err.wait.seconds"), &[("n", &wait_seconds.max(&1).to_string())])
                } else {
                    fill(t(lang, "err.wait.minutes"), &[("n", &wait_seconds.div_ceil(60).to_string())])
                };
                fill(t(lang, key), &[("wait", &wait)])
            }
            AppError::Invalid(fields) => fields
                .iter()
                .map(|f| {
                    let field = t(lang, &format!("field.{}", f.field)).to_owned();
                    let msg = t(lang, &f.code);
                    match f.row {
                        Some(r) => {
                            fill(t(lang, "err.row_field"), &[("row", &r.to_string()), ("field", &field), ("msg", msg)])
                        }
                        None => format!("{field}: {msg}"),
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => t(lang, &format!("err.{}", other.code())).to_owned(),
        }
    }
}

/// Carried in the response so the rendering middleware can present it.
#[derive(Clone)]
pub struct ErrorPayload(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let mut res = (self.status(), self.code()).into_response();
        res.extensions_mut().insert(ErrorPayload(std::sync::Arc::new(self)));
        res
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// Stable machine code: not_found, unauthorized, forbidden, invalid, …
    pub code: String,
    /// Human message in the requested language (Accept-Language or ?lang=).
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

pub fn api_error_body(err: &AppError, lang: Lang) -> ApiError {
    ApiError {
        error: ApiErrorBody {
            code: err.code().into(),
            message: err.message(lang),
            fields: match err {
                AppError::Invalid(f) => f.clone(),
                _ => vec![],
            },
        },
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Complete an API document with the error answers the platform gives on
/// any operation, where the operation does not describe them itself: 400 (a
/// path, query or body that cannot be read), 401 (a bearer token that is not
/// valid, or none where one is needed), 403 (no right, or a form without
/// its CSRF token), 404 (an id in the path or the body that is not there),
/// 413 and 422 (a body too
/// large or not valid). Each is an [`ApiError`], described once under
/// `components/responses`.
pub fn document_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    const COMMON: [(&str, &str, &str); 6] = [
        ("400", "BadRequest", "The request cannot be read (a malformed parameter or body)."),
        ("401", "Unauthorized", "No valid credentials: the bearer token is unknown or revoked, or one is needed."),
        ("403", "Forbidden", "Not allowed for this account (or a session's form without its CSRF token)."),
        (
            "404",
            "NotFound",
            "No such record, in the path or referred to by the body (or not one this account may see).",
        ),
        ("413", "TooLarge", "The body is larger than the server accepts."),
        ("422", "Invalid", "The body is not valid: `fields` names each field and its reason."),
    ];
    let components = doc.components.get_or_insert_with(Default::default);
    for (_, name, description) in COMMON {
        let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build();
        let answer = ResponseBuilder::new().description(description).content("application/json", content).build();
        components.responses.insert(name.to_owned(), RefOr::T(answer));
    }
    for item in doc.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for op in ops.into_iter().flatten() {
            let has_path_id = op.parameters.iter().flatten().any(|p| matches!(p.parameter_in, ParameterIn::Path));
            let has_body = op.request_body.is_some();
            for (code, name, _) in COMMON {
                let applies = match code {
                    // An id in the path, or one the body refers to.
                    "404" => has_path_id || has_body,
                    "413" | "422" => has_body,
                    _ => true,
                };
                if applies {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
                }
            }
        }
    }
}
