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
        assert!(
            std::env::var("CI").is_err(),
            "chromedriver is missing under CI"
        );
        eprintln!("chromedriver not installed: browser test skipped");
        return None;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((Driver(child), port));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

#[tokio::test]
async fn commune_officer_logs_in_switches_language_sees_own_communes_logs_out() {
    let Some((_driver, port)) = start_driver().await else {
        return;
    };
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

    c.goto(&app.url("/")).await.unwrap();
    // Sent to the login page, in Vietnamese.
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Đăng nhập");
    c.find(Locator::Css("input[name=email]"))
        .await
        .unwrap()
        .send_keys(testkit::COMMUNE_OFFICER)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(testkit::PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("[data-testid=my-communes]"))
        .await
        .unwrap();

    // Switch to English.
    c.find(Locator::Css("[data-testid=lang-switch]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let communes = c
        .wait()
        .for_element(Locator::Css("[data-testid=my-communes]"))
        .await
        .unwrap();
    assert_eq!(
        c.find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .as_deref(),
        Some("en")
    );
    let text = communes.text().await.unwrap();
    assert!(
        text.contains("Xã Đại Lãnh") && text.contains("Xã Tây Khánh Vĩnh"),
        "{text}"
    );
    assert!(c.source().await.unwrap().contains("Your communes"));

    // The commune list shows only theirs; the search narrows it without diacritics.
    c.goto(&app.url("/units")).await.unwrap();
    let count = c
        .find(Locator::Css("[data-testid=unit-count]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "2");
    let rows = c
        .find_all(Locator::Css("[data-testid=units] tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    c.find(Locator::Css("input[name=q]"))
        .await
        .unwrap()
        .send_keys("dai lanh")
        .await
        .unwrap();
    for _ in 0..50 {
        if c.find(Locator::Css("[data-testid=unit-count]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            == "1"
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        c.find(Locator::Css("[data-testid=unit-count]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "1"
    );

    // Log out through the account menu.
    c.find(Locator::Css("[data-testid=account-menu]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("[data-testid=logout]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_url(url::Url::parse(&app.url("/login")).unwrap())
        .await
        .unwrap();
    c.goto(&app.url("/units")).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().starts_with("/login"),
        "logged out"
    );
    c.close().await.unwrap();
}
