//! The labour registry in a real browser (headless Chromium, phone-sized
//! window): the department imports a survey sheet and watches the job finish;
//! a commune officer finds a person without typing diacritics, opens the
//! record and reads it in English.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).
//! Without them the tests are skipped locally, but fail under CI.

use fantoccini::{Client, Locator};
use std::time::Duration;
use testkit::browser::{click, fill, log_in, shot, text, wait_text};
use testkit::{TestApp, COMMUNE_OFFICER, STAFF};

/// Three valid people (two in Đại Lãnh 22504, one in Tây Khánh Vĩnh 22624) and
/// one row with an impossible date.
const SURVEY: &str = "cccd,full_name,birth_date,sex,ward_code,employment_status,qualification,job_need\n\
056185012345,Nguyễn Thị Đào,05/06/1985,nữ,22504,unemployed,elementary,job\n\
056088123456,Lê Văn Nam,14/02/1988,nam,22504,employed,,\n\
056192000777,Trần Thị Mai,21/09/1992,nữ,22624,unemployed,,job\n\
056190000888,Phạm Thị Hoa,31/02/1990,nữ,22504,employed,,\n";

/// The staff imports [`SURVEY`] through the page (the file chosen in the file input).
async fn import_survey(c: &Client, app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("khao-sat.csv");
    std::fs::write(&path, SURVEY).unwrap();

    c.goto(&app.url("/registry/import")).await.unwrap();
    log_in(c, STAFF).await;
    if !c.current_url().await.unwrap().path().starts_with("/registry/import") {
        c.goto(&app.url("/registry/import")).await.unwrap();
    }
    let input = c.find(Locator::Css("[data-testid=import-file]")).await.unwrap();
    input.send_keys(&path.display().to_string()).await.unwrap();
    click(c, "[data-testid=import-submit]").await;

    // The job page refreshes itself until the import has finished.
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-testid=import-done]"))
        .await
        .expect("the import finishes");
    assert!(c.current_url().await.unwrap().path().starts_with("/registry/imports/"));
    assert_eq!(text(c, "[data-testid=inserted]").await, "3");
    assert_eq!(text(c, "[data-testid=rejected]").await, "1");
    let rejects = c.find(Locator::Css("[data-testid=rejects]")).await.expect("a link to the rejected rows");
    let href = rejects.attr("href").await.unwrap().unwrap_or_default();
    assert!(href.ends_with("/rejects.xlsx"), "{href}");
}

#[tokio::test]
async fn staff_imports_a_survey_sheet_and_watches_it_finish() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;

    import_survey(&c, &app).await;
    assert_eq!(text(&c, "[data-testid=rows]").await, "4");
    assert_eq!(text(&c, "[data-testid=accepted]").await, "3");
    // A row was rejected: a warning, not a green "done", and the row's reason on the page.
    let done = c.find(Locator::Css("[data-testid=import-done]")).await.unwrap();
    assert_eq!(done.attr("class").await.unwrap().as_deref(), Some("alert"));
    let rejected = text(&c, "[data-testid=rejected-rows]").await;
    assert!(
        rejected.contains("5") && rejected.contains("Ngày sinh") && rejected.contains("Ngày không hợp lệ"),
        "{rejected}"
    );
    shot(&c, "import-done-vi").await;

    // The classification: two dimensions chosen in the form, a card per row on the phone.
    c.goto(&app.url("/registry/classification")).await.unwrap();
    let rows_by = c.find(Locator::Css("[data-testid=rows-by]")).await.unwrap();
    rows_by.select_by_value("sex").await.unwrap();
    let columns_by = c.find(Locator::Css("[data-testid=columns-by]")).await.unwrap();
    columns_by.select_by_value("status").await.unwrap();
    click(&c, "[data-testid=dims] button[type=submit]").await;
    c.wait()
        .for_element(Locator::Css("table[data-rows=sex][data-columns=status]"))
        .await
        .expect("the table by sex and status");
    let layout = c
        .execute(
            r#"const td = document.querySelector('.crosstab tbody tr[data-key=female] td');
               return [getComputedStyle(document.querySelector('.crosstab thead')).display,
                       getComputedStyle(td).display,
                       getComputedStyle(td, '::before').content,
                       td.textContent.trim()];"#,
            vec![],
        )
        .await
        .unwrap();
    // Women: Đào and Mai unemployed (Hoa was rejected), none employed.
    assert_eq!(layout, serde_json::json!(["none", "flex", "\"Có việc làm\"", "0"]), "a card of label: value lines");
    let female = text(&c, ".crosstab tr[data-key=female]").await;
    // One line per value (the labels are drawn by CSS): employed, unemployed, inactive, total.
    assert_eq!(female.lines().map(str::trim).collect::<Vec<_>>(), ["Nữ", "0", "2", "0", "2"], "{female}");
    shot(&c, "classification-vi").await;
    c.close().await;
}

#[tokio::test]
async fn commune_officer_finds_a_person_without_diacritics_and_reads_the_record_in_english() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;

    // The department puts the survey in (in the browser), then logs out.
    import_survey(&c, &app).await;
    click(&c, "[data-testid=account-menu]").await;
    click(&c, "[data-testid=logout]").await;
    c.wait().for_url(url::Url::parse(&app.url("/login")).unwrap()).await.unwrap();

    // The commune officer sees the people of their two communes…
    c.goto(&app.url("/registry")).await.unwrap();
    log_in(&c, COMMUNE_OFFICER).await;
    if c.current_url().await.unwrap().path() != "/registry" {
        c.goto(&app.url("/registry")).await.unwrap();
    }
    wait_text(&c, "[data-testid=total]", "3").await;
    shot(&c, "registry-vi").await;

    // …and the list narrows as they type, without diacritics.
    fill(&c, "[data-testid=search]", "nguyen thi dao").await;
    wait_text(&c, "[data-testid=total]", "1").await;
    let people = text(&c, "[data-testid=people]").await;
    assert!(people.contains("Nguyễn Thị Đào"), "{people}");
    assert!(!people.contains("Lê Văn Nam") && !people.contains("Trần Thị Mai"), "{people}");
    shot(&c, "search-vi").await;

    // The name opens the record.
    click(&c, "[data-testid=people] a").await;
    c.wait().for_element(Locator::Css("[data-testid=cccd]")).await.expect("the person's page");
    assert!(c.current_url().await.unwrap().path().starts_with("/registry/"));
    assert_eq!(text(&c, "[data-testid=person-name]").await, "Nguyễn Thị Đào");
    assert_eq!(text(&c, "[data-testid=cccd]").await, "056185012345");
    assert!(c.source().await.unwrap().contains("Ngày sinh"));
    shot(&c, "person-vi").await;

    // The same record in English.
    click(&c, "[data-testid=lang-switch]").await;
    // Wait for the new page (the old one's elements vanish while it loads).
    c.wait().for_element(Locator::Css("html[lang=en] [data-testid=cccd]")).await.unwrap();
    assert_eq!(text(&c, "[data-testid=cccd]").await, "056185012345", "still the person's page");
    let html = c.source().await.unwrap();
    assert!(html.contains("Date of birth") && !html.contains("Ngày sinh"), "the page is in English");
    shot(&c, "person-en").await;
    c.close().await;
}
