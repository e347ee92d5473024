//! Partners and the vacancies received from them. One copy of each query:
//! the dialects agree on all of them.

use chrono::{DateTime, NaiveDate, Utc};
use platform::follow::Since;
use platform::{with_db, Db};
use serde::Serialize;

use crate::feed::Item;

/// A partner province we pull vacancies from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub public_key: String,
    /// Where the next pull starts (none: from the beginning).
    pub cursor: Option<String>,
    /// The province its first verified page spoke for.
    pub province_code: Option<String>,
    pub last_pull_at: Option<DateTime<Utc>>,
    pub last_ok_at: Option<DateTime<Utc>>,
    /// Why the last pull failed (none when it succeeded).
    pub last_error: Option<String>,
    /// Its vacancies open on our board.
    pub open: i64,
}

type PartnerRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
    i64,
);

const PARTNER: &str = "SELECT p.id, p.name, p.url, p.public_key, p.cursor, p.partner_province, p.last_pull_at,
        p.last_ok_at, p.last_error,
        (SELECT COUNT(*) FROM partner_vacancies v WHERE v.province_code = p.province_code AND v.partner_id = p.id
            AND v.open = TRUE)
    FROM partners p WHERE p.province_code = $1";

fn partner_of(r: PartnerRow) -> Partner {
    Partner {
        id: r.0,
        name: r.1,
        url: r.2,
        public_key: r.3,
        cursor: r.4,
        province_code: r.5,
        last_pull_at: r.6,
        last_ok_at: r.7,
        last_error: r.8,
        open: r.9,
    }
}

/// Add a partner; `None` when one of that name exists.
pub async fn add_partner(
    db: &Db,
    province: &str,
    name: &str,
    url: &str,
    key: &str,
    by: Option<i64>,
) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO partners (province_code, name, url, public_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (province_code, name) DO NOTHING RETURNING id")
        .bind(province).bind(name).bind(url).bind(key).bind(by).bind(Utc::now()).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

pub async fn partners(db: &Db, province: &str) -> anyhow::Result<Vec<Partner>> {
    let sql = format!("{PARTNER} ORDER BY p.name");
    let rows: Vec<PartnerRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(partner_of).collect())
}

pub async fn partner(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Partner>> {
    let sql = format!("{PARTNER} AND p.id = $2");
    let row: Option<PartnerRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(partner_of))
}

pub async fn partner_by_name(db: &Db, province: &str, name: &str) -> anyhow::Result<Option<Partner>> {
    let sql = format!("{PARTNER} AND p.name = $2");
    let row: Option<PartnerRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(name).fetch_optional(p).await?);
    Ok(row.map(partner_of))
}

/// How a pull ended: its error, or none.
pub async fn pulled(db: &Db, province: &str, id: i64, error: Option<&str>) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query(
        "UPDATE partners SET last_pull_at = $3, last_error = $4,
            last_ok_at = CASE WHEN $4 IS NULL THEN $3 ELSE last_ok_at END
         WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).bind(now).bind(error).execute(p).await.map(|_| ())?);
    Ok(())
}

/// Keep a verified page: its items (an older version than the one kept
/// changes nothing; at the same time, only a withdrawal does) and the cursor
/// after it, in one transaction — a pull cut after it resumes there, one cut
/// before reads the page again. The cursor moves only from `from`: when
/// another pull of this partner moved it meanwhile, nothing is kept (`None`).
pub async fn keep_page(
    db: &Db,
    province: &str,
    partner: i64,
    origin: &str,
    items: &[Item],
    from: &str,
    to: &str,
) -> anyhow::Result<Option<usize>> {
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let moved = sqlx::query(
            "UPDATE partners SET cursor = $4, partner_province = $5
             WHERE province_code = $1 AND id = $2 AND COALESCE(cursor, '') = $3")
            .bind(province).bind(partner).bind(from).bind(to).bind(origin).execute(&mut *tx).await?;
        if moved.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let mut kept = 0;
        for i in items {
            let payload = serde_json::to_string(i)?;
            let r = sqlx::query(
                "INSERT INTO partner_vacancies (province_code, partner_id, remote_id, origin_province, url, title,
                    employer_name, occupation_isco, work_province_code, work_ward_code, work_country, wage_min, wage_max,
                    positions, deadline, open, remote_updated_at, payload, received_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)
                 ON CONFLICT (province_code, partner_id, remote_id) DO UPDATE SET url = excluded.url,
                    title = excluded.title, employer_name = excluded.employer_name,
                    occupation_isco = excluded.occupation_isco, work_province_code = excluded.work_province_code,
                    work_ward_code = excluded.work_ward_code, work_country = excluded.work_country,
                    wage_min = excluded.wage_min, wage_max = excluded.wage_max, positions = excluded.positions,
                    deadline = excluded.deadline, open = excluded.open, remote_updated_at = excluded.remote_updated_at,
                    payload = excluded.payload, updated_at = excluded.updated_at
                 WHERE partner_vacancies.remote_updated_at < excluded.remote_updated_at
                    OR (partner_vacancies.remote_updated_at = excluded.remote_updated_at
                        AND partner_vacancies.open AND NOT excluded.open)")
                .bind(province).bind(partner).bind(&i.id).bind(origin).bind(&i.url).bind(&i.title)
                .bind(&i.hiring_organization.name).bind(&i.occupation_isco).bind(&i.work_province_code)
                .bind(&i.work_ward_code).bind(&i.work_country).bind(i.wage_min).bind(i.wage_max)
                .bind(i.total_job_openings).bind(i.valid_through).bind(i.change != "withdrawn")
                .bind(i.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)).bind(payload).bind(now)
                .execute(&mut *tx).await?;
            kept += r.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(Some(kept))
    })
}

/// Partner vacancies past their deadline leave the board even when their
/// partner is silent; returns how many.
pub async fn close_expired(db: &Db, province: &str, today: NaiveDate) -> anyhow::Result<u64> {
    let r = with_db!(db, p => sqlx::query(
        "UPDATE partner_vacancies SET open = FALSE, updated_at = $3
         WHERE province_code = $1 AND open = TRUE AND deadline < $2")
        .bind(province).bind(today).bind(Utc::now()).execute(p).await.map(|r| r.rows_affected())?);
    Ok(r)
}

/// A partner's vacancy as the board shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Received {
    pub id: i64,
    pub partner_id: i64,
    pub open: bool,
    pub origin_province: String,
    pub url: String,
    pub title: String,
    pub employer_name: String,
    pub occupation_isco: String,
    pub work_province_code: Option<String>,
    pub work_ward_code: Option<String>,
    pub work_country: Option<String>,
    pub wage_min: Option<i64>,
    pub wage_max: Option<i64>,
    pub positions: i64,
    pub deadline: NaiveDate,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Partner vacancies changed since `since` (all when `None`).
pub async fn received_changed(db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<Received>> {
    received_where(db, province, &since.map_or_else(|| "open = TRUE".to_owned(), |s| s.condition("seq"))).await
}

/// Partner vacancies by our ids (a matching page's partner lines).
pub async fn received_by_ids(db: &Db, province: &str, ids: &[i64]) -> anyhow::Result<Vec<Received>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    received_where(db, province, &format!("id IN ({})", list.join(", "))).await
}

async fn received_where(db: &Db, province: &str, cond: &str) -> anyhow::Result<Vec<Received>> {
    let sql = format!(
        "SELECT id, partner_id, open, origin_province, url, title, employer_name, occupation_isco, work_province_code,
            work_ward_code, work_country, wage_min, wage_max, positions, deadline, received_at, updated_at
         FROM partner_vacancies WHERE province_code = $1 AND {cond}"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?))
}

/// (partner, first received) of every vacancy received: the report counts them by month.
pub async fn received_dates(db: &Db, province: &str) -> anyhow::Result<Vec<(i64, DateTime<Utc>)>> {
    let rows: Vec<(i64, DateTime<Utc>)> = with_db!(db, p => sqlx::query_as(
        "SELECT partner_id, received_at FROM partner_vacancies WHERE province_code = $1")
        .bind(province).fetch_all(p).await?);
    Ok(rows)
}

/// When each of our vacancies was first published: what we offer to every partner.
pub async fn offered_dates(db: &Db, province: &str) -> anyhow::Result<Vec<DateTime<Utc>>> {
    let rows: Vec<(DateTime<Utc>,)> = with_db!(db, p => sqlx::query_as(
        "SELECT published_at FROM vacancies WHERE province_code = $1 AND published_at IS NOT NULL")
        .bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A partner's online session as our calendar shows it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PartnerSession {
    /// The partner as we call it.
    pub partner: String,
    pub origin_province: String,
    pub title: String,
    /// online | hybrid
    pub kind: String,
    /// Vietnam time.
    #[schema(value_type = String, example = "2026-12-15T08:00:00")]
    pub starts_at: chrono::NaiveDateTime,
    #[schema(value_type = String, example = "2026-12-15T11:30:00")]
    pub ends_at: chrono::NaiveDateTime,
    /// Its page at the origin: register and join there.
    pub url: String,
    pub organisers: Option<String>,
}

/// Replace a partner's online sessions with a verified list, in one
/// transaction: a session the partner no longer lists leaves our calendar.
pub async fn keep_sessions(
    db: &Db,
    province: &str,
    partner: i64,
    origin: &str,
    items: &[crate::events::Event],
) -> anyhow::Result<usize> {
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM partner_sessions WHERE province_code = $1 AND partner_id = $2")
            .bind(province).bind(partner).execute(&mut *tx).await?;
        for e in items {
            let kind = if e.attendance_mode == crate::events::ONLINE { "online" } else { "hybrid" };
            sqlx::query(
                "INSERT INTO partner_sessions (province_code, partner_id, remote_id, origin_province, title, kind,
                    starts_at, ends_at, url, organisers, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                 ON CONFLICT (province_code, partner_id, remote_id) DO NOTHING")
                .bind(province).bind(partner).bind(&e.id).bind(origin).bind(&e.name).bind(kind)
                .bind(crate::events::in_vietnam(&e.start_date)).bind(crate::events::in_vietnam(&e.end_date))
                .bind(&e.url).bind(e.organizer.as_ref().map(|o| o.name.as_str())).bind(now)
                .execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(items.len())
    })
}

/// Partners' online sessions not over at `now` (Vietnam time), soonest first.
pub async fn partner_sessions(
    db: &Db,
    province: &str,
    now: chrono::NaiveDateTime,
    limit: i64,
) -> anyhow::Result<Vec<PartnerSession>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT p.name AS partner, s.origin_province, s.title, s.kind, s.starts_at, s.ends_at, s.url, s.organisers
         FROM partner_sessions s JOIN partners p ON p.province_code = s.province_code AND p.id = s.partner_id
         WHERE s.province_code = $1 AND s.ends_at >= $2 ORDER BY s.starts_at, p.name LIMIT $3")
        .bind(province).bind(now).bind(limit).fetch_all(p).await?))
}

/// (partner, referred at, hired on) of each referral of our people to a
/// partner's vacancy. Referrals are matching's; they name a partner's
/// vacancy by the id the board gives it (from `FOREIGN_BASE` on), which is
/// all this reads of them.
pub async fn referrals_through(
    db: &Db,
    province: &str,
) -> anyhow::Result<Vec<(i64, DateTime<Utc>, Option<NaiveDate>)>> {
    let base = vacancies::index::FOREIGN_BASE;
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT v.partner_id, r.created_at, CASE WHEN r.outcome = 'hired' THEN r.outcome_date END
         FROM referrals r JOIN partner_vacancies v ON v.province_code = r.province_code AND v.id = r.vacancy_id - $2
         WHERE r.province_code = $1 AND r.vacancy_id >= $2")
        .bind(province).bind(base).fetch_all(p).await?))
}

/// The employer's tax code of a partner's vacancy, as its feed gave it
/// (feeds before it was sent have none).
pub async fn partner_tax_code(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<String>> {
    let row: Option<(String,)> = with_db!(db, p => sqlx::query_as(
        "SELECT payload FROM partner_vacancies WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).fetch_optional(p).await?);
    Ok(row
        .and_then(|(payload,)| serde_json::from_str::<Item>(&payload).ok())
        .and_then(|i| i.hiring_organization.tax_id))
}
