//! The Settings page's organization profile port.

use app::{ApiError, dto::OrganizationView};
use sea_orm::DatabaseConnection;

use crate::{
    accounts::AccountService,
    organizations::{OrganizationPatch, get_profile, update_profile},
};

/// The settings page's port.
pub struct DashboardOrganization {
    pub db: DatabaseConnection,
    pub accounts: AccountService,
}

#[async_trait::async_trait]
impl app::ssr::OrganizationPort for DashboardOrganization {
    async fn profile(&self, request: &axum::http::request::Parts) -> Result<OrganizationView, ApiError> {
        let viewer = super::viewer(&self.accounts, request).await?;
        Ok(get_profile(&self.db, &viewer).await?)
    }

    async fn update_profile(
        &self,
        request: &axum::http::request::Parts,
        form: app::ssr::OrganizationForm,
    ) -> Result<OrganizationView, ApiError> {
        let viewer = super::viewer(&self.accounts, request).await?;
        let patch = OrganizationPatch {
            name: Some(form.name),
            website: Some(form.website),
            industry: Some(form.industry),
            company_size: Some(form.company_size),
            primary_color: Some(form.primary_color),
            secondary_color: Some(form.secondary_color),
        };
        Ok(update_profile(&self.db, &viewer, patch, &crate::http::client_of(request)).await?)
    }
}
