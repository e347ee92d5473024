//! Matching and referral through HTTP: ranked candidates for a vacancy and
//! vacancies for a person, each with reasons and gaps; who sees whom (staff
//! everyone, a commune officer their communes, the employer only people who
//! applied or chose to be findable); referrals once per pair, a printable
//! slip whose QR code lets the employer record the outcome.

use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, STAFF};

struct World {
    app: TestApp,
    vacancy: i64,
    /// The welder of Đại Lãnh, the accountant of Nha Trang, the employed
    /// welder, the welder too old, the less qualified welder of Tây Khánh Vĩnh.
    ids: [i64; 5],
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 0, 7).await.unwrap();
    let (employer, staff) = (app.token(EMPLOYER).await, app.token(STAFF).await);
    let client = reqwest::Client::new();
    let deadline = (chrono::Utc::now() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string();
    let vacancy = json!({
        "title": "Thợ hàn khung thép", "occupation_isco": "7212", "positions": "3", "qualification": "intermediate",
        "age_min": "18", "age_max": "50", "wage_min": "8000000", "wage_max": "10000000",
        "contract_type": "fixed_term", "workplace": "ward", "work_ward_code": "22504", "deadline": deadline,
        "description": "Hàn điện khung thép nhà xưởng."
    });
    let r = client
        .post(app.url("/api/v1/vacancies?submit=true"))
        .bearer_auth(&employer)
        .json(&vacancy)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let vacancy = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post_json(&format!("/api/v1/vacancies/{vacancy}/transition"), &staff, &json!({"to": "approve"})).await;
    assert_eq!(r.status(), 200);

    let person = |name: &str, born: &str, ward: &str, status: &str, prev: &str, qualification: &str| {
        json!({"full_name": name, "birth_date": born, "sex": "nam", "ward_code": ward, "employment_status": status,
               "prev_occupation_isco": prev, "occupation_isco": if status == "employed" { prev } else { "" },
               "qualification": qualification, "expected_wage": "8000000", "training_field": "Hàn điện",
               "job_need": if status == "employed" { "" } else { "job" }})
    };
    let people = [
        person("Phan Văn Hàn", "01/03/1995", "22504", "unemployed", "7212", "intermediate"),
        person("Lê Thị Kế Toán", "01/01/1990", "22366", "unemployed", "2411", "university"),
        person("Võ Văn Đang Làm", "01/01/1990", "22504", "employed", "7212", "intermediate"),
        person("Trần Văn Lão", "01/01/1960", "22504", "unemployed", "7212", "intermediate"),
        person("Đinh Văn Sơ", "01/01/1998", "22624", "unemployed", "7212", "elementary"),
    ];
    let mut ids = [0; 5];
    for (i, p) in people.iter().enumerate() {
        let r = app.post_json("/api/v1/people", &staff, p).await;
        assert_eq!(r.status(), 201, "{p}");
        ids[i] = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    }
    World { app, vacancy, ids }
}

fn ids_of(list: &Value, key: &str) -> Vec<i64> {
    list["items"].as_array().unwrap().iter().map(|i| i[key]["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn candidates_and_matches_explained_both_ways() {
    let World { app, vacancy, ids } = world().await;
    let [welder, accountant, _employed, _old, junior] = ids;
    let staff = app.token(STAFF).await;

    let list = app.get_json(&format!("/api/v1/vacancies/{vacancy}/candidates?limit=10"), &staff).await;
    assert_eq!(
        ids_of(&list, "person"),
        [welder, junior, accountant],
        "best first; the employed and the too old left out: {list}"
    );
    assert_eq!(list["total"], 3);
    let best = &list["items"][0];
    let reasons: Vec<&str> = best["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(reasons.contains(&"Cùng nghề") && reasons.contains(&"Đúng trình độ yêu cầu"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.starts_with("Từ chung: ")), "{reasons:?}");
    let points: f64 = best["parts"].as_array().unwrap().iter().map(|p| p["points"].as_f64().unwrap()).sum();
    assert!((points - best["score"].as_f64().unwrap()).abs() < 0.5, "the parts add up: {best}");
    assert_eq!(list["items"][1]["gaps"][0], "Thiếu trình độ Trung cấp", "{list}");
    let far = &list["items"][2]["gaps"];
    assert!(far.as_array().unwrap().iter().any(|g| g == "Nghề khác"), "{far}");
    assert!(best["person"]["phone"].is_null() || best["person"]["phone"].is_string());

    // A commune officer ranks only people of their communes.
    let officer = app.token(COMMUNE_OFFICER).await;
    let theirs = app.get_json(&format!("/api/v1/vacancies/{vacancy}/candidates"), &officer).await;
    assert_eq!(ids_of(&theirs, "person"), [welder, junior], "{theirs}");

    // The employer: only people who applied or chose to be findable.
    let employer = app.token(EMPLOYER).await;
    let none = app.get_json(&format!("/api/v1/vacancies/{vacancy}/candidates"), &employer).await;
    assert_eq!(none["total"], 0, "{none}");
    let r = app.post_json(&format!("/api/v1/people/{welder}/findable"), &staff, &json!({"findable": true})).await;
    assert_eq!(r.status(), 204);
    let seen = app.get_json(&format!("/api/v1/vacancies/{vacancy}/candidates"), &employer).await;
    assert_eq!(ids_of(&seen, "person"), [welder], "{seen}");
    assert!(seen["items"][0]["person"]["phone"].is_null(), "no phone for the employer: {seen}");

    // For the person: the vacancy, with its public address.
    let matches = app.get_json(&format!("/api/v1/people/{welder}/matches"), &staff).await;
    assert_eq!(ids_of(&matches, "vacancy"), [vacancy], "{matches}");
    assert!(matches["items"][0]["vacancy"]["url"].as_str().unwrap().ends_with(&format!("/jobs/{vacancy}")));
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/people/{accountant}/matches")))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a person of another commune");

    // Reads of candidates are reads of personal data.
    let admin = app.token(testkit::ADMIN).await;
    let log = app.get_json("/api/v1/audit?action=read_personal&entity=person", &admin).await;
    assert!(
        log["items"].as_array().unwrap().iter().any(|e| e["detail"] == format!("candidates for vacancy {vacancy}")),
        "{log}"
    );

    // The pages: a tab on the vacancy, a tab on the person's record.
    let b = app.login(STAFF).await;
    let (status, html) = b.get_text(&format!("/vacancies/{vacancy}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"href="/vacancies/{vacancy}/candidates""#)));
    let (status, html) = b.get_text(&format!("/vacancies/{vacancy}/candidates")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Phan Văn Hàn") && html.contains("✓ Cùng nghề") && html.contains("△ Thiếu trình độ Trung cấp"),
        "{html}"
    );
    let (status, html) = b.get_text(&format!("/registry/{welder}/matches")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Thợ hàn khung thép") && html.contains("đồng ý cho doanh nghiệp tìm thấy từ"), "{html}");
}

#[tokio::test]
async fn a_referral_its_slip_and_its_outcome() {
    let World { app, vacancy, ids } = world().await;
    let [welder, accountant, _employed, old, _junior] = ids;
    let staff = app.token(STAFF).await;
    let refer = |person: i64, token: String| {
        let app = &app;
        async move { app.post_json("/api/v1/referrals", &token, &json!({"person_id": person, "vacancy_id": vacancy})).await }
    };
    let r = refer(welder, staff.clone()).await;
    assert_eq!(r.status(), 201);
    let referral: Value = r.json().await.unwrap();
    let id = referral["id"].as_i64().unwrap();
    assert!(referral["score"].as_f64().unwrap() > 80.0, "{referral}");
    assert!(referral.get("token").is_none(), "the QR secret stays on the slip");
    assert_eq!(refer(welder, staff.clone()).await.status(), 409, "not twice");
    assert_eq!(refer(old, staff.clone()).await.status(), 400, "outside the vacancy's ages");
    let officer = app.token(COMMUNE_OFFICER).await;
    assert_eq!(refer(accountant, officer).await.status(), 403, "a person of another commune");
    let listed = app.get_json(&format!("/api/v1/referrals?vacancy_id={vacancy}"), &staff).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);

    // The slip: A4, with a QR code to record the outcome.
    let b = app.login(STAFF).await;
    let (status, slip) = b.get_text(&format!("/referrals/{id}/slip")).await;
    assert_eq!(status, 200);
    assert!(
        slip.contains("Phiếu giới thiệu việc làm") && slip.contains("Phan Văn Hàn") && slip.contains("<svg"),
        "{slip}"
    );
    let start = slip.find("/referrals/").unwrap();
    let link = &slip[start..];
    let link = &link[..link.find('<').unwrap()];
    assert!(link.contains("/outcome?t="), "{link}");

    // Whoever holds the slip records the outcome without an account.
    let anyone = app.browser();
    let (status, page) = anyone.get_text(link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Phan Văn Hàn"), "{page}");
    let token = link.split("t=").nth(1).unwrap();
    let r = anyone
        .post_form(
            &format!("/referrals/{id}/outcome"),
            &[("t", token), ("outcome", "refused"), ("reason", ""), ("date", "")],
        )
        .await;
    assert_eq!(r.status(), 422, "a refusal needs its reason");
    let r = anyone
        .post_form(
            &format!("/referrals/{id}/outcome"),
            &[("t", token), ("outcome", "hired"), ("reason", ""), ("date", "")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Đã ghi kết quả"));
    let r = anyone.post_form(&format!("/referrals/{id}/outcome"), &[("t", "wrong"), ("outcome", "no_show")]).await;
    assert!(r.status() == 403 || r.status() == 303, "a wrong token records nothing: {}", r.status());

    // The employer sees it, and may record through the API.
    let employer = app.token(EMPLOYER).await;
    let theirs = app.get_json("/api/v1/referrals", &employer).await;
    assert_eq!(theirs[0]["outcome"], "hired", "{theirs}");
    let r =
        app.post_json(&format!("/api/v1/referrals/{id}/outcome"), &employer, &json!({"outcome": "interviewed"})).await;
    assert_eq!(r.status(), 200);
}
