//! Poverty reduction through HTTP, on SQLite and PostgreSQL: the standard's
//! classification explained; a commune's review list imported once (bad rows
//! named); the year's summary and the transitions between two reviews; the
//! survey on the household's page; who may see what.

use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, STAFF, VIEWER};

async fn import(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("ra-soat.csv"));
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/poverty/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

const HEADER: &str = "household_code,ward_code,area,head_cccd,head_name,members,income_per_person_month,review_year,\
    employment,dependants,nutrition,health_insurance,adult_education,child_school_attendance,housing_quality,\
    housing_area,domestic_water,hygienic_latrine,telecom,information_access";

/// A row: code, commune, income, year, lacking flags for the first n indicators.
fn row(code: &str, ward: &str, income: &str, year: i32, lacking: usize) -> String {
    let flags: Vec<&str> = (0..12).map(|i| if i < lacking { "1" } else { "" }).collect();
    format!("{code},{ward},,,Chủ hộ {code},4,{income},{year},{}", flags.join(","))
}

#[tokio::test]
async fn classification_follows_the_standard_and_says_why() {
    let app = TestApp::spawn().await;
    let viewer = app.token(VIEWER).await;
    let poor = json!({"date": "2024-10-01", "area": "rural", "income_per_person_month": 1_200_000,
                      "deprivations": ["employment", "nutrition", "telecom"]});
    let r = app.post_json("/api/v1/poverty/classify", &viewer, &poor).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!(
        (c["class"].as_str(), c["standard"].as_str(), c["income_line"].as_i64()),
        (Some("poor"), Some("07/2021"), Some(1_500_000))
    );
    assert_eq!(c["lacking"], 3);
    assert_eq!(c["reasons"].as_array().unwrap().len(), 3);
    assert!(c["reasons"][0].as_str().unwrap().contains("1.200.000"), "{c}");
    // The same household under the 2027 standard's higher line, and in English.
    let later = json!({"date": "2027-10-01", "area": "rural", "income_per_person_month": 1_800_000,
                       "deprivations": ["employment"]});
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/poverty/classify?lang=en"))
        .bearer_auth(&viewer)
        .json(&later)
        .send()
        .await
        .unwrap();
    let c: Value = r.json().await.unwrap();
    assert_eq!(
        (c["class"].as_str(), c["standard"].as_str(), c["income_line"].as_i64()),
        (Some("near_poor"), Some("351/2025"), Some(2_200_000))
    );
    assert!(c["reasons"][0].as_str().unwrap().contains("1,800,000"), "{c}");
    let named =
        json!({"standard": "07/2021", "date": "2027-10-01", "area": "urban", "income_per_person_month": 2_500_000});
    let c = app.post_json("/api/v1/poverty/classify", &viewer, &named).await.json::<Value>().await.unwrap();
    assert_eq!((c["class"].as_str(), c["middle_line"].as_i64()), (Some("middle"), Some(3_000_000)));

    // Each bad field is named.
    for (body, field) in [
        (json!({"area": "rural", "income_per_person_month": 1, "deprivations": ["wealth"]}), "deprivations"),
        (json!({"area": "rural", "income_per_person_month": -5}), "income_per_person_month"),
        (json!({"area": "city", "income_per_person_month": 5}), "area"),
        (json!({"standard": "99/2099", "area": "rural", "income_per_person_month": 5}), "standard"),
    ] {
        let r = app.post_json("/api/v1/poverty/classify", &viewer, &body).await;
        assert_eq!(r.status(), 422, "{body}");
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["error"]["fields"][0]["field"], field, "{e}");
    }
    let employer = app.token(EMPLOYER).await;
    assert_eq!(app.post_json("/api/v1/poverty/classify", &employer, &poor).await.status(), 403);
    let standards = app.get_json("/api/v1/poverty/standards", &viewer).await;
    assert_eq!(standards.as_array().unwrap().len(), 2);
    assert_eq!(standards[0]["indicators"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn a_review_list_imports_once_and_the_figures_come_from_it() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    // 2024: four households in two communes.
    let y2024 = [
        row("KN-1", "22504", "1.200.000", 2024, 4),     // poor
        row("KN-2", "22504", "1400000", 2024, 1),       // near-poor
        row("KN-3", "22504", "\"1,4 triệu\"", 2024, 3), // poor, as Excel quotes it
        row("NT-1", "22624", "2000000", 2024, 0),       // middle (rural: up to 2,250,000)
    ];
    let csv = format!("{HEADER}\n{}\n", y2024.join("\n"));
    let (status, report) = import(&app, &staff, &csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!((report["inserted"].as_i64(), report["rejected"].as_i64()), (Some(4), Some(0)), "{report}");
    let (_, again) = import(&app, &staff, &csv).await;
    assert_eq!((again["inserted"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(4)), "idempotent: {again}");

    // 2025: KN-1 leaves poverty (near-poor), KN-2 falls into it, KN-3 is
    // above the line, NT-1 poor; a bad row is named and nothing of it is saved.
    let y2025 = [
        row("KN-1", "22504", "1300000", 2025, 1),
        row("KN-2", "22504", "1000000", 2025, 5),
        row("KN-3", "22504", "3000000", 2025, 0),
        row("NT-1", "22624", "1500000", 2025, 3),
        "NT-2,22624,thành phố,,,bốn,-1,2025,2,,,,,,,,,,,".to_string(),
    ];
    let (_, report) = import(&app, &staff, &format!("{HEADER}\n{}\n", y2025.join("\n"))).await;
    assert_eq!((report["inserted"].as_i64(), report["rejected"].as_i64()), (Some(4), Some(1)), "{report}");
    let reason = report["rejected_rows"][0]["reason"].as_str().unwrap();
    assert_eq!(report["rejected_rows"][0]["line"], 6);
    assert!(!reason.contains(".;"), "one mark between reasons: {reason}");
    for field in ["Khu vực", "Họ tên chủ hộ", "Số nhân khẩu", "Thu nhập", "Việc làm"] {
        assert!(reason.contains(field), "{field} in {reason}");
    }

    let s = app.get_json("/api/v1/poverty/summary?year=2024", &staff).await;
    assert_eq!(
        (s["households"].as_i64(), s["poor"].as_i64(), s["near_poor"].as_i64(), s["middle"].as_i64()),
        (Some(4), Some(2), Some(1), Some(1)),
        "{s}"
    );
    let by_ward: Vec<(&str, i64)> = s["by_ward"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["ward_code"].as_str().unwrap(), w["poor"].as_i64().unwrap()))
        .collect();
    assert_eq!(by_ward, [("22504", 2), ("22624", 0)]);
    assert_eq!(s["deprivations"][0], json!({"code": "employment", "households_lacking": 3}), "{s}");
    assert_eq!(s["total_households"], Value::Null, "no commune reported its households yet");
    // The commune reports its households: the denominator of its rates.
    let total = json!({"ward_code": "22504", "year": 2024, "households": 40});
    let r = reqwest::Client::new()
        .put(app.url("/api/v1/poverty/households-total"))
        .bearer_auth(&staff)
        .json(&total)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let s = app.get_json("/api/v1/poverty/summary?year=2024", &staff).await;
    assert_eq!(
        (s["by_ward"][0]["total_households"].as_i64(), s["total_households"].as_i64()),
        (Some(40), Some(40)),
        "{s}"
    );
    let browser = app.login(STAFF).await;
    let (_, html) = browser.get_text("/poverty?year=2024&ward=").await;
    assert!(html.contains("5,0%"), "2 poor of 40 households, as Vietnamese write it");

    let t = app.get_json("/api/v1/poverty/transitions?from=2024&to=2025", &staff).await;
    assert_eq!(
        (
            t["left_poverty"].as_i64(),
            t["fell_into_poverty"].as_i64(),
            t["poor_to_near_poor"].as_i64(),
            t["near_poor_to_poor"].as_i64()
        ),
        (Some(2), Some(2), Some(1), Some(1)),
        "{t}"
    );
    let mine = app.get_json("/api/v1/poverty/transitions?from=2024&to=2025&ward=22624", &staff).await;
    assert_eq!((mine["fell_into_poverty"].as_i64(), mine["left_poverty"].as_i64()), (Some(1), Some(0)));

    // Counts for the leadership; a commune officer counts their communes and
    // may not ask for another's; an employer sees nothing.
    let viewer = app.token(VIEWER).await;
    assert_eq!(app.get_json("/api/v1/poverty/summary?year=2025", &viewer).await["poor"], 2);
    let officer = app.token(COMMUNE_OFFICER).await;
    let s = app.get_json("/api/v1/poverty/summary?year=2025", &officer).await;
    assert_eq!(s["households"], 4, "both test communes are the officer's: {s}");
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/poverty/summary?year=2025&ward=22366"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let employer = app.token(EMPLOYER).await;
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/poverty/summary?year=2025"))
        .bearer_auth(&employer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (status, _) = import(&app, &employer, &csv).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_commune_officer_reviews_a_household_on_its_page() {
    let app = TestApp::spawn().await;
    let officer = app.login(COMMUNE_OFFICER).await;
    let r = officer
        .post_form(
            "/poverty/households",
            &[
                ("code", "KN-0099"),
                ("ward_code", "22504"),
                ("hamlet", "Thôn Tân Hòa"),
                ("area", "rural"),
                ("head_cccd", ""),
                ("head_name", "Nguyễn Văn Đào"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    let (status, html) = officer.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nguyễn Văn Đào") && html.contains("Thôn Tân Hòa"));
    // The survey: income, members and the checklist as a browser sends it.
    let r = officer
        .post_form(
            &format!("/poverty/households/{id}/reviews"),
            &[
                ("members", "5"),
                ("income_per_person_month", "1.100.000"),
                ("deprivations", "employment"),
                ("deprivations", "health_insurance"),
                ("deprivations", "hygienic_latrine"),
                ("kind", "yearly"),
                ("reason", ""),
                ("date", "2025-10-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"classified\""), "the class is shown");
    assert!(html.contains("Hộ nghèo") && html.contains("Thiếu hụt 3 chỉ số"), "and explained");
    let staff = app.token(STAFF).await;
    let h = app.get_json(&format!("/api/v1/poverty/households/{id}"), &staff).await;
    assert_eq!(h["reviews"][0]["class"], "poor");
    assert_eq!(h["reviews"][0]["year"], 2025);
    assert_eq!(h["reviews"][0]["status"], "surveyed");
    // An ad-hoc review needs a reason; the error names it.
    let r = officer
        .post_form(
            &format!("/poverty/households/{id}/reviews"),
            &[("members", "5"), ("income_per_person_month", "900000"), ("kind", "adhoc"), ("reason", ""), ("date", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    // The commune's steps: meeting, posting, approval.
    let s = app.get_json("/api/v1/poverty/summary?year=2025", &staff).await;
    assert_eq!(s["pending_approval"], 1);
    for step in ["meeting", "posted", "approved"] {
        let r = officer
            .post_form("/poverty/steps", &[("year", "2025"), ("ward", "22504"), ("step", step), ("date", "2025-12-01")])
            .await;
        assert_eq!(r.status(), 303, "{step}");
    }
    let s = app.get_json("/api/v1/poverty/summary?year=2025", &staff).await;
    assert_eq!((s["poor"].as_i64(), s["pending_approval"].as_i64()), (Some(1), Some(0)));
    // The overview and the list show it; the household of another commune is not theirs.
    let (status, html) = officer.get_text("/poverty?year=2025").await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"by-commune\""));
    let (status, html) = officer.get_text("/poverty/households?year=2025&q=nguyen van dao&class=&ward=").await;
    assert_eq!(status, 200);
    assert!(html.contains("KN-0099"), "found without diacritics, empty filters ignored");
    let (status, _) = officer.get_text("/poverty/report?year=2025").await;
    assert_eq!(status, 200);
    let r = officer.get("/poverty/report?year=2025&format=xlsx").await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"), "an XLSX");
}

#[tokio::test]
async fn a_livelihood_programme_supports_eligible_households_within_its_stock() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let lists = [
        row("KN-1", "22504", "1200000", 2024, 4),
        row("KN-2", "22504", "1400000", 2024, 1),
        row("KN-3", "22504", "1000000", 2024, 3),
        row("NT-1", "22624", "900000", 2024, 5),
        row("KN-1", "22504", "1300000", 2025, 1),
    ];
    let (_, report) = import(&app, &staff, &format!("{HEADER}\n{}\n", lists.join("\n"))).await;
    assert_eq!(report["inserted"], 5, "{report}");
    let p = json!({"name": "Bưởi da xanh", "classes": ["poor"], "wards": ["22504"], "year": 2024,
                   "start_date": "01/03/2025", "monitoring_months": 24});
    let r = app.post_json("/api/v1/poverty/programmes", &staff, &p).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let bad = json!({"name": "", "classes": [], "year": 2024, "start_date": "x"});
    assert_eq!(app.post_json("/api/v1/poverty/programmes", &staff, &bad).await.status(), 422);

    // The stock, received on the programme's page.
    let browser = app.login(STAFF).await;
    let r = browser
        .post_form(
            &format!("/poverty/programmes/{id}/stock"),
            &[
                ("item", "Cây giống bưởi"),
                ("unit", "cây"),
                ("quantity", "500"),
                ("value", "17.500.000"),
                ("date", "2025-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let give = |code: &str, q: f64| json!({"household_code": code, "item": "Cây giống bưởi", "unit": "cây", "quantity": q, "value": 35000 * q as i64, "date": "2025-03-10", "delivered_by": "Cán bộ xã"});
    let url = format!("/api/v1/poverty/programmes/{id}/support");
    assert_eq!(app.post_json(&url, &staff, &give("KN-1", 150.0)).await.status(), 201);
    let r = app.post_json(&url, &staff, &give("KN-2", 50.0)).await;
    assert_eq!(r.status(), 422, "near-poor in 2024: not eligible");
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "household_code");
    let r = app.post_json(&url, &staff, &give("NT-1", 50.0)).await;
    assert_eq!(r.status(), 422, "another commune");
    let r = app.post_json(&url, &staff, &give("KN-3", 400.0)).await;
    assert_eq!(r.status(), 422, "350 left in stock");
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "quantity");
    assert_eq!(app.post_json(&url, &staff, &give("KN-3", 100.0)).await.status(), 201);

    // Graduation only after the monitoring period.
    let visit = |date: &str| {
        [("household_code", "KN-1"), ("date", date), ("outcome", "good"), ("note", ""), ("graduated", "1")]
            .map(|(k, v)| (k, v.to_owned()))
    };
    let early = visit("2026-01-01");
    let early: Vec<(&str, &str)> = early.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(browser.post_form(&format!("/poverty/programmes/{id}/visits"), &early).await.status(), 422);
    let late = visit("2027-03-15");
    let late: Vec<(&str, &str)> = late.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(browser.post_form(&format!("/poverty/programmes/{id}/visits"), &late).await.status(), 303);

    let r = app.get_json(&format!("/api/v1/poverty/programmes/{id}"), &staff).await;
    assert_eq!(
        (r["eligible"].as_i64(), r["supported"].as_i64(), r["graduated"].as_i64()),
        (Some(2), Some(2), Some(1)),
        "{r}"
    );
    assert_eq!(r["value"], 35000 * 250);
    assert_eq!(r["stock"][0]["received"], 500.0);
    assert_eq!(r["stock"][0]["delivered"], 250.0);
    assert_eq!(r["left_poverty"], 1, "KN-1 was poor in 2024 and near-poor in 2025: {r}");
    assert_eq!(r["left_with"][0], json!({"household_code": "KN-1", "support": "150 cây Cây giống bưởi"}));
    let (status, html) = browser.get_text(&format!("/poverty/programmes/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("KN-1") && html.contains("data-testid=\"eligible-list\""));
    let r = browser.get(&format!("/poverty/programmes/{id}/report.xlsx?lang=en")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let line = |label: &str| sheet.rows().find(|r| r[0].to_string() == label).map(|r| r[1].to_string());
    assert_eq!(line("Households supported").as_deref(), Some("2"), "the English workbook");
    assert_eq!(line("Left poverty").as_deref(), Some("1"));
    let viewer = app.token(VIEWER).await;
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/poverty/programmes/{id}")))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the households supported are personal data");
}
