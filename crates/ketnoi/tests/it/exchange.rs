//! Recruitment linked between provinces, with instances on loopback (on
//! SQLite and PostgreSQL): Khánh Hòa (56) publishes a signed feed; Đắk Lắk
//! (66) adds it as a partner, pulls, and shows its vacancies on the board
//! with their origin; an update and a withdrawal at the origin follow; a
//! pull cut mid-way resumes with nothing lost or doubled; a wrong key or an
//! altered page is refused and nothing of it is kept.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::{json, Value};
use testkit::{TestApp, ADMIN, EMPLOYER, STAFF};

/// How the stand-in network between the two behaves.
#[derive(Clone)]
struct Proxy {
    target: Arc<std::sync::OnceLock<String>>,
    /// Requests passed so far; from `cut_after` on, each fails.
    served: Arc<AtomicUsize>,
    cut_after: Arc<AtomicUsize>,
    /// Alter the body (keeping its signature).
    tamper: Arc<std::sync::atomic::AtomicBool>,
}

async fn forward(State(p): State<Proxy>, uri: axum::http::Uri) -> axum::response::Response {
    let n = p.served.fetch_add(1, Ordering::SeqCst);
    if n >= p.cut_after.load(Ordering::SeqCst) {
        return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "the line is cut").into_response();
    }
    let r = reqwest::get(format!("{}{}", p.target.get().unwrap(), uri)).await.unwrap();
    let signature = r.headers().get("signature").cloned();
    let mut body = r.bytes().await.unwrap().to_vec();
    if p.tamper.load(Ordering::SeqCst) {
        body = String::from_utf8(body).unwrap().replacen("\"title\":\"", "\"title\":\"LỪA ĐẢO ", 1).into_bytes();
    }
    let mut out = body.into_response();
    if let Some(s) = signature {
        out.headers_mut().insert("signature", s);
    }
    out
}

/// A line to a server started later (its address is set on the proxy).
async fn proxy() -> (String, Proxy) {
    let p = Proxy {
        target: Arc::default(),
        served: Arc::default(),
        cut_after: Arc::new(AtomicUsize::new(usize::MAX)),
        tamper: Arc::default(),
    };
    let app = axum::Router::new().fallback(forward).with_state(p.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), p)
}

fn testkit_encode(s: &str) -> String {
    platform::web::encode(s)
}

async fn add(b: &TestApp, token: &str, name: &str, url: &str, key: &str) -> i64 {
    let r =
        b.post_json("/api/v1/exchange/partners", token, &json!({"name": name, "url": url, "public_key": key})).await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn pull(b: &TestApp, token: &str, id: i64) -> (u16, Value) {
    let r = b.post_json(&format!("/api/v1/exchange/partners/{id}/pull"), token, &json!({})).await;
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn partner_rows(b: &TestApp, partner: i64) -> (i64, i64) {
    platform::with_db!(&b.db, p => sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), COUNT(DISTINCT remote_id) FROM partner_vacancies WHERE partner_id = $1")
        .bind(partner).fetch_one(p).await.unwrap())
}

/// The partners' vacancies on B's public board (by origin).
async fn on_board(b: &TestApp) -> Vec<Value> {
    let list: Value =
        reqwest::get(b.url("/api/v1/vacancies?origin=partners&q=&page=1")).await.unwrap().json().await.unwrap();
    let total = list["total"].as_u64().unwrap();
    let mut items = list["items"].as_array().unwrap().clone();
    let mut page = 2;
    while (items.len() as u64) < total {
        let more: Value = reqwest::get(b.url(&format!("/api/v1/vacancies?origin=partners&page={page}")))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        items.extend(more["items"].as_array().unwrap().iter().cloned());
        page += 1;
    }
    items
}

// Several threads: the command line below reaches the test's own servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_province_follows_our_vacancies_through_the_signed_feed() {
    // Khánh Hòa is reached (and publishes its pages) through a line the test cuts.
    let (line, proxy) = proxy().await;
    let a = TestApp::spawn_with(|s| s.public_url = line.clone()).await;
    proxy.target.set(a.base.clone()).unwrap();
    let b = TestApp::spawn_with(|s| s.province_code = "66".into()).await;
    // 450 open vacancies: more than two pages of the consumer's 200.
    ketnoi::demo::seed_demand(&a.db, "56", 20, 450, 11).await.unwrap();

    // The feed: public, signed, in schema.org's words with our codes.
    let key: Value = reqwest::get(a.url("/api/v1/exchange/key")).await.unwrap().json().await.unwrap();
    assert_eq!(key["public_key"].as_str().unwrap().len(), 44, "{key}");
    let r = reqwest::get(a.url("/api/v1/exchange/snapshot?limit=5")).await.unwrap();
    let signature = r.headers()["signature"].to_str().unwrap().to_owned();
    let body = r.bytes().await.unwrap();
    assert!(exchange::keys::verify(key["public_key"].as_str().unwrap(), &body, &signature));
    let page: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(proxy.served.load(Ordering::SeqCst), 0, "read directly");
    let item = &page["items"][0];
    for field in ["id", "change", "updated_at", "title", "url", "occupation_isco", "work_province_code"] {
        assert!(!item[field].is_null(), "{field}: {item}");
    }
    assert_eq!(item["@type"], "JobPosting");
    assert!(page["next"].is_string(), "{page}");
    let text = String::from_utf8_lossy(&body);
    assert!(!text.contains("cccd") && !text.contains("phone"), "no personal data in the feed");
    let bad = reqwest::get(a.url("/api/v1/exchange/changes?since=abc")).await.unwrap();
    assert_eq!(bad.status(), 422);
    // A newcomer reads the snapshot to its end, then follows the changes from its `resume`.
    let (mut cursor, mut seen) = (String::new(), 0);
    let resume = loop {
        let page: Value =
            reqwest::get(a.url(&format!("/api/v1/exchange/snapshot?limit=200&cursor={}", testkit_encode(&cursor))))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        seen += page["items"].as_array().unwrap().len();
        match page["next"].as_str() {
            Some(n) => cursor = n.to_owned(),
            None => break page["resume"].as_str().expect("the last page says where the changes go on").to_owned(),
        }
    };
    assert_eq!(seen, 450);
    let quiet: Value = reqwest::get(a.url(&format!("/api/v1/exchange/changes?since={}", testkit_encode(&resume))))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((quiet["items"].as_array().unwrap().len(), quiet["more"].as_bool()), (0, Some(false)), "{quiet}");

    // B adds A through a line that will be cut after the first page.
    let admin = b.token(ADMIN).await;
    proxy.cut_after.store(1, Ordering::SeqCst);
    let id = add(&b, &admin, "Khánh Hòa", &line, key["public_key"].as_str().unwrap()).await;
    let (status, failed) = pull(&b, &admin, id).await;
    assert_eq!(status, 502, "{failed}");
    assert_eq!(partner_rows(&b, id).await, (200, 200), "the first page kept, with its cursor");
    // The line is back: the pull resumes from the cursor.
    proxy.cut_after.store(usize::MAX, Ordering::SeqCst);
    let (status, done) = pull(&b, &admin, id).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(partner_rows(&b, id).await, (450, 450), "nothing lost, nothing twice");
    let board = on_board(&b).await;
    assert_eq!(board.len(), 450);
    assert!(
        board.iter().all(|v| v["origin"]["province_code"] == "56" && v["url"] == v["origin"]["url"]),
        "{}",
        board[0]
    );
    // Our own board's list carries no origin for our own (B has none; A's own list shows it).
    let own: Value = reqwest::get(a.url("/api/v1/vacancies")).await.unwrap().json().await.unwrap();
    assert!(own["items"][0].get("origin").is_none(), "{}", own["items"][0]);

    // At the origin: one vacancy renamed, one closed.
    let (first, second): (i64, i64) = platform::with_db!(&a.db, p => sqlx::query_as(
        "SELECT MIN(id), MAX(id) FROM vacancies WHERE status = 'published'").fetch_one(p).await.unwrap());
    platform::with_db!(&a.db, p => sqlx::query(
        "UPDATE vacancies SET title = 'Thợ hàn bậc cao (đổi tên)', updated_at = $2 WHERE id = $1")
        .bind(first).bind(chrono::Utc::now()).execute(p).await.map(|_| ()).unwrap());
    vacancies::store::set_status(&a.db, "56", second, vacancies::model::Status::Withdrawn, None).await.unwrap();
    let (status, done) = pull(&b, &admin, id).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["items"], 2, "only what changed: {done}");
    let since_snapshot: Value =
        reqwest::get(a.url(&format!("/api/v1/exchange/changes?since={}", testkit_encode(&resume))))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let changes: Vec<&str> =
        since_snapshot["items"].as_array().unwrap().iter().map(|i| i["change"].as_str().unwrap()).collect();
    assert_eq!(changes, vec!["updated", "withdrawn"], "{since_snapshot}");
    assert_eq!(since_snapshot["items"][1]["description"], "", "a withdrawn vacancy's text stays home");
    let board = on_board(&b).await;
    assert_eq!(board.len(), 449, "the withdrawn one left the board");
    assert!(board.iter().any(|v| v["title"] == "Thợ hàn bậc cao (đổi tên)"));
    assert!(!board.iter().any(|v| v["url"].as_str().unwrap().ends_with(&format!("/jobs/{second}"))));
    // A job seeker on B's board is sent to the origin's page.
    let renamed = board.iter().find(|v| v["title"] == "Thợ hàn bậc cao (đổi tên)").unwrap();
    let browser = b.browser();
    let r = browser.get(&format!("/jobs/{}", renamed["id"])).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().ends_with(&format!("/jobs/{first}")));
    // The board page marks them.
    let (_, html) = browser.get_text("/jobs?origin=partners").await;
    assert!(html.contains("data-testid=\"origin\"") && html.contains("Khánh Hòa"), "marked with their province");

    // An altered page is refused: nothing of it kept.
    proxy.tamper.store(true, Ordering::SeqCst);
    platform::with_db!(&a.db, p => sqlx::query("UPDATE vacancies SET title = 'Mới', updated_at = $2 WHERE id = $1")
        .bind(first).bind(chrono::Utc::now()).execute(p).await.map(|_| ()).unwrap());
    let (status, refused) = pull(&b, &admin, id).await;
    assert_eq!(status, 502);
    assert!(refused["error"]["message"].as_str().unwrap().contains("does not verify"), "{refused}");
    assert!(!on_board(&b)
        .await
        .iter()
        .any(|v| v["title"].as_str().unwrap().contains("LỪA ĐẢO") || v["title"] == "Mới"));

    // A partner added with the wrong key: refused, nothing stored, the
    // failure on the admin page; the command line exits non-zero.
    let b_key: Value = reqwest::get(b.url("/api/v1/exchange/key")).await.unwrap().json().await.unwrap();
    let wrong = add(&b, &admin, "Sai khóa", &a.base, b_key["public_key"].as_str().unwrap()).await;
    let (status, _) = pull(&b, &admin, wrong).await;
    assert_eq!(status, 502);
    assert_eq!(partner_rows(&b, wrong).await, (0, 0));
    let page = b.login(ADMIN).await;
    let (_, html) = page.get_text("/admin/exchange").await;
    assert!(html.contains("Sai khóa") && html.contains("data-testid=\"last-error\""), "{html}");
    assert!(html.contains(b_key["public_key"].as_str().unwrap()), "our key is shown");
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .args(["--database", &b.database_url, "--province", "66"])
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = cli(&["partner", "pull", "Sai khóa"]);
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.contains("does not verify"), "{said}");
    let out = cli(&["partner", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(listed.contains("Khánh Hòa\t") && listed.contains("Sai khóa\t") && listed.contains("failed"), "{listed}");
    let out = cli(&["partner", "add", "Ba", "ftp://x", "--key", "abc"]);
    assert!(!out.status.success());

    // Only the administrator manages partners; the report counts by month.
    let employer = b.token(EMPLOYER).await;
    let r = b.post_json("/api/v1/exchange/partners", &employer, &json!({})).await;
    assert_eq!(r.status(), 403);
    let report = b.get_json("/api/v1/exchange/report", &admin).await;
    let received: i64 =
        report["partners"][0]["received"].as_array().unwrap().iter().map(|m| m["count"].as_i64().unwrap()).sum();
    assert_eq!((report["partners"][0]["partner"].as_str(), received), (Some("Khánh Hòa"), 450), "{report}");
}

/// Open partner vacancies B keeps in `province` (not abroad): what a person
/// willing to work there is matched with.
async fn open_in(b: &TestApp, province: &str) -> i64 {
    platform::with_db!(&b.db, p => sqlx::query_as::<_, (i64,)>(
        "SELECT COUNT(*) FROM partner_vacancies WHERE open = TRUE AND deadline >= $1 AND work_country IS NULL
         AND COALESCE(work_province_code, origin_province) = $2")
        .bind(platform::time::today()).bind(province).fetch_one(p).await.unwrap())
    .0
}

// Three instances: Khánh Hòa (56) and Đà Nẵng (48) publish; Đắk Lắk (66)
// follows both, and matches its people with the vacancies of the provinces
// each would go to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_matched_with_partner_vacancies_in_the_provinces_they_would_go_to() {
    let a = TestApp::spawn().await;
    let c = TestApp::spawn_with(|s| s.province_code = "48".into()).await;
    let b = TestApp::spawn_with(|s| s.province_code = "66".into()).await;
    ketnoi::demo::seed_demand(&a.db, "56", 5, 30, 3).await.unwrap();
    ketnoi::demo::seed_demand(&c.db, "48", 5, 20, 4).await.unwrap();
    // Khánh Hòa plans an online session and one at a venue; only the
    // online one is an invitation to other provinces.
    let day = (platform::time::today() + chrono::Duration::days(10)).format("%Y-%m-%d").to_string();
    let a_staff = a.token(STAFF).await;
    for (title, kind, ward) in [("Phiên trực tuyến tháng 12", "online", ""), ("Phiên tại xã", "in_person", "22504")]
    {
        let r = a
            .post_json(
                "/api/v1/sessions",
                &a_staff,
                &json!({"title": title, "kind": kind,
                "starts_at": format!("{day}T08:00"), "ends_at": format!("{day}T11:30"), "ward_code": ward,
                "venue": "Nhà văn hóa", "organisers": "Trung tâm Dịch vụ việc làm Khánh Hòa"}),
            )
            .await;
        assert_eq!(r.status(), 201, "{title}: {}", r.text().await.unwrap());
    }
    let admin = b.token(ADMIN).await;
    for (name, origin) in [("Khánh Hòa", &a), ("Đà Nẵng", &c)] {
        let key: Value = reqwest::get(origin.url("/api/v1/exchange/key")).await.unwrap().json().await.unwrap();
        let id = add(&b, &admin, name, &origin.base, key["public_key"].as_str().unwrap()).await;
        let (status, done) = pull(&b, &admin, id).await;
        assert_eq!(status, 200, "{done}");
    }
    let (in_56, in_48) = (open_in(&b, "56").await, open_in(&b, "48").await);
    assert!(in_56 > 5 && in_48 > 5, "{in_56} {in_48}");

    // Three people of Đắk Lắk looking for work: one would go to Khánh Hòa,
    // one to both (written as people write them, and as a JSON list), one stays.
    let staff = b.token(STAFF).await;
    let person = |name: &str, provinces: Value| {
        json!({"full_name": name, "birth_date": "01/03/1995", "sex": "nam", "ward_code": "22015",
               "employment_status": "unemployed", "qualification": "intermediate", "job_need": "việc làm",
               "work_provinces": provinces})
    };
    let mut ids = vec![];
    for p in [
        person("Phan Văn Đi", json!("Khánh Hòa")),
        person("Lê Văn Xa", json!(["khanh hoa", "TP. Đà Nẵng"])),
        person("Đỗ Văn Ở", json!("")),
    ] {
        let r = b.post_json("/api/v1/people", &staff, &p).await;
        assert_eq!(r.status(), 201, "{p}");
        ids.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let bad = b.post_json("/api/v1/people", &staff, &person("Vũ Văn Lạ", json!("Xứ Sở Thần Tiên"))).await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("work_provinces"));
    let record: Value = b.get_json(&format!("/api/v1/people/{}", ids[1]), &staff).await;
    assert_eq!(record["needs"]["work_provinces"], json!(["48", "56"]), "{record}");

    let matches = |id: i64| {
        let (b, staff) = (&b, &staff);
        async move { b.get_json(&format!("/api/v1/people/{id}/matches?limit=100"), staff).await }
    };
    let one = matches(ids[0]).await;
    assert_eq!(one["total"].as_i64(), Some(in_56), "{one}");
    let items = one["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for m in items {
        assert_eq!(m["vacancy"]["origin_province"], "56", "{m}");
        assert!(m["vacancy"]["url"].as_str().unwrap().starts_with(&format!("{}/jobs/", a.base)), "{m}");
        assert!(m["referral_id"].is_null());
    }
    let both = matches(ids[1]).await;
    assert_eq!(both["total"].as_i64(), Some(in_56 + in_48), "{both}");
    let stays = matches(ids[2]).await;
    assert_eq!(stays["total"].as_i64(), Some(0), "{stays}");

    // The person's page: the partner's vacancy links to its page at the origin.
    let browser = b.login(STAFF).await;
    let (status, html) = browser.get_text(&format!("/registry/{}/matches", ids[0])).await;
    assert_eq!(status, 200);
    assert!(html.contains("data-testid=\"partner-vacancy\"") && html.contains(&format!("{}/jobs/", a.base)));
    let (_, detail) = browser.get_text(&format!("/registry/{}", ids[1])).await;
    assert!(detail.contains("Thành phố Đà Nẵng; Tỉnh Khánh Hòa"), "the detail names the provinces");

    // The partner's online session is in B's calendar, with its page at the origin.
    let sessions: Value = reqwest::get(b.url("/api/v1/sessions/partners")).await.unwrap().json().await.unwrap();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 1, "only the online one travels: {sessions:?}");
    assert_eq!(sessions[0]["partner"], "Khánh Hòa");
    assert_eq!(sessions[0]["starts_at"], format!("{day}T08:00:00"), "Vietnam time both sides");
    assert!(sessions[0]["url"].as_str().unwrap().starts_with(&format!("{}/sessions/", a.base)));
    let (_, calendar) = b.browser().get_text("/sessions").await;
    assert!(calendar.contains("data-testid=\"partner-sessions\"") && calendar.contains("Phiên trực tuyến tháng 12"));

    // A commune officer's colleague refers Phan Văn Đi to a Khánh Hòa
    // vacancy: the slip says where to apply; the hire is counted for the
    // partner in the report and makes a placement in another province.
    let target = items[0]["vacancy"]["id"].as_i64().unwrap();
    let r = b.post_json("/api/v1/referrals", &staff, &json!({"person_id": ids[0], "vacancy_id": target})).await;
    assert_eq!(r.status(), 201);
    let referral: Value = r.json().await.unwrap();
    let again = b.post_json("/api/v1/referrals", &staff, &json!({"person_id": ids[0], "vacancy_id": target})).await;
    assert_eq!(again.status(), 409);
    let stays_out = b.post_json("/api/v1/referrals", &staff, &json!({"person_id": ids[2], "vacancy_id": target})).await;
    assert_eq!(stays_out.status(), 400, "not willing to go to Khánh Hòa");
    let (status, slip) = browser.get_text(&format!("/referrals/{}/slip", referral["id"])).await;
    assert_eq!(status, 200);
    assert!(slip.contains("data-testid=\"origin\"") && slip.contains(items[0]["vacancy"]["url"].as_str().unwrap()));
    let (_, listed) = browser.get_text(&format!("/registry/{}/matches", ids[0])).await;
    assert!(listed.contains("data-testid=\"referred\""), "the match shows the referral");
    let r = b
        .post_json(&format!("/api/v1/referrals/{}/outcome", referral["id"]), &staff, &json!({"outcome": "hired"}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let placed: (String, String) = platform::with_db!(&b.db, p => sqlx::query_as(
        "SELECT place, employer_name FROM placements WHERE person_id = $1").bind(ids[0]).fetch_one(p).await.unwrap());
    assert_eq!(
        placed,
        ("other_province".to_owned(), items[0]["vacancy"]["employer_name"].as_str().unwrap().to_owned())
    );
    let report = b.get_json("/api/v1/exchange/report", &admin).await;
    let khanh_hoa = report["partners"].as_array().unwrap().iter().find(|p| p["partner"] == "Khánh Hòa").unwrap();
    let month = platform::time::today().format("%Y-%m").to_string();
    assert_eq!(khanh_hoa["referred"], json!([{"month": month, "count": 1}]), "{report}");
    assert_eq!(khanh_hoa["hired"], json!([{"month": month, "count": 1}]), "{report}");
    let admin_page = b.login(ADMIN).await;
    let (_, html) = admin_page.get_text("/admin/exchange").await;
    assert!(html.contains("data-testid=\"referrals\""), "the report's table of referrals");

    // Withdrawn at the origin: no longer matched once pulled.
    let first: (i64,) = platform::with_db!(&a.db, p => sqlx::query_as(
        "SELECT MIN(id) FROM vacancies WHERE status = 'published' AND work_country IS NULL
         AND COALESCE(work_province_code, '56') = '56'").fetch_one(p).await.unwrap());
    vacancies::store::set_status(&a.db, "56", first.0, vacancies::model::Status::Withdrawn, None).await.unwrap();
    let partner: (i64,) = platform::with_db!(&b.db, p => sqlx::query_as(
        "SELECT id FROM partners WHERE name = 'Khánh Hòa'").fetch_one(p).await.unwrap());
    let (status, _) = pull(&b, &admin, partner.0).await;
    assert_eq!(status, 200);
    assert_eq!(open_in(&b, "56").await, in_56 - 1);
    assert_eq!(matches(ids[0]).await["total"].as_i64(), Some(in_56 - 1));
}
