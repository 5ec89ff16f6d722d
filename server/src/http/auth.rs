//! Who is calling, as the edges ask it: a credential (the dashboard's session cookie, or a
//! bearer token — an API key or a JWT access token) and where the request came from, turned
//! into a [`Viewer`] by one implementation (`accounts::Authenticator`), which applies account
//! standing, the organization's IP allow-list and the idle timeout once for all three.

use std::{ops::Deref, sync::Arc};

use app::ssr::Viewer;

use crate::{error::Result, shared::ClientInfo};

/// What a request presents.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// The dashboard's session cookie.
    Session(&'a str),
    /// `Authorization: Bearer …`: an API key (`cs_live_…`) or a JWT access token.
    Bearer(&'a str),
}

/// What the page guard lets a session see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageAccess {
    /// No live session: the sign-in page.
    SignIn,
    /// Signed in, address not confirmed yet.
    VerifyEmail,
    /// The organization requires a second factor this person has not set up: Profile only.
    EnrolSecondFactor,
    Allowed,
}

#[async_trait::async_trait]
pub trait Authenticate: Send + Sync {
    /// The viewer behind a credential; `Unauthenticated`, `IpNotAllowed`, `EmailNotVerified`
    /// or `Forbidden` (a token without API access) otherwise.
    async fn viewer(&self, credential: Credential<'_>, client: &ClientInfo) -> Result<Viewer>;

    /// What the page guard lets the person behind a session token see.
    async fn page_access(&self, session: &str, client: &ClientInfo) -> PageAccess;

    /// Whether the person behind a session token is a platform operator (the `/admin` page).
    async fn is_operator(&self, session: &str, client: &ClientInfo) -> bool;
}

/// The authenticator handle the edges extract from their state (`FromRef`).
#[derive(Clone)]
pub struct Authenticator(pub Arc<dyn Authenticate>);

impl Deref for Authenticator {
    type Target = dyn Authenticate;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}
