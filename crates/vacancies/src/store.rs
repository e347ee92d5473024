//! Vacancies' and applications' SQL, one copy for both backends.

use crate::model::*;
use chrono::{DateTime, NaiveDate, Utc};
use platform::follow::Since;
use platform::{with_db, Db};

const COLUMNS: &str = "v.id, v.employer_id, e.name AS employer_name, v.title, v.occupation_isco, v.positions, \
    v.qualification, v.experience_years, v.age_min, v.age_max, v.wage_min, v.wage_max, v.contract_type, \
    v.working_hours, v.work_ward_code, v.work_province_code, v.work_country, v.deadline, v.description, \
    v.requirements, v.benefits, v.contact, v.status, v.flagged, v.review_note, v.published_at, v.created_at, \
    v.updated_at";

const FROM: &str = "vacancies v JOIN employers e ON e.province_code = v.province_code AND e.id = v.employer_id";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    employer_id: i64,
    employer_name: String,
    title: String,
    occupation_isco: String,
    positions: i64,
    qualification: String,
    experience_years: i64,
    age_min: Option<i64>,
    age_max: Option<i64>,
    wage_min: Option<i64>,
    wage_max: Option<i64>,
    contract_type: String,
    working_hours: Option<String>,
    work_ward_code: Option<String>,
    work_province_code: Option<String>,
    work_country: Option<String>,
    deadline: NaiveDate,
    description: String,
    requirements: Option<String>,
    benefits: Option<String>,
    contact: Option<String>,
    status: String,
    flagged: Option<String>,
    review_note: Option<String>,
    published_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<Row> for VacancyRecord {
    fn from(r: Row) -> Self {
        VacancyRecord {
            id: r.id,
            employer_id: r.employer_id,
            employer_name: r.employer_name,
            title: r.title,
            occupation_isco: r.occupation_isco,
            positions: r.positions,
            qualification: r.qualification,
            experience_years: r.experience_years,
            age_min: r.age_min,
            age_max: r.age_max,
            wage_min: r.wage_min,
            wage_max: r.wage_max,
            contract_type: r.contract_type,
            working_hours: r.working_hours,
            work_ward_code: r.work_ward_code,
            work_province_code: r.work_province_code,
            work_country: r.work_country,
            deadline: r.deadline,
            description: r.description,
            requirements: r.requirements,
            benefits: r.benefits,
            contact: r.contact,
            status: Status::parse(&r.status).unwrap_or(Status::Draft),
            flagged: r.flagged,
            review_note: r.review_note,
            published_at: r.published_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Bind a vacancy's fields in the order of the INSERT/UPDATE column lists.
macro_rules! bind_vacancy {
    ($q:expr, $v:expr) => {{
        let v: &Vacancy = $v;
        $q.bind(&v.title)
            .bind(&v.occupation_isco)
            .bind(v.positions)
            .bind(&v.qualification)
            .bind(v.experience_years)
            .bind(v.age_min)
            .bind(v.age_max)
            .bind(v.wage_min)
            .bind(v.wage_max)
            .bind(&v.contract_type)
            .bind(&v.working_hours)
            .bind(&v.work_ward_code)
            .bind(&v.work_province_code)
            .bind(&v.work_country)
            .bind(v.deadline)
            .bind(&v.description)
            .bind(&v.requirements)
            .bind(&v.benefits)
            .bind(&v.contact)
            .bind(&v.flagged)
    }};
}

pub async fn insert(
    db: &Db,
    province: &str,
    employer_id: i64,
    v: &Vacancy,
    status: Status,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let published_at = (status == Status::Published).then_some(now);
    let (id,): (i64,) = with_db!(db, p => bind_vacancy!(sqlx::query_as(
        "INSERT INTO vacancies (title, occupation_isco, positions, qualification, experience_years, age_min, age_max,
            wage_min, wage_max, contract_type, working_hours, work_ward_code, work_province_code, work_country,
            deadline, description, requirements, benefits, contact, flagged,
            province_code, employer_id, status, published_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
            $21, $22, $23, $24, $25, $25) RETURNING id"), v)
        .bind(province).bind(employer_id).bind(status.as_str()).bind(published_at).bind(now)
        .fetch_one(p).await?);
    Ok(id)
}

pub async fn update(db: &Db, province: &str, id: i64, v: &Vacancy, status: Status) -> anyhow::Result<()> {
    with_db!(db, p => bind_vacancy!(sqlx::query(
        "UPDATE vacancies SET title = $1, occupation_isco = $2, positions = $3, qualification = $4,
            experience_years = $5, age_min = $6, age_max = $7, wage_min = $8, wage_max = $9, contract_type = $10,
            working_hours = $11, work_ward_code = $12, work_province_code = $13, work_country = $14, deadline = $15,
            description = $16, requirements = $17, benefits = $18, contact = $19, flagged = $20,
            status = $21, updated_at = $22
         WHERE province_code = $23 AND id = $24"), v)
        .bind(status.as_str()).bind(Utc::now()).bind(province).bind(id)
        .execute(p).await?.rows_affected());
    Ok(())
}

/// Change the status; publishing stamps `published_at`, every change `updated_at`.
pub async fn set_status(db: &Db, province: &str, id: i64, status: Status, note: Option<&str>) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query(
        "UPDATE vacancies SET status = $1,
            review_note = COALESCE($2, CASE WHEN $1 = 'published' THEN NULL ELSE review_note END), updated_at = $3,
            published_at = CASE WHEN $1 = 'published' AND published_at IS NULL THEN $3 ELSE published_at END
         WHERE province_code = $4 AND id = $5")
        .bind(status.as_str()).bind(note).bind(now).bind(province).bind(id)
        .execute(p).await?.rows_affected());
    Ok(())
}

pub async fn mark_warned(db: &Db, province: &str, id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE vacancies SET expiry_warned_at = $1 WHERE province_code = $2 AND id = $3")
        .bind(Utc::now()).bind(province).bind(id).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn get(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<VacancyRecord>> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE v.province_code = $1 AND v.id = $2");
    let row: Option<Row> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

pub const PAGE_SIZE: i64 = 50;

/// For the management list: one employer's, or all (staff), by status; newest first.
pub async fn list(
    db: &Db,
    province: &str,
    employer_id: Option<i64>,
    status: Option<Status>,
    page: i64,
) -> anyhow::Result<(Vec<VacancyRecord>, i64)> {
    let status = status.map(Status::as_str);
    let filter = "v.province_code = $1 AND ($2 IS NULL OR v.employer_id = $2) AND ($3 IS NULL OR v.status = $3)";
    let list_sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE {filter} ORDER BY v.updated_at DESC, v.id DESC LIMIT {PAGE_SIZE} OFFSET $4"
    );
    let count_sql = format!("SELECT COUNT(*) FROM vacancies v WHERE {filter}");
    let offset = (page.max(1) - 1) * PAGE_SIZE;
    with_db!(db, p => {
        let rows: Vec<Row> = sqlx::query_as(&list_sql).bind(province).bind(employer_id).bind(status).bind(offset)
            .fetch_all(p).await?;
        let (total,): (i64,) = sqlx::query_as(&count_sql).bind(province).bind(employer_id).bind(status)
            .fetch_one(p).await?;
        Ok((rows.into_iter().map(Into::into).collect(), total))
    })
}

/// Vacancies for the board's index ([`platform::follow`]): every published
/// one when `since` is None; else those changed since, in every status (one
/// leaving "published" must leave the index too), by the `vacancies_seq` range.
pub async fn changed(db: &Db, province: &str, since: Option<&Since>) -> anyhow::Result<Vec<VacancyRecord>> {
    let filter = match since {
        None => "v.status = 'published'".to_string(),
        Some(since) => since.condition("v.seq"),
    };
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE v.province_code = $1 AND {filter}");
    let rows: Vec<Row> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Vacancies whose `column` is in `values` (and `extra` holds), read in one
/// query per 500 values: an import's or a ranking's list.
async fn where_in(
    db: &Db,
    province: &str,
    extra: &str,
    column: &str,
    values: &[i64],
) -> anyhow::Result<Vec<VacancyRecord>> {
    let mut found = Vec::new();
    for chunk in values.chunks(500) {
        let rows: Vec<Row> = with_db!(db, p => {
            let mut q = sqlx::QueryBuilder::new(format!("SELECT {COLUMNS} FROM {FROM} WHERE v.province_code = "));
            q.push_bind(province).push(format!(" {extra} AND {column} IN ("));
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            q.push(")");
            q.build_query_as().fetch_all(p).await?
        });
        found.extend(rows.into_iter().map(VacancyRecord::from));
    }
    Ok(found)
}

/// The open (draft, pending or published) vacancies of these employers.
pub async fn open_of_employers(db: &Db, province: &str, employer_ids: &[i64]) -> anyhow::Result<Vec<VacancyRecord>> {
    where_in(db, province, "AND v.status IN ('draft', 'pending', 'published')", "v.employer_id", employer_ids).await
}

/// These vacancies (any status), in no particular order.
pub async fn by_ids(db: &Db, province: &str, ids: &[i64]) -> anyhow::Result<Vec<VacancyRecord>> {
    where_in(db, province, "", "v.id", ids).await
}

/// One employer's vacancies still open (pending review or published).
pub async fn open_of_employer(db: &Db, province: &str, employer_id: i64) -> anyhow::Result<Vec<(i64, Status)>> {
    let rows: Vec<(i64, String)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, status FROM vacancies WHERE province_code = $1 AND employer_id = $2 AND status IN ('pending', 'published')")
        .bind(province).bind(employer_id).fetch_all(p).await?);
    Ok(rows.into_iter().filter_map(|(id, s)| Some((id, Status::parse(&s)?))).collect())
}

/// Mark an employer's vacancies for the followers to read again (its name is
/// shown with each). Only their `seq` moves (the update's trigger stamps it):
/// a new address is no reason to renew a vacancy's 60 days.
pub async fn touch_employer(db: &Db, province: &str, employer_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE vacancies SET seq = seq WHERE province_code = $1 AND employer_id = $2")
        .bind(province).bind(employer_id).execute(p).await?.rows_affected());
    Ok(())
}

/// Published vacancies with what the daily upkeep needs.
pub async fn published_for_upkeep(
    db: &Db,
    province: &str,
) -> anyhow::Result<Vec<(i64, i64, String, DateTime<Utc>, Option<DateTime<Utc>>, NaiveDate)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT id, employer_id, title, updated_at, expiry_warned_at, deadline FROM vacancies
         WHERE province_code = $1 AND status = 'published'")
        .bind(province).fetch_all(p).await?))
}

// ---------- applications ----------

const APP_COLUMNS: &str = "a.id, a.vacancy_id, v.title AS vacancy_title, a.employer_id, a.user_id, a.person_id, \
    a.full_name, a.phone, a.message, a.status, a.refusal_reason, a.interview_at, a.interview_place, \
    a.interview_contact, a.created_at, a.updated_at";
const APP_FROM: &str = "applications a JOIN vacancies v ON v.province_code = a.province_code AND v.id = a.vacancy_id";

#[derive(sqlx::FromRow)]
struct AppRow {
    id: i64,
    vacancy_id: i64,
    vacancy_title: String,
    employer_id: i64,
    user_id: i64,
    person_id: Option<i64>,
    full_name: String,
    phone: String,
    message: Option<String>,
    status: String,
    refusal_reason: Option<String>,
    interview_at: Option<DateTime<Utc>>,
    interview_place: Option<String>,
    interview_contact: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<AppRow> for Application {
    fn from(r: AppRow) -> Self {
        Application {
            id: r.id,
            vacancy_id: r.vacancy_id,
            vacancy_title: r.vacancy_title,
            employer_id: r.employer_id,
            user_id: r.user_id,
            person_id: r.person_id,
            full_name: r.full_name,
            phone: r.phone,
            message: r.message,
            status: AppStatus::parse(&r.status).unwrap_or(AppStatus::New),
            refusal_reason: r.refusal_reason,
            interview: r.interview_at.map(|at| Interview {
                at,
                place: r.interview_place.unwrap_or_default(),
                contact: r.interview_contact.unwrap_or_default(),
            }),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub struct NewApplication<'a> {
    pub vacancy_id: i64,
    pub employer_id: i64,
    pub user_id: i64,
    pub person_id: Option<i64>,
    pub full_name: &'a str,
    pub phone: &'a str,
    pub cccd: Option<&'a str>,
    pub message: Option<&'a str>,
}

/// Apply; `None` when this user has applied to this vacancy already.
pub async fn apply(db: &Db, province: &str, a: &NewApplication<'_>) -> anyhow::Result<Option<i64>> {
    let now = Utc::now();
    let id: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO applications (province_code, vacancy_id, employer_id, user_id, person_id, full_name, phone, cccd,
            message, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $10)
         ON CONFLICT (province_code, vacancy_id, user_id) DO NOTHING RETURNING id")
        .bind(province).bind(a.vacancy_id).bind(a.employer_id).bind(a.user_id).bind(a.person_id)
        .bind(a.full_name).bind(a.phone).bind(a.cccd).bind(a.message).bind(now)
        .fetch_optional(p).await?);
    Ok(id.map(|(id,)| id))
}

pub async fn application(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Application>> {
    let sql = format!("SELECT {APP_COLUMNS} FROM {APP_FROM} WHERE a.province_code = $1 AND a.id = $2");
    let row: Option<AppRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

/// Applications to one employer, or of one applicant, or all (staff); newest first.
pub async fn applications(
    db: &Db,
    province: &str,
    employer_id: Option<i64>,
    user_id: Option<i64>,
    vacancy_id: Option<i64>,
) -> anyhow::Result<Vec<Application>> {
    let sql = format!(
        "SELECT {APP_COLUMNS} FROM {APP_FROM} WHERE a.province_code = $1 AND ($2 IS NULL OR a.employer_id = $2)
           AND ($3 IS NULL OR a.user_id = $3) AND ($4 IS NULL OR a.vacancy_id = $4)
         ORDER BY a.created_at DESC, a.id DESC LIMIT 500"
    );
    let rows: Vec<AppRow> = with_db!(db, p => sqlx::query_as(&sql)
        .bind(province).bind(employer_id).bind(user_id).bind(vacancy_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A new status, with its refusal reason or interview invitation (an
/// invitation is kept once made: later statuses leave it as it was).
pub async fn set_application_status(
    db: &Db,
    province: &str,
    id: i64,
    status: AppStatus,
    reason: Option<&str>,
    interview: Option<&Interview>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "UPDATE applications SET status = $1, refusal_reason = $2, updated_at = $3,
            interview_at = COALESCE($6, interview_at), interview_place = COALESCE($7, interview_place),
            interview_contact = COALESCE($8, interview_contact)
         WHERE province_code = $4 AND id = $5")
        .bind(status.as_str()).bind(reason).bind(Utc::now()).bind(province).bind(id)
        .bind(interview.map(|i| i.at)).bind(interview.map(|i| i.place.as_str())).bind(interview.map(|i| i.contact.as_str()))
        .execute(p).await?.rows_affected());
    Ok(())
}
