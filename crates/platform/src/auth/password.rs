//! Password hashing with argon2id (PHC string format, salt per password).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub const MIN_LEN: usize = 8;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the account does not exist, so that a wrong
/// e-mail costs the same time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("not-a-real-password").expect("hash"))
}

/// Rules for a new password; returns the i18n key of what is wrong.
pub fn check_strength(password: &str, email: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_LEN {
        return Err("err.password.short");
    }
    if password.eq_ignore_ascii_case(email) || email.split('@').next() == Some(password) {
        return Err("err.password.like_email");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("mật khẩu dài").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("mật khẩu dài", &h));
        assert!(!verify("mat khau dai", &h));
        assert!(!verify("x", "not a hash"));
        assert_ne!(hash("same").unwrap(), hash("same").unwrap(), "salted");
    }

    #[test]
    fn strength() {
        assert_eq!(check_strength("short", "a@b.vn"), Err("err.password.short"));
        assert_eq!(check_strength("canbo.xa@kh.vn", "canbo.xa@kh.vn"), Err("err.password.like_email"));
        assert!(check_strength("đủ dài rồi", "a@b.vn").is_ok());
    }
}
