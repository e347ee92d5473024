//! Linked recruitment as a job seeker meets it: on Đắk Lắk's board (66),
//! the "other provinces" filter of the real form shows Khánh Hòa's (56)
//! vacancies, marked with their province; one opens on Khánh Hòa's board.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use serde_json::{json, Value};
use testkit::browser::{click, select, shot, text, wait_for};
use testkit::{TestApp, ADMIN};

#[tokio::test]
async fn a_job_seeker_finds_a_partner_provinces_vacancy_and_applies_there() {
    let Some(c) = testkit::browser::session().await else { return };
    let a = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&a.db, "56", 3, 12, 5).await.unwrap();
    let b = TestApp::spawn_with(|s| s.province_code = "66".into()).await;
    ketnoi::demo::seed_demand(&b.db, "66", 2, 4, 6).await.unwrap();
    let key: Value = reqwest::get(a.url("/api/v1/exchange/key")).await.unwrap().json().await.unwrap();
    let admin = b.token(ADMIN).await;
    let r = b
        .post_json(
            "/api/v1/exchange/partners",
            &admin,
            &json!({"name": "Khánh Hòa", "url": a.base, "public_key": key["public_key"]}),
        )
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = b.post_json(&format!("/api/v1/exchange/partners/{id}/pull"), &admin, &json!({})).await;
    assert_eq!(r.status(), 200);
    let pulled: Value = r.json().await.unwrap();
    assert_eq!(pulled["items"], 12, "{pulled}");

    // The board follows its own vacancies every few seconds.
    for _ in 0..200 {
        let list: Value = reqwest::get(b.url("/api/v1/vacancies")).await.unwrap().json().await.unwrap();
        if list["total"] == 16 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    c.goto(&b.url("/jobs")).await.unwrap();
    wait_for(&c, "[data-testid=board-results]").await;
    let total = text(&c, "[data-testid=board-total]").await;
    assert!(total.ends_with(": 16"), "our 4 and the partner's 12: {total}");
    click(&c, "details.more-filters summary").await;
    select(&c, "[data-testid=board-origin]", "partners").await;
    for _ in 0..100 {
        if c.current_url().await.unwrap().as_str().contains("origin=partners")
            && text(&c, "[data-testid=board-total]").await.ends_with(": 12")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(text(&c, "[data-testid=board-total]").await.ends_with(": 12"));
    let badge = text(&c, "[data-testid=origin]").await;
    assert!(badge.contains("Khánh Hòa"), "{badge}");
    shot(&c, "exchange-board").await;
    // The vacancy opens on Khánh Hòa's own board, where the job seeker applies.
    click(&c, "[data-testid=board-results] li a").await;
    for _ in 0..100 {
        if c.current_url().await.unwrap().as_str().starts_with(&a.base) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(c.current_url().await.unwrap().as_str().starts_with(&format!("{}/jobs/", a.base)));
    wait_for(&c, "main h1").await;
    c.close().await;
}
