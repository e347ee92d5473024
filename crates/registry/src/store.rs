//! The registry's SQL, one copy for both backends.

use crate::model::*;
use crate::search::Entry;
use chrono::{DateTime, NaiveDate, Utc};
use platform::auth::AreaScope;
use platform::follow::Since;
use platform::types::{Cccd, PhoneNumber, Sex, WardCode};
use platform::{with_db, Db};
use sqlx::QueryBuilder;
use std::sync::LazyLock;

/// Every column a record is read from ([`Row`] picks them by name).
static COLUMNS: LazyLock<String> = LazyLock::new(|| format!("id, {}, created_at, updated_at", *FIELDS));

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    cccd: Option<String>,
    full_name: String,
    birth_date: NaiveDate,
    sex: String,
    ethnicity: Option<String>,
    phone: Option<String>,
    ward_code: String,
    hamlet: Option<String>,
    household: Option<String>,
    legacy_ward_code: Option<String>,
    ward_certain: bool,
    education: Option<String>,
    qualification: String,
    training_field: Option<String>,
    employment_status: String,
    occupation_isco: Option<String>,
    job_position: Option<String>,
    workplace: Option<String>,
    enterprise_type: Option<String>,
    sector: Option<String>,
    prev_occupation_isco: Option<String>,
    unemployed_months: Option<i64>,
    inactivity_reason: Option<String>,
    need_job: bool,
    need_training: bool,
    training_trade: Option<String>,
    need_abroad: bool,
    abroad_country: Option<String>,
    work_provinces: Option<String>,
    expected_wage: Option<i64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn sex_str(s: Sex) -> &'static str {
    match s {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

impl Row {
    fn into_record(self) -> anyhow::Result<PersonRecord> {
        Ok(PersonRecord {
            id: self.id,
            person: Person {
                cccd: self.cccd.as_deref().map(Cccd::parse).transpose()?,
                full_name: self.full_name,
                birth_date: self.birth_date,
                sex: if self.sex == "female" { Sex::Female } else { Sex::Male },
                ethnicity: self.ethnicity,
                phone: self.phone.as_deref().map(PhoneNumber::parse).transpose()?,
                ward_code: WardCode::parse(&self.ward_code)?,
                hamlet: self.hamlet,
                household: self.household,
                legacy_ward_code: self.legacy_ward_code,
                ward_certain: self.ward_certain,
                education: self.education,
                qualification: self.qualification,
                training_field: self.training_field,
                employment_status: EmploymentStatus::parse(&self.employment_status)
                    .ok_or_else(|| anyhow::anyhow!("bad status {}", self.employment_status))?,
                occupation_isco: self.occupation_isco,
                job_position: self.job_position,
                workplace: self.workplace,
                enterprise_type: self.enterprise_type,
                sector: self.sector,
                prev_occupation_isco: self.prev_occupation_isco,
                unemployed_months: self.unemployed_months,
                inactivity_reason: self.inactivity_reason,
                needs: Needs {
                    job: self.need_job,
                    training: self.need_training,
                    training_trade: self.training_trade,
                    abroad: self.need_abroad,
                    abroad_country: self.abroad_country,
                    work_provinces: self
                        .work_provinces
                        .map(|w| w.split(';').filter(|c| !c.is_empty()).map(str::to_owned).collect())
                        .unwrap_or_default(),
                },
                expected_wage: self.expected_wage,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The search index's view of a stored person.
pub fn entry_of(id: i64, p: &Person) -> Entry {
    entry_with(id, p, platform::fold::fold(&p.full_name))
}

/// [`entry_of`] when the caller has folded the name already.
pub fn entry_with(id: i64, p: &Person, name_folded: String) -> Entry {
    Entry {
        id,
        name_folded,
        ward_code: p.ward_code.to_string(),
        birth_date: p.birth_date,
        female: p.sex == Sex::Female,
        qualification: p.qualification.clone(),
        status: p.employment_status,
        need_job: p.needs.job,
        need_training: p.needs.training,
        need_abroad: p.needs.abroad,
        phone: p.phone.as_ref().map(crate::search::phone_key),
    }
}

/// A validated person with what their row binds besides their answers,
/// prepared once (by the thread that read the file, on an import) so that
/// the writer only writes.
pub struct Prepared {
    pub person: Person,
    pub name_folded: String,
    /// yyyy-mm-dd, as sqlx encodes a date for SQLite, so both drivers' rows agree.
    pub(crate) birth_date: String,
    /// The provinces as stored: codes joined by ";", or none.
    pub(crate) work_provinces: Option<String>,
}

impl Prepared {
    pub fn new(person: Person) -> Prepared {
        let name_folded = platform::fold::fold(&person.full_name);
        let birth_date = iso_date(person.birth_date);
        let w = &person.needs.work_provinces;
        let work_provinces = (!w.is_empty()).then(|| w.join(";"));
        Prepared { person, name_folded, birth_date, work_provinces }
    }

    /// The search index's entry for this person, stored as `id`.
    pub fn into_entry(self, id: i64) -> Entry {
        entry_with(id, &self.person, self.name_folded)
    }
}

/// yyyy-mm-dd by hand: `format!` costs more than the rest of a row's binding.
fn iso_date(date: NaiveDate) -> String {
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

/// What a stored column holds for one person.
pub(crate) enum Value<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Bool(bool),
    /// The date, and as text for rusqlite.
    Date(NaiveDate, &'a str),
}

/// A column of `people` holding a person's answer.
pub(crate) struct Stored {
    pub name: &'static str,
    pub value: fn(&Prepared) -> Value<'_>,
}

fn text(o: &Option<String>) -> Value<'_> {
    Value::Text(o.as_deref())
}

/// The person's columns, described once: both drivers' inserts, updates and
/// upserts are made from this list (reading back is [`Row`]).
pub(crate) static STORED: [Stored; 31] = [
    Stored { name: "cccd", value: |d| Value::Text(d.person.cccd.as_ref().map(|c| c.as_str())) },
    Stored { name: "full_name", value: |d| Value::Text(Some(&d.person.full_name)) },
    Stored { name: "name_folded", value: |d| Value::Text(Some(&d.name_folded)) },
    Stored { name: "birth_date", value: |d| Value::Date(d.person.birth_date, &d.birth_date) },
    Stored { name: "sex", value: |d| Value::Text(Some(sex_str(d.person.sex))) },
    Stored { name: "ethnicity", value: |d| text(&d.person.ethnicity) },
    Stored { name: "phone", value: |d| Value::Text(d.person.phone.as_ref().map(|x| x.as_str())) },
    Stored { name: "ward_code", value: |d| Value::Text(Some(d.person.ward_code.as_str())) },
    Stored { name: "hamlet", value: |d| text(&d.person.hamlet) },
    Stored { name: "household", value: |d| text(&d.person.household) },
    Stored { name: "legacy_ward_code", value: |d| text(&d.person.legacy_ward_code) },
    Stored { name: "ward_certain", value: |d| Value::Bool(d.person.ward_certain) },
    Stored { name: "education", value: |d| text(&d.person.education) },
    Stored { name: "qualification", value: |d| Value::Text(Some(&d.person.qualification)) },
    Stored { name: "training_field", value: |d| text(&d.person.training_field) },
    Stored { name: "employment_status", value: |d| Value::Text(Some(d.person.employment_status.as_str())) },
    Stored { name: "occupation_isco", value: |d| text(&d.person.occupation_isco) },
    Stored { name: "job_position", value: |d| text(&d.person.job_position) },
    Stored { name: "workplace", value: |d| text(&d.person.workplace) },
    Stored { name: "enterprise_type", value: |d| text(&d.person.enterprise_type) },
    Stored { name: "sector", value: |d| text(&d.person.sector) },
    Stored { name: "prev_occupation_isco", value: |d| text(&d.person.prev_occupation_isco) },
    Stored { name: "unemployed_months", value: |d| Value::Int(d.person.unemployed_months) },
    Stored { name: "inactivity_reason", value: |d| text(&d.person.inactivity_reason) },
    Stored { name: "need_job", value: |d| Value::Bool(d.person.needs.job) },
    Stored { name: "need_training", value: |d| Value::Bool(d.person.needs.training) },
    Stored { name: "training_trade", value: |d| text(&d.person.needs.training_trade) },
    Stored { name: "need_abroad", value: |d| Value::Bool(d.person.needs.abroad) },
    Stored { name: "abroad_country", value: |d| text(&d.person.needs.abroad_country) },
    Stored { name: "expected_wage", value: |d| Value::Int(d.person.expected_wage) },
    Stored { name: "work_provinces", value: |d| text(&d.work_provinces) },
];

/// Bind a person's answers in the order of [`STORED`] (sqlx; `$b` is a
/// `Separated` of either backend's query builder).
macro_rules! bind_person {
    ($b:expr, $d:expr) => {{
        let d: &Prepared = $d;
        for c in STORED.iter() {
            bind_value!($b, (c.value)(d));
        }
    }};
}

macro_rules! bind_value {
    ($b:expr, $v:expr) => {
        match $v {
            Value::Text(v) => $b.push_bind(v.map(str::to_owned)),
            Value::Int(v) => $b.push_bind(v),
            Value::Bool(v) => $b.push_bind(v),
            Value::Date(v, _) => $b.push_bind(v),
        }
    };
}

/// The answers' columns, in the order of [`STORED`].
pub(crate) static FIELDS: LazyLock<String> =
    LazyLock::new(|| STORED.iter().map(|c| c.name).collect::<Vec<_>>().join(", "));

/// Answers a sheet did not ask (it has no column for them): updating a
/// person from it keeps what is stored for those, as an office re-importing
/// last year's template expects. A set of [`STORED`] entries; a new person
/// gets them empty as usual.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept(u64);

impl Kept {
    /// Everything is written (a form, the API, a full sheet).
    pub const NONE: Kept = Kept(0);

    /// The stored answers of columns the sheet lacks: each optional survey
    /// column that is one stored answer of the same name (the needs, say,
    /// are written from their one column whether it is there or not).
    pub fn absent_from(header: &platform::sheet::Header<crate::survey::Field>) -> Kept {
        let mut bits = 0u64;
        for c in &crate::survey::SURVEY {
            // A column another one can stand for (the commune, read from
            // the address) is always written.
            if header.has(c.field) || !matches!(c.sheet.need, platform::sheet::Need::Optional) {
                continue;
            }
            if let Some(i) = STORED.iter().position(|s| s.name == c.sheet.key) {
                bits |= 1 << i;
            }
        }
        Kept(bits)
    }

    /// Whether the answer at `i` of [`STORED`] is kept.
    pub fn keeps(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }

    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// The written answers: (position in [`STORED`], column).
    pub(crate) fn written(self) -> impl Iterator<Item = (usize, &'static Stored)> {
        STORED.iter().enumerate().filter(move |(i, _)| !self.keeps(*i))
    }
}

/// `UPDATE people SET (answers…, updated_at) = (`, for the answers' binds.
fn update_head() -> String {
    update_head_keeping(Kept::NONE)
}

/// The same, leaving out the kept answers.
fn update_head_keeping(kept: Kept) -> String {
    let names: Vec<&str> = kept.written().map(|(_, c)| c.name).collect();
    format!("UPDATE people SET ({}, updated_at) = (", names.join(", "))
}

fn insert_columns() -> String {
    format!("province_code, {}, created_at, updated_at, seq", *FIELDS)
}

/// The answers that can differ between two rows of one person (the CCCD is
/// how they were matched; the folded name follows the name).
pub(crate) fn compared() -> impl Iterator<Item = &'static str> {
    STORED.iter().map(|c| c.name).filter(|n| !matches!(*n, "cccd" | "name_folded"))
}

/// On a CCCD already registered, the newer survey answers replace the old
/// ones, only when one differs: a row that changes nothing is not written
/// (and returns no row). `created_at` is kept on update, so `RETURNING
/// created_at` tells new rows from changed ones.
/// `kept`: answers left as stored (neither set nor compared).
pub(crate) fn upsert_tail(kept: Kept) -> String {
    let set: Vec<String> =
        kept.written().filter(|(_, c)| c.name != "cccd").map(|(_, c)| format!("{0} = excluded.{0}", c.name)).collect();
    let changed: Vec<String> = compared()
        .filter(|n| kept.written().any(|(_, c)| c.name == *n))
        .map(|n| format!("people.{n} IS DISTINCT FROM excluded.{n}"))
        .collect();
    format!(
        " ON CONFLICT (province_code, cccd) WHERE cccd IS NOT NULL DO UPDATE SET {}, \
         updated_at = excluded.updated_at, seq = excluded.seq WHERE {}",
        set.join(", "),
        changed.join(" OR ")
    )
}

/// `c1 IS DISTINCT FROM ?n1 OR …` over the compared answers not kept,
/// `param(i)` naming the parameter of the `i`th entry of [`STORED`] (SQLite
/// reuses the numbered parameters the SET clause bound).
pub(crate) fn changed_from(kept: Kept, param: impl Fn(usize) -> String) -> String {
    let names: Vec<&str> = compared().collect();
    let conditions: Vec<String> = kept
        .written()
        .filter(|(_, c)| names.contains(&c.name))
        .map(|(i, c)| format!("{} IS DISTINCT FROM {}", c.name, param(i)))
        .collect();
    conditions.join(" OR ")
}

/// The person without CCCD that a row means: same commune, folded name and
/// birth date ($1 province … $4 birth date; one copy for both drivers).
pub(crate) const FIND_WITHOUT_CCCD: &str = "SELECT id FROM people WHERE province_code = $1 AND ward_code = $2 \
    AND name_folded = $3 AND birth_date = $4 AND cccd IS NULL ORDER BY id LIMIT 1";

/// The registered person a new record means: the same CCCD, or (without
/// one) the same commune, folded name and birth date.
pub async fn same_person(db: &Db, province: &str, p: &Person) -> anyhow::Result<Option<i64>> {
    if let Some(c) = &p.cccd {
        return id_by_cccd(db, province, c.as_str()).await;
    }
    let name = platform::fold::fold(&p.full_name);
    let row: Option<(i64,)> = with_db!(db, pool => sqlx::query_as(FIND_WITHOUT_CCCD)
        .bind(province).bind(p.ward_code.as_str()).bind(&name).bind(p.birth_date).fetch_optional(pool).await?);
    Ok(row.map(|r| r.0))
}

/// Insert a new person; `Ok(Err(existing_id))` if the CCCD is already registered.
pub async fn insert(db: &Db, province: &str, p: &Person) -> anyhow::Result<Result<i64, i64>> {
    if let Some(c) = &p.cccd {
        if let Some(id) = id_by_cccd(db, province, c.as_str()).await? {
            return Ok(Err(id));
        }
    }
    let now = Utc::now();
    let stamp = platform::follow::stamp(db, "people", province);
    let d = Prepared::new(p.clone());
    let id: (i64,) = with_db!(db, pool => {
        let mut q = QueryBuilder::new(format!("INSERT INTO people ({}) ", insert_columns()));
        q.push_values(std::iter::once(&d), |mut b, d| {
            b.push_bind(province);
            bind_person!(b, d);
            b.push_bind(now).push_bind(now).push(&stamp);
        });
        q.push(" RETURNING id");
        q.build_query_as().fetch_one(pool).await?
    });
    Ok(Ok(id.0))
}

/// Replace a person's answers (both dialects take a row-value `SET (…) = (…)`).
pub async fn update(db: &Db, province: &str, id: i64, p: &Person) -> anyhow::Result<bool> {
    let now = Utc::now();
    let d = Prepared::new(p.clone());
    let n = with_db!(db, pool => {
        let mut q = QueryBuilder::new(update_head());
        let mut sep = q.separated(", ");
        bind_person!(sep, &d);
        sep.push_bind(now);
        q.push(") WHERE province_code = ").push_bind(province).push(" AND id = ").push_bind(id);
        q.build().execute(pool).await?.rows_affected()
    });
    Ok(n == 1)
}

pub async fn id_by_cccd(db: &Db, province: &str, cccd: &str) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT id FROM people WHERE province_code = $1 AND cccd = $2")
        .bind(province).bind(cccd).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<PersonRecord>> {
    let sql = format!("SELECT {} FROM people WHERE province_code = $1 AND id = $2", *COLUMNS);
    let row: Option<Row> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    row.map(Row::into_record).transpose()
}

/// Records for these ids, in the given order.
pub async fn by_ids(db: &Db, province: &str, ids: &[i64]) -> anyhow::Result<Vec<PersonRecord>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut rows: Vec<Row> = with_db!(db, p => {
        let mut q = QueryBuilder::new(format!("SELECT {} FROM {} WHERE province_code = ", *COLUMNS, by_id(db)));
        q.push_bind(province).push(" AND id IN (");
        let mut sep = q.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        q.push(")");
        q.build_query_as().fetch_all(p).await?
    });
    rows.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
    rows.into_iter().map(Row::into_record).collect()
}

/// The people table read by primary key only. Without statistics SQLite
/// reads a page of ids through an index on the province, a scan of the
/// whole province (16 ms instead of 0.1 ms for 20 people at 200k); the
/// rowid still serves the ids. PostgreSQL plans this well as it is.
pub fn by_id(db: &Db) -> &'static str {
    match db.backend() {
        platform::db::Backend::Sqlite => "people NOT INDEXED",
        platform::db::Backend::Postgres => "people",
    }
}

/// The person with this CCCD (at most one; a list for the caller's convenience).
/// Lookups by phone go to the search index ([`crate::search::SearchIndex::by_phone`]).
pub async fn ids_by_cccd(db: &Db, province: &str, cccd: &str) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT id FROM people WHERE province_code = $1 AND cccd = $2")
        .bind(province).bind(cccd).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Which of these CCCDs belong to people registered outside `wards`
/// (a commune officer's import must not overwrite them).
pub async fn cccds_outside(
    db: &Db,
    province: &str,
    cccds: &[String],
    wards: &[String],
) -> anyhow::Result<std::collections::HashSet<String>> {
    let mut out = std::collections::HashSet::new();
    for chunk in cccds.chunks(500) {
        let rows: Vec<(String,)> = with_db!(db, p => {
            let mut q = QueryBuilder::new("SELECT cccd FROM people WHERE province_code = ");
            q.push_bind(province).push(" AND cccd IN (");
            let mut sep = q.separated(", ");
            for c in chunk {
                sep.push_bind(c.clone());
            }
            q.push(") AND ward_code NOT IN (");
            let mut sep = q.separated(", ");
            sep.push_bind("");
            for w in wards {
                sep.push_bind(w.clone());
            }
            q.push(")");
            q.build_query_as().fetch_all(p).await?
        });
        out.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(out)
}

/// Outcome of upserting a batch.
#[derive(Debug, Default, Clone, Copy)]
pub struct BatchResult {
    pub inserted: u64,
    /// Registered already, with an answer that changed.
    pub updated: u64,
    /// Registered already with the same answers: not written again.
    pub unchanged: u64,
}

/// Index entries of people recorded or changed since `since` (everyone when
/// None), for building and following the search index ([`platform::follow`]):
/// one index range on `people_seq`, never a scan of the table.
pub async fn index_entries(db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Entry>> {
    type R = (i64, String, String, NaiveDate, String, String, String, bool, bool, bool, Option<String>);
    const SELECT: &str = "SELECT id, name_folded, ward_code, birth_date, sex, qualification, employment_status,
        need_job, need_training, need_abroad, phone FROM people WHERE province_code = $1";
    let sql = match since {
        None => SELECT.to_string(),
        Some(since) => format!("{SELECT} AND {}", since.condition("seq")),
    };
    let rows: Vec<R> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            Some(Entry {
                id: r.0,
                name_folded: r.1,
                ward_code: r.2,
                birth_date: r.3,
                female: r.4 == "female",
                qualification: r.5,
                status: EmploymentStatus::parse(&r.6)?,
                need_job: r.7,
                need_training: r.8,
                need_abroad: r.9,
                phone: r
                    .10
                    .as_deref()
                    .and_then(|p| platform::types::PhoneNumber::parse(p).ok())
                    .map(|p| crate::search::phone_key(&p)),
            })
        })
        .collect();
    Ok(entries)
}

/// Counts by commune × need × qualification (the classification the centre acts on).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClassCount {
    pub ward_code: String,
    /// job, training, abroad or none (a person with several needs counts in each).
    pub need: String,
    pub qualification: String,
    pub count: i64,
}

fn scope_wards(scope: &AreaScope) -> Option<Vec<String>> {
    match scope {
        AreaScope::All => None,
        AreaScope::Wards(w) => Some(w.clone()),
        AreaScope::Nothing => Some(vec![]),
    }
}

/// ` AND <column> IN (…)` for a scoped user ("" keeps the list valid when empty).
fn push_ward_filter<'a, DB: sqlx::Database>(q: &mut QueryBuilder<'a, DB>, column: &str, wards: &'a Option<Vec<String>>)
where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some(ws) = wards {
        q.push(format!(" AND {column} IN ("));
        let mut sep = q.separated(", ");
        sep.push_bind("");
        for w in ws {
            sep.push_bind(w.clone());
        }
        q.push(")");
    }
}

/// The classification by SQL: the formulation the search index's
/// [`crate::search::SearchIndex::classification`] is checked against.
pub async fn classification(db: &Db, province: &str, scope: &AreaScope) -> anyhow::Result<Vec<ClassCount>> {
    let wards = scope_wards(scope);
    let mut out = Vec::new();
    for (need, cond) in [
        ("job", "need_job = TRUE"),
        ("training", "need_training = TRUE"),
        ("abroad", "need_abroad = TRUE"),
        ("none", "need_job = FALSE AND need_training = FALSE AND need_abroad = FALSE"),
    ] {
        let rows: Vec<(String, String, i64)> = with_db!(db, p => {
            let mut q = QueryBuilder::new("SELECT ward_code, qualification, COUNT(*) FROM people WHERE province_code = ");
            q.push_bind(province).push(format!(" AND {cond}"));
            push_ward_filter(&mut q, "ward_code", &wards);
            q.push(" GROUP BY ward_code, qualification ORDER BY ward_code, qualification");
            q.build_query_as().fetch_all(p).await?
        });
        out.extend(rows.into_iter().map(|(ward_code, qualification, count)| ClassCount {
            ward_code,
            need: need.into(),
            qualification,
            count,
        }));
    }
    Ok(out)
}

/// Labour-force indicators per commune (within the scope).
pub async fn indicators_by_ward(
    db: &Db,
    province: &str,
    scope: &AreaScope,
) -> anyhow::Result<Vec<(String, crate::rules::Indicators)>> {
    let wards = scope_wards(scope);
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = with_db!(db, p => {
        let mut q = QueryBuilder::new(
            "SELECT p.ward_code, COUNT(*),
                SUM(CASE WHEN p.employment_status = 'employed' THEN 1 ELSE 0 END),
                SUM(CASE WHEN p.employment_status = 'unemployed' THEN 1 ELSE 0 END),
                SUM(CASE WHEN p.employment_status <> 'inactive' AND q.rank >= 1 THEN 1 ELSE 0 END),
                SUM(CASE WHEN p.employment_status <> 'inactive' AND q.with_certificate = TRUE THEN 1 ELSE 0 END)
             FROM people p JOIN qualification_levels q ON q.code = p.qualification
             WHERE p.province_code = ");
        q.push_bind(province);
        push_ward_filter(&mut q, "p.ward_code", &wards);
        q.push(" GROUP BY p.ward_code ORDER BY p.ward_code");
        q.build_query_as().fetch_all(p).await?
    });
    Ok(rows
        .into_iter()
        .map(|(w, people, employed, unemployed, trained, cert)| {
            (
                w,
                crate::rules::Indicators {
                    people,
                    labour_force: employed + unemployed,
                    employed,
                    unemployed,
                    trained,
                    with_certificate: cert,
                },
            )
        })
        .collect())
}

pub async fn count(db: &Db, province: &str) -> anyhow::Result<i64> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as("SELECT COUNT(*) FROM people WHERE province_code = $1")
        .bind(province).fetch_one(p).await?);
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_sqlx_writes_them() {
        for (y, m, d) in [(1, 1, 1), (1968, 2, 29), (2003, 12, 31), (9999, 9, 9), (-5, 3, 4), (12345, 1, 2)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.format("%F").to_string());
        }
    }

    #[test]
    fn the_upsert_replaces_every_answer_but_the_cccd() {
        let upsert = upsert_tail(Kept::NONE);
        assert_eq!(FIELDS.split(", ").count(), STORED.len());
        for c in STORED.iter().filter(|c| c.name != "cccd") {
            assert!(upsert.contains(&format!("{0} = excluded.{0}", c.name)), "{}", c.name);
        }
        assert!(!upsert.contains("cccd = excluded"));
    }

    #[test]
    fn a_kept_answer_is_neither_set_nor_compared() {
        let i = STORED.iter().position(|c| c.name == "work_provinces").unwrap();
        let kept = Kept(1 << i);
        let tail = upsert_tail(kept);
        assert!(!tail.contains("work_provinces") && tail.contains("phone = excluded.phone"), "{tail}");
        assert!(!changed_from(kept, |i| format!("?{i}")).contains("work_provinces"));
        assert!(!update_head_keeping(kept).contains("work_provinces"));
        assert_eq!(kept.written().count(), STORED.len() - 1);
    }
}
