//! Employers' SQL, one copy for both backends.

use crate::model::*;
use chrono::{DateTime, Utc};
use platform::{with_db, Db};

const COLUMNS: &str = "id, tax_code, name, vsic_section, size_band, ownership, ward_code, street, contact_name, \
    phone, email, website, status, review_note, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    tax_code: String,
    name: String,
    vsic_section: Option<String>,
    size_band: String,
    ownership: String,
    ward_code: String,
    street: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    website: Option<String>,
    status: String,
    review_note: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Row> for EmployerRecord {
    fn from(r: Row) -> Self {
        EmployerRecord {
            id: r.id,
            tax_code: r.tax_code,
            name: r.name,
            vsic_section: r.vsic_section,
            size_band: r.size_band,
            ownership: r.ownership,
            ward_code: r.ward_code,
            street: r.street,
            contact_name: r.contact_name,
            phone: r.phone,
            email: r.email,
            website: r.website,
            status: EmployerStatus::parse(&r.status).unwrap_or(EmployerStatus::Pending),
            review_note: r.review_note,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Insert; `Err(existing id)` when the tax code is registered already.
pub async fn insert(db: &Db, province: &str, e: &Employer, status: EmployerStatus) -> anyhow::Result<Result<i64, i64>> {
    let now = Utc::now();
    let id: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO employers (province_code, tax_code, name, name_folded, vsic_section, size_band, ownership, ward_code,
            street, contact_name, phone, email, website, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)
         ON CONFLICT (province_code, tax_code) DO NOTHING RETURNING id")
        .bind(province).bind(e.tax_code.as_str()).bind(&e.name).bind(platform::fold::fold(&e.name))
        .bind(&e.vsic_section).bind(&e.size_band).bind(&e.ownership).bind(e.ward_code.as_str())
        .bind(&e.street).bind(&e.contact_name).bind(e.phone.as_ref().map(|p| p.to_string()))
        .bind(e.email.as_ref().map(|m| m.to_string())).bind(&e.website).bind(status.as_str()).bind(now)
        .fetch_optional(p).await?);
    match id {
        Some((id,)) => Ok(Ok(id)),
        None => Ok(Err(by_tax_code(db, province, e.tax_code.as_str()).await?.map(|r| r.id).unwrap_or_default())),
    }
}

/// Update details; `false` when the new tax code belongs to another employer.
pub async fn update(db: &Db, province: &str, id: i64, e: &Employer) -> anyhow::Result<bool> {
    if let Some(other) = by_tax_code(db, province, e.tax_code.as_str()).await? {
        if other.id != id {
            return Ok(false);
        }
    }
    let result = with_db!(db, p => sqlx::query(
        "UPDATE employers SET tax_code = $1, name = $2, name_folded = $3, vsic_section = $4, size_band = $5,
            ownership = $6, ward_code = $7, street = $8, contact_name = $9, phone = $10, email = $11, website = $12,
            updated_at = $13
         WHERE province_code = $14 AND id = $15")
        .bind(e.tax_code.as_str()).bind(&e.name).bind(platform::fold::fold(&e.name)).bind(&e.vsic_section)
        .bind(&e.size_band).bind(&e.ownership).bind(e.ward_code.as_str()).bind(&e.street).bind(&e.contact_name)
        .bind(e.phone.as_ref().map(|p| p.to_string())).bind(e.email.as_ref().map(|m| m.to_string()))
        .bind(&e.website).bind(Utc::now()).bind(province).bind(id)
        .execute(p).await.map(|r| r.rows_affected()));
    match result {
        Ok(_) => {}
        // Taken by another registration between the check above and now.
        Err(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    Ok(true)
}

pub async fn set_status(
    db: &Db,
    province: &str,
    id: i64,
    status: EmployerStatus,
    note: Option<&str>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE employers SET status = $1, review_note = $2, updated_at = $3 WHERE province_code = $4 AND id = $5")
        .bind(status.as_str()).bind(note).bind(Utc::now()).bind(province).bind(id)
        .execute(p).await?.rows_affected());
    Ok(())
}

pub async fn delete(db: &Db, province: &str, id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("DELETE FROM employers WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<EmployerRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM employers WHERE province_code = $1 AND id = $2");
    let row: Option<Row> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

pub async fn by_tax_code(db: &Db, province: &str, tax_code: &str) -> anyhow::Result<Option<EmployerRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM employers WHERE province_code = $1 AND tax_code = $2");
    let row: Option<Row> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(tax_code).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

/// Names of these employers (for lists of vacancies).
/// The registered employers among these tax codes (an import's list, read
/// in one query per 500 codes rather than one per row).
pub async fn by_tax_codes(db: &Db, province: &str, tax_codes: &[String]) -> anyhow::Result<Vec<EmployerRecord>> {
    let mut found = Vec::new();
    for chunk in tax_codes.chunks(500) {
        let rows: Vec<Row> = with_db!(db, p => {
            let mut q = sqlx::QueryBuilder::new(format!("SELECT {COLUMNS} FROM employers WHERE province_code = "));
            q.push_bind(province).push(" AND tax_code IN (");
            let mut list = q.separated(", ");
            for c in chunk {
                list.push_bind(c.as_str());
            }
            q.push(")");
            q.build_query_as().fetch_all(p).await?
        });
        found.extend(rows.into_iter().map(EmployerRecord::from));
    }
    Ok(found)
}

pub async fn names(db: &Db, province: &str, ids: &[i64]) -> anyhow::Result<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!("SELECT id, name FROM employers WHERE province_code = $1 AND id IN ({list})");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?))
}

pub const PAGE_SIZE: i64 = 50;

/// Search by name words (diacritics ignored) or tax code; newest first.
pub async fn search(
    db: &Db,
    province: &str,
    q: &str,
    status: Option<EmployerStatus>,
    page: i64,
) -> anyhow::Result<(Vec<EmployerRecord>, i64)> {
    let q = q.trim();
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    let (name_like, tax_like) = if !q.is_empty() && digits.len() >= 3 && digits.len() + 1 >= q.len() {
        (None, Some(format!("{digits}%")))
    } else if q.is_empty() {
        (None, None)
    } else {
        (Some(format!("%{}%", platform::fold::fold(q))), None)
    };
    let status = status.map(|s| s.as_str());
    let filter = "province_code = $1 AND ($2 IS NULL OR name_folded LIKE $2) AND ($3 IS NULL OR tax_code LIKE $3)
        AND ($4 IS NULL OR status = $4)";
    let list_sql = format!(
        "SELECT {COLUMNS} FROM employers WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT {PAGE_SIZE} OFFSET $5"
    );
    let count_sql = format!("SELECT COUNT(*) FROM employers WHERE {filter}");
    let offset = (page.max(1) - 1) * PAGE_SIZE;
    with_db!(db, p => {
        let rows: Vec<Row> = sqlx::query_as(&list_sql)
            .bind(province).bind(&name_like).bind(&tax_like).bind(status).bind(offset)
            .fetch_all(p).await?;
        let (total,): (i64,) = sqlx::query_as(&count_sql)
            .bind(province).bind(&name_like).bind(&tax_like).bind(status)
            .fetch_one(p).await?;
        Ok((rows.into_iter().map(Into::into).collect(), total))
    })
}
