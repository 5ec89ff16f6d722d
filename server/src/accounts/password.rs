//! Password hashing with argon2id (PHC strings), off the async runtime.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};

use crate::error::{Error, Result};

pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        // 16 random bytes of salt (uuid v4 draws them from the OS).
        let salt = SaltString::encode_b64(&crate::shared::tokens::random_bytes::<16>())
            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| Error::Other(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| Error::Other(anyhow::anyhow!("hashing task: {e}")))?
}

/// True when `password` matches `stored`. With no stored hash (unknown account) a dummy hash
/// is checked instead, so a wrong email costs as much time as a wrong password.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
        let parsed = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && known)
    })
    .await
    .map_err(|e| Error::Other(anyhow::anyhow!("verifying task: {e}")))?
}

/// argon2id hash of a random string nobody knows.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$pQ0jXrnw9tHuGnTUVsTDBsnE1V+4YqWjvQUPu8W3+qU";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let stored = hash("Str0ng!pass").await.expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Str0ng!pass", Some(stored.clone())).await.expect("verify"));
        assert!(!verify("str0ng!pass", Some(stored)).await.expect("verify"));
        assert!(!verify("anything", None).await.expect("verify"));
    }
}
