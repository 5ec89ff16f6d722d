//! Plain shared types: where a request came from, validated input, time formatting, random
//! tokens. A leaf: it imports nothing of the crate but `error`, so every layer may use it and
//! it never needs a feature.

pub mod at_work;
pub mod client;
pub mod input;
pub mod markdown;
pub mod stored;
pub mod time;
pub mod tokens;

pub use client::ClientInfo;
pub use time::rfc3339;

/// The server's public base URL (`--public-url`, else `http://` + the bound address): links
/// in mails and embed snippets start with it.
#[derive(Debug, Clone)]
pub struct PublicUrl(pub std::sync::Arc<str>);

impl PublicUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
