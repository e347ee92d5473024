//! Bulk upsert for PostgreSQL: what differs from SQLite for speed. A batch
//! is copied into a staging table (COPY, the fastest way in) and upserted
//! from there by a few set-based statements, instead of a statement per row
//! (measured at a million rows: 40 s row by row). A first load into an
//! empty registry goes faster still: see [`FirstLoad`].

use crate::store::{upsert_tail, BatchResult, Kept, Prepared, Value, FIELDS, STORED};
use chrono::Utc;
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::HashMap;
use std::io::Write;

/// Bytes sent to COPY at a time.
const CHUNK: usize = 1 << 20;

/// Upsert a batch in one transaction: by CCCD when there is one, else by
/// (name, birth date, commune). Importing the same rows again changes
/// nothing; a batch is all or nothing. Returns the ids in order.
/// `kept`: answers the sheet did not ask, left as stored on an update.
pub async fn upsert(
    pool: &PgPool,
    province: &str,
    people: &[Prepared],
    kept: Kept,
) -> anyhow::Result<(Vec<i64>, BatchResult)> {
    let mut tx = pool.begin().await?;
    sqlx::query(&format!(
        "CREATE TEMP TABLE people_stage ON COMMIT DROP AS \
         SELECT 0::bigint AS ord, 0::bigint AS id, false AS fresh, {} FROM people WITH NO DATA",
        *FIELDS
    ))
    .execute(&mut *tx)
    .await?;
    // The same person never comes twice in one file (the reader refuses a
    // repeat), so one pass over the batch is row-by-row's result.
    let written = staged(&mut tx, province, people, kept).await?;
    tx.commit().await?;
    Ok(written)
}

/// Copy the batch into the staging table, then upsert it from there.
async fn staged(
    tx: &mut Transaction<'_, Postgres>,
    province: &str,
    people: &[Prepared],
    kept: Kept,
) -> anyhow::Result<(Vec<i64>, BatchResult)> {
    // Microseconds: what PostgreSQL keeps, so `created_at = now` holds for new rows.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
    let mut ids = vec![0i64; people.len()];
    let mut result = BatchResult::default();
    let sql = format!("COPY people_stage (ord, {}) FROM STDIN (FORMAT csv)", *FIELDS);
    copy_rows(tx, &sql, people, 0, b"", &mut Vec::with_capacity(CHUNK + 4096)).await?;
    // No ANALYZE (it would cost as much as the copy): without statistics the
    // planner takes few staged rows without CCCD and looks them up by index.

    // Without CCCD: the person already registered, else a new id.
    sqlx::query(
        "UPDATE people_stage s SET id = m.id FROM ( \
           SELECT DISTINCT ON (t.ord) t.ord, p.id FROM people_stage t JOIN people p \
           ON p.province_code = $1 AND p.ward_code = t.ward_code AND p.name_folded = t.name_folded \
           AND p.birth_date = t.birth_date AND p.cccd IS NULL \
           WHERE t.cccd IS NULL ORDER BY t.ord, p.id) m WHERE s.ord = m.ord",
    )
    .bind(province)
    .execute(&mut **tx)
    .await?;
    let written: Vec<&str> = kept.written().map(|(_, c)| c.name).collect();
    let changed: Vec<String> = crate::store::compared()
        .filter(|n| written.contains(n))
        .map(|n| format!("p.{n} IS DISTINCT FROM s.{n}"))
        .collect();
    let update = sqlx::query(&format!(
        "UPDATE people p SET ({}, updated_at) = ({}, $2) FROM people_stage s \
         WHERE p.province_code = $1 AND p.id = s.id AND s.cccd IS NULL AND ({})",
        written.join(", "),
        written.iter().map(|n| format!("s.{n}")).collect::<Vec<_>>().join(", "),
        changed.join(" OR ")
    ))
    .bind(province)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let (matched,): (i64,) = sqlx::query_as("SELECT count(*) FROM people_stage WHERE cccd IS NULL AND id IS NOT NULL")
        .fetch_one(&mut **tx)
        .await?;
    result.updated += update.rows_affected();
    result.unchanged += matched as u64 - update.rows_affected();
    let fresh = sqlx::query(
        "UPDATE people_stage SET id = nextval(pg_get_serial_sequence('people', 'id')), fresh = true \
         WHERE cccd IS NULL AND id IS NULL",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO people (id, province_code, {0}, created_at, updated_at, seq) \
         SELECT id, $1, {0}, $2, $2, txid_current() FROM people_stage WHERE fresh",
        *FIELDS
    ))
    .bind(province)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    result.inserted += fresh.rows_affected();
    let by_ord: Vec<(i64, i64)> =
        sqlx::query_as("SELECT ord, id FROM people_stage WHERE cccd IS NULL").fetch_all(&mut **tx).await?;
    for (ord, id) in by_ord {
        ids[ord as usize] = id;
    }

    // With CCCD: one upsert; a row that changes nothing returns nothing.
    let with_cccd: Vec<usize> = (0..people.len()).filter(|&i| people[i].person.cccd.is_some()).collect();
    if with_cccd.is_empty() {
        return Ok((ids, result));
    }
    let got: Vec<(i64, String, bool)> = sqlx::query_as(&format!(
        "INSERT INTO people (province_code, {0}, created_at, updated_at, seq) \
         SELECT $1, {0}, $2, $2, txid_current() FROM people_stage WHERE cccd IS NOT NULL{1} \
         RETURNING id, cccd, created_at = $2",
        *FIELDS,
        upsert_tail(kept)
    ))
    .bind(province)
    .bind(now)
    .fetch_all(&mut **tx)
    .await?;
    let mut by_cccd: HashMap<String, i64> = HashMap::with_capacity(got.len());
    for (id, cccd, inserted) in got {
        if inserted {
            result.inserted += 1;
        } else {
            result.updated += 1;
        }
        by_cccd.insert(cccd, id);
    }
    let same: Vec<String> = with_cccd
        .iter()
        .filter_map(|&i| people[i].person.cccd.as_ref().map(|c| c.to_string()))
        .filter(|c| !by_cccd.contains_key(c))
        .collect();
    if !same.is_empty() {
        let found: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, cccd FROM people WHERE province_code = $1 AND cccd = ANY($2)")
                .bind(province)
                .bind(&same)
                .fetch_all(&mut **tx)
                .await?;
        result.unchanged += found.len() as u64;
        by_cccd.extend(found.into_iter().map(|(id, c)| (c, id)));
    }
    for i in with_cccd {
        let cccd = people[i].person.cccd.as_ref().expect("with CCCD").as_str();
        ids[i] = *by_cccd.get(cccd).ok_or_else(|| anyhow::anyhow!("upsert returned no row for a CCCD"))?;
    }
    Ok((ids, result))
}

/// The first load of a survey into an empty registry (no province has
/// people yet), in one transaction: the table's indexes and its primary key
/// are dropped, rows are copied straight into `people` with ids reserved
/// from its sequence, and at the end every index is built once from sorted
/// keys. Kept up row by row instead (the staged upsert: a speculative
/// insert into the CCCD's unique index, three B-trees to descend per row)
/// a million rows took 13 times `\copy`. DROP INDEX locks the table: until
/// the load commits, whoever reads `people` waits (it has no one to show
/// yet). The foreign key on the commune stays, checked row by row:
/// dropping it would lock the table it refers to, `wards`, which every
/// page and form reads.
pub struct FirstLoad {
    tx: Transaction<'static, Postgres>,
    /// What to run at the end to put back what was dropped, in order.
    restore: Vec<String>,
    /// The columns that follow a row's answers: province, times, seq.
    tail: Vec<u8>,
    buf: Vec<u8>,
}

impl FirstLoad {
    /// Begin a first load if `people` is empty, else None (nothing is held).
    pub async fn begin(pool: &PgPool, province: &str) -> anyhow::Result<Option<Self>> {
        // The usual case (people registered) without taking the lock.
        let (empty,): (bool,) = sqlx::query_as("SELECT NOT EXISTS (SELECT 1 FROM people)").fetch_one(pool).await?;
        if !empty {
            return Ok(None);
        }
        let mut tx = pool.begin().await?;
        // Then again under the lock. Not waited for long: queued behind a
        // long reader (a dump), the lock would make every new reader queue
        // behind it. Not had: this import upserts batch by batch, as does
        // one started beside a first load (its rows wait for the load).
        sqlx::query("SET LOCAL lock_timeout = '2s'").execute(&mut *tx).await?;
        match sqlx::query("LOCK TABLE people IN ACCESS EXCLUSIVE MODE").execute(&mut *tx).await {
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03") => {
                tx.rollback().await?;
                return Ok(None);
            }
            locked => locked?,
        };
        sqlx::query("SET LOCAL lock_timeout TO DEFAULT").execute(&mut *tx).await?;
        let (empty, referenced): (bool, bool) = sqlx::query_as(
            "SELECT NOT EXISTS (SELECT 1 FROM people), \
             EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = 'people'::regclass)",
        )
        .fetch_one(&mut *tx)
        .await?;
        // A table referring to people would lose its foreign key with the primary key.
        if !empty || referenced {
            tx.rollback().await?;
            return Ok(None);
        }
        // Definitions as the catalog has them, whatever migrations made.
        let constraints: Vec<(String, String)> = sqlx::query_as(
            "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint \
             WHERE conrelid = 'people'::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname",
        )
        .fetch_all(&mut *tx)
        .await?;
        let indexes: Vec<(String, String)> = sqlx::query_as(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i \
             WHERE i.indrelid = 'people'::regclass AND NOT EXISTS \
             (SELECT 1 FROM pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid) \
             ORDER BY 1",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut restore = Vec::new();
        for (name, def) in &constraints {
            sqlx::query(&format!("ALTER TABLE people DROP CONSTRAINT \"{name}\"")).execute(&mut *tx).await?;
            restore.push(format!("ALTER TABLE people ADD CONSTRAINT \"{name}\" {def}"));
        }
        // Names as regclass prints them: quoted and schema-qualified where needed.
        for (name, def) in indexes {
            sqlx::query(&format!("DROP INDEX {name}")).execute(&mut *tx).await?;
            restore.push(def);
        }
        // Sorting a few million keys in memory, not in temporary files.
        sqlx::query("SET LOCAL maintenance_work_mem = '256MB'").execute(&mut *tx).await?;
        let (seq,): (i64,) = sqlx::query_as("SELECT txid_current()").fetch_one(&mut *tx).await?;
        // Microseconds: what PostgreSQL keeps.
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6).format("%Y-%m-%d %H:%M:%S%.6f+00");
        let tail = format!(",\"{province}\",{now},{now},{seq}").into_bytes();
        Ok(Some(Self { tx, restore, tail, buf: Vec::with_capacity(CHUNK + 4096) }))
    }

    /// Copy a batch into `people`: every row is a new person (the reader
    /// refuses a repeat within the file). Returns the ids in order.
    pub async fn write(&mut self, people: &[Prepared]) -> anyhow::Result<(Vec<i64>, BatchResult)> {
        if people.is_empty() {
            return Ok((Vec::new(), BatchResult::default()));
        }
        // Reserve the batch's ids at once: no one else inserts while the table is locked.
        let (last,): (i64,) = sqlx::query_as(
            "SELECT setval(pg_get_serial_sequence('people', 'id'), \
             nextval(pg_get_serial_sequence('people', 'id')) + $1 - 1)",
        )
        .bind(people.len() as i64)
        .fetch_one(&mut *self.tx)
        .await?;
        let first = last - people.len() as i64 + 1;
        let sql = format!(
            "COPY people (id, {}, province_code, created_at, updated_at, seq) FROM STDIN (FORMAT csv)",
            *FIELDS
        );
        copy_rows(&mut self.tx, &sql, people, first, &self.tail, &mut self.buf).await?;
        let ids = (first..=last).collect();
        Ok((ids, BatchResult { inserted: people.len() as u64, ..Default::default() }))
    }

    /// Give the load up: at once, not when the pool next hands out the
    /// connection (until then the table would stay locked).
    pub async fn abort(self) {
        if let Err(e) = self.tx.rollback().await {
            tracing::warn!(error = %e, "first load not rolled back; the connection will be");
        }
    }

    /// Build the indexes, check the constraints, commit.
    pub async fn finish(mut self) -> anyhow::Result<()> {
        let t = std::time::Instant::now();
        for sql in &self.restore {
            sqlx::query(sql).execute(&mut *self.tx).await?;
        }
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "indexes built");
        self.tx.commit().await?;
        Ok(())
    }
}

/// Send `people` to `copy` (a COPY … FROM STDIN in CSV) in chunks, each row
/// led by `lead` + its position and followed by `tail`.
async fn copy_rows(
    conn: &mut sqlx::PgConnection,
    copy: &str,
    people: &[Prepared],
    lead: i64,
    tail: &[u8],
    buf: &mut Vec<u8>,
) -> anyhow::Result<()> {
    let mut copy = conn.copy_in_raw(copy).await?;
    buf.clear();
    for (i, d) in people.iter().enumerate() {
        encode(buf, lead + i as i64, d, tail);
        if buf.len() >= CHUNK {
            copy.send(buf.as_slice()).await?;
            buf.clear();
        }
    }
    copy.send(buf.as_slice()).await?;
    copy.finish().await?;
    Ok(())
}

/// One row as COPY's CSV: a number (the position in the batch, or the id),
/// the answers in the order of [`STORED`], then `tail` (further columns,
/// each after a comma); an empty field is NULL, text is always quoted.
fn encode(out: &mut Vec<u8>, lead: i64, d: &Prepared, tail: &[u8]) {
    let _ = write!(out, "{lead}");
    for c in STORED.iter() {
        out.push(b',');
        match (c.value)(d) {
            Value::Text(None) | Value::Int(None) => {}
            Value::Text(Some(s)) => {
                out.push(b'"');
                for b in s.bytes() {
                    if b == b'"' {
                        out.push(b'"');
                    }
                    out.push(b);
                }
                out.push(b'"');
            }
            Value::Int(Some(n)) => {
                let _ = write!(out, "{n}");
            }
            Value::Bool(b) => out.push(if b { b't' } else { b'f' }),
            Value::Date(_, iso) => out.extend_from_slice(iso.as_bytes()),
        }
    }
    out.extend_from_slice(tail);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staged_row_reads_back_as_the_same_answers() {
        let input = crate::model::PersonInput {
            cccd: "056185012345".into(),
            full_name: "Nguyễn Thị Hoa".into(),
            hamlet: r#"Tổ 5, thôn "Phú Lộc""#.into(),
            birth_date: "05/06/1985".into(),
            sex: "Nữ".into(),
            ward_code: "22504".into(),
            qualification: "Trung cấp".into(),
            employment_status: "thất nghiệp".into(),
            unemployed_months: "4".into(),
            ..Default::default()
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let d = Prepared::new(crate::rules::validate(&input, refdata::refdata(), "56", today).unwrap());
        let mut out = Vec::new();
        encode(&mut out, 7, &d, b"");
        let line = String::from_utf8(out.clone()).unwrap();
        assert!(line.contains(r#","Tổ 5, thôn ""Phú Lộc""","#), "quoted, quotes doubled: {line}");
        assert!(line.contains(",,"), "NULL is an empty unquoted field: {line}");
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(row.len(), STORED.len() + 1);
        assert_eq!(&row[0], "7");
        assert_eq!(&row[2], d.person.full_name);
        let hamlet = STORED.iter().position(|c| c.name == "hamlet").unwrap() + 1;
        assert_eq!(&row[hamlet], r#"Tổ 5, thôn "Phú Lộc""#);
        let household = STORED.iter().position(|c| c.name == "household").unwrap() + 1;
        assert_eq!(&row[household], "", "NULL");
        let months = STORED.iter().position(|c| c.name == "unemployed_months").unwrap() + 1;
        assert_eq!(&row[months], "4");
        assert!(reader.records().next().is_none(), "one line per row");
    }
}
