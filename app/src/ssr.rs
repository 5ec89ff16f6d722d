//! Ports: what the server functions need from the server, as traits. `app` never depends on
//! `server`; the server implements `DashboardPort` and injects it with
//! `leptos_routes_with_context` / `handle_server_fns_with_context`.

use std::sync::Arc;

use crate::{
    dto::{ConversationId, ConversationView, MessageView, OrganizationId, SearchHit},
    error::ApiError,
};

/// Who is asking. Every port call is scoped by `organization_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub organization_id: OrganizationId,
}

#[async_trait::async_trait]
pub trait DashboardPort: Send + Sync + 'static {
    /// Resolves the viewer of a request (its session, once accounts exist).
    async fn viewer(&self, request: &http::request::Parts) -> Result<Viewer, ApiError>;
    async fn list_conversations(&self, viewer: &Viewer) -> Result<Vec<ConversationView>, ApiError>;
    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError>;
    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError>;
}

/// The injected set of ports.
#[derive(Clone)]
pub struct Ports {
    pub dashboard: Arc<dyn DashboardPort>,
}

/// The ports and the viewer for the current server-function call.
pub async fn context() -> Result<(Ports, Viewer), ApiError> {
    let ports = leptos::prelude::use_context::<Ports>()
        .ok_or(ApiError::Internal { request_id: "ports-missing".into() })?;
    let parts: http::request::Parts = leptos_axum::extract()
        .await
        .map_err(|_| ApiError::Internal { request_id: "request-parts".into() })?;
    let viewer = ports.dashboard.viewer(&parts).await?;
    Ok((ports, viewer))
}
