//! The sessions' SQL, one copy for both backends.

use chrono::{DateTime, NaiveDateTime, Utc};
use platform::{with_db, Db};

use crate::model::*;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub ward_code: Option<String>,
    pub venue: Option<String>,
    pub organisers: Option<String>,
    pub target_employers: Option<i64>,
    pub target_positions: Option<i64>,
    pub target_seekers: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl SessionRow {
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::InPerson)
    }
    pub fn into_record(self) -> SessionRecord {
        SessionRecord {
            url: format!("/sessions/{}", self.id),
            kind: self.kind(),
            id: self.id,
            title: self.title,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            ward_code: self.ward_code,
            venue: self.venue,
            organisers: self.organisers,
            target_employers: self.target_employers,
            target_positions: self.target_positions,
            target_seekers: self.target_seekers,
            created_at: self.created_at,
        }
    }
}

const SESSION_COLUMNS: &str = "id, title, kind, starts_at, ends_at, ward_code, venue, organisers, target_employers, \
    target_positions, target_seekers, created_at";

pub async fn insert_session(db: &Db, province: &str, s: &Session, by: i64) -> anyhow::Result<i64> {
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO job_sessions (province_code, title, kind, starts_at, ends_at, ward_code, venue, organisers,
            target_employers, target_positions, target_seekers, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id")
        .bind(province).bind(&s.title).bind(s.kind.as_str()).bind(s.starts_at).bind(s.ends_at)
        .bind(&s.ward_code).bind(&s.venue).bind(&s.organisers).bind(s.target_employers).bind(s.target_positions)
        .bind(s.target_seekers).bind(by).bind(now)
        .fetch_one(p).await?);
    Ok(id)
}

pub async fn session(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<SessionRow>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM job_sessions WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

/// Sessions ending at or after `from` (upcoming and under way) soonest first,
/// then the past ones, latest first; at most `limit`.
pub async fn sessions(db: &Db, province: &str, from: NaiveDateTime, limit: i64) -> anyhow::Result<Vec<SessionRow>> {
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM job_sessions WHERE province_code = $1
         ORDER BY CASE WHEN ends_at >= $2 THEN 0 ELSE 1 END,
                  CASE WHEN ends_at >= $2 THEN starts_at END ASC, starts_at DESC, id DESC LIMIT $3"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(from).bind(limit).fetch_all(p).await?))
}

// ---------- booths ----------

/// Add an employer's booth, or (when it has one) set the vacancies it brings.
/// `Ok(id)` for a new booth, `Err(id)` for the existing one.
pub async fn put_booth(
    db: &Db,
    province: &str,
    session_id: i64,
    employer_id: i64,
    vacancy_ids: &[i64],
) -> anyhow::Result<Result<i64, i64>> {
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let new: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO session_booths (province_code, session_id, employer_id, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (province_code, session_id, employer_id) DO NOTHING RETURNING id")
            .bind(province).bind(session_id).bind(employer_id).bind(now).fetch_optional(&mut *tx).await?;
        let id = match new {
            Some((id,)) => Ok(id),
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "SELECT id FROM session_booths WHERE province_code = $1 AND session_id = $2 AND employer_id = $3")
                    .bind(province).bind(session_id).bind(employer_id).fetch_one(&mut *tx).await?;
                sqlx::query("DELETE FROM session_booth_vacancies WHERE province_code = $1 AND booth_id = $2")
                    .bind(province).bind(id).execute(&mut *tx).await?;
                Err(id)
            }
        };
        let booth = match id { Ok(b) | Err(b) => b };
        for v in vacancy_ids {
            sqlx::query("INSERT INTO session_booth_vacancies (province_code, booth_id, vacancy_id) VALUES ($1, $2, $3)
                         ON CONFLICT DO NOTHING")
                .bind(province).bind(booth).bind(v).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(id)
    })
}

/// A session's booths: (booth, employer, vacancies), in the order they were added.
pub async fn booths(db: &Db, province: &str, session_id: i64) -> anyhow::Result<Vec<(i64, i64, Vec<i64>)>> {
    let rows: Vec<(i64, i64, Option<i64>)> = with_db!(db, p => sqlx::query_as(
        "SELECT b.id, b.employer_id, bv.vacancy_id FROM session_booths b
         LEFT JOIN session_booth_vacancies bv ON bv.province_code = b.province_code AND bv.booth_id = b.id
         WHERE b.province_code = $1 AND b.session_id = $2 ORDER BY b.id, bv.vacancy_id")
        .bind(province).bind(session_id).fetch_all(p).await?);
    let mut out: Vec<(i64, i64, Vec<i64>)> = Vec::new();
    for (booth, employer, vacancy) in rows {
        if out.last().is_none_or(|b| b.0 != booth) {
            out.push((booth, employer, Vec::new()));
        }
        if let (Some(v), Some(last)) = (vacancy, out.last_mut()) {
            last.2.push(v);
        }
    }
    Ok(out)
}

// ---------- registrations ----------

const REGISTRATION_COLUMNS: &str = "id, session_id, ticket, full_name, phone, cccd, birth_date, person_id, walk_in, \
    checked_in_at, created_at";

/// Register a person with their booths. `Err(existing)` when this phone is
/// registered for the session already (nothing changes).
pub async fn register(
    db: &Db,
    province: &str,
    session_id: i64,
    r: &Registration,
    person_id: Option<i64>,
    walk_in: bool,
) -> anyhow::Result<Result<RegistrationRecord, RegistrationRecord>> {
    let now = Utc::now();
    let ticket = crate::rules::new_ticket();
    let id = with_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO session_registrations (province_code, session_id, ticket, full_name, phone, cccd, birth_date,
                person_id, walk_in, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (province_code, session_id, phone) DO NOTHING RETURNING id")
            .bind(province).bind(session_id).bind(&ticket).bind(&r.full_name).bind(r.phone.as_str())
            .bind(r.cccd.as_ref().map(|c| c.as_str())).bind(r.birth_date).bind(person_id).bind(walk_in).bind(now)
            .fetch_optional(&mut *tx).await?;
        if let Some((id,)) = id {
            for b in &r.booth_ids {
                sqlx::query("INSERT INTO session_choices (province_code, registration_id, booth_id) VALUES ($1, $2, $3)
                             ON CONFLICT DO NOTHING")
                    .bind(province).bind(id).bind(b).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(id.map(|x| x.0))
    })?;
    match id {
        Some(id) => {
            Ok(Ok(registration(db, province, id).await?.ok_or_else(|| anyhow::anyhow!("registration lost"))?))
        }
        None => Ok(Err(by_phone(db, province, session_id, r.phone.as_str())
            .await?
            .ok_or_else(|| anyhow::anyhow!("registration conflict without a row"))?)),
    }
}

pub async fn registration(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<RegistrationRecord>> {
    let sql = format!("SELECT {REGISTRATION_COLUMNS} FROM session_registrations WHERE province_code = $1 AND id = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?))
}

pub async fn by_ticket(db: &Db, province: &str, ticket: &str) -> anyhow::Result<Option<RegistrationRecord>> {
    let sql =
        format!("SELECT {REGISTRATION_COLUMNS} FROM session_registrations WHERE province_code = $1 AND ticket = $2");
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(ticket).fetch_optional(p).await?))
}

pub async fn by_phone(
    db: &Db,
    province: &str,
    session_id: i64,
    phone: &str,
) -> anyhow::Result<Option<RegistrationRecord>> {
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM session_registrations
         WHERE province_code = $1 AND session_id = $2 AND phone = $3"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).bind(phone).fetch_optional(p).await?))
}

pub async fn by_cccd(
    db: &Db,
    province: &str,
    session_id: i64,
    cccd: &str,
) -> anyhow::Result<Option<RegistrationRecord>> {
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM session_registrations
         WHERE province_code = $1 AND session_id = $2 AND cccd = $3 ORDER BY id LIMIT 1"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).bind(cccd).fetch_optional(p).await?))
}

/// A session's registrations, newest first, at most `limit`.
pub async fn registrations(
    db: &Db,
    province: &str,
    session_id: i64,
    limit: i64,
) -> anyhow::Result<Vec<RegistrationRecord>> {
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM session_registrations WHERE province_code = $1 AND session_id = $2
         ORDER BY id DESC LIMIT $3"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).bind(limit).fetch_all(p).await?))
}

/// The booths a registration chose.
pub async fn choices(db: &Db, province: &str, registration_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT booth_id FROM session_choices WHERE province_code = $1 AND registration_id = $2 ORDER BY booth_id")
        .bind(province).bind(registration_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Check a person in; `false` when they were already (the first time stands).
pub async fn check_in(db: &Db, province: &str, registration_id: i64, by: i64) -> anyhow::Result<bool> {
    let n = with_db!(db, p => sqlx::query(
        "UPDATE session_registrations SET checked_in_at = $1, checked_in_by = $2
         WHERE province_code = $3 AND id = $4 AND checked_in_at IS NULL")
        .bind(Utc::now()).bind(by).bind(province).bind(registration_id).execute(p).await?.rows_affected());
    Ok(n == 1)
}

// ---------- interviews ----------

#[derive(Debug, Clone, sqlx::FromRow)]
struct InterviewDbRow {
    id: i64,
    registration_id: i64,
    booth_id: i64,
    vacancy_id: Option<i64>,
    mode: String,
    outcome: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<InterviewDbRow> for Interview {
    fn from(r: InterviewDbRow) -> Self {
        Interview {
            id: r.id,
            registration_id: r.registration_id,
            booth_id: r.booth_id,
            vacancy_id: r.vacancy_id,
            mode: Mode::parse(&r.mode).unwrap_or(Mode::InPerson),
            outcome: r.outcome.as_deref().and_then(Outcome::parse),
            created_at: r.created_at,
        }
    }
}

const INTERVIEW_COLUMNS: &str = "id, registration_id, booth_id, vacancy_id, mode, outcome, created_at";

/// Record an interview; `Err(existing)` when this person was interviewed at this booth already.
#[allow(clippy::too_many_arguments)]
pub async fn interview(
    db: &Db,
    province: &str,
    session_id: i64,
    registration_id: i64,
    booth_id: i64,
    vacancy_id: Option<i64>,
    mode: Mode,
    by: i64,
) -> anyhow::Result<Result<i64, i64>> {
    let id: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO session_interviews (province_code, session_id, registration_id, booth_id, vacancy_id, mode,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (province_code, registration_id, booth_id) DO NOTHING RETURNING id")
        .bind(province).bind(session_id).bind(registration_id).bind(booth_id).bind(vacancy_id).bind(mode.as_str())
        .bind(by).bind(Utc::now()).fetch_optional(p).await?);
    if let Some((id,)) = id {
        return Ok(Ok(id));
    }
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "SELECT id FROM session_interviews WHERE province_code = $1 AND registration_id = $2 AND booth_id = $3")
        .bind(province).bind(registration_id).bind(booth_id).fetch_one(p).await?);
    Ok(Err(id))
}

pub async fn get_interview(db: &Db, province: &str, session_id: i64, id: i64) -> anyhow::Result<Option<Interview>> {
    let sql = format!(
        "SELECT {INTERVIEW_COLUMNS} FROM session_interviews WHERE province_code = $1 AND session_id = $2 AND id = $3"
    );
    let row: Option<InterviewDbRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).bind(id).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

pub async fn interviews(db: &Db, province: &str, session_id: i64) -> anyhow::Result<Vec<Interview>> {
    let sql = format!(
        "SELECT {INTERVIEW_COLUMNS} FROM session_interviews WHERE province_code = $1 AND session_id = $2 ORDER BY id"
    );
    let rows: Vec<InterviewDbRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn set_outcome(db: &Db, province: &str, id: i64, outcome: Outcome) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE session_interviews SET outcome = $1, outcome_at = $2 WHERE province_code = $3 AND id = $4")
        .bind(outcome.as_str()).bind(Utc::now()).bind(province).bind(id).execute(p).await?.rows_affected());
    Ok(())
}

/// Registrations of a session: id and whether checked in (the report).
pub async fn attendance(db: &Db, province: &str, session_id: i64) -> anyhow::Result<Vec<(i64, bool)>> {
    let rows: Vec<(i64, Option<DateTime<Utc>>)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, checked_in_at FROM session_registrations WHERE province_code = $1 AND session_id = $2")
        .bind(province).bind(session_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(id, at)| (id, at.is_some())).collect())
}

// ---------- online queues ----------

/// Join a booth's queue (again: keeps the first place).
pub async fn join_queue(db: &Db, province: &str, booth_id: i64, registration_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "INSERT INTO session_queue (province_code, booth_id, registration_id, joined_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (province_code, booth_id, registration_id) DO NOTHING")
        .bind(province).bind(booth_id).bind(registration_id).bind(Utc::now()).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn leave_queue(db: &Db, province: &str, booth_id: i64, registration_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "DELETE FROM session_queue WHERE province_code = $1 AND booth_id = $2 AND registration_id = $3 AND called_at IS NULL")
        .bind(province).bind(booth_id).bind(registration_id).execute(p).await?.rows_affected());
    Ok(())
}

/// Everyone waiting at a session's booths, in order: (booth, registration).
pub async fn waiting(db: &Db, province: &str, session_id: i64) -> anyhow::Result<Vec<(i64, i64)>> {
    let rows: Vec<(i64, i64)> = with_db!(db, p => sqlx::query_as(
        "SELECT q.booth_id, q.registration_id FROM session_queue q
         JOIN session_booths b ON b.province_code = q.province_code AND b.id = q.booth_id
         WHERE q.province_code = $1 AND b.session_id = $2 AND q.called_at IS NULL
         ORDER BY q.booth_id, q.joined_at, q.registration_id")
        .bind(province).bind(session_id).fetch_all(p).await?);
    Ok(rows)
}

/// Take the first in a booth's queue out of it; who it was.
pub async fn call_next(db: &Db, province: &str, booth_id: i64) -> anyhow::Result<Option<i64>> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let next: Option<(i64,)> = sqlx::query_as(
            "SELECT registration_id FROM session_queue WHERE province_code = $1 AND booth_id = $2 AND called_at IS NULL
             ORDER BY joined_at, registration_id LIMIT 1")
            .bind(province).bind(booth_id).fetch_optional(&mut *tx).await?;
        if let Some((r,)) = next {
            sqlx::query("UPDATE session_queue SET called_at = $1 WHERE province_code = $2 AND booth_id = $3
                         AND registration_id = $4")
                .bind(Utc::now()).bind(province).bind(booth_id).bind(r).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(next.map(|x| x.0))
    })
}

/// The organisers' live counters: registered, present, interviews, people hired.
pub async fn counters(db: &Db, province: &str, session_id: i64) -> anyhow::Result<(i64, i64, i64, i64)> {
    with_db!(db, p => {
        let (registered, present): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(checked_in_at) FROM session_registrations WHERE province_code = $1 AND session_id = $2")
            .bind(province).bind(session_id).fetch_one(p).await?;
        let (interviews, hired): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT CASE WHEN outcome = 'hired' THEN registration_id END)
             FROM session_interviews WHERE province_code = $1 AND session_id = $2")
            .bind(province).bind(session_id).fetch_one(p).await?;
        Ok((registered, present, interviews, hired))
    })
}

/// The registrations that chose a booth.
pub async fn choosers(db: &Db, province: &str, booth_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT registration_id FROM session_choices WHERE province_code = $1 AND booth_id = $2")
        .bind(province).bind(booth_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Book a time slot at a booth (moving this person's earlier one there);
/// `false` when someone else has it.
pub async fn book_slot(
    db: &Db,
    province: &str,
    booth_id: i64,
    registration_id: i64,
    at: NaiveDateTime,
) -> anyhow::Result<bool> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM session_slots WHERE province_code = $1 AND booth_id = $2 AND registration_id = $3")
            .bind(province).bind(booth_id).bind(registration_id).execute(&mut *tx).await?;
        let n = sqlx::query(
            "INSERT INTO session_slots (province_code, booth_id, starts_at, registration_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (province_code, booth_id, starts_at) DO NOTHING")
            .bind(province).bind(booth_id).bind(at).bind(registration_id).execute(&mut *tx).await?.rows_affected();
        if n == 1 {
            tx.commit().await?;
        }
        Ok::<_, anyhow::Error>(n == 1)
    })
}

/// A booth's booked slots, in time order: (time, registration).
pub async fn slots(db: &Db, province: &str, booth_id: i64) -> anyhow::Result<Vec<(NaiveDateTime, i64)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT starts_at, registration_id FROM session_slots WHERE province_code = $1 AND booth_id = $2
         ORDER BY starts_at")
        .bind(province).bind(booth_id).fetch_all(p).await?))
}

/// The last people checked in at a session, latest first.
pub async fn recent_checkins(
    db: &Db,
    province: &str,
    session_id: i64,
    limit: i64,
) -> anyhow::Result<Vec<RegistrationRecord>> {
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM session_registrations
         WHERE province_code = $1 AND session_id = $2 AND checked_in_at IS NOT NULL
         ORDER BY checked_in_at DESC, id DESC LIMIT $3"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).bind(limit).fetch_all(p).await?))
}

/// These registrations of a session (a booth's candidates), by id.
pub async fn registrations_by_ids(
    db: &Db,
    province: &str,
    session_id: i64,
    ids: &[i64],
) -> anyhow::Result<Vec<RegistrationRecord>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // Ids are numbers: written into the statement, no text from a user.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = format!(
        "SELECT {REGISTRATION_COLUMNS} FROM session_registrations
         WHERE province_code = $1 AND session_id = $2 AND id IN ({list}) ORDER BY id DESC"
    );
    Ok(with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(session_id).fetch_all(p).await?))
}
