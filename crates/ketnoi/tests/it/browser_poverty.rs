//! The yearly poverty review on a phone, on the demo's households (2022 to
//! 2026): the commune officer opens the overview, finds a household without
//! diacritics with the real filter form, fills the survey (income, members,
//! the checklist) and reads the class with its reasons; the leader reads
//! "poor households fewer since 2022" with the map, counts only.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::Locator;
use testkit::browser::{click, fill, log_in, log_out, select, shot, text, wait_for};
use testkit::{TestApp, COMMUNE_OFFICER, VIEWER};

/// A count as the Vietnamese pages write it (4.132).
fn vi(n: i64) -> String {
    platform::i18n::Tr::new(platform::i18n::Lang::Vi).int(n)
}

#[tokio::test]
async fn a_commune_officer_reviews_a_household_and_the_leader_reads_the_years_figures() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    let households = ketnoi::demo::seed_poverty(&app.db, "56", 2026).await.unwrap();
    assert_eq!(households, 13_000);
    let viewer = app.token(VIEWER).await;
    let t = app.get_json("/api/v1/poverty/transitions?from=2022&to=2025", &viewer).await;
    let fewer = t["poor_from"].as_i64().unwrap() - t["poor_to"].as_i64().unwrap();
    assert!(fewer > 2_500, "more than 2,500 poor households fewer since 2022: {t}");

    // The leader: counts and the map, no links to households.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, VIEWER).await;
    c.goto(&app.url("/poverty?year=2025")).await.unwrap();
    wait_for(&c, "[data-testid=fewer-since]").await;
    assert_eq!(text(&c, "[data-testid=fewer-since]").await, vi(fewer));
    let s = app.get_json("/api/v1/poverty/summary?year=2025", &viewer).await;
    assert_eq!(text(&c, "[data-testid=poor]").await, vi(s["poor"].as_i64().unwrap()));
    assert!(c.find_all(Locator::Css("[data-testid=map] circle")).await.unwrap().len() > 30, "a circle per commune");
    assert!(c.find_all(Locator::Css("[data-testid=map] a")).await.unwrap().is_empty(), "counts only");
    shot(&c, "poverty-leader").await;
    log_out(&c).await;

    // The commune officer finds a household of their commune by its head's
    // name typed without diacritics, through the real form.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, COMMUNE_OFFICER).await;
    c.goto(&app.url("/poverty/households")).await.unwrap();
    wait_for(&c, "[data-testid=filters]").await;
    let (head, code): (String, String) = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT head_name, code FROM households WHERE ward_code = '22504' ORDER BY id LIMIT 1").fetch_one(p).await.unwrap());
    fill(&c, "[data-testid=q]", &platform::fold::fold(&head)).await;
    select(&c, "[name=ward]", "22504").await;
    click(&c, "[data-testid=filters] button[type=submit]").await;
    wait_for(&c, "[data-testid=household-list]").await;
    let list = text(&c, "[data-testid=household-list]").await;
    assert!(list.contains(&code) && list.contains(&head), "{list}");
    shot(&c, "poverty-households").await;
    click(&c, &format!("[data-testid=household-list] a[href^='/poverty/households/']")).await;
    wait_for(&c, "[data-testid=survey]").await;

    // The survey on the phone: last review's answers prefilled; change them.
    for (css, typed) in [("[data-testid=members]", "5"), ("[data-testid=income]", "1.250.000")] {
        c.find(Locator::Css(css)).await.unwrap().clear().await.unwrap();
        fill(&c, css, typed).await;
    }
    for box_ in c.find_all(Locator::Css("[data-testid=indicators] input:checked")).await.unwrap() {
        box_.click().await.unwrap();
    }
    for code in ["employment", "health_insurance", "hygienic_latrine", "information_access"] {
        click(&c, &format!("[data-testid=lack-{code}]")).await;
    }
    click(&c, "[data-testid=classify]").await;
    wait_for(&c, "[data-testid=classified]").await;
    let verdict = text(&c, "[data-testid=classified]").await;
    assert!(verdict.contains("Hộ nghèo") && verdict.contains("Thiếu hụt 4 chỉ số"), "{verdict}");
    assert!(verdict.contains("1.250.000"), "the income as Vietnamese write it: {verdict}");
    shot(&c, "poverty-survey").await;
    let reviews = text(&c, "[data-testid=reviews]").await;
    assert!(reviews.contains("2026") && reviews.contains("Đã khảo sát"), "{reviews}");

    // The Khánh Nam pomelo model: 45 poor households supported, those that
    // left poverty listed with what they had.
    c.goto(&app.url("/poverty/programmes")).await.unwrap();
    click(&c, "[data-testid=programmes] a").await;
    wait_for(&c, "[data-testid=programme-figures]").await;
    assert_eq!(text(&c, "[data-testid=supported]").await, "45");
    let left = text(&c, "[data-testid=left-with]").await;
    assert!(left.contains("cây Cây giống bưởi da xanh"), "{left}");
    shot(&c, "poverty-programme").await;
    c.close().await;
}
