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

/// An SMS gateway that keeps what it is sent.
async fn sms_gateway() -> (String, std::sync::Arc<std::sync::Mutex<Vec<Value>>>) {
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(move |body: axum::Json<Value>| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(body.0);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, got)
}

/// Run the batch through the API as staff and wait for its job (on the
/// admin's job list); its result.
async fn run_batch(app: &TestApp, staff: &str, admin: &str) -> Value {
    let r = app.post_json("/api/v1/shortlists/run", staff, &json!({})).await;
    assert_eq!(r.status(), 202);
    let job = r.json::<Value>().await.unwrap()["job_id"].as_i64().unwrap();
    for _ in 0..600 {
        let jobs = app.get_json("/api/v1/jobs", admin).await;
        let this = jobs["items"].as_array().unwrap().iter().find(|j| j["id"] == job).cloned().unwrap();
        match this["status"].as_str().unwrap() {
            "running" => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            "done" => return serde_json::from_str(this["result"].as_str().unwrap()).unwrap(),
            other => panic!("job {job} {other}: {this}"),
        }
    }
    panic!("job {job} did not finish");
}

#[tokio::test]
async fn the_batch_writes_shortlists_and_tells_people_once() {
    let (gateway, sent) = sms_gateway().await;
    let app =
        TestApp::spawn_with(|s| s.sms = Some(platform::channels::Endpoint::new(&gateway, None, None).unwrap())).await;
    ketnoi::demo::seed_people(&app.db, "56", 400, 11).await.unwrap();
    ketnoi::demo::seed_demand(&app.db, "56", 4, 12, 11).await.unwrap();
    let (admin, staff) = (app.token(testkit::ADMIN).await, app.token(STAFF).await);
    let open: Vec<(i64,)> = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT id FROM vacancies WHERE status = 'published' AND deadline >= CURRENT_DATE ORDER BY id")
        .fetch_all(p).await.unwrap());
    let vacancy = open[0].0;
    let before = app.get_json(&format!("/api/v1/vacancies/{vacancy}/shortlist"), &staff).await;
    assert_eq!(before["items"], json!([]));
    assert_eq!(before["computed_at"], Value::Null, "no shortlist before the first run");

    // The job seeker's account belongs to this vacancy's best candidate.
    let live = app.get_json(&format!("/api/v1/vacancies/{vacancy}/candidates?limit=20"), &staff).await;
    let best = live["items"][0]["person"]["id"].as_i64().unwrap();
    assert!(live["items"][0]["score"].as_f64().unwrap() >= matching::batch::ALERT_MIN_SCORE, "{live}");
    platform::with_db!(&app.db, p => sqlx::query("UPDATE users SET person_id = $1 WHERE email = $2")
        .bind(best).bind(testkit::JOB_SEEKER).execute(p).await.unwrap().rows_affected());

    let first = run_batch(&app, &staff, &admin).await;
    assert_eq!(first["vacancies"], open.len(), "{first}");
    let listed = app.get_json(&format!("/api/v1/vacancies/{vacancy}/shortlist"), &staff).await;
    let ids: Vec<i64> = listed["items"].as_array().unwrap().iter().map(|i| i["person_id"].as_i64().unwrap()).collect();
    assert_eq!(ids, ids_of(&live, "person"), "the batch ranks as the candidates page does");
    assert!(listed["computed_at"].is_string());
    let log = app.get_json("/api/v1/audit?action=read_personal&entity=person", &admin).await;
    assert!(
        log["items"].as_array().unwrap().iter().any(|e| e["detail"] == format!("shortlist of vacancy {vacancy}")),
        "reading a shortlist is a read of personal data: {log}"
    );

    // Told: in the app (the account), by SMS (the others), never twice.
    assert!(first["alerts"].as_i64().unwrap() > 0 && first["in_app"] == 1, "{first}");
    assert_eq!(first["sms"].as_i64().unwrap() + 1, first["alerts"].as_i64().unwrap(), "{first}");
    assert_eq!(first["unsent"], 0);
    let seeker = app.token(testkit::JOB_SEEKER).await;
    let told = app.get_json("/api/v1/notifications", &seeker).await;
    assert!(told.to_string().contains("Việc làm phù hợp với bạn"), "{told}");
    {
        let sent = sent.lock().unwrap();
        assert_eq!(sent.len() as i64, first["sms"].as_i64().unwrap());
        let one = &sent[0];
        assert!(one["to"].as_str().unwrap().starts_with("+84"), "{one}");
        assert!(one["text"].as_str().unwrap().contains("/jobs/"), "{one}");
    }
    let again = run_batch(&app, &staff, &admin).await;
    assert_eq!((again["alerts"].as_i64(), again["listed"].clone()), (Some(0), first["listed"].clone()), "{again}");
    assert_eq!(sent.lock().unwrap().len() as i64, first["sms"].as_i64().unwrap(), "nobody is told twice");

    // The admin sees which channels send.
    let browser = app.login(testkit::ADMIN).await;
    let (status, page) = browser.get_text("/admin/jobs").await;
    assert_eq!(status, 200);
    let item =
        |name: &str| page.split(&format!("data-channel=\"{name}\"")).nth(1).unwrap().split("</li>").next().unwrap();
    assert!(item("zalo").contains("Chưa cấu hình"), "{}", item("zalo"));
    assert!(item("sms").contains("Đã cấu hình") && item("sms").contains("127.0.0.1"), "{}", item("sms"));
    // Only the department runs the batch.
    let employer = app.token(EMPLOYER).await;
    assert_eq!(app.post_json("/api/v1/shortlists/run", &employer, &json!({})).await.status(), 403);
}
