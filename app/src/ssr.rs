//! Ports: what the server functions need from the server, as traits. `app` never depends on
//! `server`; the server implements `DashboardPort` and injects it with
//! `leptos_routes_with_context` / `handle_server_fns_with_context`.

use std::sync::Arc;

use crate::{
    auth::{
        AuditEntryView, DemoAccount, MfaSetup, NotificationPrefs, Permission, ProfileView, Role,
        SecuritySettings, SessionView, SignInOptions, TeamListing, TeamMember, TeamQuery, UserView,
    },
    billing::{PlanView, WorkspaceView},
    dto::{
        ConversationId, ConversationView, CredentialView, MessageView, OrganizationId, OrganizationView,
        SearchHit, WorkspaceId,
    },
    error::ApiError,
    platform::{AdminOrganization, AdminPage, AdminQuery, AdminUser, StandingPatch, UserActivity},
};

/// Who is asking. Every port call is scoped by `organization_id` and checked against `role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: uuid::Uuid,
    pub organization_id: OrganizationId,
    pub role: Role,
}

impl Viewer {
    /// `Forbidden` unless the viewer's role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.can(permission) { Ok(()) } else { Err(ApiError::Forbidden) }
    }
}

/// Who is asking and from where, resolved once per server-function call from the session
/// cookie (through the server's one authenticator) and handed to every authenticated port
/// method. Methods that act on the session itself (its list, signing out) or come before one
/// exists (sign-in, registration) take the request instead.
#[derive(Debug, Clone)]
pub struct Caller {
    pub viewer: Viewer,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Signing in and out of the dashboard. Implementations set and clear the session cookie on
/// the response through Leptos' `ResponseOptions`.
#[async_trait::async_trait]
pub trait AccountsPort: Send + Sync + 'static {
    /// The signed-in user of this request, or `Unauthenticated`.
    async fn current_user(&self, request: &http::request::Parts) -> Result<UserView, ApiError>;
    async fn sign_in(
        &self,
        request: &http::request::Parts,
        email: String,
        password: String,
    ) -> Result<UserView, ApiError>;
    async fn sign_out(&self, request: &http::request::Parts) -> Result<(), ApiError>;
    async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, ApiError>;
    /// Which other ways of signing in the login page may offer.
    async fn sign_in_options(&self) -> Result<SignInOptions, ApiError>;
    /// Creates an organization and its owner, signs the owner in and mails a verification link.
    async fn register(
        &self,
        request: &http::request::Parts,
        form: RegisterForm,
    ) -> Result<UserView, ApiError>;
    async fn verify_email(&self, token: String) -> Result<UserView, ApiError>;
    async fn resend_verification(&self, request: &http::request::Parts) -> Result<(), ApiError>;
    async fn forgot_password(&self, email: String) -> Result<(), ApiError>;
    async fn reset_password(&self, token: String, password: String) -> Result<(), ApiError>;
    /// The viewer's team, invitations included (owners and admins).
    async fn team(&self, caller: &Caller, query: TeamQuery) -> Result<TeamListing, ApiError>;
    /// Invites someone to the viewer's organization with a role; mails them a 7-day link.
    async fn invite(&self, caller: &Caller, email: String, role: Role) -> Result<TeamMember, ApiError>;
    async fn update_member(
        &self,
        caller: &Caller,
        member: uuid::Uuid,
        role: Option<Role>,
        status: Option<String>,
    ) -> Result<TeamMember, ApiError>;
    async fn remove_member(&self, caller: &Caller, member: uuid::Uuid) -> Result<(), ApiError>;
    /// The signed-in user's sessions, newest first.
    async fn sessions(&self, request: &http::request::Parts) -> Result<Vec<SessionView>, ApiError>;
    /// Ends every session of the signed-in user but this one; returns how many ended.
    async fn sign_out_others(&self, request: &http::request::Parts) -> Result<u64, ApiError>;
    /// A page of the audit log (owners and admins), newest first.
    async fn audit_log(
        &self,
        caller: &Caller,
        action: Option<String>,
        before: Option<String>,
    ) -> Result<Vec<AuditEntryView>, ApiError>;
    /// Accepts an invitation: sets name and password and signs the new member in.
    async fn accept_invitation(
        &self,
        request: &http::request::Parts,
        token: String,
        name: String,
        password: String,
    ) -> Result<UserView, ApiError>;
}

/// The sign-up form as submitted.
#[derive(Debug, Clone)]
pub struct RegisterForm {
    pub name: String,
    pub email: String,
    pub password: String,
    pub organization_name: String,
}

#[async_trait::async_trait]
pub trait DashboardPort: Send + Sync + 'static {
    /// Resolves who is calling from the request's session cookie.
    async fn caller(&self, request: &http::request::Parts) -> Result<Caller, ApiError>;
    async fn list_conversations(&self, viewer: &Viewer) -> Result<Vec<ConversationView>, ApiError>;
    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError>;
    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError>;
    /// A conversation with its messages and history.
    async fn conversation_detail(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<crate::dto::ConversationDetail, ApiError>;
    /// An agent's action on a conversation (take over, reply, give back, resolve).
    async fn act_on_conversation(
        &self,
        caller: &Caller,
        conversation: ConversationId,
        action: crate::dto::ConversationAction,
    ) -> Result<ConversationView, ApiError>;
}

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

/// The injected set of ports.
#[derive(Clone)]
pub struct Ports {
    pub dashboard: Arc<dyn DashboardPort>,
    pub accounts: Arc<dyn AccountsPort>,
    pub organization: Arc<dyn OrganizationPort>,
    pub settings: Arc<dyn OrganizationSettingsPort>,
    pub me: Arc<dyn SelfServicePort>,
    pub platform: Arc<dyn PlatformPort>,
}

/// The ports and the request for the current server-function call.
pub async fn request() -> Result<(Ports, http::request::Parts), ApiError> {
    let ports = leptos::prelude::use_context::<Ports>()
        .ok_or(ApiError::Internal { request_id: "ports-missing".into() })?;
    let parts: http::request::Parts = leptos_axum::extract()
        .await
        .map_err(|_| ApiError::Internal { request_id: "request-parts".into() })?;
    Ok((ports, parts))
}

/// The ports and who is calling, resolved once for the current server-function call.
pub async fn caller() -> Result<(Ports, Caller), ApiError> {
    let (ports, parts) = request().await?;
    let caller = ports.dashboard.caller(&parts).await?;
    Ok((ports, caller))
}

/// The ports and the signed-in viewer for the current server-function call.
pub async fn context() -> Result<(Ports, Viewer), ApiError> {
    let (ports, caller) = caller().await?;
    Ok((ports, caller.viewer))
}

/// Billing, security rules and integration credentials of the viewer's organization.
#[async_trait::async_trait]
pub trait OrganizationSettingsPort: Send + Sync + 'static {
    async fn workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceView>, ApiError>;
    async fn plans(&self, caller: &Caller) -> Result<Vec<PlanView>, ApiError>;
    async fn change_plan(
        &self,
        caller: &Caller,
        workspace: WorkspaceId,
        plan: String,
    ) -> Result<WorkspaceView, ApiError>;
    async fn security_settings(&self, caller: &Caller) -> Result<SecuritySettings, ApiError>;
    async fn update_security(
        &self,
        caller: &Caller,
        settings: SecuritySettings,
    ) -> Result<SecuritySettings, ApiError>;
    async fn credentials(&self, caller: &Caller) -> Result<Vec<CredentialView>, ApiError>;
    async fn add_credential(
        &self,
        caller: &Caller,
        provider: String,
        label: String,
        secret: String,
    ) -> Result<CredentialView, ApiError>;
    async fn remove_credential(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError>;
    async fn outbox(&self, caller: &Caller) -> Result<Vec<crate::dto::OutboxEntry>, ApiError>;
    async fn api_keys(&self, caller: &Caller) -> Result<Vec<crate::dto::ApiKeyView>, ApiError>;
    async fn create_api_key(
        &self,
        caller: &Caller,
        name: String,
        role: Role,
    ) -> Result<crate::dto::CreatedApiKey, ApiError>;
    async fn revoke_api_key(&self, caller: &Caller, id: uuid::Uuid) -> Result<(), ApiError>;
    async fn remove_logo(&self, caller: &Caller) -> Result<OrganizationView, ApiError>;
    async fn chatbots(&self, caller: &Caller) -> Result<Vec<crate::dto::ChatbotView>, ApiError>;
    async fn update_chatbot(
        &self,
        caller: &Caller,
        id: crate::dto::BotId,
        greeting: String,
        fallback_message: String,
        settings: crate::bot_settings::BotSettings,
    ) -> Result<crate::dto::ChatbotView, ApiError>;
}

/// The profile form as submitted (every field present; empty clears).
#[derive(Debug, Clone)]
pub struct ProfileForm {
    pub name: String,
    pub phone: String,
    pub job_title: String,
    pub bio: String,
    pub avatar_url: String,
    pub notifications: NotificationPrefs,
}

/// A person's own account: profile, two-factor sign-in, the colleague directory.
#[async_trait::async_trait]
pub trait SelfServicePort: Send + Sync + 'static {
    async fn profile(&self, caller: &Caller) -> Result<ProfileView, ApiError>;
    async fn update_profile(&self, caller: &Caller, form: ProfileForm) -> Result<ProfileView, ApiError>;
    async fn mfa_setup(&self, caller: &Caller) -> Result<MfaSetup, ApiError>;
    async fn mfa_enable(&self, caller: &Caller, code: String) -> Result<(), ApiError>;
    async fn mfa_disable(&self, caller: &Caller, code: String) -> Result<(), ApiError>;
    /// Completes a two-factor sign-in and sets the session cookie.
    async fn sign_in_mfa(
        &self,
        request: &http::request::Parts,
        challenge: String,
        code: String,
    ) -> Result<UserView, ApiError>;
    async fn directory(&self, caller: &Caller, query: TeamQuery) -> Result<TeamListing, ApiError>;
}

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
