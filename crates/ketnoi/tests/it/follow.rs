//! Two servers on one database: what is written anywhere reaches the other
//! server's in-memory indexes (registry search, the board), even a
//! transaction that commits after later ones were already read.

use serde_json::Value;
use std::time::Duration;
use testkit::{TestApp, STAFF};

/// Ask `path` until `found` holds (the indexes follow every 5 s).
async fn eventually(app: &TestApp, token: &str, path: &str, found: impl Fn(&Value) -> bool) -> bool {
    for _ in 0..120 {
        if found(&app.get_json(path, token).await) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

fn total(v: &Value) -> i64 {
    v["total"].as_i64().unwrap_or(-1)
}

#[tokio::test]
async fn a_late_commit_reaches_the_other_servers_indexes() {
    let a = TestApp::spawn().await;
    ketnoi::demo::seed_people(&a.db, "56", 30, 7).await.unwrap();
    ketnoi::demo::seed_demand(&a.db, "56", 3, 10, 7).await.unwrap();
    let b = a.another_server().await;
    let token = b.token(STAFF).await;
    let search = |q: &str| format!("/api/v1/people?q={}", q.replace(' ', "+"));
    let board = |q: &str| format!("/api/v1/vacancies?q={}", q.replace(' ', "+"));
    // Server B has loaded both indexes.
    assert!(eventually(&b, &token, &search(""), |v| total(v) == 30).await);
    let published: Value = b.get_json("/api/v1/vacancies", &token).await;
    let vacancies: Vec<i64> =
        published["items"].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect();
    assert!(vacancies.len() >= 2, "published vacancies to change");

    // A transaction that stamps its rows early and commits late: on
    // PostgreSQL it writes first and holds its locks while later writers
    // commit; on SQLite (one writer at a time) it takes its time before
    // writing, as an import waiting for the lock does.
    let early = chrono::Utc::now() - chrono::Duration::minutes(1);
    let postgres = a.db.backend() == platform::db::Backend::Postgres;
    platform::with_db!(&a.db, p => {
        let mut late = p.begin().await.unwrap();
        macro_rules! write_late {
            () => {{
                sqlx::query("UPDATE people SET full_name = 'Hồ Thị Muộn', name_folded = 'ho thi muon', updated_at = $1 WHERE id = 5")
                    .bind(early).execute(&mut *late).await.unwrap();
                sqlx::query("UPDATE vacancies SET title = 'Thợ lặn chậm trễ', updated_at = $1 WHERE id = $2")
                    .bind(early).bind(vacancies[0]).execute(&mut *late).await.unwrap();
            }};
        }
        if postgres {
            write_late!();
        }
        // Meanwhile other writers commit, and server B reads past them.
        sqlx::query("UPDATE people SET full_name = 'Lê Văn Sớm', name_folded = 'le van som', updated_at = $1 WHERE id = 6")
            .bind(chrono::Utc::now()).execute(p).await.unwrap();
        sqlx::query("UPDATE vacancies SET title = 'Thợ hàn đúng giờ', updated_at = $1 WHERE id = $2")
            .bind(chrono::Utc::now()).bind(vacancies[1]).execute(p).await.unwrap();
        assert!(eventually(&b, &token, &search("le van som"), |v| total(v) == 1).await, "B follows the registry");
        assert!(eventually(&b, &token, &board("han dung gio"), |v| total(v) == 1).await, "B follows the board");
        if !postgres {
            write_late!();
        }
        late.commit().await.unwrap();
    });
    assert!(eventually(&b, &token, &search("ho thi muon"), |v| total(v) == 1).await, "the late person reaches B");
    assert!(eventually(&b, &token, &board("lan cham tre"), |v| total(v) == 1).await, "the late vacancy reaches B");
    // And server A, which wrote none of this through its own routes, too.
    let token_a = a.token(STAFF).await;
    assert!(eventually(&a, &token_a, &search("ho thi muon"), |v| total(v) == 1).await);
    assert!(eventually(&a, &token_a, &board("lan cham tre"), |v| total(v) == 1).await);
}

/// A server's first load on SQLite streams the people table through rusqlite
/// (`platform::follow::stream_sqlite`): each index that loads so (the
/// registry's search, matching's seekers) must hold exactly what its
/// catch-up reads through sqlx hold.
#[tokio::test]
async fn the_streamed_first_load_reads_what_a_catch_up_reads() {
    use platform::follow::Feed;
    use std::sync::{Arc, Mutex};
    let app = TestApp::spawn().await;
    ketnoi::demo::seed_people(&app.db, "56", 300, 7).await.unwrap();
    let platform::Db::Sqlite(pool) = &app.db else { return }; // PostgreSQL reads as usual
                                                              // What the survey file leaves empty, for a few: the words and provinces matching reads.
    sqlx::query(
        "UPDATE people SET training_field = 'Hàn điện', job_position = 'Thợ hàn', expected_wage = 9000000,
         work_provinces = '56;79' WHERE id IN (SELECT id FROM people ORDER BY id LIMIT 5)",
    )
    .execute(pool)
    .await
    .unwrap();
    let by_id = |mut v: Vec<registry::search::Entry>| {
        v.sort_by_key(|e| e.id);
        v.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>()
    };
    let entries = registry::store::index_entries(&app.db, "56", None).await.unwrap();
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let read = by_id(entries);
    let streamed = Arc::new(Mutex::new(vec![]));
    let into = Arc::clone(&streamed);
    let n = platform::follow::stream_sqlite(
        &app.db,
        registry::bulk::INDEX_SQL,
        "56",
        registry::bulk::index_entry,
        move |c| into.lock().unwrap().extend(c),
    )
    .await
    .unwrap();
    assert_eq!(n, Some(300));
    assert!(read.iter().any(|e| e.contains("female: true")) && read.iter().any(|e| e.contains("phone: Some")));
    assert_eq!(by_id(std::mem::take(&mut *streamed.lock().unwrap())), read);

    // Matching's seekers: streamed, and read then applied.
    let streamed = Arc::new(matching::pool::Seekers::default());
    assert_eq!(Arc::clone(&streamed).load_all(&app.db, "56").await.unwrap(), Some(300));
    let caught_up = matching::pool::Seekers::default();
    caught_up.apply(caught_up.read(&app.db, "56", None).await.unwrap());
    let (mut with_words, mut with_occupation, mut with_provinces) = (0, 0, 0);
    for &id in &ids {
        let s = caught_up.0.get(id).expect("every person is a seeker");
        with_words += !s.words.is_empty() as usize;
        with_occupation += !s.occupations.is_empty() as usize;
        with_provinces += !s.work_provinces.is_empty() as usize;
        assert_eq!(streamed.0.get(id), Some(s), "seeker {id}");
    }
    assert!(with_words == 5 && with_provinces == 5 && with_occupation > 0, "the comparison covers every column");
}
