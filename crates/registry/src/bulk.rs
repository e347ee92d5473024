//! Bulk upsert for SQLite: what differs from PostgreSQL for speed. The async
//! driver pays a thread hand-off per statement, so a million-row import goes
//! through rusqlite on its own connection to the same file instead: one
//! prepared statement, large transactions (each all or nothing).

use crate::model::Person;
use crate::search::Entry;
use crate::store::{entry_with, BatchResult, FIELDS, UPSERT_TAIL};
use chrono::{SecondsFormat, Utc};
use platform::types::Sex;
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

pub struct SqliteBulk {
    conn: Connection,
    province: String,
    /// The import's timestamp, encoded as sqlx encodes it (RFC 3339) so both drivers agree.
    now: String,
    /// First load into an empty registry: one transaction for the whole file,
    /// plain inserts. The indexes stay: the CCCD's is updated as rows go in
    /// (measured at a million rows, that beats sorting it at the end, which
    /// runs alone after the reader is done), `people_seq` takes the file's one
    /// number at the end of its range, and `people_dup` only rows without CCCD.
    initial: Option<Initial>,
}

#[derive(Default)]
struct Initial {
    begun: bool,
    /// The file's `seq`, taken when its transaction began.
    seq: i64,
    /// People without CCCD already inserted, by (commune, folded name, birth date).
    without_cccd: std::collections::HashMap<(String, String, String), i64>,
}

/// A validated person with what their row binds besides their answers,
/// prepared by the thread that read the file so the writer only writes.
pub struct Prepared {
    pub person: Person,
    pub name_folded: String,
    /// As sqlx encodes a date for SQLite (yyyy-mm-dd), so both drivers' rows agree.
    birth_date: String,
}

impl Prepared {
    pub fn new(person: Person) -> Prepared {
        let name_folded = platform::fold::fold(&person.full_name);
        let birth_date = iso_date(person.birth_date);
        Prepared { person, name_folded, birth_date }
    }

    /// The search index's entry for this person, stored as `id`.
    pub fn into_entry(self, id: i64) -> Entry {
        entry_with(id, &self.person, self.name_folded)
    }
}

/// yyyy-mm-dd by hand: `format!` costs more than the rest of a row's binding.
fn iso_date(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let (y, m, d) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&y) {
        return date.format("%F").to_string();
    }
    let y = y as u32;
    let digit = |n: u32| char::from(b'0' + n as u8);
    let mut s = String::with_capacity(10);
    s.extend([digit(y / 1000), digit(y / 100 % 10), digit(y / 10 % 10), digit(y % 10), '-']);
    s.extend([digit(m / 10), digit(m % 10), '-', digit(d / 10), digit(d % 10)]);
    s
}

/// Bind what is the same for every row of a batch: ?1 province, ?32
/// created_at, ?33 updated_at, ?35 the transaction's `seq`. Bindings stay
/// until the statement goes back to the cache, so a batch binds them once.
fn bind_batch(stmt: &mut rusqlite::Statement<'_>, province: &str, now: &str, seq: i64) -> rusqlite::Result<()> {
    stmt.raw_bind_parameter(1, province)?;
    stmt.raw_bind_parameter(32, now)?;
    stmt.raw_bind_parameter(33, now)?;
    stmt.raw_bind_parameter(35, seq)
}

/// The columns an insert writes, and their placeholders (?34 is the id an update binds).
const INSERT: &str = "INSERT INTO people (province_code, {FIELDS}, created_at, updated_at, seq) VALUES ";

fn insert_sql() -> String {
    let placeholders = (1..=33).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    format!("{}({placeholders}, ?35)", INSERT.replace("{FIELDS}", FIELDS))
}

/// This transaction's `seq` ([`platform::follow`]): taken under the write
/// lock, so it is above every committed one and below every later one.
fn next_seq(conn: &Connection, province: &str) -> rusqlite::Result<i64> {
    conn.query_row(&platform::follow::sqlite_next_seq("people"), [province], |r| r.get(0))
}

/// Bind ?2..?31, the answers. Borrowed values: SQLite copies what it keeps,
/// so nothing is cloned here.
fn bind(stmt: &mut rusqlite::Statement<'_>, d: &Prepared) -> rusqlite::Result<()> {
    let p = &d.person;
    fn s(o: &Option<String>) -> Option<&str> {
        o.as_deref()
    }
    stmt.raw_bind_parameter(2, p.cccd.as_ref().map(|c| c.as_str()))?;
    stmt.raw_bind_parameter(3, p.full_name.as_str())?;
    stmt.raw_bind_parameter(4, d.name_folded.as_str())?;
    stmt.raw_bind_parameter(5, d.birth_date.as_str())?;
    stmt.raw_bind_parameter(6, if p.sex == Sex::Female { "female" } else { "male" })?;
    stmt.raw_bind_parameter(7, s(&p.ethnicity))?;
    stmt.raw_bind_parameter(8, p.phone.as_ref().map(|x| x.as_str()))?;
    stmt.raw_bind_parameter(9, p.ward_code.as_str())?;
    stmt.raw_bind_parameter(10, s(&p.hamlet))?;
    stmt.raw_bind_parameter(11, s(&p.household))?;
    stmt.raw_bind_parameter(12, s(&p.legacy_ward_code))?;
    stmt.raw_bind_parameter(13, p.ward_certain)?;
    stmt.raw_bind_parameter(14, s(&p.education))?;
    stmt.raw_bind_parameter(15, p.qualification.as_str())?;
    stmt.raw_bind_parameter(16, s(&p.training_field))?;
    stmt.raw_bind_parameter(17, p.employment_status.as_str())?;
    stmt.raw_bind_parameter(18, s(&p.occupation_isco))?;
    stmt.raw_bind_parameter(19, s(&p.job_position))?;
    stmt.raw_bind_parameter(20, s(&p.workplace))?;
    stmt.raw_bind_parameter(21, s(&p.enterprise_type))?;
    stmt.raw_bind_parameter(22, s(&p.sector))?;
    stmt.raw_bind_parameter(23, s(&p.prev_occupation_isco))?;
    stmt.raw_bind_parameter(24, p.unemployed_months)?;
    stmt.raw_bind_parameter(25, s(&p.inactivity_reason))?;
    stmt.raw_bind_parameter(26, p.needs.job)?;
    stmt.raw_bind_parameter(27, p.needs.training)?;
    stmt.raw_bind_parameter(28, s(&p.needs.training_trade))?;
    stmt.raw_bind_parameter(29, p.needs.abroad)?;
    stmt.raw_bind_parameter(30, s(&p.needs.abroad_country))?;
    stmt.raw_bind_parameter(31, p.expected_wage)
}

/// Run a bound `INSERT … RETURNING id, created_at`.
fn returning(stmt: &mut rusqlite::Statement<'_>) -> rusqlite::Result<(i64, String)> {
    let mut rows = stmt.raw_query();
    let row = rows.next()?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok((row.get(0)?, row.get(1)?))
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

    fn write_initial(&mut self, people: &[Prepared]) -> anyhow::Result<(Vec<Option<i64>>, BatchResult)> {
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
            let seq = next_seq(&self.conn, &self.province)?;
            let init = self.initial.as_mut().expect("initial");
            init.begun = true;
            init.seq = seq;
        }
        let init = self.initial.as_mut().expect("initial");
        let mut result = BatchResult::default();
        let mut ids = Vec::with_capacity(people.len());
        let mut insert = self.conn.prepare_cached(&insert_sql())?;
        bind_batch(&mut insert, &self.province, &self.now, init.seq)?;
        for d in people {
            let p = &d.person;
            if p.cccd.is_none() {
                let key = (p.ward_code.to_string(), d.name_folded.clone(), d.birth_date.clone());
                if init.without_cccd.contains_key(&key) {
                    // The same person twice in the file without CCCD: the first
                    // row stands, and this one is not indexed either.
                    ids.push(None);
                    result.updated += 1;
                    continue;
                }
                bind(&mut insert, d)?;
                insert.raw_execute()?;
                init.without_cccd.insert(key, self.conn.last_insert_rowid());
            } else {
                bind(&mut insert, d)?;
                insert.raw_execute()?;
            }
            ids.push(Some(self.conn.last_insert_rowid()));
            result.inserted += 1;
        }
        Ok((ids, result))
    }

    /// End the import: on a first load, commit the file's transaction.
    pub fn finish(mut self) -> anyhow::Result<()> {
        let Some(init) = self.initial.take() else { return Ok(()) };
        if init.begun {
            let t = std::time::Instant::now();
            self.conn.execute_batch("COMMIT")?;
            tracing::debug!(ms = t.elapsed().as_millis() as u64, "first load committed");
        }
        Ok(())
    }

    /// Upsert `people` in one transaction: by CCCD, else by (name, birth date, commune).
    /// On a first load, rows join the file's single transaction, committed by
    /// [`SqliteBulk::finish`]; their ids are returned at once, and the caller
    /// takes them out of the search index again if the load fails. A row that
    /// was not stored (a repeat within a first load) has no id.
    pub fn write(&mut self, people: &[Prepared]) -> anyhow::Result<(Vec<Option<i64>>, BatchResult)> {
        if self.initial.is_some() {
            return self.write_initial(people);
        }
        let upsert_sql = format!("{}{UPSERT_TAIL} RETURNING id, created_at", insert_sql());
        let set = (2..=31).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let update_sql = format!(
            "UPDATE people SET ({FIELDS}, updated_at, seq) = ({set}, ?33, ?35) WHERE province_code = ?1 AND id = ?34"
        );
        let find_sql = "SELECT id FROM people WHERE province_code = ?1 AND ward_code = ?2 AND name_folded = ?3 \
                        AND birth_date = ?4 AND cccd IS NULL ORDER BY id LIMIT 1";
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
            let mut find = tx.prepare_cached(find_sql)?;
            bind_batch(&mut upsert, &province, &now, seq)?;
            bind_batch(&mut update, &province, &now, seq)?;
            for d in people {
                let p = &d.person;
                let id = if p.cccd.is_some() {
                    bind(&mut upsert, d)?;
                    let (id, created) = returning(&mut upsert)?;
                    if created == now {
                        result.inserted += 1;
                    } else {
                        result.updated += 1;
                    }
                    id
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
                            update.raw_bind_parameter(34, id)?;
                            update.raw_execute()?;
                            result.updated += 1;
                            id
                        }
                        None => {
                            bind(&mut upsert, d)?;
                            result.inserted += 1;
                            returning(&mut upsert)?.0
                        }
                    }
                };
                ids.push(Some(id));
            }
        }
        tx.commit()?;
        Ok((ids, result))
    }
}

#[cfg(test)]
mod tests {
    use super::iso_date;
    use chrono::NaiveDate;

    #[test]
    fn dates_are_written_as_sqlx_writes_them() {
        for (y, m, d) in [(1, 1, 1), (1968, 2, 29), (2003, 12, 31), (9999, 9, 9), (-5, 3, 4), (12345, 1, 2)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.format("%F").to_string());
        }
    }
}
