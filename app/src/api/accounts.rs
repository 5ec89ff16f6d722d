//! Signing in and out, registration, verification and password reset, the team and the audit log.

use leptos::prelude::*;

use crate::error::ApiError;

/// The signed-in user, or `Unauthenticated`.
#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.current_user(&parts).await
}

/// Signs in and sets the session cookie, then sends the browser to the conversations.
#[server(prefix = "/api/fn", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.accounts.sign_in(&parts, email, password).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sign_out(&parts).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The demo organization's accounts, for the login page's "pick a demo account".
#[server(prefix = "/api/fn", endpoint = "demo_accounts")]
pub async fn demo_accounts() -> Result<Vec<crate::auth::DemoAccount>, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.demo_accounts().await
}

/// The sign-in methods besides the password form ("Sign in with Google" when configured).
#[server(prefix = "/api/fn", endpoint = "sign_in_options")]
pub async fn sign_in_options() -> Result<crate::auth::SignInOptions, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.sign_in_options().await
}

/// Creates an organization and its owner; signs in and sends the browser to verify its email.
#[server(prefix = "/api/fn", endpoint = "register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    organization_name: String,
) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let form = crate::ssr::RegisterForm { name, email, password, organization_name };
    let user = ports.accounts.register(&parts, form).await?;
    leptos_axum::redirect("/verify-email");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<crate::auth::UserView, ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.verify_email(token).await
}

#[server(prefix = "/api/fn", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.resend_verification(&parts).await
}

#[server(prefix = "/api/fn", endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.forgot_password(email).await
}

#[server(prefix = "/api/fn", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), ApiError> {
    let (ports, _) = crate::ssr::request().await?;
    ports.accounts.reset_password(token, password).await
}

#[server(prefix = "/api/fn", endpoint = "team")]
pub async fn team(
    q: Option<String>,
    role: Option<crate::auth::Role>,
    status: Option<String>,
    page: Option<u64>,
) -> Result<crate::auth::TeamListing, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.team(&caller, crate::auth::TeamQuery { q, role, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "invite")]
pub async fn invite(email: String, role: crate::auth::Role) -> Result<crate::auth::TeamMember, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.invite(&caller, email, role).await
}

/// Accepts an invitation, signs the new member in and sends them to the conversations.
#[server(prefix = "/api/fn", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<crate::auth::UserView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    let user = ports.accounts.accept_invitation(&parts, token, name, password).await?;
    leptos_axum::redirect("/conversations");
    Ok(user)
}

#[server(prefix = "/api/fn", endpoint = "update_member")]
pub async fn update_member(
    id: uuid::Uuid,
    role: Option<crate::auth::Role>,
    status: Option<String>,
) -> Result<crate::auth::TeamMember, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.update_member(&caller, id, role, status).await
}

#[server(prefix = "/api/fn", endpoint = "remove_member")]
pub async fn remove_member(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.remove_member(&caller, id).await
}

#[server(prefix = "/api/fn", endpoint = "audit_log")]
pub async fn audit_log(
    action: Option<String>,
    before: Option<String>,
) -> Result<Vec<crate::auth::AuditEntryView>, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.accounts.audit_log(&caller, action, before).await
}

#[server(prefix = "/api/fn", endpoint = "sessions")]
pub async fn sessions() -> Result<Vec<crate::auth::SessionView>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sessions(&parts).await
}

#[server(prefix = "/api/fn", endpoint = "sign_out_others")]
pub async fn sign_out_others() -> Result<u64, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.sign_out_others(&parts).await
}
