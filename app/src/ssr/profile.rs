//! A person's own profile, two-factor sign-in and the Users directory.

use super::Caller;
use crate::{
    auth::{MfaSetup, NotificationPrefs, ProfileView, TeamListing, TeamQuery, UserView},
    error::ApiError,
};

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
