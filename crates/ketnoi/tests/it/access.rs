//! Who may call what: every operation of the OpenAPI document, tried
//! anonymously and with each role's token, against one table of expected
//! answers kept in the repo (`tests/it/access.tsv`). An operation without a row fails
//! the test, so a new endpoint cannot arrive without its access decided.
//!
//! Bodies are empty JSON objects: an allowed caller gets past the access
//! check and is stopped by validation (422/400), a refused one gets 403, and
//! nothing is changed. After an intended change of access, rewrite the table
//! with `KETNOI_ACCESS_WRITE=1 cargo test -p ketnoi --test it access::` and review
//! the diff.

use serde_json::Value;
use std::collections::BTreeMap;
use testkit::{TestApp, ADMIN, COMMUNE_OFFICER, EMPLOYER, JOB_SEEKER, STAFF, VIEWER};

const TABLE: &str = "tests/it/access.tsv";
const SCHOOL: &str = "truongnghe@demo.ketnoi.vn";
/// The callers, in the table's column order.
const CALLERS: [(&str, Option<&str>); 8] = [
    ("anonymous", None),
    ("admin", Some(ADMIN)),
    ("staff", Some(STAFF)),
    ("commune_officer", Some(COMMUNE_OFFICER)),
    ("employer", Some(EMPLOYER)),
    ("job_seeker", Some(JOB_SEEKER)),
    ("school", Some(SCHOOL)),
    ("viewer", Some(VIEWER)),
];

#[tokio::test]
async fn every_operation_answers_each_role_as_the_table_says() {
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let api = reqwest::Client::new();
    let staff = app.token(STAFF).await;
    let seeker = app.token(JOB_SEEKER).await;

    // Real records for the path parameters: a person in the commune officer's
    // commune, one of the demo employer's vacancies, the job seeker's application to it.
    let person = serde_json::json!({"full_name": "Lê Thị Hoa", "birth_date": "02/02/1990", "sex": "nữ",
        "ward_code": "22504", "employment_status": "unemployed", "job_need": "việc làm"});
    let person: Value = app.post_json("/api/v1/people", &staff, &person).await.json().await.unwrap();
    let person_id = person["id"].as_i64().expect("a person");
    let (employer, _) = platform::auth::store::find_for_login(&app.db, EMPLOYER).await.unwrap().unwrap();
    let employer_id = employer.employer_id.unwrap();
    let published = vacancies::store::changed(&app.db, "56", None).await.unwrap();
    let vacancy_id = published.iter().find(|v| v.employer_id == employer_id).expect("a demo employer's vacancy").id;
    let applicant = serde_json::json!({"full_name": "Nguyễn Văn Đào", "phone": "0912345678"});
    let application: Value = app
        .post_json(&format!("/api/v1/vacancies/{vacancy_id}/applications"), &seeker, &applicant)
        .await
        .json()
        .await
        .unwrap();
    let application_id = application["id"].as_i64().expect("an application");
    // A session at the commune officer's commune, with the demo employer's booth
    // and an interview there (`{iid}`).
    let session = serde_json::json!({"title": "Phiên thử", "kind": "hybrid", "starts_at": "2026-12-15T08:00",
        "ends_at": "2026-12-15T11:00", "ward_code": "22504", "venue": "Nhà văn hóa"});
    let session: Value = app.post_json("/api/v1/sessions", &staff, &session).await.json().await.unwrap();
    let session_id = session["id"].as_i64().expect("a session");
    let booth = serde_json::json!({"employer_id": employer_id, "vacancy_ids": [vacancy_id]});
    let booth: Value =
        app.post_json(&format!("/api/v1/sessions/{session_id}/booths"), &staff, &booth).await.json().await.unwrap();
    let registration = serde_json::json!({"full_name": "Trần Văn Bảy", "phone": "0905777888"});
    let registration: Value = app
        .post_json(&format!("/api/v1/sessions/{session_id}/registrations"), &staff, &registration)
        .await
        .json()
        .await
        .unwrap();
    let interview =
        serde_json::json!({"registration_id": registration["id"], "booth_id": booth["id"], "mode": "in_person"});
    let interview: Value = app
        .post_json(&format!("/api/v1/sessions/{session_id}/interviews"), &staff, &interview)
        .await
        .json()
        .await
        .unwrap();
    let interview_id = interview["id"].as_i64().expect("an interview");

    let mut tokens = BTreeMap::new();
    for (name, login) in CALLERS {
        if let Some(login) = login {
            tokens.insert(name, app.token(login).await);
        }
    }

    // Ask every operation as every caller.
    let spec = serde_json::to_value(ketnoi::openapi()).unwrap();
    let mut seen: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .replace("{code}", "56")
                .replace("{name}", "qualification-levels")
                .replace("{iid}", &interview_id.to_string())
                .replace(
                    "{id}",
                    &(if path.starts_with("/api/v1/people/imports") {
                        "999999".to_owned()
                    } else if path.starts_with("/api/v1/people") {
                        person_id.to_string()
                    } else if path.starts_with("/api/v1/employers") {
                        employer_id.to_string()
                    } else if path.starts_with("/api/v1/applications") {
                        application_id.to_string()
                    } else if path.starts_with("/api/v1/sessions") {
                        session_id.to_string()
                    } else {
                        vacancy_id.to_string()
                    }),
                );
            let mut statuses = Vec::new();
            for (name, _) in CALLERS {
                let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let mut req = api.request(m.clone(), app.url(&concrete));
                if let Some(t) = tokens.get(name) {
                    req = req.bearer_auth(t);
                }
                if m != reqwest::Method::GET {
                    req = req.json(&serde_json::json!({}));
                }
                statuses.push(req.send().await.unwrap().status().as_u16());
            }
            seen.insert(format!("{} {path}", method.to_uppercase()), statuses);
        }
    }

    let header = std::iter::once("operation").chain(CALLERS.iter().map(|(n, _)| *n)).collect::<Vec<_>>().join("\t");
    let written = std::iter::once(header.clone())
        .chain(seen.iter().map(|(op, s)| {
            std::iter::once(op.clone()).chain(s.iter().map(u16::to_string)).collect::<Vec<_>>().join("\t")
        }))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    if std::env::var_os("KETNOI_ACCESS_WRITE").is_some() {
        std::fs::write(TABLE, &written).unwrap();
        return;
    }
    let table = std::fs::read_to_string(TABLE).expect("tests/it/access.tsv");
    let mut lines = table.lines();
    assert_eq!(lines.next(), Some(header.as_str()), "the table's columns");
    let expected: BTreeMap<&str, Vec<u16>> = lines
        .map(|l| {
            let mut cols = l.split('\t');
            (cols.next().unwrap(), cols.map(|c| c.parse().unwrap()).collect())
        })
        .collect();
    let mut problems = Vec::new();
    for (op, got) in &seen {
        match expected.get(op.as_str()) {
            None => problems.push(format!("{op}: no row in {TABLE} (decide who may call it)")),
            Some(want) if want != got => {
                let who: Vec<String> = CALLERS
                    .iter()
                    .zip(want.iter().zip(got))
                    .filter(|(_, (w, g))| w != g)
                    .map(|((n, _), (w, g))| format!("{n}: expected {w}, got {g}"))
                    .collect();
                problems.push(format!("{op}: {}", who.join(", ")));
            }
            Some(_) => {}
        }
    }
    for op in expected.keys() {
        if !seen.contains_key(*op) {
            problems.push(format!("{op}: in the table but not in the API"));
        }
    }
    assert!(problems.is_empty(), "access differs from {TABLE}:\n{}", problems.join("\n"));
    // No refused caller is ever shown a record: a 2xx for an anonymous caller
    // only on the public operations.
    // Sessions' public page and list: what the poster invites everyone to read;
    // the schools a learner chooses among; the signed vacancy feed partner
    // provinces pull (published vacancies and employers' names only), and
    // the online sessions each invites the others to (ours and theirs).
    let public = [
        "GET /api/v1/exchange/sessions",
        "GET /api/v1/sessions/partners",
        "GET /api/v1/schools",
        "GET /api/v1/exchange/key",
        "GET /api/v1/exchange/snapshot",
        "GET /api/v1/exchange/changes",
        "GET /api/v1/vacancies",
        "GET /api/v1/vacancies/{id}",
        "GET /healthz",
        "GET /api/v1/sessions",
        "GET /api/v1/sessions/{id}",
    ];
    for (op, got) in &seen {
        if got[0] / 100 == 2 {
            assert!(
                public.contains(&op.as_str())
                    || op.contains("admin-units")
                    || op.contains("code-lists")
                    || op.contains("occupations"),
                "{op} answers anonymous callers"
            );
        }
    }
}
