//! Second factor (xác thực hai lớp): six-digit codes from an authenticator
//! app (TOTP, RFC 6238: SHA-1, 30-second steps, one step of clock drift
//! either way), each usable once, and one-time recovery codes for a lost
//! phone. An administrator can require it of the roles that read personal
//! data.

use super::user::Role;
use crate::db::Db;
use crate::with_db;
use chrono::Utc;
use rand::Rng;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per code.
pub const STEP: u64 = 30;
/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Letters that cannot be misread for one another (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new shared secret: 160 random bits, base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded gives an encoded secret"),
    }
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP, bytes).ok()
}

/// The code an app shows at `unix` seconds.
pub fn code_at(secret: &str, unix: u64) -> Option<String> {
    Some(totp(secret)?.generate(unix))
}

/// The time step `code` is right for at `unix` (this step or one either
/// side), if it is later than `after` (the last step used: a code seen
/// once is not taken again).
pub fn verify(secret: &str, code: &str, unix: u64, after: Option<i64>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret)?;
    let now = (unix / STEP) as i64;
    (now - 1..=now + 1).filter(|&step| after.is_none_or(|a| step > a)).find(|&step| {
        let expected = totp.generate(step as u64 * STEP);
        crate::web::constant_time_eq(&expected, &code)
    })
}

/// The address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str, issuer: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20");
    format!(
        "otpauth://totp/{}:{}?secret={secret}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

/// The secret as people type it: groups of four.
pub fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Fresh recovery codes, "xxxx-xxxx-xxxx" (about 59 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<u8> = (0..12).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())]).collect();
            chars.chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// A recovery code's stored form: hyphens, spaces and case do not matter.
fn recovery_hash(code: &str) -> String {
    let norm: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    hex::encode(Sha256::digest(norm.as_bytes()))
}

/// An account's secret and the last step used, when it has a second factor.
pub async fn secret_of(db: &Db, user_id: i64) -> anyhow::Result<Option<(String, Option<i64>)>> {
    let row: Option<(Option<String>, Option<i64>)> = with_db!(db, p => sqlx::query_as(
        "SELECT totp_secret, totp_last_step FROM users WHERE id = $1")
        .bind(user_id).fetch_optional(p).await?);
    Ok(row.and_then(|(s, last)| s.map(|s| (s, last))))
}

/// Turn the second factor on with a confirmed secret; the recovery codes
/// replace any earlier ones.
pub async fn enable(db: &Db, user_id: i64, secret: &str, step: i64, codes: &[String]) -> anyhow::Result<()> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2, updated_at = $3 WHERE id = $4")
            .bind(secret).bind(step).bind(Utc::now()).bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        for code in codes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id).bind(recovery_hash(code)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    super::cache::changed();
    Ok(())
}

/// Turn it off (the owner, or an administrator for a lost phone).
pub async fn disable(db: &Db, user_id: i64) -> anyhow::Result<()> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = NULL, updated_at = $1 WHERE id = $2")
            .bind(Utc::now()).bind(user_id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    super::cache::changed();
    Ok(())
}

/// Recovery codes not used yet.
pub async fn recovery_codes_left(db: &Db, user_id: i64) -> anyhow::Result<i64> {
    let (n,): (i64,) = with_db!(db, p => sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id).fetch_one(p).await?);
    Ok(n)
}

/// How a login's second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Code,
    RecoveryCode,
}

/// Check what was typed at login: a code from the app (once), else an
/// unused recovery code (spent now). Both updates are conditional, so two
/// requests racing with one code cannot both pass.
pub async fn check(db: &Db, user_id: i64, typed: &str) -> anyhow::Result<Option<Passed>> {
    let Some((secret, last)) = secret_of(db, user_id).await? else {
        return Ok(None);
    };
    let now = Utc::now().timestamp().max(0) as u64;
    if let Some(step) = verify(&secret, typed, now, last) {
        let n = with_db!(db, p => sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)")
            .bind(step).bind(user_id).execute(p).await?.rows_affected());
        return Ok((n == 1).then_some(Passed::Code));
    }
    let n = with_db!(db, p => sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
        .bind(Utc::now()).bind(user_id).bind(recovery_hash(typed)).execute(p).await?.rows_affected());
    Ok((n >= 1).then_some(Passed::RecoveryCode))
}

/// The roles that must use a second factor.
pub async fn required_roles(db: &Db) -> anyhow::Result<Vec<Role>> {
    let rows: Vec<(String,)> =
        with_db!(db, p => sqlx::query_as("SELECT role FROM second_factor_roles ORDER BY role").fetch_all(p).await?);
    Ok(rows.iter().filter_map(|(r,)| Role::parse(r)).collect())
}

pub async fn set_required_roles(db: &Db, roles: &[Role]) -> anyhow::Result<()> {
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM second_factor_roles").execute(&mut *tx).await?;
        for r in roles {
            sqlx::query("INSERT INTO second_factor_roles (role) VALUES ($1)").bind(r.as_str()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    super::cache::changed();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", 8
        // digits there; its last six are what a six-digit app shows.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        assert_eq!(code_at(&secret, 59).unwrap(), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109).unwrap(), "081804");
    }

    #[test]
    fn a_code_is_taken_once_and_within_a_step_of_drift() {
        let s = new_secret();
        let t = 1_800_000_000;
        let code = code_at(&s, t).unwrap();
        let step = (t / STEP) as i64;
        assert_eq!(verify(&s, &code, t, None), Some(step));
        assert_eq!(verify(&s, &code, t + STEP, None), Some(step), "a slow phone");
        assert_eq!(verify(&s, &code, t + 2 * STEP, None), None, "too old");
        assert_eq!(verify(&s, &code, t, Some(step)), None, "used already");
        assert_eq!(verify(&s, &format!("{} {}", &code[..3], &code[3..]), t, None), Some(step), "typed with a space");
        assert_eq!(verify(&s, "12345", t, None), None);
        assert_eq!(verify(&s, "abcdef", t, None), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_forgiving_to_type() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes.iter().all(|c| c.len() == 14 && c.matches('-').count() == 2));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(recovery_hash(&codes[0]), recovery_hash(&codes[0].to_uppercase().replace('-', " ")));
    }

    #[test]
    fn the_apps_address() {
        let url = otpauth_url("JBSWY3DPEHPK3PXP", "canbo@xa.gov.vn", "Kết Nối");
        assert!(url.starts_with("otpauth://totp/K%E1%BA%BFt%20N%E1%BB%91i:canbo%40xa.gov.vn?secret=JBSWY3DPEHPK3PXP"));
        assert_eq!(grouped("JBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP");
    }
}
