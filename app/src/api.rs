//! Typed server functions: who is asking, one port call, a DTO back. No logic lives here.

use leptos::prelude::*;

use crate::{
    dto::{ConversationId, ConversationView, MessageView, SearchHit},
    error::ApiError,
};

#[server(prefix = "/api/fn", endpoint = "conversations")]
pub async fn list_conversations() -> Result<Vec<ConversationView>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.list_conversations(&viewer).await
}

#[server(prefix = "/api/fn", endpoint = "conversation_messages")]
pub async fn conversation_messages(id: ConversationId) -> Result<Vec<MessageView>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.conversation_messages(&viewer, id).await
}

#[server(prefix = "/api/fn", endpoint = "search_messages")]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.search_messages(&viewer, &query).await
}

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
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.team(&parts, crate::auth::TeamQuery { q, role, status, page }).await
}

#[server(prefix = "/api/fn", endpoint = "invite")]
pub async fn invite(email: String, role: crate::auth::Role) -> Result<crate::auth::TeamMember, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.invite(&parts, email, role).await
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
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.update_member(&parts, id, role, status).await
}

#[server(prefix = "/api/fn", endpoint = "remove_member")]
pub async fn remove_member(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.remove_member(&parts, id).await
}

#[server(prefix = "/api/fn", endpoint = "audit_log")]
pub async fn audit_log(
    action: Option<String>,
    before: Option<String>,
) -> Result<Vec<crate::auth::AuditEntryView>, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.accounts.audit_log(&parts, action, before).await
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

#[server(prefix = "/api/fn", endpoint = "organization")]
pub async fn organization() -> Result<crate::dto::OrganizationView, ApiError> {
    let (ports, parts) = crate::ssr::request().await?;
    ports.organization.profile(&parts).await
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
    let (ports, parts) = crate::ssr::request().await?;
    let form = crate::ssr::OrganizationForm {
        name,
        website,
        industry,
        company_size,
        primary_color,
        secondary_color,
    };
    ports.organization.update_profile(&parts, form).await
}
