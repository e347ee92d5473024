//! The registry's SQL, one copy for both backends.

use crate::model::*;
use crate::search::Entry;
use chrono::{DateTime, NaiveDate, Utc};
use platform::auth::AreaScope;
use platform::follow::Since;
use platform::types::{Cccd, PhoneNumber, Sex, WardCode};
use platform::{with_db, Db};
use sqlx::QueryBuilder;

/// Every column, in the order of [`Row`].
const COLUMNS: &str = "id, cccd, full_name, birth_date, sex, ethnicity, phone, ward_code, hamlet, household, \
    legacy_ward_code, ward_certain, education, qualification, training_field, employment_status, occupation_isco, \
    job_position, workplace, enterprise_type, sector, prev_occupation_isco, unemployed_months, inactivity_reason, \
    need_job, need_training, training_trade, need_abroad, abroad_country, expected_wage, created_at, updated_at";

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

/// Bind a person's answers in the order of [`FIELDS`].
macro_rules! bind_person {
    ($b:expr, $p:expr) => {{
        let p: &Person = $p;
        $b.push_bind(p.cccd.as_ref().map(|c| c.to_string()))
            .push_bind(p.full_name.clone())
            .push_bind(platform::fold::fold(&p.full_name))
            .push_bind(p.birth_date)
            .push_bind(sex_str(p.sex))
            .push_bind(p.ethnicity.clone())
            .push_bind(p.phone.as_ref().map(|x| x.to_string()))
            .push_bind(p.ward_code.to_string())
            .push_bind(p.hamlet.clone())
            .push_bind(p.household.clone())
            .push_bind(p.legacy_ward_code.clone())
            .push_bind(p.ward_certain)
            .push_bind(p.education.clone())
            .push_bind(p.qualification.clone())
            .push_bind(p.training_field.clone())
            .push_bind(p.employment_status.as_str())
            .push_bind(p.occupation_isco.clone())
            .push_bind(p.job_position.clone())
            .push_bind(p.workplace.clone())
            .push_bind(p.enterprise_type.clone())
            .push_bind(p.sector.clone())
            .push_bind(p.prev_occupation_isco.clone())
            .push_bind(p.unemployed_months)
            .push_bind(p.inactivity_reason.clone())
            .push_bind(p.needs.job)
            .push_bind(p.needs.training)
            .push_bind(p.needs.training_trade.clone())
            .push_bind(p.needs.abroad)
            .push_bind(p.needs.abroad_country.clone())
            .push_bind(p.expected_wage);
    }};
}

/// The answers, in the order `bind_person!` binds them.
pub(crate) const FIELDS: &str = "cccd, full_name, name_folded, birth_date, sex, ethnicity, phone, ward_code, \
    hamlet, household, legacy_ward_code, ward_certain, education, qualification, training_field, employment_status, \
    occupation_isco, job_position, workplace, enterprise_type, sector, prev_occupation_isco, unemployed_months, \
    inactivity_reason, need_job, need_training, training_trade, need_abroad, abroad_country, expected_wage";

fn insert_columns() -> String {
    format!("province_code, {FIELDS}, created_at, updated_at, seq")
}

/// On a CCCD already registered, the newer survey answers replace the old ones.
/// `created_at` is kept on update, so `RETURNING created_at` tells new rows from updated ones.
pub(crate) const UPSERT_TAIL: &str = " ON CONFLICT (province_code, cccd) WHERE cccd IS NOT NULL DO UPDATE SET \
    full_name = excluded.full_name, name_folded = excluded.name_folded, birth_date = excluded.birth_date, \
    sex = excluded.sex, ethnicity = excluded.ethnicity, phone = excluded.phone, ward_code = excluded.ward_code, \
    hamlet = excluded.hamlet, household = excluded.household, legacy_ward_code = excluded.legacy_ward_code, \
    ward_certain = excluded.ward_certain, education = excluded.education, qualification = excluded.qualification, \
    training_field = excluded.training_field, employment_status = excluded.employment_status, \
    occupation_isco = excluded.occupation_isco, job_position = excluded.job_position, workplace = excluded.workplace, \
    enterprise_type = excluded.enterprise_type, sector = excluded.sector, \
    prev_occupation_isco = excluded.prev_occupation_isco, unemployed_months = excluded.unemployed_months, \
    inactivity_reason = excluded.inactivity_reason, need_job = excluded.need_job, \
    need_training = excluded.need_training, training_trade = excluded.training_trade, \
    need_abroad = excluded.need_abroad, abroad_country = excluded.abroad_country, \
    expected_wage = excluded.expected_wage, updated_at = excluded.updated_at, seq = excluded.seq";

/// Insert a new person; `Ok(Err(existing_id))` if the CCCD is already registered.
pub async fn insert(db: &Db, province: &str, p: &Person) -> anyhow::Result<Result<i64, i64>> {
    if let Some(c) = &p.cccd {
        if let Some(id) = id_by_cccd(db, province, c.as_str()).await? {
            return Ok(Err(id));
        }
    }
    let now = Utc::now();
    let stamp = platform::follow::stamp(db, "people", province);
    let id: (i64,) = with_db!(db, pool => {
            let mut q = QueryBuilder::new(format!("INSERT INTO people ({}) ", insert_columns()));
            q.push_values(std::iter::once(p), |mut b, p| {
                b.push_bind(province);
                bind_person!(b, p);
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
    let n = with_db!(db, pool => {
        let mut q = QueryBuilder::new(format!("UPDATE people SET ({FIELDS}, updated_at) = ("));
        let mut sep = q.separated(", ");
        bind_person!(sep, p);
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
    let sql = format!("SELECT {COLUMNS} FROM people WHERE province_code = $1 AND id = $2");
    let row: Option<Row> = with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    row.map(Row::into_record).transpose()
}

/// Records for these ids, in the given order.
pub async fn by_ids(db: &Db, province: &str, ids: &[i64]) -> anyhow::Result<Vec<PersonRecord>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let mut rows: Vec<Row> = with_db!(db, p => {
        let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM people WHERE province_code = "));
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
    pub updated: u64,
}

/// Upsert a batch in one transaction: by CCCD when there is one, else by
/// (name, birth date, commune). Importing the same rows again changes nothing
/// but `updated_at`; a batch is all or nothing. Returns the ids in order.
pub async fn upsert_batch(db: &Db, province: &str, people: &[Person]) -> anyhow::Result<(Vec<i64>, BatchResult)> {
    // Microseconds: what both databases keep, so the RETURNING comparison holds.
    let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
    let stamp = platform::follow::stamp(db, "people", province);
    let mut ids = Vec::with_capacity(people.len());
    let mut result = BatchResult::default();
    with_db!(db, pool => {
            let mut tx = pool.begin().await?;
            let with_cccd: Vec<&Person> = people.iter().filter(|p| p.cccd.is_some()).collect();
            let mut by_cccd = std::collections::HashMap::new();
            for chunk in with_cccd.chunks(200) {
                let mut q = QueryBuilder::new(format!("INSERT INTO people ({}) ", insert_columns()));
                q.push_values(chunk.iter(), |mut b, p| {
                    b.push_bind(province);
                    bind_person!(b, *p);
    b.push_bind(now).push_bind(now).push(&stamp);
                });
                // RETURNING order is not guaranteed: match rows by CCCD.
                q.push(UPSERT_TAIL).push(" RETURNING id, cccd, created_at");
                let got: Vec<(i64, Option<String>, DateTime<Utc>)> = q.build_query_as().fetch_all(&mut *tx).await?;
                for (id, cccd, created) in got {
                    if created == now {
                        result.inserted += 1;
                    } else {
                        result.updated += 1;
                    }
                    by_cccd.insert(cccd, id);
                }
            }
            for p in people {
                if p.cccd.is_some() {
                    let id = by_cccd.get(&p.cccd.as_ref().map(|c| c.to_string())).copied();
                    ids.push(id.ok_or_else(|| anyhow::anyhow!("upsert returned no row for a CCCD"))?);
                    continue;
                }
                let existing: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM people WHERE province_code = $1 AND ward_code = $2 AND name_folded = $3 AND birth_date = $4
                     AND cccd IS NULL ORDER BY id LIMIT 1")
                    .bind(province).bind(p.ward_code.as_str()).bind(platform::fold::fold(&p.full_name)).bind(p.birth_date)
                    .fetch_optional(&mut *tx).await?;
                match existing {
                    Some((id,)) => {
                        let mut q = QueryBuilder::new(format!("UPDATE people SET ({FIELDS}, updated_at) = ("));
                        let mut sep = q.separated(", ");
                        bind_person!(sep, p);
                        sep.push_bind(now);
                        q.push(") WHERE province_code = ").push_bind(province).push(" AND id = ").push_bind(id);
                        q.build().execute(&mut *tx).await?;
                        result.updated += 1;
                        ids.push(id);
                    }
                    None => {
                        let mut q = QueryBuilder::new(format!("INSERT INTO people ({}) ", insert_columns()));
                        q.push_values(std::iter::once(p), |mut b, p| {
                            b.push_bind(province);
                            bind_person!(b, p);
    b.push_bind(now).push_bind(now).push(&stamp);
                        });
                        q.push(" RETURNING id");
                        let (id,): (i64,) = q.build_query_as().fetch_one(&mut *tx).await?;
                        result.inserted += 1;
                        ids.push(id);
                    }
                }
            }
            tx.commit().await?;
        });
    Ok((ids, result))
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
