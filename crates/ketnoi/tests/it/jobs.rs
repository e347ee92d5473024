//! The job runner: imports from the page, the API and the CLI are jobs on one
//! list; a job can be stopped from any process; one whose process died is
//! marked interrupted and runs again from the file it kept; scheduled work
//! shows on the operator's list.

use platform::jobs::{self, Finished, NewJob, Origin};
use serde_json::Value;
use std::time::Duration;
use testkit::{TestApp, ADMIN, STAFF};

const GOOD: &str = "Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm\n\
056185012345,Nguyễn Thị Đào,05/06/1985,Nữ,22504,Thất nghiệp\n\
056090000123,Trần Văn Đạo,01/01/1990,Nam,22627,Có việc làm\n\
,Lê Thị Hoa,02/02/1995,Nữ,22624,Không tham gia hoạt động kinh tế\n";

async fn status_of(app: &TestApp, id: i64) -> String {
    jobs::get(&app.db, id).await.unwrap().expect("job").status
}

async fn wait_for_status(app: &TestApp, id: i64, wanted: &str) {
    for _ in 0..100 {
        if status_of(app, id).await == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} is {}, not {wanted}", status_of(app, id).await);
}

#[tokio::test]
async fn a_job_stops_when_asked_from_anywhere() {
    let app = TestApp::spawn().await;
    let job = NewJob { kind: "test.loop", origin: Origin::Web, user_id: None, file_name: None, input: None };
    let id = jobs::start(&app.db, job, |h| async move {
        let mut n = 0;
        while !h.cancelled() {
            n += 1;
            h.progress(n, n, 0);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Err::<Finished, _>(format!("stopped after {n}"))
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(jobs::get(&app.db, id).await.unwrap().unwrap().done > 0, "the heartbeat wrote the progress");
    // The operator's list shows it running, with a stop button that works.
    let admin = app.login(ADMIN).await;
    let (status, page) = admin.get_text("/admin/jobs").await;
    assert_eq!(status, 200);
    assert!(page.contains(r#"data-kind="test.loop" data-status="running""#), "{page}");
    let r = admin.post_form(&format!("/admin/jobs/{id}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    wait_for_status(&app, id, "cancelled").await;
    let job = jobs::get(&app.db, id).await.unwrap().unwrap();
    assert!(job.error.unwrap().starts_with("stopped after"));
    assert!(!jobs::request_cancel(&app.db, id).await.unwrap(), "a finished job is not running");

    // The board's upkeep ran through the runner when the server started.
    let (_, page) = admin.get_text("/admin/jobs").await;
    assert!(page.contains(r#"data-kind="vacancies.upkeep" data-status="done""#), "{page}");
    assert!(page.contains("Rà soát tin tuyển dụng hết hạn"), "named in Vietnamese");
    let list = app.get_json("/api/v1/jobs", &app.token(ADMIN).await).await;
    assert!(list["items"].as_array().unwrap().iter().any(|j| j["kind"] == "vacancies.upkeep"), "{list}");
}

#[tokio::test]
async fn an_interrupted_import_runs_again_from_its_file() {
    let app = TestApp::spawn().await;
    let staff = app.login(STAFF).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("khao-sat.csv");
    std::fs::write(&file, GOOD).unwrap();
    // A server stopped in the middle of this import: no heartbeat since.
    let (user, _) = platform::auth::store::find_for_login(&app.db, STAFF).await.unwrap().unwrap();
    let input = file.to_string_lossy().into_owned();
    let job = NewJob {
        kind: registry::imports::KIND,
        origin: Origin::Web,
        user_id: Some(user.id),
        file_name: Some("khao-sat.csv"),
        input: Some(&input),
    };
    let id = jobs::create(&app.db, job).await.unwrap();
    let long_ago = chrono::Utc::now() - chrono::Duration::minutes(5);
    platform::with_db!(&app.db, p => sqlx::query("UPDATE jobs SET heartbeat_at = $1 WHERE id = $2")
        .bind(long_ago).bind(id).execute(p).await.unwrap().rows_affected());
    assert_eq!(jobs::mark_interrupted(&app.db).await.unwrap(), 1);
    assert_eq!(status_of(&app, id).await, "interrupted");

    let (_, page) = staff.get_text(&format!("/registry/imports/{id}")).await;
    assert!(page.contains(r#"data-testid="import-stopped" data-status="interrupted""#), "{page}");
    assert!(page.contains(r#"data-testid="import-again""#), "{page}");
    let r = staff.post_form(&format!("/registry/imports/{id}/again"), &[]).await;
    assert_eq!(r.status(), 303);
    let again: i64 = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();
    assert_ne!(again, id);
    wait_for_status(&app, again, "done").await;
    let done: Value = app.get_json(&format!("/api/v1/people/imports/{again}"), &app.token(STAFF).await).await;
    assert_eq!(done["report"]["inserted"], 3, "{done}");
    assert!(file.exists(), "a file the server did not receive is left where it was");
    // Without its file a stopped import offers no "Run again".
    std::fs::remove_file(&file).unwrap();
    let (_, page) = staff.get_text(&format!("/registry/imports/{id}")).await;
    assert!(page.contains(r#"data-testid="import-stopped""#) && !page.contains("import-again"), "{page}");
    // A finished import is not run again.
    let r = staff.post_form(&format!("/registry/imports/{again}/again"), &[]).await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn an_import_stops_when_asked_and_a_cli_import_is_on_the_page() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    // Long enough to meet the reader's cancel check (every 5,000 rows).
    let mut csv = String::from("Số CCCD,Họ và tên,Ngày sinh,Giới tính,Mã xã/phường,Tình trạng việc làm\n");
    for i in 0..6000 {
        csv.push_str(&format!("0561850{i:05},Nguyễn Văn An,05/06/1985,Nam,22504,Thất nghiệp\n"));
    }
    let file = dir.path().join("dai.csv");
    std::fs::write(&file, &csv).unwrap();
    let cancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let opts = registry::import::Options {
        province: "56",
        scope: platform::auth::AreaScope::All,
        today: platform::time::today(),
        lang: platform::i18n::Lang::Vi,
        rejects: dir.path().join("rejects.xlsx"),
        cancel: Some(cancel),
    };
    let e = registry::import::run(&app.db, None, &file, opts, &|_, _, _| {}).await.unwrap_err();
    assert!(e.downcast_ref::<registry::import::Cancelled>().is_some(), "{e:#}");
    assert!(registry::import::file_error_message(&e, platform::i18n::Lang::Vi).starts_with("Đã dừng theo yêu cầu"));

    // The operator imports from the command line; staff see it on the import page.
    let small = dir.path().join("tu-dong-lenh.csv");
    std::fs::write(&small, GOOD).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
        .args(["--database", &app.database_url, "import", "people"])
        .arg(&small)
        .arg("--rejects")
        .arg(dir.path().join("cli-rejects.xlsx"))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let staff = app.login(STAFF).await;
    let (_, page) = staff.get_text("/registry/import").await;
    assert!(page.contains("tu-dong-lenh.csv"), "{page}");
    assert!(page.contains("dòng lệnh"), "{page}");

    // The operator's list of jobs on the command line shows it, done; a
    // finished job cannot be stopped.
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ketnoi"))
            .args(["--database", &app.database_url])
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = cli(&["jobs"]);
    assert!(out.status.success());
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = listed.lines().find(|l| l.contains("tu-dong-lenh.csv")).unwrap_or_else(|| panic!("{listed}"));
    assert!(line.contains("\tpeople_import\tcli\tdone\t"), "{line}");
    assert!(line.contains("\t3/3/0\t"), "3 rows read, 3 accepted: {line}");
    let id = line.split('\t').next().unwrap();
    let out = cli(&["jobs", "--cancel", id]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not running"));
}
