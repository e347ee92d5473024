//! The instance's Ed25519 key: made on first use and kept in the database
//! (a backup holds it; every server of the instance signs with the same
//! one); pages are signed over their exact bytes, and a partner's pages are
//! verified with the public key its administrator gave us.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::Utc;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use platform::{with_db, Db};

/// The response header that carries a page's detached signature (base64).
pub const SIGNATURE: &str = "signature";
/// The response header naming the key that signed it.
pub const KEY_ID: &str = "signature-key-id";

pub struct Keys {
    pub key_id: String,
    /// The public key, base64 (32 bytes).
    pub public_key: String,
    signing: SigningKey,
}

impl Keys {
    fn of_secret(secret: [u8; 32], province: &str) -> Keys {
        let signing = SigningKey::from_bytes(&secret);
        let public = signing.verifying_key().to_bytes();
        let key_id = format!("{province}-{}", public[..6].iter().map(|b| format!("{b:02x}")).collect::<String>());
        Keys { key_id, public_key: B64.encode(public), signing }
    }

    /// The signature of `body`, base64.
    pub fn sign(&self, body: &[u8]) -> String {
        B64.encode(self.signing.sign(body).to_bytes())
    }
}

/// This instance's key (made and kept on first use; two servers starting at
/// once keep the first one written).
pub async fn load_or_create(db: &Db, province: &str) -> anyhow::Result<Keys> {
    if let Some(k) = load(db, province).await? {
        return Ok(k);
    }
    let secret: [u8; 32] = rand::random();
    let k = Keys::of_secret(secret, province);
    with_db!(db, p => sqlx::query(
        "INSERT INTO exchange_keys (province_code, key_id, secret, public_key, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (province_code) DO NOTHING")
        .bind(province).bind(&k.key_id).bind(B64.encode(secret)).bind(&k.public_key).bind(Utc::now())
        .execute(p).await.map(|_| ())?);
    load(db, province).await?.ok_or_else(|| anyhow::anyhow!("the exchange key was not kept"))
}

async fn load(db: &Db, province: &str) -> anyhow::Result<Option<Keys>> {
    let row: Option<(String,)> = with_db!(db, p => sqlx::query_as(
        "SELECT secret FROM exchange_keys WHERE province_code = $1").bind(province).fetch_optional(p).await?);
    let Some((secret,)) = row else { return Ok(None) };
    let bytes: [u8; 32] = B64
        .decode(secret.trim())?
        .try_into()
        .map_err(|_| anyhow::anyhow!("the stored exchange key is not 32 bytes"))?;
    Ok(Some(Keys::of_secret(bytes, province)))
}

/// A public key as an administrator pastes it (base64 of 32 bytes).
pub fn public_key(s: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = B64.decode(s.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// Whether `signature` (base64) is `key`'s over exactly `body`.
pub fn verify(key: &str, body: &[u8], signature: &str) -> bool {
    let Some(key) = public_key(key) else { return false };
    let Some(sig) = B64.decode(signature.trim()).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify(body, &Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_verifies_with_its_key_only_and_unaltered() {
        let k = Keys::of_secret([7; 32], "56");
        let other = Keys::of_secret([8; 32], "66");
        let body = br#"{"items":[],"next":null}"#;
        let sig = k.sign(body);
        assert!(verify(&k.public_key, body, &sig));
        assert!(!verify(&other.public_key, body, &sig), "another province's key");
        assert!(!verify(&k.public_key, br#"{"items":[1],"next":null}"#, &sig), "an altered page");
        assert!(!verify(&k.public_key, body, "not base64!"));
        assert!(!verify("short", body, &sig));
        assert!(k.key_id.starts_with("56-") && k.key_id.len() == 15);
        assert!(public_key(&k.public_key).is_some() && public_key("AAAA").is_none());
    }
}
