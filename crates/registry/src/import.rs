//! Import of survey sheets: every row validated, valid rows upserted in
//! batches (each batch one transaction, so a killed import leaves no half
//! batch and can simply be run again), rejected rows written with their
//! reason to an XLSX the user downloads. The file is streamed, never held.

use crate::model::PersonInput;
use crate::rules;
use crate::search::SearchIndex;
use crate::survey::Field;
use platform::sheet::{self, SheetError};

type RawRow = sheet::RawRow<Field>;
use crate::store;
use chrono::NaiveDate;
use platform::i18n::{t, Lang};
use platform::Db;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

impl Report {
    /// Rows stored or found already stored as they are.
    pub fn accepted(&self) -> u64 {
        self.inserted + self.updated + self.unchanged
    }
}

/// Rows per transaction: large transactions are what make bulk writing fast
/// (SQLite's prepared inserts, PostgreSQL's COPY and set-based upsert).
pub const BATCH: usize = 20_000;

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = ImportReport)]
pub struct Report {
    /// Data rows read.
    pub rows: u64,
    pub inserted: u64,
    /// Registered already; an answer changed.
    pub updated: u64,
    /// Registered already with the same answers.
    #[serde(default)]
    pub unchanged: u64,
    pub rejected: u64,
    /// Rows whose old commune was split: converted to the usual successor, to check.
    pub uncertain_wards: u64,
    /// The first [`SAMPLE_ROWS`] rejected rows, for the import's page (the
    /// whole list is the rejected-rows file). Kept out of the API's report:
    /// codes there would need the catalog to be read.
    #[serde(skip)]
    pub rejected_rows: Vec<RejectedRow>,
    /// Rows taken with a number whose leading zero a number cell dropped
    /// (a CCCD of 11 digits, a phone of 9): put back, and noted.
    #[serde(default)]
    pub noted: u64,
    /// The first [`SAMPLE_ROWS`] of them, as (field, note key) pairs.
    #[serde(skip)]
    pub noted_rows: Vec<RejectedRow>,
}

/// Rejected rows shown on the import's page; the rest are in the file.
pub const SAMPLE_ROWS: usize = 100;

/// A rejected row as the page lists it: its line in the file and, for each
/// problem, the field and the message key (read in the viewer's language).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RejectedRow {
    pub line: u64,
    /// (field, message key) pairs.
    pub errors: Vec<(String, String)>,
}

/// Progress as rows are read: (rows read, accepted, rejected).
pub type OnProgress<'a> = dyn Fn(u64, u64, u64) + Send + Sync + 'a;

pub struct Options<'a> {
    pub province: &'a str,
    /// Rows outside these communes are refused.
    pub scope: platform::auth::AreaScope,
    pub today: NaiveDate,
    /// Language of the reasons in the rejected-rows file.
    pub lang: Lang,
    pub rejects: PathBuf,
    /// Set when someone asks the import to stop (checked every few thousand
    /// rows). The batches written before it stay: the import is idempotent,
    /// so running the file again completes it.
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

/// An import stopped on request.
#[derive(Debug, thiserror::Error)]
#[error("import cancelled")]
pub struct Cancelled;

/// Fill `input` from `row`, reusing its strings' buffers (no allocation per
/// field once the first rows have sized them).
pub(crate) fn fill_input(input: &mut PersonInput, row: &RawRow) {
    for c in &crate::survey::SURVEY {
        let target = (c.input)(input);
        target.clear();
        target.push_str(row.get(c.field));
    }
}

/// Where rejected rows go: the file (created at the first one) and the
/// first [`SAMPLE_ROWS`] of them for the page.
/// Rows taken with a remark: how many, and the first few for the page.
#[derive(Default)]
struct Notes {
    count: u64,
    sample: Vec<RejectedRow>,
}

impl Notes {
    fn note(&mut self, line: u64, fields: impl Iterator<Item = &'static str>) {
        let mut fields = fields.peekable();
        if fields.peek().is_none() {
            return;
        }
        self.count += 1;
        if self.sample.len() < SAMPLE_ROWS {
            let errors = fields.map(|f| (f.to_owned(), "import.note.zero_restored".to_owned())).collect();
            self.sample.push(RejectedRow { line, errors });
        }
    }
}

#[derive(Default)]
struct Rejects {
    writer: Option<platform::sheet::write::RejectsWriter>,
    sample: Vec<RejectedRow>,
}

impl Rejects {
    fn push(
        &mut self,
        path: &Path,
        header: &[String],
        lang: Lang,
        line: u64,
        original: &[String],
        errors: &[platform::error::FieldError],
    ) -> anyhow::Result<()> {
        if self.sample.len() < SAMPLE_ROWS {
            let errors = errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect();
            self.sample.push(RejectedRow { line, errors });
        }
        if self.writer.is_none() {
            self.writer = Some(platform::sheet::write::RejectsWriter::create(
                path,
                header,
                t(lang, "import.line"),
                t(lang, "import.reason"),
            )?);
        }
        self.writer.as_mut().expect("created").push(line, original, &platform::sheet::reason(errors, lang))
    }
}

/// Drop from `batch` the people whose CCCD is registered in a commune outside
/// `wards`, rejecting their rows: an officer's file must not change them.
fn keep_own(
    runtime: &tokio::runtime::Handle,
    db: &Db,
    province: &str,
    wards: &[String],
    batch: &mut Vec<store::Prepared>,
    origins: &mut Vec<(u64, Vec<String>)>,
    reject: &mut dyn FnMut(u64, &[String], &[platform::error::FieldError]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let cccds: Vec<String> = batch.iter().filter_map(|d| d.person.cccd.as_ref().map(|c| c.to_string())).collect();
    let outside = runtime.block_on(store::cccds_outside(db, province, &cccds, wards))?;
    if !outside.is_empty() {
        let error =
            [platform::error::FieldError { field: "cccd".into(), code: "err.cccd.other_commune".into(), row: None }];
        let mut rows = origins.drain(..);
        let mut failed = Ok(());
        batch.retain(|d| {
            let (line, original) = rows.next().expect("one origin a row");
            let theirs = d.person.cccd.as_ref().is_some_and(|c| outside.contains(c.as_str()));
            if theirs && failed.is_ok() {
                failed = reject(line, &original, &error);
            }
            !theirs
        });
        failed?;
    }
    origins.clear();
    Ok(())
}

enum Msg {
    /// Validated rows for the async writer (PostgreSQL).
    Valid(Vec<store::Prepared>),
    /// Rows the bulk writer stored (SQLite), with their ids: index them.
    Written(Vec<store::Prepared>, Vec<i64>, store::BatchResult),
    Progress(u64, u64),
}

/// A whole-file problem in the user's language.
pub fn file_error_message(e: &anyhow::Error, lang: Lang) -> String {
    match e.downcast_ref::<SheetError>() {
        Some(s) => s.message(lang),
        None if e.downcast_ref::<Cancelled>().is_some() => t(lang, "import.cancelled").to_owned(),
        // Not the file's fault (the database, the disk): no internals on the page.
        None => t(lang, "err.import.failed").to_owned(),
    }
}

/// Whether the file can be imported at all (format, encoding, header), read
/// up to its first data row only: whole-file problems are told at the upload,
/// on the form, before any job starts. The error wraps a [`SheetError`].
pub fn check_file(path: &Path) -> anyhow::Result<()> {
    #[derive(Debug, thiserror::Error)]
    #[error("first data row reached")]
    struct FirstRow;
    match sheet::read_rows::<Field>(path, |_| Ok(()), |_| Err(FirstRow.into())) {
        Ok(_) => Ok(()),
        Err(e) if e.is::<FirstRow>() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Import `path`. Validation and reading run on a blocking thread; batches are
/// upserted here as they arrive (bounded channel: the file streams through).
pub async fn run(
    db: &Db,
    index: Option<&SearchIndex>,
    path: &Path,
    opts: Options<'_>,
    on_progress: &OnProgress<'_>,
) -> anyhow::Result<Report> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
    // Batches come back empty once indexed and are filled again: a fresh
    // batch of 20,000 people is ~16 MB of new pages for the kernel to clear
    // (measured: 8 % of an import's time).
    let (recycle_tx, recycle_rx) = std::sync::mpsc::channel::<Vec<store::Prepared>>();
    let path = path.to_owned();
    let province = opts.province.to_owned();
    let (today, lang, rejects_path, scope) = (opts.today, opts.lang, opts.rejects.clone(), opts.scope.clone());
    let cancel = opts.cancel.clone();
    let mut initial = false;
    // The answers the sheet has no column for (known once its header is
    // read, before any row): an update keeps them as stored.
    let kept = std::sync::Arc::new(std::sync::OnceLock::<store::Kept>::new());
    let writer_kept = std::sync::Arc::clone(&kept);
    // SQLite: a writer thread of its own with rusqlite, so reading and
    // validating (this thread) and writing (that one) use both cores.
    let (writer_tx, writer) = match db {
        Db::Sqlite(pool) => {
            let mut bulk = crate::bulk::SqliteBulk::open(pool.connect_options().get_filename(), opts.province)?;
            initial = bulk.is_initial();
            let (wtx, wrx) = std::sync::mpsc::sync_channel::<Option<Vec<store::Prepared>>>(2);
            let tx = tx.clone();
            let handle = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                // Time spent writing (not waiting for rows): which side bounds the import.
                let mut busy = std::time::Duration::ZERO;
                while let Ok(msg) = wrx.recv() {
                    match msg {
                        Some(batch) => {
                            let t = std::time::Instant::now();
                            let (ids, result) = bulk.write(&batch, writer_kept.get().copied().unwrap_or_default())?;
                            busy += t.elapsed();
                            tx.blocking_send(Msg::Written(batch, ids, result))
                                .map_err(|_| anyhow::anyhow!("import stopped"))?;
                        }
                        // The whole file was read: only now may a first load commit.
                        None => {
                            tracing::debug!(ms = busy.as_millis() as u64, "rows written");
                            return bulk.finish();
                        }
                    }
                }
                // The reader gave up: dropping the connection rolls a first load back.
                Ok(())
            });
            (Some(wtx), Some(handle))
        }
        Db::Postgres(_) => (None, None),
    };
    // PostgreSQL: a first load holds `people` locked, so a commune officer's
    // import (which looks people up while reading) upserts batch by batch.
    let mut first_load = match db {
        Db::Postgres(pool) if !matches!(scope, platform::auth::AreaScope::Wards(_)) => {
            crate::copy::FirstLoad::begin(pool, opts.province).await?
        }
        _ => None,
    };
    initial |= first_load.is_some();
    let reader_writer_tx = writer_tx.clone();
    let started = std::time::Instant::now();
    let runtime = tokio::runtime::Handle::current();
    let check_db = db.clone();
    let header_kept = std::sync::Arc::clone(&kept);
    let reader = tokio::task::spawn_blocking(move || -> anyhow::Result<(u64, u64, u64, Vec<RejectedRow>, Notes)> {
        let d = refdata::refdata();
        let mut rejects = Rejects::default();
        let header_cells = std::cell::RefCell::new(Vec::<String>::new());
        // CCCDs seen in this file, as numbers (12 digits fit a u64).
        let mut seen: HashSet<u64, foldhash::fast::RandomState> = HashSet::default();
        // People without CCCD seen in this file: (commune, folded name, birth date).
        let mut seen_without: HashSet<(String, String, chrono::NaiveDate), foldhash::fast::RandomState> =
            HashSet::default();
        let mut input = PersonInput::default();
        let new_batch = || recycle_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
        let mut batch = new_batch();
        // For a commune officer: where each batch row came from, to refuse rows
        // whose CCCD belongs to someone registered in another commune.
        let scoped_wards = match &scope {
            platform::auth::AreaScope::Wards(w) => Some(w.clone()),
            _ => None,
        };
        let mut origins: Vec<(u64, Vec<String>)> = Vec::new();
        // Hand a full batch to whichever writer this backend uses.
        let flush = |prepared: Vec<store::Prepared>| -> anyhow::Result<()> {
            match &reader_writer_tx {
                Some(w) => w.send(Some(prepared)).map_err(|_| anyhow::anyhow!("import stopped")),
                None => tx.blocking_send(Msg::Valid(prepared)).map_err(|_| anyhow::anyhow!("import stopped")),
            }
        };
        let (mut read, mut rejected, mut uncertain) = (0u64, 0u64, 0u64);
        let mut notes = Notes::default();
        let rows = sheet::read_rows(
            &path,
            |h| {
                *header_cells.borrow_mut() = h.original.clone();
                let _ = header_kept.set(store::Kept::absent_from(h));
                Ok(())
            },
            |row| {
                read += 1;
                fill_input(&mut input, &row);
                let verdict = rules::validate(&input, d, &province, today).and_then(|p| {
                    if !scope.allows(p.ward_code.as_str()) {
                        return Err(vec![platform::error::FieldError {
                            field: "ward_code".into(),
                            code: "err.ward.not_yours".into(),
                            row: None,
                        }]);
                    }
                    let d = store::Prepared::new(p);
                    // The same person twice in one file: the first row counts
                    // (without CCCD, the same commune, name and birth date is
                    // the same person, as when a row is matched to the registry).
                    let p = &d.person;
                    let repeated = match &p.cccd {
                        Some(c) => (!seen.insert(c.as_str().parse().expect("12 digits")))
                            .then_some(("cccd", "err.cccd.duplicate_in_file")),
                        None => {
                            let key = (p.ward_code.to_string(), d.name_folded.clone(), p.birth_date);
                            (!seen_without.insert(key)).then_some(("full_name", "err.person.duplicate_in_file"))
                        }
                    };
                    match repeated {
                        Some((field, code)) => {
                            Err(vec![platform::error::FieldError { field: field.into(), code: code.into(), row: None }])
                        }
                        None => Ok(d),
                    }
                });
                let mut reject = |line: u64, original: &[String], errors: &[platform::error::FieldError]| {
                    rejected += 1;
                    rejects.push(&rejects_path, &header_cells.borrow(), lang, line, original, errors)
                };
                match verdict {
                    Ok(d) => {
                        uncertain += u64::from(!d.person.ward_certain);
                        notes.note(row.line, rules::zeros_restored(&input, &d.person));
                        batch.push(d);
                        if scoped_wards.is_some() {
                            origins.push((row.line, row.original()));
                        }
                        if batch.len() == BATCH {
                            let mut full = std::mem::replace(&mut batch, new_batch());
                            if let Some(wards) = &scoped_wards {
                                keep_own(&runtime, &check_db, &province, wards, &mut full, &mut origins, &mut reject)?;
                            }
                            flush(full)?;
                        }
                    }
                    Err(errors) => reject(row.line, &row.original(), &errors)?,
                }
                if read % 5000 == 0 {
                    let _ = tx.blocking_send(Msg::Progress(read, rejected));
                    if cancel.as_ref().is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed)) {
                        return Err(Cancelled.into());
                    }
                }
                Ok(())
            },
        )?;
        if let Some(wards) = &scoped_wards {
            let mut reject = |line: u64, original: &[String], errors: &[platform::error::FieldError]| {
                rejected += 1;
                rejects.push(&rejects_path, &header_cells.borrow(), lang, line, original, errors)
            };
            keep_own(&runtime, &check_db, &province, wards, &mut batch, &mut origins, &mut reject)?;
        }
        if !batch.is_empty() {
            flush(batch)?;
        }
        if let Some(w) = &reader_writer_tx {
            w.send(None).map_err(|_| anyhow::anyhow!("import stopped"))?;
        }
        if let Some(r) = rejects.writer {
            r.finish()?;
        }
        tracing::debug!(ms = started.elapsed().as_millis() as u64, rows, "file read and validated");
        Ok((rows, rejected, uncertain, rejects.sample, notes))
    });
    drop(writer_tx);

    let mut report = Report::default();
    // The index's entries of a batch, in a buffer that serves every batch.
    let mut entries = Vec::new();
    // Ids indexed from a first load not yet committed: taken out again if it fails.
    let mut indexed: Vec<i64> = Vec::new();
    let mut rejected_so_far = 0;
    let mut read_so_far = 0;
    // Errors writing (PostgreSQL) end the loop, not the function: a first
    // load's ids must leave the search index again.
    let looped = async {
        while let Some(msg) = rx.recv().await {
            // A batch written, by the SQLite thread or here for PostgreSQL.
            let (mut rows, ids, r) = match msg {
                Msg::Valid(people) => {
                    let Db::Postgres(pool) = db else { unreachable!("SQLite writes on its own thread") };
                    let (ids, r) = match &mut first_load {
                        Some(load) => load.write(&people).await?,
                        None => {
                            let kept = kept.get().copied().unwrap_or_default();
                            crate::copy::upsert(pool, opts.province, &people, kept).await?
                        }
                    };
                    (people, ids, r)
                }
                Msg::Written(rows, ids, r) => (rows, ids, r),
                Msg::Progress(read, rejected) => {
                    read_so_far = read;
                    rejected_so_far = rejected;
                    on_progress(read_so_far, report.accepted(), rejected_so_far);
                    continue;
                }
            };
            if let Some(index) = index {
                if initial {
                    indexed.extend(&ids);
                }
                entries.extend(rows.drain(..).zip(ids).map(|(row, id)| row.into_entry(id)));
                index.upsert(&entries);
                entries.clear();
            }
            rows.clear();
            let _ = recycle_tx.send(rows);
            report.inserted += r.inserted;
            report.updated += r.updated;
            report.unchanged += r.unchanged;
            on_progress(read_so_far, report.accepted(), rejected_so_far);
        }
        anyhow::Ok(())
    }
    .await;
    drop(rx);
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "all written and indexed");
    // A writer's failure explains a reader's "stopped": report it first.
    // A thread that panicked is a failure like any other: the first load's
    // ids must still leave the index.
    let read = reader.await.map_err(anyhow::Error::from).and_then(|r| r);
    let written = match (writer, first_load) {
        (Some(w), _) => w.await.map_err(anyhow::Error::from).and_then(|r| r),
        // The whole file was read: only now may a first load commit.
        (None, Some(load)) if looped.is_ok() && read.is_ok() => load.finish().await,
        (None, Some(load)) => {
            load.abort().await;
            looped
        }
        (None, None) => looped,
    };
    if written.is_err() || read.is_err() {
        if let Some(index) = index {
            index.remove(&indexed);
        }
    }
    written?;
    let (rows, rejected, uncertain, sample, notes) = read?;
    report.rows = rows;
    report.noted = notes.count;
    report.noted_rows = notes.sample;
    report.rejected_rows = sample;
    report.rejected = rejected;
    report.uncertain_wards = uncertain;
    on_progress(rows, report.accepted(), rejected);
    Ok(report)
}
