//! Start the whole application on a fresh database and talk to it over HTTP
//! as a browser or an integration would.
//!
//! The backend comes from `KETNOI_TEST_DATABASE_URL`: unset → a fresh SQLite
//! file in a temporary folder; `postgres://…` → a fresh schema in that
//! database, so tests never see each other's rows.

pub mod browser;
pub mod smtp;

use platform::{Db, Settings};
use rand::Rng;
use std::net::SocketAddr;

pub const TEST_DB_ENV: &str = "KETNOI_TEST_DATABASE_URL";

/// The demo accounts' password.
pub use ketnoi::demo::DEMO_PASSWORD as PASSWORD;
pub const ADMIN: &str = "admin@demo.ketnoi.vn";
pub const STAFF: &str = "canbo.so@demo.ketnoi.vn";
pub const COMMUNE_OFFICER: &str = "canbo.xa@demo.ketnoi.vn";
pub const EMPLOYER: &str = "doanhnghiep@demo.ketnoi.vn";
pub const VIEWER: &str = "lanhdao@demo.ketnoi.vn";
pub const JOB_SEEKER: &str = "nguoilaodong@demo.ketnoi.vn";
/// The demo college's account (linked to school `CDKTCN-NT`).
pub const SCHOOL: &str = "truongnghe@demo.ketnoi.vn";

/// A fresh, empty database URL for the configured backend, plus what keeps it alive.
pub async fn fresh_database_url() -> anyhow::Result<(String, Option<tempfile::TempDir>)> {
    match std::env::var(TEST_DB_ENV).ok().filter(|u| !u.is_empty()) {
        Some(base) if base.starts_with("postgres") => {
            let schema = format!("ketnoi_t_{:016x}", rand::thread_rng().gen::<u64>());
            let admin = Db::connect(&base).await?;
            if let Db::Postgres(p) = &admin {
                sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(p).await?;
            }
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            Ok((format!("{base}{sep}options=-c%20search_path%3D{schema}"), None))
        }
        _ => {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("ketnoi.db").display());
            Ok((url, Some(dir)))
        }
    }
}

pub fn on_postgres() -> bool {
    std::env::var(TEST_DB_ENV).is_ok_and(|u| u.starts_with("postgres"))
}

/// A running application.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
    _data: tempfile::TempDir,
}

impl TestApp {
    /// Migrated, reference data loaded, demo accounts created, serving on a free port.
    pub async fn spawn() -> TestApp {
        Self::try_spawn(|_| {}, axum::Router::new()).await.expect("start test app")
    }

    /// Like [`TestApp::spawn`], with settings adjusted first (e.g. an SMTP server).
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::try_spawn(adjust, axum::Router::new()).await.expect("start test app")
    }

    /// Like [`TestApp::spawn`], with `extra` routes behind the application's
    /// layers (to reach error paths no real route should have).
    pub async fn spawn_with_routes(extra: axum::Router<platform::AppState>) -> TestApp {
        Self::try_spawn(|_| {}, extra).await.expect("start test app")
    }

    async fn try_spawn(
        adjust: impl FnOnce(&mut Settings),
        extra: axum::Router<platform::AppState>,
    ) -> anyhow::Result<TestApp> {
        let (database_url, dir) = fresh_database_url().await?;
        let db = Db::connect(&database_url).await?;
        ketnoi::prepare(&db).await?;
        ketnoi::demo::seed_accounts(&db).await?;
        ketnoi::demo::seed_schools(&db, &Settings::default().province_code).await?;
        Self::serve(db, database_url, dir, adjust, extra).await
    }

    /// A second server on this one's database (as a province runs two behind
    /// a load balancer): its own process state, indexes and port.
    pub async fn another_server(&self) -> TestApp {
        let db = Db::connect(&self.database_url).await.expect("connect a second server");
        Self::serve(db, self.database_url.clone(), None, |_| {}, axum::Router::new())
            .await
            .expect("start a second server")
    }

    /// Serve the application on `db` on a free port.
    async fn serve(
        db: Db,
        database_url: String,
        dir: Option<tempfile::TempDir>,
        adjust: impl FnOnce(&mut Settings),
        extra: axum::Router<platform::AppState>,
    ) -> anyhow::Result<TestApp> {
        let data = tempfile::tempdir()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr: SocketAddr = listener.local_addr()?;
        // The public address is where it listens (links in feeds, the
        // exchange's vacancy pages), unless the test says otherwise.
        let mut settings =
            Settings { data_dir: data.path().to_owned(), public_url: format!("http://{addr}"), ..Settings::default() };
        adjust(&mut settings);
        let app = ketnoi::app_with(db.clone(), settings, extra);
        tokio::spawn(async move {
            let _ = ketnoi::serve(listener, app).await;
        });
        Ok(TestApp { base: format!("http://{addr}"), db, database_url, _dir: dir, _data: data })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET an API path with a bearer token and read the JSON answer.
    pub async fn get_json(&self, path: &str, token: &str) -> serde_json::Value {
        reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
            .json()
            .await
            .expect("JSON")
    }

    /// POST a JSON body to an API path with a bearer token.
    pub async fn post_json(&self, path: &str, token: &str, body: &serde_json::Value) -> reqwest::Response {
        reqwest::Client::new().post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST")
    }

    /// POST a file as the multipart field `file` with a bearer token; the
    /// status and the JSON answer (an import's report or its error).
    pub async fn upload_json(
        &self,
        path: &str,
        token: &str,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> (u16, serde_json::Value) {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()));
        let r =
            reqwest::Client::new().post(self.url(path)).bearer_auth(token).multipart(form).send().await.expect("POST");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or_default())
    }

    /// A bearer token for an account (by login).
    pub async fn token(&self, login: &str) -> String {
        let (user, _) = platform::auth::store::find_for_login(&self.db, login).await.unwrap().expect("account");
        platform::auth::store::issue_token(&self.db, user.id, "test").await.unwrap()
    }

    /// A client that keeps cookies, like a browser, and does not follow redirects.
    pub fn browser(&self) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Browser { client, base: self.base.clone() }
    }

    /// A browser already logged in as `email` (demo password).
    pub async fn login(&self, email: &str) -> Browser {
        let b = self.browser();
        let res = b.login(email, PASSWORD).await;
        assert_eq!(res.status(), 303, "login as {email} should redirect");
        b
    }
}

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

/// The CSRF token a page carries in its forms.
pub fn csrf_of(html: &str) -> Option<String> {
    let start = html.find("name=\"_csrf\" value=\"")? + "name=\"_csrf\" value=\"".len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let s = r.status().as_u16();
        (s, r.text().await.expect("body"))
    }
    /// The CSRF token of the current session (taken from a page).
    pub async fn csrf(&self) -> String {
        // Every page carries the token in its language switch form.
        let mut path = "/login".to_owned();
        for _ in 0..4 {
            let r = self.get(&path).await;
            match r.headers().get("location").and_then(|l| l.to_str().ok()) {
                // Logged in: home, or wherever home sends this user.
                Some(to) if r.status().is_redirection() => path = if path == "/login" { "/".into() } else { to.into() },
                _ => return csrf_of(&r.text().await.expect("body")).expect("csrf token on the page"),
            }
        }
        panic!("no page with a form token from /login")
    }
    /// POST a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut body: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        body.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&body).send().await.expect("POST")
    }
    /// Upload a file as the multipart field `file` (CSRF token in the query, as the page does).
    pub async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let token = self.csrf().await;
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new().part("file", part);
        let sep = if path.contains('?') { '&' } else { '?' };
        self.client.post(self.url(&format!("{path}{sep}_csrf={token}"))).multipart(form).send().await.expect("upload")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/login", &[("email", email), ("password", password), ("next", "/")]).await
    }
}
