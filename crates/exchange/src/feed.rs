//! What an instance publishes: its vacancies as schema.org JobPostings with
//! our codes, a page at a time. The changes follow the vacancies table by
//! its per-transaction `seq` (as the board does, see `platform::follow`), so
//! a reader that resumes from its cursor meets every change committed since,
//! even one that committed late; a change read twice changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use platform::follow::Since;
use platform::{with_db, Db};
use serde::{Deserialize, Serialize};

/// Items a page holds unless the reader asks for fewer.
pub const PAGE: i64 = 100;
/// Most items a page holds.
pub const MAX_PAGE: i64 = 500;

/// Where a reader of the changes is: the `seq` to read from and, on
/// PostgreSQL, the transactions still running when it was taken; after a
/// full page, also the last row read (a bulk write stamps many rows with one
/// `seq`, so a page may end inside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub since: Since,
    /// (seq, id) of the last row read: rows of that seq up to that id are done.
    pub after: Option<(i64, i64)>,
}

/// A cursor as it travels: "812", "812.805.809" (with running
/// transactions), "812:812:40" (after row 40 of seq 812).
pub fn encode(c: &Cursor) -> String {
    let s = &c.since;
    let mut out =
        std::iter::once(s.from).chain(s.also.iter().copied()).map(|n| n.to_string()).collect::<Vec<_>>().join(".");
    if let Some((seq, id)) = c.after {
        out.push_str(&format!(":{seq}:{id}"));
    }
    out
}

pub fn decode(s: &str) -> Option<Cursor> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Cursor { since: Since { from: 0, also: vec![] }, after: None });
    }
    let num = |x: &str| x.parse::<i64>().ok().filter(|n| *n >= 0);
    let mut parts = s.split(':');
    let mut n = parts.next()?.split('.').map(num);
    let from = n.next()??;
    let also: Vec<i64> = n.collect::<Option<Vec<i64>>>()?;
    let after = match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => None,
        (Some(a), Some(b), None) => Some((num(a)?, num(b)?)),
        _ => return None,
    };
    (also.len() <= 1000).then_some(Cursor { since: Since { from, also }, after })
}

/// Where the work is (schema.org Place).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct JobLocation {
    #[serde(rename = "@type")]
    pub kind: String,
    pub address: PostalAddress,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostalAddress {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "addressRegion")]
    pub region: String,
    #[serde(rename = "addressLocality", default)]
    pub locality: Option<String>,
    #[serde(rename = "addressCountry")]
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Organization {
    #[serde(rename = "@type")]
    pub kind: String,
    pub name: String,
    /// The employer's tax code (mã số thuế, public): a hire through the
    /// vacancy is recorded against it.
    #[serde(rename = "taxID", default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
}

/// One vacancy of the feed: a schema.org JobPosting, with our codes beside
/// the vocabulary (ISCO-08 occupation, 2025 commune and province,
/// qualification) and the change it announces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Item {
    #[serde(rename = "@type")]
    pub kind: String,
    /// The vacancy at its origin: "{province}-{id}".
    pub id: String,
    /// created | updated | withdrawn (withdrawn: closed, expired or taken
    /// off the board; it is no longer open).
    pub change: String,
    pub updated_at: DateTime<Utc>,
    pub title: String,
    /// The vacancy's page on the origin's board (where a job seeker applies).
    pub url: String,
    pub occupation_isco: String,
    pub work_province_code: String,
    #[serde(default)]
    pub work_ward_code: Option<String>,
    /// ISO 3166 country for work abroad.
    #[serde(default)]
    pub work_country: Option<String>,
    pub qualification: String,
    #[serde(rename = "hiringOrganization")]
    pub hiring_organization: Organization,
    #[serde(rename = "jobLocation")]
    pub job_location: JobLocation,
    #[serde(rename = "datePosted")]
    pub date_posted: Option<DateTime<Utc>>,
    #[serde(rename = "validThrough")]
    pub valid_through: NaiveDate,
    #[serde(rename = "employmentType")]
    pub employment_type: String,
    #[serde(rename = "totalJobOpenings")]
    pub total_job_openings: i64,
    /// Monthly wage range in VND.
    #[serde(default)]
    pub wage_min: Option<i64>,
    #[serde(default)]
    pub wage_max: Option<i64>,
    pub description: String,
}

/// A page of the feed, as signed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeedPage {
    #[serde(rename = "@context")]
    pub context: String,
    /// The publishing province.
    pub province_code: String,
    pub key_id: String,
    /// The cursor this page answers (signed with it: a page cannot be
    /// replayed for another request).
    pub since: String,
    pub items: Vec<Item>,
    /// Changes: the cursor to read after this page (the next page while
    /// `more`, else the next pull). Snapshot: the next page's, null on the
    /// last page.
    pub next: Option<String>,
    /// Changes: more are waiting now.
    #[serde(default)]
    pub more: bool,
    /// Snapshot, last page: the changes cursor to go on from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    seq: i64,
    title: String,
    employer_name: String,
    employer_tax_code: String,
    occupation_isco: String,
    work_province_code: Option<String>,
    work_ward_code: Option<String>,
    work_country: Option<String>,
    wage_min: Option<i64>,
    wage_max: Option<i64>,
    positions: i64,
    qualification: String,
    contract_type: String,
    deadline: NaiveDate,
    description: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT v.id, v.seq, v.title, e.name AS employer_name, e.tax_code AS employer_tax_code, v.occupation_isco, v.work_province_code, v.work_ward_code,
        v.work_country, v.wage_min, v.wage_max, v.positions, v.qualification, v.contract_type, v.deadline,
        v.description, v.status, v.published_at, v.updated_at
    FROM vacancies v JOIN employers e ON e.province_code = v.province_code AND e.id = v.employer_id
    WHERE v.province_code = $1 AND v.published_at IS NOT NULL";

fn employment_type(contract: &str) -> &'static str {
    match contract {
        "part_time" => "PART_TIME",
        "seasonal" | "fixed_term_short" => "TEMPORARY",
        "internship" | "apprenticeship" => "INTERN",
        _ => "FULL_TIME",
    }
}

fn item(r: Row, province: &str, public_url: &str, today: NaiveDate, snapshot: bool) -> (i64, Item) {
    let open = r.status == "published" && r.deadline >= today;
    let change = if !open {
        "withdrawn"
    } else if snapshot || r.published_at == Some(r.updated_at) {
        // Published in the same write as its last change: new on the board.
        "created"
    } else {
        "updated"
    };
    let d = refdata::refdata();
    let ward = r.work_ward_code.as_deref().and_then(|w| d.ward(w));
    let work_province = r.work_province_code.clone().or_else(|| ward.map(|w| w.province_code.clone()));
    let work_province = work_province.unwrap_or_else(|| province.to_owned());
    let region = d.province(&work_province).map_or_else(|| work_province.clone(), |p| p.name.clone());
    let url = format!("{}/jobs/{}", public_url.trim_end_matches('/'), r.id);
    (
        r.seq,
        Item {
            kind: "JobPosting".into(),
            id: format!("{province}-{}", r.id),
            change: change.into(),
            updated_at: r.updated_at,
            title: r.title,
            url,
            occupation_isco: r.occupation_isco,
            work_province_code: work_province,
            job_location: JobLocation {
                kind: "Place".into(),
                address: PostalAddress {
                    kind: "PostalAddress".into(),
                    region,
                    locality: ward.map(|w| w.name.clone()),
                    country: r.work_country.clone().unwrap_or_else(|| "VN".into()),
                },
            },
            work_ward_code: r.work_ward_code,
            work_country: r.work_country,
            qualification: r.qualification,
            hiring_organization: Organization {
                kind: "Organization".into(),
                name: r.employer_name,
                tax_id: Some(r.employer_tax_code),
            },
            date_posted: r.published_at,
            valid_through: r.deadline,
            employment_type: employment_type(&r.contract_type).into(),
            total_job_openings: r.positions,
            wage_min: r.wage_min,
            wage_max: r.wage_max,
            // A vacancy off the board may hold an edit not yet reviewed: its
            // text stays here.
            description: if open { r.description } else { String::new() },
        },
    )
}

/// Read `sql` (bound: province, limit) together with the
/// horizon of what it saw: on PostgreSQL in one REPEATABLE READ transaction,
/// so the transactions still running are exactly those the rows missed; on
/// SQLite (one writer, `seq` taken under its lock) the next number first.
async fn read_with_horizon(db: &Db, province: &str, sql: &str, limit: i64) -> anyhow::Result<(Vec<Row>, Since)> {
    match db {
        Db::Sqlite(_) => {
            let horizon = platform::follow::horizon(db, "vacancies", province).await?;
            let rows: Vec<Row> = with_db!(db, p => sqlx::query_as(sql).bind(province).bind(limit).fetch_all(p).await?);
            Ok((rows, horizon))
        }
        Db::Postgres(p) => {
            let mut tx = p.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
            let (from, also): (i64, Vec<i64>) = sqlx::query_as(
                "SELECT txid_snapshot_xmax(s), ARRAY(SELECT txid_snapshot_xip(s))
                 FROM (SELECT txid_current_snapshot() AS s) AS now",
            )
            .fetch_one(&mut *tx)
            .await?;
            let rows: Vec<Row> = sqlx::query_as(sql).bind(province).bind(limit).fetch_all(&mut *tx).await?;
            tx.commit().await?;
            Ok((rows, Since { from, also }))
        }
    }
}

/// A page of changes: its items, whether more are waiting now, and the
/// cursor to read after it (the next page's, or the next pull's).
pub struct Changes {
    pub items: Vec<Item>,
    pub more: bool,
    pub next: String,
}

/// The changes after `cursor`, at most `limit` items in commit order.
pub async fn changes(
    db: &Db,
    province: &str,
    public_url: &str,
    cursor: &Cursor,
    limit: i64,
    today: NaiveDate,
) -> anyhow::Result<Changes> {
    let done = match cursor.after {
        Some((seq, id)) => format!(" AND NOT (v.seq = {seq} AND v.id <= {id})"),
        None => String::new(),
    };
    let sql = format!("{SELECT} AND {}{done} ORDER BY v.seq, v.id LIMIT $2", cursor.since.condition("v.seq"));
    let (rows, seen) = read_with_horizon(db, province, &sql, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<(i64, i64, Item)> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| {
            let id = r.id;
            let (seq, item) = item(r, province, public_url, today, false);
            (seq, id, item)
        })
        .collect();
    let last = items.last().map(|(seq, id, _)| (*seq, *id));
    let next = next_cursor(cursor, seen, last.filter(|_| more));
    Ok(Changes { items: items.into_iter().map(|(_, _, i)| i).collect(), more, next: encode(&next) })
}

/// Where to read after a page of changes that ended at `last` (when more
/// wait) or held all there was (`None`: the read's own horizon). Rows come in
/// (seq, id) order: below the last seq all is read, and that seq up to the
/// last id. Transactions the read could not see (running then: in
/// `seen.also`) and those the cursor still waited for (at or above the last
/// seq) are looked at again.
pub fn next_cursor(cursor: &Cursor, seen: Since, last: Option<(i64, i64)>) -> Cursor {
    match last {
        Some((seq, id)) => {
            let from = cursor.since.from.max(seq);
            let mut also: Vec<i64> = cursor.since.also.iter().copied().filter(|t| *t >= seq).collect();
            also.extend(seen.also.iter().copied().filter(|t| *t < from));
            also.sort_unstable();
            also.dedup();
            Cursor { since: Since { from, also }, after: Some((seq, id)) }
        }
        None => Cursor { since: seen, after: None },
    }
}

/// A snapshot's cursor: the last vacancy id read and the changes cursor the
/// snapshot started at ("120@812.805").
pub fn snapshot_cursor(s: &str) -> Option<(i64, Option<Cursor>)> {
    let s = s.trim();
    if s.is_empty() {
        return Some((0, None));
    }
    let (id, at) = s.split_once('@')?;
    Some((id.parse::<i64>().ok().filter(|n| *n >= 0)?, Some(decode(at)?)))
}

/// The open vacancies after the cursor's (by id), `limit` of them; the next
/// page's cursor, or on the last page the changes cursor to go on from
/// (taken when the snapshot began: changes since are read again, harmless).
pub async fn snapshot(
    db: &Db,
    province: &str,
    public_url: &str,
    after: i64,
    began: Option<Cursor>,
    limit: i64,
    today: NaiveDate,
) -> anyhow::Result<(Vec<Item>, Option<String>, Option<String>)> {
    // A date and a number, written into the SQL: both dialects read the
    // date literal as the column's type.
    let sql = format!(
        "{SELECT} AND v.status = 'published' AND v.deadline >= '{}' AND v.id > {after} ORDER BY v.id LIMIT $2",
        today.format("%Y-%m-%d")
    );
    let (rows, seen) = read_with_horizon(db, province, &sql, limit + 1).await?;
    let began = began.unwrap_or(Cursor { since: seen, after: None });
    let more = rows.len() as i64 > limit;
    let rows: Vec<Row> = rows.into_iter().take(limit as usize).collect();
    let (next, resume) = match rows.last() {
        Some(r) if more => (Some(format!("{}@{}", r.id, encode(&began))), None),
        _ => (None, Some(encode(&began))),
    };
    Ok((rows.into_iter().map(|r| item(r, province, public_url, today, true).1).collect(), next, resume))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_travel_as_text() {
        let c = Cursor { since: Since { from: 812, also: vec![805, 809] }, after: None };
        assert_eq!(encode(&c), "812.805.809");
        assert_eq!(decode("812.805.809"), Some(c));
        let after = Cursor { since: Since { from: 812, also: vec![] }, after: Some((812, 40)) };
        assert_eq!(encode(&after), "812:812:40");
        assert_eq!(decode("812:812:40"), Some(after));
        assert_eq!(decode(""), Some(Cursor { since: Since { from: 0, also: vec![] }, after: None }));
        for bad in ["x", "1..2", "-1", "1.a", "9999999999999999999999", "1:2", "1:2:3:4", "1:a:2"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_full_page_keeps_what_it_could_not_see() {
        let since = |from, also: Vec<i64>| Since { from, also };
        // The cursor waited for 805 and 809; the read saw up to seq 812 (row
        // 40) while 807 and 811 were still running.
        let c = Cursor { since: since(800, vec![795, 805, 809]), after: None };
        let next = next_cursor(&c, since(820, vec![807, 811, 815]), Some((808, 40)));
        assert_eq!(next.since.from, 808);
        assert_eq!(next.since.also, vec![807, 809], "809 still awaited; 807 ran unseen; 805 and 795 read");
        assert_eq!(next.after, Some((808, 40)));
        // A transaction of many rows cut by the page is read on from its last id.
        let bulk = next_cursor(&c, since(820, vec![]), Some((805, 7)));
        assert_eq!((bulk.since.from, bulk.since.also.clone(), bulk.after), (805, vec![805, 809], Some((805, 7))));
        // The whole of it read: the read's own horizon.
        let end = next_cursor(&c, since(820, vec![815]), None);
        assert_eq!((end.since, end.after), (since(820, vec![815]), None));
        assert_eq!(
            snapshot_cursor("120@812.805"),
            Some((120, Some(Cursor { since: since(812, vec![805]), after: None })))
        );
        assert_eq!(snapshot_cursor(""), Some((0, None)));
        assert_eq!(snapshot_cursor("120"), None);
    }
}
