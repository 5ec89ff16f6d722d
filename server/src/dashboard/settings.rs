//! The dashboard's ports for settings, self-service and platform administration: each
//! resolves who is asking from the request and calls the one service behind it (the same one
//! the REST routes call).

use app::{
    ApiError,
    auth::{MfaSetup, Permission, ProfileView, SecuritySettings, TeamListing, TeamQuery, UserView},
    billing::{PlanView, WorkspaceView},
    dto::{CredentialView, WorkspaceId},
    platform::{AdminOrganization, AdminPage, AdminQuery, AdminUser, StandingPatch, UserActivity},
    ssr::{OrganizationSettingsPort, PlatformPort, ProfileForm, SelfServicePort, Viewer},
};
use axum::{extract::FromRequestParts, http::request::Parts};
use sea_orm::DatabaseConnection;

use crate::{
    accounts::{
        AccountService,
        profile::ProfilePatch,
        routes::{client_of, session_cookie},
    },
    integrations, platform,
    startup::AppState,
    workspaces,
};

async fn viewer(accounts: &AccountService, request: &Parts) -> Result<Viewer, ApiError> {
    Ok(crate::dashboard::viewer(accounts, request).await?)
}

pub struct DashboardSettings {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
    pub data_dir: std::path::PathBuf,
    pub events: crate::events::EventBus,
}

#[async_trait::async_trait]
impl OrganizationSettingsPort for DashboardSettings {
    async fn workspaces(&self, request: &Parts) -> Result<Vec<WorkspaceView>, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        viewer.require(Permission::ViewAnalytics)?;
        Ok(workspaces::list(&self.db, viewer.organization_id).await?)
    }

    async fn plans(&self, request: &Parts) -> Result<Vec<PlanView>, ApiError> {
        viewer(&self.accounts, request).await?;
        Ok(workspaces::catalog(&self.db).await?)
    }

    async fn change_plan(
        &self,
        request: &Parts,
        workspace: WorkspaceId,
        plan: String,
    ) -> Result<WorkspaceView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(workspaces::change_plan(&self.db, &viewer, workspace, &plan, &client_of(request)).await?)
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
        Ok(crate::logos::remove(&self.db, &self.data_dir, &viewer, &client_of(request)).await?)
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
        let me = self.accounts.user_view_of(viewer.user_id).await?;
        Ok(crate::mail::outbox(&self.db, &viewer, &me.email).await?)
    }
}

pub struct DashboardSelfService {
    pub accounts: AccountService,
}

#[async_trait::async_trait]
impl SelfServicePort for DashboardSelfService {
    async fn profile(&self, request: &Parts) -> Result<ProfileView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.profile(&viewer).await?)
    }

    async fn update_profile(&self, request: &Parts, form: ProfileForm) -> Result<ProfileView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        let patch = ProfilePatch {
            name: Some(form.name),
            phone: Some(form.phone),
            job_title: Some(form.job_title),
            bio: Some(form.bio),
            avatar_url: Some(form.avatar_url),
            notifications: Some(form.notifications),
        };
        Ok(self.accounts.update_profile(&viewer, patch, &client_of(request)).await?)
    }

    async fn mfa_setup(&self, request: &Parts) -> Result<MfaSetup, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.mfa_setup(&viewer).await?)
    }

    async fn mfa_enable(&self, request: &Parts, code: String) -> Result<(), ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.mfa_enable(&viewer, &code, &client_of(request)).await?)
    }

    async fn mfa_disable(&self, request: &Parts, code: String) -> Result<(), ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.mfa_disable(&viewer, &code, &client_of(request)).await?)
    }

    async fn sign_in_mfa(
        &self,
        request: &Parts,
        challenge: String,
        code: String,
    ) -> Result<UserView, ApiError> {
        let (user, token) = self.accounts.complete_mfa(&challenge, &code, &client_of(request)).await?;
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(axum::http::header::SET_COOKIE, session_cookie(&token, &request.headers));
        }
        Ok(user)
    }

    async fn directory(&self, request: &Parts, query: TeamQuery) -> Result<TeamListing, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        Ok(self.accounts.directory(&viewer, query).await?)
    }
}

pub struct DashboardPlatform {
    pub state: AppState,
}

impl DashboardPlatform {
    async fn admin(&self, request: &Parts) -> Result<platform::PlatformAdmin, ApiError> {
        let mut parts = request.clone();
        Ok(platform::PlatformAdmin::from_request_parts(&mut parts, &self.state).await?)
    }
}

#[async_trait::async_trait]
impl PlatformPort for DashboardPlatform {
    async fn organizations(
        &self,
        request: &Parts,
        query: AdminQuery,
    ) -> Result<AdminPage<AdminOrganization>, ApiError> {
        self.admin(request).await?;
        Ok(platform::organizations(&self.state.db, query).await?)
    }

    async fn users(&self, request: &Parts, query: AdminQuery) -> Result<AdminPage<AdminUser>, ApiError> {
        self.admin(request).await?;
        Ok(platform::users(&self.state.db, query).await?)
    }

    async fn user_activity(&self, request: &Parts, id: uuid::Uuid) -> Result<UserActivity, ApiError> {
        self.admin(request).await?;
        Ok(platform::user_activity(&self.state.db, id).await?)
    }

    async fn update_organization(
        &self,
        request: &Parts,
        id: uuid::Uuid,
        patch: StandingPatch,
    ) -> Result<AdminOrganization, ApiError> {
        let admin = self.admin(request).await?;
        Ok(platform::update_organization(&self.state.db, &admin, id, patch).await?)
    }

    async fn update_user(
        &self,
        request: &Parts,
        id: uuid::Uuid,
        patch: StandingPatch,
    ) -> Result<AdminUser, ApiError> {
        let admin = self.admin(request).await?;
        Ok(platform::update_user(&self.state.db, &admin, id, patch).await?)
    }
}
