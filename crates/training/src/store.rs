//! Storage of schools, classes, enrolments and visits (one query text for
//! both dialects), and the SQL formulation of the indicators that the
//! in-memory ledger answers faster.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use platform::{with_db, Db};
use sqlx::QueryBuilder;

use crate::model::*;

/// The first and last days an open period stands for (dates compare as text on SQLite).
pub fn bounds(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    (
        from.unwrap_or(NaiveDate::from_ymd_opt(1, 1, 1).expect("a date")),
        to.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date")),
    )
}

/// What the indicators count: a period, communes (empty: all), a school.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub wards: Vec<String>,
    pub school: Option<i64>,
}

type SchoolRow = (i64, String, String, String, bool, String, Option<String>, Option<String>);

fn school_of(r: SchoolRow) -> School {
    School {
        id: r.0,
        code: r.1,
        name: r.2,
        kind: SchoolKind::parse(&r.3).unwrap_or(SchoolKind::Centre),
        public: r.4,
        ward_code: r.5,
        address: r.6,
        phone: r.7,
    }
}

const SCHOOL_COLS: &str = "id, code, name, kind, public, ward_code, address, phone";

pub async fn schools(db: &Db, province: &str) -> anyhow::Result<Vec<School>> {
    let sql = format!("SELECT {SCHOOL_COLS} FROM schools WHERE province_code = $1 ORDER BY code");
    let rows: Vec<SchoolRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(school_of).collect())
}

pub async fn school_by_code(db: &Db, province: &str, code: &str) -> anyhow::Result<Option<School>> {
    let sql = format!("SELECT {SCHOOL_COLS} FROM schools WHERE province_code = $1 AND code = $2");
    let row: Option<SchoolRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(code).fetch_optional(p).await?);
    Ok(row.map(school_of))
}

pub async fn school(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<School>> {
    let sql = format!("SELECT {SCHOOL_COLS} FROM schools WHERE province_code = $1 AND id = $2");
    let row: Option<SchoolRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(school_of))
}

/// Add a school; `Err(id)` when its code is taken.
pub async fn insert_school(db: &Db, province: &str, s: &School) -> anyhow::Result<Result<i64, i64>> {
    if let Some(existing) = school_by_code(db, province, &s.code).await? {
        return Ok(Err(existing.id));
    }
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO schools (province_code, code, name, kind, public, ward_code, address, phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(province).bind(&s.code).bind(&s.name).bind(s.kind.as_str()).bind(s.public).bind(&s.ward_code)
        .bind(&s.address).bind(&s.phone).bind(now).fetch_one(p).await?);
    Ok(Ok(id))
}

type ClassRow = (i64, i64, String, String, NaiveDate, Option<NaiveDate>, String, i64, String, Option<String>, i64);

fn class_of(r: ClassRow) -> Class {
    Class {
        id: r.0,
        school_id: r.1,
        trade: r.2,
        level: Level::parse(&r.3).unwrap_or(Level::ShortCourse),
        start_date: r.4,
        end_date: r.5,
        ward_code: r.6,
        capacity: r.7,
        funding: Funding::parse(&r.8).unwrap_or(Funding::SelfPaid),
        partner: r.9,
        enrolled: r.10,
    }
}

const CLASS_SELECT: &str = "SELECT c.id, c.school_id, c.trade, c.level, c.start_date, c.end_date, c.ward_code,
    CAST(c.capacity AS BIGINT), c.funding, c.partner,
    (SELECT COUNT(*) FROM enrolments e WHERE e.province_code = c.province_code AND e.class_id = c.id)
    FROM training_classes c WHERE c.province_code = $1";

/// A school's classes (every school's when `None`), newest first.
pub async fn classes(db: &Db, province: &str, school: Option<i64>) -> anyhow::Result<Vec<Class>> {
    let sql =
        format!("{CLASS_SELECT} AND ($2 IS NULL OR c.school_id = $2) ORDER BY c.start_date DESC, c.id DESC LIMIT 500");
    let rows: Vec<ClassRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(school).fetch_all(p).await?);
    Ok(rows.into_iter().map(class_of).collect())
}

pub async fn class(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Class>> {
    let sql = format!("{CLASS_SELECT} AND c.id = $2");
    let row: Option<ClassRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(class_of))
}

pub async fn insert_class(db: &Db, province: &str, c: &Class, by: Option<i64>) -> anyhow::Result<i64> {
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO training_classes (province_code, school_id, trade, level, start_date, end_date, ward_code,
            capacity, funding, partner, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
        .bind(province).bind(c.school_id).bind(&c.trade).bind(c.level.as_str()).bind(c.start_date).bind(c.end_date)
        .bind(&c.ward_code).bind(c.capacity).bind(c.funding.as_str()).bind(&c.partner).bind(by).bind(now)
        .fetch_one(p).await?);
    Ok(id)
}

/// What saving an enrolment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Inserted,
    Updated,
    Unchanged,
}

#[derive(sqlx::FromRow)]
struct EnrolmentRow {
    id: i64,
    person_id: i64,
    full_name: String,
    ward_code: String,
    school_code: String,
    school_id: i64,
    class_id: Option<i64>,
    trade: String,
    level: String,
    funding: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    status: String,
    certificate: bool,
    certificate_no: Option<String>,
    certificate_date: Option<NaiveDate>,
    result: Option<String>,
    outcome: Option<String>,
    outcome_employer: Option<String>,
    outcome_date: Option<NaiveDate>,
}

const ENROLMENT_SELECT: &str =
    "SELECT e.id, e.person_id, p.full_name, e.ward_code, s.code AS school_code, e.school_id, e.class_id,
    e.trade, e.level, e.funding, e.start_date, e.end_date, e.status, e.certificate, e.certificate_no,
    e.certificate_date, e.result, e.outcome, e.outcome_employer, e.outcome_date
    FROM enrolments e
    JOIN people p ON p.province_code = e.province_code AND p.id = e.person_id
    JOIN schools s ON s.province_code = e.province_code AND s.id = e.school_id
    WHERE e.province_code = $1";

fn record_of(r: EnrolmentRow) -> EnrolmentRecord {
    EnrolmentRecord {
        id: r.id,
        person_id: r.person_id,
        full_name: r.full_name,
        ward_code: r.ward_code,
        school_code: r.school_code,
        enrolment: Enrolment {
            school_id: r.school_id,
            class_id: r.class_id,
            trade: r.trade,
            level: Level::parse(&r.level).unwrap_or(Level::ShortCourse),
            funding: Funding::parse(&r.funding).unwrap_or(Funding::SelfPaid),
            start_date: r.start_date,
            end_date: r.end_date,
            status: Status::parse(&r.status).unwrap_or(Status::Studying),
            certificate: r.certificate,
            certificate_no: r.certificate_no,
            certificate_date: r.certificate_date,
            result: r.result,
        },
        outcome: r.outcome.as_deref().and_then(Outcome::parse),
        outcome_employer: r.outcome_employer,
        outcome_date: r.outcome_date,
    }
}

pub async fn enrolment(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<EnrolmentRecord>> {
    let sql = format!("{ENROLMENT_SELECT} AND e.id = $2");
    let row: Option<EnrolmentRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(record_of))
}

/// Which enrolments a list shows (the indicators' drill-down).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub filter: Filter,
    pub class: Option<i64>,
    /// Count the period on the end date (outcomes) rather than the start.
    pub by_end: bool,
    pub level: Option<Level>,
    pub status: Option<Status>,
    pub certified: bool,
    pub employed_after: bool,
    pub funding: Option<Funding>,
    pub trade: Option<String>,
}

/// A page of enrolments (100) and how many match.
pub async fn list(db: &Db, province: &str, f: &ListFilter, page: i64) -> anyhow::Result<(Vec<EnrolmentRecord>, i64)> {
    let (from, to) = bounds(f.filter.from, f.filter.to);
    let date = if f.by_end { "e.end_date" } else { "e.start_date" };
    macro_rules! conditions {
        ($q:expr) => {{
            let q = $q;
            q.push(" AND ").push(date).push(" >= ").push_bind(from).push(" AND ").push(date).push(" <= ").push_bind(to);
            if !f.filter.wards.is_empty() {
                q.push(" AND e.ward_code IN (");
                let mut sep = q.separated(", ");
                for w in &f.filter.wards {
                    sep.push_bind(w.clone());
                }
                q.push(")");
            }
            if let Some(s) = f.filter.school {
                q.push(" AND e.school_id = ").push_bind(s);
            }
            if let Some(c) = f.class {
                q.push(" AND e.class_id = ").push_bind(c);
            }
            if let Some(l) = f.level {
                q.push(" AND e.level = ").push_bind(l.as_str());
            }
            if let Some(s) = f.status {
                q.push(" AND e.status = ").push_bind(s.as_str());
            }
            if f.certified {
                q.push(" AND e.certificate = ").push_bind(true);
            }
            if f.employed_after {
                q.push(" AND e.status = 'graduated' AND e.outcome IN ('employed', 'self_employed')");
            }
            if let Some(x) = f.funding {
                q.push(" AND e.funding = ").push_bind(x.as_str());
            }
            if let Some(t) = &f.trade {
                q.push(" AND e.trade = ").push_bind(t.clone());
            }
        }};
    }
    let offset = (page.max(1) - 1) * 100;
    let (rows, total) = with_db!(db, p => {
        let mut q = QueryBuilder::new(ENROLMENT_SELECT.replace("$1", ""));
        q.push_bind(province);
        conditions!(&mut q);
        q.push(" ORDER BY ").push(date).push(" DESC, e.id DESC LIMIT 100 OFFSET ").push_bind(offset);
        let rows: Vec<EnrolmentRow> = q.build_query_as().fetch_all(p).await?;
        let mut c = QueryBuilder::new("SELECT COUNT(*) FROM enrolments e WHERE e.province_code = ");
        c.push_bind(province);
        conditions!(&mut c);
        let (total,): (i64,) = c.build_query_as().fetch_one(p).await?;
        (rows, total)
    });
    Ok((rows.into_iter().map(record_of).collect(), total))
}

/// Save an enrolment under its key (person, school, trade, start date):
/// added, its details replaced, or left as it was.
pub async fn save(
    db: &Db,
    province: &str,
    person_id: i64,
    ward: &str,
    e: &Enrolment,
    by: Option<i64>,
) -> anyhow::Result<(i64, Saved)> {
    let now = Utc::now();
    with_db!(db, p => {
        let existing: Option<(i64, Option<i64>, String, String, Option<NaiveDate>, String, bool, Option<String>, Option<String>, Option<NaiveDate>)> = sqlx::query_as(
            "SELECT id, class_id, level, funding, end_date, status, certificate, certificate_no, result, certificate_date FROM enrolments
             WHERE province_code = $1 AND person_id = $2 AND school_id = $3 AND trade = $4 AND start_date = $5")
            .bind(province).bind(person_id).bind(e.school_id).bind(&e.trade).bind(e.start_date).fetch_optional(p).await?;
        match existing {
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO enrolments (province_code, person_id, ward_code, school_id, class_id, trade, level, funding,
                        start_date, end_date, status, certificate, certificate_no, certificate_date, result, created_by,
                        created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id")
                    .bind(province).bind(person_id).bind(ward).bind(e.school_id).bind(e.class_id).bind(&e.trade)
                    .bind(e.level.as_str()).bind(e.funding.as_str()).bind(e.start_date).bind(e.end_date)
                    .bind(e.status.as_str()).bind(e.certificate).bind(&e.certificate_no).bind(e.certificate_date)
                    .bind(&e.result).bind(by).bind(now).fetch_one(p).await?;
                Ok((id, Saved::Inserted))
            }
            Some((id, class_id, level, funding, end, status, cert, cert_no, result, cert_date)) => {
                // Enrolling again (a class's form, an older list) never undoes an
                // outcome recorded since, nor erases results left empty.
                let mut m = e.clone();
                if e.status == Status::Studying && status != Status::Studying.as_str() {
                    m.status = Status::parse(&status).unwrap_or(Status::Studying);
                    (m.end_date, m.certificate, m.certificate_no, m.certificate_date) = (end, cert, cert_no.clone(), cert_date);
                }
                m.result = m.result.or(result.clone());
                m.class_id = m.class_id.or(class_id);
                let same = (class_id, level.as_str(), funding.as_str(), end, status.as_str(), cert, &cert_no, &result)
                    == (m.class_id, m.level.as_str(), m.funding.as_str(), m.end_date, m.status.as_str(), m.certificate, &m.certificate_no, &m.result);
                if same {
                    return Ok((id, Saved::Unchanged));
                }
                sqlx::query(
                    "UPDATE enrolments SET class_id = $3, level = $4, funding = $5, end_date = $6,
                        status = $7, certificate = $8, certificate_no = $9, certificate_date = $10, result = $11, updated_at = $12
                     WHERE province_code = $1 AND id = $2")
                    .bind(province).bind(id).bind(m.class_id).bind(m.level.as_str()).bind(m.funding.as_str())
                    .bind(m.end_date).bind(m.status.as_str()).bind(m.certificate).bind(&m.certificate_no)
                    .bind(m.certificate_date).bind(&m.result).bind(now).execute(p).await?;
                Ok((id, Saved::Updated))
            }
        }
    })
}

/// Record an enrolment's outcome and the tracer's answer.
pub async fn set_outcome(
    db: &Db,
    province: &str,
    id: i64,
    e: &Enrolment,
    outcome: Option<Outcome>,
    employer: Option<&str>,
    outcome_date: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query(
        "UPDATE enrolments SET end_date = $3, status = $4, certificate = $5, certificate_no = $6, certificate_date = $7,
            result = $8, outcome = $9, outcome_employer = $10, outcome_date = $11, updated_at = $12
         WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).bind(e.end_date).bind(e.status.as_str()).bind(e.certificate).bind(&e.certificate_no)
        .bind(e.certificate_date).bind(&e.result).bind(outcome.map(Outcome::as_str)).bind(employer).bind(outcome_date)
        .bind(now).execute(p).await.map(|_| ())?);
    Ok(())
}

/// One enrolment for [`insert_enrolments`]: (person, commune, enrolment, tracer).
pub type NewEnrolment = (i64, String, Enrolment, Option<Outcome>);

/// Many enrolments at once, in one transaction (demo data, benchmarks),
/// stamped for the ledger as one change; not checked for repeats.
pub async fn insert_enrolments(db: &Db, province: &str, rows: &[NewEnrolment]) -> anyhow::Result<()> {
    let now = Utc::now();
    let stamp = platform::follow::stamp(db, "enrolments", province);
    with_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(1500) {
            let mut q = QueryBuilder::new(
                "INSERT INTO enrolments (province_code, person_id, ward_code, school_id, trade, level, funding, start_date,
                    end_date, status, certificate, certificate_date, outcome, created_at, updated_at, seq) ",
            );
            q.push_values(chunk, |mut b, (person, ward, e, outcome)| {
                b.push_bind(province).push_bind(*person).push_bind(ward.as_str()).push_bind(e.school_id)
                    .push_bind(e.trade.as_str()).push_bind(e.level.as_str()).push_bind(e.funding.as_str())
                    .push_bind(e.start_date).push_bind(e.end_date).push_bind(e.status.as_str()).push_bind(e.certificate)
                    .push_bind(e.certificate_date).push_bind(outcome.map(Outcome::as_str)).push_bind(now).push_bind(now)
                    .push(&stamp);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(())
    })
}

/// The indicators by SQL GROUP BY (the ledger's reference; the benchmark's
/// baseline). `codes`: school id → code.
pub async fn indicators_sql(
    db: &Db,
    province: &str,
    f: &Filter,
    codes: &HashMap<i64, String>,
) -> anyhow::Result<Indicators> {
    let (from, to) = bounds(f.from, f.to);
    macro_rules! scope {
        ($q:expr) => {{
            let q = $q;
            if !f.wards.is_empty() {
                q.push(" AND ward_code IN (");
                let mut sep = q.separated(", ");
                for w in &f.wards {
                    sep.push_bind(w.clone());
                }
                q.push(")");
            }
            if let Some(s) = f.school {
                q.push(" AND school_id = ").push_bind(s);
            }
        }};
    }
    let (started, ended) = with_db!(db, p => {
        let mut q = QueryBuilder::new("SELECT level, school_id, funding, trade, ward_code, COUNT(*) FROM enrolments WHERE province_code = ");
        q.push_bind(province).push(" AND start_date >= ").push_bind(from).push(" AND start_date <= ").push_bind(to);
        scope!(&mut q);
        q.push(" GROUP BY level, school_id, funding, trade, ward_code");
        let started: Vec<(String, i64, String, String, String, i64)> = q.build_query_as().fetch_all(p).await?;
        let mut q = QueryBuilder::new("SELECT status, certificate, outcome, school_id, trade, COUNT(*) FROM enrolments WHERE province_code = ");
        q.push_bind(province).push(" AND end_date >= ").push_bind(from).push(" AND end_date <= ").push_bind(to);
        scope!(&mut q);
        q.push(" GROUP BY status, certificate, outcome, school_id, trade");
        let ended: Vec<(String, bool, Option<String>, i64, String, i64)> = q.build_query_as().fetch_all(p).await?;
        (started, ended)
    });
    let mut i = Indicators::default();
    let mut levels: BTreeMap<Level, i64> = BTreeMap::new();
    let (mut schools, mut funding, mut trades, mut wards) = (
        BTreeMap::<String, i64>::new(),
        BTreeMap::<String, i64>::new(),
        BTreeMap::<String, i64>::new(),
        BTreeMap::<String, i64>::new(),
    );
    for (level, school, fund, trade, ward, n) in started {
        i.enrolled += n;
        if let Some(l) = Level::parse(&level) {
            *levels.entry(l).or_default() += n;
        }
        *schools.entry(codes.get(&school).cloned().unwrap_or_else(|| school.to_string())).or_default() += n;
        *funding.entry(fund).or_default() += n;
        *trades.entry(trade).or_default() += n;
        *wards.entry(ward).or_default() += n;
    }
    let mut by_school: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    let mut by_trade: BTreeMap<String, [i64; 3]> = BTreeMap::new();
    for (status, cert, outcome, school, trade, n) in ended {
        match Status::parse(&status) {
            Some(Status::Graduated) => {
                i.graduated += n;
                i.certified += if cert { n } else { 0 };
                let o = outcome.as_deref().and_then(Outcome::parse);
                let traced = if o.is_some() { n } else { 0 };
                let employed = if o.is_some_and(Outcome::works) { n } else { 0 };
                i.traced += traced;
                i.employed_after += employed;
                let code = codes.get(&school).cloned().unwrap_or_else(|| school.to_string());
                for (m, k) in [(&mut by_school, code), (&mut by_trade, trade)] {
                    let c = m.entry(k).or_default();
                    c[0] += n;
                    c[1] += traced;
                    c[2] += employed;
                }
            }
            Some(Status::Dropped) => i.dropped += n,
            _ => {}
        }
    }
    i.by_level = levels.into_iter().map(|(level, count)| LevelCount { level, count }).collect();
    i.by_school = schools.into_iter().map(|(school_code, count)| SchoolCount { school_code, count }).collect();
    let codes = |m: BTreeMap<String, i64>| m.into_iter().map(|(code, count)| CodeCount { code, count }).collect();
    i.by_funding = codes(funding);
    i.by_trade = codes(trades);
    i.by_ward = codes(wards);
    i.outcomes_by_school = outcome_counts(by_school);
    i.outcomes_by_trade = outcome_counts(by_trade);
    Ok(i)
}

/// Graduates, traced, employed after by code, in code order.
pub fn outcome_counts(m: BTreeMap<String, [i64; 3]>) -> Vec<OutcomeCount> {
    m.into_iter()
        .map(|(code, [graduated, traced, employed_after])| OutcomeCount { code, graduated, traced, employed_after })
        .collect()
}

/// People who want training, by the trade they named and their commune
/// (the trade as typed; matched to the list by the caller).
pub async fn training_wanted(db: &Db, province: &str, wards: &[String]) -> anyhow::Result<Vec<(String, String, i64)>> {
    let rows: Vec<(String, Option<String>, i64)> = with_db!(db, p => {
        let mut q = QueryBuilder::new("SELECT ward_code, training_trade, COUNT(*) FROM people WHERE province_code = ");
        q.push_bind(province).push(" AND need_training = ").push_bind(true);
        if !wards.is_empty() {
            q.push(" AND ward_code IN (");
            let mut sep = q.separated(", ");
            for w in wards {
                sep.push_bind(w.clone());
            }
            q.push(")");
        }
        q.push(" GROUP BY ward_code, training_trade");
        q.build_query_as().fetch_all(p).await?
    });
    Ok(rows.into_iter().map(|(w, t, n)| (w, t.unwrap_or_default(), n)).collect())
}

/// Classes running on or after `day` (their places and enrolment), for the gap.
pub async fn classes_open(db: &Db, province: &str, day: NaiveDate) -> anyhow::Result<Vec<Class>> {
    let sql = format!("{CLASS_SELECT} AND (c.end_date IS NULL OR c.end_date >= $2) ORDER BY c.trade");
    let rows: Vec<ClassRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(day).fetch_all(p).await?);
    Ok(rows.into_iter().map(class_of).collect())
}

pub async fn insert_visit(db: &Db, province: &str, v: &Visit, by: Option<i64>) -> anyhow::Result<i64> {
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO training_visits (province_code, school_id, visited_on, visited_school, stage, students, ward_code,
            created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(province).bind(v.school_id).bind(v.visited_on).bind(&v.visited_school).bind(&v.stage).bind(v.students)
        .bind(&v.ward_code).bind(by).bind(now).fetch_one(p).await?);
    Ok(id)
}

/// A school's visits (every school's when `None`), newest first.
pub async fn visits(db: &Db, province: &str, school: Option<i64>) -> anyhow::Result<Vec<Visit>> {
    let rows: Vec<(i64, i64, NaiveDate, String, String, i64, String)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, school_id, visited_on, visited_school, stage, CAST(students AS BIGINT), ward_code FROM training_visits
         WHERE province_code = $1 AND ($2 IS NULL OR school_id = $2) ORDER BY visited_on DESC, id DESC LIMIT 200")
        .bind(province).bind(school).fetch_all(p).await?);
    Ok(rows
        .into_iter()
        .map(|r| Visit {
            id: r.0,
            school_id: r.1,
            visited_on: r.2,
            visited_school: r.3,
            stage: r.4,
            students: r.5,
            ward_code: r.6,
        })
        .collect())
}

/// Link an account to its school.
pub async fn link_account(db: &Db, email: &str, school_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE users SET school_id = $1 WHERE email = $2").bind(school_id).bind(email).execute(p).await.map(|_| ())?);
    platform::auth::cache::changed();
    Ok(())
}
