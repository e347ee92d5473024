//! A key journey in a real browser (headless Chromium through ChromeDriver):
//! a commune officer logs in, switches to English, sees only their communes,
//! and logs out.
//!
//! Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them).
//! Without them the test is skipped locally, but fails under CI.

use fantoccini::{ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);
impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

async fn start_driver() -> Option<(Driver, u16)> {
    let path = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(path) = path else {
        assert!(std::env::var("CI").is_err(), "chromedriver is missing under CI");
        eprintln!("chromedriver not installed: browser test skipped");
        return None;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child =
        Command::new(path).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Some((Driver(child), port));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

/// Save a screenshot when KETNOI_SCREENSHOTS names a folder (to look at pages).
async fn shot(c: &fantoccini::Client, name: &str) {
    if let Ok(dir) = std::env::var("KETNOI_SCREENSHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

async fn fill(c: &fantoccini::Client, css: &str, text: &str) {
    c.find(Locator::Css(css)).await.unwrap().send_keys(text).await.unwrap();
}

async fn click(c: &fantoccini::Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// The element's text; retried because htmx may swap the element meanwhile.
async fn text(c: &fantoccini::Client, css: &str) -> String {
    for _ in 0..40 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                return t;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no stable text at {css}");
}

async fn log_in(c: &fantoccini::Client, email: &str) {
    fill(c, "input[name=email]", email).await;
    fill(c, "input[name=password]", testkit::PASSWORD).await;
    click(c, "form.stack button[type=submit]").await;
    c.wait().for_element(Locator::Css("[data-testid=account-menu]")).await.unwrap();
}

#[tokio::test]
async fn commune_officer_logs_in_switches_language_sees_own_communes_logs_out() {
    let Some((_driver, port)) = start_driver().await else { return };
    let app = testkit::TestApp::spawn().await;
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=390,844",
                     format!("--user-data-dir={}", profile.path().display())]
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("webdriver session");

    // Sent to the login page, in Vietnamese.
    c.goto(&app.url("/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    assert_eq!(text(&c, "h1").await, "Đăng nhập");
    shot(&c, "login-vi").await;
    log_in(&c, testkit::COMMUNE_OFFICER).await;
    assert!(text(&c, "[data-testid=my-communes]").await.contains("Xã Đại Lãnh"));
    shot(&c, "home-vi").await;

    // Switch to English.
    click(&c, "[data-testid=lang-switch]").await;
    let communes = c.wait().for_element(Locator::Css("[data-testid=my-communes]")).await.unwrap();
    let lang = c.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    let mine = communes.text().await.unwrap();
    assert!(mine.contains("Xã Đại Lãnh") && mine.contains("Xã Tây Khánh Vĩnh"), "{mine}");
    assert!(c.source().await.unwrap().contains("Your communes"));
    shot(&c, "home-en").await;

    // The commune list shows only theirs; the search narrows it without diacritics.
    c.goto(&app.url("/units")).await.unwrap();
    assert_eq!(text(&c, "[data-testid=unit-count]").await, "2");
    assert_eq!(c.find_all(Locator::Css("[data-testid=units] tbody tr")).await.unwrap().len(), 2);
    fill(&c, "input[name=q]", "dai lanh").await;
    for _ in 0..50 {
        if text(&c, "[data-testid=unit-count]").await == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(text(&c, "[data-testid=unit-count]").await, "1");
    shot(&c, "units-en").await;
    c.goto(&app.url("/units/resolve?address=P.+V%C4%A9nh+H%E1%BA%A3i%2C+TP+Nha+Trang")).await.unwrap();
    shot(&c, "resolve-en").await;
    c.goto(&app.url("/units/22504")).await.unwrap();
    assert!(text(&c, "[data-testid=predecessors]").await.contains("Xã Vạn Thọ"));
    shot(&c, "unit-en").await;

    // Log out through the account menu.
    click(&c, "[data-testid=account-menu]").await;
    click(&c, "[data-testid=logout]").await;
    c.wait().for_url(url::Url::parse(&app.url("/login")).unwrap()).await.unwrap();
    c.goto(&app.url("/units")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"), "logged out");

    // The administrator finds that login and logout in the audit log.
    log_in(&c, testkit::ADMIN).await;
    shot(&c, "home-admin-vi").await;
    c.goto(&app.url("/admin/audit?actor=canbo.xa")).await.unwrap();
    let log = text(&c, "[data-testid=audit]").await;
    assert!(log.contains("Đăng nhập") && log.contains("Đăng xuất") && log.contains(testkit::COMMUNE_OFFICER), "{log}");
    shot(&c, "audit-vi").await;
    c.goto(&app.url("/admin/users")).await.unwrap();
    shot(&c, "users-vi").await;
    c.goto(&app.url("/admin/users/3")).await.unwrap();
    shot(&c, "user-edit-vi").await;
    c.close().await.unwrap();
}
