//! The public job board as a visitor uses it on a phone: typing into the
//! real form (which sends every field, empty ones included) and changing each
//! filter updates the list and the address bar, and the pushed address
//! reloads to the same list. Every count is checked against the API's answer
//! to the same question.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};
use testkit::browser::{click, fill, select, shot, text, wait_text};
use testkit::TestApp;

/// The query of the address bar, as pairs.
async fn address(c: &Client) -> Vec<(String, String)> {
    c.current_url().await.unwrap().query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The API's total for the same question (the board's own query string).
async fn api_total(app: &TestApp, query: &[(String, String)]) -> u64 {
    let qs = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
    let body: serde_json::Value =
        reqwest::get(app.url(&format!("/api/v1/vacancies?{qs}"))).await.unwrap().json().await.unwrap();
    body["total"].as_u64().expect("total")
}

/// Wait until the address bar has `key=value`, then check that the list's
/// count is the API's count for that address. Returns the count.
async fn settles_on(c: &Client, app: &TestApp, key: &str, value: &str) -> u64 {
    let until = Instant::now() + Duration::from_secs(8);
    let query = loop {
        let q = address(c).await;
        if q.iter().any(|(k, v)| k == key && v == value) {
            break q;
        }
        assert!(Instant::now() < until, "the address bar should get {key}={value}, has {q:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(query.iter().all(|(_, v)| !v.is_empty()), "no empty field in the address: {query:?}");
    let expected = api_total(app, &query).await;
    wait_text(c, "[data-testid=board-total]", &format!("Số việc làm: {expected}")).await;
    expected
}

#[tokio::test]
async fn visitor_searches_and_filters_the_board_from_the_real_form() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    let (_, vacancies) = ketnoi::demo::seed_demand(&app.db, "56", 40, 120, 2026).await.unwrap();
    assert_eq!(vacancies, 120);

    // The board follows the table within seconds (it was loaded before the seeding).
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        c.goto(&app.url("/jobs")).await.unwrap();
        if text(&c, "[data-testid=board-total]").await == "Số việc làm: 120" {
            break;
        }
        assert!(Instant::now() < until, "the board should show the 120 vacancies");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    // The operator is named on every page.
    assert!(text(&c, "[data-testid=footer]").await.contains("Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa"));

    // Typing: the form also sends its empty fields (wage, near …), which mean "no filter".
    fill(&c, "[data-testid=board-search]", "ke toan").await;
    let by_text = settles_on(&c, &app, "q", "ke toan").await;
    assert!(by_text > 0 && by_text < 120, "{by_text}");
    assert!(text(&c, "[data-testid=board-results] li").await.contains("Kế toán"));
    shot(&c, "board-typed").await;

    // Each filter from the real selects, one after the other.
    click(&c, "details.more-filters summary").await;
    shot(&c, "board-filters-open").await;
    let first_ward: String = {
        let body: serde_json::Value =
            reqwest::get(app.url("/api/v1/vacancies?q=ke+toan")).await.unwrap().json().await.unwrap();
        body["items"][0]["work_ward_code"].as_str().expect("a ward").to_owned()
    };
    select(&c, "select[name=occupation]", "2").await;
    settles_on(&c, &app, "occupation", "2").await;
    select(&c, "select[name=ward]", &first_ward).await;
    let in_ward = settles_on(&c, &app, "ward", &first_ward).await;
    assert!(in_ward >= 1, "the first result's own commune holds it");
    select(&c, "select[name=ward]", "").await;
    select(&c, "select[name=near]", &first_ward).await;
    settles_on(&c, &app, "near", &first_ward).await;
    select(&c, "select[name=km]", "50").await;
    let near = settles_on(&c, &app, "km", "50").await;
    assert!(near >= in_ward, "50 km around a commune includes it");
    select(&c, "select[name=wage]", "5000000").await;
    settles_on(&c, &app, "wage", "5000000").await;
    shot(&c, "board-filtered").await;

    // Abroad: nothing left, so the page says what to try and offers to clear the filters.
    click(&c, "input[name=abroad]").await;
    settles_on(&c, &app, "abroad", "1").await;
    c.wait().for_element(Locator::Css("[data-testid=board-empty]")).await.unwrap();
    shot(&c, "board-empty").await;
    click(&c, "[data-testid=board-clear-filters]").await;
    c.wait().for_element(Locator::Css("[data-testid=board-results] li")).await.unwrap();
    assert_eq!(address(&c).await, vec![("q".to_owned(), "ke toan".to_owned())], "only the words are kept");
    wait_text(&c, "[data-testid=board-total]", &format!("Số việc làm: {by_text}")).await;

    // Words typed together are read as meant, and the page says so.
    let search = c.find(Locator::Css("[data-testid=board-search]")).await.unwrap();
    search.clear().await.unwrap();
    fill(&c, "[data-testid=board-search]", "ketoan").await;
    settles_on(&c, &app, "q", "ketoan").await;
    wait_text(&c, "[data-testid=board-corrected] strong", "ke toan").await;

    // The pushed address is a real page: reloading it shows the same list.
    click(&c, "details.more-filters summary").await;
    select(&c, "select[name=wage]", "10000000").await;
    let count = settles_on(&c, &app, "wage", "10000000").await;
    let pushed = c.current_url().await.unwrap();
    c.goto(pushed.as_str()).await.unwrap();
    wait_text(&c, "[data-testid=board-total]", &format!("Số việc làm: {count}")).await;
    let wage = c.find(Locator::Css("select[name=wage]")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(wage.as_deref(), Some("10000000"), "the reloaded form shows the chosen filter");

    // The same board in English, with English number formats.
    click(&c, "[data-testid=lang-switch]").await;
    c.wait().for_element(Locator::Css("html[lang=en] [data-testid=board-total]")).await.unwrap();
    // The language switch keeps the search.
    wait_text(&c, "[data-testid=board-total]", &format!("Vacancies found: {count}")).await;
    assert!(address(&c).await.contains(&("wage".to_owned(), "10000000".to_owned())));
    shot(&c, "board-en").await;
    c.close().await;
}
