//! Pages as each role meets them: the menu holds only what the role can open,
//! the home page starts with what it does most, the operator is named on every
//! page, and an empty form field never refuses a page.

use testkit::{TestApp, ADMIN, COMMUNE_OFFICER, EMPLOYER, JOB_SEEKER, STAFF, VIEWER};

/// The `href`s of the main menu in a page.
fn menu_links(html: &str) -> Vec<String> {
    let start = html.find("id=\"mainnav-list\"").expect("a menu");
    let end = start + html[start..].find("</ul>").unwrap();
    html[start..end].split("href=\"").skip(1).map(|s| s[..s.find('"').unwrap()].replace("&amp;", "&")).collect()
}

#[tokio::test]
async fn each_role_has_a_menu_of_pages_it_may_open() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let school = "truongnghe@demo.ketnoi.vn";
    for (login, first_action, must_have, must_not) in [
        (ADMIN, "/admin/users", "/admin/audit", "/nothing"),
        (STAFF, "/registry/new", "/vacancies", "/admin/users"),
        (COMMUNE_OFFICER, "/registry/new", "/registry", "/applications"),
        (EMPLOYER, "/vacancies/new", "/applications", "/registry"),
        (JOB_SEEKER, "/jobs", "/applications", "/vacancies"),
        (school, "/training/classes", "/training", "/registry"),
        // The leadership's home is the dashboard (no first actions).
        (VIEWER, "", "/targets", "/registry\""),
    ] {
        let b = app.login(login).await;
        let (status, home) = if first_action.is_empty() {
            let r = b.get("/").await;
            assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/dashboard"));
            b.get_text("/dashboard").await
        } else {
            b.get_text("/").await
        };
        assert_eq!(status, 200, "{login}");
        let links = menu_links(&home);
        assert!(links.contains(&must_have.to_owned()), "{login}: {links:?}");
        assert!(!links.contains(&must_not.trim_end_matches('"').to_owned()), "{login} must not see {must_not}");
        assert!(!home.contains("Đang xây dựng"), "{login}: no 'coming soon' entries");
        // The first button of the home page is what the role does most.
        if first_action.is_empty() {
            continue_links(&b, login, &links).await;
            continue;
        }
        let actions = &home[home.find("data-testid=\"first-actions\"").expect("first actions")..];
        let first = &actions[actions.find("href=\"").unwrap() + 6..];
        assert_eq!(&first[..first.find('"').unwrap()], first_action, "{login}");
        continue_links(&b, login, &links).await;
    }
}

/// Every link of the menu opens (an employer's "company profile" leads to its own).
async fn continue_links(b: &testkit::Browser, login: &str, links: &[String]) {
    for link in links {
        let r = b.get(link).await;
        let status = match r.headers().get("location").and_then(|l| l.to_str().ok()) {
            Some(to) if r.status() == 303 && !to.starts_with("/login") => b.get(to).await.status().as_u16(),
            _ => r.status().as_u16(),
        };
        assert_eq!(status, 200, "{login}: {link}");
    }
}

#[tokio::test]
async fn empty_fields_are_no_filter_on_every_page_and_api() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    // The board's own form sends all of these empty; so may any client.
    for path in [
        "/jobs?q=&occupation=&ward=&province=&near=&km=&wage=&page=",
        "/jobs/feed.atom?q=&km=&wage=",
        "/api/v1/vacancies?q=&occupation=&ward=&near=&km=&wage=&page=",
    ] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
    }
    let staff = app.login(STAFF).await;
    for path in [
        "/registry?q=&ward=&need=&qualification=&page=&per_page=",
        "/vacancies?status=&employer=&page=",
        "/employers?q=&page=",
        "/units?q=",
    ] {
        let (status, _) = staff.get_text(path).await;
        assert_eq!(status, 200, "{path}");
    }
    let (status, _) = app.login(ADMIN).await.get_text("/admin/audit?actor=&action=&entity=&page=").await;
    assert_eq!(status, 200);
    let token = app.token(STAFF).await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/people?q=&ward=&page=&per_page="))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A value that says something wrong is still refused, with its reason.
    let r = reqwest::get(app.url("/api/v1/vacancies?wage=abc")).await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn the_operator_is_named_and_its_logo_served() {
    let app = TestApp::spawn_with(|s| {
        s.org = std::sync::Arc::new(platform::Org {
            name: "Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa".into(),
            hotline: Some("0258 3 822 999".into()),
            address: Some("Nha Trang".into()),
            logo: None,
        })
    })
    .await;
    let html = reqwest::get(app.url("/jobs")).await.unwrap().text().await.unwrap();
    assert!(html.contains("Trung tâm Dịch vụ việc làm tỉnh Khánh Hòa"));
    assert!(html.contains("href=\"tel:02583822999\"") && html.contains("0258 3 822 999"), "the hotline dials");
    let logo = reqwest::get(app.url("/org/logo")).await.unwrap();
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    assert_eq!(reqwest::get(app.url("/favicon.ico")).await.unwrap().status(), 200);
}

#[tokio::test]
async fn an_employers_public_page_shows_it_verified_with_its_open_vacancies() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 4, 7).await.unwrap();
    // The board follows the table within seconds.
    let mut tries = 0;
    let list = loop {
        let l: serde_json::Value = reqwest::get(app.url("/api/v1/vacancies")).await.unwrap().json().await.unwrap();
        if l["total"] == 4 || tries > 40 {
            break l;
        }
        tries += 1;
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    let id = list["items"][0]["id"].as_i64().unwrap();
    let html = reqwest::get(app.url(&format!("/jobs/{id}"))).await.unwrap().text().await.unwrap();
    let at = html.find("/jobs/employers/").expect("the employer is a link");
    let employer_path = &html[at..at + html[at..].find('"').unwrap()];
    let page = reqwest::get(app.url(employer_path)).await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"verified\"") && page.contains("Trung tâm Dịch vụ việc làm"));
    assert!(page.contains(&format!("/jobs/{id}\"")), "its vacancies are listed");
    assert!(html.contains("Đăng ngày"), "the posting date on the vacancy");
    assert_eq!(reqwest::get(app.url("/jobs/employers/999999")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn every_table_downloads_with_its_filters() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 200, 3).await.unwrap();
    let viewer = app.login(VIEWER).await;
    let (_, page) = viewer.get_text("/registry/indicators").await;
    assert!(page.contains("data-testid=\"downloads\"") && page.contains("/registry/indicators?format=xlsx"));
    // The indicators as CSV: a row per commune and the total, the same as the page once the index has caught up.
    let mut csv = String::new();
    for _ in 0..40 {
        let r = viewer.get("/registry/indicators?format=csv").await;
        assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
        csv = r.text().await.unwrap();
        if csv.lines().last().is_some_and(|l| l.starts_with("Tổng số,200,")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(csv.starts_with("\u{feff}Xã/phường,"), "{csv}");
    assert!(csv.lines().last().unwrap().starts_with("Tổng số,200,"), "{csv}");
    let r = viewer.get("/registry/indicators?format=xlsx").await;
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");

    // The communes list keeps its search in the download.
    let staff = app.login(STAFF).await;
    let csv = staff.get("/units?q=dai+lanh&format=csv").await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "header and Đại Lãnh: {csv}");
    assert!(csv.contains("22504,Xã Đại Lãnh,"));
    // The province's demand report.
    let r = staff.get("/recruitment-needs?format=xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("nhu-cau-tuyen-dung-"));
}

#[tokio::test]
async fn a_commune_officer_reading_an_employer_is_offered_no_forbidden_action() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 0, 7).await.unwrap();
    let (employer, _) = platform::auth::store::find_for_login(&app.db, EMPLOYER).await.unwrap().unwrap();
    let id = employer.employer_id.unwrap();
    let officer = app.login(COMMUNE_OFFICER).await;
    let (status, html) = officer.get_text(&format!("/employers/{id}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains(&format!("/employers/{id}/edit")) && !html.contains("href=\"/applications\""), "read only");
    assert!(html.contains(&format!("/jobs/employers/{id}")), "its public page");
    let own = app.login(EMPLOYER).await;
    let (_, html) = own.get_text(&format!("/employers/{id}")).await;
    assert!(html.contains(&format!("/employers/{id}/edit")), "the employer edits its own profile");
}
