//! Secrets the server hands out (session, refresh and single-use tokens, API keys, nonces):
//! randomness from the operating system's generator, stored only as hashes.

use sha2::{Digest, Sha256};

/// `N` bytes from the OS's cryptographic generator. It fails only when the OS cannot give
/// randomness at all, after which no secret can be made safely.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator answers");
    bytes
}

/// 256 random bits, hex.
pub fn new_token() -> String {
    random_bytes::<32>().iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn random_bytes_differ_between_calls() {
        assert_ne!(random_bytes::<16>(), random_bytes::<16>());
    }
}
