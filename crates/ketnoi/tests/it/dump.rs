//! Moving an installation: export → import into the other backend → export
//! again gives the same rows; backup/restore round-trips; a bad export is
//! refused without touching the target.

use platform::dump::{copy_from_db, copy_from_dir, DbSink, DirSink};
use platform::Db;
use std::collections::BTreeMap;
use std::path::Path;

/// Table → sorted JSON lines: the content, independent of row order.
fn content(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jsonl") {
            let mut lines: Vec<String> = std::fs::read_to_string(&p).unwrap().lines().map(str::to_owned).collect();
            lines.sort();
            out.insert(p.file_stem().unwrap().to_string_lossy().into_owned(), lines);
        }
    }
    out
}

#[tokio::test]
async fn export_import_round_trip_across_backends() {
    // Source: a SQLite installation with accounts, sessions and audit entries.
    let app = testkit::TestApp::spawn().await;
    let officer = app.login(testkit::COMMUNE_OFFICER).await;
    assert_eq!(officer.post_form("/lang", &[("lang", "en"), ("next", "/")]).await.status(), 303);
    platform::auth::store::issue_token(&app.db, 1, "integration").await.unwrap();
    // An initiative's attachment: bytes (every value of a byte) travel too.
    let bytes: Vec<u8> = (0..=255).collect();
    emulation::store::insert_file(&app.db, "56", 1, "tệp.pdf", "application/pdf", &bytes, None).await.unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let counts = copy_from_db(&app.db, Box::new(DirSink::create(&first).unwrap())).await.unwrap();
    let rows = |name: &str| counts.iter().find(|c| c.0 == name).unwrap().1;
    assert_eq!(rows("wards"), 3321);
    assert_eq!(rows("users"), 7);
    assert!(rows("audit_log") >= 1 && rows("sessions") >= 1 && rows("api_tokens") == 1);

    // Target: a fresh database of the configured backend (PostgreSQL in CI).
    let (url, _keep) = testkit::fresh_database_url().await.unwrap();
    let target = Db::connect(&url).await.unwrap();
    target.migrate().await.unwrap();
    copy_from_dir(&first, DbSink::replace(&target).await.unwrap()).await.unwrap();

    let second = tmp.path().join("second");
    copy_from_db(&target, Box::new(DirSink::create(&second).unwrap())).await.unwrap();
    assert_eq!(content(&first), content(&second), "nothing lost or changed");
    let (file, content_back) = emulation::store::file(&target, "56", 1).await.unwrap().expect("the file came across");
    assert_eq!((file.name.as_str(), content_back), ("tệp.pdf", bytes));

    // New rows in the target continue after the imported ids.
    let id = platform::auth::store::create(
        &target,
        platform::auth::store::NewUser {
            email: "after@import.vn",
            display_name: "After",
            role: platform::auth::Role::Staff,
            password_hash: "x",
            wards: &[],
            employer_id: None,
            school_id: None,
            person_id: None,
        },
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(id, 8);

    // The moved installation serves the same users, sessions and preferences.
    let moved = ketnoi::app(target.clone(), platform::Settings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(ketnoi::serve(listener, moved));
    let b = testkit::Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        base: format!("http://{addr}"),
    };
    assert_eq!(b.login(testkit::COMMUNE_OFFICER, testkit::PASSWORD).await.status(), 303);
    assert!(b.get_text("/").await.1.contains("Your communes"), "language preference moved too");
}

#[tokio::test]
async fn a_damaged_export_changes_nothing() {
    let app = testkit::TestApp::spawn().await;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    copy_from_db(&app.db, Box::new(DirSink::create(&dir).unwrap())).await.unwrap();
    // Damage the last table loaded: earlier tables are already inserted when it fails.
    let users = dir.join("users.jsonl");
    let mut text = std::fs::read_to_string(&users).unwrap();
    text.push_str("[\"not\", \"a\", \"user\"]\n");
    std::fs::write(&users, text).unwrap();

    let (url, _keep) = testkit::fresh_database_url().await.unwrap();
    let target = Db::connect(&url).await.unwrap();
    ketnoi::prepare(&target).await.unwrap();
    ketnoi::demo::seed_accounts(&target).await.unwrap();
    platform::auth::store::create(
        &target,
        platform::auth::store::NewUser {
            email: "keep@me.vn",
            display_name: "Keep",
            role: platform::auth::Role::Staff,
            password_hash: "x",
            wards: &[],
            employer_id: None,
            school_id: None,
            person_id: None,
        },
    )
    .await
    .unwrap();
    let err = copy_from_dir(&dir, DbSink::replace(&target).await.unwrap()).await.unwrap_err();
    assert!(format!("{err:#}").contains("users"), "{err:#}");
    assert_eq!(platform::auth::store::count(&target).await.unwrap(), 8, "the target is untouched");
    assert!(DirSink::create(&dir).is_err(), "an export never overwrites another");
}

#[tokio::test]
async fn backup_while_serving_and_restore() {
    let app = testkit::TestApp::spawn().await;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("backup.db");
    // Keep the server busy while the backup runs.
    let busy = {
        let b = app.browser();
        tokio::spawn(async move {
            for _ in 0..20 {
                b.get("/healthz").await;
            }
        })
    };
    platform::dump::backup(&app.db, &file).await.unwrap();
    busy.await.unwrap();
    assert!(platform::dump::backup(&app.db, &file).await.is_err(), "never overwrites");

    // Change the live database, then restore: the change is gone.
    platform::auth::store::create(
        &app.db,
        platform::auth::store::NewUser {
            email: "later@x.vn",
            display_name: "Later",
            role: platform::auth::Role::Staff,
            password_hash: "x",
            wards: &[],
            employer_id: None,
            school_id: None,
            person_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(platform::auth::store::count(&app.db).await.unwrap(), 8);
    let counts = platform::dump::restore(&app.db, &file).await.unwrap();
    assert!(counts.iter().any(|(t, n)| t == "wards" && *n == 3321));
    assert_eq!(platform::auth::store::count(&app.db).await.unwrap(), 7);
    assert_eq!(app.login(testkit::ADMIN).await.get("/admin/users").await.status(), 200);
}
