//! The SQLite and PostgreSQL migrations must describe the same tables and
//! columns (names, type families, nullability): one story, two backends.

use platform::dump::schema;
use platform::Db;

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}", dir.path().join("s.db").display())).await.unwrap();
    sqlite.migrate().await.unwrap();
    let sqlite_tables = schema(&sqlite).await.unwrap();
    assert!(sqlite_tables.iter().any(|t| t.name == "audit_log"));

    if !testkit::on_postgres() {
        eprintln!(
            "KETNOI_TEST_DATABASE_URL is not a postgres:// URL: comparing with PostgreSQL is skipped here (CI runs it)"
        );
        return;
    }
    let (url, _keep) = testkit::fresh_database_url().await.unwrap();
    let pg = Db::connect(&url).await.unwrap();
    pg.migrate().await.unwrap();
    let pg_tables = schema(&pg).await.unwrap();

    let names =
        |ts: &[platform::dump::Table]| ts.iter().map(|t| t.name.clone()).collect::<std::collections::BTreeSet<_>>();
    assert_eq!(names(&sqlite_tables), names(&pg_tables), "same tables");
    for s in &sqlite_tables {
        let p = pg_tables.iter().find(|t| t.name == s.name).unwrap();
        assert_eq!(s.columns, p.columns, "columns of {} (name, family, nullability, order)", s.name);
    }
}
