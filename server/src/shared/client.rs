//! Where a request came from, for login history, sessions, audit entries and rate limits.

/// The caller's address (the peer, or the client a trusted proxy names) and user agent.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}
