//! Jobs created and targets through HTTP, on SQLite and PostgreSQL: a job is
//! recorded for a registry person (found by CCCD, or added from the row),
//! once per person and employer within 30 days; the jobs-created indicator
//! counts by start date, month, commune, channel, place and country; targets
//! have their pace on any day.

use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, STAFF, VIEWER};

fn job(cccd: &str, start: &str, tax: &str) -> Value {
    json!({"cccd": cccd, "employer_tax_code": tax, "occupation_isco": "7212", "start_date": start,
           "channel": "session", "place": "province", "contract_type": "fixed_term", "wage": "8.500.000"})
}

async fn person(app: &TestApp, staff: &str, name: &str, cccd: &str, ward: &str) -> i64 {
    let p = json!({"full_name": name, "birth_date": "01/03/1995", "sex": "nam", "ward_code": ward,
                   "employment_status": "unemployed", "cccd": cccd, "job_need": "job"});
    let r = app.post_json("/api/v1/people", staff, &p).await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_job_is_counted_once_per_person_and_employer_within_30_days() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let dao = person(&app, &staff, "Nguyễn Văn Đào", "056095001234", "22504").await;
    let r = app.post_json("/api/v1/placements", &staff, &job("056 095 001 234", "05/03/2023", "4201234566")).await;
    assert_eq!(r.status(), 201);
    let first: Value = r.json().await.unwrap();
    let again = app.post_json("/api/v1/placements", &staff, &job("056095001234", "2023-04-04", "4201234566")).await;
    assert_eq!(again.status(), 200, "29 days later with the same employer: the same job");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let r = app.post_json("/api/v1/placements", &staff, &job("056095001234", "05/04/2023", "4201234566")).await;
    assert_eq!(r.status(), 201, "31 days later: a new job");
    let r = app.post_json("/api/v1/placements", &staff, &job("056095001234", "06/03/2023", "4209876540")).await;
    assert_eq!(r.status(), 201, "another employer: another job");
    let list = app.get_json("/api/v1/placements?from=2023-01-01&to=2023-12-31", &staff).await;
    assert_eq!(list["total"], 3);
    assert!(list["items"].as_array().unwrap().iter().all(|p| p["person_id"] == dao && p["ward_code"] == "22504"));

    // Someone not in the registry yet is added from the row, as employed.
    let new = json!({"cccd": "056196004321", "full_name": "Trần Thị Mới", "birth_date": "02/02/1996", "sex": "nữ",
                     "ward_code": "22624", "employer_kind": "household", "employer_name": "Tiệm may Hoa",
                     "start_date": "10/05/2023", "channel": "self_found", "place": "province"});
    let r = app.post_json("/api/v1/placements", &staff, &new).await;
    let (status, body) = (r.status(), r.text().await.unwrap());
    assert_eq!(status, 201, "{body}");
    let id = serde_json::from_str::<Value>(&body).unwrap()["id"].as_i64().unwrap();
    let p = placements::store::get(&app.db, "56", id).await.unwrap().unwrap();
    let added = app.get_json(&format!("/api/v1/people/{}", p.person_id), &staff).await;
    assert_eq!(
        (added["full_name"].clone(), added["employment_status"].clone()),
        (json!("Trần Thị Mới"), json!("employed"))
    );

    // Bad rows name their fields; nothing is saved.
    let bad = json!({"full_name": "Không CCCD", "start_date": "31/02/2023", "channel": "luck", "place": "abroad"});
    let r = app.post_json("/api/v1/placements", &staff, &bad).await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["birth_date", "start_date", "channel", "country"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let employer = app.token(EMPLOYER).await;
    assert_eq!(
        app.post_json("/api/v1/placements", &employer, &job("056095001234", "05/03/2023", "")).await.status(),
        403
    );
}

#[tokio::test]
async fn jobs_created_count_by_start_date_and_targets_have_their_pace() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    person(&app, &staff, "An", "056095000001", "22504").await;
    person(&app, &staff, "Bình", "056095000002", "22366").await;
    let rows = [
        job("056095000001", "15/01/2023", "4201234566"),
        job("056095000001", "20/03/2023", "4209876540"),
        json!({"cccd": "056095000002", "start_date": "01/03/2023", "channel": "abroad", "place": "abroad",
               "country": "Nhật Bản"}),
        json!({"cccd": "056095000002", "start_date": "10/08/2023", "channel": "abroad", "place": "abroad",
               "country": "KR"}),
        job("056095000002", "31/12/2022", "4201111116"),
    ];
    for r in &rows {
        assert_eq!(app.post_json("/api/v1/placements", &staff, r).await.status(), 201, "{r}");
    }
    let viewer = app.token(VIEWER).await;
    let j = app.get_json("/api/v1/indicators/jobs-created?from=2023-01-01&to=2023-05-31", &viewer).await;
    assert_eq!(j["total"], 3, "{j}");
    assert_eq!(j["by_month"], json!([{"month": "2023-01", "count": 1}, {"month": "2023-03", "count": 2}]));
    assert_eq!(j["by_place"], json!([{"place": "province", "count": 2}, {"place": "abroad", "count": 1}]));
    assert_eq!(j["abroad_by_country"], json!([{"country": "JP", "count": 1}]));
    assert_eq!(j["by_channel"], json!([{"channel": "session", "count": 2}, {"channel": "abroad", "count": 1}]));
    let j = app.get_json("/api/v1/indicators/jobs-created?from=2023-01-01&to=2023-12-31&ward=22366", &staff).await;
    assert_eq!((j["total"].clone(), j["by_ward"].clone()), (json!(2), json!([{"ward_code": "22366", "count": 2}])));

    // The commune officer counts their communes only.
    let officer = app.token(COMMUNE_OFFICER).await;
    let j = app.get_json("/api/v1/indicators/jobs-created?from=2023-01-01&to=2023-12-31", &officer).await;
    assert_eq!(j["total"], 2, "22504's two jobs: {j}");
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/indicators/jobs-created?ward=22366"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // Targets: 11,500 for 2023, 1,000 for 22504; on 31/05/2023 (day 151).
    for t in [
        json!({"indicator": "jobs_created", "year": 2023, "value": 11500}),
        json!({"indicator": "jobs_created", "year": 2023, "ward_code": "22504", "value": 1000}),
    ] {
        let r =
            reqwest::Client::new().put(app.url("/api/v1/targets")).bearer_auth(&staff).json(&t).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let t = app.get_json("/api/v1/targets?year=2023&as_of=2023-05-31", &viewer).await;
    assert_eq!(
        t["items"],
        json!([
            {"indicator": "jobs_created", "ward_code": "", "target": 11500, "actual": 3, "expected_to_date": 4758, "ahead_by": -4755},
            {"indicator": "jobs_created", "ward_code": "22504", "target": 1000, "actual": 2, "expected_to_date": 414, "ahead_by": -412}
        ])
    );
    // The period's report: a printable page and an XLSX with the same figures.
    let leader = app.login(VIEWER).await;
    let (s, html) = leader.get_text("/dashboard/report?year=2023&period=first5").await;
    assert_eq!(s, 200);
    assert!(html.contains("01/01/2023 – 31/05/2023") && html.contains("Nhật Bản"), "{html}");
    let r = leader.get("/dashboard/report?year=2023&period=first5&format=xlsx").await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let line = |label: &str| sheet.rows().find(|r| r[0].to_string() == label).map(|r| r[1].to_string());
    assert_eq!(line("Việc làm tăng thêm").as_deref(), Some("3"));
    assert_eq!(line("Chỉ tiêu năm 2023").as_deref(), Some("11500"));
    assert_eq!(line("Đi làm việc ở nước ngoài: Nhật Bản").as_deref(), Some("1"));
    // The same report in English, page and XLSX.
    let (s, html) = leader.get_text("/dashboard/report?year=2023&period=first5&lang=en").await;
    assert_eq!(s, 200);
    assert!(html.contains("Report on jobs created") && html.contains("Japan") && !html.contains("Nhật Bản"), "{html}");
    let r = leader.get("/dashboard/report?year=2023&period=first5&format=xlsx&lang=en").await;
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert!(
        sheet.rows().any(|r| r[0].to_string() == "Jobs created" && r[1].to_string() == "3"),
        "the English workbook"
    );
    let r = reqwest::Client::new()
        .put(app.url("/api/v1/targets"))
        .bearer_auth(&viewer)
        .json(&json!({"indicator": "jobs_created", "year": 2023, "value": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn the_pages_record_a_job_and_show_the_counts_and_targets() {
    let app = TestApp::spawn().await;
    let staff_token = app.token(STAFF).await;
    person(&app, &staff_token, "Lê Văn Tâm", "056095007777", "22504").await;
    let staff = app.login(STAFF).await;
    let fields = [
        ("cccd", "056095007777"),
        ("full_name", ""),
        ("birth_date", ""),
        ("sex", ""),
        ("ward_code", ""),
        ("employer_kind", ""),
        ("employer_tax_code", "4201234566"),
        ("employer_name", ""),
        ("occupation_isco", ""),
        ("start_date", "01/06/2023"),
        ("channel", "counselling"),
        ("place", "province"),
        ("country", ""),
        ("contract_type", ""),
        ("wage", ""),
    ];
    let r = staff.post_form("/placements", &fields).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Đã ghi nhận việc làm."));
    let r = staff.post_form("/placements", &fields).await;
    assert!(r.text().await.unwrap().contains("không tính thêm"), "the same job again");
    let (s, html) = staff.get_text("/placements?from=2023-01-01&to=&ward=&channel=&place=").await;
    assert_eq!(s, 200);
    assert!(html.contains("Lê Văn Tâm") && html.contains("Tư vấn tại Trung tâm"), "{html}");
    let r = staff.post_form("/targets", &[("year", "2023"), ("ward_code", ""), ("value", "11.500")]).await;
    assert_eq!(r.status(), 303);
    let (_, html) = staff.get_text("/targets?year=2023").await;
    assert!(html.contains("11.500"), "{html}");
    let viewer = app.login(VIEWER).await;
    assert_eq!(viewer.get_text("/targets").await.0, 200);
    assert_eq!(viewer.get_text("/placements").await.0, 403, "names are for staff");
}

#[tokio::test]
async fn hires_through_a_session_or_a_referral_become_jobs_created() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let staff = app.token(STAFF).await;
    let dao = person(&app, &staff, "Nguyễn Văn Đào", "056095001234", "22504").await;
    let published = vacancies::store::changed(&app.db, "56", None).await.unwrap();
    // Vacancies Đào (31, looking for work here) qualifies for.
    let fits = |v: &&vacancies::model::VacancyRecord| {
        v.work_country.is_none() && v.age_min.unwrap_or(0) <= 31 && v.age_max.unwrap_or(99) >= 31
    };
    let first = published.iter().find(fits).expect("a vacancy in the province");
    let second =
        published.iter().filter(fits).find(|v| v.employer_id != first.employer_id).expect("another employer's");

    // A session: Đào registers with his CCCD, is interviewed and hired.
    let s: Value = app
        .post_json(
            "/api/v1/sessions",
            &staff,
            &json!({"title": "Phiên tháng 3", "kind": "in_person", "starts_at": "2023-03-15T08:00",
                    "ends_at": "2023-03-15T11:00", "ward_code": "22504", "venue": "Hội trường"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let sid = s["id"].as_i64().unwrap();
    let booth: Value = app
        .post_json(
            &format!("/api/v1/sessions/{sid}/booths"),
            &staff,
            &json!({"employer_id": first.employer_id, "vacancy_ids": [first.id]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let reg: Value = app
        .post_json(
            &format!("/api/v1/sessions/{sid}/registrations"),
            &staff,
            &json!({"full_name": "Nguyễn Văn Đào", "phone": "0912345678", "cccd": "056095001234"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(reg["person_id"], dao);
    let i: Value = app
        .post_json(
            &format!("/api/v1/sessions/{sid}/interviews"),
            &staff,
            &json!({"registration_id": reg["id"], "booth_id": booth["id"], "mode": "in_person"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let outcome = format!("/api/v1/sessions/{sid}/interviews/{}/outcome", i["id"]);
    assert_eq!(app.post_json(&outcome, &staff, &json!({"outcome": "hired"})).await.status(), 200);
    assert_eq!(
        app.post_json(&outcome, &staff, &json!({"outcome": "hired"})).await.status(),
        200,
        "again: still one job"
    );

    // A referral to another employer's vacancy, hired.
    let r = app.post_json("/api/v1/referrals", &staff, &json!({"person_id": dao, "vacancy_id": second.id})).await;
    assert_eq!(r.status(), 201);
    let referral = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .post_json(&format!("/api/v1/referrals/{referral}/outcome"), &staff, &json!({"outcome": "hired", "date": ""}))
        .await;
    assert_eq!(r.status(), 200);

    let list = app.get_json("/api/v1/placements?from=2000-01-01", &staff).await;
    assert_eq!(list["total"], 2, "{list}");
    let channels: Vec<(&str, i64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["channel"].as_str().unwrap(), p["vacancy_id"].as_i64().unwrap()))
        .collect();
    assert!(channels.contains(&("session", first.id)) && channels.contains(&("referral", second.id)), "{channels:?}");
}

async fn import(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("viec-lam.csv"));
    let r = reqwest::Client::new()
        .post(app.url("/api/v1/placements/imports"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn a_list_of_jobs_imports_once_adding_people_and_naming_bad_rows() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    person(&app, &staff, "Nguyễn Văn Đào", "056095001234", "22504").await;
    // Vietnamese headers, labels as offices write them, numbers typed as numbers.
    let csv = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Mã số thuế nơi làm việc,Tên nơi làm việc,Nghề (mã ISCO),Ngày bắt đầu làm việc,Kênh,Nơi làm việc,Nước,Loại hợp đồng,Tiền lương (đồng/tháng)\n\
056095001234,,,,,4201234566,,7212,05/03/2023,Phiên giao dịch việc làm,Trong tỉnh,,Xác định thời hạn,8 triệu\n\
056196004321,Trần Thị Mới,02/02/1996,Nữ,22624,,Tiệm may Hoa,,2023-04-10,Tự tìm việc,Trong tỉnh,,,\n\
,Lê Văn Xa,03/03/1990,Nam,22366,,,,15/05/2023,XKLĐ,Nước ngoài,Nhật Bản,,\n\
056095001234,,,,,4201234566,,7212,20/03/2023,Phiên giao dịch việc làm,Trong tỉnh,,,\n\
,Thiếu Ngày,,Nam,22504,,,,xx,may mắn,Trong tỉnh,,,\n";
    let (s, report) = import(&app, &staff, csv).await;
    assert_eq!(s, 200, "{report}");
    assert_eq!(
        (report["rows"].clone(), report["inserted"].clone(), report["unchanged"].clone(), report["rejected"].clone()),
        (json!(5), json!(3), json!(1), json!(1)),
        "the 4th row is the 1st job again (15 days later); the 5th is refused: {report}"
    );
    let reason = report["rejected_rows"][0]["reason"].as_str().unwrap();
    assert!(
        report["rejected_rows"][0]["line"] == 6 && reason.contains("Ngày sinh") && reason.contains("Kênh"),
        "{reason}"
    );
    let (_, again) = import(&app, &staff, csv).await;
    assert_eq!(
        (again["inserted"].clone(), again["unchanged"].clone()),
        (json!(0), json!(4)),
        "the same file again: {again}"
    );
    let j = app.get_json("/api/v1/indicators/jobs-created?from=2023-01-01&to=2023-12-31", &staff).await;
    assert_eq!(
        (j["total"].clone(), j["abroad_by_country"].clone()),
        (json!(3), json!([{"country": "JP", "count": 1}]))
    );
    let abroad = app.get_json("/api/v1/placements?ward=22366", &staff).await;
    assert_eq!(abroad["total"], 1, "{abroad}");
    let added = app.get_json(&format!("/api/v1/people/{}", abroad["items"][0]["person_id"]), &staff).await;
    assert_eq!(added["full_name"], "Lê Văn Xa", "added to the registry from the row, once: {added}");

    // A commune officer imports rows of their communes only.
    let officer = app.token(COMMUNE_OFFICER).await;
    let (_, r) = import(&app, &officer, "cccd,full_name,birth_date,sex,ward_code,start_date,channel,place\n,Ở Xa,01/01/1990,nam,22366,01/06/2023,self_found,province\n").await;
    assert_eq!(r["rejected"], 1, "{r}");
    let employer = app.token(EMPLOYER).await;
    assert_eq!(import(&app, &employer, "cccd\n").await.0, 403);
}

#[tokio::test]
async fn a_worker_abroad_moves_through_the_stages_and_departure_is_a_job() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    person(&app, &staff, "Phạm Văn Hàn", "056095003333", "22504").await;
    let r = app
        .post_json(
            "/api/v1/abroad",
            &staff,
            &json!({"cccd": "056095003333", "country": "Hàn Quốc", "programme": "eps_korea", "registered_on": "10/01/2023"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let ev = |event: &str, date: &str, end: &str| json!({"event": event, "date": date, "contract_end": end});
    let path = format!("/api/v1/abroad/{id}/events");
    for (e, d, end) in
        [("training", "01/02/2023", ""), ("test_passed", "15/03/2023", ""), ("departed", "20/05/2023", "19/05/2026")]
    {
        let r = app.post_json(&path, &staff, &ev(e, d, end)).await;
        assert_eq!(r.status(), 200, "{e}");
    }
    let r = app.post_json(&path, &staff, &ev("overstay", "01/01/2024", "")).await;
    assert_eq!(r.status(), 422, "the contract still runs");
    let c: Value = app.post_json(&path, &staff, &ev("departed", "21/05/2023", "")).await.json().await.unwrap();
    assert_eq!(c["error"]["fields"][0]["field"], "event", "departed once: {c}");

    let viewer = app.token(VIEWER).await;
    let s = app.get_json("/api/v1/abroad/summary?from=2023-01-01&to=2023-12-31", &viewer).await;
    assert_eq!((s["registered"].clone(), s["departed"].clone()), (json!(1), json!(1)), "{s}");
    assert_eq!(s["by_stage"], json!([{"key": "departed", "count": 1}]));
    assert_eq!(s["departed_by_country"], json!([{"key": "KR", "count": 1}]));
    assert_eq!(s["departed_by_programme"], json!([{"key": "eps_korea", "count": 1}]));
    // The departure is a job created abroad, in May 2023.
    let j = app.get_json("/api/v1/indicators/jobs-created?from=2023-05-01&to=2023-05-31", &viewer).await;
    assert_eq!(
        (j["total"].clone(), j["abroad_by_country"].clone()),
        (json!(1), json!([{"country": "KR", "count": 1}]))
    );

    let r = app
        .post_json("/api/v1/abroad", &staff, &json!({"cccd": "056095003333", "country": "Atlantis", "programme": "x"}))
        .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["country", "programme", "registered_on"]);
    // The page lists the contract with its stage.
    let b = app.login(STAFF).await;
    let (s, html) = b.get_text("/abroad?from=2023-01-01&to=2023-12-31").await;
    assert_eq!(s, 200);
    assert!(html.contains("Phạm Văn Hàn") && html.contains("Đang làm việc ở nước ngoài"), "{html}");
}

#[tokio::test]
async fn the_in_memory_counts_are_the_sql_group_by_exactly() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 400, 3).await.unwrap();
    ketnoi::demo::seed_demand(&app.db, "56", 5, 0, 3).await.unwrap();
    ketnoi::demo::seed_placements(&app.db, "56", 3).await.unwrap();
    let cube = placements::cube::Cube::default();
    cube.sync(&app.db, "56").await.unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let filters = [
        placements::store::Filter::default(),
        placements::store::Filter { from: d("2022-01-01"), to: d("2022-12-31"), ..Default::default() },
        placements::store::Filter { from: d("2023-03-15"), to: d("2023-04-02"), ..Default::default() },
        placements::store::Filter { ward: Some("22504".into()), ..Default::default() },
        placements::store::Filter {
            wards: vec!["22504".into(), "22624".into()],
            place: Some("abroad".into()),
            ..Default::default()
        },
        placements::store::Filter { channel: Some("session".into()), from: d("2023-01-01"), ..Default::default() },
        placements::store::Filter { from: d("2024-01-01"), to: d("2023-01-01"), ..Default::default() },
    ];
    for f in &filters {
        let sql = placements::service::fold(&placements::store::counts(&app.db, "56", f).await.unwrap());
        assert_eq!(cube.jobs_created(f), sql, "{f:?}");
    }
    // A placement added later is counted after the next sync.
    let staff = app.token(STAFF).await;
    let r = app
        .post_json(
            "/api/v1/placements",
            &staff,
            &json!({"full_name": "Mới Thêm", "birth_date": "01/01/1990", "sex": "nam",
        "ward_code": "22504", "start_date": "01/06/2023", "channel": "self_found", "place": "province"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    cube.sync(&app.db, "56").await.unwrap();
    let june = placements::store::Filter { from: d("2023-06-01"), to: d("2023-06-30"), ..Default::default() };
    assert_eq!(cube.jobs_created(&june).total, 1);
}
