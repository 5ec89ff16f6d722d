//! The edges every feature's routes share: extractors (who is calling, JSON and query bodies,
//! where the request came from), the session cookie, the page guard, the same-origin check,
//! security headers, static assets and health.
//!
//! It must not import a feature: it knows the caller only through the [`auth::Authenticate`]
//! port that `accounts` implements, so every feature folder may use it.

pub mod assets;
pub mod auth;
pub mod client;
pub mod cookies;
pub mod extract;
pub mod guard;
pub mod headers;
pub mod health;
pub mod origin;

pub use auth::{Authenticate, Authenticator, Credential, PageAccess};
pub use client::client_of;
pub use extract::{ApiCaller, ApiJson, ApiQuery, SessionCookie};
