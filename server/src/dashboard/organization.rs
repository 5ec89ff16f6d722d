//! The Settings page's organization profile port.

use app::{
    ApiError,
    dto::OrganizationView,
    ssr::{Caller, OrganizationPort},
};
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
impl OrganizationPort for DashboardOrganization {
    async fn profile(&self, caller: &Caller) -> Result<OrganizationView, ApiError> {
        let viewer = caller.viewer;
        Ok(get_profile(&self.db, &viewer).await?)
    }

    async fn update_profile(
        &self,
        caller: &Caller,
        form: app::ssr::OrganizationForm,
    ) -> Result<OrganizationView, ApiError> {
        let viewer = caller.viewer;
        let patch = OrganizationPatch {
            name: Some(form.name),
            website: Some(form.website),
            industry: Some(form.industry),
            company_size: Some(form.company_size),
            primary_color: Some(form.primary_color),
            secondary_color: Some(form.secondary_color),
        };
        Ok(update_profile(&self.db, &viewer, patch, &super::client(caller)).await?)
    }
}
