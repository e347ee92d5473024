//! The roles' journeys on a 390 px phone, in Vietnamese and English, with the
//! mistakes people make on the way: a commune officer types an 11-digit CCCD,
//! a job seeker applies twice, an employer invites to an interview without
//! saying where; leadership opens the menu and reads the indicators.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::Locator;
use std::time::{Duration, Instant};
use testkit::browser::{click, fill, log_in, log_out, select, shot, text, visible, wait_for, wait_text};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, JOB_SEEKER, VIEWER};

#[tokio::test]
async fn commune_officer_records_a_person_after_a_cccd_mistake() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, COMMUNE_OFFICER).await;
    // The menu is one button on a phone; the home page starts with recording a person.
    assert!(visible(&c, "[data-testid=menu-button]").await && !visible(&c, "#mainnav-list").await);
    shot(&c, "journey-officer-home").await;
    click(&c, "[data-testid=menu-button]").await;
    assert!(visible(&c, "#mainnav-list").await, "the button opens the menu");
    shot(&c, "journey-officer-menu").await;
    click(&c, "[data-testid=first-actions] a").await;
    wait_for(&c, "input[name=full_name]").await;
    fill(&c, "input[name=full_name]", "Hồ Thị Mai").await;
    fill(&c, "input[name=birth_date]", "14/02/1996").await;
    select(&c, "select[name=sex]", "female").await;
    fill(&c, "input[name=cccd]", "05619600123").await;
    select(&c, "select[name=ward_code]", "22504").await;
    select(&c, "select[name=employment_status]", "unemployed").await;
    click(&c, "form.stack button[type=submit]").await;
    wait_for(&c, "[data-testid=form-errors]").await;
    let errors = text(&c, "[data-testid=form-errors]").await;
    assert!(errors.contains("12 chữ số"), "the length is what is wrong: {errors}");
    shot(&c, "journey-officer-cccd-mistake").await;
    let cccd = c.find(Locator::Css("input[name=cccd]")).await.unwrap();
    cccd.clear().await.unwrap();
    fill(&c, "input[name=cccd]", "056196001234").await;
    click(&c, "form.stack button[type=submit]").await;
    wait_for(&c, "[data-testid=saved]").await;
    assert_eq!(text(&c, "[data-testid=person-name]").await, "Hồ Thị Mai");
    assert!(visible(&c, "[data-testid=add-next]").await, "on to the next person");
    shot(&c, "journey-officer-saved").await;
    c.close().await;
}

#[tokio::test]
async fn seeker_applies_twice_employer_invites_with_a_mistake_seeker_reads_it_in_english() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let (employer, _) = platform::auth::store::find_for_login(&app.db, EMPLOYER).await.unwrap().unwrap();
    let employer_id = employer.employer_id.expect("the demo employer account has an employer");

    // The job seeker finds one of the demo employer's vacancies from its public page.
    let until = Instant::now() + Duration::from_secs(20);
    let vacancy = loop {
        c.goto(&app.url(&format!("/jobs/employers/{employer_id}"))).await.unwrap();
        if let Ok(a) = c.find(Locator::Css("[data-testid=employer-vacancies] a")).await {
            break a.attr("href").await.unwrap().unwrap();
        }
        assert!(Instant::now() < until, "the board should hold the demo vacancies");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(text(&c, "[data-testid=verified]").await.contains("Trung tâm Dịch vụ việc làm"));
    shot(&c, "journey-employer-public").await;
    c.goto(&app.url(&format!("/login?next={vacancy}"))).await.unwrap();
    log_in(&c, JOB_SEEKER).await;
    click(&c, "[data-testid=apply]").await;
    wait_for(&c, "[data-testid=send-application]").await;
    let apply_page = c.current_url().await.unwrap();
    let phone = c.find(Locator::Css("[data-testid=phone]")).await.unwrap();
    phone.clear().await.unwrap();
    fill(&c, "[data-testid=phone]", "0912 345 678").await;
    click(&c, "[data-testid=send-application]").await;
    wait_for(&c, "[data-testid=applied]").await;
    let confirmation = c.find(Locator::Css("[data-testid=applied]")).await.unwrap();
    let top = confirmation.rectangle().await.unwrap().1;
    assert!(top < 200.0, "the confirmation is at the top of the screen ({top})");
    shot(&c, "journey-seeker-applied").await;
    // The form again (the back button, a second tab): it says so, with the way to the application.
    c.goto(apply_page.as_str()).await.unwrap();
    wait_for(&c, "[data-testid=already-applied]").await;
    assert!(text(&c, "[data-testid=already-applied]").await.contains("Bạn đã nộp hồ sơ cho việc này"));
    shot(&c, "journey-seeker-already").await;
    log_out(&c).await;

    // The employer invites the applicant, first forgetting where.
    c.goto(&app.url("/login?next=/applications")).await.unwrap();
    log_in(&c, EMPLOYER).await;
    wait_for(&c, "[data-testid=applications]").await;
    let form = "form.status-form";
    let status = c.find(Locator::Css(&format!("{form} select[name=to]"))).await.unwrap().prop("value").await.unwrap();
    assert_eq!(status.as_deref(), Some("new"), "the status field starts at the current status");
    assert!(
        !visible(&c, &format!("{form} [data-testid=interview_place]")).await,
        "interview fields only for an interview"
    );
    select(&c, &format!("{form} select[name=to]"), "interview").await;
    assert!(visible(&c, &format!("{form} [data-testid=interview_place]")).await);
    // The phone's own date-time picker fills the field (its typing order depends on the phone's locale).
    let when = (chrono::Utc::now() + chrono::Duration::days(2) + chrono::Duration::hours(7)).format("%Y-%m-%dT09:30");
    c.execute(&format!("document.querySelector('{form} [data-testid=interview_at]').value = '{when}';"), vec![])
        .await
        .unwrap();
    fill(&c, &format!("{form} [data-testid=interview_contact]"), "Anh Bình, 0905 222 333").await;
    // The browser itself asks for the missing place; without it the server would.
    c.execute("document.querySelector('form.status-form').noValidate = true;", vec![]).await.unwrap();
    click(&c, &format!("{form} [data-testid=set-status]")).await;
    wait_for(&c, "[data-testid=status-refused]").await;
    let row = text(&c, "[data-testid=applications] li").await;
    assert!(row.contains("Không được để trống"), "the missing place is named at the application: {row}");
    shot(&c, "journey-employer-interview-mistake").await;
    fill(&c, &format!("{form} [data-testid=interview_place]"), "Văn phòng công ty, 12 Trần Phú").await;
    click(&c, &format!("{form} [data-testid=set-status]")).await;
    wait_for(&c, "[data-testid=saved]").await;
    assert!(c.current_url().await.unwrap().path() == "/applications", "back to the list");
    shot(&c, "journey-employer-saved").await;
    log_out(&c).await;

    // The job seeker reads the invitation, in English.
    c.goto(&app.url("/login?next=/applications")).await.unwrap();
    log_in(&c, JOB_SEEKER).await;
    click(&c, "[data-testid=lang-switch]").await;
    wait_for(&c, "html[lang=en] [data-testid=my-applications]").await;
    let mine = text(&c, "[data-testid=my-applications]").await;
    assert!(mine.contains("12 Trần Phú") && mine.contains("Anh Bình") && mine.contains("09:30"), "{mine}");
    shot(&c, "journey-seeker-interview-en").await;
    c.close().await;
}

#[tokio::test]
async fn leadership_opens_the_menu_and_reads_the_indicators_in_both_languages() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 300, 7).await.unwrap();
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, VIEWER).await;
    shot(&c, "journey-leadership-home").await;
    click(&c, "[data-testid=menu-button]").await;
    let menu = text(&c, "#mainnav-list").await;
    assert!(menu.contains("Chỉ tiêu & báo cáo"), "{menu}");
    let registry = c.find_all(Locator::Css("#mainnav-list a[href='/registry']")).await.unwrap();
    assert!(registry.is_empty(), "leadership sees aggregates, not the people's records");
    click(&c, "#mainnav-list a[href='/registry/indicators']").await;
    wait_for(&c, "main h1").await;
    // The registry's index follows the table within seconds (the people were loaded after the start).
    let until = Instant::now() + Duration::from_secs(20);
    while !text(&c, "main").await.contains('%') {
        assert!(Instant::now() < until, "the indicators should count the 300 people");
        tokio::time::sleep(Duration::from_millis(500)).await;
        c.refresh().await.unwrap();
    }
    shot(&c, "journey-leadership-indicators-vi").await;
    let page = text(&c, "main").await;
    assert!(page.contains('%'), "rates are shown: {page}");
    assert!(!page.contains(".0%") && !page.contains("%."), "Vietnamese decimals use a comma");
    let header = c
        .execute("return getComputedStyle(document.querySelector('[data-testid=indicators] thead')).display;", vec![])
        .await
        .unwrap();
    assert_eq!(header, serde_json::json!("none"), "on a phone each commune is a card, not a wide table");
    click(&c, "[data-testid=lang-switch]").await;
    wait_for(&c, "html[lang=en] main h1").await;
    shot(&c, "journey-leadership-indicators-en").await;
    wait_text(&c, "[data-testid=menu-button] strong", "Indicators & reports").await;
    c.close().await;
}
