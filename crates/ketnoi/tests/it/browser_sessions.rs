//! A job-exchange session in real browsers (headless Chromium with its fake
//! camera and microphone): the door checks a registered person in by CCCD and
//! registers a walk-in, the counters follow without reloading; online, a
//! candidate queues from their ticket, the employer calls them in, and the
//! two see each other (remote video live within 3 s) and chat. The report
//! counts exactly what happened.
//!
//! Needs Debian's `chromium` and `chromium-driver` (see `testkit::browser`).

use fantoccini::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use testkit::browser::{click, fill, log_in, select, shot, text, wait_for, wait_text, FAKE_MEDIA};
use testkit::{TestApp, EMPLOYER, STAFF};

/// A hybrid session with the demo employer's booth; (session, booth).
async fn session(app: &TestApp) -> (i64, i64) {
    ketnoi::demo::seed_demand(&app.db, "56", 3, 6, 7).await.unwrap();
    let staff = app.token(STAFF).await;
    let (employer, _) = platform::auth::store::find_for_login(&app.db, EMPLOYER).await.unwrap().unwrap();
    let employer_id = employer.employer_id.unwrap();
    let vacancy = vacancies::store::changed(&app.db, "56", None)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.employer_id == employer_id)
        .expect("a published vacancy of the demo employer")
        .id;
    let s: Value = app
        .post_json(
            "/api/v1/sessions",
            &staff,
            &json!({"title": "Phiên giao dịch việc làm xã Vạn Thọ", "kind": "hybrid", "starts_at": "2026-12-15T08:00",
                    "ends_at": "2026-12-15T11:30", "ward_code": "22504", "venue": "Nhà văn hóa xã"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = s["id"].as_i64().unwrap();
    let b: Value = app
        .post_json(
            &format!("/api/v1/sessions/{id}/booths"),
            &staff,
            &json!({"employer_id": employer_id, "vacancy_ids": [vacancy]}),
        )
        .await
        .json()
        .await
        .unwrap();
    (id, b["id"].as_i64().unwrap())
}

async fn register(app: &TestApp, session: i64, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/sessions/{session}/registrations")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_door_checks_in_by_cccd_and_registers_a_walk_in() {
    let Some(c) = testkit::browser::session().await else { return };
    let app = TestApp::spawn().await;
    let (id, _) = session(&app).await;
    register(&app, id, json!({"full_name": "Nguyễn Văn Đào", "phone": "0912345678", "cccd": "056095001234"})).await;
    register(&app, id, json!({"full_name": "Trần Thị Mai", "phone": "0905111222"})).await;

    c.goto(&app.url("/login")).await.unwrap();
    log_in(&c, STAFF).await;
    c.goto(&app.url(&format!("/sessions/{id}"))).await.unwrap();
    click(&c, "[data-testid=checkin-link]").await;
    wait_text(&c, "[data-testid=present]", "0").await;
    select(&c, "[data-testid=by]", "cccd").await;
    fill(&c, "[data-testid=value]", "056 095 001 234").await;
    click(&c, "[data-testid=check-in]").await;
    wait_for(&c, "[data-testid=checkin-result]").await;
    let result = text(&c, "[data-testid=checkin-result]").await;
    assert!(result.contains("Nguyễn Văn Đào"), "{result}");
    wait_text(&c, "[data-testid=present]", "1").await;

    // A walk-in: name and phone, every other field of the form left empty.
    let started = Instant::now();
    fill(&c, "[data-testid=walk-name]", "Lý Văn Tới").await;
    fill(&c, "[data-testid=walk-phone]", "0905 321 321").await;
    click(&c, "[data-testid=walk-in]").await;
    wait_for(&c, "[data-testid=checkin-result]").await;
    let result = text(&c, "[data-testid=checkin-result]").await;
    assert!(result.contains("Đã đăng ký và điểm danh") && result.contains("Lý Văn Tới"), "{result}");
    assert!(started.elapsed() < Duration::from_secs(60), "a walk-in in under a minute");
    wait_text(&c, "[data-testid=present]", "2").await;
    shot(&c, "session-checkin").await;

    // Someone checked in elsewhere (another device at the door): the counter follows without reloading.
    let staff = app.token(STAFF).await;
    let r = app.post_json(&format!("/api/v1/sessions/{id}/checkins"), &staff, &json!({"phone": "0905111222"})).await;
    assert_eq!(r.status(), 200);
    wait_text(&c, "[data-testid=present]", "3").await;
    c.close().await;

    let report = app.get_json(&format!("/api/v1/sessions/{id}/report"), &staff).await;
    assert_eq!((report["registered"].clone(), report["attended_in_person"].clone()), (json!(3), json!(3)), "{report}");
}

/// Whether the page's remote video plays a live track with frames.
async fn remote_video_live(c: &Client) -> bool {
    let js = "const v = document.querySelector('[data-remote]'); \
              return !!(v && v.srcObject && v.srcObject.getVideoTracks().some(t => t.readyState === 'live') \
              && v.videoWidth > 0);";
    c.execute(js, vec![]).await.unwrap().as_bool().unwrap_or(false)
}

#[tokio::test]
async fn an_employer_and_a_candidate_meet_in_a_video_interview() {
    let Some(employer) = testkit::browser::session_with(&FAKE_MEDIA).await else { return };
    let Some(candidate) = testkit::browser::session_with(&FAKE_MEDIA).await else { return };
    let app = TestApp::spawn().await;
    let (id, booth) = session(&app).await;
    let reg =
        register(&app, id, json!({"full_name": "Phan Thị Hồng", "phone": "0905888999", "booth_ids": [booth]})).await;
    let ticket = reg["ticket"].as_str().unwrap();

    // The candidate queues from the ticket's page and sees their place.
    candidate.goto(&app.url(&format!("/sessions/{id}/tickets/{ticket}"))).await.unwrap();
    click(&candidate, &format!("[data-testid=join-{booth}]")).await;
    wait_text(&candidate, &format!("[data-testid=queue-{booth}]"), "Bạn đang ở vị trí số 1 trong hàng chờ").await;

    // The employer, from its office, sees the queue and calls the next.
    employer.goto(&app.url("/login")).await.unwrap();
    log_in(&employer, EMPLOYER).await;
    employer.goto(&app.url(&format!("/sessions/{id}/booths/{booth}"))).await.unwrap();
    wait_text(&employer, "[data-testid=waiting]", "1").await;
    click(&employer, "[data-testid=call-next]").await;
    wait_for(&employer, "[data-testid=remote-video]").await;
    // The candidate's ticket page takes them into the room.
    wait_for(&candidate, "[data-testid=remote-video]").await;

    let started = Instant::now();
    loop {
        if remote_video_live(&employer).await && remote_video_live(&candidate).await {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(3), "the remote video should be live within 3 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_text(&employer, "[data-testid=room-status]", "Đã kết nối hình ảnh và âm thanh.").await;

    // Chat both ways.
    fill(&employer, "[data-testid=chat-input]", "Chào chị Hồng, chị nghe rõ không?").await;
    click(&employer, "[data-testid=chat-send]").await;
    wait_chat(&candidate, "Chào chị Hồng, chị nghe rõ không?").await;
    fill(&candidate, "[data-testid=chat-input]", "Dạ em nghe rõ ạ").await;
    click(&candidate, "[data-testid=chat-send]").await;
    wait_chat(&employer, "Dạ em nghe rõ ạ").await;
    shot(&employer, "session-room-employer").await;
    shot(&candidate, "session-room-candidate").await;
    employer.close().await;
    candidate.close().await;

    let staff = app.token(STAFF).await;
    let report = app.get_json(&format!("/api/v1/sessions/{id}/report"), &staff).await;
    assert_eq!(
        (report["interviews"].clone(), report["attended_online"].clone(), report["attended_in_person"].clone()),
        (json!(1), json!(1), json!(0)),
        "one online interview, the candidate attended online: {report}"
    );
}

async fn wait_chat(c: &Client, message: &str) {
    let until = Instant::now() + Duration::from_secs(5);
    loop {
        let log = text(c, "[data-testid=chat-log]").await;
        if log.contains(message) {
            return;
        }
        assert!(Instant::now() < until, "the chat should show {message:?}, shows {log:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
