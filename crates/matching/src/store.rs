//! Referrals' and consents' SQL, one copy for both backends.

use chrono::{DateTime, NaiveDate, Utc};
use platform::{with_db, Db};
use serde::Serialize;

/// Kết quả giới thiệu: what came of a referral.
pub const OUTCOMES: [&str; 4] = ["interviewed", "hired", "refused", "no_show"];

/// Coded reasons an employer refuses a referred person.
pub const REFUSAL_REASONS: [&str; 5] = ["qualification", "experience", "position_filled", "wage", "other"];

/// Phiếu giới thiệu việc làm.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Referral {
    pub id: i64,
    pub person_id: i64,
    pub vacancy_id: i64,
    pub employer_id: i64,
    pub referred_by: Option<i64>,
    #[serde(skip)]
    pub token: String,
    /// The score when referred (0–100).
    pub score: Option<f64>,
    /// interviewed | hired | refused | no_show; none yet when null.
    pub outcome: Option<String>,
    pub outcome_date: Option<NaiveDate>,
    pub outcome_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, person_id, vacancy_id, employer_id, referred_by, token, score, outcome, outcome_date, \
    outcome_reason, created_at, updated_at";

pub struct NewReferral<'a> {
    pub person_id: i64,
    pub vacancy_id: i64,
    pub employer_id: i64,
    pub referred_by: Option<i64>,
    pub token: &'a str,
    pub score: Option<f64>,
}

/// Record a referral; `None` when this person was referred to this vacancy already.
pub async fn insert(db: &Db, province: &str, r: &NewReferral<'_>) -> anyhow::Result<Option<i64>> {
    let now = Utc::now();
    let id: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO referrals (province_code, person_id, vacancy_id, employer_id, referred_by, token, score,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (province_code, person_id, vacancy_id) DO NOTHING RETURNING id")
        .bind(province).bind(r.person_id).bind(r.vacancy_id).bind(r.employer_id).bind(r.referred_by)
        .bind(r.token).bind(r.score).bind(now)
        .fetch_optional(p).await?);
    Ok(id.map(|x| x.0))
}

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Referral>> {
    let sql = format!("SELECT {COLUMNS} FROM referrals WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

/// Referrals by vacancy, by person, or both; newest first.
pub async fn list(
    db: &Db,
    province: &str,
    vacancy_id: Option<i64>,
    person_id: Option<i64>,
    employer_id: Option<i64>,
) -> anyhow::Result<Vec<Referral>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM referrals WHERE province_code = $1 AND ($2 IS NULL OR vacancy_id = $2)
         AND ($3 IS NULL OR person_id = $3) AND ($4 IS NULL OR employer_id = $4)
         ORDER BY created_at DESC, id DESC LIMIT 500"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(vacancy_id).bind(person_id).bind(employer_id)
        .fetch_all(p).await?))
}

pub async fn set_outcome(
    db: &Db,
    province: &str,
    id: i64,
    outcome: &str,
    date: NaiveDate,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE referrals SET outcome = $1, outcome_date = $2, outcome_reason = $3, updated_at = $4
         WHERE province_code = $5 AND id = $6")
        .bind(outcome).bind(date).bind(reason).bind(Utc::now()).bind(province).bind(id)
        .execute(p).await?.rows_affected());
    Ok(())
}

/// Whether a person chose to be findable by employers, and since when.
pub async fn consent(db: &Db, province: &str, person_id: i64) -> anyhow::Result<Option<DateTime<Utc>>> {
    let row: Option<(DateTime<Utc>,)> = with_db!(db, p => sqlx::query_as(
        "SELECT given_at FROM match_consents WHERE province_code = $1 AND person_id = $2")
        .bind(province).bind(person_id).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

/// Record or withdraw a person's consent to be findable.
pub async fn set_consent(db: &Db, province: &str, person_id: i64, by: Option<i64>, given: bool) -> anyhow::Result<()> {
    with_db!(db, p => {
        if given {
            sqlx::query(
                "INSERT INTO match_consents (province_code, person_id, given_at, given_by) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (province_code, person_id) DO NOTHING")
                .bind(province).bind(person_id).bind(Utc::now()).bind(by).execute(p).await?;
        } else {
            sqlx::query("DELETE FROM match_consents WHERE province_code = $1 AND person_id = $2")
                .bind(province).bind(person_id).execute(p).await?;
        }
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(())
}

/// Who an employer may see ranked for a vacancy: the people who applied to
/// it (linked to their registry record) and everyone findable.
pub async fn visible_to_employer(db: &Db, province: &str, vacancy_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT person_id FROM applications WHERE province_code = $1 AND vacancy_id = $2 AND person_id IS NOT NULL
         UNION SELECT person_id FROM match_consents WHERE province_code = $1")
        .bind(province).bind(vacancy_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}
