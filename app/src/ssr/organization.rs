//! The organization's profile.

use super::Caller;
use crate::{dto::OrganizationView, error::ApiError};

/// The organization's profile.
#[async_trait::async_trait]
pub trait OrganizationPort: Send + Sync + 'static {
    async fn profile(&self, caller: &Caller) -> Result<OrganizationView, ApiError>;
    async fn update_profile(
        &self,
        caller: &Caller,
        form: OrganizationForm,
    ) -> Result<OrganizationView, ApiError>;
}

/// The profile form as submitted (every field present; empty clears).
#[derive(Debug, Clone)]
pub struct OrganizationForm {
    pub name: String,
    pub website: String,
    pub industry: String,
    pub company_size: String,
    pub primary_color: String,
    pub secondary_color: String,
}
