//! Households, members and reviews: the SQL, one copy for both backends.

use chrono::{NaiveDate, Utc};
use platform::{with_db, Db};

use crate::model::*;

/// A commune officer's communes as SQL (`column IN (...)`): codes are digits
/// only, so they are written into the statement.
pub fn wards_sql(column: &str, wards: &[String]) -> String {
    if wards.is_empty() {
        return String::new();
    }
    if !wards.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())) {
        return " AND FALSE".into();
    }
    format!(" AND {column} IN ({})", wards.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(", "))
}

type HouseholdRow = (i64, String, String, Option<String>, String, Option<i64>, String);

fn to_household(r: HouseholdRow) -> Household {
    Household {
        id: r.0,
        code: r.1,
        ward_code: r.2,
        hamlet: r.3,
        area: Area::parse(&r.4).unwrap_or(Area::Rural),
        head_person_id: r.5,
        head_name: r.6,
    }
}

const HOUSEHOLD: &str = "id, code, ward_code, hamlet, area, head_person_id, head_name";

/// Add a household or update the one with its code; returns (id, created).
pub async fn save_household(
    db: &Db,
    province: &str,
    code: &str,
    ward: &str,
    hamlet: Option<&str>,
    area: Area,
    head: (Option<i64>, &str),
) -> anyhow::Result<(i64, bool)> {
    let now = Utc::now();
    let search = platform::fold::fold(&format!("{code} {}", head.1));
    with_db!(db, p => {
        let existing: Option<(i64,)> = sqlx::query_as("SELECT id FROM households WHERE province_code = $1 AND code = $2")
            .bind(province).bind(code).fetch_optional(p).await?;
        match existing {
            Some((id,)) => {
                sqlx::query("UPDATE households SET ward_code = $3, hamlet = COALESCE($4, hamlet), area = $5,
                        head_person_id = COALESCE($6, head_person_id), head_name = $7, search = $8, updated_at = $9
                     WHERE province_code = $1 AND id = $2")
                    .bind(province).bind(id).bind(ward).bind(hamlet).bind(area.code()).bind(head.0).bind(head.1)
                    .bind(&search).bind(now)
                    .execute(p).await?;
                Ok((id, false))
            }
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO households (province_code, code, ward_code, hamlet, area, head_person_id, head_name, search,
                        created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
                    .bind(province).bind(code).bind(ward).bind(hamlet).bind(area.code()).bind(head.0).bind(head.1)
                    .bind(&search).bind(now)
                    .fetch_one(p).await?;
                Ok((id, true))
            }
        }
    })
}

pub async fn household(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Household>> {
    let sql = format!("SELECT {HOUSEHOLD} FROM households WHERE province_code = $1 AND id = $2");
    let row: Option<HouseholdRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(to_household))
}

pub async fn household_by_code(db: &Db, province: &str, code: &str) -> anyhow::Result<Option<Household>> {
    let sql = format!("SELECT {HOUSEHOLD} FROM households WHERE province_code = $1 AND code = $2");
    let row: Option<HouseholdRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(code.trim()).fetch_optional(p).await?);
    Ok(row.map(to_household))
}

/// The household a person belongs to now.
pub async fn household_of(db: &Db, province: &str, person_id: i64) -> anyhow::Result<Option<i64>> {
    let row: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "SELECT household_id FROM household_members WHERE province_code = $1 AND person_id = $2 AND left_on IS NULL")
        .bind(province).bind(person_id).fetch_optional(p).await?);
    Ok(row.map(|r| r.0))
}

/// Households with their latest yearly class, filtered by commune, class of
/// `year` and text (code or head's name, folded); 50 a page.
pub async fn list_households(
    db: &Db,
    province: &str,
    year: i32,
    wards: &[String],
    ward: Option<&str>,
    class: Option<&str>,
    text: Option<&str>,
    page: i64,
) -> anyhow::Result<(Vec<(Household, Option<Class>, i64)>, i64)> {
    let scope = wards_sql("h.ward_code", wards);
    let folded = text.map(|t| format!("%{}%", platform::fold::fold(t).trim()));
    let filter = format!(
        "FROM households h LEFT JOIN poverty_reviews r ON r.province_code = h.province_code AND r.household_id = h.id
            AND r.year = $2 AND r.kind = 'yearly'
         WHERE h.province_code = $1 AND ($3 IS NULL OR h.ward_code = $3) AND ($4 IS NULL OR r.class = $4)
            AND ($5 IS NULL OR h.search LIKE $5){scope}"
    );
    let list = format!(
        "SELECT h.id, h.code, h.ward_code, h.hamlet, h.area, h.head_person_id, h.head_name, r.class, r.lacking
         {filter} ORDER BY h.ward_code, h.code LIMIT 50 OFFSET $6"
    );
    let count = format!("SELECT COUNT(*) {filter}");
    let offset = (page.max(1) - 1) * 50;
    with_db!(db, p => {
        let rows: Vec<(i64, String, String, Option<String>, String, Option<i64>, String, Option<String>, Option<i32>)> =
            sqlx::query_as(&list).bind(province).bind(year).bind(ward).bind(class).bind(&folded).bind(offset)
            .fetch_all(p).await?;
        let (total,): (i64,) = sqlx::query_as(&count).bind(province).bind(year).bind(ward).bind(class).bind(&folded)
            .fetch_one(p).await?;
        Ok((rows.into_iter().map(|r| {
            let class = r.7.as_deref().and_then(Class::parse);
            let lacking = r.8.unwrap_or(0) as i64;
            (to_household((r.0, r.1, r.2, r.3, r.4, r.5, r.6)), class, lacking)
        }).collect(), total))
    })
}

/// Put a person in a household from `on`, closing their membership of any
/// other (a move, a split or a merge: `reason`). Already a member: nothing.
pub async fn join(
    db: &Db,
    province: &str,
    household_id: i64,
    person_id: i64,
    relation: &str,
    on: NaiveDate,
    reason: &str,
) -> anyhow::Result<bool> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        let current: Option<(i64, String)> = sqlx::query_as(
            "SELECT household_id, relation FROM household_members WHERE province_code = $1 AND person_id = $2 AND left_on IS NULL")
            .bind(province).bind(person_id).fetch_optional(&mut *tx).await?;
        if let Some((h, r)) = &current {
            if *h == household_id {
                if r != relation {
                    sqlx::query("UPDATE household_members SET relation = $3 WHERE province_code = $1 AND person_id = $2 AND left_on IS NULL")
                        .bind(province).bind(person_id).bind(relation).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                return Ok(false);
            }
            sqlx::query("UPDATE household_members SET left_on = $3, left_reason = $4
                 WHERE province_code = $1 AND person_id = $2 AND left_on IS NULL")
                .bind(province).bind(person_id).bind(on).bind(reason).execute(&mut *tx).await?;
        }
        sqlx::query("INSERT INTO household_members (province_code, household_id, person_id, relation, joined_on)
             VALUES ($1, $2, $3, $4, $5)")
            .bind(province).bind(household_id).bind(person_id).bind(relation).bind(on).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// A person leaves their household (death, or moving out of the province).
pub async fn leave(db: &Db, province: &str, person_id: i64, on: NaiveDate, reason: &str) -> anyhow::Result<bool> {
    let done = with_db!(db, p => sqlx::query("UPDATE household_members SET left_on = $3, left_reason = $4
         WHERE province_code = $1 AND person_id = $2 AND left_on IS NULL")
        .bind(province).bind(person_id).bind(on).bind(reason).execute(p).await?.rows_affected());
    Ok(done > 0)
}

/// Members, current first: (person id, relation, joined, left, why).
pub async fn members(
    db: &Db,
    province: &str,
    household_id: i64,
) -> anyhow::Result<Vec<(i64, String, NaiveDate, Option<NaiveDate>, Option<String>)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT person_id, relation, joined_on, left_on, left_reason FROM household_members
         WHERE province_code = $1 AND household_id = $2 ORDER BY left_on IS NOT NULL, joined_on, id")
        .bind(province).bind(household_id).fetch_all(p).await?))
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    household_id: i64,
    ward_code: String,
    year: i32,
    kind: String,
    reason: Option<String>,
    review_date: NaiveDate,
    standard: String,
    area: String,
    members: i32,
    income_per_person_month: i64,
    deprivations: String,
    class: String,
    status: String,
    meeting_on: Option<NaiveDate>,
    posted_on: Option<NaiveDate>,
    approved_on: Option<NaiveDate>,
}

const REVIEW: &str = "id, household_id, ward_code, year, kind, reason, review_date, standard, area, members, \
    income_per_person_month, deprivations, class, status, meeting_on, posted_on, approved_on";

fn review(r: ReviewRow) -> Review {
    Review {
        id: r.id,
        household_id: r.household_id,
        ward_code: r.ward_code,
        year: r.year,
        kind: r.kind,
        reason: r.reason,
        review_date: r.review_date,
        standard: r.standard,
        area: Area::parse(&r.area).unwrap_or(Area::Rural),
        members: i64::from(r.members),
        income_per_person_month: r.income_per_person_month,
        deprivations: r.deprivations.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        class: Class::parse(&r.class).unwrap_or(Class::NotPoor),
        status: r.status,
        meeting_on: r.meeting_on,
        posted_on: r.posted_on,
        approved_on: r.approved_on,
    }
}

/// Record a review. A yearly one replaces the household's review of that
/// year (the survey again); returns (id, created, changed).
pub async fn save_review(
    db: &Db,
    province: &str,
    household_id: i64,
    ward: &str,
    s: &Survey,
    status: &str,
    by: Option<i64>,
) -> anyhow::Result<(i64, bool, bool)> {
    let now = Utc::now();
    let lacks = s.deprivations.join(",");
    with_db!(db, p => {
        let existing: Option<(i64, String, i32, i64, String, String, String, String)> = if s.kind == "yearly" {
            sqlx::query_as("SELECT id, ward_code, members, income_per_person_month, deprivations, class, standard, area
                 FROM poverty_reviews WHERE province_code = $1 AND household_id = $2 AND year = $3 AND kind = 'yearly'")
                .bind(province).bind(household_id).bind(s.year).fetch_optional(p).await?
        } else {
            None
        };
        match existing {
            Some((id, w, m, inc, d, c, st, a)) => {
                let same = w == ward && m as i64 == s.members && inc == s.income_per_person_month && d == lacks
                    && c == s.class.code() && st == s.standard && a == s.area.code();
                if !same {
                    sqlx::query("UPDATE poverty_reviews SET ward_code = $3, review_date = $4, standard = $5, area = $6,
                            members = $7, income_per_person_month = $8, deprivations = $9, lacking = $10, class = $11,
                            surveyed_by = COALESCE($12, surveyed_by), updated_at = $13
                         WHERE province_code = $1 AND id = $2")
                        .bind(province).bind(id).bind(ward).bind(s.review_date).bind(&s.standard).bind(s.area.code())
                        .bind(s.members as i32).bind(s.income_per_person_month).bind(&lacks).bind(s.deprivations.len() as i32)
                        .bind(s.class.code()).bind(by).bind(now)
                        .execute(p).await?;
                }
                Ok((id, false, !same))
            }
            None => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO poverty_reviews (province_code, household_id, ward_code, year, kind, reason, review_date,
                        standard, area, members, income_per_person_month, deprivations, lacking, class, status,
                        approved_on, surveyed_by, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id")
                    .bind(province).bind(household_id).bind(ward).bind(s.year).bind(s.kind).bind(&s.reason)
                    .bind(s.review_date).bind(&s.standard).bind(s.area.code()).bind(s.members as i32)
                    .bind(s.income_per_person_month).bind(&lacks).bind(s.deprivations.len() as i32).bind(s.class.code())
                    .bind(status).bind((status == "approved").then_some(s.review_date)).bind(by).bind(now)
                    .fetch_one(p).await?;
                Ok((id, true, true))
            }
        }
    })
}

pub async fn reviews_of(db: &Db, province: &str, household_id: i64) -> anyhow::Result<Vec<Review>> {
    let sql = format!(
        "SELECT {REVIEW} FROM poverty_reviews WHERE province_code = $1 AND household_id = $2
         ORDER BY year DESC, review_date DESC, id DESC"
    );
    let rows: Vec<ReviewRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(household_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(review).collect())
}

pub async fn review_by_id(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Review>> {
    let sql = format!("SELECT {REVIEW} FROM poverty_reviews WHERE province_code = $1 AND id = $2");
    let row: Option<ReviewRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(review))
}

/// Move a commune's yearly reviews of `year` that are at `from` to the next
/// step, dated `on`; returns how many moved.
pub async fn advance(
    db: &Db,
    province: &str,
    year: i32,
    ward: &str,
    from: &str,
    to: &str,
    on: NaiveDate,
    by: i64,
) -> anyhow::Result<u64> {
    let column = match to {
        "meeting" => "meeting_on",
        "posted" => "posted_on",
        "approved" => "approved_on",
        _ => anyhow::bail!("no step {to}"),
    };
    let sql = format!(
        "UPDATE poverty_reviews SET status = $5, {column} = $6, updated_at = $7{}
         WHERE province_code = $1 AND year = $2 AND ward_code = $3 AND status = $4 AND kind = 'yearly'",
        if to == "approved" { ", approved_by = $8" } else { "" }
    );
    let now = Utc::now();
    Ok(with_db!(db, p => {
        let q = sqlx::query(&sql).bind(province).bind(year).bind(ward).bind(from).bind(to).bind(on).bind(now);
        let q = if to == "approved" { q.bind(by) } else { q };
        q.execute(p).await?.rows_affected()
    }))
}

/// A commune's reviews of a year by step: (status, count).
pub async fn steps(db: &Db, province: &str, year: i32, ward: &str) -> anyhow::Result<Vec<(String, i64)>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT status, COUNT(*) FROM poverty_reviews WHERE province_code = $1 AND year = $2 AND ward_code = $3
            AND kind = 'yearly' GROUP BY status")
        .bind(province).bind(year).bind(ward).fetch_all(p).await?))
}

/// Years with yearly reviews, newest first.
pub async fn years(db: &Db, province: &str) -> anyhow::Result<Vec<i32>> {
    let rows: Vec<(i32,)> = with_db!(db, p => sqlx::query_as(
        "SELECT DISTINCT year FROM poverty_reviews WHERE province_code = $1 ORDER BY year DESC")
        .bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The year's summary as SQL (a GROUP BY commune and one pass per indicator):
/// what the ledger answers from memory, and what the benchmark compares it with.
pub async fn summary_sql(
    db: &Db,
    province: &str,
    year: i32,
    wards: &[String],
    codes: &[String],
) -> anyhow::Result<Summary> {
    let scope = wards_sql("ward_code", wards);
    let rows: Vec<(String, i64, i64, i64, i64, i64)> = with_db!(db, p => sqlx::query_as(&format!(
        "SELECT ward_code, COUNT(*),
            SUM(CASE WHEN class = 'poor' THEN 1 ELSE 0 END), SUM(CASE WHEN class = 'near_poor' THEN 1 ELSE 0 END),
            SUM(CASE WHEN class = 'middle' THEN 1 ELSE 0 END), SUM(CASE WHEN status <> 'approved' THEN 1 ELSE 0 END)
         FROM poverty_reviews WHERE province_code = $1 AND year = $2 AND kind = 'yearly'{scope}
         GROUP BY ward_code ORDER BY ward_code"))
        .bind(province).bind(year).fetch_all(p).await?);
    let mut s = Summary { year, ..Default::default() };
    for (ward, n, poor, near, middle, pending) in rows {
        s.households += n;
        s.poor += poor;
        s.near_poor += near;
        s.middle += middle;
        s.pending_approval += pending;
        s.by_ward.push(WardSummary { ward_code: ward, households: n, poor, near_poor: near, total_households: None });
    }
    // Codes are the standards' own (letters and underscores), checked at start.
    let sums: Vec<String> = codes
        .iter()
        .map(|c| format!("SUM(CASE WHEN ',' || deprivations || ',' LIKE '%,{c},%' THEN 1 ELSE 0 END)"))
        .collect();
    if !sums.is_empty() {
        let sql = format!(
            "SELECT {} FROM poverty_reviews WHERE province_code = $1 AND year = $2 AND kind = 'yearly'{scope}",
            sums.join(", ")
        );
        let counts: Vec<i64> = with_db!(db, p => {
            use sqlx::Row;
            let row = sqlx::query(&sql).bind(province).bind(year).fetch_one(p).await?;
            (0..codes.len()).map(|i| row.try_get::<Option<i64>, _>(i).ok().flatten().unwrap_or(0)).collect()
        });
        s.deprivations = crate::ledger::profile(codes.iter().cloned().zip(counts));
    }
    Ok(s)
}

/// The transitions as SQL: the two years' yearly reviews joined by household.
pub async fn transitions_sql(
    db: &Db,
    province: &str,
    from: i32,
    to: i32,
    wards: &[String],
) -> anyhow::Result<Transitions> {
    let scope = wards_sql("b.ward_code", wards);
    let rows: Vec<(String, String, String, i64)> = with_db!(db, p => sqlx::query_as(&format!(
        "SELECT b.ward_code, a.class, b.class, COUNT(*) FROM poverty_reviews a
         JOIN poverty_reviews b ON b.province_code = a.province_code AND b.household_id = a.household_id
            AND b.year = $3 AND b.kind = 'yearly'
         WHERE a.province_code = $1 AND a.year = $2 AND a.kind = 'yearly'{scope}
         GROUP BY b.ward_code, a.class, b.class"))
        .bind(province).bind(from).bind(to).fetch_all(p).await?);
    let scope_a = wards_sql("ward_code", wards);
    let poor: Vec<(i32, String, i64)> = with_db!(db, p => sqlx::query_as(&format!(
        "SELECT year, ward_code, COUNT(*) FROM poverty_reviews
         WHERE province_code = $1 AND year IN ($2, $3) AND kind = 'yearly' AND class = 'poor'{scope_a}
         GROUP BY year, ward_code"))
        .bind(province).bind(from).bind(to).fetch_all(p).await?);
    let pairs = rows.into_iter().filter_map(|(w, a, b, n)| Some((w, Class::parse(&a)?, Class::parse(&b)?, n)));
    Ok(crate::ledger::transitions_of(from, to, pairs, poor.into_iter().map(|(y, w, n)| (y == from, w, n))))
}

/// Many households at once, in one transaction (demo data, benchmarks):
/// (code, commune, area, head's name); returns their ids in order. Codes are
/// new: the caller makes no repeats.
pub async fn insert_households(
    db: &Db,
    province: &str,
    rows: &[(String, String, Area, String)],
) -> anyhow::Result<Vec<i64>> {
    let now = Utc::now();
    let mut ids = Vec::with_capacity(rows.len());
    with_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(2000) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO households (province_code, code, ward_code, area, head_name, search, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, (code, ward, area, head)| {
                b.push_bind(province).push_bind(code.as_str()).push_bind(ward.as_str()).push_bind(area.code())
                    .push_bind(head.as_str()).push_bind(platform::fold::fold(&format!("{code} {head}")))
                    .push_bind(now).push_bind(now);
            });
            q.push(" RETURNING id");
            let got: Vec<(i64,)> = q.build_query_as().fetch_all(&mut *tx).await?;
            ids.extend(got.into_iter().map(|r| r.0));
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ids)
}

/// Many yearly reviews at once, in one transaction (demo data, benchmarks):
/// (household, commune, survey, status). Stamped for the ledger as one
/// change; not checked for repeats.
pub async fn insert_reviews(db: &Db, province: &str, rows: &[(i64, String, Survey, &str)]) -> anyhow::Result<()> {
    let now = Utc::now();
    let stamp = platform::follow::stamp(db, "poverty_reviews", province);
    with_db!(db, pool => {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(1500) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO poverty_reviews (province_code, household_id, ward_code, year, kind, review_date, standard,
                    area, members, income_per_person_month, deprivations, lacking, class, status, approved_on,
                    created_at, updated_at, seq) ",
            );
            q.push_values(chunk, |mut b, (household, ward, s, status)| {
                b.push_bind(province).push_bind(*household).push_bind(ward.as_str()).push_bind(s.year)
                    .push_bind(s.kind).push_bind(s.review_date).push_bind(s.standard.as_str())
                    .push_bind(s.area.code()).push_bind(s.members as i32).push_bind(s.income_per_person_month)
                    .push_bind(s.deprivations.join(",")).push_bind(s.deprivations.len() as i32)
                    .push_bind(s.class.code()).push_bind(*status)
                    .push_bind((*status == "approved").then_some(s.review_date)).push_bind(now).push_bind(now)
                    .push(&stamp);
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(())
    })
}

/// Set a commune's households in a year (the rate's denominator).
pub async fn put_total(
    db: &Db,
    province: &str,
    ward: &str,
    year: i32,
    households: i64,
    by: Option<i64>,
) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query(
        "INSERT INTO ward_households (province_code, ward_code, year, households, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (province_code, ward_code, year) DO UPDATE SET households = $4, updated_by = $5, updated_at = $6")
        .bind(province).bind(ward).bind(year).bind(households).bind(by).bind(Utc::now()).execute(p).await.map(|_| ())?);
    Ok(())
}

/// The communes' households in a year, as reported.
pub async fn totals(db: &Db, province: &str, year: i32) -> anyhow::Result<std::collections::HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = with_db!(db, p => sqlx::query_as(
        "SELECT ward_code, households FROM ward_households WHERE province_code = $1 AND year = $2")
        .bind(province).bind(year).fetch_all(p).await?);
    Ok(rows.into_iter().collect())
}

/// Many communes' totals at once (demo data).
pub async fn put_totals(db: &Db, province: &str, year: i32, totals: &[(String, i64)]) -> anyhow::Result<()> {
    for (ward, n) in totals {
        put_total(db, province, ward, year, *n, None).await?;
    }
    Ok(())
}
