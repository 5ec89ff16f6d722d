//! The organization's profile.

use leptos::prelude::*;

use crate::error::ApiError;

#[server(prefix = "/api/fn", endpoint = "organization")]
pub async fn organization() -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.organization.profile(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "update_organization")]
pub async fn update_organization(
    name: String,
    website: String,
    industry: String,
    company_size: String,
    primary_color: String,
    secondary_color: String,
) -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let form = crate::ssr::OrganizationForm {
        name,
        website,
        industry,
        company_size,
        primary_color,
        secondary_color,
    };
    ports.organization.update_profile(&caller, form).await
}
