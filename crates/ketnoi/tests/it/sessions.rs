//! Job-exchange sessions through HTTP, on SQLite and PostgreSQL: planning,
//! booths, public registration (once per phone, linked to the registry),
//! check-in by ticket, CCCD, phone or as a walk-in (counted once), interviews
//! and outcomes by the booth's employer only, the report exactly from the
//! records, the pages, and the live WebSocket (counters and a video room's relay).

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, STAFF, VIEWER};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

struct World {
    app: TestApp,
    staff: String,
    employer: String,
    session: i64,
    /// The demo employer's published vacancies (welders ×3, drivers ×2).
    ours: [i64; 2],
    /// Another employer's published vacancy.
    theirs: (i64, i64),
}

async fn published(app: &TestApp, employer: &str, staff: &str, title: &str, isco: &str, positions: &str) -> i64 {
    let deadline = (chrono::Utc::now() + chrono::Duration::days(20)).format("%d/%m/%Y").to_string();
    let v = json!({
        "title": title, "occupation_isco": isco, "positions": positions, "qualification": "none",
        "contract_type": "fixed_term", "workplace": "ward", "work_ward_code": "22504", "deadline": deadline,
        "description": "Làm việc tại xưởng."
    });
    let r = app.post_json("/api/v1/vacancies?submit=true", employer, &v).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post_json(&format!("/api/v1/vacancies/{id}/transition"), staff, &json!({"to": "approve"})).await;
    assert_eq!(r.status(), 200);
    id
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let (staff, employer) = (app.token(STAFF).await, app.token(EMPLOYER).await);
    let welders = published(&app, &employer, &staff, "Thợ hàn", "7212", "3").await;
    let drivers = published(&app, &employer, &staff, "Lái xe tải", "8332", "2").await;
    let ours = vacancies::store::get(&app.db, "56", welders).await.unwrap().unwrap().employer_id;
    let (list, _) =
        vacancies::store::list(&app.db, "56", None, Some(vacancies::model::Status::Published), 1).await.unwrap();
    let other = list.iter().find(|v| v.employer_id != ours).expect("another employer's vacancy");
    let r = app
        .post_json(
            "/api/v1/sessions",
            &staff,
            &json!({"title": "Phiên giao dịch việc làm xã Vạn Thọ", "kind": "hybrid",
                    "starts_at": "2026-12-15T08:00", "ends_at": "2026-12-15T11:30",
                    "ward_code": "22504", "venue": "Nhà văn hóa xã", "target_positions": 120}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    assert!(created["url"].as_str().unwrap().ends_with(&format!("/sessions/{}", created["id"])), "{created}");
    World {
        session: created["id"].as_i64().unwrap(),
        app,
        staff,
        employer,
        ours: [welders, drivers],
        theirs: (other.employer_id, other.id),
    }
}

async fn anonymous(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    let r = reqwest::Client::new().post(app.url(path)).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn planning_checks_the_session_and_only_staff_plan() {
    let World { app, staff, employer, session, .. } = world().await;
    let s = app.get_json(&format!("/api/v1/sessions/{session}"), &staff).await;
    assert_eq!(s["kind"], "hybrid");
    assert_eq!(s["starts_at"], "2026-12-15T08:00:00");
    assert_eq!(s["target_positions"], 120);

    let bad = json!({"title": "", "kind": "in_person", "starts_at": "15/12/2026 10:00", "ends_at": "15/12/2026 09:00",
                     "ward_code": "", "venue": ""});
    let r = app.post_json("/api/v1/sessions", &staff, &bad).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "ends_at", "ward_code", "venue"], "{e}");
    let r = app.post_json("/api/v1/sessions", &employer, &json!({"title": "x"})).await;
    assert_eq!(r.status(), 403);
    let list: Value = reqwest::get(app.url("/api/v1/sessions")).await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "public list: {list}");
}

#[tokio::test]
async fn booths_bring_their_own_published_vacancies_once() {
    let World { app, staff, employer, session, ours, theirs, .. } = world().await;
    let ours_employer = vacancies::store::get(&app.db, "56", ours[0]).await.unwrap().unwrap().employer_id;
    let path = format!("/api/v1/sessions/{session}/booths");
    let r = app.post_json(&path, &staff, &json!({"employer_id": ours_employer, "vacancy_ids": [ours[0]]})).await;
    assert_eq!(r.status(), 201);
    let booth = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // Again: the same booth, its vacancies set anew.
    let r = app.post_json(&path, &staff, &json!({"employer_id": ours_employer, "vacancy_ids": ours})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], booth);
    // Another employer's vacancy cannot be brought by this one.
    let r = app.post_json(&path, &staff, &json!({"employer_id": ours_employer, "vacancy_ids": [theirs.1]})).await;
    assert_eq!(r.status(), 422);
    let r = app.post_json(&path, &employer, &json!({"employer_id": ours_employer, "vacancy_ids": []})).await;
    assert_eq!(r.status(), 403);
    let s = app.get_json(&format!("/api/v1/sessions/{session}"), &staff).await;
    assert_eq!(s["booths"][0]["vacancy_ids"], json!(ours), "{s}");
    // The employer was invited once, with a link to its booth.
    let told = app.get_json("/api/v1/notifications", &employer).await;
    let invites: Vec<&Value> = told
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n.to_string().contains("Phiên giao dịch việc làm xã Vạn Thọ"))
        .collect();
    assert_eq!(invites.len(), 1, "{told}");
    assert!(invites[0].to_string().contains(&format!("/sessions/{session}/booths/{booth}")), "{told}");
}

/// The session with two booths (ours: welders and drivers; theirs), and its path.
async fn with_booths(w: &World) -> (i64, i64) {
    let ours_employer = vacancies::store::get(&w.app.db, "56", w.ours[0]).await.unwrap().unwrap().employer_id;
    let path = format!("/api/v1/sessions/{}/booths", w.session);
    let a = w.app.post_json(&path, &w.staff, &json!({"employer_id": ours_employer, "vacancy_ids": w.ours})).await;
    let b = w.app.post_json(&path, &w.staff, &json!({"employer_id": w.theirs.0, "vacancy_ids": [w.theirs.1]})).await;
    (a.json::<Value>().await.unwrap()["id"].as_i64().unwrap(), b.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
}

#[tokio::test]
async fn registration_is_once_per_phone_and_finds_the_registry_person() {
    let w = world().await;
    let (ours, _) = with_booths(&w).await;
    let (app, session) = (&w.app, w.session);
    // Two people in the registry: one found by CCCD, one by phone.
    let person = |name: &str, cccd: &str, phone: &str| {
        json!({"full_name": name, "birth_date": "01/03/1995", "sex": "nam", "ward_code": "22504",
               "employment_status": "unemployed", "cccd": cccd, "phone": phone, "job_need": "job"})
    };
    let r = app.post_json("/api/v1/people", &w.staff, &person("Nguyễn Văn Đào", "056095001234", "")).await;
    assert_eq!(r.status(), 201);
    let dao = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post_json("/api/v1/people", &w.staff, &person("Trần Thị Mai", "", "0905111222")).await;
    assert_eq!(r.status(), 201);
    let mai = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let path = format!("/api/v1/sessions/{session}/registrations");
    let (s, first) = anonymous(
        app,
        &path,
        &json!({"full_name": "Nguyen Van Dao", "phone": "0912 345 678", "cccd": "056095001234", "booth_ids": [ours]}),
    )
    .await;
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["person_id"], dao, "found by CCCD");
    assert_eq!(first["ticket"].as_str().unwrap().len(), 10);
    let (s, again) = anonymous(app, &path, &json!({"full_name": "Nguyễn Văn Đào", "phone": "0912345678"})).await;
    assert_eq!(s, 200, "the same phone again: the same registration");
    assert_eq!((again["id"].clone(), again["ticket"].clone()), (first["id"].clone(), first["ticket"].clone()));
    let (s, by_phone) = anonymous(app, &path, &json!({"full_name": "Trần Thị Mai", "phone": "0905111222"})).await;
    assert_eq!(s, 201);
    assert_eq!(by_phone["person_id"], mai, "found by phone");
    let (s, stranger) = anonymous(app, &path, &json!({"full_name": "Lê Văn Mới", "phone": "0987000111"})).await;
    assert_eq!((s, stranger["person_id"].clone()), (201, Value::Null), "no match: no link, and no new registry person");
    let people: Value = app.get_json("/api/v1/people?q=le%20van%20moi", &w.staff).await;
    assert_eq!(people["total"], 0, "{people}");

    let (s, e) = anonymous(app, &path, &json!({"full_name": "", "phone": "123", "cccd": "99"})).await;
    assert_eq!(s, 422);
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["full_name", "phone", "cccd"]);
    let (s, _) = anonymous(app, &path, &json!({"full_name": "A", "phone": "0987000222", "booth_ids": [999]})).await;
    assert_eq!(s, 422, "a booth of another session");
    let (s, _) =
        anonymous(app, "/api/v1/sessions/999/registrations", &json!({"full_name": "A", "phone": "0987000222"})).await;
    assert_eq!(s, 404);

    // The ticket's page shows whose it is (phone masked) with its QR code.
    let ticket = first["ticket"].as_str().unwrap();
    let html =
        reqwest::get(app.url(&format!("/sessions/{session}/tickets/{ticket}"))).await.unwrap().text().await.unwrap();
    assert!(html.contains("Nguyen Van Dao") && html.contains("091••••678") && html.contains("<svg"), "{html}");
    let r = reqwest::get(app.url(&format!("/sessions/{session}/tickets/ABCDEFGHJK"))).await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn check_in_counts_a_person_once_however_they_are_found() {
    let w = world().await;
    with_booths(&w).await;
    let (app, session, staff) = (&w.app, w.session, &w.staff);
    let path = format!("/api/v1/sessions/{session}/registrations");
    let (_, a) =
        anonymous(app, &path, &json!({"full_name": "Phạm Văn An", "phone": "0905000001", "cccd": "056095000011"}))
            .await;
    let (_, b) = anonymous(app, &path, &json!({"full_name": "Hồ Thị Bình", "phone": "0905000002"})).await;
    let checkin = format!("/api/v1/sessions/{session}/checkins");
    let ticket = format!("{}/sessions/{session}/tickets/{}", app.url(""), a["ticket"].as_str().unwrap());
    let r = app.post_json(&checkin, staff, &json!({"ticket": ticket})).await;
    assert_eq!(r.status(), 200, "a scanned QR code carries the ticket's address");
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["registration_id"].clone(), c["already"].clone()), (a["id"].clone(), json!(false)));
    let c: Value = app.post_json(&checkin, staff, &json!({"cccd": "056095000011"})).await.json().await.unwrap();
    assert_eq!(c["already"], true, "the same person by CCCD: counted once");
    let c: Value = app.post_json(&checkin, staff, &json!({"phone": "090 5000 002"})).await.json().await.unwrap();
    assert_eq!((c["registration_id"].clone(), c["already"].clone()), (b["id"].clone(), json!(false)));
    let r = app.post_json(&checkin, staff, &json!({"phone": "0905999999"})).await;
    assert_eq!(r.status(), 422, "not registered: refused with the reason");
    let walk = json!({"walk_in": {"full_name": "Đỗ Văn Cường", "phone": "0905000003"}});
    let c: Value = app.post_json(&checkin, staff, &walk).await.json().await.unwrap();
    assert_eq!(c["already"], false);
    let c2: Value = app.post_json(&checkin, staff, &walk).await.json().await.unwrap();
    assert_eq!((c2["registration_id"].clone(), c2["already"].clone()), (c["registration_id"].clone(), json!(true)));

    // The commune officer of the venue's commune may check in; an employer may not.
    let officer = app.token(COMMUNE_OFFICER).await;
    let r = app.post_json(&checkin, &officer, &json!({"phone": "0905000002"})).await;
    assert_eq!(r.status(), 200, "the venue's commune is the officer's");
    let elsewhere = app
        .post_json(
            "/api/v1/sessions",
            staff,
            &json!({"title": "Phiên tại phường khác", "kind": "in_person", "starts_at": "2026-12-16T08:00",
                    "ends_at": "2026-12-16T11:00", "ward_code": "22366", "venue": "Hội trường"}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .post_json(&format!("/api/v1/sessions/{elsewhere}/checkins"), &officer, &json!({"phone": "0905000002"}))
        .await;
    assert_eq!(r.status(), 403, "a session outside the officer's communes");
    let r = app.post_json(&checkin, &w.employer, &json!({"phone": "0905000002"})).await;
    assert_eq!(r.status(), 403);
    let report = app.get_json(&format!("/api/v1/sessions/{session}/report"), staff).await;
    assert_eq!((report["registered"].clone(), report["attended_in_person"].clone()), (json!(3), json!(3)), "{report}");
}

#[tokio::test]
async fn interviews_belong_to_the_booths_employer_and_the_report_counts_exactly() {
    let w = world().await;
    let (ours, theirs) = with_booths(&w).await;
    let (app, session, staff, employer) = (&w.app, w.session, &w.staff, &w.employer);
    let reg = |name: &str, phone: &str| json!({"full_name": name, "phone": phone, "booth_ids": [ours, theirs]});
    let path = format!("/api/v1/sessions/{session}/registrations");
    let mut ids = vec![];
    for (i, name) in ["An", "Bình", "Cường", "Dung"].iter().enumerate() {
        let (_, r) = anonymous(app, &path, &reg(name, &format!("090500010{i}"))).await;
        ids.push(r["id"].as_i64().unwrap());
    }
    let checkin = format!("/api/v1/sessions/{session}/checkins");
    for id in &ids[..3] {
        let r: Value = app
            .post_json(
                &checkin,
                staff,
                &json!({"phone": format!("090500010{}", ids.iter().position(|x| x == id).unwrap())}),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(r["already"], false);
    }
    let interviews = format!("/api/v1/sessions/{session}/interviews");
    let interview = |reg: i64, booth: i64, mode: &str, vacancy: Option<i64>| json!({"registration_id": reg, "booth_id": booth, "mode": mode, "vacancy_id": vacancy});
    // The employer at its own booth; not at another's.
    let r = app.post_json(&interviews, employer, &interview(ids[0], ours, "in_person", Some(w.ours[0]))).await;
    assert_eq!(r.status(), 201);
    let i0 = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app.post_json(&interviews, employer, &interview(ids[0], ours, "in_person", None)).await;
    assert_eq!(
        (r.status().as_u16(), r.json::<Value>().await.unwrap()["id"].as_i64()),
        (200, Some(i0)),
        "once per booth"
    );
    let r = app.post_json(&interviews, employer, &interview(ids[1], theirs, "in_person", None)).await;
    assert_eq!(r.status(), 403);
    let r = app.post_json(&interviews, employer, &interview(ids[1], ours, "by_phone", None)).await;
    assert_eq!(r.status(), 422);
    let r = app.post_json(&interviews, employer, &interview(ids[1], ours, "in_person", Some(w.theirs.1))).await;
    assert_eq!(r.status(), 422, "a vacancy of another booth");
    // More: person 0 at theirs too (staff records it), 1 at ours (drivers), 3 online only.
    let mut made = vec![i0];
    for (reg, booth, mode, vac) in [
        (ids[0], theirs, "in_person", None),
        (ids[1], ours, "in_person", Some(w.ours[1])),
        (ids[3], ours, "online", Some(w.ours[0])),
    ] {
        let r = app.post_json(&interviews, staff, &interview(reg, booth, mode, vac)).await;
        assert_eq!(r.status(), 201);
        made.push(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    }
    let outcome = |iid: i64| format!("/api/v1/sessions/{session}/interviews/{iid}/outcome");
    for (iid, o, who) in [
        (made[0], "hired", employer),
        (made[1], "shortlisted", staff),
        (made[2], "not_suitable", employer),
        (made[3], "shortlisted", employer),
    ] {
        let r = app.post_json(&outcome(iid), who, &json!({"outcome": o})).await;
        assert_eq!(r.status(), 200, "{o}");
    }
    let r = app.post_json(&outcome(made[1]), employer, &json!({"outcome": "hired"})).await;
    assert_eq!(r.status(), 403, "another employer's interview");
    let r = app.post_json(&outcome(made[0]), employer, &json!({"outcome": "maybe"})).await;
    assert_eq!(r.status(), 422);

    let report = app.get_json(&format!("/api/v1/sessions/{session}/report"), staff).await;
    let theirs_positions = vacancies::store::get(&app.db, "56", w.theirs.1).await.unwrap().unwrap().positions;
    let expect = json!({
        "employers": 2, "vacancies": 3, "positions": 5 + theirs_positions, "registered": 4,
        "attended": 4, "attended_in_person": 3, "attended_online": 1,
        "interviews": 4, "shortlisted": 2, "hired": 1
    });
    for (k, v) in expect.as_object().unwrap() {
        assert_eq!(&report[k], v, "{k}: {report}");
    }
    let groups = report["by_occupation_group"].as_array().unwrap();
    // Welders (7): person 0 hired and person 3 shortlisted online; drivers (8): person 1 not suitable;
    // person 0 at the other booth counts under that booth's only vacancy's group.
    let other =
        vacancies::store::get(&app.db, "56", w.theirs.1).await.unwrap().unwrap().occupation_isco[..1].to_owned();
    let line = |g: &str| groups.iter().find(|x| x["group"] == g).cloned().unwrap_or(Value::Null);
    let extra = |g: &str| i64::from(other == g);
    assert_eq!(line("7")["interviews"], 2 + extra("7"), "{report}");
    assert_eq!((line("7")["hired"].clone(), line("7")["shortlisted"].clone()), (json!(1), json!(2)), "{report}");
    assert_eq!(
        (line("8")["interviews"].clone(), line("8")["shortlisted"].clone()),
        (json!(1 + extra("8")), json!(extra("8")))
    );
    let total: i64 = groups.iter().map(|g| g["interviews"].as_i64().unwrap()).sum();
    assert_eq!(total, 4);
    let viewer = app.token(VIEWER).await;
    assert_eq!(app.get_json(&format!("/api/v1/sessions/{session}/report"), &viewer).await["hired"], 1);
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/sessions/{session}/report")))
        .bearer_auth(employer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // The printable report and its XLSX say the same.
    let b = app.login(STAFF).await;
    let (s, html) = b.get_text(&format!("/sessions/{session}/report")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Người trúng tuyển") && html.contains(r#"data-testid="r-sess.r.hired">1<"#), "{html}");
    let r = b.get(&format!("/sessions/{session}/report?format=xlsx")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let hired = sheet.rows().find(|r| r[0].to_string() == "Người trúng tuyển").expect("hired line");
    assert_eq!(hired[1].to_string(), "1");
}

#[tokio::test]
async fn pages_let_staff_plan_and_people_register_and_the_door_check_in() {
    let w = world().await;
    let (ours, _) = with_booths(&w).await;
    let (app, session) = (&w.app, w.session);
    let staff = app.login(STAFF).await;
    let r = staff
        .post_form(
            "/sessions",
            &[
                ("title", "Phiên trực tuyến tháng 12"),
                ("kind", "online"),
                ("starts_at", "2026-12-20T14:00"),
                ("ends_at", "2026-12-20T16:00"),
                ("ward_code", ""),
                ("venue", ""),
                ("organisers", ""),
                ("target_employers", ""),
                ("target_positions", ""),
                ("target_seekers", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "every field the form sends, empty ones meaning none");
    let r = staff.post_form("/sessions", &[("title", "x"), ("kind", "in_person"), ("starts_at", "mai")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ngày giờ không hợp lệ"), "{html}");

    // A visitor registers on the public page and lands on the ticket.
    let visitor = app.browser();
    let (s, html) = visitor.get_text(&format!("/sessions/{session}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Phiên giao dịch việc làm xã Vạn Thọ") && html.contains("Thợ hàn"), "{html}");
    assert!(html.contains("08:00–11:30, ngày 15/12/2026"), "Vietnamese time and date: {html}");
    let ours_s = ours.to_string();
    let r = visitor
        .post_form(
            &format!("/sessions/{session}/register"),
            &[
                ("full_name", "Võ Thị Hoa"),
                ("phone", "0905123123"),
                ("cccd", ""),
                ("birth_date", ""),
                ("booth_ids", &ours_s),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let ticket_page = r.headers()["location"].to_str().unwrap().to_owned();
    let ticket = ticket_page.rsplit('/').next().unwrap().to_owned();
    let (_, html) = visitor.get_text(&ticket_page).await;
    assert!(html.contains("Võ Thị Hoa") && html.contains(&format!("{}-{}", &ticket[..5], &ticket[5..])), "{html}");
    for page in ["poster", "checkin", &format!("booths/{ours}"), "report"] {
        let (s, _) = staff.get_text(&format!("/sessions/{session}/{page}")).await;
        assert_eq!(s, 200, "{page}");
    }

    // The door: by phone, then a walk-in with every field of the form.
    let r = staff.post_form(&format!("/sessions/{session}/checkin"), &[("by", "phone"), ("value", "0905123123")]).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Võ Thị Hoa"));
    let r = staff
        .post_form(
            &format!("/sessions/{session}/checkin"),
            &[
                ("by", "walk_in"),
                ("full_name", "Lý Văn Tới"),
                ("phone", "0905321321"),
                ("cccd", ""),
                ("birth_date", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Đã đăng ký và điểm danh") && html.contains("Lý Văn Tới"), "{html}");
    let report = app.get_json(&format!("/api/v1/sessions/{session}/report"), &w.staff).await;
    assert_eq!((report["registered"].clone(), report["attended_in_person"].clone()), (json!(2), json!(2)));

    // The employer's booth console lists who chose it; another employer's is closed.
    let employer = app.login(EMPLOYER).await;
    let (s, html) = employer.get_text(&format!("/sessions/{session}/booths/{ours}")).await;
    assert_eq!(s, 200);
    assert!(html.contains("Võ Thị Hoa"), "{html}");
    let (_, html) = employer.get_text(&format!("/sessions/{session}")).await;
    assert!(html.contains(&format!("/sessions/{session}/booths/{ours}")), "its booth linked: {html}");
}

async fn socket(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut req = app.url(path).replacen("http://", "ws://", 1).into_client_request().unwrap();
    if let Some(t) = token {
        req.headers_mut().insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    tokio_tungstenite::connect_async(req).await.expect("websocket").0
}

async fn next_json(
    ws: &mut (impl StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin),
) -> Value {
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(5), ws.next()).await.expect("a message in time");
        if let Some(Ok(Message::Text(t))) = m {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

#[tokio::test]
async fn the_live_socket_pushes_counters_and_relays_a_video_rooms_signals() {
    let w = world().await;
    let (ours, _) = with_booths(&w).await;
    let (app, session) = (&w.app, w.session);
    let mut watcher = socket(app, &format!("/sessions/{session}/live"), None).await;
    let first = next_json(&mut watcher).await;
    assert_eq!((first["type"].clone(), first["registered"].clone()), (json!("state"), json!(0)));
    let (_, reg) = anonymous(
        app,
        &format!("/api/v1/sessions/{session}/registrations"),
        &json!({"full_name": "Mai", "phone": "0905444555", "booth_ids": [ours]}),
    )
    .await;
    assert_eq!(next_json(&mut watcher).await["registered"], 1, "a registration is pushed at once");

    // The candidate queues; the employer calls them into a room.
    let ticket = reg["ticket"].as_str().unwrap();
    let visitor = app.browser();
    let r = visitor
        .post_form(
            &format!("/sessions/{session}/tickets/{ticket}/queue"),
            &[("booth_id", &ours.to_string()), ("action", "join")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let state = next_json(&mut watcher).await;
    assert_eq!(state["queues"][ours.to_string()], json!([reg["id"]]), "{state}");
    let employer = app.login(EMPLOYER).await;
    let r = employer.post_form(&format!("/sessions/{session}/booths/{ours}/call"), &[]).await;
    assert_eq!(r.status(), 303);
    let room = r.headers()["location"].to_str().unwrap().to_owned();
    let mut call = next_json(&mut watcher).await;
    while call["type"] == "state" {
        call = next_json(&mut watcher).await;
    }
    assert_eq!((call["type"].clone(), call["registration"].clone()), (json!("call"), reg["id"].clone()));
    let iid = call["interview"].as_i64().unwrap();
    assert_eq!(room, format!("/sessions/{session}/interviews/{iid}/room"));

    // In the room: each side hears the other, stamped with the sender's side.
    let employer_token = app.token(EMPLOYER).await;
    let mut e = socket(app, &format!("/sessions/{session}/live?room={iid}"), Some(&employer_token)).await;
    next_json(&mut e).await; // the snapshot
    let mut c = socket(app, &format!("/sessions/{session}/live?room={iid}&t={ticket}"), None).await;
    next_json(&mut c).await;
    let hello = next_json(&mut e).await;
    assert_eq!((hello["type"].clone(), hello["from"].clone()), (json!("hello"), json!("candidate")));
    c.send(Message::text(r#"{"type":"chat","from":"employer","data":{"text":"Chào anh chị"}}"#)).await.unwrap();
    let chat = next_json(&mut e).await;
    assert_eq!((chat["from"].clone(), chat["data"]["text"].clone()), (json!("candidate"), json!("Chào anh chị")));
    e.send(Message::text(r#"{"type":"offer","data":{"type":"offer","sdp":"v=0"}}"#)).await.unwrap();
    assert_eq!(next_json(&mut c).await["type"], "offer");
    // A wrong ticket, or no one, is not let in; nor another site's page.
    let bad = app.url(&format!("/sessions/{session}/live?room={iid}&t=ABCDEFGHJK")).replacen("http://", "ws://", 1);
    assert!(tokio_tungstenite::connect_async(bad).await.is_err());
    let mut req = app
        .url(&format!("/sessions/{session}/live?room={iid}"))
        .replacen("http://", "ws://", 1)
        .into_client_request()
        .unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {employer_token}").parse().unwrap());
    req.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    assert!(tokio_tungstenite::connect_async(req).await.is_err());
}

#[tokio::test]
async fn anonymous_registrations_are_throttled_per_address() {
    let w = world().await;
    let path = format!("/api/v1/sessions/{}/registrations", w.session);
    let mut last = 0;
    for i in 0..61 {
        let (s, _) = anonymous(&w.app, &path, &json!({"full_name": "Người thử", "phone": format!("0905{i:06}")})).await;
        last = s;
        if s == 429 {
            assert_eq!(i, 60, "the 61st in ten minutes is refused, not before");
        }
    }
    assert_eq!(last, 429);
    // Staff registering walk-ins at the door are not throttled.
    let r = w
        .app
        .post_json(
            &format!("/api/v1/sessions/{}/checkins", w.session),
            &w.staff,
            &json!({"walk_in": {"full_name": "Người đến", "phone": "0905999001"}}),
        )
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn time_slots_are_one_person_each_and_the_employer_calls_by_slot() {
    let w = world().await;
    let (ours, _) = with_booths(&w).await;
    let (app, session) = (&w.app, w.session);
    let path = format!("/api/v1/sessions/{session}/registrations");
    let (_, a) =
        anonymous(app, &path, &json!({"full_name": "Ngô Văn Sớm", "phone": "0905600001", "booth_ids": [ours]})).await;
    let (_, b) =
        anonymous(app, &path, &json!({"full_name": "Đặng Thị Muộn", "phone": "0905600002", "booth_ids": [ours]})).await;
    let book = |ticket: String, at: &'static str| {
        let booth = ours.to_string();
        async move {
            let visitor = app.browser();
            visitor
                .post_form(&format!("/sessions/{session}/tickets/{ticket}/slot"), &[("booth_id", &booth), ("at", at)])
                .await
        }
    };
    let (ta, tb) = (a["ticket"].as_str().unwrap().to_owned(), b["ticket"].as_str().unwrap().to_owned());
    let r = book(ta.clone(), "2026-12-15T08:00").await;
    assert_eq!(r.status(), 303);
    assert!(!r.headers()["location"].to_str().unwrap().contains("taken"));
    let r = book(tb.clone(), "2026-12-15T08:00").await;
    assert!(r.headers()["location"].to_str().unwrap().ends_with("?taken=1"), "one person per slot");
    let r = book(tb.clone(), "2026-12-15T08:07").await;
    assert_eq!(r.status(), 422, "not a slot of the session");
    let (_, html) = app.browser().get_text(&format!("/sessions/{session}/tickets/{ta}")).await;
    assert!(html.contains("Giờ hẹn phỏng vấn của bạn: 08:00 15/12/2026"), "{html}");
    let (_, html) = app.browser().get_text(&format!("/sessions/{session}/tickets/{tb}")).await;
    assert!(!html.contains(r#"<option value="2026-12-15T08:00">"#), "a taken slot is not offered: {html}");

    let employer = app.login(EMPLOYER).await;
    let (_, html) = employer.get_text(&format!("/sessions/{session}/booths/{ours}")).await;
    assert!(html.contains("08:00") && html.contains("Ngô Văn Sớm"), "{html}");
    let call = format!("/sessions/{session}/booths/{ours}/call");
    let r = employer.post_form(&call, &[("registration_id", &b["id"].to_string())]).await;
    assert_eq!(r.status(), 422, "no slot booked: not called by slot");
    let r = employer.post_form(&call, &[("registration_id", &a["id"].to_string())]).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().ends_with("/room"));
    let report = app.get_json(&format!("/api/v1/sessions/{session}/report"), &w.staff).await;
    assert_eq!(report["interviews"], 1);
}
