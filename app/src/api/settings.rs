//! Settings: workspaces and plans, security rules, credentials, the outbox, API keys, the logo and bots.

use leptos::prelude::*;

use crate::error::ApiError;

// ── Billing & plans ─────────────────────────────────────────────────────────────────────────

/// The organization's workspaces with usage pools, wallet and billing dates.
#[server(prefix = "/api/fn", endpoint = "workspaces")]
pub async fn workspaces_overview() -> Result<Vec<crate::billing::WorkspaceView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.workspaces(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "plans")]
pub async fn plan_catalog() -> Result<Vec<crate::billing::PlanView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.plans(&caller).await
}

/// Moves a workspace to another plan (owners).
#[server(prefix = "/api/fn", endpoint = "change_plan")]
pub async fn change_plan(
    workspace: crate::dto::WorkspaceId,
    plan: String,
) -> Result<crate::billing::WorkspaceView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.change_plan(&caller, workspace, plan).await
}

// ── Settings → Security and integrations ────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "security_settings")]
pub async fn security_settings() -> Result<crate::auth::SecuritySettings, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.security_settings(&caller).await
}

/// Saves the security rules; the allow-list is one address or range per line.
#[server(prefix = "/api/fn", endpoint = "update_security")]
pub async fn update_security(
    require_mfa: Option<String>,
    session_timeout_minutes: String,
    ip_allowlist: String,
) -> Result<crate::auth::SecuritySettings, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let timeout = match session_timeout_minutes.trim() {
        "" => None,
        minutes => Some(minutes.parse::<i32>().map_err(|_| {
            ApiError::validation("session_timeout_minutes", "Choose a timeout from the list.")
        })?),
    };
    let settings = crate::auth::SecuritySettings {
        require_mfa: require_mfa.is_some(),
        session_timeout_minutes: timeout,
        ip_allowlist: ip_allowlist.lines().map(str::to_owned).collect(),
    };
    ports.settings.update_security(&caller, settings).await
}

#[server(prefix = "/api/fn", endpoint = "credentials")]
pub async fn credentials() -> Result<Vec<crate::dto::CredentialView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.credentials(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "add_credential")]
pub async fn add_credential(
    provider: String,
    label: String,
    secret: String,
) -> Result<crate::dto::CredentialView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.add_credential(&caller, provider, label, secret).await
}

#[server(prefix = "/api/fn", endpoint = "remove_credential")]
pub async fn remove_credential(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.remove_credential(&caller, id).await
}

/// The organization's outgoing mail (owners and admins).
#[server(prefix = "/api/fn", endpoint = "outbox")]
pub async fn outbox() -> Result<Vec<crate::dto::OutboxEntry>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.outbox(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "api_keys")]
pub async fn api_keys() -> Result<Vec<crate::dto::ApiKeyView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.api_keys(&caller).await
}

/// Creates an API key; the answer is the only time it is shown.
#[server(prefix = "/api/fn", endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    role: crate::auth::Role,
) -> Result<crate::dto::CreatedApiKey, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.create_api_key(&caller, name, role).await
}

#[server(prefix = "/api/fn", endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.revoke_api_key(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "remove_logo")]
pub async fn remove_logo() -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.settings.remove_logo(&caller).await
}
