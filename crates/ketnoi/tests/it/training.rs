//! Vocational training through HTTP, on SQLite and PostgreSQL: a school
//! imports its learners (bad rows named, idempotent, graduation raising the
//! registry's qualification), enrols in a class and records outcomes and
//! the tracer; the indicators of a period agree with the SQL formulation;
//! demand against classes; outreach visits; who may see and do what.

use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, SCHOOL, STAFF, VIEWER};

const HEADER: &str =
    "cccd,full_name,birth_date,sex,ward_code,school_code,trade,level,start_date,end_date,status,certificate,funding";

async fn import(app: &TestApp, token: &str, csv: &str) -> (u16, Value) {
    app.upload_json("/api/v1/training/imports", token, "hoc-vien.csv", csv.as_bytes().to_vec()).await
}

async fn indicators(app: &TestApp, token: &str, query: &str) -> Value {
    app.get_json(&format!("/api/v1/indicators/training?{query}"), token).await
}

#[tokio::test]
async fn a_school_imports_its_learners_and_the_figures_follow() {
    let app = TestApp::spawn().await;
    // The schools are public.
    let schools: Value = reqwest::get(app.url("/api/v1/schools")).await.unwrap().json().await.unwrap();
    let codes: Vec<&str> = schools["items"].as_array().unwrap().iter().map(|s| s["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"CDKTCN-NT") && codes.contains(&"GDNN-VN"), "{schools}");

    let school = app.token(SCHOOL).await;
    let csv = format!(
        "{HEADER}\n\
         056301000111,Phạm Thị Hoa,12/05/2001,Nữ,22504,CDKTCN-NT,Điện công nghiệp,Sơ cấp,06/03/2023,30/05/2023,Tốt nghiệp,Có,LĐNT\n\
         ,Trần Văn Bình,15/07/2000,nam,22624,,hàn,sc,13/03/2023,,đang học,,tự túc\n\
         ,Lê Văn C,01/01/1999,nam,22504,CDKTCN-NT,Thiên văn học,đại học,31/02/2023,,,,\n\
         ,Lê Thị D,01/01/1999,nữ,22504,GDNN-VN,Hàn,Sơ cấp,01/03/2023,,,,\n\
         ,Võ Văn E,01/01/1999,nam,22504,CDKTCN-NT,Hàn,Sơ cấp,01/03/2023,,Tốt nghiệp,,\n"
    );
    let (status, report) = import(&app, &school, &csv).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["rows"].as_u64(), report["inserted"].as_u64(), report["rejected"].as_u64()),
        (Some(5), Some(2), Some(3)),
        "{report}"
    );
    let reasons: Vec<(u64, String)> = report["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(reasons[0].0, 4);
    for field in ["Nghề đào tạo", "Trình độ", "Ngày bắt đầu"] {
        assert!(reasons[0].1.contains(field), "names {field}: {}", reasons[0].1);
    }
    assert!(
        reasons[1].1.contains("cơ sở của mình") || reasons[1].1.contains("cơ sở mình"),
        "another school's learner: {}",
        reasons[1].1
    );
    assert!(reasons[2].1.contains("Ngày kết thúc"), "a graduate needs an end date: {}", reasons[2].1);

    // The same file again changes nothing; the updated list updates its row.
    let (_, again) = import(&app, &school, &csv).await;
    assert_eq!((again["inserted"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(2)), "{again}");
    let graduated =
        format!("{HEADER}\n,Trần Văn Bình,15/07/2000,nam,22624,,hàn,sc,13/03/2023,10/06/2023,tốt nghiệp,có,tự túc\n");
    let (_, updated) = import(&app, &school, &graduated).await;
    assert_eq!((updated["updated"].as_u64(), updated["inserted"].as_u64()), (Some(1), Some(0)), "{updated}");

    // Graduation with a certificate raised the registry's qualification.
    let staff = app.token(STAFF).await;
    let (id,): (i64,) = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT id FROM people WHERE cccd = '056301000111'").fetch_one(p).await.expect("the learner was added to the registry"));
    let person = app.get_json(&format!("/api/v1/people/{id}"), &staff).await;
    assert_eq!(person["qualification"], "elementary", "{person}");

    // The figures: enrolled by start date, outcomes by end date.
    let i = indicators(&app, &staff, "from=2023-01-01&to=2023-12-31").await;
    assert_eq!(
        (i["enrolled"].as_i64(), i["graduated"].as_i64(), i["certified"].as_i64(), i["dropped"].as_i64()),
        (Some(2), Some(2), Some(2), Some(0)),
        "{i}"
    );
    assert_eq!(i["by_level"], json!([{"level": "elementary", "count": 2}]));
    assert_eq!(i["by_school"], json!([{"school_code": "CDKTCN-NT", "count": 2}]));
    let may = indicators(&app, &staff, "from=2023-03-01&to=2023-05-31").await;
    assert_eq!((may["enrolled"].as_i64(), may["graduated"].as_i64()), (Some(2), Some(1)), "{may}");
    let commune = indicators(&app, &staff, "from=2023-01-01&to=2023-12-31&ward=22624").await;
    assert_eq!(commune["enrolled"], 1, "the commune is the learner's");
    let empty_fields = indicators(&app, &staff, "from=&to=&ward=&school=").await;
    assert_eq!(empty_fields["enrolled"], 2, "empty fields are no filter");

    // The in-memory figures agree with SQL's GROUP BY.
    let province = platform::Settings::default().province_code;
    let codes = training::service::school_codes(&app.db, &province).await.unwrap();
    for (from, to, ward) in [
        (Some((2023, 1, 1)), Some((2023, 12, 31)), None),
        (Some((2023, 3, 10)), None, Some("22624")),
        (None, None, None),
    ] {
        let day = |d: Option<(i32, u32, u32)>| d.and_then(|(y, m, dd)| chrono::NaiveDate::from_ymd_opt(y, m, dd));
        let f = training::store::Filter {
            from: day(from),
            to: day(to),
            wards: ward.map(|w: &str| vec![w.to_owned()]).unwrap_or_default(),
            school: None,
        };
        let sql = training::store::indicators_sql(&app.db, &province, &f, &codes).await.unwrap();
        let q = format!(
            "from={}&to={}&ward={}",
            f.from.map(|d| d.to_string()).unwrap_or_default(),
            f.to.map(|d| d.to_string()).unwrap_or_default(),
            ward.unwrap_or("")
        );
        let api = indicators(&app, &staff, &q).await;
        assert_eq!(api, serde_json::to_value(&sql).unwrap(), "{q}");
    }

    // Who may count what.
    let officer = app.token(COMMUNE_OFFICER).await;
    assert_eq!(indicators(&app, &officer, "").await["enrolled"], 2, "their communes 22504 and 22624");
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/indicators/training?ward=22333"))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "another commune");
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/indicators/training"))
        .bearer_auth(app.token(EMPLOYER).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/indicators/training?from=31/13/2023"))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let viewer = app.token(VIEWER).await;
    assert_eq!(indicators(&app, &viewer, "").await["enrolled"], 2);
    let (status, _) = import(&app, &viewer, &csv).await;
    assert_eq!(status, 403, "leadership reads figures, enters nothing");
}

#[tokio::test]
async fn a_class_on_a_phone_enrolment_graduation_and_the_tracer() {
    let app = TestApp::spawn().await;
    let school = app.token(SCHOOL).await;
    let class = json!({"trade": "Kỹ thuật chế biến món ăn", "level": "intermediate", "start_date": "05/09/2022",
                       "end_date": "30/06/2024", "ward_code": "22390", "capacity": "35", "funding": "enterprise",
                       "partner": "Khách sạn Biển Xanh"});
    let r = app.post_json("/api/v1/training/classes", &school, &class).await;
    assert_eq!(r.status(), 201);
    let class_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let bad =
        app.post_json("/api/v1/training/classes", &school, &json!({"trade": "", "level": "x", "capacity": "0"})).await;
    assert_eq!(bad.status(), 422);
    let e: Value = bad.json().await.unwrap();
    let fields: Vec<&str> =
        e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["trade", "level", "start_date", "ward_code", "capacity"] {
        assert!(fields.contains(&f), "{f} named: {e}");
    }
    let other = app.post_json("/api/v1/training/classes", &school, &json!({"school_code": "GDNN-VN", "trade": "han", "level": "sc", "start_date": "2023-01-01", "ward_code": "22489", "capacity": "20"})).await;
    assert_eq!(other.status(), 403, "a school opens its own classes only");

    // A learner not in the registry, enrolled in the class.
    let learner = json!({"class_id": class_id.to_string(), "full_name": "Nguyễn Thị Lan", "birth_date": "03/04/2004", "sex": "nữ", "ward_code": "22504"});
    let r = app.post_json("/api/v1/training/enrolments", &school, &learner).await;
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["saved"], "inserted");
    let id = saved["id"].as_i64().unwrap();
    let again: Value = app.post_json("/api/v1/training/enrolments", &school, &learner).await.json().await.unwrap();
    assert_eq!((again["saved"].as_str(), again["id"].as_i64()), (Some("unchanged"), Some(id)), "the same enrolment");

    // The tracer before graduating is refused; graduating with a diploma raises the qualification.
    let early =
        app.post_json(&format!("/api/v1/training/enrolments/{id}"), &school, &json!({"outcome": "employed"})).await;
    assert_eq!(early.status(), 422);
    let grad = json!({"status": "graduated", "end_date": "28/06/2024", "certificate": "yes", "certificate_no": "TC-2024-0815"});
    let r = app.post_json(&format!("/api/v1/training/enrolments/{id}"), &school, &grad).await;
    assert_eq!(r.status(), 200);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (e["status"].as_str(), e["certificate"].as_bool(), e["certificate_no"].as_str()),
        (Some("graduated"), Some(true), Some("TC-2024-0815"))
    );
    let staff = app.token(STAFF).await;
    let person = app.get_json(&format!("/api/v1/people/{}", e["person_id"]), &staff).await;
    assert_eq!(person["qualification"], "intermediate", "{person}");
    let traced =
        json!({"outcome": "employed", "outcome_employer": "Khách sạn Biển Xanh", "outcome_date": "15/12/2024"});
    let e: Value =
        app.post_json(&format!("/api/v1/training/enrolments/{id}"), &school, &traced).await.json().await.unwrap();
    assert_eq!((e["outcome"].as_str(), e["status"].as_str()), (Some("employed"), Some("graduated")), "{e}");
    // Enrolling the same learner again (a second tap, an older list) undoes nothing.
    let again: Value = app.post_json("/api/v1/training/enrolments", &school, &learner).await.json().await.unwrap();
    assert_eq!(again["saved"], "unchanged", "{again}");
    let partial: Value = app
        .post_json(&format!("/api/v1/training/enrolments/{id}"), &school, &json!({"result": "Khá"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            partial["status"].as_str(),
            partial["certificate"].as_bool(),
            partial["outcome"].as_str(),
            partial["result"].as_str()
        ),
        (Some("graduated"), Some(true), Some("employed"), Some("Khá")),
        "a partial update keeps the rest: {partial}"
    );
    let i = indicators(&app, &staff, "from=2024-01-01&to=2024-12-31").await;
    assert_eq!(
        (i["graduated"].as_i64(), i["certified"].as_i64(), i["employed_after"].as_i64(), i["enrolled"].as_i64()),
        (Some(1), Some(1), Some(1), Some(0)),
        "{i}"
    );
    assert_eq!(
        i["outcomes_by_school"],
        json!([{"code": "CDKTCN-NT", "graduated": 1, "traced": 1, "employed_after": 1}])
    );
    assert_eq!(i["outcomes_by_trade"][0]["code"], "ky_thuat_che_bien_mon_an", "employment after training by trade");
    let funding = indicators(&app, &staff, "from=2022-01-01&to=2022-12-31").await;
    assert_eq!(funding["by_funding"], json!([{"code": "enterprise", "count": 1}]), "the class's funding");

    // Reading a learner's record: not leadership; the record is audited.
    let r = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/training/enrolments/{id}")))
        .bearer_auth(app.token(VIEWER).await)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let got = app.get_json(&format!("/api/v1/training/enrolments/{id}"), &staff).await;
    assert_eq!(got["full_name"], "Nguyễn Thị Lan");
    let audit = app.get_json("/api/v1/audit?entity=enrolment", &app.token(testkit::ADMIN).await).await;
    assert!(audit.to_string().contains("read_personal"), "{audit}");
}

#[tokio::test]
async fn demand_for_training_against_classes_and_outreach_visits() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    for (name, trade) in [("Hồ Văn An", "Hàn"), ("Hồ Văn Bảo", "hàn điện"), ("Hồ Thị Cúc", "May công nghiệp")]
    {
        let p = json!({"full_name": name, "birth_date": "01/01/2000", "sex": "nam", "ward_code": "22504",
                       "employment_status": "unemployed", "job_need": "training", "training_trade": trade});
        let r = app.post_json("/api/v1/people", &staff, &p).await;
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }
    let class = json!({"school_code": "GDNN-VN", "trade": "han", "level": "elementary", "start_date": "2026-12-15",
                       "ward_code": "22504", "capacity": "1"});
    assert_eq!(app.post_json("/api/v1/training/classes", &staff, &class).await.status(), 201);
    let d = app.get_json("/api/v1/training/demand", &staff).await;
    let han = d["by_trade"].as_array().unwrap().iter().find(|g| g["trade"] == "han").cloned().unwrap_or_default();
    assert_eq!(
        (han["wanted"].as_i64(), han["places"].as_i64(), han["gap"].as_i64()),
        (Some(2), Some(1), Some(1)),
        "{d}"
    );
    assert_eq!(d["by_ward"][0]["ward_code"], "22504");
    assert_eq!(d["by_ward"][0]["top_trade"], "han");

    let school = app.token(SCHOOL).await;
    let visit = json!({"visited_on": "14/11/2026", "visited_school": "Trường THCS Vạn Thọ", "stage": "lower_secondary", "students": "120", "ward_code": "22504"});
    assert_eq!(app.post_json("/api/v1/training/visits", &school, &visit).await.status(), 201);
    let bad = app
        .post_json(
            "/api/v1/training/visits",
            &school,
            &json!({"visited_on": "hôm qua", "stage": "university", "students": "-1"}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let v = app.get_json("/api/v1/training/visits", &school).await;
    assert_eq!(v["items"][0]["students"], 120);
}
