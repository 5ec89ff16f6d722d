//! A person's own profile, two-factor sign-in and the Users directory.

use leptos::prelude::*;

use crate::error::ApiError;

// ── Profile and two-factor sign-in ──────────────────────────────────────────────────────────

#[server(prefix = "/api/fn", endpoint = "profile")]
pub async fn profile() -> Result<crate::auth::ProfileView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.profile(&caller).await
}

/// Saves the profile form (checkboxes are present when ticked).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api/fn", endpoint = "update_profile")]
pub async fn update_profile(
    name: String,
    phone: String,
    job_title: String,
    bio: String,
    avatar_url: String,
    new_conversation: Option<String>,
    escalation: Option<String>,
    weekly_report: Option<String>,
    security_alerts: Option<String>,
) -> Result<crate::auth::ProfileView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let form = crate::ssr::ProfileForm {
        name,
        phone,
        job_title,
        bio,
        avatar_url,
        notifications: crate::auth::NotificationPrefs {
            new_conversation: new_conversation.is_some(),
            escalation: escalation.is_some(),
            weekly_report: weekly_report.is_some(),
            security_alerts: security_alerts.is_some(),
        },
    };
    ports.me.update_profile(&caller, form).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_setup")]
pub async fn mfa_setup() -> Result<crate::auth::MfaSetup, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_setup(&caller).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_enable")]
pub async fn mfa_enable(code: String) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_enable(&caller, code).await
}

#[server(prefix = "/api/fn", endpoint = "mfa_disable")]
pub async fn mfa_disable(code: String) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.me.mfa_disable(&caller, code).await
}

/// The second step of a two-factor sign-in; sends the browser to the conversations.
#[server(prefix = "/api/fn", endpoint = "sign_in_mfa")]
pub async fn sign_in_mfa(challenge: String, code: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.me.sign_in_mfa(&parts, challenge, code).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

/// The Users page: everyone in the organization (any role may look colleagues up).
#[server(prefix = "/api/fn", endpoint = "directory")]
pub async fn directory(
    q: Option<String>,
    role: Option<crate::auth::Role>,
    page: Option<u64>,
) -> Result<crate::auth::TeamListing, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let query = crate::auth::TeamQuery { q, role, status: Some("active".into()), page };
    ports.me.directory(&caller, query).await
}
