//! The demand side through HTTP: an employer registers, staff approve, a
//! vacancy goes through review to the public board, a job seeker applies
//! (registering on the spot), both sides are told — in the app and by mail.

use serde_json::{json, Value};
use testkit::smtp::Catcher;
use testkit::{TestApp, EMPLOYER, JOB_SEEKER, STAFF};

/// The registration form of a new employer.
fn employer_form<'a>(tax_code: &'a str, login: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("tax_code", tax_code),
        ("name", "Công ty TNHH Đóng tàu Cam Ranh"),
        ("vsic_section", "C"),
        ("size_band", "medium"),
        ("ownership", "private"),
        ("ward_code", "22504"),
        ("contact_name", "Phạm Thị Hạnh"),
        ("phone", "0905 111 222"),
        ("login_email", login),
        ("password", "dongtau2026"),
        ("repeat", "dongtau2026"),
    ]
}

fn vacancy_form(title: &str) -> Vec<(&'static str, String)> {
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).format("%d/%m/%Y").to_string();
    vec![
        ("title", title.to_owned()),
        ("occupation_isco", "7212".into()),
        ("positions", "1200".into()),
        ("qualification", "elementary".into()),
        ("experience_years", "1".into()),
        ("wage_min", "9.000.000".into()),
        ("wage_max", "14.000.000".into()),
        ("contract_type", "fixed_term".into()),
        ("workplace", "ward".into()),
        ("work_ward_code", "22504".into()),
        ("deadline", deadline),
        ("description", "Hàn vỏ tàu thép tại xưởng Cam Ranh.".into()),
        ("then", "submit".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn id_from(location: &str) -> i64 {
    location.trim_end_matches('/').rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn employer_to_board_to_application() {
    let app = TestApp::spawn().await;

    // An employer registers itself: a wrong tax code is named, then a right one.
    let visitor = app.browser();
    let r = visitor.post_form("/employers/register", &employer_form("4201234567", "nhansu@dongtaucr.vn")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("chữ số kiểm tra sai"), "the check digit is named");
    assert!(html.contains("Công ty TNHH Đóng tàu Cam Ranh"), "what was typed is kept");
    let tax = ketnoi::demo::tax_code(777);
    let r = visitor.post_form("/employers/register", &employer_form(&tax, "nhansu@dongtaucr.vn")).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let employer_id = id_from(r.headers()["location"].to_str().unwrap());
    let employer = visitor; // registered and logged in
    let (_, html) = employer.get_text(&format!("/employers/{employer_id}")).await;
    assert!(html.contains("Chờ duyệt"), "pending until staff approve");
    // The same tax code cannot register twice.
    let r = app.browser().post_form("/employers/register", &employer_form(&tax, "khac@dongtaucr.vn")).await;
    assert_eq!(r.status(), 409);

    // Bad vacancies: wage min above max, deadline past, markup kept inert.
    let mut bad = vacancy_form("<script>alert(1)</script> Thợ hàn");
    bad[5].1 = "20000000".into();
    bad[10].1 = "01/01/2020".into();
    let r = employer.post_form("/vacancies", &pairs(&bad)).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Lương tối thiểu lớn hơn lương tối đa") && html.contains("Hạn nộp hồ sơ đã qua"));
    assert!(!html.contains("<script>alert(1)</script>") && html.contains("alert(1)"), "markup is shown, not run");

    // Sent for review before approval: kept as a draft, and the page says why.
    let r = employer.post_form("/vacancies", &pairs(&vacancy_form("Thợ hàn vỏ tàu"))).await;
    assert_eq!(r.status(), 303);
    let vacancy_id = id_from(r.headers()["location"].to_str().unwrap());
    let (_, html) = employer.get_text(&format!("/vacancies/{vacancy_id}")).await;
    assert!(html.contains("data-testid=\"not-approved\"") && html.contains("Bản nháp"));

    // Staff approve the employer; the employer is told.
    let staff = app.login(STAFF).await;
    let (_, html) = staff.get_text("/notifications").await;
    assert!(html.contains("Công ty TNHH Đóng tàu Cam Ranh"), "staff told of the registration");
    assert!(html.contains("data-testid=\"unread\""), "the bell counts it");
    assert_eq!(staff.post_form("/notifications/read", &[]).await.status(), 303);
    let (_, html) = staff.get_text("/notifications").await;
    assert!(!html.contains("data-testid=\"unread\"") && html.contains("Công ty TNHH Đóng tàu Cam Ranh"));
    let r =
        staff.post_form(&format!("/employers/{employer_id}/review"), &[("decision", "approve"), ("note", "")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = employer.get_text("/notifications").await;
    assert!(html.contains("đã được duyệt"));

    // Now it can be sent; staff publish it.
    let r = employer.post_form(&format!("/vacancies/{vacancy_id}/transition"), &[("to", "submit")]).await;
    assert_eq!(r.status(), 303);
    let r = employer.post_form(&format!("/vacancies/{vacancy_id}/transition"), &[("to", "approve")]).await;
    assert_eq!(r.status(), 403, "an employer cannot publish its own vacancy");
    let r = staff.post_form(&format!("/vacancies/{vacancy_id}/transition"), &[("to", "approve")]).await;
    assert_eq!(r.status(), 303);

    // Another employer's account cannot read or change it, and is audited.
    ketnoi::demo::seed_demand(&app.db, "56", 2, 1, 1).await.unwrap();
    let other = app.login(EMPLOYER).await;
    assert_eq!(other.get(&format!("/vacancies/{vacancy_id}")).await.status(), 403);
    assert_eq!(other.get(&format!("/employers/{employer_id}")).await.status(), 403);
    let r = other.post_form(&format!("/vacancies/{vacancy_id}/transition"), &[("to", "withdraw")]).await;
    assert_eq!(r.status(), 403);
    let admin_token = app.token(testkit::ADMIN).await;
    let denied = app.get_json("/api/v1/audit?action=denied&entity=vacancy", &admin_token).await;
    assert!(denied["total"].as_i64().unwrap() >= 2, "{denied}");

    // The public finds it typing without diacritics, with no session.
    let r = reqwest::get(app.url("/jobs?q=tho%20han%20vo%20tau")).await.unwrap();
    assert!(r.headers().get("set-cookie").is_none(), "the board starts no session");
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("/jobs/{vacancy_id}")), "{html}");
    assert!(html.contains("9.000.000 – 14.000.000 ₫"));
    assert!(html.contains(": 1.200 ·"), "positions as Vietnamese write numbers: {html}");
    let api: Value = reqwest::get(app.url("/api/v1/vacancies?q=tho%20han%20vo")).await.unwrap().json().await.unwrap();
    assert_eq!(api["total"], 1);
    assert_eq!(api["items"][0]["url"], app.url(&format!("/jobs/{vacancy_id}")));
    let none: Value =
        reqwest::get(app.url("/api/v1/vacancies?q=tho%20han&wage=20000000")).await.unwrap().json().await.unwrap();
    assert_eq!(none["total"], 0, "wage floor");
    let near: Value =
        reqwest::get(app.url("/api/v1/vacancies?q=vo%20tau&near=22504&km=5")).await.unwrap().json().await.unwrap();
    assert_eq!(near["total"], 1, "near its own commune");

    // Its page: JSON-LD, Open Graph, share links; a poster with a QR code; feeds.
    let page = reqwest::get(app.url(&format!("/jobs/{vacancy_id}"))).await.unwrap().text().await.unwrap();
    let start = page.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let ld: Value = serde_json::from_str(&page[start..start + page[start..].find("</script>").unwrap()]).unwrap();
    assert_eq!(ld["@type"], "JobPosting");
    assert_eq!(ld["baseSalary"]["value"]["minValue"], 9_000_000);
    assert_eq!(ld["hiringOrganization"]["name"], "Công ty TNHH Đóng tàu Cam Ranh");
    assert!(page.contains("property=\"og:title\"") && page.contains("facebook.com/sharer") && page.contains("zalo"));
    assert!(page.contains("<dd>1.200</dd>"), "positions on the vacancy's page");
    let poster = reqwest::get(app.url(&format!("/jobs/{vacancy_id}/poster"))).await.unwrap().text().await.unwrap();
    assert!(poster.contains("<svg") && poster.contains(&format!("/jobs/{vacancy_id}")));
    let feed = reqwest::get(app.url("/jobs/feed.atom?q=vo%20tau")).await.unwrap().text().await.unwrap();
    assert!(feed.contains("<entry>") && feed.contains("Thợ hàn vỏ tàu"));
    let sitemap = reqwest::get(app.url("/sitemap.xml")).await.unwrap().text().await.unwrap();
    assert!(sitemap.contains(&format!("/jobs/{vacancy_id}</loc>")));

    // A job seeker applies, registering on the spot with phone and CCCD.
    let seeker = app.browser();
    let apply = format!("/apply/{vacancy_id}");
    let r = seeker
        .post_form(
            &apply,
            &[
                ("full_name", "Võ Thị Lan"),
                ("phone", "0912 345 678"),
                ("cccd", "123"),
                ("password", "lan2026!"),
                ("repeat", "lan2026!"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("CCCD"), "the CCCD problem is named");
    let fields = [
        ("full_name", "Võ Thị Lan"),
        ("phone", "0912 345 678"),
        ("cccd", "056199001234"),
        ("password", "lan2026!"),
        ("repeat", "lan2026!"),
        ("message", "Tôi có chứng chỉ hàn 3G."),
    ];
    let r = seeker.post_form(&apply, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let confirmation = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(confirmation, format!("/jobs/{vacancy_id}?applied=1"));
    let (_, html) = seeker.get_text(&confirmation).await;
    let notice = html.find("data-testid=\"applied\"").expect("the confirmation");
    assert!(notice < html.find("data-testid=\"vacancy-title\"").unwrap(), "the confirmation leads the page");
    assert!(html.contains("Đã gửi hồ sơ") && !html.contains("data-testid=\"apply\""));
    // Applying again, from the form still open in another tab: said on the form's page, with the way to the application.
    let (_, html) = seeker.get_text(&apply).await;
    assert!(html.contains("data-testid=\"already-applied\"") && html.contains("/applications#a"));
    let r = seeker.post_form(&apply, &[("full_name", "Võ Thị Lan"), ("phone", "0912345678")]).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("Bạn đã nộp hồ sơ cho việc này") && html.contains("/applications#a"), "{html}");
    // The phone number is the new account's login.
    let again = app.browser();
    assert_eq!(again.login("0912345678", "lan2026!").await.status(), 303);

    // The employer sees the applicant and moves the application on.
    let (_, html) = employer.get_text("/applications").await;
    assert!(html.contains("Võ Thị Lan") && html.contains("0912345678"));
    let (_, html) = employer.get_text("/notifications").await;
    assert!(html.contains("Hồ sơ mới") && html.contains("Võ Thị Lan"));
    let list: Value = app.get_json("/api/v1/applications", &app.token("nhansu@dongtaucr.vn").await).await;
    let app_id = list[0]["id"].as_i64().unwrap();
    let (_, html) = employer.get_text("/applications").await;
    assert!(html.contains("<option value=\"new\" selected>"), "the status field starts at the current status");
    let status = format!("/applications/{app_id}/status");
    let r = employer.post_form(&status, &[("to", "refused"), ("reason", "")]).await;
    assert_eq!(r.status(), 422, "a refusal needs a coded reason");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("data-testid=\"status-refused\"") && html.contains("Võ Thị Lan"),
        "the list, not an error page"
    );
    assert!(html.contains("<option value=\"refused\" selected>"), "the choice is kept");
    assert!(html.contains("field-error"), "the reason's problem at the application");
    // An interview invitation says when, where and whom to ask.
    let r = employer.post_form(&status, &[("to", "interview"), ("interview_at", ""), ("interview_place", "")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("field-error").count(), 3, "date, place and contact are each asked for");
    let r = employer
        .post_form(
            &status,
            &[
                ("to", "interview"),
                ("interview_at", "2020-01-01T09:00"),
                ("interview_place", "x"),
                ("interview_contact", "y"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "not in the past");
    let when = (chrono::Utc::now() + chrono::Duration::days(3)).format("%Y-%m-%dT09:30").to_string();
    let r = employer
        .post_form(
            &status,
            &[
                ("to", "interview"),
                ("interview_at", &when),
                ("interview_place", "Xưởng đóng tàu Cam Ranh, cổng số 2"),
                ("interview_contact", "Chị Hoa, 0905 111 222"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, format!("/applications?saved={app_id}#a{app_id}"), "back to the list, at the application");
    let (_, html) = employer.get_text(&back).await;
    assert!(html.contains("Đã lưu trạng thái hồ sơ của Võ Thị Lan"));
    assert!(html.contains("<option value=\"interview\" selected>"));
    let (_, html) = seeker.get_text("/notifications").await;
    assert!(
        html.contains("Mời phỏng vấn") && html.contains("cổng số 2") && html.contains("0905 111 222"),
        "the applicant is told where and whom to ask"
    );
    assert!(html.contains(":30"), "and when");
    let (_, html) = seeker.get_text("/applications").await;
    assert!(html.contains("Thợ hàn vỏ tàu") && html.contains("Mời phỏng vấn") && html.contains("Chị Hoa"));
    // The interview moves: the form starts from the invitation, and the applicant is told again.
    let (_, html) = employer.get_text("/applications").await;
    assert!(html.contains("value=\"Xưởng đóng tàu Cam Ranh, cổng số 2\""), "the invitation fills the form");
    let r = employer
        .post_form(
            &status,
            &[
                ("to", "interview"),
                ("interview_at", &when),
                ("interview_place", "Văn phòng công ty, 5 Nguyễn Trọng Kỷ"),
                ("interview_contact", "Chị Hoa, 0905 111 222"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "an interview may be moved");
    let (_, html) = seeker.get_text("/applications").await;
    assert!(html.contains("5 Nguyễn Trọng Kỷ") && !html.contains("cổng số 2"), "the new place replaces the old");

    // Reading applicants is a read of personal data.
    let reads = app.get_json("/api/v1/audit?action=read_personal&entity=application", &admin_token).await;
    assert!(reads["total"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn api_vacancies_applications_and_needs() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 0, 7).await.unwrap();
    let employer = app.token(EMPLOYER).await;
    let staff = app.token(STAFF).await;
    let seeker = app.token(JOB_SEEKER).await;
    let client = reqwest::Client::new();
    let post = |path: &str, token: &str, body: Value| client.post(app.url(path)).bearer_auth(token).json(&body).send();
    let deadline = (chrono::Utc::now() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string();
    let vacancy = json!({
        "title": "Nhân viên lễ tân", "occupation_isco": "4224", "positions": "2", "qualification": "intermediate",
        "contract_type": "indefinite", "workplace": "province", "work_province_code": "79", "deadline": deadline,
        "description": "Đón khách, nhận phòng. Ưu tiên nữ."
    });
    let r = post("/api/v1/vacancies?submit=true", &employer, vacancy.clone()).await.unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "pending");
    assert_eq!(v["flagged"], "uu tien nu", "asking for one sex is flagged to staff");
    let id = v["id"].as_i64().unwrap();

    // Bad input through the API: named fields, in the caller's language.
    let r = client
        .post(app.url("/api/v1/vacancies"))
        .bearer_auth(&employer)
        .header("accept-language", "en")
        .json(&json!({"title": "", "occupation_isco": "0000", "wage_min": "9", "wage_max": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let err: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        err["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["title", "occupation_isco", "wage_max", "deadline", "description", "workplace"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }

    // Not public before it is published.
    assert_eq!(reqwest::get(app.url(&format!("/api/v1/vacancies/{id}"))).await.unwrap().status(), 404);
    let r = post(&format!("/api/v1/vacancies/{id}/transition"), &employer, json!({"to": "approve"})).await.unwrap();
    assert_eq!(r.status(), 403);
    let r = post(&format!("/api/v1/vacancies/{id}/transition"), &staff, json!({"to": "reject"})).await.unwrap();
    assert_eq!(r.status(), 422, "a rejection needs a note");
    let r = post(&format!("/api/v1/vacancies/{id}/transition"), &staff, json!({"to": "approve"})).await.unwrap();
    assert_eq!(r.status(), 200);
    let public: Value = reqwest::get(app.url("/api/v1/vacancies?province=79")).await.unwrap().json().await.unwrap();
    assert_eq!(public["total"], 1);

    // A job seeker applies once.
    let body = json!({"full_name": "Nguyễn Văn Đào", "phone": "0905123456"});
    let r = post(&format!("/api/v1/vacancies/{id}/applications"), &seeker, body.clone()).await.unwrap();
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let r = post(&format!("/api/v1/vacancies/{id}/applications"), &seeker, body).await.unwrap();
    assert_eq!(r.status(), 409);
    let r =
        post(&format!("/api/v1/vacancies/{id}/applications"), &staff, json!({"full_name": "x", "phone": "0905123456"}))
            .await
            .unwrap();
    assert_eq!(r.status(), 403, "only job seekers apply");
    let mine = app.get_json("/api/v1/applications", &seeker).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let theirs = app.get_json("/api/v1/applications", &employer).await;
    assert_eq!(theirs[0]["full_name"], "Nguyễn Văn Đào");
    let app_id = a["id"].as_i64().unwrap();
    let r = post(&format!("/api/v1/applications/{app_id}/status"), &seeker, json!({"to": "accepted"})).await.unwrap();
    assert_eq!(r.status(), 400, "an applicant cannot accept themselves");
    let r = post(
        &format!("/api/v1/applications/{app_id}/status"),
        &employer,
        json!({"to": "refused", "reason": "experience"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let after = app.get_json("/api/v1/applications", &seeker).await;
    assert_eq!(after[0]["status"], "refused");
    assert_eq!(after[0]["refusal_reason"], "experience");

    // Filled: off the board.
    let r = post(&format!("/api/v1/vacancies/{id}/transition"), &employer, json!({"to": "fill"})).await.unwrap();
    assert_eq!(r.status(), 200);
    let public: Value = reqwest::get(app.url("/api/v1/vacancies?province=79")).await.unwrap().json().await.unwrap();
    assert_eq!(public["total"], 0);

    // Recruitment needs: the employer declares, staff read the report.
    let period = employers::needs::period_of(chrono::Utc::now().date_naive());
    let line = json!({"period": period, "occupation_isco": "7212", "qualification": "elementary", "ward_code": "22504", "positions": "30"});
    assert_eq!(post("/api/v1/recruitment-needs", &employer, line.clone()).await.unwrap().status(), 204);
    assert_eq!(post("/api/v1/recruitment-needs", &staff, line).await.unwrap().status(), 403);
    let bad = json!({"period": "2020-H1", "occupation_isco": "7212", "qualification": "elementary", "ward_code": "22504", "positions": "0"});
    assert_eq!(post("/api/v1/recruitment-needs", &employer, bad).await.unwrap().status(), 422);
    let report = app.get_json(&format!("/api/v1/recruitment-needs/report?period={period}"), &staff).await;
    assert_eq!(report[0]["occupation_group"], "7");
    assert_eq!(report[0]["positions"], 30);
}

#[tokio::test]
async fn stale_vacancies_warn_then_expire() {
    let app = TestApp::spawn().await;
    // The server's own upkeep runs once as it starts: let it finish first,
    // or it may warn before the upkeep under test does.
    for _ in 0..200 {
        let (runs,): (i64,) = platform::with_db!(&app.db, p => sqlx::query_as(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'vacancies.upkeep' AND status <> 'running'").fetch_one(p).await.unwrap());
        if runs > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    ketnoi::demo::seed_demand(&app.db, "56", 1, 2, 3).await.unwrap();
    let set_updated = |days: i64, id: i64| {
        let db = app.db.clone();
        async move {
            let at = chrono::Utc::now() - chrono::Duration::days(days);
            platform::with_db!(&db, p => sqlx::query("UPDATE vacancies SET updated_at = $1 WHERE id = $2")
                .bind(at).bind(id).execute(p).await.unwrap().rows_affected());
        }
    };
    set_updated(55, 1).await;
    set_updated(61, 2).await;
    let board = vacancies::service::Board::new(app.db.clone(), "56", false);
    assert_eq!(board.upkeep(chrono::Utc::now()).await.unwrap(), (1, 1));
    assert_eq!(board.upkeep(chrono::Utc::now()).await.unwrap(), (0, 0), "warned once only");
    let employer = app.token(EMPLOYER).await;
    let v2 = app.get_json("/api/v1/vacancies/2", &employer).await;
    assert_eq!(v2["status"], "expired");
    let notes = app.get_json("/api/v1/notifications", &employer).await;
    let texts: Vec<&str> = notes.as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.contains("sẽ hết hạn sau 7 ngày")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("đã hết hạn")), "{texts:?}");
    // Renewing restarts the 60 days.
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/vacancies/1/transition"))
        .bearer_auth(&employer)
        .json(&json!({"to": "renew"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(board.upkeep(chrono::Utc::now()).await.unwrap(), (0, 0));
}

#[tokio::test]
async fn notifications_are_mailed_through_smtp() {
    let catcher = Catcher::start().await;
    let app = TestApp::spawn_with(|s| s.smtp_url = Some(catcher.url())).await;
    let visitor = app.browser();
    let tax = ketnoi::demo::tax_code(4242);
    let r = visitor.post_form("/employers/register", &employer_form(&tax, "tuyendung@dongtaucr.vn")).await;
    assert_eq!(r.status(), 303);
    let employer_id = id_from(r.headers()["location"].to_str().unwrap());
    // Staff (an e-mail login) are told by mail of the registration.
    let to_staff = catcher.wait_for(STAFF).await;
    assert!(to_staff.text().contains("Công ty TNHH Đóng tàu Cam Ranh"), "{}", to_staff.text());
    let staff = app.login(STAFF).await;
    let r = staff
        .post_form(&format!("/employers/{employer_id}/review"), &[("decision", "reject"), ("note", "Thiếu giấy phép")])
        .await;
    assert_eq!(r.status(), 303);
    let mail = catcher.wait_for("tuyendung@dongtaucr.vn").await;
    let text = mail.text();
    assert!(text.contains("chưa được duyệt") && text.contains("Thiếu giấy phép"), "{text}");
    assert!(text.contains(&format!("/employers/{employer_id}")), "with a link: {text}");
}

/// What the review of this capability asked for: commune officers read but do
/// not act for employers, the public never sees review notes or unpublished
/// vacancies, a published vacancy changed by its employer is reviewed again,
/// and an account links to a registry record only when CCCD and phone agree.
#[tokio::test]
async fn rights_redaction_review_and_linking() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 0, 5).await.unwrap();
    let employer = app.token(EMPLOYER).await;
    let staff = app.token(STAFF).await;
    let officer = app.token(testkit::COMMUNE_OFFICER).await;
    let client = reqwest::Client::new();
    let send = |method: reqwest::Method, path: &str, token: &str, body: Value| {
        client.request(method, app.url(path)).bearer_auth(token).json(&body).send()
    };
    let deadline = (chrono::Utc::now() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string();
    let body = json!({
        "title": "Thợ may", "occupation_isco": "8153", "positions": "5", "qualification": "none",
        "contract_type": "fixed_term", "workplace": "ward", "work_ward_code": "22504", "deadline": deadline,
        "description": "May hàng xuất khẩu."
    });
    let v: Value = send(reqwest::Method::POST, "/api/v1/vacancies?submit=true", &employer, body.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = v["id"].as_i64().unwrap();
    let path = format!("/api/v1/vacancies/{id}");
    // Not public yet: 404 for the public and another employer's account alike.
    assert_eq!(reqwest::get(app.url(&path)).await.unwrap().status(), 404);
    // Sent back with a note, resubmitted, published: the public never sees the note.
    let tr = format!("{path}/transition");
    assert_eq!(
        send(reqwest::Method::POST, &tr, &staff, json!({"to": "reject", "note": "Thiếu mức lương"}))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(send(reqwest::Method::POST, &tr, &employer, json!({"to": "submit"})).await.unwrap().status(), 200);
    assert_eq!(send(reqwest::Method::POST, &tr, &officer, json!({"to": "approve"})).await.unwrap().status(), 403);
    let published: Value =
        send(reqwest::Method::POST, &tr, &staff, json!({"to": "approve"})).await.unwrap().json().await.unwrap();
    assert_eq!(published["status"], "published");
    assert!(published["review_note"].is_null(), "publication clears the old note");
    let public: Value = reqwest::get(app.url(&path)).await.unwrap().json().await.unwrap();
    assert!(public["review_note"].is_null() && public["flagged"].is_null());

    // A commune officer reads but does not act for the employer.
    let r = send(reqwest::Method::PUT, &path, &officer, body.clone()).await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(client.get(app.url("/api/v1/applications")).bearer_auth(&officer).send().await.unwrap().status(), 403);
    let ok = client.get(app.url(&path)).bearer_auth(&officer).send().await.unwrap();
    assert_eq!(ok.status(), 200);

    // The employer changes the published text: back to review, reviewers told.
    let mut changed = body.clone();
    changed["description"] = json!("May hàng xuất khẩu, làm ca.");
    let after: Value = send(reqwest::Method::PUT, &path, &employer, changed).await.unwrap().json().await.unwrap();
    assert_eq!(after["status"], "pending");
    assert_eq!(reqwest::get(app.url(&path)).await.unwrap().status(), 404, "off the board until reviewed");
    let notes = app.get_json("/api/v1/notifications", &staff).await;
    assert!(notes.as_array().unwrap().iter().filter(|n| n["text"].as_str().unwrap().contains("Thợ may")).count() >= 2);

    // Control characters are refused with a named field, on both databases.
    let mut nul = body.clone();
    nul["title"] = json!("Thợ\u{0} may");
    let r = send(reqwest::Method::POST, "/api/v1/vacancies", &employer, nul).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "title");

    // On-the-spot registration links the registry record only when the phone agrees.
    let person = json!({"full_name": "Trần Thị Mai", "cccd": "056192000777", "birth_date": "21/09/1992", "sex": "nữ",
        "ward_code": "22504", "phone": "0987654321", "employment_status": "unemployed"});
    assert_eq!(send(reqwest::Method::POST, "/api/v1/people", &staff, person).await.unwrap().status(), 201);
    assert_eq!(send(reqwest::Method::POST, &tr, &staff, json!({"to": "approve"})).await.unwrap().status(), 200);
    for (phone, linked) in [("0911000111", false), ("0987654321", true)] {
        let visitor = app.browser();
        let r = visitor
            .post_form(
                &format!("/apply/{id}"),
                &[
                    ("full_name", "Trần Thị Mai"),
                    ("phone", phone),
                    ("cccd", "056192000777"),
                    ("password", "mai2026!"),
                    ("repeat", "mai2026!"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let (user, _) = platform::auth::store::find_for_login(&app.db, phone).await.unwrap().unwrap();
        assert_eq!(user.person_id.is_some(), linked, "phone {phone}");
    }

    // An employer rejected after approval recruits no more: its vacancies leave the board.
    let employer_id = published["employer_id"].as_i64().unwrap();
    let review = format!("/api/v1/employers/{employer_id}/review");
    let r = send(reqwest::Method::POST, &review, &staff, json!({"decision": "reject", "note": "Giấy phép bị thu hồi"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut gone = false;
    for _ in 0..80 {
        let list: Value = reqwest::get(app.url("/api/v1/vacancies?q=tho+may")).await.unwrap().json().await.unwrap();
        if list["total"] == 0 {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "withdrawn from the board within seconds");
    let v: Value = app.get_json(&path, &staff).await;
    assert_eq!(v["status"], "withdrawn");
}

#[tokio::test]
async fn board_follows_other_writers_reading_only_what_changed() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 30, 5).await.unwrap();
    let board = vacancies::service::Board::new(app.db.clone(), "56", false);
    let first = board.sync().await.unwrap();
    assert!(first > 0 && first as u64 == board.index.len(), "the first load indexes what is published");
    // Every vacancy above is inside the overlap the catch-up reads again: at
    // the same version none of them is read in full or indexed again.
    assert_eq!(board.sync().await.unwrap(), 0);

    let all =
        vacancies::store::list(&app.db, "56", None, Some(vacancies::model::Status::Published), 1).await.unwrap().0;
    let (gone, renamed) = (&all[0], &all[1]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    vacancies::store::set_status(&app.db, "56", gone.id, vacancies::model::Status::Filled, None).await.unwrap();
    let mut input = renamed.input();
    input.title = "Thợ lặn nuôi yến sào".into();
    let v = vacancies::rules::validate(&input, refdata::refdata(), chrono::Utc::now().date_naive()).unwrap();
    vacancies::store::update(&app.db, "56", renamed.id, &v, vacancies::model::Status::Published).await.unwrap();
    assert_eq!(board.sync().await.unwrap(), 2);
    assert_eq!(board.sync().await.unwrap(), 0, "each change is indexed once");
    assert_eq!(board.index.len(), first as u64 - 1, "a filled vacancy leaves the board");
    let q = vacancies::index::Query { text: "tho lan yen sao".into(), ..Default::default() };
    let found: Vec<i64> = board.index.search(&q, 0, 10).items.iter().map(|s| s.id).collect();
    assert_eq!(found, vec![renamed.id]);
}

#[tokio::test]
async fn a_renamed_employer_shows_on_the_board_without_renewing_its_vacancies() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 2, 10, 11).await.unwrap();
    let published =
        vacancies::store::list(&app.db, "56", None, Some(vacancies::model::Status::Published), 1).await.unwrap().0;
    let before = published[0].clone();
    let e = employers::api::employer(&app.db, "56", before.employer_id).await.unwrap().unwrap();
    let staff = app.login(STAFF).await;
    let fields = [
        ("tax_code", e.tax_code.as_str()),
        ("name", "Công ty Yến Sào Hòn Nội"),
        ("vsic_section", e.vsic_section.as_deref().unwrap_or("")),
        ("size_band", e.size_band.as_str()),
        ("ownership", e.ownership.as_str()),
        ("ward_code", e.ward_code.as_str()),
        ("street", e.street.as_deref().unwrap_or("")),
        ("contact_name", e.contact_name.as_deref().unwrap_or("")),
        ("phone", e.phone.as_deref().unwrap_or("")),
        ("email", e.email.as_deref().unwrap_or("")),
        ("website", e.website.as_deref().unwrap_or("")),
    ];
    let r = staff.post_form(&format!("/employers/{}", e.id), &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    // At once on this server's board, by the new name's words.
    let list: Value = reqwest::get(app.url("/api/v1/vacancies?q=yen+sao+hon+noi")).await.unwrap().json().await.unwrap();
    let ids: Vec<i64> = list["items"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&before.id), "{list}");
    // A new name is no reason to renew the vacancies' 60 days.
    let after = vacancies::store::get(&app.db, "56", before.id).await.unwrap().unwrap();
    assert_eq!(after.updated_at, before.updated_at);
    assert_eq!(after.employer_name, "Công ty Yến Sào Hòn Nội");
}
