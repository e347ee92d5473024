//! Bulk upsert for SQLite: what differs from PostgreSQL for speed. The async
//! driver pays a thread hand-off per statement, so a million-row import goes
//! through rusqlite on its own connection to the same file instead: one
//! prepared statement, large transactions (each all or nothing).

use crate::model::EmploymentStatus;
use crate::raw_insert::{Param, RawStatement};
use crate::search::Entry;
use crate::store::{changed_from, upsert_tail, BatchResult, Kept, Prepared, Value, FIELDS, FIND_WITHOUT_CCCD, STORED};
use chrono::NaiveDate;
use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

pub struct SqliteBulk {
    conn: Connection,
    province: String,
    /// The import's timestamp, encoded as sqlx encodes it (RFC 3339) so both drivers agree.
    now: String,
    /// First load into an empty registry: one transaction for the whole file,
    /// plain inserts. The CCCD's index is updated as rows go in (measured at
    /// a million rows, that beats sorting it at the end, which runs alone
    /// after the reader is done) and `people_dup` takes only rows without
    /// CCCD. `people_seq` is built at the end instead: every row of the file
    /// has its one `seq`, so the index's keys come in order, and a B-tree
    /// descent per row (a quarter of the writing) costs more than one sort
    /// of sorted keys (0.4 s at a million rows).
    initial: Option<Initial>,
}

#[derive(Default)]
struct Initial {
    begun: bool,
    /// The file's `seq`, taken when its transaction began.
    seq: i64,
    /// `people_seq` as the schema defines it, dropped for the load and
    /// created again before the commit (so never missing outside it).
    seq_index: Option<String>,
}

/// Parameter numbers: ?1 province, then the answers in the order of
/// [`STORED`], then these.
const CREATED_AT: usize = STORED.len() + 2;
const UPDATED_AT: usize = STORED.len() + 3;
/// The id an update binds.
const ID: usize = STORED.len() + 4;
/// The transaction's `seq`.
const SEQ: usize = STORED.len() + 5;

/// Bind what is the same for every row of a batch: the province, the
/// timestamps and the transaction's `seq`. Bindings stay until the
/// statement goes back to the cache, so a batch binds them once.
fn bind_batch(stmt: &mut rusqlite::Statement<'_>, province: &str, now: &str, seq: i64) -> rusqlite::Result<()> {
    stmt.raw_bind_parameter(1, province)?;
    stmt.raw_bind_parameter(CREATED_AT, now)?;
    stmt.raw_bind_parameter(UPDATED_AT, now)?;
    stmt.raw_bind_parameter(SEQ, seq)
}

/// `?from, …, ?to`.
fn placeholders(from: usize, to: usize) -> String {
    (from..=to).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
}

fn insert_sql() -> String {
    format!(
        "INSERT INTO people (province_code, {}, created_at, updated_at, seq) VALUES ({}, ?{SEQ})",
        *FIELDS,
        placeholders(1, UPDATED_AT)
    )
}

/// This transaction's `seq` ([`platform::follow`]): taken under the write
/// lock, so it is above every committed one and below every later one.
fn next_seq(conn: &Connection, province: &str) -> rusqlite::Result<i64> {
    conn.query_row(&platform::follow::sqlite_next_seq("people"), [province], |r| r.get(0))
}

/// Bind the answers, from ?2. Borrowed values: SQLite copies what it keeps,
/// so nothing is cloned here.
fn bind(stmt: &mut rusqlite::Statement<'_>, d: &Prepared) -> rusqlite::Result<()> {
    for (i, c) in STORED.iter().enumerate() {
        let at = i + 2;
        match (c.value)(d) {
            Value::Text(v) => stmt.raw_bind_parameter(at, v)?,
            Value::Int(v) => stmt.raw_bind_parameter(at, v)?,
            Value::Bool(v) => stmt.raw_bind_parameter(at, v)?,
            Value::Date(_, iso) => stmt.raw_bind_parameter(at, iso)?,
        }
    }
    Ok(())
}

/// A row's parameters for [`insert_sql`], borrowed: ?1 the province, the
/// answers, the timestamps and the seq (?{ID} is not in the statement).
fn insert_params<'a>(province: &'a str, now: &'a str, seq: i64, d: &'a Prepared) -> [Param<'a>; SEQ] {
    let mut p = [Param::Null; SEQ];
    p[0] = Param::Text(province);
    for (i, c) in STORED.iter().enumerate() {
        p[i + 1] = match (c.value)(d) {
            Value::Text(v) => v.map_or(Param::Null, Param::Text),
            Value::Int(v) => v.map_or(Param::Null, Param::Int),
            Value::Bool(b) => Param::Int(b.into()),
            Value::Date(_, iso) => Param::Text(iso),
        };
    }
    p[CREATED_AT - 1] = Param::Text(now);
    p[UPDATED_AT - 1] = Param::Text(now);
    p[SEQ - 1] = Param::Int(seq);
    p
}

/// Run a bound `INSERT … RETURNING id, created_at`: None when the upsert
/// found the person with the same answers and wrote nothing.
fn returning(stmt: &mut rusqlite::Statement<'_>) -> rusqlite::Result<Option<(i64, String)>> {
    let mut rows = stmt.raw_query();
    let Some(row) = rows.next()? else { return Ok(None) };
    Ok(Some((row.get(0)?, row.get(1)?)))
}

impl SqliteBulk {
    pub fn open(path: &Path, province: &str) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;",
        )?;
        // Every row's commune was checked against the reference data before
        // it came here; when the database holds those same communes, the
        // foreign key's lookup per row (a fifth of the writing) proves nothing more.
        let wards: i64 = conn.query_row("SELECT COUNT(*) FROM wards", [], |r| r.get(0))?;
        if usize::try_from(wards).ok() == Some(refdata::refdata().wards.len()) {
            conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        }
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

    fn write_initial(&mut self, people: &[Prepared], kept: Kept) -> anyhow::Result<(Vec<i64>, BatchResult)> {
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
                return self.write(people, kept);
            }
            let seq = next_seq(&self.conn, &self.province)?;
            // Only when no province has people: rebuilding the index also
            // indexes the rows already there.
            let seq_index: Option<String> = self
                .conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'people_seq' \
                     AND NOT EXISTS (SELECT 1 FROM people)",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if seq_index.is_some() {
                self.conn.execute_batch("DROP INDEX people_seq")?;
            }
            let init = self.initial.as_mut().expect("initial");
            init.begun = true;
            init.seq = seq;
            init.seq_index = seq_index;
        }
        let init = self.initial.as_mut().expect("initial");
        let mut result = BatchResult::default();
        let mut ids = Vec::with_capacity(people.len());
        let mut insert = RawStatement::prepare(&self.conn, &insert_sql())?;
        // The same person never comes twice in one file (the reader refuses
        // a repeat): every row is a new person.
        for d in people {
            insert.execute(&insert_params(&self.province, &self.now, init.seq, d))?;
            ids.push(self.conn.last_insert_rowid());
            result.inserted += 1;
        }
        Ok((ids, result))
    }

    /// End the import: on a first load, commit the file's transaction.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let Some(init) = self.initial.take() else { return Ok(()) };
        if init.begun {
            let t = std::time::Instant::now();
            if let Some(sql) = &init.seq_index {
                self.conn.execute_batch(sql)?;
                tracing::debug!(ms = t.elapsed().as_millis() as u64, "people_seq built");
            }
            self.conn.execute_batch("COMMIT")?;
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "first load committed");
        }
        Ok(())
    }

    /// Upsert `people` in one transaction: by CCCD, else by (name, birth date, commune).
    /// On a first load, rows join the file's single transaction, committed by
    /// [`SqliteBulk::finish`]; their ids are returned at once, and the caller
    /// takes them out of the search index again if the load fails.
    /// `kept`: answers the sheet did not ask, left as stored on an update.
    pub fn write(&mut self, people: &[Prepared], kept: Kept) -> anyhow::Result<(Vec<i64>, BatchResult)> {
        if self.initial.is_some() {
            return self.write_initial(people, kept);
        }
        let upsert_sql = format!("{}{} RETURNING id, created_at", insert_sql(), upsert_tail(kept));
        // Only when an answer differs (the SET's parameters, numbered, serve
        // again; a kept answer's parameter is bound and unused).
        let (names, params): (Vec<&str>, Vec<String>) =
            kept.written().map(|(i, c)| (c.name, format!("?{}", i + 2))).unzip();
        let update_sql = format!(
            "UPDATE people SET ({}, updated_at, seq) = ({}, ?{UPDATED_AT}, ?{SEQ}) \
             WHERE province_code = ?1 AND id = ?{ID} AND ({})",
            names.join(", "),
            params.join(", "),
            changed_from(kept, |i| format!("?{}", i + 2))
        );
        let id_sql = "SELECT id FROM people WHERE province_code = ?1 AND cccd = ?2";
        self.now = Utc::now().to_rfc3339_opts(SecondsFormat::AutoSi, false);
        let (province, now) = (self.province.clone(), self.now.clone());
        let mut result = BatchResult::default();
        let mut ids = Vec::with_capacity(people.len());
        // Immediate: the write lock first, then the seq under it.
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let seq = next_seq(&tx, &province)?;
        {
            let mut upsert = tx.prepare_cached(&upsert_sql)?;
            let mut update = tx.prepare_cached(&update_sql)?;
            let mut find = tx.prepare_cached(FIND_WITHOUT_CCCD)?;
            let mut same = tx.prepare_cached(id_sql)?;
            bind_batch(&mut upsert, &province, &now, seq)?;
            bind_batch(&mut update, &province, &now, seq)?;
            for d in people {
                let p = &d.person;
                let id = if p.cccd.is_some() {
                    bind(&mut upsert, d)?;
                    match returning(&mut upsert)? {
                        Some((id, created)) if created == now => {
                            result.inserted += 1;
                            id
                        }
                        Some((id, _)) => {
                            result.updated += 1;
                            id
                        }
                        None => {
                            result.unchanged += 1;
                            let cccd = p.cccd.as_ref().map(|c| c.as_str());
                            same.query_row(rusqlite::params![&province, cccd], |r| r.get(0))?
                        }
                    }
                } else {
                    let existing: Option<i64> = find
                        .query_row(
                            rusqlite::params![&province, p.ward_code.as_str(), &d.name_folded, &d.birth_date],
                            |r| r.get(0),
                        )
                        .optional()?;
                    match existing {
                        Some(id) => {
                            bind(&mut update, d)?;
                            update.raw_bind_parameter(ID, id)?;
                            if update.raw_execute()? == 0 {
                                result.unchanged += 1;
                            } else {
                                result.updated += 1;
                            }
                            id
                        }
                        None => {
                            bind(&mut upsert, d)?;
                            result.inserted += 1;
                            returning(&mut upsert)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?.0
                        }
                    }
                };
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok((ids, result))
    }
}

/// What the search index keeps of every person of a province (`?1`), read
/// by its streamed first load ([`platform::follow::stream_sqlite`]).
pub const INDEX_SQL: &str = "SELECT id, name_folded, ward_code, birth_date, sex, qualification, employment_status, \
     need_job, need_training, need_abroad, phone FROM people WHERE province_code = ?1";

/// One row of [`INDEX_SQL`] as the search index keeps it.
pub fn index_entry(r: &rusqlite::Row<'_>) -> anyhow::Result<Option<Entry>> {
    let Some(status) = EmploymentStatus::parse(r.get_ref(6)?.as_str()?) else { return Ok(None) };
    let phone = r.get_ref(10)?.as_str_or_null()?;
    Ok(Some(Entry {
        id: r.get(0)?,
        name_folded: r.get(1)?,
        ward_code: r.get(2)?,
        birth_date: NaiveDate::parse_from_str(r.get_ref(3)?.as_str()?, "%Y-%m-%d")?,
        female: r.get_ref(4)?.as_str()? == "female",
        qualification: r.get(5)?,
        status,
        need_job: r.get(7)?,
        need_training: r.get(8)?,
        need_abroad: r.get(9)?,
        phone: phone.and_then(|p| platform::types::PhoneNumber::parse(p).ok()).map(|p| crate::search::phone_key(&p)),
    }))
}
