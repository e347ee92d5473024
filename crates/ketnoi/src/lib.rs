//! Kết Nối: wiring of the capabilities into one application, shared by the
//! `ketnoi` binary and the test harness.

pub mod demo;

/// Imports allocate millions of small strings on one thread and free them on
/// another; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Have mimalloc hand freed memory back to the system at once rather than
/// keeping it a while: an import's peak memory is then what it needs
/// (measured: 215 MB instead of 270 MB for a million rows, no slower).
/// Called first thing by the commands that run a job and end; not by the
/// server, whose requests allocate and free the same sizes over and over.
pub fn tune_allocator() {
    // `mi_option_purge_delay` in mimalloc's option enum (v2 and v3), which the
    // crate does not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets a process-wide tuning option, which mimalloc allows at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
}

use axum::Router;
use platform::{AppState, Db, Settings};
use tower_sessions::{Expiry, SessionManagerLayer};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Kết Nối API", description = "Labour-market information system of a Vietnamese province: \
        reference data, accounts, and (as they are built) the labour registry, employers and vacancies, \
        matching, job fairs, placements, training, poverty reduction, emulation and indicators. \
        Authenticate with `Authorization: Bearer <token>` (`ketnoi token issue EMAIL`). \
        Errors: `{\"error\": {\"code\", \"message\", \"fields\"}}` in the language of `Accept-Language` or `?lang=vi|en`."),
    modifiers(&BearerAuth),
    tags((name = "platform", description = "Health, identity, audit"),
         (name = "reference data", description = "Administrative units (2025 and legacy), address resolution, occupations, code lists"),
         (name = "registry", description = "Labour registry (cung lao động): people aged 15+, search, import, indicators"),
         (name = "employers", description = "Employers (doanh nghiệp): registration, approval, recruitment-needs declarations"),
         (name = "vacancies", description = "Vacancies (tin tuyển dụng): the public board's search, and managing vacancies"),
         (name = "applications", description = "Applications (hồ sơ ứng tuyển) and their statuses"),
         (name = "matching", description = "Matching and referral (kết nối cung – cầu, giới thiệu việc làm): ranked candidates and vacancies with their reasons, referrals and their outcomes"),
         (name = "sessions", description = "Job-exchange sessions (phiên giao dịch việc làm): booths, registration with tickets, check-in, interviews and their outcomes, the session report"),
         (name = "placements", description = "Jobs created (việc làm tăng thêm) and targets (chỉ tiêu): placements, the jobs-created indicator, yearly targets and their pace"),
         (name = "poverty", description = "Poverty reduction (giảm nghèo): the multidimensional standard's classification, households, yearly reviews, transitions"),
         (name = "training", description = "Vocational training (giáo dục nghề nghiệp): schools, classes, enrolment, graduation and certificates, employment after training, outreach, the demand for training, enrolment indicators"),
         (name = "emulation", description = "Emulation and commendation (thi đua – khen thưởng): movements and commitments, initiatives with their council's scores, files and recognition, awards and titles with each recipient's history, the report"),
         (name = "exchange", description = "Recruitment linked between provinces (liên kết tuyển dụng): this instance's signed vacancy feed (key, snapshot, changes) and its partner provinces"))
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi.components.get_or_insert_with(Default::default).add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Message catalogs of every capability.
pub fn install_messages() {
    platform::i18n::install(&[
        refdata::MESSAGES,
        registry::MESSAGES,
        employers::MESSAGES,
        vacancies::MESSAGES,
        matching::MESSAGES,
        sessions::MESSAGES,
        placements::MESSAGES,
        poverty::MESSAGES,
        training::MESSAGES,
        emulation::MESSAGES,
        exchange::MESSAGES,
    ]);
}

/// Every capability's routes, and the OpenAPI document they describe.
fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(platform::routes::router())
        .merge(refdata::routes::router())
        .merge(registry::routes::router())
        .merge(registry::imports::router())
        .merge(registry::lists::router())
        .merge(employers::routes::router())
        .merge(employers::import_routes::router())
        .merge(employers::needs::router())
        .merge(vacancies::board::router())
        .merge(vacancies::manage::router())
        .merge(vacancies::import_routes::router())
        .merge(vacancies::applications::router())
        .merge(matching::routes::router())
        .merge(sessions::routes::router())
        .merge(placements::routes::router())
        .merge(placements::import_routes::router())
        .merge(poverty::routes::router())
        .merge(poverty::programmes::router())
        .merge(training::routes::router())
        .merge(emulation::routes::router())
        .merge(exchange::routes::router())
}

/// The OpenAPI document (served at /api/v1/openapi.json).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api_router().split_for_parts().1;
    platform::error::document_common_errors(&mut doc);
    doc
}

/// Migrate, then load reference data if missing.
pub async fn prepare(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    if refdata::store::seed(db).await? {
        tracing::info!("reference data loaded");
    }
    Ok(())
}

/// Each capability's long-lived state.
fn services(db: &Db, settings: &Settings) -> platform::state::Services {
    let mut s = platform::state::Services::default();
    platform::jobs::spawn_reaper(db.clone());
    let registry = registry::service::Registry::new(db.clone(), &settings.province_code);
    registry.spawn_sync();
    s.insert(registry);
    let board = vacancies::service::Board::new(db.clone(), &settings.province_code, settings.smtp_url.is_some());
    board.spawn();
    // Partner provinces' vacancies join the same board.
    let exchange = exchange::service::Exchange::new(db.clone(), &settings.province_code, board.index.clone());
    exchange.spawn();
    s.insert(exchange);
    s.insert(board);
    // A weights file that cannot be read stops the start: ranking with
    // weights other than the operator's would mislead.
    let weights = matching::config::from_env().unwrap_or_else(|e| panic!("matching weights: {e:#}"));
    let matcher = matching::service::Matcher::new(db.clone(), &settings.province_code, weights);
    matcher.spawn();
    let channels = std::sync::Arc::new(platform::channels::Channels::new(settings.sms.clone(), settings.zalo.clone()));
    let shortlists = std::sync::Arc::new(matching::batch::Shortlists {
        db: db.clone(),
        province: settings.province_code.clone(),
        matcher: std::sync::Arc::clone(&matcher),
        channels: std::sync::Arc::clone(&channels),
        public_url: settings.public_url.clone(),
        mail: settings.smtp_url.is_some(),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    });
    platform::jobs::schedule(db.clone(), std::sync::Arc::clone(&shortlists));
    s.insert(matcher);
    s.insert(channels);
    s.insert(shortlists);
    s.insert(sessions::service::Sessions::from_env());
    s.insert(std::sync::Arc::new(placements::cube::Cube::default()));
    // A standard file that cannot be read stops the start (see poverty::standard).
    s.insert(poverty::service::Poverty::new(
        db.clone(),
        &settings.province_code,
        poverty::standard::Standards::from_env(),
    ));
    s.insert(training::service::Training::new(db.clone(), &settings.province_code));
    // Capabilities hear of each other's changes through listeners, not tables.
    s.insert(std::sync::Arc::new(employers::events::Listeners(vec![std::sync::Arc::new(
        vacancies::employers_follow::FollowEmployers,
    )])));
    if let Some(url) = &settings.smtp_url {
        match platform::notify::Mailer::new(url, &settings.mail_from, &settings.public_url) {
            Ok(m) => m.spawn_outbox(db.clone()),
            Err(e) => tracing::error!(error = %e, "SMTP settings refused: no e-mail will be sent"),
        }
    }
    s
}

/// The whole application.
pub fn app(db: Db, settings: Settings) -> Router {
    app_with(db, settings, Router::new())
}

/// The application with `extra` routes behind the same layers (the tests
/// reach the error paths, such as a handler that panics, through them).
pub fn app_with(db: Db, settings: Settings, extra: Router<AppState>) -> Router {
    install_messages();
    let state = AppState::new(db.clone(), settings.clone(), services(&db, &settings));
    let org = settings.org.clone();
    let (router, mut api) = api_router().split_for_parts();
    platform::error::document_common_errors(&mut api);
    let api = std::sync::Arc::new(api);
    let sessions = SessionManagerLayer::new(platform::auth::session_store::DbSessionStore::new(db))
        .with_name("ketnoi_session")
        .with_secure(settings.secure_cookies)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_http_only(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    router
        .merge(extra)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let api = api.clone();
                async move { axum::Json((*api).clone()) }
            }),
        )
        .fallback(|| async { platform::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(state.clone(), platform::web::context))
        .layer(sessions)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(registry::imports::MAX_UPLOAD as usize + 1024 * 1024))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_CONTENT_TYPE_OPTIONS,
            axum::http::HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::X_FRAME_OPTIONS,
            axum::http::HeaderValue::from_static("DENY"),
        ))
        // Scripts only from this server (no inline scripts in any page).
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            axum::http::header::CONTENT_SECURITY_POLICY,
            axum::http::HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
            ),
        ))
        // Paths only: query strings may carry names or ID numbers, which stay out of logs.
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
        // Static files need no session, user or language.
        .route("/static/{*name}", axum::routing::get(platform::web::serve_static))
        .route("/favicon.ico", axum::routing::get(|| platform::web::serve_static(axum::extract::Path("favicon.ico".into()))))
        .route("/org/logo", axum::routing::get(move || async move { platform::web::org_logo(&org) }))
}

/// Serve until Ctrl-C / SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, app: Router) -> anyhow::Result<()> {
    use axum::serve::ListenerExt;
    // No Nagle: an answer's last segment must not wait for the client's
    // delayed ACK (40 ms on Linux, measured on a keep-alive API client).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
