//! Move a whole installation between databases without losing anything:
//! `export-db DIR` / `import-db DIR` (one JSON-lines file per table plus a
//! manifest), `backup FILE` / `restore FILE` (a SQLite file, whatever the
//! backend). Tables and columns are read from the live schema, so a new
//! capability's tables are carried without code here.

use crate::db::Db;
use crate::with_db;
use anyhow::{bail, Context};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{QueryBuilder, Row};
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

/// Column types as both backends agree on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Int,
    Real,
    Text,
    Bool,
    Timestamp,
    Date,
    /// BLOB / BYTEA, carried as base64 (attachments).
    Bytes,
}

impl Family {
    fn of(declared: &str) -> anyhow::Result<Family> {
        let t = declared.to_ascii_lowercase();
        Ok(if t.contains("timestamp") {
            Family::Timestamp
        } else if t == "date" {
            Family::Date
        } else if t.contains("bool") {
            Family::Bool
        } else if t.contains("int") {
            Family::Int
        } else if t.contains("double") || t.contains("real") || t.contains("float") || t.contains("numeric") {
            Family::Real
        } else if t.contains("text") || t.contains("char") {
            Family::Text
        } else if t == "blob" || t == "bytea" {
            Family::Bytes
        } else {
            bail!("column type {declared} has no family")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub family: Family,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// Tables this one refers to (loaded first).
    #[serde(skip)]
    pub depends_on: Vec<String>,
}

/// The application's tables, parents before children.
pub async fn schema(db: &Db) -> anyhow::Result<Vec<Table>> {
    let mut tables = Vec::new();
    match db {
        Db::Sqlite(p) => {
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name")
                .fetch_all(p).await?;
            for (name,) in names {
                let cols: Vec<(String, String, i64, i64)> =
                    sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&name)
                        .fetch_all(p)
                        .await?;
                let deps: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                    .bind(&name)
                    .fetch_all(p)
                    .await?;
                let columns = cols
                    .into_iter()
                    .map(|(n, t, notnull, pk)| {
                        Ok(Column { name: n, family: Family::of(&t)?, nullable: notnull == 0 && pk == 0 })
                    })
                    .collect::<anyhow::Result<_>>()?;
                tables.push(Table { name, columns, depends_on: deps.into_iter().map(|d| d.0).collect() });
            }
        }
        Db::Postgres(p) => {
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()
                 AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY table_name",
            )
            .fetch_all(p)
            .await?;
            for (name,) in names {
                let cols: Vec<(String, String, String)> = sqlx::query_as(
                    "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(p)
                .await?;
                let deps: Vec<(String,)> = sqlx::query_as(
                    "SELECT DISTINCT ccu.table_name::text FROM information_schema.table_constraints tc
                     JOIN information_schema.constraint_column_usage ccu
                       ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema
                     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = $1 AND tc.table_schema = current_schema()")
                    .bind(&name).fetch_all(p).await?;
                let columns = cols
                    .into_iter()
                    .map(|(n, t, nullable)| {
                        Ok(Column { name: n, family: Family::of(&t)?, nullable: nullable == "YES" })
                    })
                    .collect::<anyhow::Result<_>>()?;
                tables.push(Table { name, columns, depends_on: deps.into_iter().map(|d| d.0).collect() });
            }
        }
    }
    Ok(order_by_dependencies(tables))
}

/// Parents before children (self-references ignored); stable by name otherwise.
fn order_by_dependencies(mut pending: Vec<Table>) -> Vec<Table> {
    let mut done: Vec<Table> = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|t| t.depends_on.iter().all(|d| d == &t.name || done.iter().any(|x| &x.name == d)))
            .unwrap_or(0); // a cycle: take the first and let the database judge
        done.push(pending.remove(ready));
    }
    done
}

fn read_value(row: &impl RowGet, i: usize, family: Family) -> anyhow::Result<Value> {
    row.get_value(i, family)
}

/// Decoding one column as JSON, for either backend's rows.
trait RowGet {
    fn get_value(&self, i: usize, family: Family) -> anyhow::Result<Value>;
}

macro_rules! impl_row_get {
    ($row:ty) => {
        impl RowGet for $row {
            fn get_value(&self, i: usize, family: Family) -> anyhow::Result<Value> {
                Ok(match family {
                    Family::Int => self.try_get::<Option<i64>, _>(i)?.map(Value::from),
                    Family::Real => self.try_get::<Option<f64>, _>(i)?.map(Value::from),
                    Family::Text => self.try_get::<Option<String>, _>(i)?.map(Value::from),
                    Family::Bool => self.try_get::<Option<bool>, _>(i)?.map(Value::from),
                    Family::Timestamp => {
                        self.try_get::<Option<DateTime<Utc>>, _>(i)?.map(|t| Value::from(t.to_rfc3339()))
                    }
                    Family::Date => {
                        self.try_get::<Option<chrono::NaiveDate>, _>(i)?.map(|d| Value::from(d.to_string()))
                    }
                    Family::Bytes => {
                        use base64::Engine;
                        self.try_get::<Option<Vec<u8>>, _>(i)?
                            .map(|b| Value::from(base64::engine::general_purpose::STANDARD.encode(b)))
                    }
                }
                .unwrap_or(Value::Null))
            }
        }
    };
}
impl_row_get!(sqlx::sqlite::SqliteRow);
impl_row_get!(sqlx::postgres::PgRow);

/// Where copied rows go.
#[async_trait]
pub trait Sink: Send {
    async fn begin_table(&mut self, table: &Table) -> anyhow::Result<()>;
    async fn rows(&mut self, table: &Table, rows: Vec<Vec<Value>>) -> anyhow::Result<()>;
    async fn end_table(&mut self, table: &Table, count: u64) -> anyhow::Result<()>;
    async fn finish(self: Box<Self>) -> anyhow::Result<()>;
}

const BATCH: usize = 500;

/// Read every table of `src` in one consistent snapshot and hand the rows to `sink`.
pub async fn copy_from_db(src: &Db, mut sink: Box<dyn Sink>) -> anyhow::Result<Vec<(String, u64)>> {
    let tables = schema(src).await?;
    let mut counts = Vec::new();
    with_db!(src, p => {
        let mut tx = p.begin().await?;
        if matches!(src, Db::Postgres(_)) {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        for t in &tables {
            sink.begin_table(t).await?;
            let cols = t.columns.iter().map(|c| format!("\"{}\"", c.name)).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT {cols} FROM \"{}\"", t.name);
            let mut stream = sqlx::query(&sql).fetch(&mut *tx);
            let mut batch = Vec::with_capacity(BATCH);
            let mut count = 0u64;
            while let Some(row) = stream.try_next().await? {
                let vals = t.columns.iter().enumerate().map(|(i, c)| read_value(&row, i, c.family)).collect::<anyhow::Result<Vec<_>>>()?;
                batch.push(vals);
                count += 1;
                if batch.len() == BATCH {
                    sink.rows(t, std::mem::take(&mut batch)).await?;
                }
            }
            drop(stream);
            if !batch.is_empty() {
                sink.rows(t, batch).await?;
            }
            sink.end_table(t, count).await?;
            counts.push((t.name.clone(), count));
        }
        tx.commit().await?;
    });
    sink.finish().await?;
    Ok(counts)
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: String,
    schema_version: i64,
    exported_at: DateTime<Utc>,
    tables: Vec<ManifestTable>,
}

#[derive(Serialize, Deserialize)]
struct ManifestTable {
    name: String,
    columns: Vec<Column>,
    rows: u64,
}

const FORMAT: &str = "ketnoi-export-1";

/// Writes `DIR/<table>.jsonl` (one JSON array per row) and `DIR/manifest.json`.
pub struct DirSink {
    dir: std::path::PathBuf,
    file: Option<BufWriter<std::fs::File>>,
    manifest: Manifest,
}

impl DirSink {
    pub fn create(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        if dir.join("manifest.json").exists() {
            bail!("{} already holds an export; choose an empty folder", dir.display());
        }
        Ok(Self {
            dir: dir.to_owned(),
            file: None,
            manifest: Manifest {
                format: FORMAT.into(),
                schema_version: Db::schema_version(),
                exported_at: Utc::now(),
                tables: vec![],
            },
        })
    }
}

#[async_trait]
impl Sink for DirSink {
    async fn begin_table(&mut self, table: &Table) -> anyhow::Result<()> {
        let f = std::fs::File::create(self.dir.join(format!("{}.jsonl", table.name)))?;
        self.file = Some(BufWriter::new(f));
        Ok(())
    }
    async fn rows(&mut self, _: &Table, rows: Vec<Vec<Value>>) -> anyhow::Result<()> {
        let f = self.file.as_mut().context("no table open")?;
        for r in rows {
            serde_json::to_writer(&mut *f, &r)?;
            f.write_all(b"\n")?;
        }
        Ok(())
    }
    async fn end_table(&mut self, table: &Table, count: u64) -> anyhow::Result<()> {
        self.file.take().context("no table open")?.flush()?;
        self.manifest.tables.push(ManifestTable {
            name: table.name.clone(),
            columns: table.columns.clone(),
            rows: count,
        });
        Ok(())
    }
    async fn finish(self: Box<Self>) -> anyhow::Result<()> {
        // The manifest last: a folder without one is an unfinished export.
        std::fs::write(self.dir.join("manifest.json"), serde_json::to_vec_pretty(&self.manifest)?)?;
        Ok(())
    }
}

/// Replaces the whole content of a database, in one transaction: if
/// anything fails, the database is left exactly as it was.
pub enum DbSink {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>, Vec<Table>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>, Vec<Table>),
}

async fn clear_sqlite(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>, tables: &[Table]) -> anyhow::Result<()> {
    for t in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM \"{}\"", t.name)).execute(&mut **tx).await?;
    }
    Ok(())
}

async fn clear_postgres(tx: &mut sqlx::Transaction<'static, sqlx::Postgres>, tables: &[Table]) -> anyhow::Result<()> {
    for t in tables.iter().rev() {
        sqlx::query(&format!("DELETE FROM \"{}\"", t.name)).execute(&mut **tx).await?;
    }
    Ok(())
}

impl DbSink {
    /// Start replacing `db`'s content: every application table is emptied
    /// (children first) inside the transaction that will load the new rows.
    pub async fn replace(db: &Db) -> anyhow::Result<Box<DbSink>> {
        let tables = schema(db).await?;
        Ok(Box::new(match db {
            Db::Sqlite(p) => {
                let mut tx = p.begin().await?;
                clear_sqlite(&mut tx, &tables).await?;
                DbSink::Sqlite(tx, tables)
            }
            Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                clear_postgres(&mut tx, &tables).await?;
                DbSink::Postgres(tx, tables)
            }
        }))
    }

    fn target_table<'a>(tables: &'a [Table], source: &Table) -> anyhow::Result<&'a Table> {
        let t = tables
            .iter()
            .find(|t| t.name == source.name)
            .with_context(|| format!("table {} does not exist in the target database", source.name))?;
        for c in &source.columns {
            let tc = t.columns.iter().find(|x| x.name == c.name);
            match tc {
                Some(tc) if tc.family == c.family => {}
                _ => bail!("column {}.{} differs between source and target", source.name, c.name),
            }
        }
        Ok(t)
    }
}

/// Bind one JSON value as the column's type (typed NULLs, for PostgreSQL).
macro_rules! push_value {
    ($b:expr, $v:expr, $family:expr, $ctx:expr) => {{
        let v: &Value = $v;
        match $family {
            Family::Int => {
                $b.push_bind(v.as_i64());
            }
            Family::Real => {
                $b.push_bind(v.as_f64());
            }
            Family::Text => {
                $b.push_bind(v.as_str().map(str::to_owned));
            }
            Family::Bool => {
                $b.push_bind(v.as_bool());
            }
            Family::Timestamp => {
                let t = match v.as_str() {
                    Some(s) => Some(
                        DateTime::parse_from_rfc3339(s)
                            .map(|t| t.with_timezone(&Utc))
                            .map_err(|e| anyhow::anyhow!("{}: {e}", $ctx))?,
                    ),
                    None => None,
                };
                $b.push_bind(t);
            }
            Family::Date => {
                let d = match v.as_str() {
                    Some(s) => Some(
                        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                            .map_err(|e| anyhow::anyhow!("{}: {e}", $ctx))?,
                    ),
                    None => None,
                };
                $b.push_bind(d);
            }
            Family::Bytes => {
                use base64::Engine;
                let bytes = match v.as_str() {
                    Some(s) => Some(
                        base64::engine::general_purpose::STANDARD
                            .decode(s)
                            .map_err(|e| anyhow::anyhow!("{}: {e}", $ctx))?,
                    ),
                    None => None,
                };
                $b.push_bind(bytes);
            }
        }
        if v.is_null() == false && matches!($family, Family::Int) && v.as_i64().is_none() {
            bail!("{}: not an integer: {v}", $ctx);
        }
    }};
}

/// Columns a target stamps itself: PostgreSQL's `seq` is its own transaction
/// ids (see the follow migration), which another server's numbers would only
/// confuse; SQLite's is a counter that carries on from any number.
const STAMPED_BY_POSTGRES: &[&str] = &["seq"];

macro_rules! insert_rows {
    ($tx:expr, $table:expr, $rows:expr, $skip:expr) => {{
        let table: &Table = $table;
        let skip: &[&str] = $skip;
        let kept = |c: &&Column| !skip.contains(&c.name.as_str());
        let cols = table.columns.iter().filter(kept).map(|c| format!("\"{}\"", c.name)).collect::<Vec<_>>().join(", ");
        let mut q = QueryBuilder::new(format!("INSERT INTO \"{}\" ({cols}) ", table.name));
        let mut err: Option<anyhow::Error> = None;
        q.push_values($rows.iter(), |mut b, row: &Vec<Value>| {
            for (c, v) in table.columns.iter().zip(row.iter()).filter(|(c, _)| kept(c)) {
                let r: anyhow::Result<()> = (|| {
                    push_value!(b, v, c.family, &table.name);
                    Ok(())
                })();
                if let Err(e) = r {
                    err.get_or_insert(e);
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        q.build().execute(&mut **$tx).await.with_context(|| format!("loading table {}", table.name))?;
    }};
}

#[async_trait]
impl Sink for DbSink {
    async fn begin_table(&mut self, table: &Table) -> anyhow::Result<()> {
        match self {
            DbSink::Sqlite(_, tables) | DbSink::Postgres(_, tables) if !tables.is_empty() => {
                DbSink::target_table(tables, table)?;
            }
            _ => {}
        }
        Ok(())
    }
    async fn rows(&mut self, table: &Table, rows: Vec<Vec<Value>>) -> anyhow::Result<()> {
        if rows.iter().any(|r| r.len() != table.columns.len()) {
            bail!("table {}: a row has the wrong number of values", table.name);
        }
        match self {
            DbSink::Sqlite(tx, _) => insert_rows!(tx, table, rows, &[]),
            DbSink::Postgres(tx, _) => insert_rows!(tx, table, rows, STAMPED_BY_POSTGRES),
        }
        Ok(())
    }
    async fn end_table(&mut self, _: &Table, _: u64) -> anyhow::Result<()> {
        Ok(())
    }
    async fn finish(self: Box<Self>) -> anyhow::Result<()> {
        match *self {
            DbSink::Sqlite(tx, _) => tx.commit().await?,
            DbSink::Postgres(mut tx, tables) => {
                // Identity columns continue after the highest id loaded.
                for t in tables.iter().filter(|t| t.columns.iter().any(|c| c.name == "id" && c.family == Family::Int)) {
                    sqlx::query(&format!(
                        "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{0}\"",
                        t.name
                    ))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?
            }
        }
        Ok(())
    }
}

/// Feed an export folder to `sink`, checking the manifest first.
pub async fn copy_from_dir(dir: &Path, mut sink: Box<dyn Sink>) -> anyhow::Result<Vec<(String, u64)>> {
    let manifest_path = dir.join("manifest.json");
    let manifest: Manifest = serde_json::from_slice(
        &std::fs::read(&manifest_path)
            .with_context(|| format!("{} is not an export (no manifest.json)", dir.display()))?,
    )
    .context("manifest.json is not valid")?;
    if manifest.format != FORMAT {
        bail!("unknown export format {}", manifest.format);
    }
    if manifest.schema_version != Db::schema_version() {
        bail!(
            "the export has schema version {} but this program has {}: use the same version of ketnoi",
            manifest.schema_version,
            Db::schema_version()
        );
    }
    let mut counts = Vec::new();
    for mt in &manifest.tables {
        let table = Table { name: mt.name.clone(), columns: mt.columns.clone(), depends_on: vec![] };
        sink.begin_table(&table).await?;
        let file = std::fs::File::open(dir.join(format!("{}.jsonl", mt.name)))
            .with_context(|| format!("missing {}.jsonl", mt.name))?;
        let mut batch = Vec::with_capacity(BATCH);
        let mut count = 0u64;
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let row: Vec<Value> =
                serde_json::from_str(&line?).with_context(|| format!("{}.jsonl line {}", mt.name, n + 1))?;
            batch.push(row);
            count += 1;
            if batch.len() == BATCH {
                sink.rows(&table, std::mem::take(&mut batch)).await?;
            }
        }
        if !batch.is_empty() {
            sink.rows(&table, batch).await?;
        }
        if count != mt.rows {
            bail!("{}.jsonl has {count} rows but the manifest says {}", mt.name, mt.rows);
        }
        sink.end_table(&table, count).await?;
        counts.push((mt.name.clone(), count));
    }
    sink.finish().await?;
    Ok(counts)
}

/// A consistent copy while serving, as a SQLite file: `VACUUM INTO` on SQLite,
/// a snapshot transaction copied into a fresh SQLite file on PostgreSQL.
pub async fn backup(db: &Db, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} exists; choose a new file name", file.display());
    }
    let path = file.to_str().context("file name is not UTF-8")?;
    match db {
        Db::Sqlite(p) => {
            sqlx::query("VACUUM INTO $1").bind(path).execute(p).await?;
        }
        Db::Postgres(_) => {
            let target = Db::connect(path).await?;
            target.migrate().await?;
            copy_from_db(db, DbSink::replace(&target).await?).await?;
            target.close().await;
        }
    }
    Ok(())
}

/// Replace the database's content with a backup file's.
pub async fn restore(db: &Db, file: &Path) -> anyhow::Result<Vec<(String, u64)>> {
    if !file.exists() {
        bail!("{} does not exist", file.display());
    }
    let src = Db::connect(file.to_str().context("file name is not UTF-8")?).await?;
    let version: Option<(i64,)> = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_optional(match &src {
            Db::Sqlite(p) => p,
            Db::Postgres(_) => unreachable!(),
        })
        .await
        .context("not a Kết Nối backup")?;
    if version.map(|v| v.0) != Some(Db::schema_version()) {
        bail!("the backup's schema version differs from this program's: use the same version of ketnoi");
    }
    let counts = copy_from_db(&src, DbSink::replace(db).await?).await?;
    src.close().await;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(Family::of("BIGINT").unwrap(), Family::Int);
        assert_eq!(Family::of("integer").unwrap(), Family::Int);
        assert_eq!(Family::of("timestamp with time zone").unwrap(), Family::Timestamp);
        assert_eq!(Family::of("BLOB").unwrap(), Family::Bytes);
        assert_eq!(Family::of("bytea").unwrap(), Family::Bytes);
        assert_eq!(Family::of("TIMESTAMP").unwrap(), Family::Timestamp);
        assert_eq!(Family::of("double precision").unwrap(), Family::Real);
        assert_eq!(Family::of("BOOLEAN").unwrap(), Family::Bool);
        assert_eq!(Family::of("DATE").unwrap(), Family::Date);
        assert_eq!(Family::of("character varying").unwrap(), Family::Text);
    }

    #[test]
    fn parents_first() {
        let t = |n: &str, d: &[&str]| Table {
            name: n.into(),
            columns: vec![],
            depends_on: d.iter().map(|s| s.to_string()).collect(),
        };
        let order = order_by_dependencies(vec![
            t("user_wards", &["users", "wards"]),
            t("users", &[]),
            t("wards", &["provinces"]),
            t("provinces", &[]),
        ]);
        let names: Vec<_> = order.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["users", "provinces", "wards", "user_wards"]);
    }
}
