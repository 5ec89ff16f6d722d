//! Settings' port: workspaces and plans, API keys, integration credentials, security
//! rules, the outbox — each call resolves who is asking and calls the service the REST routes
//! call.

use app::{
    ApiError,
    auth::{Permission, SecuritySettings},
    billing::{PlanView, WorkspaceView},
    dto::{CredentialView, WorkspaceId},
    ssr::{Caller, OrganizationSettingsPort},
};
use sea_orm::DatabaseConnection;

use super::client;
use crate::{accounts::AccountService, billing, integrations};

pub struct DashboardSettings {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub files: crate::storage::FileStore,
    pub events: crate::events::EventBus,
}

#[async_trait::async_trait]
impl OrganizationSettingsPort for DashboardSettings {
    async fn workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceView>, ApiError> {
        let viewer = caller.viewer;
        viewer.require(Permission::ViewAnalytics)?;
        Ok(billing::list(&self.db, viewer.organization_id).await?)
    }

    async fn plans(&self, _caller: &Caller) -> Result<Vec<PlanView>, ApiError> {
        Ok(billing::catalog(&self.db).await?)
    }

    async fn change_plan(
        &self,
        caller: &Caller,
        workspace: WorkspaceId,
        plan: String,
    ) -> Result<WorkspaceView, ApiError> {
        let viewer = caller.viewer;
        Ok(billing::change_plan(&self.db, &viewer, workspace, &plan, &client(caller)).await?)
    }

    async fn security_settings(&self, caller: &Caller) -> Result<SecuritySettings, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::organizations::security::security_settings(&self.db, &viewer).await?)
    }

    async fn update_security(
        &self,
        caller: &Caller,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::organizations::security::update_security_settings(
            &self.db,
            &viewer,
            settings,
            &client(caller),
        )
        .await?)
    }

    async fn credentials(&self, caller: &Caller) -> Result<Vec<CredentialView>, ApiError> {
        let viewer = caller.viewer;
        Ok(integrations::list(&self.db, &viewer).await?)
    }

    async fn add_credential(
        &self,
        caller: &Caller,
        provider: String,
        label: String,
        secret: String,
    ) -> Result<CredentialView, ApiError> {
        let viewer = caller.viewer;
        let input = integrations::NewCredential { provider, label, secret };
        Ok(integrations::create(&self.db, &self.accounts.secrets, &viewer, input, &client(caller)).await?)
    }

    async fn remove_credential(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = caller.viewer;
        Ok(integrations::remove(&self.db, &viewer, id, &client(caller)).await?)
    }

    async fn remove_logo(&self, caller: &Caller) -> Result<app::dto::OrganizationView, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::organizations::logo::remove(&self.db, &self.files, &viewer, &client(caller)).await?)
    }

    async fn api_keys(&self, caller: &Caller) -> Result<Vec<app::dto::ApiKeyView>, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::api_keys::list(&self.db, &viewer).await?)
    }

    async fn create_api_key(
        &self,
        caller: &Caller,
        name: String,
        role: app::auth::Role,
    ) -> Result<app::dto::CreatedApiKey, ApiError> {
        let viewer = caller.viewer;
        let input = crate::api_keys::NewApiKey { name, role };
        Ok(crate::api_keys::create(&self.db, &viewer, input, &client(caller)).await?)
    }

    async fn revoke_api_key(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = caller.viewer;
        Ok(crate::api_keys::revoke(&self.db, &viewer, id, &client(caller)).await?)
    }

    async fn outbox(&self, caller: &Caller) -> Result<Vec<app::dto::OutboxEntry>, ApiError> {
        let viewer = caller.viewer;
        Ok(crate::mail::outbox(&self.db, &viewer).await?)
    }
}
