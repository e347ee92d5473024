//! Drive a real browser (headless Chromium through ChromeDriver) against a
//! [`TestApp`](crate::TestApp), with a phone-sized window.
//!
//! Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them).
//! Without them [`session`] returns `None` and the test is skipped locally;
//! under CI (the `CI` environment variable is set) it fails instead.
//!
//! ```ignore
//! let Some(c) = testkit::browser::session().await else { return };
//! c.goto(&app.url("/")).await.unwrap();
//! testkit::browser::log_in(&c, testkit::STAFF).await;
//! testkit::browser::wait_text(&c, "h1", "Trang chủ").await;
//! c.close().await;
//! ```

use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The window size of every session: a phone (CSS pixels).
pub const WINDOW: (u32, u32) = (390, 844);

/// A WebDriver session on headless Chromium. Derefs to [`fantoccini::Client`];
/// keeps ChromeDriver running and the Chromium profile folder alive until dropped.
pub struct Session {
    // Dropped in this order: the client, then the driver (and its browser),
    // then the profile folder the browser was using.
    client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl std::ops::Deref for Session {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Session {
    /// End the WebDriver session (closes the browser), then stop ChromeDriver.
    pub async fn close(self) {
        self.client.clone().close().await.expect("close the webdriver session");
    }
}

/// ChromeDriver, started in its own process group so that dropping it also
/// ends the Chromium processes it started (even when a test panics).
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.0.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver_path() -> Option<&'static str> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].into_iter().find(|p| std::path::Path::new(p).exists())
}

/// Start ChromeDriver on a free port. The port is free when picked but another
/// test (its driver or its app) may take it before ChromeDriver binds it: then
/// ChromeDriver exits, and the port answering is someone else's, so the driver
/// counts as started only while its own process still runs.
async fn start_driver(path: &str) -> (Driver, u16) {
    use std::os::unix::process::CommandExt;
    for _ in 0..5 {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver(child);
        for _ in 0..50 {
            if !matches!(driver.0.try_wait(), Ok(None)) {
                break;
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                // Listening: make sure it is this driver that answers.
                tokio::time::sleep(Duration::from_millis(50)).await;
                if matches!(driver.0.try_wait(), Ok(None)) {
                    return (driver, port);
                }
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("chromedriver did not start");
}

/// A fresh browser session (own profile, phone-sized window), or `None` with
/// a note when ChromeDriver is not installed. Panics under CI instead.
pub async fn session() -> Option<Session> {
    session_with(&[]).await
}

/// Chromium's fake camera and microphone, allowed without asking: for video
/// interviews and scanning with the camera.
pub const FAKE_MEDIA: [&str; 2] = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

/// Like [`session`], with more Chromium flags (e.g. [`FAKE_MEDIA`]).
pub async fn session_with(extra: &[&str]) -> Option<Session> {
    let Some(path) = chromedriver_path() else {
        assert!(std::env::var_os("CI").is_none(), "chromedriver is missing under CI");
        eprintln!("chromedriver not installed: browser test skipped");
        return None;
    };
    // A session that fails to start (a driver lost to a port race, a browser
    // that died starting on a busy machine) is tried again with a new driver.
    let mut last = None;
    for _ in 0..3 {
        match try_session(path, extra).await {
            Ok(s) => return Some(s),
            Err(e) => last = Some(e),
        }
    }
    panic!("webdriver session: {}", last.map(|e| e.to_string()).unwrap_or_default());
}

async fn try_session(path: &str, extra: &[&str]) -> Result<Session, fantoccini::error::NewSessionError> {
    let (driver, port) = start_driver(path).await;
    let profile = tempfile::tempdir().expect("chromium profile folder");
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ]
    .into_iter()
    .chain(extra.iter().copied())
    .map(String::from)
    .collect();
    args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
    args.push(format!("--user-data-dir={}", profile.path().display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": args,
            // Headless Chromium will not make a window narrower than 500 px (and
            // takes its own bar off the height), so the phone's viewport is emulated.
            // Without touch emulation: with it, a click that submits a form returns
            // before the next page has loaded.
            "mobileEmulation": {"deviceMetrics": {"width": WINDOW.0, "height": WINDOW.1, "pixelRatio": 1, "touch": false}}
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector).capabilities(caps).connect(&format!("http://127.0.0.1:{port}")).await?;
    Ok(Session { client, _driver: driver, _profile: profile })
}

/// Save a screenshot as `{name}.png` when KETNOI_SCREENSHOTS names a folder (to look at pages).
pub async fn shot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("KETNOI_SCREENSHOTS").filter(|d| !d.is_empty()) {
        let png = c.screenshot().await.expect("screenshot");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png).expect("write screenshot");
    }
}

/// Type `text` into the element at `css`.
pub async fn fill(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no element at {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("cannot type into {css}: {e}"));
}

/// Click the element at `css`; found again if htmx swapped it meanwhile.
pub async fn click(c: &Client, css: &str) {
    let mut last = None;
    for _ in 0..40 {
        let result = match c.find(Locator::Css(css)).await {
            Ok(e) => e.click().await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => return,
            Err(e) if is_transient(&e) => last = Some(e),
            Err(e) => panic!("cannot click {css}: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("cannot click {css}: {}", last.map(|e| e.to_string()).unwrap_or_default());
}

fn is_transient(e: &CmdError) -> bool {
    e.is_stale_element_reference() || e.is_no_such_element()
}

/// The element's text; retried because htmx may swap the element meanwhile.
pub async fn text(c: &Client, css: &str) -> String {
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

/// Wait (up to about 5 s) until the element at `css` shows exactly `expected`.
pub async fn wait_text(c: &Client, css: &str, expected: &str) {
    let until = Instant::now() + Duration::from_secs(5);
    let mut seen = None;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t == expected {
                    return;
                }
                seen = Some(t);
            }
        }
        if Instant::now() >= until {
            panic!("{css} should read {expected:?}, but reads {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// On the login page: log in as `email` with the demo password, and wait for the account menu.
pub async fn log_in(c: &Client, email: &str) {
    fill(c, "input[name=email]", email).await;
    fill(c, "input[name=password]", crate::PASSWORD).await;
    click(c, "form.stack button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("[data-testid=account-menu]"))
        .await
        .unwrap_or_else(|e| panic!("logged in as {email}: {e}"));
}

/// Wait (up to 10 s) for an element at `css` to exist.
pub async fn wait_for(c: &Client, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} should appear: {e}"));
}

/// Choose `value` in the select at `css` (as a person does: the change event fires).
pub async fn select(c: &Client, css: &str, value: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no select at {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("cannot choose {value} in {css}: {e}"));
}

/// Log out through the account menu, and wait for a page without it.
pub async fn log_out(c: &Client) {
    click(c, "[data-testid=account-menu]").await;
    click(c, "[data-testid=logout]").await;
    wait_for(c, "a.login-link, input[name=email]").await;
}

/// Whether the element at `css` is shown.
pub async fn visible(c: &Client, css: &str) -> bool {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no element at {css}: {e}")).is_displayed().await.unwrap()
}
