//! Ports: what the server functions need from the server, as traits. `app` never depends on
//! `server`; the server implements them (one file per port under `server/src/dashboard/`) and
//! injects them with `leptos_routes_with_context` / `handle_server_fns_with_context`. One
//! file per port here too.

use std::sync::Arc;

use crate::{
    auth::{Permission, Role},
    dto::OrganizationId,
    error::ApiError,
};

mod accounts;
mod answers;
mod bots;
mod conversations;
mod evaluation;
mod knowledge;
mod organization;
mod platform;
mod profile;
mod settings;

pub use accounts::*;
pub use answers::*;
pub use bots::*;
pub use conversations::*;
pub use evaluation::*;
pub use knowledge::*;
pub use organization::*;
pub use platform::*;
pub use profile::*;
pub use settings::*;

/// Who is asking. Every port call is scoped by `organization_id` and checked against `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: uuid::Uuid,
    pub organization_id: OrganizationId,
    pub role: Role,
}

impl Viewer {
    /// `Forbidden` unless the viewer's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.can(permission) { Ok(()) } else { Err(ApiError::Forbidden) }
    }
}

/// Who is asking and from where, resolved once per server-function call from the session
/// cookie (through the server's one authenticator) and handed to every authenticated port
/// method. Methods that act on the session itself (its list, signing out) or come before one
/// exists (sign-in, registration) take the request instead.
#[derive(Debug, Clone)]
pub struct Caller {
    pub viewer: Viewer,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The injected set of ports.
#[derive(Clone)]
pub struct Ports {
    pub dashboard: Arc<dyn DashboardPort>,
    pub accounts: Arc<dyn AccountsPort>,
    pub organization: Arc<dyn OrganizationPort>,
    pub settings: Arc<dyn OrganizationSettingsPort>,
    pub bots: Arc<dyn BotsPort>,
    pub knowledge: Arc<dyn KnowledgePort>,
    pub answers: Arc<dyn AnswersPort>,
    pub evaluation: Arc<dyn EvaluationPort>,
    pub me: Arc<dyn SelfServicePort>,
    pub platform: Arc<dyn PlatformPort>,
}

/// The ports and the request for the current server-function call.
pub async fn request() -> Result<(Ports, http::request::Parts), ApiError> {
    let ports = leptos::prelude::use_context::<Ports>()
        .ok_or(ApiError::Internal { request_id: "ports-missing".into() })?;
    let parts: http::request::Parts = leptos_axum::extract()
        .await
        .map_err(|_| ApiError::Internal { request_id: "request-parts".into() })?;
    Ok((ports, parts))
}

/// The ports and who is calling, resolved once for the current server-function call.
pub async fn caller() -> Result<(Ports, Caller), ApiError> {
    let (ports, parts) = request().await?;
    let caller = ports.dashboard.caller(&parts).await?;
    Ok((ports, caller))
}

/// The ports and the signed-in viewer for the current server-function call.
pub async fn context() -> Result<(Ports, Viewer), ApiError> {
    let (ports, caller) = caller().await?;
    Ok((ports, caller.viewer))
}
