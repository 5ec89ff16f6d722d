//! Settings' port: workspaces and plans, bots, API keys, integration credentials, security
//! rules, the outbox — each call resolves who is asking and calls the service the REST routes
//! call.

use app::{
    ApiError,
    auth::{Permission, SecuritySettings},
    billing::{PlanView, WorkspaceView},
    dto::{CredentialView, WorkspaceId},
    ssr::OrganizationSettingsPort,
};
use axum::http::request::Parts;
use sea_orm::DatabaseConnection;

use super::viewer;
use crate::{accounts::AccountService, billing, http::client_of, integrations};

pub struct DashboardSettings {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub files: crate::storage::FileStore,
    pub events: crate::events::EventBus,
}

#[async_trait::async_trait]
impl OrganizationSettingsPort for DashboardSettings {
    async fn workspaces(&self, request: &Parts) -> Result<Vec<WorkspaceView>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        viewer.require(Permission::ViewAnalytics)?;
        Ok(billing::list(&self.db, viewer.organization_id).await?)
    }

    async fn plans(&self, request: &Parts) -> Result<Vec<PlanView>, ApiError> {
        viewer(&self.accounts, request).await?;
        Ok(billing::catalog(&self.db).await?)
    }

    async fn change_plan(
        &self,
        request: &Parts,
        workspace: WorkspaceId,
        plan: String,
    ) -> Result<WorkspaceView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(billing::change_plan(&self.db, &viewer, workspace, &plan, &client_of(request)).await?)
    }

    async fn security_settings(&self, request: &Parts) -> Result<SecuritySettings, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.security_settings(&viewer).await?)
    }

    async fn update_security(
        &self,
        request: &Parts,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.update_security_settings(&viewer, settings, &client_of(request)).await?)
    }

    async fn credentials(&self, request: &Parts) -> Result<Vec<CredentialView>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(integrations::list(&self.db, &viewer).await?)
    }

    async fn add_credential(
        &self,
        request: &Parts,
        provider: String,
        label: String,
        secret: String,
    ) -> Result<CredentialView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        let input = integrations::NewCredential { provider, label, secret };
        Ok(integrations::create(&self.db, &self.accounts.secrets, &viewer, input, &client_of(request))
            .await?)
    }

    async fn remove_credential(&self, request: &Parts, id: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(integrations::remove(&self.db, &viewer, id, &client_of(request)).await?)
    }

    async fn chatbots(&self, request: &Parts) -> Result<Vec<app::dto::ChatbotView>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        viewer.require(Permission::ViewAnalytics)?;
        Ok(crate::bots::list(&self.db, viewer.organization_id, self.accounts.public_url()).await?)
    }

    async fn update_chatbot(
        &self,
        request: &Parts,
        id: app::dto::BotId,
        greeting: String,
        fallback_message: String,
        settings: app::bot_settings::BotSettings,
    ) -> Result<app::dto::ChatbotView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        let patch = crate::bots::ChatbotPatch {
            greeting: Some(greeting),
            fallback_message: Some(fallback_message),
            replace_settings: Some(settings),
            ..Default::default()
        };
        Ok(crate::bots::update(
            &self.db,
            &self.events,
            &viewer,
            id,
            patch,
            &client_of(request),
            self.accounts.public_url(),
        )
        .await?)
    }

    async fn remove_logo(&self, request: &Parts) -> Result<app::dto::OrganizationView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(crate::organizations::logo::remove(&self.db, &self.files, &viewer, &client_of(request)).await?)
    }

    async fn api_keys(&self, request: &Parts) -> Result<Vec<app::dto::ApiKeyView>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(crate::api_keys::list(&self.db, &viewer).await?)
    }

    async fn create_api_key(
        &self,
        request: &Parts,
        name: String,
        role: app::auth::Role,
    ) -> Result<app::dto::CreatedApiKey, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        let input = crate::api_keys::NewApiKey { name, role };
        Ok(crate::api_keys::create(&self.db, &viewer, input, &client_of(request)).await?)
    }

    async fn revoke_api_key(&self, request: &Parts, id: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(crate::api_keys::revoke(&self.db, &viewer, id, &client_of(request)).await?)
    }

    async fn outbox(&self, request: &Parts) -> Result<Vec<app::dto::OutboxEntry>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(crate::mail::outbox(&self.db, &viewer).await?)
    }
}
