//! Billing, security rules, credentials, the outbox, API keys and the logo.

use super::Caller;
use crate::{
    auth::{Role, SecuritySettings},
    billing::{PlanView, WorkspaceView},
    dto::{CredentialView, OrganizationView, WorkspaceId},
    error::ApiError,
};

/// Billing, security rules and integration credentials of the viewer's organization.
#[async_trait::async_trait]
pub trait OrganizationSettingsPort: Send + Sync + 'static {
    async fn workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceView>, ApiError>;
    async fn plans(&self, caller: &Caller) -> Result<Vec<PlanView>, ApiError>;
    async fn change_plan(
        &self,
        caller: &Caller,
        workspace: WorkspaceId,
        plan: String,
    ) -> Result<WorkspaceView, ApiError>;
    async fn security_settings(&self, caller: &Caller) -> Result<SecuritySettings, ApiError>;
    async fn update_security(
        &self,
        caller: &Caller,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, ApiError>;
    async fn credentials(&self, caller: &Caller) -> Result<Vec<CredentialView>, ApiError>;
    async fn add_credential(
        &self,
        caller: &Caller,
        provider: String,
        label: String,
        secret: String,
    ) -> Result<CredentialView, ApiError>;
    async fn remove_credential(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError>;
    async fn outbox(&self, caller: &Caller) -> Result<Vec<crate::dto::OutboxEntry>, ApiError>;
    async fn api_keys(&self, caller: &Caller) -> Result<Vec<crate::dto::ApiKeyView>, ApiError>;
    async fn create_api_key(
        &self,
        caller: &Caller,
        name: String,
        role: Role,
    ) -> Result<crate::dto::CreatedApiKey, ApiError>;
    async fn revoke_api_key(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError>;
    async fn remove_logo(&self, caller: &Caller) -> Result<OrganizationView, ApiError>;
}
