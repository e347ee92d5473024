//! The demand side in a real browser (headless Chromium, phone-sized): an
//! employer registers and posts a vacancy, staff approve both, a job seeker
//! finds it by typing without diacritics and applies on the spot, and the
//! employer sees the application.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::{Client, Locator};
use testkit::browser::{click, fill, log_in, log_out, select, shot, text, wait_for, wait_text};
use testkit::{TestApp, STAFF};

const EMPLOYER_LOGIN: &str = "tuyendung@dongtaucr.vn";
const EMPLOYER_PASSWORD: &str = "dongtau2026";

async fn log_in_as(c: &Client, app: &TestApp, login: &str, password: &str, then: &str) {
    c.goto(&app.url(&format!("/login?next={then}"))).await.unwrap();
    fill(c, "input[name=email]", login).await;
    fill(c, "input[name=password]", password).await;
    click(c, "form.stack button[type=submit]").await;
    wait_for(c, "[data-testid=account-menu]").await;
}

#[tokio::test]
async fn employer_posts_staff_approve_seeker_applies() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;

    // 1. The employer registers itself from the board.
    c.goto(&app.url("/jobs")).await.unwrap();
    c.find(Locator::Css("a[href='/employers/register']")).await.unwrap().click().await.unwrap();
    wait_for(&c, "input[name=tax_code]").await;
    fill(&c, "input[name=tax_code]", &ketnoi::demo::tax_code(555)).await;
    fill(&c, "input[name=name]", "Công ty TNHH Đóng tàu Cam Ranh").await;
    select(&c, "select[name=ward_code]", "22504").await;
    fill(&c, "input[name=phone]", "0905111222").await;
    fill(&c, "input[name=login_email]", EMPLOYER_LOGIN).await;
    fill(&c, "input[name=password]", EMPLOYER_PASSWORD).await;
    fill(&c, "input[name=repeat]", EMPLOYER_PASSWORD).await;
    shot(&c, "employer-register").await;
    click(&c, "[data-testid=save]").await;
    wait_text(&c, "[data-testid=employer-status]", "Chờ duyệt").await;
    let employer_page = c.current_url().await.unwrap().path().to_owned();
    log_out(&c).await;

    // 2. Staff approve the employer.
    c.goto(&app.url(&employer_page)).await.unwrap();
    log_in(&c, STAFF).await;
    if c.current_url().await.unwrap().path() != employer_page {
        c.goto(&app.url(&employer_page)).await.unwrap();
    }
    click(&c, "[data-testid=approve]").await;
    wait_text(&c, "[data-testid=employer-status]", "Đã duyệt").await;
    log_out(&c).await;

    // 3. The employer posts a vacancy, picking the occupation by typing without diacritics.
    log_in_as(&c, &app, EMPLOYER_LOGIN, EMPLOYER_PASSWORD, "/vacancies/new").await;
    wait_for(&c, "[data-testid=title]").await;
    fill(&c, "[data-testid=title]", "Thợ hàn vỏ tàu").await;
    fill(&c, "[data-testid=occupation]", "tho han").await;
    click(&c, "button.pick[data-value$='(7212)']").await;
    let code = c.find(Locator::Css("[data-testid=occupation]")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(
        code.as_deref(),
        Some("Thợ hàn và thợ cắt kim loại bằng khí (7212)"),
        "the pick fills the occupation in words, its code beside"
    );
    fill(&c, "[data-testid=wage_min]", "9000000").await;
    fill(&c, "[data-testid=wage_max]", "14000000").await;
    select(&c, "select[name=work_ward_code]", "22504").await;
    fill(&c, "[data-testid=description]", "Hàn vỏ tàu thép tại xưởng Cam Ranh.").await;
    shot(&c, "vacancy-form").await;
    click(&c, "[data-testid=save-submit]").await;
    wait_text(&c, "[data-testid=vacancy-status]", "Chờ duyệt").await;
    let vacancy_page = c.current_url().await.unwrap().path().to_owned();
    log_out(&c).await;

    // 4. Staff publish it.
    log_in_as(&c, &app, STAFF, testkit::PASSWORD, &vacancy_page).await;
    click(&c, "[data-testid=approve]").await;
    wait_text(&c, "[data-testid=vacancy-status]", "Đang đăng").await;
    log_out(&c).await;

    // 5. A job seeker finds it typing without diacritics, and applies on the spot.
    c.goto(&app.url("/jobs")).await.unwrap();
    fill(&c, "[data-testid=board-search]", "tho han vo tau").await;
    wait_text(&c, "[data-testid=board-total]", "Số việc làm: 1").await;
    shot(&c, "board-search").await;
    click(&c, "[data-testid=board-results] a").await;
    wait_text(&c, "[data-testid=vacancy-title]", "Thợ hàn vỏ tàu").await;
    shot(&c, "vacancy-page").await;
    click(&c, "[data-testid=apply]").await;
    wait_for(&c, "[data-testid=cccd]").await;
    fill(&c, "[data-testid=full_name]", "Võ Thị Lan").await;
    fill(&c, "[data-testid=phone]", "0912345678").await;
    fill(&c, "[data-testid=cccd]", "056199001234").await;
    fill(&c, "[data-testid=password]", "lan2026!").await;
    fill(&c, "[data-testid=repeat]", "lan2026!").await;
    click(&c, "[data-testid=send-application]").await;
    wait_for(&c, "[data-testid=applied]").await;
    log_out(&c).await;

    // 6. The employer sees the application, in English this time.
    log_in_as(&c, &app, EMPLOYER_LOGIN, EMPLOYER_PASSWORD, "/applications").await;
    wait_for(&c, "[data-testid=applications]").await;
    let table = text(&c, "[data-testid=applications]").await;
    assert!(table.contains("Võ Thị Lan") && table.contains("0912345678"), "{table}");
    click(&c, "[data-testid=lang-switch]").await;
    wait_text(&c, "main h1", "Applications").await;
    shot(&c, "applications-en").await;
    c.close().await;
}
