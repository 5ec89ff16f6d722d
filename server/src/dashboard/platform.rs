//! The platform admin page's port (operators only, see `platform`).

use app::{
    ApiError,
    platform::{AdminOrganization, AdminPage, AdminQuery, AdminUser, StandingPatch, UserActivity},
    ssr::PlatformPort,
};
use axum::{extract::FromRequestParts, http::request::Parts};

use crate::platform::{self, PlatformRoutes};

pub struct DashboardPlatform {
    pub state: PlatformRoutes,
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
