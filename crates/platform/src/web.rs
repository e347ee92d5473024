//! The web shell: per-request context (user, language, CSRF), the error
//! renderer, page chrome for templates and embedded static files.

use crate::auth::User;
use crate::error::{api_error_body, AppError, ErrorPayload};
use crate::i18n::{Lang, Tr};
use crate::state::AppState;
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use futures_util::FutureExt;
use rand::RngCore;
use std::net::SocketAddr;
use tower_sessions::Session;

pub const SESSION_USER: &str = "user_id";
pub const SESSION_CSRF: &str = "csrf";
pub const LANG_COOKIE: &str = "lang";
/// Largest urlencoded form body read to find the CSRF field.
const FORM_LIMIT: usize = 1 << 20;

/// Who is asking, in which language, and how they want the answer.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub user: Option<User>,
    pub lang: Lang,
    pub csrf: String,
    pub ip: Option<String>,
    pub path: String,
    /// The path with its (non-empty) query: where a language switch returns.
    pub here: String,
    /// `/api/…` or asked for JSON: errors become JSON.
    pub api: bool,
    /// An htmx request: errors become toasts.
    pub htmx: bool,
    /// Authenticated by bearer token (no cookies, so no CSRF check).
    pub via_token: bool,
    /// Unread notifications (pages of logged-in users).
    pub unread: i64,
    /// Who runs this installation (page header and footer).
    pub org: std::sync::Arc<crate::state::Org>,
}

impl Ctx {
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }
    pub fn page(&self, title_key: &str) -> Page {
        Page {
            tr: self.tr(),
            title: crate::i18n::t(self.lang, title_key).to_owned(),
            user: self.user.clone(),
            csrf: self.csrf.clone(),
            path: self.path.clone(),
            here: self.here.clone(),
            unread: self.unread,
            org: self.org.clone(),
        }
    }
}

/// Public read-only pages (the job board, its feeds): an anonymous visit
/// starts no session, so they stay fast and cacheable. Forms live elsewhere.
const SESSIONLESS: [&str; 3] = ["/jobs", "/sitemap.xml", "/robots.txt"];

fn sessionless(path: &str) -> bool {
    SESSIONLESS.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, AppError> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| AppError::internal("request context missing"))
    }
}

/// A random secret: 24 bytes as hex (sessions' CSRF tokens, capability links).
pub fn random_token() -> String {
    let mut b = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// The bearer token of `Authorization` (the scheme in any case, RFC 7235).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim_start();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The client's address: the peer's, unless the peer is one of our trusted
/// reverse proxies; then the last address of `X-Forwarded-For` that is not
/// itself a trusted proxy (what a client writes there itself comes first
/// and is never believed).
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    headers: &HeaderMap,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in forwarded.iter().rev() {
        match hop.parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return Some(ip),
            // Garbage in the chain: the last address we can vouch for.
            Err(_) => break,
        }
    }
    Some(peer)
}

fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Resolve the request context, enforce CSRF on state-changing requests, and
/// present any [`AppError`] the handler returned in the way the caller expects.
pub async fn context(
    State(state): State<AppState>,
    session: Session,
    jar: CookieJar,
    req: Request,
    next: Next,
) -> Response {
    let secure = state.settings.secure_cookies;
    let mut res = match context_inner(state, session, jar, req, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    };
    let h = res.headers_mut();
    // Pages and API answers may carry personal data: kept by no cache, no
    // browser history, unless a response says otherwise (the public feeds).
    h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    h.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    // The camera for scanning tickets, camera and microphone for video
    // interviews, from this site only; nothing else.
    h.entry("permissions-policy")
        .or_insert(HeaderValue::from_static("camera=(self), microphone=(self), geolocation=(), payment=()"));
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

async fn context_inner(
    state: AppState,
    session: Session,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let headers = req.headers().clone();
    let wants_json =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.starts_with("application/json"));
    let api = path.starts_with("/api/") || wants_json;
    let htmx = headers.contains_key("hx-request");
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let ip = client_address(peer, &headers, &state.settings.trusted_proxies).map(|a| a.to_string());

    // Identity: a bearer token, else the session.
    let mut via_token = false;
    let user = if let Some(token) = bearer(&headers) {
        via_token = true;
        match state.identities.by_token(&state.db, token).await? {
            Some(u) => Some(u),
            None => {
                let ctx = Ctx {
                    user: None,
                    lang: Lang::Vi,
                    csrf: String::new(),
                    ip,
                    here: path.clone(),
                    path,
                    api: true,
                    htmx,
                    via_token,
                    unread: 0,
                    org: state.settings.org.clone(),
                };
                return Ok(present_error(&ctx, AppError::Unauthorized));
            }
        }
    } else {
        match session.get::<i64>(SESSION_USER).await.map_err(|e| anyhow::anyhow!(e))? {
            Some(id) => state.identities.by_id(&state.db, id).await?,
            None => None,
        }
    };

    // Language: explicit ?lang=, else the user's choice, else (API) Accept-Language
    // or (pages) the visitor's cookie; Vietnamese by default.
    let lang = query_param(query.as_deref(), "lang")
        .and_then(|l| Lang::parse(&l))
        .or_else(|| user.as_ref().map(|u| u.lang))
        .or_else(|| {
            if api {
                headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language)
            } else {
                jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value()))
            }
        })
        .unwrap_or_default();

    // CSRF: a synchronizer token kept in the session, for pages only.
    let mut csrf = String::new();
    // A token made for this request: kept only if a page with forms uses it.
    let mut minted = false;
    if !via_token && !path.starts_with("/static/") {
        let is_get = matches!(*req.method(), Method::GET | Method::HEAD);
        csrf = match session.get::<String>(SESSION_CSRF).await.map_err(|e| anyhow::anyhow!(e))? {
            Some(t) => t,
            None if user.is_none() && is_get && sessionless(&path) => String::new(),
            None if !api || !is_get => {
                let t = random_token();
                session.insert(SESSION_CSRF, &t).await.map_err(|e| anyhow::anyhow!(e))?;
                minted = true;
                t
            }
            None => String::new(),
        };
    }
    let unread = match &user {
        Some(u) if !api && !htmx => crate::notify::unread_count(&state.db, u.id).await?,
        _ => 0,
    };
    let org = state.settings.org.clone();
    let kept = query.as_deref().map(|q| without_empty_params(q).unwrap_or_else(|| q.to_owned()));
    // The language choice itself is not carried along.
    let kept: Option<String> =
        kept.map(|q| q.split('&').filter(|p| !p.starts_with("lang=")).collect::<Vec<_>>().join("&"));
    let here = match kept.as_deref() {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.clone(),
    };
    let ctx = Ctx { user, lang, csrf, ip, path, here, api, htmx, via_token, unread, org };
    // A NUL is never text (PostgreSQL refuses it in any string): refused
    // here, for every parameter of every route.
    let nul = |s: &str| url::form_urlencoded::parse(s.as_bytes()).any(|(k, v)| k.contains('\0') || v.contains('\0'));
    if query.as_deref().is_some_and(nul) || ctx.path.contains("%00") {
        return Ok(forget_unused(&session, minted, present_error(&ctx, AppError::bad("err.bad_request"))).await);
    }

    // A role that must use a second factor: nothing but its set-up until
    // the user has one (a token, issued by an administrator, is not asked).
    if let Some(u) = &ctx.user {
        if !via_token && u.second_factor_required && !u.second_factor && !crate::account::open_before_setup(&ctx.path) {
            if ctx.api {
                return Ok(present_error(&ctx, AppError::Forbidden));
            }
            let mut res = Redirect::to(crate::account::SETUP_PATH).into_response();
            if ctx.htmx {
                res = StatusCode::NO_CONTENT.into_response();
                res.headers_mut().insert("hx-redirect", HeaderValue::from_static(crate::account::SETUP_PATH));
            }
            return Ok(res);
        }
    }

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A JSON body cannot be sent from another site without a CORS preflight,
    // which this server never grants: an anonymous JSON call (a public
    // registration) needs no CSRF token. A logged-in browser still does.
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json"));
    if unsafe_method && !via_token && !(is_json && ctx.user.is_none()) {
        let mut supplied = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .or_else(|| query_param(query.as_deref(), "_csrf"));
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if supplied.is_none() && is_form {
            // Read the form to find the field, then hand the same bytes on.
            let (parts, body) = req.into_parts();
            let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::TooLarge)?;
            supplied = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "_csrf").map(|(_, v)| v.into_owned());
            req = Request::from_parts(parts, Body::from(bytes));
        }
        let ok = !ctx.csrf.is_empty() && supplied.as_deref().is_some_and(|s| constant_time_eq(s, &ctx.csrf));
        if !ok {
            // An API write with neither a token nor a session lacks
            // credentials, not a form token.
            let err = if ctx.api && ctx.user.is_none() { AppError::Unauthorized } else { AppError::Csrf };
            return Ok(forget_unused(&session, minted, present_error(&ctx, err)).await);
        }
    }

    if let Some(q) = query.as_deref() {
        if let Some(kept) = without_empty_params(q) {
            let path = &ctx.path;
            let pq = if kept.is_empty() { path.clone() } else { format!("{path}?{kept}") };
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq.parse().map_err(|_| AppError::bad("err.bad_request"))?);
            *req.uri_mut() = axum::http::Uri::from_parts(parts).map_err(|_| AppError::bad("err.bad_request"))?;
        }
    }
    req.extensions_mut().insert(ctx.clone());
    let res = run_and_present(&ctx, req, next).await;
    Ok(forget_unused(&session, minted, res).await)
}

/// An anonymous visit that got no page (`/healthz`, a 404, a redirect, a
/// file, JSON) keeps no session row: the form token made for it is dropped,
/// which leaves the session empty, so it is never stored.
async fn forget_unused(session: &Session, minted: bool, res: Response) -> Response {
    let page = res.status().is_success()
        && res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if minted && !page {
        let _ = session.remove::<String>(SESSION_CSRF).await;
    }
    res
}

/// Run the handler; present its error (or a panic) the caller's way.
async fn run_and_present(ctx: &Ctx, req: Request, next: Next) -> Response {
    // A panic in a handler is a bug, but never a dropped connection: the
    // caller gets a 500 in their language, the log gets the panic.
    let res = match std::panic::AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(res) => res,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(path = %ctx.path, panic = %what, "a handler panicked");
            return present_error(ctx, AppError::Internal(anyhow::anyhow!("panic in {}: {what}", ctx.path)));
        }
    };
    match res.extensions().get::<ErrorPayload>().cloned() {
        Some(ErrorPayload(err)) => present_arc(ctx, &err),
        // axum's own rejections (a bad path, query or body) are plain English
        // text: present them like ours, in the caller's language.
        None if res.status().is_client_error()
            && res.status() != StatusCode::NOT_FOUND
            && !res.headers().contains_key(header::LOCATION)
            && res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/plain")) =>
        {
            let err = if res.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::bad("err.bad_request")
            };
            present_arc(ctx, &err)
        }
        None => res,
    }
}

/// A form sends every field, and an empty one means "no filter": the query
/// string without its empty parameters (`wage=&km=`), so no handler, page or
/// API ever refuses one. `None` when there is nothing to drop.
pub fn without_empty_params(query: &str) -> Option<String> {
    let empty =
        |pair: &str| pair.is_empty() || pair.split_once('=').is_some_and(|(_, v)| v.trim_matches('+').is_empty());
    if !query.split('&').any(empty) {
        return None;
    }
    Some(query.split('&').filter(|p| !empty(p)).collect::<Vec<_>>().join("&"))
}

/// Log `user_id` in on this browser: a new session id (no fixation) and a
/// new form token.
pub async fn start_session(session: &Session, user_id: i64) -> Result<(), AppError> {
    session.cycle_id().await.map_err(|e| anyhow::anyhow!(e))?;
    session.insert(SESSION_USER, user_id).await.map_err(|e| anyhow::anyhow!(e))?;
    session.insert(SESSION_CSRF, random_token()).await.map_err(|e| anyhow::anyhow!(e))?;
    Ok(())
}

/// Compare secrets without telling by the time taken where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn present_error(ctx: &Ctx, err: AppError) -> Response {
    present_arc(ctx, &err)
}

/// [`present_plain`], with `Retry-After` when the caller must wait.
fn present_arc(ctx: &Ctx, err: &AppError) -> Response {
    let mut res = present_plain(ctx, err);
    if let AppError::TooManyAttempts { wait_seconds, .. } = err {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*wait_seconds));
    }
    res
}

/// JSON for the API, a toast for htmx, a redirect to login, or a full page.
fn present_plain(ctx: &Ctx, err: &AppError) -> Response {
    let status = err.status();
    if ctx.api {
        let mut res = (status, axum::Json(api_error_body(err, ctx.lang))).into_response();
        if matches!(err, AppError::Unauthorized) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        return res;
    }
    if matches!(err, AppError::Unauthorized) {
        let next: String = url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect();
        let to = format!("/login?next={next}");
        if ctx.htmx {
            let mut res = StatusCode::NO_CONTENT.into_response();
            res.headers_mut().insert("hx-redirect", HeaderValue::from_str(&to).expect("ascii"));
            return res;
        }
        return Redirect::to(&to).into_response();
    }
    let message = err.message(ctx.lang);
    if ctx.htmx {
        let toast = Toast { message: &message };
        let mut res = (status, Html(toast.render().unwrap_or_default())).into_response();
        res.headers_mut().insert("hx-retarget", HeaderValue::from_static("#toasts"));
        res.headers_mut().insert("hx-reswap", HeaderValue::from_static("beforeend"));
        return res;
    }
    let page =
        ErrorPage { page: ctx.page(&format!("err.title.{}", status.as_u16())), status: status.as_u16(), message };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, err.code()).into_response(),
    }
}

#[derive(Template)]
#[template(path = "toast.html")]
struct Toast<'a> {
    message: &'a str,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    message: String,
}

/// Everything the page layout needs.
#[derive(Debug, Clone)]
pub struct Page {
    pub tr: Tr,
    pub title: String,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
    pub here: String,
    pub unread: i64,
    pub org: std::sync::Arc<crate::state::Org>,
}

/// One entry of the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The department's menu (staff); the administrator's adds users and the audit log.
const STAFF_MENU: [(&str, &str); 17] = [
    ("/", "nav.home"),
    ("/dashboard", "nav.dashboard"),
    ("/registry", "nav.registry"),
    ("/vacancies", "nav.vacancies"),
    ("/sessions", "nav.sessions"),
    ("/placements", "nav.placements"),
    ("/abroad", "nav.abroad"),
    ("/targets", "nav.targets"),
    ("/poverty", "nav.poverty"),
    ("/training", "nav.training"),
    ("/emulation", "nav.emulation"),
    ("/employers", "nav.employers"),
    ("/applications", "nav.applications"),
    ("/recruitment-needs", "nav.needs"),
    ("/registry/indicators", "nav.indicators"),
    ("/jobs", "nav.jobs"),
    ("/units", "nav.units"),
];
const ADMIN_MENU: [(&str, &str); 21] = {
    let mut all = [("", ""); 21];
    let mut i = 0;
    while i < STAFF_MENU.len() {
        all[i] = STAFF_MENU[i];
        i += 1;
    }
    all[17] = ("/admin/users", "nav.users");
    all[18] = ("/admin/audit", "nav.audit");
    all[19] = ("/admin/jobs", "nav.background_jobs");
    all[20] = ("/admin/exchange", "nav.exchange");
    all
};

/// A role's menu, what it does most first; only pages the role may open
/// (a link that ends in "forbidden" is a broken promise).
fn menu(role: crate::auth::Role) -> &'static [(&'static str, &'static str)] {
    use crate::auth::Role::*;
    match role {
        Admin => &ADMIN_MENU,
        Staff => &STAFF_MENU,
        CommuneOfficer => &[
            ("/", "nav.home"),
            ("/registry", "nav.registry"),
            ("/registry/indicators", "nav.indicators"),
            ("/vacancies", "nav.vacancies"),
            ("/sessions", "nav.sessions"),
            ("/placements", "nav.placements"),
            ("/poverty", "nav.poverty"),
            ("/training", "nav.training"),
            ("/dashboard", "nav.dashboard"),
            ("/employers", "nav.employers"),
            ("/recruitment-needs", "nav.needs"),
            ("/jobs", "nav.jobs"),
            ("/units", "nav.units"),
        ],
        Employer => &[
            ("/", "nav.home"),
            ("/vacancies", "nav.my_vacancies"),
            ("/applications", "nav.applications"),
            ("/sessions", "nav.sessions"),
            ("/recruitment-needs", "nav.needs"),
            ("/employers", "nav.my_employer"),
            ("/jobs", "nav.jobs"),
        ],
        JobSeeker => &[
            ("/", "nav.home"),
            ("/jobs", "nav.jobs"),
            ("/sessions", "nav.sessions"),
            ("/applications", "nav.my_applications"),
        ],
        School => &[
            ("/", "nav.home"),
            ("/training", "nav.training"),
            ("/training/classes", "tr.classes"),
            ("/training/visits", "tr.visits"),
            ("/jobs", "nav.jobs"),
            ("/units", "nav.units"),
        ],
        Viewer => &[
            ("/dashboard", "nav.dashboard"),
            ("/registry/indicators", "nav.indicators"),
            ("/targets", "nav.targets"),
            ("/poverty", "nav.poverty"),
            ("/training", "nav.training"),
            ("/emulation", "nav.emulation"),
            ("/recruitment-needs", "nav.needs"),
            ("/jobs", "nav.jobs"),
            ("/units", "nav.units"),
        ],
    }
}

/// What a role does most, as the first buttons of its home page.
fn first_actions(role: crate::auth::Role) -> &'static [(&'static str, &'static str)] {
    use crate::auth::Role::*;
    match role {
        Admin => {
            &[("/admin/users", "home.do.users"), ("/registry/import", "home.do.import"), ("/admin/audit", "nav.audit")]
        }
        Staff => &[
            ("/registry/new", "home.do.add_person"),
            ("/vacancies?status=pending", "home.do.review_vacancies"),
            ("/registry/import", "home.do.import"),
        ],
        CommuneOfficer => &[
            ("/registry/new", "home.do.add_person"),
            ("/registry", "home.do.find_person"),
            ("/registry/import", "home.do.import"),
        ],
        Employer => &[("/vacancies/new", "home.do.post_vacancy"), ("/applications", "home.do.applicants")],
        JobSeeker => &[("/jobs", "home.do.find_job"), ("/applications", "nav.my_applications")],
        School => {
            &[("/training/classes", "tr.enrol"), ("/training/import", "tr.import"), ("/training", "nav.training")]
        }
        Viewer => &[("/registry/indicators", "nav.indicators"), ("/recruitment-needs", "home.do.demand_report")],
    }
}

impl Page {
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        crate::i18n::t(self.tr.lang, key)
    }
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }
    pub fn other_lang(&self) -> &'static str {
        self.tr.lang.other().code()
    }
    /// What is wrong with `field`, in the page's language (`None`: nothing).
    pub fn field_error(&self, errors: &[crate::error::FieldError], field: &str) -> Option<String> {
        self.tr.field_error(errors, field)
    }
    /// This page's table as a download (`csv` or `xlsx`), with the same filters.
    pub fn download(&self, format: &str) -> String {
        let sep = if self.here.contains('?') { '&' } else { '?' };
        format!("{}{sep}format={format}", self.here)
    }
    /// The current path and query, URL-encoded (for `next=` links).
    pub fn here_encoded(&self) -> String {
        url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect()
    }
    pub fn other_lang_label(&self) -> &'static str {
        match self.tr.lang {
            Lang::Vi => "English",
            Lang::En => "Tiếng Việt",
        }
    }
    /// The navigation for this user's role (nothing for visitors).
    pub fn nav(&self) -> Vec<NavItem> {
        let Some(user) = &self.user else {
            return vec![];
        };
        let items = menu(user.role);
        // The current page belongs to the item with the longest matching path.
        let current = items
            .iter()
            .map(|(href, _)| *href)
            .filter(|href| if *href == "/" { self.path == "/" } else { self.path.starts_with(href) })
            .max_by_key(|href| href.len());
        items
            .iter()
            .map(|(href, key)| NavItem {
                href,
                label: crate::i18n::t(self.tr.lang, key),
                active: Some(*href) == current,
            })
            .collect()
    }

    /// The home page's first buttons for this user's role.
    pub fn first_actions(&self) -> Vec<(&'static str, &str)> {
        let Some(user) = &self.user else {
            return vec![];
        };
        first_actions(user.role).iter().map(|(href, key)| (*href, crate::i18n::t(self.tr.lang, key))).collect()
    }
}

/// A date typed in a query, dd/mm/yyyy or YYYY-MM-DD; an empty field is no
/// date (no filter), anything else unreadable is refused naming `field`.
pub fn query_date(field: &str, s: Option<&str>) -> Result<Option<chrono::NaiveDate>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::i18n::parse_date(s).map(Some).ok_or_else(|| AppError::invalid(field, "err.date.invalid")),
    }
}

/// A year typed in a query ("" is no filter); anything else unreadable is
/// refused naming `field`.
pub fn query_year(field: &str, s: Option<&str>) -> Result<Option<i32>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match s.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(Some(y)),
            _ => Err(AppError::invalid(field, "err.number.invalid")),
        },
    }
}

/// A value for a query string.
pub fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Render a template into an HTML response.
pub fn render(t: impl Template) -> Result<Html<String>, AppError> {
    t.render().map(Html).map_err(|e| AppError::Internal(e.into()))
}

/// A safe local redirect target (never another site).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // A path on this site only: no "//host", no backslash, no control or
        // white-space characters (browsers drop a tab and would follow "/\t/host").
        Some(n)
            if n.starts_with('/')
                && !n[1..].starts_with(['/', '\\'])
                && !n.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Static files compiled into the binary, served with long cache lifetimes
/// (names carry versions).
pub fn static_file(name: &str) -> Option<(&'static [u8], &'static str)> {
    Some(match name {
        "app.css" => (include_bytes!("../../../static/app.css"), "text/css; charset=utf-8"),
        "app.js" => (include_bytes!("../../../static/app.js"), "text/javascript; charset=utf-8"),
        "sessions.js" => (include_bytes!("../../../static/sessions.js"), "text/javascript; charset=utf-8"),
        "dashboard.js" => (include_bytes!("../../../static/dashboard.js"), "text/javascript; charset=utf-8"),
        "vendor/chart-4.6.1.umd.min.js" => {
            (include_bytes!("../../../static/vendor/chart-4.6.1.umd.min.js"), "text/javascript; charset=utf-8")
        }
        "vendor/jsQR-1.4.0.js" => {
            (include_bytes!("../../../static/vendor/jsQR-1.4.0.js"), "text/javascript; charset=utf-8")
        }
        "vendor/htmx-2.0.11.min.js" => {
            (include_bytes!("../../../static/vendor/htmx-2.0.11.min.js"), "text/javascript; charset=utf-8")
        }
        "vendor/swagger-ui-bundle-5.35.0.js" => {
            (include_bytes!("../../../static/vendor/swagger-ui-bundle-5.35.0.js"), "text/javascript; charset=utf-8")
        }
        "vendor/swagger-ui-5.35.0.css" => {
            (include_bytes!("../../../static/vendor/swagger-ui-5.35.0.css"), "text/css; charset=utf-8")
        }
        "favicon.svg" | "favicon.ico" => (include_bytes!("../../../static/favicon.svg"), "image/svg+xml"),
        _ => return None,
    })
}

/// The operating organisation's logo (its own file, or the built-in mark).
pub fn org_logo(org: &crate::state::Org) -> Response {
    let (bytes, mime): (Vec<u8>, &str) = match &org.logo {
        Some((b, m)) => (b.clone(), m),
        None => (include_bytes!("../../../static/favicon.svg").to_vec(), "image/svg+xml"),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
            // An SVG opened on its own must not run anything.
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes,
    )
        .into_response()
}

pub async fn serve_static(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match static_file(&name) {
        Some((bytes, mime)) => {
            let headers = [
                (header::CONTENT_TYPE, mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ];
            (headers, bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_params_mean_no_filter() {
        assert_eq!(without_empty_params("q=ke+toan&wage=&km=10&page="), Some("q=ke+toan&km=10".into()));
        assert_eq!(without_empty_params("q=&wage="), Some(String::new()));
        assert_eq!(without_empty_params("q=+&abroad=1"), Some("abroad=1".into()), "a lone space is empty too");
        assert_eq!(without_empty_params("q=tho&page=2"), None, "nothing to drop");
        assert_eq!(without_empty_params("a&&b=1"), Some("a&b=1".into()));
    }

    #[test]
    fn client_address_believes_trusted_proxies_only() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"));
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // Not from a proxy: the header is anyone's to write.
        assert_eq!(client_address(Some(ip("198.51.100.1")), &h, &proxies), Some(ip("198.51.100.1")));
        // From the proxy: the last hop it did not add itself.
        assert_eq!(client_address(Some(ip("10.0.0.1")), &h, &proxies), Some(ip("203.0.113.7")));
        assert_eq!(client_address(Some(ip("10.0.0.1")), &HeaderMap::new(), &proxies), Some(ip("10.0.0.1")));
        h.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(client_address(Some(ip("10.0.0.1")), &h, &proxies), Some(ip("10.0.0.1")));
    }

    #[test]
    fn bearer_scheme_in_any_case() {
        let mut h = HeaderMap::new();
        for v in ["Bearer abc", "bearer abc", "BEARER  abc "] {
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(v));
            assert_eq!(bearer(&h), Some("abc"), "{v}");
        }
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/admin/users")), "/admin/users");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/a\nb")), "/");
    }

    #[test]
    fn public_pages_start_no_session() {
        assert!(sessionless("/jobs"));
        assert!(sessionless("/jobs/12"));
        assert!(sessionless("/sitemap.xml"));
        assert!(!sessionless("/jobsearch"));
        assert!(!sessionless("/apply/12"));
        assert!(!sessionless("/registry"));
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}

/// A JSON request body: one that does not parse is a 400 in the caller's
/// language (axum's own rejection is English text), so handlers need not
/// map it each time.
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = AppError;
    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(_) => Err(AppError::bad("err.bad_request")),
        }
    }
}
