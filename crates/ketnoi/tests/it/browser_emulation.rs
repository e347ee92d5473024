//! Emulation on a phone, on the demo's records: the leader reads the "20 +
//! 20" through the real year form; the department's emulation officer
//! submits an initiative by typing into the form, a council member's score
//! is recorded, the decision recognises it, and the report counts it; an
//! award makes a person's history show the hint of a higher title.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use testkit::browser::{click, fill, log_in, log_out, select, shot, text, wait_for};
use testkit::{TestApp, STAFF, VIEWER};

/// Set a date field as the phone's own date picker does.
async fn pick_date(c: &fantoccini::Client, css: &str, iso: &str) {
    c.execute(&format!("document.querySelector('{css}').value = '{iso}';"), vec![]).await.unwrap();
}

/// Wait until the address holds `part` (the old page lingers a moment after a submit).
async fn wait_url(c: &fantoccini::Client, part: &str) -> String {
    for _ in 0..100 {
        let url = c.current_url().await.unwrap().to_string();
        if url.contains(part) {
            return url;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the address never held {part}: {}", c.current_url().await.unwrap());
}

#[tokio::test]
async fn the_leader_reads_the_twenty_and_twenty_and_the_officer_recognises_an_initiative() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_emulation(&app.db, "56").await.unwrap();

    // The leader: through the menu, then the years form with both fields.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, VIEWER).await;
    c.goto(&app.url("/emulation")).await.unwrap();
    wait_for(&c, "[data-testid=years]").await;
    select(&c, "[data-testid=from-year]", "2021").await;
    select(&c, "[data-testid=to-year]", "2023").await;
    click(&c, "[data-testid=show]").await;
    let url = wait_url(&c, "to_year=2023").await;
    assert!(url.contains("from_year=2021"), "{url}");
    wait_for(&c, "[data-testid=field-vocational_training]").await;
    assert_eq!(text(&c, "[data-testid=field-vocational_training]").await, "20");
    assert_eq!(text(&c, "[data-testid=field-social_care]").await, "20");
    let awards = text(&c, "[data-testid=awards]").await;
    assert!(
        awards.contains("Bằng khen của Thủ tướng Chính phủ") && awards.contains("Bằng khen của Bộ trưởng"),
        "{awards}"
    );
    shot(&c, "emulation-leader").await;
    log_out(&c).await;

    // The officer: a new initiative, typed into the form.
    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, STAFF).await;
    c.goto(&app.url("/emulation/initiatives")).await.unwrap();
    click(&c, "[data-testid=new-initiative]").await;
    wait_for(&c, "[data-testid=initiative-form]").await;
    fill(&c, "[data-testid=title]", "Phiên giao dịch việc làm lưu động tại xã miền núi").await;
    select(&c, "[data-testid=field]", "vocational_training").await;
    fill(&c, "[data-testid=unit]", "Trung tâm Dịch vụ việc làm Khánh Hòa").await;
    fill(&c, "[data-testid=authors]", "Hồ Thị Lan\nCao Văn Sơn").await;
    fill(&c, "[data-testid=description]", "Tổ chức phiên giao dịch tại xã, kết nối 300 lao động với doanh nghiệp.")
        .await;
    shot(&c, "emulation-new-initiative").await;
    click(&c, "[data-testid=save]").await;
    wait_url(&c, "/emulation/initiatives/").await;
    wait_for(&c, "[data-testid=score-form]").await;
    assert_eq!(text(&c, "[data-testid=title]").await, "Phiên giao dịch việc làm lưu động tại xã miền núi");

    // A council member's score, then the decision.
    fill(&c, "[data-testid=member]", "Lý Quang Vinh").await;
    fill(&c, "[data-testid=score]", "92").await;
    click(&c, "[data-testid=add-score]").await;
    wait_for(&c, "[data-testid=scores]").await;
    assert_eq!(text(&c, "[data-testid=mean-score]").await, "92,0");
    fill(&c, "[data-testid=decision-no]", "45/QĐ-SLĐTBXH").await;
    let today = platform::time::today().format("%Y-%m-%d").to_string();
    pick_date(&c, "[data-testid=decision-date]", &today).await;
    select(&c, "[data-testid=scope]", "province").await;
    click(&c, "[data-testid=decide]").await;
    for _ in 0..100 {
        if text(&c, "[data-testid=status]").await.contains("45/QĐ-SLĐTBXH") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let status = text(&c, "[data-testid=status]").await;
    assert!(status.starts_with("Được công nhận") && status.contains("Cấp tỉnh"), "{status}");
    shot(&c, "emulation-initiative").await;

    // Found without diacritics; counted this year.
    c.goto(&app.url("/emulation/initiatives")).await.unwrap();
    fill(&c, "[data-testid=q]", "phien giao dich luu dong").await;
    click(&c, "[data-testid=search]").await;
    wait_url(&c, "q=phien").await;
    wait_for(&c, "[data-testid=initiatives]").await;
    assert!(text(&c, "[data-testid=initiatives]").await.contains("Phiên giao dịch việc làm lưu động"));
    let year = platform::time::today().format("%Y").to_string();
    c.goto(&app.url(&format!("/emulation?from_year={year}&to_year={year}"))).await.unwrap();
    wait_for(&c, "[data-testid=recognised]").await;
    assert_eq!(text(&c, "[data-testid=recognised]").await, "1");

    // A third grassroots title in a row: the history hints the provincial one.
    c.goto(&app.url("/emulation/awards")).await.unwrap();
    wait_for(&c, "[data-testid=award-form]").await;
    select(&c, "[data-testid=award-type]", "chien_si_thi_dua/grassroots").await;
    fill(&c, "[data-testid=recipient]", "Lê Thị Mai Anh").await;
    fill(&c, "[data-testid=decision-no]", "230/QĐ-SLĐTBXH").await;
    pick_date(&c, "[data-testid=decision-date]", "2024-12-20").await;
    click(&c, "[data-testid=save]").await;
    wait_url(&c, "/emulation/recipients").await;
    wait_for(&c, "[data-testid=history]").await;
    let hint = text(&c, "[data-testid=hint]").await;
    assert!(hint.contains("Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh") && hint.contains("2022, 2023, 2024"), "{hint}");
    shot(&c, "emulation-history").await;
    c.close().await;
}
