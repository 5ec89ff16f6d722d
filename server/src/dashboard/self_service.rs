//! The Profile page's port: a person's own profile, sessions and two-factor sign-in.

use app::{
    ApiError,
    auth::{MfaSetup, ProfileView, TeamListing, TeamQuery, UserView},
    ssr::{Caller, ProfileForm, SelfServicePort},
};
use axum::http::request::Parts;

use super::client;
use crate::{
    accounts::{AccountService, profile::ProfilePatch},
    http::{client_of, cookies::session_cookie},
};

pub struct DashboardSelfService {
    pub accounts: AccountService,
}

#[async_trait::async_trait]
impl SelfServicePort for DashboardSelfService {
    async fn profile(&self, caller: &Caller) -> Result<ProfileView, ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.profile(&viewer).await?)
    }

    async fn update_profile(&self, caller: &Caller, form: ProfileForm) -> Result<ProfileView, ApiError> {
        let viewer = caller.viewer;
        let patch = ProfilePatch {
            name: Some(form.name),
            phone: Some(form.phone),
            job_title: Some(form.job_title),
            bio: Some(form.bio),
            avatar_url: Some(form.avatar_url),
            notifications: Some(form.notifications),
        };
        Ok(self.accounts.update_profile(&viewer, patch, &client(caller)).await?)
    }

    async fn mfa_setup(&self, caller: &Caller) -> Result<MfaSetup, ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.mfa_setup(&viewer).await?)
    }

    async fn mfa_enable(&self, caller: &Caller, code: String) -> Result<(), ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.mfa_enable(&viewer, &code, &client(caller)).await?)
    }

    async fn mfa_disable(&self, caller: &Caller, code: String) -> Result<(), ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.mfa_disable(&viewer, &code, &client(caller)).await?)
    }

    async fn sign_in_mfa(
        &self,
        request: &Parts,
        challenge: String,
        code: String,
    ) -> Result<UserView, ApiError> {
        let (user, token) = self.accounts.complete_mfa(&challenge, &code, &client_of(request)).await?;
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(axum::http::header::SET_COOKIE, session_cookie(&token, &request.headers));
        }
        Ok(user)
    }

    async fn directory(&self, caller: &Caller, query: TeamQuery) -> Result<TeamListing, ApiError> {
        let viewer = caller.viewer;
        Ok(self.accounts.directory(&viewer, query).await?)
    }
}
