//! Emulation and commendation through HTTP, on SQLite and PostgreSQL: an
//! initiative submitted, scored by a council, given files (only documents
//! and images, served as downloads) and recognised; the report counts it in
//! its decision's year; awards with each recipient's history and the hint
//! of a higher title; movements and commitments; who may see and do what.

use serde_json::{json, Value};
use testkit::{TestApp, COMMUNE_OFFICER, EMPLOYER, SCHOOL, STAFF, VIEWER};

async fn report(app: &TestApp, token: &str, from: i32, to: i32) -> Value {
    app.get_json(&format!("/api/v1/emulation/report?from_year={from}&to_year={to}"), token).await
}

fn count(list: &Value, key: &str, value: &str) -> i64 {
    list.as_array().unwrap().iter().find(|x| x[key] == value).map_or(0, |x| x["count"].as_i64().unwrap())
}

#[tokio::test]
async fn an_initiative_is_scored_recognised_and_counted_in_its_decision_year() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let before = report(&app, &staff, 2021, 2023).await;
    assert_eq!(before["initiatives_recognised"], 0, "{before}");

    let r = app
        .post_json(
            "/api/v1/emulation/initiatives",
            &staff,
            &json!({"title": "Đào tạo nghề lưu động tại xã Đại Lãnh", "field": "vocational_training",
                "unit": "Trường Trung cấp Nghề Vạn Ninh", "authors": ["Nguyễn Văn Đào", "Lê Thị Hoa"],
                "year": 2022, "description": "Lớp nghề cơ khí mở tại xã."}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Bad input: every field named, nothing saved.
    let bad = app
        .post_json("/api/v1/emulation/initiatives", &staff, &json!({"title": "", "field": "sport", "year": 2040}))
        .await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    for f in ["title", "field", "unit", "authors", "year", "description"] {
        assert!(fields.contains(&f), "{f} named: {body}");
    }

    // The council scores; the same member again replaces their score.
    for (member, score) in [("Ông Huỳnh Văn Lộc", 80), ("Bà Ngô Thị Bích", 90), ("ông huynh van loc", 70)] {
        let r = app
            .post_json(
                &format!("/api/v1/emulation/initiatives/{id}/scores"),
                &staff,
                &json!({"member": member, "score": score}),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let out_of_range = app
        .post_json(&format!("/api/v1/emulation/initiatives/{id}/scores"), &staff, &json!({"member": "X", "score": 101}))
        .await;
    assert_eq!(out_of_range.status(), 422);
    let d = app.get_json(&format!("/api/v1/emulation/initiatives/{id}"), &staff).await;
    assert_eq!((d["score_count"].as_i64(), d["mean_score"].as_f64()), (Some(2), Some(80.0)), "{d}");

    // Files: a PDF is kept and served as a download; a page of HTML is refused.
    let (status, file) = app
        .upload_json(
            &format!("/api/v1/emulation/initiatives/{id}/files"),
            &staff,
            "Thuyết minh đề tài.pdf",
            b"%PDF-1.4 demo".to_vec(),
        )
        .await;
    assert_eq!(status, 201, "{file}");
    let (status, refused) = app
        .upload_json(
            &format!("/api/v1/emulation/initiatives/{id}/files"),
            &staff,
            "trang.pdf",
            b"<html><script>alert(1)</script>".to_vec(),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["code"], "em.err.file_type");
    let got = reqwest::Client::new()
        .get(app.url(&format!("/api/v1/emulation/files/{}", file["id"])))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    let disposition = got.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''Thuy%E1%BA%BFt"),
        "{disposition}"
    );
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert!(got.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(got.bytes().await.unwrap().as_ref(), b"%PDF-1.4 demo");

    // Recognising needs its number, date and scope.
    let incomplete = app
        .post_json(&format!("/api/v1/emulation/initiatives/{id}/decision"), &staff, &json!({"recognised": true}))
        .await;
    assert_eq!(incomplete.status(), 422);
    let r = app
        .post_json(
            &format!("/api/v1/emulation/initiatives/{id}/decision"),
            &staff,
            &json!({"recognised": true, "decision_no": "125/QĐ-SLĐTBXH", "decision_date": "2023-01-10", "scope": "department"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.unwrap();
    assert_eq!((d["status"].as_str(), d["scope"].as_str()), (Some("recognised"), Some("department")), "{d}");
    // A decision stands: a second one is refused, the first kept.
    let again = app
        .post_json(&format!("/api/v1/emulation/initiatives/{id}/decision"), &staff, &json!({"recognised": false}))
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(app.get_json(&format!("/api/v1/emulation/initiatives/{id}"), &staff).await["status"], "recognised");
    // A decided initiative takes no more scores.
    let late = app
        .post_json(&format!("/api/v1/emulation/initiatives/{id}/scores"), &staff, &json!({"member": "Z", "score": 50}))
        .await;
    assert_eq!(late.status(), 422);

    // Counted in 2023 (the decision), not 2022 (the submission).
    let in_2022 = report(&app, &staff, 2022, 2022).await;
    assert_eq!(in_2022["initiatives_recognised"], 0, "{in_2022}");
    let r = report(&app, &staff, 2021, 2023).await;
    assert_eq!(r["initiatives_recognised"], 1, "{r}");
    assert_eq!(count(&r["by_field"], "field", "vocational_training"), 1, "{r}");

    // One not recognised does not count.
    let other = app
        .post_json("/api/v1/emulation/initiatives", &staff, &json!({"title": "Sổ tay", "field": "other", "unit": "Văn phòng Sở", "authors": "Trần An", "year": "2023", "description": "…"}))
        .await;
    let other_id = other.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let refused = app
        .post_json(&format!("/api/v1/emulation/initiatives/{other_id}/decision"), &staff, &json!({"recognised": false}))
        .await;
    assert_eq!(refused.status(), 200);
    assert_eq!(report(&app, &staff, 2021, 2023).await["initiatives_recognised"], 1);

    // Search ignores diacritics.
    let found = app.get_json("/api/v1/emulation/initiatives?q=dao+tao+nghe+luu+dong", &staff).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
    let by_author = app.get_json("/api/v1/emulation/initiatives?q=nguyen%20van%20dao", &staff).await;
    assert_eq!(by_author["items"][0]["id"], id, "{by_author}");
    let part_of_a_word = app.get_json("/api/v1/emulation/initiatives?q=ao", &staff).await;
    assert_eq!(
        part_of_a_word["items"].as_array().unwrap().len(),
        0,
        "words begin where the user's do: {part_of_a_word}"
    );
    let empty_filters = app.get_json("/api/v1/emulation/initiatives?q=&field=&year=&status=", &staff).await;
    assert_eq!(empty_filters["items"].as_array().unwrap().len(), 2, "empty fields filter nothing");
}

#[tokio::test]
async fn awards_have_a_history_with_hints_and_count_in_the_report() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let post = |body: Value| {
        let (app, staff) = (&app, &staff);
        async move { app.post_json("/api/v1/emulation/awards", staff, &body).await }
    };
    let r = post(json!({"kind": "bang_khen", "level": "prime_minister", "recipient_kind": "unit",
        "recipient": "Sở Lao động - Thương binh và Xã hội", "decision_no": "1452/QĐ-TTg", "decision_date": "2022-11-25"}))
    .await;
    assert_eq!(r.status(), 201);
    // The same award again is the one kept.
    let again = post(json!({"kind": "bang_khen", "level": "prime_minister", "recipient_kind": "unit",
        "recipient": "Sở Lao động – Thương binh và Xã hội", "decision_no": "1452/QĐ-TTg", "decision_date": "2022-11-25"}))
    .await;
    assert_eq!(again.status(), 200);
    // A person's title given to a unit, an unknown level: refused by field.
    let wrong = post(
        json!({"kind": "chien_si_thi_dua", "level": "grassroots", "recipient_kind": "unit", "recipient": "Phòng A",
        "decision_no": "1", "decision_date": "2023-01-01"}),
    )
    .await;
    assert_eq!(wrong.status(), 422);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "recipient_kind", "{body}");
    let unknown = post(json!({"kind": "bang_khen", "level": "galaxy", "recipient_kind": "unit", "recipient": "A", "decision_no": "1", "decision_date": "2023-01-01"})).await;
    assert_eq!(unknown.status(), 422);

    for year in 2022..=2024 {
        let r = post(json!({"kind": "chien_si_thi_dua", "level": "grassroots", "recipient_kind": "person",
            "recipient": if year == 2023 { "Trần Quốc Bảo" } else { "TRẦN QUỐC BẢO" }, "unit": "Văn phòng Sở",
            "decision_no": format!("{}/QĐ-SLĐTBXH", 200 + year), "decision_date": format!("{year}-12-20")}))
        .await;
        assert_eq!(r.status(), 201);
    }
    // A year's title decided early the next year counts for the year it is for.
    let r = post(
        json!({"kind": "lao_dong_tien_tien", "level": "unit", "recipient_kind": "person", "recipient": "Trần Quốc Bảo",
        "unit": "Văn phòng Sở", "decision_no": "5/QĐ-SLĐTBXH", "decision_date": "2024-01-10", "year": 2023}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let far = post(json!({"kind": "lao_dong_tien_tien", "level": "unit", "recipient_kind": "person", "recipient": "A",
        "decision_no": "6/QĐ", "decision_date": "2024-01-10", "year": 2020}))
    .await;
    assert_eq!(far.status(), 422);
    let h = app.get_json("/api/v1/emulation/recipients?name=tran%20quoc%20bao", &staff).await;
    let advanced: Vec<i64> = h["awards"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "lao_dong_tien_tien")
        .map(|a| a["year"].as_i64().unwrap())
        .collect();
    assert_eq!(advanced, vec![2023], "{h}");
    assert_eq!(
        h["awards"].as_array().unwrap().iter().filter(|a| a["kind"] == "chien_si_thi_dua").count(),
        3,
        "one history however typed: {h}"
    );
    let hints: Vec<String> = h["hints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| format!("{}/{}", x["kind"].as_str().unwrap(), x["level"].as_str().unwrap()))
        .collect();
    assert!(hints.contains(&"chien_si_thi_dua/province".to_owned()), "{h}");
    assert_eq!(h["hints"][0]["years"].as_array().unwrap().len() >= 2, true);

    let r = report(&app, &staff, 2022, 2023).await;
    let awards = r["awards"].as_array().unwrap();
    let n = |k: &str, l: &str| {
        awards.iter().find(|a| a["kind"] == k && a["level"] == l).map_or(0, |a| a["count"].as_i64().unwrap())
    };
    assert_eq!((n("bang_khen", "prime_minister"), n("chien_si_thi_dua", "grassroots")), (1, 2), "{r}");

    // The leadership reads; the department's staff write; others see nothing.
    let viewer = app.token(VIEWER).await;
    assert_eq!(report(&app, &viewer, 2022, 2023).await["awards"], r["awards"]);
    let names =
        reqwest::Client::new().get(app.url("/api/v1/emulation/awards")).bearer_auth(&viewer).send().await.unwrap();
    assert_eq!(names.status(), 403, "the leadership reads counts, not people's records");
    let by_viewer = app.post_json("/api/v1/emulation/awards", &viewer, &json!({})).await;
    assert_eq!(by_viewer.status(), 403);
    for who in [COMMUNE_OFFICER, EMPLOYER, SCHOOL] {
        let token = app.token(who).await;
        let r =
            reqwest::Client::new().get(app.url("/api/v1/emulation/report")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), 403, "{who}");
    }
    // Reading people's awards is in the audit log.
    let (reads,): (i64,) = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'award' AND action = 'read_personal'").fetch_one(p).await.unwrap());
    assert!(reads >= 1);
    let before = reads;
    app.get_json("/api/v1/emulation/awards", &staff).await;
    let (after,): (i64,) = platform::with_db!(&app.db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'award' AND action = 'read_personal'").fetch_one(p).await.unwrap());
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn a_movement_takes_commitments_from_its_units_and_reviews_them() {
    let app = TestApp::spawn().await;
    let staff = app.token(STAFF).await;
    let r = app
        .post_json(
            "/api/v1/emulation/movements",
            &staff,
            &json!({"title": "Thi đua năm 2026", "starts_on": "2026-01-01", "ends_on": "2099-12-31",
                "criteria": "Hoàn thành chỉ tiêu", "units": ["Trung tâm Dịch vụ việc làm", "Văn phòng Sở"]}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let bad = app
        .post_json(
            "/api/v1/emulation/movements",
            &staff,
            &json!({"title": "X", "starts_on": "2026-05-01", "ends_on": "2026-01-01", "criteria": "c", "units": "A"}),
        )
        .await;
    assert_eq!(bad.status(), 422);

    let unit = app.post_json(&format!("/api/v1/emulation/movements/{id}/commitments"), &staff,
        &json!({"registrant_kind": "unit", "registrant": "trung tam dich vu viec lam", "commitment": "Giới thiệu việc làm cho 5.000 người"})).await;
    assert_eq!(unit.status(), 201);
    let cid = unit.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let outsider = app
        .post_json(
            &format!("/api/v1/emulation/movements/{id}/commitments"),
            &staff,
            &json!({"registrant_kind": "person", "registrant": "Lê Văn A", "unit": "Công ty B", "commitment": "…"}),
        )
        .await;
    assert_eq!(outsider.status(), 422);

    let twice = app
        .post_json(
            &format!("/api/v1/emulation/movements/{id}/commitments"),
            &staff,
            &json!({"registrant_kind": "unit", "registrant": "Trung tâm Dịch vụ việc làm", "commitment": "Lần nữa"}),
        )
        .await;
    assert_eq!(twice.status(), 422, "one commitment per unit");
    let mid = app
        .post_json(
            &format!("/api/v1/emulation/commitments/{cid}/review"),
            &staff,
            &json!({"stage": "mid", "assessment": "Đạt 60%"}),
        )
        .await;
    assert_eq!(mid.status(), 200);
    let no_verdict = app
        .post_json(
            &format!("/api/v1/emulation/commitments/{cid}/review"),
            &staff,
            &json!({"stage": "final", "assessment": "Xong"}),
        )
        .await;
    assert_eq!(no_verdict.status(), 422);
    let done = app
        .post_json(
            &format!("/api/v1/emulation/commitments/{cid}/review"),
            &staff,
            &json!({"stage": "final", "assessment": "Vượt chỉ tiêu", "achieved": true}),
        )
        .await;
    let c: Value = done.json().await.unwrap();
    assert_eq!(
        (c["mid_review"].as_str(), c["achieved"].as_bool(), c["unit"].as_str()),
        (Some("Đạt 60%"), Some(true), Some("Trung tâm Dịch vụ việc làm")),
        "{c}"
    );
    let late = app
        .post_json(
            &format!("/api/v1/emulation/commitments/{cid}/review"),
            &staff,
            &json!({"stage": "mid", "assessment": "Muộn"}),
        )
        .await;
    assert_eq!(late.status(), 422, "no mid-term review after the final one");
    let m = app.get_json(&format!("/api/v1/emulation/movements/{id}"), &staff).await;
    assert_eq!((m["commitment_count"].as_i64(), m["commitments"].as_array().map(Vec::len)), (Some(1), Some(1)), "{m}");
}

#[tokio::test]
async fn the_pages_work_with_every_field_the_forms_send() {
    let app = TestApp::spawn().await;
    let b = app.login(STAFF).await;
    // The new initiative form, as a person fills it (authors one a line).
    let r = b
        .post_form(
            "/emulation/initiatives",
            &[
                ("title", "Sổ tay điện tử cho cán bộ xã"),
                ("field", "administration"),
                ("unit", "Văn phòng Sở"),
                ("authors", "Phạm Văn Thành\nVõ Thị Thu Hà"),
                ("year", "2024"),
                ("description", "Tra cứu thủ tục trên điện thoại."),
                ("expected_effect", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = b.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sổ tay điện tử cho cán bộ xã") && html.contains("Võ Thị Thu Hà"));
    // A form with a mistake comes back with the field's message, what was typed kept.
    let r = b
        .post_form(
            "/emulation/initiatives",
            &[
                ("title", "Một đề tài"),
                ("field", "administration"),
                ("unit", ""),
                ("authors", ""),
                ("year", "20x4"),
                ("description", "x"),
                ("expected_effect", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Một đề tài") && html.contains("Không được để trống") && html.contains("Số không hợp lệ"),
        "{html}"
    );
    // Scores, a file and the decision from the page.
    let id = page.rsplit('/').next().unwrap();
    assert_eq!(
        b.post_form(&format!("/emulation/initiatives/{id}/scores"), &[("member", "Lý Quang Vinh"), ("score", "88")])
            .await
            .status(),
        303
    );
    assert_eq!(
        b.upload(&format!("/emulation/initiatives/{id}/files"), "anh.png", b"\x89PNG\r\n\x1a\nxxxx".to_vec())
            .await
            .status(),
        303
    );
    let refused = b.upload(&format!("/emulation/initiatives/{id}/files"), "virus.exe", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Chỉ nhận tệp PDF, DOCX, PNG hoặc JPG"));
    let r = b
        .post_form(
            &format!("/emulation/initiatives/{id}/decision"),
            &[
                ("recognised", "true"),
                ("decision_no", "12/QĐ-SLĐTBXH"),
                ("decision_date", "2024-12-20"),
                ("scope", "unit"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.get_text(&format!("/emulation/initiatives/{id}")).await;
    assert!(
        html.contains("12/QĐ-SLĐTBXH")
            && html.contains("20/12/2024")
            && html.contains("anh.png")
            && html.contains("88")
    );

    // Awards from the page: kind and level as one choice; then the history.
    let r = b
        .post_form(
            "/emulation/awards",
            &[
                ("award_type", "lao_dong_tien_tien/unit"),
                ("recipient_kind", "person"),
                ("recipient", "Phạm Văn Thành"),
                ("unit", "Văn phòng Sở"),
                ("decision_no", "5/QĐ"),
                ("decision_date", "2024-12-25"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = b.get_text(r.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("Lao động tiên tiến") && html.contains("5/QĐ"), "{html}");
    let r = b
        .post_form(
            "/emulation/awards",
            &[
                ("award_type", "tap_the_lao_dong_xuat_sac/unit"),
                ("recipient_kind", "person"),
                ("recipient", "A"),
                ("unit", ""),
                ("decision_no", "6/QĐ"),
                ("decision_date", "2024-12-25"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);

    // The report's page and its workbook; the lists with every filter empty.
    for path in [
        "/emulation",
        "/emulation?from_year=&to_year=",
        "/emulation/initiatives?q=&field=&year=&status=",
        "/emulation/awards?q=&kind=&year=",
        "/emulation/recipients?name=",
        "/emulation/movements",
        "/emulation/initiatives/new",
    ] {
        let (status, _) = b.get_text(path).await;
        assert_eq!(status, 200, "{path}");
    }
    let (_, html) = b.get_text("/emulation?from_year=2024&to_year=2024").await;
    assert!(html.contains("data-testid=\"recognised\""), "{html}");
    let x = b.get("/emulation?from_year=2024&to_year=2024&format=xlsx").await;
    assert_eq!(x.status(), 200);
    assert!(x.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    // The leadership's page in English.
    let en = app.login(VIEWER).await;
    // (The leadership's home answers with a redirect: the token is taken from this page.)
    let token = testkit::csrf_of(&en.get_text("/emulation").await.1).unwrap();
    let switched = en
        .client
        .post(en.url("/lang"))
        .form(&[("_csrf", token.as_str()), ("lang", "en"), ("next", "/emulation")])
        .send()
        .await
        .unwrap();
    assert_eq!(switched.status(), 303);
    let (status, html) = en.get_text("/emulation?from_year=2024&to_year=2024").await;
    assert_eq!(status, 200);
    assert!(html.contains("Initiatives recognised") && html.contains("Administration"), "{html}");
    assert!(!html.contains("/emulation/initiatives"), "no links to records naming people");
    // The records name people: the leadership reads the counts only.
    for path in ["/emulation/awards", "/emulation/initiatives", "/emulation/movements", "/emulation/recipients?name=A"]
    {
        assert_eq!(en.get_text(path).await.0, 403, "{path}");
    }
}

#[tokio::test]
async fn the_demo_reproduces_the_twenty_and_twenty() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_emulation(&app.db, "56").await.unwrap();
    let viewer = app.token(VIEWER).await;
    let r = report(&app, &viewer, 2021, 2023).await;
    assert_eq!(count(&r["by_field"], "field", "vocational_training"), 20, "{r}");
    assert_eq!(count(&r["by_field"], "field", "social_care"), 20, "{r}");
    let awards = r["awards"].as_array().unwrap();
    for level in ["prime_minister", "ministry", "province"] {
        assert!(awards.iter().any(|a| a["kind"] == "bang_khen" && a["level"] == level), "{level}: {r}");
    }
    // A second seeding adds nothing.
    assert_eq!(ketnoi::demo::seed_emulation(&app.db, "56").await.unwrap(), 0);
}
