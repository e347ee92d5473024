//! The leadership dashboard on a phone, on the demo's jobs (2022 to May
//! 2023): the leader lands on it, reads the year's jobs against the target,
//! sees the month chart drawn and the communes' map, changes the period with
//! the real form; the staff follow a number to the records behind it. Every
//! figure is checked against the API's answer to the same question.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::Locator;
use serde_json::Value;
use testkit::browser::{click, log_in, select, shot, text, wait_for};
use testkit::{TestApp, STAFF, VIEWER};

/// A count as the Vietnamese pages write it (4.132).
fn vi(n: i64) -> String {
    platform::i18n::Tr::new(platform::i18n::Lang::Vi).int(n)
}

#[tokio::test]
async fn the_leader_reads_jobs_created_by_period_and_the_staff_drill_down() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 400, 7).await.unwrap();
    ketnoi::demo::seed_demand(&app.db, "56", 5, 0, 7).await.unwrap();
    let jobs = ketnoi::demo::seed_placements(&app.db, "56", 7).await.unwrap();
    assert_eq!(jobs, 16_648, "more than 16,500 since 2022");
    let viewer = app.token(VIEWER).await;
    let api = |q: &str| {
        let path = format!("/api/v1/indicators/jobs-created?{q}");
        let (app, viewer) = (&app, viewer.clone());
        async move { app.get_json(&path, &viewer).await }
    };

    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, VIEWER).await;
    c.goto(&app.url("/")).await.unwrap();
    wait_for(&c, "[data-testid=jobs-total]").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/dashboard"), "the leader's home is the dashboard");
    // The latest year with jobs: 2023, January to May.
    let year: Value = api("from=2023-01-01&to=2023-12-31").await;
    assert_eq!(text(&c, "[data-testid=jobs-total]").await, vi(year["total"].as_i64().unwrap()));
    assert_eq!(text(&c, "[data-testid=target]").await, "11.500");
    let drawn = c
        .execute("const c = document.querySelector('[data-testid=month-chart]'); return !!(window.Chart && Chart.getChart(c));", vec![])
        .await
        .unwrap();
    assert_eq!(drawn, Value::Bool(true), "the month chart is drawn");
    let circles = c.find_all(Locator::Css("[data-testid=map] circle")).await.unwrap().len();
    assert!(circles > 30, "a circle per commune: {circles}");
    assert!(c.find_all(Locator::Css("[data-testid=jobs-total] a")).await.unwrap().is_empty(), "counts only");
    // Every departure has its contract: 267 to Japan and Korea since 2022.
    let abroad = app.get_json("/api/v1/abroad/summary?from=2022-01-01&to=2023-05-31", &viewer).await;
    assert_eq!(abroad["departed"], 267, "{abroad}");
    let stages = c.find_all(Locator::Css("[data-testid=stages] li")).await.unwrap().len();
    assert!(stages >= 2, "contracts of 2023 by stage: {stages}");
    shot(&c, "dashboard-leader").await;

    // 2022's first five months, with the real form.
    select(&c, "[data-testid=year]", "2022").await;
    select(&c, "[data-testid=period-select]", "first5").await;
    click(&c, "[data-testid=period] button[type=submit]").await;
    wait_for(&c, "[data-testid=range]").await;
    let first5: Value = api("from=2022-01-01&to=2022-05-31").await;
    let want = vi(first5["total"].as_i64().unwrap());
    for _ in 0..50 {
        if text(&c, "[data-testid=jobs-total]").await == want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(text(&c, "[data-testid=jobs-total]").await, want);
    assert_eq!(text(&c, "[data-testid=range]").await, "01/01/2022 – 31/05/2022");
    let abroad: i64 = first5["by_place"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["place"] == "abroad")
        .map(|p| p["count"].as_i64().unwrap())
        .sum();
    assert_eq!(text(&c, "[data-testid=abroad]").await, vi(abroad));
    c.close().await;

    // The staff follow the year's total to the records behind it.
    let Some(c) = testkit::browser::session().await else { return };
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, STAFF).await;
    c.goto(&app.url("/dashboard?year=2022&period=year")).await.unwrap();
    click(&c, "[data-testid=jobs-total] a").await;
    wait_for(&c, "[data-testid=placements]").await;
    let total: Value = api("from=2022-01-01&to=2022-12-31").await;
    assert_eq!(text(&c, "[data-testid=total]").await, vi(total["total"].as_i64().unwrap()));
    c.close().await;
}
