//! Accounts and API tokens in the database.

use super::user::{Role, User};
use crate::db::Db;
use crate::i18n::Lang;
use crate::with_db;
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    lang: String,
    employer_id: Option<i64>,
    school_id: Option<i64>,
    person_id: Option<i64>,
    active: bool,
    second_factor: bool,
    second_factor_required: bool,
}

#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.lang, u.employer_id, u.school_id, u.person_id,
     u.active, u.totp_secret IS NOT NULL AS second_factor,
     EXISTS (SELECT 1 FROM second_factor_roles r WHERE r.role = u.role) AS second_factor_required";

async fn hydrate(db: &Db, row: UserRow) -> anyhow::Result<User> {
    let wards: Vec<(String,)> = with_db!(db, p => sqlx::query_as(
        "SELECT ward_code FROM user_wards WHERE user_id = $1 ORDER BY ward_code")
        .bind(row.id).fetch_all(p).await?);
    Ok(User {
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("unknown role {}", row.role))?,
        lang: Lang::parse(&row.lang).unwrap_or_default(),
        employer_id: row.employer_id,
        school_id: row.school_id,
        person_id: row.person_id,
        active: row.active,
        wards: wards.into_iter().map(|(w,)| w).collect(),
        second_factor: row.second_factor,
        second_factor_required: row.second_factor_required,
    })
}

pub async fn find_by_id(db: &Db, id: i64) -> anyhow::Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
    let row: Option<UserRow> = with_db!(db, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
    match row {
        Some(r) => Ok(Some(hydrate(db, r).await?)),
        None => Ok(None),
    }
}

/// What a login is stored as: an e-mail address lower-cased, or a phone
/// number in its national form (job seekers who registered with a phone).
pub fn login_key(input: &str) -> String {
    match crate::types::PhoneNumber::parse(input) {
        Ok(phone) => phone.to_string(),
        Err(_) => input.trim().to_lowercase(),
    }
}

/// The user and their password hash, for login (by e-mail or phone number).
pub async fn find_for_login(db: &Db, login: &str) -> anyhow::Result<Option<(User, String)>> {
    let sql = format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1");
    let row: Option<LoginRow> = with_db!(db, p => sqlx::query_as(&sql).bind(login_key(login)).fetch_optional(p).await?);
    match row {
        Some(r) => Ok(Some((hydrate(db, r.user).await?, r.password_hash))),
        None => Ok(None),
    }
}

pub async fn list(db: &Db) -> anyhow::Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.role, u.email");
    let rows: Vec<UserRow> = with_db!(db, p => sqlx::query_as(&sql).fetch_all(p).await?);
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(hydrate(db, r).await?);
    }
    Ok(out)
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub wards: &'a [String],
    pub employer_id: Option<i64>,
    pub school_id: Option<i64>,
    /// The registry record of a job seeker.
    pub person_id: Option<i64>,
}

/// Create a user; `Ok(None)` if the e-mail is taken.
pub async fn create(db: &Db, u: NewUser<'_>) -> anyhow::Result<Option<i64>> {
    let now = Utc::now();
    let id: Option<(i64,)> = with_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO users (email, display_name, role, password_hash, lang, employer_id, school_id, person_id, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'vi', $5, $6, $7, TRUE, $8, $8)
             ON CONFLICT (email) DO NOTHING RETURNING id")
            .bind(u.email).bind(u.display_name).bind(u.role.as_str()).bind(u.password_hash)
            .bind(u.employer_id).bind(u.school_id).bind(u.person_id).bind(now)
            .fetch_optional(&mut *tx).await?;
        if let Some((id,)) = id {
            for w in u.wards {
                sqlx::query("INSERT INTO user_wards (user_id, ward_code) VALUES ($1, $2)")
                    .bind(id).bind(w).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        id
    });
    super::cache::changed();
    Ok(id.map(|(id,)| id))
}

/// Link an account to its employer (once the employer exists).
pub async fn set_employer(db: &Db, id: i64, employer_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE users SET employer_id = $1, updated_at = $2 WHERE id = $3")
        .bind(employer_id).bind(Utc::now()).bind(id).execute(p).await?.rows_affected());
    super::cache::changed();
    Ok(())
}

/// Remove an account that never came into use (a registration that failed halfway).
pub async fn delete_unused(db: &Db, id: i64) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(p).await?.rows_affected());
    super::cache::changed();
    Ok(())
}

/// Accounts of an employer (to notify them).
pub async fn ids_of_employer(db: &Db, employer_id: i64) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as("SELECT id FROM users WHERE employer_id = $1 AND active")
        .bind(employer_id).fetch_all(p).await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Active accounts with one of these roles (to notify staff).
pub async fn ids_with_role(db: &Db, roles: &[Role]) -> anyhow::Result<Vec<i64>> {
    let mut out = vec![];
    for r in roles {
        let rows: Vec<(i64,)> = with_db!(db, p => sqlx::query_as("SELECT id FROM users WHERE role = $1 AND active")
            .bind(r.as_str()).fetch_all(p).await?);
        out.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(out)
}

pub async fn update(
    db: &Db,
    id: i64,
    display_name: &str,
    role: Role,
    active: bool,
    wards: &[String],
) -> anyhow::Result<()> {
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET display_name = $1, role = $2, active = $3, updated_at = $4 WHERE id = $5")
            .bind(display_name).bind(role.as_str()).bind(active).bind(now).bind(id)
            .execute(&mut *tx).await?;
        sqlx::query("DELETE FROM user_wards WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        for w in wards {
            sqlx::query("INSERT INTO user_wards (user_id, ward_code) VALUES ($1, $2)")
                .bind(id).bind(w).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    super::cache::changed();
    Ok(())
}

/// A new password, which ends the account's sessions on every device but
/// `keep` (the session of the owner who changed it; an administrator's reset
/// keeps none).
pub async fn set_password(db: &Db, id: i64, password_hash: &str, keep: Option<&str>) -> anyhow::Result<()> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash).bind(Utc::now()).bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(id).bind(keep.unwrap_or("")).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    super::cache::changed();
    Ok(())
}

pub async fn set_lang(db: &Db, id: i64, lang: Lang) -> anyhow::Result<()> {
    with_db!(db, p => sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
        .bind(lang.code()).bind(id).execute(p).await?.rows_affected());
    super::cache::changed();
    Ok(())
}

pub async fn count(db: &Db) -> anyhow::Result<i64> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(p).await?);
    Ok(n)
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issue a bearer token; only its hash is stored, so it is shown once.
pub async fn issue_token(db: &Db, user_id: i64, label: &str) -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!("kn_{}", hex::encode(bytes));
    with_db!(db, p => sqlx::query(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id).bind(token_hash(&token)).bind(label).bind(Utc::now()).execute(p).await?.rows_affected());
    Ok(token)
}

/// An API token as its owner sees it (never the token itself).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    pub created_at: chrono::DateTime<Utc>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
}

/// A user's tokens that still work, newest first.
pub async fn tokens_of(db: &Db, user_id: i64) -> anyhow::Result<Vec<TokenInfo>> {
    Ok(with_db!(db, p => sqlx::query_as(
        "SELECT id, label, created_at, last_used_at FROM api_tokens
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC")
        .bind(user_id).fetch_all(p).await?))
}

/// Revoke one of `user_id`'s tokens; `false` when they have no such token.
pub async fn revoke_token(db: &Db, user_id: i64, token_id: i64) -> anyhow::Result<bool> {
    let n = with_db!(db, p => sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(Utc::now()).bind(token_id).bind(user_id).execute(p).await?.rows_affected());
    super::cache::changed();
    Ok(n == 1)
}

/// The active user a token belongs to (uncached: a request goes through
/// [`super::cache::Identities`]).
pub async fn user_for_token(db: &Db, token: &str) -> anyhow::Result<Option<User>> {
    user_for_token_hash(db, &token_hash(token)).await
}

pub(crate) async fn user_for_token_hash(db: &Db, hash: &str) -> anyhow::Result<Option<User>> {
    let row: Option<(i64,)> = with_db!(db, p => sqlx::query_as(
        "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id")
        .bind(Utc::now()).bind(hash).fetch_optional(p).await?);
    match row {
        Some((uid,)) => Ok(find_by_id(db, uid).await?.filter(|u| u.active)),
        None => Ok(None),
    }
}
