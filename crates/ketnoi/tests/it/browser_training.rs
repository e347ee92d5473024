//! Vocational training on a phone, on the demo's enrolments (2021 to May
//! 2023): the leader reads the report's enrolment figures through the real
//! period form; the college opens a class, enrols a learner who is not in
//! the registry yet, records the graduation with its diploma and the
//! tracer's answer, and the figures move.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use testkit::browser::{click, fill, log_in, log_out, select, shot, text, wait_for};
use testkit::{TestApp, SCHOOL, STAFF, VIEWER};

/// A count as the Vietnamese pages write it (29.496).
fn vi(n: i64) -> String {
    platform::i18n::Tr::new(platform::i18n::Lang::Vi).int(n)
}

/// Set a date field as the phone's own date picker does (its typing order depends on the phone's locale).
async fn pick_date(c: &fantoccini::Client, css: &str, iso: &str) {
    c.execute(&format!("document.querySelector('{css}').value = '{iso}';"), vec![]).await.unwrap();
}

#[tokio::test]
async fn the_leader_reads_the_report_figures_and_a_college_enrols_and_graduates_a_learner() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 400, 7).await.unwrap();
    let enrolments = ketnoi::demo::seed_training(&app.db, "56", 2026).await.unwrap();
    assert_eq!(enrolments, 29_496 + 29_550 + 12_507);

    // The registry's index follows the new people within seconds.
    let viewer = app.token(VIEWER).await;
    for _ in 0..100 {
        if app.get_json("/api/v1/people/indicators", &viewer).await["province"]["labour_force"].as_i64() > Some(0) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // The leader: the department's figures, year by year, through the period form.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, VIEWER).await;
    c.goto(&app.url("/training")).await.unwrap();
    wait_for(&c, "[data-testid=filters]").await;
    for (from, to, expected) in [
        ("2021-01-01", "2021-12-31", 29_496),
        ("2022-01-01", "2022-12-31", 29_550),
        ("2023-01-01", "2023-05-31", 12_507),
    ] {
        pick_date(&c, "[data-testid=from]", from).await;
        pick_date(&c, "[data-testid=to]", to).await;
        click(&c, "[data-testid=show]").await;
        let mut url = c.current_url().await.unwrap();
        for _ in 0..100 {
            if url.as_str().contains(&format!("from={from}")) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            url = c.current_url().await.unwrap();
        }
        wait_for(&c, "[data-testid=enrolled]").await;
        assert!(
            url.as_str().contains(&format!("from={from}")) && url.as_str().contains("ward="),
            "every field the form sends: {url}"
        );
        assert_eq!(text(&c, "[data-testid=enrolled]").await, vi(expected), "{from} – {to}");
    }
    let by_level = text(&c, "[data-testid=by-level]").await;
    assert!(by_level.contains("Sơ cấp") && by_level.contains("Cao đẳng"), "{by_level}");
    let rate = text(&c, "[data-testid=trained-rate]").await;
    assert!(rate.ends_with('%') && rate.contains(','), "a Vietnamese percentage: {rate}");
    shot(&c, "training-leader").await;
    log_out(&c).await;

    // The college on a phone: a class, a learner new to the registry.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, SCHOOL).await;
    c.goto(&app.url("/training/classes")).await.unwrap();
    wait_for(&c, "[data-testid=class-form]").await;
    select(&c, "[data-testid=class-trade]", "dien_cong_nghiep").await;
    select(&c, "[data-testid=class-form] select[name=level]", "elementary").await;
    pick_date(&c, "[data-testid=class-start]", "2026-09-07").await;
    pick_date(&c, "[data-testid=class-end]", "2026-11-27").await;
    select(&c, "[data-testid=class-form] select[name=ward_code]", "22390").await;
    select(&c, "[data-testid=class-form] select[name=funding]", "state_rural").await;
    click(&c, "[data-testid=class-save]").await;
    wait_for(&c, "[data-testid=enrol-form]").await;
    fill(&c, "[data-testid=enrol-name]", "Đinh Thị Mỹ Duyên").await;
    fill(&c, "[data-testid=enrol-birth]", "21/08/2005").await;
    select(&c, "[data-testid=enrol-sex]", "nữ").await;
    select(&c, "[data-testid=enrol-ward]", "22504").await;
    shot(&c, "training-enrol").await;
    click(&c, "[data-testid=enrol-save]").await;
    wait_for(&c, "[data-testid=saved]").await;
    assert!(text(&c, "[data-testid=learners]").await.contains("Đinh Thị Mỹ Duyên"));

    // Graduation with the certificate, then the tracer's answer.
    click(&c, "[data-testid=learners] a").await;
    wait_for(&c, "[data-testid=outcome-form]").await;
    select(&c, "[data-testid=outcome-status]", "graduated").await;
    // The end date is the class's, already filled in.
    assert_eq!(
        c.find(fantoccini::Locator::Css("[data-testid=outcome-end]"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("27/11/2026")
    );
    select(&c, "[data-testid=outcome-certificate]", "yes").await;
    fill(&c, "[data-testid=outcome-certificate-no]", "SC-2026-0042").await;
    click(&c, "[data-testid=outcome-save]").await;
    wait_for(&c, "[data-testid=saved]").await;
    assert_eq!(text(&c, "[data-testid=status]").await, "Tốt nghiệp");
    let school = app.token(SCHOOL).await;
    let year = "/api/v1/indicators/training?from=2026-01-01&to=2026-12-31";
    let before = app.get_json(year, &school).await["employed_after"].as_i64().unwrap();
    select(&c, "[data-testid=outcome-tracer]", "employed").await;
    fill(&c, "[data-testid=outcome-employer]", "Công ty Điện lực Khánh Hòa").await;
    click(&c, "[data-testid=outcome-save]").await;
    wait_for(&c, "[data-testid=saved]").await;
    assert!(text(&c, "[data-testid=outcome]").await.contains("Công ty Điện lực Khánh Hòa"));
    shot(&c, "training-outcome").await;

    // The college's own figures for 2026; the registry knows the new qualification.
    c.goto(&app.url("/training?from=2026-01-01&to=2026-12-31")).await.unwrap();
    wait_for(&c, "[data-testid=employed-after]").await;
    assert_eq!(text(&c, "[data-testid=enrolled]").await, "1", "the class began in 2026");
    assert_eq!(text(&c, "[data-testid=employed-after]").await, vi(before + 1), "the demo's graduates of 2026 and ours");
    let staff = app.token(STAFF).await;
    let (id,): (i64,) = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT id FROM people WHERE full_name = 'Đinh Thị Mỹ Duyên'").fetch_one(p).await.expect("added to the registry"));
    let person = app.get_json(&format!("/api/v1/people/{id}"), &staff).await;
    assert_eq!(person["qualification"], "elementary", "{person}");
    c.close().await;
}
