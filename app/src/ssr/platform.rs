//! Platform administration (operators only).

use crate::{
    error::ApiError,
    platform::{AdminOrganization, AdminPage, AdminQuery, AdminUser, StandingPatch, UserActivity},
};

/// Platform administration (super admins only).
#[async_trait::async_trait]
pub trait PlatformPort: Send + Sync + 'static {
    async fn organizations(
        &self,
        request: &http::request::Parts,
        query: AdminQuery,
    ) -> Result<AdminPage<AdminOrganization>, ApiError>;
    async fn users(
        &self,
        request: &http::request::Parts,
        query: AdminQuery,
    ) -> Result<AdminPage<AdminUser>, ApiError>;
    async fn user_activity(
        &self,
        request: &http::request::Parts,
        id: uuid::Uuid,
    ) -> Result<UserActivity, ApiError>;
    async fn update_organization(
        &self,
        request: &http::request::Parts,
        id: uuid::Uuid,
        patch: StandingPatch,
    ) -> Result<AdminOrganization, ApiError>;
    async fn update_user(
        &self,
        request: &http::request::Parts,
        id: uuid::Uuid,
        patch: StandingPatch,
    ) -> Result<AdminUser, ApiError>;
}
