//! A key journey in a real browser (headless Chromium through ChromeDriver):
//! a commune officer comes by the public board, logs in, switches to English, sees only their communes,
//! and logs out.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).
//! Without them the test is skipped locally, but fails under CI.

use fantoccini::Locator;
use testkit::browser::{click, fill, log_in, shot, text, wait_text};

#[tokio::test]
async fn commune_officer_logs_in_switches_language_sees_own_communes_logs_out() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = testkit::TestApp::spawn().await;

    // A visitor starts at the public job board; the login link is at the top.
    c.goto(&app.url("/")).await.unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/jobs");
    click(&c, "a.login-link").await;
    c.wait().for_element(Locator::Css("input[name=email]")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    assert_eq!(text(&c, "h1").await, "Đăng nhập");
    shot(&c, "login-vi").await;
    log_in(&c, testkit::COMMUNE_OFFICER).await;
    assert!(text(&c, "[data-testid=my-communes]").await.contains("Xã Đại Lãnh"));
    shot(&c, "home-vi").await;

    // Switch to English.
    click(&c, "[data-testid=lang-switch]").await;
    // The new page is in English (waiting for it, not for the old page's elements).
    c.wait().for_element(Locator::Css("html[lang=en] [data-testid=my-communes]")).await.unwrap();
    let mine = text(&c, "[data-testid=my-communes]").await;
    assert!(mine.contains("Xã Đại Lãnh") && mine.contains("Xã Tây Khánh Vĩnh"), "{mine}");
    assert!(c.source().await.unwrap().contains("Your communes"));
    shot(&c, "home-en").await;

    // The commune list shows only theirs; the search narrows it without diacritics.
    c.goto(&app.url("/units")).await.unwrap();
    assert_eq!(text(&c, "[data-testid=unit-count]").await, "2");
    assert_eq!(c.find_all(Locator::Css("[data-testid=units] tbody tr")).await.unwrap().len(), 2);
    fill(&c, "input[name=q]", "dai lanh").await;
    wait_text(&c, "[data-testid=unit-count]", "1").await;
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
    c.close().await;
}
