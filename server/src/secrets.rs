//! Secrets at rest. Integration credentials and TOTP seeds are sealed with XChaCha20-Poly1305
//! under one 256-bit key from configuration (`CHATSUPPORT_ENCRYPTION_KEY`, base64), or, without
//! one, a key generated on first start and kept in `<data dir>/encryption.key` (mode 0600). Each
//! sealed value is bound to its context (e.g. `integration:<org id>`) as associated data, so a
//! ciphertext copied to another row or tenant does not open. Passwords, tokens and API keys are
//! hashed elsewhere, never encrypted.

use std::path::Path;

use anyhow::Context;
use base64::{Engine, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, Payload},
};

const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl SecretBox {
    pub fn new(key: &[u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(key.into()) }
    }

    /// The configured key, or the one kept in the data dir (created on first use).
    pub fn load_or_create(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(encoded) = configured {
            return Ok(Self::new(&decode_key(encoded.trim()).context("CHATSUPPORT_ENCRYPTION_KEY")?));
        }
        let path = data_dir.join("encryption.key");
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return Ok(Self::new(&decode_key(existing.trim()).with_context(|| path.display().to_string())?));
        }
        let key = crate::shared::tokens::random_bytes::<32>();
        std::fs::write(&path, STANDARD.encode(key)).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("restricting {}", path.display()))?;
        }
        Ok(Self::new(&key))
    }

    /// base64(nonce ‖ ciphertext) of `plaintext`, bound to `context`.
    pub fn seal(&self, context: &str, plaintext: &[u8]) -> anyhow::Result<String> {
        let nonce = crate::shared::tokens::random_bytes::<NONCE_LEN>();
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context.as_bytes() })
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(STANDARD.encode(out))
    }

    /// The plaintext of a value [`Self::seal`]ed with the same key and `context`.
    pub fn open(&self, context: &str, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let raw = STANDARD.decode(sealed).context("sealed value is not base64")?;
        anyhow::ensure!(raw.len() > NONCE_LEN, "sealed value is too short");
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: context.as_bytes() })
            .map_err(|_| anyhow::anyhow!("sealed value does not open with this key and context"))
    }
}

fn decode_key(encoded: &str) -> anyhow::Result<[u8; 32]> {
    let raw = STANDARD.decode(encoded).context("the key must be base64")?;
    raw.try_into().map_err(|_| anyhow::anyhow!("the key must be 32 bytes (44 base64 characters)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sealer = SecretBox::load_or_create(None, dir.path()).expect("key");
        let sealed = sealer.seal("integration:a", b"sk-live-123").expect("seal");
        assert!(!sealed.contains("sk-live"), "ciphertext must not carry the plaintext");
        assert_eq!(sealer.open("integration:a", &sealed).expect("open"), b"sk-live-123");
        assert!(sealer.open("integration:b", &sealed).is_err(), "another tenant's context");
        let again = SecretBox::load_or_create(None, dir.path()).expect("same key from the file");
        assert_eq!(again.open("integration:a", &sealed).expect("reopen"), b"sk-live-123");
        let other = SecretBox::new(&[7u8; 32]);
        assert!(other.open("integration:a", &sealed).is_err(), "another key");
        assert_ne!(
            sealer.seal("c", b"x").expect("seal"),
            sealer.seal("c", b"x").expect("seal"),
            "fresh nonces"
        );
    }
}
