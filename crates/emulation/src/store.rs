//! Emulation's tables. One copy of each query: the dialects agree on all of
//! them (ON CONFLICT included).

use chrono::{NaiveDate, Utc};
use platform::{with_db, Db};

use crate::model::*;
use crate::rules::{self, Decision, NewAward, NewCommitment, NewInitiative, NewMovement, Recognised, Review};

/// Every word typed begins a word of the folded `text` ("thanh" finds
/// "Thành", "an" does not).
fn matches_words(text: &str, words: &[String]) -> bool {
    words.iter().all(|w| text.split(' ').any(|t| t.starts_with(w.as_str())))
}

fn lines(s: &str) -> Vec<String> {
    s.lines().map(str::to_owned).filter(|l| !l.is_empty()).collect()
}

// ---------------------------------------------------------------- initiatives

pub async fn insert_initiative(db: &Db, province: &str, i: &NewInitiative, by: Option<i64>) -> anyhow::Result<i64> {
    let now = Utc::now();
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO initiatives (province_code, title, field, unit, authors, year, description, expected_effect, status,
            search, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10, $11, $11) RETURNING id")
        .bind(province).bind(&i.title).bind(i.field.as_str()).bind(&i.unit).bind(i.authors.join("\n")).bind(i.year)
        .bind(&i.description).bind(&i.expected_effect).bind(i.search()).bind(by).bind(now).fetch_one(p).await?);
    Ok(id)
}

type InitiativeRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<f64>,
    i64,
    String,
);

const INITIATIVE: &str = "SELECT i.id, i.title, i.field, i.unit, i.authors, CAST(i.year AS BIGINT), i.description,
        i.expected_effect, i.status, i.decision_no, i.decision_date, i.scope,
        (SELECT AVG(CAST(s.score AS DOUBLE PRECISION)) FROM initiative_scores s
            WHERE s.province_code = i.province_code AND s.initiative_id = i.id),
        (SELECT COUNT(*) FROM initiative_scores s WHERE s.province_code = i.province_code AND s.initiative_id = i.id),
        i.search
    FROM initiatives i WHERE i.province_code = $1";

fn initiative_of(r: InitiativeRow) -> (Initiative, String) {
    (
        Initiative {
            id: r.0,
            title: r.1,
            field: Field::parse(&r.2).unwrap_or(Field::Other),
            unit: r.3,
            authors: lines(&r.4),
            year: r.5 as i32,
            description: r.6,
            expected_effect: r.7,
            status: Status::parse(&r.8).unwrap_or(Status::Submitted),
            decision_no: r.9,
            decision_date: r.10,
            scope: r.11.as_deref().and_then(Scope::parse),
            mean_score: r.12.map(|m| (m * 10.0).round() / 10.0),
            score_count: r.13,
        },
        r.14,
    )
}

pub async fn initiative(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Initiative>> {
    let sql = format!("{INITIATIVE} AND i.id = $2");
    let row: Option<InitiativeRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(|r| initiative_of(r).0))
}

/// The list's filters; empty ones do not filter.
#[derive(Debug, Clone, Default)]
pub struct InitiativeFilter {
    /// Words found in the title, authors or unit, without diacritics.
    pub q: String,
    pub field: Option<Field>,
    pub year: Option<i32>,
    pub status: Option<Status>,
}

/// Initiatives, newest first (at most `limit`).
pub async fn initiatives(
    db: &Db,
    province: &str,
    f: &InitiativeFilter,
    limit: usize,
) -> anyhow::Result<Vec<Initiative>> {
    let sql = format!(
        "{INITIATIVE} AND ($2 IS NULL OR i.field = $2) AND ($3 IS NULL OR i.year = $3) AND ($4 IS NULL OR i.status = $4)
         ORDER BY i.year DESC, i.id DESC"
    );
    let rows: Vec<InitiativeRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province)
        .bind(f.field.map(Field::as_str)).bind(f.year).bind(f.status.map(Status::as_str)).fetch_all(p).await?);
    // A department recognises tens a year: the words are matched here.
    let words = platform::fold::fold_words(&f.q);
    Ok(rows
        .into_iter()
        .map(initiative_of)
        .filter(|(_, search)| matches_words(search, &words))
        .map(|(i, _)| i)
        .take(limit)
        .collect())
}

/// Record a member's score; the same member (however typed) again replaces it.
pub async fn put_score(
    db: &Db,
    province: &str,
    id: i64,
    member: &str,
    score: i64,
    by: Option<i64>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, p => sqlx::query(
        "INSERT INTO initiative_scores (province_code, initiative_id, member_key, member, score, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (province_code, initiative_id, member_key)
         DO UPDATE SET member = excluded.member, score = excluded.score, created_by = excluded.created_by,
            created_at = excluded.created_at")
        .bind(province).bind(id).bind(rules::key(member)).bind(member).bind(score).bind(by).bind(now)
        .execute(p).await.map(|_| ())?);
    Ok(())
}

pub async fn scores(db: &Db, province: &str, id: i64) -> anyhow::Result<Vec<Score>> {
    let rows: Vec<(String, i64)> = with_db!(db, p => sqlx::query_as(
        "SELECT member, CAST(score AS BIGINT) FROM initiative_scores WHERE province_code = $1 AND initiative_id = $2
         ORDER BY created_at, member")
        .bind(province).bind(id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(member, score)| Score { member, score }).collect())
}

pub async fn decide(db: &Db, province: &str, id: i64, d: &Decision) -> anyhow::Result<()> {
    let status = if d.recognised { Status::Recognised } else { Status::NotRecognised };
    with_db!(db, p => sqlx::query(
        "UPDATE initiatives SET status = $3, decision_no = $4, decision_date = $5, scope = $6, updated_at = $7
         WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).bind(status.as_str()).bind(&d.decision_no).bind(d.decision_date)
        .bind(d.scope.map(Scope::as_str)).bind(Utc::now()).execute(p).await.map(|_| ())?);
    Ok(())
}

/// Initiatives recognised by a decision dated within the years.
pub async fn recognised(db: &Db, province: &str, from: i32, to: i32) -> anyhow::Result<Vec<Recognised>> {
    let (a, b) = (NaiveDate::from_ymd_opt(from, 1, 1), NaiveDate::from_ymd_opt(to, 12, 31));
    let rows: Vec<(String, String, Option<String>, NaiveDate)> = with_db!(db, p => sqlx::query_as(
        "SELECT field, unit, scope, decision_date FROM initiatives
         WHERE province_code = $1 AND status = 'recognised' AND decision_date BETWEEN $2 AND $3")
        .bind(province).bind(a).bind(b).fetch_all(p).await?);
    use chrono::Datelike;
    Ok(rows
        .into_iter()
        .map(|(field, unit, scope, date)| Recognised {
            field: Field::parse(&field).unwrap_or(Field::Other),
            unit,
            scope: scope.as_deref().and_then(Scope::parse),
            decided: date.year(),
        })
        .collect())
}

// ---------------------------------------------------------------- files

pub async fn insert_file(
    db: &Db,
    province: &str,
    initiative: i64,
    name: &str,
    mime: &str,
    content: &[u8],
    by: Option<i64>,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO initiative_files (province_code, initiative_id, name, mime, size, content, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(province).bind(initiative).bind(name).bind(mime).bind(content.len() as i64).bind(content).bind(by)
        .bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

pub async fn files(db: &Db, province: &str, initiative: i64) -> anyhow::Result<Vec<Attachment>> {
    let rows: Vec<(i64, String, String, i64)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, name, mime, size FROM initiative_files WHERE province_code = $1 AND initiative_id = $2 ORDER BY id")
        .bind(province).bind(initiative).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(id, name, mime, size)| Attachment { id, name, mime, size }).collect())
}

/// A file with its content.
pub async fn file(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<(Attachment, Vec<u8>)>> {
    let row: Option<(i64, String, String, i64, Vec<u8>)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, name, mime, size, content FROM initiative_files WHERE province_code = $1 AND id = $2")
        .bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(|(id, name, mime, size, content)| (Attachment { id, name, mime, size }, content)))
}

// ---------------------------------------------------------------- awards

/// Record an award; the same one again (kind, level, recipient, decision)
/// is the one kept: `(id, created)`.
pub async fn insert_award(db: &Db, province: &str, a: &NewAward, by: Option<i64>) -> anyhow::Result<(i64, bool)> {
    let key = rules::key(&a.recipient);
    let inserted: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "INSERT INTO awards (province_code, kind, level, recipient_kind, recipient, recipient_key, unit, year, decision_no,
            decision_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (province_code, kind, level, recipient_key, decision_no) DO NOTHING RETURNING id")
        .bind(province).bind(&a.kind).bind(&a.level).bind(a.recipient_kind.as_str()).bind(&a.recipient).bind(&key)
        .bind(&a.unit).bind(a.year).bind(&a.decision_no).bind(a.decision_date).bind(by).bind(Utc::now())
        .fetch_optional(p).await?);
    if let Some((id,)) = inserted {
        return Ok((id, true));
    }
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "SELECT id FROM awards WHERE province_code = $1 AND kind = $2 AND level = $3 AND recipient_key = $4
            AND decision_no = $5")
        .bind(province).bind(&a.kind).bind(&a.level).bind(&key).bind(&a.decision_no).fetch_one(p).await?);
    Ok((id, false))
}

type AwardRow = (i64, String, String, String, String, Option<String>, i64, String, NaiveDate, String);

const AWARD: &str = "SELECT id, kind, level, recipient_kind, recipient, unit, CAST(year AS BIGINT), decision_no,
    decision_date, recipient_key FROM awards WHERE province_code = $1";

fn award_of(r: AwardRow) -> Award {
    Award {
        id: r.0,
        kind: r.1,
        level: r.2,
        recipient_kind: RecipientKind::parse(&r.3).unwrap_or(RecipientKind::Person),
        recipient: r.4,
        unit: r.5,
        year: r.6 as i32,
        decision_no: r.7,
        decision_date: r.8,
    }
}

#[derive(Debug, Clone, Default)]
pub struct AwardFilter {
    /// Words of the recipient's name or unit, without diacritics.
    pub q: String,
    pub year: Option<i32>,
    pub kind: Option<String>,
}

/// Awards, newest decision first (at most `limit`).
pub async fn awards(db: &Db, province: &str, f: &AwardFilter, limit: usize) -> anyhow::Result<Vec<Award>> {
    let sql = format!(
        "{AWARD} AND ($2 IS NULL OR year = $2) AND ($3 IS NULL OR kind = $3) ORDER BY decision_date DESC, id DESC"
    );
    let rows: Vec<AwardRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(f.year).bind(&f.kind).fetch_all(p).await?);
    let words = platform::fold::fold_words(&f.q);
    Ok(rows
        .into_iter()
        .filter(|r| {
            let unit = r.5.as_deref().map(rules::key).unwrap_or_default();
            matches_words(&format!("{} {unit}", r.9), &words)
        })
        .map(award_of)
        .take(limit)
        .collect())
}

/// A person's or a unit's awards (by the folded name), oldest first.
pub async fn history(db: &Db, province: &str, recipient_key: &str) -> anyhow::Result<Vec<Award>> {
    let sql = format!("{AWARD} AND recipient_key = $2 ORDER BY year, decision_date, id");
    let rows: Vec<AwardRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(recipient_key).fetch_all(p).await?);
    Ok(rows.into_iter().map(award_of).collect())
}

/// (kind, level, year) of the awards decided within the years.
pub async fn award_years(db: &Db, province: &str, from: i32, to: i32) -> anyhow::Result<Vec<(String, String, i32)>> {
    let rows: Vec<(String, String, i64)> = with_db!(db, p => sqlx::query_as(
        "SELECT kind, level, CAST(year AS BIGINT) FROM awards WHERE province_code = $1 AND year BETWEEN $2 AND $3")
        .bind(province).bind(from).bind(to).fetch_all(p).await?);
    Ok(rows.into_iter().map(|(k, l, y)| (k, l, y as i32)).collect())
}

// ---------------------------------------------------------------- movements

pub async fn insert_movement(db: &Db, province: &str, m: &NewMovement, by: Option<i64>) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO emulation_movements (province_code, title, starts_on, ends_on, criteria, units, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(province).bind(&m.title).bind(m.starts_on).bind(m.ends_on).bind(&m.criteria).bind(m.units.join("\n"))
        .bind(by).bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

type MovementRow = (i64, String, NaiveDate, NaiveDate, String, String, i64);

const MOVEMENT: &str = "SELECT m.id, m.title, m.starts_on, m.ends_on, m.criteria, m.units,
        (SELECT COUNT(*) FROM emulation_commitments c WHERE c.province_code = m.province_code AND c.movement_id = m.id)
    FROM emulation_movements m WHERE m.province_code = $1";

fn movement_of(r: MovementRow) -> Movement {
    Movement {
        id: r.0,
        title: r.1,
        starts_on: r.2,
        ends_on: r.3,
        criteria: r.4,
        units: lines(&r.5),
        commitment_count: r.6,
    }
}

pub async fn movements(db: &Db, province: &str) -> anyhow::Result<Vec<Movement>> {
    let sql = format!("{MOVEMENT} ORDER BY m.starts_on DESC, m.id DESC LIMIT 200");
    let rows: Vec<MovementRow> = with_db!(db, p => sqlx::query_as(&sql).bind(province).fetch_all(p).await?);
    Ok(rows.into_iter().map(movement_of).collect())
}

pub async fn movement(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Movement>> {
    let sql = format!("{MOVEMENT} AND m.id = $2");
    let row: Option<MovementRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(movement_of))
}

pub async fn insert_commitment(
    db: &Db,
    province: &str,
    movement: i64,
    c: &NewCommitment,
    on: NaiveDate,
    by: Option<i64>,
) -> anyhow::Result<i64> {
    let (id,): (i64,) = with_db!(db, p => sqlx::query_as(
        "INSERT INTO emulation_commitments (province_code, movement_id, registrant_kind, registrant, unit, commitment,
            registered_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(province).bind(movement).bind(c.registrant_kind.as_str()).bind(&c.registrant).bind(&c.unit)
        .bind(&c.commitment).bind(on).bind(by).bind(Utc::now()).fetch_one(p).await?);
    Ok(id)
}

type CommitmentRow =
    (i64, i64, String, String, String, String, NaiveDate, Option<String>, Option<String>, Option<bool>);

const COMMITMENT: &str = "SELECT id, movement_id, registrant_kind, registrant, unit, commitment, registered_on,
    mid_review, final_review, achieved FROM emulation_commitments WHERE province_code = $1";

fn commitment_of(r: CommitmentRow) -> Commitment {
    Commitment {
        id: r.0,
        movement_id: r.1,
        registrant_kind: RecipientKind::parse(&r.2).unwrap_or(RecipientKind::Unit),
        registrant: r.3,
        unit: r.4,
        commitment: r.5,
        registered_on: r.6,
        mid_review: r.7,
        final_review: r.8,
        achieved: r.9,
    }
}

pub async fn commitments(db: &Db, province: &str, movement: i64) -> anyhow::Result<Vec<Commitment>> {
    let sql = format!("{COMMITMENT} AND movement_id = $2 ORDER BY unit, registrant_kind DESC, registrant, id");
    let rows: Vec<CommitmentRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(movement).fetch_all(p).await?);
    Ok(rows.into_iter().map(commitment_of).collect())
}

pub async fn commitment(db: &Db, province: &str, id: i64) -> anyhow::Result<Option<Commitment>> {
    let sql = format!("{COMMITMENT} AND id = $2");
    let row: Option<CommitmentRow> =
        with_db!(db, p => sqlx::query_as(&sql).bind(province).bind(id).fetch_optional(p).await?);
    Ok(row.map(commitment_of))
}

pub async fn review(db: &Db, province: &str, id: i64, r: &Review) -> anyhow::Result<()> {
    if r.final_stage {
        with_db!(db, p => sqlx::query(
            "UPDATE emulation_commitments SET final_review = $3, achieved = $4 WHERE province_code = $1 AND id = $2")
            .bind(province).bind(id).bind(&r.assessment).bind(r.achieved).execute(p).await.map(|_| ())?);
    } else {
        with_db!(db, p => sqlx::query(
            "UPDATE emulation_commitments SET mid_review = $3 WHERE province_code = $1 AND id = $2")
            .bind(province).bind(id).bind(&r.assessment).execute(p).await.map(|_| ())?);
    }
    Ok(())
}
