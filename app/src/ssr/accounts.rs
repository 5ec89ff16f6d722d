//! Signing in and out, registration, verification and password reset, the team and the audit log.

use super::Caller;
use crate::{
    auth::{
        AuditEntryView, DemoAccount, Role, SessionView, SignInOptions, TeamListing, TeamMember, TeamQuery,
        UserView,
    },
    error::ApiError,
};

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
