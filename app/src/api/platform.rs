//! Platform administration (operators only).

use leptos::prelude::*;

use crate::error::ApiError;

// ── Platform admin ──────────────────────────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "admin_organizations")]
pub async fn admin_organizations(
    q: Option<String>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::platform::AdminPage<crate::platform::AdminOrganization>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.organizations(&parts, crate::platform::AdminQuery { q, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "admin_users")]
pub async fn admin_users(
    q: Option<String>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::platform::AdminPage<crate::platform::AdminUser>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.users(&parts, crate::platform::AdminQuery { q, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "admin_user_activity")]
pub async fn admin_user_activity(id: uuid::Uuid) -> Result<crate::platform::UserActivity, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.platform.user_activity(&parts, id).await
}

#[cfg(feature = "ssr")]
/// A form's text as the patch wants it: the standing fields, tags split at commas.
fn standing_patch(
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
) -> crate::platform::StandingPatch {
    crate::platform::StandingPatch {
        status: Some(status),
        reason: Some(reason),
        suspended_until: Some(suspended_until),
        tags: Some(tags.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()),
        admin_notes: Some(admin_notes),
        ..Default::default()
    }
}

#[cfg(feature = "ssr")]
/// An override field: empty removes it (-1), otherwise a whole number.
fn override_of(field: &str, raw: &str) -> Result<i64, ApiError> {
    match raw.trim() {
        "" => Ok(-1),
        n => n.parse().map_err(|_| ApiError::validation(field, "Enter a whole number, or leave it empty.")),
    }
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/fn", endpoint = "admin_update_organization")]
pub async fn admin_update_organization(
    id: uuid::Uuid,
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
    custom_max_chatbots: String,
    custom_max_messages: String,
    custom_max_file_uploads: String,
) -> Result<crate::platform::AdminOrganization, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let narrow = |field: &str, raw: &str| -> Result<i32, ApiError> {
        i32::try_from(override_of(field, raw)?)
            .map_err(|_| ApiError::validation(field, "That number is too large."))
    };
    let patch = crate::platform::StandingPatch {
        custom_max_chatbots: Some(narrow("custom_max_chatbots", &custom_max_chatbots)?),
        custom_max_messages: Some(override_of("custom_max_messages", &custom_max_messages)?),
        custom_max_file_uploads: Some(narrow("custom_max_file_uploads", &custom_max_file_uploads)?),
        ..standing_patch(status, reason, suspended_until, tags, admin_notes)
    };
    ports.platform.update_organization(&parts, id, patch).await
}

#[server(prefix = "/api/fn", endpoint = "admin_update_user")]
pub async fn admin_update_user(
    id: uuid::Uuid,
    status: String,
    reason: String,
    suspended_until: String,
    tags: String,
    admin_notes: String,
) -> Result<crate::platform::AdminUser, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports
        .platform
        .update_user(&parts, id, standing_patch(status, reason, suspended_until, tags, admin_notes))
        .await
}
