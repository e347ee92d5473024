//! Bulk upsert for SQLite: what differs from PostgreSQL for speed. The async
//! driver pays a thread hand-off per statement, so a million-row import goes
//! through rusqlite on its own connection to the same file instead: one
//! prepared statement, large transactions (each all or nothing).

use crate::model::Person;
use crate::search::Entry;
use crate::store::{entry_of, BatchResult, FIELDS, UPSERT_TAIL};
use chrono::{SecondsFormat, Utc};
use platform::types::Sex;
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use std::path::Path;

pub struct SqliteBulk {
    conn: Connection,
    province: String,
    /// The import's timestamp, encoded as sqlx encodes it (RFC 3339) so both drivers agree.
    now: String,
    /// First load into an empty registry: one transaction for the whole file,
    /// secondary indexes dropped and rebuilt once at the end (sorting beats a
    /// million random B-tree inserts).
    initial: Option<Initial>,
}

#[derive(Default)]
struct Initial {
    /// `CREATE INDEX` statements to replay at the end, read from the schema itself.
    indexes: Vec<String>,
    begun: bool,
    /// People without CCCD already inserted, by (commune, folded name, birth date).
    without_cccd: std::collections::HashMap<(String, String, String), i64>,
}

fn text(o: &Option<String>) -> Value {
    o.clone().map(Value::Text).unwrap_or(Value::Null)
}

fn int(o: Option<i64>) -> Value {
    o.map(Value::Integer).unwrap_or(Value::Null)
}

/// ?1 province, ?2..?31 the answers, ?32 created_at, ?33 updated_at.
fn values(province: &str, now: &str, p: &Person) -> Vec<Value> {
    vec![
        Value::Text(province.to_owned()),
        p.cccd.as_ref().map(|c| Value::Text(c.to_string())).unwrap_or(Value::Null),
        Value::Text(p.full_name.clone()),
        Value::Text(platform::fold::fold(&p.full_name)),
        Value::Text(p.birth_date.format("%F").to_string()),
        Value::Text(if p.sex == Sex::Female { "female" } else { "male" }.into()),
        text(&p.ethnicity),
        p.phone.as_ref().map(|x| Value::Text(x.to_string())).unwrap_or(Value::Null),
        Value::Text(p.ward_code.to_string()),
        text(&p.hamlet),
        text(&p.household),
        text(&p.legacy_ward_code),
        Value::Integer(p.ward_certain.into()),
        text(&p.education),
        Value::Text(p.qualification.clone()),
        text(&p.training_field),
        Value::Text(p.employment_status.as_str().into()),
        text(&p.occupation_isco),
        text(&p.job_position),
        text(&p.workplace),
        text(&p.enterprise_type),
        text(&p.sector),
        text(&p.prev_occupation_isco),
        int(p.unemployed_months),
        text(&p.inactivity_reason),
        Value::Integer(p.needs.job.into()),
        Value::Integer(p.needs.training.into()),
        text(&p.needs.training_trade),
        Value::Integer(p.needs.abroad.into()),
        text(&p.needs.abroad_country),
        int(p.expected_wage),
        Value::Text(now.to_owned()),
        Value::Text(now.to_owned()),
    ]
}

impl SqliteBulk {
    pub fn open(path: &Path, province: &str) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;",
        )?;
        // As sqlx encodes timestamps, so both drivers' rows compare and sort alike.
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, false);
        let existing: i64 =
            conn.query_row("SELECT COUNT(*) FROM people WHERE province_code = ?1", [province], |r| r.get(0))?;
        let initial = (existing == 0).then(Initial::default);
        Ok(Self { conn, province: province.into(), now, initial })
    }

    /// Whether this import is the first load (whole file in one transaction).
    pub fn is_initial(&self) -> bool {
        self.initial.is_some()
    }

    fn write_initial(&mut self, people: &[Person]) -> anyhow::Result<(Vec<Entry>, BatchResult)> {
        if !self.initial.as_ref().expect("initial").begun {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            // Another import may have loaded people since this one opened: then
            // this is no first load after all, and rows must be upserted.
            let existing: i64 =
                self.conn.query_row("SELECT COUNT(*) FROM people WHERE province_code = ?1", [&self.province], |r| {
                    r.get(0)
                })?;
            if existing > 0 {
                self.conn.execute_batch("COMMIT")?;
                self.initial = None;
                return self.write(people);
            }
            // Let SQLite sort with a second thread when it rebuilds the indexes.
            self.conn.execute_batch("PRAGMA threads = 2")?;
            let init = self.initial.as_mut().expect("initial");
            init.begun = true;
            let mut stmt = self.conn.prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'people' AND sql IS NOT NULL",
            )?;
            let found: Vec<(String, String)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            drop(stmt);
            for (name, sql) in found {
                self.conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                self.initial.as_mut().expect("initial").indexes.push(sql);
            }
        }
        let init = self.initial.as_mut().expect("initial");
        let placeholders = (1..=33).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let insert_sql =
            format!("INSERT INTO people (province_code, {FIELDS}, created_at, updated_at) VALUES ({placeholders})");
        let mut result = BatchResult::default();
        let mut entries = Vec::with_capacity(people.len());
        let mut insert = self.conn.prepare_cached(&insert_sql)?;
        for p in people {
            let v = values(&self.province, &self.now, p);
            if p.cccd.is_none() {
                let key = (p.ward_code.to_string(), platform::fold::fold(&p.full_name), p.birth_date.to_string());
                if let Some(id) = init.without_cccd.get(&key) {
                    // The same person twice in the file without CCCD: the first row stands.
                    entries.push(entry_of(*id, p));
                    result.updated += 1;
                    continue;
                }
                insert.execute(params_from_iter(v.iter()))?;
                init.without_cccd.insert(key, self.conn.last_insert_rowid());
            } else {
                insert.execute(params_from_iter(v.iter()))?;
            }
            entries.push(entry_of(self.conn.last_insert_rowid(), p));
            result.inserted += 1;
        }
        Ok((entries, result))
    }

    /// End the import: on a first load, rebuild the indexes and commit.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let Some(init) = self.initial.take() else { return Ok(()) };
        if !init.begun {
            return Ok(());
        }
        let t = std::time::Instant::now();
        for sql in &init.indexes {
            self.conn.execute_batch(sql)?;
        }
        self.conn.execute_batch("COMMIT")?;
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "indexes rebuilt and committed");
        Ok(())
    }

    /// Upsert `people` in one transaction: by CCCD, else by (name, birth date, commune).
    /// On a first load, rows join the file's single transaction, committed by
    /// [`SqliteBulk::finish`]; their index entries are returned at once, and the
    /// caller takes them out of the search index again if the load fails.
    pub fn write(&mut self, people: &[Person]) -> anyhow::Result<(Vec<Entry>, BatchResult)> {
        if self.initial.is_some() {
            return self.write_initial(people);
        }
        let placeholders = (1..=33).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let upsert_sql = format!(
            "INSERT INTO people (province_code, {FIELDS}, created_at, updated_at) VALUES ({placeholders}){UPSERT_TAIL} RETURNING id, created_at"
        );
        let set = (2..=31).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let update_sql =
            format!("UPDATE people SET ({FIELDS}, updated_at) = ({set}, ?33) WHERE province_code = ?1 AND id = ?34");
        let find_sql = "SELECT id FROM people WHERE province_code = ?1 AND ward_code = ?2 AND name_folded = ?3 \
                        AND birth_date = ?4 AND cccd IS NULL ORDER BY id LIMIT 1";
        // A timestamp per transaction, so the server's catch-up (which follows
        // updated_at) sees rows in the order they were committed.
        self.now = Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, false);
        let (province, now) = (self.province.clone(), self.now.clone());
        let mut result = BatchResult::default();
        let mut entries = Vec::with_capacity(people.len());
        let tx = self.conn.transaction()?;
        {
            let mut upsert = tx.prepare_cached(&upsert_sql)?;
            let mut update = tx.prepare_cached(&update_sql)?;
            let mut find = tx.prepare_cached(find_sql)?;
            for p in people {
                let mut v = values(&province, &now, p);
                let id = if p.cccd.is_some() {
                    let (id, created): (i64, String) =
                        upsert.query_row(params_from_iter(v.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
                    if created == now {
                        result.inserted += 1;
                    } else {
                        result.updated += 1;
                    }
                    id
                } else {
                    let existing: Option<i64> =
                        find.query_row(rusqlite::params![&v[0], &v[8], &v[3], &v[4]], |r| r.get(0)).optional()?;
                    match existing {
                        Some(id) => {
                            v.push(Value::Integer(id));
                            update.execute(params_from_iter(v.iter()))?;
                            result.updated += 1;
                            id
                        }
                        None => {
                            let (id, _): (i64, String) =
                                upsert.query_row(params_from_iter(v.iter()), |r| Ok((r.get(0)?, r.get(1)?)))?;
                            result.inserted += 1;
                            id
                        }
                    }
                };
                entries.push(entry_of(id, p));
            }
        }
        tx.commit()?;
        Ok((entries, result))
    }
}
