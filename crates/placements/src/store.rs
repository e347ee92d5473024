//! The placements' and targets' SQL, one copy for both backends.

use chrono::{NaiveDate, Utc};
use platform::{with_db, Db};

use crate::model::*;

/// Where a placement came from, and who recorded it.
pub struct Origin<'a> {
    /// form | import | referral | session
    pub source: &'a str,
    pub source_id: Option<i64>,
    pub by: Option<i64>,
}

const COLUMNS: &str = "id, person_id, ward_code, employer_kind, employer_id, employer_tax_code, employer_name, \
    vacancy_id, occupation_isco, start_date, channel, place, country, contract_type, wage, source, created_at";

pub async fn insert(
    db: &Db,
    province: &str,
    person_id: i64,
    ward_code: &str,
    employer_id: Option<i64>,
    p: &Placement,
    origin: &Origin<'_>,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, pool => sqlx::query_as(
        "INSERT INTO placements (province_code, person_id, ward_code, employer_kind, employer_id, employer_tax_code,
            employer_name, vacancy_id, occupation_isco, start_date, channel, place, country, contract_type, wage,
            source, source_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id")
        .bind(province).bind(person_id).bind(ward_code).bind(p.employer_kind).bind(employer_id)
        .bind(&p.employer_tax_code).bind(&p.employer_name).bind(p.vacancy_id).bind(&p.occupation_isco)
        .bind(p.start_date).bind(p.channel).bind(p.place).bind(p.country).bind(p.contract_type).bind(p.wage)
        .bind(origin.source).bind(origin.source_id).bind(origin.by).bind(Utc::now())
        .fetch_one(pool).await?);
    Ok(id)
}

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<PlacementRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM placements WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

/// A person's placements: (id, kind, tax code, employer name, start) — to tell one job from another.
pub async fn of_person(
    db: &Db,
    province: &str,
    person_id: i64,
) -> anyhow::Result<Vec<(i64, String, Option<String>, Option<String>, NaiveDate)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT id, employer_kind, employer_tax_code, employer_name, start_date FROM placements
         WHERE province_code = $1 AND person_id = $2 ORDER BY start_date")
        .bind(province).bind(person_id).fetch_all(p).await?))
}

/// The placement recorded from a referral or a session's interview, if any.
pub async fn by_source(db: &Db, province: &str, source: &str, source_id: i64) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT id FROM placements WHERE province_code = $1 AND source = $2 AND source_id = $3")
        .bind(province).bind(source).bind(source_id).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

/// Filters of the list and the counts.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub ward: Option<String>,
    pub channel: Option<String>,
    pub place: Option<String>,
    /// Only these communes (a commune officer's), when not empty.
    pub wards: Vec<String>,
}

impl Filter {
    /// The communes' restriction as SQL: codes are the account's own 5-digit
    /// commune codes, written in only when every one is digits.
    fn scope(&self) -> String {
        if self.wards.is_empty() {
            return String::new();
        }
        if !self.wards.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())) {
            return " AND FALSE".into();
        }
        format!(" AND ward_code IN ({})", self.wards.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", "))
    }
}

const FILTER: &str = "province_code = $1 AND ($2 IS NULL OR start_date >= $2) AND ($3 IS NULL OR start_date <= $3)
    AND ($4 IS NULL OR ward_code = $4) AND ($5 IS NULL OR channel = $5) AND ($6 IS NULL OR place = $6)";

pub const PAGE_SIZE: i64 = 50;

/// Placements by start date, newest first, a page at a time; and how many.
pub async fn list(db: &Db, province: &str, f: &Filter, page: i64) -> anyhow::Result<(Vec<PlacementRecord>, i64)> {
    let scope = f.scope();
    let list_sql = format!(
        "SELECT {COLUMNS} FROM placements WHERE {FILTER}{scope} ORDER BY start_date DESC, id DESC
         LIMIT {PAGE_SIZE} OFFSET $7"
    );
    let count_sql = format!("SELECT COUNT(*) FROM placements WHERE {FILTER}{scope}");
    let offset = (page.max(1) - 1) * PAGE_SIZE;
    with_db!(db, p => {
        let rows: Vec<PlacementRecord> = sqlx::query_as(&list_sql)
            .bind(province).bind(f.from).bind(f.to).bind(&f.ward).bind(&f.channel).bind(&f.place).bind(offset)
            .fetch_all(p).await?;
        let (total,): (i64,) = sqlx::query_as(&count_sql)
            .bind(province).bind(f.from).bind(f.to).bind(&f.ward).bind(&f.channel).bind(&f.place)
            .fetch_one(p).await?;
        Ok((rows, total))
    })
}

/// Counts by day, commune, channel, place and country in a period: the
/// figures are folded from these (one GROUP BY, the same SQL on both backends).
pub async fn counts(
    db: &Db,
    province: &str,
    f: &Filter,
) -> anyhow::Result<Vec<(NaiveDate, String, String, String, Option<String>, i64)>> {
    let sql = format!(
        "SELECT start_date, ward_code, channel, place, country, COUNT(*) FROM placements WHERE {FILTER}{}
         GROUP BY start_date, ward_code, channel, place, country",
        f.scope()
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql)
        .bind(province).bind(f.from).bind(f.to).bind(&f.ward).bind(&f.channel).bind(&f.place)
        .fetch_all(p).await?))
}

// ---------- targets ----------

pub async fn put_target(
    db: &Db,
    province: &str,
    indicator: &str,
    year: i32,
    ward: &str,
    value: i64,
    by: Option<i64>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "INSERT INTO targets (province_code, indicator, year, ward_code, value, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (province_code, indicator, year, ward_code)
         DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
        .bind(province).bind(indicator).bind(year).bind(ward).bind(value).bind(by).bind(Utc::now())
        .execute(p).await?.rows_affected());
    Ok(())
}

/// A year's targets: (indicator, ward or '' for the province, value), the province first.
pub async fn targets(db: &Db, province: &str, year: i32) -> anyhow::Result<Vec<(String, String, i64)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT indicator, ward_code, value FROM targets WHERE province_code = $1 AND year = $2
         ORDER BY indicator, ward_code")
        .bind(province).bind(year).fetch_all(p).await?))
}

/// Many placements at once, in one transaction (demo data, benchmarks):
/// (person, commune, employer id, job). Not checked for repeats: the caller
/// makes none.
pub async fn insert_many(
    db: &Db,
    province: &str,
    rows: &[(i64, String, Option<i64>, Placement)],
    source: &str,
) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(1000) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO placements (province_code, person_id, ward_code, employer_kind, employer_id,
                    employer_tax_code, employer_name, vacancy_id, occupation_isco, start_date, channel, place, country,
                    contract_type, wage, source, created_at) ",
            );
            q.push_values(chunk, |mut b, (person, ward, employer, p)| {
                b.push_bind(province).push_bind(*person).push_bind(ward.as_str()).push_bind(p.employer_kind)
                    .push_bind(*employer).push_bind(p.employer_tax_code.as_deref()).push_bind(p.employer_name.as_deref())
                    .push_bind(p.vacancy_id).push_bind(p.occupation_isco.as_deref()).push_bind(p.start_date)
                    .push_bind(p.channel).push_bind(p.place).push_bind(p.country).push_bind(p.contract_type)
                    .push_bind(p.wage).push_bind(source).push_bind(now);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(())
    })
}

/// The latest start date recorded.
pub async fn latest_start(db: &Db, province: &str) -> anyhow::Result<Option<NaiveDate>> {
    let row: (Option<NaiveDate>,) = with_db!(db, p => sqlx::query_as(
        "SELECT MAX(start_date) FROM placements WHERE province_code = $1").bind(province).fetch_one(p).await?);
    Ok(row.0)
}
